//! Find (Ctrl+F): what the artist types and the filters they set
//! ([`FindState`]), and the `folio-find` thread that answers ([`Finder`]).
//!
//! The thread keeps the library as a [`Catalogue`] on its own connection,
//! read again only when the app has changed something since; each query
//! comes back as the rows and position index the grid shows, so the frame
//! that shows them only swaps them in. Typing sends a query per keystroke;
//! the thread answers only the newest one waiting, so typing never queues
//! up work and never waits for it.

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use eframe::egui;

use super::data::{Index, Row};
use crate::core::Library;
use crate::core::model::search::{Catalogue, Query};

/// What Find looks for, as the artist set it.
#[derive(Clone, Debug, Default)]
pub struct FindState {
    pub query: Query,
    /// The query last sent, and its number.
    pub sent: Option<(u64, Query)>,
    /// The answer last shown: its number, and how many it found.
    pub shown: Option<(u64, usize)>,
    /// Ctrl+F was pressed: the field takes the keyboard next frame.
    pub focus: bool,
    /// Why the last search failed, shown in Find's view.
    pub error: Option<String>,
}

/// One answer.
pub struct Found {
    /// The number of the query it answers.
    pub seq: u64,
    /// The app's count of changes the catalogue was read at.
    pub edits: u64,
    pub rows: Vec<Row>,
    pub index: Index,
}

struct Request {
    seq: u64,
    /// The app's count of changes when it was sent: a catalogue read for
    /// an older count is read again first.
    edits: u64,
    query: Query,
}

/// The `folio-find` thread.
pub struct Finder {
    tx: Sender<Request>,
    rx: Receiver<Result<Found, String>>,
}

impl Finder {
    /// Starts the thread on a second connection to `lib`.
    pub fn start(lib: &Library, ctx: &egui::Context) -> Result<Finder, String> {
        let reader = lib.connect_again().map_err(|e| e.to_string())?;
        let (tx, requests) = channel::<Request>();
        let (answers, rx) = channel();
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name("folio-find".into())
            .spawn(move || {
                // Like every background thread: the UI thread comes first.
                crate::core::pool::run_in_background();
                serve(&reader, &requests, &answers, &ctx);
            })
            .map_err(|e| format!("no thread could be started to search: {e}"))?;
        Ok(Finder { tx, rx })
    }

    /// Asks for `query`'s images; false if the thread has stopped.
    pub fn send(&self, seq: u64, edits: u64, query: Query) -> bool {
        self.tx.send(Request { seq, edits, query }).is_ok()
    }

    /// An answer, if one came; an error also when the thread stopped.
    pub fn poll(&self) -> Option<Result<Found, String>> {
        match self.rx.try_recv() {
            Ok(found) => Some(found),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the search stopped unexpectedly".into())),
        }
    }

    /// Waits (a minute at most) for the answer to query `seq` (tests and
    /// the benchmark).
    pub fn wait(&self, seq: u64) -> Result<Found, String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(Ok(found)) if found.seq < seq => {}
                Ok(answer) => return answer,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    return Err(format!("no answer to query {seq} within a minute"));
                }
                Err(_) => return Err("the search stopped unexpectedly".into()),
            }
        }
    }
}

/// The thread: answers the newest request waiting, reading the catalogue
/// again when the app changed something since it was read. A panic while
/// reading or searching is that answer's error; the thread goes on.
fn serve(
    reader: &Library,
    requests: &Receiver<Request>,
    answers: &Sender<Result<Found, String>>,
    ctx: &egui::Context,
) {
    let mut catalogue: Option<(u64, Catalogue)> = None;
    while let Ok(mut request) = requests.recv() {
        // Typing sends a query per key: only the newest one is answered.
        while let Ok(newer) = requests.try_recv() {
            request = newer;
        }
        let answer = crate::core::panics::catch_unwind(|| {
            if catalogue
                .as_ref()
                .is_none_or(|(edits, _)| *edits != request.edits)
            {
                catalogue = None;
                let read = Catalogue::read(reader.conn())
                    .map_err(|e| format!("Could not read the library to search it: {e}"))?;
                catalogue = Some((request.edits, read));
            }
            let Some((_, cat)) = &catalogue else {
                return Err("the library could not be read".to_string());
            };
            let rows: Vec<Row> = cat.find(&request.query);
            let mut index = Index::with_capacity_and_hasher(rows.len(), Default::default());
            for (i, r) in rows.iter().enumerate() {
                index.insert(r.id, i);
            }
            Ok(Found {
                seq: request.seq,
                edits: request.edits,
                rows,
                index,
            })
        })
        .unwrap_or_else(|_| {
            catalogue = None;
            Err("the search failed unexpectedly".to_string())
        });
        if answers.send(answer).is_err() {
            return;
        }
        ctx.request_repaint();
    }
}
