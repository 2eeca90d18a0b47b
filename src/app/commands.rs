//! Turning the keyboard into [`Command`]s, and carrying commands out after
//! the frame: most open a dialog, change the selection or the view, or
//! become an [`Action`].

use eframe::egui;

use super::FolioApp;
use super::action::Action;
use super::command::Command;
use super::dialogs::{self, Dialog};
use super::jobs::{Pick, Work};
use super::session::THUMB_SIZES;
use super::state::{Notice, Outbox, Selection};
use crate::core::ImageId;
use crate::core::model::images;

/// The frame's shortcuts as commands (none while a dialog has the keyboard).
pub fn collect_shortcuts(ctx: &egui::Context, out: &mut Outbox) {
    // A focused button does not need Delete or the arrows; a text field does.
    let typing = ctx.text_edit_focused();
    // Most specific first: Shift+Delete must not also be Delete.
    let mut all: Vec<Command> = Command::all().collect();
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
        if typing && c.is_text_key() {
            continue;
        }
        // egui matches Ctrl+Z with Shift held too; Ctrl+Shift+Z is redo
        // everywhere else, so it must not undo.
        if c == Command::Undo && ctx.input(|i| i.modifiers.shift) {
            continue;
        }
        for s in c.shortcuts() {
            if ctx.input_mut(|i| i.consume_shortcut(s)) {
                out.command(c);
                break;
            }
        }
    }
}

impl FolioApp {
    /// Carries out one command.
    pub(super) fn run_command(&mut self, c: Command, ctx: &egui::Context) {
        match c {
            Command::NewGallery
            | Command::NewGroup
            | Command::AttachGroup
            | Command::ImportFiles
            | Command::ImportFolder
            | Command::RenameGroup
            | Command::DeleteFromLibrary
            | Command::Help => self.dialog_command(c),
            Command::SelectAll
            | Command::SelectNone
            | Command::SelectPrevious
            | Command::SelectNext
            | Command::OpenViewer => self.selection_command(c),
            Command::MoveEarlier | Command::MoveLater => self.move_command(c),
            Command::RemoveFromGroup => {
                let ids = self.selected_in_order();
                if let (Some(group), false) = (self.session.view.group(), ids.is_empty()) {
                    self.out.act(Action::RemoveFromGroup { group, ids });
                }
            }
            Command::AddSamplePortfolio => self.enqueue(Work::Sample),
            Command::Undo => self.out.act(Action::Undo),
            Command::ZoomIn | Command::ZoomOut => {
                let step = if c == Command::ZoomIn { 32.0 } else { -32.0 };
                let view = &mut self.session.view;
                view.thumb_size =
                    (view.thumb_size + step).clamp(*THUMB_SIZES.start(), *THUMB_SIZES.end());
            }
            Command::ToggleInspector => {
                self.session.view.inspector = !self.session.view.inspector;
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::BackupNow => self.backup_now(),
        }
    }

    /// Commands that open a dialog (or say why they cannot).
    fn dialog_command(&mut self, c: Command) {
        let gallery = self.session.view.gallery();
        let group = self.session.view.group();
        let dialog = match c {
            Command::NewGallery => Dialog::new_gallery(),
            Command::NewGroup => Dialog::new_group(gallery, None),
            Command::AttachGroup => match gallery {
                Some(g) => Dialog::attach(g, None),
                None => {
                    self.ui.notices.push(Notice::info(
                        "Select a gallery first: groups are attached to a gallery.",
                    ));
                    return;
                }
            },
            Command::ImportFiles | Command::ImportFolder => {
                let pick = if c == Command::ImportFiles {
                    Pick::Files
                } else {
                    Pick::Folder
                };
                match group {
                    Some(g) => {
                        self.out.act(Action::Pick(pick, g));
                        return;
                    }
                    None => Dialog::new_group(gallery, Some(pick)),
                }
            }
            Command::RenameGroup => match group.and_then(|g| self.session.data.group(g)) {
                Some(g) => Dialog::rename_group(g.id, &g.name, g.description.as_deref()),
                None => return,
            },
            Command::DeleteFromLibrary => {
                let ids = self.selected_in_order();
                if ids.is_empty() {
                    return;
                }
                self.confirm_delete_images(ids)
            }
            _ => Dialog::Help,
        };
        self.open_dialog(dialog);
    }

    /// Commands on the selection and the viewer.
    fn selection_command(&mut self, c: Command) {
        let data = &self.session.data;
        let selection = &mut self.ui.selection;
        match c {
            Command::SelectAll => {
                selection.ids = data.images.iter().map(|i| i.id).collect();
                if selection.focus.is_none() {
                    selection.focus = data.images.first().map(|i| i.id);
                }
            }
            Command::SelectNone => {
                if self.ui.viewer {
                    self.ui.viewer = false;
                } else {
                    *selection = Selection::default();
                }
            }
            Command::OpenViewer => self.ui.viewer = selection.focus.is_some(),
            _ => {
                let len = data.images.len();
                if len == 0 {
                    return;
                }
                let current = selection.focus.and_then(|f| data.index.get(&f).copied());
                let next = match (c, current) {
                    (Command::SelectPrevious, Some(i)) => i.saturating_sub(1),
                    (_, Some(i)) => (i + 1).min(len - 1),
                    (_, None) => 0,
                };
                if let Some(img) = data.images.get(next) {
                    *selection = Selection::only(img.id);
                }
            }
        }
    }

    /// Alt+←/→: the selection one place earlier or later.
    fn move_command(&mut self, c: Command) {
        let Some(group) = self.session.view.group() else {
            return;
        };
        let data = &self.session.data;
        let ids = self.selected_in_order();
        let positions: Vec<usize> = ids
            .iter()
            .filter_map(|id| data.index.get(id).copied())
            .collect();
        let (Some(&first), Some(&last)) = (positions.first(), positions.last()) else {
            return;
        };
        let before = if c == Command::MoveEarlier {
            if first == 0 {
                return;
            }
            data.images.get(first - 1).map(|i| i.id)
        } else {
            if last + 1 >= data.images.len() {
                return;
            }
            data.images.get(last + 2).map(|i| i.id)
        };
        self.out.act(Action::MoveImages { group, ids, before });
    }

    fn backup_now(&mut self) {
        let made = match self.session.library() {
            Ok(lib) => crate::core::storage::backup::create(lib.conn(), lib.root(), "manual")
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        self.ui.notices.push(match made {
            Ok(path) => Notice::info(format!("Backed up to {} (checked).", path.display())),
            Err(e) => Notice::error(format!("Could not back up: {e}")),
        });
    }

    /// The confirmation of a delete from the library, naming every group
    /// that loses an image.
    fn confirm_delete_images(&self, ids: Vec<ImageId>) -> Dialog {
        let mut groups: Vec<String> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        if let Ok(lib) = self.session.library() {
            for id in &ids {
                if let Ok(usage) = images::usage(lib.conn(), *id) {
                    for (_, name) in usage.groups {
                        if !groups.contains(&name) {
                            groups.push(name);
                        }
                    }
                }
                if let Some(img) = self.session.data.image(*id) {
                    names.push(img.label().to_string());
                }
            }
        }
        Dialog::ConfirmDeleteImages(dialogs::ConfirmDeleteImages { ids, names, groups })
    }
}
