//! Bringing files into the library.
//!
//! For each file: read it (bounded), detect the format from its bytes (the name
//! is not trusted), decode it under [`image::Limits`] (which proves it is a whole
//! image and gives its displayed pixel size), hash it with BLAKE3, and then
//! write it into `originals/` under its content-addressed name — temp file in
//! the same folder → fsync → rename → fsync the folder — and only then insert
//! the row and the group membership, in one transaction.
//!
//! The same bytes again reuse the existing image. A bad file gets a per-file
//! error naming it and why; the rest of the batch goes on; nothing partial is
//! left behind; the source is only ever opened for reading.
//!
//! [`prepare`] touches nothing but the source file, so it can run on any thread;
//! [`store`] writes, on the thread that owns the [`Library`].

use std::collections::HashSet;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use image::{ImageDecoder, ImageFormat, ImageReader, Limits};

use super::db::sync_dir;
use super::error::{Error, IoContext, Result};
use super::ids::{GroupId, ImageId};
use super::images::{self, Format, NewImage};
use super::library::{Library, ORIGINALS_DIR, TEMP_PREFIX};

/// Files larger than this are refused before being read.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// Widest or tallest image accepted, in pixels.
pub const MAX_SIDE_PX: u32 = 40_000;
/// Most memory a decoder may allocate for one image.
pub const MAX_DECODE_BYTES: u64 = 1 << 30;

/// The decoding limits every decode in Folio uses.
pub fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// A file read and checked, ready to be stored.
#[derive(Debug)]
pub struct Prepared {
    /// Where it came from.
    pub source: PathBuf,
    /// The name to show (the source's file name).
    pub original_name: String,
    /// BLAKE3 of the bytes, lower-case hex.
    pub hash: String,
    pub format: Format,
    /// Displayed pixel size (EXIF orientation applied).
    pub width: u32,
    pub height: u32,
    bytes: Vec<u8>,
}

impl Prepared {
    /// Size of the file in bytes.
    pub fn byte_size(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// The file's path inside the store: `originals/ab/<hash>.<ext>`.
    pub fn filename(&self) -> String {
        format!(
            "{ORIGINALS_DIR}/{}/{}.{}",
            &self.hash[..2],
            self.hash,
            self.format.extension()
        )
    }
}

/// What happened to one file.
#[derive(Debug)]
pub enum Outcome {
    /// Copied into the library as a new image.
    Imported { image: ImageId, format: Format, width: u32, height: u32 },
    /// The library already had these bytes; the existing image was used.
    AlreadyInLibrary { image: ImageId, added_to_group: bool },
    /// Not imported; the error names the file and says why.
    Failed(Error),
}

/// One file's result.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub outcome: Outcome,
}

/// Where the import is in a batch.
#[derive(Clone, Debug)]
pub struct Progress<'a> {
    /// Files finished so far.
    pub done: usize,
    pub total: usize,
    /// The file being worked on.
    pub current: &'a Path,
}

/// The result of a batch.
#[derive(Debug, Default)]
pub struct Summary {
    /// Every file found, in the order it was handled.
    pub files: Vec<FileReport>,
    /// Whether the batch was cancelled before the end.
    pub cancelled: bool,
}

impl Summary {
    /// Files copied in as new images.
    pub fn imported(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Imported { .. }))
    }
    /// Files whose bytes the library already had.
    pub fn already(&self) -> usize {
        self.count(|o| matches!(o, Outcome::AlreadyInLibrary { .. }))
    }
    /// Files that could not be imported.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_)))
    }
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.files.iter().filter(|r| f(&r.outcome)).count()
    }
}

/// Imports files and folders (recursively) into `group`, in the order given
/// and, inside folders, by name. Hidden files inside folders are passed over.
/// `progress` is called before each file; `cancel` is checked between files.
pub fn import_paths(
    lib: &mut Library,
    paths: &[PathBuf],
    group: GroupId,
    mut progress: impl FnMut(Progress<'_>),
    cancel: &AtomicBool,
) -> Summary {
    let (files, mut reports) = collect(paths);
    let total = files.len() + reports.len();
    let mut summary = Summary::default();
    summary.files.append(&mut reports);
    for path in files {
        if cancel.load(Ordering::Relaxed) {
            summary.cancelled = true;
            break;
        }
        progress(Progress {
            done: summary.files.len(),
            total,
            current: &path,
        });
        let outcome = match prepare(&path) {
            Ok(p) => store(lib, p, group).unwrap_or_else(Outcome::Failed),
            Err(e) => Outcome::Failed(e),
        };
        summary.files.push(FileReport { path, outcome });
    }
    summary
}

/// Expands folders into the files under them (sorted by name; hidden entries,
/// symbolic links to folders and special files are passed over) and returns
/// the files with reports for anything that could not be listed. Paths given
/// explicitly are always tried, whatever their name.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileReport>) {
    let mut files = Vec::new();
    let mut reports = Vec::new();
    let mut seen_dirs = HashSet::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut files, &mut reports, &mut seen_dirs),
            Ok(_) => files.push(path.clone()),
            Err(e) => reports.push(FileReport {
                path: path.clone(),
                outcome: Outcome::Failed(Error::io(path, e)),
            }),
        }
    }
    (files, reports)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, reports: &mut Vec<FileReport>, seen: &mut HashSet<PathBuf>) {
    let fail = |reports: &mut Vec<FileReport>, e: Error| {
        reports.push(FileReport {
            path: dir.to_path_buf(),
            outcome: Outcome::Failed(e),
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
                reports.push(FileReport {
                    outcome: Outcome::Failed(Error::io(&child, e)),
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
                Ok(m) if m.is_dir() => log::info!("not following link to folder {}", child.display()),
                Ok(_) => {}
                Err(e) => reports.push(FileReport {
                    outcome: Outcome::Failed(Error::bad_image(&child, format!("broken or looping link: {e}"))),
                    path: child,
                }),
            }
        }
        // FIFOs, sockets and devices inside a folder are not files to import.
    }
}

/// Reads and checks one file without writing anything: format from the bytes,
/// full decode under [`limits`], BLAKE3 hash. A panic inside a decoder becomes
/// an error about this file.
pub fn prepare(path: &Path) -> Result<Prepared> {
    std::panic::catch_unwind(|| prepare_inner(path)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        Err(Error::bad_image(path, format!("the decoder failed on this file ({what})")))
    })
}

fn prepare_inner(path: &Path) -> Result<Prepared> {
    let meta = std::fs::metadata(path).at(path)?;
    if !meta.is_file() {
        return Err(Error::bad_image(path, "not a regular file"));
    }
    if meta.len() == 0 {
        return Err(Error::bad_image(path, "the file is empty (0 bytes)"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Error::bad_image(
            path,
            format!("the file is {} MiB; Folio takes files up to {} MiB", meta.len() >> 20, MAX_FILE_BYTES >> 20),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .at(path)?;
    if bytes.is_empty() {
        return Err(Error::bad_image(path, "the file is empty (0 bytes)"));
    }
    let format = detect(path, &bytes)?;
    let (width, height) = decode_check(path, &bytes, format)?;
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let original_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("image.{}", format.extension()));
    Ok(Prepared {
        source: path.to_path_buf(),
        original_name,
        hash,
        format,
        width,
        height,
        bytes,
    })
}

/// The format from the file's first bytes; the extension only shapes the message.
fn detect(path: &Path, bytes: &[u8]) -> Result<Format> {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Ok(Format::Jpeg),
        Ok(ImageFormat::Png) => Ok(Format::Png),
        Ok(ImageFormat::WebP) => Ok(Format::WebP),
        Ok(ImageFormat::Gif) => Ok(Format::Gif),
        Ok(ImageFormat::Tiff) => Ok(Format::Tiff),
        Ok(other) => Err(Error::bad_image(
            path,
            format!("{} images are not supported ({SUPPORTED})", other.extensions_str().first().unwrap_or(&"this kind of").to_uppercase()),
        )),
        Err(_) => {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            let kind = match ext.as_str() {
                "heic" | "heif" => Some("HEIC/HEIF images are"),
                "avif" => Some("AVIF images are"),
                "cr2" | "cr3" | "nef" | "arw" | "dng" | "raf" | "orf" | "rw2" | "pef" | "srw" => {
                    Some("camera RAW files are")
                }
                "psd" | "psb" => Some("Photoshop documents are"),
                "svg" | "svgz" => Some("SVG drawings are"),
                "pdf" => Some("PDF documents are"),
                _ => None,
            };
            Err(Error::bad_image(
                path,
                match kind {
                    Some(k) => format!("{k} not supported ({SUPPORTED})"),
                    None => format!("not an image Folio can read ({SUPPORTED})"),
                },
            ))
        }
    }
}

const SUPPORTED: &str = "Folio takes JPEG, PNG, WebP, GIF and TIFF";

/// Decodes the whole image under [`limits`]: proves the file is complete and
/// gives its displayed size.
fn decode_check(path: &Path, bytes: &[u8], format: Format) -> Result<(u32, u32)> {
    let image_format = match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::WebP => ImageFormat::WebP,
        Format::Gif => ImageFormat::Gif,
        Format::Tiff => ImageFormat::Tiff,
    };
    let label = format.label();
    let damaged = |e: image::ImageError| {
        let reason = match e {
            image::ImageError::Limits(l) => format!("the {label} image is too large to open safely ({l})"),
            other => format!("the {label} file is damaged or incomplete ({other})"),
        };
        Error::bad_image(path, reason)
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(Error::bad_image(path, format!("the {label} image has no pixels ({w}×{h})")));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    image::DynamicImage::from_decoder(decoder).map_err(damaged)?;
    use image::metadata::Orientation::*;
    Ok(match orientation {
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH => (h, w),
        _ => (w, h),
    })
}

/// Stores a prepared file in the library and adds it to `group` (at the end).
pub fn store(lib: &mut Library, prepared: Prepared, group: GroupId) -> Result<Outcome> {
    if let Some(existing) = images::image_by_hash(lib.conn(), &prepared.hash)? {
        // Same bytes as an image we have. If its file went missing or was
        // damaged, these bytes put it right.
        let path = lib.file_path(&existing.filename);
        if !file_matches(&path, prepared.byte_size()) {
            log::warn!("restoring the missing or damaged file {}", path.display());
            write_atomically(&path, &prepared.bytes)?;
        }
        let added = lib.write(|tx| images::add_images(tx, group, &[existing.id], None))?;
        return Ok(Outcome::AlreadyInLibrary {
            image: existing.id,
            added_to_group: added > 0,
        });
    }
    let filename = prepared.filename();
    let path = lib.file_path(&filename);
    let created = !file_matches(&path, prepared.byte_size());
    if created {
        write_atomically(&path, &prepared.bytes)?;
    }
    let new = NewImage {
        store: lib.store(),
        filename: &filename,
        original_name: &prepared.original_name,
        content_hash: &prepared.hash,
        byte_size: prepared.byte_size(),
        width: prepared.width,
        height: prepared.height,
        format: prepared.format,
    };
    let inserted = lib.write(|tx| {
        let id = images::insert_image(tx, &new)?;
        images::add_images(tx, group, &[id], None)?;
        Ok(id)
    });
    match inserted {
        Ok(image) => Ok(Outcome::Imported {
            image,
            format: prepared.format,
            width: prepared.width,
            height: prepared.height,
        }),
        Err(e) => {
            // Leave nothing behind that we made, unless a row now owns the file.
            let owned = images::image_by_hash(lib.conn(), &prepared.hash).ok().flatten().is_some();
            if created && !owned {
                if let Err(rm) = std::fs::remove_file(&path) {
                    log::warn!("could not remove {} after a failed import: {rm}", path.display());
                }
            }
            Err(e)
        }
    }
}

fn file_matches(path: &Path, size: u64) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == size)
}

/// Writes `bytes` to `path` so that `path` either does not exist or holds all
/// of them: temp file in the same folder, fsync, rename, fsync the folder. On
/// any error the temp file is removed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::invalid("library path", format!("{} has no folder", path.display())))?;
    std::fs::create_dir_all(dir).at(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .at(dir)?;
    tmp.write_all(bytes).at(tmp.path())?;
    tmp.as_file().sync_all().at(tmp.path())?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    sync_dir(dir);
    Ok(())
}
