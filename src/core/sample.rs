//! Generated images: real, decodable files in every supported format, made
//! from a seed. The tests, the benchmark and the sample portfolio use them, so
//! nothing depends on image files shipped in the repository.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use image::{Rgb, RgbImage};

use super::error::{Error, IoContext, Result};
use super::format::Format;
use super::media::decode;
use super::media::import::{self, Event, Outcome};
use super::model::details::{self, Field};
use super::model::{catalog, images, profile};
use super::storage::Library;

/// A picture of `width`×`height` pixels: a two-colour gradient with a few
/// discs and a little film grain (so it compresses like a photograph, not like
/// a flat graphic), different for every `seed`.
pub fn picture(width: u32, height: u32, seed: u64) -> RgbImage {
    picture_with(width, height, seed, true)
}

/// A seeded random source (xorshift64): the same seed gives the same
/// numbers on every machine. For generated pictures, and for tests and the
/// benchmark that need reproducible random choices (not for anything secret).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// An index into something `len` long.
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

fn picture_with(width: u32, height: u32, seed: u64, grain: bool) -> RgbImage {
    let mut rng = Rng::new(seed);
    let mut next = move || rng.next_u64();
    let mut colour = || {
        [
            (next() % 200) as u8 + 30,
            (next() % 200) as u8 + 30,
            (next() % 200) as u8 + 30,
        ]
    };
    let (top, bottom) = (colour(), colour());
    let discs: Vec<(f32, f32, f32, [u8; 3])> = (0..5)
        .map(|_| {
            let c = colour();
            let x = (c[0] as f32 / 255.0) * width as f32;
            let y = (c[1] as f32 / 255.0) * height as f32;
            let r = (0.08 + (c[2] as f32 / 255.0) * 0.25) * width.min(height) as f32;
            (x, y, r, colour())
        })
        .collect();
    let mut noise_state = seed | 1;
    RgbImage::from_fn(width, height, |x, y| {
        let t = y as f32 / height.max(1) as f32;
        let mut base = [0f32; 3];
        for (i, b) in base.iter_mut().enumerate() {
            *b = top[i] as f32 * (1.0 - t) + bottom[i] as f32 * t;
        }
        for (cx, cy, r, c) in &discs {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            if dx * dx + dy * dy < r * r {
                base = c.map(f32::from);
            }
        }
        noise_state ^= noise_state << 13;
        noise_state ^= noise_state >> 7;
        noise_state ^= noise_state << 17;
        let noise = if grain {
            (noise_state % 25) as f32 - 12.0
        } else {
            0.0
        };
        Rgb(base.map(|v| (v + noise).clamp(0.0, 255.0) as u8))
    })
}

/// The formats [`image_bytes`] can make: every one Folio takes but HEIC,
/// and AVIF only with the `avif` feature's encoder (the tests of those two
/// use committed files).
pub const ENCODABLE: &[Format] = if cfg!(feature = "avif") {
    &[
        Format::Jpeg,
        Format::Png,
        Format::WebP,
        Format::Gif,
        Format::Tiff,
        Format::Psd,
        Format::Avif,
    ]
} else {
    &[
        Format::Jpeg,
        Format::Png,
        Format::WebP,
        Format::Gif,
        Format::Tiff,
        Format::Psd,
    ]
};

/// The bytes of a generated picture encoded as `format`.
pub fn image_bytes(format: Format, width: u32, height: u32, seed: u64) -> Result<Vec<u8>> {
    encode(&picture(width, height, seed), format)
}

/// Encodes an image as `format`. (AVIF needs the `avif` feature's encoder.)
pub fn encode(img: &RgbImage, format: Format) -> Result<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    let image_format = match format {
        Format::Psd => return Ok(psd_bytes(img)),
        Format::Avif => return avif_bytes(img),
        other => decode::image_format(other),
    };
    let Some(image_format) = image_format else {
        return Err(Error::invalid(
            "sample image",
            format!("no {} encoder", format.label()),
        ));
    };
    img.write_to(&mut out, image_format)
        .map_err(|e| Error::invalid("sample image", e.to_string()))?;
    Ok(out.into_inner())
}

/// A flattened Photoshop document of `img`: RGB, 8 bits, uncompressed, no
/// layers, as Photoshop's "Maximize compatibility" composite is laid out.
pub fn psd_bytes(img: &RgbImage) -> Vec<u8> {
    let (w, h) = img.dimensions();
    let mut out = Vec::with_capacity(26 + 14 + (w * h * 3) as usize);
    out.extend_from_slice(b"8BPS");
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&[0; 6]);
    out.extend_from_slice(&3u16.to_be_bytes()); // channels
    out.extend_from_slice(&h.to_be_bytes());
    out.extend_from_slice(&w.to_be_bytes());
    out.extend_from_slice(&8u16.to_be_bytes()); // depth
    out.extend_from_slice(&3u16.to_be_bytes()); // RGB
    out.extend_from_slice(&[0; 4]); // colour mode data
    out.extend_from_slice(&[0; 4]); // image resources
    out.extend_from_slice(&[0; 4]); // layers and masks
    out.extend_from_slice(&0u16.to_be_bytes()); // raw image data
    for c in 0..3 {
        out.extend(img.pixels().map(|p| p.0[c]));
    }
    out
}

#[cfg(feature = "avif")]
fn avif_bytes(img: &RgbImage) -> Result<Vec<u8>> {
    let pixels: Vec<ravif::RGB8> = img
        .pixels()
        .map(|p| ravif::RGB8::new(p.0[0], p.0[1], p.0[2]))
        .collect();
    let (w, h) = (img.width() as usize, img.height() as usize);
    ravif::Encoder::new()
        .with_quality(90.0)
        .with_speed(10)
        .encode_rgb(ravif::Img::new(&pixels[..], w, h))
        .map(|e| e.avif_file)
        .map_err(|e| Error::invalid("sample image", e.to_string()))
}

#[cfg(not(feature = "avif"))]
fn avif_bytes(_: &RgbImage) -> Result<Vec<u8>> {
    Err(Error::invalid(
        "sample image",
        "AVIF files are made only with the `avif` feature (the tests use a committed one)",
    ))
}

/// A small, valid PNG whose header declares `width`×`height` pixels: a file
/// that lies about its size, for testing the decode limits.
pub fn png_declaring(width: u32, height: u32) -> Result<Vec<u8>> {
    let mut bytes = image_bytes(Format::Png, 1, 1, 1)?;
    // IHDR's data (width, height, …) is bytes 16..29, its CRC 29..33.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    Ok(bytes)
}

/// PNG's chunk checksum (CRC-32, ISO 3309).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The stored pixels of a photo that shows `display` when its EXIF
/// `orientation` (1–8) is applied: what a camera held sideways writes. The
/// mapping follows the EXIF definitions directly (not the decoder's code), so
/// a test built on it checks the decoder rather than itself.
pub fn stored_for_orientation(display: &RgbImage, orientation: u8) -> RgbImage {
    let (w, h) = display.dimensions();
    let swap = orientation >= 5;
    let (sw, sh) = if swap { (h, w) } else { (w, h) };
    let mut stored = RgbImage::new(sw, sh);
    for y in 0..h {
        for x in 0..w {
            // Where display pixel (x, y) comes from in the stored image.
            let (sx, sy) = match orientation {
                2 => (sw - 1 - x, y),
                3 => (sw - 1 - x, sh - 1 - y),
                4 => (x, sh - 1 - y),
                5 => (y, x),
                6 => (y, sh - 1 - x),
                7 => (sw - 1 - y, sh - 1 - x),
                8 => (sw - 1 - y, x),
                _ => (x, y),
            };
            stored.put_pixel(sx, sy, *display.get_pixel(x, y));
        }
    }
    stored
}

/// An EXIF block (as a JPEG's APP1 holds it, "Exif\0\0" first) whose only
/// tag is the orientation.
fn exif_with_orientation(orientation: u8) -> Vec<u8> {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // big-endian TIFF, first IFD at 8
    exif.extend_from_slice(&1u16.to_be_bytes()); // one entry
    exif.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    exif.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    exif.extend_from_slice(&1u32.to_be_bytes()); // count
    exif.extend_from_slice(&u16::from(orientation).to_be_bytes());
    exif.extend_from_slice(&[0, 0]); // padding to 4 bytes
    exif.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    exif
}

/// A JPEG of `stored` with an EXIF block whose orientation tag is
/// `orientation`, inserted right after the start-of-image marker.
pub fn jpeg_with_orientation(stored: &RgbImage, orientation: u8) -> Result<Vec<u8>> {
    let jpeg = encode(stored, Format::Jpeg)?;
    let app1 = exif_with_orientation(orientation);
    let len = u16::try_from(app1.len() + 2).map_err(|_| Error::invalid("exif", "too long"))?;
    let mut out = Vec::with_capacity(jpeg.len() + app1.len() + 4);
    out.extend_from_slice(&jpeg[..2]); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    Ok(out)
}

/// A WebP of `stored` in the extended format, with an `EXIF` chunk whose
/// orientation tag is `orientation`, the chunk starting "Exif\0\0" as
/// ImageMagick and Pillow write it.
pub fn webp_with_orientation(stored: &RgbImage, orientation: u8) -> Result<Vec<u8>> {
    let simple = encode(stored, Format::WebP)?;
    // "RIFF" size "WEBP", then the one image chunk.
    let image_chunk = simple.get(12..).unwrap_or_default();
    let chunk = |name: &[u8], body: &[u8]| {
        let mut c = name.to_vec();
        c.extend_from_slice(&(body.len() as u32).to_le_bytes());
        c.extend_from_slice(body);
        if body.len() % 2 == 1 {
            c.push(0);
        }
        c
    };
    let (w, h) = stored.dimensions();
    let mut vp8x = vec![0x08, 0, 0, 0]; // flags: EXIF
    vp8x.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
    let mut body = b"WEBP".to_vec();
    body.extend(chunk(b"VP8X", &vp8x));
    body.extend_from_slice(image_chunk);
    body.extend(chunk(b"EXIF", &exif_with_orientation(orientation)));
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    Ok(out)
}

/// A picture whose top-left quarter is red and the rest blue: which way is
/// up is plain to see, and to test.
pub fn marker(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        if x < width / 2 && y < height / 2 {
            Rgb([220, 30, 30])
        } else {
            Rgb([30, 30, 220])
        }
    })
}

/// Adds `range.len()` image rows without files (named `<i>.jpg`, content hash
/// `i` in hex) to the end of `group`: libraries of any size in seconds, for
/// scale tests and the benchmark. Not for real libraries (`folio check` would
/// report every row's file missing).
pub fn placeholder_images(
    conn: &rusqlite::Connection,
    store: super::StoreId,
    group: super::GroupId,
    range: std::ops::Range<u64>,
) -> Result<Vec<super::ImageId>> {
    let mut ids = Vec::with_capacity(range.end.saturating_sub(range.start) as usize);
    for i in range {
        let hash = format!("{i:064x}");
        ids.push(images::insert_image(
            conn,
            &images::NewImage {
                store,
                filename: &format!("originals/{}/{hash}.jpg", &hash[..2]),
                original_name: &format!("{i:06}.jpg"),
                content_hash: &hash,
                byte_size: 1,
                width: 6000,
                height: 4000,
                format: Format::Jpeg,
            },
        )?);
    }
    images::add_images(conn, group, &ids, None)?;
    Ok(ids)
}

/// A pencil sketch on paper: outlines of a few discs and some hatching, for
/// the sample portfolio's `sketches` groups.
pub fn sketch(width: u32, height: u32, seed: u64) -> RgbImage {
    let base = picture_with(width, height, seed, false);
    let paper = [244.0f32, 239.0, 228.0];
    let step = (width.min(height) / 40).max(2);
    // Lines about 1/400 of the width, so they survive a thumbnail.
    let reach = (width / 400).max(1);
    RgbImage::from_fn(width, height, |x, y| {
        let p = base.get_pixel(x, y).0;
        // Edges of the picture's shapes become pencil lines.
        let right = base.get_pixel((x + reach).min(width - 1), y).0;
        let below = base.get_pixel(x, (y + reach).min(height - 1)).0;
        let edge = (0..3)
            .map(|i| {
                (i32::from(p[i]) - i32::from(right[i])).abs()
                    + (i32::from(p[i]) - i32::from(below[i])).abs()
            })
            .sum::<i32>();
        let luma = (u32::from(p[0]) * 3 + u32::from(p[1]) * 6 + u32::from(p[2])) / 10;
        let hatch = luma < 110 && (x + y) % step == 0;
        let ink = if edge > 40 {
            0.75
        } else if hatch {
            0.35
        } else {
            0.0
        };
        Rgb(paper.map(|c| (c * (1.0 - ink) + 60.0 * ink) as u8))
    })
}

/// What the sample portfolio holds: one gallery per scenario of the user's
/// design, each with two groups of different types.
pub const PORTFOLIO: [SampleGallery; 3] = [
    SampleGallery {
        name: "Harbour Lights (exhibition)",
        description: "Main exhibit and behind-the-scenes: the public show and how it was made.",
        groups: [
            ("Harbour Lights", "main_exhibit", 8, false),
            ("Harbour Lights: making of", "behind_the_scenes", 4, false),
        ],
    },
    SampleGallery {
        name: "Two Voices (collaboration)",
        description: "A primary artist and a guest, side by side but not mixed.",
        groups: [
            ("Ines Moreau: new work", "primary_artist", 6, false),
            ("Guest: Tomas Reyes", "guest_artist_feature", 3, false),
        ],
    },
    SampleGallery {
        name: "Salt Flats (project)",
        description: "Final photographs and the concept sketches behind them.",
        groups: [
            ("Salt Flats: prints", "photographs", 6, false),
            ("Salt Flats: sketches", "sketches", 5, true),
        ],
    },
];

/// How the sample portfolio reuses what it holds, the point of the model (an
/// image is stored once, however many groups show it; a group is made once,
/// however many galleries show it): `(group, plate, also in group)`, the
/// plate counted from 1. The best print of the Salt Flats project is also
/// part of Ines Moreau's new work in the collaboration.
pub const SHARED_IMAGES: [(&str, usize, &str); 1] =
    [("Salt Flats: prints", 1, "Ines Moreau: new work")];

/// Groups of one gallery that another shows too: `(group, also in gallery,
/// as type)`. The guest's feature hung at the collaboration and at the
/// exhibition.
pub const SHARED_GROUPS: [(&str, &str, &str); 1] = [(
    "Guest: Tomas Reyes",
    "Harbour Lights (exhibition)",
    "guest_artist_feature",
)];

/// One gallery of the sample portfolio: `(group, type, images, sketches?)`.
#[derive(Clone, Copy, Debug)]
pub struct SampleGallery {
    pub name: &'static str,
    pub description: &'static str,
    pub groups: [(&'static str, &'static str, usize, bool); 2],
}

/// What adding the sample portfolio did.
#[derive(Debug)]
pub enum Made {
    /// It was made; the import's summary, each file named by its file name
    /// (the generated files' folder is gone).
    Added(import::Summary),
    /// Some of it is already in the library (named here): nothing was added,
    /// and nothing the artist deleted of it comes back.
    AlreadyThere(String),
}

/// The first gallery or group of the sample portfolio that `conn` holds.
pub fn present(conn: &rusqlite::Connection) -> Result<Option<String>> {
    for gallery in &PORTFOLIO {
        if catalog::gallery_by_name(conn, gallery.name)?.is_some() {
            return Ok(Some(gallery.name.to_string()));
        }
        for (group, ..) in &gallery.groups {
            if catalog::group_by_name(conn, group)?.is_some() {
                return Ok(Some(group.to_string()));
            }
        }
    }
    Ok(None)
}

/// Builds the sample portfolio in `lib`, unless any of it is there already:
/// generates its pictures (`width` px wide) into a temporary folder, imports
/// them through the normal import, and makes the galleries, groups, typed
/// links and alt texts, then the reuse ([`SHARED_IMAGES`], [`SHARED_GROUPS`]).
/// `progress(done, total)` hears of each image.
pub fn create_portfolio(
    lib: &mut Library,
    width: u32,
    progress: impl FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<Made> {
    if let Some(found) = present(lib.conn())? {
        return Ok(Made::AlreadyThere(found));
    }
    let mut summary = build_portfolio(lib, width, progress, cancel)?;
    for file in &mut summary.files {
        if let Some(name) = file.path.file_name() {
            file.path = PathBuf::from(name);
        }
    }
    Ok(Made::Added(summary))
}

fn build_portfolio(
    lib: &mut Library,
    width: u32,
    mut progress: impl FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<import::Summary> {
    let dir = tempfile::Builder::new()
        .prefix("folio-sample-")
        .tempdir()
        .at(std::env::temp_dir())?;
    let total: usize = PORTFOLIO
        .iter()
        .flat_map(|g| g.groups.iter().map(|t| t.2))
        .sum();
    let mut done = 0;
    let mut summary = import::Summary::default();
    for (gi, gallery) in PORTFOLIO.iter().enumerate() {
        let gallery_id = lib.write(|tx| {
            let id = catalog::find_or_create_gallery(tx, gallery.name)?;
            catalog::set_gallery_description(tx, id, Some(gallery.description))?;
            Ok(id)
        })?;
        for (ti, &(group, link_type, count, sketches)) in gallery.groups.iter().enumerate() {
            let mut files: Vec<PathBuf> = Vec::new();
            for i in 0..count {
                let seed = (gi * 100 + ti * 10 + i) as u64 + 1;
                // Every third picture is portrait, as in a real portfolio.
                let (w, h) = if i % 3 == 2 {
                    (width * 2 / 3, width * 5 / 6)
                } else {
                    (width, width * 2 / 3)
                };
                let img = if sketches {
                    sketch(w, h, seed)
                } else {
                    picture(w, h, seed)
                };
                let path = dir.path().join(format!("{group} {:02}.jpg", i + 1));
                std::fs::write(&path, encode(&img, Format::Jpeg)?).at(&path)?;
                files.push(path);
            }
            let group_id = lib.write(|tx| {
                let id = catalog::find_or_create_group(tx, group)?;
                if !catalog::link_exists(tx, gallery_id, id, link_type)? {
                    // The making-of for members, as the attach dialog proposes.
                    let visibility = catalog::Visibility::proposed_for(link_type);
                    catalog::attach_with(tx, gallery_id, id, link_type, visibility)?;
                }
                Ok(id)
            })?;
            let batch = import::import_paths(
                lib,
                &files,
                group_id,
                |event| {
                    if let Event::Finished { .. } = event {
                        done += 1;
                        progress(done, total);
                    }
                },
                cancel,
            );
            lib.write(|tx| {
                for (i, report) in batch.files.iter().enumerate() {
                    if let Outcome::Imported { image, .. } = report.outcome {
                        let alt = format!("{group}, plate {}", i + 1);
                        images::set_alt_text(tx, image, Some(&alt))?;
                        details::set_fields(tx, &[image], &work_details(group, i))?;
                    }
                }
                Ok(())
            })?;
            let cancelled = batch.cancelled;
            summary.files.extend(batch.files);
            if cancelled {
                summary.cancelled = true;
                return Ok(summary);
            }
        }
    }
    lib.write(|tx| {
        share(tx)?;
        // The sample's artist, unless the library has one already.
        if profile::read(tx)?.is_empty() {
            profile::write(tx, sample_profile())?;
        }
        Ok(())
    })?;
    Ok(summary)
}

/// The artist the sample portfolio is by (its exports name her).
pub fn sample_profile() -> profile::Profile {
    profile::Profile {
        given_name: Some("Ines".into()),
        family_name: Some("Moreau".into()),
        website: Some("ines-moreau.example".into()),
        contact: Some("studio@ines-moreau.example".into()),
        statement: Some(
            "Ines Moreau paints harbours at the hour the lights come on, and photographs \
             salt flats at the hour they go out. She lives and works in Marseille."
                .into(),
        ),
    }
}

/// What the sample's works are called and made of, per group: titles in
/// plate order, year, medium, height × width × depth (cm, or in), edition,
/// the inventory number's prefix and the credit line.
struct SampleWorks {
    group: &'static str,
    titles: &'static [&'static str],
    year: &'static str,
    medium: &'static str,
    size: Option<(
        &'static str,
        &'static str,
        Option<&'static str>,
        &'static str,
    )>,
    edition: Option<&'static str>,
    inventory: &'static str,
    credit: &'static str,
}

const WORKS: [SampleWorks; 6] = [
    SampleWorks {
        group: "Harbour Lights",
        titles: &[
            "Harbour at Dusk",
            "Night Ferry",
            "Lanterns on the Quay",
            "Red Buoy",
            "Low Tide, Morning",
            "The Breakwater",
            "Fog Signal",
            "Last Boat In",
        ],
        year: "2025",
        medium: "Oil on linen",
        size: Some(("60", "80", None, "cm")),
        edition: None,
        inventory: "HL-2025",
        credit: "\u{a9} 2025 the artist",
    },
    SampleWorks {
        group: "Harbour Lights: making of",
        titles: &[
            "Studio, week one",
            "Underpainting",
            "Colour tests",
            "Hanging the show",
        ],
        year: "2025",
        medium: "Digital photograph",
        size: None,
        edition: None,
        inventory: "HL-DOC",
        credit: "Photograph: Sam Ortega",
    },
    SampleWorks {
        group: "Ines Moreau: new work",
        titles: &[
            "Threshold",
            "Salt and Iron",
            "Quiet Engine",
            "Blue Hour",
            "Ledger",
            "Open Field",
        ],
        year: "2024",
        medium: "Acrylic and graphite on panel",
        size: Some(("40", "30", Some("2.5"), "cm")),
        edition: None,
        inventory: "IM-2024",
        credit: "\u{a9} 2024 Ines Moreau",
    },
    SampleWorks {
        group: "Guest: Tomas Reyes",
        titles: &["Untitled (Window)", "Borrowed Light", "Cartographer"],
        year: "2019\u{2013}2021",
        medium: "Archival pigment print",
        size: Some(("20", "16", None, "in")),
        edition: Some("3/10, 2 AP"),
        inventory: "TR",
        credit: "Courtesy of the artist and Galer\u{ed}a Norte",
    },
    SampleWorks {
        group: "Salt Flats: prints",
        titles: &[
            "Salt Flats No. 1",
            "Salt Flats No. 2",
            "Salt Flats No. 3",
            "Salt Flats No. 4",
            "Salt Flats No. 5",
            "Salt Flats No. 6",
        ],
        year: "2023",
        medium: "Gelatin silver print",
        size: Some(("50", "60", None, "cm")),
        edition: Some("1/5"),
        inventory: "SF-2023",
        credit: "\u{a9} 2023 the artist",
    },
    SampleWorks {
        group: "Salt Flats: sketches",
        titles: &[
            "Study for Salt Flats I",
            "Study for Salt Flats II",
            "Study for Salt Flats III",
            "Horizon study",
            "Notes on light",
        ],
        year: "c. 2022",
        medium: "Graphite on paper",
        size: Some(("21", "29.7", None, "cm")),
        edition: None,
        inventory: "SF-S",
        credit: "\u{a9} 2022 the artist",
    },
];

/// The details of plate `i` (from 0) of the sample's `group`; portrait
/// plates (every third) stand the other way round.
fn work_details(group: &str, i: usize) -> Vec<(Field, String)> {
    let Some(w) = WORKS.iter().find(|w| w.group == group) else {
        return Vec::new();
    };
    let title = w
        .titles
        .get(i)
        .map_or_else(|| format!("{group} {}", i + 1), |t| (*t).to_string());
    let mut fields = vec![
        (Field::Title, title),
        (Field::Year, w.year.to_string()),
        (Field::Medium, w.medium.to_string()),
        (
            Field::InventoryNumber,
            format!("{}-{:02}", w.inventory, i + 1),
        ),
        (Field::Credit, w.credit.to_string()),
    ];
    if let Some((h, wd, d, unit)) = w.size {
        let (h, wd) = if i % 3 == 2 { (wd, h) } else { (h, wd) };
        fields.push((Field::Unit, unit.to_string()));
        fields.push((Field::Height, h.to_string()));
        fields.push((Field::Width, wd.to_string()));
        if let Some(d) = d {
            fields.push((Field::Depth, d.to_string()));
        }
    }
    if let Some(e) = w.edition {
        fields.push((Field::Edition, e.to_string()));
    }
    fields
}

/// The sample's reuse: the shared images added to their second group (at its
/// end), the shared groups attached to their second gallery (last).
fn share(conn: &rusqlite::Connection) -> Result<()> {
    for (from, plate, into) in SHARED_IMAGES {
        let from = sample_group(conn, from)?;
        let into = sample_group(conn, into)?;
        // A plate whose import failed is not shared.
        if let Some(&image) = images::group_image_ids(conn, from)?.get(plate.saturating_sub(1)) {
            images::add_images_before(conn, into, &[image], None)?;
        }
    }
    for (group, gallery, link_type) in SHARED_GROUPS {
        let group = sample_group(conn, group)?;
        let gallery = catalog::gallery_by_name(conn, gallery)?
            .ok_or_else(|| Error::invalid("sample portfolio", format!("no gallery {gallery}")))?;
        if !catalog::link_exists(conn, gallery, group, link_type)? {
            catalog::attach(conn, gallery, group, link_type)?;
        }
    }
    Ok(())
}

/// A group the sample portfolio has just made.
fn sample_group(conn: &rusqlite::Connection, name: &str) -> Result<super::GroupId> {
    catalog::group_by_name(conn, name)?
        .ok_or_else(|| Error::invalid("sample portfolio", format!("no group {name}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_round_trips_and_seeds_differ() {
        for &format in ENCODABLE {
            let bytes = image_bytes(format, 40, 30, 7).unwrap();
            let img = crate::core::media::decode::decode_full(
                std::path::Path::new("sample"),
                &bytes,
                format,
            )
            .unwrap()
            .image;
            assert_eq!((img.width(), img.height()), (40, 30), "{format:?}");
        }
        assert_ne!(picture(20, 20, 1).into_raw(), picture(20, 20, 2).into_raw());
    }

    #[test]
    fn sample_portfolio_shows_the_three_scenarios_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path()).unwrap();
        let never = AtomicBool::new(false);
        let Made::Added(first) = create_portfolio(&mut lib, 48, |_, _| {}, &never).unwrap() else {
            panic!("the first add makes it");
        };
        assert_eq!(first.failed(), 0, "{:?}", first.files);
        assert_eq!(first.imported(), 32);
        let galleries = catalog::list_galleries(lib.conn()).unwrap();
        assert_eq!(galleries.len(), 3);
        let mut types: Vec<String> = Vec::new();
        for g in &galleries {
            types.extend(
                catalog::gallery_links(lib.conn(), g.id)
                    .unwrap()
                    .into_iter()
                    .map(|l| l.link_type),
            );
        }
        types.sort();
        types.dedup();
        let mut seed: Vec<String> = catalog::SEED_TYPES.iter().map(|s| s.to_string()).collect();
        seed.sort();
        assert_eq!(types, seed, "every seed type appears");
        assert_reuse(&lib);
        let again = create_portfolio(&mut lib, 48, |_, _| {}, &never).unwrap();
        assert!(
            matches!(&again, Made::AlreadyThere(g) if g == PORTFOLIO[0].name),
            "{again:?}"
        );
        assert_eq!(images::count(lib.conn()).unwrap(), 32);
        assert_eq!(catalog::list_groups(lib.conn()).unwrap().len(), 6);
        assert_reuse(&lib);
    }

    /// The sample shows reuse: the Salt Flats' best print is also in Ines
    /// Moreau's new work (one image, two groups, two galleries), and the
    /// guest's group is in two galleries; nothing is stored twice.
    fn assert_reuse(lib: &Library) {
        let conn = lib.conn();
        let group = |name| catalog::group_by_name(conn, name).unwrap().unwrap();
        let prints = images::group_image_ids(conn, group("Salt Flats: prints")).unwrap();
        let new_work = images::group_image_ids(conn, group("Ines Moreau: new work")).unwrap();
        assert_eq!((prints.len(), new_work.len()), (6, 7));
        assert_eq!(
            new_work.last(),
            prints.first(),
            "the best print, at the end"
        );
        let usage = images::usage(conn, prints[0]).unwrap();
        let groups: Vec<_> = usage.groups.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(groups, ["Ines Moreau: new work", "Salt Flats: prints"]);
        let mut galleries: Vec<_> = usage.links.iter().map(|l| l.gallery_name.clone()).collect();
        galleries.sort();
        assert_eq!(
            galleries,
            ["Salt Flats (project)", "Two Voices (collaboration)"]
        );
        let mut guest: Vec<_> = catalog::group_links(conn, group("Guest: Tomas Reyes"))
            .unwrap()
            .into_iter()
            .map(|l| (l.gallery_name, l.link_type))
            .collect();
        guest.sort();
        assert_eq!(
            guest,
            [
                (
                    "Harbour Lights (exhibition)".to_string(),
                    "guest_artist_feature".to_string()
                ),
                (
                    "Two Voices (collaboration)".to_string(),
                    "guest_artist_feature".to_string()
                ),
            ]
        );
        let shared_groups = catalog::list_groups(conn)
            .unwrap()
            .into_iter()
            .filter(|g| g.gallery_count > 1)
            .count();
        assert_eq!(shared_groups, 1);
    }

    #[test]
    fn adding_the_sample_again_brings_back_nothing_the_artist_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path()).unwrap();
        let never = AtomicBool::new(false);
        let Made::Added(first) = create_portfolio(&mut lib, 48, |_, _| {}, &never).unwrap() else {
            panic!("the first add makes it");
        };
        assert!(
            first.files.iter().all(|f| f.path.components().count() == 1),
            "files are named by their names, not the temporary folder: {:?}",
            first.files[0].path
        );
        let gone = catalog::gallery_by_name(lib.conn(), PORTFOLIO[0].name)
            .unwrap()
            .unwrap();
        lib.write(|tx| catalog::delete_gallery(tx, gone)).unwrap();
        let again = create_portfolio(&mut lib, 48, |_, _| {}, &never).unwrap();
        assert!(matches!(again, Made::AlreadyThere(_)), "{again:?}");
        assert!(
            catalog::gallery_by_name(lib.conn(), PORTFOLIO[0].name)
                .unwrap()
                .is_none(),
            "the deleted gallery stays deleted"
        );
    }
}
