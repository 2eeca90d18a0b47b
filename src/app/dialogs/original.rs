//! "Export original…": a copy of the selected image's original, byte for byte,
//! under the artist's own file name, to a file they choose (a native save
//! dialog, or the path typed). Copied on a thread of its own: a 1 GB
//! Photoshop file never holds up a frame.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError};

use eframe::egui;

use super::Outcome;
use crate::app::inspector::human_bytes;
use crate::core::export::original::export_original;
use crate::core::model::images::Image;

#[derive(Debug)]
pub struct ExportOriginal {
    /// The library's file, its hash, and what it is called.
    original: PathBuf,
    hash: String,
    name: String,
    bytes: u64,
    /// Where the copy goes, as typed or chosen.
    out: String,
    choosing: Option<(Receiver<Option<PathBuf>>, std::time::Instant)>,
    copying: Option<Receiver<Result<u64, String>>>,
    /// The file written, once done.
    done: Option<PathBuf>,
    /// Whether the path typed names a file already there (asked of the
    /// disk when what is typed changes, not every frame).
    replaces: Option<(String, bool)>,
    error: Option<String>,
}

/// The folder the last copy went to, proposed for the next (this run only).
static LAST_FOLDER: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

impl ExportOriginal {
    pub fn new(img: &Image, original: PathBuf) -> Self {
        let last = LAST_FOLDER.lock().ok().and_then(|l| l.clone());
        let folder = last
            .filter(|d| d.is_dir())
            .or_else(|| {
                directories::UserDirs::new().and_then(|d| d.picture_dir().map(PathBuf::from))
            })
            .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()))
            .unwrap_or_default();
        ExportOriginal {
            original,
            hash: img.content_hash.clone(),
            name: img.original_name.clone(),
            bytes: img.byte_size,
            out: free_name(&folder, &img.original_name).display().to_string(),
            choosing: None,
            copying: None,
            done: None,
            replaces: None,
            error: None,
        }
    }

    /// Not while the copy is being written.
    pub fn closable(&self) -> bool {
        self.copying.is_none()
    }

    /// Waits for the copy being written (tests).
    pub fn wait(&mut self) {
        if let Some(rx) = self.copying.take() {
            let result = rx.recv().unwrap_or_else(|_| Err("the copy stopped".into()));
            self.finished(result);
        }
    }

    fn finished(&mut self, result: Result<u64, String>) {
        match result {
            Ok(_) => {
                let done = self.target();
                if let (Ok(mut last), Some(dir)) = (LAST_FOLDER.lock(), done.parent()) {
                    *last = Some(dir.to_path_buf());
                }
                self.done = Some(done);
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Where the copy goes: the path typed, with the original's extension
    /// added when none was typed ("night ferry" → "night ferry.jpg").
    fn target(&self) -> PathBuf {
        let typed = PathBuf::from(self.out.trim());
        match (
            typed.extension(),
            std::path::Path::new(&self.name).extension(),
        ) {
            (None, Some(ext)) if typed.file_name().is_some() => {
                let mut name = typed.file_name().unwrap_or_default().to_os_string();
                name.push(".");
                name.push(ext);
                typed.with_file_name(name)
            }
            _ => typed,
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) -> Outcome {
        self.poll();
        ui.heading("Export original");
        ui.add(
            egui::Label::new(format!(
                "A copy of \u{201c}{}\u{201d} exactly as it was imported ({}). The library keeps its own file as it is.",
                self.name,
                human_bytes(self.bytes)
            ))
            .wrap(),
        );
        ui.add_space(6.0);
        if let Some(done) = &self.done {
            ui.label(format!("Saved {}.", done.display()));
            ui.add_space(8.0);
            let close =
                ui.button("Close").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter));
            return if close {
                Outcome::Cancel
            } else {
                Outcome::Open
            };
        }
        let busy = self.copying.is_some() || self.choosing.is_some();
        let label = ui.label("Save as");
        ui.horizontal(|ui| {
            ui.add_enabled(
                !busy,
                egui::TextEdit::singleline(&mut self.out).desired_width(360.0),
            )
            .labelled_by(label.id);
            if ui
                .add_enabled(!busy, egui::Button::new("Choose\u{2026}"))
                .clicked()
            {
                self.choose(ui.ctx());
            }
        });
        let target = self.target();
        let replaces = match &self.replaces {
            Some((typed, there)) if *typed == self.out => *there,
            _ => {
                let there = target.is_file();
                self.replaces = Some((self.out.clone(), there));
                there
            }
        };
        if replaces {
            ui.label(format!(
                "There is already a file named \u{201c}{}\u{201d} there: exporting replaces it.",
                target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
        }
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        ui.add_space(8.0);
        let mut outcome = Outcome::Open;
        ui.horizontal(|ui| {
            let ok = if replaces { "Replace" } else { "Export" };
            let can = !busy && !self.out.trim().is_empty();
            // Replacing a file takes a click, never a stray Enter.
            let enter = !replaces && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.add_enabled(can, egui::Button::new(ok)).clicked() || (can && enter) {
                self.start(ui.ctx());
            }
            if self.copying.is_some() {
                ui.spinner();
                ui.label("Copying\u{2026}");
            } else if ui.button("Cancel").clicked() {
                outcome = Outcome::Cancel;
            }
        });
        outcome
    }

    fn start(&mut self, ctx: &egui::Context) {
        let (tx, rx) = std::sync::mpsc::channel();
        let (original, hash, to) = (self.original.clone(), self.hash.clone(), self.target());
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("folio-export-original".into())
            .spawn(move || {
                let result = export_original(&original, &hash, &to).map_err(|e| e.to_string());
                let _ = tx.send(result);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.copying = Some(rx);
                self.error = None;
            }
            Err(e) => self.error = Some(format!("could not start the copy: {e}")),
        }
    }

    fn choose(&mut self, ctx: &egui::Context) {
        let (tx, rx) = std::sync::mpsc::channel();
        let start = PathBuf::from(self.out.trim());
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("folio-file-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new().set_title("Export original");
                if let Some(p) = start.parent().filter(|p| p.is_dir()) {
                    dialog = dialog.set_directory(p);
                }
                if let Some(n) = start.file_name() {
                    dialog = dialog.set_file_name(n.to_string_lossy());
                }
                let _ = tx.send(dialog.save_file());
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.choosing = Some((rx, std::time::Instant::now())),
            Err(e) => self.error = Some(format!("could not open the file dialog: {e}")),
        }
    }

    fn poll(&mut self) {
        if let Some((rx, opened)) = &self.choosing {
            match rx.try_recv() {
                Ok(Some(p)) => {
                    self.out = p.display().to_string();
                    self.choosing = None;
                }
                Ok(None) | Err(TryRecvError::Disconnected) => {
                    // Back sooner than a person cancels: no file chooser here.
                    if opened.elapsed() < std::time::Duration::from_millis(400) {
                        self.error = Some(
                            "There is no file chooser on this desktop: type the path to save the copy as."
                                .to_string(),
                        );
                    }
                    self.choosing = None;
                }
                Err(TryRecvError::Empty) => {}
            }
        }
        if let Some(rx) = &self.copying {
            match rx.try_recv() {
                Ok(result) => {
                    self.copying = None;
                    self.finished(result);
                }
                Err(TryRecvError::Disconnected) => {
                    self.copying = None;
                    self.finished(Err("the copy stopped unexpectedly".into()));
                }
                Err(TryRecvError::Empty) => {}
            }
        }
    }
}

/// `name` in `folder`, or "name (2).ext", "name (3).ext"… if that is taken:
/// the proposal never replaces a file (the artist's own source may be there).
fn free_name(folder: &std::path::Path, name: &str) -> PathBuf {
    let first = folder.join(name);
    if !first.exists() {
        return first;
    }
    let p = std::path::Path::new(name);
    let stem = p
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned());
    let ext = p
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2..10_000)
        .map(|n| folder.join(format!("{stem} ({n}){ext}")))
        .find(|c| !c.exists())
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proposed_name_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            free_name(dir.path(), "Dusk.jpg"),
            dir.path().join("Dusk.jpg")
        );
        std::fs::write(dir.path().join("Dusk.jpg"), b"mine").unwrap();
        assert_eq!(
            free_name(dir.path(), "Dusk.jpg"),
            dir.path().join("Dusk (2).jpg")
        );
    }
}
