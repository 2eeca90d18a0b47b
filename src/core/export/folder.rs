//! A gallery as an ordered folder or ZIP: one folder per exported link,
//! numbered in the gallery's order (`01-main-exhibit/`), the works in it
//! numbered in the group's order (`001-harbour-lights-no-1.jpg`), each a
//! re-encoded baseline JPEG (sRGB, upright, no metadata: never the original
//! file) at a chosen long side or at full size; beside them `manifest.json`
//! (the gallery, its links with types and visibility, every work with all
//! its details) and `image-list.csv`, whose numbers are the file names'.
//!
//! Private links are left out; members links are included (this is the
//! artist's own copy) unless only public ones are asked for. The same
//! library gives the same bytes, ZIP included (its entries carry a fixed
//! date).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::{Plan, Progress, Reach, Work, Written, render_all, type_words};
use crate::core::error::{Error, IoContext, Result};
use crate::core::media::render::{Encoding, Size, Spec};
use crate::core::{GalleryId, Library};

/// The JPEG quality of a folder's images: for people who will look closely.
pub const QUALITY: u8 = 90;

/// Where the export goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Folder(PathBuf),
    Zip(PathBuf),
}

impl Target {
    pub fn path(&self) -> &Path {
        match self {
            Target::Folder(p) | Target::Zip(p) => p,
        }
    }
}

/// How to export a folder or ZIP.
#[derive(Clone, Debug)]
pub struct FolderOptions {
    /// The longest side of each image; `None`: the original's pixels.
    pub long_side: Option<u32>,
    pub reach: Reach,
    pub workers: usize,
}

impl Default for FolderOptions {
    fn default() -> Self {
        FolderOptions {
            long_side: None,
            reach: Reach::Members,
            workers: crate::core::pool::default_workers(),
        }
    }
}

/// What a folder or ZIP export did.
#[derive(Debug, Default)]
pub struct FolderReport {
    pub out: PathBuf,
    pub sections: usize,
    /// Image files written (a work in two sections is two files).
    pub images: usize,
    pub bytes: u64,
    pub renditions_made: usize,
    pub renditions_cached: usize,
    pub warnings: Vec<String>,
    /// Works left out, each named with the reason.
    pub problems: Vec<String>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    gallery: &'a str,
    description: Option<&'a str>,
    artist: ArtistOut<'a>,
    links: Vec<LinkOut<'a>>,
}

#[derive(Serialize)]
struct ArtistOut<'a> {
    name: Option<String>,
    given_name: Option<&'a str>,
    family_name: Option<&'a str>,
    website: Option<&'a str>,
    contact: Option<&'a str>,
}

#[derive(Serialize)]
struct LinkOut<'a> {
    number: String,
    folder: String,
    #[serde(rename = "type")]
    link_type: &'a str,
    heading: String,
    group: &'a str,
    visibility: &'static str,
    works: Vec<WorkOut<'a>>,
}

#[derive(Serialize)]
struct WorkOut<'a> {
    number: String,
    file: String,
    width: u32,
    height: u32,
    title: Option<&'a str>,
    year: Option<&'a str>,
    medium: Option<&'a str>,
    dimensions: Option<String>,
    edition: Option<&'a str>,
    credit: Option<&'a str>,
    inventory_number: Option<&'a str>,
    description: Option<&'a str>,
    alt_text: &'a str,
    alt_text_written: bool,
    original_name: &'a str,
    content_hash: &'a str,
}

fn spec(opts: &FolderOptions) -> Spec {
    Spec {
        size: opts.long_side.map_or(Size::Full, Size::LongSide),
        encoding: Encoding::Jpeg {
            quality: QUALITY,
            progressive: false,
        },
    }
}

/// Exports the gallery as a folder or a ZIP (see the module's notes).
pub fn export_folder(
    lib: &Library,
    gallery: GalleryId,
    target: &Target,
    opts: &FolderOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<FolderReport> {
    if let Some(side) = opts.long_side
        && !(16..=40_000).contains(&side)
    {
        return Err(Error::invalid(
            "long side",
            format!("{side} pixels: give 16 to 40000, or leave it out for full size"),
        ));
    }
    let plan = Plan::read(lib, gallery, opts.reach)?;
    // Where it goes is checked before any work is done.
    if let Target::Zip(path) = target {
        check_zip_target(path)?;
    }
    let written = match target {
        Target::Folder(dir) => Some(Written::open(dir, "folder", gallery)?),
        Target::Zip(_) => None,
    };
    let works = plan.distinct_works();
    let spec = spec(opts);
    let specs_of = |_: &Work| vec![spec];
    let rendered = render_all(lib, &works, &specs_of, opts.workers, progress, cancel)?;
    let mut report = FolderReport {
        out: target.path().to_path_buf(),
        renditions_made: rendered.made,
        renditions_cached: rendered.cached,
        warnings: plan
            .alt_warnings()
            .into_iter()
            .chain(rendered.warnings)
            .collect(),
        problems: rendered.problems,
        ..FolderReport::default()
    };
    // One rendition per work: the folder's size.
    let rendered: HashMap<_, _> = rendered
        .by_image
        .into_iter()
        .filter_map(|(id, m)| m.renditions.into_iter().next().map(|r| (id, r)))
        .collect();

    // The files, in order: (path inside the export, source file).
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut links = Vec::new();
    let mut csv = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| Error::invalid("image list", e.to_string());
    csv.write_record([
        "number",
        "file",
        "section",
        "title",
        "year",
        "medium",
        "dimensions",
        "edition",
        "credit",
        "inventory_number",
        "alt_text",
        "width",
        "height",
    ])
    .map_err(csv_error)?;
    for (si, section) in plan.sections.iter().enumerate() {
        let folder = format!("{:02}-{}", si + 1, section.slug);
        let mut out_works = Vec::new();
        let mut n = 0;
        for work in &section.works {
            let Some(r) = rendered.get(&work.image.id) else {
                continue;
            };
            n += 1;
            let number = format!("{:02}-{n:03}", si + 1);
            let file = format!("{folder}/{n:03}-{}.jpg", work.slug);
            files.push((file.clone(), r.path.clone()));
            let d = work.image.details.as_deref();
            let dimensions = d.and_then(|d| d.dimensions());
            csv.write_record([
                number.as_str(),
                file.as_str(),
                section.heading.as_str(),
                work.image.title().unwrap_or(""),
                d.and_then(|d| d.year.as_deref()).unwrap_or(""),
                d.and_then(|d| d.medium.as_deref()).unwrap_or(""),
                dimensions.as_deref().unwrap_or(""),
                d.and_then(|d| d.edition.as_deref()).unwrap_or(""),
                d.and_then(|d| d.credit.as_deref()).unwrap_or(""),
                d.and_then(|d| d.inventory_number.as_deref()).unwrap_or(""),
                work.alt.as_str(),
                &r.width.to_string(),
                &r.height.to_string(),
            ])
            .map_err(csv_error)?;
            out_works.push(WorkOut {
                number,
                file,
                width: r.width,
                height: r.height,
                title: work.image.title(),
                year: d.and_then(|d| d.year.as_deref()),
                medium: d.and_then(|d| d.medium.as_deref()),
                dimensions,
                edition: d.and_then(|d| d.edition.as_deref()),
                credit: d.and_then(|d| d.credit.as_deref()),
                inventory_number: d.and_then(|d| d.inventory_number.as_deref()),
                description: d.and_then(|d| d.description.as_deref()),
                alt_text: &work.alt,
                alt_text_written: work.alt_from == super::AltFrom::Written,
                original_name: &work.image.original_name,
                content_hash: &work.image.content_hash,
            });
        }
        links.push(LinkOut {
            number: format!("{:02}", si + 1),
            folder,
            link_type: &section.link_type,
            heading: type_words(&section.link_type),
            group: &section.group_name,
            visibility: section.visibility.as_str(),
            works: out_works,
        });
    }
    report.sections = links.len();
    report.images = files.len();
    let profile = &plan.profile;
    let manifest = Manifest {
        gallery: &plan.gallery.name,
        description: plan.gallery.description.as_deref(),
        artist: ArtistOut {
            name: profile.name(),
            given_name: profile.given_name.as_deref(),
            family_name: profile.family_name.as_deref(),
            website: profile.website.as_deref(),
            contact: profile.contact.as_deref(),
        },
        links,
    };
    let mut manifest_json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| Error::invalid("manifest", e.to_string()))?;
    manifest_json.push(b'\n');
    let csv_bytes = csv
        .into_inner()
        .map_err(|e| Error::invalid("image list", e.to_string()))?;
    let total = files.len() + 2;
    let step = |done: usize, progress: &mut dyn FnMut(Progress)| {
        progress(Progress {
            done,
            total,
            stage: "Writing files",
        })
    };
    let cancelled = || cancel.load(std::sync::atomic::Ordering::Relaxed);

    if let Some(mut written) = written {
        for (i, (rel, from)) in files.iter().enumerate() {
            if cancelled() {
                return Err(Error::Cancelled);
            }
            written.copy(rel, from)?;
            step(i + 1, progress);
        }
        written.put("manifest.json", &manifest_json)?;
        written.put("image-list.csv", &csv_bytes)?;
        step(total, progress);
        let written = written.finish()?;
        report.problems.extend(written.removal_problems());
        report.bytes = written.bytes;
    } else {
        report.bytes = write_zip(
            target.path(),
            &files,
            &manifest_json,
            &csv_bytes,
            &cancelled,
            &mut |d| step(d, progress),
        )?;
    }
    Ok(report)
}

/// Writes the ZIP into a temp file beside `path` (one file's bytes in
/// memory at a time) and renames it over `path` once whole: JPEGs stored
/// (deflate cannot shrink them), the lists deflated, every entry dated
/// 1980-01-01 so the same export gives the same bytes. A file at `path` that
/// is not a ZIP Folio exported is refused (it is someone's, not an old export).
fn write_zip(
    path: &Path,
    files: &[(String, PathBuf)],
    manifest: &[u8],
    csv: &[u8],
    cancelled: &dyn Fn() -> bool,
    step: &mut dyn FnMut(usize),
) -> Result<u64> {
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, DateTime, ZipWriter};
    check_zip_target(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).at(&dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(crate::core::storage::layout::TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let tmp = builder
        .tempfile_in(&dir)
        .map_err(|e| super::temp_error(&dir, e))?;
    let zip_error =
        |e: zip::result::ZipError| Error::invalid("ZIP", format!("{}: {e}", path.display()));
    let base = SimpleFileOptions::default()
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(tmp);
    for (i, (rel, from)) in files.iter().enumerate() {
        if cancelled() {
            // The temp file goes with `zip`; nothing is left at `path`.
            return Err(Error::Cancelled);
        }
        let bytes = std::fs::read(from).at(from)?;
        zip.start_file(
            rel.as_str(),
            base.compression_method(CompressionMethod::Stored),
        )
        .map_err(zip_error)?;
        zip.write_all(&bytes).at(path)?;
        step(i + 1);
    }
    for (name, bytes) in [("manifest.json", manifest), ("image-list.csv", csv)] {
        zip.start_file(name, base.compression_method(CompressionMethod::Deflated))
            .map_err(zip_error)?;
        zip.write_all(bytes).at(path)?;
    }
    step(files.len() + 2);
    let tmp = zip.finish().map_err(zip_error)?;
    tmp.as_file().sync_all().at(path)?;
    let size = tmp.as_file().metadata().at(path)?.len();
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    crate::core::storage::atomic::sync_dir(&dir);
    Ok(size)
}

/// Refuses a ZIP target that holds someone's file: only a ZIP that Folio
/// exported (its manifest and image list inside) is replaced.
fn check_zip_target(path: &Path) -> Result<()> {
    if path.exists() {
        // Only a ZIP that Folio exported is replaced.
        let ours = std::fs::File::open(path)
            .ok()
            .and_then(|f| zip::ZipArchive::new(f).ok())
            .is_some_and(|mut z| {
                z.by_name("manifest.json").is_ok() && z.by_name("image-list.csv").is_ok()
            });
        if !ours {
            return Err(Error::invalid(
                "ZIP file",
                format!(
                    "{} exists and is not a ZIP that Folio exported: choose another name, so that it is not replaced",
                    path.display()
                ),
            ));
        }
    }
    Ok(())
}
