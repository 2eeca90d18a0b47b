//! Proving a file is a whole image of a kind Folio takes, before anything is
//! written: the format from its bytes (never its name), a full decode under
//! [`decode::limits`], and the end markers that a lenient decoder would not
//! miss. The message says what the file is and why it is refused.

use std::io::Cursor;
use std::path::Path;

use image::{ImageDecoder, ImageFormat, ImageReader};

use super::decode::{self, Decoded, limits};
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
    if super::psd::is_psd(bytes) {
        return Ok(Format::Psd);
    }
    if let Some(kind) = iso_media_kind(bytes) {
        return match kind {
            IsoMedia::Avif => Ok(Format::Avif),
            IsoMedia::Heic => Ok(Format::Heic),
            IsoMedia::CanonRaw => Err(Error::bad_image(path, RAW)),
            IsoMedia::Video => Err(Error::bad_image(
                path,
                format!("this is a video, not a still image ({SUPPORTED})"),
            )),
        };
    }
    // BigTIFF (a TIFF over 4 GB, or written so by scanners and GIS tools):
    // `image` does not recognise its magic number.
    let guessed = match bytes.get(..4) {
        Some(b"II+\0" | b"MM\0+") => Ok(ImageFormat::Tiff),
        _ => image::guess_format(bytes),
    };
    match guessed {
        // Camera RAW files are TIFF inside; the TIFF decoder would take their
        // small embedded preview for the photograph.
        Ok(ImageFormat::Tiff)
            if unsupported == Some(RAW) || super::tiff_ext::is_camera_raw(bytes) =>
        {
            Err(Error::bad_image(path, RAW))
        }
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
                Some(RAW) => RAW.to_string(),
                Some(k) => format!("{k} not supported ({SUPPORTED})"),
                None => format!("not an image Folio can read ({SUPPORTED})"),
            },
        )),
    }
}

const RAW: &str = "camera RAW files are not supported: Folio keeps finished images, so export a TIFF or JPEG from your RAW developer (Lightroom, Capture One, darktable…) and import that";

/// What an ISO media file (the box structure of MP4, HEIF, AVIF) holds, by
/// the brands of its `ftyp` box.
enum IsoMedia {
    Avif,
    Heic,
    CanonRaw,
    Video,
}

fn iso_media_kind(bytes: &[u8]) -> Option<IsoMedia> {
    if bytes.get(4..8) != Some(b"ftyp") {
        return None;
    }
    let size = bytes
        .get(0..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))?;
    let end = usize::try_from(size).ok()?.clamp(16, bytes.len().min(4096));
    let major = bytes.get(8..12)?;
    // The major brand, then the compatible brands after the minor version.
    let brands: Vec<&[u8]> = std::iter::once(major)
        .chain(bytes.get(16..end).unwrap_or_default().chunks_exact(4))
        .collect();
    let has = |b: &[u8]| brands.contains(&b);
    if has(b"crx ") {
        Some(IsoMedia::CanonRaw)
    } else if has(b"avif") || has(b"avis") {
        Some(IsoMedia::Avif)
    } else if [
        "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1",
    ]
    .iter()
    .any(|b| has(b.as_bytes()))
    {
        Some(IsoMedia::Heic)
    } else {
        Some(IsoMedia::Video)
    }
}

/// What a file of a common but unsupported kind is, by its extension (only to
/// word the message).
fn unsupported_kind(ext: &str) -> Option<&'static str> {
    match ext {
        "cr2" | "cr3" | "nef" | "nrw" | "arw" | "dng" | "raf" | "orf" | "rw2" | "pef" | "srw"
        | "3fr" | "iiq" | "erf" | "mef" | "mos" | "kdc" | "dcr" | "x3f" | "sr2" | "srf" => {
            Some(RAW)
        }
        "svg" | "svgz" => Some("SVG drawings are"),
        "pdf" => Some("PDF documents are"),
        "mp4" | "mov" | "m4v" | "avi" | "mkv" => Some("videos are"),
        _ => None,
    }
}

const SUPPORTED: &str =
    "Folio takes JPEG, PNG, WebP, GIF, TIFF, AVIF, HEIC and Photoshop (PSD) images";

/// Proves the file a whole image: decodes all of it (a large JPEG scaled
/// while decoding, which still reads every coefficient) and returns the
/// displayed size (orientation applied) with what was decoded, for the
/// thumbnails.
pub fn decode_check(path: &Path, bytes: &[u8], format: Format) -> Result<(u32, u32, Decoded)> {
    let label = format.label();
    // zune-jpeg decodes some truncated files without complaint, filling the
    // missing part with grey; an artist must hear that the file is damaged.
    if format == Format::Jpeg && !jpeg_is_complete(bytes) {
        return Err(Error::bad_image(
            path,
            "the JPEG file is incomplete (it ends before the end of its image data)",
        ));
    }
    // The pixels of a PNG cut inside its end chunk decode; the file is still
    // not whole.
    if format == Format::Png && !png_is_complete(bytes) {
        return Err(Error::bad_image(
            path,
            "the PNG file is incomplete (its end chunk is missing or cut short)",
        ));
    }
    // A big JPEG is decoded scaled (still reading every coefficient), its
    // size taken from its header; anything else whole.
    // (A header zune-jpeg cannot read goes to the full decode, which tries
    // libjpeg-turbo too, and words the refusal.)
    let jpeg_size = (format == Format::Jpeg)
        .then(|| {
            let mut reader = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Jpeg);
            reader.limits(limits());
            reader.into_decoder().map(|d| d.dimensions()).ok()
        })
        .flatten();
    let (decoded, (w, h)) = match jpeg_size {
        Some((w, h)) if w > 0 && h > 0 && decode::scales_by_eighth(w, h, thumbnail::SMALL) => (
            decode::decode_reduced(path, bytes, format, thumbnail::SMALL)?,
            (w, h),
        ),
        _ => {
            let d = decode::decode_full(path, bytes, format)?;
            let size = (d.image.width(), d.image.height());
            (d, size)
        }
    };
    if w == 0 || h == 0 {
        return Err(Error::bad_image(
            path,
            format!("the {label} image has no pixels ({w}×{h})"),
        ));
    }
    use image::metadata::Orientation::*;
    let (dw, dh) = match decoded.orientation {
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH => (h, w),
        _ => (w, h),
    };
    Ok((dw, dh, decoded))
}

/// Whether a JPEG's marker walk from its start reaches the end-of-image
/// marker: each segment is skipped by its length (so an EXIF thumbnail inside
/// APP1 is never mistaken for the image), each scan's entropy-coded data is
/// read to the next marker (inside it every 0xFF is followed by 0x00 or a
/// restart marker). What follows the EOI (a motion photo's video, the second
/// image of an MPO, a camera's trailer) is kept in the original and ignored.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut at = 2;
    loop {
        // The next marker: libjpeg skips stray bytes before one, and a
        // marker may be preceded by any number of 0xFF fill bytes.
        while bytes.get(at).is_some_and(|&b| b != 0xFF) {
            at += 1;
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&marker) = bytes.get(at) else {
            return false;
        };
        at += 1;
        match marker {
            0xD9 => return true,
            // Standalone markers: no length.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len) = bytes
            .get(at..at + 2)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
        else {
            return false;
        };
        if len < 2 {
            return false;
        }
        at += len;
        if at > bytes.len() {
            return false;
        }
        if marker == 0xDA {
            // Entropy-coded data up to the next marker that is not a
            // stuffed zero or a restart.
            loop {
                let Some(ff) = bytes.get(at..).and_then(|rest| memchr::memchr(0xFF, rest)) else {
                    return false;
                };
                at += ff + 1;
                match bytes.get(at) {
                    None => return false,
                    Some(0x00 | 0xD0..=0xD7 | 0xFF) => {
                        if bytes.get(at) != Some(&0xFF) {
                            at += 1;
                        }
                    }
                    Some(_) => {
                        // A marker: back to the walk, at its 0xFF.
                        at -= 1;
                        break;
                    }
                }
            }
        }
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
        for cut in (2..jpeg.len() - 1).step_by(97) {
            assert!(!jpeg_is_complete(&jpeg[..cut]), "cut at {cut}");
        }
        // A motion photo: a video after the EOI, whose bytes hold SOS and
        // EOI-looking pairs of their own, and a cut-short one after that.
        let mut motion = jpeg.clone();
        motion.extend_from_slice(b"\x00\x00\x00\x18ftypmp42");
        motion.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 0x55, 0xAA]);
        assert!(jpeg_is_complete(&motion), "trailing data is ignored");
        // An EXIF thumbnail (a whole JPEG inside APP1) before a cut-short image.
        let mut with_thumb = vec![0xFF, 0xD8, 0xFF, 0xE1];
        let thumb = sample::image_bytes(Format::Jpeg, 16, 16, 3).unwrap();
        let len = u16::try_from(thumb.len() + 8).unwrap();
        with_thumb.extend_from_slice(&len.to_be_bytes());
        with_thumb.extend_from_slice(b"Exif\0\0");
        with_thumb.extend_from_slice(&thumb);
        with_thumb.extend_from_slice(&jpeg[2..jpeg.len() / 2]);
        assert!(
            !jpeg_is_complete(&with_thumb),
            "the thumbnail's EOI is not the image's"
        );
        let png = sample::image_bytes(Format::Png, 10, 10, 1).unwrap();
        assert!(png_is_complete(&png));
        assert!(!png_is_complete(&png[..png.len() - 1]), "cut inside IEND");
    }
}
