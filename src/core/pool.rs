//! An ordered parallel map on named worker threads: the import decodes files
//! on every core while the thread that owns the database stores the results
//! one by one, in the order the files were given.
//!
//! At most `window` results are in flight at once (being made, or made and
//! waiting for their turn), so memory stays bounded however slow one item is.
//! A panic in `work` is caught on the worker and handed to the sink as that
//! item's `Err`; the other items go on.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, PoisonError};

/// What a panic in a worker said, in words.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Lowers the calling thread's scheduling priority to the least (Linux: nice
/// 19 for this thread alone), for work that runs beside the UI: thumbnail
/// workers, imports. With two cores and three busy workers the UI thread
/// would otherwise wait out their time slices in the middle of a frame. Best
/// effort: where the system refuses, the thread keeps its priority.
pub fn run_in_background() {
    use thread_priority::{ThreadPriority, set_current_thread_priority};
    if let Err(e) = set_current_thread_priority(ThreadPriority::Min) {
        log::debug!("could not lower a worker thread's priority: {e:?}");
    }
}

/// How many workers to use: one per core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `work` on each item on `workers` threads named `{name}-{i}` and hands
/// each result to `sink` on the calling thread, in item order. `sink` returning
/// `Break` stops the map: items not yet started are never started.
pub fn map_ordered<T: Sync, R: Send>(
    name: &str,
    items: &[T],
    workers: usize,
    work: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(usize, &T, std::thread::Result<R>) -> ControlFlow<()>,
) {
    let workers = workers.clamp(1, items.len().max(1));
    let window = workers * 2;
    let state = Mutex::new(State {
        next: 0,
        sunk: 0,
        stopped: false,
    });
    let turn = Condvar::new();
    let (tx, rx) = mpsc::channel::<(usize, std::thread::Result<R>)>();
    std::thread::scope(|scope| {
        // However this scope ends, even by a panic in `sink`, waiting workers
        // are released, so the scope can join them.
        let _release = Release {
            state: &state,
            turn: &turn,
        };
        let mut started = 0;
        for w in 0..workers {
            let tx = tx.clone();
            let (state, turn, work) = (&state, &turn, &work);
            let spawned = std::thread::Builder::new()
                .name(format!("{name}-{w}"))
                .spawn_scoped(scope, move || {
                    run_in_background();
                    while let Some(index) = claim(state, turn, items.len(), window) {
                        let item = &items[index];
                        let result = crate::core::panics::catch_unwind(|| work(item));
                        if tx.send((index, result)).is_err() {
                            return;
                        }
                    }
                });
            match spawned {
                Ok(_) => started += 1,
                Err(e) => log::error!("could not start worker thread {name}-{w}: {e}"),
            }
        }
        drop(tx);
        if started == 0 {
            // No thread could be started: do the work here, in order.
            for (index, item) in items.iter().enumerate() {
                let result = crate::core::panics::catch_unwind(|| work(item));
                if sink(index, item, result).is_break() {
                    break;
                }
            }
            return;
        }
        let mut waiting: BTreeMap<usize, std::thread::Result<R>> = BTreeMap::new();
        let mut next = 0;
        for (index, result) in rx.iter() {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&next) {
                let flow = sink(next, &items[next], result);
                next += 1;
                lock(&state).sunk = next;
                turn.notify_all();
                if flow.is_break() {
                    return;
                }
            }
        }
        // Workers still running finish their item; its result is dropped.
    });
}

struct State {
    /// The next index to hand to a worker.
    next: usize,
    /// How many results the sink has taken.
    sunk: usize,
    /// No more items are to be started.
    stopped: bool,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The next index for a worker, once it is within `window` of the sink; `None`
/// when all are handed out or the map stopped.
fn claim(state: &Mutex<State>, turn: &Condvar, len: usize, window: usize) -> Option<usize> {
    let mut s = lock(state);
    while !s.stopped && s.next < len && s.next >= s.sunk + window {
        s = turn.wait(s).unwrap_or_else(PoisonError::into_inner);
    }
    if s.stopped || s.next >= len {
        return None;
    }
    s.next += 1;
    Some(s.next - 1)
}

/// Stops the map and wakes every waiting worker when dropped.
struct Release<'a> {
    state: &'a Mutex<State>,
    turn: &'a Condvar,
}

impl Drop for Release<'_> {
    fn drop(&mut self) {
        lock(self.state).stopped = true;
        self.turn.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn background_work_runs_at_the_lowest_priority_and_only_that_thread() {
        fn nice() -> String {
            let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
            // After the command name: the state is field 3, the nice value field 19.
            let rest = &stat[stat.rfind(')').unwrap() + 2..];
            rest.split_whitespace().nth(16).unwrap().to_string()
        }
        let before = nice();
        let worker = std::thread::spawn(|| {
            run_in_background();
            nice()
        })
        .join()
        .unwrap();
        assert_eq!(worker, "19");
        assert_eq!(nice(), before, "the calling thread keeps its priority");
    }
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn results_arrive_in_order_on_the_calling_thread() {
        let items: Vec<u64> = (0..200).collect();
        let mut seen = Vec::new();
        let caller = std::thread::current().id();
        map_ordered(
            "test",
            &items,
            4,
            |&i| {
                // Uneven work so results finish out of order.
                std::thread::sleep(std::time::Duration::from_micros((i * 37) % 300));
                (i * i, std::thread::current().name().map(str::to_string))
            },
            |i, &item, r| {
                assert_eq!(std::thread::current().id(), caller);
                let (sq, name) = r.unwrap();
                assert_eq!(sq, item * item);
                assert!(name.unwrap().starts_with("test-"));
                seen.push(i);
                ControlFlow::Continue(())
            },
        );
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_item_is_reported_and_the_rest_go_on() {
        let items: Vec<u32> = (0..20).collect();
        let mut errors = Vec::new();
        let mut ok = 0;
        map_ordered(
            "test",
            &items,
            2,
            |&i| {
                if i == 7 {
                    panic!("item seven is cursed");
                }
                i
            },
            |i, _, r| {
                match r {
                    Ok(_) => ok += 1,
                    Err(p) => errors.push((i, panic_message(&*p))),
                }
                ControlFlow::Continue(())
            },
        );
        assert_eq!(ok, 19);
        assert_eq!(errors, [(7, "item seven is cursed".to_string())]);
    }

    #[test]
    fn break_stops_starting_new_items_and_the_window_bounds_work_ahead() {
        let items: Vec<u32> = (0..1000).collect();
        let started = AtomicUsize::new(0);
        let mut sunk = 0;
        map_ordered(
            "test",
            &items,
            2,
            |_| started.fetch_add(1, Ordering::SeqCst),
            |i, _, _| {
                sunk += 1;
                if i == 9 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert_eq!(sunk, 10);
        // At most `window` (4) items beyond the last one sunk were started.
        assert!(
            started.load(Ordering::SeqCst) <= 10 + 4,
            "{}",
            started.load(Ordering::SeqCst)
        );
    }

    #[test]
    fn a_panic_in_the_sink_does_not_hang_the_workers() {
        let items: Vec<u32> = (0..100).collect();
        let result = crate::core::panics::catch_unwind(|| {
            map_ordered(
                "test",
                &items,
                2,
                |&i| i,
                |i, _, _| {
                    if i == 3 {
                        panic!("sink failed");
                    }
                    ControlFlow::Continue(())
                },
            )
        });
        assert!(
            result.is_err(),
            "the panic reaches the caller instead of hanging"
        );
    }

    #[test]
    fn no_items_is_fine() {
        map_ordered(
            "test",
            &[] as &[u8],
            4,
            |_| (),
            |_, _, _| ControlFlow::Continue(()),
        );
    }
}
