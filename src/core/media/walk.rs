//! Turning the paths an artist dropped or picked into the files to import:
//! folders walked by name, hidden entries and links to folders passed over,
//! and anything that is not a regular file named, never opened.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::core::error::Error;

/// A path given or found that is not a file to import, and why.
#[derive(Debug)]
pub struct Refused {
    pub path: PathBuf,
    pub error: Error,
}

/// Expands folders into the files under them (sorted by name; hidden entries
/// and symbolic links to folders are passed over) and returns the files with
/// reports for anything that could not be listed or is not a regular file (a
/// pipe, socket or device inside a folder is named, never opened). Paths given
/// explicitly are always tried, whatever their name.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Refused>) {
    let mut files = Vec::new();
    let mut reports = Vec::new();
    let mut seen_dirs = HashSet::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut files, &mut reports, &mut seen_dirs),
            Ok(_) => files.push(path.clone()),
            Err(e) => reports.push(Refused {
                path: path.clone(),
                error: Error::io(path, e),
            }),
        }
    }
    (files, reports)
}

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    reports: &mut Vec<Refused>,
    seen: &mut HashSet<PathBuf>,
) {
    let fail = |reports: &mut Vec<Refused>, e: Error| {
        reports.push(Refused {
            path: dir.to_path_buf(),
            error: e,
        })
    };
    // A folder reached twice (through a bind mount or a link given twice) is
    // listed once; symbolic links to folders are never followed inside a walk.
    match std::fs::canonicalize(dir) {
        Ok(real) => {
            if !seen.insert(real) {
                return;
            }
        }
        Err(e) => return fail(reports, Error::io(dir, e)),
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => return fail(reports, Error::io(dir, e)),
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => children.push(e.path()),
            Err(e) => fail(reports, Error::io(dir, e)),
        }
    }
    children.sort();
    for child in children {
        let hidden = child
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        let meta = match std::fs::symlink_metadata(&child) {
            Ok(m) => m,
            Err(e) => {
                reports.push(Refused {
                    error: Error::io(&child, e),
                    path: child,
                });
                continue;
            }
        };
        let ft = meta.file_type();
        if ft.is_dir() {
            walk(&child, files, reports, seen);
        } else if ft.is_file() {
            files.push(child);
        } else if ft.is_symlink() {
            // A link to a file is followed (its content is what counts); a link
            // to a folder, or a broken link, is not.
            match std::fs::metadata(&child) {
                Ok(m) if m.is_file() => files.push(child),
                Ok(m) if m.is_dir() => {
                    log::info!("not following link to folder {}", child.display())
                }
                Ok(_) => reports.push(special(child)),
                Err(e) => reports.push(Refused {
                    error: Error::bad_image(&child, format!("broken or looping link: {e}")),
                    path: child,
                }),
            }
        } else {
            // FIFOs, sockets and devices: never opened (a FIFO would block).
            reports.push(special(child));
        }
    }
}

fn special(path: PathBuf) -> Refused {
    Refused {
        error: Error::bad_image(
            &path,
            "not a regular file (a pipe, socket or device); passed over",
        ),
        path,
    }
}
