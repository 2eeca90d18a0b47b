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
-- schema-version: 6
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
-- (Quoted because versions 5 and 6 rebuilt the table to widen the `format` CHECK, and
-- SQLite's ALTER TABLE … RENAME TO writes the new name that way.)
CREATE TABLE "images" (
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
-- group's position among the gallery's groups. `visibility` (version 4) says
-- who an export shows the link to: everyone ('public'), visitors with the
-- gallery's password ('members', encrypted in a website), or no one
-- ('private': never exported). It is written where ALTER TABLE puts it.
CREATE TABLE gallery_image_group_relations (
    gallery_id      INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    image_group_id  INTEGER NOT NULL REFERENCES image_groups(id) ON DELETE CASCADE,
    type            TEXT    NOT NULL CHECK (length(type) BETWEEN 1 AND 50 AND type = trim(type)),
    sort_order      INTEGER NOT NULL DEFAULT 0 CHECK (sort_order >= 0), visibility      TEXT    NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'members', 'private')),
    PRIMARY KEY (gallery_id, image_group_id, type)
) WITHOUT ROWID;

-- A gallery's groups in order.
CREATE INDEX gallery_image_group_relations_order
    ON gallery_image_group_relations (gallery_id, sort_order);
-- The galleries a group is in, and the cascade from image_groups.
CREATE INDEX gallery_image_group_relations_group
    ON gallery_image_group_relations (image_group_id);

-- What an image shows as a work: the caption every portfolio, wall label and
-- application form asks for. Kept apart from `images.alt_text` (which
-- describes the image for people who cannot see it). One row per image that
-- has any of it (version 3); an image without details has no row.
-- `year` is as the artist writes it ("c. 1990", "2019–2021"); `year_sort` is
-- the year it sorts by, derived from `year` unless the artist set it.
-- Dimensions are height × width × depth in `unit`; `dimensions_text` ("dimensions
-- variable") is shown instead of them when given.
CREATE TABLE artworks (
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

-- Finding a work by its inventory number (a spreadsheet's rows match by it).
CREATE INDEX artworks_inventory_number
    ON artworks (inventory_number) WHERE inventory_number IS NOT NULL;

-- The artist, as exports name them (version 4): at most one row. Every field
-- is optional; an export without a profile names no one.
CREATE TABLE artist_profile (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    given_name   TEXT    NULL CHECK (given_name IS NULL OR length(given_name) BETWEEN 1 AND 200),
    family_name  TEXT    NULL CHECK (family_name IS NULL OR length(family_name) BETWEEN 1 AND 200),
    website      TEXT    NULL CHECK (website IS NULL OR length(website) BETWEEN 1 AND 500),
    contact      TEXT    NULL CHECK (contact IS NULL OR length(contact) BETWEEN 1 AND 500),
    statement    TEXT    NULL CHECK (statement IS NULL OR length(statement) <= 5000)
);

-- A gallery's website secrets (version 4): the random salt its members
-- password is stretched with (PBKDF2-SHA256), made at its first export with
-- a members section and kept, so a re-export with the same password keeps
-- the same key. The password itself is never stored.
CREATE TABLE gallery_sites (
    gallery_id  INTEGER PRIMARY KEY REFERENCES galleries(id) ON DELETE CASCADE,
    salt        BLOB    NOT NULL CHECK (typeof(salt) = 'blob' AND length(salt) = 16)
);
