//! HEIC/HEIF stills (an iPhone's usual photos): `heic-decoder` (pure Rust,
//! no `unsafe`, checked bit-exact against the HEVC reference decoder) reads
//! the container, stitches the grid of tiles iPhones write, decodes the
//! HEVC pictures and turns YCbCr into RGB with the file's own matrix.
//!
//! The result is upright (`clap`, `irot` and `imir` applied by the decoder;
//! a HEIF's EXIF orientation is not to be applied again), 8-bit RGB(A) for
//! 8-bit files and 16-bit for 10-bit ones, with the ICC profile of `colr`
//! (Display P3 on iPhones) for [`colour`](super::colour) to bring to sRGB.
//!
//! The decoder splits a grid's tiles over a rayon pool. Folio keeps that
//! pool its own ([`pool`]): its threads run at the lowest priority, like
//! every background thread of Folio's, and a panic on one stays quiet
//! ([`panics::quiet_thread`](crate::core::panics::quiet_thread)) — rayon
//! hands it to the decoding thread, whose catch makes it the file's reason.

use std::sync::OnceLock;

use image::DynamicImage;
use image::metadata::Orientation;

use super::decode::{Decoded, Refusal};

fn refusal(e: heic_decoder::HeifError) -> Refusal {
    use heic_decoder::HeifError as E;
    match e {
        E::Unsupported(what) => Refusal::Unsupported(format!(
            "this HEIC file uses something Folio's HEIC decoder does not read ({what}): export the photo as a JPEG (in Photos: File > Export), or set the iPhone to take JPEGs (Settings > Camera > Formats > Most Compatible)"
        )),
        E::LimitExceeded(what) => {
            Refusal::TooLarge(format!("the HEIC image is too large to open ({what})"))
        }
        other => Refusal::Damaged(format!("the HEIC file is damaged or incomplete ({other})")),
    }
}

/// The pool the decoder's tiles are spread over.
fn pool() -> Result<&'static rayon::ThreadPool, Refusal> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(crate::core::pool::default_workers())
            .thread_name(|i| format!("folio-heic-{i}"))
            .start_handler(|_| {
                crate::core::pool::run_in_background();
                crate::core::panics::quiet_thread();
            })
            .build()
            .ok()
    })
    .as_ref()
    .ok_or_else(|| Refusal::Unsupported("Folio could not start its HEIC decoder's threads".into()))
}

/// Decodes a HEIC/HEIF still: at most `max_side` a side, and refused before
/// any pixel is decoded if it would take more than `max_bytes`.
pub fn decode(bytes: &[u8], max_side: u32, max_bytes: u64) -> Result<Decoded, Refusal> {
    let info = heic_decoder::probe(bytes).map_err(refusal)?;
    let side = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    let (w, h) = (side(info.width), side(info.height));
    if w == 0 || h == 0 || w > max_side || h > max_side {
        return Err(Refusal::TooLarge(format!(
            "the HEIC image is {w}×{h} pixels; Folio takes 1 to {max_side} a side"
        )));
    }
    let wide = info.bit_depth_luma > 8;
    let alpha = info.alpha_bit_depth.is_some();
    // The decoder's planes are i32 samples (luma, the chroma planes at their
    // subsampling, alpha), then the RGB(A) made from them.
    let chroma_quarters: u64 = match info.chroma_format_idc {
        0 => 0,
        1 => 2,
        2 => 4,
        _ => 8,
    };
    let pixels = u64::from(w) * u64::from(h);
    let planes = pixels * 4 * (4 + chroma_quarters + if alpha { 4 } else { 0 }) / 4;
    let out = pixels * if alpha { 4 } else { 3 } * if wide { 2 } else { 1 };
    if planes + out > max_bytes {
        return Err(Refusal::TooLarge(format!(
            "the HEIC image ({w}×{h} pixels) is too large to open safely"
        )));
    }
    let decoded = pool()?
        .install(|| heic_decoder::decode(bytes))
        .map_err(refusal)?;
    let mismatch = || Refusal::Damaged("the HEIC file's pixels do not fill its picture".into());
    let (dw, dh) = (side(decoded.width), side(decoded.height));
    let image = match (wide, alpha) {
        (false, false) => {
            let rgb = decoded.to_rgb8().map_err(refusal)?;
            DynamicImage::ImageRgb8(
                image::RgbImage::from_raw(dw, dh, rgb.data).ok_or_else(mismatch)?,
            )
        }
        (true, false) => {
            let rgb = decoded.to_rgb16().map_err(refusal)?;
            DynamicImage::ImageRgb16(
                image::ImageBuffer::from_raw(dw, dh, rgb.data).ok_or_else(mismatch)?,
            )
        }
        (false, true) => {
            let mut rgba = decoded.to_rgba8().map_err(refusal)?;
            if rgba.premultiplied {
                for px in rgba.data.chunks_exact_mut(4) {
                    unpremultiply(px, 255);
                }
            }
            DynamicImage::ImageRgba8(
                image::RgbaImage::from_raw(dw, dh, rgba.data).ok_or_else(mismatch)?,
            )
        }
        (true, true) => {
            let mut rgba = decoded.to_rgba16().map_err(refusal)?;
            if rgba.premultiplied {
                for px in rgba.data.chunks_exact_mut(4) {
                    unpremultiply(px, 65535);
                }
            }
            DynamicImage::ImageRgba16(
                image::ImageBuffer::from_raw(dw, dh, rgba.data).ok_or_else(mismatch)?,
            )
        }
    };
    Ok(Decoded {
        image,
        orientation: Orientation::NoTransforms,
        icc: decoded.metadata.icc_profile,
    })
}

/// Colour that was multiplied by its opacity (a `prem` link) back to colour.
fn unpremultiply<T>(px: &mut [T], max: u32)
where
    T: Copy + Into<u32> + TryFrom<u32>,
{
    let a: u32 = px[3].into();
    if a == 0 || a == max {
        return;
    }
    for c in &mut px[..3] {
        let v = ((*c).into() * max + a / 2) / a;
        if let Ok(v) = T::try_from(v.min(max)) {
            *c = v;
        }
    }
}
