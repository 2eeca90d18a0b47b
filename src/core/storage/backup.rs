//! Backups of the database (`<root>/backups/folio-<UTC time>.db`), made with
//! SQLite's `VACUUM INTO` (a consistent copy, one plain file): before every
//! schema upgrade, at most once a day when a library is opened, and on request
//! (`folio backup`). Each new backup
//! is written under a temp name, checked with `PRAGMA integrity_check`, and
//! only then renamed in; only after that are the oldest beyond [`KEEP`]
//! removed, so a bad backup never pushes a good one out.
//!
//! Restoring (`folio restore`) never deletes the current database: it is moved
//! aside to `folio.db.before-restore-<time>` first.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags};

use super::atomic;
use super::db;
use super::layout::{self, TEMP_PREFIX};
use crate::core::error::{Error, IoContext, Result};

/// How many backups are kept.
pub const KEEP: usize = 7;
/// A backup on open is made when the newest is older than this.
pub const DAILY: Duration = Duration::from_secs(24 * 60 * 60);

/// The backups of the library at `root`, oldest first.
pub fn list(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = layout::backup_dir(root);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(layout::is_backup_name)
        })
        .collect();
    // The names hold the UTC time, so name order is time order.
    found.sort();
    Ok(found)
}

/// The most recent backup, if there is one.
pub fn latest(root: &Path) -> Option<PathBuf> {
    list(root).ok().and_then(|mut l| l.pop())
}

/// Makes a backup of `conn`'s database into `<root>/backups/`, checks it, and
/// then lets the oldest beyond [`KEEP`] go. `why` is part of the file name
/// ("daily", "manual", "before-v2").
pub fn create(conn: &Connection, root: &Path, why: &str) -> Result<PathBuf> {
    let dir = layout::backup_dir(root);
    std::fs::create_dir_all(&dir).at(&dir)?;
    let stamp: String =
        conn.query_row("SELECT strftime('%Y%m%dT%H%M%SZ', 'now')", [], |r| r.get(0))?;
    let mut n = 1;
    let mut name = layout::backup_name(&stamp, why, n);
    while dir.join(&name).exists() {
        n += 1;
        name = layout::backup_name(&stamp, why, n);
    }
    let target = dir.join(&name);
    let tmp = dir.join(format!("{TEMP_PREFIX}{name}"));
    let made = (|| {
        // VACUUM INTO writes a consistent, compact copy as one plain file
        // (rollback journal: no -wal/-shm beside it), without blocking writers.
        let target_text = tmp.to_str().ok_or_else(|| {
            Error::invalid(
                "backup folder",
                format!("{} is not valid UTF-8", dir.display()),
            )
        })?;
        conn.execute("VACUUM INTO ?1", [target_text])?;
        verify(&tmp)?;
        atomic::persist(&tmp, &target)
    })();
    if let Err(e) = made {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    rotate(root)?;
    Ok(target)
}

/// Makes a backup if the newest one is older than a day (or there is none).
/// Returns the new backup's path, if one was made.
pub fn daily(conn: &Connection, root: &Path) -> Result<Option<PathBuf>> {
    if let Some(newest) = latest(root) {
        let age = std::fs::metadata(&newest)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok());
        if age.is_some_and(|a| a < DAILY) {
            return Ok(None);
        }
    }
    create(conn, root, "daily").map(Some)
}

/// Checks that the file at `path` is a whole SQLite database (read-only).
pub fn verify(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let result: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(|e| Error::NotALibrary {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    if result != "ok" {
        return Err(Error::NotALibrary {
            path: path.to_path_buf(),
            reason: format!("the backup failed its integrity check: {result}"),
        });
    }
    Ok(())
}

/// Removes the oldest backups beyond [`KEEP`], each only if it is not the
/// newest whole one (the newest was checked when it was made).
fn rotate(root: &Path) -> Result<()> {
    let all = list(root)?;
    if all.len() <= KEEP {
        return Ok(());
    }
    for old in &all[..all.len() - KEEP] {
        if let Err(e) = std::fs::remove_file(old) {
            log::warn!("could not remove the old backup {}: {e}", old.display());
        }
    }
    Ok(())
}

/// Puts `backup` back as the library's database. The current database (with
/// its `-wal`/`-shm` files) is moved aside to `folio.db.before-restore-<time>`,
/// never deleted. The caller must hold the library's lock and have no
/// connection open. Returns where the old database was put.
///
/// Crash-safe at every step: the backup is copied, checked and synced under
/// a temp name (a crash there leaves the library as it was, and the copy is
/// cleared as a leftover); then a note (`folio.db.restoring`, written
/// atomically) records the swap about to happen, and the swap itself is
/// moves that [`finish_restore`] completes at the next open if a crash
/// interrupts them. So there is always either the old database or the
/// restored one at `folio.db`, or a note that makes it so.
pub fn restore(root: &Path, backup: &Path) -> Result<Option<PathBuf>> {
    // An earlier restore cut short is finished first: its noted swap (the
    // replaced database and its WAL) must not be overtaken by this one.
    finish_restore(root)?;
    verify(backup)?;
    // It must be a Folio database this program can open: checked on a copy, so
    // that stepping an older schema forward never touches the backup itself.
    let staging = layout::restore_staging(root);
    std::fs::copy(backup, &staging).at(&staging)?;
    crash_point("restore-copied");
    let checked = db::open_existing(&staging, |_, _| Ok(())).map(drop);
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&staging);
        return Err(e);
    }
    for ext in layout::SIDECARS {
        let _ = std::fs::remove_file(layout::sidecar(&staging, ext));
    }
    std::fs::File::open(&staging)
        .and_then(|f| f.sync_all())
        .at(&staging)?;
    crash_point("restore-staged");
    let current = layout::db_path(root);
    let kept = current
        .exists()
        .then(|| layout::before_restore(root, &stamp_now()));
    let note = layout::restore_note(root);
    let kept_name = kept
        .as_ref()
        .and_then(|k| k.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    atomic::write(&note, format!("{NOTE_HEADER}\n{kept_name}\n").as_bytes())?;
    crash_point("restore-noted");
    swap(root, kept.as_deref())?;
    Ok(kept)
}

/// The first line of a restore's note.
const NOTE_HEADER: &str = "folio-restore 1";

/// Finishes a restore that a crash interrupted (its note is there): the
/// staged copy, already checked and synced, becomes `folio.db`, and the
/// database it replaces goes aside as the note says. Called by every open,
/// with the lock held, before anything else looks at the database.
pub fn finish_restore(root: &Path) -> Result<()> {
    let note = layout::restore_note(root);
    let text = match std::fs::read_to_string(&note) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(&note, e)),
    };
    let mut lines = text.lines();
    let kept_name = match (lines.next(), lines.next()) {
        (Some(NOTE_HEADER), Some(name)) => name.trim(),
        _ => {
            return Err(Error::invalid(
                note.display().to_string(),
                "the note of an interrupted restore cannot be read; nothing was changed (remove it to open the library as it is)",
            ));
        }
    };
    let kept = if kept_name.is_empty() {
        None
    } else if kept_name.starts_with(layout::DB_FILE)
        && !kept_name.contains(['/', '\\'])
        && kept_name != layout::DB_FILE
    {
        Some(root.join(kept_name))
    } else {
        return Err(Error::invalid(
            note.display().to_string(),
            format!("the note of an interrupted restore names {kept_name:?}; nothing was changed"),
        ));
    };
    log::info!("finishing a restore that was interrupted");
    swap(root, kept.as_deref())
}

/// The swap, each move done only if it is still to do (so it can be run
/// again after a crash at any point in it): the current database's sidecars
/// and then the database go to `kept`, the staged copy becomes `folio.db`,
/// and the note goes.
fn swap(root: &Path, kept: Option<&Path>) -> Result<()> {
    let staging = layout::restore_staging(root);
    let current = layout::db_path(root);
    if staging.exists() {
        if let Some(kept) = kept {
            for ext in layout::SIDECARS {
                let from = layout::sidecar(&current, ext);
                if from.exists() && current.exists() {
                    let to = layout::sidecar(kept, ext);
                    std::fs::rename(&from, &to).at(&to)?;
                }
            }
            crash_point("restore-sidecars");
            if current.exists() {
                std::fs::rename(&current, kept).at(kept)?;
                crash_point("restore-aside");
            }
        }
        // Without a database to keep (there was none), stale sidecars of
        // nothing must not be read with the restored file.
        for ext in layout::SIDECARS {
            let stale = layout::sidecar(&current, ext);
            if !current.exists() && stale.exists() {
                std::fs::remove_file(&stale).at(&stale)?;
            }
        }
        std::fs::rename(&staging, &current).at(&current)?;
        atomic::sync_dir(root);
        crash_point("restore-swapped");
    }
    let note = layout::restore_note(root);
    std::fs::remove_file(&note).at(&note)?;
    atomic::sync_dir(root);
    Ok(())
}

/// Where a test kills the process (`FOLIO_CRASH_AT=<point>`): aborts at once,
/// as a crash or a power cut would stop it, with nothing cleaned up. For the
/// kill tests of `tests/crash.rs`; never set in use.
pub fn crash_point(point: &str) {
    if std::env::var_os("FOLIO_CRASH_AT").is_some_and(|p| p == point) {
        std::process::abort();
    }
}

/// The UTC time now as `20261126T110346Z`, for file names.
fn stamp_now() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc_stamp(secs)
}

/// Today's date in UTC as `2026-12-03` (a new group's name, say).
pub fn today_utc() -> String {
    let s = stamp_now();
    format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8])
}

/// `secs` since 1970 as `YYYYMMDDTHHMMSSZ` (proleptic Gregorian, UTC), by
/// Howard Hinnant's days-to-civil algorithm.
fn utc_stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Library;
    use crate::core::model::catalog;
    use crate::core::storage::layout::DB_FILE;

    #[test]
    fn a_backup_is_whole_and_restores_with_the_current_file_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path()).unwrap();
        lib.write(|tx| catalog::create_gallery(tx, "Before", None).map(drop))
            .unwrap();
        let b = create(lib.conn(), dir.path(), "manual").unwrap();
        verify(&b).unwrap();
        lib.write(|tx| catalog::create_gallery(tx, "After", None).map(drop))
            .unwrap();
        drop(lib);
        let aside = restore(dir.path(), &b).unwrap().unwrap();
        assert!(aside.exists(), "the replaced database is kept");
        let lib = Library::open(dir.path()).unwrap();
        let names: Vec<String> = catalog::list_galleries(lib.conn())
            .unwrap()
            .into_iter()
            .map(|g| g.name)
            .collect();
        assert_eq!(names, ["Before"]);
    }

    #[test]
    fn only_the_newest_backups_are_kept_and_a_bad_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::open(dir.path()).unwrap();
        for i in 0..KEEP + 3 {
            create(lib.conn(), dir.path(), &format!("t{i:02}")).unwrap();
        }
        let kept = list(dir.path()).unwrap();
        assert_eq!(kept.len(), KEEP);
        assert!(
            kept.last().unwrap().to_string_lossy().contains("t09"),
            "{kept:?}"
        );
        let bad = dir.path().join("bad.db");
        std::fs::write(&bad, b"not a database at all").unwrap();
        assert!(verify(&bad).is_err());
        drop(lib);
        let before = std::fs::read(dir.path().join(DB_FILE)).unwrap();
        assert!(restore(dir.path(), &bad).is_err());
        assert_eq!(
            std::fs::read(dir.path().join(DB_FILE)).unwrap(),
            before,
            "a refused restore changes nothing"
        );
    }

    #[test]
    fn stamps_are_utc_calendar_times() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(951_782_400), "20000229T000000Z");
        assert_eq!(utc_stamp(1_795_691_031), "20261126T110351Z");
    }

    #[test]
    fn daily_makes_at_most_one_a_day() {
        let dir = tempfile::tempdir().unwrap();
        // A new library has nothing to back up yet; the next open makes
        // the day's backup.
        drop(Library::open(dir.path()).unwrap());
        assert_eq!(list(dir.path()).unwrap().len(), 0);
        let lib = Library::open(dir.path()).unwrap();
        assert_eq!(list(dir.path()).unwrap().len(), 1);
        assert!(daily(lib.conn(), dir.path()).unwrap().is_none());
        assert_eq!(list(dir.path()).unwrap().len(), 1);
    }
}
