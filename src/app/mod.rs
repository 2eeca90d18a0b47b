//! The desktop application (egui/eframe), a client of [`crate::core`].
//!
//! [`FolioApp`] holds four parts: the [`Session`] (the library, the snapshot
//! the panels draw from, the view), the [`UiState`] (selection, dialog,
//! viewer, drag, notices), the [`Background`] work (imports, file dialogs,
//! large reads) and the undo [`History`]. Each frame the panels get a narrow
//! context — the snapshot to read, their own state, an [`Outbox`] — and after
//! the frame the app runs the commands and applies the actions: each in one
//! transaction ([`action::perform`]), its [`action::Effect`] applied in one
//! place ([`FolioApp::apply`]).

mod action;
mod apply;
mod command;
mod commands;
mod data;
mod dialogs;
pub mod export;
mod failed;
mod find;
mod grid;
mod history;
mod inspector;
mod jobs;
mod menu;
mod session;
mod sidebar;
mod state;
mod status;
mod textures;
mod theme;
mod work;

use std::path::PathBuf;

use eframe::egui;

pub use action::Action;
pub use command::Command;
pub use data::{Counts, Data, Place, Pool, type_label};
pub use dialogs::Dialog;
pub use jobs::{Pick, Report, Work};
pub use session::{Captions, THUMB_SIZES, View};
pub use state::{Notice, Selection};
pub use theme::{THEME_KEY, Theme};
pub use work::Revealer;

use history::History;
use session::Session;
use state::{Outbox, UiState};
use textures::Textures;
use work::{Arrived, Background};

use crate::core::{ImageId, Library};

/// The key under which the view is saved between runs.
pub const STORAGE_KEY: &str = "folio-view";

/// Opens the desktop window on the library at `root`. On Linux it always runs
/// through X11 (XWayland on a Wayland desktop): winit delivers files dropped
/// from other applications only there.
pub fn run(root: PathBuf, files: Vec<PathBuf>) -> anyhow::Result<()> {
    crate::core::storage::library::set_holder(crate::core::storage::library::WINDOW_HOLDER);
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Folio")
        .with_app_id(crate::desktop::APP_ID)
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([640.0, 400.0])
        .with_drag_and_drop(true);
    match window_icon() {
        Ok(icon) => viewport = viewport.with_icon(std::sync::Arc::new(icon)),
        Err(e) => log::warn!("the window has no icon: {e}"),
    }
    let mut options = eframe::NativeOptions {
        viewport,
        // Window and panel state is not the artist's data: keep it out of the
        // library folder (eframe's default would be ~/.local/share/folio too).
        // eframe takes this as the file's path, whatever its docs say.
        persistence_path: directories::ProjectDirs::from("", "", "Folio")
            .map(|d| d.config_dir().join("window.ron")),
        ..Default::default()
    };
    #[cfg(target_os = "linux")]
    {
        options.event_loop_builder = Some(Box::new(|builder| {
            use winit::platform::x11::EventLoopBuilderExtX11;
            builder.with_x11();
        }));
    }
    eframe::run_native(
        "Folio",
        options,
        Box::new(move |cc| {
            Ok(Box::new(FolioApp::opened_with(
                &cc.egui_ctx,
                root,
                cc.storage,
                files,
            )))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

/// The window's icon: Folio's own, at 256 px (the window manager scales it).
fn window_icon() -> Result<egui::IconData, image::ImageError> {
    let png = crate::desktop::ICONS
        .iter()
        .find(|(n, _)| *n == 256)
        .map_or(crate::desktop::ICONS[0].1, |(_, bytes)| *bytes);
    let rgba = image::load_from_memory_with_format(png, image::ImageFormat::Png)?.into_rgba8();
    Ok(egui::IconData {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

/// The application.
pub struct FolioApp {
    session: Session,
    ui: UiState,
    work: Background,
    history: History,
    textures: Textures,
    /// What this frame's panels asked for.
    out: Outbox,
    /// Light, dark or as the desktop is.
    theme: Theme,
    /// Files Folio was started with, until the library opens and the offer
    /// to import them is shown.
    opened: Vec<PathBuf>,
}

impl FolioApp {
    /// Opens the library at `root` (showing why, if it cannot be opened) and
    /// restores the view saved in `storage` for that library.
    pub fn new(ctx: &egui::Context, root: PathBuf, storage: Option<&dyn eframe::Storage>) -> Self {
        Self::opened_with(ctx, root, storage, Vec::new())
    }

    /// As [`FolioApp::new`], started with `files` (`folio FILE…`, "Open
    /// with Folio"): it offers to import them. When another Folio has the
    /// library, it says so and imports nothing: the files are for that
    /// Folio's window.
    pub fn opened_with(
        ctx: &egui::Context,
        root: PathBuf,
        storage: Option<&dyn eframe::Storage>,
        files: Vec<PathBuf>,
    ) -> Self {
        let saved: Option<View> = storage.and_then(|s| eframe::get_value(s, STORAGE_KEY));
        let theme: Theme = storage
            .and_then(|s| eframe::get_value(s, THEME_KEY))
            .unwrap_or_default();
        // Applied by the first frame (see `ui`).
        theme::tune(ctx);
        theme::follow_desktop(ctx);
        let view = View::restored(saved, &root);
        add_fallback_font(ctx);
        let mut app = FolioApp {
            session: Session::open(root, view),
            ui: UiState::default(),
            work: Background::new(ctx),
            history: History::default(),
            textures: Textures::new(ctx),
            out: Outbox::default(),
            theme,
            opened: files,
        };
        app.reload();
        if app.session.locked() && !app.opened.is_empty() {
            if app.session.locked_by_window() {
                eprintln!(
                    "folio: Folio is already open on {}: drop the files on its window to import them. Nothing was imported here.",
                    app.session.root().display()
                );
            } else {
                eprintln!(
                    "folio: a folio command is using {}: when it has finished, press Try again in this window to import the files. Nothing was imported yet.",
                    app.session.root().display()
                );
            }
        }
        app.offer_opened();
        app
    }

    /// The offer to import the files Folio was started with, once the
    /// library is open.
    fn offer_opened(&mut self) {
        if self.opened.is_empty() || self.session.library().is_err() {
            return;
        }
        let files = std::mem::take(&mut self.opened);
        let group = self.session.view.group();
        self.open_dialog(Dialog::OpenFiles(dialogs::OpenFiles::new(files, group)));
    }

    /// The theme chosen (View → Theme).
    pub fn theme(&self) -> Theme {
        self.theme
    }

    // ------------------------------------------------------------ for tests

    /// The library's root folder.
    pub fn root(&self) -> &std::path::Path {
        self.session.root()
    }

    /// The open library (tests read the database through it).
    pub fn library(&self) -> Option<&Library> {
        self.session.library().ok()
    }

    /// The snapshot the panels draw from.
    pub fn data(&self) -> &Data {
        &self.session.data
    }

    /// The view: the selected gallery and group, the sizes.
    pub fn view(&self) -> &View {
        &self.session.view
    }

    /// The view, to change (tests).
    pub fn view_mut(&mut self) -> &mut View {
        &mut self.session.view
    }

    /// The grid's selection.
    pub fn selection(&self) -> &Selection {
        &self.ui.selection
    }

    /// The open dialog.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.ui.dialog.as_ref()
    }

    /// The status bar's messages, oldest first.
    pub fn notices(&self) -> &[Notice] {
        self.ui.notices.all()
    }

    /// Makes "Show in file manager" call `reveal` (tests: one that records
    /// what it was asked, or fails as a desktop without a file manager does).
    pub fn set_revealer(&mut self, reveal: std::sync::Arc<Revealer>) {
        self.work.reveal = reveal;
    }

    /// Waits for the "Show in file manager" calls still running (tests).
    pub fn finish_reveals(&mut self) {
        for rx in std::mem::take(&mut self.ui.revealing) {
            if let Ok(answer) = rx.recv() {
                self.revealed(answer);
            }
        }
    }

    /// What "Show in file manager" came back with: a notice, or the dialog
    /// with the original's path when no file manager showed it.
    fn revealed(&mut self, answer: Result<Notice, dialogs::OriginalPath>) {
        match answer {
            Ok(notice) => self.ui.notices.push(notice),
            Err(where_it_is) => self.open_dialog(Dialog::OriginalPath(where_it_is)),
        }
    }

    /// Makes imports write files through `write` (tests: a disk that fills up).
    pub fn set_writer(&mut self, write: std::sync::Arc<crate::core::storage::atomic::WriteFn>) {
        self.work.write = write;
    }

    /// Reads groups of more than `n` images in the background when they are
    /// opened (tests: 0, to see it happen on small ones).
    pub fn set_background_reads_above(&mut self, n: u64) {
        self.work.defer_rows_above = n;
    }

    /// Leaves a group read in the background unshown until
    /// [`FolioApp::finish_loading`] (tests: the reading state, without a race).
    pub fn hold_background_reads(&mut self, hold: bool) {
        self.work.hold_reads = hold;
    }

    /// Waits for a group being read in the background, and shows it (tests).
    pub fn finish_loading(&mut self) {
        if let Some(read) = self.work.wait_load() {
            self.loaded(read);
        }
    }

    /// Whether an import is running or waiting.
    pub fn is_busy(&self) -> bool {
        self.work.is_busy()
    }

    /// Waits for the running import and any queued ones (tests; the app never waits).
    /// Waits for the export dialog's reading of its gallery (tests).
    pub fn settle_export_dialog(&mut self) {
        if let Some(Dialog::Export(d)) = self.ui.dialog.as_mut() {
            d.settle();
        }
    }

    /// Waits for the copy "Export original…" is writing (tests).
    pub fn finish_original_export(&mut self) {
        if let Some(Dialog::ExportOriginal(d)) = self.ui.dialog.as_mut() {
            d.wait();
        }
    }

    /// Waits for About's count of the library's size (tests).
    pub fn finish_about(&mut self) {
        if let Some(Dialog::About(d)) = self.ui.dialog.as_mut() {
            d.wait();
        }
    }

    /// Waits for the export the open dialog runs (tests); what it ended with.
    pub fn finish_export(&mut self) -> Option<export::Ended> {
        match self.ui.dialog.as_mut() {
            Some(Dialog::Export(d)) => d.wait(),
            _ => None,
        }
    }

    pub fn finish_jobs(&mut self) {
        while let Some((work, finished)) = self.work.wait_job() {
            self.job_finished(&work, finished);
            self.start_next_job();
        }
    }

    /// Whether the inspector's `field` says "several values" (the selected
    /// images differ in it and nothing was typed).
    pub fn shows_several_values(&self, field: crate::core::model::details::Field) -> bool {
        let f = self.ui.details.field(field);
        f.mixed && f.text.is_empty()
    }

    /// What is typed into Find, and the number of the query last sent and
    /// of the answer shown (tests and the benchmark).
    pub fn find_state(&self) -> (String, Option<u64>, Option<u64>) {
        let f = &self.ui.find;
        (
            f.query.text.clone(),
            f.sent.as_ref().map(|(s, _)| *s),
            f.shown.map(|(s, _)| s),
        )
    }

    /// Whether what Find shows answers the query sent last (the benchmark).
    pub fn find_answered(&self) -> bool {
        let sent = self.ui.find.sent.as_ref().map(|(s, _)| *s);
        sent.is_some() && self.ui.find.shown.map(|(s, _)| s) == sent
    }

    /// Selects exactly `ids` (tests and the benchmark; the last is focused).
    pub fn select(&mut self, ids: &[ImageId]) {
        self.ui.selection = Selection::of(ids);
    }

    /// The selected images in the group's order.
    pub fn selected_in_order(&self) -> Vec<ImageId> {
        self.session.data.in_order(&self.ui.selection.ids)
    }

    // ------------------------------------------------------------ the snapshot

    /// Re-reads the snapshot for the current view.
    fn reload(&mut self) {
        self.refresh(false);
    }

    /// Re-reads the library for the current view (see [`Session::refresh`]);
    /// a group too large to read here is read in the background.
    fn refresh(&mut self, keep_images: bool) {
        let focus = self.ui.selection.focus;
        let defer = self.work.defer_rows_above;
        match self.session.refresh(focus, keep_images, defer) {
            Ok(()) => {
                self.ui.selection.retain_shown(&self.session.data.index);
                self.work.forget_load();
                if self.session.data.is_deferred() {
                    self.start_loader();
                }
            }
            Err(e) => self.ui.notices.push(Notice::error(e)),
        }
    }

    /// Reads the deferred group for the current view in the background (or
    /// asks Find for what it shows).
    fn start_loader(&mut self) {
        if self.session.data.deferred_pool == Some(Pool::Found) {
            self.send_find();
            return;
        }
        let key = self.session.view_key(self.ui.selection.focus);
        let started = match self.session.library() {
            Ok(lib) => self.work.load(lib, key),
            Err(_) => return,
        };
        if let Err(e) = started {
            log::warn!("reading on the UI thread instead: {e}");
            self.refresh(false);
        }
    }

    /// A group read in the background: shown if the view is still the one
    /// it was read for, else read again for the view now.
    fn loaded(&mut self, read: Result<jobs::Snapshot, String>) {
        match read {
            Ok(s) if s.key == self.session.view_key(self.ui.selection.focus) => {
                self.session.adopt(s.data, s.place);
                self.ui.selection.retain_shown(&self.session.data.index);
            }
            Ok(_) if self.session.data.is_deferred() => self.start_loader(),
            Ok(_) => {}
            Err(e) => {
                // Not left saying it is being read: read here, or say why not.
                log::warn!("reading the group in the background failed: {e}");
                self.refresh(false);
            }
        }
    }

    // ------------------------------------------------------------ find

    /// After the frame: a changed query is sent to Find (and Find shown,
    /// when something is typed elsewhere).
    fn find_if_changed(&mut self) {
        let find = &self.ui.find;
        let sent_already = match &find.sent {
            Some((_, q)) => *q == find.query,
            None => find.query.is_empty(),
        };
        if sent_already {
            return;
        }
        if self.session.view.pool == Some(Pool::Found) {
            self.send_find();
        } else if !find.query.is_empty() {
            self.show_find();
        }
    }

    /// Shows Find's view at once, empty until Find answers (the catalogue
    /// did not change, so nothing is read on this frame), and asks it.
    pub(super) fn show_find(&mut self) {
        self.session.show_found();
        self.ui.selection = Selection::default();
        self.ui.viewer = false;
        self.send_find();
    }

    /// Sends the query to Find's thread.
    fn send_find(&mut self) {
        let seq = self.ui.find.sent.as_ref().map_or(1, |(s, _)| s + 1);
        let query = self.ui.find.query.clone();
        self.ui.find.sent = Some((seq, query.clone()));
        let edits = self.session.edits();
        let sent = match self.session.library() {
            Ok(lib) => self.work.find(lib, seq, edits, query),
            Err(_) => return,
        };
        if let Err(e) = sent {
            self.found(Err(e));
        }
    }

    /// Find answered: shown if it answers the query sent last and Find is
    /// still shown (the rows and their index come made; only swapped in).
    fn found(&mut self, found: Result<find::Found, String>) {
        let data = &mut self.session.data;
        let showing = data.pool == Some(Pool::Found) || data.deferred_pool == Some(Pool::Found);
        let found = match found {
            Ok(f) => f,
            Err(e) => {
                // Said in Find's view, not left "Searching…".
                if data.deferred_pool == Some(Pool::Found) {
                    data.deferred_pool = None;
                    data.pool = Some(Pool::Found);
                }
                self.ui.find.error = Some(e);
                return;
            }
        };
        let latest = self.ui.find.sent.as_ref().map(|(s, _)| *s);
        if latest != Some(found.seq) || !showing {
            return;
        }
        // Read before the latest change (an edit saved while it searched):
        // asked again, so that the grid never shows the older rows.
        if found.edits < self.session.acted_at() {
            self.send_find();
            return;
        }
        let data = &mut self.session.data;
        self.ui.find.error = None;
        self.ui.find.shown = Some((found.seq, found.rows.len()));
        data.swap_rows(found.rows, found.index);
        data.pool = Some(Pool::Found);
        data.deferred_pool = None;
        if data
            .usage
            .as_ref()
            .is_some_and(|(id, _)| !data.index.contains_key(id))
        {
            data.usage = None;
        }
        self.ui.selection.retain_shown(&self.session.data.index);
        // The inspector's form reads the rows again.
        self.session.rows_changed();
    }

    /// Waits for Find's answer to the query sent last and shows it (tests
    /// and the benchmark; the app never waits).
    pub fn finish_finding(&mut self) {
        self.find_if_changed();
        let shown = self.ui.find.shown.map(|(seq, _)| seq);
        if let Some((seq, _)) = self.ui.find.sent.clone()
            && shown != Some(seq)
            && let Some(found) = self.work.wait_found(seq)
        {
            self.found(found);
        }
    }

    // ------------------------------------------------------------ background work

    fn enqueue(&mut self, work: Work) {
        let view = self.session.view_key(self.ui.selection.focus);
        let queued = match self.session.library() {
            Ok(lib) => self.work.enqueue(work, lib, view),
            Err(e) => Err(e.to_string()),
        };
        match queued {
            Ok(true) => self.ui.notices.push(Notice::info(
                "The import will start when the current one finishes.",
            )),
            Ok(false) => {}
            Err(e) => self.ui.notices.push(Notice::error(e)),
        }
    }

    fn start_next_job(&mut self) {
        let view = self.session.view_key(self.ui.selection.focus);
        if let Ok(lib) = self.session.library()
            && let Err(e) = self.work.start_next(lib, view)
        {
            self.ui.notices.push(Notice::error(e));
        }
    }

    fn poll_work(&mut self) {
        let mut said = Vec::new();
        self.ui.revealing.retain(|rx| match rx.try_recv() {
            Ok(answer) => {
                said.push(answer);
                false
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => true,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => false,
        });
        for answer in said {
            self.revealed(answer);
        }
        for arrived in self.work.poll() {
            match arrived {
                Arrived::Loaded(read) => self.loaded(read),
                Arrived::Found(found) => self.found(found),
                // Imported images show as they arrive (not in a group still
                // being read: its snapshot will have them).
                Arrived::Rows(group, rows) => {
                    // An import is writing: Find reads the library again.
                    self.session.note_edit();
                    if self.session.data.shown == Some(group) {
                        self.session.data.append_rows(group, rows);
                    }
                }
                Arrived::Finished(work, finished) => {
                    self.job_finished(&work, finished);
                    self.start_next_job();
                }
                Arrived::Picked {
                    paths,
                    group,
                    at_once,
                } => {
                    if !paths.is_empty() {
                        self.out.act(Action::Import { paths, group });
                    } else if at_once {
                        self.ui.notices.push(Notice::error(
                            "No file dialog could be opened: this desktop has neither the xdg-desktop-portal service nor zenity. Drop files or folders onto the window instead.",
                        ));
                    }
                }
            }
        }
        if self.work.sample_grew() {
            // A small library being built: show it growing.
            self.reload();
        }
        // The running job reads its closing snapshot for the view as it is now.
        self.work
            .set_view(self.session.view_key(self.ui.selection.focus));
    }

    fn job_finished(&mut self, work: &Work, finished: jobs::Finished) {
        let jobs::Finished { report, snapshot } = finished;
        // What the job wrote: Find reads the library again for its next query.
        let key = self.session.view_key(self.ui.selection.focus);
        self.session.note_edit();
        // The job read the library after its last write; that snapshot is
        // shown unless the view changed or the app wrote since.
        match snapshot {
            Some(s) if s.key == key => {
                self.session.adopt(s.data, s.place);
                self.ui.selection.retain_shown(&self.session.data.index);
                // Find's rows are the search thread's to give.
                if self.session.data.is_deferred() {
                    self.start_loader();
                }
            }
            _ => self.reload(),
        }
        if matches!(work, Work::Sample) {
            self.show_sample();
        }
        let headline = report.headline();
        self.ui.notices.push(if report.error.is_some() {
            Notice::error(headline)
        } else {
            Notice::info(headline)
        });
        if report.needs_attention() {
            self.open_dialog(Dialog::ImportReport(dialogs::ImportReport(report)));
        }
    }

    /// Opens the sample portfolio's first gallery, unless a gallery is open.
    fn show_sample(&mut self) {
        if self.session.view.gallery.is_some() {
            return;
        }
        let first = crate::core::sample::PORTFOLIO[0].name;
        if let Some(g) = self.session.data.galleries.iter().find(|g| g.name == first) {
            self.session.view.go(Some(g.id), None);
            self.reload();
        }
    }

    // ------------------------------------------------------------ the frame

    /// Opens `dialog`, reading what it needs beyond the snapshot first.
    fn open_dialog(&mut self, mut dialog: Dialog) {
        // A running export keeps its dialog (its progress and Cancel).
        if self.ui.dialog.as_ref().is_some_and(|d| !d.closable()) {
            self.ui.notices.push(Notice::info(
                "An export is running: wait for it, or cancel it, first.",
            ));
            return;
        }
        if let Ok(lib) = self.session.library() {
            dialog.prepare(lib);
        }
        self.ui.dialog = Some(dialog);
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if dropped.is_empty() {
            return;
        }
        match self.session.view.group() {
            Some(group) => self.out.act(Action::Import {
                paths: dropped,
                group,
            }),
            None => self.out.open(Dialog::new_group_for_files(
                self.session.view.gallery(),
                dropped,
            )),
        }
    }

    /// The panels of a frame, each with only what it reads and writes.
    fn panels_ui(&mut self, ui: &mut egui::Ui) {
        let FolioApp {
            session,
            ui: state,
            work,
            history,
            textures,
            out,
            theme,
            ..
        } = self;
        let (captions, theme) = (session.view.captions, *theme);
        egui::Panel::top("menu").show(ui, |ui| menu::menu_bar_ui(ui, captions, theme, out));
        if work.job().is_some() || !state.notices.is_empty() {
            egui::Panel::bottom("status").show(ui, |ui| {
                status::status_ui(ui, work, &mut state.notices, history, out);
            });
        }
        egui::Panel::left("sidebar")
            .resizable(true)
            .default_size(280.0)
            .size_range(200.0..=520.0)
            .show(ui, |ui| {
                sidebar::sidebar_ui(
                    ui,
                    &session.data,
                    &session.view,
                    &mut state.drag,
                    &mut state.find,
                    out,
                )
            });
        if session.view.inspector {
            egui::Panel::right("inspector")
                .resizable(true)
                .default_size(300.0)
                .size_range(220.0..=600.0)
                .show(ui, |ui| {
                    let mut panel = inspector::Inspector {
                        data: &session.data,
                        files: session.files(),
                        selection: &state.selection,
                        form: &mut state.details,
                        generation: session.generation(),
                        viewer: &mut state.viewer,
                        textures,
                        out,
                    };
                    panel.ui(ui);
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let (data, files, root, view) = session.centre_parts();
            let mut grid = grid::Centre {
                data,
                files,
                root,
                view,
                selection: &mut state.selection,
                drag: &mut state.drag,
                geometry: &mut state.geometry,
                cut: state.clip.as_ref().map(|c| &c.dimmed),
                find: &mut state.find,
                viewer: &mut state.viewer,
                textures,
                out,
            };
            grid.ui(ui);
        });
    }
}

/// Fonts with Chinese, Japanese and Korean letters that desktops install,
/// tried in order: egui's own fonts have none, and titles and names in those
/// scripts would be drawn as boxes. Read from the machine, never downloaded;
/// without any, nothing changes.
const FALLBACK_FONTS: [&str; 4] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

/// Adds the first of [`FALLBACK_FONTS`] found as the last resort of both
/// font families.
fn add_fallback_font(ctx: &egui::Context) {
    let Some((path, bytes)) = FALLBACK_FONTS
        .iter()
        .find_map(|p| std::fs::read(p).ok().map(|b| (*p, b)))
    else {
        return;
    };
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "system-cjk".into(),
        std::sync::Arc::new(egui::FontData::from_owned(bytes)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("system-cjk".into());
    }
    ctx.set_fonts(fonts);
    log::info!("letters egui's fonts lack are drawn with {path}");
}

impl eframe::App for FolioApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        // The one place the artist's choice is applied: it holds, whatever
        // restored egui's own options.
        let theme = self.theme.preference();
        if ctx.options(|o| o.theme_preference) != theme {
            ctx.set_theme(theme);
        }
        if self.session.library().is_err() {
            self.open_failed_ui(ui);
            return;
        }
        self.textures.begin_frame(&ctx);
        self.poll_work();
        if self.ui.dialog.is_none() {
            commands::collect_shortcuts(&ctx, &mut self.out);
        }
        self.handle_dropped_files(&ctx);
        self.panels_ui(ui);
        if self.ui.viewer {
            inspector::viewer_ui(
                &ctx,
                &self.session.data,
                self.session.files(),
                self.ui.selection.focus,
                &mut self.ui.viewer,
                &mut self.textures,
                &mut self.out,
            );
        }
        let confirmed = dialogs::dialog_ui(
            &ctx,
            &mut self.ui.dialog,
            &mut self.ui.dialog_was_open,
            &self.session.data,
        );
        self.out.actions.extend(confirmed);
        grid::drop_overlay(&ctx, &self.session.data, &self.session.view);

        if let Some(dialog) = self.out.dialog.take() {
            self.open_dialog(dialog);
        }
        for notice in std::mem::take(&mut self.out.notices) {
            self.ui.notices.push(notice);
        }
        let changed = !self.out.commands.is_empty() || !self.out.actions.is_empty();
        for (c, shift) in std::mem::take(&mut self.out.commands) {
            self.run_command(c, shift, &ctx);
        }
        self.apply();
        self.find_if_changed();
        // What the commands and actions changed is drawn by the next frame,
        // now, not at the next mouse move.
        if changed {
            ctx.request_repaint();
        }
        // Where the inspected image is used: read after the frame, never
        // while drawing, and shown by the next one.
        if self.session.read_usage(self.ui.selection.focus) {
            ctx.request_repaint();
        }
        self.textures.end_frame();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let saves = self.ui.details.flush_all();
        if !saves.is_empty() {
            self.out.actions.extend(saves);
            self.apply();
        }
        eframe::set_value(storage, STORAGE_KEY, &self.session.view);
        eframe::set_value(storage, THEME_KEY, &self.theme);
    }
}
