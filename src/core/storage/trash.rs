//! Deleting images with their files, so that a row never loses its file:
//! inside one write transaction the files go to the store's `trash/` and the
//! rows are deleted; only once that commit is on the disk (the WAL synced)
//! are the trashed files removed.

use std::path::{Path, PathBuf};

use super::layout;
use super::library::{Library, file_in_store};
use crate::core::error::{Error, IoContext, Result};
use crate::core::ids::ImageId;
use crate::core::model::images::image;

/// What a delete does after its commit, in order: make the commit durable
/// (`sync`, given the database's path), then remove each trashed file
/// (`unlink`). The real ones are [`Finish::REAL`]; a test swaps in ones that
/// record the order or fail.
pub struct Finish<'a> {
    pub sync: &'a dyn Fn(&Path) -> std::io::Result<()>,
    pub unlink: &'a dyn Fn(&Path) -> std::io::Result<()>,
}

impl Finish<'static> {
    /// fsync of the database's WAL and file, then `remove_file`.
    pub const REAL: Finish<'static> = Finish {
        sync: &sync_database,
        unlink: &|p| std::fs::remove_file(p),
    };
}

/// Makes every commit so far durable: under `synchronous=NORMAL` a commit is
/// only in the WAL file's pages in memory until a checkpoint; fsync of the WAL
/// (and the database file, which a checkpoint may have written it to) puts
/// it on the disk, so a power cut cannot roll it back.
pub fn sync_database(db: &Path) -> std::io::Result<()> {
    let wal = layout::sidecar(db, "-wal");
    match std::fs::File::open(&wal) {
        Ok(f) => f.sync_all()?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::File::open(db)?.sync_all()
}

/// Deletes images from the library: their rows, their memberships in every
/// group (the seed's cascade) and their files.
pub fn delete_images(lib: &mut Library, ids: &[ImageId]) -> Result<usize> {
    delete_images_with(lib, ids, &Finish::REAL)
}

/// [`delete_images`], finishing through `finish`.
///
/// In one write transaction (`BEGIN IMMEDIATE`: no import can decide that a
/// file is there while it runs) the files are moved into `trash/` and the
/// rows deleted. If anything fails before the commit the files are moved
/// back, so a row never loses its file. After the commit the database is
/// synced and only then are the trashed files removed; if the sync fails
/// they stay in `trash/`. A crash anywhere leaves files in `trash/` that
/// `folio check --repair` puts back (row still there) or removes (row gone).
pub fn delete_images_with(
    lib: &mut Library,
    ids: &[ImageId],
    finish: &Finish<'_>,
) -> Result<usize> {
    let trash = lib.trash_dir();
    let store_root = lib.store_root().to_path_buf();
    let db = lib.db_path();
    let mut trashed: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = lib.write(|tx| {
        let mut rows = Vec::with_capacity(ids.len());
        for &id in ids {
            rows.push(image(tx, id)?);
        }
        for img in &rows {
            // A row whose `filename` is not a plain name inside the store
            // (`../`, absolute: a damaged or hostile database) names no file
            // of the library: the row goes, and no file is touched.
            let Ok(from) = file_in_store(&store_root, &img.filename) else {
                log::warn!(
                    "{} names {:?}, not a file in the library: its row is deleted and no file is touched",
                    img.id,
                    img.filename
                );
                continue;
            };
            let to = trash.join(layout::trash_name(&img.filename));
            match std::fs::rename(&from, &to) {
                Ok(()) => trashed.push((from, to)),
                // Already gone: deleting the row is still what the user asked.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&from, e)),
            }
        }
        let mut stmt = tx.prepare_cached("DELETE FROM images WHERE id = ?1")?;
        for img in &rows {
            stmt.execute([img.id])?;
        }
        Ok(rows.into_iter().map(|r| r.content_hash).collect::<Vec<_>>())
    });
    match result {
        Ok(hashes) => {
            match (finish.sync)(&db) {
                Ok(()) => {
                    for (_, to) in &trashed {
                        if let Err(e) = (finish.unlink)(to) {
                            log::warn!("could not remove {}: {e}", to.display());
                        }
                    }
                }
                // The rows are deleted (unless a power cut takes the commit
                // back): the files wait in trash/ for `check --repair`.
                Err(e) => log::warn!(
                    "the delete is committed but could not be synced to the disk ({e}); its files wait in {} until `folio check --repair`",
                    lib.trash_dir().display()
                ),
            }
            // Exports' renditions of a deleted work go too (a cache, but a
            // full-size copy of the work should not outlive it).
            for hash in &hashes {
                forget_renditions(lib.store_root(), hash);
            }
            Ok(hashes.len())
        }
        Err(e) => {
            for (from, to) in trashed.iter().rev() {
                if let Err(back) = std::fs::rename(to, from).at(to) {
                    log::error!("could not put a file back after a failed delete: {back}");
                }
            }
            Err(e)
        }
    }
}

/// Removes every cached rendition of the image with `hash` (best effort).
fn forget_renditions(store_root: &std::path::Path, hash: &str) {
    let Some(dir) = layout::rendition_path(store_root, hash, "")
        .parent()
        .map(|d| d.to_path_buf())
    else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let prefix = format!("{hash}-");
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix)
            && let Err(e) = std::fs::remove_file(entry.path())
        {
            log::warn!("could not remove {}: {e}", entry.path().display());
        }
    }
}
