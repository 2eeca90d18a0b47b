//! Generated images: real, decodable files in every supported format, made
//! from a seed. The tests, the benchmark and the sample portfolio use them, so
//! nothing depends on image files shipped in the repository.

use std::io::Cursor;

use image::{Rgb, RgbImage};

use super::error::{Error, Result};
use super::images::Format;

/// A picture of `width`×`height` pixels: a two-colour gradient with a few
/// discs and a little film grain (so it compresses like a photograph, not like
/// a flat graphic), different for every `seed`.
pub fn picture(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        // xorshift64: deterministic and dependency-free.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut colour = || {
        [
            (next() % 200) as u8 + 30,
            (next() % 200) as u8 + 30,
            (next() % 200) as u8 + 30,
        ]
    };
    let (top, bottom) = (colour(), colour());
    let discs: Vec<(f32, f32, f32, [u8; 3])> = (0..5)
        .map(|_| {
            let c = colour();
            let x = (c[0] as f32 / 255.0) * width as f32;
            let y = (c[1] as f32 / 255.0) * height as f32;
            let r = (0.08 + (c[2] as f32 / 255.0) * 0.25) * width.min(height) as f32;
            (x, y, r, colour())
        })
        .collect();
    let mut grain = seed | 1;
    RgbImage::from_fn(width, height, |x, y| {
        let t = y as f32 / height.max(1) as f32;
        let mut base = [0f32; 3];
        for (i, b) in base.iter_mut().enumerate() {
            *b = top[i] as f32 * (1.0 - t) + bottom[i] as f32 * t;
        }
        for (cx, cy, r, c) in &discs {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            if dx * dx + dy * dy < r * r {
                base = c.map(f32::from);
            }
        }
        grain ^= grain << 13;
        grain ^= grain >> 7;
        grain ^= grain << 17;
        let noise = (grain % 25) as f32 - 12.0;
        Rgb(base.map(|v| (v + noise).clamp(0.0, 255.0) as u8))
    })
}

/// The bytes of a generated picture encoded as `format`.
pub fn image_bytes(format: Format, width: u32, height: u32, seed: u64) -> Result<Vec<u8>> {
    encode(&picture(width, height, seed), format)
}

/// Encodes an image as `format`.
pub fn encode(img: &RgbImage, format: Format) -> Result<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    let image_format = format.image_format();
    img.write_to(&mut out, image_format)
        .map_err(|e| Error::invalid("sample image", e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_round_trips_and_seeds_differ() {
        for format in Format::ALL {
            let bytes = image_bytes(format, 40, 30, 7).unwrap();
            let img = image::load_from_memory(&bytes).unwrap();
            assert_eq!((img.width(), img.height()), (40, 30), "{format:?}");
        }
        assert_ne!(picture(20, 20, 1).into_raw(), picture(20, 20, 2).into_raw());
    }
}
