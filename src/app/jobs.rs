//! Long work off the UI thread: imports, the sample portfolio and native file
//! dialogs. Each runs on a named thread with its own library connection,
//! reports progress through shared state, asks for a repaint, and can be
//! cancelled. A panic in the thread ends that job with a message; the app
//! goes on.
//!
//! The UI thread never reads the database for a job: an import sends the rows
//! it appended (read on its own connection), and when it ends it reads the
//! snapshot the app's current view needs ([`Snapshot`]), which the app takes
//! unless something changed meanwhile.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex, PoisonError};

use eframe::egui;

use super::data::{Data, Place};
use crate::core::media::import::{Event, Outcome, Summary};
use crate::core::model::images::{self, Image};
use crate::core::{GroupId, ImageId, Library, pool, sample};

/// What the app shows, for the snapshot a job reads when it ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewKey {
    /// The app counts every change it makes and every snapshot it reads; a
    /// snapshot read for an older count is not used.
    pub generation: u64,
    pub place: Place,
    pub inspected: Option<ImageId>,
}

/// The library as the view in `key` needs it, read after the job's last write.
pub struct Snapshot {
    pub key: ViewKey,
    /// The place as [`Data::load`] adjusted it (a deleted one dropped).
    pub place: Place,
    pub data: Data,
}

impl Snapshot {
    /// Reads what the view in `key` shows.
    fn read(lib: &Library, key: ViewKey) -> crate::core::Result<Snapshot> {
        let mut place = key.place;
        let data = Data::load(lib, &mut place, key.inspected)?;
        Ok(Snapshot { key, place, data })
    }
}

/// A large group's rows read on a thread of their own (opening a group of
/// 100,000 images reads for tens of milliseconds: not on the UI thread).
pub struct Loader {
    rx: Receiver<Result<Snapshot, String>>,
}

impl Loader {
    /// Starts reading what the view in `key` shows, on a second connection.
    pub fn start(lib: &Library, key: ViewKey, ctx: &egui::Context) -> Result<Loader, String> {
        let reader = lib.connect_again().map_err(|e| e.to_string())?;
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name("folio-load".into())
            .spawn(move || {
                let read = Snapshot::read(&reader, key).map_err(|e| e.to_string());
                // The app may have moved on and dropped the loader: fine.
                let _ = tx.send(read);
                ctx.request_repaint();
            })
            .map_err(|e| format!("no thread could be started to read the group: {e}"))?;
        Ok(Loader { rx })
    }

    /// The snapshot once read; an error also when the thread died.
    pub fn poll(&self) -> Option<Result<Snapshot, String>> {
        match self.rx.try_recv() {
            Ok(read) => Some(read),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Err("reading the group stopped unexpectedly".into()))
            }
        }
    }

    /// Waits for the snapshot (tests).
    pub fn wait(&self) -> Result<Snapshot, String> {
        self.rx
            .recv()
            .unwrap_or_else(|_| Err("reading the group stopped unexpectedly".into()))
    }
}

/// A job's end: the report, and the snapshot read after it.
pub struct Finished {
    pub report: Report,
    pub snapshot: Option<Snapshot>,
}

/// Rows an import appended to its group, with their order keys.
pub type Rows = Vec<(i64, Image)>;

/// How often an import sends the rows it appended.
const ROWS_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

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
    /// What happened instead of an import (the sample was there already).
    pub note: Option<String>,
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
        if let Some(e) = self.error.as_ref().or(self.note.as_ref()) {
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
    result: Receiver<Finished>,
    rows: Receiver<Rows>,
    view: Arc<Mutex<ViewKey>>,
}

impl Job {
    /// Starts `work` on a new thread, with `lib` (a second connection of this
    /// process: see [`Library::connect_again`]).
    pub fn start(
        lib: Library,
        work: Work,
        write: std::sync::Arc<crate::core::storage::atomic::WriteFn>,
        view: ViewKey,
        ctx: &egui::Context,
    ) -> Result<Job, String> {
        let progress = Arc::new(Mutex::new(Progress::default()));
        let cancel = Arc::new(AtomicBool::new(false));
        let view = Arc::new(Mutex::new(view));
        let (tx, result) = channel();
        let (rows_tx, rows) = channel();
        let job = Job {
            work: work.clone(),
            progress: Arc::clone(&progress),
            cancel: Arc::clone(&cancel),
            result,
            rows,
            view: Arc::clone(&view),
        };
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name("folio-import-job".into())
            .spawn(move || {
                pool::run_in_background();
                let title = match &work {
                    Work::Import { group_name, .. } => {
                        format!("Import into \u{201c}{group_name}\u{201d}")
                    }
                    Work::Sample => "Sample portfolio".to_string(),
                };
                let outcome = crate::core::panics::catch_unwind(|| {
                    run(
                        lib, &work, &*write, &progress, &cancel, &rows_tx, &view, &ctx,
                    )
                });
                let (report, snapshot) = match outcome {
                    Ok(Ok((summary, note, snapshot))) => {
                        let mut report = Report::from_summary(title, &summary);
                        report.note = note;
                        (report, snapshot)
                    }
                    Ok(Err(e)) => (
                        Report {
                            title,
                            error: Some(e),
                            ..Report::default()
                        },
                        None,
                    ),
                    Err(panic) => (
                        Report {
                            title,
                            error: Some(format!(
                                "stopped unexpectedly ({}); files already imported are kept",
                                pool::panic_message(&*panic)
                            )),
                            ..Report::default()
                        },
                        None,
                    ),
                };
                // The app may have closed; then no one needs the report.
                let _ = tx.send(Finished { report, snapshot });
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

    /// Tells the job what the app shows now (call every frame).
    pub fn set_view(&self, key: ViewKey) {
        *self.view.lock().unwrap_or_else(PoisonError::into_inner) = key;
    }

    /// The rows appended since the last call, in order.
    pub fn new_rows(&self) -> Rows {
        self.rows.try_iter().flatten().collect()
    }

    /// The report, once the job has finished.
    pub fn finished(&self) -> Option<Finished> {
        match self.result.try_recv() {
            Ok(finished) => Some(finished),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Self::vanished()),
        }
    }

    fn vanished() -> Finished {
        Finished {
            report: Report {
                title: "Import".into(),
                error: Some("the import stopped unexpectedly".into()),
                ..Report::default()
            },
            snapshot: None,
        }
    }

    /// Blocks until the job ends (tests; the app never waits).
    pub fn wait(&self) -> Finished {
        self.result.recv().unwrap_or_else(|_| Self::vanished())
    }
}

#[allow(clippy::too_many_arguments)] // the job's channels, each used once
fn run(
    mut lib: Library,
    work: &Work,
    write: &crate::core::storage::atomic::WriteFn,
    progress: &Mutex<Progress>,
    cancel: &AtomicBool,
    rows: &std::sync::mpsc::Sender<Rows>,
    view: &Mutex<ViewKey>,
    ctx: &egui::Context,
) -> Result<(Summary, Option<String>, Option<Snapshot>), String> {
    let set = |f: &mut dyn FnMut(&mut Progress)| {
        f(&mut progress.lock().unwrap_or_else(PoisonError::into_inner));
        ctx.request_repaint();
    };
    let summary = match work {
        Work::Import { paths, group, .. } => {
            // The appended rows are read on a second connection of this
            // thread, so the app can show them without a query of its own.
            let mut appended = Appended::new(&lib, *group);
            crate::core::media::import::import_paths_with(
                &mut lib,
                paths,
                *group,
                |event| match event {
                    Event::Started { done, total, path } => set(&mut |p| {
                        p.done = done;
                        p.total = total;
                        p.current = Some(path.to_path_buf());
                    }),
                    Event::Finished { done, total, .. } => {
                        appended.send_if_due(rows, done == total);
                        set(&mut |p| {
                            p.done = done;
                            p.total = total;
                        })
                    }
                },
                cancel,
                write,
            )
        }
        Work::Sample => {
            let made = sample::create_portfolio(
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
            .map_err(|e| e.to_string())?;
            match made {
                sample::Made::Added(summary) => summary,
                sample::Made::AlreadyThere(found) => {
                    return Ok((
                        Summary::default(),
                        Some(format!(
                            "it is already in this library (\u{201c}{found}\u{201d}), so nothing was added"
                        )),
                        None,
                    ));
                }
            }
        }
    };
    // What the app's view needs now, read here rather than on the UI thread
    // (a 100,000-image group takes tens of milliseconds).
    let key = *view.lock().unwrap_or_else(PoisonError::into_inner);
    let snapshot = match Snapshot::read(&lib, key) {
        Ok(s) => Some(s),
        Err(e) => {
            log::warn!("could not read the library after the import: {e}");
            None
        }
    };
    Ok((summary, None, snapshot))
}

/// The rows an import appends to its group, read on a connection of the job's
/// own and sent to the app in batches.
struct Appended {
    reader: Option<Library>,
    group: GroupId,
    last_key: Option<i64>,
    sent: std::time::Instant,
}

impl Appended {
    fn new(lib: &Library, group: GroupId) -> Self {
        let reader = lib
            .connect_again()
            .map_err(|e| log::warn!("imported images will show when the import ends: {e}"))
            .ok();
        let last_key = reader
            .as_ref()
            .and_then(|r| images::last_key(r.conn(), group).ok().flatten());
        Appended {
            reader,
            group,
            last_key,
            sent: std::time::Instant::now(),
        }
    }

    /// Sends what was appended since the last batch, at most every
    /// [`ROWS_EVERY`] unless `now`.
    fn send_if_due(&mut self, rows: &std::sync::mpsc::Sender<Rows>, now: bool) {
        let Some(reader) = &self.reader else { return };
        if !now && self.sent.elapsed() < ROWS_EVERY {
            return;
        }
        self.sent = std::time::Instant::now();
        match images::group_images_after(reader.conn(), self.group, self.last_key) {
            Ok(new) if !new.is_empty() => {
                self.last_key = new.iter().map(|(k, _)| *k).max().or(self.last_key);
                // The app may have closed.
                let _ = rows.send(new);
            }
            Ok(_) => {}
            Err(e) => log::warn!("could not read the imported rows: {e}"),
        }
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
                            &[
                                "jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "avif", "heic",
                                "heif", "psd", "psb",
                            ],
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
