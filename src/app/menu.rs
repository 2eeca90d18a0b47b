//! The menu bar, and the one way a command becomes a menu item or a button:
//! its label, shortcut and description all come from [`Command`].

use eframe::egui;

use super::command::Command;
use super::state::Outbox;

/// File, Edit, View and Help.
pub fn menu_bar_ui(ui: &mut egui::Ui, out: &mut Outbox) {
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
                command_item_ui(ui, c, out);
            }
            ui.separator();
            command_item_ui(ui, Command::BackupNow, out);
            ui.separator();
            command_item_ui(ui, Command::Quit, out);
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
                command_item_ui(ui, c, out);
            }
        });
        ui.menu_button("View", |ui| {
            for c in [
                Command::OpenViewer,
                Command::ZoomIn,
                Command::ZoomOut,
                Command::ToggleInspector,
            ] {
                command_item_ui(ui, c, out);
            }
        });
        ui.menu_button("Help", |ui| command_item_ui(ui, Command::Help, out));
    });
}

/// A menu item for a command, with its shortcut and description.
pub fn command_item_ui(ui: &mut egui::Ui, c: Command, out: &mut Outbox) {
    let mut button = egui::Button::new(c.label());
    let keys = c.shortcut_text(ui.ctx());
    if !keys.is_empty() {
        button = button.shortcut_text(keys);
    }
    if ui.add(button).on_hover_text(c.description()).clicked() {
        out.command(c);
    }
}

/// A button for a command, with its description as the tooltip.
pub fn command_button_ui(ui: &mut egui::Ui, c: Command, out: &mut Outbox) {
    if ui
        .button(c.label())
        .on_hover_text(c.description())
        .clicked()
    {
        out.command(c);
    }
}
