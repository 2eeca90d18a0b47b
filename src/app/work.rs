//! The app's side of background work: the running job and the queue behind
//! it, the open file dialog, and the reader of a very large group. What
//! they bring back is handed to the app as [`Arrived`] values; nothing here
//! touches the snapshot or the selection.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;

use super::find::{Finder, Found};
use super::jobs::{Finished, Job, Loader, Pick, Picker, Rows, Snapshot, ViewKey, Work};
use crate::core::model::search::Query;
use crate::core::storage::atomic::{WriteFn, writer_from_env};
use crate::core::{GroupId, Library};

/// Groups of more images than this are read in the background when opened
/// (the benchmark measures both sides of it).
pub const DEFER_ROWS_ABOVE: u64 = 20_000;

/// Something background work brought back this frame.
pub enum Arrived {
    /// Rows an import appended to `group`.
    Rows(GroupId, Rows),
    /// A job ended.
    Finished(Work, Finished),
    /// A large group was read.
    Loaded(Result<Snapshot, String>),
    /// Find answered.
    Found(Result<Found, String>),
    /// A file dialog closed with these paths for `group` (empty: cancelled;
    /// `at_once`: it could not open at all).
    Picked {
        paths: Vec<PathBuf>,
        group: GroupId,
        at_once: bool,
    },
}

/// Background work of the app.
/// Shows a file in the file manager (see [`crate::desktop::reveal`]).
pub type Revealer =
    dyn Fn(&std::path::Path) -> Result<crate::desktop::Revealed, String> + Send + Sync;

pub struct Background {
    ctx: egui::Context,
    job: Option<Job>,
    queue: VecDeque<Work>,
    picker: Option<Picker>,
    loader: Option<Loader>,
    /// Find's thread, started by the first query.
    finder: Option<Finder>,
    /// Groups larger than this are read in the background when opened.
    pub defer_rows_above: u64,
    /// Tests: a background read is shown only by `finish_loading`.
    pub hold_reads: bool,
    /// How imports write files (the real writer, or a failing one for tests).
    pub write: Arc<WriteFn>,
    /// How "Show in file manager" shows a file (tests: one that records it).
    pub reveal: Arc<Revealer>,
    /// Files done when the snapshot was last reloaded during the sample job.
    reloaded_at: usize,
}

impl Background {
    pub fn new(ctx: &egui::Context) -> Self {
        Background {
            ctx: ctx.clone(),
            job: None,
            queue: VecDeque::new(),
            picker: None,
            loader: None,
            finder: None,
            defer_rows_above: DEFER_ROWS_ABOVE,
            hold_reads: false,
            write: writer_from_env(),
            reveal: Arc::new(crate::desktop::reveal),
            reloaded_at: 0,
        }
    }

    /// The running job, for the status bar.
    pub fn job(&self) -> Option<&Job> {
        self.job.as_ref()
    }

    /// How many jobs wait behind the running one.
    pub fn waiting(&self) -> usize {
        self.queue.len()
    }

    /// Whether an import is running or waiting.
    pub fn is_busy(&self) -> bool {
        self.job.is_some() || !self.queue.is_empty()
    }

    /// Cancels the running job and everything queued.
    pub fn cancel(&mut self) {
        if let Some(job) = &self.job {
            job.cancel();
        }
        self.queue.clear();
    }

    /// Queues `work`; it starts at once if nothing runs. Returns whether it waits.
    pub fn enqueue(&mut self, work: Work, lib: &Library, view: ViewKey) -> Result<bool, String> {
        self.queue.push_back(work);
        if self.job.is_some() {
            return Ok(true);
        }
        self.start_next(lib, view).map(|()| false)
    }

    /// Starts the next queued job, if none runs.
    pub fn start_next(&mut self, lib: &Library, view: ViewKey) -> Result<(), String> {
        if self.job.is_some() {
            return Ok(());
        }
        let Some(work) = self.queue.pop_front() else {
            return Ok(());
        };
        self.reloaded_at = 0;
        let second = lib.connect_again().map_err(|e| e.to_string())?;
        let job = Job::start(second, work, Arc::clone(&self.write), view, &self.ctx)
            .map_err(|e| format!("Could not start the import: {e}"))?;
        self.job = Some(job);
        Ok(())
    }

    /// Opens a file dialog for `group`, unless one is open.
    pub fn pick(&mut self, pick: Pick, group: GroupId, group_name: String) -> Result<(), String> {
        if self.picker.is_none() {
            self.picker = Some(Picker::open(pick, group, group_name, &self.ctx)?);
        }
        Ok(())
    }

    /// Starts reading the group of the view in `key` in the background.
    pub fn load(&mut self, lib: &Library, key: ViewKey) -> Result<(), String> {
        self.loader = Some(Loader::start(lib, key, &self.ctx)?);
        Ok(())
    }

    /// Stops waiting for a background read (the view no longer needs it).
    pub fn forget_load(&mut self) {
        self.loader = None;
    }

    /// Sends a query to Find's thread (started if it is not running).
    pub fn find(
        &mut self,
        lib: &Library,
        seq: u64,
        edits: u64,
        query: Query,
    ) -> Result<(), String> {
        if let Some(f) = &self.finder
            && f.send(seq, edits, query.clone())
        {
            return Ok(());
        }
        let finder = Finder::start(lib, &self.ctx)?;
        finder.send(seq, edits, query);
        self.finder = Some(finder);
        Ok(())
    }

    /// Waits for Find's answer to query `seq` (tests and the benchmark).
    pub fn wait_found(&mut self, seq: u64) -> Option<Result<Found, String>> {
        self.finder.as_ref().map(|f| f.wait(seq))
    }

    /// What arrived since the last frame.
    pub fn poll(&mut self) -> Vec<Arrived> {
        let mut arrived = Vec::new();
        // Only the newest answer counts.
        let mut found = None;
        while let Some(answer) = self.finder.as_ref().and_then(Finder::poll) {
            let stopped = answer.is_err();
            found = Some(answer);
            if stopped {
                self.finder = None;
            }
        }
        if let Some(found) = found {
            arrived.push(Arrived::Found(found));
        }
        if !self.hold_reads
            && let Some(read) = self.loader.as_ref().and_then(Loader::poll)
        {
            self.loader = None;
            arrived.push(Arrived::Loaded(read));
        }
        if let Some(job) = &self.job {
            if let Work::Import { group, .. } = &job.work {
                let rows = job.new_rows();
                if !rows.is_empty() {
                    arrived.push(Arrived::Rows(*group, rows));
                }
            }
            if let Some(finished) = job.finished() {
                let work = job.work.clone();
                self.job = None;
                arrived.push(Arrived::Finished(work, finished));
            }
        }
        if let Some(picker) = &self.picker
            && let Some(paths) = picker.poll()
        {
            arrived.push(Arrived::Picked {
                paths,
                group: picker.group,
                at_once: picker.closed_at_once(),
            });
            self.picker = None;
        }
        arrived
    }

    /// Tells the running job what the app shows now (its closing snapshot is
    /// read for that view).
    pub fn set_view(&self, key: ViewKey) {
        if let Some(job) = &self.job {
            job.set_view(key);
        }
    }

    /// Whether the sample portfolio being made has added enough since the
    /// last reload to show it growing.
    pub fn sample_grew(&mut self) -> bool {
        let Some(job) = &self.job else { return false };
        let done = job.progress().done;
        if matches!(job.work, Work::Sample) && done >= self.reloaded_at + 8 {
            self.reloaded_at = done;
            return true;
        }
        false
    }

    /// Waits for the running job (tests; the app never waits).
    pub fn wait_job(&mut self) -> Option<(Work, Finished)> {
        let job = self.job.take()?;
        let finished = job.wait();
        Some((job.work.clone(), finished))
    }

    /// Waits for a background read (tests).
    pub fn wait_load(&mut self) -> Option<Result<Snapshot, String>> {
        self.loader.take().map(|l| l.wait())
    }
}
