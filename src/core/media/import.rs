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

use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::decode::Decoded;
use super::validate::{decode_check, detect};
use super::walk::collect;
use super::{colour, thumbnail};
use crate::core::error::{Error, IoContext, Result};
use crate::core::format::Format;
use crate::core::ids::{GroupId, ImageId};
use crate::core::model::images::{self, NewImage};
use crate::core::pool;
use crate::core::storage::Library;
use crate::core::storage::atomic::{self, Durability, WriteFn, write_all};
use crate::core::storage::layout;
use crate::core::storage::library::file_in_store;

/// Files larger than this are refused before being read.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

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
    /// Its thumbnails, made from the same decode: (longest side, encoded file,
    /// has transparency).
    thumbnails: Vec<(u32, Vec<u8>, bool)>,
}

impl Prepared {
    /// Size of the file in bytes.
    pub fn byte_size(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// The file's path inside the store: `originals/ab/<hash>.<ext>`.
    pub fn filename(&self) -> String {
        layout::original_name(&self.hash, self.format)
    }
}

/// What happened to one file.
#[derive(Debug)]
pub enum Outcome {
    /// Copied into the library as a new image.
    Imported {
        image: ImageId,
        format: Format,
        width: u32,
        height: u32,
    },
    /// The library already had these bytes; the existing image was used.
    AlreadyInLibrary {
        image: ImageId,
        added_to_group: bool,
    },
    /// Not imported; the error names the file and says why.
    Failed(Error),
}

/// One file's result.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub outcome: Outcome,
}

/// What an import reports as it goes, for a progress line or bar.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// Work on this file is starting (`done` files are finished).
    Started {
        done: usize,
        total: usize,
        path: &'a Path,
    },
    /// This file is finished: imported, found already there, or failed.
    Finished {
        done: usize,
        total: usize,
        report: &'a FileReport,
    },
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
///
/// Files are read and decoded on one named worker per core ([`pool`]); each is
/// stored, in order, on this thread. `events` hears of every file as it
/// finishes; `cancel` is checked between files: the file being stored is
/// finished, later ones are not started.
///
/// [`pool`]: super::pool
pub fn import_paths(
    lib: &mut Library,
    paths: &[PathBuf],
    group: GroupId,
    events: impl FnMut(Event<'_>),
    cancel: &AtomicBool,
) -> Summary {
    import_paths_with(lib, paths, group, events, cancel, &write_all)
}

/// [`import_paths`], writing files through `write`.
pub fn import_paths_with(
    lib: &mut Library,
    paths: &[PathBuf],
    group: GroupId,
    mut events: impl FnMut(Event<'_>),
    cancel: &AtomicBool,
    write: &WriteFn,
) -> Summary {
    let (files, refused) = collect(paths);
    let reports: Vec<FileReport> = refused
        .into_iter()
        .map(|r| FileReport {
            path: r.path,
            outcome: Outcome::Failed(r.error),
        })
        .collect();
    let total = files.len() + reports.len();
    let mut summary = Summary::default();
    for report in reports {
        summary.files.push(report);
        if let Some(report) = summary.files.last() {
            events(Event::Finished {
                done: summary.files.len(),
                total,
                report,
            });
        }
    }
    if let Some(first) = files.first() {
        events(Event::Started {
            done: summary.files.len(),
            total,
            path: first,
        });
    }
    pool::map_ordered(
        "folio-import",
        &files,
        pool::default_workers(),
        |path| {
            if cancel.load(Ordering::Relaxed) {
                None
            } else {
                Some(prepare(path))
            }
        },
        |index, path, prepared| {
            let outcome = match prepared {
                _ if cancel.load(Ordering::Relaxed) => None,
                Ok(None) => None,
                Ok(Some(Ok(p))) => {
                    Some(store_with(lib, p, group, write).unwrap_or_else(Outcome::Failed))
                }
                Ok(Some(Err(e))) => Some(Outcome::Failed(e)),
                Err(panic) => Some(Outcome::Failed(Error::bad_image(
                    path,
                    format!(
                        "reading this file crashed ({})",
                        pool::panic_message(&*panic)
                    ),
                ))),
            };
            let Some(outcome) = outcome else {
                summary.cancelled = true;
                return ControlFlow::Break(());
            };
            summary.files.push(FileReport {
                path: path.clone(),
                outcome,
            });
            let done = summary.files.len();
            if let Some(report) = summary.files.last() {
                events(Event::Finished {
                    done,
                    total,
                    report,
                });
            }
            if let Some(next) = files.get(index + 1) {
                events(Event::Started {
                    done,
                    total,
                    path: next,
                });
            }
            ControlFlow::Continue(())
        },
    );
    summary
}

/// Reads and checks one file without writing anything: format from the bytes,
/// full decode under [`limits`], BLAKE3 hash. A panic inside a decoder becomes
/// an error about this file.
pub fn prepare(path: &Path) -> Result<Prepared> {
    crate::core::panics::catch_unwind(|| prepare_inner(path)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        Err(Error::bad_image(
            path,
            format!("the decoder failed on this file ({what})"),
        ))
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
            format!(
                "the file is {} MiB; Folio takes files up to {} MiB",
                meta.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
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
    let (width, height, decoded) = decode_check(path, &bytes, format)?;
    let thumbnails = make_thumbnails(path, decoded)?;
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
        thumbnails,
    })
}

/// The grid's thumbnail from the validating decode. (The preview size is
/// made when an image is first inspected: one at a time, and it would cost
/// the import a second, larger encode per file.)
fn make_thumbnails(path: &Path, decoded: Decoded) -> Result<Vec<(u32, Vec<u8>, bool)>> {
    let mut small = thumbnail::shrink(&decoded.image, thumbnail::SMALL)
        .map_err(|e| Error::bad_image(path, e))?;
    drop(decoded.image);
    colour::shown_in_srgb(&mut small, decoded.icc.as_deref());
    small.apply_orientation(decoded.orientation);
    let alpha = small.color().has_alpha();
    Ok(vec![(thumbnail::SMALL, thumbnail::encode(&small)?, alpha)])
}

/// Stores a prepared file in the library and adds it to `group` (at the end).
pub fn store(lib: &mut Library, prepared: Prepared, group: GroupId) -> Result<Outcome> {
    store_with(lib, prepared, group, &write_all)
}

/// [`store`], writing the file through `write`.
///
/// The row and its file are decided together, under the database's write
/// lock: a delete moves files only while it holds that lock
/// ([`crate::core::storage::trash`]), so no delete can take the file away
/// between the check that it is there and the commit that points a row at
/// it. A new file is written before the lock is taken (a large file's fsync
/// should not hold up other writers); inside it, the file is checked again
/// and written again if a delete took it meanwhile.
pub fn store_with(
    lib: &mut Library,
    prepared: Prepared,
    group: GroupId,
    write: &WriteFn,
) -> Result<Outcome> {
    let store_failed = |e: Error| Error::Store {
        path: prepared.source.clone(),
        inner: Box::new(e),
    };
    let existing = images::image_by_hash(lib.conn(), &prepared.hash)?;
    let mut written: Vec<PathBuf> = Vec::new();
    if existing.is_none() {
        let path = lib.file_path(&prepared.filename())?;
        if !file_holds(&path, &prepared) {
            atomic::write_with(&path, &prepared.bytes, Durability::Original, write)
                .map_err(store_failed)?;
            written.push(path);
        }
    }
    let (store, store_root) = (lib.store(), lib.store_root().to_path_buf());
    let new_filename = prepared.filename();
    // The row, deciding new or existing under the write lock (another
    // connection may have imported or deleted the same bytes meanwhile), and
    // the file it names made whole: put back if it went missing, replaced if
    // its bytes are not these (a damaged original, re-imported as `check`
    // advises).
    let stored = lib.write(|tx| {
        let existing = images::image_by_hash(tx, &prepared.hash)?;
        let filename = existing
            .as_ref()
            .map_or(new_filename.as_str(), |e| e.filename.as_str());
        let path = file_in_store(&store_root, filename)?;
        if !file_holds(&path, &prepared) {
            atomic::write_with(&path, &prepared.bytes, Durability::Original, write)
                .map_err(store_failed)?;
            written.push(path);
        }
        match existing {
            Some(existing) => {
                let added = images::add_images(tx, group, &[existing.id], None)?;
                Ok(Outcome::AlreadyInLibrary {
                    image: existing.id,
                    added_to_group: added > 0,
                })
            }
            None => {
                let new = NewImage {
                    store,
                    filename: &new_filename,
                    original_name: &prepared.original_name,
                    content_hash: &prepared.hash,
                    byte_size: prepared.byte_size(),
                    width: prepared.width,
                    height: prepared.height,
                    format: prepared.format,
                };
                let image = images::insert_image(tx, &new)?;
                images::add_images(tx, group, &[image], None)?;
                Ok(Outcome::Imported {
                    image,
                    format: prepared.format,
                    width: prepared.width,
                    height: prepared.height,
                })
            }
        }
    });
    match &stored {
        Ok(_) => {
            if !written.is_empty() {
                // The original is whole again: a preview that could not be
                // made from what was there before is tried again.
                thumbnail::forget_failure(lib.store_root(), &prepared.hash);
            }
            for (size, bytes, alpha) in &prepared.thumbnails {
                let path = layout::thumb_path(lib.store_root(), &prepared.hash, *size, *alpha);
                if !path.exists()
                    && let Err(e) = atomic::write_with(&path, bytes, Durability::Cache, &write_all)
                {
                    // Not fatal: the app makes a missing thumbnail when it needs it.
                    log::warn!("could not save a thumbnail: {e}");
                }
            }
        }
        Err(_) if !written.is_empty() => {
            // Leave nothing behind that we made, unless a row now owns the
            // file: decided under the write lock, so another import of the
            // same bytes cannot commit its row between the look and the
            // unlink. If even that fails, the file stays for `check --repair`.
            let cleaned = lib.write(|tx| {
                if images::image_by_hash(tx, &prepared.hash)?.is_none() {
                    for path in &written {
                        if let Err(rm) = std::fs::remove_file(path) {
                            log::warn!(
                                "could not remove {} after a failed import: {rm}",
                                path.display()
                            );
                        }
                    }
                }
                Ok(())
            });
            if let Err(e) = cleaned {
                log::warn!("a failed import's file is left for `folio check --repair`: {e}");
            }
        }
        Err(_) => {}
    }
    stored
}

/// Whether the file at `path` holds exactly the prepared bytes: its size,
/// and then its hash (a damaged file of the same size is not whole).
fn file_holds(path: &Path, prepared: &Prepared) -> bool {
    let same_size =
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == prepared.byte_size());
    same_size
        && std::fs::File::open(path)
            .and_then(|f| blake3::Hasher::new().update_reader(f).map(|h| h.finalize()))
            .is_ok_and(|h| h.to_hex().as_str() == prepared.hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::catalog;
    use crate::core::{check, sample};

    struct Fixture {
        _dir: tempfile::TempDir,
        lib: Library,
        src: PathBuf,
        group: GroupId,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path().join("lib")).unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).unwrap();
        let group = lib
            .write(|tx| catalog::create_group(tx, "Imports", None))
            .unwrap();
        Fixture {
            _dir: dir,
            lib,
            src,
            group,
        }
    }

    impl Fixture {
        fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
            let p = self.src.join(name);
            if let Some(dir) = p.parent() {
                std::fs::create_dir_all(dir).unwrap();
            }
            std::fs::write(&p, bytes).unwrap();
            p
        }
        fn import(&mut self, paths: &[PathBuf]) -> Summary {
            import_paths(
                &mut self.lib,
                paths,
                self.group,
                |_| {},
                &AtomicBool::new(false),
            )
        }
        fn failure(&mut self, path: PathBuf) -> String {
            let s = self.import(std::slice::from_ref(&path));
            match &s.files[0].outcome {
                Outcome::Failed(e) => {
                    let msg = e.to_string();
                    assert!(
                        msg.contains(&*path.to_string_lossy()),
                        "the message names the file: {msg}"
                    );
                    msg
                }
                other => panic!("{} should have failed, got {other:?}", path.display()),
            }
        }
        fn originals(&self) -> Vec<PathBuf> {
            crate::core::storage::tree::files_under(&self.lib.originals_dir()).unwrap()
        }
    }

    #[test]
    fn every_supported_format_is_imported_once_with_its_facts() {
        let mut f = fixture();
        let paths: Vec<_> = sample::ENCODABLE
            .iter()
            .enumerate()
            .map(|(i, fmt)| {
                f.file(
                    &format!("pic{i}.{}", fmt.extension()),
                    &sample::image_bytes(*fmt, 64, 48, i as u64).unwrap(),
                )
            })
            .collect();
        let s = f.import(&paths);
        assert_eq!(
            (s.imported(), s.failed()),
            (sample::ENCODABLE.len(), 0),
            "{s:?}"
        );
        let imgs = images::group_images(f.lib.conn(), f.group).unwrap();
        let formats: Vec<_> = imgs.iter().map(|i| i.format).collect();
        assert_eq!(formats, sample::ENCODABLE, "imported in the order given");
        for (img, path) in imgs.iter().zip(&paths) {
            assert_eq!((img.width, img.height), (64, 48));
            let bytes = std::fs::read(path).unwrap();
            assert_eq!(img.byte_size, bytes.len() as u64);
            assert_eq!(img.content_hash, blake3::hash(&bytes).to_hex().to_string());
            assert_eq!(
                img.original_name,
                path.file_name().unwrap().to_string_lossy()
            );
            // Stored under its hash, never its user-given name, with identical bytes.
            assert!(img.filename.contains(&img.content_hash));
            assert_eq!(
                std::fs::read(f.lib.file_path(&img.filename).unwrap()).unwrap(),
                bytes
            );
        }
        assert!(check::check(&mut f.lib, false).unwrap().is_clean());
    }

    #[test]
    fn the_same_bytes_twice_reuse_the_image() {
        let mut f = fixture();
        let bytes = sample::image_bytes(Format::Png, 32, 32, 1).unwrap();
        let a = f.file("a.png", &bytes);
        let b = f.file("copy of a.png", &bytes);
        let s = f.import(&[a.clone(), b]);
        assert_eq!((s.imported(), s.already()), (1, 1));
        assert!(matches!(
            s.files[1].outcome,
            Outcome::AlreadyInLibrary {
                added_to_group: false,
                ..
            }
        ));
        // Into another group: the file is stored once, the image is in both.
        let other = f
            .lib
            .write(|tx| catalog::create_group(tx, "Other", None))
            .unwrap();
        let s = import_paths(&mut f.lib, &[a], other, |_| {}, &AtomicBool::new(false));
        assert!(matches!(
            s.files[0].outcome,
            Outcome::AlreadyInLibrary {
                added_to_group: true,
                ..
            }
        ));
        assert_eq!(images::all_images(f.lib.conn()).unwrap().len(), 1);
        assert_eq!(f.originals().len(), 1);
        assert_eq!(
            images::group_image_ids(f.lib.conn(), other).unwrap().len(),
            1
        );
    }

    #[test]
    fn a_mislabelled_file_is_taken_by_its_content() {
        let mut f = fixture();
        let p = f.file(
            "really-a-jpeg.png",
            &sample::image_bytes(Format::Jpeg, 20, 10, 3).unwrap(),
        );
        let s = f.import(&[p]);
        assert!(matches!(
            s.files[0].outcome,
            Outcome::Imported {
                format: Format::Jpeg,
                width: 20,
                height: 10,
                ..
            }
        ));
        let img = &images::group_images(f.lib.conn(), f.group).unwrap()[0];
        assert!(img.filename.ends_with(".jpg"), "{}", img.filename);
        assert_eq!(img.original_name, "really-a-jpeg.png");
    }

    #[test]
    fn bad_files_fail_with_their_reason_and_leave_nothing() {
        let mut f = fixture();
        let jpeg = sample::image_bytes(Format::Jpeg, 200, 150, 5).unwrap();
        let png = sample::image_bytes(Format::Png, 200, 150, 5).unwrap();
        let cases: Vec<(PathBuf, &str)> = vec![
            (f.file("empty.jpg", b""), "empty"),
            (
                f.file("notes.jpg", b"just some text, not a picture"),
                "not an image",
            ),
            (
                f.file("photo.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
                "HEIC",
            ),
            (f.file("scan.cr2", b"II*\0\x10\0\0\0CR\x02\0"), "camera RAW"),
            (
                f.file(
                    "scan.dng",
                    &sample::image_bytes(Format::Tiff, 8, 8, 1).unwrap(),
                ),
                "camera RAW",
            ),
            (f.file("layers.psd", b"8BPS\0\x01"), "Photoshop"),
            (
                f.file("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
                "SVG",
            ),
            (f.file("cut.png", &png[..png.len() / 2]), "incomplete"),
            (f.file("cut.jpg", &jpeg[..40]), "incomplete"),
            (
                f.file("bitmap.bmp", b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0"),
                "not supported",
            ),
        ];
        for (path, expected) in cases {
            let before = std::fs::read(&path).unwrap();
            let msg = f.failure(path.clone());
            assert!(msg.contains(expected), "{}: {msg}", path.display());
            assert_eq!(
                std::fs::read(&path).unwrap(),
                before,
                "the source is untouched"
            );
        }
        let missing = f.src.join("no such file.png");
        assert!(f.failure(missing).contains("No such file"));
        assert!(
            f.originals().is_empty(),
            "nothing partial: {:?}",
            f.originals()
        );
        assert!(images::all_images(f.lib.conn()).unwrap().is_empty());
    }

    #[test]
    fn a_jpeg_truncated_anywhere_is_refused() {
        let mut f = fixture();
        let jpeg = sample::image_bytes(Format::Jpeg, 320, 240, 11).unwrap();
        for len in (3..jpeg.len())
            .step_by(jpeg.len() / 40 + 1)
            .chain([jpeg.len() - 1, jpeg.len() - 2])
        {
            let p = f.file(&format!("cut-{len}.jpg"), &jpeg[..len]);
            let msg = f.failure(p);
            assert!(
                msg.contains("incomplete") || msg.contains("damaged"),
                "{len}: {msg}"
            );
        }
        // Bytes after the end-of-image marker (camera trailers) are fine.
        let mut trailer = jpeg.clone();
        trailer.extend_from_slice(b"SAMSUNG TRAILER DATA");
        let s = f.import(&[f.file("trailer.jpg", &trailer)]);
        assert_eq!(s.imported(), 1, "{s:?}");
    }

    #[test]
    fn a_png_declaring_a_huge_canvas_is_refused_by_the_limits() {
        let mut f = fixture();
        let png = sample::png_declaring(100_000, 100_000).unwrap();
        let msg = f.failure(f.file("huge.png", &png));
        assert!(msg.contains("too large"), "{msg}");
    }

    #[test]
    fn a_folder_is_walked_in_name_order_and_the_batch_goes_on_past_failures() {
        let mut f = fixture();
        f.file(
            "show/b.png",
            &sample::image_bytes(Format::Png, 10, 10, 2).unwrap(),
        );
        f.file(
            "show/a.jpg",
            &sample::image_bytes(Format::Jpeg, 10, 10, 1).unwrap(),
        );
        f.file("show/broken.jpg", b"\xff\xd8\xff garbage");
        f.file(
            "show/nested/c.webp",
            &sample::image_bytes(Format::WebP, 10, 10, 3).unwrap(),
        );
        f.file("show/.DS_Store", b"junk the OS leaves");
        let progress = std::cell::RefCell::new(Vec::new());
        let s = import_paths(
            &mut f.lib,
            &[f.src.join("show")],
            f.group,
            |e| {
                let (kind, path) = match e {
                    Event::Started { path, .. } => ("start", path),
                    Event::Finished { report, .. } => ("done", report.path.as_path()),
                };
                let name = path.file_name().unwrap().to_string_lossy();
                progress.borrow_mut().push(format!("{kind} {name}"));
            },
            &AtomicBool::new(false),
        );
        assert_eq!(
            (s.imported(), s.failed(), s.files.len()),
            (3, 1, 4),
            "{s:?}"
        );
        let names: Vec<_> = images::group_images(f.lib.conn(), f.group)
            .unwrap()
            .into_iter()
            .map(|i| i.original_name)
            .collect();
        assert_eq!(names, ["a.jpg", "b.png", "c.webp"]);
        assert_eq!(
            *progress.borrow(),
            [
                "start a.jpg",
                "done a.jpg",
                "start b.png",
                "done b.png",
                "start broken.jpg",
                "done broken.jpg",
                "start c.webp",
                "done c.webp"
            ]
        );
    }

    #[test]
    fn cancel_stops_between_files() {
        let mut f = fixture();
        let paths: Vec<_> = (0..4)
            .map(|i| {
                f.file(
                    &format!("{i}.png"),
                    &sample::image_bytes(Format::Png, 8, 8, i).unwrap(),
                )
            })
            .collect();
        let cancel = AtomicBool::new(false);
        let s = import_paths(
            &mut f.lib,
            &paths,
            f.group,
            |e| {
                if let Event::Finished { done: 2, .. } = e {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
        );
        assert!(s.cancelled);
        assert_eq!(
            (s.imported(), s.files.len()),
            (2, 2),
            "finished files stay, no more are stored"
        );
        assert_eq!(
            images::group_image_ids(f.lib.conn(), f.group)
                .unwrap()
                .len(),
            2
        );
        assert!(
            f.originals().len() == 2,
            "no file of a cancelled import is left: {:?}",
            f.originals()
        );
    }

    #[test]
    fn a_missing_library_file_is_restored_by_importing_the_same_bytes() {
        let mut f = fixture();
        let p = f.file("a.png", &sample::image_bytes(Format::Png, 8, 8, 9).unwrap());
        f.import(std::slice::from_ref(&p));
        let img = &images::group_images(f.lib.conn(), f.group).unwrap()[0];
        std::fs::remove_file(f.lib.file_path(&img.filename).unwrap()).unwrap();
        assert!(!check::check(&mut f.lib, false).unwrap().is_clean());
        f.import(&[p]);
        assert!(check::check(&mut f.lib, false).unwrap().is_clean());
    }

    #[test]
    fn two_importers_racing_on_the_same_files_store_each_once() {
        let f = fixture();
        let paths: Vec<_> = (0..30)
            .map(|i| {
                f.file(
                    &format!("{i}.png"),
                    &sample::image_bytes(Format::Png, 16, 16, i).unwrap(),
                )
            })
            .collect();
        let group = f.group;
        // Connections of their own, as the app's UI and its import job have.
        let libs: Vec<Library> = (0..2).map(|_| f.lib.connect_again().unwrap()).collect();
        let results: Vec<Summary> = std::thread::scope(|scope| {
            let runs: Vec<_> = libs
                .into_iter()
                .map(|mut lib| {
                    let paths = &paths;
                    scope.spawn(move || {
                        import_paths(&mut lib, paths, group, |_| {}, &AtomicBool::new(false))
                    })
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        for s in &results {
            assert_eq!(s.failed(), 0, "{s:?}");
        }
        assert_eq!(results[0].imported() + results[1].imported(), 30);
        assert_eq!(
            images::group_image_ids(f.lib.conn(), group).unwrap().len(),
            30
        );
        assert_eq!(f.originals().len(), 30);
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_without_blocking() {
        let mut f = fixture();
        let fifo = f.src.join("pipe.jpg");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo on this machine
        }
        assert!(f.failure(fifo).contains("not a regular file"));
        // Inside a folder it is named and passed over, never opened.
        f.file(
            "good.png",
            &sample::image_bytes(Format::Png, 8, 8, 1).unwrap(),
        );
        let s = f.import(&[f.src.clone()]);
        assert_eq!((s.imported(), s.failed()), (1, 1));
    }
}
