//! WAL checkpoints on a thread of their own, so that the app's writes (a
//! drag-reorder between frames) never pay for copying the log back into the
//! database inside their commit.

use std::sync::Arc;

use rusqlite::Connection;

/// A thread that checkpoints the WAL in the background; stops when dropped.
pub struct Checkpointer {
    stop: Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(1);

    /// Starts checkpointing `conn`'s database every second.
    pub fn start(conn: Connection) -> std::io::Result<Self> {
        let stop = Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("folio-checkpt".into())
            .spawn(move || {
                crate::core::pool::run_in_background();
                let (lock, wake) = &*flag;
                let mut stopped = lock
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                while !*stopped {
                    stopped = wake
                        .wait_timeout(stopped, Self::EVERY)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0;
                    if *stopped {
                        break;
                    }
                    drop(stopped);
                    // Passive: never waits for readers or writers.
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        log::debug!("background checkpoint: {e}");
                    }
                    stopped = lock
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            })?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        *lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
