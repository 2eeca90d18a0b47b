//! Exporting a gallery (File → Export gallery as website / folder / ZIP), and
//! the artist's profile the exports name.
//!
//! The export dialog first shows what will leave Folio: each of the
//! gallery's links with its visibility, and the works without alt text, with
//! a field to write it there. Then, on its own connection and thread
//! ([`crate::app::export`]), the export with a progress bar and Cancel, and
//! at the end what it wrote, with "Open in browser" (or "Show folder").

use std::path::PathBuf;

use eframe::egui;

use super::{Outcome, buttons_ui};
use crate::app::action::Action;
use crate::app::export::{self, Ended, Job, Running};
use crate::core::export::folder::Target;
use crate::core::export::pdf::{Orientation, Paper, PdfOptions};
use crate::core::export::submission::{self, Pick, SubmissionOptions};
use crate::core::export::{LinkLine, Plan, Reach, members};
use crate::core::model::catalog::Visibility;
use crate::core::model::details::Field;
use crate::core::model::profile::Profile;
use crate::core::{GalleryId, ImageId, Library};

/// Which export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Site,
    Folder,
    Zip,
    Pdf,
    Submission,
}

impl Kind {
    /// The view's key for where this gallery was last exported this way.
    pub fn key(self, gallery: GalleryId) -> String {
        let kind = match self {
            Kind::Site => "site",
            Kind::Folder => "folder",
            Kind::Zip => "zip",
            Kind::Pdf => "pdf",
            Kind::Submission => "submission",
        };
        format!("{kind}:{}", gallery.0)
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Site => "website",
            Kind::Folder => "folder",
            Kind::Zip => "ZIP",
            Kind::Pdf => "portfolio PDF",
            Kind::Submission => "submission package",
        }
    }

    /// A folder or ZIP of JPEGs (full size or a long side).
    fn sized(self) -> bool {
        matches!(self, Kind::Folder | Kind::Zip)
    }
}

/// A work without alt text, and what is being typed for it.
#[derive(Clone, Debug)]
struct Missing {
    id: ImageId,
    named: String,
    typed: String,
}

/// How large a folder's images are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pixels {
    Full,
    LongSide,
}

/// What a read of the plan sends back: what the dialog lists, and the connection.
type Reading = std::sync::mpsc::Receiver<(Result<Listed, String>, Library)>;

/// What the dialog lists of a plan.
struct Listed {
    gallery_name: String,
    links: Vec<LinkLine>,
    shared: Vec<String>,
    missing: Vec<(ImageId, String)>,
}

/// A folder or file chooser open on its thread; the path arrives here.
type Choosing = std::sync::mpsc::Receiver<Option<PathBuf>>;

/// Export a gallery.
pub struct Export {
    kind: Kind,
    gallery: GalleryId,
    gallery_name: String,
    links: Vec<LinkLine>,
    /// Works of a members or private group that a public group shows too.
    shared: Vec<String>,
    missing: Vec<Missing>,
    /// The list is to be read (again: alt text was written from here).
    stale: bool,
    /// It has been read once.
    loaded: bool,
    /// Where the export that just ended went, for the view to remember.
    remember: Option<Action>,
    /// Export was pressed with alt text typed: it is saved this frame, and
    /// the export starts on the next, once the library holds it.
    start_next: bool,
    out: String,
    password: String,
    again: String,
    pixels: Pixels,
    long_side: String,
    public_only: bool,
    // The PDF's choices.
    paper: Paper,
    landscape: bool,
    dpi: u32,
    dividers: bool,
    limit: bool,
    max_mb: String,
    // The package's.
    preset: usize,
    first: String,
    /// The dialog's own connection, handed to the export's thread (and to
    /// the thread that reads the plan, which hands it back).
    conn: Option<Library>,
    /// The plan being read off the UI thread (a gallery of many works takes
    /// a while), with the connection coming back.
    reading: Option<Reading>,
    running: Option<Running>,
    ended: Option<Ended>,
    /// A folder chooser open on its thread.
    choosing: Option<Choosing>,
    chose_at: Option<std::time::Instant>,
    error: Option<String>,
}

impl std::fmt::Debug for Export {
    /// Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Export")
            .field("kind", &self.kind)
            .field("gallery", &self.gallery)
            .field("out", &self.out)
            .field("running", &self.running.is_some())
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl Export {
    /// The dialog for exporting `gallery`, proposing `last` (where it was
    /// exported this way before) as the destination.
    pub fn new(kind: Kind, gallery: GalleryId, last: Option<String>) -> Self {
        Export {
            kind,
            gallery,
            gallery_name: String::new(),
            links: Vec::new(),
            shared: Vec::new(),
            missing: Vec::new(),
            stale: false,
            loaded: false,
            remember: None,
            start_next: false,
            out: last.unwrap_or_default(),
            password: String::new(),
            again: String::new(),
            pixels: Pixels::Full,
            long_side: "3000".into(),
            public_only: false,
            paper: Paper::A4,
            landscape: false,
            dpi: crate::core::export::pdf::DEFAULT_DPI,
            dividers: false,
            limit: false,
            max_mb: "10".into(),
            preset: 0,
            first: String::new(),
            conn: None,
            reading: None,
            running: None,
            ended: None,
            choosing: None,
            chose_at: None,
            error: None,
        }
    }

    /// Whether a click outside or Esc may close it (not while it runs).
    pub fn closable(&self) -> bool {
        self.running.is_none()
    }

    fn reach(&self) -> Reach {
        if self.kind != Kind::Site && self.public_only {
            Reach::Public
        } else {
            Reach::Members
        }
    }

    /// Opens its own connection and starts reading the plan.
    pub fn prepare(&mut self, lib: &Library) -> crate::core::Result<()> {
        match lib.connect_again() {
            Ok(own) => {
                self.conn = Some(own);
                self.stale = true;
            }
            Err(e) => self.error = Some(format!("The gallery could not be read: {e}")),
        }
        Ok(())
    }

    /// Starts reading the plan on a thread of its own, unless a read is
    /// already under way (then `stale` stays set and it reads again after).
    fn read(&mut self, ctx: &egui::Context) {
        if self.reading.is_some() {
            return;
        }
        let Some(lib) = self.conn.take() else {
            return;
        };
        self.stale = false;
        let (gallery, reach) = (self.gallery, self.reach());
        let (tx, rx) = std::sync::mpsc::channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("folio-export-plan".into())
            .spawn(move || {
                let listed = Plan::read(&lib, gallery, reach)
                    .map(|plan| Listed {
                        gallery_name: plan.gallery.name.clone(),
                        links: plan.links.clone(),
                        shared: plan.shared_warnings.clone(),
                        missing: plan
                            .missing_alt()
                            .into_iter()
                            .map(|w| (w.image.id, w.named()))
                            .collect(),
                    })
                    .map_err(|e| e.to_string());
                let _ = tx.send((listed, lib));
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.reading = Some(rx),
            Err(e) => self.error = Some(format!("The gallery could not be read: {e}")),
        }
    }

    /// Takes the plan once read, keeping what was typed for works still
    /// without alt text.
    fn poll_read(&mut self) {
        let Some(reading) = &self.reading else {
            return;
        };
        let got = reading.try_recv();
        let (listed, lib) = match got {
            Ok(got) => got,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.reading = None;
                self.error = Some(
                    "Reading the gallery stopped unexpectedly; close and open this dialog again."
                        .into(),
                );
                return;
            }
        };
        self.reading = None;
        self.conn = Some(lib);
        let listed = match listed {
            Ok(l) => l,
            Err(e) => {
                self.error = Some(format!("The gallery could not be read: {e}"));
                return;
            }
        };
        self.gallery_name = listed.gallery_name;
        self.links = listed.links;
        self.shared = listed.shared;
        let typed: Vec<(ImageId, String)> = self
            .missing
            .iter()
            .map(|m| (m.id, m.typed.clone()))
            .collect();
        self.missing = listed
            .missing
            .into_iter()
            .map(|(id, named)| Missing {
                id,
                named,
                typed: typed
                    .iter()
                    .find(|(t, _)| *t == id)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default(),
            })
            .collect();
        if self.out.is_empty() {
            self.out = default_destination(self.kind, &self.gallery_name)
                .display()
                .to_string();
        }
        self.loaded = true;
    }

    /// Test hook: waits for the plan being read, and takes it.
    pub fn settle(&mut self) {
        if let Some(reading) = self.reading.take() {
            if let Ok(got) = reading.recv() {
                // Put it back for poll_read to take as usual.
                let (tx, rx) = std::sync::mpsc::channel();
                let _ = tx.send(got);
                self.reading = Some(rx);
            }
            self.poll_read();
        }
    }

    /// Whether the plan has been read at least once.
    pub fn loaded(&self) -> bool {
        self.loaded
    }

    fn has_members(&self) -> bool {
        self.kind == Kind::Site
            && self
                .links
                .iter()
                .any(|l| l.visibility == Visibility::Members)
    }

    /// What keeps the export from starting, in words.
    fn problem(&self) -> Option<String> {
        if self.reading.is_some() || self.start_next {
            return Some(String::new());
        }
        if self.out.trim().is_empty() {
            return Some("Choose where to export to.".into());
        }
        if self.has_members() {
            if self.password.is_empty() || self.again.is_empty() {
                // Not both typed yet: Export stays disabled, without scolding.
                return Some(String::new());
            }
            if let Err(e) = members::check_password(&self.password) {
                return Some(e.to_string());
            }
            if self.password != self.again {
                return Some("The two passwords differ.".into());
            }
        }
        if self.kind == Kind::Pdf && self.limit {
            match self.max_mb.trim().replace(',', ".").parse::<f64>() {
                Ok(mb) if mb.is_finite() && mb >= 0.1 => {}
                _ => return Some("The size limit is a number of megabytes, such as 10.".into()),
            }
        }
        if self.kind == Kind::Submission && !self.first.trim().is_empty() {
            match self.first.trim().parse::<usize>() {
                Ok(n) if n >= 1 => {}
                _ => return Some("\u{201c}Only the first\u{201d} is a number of works, 1 or more; leave it empty for all.".into()),
            }
        }
        if self.kind.sized() && self.pixels == Pixels::LongSide {
            match self.long_side.trim().parse::<u32>() {
                Ok(n) if (16..=40_000).contains(&n) => {}
                _ => return Some("The long side is a number of pixels, 16 to 40000.".into()),
            }
        }
        None
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) -> Outcome {
        let outcome = self.frame_ui(ui);
        match (self.remember.take(), outcome) {
            (Some(remember), Outcome::Open) => Outcome::Act(vec![remember]),
            (Some(remember), Outcome::Cancel) => Outcome::Done(vec![remember]),
            (Some(remember), Outcome::Act(mut actions) | Outcome::Done(mut actions)) => {
                actions.push(remember);
                Outcome::Act(actions)
            }
            (None, outcome) => outcome,
        }
    }

    fn frame_ui(&mut self, ui: &mut egui::Ui) -> Outcome {
        self.poll_read();
        if self.stale {
            self.read(ui.ctx());
        }
        if !self.loaded && self.running.is_none() {
            ui.heading(format!("Export as a {}", self.kind.noun()));
            if let Some(e) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
                if ui.button("Close").clicked() {
                    return Outcome::Cancel;
                }
            } else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Reading the gallery\u{2026}");
                });
            }
            return Outcome::Open;
        }
        ui.heading(format!(
            "Export \u{201c}{}\u{201d} as a {}",
            self.gallery_name,
            self.kind.noun()
        ));
        // The save of typed alt text is read back first.
        if self.start_next && self.reading.is_none() && !self.stale {
            self.start_next = false;
            // Re-read above: a work still listed with text typed for it was
            // not saved (the status bar says why): no export without it.
            if self.missing.iter().any(|m| !m.typed.trim().is_empty()) {
                self.error = Some(
                    "Some alt text could not be saved (the message is at the bottom of the window); the export did not start."
                        .into(),
                );
            } else {
                self.start(ui.ctx());
            }
        }
        if self.running.is_some() {
            return self.running_ui(ui);
        }
        if let Some(ended) = self.ended.clone() {
            return self.ended_ui(ui, &ended);
        }
        self.setup_ui(ui)
    }

    fn setup_ui(&mut self, ui: &mut egui::Ui) -> Outcome {
        ui.label(match self.kind {
            Kind::Site => "A static website: a page for the gallery, one per work, images in WebP and JPEG at several sizes (sRGB, no camera data). The originals stay here.",
            Kind::Folder | Kind::Zip => "Numbered JPEGs in the gallery's order (sRGB, no camera data), with manifest.json and image-list.csv. The originals stay here.",
            Kind::Pdf => "A cover, a page per work with its caption, and the image list. Accessible (tagged, with alt text), its text in an embedded font; no camera data. Members links are in it: it is your own document.",
            Kind::Submission => "The works in the gallery's order as the call asks for them: baseline sRGB JPEGs at its size and byte limit, named and numbered by its rules, with the image list as CSV and PDF. A work that cannot pass is named and left out.",
        });
        ui.add_space(6.0);
        ui.strong("What it shows");
        if self.links.is_empty() {
            ui.label(match self.kind {
                Kind::Site => "The gallery has no groups yet: the export would show only its name.",
                _ => "The gallery has no groups yet: there is nothing to export.",
            });
        }
        for line in &self.links {
            // A package is the artist's own work: a guest's feature stays out.
            let guest = self.kind == Kind::Submission && line.link_type == "guest_artist_feature";
            let text = if guest {
                format!(
                    "{}: \u{201c}{}\u{201d}, {}, left out: a submission is your own work",
                    crate::core::export::type_words(&line.link_type),
                    line.group_name,
                    crate::count(line.works, "work", "works")
                )
            } else {
                line.describe(self.kind == Kind::Site)
            };
            if line.exported && !guest {
                ui.label(text);
            } else {
                ui.weak(text);
            }
        }
        for w in &self.shared {
            ui.colored_label(ui.visuals().warn_fg_color, w);
        }
        if self.kind != Kind::Site {
            let before = self.public_only;
            ui.checkbox(
                &mut self.public_only,
                "Public links only (leave members links out)",
            );
            if before != self.public_only {
                self.stale = true;
            }
        }
        ui.label(
            egui::RichText::new("Change who sees a group with its badge in the sidebar.")
                .small()
                .weak(),
        );
        let mut actions = Vec::new();
        if !self.missing.is_empty() {
            ui.add_space(6.0);
            ui.strong(format!(
                "{} without alt text",
                crate::count(self.missing.len() as u64, "work", "works")
            ));
            ui.label("People who cannot see the image hear its alt text. Without it, the export uses the title, else \u{201c}Untitled work\u{201d}.");
            egui::ScrollArea::vertical()
                .max_height(220.0)
                .id_salt("export-missing-alt")
                .show(ui, |ui| {
                    for m in &mut self.missing {
                        let label = ui.label(&m.named);
                        ui.add(
                            egui::TextEdit::singleline(&mut m.typed)
                                .hint_text("What the image shows")
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label.id);
                    }
                });
            let typed = self.missing.iter().any(|m| !m.typed.trim().is_empty());
            if ui
                .add_enabled(typed, egui::Button::new("Save alt text"))
                .on_hover_text("Export saves what you typed too.")
                .clicked()
            {
                actions = self.alt_actions();
            }
        }
        if self.kind == Kind::Pdf {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.label("Paper:");
                ui.radio_value(&mut self.paper, Paper::A4, "A4");
                ui.radio_value(&mut self.paper, Paper::Letter, "US Letter");
                ui.separator();
                ui.radio_value(&mut self.landscape, false, "Portrait");
                ui.radio_value(&mut self.landscape, true, "Landscape");
            });
            ui.horizontal(|ui| {
                ui.label("Images at:");
                ui.radio_value(&mut self.dpi, 150, "150 dpi (screen)");
                ui.radio_value(&mut self.dpi, 200, "200 dpi");
                ui.radio_value(&mut self.dpi, 300, "300 dpi (print)");
            })
            .response
            .on_hover_text(
                "Never beyond a work's own pixels: a smaller image is shown at its own size.",
            );
            ui.checkbox(&mut self.dividers, "A divider page before each section");
            ui.horizontal(|ui| {
                ui.checkbox(&mut self.limit, "At most");
                let l = ui.label("MB:");
                ui.add_enabled(
                    self.limit,
                    egui::TextEdit::singleline(&mut self.max_mb).desired_width(50.0),
                )
                .labelled_by(l.id);
                ui.weak("(lowers the resolution and quality until it fits)");
            });
        }
        if self.kind == Kind::Submission {
            ui.add_space(6.0);
            let presets = submission::PRESETS;
            let describe = |p: &submission::Preset| {
                format!(
                    "{}: long side {} px{}, {} a file{}, named {}",
                    p.call,
                    p.long_side,
                    p.min_side
                        .map(|m| format!(" (at least {m})"))
                        .unwrap_or_default(),
                    submission::megabytes(p.max_bytes),
                    p.max_count
                        .map(|m| format!(", at most {m} works"))
                        .unwrap_or_default(),
                    p.pattern
                )
            };
            ui.strong("The call's rules");
            for (i, p) in presets.iter().enumerate() {
                let mut text = describe(p);
                if let Some(first) = text.get(..1) {
                    text = first.to_uppercase() + &text[1..];
                }
                ui.radio_value(&mut self.preset, i, text);
            }
            ui.label(
                egui::RichText::new("Another call's rules: folio export submission --preset custom (see folio export submission --help).")
                    .small()
                    .weak(),
            );
            ui.horizontal(|ui| {
                let l = ui.label("Only the first");
                ui.add(
                    egui::TextEdit::singleline(&mut self.first)
                        .hint_text("all")
                        .desired_width(50.0),
                )
                .labelled_by(l.id);
                ui.label("works");
            });
        }
        ui.add_space(6.0);
        let label = ui.label(match self.kind {
            Kind::Site => "Folder for the website",
            Kind::Folder => "Folder to export into",
            Kind::Zip => "ZIP file",
            Kind::Pdf => "PDF file",
            Kind::Submission => "Folder for the package",
        });
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.out)
                    .desired_width(ui.available_width() - 90.0),
            )
            .labelled_by(label.id);
            if ui.button("Choose\u{2026}").clicked() {
                self.choose(ui.ctx());
            }
        });
        self.poll_choice();
        if self.kind == Kind::Site && self.has_members() {
            ui.add_space(6.0);
            ui.strong("Password for the members sections");
            ui.label("Visitors type it to see them. It is not stored: type the same one when you export again, or the members' links change.");
            let p = ui.label("Password");
            ui.add(egui::TextEdit::singleline(&mut self.password).password(true))
                .labelled_by(p.id);
            let a = ui.label("The same again");
            ui.add(egui::TextEdit::singleline(&mut self.again).password(true))
                .labelled_by(a.id);
        }
        if self.kind.sized() {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.radio_value(&mut self.pixels, Pixels::Full, "Full size");
                ui.radio_value(&mut self.pixels, Pixels::LongSide, "Long side");
                let l = ui.label("pixels:");
                ui.add_enabled(
                    self.pixels == Pixels::LongSide,
                    egui::TextEdit::singleline(&mut self.long_side).desired_width(60.0),
                )
                .labelled_by(l.id);
            });
        }
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        let problem = self.problem();
        let pressed = buttons_ui(ui, "Export", problem.as_deref(), false);
        match pressed {
            Some(true) => {
                // What was typed for alt text is saved first, never lost.
                actions.extend(self.alt_actions());
                if actions.is_empty() {
                    self.start(ui.ctx());
                    Outcome::Open
                } else {
                    self.start_next = true;
                    Outcome::Act(actions)
                }
            }
            Some(false) => Outcome::Cancel,
            None if !actions.is_empty() => Outcome::Act(actions),
            None => Outcome::Open,
        }
    }

    /// The alt text typed in the list, as the actions that write it (the
    /// list is read again once they are applied).
    fn alt_actions(&mut self) -> Vec<Action> {
        let actions: Vec<Action> = self
            .missing
            .iter()
            .filter(|m| !m.typed.trim().is_empty())
            .map(|m| Action::SetDetails {
                ids: vec![m.id],
                // Kept in the field until the list is read again: a save
                // that fails loses nothing.
                edits: vec![(Field::AltText, m.typed.trim().to_string())],
                unit_if_none: None,
            })
            .collect();
        if !actions.is_empty() {
            self.stale = true;
        }
        actions
    }

    fn choose(&mut self, ctx: &egui::Context) {
        let (tx, rx) = std::sync::mpsc::channel();
        let kind = self.kind;
        let start = PathBuf::from(self.out.trim());
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("folio-file-dialog".into())
            .spawn(move || {
                let dialog = rfd::FileDialog::new();
                let dialog = match start.parent() {
                    Some(p) if p.is_dir() => dialog.set_directory(p),
                    _ => dialog,
                };
                // A file to save (named as proposed), or a folder.
                let save_as = |name: &str, ext: &str| {
                    dialog
                        .clone()
                        .add_filter(name, &[ext])
                        .set_file_name(
                            start
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default(),
                        )
                        .save_file()
                };
                let picked = match kind {
                    Kind::Pdf => save_as("PDF", "pdf"),
                    Kind::Zip => save_as("ZIP", "zip"),
                    Kind::Site | Kind::Folder | Kind::Submission => dialog.pick_folder(),
                };
                let _ = tx.send(picked);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.choosing = Some(rx);
                self.chose_at = Some(std::time::Instant::now());
                self.error = None;
            }
            Err(e) => self.error = Some(format!("could not open the file dialog: {e}")),
        }
    }

    fn poll_choice(&mut self) {
        let Some(choosing) = &self.choosing else {
            return;
        };
        let picked = choosing.try_recv().ok();
        if let Some(picked) = picked {
            match picked {
                Some(p) => self.out = p.display().to_string(),
                // Back sooner than a person cancels: no file chooser here.
                None if self
                    .chose_at
                    .is_some_and(|t| t.elapsed() < std::time::Duration::from_millis(400)) =>
                {
                    self.error = Some(
                        "No file chooser is available on this desktop: type the path in the field above."
                            .into(),
                    );
                }
                None => {}
            }
            self.choosing = None;
        }
    }

    fn start(&mut self, ctx: &egui::Context) {
        let Some(lib) = self.conn.take() else {
            self.error =
                Some("the library connection is gone; close and open this dialog again".into());
            return;
        };
        let out = PathBuf::from(self.out.trim());
        let job = match self.kind {
            Kind::Site => Job::Site {
                out,
                password: self.has_members().then(|| self.password.clone()),
            },
            Kind::Folder | Kind::Zip => Job::Folder {
                target: if self.kind == Kind::Zip {
                    Target::Zip(out)
                } else {
                    Target::Folder(out)
                },
                long_side: match self.pixels {
                    Pixels::Full => None,
                    Pixels::LongSide => self.long_side.trim().parse().ok(),
                },
                reach: self.reach(),
            },
            Kind::Pdf => Job::Pdf {
                out,
                opts: PdfOptions {
                    paper: self.paper,
                    orientation: if self.landscape {
                        Orientation::Landscape
                    } else {
                        Orientation::Portrait
                    },
                    dividers: self.dividers,
                    dpi: self.dpi,
                    reach: self.reach(),
                    max_bytes: self
                        .limit
                        .then(|| self.max_mb.trim().replace(',', ".").parse::<f64>().ok())
                        .flatten()
                        .map(|mb| (mb * 1e6).round() as u64),
                    ..PdfOptions::default()
                },
            },
            Kind::Submission => Job::Submission {
                out,
                opts: SubmissionOptions {
                    rules: submission::PRESETS
                        .get(self.preset)
                        .map(submission::Rules::from)
                        .unwrap_or_else(|| submission::Rules::from(&submission::PRESETS[0])),
                    pick: match self.first.trim().parse::<usize>() {
                        Ok(n) if n >= 1 => Pick::First(n),
                        _ => Pick::All,
                    },
                    reach: self.reach(),
                    workers: crate::core::pool::default_workers(),
                },
            },
        };
        match Running::start(lib, self.gallery, job, ctx) {
            Ok(r) => {
                self.running = Some(r);
                self.password.clear();
                self.again.clear();
            }
            Err(e) => self.error = Some(e),
        }
    }

    fn running_ui(&mut self, ui: &mut egui::Ui) -> Outcome {
        let Some(running) = &self.running else {
            return Outcome::Open;
        };
        if let Some((ended, lib)) = running.poll() {
            self.running = None;
            self.conn = lib;
            self.ended_with(ended);
            return Outcome::Open;
        }
        let p = running.progress();
        let fraction = if p.total == 0 {
            0.0
        } else {
            p.done as f32 / p.total as f32
        };
        let stage = if p.stage.is_empty() {
            "Starting"
        } else {
            p.stage
        };
        ui.label(format!("{stage}\u{2026} {} of {}", p.done, p.total));
        ui.add(egui::ProgressBar::new(fraction).show_percentage());
        ui.add_space(8.0);
        if running.is_cancelling() {
            ui.weak("Cancelling\u{2026}");
        } else if ui.button("Cancel").clicked() {
            running.cancel();
        }
        Outcome::Open
    }

    /// Test hook: waits for the running export to end (how it ended, if it
    /// already has).
    pub fn wait(&mut self) -> Option<Ended> {
        let Some(running) = self.running.take() else {
            return self.ended.clone();
        };
        let (ended, lib) = running.wait()?;
        self.conn = Some(lib);
        self.ended_with(ended.clone());
        Some(ended)
    }

    /// The export ended: shown, and where it went remembered when it
    /// succeeded (proposed again the next time this gallery is exported).
    fn ended_with(&mut self, ended: Ended) {
        if ended.ok {
            self.remember = Some(Action::ExportedTo {
                key: self.kind.key(self.gallery),
                path: self.out.trim().to_string(),
            });
        }
        self.ended = Some(ended);
    }
}

impl Export {
    fn ended_ui(&mut self, ui: &mut egui::Ui, ended: &Ended) -> Outcome {
        if ended.ok {
            ui.label(&ended.headline);
        } else {
            ui.colored_label(ui.visuals().warn_fg_color, &ended.headline);
        }
        if !ended.problems.is_empty() || !ended.warnings.is_empty() {
            egui::ScrollArea::vertical()
                .max_height(280.0)
                .id_salt("export-ended")
                .show(ui, |ui| {
                    for p in &ended.problems {
                        ui.colored_label(ui.visuals().error_fg_color, p);
                    }
                    for w in &ended.warnings {
                        ui.weak(w);
                    }
                });
        }
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        ui.add_space(8.0);
        let mut outcome = Outcome::Open;
        ui.horizontal(|ui| {
            if let Some(path) = ended
                .open
                .as_ref()
                .filter(|_| ended.ok || !ended.problems.is_empty())
            {
                let label = match path.extension().and_then(|e| e.to_str()) {
                    Some("html") => "Open in browser",
                    Some("pdf") => "Open PDF",
                    _ => "Show folder",
                };
                if ui.button(label).clicked() {
                    self.error = export::open_with_system(path).err();
                }
            }
            // Back to the settings, as they were (after an error, to fix it).
            if ui.button("Back").clicked() {
                self.ended = None;
                self.error = None;
                self.stale = true;
                if self.conn.is_none() {
                    self.error =
                        Some("Close this dialog and open it again to export again.".into());
                }
            }
            if ui.button("Close").clicked() {
                outcome = Outcome::Cancel;
            }
        });
        outcome
    }
}

/// Where an export goes unless the artist says otherwise: a folder named
/// after the gallery under Documents/Folio exports.
fn default_destination(kind: Kind, gallery: &str) -> PathBuf {
    let base = directories::UserDirs::new()
        .and_then(|d| {
            d.document_dir()
                .map(|p| p.to_path_buf())
                .or(Some(d.home_dir().to_path_buf()))
        })
        .unwrap_or_else(std::env::temp_dir)
        .join("Folio exports");
    let name = crate::core::export::slug(gallery, "gallery");
    base.join(match kind {
        Kind::Site => format!("{name}-website"),
        Kind::Folder => format!("{name}-folder"),
        Kind::Zip => format!("{name}.zip"),
        Kind::Pdf => format!("{name}.pdf"),
        Kind::Submission => format!("{name}-submission"),
    })
}

/// The artist's profile: name, website, contact, statement.
#[derive(Clone, Debug)]
pub struct ProfileDialog {
    fields: [String; 5],
}

impl ProfileDialog {
    pub fn new() -> Self {
        ProfileDialog {
            fields: Default::default(),
        }
    }

    pub fn prepare(&mut self, lib: &Library) -> crate::core::Result<()> {
        let p = crate::core::model::profile::read(lib.conn())?;
        self.fields = [
            p.given_name,
            p.family_name,
            p.website,
            p.contact,
            p.statement,
        ]
        .map(Option::unwrap_or_default);
        Ok(())
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) -> Outcome {
        ui.heading("Artist profile");
        ui.label("Exports put this on their cover and footer. Every field is optional.");
        ui.add_space(6.0);
        let labels = [
            "Given name",
            "Family name",
            "Website",
            "Contact (e-mail or a line)",
        ];
        let hints = [
            "Ines",
            "Moreau",
            "ines-moreau.example",
            "studio@ines-moreau.example",
        ];
        let mut typing_statement = false;
        egui::Grid::new("profile-fields")
            .num_columns(2)
            .show(ui, |ui| {
                for i in 0..4 {
                    let label = ui.label(labels[i]);
                    let r = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.fields[i])
                                .hint_text(hints[i])
                                .desired_width(300.0),
                        )
                        .labelled_by(label.id);
                    if i == 0 && ui.memory(|m| m.focused().is_none()) {
                        r.request_focus();
                    }
                    ui.end_row();
                }
            });
        let label = ui.label("Statement");
        typing_statement |= ui
            .add(
                egui::TextEdit::multiline(&mut self.fields[4])
                    .desired_rows(4)
                    .desired_width(f32::INFINITY)
                    .hint_text("A few sentences about your work"),
            )
            .labelled_by(label.id)
            .has_focus();
        let profile = self.profile();
        let problem = profile.clone().cleaned().err().map(|e| e.to_string());
        let pressed = buttons_ui(ui, "Save", problem.as_deref(), !typing_statement);
        super::outcome(pressed, || vec![Action::SetProfile(profile)])
    }

    fn profile(&self) -> Profile {
        let f = |i: usize| Some(self.fields[i].clone());
        Profile {
            given_name: f(0),
            family_name: f(1),
            website: f(2),
            contact: f(3),
            statement: f(4),
        }
    }
}
