//! Image files: recognising and proving them whole ([`validate`]), decoding
//! under one set of limits ([`limits`], [`decode`], [`libjpeg`]), thumbnails
//! ([`thumbnail`]), exports' renditions ([`render`]), and the import that copies them into the library
//! ([`walk`], [`import`]).

pub mod avif;
pub mod colour;
pub mod decode;
pub mod heic;
pub mod import;
#[cfg(feature = "libjpeg")]
pub mod libjpeg;
pub mod limits;
pub mod psd;
pub mod render;
pub mod thumbnail;
pub mod tiff_ext;
pub mod validate;
pub mod walk;
