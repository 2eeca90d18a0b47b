//! Schema history: every released schema is frozen in `tests/schema_history/
//! vN.sql`. A database made by any older version, opened by this program, must
//! end up with exactly the schema of a new database; and `schema.sql` may not
//! change without a new version (the frozen copy of the current version must
//! equal it).
//!
//! To change the schema: bump `schema-version` in schema.sql and
//! `SCHEMA_VERSION`, add the step to `MIGRATIONS` in src/core/storage/db.rs, and freeze
//! the new schema.sql as `tests/schema_history/v{N}.sql`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // ok: tests

use std::path::Path;

use folio::core::storage::db::{self, APPLICATION_ID, SCHEMA_SQL, SCHEMA_VERSION};
use rusqlite::Connection;

fn frozen(version: i64) -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/schema_history/v{version}.sql"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (freeze every released schema)", path.display()))
}

fn schema_of(conn: &Connection) -> Vec<(String, String, Option<String>)> {
    let mut stmt = conn
        .prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn schema_sql_is_frozen_as_the_current_version() {
    assert_eq!(
        frozen(SCHEMA_VERSION),
        SCHEMA_SQL,
        "schema.sql differs from tests/schema_history/v{SCHEMA_VERSION}.sql: a released schema may not change; add a new version and a migration"
    );
}

#[test]
fn every_older_version_steps_forward_to_the_new_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh_path = dir.path().join("fresh.db");
    let fresh = schema_of(&db::open_or_create(&fresh_path, |_| Ok(()), |_, _| Ok(())).unwrap());
    for version in 1..=SCHEMA_VERSION {
        let path = dir.path().join(format!("v{version}.db"));
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(&frozen(version)).unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            c.pragma_update(None, "user_version", version).unwrap();
        }
        let conn = db::open_existing(&path, |_, _| Ok(())).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        assert_eq!(
            schema_of(&conn),
            fresh,
            "v{version} stepped forward differs from a new database"
        );
    }
}
