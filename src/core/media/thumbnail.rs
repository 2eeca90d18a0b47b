//! Thumbnails on disk: made once per image and size, kept under
//! `<store>/thumbs/v1/<size>/<ab>/<hash>.jpg` (`.png` when the image has
//! transparency), keyed by the content hash, so they can never be stale for
//! their image; `v1` changes if the way they are made does.
//!
//! Making one decodes at reduced size wherever the format allows it (JPEG:
//! DCT-domain scaling in jpeg-decoder, 1/2, 1/4 or 1/8 while decoding), then
//! shrinks with fast_image_resize (SIMD) and turns the result upright (EXIF
//! orientation). Every decode is bounded by [`decode::limits`]. A file that
//! cannot be made into a thumbnail gets a marker with the reason under
//! `thumbs/v1/failed/`, so it is not retried on every scroll.
//!
//! [`decode::limits`]: super::decode::limits

use std::io::Cursor;
use std::path::{Path, PathBuf};

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;

use super::decode::{decode_reduced, fit};
#[cfg(feature = "libjpeg")]
use super::libjpeg;
use crate::core::error::{Error, IoContext, Result};
use crate::core::format::Format;
use crate::core::storage::atomic::{self, Durability, write_all};
use crate::core::storage::layout;

/// The grid's thumbnails: longest side in pixels.
pub const SMALL: u32 = 256;
/// The inspector's and the viewer's previews.
pub const LARGE: u32 = 1024;

/// The thumbnail of an image at `size`: read from disk if it was made before,
/// else made from the original at `original` and saved. A failure is
/// remembered on disk and returned as such the next time.
pub fn load_or_make(
    store_root: &Path,
    original: &Path,
    hash: &str,
    format: Format,
    size: u32,
) -> Result<DynamicImage> {
    for alpha in [false, true] {
        let path = layout::thumb_path(store_root, hash, size, alpha);
        if let Ok(bytes) = std::fs::read(&path) {
            match image::load_from_memory(&bytes) {
                Ok(img) => return Ok(img),
                // A damaged thumbnail is made again.
                Err(e) => log::warn!("remaking damaged thumbnail {}: {e}", path.display()),
            }
        }
    }
    let failed = layout::thumb_failure_path(store_root, hash);
    if let Some(reason) = remembered_failure(&failed, original) {
        return Err(Error::bad_image(original, reason));
    }
    match make(original, format, size) {
        Ok(img) => {
            if let Err(e) = save(store_root, hash, size, &img) {
                // Not fatal: the thumbnail is shown, and made again next time.
                log::warn!("could not save a thumbnail: {e}");
            }
            Ok(img)
        }
        Err(e @ Error::BadImage { .. }) => {
            let reason = match &e {
                Error::BadImage { reason, .. } => reason.clone(),
                other => other.to_string(),
            };
            if let Err(w) = atomic::write(&failed, reason.as_bytes()) {
                log::warn!("could not remember a thumbnail failure: {w}");
            }
            Err(e)
        }
        // I/O errors (an unreadable file, an unmounted drive) are not remembered.
        Err(e) => Err(e),
    }
}

/// Why a thumbnail of `original` could not be made, if that was found out
/// since the file was last put in place: a marker older than the original
/// (the file was put back by an import, `check --repair` or a copy of the
/// library folder) is gone, and the thumbnail is tried again.
fn remembered_failure(marker: &Path, original: &Path) -> Option<String> {
    let reason = std::fs::read_to_string(marker).ok()?;
    let changed = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (changed(marker), changed(original)) {
        (Some(failed_at), Some(placed_at)) if placed_at > failed_at => {
            forget_failure_at(marker);
            None
        }
        _ => Some(reason),
    }
}

/// Forgets why the thumbnails of the image with `hash` could not be made (its
/// original was just put back whole).
pub fn forget_failure(store_root: &Path, hash: &str) {
    forget_failure_at(&layout::thumb_failure_path(store_root, hash));
}

fn forget_failure_at(marker: &Path) {
    match std::fs::remove_file(marker) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => log::warn!("could not remove {}: {e}", marker.display()),
    }
}

/// Saves a thumbnail atomically (JPEG, or PNG when it has transparency).
pub fn save(store_root: &Path, hash: &str, size: u32, img: &DynamicImage) -> Result<PathBuf> {
    let alpha = img.color().has_alpha();
    let path = layout::thumb_path(store_root, hash, size, alpha);
    let bytes = encode(img)?;
    atomic::write_with(&path, &bytes, Durability::Cache, &write_all)?;
    Ok(path)
}

/// The JPEG quality of thumbnails.
const THUMB_QUALITY: u8 = 85;

/// A thumbnail's file bytes: JPEG at quality 85 (through libjpeg-turbo when
/// it is built in: a 256 px thumbnail in a fraction of the time), or PNG when
/// it has alpha.
pub fn encode(img: &DynamicImage) -> Result<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    let result = if img.color().has_alpha() {
        img.write_to(&mut out, image::ImageFormat::Png)
    } else {
        let rgb = img.to_rgb8();
        #[cfg(feature = "libjpeg")]
        if let Some(bytes) = libjpeg::encode_rgb(&rgb, THUMB_QUALITY) {
            return Ok(bytes);
        }
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, THUMB_QUALITY)
            .encode_image(&rgb)
    };
    result.map_err(|e| Error::invalid("thumbnail", e.to_string()))?;
    Ok(out.into_inner())
}

/// Makes a thumbnail of the file at `path` (of `format`), at most `size`
/// pixels on its longest side, upright. A panicking decoder becomes an error.
pub fn make(path: &Path, format: Format, size: u32) -> Result<DynamicImage> {
    crate::core::panics::catch_unwind(|| make_inner(path, format, size)).unwrap_or_else(|panic| {
        Err(Error::bad_image(
            path,
            format!(
                "making its thumbnail crashed ({})",
                crate::core::pool::panic_message(&*panic)
            ),
        ))
    })
}

fn make_inner(path: &Path, format: Format, size: u32) -> Result<DynamicImage> {
    let bytes = std::fs::read(path).at(path)?;
    let decoded = decode_reduced(path, &bytes, format, size)?;
    let mut img = shrink(&decoded.image, size).map_err(|e| Error::bad_image(path, e))?;
    super::colour::shown_in_srgb(&mut img, decoded.icc.as_deref());
    img.apply_orientation(decoded.orientation);
    Ok(img)
}

/// Shrinks to fit `size` with fast_image_resize (bilinear, SIMD); RGB(A) 8-bit out.
pub fn shrink(img: &DynamicImage, size: u32) -> std::result::Result<DynamicImage, String> {
    // 8-bit RGB(A) is resized as it is; anything else is converted first (a
    // copy a 2000×2000 PNG need not pay).
    let converted;
    let src = match img {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => img,
        other if other.color().has_alpha() => {
            converted = DynamicImage::ImageRgba8(other.to_rgba8());
            &converted
        }
        other => {
            converted = DynamicImage::ImageRgb8(other.to_rgb8());
            &converted
        }
    };
    let (w, h) = fit(src.width(), src.height(), size);
    if (w, h) == (src.width(), src.height()) {
        return Ok(src.clone());
    }
    let mut dst = DynamicImage::new(w, h, src.color());
    Resizer::new()
        .resize(
            src,
            &mut dst,
            &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear)),
        )
        .map_err(|e| e.to_string())?;
    Ok(dst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sample;

    #[test]
    fn a_big_jpeg_is_scaled_while_decoding_and_comes_out_upright() {
        let dir = tempfile::tempdir().unwrap();
        let display = sample::marker(2400, 1200);
        for o in [1u8, 3, 6, 8] {
            let stored = sample::stored_for_orientation(&display, o);
            let p = dir.path().join(format!("o{o}.jpg"));
            std::fs::write(&p, sample::jpeg_with_orientation(&stored, o).unwrap()).unwrap();
            let bytes = std::fs::read(&p).unwrap();
            let decoded = decode_reduced(&p, &bytes, Format::Jpeg, 256).unwrap().image;
            assert!(
                decoded.width().max(decoded.height()) <= 400,
                "decoded at 1/8 size, not {}×{}",
                decoded.width(),
                decoded.height()
            );
            let t = make(&p, Format::Jpeg, 256).unwrap().to_rgb8();
            assert_eq!(t.dimensions(), (256, 128), "orientation {o}");
            let red = |x, y| {
                let px: &image::Rgb<u8> = t.get_pixel(x, y);
                px.0[0] > 150 && px.0[2] < 100
            };
            assert!(
                red(20, 20) && !red(236, 108) && !red(236, 20),
                "orientation {o}"
            );
        }
    }

    #[test]
    fn thumbnails_are_made_once_and_failures_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path();
        let png = dir.path().join("a.png");
        std::fs::write(&png, sample::image_bytes(Format::Png, 600, 300, 1).unwrap()).unwrap();
        let t = load_or_make(store, &png, "ab12", Format::Png, SMALL).unwrap();
        assert_eq!((t.width(), t.height()), (256, 128));
        let saved = layout::thumb_path(store, "ab12", SMALL, false);
        assert!(saved.is_file());
        // Made once: the original is no longer needed.
        std::fs::remove_file(&png).unwrap();
        assert!(load_or_make(store, &png, "ab12", Format::Png, SMALL).is_ok());

        let bad = dir.path().join("bad.jpg");
        std::fs::write(&bad, b"\xFF\xD8\xFF\xE0 then nothing").unwrap();
        let e = load_or_make(store, &bad, "cd34", Format::Jpeg, SMALL).unwrap_err();
        assert!(e.to_string().contains("bad.jpg"), "{e}");
        assert!(
            layout::thumb_failure_path(store, "cd34").is_file(),
            "the failure is remembered"
        );
        let again = load_or_make(store, &bad, "cd34", Format::Jpeg, SMALL).unwrap_err();
        assert_eq!(again.to_string(), e.to_string());
    }

    #[cfg(feature = "libjpeg")]
    #[test]
    fn libjpeg_scales_by_the_fewest_eighths_and_leaves_what_it_cannot_read_to_the_general_path() {
        use super::libjpeg::{decode_scaled, eighths};
        assert_eq!(eighths(6000, 4000, 256), 1, "750×500 covers 256×171");
        assert_eq!(eighths(1920, 1080, 256), 2, "240×135 would not");
        assert_eq!(eighths(1920, 1080, 1024), 5);
        assert_eq!(eighths(800, 600, 256), 3);
        assert_eq!(
            eighths(200, 100, 256),
            8,
            "never enlarged, never below full size"
        );

        let jpeg = sample::image_bytes(Format::Jpeg, 1920, 1080, 7).unwrap();
        let (img, _) = decode_scaled(&jpeg, 256).unwrap();
        assert_eq!((img.width(), img.height()), (480, 270));
        // Damaged or CMYK: no panic out of libjpeg, and the general path
        // (which names the file and the reason) takes it.
        let mut cut = jpeg.clone();
        cut.truncate(600);
        for bad in [&b"\xFF\xD8\xFF\xE0 nothing"[..], &cut[..], &jpeg[..300]] {
            let _ = decode_scaled(bad, 256);
        }
        assert!(decode_scaled(b"\xFF\xD8\xFF\xE0 nothing", 256).is_none());
        let cmyk = include_bytes!("../../../tests/data/cmyk-16x16.jpg");
        assert!(decode_scaled(cmyk, 256).is_none());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cmyk.jpg");
        std::fs::write(&p, cmyk).unwrap();
        assert_eq!(make(&p, Format::Jpeg, 256).unwrap().width(), 16);
    }

    #[test]
    fn a_thumbnail_file_decodes_to_the_picture_it_was_made_from() {
        // 256×171 and odd sizes down to one pixel (libjpeg pads partial blocks).
        for (w, h) in [(256, 171), (171, 256), (37, 5), (1, 1)] {
            let img = DynamicImage::ImageRgb8(sample::picture(w, h, 11));
            let bytes = encode(&img).unwrap();
            assert_eq!(
                image::guess_format(&bytes).unwrap(),
                image::ImageFormat::Jpeg
            );
            let orig = img.to_rgb8();
            let error = |bytes: &[u8]| {
                let back = image::load_from_memory(bytes).unwrap().to_rgb8();
                assert_eq!((back.width(), back.height()), (w, h));
                let diff: u64 = orig
                    .as_raw()
                    .iter()
                    .zip(back.as_raw())
                    .map(|(a, b)| u64::from(a.abs_diff(*b)))
                    .sum();
                diff as f64 / orig.as_raw().len() as f64
            };
            // No worse than `image`'s own encoder at the same quality.
            let mut reference = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut reference, THUMB_QUALITY)
                .encode_image(&orig)
                .unwrap();
            let (ours, theirs) = (error(&bytes), error(&reference));
            assert!(
                ours <= theirs * 1.1 + 0.25,
                "{w}×{h}: mean error {ours:.2} against image's {theirs:.2}"
            );
            if w >= 171 {
                assert!(ours < 6.0, "{w}×{h}: mean error {ours:.2}");
            }
        }
        // Transparency is kept: PNG.
        let rgba = DynamicImage::ImageRgba8(image::RgbaImage::new(8, 8));
        assert_eq!(
            image::guess_format(&encode(&rgba).unwrap()).unwrap(),
            image::ImageFormat::Png
        );
    }

    #[test]
    fn fit_keeps_the_shape_and_never_enlarges() {
        assert_eq!(fit(6000, 4000, 256), (256, 171));
        assert_eq!(fit(4000, 6000, 256), (171, 256));
        assert_eq!(fit(100, 50, 256), (100, 50));
    }
}
