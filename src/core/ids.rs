//! Newtype ids, so a gallery id can never be passed where an image id belongs.

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl $name {
            /// What this id names, for messages ("gallery", "image", ...).
            pub const WHAT: &'static str = $what;

            /// The [`crate::core::Error::NotFound`] for this id.
            pub fn not_found(self) -> crate::core::Error {
                crate::core::Error::NotFound { what: $what, id: self.0 }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} #{}", $what, self.0)
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }
    };
}

id_type!(
    /// A row of `galleries`.
    GalleryId,
    "gallery"
);
id_type!(
    /// A row of `image_groups`.
    GroupId,
    "group"
);
id_type!(
    /// A row of `images`.
    ImageId,
    "image"
);
id_type!(
    /// A row of `stores`.
    StoreId,
    "store"
);
