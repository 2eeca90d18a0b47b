//! `folio check`: is the library whole? SQLite's own checks, every image row
//! against its file (present, right size, right hash), every file in
//! `originals/` against a row, the order keys of every group, and Folio's own
//! leftovers (temp files, trash).
//!
//! `repair` removes only Folio's own leftovers and puts back what it can; it
//! never deletes an original. An original without a row (after a crash, or an
//! older database restored) is re-registered into the "Recovered" group.

use std::path::{Path, PathBuf};

use rusqlite::params;

use super::catalog;
use super::error::{IoContext, Result};
use super::ids::{GroupId, ImageId};
use super::images;
use super::import;
use super::library::{Library, ORIGINALS_DIR, TEMP_PREFIX};

/// The group that re-registered originals go into.
pub const RECOVERED_GROUP: &str = "Recovered";

/// Something wrong with the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// `PRAGMA integrity_check` said this.
    Integrity(String),
    /// `PRAGMA foreign_key_check`: a row points at a missing parent.
    ForeignKey { table: String, rowid: i64, parent: String },
    /// An image row whose file is not there.
    MissingFile { image: ImageId, path: PathBuf },
    /// An image row whose file has other bytes than were imported.
    WrongContent { image: ImageId, path: PathBuf, reason: String },
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
            Problem::ForeignKey { table, rowid, parent } => {
                write!(f, "database: row {rowid} of {table} points at a missing {parent}")
            }
            Problem::MissingFile { image, path } => write!(f, "{image}: file missing: {}", path.display()),
            Problem::WrongContent { image, path, reason } => {
                write!(f, "{image}: file damaged: {}: {reason}", path.display())
            }
            Problem::Orphan { path } => write!(f, "file without a database row: {}", path.display()),
            Problem::Leftover { path } => write!(f, "leftover from an interrupted operation: {}", path.display()),
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
    let conn = lib.conn();

    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let line = row?;
        if line != "ok" {
            report.problems.push(Problem::Integrity(line));
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, String>(2)?)))? {
        let (table, rowid, parent) = row?;
        report.problems.push(Problem::ForeignKey { table, rowid: rowid.unwrap_or(-1), parent });
    }
    let mut stmt = conn.prepare(
        "SELECT image_group_id, sort_order FROM image_group_relations
         GROUP BY image_group_id, sort_order HAVING count(*) > 1",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
        let (group, sort_order) = row?;
        report.problems.push(Problem::DuplicateOrder { group, sort_order });
    }

    // Every row against its file.
    let rows = images::all_images(conn)?;
    let mut known: std::collections::HashSet<PathBuf> = std::collections::HashSet::with_capacity(rows.len());
    for img in &rows {
        let path = lib.file_path(&img.filename);
        known.insert(path.clone());
        report.images_checked += 1;
        match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report.problems.push(Problem::MissingFile { image: img.id, path })
            }
            Err(e) => report.problems.push(Problem::WrongContent { image: img.id, path, reason: e.to_string() }),
            Ok(bytes) => {
                let hash = blake3::hash(&bytes).to_hex().to_string();
                if hash != img.content_hash {
                    report.problems.push(Problem::WrongContent {
                        image: img.id,
                        path,
                        reason: format!("its hash is {hash}, not {}", img.content_hash),
                    });
                }
            }
        }
    }

    // Every file against a row.
    let mut files = Vec::new();
    list_files(&lib.originals_dir(), &mut files)?;
    for path in files {
        let is_temp = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(TEMP_PREFIX));
        if is_temp {
            report.problems.push(Problem::Leftover { path });
        } else {
            report.files_seen += 1;
            if !known.contains(&path) {
                report.problems.push(Problem::Orphan { path });
            }
        }
    }
    let mut trash = Vec::new();
    list_files(&lib.trash_dir(), &mut trash)?;
    report.problems.extend(trash.into_iter().map(|path| Problem::Leftover { path }));

    Ok(())
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(crate::core::Error::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.at(dir)?;
        let path = entry.path();
        let ft = entry.file_type().at(&path)?;
        if ft.is_dir() {
            list_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn mend(lib: &mut Library, report: &mut Report) -> Result<()> {
    let problems = report.problems.clone();
    let mut order_fixed = std::collections::HashSet::new();
    for problem in &problems {
        match problem {
            Problem::Leftover { path } if path.starts_with(lib.trash_dir()) => mend_trash(lib, path, report)?,
            Problem::Leftover { path } => match std::fs::remove_file(path) {
                Ok(()) => report.repaired.push(format!("removed temp file {}", path.display())),
                Err(e) => report.unrepaired.push(format!("{}: {e}", path.display())),
            },
            Problem::Orphan { path } => recover(lib, path, report)?,
            Problem::DuplicateOrder { group, .. } if order_fixed.insert(*group) => {
                renumber_group(lib, *group)?;
                report.repaired.push(format!("renumbered the order of {group}"));
            }
            Problem::DuplicateOrder { .. } => {}
            other => report.unrepaired.push(format!("{other} (not repaired: {})", advice(other))),
        }
    }
    Ok(())
}

fn advice(p: &Problem) -> &'static str {
    match p {
        Problem::MissingFile { .. } | Problem::WrongContent { .. } => {
            "import the original file again to restore it, or restore a backup of the library folder"
        }
        _ => "restore a backup of the database",
    }
}

/// A file in `trash/`: if its image row still exists (a delete that crashed
/// before its commit), put the file back; otherwise the delete finished and
/// the file is removed.
fn mend_trash(lib: &mut Library, path: &Path, report: &mut Report) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let hash = name.split('.').next().unwrap_or_default();
    match images::image_by_hash(lib.conn(), hash)? {
        Some(img) => {
            let back = lib.file_path(&img.filename);
            if back.exists() {
                std::fs::remove_file(path).at(path)?;
            } else {
                std::fs::rename(path, &back).at(path)?;
            }
            report.repaired.push(format!("put back the file of {} ({})", img.id, img.original_name));
        }
        None => {
            std::fs::remove_file(path).at(path)?;
            report.repaired.push(format!("finished deleting {}", path.display()));
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
        report.unrepaired.push(format!("{}: a copy of an image the library already has; left in place", path.display()));
        return Ok(());
    }
    let original_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
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
    report.repaired.push(format!("re-registered {} as {id} in group \u{201c}{RECOVERED_GROUP}\u{201d}", path.display()));
    Ok(())
}

/// Gives every image of a group a fresh key, keeping the current order.
fn renumber_group(lib: &mut Library, group: GroupId) -> Result<()> {
    lib.write(|tx| {
        let ids = images::group_image_ids(tx, group)?;
        let mut stmt = tx.prepare_cached(
            "UPDATE image_group_relations SET sort_order = ?3 WHERE image_group_id = ?1 AND image_id = ?2",
        )?;
        for (i, id) in ids.iter().enumerate() {
            stmt.execute(params![group, id, (i as i64 + 1) * super::order::GAP])?;
        }
        Ok(())
    })
}
