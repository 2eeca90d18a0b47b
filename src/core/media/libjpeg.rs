//! JPEGs through libjpeg-turbo (the copy mozjpeg-sys builds from source):
//! DCT-domain scaling by any N/8, which skips most of the inverse DCT and
//! the colour conversion of pixels a thumbnail never shows; and the
//! thumbnails' baseline JPEG encoder. Only with the `libjpeg` feature.

use image::DynamicImage;
use image::metadata::Orientation;

use super::limits::{MAX_DECODE_BYTES, MAX_SIDE_PX, fit};

/// The JPEG in `bytes` decoded at the smallest N/8 scale that still
/// covers a `size` thumbnail, with its EXIF orientation still to apply.
/// `None` when libjpeg cannot or should not take it (CMYK, a damaged
/// file, beyond the limits): the general path then decides, and words
/// the error.
pub fn decode_scaled(bytes: &[u8], size: u32) -> Option<(DynamicImage, Orientation)> {
    decode_scaled_with(bytes, size, false)
}

/// [`decode_scaled`], with libjpeg's careful chroma upsampling when `fine`
/// (an export's renditions, seen large).
pub fn decode_scaled_with(
    bytes: &[u8],
    size: u32,
    fine: bool,
) -> Option<(DynamicImage, Orientation)> {
    // libjpeg reports a fatal error by unwinding (mozjpeg's error manager).
    crate::core::panics::catch_unwind(|| decode(bytes, size, fine).ok().flatten())
        .ok()
        .flatten()
}

fn decode(
    bytes: &[u8],
    size: u32,
    fine: bool,
) -> std::io::Result<Option<(DynamicImage, Orientation)>> {
    use mozjpeg::{ColorSpace, Decompress, Marker};
    let mut d = Decompress::builder()
        .with_markers(&[Marker::APP(1)])
        .from_mem(bytes)?;
    let (w, h) = d.size();
    let (Ok(w), Ok(h)) = (u32::try_from(w), u32::try_from(h)) else {
        return Ok(None);
    };
    if w == 0 || h == 0 || w > MAX_SIDE_PX || h > MAX_SIDE_PX {
        return Ok(None);
    }
    // What libjpeg may hold at once: a progressive file keeps every
    // coefficient (2 bytes each, up to 3 full-size components).
    if u64::from(w) * u64::from(h) * 6 > MAX_DECODE_BYTES {
        return Ok(None);
    }
    let gray = match d.color_space() {
        ColorSpace::JCS_GRAYSCALE => true,
        ColorSpace::JCS_YCbCr | ColorSpace::JCS_RGB => false,
        // CMYK and YCCK: libjpeg does not turn them into RGB.
        _ => return Ok(None),
    };
    let orientation = d
        .markers()
        .filter(|m| m.marker == Marker::APP(1))
        .find_map(|m| m.data.strip_prefix(b"Exif\0\0"))
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    d.scale(eighths(w, h, size));
    // A thumbnail does not need the careful chroma upsampling.
    d.do_fancy_upsampling(fine);
    let mut started = if gray { d.grayscale()? } else { d.rgb()? };
    let (ow, oh) = (started.width(), started.height());
    let pixels: Vec<u8> = started.read_scanlines()?;
    started.finish()?;
    let (Ok(ow), Ok(oh)) = (u32::try_from(ow), u32::try_from(oh)) else {
        return Ok(None);
    };
    let img = if gray {
        image::GrayImage::from_raw(ow, oh, pixels).map(DynamicImage::ImageLuma8)
    } else {
        image::RgbImage::from_raw(ow, oh, pixels).map(DynamicImage::ImageRgb8)
    };
    Ok(img.map(|img| (img, orientation)))
}

/// A CMYK (or YCCK) JPEG with an embedded CMYK profile `icc`, decoded at
/// the smallest N/8 scale covering `size` and turned into sRGB through the
/// profile. Photoshop's JPEGs (an Adobe APP14 marker) store the inks
/// inverted. `None` if it is not such a file or libjpeg refuses it.
pub fn decode_cmyk_scaled(
    bytes: &[u8],
    size: u32,
    icc: &[u8],
) -> Option<(DynamicImage, Orientation)> {
    crate::core::panics::catch_unwind(|| decode_cmyk(bytes, size, icc).ok().flatten())
        .ok()
        .flatten()
}

fn decode_cmyk(
    bytes: &[u8],
    size: u32,
    icc: &[u8],
) -> std::io::Result<Option<(DynamicImage, Orientation)>> {
    use mozjpeg::{ColorSpace, Decompress, Marker};
    let mut d = Decompress::builder()
        .with_markers(&[Marker::APP(1), Marker::APP(14)])
        .from_mem(bytes)?;
    if !matches!(d.color_space(), ColorSpace::JCS_CMYK | ColorSpace::JCS_YCCK) {
        return Ok(None);
    }
    let (w, h) = d.size();
    let (Ok(w), Ok(h)) = (u32::try_from(w), u32::try_from(h)) else {
        return Ok(None);
    };
    if w == 0 || h == 0 || w > MAX_SIDE_PX || h > MAX_SIDE_PX {
        return Ok(None);
    }
    // Coefficients of four components, then the CMYK and RGB pixels.
    if u64::from(w) * u64::from(h) * 15 > MAX_DECODE_BYTES {
        return Ok(None);
    }
    let adobe = d
        .markers()
        .any(|m| m.marker == Marker::APP(14) && m.data.starts_with(b"Adobe"));
    let orientation = d
        .markers()
        .filter(|m| m.marker == Marker::APP(1))
        .find_map(|m| m.data.strip_prefix(b"Exif\0\0"))
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    d.scale(eighths(w, h, size));
    let mut started = d.to_colorspace(ColorSpace::JCS_CMYK)?;
    let (ow, oh) = (started.width(), started.height());
    let mut cmyk: Vec<u8> = started.read_scanlines()?;
    started.finish()?;
    if adobe {
        for v in &mut cmyk {
            *v = 255 - *v;
        }
    }
    let Ok(rgb) = super::colour::cmyk_to_srgb(&cmyk, icc) else {
        return Ok(None);
    };
    let (Ok(ow), Ok(oh)) = (u32::try_from(ow), u32::try_from(oh)) else {
        return Ok(None);
    };
    Ok(image::RgbImage::from_raw(ow, oh, rgb)
        .map(|img| (DynamicImage::ImageRgb8(img), orientation)))
}

/// `rgb` as a baseline JPEG at `quality`, 4:4:4, with libjpeg v6's settings:
/// none of mozjpeg's trellis quantisation or progressive scans, which cost
/// several times as much. `None` if libjpeg fails: the caller then
/// encodes with `image`.
pub fn encode_rgb(rgb: &image::RgbImage, quality: u8) -> Option<Vec<u8>> {
    use mozjpeg::{ColorSpace, Compress};
    // libjpeg reports a fatal error by unwinding (mozjpeg's error manager).
    crate::core::panics::catch_unwind(|| -> std::io::Result<Vec<u8>> {
        let mut c = Compress::new(ColorSpace::JCS_RGB);
        c.set_fastest_defaults();
        c.set_size(rgb.width() as usize, rgb.height() as usize);
        c.set_quality(f32::from(quality));
        // Full-resolution colour (4:4:4), as `image`'s encoder writes:
        // at 256 px, halving the chroma blurs coloured edges visibly.
        c.set_chroma_sampling_pixel_sizes((1, 1), (1, 1));
        let mut started = c.start_compress(Vec::with_capacity(32 * 1024))?;
        started.write_scanlines(rgb.as_raw())?;
        started.finish()
    })
    .ok()
    .and_then(Result::ok)
}

/// `rgb` as a JPEG for people to look at (an export's rendition): 4:2:0,
/// optimised Huffman tables, progressive or baseline, libjpeg-turbo's speed
/// (mozjpeg's trellis search would cost several times as much). No marker
/// but JFIF's is written: no EXIF, no profile (untagged is sRGB).
pub fn encode_rendition(rgb: &image::RgbImage, quality: u8, progressive: bool) -> Option<Vec<u8>> {
    use mozjpeg::{ColorSpace, Compress};
    crate::core::panics::catch_unwind(|| -> std::io::Result<Vec<u8>> {
        let mut c = Compress::new(ColorSpace::JCS_RGB);
        c.set_fastest_defaults();
        c.set_size(rgb.width() as usize, rgb.height() as usize);
        c.set_quality(f32::from(quality));
        c.set_chroma_sampling_pixel_sizes((2, 2), (2, 2));
        c.set_optimize_coding(true);
        if progressive {
            c.set_progressive_mode();
        }
        let mut started = c.start_compress(Vec::with_capacity(256 * 1024))?;
        started.write_scanlines(rgb.as_raw())?;
        started.finish()
    })
    .ok()
    .and_then(Result::ok)
}

/// The smallest N (1 to 8) for which `w`×`h` scaled by N/8 (libjpeg
/// rounds up) still covers the `size` thumbnail.
pub fn eighths(w: u32, h: u32, size: u32) -> u8 {
    let (tw, th) = fit(w, h, size);
    (1..=8u8)
        .find(|&n| w * u32::from(n) >= tw * 8 && h * u32::from(n) >= th * 8)
        .unwrap_or(8)
}
