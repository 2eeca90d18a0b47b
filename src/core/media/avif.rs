//! AVIF stills: the container read by `zenavif-parse` (the primary item, its
//! alpha item, `irot`/`imir`, `colr`), the AV1 frames decoded by `re_rav1d`
//! (a port of dav1d to Rust, built without its assembly, so a C compiler is
//! all it needs and no `nasm`), and the YCbCr → RGB conversion here.
//!
//! The result is upright (rotation and mirroring applied, so the orientation
//! returned is none), 8-bit RGB(A) for 8-bit files and 16-bit for 10- and
//! 12-bit ones, with the ICC profile of `colr` if it has one.

use image::DynamicImage;
use image::metadata::Orientation;
use re_rav1d::dav1d::{Decoder, Picture, PixelLayout, PlanarImageComponent as Plane, Settings};
use zenavif_parse::{AvifParser, ColorInformation};

use super::decode::{Decoded, Refusal};

fn damaged(why: impl std::fmt::Display) -> Refusal {
    Refusal::Damaged(format!("the AVIF file is damaged or incomplete ({why})"))
}

/// One AV1 frame from its OBUs, at most `max_pixels` pixels.
fn av1(obus: Vec<u8>, max_pixels: u32) -> Result<Picture, Refusal> {
    let mut settings = Settings::new();
    settings.set_max_frame_delay(1);
    settings.set_n_threads(1);
    settings.set_frame_size_limit(max_pixels.max(1));
    let mut decoder = Decoder::with_settings(&settings).map_err(damaged)?;
    // dav1d's rule: while sending says "again", a picture must be taken out
    // before it takes more data. An item holds one still, so the first
    // picture is the answer; the tries are bounded whatever the data does.
    let mut pending = match decoder.send_data(obus, None, None, None) {
        Ok(()) => false,
        Err(e) if e.is_again() => true,
        Err(e) => return Err(damaged(e)),
    };
    for _ in 0..64 {
        match decoder.get_picture() {
            Ok(picture) => return Ok(picture),
            Err(e) if e.is_again() => {}
            Err(e) => return Err(damaged(e)),
        }
        if pending {
            pending = match decoder.send_pending_data() {
                Ok(()) => false,
                Err(e) if e.is_again() => true,
                Err(e) => return Err(damaged(e)),
            };
        } else {
            // A still's frame may wait inside the decoder until it is flushed.
            decoder.flush();
        }
    }
    Err(damaged("its image data holds no frame"))
}

/// The sample at (`x`, `y`) of a plane (8-bit, or 16-bit little/native-endian pairs).
fn sample(plane: &[u8], stride: usize, wide: bool, x: usize, y: usize) -> f32 {
    if wide {
        let at = y * stride + 2 * x;
        match plane.get(at..at + 2) {
            Some(b) => f32::from(u16::from_ne_bytes([b[0], b[1]])),
            None => 0.0,
        }
    } else {
        plane.get(y * stride + x).map_or(0.0, |&v| f32::from(v))
    }
}

/// Decodes an AVIF still.
pub fn decode(bytes: &[u8], max_side: u32, max_bytes: u64) -> Result<Decoded, Refusal> {
    let parser = AvifParser::from_bytes(bytes).map_err(damaged)?;
    // The sizes the AV1 sequence header declares, checked before anything
    // is decoded: a tiny file may declare an enormous frame. What it takes:
    // the decoder's planes (up to 3 × 2 bytes a pixel), the alpha's, and the
    // RGB(A) made from them, as 16-bit values and then the image.
    let declared = parser.primary_metadata().map_err(damaged)?;
    let (dw, dh) = (
        declared.max_frame_width.get(),
        declared.max_frame_height.get(),
    );
    if dw > max_side || dh > max_side {
        return Err(Refusal::TooLarge(format!(
            "the AVIF image is {dw}×{dh} pixels; Folio takes 1 to {max_side} a side"
        )));
    }
    let per_pixel: u64 = 6 + if parser.alpha_data().is_some() { 2 } else { 0 } + 4 * 2 + 4 * 2;
    if u64::from(dw) * u64::from(dh) * per_pixel > max_bytes {
        return Err(Refusal::TooLarge(format!(
            "the AVIF image ({dw}×{dh} pixels) is too large to open safely"
        )));
    }
    let max_pixels = u32::try_from(u64::from(dw) * u64::from(dh)).unwrap_or(u32::MAX);
    let primary = parser.primary_data().map_err(damaged)?.into_owned();
    let picture = av1(primary, max_pixels)?;
    let (w, h) = (picture.width(), picture.height());
    if w == 0 || h == 0 || w > max_side || h > max_side {
        return Err(Refusal::TooLarge(format!(
            "the AVIF image is {w}×{h} pixels; Folio takes 1 to {max_side} a side"
        )));
    }
    let depth = picture.bit_depth();
    let alpha = match parser.alpha_data() {
        Some(data) => Some(av1(data.map_err(damaged)?.into_owned(), max_pixels)?),
        None => None,
    };
    let channels: u64 = if alpha.is_some() { 4 } else { 3 };
    let bytes_per = if depth > 8 { 2 } else { 1 };
    if u64::from(w) * u64::from(h) * channels * bytes_per * 2 > max_bytes {
        return Err(Refusal::TooLarge(format!(
            "the AVIF image ({w}×{h} pixels) is too large to open safely"
        )));
    }
    let (matrix, full_range) = match parser.color_info() {
        Some(ColorInformation::Nclx {
            matrix_coefficients,
            full_range,
            ..
        }) => (*matrix_coefficients, *full_range),
        _ => (
            picture.matrix_coefficients() as u16,
            format!("{:?}", picture.color_range()) == "Full",
        ),
    };
    let icc = match parser.color_info() {
        Some(ColorInformation::IccProfile(icc)) => Some(icc.to_vec()),
        _ => None,
    };
    let (sx, sy) = match picture.pixel_layout() {
        PixelLayout::I420 => (1, 1),
        PixelLayout::I422 => (1, 0),
        _ => (0, 0),
    };
    let mono = picture.pixel_layout() == PixelLayout::I400;
    let wide = depth > 8;
    let max = ((1u32 << depth.min(16)) - 1) as f32;
    let (y_plane, u_plane, v_plane) = (
        picture.plane(Plane::Y),
        picture.plane(Plane::U),
        picture.plane(Plane::V),
    );
    let (ys, cs) = (
        picture.stride(Plane::Y) as usize,
        picture.stride(Plane::U) as usize,
    );
    let alpha_plane = alpha.as_ref().map(|a| {
        (
            a.plane(Plane::Y),
            a.stride(Plane::Y) as usize,
            a.bit_depth() > 8,
            ((1u32 << a.bit_depth().min(16)) - 1) as f32,
        )
    });
    // BT.709 (1), BT.2020 (9, 10), else BT.601; 0 is GBR (identity).
    let (kr, kb) = match matrix {
        1 => (0.2126, 0.0722),
        9 | 10 => (0.2627, 0.0593),
        _ => (0.299, 0.114),
    };
    let (mid, scale) = ((max + 1.0) / 2.0, (max + 1.0) / 256.0);
    let out_max = if wide { 65535.0 } else { 255.0 };
    let (wu, hu) = (w as usize, h as usize);
    let mut out: Vec<u16> = Vec::with_capacity(wu * hu * channels as usize);
    for j in 0..hu {
        for i in 0..wu {
            let yy = sample(&y_plane, ys, wide, i, j);
            let (cb, cr) = if mono {
                (mid, mid)
            } else {
                (
                    sample(&u_plane, cs, wide, i >> sx, j >> sy),
                    sample(&v_plane, cs, wide, i >> sx, j >> sy),
                )
            };
            let rgb = if matrix == 0 {
                [cr / max, yy / max, cb / max]
            } else {
                let (yn, pb, pr) = if full_range {
                    (yy / max, (cb - mid) / max, (cr - mid) / max)
                } else {
                    (
                        (yy - 16.0 * scale) / (219.0 * scale),
                        (cb - mid) / (224.0 * scale),
                        (cr - mid) / (224.0 * scale),
                    )
                };
                let r = yn + 2.0 * (1.0 - kr) * pr;
                let b = yn + 2.0 * (1.0 - kb) * pb;
                let g = (yn - kr * r - kb * b) / (1.0 - kr - kb);
                [r, g, b]
            };
            out.extend(rgb.map(|c| (c * out_max).round().clamp(0.0, out_max) as u16));
            if let Some((plane, stride, a_wide, a_max)) = &alpha_plane {
                let a = sample(plane, *stride, *a_wide, i, j) / a_max;
                out.push((a * out_max).round().clamp(0.0, out_max) as u16);
            }
        }
    }
    let size_mismatch = || damaged("its pixels do not fill the picture");
    let mut image = match (wide, alpha.is_some()) {
        (false, false) => DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(w, h, out.into_iter().map(|v| v as u8).collect())
                .ok_or_else(size_mismatch)?,
        ),
        (false, true) => DynamicImage::ImageRgba8(
            image::RgbaImage::from_raw(w, h, out.into_iter().map(|v| v as u8).collect())
                .ok_or_else(size_mismatch)?,
        ),
        (true, false) => DynamicImage::ImageRgb16(
            image::ImageBuffer::from_raw(w, h, out).ok_or_else(size_mismatch)?,
        ),
        (true, true) => DynamicImage::ImageRgba16(
            image::ImageBuffer::from_raw(w, h, out).ok_or_else(size_mismatch)?,
        ),
    };
    // `irot` (counter-clockwise) first, then `imir`: the picture as shown.
    image = match parser.rotation().map_or(0, |r| r.angle) {
        90 => image.rotate270(),
        180 => image.rotate180(),
        270 => image.rotate90(),
        _ => image,
    };
    image = match parser.mirror().map(|m| m.axis) {
        Some(0) => image.flipv(),
        Some(1) => image.fliph(),
        _ => image,
    };
    Ok(Decoded {
        image,
        orientation: Orientation::NoTransforms,
        icc,
    })
}
