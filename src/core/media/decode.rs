//! Decoding pixels, every decode in Folio under the same limits: the `image`
//! crate's decoders, a JPEG scaled while it is decoded (libjpeg-turbo with
//! the `libjpeg` feature, else jpeg-decoder) where a thumbnail needs fewer
//! pixels than the file holds.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader};

#[cfg(feature = "libjpeg")]
use super::libjpeg;
pub use super::limits::{MAX_DECODE_BYTES, MAX_SIDE_PX, fit, limits};
use crate::core::error::{Error, Result};
use crate::core::format::Format;

/// The `image` crate's name for a format.
pub fn image_format(format: Format) -> image::ImageFormat {
    match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::WebP => image::ImageFormat::WebP,
        Format::Gif => image::ImageFormat::Gif,
        Format::Tiff => image::ImageFormat::Tiff,
    }
}

/// The supported format the `image` crate detected, if it is one.
pub fn from_image_format(format: image::ImageFormat) -> Option<Format> {
    Format::ALL.into_iter().find(|f| image_format(*f) == format)
}

/// Decodes `bytes` at a size no smaller than needed for a `size` thumbnail
/// (JPEG: scaled while decoding; other formats: full size), with the EXIF
/// orientation still to apply.
pub fn decode_reduced(
    path: &Path,
    bytes: &[u8],
    format: Format,
    size: u32,
) -> Result<(DynamicImage, image::metadata::Orientation)> {
    let damaged =
        |e: &dyn std::fmt::Display| Error::bad_image(path, format!("cannot be decoded: {e}"));
    if format == Format::Jpeg {
        #[cfg(feature = "libjpeg")]
        if let Some(scaled) = libjpeg::decode_scaled(bytes, size) {
            return Ok(scaled);
        }
        if let Some(scaled) = decode_jpeg_scaled(path, bytes, size)? {
            return Ok(scaled);
        }
    }
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(image_format(format));
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| damaged(&e))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder).map_err(|e| damaged(&e))?;
    Ok((img, orientation))
}

/// Decodes `bytes` for an export: like [`decode_reduced`] (a JPEG scaled
/// while decoding to no less than `size` on its long side), with the careful
/// chroma upsampling a large rendition shows, and the embedded ICC profile,
/// if any.
pub fn decode_for_export(
    path: &Path,
    bytes: &[u8],
    format: Format,
    size: u32,
) -> Result<(DynamicImage, image::metadata::Orientation, Option<Vec<u8>>)> {
    let icc = icc_profile(bytes, format);
    #[cfg(feature = "libjpeg")]
    if format == Format::Jpeg
        && let Some((img, orientation)) = libjpeg::decode_scaled_with(bytes, size, true)
    {
        return Ok((img, orientation, icc));
    }
    let (img, orientation) = decode_reduced(path, bytes, format, size)?;
    Ok((img, orientation, icc))
}

/// The ICC profile embedded in the file, read from its headers alone.
pub fn icc_profile(bytes: &[u8], format: Format) -> Option<Vec<u8>> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(image_format(format));
    reader.limits(limits());
    let mut decoder = reader.into_decoder().ok()?;
    decoder.icc_profile().ok().flatten()
}

/// A JPEG decoded with DCT scaling (1/1, 1/2, 1/4 or 1/8) to the smallest
/// size that still covers a `size` thumbnail. `None` for the colour models it
/// does not handle (CMYK, 16-bit), which take the general path.
fn decode_jpeg_scaled(
    path: &Path,
    bytes: &[u8],
    size: u32,
) -> Result<Option<(DynamicImage, image::metadata::Orientation)>> {
    let damaged =
        |e: &dyn std::fmt::Display| Error::bad_image(path, format!("cannot be decoded: {e}"));
    // The orientation from image's own EXIF reading (headers only).
    let orientation = image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes))
        .and_then(|mut d| d.orientation())
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut d = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    d.set_max_decoding_buffer_size(usize::try_from(MAX_DECODE_BYTES).unwrap_or(usize::MAX));
    d.read_info().map_err(|e| damaged(&e))?;
    let Some(info) = d.info() else {
        return Err(damaged(&"no image header"));
    };
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    if w > MAX_SIDE_PX || h > MAX_SIDE_PX || w == 0 || h == 0 {
        return Err(Error::bad_image(
            path,
            format!("{w}×{h} pixels is outside what Folio takes (1 to {MAX_SIDE_PX} a side)"),
        ));
    }
    if !scales_by_eighth(w, h, size) {
        return Ok(None);
    }
    let (tw, th) = fit(w, h, size);
    let requested = (
        u16::try_from(tw).unwrap_or(u16::MAX),
        u16::try_from(th).unwrap_or(u16::MAX),
    );
    d.scale(requested.0, requested.1).map_err(|e| damaged(&e))?;
    let pixels = d.decode().map_err(|e| damaged(&e))?;
    let Some(info) = d.info() else {
        return Err(damaged(&"no image header"));
    };
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let img = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            image::RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8)
        }
        jpeg_decoder::PixelFormat::L8 => {
            image::GrayImage::from_raw(w, h, pixels).map(DynamicImage::ImageLuma8)
        }
        _ => return Ok(None),
    };
    match img {
        Some(img) => Ok(Some((img, orientation))),
        None => Err(damaged(
            &"the decoder returned fewer pixels than the header says",
        )),
    }
}

/// Whether a `w`×`h` JPEG can be decoded at 1/8 for a `size` thumbnail. The
/// import's validating decode takes the scaled path only then (zune-jpeg's
/// full decode, which it otherwise uses, refuses more damaged files); without
/// the `libjpeg` feature the thumbnailer uses jpeg-decoder only then (measured
/// with `cargo bench`: a 24 MP JPEG 15.9/s against zune's 12.5/s, a 1080p
/// one, 1/4 only, 120/s against 177/s).
pub fn scales_by_eighth(w: u32, h: u32, size: u32) -> bool {
    let (tw, th) = fit(w, h, size);
    tw * 8 <= w && th * 8 <= h
}
