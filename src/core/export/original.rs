//! "Export original…": a copy of an original exactly as it was imported, under
//! the name the artist chose (their own file name, proposed). The copy is
//! checked against the hash the library holds for it as it is written, so a
//! damaged library file is said, never handed on; it is written to a temp
//! file beside the target and renamed in (whole or not at all), readable by
//! everyone and writable by its owner, unlike the read-only original.

use std::io::{Read, Write};
use std::path::Path;

use super::temp_error;
use crate::core::error::{Error, IoContext, Result};
use crate::core::storage::layout::TEMP_PREFIX;

/// Copies the library file `original` (whose BLAKE3 is `hash`) to `to`,
/// replacing a file there. Returns the bytes written.
pub fn export_original(original: &Path, hash: &str, to: &Path) -> Result<u64> {
    if to.is_dir() {
        return Err(Error::invalid(
            "export original",
            format!("{} is a folder: give the copy a file name", to.display()),
        ));
    }
    if std::fs::canonicalize(to)
        .is_ok_and(|t| std::fs::canonicalize(original).is_ok_and(|o| o == t))
    {
        return Err(Error::invalid(
            "export original",
            format!("{} is the library's own file", to.display()),
        ));
    }
    let dir = crate::core::storage::atomic::folder_of(to).ok_or_else(|| {
        Error::invalid("export original", format!("{} has no folder", to.display()))
    })?;
    if !dir.is_dir() {
        return Err(Error::invalid(
            "export original",
            format!("{}: there is no such folder", dir.display()),
        ));
    }
    // originals/ab/<hash>.<ext>: a copy in there would be a file without a row.
    let originals = original.parent().and_then(Path::parent);
    if let (Ok(d), Some(Ok(o))) = (
        std::fs::canonicalize(dir),
        originals.map(std::fs::canonicalize),
    ) && d.starts_with(&o)
    {
        return Err(Error::invalid(
            "export original",
            format!(
                "{} is inside the library's originals folder: choose a folder of your own",
                dir.display()
            ),
        ));
    }
    let mut source = std::fs::File::open(original).at(original)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    // Dropped on any error below, which removes the partial copy.
    let mut tmp = builder.tempfile_in(dir).map_err(|e| temp_error(dir, e))?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut written = 0u64;
    loop {
        let n = source.read(&mut buf).at(original)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        tmp.write_all(&buf[..n]).at(to)?;
        written += n as u64;
    }
    let got = hasher.finalize().to_hex();
    if got.as_str() != hash {
        return Err(Error::invalid(
            "export original",
            format!(
                "{}: the library's file is damaged (its bytes are not the ones imported), so no copy was made; `folio check` says more",
                original.display()
            ),
        ));
    }
    tmp.as_file().sync_all().at(to)?;
    tmp.persist(to).map_err(|e| Error::io(to, e.error))?;
    crate::core::storage::atomic::sync_dir(dir);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn original(dir: &Path, bytes: &[u8]) -> (std::path::PathBuf, String) {
        let folder = dir.join("lib/originals/ab");
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join("ab12.jpg");
        std::fs::write(&path, bytes).unwrap();
        crate::core::storage::atomic::set_read_only(&path).unwrap();
        (path, blake3::hash(bytes).to_hex().to_string())
    }

    #[test]
    fn the_copy_is_the_original_byte_for_byte_and_can_be_edited() {
        let dir = tempfile::tempdir().unwrap();
        let (src, hash) = original(dir.path(), b"the artist's bytes");
        let to = dir.path().join("Harbour at dusk.jpg");
        assert_eq!(export_original(&src, &hash, &to).unwrap(), 18);
        assert_eq!(std::fs::read(&to).unwrap(), b"the artist's bytes");
        let meta = std::fs::metadata(&to).unwrap();
        assert!(crate::core::storage::atomic::is_writable(&meta));
        // Again, over the first copy.
        export_original(&src, &hash, &to).unwrap();
        assert_eq!(std::fs::read(&to).unwrap(), b"the artist's bytes");
    }

    #[test]
    fn a_damaged_library_file_is_said_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let (src, _) = original(dir.path(), b"changed bytes");
        let hash = blake3::hash(b"imported bytes").to_hex().to_string();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let e = export_original(&src, &hash, &out.join("a.jpg")).unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    }

    #[test]
    fn a_folder_or_a_missing_folder_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let (src, hash) = original(dir.path(), b"x");
        let e = export_original(&src, &hash, dir.path()).unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        let e = export_original(&src, &hash, &dir.path().join("nope/a.jpg")).unwrap_err();
        assert!(e.to_string().contains("no such folder"), "{e}");
        let e = export_original(&src, &hash, &src).unwrap_err();
        assert!(e.to_string().contains("library's own file"), "{e}");
        let e = export_original(&src, &hash, &dir.path().join("lib/originals/x.jpg")).unwrap_err();
        assert!(
            e.to_string().contains("inside the library's originals"),
            "{e}"
        );
    }
}
