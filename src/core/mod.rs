//! Folio's core: the data model over SQLite, the managed library folder,
//! import and checks. No egui types in here: the app and the command line are
//! both clients of this module, and everything here is tested on its own.

pub mod backup;
pub mod catalog;
pub mod check;
pub mod db;
pub mod error;
pub mod ids;
pub mod images;
pub mod import;
pub mod library;
pub mod order;
pub mod pool;
pub mod sample;
pub mod thumbs;

pub use error::{Error, Result};
pub use ids::{GalleryId, GroupId, ImageId, StoreId};
pub use library::Library;
