//! The desktop application (egui/eframe), a client of [`crate::core`].
//!
//! Each frame the panels read the [`Data`] snapshot and push [`Action`]s and
//! [`Command`]s; after the frame, [`FolioApp::apply`] carries the actions out,
//! each in one database transaction, and reloads the snapshot. Imports and
//! thumbnails run on worker threads ([`jobs`], [`thumbs`]).

mod command;
mod data;
mod dialogs;
mod grid;
mod inspector;
mod jobs;
mod sidebar;
mod thumbs;

use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;

use eframe::egui;
use serde::{Deserialize, Serialize};

pub use command::Command;
pub use data::{Data, type_label};
pub use dialogs::Dialog;
pub use jobs::{Pick, Report, Work};

use crate::core::{GalleryId, GroupId, ImageId, Library, catalog, images};

/// The key under which the view is saved between runs.
pub const STORAGE_KEY: &str = "folio-view";

/// Opens the desktop window on the library at `root`. On Linux it always runs
/// through X11 (XWayland on a Wayland desktop): winit delivers files dropped
/// from other applications only there.
pub fn run(root: PathBuf) -> anyhow::Result<()> {
    let mut options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Folio")
            .with_app_id("folio")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
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
        Box::new(move |cc| Ok(Box::new(FolioApp::new(&cc.egui_ctx, root, cc.storage)))),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

/// What is restored on the next start (the data itself lives only in the database).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct View {
    /// The library these ids belong to.
    pub library: PathBuf,
    pub gallery: Option<i64>,
    pub group: Option<i64>,
    /// Thumbnail cell size in points.
    pub thumb_size: f32,
    pub inspector: bool,
}

impl View {
    fn new(library: PathBuf) -> Self {
        View {
            library,
            gallery: None,
            group: None,
            thumb_size: 160.0,
            inspector: true,
        }
    }
    fn gallery(&self) -> Option<GalleryId> {
        self.gallery.map(GalleryId)
    }
    fn group(&self) -> Option<GroupId> {
        self.group.map(GroupId)
    }
}

/// Groups of more images than this are read in the background when opened
/// (about 15 ms on the UI thread at this size; 100,000 take 80 ms).
const DEFER_ROWS_ABOVE: u64 = 20_000;

/// Smallest and largest thumbnail cells.
pub const THUMB_SIZES: std::ops::RangeInclusive<f32> = 72.0..=320.0;

/// A change to the library, applied after the frame in one transaction.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    SelectGallery(Option<GalleryId>),
    SelectGroup(Option<GroupId>),
    /// A new gallery: name and description.
    CreateGallery(String, String),
    /// A gallery's new name and description.
    EditGallery(GalleryId, String, String),
    DeleteGallery(GalleryId),
    /// A new group, attached to a gallery with a type when given.
    CreateGroup {
        name: String,
        attach: Option<(GalleryId, String)>,
        /// Import these into it once made.
        then_import: Vec<PathBuf>,
        then_pick: Option<Pick>,
    },
    /// A group's new name and description.
    EditGroup(GroupId, String, String),
    DeleteGroup(GroupId),
    Attach {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
    },
    Detach {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
    },
    ChangeType {
        gallery: GalleryId,
        group: GroupId,
        from: String,
        to: String,
    },
    MoveLink {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
        to: usize,
    },
    /// Move images of a group to just before `before` (`None`: the end).
    MoveImages {
        group: GroupId,
        ids: Vec<ImageId>,
        before: Option<ImageId>,
    },
    RemoveFromGroup {
        group: GroupId,
        ids: Vec<ImageId>,
    },
    DeleteImages(Vec<ImageId>),
    SetAltText(ImageId, String),
    Import {
        paths: Vec<PathBuf>,
        group: GroupId,
    },
    Pick(Pick, GroupId),
    Undo,
}

/// How to undo a change: put each image back right before the image that
/// followed it, last first (see [`FolioApp::undo`]).
#[derive(Clone, Debug)]
enum Undo {
    Removed {
        group: GroupId,
        places: Vec<(ImageId, Option<ImageId>)>,
    },
    Moved {
        group: GroupId,
        places: Vec<(ImageId, Option<ImageId>)>,
    },
    Detached {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
        index: usize,
    },
}

/// What an applied action did to the shown group's rows, in memory.
enum Mirror {
    /// A reorder, mirrored with [`Data::move_local`].
    Move(Vec<ImageId>, Option<ImageId>),
    /// Images gone from the shown group (or from the library).
    Remove(Vec<ImageId>),
    /// One image's row changed: it is re-read alone.
    Row(ImageId),
    /// Nothing: the action leaves the shown group's rows as they are.
    Unchanged,
    /// Anything (undo): the group is read again.
    Unknown,
}

/// What the snapshot needs after a frame's actions, least first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Refresh {
    None,
    /// Galleries, groups, links and counts; the shown rows are kept.
    Catalog,
    All,
}

/// A message in the status bar.
#[derive(Clone, Debug)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    /// Offer an Undo button beside it.
    pub undoable: bool,
}

/// The grid's selection.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub ids: HashSet<ImageId>,
    /// Where a Shift-click range starts.
    pub anchor: Option<ImageId>,
    /// The image last clicked: the one the inspector and viewer show.
    pub focus: Option<ImageId>,
}

impl Selection {
    fn only(id: ImageId) -> Self {
        Selection {
            ids: HashSet::from([id]),
            anchor: Some(id),
            focus: Some(id),
        }
    }
}

/// The application.
pub struct FolioApp {
    ctx: egui::Context,
    root: PathBuf,
    lib: Result<Library, String>,
    /// When the library was refused and a backup exists: that backup.
    restorable: Option<PathBuf>,
    pub data: Data,
    pub view: View,
    pub selection: Selection,
    thumbs: thumbs::Thumbs,
    actions: Vec<Action>,
    commands: Vec<Command>,
    pub dialog: Option<Dialog>,
    /// Whether a dialog was open last frame (a new one takes the keyboard).
    dialog_was_open: bool,
    job: Option<jobs::Job>,
    queue: VecDeque<Work>,
    picker: Option<jobs::Picker>,
    /// A large group being read in the background ([`Data::deferred`]).
    loader: Option<jobs::Loader>,
    /// Groups larger than this are read in the background when opened.
    defer_rows_above: u64,
    /// Tests: a background read is shown only by `finish_loading`.
    hold_reads: bool,
    undo: Vec<Undo>,
    pub notices: Vec<Notice>,
    viewer: bool,
    alt: inspector::AltEdit,
    drag: Option<grid::GridDrag>,
    /// Files done when the snapshot was last reloaded during the sample job.
    reloaded_at: usize,
    /// Counts the app's writes and snapshot reads: a job's snapshot read for
    /// an older count is stale (see [`jobs::ViewKey`]).
    generation: u64,
    /// How imports write files (the real writer, or a failing one for tests).
    write: std::sync::Arc<crate::core::import::WriteFn>,
}

impl FolioApp {
    /// Opens the library at `root` (showing why, if it cannot be opened) and
    /// restores the view saved in `storage` for that library.
    pub fn new(ctx: &egui::Context, root: PathBuf, storage: Option<&dyn eframe::Storage>) -> Self {
        let (lib, restorable) = open_library(&root);
        let saved: Option<View> = storage.and_then(|s| eframe::get_value(s, STORAGE_KEY));
        let mut view = match saved {
            Some(v) if v.library == root => v,
            Some(v) => View {
                thumb_size: v.thumb_size,
                inspector: v.inspector,
                ..View::new(root.clone())
            },
            None => View::new(root.clone()),
        };
        view.thumb_size = view
            .thumb_size
            .clamp(*THUMB_SIZES.start(), *THUMB_SIZES.end());
        let mut app = FolioApp {
            ctx: ctx.clone(),
            root,
            lib,
            restorable,
            data: Data::default(),
            view,
            selection: Selection::default(),
            thumbs: thumbs::Thumbs::new(ctx),
            actions: Vec::new(),
            commands: Vec::new(),
            dialog: None,
            dialog_was_open: false,
            job: None,
            queue: VecDeque::new(),
            picker: None,
            loader: None,
            defer_rows_above: DEFER_ROWS_ABOVE,
            hold_reads: false,
            undo: Vec::new(),
            notices: Vec::new(),
            viewer: false,
            alt: inspector::AltEdit::default(),
            drag: None,
            reloaded_at: 0,
            generation: 0,
            write: crate::core::import::writer_from_env(),
        };
        app.reload();
        app
    }

    /// The library's root folder.
    pub fn root(&self) -> &std::path::Path {
        &self.root
    }

    /// The open library (tests read the database through it).
    pub fn library(&self) -> Option<&Library> {
        self.lib.as_ref().ok()
    }

    /// Makes imports write files through `write` (tests: a disk that fills up).
    pub fn set_writer(&mut self, write: std::sync::Arc<crate::core::import::WriteFn>) {
        self.write = write;
    }

    /// Reads groups of more than `n` images in the background when they are
    /// opened (tests: 0, to see it happen on small ones).
    pub fn set_background_reads_above(&mut self, n: u64) {
        self.defer_rows_above = n;
    }

    /// Leaves a group read in the background unshown until
    /// [`FolioApp::finish_loading`] (tests: the reading state, without a race).
    pub fn hold_background_reads(&mut self, hold: bool) {
        self.hold_reads = hold;
    }

    /// Waits for a group being read in the background, and shows it (tests).
    pub fn finish_loading(&mut self) {
        if let Some(loader) = self.loader.take() {
            let read = loader.wait();
            self.loaded(read);
        }
    }

    /// Whether an import is running or waiting.
    pub fn is_busy(&self) -> bool {
        self.job.is_some() || !self.queue.is_empty()
    }

    /// Waits for the running import and any queued ones (tests; the app never waits).
    pub fn finish_jobs(&mut self) {
        let ctx = self.ctx.clone();
        while let Some(job) = self.job.take() {
            let finished = job.wait();
            self.job_finished(&job.work, finished);
            self.start_next_job(&ctx);
        }
    }

    /// The selected images in the group's order.
    pub fn selected_in_order(&self) -> Vec<ImageId> {
        self.data
            .images
            .iter()
            .filter(|i| self.selection.ids.contains(&i.id))
            .map(|i| i.id)
            .collect()
    }

    fn notice(&mut self, text: impl Into<String>) {
        self.push_notice(Notice {
            text: text.into(),
            error: false,
            undoable: false,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        log::warn!("{text}");
        self.push_notice(Notice {
            text,
            error: true,
            undoable: false,
        });
    }

    fn push_notice(&mut self, notice: Notice) {
        self.notices.push(notice);
        if self.notices.len() > 4 {
            self.notices.remove(0);
        }
    }

    /// Re-reads the snapshot for the current selection.
    fn reload(&mut self) {
        self.refresh(false);
    }

    /// Re-reads the library for the current view. With `keep_images`, the
    /// shown group's rows are kept when the view still shows that group: the
    /// edit could not have changed them, or was mirrored in memory.
    ///
    /// A different group of more than [`FolioApp::defer_rows_above`] images
    /// is read in the background then: the grid says it is being read, and
    /// [`FolioApp::poll_jobs`] shows it when it comes.
    fn refresh(&mut self, keep_images: bool) {
        let Ok(lib) = &self.lib else { return };
        let mut gallery = self.view.gallery();
        let mut group = self.view.group();
        let (old, defer_above) = if keep_images {
            (Some(&mut self.data), self.defer_rows_above)
        } else {
            (None, u64::MAX)
        };
        match Data::load_keeping(
            lib,
            &mut gallery,
            &mut group,
            self.selection.focus,
            old,
            defer_above,
        ) {
            Ok(data) => {
                self.adopt(data, gallery, group);
                self.loader = None;
                if self.data.deferred.is_some() {
                    self.start_loader();
                }
            }
            Err(e) => self.error(format!("Could not read the library: {e}")),
        }
    }

    /// Reads the deferred group for the current view in the background.
    fn start_loader(&mut self) {
        let Ok(lib) = &self.lib else { return };
        match jobs::Loader::start(lib, self.view_key(), &self.ctx) {
            Ok(loader) => self.loader = Some(loader),
            Err(e) => {
                log::warn!("reading on the UI thread instead: {e}");
                self.refresh(false);
            }
        }
    }

    /// A group read in the background: shown if the view is still the one
    /// it was read for, else read again for the view now.
    fn loaded(&mut self, read: Result<jobs::Snapshot, String>) {
        match read {
            Ok(s) if s.key == self.view_key() => self.adopt(s.data, s.gallery, s.group),
            Ok(_) if self.data.deferred.is_some() => self.start_loader(),
            Ok(_) => {}
            Err(e) => {
                // Not left saying it is being read: read here, or say why not.
                log::warn!("reading the group in the background failed: {e}");
                self.refresh(false);
            }
        }
    }

    /// Shows a snapshot read for the selection `gallery`/`group` (as
    /// [`Data::load`] adjusted it); what is selected and gone is deselected.
    fn adopt(&mut self, data: Data, gallery: Option<GalleryId>, group: Option<GroupId>) {
        self.generation += 1;
        let old = std::mem::replace(&mut self.data, data);
        if old.images.len() > 10_000 {
            // Freeing 100,000 rows takes milliseconds: not on this thread.
            let _ = std::thread::Builder::new()
                .name("folio-drop".into())
                .spawn(move || drop(old));
        }
        self.view.gallery = gallery.map(|g| g.0);
        self.view.group = group.map(|g| g.0);
        let index = &self.data.index;
        self.selection.ids.retain(|id| index.contains_key(id));
        if self
            .selection
            .focus
            .is_some_and(|f| !index.contains_key(&f))
        {
            self.selection.focus = None;
        }
        if self
            .selection
            .anchor
            .is_some_and(|f| !index.contains_key(&f))
        {
            self.selection.anchor = None;
        }
    }

    /// What the view shows now, for a job's closing snapshot.
    fn view_key(&self) -> jobs::ViewKey {
        jobs::ViewKey {
            generation: self.generation,
            gallery: self.view.gallery(),
            group: self.view.group(),
            inspected: self.selection.focus,
        }
    }

    // ------------------------------------------------------------ commands

    fn collect_shortcuts(&mut self, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        // A focused button does not need Delete or the arrows; a text field does.
        let typing = ctx.text_edit_focused();
        // Most specific first: Shift+Delete must not also be Delete.
        let mut all = Command::ALL.to_vec();
        all.sort_by_key(|c| {
            std::cmp::Reverse(
                c.shortcuts()
                    .iter()
                    .map(|s| {
                        let m = s.modifiers;
                        u8::from(m.alt) + u8::from(m.shift) + u8::from(m.command || m.ctrl)
                    })
                    .max()
                    .unwrap_or(0),
            )
        });
        for c in all {
            if typing && c.is_plain_key() {
                continue;
            }
            for s in c.shortcuts() {
                if ctx.input_mut(|i| i.consume_shortcut(s)) {
                    self.commands.push(c);
                    break;
                }
            }
        }
    }

    fn group_name(&self, id: GroupId) -> String {
        self.data
            .group(id)
            .map_or_else(|| id.to_string(), |g| g.name.clone())
    }

    fn run_command(&mut self, c: Command, ctx: &egui::Context) {
        let group = self.view.group();
        match c {
            Command::NewGallery => self.dialog = Some(Dialog::new_gallery()),
            Command::NewGroup => self.dialog = Some(Dialog::new_group(self.view.gallery(), None)),
            Command::AttachGroup => match self.view.gallery() {
                Some(g) => self.dialog = Some(Dialog::attach(g, None)),
                None => self.notice("Select a gallery first: groups are attached to a gallery."),
            },
            Command::ImportFiles | Command::ImportFolder => {
                let pick = if c == Command::ImportFiles {
                    Pick::Files
                } else {
                    Pick::Folder
                };
                match group {
                    Some(g) => self.actions.push(Action::Pick(pick, g)),
                    None => self.dialog = Some(Dialog::new_group(self.view.gallery(), Some(pick))),
                }
            }
            Command::AddSamplePortfolio => self.enqueue(Work::Sample, ctx),
            Command::Undo => self.actions.push(Action::Undo),
            Command::SelectAll => {
                self.selection.ids = self.data.images.iter().map(|i| i.id).collect();
                if self.selection.focus.is_none() {
                    self.selection.focus = self.data.images.first().map(|i| i.id);
                }
            }
            Command::SelectNone => {
                if self.viewer {
                    self.viewer = false;
                } else {
                    self.selection = Selection::default();
                }
            }
            Command::SelectPrevious | Command::SelectNext => {
                let len = self.data.images.len();
                if len == 0 {
                    return;
                }
                let current = self
                    .selection
                    .focus
                    .and_then(|f| self.data.index.get(&f).copied());
                let next = match (c, current) {
                    (Command::SelectPrevious, Some(i)) => i.saturating_sub(1),
                    (_, Some(i)) => (i + 1).min(len - 1),
                    (_, None) => 0,
                };
                if let Some(img) = self.data.images.get(next) {
                    self.selection = Selection::only(img.id);
                }
            }
            Command::MoveEarlier | Command::MoveLater => {
                let Some(group) = group else { return };
                let ids = self.selected_in_order();
                let positions: Vec<usize> = ids
                    .iter()
                    .filter_map(|id| self.data.index.get(id).copied())
                    .collect();
                let (Some(&first), Some(&last)) = (positions.first(), positions.last()) else {
                    return;
                };
                let before = if c == Command::MoveEarlier {
                    if first == 0 {
                        return;
                    }
                    self.data.images.get(first - 1).map(|i| i.id)
                } else {
                    if last + 1 >= self.data.images.len() {
                        return;
                    }
                    self.data.images.get(last + 2).map(|i| i.id)
                };
                self.actions.push(Action::MoveImages { group, ids, before });
            }
            Command::RemoveFromGroup => {
                let ids = self.selected_in_order();
                if let (Some(group), false) = (group, ids.is_empty()) {
                    self.actions.push(Action::RemoveFromGroup { group, ids });
                }
            }
            Command::DeleteFromLibrary => {
                let ids = self.selected_in_order();
                if !ids.is_empty() {
                    self.dialog = Some(self.confirm_delete_images(ids));
                }
            }
            Command::OpenViewer => {
                if self.selection.focus.is_some() {
                    self.viewer = true;
                }
            }
            Command::RenameGroup => {
                if let Some(g) = group.and_then(|g| self.data.group(g)) {
                    self.dialog = Some(Dialog::rename_group(
                        g.id,
                        &g.name,
                        g.description.as_deref(),
                    ));
                }
            }
            Command::ZoomIn => {
                self.view.thumb_size = (self.view.thumb_size + 32.0).min(*THUMB_SIZES.end());
            }
            Command::ZoomOut => {
                self.view.thumb_size = (self.view.thumb_size - 32.0).max(*THUMB_SIZES.start());
            }
            Command::ToggleInspector => self.view.inspector = !self.view.inspector,
            Command::Help => self.dialog = Some(Dialog::Help),
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::BackupNow => {
                let made = match &self.lib {
                    Ok(lib) => crate::core::backup::create(lib.conn(), lib.root(), "manual")
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.clone()),
                };
                match made {
                    Ok(path) => self.notice(format!("Backed up to {} (checked).", path.display())),
                    Err(e) => self.error(format!("Could not back up: {e}")),
                }
            }
        }
    }

    fn confirm_delete_images(&self, ids: Vec<ImageId>) -> Dialog {
        let mut groups: Vec<String> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        if let Ok(lib) = &self.lib {
            for id in &ids {
                if let Ok(usage) = images::usage(lib.conn(), *id) {
                    for (_, name) in usage.groups {
                        if !groups.contains(&name) {
                            groups.push(name);
                        }
                    }
                }
                if let Some(img) = self.data.image(*id) {
                    names.push(img.label().to_string());
                }
            }
        }
        Dialog::ConfirmDeleteImages { ids, names, groups }
    }

    // ------------------------------------------------------------ jobs

    fn enqueue(&mut self, work: Work, ctx: &egui::Context) {
        self.queue.push_back(work);
        if self.job.is_some() {
            self.notice("The import will start when the current one finishes.");
        } else {
            self.start_next_job(ctx);
        }
    }

    fn start_next_job(&mut self, ctx: &egui::Context) {
        if self.job.is_some() {
            return;
        }
        let Some(work) = self.queue.pop_front() else {
            return;
        };
        self.reloaded_at = 0;
        let lib = match &self.lib {
            Ok(lib) => lib.connect_again().map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        let write = std::sync::Arc::clone(&self.write);
        let view = self.view_key();
        match lib.and_then(|lib| jobs::Job::start(lib, work, write, view, ctx)) {
            Ok(job) => self.job = Some(job),
            Err(e) => self.error(format!("Could not start the import: {e}")),
        }
    }

    fn poll_jobs(&mut self, ctx: &egui::Context) {
        if let Some(read) = self
            .loader
            .as_ref()
            .filter(|_| !self.hold_reads)
            .and_then(jobs::Loader::poll)
        {
            self.loader = None;
            self.loaded(read);
        }
        if let Some(job) = &self.job {
            // Imported images show as they arrive, from rows the job read.
            let rows = job.new_rows();
            let into_shown = match &job.work {
                // (Not into a group still being read: its snapshot has them.)
                Work::Import { group, .. } if self.data.shown == Some(*group) => Some(*group),
                _ => None,
            };
            if let Some(group) = into_shown
                && !rows.is_empty()
            {
                self.data.append_rows(group, rows);
            }
            if let Some(finished) = job.finished() {
                let work = job.work.clone();
                self.job = None;
                self.job_finished(&work, finished);
                self.start_next_job(ctx);
            } else {
                job.set_view(self.view_key());
                let done = job.progress().done;
                if matches!(&job.work, Work::Sample) && done >= self.reloaded_at + 8 {
                    // A small library being built: show it growing.
                    self.reloaded_at = done;
                    self.reload();
                }
            }
        }
        if let Some(picker) = &self.picker
            && let Some(paths) = picker.poll()
        {
            let group = picker.group;
            let at_once = picker.closed_at_once();
            self.picker = None;
            if !paths.is_empty() {
                self.actions.push(Action::Import { paths, group });
            } else if at_once {
                self.error(
                    "No file dialog could be opened: this desktop has neither the xdg-desktop-portal service nor zenity. Drop files or folders onto the window instead.",
                );
            }
        }
    }

    /// Opens the sample portfolio's first gallery, unless a gallery is open.
    fn show_sample(&mut self) {
        if self.view.gallery.is_some() {
            return;
        }
        let first = crate::core::sample::PORTFOLIO[0].name;
        if let Some(g) = self.data.galleries.iter().find(|g| g.name == first) {
            self.view.gallery = Some(g.id.0);
            self.view.group = None;
            self.reload();
        }
    }

    fn job_finished(&mut self, work: &Work, finished: jobs::Finished) {
        let jobs::Finished { report, snapshot } = finished;
        // The job read the library after its last write; that snapshot is
        // shown unless the view changed or the app wrote since.
        match snapshot {
            Some(s) if s.key == self.view_key() => self.adopt(s.data, s.gallery, s.group),
            _ => self.reload(),
        }
        if matches!(work, Work::Sample) {
            self.show_sample();
        }
        let headline = report.headline();
        if report.error.is_some() {
            self.error(headline);
        } else {
            self.notice(headline);
        }
        if report.needs_attention() {
            self.dialog = Some(Dialog::ImportReport(report));
        }
    }

    // ------------------------------------------------------------ actions

    /// Applies the frame's actions, each in one transaction, then reloads.
    fn apply(&mut self, ctx: &egui::Context) {
        let actions = std::mem::take(&mut self.actions);
        if actions.is_empty() {
            return;
        }
        // Re-reading a 100,000-image group after an edit would stall that
        // frame, so what an edit does to the shown group's rows is mirrored
        // in memory, and only the catalogue (names, links, counts) is re-read.
        let mut refresh = Refresh::None;
        for action in actions {
            let shown = self.data.shown;
            let mirror = match &action {
                Action::MoveImages { group, ids, before } if shown == Some(*group) => {
                    Mirror::Move(ids.clone(), *before)
                }
                Action::RemoveFromGroup { group, ids } if shown == Some(*group) => {
                    Mirror::Remove(ids.clone())
                }
                Action::DeleteImages(ids) => Mirror::Remove(ids.clone()),
                Action::SetAltText(id, _) => Mirror::Row(*id),
                Action::Undo => Mirror::Unknown,
                _ => Mirror::Unchanged,
            };
            let needs = match self.apply_one(action, ctx) {
                Err(e) => {
                    self.error(e);
                    Refresh::All
                }
                Ok(()) => match mirror {
                    Mirror::Move(ids, before) => {
                        self.data.move_local(&ids, before);
                        Refresh::None
                    }
                    Mirror::Remove(ids) => {
                        self.data.remove_local(&ids);
                        Refresh::Catalog
                    }
                    Mirror::Row(id) => {
                        let row = self
                            .lib
                            .as_ref()
                            .ok()
                            .map(|lib| images::image(lib.conn(), id));
                        match row {
                            Some(Ok(img)) => {
                                self.data.replace_local(img);
                                Refresh::Catalog
                            }
                            _ => Refresh::All,
                        }
                    }
                    Mirror::Unchanged => Refresh::Catalog,
                    Mirror::Unknown => Refresh::All,
                },
            };
            refresh = refresh.max(needs);
        }
        self.generation += 1;
        match refresh {
            Refresh::None => {}
            Refresh::Catalog => self.refresh(true),
            Refresh::All => self.refresh(false),
        }
    }

    fn lib_mut(&mut self) -> Result<&mut Library, String> {
        self.lib.as_mut().map_err(|e| e.clone())
    }

    fn apply_one(&mut self, action: Action, ctx: &egui::Context) -> Result<(), String> {
        let err = |what: &str| {
            let what = what.to_string();
            move |e: crate::core::Error| format!("Could not {what}: {e}")
        };
        match action {
            Action::SelectGallery(g) => {
                self.view.gallery = g.map(|g| g.0);
                // Show one of its groups, unless the one shown is already in it.
                if let Some(gallery) = g {
                    let links = catalog::gallery_links(self.lib_mut()?.conn(), gallery)
                        .map_err(err("open the gallery"))?;
                    let current = self.view.group();
                    if !links.iter().any(|l| Some(l.group) == current) {
                        let first = links.first().map(|l| l.group);
                        if first != current {
                            self.selection = Selection::default();
                            self.viewer = false;
                        }
                        self.view.group = first.map(|g| g.0);
                    }
                }
            }
            Action::SelectGroup(g) => {
                if self.view.group() != g {
                    self.selection = Selection::default();
                    self.viewer = false;
                }
                self.view.group = g.map(|g| g.0);
            }
            Action::CreateGallery(name, description) => {
                let id = self
                    .lib_mut()?
                    .write(|tx| catalog::create_gallery(tx, &name, Some(&description)))
                    .map_err(err("make the gallery"))?;
                self.view.gallery = Some(id.0);
            }
            Action::EditGallery(id, name, description) => self
                .lib_mut()?
                .write(|tx| {
                    catalog::rename_gallery(tx, id, &name)?;
                    catalog::set_gallery_description(tx, id, Some(&description))
                })
                .map_err(err("change the gallery"))?,
            Action::DeleteGallery(id) => {
                self.lib_mut()?
                    .write(|tx| catalog::delete_gallery(tx, id))
                    .map_err(err("delete the gallery"))?;
                self.notice("Gallery deleted. Its groups are still under All groups.");
            }
            Action::CreateGroup {
                name,
                attach,
                then_import,
                then_pick,
            } => {
                let id = self
                    .lib_mut()?
                    .write(|tx| {
                        let id = catalog::create_group(tx, &name, None)?;
                        if let Some((gallery, link_type)) = &attach {
                            catalog::attach(tx, *gallery, id, link_type)?;
                        }
                        Ok(id)
                    })
                    .map_err(err("make the group"))?;
                if let Some((gallery, _)) = attach {
                    self.view.gallery = Some(gallery.0);
                }
                self.view.group = Some(id.0);
                self.selection = Selection::default();
                if !then_import.is_empty() {
                    self.apply_one(
                        Action::Import {
                            paths: then_import,
                            group: id,
                        },
                        ctx,
                    )?;
                }
                if let Some(pick) = then_pick {
                    self.apply_one(Action::Pick(pick, id), ctx)?;
                }
            }
            Action::EditGroup(id, name, description) => self
                .lib_mut()?
                .write(|tx| {
                    catalog::rename_group(tx, id, &name)?;
                    catalog::set_group_description(tx, id, Some(&description))
                })
                .map_err(err("change the group"))?,
            Action::DeleteGroup(id) => {
                self.lib_mut()?
                    .write(|tx| catalog::delete_group(tx, id))
                    .map_err(err("delete the group"))?;
                self.undo.retain(|u| match u {
                    Undo::Removed { group, .. } | Undo::Moved { group, .. } => *group != id,
                    Undo::Detached { group, .. } => *group != id,
                });
                self.notice("Group deleted. Its images are still in the library.");
            }
            Action::Attach {
                gallery,
                group,
                link_type,
            } => {
                self.lib_mut()?
                    .write(|tx| catalog::attach(tx, gallery, group, &link_type))
                    .map_err(err("attach the group"))?;
                self.view.gallery = Some(gallery.0);
                self.view.group = Some(group.0);
            }
            Action::Detach {
                gallery,
                group,
                link_type,
            } => {
                let index = self
                    .data
                    .links
                    .iter()
                    .position(|l| l.group == group && l.link_type == link_type)
                    .unwrap_or(usize::MAX);
                self.lib_mut()?
                    .write(|tx| catalog::detach(tx, gallery, group, &link_type))
                    .map_err(err("detach the group"))?;
                let name = self.group_name(group);
                self.undo.push(Undo::Detached {
                    gallery,
                    group,
                    link_type,
                    index,
                });
                self.push_notice(Notice {
                    text: format!("\u{201c}{name}\u{201d} detached from the gallery; it is still under All groups."),
                    error: false,
                    undoable: true,
                });
            }
            Action::ChangeType {
                gallery,
                group,
                from,
                to,
            } => self
                .lib_mut()?
                .write(|tx| catalog::change_type(tx, gallery, group, &from, &to))
                .map_err(err("change the type"))?,
            Action::MoveLink {
                gallery,
                group,
                link_type,
                to,
            } => self
                .lib_mut()?
                .write(|tx| catalog::move_link(tx, gallery, group, &link_type, to))
                .map_err(err("move the group"))?,
            Action::MoveImages { group, ids, before } => {
                let places = self.places(&ids);
                self.lib_mut()?
                    .write(|tx| images::move_images_before(tx, group, &ids, before))
                    .map_err(err("move the images"))?;
                self.undo.push(Undo::Moved { group, places });
            }
            Action::RemoveFromGroup { group, ids } => {
                let places = self.places(&ids);
                let n = self
                    .lib_mut()?
                    .write(|tx| images::remove_images(tx, group, &ids))
                    .map_err(err("remove the images"))?;
                let name = self.group_name(group);
                self.undo.push(Undo::Removed { group, places });
                self.selection = Selection::default();
                self.push_notice(Notice {
                    text: format!(
                        "Removed {} from \u{201c}{name}\u{201d}; still in the library.",
                        crate::count(n as u64, "image", "images")
                    ),
                    error: false,
                    undoable: true,
                });
            }
            Action::DeleteImages(ids) => {
                let n = images::delete_images(self.lib_mut()?, &ids)
                    .map_err(err("delete the images"))?;
                for id in &ids {
                    self.thumbs.forget(*id);
                }
                self.undo.retain(|u| match u {
                    Undo::Removed { places, .. } | Undo::Moved { places, .. } => {
                        !places.iter().any(|(id, _)| ids.contains(id))
                    }
                    Undo::Detached { .. } => true,
                });
                self.selection = Selection::default();
                self.viewer = false;
                self.notice(format!(
                    "Deleted {} from the library.",
                    crate::count(n as u64, "image", "images")
                ));
            }
            Action::SetAltText(id, text) => self
                .lib_mut()?
                .write(|tx| images::set_alt_text(tx, id, Some(&text)))
                .map_err(err("save the alt text"))?,
            Action::Import { paths, group } => {
                let group_name = self.group_name(group);
                self.enqueue(
                    Work::Import {
                        paths,
                        group,
                        group_name,
                    },
                    ctx,
                );
            }
            Action::Pick(pick, group) => {
                if self.picker.is_none() {
                    let name = self.group_name(group);
                    self.picker = Some(jobs::Picker::open(pick, group, name, ctx)?);
                }
            }
            Action::Undo => self.undo()?,
        }
        Ok(())
    }

    /// For each image, the image that follows it now (outside the set moved
    /// or removed, or inside it: undo puts them back last first).
    fn places(&self, ids: &[ImageId]) -> Vec<(ImageId, Option<ImageId>)> {
        let mut places: Vec<(usize, ImageId)> = ids
            .iter()
            .filter_map(|id| self.data.index.get(id).map(|&i| (i, *id)))
            .collect();
        places.sort_unstable();
        places
            .into_iter()
            .map(|(i, id)| (id, self.data.images.get(i + 1).map(|n| n.id)))
            .collect()
    }

    fn undo(&mut self) -> Result<(), String> {
        let Some(step) = self.undo.pop() else {
            self.notice("Nothing to undo.");
            return Ok(());
        };
        let lib = self.lib_mut()?;
        let result = match &step {
            Undo::Removed { group, places } | Undo::Moved { group, places } => {
                let removed = matches!(step, Undo::Removed { .. });
                lib.write(|tx| {
                    for (id, next) in places.iter().rev() {
                        // The image that followed may have gone meanwhile: then the end.
                        let next = match next {
                            Some(n) if crate::core::order::key_of(tx, *group, *n)?.is_some() => {
                                Some(*n)
                            }
                            _ => None,
                        };
                        if removed {
                            images::add_images_before(tx, *group, &[*id], next)?;
                        } else if crate::core::order::key_of(tx, *group, *id)?.is_some() {
                            images::move_images_before(tx, *group, &[*id], next)?;
                        }
                    }
                    Ok(())
                })
            }
            Undo::Detached {
                gallery,
                group,
                link_type,
                index,
            } => lib.write(|tx| {
                catalog::attach(tx, *gallery, *group, link_type)?;
                if *index != usize::MAX {
                    catalog::move_link(tx, *gallery, *group, link_type, *index)?;
                }
                Ok(())
            }),
        };
        result.map_err(|e| format!("Could not undo: {e}"))?;
        if let Undo::Removed { places, .. } = &step {
            self.selection.ids = places.iter().map(|(id, _)| *id).collect();
        }
        self.notice("Undone.");
        Ok(())
    }

    // ------------------------------------------------------------ frame

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
        match self.view.group() {
            Some(group) => self.actions.push(Action::Import {
                paths: dropped,
                group,
            }),
            None => self.dialog = Some(Dialog::new_group_for_files(self.view.gallery(), dropped)),
        }
    }

    fn drop_overlay(&self, ctx: &egui::Context) {
        let hovering = ctx.input(|i| i.raw.hovered_files.len());
        if hovering == 0 {
            return;
        }
        let text = match self.view.group().and_then(|g| self.data.group(g)) {
            Some(g) => format!(
                "Drop to import {} into \u{201c}{}\u{201d}",
                crate::count(hovering as u64, "item", "items"),
                g.name
            ),
            None => "Drop to import into a new group".to_string(),
        };
        let layer = egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("drop-overlay"));
        let painter = ctx.layer_painter(layer);
        let rect = ctx.content_rect();
        painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(170));
        painter.rect_stroke(
            rect.shrink(12.0),
            12.0,
            egui::Stroke::new(3.0, egui::Color32::from_rgb(120, 170, 255)),
            egui::StrokeKind::Inside,
        );
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            text,
            egui::FontId::proportional(26.0),
            egui::Color32::WHITE,
        );
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                for c in [
                    Command::NewGallery,
                    Command::NewGroup,
                    Command::AttachGroup,
                    Command::ImportFiles,
                    Command::ImportFolder,
                    Command::AddSamplePortfolio,
                ] {
                    self.command_button(ui, c);
                }
                ui.separator();
                self.command_button(ui, Command::BackupNow);
                ui.separator();
                self.command_button(ui, Command::Quit);
            });
            ui.menu_button("Edit", |ui| {
                for c in [
                    Command::Undo,
                    Command::SelectAll,
                    Command::SelectNone,
                    Command::MoveEarlier,
                    Command::MoveLater,
                    Command::RemoveFromGroup,
                    Command::DeleteFromLibrary,
                    Command::RenameGroup,
                ] {
                    self.command_button(ui, c);
                }
            });
            ui.menu_button("View", |ui| {
                for c in [
                    Command::OpenViewer,
                    Command::ZoomIn,
                    Command::ZoomOut,
                    Command::ToggleInspector,
                ] {
                    self.command_button(ui, c);
                }
            });
            ui.menu_button("Help", |ui| self.command_button(ui, Command::Help));
        });
    }

    /// A menu item or button for a command, with its shortcut and description.
    fn command_button(&mut self, ui: &mut egui::Ui, c: Command) {
        let mut button = egui::Button::new(c.label());
        let keys = c.shortcut_text(ui.ctx());
        if !keys.is_empty() {
            button = button.shortcut_text(keys);
        }
        if ui.add(button).on_hover_text(c.description()).clicked() {
            self.commands.push(c);
        }
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        let mut cancel = false;
        if let Some(job) = &self.job {
            let p = job.progress();
            ui.horizontal(|ui| {
                let what = match &job.work {
                    Work::Import { group_name, .. } => {
                        format!("Importing into \u{201c}{group_name}\u{201d}")
                    }
                    Work::Sample => "Making the sample portfolio".into(),
                };
                let fraction = if p.total == 0 {
                    0.0
                } else {
                    p.done as f32 / p.total as f32
                };
                ui.label(format!(
                    "{what}: {} of {}",
                    crate::thousands(p.done as u64),
                    crate::thousands(p.total as u64)
                ));
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(200.0)
                        .show_percentage(),
                );
                if let Some(current) = &p.current {
                    ui.label(
                        egui::RichText::new(
                            current
                                .file_name()
                                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                        )
                        .weak(),
                    );
                }
                let label = if job.is_cancelling() {
                    "Cancelling…"
                } else {
                    "Cancel"
                };
                if ui
                    .button(label)
                    .on_hover_text("Stop after the current file; what is imported stays.")
                    .clicked()
                {
                    cancel = true;
                }
                if !self.queue.is_empty() {
                    ui.label(format!("({} more waiting)", self.queue.len()));
                }
            });
        }
        if cancel && let Some(job) = &self.job {
            job.cancel();
            self.queue.clear();
        }
        let mut dismiss = None;
        let mut undo = false;
        for (i, n) in self.notices.iter().enumerate().rev().take(2) {
            ui.horizontal(|ui| {
                let text = egui::RichText::new(&n.text);
                if n.error {
                    ui.colored_label(ui.visuals().error_fg_color, text);
                } else {
                    ui.label(text);
                }
                if n.undoable && ui.small_button("Undo").clicked() {
                    undo = true;
                    dismiss = Some(i);
                }
                if ui.small_button("×").on_hover_text("Dismiss").clicked() {
                    dismiss = Some(i);
                }
            });
        }
        if let Some(i) = dismiss {
            self.notices.remove(i);
        }
        if undo {
            self.actions.push(Action::Undo);
        }
    }

    fn open_failed_ui(&mut self, ui: &mut egui::Ui, why: &str) {
        let mut retry = false;
        let mut restore = None;
        egui::CentralPanel::default().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.25);
                ui.heading("The library could not be opened");
                ui.add_space(8.0);
                ui.label(why);
                ui.add_space(8.0);
                ui.label(format!("Library folder: {}", self.root.display()));
                ui.label("Nothing in it was changed. Start Folio with --library DIR to use another library.");
                ui.add_space(12.0);
                if ui
                    .button("Try again")
                    .on_hover_text("After closing the other Folio, or mounting the drive")
                    .clicked()
                {
                    retry = true;
                }
                if let Some(backup) = &self.restorable {
                    ui.add_space(8.0);
                    ui.label(
                        "Restoring puts the backup back as the database. The current file is moved aside (kept, not deleted); images imported since the backup come back with `folio check --repair`.",
                    );
                    if ui.button("Restore the most recent backup").clicked() {
                        restore = Some(backup.clone());
                    }
                }
                for n in &self.notices {
                    ui.colored_label(ui.visuals().error_fg_color, &n.text);
                }
            });
        });
        if let Some(backup) = restore {
            let restored = crate::core::library::Lock::take(&self.root).and_then(|lock| {
                let aside = crate::core::backup::restore(&self.root, &backup);
                drop(lock);
                aside
            });
            match restored {
                Ok(aside) => {
                    retry = true;
                    let kept = aside.map_or_else(String::new, |a| {
                        format!(" The replaced database is kept as {}.", a.display())
                    });
                    self.notice(format!("Restored {}.{kept}", backup.display()));
                }
                Err(e) => self.error(format!("Could not restore: {e}")),
            }
        }
        if retry {
            let (lib, restorable) = open_library(&self.root);
            self.lib = lib;
            self.restorable = restorable;
            self.reload();
        }
    }
}

/// Opens the library; on failure, the message and the backup that could be
/// restored (when the database itself was refused).
fn open_library(root: &std::path::Path) -> (Result<Library, String>, Option<PathBuf>) {
    match Library::open(root) {
        Ok(mut lib) => {
            // The app's writes (a drag-reorder) never pay for a checkpoint.
            lib.checkpoint_in_background();
            (Ok(lib), None)
        }
        Err(e) => {
            let backup = match &e {
                crate::core::Error::RefusedWithBackup { backup, .. } => Some(backup.clone()),
                _ => None,
            };
            (Err(e.to_string()), backup)
        }
    }
}

impl eframe::App for FolioApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if let Err(why) = &self.lib {
            let why = why.clone();
            self.open_failed_ui(ui, &why);
            return;
        }
        self.thumbs.begin_frame(&ctx);
        self.poll_jobs(&ctx);
        self.collect_shortcuts(&ctx);
        self.handle_dropped_files(&ctx);

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        let has_status = self.job.is_some() || !self.notices.is_empty();
        if has_status {
            egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        }
        egui::Panel::left("sidebar")
            .resizable(true)
            .default_size(280.0)
            .size_range(200.0..=520.0)
            .show(ui, |ui| self.sidebar_ui(ui));
        if self.view.inspector {
            egui::Panel::right("inspector")
                .resizable(true)
                .default_size(300.0)
                .size_range(220.0..=600.0)
                .show(ui, |ui| self.inspector_ui(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| self.center_ui(ui));
        if self.viewer {
            self.viewer_ui(&ctx);
        }
        self.dialog_ui(&ctx);
        self.drop_overlay(&ctx);

        for c in std::mem::take(&mut self.commands) {
            self.run_command(c, &ctx);
        }
        self.apply(&ctx);
        self.thumbs.end_frame();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Some(action) = self.alt.flush() {
            self.actions.push(action);
            let ctx = self.ctx.clone();
            self.apply(&ctx);
        }
        eframe::set_value(storage, STORAGE_KEY, &self.view);
    }
}
