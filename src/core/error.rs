//! The core's one error type. Every variant carries what it is about (a path,
//! an id, a value), so a message shown to the artist can name it.

use std::path::{Path, PathBuf};

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A row that was asked for by id does not exist (any more).
    #[error("{what} #{id} does not exist")]
    NotFound { what: &'static str, id: i64 },

    /// A value the user gave cannot be used; `reason` says why in words.
    #[error("{what}: {reason}")]
    Invalid { what: String, reason: String },

    /// A file or folder could not be read or written.
    #[error("{}: {}", path.display(), io_words(source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A good image could not be copied into the library (a full or
    /// read-only disk): names the artist's file first, then what failed.
    #[error("{}: could not be copied into the library: {inner}", path.display())]
    Store { path: PathBuf, inner: Box<Error> },

    /// A file is not an image Folio can take in (unsupported, corrupt, too large).
    #[error("{}: {reason}", path.display())]
    BadImage { path: PathBuf, reason: String },

    /// The database was made by a newer Folio; opening it could damage it.
    #[error(
        "{}: this library was written by a newer version of Folio (schema {found}, this program knows up to {supported}); it was not opened and nothing was changed",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    /// The file at the database path is not a Folio database.
    #[error("{}: not a Folio library database ({reason}); it was not opened and nothing was changed", path.display())]
    NotALibrary { path: PathBuf, reason: String },

    /// The folder that holds the original files is not there (an unmounted drive?).
    #[error("{}: the library folder is not available (is the drive mounted?); nothing was changed", path.display())]
    StoreUnavailable { path: PathBuf },

    /// Another Folio (the app or a command) has the library open.
    #[error("{}: this library is open in another Folio{}; close it there first. Nothing was changed", path.display(), holder.as_deref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Locked {
        path: PathBuf,
        /// Who holds it, as the holder wrote it ("the Folio window, process 1234").
        holder: Option<String>,
    },

    /// A write was asked of a library opened for reading only (another Folio
    /// has it open).
    #[error("{}: this library is open in another Folio, so it was only read; nothing was changed (close the other Folio to make changes here)", path.display())]
    ReadOnly { path: PathBuf },

    /// The library folder holds originals (or backups) but no database: it
    /// is not opened as a new, empty library.
    #[error("{}", missing_database_words(path, *originals, backup.as_deref()))]
    DatabaseMissing {
        path: PathBuf,
        originals: usize,
        backup: Option<PathBuf>,
    },

    /// The database was refused; a backup exists that can be put back.
    #[error("{source}\nThe most recent backup is {}: `folio restore` puts it back (the current file is kept aside, not deleted)", backup.display())]
    RefusedWithBackup {
        #[source]
        source: Box<Error>,
        backup: PathBuf,
    },

    /// SQLite refused to turn foreign keys on, so the seed's cascades would not run.
    #[error("SQLite did not enable foreign keys; refusing to work without the cascades")]
    ForeignKeysOff,

    /// The artist cancelled a long task (an export); what it wrote so far is
    /// whole, and what it did not write is as it was.
    #[error("cancelled")]
    Cancelled,

    /// Any other database error.
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::Io`] about `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// An [`Error::Invalid`] about `what`.
    pub fn invalid(what: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid {
            what: what.into(),
            reason: reason.into(),
        }
    }

    /// An [`Error::BadImage`] about `path`.
    pub fn bad_image(path: impl AsRef<Path>, reason: impl Into<String>) -> Self {
        Error::BadImage {
            path: path.as_ref().to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// An I/O error in words an artist can act on, with the system's own text.
pub fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let plain = match e.kind() {
        K::StorageFull => Some("the disk is full"),
        K::ReadOnlyFilesystem => Some("the disk is read-only"),
        K::PermissionDenied => Some("permission denied (the folder or file is read-only for you)"),
        K::QuotaExceeded => Some("the disk quota is used up"),
        _ => None,
    };
    match plain {
        Some(p) => format!("{p} ({e})"),
        None => e.to_string(),
    }
}

/// Adds the path to an `io::Result`, so no I/O error travels without it.
pub trait IoContext<T> {
    /// Turns the error into an [`Error::Io`] naming `path`.
    fn at(self, path: impl AsRef<Path>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: impl AsRef<Path>) -> Result<T> {
        self.map_err(|e| Error::io(path, e))
    }
}

fn missing_database_words(root: &Path, originals: usize, backup: Option<&Path>) -> String {
    let held = match originals {
        0 => "backups".to_string(),
        1 => "1 original file".to_string(),
        n => format!("{n} original files"),
    };
    let mut words = format!(
        "{}: the library's database (folio.db) is missing, but the folder holds {held}; it was not opened as a new, empty library and nothing was changed.",
        root.display()
    );
    let folio = format!("folio --library {}", shell_quoted(root));
    match backup {
        Some(b) => words.push_str(&format!(
            "\nTo get it back: `{folio} restore` puts back the newest backup ({}), with the galleries, groups, order and works' details as they were then; then `{folio} check --repair` brings back the images imported since (into the group \u{201c}Recovered\u{201d}).",
            b.display()
        )),
        None => words.push_str(&format!(
            "\nThere is no backup: `{folio} check --repair` starts a new database and brings every original back into the group \u{201c}Recovered\u{201d}."
        )),
    }
    words
}

/// `path` as a shell takes it: as it is when it holds nothing a shell
/// would read otherwise, else in single quotes.
fn shell_quoted(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "/._-+,:@%".contains(c));
    if plain {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
