//! Help → About Folio: the version, the library's folder and how large it is
//! (counted on a thread of its own: a decade of originals is many files), and
//! the licences of the fonts and libraries Folio ships.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;

use eframe::egui;

use super::Outcome;
use crate::app::inspector::human_bytes;

/// Every crate compiled into the program, with its version and licence
/// (`scripts/list-licences` writes it from Cargo.lock).
pub const THIRD_PARTY: &str = include_str!("../../../assets/third-party.tsv");

/// The fonts Folio ships: their names, where they are used, their licence.
pub const FONTS: [(&str, &str, &str); 5] = [
    (
        "Noto Sans (Regular, Italic, Bold)",
        "the text of the PDFs Folio writes, embedded as subsets",
        "SIL Open Font License 1.1",
    ),
    (
        "Ubuntu Light",
        "the app's text (egui)",
        "Ubuntu Font Licence 1.0",
    ),
    (
        "Hack",
        "the app's monospaced text (egui)",
        "MIT and the Bitstream Vera License",
    ),
    (
        "Noto Emoji",
        "symbols in the app (egui)",
        "SIL Open Font License 1.1",
    ),
    (
        "emoji-icon-font and its egui-icons subset",
        "icons in the app (egui)",
        "MIT",
    ),
];

/// C libraries built into the program from their sources.
pub const C_LIBRARIES: [(&str, &str); 3] = [
    ("SQLite", "public domain"),
    (
        "libjpeg-turbo (as mozjpeg-sys builds it)",
        "IJG, BSD-3-Clause and zlib licences",
    ),
    ("libwebp", "BSD-3-Clause"),
];

/// The Open Font License, as shipped beside the PDF fonts.
const OFL: &str = include_str!("../../core/export/fonts/OFL.txt");

/// What the library folder holds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Size {
    pub total: u64,
    pub originals: u64,
    pub original_files: u64,
}

#[derive(Debug)]
pub struct About {
    root: PathBuf,
    size: Option<Result<Size, String>>,
    counting: Option<Receiver<Result<Size, String>>>,
}

impl About {
    /// `originals`: the store's folder of originals, inside `root`.
    pub fn new(root: &Path, originals: PathBuf, ctx: &egui::Context) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        let (dir, ctx) = (root.to_path_buf(), ctx.clone());
        let spawned = std::thread::Builder::new()
            .name("folio-library-size".into())
            .spawn(move || {
                let _ = tx.send(library_size(&dir, &originals));
                ctx.request_repaint();
            });
        let (size, counting) = match spawned {
            Ok(_) => (None, Some(rx)),
            Err(e) => (Some(Err(e.to_string())), None),
        };
        About {
            root: root.to_path_buf(),
            size,
            counting,
        }
    }

    /// Waits for the library's size (tests).
    pub fn wait(&mut self) {
        if let Some(rx) = self.counting.take() {
            self.size = Some(rx.recv().unwrap_or_else(|e| Err(e.to_string())));
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) -> Outcome {
        if let Some(rx) = &self.counting
            && let Ok(size) = rx.try_recv()
        {
            self.size = Some(size);
            self.counting = None;
        }
        ui.set_width(500.0);
        ui.heading("About Folio");
        ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
        ui.add(
            egui::Label::new(
                "Organise your work into galleries of image groups, and show it as a website, a PDF or a submission package. Everything stays on this computer.",
            )
            .wrap(),
        );
        ui.add_space(8.0);
        ui.label(egui::RichText::new("Library").strong());
        ui.add(egui::Label::new(self.root.display().to_string()).wrap());
        match &self.size {
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Counting\u{2026}");
                });
            }
            Some(Ok(s)) => {
                ui.label(format!(
                    "{} in all; {} of it the originals of {}",
                    human_bytes(s.total),
                    human_bytes(s.originals),
                    crate::count(s.original_files, "image", "images")
                ));
            }
            Some(Err(e)) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Its size could not be read: {e}"),
                );
            }
        }
        ui.add_space(8.0);
        ui.label(egui::RichText::new("Licences").strong());
        ui.label(format!(
            "Folio: {}. It ships these fonts and libraries, each under its own licence:",
            env!("CARGO_PKG_LICENSE")
        ));
        let room = (ui.ctx().content_rect().height() - 420.0).max(140.0);
        egui::ScrollArea::vertical()
            .max_height(room)
            .min_scrolled_height(room)
            .show(ui, |ui| {
                egui::Grid::new("fonts")
                    .num_columns(2)
                    .striped(true)
                    .spacing([12.0, 2.0])
                    .show(ui, |ui| {
                        for (name, used, licence) in FONTS {
                            ui.label(name).on_hover_text(used);
                            ui.label(licence);
                            ui.end_row();
                        }
                        for (name, licence) in C_LIBRARIES {
                            ui.label(name);
                            ui.label(licence);
                            ui.end_row();
                        }
                        for (name, version, licence) in third_party() {
                            ui.label(format!("{name} {version}"));
                            ui.label(licence);
                            ui.end_row();
                        }
                    });
                ui.add_space(4.0);
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(
                            "Every licence's full text: /usr/share/doc/folio/third-party-licences.txt.gz where Folio was installed from its package; scripts/licence-texts in Folio's source writes it.",
                        )
                        .small(),
                    )
                    .wrap(),
                );
                ui.collapsing("The SIL Open Font License 1.1 (Noto Sans)", |ui| {
                    ui.label(egui::RichText::new(OFL).small());
                });
            });
        ui.add_space(8.0);
        if ui.button("Close").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            Outcome::Cancel
        } else {
            Outcome::Open
        }
    }
}

/// The rows of [`THIRD_PARTY`]: crate, version, licence.
pub fn third_party() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    THIRD_PARTY.lines().skip(1).filter_map(|l| {
        let mut parts = l.split('\t');
        Some((parts.next()?, parts.next()?, parts.next().unwrap_or("")))
    })
}

/// The bytes of every file under `root`, and of the originals.
fn library_size(root: &Path, originals: &Path) -> Result<Size, String> {
    let mut size = Size::default();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        // A folder that cannot be read is passed over (only the root's
        // failure is said).
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if dir == root => return Err(format!("{}: {e}", dir.display())),
            Err(_) => continue,
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                let bytes = entry.metadata().map_or(0, |m| m.len());
                size.total += bytes;
                if entry.path().starts_with(originals) {
                    size.originals += bytes;
                    size.original_files += 1;
                }
            }
        }
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `name = "x"` then `version = "y"` of each `[[package]]` of Cargo.lock.
    fn locked() -> std::collections::HashSet<(String, String)> {
        let lock = include_str!("../../../Cargo.lock");
        let mut out = std::collections::HashSet::new();
        let mut name = None;
        for line in lock.lines() {
            if let Some(n) = line.strip_prefix("name = ") {
                name = Some(n.trim_matches('"').to_string());
            } else if let Some(v) = line.strip_prefix("version = ")
                && let Some(n) = name.take()
            {
                out.insert((n, v.trim_matches('"').to_string()));
            }
        }
        out
    }

    #[test]
    fn the_licence_list_is_the_lock_files_crates() {
        let locked = locked();
        let listed: Vec<_> = third_party().collect();
        assert!(listed.len() > 100, "{}", listed.len());
        for (name, version, licence) in &listed {
            assert!(
                locked.contains(&(name.to_string(), version.to_string())),
                "{name} {version} is not in Cargo.lock: run scripts/list-licences"
            );
            assert!(!licence.is_empty(), "{name} has no licence");
        }
        // Every dependency Folio names (but the optional AVIF encoder) is listed.
        let manifest = include_str!("../../../Cargo.toml");
        let deps = manifest
            .split("[dependencies]")
            .nth(1)
            .and_then(|s| s.split("\n[").next())
            .unwrap_or_default();
        for line in deps.lines() {
            let Some((name, _)) = line.split_once(" = ") else {
                continue;
            };
            if line.starts_with('#') || name == "ravif" {
                continue;
            }
            assert!(
                listed.iter().any(|(n, _, _)| *n == name),
                "{name} is not in assets/third-party.tsv: run scripts/list-licences"
            );
        }
    }

    #[test]
    fn the_size_counts_every_file_and_the_originals_apart() {
        let dir = tempfile::tempdir().unwrap();
        let originals = dir.path().join("library/originals/ab");
        std::fs::create_dir_all(&originals).unwrap();
        std::fs::write(originals.join("x.jpg"), [0u8; 300]).unwrap();
        std::fs::write(dir.path().join("folio.db"), [0u8; 200]).unwrap();
        let s = library_size(dir.path(), &dir.path().join("library/originals")).unwrap();
        assert_eq!((s.total, s.originals, s.original_files), (500, 300, 1));
    }
}
