//! Folio: a local-first portfolio organiser for artists.
//!
//! Galleries (an exhibition, a project) are linked to reusable, named image
//! groups; each link has a type that says the group's purpose in that gallery;
//! each group holds images in the order the artist set. See `ARCHITECTURE.md`.
//!
//! - [`core`]: the model over SQLite, the managed library folder, import, checks
//!   (no egui types);
//! - [`app`]: the egui desktop application, a client of the core;
//! - [`desktop`]: the icon, the menu entry and its install, "Show in file
//!   manager".

pub mod app;
pub mod core;
pub mod desktop;

/// "1 gallery", "3 galleries", "100,000 images": a count with its noun, for
/// messages, its digits grouped by thousands.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    match n.into() {
        1 => format!("1 {one}"),
        n => format!("{} {many}", thousands(n)),
    }
}

/// `n` with its digits grouped by thousands: "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_read_as_words_with_grouped_digits() {
        assert_eq!(super::count(1u64, "image", "images"), "1 image");
        assert_eq!(super::count(0u64, "image", "images"), "0 images");
        assert_eq!(super::count(999u64, "image", "images"), "999 images");
        assert_eq!(super::count(1000u64, "image", "images"), "1,000 images");
        assert_eq!(
            super::count(100_000u64, "image", "images"),
            "100,000 images"
        );
        assert_eq!(super::thousands(1_234_567), "1,234,567");
        assert_eq!(super::thousands(u64::MAX), "18,446,744,073,709,551,615");
    }
}
