//! Exports from the app: one runs on a thread of its own with its own
//! library connection (the renditions on every core at low priority), so
//! no frame waits for it; the export dialog shows its progress, can cancel
//! it, and shows what it did at the end. A panic in it ends the export with
//! a message; the app goes on.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex, PoisonError};

use eframe::egui;

use crate::core::export::folder::{self, FolderOptions, Target};
use crate::core::export::pdf::{self, PdfOptions};
use crate::core::export::site::{self, SiteOptions};
use crate::core::export::submission::{self, SubmissionOptions};
use crate::core::export::{Progress, Reach};
use crate::core::{GalleryId, Library, pool};

/// What to export.
#[derive(Clone)]
pub enum Job {
    Site {
        out: PathBuf,
        password: Option<String>,
    },
    Folder {
        target: Target,
        long_side: Option<u32>,
        reach: Reach,
    },
    Pdf {
        out: PathBuf,
        opts: PdfOptions,
    },
    Submission {
        out: PathBuf,
        opts: SubmissionOptions,
    },
}

impl std::fmt::Debug for Job {
    /// Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Job::Site { out, password } => f
                .debug_struct("Site")
                .field("out", out)
                .field("password", &password.as_ref().map(|_| "…"))
                .finish(),
            Job::Folder {
                target,
                long_side,
                reach,
            } => f
                .debug_struct("Folder")
                .field("target", target)
                .field("long_side", long_side)
                .field("reach", reach)
                .finish(),
            Job::Pdf { out, opts } => f
                .debug_struct("Pdf")
                .field("out", out)
                .field("opts", opts)
                .finish(),
            Job::Submission { out, opts } => f
                .debug_struct("Submission")
                .field("out", out)
                .field("opts", opts)
                .finish(),
        }
    }
}

/// How an export ended, in words for the dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ended {
    /// One line: what was written, or why nothing was.
    pub headline: String,
    pub warnings: Vec<String>,
    /// Works left out, each named with the reason.
    pub problems: Vec<String>,
    /// What to open at the end: the site's index.html, the folder, the ZIP's folder.
    pub open: Option<PathBuf>,
    pub ok: bool,
}

/// A running export.
pub struct Running {
    progress: Arc<Mutex<Progress>>,
    cancel: Arc<AtomicBool>,
    /// How it ended, and the connection back (for the next export).
    result: Receiver<(Ended, Library)>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running").finish_non_exhaustive()
    }
}

impl Running {
    /// Starts `job` for `gallery` on a thread that owns `lib`.
    pub fn start(
        mut lib: Library,
        gallery: GalleryId,
        job: Job,
        ctx: &egui::Context,
    ) -> Result<Running, String> {
        let progress = Arc::new(Mutex::new(Progress::default()));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, result) = channel();
        let running = Running {
            progress: Arc::clone(&progress),
            cancel: Arc::clone(&cancel),
            result,
        };
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name("folio-export".into())
            .spawn(move || {
                pool::run_in_background();
                let mut report = |p: Progress| {
                    *progress.lock().unwrap_or_else(PoisonError::into_inner) = p;
                    ctx.request_repaint();
                };
                let ended = crate::core::panics::catch_unwind(|| {
                    run(&mut lib, gallery, &job, &mut report, &cancel)
                })
                .unwrap_or_else(|panic| Ended {
                    headline: format!(
                        "The export stopped unexpectedly ({}). Files it had written are whole; export again to finish.",
                        pool::panic_message(&*panic)
                    ),
                    warnings: Vec::new(),
                    problems: Vec::new(),
                    open: None,
                    ok: false,
                });
                let _ = tx.send((ended, lib));
                ctx.request_repaint();
            })
            .map_err(|e| format!("could not start the export: {e}"))?;
        Ok(running)
    }

    pub fn progress(&self) -> Progress {
        self.progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// How it ended, once it has, with the connection it used (none if its
    /// thread died).
    pub fn poll(&self) -> Option<(Ended, Option<Library>)> {
        match self.result.try_recv() {
            Ok((ended, lib)) => Some((ended, Some(lib))),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some((
                Ended {
                    headline: "The export stopped unexpectedly.".into(),
                    warnings: Vec::new(),
                    problems: Vec::new(),
                    open: None,
                    ok: false,
                },
                None,
            )),
        }
    }

    /// Waits for the end (tests; the app never waits).
    pub fn wait(&self) -> Option<(Ended, Library)> {
        self.result.recv().ok()
    }
}

fn megabytes(bytes: u64) -> String {
    submission::megabytes(bytes)
}

fn run(
    lib: &mut Library,
    gallery: GalleryId,
    job: &Job,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Ended {
    let failed = |headline: String| Ended {
        headline,
        warnings: Vec::new(),
        problems: Vec::new(),
        open: None,
        ok: false,
    };
    match job {
        Job::Site { out, password } => {
            let opts = SiteOptions {
                password: password.clone(),
                ..SiteOptions::default()
            };
            match site::export_site(lib, gallery, out, &opts, progress, cancel) {
                Ok(r) => Ended {
                    headline: format!(
                        "Wrote the website into {}: {} pages, {} works ({} images made, {} already made before), {}.",
                        r.out.display(),
                        r.pages,
                        r.works,
                        r.renditions_made,
                        r.renditions_cached,
                        megabytes(r.bytes)
                    ),
                    ok: r.problems.is_empty(),
                    warnings: r.warnings,
                    problems: r.problems,
                    open: Some(r.out.join("index.html")),
                },
                Err(crate::core::Error::Cancelled) => failed(
                    "Cancelled. The files it had written are whole; exporting again finishes the site."
                        .into(),
                ),
                Err(e) => failed(format!("The website could not be exported: {e}")),
            }
        }
        Job::Folder {
            target,
            long_side,
            reach,
        } => {
            let opts = FolderOptions {
                long_side: *long_side,
                reach: *reach,
                ..FolderOptions::default()
            };
            match folder::export_folder(lib, gallery, target, &opts, progress, cancel) {
                Ok(r) => Ended {
                    headline: format!(
                        "Wrote {}: {} in {}, with manifest.json and image-list.csv, {}.",
                        r.out.display(),
                        crate::count(r.images as u64, "image", "images"),
                        crate::count(r.sections as u64, "section", "sections"),
                        megabytes(r.bytes)
                    ),
                    ok: r.problems.is_empty(),
                    warnings: r.warnings,
                    problems: r.problems,
                    open: match target {
                        Target::Folder(p) => Some(p.clone()),
                        Target::Zip(p) => p.parent().map(Path::to_path_buf),
                    },
                },
                Err(crate::core::Error::Cancelled) => failed(match target {
                    Target::Folder(_) => "Cancelled. The files it had written are whole.".into(),
                    Target::Zip(_) => "Cancelled: no ZIP was written.".into(),
                }),
                Err(e) => failed(format!("The export could not be written: {e}")),
            }
        }
        Job::Pdf { out, opts } => {
            match pdf::export_pdf(lib, gallery, out, opts, progress, cancel) {
                Ok(r) => Ended {
                    headline: r.summary(),
                    ok: r.left_out.is_empty(),
                    warnings: r.warnings,
                    problems: r.left_out,
                    open: Some(r.out),
                },
                Err(crate::core::Error::Cancelled) => {
                    failed("Cancelled: no PDF was written.".into())
                }
                Err(e) => failed(format!("The PDF could not be written: {e}")),
            }
        }
        Job::Submission { out, opts } => {
            match submission::export_submission(lib, gallery, out, opts, progress, cancel) {
                Ok(r) => {
                    // A line per file, as the call will check it.
                    let mut lines: Vec<String> = r
                        .files
                        .iter()
                        .map(|f| {
                            format!(
                                "{} ({}): {}\u{d7}{} px, {}, quality {}: {}",
                                f.file,
                                f.work,
                                f.width,
                                f.height,
                                megabytes(f.bytes),
                                f.quality,
                                f.verdict()
                            )
                        })
                        .collect();
                    let all_pass = r.files.iter().all(submission::FileReport::passes);
                    lines.extend(r.warnings);
                    Ended {
                        headline: format!(
                            "Wrote the package into {}: {} with image-list.csv and image-list.pdf, {}.{}",
                            r.out.display(),
                            crate::count(r.files.len() as u64, "image", "images"),
                            megabytes(r.bytes),
                            if r.left_out.is_empty() {
                                String::new()
                            } else {
                                format!(
                                    " {} left out, each named below.",
                                    crate::count(r.left_out.len() as u64, "work", "works")
                                )
                            }
                        ),
                        ok: r.left_out.is_empty() && all_pass,
                        warnings: lines,
                        problems: r.left_out,
                        open: Some(r.out),
                    }
                }
                Err(crate::core::Error::Cancelled) => failed(
                    "Cancelled: the package is not complete (its image list may be an earlier one). Export again to finish it."
                        .into(),
                ),
                Err(e) => failed(format!("The package could not be made: {e}")),
            }
        }
    }
}

/// Opens a file or folder with the desktop's default program (a browser for
/// a web page). Errors are words for the status bar.
pub fn open_with_system(path: &Path) -> Result<(), String> {
    #[cfg(target_os = "macos")]
    let mut command = std::process::Command::new("open");
    #[cfg(target_os = "windows")]
    let mut command = std::process::Command::new("explorer");
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    let mut command = std::process::Command::new("xdg-open");
    let mut child = command
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("could not open {}: {e}", path.display()))?;
    // Reaped when it ends (xdg-open hands over to the browser and exits).
    let _ = std::thread::Builder::new()
        .name("folio-open".into())
        .spawn(move || child.wait());
    Ok(())
}
