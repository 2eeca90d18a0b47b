//! Decoder for the flattened ("merged", "composite") image of Adobe Photoshop
//! documents: PSD (version 1) and PSB "large document format" (version 2).
//!
//! Written from the Adobe Photoshop File Format Specification. Only the
//! composite stored in the final "image data" section is read; layers are
//! never composited. The layer & mask section is skipped except for the
//! markers that say whether the composite carries transparency (see
//! [`composite_has_alpha`]).
//!
//! Decisions worth knowing:
//! * **Alpha.** The channel after the colour channels is the composite's
//!   transparency when the file says so: a negative layer count (the spec:
//!   "the first alpha channel contains the transparency data for the merged
//!   result") or an `Mtrn`/`Mt16`/`Mt32` tagged block. It is *not* when the
//!   layer count is positive or resource 1053 gives every extra channel a
//!   non-zero ID (Photoshop's saved selections / spot channels, ignored).
//!   With neither (flat files from other writers) it is taken as alpha, as
//!   psd-tools does. (Pillow treats any 4-channel RGB file as RGBA.)
//! * **White matte.** Photoshop stores a transparent composite matted against
//!   white; colours of partly transparent pixels are un-matted
//!   (`c = (stored - (1 - a)) / a`), as psd-tools does. Fully transparent and
//!   fully opaque pixels are untouched.
//! * **CMYK** is converted through its CMYK profile when it has one (8-bit,
//!   no alpha), else naively (`R = (1-C)(1-K)` …); `icc` is `None` (the
//!   pixels returned are sRGB or naive RGB). **Lab** is converted from D50 Lab
//!   to sRGB, `icc = None`. Duotone is shown as its grey base channel,
//!   multichannel as its first channel (as stored, not inverted), both with
//!   `icc = None`.
//! * **32-bit** (float, linear light in Photoshop) greyscale/RGB is encoded
//!   with the sRGB curve, clipped to 0..1 and returned as 16-bit; `icc = None`
//!   because an embedded profile would describe the linear data.
//! * An embedded ICC profile is returned only if its colour space ("RGB " or
//!   "GRAY") matches the returned image.

use std::borrow::Cow;

use image::{DynamicImage, ImageBuffer, Luma, LumaA, Rgb, Rgba};

/// A decoded composite plus the embedded ICC profile, when it applies.
pub struct Decoded {
    pub image: DynamicImage,
    pub icc: Option<Vec<u8>>,
}

pub use super::decode::Refusal;

const NO_MERGED: &str = "this Photoshop document was saved without “Maximize Compatibility”, so it holds no flattened image; re-save it with that option on, or export a PNG or TIFF";

fn ends_early(what: &str) -> Refusal {
    Refusal::Damaged(format!(
        "the Photoshop document is damaged or incomplete (its {what} ends early)"
    ))
}

fn damaged(why: &str) -> Refusal {
    Refusal::Damaged(format!("the Photoshop document is damaged ({why})"))
}

/// "8BPS" followed by version 1 (PSD) or 2 (PSB).
pub fn is_psd(bytes: &[u8]) -> bool {
    matches!(bytes.get(..6), Some([b'8', b'B', b'P', b'S', 0, 1 | 2]))
}

// ---------------------------------------------------------------------------
// Byte reader

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8], what: &'static str) -> Self {
        Reader { data, pos: 0, what }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Refusal> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or_else(|| ends_early(self.what))?;
        let s = self
            .data
            .get(self.pos..end)
            .ok_or_else(|| ends_early(self.what))?;
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Refusal> {
        let s = self.take(N)?;
        s.try_into().map_err(|_| ends_early(self.what))
    }

    fn u8(&mut self) -> Result<u8, Refusal> {
        Ok(u8::from_be_bytes(self.array()?))
    }
    fn u16(&mut self) -> Result<u16, Refusal> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    fn i16(&mut self) -> Result<i16, Refusal> {
        Ok(i16::from_be_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, Refusal> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, Refusal> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// A section length: u32 in PSD, u64 in PSB (when `long`).
    fn len(&mut self, long: bool) -> Result<usize, Refusal> {
        let n = if long {
            self.u64()?
        } else {
            u64::from(self.u32()?)
        };
        usize::try_from(n).map_err(|_| ends_early(self.what))
    }

    fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }
}

// ---------------------------------------------------------------------------
// Header fields

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Bitmap,
    Gray,
    Indexed,
    Rgb,
    Cmyk,
    Multichannel,
    Duotone,
    Lab,
}

impl Mode {
    fn from_u16(v: u16) -> Option<Mode> {
        Some(match v {
            0 => Mode::Bitmap,
            1 => Mode::Gray,
            2 => Mode::Indexed,
            3 => Mode::Rgb,
            4 => Mode::Cmyk,
            7 => Mode::Multichannel,
            8 => Mode::Duotone,
            9 => Mode::Lab,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Mode::Bitmap => "bitmap mode",
            Mode::Gray => "greyscale",
            Mode::Indexed => "indexed colour",
            Mode::Rgb => "RGB colour",
            Mode::Cmyk => "CMYK colour",
            Mode::Multichannel => "multichannel mode",
            Mode::Duotone => "duotone mode",
            Mode::Lab => "Lab colour",
        }
    }

    /// Channels holding colour (before any alpha).
    fn colour_channels(self) -> u16 {
        match self {
            Mode::Rgb | Mode::Lab => 3,
            Mode::Cmyk => 4,
            _ => 1,
        }
    }

    fn depth_ok(self, depth: u16) -> bool {
        match self {
            Mode::Bitmap => depth == 1,
            Mode::Indexed => depth == 8,
            Mode::Cmyk | Mode::Lab => matches!(depth, 8 | 16),
            Mode::Gray | Mode::Rgb | Mode::Multichannel | Mode::Duotone => {
                matches!(depth, 8 | 16 | 32)
            }
        }
    }

    /// May the channel after the colour channels be the composite's alpha?
    fn may_have_alpha(self) -> bool {
        matches!(
            self,
            Mode::Gray | Mode::Rgb | Mode::Cmyk | Mode::Lab | Mode::Duotone
        )
    }
}

// ---------------------------------------------------------------------------
// Image resources

#[derive(Default)]
struct Resources<'a> {
    icc: Option<&'a [u8]>,
    has_real_merged_data: Option<bool>,
    transparent_index: Option<u16>,
    alpha_ids: Option<&'a [u8]>,
}

/// Strict: a block that does not start with a resource signature, or that
/// runs past the end of the section, means the section is damaged (fuzzed
/// files that get this wrong hold garbage image data too). Up to 3 bytes of
/// trailing padding are tolerated, and a missing final pad byte.
fn parse_resources(data: &[u8]) -> Result<Resources<'_>, Refusal> {
    let malformed = || damaged("its image resources are malformed");
    let mut out = Resources::default();
    let mut r = Reader::new(data, "image resources");
    while r.rest().len() >= 4 {
        let sig = r.take(4)?;
        if !matches!(sig, b"8BIM" | b"MeSa" | b"AgHg" | b"PHUT" | b"DCSR") {
            return Err(malformed());
        }
        let id = r.u16().map_err(|_| malformed())?;
        let name_len = r.u8().map_err(|_| malformed())?;
        // Pascal string: length byte + name, padded to an even total.
        let skip = usize::from(name_len) + usize::from(name_len % 2 == 0);
        r.take(skip).map_err(|_| malformed())?;
        let size = r.u32().map_err(|_| malformed())?;
        let size = usize::try_from(size).map_err(|_| malformed())?;
        let body = r.take(size).map_err(|_| malformed())?;
        if size % 2 == 1 {
            let _ = r.take(1);
        }
        match id {
            // ICC profile
            1039 => out.icc = Some(body),
            // Version info: u32 version, u8 hasRealMergedData, ...
            1057 => {
                if let Some(&b) = body.get(4) {
                    out.has_real_merged_data = Some(b != 0);
                }
            }
            // Alpha identifiers: a u32 ID for each extra channel
            1053 => out.alpha_ids = Some(body),
            // Indexed colour transparency index
            1047 => {
                if let Some(&[a, b]) = body.get(..2).and_then(|s| <&[u8; 2]>::try_from(s).ok()) {
                    out.transparent_index = Some(u16::from_be_bytes([a, b]));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Layer & mask section: only "does the composite have transparency?"

/// What the layer & mask section says about the composite's transparency.
#[derive(Default, Debug, PartialEq, Eq)]
struct LayerHints {
    /// An `Mtrn`/`Mt16`/`Mt32` ("saving merged transparency") block.
    merged_transparency: bool,
    /// The layer count, from the layer info or an `Lr16`/`Lr32` block.
    layer_count: Option<i16>,
}

/// Lenient: whatever is malformed simply gives no hint.
fn layer_hints(lm: &[u8], psb: bool) -> LayerHints {
    let mut hints = LayerHints::default();
    let mut r = Reader::new(lm, "layer and mask information");
    let Ok(li_len) = r.len(psb) else { return hints };
    let Ok(layer_info) = r.take(li_len) else {
        return hints;
    };
    if let Some(&[a, b]) = layer_info
        .get(..2)
        .and_then(|s| <&[u8; 2]>::try_from(s).ok())
    {
        hints.layer_count = Some(i16::from_be_bytes([a, b]));
    }
    let Ok(gm_len) = r.u32() else { return hints };
    let Ok(gm_len) = usize::try_from(gm_len) else {
        return hints;
    };
    if r.take(gm_len).is_err() {
        return hints;
    }
    // Additional layer information (tagged blocks).
    const LONG: [&[u8; 4]; 13] = [
        b"LMsk", b"Lr16", b"Lr32", b"Layr", b"Mt16", b"Mt32", b"Mtrn", b"Alph", b"FMsk", b"lnk2",
        b"FEid", b"FXid", b"PxSD",
    ];
    loop {
        // Tolerate up to 3 bytes of padding between blocks.
        let mut found = false;
        for _ in 0..4 {
            if matches!(r.rest().get(..4), Some(b"8BIM" | b"8B64")) {
                found = true;
                break;
            }
            if r.take(1).is_err() {
                return hints;
            }
        }
        if !found || r.take(4).is_err() {
            return hints;
        }
        let Ok(key) = r.array::<4>() else {
            return hints;
        };
        let long = psb && LONG.contains(&&key);
        let Ok(len) = r.len(long) else { return hints };
        let Ok(body) = r.take(len) else { return hints };
        match &key {
            b"Mtrn" | b"Mt16" | b"Mt32" => hints.merged_transparency = true,
            b"Lr16" | b"Lr32" if hints.layer_count.is_none_or(|n| n == 0) => {
                if let Ok(n) = Reader::new(body, "layer information").i16() {
                    hints.layer_count = Some(n);
                }
            }
            _ => {}
        }
    }
}

/// Is the first channel after the colour channels the composite's
/// transparency? (Same rules as psd-tools' `has_transparency`.)
/// * yes if an `Mtrn`/`Mt16`/`Mt32` block is present, or the layer count is
///   negative (the spec: "the first alpha channel contains the transparency
///   data for the merged result");
/// * no if the layer count is positive (Photoshop then marks transparency
///   with a negative count, so extra channels are saved selections / spot
///   channels), or if the alpha-identifiers resource (1053) gives every
///   extra channel a non-zero ID (Photoshop's saved selections);
/// * otherwise (no layers, no IDs: typical of flat files from other
///   writers) yes.
fn composite_has_alpha(hints: &LayerHints, alpha_ids: Option<&[u8]>) -> bool {
    if hints.merged_transparency || hints.layer_count.is_some_and(|n| n < 0) {
        return true;
    }
    if hints.layer_count.is_some_and(|n| n > 0) {
        return false;
    }
    match alpha_ids {
        Some(ids) if !ids.is_empty() => ids.chunks(4).any(|id| id.iter().all(|&b| b == 0)),
        _ => true,
    }
}

// ---------------------------------------------------------------------------
// Decompression

/// PackBits into `out`; `Err` if `input` ends before `out` is full. Runs
/// that overshoot `out` are clipped.
fn unpack_bits(input: &[u8], out: &mut [u8]) -> Result<(), ()> {
    let mut inp = input.iter();
    let mut o = 0usize;
    while o < out.len() {
        let h = *inp.next().ok_or(())? as i8;
        let room = out.len().saturating_sub(o);
        if h >= 0 {
            let n = usize::from(h as u8) + 1;
            let dst = out.get_mut(o..o.saturating_add(n.min(room))).ok_or(())?;
            for d in dst.iter_mut() {
                *d = *inp.next().ok_or(())?;
            }
            // Literal bytes beyond the end of `out` are consumed and dropped.
            for _ in room..n {
                inp.next().ok_or(())?;
            }
            o = o.saturating_add(n);
        } else if h != -128 {
            let n = usize::from(1u8.wrapping_sub(h as u8)); // 1 - h, 2..=128
            let v = *inp.next().ok_or(())?;
            if let Some(dst) = out.get_mut(o..o.saturating_add(n.min(room))) {
                dst.fill(v);
            }
            o = o.saturating_add(n);
        }
    }
    Ok(())
}

/// Undo ZIP-with-prediction on one row.
fn unpredict_row(row: &mut [u8], depth: u16, width: usize) {
    match depth {
        8 => {
            let mut acc = 0u8;
            for b in row.iter_mut() {
                acc = acc.wrapping_add(*b);
                *b = acc;
            }
        }
        16 => {
            let mut acc = 0u16;
            for pair in row.chunks_exact_mut(2) {
                if let [a, b] = pair {
                    acc = acc.wrapping_add(u16::from_be_bytes([*a, *b]));
                    [*a, *b] = acc.to_be_bytes();
                }
            }
        }
        32 => {
            // Bytes are delta-coded across the whole row, and the row holds
            // four planes: all most-significant bytes, then the next, ...
            let mut acc = 0u8;
            for b in row.iter_mut() {
                acc = acc.wrapping_add(*b);
                *b = acc;
            }
            let shuffled = row.to_vec();
            for (x, px) in row.chunks_exact_mut(4).enumerate() {
                for (k, b) in px.iter_mut().enumerate() {
                    *b = k
                        .checked_mul(width)
                        .and_then(|p| p.checked_add(x))
                        .and_then(|p| shuffled.get(p))
                        .copied()
                        .unwrap_or(0);
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Samples

trait Sample: image::Primitive + 'static {
    const MAX: u32;
    fn from_u32(v: u32) -> Self;
    fn to_u32(self) -> u32;
}

impl Sample for u8 {
    const MAX: u32 = 255;
    fn from_u32(v: u32) -> Self {
        u8::try_from(v).unwrap_or(u8::MAX)
    }
    fn to_u32(self) -> u32 {
        u32::from(self)
    }
}

impl Sample for u16 {
    const MAX: u32 = 65535;
    fn from_u32(v: u32) -> Self {
        u16::try_from(v).unwrap_or(u16::MAX)
    }
    fn to_u32(self) -> u32 {
        u32::from(self)
    }
}

fn float_at(plane: &[u8], i: usize) -> f32 {
    match i
        .checked_mul(4)
        .and_then(|p| plane.get(p..p.checked_add(4)?))
    {
        Some(&[a, b, c, d]) => f32::from_be_bytes([a, b, c, d]),
        _ => 0.0,
    }
}

fn unit_to<T: Sample>(v: f32) -> T {
    let v = if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) };
    T::from_u32((v * T::MAX as f32).round() as u32)
}

fn linear_to_srgb(v: f32) -> f32 {
    if v <= 0.003_130_8 {
        12.92 * v
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    }
}

/// Sample `i` of an 8- or 16-bit plane (or a 32-bit one, linearly, for alpha).
fn sample<T: Sample>(plane: &[u8], i: usize, depth: u16) -> T {
    match depth {
        8 => T::from_u32(u32::from(plane.get(i).copied().unwrap_or(0)) * T::MAX / 255),
        16 => {
            let v = match i
                .checked_mul(2)
                .and_then(|p| plane.get(p..p.checked_add(2)?))
            {
                Some(&[a, b]) => u32::from(u16::from_be_bytes([a, b])),
                _ => 0,
            };
            T::from_u32(v * T::MAX / 65535)
        }
        32 => unit_to(float_at(plane, i)),
        _ => T::from_u32(0),
    }
}

/// A colour sample. For 32-bit data: un-matte in linear light, then encode
/// with the sRGB curve.
fn colour<T: Sample>(plane: &[u8], i: usize, depth: u16, alpha: Option<&[u8]>) -> T {
    if depth != 32 {
        return sample(plane, i, depth);
    }
    let mut v = float_at(plane, i);
    if let Some(ap) = alpha {
        let a = float_at(ap, i);
        if a > 0.0 && a < 1.0 {
            v = (v - (1.0 - a)) / a;
        }
    }
    unit_to(linear_to_srgb(if v.is_nan() {
        0.0
    } else {
        v.clamp(0.0, 1.0)
    }))
}

/// Un-matte from white, in the output's integer domain (8/16-bit data).
fn dematte<T: Sample>(buf: &mut [T], channels: usize) {
    let max = i64::from(T::MAX);
    for px in buf.chunks_exact_mut(channels) {
        let Some((a, colours)) = px.split_last_mut() else {
            continue;
        };
        let a = i64::from(a.to_u32());
        if a <= 0 || a >= max {
            continue;
        }
        for c in colours.iter_mut() {
            let v = i64::from(c.to_u32());
            let un = ((v - (max - a)) * max + a / 2) / a;
            *c = T::from_u32(u32::try_from(un.clamp(0, max)).unwrap_or(0));
        }
    }
}

// ---------------------------------------------------------------------------
// Colour conversion

struct Planes<'a> {
    data: &'a [u8],
    plane_len: usize,
    depth: u16,
    pixels: usize,
}

impl<'a> Planes<'a> {
    fn plane(&self, c: usize) -> &'a [u8] {
        c.checked_mul(self.plane_len)
            .and_then(|s| self.data.get(s..s.checked_add(self.plane_len)?))
            .unwrap_or(&[])
    }
}

/// Grey, duotone, multichannel, RGB: copy the colour channels (+ alpha).
fn convert_direct<T: Sample>(p: &Planes<'_>, colours: usize, alpha: bool) -> Vec<T> {
    let ch = colours + usize::from(alpha);
    let ap = alpha.then(|| p.plane(colours));
    let mut out = vec![T::from_u32(0); p.pixels.saturating_mul(ch)];
    // One pass per channel, with the depth decided outside the loop.
    for c in 0..ch {
        let plane = p.plane(c);
        let dst = out.iter_mut().skip(c).step_by(ch);
        match p.depth {
            8 => {
                for (d, &b) in dst.zip(plane) {
                    *d = T::from_u32(u32::from(b) * T::MAX / 255);
                }
            }
            16 => {
                for (d, b) in dst.zip(plane.chunks_exact(2)) {
                    if let [hi, lo] = b {
                        *d =
                            T::from_u32(u32::from(u16::from_be_bytes([*hi, *lo])) * T::MAX / 65535);
                    }
                }
            }
            _ if c < colours => {
                for (i, d) in dst.enumerate() {
                    *d = colour::<T>(plane, i, p.depth, ap);
                }
            }
            _ => {
                for (i, d) in dst.enumerate() {
                    *d = sample::<T>(plane, i, p.depth);
                }
            }
        }
    }
    if alpha && p.depth != 32 {
        dematte(&mut out, ch);
    }
    out
}

/// CMYK (stored inverted: 0 = full ink) → RGB, naively.
fn convert_cmyk<T: Sample>(p: &Planes<'_>, alpha: bool) -> Vec<T> {
    let ch = 3 + usize::from(alpha);
    let [c, m, y, k] = [p.plane(0), p.plane(1), p.plane(2), p.plane(3)];
    let ap = alpha.then(|| p.plane(4));
    let half = T::MAX / 2;
    let mut out = Vec::with_capacity(p.pixels.saturating_mul(ch));
    for i in 0..p.pixels {
        let kv = sample::<T>(k, i, p.depth).to_u32();
        for pl in [c, m, y] {
            let v = sample::<T>(pl, i, p.depth).to_u32();
            out.push(T::from_u32((v * kv + half) / T::MAX));
        }
        if let Some(ap) = ap {
            out.push(sample::<T>(ap, i, p.depth));
        }
    }
    if alpha {
        dematte(&mut out, ch);
    }
    out
}

/// Lab (D50) → sRGB.
fn convert_lab<T: Sample>(p: &Planes<'_>, alpha: bool) -> Vec<T> {
    let ch = 3 + usize::from(alpha);
    let [lp, ap_, bp] = [p.plane(0), p.plane(1), p.plane(2)];
    let alp = alpha.then(|| p.plane(3));
    let max = T::MAX as f32;
    let (offset, scale) = if T::MAX == 255 {
        (128.0, 1.0)
    } else {
        (32768.0, 256.0)
    };
    let mut out = Vec::with_capacity(p.pixels.saturating_mul(ch));
    for i in 0..p.pixels {
        let l = sample::<T>(lp, i, p.depth).to_u32() as f32 * 100.0 / max;
        let a = (sample::<T>(ap_, i, p.depth).to_u32() as f32 - offset) / scale;
        let b = (sample::<T>(bp, i, p.depth).to_u32() as f32 - offset) / scale;
        for v in lab_to_srgb(l, a, b) {
            out.push(unit_to(v));
        }
        if let Some(alp) = alp {
            out.push(sample::<T>(alp, i, p.depth));
        }
    }
    if alpha {
        dematte(&mut out, ch);
    }
    out
}

fn lab_to_srgb(l: f32, a: f32, b: f32) -> [f32; 3] {
    const EPS: f32 = 216.0 / 24389.0;
    const KAPPA: f32 = 24389.0 / 27.0;
    let fy = (l + 16.0) / 116.0;
    let fx = fy + a / 500.0;
    let fz = fy - b / 200.0;
    let finv = |f: f32| {
        let f3 = f * f * f;
        if f3 > EPS {
            f3
        } else {
            (116.0 * f - 16.0) / KAPPA
        }
    };
    let yr = if l > KAPPA * EPS {
        fy * fy * fy
    } else {
        l / KAPPA
    };
    let x = finv(fx) * 0.964_22;
    let y = yr;
    let z = finv(fz) * 0.825_21;
    // XYZ (D50) → linear sRGB (Bradford-adapted, Lindbloom).
    let r = 3.133_856 * x - 1.616_866_7 * y - 0.490_614_6 * z;
    let g = -0.978_768_4 * x + 1.916_141_5 * y + 0.033_454_0 * z;
    let bl = 0.071_945_3 * x - 0.228_991_4 * y + 1.405_242_7 * z;
    [r, g, bl].map(|v| linear_to_srgb(v.clamp(0.0, 1.0)))
}

fn image_u8(buf: Vec<u8>, w: u32, h: u32, ch: usize) -> Option<DynamicImage> {
    Some(match ch {
        1 => DynamicImage::ImageLuma8(ImageBuffer::<Luma<u8>, _>::from_raw(w, h, buf)?),
        2 => DynamicImage::ImageLumaA8(ImageBuffer::<LumaA<u8>, _>::from_raw(w, h, buf)?),
        3 => DynamicImage::ImageRgb8(ImageBuffer::<Rgb<u8>, _>::from_raw(w, h, buf)?),
        4 => DynamicImage::ImageRgba8(ImageBuffer::<Rgba<u8>, _>::from_raw(w, h, buf)?),
        _ => return None,
    })
}

fn image_u16(buf: Vec<u16>, w: u32, h: u32, ch: usize) -> Option<DynamicImage> {
    Some(match ch {
        1 => DynamicImage::ImageLuma16(ImageBuffer::<Luma<u16>, _>::from_raw(w, h, buf)?),
        2 => DynamicImage::ImageLumaA16(ImageBuffer::<LumaA<u16>, _>::from_raw(w, h, buf)?),
        3 => DynamicImage::ImageRgb16(ImageBuffer::<Rgb<u16>, _>::from_raw(w, h, buf)?),
        4 => DynamicImage::ImageRgba16(ImageBuffer::<Rgba<u16>, _>::from_raw(w, h, buf)?),
        _ => return None,
    })
}

fn convert<T: Sample>(p: &Planes<'_>, mode: Mode, alpha: bool) -> Vec<T> {
    match mode {
        Mode::Rgb => convert_direct(p, 3, alpha),
        Mode::Cmyk => convert_cmyk(p, alpha),
        Mode::Lab => convert_lab(p, alpha),
        _ => convert_direct(p, 1, alpha),
    }
}

// ---------------------------------------------------------------------------
// Entry point

/// Decode the flattened composite of a PSD/PSB file.
///
/// `max_side` limits width and height; `max_bytes` limits the buffers this
/// decoder allocates (decompressed planes + output), checked before
/// allocating.
pub fn decode(bytes: &[u8], max_side: u32, max_bytes: u64) -> Result<Decoded, Refusal> {
    let mut r = Reader::new(bytes, "header");
    if r.take(4)? != b"8BPS" {
        return Err(Refusal::Unsupported(
            "the file is not a Photoshop document (it lacks the “8BPS” signature)".into(),
        ));
    }
    let psb = match r.u16()? {
        1 => false,
        2 => true,
        v => {
            return Err(Refusal::Unsupported(format!(
                "a Photoshop document of file-format version {v} is not supported"
            )));
        }
    };
    r.take(6)?; // reserved
    let channels = r.u16()?;
    let height = r.u32()?;
    let width = r.u32()?;
    let depth = r.u16()?;
    let mode_raw = r.u16()?;

    if channels == 0 || channels > 56 {
        return Err(damaged(&format!("its header gives {channels} channels")));
    }
    if width == 0 || height == 0 {
        return Err(damaged(&format!(
            "its header gives an empty {width}×{height} image"
        )));
    }
    if width > max_side || height > max_side {
        return Err(Refusal::TooLarge(format!(
            "the Photoshop document is {width}×{height} pixels, more than the {max_side}-pixel limit a side"
        )));
    }
    if !matches!(depth, 1 | 8 | 16 | 32) {
        return Err(damaged(&format!("its header gives {depth} bits a sample")));
    }
    let mode = Mode::from_u16(mode_raw).ok_or_else(|| {
        Refusal::Unsupported(format!(
            "a Photoshop document in colour mode {mode_raw} is not supported"
        ))
    })?;
    if !mode.depth_ok(depth) {
        return Err(Refusal::Unsupported(format!(
            "a Photoshop document in {} with {depth}-bit samples is not supported",
            mode.name()
        )));
    }
    let base = mode.colour_channels();
    if channels < base {
        return Err(damaged(&format!(
            "its header gives {channels} channel(s) for an image in {}",
            mode.name()
        )));
    }

    r.what = "colour mode data";
    let cm_len = r.len(false)?;
    let colour_data = r.take(cm_len)?;

    r.what = "image resources";
    let res_len = r.len(false)?;
    let resources = parse_resources(r.take(res_len)?)?;
    if resources.has_real_merged_data == Some(false) {
        return Err(Refusal::Unsupported(NO_MERGED.into()));
    }

    r.what = "layer and mask information";
    let lm_len = r.len(psb)?;
    let lm = r.take(lm_len)?;
    let alpha = mode.may_have_alpha()
        && channels > base
        && composite_has_alpha(&layer_hints(lm, psb), resources.alpha_ids);

    // Sizes, all checked before allocating.
    let too_large = || {
        Refusal::TooLarge(format!(
            "the {width}×{height} Photoshop document needs more memory than allowed to decode"
        ))
    };
    let w64 = u64::from(width);
    let h64 = u64::from(height);
    let row_bytes = if depth == 1 {
        w64.div_ceil(8)
    } else {
        w64 * u64::from(depth / 8)
    };
    let plane_bytes = row_bytes.checked_mul(h64).ok_or_else(too_large)?;
    let used = u64::from(base) + u64::from(alpha);
    let raw_total = plane_bytes.checked_mul(used).ok_or_else(too_large)?;
    let out_channels: u64 = match mode {
        Mode::Bitmap => 1,
        Mode::Indexed => 3 + u64::from(resources.transparent_index.is_some_and(|t| t < 256)),
        Mode::Rgb | Mode::Cmyk | Mode::Lab => 3 + u64::from(alpha),
        _ => 1 + u64::from(alpha),
    };
    let out_sample = if depth <= 8 { 1 } else { 2 };
    let out_total = w64
        .checked_mul(h64)
        .and_then(|p| p.checked_mul(out_channels * out_sample))
        .ok_or_else(too_large)?;
    let need = raw_total.checked_add(out_total).ok_or_else(too_large)?;
    if need > max_bytes {
        return Err(Refusal::TooLarge(format!(
            "decoding this {width}×{height} Photoshop document would need {} MiB of memory, more than the {} MiB allowed",
            need.div_ceil(1 << 20),
            max_bytes >> 20
        )));
    }
    let to_usize = |v: u64| usize::try_from(v).map_err(|_| too_large());
    let row_len = to_usize(row_bytes)?;
    let plane_len = to_usize(plane_bytes)?;
    let raw_len = to_usize(raw_total)?;
    let pixels = to_usize(w64 * h64)?;
    let width_us = to_usize(w64)?;
    let used_us = to_usize(used)?;

    r.what = "image data";
    let compression = r.u16()?;
    let data: Cow<'_, [u8]> = match compression {
        0 => Cow::Borrowed(r.take(raw_len)?),
        1 => {
            let entry = if psb { 4 } else { 2 };
            let entries = usize::from(channels)
                .checked_mul(to_usize(h64)?)
                .ok_or_else(|| ends_early("image data"))?;
            let table = r.take(
                entries
                    .checked_mul(entry)
                    .ok_or_else(|| ends_early("image data"))?,
            )?;
            let mut counts = table.chunks_exact(entry).map(|c| match c {
                [a, b] => u64::from(u16::from_be_bytes([*a, *b])),
                [a, b, c, d] => u64::from(u32::from_be_bytes([*a, *b, *c, *d])),
                _ => 0,
            });
            // Compressed length of each used channel.
            let mut lens = Vec::with_capacity(used_us);
            for _ in 0..used_us {
                let sum: u64 = counts.by_ref().take(to_usize(h64)?).sum();
                // Two PackBits bytes yield at most 128 bytes.
                if sum.saturating_mul(64).saturating_add(128) < plane_bytes {
                    return Err(ends_early("image data"));
                }
                lens.push(to_usize(sum).map_err(|_| ends_early("image data"))?);
            }
            let total: usize = lens
                .iter()
                .try_fold(0usize, |a, &l| a.checked_add(l))
                .unwrap_or(usize::MAX);
            if total > r.rest().len() {
                return Err(ends_early("image data"));
            }
            let mut buf = vec![0u8; raw_len];
            for (plane, len) in buf.chunks_exact_mut(plane_len).zip(lens) {
                let input = r.take(len)?;
                unpack_bits(input, plane).map_err(|()| ends_early("image data"))?;
            }
            Cow::Owned(buf)
        }
        2 | 3 => {
            if compression == 3 && depth == 1 {
                return Err(Refusal::Unsupported(
                    "a 1-bit Photoshop document with predictive ZIP compression is not supported"
                        .into(),
                ));
            }
            use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_zlib_with_limit};
            let mut buf = match decompress_to_vec_zlib_with_limit(r.rest(), raw_len) {
                Ok(v) => v,
                Err(e) if e.status == TINFLStatus::HasMoreOutput => e.output,
                Err(e) if e.output.len() >= raw_len => e.output,
                Err(e)
                    if matches!(
                        e.status,
                        TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput
                    ) =>
                {
                    return Err(ends_early("image data"));
                }
                Err(_) => return Err(damaged("its compressed image data is corrupt")),
            };
            if buf.len() < raw_len {
                return Err(ends_early("image data"));
            }
            buf.truncate(raw_len);
            if compression == 3 {
                for row in buf.chunks_exact_mut(row_len) {
                    unpredict_row(row, depth, width_us);
                }
            }
            Cow::Owned(buf)
        }
        // The specification defines only methods 0-3.
        n => {
            return Err(damaged(&format!(
                "its image data names an unknown compression method, {n}"
            )));
        }
    };

    let planes = Planes {
        data: &data,
        plane_len,
        depth,
        pixels,
    };
    let internal = || damaged("its image could not be assembled");
    let (image, icc_space): (DynamicImage, Option<&[u8; 4]>) = match mode {
        Mode::Bitmap => {
            let plane = planes.plane(0);
            let mut out = Vec::with_capacity(pixels);
            for row in plane.chunks_exact(row_len.max(1)) {
                for x in 0..width_us {
                    let byte = row.get(x / 8).copied().unwrap_or(0);
                    let bit = (byte >> (7 - (x % 8))) & 1;
                    out.push(if bit == 1 { 0u8 } else { 255 });
                }
            }
            (
                image_u8(out, width, height, 1).ok_or_else(internal)?,
                Some(b"GRAY"),
            )
        }
        Mode::Indexed => {
            if colour_data.len() < 768 {
                return Err(damaged("its colour table is missing or short"));
            }
            let ti = resources.transparent_index.filter(|&t| t < 256);
            let ch = if ti.is_some() { 4 } else { 3 };
            let mut out = Vec::with_capacity(pixels.saturating_mul(ch));
            for &ix in planes.plane(0) {
                let i = usize::from(ix);
                for k in 0..3usize {
                    out.push(colour_data.get(k * 256 + i).copied().unwrap_or(0));
                }
                if let Some(t) = ti {
                    out.push(if u16::from(ix) == t { 0 } else { 255 });
                }
            }
            (
                image_u8(out, width, height, ch).ok_or_else(internal)?,
                Some(b"RGB "),
            )
        }
        // 8-bit CMYK with its CMYK profile (print work): through the
        // profile, not the naive conversion.
        Mode::Cmyk
            if depth == 8
                && !alpha
                && let Some(rgb) = resources
                    .icc
                    .filter(|icc| super::colour::is_cmyk_profile(icc))
                    .and_then(|icc| {
                        let [c, m, y, k] = [
                            planes.plane(0),
                            planes.plane(1),
                            planes.plane(2),
                            planes.plane(3),
                        ];
                        // Photoshop stores inks inverted (255 = no ink).
                        let inks: Vec<u8> = (0..pixels)
                            .flat_map(|i| {
                                [c, m, y, k].map(|p| 255 - p.get(i).copied().unwrap_or(255))
                            })
                            .collect();
                        super::colour::cmyk_to_srgb(&inks, icc).ok()
                    }) =>
        {
            (image_u8(rgb, width, height, 3).ok_or_else(internal)?, None)
        }
        _ => {
            let ch = usize::try_from(out_channels).map_err(|_| internal())?;
            let img = if depth == 8 {
                image_u8(convert::<u8>(&planes, mode, alpha), width, height, ch)
            } else {
                image_u16(convert::<u16>(&planes, mode, alpha), width, height, ch)
            }
            .ok_or_else(internal)?;
            let space: Option<&[u8; 4]> = match mode {
                _ if depth == 32 => None,
                Mode::Rgb => Some(b"RGB "),
                Mode::Gray => Some(b"GRAY"),
                _ => None,
            };
            (img, space)
        }
    };

    let icc = match (resources.icc, icc_space) {
        (Some(p), Some(space)) if p.get(16..20) == Some(space.as_slice()) => Some(p.to_vec()),
        _ => None,
    };
    Ok(Decoded { image, icc })
}

// ---------------------------------------------------------------------------
// Tests

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    const LIMIT: u64 = 1 << 30;

    /// PackBits-encode one row (literal runs and repeats).
    fn packbits(row: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < row.len() {
            let mut run = 1;
            while i + run < row.len() && run < 128 && row[i + run] == row[i] {
                run += 1;
            }
            if run >= 2 {
                out.push((1i16 - run as i16) as i8 as u8);
                out.push(row[i]);
                i += run;
            } else {
                let start = i;
                while i < row.len()
                    && i - start < 128
                    && !(i + 1 < row.len() && row[i + 1] == row[i])
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                out.push((i - start - 1) as u8);
                out.extend_from_slice(&row[start..i]);
            }
        }
        out
    }

    struct Psd {
        version: u16,
        mode: u16,
        depth: u16,
        w: u32,
        h: u32,
        planes: Vec<Vec<u8>>, // each plane h * row_bytes, big-endian samples
        colour_data: Vec<u8>,
        resources: Vec<(u16, Vec<u8>)>,
        layer_count: Option<i16>,
    }

    impl Psd {
        fn new(mode: u16, depth: u16, w: u32, h: u32, planes: Vec<Vec<u8>>) -> Self {
            Psd {
                version: 1,
                mode,
                depth,
                w,
                h,
                planes,
                colour_data: Vec::new(),
                resources: Vec::new(),
                layer_count: None,
            }
        }

        fn head(&self) -> Vec<u8> {
            let mut v = b"8BPS".to_vec();
            v.extend(self.version.to_be_bytes());
            v.extend([0; 6]);
            v.extend((self.planes.len() as u16).to_be_bytes());
            v.extend(self.h.to_be_bytes());
            v.extend(self.w.to_be_bytes());
            v.extend(self.depth.to_be_bytes());
            v.extend(self.mode.to_be_bytes());
            v.extend((self.colour_data.len() as u32).to_be_bytes());
            v.extend(&self.colour_data);
            let mut res = Vec::new();
            for (id, body) in &self.resources {
                res.extend(b"8BIM");
                res.extend(id.to_be_bytes());
                res.extend([0, 0]);
                res.extend((body.len() as u32).to_be_bytes());
                res.extend(body);
                if body.len() % 2 == 1 {
                    res.push(0);
                }
            }
            v.extend((res.len() as u32).to_be_bytes());
            v.extend(res);
            let mut lm = Vec::new();
            if let Some(n) = self.layer_count {
                // layer info with only a count (no records), empty global mask
                let li = n.to_be_bytes();
                lm.extend((li.len() as u32).to_be_bytes());
                lm.extend(li);
                lm.extend(0u32.to_be_bytes());
            }
            if self.version == 2 {
                v.extend((lm.len() as u64).to_be_bytes());
            } else {
                v.extend((lm.len() as u32).to_be_bytes());
            }
            v.extend(lm);
            v
        }

        fn raw(&self) -> Vec<u8> {
            let mut v = self.head();
            v.extend(0u16.to_be_bytes());
            for p in &self.planes {
                v.extend(p);
            }
            v
        }

        fn row_bytes(&self) -> usize {
            if self.depth == 1 {
                (self.w as usize).div_ceil(8)
            } else {
                self.w as usize * usize::from(self.depth / 8)
            }
        }

        fn rle(&self) -> Vec<u8> {
            let mut v = self.head();
            v.extend(1u16.to_be_bytes());
            let rb = self.row_bytes();
            let rows: Vec<Vec<u8>> = self
                .planes
                .iter()
                .flat_map(|p| p.chunks(rb).map(packbits))
                .collect();
            for r in &rows {
                if self.version == 2 {
                    v.extend((r.len() as u32).to_be_bytes());
                } else {
                    v.extend((r.len() as u16).to_be_bytes());
                }
            }
            for r in rows {
                v.extend(r);
            }
            v
        }
    }

    fn rgb_2x2() -> Psd {
        // pixels: red, green / blue, (10,20,30)
        Psd::new(
            3,
            8,
            2,
            2,
            vec![
                vec![255, 0, 0, 10],
                vec![0, 255, 0, 20],
                vec![0, 0, 255, 30],
            ],
        )
    }

    fn rgb8(d: &Decoded) -> Vec<u8> {
        match &d.image {
            DynamicImage::ImageRgb8(b) => b.as_raw().clone(),
            other => panic!("expected Rgb8, got {:?}", other.color()),
        }
    }

    const RGB_2X2: [u8; 12] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];

    #[test]
    fn rgb_raw_exact() {
        let f = rgb_2x2().raw();
        assert!(is_psd(&f));
        let d = decode(&f, 40_000, LIMIT).unwrap();
        assert_eq!((d.image.width(), d.image.height()), (2, 2));
        assert_eq!(rgb8(&d), RGB_2X2);
    }

    #[test]
    fn rgb_rle_same_pixels() {
        let d = decode(&rgb_2x2().rle(), 40_000, LIMIT).unwrap();
        assert_eq!(rgb8(&d), RGB_2X2);
        // A wider image with real runs.
        let w = 300u32;
        let plane: Vec<u8> = (0..w * 3)
            .map(|i| if i % 100 < 60 { 7 } else { i as u8 })
            .collect();
        let p = Psd::new(
            3,
            8,
            w,
            3,
            vec![plane.clone(), plane.clone(), plane.clone()],
        );
        let a = decode(&p.raw(), 40_000, LIMIT).unwrap();
        let b = decode(&p.rle(), 40_000, LIMIT).unwrap();
        assert_eq!(rgb8(&a), rgb8(&b));
        assert_eq!(rgb8(&a)[..3], [7, 7, 7]);
        // PSB uses 4-byte row counts.
        let mut p = p;
        p.version = 2;
        assert_eq!(rgb8(&decode(&p.rle(), 40_000, LIMIT).unwrap()), rgb8(&a));
    }

    #[test]
    fn sixteen_bit() {
        let be = |v: &[u16]| v.iter().flat_map(|x| x.to_be_bytes()).collect::<Vec<u8>>();
        let p = Psd::new(
            3,
            16,
            2,
            1,
            vec![be(&[65535, 1]), be(&[0, 258]), be(&[32768, 65534])],
        );
        for f in [p.raw(), p.rle()] {
            let d = decode(&f, 40_000, LIMIT).unwrap();
            match d.image {
                DynamicImage::ImageRgb16(b) => {
                    assert_eq!(b.as_raw(), &[65535, 0, 32768, 1, 258, 65534])
                }
                other => panic!("expected Rgb16, got {:?}", other.color()),
            }
        }
    }

    #[test]
    fn grayscale_and_bitmap() {
        let d = decode(
            &Psd::new(1, 8, 3, 1, vec![vec![0, 128, 255]]).raw(),
            40_000,
            LIMIT,
        )
        .unwrap();
        match d.image {
            DynamicImage::ImageLuma8(b) => assert_eq!(b.as_raw(), &[0, 128, 255]),
            other => panic!("expected Luma8, got {:?}", other.color()),
        }
        // Bitmap: 1 = black. 10 px wide → 2 bytes a row.
        let d = decode(
            &Psd::new(0, 1, 10, 1, vec![vec![0b1010_0000, 0b0100_0000]]).raw(),
            40_000,
            LIMIT,
        )
        .unwrap();
        match d.image {
            DynamicImage::ImageLuma8(b) => {
                assert_eq!(b.as_raw(), &[0, 255, 0, 255, 255, 255, 255, 255, 255, 0])
            }
            other => panic!("expected Luma8, got {:?}", other.color()),
        }
    }

    #[test]
    fn indexed_palette() {
        let mut pal = vec![0u8; 768];
        pal[1] = 200; // index 1: R
        pal[256 + 1] = 100; // G
        pal[512 + 1] = 50; // B
        pal[2] = 9;
        let mut p = Psd::new(2, 8, 3, 1, vec![vec![1, 0, 2]]);
        p.colour_data = pal;
        let d = decode(&p.raw(), 40_000, LIMIT).unwrap();
        assert_eq!(rgb8(&d), [200, 100, 50, 0, 0, 0, 9, 0, 0]);
        // Transparency index → RGBA.
        p.resources.push((1047, 0u16.to_be_bytes().to_vec()));
        let d = decode(&p.raw(), 40_000, LIMIT).unwrap();
        assert_eq!(d.image.to_rgba8().as_raw()[4..8], [0, 0, 0, 0]);
        // Missing palette.
        p.colour_data.clear();
        assert!(matches!(
            decode(&p.raw(), 40_000, LIMIT),
            Err(Refusal::Damaged(_))
        ));
    }

    #[test]
    fn cmyk_white_and_black() {
        // Stored inverted: 255 = no ink. Pixel 0: no ink (white); pixel 1: full K (black);
        // pixel 2: full cyan only.
        let p = Psd::new(
            4,
            8,
            3,
            1,
            vec![
                vec![255, 255, 0],
                vec![255, 255, 255],
                vec![255, 255, 255],
                vec![255, 0, 255],
            ],
        );
        let d = decode(&p.raw(), 40_000, LIMIT).unwrap();
        assert_eq!(rgb8(&d), [255, 255, 255, 0, 0, 0, 0, 255, 255]);
        assert!(d.icc.is_none());
    }

    #[test]
    fn lab_white_black_red() {
        let p = Psd::new(
            9,
            8,
            2,
            1,
            vec![vec![255, 0], vec![128, 128], vec![128, 128]],
        );
        let d = rgb8(&decode(&p.raw(), 40_000, LIMIT).unwrap());
        assert!(d[..3].iter().all(|&v| v >= 253), "{d:?}");
        assert_eq!(d[3..], [0, 0, 0]);
        let p = Psd::new(9, 32, 1, 1, vec![vec![0; 4], vec![0; 4], vec![0; 4]]);
        assert_eq!(
            decode(&p.raw(), 40_000, LIMIT).err(),
            Some(Refusal::Unsupported(
                "a Photoshop document in Lab colour with 32-bit samples is not supported".into()
            ))
        );
    }

    #[test]
    fn alpha_only_when_flagged() {
        let planes = vec![vec![255, 0], vec![0, 0], vec![0, 0], vec![255, 0]];
        // Positive layer count, or Photoshop's non-zero alpha IDs: a saved
        // selection, ignored.
        let mut p = Psd::new(3, 8, 2, 1, planes.clone());
        p.layer_count = Some(1);
        assert_eq!(
            rgb8(&decode(&p.raw(), 40_000, LIMIT).unwrap()),
            [255, 0, 0, 0, 0, 0]
        );
        let mut p = Psd::new(3, 8, 2, 1, planes.clone());
        p.resources.push((1053, 7u32.to_be_bytes().to_vec()));
        assert_eq!(
            rgb8(&decode(&p.raw(), 40_000, LIMIT).unwrap()),
            [255, 0, 0, 0, 0, 0]
        );
        // Negative layer count, or no hints at all: transparency.
        let mut neg = Psd::new(3, 8, 2, 1, planes.clone());
        neg.layer_count = Some(-1);
        for p in [neg, Psd::new(3, 8, 2, 1, planes)] {
            match decode(&p.raw(), 40_000, LIMIT).unwrap().image {
                DynamicImage::ImageRgba8(b) => {
                    assert_eq!(b.as_raw(), &[255, 0, 0, 255, 0, 0, 0, 0])
                }
                other => panic!("expected Rgba8, got {:?}", other.color()),
            }
        }
        // Half-transparent black matted on white is stored as mid grey.
        let mut p = Psd::new(3, 8, 1, 1, vec![vec![128], vec![128], vec![128], vec![127]]);
        p.layer_count = Some(-1);
        let d = decode(&p.raw(), 40_000, LIMIT).unwrap();
        assert_eq!(d.image.to_rgba8().as_raw(), &[0, 0, 0, 127]);
    }

    #[test]
    fn zip_with_prediction() {
        use miniz_oxide::deflate::compress_to_vec_zlib;
        let p = rgb_2x2();
        let mut f = p.head();
        f.extend(3u16.to_be_bytes());
        let mut deltas = Vec::new();
        for plane in &p.planes {
            for row in plane.chunks(2) {
                deltas.push(row[0]);
                deltas.push(row[1].wrapping_sub(row[0]));
            }
        }
        f.extend(compress_to_vec_zlib(&deltas, 6));
        assert_eq!(rgb8(&decode(&f, 40_000, LIMIT).unwrap()), RGB_2X2);
        // 32-bit float with byte-shuffled prediction: 1×2 grey, values 1.0 and 0.0.
        let mut p = Psd::new(
            1,
            32,
            2,
            1,
            vec![[1.0f32.to_be_bytes(), 0.0f32.to_be_bytes()].concat()],
        );
        p.planes[0] = p.planes[0].clone();
        let row = &p.planes[0];
        let mut shuffled = Vec::new();
        for k in 0..4 {
            for x in 0..2 {
                shuffled.push(row[x * 4 + k]);
            }
        }
        let mut prev = 0u8;
        let deltas: Vec<u8> = shuffled
            .iter()
            .map(|&b| {
                let d = b.wrapping_sub(prev);
                prev = b;
                d
            })
            .collect();
        let mut f = p.head();
        f.extend(3u16.to_be_bytes());
        f.extend(compress_to_vec_zlib(&deltas, 6));
        match decode(&f, 40_000, LIMIT).unwrap().image {
            DynamicImage::ImageLuma16(b) => assert_eq!(b.as_raw(), &[65535, 0]),
            other => panic!("expected Luma16, got {:?}", other.color()),
        }
    }

    #[test]
    fn sixteen_bit_zip_prediction_and_float() {
        use miniz_oxide::deflate::compress_to_vec_zlib;
        let vals = [[1000u16, 65535, 3], [0, 1, 2], [40000, 20000, 10]];
        let p = Psd::new(3, 16, 3, 1, vec![vec![0; 6]; 3]);
        let mut f = p.head();
        f.extend(3u16.to_be_bytes());
        let mut deltas = Vec::new();
        for row in vals {
            let mut prev = 0u16;
            for v in row {
                deltas.extend(v.wrapping_sub(prev).to_be_bytes());
                prev = v;
            }
        }
        f.extend(compress_to_vec_zlib(&deltas, 6));
        match decode(&f, 40_000, LIMIT).unwrap().image {
            DynamicImage::ImageRgb16(b) => {
                assert_eq!(b.as_raw(), &[1000, 0, 40000, 65535, 1, 20000, 3, 2, 10])
            }
            other => panic!("expected Rgb16, got {:?}", other.color()),
        }
        // 32-bit linear floats: 0.5 → sRGB ≈ 0.7354; >1 and <0 clip.
        let be = |v: &[f32]| v.iter().flat_map(|x| x.to_be_bytes()).collect::<Vec<u8>>();
        let p = Psd::new(1, 32, 3, 1, vec![be(&[0.5, 2.0, -1.0])]);
        match decode(&p.raw(), 40_000, LIMIT).unwrap().image {
            DynamicImage::ImageLuma16(b) => {
                let v = b.as_raw();
                assert!((48150..=48250).contains(&v[0]), "{v:?}");
                assert_eq!(v[1..], [65535, 0]);
            }
            other => panic!("expected Luma16, got {:?}", other.color()),
        }
    }

    #[test]
    fn truncated_is_damaged() {
        for f in [rgb_2x2().raw(), rgb_2x2().rle()] {
            let cut = &f[..f.len() - 1];
            match decode(cut, 40_000, LIMIT) {
                Err(Refusal::Damaged(m)) => assert!(m.contains("ends early"), "{m}"),
                Err(e) => panic!("{e:?}"),
                Ok(_) => panic!("decoded a truncated file"),
            }
        }
    }

    #[test]
    fn limits_and_flags() {
        let p = Psd::new(3, 8, 50_000, 1, vec![vec![], vec![], vec![]]);
        assert!(matches!(
            decode(&p.raw(), 40_000, LIMIT),
            Err(Refusal::TooLarge(_))
        ));
        let p = Psd::new(3, 8, 30_000, 30_000, vec![vec![], vec![], vec![]]);
        assert!(matches!(
            decode(&p.raw(), 40_000, LIMIT),
            Err(Refusal::TooLarge(_))
        ));
        let mut p = rgb_2x2();
        p.resources.push((1057, vec![0, 0, 0, 1, 0, 0, 0, 0, 0]));
        assert_eq!(
            decode(&p.raw(), 40_000, LIMIT).err(),
            Some(Refusal::Unsupported(NO_MERGED.into()))
        );
        // A resource block without a signature.
        let mut f = rgb_2x2().raw();
        f[30..34].copy_from_slice(&12u32.to_be_bytes()); // resource section: 12 zero bytes
        f.splice(34..34, [0u8; 12]);
        assert_eq!(
            decode(&f, 40_000, LIMIT).err(),
            Some(Refusal::Damaged(
                "the Photoshop document is damaged (its image resources are malformed)".into()
            ))
        );
        assert!(!is_psd(b"8BPS\0\x03"));
        assert!(!is_psd(b"GIF89a"));
    }

    #[test]
    fn never_panics_on_truncation_or_flips() {
        let mut p = rgb_2x2();
        p.layer_count = Some(-1);
        p.planes.push(vec![255, 128, 0, 255]);
        let mut pal = p;
        pal.resources.push((1039, vec![0; 40]));
        for f in [
            pal.raw(),
            pal.rle(),
            Psd::new(0, 1, 9, 2, vec![vec![1, 2, 3, 4]]).rle(),
        ] {
            for n in 0..=f.len() {
                let _ = decode(&f[..n], 40_000, LIMIT);
            }
            let mut seed = 0x2545_f491_u32;
            for _ in 0..2000 {
                let mut g = f.clone();
                for _ in 0..3 {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    let i = seed as usize % g.len();
                    g[i] ^= (seed >> 24) as u8 | 1;
                }
                let _ = decode(&g, 40_000, LIMIT);
            }
        }
    }
}
