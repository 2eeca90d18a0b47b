//! Folio: a local-first portfolio organiser for artists.
//!
//! Galleries (an exhibition, a project) are linked to reusable, named image
//! groups; each link has a type that says the group's purpose in that gallery;
//! each group holds images in the order the artist set. See `ARCHITECTURE.md`.
//!
//! - [`core`]: the model over SQLite, the managed library folder, import, checks
//!   (no egui types);
//! - [`app`]: the egui desktop application, a client of the core.

pub mod app;
pub mod core;

/// "1 gallery", "3 galleries": a count with its noun, for messages.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    match n.into() {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}
