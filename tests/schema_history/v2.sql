-- Folio's database schema: the one source of it.
--
-- The five tables of the artist's design (galleries, image groups, images, and
-- the two relation tables: images in groups, groups in galleries with a type),
-- translated from MySQL to SQLite with the design's names, keys and
-- ON DELETE CASCADE behaviour, plus `stores` behind images.store_id and the
-- columns a desktop app needs. A new database is created from this file and
-- stamped with the version below; an older one is stepped forward by the
-- migrations in src/core/storage/db.rs (`MIGRATIONS`), and a test checks that
-- both paths give the same schema, to the letter of the stored SQL.
--
-- schema-version: 2
--
-- Ordering: `sort_order` defines the order of images in a group, of groups
-- in a gallery, and of the galleries (ascending; the code keeps keys distinct,
-- `folio check` verifies it for images, and listings break a tie by name).
-- Image keys are gapped integers, so a move writes only the moved rows, and
-- renumbers a small neighbourhood when a gap is used up. A gallery's groups and
-- the galleries are a handful of rows each: a move renumbers them 0..n.
--
-- Text: names are trimmed and non-empty (the app trims before writing; the
-- CHECKs are the backstop). Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS', as
-- the design's CURRENT_TIMESTAMP default gives.

-- A store is a folder that holds original files: the managed library folder.
-- `root` is relative to the folder that holds the database (the default store
-- is 'library'), or absolute for a store on another drive.
CREATE TABLE stores (
    id          INTEGER PRIMARY KEY,
    root        TEXT    NOT NULL UNIQUE CHECK (length(root) > 0),
    created_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- One row per distinct file in the library. `filename` is the file's path inside
-- its store, derived from the content hash (never from the user's file name).
CREATE TABLE images (
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
    format         TEXT    NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'gif', 'tiff')),
    UNIQUE (store_id, filename)
);

-- A named, reusable collection of images ("Summer 2026 Lookbook").
CREATE TABLE image_groups (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE COLLATE NOCASE
                         CHECK (length(name) BETWEEN 1 AND 255 AND name = trim(name)),
    description  TEXT    NULL CHECK (description IS NULL OR length(description) <= 10000),
    created_at   TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Membership of an image in a group, in the order the artist set.
CREATE TABLE image_group_relations (
    image_group_id  INTEGER NOT NULL REFERENCES image_groups(id) ON DELETE CASCADE,
    image_id        INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    sort_order      INTEGER NOT NULL DEFAULT 0 CHECK (sort_order >= 0),
    PRIMARY KEY (image_group_id, image_id)
) WITHOUT ROWID;

-- A group's images in order: covers (group, sort_order, image_id), no sort step.
CREATE INDEX image_group_relations_order
    ON image_group_relations (image_group_id, sort_order);
-- The groups an image is in (the inspector), and the cascade from images.
CREATE INDEX image_group_relations_image
    ON image_group_relations (image_id);

-- The artist's galleries: an exhibition, a project, a client portfolio.
-- `sort_order` is the galleries' order in the sidebar, set by the artist (a new
-- gallery goes last; version 2 numbered the existing ones by name). No index:
-- a library has a handful of galleries. Its line is written the way SQLite
-- stores a column added by ALTER TABLE (the step from version 1), so a new
-- database and a stepped-forward one hold the same text.
CREATE TABLE galleries (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE COLLATE NOCASE
                         CHECK (length(name) BETWEEN 1 AND 255 AND name = trim(name)),
    description  TEXT    NULL CHECK (description IS NULL OR length(description) <= 10000),
    created_at   TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
, sort_order     INTEGER NOT NULL DEFAULT 0 CHECK (sort_order >= 0));

-- A group attached to a gallery, with the purpose of that link (`type`), and the
-- group's position among the gallery's groups.
CREATE TABLE gallery_image_group_relations (
    gallery_id      INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    image_group_id  INTEGER NOT NULL REFERENCES image_groups(id) ON DELETE CASCADE,
    type            TEXT    NOT NULL CHECK (length(type) BETWEEN 1 AND 50 AND type = trim(type)),
    sort_order      INTEGER NOT NULL DEFAULT 0 CHECK (sort_order >= 0),
    PRIMARY KEY (gallery_id, image_group_id, type)
) WITHOUT ROWID;

-- A gallery's groups in order.
CREATE INDEX gallery_image_group_relations_order
    ON gallery_image_group_relations (gallery_id, sort_order);
-- The galleries a group is in, and the cascade from image_groups.
CREATE INDEX gallery_image_group_relations_group
    ON gallery_image_group_relations (image_group_id);
