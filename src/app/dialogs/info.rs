//! Dialogs that only tell: the import summary and the shortcut list.

use eframe::egui::{self, Key};

use super::Outcome;
use crate::app::command::Command;
use crate::app::jobs::Report;

/// What an import did: every file that failed with its reason, every file
/// that was already in the library.
#[derive(Clone, Debug)]
pub struct ImportReport(pub Report);

impl ImportReport {
    pub fn ui(&self, ui: &mut egui::Ui) -> Outcome {
        let report = &self.0;
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
        close_ui(ui, true)
    }
}

/// The keyboard shortcuts, from [`Command`].
pub struct Help;

impl Help {
    pub fn ui(ui: &mut egui::Ui) -> Outcome {
        // A fixed size: the modal is centred on its size, which must not
        // change from frame to frame.
        ui.set_width(500.0);
        ui.heading("Keyboard shortcuts");
        // The list scrolls; the Close button stays in the window.
        let room = (ui.ctx().content_rect().height() - 260.0).max(160.0);
        egui::ScrollArea::vertical()
            .max_height(room)
            .min_scrolled_height(room)
            .show(ui, |ui| {
                egui::Grid::new("help")
                    .num_columns(2)
                    .striped(true)
                    .spacing([16.0, 4.0])
                    .show(ui, |ui| {
                        for c in Command::all() {
                            if c.shortcuts().is_empty() {
                                continue;
                            }
                            ui.label(egui::RichText::new(c.shortcut_text(ui.ctx())).monospace());
                            ui.vertical(|ui| {
                                ui.set_max_width(300.0);
                                ui.label(egui::RichText::new(c.label()).strong());
                                ui.add(
                                    egui::Label::new(
                                        egui::RichText::new(c.description()).weak().small(),
                                    )
                                    .wrap(),
                                );
                            });
                            ui.end_row();
                        }
                    });
            });
        ui.add_space(6.0);
        ui.add(egui::Label::new("Mouse: click selects, Ctrl-click adds, Shift-click selects a range; drag within the grid to reorder, or onto a group on the left to add the images there (hold Shift as you let go to move them); double-click views. Right-click a gallery, group or image for more.").wrap());
        close_ui(ui, false)
    }
}

/// Where an original is, when no file manager could show it: the path to
/// select or copy.
#[derive(Clone, Debug)]
pub struct OriginalPath {
    name: String,
    path: String,
}

impl OriginalPath {
    pub fn new(name: String, path: &std::path::Path) -> Self {
        OriginalPath {
            name,
            path: path.display().to_string(),
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) -> Outcome {
        ui.heading("Where the original is");
        ui.add(
            egui::Label::new(format!(
                "No file manager opened here. The original of \u{201c}{}\u{201d} is this file in the library (read-only: Export original\u{2026} makes a copy to edit):",
                self.name
            ))
            .wrap(),
        );
        ui.add_space(4.0);
        // Selectable, to copy from; what is typed changes nothing.
        let mut shown = self.path.clone();
        ui.add(egui::TextEdit::singleline(&mut shown).desired_width(f32::INFINITY));
        ui.add_space(8.0);
        let mut outcome = Outcome::Open;
        ui.horizontal(|ui| {
            if ui.button("Copy path").clicked() {
                ui.ctx().copy_text(self.path.clone());
            }
            if ui.button("Close").clicked() || ui.input(|i| i.key_pressed(Key::Enter)) {
                outcome = Outcome::Cancel;
            }
        });
        outcome
    }
}

/// A Close button (and Enter, when `enter`).
fn close_ui(ui: &mut egui::Ui, enter: bool) -> Outcome {
    if ui.button("Close").clicked() || (enter && ui.input(|i| i.key_pressed(Key::Enter))) {
        Outcome::Cancel
    } else {
        Outcome::Open
    }
}
