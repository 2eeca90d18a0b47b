//! What the core's unit tests share: a library in a temporary folder, and
//! image rows without files (for tests of rows and order only).
#![allow(clippy::unwrap_used)] // ok: test support fails loudly

use rusqlite::Connection;

use super::format::Format;
use super::ids::{ImageId, StoreId};
use super::model::images::{NewImage, insert_image};
use super::storage::Library;

/// A new library in a temporary folder (kept while the `TempDir` lives).
pub fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap(); // ok: test support
    let lib = Library::open(dir.path()).unwrap(); // ok: test support
    (dir, lib)
}

/// An image row without a file, named after `n`.
pub fn fake_image(conn: &Connection, n: u64) -> ImageId {
    let hash = format!("{n:064x}");
    insert_image(
        conn,
        &NewImage {
            store: StoreId(1),
            filename: &format!("originals/{}/{hash}.png", &hash[..2]),
            original_name: &format!("img{n}.png"),
            content_hash: &hash,
            byte_size: 100,
            width: 10,
            height: 10,
            format: Format::Png,
        },
    )
    .unwrap() // ok: test support
}

/// Writes `bytes` over an original behind Folio's back: its write bit given
/// back first (originals are stored read-only; root would not need it).
pub fn damage(path: &std::path::Path, bytes: &[u8]) {
    make_writable(path);
    std::fs::write(path, bytes).unwrap(); // ok: test support
}

/// Gives an original its owner's write bit back, as an editor or `chmod
/// u+w` would.
pub fn make_writable(path: &std::path::Path) {
    let mut perms = std::fs::metadata(path).unwrap().permissions(); // ok: test support
    #[allow(clippy::permissions_set_readonly_false)] // ok: what the test is about
    perms.set_readonly(false);
    std::fs::set_permissions(path, perms).unwrap(); // ok: test support
}
