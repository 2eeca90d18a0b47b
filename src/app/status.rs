//! The status bar: the running import (progress, the current file, Cancel)
//! and the last messages, with Undo beside the one whose step is next to undo.

use eframe::egui;

use super::action::Action;
use super::history::History;
use super::jobs::Work;
use super::state::{Notices, Outbox};
use super::work::Background;

pub fn status_ui(
    ui: &mut egui::Ui,
    work: &mut Background,
    notices: &mut Notices,
    history: &History,
    out: &mut Outbox,
) {
    if job_ui(ui, work) {
        work.cancel();
    }
    let mut dismiss = None;
    for (i, n) in notices.all().iter().enumerate().rev().take(2) {
        ui.horizontal(|ui| {
            let text = egui::RichText::new(&n.text);
            if n.error {
                ui.colored_label(ui.visuals().error_fg_color, text);
            } else {
                ui.label(text);
            }
            // An Undo button only while it would undo what its message says.
            if let Some(step) = n.undo
                && history.is_next(step)
                && ui.small_button("Undo").clicked()
            {
                out.act(Action::Undo);
                dismiss = Some(i);
            }
            if ui.small_button("×").on_hover_text("Dismiss").clicked() {
                dismiss = Some(i);
            }
        });
    }
    if let Some(i) = dismiss {
        notices.dismiss(i);
    }
}

/// The running job's line; returns whether Cancel was pressed.
fn job_ui(ui: &mut egui::Ui, work: &Background) -> bool {
    let Some(job) = work.job() else { return false };
    let p = job.progress();
    let mut cancel = false;
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
            let name = current
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            ui.label(egui::RichText::new(name).weak());
        }
        let label = if job.is_cancelling() {
            "Cancelling…"
        } else {
            "Cancel"
        };
        cancel = ui
            .button(label)
            .on_hover_text("Stop after the current file; what is imported stays.")
            .clicked();
        if work.waiting() > 0 {
            ui.label(format!("({} more waiting)", work.waiting()));
        }
    });
    cancel
}
