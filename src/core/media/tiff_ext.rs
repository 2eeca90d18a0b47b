//! A TIFF decoder for the files `image` 0.25 refuses.
//!
//! It parses the TIFF structure itself (classic and BigTIFF) from a byte slice and
//! decompresses each strip or tile with small, pure-Rust codecs:
//! LZW (`weezl`), Deflate (`flate2`), PackBits (here), CCITT G3 1-D / G4 (`fax`),
//! JPEG (`zune-jpeg`), LZMA (`lzma-rs`, the `.xz` stream libtiff writes).
//! The `tiff` crate is not used for decoding, so none of its panicking paths is reachable.
//! Every read of input data goes through `get()` and checked arithmetic; as a last line of
//! defence the public `decode` also runs inside `catch_unwind` (it only helps with
//! `panic = "unwind"`).
//!
//! Output conventions (so that `image`'s resize/thumbnail code can take the result):
//! * 1..=8-bit unsigned integer samples → 8-bit (`Luma8`, `LumaA8`, `Rgb8`, `Rgba8`),
//!   low bit depths are scaled to the full 0..=255 range; WhiteIsZero is inverted.
//! * 9..=16-bit unsigned samples → 16-bit, scaled by the type's range
//!   (`v * 65535 / max`, e.g. 12-bit 4095 → 65535; 16-bit is kept as is).
//! * "wide" integers — signed (SampleFormat 2) 16/32/64-bit and unsigned 32/64-bit grey —
//!   are stretched from the image's own minimum..maximum to 0..=65535 (a constant image is
//!   black). Pillow keeps such data as raw mode `I` values and clips to 0..255 when showing
//!   them; the type's range (−2³¹..2³¹) would make almost every real file black, so we
//!   show the data's range instead. 8-bit signed samples are read as unsigned bytes,
//!   exactly as Pillow 13 does (its `8bit.s.tif` sample only looks right that way).
//! * floats (SampleFormat 3, 16/32/64-bit) are clamped to 0.0..=1.0 (NaN → 0);
//!   colour → `Rgb32F`/`Rgba32F`, grey → `Luma16`/`LumaA16` (there is no `Luma32F`).
//! * palette → `Rgb8`/`Rgba8` via the ColorMap.
//! * CMYK → naive RGB (`R = (1−C)(1−K)` …), and `icc` is then `None`: an embedded
//!   profile would describe the CMYK data, not the RGB we return.
//! * CIE Lab / ICC Lab → sRGB (D50 Lab → XYZ → Bradford to D65 → sRGB), `icc` = `None`.
//! * YCbCr (any subsampling, 8-bit) → RGB.

use std::fmt;
use std::io::{Read, Write};

use image::metadata::Orientation;
use image::{DynamicImage, ImageBuffer};

/// A decoded TIFF image, ready for display.
pub struct Decoded {
    /// The pixels, before orientation is applied.
    pub image: DynamicImage,
    /// From tag 274; `NoTransforms` when absent or invalid.
    pub orientation: Orientation,
    /// The embedded ICC profile (tag 34675) when it still describes `image`.
    pub icc: Option<Vec<u8>>,
}

pub use super::decode::Refusal;

type Res<T> = Result<T, Refusal>;

fn damaged(what: impl fmt::Display) -> Refusal {
    Refusal::Damaged(format!("the TIFF file is damaged or incomplete ({what})"))
}

fn unsupported(what: impl fmt::Display) -> Refusal {
    Refusal::Unsupported(format!("a TIFF {what} is not supported"))
}

/// Decode the main image of a TIFF file.
///
/// `max_side` bounds width and height; `max_bytes` bounds each buffer this function
/// allocates for the image (the raw samples and the output), checked before allocating.
pub fn decode(bytes: &[u8], max_side: u32, max_bytes: u64) -> Result<Decoded, Refusal> {
    match crate::core::panics::catch_unwind(|| decode_inner(bytes, max_side, max_bytes)) {
        Ok(r) => r,
        Err(_) => Err(damaged("the decoder stopped on an internal error")),
    }
}

// ---------------------------------------------------------------------------
// Tags

const T_NEW_SUBFILE_TYPE: u16 = 254;
const T_WIDTH: u16 = 256;
const T_HEIGHT: u16 = 257;
const T_BPS: u16 = 258;
const T_COMPRESSION: u16 = 259;
const T_PHOTOMETRIC: u16 = 262;
const T_FILL_ORDER: u16 = 266;
const T_MAKE: u16 = 271;
const T_STRIP_OFFSETS: u16 = 273;
const T_ORIENTATION: u16 = 274;
const T_SPP: u16 = 277;
const T_ROWS_PER_STRIP: u16 = 278;
const T_STRIP_BYTE_COUNTS: u16 = 279;
const T_PLANAR: u16 = 284;
const T_T4_OPTIONS: u16 = 292;
const T_PREDICTOR: u16 = 317;
const T_COLORMAP: u16 = 320;
const T_TILE_WIDTH: u16 = 322;
const T_TILE_LENGTH: u16 = 323;
const T_TILE_OFFSETS: u16 = 324;
const T_TILE_BYTE_COUNTS: u16 = 325;
const T_SUB_IFDS: u16 = 330;
const T_INK_SET: u16 = 332;
const T_EXTRA_SAMPLES: u16 = 338;
const T_SAMPLE_FORMAT: u16 = 339;
const T_JPEG_TABLES: u16 = 347;
const T_JPEG_IF_OFFSET: u16 = 513;
const T_JPEG_IF_LENGTH: u16 = 514;
const T_YCBCR_SUBSAMPLING: u16 = 530;
const T_CFA_PATTERN: u16 = 33422;
const T_EXIF_IFD: u16 = 34665;
const T_ICC: u16 = 34675;
const T_DNG_VERSION: u16 = 50706;

// ---------------------------------------------------------------------------
// Low-level TIFF structure

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Le,
    Be,
}

#[derive(Clone, Copy)]
struct Entry {
    tag: u16,
    typ: u16,
    count: u64,
    /// Absolute offset of the value bytes (inline field or pointed-to data).
    pos: u64,
}

struct Ifd {
    entries: Vec<Entry>,
    next: u64,
}

struct File<'a> {
    b: &'a [u8],
    order: Order,
    big: bool,
}

fn type_size(typ: u16) -> Option<u64> {
    match typ {
        1 | 2 | 6 | 7 => Some(1),
        3 | 8 => Some(2),
        4 | 9 | 11 | 13 => Some(4),
        5 | 10 | 12 | 16 | 17 | 18 => Some(8),
        _ => None,
    }
}

impl<'a> File<'a> {
    fn parse(b: &'a [u8]) -> Option<(File<'a>, u64)> {
        let order = match b.get(0..2)? {
            b"II" => Order::Le,
            b"MM" => Order::Be,
            _ => return None,
        };
        let mut f = File {
            b,
            order,
            big: false,
        };
        match f.u16(2)? {
            42 => Some((File { big: false, ..f }, u64::from(f.u32(4)?))),
            43 => {
                f.big = true;
                if f.u16(4)? != 8 {
                    return None;
                }
                let first = f.u64(8)?;
                Some((f, first))
            }
            _ => None,
        }
    }

    fn slice(&self, pos: u64, len: u64) -> Option<&'a [u8]> {
        let s = usize::try_from(pos).ok()?;
        let e = s.checked_add(usize::try_from(len).ok()?)?;
        self.b.get(s..e)
    }

    fn arr<const N: usize>(&self, pos: u64) -> Option<[u8; N]> {
        self.slice(pos, N as u64)?.try_into().ok()
    }

    fn u16(&self, pos: u64) -> Option<u16> {
        let a = self.arr::<2>(pos)?;
        Some(match self.order {
            Order::Le => u16::from_le_bytes(a),
            Order::Be => u16::from_be_bytes(a),
        })
    }

    fn u32(&self, pos: u64) -> Option<u32> {
        let a = self.arr::<4>(pos)?;
        Some(match self.order {
            Order::Le => u32::from_le_bytes(a),
            Order::Be => u32::from_be_bytes(a),
        })
    }

    fn u64(&self, pos: u64) -> Option<u64> {
        let a = self.arr::<8>(pos)?;
        Some(match self.order {
            Order::Le => u64::from_le_bytes(a),
            Order::Be => u64::from_be_bytes(a),
        })
    }

    fn ifd(&self, off: u64) -> Option<Ifd> {
        let (n, first, esz, nsz) = if self.big {
            (self.u64(off)?, off.checked_add(8)?, 20u64, 8u64)
        } else {
            (u64::from(self.u16(off)?), off.checked_add(2)?, 12u64, 4u64)
        };
        // Every entry must lie inside the file: this bounds the allocation.
        let table = n.checked_mul(esz)?;
        self.slice(first, table.checked_add(nsz)?)?;
        let mut entries = Vec::with_capacity(usize::try_from(n).ok()?);
        for i in 0..n {
            let p = first.checked_add(i.checked_mul(esz)?)?;
            let tag = self.u16(p)?;
            let typ = self.u16(p.checked_add(2)?)?;
            let (count, field) = if self.big {
                (self.u64(p.checked_add(4)?)?, p.checked_add(12)?)
            } else {
                (u64::from(self.u32(p.checked_add(4)?)?), p.checked_add(8)?)
            };
            let Some(tsz) = type_size(typ) else { continue };
            let Some(size) = count.checked_mul(tsz) else {
                continue;
            };
            let pos = if size <= nsz {
                field
            } else if self.big {
                self.u64(field)?
            } else {
                u64::from(self.u32(field)?)
            };
            entries.push(Entry {
                tag,
                typ,
                count,
                pos,
            });
        }
        let next_pos = first.checked_add(table)?;
        let next = if self.big {
            self.u64(next_pos)?
        } else {
            u64::from(self.u32(next_pos)?)
        };
        Some(Ifd { entries, next })
    }

    fn raw(&self, e: &Entry) -> Option<&'a [u8]> {
        self.slice(e.pos, e.count.checked_mul(type_size(e.typ)?)?)
    }

    /// Integer values of an entry (negative signed values are dropped to `None`).
    fn uints(&self, e: &Entry) -> Option<Vec<u64>> {
        let raw = self.raw(e)?;
        let sz = usize::try_from(type_size(e.typ)?).ok()?;
        let mut out = Vec::with_capacity(raw.len() / sz.max(1));
        for (i, _) in raw.chunks_exact(sz).enumerate() {
            let p = e.pos.checked_add(u64::try_from(i.checked_mul(sz)?).ok()?)?;
            let v = match e.typ {
                1 | 7 => u64::from(*raw.get(i)?),
                6 => u64::try_from(*raw.get(i)? as i8).ok()?,
                3 => u64::from(self.u16(p)?),
                8 => u64::try_from(self.u16(p)? as i16).ok()?,
                4 | 13 => u64::from(self.u32(p)?),
                9 => u64::try_from(self.u32(p)? as i32).ok()?,
                16 | 18 => self.u64(p)?,
                17 => u64::try_from(self.u64(p)? as i64).ok()?,
                _ => return None,
            };
            out.push(v);
        }
        Some(out)
    }
}

impl Ifd {
    fn get(&self, tag: u16) -> Option<&Entry> {
        self.entries.iter().find(|e| e.tag == tag)
    }
}

/// Tag access with TIFF-aware errors.
struct Tags<'f, 'a> {
    f: &'f File<'a>,
    ifd: &'f Ifd,
}

impl Tags<'_, '_> {
    fn vec(&self, tag: u16, name: &str) -> Res<Option<Vec<u64>>> {
        match self.ifd.get(tag) {
            None => Ok(None),
            Some(e) => self
                .f
                .uints(e)
                .map(Some)
                .ok_or_else(|| damaged(format!("the {name} tag points outside the file"))),
        }
    }

    fn one(&self, tag: u16, name: &str) -> Res<Option<u64>> {
        Ok(self.vec(tag, name)?.and_then(|v| v.first().copied()))
    }

    fn one_or(&self, tag: u16, name: &str, default: u64) -> Res<u64> {
        Ok(self.one(tag, name)?.unwrap_or(default))
    }
}

fn read_chain(f: &File<'_>, first: u64) -> Vec<Ifd> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    let mut off = first;
    while off != 0 && out.len() < 64 && !seen.contains(&off) {
        seen.push(off);
        match f.ifd(off) {
            Some(ifd) => {
                off = ifd.next;
                out.push(ifd);
            }
            None => break,
        }
    }
    out
}

fn sub_ifds(f: &File<'_>, ifd: &Ifd) -> Vec<Ifd> {
    let mut out = Vec::new();
    if let Some(e) = ifd.get(T_SUB_IFDS)
        && let Some(offs) = f.uints(e)
    {
        for off in offs.into_iter().take(32) {
            if let Some(s) = f.ifd(off) {
                out.push(s);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Camera raw detection

/// True for TIFF-based camera raw files (DNG, CR2, NEF, ARW, PEF, ORF, RW2, …).
pub fn is_camera_raw(bytes: &[u8]) -> bool {
    // Olympus ORF ("IIRO"/"IIRS"/"MMOR") and Panasonic RW2 ("IIU\0") use their own magic.
    if let Some(m) = bytes.get(0..4)
        && matches!(m, b"IIRO" | b"IIRS" | b"MMOR" | b"IIU\0")
    {
        return true;
    }
    let Some((f, first)) = File::parse(bytes) else {
        return false;
    };
    if bytes.get(8..10) == Some(b"CR".as_slice()) {
        return true;
    }
    let chain = read_chain(&f, first);
    let Some(ifd0) = chain.first() else {
        return false;
    };
    if ifd0.get(T_DNG_VERSION).is_some() {
        return true;
    }
    if ifd0.get(T_MAKE).is_none() {
        return false;
    }
    let mut all: Vec<Ifd> = Vec::new();
    for ifd in &chain {
        all.extend(sub_ifds(&f, ifd));
        if let Some(e) = ifd.get(T_EXIF_IFD)
            && let Some(off) = f.uints(e).and_then(|v| v.first().copied())
            && let Some(exif) = f.ifd(off)
        {
            all.push(exif);
        }
    }
    all.extend(chain);
    all.iter().any(|ifd| {
        let t = Tags { f: &f, ifd };
        let photometric = t.one(T_PHOTOMETRIC, "").ok().flatten();
        let compression = t.one(T_COMPRESSION, "").ok().flatten();
        matches!(photometric, Some(32803 | 34892))
            || matches!(
                compression,
                Some(32767 | 32769 | 32770 | 34713 | 34316 | 65000)
            )
            || ifd.get(T_CFA_PATTERN).is_some()
            || ifd.get(828).is_some() // CFAPattern (TIFF/EP)
    })
}

/// Whether the TIFF's samples are 32-bit integers: `image` takes every
/// 32-bit RGB(A) TIFF for floats (it reads the bits of 0x14141414 as a float),
/// so those are read here instead.
pub fn has_32_bit_integers(bytes: &[u8]) -> bool {
    let Some((f, first)) = File::parse(bytes) else {
        return false;
    };
    let Some(ifd) = pick_ifd(&f, read_chain(&f, first)) else {
        return false;
    };
    let t = Tags { f: &f, ifd: &ifd };
    let bps = t.one(T_BPS, "").ok().flatten();
    let fmt = t.one(T_SAMPLE_FORMAT, "").ok().flatten().unwrap_or(1);
    bps == Some(32) && fmt != 3
}

// ---------------------------------------------------------------------------
// Image description

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fmt {
    Uint,
    Int,
    Float,
}

struct Layout {
    width: u32,
    height: u32,
    /// Samples per pixel in the file.
    spp: u16,
    bps: u16,
    fmt: Fmt,
    photometric: u16,
    planar: bool,
    compression: u16,
    predictor: u16,
    fill_lsb: bool,
    tiled: bool,
    chunk_w: u32,
    chunk_h: u32,
}

impl Layout {
    /// Samples stored per pixel inside one chunk.
    fn chunk_spp(&self) -> u16 {
        if self.planar { 1 } else { self.spp }
    }

    fn row_bytes(&self, w: u32) -> Option<u64> {
        let bits = u64::from(w)
            .checked_mul(u64::from(self.chunk_spp()))?
            .checked_mul(u64::from(self.bps))?;
        bits.checked_add(7).map(|b| b / 8)
    }
}

fn image_area(f: &File<'_>, ifd: &Ifd) -> u64 {
    let t = Tags { f, ifd };
    let w = t.one(T_WIDTH, "").ok().flatten().unwrap_or(0);
    let h = t.one(T_HEIGHT, "").ok().flatten().unwrap_or(0);
    w.saturating_mul(h)
}

fn is_reduced(f: &File<'_>, ifd: &Ifd) -> bool {
    let t = Tags { f, ifd };
    t.one(T_NEW_SUBFILE_TYPE, "").ok().flatten().unwrap_or(0) & 1 == 1
}

fn pick_ifd(f: &File<'_>, chain: Vec<Ifd>) -> Option<Ifd> {
    let mut iter = chain.into_iter();
    let ifd0 = iter.next()?;
    if !is_reduced(f, &ifd0) {
        return Some(ifd0);
    }
    let mut candidates = sub_ifds(f, &ifd0);
    for ifd in iter {
        candidates.extend(sub_ifds(f, &ifd));
        candidates.push(ifd);
    }
    let best = candidates
        .into_iter()
        .filter(|c| !is_reduced(f, c) && image_area(f, c) > 0)
        .max_by_key(|c| image_area(f, c));
    Some(best.unwrap_or(ifd0))
}

fn compression_name(c: u16) -> String {
    match c {
        2 => "CCITT modified Huffman (compression 2)".into(),
        3 => "CCITT Group 3 fax".into(),
        4 => "CCITT Group 4 fax".into(),
        6 => "old-style JPEG".into(),
        7 => "JPEG".into(),
        34712 => "JPEG 2000".into(),
        34887..=34892 => "LERC".into(),
        50000 => "Zstandard".into(),
        50001 => "WebP".into(),
        50002 => "JPEG XL".into(),
        32809 => "ThunderScan".into(),
        32946 | 8 => "Deflate".into(),
        34676 | 34677 => "SGI Log".into(),
        34713 => "Nikon NEF".into(),
        other => format!("compression {other}"),
    }
}

fn photometric_name(p: u16) -> String {
    match p {
        4 => "transparency-mask".into(),
        10 => "ITU Lab".into(),
        32803 => "colour-filter-array (camera raw)".into(),
        32844 | 32845 => "LogLuv".into(),
        34892 => "linear-raw (camera raw)".into(),
        other => format!("photometric-interpretation-{other}"),
    }
}

// ---------------------------------------------------------------------------
// Top level

fn decode_inner(bytes: &[u8], max_side: u32, max_bytes: u64) -> Res<Decoded> {
    let (f, first) = File::parse(bytes).ok_or_else(|| damaged("no TIFF header"))?;
    let chain = read_chain(&f, first);
    let ifd =
        pick_ifd(&f, chain).ok_or_else(|| damaged("the first image directory cannot be read"))?;
    let t = Tags { f: &f, ifd: &ifd };

    let width = t
        .one(T_WIDTH, "ImageWidth")?
        .ok_or_else(|| damaged("no image width"))?;
    let height = t
        .one(T_HEIGHT, "ImageLength")?
        .ok_or_else(|| damaged("no image height"))?;
    if width == 0 || height == 0 {
        return Err(damaged("the image has zero width or height"));
    }
    if width > u64::from(max_side) || height > u64::from(max_side) {
        return Err(Refusal::TooLarge(format!(
            "the TIFF image is {width}×{height} pixels; the limit is {max_side} pixels per side"
        )));
    }
    let width = u32::try_from(width).map_err(|_| damaged("bad width"))?;
    let height = u32::try_from(height).map_err(|_| damaged("bad height"))?;

    let compression = u16::try_from(t.one_or(T_COMPRESSION, "Compression", 1)?).unwrap_or(0);
    let spp_tag = t.one(T_SPP, "SamplesPerPixel")?;
    let mut spp =
        u16::try_from(spp_tag.unwrap_or(1)).map_err(|_| damaged("bad SamplesPerPixel"))?;
    if spp == 0 {
        return Err(damaged("SamplesPerPixel is 0"));
    }
    let bps_all = t.vec(T_BPS, "BitsPerSample")?.unwrap_or_else(|| vec![1]);
    let bps64 = bps_all.first().copied().unwrap_or(1);
    if bps_all.iter().take(usize::from(spp)).any(|&b| b != bps64) {
        return Err(unsupported("with different bit depths per channel"));
    }
    let bps = u16::try_from(bps64).map_err(|_| damaged("bad BitsPerSample"))?;
    let fmt = match t.one_or(T_SAMPLE_FORMAT, "SampleFormat", 1)? {
        1 | 4 => Fmt::Uint,
        2 => Fmt::Int,
        3 => Fmt::Float,
        5 | 6 => return Err(unsupported("with complex-number samples")),
        other => return Err(unsupported(format!("with sample format {other}"))),
    };
    let default_photometric = match compression {
        2..=4 => 0,
        _ if spp >= 3 => 2,
        _ => 1,
    };
    let photometric = u16::try_from(t.one_or(
        T_PHOTOMETRIC,
        "PhotometricInterpretation",
        default_photometric,
    )?)
    .unwrap_or(u16::MAX);
    if spp_tag.is_none() && matches!(photometric, 2 | 6 | 8 | 9) {
        // Some writers omit SamplesPerPixel for colour images (libtiff fixes this up too).
        spp = 3;
    }
    let planar = t.one_or(T_PLANAR, "PlanarConfiguration", 1)? == 2 && spp > 1;
    let predictor = u16::try_from(t.one_or(T_PREDICTOR, "Predictor", 1)?).unwrap_or(0);
    let fill_lsb = t.one_or(T_FILL_ORDER, "FillOrder", 1)? == 2;

    match bps {
        1..=32 | 64 => {}
        _ => return Err(unsupported(format!("with {bps}-bit samples"))),
    }
    if fmt == Fmt::Float && !matches!(bps, 16 | 24 | 32 | 64) {
        return Err(unsupported(format!(
            "with {bps}-bit floating-point samples"
        )));
    }
    if fmt == Fmt::Float && bps == 24 {
        return Err(unsupported("with 24-bit floating-point samples"));
    }

    let _color_channels: u16 = match photometric {
        0 | 1 | 3 => 1,
        2 | 6 | 8 | 9 => 3,
        5 => {
            let inkset = t.one_or(T_INK_SET, "InkSet", 1)?;
            if inkset != 1 && spp != 4 && spp != 5 {
                return Err(unsupported("with a multi-ink (non-CMYK) separation"));
            }
            4
        }
        other => {
            return Err(unsupported(format!(
                "with {} colour",
                photometric_name(other)
            )));
        }
    };
    if photometric == 3 && fmt != Fmt::Uint {
        return Err(damaged("a palette image with non-integer samples"));
    }
    if photometric == 3 && bps > 16 {
        return Err(damaged(format!("a palette image with {bps}-bit indices")));
    }
    if matches!(photometric, 6 | 8 | 9) && fmt == Fmt::Float {
        return Err(unsupported("with floating-point YCbCr or Lab samples"));
    }

    let tiled = ifd.get(T_TILE_WIDTH).is_some() || ifd.get(T_TILE_OFFSETS).is_some();
    let (chunk_w, chunk_h) = if tiled {
        let tw = t
            .one(T_TILE_WIDTH, "TileWidth")?
            .ok_or_else(|| damaged("no tile width"))?;
        let th = t
            .one(T_TILE_LENGTH, "TileLength")?
            .ok_or_else(|| damaged("no tile length"))?;
        // A tile may overhang the image (tiles are multiples of 16), but one
        // far larger than the image is a damaged header, and decoding it
        // would allocate for pixels that are not there.
        let fits = |tile: u64, side: u32| tile <= u64::from(side).next_multiple_of(16).max(1024);
        if tw == 0 || th == 0 || !fits(tw, width) || !fits(th, height) {
            return Err(damaged(format!(
                "the tile size {tw}×{th} is invalid for a {width}×{height} image"
            )));
        }
        (
            u32::try_from(tw).map_err(|_| damaged("bad tile width"))?,
            u32::try_from(th).map_err(|_| damaged("bad tile height"))?,
        )
    } else {
        let rps = t.one_or(T_ROWS_PER_STRIP, "RowsPerStrip", u64::from(height))?;
        let rps = if rps == 0 {
            u64::from(height)
        } else {
            rps.min(u64::from(height))
        };
        (width, u32::try_from(rps).unwrap_or(height))
    };

    let lay = Layout {
        width,
        height,
        spp,
        bps,
        fmt,
        photometric,
        planar,
        compression,
        predictor,
        fill_lsb,
        tiled,
        chunk_w,
        chunk_h,
    };

    // Size checks before any large allocation.
    // Upper bound: grey(+alpha) → 2 channels, anything else → 4.
    let out_channels: u64 = if matches!(photometric, 0 | 1) { 2 } else { 4 };
    let out_bytes = u64::from(width)
        .checked_mul(u64::from(height))
        .and_then(|p| p.checked_mul(out_channels))
        .and_then(|p| {
            p.checked_mul(if fmt == Fmt::Float {
                4
            } else if bps > 8 {
                2
            } else {
                1
            })
        })
        .ok_or_else(|| too_large(width, height))?;
    if out_bytes > max_bytes {
        return Err(too_large(width, height));
    }

    let orientation = t
        .one(T_ORIENTATION, "Orientation")
        .ok()
        .flatten()
        .and_then(|o| u8::try_from(o).ok())
        .and_then(Orientation::from_exif)
        .unwrap_or(Orientation::NoTransforms);
    let icc = ifd.get(T_ICC).and_then(|e| f.raw(e)).map(<[u8]>::to_vec);

    let mut raster = match compression {
        6 if ifd.get(T_JPEG_IF_OFFSET).is_some() => old_jpeg_whole(&f, &t, &lay, max_bytes)?,
        _ => read_chunks(&f, &t, &lay, max_bytes)?,
    };

    let extra = t.vec(T_EXTRA_SAMPLES, "ExtraSamples")?.unwrap_or_default();
    let colormap = t.vec(T_COLORMAP, "ColorMap")?;
    let color = match raster.photometric {
        0 | 1 | 3 => 1,
        5 => 4,
        _ => 3,
    };
    raster.compute_stretch(color);
    let image = to_image(&raster, &extra, colormap.as_deref())?;
    let icc = if matches!(raster.photometric, 5 | 8 | 9) {
        None
    } else {
        icc
    };
    Ok(Decoded {
        image,
        orientation,
        icc,
    })
}

fn too_large(w: u32, h: u32) -> Refusal {
    Refusal::TooLarge(format!(
        "the TIFF image is {w}×{h} pixels, too large to decode in memory"
    ))
}

// ---------------------------------------------------------------------------
// Raster: decoded but not yet converted samples

struct Raster {
    width: u32,
    height: u32,
    spp: u16,
    bps: u16,
    fmt: Fmt,
    /// Photometric interpretation of the samples as stored in `planes`
    /// (JPEG-decoded YCbCr is already RGB here).
    photometric: u16,
    order: Order,
    /// One plane (chunky) or `spp` planes (planar).
    planes: Vec<Vec<u8>>,
    row_bytes: usize,
    /// Display range for wide integer samples (see `compute_stretch`).
    stretch: Option<(f64, f64)>,
}

impl Raster {
    fn planar(&self) -> bool {
        self.planes.len() > 1
    }

    /// Raw bits of sample `s` of pixel (x, y). Missing data reads as 0.
    fn raw(&self, x: u32, y: u32, s: u16) -> u64 {
        let (plane, idx) = if self.planar() {
            (usize::from(s), u64::from(x))
        } else {
            (0, u64::from(x) * u64::from(self.spp) + u64::from(s))
        };
        let Some(p) = self.planes.get(plane) else {
            return 0;
        };
        let base = (y as usize).saturating_mul(self.row_bytes);
        let bit = idx.saturating_mul(u64::from(self.bps));
        let bps = u32::from(self.bps);
        if bps % 8 == 0 {
            let nb = (bps / 8) as usize;
            let start = base.saturating_add((bit / 8) as usize);
            let Some(b) = p.get(start..start.saturating_add(nb)) else {
                return 0;
            };
            let mut v = 0u64;
            match self.order {
                Order::Be => {
                    for &c in b {
                        v = (v << 8) | u64::from(c);
                    }
                }
                Order::Le => {
                    for &c in b.iter().rev() {
                        v = (v << 8) | u64::from(c);
                    }
                }
            }
            v
        } else if bps < 8 {
            let Some(&byte) = p.get(base.saturating_add((bit / 8) as usize)) else {
                return 0;
            };
            let shift = 8u32.saturating_sub((bit % 8) as u32).saturating_sub(bps);
            (u64::from(byte) >> shift) & ((1u64 << bps) - 1)
        } else {
            let mut v = 0u64;
            for i in 0..u64::from(bps) {
                let b = bit.saturating_add(i);
                let byte = p
                    .get(base.saturating_add((b / 8) as usize))
                    .copied()
                    .unwrap_or(0);
                v = (v << 1) | u64::from((byte >> (7 - (b % 8) as u32)) & 1);
            }
            v
        }
    }

    /// Sample as 0.0..=1.0 (signed integers: type range; floats: clamped).
    fn unit(&self, x: u32, y: u32, s: u16) -> f32 {
        let v = self.raw(x, y, s);
        let bps = u32::from(self.bps);
        match self.fmt {
            Fmt::Float => {
                let f = match bps {
                    16 => f16_to_f32(v as u16),
                    32 => f32::from_bits(v as u32),
                    _ => f64::from_bits(v) as f32,
                };
                if f.is_nan() { 0.0 } else { f.clamp(0.0, 1.0) }
            }
            Fmt::Uint | Fmt::Int => {
                if let Some((lo, hi)) = self.stretch {
                    let x = self.value_f64(v);
                    return if hi > lo {
                        ((x - lo) / (hi - lo)).clamp(0.0, 1.0) as f32
                    } else {
                        0.0
                    };
                }
                // Unsigned (and 8-bit signed, read as unsigned bytes as Pillow does).
                let max = if bps >= 64 {
                    u64::MAX
                } else {
                    (1u64 << bps) - 1
                };
                (v as f64 / max as f64) as f32
            }
        }
    }

    /// The integer value of raw bits (sign-extended for signed samples).
    fn value_f64(&self, v: u64) -> f64 {
        if self.fmt == Fmt::Int {
            let shift = 64u32.saturating_sub(u32::from(self.bps));
            (((v << shift) as i64) >> shift) as f64
        } else {
            v as f64
        }
    }

    /// Wide integers (signed 16/32/64-bit, unsigned 32/64-bit) are shown stretched from
    /// the image's own min..max: their type range is almost never used.
    fn compute_stretch(&mut self, channels: u16) {
        let wide =
            (self.fmt == Fmt::Int && self.bps > 8) || (self.fmt == Fmt::Uint && self.bps > 16);
        // Unsigned colour (RGB) is shown by its type's range: the writers of
        // 32-bit RGB (Photoshop among them) scale to it, and stretching a
        // picture's own range would change its colours.
        let unsigned_colour = self.fmt == Fmt::Uint && self.photometric == 2;
        if !wide || unsigned_colour || matches!(self.photometric, 3 | 8 | 9) {
            return;
        }
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for y in 0..self.height {
            for x in 0..self.width {
                for s in 0..channels.min(self.spp) {
                    let v = self.value_f64(self.raw(x, y, s));
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        if lo.is_finite() && hi.is_finite() {
            self.stretch = Some((lo, hi));
        }
    }

    fn signed(&self, x: u32, y: u32, s: u16) -> f32 {
        let v = self.raw(x, y, s);
        let bps = u32::from(self.bps);
        let shift = 64u32.saturating_sub(bps);
        (((v << shift) as i64) >> shift) as f32
    }
}

fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let bits = if exp == 0 {
        if man == 0 {
            sign
        } else {
            // subnormal
            let mut e: i32 = -14;
            let mut m = man;
            while m & 0x400 == 0 {
                m <<= 1;
                e -= 1;
            }
            m &= 0x3ff;
            sign | (((e + 127) as u32) << 23) | (m << 13)
        }
    } else if exp == 31 {
        sign | 0x7f80_0000 | (man << 13)
    } else {
        sign | ((exp + 127 - 15) << 23) | (man << 13)
    };
    f32::from_bits(bits)
}

// ---------------------------------------------------------------------------
// Chunk reading

fn alloc_zeroed(len: u64, max_bytes: u64, w: u32, h: u32) -> Res<Vec<u8>> {
    if len > max_bytes {
        return Err(too_large(w, h));
    }
    let len = usize::try_from(len).map_err(|_| too_large(w, h))?;
    Ok(vec![0u8; len])
}

fn read_chunks(f: &File<'_>, t: &Tags<'_, '_>, lay: &Layout, max_bytes: u64) -> Res<Raster> {
    let kind = if lay.tiled { "tile" } else { "strip" };
    let (off_tag, cnt_tag) = if lay.tiled {
        (T_TILE_OFFSETS, T_TILE_BYTE_COUNTS)
    } else {
        (T_STRIP_OFFSETS, T_STRIP_BYTE_COUNTS)
    };
    let offsets = t
        .vec(off_tag, "offsets")?
        .ok_or_else(|| damaged(format!("no {kind} offsets")))?;
    let counts = t.vec(cnt_tag, "byte counts")?;

    let across = lay.width.div_ceil(lay.chunk_w);
    let down = lay.height.div_ceil(lay.chunk_h);
    let per_plane = u64::from(across) * u64::from(down);
    let nplanes: u16 = if lay.planar { lay.spp } else { 1 };
    let needed = per_plane * u64::from(nplanes);
    if (offsets.len() as u64) < needed {
        return Err(damaged(format!(
            "{needed} {kind}s are needed but the file lists {}",
            offsets.len()
        )));
    }

    let jpeg = matches!(lay.compression, 6 | 7);
    if jpeg && lay.bps != 8 {
        return Err(unsupported(format!(
            "with {}-bit JPEG-compressed samples",
            lay.bps
        )));
    }
    let jpeg_tables = t.f.raw_opt(t.ifd.get(T_JPEG_TABLES));
    let t4 = t.one_or(T_T4_OPTIONS, "T4Options", 0)?;
    let subsampling = {
        let v = t
            .vec(T_YCBCR_SUBSAMPLING, "YCbCrSubSampling")?
            .unwrap_or_default();
        let h = v.first().copied().unwrap_or(2);
        let vv = v.get(1).copied().unwrap_or(2);
        (h, vv)
    };
    let ycbcr_sub = lay.photometric == 6 && !jpeg && subsampling != (1, 1);
    if ycbcr_sub {
        if lay.planar || lay.bps != 8 || lay.spp < 3 || lay.predictor != 1 {
            return Err(unsupported("with this kind of subsampled YCbCr"));
        }
        if !matches!(subsampling.0, 1 | 2 | 4) || !matches!(subsampling.1, 1 | 2 | 4) {
            return Err(damaged("invalid YCbCr subsampling"));
        }
    }

    // After JPEG decoding, YCbCr is RGB.
    let photometric = if jpeg && lay.photometric == 6 {
        2
    } else {
        lay.photometric
    };
    // Subsampled YCbCr is expanded to 3 full-resolution samples per pixel.
    let (spp, chunk_spp_out) = if ycbcr_sub {
        (3u16, 3u16)
    } else {
        (lay.spp, lay.chunk_spp())
    };

    let plane_row_bits = u64::from(lay.width) * u64::from(chunk_spp_out) * u64::from(lay.bps);
    let plane_row = plane_row_bits.div_ceil(8);
    let plane_len = plane_row
        .checked_mul(u64::from(lay.height))
        .ok_or_else(|| too_large(lay.width, lay.height))?;
    if plane_len.saturating_mul(u64::from(nplanes)) > max_bytes {
        return Err(too_large(lay.width, lay.height));
    }
    let mut planes = Vec::with_capacity(usize::from(nplanes));
    for _ in 0..nplanes {
        planes.push(alloc_zeroed(plane_len, max_bytes, lay.width, lay.height)?);
    }
    let row_bytes = usize::try_from(plane_row).map_err(|_| too_large(lay.width, lay.height))?;

    let chunk_row_in = lay
        .row_bytes(lay.chunk_w)
        .ok_or_else(|| too_large(lay.width, lay.height))?;
    let chunk_row_out =
        (u64::from(lay.chunk_w) * u64::from(chunk_spp_out) * u64::from(lay.bps)).div_ceil(8);

    for idx in 0..needed {
        let plane = (idx / per_plane) as usize;
        let within = idx % per_plane;
        let (cx, cy) = (
            (within % u64::from(across)) as u32,
            (within / u64::from(across)) as u32,
        );
        let x0 = cx.saturating_mul(lay.chunk_w);
        let y0 = cy.saturating_mul(lay.chunk_h);
        // Rows actually present in this chunk: strips are cut at the image bottom, tiles are not.
        let rows = if lay.tiled {
            lay.chunk_h
        } else {
            lay.chunk_h.min(lay.height.saturating_sub(y0))
        };
        let n = idx + 1;

        let off = offsets.get(idx as usize).copied().unwrap_or(0);
        let expected = if ycbcr_sub {
            // Subsampled YCbCr is stored in data units of sh×sv luma samples + Cb + Cr.
            let (sh, sv) = subsampling;
            u64::from(lay.chunk_w.div_ceil(sh as u32))
                .saturating_mul(u64::from(rows.div_ceil(sv as u32)))
                .saturating_mul(sh.saturating_mul(sv).saturating_add(2))
        } else {
            chunk_row_in
                .checked_mul(u64::from(rows))
                .ok_or_else(|| too_large(lay.width, lay.height))?
        };
        if expected > max_bytes {
            return Err(too_large(lay.width, lay.height));
        }
        let count = match counts.as_ref().and_then(|c| c.get(idx as usize).copied()) {
            Some(c) => c,
            None if lay.compression == 1 => expected,
            None => {
                // Without byte counts, take everything up to the end of the file.
                (f.b.len() as u64).saturating_sub(off)
            }
        };
        let file_len = f.b.len() as u64;
        if off >= file_len && count > 0 {
            return Err(damaged(format!(
                "{kind} {n} starts past the end of the file"
            )));
        }
        let avail = count.min(file_len.saturating_sub(off));
        let src = f
            .slice(off, avail)
            .ok_or_else(|| damaged(format!("{kind} {n} is outside the file")))?;
        if avail < count {
            // The file ends inside this chunk: it was cut short (a copy that
            // stopped, a download that did not finish). Importing it with a
            // blank band would pass a damaged file for a whole one.
            return Err(damaged(format!("{kind} {n} is cut short")));
        }
        let reversed;
        let src = if lay.fill_lsb && !jpeg {
            reversed = src.iter().map(|b| b.reverse_bits()).collect::<Vec<u8>>();
            reversed.as_slice()
        } else {
            src
        };

        let (mut data, src_w, src_rows, src_row) = if jpeg {
            let (d, w, h, comps) = decode_jpeg_chunk(src, jpeg_tables, lay, rows, n, kind)
                .map_err(|e| {
                    if lay.compression == 6 {
                        // Old-style JPEG whose strips are not self-contained JPEG streams
                        // (tables in JPEGQTables/JPEGDCTables/…): not implemented.
                        unsupported(
                            "with old-style JPEG compression without an embedded JPEG stream",
                        )
                    } else {
                        e
                    }
                })?;
            if comps != lay.chunk_spp() {
                return Err(damaged(format!(
                    "{kind} {n} holds a JPEG with {comps} channels where {} are expected",
                    lay.chunk_spp()
                )));
            }
            let row = u64::from(w) * u64::from(comps);
            (d, w, h, row)
        } else {
            let d = decompress(src, lay, expected, rows, n, kind, t4)?;
            (d, lay.chunk_w, rows, chunk_row_in)
        };

        if !jpeg && !ycbcr_sub {
            undo_predictor(&mut data, lay, f.order, chunk_row_in, rows)?;
        }
        if ycbcr_sub {
            data = expand_ycbcr(&data, lay.chunk_w, rows, subsampling, n, kind)?;
        }
        let src_row = if ycbcr_sub { chunk_row_out } else { src_row };

        // Copy the chunk into its plane.
        let dst = planes.get_mut(plane).ok_or_else(|| damaged("bad plane"))?;
        let x_bits = u64::from(x0) * u64::from(chunk_spp_out) * u64::from(lay.bps);
        if x_bits % 8 != 0 {
            return Err(unsupported(format!(
                "with {kind}s that do not start on a byte boundary"
            )));
        }
        let x_byte = (x_bits / 8) as usize;
        let copy_w = (u64::from(src_w.min(lay.width.saturating_sub(x0)))
            * u64::from(chunk_spp_out)
            * u64::from(lay.bps))
        .div_ceil(8) as usize;
        let copy_w = copy_w
            .min(row_bytes.saturating_sub(x_byte))
            .min(src_row as usize);
        let copy_rows = src_rows.min(lay.height.saturating_sub(y0));
        for r in 0..copy_rows {
            let s0 = (r as usize).saturating_mul(src_row as usize);
            let d0 = ((y0.saturating_add(r)) as usize)
                .saturating_mul(row_bytes)
                .saturating_add(x_byte);
            let (Some(s), Some(d)) = (
                data.get(s0..s0.saturating_add(copy_w)),
                dst.get_mut(d0..d0.saturating_add(copy_w)),
            ) else {
                break;
            };
            d.copy_from_slice(s);
        }
    }

    Ok(Raster {
        width: lay.width,
        height: lay.height,
        spp,
        bps: lay.bps,
        fmt: lay.fmt,
        photometric,
        order: if ycbcr_sub || jpeg {
            Order::Be
        } else {
            f.order
        },
        planes,
        row_bytes,
        stretch: None,
    })
}

impl<'a> File<'a> {
    fn raw_opt(&self, e: Option<&Entry>) -> Option<&'a [u8]> {
        e.and_then(|e| self.raw(e))
    }
}

fn decompress(
    src: &[u8],
    lay: &Layout,
    expected: u64,
    rows: u32,
    n: u64,
    kind: &str,
    t4: u64,
) -> Res<Vec<u8>> {
    let exp = usize::try_from(expected).map_err(|_| too_large(lay.width, lay.height))?;
    let short = || damaged(format!("{kind} {n} is cut short"));
    let bad = |what: &str| damaged(format!("{kind} {n} has invalid {what} data"));
    let mut out = match lay.compression {
        1 => {
            let mut v = src
                .get(..exp.min(src.len()))
                .map(<[u8]>::to_vec)
                .unwrap_or_default();
            if v.len() < exp {
                return Err(short());
            }
            v.truncate(exp);
            v
        }
        5 => lzw(src, exp).ok_or_else(|| bad("LZW"))?,
        8 | 32946 => {
            let mut v = Vec::with_capacity(exp.min(1 << 26));
            let mut dec = flate2::read::ZlibDecoder::new(src).take(expected);
            if dec.read_to_end(&mut v).is_err() && v.len() < exp {
                return Err(bad("Deflate"));
            }
            v
        }
        32773 => packbits(src, exp),
        34925 => xz(src, exp).ok_or_else(|| bad("LZMA"))?,
        2..=4 => fax(src, lay, rows, lay.compression, t4).ok_or_else(|| bad("fax"))?,
        c => {
            return Err(unsupported(format!(
                "compressed with {}",
                compression_name(c)
            )));
        }
    };
    if out.len() < exp {
        // A compressed chunk that ends before its rows do: cut short.
        return Err(short());
    }
    out.truncate(exp);
    Ok(out)
}

struct Limited {
    v: Vec<u8>,
    max: usize,
}

impl Write for Limited {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.max.saturating_sub(self.v.len());
        if room == 0 && !buf.is_empty() {
            return Err(std::io::Error::other("output limit reached"));
        }
        let n = room.min(buf.len());
        self.v.extend_from_slice(buf.get(..n).unwrap_or_default());
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Read an xz variable-length integer.
fn xz_varint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for i in 0..9 {
        let c = *b.get(*pos)?;
        *pos += 1;
        v |= u64::from(c & 0x7f) << (7 * i);
        if c & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Decode the `.xz` stream libtiff writes for LZMA compression (34925).
///
/// libtiff uses a Delta filter in front of LZMA2, which `lzma-rs`'s `xz_decompress` does
/// not implement, so the xz container is parsed here: the block's raw LZMA2 data goes to
/// `lzma_rs::lzma2_decompress` and the Delta filter is undone afterwards. Only the first
/// block is read (libtiff writes one per strip).
fn xz(src: &[u8], exp: usize) -> Option<Vec<u8>> {
    if src.get(0..6)? != [0xfd, b'7', b'z', b'X', b'Z', 0] {
        return None;
    }
    let hdr_start = 12usize;
    let size_byte = *src.get(hdr_start)?;
    if size_byte == 0 {
        return Some(Vec::new()); // no blocks
    }
    let hdr_len = (usize::from(size_byte) + 1) * 4;
    let hdr = src.get(hdr_start..hdr_start.checked_add(hdr_len)?)?;
    let flags = *hdr.get(1)?;
    let nfilters = usize::from(flags & 3) + 1;
    let mut pos = 2usize;
    if flags & 0x40 != 0 {
        xz_varint(hdr, &mut pos)?;
    }
    if flags & 0x80 != 0 {
        xz_varint(hdr, &mut pos)?;
    }
    let mut delta: Option<usize> = None;
    let mut has_lzma2 = false;
    for _ in 0..nfilters {
        let id = xz_varint(hdr, &mut pos)?;
        let psize = usize::try_from(xz_varint(hdr, &mut pos)?).ok()?;
        let props = hdr.get(pos..pos.checked_add(psize)?)?;
        pos += psize;
        match id {
            0x03 => delta = Some(usize::from(*props.first()?) + 1),
            0x21 => has_lzma2 = true,
            _ => return None, // BCJ and other filters are not used by libtiff
        }
    }
    if !has_lzma2 {
        return None;
    }
    let data = src.get(hdr_start + hdr_len..)?;
    let mut w = Limited {
        v: Vec::with_capacity(exp.min(1 << 26)),
        max: exp,
    };
    let mut r = std::io::BufReader::new(data);
    if lzma_rs::lzma2_decompress(&mut r, &mut w).is_err() && w.v.is_empty() {
        return None;
    }
    let mut out = w.v;
    if let Some(d) = delta {
        for i in d..out.len() {
            let p = out.get(i - d).copied().unwrap_or(0);
            if let Some(c) = out.get_mut(i) {
                *c = c.wrapping_add(p);
            }
        }
    }
    Some(out)
}

fn lzw(src: &[u8], exp: usize) -> Option<Vec<u8>> {
    // Old-style (pre-5.0 libtiff) LZW is LSB-first and starts with 0x00 0x01.
    let old = matches!(src.get(0..2), Some([0, b]) if b & 1 == 1);
    let mut dec = if old {
        weezl::decode::Decoder::new(weezl::BitOrder::Lsb, 8)
    } else {
        weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
    };
    let mut out = vec![0u8; exp];
    let mut inp = src;
    let mut pos = 0usize;
    while pos < exp {
        let dst = out.get_mut(pos..)?;
        let r = dec.decode_bytes(inp, dst);
        pos = pos.saturating_add(r.consumed_out);
        inp = inp.get(r.consumed_in..)?;
        match r.status {
            Ok(weezl::LzwStatus::Ok) => {}
            Ok(weezl::LzwStatus::Done) | Ok(weezl::LzwStatus::NoProgress) => break,
            Err(_) => {
                if pos == 0 {
                    return None;
                }
                break;
            }
        }
        if r.consumed_in == 0 && r.consumed_out == 0 {
            break;
        }
    }
    out.truncate(pos);
    Some(out)
}

fn packbits(src: &[u8], exp: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(exp.min(1 << 26));
    let mut i = 0usize;
    while out.len() < exp {
        let Some(&h) = src.get(i) else { break };
        i += 1;
        let h = h as i8;
        if h >= 0 {
            let n = usize::from(h as u8) + 1;
            let Some(run) = src.get(i..i.saturating_add(n)) else {
                out.extend_from_slice(src.get(i..).unwrap_or_default());
                break;
            };
            out.extend_from_slice(run);
            i += n;
        } else if h != -128 {
            let n = usize::from((-(h as i16)) as u16) + 1;
            let Some(&b) = src.get(i) else { break };
            i += 1;
            out.extend(std::iter::repeat_n(b, n));
        }
    }
    out.truncate(exp);
    out
}

fn fax(src: &[u8], lay: &Layout, rows: u32, compression: u16, t4: u64) -> Option<Vec<u8>> {
    if lay.bps != 1 || lay.spp != 1 {
        return None;
    }
    let w = u16::try_from(lay.chunk_w).ok()?;
    let h = u16::try_from(rows).ok()?;
    let row = usize::from(w).div_ceil(8);
    let mut out = Vec::with_capacity(row.saturating_mul(usize::from(h)));
    // Like libtiff, "black" code runs become 1 bits and "white" runs 0 bits; the
    // PhotometricInterpretation then says what a 1 bit looks like (WhiteIsZero: black).
    let mut line_cb = |transitions: &[u16]| {
        if out.len() >= row.saturating_mul(usize::from(h)) {
            return;
        }
        let mut line = vec![0u8; row];
        for (x, c) in fax::decoder::pels(transitions, w).enumerate() {
            let is_black = c == fax::Color::Black;
            if is_black && let Some(b) = line.get_mut(x / 8) {
                *b |= 0x80 >> (x % 8);
            }
        }
        out.extend_from_slice(&line);
    };
    let ok = if compression == 2 {
        mh_decode(src, w, h, &mut line_cb);
        Some(())
    } else if compression == 4 {
        fax::decoder::decode_g4(src.iter().copied(), w, Some(h), &mut line_cb)
    } else {
        if t4 & 1 == 1 {
            return None; // 2-D Group 3 is not implemented by the fax crate
        }
        // `fax::decoder::decode_g3` drops the last line when the strip does not end with
        // an EOL (libtiff writes none), so drive the decoder here and keep that line.
        let input = src.iter().copied().map(Ok::<u8, std::convert::Infallible>);
        let Ok(mut dec) = fax::decoder::Group3Decoder::new(input) else {
            return None;
        };
        let mut lines = 0u32;
        loop {
            match dec.advance() {
                Ok(status) => {
                    line_cb(dec.transitions());
                    lines = lines.saturating_add(1);
                    if status == fax::decoder::DecodeStatus::End || lines >= rows {
                        break;
                    }
                }
                Err(_) => {
                    if !dec.transitions().is_empty() {
                        line_cb(dec.transitions());
                    }
                    break;
                }
            }
        }
        Some(())
    };
    if ok.is_none() && out.is_empty() {
        return None;
    }
    Some(out)
}

/// Bit reader over a slice for the fax code tables; reads past the end as zeros.
struct SliceBits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl fax::BitReader for SliceBits<'_> {
    type Error = ();

    fn peek(&self, bits: u8) -> Option<u16> {
        if bits > 16 || self.pos >= self.data.len().saturating_mul(8) {
            return None;
        }
        let mut v = 0u16;
        for i in 0..usize::from(bits) {
            let p = self.pos.saturating_add(i);
            let byte = self.data.get(p / 8).copied().unwrap_or(0);
            v = (v << 1) | u16::from((byte >> (7 - (p % 8))) & 1);
        }
        Some(v)
    }

    fn consume(&mut self, bits: u8) -> Result<(), ()> {
        self.pos = self.pos.saturating_add(usize::from(bits));
        Ok(())
    }

    fn bits_to_byte_boundary(&self) -> u8 {
        ((8 - (self.pos % 8)) % 8) as u8
    }
}

/// CCITT modified Huffman (compression 2): 1-D Group 3 codes, no EOLs, rows byte-aligned.
fn mh_decode(src: &[u8], w: u16, h: u16, line_cb: &mut impl FnMut(&[u16])) {
    let mut r = SliceBits { data: src, pos: 0 };
    let mut transitions: Vec<u16> = Vec::new();
    for _ in 0..h {
        transitions.clear();
        let mut a0: u16 = 0;
        let mut white = true;
        let mut ok = true;
        while a0 < w {
            let mut run: u16 = 0;
            loop {
                let code = if white {
                    fax::maps::white::decode(&mut r)
                } else {
                    fax::maps::black::decode(&mut r)
                };
                let Some(n) = code else {
                    ok = false;
                    break;
                };
                run = run.saturating_add(n);
                if n < 64 {
                    break;
                }
            }
            if !ok {
                break;
            }
            a0 = a0.saturating_add(run).min(w);
            transitions.push(a0);
            white = !white;
        }
        line_cb(&transitions);
        if !ok {
            return;
        }
        r.pos = r.pos.div_ceil(8).saturating_mul(8);
    }
}

fn undo_predictor(
    data: &mut [u8],
    lay: &Layout,
    order: Order,
    row_bytes: u64,
    rows: u32,
) -> Res<()> {
    let stride = usize::from(lay.chunk_spp());
    let row = usize::try_from(row_bytes).map_err(|_| too_large(lay.width, lay.height))?;
    if row == 0 {
        return Ok(());
    }
    match lay.predictor {
        1 => Ok(()),
        2 => {
            let bytes = match lay.bps {
                8 => 1usize,
                16 => 2,
                32 => 4,
                64 => 8,
                b => {
                    return Err(unsupported(format!(
                        "with horizontal prediction on {b}-bit samples"
                    )));
                }
            };
            for r in data.chunks_mut(row).take(rows as usize) {
                let samples = r.len() / bytes;
                let mut prev = vec![0u64; stride];
                for i in 0..samples {
                    let Some(cell) = r.get_mut(i * bytes..(i + 1) * bytes) else {
                        break;
                    };
                    let mut v = 0u64;
                    match order {
                        Order::Be => cell.iter().for_each(|&c| v = (v << 8) | u64::from(c)),
                        Order::Le => cell.iter().rev().for_each(|&c| v = (v << 8) | u64::from(c)),
                    }
                    let Some(p) = prev.get_mut(i % stride) else {
                        break;
                    };
                    if i >= stride {
                        v = v.wrapping_add(*p);
                    }
                    *p = v;
                    let le = v.to_le_bytes();
                    for (k, c) in cell.iter_mut().enumerate() {
                        let src = match order {
                            Order::Le => k,
                            Order::Be => bytes - 1 - k,
                        };
                        *c = le.get(src).copied().unwrap_or(0);
                    }
                }
            }
            Ok(())
        }
        3 => {
            if lay.fmt != Fmt::Float {
                return Err(damaged("floating-point prediction on integer samples"));
            }
            let bytes = usize::from(lay.bps / 8);
            let wc = usize::try_from(lay.chunk_w)
                .unwrap_or(0)
                .saturating_mul(stride);
            let used = wc.saturating_mul(bytes);
            let mut tmp = vec![0u8; used];
            for r in data.chunks_mut(row).take(rows as usize) {
                let Some(r) = r.get_mut(..used) else { break };
                for i in stride..used {
                    let p = r.get(i - stride).copied().unwrap_or(0);
                    if let Some(c) = r.get_mut(i) {
                        *c = c.wrapping_add(p);
                    }
                }
                tmp.copy_from_slice(r);
                for count in 0..wc {
                    for byte in 0..bytes {
                        // The shuffled bytes are most-significant first; write in file order.
                        let dst_byte = match order {
                            Order::Be => byte,
                            Order::Le => bytes - 1 - byte,
                        };
                        let v = tmp.get(byte * wc + count).copied().unwrap_or(0);
                        if let Some(c) = r.get_mut(count * bytes + dst_byte) {
                            *c = v;
                        }
                    }
                }
            }
            Ok(())
        }
        p => Err(unsupported(format!("with predictor {p}"))),
    }
}

/// Expand subsampled YCbCr data units into full-resolution Y, Cb, Cr triplets.
fn expand_ycbcr(
    data: &[u8],
    cw: u32,
    rows: u32,
    (sh, sv): (u64, u64),
    n: u64,
    kind: &str,
) -> Res<Vec<u8>> {
    let (sh, sv) = (sh as usize, sv as usize);
    let (w, h) = (cw as usize, rows as usize);
    let bw = w.div_ceil(sh);
    let bh = h.div_ceil(sv);
    let unit = sh * sv + 2;
    let mut out = vec![0u8; w.saturating_mul(h).saturating_mul(3)];
    for by in 0..bh {
        for bx in 0..bw {
            let u = (by * bw + bx) * unit;
            let Some(block) = data.get(u..u + unit) else {
                return Err(damaged(format!("{kind} {n} is cut short")));
            };
            let cb = block.get(sh * sv).copied().unwrap_or(128);
            let cr = block.get(sh * sv + 1).copied().unwrap_or(128);
            for j in 0..sv {
                for i in 0..sh {
                    let (x, y) = (bx * sh + i, by * sv + j);
                    if x >= w || y >= h {
                        continue;
                    }
                    let yv = block.get(j * sh + i).copied().unwrap_or(0);
                    let o = (y * w + x) * 3;
                    if let Some(px) = out.get_mut(o..o + 3) {
                        px.copy_from_slice(&[yv, cb, cr]);
                    }
                }
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// JPEG

fn jpeg_decoder(
    data: Vec<u8>,
    max_w: usize,
    max_h: usize,
) -> zune_jpeg::JpegDecoder<zune_core::bytestream::ZCursor<Vec<u8>>> {
    let opts = zune_core::options::DecoderOptions::default()
        .set_max_width(max_w)
        .set_max_height(max_h)
        .set_strict_mode(false);
    zune_jpeg::JpegDecoder::new_with_options(zune_core::bytestream::ZCursor::new(data), opts)
}

/// Returns (data, width, height, components) with 8-bit chunky samples.
fn decode_jpeg_chunk(
    src: &[u8],
    tables: Option<&[u8]>,
    lay: &Layout,
    rows: u32,
    n: u64,
    kind: &str,
) -> Res<(Vec<u8>, u32, u32, u16)> {
    let mut stream = Vec::with_capacity(src.len() + tables.map_or(0, <[u8]>::len));
    match tables {
        Some(t) if t.len() >= 4 && src.len() >= 2 => {
            stream.extend_from_slice(t.get(..t.len() - 2).unwrap_or_default());
            stream.extend_from_slice(src.get(2..).unwrap_or_default());
        }
        _ => stream.extend_from_slice(src),
    }
    let bad = |e: &dyn fmt::Display| damaged(format!("{kind} {n} holds invalid JPEG data: {e}"));
    let mut dec = jpeg_decoder(
        stream,
        lay.chunk_w as usize,
        (lay.chunk_h.max(rows)) as usize,
    );
    dec.decode_headers().map_err(|e| bad(&e))?;
    let input = dec
        .input_colorspace()
        .unwrap_or(zune_core::colorspace::ColorSpace::Unknown);
    use zune_core::colorspace::ColorSpace as Cs;
    let out = match (lay.photometric, input) {
        (6, _) => Cs::RGB,
        (0 | 1, _) => Cs::Luma,
        (5, Cs::YCCK) => Cs::CMYK,
        (_, cs) => cs,
    };
    let opts = dec.options().jpeg_set_out_colorspace(out);
    dec.set_options(opts);
    let data = dec.decode().map_err(|e| bad(&e))?;
    let info = dec.info().ok_or_else(|| bad(&"no header"))?;
    let comps = dec.output_colorspace().map_or(0, |c| c.num_components());
    Ok((
        data,
        u32::from(info.width),
        u32::from(info.height),
        comps as u16,
    ))
}

/// Old-style JPEG (compression 6) with JPEGInterchangeFormat pointing at a whole JPEG stream.
fn old_jpeg_whole(f: &File<'_>, t: &Tags<'_, '_>, lay: &Layout, max_bytes: u64) -> Res<Raster> {
    let off = t
        .one(T_JPEG_IF_OFFSET, "JPEGInterchangeFormat")?
        .unwrap_or(0);
    let len = t
        .one(T_JPEG_IF_LENGTH, "JPEGInterchangeFormatLength")?
        .unwrap_or_else(|| (f.b.len() as u64).saturating_sub(off));
    let len = len.min((f.b.len() as u64).saturating_sub(off));
    let src = f
        .slice(off, len)
        .ok_or_else(|| damaged("the old-style JPEG stream is outside the file"))?;
    let bad = |e: &dyn fmt::Display| damaged(format!("the old-style JPEG stream is invalid: {e}"));
    let mut dec = jpeg_decoder(src.to_vec(), 65535, 65535);
    dec.decode_headers().map_err(|e| bad(&e))?;
    let info = dec.info().ok_or_else(|| bad(&"no header"))?;
    let size = u64::from(info.width) * u64::from(info.height) * u64::from(info.components.max(1));
    if size > max_bytes {
        return Err(too_large(lay.width, lay.height));
    }
    use zune_core::colorspace::ColorSpace as Cs;
    let input = dec.input_colorspace().unwrap_or(Cs::Unknown);
    let out = match input {
        Cs::Luma => Cs::Luma,
        Cs::CMYK | Cs::YCCK => Cs::CMYK,
        _ => Cs::RGB,
    };
    let opts = dec.options().jpeg_set_out_colorspace(out);
    dec.set_options(opts);
    let data = dec.decode().map_err(|e| bad(&e))?;
    let comps = dec.output_colorspace().map_or(0, |c| c.num_components()) as u16;
    let (jw, jh) = (usize::from(info.width), usize::from(info.height));
    // Place the JPEG into a raster of the TIFF's declared size.
    let (w, h) = (lay.width as usize, lay.height as usize);
    let row = w.saturating_mul(usize::from(comps));
    let mut plane = alloc_zeroed(
        (row as u64).saturating_mul(h as u64),
        max_bytes,
        lay.width,
        lay.height,
    )?;
    let copy = jw.min(w).saturating_mul(usize::from(comps));
    let src_row = jw.saturating_mul(usize::from(comps));
    for y in 0..jh.min(h) {
        let s0 = y * src_row;
        let d0 = y * row;
        if let (Some(s), Some(d)) = (data.get(s0..s0 + copy), plane.get_mut(d0..d0 + copy)) {
            d.copy_from_slice(s);
        }
    }
    let photometric = match comps {
        1 => 1,
        4 => 5,
        _ => 2,
    };
    Ok(Raster {
        width: lay.width,
        height: lay.height,
        spp: comps,
        bps: 8,
        fmt: Fmt::Uint,
        photometric,
        order: Order::Be,
        planes: vec![plane],
        row_bytes: row,
        stretch: None,
    })
}

// ---------------------------------------------------------------------------
// Colour conversion

#[derive(Clone, Copy, PartialEq, Eq)]
enum Depth {
    U8,
    U16,
    F32,
}

fn lab_to_srgb(l: f32, a: f32, b: f32) -> [f32; 3] {
    fn finv(t: f32) -> f32 {
        const D: f32 = 6.0 / 29.0;
        if t > D {
            t * t * t
        } else {
            3.0 * D * D * (t - 4.0 / 29.0)
        }
    }
    let fy = (l + 16.0) / 116.0;
    let fx = fy + a / 500.0;
    let fz = fy - b / 200.0;
    // D50 white point
    let (x, y, z) = (0.9642 * finv(fx), finv(fy), 0.8249 * finv(fz));
    // Bradford D50 → D65
    let x2 = 0.955_576_6 * x - 0.023_039_3 * y + 0.063_163_6 * z;
    let y2 = -0.028_289_5 * x + 1.009_941_6 * y + 0.021_007_7 * z;
    let z2 = 0.012_298_2 * x - 0.020_483 * y + 1.329_909_8 * z;
    // XYZ (D65) → linear sRGB
    let r = 3.240_454_2 * x2 - 1.537_138_5 * y2 - 0.498_531_4 * z2;
    let g = -0.969_266 * x2 + 1.876_010_8 * y2 + 0.041_556 * z2;
    let bb = 0.055_643_4 * x2 - 0.204_025_9 * y2 + 1.057_225_2 * z2;
    let enc = |c: f32| {
        let c = c.clamp(0.0, 1.0);
        if c <= 0.003_130_8 {
            12.92 * c
        } else {
            1.055 * c.powf(1.0 / 2.4) - 0.055
        }
    };
    [enc(r), enc(g), enc(bb)]
}

/// Direct conversion for the common layouts (chunky grey/RGB, unsigned 1..=8 or 16 bits,
/// straight alpha): the same result as the general path, without per-sample floats.
fn fast_path(
    r: &Raster,
    grey: bool,
    alpha: bool,
    premult: bool,
    color: u16,
) -> Option<DynamicImage> {
    if r.fmt != Fmt::Uint
        || r.planar()
        || premult
        || r.stretch.is_some()
        || !matches!(r.photometric, 0..=2)
    {
        return None;
    }
    let (w, h) = (r.width, r.height);
    let invert = r.photometric == 0;
    let mut sel: Vec<u16> = (0..color).collect();
    if alpha {
        sel.push(color);
    }
    let n = (w as usize)
        .checked_mul(h as usize)?
        .checked_mul(sel.len())?;
    let plane = r.planes.first()?;
    let spp = usize::from(r.spp);
    if r.bps == 8 || r.bps == 16 {
        let bytes = usize::from(r.bps / 8);
        let px_bytes = spp.checked_mul(bytes)?;
        let used = (w as usize).checked_mul(px_bytes)?;
        let mut out8 = Vec::new();
        let mut out16 = Vec::new();
        if bytes == 1 {
            out8.reserve_exact(n)
        } else {
            out16.reserve_exact(n)
        }
        for y in 0..h as usize {
            let start = y.checked_mul(r.row_bytes)?;
            let row = plane.get(start..start.checked_add(used)?)?;
            for px in row.chunks_exact(px_bytes) {
                for (k, &s) in sel.iter().enumerate() {
                    let inv = invert && k == 0;
                    let o = usize::from(s) * bytes;
                    if bytes == 1 {
                        let v = *px.get(o)?;
                        out8.push(if inv { 255 - v } else { v });
                    } else {
                        let b = [*px.get(o)?, *px.get(o + 1)?];
                        let v = if r.order == Order::Le {
                            u16::from_le_bytes(b)
                        } else {
                            u16::from_be_bytes(b)
                        };
                        out16.push(if inv { 65535 - v } else { v });
                    }
                }
            }
        }
        return Some(match (bytes, grey, alpha) {
            (1, true, false) => DynamicImage::ImageLuma8(ImageBuffer::from_raw(w, h, out8)?),
            (1, true, true) => DynamicImage::ImageLumaA8(ImageBuffer::from_raw(w, h, out8)?),
            (1, false, false) => DynamicImage::ImageRgb8(ImageBuffer::from_raw(w, h, out8)?),
            (1, false, true) => DynamicImage::ImageRgba8(ImageBuffer::from_raw(w, h, out8)?),
            (_, true, false) => DynamicImage::ImageLuma16(ImageBuffer::from_raw(w, h, out16)?),
            (_, true, true) => DynamicImage::ImageLumaA16(ImageBuffer::from_raw(w, h, out16)?),
            (_, false, false) => DynamicImage::ImageRgb16(ImageBuffer::from_raw(w, h, out16)?),
            (_, false, true) => DynamicImage::ImageRgba16(ImageBuffer::from_raw(w, h, out16)?),
        });
    }
    if r.bps < 8 && grey && !alpha && spp == 1 {
        // 1/2/4-bit grey: a lookup table per sample value.
        let max = (1u32 << r.bps) - 1;
        let lut: Vec<u8> = (0..=max)
            .map(|v| {
                let g = ((v * 255 + max / 2) / max) as u8;
                if invert { 255 - g } else { g }
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        for y in 0..h {
            for x in 0..w {
                out.push(*lut.get(r.raw(x, y, 0) as usize)?);
            }
        }
        return Some(DynamicImage::ImageLuma8(ImageBuffer::from_raw(w, h, out)?));
    }
    None
}

fn to_image(r: &Raster, extra: &[u64], colormap: Option<&[u64]>) -> Res<DynamicImage> {
    let color: u16 = match r.photometric {
        0 | 1 | 3 => 1,
        5 => 4,
        _ => 3,
    };
    if r.spp < color {
        return Err(damaged(format!(
            "the image declares {} samples per pixel, too few for its colour type",
            r.spp
        )));
    }
    // The first extra sample is alpha if ExtraSamples says so (1 = premultiplied, 2 = straight),
    // or if it is unspecified on an RGB/grey image with exactly one extra channel.
    let alpha_kind = if r.spp > color {
        match extra.first() {
            Some(1) => Some(true),
            Some(2) => Some(false),
            None if r.photometric != 5 => Some(false),
            _ => None,
        }
    } else {
        None
    };
    let has_alpha = alpha_kind.is_some();
    let premult = alpha_kind == Some(true);
    let grey_out = matches!(r.photometric, 0 | 1);

    let depth = if r.photometric == 3 {
        Depth::U8
    } else if r.fmt == Fmt::Float {
        if grey_out { Depth::U16 } else { Depth::F32 }
    } else if r.bps <= 8 {
        Depth::U8
    } else {
        Depth::U16
    };

    // Palette
    let pal: Option<(Vec<[f32; 3]>, usize)> = if r.photometric == 3 {
        let map = colormap.ok_or_else(|| damaged("a palette image without a colour map"))?;
        let n = 1usize << r.bps;
        if map.len() < 3 * n {
            return Err(damaged("the colour map is too short"));
        }
        let eight_bit = map.iter().take(3 * n).all(|&v| v < 256);
        let div = if eight_bit { 255.0 } else { 65535.0 };
        let mut p = Vec::with_capacity(n);
        for i in 0..n {
            let g = |k: usize| map.get(k * n + i).copied().unwrap_or(0) as f32 / div;
            p.push([g(0), g(1), g(2)]);
        }
        Some((p, n))
    } else {
        None
    };

    let (w, h) = (r.width, r.height);
    let chans: usize = if grey_out { 1 } else { 3 } + usize::from(has_alpha);

    if let Some(img) = fast_path(r, grey_out, has_alpha, premult, color) {
        return Ok(img);
    }
    let total = (w as usize)
        .saturating_mul(h as usize)
        .saturating_mul(chans);
    let mut px: Vec<f32> = Vec::new();
    let mut out8: Vec<u8> = Vec::new();
    let mut out16: Vec<u16> = Vec::new();
    match depth {
        Depth::U8 => out8.reserve_exact(total),
        Depth::U16 => out16.reserve_exact(total),
        Depth::F32 => px.reserve_exact(total),
    }
    let mut push = |v: f32| match depth {
        Depth::U8 => out8.push((v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8),
        Depth::U16 => out16.push((v.clamp(0.0, 1.0) * 65535.0 + 0.5) as u16),
        Depth::F32 => px.push(v.clamp(0.0, 1.0)),
    };

    for y in 0..h {
        for x in 0..w {
            let a = if has_alpha { r.unit(x, y, color) } else { 1.0 };
            let unpremult = |c: f32| {
                if premult && a > 0.0 {
                    (c / a).min(1.0)
                } else {
                    c
                }
            };
            match r.photometric {
                0 | 1 => {
                    let mut g = r.unit(x, y, 0);
                    if r.photometric == 0 {
                        g = 1.0 - g;
                    }
                    push(unpremult(g));
                }
                2 => {
                    for s in 0..3 {
                        push(unpremult(r.unit(x, y, s)));
                    }
                }
                3 => {
                    let idx = r.raw(x, y, 0) as usize;
                    let c = pal
                        .as_ref()
                        .and_then(|(p, n)| p.get(idx.min(n.saturating_sub(1))).copied())
                        .unwrap_or([0.0; 3]);
                    c.iter().for_each(|&v| push(v));
                }
                5 => {
                    let k = r.unit(x, y, 3);
                    for s in 0..3 {
                        push((1.0 - r.unit(x, y, s)) * (1.0 - k));
                    }
                }
                6 => {
                    let yy = r.unit(x, y, 0) * 255.0;
                    let cb = r.unit(x, y, 1) * 255.0 - 128.0;
                    let cr = r.unit(x, y, 2) * 255.0 - 128.0;
                    push((yy + 1.402 * cr) / 255.0);
                    push((yy - 0.344_136 * cb - 0.714_136 * cr) / 255.0);
                    push((yy + 1.772 * cb) / 255.0);
                }
                8 | 9 => {
                    let l = r.unit(x, y, 0) * 100.0;
                    let scale = if r.bps > 8 { 256.0 } else { 1.0 };
                    let (aa, bb) = if r.photometric == 8 {
                        (r.signed(x, y, 1) / scale, r.signed(x, y, 2) / scale)
                    } else {
                        let half = if r.bps > 8 { 32768.0 } else { 128.0 };
                        (
                            (r.raw(x, y, 1) as f32 - half) / scale,
                            (r.raw(x, y, 2) as f32 - half) / scale,
                        )
                    };
                    lab_to_srgb(l, aa, bb).iter().for_each(|&v| push(v));
                }
                p => return Err(unsupported(format!("with {} colour", photometric_name(p)))),
            }
            if has_alpha {
                push(a);
            }
        }
    }

    let bad = || damaged("the pixel buffer has the wrong size");
    Ok(match (depth, grey_out, has_alpha) {
        (Depth::U8, true, false) => {
            DynamicImage::ImageLuma8(ImageBuffer::from_raw(w, h, out8).ok_or_else(bad)?)
        }
        (Depth::U8, true, true) => {
            DynamicImage::ImageLumaA8(ImageBuffer::from_raw(w, h, out8).ok_or_else(bad)?)
        }
        (Depth::U8, false, false) => {
            DynamicImage::ImageRgb8(ImageBuffer::from_raw(w, h, out8).ok_or_else(bad)?)
        }
        (Depth::U8, false, true) => {
            DynamicImage::ImageRgba8(ImageBuffer::from_raw(w, h, out8).ok_or_else(bad)?)
        }
        (Depth::U16, true, false) => {
            DynamicImage::ImageLuma16(ImageBuffer::from_raw(w, h, out16).ok_or_else(bad)?)
        }
        (Depth::U16, true, true) => {
            DynamicImage::ImageLumaA16(ImageBuffer::from_raw(w, h, out16).ok_or_else(bad)?)
        }
        (Depth::U16, false, false) => {
            DynamicImage::ImageRgb16(ImageBuffer::from_raw(w, h, out16).ok_or_else(bad)?)
        }
        (Depth::U16, false, true) => {
            DynamicImage::ImageRgba16(ImageBuffer::from_raw(w, h, out16).ok_or_else(bad)?)
        }
        (Depth::F32, _, false) => {
            DynamicImage::ImageRgb32F(ImageBuffer::from_raw(w, h, px).ok_or_else(bad)?)
        }
        (Depth::F32, _, true) => {
            DynamicImage::ImageRgba32F(ImageBuffer::from_raw(w, h, px).ok_or_else(bad)?)
        }
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::panic, clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Tag value for the test TIFF writer: SHORT (3) or LONG (4) list.
    enum V {
        S(Vec<u16>),
        L(Vec<u32>),
    }

    /// Build a little-endian TIFF with the given strips (or tiles, with `tiled`).
    fn tiff(w: u32, h: u32, mut tags: Vec<(u16, V)>, chunks: &[Vec<u8>], tiled: bool) -> Vec<u8> {
        let mut out = b"II*\0\0\0\0\0".to_vec();
        let mut offs = Vec::new();
        for c in chunks {
            offs.push(out.len() as u32);
            out.extend_from_slice(c);
        }
        let (ot, ct) = if tiled {
            (T_TILE_OFFSETS, T_TILE_BYTE_COUNTS)
        } else {
            (T_STRIP_OFFSETS, T_STRIP_BYTE_COUNTS)
        };
        tags.push((T_WIDTH, V::L(vec![w])));
        tags.push((T_HEIGHT, V::L(vec![h])));
        tags.push((ot, V::L(offs)));
        tags.push((ct, V::L(chunks.iter().map(|c| c.len() as u32).collect())));
        tags.sort_by_key(|t| t.0);
        if out.len() % 2 == 1 {
            out.push(0);
        }
        let ifd = out.len() as u32;
        out[4..8].copy_from_slice(&ifd.to_le_bytes());
        let mut extra_at = ifd as usize + 2 + 12 * tags.len() + 4;
        let mut extra = Vec::new();
        out.extend_from_slice(&(tags.len() as u16).to_le_bytes());
        for (tag, v) in &tags {
            let (typ, count, bytes): (u16, u32, Vec<u8>) = match v {
                V::S(s) => (
                    3,
                    s.len() as u32,
                    s.iter().flat_map(|x| x.to_le_bytes()).collect(),
                ),
                V::L(l) => (
                    4,
                    l.len() as u32,
                    l.iter().flat_map(|x| x.to_le_bytes()).collect(),
                ),
            };
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&typ.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            if bytes.len() <= 4 {
                let mut b = bytes.clone();
                b.resize(4, 0);
                out.extend_from_slice(&b);
            } else {
                out.extend_from_slice(&(extra_at as u32).to_le_bytes());
                extra_at += bytes.len();
                extra.extend_from_slice(&bytes);
            }
        }
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&extra);
        out
    }

    fn ok(b: &[u8]) -> Decoded {
        match decode(b, 40_000, 1 << 30) {
            Ok(d) => d,
            Err(e) => panic!("decode failed: {e}"),
        }
    }

    #[test]
    fn palette_index_maps_to_colormap() {
        // 8-bit palette: entry 0 black, entry 1 pure red, entry 2 blue.
        let mut map = vec![0u16; 3 * 256];
        map[1] = 65535; // red[1]
        map[2 * 256 + 2] = 65535; // blue[2]
        let t = tiff(
            3,
            1,
            vec![
                (T_BPS, V::S(vec![8])),
                (T_PHOTOMETRIC, V::S(vec![3])),
                (T_COLORMAP, V::S(map)),
            ],
            &[vec![0, 1, 2]],
            false,
        );
        let img = ok(&t).image.to_rgb8();
        assert_eq!(img.get_pixel(0, 0).0, [0, 0, 0]);
        assert_eq!(img.get_pixel(1, 0).0, [255, 0, 0]);
        assert_eq!(img.get_pixel(2, 0).0, [0, 0, 255]);
    }

    #[test]
    fn one_bit_white_is_zero_gives_black_on_white() {
        // 0 bits are white, 1 bits are black (fax convention).
        let t = tiff(
            8,
            1,
            vec![(T_BPS, V::S(vec![1])), (T_PHOTOMETRIC, V::S(vec![0]))],
            &[vec![0b0000_1111]],
            false,
        );
        let d = ok(&t);
        assert!(matches!(d.image, DynamicImage::ImageLuma8(_)));
        let img = d.image.to_luma8();
        assert_eq!(img.get_pixel(0, 0).0, [255]);
        assert_eq!(img.get_pixel(3, 0).0, [255]);
        assert_eq!(img.get_pixel(4, 0).0, [0]);
        assert_eq!(img.get_pixel(7, 0).0, [0]);
        // BlackIsZero flips it.
        let t = tiff(
            8,
            1,
            vec![(T_BPS, V::S(vec![1])), (T_PHOTOMETRIC, V::S(vec![1]))],
            &[vec![0b0000_1111]],
            false,
        );
        assert_eq!(ok(&t).image.to_luma8().get_pixel(0, 0).0, [0]);
    }

    #[test]
    fn signed_16_bit_is_stretched_from_its_min_to_max() {
        let px: Vec<u8> = [-100i16, -50, 0, 100, 300]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let t = tiff(
            5,
            1,
            vec![
                (T_BPS, V::S(vec![16])),
                (T_PHOTOMETRIC, V::S(vec![1])),
                (T_SAMPLE_FORMAT, V::S(vec![2])),
            ],
            &[px],
            false,
        );
        let d = ok(&t);
        let DynamicImage::ImageLuma16(img) = d.image else {
            panic!("expected Luma16")
        };
        let v: Vec<u16> = img.pixels().map(|p| p.0[0]).collect();
        // −100 is black, 300 is white, 100 is exactly in between.
        assert_eq!(v[0], 0);
        assert_eq!(v[1], 8192);
        assert_eq!(v[2], 16384);
        assert_eq!(v[3], 32768);
        assert_eq!(v[4], 65535);
    }

    #[test]
    fn float_rgb_is_clamped_to_unit_range() {
        let vals = [1.0f32, 0.5, 0.0, 2.0, -1.0, f32::NAN];
        let px: Vec<u8> = vals.iter().flat_map(|v| v.to_le_bytes()).collect();
        let t = tiff(
            2,
            1,
            vec![
                (T_BPS, V::S(vec![32, 32, 32])),
                (T_SPP, V::S(vec![3])),
                (T_PHOTOMETRIC, V::S(vec![2])),
                (T_SAMPLE_FORMAT, V::S(vec![3, 3, 3])),
            ],
            &[px],
            false,
        );
        let DynamicImage::ImageRgb32F(img) = ok(&t).image else {
            panic!("expected Rgb32F")
        };
        assert_eq!(img.get_pixel(0, 0).0, [1.0, 0.5, 0.0]);
        assert_eq!(img.get_pixel(1, 0).0, [1.0, 0.0, 0.0]);
    }

    #[test]
    fn cie_lab_becomes_srgb() {
        // White (L=100), black (L=0), and a saturated red (L≈54, a=80, b=67).
        let px = vec![255u8, 0, 0, 0, 0, 0, 138, 80, 67];
        let t = tiff(
            3,
            1,
            vec![
                (T_BPS, V::S(vec![8, 8, 8])),
                (T_SPP, V::S(vec![3])),
                (T_PHOTOMETRIC, V::S(vec![8])),
            ],
            &[px],
            false,
        );
        let d = ok(&t);
        assert!(d.icc.is_none());
        let img = d.image.to_rgb8();
        let w = img.get_pixel(0, 0).0;
        assert!(w.iter().all(|&c| c >= 253), "{w:?}");
        assert_eq!(img.get_pixel(1, 0).0, [0, 0, 0]);
        let r = img.get_pixel(2, 0).0;
        assert!(r[0] > 220 && r[1] < 40 && r[2] < 40, "{r:?}");
    }

    #[test]
    fn subsampled_ycbcr_becomes_rgb() {
        // One 2×2 data unit: Y00 Y01 Y10 Y11 Cb Cr — top row white, bottom row black, neutral chroma.
        let t = tiff(
            2,
            2,
            vec![
                (T_BPS, V::S(vec![8, 8, 8])),
                (T_SPP, V::S(vec![3])),
                (T_PHOTOMETRIC, V::S(vec![6])),
                (T_YCBCR_SUBSAMPLING, V::S(vec![2, 2])),
            ],
            &[vec![255, 255, 0, 0, 128, 128]],
            false,
        );
        let img = ok(&t).image.to_rgb8();
        assert_eq!(img.get_pixel(1, 0).0, [255, 255, 255]);
        assert_eq!(img.get_pixel(0, 1).0, [0, 0, 0]);
    }

    #[test]
    fn tiled_planar_rgb() {
        // 20×2 image, 16×16 tiles → 2 tiles across, 3 planes → 6 tiles.
        let (w, h) = (20u32, 2u32);
        let mut chunks = Vec::new();
        for plane in 0..3 {
            for tx in 0..2u32 {
                let mut tile = vec![0u8; 16 * 16];
                for y in 0..h {
                    for x in 0..16u32 {
                        let gx = tx * 16 + x;
                        // left half red, right half green, row 1 also blue
                        let v = match plane {
                            0 => u8::from(gx < 10) * 255,
                            1 => u8::from(gx >= 10) * 255,
                            _ => u8::from(y == 1) * 255,
                        };
                        tile[(y * 16 + x) as usize] = v;
                    }
                }
                chunks.push(tile);
            }
        }
        let t = tiff(
            w,
            h,
            vec![
                (T_BPS, V::S(vec![8, 8, 8])),
                (T_SPP, V::S(vec![3])),
                (T_PHOTOMETRIC, V::S(vec![2])),
                (T_PLANAR, V::S(vec![2])),
                (T_TILE_WIDTH, V::S(vec![16])),
                (T_TILE_LENGTH, V::S(vec![16])),
            ],
            &chunks,
            true,
        );
        let img = ok(&t).image.to_rgb8();
        assert_eq!(img.get_pixel(0, 0).0, [255, 0, 0]);
        assert_eq!(img.get_pixel(19, 0).0, [0, 255, 0]);
        assert_eq!(img.get_pixel(17, 1).0, [0, 255, 255]);
        // Cut the file short: a refusal, not a panic.
        assert!(matches!(
            decode(&t[..100], 40_000, 1 << 30),
            Err(Refusal::Damaged(_))
        ));
        assert!(matches!(decode(&t, 10, 1 << 30), Err(Refusal::TooLarge(_))));
        assert!(!is_camera_raw(&t));
        let dng = tiff(
            1,
            1,
            vec![
                (T_BPS, V::S(vec![8])),
                (T_DNG_VERSION, V::L(vec![0x0000_0401])),
            ],
            &[vec![0]],
            false,
        );
        assert!(is_camera_raw(&dng));
        let nef = tiff(
            1,
            1,
            vec![
                (T_MAKE, V::L(vec![0x4e494b])),
                (T_PHOTOMETRIC, V::S(vec![32803])),
            ],
            &[vec![0]],
            false,
        );
        assert!(is_camera_raw(&nef));
        assert!(matches!(
            decode(&nef, 40_000, 1 << 30),
            Err(Refusal::Unsupported(_))
        ));
    }
}
