//! Panics that Folio catches (a decoder tripping an assertion on a strange
//! file, a worker's bug) stay quiet: their message becomes that file's or
//! that task's reason, and nothing reaches stderr or the log as a crash.
//!
//! [`catch_unwind`] is `std::panic::catch_unwind` that also tells the panic
//! hook ([`install`]) that a panic on this thread will be caught, so the hook
//! keeps its text to itself (a `debug` log line) instead of printing it with
//! the "thread panicked" banner. A panic outside any catch still reaches the
//! hook that was there before (Rust's own, or the test harness's).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;

thread_local! {
    /// How many [`catch_unwind`]s are running on this thread.
    static CATCHING: Cell<u32> = const { Cell::new(0) };
    /// Whether every panic on this thread is handed on to a catching
    /// thread ([`quiet_thread`]).
    static HANDED_ON: Cell<bool> = const { Cell::new(false) };
}

/// Marks the calling thread as one whose panics are always handed on to a
/// thread that catches them (a rayon pool's worker, whose panic rayon
/// resumes in the [`catch_unwind`] that called `install`): the hook keeps
/// them quiet too.
pub fn quiet_thread() {
    install();
    HANDED_ON.with(|q| q.set(true));
}

/// Installs the hook (once per process; every [`catch_unwind`] makes sure).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            if CATCHING.with(Cell::get) > 0 || HANDED_ON.with(Cell::get) {
                log::debug!("caught: {}", describe(info));
            } else {
                previous(info);
            }
        }));
    });
}

/// What the panic said and where, in one line.
fn describe(info: &PanicHookInfo<'_>) -> String {
    let what = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    match info.location() {
        Some(at) => format!("{what} ({}:{})", at.file(), at.line()),
        None => what,
    }
}

/// Runs `f`, catching a panic in it quietly: the result is what
/// `std::panic::catch_unwind` gives (the payload, for
/// [`super::pool::panic_message`]).
pub fn catch_unwind<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    install();
    CATCHING.with(|c| c.set(c.get() + 1));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get().saturating_sub(1)));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_gives_its_message_and_an_uncaught_one_reaches_the_old_hook() {
        let caught = catch_unwind(|| -> u8 { panic!("tile 3 of plane 2 is missing") });
        let message = crate::core::pool::panic_message(&*caught.unwrap_err());
        assert_eq!(message, "tile 3 of plane 2 is missing");
        assert_eq!(CATCHING.with(Cell::get), 0, "the count is back to zero");
        // Nested catches count down to the outer one.
        let inner = catch_unwind(|| catch_unwind(|| -> u8 { panic!("inner") }).is_err());
        assert_eq!(inner.ok(), Some(true));
        assert_eq!(CATCHING.with(Cell::get), 0);
    }
}
