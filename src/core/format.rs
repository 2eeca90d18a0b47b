//! The image formats Folio takes in: what `images.format` holds, the
//! extension of a file in the library, and the name shown to the artist.
//! (How each is decoded is `media::decode`'s business.)

/// The image formats Folio takes in (detected from the bytes, never the name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
    Gif,
    Tiff,
    /// Photoshop's document (PSD, or PSB for large ones): its flattened image.
    Psd,
    Avif,
    /// HEIC/HEIF, an iPhone's usual photos.
    Heic,
}

impl Format {
    /// Every supported format.
    pub const ALL: [Format; 8] = [
        Format::Jpeg,
        Format::Png,
        Format::WebP,
        Format::Gif,
        Format::Tiff,
        Format::Psd,
        Format::Avif,
        Format::Heic,
    ];

    /// The value of `images.format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Gif => "gif",
            Format::Tiff => "tiff",
            Format::Psd => "psd",
            Format::Avif => "avif",
            Format::Heic => "heic",
        }
    }

    /// The extension of the file in the library.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Tiff => "tif",
            other => other.as_str(),
        }
    }

    /// Its MIME types, for the menu entry's "Open with" (the registered
    /// one first; HEIC also under its common alias).
    pub fn mime_types(self) -> &'static [&'static str] {
        match self {
            Format::Jpeg => &["image/jpeg"],
            Format::Png => &["image/png"],
            Format::WebP => &["image/webp"],
            Format::Gif => &["image/gif"],
            Format::Tiff => &["image/tiff"],
            Format::Psd => &["image/vnd.adobe.photoshop"],
            Format::Avif => &["image/avif"],
            Format::Heic => &["image/heif", "image/heic"],
        }
    }

    /// The name to show ("JPEG").
    pub fn label(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Gif => "GIF",
            Format::Tiff => "TIFF",
            Format::Psd => "Photoshop",
            Format::Avif => "AVIF",
            Format::Heic => "HEIC",
        }
    }

    /// Parses `images.format`.
    pub fn from_db(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl rusqlite::types::FromSql for Format {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let s = value.as_str()?;
        Format::from_db(s).ok_or_else(|| {
            rusqlite::types::FromSqlError::Other(format!("unknown image format {s:?}").into())
        })
    }
}
