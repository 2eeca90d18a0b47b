//! Renditions: the images an export publishes in place of the originals.
//! Each is made from the original decoded once (a JPEG scaled while it is
//! decoded, to no less than the largest size asked for), turned upright (EXIF
//! orientation), converted to sRGB from its embedded ICC profile (moxcms),
//! shrunk with a Lanczos filter, and encoded with nothing but pixels: no
//! EXIF, GPS, XMP, IPTC or profile reaches a rendition (untagged is sRGB).
//! Never larger than the original's pixels.
//!
//! They are cached in the store (`renditions/v1/`, see
//! [`layout::rendition_path`]) by content hash and by what was asked (size,
//! encoder, quality), written to a temp file and renamed: two exports, or two
//! Folio processes, may make the same one at once and both get whole files.

use std::path::{Path, PathBuf};

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, RgbImage, RgbaImage};

use super::decode::decode_for_export;
#[cfg(feature = "libjpeg")]
use super::libjpeg;
use crate::core::error::{Error, IoContext, Result};
use crate::core::format::Format;
use crate::core::storage::atomic::{self, Durability, write_all};
use crate::core::storage::layout;

/// How a rendition is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    /// Lossy WebP (libwebp), alpha kept.
    WebP { quality: u8 },
    /// JPEG (libjpeg-turbo, 4:2:0, optimised tables), alpha flattened onto
    /// white. Progressive for the web; baseline where forms ask for it.
    Jpeg { quality: u8, progressive: bool },
    /// AVIF (rav1e), alpha kept. Only with the `avif` feature.
    Avif { quality: u8 },
}

impl Encoding {
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::WebP { .. } => "webp",
            Encoding::Jpeg { .. } => "jpg",
            Encoding::Avif { .. } => "avif",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Encoding::WebP { .. } => "image/webp",
            Encoding::Jpeg { .. } => "image/jpeg",
            Encoding::Avif { .. } => "image/avif",
        }
    }

    fn tag(self) -> String {
        match self {
            Encoding::WebP { quality } => format!("q{quality}.webp"),
            Encoding::Jpeg {
                quality,
                progressive,
            } => format!("q{quality}{}.jpg", if progressive { "p" } else { "b" }),
            Encoding::Avif { quality } => format!("q{quality}.avif"),
        }
    }
}

/// How big a rendition is asked to be. Never larger than the original.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Size {
    /// This many pixels wide (the website's `srcset` widths).
    Width(u32),
    /// This many pixels on the longer side (folders, submissions).
    LongSide(u32),
    /// The original's pixels.
    Full,
}

impl Size {
    /// The size of an upright `w`×`h` original rendered at this size.
    pub fn of(self, w: u32, h: u32) -> (u32, u32) {
        let scale = |num: u32, den: u32| {
            (
                ((u64::from(w) * u64::from(num) + u64::from(den) / 2) / u64::from(den)).max(1)
                    as u32,
                ((u64::from(h) * u64::from(num) + u64::from(den) / 2) / u64::from(den)).max(1)
                    as u32,
            )
        };
        match self {
            Size::Width(width) if width < w => scale(width, w),
            Size::LongSide(side) if side < w.max(h) => scale(side, w.max(h)),
            _ => (w, h),
        }
    }

    fn tag(self) -> String {
        match self {
            Size::Width(w) => format!("w{w}"),
            Size::LongSide(l) => format!("l{l}"),
            Size::Full => "full".into(),
        }
    }
}

/// One rendition to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Spec {
    pub size: Size,
    pub encoding: Encoding,
}

/// The original a rendition is made from.
#[derive(Clone, Debug)]
pub struct Source<'a> {
    pub path: &'a Path,
    pub hash: &'a str,
    pub format: Format,
    /// Upright pixel size (as the database holds it).
    pub width: u32,
    pub height: u32,
}

/// A rendition on disk, in the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendition {
    pub spec: Spec,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// Made now (else found in the cache).
    pub made: bool,
}

/// What making an image's renditions noticed besides them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Made {
    pub renditions: Vec<Rendition>,
    /// Something the artist should know (an embedded profile that could not
    /// be read, so the colours are taken as sRGB).
    pub warning: Option<String>,
}

/// The cache file of one rendition.
pub fn cache_path(store_root: &Path, hash: &str, spec: Spec) -> PathBuf {
    let what = format!("{}-{}", spec.size.tag(), spec.encoding.tag());
    layout::rendition_path(store_root, hash, &what)
}

/// Makes (or finds in the cache) each rendition of `source` in `specs`,
/// decoding the original at most once. A decoder's panic becomes this
/// image's error.
pub fn renditions(store_root: &Path, source: &Source, specs: &[Spec]) -> Result<Made> {
    crate::core::panics::catch_unwind(|| renditions_inner(store_root, source, specs))
        .unwrap_or_else(|panic| {
            Err(Error::bad_image(
                source.path,
                format!(
                    "making its renditions crashed ({})",
                    crate::core::pool::panic_message(&*panic)
                ),
            ))
        })
}

fn renditions_inner(store_root: &Path, source: &Source, specs: &[Spec]) -> Result<Made> {
    let mut made = Made::default();
    let mut missing = Vec::new();
    for &spec in specs {
        let path = cache_path(store_root, source.hash, spec);
        let (width, height) = spec.size.of(source.width, source.height);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() && m.len() > 0 => made.renditions.push(Rendition {
                spec,
                path,
                width,
                height,
                bytes: m.len(),
                made: false,
            }),
            _ => missing.push((spec, path, width, height)),
        }
    }
    if missing.is_empty() {
        return Ok(made);
    }
    // Decode once, at no less than the largest size still to make.
    let (largest_w, largest_h) = missing
        .iter()
        .map(|m| (m.2, m.3))
        .max()
        .unwrap_or((source.width, source.height));
    let bytes = std::fs::read(source.path).at(source.path)?;
    let decoded = decode_for_export(source.path, &bytes, source.format, largest_w.max(largest_h))?;
    drop(bytes);
    let (mut img, icc) = (decoded.image, decoded.icc);
    img.apply_orientation(decoded.orientation);
    let alpha = img.color().has_alpha();
    // The picture must be the one the library describes: a decode whose
    // shape differs (a sideways orientation read differently) is refused,
    // never stretched.
    // (A DCT-scaled decode rounds each side: a pixel of slack beside the 2%.)
    let (iw, ih) = (f64::from(img.width()), f64::from(img.height()));
    let (sw, sh) = (f64::from(source.width), f64::from(source.height));
    let expected_h = iw * sh / sw;
    if (ih - expected_h).abs() > (expected_h * 0.02).max(1.5) {
        return Err(Error::bad_image(
            source.path,
            format!(
                "its pixels are {}×{}, not the shape the library has for it ({}×{}); `folio check` looks into it",
                img.width(),
                img.height(),
                source.width,
                source.height
            ),
        ));
    }
    // The largest first, each smaller one shrunk from the one before: one
    // decode and one colour conversion per image, and a Lanczos filter from
    // the next size up keeps the detail. (So a rendition's bytes depend on
    // which larger ones were made with it: the same library exported with
    // the same sizes gives the same bytes.)
    missing.sort_by_key(|m| std::cmp::Reverse((m.2, m.3)));
    let mut current: Option<(u32, u32, DynamicImage)> = None;
    for (spec, path, width, height) in missing {
        let from = match &current {
            Some((cw, ch, c)) if *cw >= width && *ch >= height => c,
            _ => &img,
        };
        let mut shrunk = shrink(from, width, height, alpha)
            .map_err(|e| Error::bad_image(source.path, format!("cannot be resized: {e}")))?;
        if current.is_none() {
            // The colours of the largest, once: the smaller ones are made from it.
            if let Some(icc) = &icc {
                match super::colour::to_srgb(&mut shrunk, icc) {
                    Ok(()) => {}
                    Err(e) => {
                        made.warning = Some(format!(
                            "its embedded colour profile cannot be read ({e}): its colours are taken as sRGB"
                        ))
                    }
                }
            }
        }
        let encoded = encode(&shrunk, spec.encoding)
            .map_err(|e| Error::bad_image(source.path, format!("cannot be encoded: {e}")))?;
        atomic::write_with(&path, &encoded, Durability::Cache, &write_all)?;
        made.renditions.push(Rendition {
            spec,
            path,
            width: shrunk.width(),
            height: shrunk.height(),
            bytes: encoded.len() as u64,
            made: true,
        });
        current = Some((shrunk.width(), shrunk.height(), shrunk));
    }
    made.renditions.sort_by_key(|r| r.spec);
    Ok(made)
}

/// `img` at exactly `width`×`height` (Lanczos 3), as 8-bit RGB or RGBA.
fn shrink(
    img: &DynamicImage,
    width: u32,
    height: u32,
    alpha: bool,
) -> std::result::Result<DynamicImage, String> {
    let src = if alpha {
        DynamicImage::ImageRgba8(img.to_rgba8())
    } else {
        match img {
            DynamicImage::ImageRgb8(_) => img.clone(),
            other => DynamicImage::ImageRgb8(other.to_rgb8()),
        }
    };
    if src.width() == width && src.height() == height {
        return Ok(src);
    }
    let mut dst = if alpha {
        DynamicImage::ImageRgba8(RgbaImage::new(width, height))
    } else {
        DynamicImage::ImageRgb8(RgbImage::new(width, height))
    };
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Ok(dst)
}

/// The file bytes of a rendition.
fn encode(img: &DynamicImage, encoding: Encoding) -> std::result::Result<Vec<u8>, String> {
    match encoding {
        Encoding::WebP { quality } => {
            let encoder = match img {
                DynamicImage::ImageRgba8(p) => {
                    webp::Encoder::from_rgba(p.as_raw(), p.width(), p.height())
                }
                DynamicImage::ImageRgb8(p) => {
                    webp::Encoder::from_rgb(p.as_raw(), p.width(), p.height())
                }
                _ => return Err("not 8-bit RGB".into()),
            };
            encoder
                .encode_simple(false, f32::from(quality))
                .map(|m| m.to_vec())
                .map_err(|e| format!("{e:?}"))
        }
        Encoding::Jpeg {
            quality,
            progressive,
        } => {
            let rgb = match img {
                DynamicImage::ImageRgba8(p) => flatten_on_white(p),
                DynamicImage::ImageRgb8(p) => p.clone(),
                other => other.to_rgb8(),
            };
            #[cfg(feature = "libjpeg")]
            if let Some(bytes) = libjpeg::encode_rendition(&rgb, quality, progressive) {
                return Ok(bytes);
            }
            // `image`'s encoder writes baseline only.
            let _ = progressive;
            let mut out = std::io::Cursor::new(Vec::new());
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .encode_image(&rgb)
                .map_err(|e| e.to_string())?;
            Ok(out.into_inner())
        }
        Encoding::Avif { quality } => encode_avif(img, quality),
    }
}

/// AVIF through rav1e at speed 7 (of 1–10: a portfolio's renditions in
/// seconds, not minutes, at little cost in size).
#[cfg(feature = "avif")]
fn encode_avif(img: &DynamicImage, quality: u8) -> std::result::Result<Vec<u8>, String> {
    let encoder = ravif::Encoder::new()
        .with_quality(f32::from(quality.clamp(1, 100)))
        .with_speed(7);
    let (w, h) = (img.width() as usize, img.height() as usize);
    let encoded = match img {
        DynamicImage::ImageRgba8(p) => {
            let px: Vec<ravif::RGBA8> = p
                .as_raw()
                .chunks_exact(4)
                .map(|c| ravif::RGBA8::new(c[0], c[1], c[2], c[3]))
                .collect();
            encoder.encode_rgba(ravif::Img::new(px.as_slice(), w, h))
        }
        other => {
            let rgb = other.to_rgb8();
            let px: Vec<ravif::RGB8> = rgb
                .as_raw()
                .chunks_exact(3)
                .map(|c| ravif::RGB8::new(c[0], c[1], c[2]))
                .collect();
            encoder.encode_rgb(ravif::Img::new(px.as_slice(), w, h))
        }
    };
    encoded.map(|e| e.avif_file).map_err(|e| e.to_string())
}

#[cfg(not(feature = "avif"))]
fn encode_avif(_: &DynamicImage, _: u8) -> std::result::Result<Vec<u8>, String> {
    Err("this Folio was built without AVIF (cargo build --release --features avif)".into())
}

/// Transparent pixels over white paper (a JPEG has no alpha).
fn flatten_on_white(img: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let [r, g, b, a] = img.get_pixel(x, y).0;
        let over = |c: u8| {
            let (c, a) = (u32::from(c), u32::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([over(r), over(g), over(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sample;

    fn source<'a>(path: &'a Path, hash: &'a str, w: u32, h: u32) -> Source<'a> {
        Source {
            path,
            hash,
            format: Format::Jpeg,
            width: w,
            height: h,
        }
    }

    #[cfg(feature = "avif")]
    #[test]
    fn avif_renditions_are_avif_files_no_larger_than_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.png");
        std::fs::write(
            &path,
            sample::image_bytes(Format::Png, 240, 160, 3).unwrap(),
        )
        .unwrap();
        let src = Source {
            path: &path,
            hash: "ef56",
            format: Format::Png,
            width: 240,
            height: 160,
        };
        let spec = Spec {
            size: Size::Width(120),
            encoding: Encoding::Avif { quality: 60 },
        };
        let made = renditions(dir.path(), &src, &[spec]).unwrap();
        let bytes = std::fs::read(&made.renditions[0].path).unwrap();
        assert_eq!(&bytes[4..12], b"ftypavif");
        assert_eq!(
            (made.renditions[0].width, made.renditions[0].height),
            (120, 80)
        );
    }

    #[cfg(not(feature = "avif"))]
    #[test]
    fn without_the_avif_feature_an_avif_rendition_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.png");
        std::fs::write(&path, sample::image_bytes(Format::Png, 40, 30, 3).unwrap()).unwrap();
        let src = Source {
            path: &path,
            hash: "ef57",
            format: Format::Png,
            width: 40,
            height: 30,
        };
        let spec = Spec {
            size: Size::Full,
            encoding: Encoding::Avif { quality: 60 },
        };
        let err = renditions(dir.path(), &src, &[spec]).unwrap_err();
        assert!(err.to_string().contains("--features avif"), "{err}");
        assert!(!cache_path(dir.path(), "ef57", spec).exists());
    }

    #[test]
    fn sizes_never_exceed_the_original() {
        assert_eq!(Size::Width(480).of(1200, 800), (480, 320));
        assert_eq!(Size::Width(1600).of(1200, 800), (1200, 800));
        assert_eq!(Size::LongSide(600).of(800, 1200), (400, 600));
        assert_eq!(Size::LongSide(4000).of(800, 1200), (800, 1200));
        assert_eq!(Size::Full.of(800, 1200), (800, 1200));
    }

    #[test]
    fn renditions_are_upright_stripped_and_cached() {
        let dir = tempfile::tempdir().unwrap();
        // Stored sideways with EXIF orientation 6 (and so GPS-carrying EXIF).
        let display = sample::picture(300, 200, 7);
        let stored = sample::stored_for_orientation(&display, 6);
        let bytes = sample::jpeg_with_orientation(&stored, 6).unwrap();
        let path = dir.path().join("o.jpg");
        std::fs::write(&path, &bytes).unwrap();
        let specs = [
            Spec {
                size: Size::Width(120),
                encoding: Encoding::WebP { quality: 80 },
            },
            Spec {
                size: Size::Width(1000),
                encoding: Encoding::Jpeg {
                    quality: 85,
                    progressive: true,
                },
            },
        ];
        let src = source(&path, "ab12", 300, 200);
        let made = renditions(dir.path(), &src, &specs).unwrap();
        let sizes: Vec<_> = made
            .renditions
            .iter()
            .map(|r| (r.width, r.height, r.made))
            .collect();
        assert_eq!(sizes, [(120, 80, true), (300, 200, true)]);
        for r in &made.renditions {
            let bytes = std::fs::read(&r.path).unwrap();
            let img = image::load_from_memory(&bytes).unwrap();
            // Upright: as wide as the displayed picture.
            assert_eq!((img.width(), img.height()), (r.width, r.height));
            assert!(
                !bytes.windows(6).any(|w| w == b"Exif\0\0"),
                "{} carries EXIF",
                r.path.display()
            );
        }
        // The second time, from the cache.
        let again = renditions(dir.path(), &src, &specs).unwrap();
        assert!(again.renditions.iter().all(|r| !r.made));
    }

    #[test]
    fn an_embedded_profile_is_converted_to_srgb() {
        // A Display P3 image of an orange: the same numbers in P3 are a more
        // saturated colour than in sRGB, so in sRGB its red is higher. A
        // rendition that ignored the profile would keep (200, 100, 50).
        let icc = moxcms::ColorProfile::new_display_p3().encode().unwrap();
        let img = RgbImage::from_pixel(64, 64, image::Rgb([200, 100, 50]));
        let mut png = Vec::new();
        {
            use image::ImageEncoder;
            let mut enc = image::codecs::png::PngEncoder::new(&mut png);
            enc.set_icc_profile(icc.clone()).unwrap();
            enc.write_image(img.as_raw(), 64, 64, image::ExtendedColorType::Rgb8)
                .unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p3.png");
        std::fs::write(&path, &png).unwrap();
        let src = Source {
            path: &path,
            hash: "cd34",
            format: Format::Png,
            width: 64,
            height: 64,
        };
        let spec = Spec {
            size: Size::Full,
            encoding: Encoding::Jpeg {
                quality: 95,
                progressive: false,
            },
        };
        let made = renditions(dir.path(), &src, &[spec]).unwrap();
        assert_eq!(made.warning, None);
        let out = image::open(&made.renditions[0].path).unwrap().to_rgb8();
        let [r, g, b] = out.get_pixel(32, 32).0;
        assert!(
            r >= 212 && g <= 98 && b <= 45,
            "P3 (200, 100, 50) as sRGB: ({r}, {g}, {b})"
        );
        // A grey stays grey.
        let mut grey = DynamicImage::ImageRgb8(RgbImage::from_pixel(2, 2, image::Rgb([128; 3])));
        super::super::colour::to_srgb(&mut grey, &icc).unwrap();
        let [r, g, b] = grey.to_rgb8().get_pixel(0, 0).0;
        assert!(
            r.abs_diff(g) <= 1 && g.abs_diff(b) <= 1 && r.abs_diff(128) <= 2,
            "{r} {g} {b}"
        );
        // A profile that cannot be read: the colours are taken as they are,
        // and the artist is told.
        let mut junk = DynamicImage::ImageRgb8(RgbImage::new(1, 1));
        assert!(super::super::colour::to_srgb(&mut junk, b"not a profile").is_err());
    }
}
