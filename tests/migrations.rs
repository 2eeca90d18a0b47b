//! Schema history: every released schema is frozen in `tests/schema_history/
//! vN.sql`. A database made by any older version, opened by this program, must
//! end up with exactly the schema of a new database, keeping every row, with
//! a whole backup of the old version made first; and `schema.sql` may not
//! change without a new version (the frozen copy of the current version must
//! equal it).
//!
//! To change the schema: bump `schema-version` in schema.sql and
//! `SCHEMA_VERSION`, add the step to `MIGRATIONS` in src/core/storage/db.rs,
//! freeze the new schema.sql as `tests/schema_history/v{N}.sql`, and give
//! `library_rows` the same library as SQL valid for version N - 1 (now an
//! older one).

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

/// Every table's rows, each row as `column = value` texts, sorted: what a
/// library holds, comparable across versions.
type Dump = Vec<(String, Vec<Vec<(String, String)>>)>;

fn dump(conn: &Connection) -> Dump {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tables
        .into_iter()
        .map(|table| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
            let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
            let mut rows: Vec<Vec<(String, String)>> = stmt
                .query_map([], |r| {
                    (0..columns.len())
                        .map(|i| {
                            let v: rusqlite::types::Value = r.get(i)?;
                            Ok((columns[i].clone(), format!("{v:?}")))
                        })
                        .collect()
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            rows.sort();
            (table, rows)
        })
        .collect()
}

/// `dump` with each row cut down to the columns `old` has: what a step
/// forward must keep of an older library's rows (it may add columns).
fn keeping_columns_of(old: &Dump, new: &Dump) -> Dump {
    new.iter()
        .filter(|(table, _)| old.iter().any(|(t, _)| t == table))
        .map(|(table, rows)| {
            let old_columns: Vec<&String> = old
                .iter()
                .find(|(t, _)| t == table)
                .and_then(|(_, rows)| rows.first())
                .map(|row| row.iter().map(|(c, _)| c).collect())
                .unwrap_or_default();
            let mut rows: Vec<Vec<(String, String)>> = rows
                .iter()
                .map(|row| {
                    row.iter()
                        .filter(|(c, _)| old_columns.contains(&c))
                        .cloned()
                        .collect()
                })
                .collect();
            rows.sort();
            (table.clone(), rows)
        })
        .collect()
}

/// An artist's library as version `version` wrote it, as SQL valid for that
/// version: three galleries made out of alphabetical order (one name in lower
/// case, so only `NOCASE` puts it first), one group in two galleries and twice
/// in one under two types, a group in no gallery, an image in two groups, and
/// images in an order set by hand with alt text.
fn library_rows(version: i64) -> String {
    let hash = |n: u32| format!("{n:02x}{:062x}", n * 7919);
    let image = |id: u32, name: &str, alt: Option<&str>, format: &str| {
        let h = hash(id);
        let alt = alt.map_or("NULL".to_string(), |a| {
            format!("'{}'", a.replace('\'', "''"))
        });
        format!(
            "INSERT INTO images (id, store_id, filename, alt_text, created_at, original_name,
                                 content_hash, byte_size, width, height, format)
             VALUES ({id}, 1, 'originals/{}/{h}.{format}', {alt}, '2025-03-0{id} 10:00:00',
                     '{name}', '{h}', {}, 640, 480, '{format}');",
            &h[..2],
            1000 + id
        )
    };
    let galleries = match version {
        1 => {
            "INSERT INTO galleries (id, name, description, created_at) VALUES
                 (1, 'Website', NULL, '2025-01-02 09:00:00'),
                 (2, 'Harbour Lights', 'Opening in May', '2025-01-03 09:00:00'),
                 (3, 'atelier', NULL, '2025-01-04 09:00:00');"
        }
        // Version 2 keeps the artist's order of galleries: as v1 listed them.
        2..=5 => {
            "INSERT INTO galleries (id, name, description, created_at, sort_order) VALUES
                 (1, 'Website', NULL, '2025-01-02 09:00:00', 2),
                 (2, 'Harbour Lights', 'Opening in May', '2025-01-03 09:00:00', 1),
                 (3, 'atelier', NULL, '2025-01-04 09:00:00', 0);"
        }
        _ => panic!("write the rows of a v{version} library here (SQL valid for v{version})"),
    };
    let works = match version {
        1 | 2 => "",
        // Version 3 has works' details: one work with a title and dimensions.
        _ => {
            "INSERT INTO artworks (image_id, title, year, year_sort, medium, height, width, unit)
                 VALUES (3, 'Crane', '2025', 2025, 'Oil on linen', 40.0, 30.0, 'cm');"
        }
    };
    // Version 4 has each link's visibility, the artist's profile and a
    // gallery's members salt.
    let sites = match version {
        1..=3 => "",
        _ => {
            "UPDATE gallery_image_group_relations SET visibility = 'members'
                 WHERE gallery_id = 2 AND image_group_id = 2;
             UPDATE gallery_image_group_relations SET visibility = 'private'
                 WHERE gallery_id = 3 AND type = 'studio visits';
             INSERT INTO artist_profile (id, given_name, family_name, statement)
                 VALUES (1, 'Ana', 'Ruiz', 'I paint harbours.');
             INSERT INTO gallery_sites (gallery_id, salt) VALUES (2, x'000102030405060708090a0b0c0d0e0f');"
        }
    };
    match version {
        1..=5 => [
            "INSERT INTO stores (id, root, created_at) VALUES (1, 'library', '2025-01-01 09:00:00');"
                .to_string(),
            galleries.to_string(),
            "INSERT INTO image_groups (id, name, description, created_at) VALUES
                 (1, 'Finals', 'Final prints', '2025-02-01 09:00:00'),
                 (2, 'Making of', NULL, '2025-02-02 09:00:00'),
                 (3, 'Sketches', NULL, '2025-02-03 09:00:00'),
                 (4, 'Loose ends', NULL, '2025-02-04 09:00:00');"
                .to_string(),
            image(1, "dock.jpg", Some("A dock at dusk"), "jpeg"),
            image(2, "easel.png", None, "png"),
            image(3, "crane.webp", Some("The artist's crane, \u{e9}t\u{e9} 2025"), "webp"),
            image(4, "sketch.tiff", Some("Pencil on paper"), "tiff"),
            image(5, "boats.gif", None, "gif"),
            // Keys as a v1 Folio leaves them: gapped, and not in id order.
            "INSERT INTO image_group_relations (image_group_id, image_id, sort_order) VALUES
                 (1, 3, 1048576), (1, 1, 2097152), (1, 5, 2621440),
                 (2, 4, 1048576), (2, 2, 1048577),
                 (3, 1, 5), (3, 4, 0),
                 (4, 2, 1048576);
             INSERT INTO gallery_image_group_relations (gallery_id, image_group_id, type, sort_order) VALUES
                 (1, 1, 'main_exhibit', 0),
                 (2, 2, 'behind_the_scenes', 0),
                 (2, 1, 'photographs', 1),
                 (2, 1, 'main_exhibit', 2),
                 (3, 3, 'sketches', 1),
                 (3, 2, 'studio visits', 0);"
                .to_string(),
            works.to_string(),
            sites.to_string(),
        ]
        .concat(),
        _ => panic!("write the rows of a v{version} library here (SQL valid for v{version})"),
    }
}

#[test]
fn a_library_of_every_older_version_opens_with_its_data_kept_and_backed_up() {
    use folio::core::Library;
    use folio::core::model::details::{self, Field};
    use folio::core::model::{catalog, images};
    use folio::core::storage::{backup, layout};
    use folio::core::{GroupId, ImageId};

    for version in 1..SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(layout::DEFAULT_STORE)).unwrap();
        let old = {
            let c = Connection::open(layout::db_path(root)).unwrap();
            c.execute_batch(&frozen(version)).unwrap();
            c.execute_batch(&library_rows(version)).unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            c.pragma_update(None, "user_version", version).unwrap();
            let fk: Vec<String> = c
                .prepare("PRAGMA foreign_key_check")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(
                fk.is_empty(),
                "v{version}: the rows break a reference: {fk:?}"
            );
            dump(&c)
        };

        let lib = Library::open(root).unwrap();
        let conn = lib.conn();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(broken, 0);

        // Every row of every table is still there, every old column as it was.
        assert_eq!(
            keeping_columns_of(&old, &dump(conn)),
            old,
            "v{version}: rows changed or lost"
        );

        // Galleries are listed as the old version listed them (by name,
        // regardless of case), now as the artist's order, numbered 0..n.
        let galleries = catalog::list_galleries(conn).unwrap();
        let summary: Vec<_> = galleries
            .iter()
            .map(|g| {
                (
                    g.name.as_str(),
                    g.description.as_deref(),
                    g.created_at.as_str(),
                    g.link_count,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("atelier", None, "2025-01-04 09:00:00", 2),
                (
                    "Harbour Lights",
                    Some("Opening in May"),
                    "2025-01-03 09:00:00",
                    3
                ),
                ("Website", None, "2025-01-02 09:00:00", 1),
            ],
            "v{version}"
        );
        let keys: Vec<(i64, i64)> = conn
            .prepare("SELECT id, sort_order FROM galleries ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(keys, [(1, 2), (2, 1), (3, 0)], "v{version}");

        // Each gallery's typed links, in their order.
        let links: Vec<Vec<(String, String)>> = galleries
            .iter()
            .map(|g| {
                catalog::gallery_links(conn, g.id)
                    .unwrap()
                    .into_iter()
                    .map(|l| (l.group_name, l.link_type))
                    .collect()
            })
            .collect();
        let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
            p.iter()
                .map(|(g, t)| (g.to_string(), t.to_string()))
                .collect()
        };
        assert_eq!(
            links,
            [
                pairs(&[("Making of", "studio visits"), ("Sketches", "sketches")]),
                pairs(&[
                    ("Making of", "behind_the_scenes"),
                    ("Finals", "photographs"),
                    ("Finals", "main_exhibit"),
                ]),
                pairs(&[("Finals", "main_exhibit")]),
            ],
            "v{version}"
        );
        // The group in two galleries, twice in one, and in no gallery.
        let finals: Vec<_> = catalog::group_links(conn, GroupId(1))
            .unwrap()
            .into_iter()
            .map(|l| (l.gallery_name, l.link_type))
            .collect();
        assert_eq!(
            finals,
            pairs(&[
                ("Harbour Lights", "main_exhibit"),
                ("Harbour Lights", "photographs"),
                ("Website", "main_exhibit"),
            ]),
            "v{version}"
        );
        let groups: Vec<_> = catalog::list_groups(conn)
            .unwrap()
            .into_iter()
            .map(|g| (g.name, g.image_count, g.gallery_count))
            .collect();
        assert_eq!(
            groups,
            [
                ("Finals".to_string(), 3, 2),
                ("Loose ends".to_string(), 1, 0),
                ("Making of".to_string(), 2, 2),
                ("Sketches".to_string(), 2, 1),
            ],
            "v{version}"
        );
        let mut types = catalog::known_types(conn).unwrap();
        assert_eq!(types.pop().as_deref(), Some("studio visits"));

        // Each group's images in the hand-set order, with their alt text.
        let shown = |group: i64| -> Vec<(ImageId, String, Option<String>)> {
            images::group_images(conn, GroupId(group))
                .unwrap()
                .into_iter()
                .map(|i| (i.id, i.original_name, i.alt_text))
                .collect()
        };
        let row = |id: i64, name: &str, alt: Option<&str>| {
            (ImageId(id), name.to_string(), alt.map(str::to_string))
        };
        assert_eq!(
            shown(1),
            [
                row(
                    3,
                    "crane.webp",
                    Some("The artist's crane, \u{e9}t\u{e9} 2025")
                ),
                row(1, "dock.jpg", Some("A dock at dusk")),
                row(5, "boats.gif", None),
            ],
            "v{version}"
        );
        assert_eq!(
            shown(2),
            [
                row(4, "sketch.tiff", Some("Pencil on paper")),
                row(2, "easel.png", None)
            ],
            "v{version}"
        );
        assert_eq!(
            shown(3),
            [
                row(4, "sketch.tiff", Some("Pencil on paper")),
                row(1, "dock.jpg", Some("A dock at dusk"))
            ],
            "v{version}"
        );
        assert_eq!(shown(4), [row(2, "easel.png", None)], "v{version}");

        // Works' details (version 3): none before it, kept from it, and a
        // title can be written.
        let works: i64 = conn
            .query_row("SELECT count(*) FROM artworks", [], |r| r.get(0))
            .unwrap();
        assert_eq!(works, i64::from(version >= 3), "v{version}");
        if version >= 3 {
            let crane = images::image(conn, ImageId(3)).unwrap();
            assert_eq!(crane.title(), Some("Crane"), "v{version}");
        }

        // Visibility (version 4): every link the older version had is public.
        let visibilities: Vec<String> = conn
            .prepare("SELECT DISTINCT visibility FROM gallery_image_group_relations")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // From version 4, each link keeps its own; the profile and the salt stay.
        let expected: &[&str] = if version >= 4 {
            &["members", "private", "public"]
        } else {
            &["public"]
        };
        let mut visibilities = visibilities;
        visibilities.sort();
        assert_eq!(visibilities, expected, "v{version}");
        let profile: i64 = conn
            .query_row("SELECT count(*) FROM artist_profile", [], |r| r.get(0))
            .unwrap();
        assert_eq!(profile, i64::from(version >= 4), "v{version}");

        // Versions 5 and 6 rebuilt `images` to take PSD, AVIF and HEIC: new
        // ones can be added to a group beside the kept ones, and deleting an
        // image still cascades to its memberships (foreign keys are on again).
        conn.execute_batch(&format!(
            "INSERT INTO images (id, store_id, filename, original_name, content_hash,
                                 byte_size, width, height, format)
             VALUES (9, 1, 'originals/ff/{h}.psd', 'layers.psd', '{h}', 10, 2, 2, 'psd'),
                    (10, 1, 'originals/ee/{e}.heic', 'IMG_0001.HEIC', '{e}', 10, 2, 2, 'heic');
             INSERT INTO image_group_relations (image_group_id, image_id, sort_order)
             VALUES (4, 9, 9999999), (4, 10, 19999999);",
            h = "f".repeat(64),
            e = "e".repeat(64)
        ))
        .unwrap();
        assert_eq!(
            shown(4),
            [
                row(2, "easel.png", None),
                row(9, "layers.psd", None),
                row(10, "IMG_0001.HEIC", None)
            ],
            "v{version}"
        );
        conn.execute("DELETE FROM images WHERE id IN (9, 10)", [])
            .unwrap();
        assert_eq!(shown(4), [row(2, "easel.png", None)], "v{version}");
        details::set_fields(conn, &[ImageId(1)], &[(Field::Title, "Dock".into())]).unwrap();
        let dock = images::image(conn, ImageId(1)).unwrap();
        assert_eq!(
            (dock.title(), dock.alt_text.as_deref()),
            (Some("Dock"), Some("A dock at dusk")),
            "v{version}"
        );
        drop(lib);

        // The backup made before the step: whole, the old version, the old rows.
        let before: Vec<_> = backup::list(root)
            .unwrap()
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .contains(&format!("-before-upgrade-from-v{version}"))
            })
            .collect();
        assert_eq!(before.len(), 1, "v{version}: {before:?}");
        let b = Connection::open_with_flags(&before[0], rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
        let (check, app_id, v): (String, i64, i64) = b
            .query_row(
                "SELECT integrity_check, application_id, user_version
                 FROM pragma_integrity_check, pragma_application_id, pragma_user_version",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((check.as_str(), app_id, v), ("ok", APPLICATION_ID, version));
        assert_eq!(dump(&b), old, "v{version}: the backup's rows");
        let old_schema = {
            let c = Connection::open_in_memory().unwrap();
            c.execute_batch(&frozen(version)).unwrap();
            schema_of(&c)
        };
        assert_eq!(schema_of(&b), old_schema, "v{version}: the backup's schema");
    }
}
