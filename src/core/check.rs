//! `folio check`: is the library whole? SQLite's own checks, every image row
//! against its file (present, right size, right hash), every file in
//! `originals/` against a row, the order keys of every group, and Folio's own
//! leftovers (temp files, trash).
//!
//! `repair` removes only Folio's own leftovers and puts back what it can; it
//! never deletes an original. An original without a row (after a crash, or an
//! older database restored) is re-registered into the "Recovered" group.

use std::path::{Path, PathBuf};

use super::error::{IoContext, Result};
use super::ids::{GroupId, ImageId};
use super::media::import;
use super::model::{catalog, images, order};
use super::storage::layout::{self, ORIGINALS_DIR, TEMP_PREFIX};
use super::storage::tree::files_under;
use super::storage::{Library, atomic};

/// The group that re-registered originals go into.
pub const RECOVERED_GROUP: &str = "Recovered";

/// Something wrong with the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// `PRAGMA integrity_check` said this.
    Integrity(String),
    /// `PRAGMA foreign_key_check`: a row points at a missing parent.
    ForeignKey {
        table: String,
        rowid: i64,
        parent: String,
    },
    /// An image row whose file is not there.
    MissingFile { image: ImageId, path: PathBuf },
    /// An image row whose `filename` is not a plain path inside the store's
    /// originals (`../`, an absolute path): never used for a file operation.
    BadFilename { image: ImageId, filename: String },
    /// An image row whose file has other bytes than were imported.
    WrongContent {
        image: ImageId,
        path: PathBuf,
        reason: String,
    },
    /// An original whose write bit came back (it is stored read-only, so
    /// that an editor opened on it cannot change the bytes its hash promises).
    Writable { image: ImageId, path: PathBuf },
    /// A file under `originals/` that no row refers to.
    Orphan { path: PathBuf },
    /// A file of Folio's own that a crash left behind (temp or trash).
    Leftover { path: PathBuf },
    /// Two images of a group share an order key, so their order is undefined.
    DuplicateOrder { group: GroupId, sort_order: i64 },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Integrity(s) => write!(f, "database integrity: {s}"),
            Problem::ForeignKey {
                table,
                rowid,
                parent,
            } => {
                write!(
                    f,
                    "database: row {rowid} of {table} points at a missing {parent}"
                )
            }
            Problem::MissingFile { image, path } => {
                write!(f, "{image}: file missing: {}", path.display())
            }
            Problem::BadFilename { image, filename } => write!(
                f,
                "{image}: its file name {filename:?} is not a path inside the library's originals folder (never used)"
            ),
            Problem::WrongContent {
                image,
                path,
                reason,
            } => {
                write!(f, "{image}: file damaged: {}: {reason}", path.display())
            }
            Problem::Writable { image, path } => write!(
                f,
                "{image}: its original can be written to: {} (originals are kept read-only, so that no editor changes them; `folio check --repair` makes it read-only again)",
                path.display()
            ),
            Problem::Orphan { path } => {
                write!(f, "file without a database row: {}", path.display())
            }
            Problem::Leftover { path } => write!(
                f,
                "leftover from an interrupted operation: {}",
                path.display()
            ),
            Problem::DuplicateOrder { group, sort_order } => {
                write!(f, "{group}: two images share order key {sort_order}")
            }
        }
    }
}

/// What a check found and, with repair, did.
#[derive(Debug, Default)]
pub struct Report {
    /// Problems found (before any repair).
    pub problems: Vec<Problem>,
    /// What the repair did, in words.
    pub repaired: Vec<String>,
    /// What the repair could not do, in words.
    pub unrepaired: Vec<String>,
    /// Image rows checked against their files.
    pub images_checked: usize,
    /// Files found under `originals/`.
    pub files_seen: usize,
    /// Read while another Folio had the library open: files without rows,
    /// temp files and trash (which its running import or delete makes) were
    /// not looked at.
    pub skipped_files: bool,
}

impl Report {
    /// Whether nothing was found wrong. After a repair, check again to see
    /// what is left.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the library; with `repair`, also mends what can be mended safely.
pub fn check(lib: &mut Library, repair: bool) -> Result<Report> {
    let mut report = Report::default();
    inspect(lib, &mut report)?;
    if repair {
        mend(lib, &mut report)?;
    }
    Ok(report)
}

fn inspect(lib: &Library, report: &mut Report) -> Result<()> {
    inspect_database(lib.conn(), report)?;
    let known = inspect_rows(lib, report)?;
    if lib.is_read_only() {
        report.skipped_files = true;
        return Ok(());
    }
    inspect_files(lib, &known, report)
}

/// SQLite's own checks, and order keys that are not distinct.
fn inspect_database(conn: &rusqlite::Connection, report: &mut Report) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let line = row?;
        if line != "ok" {
            report.problems.push(Problem::Integrity(line));
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (table, rowid, parent) = row?;
        report.problems.push(Problem::ForeignKey {
            table,
            rowid: rowid.unwrap_or(-1),
            parent,
        });
    }
    let mut stmt = conn.prepare(
        "SELECT image_group_id, sort_order FROM image_group_relations
         GROUP BY image_group_id, sort_order HAVING count(*) > 1",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
        let (group, sort_order) = row?;
        report
            .problems
            .push(Problem::DuplicateOrder { group, sort_order });
    }
    Ok(())
}

/// Every row against its file, hashed on every core, streaming. Returns the
/// paths the rows name.
fn inspect_rows(lib: &Library, report: &mut Report) -> Result<std::collections::HashSet<PathBuf>> {
    let conn = lib.conn();
    let (rows, bad): (Vec<_>, Vec<_>) = images::all_images(conn)?
        .into_iter()
        .partition(|img| layout::is_plain_filename(&img.filename));
    report.images_checked += bad.len();
    report
        .problems
        .extend(bad.into_iter().map(|img| Problem::BadFilename {
            image: img.id,
            filename: img.filename,
        }));
    let mut known: std::collections::HashSet<PathBuf> =
        std::collections::HashSet::with_capacity(rows.len());
    let store_root = lib.store_root();
    // Where the file system keeps no permission bits, every file reads as
    // writable and nothing can change that: not a problem of the library.
    let bits_kept = crate::core::storage::library::originals_kept_read_only(store_root);
    super::pool::map_ordered(
        "folio-check",
        &rows,
        super::pool::default_workers(),
        |img| {
            let path = store_root.join(&img.filename);
            let writable =
                bits_kept && std::fs::metadata(&path).is_ok_and(|m| atomic::is_writable(&m));
            hash_file(&path).map(|hash| (hash, writable))
        },
        |_, img, hashed| {
            let path = store_root.join(&img.filename);
            known.insert(path.clone());
            report.images_checked += 1;
            let problem = match hashed {
                Ok(Ok((hash, false))) if hash == img.content_hash => None,
                Ok(Ok((hash, true))) if hash == img.content_hash => Some(Problem::Writable {
                    image: img.id,
                    path,
                }),
                Ok(Ok((hash, _))) => Some(Problem::WrongContent {
                    image: img.id,
                    path,
                    reason: format!("its hash is {hash}, not {}", img.content_hash),
                }),
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                    Some(Problem::MissingFile {
                        image: img.id,
                        path,
                    })
                }
                Ok(Err(e)) => Some(Problem::WrongContent {
                    image: img.id,
                    path,
                    reason: e.to_string(),
                }),
                Err(panic) => Some(Problem::WrongContent {
                    image: img.id,
                    path,
                    reason: format!(
                        "could not be read ({})",
                        super::pool::panic_message(&*panic)
                    ),
                }),
            };
            report.problems.extend(problem);
            std::ops::ControlFlow::Continue(())
        },
    );
    Ok(known)
}

/// Every file of `originals/` against a row; anything in `trash/` is left over.
fn inspect_files(
    lib: &Library,
    known: &std::collections::HashSet<PathBuf>,
    report: &mut Report,
) -> Result<()> {
    let files = files_under(&lib.originals_dir())?;
    for path in files {
        let is_temp = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(TEMP_PREFIX));
        if is_temp {
            report.problems.push(Problem::Leftover { path });
        } else {
            report.files_seen += 1;
            if !known.contains(&path) {
                report.problems.push(Problem::Orphan { path });
            }
        }
    }
    let trash = files_under(&lib.trash_dir())?;
    report
        .problems
        .extend(trash.into_iter().map(|path| Problem::Leftover { path }));
    Ok(())
}

/// BLAKE3 of a file, read in pieces (memory stays flat for any file size).
fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(std::fs::File::open(path)?)?;
    Ok(hasher.finalize().to_hex().to_string())
}

fn mend(lib: &mut Library, report: &mut Report) -> Result<()> {
    let problems = report.problems.clone();
    let mut order_fixed = std::collections::HashSet::new();
    for problem in &problems {
        match problem {
            Problem::Leftover { path } if path.starts_with(lib.trash_dir()) => {
                mend_trash(lib, path, report)?
            }
            Problem::Leftover { path } => match std::fs::remove_file(path) {
                Ok(()) => report
                    .repaired
                    .push(format!("removed temp file {}", path.display())),
                Err(e) => report.unrepaired.push(format!("{}: {e}", path.display())),
            },
            Problem::Writable { path, .. } => match atomic::set_read_only(path) {
                Ok(()) => report
                    .repaired
                    .push(format!("made {} read-only again", path.display())),
                Err(e) => report.unrepaired.push(format!("{}: {e}", path.display())),
            },
            Problem::Orphan { path } => recover(lib, path, report)?,
            Problem::DuplicateOrder { group, .. } if order_fixed.insert(*group) => {
                lib.write(|tx| order::renumber(tx, *group))?;
                report
                    .repaired
                    .push(format!("renumbered the order of {group}"));
            }
            Problem::DuplicateOrder { .. } => {}
            other => report
                .unrepaired
                .push(format!("{other} (not repaired: {})", advice(other))),
        }
    }
    Ok(())
}

fn advice(p: &Problem) -> &'static str {
    match p {
        Problem::MissingFile { .. } | Problem::WrongContent { .. } => {
            "import the original file again to restore it, or restore a backup of the library folder"
        }
        Problem::BadFilename { .. } => {
            "the database was changed outside Folio; restore a backup of the database"
        }
        _ => "restore a backup of the database",
    }
}

/// A file in `trash/`: if its image row still exists (a delete that crashed
/// before its commit), put the file back; otherwise the delete finished and
/// the file is removed.
fn mend_trash(lib: &mut Library, path: &Path, report: &mut Report) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let hash = name.split('.').next().unwrap_or_default();
    match images::image_by_hash(lib.conn(), hash)? {
        Some(img) => {
            // A row whose file name is not a plain path in the store (reported
            // as BadFilename) has no place to put the file back: it stays in
            // trash, and the rest is repaired.
            let Ok(back) = lib.file_path(&img.filename) else {
                return Ok(());
            };
            if back.exists() {
                std::fs::remove_file(path).at(path)?;
            } else {
                std::fs::rename(path, &back).at(path)?;
                super::media::thumbnail::forget_failure(lib.store_root(), &img.content_hash);
            }
            report.repaired.push(format!(
                "put back the file of {} ({})",
                img.id, img.original_name
            ));
        }
        None => {
            std::fs::remove_file(path).at(path)?;
            report
                .repaired
                .push(format!("finished deleting {}", path.display()));
        }
    }
    Ok(())
}

/// Re-registers an original without a row into the Recovered group — if its
/// bytes match the hash its name claims and it decodes. Otherwise it is left
/// where it is and reported; it is never deleted.
fn recover(lib: &mut Library, path: &Path, report: &mut Report) -> Result<()> {
    let rel = path
        .strip_prefix(lib.store_root())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let prepared = match import::prepare(path) {
        Ok(p) => p,
        Err(e) => {
            report.unrepaired.push(format!("{e} (left in place)"));
            return Ok(());
        }
    };
    if prepared.filename() != rel || !rel.starts_with(ORIGINALS_DIR) {
        report.unrepaired.push(format!(
            "{}: its name does not match its content (expected {}); left in place",
            path.display(),
            prepared.filename()
        ));
        return Ok(());
    }
    if images::image_by_hash(lib.conn(), &prepared.hash)?.is_some() {
        report.unrepaired.push(format!(
            "{}: a copy of an image the library already has; left in place",
            path.display()
        ));
        return Ok(());
    }
    let original_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let store = lib.store();
    let id = lib.write(|tx| {
        let group = catalog::find_or_create_group(tx, RECOVERED_GROUP)?;
        let id = images::insert_image(
            tx,
            &images::NewImage {
                store,
                filename: &rel,
                original_name: &original_name,
                content_hash: &prepared.hash,
                byte_size: prepared.byte_size(),
                width: prepared.width,
                height: prepared.height,
                format: prepared.format,
            },
        )?;
        images::add_images(tx, group, &[id], None)?;
        Ok(id)
    })?;
    if let Err(e) = atomic::set_read_only(path) {
        report.unrepaired.push(format!(
            "{}: could not be made read-only: {e}",
            path.display()
        ));
    }
    report.repaired.push(format!(
        "re-registered {} as {id} in group \u{201c}{RECOVERED_GROUP}\u{201d}",
        path.display()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Format;
    use crate::core::sample;
    use std::sync::atomic::AtomicBool;

    fn library_with(n: u64) -> (tempfile::TempDir, Library, GroupId) {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path().join("lib")).unwrap();
        let group = lib
            .write(|tx| catalog::create_group(tx, "G", None))
            .unwrap();
        let paths: Vec<_> = (0..n)
            .map(|i| {
                let p = dir.path().join(format!("{i}.png"));
                std::fs::write(&p, sample::image_bytes(Format::Png, 16, 16, i).unwrap()).unwrap();
                p
            })
            .collect();
        let s = import::import_paths(&mut lib, &paths, group, |_| {}, &AtomicBool::new(false));
        assert_eq!(s.imported() as u64, n);
        (dir, lib, group)
    }

    #[test]
    fn a_fresh_library_is_clean() {
        let (_d, mut lib, _) = library_with(3);
        let r = check(&mut lib, false).unwrap();
        assert!(r.is_clean(), "{:?}", r.problems);
        assert_eq!((r.images_checked, r.files_seen), (3, 3));
    }

    #[test]
    fn an_original_without_a_row_is_recovered_never_deleted() {
        let (_d, mut lib, group) = library_with(2);
        // As after restoring an older database: the row is gone, the file is not.
        let victim = images::group_images(lib.conn(), group).unwrap()[0].clone();
        lib.conn()
            .execute("DELETE FROM images WHERE id = ?1", [victim.id])
            .unwrap();
        let r = check(&mut lib, false).unwrap();
        assert_eq!(
            r.problems,
            [Problem::Orphan {
                path: lib.file_path(&victim.filename).unwrap()
            }]
        );
        let r = check(&mut lib, true).unwrap();
        assert_eq!(r.repaired.len(), 1, "{r:?}");
        assert!(check(&mut lib, false).unwrap().is_clean());
        let recovered = catalog::group_by_name(lib.conn(), RECOVERED_GROUP)
            .unwrap()
            .unwrap();
        let back = images::group_images(lib.conn(), recovered).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(
            (back[0].content_hash.as_str(), back[0].filename.as_str()),
            (victim.content_hash.as_str(), victim.filename.as_str())
        );
        assert!(lib.file_path(&victim.filename).unwrap().is_file());
    }

    #[test]
    fn a_foreign_or_damaged_file_in_originals_is_reported_and_left() {
        let (_d, mut lib, _) = library_with(1);
        let stray = lib.originals_dir().join("holiday.jpg");
        std::fs::write(&stray, sample::image_bytes(Format::Jpeg, 8, 8, 1).unwrap()).unwrap();
        let r = check(&mut lib, true).unwrap();
        assert!(
            r.unrepaired
                .iter()
                .any(|u| u.contains("does not match its content")),
            "{r:?}"
        );
        assert!(stray.is_file(), "never deleted");
        assert!(!check(&mut lib, false).unwrap().is_clean());
    }

    #[test]
    fn temp_files_are_removed_by_repair() {
        let (_d, mut lib, _) = library_with(1);
        let tmp = lib
            .originals_dir()
            .join("ab")
            .join(format!("{TEMP_PREFIX}x1y2"));
        std::fs::create_dir_all(tmp.parent().unwrap()).unwrap();
        std::fs::write(&tmp, b"half a file").unwrap();
        assert_eq!(
            check(&mut lib, false).unwrap().problems,
            [Problem::Leftover { path: tmp.clone() }]
        );
        check(&mut lib, true).unwrap();
        assert!(!tmp.exists());
        assert!(check(&mut lib, false).unwrap().is_clean());
    }

    #[test]
    fn missing_and_changed_files_are_reported_with_advice() {
        let (_d, mut lib, group) = library_with(2);
        let imgs = images::group_images(lib.conn(), group).unwrap();
        std::fs::remove_file(lib.file_path(&imgs[0].filename).unwrap()).unwrap();
        crate::core::testing::damage(&lib.file_path(&imgs[1].filename).unwrap(), b"overwritten");
        let r = check(&mut lib, true).unwrap();
        assert!(
            matches!(r.problems[0], Problem::MissingFile { image, .. } if image == imgs[0].id),
            "{r:?}"
        );
        assert!(
            matches!(r.problems[1], Problem::WrongContent { image, .. } if image == imgs[1].id),
            "{r:?}"
        );
        assert!(
            r.unrepaired
                .iter()
                .all(|u| u.contains("import the original file again"))
        );
        // The rows are kept: nothing is removed because a file cannot be seen.
        assert_eq!(images::all_images(lib.conn()).unwrap().len(), 2);
    }

    #[test]
    fn an_interrupted_delete_is_finished_or_undone() {
        let (_d, mut lib, group) = library_with(2);
        let imgs = images::group_images(lib.conn(), group).unwrap();
        // Crash after moving the file to trash, before the row was deleted.
        let a = lib.file_path(&imgs[0].filename).unwrap();
        std::fs::rename(
            &a,
            lib.trash_dir()
                .join(crate::core::storage::layout::trash_name(&imgs[0].filename)),
        )
        .unwrap();
        // Crash after the row was deleted, before the trashed file was removed.
        let b = lib.file_path(&imgs[1].filename).unwrap();
        let b_trash = lib
            .trash_dir()
            .join(crate::core::storage::layout::trash_name(&imgs[1].filename));
        std::fs::rename(&b, &b_trash).unwrap();
        lib.conn()
            .execute("DELETE FROM images WHERE id = ?1", [imgs[1].id])
            .unwrap();
        check(&mut lib, true).unwrap();
        assert!(a.is_file(), "the file of a still-existing row is put back");
        assert!(!b_trash.exists(), "the file of a deleted row is removed");
        assert!(check(&mut lib, false).unwrap().is_clean());
    }

    #[test]
    fn delete_removes_row_memberships_and_file() {
        let (_d, mut lib, group) = library_with(2);
        let img = images::group_images(lib.conn(), group).unwrap()[0].clone();
        crate::core::storage::trash::delete_images(&mut lib, &[img.id]).unwrap();
        assert!(!lib.file_path(&img.filename).unwrap().exists());
        assert_eq!(images::group_image_ids(lib.conn(), group).unwrap().len(), 1);
        assert!(check(&mut lib, false).unwrap().is_clean());
    }

    #[test]
    fn originals_are_read_only_and_a_write_bit_that_came_back_is_reported_and_removed() {
        let (_dir, mut lib, _) = library_with(2);
        let files = crate::core::storage::tree::files_under(&lib.originals_dir()).unwrap();
        assert_eq!(files.len(), 2);
        for f in &files {
            let meta = std::fs::metadata(f).unwrap();
            assert!(!atomic::is_writable(&meta), "{} is writable", f.display());
        }
        // An editor (or `chmod u+w`) gives one its write bit back.
        crate::core::testing::make_writable(&files[0]);
        let r = check(&mut lib, false).unwrap();
        assert!(
            matches!(&r.problems[..], [Problem::Writable { path, .. }] if *path == files[0]),
            "{r:?}"
        );
        assert!(r.problems[0].to_string().contains("can be written to"));
        let r = check(&mut lib, true).unwrap();
        assert_eq!(r.repaired.len(), 1, "{r:?}");
        assert!(r.repaired[0].contains("read-only again"), "{r:?}");
        assert!(check(&mut lib, false).unwrap().is_clean());
    }

    #[test]
    fn a_library_from_before_read_only_originals_is_brought_up_to_it_once() {
        let (dir, lib, _) = library_with(2);
        let files = crate::core::storage::tree::files_under(&lib.originals_dir()).unwrap();
        let marker = lib.store_root().join(layout::READ_ONLY_MARKER);
        drop(lib);
        // As an older Folio left it: writable originals, no marker.
        std::fs::remove_file(&marker).unwrap();
        for f in &files {
            crate::core::testing::make_writable(f);
        }
        let mut lib = Library::open(dir.path().join("lib")).unwrap();
        assert!(marker.exists());
        assert!(check(&mut lib, false).unwrap().is_clean());
    }

    #[test]
    fn duplicate_order_keys_are_found_and_renumbered_keeping_the_order() {
        let (_d, mut lib, group) = library_with(3);
        let before = images::group_image_ids(lib.conn(), group).unwrap();
        lib.conn()
            .execute(
                "UPDATE image_group_relations SET sort_order = 5 WHERE image_id != ?1",
                [before[0]],
            )
            .unwrap();
        let r = check(&mut lib, true).unwrap();
        assert!(
            matches!(r.problems[0], Problem::DuplicateOrder { sort_order: 5, .. }),
            "{r:?}"
        );
        assert!(check(&mut lib, false).unwrap().is_clean());
        assert_eq!(images::group_image_ids(lib.conn(), group).unwrap().len(), 3);
    }
}
