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

/// The `image` crate's name for a format it decodes itself (PSD, AVIF and
/// HEIC are decoded here: [`psd`](super::psd), [`avif`](super::avif),
/// [`heic`](super::heic)).
pub fn image_format(format: Format) -> Option<image::ImageFormat> {
    match format {
        Format::Jpeg => Some(image::ImageFormat::Jpeg),
        Format::Png => Some(image::ImageFormat::Png),
        Format::WebP => Some(image::ImageFormat::WebP),
        Format::Gif => Some(image::ImageFormat::Gif),
        Format::Tiff => Some(image::ImageFormat::Tiff),
        Format::Psd | Format::Avif | Format::Heic => None,
    }
}

/// The supported format the `image` crate detected, if it is one.
pub fn from_image_format(format: image::ImageFormat) -> Option<Format> {
    Format::ALL
        .into_iter()
        .find(|f| image_format(*f) == Some(format))
}

/// A decoded image with what it takes to show it right: the orientation
/// still to apply, and the embedded ICC profile, if any (RGB profiles are
/// turned into sRGB by [`colour::to_srgb`](super::colour::to_srgb) once the
/// image is at its shown size).
pub struct Decoded {
    pub image: DynamicImage,
    pub orientation: image::metadata::Orientation,
    pub icc: Option<Vec<u8>>,
}

/// Why a decoder would not give pixels: the three kinds an artist must be
/// told apart. Each message is a whole sentence for the artist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A kind of file (or of its contents) Folio does not read: "a TIFF with
    /// 12-bit samples is not supported".
    Unsupported(String),
    /// The file is not whole: "the TIFF file is damaged or incomplete (…)".
    Damaged(String),
    /// Larger than [`limits`] allow.
    TooLarge(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Unsupported(m) | Refusal::Damaged(m) | Refusal::TooLarge(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    /// The error about the file at `path`.
    pub fn at(self, path: &Path) -> Error {
        match self {
            Refusal::Unsupported(r) | Refusal::Damaged(r) | Refusal::TooLarge(r) => {
                Error::bad_image(path, r)
            }
        }
    }

    /// What the `image` crate's error means, in the artist's words.
    pub fn from_image(e: image::ImageError, label: &str) -> Refusal {
        match e {
            image::ImageError::Limits(l) => Refusal::TooLarge(format!(
                "the {label} image is too large to open safely ({l})"
            )),
            image::ImageError::Unsupported(u) => {
                Refusal::Unsupported(format!("this kind of {label} is not supported ({u})"))
            }
            other => Refusal::Damaged(format!(
                "the {label} file is damaged or incomplete ({other})"
            )),
        }
    }
}

/// Decodes the whole of `bytes` (a file of `format`), under [`limits`]. A
/// panic in a decoder is caught ([`panics`](crate::core::panics)) and
/// becomes the file's reason.
pub fn decode_full(path: &Path, bytes: &[u8], format: Format) -> Result<Decoded> {
    crate::core::panics::catch_unwind(|| decode_full_inner(bytes, format))
        .unwrap_or_else(|panic| {
            Err(Refusal::Unsupported(format!(
                "the {} decoder cannot read this file ({})",
                format.label(),
                crate::core::pool::panic_message(&*panic)
            )))
        })
        .map_err(|r| r.at(path))
}

fn decode_full_inner(bytes: &[u8], format: Format) -> std::result::Result<Decoded, Refusal> {
    if std::env::var_os("FOLIO_FAILPOINT_DECODE").is_some_and(|v| v == "panic") {
        // For tests: a decoder that trips an assertion on every file.
        #[allow(clippy::panic)] // the point: a decoder's panic, on purpose
        {
            panic!("failpoint: the decoder tripped on this file");
        }
    }
    let budget = MAX_DECODE_BYTES;
    match format {
        Format::Psd => super::psd::decode(bytes, MAX_SIDE_PX, budget).map(|d| Decoded {
            image: d.image,
            orientation: image::metadata::Orientation::NoTransforms,
            icc: d.icc,
        }),
        Format::Avif => super::avif::decode(bytes, MAX_SIDE_PX, budget),
        Format::Heic => super::heic::decode(bytes, MAX_SIDE_PX, budget),
        Format::Tiff => {
            // The `image` crate reads the common TIFFs (and fast); the rest
            // (palette, 1-bit fax, Lab, signed and float samples, old JPEG,
            // planar tiles, 32-bit integers, which `image` takes for
            // floats…) our own reader, `tiff_ext`.
            let common = if super::tiff_ext::has_32_bit_integers(bytes) {
                Ok(Err(Refusal::Unsupported("32-bit integer samples".into())))
            } else {
                crate::core::panics::catch_unwind(|| decode_with_image(bytes, format))
            };
            match common {
                Ok(Ok(d)) => Ok(d),
                // Everything else (too large for `image` included: a small
                // damaged file can ask it for gigabytes) gets the word of
                // our own reader, which tells a damaged header from a large
                // picture.
                _ => super::tiff_ext::decode(bytes, MAX_SIDE_PX, budget).map(|d| Decoded {
                    image: d.image,
                    orientation: d.orientation,
                    icc: d.icc,
                }),
            }
        }
        Format::Jpeg => match decode_cmyk_with_profile(bytes, u32::MAX) {
            Some(d) => Ok(d),
            None => decode_jpeg(bytes, format),
        },
        Format::Gif => match decode_with_image(bytes, format) {
            Err(refused @ Refusal::Damaged(_)) => match gif_with_grey_palette(bytes) {
                Some(grey) => decode_with_image(&grey, format).map_err(|_| refused),
                None => Err(refused),
            },
            other => other,
        },
        _ => decode_with_image(bytes, format),
    }
}

/// A JPEG through `image` (zune-jpeg), or libjpeg-turbo where zune refuses.
fn decode_jpeg(bytes: &[u8], format: Format) -> std::result::Result<Decoded, Refusal> {
    match decode_with_image(bytes, format) {
        Ok(d) => Ok(d),
        // libjpeg-turbo reads what zune-jpeg refuses (arithmetic coding,
        // a short APP14; CMYK is left to zune).
        #[cfg(feature = "libjpeg")]
        Err(refused) => match libjpeg::decode_scaled(bytes, u32::MAX) {
            Some((image, orientation)) => Ok(Decoded {
                image,
                orientation,
                icc: icc_profile(bytes, format),
            }),
            None => Err(refused),
        },
        #[cfg(not(feature = "libjpeg"))]
        Err(refused) => Err(refused),
    }
}

/// A CMYK JPEG with its CMYK profile (print work from Photoshop or InDesign),
/// at a size covering `size`, already in sRGB through that profile: `image`
/// would convert its inks naively. `None` for every other JPEG.
fn decode_cmyk_with_profile(bytes: &[u8], size: u32) -> Option<Decoded> {
    #[cfg(feature = "libjpeg")]
    {
        // A CMYK JPEG's SOF says 4 components; look no further for others.
        let icc = icc_profile(bytes, Format::Jpeg)?;
        if !super::colour::is_cmyk_profile(&icc) {
            return None;
        }
        let (image, orientation) = libjpeg::decode_cmyk_scaled(bytes, size, &icc)?;
        Some(Decoded {
            image,
            orientation,
            icc: None,
        })
    }
    #[cfg(not(feature = "libjpeg"))]
    {
        let _ = (bytes, size);
        None
    }
}

/// A GIF with neither a global nor a local colour table is read by other
/// tools as grey levels (its indices are the levels): the same bytes with a
/// grey global table put in, if it has none. `None` if it has one (the
/// refusal is then about something else).
fn gif_with_grey_palette(bytes: &[u8]) -> Option<Vec<u8>> {
    // Header (6) and logical screen descriptor (7); bit 7 of byte 10 says
    // whether a global table follows.
    let packed = *bytes.get(10)?;
    if packed & 0x80 != 0 || bytes.len() < 13 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() + 768);
    out.extend_from_slice(bytes.get(..13)?);
    out[10] = packed | 0x80 | 0x07; // 2^(7+1) = 256 entries
    out.extend((0..=255u8).flat_map(|v| [v, v, v]));
    out.extend_from_slice(bytes.get(13..)?);
    Some(out)
}

/// The `image` crate's decoder for `format`.
fn decode_with_image(bytes: &[u8], format: Format) -> std::result::Result<Decoded, Refusal> {
    let label = format.label();
    let Some(image_format) = image_format(format) else {
        return Err(Refusal::Unsupported(format!(
            "{label} files are not supported"
        )));
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(limits());
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| Refusal::from_image(e, label))?;
    let mut orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    // WebP's EXIF chunk often starts as a JPEG's APP1 does ("Exif\0\0",
    // as ImageMagick, Pillow and cameras' tools write it), which `image`
    // takes for no EXIF at all.
    if format == Format::WebP
        && orientation == image::metadata::Orientation::NoTransforms
        && let Ok(Some(exif)) = decoder.exif_metadata()
        && let Some(tiff) = exif.strip_prefix(b"Exif\0\0")
    {
        orientation = image::metadata::Orientation::from_exif_chunk(tiff).unwrap_or(orientation);
    }
    let icc = decoder.icc_profile().ok().flatten();
    let image = DynamicImage::from_decoder(decoder).map_err(|e| Refusal::from_image(e, label))?;
    Ok(Decoded {
        image,
        orientation,
        icc,
    })
}

/// Decodes `bytes` at a size no smaller than needed for a `size` thumbnail
/// (JPEG: scaled while decoding; other formats: full size), with the EXIF
/// orientation still to apply and the ICC profile.
pub fn decode_reduced(path: &Path, bytes: &[u8], format: Format, size: u32) -> Result<Decoded> {
    if format == Format::Jpeg {
        if let Some(d) = decode_cmyk_with_profile(bytes, size) {
            return Ok(d);
        }
        #[cfg(feature = "libjpeg")]
        if let Some((image, orientation)) = libjpeg::decode_scaled(bytes, size) {
            return Ok(Decoded {
                image,
                orientation,
                icc: icc_profile(bytes, format),
            });
        }
        if let Some((image, orientation)) = decode_jpeg_scaled(path, bytes, size)? {
            return Ok(Decoded {
                image,
                orientation,
                icc: icc_profile(bytes, format),
            });
        }
    }
    decode_full(path, bytes, format)
}

/// Decodes `bytes` for an export: like [`decode_reduced`] (a JPEG scaled
/// while decoding to no less than `size` on its long side), with the careful
/// chroma upsampling a large rendition shows.
pub fn decode_for_export(path: &Path, bytes: &[u8], format: Format, size: u32) -> Result<Decoded> {
    #[cfg(feature = "libjpeg")]
    if format == Format::Jpeg
        && let Some((image, orientation)) = libjpeg::decode_scaled_with(bytes, size, true)
    {
        return Ok(Decoded {
            image,
            orientation,
            icc: icc_profile(bytes, format),
        });
    }
    decode_reduced(path, bytes, format, size)
}

/// The ICC profile embedded in a file the `image` crate reads, from its
/// headers alone.
pub fn icc_profile(bytes: &[u8], format: Format) -> Option<Vec<u8>> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(image_format(format)?);
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
