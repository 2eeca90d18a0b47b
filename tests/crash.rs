//! Crash safety, tested by killing: the real `folio` binary is killed with
//! SIGKILL at random moments of an import and of a large batch of moves, and
//! after every kill the library must be whole. The default `cargo test` runs
//! 50 import kills and 25 move kills; `FOLIO_KILL_ROUNDS=N` runs N of each
//! kind (`FOLIO_KILL_SEED` picks the random moments, printed on failure).
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // ok: a test fails loudly on any error

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use folio::core::Format;
use folio::core::model::catalog;
use folio::core::model::images;
use folio::core::storage::layout::TEMP_PREFIX;
use folio::core::{GroupId, ImageId, Library, sample};

mod support;

use support::files_under;

/// `folio` on `root`, silent: it is killed at random moments.
fn folio(root: &Path) -> Command {
    let mut c = support::folio(Some(root));
    c.env("RUST_LOG", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn rounds(default: usize) -> usize {
    std::env::var("FOLIO_KILL_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Runs `cmd`, kills it with SIGKILL after `after`; returns whether it was
/// killed (false: it had already finished).
fn run_and_kill(mut cmd: Command, after: Duration) -> bool {
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    let killed = child.try_wait().unwrap().is_none();
    // Child::kill sends SIGKILL on Unix: no destructor, no flush, no cleanup.
    let _ = child.kill();
    child.wait().unwrap();
    killed
}

/// What must hold after any crash, once the library has been opened again
/// (`Library::open`) and, for orphans, after `folio check --repair`.
fn assert_whole(root: &Path, context: &str) {
    // The next open: nothing half-written survives it.
    {
        let lib = Library::open(root).unwrap_or_else(|e| panic!("{context}: reopen failed: {e}"));
        let temps: Vec<_> = files_under(lib.root())
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(TEMP_PREFIX))
            })
            .collect();
        assert!(
            temps.is_empty(),
            "{context}: temp files survived the next open: {temps:?}"
        );
        let conn = lib.conn();
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok", "{context}");
        let fk: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(fk, 0, "{context}: foreign key violations");
        // Every row has its file, with the right bytes.
        for img in images::all_images(conn).unwrap() {
            let path = lib.file_path(&img.filename).unwrap();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| {
                panic!(
                    "{context}: row {} lost its file {}: {e}",
                    img.id,
                    path.display()
                )
            });
            assert_eq!(
                blake3::hash(&bytes).to_hex().as_str(),
                img.content_hash,
                "{context}: {} has the wrong bytes",
                path.display()
            );
        }
    }
    // Files without a row are re-registered, never lost.
    let status = folio(root).args(["check", "--repair"]).status().unwrap();
    assert!(
        status.success(),
        "{context}: `folio check --repair` did not leave a clean library"
    );
    let lib = Library::open(root).unwrap();
    let rows: HashSet<PathBuf> = images::all_images(lib.conn())
        .unwrap()
        .iter()
        .map(|i| lib.file_path(&i.filename).unwrap())
        .collect();
    for file in files_under(&lib.originals_dir()) {
        assert!(
            rows.contains(&file),
            "{context}: {} has no row after repair",
            file.display()
        );
    }
}

#[test]
fn killing_an_import_at_random_moments_loses_nothing() {
    let n_rounds = rounds(50);
    let (mut rng, seed) = support::seeded("FOLIO_KILL_SEED");
    let source = tempfile::tempdir().unwrap();
    let n_files = 300;
    for i in 0..n_files {
        let format = if i % 3 == 0 {
            Format::Jpeg
        } else {
            Format::Png
        };
        std::fs::write(
            source
                .path()
                .join(format!("img-{i:03}.{}", format.extension())),
            sample::image_bytes(format, 24, 24, i as u64).unwrap(),
        )
        .unwrap();
    }
    let import = |root: &Path| {
        let mut c = folio(root);
        c.args(["import", "--group", "Batch"]).arg(source.path());
        c
    };
    // How long a whole import takes here: kills land anywhere inside it.
    let calibrate = tempfile::tempdir().unwrap();
    let started = Instant::now();
    assert!(import(calibrate.path()).status().unwrap().success());
    let full = started.elapsed().as_micros() as u64;

    let mut killed = 0;
    for round in 0..n_rounds {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // The calibration run may have shared the cores with the other test:
        // aim at the first three quarters of it.
        let after = Duration::from_micros(rng.below(full * 3 / 4));
        if run_and_kill(import(root), after) {
            killed += 1;
        }
        let context = format!("round {round} (seed {seed}, killed after {after:?})");
        if !root.join("folio.db").exists() {
            // Killed before the database existed: nothing to check but that
            // nothing half-made is left and a new start works.
            assert!(Library::open(root).is_ok(), "{context}");
        }
        assert_whole(root, &context);
        // Running the import again completes it.
        let status = import(root).status().unwrap();
        assert!(status.success(), "{context}: the re-run import failed");
        let lib = Library::open(root).unwrap();
        let group = catalog::group_by_name(lib.conn(), "Batch")
            .unwrap()
            .unwrap();
        let ids = images::group_image_ids(lib.conn(), group).unwrap();
        assert_eq!(
            ids.len(),
            n_files,
            "{context}: group incomplete after the re-run"
        );
        assert_eq!(
            images::count(lib.conn()).unwrap(),
            n_files as u64,
            "{context}: rows lost or doubled"
        );
    }
    eprintln!(
        "import: {n_rounds} rounds, {killed} killed mid-import, seed {seed}, whole import {full} µs"
    );
    assert!(
        killed * 2 >= n_rounds,
        "most rounds must really kill a running import ({killed} of {n_rounds})"
    );
}

/// A library with one group of `n` images (rows only: the move test is about
/// order, not files).
fn big_group(root: &Path, n: usize) -> (GroupId, Vec<ImageId>) {
    let mut lib = Library::open(root).unwrap();
    let store = lib.store();
    let made = lib
        .write(|tx| {
            let g = catalog::create_group(tx, "Big", None)?;
            let ids = sample::placeholder_images(tx, store, g, 0..n as u64)?;
            Ok((g, ids))
        })
        .unwrap();
    drop(lib);
    // The next open makes the day's backup (a new library gets none): here,
    // so that the timed runs are the sort alone, every one alike.
    drop(Library::open(root).unwrap());
    made
}

#[test]
fn killing_a_batch_of_moves_leaves_the_old_order_or_the_new_one() {
    let n_rounds = rounds(25);
    let (mut rng, seed) = support::seeded("FOLIO_KILL_SEED");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (group, original) = big_group(root, 4000);
    let mut reversed = original.clone();
    reversed.reverse();
    let sort = || {
        let mut c = folio(root);
        c.args(["sort", "--group", "Big", "--by", "reverse"]);
        c
    };
    // The whole run's time: the middle of three (a loaded machine makes
    // one run a poor measure), each flipping the order.
    let mut times: Vec<u64> = (0..3)
        .map(|_| {
            let started = Instant::now();
            assert!(sort().status().unwrap().success());
            started.elapsed().as_micros() as u64
        })
        .collect();
    times.sort_unstable();
    let full = times[1];

    let (mut killed, mut old, mut new) = (0, 0, 0);
    let mut current = reversed.clone();
    for round in 0..n_rounds {
        // Mostly inside the run; every fifth a little past its end, so some
        // rounds finish and flip it.
        let after = if round % 5 == 4 {
            Duration::from_micros(full + rng.below(full / 3 + 1))
        } else {
            Duration::from_micros(rng.below(full * 9 / 10 + 1))
        };
        if run_and_kill(sort(), after) {
            killed += 1;
        }
        let lib = Library::open(root).unwrap();
        let order = images::group_image_ids(lib.conn(), group).unwrap();
        let context = format!("round {round} (seed {seed}, killed after {after:?})");
        let integrity: String = lib
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok", "{context}");
        if order == current {
            old += 1;
        } else {
            let flipped: Vec<ImageId> = current.iter().rev().copied().collect();
            assert!(
                order == flipped,
                "{context}: the order is a mix of the old and the new"
            );
            new += 1;
            current = flipped;
        }
    }
    eprintln!(
        "moves: {n_rounds} rounds, {killed} killed mid-sort ({old} kept the old order, {new} the new), seed {seed}, whole sort {full} µs"
    );
    // A kill that lands after the end tests nothing: enough must land
    // inside (timing on a loaded machine varies, hence a third, not most).
    assert!(
        killed * 3 >= n_rounds,
        "at least a third of the rounds must really kill a running sort ({killed} of {n_rounds})"
    );
    assert_ne!(original, reversed);
}

/// A restore killed at each of its steps (`FOLIO_CRASH_AT` aborts the real
/// `folio restore` there, with nothing cleaned up, as a crash or a power cut
/// would stop it): the next open finds either the library as it was or the
/// restored one, never none and never an empty new one; once the swap was
/// noted, it is the restored one, and the replaced database is kept aside.
#[test]
fn a_restore_killed_at_any_step_leaves_the_old_or_the_restored_library() {
    use folio::core::storage::{backup, layout};
    let names = |lib: &Library| -> Vec<String> {
        catalog::list_groups(lib.conn())
            .unwrap()
            .into_iter()
            .map(|g| g.name)
            .collect()
    };
    let points = [
        ("restore-copied", false),
        ("restore-staged", false),
        ("restore-noted", true),
        ("restore-sidecars", true),
        ("restore-aside", true),
        ("restore-swapped", true),
    ];
    for (point, restored) in points {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut lib = Library::open(root).unwrap();
        lib.write(|tx| catalog::create_group(tx, "Before", None))
            .unwrap();
        let made = backup::create(lib.conn(), root, "manual").unwrap();
        lib.write(|tx| catalog::create_group(tx, "After", None))
            .unwrap();
        drop(lib);
        let status = folio(root)
            .env("FOLIO_CRASH_AT", point)
            .arg("restore")
            .arg(&made)
            .status()
            .unwrap();
        assert!(!status.success(), "{point}: the restore was stopped there");
        let lib = Library::open(root).unwrap_or_else(|e| panic!("{point}: {e}"));
        let want: &[&str] = if restored {
            &["Before"]
        } else {
            &["After", "Before"]
        };
        assert_eq!(names(&lib), want, "{point}");
        drop(lib);
        let kept: Vec<_> = support::files_under(root)
            .into_iter()
            .filter(|p| p.to_string_lossy().contains(".before-restore-"))
            .filter(|p| {
                !p.to_string_lossy().ends_with("-wal") && !p.to_string_lossy().ends_with("-shm")
            })
            .collect();
        if restored {
            assert_eq!(kept.len(), 1, "{point}: the replaced database is kept");
            let aside = folio::core::storage::db::open_existing(&kept[0], |_, _| Ok(())).unwrap();
            let n: i64 = aside
                .query_row("SELECT count(*) FROM image_groups", [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 2, "{point}: the kept database is the one replaced");
        } else {
            assert!(kept.is_empty(), "{point}: {kept:?}");
        }
        assert!(!layout::restore_note(root).exists(), "{point}");
        assert!(!layout::restore_staging(root).exists(), "{point}");
    }
}
