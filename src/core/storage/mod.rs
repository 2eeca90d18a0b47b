//! The library on disk: its layout, its database, the lock that makes one
//! Folio its only writer, atomic file writes, backups, and deleting images
//! with their files.

pub mod atomic;
pub mod backup;
pub mod checkpoint;
pub mod db;
pub mod layout;
pub mod library;
pub mod trash;
pub mod tree;

pub use library::{Library, Lock, default_root};
