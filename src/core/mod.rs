//! Folio's core: everything that is not UI. No egui types in here: the app
//! and the command line are both clients of this module, and everything here
//! is tested on its own.
//!
//! Its folders are its layers, each using only the ones below it:
//!
//! - [`model`]: the catalogue as SQL over `&Connection` / `&Transaction`
//!   (galleries, groups, links, images, their order); no files.
//! - [`storage`]: the library on disk: where every file goes ([`storage::layout`]),
//!   the database, the one-writer lock, atomic writes, backups, deleting with files.
//! - [`media`]: image files: recognising and proving them whole, decoding,
//!   thumbnails, and the import that copies them into the library.
//! - [`check`] and [`sample`]: whole-library tasks built on all three.
//! - [`export`]: what leaves Folio: a gallery as a website, a folder or a ZIP.
//!
//! Beside them, vocabulary every layer shares: [`error`], [`ids`], [`format`],
//! [`text`] (folding and sorting words as people do), [`pool`] (ordered
//! parallel work on named threads) and [`panics`] (caught panics kept quiet).

pub mod check;
pub mod error;
pub mod export;
pub mod format;
pub mod ids;
pub mod media;
pub mod model;
pub mod panics;
pub mod pool;
pub mod sample;
pub mod storage;
#[cfg(test)]
pub(crate) mod testing;
pub mod text;

pub use error::{Error, Result};
pub use format::Format;
pub use ids::{GalleryId, GroupId, ImageId, StoreId};
pub use storage::Library;
