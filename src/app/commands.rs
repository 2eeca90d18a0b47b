//! Turning the keyboard into [`Command`]s, and carrying commands out after
//! the frame: most open a dialog, change the selection or the view, or
//! become an [`Action`].

use eframe::egui;

use super::FolioApp;
use super::action::Action;
use super::command::Command;
use super::data::Pool;
use super::dialogs::{self, About, Dialog, ExportKind, ExportOriginal};
use super::jobs::{Pick, Work};
use super::session::{Captions, THUMB_SIZES};
use super::state::{Clip, Notice, Outbox, Selection};
use super::theme::Theme;
use crate::core::ImageId;
use crate::core::model::images::{self, LibraryOrder, SortBy};
use crate::core::storage::layout::ORIGINALS_DIR;

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
    // On a real desktop Ctrl+C, X and V arrive as clipboard events, not
    // keys (a paste only when the system clipboard holds something: copying
    // images puts their paths there).
    // Text selected in a label copies as text, not as images.
    let label_selected = ctx
        .with_plugin(|s: &mut egui::text_selection::LabelSelectionState| s.has_selection())
        .unwrap_or(false);
    if !typing && !label_selected {
        let clipboard: Vec<Command> = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Copy => Some(Command::Copy),
                    egui::Event::Cut => Some(Command::Cut),
                    egui::Event::Paste(_) | egui::Event::PasteImage(_) => Some(Command::Paste),
                    _ => None,
                })
                .collect()
        });
        for c in clipboard {
            out.command(c);
        }
    }
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
            // Each press of the key, with whether Shift was held with it
            // (a quick Shift+key can be released within the same frame).
            let presses: Vec<bool> = ctx.input(|i| {
                i.events
                    .iter()
                    .filter_map(|e| match e {
                        egui::Event::Key {
                            key,
                            pressed: true,
                            modifiers,
                            ..
                        } if *key == s.logical_key && modifiers.matches_logically(s.modifiers) => {
                            Some(modifiers.shift)
                        }
                        _ => None,
                    })
                    .collect()
            });
            let n = ctx.input_mut(|i| i.count_and_consume_key(s.modifiers, s.logical_key));
            if n == 0 {
                continue;
            }
            // Moving the focus counts every press of the frame (keys typed
            // fast, or held); anything else acts once.
            let times = if c.is_navigation() { n } else { 1 };
            for k in 0..times {
                out.command_keyed(c, presses.get(k).copied().unwrap_or(false));
            }
            break;
        }
    }
}

impl FolioApp {
    /// Carries out one command.
    pub(super) fn run_command(&mut self, c: Command, shift: bool, ctx: &egui::Context) {
        match c {
            Command::NewGallery
            | Command::NewGroup
            | Command::AttachGroup
            | Command::ImportFiles
            | Command::ImportFolder
            | Command::RenameGroup
            | Command::DeleteFromLibrary
            | Command::ExportSite
            | Command::ExportFolder
            | Command::ExportZip
            | Command::ExportPdf
            | Command::ExportSubmission
            | Command::ArtistProfile
            | Command::ExportOriginal
            | Command::About
            | Command::Help => self.dialog_command(c, ctx),
            Command::ShowInFileManager => self.reveal_focused(ctx),
            Command::ThemeSystem | Command::ThemeLight | Command::ThemeDark => {
                self.theme = match c {
                    Command::ThemeLight => Theme::Light,
                    Command::ThemeDark => Theme::Dark,
                    _ => Theme::System,
                };
                // Applied by the next frame (`FolioApp::ui`).
                if self.theme == Theme::System {
                    // The desktop may have changed since Folio started.
                    super::theme::follow_desktop(ctx);
                }
            }
            Command::SelectAll
            | Command::SelectNone
            | Command::SelectPrevious
            | Command::SelectNext
            | Command::SelectUp
            | Command::SelectDown
            | Command::SelectFirst
            | Command::SelectLast
            | Command::PageUp
            | Command::PageDown
            | Command::OpenViewer => {
                let extend = shift || ctx.input(|i| i.modifiers.shift);
                self.selection_command(c, extend);
            }
            Command::MoveEarlier
            | Command::MoveLater
            | Command::MoveToStart
            | Command::MoveToEnd => self.move_command(c),
            Command::SortByName
            | Command::SortByNameDescending
            | Command::SortByImported
            | Command::SortByImportedDescending
            | Command::SortByTitle
            | Command::SortByYear
            | Command::ReverseOrder => self.sort_command(c),
            Command::Find => {
                self.ui.find.focus = true;
                // Find's view at once, for its filters too.
                if self.session.view.pool != Some(Pool::Found) {
                    self.show_find();
                }
            }
            Command::CaptionsTitle => self.session.view.captions = Captions::Title,
            Command::CaptionsFileName => self.session.view.captions = Captions::FileName,
            Command::CaptionsNone => self.session.view.captions = Captions::None,
            Command::Copy | Command::Cut | Command::Paste => self.clip_command(c, ctx),
            Command::RemoveFromGroup => {
                let ids = self.selected_in_order();
                match (self.session.view.group(), ids.is_empty()) {
                    (_, true) => {}
                    (Some(group), false) => self.out.act(Action::RemoveFromGroup { group, ids }),
                    // In a pool of the library there is no group to leave.
                    (None, false) => self.ui.notices.push(Notice::info(
                        "These images are not shown in a group here: Shift+Delete deletes them from the library.",
                    )),
                }
            }
            Command::ShowAllImages => {
                let order = match self.session.view.pool {
                    Some(Pool::All(order)) => order,
                    _ => LibraryOrder::Newest,
                };
                self.out.act(Action::SelectPool(Pool::All(order)));
            }
            Command::ShowUngrouped => self.out.act(Action::SelectPool(Pool::Ungrouped)),
            Command::AddSamplePortfolio => self.enqueue(Work::Sample),
            Command::Undo => self.out.act(Action::Undo),
            Command::Redo => self.out.act(Action::Redo),
            Command::ZoomIn | Command::ZoomOut => {
                let step = if c == Command::ZoomIn { 32.0 } else { -32.0 };
                let view = &mut self.session.view;
                view.thumb_size =
                    (view.thumb_size + step).clamp(*THUMB_SIZES.start(), *THUMB_SIZES.end());
            }
            Command::ToggleInspector => {
                self.session.view.inspector = !self.session.view.inspector;
                // Hidden: what was typed into it is saved now, not when it comes back.
                if !self.session.view.inspector {
                    let saves = self.ui.details.flush_all();
                    self.out.actions.extend(saves);
                }
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::BackupNow => self.backup_now(),
        }
    }

    /// Commands that open a dialog (or say why they cannot).
    fn dialog_command(&mut self, c: Command, ctx: &egui::Context) {
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
            Command::ExportSite
            | Command::ExportFolder
            | Command::ExportZip
            | Command::ExportPdf
            | Command::ExportSubmission => {
                let kind = match c {
                    Command::ExportSite => ExportKind::Site,
                    Command::ExportFolder => ExportKind::Folder,
                    Command::ExportPdf => ExportKind::Pdf,
                    Command::ExportSubmission => ExportKind::Submission,
                    _ => ExportKind::Zip,
                };
                match gallery {
                    Some(g) => {
                        let last = self.session.view.exported_to.get(&kind.key(g)).cloned();
                        Dialog::export(kind, g, last)
                    }
                    None => {
                        self.ui.notices.push(Notice::info(
                            "Select a gallery first: an export shows one gallery.",
                        ));
                        return;
                    }
                }
            }
            Command::ArtistProfile => Dialog::profile(),
            Command::About => Dialog::About(About::new(
                self.session.root(),
                self.session.files().store_root().join(ORIGINALS_DIR),
                ctx,
            )),
            Command::ExportOriginal => {
                let Some((img, path)) = self.focused_original() else {
                    return;
                };
                Dialog::ExportOriginal(ExportOriginal::new(img, path))
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

    /// Commands on the selection and the viewer; `extend` (Shift held)
    /// selects from the anchor to the image the key goes to.
    fn selection_command(&mut self, c: Command, extend: bool) {
        let data = &self.session.data;
        let selection = &mut self.ui.selection;
        let geometry = &mut self.ui.geometry;
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
                let cols = geometry.cols.max(1);
                let page = cols * geometry.rows_visible.max(1);
                let current = selection.focus.and_then(|f| data.index.get(&f).copied());
                let next = match (c, current) {
                    (Command::SelectFirst, _) => 0,
                    (Command::SelectLast, _) => len - 1,
                    (_, None) => 0,
                    (Command::SelectPrevious, Some(i)) => i.saturating_sub(1),
                    (Command::SelectNext, Some(i)) => i + 1,
                    (Command::SelectUp, Some(i)) => i.checked_sub(cols).unwrap_or(i),
                    (Command::SelectDown, Some(i)) if i + cols < len => i + cols,
                    // Down from the last row's neighbours: to the last image.
                    (Command::SelectDown, Some(i)) if i / cols < (len - 1) / cols => len - 1,
                    (Command::SelectDown, Some(i)) => i,
                    (Command::PageUp, Some(i)) => i.saturating_sub(page),
                    (Command::PageDown, Some(i)) => i + page,
                    (_, Some(i)) => i,
                }
                .min(len - 1);
                let Some(img) = data.images.get(next) else {
                    return;
                };
                // A range starts at the anchor; without one (after Select
                // all), at the image the key moves from.
                let anchor = selection
                    .anchor
                    .or(selection.focus)
                    .and_then(|a| data.index.get(&a).copied());
                match anchor {
                    Some(a) if extend => {
                        let (lo, hi) = (a.min(next), a.max(next));
                        selection.ids = data.images[lo..=hi].iter().map(|i| i.id).collect();
                        selection.anchor = Some(data.images[a].id);
                        selection.focus = Some(img.id);
                    }
                    _ => *selection = Selection::only(img.id),
                }
                geometry.reveal = true;
            }
        }
    }

    /// Alt+←/→ and Alt+Home/End: the selection one place earlier or later,
    /// or to the start or the end of the group.
    fn move_command(&mut self, c: Command) {
        let Some(group) = self.session.view.group() else {
            self.ui.notices.push(Notice::info(
                "Images are put in order within a group: open one on the left.",
            ));
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
        let before = match c {
            Command::MoveEarlier if first == 0 => return,
            Command::MoveEarlier => data.images.get(first - 1).map(|i| i.id),
            Command::MoveLater if last + 1 >= data.images.len() => return,
            Command::MoveLater => data.images.get(last + 2).map(|i| i.id),
            Command::MoveToStart if data.is_noop_move(&ids, 0) => return,
            Command::MoveToStart => data.images.first().map(|i| i.id),
            _ if data.is_noop_move(&ids, data.images.len()) => return,
            _ => None,
        };
        self.out.act(Action::MoveImages { group, ids, before });
    }

    /// Sorting the shown group.
    fn sort_command(&mut self, c: Command) {
        let Some(group) = self.session.view.group() else {
            self.ui
                .notices
                .push(Notice::info("Open a group on the left to sort it."));
            return;
        };
        let by = match c {
            Command::SortByName => SortBy::Name,
            Command::SortByNameDescending => SortBy::NameDescending,
            Command::SortByImported => SortBy::Imported,
            Command::SortByImportedDescending => SortBy::ImportedDescending,
            Command::SortByTitle => SortBy::Title,
            Command::SortByYear => SortBy::Year,
            _ => SortBy::Reverse,
        };
        self.out.act(Action::SortGroup { group, by });
    }

    /// Copy, Cut and Paste of images between groups.
    fn clip_command(&mut self, c: Command, ctx: &egui::Context) {
        let group = self.session.view.group();
        if c != Command::Paste {
            let ids = self.selected_in_order();
            if ids.is_empty() {
                return;
            }
            let cut = c == Command::Cut;
            if cut && group.is_none() {
                self.ui.notices.push(Notice::info(
                    "Cut takes images out of a group; here, use Copy and paste them into a group.",
                ));
                return;
            }
            let n = crate::count(ids.len() as u64, "image", "images");
            let them = if ids.len() == 1 { "it" } else { "them" };
            self.ui.notices.push(Notice::info(if cut {
                format!("Cut {n}: open another group and paste (Ctrl+V) to move {them} there.")
            } else {
                format!(
                    "Copied {n}: open another group and paste (Ctrl+V) to add {them} there too."
                )
            }));
            // Their files' paths go on the system clipboard too, for other
            // programs (and so that Ctrl+V reaches Folio as a paste).
            // At most a thousand lines: a clipboard is not a file list.
            let paths: Vec<String> = ids
                .iter()
                .take(1000)
                .filter_map(|id| self.session.data.image(*id))
                .filter_map(|img| {
                    let path = self.session.files().original(&img.filename).ok()?;
                    Some(path.display().to_string())
                })
                .collect();
            ctx.copy_text(paths.join("\n"));
            self.ui.clip = Some(Clip {
                dimmed: if cut {
                    ids.iter().copied().collect()
                } else {
                    Default::default()
                },
                ids,
                from: group,
                cut,
            });
            return;
        }
        let Some(clip) = self.ui.clip.clone() else {
            self.ui.notices.push(Notice::info(
                "Nothing to paste: copy (Ctrl+C) or cut (Ctrl+X) images first.",
            ));
            return;
        };
        let Some(to) = group else {
            self.ui.notices.push(Notice::info(
                "Open a group on the left to paste the images into it.",
            ));
            return;
        };
        // Before the focused image, unless it is one of those pasted.
        let before = self
            .ui
            .selection
            .focus
            .filter(|f| self.session.data.index.contains_key(f) && !clip.ids.contains(f));
        let ids = clip.ids.clone();
        match clip.from {
            Some(from) if clip.cut => {
                self.out.act(Action::MoveToGroup {
                    from,
                    to,
                    ids,
                    before,
                });
                // What was cut has gone where it was pasted.
                self.ui.clip = None;
            }
            _ => self.out.act(Action::AddToGroup {
                group: to,
                ids,
                before,
            }),
        }
    }

    /// The focused image and its original's path in the library (or a
    /// notice saying why there is none).
    fn focused_original(
        &mut self,
    ) -> Option<(&crate::core::model::images::Image, std::path::PathBuf)> {
        let Some(img) = self
            .ui
            .selection
            .focus
            .and_then(|id| self.session.data.image(id))
        else {
            self.ui.notices.push(Notice::info("Select an image first."));
            return None;
        };
        match self.session.files().original(&img.filename) {
            Ok(path) => Some((img, path)),
            Err(e) => {
                self.ui.notices.push(Notice::error(e.to_string()));
                None
            }
        }
    }

    /// "Show in file manager": asked on a thread of its own (a file manager
    /// being started can take a while to answer); its notice comes back
    /// through `revealing`.
    fn reveal_focused(&mut self, ctx: &egui::Context) {
        let Some((img, path)) = self.focused_original() else {
            return;
        };
        let name = img.original_name.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let ctx = ctx.clone();
        let reveal = self.work.reveal.clone();
        let spawned = std::thread::Builder::new()
            .name("folio-reveal".into())
            .spawn(move || {
                let answer = match reveal(&path) {
                    Ok(crate::desktop::Revealed::Selected) => Ok(Notice::info(format!(
                        "Shown in the file manager: the original of \u{201c}{name}\u{201d}. It is read-only: Export original\u{2026} makes a copy to edit."
                    ))),
                    Ok(crate::desktop::Revealed::FolderOpened) => Ok(Notice::info(format!(
                        "Opened the folder of the original of \u{201c}{name}\u{201d}, {}.",
                        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
                    ))),
                    Err(why) => {
                        log::warn!("no file manager showed {}: {why}", path.display());
                        Err(dialogs::OriginalPath::new(name, &path))
                    }
                };
                let _ = tx.send(answer);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.ui.revealing.push(rx),
            Err(e) => self.ui.notices.push(Notice::error(format!(
                "Could not ask the file manager: {e}"
            ))),
        }
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
        let groups = match self.session.library() {
            Ok(lib) => images::groups_holding(lib.conn(), &ids).unwrap_or_else(|e| {
                log::warn!("could not read which groups hold the images: {e}");
                Vec::new()
            }),
            Err(_) => Vec::new(),
        };
        let names = ids
            .iter()
            .filter_map(|id| self.session.data.image(*id))
            .map(|img| img.label().to_string())
            .collect();
        Dialog::ConfirmDeleteImages(dialogs::ConfirmDeleteImages { ids, names, groups })
    }
}
