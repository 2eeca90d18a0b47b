//! The menu bar, and the one way a command becomes a menu item or a button:
//! its label, shortcut and description all come from [`Command`].

use eframe::egui;

use super::command::Command;
use super::session::Captions;
use super::state::Outbox;
use super::theme::Theme;

/// File, Edit, Arrange, View and Help, as [`Command::MENUS`] lists them;
/// View ends with the Captions and Theme choices (`captions`, `theme`: the
/// ones made).
pub fn menu_bar_ui(ui: &mut egui::Ui, captions: Captions, theme: Theme, out: &mut Outbox) {
    egui::MenuBar::new().ui(ui, |ui| {
        for (name, sections) in Command::MENUS {
            ui.menu_button(name, |ui| {
                for (i, section) in sections.iter().enumerate() {
                    if i > 0 {
                        ui.separator();
                    }
                    for &c in *section {
                        command_item_ui(ui, c, out);
                    }
                }
                if name == "View" {
                    ui.separator();
                    let captions_now = [Captions::Title, Captions::FileName, Captions::None]
                        .map(|v| v == captions);
                    choice_menu_ui(ui, "Captions", &Command::CAPTIONS, captions_now, out);
                    let theme_now = [Theme::System, Theme::Light, Theme::Dark].map(|v| v == theme);
                    choice_menu_ui(ui, "Theme", &Command::THEMES, theme_now, out);
                }
            });
        }
    });
}

/// A submenu of choices, one command each, the one made (`chosen`) marked.
fn choice_menu_ui(
    ui: &mut egui::Ui,
    name: &str,
    commands: &[Command; 3],
    chosen: [bool; 3],
    out: &mut Outbox,
) {
    ui.menu_button(name, |ui| {
        for (&c, chosen) in commands.iter().zip(chosen) {
            if ui
                .radio(chosen, c.label())
                .on_hover_text(c.description())
                .clicked()
            {
                out.command(c);
                ui.close();
            }
        }
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
