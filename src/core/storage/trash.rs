//! Deleting images with their files, so that a row never loses its file:
//! files go to the store's `trash/` first, the rows go in one transaction, and
//! only then are the trashed files removed.

use super::layout;
use super::library::Library;
use crate::core::error::{Error, IoContext, Result};
use crate::core::ids::ImageId;
use crate::core::model::images::image;

/// Deletes images from the library: their rows, their memberships in every
/// group (the seed's cascade) and their files.
///
/// The files are first moved into the store's `trash/` folder, then the rows
/// are deleted in one transaction; only after the commit are the trashed files
/// removed. If anything fails before the commit the files are moved back, so a
/// row never loses its file; a crash in between leaves files in `trash/` that
/// `folio check --repair` puts back (row still there) or removes (row gone).
pub fn delete_images(lib: &mut Library, ids: &[ImageId]) -> Result<usize> {
    let mut trashed: Vec<(std::path::PathBuf, std::path::PathBuf)> = Vec::new();
    let trash = lib.trash_dir();
    let result = (|| {
        let mut rows = Vec::new();
        for &id in ids {
            rows.push(image(lib.conn(), id)?);
        }
        for img in &rows {
            let from = lib.file_path(&img.filename);
            let to = trash.join(layout::trash_name(&img.filename));
            match std::fs::rename(&from, &to) {
                Ok(()) => trashed.push((from, to)),
                // Already gone: deleting the row is still what the user asked.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&from, e)),
            }
        }
        lib.write(|tx| {
            let mut stmt = tx.prepare_cached("DELETE FROM images WHERE id = ?1")?;
            for img in &rows {
                stmt.execute([img.id])?;
            }
            Ok((
                rows.len(),
                rows.iter()
                    .map(|r| r.content_hash.clone())
                    .collect::<Vec<_>>(),
            ))
        })
    })();
    match result {
        Ok((n, hashes)) => {
            for (_, to) in &trashed {
                if let Err(e) = std::fs::remove_file(to) {
                    log::warn!("could not remove {}: {e}", to.display());
                }
            }
            // Exports' renditions of a deleted work go too (a cache, but a
            // full-size copy of the work should not outlive it).
            for hash in &hashes {
                forget_renditions(lib.store_root(), hash);
            }
            Ok(n)
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
