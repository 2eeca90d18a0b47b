//! How much Folio is willing to decode: one set of limits for every decoder,
//! and the arithmetic of fitting an image into a thumbnail's square.

use image::Limits;

/// Widest or tallest image accepted, in pixels.
pub const MAX_SIDE_PX: u32 = 40_000;

/// Most memory a decoder may allocate for one image.
pub const MAX_DECODE_BYTES: u64 = 1 << 30;

/// The decoding limits every decode in Folio uses.
pub fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
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
