//! Opening the SQLite database: connection settings, creating a new database
//! from `schema.sql`, stepping an older one forward by `PRAGMA user_version`,
//! and refusing anything that is not a Folio database of a version we know.
//!
//! A new database is built under a temporary name and renamed into place only
//! once complete, so a crash during creation never leaves a half-made database
//! at the real path. An existing file is never overwritten, emptied or deleted.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::atomic::sync_dir;
use super::layout::DB_CREATING_PREFIX;
use crate::core::error::{Error, IoContext, Result};

/// The schema, as applied to a new database.
pub const SCHEMA_SQL: &str = include_str!("../../../schema.sql");

/// The schema version this program writes and understands (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 6;

/// Identifies a Folio database (`PRAGMA application_id`): the bytes "FOLI".
pub const APPLICATION_ID: i64 = 0x464F_4C49;

/// How long a writer waits for another connection's lock before giving up.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// SQL that steps a database from version `i + 1` to `i + 2` (index 0 takes 1 → 2).
/// Each runs inside the same transaction that bumps `user_version`.
///
/// A step changes tables in place (`ALTER TABLE … ADD COLUMN`) where it can.
/// SQLite stores an added column by appending `, <its definition as
/// written>` before the table's closing parenthesis, and `schema.sql` writes
/// the column that way, so both paths leave the same text in `sqlite_schema`
/// (`tests/migrations.rs`). What ALTER TABLE cannot change (a CHECK) is a
/// rebuild by SQLite's documented procedure: the steps from a version below
/// [`REBUILT_AT`] run with foreign keys off (dropping the old table with them
/// on would cascade-delete every membership), set outside the transaction,
/// and `PRAGMA foreign_key_check` must find nothing before it commits.
const MIGRATIONS: &[&str] = &[
    // 1 → 2: galleries keep the order the artist sets; the existing ones are
    // numbered 0, 1, 2… in the order they were listed in (by name, then id).
    "ALTER TABLE galleries ADD COLUMN sort_order     INTEGER NOT NULL DEFAULT 0 CHECK (sort_order >= 0);
     UPDATE galleries SET sort_order = ranked.position
       FROM (SELECT id, row_number() OVER (ORDER BY name COLLATE NOCASE, id) - 1 AS position
             FROM galleries) AS ranked
      WHERE ranked.id = galleries.id;",
    // 2 → 3: works' details (title, year, medium, dimensions…) in a table of
    // their own; no image has any yet.
    r#"CREATE TABLE artworks (
    image_id          INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
    title             TEXT    NULL CHECK (title IS NULL OR length(title) BETWEEN 1 AND 500),
    year              TEXT    NULL CHECK (year IS NULL OR length(year) BETWEEN 1 AND 100),
    year_sort         INTEGER NULL CHECK (year_sort IS NULL OR year_sort BETWEEN -99999 AND 99999),
    medium            TEXT    NULL CHECK (medium IS NULL OR length(medium) BETWEEN 1 AND 500),
    height            REAL    NULL CHECK (height IS NULL OR (typeof(height) = 'real' AND height > 0 AND height < 1e7)),
    width             REAL    NULL CHECK (width IS NULL OR (typeof(width) = 'real' AND width > 0 AND width < 1e7)),
    depth             REAL    NULL CHECK (depth IS NULL OR (typeof(depth) = 'real' AND depth > 0 AND depth < 1e7)),
    unit              TEXT    NULL CHECK (unit IS NULL OR unit IN ('cm', 'in')),
    dimensions_text   TEXT    NULL CHECK (dimensions_text IS NULL OR length(dimensions_text) BETWEEN 1 AND 200),
    edition           TEXT    NULL CHECK (edition IS NULL OR length(edition) BETWEEN 1 AND 200),
    inventory_number  TEXT    NULL CHECK (inventory_number IS NULL OR length(inventory_number) BETWEEN 1 AND 100),
    credit            TEXT    NULL CHECK (credit IS NULL OR length(credit) BETWEEN 1 AND 500),
    description       TEXT    NULL CHECK (description IS NULL OR length(description) <= 10000),
    CHECK (unit IS NOT NULL OR (height IS NULL AND width IS NULL AND depth IS NULL))
);
CREATE INDEX artworks_inventory_number
    ON artworks (inventory_number) WHERE inventory_number IS NOT NULL;"#,
    // 3 → 4: exports. Each link's visibility (the existing ones stay public),
    // the artist's profile, and each gallery's members salt.
    r#"ALTER TABLE gallery_image_group_relations ADD COLUMN visibility      TEXT    NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'members', 'private'));
CREATE TABLE artist_profile (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    given_name   TEXT    NULL CHECK (given_name IS NULL OR length(given_name) BETWEEN 1 AND 200),
    family_name  TEXT    NULL CHECK (family_name IS NULL OR length(family_name) BETWEEN 1 AND 200),
    website      TEXT    NULL CHECK (website IS NULL OR length(website) BETWEEN 1 AND 500),
    contact      TEXT    NULL CHECK (contact IS NULL OR length(contact) BETWEEN 1 AND 500),
    statement    TEXT    NULL CHECK (statement IS NULL OR length(statement) <= 5000)
);
CREATE TABLE gallery_sites (
    gallery_id  INTEGER PRIMARY KEY REFERENCES galleries(id) ON DELETE CASCADE,
    salt        BLOB    NOT NULL CHECK (typeof(salt) = 'blob' AND length(salt) = 16)
);"#,
    // 4 → 5: Photoshop documents and AVIF images. The `format` CHECK is
    // widened by rebuilding `images` (foreign keys off: see above); every row
    // is copied with its id, so memberships and works' details keep pointing
    // at it. The rename leaves the name quoted, as `schema.sql` writes it.
    r#"CREATE TABLE images_v5 (
    id             INTEGER PRIMARY KEY,
    store_id       INTEGER NOT NULL REFERENCES stores(id) ON DELETE RESTRICT,
    filename       TEXT    NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    alt_text       TEXT    NULL CHECK (alt_text IS NULL OR length(alt_text) <= 2000),
    created_at     TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    original_name  TEXT    NOT NULL CHECK (length(original_name) BETWEEN 1 AND 1024),
    content_hash   TEXT    NOT NULL UNIQUE CHECK (length(content_hash) = 64),
    byte_size      INTEGER NOT NULL CHECK (byte_size > 0),
    width          INTEGER NOT NULL CHECK (width > 0),
    height         INTEGER NOT NULL CHECK (height > 0),
    format         TEXT    NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'gif', 'tiff', 'psd', 'avif')),
    UNIQUE (store_id, filename)
);
INSERT INTO images_v5 (id, store_id, filename, alt_text, created_at, original_name,
                       content_hash, byte_size, width, height, format)
     SELECT id, store_id, filename, alt_text, created_at, original_name,
            content_hash, byte_size, width, height, format
       FROM images;
DROP TABLE images;
ALTER TABLE images_v5 RENAME TO images;"#,
    // 5 → 6: HEIC/HEIF images (an iPhone's usual photos): the same rebuild.
    r#"CREATE TABLE images_v6 (
    id             INTEGER PRIMARY KEY,
    store_id       INTEGER NOT NULL REFERENCES stores(id) ON DELETE RESTRICT,
    filename       TEXT    NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    alt_text       TEXT    NULL CHECK (alt_text IS NULL OR length(alt_text) <= 2000),
    created_at     TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    original_name  TEXT    NOT NULL CHECK (length(original_name) BETWEEN 1 AND 1024),
    content_hash   TEXT    NOT NULL UNIQUE CHECK (length(content_hash) = 64),
    byte_size      INTEGER NOT NULL CHECK (byte_size > 0),
    width          INTEGER NOT NULL CHECK (width > 0),
    height         INTEGER NOT NULL CHECK (height > 0),
    format         TEXT    NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'gif', 'tiff', 'psd', 'avif', 'heic')),
    UNIQUE (store_id, filename)
);
INSERT INTO images_v6 (id, store_id, filename, alt_text, created_at, original_name,
                       content_hash, byte_size, width, height, format)
     SELECT id, store_id, filename, alt_text, created_at, original_name,
            content_hash, byte_size, width, height, format
       FROM images;
DROP TABLE images;
ALTER TABLE images_v6 RENAME TO images;"#,
];

/// The last version whose step rebuilds a table (so a database below it is
/// stepped forward with foreign keys off).
const REBUILT_AT: i64 = 6;

/// Opens the Folio database at `path`, creating it (and the rows every library
/// needs, through `init`) if there is no file there.
///
/// `init` runs inside the creating transaction, after the schema is applied.
pub fn open_or_create(
    path: &Path,
    init: impl FnOnce(&rusqlite::Transaction) -> Result<()>,
    before_upgrade: impl FnOnce(&Connection, i64) -> Result<()>,
) -> Result<Connection> {
    if !path.exists() {
        create(path, init)?;
    }
    open_existing(path, before_upgrade)
}

/// Read-write but never create: the file must be the one we looked at.
const EXISTING: OpenFlags = OpenFlags::SQLITE_OPEN_READ_WRITE
    .union(OpenFlags::SQLITE_OPEN_NO_MUTEX)
    .union(OpenFlags::SQLITE_OPEN_URI);

/// Opens an existing database: refuses it unless it is a Folio database of this
/// or an older version, and steps an older one forward — after calling
/// `before_upgrade(conn, old_version)`, which makes the backup; if it fails,
/// nothing is upgraded.
pub fn open_existing(
    path: &Path,
    before_upgrade: impl FnOnce(&Connection, i64) -> Result<()>,
) -> Result<Connection> {
    let meta = std::fs::metadata(path).at(path)?;
    if meta.len() == 0 {
        return Err(Error::NotALibrary {
            path: path.to_path_buf(),
            reason: "the file is empty".into(),
        });
    }
    let mut conn = Connection::open_with_flags(path, EXISTING)?;
    let not_a_library = |reason: String| Error::NotALibrary {
        path: path.to_path_buf(),
        reason,
    };
    // Reading the header is the first thing that touches the file's contents;
    // garbage or a truncated file fails here, before anything is written.
    let (app_id, version): (i64, i64) = conn
        .query_row(
            "SELECT application_id, user_version FROM pragma_application_id, pragma_user_version",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| not_a_library(describe_sqlite_error(&e)))?;
    if app_id != APPLICATION_ID {
        return Err(not_a_library(format!(
            "its application id is {app_id:#x}, not Folio's"
        )));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version < 1 {
        return Err(not_a_library(format!("its schema version is {version}")));
    }
    configure(&conn, true)?;
    quick_check(&conn).map_err(not_a_library)?;
    if version < SCHEMA_VERSION {
        before_upgrade(&conn, version)?;
        migrate(&mut conn, version)?;
    }
    Ok(conn)
}

/// Sets the per-connection pragmas every Folio connection needs and checks that
/// foreign keys really are on (without them none of the seed's cascades run).
pub fn configure(conn: &Connection, wal: bool) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    if wal {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            log::warn!("SQLite kept journal mode {mode:?} instead of WAL");
        }
        // In WAL mode NORMAL never corrupts; a power cut may roll back the last
        // commits, which `folio check --repair` recovers files from.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    if fk != 1 {
        return Err(Error::ForeignKeysOff);
    }
    Ok(())
}

/// Another connection to a database this process has already opened with
/// [`open_existing`] (checked and brought up to date): the pragmas only, no
/// second `quick_check` (the most expensive part of opening a large library).
pub fn open_again(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, EXISTING)?;
    configure(&conn, true)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version != SCHEMA_VERSION {
        return Err(Error::NotALibrary {
            path: path.to_path_buf(),
            reason: format!("its schema version changed to {version} while it was open"),
        });
    }
    Ok(conn)
}

/// A read-only connection to a database another Folio has open (and so
/// has checked and brought up to date): `mode=ro` and `query_only`, so
/// nothing it does can write. A database of another schema version is
/// refused, the fix named.
pub fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "query_only", true)?;
    let (app_id, version): (i64, i64) = conn
        .query_row(
            "SELECT application_id, user_version FROM pragma_application_id, pragma_user_version",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| Error::NotALibrary {
            path: path.to_path_buf(),
            reason: describe_sqlite_error(&e),
        })?;
    if app_id != APPLICATION_ID {
        return Err(Error::NotALibrary {
            path: path.to_path_buf(),
            reason: format!("its application id is {app_id:#x}, not Folio's"),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version < SCHEMA_VERSION {
        return Err(Error::invalid(
            path.display().to_string(),
            format!(
                "this library is at schema version {version} and is open in another (older) Folio; this Folio reads version {SCHEMA_VERSION} only after stepping it forward, which it cannot do while the other has it open. Close the other Folio and run this again"
            ),
        ));
    }
    Ok(conn)
}

/// `PRAGMA quick_check`: the cheap structural check run at every open.
fn quick_check(conn: &Connection) -> std::result::Result<(), String> {
    let result: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(|e| describe_sqlite_error(&e))?;
    if result == "ok" {
        Ok(())
    } else {
        Err(format!("the database is damaged: {result}"))
    }
}

fn describe_sqlite_error(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => "the file is not an SQLite database".into(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => "the database file is damaged".into(),
        _ => e.to_string(),
    }
}

/// Builds a new database at a temporary path beside `path`, then renames it in.
fn create(path: &Path, init: impl FnOnce(&rusqlite::Transaction) -> Result<()>) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(DB_CREATING_PREFIX)
        .tempfile_in(dir)
        .at(dir)?;
    {
        let mut conn = Connection::open(tmp.path())?;
        // Rollback journal while building: a single file to rename.
        configure(&conn, false)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA_SQL)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        init(&tx)?;
        tx.commit()?;
        conn.close().map_err(|(_, e)| Error::Db(e))?;
    }
    tmp.as_file().sync_all().at(tmp.path())?;
    // persist_noclobber: if another process created the library meanwhile, we
    // keep theirs and open it.
    match tmp.persist_noclobber(path) {
        Ok(_) => {}
        Err(e) if path.exists() => drop(e),
        Err(e) => return Err(Error::io(path, e.error)),
    }
    sync_dir(dir);
    Ok(())
}

/// Steps the database from `from` up to [`SCHEMA_VERSION`] in one
/// transaction: all of it, or (on any error, a crash or a power cut) none of
/// it. Foreign keys are off for a rebuild and on again afterwards, whatever
/// happened.
fn migrate(conn: &mut Connection, from: i64) -> Result<()> {
    let rebuilds = from < REBUILT_AT;
    if rebuilds {
        // A no-op inside a transaction: it must come before BEGIN. Read back,
        // because dropping `images` with foreign keys still on would
        // cascade-delete every membership and work (and `foreign_key_check`
        // would then find nothing wrong).
        conn.pragma_update(None, "foreign_keys", false)?;
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        if fk != 0 {
            conn.pragma_update(None, "foreign_keys", true)?;
            return Err(Error::invalid(
                "the library's database",
                "its foreign keys could not be turned off for the upgrade, so it was not upgraded",
            ));
        }
    }
    let stepped = step_forward(conn, from, rebuilds);
    if rebuilds {
        conn.pragma_update(None, "foreign_keys", true)?;
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        if fk != 1 {
            return Err(Error::ForeignKeysOff);
        }
    }
    stepped
}

fn step_forward(conn: &mut Connection, from: i64, rebuilds: bool) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for version in from..SCHEMA_VERSION {
        let step = usize::try_from(version - 1)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
            .ok_or_else(|| {
                Error::invalid("schema", format!("no migration from version {version}"))
            })?;
        tx.execute_batch(step)?;
        log::info!(
            "stepped the database schema from {version} to {}",
            version + 1
        );
    }
    if rebuilds {
        // With foreign keys off nothing stopped a step from breaking a
        // reference: every row must still point at its parent.
        let broken: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            return Err(Error::invalid(
                "schema",
                format!(
                    "stepping the database forward would leave {broken} rows pointing at nothing; nothing was changed"
                ),
            ));
        }
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_database_has_foreign_keys_wal_and_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("folio.db");
        let conn = open_or_create(&path, |_| Ok(()), |_, _| Ok(())).unwrap();
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!((fk, mode.as_str(), version), (1, "wal", SCHEMA_VERSION));
        // No temporary database is left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with(".folio-db"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn schema_sql_declares_the_version_the_code_writes() {
        let declared = SCHEMA_SQL
            .lines()
            .find_map(|l| l.strip_prefix("-- schema-version: "))
            .and_then(|v| v.trim().parse::<i64>().ok());
        assert_eq!(declared, Some(SCHEMA_VERSION));
        assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION - 1);
    }

    #[test]
    fn newer_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("folio.db");
        drop(open_or_create(&path, |_| Ok(()), |_, _| Ok(())).unwrap());
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
            c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = open_existing(&path, |_, _| Ok(())).unwrap_err();
        assert!(matches!(err, Error::NewerSchema { found, .. } if found == SCHEMA_VERSION + 1));
        assert!(err.to_string().contains("newer version of Folio"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn garbage_empty_and_foreign_databases_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&str, Vec<u8>); 2] = [
            (
                "garbage.db",
                b"this is not a database at all, just some text".repeat(200),
            ),
            ("empty.db", Vec::new()),
        ];
        for (name, bytes) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let err = open_existing(&path, |_, _| Ok(())).unwrap_err();
            assert!(matches!(err, Error::NotALibrary { .. }), "{name}: {err}");
            assert!(err.to_string().contains(name), "{err}");
            assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name} was changed");
        }
        let other = dir.path().join("other.db");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE notes (x); INSERT INTO notes VALUES (1);")
            .unwrap();
        let err = open_existing(&other, |_, _| Ok(())).unwrap_err();
        assert!(err.to_string().contains("not Folio's"), "{err}");
    }
}
