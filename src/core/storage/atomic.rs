//! Writing a file so that it either does not exist or holds all of its bytes:
//! a temp file in the same folder, written, (fsynced), renamed into place,
//! (and the folder fsynced). Every file Folio writes itself goes through
//! [`write_with`]; files SQLite writes (a backup, a restore's copy) are made
//! durable and renamed by [`persist`]. (A new database is built by SQLite and
//! renamed in without replacing one made meanwhile: `db::create`.)

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use super::layout::TEMP_PREFIX;
use crate::core::error::{Error, IoContext, Result};

/// How a file's bytes reach the disk. Tests swap in one that fails the way a
/// full or read-only disk does, part-way through a file.
pub type WriteFn = dyn Fn(&mut std::fs::File, &[u8]) -> std::io::Result<()> + Send + Sync;

/// The real [`WriteFn`].
pub fn write_all(file: &mut std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)
}

/// The environment variable that makes every file write of an import fail,
/// for trying the failure paths by hand and in tests: `disk-full` writes half
/// of each file and then fails as a full disk does; `read-only` fails at once
/// as a read-only disk does.
pub const FAILPOINT_ENV: &str = "FOLIO_FAILPOINT_WRITE";

/// A writer that fails like `fault` ("disk-full" or "read-only"), if that is
/// one of them.
pub fn fault_writer(fault: &str) -> Option<Arc<WriteFn>> {
    match fault {
        "disk-full" => Some(Arc::new(|file: &mut std::fs::File, bytes: &[u8]| {
            file.write_all(&bytes[..bytes.len() / 2])?;
            Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
        })),
        "read-only" => Some(Arc::new(|_: &mut std::fs::File, _: &[u8]| {
            Err(std::io::Error::from(std::io::ErrorKind::ReadOnlyFilesystem))
        })),
        _ => None,
    }
}

/// The writer `FOLIO_FAILPOINT_WRITE` asks for, else the real one.
pub fn writer_from_env() -> Arc<WriteFn> {
    match std::env::var(FAILPOINT_ENV)
        .ok()
        .as_deref()
        .and_then(fault_writer)
    {
        Some(w) => {
            log::warn!("{FAILPOINT_ENV} is set: every file write of an import will fail");
            w
        }
        None => Arc::new(write_all),
    }
}

/// How much a write must survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// A power cut too: the file and its folder are fsynced (originals,
    /// remembered failures).
    Durable,
    /// As [`Durability::Durable`], and the file left read-only: an original
    /// in the library, so that an editor opened on it cannot change the
    /// bytes its hash promises (`check` reports a write bit that came back).
    Original,
    /// A crash of Folio, not a power cut: no fsync. For caches, where a
    /// damaged file fails to decode and is simply made again, and three fsyncs
    /// per imported image would cost more than the import.
    Cache,
}

/// Writes `bytes` to `path` durably (see [`write_with`]).
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, bytes, Durability::Durable, &write_all)
}

/// Writes `bytes` to `path` through `write`, creating its folder: a temp file
/// in that folder, then a rename, so `path` never holds part of them. On any
/// error the temp file is removed.
pub fn write_with(
    path: &Path,
    bytes: &[u8],
    durability: Durability,
    write: &WriteFn,
) -> Result<()> {
    let dir = folder_of(path).ok_or_else(|| {
        Error::invalid("library path", format!("{} has no folder", path.display()))
    })?;
    std::fs::create_dir_all(dir).at(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .at(dir)?;
    // On error `tmp` is dropped, which removes the partial file.
    write(tmp.as_file_mut(), bytes).at(path)?;
    if durability == Durability::Original {
        // On the open file, before the fsync that makes it durable. A file
        // system that keeps no permission bits (FAT, some network and FUSE
        // mounts) may refuse: the original is still whole, so the import
        // goes on; `check` says what such a file system cannot keep.
        let mut perms = tmp.as_file().metadata().at(path)?.permissions();
        perms.set_readonly(true);
        if let Err(e) = tmp.as_file().set_permissions(perms) {
            log::warn!("{}: could not be made read-only: {e}", path.display());
        }
    }
    if durability != Durability::Cache {
        tmp.as_file().sync_all().at(path)?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    if durability != Durability::Cache {
        sync_dir(dir);
    }
    Ok(())
}

/// The folder a file at `path` goes into: its parent, `.` for a bare file
/// name ("works.csv"), `None` for a root.
pub fn folder_of(path: &Path) -> Option<&Path> {
    match path.parent() {
        Some(d) if d.as_os_str().is_empty() => Some(Path::new(".")),
        other => other,
    }
}

/// Takes every write permission off the file at `path` (its owner's too),
/// and says so if the file system did not keep that (FAT, some network and
/// FUSE mounts report every file writable whatever is asked).
pub fn set_read_only(path: &Path) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if !is_writable(&meta) {
        return Ok(());
    }
    let mut perms = meta.permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(path, perms)?;
    if is_writable(&std::fs::metadata(path)?) {
        return Err(std::io::Error::other(
            "its file system does not keep files read-only",
        ));
    }
    Ok(())
}

/// Whether the file of `meta` may be written to (on Unix: it has any write bit).
pub fn is_writable(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o222 != 0
    }
    #[cfg(not(unix))]
    {
        !meta.permissions().readonly()
    }
}

/// Makes a file that something else wrote at `tmp` (SQLite's `VACUUM INTO`, a
/// copy) durable and renames it to `path`.
pub fn persist(tmp: &Path, path: &Path) -> Result<()> {
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .at(tmp)?;
    std::fs::rename(tmp, path).at(path)?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// Makes a rename in `dir` durable. Failure only weakens durability after a
/// power cut (the repair path covers it), so it is logged, not returned.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        log::warn!("could not sync folder {}: {e}", dir.display());
    }
    #[cfg(not(unix))]
    let _ = dir;
}
