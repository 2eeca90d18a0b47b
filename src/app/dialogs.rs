//! Modal dialogs: names, the type picker, confirmations, the import summary
//! and the shortcut list. A dialog only pushes [`Action`]s; Enter confirms
//! (when the input is valid), Esc or a click outside cancels.

use std::path::PathBuf;

use eframe::egui::{self, Key};

use super::jobs::{Pick, Report};
use super::{Action, Command, Data, FolioApp};
use crate::core::catalog::{self, MAX_NAME_CHARS};
use crate::core::{GalleryId, GroupId, ImageId};

/// An open dialog and what has been typed into it.
#[derive(Clone, Debug)]
pub enum Dialog {
    /// New gallery (`id: None`) or rename.
    NameGallery {
        id: Option<GalleryId>,
        name: String,
        description: String,
    },
    /// New group, attached to `gallery` with `link_type` when there is one.
    NewGroup {
        name: String,
        gallery: Option<GalleryId>,
        link_type: String,
        /// Files dropped while no group was selected: imported into it.
        paths: Vec<PathBuf>,
        pick: Option<Pick>,
    },
    RenameGroup {
        id: GroupId,
        name: String,
        description: String,
    },
    /// Attach an existing group (`group: Some`) or a new one to a gallery.
    Attach {
        gallery: GalleryId,
        group: Option<GroupId>,
        new_name: String,
        link_type: String,
    },
    ChangeType {
        gallery: GalleryId,
        group: GroupId,
        from: String,
        to: String,
    },
    ConfirmDeleteGallery {
        id: GalleryId,
        name: String,
        groups: u64,
    },
    ConfirmDeleteGroup {
        id: GroupId,
        name: String,
        images: u64,
        galleries: u64,
    },
    ConfirmDeleteImages {
        ids: Vec<ImageId>,
        names: Vec<String>,
        /// Every group that loses an image.
        groups: Vec<String>,
    },
    ImportReport(Report),
    Help,
}

impl Dialog {
    pub fn new_gallery() -> Self {
        Dialog::NameGallery {
            id: None,
            name: String::new(),
            description: String::new(),
        }
    }
    pub fn rename_gallery(id: GalleryId, name: &str, description: Option<&str>) -> Self {
        Dialog::NameGallery {
            id: Some(id),
            name: name.to_string(),
            description: description.unwrap_or_default().to_string(),
        }
    }
    pub fn new_group(gallery: Option<GalleryId>, pick: Option<Pick>) -> Self {
        Dialog::NewGroup {
            name: String::new(),
            gallery,
            link_type: catalog::SEED_TYPES[0].to_string(),
            paths: Vec::new(),
            pick,
        }
    }
    pub fn new_group_for_files(gallery: Option<GalleryId>, paths: Vec<PathBuf>) -> Self {
        // A single dropped folder names the group after itself.
        let name = match paths.as_slice() {
            [one] if one.is_dir() => one
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            _ => String::new(),
        };
        Dialog::NewGroup {
            name,
            gallery,
            link_type: catalog::SEED_TYPES[0].to_string(),
            paths,
            pick: None,
        }
    }
    pub fn rename_group(id: GroupId, name: &str, description: Option<&str>) -> Self {
        Dialog::RenameGroup {
            id,
            name: name.to_string(),
            description: description.unwrap_or_default().to_string(),
        }
    }
    pub fn attach(gallery: GalleryId, group: Option<GroupId>) -> Self {
        Dialog::Attach {
            gallery,
            group,
            new_name: String::new(),
            link_type: catalog::SEED_TYPES[0].to_string(),
        }
    }
    pub fn change_type(gallery: GalleryId, group: GroupId, from: &str) -> Self {
        Dialog::ChangeType {
            gallery,
            group,
            from: from.to_string(),
            to: from.to_string(),
        }
    }
}

/// What a dialog's frame ended with.
enum Outcome {
    Open,
    Cancel,
    Done(Vec<Action>),
}

impl FolioApp {
    pub(super) fn dialog_ui(&mut self, ctx: &egui::Context) {
        let fresh = !self.dialog_was_open;
        self.dialog_was_open = self.dialog.is_some();
        let Some(mut dialog) = self.dialog.take() else {
            return;
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
            outcome = dialog_body(ui, &mut dialog, &self.data);
        });
        if modal.should_close() && matches!(outcome, Outcome::Open) {
            outcome = Outcome::Cancel;
        }
        match outcome {
            Outcome::Open => self.dialog = Some(dialog),
            Outcome::Cancel => {}
            Outcome::Done(actions) => self.actions.extend(actions),
        }
    }
}

fn dialog_body(ui: &mut egui::Ui, dialog: &mut Dialog, data: &Data) -> Outcome {
    match dialog {
        Dialog::NameGallery {
            id,
            name,
            description,
        } => {
            ui.heading(if id.is_some() {
                "Gallery details"
            } else {
                "New gallery"
            });
            let problem = name_problem(
                name,
                "gallery",
                data.galleries.iter().map(|g| (g.id.0, g.name.as_str())),
                id.map(|i| i.0),
            );
            name_field(ui, "Gallery name", name, "Spring Show 2027");
            let writing = description_field(ui, description);
            let ok = if id.is_some() {
                "Save"
            } else {
                "Create gallery"
            };
            match buttons(ui, ok, problem.as_deref(), !writing) {
                Some(true) => Outcome::Done(vec![match id {
                    Some(id) => Action::EditGallery(*id, name.clone(), description.clone()),
                    None => Action::CreateGallery(name.clone(), description.clone()),
                }]),
                Some(false) => Outcome::Cancel,
                None => Outcome::Open,
            }
        }
        Dialog::NewGroup {
            name,
            gallery,
            link_type,
            paths,
            pick,
        } => {
            ui.heading("New image group");
            if !paths.is_empty() {
                ui.label(format!(
                    "{} will be imported into it.",
                    crate::count(paths.len() as u64, "dropped item", "dropped items")
                ));
            }
            let problem = name_problem(
                name,
                "group",
                data.groups.iter().map(|g| (g.id.0, g.name.as_str())),
                None,
            );
            name_field(ui, "Group name", name, "Summer 2026 Lookbook");
            let mut problem = problem;
            if let Some(g) = gallery.and_then(|g| data.gallery(g)) {
                ui.add_space(6.0);
                ui.label(format!("It goes into \u{201c}{}\u{201d} as:", g.name));
                type_picker(ui, link_type, &data.types);
                if problem.is_none() {
                    problem = catalog::clean_type(link_type).err().map(|e| e.to_string());
                }
            }
            match buttons(ui, "Create group", problem.as_deref(), true) {
                Some(true) => Outcome::Done(vec![Action::CreateGroup {
                    name: name.clone(),
                    attach: gallery
                        .filter(|g| data.gallery(*g).is_some())
                        .map(|g| (g, link_type.clone())),
                    then_import: std::mem::take(paths),
                    then_pick: *pick,
                }]),
                Some(false) => Outcome::Cancel,
                None => Outcome::Open,
            }
        }
        Dialog::RenameGroup {
            id,
            name,
            description,
        } => {
            ui.heading("Group details");
            let problem = name_problem(
                name,
                "group",
                data.groups.iter().map(|g| (g.id.0, g.name.as_str())),
                Some(id.0),
            );
            name_field(ui, "Group name", name, "");
            let writing = description_field(ui, description);
            match buttons(ui, "Save", problem.as_deref(), !writing) {
                Some(true) => Outcome::Done(vec![Action::EditGroup(
                    *id,
                    name.clone(),
                    description.clone(),
                )]),
                Some(false) => Outcome::Cancel,
                None => Outcome::Open,
            }
        }
        Dialog::Attach {
            gallery,
            group,
            new_name,
            link_type,
        } => {
            let gallery_name = data
                .gallery(*gallery)
                .map_or_else(String::new, |g| g.name.clone());
            ui.heading(format!("Attach a group to \u{201c}{gallery_name}\u{201d}"));
            ui.label("The same group can be in many galleries, and twice in one under two types.");
            ui.add_space(6.0);
            let shown = group
                .and_then(|g| data.group(g))
                .map_or_else(|| "New group…".to_string(), |g| g.name.clone());
            let label = ui.label("Group");
            egui::ComboBox::from_id_salt("attach-group")
                .selected_text(shown)
                .width(300.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(group, None, "New group…");
                    for g in &data.groups {
                        ui.selectable_value(group, Some(g.id), &g.name);
                    }
                })
                .response
                .labelled_by(label.id);
            let mut problem = None;
            if group.is_none() {
                problem = name_problem(
                    new_name,
                    "group",
                    data.groups.iter().map(|g| (g.id.0, g.name.as_str())),
                    None,
                );
                name_field(ui, "New group name", new_name, "Summer 2026 Lookbook");
            }
            ui.add_space(6.0);
            ui.label("Its purpose in this gallery:");
            type_picker(ui, link_type, &data.types);
            if problem.is_none() {
                problem = catalog::clean_type(link_type).err().map(|e| e.to_string());
            }
            if problem.is_none()
                && let Some(g) = group
                && data.gallery(*gallery).is_some()
                && data.links.iter().any(|l| {
                    l.gallery == *gallery && l.group == *g && l.link_type == link_type.trim()
                })
            {
                problem = Some(format!(
                    "It is already in this gallery as \u{201c}{}\u{201d}.",
                    link_type.trim()
                ));
            }
            match buttons(ui, "Attach", problem.as_deref(), true) {
                Some(true) => Outcome::Done(vec![match group {
                    Some(g) => Action::Attach {
                        gallery: *gallery,
                        group: *g,
                        link_type: link_type.clone(),
                    },
                    None => Action::CreateGroup {
                        name: new_name.clone(),
                        attach: Some((*gallery, link_type.clone())),
                        then_import: Vec::new(),
                        then_pick: None,
                    },
                }]),
                Some(false) => Outcome::Cancel,
                None => Outcome::Open,
            }
        }
        Dialog::ChangeType {
            gallery,
            group,
            from,
            to,
        } => {
            let name = data
                .group(*group)
                .map_or_else(String::new, |g| g.name.clone());
            ui.heading(format!("Type of \u{201c}{name}\u{201d}"));
            type_picker(ui, to, &data.types);
            let problem = catalog::clean_type(to).err().map(|e| e.to_string());
            match buttons(ui, "Change type", problem.as_deref(), true) {
                Some(true) => Outcome::Done(vec![Action::ChangeType {
                    gallery: *gallery,
                    group: *group,
                    from: from.clone(),
                    to: to.clone(),
                }]),
                Some(false) => Outcome::Cancel,
                None => Outcome::Open,
            }
        }
        Dialog::ConfirmDeleteGallery { id, name, groups } => {
            ui.heading(format!("Delete the gallery \u{201c}{name}\u{201d}?"));
            ui.label(format!(
                "Its {} will be detached and stay under All groups. No image is deleted.",
                crate::count(*groups, "group", "groups")
            ));
            confirm(ui, "Delete gallery", Action::DeleteGallery(*id))
        }
        Dialog::ConfirmDeleteGroup {
            id,
            name,
            images,
            galleries,
        } => {
            ui.heading(format!("Delete the group \u{201c}{name}\u{201d}?"));
            let images = match images {
                0 => "It holds no images.".to_string(),
                n => format!(
                    "Its {} stay in the library and in their other groups.",
                    crate::count(*n, "image", "images")
                ),
            };
            let galleries = match galleries {
                0 => "It is in no gallery.".to_string(),
                n => format!(
                    "It will be removed from {}.",
                    crate::count(*n, "gallery", "galleries")
                ),
            };
            ui.label(format!("{galleries} {images}"));
            confirm(ui, "Delete group", Action::DeleteGroup(*id))
        }
        Dialog::ConfirmDeleteImages { ids, names, groups } => {
            ui.heading(format!(
                "Delete {} from the library?",
                crate::count(ids.len() as u64, "image", "images")
            ));
            let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
            let more = names.len().saturating_sub(shown.len());
            let mut list = shown.join(", ");
            if more > 0 {
                list.push_str(&format!(" and {more} more"));
            }
            ui.label(list);
            ui.add_space(6.0);
            ui.label(format!(
                "They will be removed from every group that holds them: {}.",
                groups.join(", ")
            ));
            ui.label("Their copies in Folio's library are deleted. Your original files elsewhere are not touched. This cannot be undone.");
            confirm(ui, "Delete from library", Action::DeleteImages(ids.clone()))
        }
        Dialog::ImportReport(report) => {
            ui.heading(&report.title);
            ui.label(report.counts());
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    if !report.failed.is_empty() {
                        ui.add_space(6.0);
                        ui.label(
                            egui::RichText::new(format!("Not imported ({})", report.failed.len()))
                                .strong(),
                        );
                        for line in &report.failed {
                            ui.colored_label(ui.visuals().error_fg_color, &line.reason);
                        }
                    }
                    if !report.already.is_empty() {
                        ui.add_space(6.0);
                        ui.label(
                            egui::RichText::new(format!(
                                "Already in the library ({}): not copied again",
                                report.already.len()
                            ))
                            .strong(),
                        );
                        for line in &report.already {
                            ui.label(format!("{} ({})", line.path.display(), line.reason));
                        }
                    }
                });
            ui.add_space(8.0);
            if ui.button("Close").clicked() || ui.input(|i| i.key_pressed(Key::Enter)) {
                Outcome::Cancel
            } else {
                Outcome::Open
            }
        }
        Dialog::Help => {
            ui.heading("Keyboard shortcuts");
            egui::Grid::new("help")
                .num_columns(3)
                .striped(true)
                .spacing([16.0, 4.0])
                .show(ui, |ui| {
                    for c in Command::ALL {
                        if c.shortcuts().is_empty() {
                            continue;
                        }
                        ui.label(egui::RichText::new(c.shortcut_text(ui.ctx())).monospace());
                        ui.label(c.label());
                        ui.label(egui::RichText::new(c.description()).weak());
                        ui.end_row();
                    }
                });
            ui.add_space(6.0);
            ui.label("Mouse: click selects, Ctrl-click adds, Shift-click selects a range, drag moves, double-click views. Right-click a gallery, group or image for more.");
            if ui.button("Close").clicked() {
                Outcome::Cancel
            } else {
                Outcome::Open
            }
        }
    }
}

/// What is wrong with a name typed for a new or renamed gallery or group.
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
    let wanted = name.trim().to_lowercase();
    existing
        .filter(|(id, _)| Some(*id) != except)
        .any(|(_, n)| n.to_lowercase() == wanted)
        .then(|| {
            format!(
                "A {what} named \u{201c}{}\u{201d} already exists.",
                name.trim()
            )
        })
}

/// A labelled one-line field that has the keyboard when the dialog opens.
fn name_field(ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str) {
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
fn description_field(ui: &mut egui::Ui, value: &mut String) -> bool {
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
fn type_picker(ui: &mut egui::Ui, value: &mut String, types: &[String]) {
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
/// words; a confirmation of a delete wants a click). `Some(true)`: OK,
/// `Some(false)`: cancel.
fn buttons(
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

fn confirm(ui: &mut egui::Ui, ok: &str, action: Action) -> Outcome {
    match buttons(ui, ok, None, false) {
        Some(true) => Outcome::Done(vec![action]),
        Some(false) => Outcome::Cancel,
        None => Outcome::Open,
    }
}
