//! What the window shows when the library cannot be opened: why, the folder,
//! Try again, and Restore when a backup could replace a refused database.

use eframe::egui;

use super::FolioApp;
use super::state::Notice;
use crate::core::storage::{backup, library::Lock};

/// Said after Try again while the other Folio still has the library.
const STILL_OPEN: &str = "The library is still open in the other Folio (checked just now).";

impl FolioApp {
    pub(super) fn open_failed_ui(&mut self, ui: &mut egui::Ui) {
        let why = self.session.library().err().unwrap_or_default().to_string();
        let mut retry = false;
        let mut restore = None;
        if self.session.locked() && !self.opened.is_empty() {
            retry = self.already_open_ui(ui);
        } else {
            egui::CentralPanel::default().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.25);
                ui.heading("The library could not be opened");
                ui.add_space(8.0);
                ui.label(&why);
                ui.add_space(8.0);
                ui.label(format!("Library folder: {}", self.session.root().display()));
                ui.label("Nothing in it was changed. Start Folio with --library DIR to use another library.");
                ui.add_space(12.0);
                retry = ui
                    .button("Try again")
                    .on_hover_text("After closing the other Folio, or mounting the drive")
                    .clicked();
                if let Some(backup) = self.session.restorable() {
                    ui.add_space(8.0);
                    ui.label(
                        "Restoring puts the backup back as the database. The current file is moved aside (kept, not deleted); images imported since the backup come back with `folio check --repair`.",
                    );
                    if ui.button("Restore the most recent backup").clicked() {
                        restore = Some(backup.to_path_buf());
                    }
                }
                for n in self.ui.notices.all() {
                    ui.colored_label(ui.visuals().error_fg_color, &n.text);
                }
            });
        });
        }
        if let Some(backup) = restore {
            let root = self.session.root().to_path_buf();
            let restored = Lock::take(&root).and_then(|lock| {
                let aside = backup::restore(&root, &backup);
                drop(lock);
                aside
            });
            match restored {
                Ok(aside) => {
                    retry = true;
                    let kept = aside.map_or_else(String::new, |a| {
                        format!(" The replaced database is kept as {}.", a.display())
                    });
                    self.ui.notices.push(Notice::info(format!(
                        "Restored {}.{kept}",
                        backup.display()
                    )));
                }
                Err(e) => self
                    .ui
                    .notices
                    .push(Notice::error(format!("Could not restore: {e}"))),
            }
        }
        if retry {
            self.session.reopen();
            self.reload();
            self.offer_opened();
            if self.session.locked() && !self.opened.is_empty() {
                self.ui.notices.push(Notice::info(STILL_OPEN));
            }
        }
    }

    /// Started with files while another Folio has the library: says so, and
    /// where to drop them. Nothing is written here. Returns whether Try
    /// again was pressed (after the other Folio was closed).
    fn already_open_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let mut retry = false;
        egui::CentralPanel::default().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.2);
                let (what, it) = match self.opened.len() {
                    1 => ("this item".to_string(), "it"),
                    n => (format!("these {n} items"), "them"),
                };
                if self.session.locked_by_window() {
                    ui.heading("Folio is already open on this library");
                    ui.add_space(8.0);
                    ui.label(format!(
                        "To import {what}, drop {it} on the Folio window that is open. Nothing was imported from this window."
                    ));
                } else {
                    ui.heading("A folio command is using this library");
                    ui.add_space(8.0);
                    ui.label(format!(
                        "An import, a check or a backup is running in a terminal. When it has finished, press Try again to import {what}. Nothing was imported yet."
                    ));
                }
                ui.add_space(6.0);
                for p in self.opened.iter().take(8) {
                    ui.label(egui::RichText::new(p.display().to_string()).weak());
                }
                if self.opened.len() > 8 {
                    ui.label(
                        egui::RichText::new(format!("and {} more", self.opened.len() - 8)).weak(),
                    );
                }
                ui.add_space(6.0);
                ui.label(format!("Library folder: {}", self.session.root().display()));
                ui.add_space(6.0);
                ui.label("Or close the other Folio and press Try again: this window then offers to import them.");
                if self.ui.notices.all().iter().any(|n| n.text == STILL_OPEN) {
                    ui.colored_label(ui.visuals().warn_fg_color, STILL_OPEN);
                }
                ui.add_space(12.0);
                ui.horizontal(|ui| {
                    ui.add_space((ui.available_width() - 200.0).max(0.0) / 2.0);
                    retry = ui
                        .button("Try again")
                        .on_hover_text("After closing the other Folio: then this window offers to import them")
                        .clicked();
                    if ui.button("Close").clicked() {
                        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                });
            });
        });
        retry
    }
}
