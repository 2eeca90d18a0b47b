//! The desktop application (egui/eframe), a client of [`crate::core`].
//!
//! For now a single window that opens the library and says what is in it; the
//! full app (galleries, typed groups, drag-reorderable grids) is the next step.

use std::path::PathBuf;

use eframe::egui;

use crate::core::{Library, catalog, images};

/// Opens the desktop window on the library at `root`. On Linux it always runs
/// through X11 (XWayland on a Wayland desktop): winit delivers files dropped
/// from other applications only there.
pub fn run(root: PathBuf) -> anyhow::Result<()> {
    let summary = match Library::open(&root) {
        Ok(lib) => describe(&lib),
        Err(e) => format!("The library could not be opened:\n{e}"),
    };
    let mut options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Folio")
            .with_inner_size([900.0, 600.0]),
        ..Default::default()
    };
    #[cfg(target_os = "linux")]
    {
        options.event_loop_builder = Some(Box::new(|builder| {
            use winit::platform::x11::EventLoopBuilderExtX11;
            builder.with_x11();
        }));
    }
    let app = Placeholder { root, summary };
    eframe::run_native("Folio", options, Box::new(|_cc| Ok(Box::new(app))))
        .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

fn describe(lib: &Library) -> String {
    let conn = lib.conn();
    let galleries = catalog::list_galleries(conn).map_or(0, |v| v.len() as u64);
    let groups = catalog::list_groups(conn).map_or(0, |v| v.len() as u64);
    let images = images::count(conn).unwrap_or(0);
    format!(
        "{}, {}, {}.",
        crate::count(galleries, "gallery", "galleries"),
        crate::count(groups, "image group", "image groups"),
        crate::count(images, "image", "images")
    )
}

struct Placeholder {
    root: PathBuf,
    summary: String,
}

impl eframe::App for Placeholder {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.3);
                ui.heading("Folio");
                ui.label(format!("Library: {}", self.root.display()));
                ui.label(&self.summary);
                ui.add_space(12.0);
                ui.label("The gallery editor is coming. Until then, use the command line:");
                ui.monospace("folio import --group NAME [--gallery NAME --type TYPE] PATH…");
                ui.monospace("folio list      folio check [--repair]");
            });
        });
    }
}
