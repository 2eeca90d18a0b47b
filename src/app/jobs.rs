//! Long work off the UI thread: imports, the sample portfolio and native file
//! dialogs. Each runs on a named thread with its own library connection,
//! reports progress through shared state, asks for a repaint, and can be
//! cancelled. A panic in the thread ends that job with a message; the app
//! goes on.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex, PoisonError};

use eframe::egui;

use crate::core::import::{Event, Outcome, Summary};
use crate::core::{GroupId, Library, pool, sample};

/// What a job does.
#[derive(Clone, Debug)]
pub enum Work {
    /// Import files and folders into a group.
    Import {
        paths: Vec<PathBuf>,
        group: GroupId,
        group_name: String,
    },
    /// Build the sample portfolio.
    Sample,
}

/// How far a job has got.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// The file being worked on.
    pub current: Option<PathBuf>,
}

/// One file the summary lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub path: PathBuf,
    /// Why it failed (for failures).
    pub reason: String,
}

/// What an import did, as the summary dialog shows it.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// "Import into “Sketches”" or "Sample portfolio".
    pub title: String,
    pub imported: usize,
    pub already: Vec<Line>,
    pub failed: Vec<Line>,
    pub cancelled: bool,
    /// The job itself could not run (library not opened, thread died).
    pub error: Option<String>,
}

impl Report {
    fn from_summary(title: String, summary: &Summary) -> Self {
        let mut report = Report {
            title,
            cancelled: summary.cancelled,
            ..Report::default()
        };
        for file in &summary.files {
            match &file.outcome {
                Outcome::Imported { .. } => report.imported += 1,
                Outcome::AlreadyInLibrary { added_to_group, .. } => report.already.push(Line {
                    path: file.path.clone(),
                    reason: if *added_to_group {
                        "added to the group".into()
                    } else {
                        "already in the group".into()
                    },
                }),
                Outcome::Failed(e) => report.failed.push(Line {
                    path: file.path.clone(),
                    reason: e.to_string(),
                }),
            }
        }
        report
    }

    /// Whether the artist needs to read it (anything besides plain success).
    pub fn needs_attention(&self) -> bool {
        !self.failed.is_empty() || !self.already.is_empty() || self.error.is_some()
    }

    /// One line for the status bar: the title and the counts.
    pub fn headline(&self) -> String {
        format!("{}: {}", self.title, self.counts())
    }

    /// What happened, in numbers ("3 images imported, 1 could not be imported").
    pub fn counts(&self) -> String {
        if let Some(e) = &self.error {
            return e.clone();
        }
        let mut parts = vec![format!(
            "{} imported",
            crate::count(self.imported as u64, "image", "images")
        )];
        if !self.already.is_empty() {
            parts.push(format!("{} already in the library", self.already.len()));
        }
        if !self.failed.is_empty() {
            parts.push(format!("{} could not be imported", self.failed.len()));
        }
        if self.cancelled {
            parts.push("cancelled".into());
        }
        parts.join(", ")
    }
}

/// A running job.
pub struct Job {
    pub work: Work,
    progress: Arc<Mutex<Progress>>,
    cancel: Arc<AtomicBool>,
    result: Receiver<Report>,
}

impl Job {
    /// Starts `work` on a new thread, with `lib` (a second connection of this
    /// process: see [`Library::connect_again`]).
    pub fn start(
        lib: Library,
        work: Work,
        write: std::sync::Arc<crate::core::import::WriteFn>,
        ctx: &egui::Context,
    ) -> Result<Job, String> {
        let progress = Arc::new(Mutex::new(Progress::default()));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, result) = channel();
        let job = Job {
            work: work.clone(),
            progress: Arc::clone(&progress),
            cancel: Arc::clone(&cancel),
            result,
        };
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name("folio-import-job".into())
            .spawn(move || {
                let title = match &work {
                    Work::Import { group_name, .. } => {
                        format!("Import into \u{201c}{group_name}\u{201d}")
                    }
                    Work::Sample => "Sample portfolio".to_string(),
                };
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run(lib, &work, &*write, &progress, &cancel, &ctx)
                }));
                let report = match outcome {
                    Ok(Ok(summary)) => Report::from_summary(title, &summary),
                    Ok(Err(e)) => Report {
                        title,
                        error: Some(e),
                        ..Report::default()
                    },
                    Err(panic) => Report {
                        title,
                        error: Some(format!(
                            "stopped unexpectedly ({}); files already imported are kept",
                            pool::panic_message(&*panic)
                        )),
                        ..Report::default()
                    },
                };
                // The app may have closed; then no one needs the report.
                let _ = tx.send(report);
                ctx.request_repaint();
            })
            .map_err(|e| format!("could not start the import: {e}"))?;
        Ok(job)
    }

    /// The progress so far.
    pub fn progress(&self) -> Progress {
        self.progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Asks the job to stop after the file it is on.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether cancel was asked for.
    pub fn is_cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The report, once the job has finished.
    pub fn finished(&self) -> Option<Report> {
        match self.result.try_recv() {
            Ok(report) => Some(report),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Report {
                title: "Import".into(),
                error: Some("the import stopped unexpectedly".into()),
                ..Report::default()
            }),
        }
    }

    /// Blocks until the job ends (tests; the app never waits).
    pub fn wait(&self) -> Report {
        self.result.recv().unwrap_or_else(|_| Report {
            title: "Import".into(),
            error: Some("the import stopped unexpectedly".into()),
            ..Report::default()
        })
    }
}

fn run(
    mut lib: Library,
    work: &Work,
    write: &crate::core::import::WriteFn,
    progress: &Mutex<Progress>,
    cancel: &AtomicBool,
    ctx: &egui::Context,
) -> Result<Summary, String> {
    let set = |f: &mut dyn FnMut(&mut Progress)| {
        f(&mut progress.lock().unwrap_or_else(PoisonError::into_inner));
        ctx.request_repaint();
    };
    match work {
        Work::Import { paths, group, .. } => Ok(crate::core::import::import_paths_with(
            &mut lib,
            paths,
            *group,
            |event| match event {
                Event::Started { done, total, path } => set(&mut |p| {
                    p.done = done;
                    p.total = total;
                    p.current = Some(path.to_path_buf());
                }),
                Event::Finished { done, total, .. } => set(&mut |p| {
                    p.done = done;
                    p.total = total;
                }),
            },
            cancel,
            write,
        )),
        Work::Sample => sample::create_portfolio(
            &mut lib,
            1200,
            |done, total| {
                set(&mut |p| {
                    p.done = done;
                    p.total = total;
                })
            },
            cancel,
        )
        .map_err(|e| e.to_string()),
    }
}

/// Which native dialog to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    Files,
    Folder,
}

/// A native file dialog open on its own thread.
pub struct Picker {
    pub group: GroupId,
    opened: std::time::Instant,
    result: Receiver<Option<Vec<PathBuf>>>,
}

impl Picker {
    /// Opens the dialog; the paths arrive through [`Picker::poll`].
    pub fn open(
        pick: Pick,
        group: GroupId,
        group_name: String,
        ctx: &egui::Context,
    ) -> Result<Picker, String> {
        let (tx, result) = channel();
        let ctx = ctx.clone();
        let title = format!("Import into \u{201c}{group_name}\u{201d}");
        std::thread::Builder::new()
            .name("folio-file-dialog".into())
            .spawn(move || {
                let dialog = rfd::FileDialog::new().set_title(&title);
                let picked = match pick {
                    Pick::Files => dialog
                        .add_filter(
                            "Images",
                            &["jpg", "jpeg", "png", "webp", "gif", "tif", "tiff"],
                        )
                        .add_filter("All files", &["*"])
                        .pick_files(),
                    Pick::Folder => dialog.pick_folder().map(|f| vec![f]),
                };
                let _ = tx.send(picked);
                ctx.request_repaint();
            })
            .map_err(|e| format!("could not open the file dialog: {e}"))?;
        Ok(Picker {
            group,
            opened: std::time::Instant::now(),
            result,
        })
    }

    /// `Some(paths)` once the dialog closed (empty: cancelled, or no dialog
    /// service is running).
    pub fn poll(&self) -> Option<Vec<PathBuf>> {
        match self.result.try_recv() {
            Ok(paths) => Some(paths.unwrap_or_default()),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Vec::new()),
        }
    }

    /// Whether the dialog came back too fast for a person to have cancelled
    /// it: then the desktop most likely has no file-dialog service (rfd
    /// reports that and a cancel alike).
    pub fn closed_at_once(&self) -> bool {
        self.opened.elapsed() < std::time::Duration::from_millis(400)
    }
}
