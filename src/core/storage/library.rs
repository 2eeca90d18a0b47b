//! A library on disk: the folder that holds `folio.db` and the managed store
//! folder (its layout is [`super::layout`]'s), and the one connection through
//! which everything is read and written.
//!
//! One Folio at a time: [`Library::open`] takes an exclusive OS lock on
//! `folio.lock` before it reads or writes anything, and a second Folio is
//! refused with [`Error::Locked`]. The OS drops the lock when the process
//! ends, however it ends, so a crash never leaves the library locked. Holding
//! the lock is also what makes it safe to clear leftover temp files at open.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::checkpoint::Checkpointer;
use super::layout::{self, DEFAULT_STORE, ORIGINALS_DIR, TRASH_DIR};
use super::{backup, db, tree};
use crate::core::error::{Error, IoContext, Result};
use crate::core::ids::StoreId;

/// What this process is, in the lock file's words ([`set_holder`]).
static HOLDER: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// A command-line Folio, as the lock file names it.
pub const COMMAND_HOLDER: &str = "a folio command";
/// The app, as the lock file names it (the next Folio tells the artist to
/// use its window).
pub const WINDOW_HOLDER: &str = "the Folio window";

/// Says what this process is ([`WINDOW_HOLDER`] for the app), for the lock
/// file: another Folio refused by the lock says who has the library.
pub fn set_holder(what: &'static str) {
    let _ = HOLDER.set(what);
}

/// The library's lock, held while any connection of this process is open.
#[derive(Debug)]
pub struct Lock {
    _file: std::fs::File,
}

impl Lock {
    /// Takes the exclusive lock of the library at `root` (made if missing),
    /// or says who holds it. Writes nothing unless the lock is taken.
    pub fn take(root: &Path) -> Result<Lock> {
        std::fs::create_dir_all(root).at(root)?;
        let path = layout::lock_path(root);
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .at(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path)
                    .ok()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty());
                return Err(Error::Locked {
                    path: root.to_path_buf(),
                    holder,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        // Say who holds it, for the message the next one gets.
        let who = format!(
            "{}, process {}",
            HOLDER.get().copied().unwrap_or(COMMAND_HOLDER),
            std::process::id()
        );
        let written = file
            .set_len(0)
            .and_then(|()| file.write_all(who.as_bytes()));
        if let Err(e) = written {
            log::warn!("could not write {}: {e}", path.display());
        }
        Ok(Lock { _file: file })
    }
}

/// Whether the file system of `probe` (a file Folio may change, made if
/// missing) keeps a file read-only when asked.
fn keeps_read_only(probe: &Path) -> bool {
    if !probe.exists() && super::atomic::write(probe, b"").is_err() {
        return true;
    }
    let kept = super::atomic::set_read_only(probe).is_ok();
    // The probe stays writable, to be written again.
    if let Ok(meta) = std::fs::metadata(probe) {
        let mut perms = meta.permissions();
        #[allow(clippy::permissions_set_readonly_false)] // ok: Folio's own note, not an original
        perms.set_readonly(false);
        let _ = std::fs::set_permissions(probe, perms);
    }
    kept
}

/// Whether the originals of the store at `store_root` can be kept read-only,
/// as its first open found (yes, if it has not been opened since).
pub fn originals_kept_read_only(store_root: &Path) -> bool {
    std::fs::read_to_string(store_root.join(layout::READ_ONLY_MARKER)).map_or(true, |s| {
        s.lines().next() != Some(layout::READ_ONLY_NOT_KEPT)
    })
}

/// The per-user library root (`~/.local/share/folio` on Linux), used when
/// neither `--library` nor `FOLIO_LIBRARY` names one.
pub fn default_root() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "Folio")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::invalid(
                "library location",
                "no home folder was found; pass --library DIR or set FOLIO_LIBRARY",
            )
        })
}

/// The absolute path of an image file of the store at `store_root`, from its
/// `filename` column; refused unless it is a plain path inside `originals/`.
pub fn file_in_store(store_root: &Path, filename: &str) -> Result<PathBuf> {
    if layout::is_plain_filename(filename) {
        Ok(store_root.join(filename))
    } else {
        Err(Error::invalid(
            "image file name in the database",
            format!(
                "{filename:?} is not a path inside the library's originals folder; it was not used (`folio check` reports it)"
            ),
        ))
    }
}

/// An open library: its folders and its database connection.
pub struct Library {
    root: PathBuf,
    store: StoreId,
    store_root: PathBuf,
    conn: Connection,
    /// The lock this process holds; `None` for a library opened read-only
    /// while another Folio holds it.
    lock: Option<Arc<Lock>>,
    /// Checkpoints this connection's writes on a thread of its own, when asked.
    checkpointer: Option<Checkpointer>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("root", &self.root).finish()
    }
}

impl Library {
    /// Opens the library at `root`, creating an empty one if the folder holds no
    /// database yet.
    ///
    /// - Another Folio holding the library: refused ([`Error::Locked`]),
    ///   nothing read or written.
    /// - A database that is not a whole Folio database: refused, never
    ///   changed; the message names the most recent backup if there is one.
    /// - An older schema: a backup is made, then it is stepped forward.
    /// - Once a day, a backup ([`backup::daily`]).
    /// - Temp files a killed import left behind are removed (safe: we hold the lock).
    /// - A store folder that is missing (an unmounted drive) is refused with
    ///   [`Error::StoreUnavailable`]; nothing in the database is changed
    ///   because files cannot be seen.
    /// - A folder whose database is missing but which holds originals or
    ///   backups is refused ([`Error::DatabaseMissing`]), never opened as a
    ///   new, empty library; [`Library::open_recovering`] starts a new one.
    /// - A restore that a crash interrupted is finished first.
    pub fn open(root: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(root.as_ref(), false)
    }

    /// [`Library::open`], starting a new database where the folder's is
    /// missing even though it holds originals (`folio check --repair`, which
    /// then brings the originals back).
    pub fn open_recovering(root: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(root.as_ref(), true)
    }

    fn open_with(root: &Path, recovering: bool) -> Result<Self> {
        let root = root.to_path_buf();
        let lock = Arc::new(Lock::take(&root)?);
        backup::finish_restore(&root)?;
        let db_path = layout::db_path(&root);
        let is_new = !db_path.exists();
        if is_new && !recovering {
            let originals = tree::files_under(&root.join(DEFAULT_STORE).join(ORIGINALS_DIR))
                .map_or(0, |files| {
                    files
                        .iter()
                        .filter(|f| {
                            f.file_name()
                                .is_some_and(|n| !layout::is_temp_name(&n.to_string_lossy()))
                        })
                        .count()
                });
            let backup = backup::latest(&root);
            if originals > 0 || backup.is_some() {
                return Err(Error::DatabaseMissing {
                    path: root,
                    originals,
                    backup,
                });
            }
        }
        if is_new {
            // Only a new library gets its store folder made; for an existing
            // one, a missing store folder is an unmounted drive (below).
            let store = root.join(DEFAULT_STORE);
            std::fs::create_dir_all(&store).at(&store)?;
        }
        let opened = db::open_or_create(
            &db_path,
            |tx| {
                tx.execute(
                    "INSERT INTO stores (id, root) VALUES (1, ?1)",
                    [DEFAULT_STORE],
                )?;
                Ok(())
            },
            |conn, from| {
                backup::create(conn, &root, &format!("before-upgrade-from-v{from}")).map(drop)
            },
        );
        let conn = match opened {
            Ok(conn) => conn,
            Err(e @ Error::NotALibrary { .. }) => {
                return Err(match backup::latest(&root) {
                    Some(backup) => Error::RefusedWithBackup {
                        source: Box::new(e),
                        backup,
                    },
                    None => e,
                });
            }
            Err(e) => return Err(e),
        };
        let lib = Self::with_connection(root, conn, Some(lock))?;
        lib.remove_leftovers();
        lib.protect_originals_once();
        // A new database (a new library, or one started by `check --repair`
        // where the old one is missing) has nothing to keep yet: a backup of
        // it would only push a real one out of the seven kept, and become
        // the "newest backup" that `folio restore` puts back.
        let daily = if is_new {
            Ok(None)
        } else {
            backup::daily(lib.conn(), &lib.root)
        };
        match daily {
            Ok(Some(path)) => log::info!("backed up the database to {}", path.display()),
            Ok(None) => {}
            // Not fatal: the library works without it, and the next open tries again.
            Err(e) => log::warn!("could not back up the database: {e}"),
        }
        Ok(lib)
    }

    /// A second connection to this library for another thread of this
    /// process (an import running beside the UI). It shares this process's
    /// lock; it makes no backup and clears nothing.
    pub fn connect_again(&self) -> Result<Self> {
        let conn = match self.lock {
            Some(_) => db::open_again(&self.db_path())?,
            None => db::open_read_only(&self.db_path())?,
        };
        Self::with_connection(self.root.clone(), conn, self.lock.clone())
    }

    /// Opens the library at `root` for reading only, for `folio list`,
    /// `check` and the exports while another Folio (the app, an import)
    /// holds it: a read-only connection (`mode=ro`, `query_only`) that never
    /// writes and never blocks the other's writes (WAL readers do not). No
    /// backup, no upgrade, nothing cleared; [`Library::write`] is refused. A
    /// database of an older schema is refused: only the Folio that holds it
    /// can step it forward.
    pub fn open_read_only(root: impl AsRef<Path>) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        let db_path = layout::db_path(&root);
        if !db_path.exists() {
            return Err(Error::Io {
                path: db_path,
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            });
        }
        let conn = db::open_read_only(&db_path)?;
        Self::with_connection(root, conn, None)
    }

    /// Whether this library was opened for reading only.
    pub fn is_read_only(&self) -> bool {
        self.lock.is_none()
    }

    /// Moves the WAL checkpoints of this connection's writes to a background
    /// thread with its own connection (a passive checkpoint every second). A
    /// write then only appends to the WAL: otherwise every thousandth page
    /// written makes that commit copy the log back into the database (the
    /// benchmark's move columns measure what that costs). For the app, whose
    /// writes happen between frames. Where the thread cannot start, SQLite's
    /// own checkpoints stay on.
    pub fn checkpoint_in_background(&mut self) {
        if self.checkpointer.is_some() {
            return;
        }
        let other = match db::open_again(&self.db_path()) {
            Ok(conn) => conn,
            Err(e) => {
                log::warn!("checkpoints stay on the writing thread: {e}");
                return;
            }
        };
        match Checkpointer::start(other) {
            Ok(c) => match self.conn.pragma_update(None, "wal_autocheckpoint", 0) {
                Ok(()) => self.checkpointer = Some(c),
                Err(e) => log::warn!("checkpoints stay on the writing thread: {e}"),
            },
            Err(e) => log::warn!("checkpoints stay on the writing thread: {e}"),
        }
    }

    fn with_connection(root: PathBuf, conn: Connection, lock: Option<Arc<Lock>>) -> Result<Self> {
        let db_path = layout::db_path(&root);
        let (store, store_dir): (StoreId, String) = conn
            .query_row("SELECT id, root FROM stores ORDER BY id LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| Error::NotALibrary {
                path: db_path.clone(),
                reason: "it has no store".into(),
            })?;
        let store_root = root.join(store_dir);
        if !store_root.is_dir() {
            return Err(Error::StoreUnavailable { path: store_root });
        }
        for dir in [ORIGINALS_DIR, TRASH_DIR] {
            let p = store_root.join(dir);
            if lock.is_some() {
                std::fs::create_dir_all(&p).at(&p)?;
            }
        }
        Ok(Self {
            root,
            store,
            store_root,
            conn,
            lock,
            checkpointer: None,
        })
    }

    /// Makes every original read-only, once: a library from before Folio
    /// stored them so is brought up to it as it first opens (new originals
    /// are written read-only). Not fatal, and done once whatever fails: what
    /// fails is logged, and `check` reports any original left writable.
    fn protect_originals_once(&self) {
        let marker = self.store_root.join(layout::READ_ONLY_MARKER);
        if marker.exists() {
            return;
        }
        let files = match super::tree::files_under(&self.originals_dir()) {
            Ok(files) => files,
            Err(e) => {
                log::warn!("could not list the originals to make them read-only: {e}");
                return;
            }
        };
        let mut failed = 0usize;
        for path in &files {
            if let Err(e) = super::atomic::set_read_only(path) {
                if failed == 0 {
                    log::warn!("could not make {} read-only: {e}", path.display());
                }
                failed += 1;
            }
        }
        if failed > 1 {
            log::warn!("{failed} originals could not be made read-only");
        }
        // Once, whatever failed: `check` reports an original left writable,
        // and the next open does not walk them all again.
        let note = format!(
            "{}\nEvery original in originals/ is stored read-only.\n",
            if keeps_read_only(&marker) {
                layout::READ_ONLY_KEPT
            } else {
                layout::READ_ONLY_NOT_KEPT
            }
        );
        if let Err(e) = super::atomic::write(&marker, note.as_bytes()) {
            log::warn!("{e}");
        }
    }

    /// Removes Folio's own temp files that a killed process left in
    /// `originals/` (and a half-made new database in the root). Only called
    /// with the lock held, so no live import owns them.
    fn remove_leftovers(&self) {
        // The root, the backups and every folder of the store (originals and
        // thumbnails: a few hundred folders, read in milliseconds).
        let mut dirs = vec![self.root.clone(), layout::backup_dir(&self.root)];
        let mut stack = vec![self.store_root.clone()];
        while let Some(dir) = stack.pop() {
            if let Ok(entries) = std::fs::read_dir(&dir) {
                stack.extend(
                    entries
                        .flatten()
                        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                        .map(|e| e.path()),
                );
            }
            dirs.push(dir);
        }
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let ours = layout::is_temp_name(&name);
                if ours && entry.file_type().is_ok_and(|t| t.is_file()) {
                    match std::fs::remove_file(entry.path()) {
                        Ok(()) => log::info!("removed the leftover {}", entry.path().display()),
                        Err(e) => log::warn!("could not remove {}: {e}", entry.path().display()),
                    }
                }
            }
        }
    }

    /// The library's root folder (holds the database).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        layout::db_path(&self.root)
    }

    /// The store new files are imported into.
    pub fn store(&self) -> StoreId {
        self.store
    }

    /// The store's folder.
    pub fn store_root(&self) -> &Path {
        &self.store_root
    }

    /// Where originals live: `<store>/originals`.
    pub fn originals_dir(&self) -> PathBuf {
        self.store_root.join(ORIGINALS_DIR)
    }

    /// Where files of images being deleted wait: `<store>/trash`.
    pub fn trash_dir(&self) -> PathBuf {
        self.store_root.join(TRASH_DIR)
    }

    /// The absolute path of an image file from its `filename` column, which
    /// must be a plain path inside the store's `originals/`
    /// ([`layout::is_plain_filename`]): any other is refused, never joined.
    pub fn file_path(&self, filename: &str) -> Result<PathBuf> {
        file_in_store(&self.store_root, filename)
    }

    /// The connection, for reads (every repository function takes `&Connection`).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one write transaction (`BEGIN IMMEDIATE`, so a busy database
    /// is waited on up front rather than failing mid-way) and commits if it
    /// returns `Ok`; otherwise everything it did is rolled back.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        if self.lock.is_none() {
            return Err(Error::ReadOnly {
                path: self.root.clone(),
            });
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::storage::layout::{DB_FILE, TEMP_PREFIX};

    #[cfg(target_os = "linux")]
    #[test]
    fn background_checkpoints_take_the_work_off_the_writer_and_stop_with_the_library() {
        fn checkpoint_threads() -> usize {
            std::fs::read_dir("/proc/self/task")
                .unwrap()
                .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
                .filter(|c| c.trim() == "folio-checkpt")
                .count()
        }
        let dir = tempfile::tempdir().unwrap();
        let before = checkpoint_threads();
        let mut lib = Library::open(dir.path()).unwrap();
        lib.checkpoint_in_background();
        let auto: i64 = lib
            .conn()
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap();
        assert_eq!(auto, 0, "the writer no longer checkpoints");
        // The thread names itself once it runs.
        let started = std::time::Instant::now();
        while checkpoint_threads() == before && started.elapsed().as_secs() < 10 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(checkpoint_threads(), before + 1);
        let store = lib.store();
        lib.write(|tx| {
            let g = crate::core::model::catalog::create_group(tx, "G", None)?;
            crate::core::sample::placeholder_images(tx, store, g, 0..2000)
        })
        .unwrap();
        drop(lib);
        assert_eq!(
            checkpoint_threads(),
            before,
            "the thread ends with the library"
        );
        let lib = Library::open(dir.path()).unwrap();
        let n: i64 = lib
            .conn()
            .query_row("SELECT count(*) FROM image_group_relations", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 2000, "every write is in the database");
    }

    #[test]
    fn open_creates_the_layout_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::open(dir.path()).unwrap();
        assert!(lib.originals_dir().is_dir());
        assert!(lib.db_path().is_file());
        drop(lib);
        let lib = Library::open(dir.path()).unwrap();
        assert_eq!(lib.store(), StoreId(1));
    }

    #[test]
    fn missing_store_folder_is_reported_not_recreated() {
        let dir = tempfile::tempdir().unwrap();
        drop(Library::open(dir.path()).unwrap());
        let store = dir.path().join(DEFAULT_STORE);
        std::fs::rename(&store, dir.path().join("elsewhere")).unwrap();
        let err = Library::open(dir.path()).unwrap_err();
        assert!(matches!(err, Error::StoreUnavailable { .. }), "{err}");
        assert!(err.to_string().contains("not available"), "{err}");
        assert!(!store.exists(), "the store folder must not be recreated");
    }

    #[test]
    fn a_second_open_is_refused_until_the_first_is_closed() {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::open(dir.path()).unwrap();
        let db_before = std::fs::read(dir.path().join(DB_FILE)).unwrap();
        let err = Library::open(dir.path()).unwrap_err();
        assert!(matches!(err, Error::Locked { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("open in another Folio (a folio command, process "),
            "{err}"
        );
        assert_eq!(std::fs::read(dir.path().join(DB_FILE)).unwrap(), db_before);
        // A second connection of the same process shares the lock.
        let again = lib.connect_again().unwrap();
        drop(again);
        drop(lib);
        Library::open(dir.path()).unwrap();
    }

    #[test]
    fn leftover_temp_files_are_gone_after_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::open(dir.path()).unwrap();
        let sub = lib.originals_dir().join("ab");
        std::fs::create_dir_all(&sub).unwrap();
        let tmp = sub.join(format!("{TEMP_PREFIX}abc"));
        std::fs::write(&tmp, b"half a file").unwrap();
        drop(lib);
        let _lib = Library::open(dir.path()).unwrap();
        assert!(!tmp.exists());
    }

    #[test]
    fn a_refused_database_points_to_the_latest_backup() {
        let dir = tempfile::tempdir().unwrap();
        // Created, then opened again: that open makes the day's backup.
        drop(Library::open(dir.path()).unwrap());
        drop(Library::open(dir.path()).unwrap());
        let db = dir.path().join(DB_FILE);
        let len = std::fs::metadata(&db).unwrap().len();
        // Truncated to half: the header survives, the rest does not.
        let bytes = std::fs::read(&db).unwrap();
        std::fs::write(&db, &bytes[..(len / 2) as usize]).unwrap();
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
        }
        let damaged = std::fs::read(&db).unwrap();
        let err = Library::open(dir.path()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("folio restore"), "{text}");
        assert!(text.contains("backups"), "{text}");
        assert_eq!(std::fs::read(&db).unwrap(), damaged, "never changed");
    }

    #[test]
    fn a_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path()).unwrap();
        let r: Result<()> = lib.write(|tx| {
            tx.execute("INSERT INTO galleries (name) VALUES ('Half')", [])?;
            Err(Error::invalid("test", "fails after the first row"))
        });
        assert!(r.is_err());
        let n: i64 = lib
            .conn()
            .query_row("SELECT count(*) FROM galleries", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}
