//! Thumbnails on disk: made once per image and size, kept under
//! `<store>/thumbs/v1/<size>/<ab>/<hash>.jpg` (`.png` when the image has
//! transparency), keyed by the content hash, so they can never be stale for
//! their image; `v1` changes if the way they are made does.
//!
//! Making one decodes at reduced size wherever the format allows it (JPEG:
//! DCT-domain scaling in jpeg-decoder, 1/2, 1/4 or 1/8 while decoding), then
//! shrinks with fast_image_resize (SIMD) and turns the result upright (EXIF
//! orientation). Every decode is bounded by [`import::limits`]. A file that
//! cannot be made into a thumbnail gets a marker with the reason under
//! `thumbs/v1/failed/`, so it is not retried on every scroll.
//!
//! [`import::limits`]: super::import::limits

use std::io::Cursor;
use std::path::{Path, PathBuf};

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageReader};

use super::error::{Error, IoContext, Result};
use super::images::Format;
use super::import::{self, MAX_DECODE_BYTES, MAX_SIDE_PX};

/// The folder of thumbnails inside a store.
pub const THUMBS_DIR: &str = "thumbs/v1";
/// The grid's thumbnails: longest side in pixels.
pub const SMALL: u32 = 256;
/// The inspector's and the viewer's previews.
pub const LARGE: u32 = 1024;

/// Where the thumbnail of the image with `hash` at `size` lives (either
/// extension), inside the store at `store_root`.
pub fn thumb_path(store_root: &Path, hash: &str, size: u32, alpha: bool) -> PathBuf {
    let prefix = hash.get(..2).unwrap_or("00");
    let ext = if alpha { "png" } else { "jpg" };
    store_root
        .join(THUMBS_DIR)
        .join(size.to_string())
        .join(prefix)
        .join(format!("{hash}.{ext}"))
}

fn failure_path(store_root: &Path, hash: &str) -> PathBuf {
    store_root
        .join(THUMBS_DIR)
        .join("failed")
        .join(format!("{hash}.txt"))
}

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
        let path = thumb_path(store_root, hash, size, alpha);
        if let Ok(bytes) = std::fs::read(&path) {
            match image::load_from_memory(&bytes) {
                Ok(img) => return Ok(img),
                // A damaged thumbnail is made again.
                Err(e) => log::warn!("remaking damaged thumbnail {}: {e}", path.display()),
            }
        }
    }
    let failed = failure_path(store_root, hash);
    if let Ok(reason) = std::fs::read_to_string(&failed) {
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
            if let Err(w) = import::write_atomically(&failed, reason.as_bytes()) {
                log::warn!("could not remember a thumbnail failure: {w}");
            }
            Err(e)
        }
        // I/O errors (an unreadable file, an unmounted drive) are not remembered.
        Err(e) => Err(e),
    }
}

/// Saves a thumbnail atomically (JPEG, or PNG when it has transparency).
pub fn save(store_root: &Path, hash: &str, size: u32, img: &DynamicImage) -> Result<PathBuf> {
    let alpha = img.color().has_alpha();
    let path = thumb_path(store_root, hash, size, alpha);
    let bytes = encode(img)?;
    write_cache_file(&path, &bytes)?;
    Ok(path)
}

/// Writes a cache file: temp file, then rename (never a half file under the
/// final name while running), but no fsync: after a power cut a damaged
/// thumbnail fails to decode and is simply made again, and three fsyncs per
/// imported image would cost more than the import.
pub fn write_cache_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().ok_or_else(|| {
        Error::invalid(
            "thumbnail path",
            format!("{} has no folder", path.display()),
        )
    })?;
    std::fs::create_dir_all(dir).at(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(super::library::TEMP_PREFIX)
        .tempfile_in(dir)
        .at(dir)?;
    tmp.write_all(bytes).at(path)?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
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
    std::panic::catch_unwind(|| make_inner(path, format, size)).unwrap_or_else(|panic| {
        Err(Error::bad_image(
            path,
            format!(
                "making its thumbnail crashed ({})",
                super::pool::panic_message(&*panic)
            ),
        ))
    })
}

fn make_inner(path: &Path, format: Format, size: u32) -> Result<DynamicImage> {
    let bytes = std::fs::read(path).at(path)?;
    let (img, orientation) = decode_reduced(path, &bytes, format, size)?;
    let mut img = shrink(&img, size).map_err(|e| Error::bad_image(path, e))?;
    img.apply_orientation(orientation);
    Ok(img)
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
    reader.set_format(format.image_format());
    reader.limits(import::limits());
    let mut decoder = reader.into_decoder().map_err(|e| damaged(&e))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder).map_err(|e| damaged(&e))?;
    Ok((img, orientation))
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

/// JPEGs through libjpeg-turbo (the copy mozjpeg-sys builds from source):
/// DCT-domain scaling by any N/8, which skips most of the inverse DCT and
/// the colour conversion of pixels a thumbnail never shows.
#[cfg(feature = "libjpeg")]
mod libjpeg {
    use image::DynamicImage;
    use image::metadata::Orientation;

    use super::super::import::{MAX_DECODE_BYTES, MAX_SIDE_PX};

    /// The JPEG in `bytes` decoded at the smallest N/8 scale that still
    /// covers a `size` thumbnail, with its EXIF orientation still to apply.
    /// `None` when libjpeg cannot or should not take it (CMYK, a damaged
    /// file, beyond the limits): the general path then decides, and words
    /// the error.
    pub fn decode_scaled(bytes: &[u8], size: u32) -> Option<(DynamicImage, Orientation)> {
        // libjpeg reports a fatal error by unwinding (mozjpeg's error manager).
        std::panic::catch_unwind(|| decode(bytes, size).ok().flatten())
            .ok()
            .flatten()
    }

    fn decode(bytes: &[u8], size: u32) -> std::io::Result<Option<(DynamicImage, Orientation)>> {
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
        d.do_fancy_upsampling(false);
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

    /// `rgb` as a baseline JPEG at `quality`, 4:4:4, with libjpeg v6's settings:
    /// none of mozjpeg's trellis quantisation or progressive scans, which cost
    /// several times as much. `None` if libjpeg fails: the caller then
    /// encodes with `image`.
    pub fn encode_rgb(rgb: &image::RgbImage, quality: u8) -> Option<Vec<u8>> {
        use mozjpeg::{ColorSpace, Compress};
        // libjpeg reports a fatal error by unwinding (mozjpeg's error manager).
        std::panic::catch_unwind(|| -> std::io::Result<Vec<u8>> {
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

    /// The smallest N (1 to 8) for which `w`×`h` scaled by N/8 (libjpeg
    /// rounds up) still covers the `size` thumbnail.
    pub fn eighths(w: u32, h: u32, size: u32) -> u8 {
        let (tw, th) = super::fit(w, h, size);
        (1..=8u8)
            .find(|&n| w * u32::from(n) >= tw * 8 && h * u32::from(n) >= th * 8)
            .unwrap_or(8)
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

/// The size of `w`×`h` shrunk to fit in `size`×`size` (never enlarged).
pub fn fit(w: u32, h: u32, size: u32) -> (u32, u32) {
    let longest = w.max(h);
    if longest <= size {
        return (w, h);
    }
    let scale = f64::from(size) / f64::from(longest);
    let sw = ((f64::from(w) * scale).round() as u32).max(1);
    let sh = ((f64::from(h) * scale).round() as u32).max(1);
    (sw, sh)
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
            let (decoded, _) = decode_reduced(&p, &bytes, Format::Jpeg, 256).unwrap();
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
        let saved = thumb_path(store, "ab12", SMALL, false);
        assert!(saved.is_file());
        // Made once: the original is no longer needed.
        std::fs::remove_file(&png).unwrap();
        assert!(load_or_make(store, &png, "ab12", Format::Png, SMALL).is_ok());

        let bad = dir.path().join("bad.jpg");
        std::fs::write(&bad, b"\xFF\xD8\xFF\xE0 then nothing").unwrap();
        let e = load_or_make(store, &bad, "cd34", Format::Jpeg, SMALL).unwrap_err();
        assert!(e.to_string().contains("bad.jpg"), "{e}");
        assert!(
            failure_path(store, "cd34").is_file(),
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
        let cmyk = include_bytes!("../../tests/data/cmyk-16x16.jpg");
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
