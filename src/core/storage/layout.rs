//! Every path and file name of a library, in one place.
//!
//! ```text
//! <library root>/            default: the per-user data directory (ProjectDirs)
//!     folio.db               the database (WAL: also folio.db-wal, -shm)
//!     folio.lock             held (OS advisory lock) while a Folio has it open
//!     backups/folio-<UTC time>-<why>.db   checked copies of folio.db
//!     library/               the default store (stores.root = 'library')
//!         originals/ab/<blake3 hex>.jpg   imported files, content-addressed
//!         originals-read-only   says every original there is read-only
//!         trash/             files of images being deleted (emptied at once)
//!         thumbs/v1/<size>/ab/<blake3 hex>.jpg|png   the thumbnail cache
//!         thumbs/v1/failed/<blake3 hex>.txt          why one could not be made
//! ```
//!
//! Folio's own temporary files start with [`TEMP_PREFIX`] (or
//! [`DB_CREATING_PREFIX`] for a database being built): anything else in these
//! folders is never removed by Folio.

use std::path::{Path, PathBuf};

use crate::core::format::Format;

/// The database file's name inside the library root.
pub const DB_FILE: &str = "folio.db";
/// The lock file inside the library root.
pub const LOCK_FILE: &str = "folio.lock";
/// The default store's folder, relative to the library root.
pub const DEFAULT_STORE: &str = "library";
/// Originals inside a store.
pub const ORIGINALS_DIR: &str = "originals";
/// Files of images being deleted, inside a store.
pub const TRASH_DIR: &str = "trash";
/// The thumbnail cache inside a store (versioned: a new layout is a new folder).
pub const THUMBS_DIR: &str = "thumbs/v1";
/// Inside a store: exports' renditions, by content hash and size (a cache:
/// anything in it can be deleted, and is made again when needed).
pub const RENDITIONS_DIR: &str = "renditions/v1";
/// Inside a store: written once every original there has been made
/// read-only (libraries from before originals were stored read-only are
/// brought up to that once, as they open).
pub const READ_ONLY_MARKER: &str = "originals-read-only";
/// The marker's first line where its file system keeps files read-only…
pub const READ_ONLY_KEPT: &str = "kept";
/// …and where it does not (FAT, some network and FUSE mounts).
pub const READ_ONLY_NOT_KEPT: &str = "not kept: this file system does not keep files read-only";
/// The folder of backups inside the library root.
pub const BACKUP_DIR: &str = "backups";
/// Prefix of Folio's own temporary files, wherever they are.
pub const TEMP_PREFIX: &str = ".folio-tmp-";
/// Prefix of a new database being built beside `folio.db`.
pub const DB_CREATING_PREFIX: &str = ".folio-db-creating-";

const BACKUP_PREFIX: &str = "folio-";
const BACKUP_SUFFIX: &str = ".db";

/// Whether `name` is one of Folio's own temporary files (safe to remove while
/// holding the library's lock).
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) || name.starts_with(DB_CREATING_PREFIX)
}

/// The database of the library at `root`.
pub fn db_path(root: &Path) -> PathBuf {
    root.join(DB_FILE)
}

/// The lock file of the library at `root`.
pub fn lock_path(root: &Path) -> PathBuf {
    root.join(LOCK_FILE)
}

/// The folder of backups of the library at `root`.
pub fn backup_dir(root: &Path) -> PathBuf {
    root.join(BACKUP_DIR)
}

/// A backup's file name: `folio-<stamp>-<why>.db`, or `…-<why>-<n>.db` for the
/// `n`th made in the same second.
pub fn backup_name(stamp: &str, why: &str, n: u32) -> String {
    match n {
        0 | 1 => format!("{BACKUP_PREFIX}{stamp}-{why}{BACKUP_SUFFIX}"),
        n => format!("{BACKUP_PREFIX}{stamp}-{why}-{n}{BACKUP_SUFFIX}"),
    }
}

/// Whether a file name in `backups/` is a backup.
pub fn is_backup_name(name: &str) -> bool {
    name.starts_with(BACKUP_PREFIX) && name.ends_with(BACKUP_SUFFIX)
}

/// Where a restore stages the backup's copy before it becomes `folio.db`.
pub fn restore_staging(root: &Path) -> PathBuf {
    root.join(format!("{TEMP_PREFIX}restore-{DB_FILE}"))
}

/// The note of a restore under way: what its swap is to keep aside. While it
/// is there, [`restore_staging`] is a whole, checked copy, and the next open
/// finishes the swap.
pub fn restore_note(root: &Path) -> PathBuf {
    root.join(format!("{DB_FILE}.restoring"))
}

/// Where the replaced database is kept by a restore made at `stamp`.
pub fn before_restore(root: &Path, stamp: &str) -> PathBuf {
    root.join(format!("{DB_FILE}.before-restore-{stamp}"))
}

/// The endings of the files SQLite keeps beside a database in WAL mode.
pub const SIDECARS: [&str; 2] = ["-wal", "-shm"];

/// The `-wal` or `-shm` file beside a database (the name's bytes kept as
/// they are, UTF-8 or not).
pub fn sidecar(db: &Path, ext: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(ext);
    PathBuf::from(name)
}

/// An original's path inside its store (the `images.filename` column):
/// `originals/ab/<hash>.<ext>`.
pub fn original_name(hash: &str, format: Format) -> String {
    let prefix = hash.get(..2).unwrap_or("00");
    format!("{ORIGINALS_DIR}/{prefix}/{hash}.{}", format.extension())
}

/// Whether `filename` (an `images.filename`) is a plain path inside its
/// store's `originals/`: relative, `/`-separated, with no empty, `.` or `..`
/// part and no backslash, colon or NUL. Only such a name is ever joined to a
/// store's folder: a database whose row says `../../home/me/cv.pdf` or
/// `/etc/passwd` must never make a delete move that file.
pub fn is_plain_filename(filename: &str) -> bool {
    let mut parts = filename.split('/');
    parts.next() == Some(ORIGINALS_DIR)
        && filename.len() > ORIGINALS_DIR.len() + 1
        && filename
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != ".." && !p.contains(['\\', ':', '\0']))
}

/// The name of an image file in `trash/`: its file name, which is its content
/// hash and extension (unique in the library).
pub fn trash_name(filename: &str) -> &str {
    filename.rsplit('/').next().unwrap_or(filename)
}

/// Where the thumbnail of the image with `hash` at `size` lives (JPEG, or PNG
/// when it has transparency), inside the store at `store_root`.
pub fn thumb_path(store_root: &Path, hash: &str, size: u32, alpha: bool) -> PathBuf {
    let prefix = hash.get(..2).unwrap_or("00");
    let ext = if alpha { "png" } else { "jpg" };
    store_root
        .join(THUMBS_DIR)
        .join(size.to_string())
        .join(prefix)
        .join(format!("{hash}.{ext}"))
}

/// Where an export's rendition of the image with `hash` lives, inside the
/// store at `store_root`: `renditions/v1/ab/<hash>-<what>` (`what` names the
/// size, encoder and quality, e.g. `w1600-q80.webp`).
pub fn rendition_path(store_root: &Path, hash: &str, what: &str) -> PathBuf {
    let prefix = hash.get(..2).unwrap_or("00");
    store_root
        .join(RENDITIONS_DIR)
        .join(prefix)
        .join(format!("{hash}-{what}"))
}

/// Where the reason a thumbnail could not be made is remembered.
pub fn thumb_failure_path(store_root: &Path, hash: &str) -> PathBuf {
    store_root
        .join(THUMBS_DIR)
        .join("failed")
        .join(format!("{hash}.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_inside_originals_are_file_names() {
        let good = original_name(&"ab".repeat(32), Format::Jpeg);
        assert!(is_plain_filename(&good), "{good}");
        for bad in [
            "../../etc/passwd",
            "/etc/passwd",
            "originals/../../../home/me/cv.pdf",
            "originals/ab/../../folio.db",
            "originals//x.jpg",
            "originals/./x.jpg",
            "originals/",
            "originals",
            "thumbs/v1/256/ab/x.jpg",
            "originals\\..\\x.jpg",
            "originals/C:/x.jpg",
            "originals/a\0b.jpg",
            "",
        ] {
            assert!(!is_plain_filename(bad), "{bad:?} must be refused");
        }
    }
}
