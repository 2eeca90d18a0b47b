//! Proving a file is a whole image of a kind Folio takes, before anything is
//! written: the format from its bytes (never its name), a full decode under
//! [`decode::limits`], and the end markers that a lenient decoder would not
//! miss. The message says what the file is and why it is refused.

use std::io::Cursor;
use std::path::Path;

use image::{ImageDecoder, ImageFormat, ImageReader};

use super::decode::{self, limits};
use super::thumbnail;
use crate::core::error::{Error, Result};
use crate::core::format::Format;

/// The format from the file's first bytes; the extension only shapes the message.
pub fn detect(path: &Path, bytes: &[u8]) -> Result<Format> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let unsupported = unsupported_kind(&ext);
    match image::guess_format(bytes) {
        // Camera RAW files are TIFF inside; the TIFF decoder would take their
        // small embedded preview for the photograph.
        Ok(ImageFormat::Tiff) if unsupported == Some(RAW) => Err(Error::bad_image(
            path,
            format!("{RAW} not supported ({SUPPORTED})"),
        )),
        Ok(other) if let Some(format) = decode::from_image_format(other) => Ok(format),
        Ok(other) => Err(Error::bad_image(
            path,
            format!(
                "{} images are not supported ({SUPPORTED})",
                other
                    .extensions_str()
                    .first()
                    .unwrap_or(&"this kind of")
                    .to_uppercase()
            ),
        )),
        Err(_) => Err(Error::bad_image(
            path,
            match unsupported {
                Some(k) => format!("{k} not supported ({SUPPORTED})"),
                None => format!("not an image Folio can read ({SUPPORTED})"),
            },
        )),
    }
}

const RAW: &str = "camera RAW files are";

/// What a file of a common but unsupported kind is, by its extension (only to
/// word the message).
fn unsupported_kind(ext: &str) -> Option<&'static str> {
    match ext {
        "heic" | "heif" => Some("HEIC/HEIF images are"),
        "avif" => Some("AVIF images are"),
        "cr2" | "cr3" | "nef" | "nrw" | "arw" | "dng" | "raf" | "orf" | "rw2" | "pef" | "srw"
        | "3fr" | "iiq" => Some(RAW),
        "psd" | "psb" => Some("Photoshop documents are"),
        "svg" | "svgz" => Some("SVG drawings are"),
        "pdf" => Some("PDF documents are"),
        _ => None,
    }
}

const SUPPORTED: &str = "Folio takes JPEG, PNG, WebP, GIF and TIFF";

/// Decodes the whole image under [`limits`]: proves the file is complete and
/// gives its displayed size.
/// Proves the file a whole image: decodes all of it (a JPEG scaled while
/// decoding, which still reads every coefficient) and returns the displayed
/// size with what was decoded, for the thumbnails.
#[allow(clippy::type_complexity)] // a local tuple, named where it is used
pub fn decode_check(
    path: &Path,
    bytes: &[u8],
    format: Format,
) -> Result<(
    u32,
    u32,
    (image::DynamicImage, image::metadata::Orientation),
)> {
    let image_format = decode::image_format(format);
    let label = format.label();
    let damaged = |e: image::ImageError| {
        let reason = match e {
            image::ImageError::Limits(l) => {
                format!("the {label} image is too large to open safely ({l})")
            }
            other => format!("the {label} file is damaged or incomplete ({other})"),
        };
        Error::bad_image(path, reason)
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(Error::bad_image(
            path,
            format!("the {label} image has no pixels ({w}×{h})"),
        ));
    }
    // zune-jpeg decodes some truncated files without complaint, filling the
    // missing part with grey; an artist must hear that the file is damaged.
    if format == Format::Jpeg && !jpeg_is_complete(bytes) {
        return Err(Error::bad_image(
            path,
            "the JPEG file is incomplete (it ends before the end of its image data)",
        ));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    // A big JPEG is decoded scaled (still reading every coefficient);
    // anything else with the decoder already open.
    let decoded = if format == Format::Jpeg && decode::scales_by_eighth(w, h, thumbnail::SMALL) {
        drop(decoder);
        decode::decode_reduced(path, bytes, format, thumbnail::SMALL)?
    } else {
        (
            image::DynamicImage::from_decoder(decoder).map_err(damaged)?,
            orientation,
        )
    };
    // The pixels of a PNG cut inside its end chunk decode; the file is still
    // not whole.
    if format == Format::Png && !png_is_complete(bytes) {
        return Err(Error::bad_image(
            path,
            "the PNG file is incomplete (its end chunk is missing or cut short)",
        ));
    }
    use image::metadata::Orientation::*;
    let (dw, dh) = match orientation {
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH => (h, w),
        _ => (w, h),
    };
    Ok((dw, dh, decoded))
}

/// Whether a JPEG has its end-of-image marker after its last scan. Inside
/// entropy-coded data every 0xFF is followed by 0x00 or a restart marker, so
/// SOS (FF DA) and EOI (FF D9) appear only as real markers; an embedded EXIF
/// thumbnail ends before the main image's scans start, and data appended after
/// the EOI (camera trailers) does not matter.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_sos = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_sos {
        Some(sos) => bytes[sos..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => false,
    }
}

/// Whether a PNG ends with its whole IEND chunk (type and CRC). The pixels
/// of a PNG cut inside IEND still decode, but the file is not whole: a copy of
/// it would not be the artist's file.
fn png_is_complete(bytes: &[u8]) -> bool {
    // IEND has no data: length 0, "IEND", then its fixed CRC.
    const IEND: [u8; 12] = [0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];
    bytes.windows(IEND.len()).any(|w| w == IEND)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sample;

    #[test]
    fn whole_files_end_with_their_end_markers() {
        let jpeg = sample::image_bytes(Format::Jpeg, 320, 240, 11).unwrap();
        assert!(jpeg_is_complete(&jpeg));
        assert!(!jpeg_is_complete(&jpeg[..jpeg.len() - 2]), "cut before EOI");
        let png = sample::image_bytes(Format::Png, 10, 10, 1).unwrap();
        assert!(png_is_complete(&png));
        assert!(!png_is_complete(&png[..png.len() - 1]), "cut inside IEND");
    }
}
