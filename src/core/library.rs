//! A library on disk: the folder that holds `folio.db` and the managed store
//! folder `library/` (with `originals/`, and later `thumbs/`), and the one
//! connection through which everything is read and written.
//!
//! ```text
//! <library root>/            default: the per-user data directory (ProjectDirs)
//!     folio.db               the database (WAL: also folio.db-wal, -shm)
//!     library/               the default store (stores.root = 'library')
//!         originals/ab/<blake3 hex>.jpg   imported files, content-addressed
//!         trash/             files of images being deleted (emptied at once)
//! ```

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::db;
use super::error::{Error, IoContext, Result};
use super::ids::StoreId;

/// The database file's name inside the library root.
pub const DB_FILE: &str = "folio.db";
/// The default store's folder, relative to the library root.
pub const DEFAULT_STORE: &str = "library";
/// Originals inside a store.
pub const ORIGINALS_DIR: &str = "originals";
/// Files of images being deleted, inside a store.
pub const TRASH_DIR: &str = "trash";
/// Prefix of Folio's own temporary files inside `originals/`.
pub const TEMP_PREFIX: &str = ".folio-tmp-";

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

/// An open library: its folders and its database connection.
pub struct Library {
    root: PathBuf,
    store: StoreId,
    store_root: PathBuf,
    conn: Connection,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("root", &self.root).finish()
    }
}

impl Library {
    /// Opens the library at `root`, creating an empty one if the folder holds no
    /// database yet. An existing library whose store folder is missing (an
    /// unmounted drive) is refused with [`Error::StoreUnavailable`]; nothing in
    /// the database is changed because files cannot be seen.
    pub fn open(root: impl AsRef<Path>) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        let db_path = root.join(DB_FILE);
        let is_new = !db_path.exists();
        if is_new {
            // Only a new library gets its store folder made; for an existing
            // one, a missing store folder is an unmounted drive (below).
            let store = root.join(DEFAULT_STORE);
            std::fs::create_dir_all(&store).at(&store)?;
        }
        let conn = db::open_or_create(&db_path, |tx| {
            tx.execute(
                "INSERT INTO stores (id, root) VALUES (1, ?1)",
                [DEFAULT_STORE],
            )?;
            Ok(())
        })?;
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
            std::fs::create_dir_all(&p).at(&p)?;
        }
        Ok(Self {
            root,
            store,
            store_root,
            conn,
        })
    }

    /// The library's root folder (holds the database).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.root.join(DB_FILE)
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

    /// The absolute path of an image file from its `filename` column.
    pub fn file_path(&self, filename: &str) -> PathBuf {
        self.store_root.join(filename)
    }

    /// The connection, for reads (every repository function takes `&Connection`).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one write transaction (`BEGIN IMMEDIATE`, so a busy database
    /// is waited on up front rather than failing mid-way) and commits if it
    /// returns `Ok`; otherwise everything it did is rolled back.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
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
