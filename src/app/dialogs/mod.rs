//! Modal dialogs. Each is a type of its own with its own `ui`, which reads
//! the snapshot and ends, when confirmed, with the [`Action`]s to apply.
//! Enter confirms (when the input is valid), Esc or a click outside cancels.
//! A dialog that needs more than the snapshot holds (the types a gallery
//! already uses) reads it in [`Dialog::prepare`], after the frame that opened
//! it, never while it draws.

mod about;
mod attach;
mod confirm;
mod export;
mod info;
mod names;
mod open;
mod original;

use std::path::PathBuf;

use eframe::egui::{self, Key};

pub use about::About;
pub use attach::{Attach, ChangeType};
pub use confirm::{ConfirmDeleteGallery, ConfirmDeleteGroup, ConfirmDeleteImages};
pub use export::{Export, Kind as ExportKind, ProfileDialog};
pub use info::{Help, ImportReport, OriginalPath};
pub use names::{NameGallery, NewGroup, RenameGroup};
pub use open::OpenFiles;
pub use original::ExportOriginal;

use super::action::Action;
use super::data::Data;
use super::jobs::Pick;
use crate::core::model::catalog::{self, Gallery, Group, MAX_NAME_CHARS};
use crate::core::{GalleryId, GroupId, Library};

/// An open dialog and what has been typed into it.
#[derive(Debug)]
pub enum Dialog {
    /// New gallery or its details.
    NameGallery(NameGallery),
    NewGroup(NewGroup),
    RenameGroup(RenameGroup),
    /// Attach an existing or a new group to a gallery, with a type.
    Attach(Attach),
    ChangeType(ChangeType),
    ConfirmDeleteGallery(ConfirmDeleteGallery),
    ConfirmDeleteGroup(ConfirmDeleteGroup),
    ConfirmDeleteImages(ConfirmDeleteImages),
    ImportReport(ImportReport),
    Help,
    /// Export a gallery as a website, a folder or a ZIP.
    Export(Box<Export>),
    Profile(ProfileDialog),
    /// Files opened with Folio: import them?
    OpenFiles(OpenFiles),
    /// A copy of an image's original.
    ExportOriginal(ExportOriginal),
    /// Where an original is, when no file manager could show it.
    OriginalPath(OriginalPath),
    About(About),
}

/// What a dialog's frame ended with.
pub enum Outcome {
    Open,
    Cancel,
    Done(Vec<Action>),
    /// Apply these and stay open.
    Act(Vec<Action>),
}

impl Dialog {
    pub fn new_gallery() -> Self {
        Dialog::NameGallery(NameGallery::new(None, "", None))
    }

    pub fn rename_gallery(id: GalleryId, name: &str, description: Option<&str>) -> Self {
        Dialog::NameGallery(NameGallery::new(Some(id), name, description))
    }

    pub fn new_group(gallery: Option<GalleryId>, pick: Option<Pick>) -> Self {
        Dialog::NewGroup(NewGroup::new(gallery, String::new(), Vec::new(), pick))
    }

    /// A new group for files dropped while no group was shown; a single
    /// dropped folder names it.
    pub fn new_group_for_files(gallery: Option<GalleryId>, paths: Vec<PathBuf>) -> Self {
        let name = match paths.as_slice() {
            [one] if one.is_dir() => one
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            _ => String::new(),
        };
        Dialog::NewGroup(NewGroup::new(gallery, name, paths, None))
    }

    pub fn rename_group(id: GroupId, name: &str, description: Option<&str>) -> Self {
        Dialog::RenameGroup(RenameGroup::new(id, name, description))
    }

    pub fn attach(gallery: GalleryId, group: Option<GroupId>) -> Self {
        Dialog::Attach(Attach::new(gallery, group))
    }

    pub fn change_type(gallery: GalleryId, group: GroupId, from: &str) -> Self {
        Dialog::ChangeType(ChangeType::new(gallery, group, from))
    }

    pub fn confirm_delete_gallery(gallery: &Gallery) -> Self {
        Dialog::ConfirmDeleteGallery(ConfirmDeleteGallery {
            id: gallery.id,
            name: gallery.name.clone(),
            groups: gallery.link_count,
        })
    }

    pub fn confirm_delete_group(group: &Group) -> Self {
        Dialog::ConfirmDeleteGroup(ConfirmDeleteGroup {
            id: group.id,
            name: group.name.clone(),
            images: group.image_count,
            galleries: group.gallery_count,
            loose: None,
        })
    }

    pub fn export(kind: ExportKind, gallery: GalleryId, last: Option<String>) -> Self {
        Dialog::Export(Box::new(Export::new(kind, gallery, last)))
    }

    pub fn profile() -> Self {
        Dialog::Profile(ProfileDialog::new())
    }

    /// Whether a click outside or Esc may close it (or another dialog
    /// replace it).
    pub fn closable(&self) -> bool {
        match self {
            Dialog::Export(d) => d.closable(),
            Dialog::ExportOriginal(d) => d.closable(),
            _ => true,
        }
    }

    /// Reads what the dialog needs beyond the snapshot, once, as it opens.
    pub fn prepare(&mut self, lib: &Library) {
        let read = match self {
            Dialog::Attach(d) => d.prepare(lib),
            Dialog::NewGroup(d) => d.prepare(lib),
            Dialog::ChangeType(d) => d.prepare(lib),
            Dialog::ConfirmDeleteGroup(d) => d.prepare(lib),
            Dialog::Export(d) => d.prepare(lib),
            Dialog::Profile(d) => d.prepare(lib),
            _ => Ok(()),
        };
        if let Err(e) = read {
            log::warn!("a dialog could not read what it shows: {e}");
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &Data) -> Outcome {
        match self {
            Dialog::NameGallery(d) => d.ui(ui, data),
            Dialog::NewGroup(d) => d.ui(ui, data),
            Dialog::RenameGroup(d) => d.ui(ui, data),
            Dialog::Attach(d) => d.ui(ui, data),
            Dialog::ChangeType(d) => d.ui(ui, data),
            Dialog::ConfirmDeleteGallery(d) => d.ui(ui),
            Dialog::ConfirmDeleteGroup(d) => d.ui(ui),
            Dialog::ConfirmDeleteImages(d) => d.ui(ui),
            Dialog::ImportReport(d) => d.ui(ui),
            Dialog::Help => Help::ui(ui),
            Dialog::Export(d) => d.ui(ui),
            Dialog::Profile(d) => d.ui(ui),
            Dialog::OpenFiles(d) => d.ui(ui, data),
            Dialog::ExportOriginal(d) => d.ui(ui),
            Dialog::OriginalPath(d) => d.ui(ui),
            Dialog::About(d) => d.ui(ui),
        }
    }
}

/// Draws the open dialog; returns its actions once it is confirmed.
/// `was_open` says whether one was open last frame (a new one takes the
/// keyboard).
pub fn dialog_ui(
    ctx: &egui::Context,
    open: &mut Option<Dialog>,
    was_open: &mut bool,
    data: &Data,
) -> Vec<Action> {
    let fresh = !*was_open;
    *was_open = open.is_some();
    let Some(mut dialog) = open.take() else {
        return Vec::new();
    };
    if fresh {
        // The button that opened it would keep the keyboard; the dialog's
        // first field should have it.
        ctx.memory_mut(|m| {
            if let Some(id) = m.focused() {
                m.surrender_focus(id);
            }
        });
    }
    let mut outcome = Outcome::Open;
    let modal = egui::Modal::new(egui::Id::unique("dialog")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        outcome = dialog.ui(ui, data);
    });
    if modal.should_close() && matches!(outcome, Outcome::Open) && dialog.closable() {
        outcome = Outcome::Cancel;
    }
    match outcome {
        Outcome::Open => {
            *open = Some(dialog);
            Vec::new()
        }
        Outcome::Cancel => Vec::new(),
        Outcome::Done(actions) => actions,
        Outcome::Act(actions) => {
            *open = Some(dialog);
            actions
        }
    }
}

/// The first type of the design that `used` does not hold yet (else the first).
fn unused_seed_type<'a>(used: impl Iterator<Item = &'a str> + Clone) -> String {
    catalog::SEED_TYPES
        .iter()
        .find(|t| !used.clone().any(|u| u == **t))
        .unwrap_or(&catalog::SEED_TYPES[0])
        .to_string()
}

/// What is wrong with a name typed for a new or renamed gallery or group:
/// the same rule as the database's ([`catalog::same_name`]).
fn name_problem<'a>(
    name: &str,
    what: &str,
    existing: impl Iterator<Item = (i64, &'a str)>,
    except: Option<i64>,
) -> Option<String> {
    if name.trim().is_empty() {
        // Nothing typed yet: OK stays disabled, without scolding.
        return Some(String::new());
    }
    if let Err(e) = catalog::clean_text(&format!("{what} name"), name, MAX_NAME_CHARS) {
        return Some(e.to_string());
    }
    let wanted = name.trim();
    existing
        .filter(|(id, _)| Some(*id) != except)
        .find(|(_, n)| catalog::same_name(n, wanted))
        .map(|(_, n)| format!("A {what} named \u{201c}{n}\u{201d} already exists."))
}

/// A labelled one-line field that has the keyboard when the dialog opens.
fn name_field_ui(ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str) {
    let label = ui.label(label);
    let resp = ui
        .add(
            egui::TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    if ui.memory(|m| m.focused().is_none()) {
        resp.request_focus();
    }
}

/// An optional description. Returns whether it has the keyboard: Enter makes a
/// new line there, so it must not also confirm the dialog.
fn description_field_ui(ui: &mut egui::Ui, value: &mut String) -> bool {
    let label = ui.label("Description (optional)");
    ui.add(
        egui::TextEdit::multiline(value)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .hint_text("What it is, for whom, when"),
    )
    .labelled_by(label.id)
    .has_focus()
}

/// The type field with the known types to pick from.
fn type_picker_ui(ui: &mut egui::Ui, value: &mut String, types: &[String]) {
    let label = ui.label("Type");
    ui.add(
        egui::TextEdit::singleline(value)
            .desired_width(f32::INFINITY)
            .hint_text("main_exhibit, sketches, or your own words"),
    )
    .labelled_by(label.id);
    ui.horizontal_wrapped(|ui| {
        for t in types {
            if ui
                .selectable_label(value.trim() == t, t.as_str())
                .on_hover_text(super::type_label(t))
                .clicked()
            {
                *value = t.clone();
            }
        }
    });
}

/// OK and Cancel; OK is disabled (with the problem shown) while the input is
/// not valid, and Enter presses it when `enter_submits` (dialogs that ask for
/// words; a confirmation of a delete wants a click).
fn buttons_ui(
    ui: &mut egui::Ui,
    ok: &str,
    problem: Option<&str>,
    enter_submits: bool,
) -> Option<bool> {
    let enter = enter_submits && ui.input(|i| i.key_pressed(Key::Enter));
    if let Some(p) = problem.filter(|p| !p.is_empty()) {
        ui.colored_label(ui.visuals().error_fg_color, p);
    }
    ui.add_space(8.0);
    let mut result = None;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(problem.is_none(), egui::Button::new(ok))
            .clicked()
        {
            result = Some(true);
        }
        if ui.button("Cancel").clicked() {
            result = Some(false);
        }
    });
    if enter && problem.is_none() {
        result = Some(true);
    }
    result
}

/// The outcome of OK/Cancel: `done` once confirmed.
fn outcome(pressed: Option<bool>, done: impl FnOnce() -> Vec<Action>) -> Outcome {
    match pressed {
        Some(true) => Outcome::Done(done()),
        Some(false) => Outcome::Cancel,
        None => Outcome::Open,
    }
}
