//! Images and their membership in groups: listing a group in order, adding,
//! removing and moving images (the drag-reorder), alt text, where an image is
//! used. (Deleting an image with its file is `storage::trash`.)

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};

use super::catalog::{UsedIn, ensure_group};
use super::details::{Details, Entry, details_at};
use super::order;
use crate::core::error::{Error, Result};
use crate::core::format::Format;
use crate::core::ids::{GroupId, ImageId, StoreId};
use crate::detail_columns;

/// The longest alt text, in characters.
pub const MAX_ALT_TEXT_CHARS: usize = 2000;

/// One image row, with the work's details when it has any.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    pub id: ImageId,
    pub store: StoreId,
    /// Path of the file inside its store (content-addressed).
    pub filename: String,
    pub alt_text: Option<String>,
    /// Import time, UTC.
    pub created_at: String,
    /// The file's name when it was imported (shown, never used on disk).
    pub original_name: String,
    /// BLAKE3 of the file, lower-case hex.
    pub content_hash: String,
    pub byte_size: u64,
    /// Pixel size as displayed (EXIF orientation applied).
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// Title, year, medium… (`None`: none written yet; boxed, so that an
    /// image without them costs one pointer in a 100,000-image grid).
    pub details: Option<Box<Details>>,
}

impl Image {
    /// What to call the image in words: its title, else its alt text, else
    /// its file name.
    pub fn label(&self) -> &str {
        if let Some(t) = self.title() {
            return t;
        }
        match &self.alt_text {
            Some(t) if !t.is_empty() => t,
            _ => &self.original_name,
        }
    }

    /// The work's title, if it has one.
    pub fn title(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.title.as_deref())
    }

    /// The year it sorts by, if it has one.
    pub fn year_sort(&self) -> Option<i32> {
        self.details.as_ref().and_then(|d| d.year_sort)
    }

    /// Its alt text and details, as the editors take them.
    pub fn entry(&self) -> Entry {
        Entry {
            alt_text: self.alt_text.clone(),
            details: self.details.as_deref().cloned().unwrap_or_default(),
        }
    }
}

/// An image's columns (`i`, and its details `w`): select them `FROM` [`IMAGES`].
const IMAGE_COLUMNS: &str = concat!(
    "i.id, i.store_id, i.filename, i.alt_text, i.created_at, i.original_name,
    i.content_hash, i.byte_size, i.width, i.height, i.format, ",
    detail_columns!()
);

/// The images with their details.
const IMAGES: &str = "images i LEFT JOIN artworks w ON w.image_id = i.id";
/// The details of images `i` joined in elsewhere.
const DETAILS: &str = "LEFT JOIN artworks w ON w.image_id = i.id";

fn image_row(r: &rusqlite::Row) -> rusqlite::Result<Image> {
    image_row_at(r, 0)
}

/// The image whose [`IMAGE_COLUMNS`] start at column `at`.
fn image_row_at(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Image> {
    Ok(Image {
        id: r.get(at)?,
        store: r.get(at + 1)?,
        filename: r.get(at + 2)?,
        alt_text: r.get(at + 3)?,
        created_at: r.get(at + 4)?,
        original_name: r.get(at + 5)?,
        content_hash: r.get(at + 6)?,
        byte_size: r.get(at + 7)?,
        width: r.get(at + 8)?,
        height: r.get(at + 9)?,
        format: r.get(at + 10)?,
        details: details_at(r, at + 11)?.map(Box::new),
    })
}

/// One image.
pub fn image(conn: &Connection, id: ImageId) -> Result<Image> {
    conn.prepare_cached(&format!(
        "SELECT {IMAGE_COLUMNS} FROM {IMAGES} WHERE i.id = ?1"
    ))?
    .query_row([id], image_row)
    .optional()?
    .ok_or(id.not_found())
}

/// The image with this content hash, if the library has it.
pub fn image_by_hash(conn: &Connection, hash: &str) -> Result<Option<Image>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {IMAGE_COLUMNS} FROM {IMAGES} WHERE i.content_hash = ?1"
        ))?
        .query_row([hash], image_row)
        .optional()?)
}

/// Every image in the library, oldest first.
pub fn all_images(conn: &Connection) -> Result<Vec<Image>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {IMAGE_COLUMNS} FROM {IMAGES} ORDER BY i.id"
    ))?;
    let rows = stmt.query_map([], image_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many images the library holds.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM images", [], |r| r.get(0))?)
}

/// The data of a new image row.
#[derive(Clone, Debug)]
pub struct NewImage<'a> {
    pub store: StoreId,
    pub filename: &'a str,
    pub original_name: &'a str,
    pub content_hash: &'a str,
    pub byte_size: u64,
    pub width: u32,
    pub height: u32,
    pub format: Format,
}

/// Inserts an image row (the file must already be in place).
pub fn insert_image(conn: &Connection, new: &NewImage) -> Result<ImageId> {
    conn.prepare_cached(
        "INSERT INTO images (store_id, filename, original_name, content_hash, byte_size, width, height, format)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        new.store,
        new.filename,
        new.original_name,
        new.content_hash,
        new.byte_size,
        new.width,
        new.height,
        new.format.as_str()
    ])?;
    Ok(ImageId(conn.last_insert_rowid()))
}

/// Sets (or with `None` / blank, clears) an image's alt text.
pub fn set_alt_text(conn: &Connection, id: ImageId, alt_text: Option<&str>) -> Result<()> {
    let text = match alt_text.map(str::trim) {
        None | Some("") => None,
        Some(t) if t.chars().count() > MAX_ALT_TEXT_CHARS => {
            return Err(Error::invalid(
                "alt text",
                format!("longer than {MAX_ALT_TEXT_CHARS} characters"),
            ));
        }
        Some(t) => Some(t),
    };
    let n = conn.execute(
        "UPDATE images SET alt_text = ?2 WHERE id = ?1",
        params![id, text],
    )?;
    if n == 0 { Err(id.not_found()) } else { Ok(()) }
}

// ---------------------------------------------------------------- membership

/// A group's image ids in the artist's order (the fast path for big groups).
pub fn group_image_ids(conn: &Connection, group: GroupId) -> Result<Vec<ImageId>> {
    ensure_group(conn, group)?;
    let mut stmt = conn.prepare_cached(
        "SELECT image_id FROM image_group_relations WHERE image_group_id = ?1 ORDER BY sort_order, image_id",
    )?;
    let rows = stmt.query_map([group], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A group's images in the artist's order.
pub fn group_images(conn: &Connection, group: GroupId) -> Result<Vec<Image>> {
    ensure_group(conn, group)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {IMAGE_COLUMNS} FROM image_group_relations m JOIN images i ON i.id = m.image_id {DETAILS}
         WHERE m.image_group_id = ?1 ORDER BY m.sort_order, m.image_id"
    ))?;
    let rows = stmt.query_map([group], image_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The group's images whose order key is above `after` (all: `None`), in
/// order, with their keys: what was appended since a snapshot whose last key
/// was `after`. An index seek; cheap however big the group.
pub fn group_images_after(
    conn: &Connection,
    group: GroupId,
    after: Option<i64>,
) -> Result<Vec<(i64, Image)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT m.sort_order, {IMAGE_COLUMNS} FROM image_group_relations m JOIN images i ON i.id = m.image_id {DETAILS}
         WHERE m.image_group_id = ?1 AND m.sort_order > ?2 ORDER BY m.sort_order, m.image_id"
    ))?;
    let rows = stmt.query_map(params![group, after.unwrap_or(i64::MIN)], |r| {
        // The image's columns follow the key.
        Ok((r.get(0)?, image_row_at(r, 1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The image right after `image` in `group`'s order (`None` at the end, or
/// when `image` is not in the group).
pub fn image_after(conn: &Connection, group: GroupId, image: ImageId) -> Result<Option<ImageId>> {
    let Some(key) = order::key_of(conn, group, image)? else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached(
            "SELECT image_id FROM image_group_relations
             WHERE image_group_id = ?1
               AND (sort_order > ?2 OR (sort_order = ?2 AND image_id > ?3))
             ORDER BY sort_order, image_id LIMIT 1",
        )?
        .query_row(params![group, key, image], |r| r.get(0))
        .optional()?)
}

/// The highest order key in a group (`None`: empty).
pub fn last_key(conn: &Connection, group: GroupId) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT max(sort_order) FROM image_group_relations WHERE image_group_id = ?1",
        )?
        .query_row([group], |r| r.get(0))?)
}

/// Adds images to a group: at the end (`at = None`) or at drop marker `at`
/// (0 ..= len; past the end means the end), in the order given. Images already
/// in the group stay where they are. Returns how many were added.
pub fn add_images(
    conn: &Connection,
    group: GroupId,
    images: &[ImageId],
    at: Option<usize>,
) -> Result<usize> {
    let before = match at {
        Some(index) => order::image_at(conn, group, index)?,
        None => None,
    };
    add_images_before(conn, group, images, before)
}

/// Adds images to a group right before the member `before` (`None`: at the
/// end), in the order given; images already in the group stay where they are.
/// Returns how many were added.
pub fn add_images_before(
    conn: &Connection,
    group: GroupId,
    images: &[ImageId],
    before: Option<ImageId>,
) -> Result<usize> {
    add_new_before(conn, group, images, before).map(|added| added.len())
}

/// [`add_images_before`], returning the images it added (those that were not
/// in the group yet), in the order given.
pub fn add_new_before(
    conn: &Connection,
    group: GroupId,
    images: &[ImageId],
    before: Option<ImageId>,
) -> Result<Vec<ImageId>> {
    ensure_group(conn, group)?;
    let marker = marker_key(conn, group, before)?;
    let mut seen = HashSet::new();
    let mut new = Vec::new();
    for &id in images {
        if !seen.insert(id) {
            continue;
        }
        let exists: Option<i64> = conn
            .prepare_cached("SELECT 1 FROM images WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(id.not_found());
        }
        if order::key_of(conn, group, id)?.is_none() {
            new.push(id);
        }
    }
    let keys = order::make_room(conn, group, marker, &HashSet::new(), new.len())?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO image_group_relations (image_group_id, image_id, sort_order) VALUES (?1, ?2, ?3)",
    )?;
    for (id, key) in new.iter().zip(keys) {
        stmt.execute(params![group, id, key])?;
    }
    Ok(new)
}

/// The key of the member a drop marker sits before (`None`: the end).
fn marker_key(conn: &Connection, group: GroupId, before: Option<ImageId>) -> Result<Option<i64>> {
    match before {
        None => Ok(None),
        Some(anchor) => order::key_of(conn, group, anchor)?
            .map(Some)
            .ok_or_else(|| Error::invalid("drop position", format!("{anchor} is not in {group}"))),
    }
}

/// Removes images from a group; the images stay in the library. Returns how
/// many were in the group.
pub fn remove_images(conn: &Connection, group: GroupId, images: &[ImageId]) -> Result<usize> {
    ensure_group(conn, group)?;
    let mut stmt = conn.prepare_cached(
        "DELETE FROM image_group_relations WHERE image_group_id = ?1 AND image_id = ?2",
    )?;
    let mut removed = 0;
    for id in images {
        removed += stmt.execute(params![group, id])?;
    }
    Ok(removed)
}

/// Moves one or many images of a group to the drop marker `to` (0 ..= len, a
/// position in the current order, as the insertion line in the grid shows it).
/// The moved images keep their relative order and end up side by side; the
/// rest keep theirs. This is the drag-reorder. Finding the image at `to` counts
/// rows; [`move_images_before`] does not.
pub fn move_images(conn: &Connection, group: GroupId, images: &[ImageId], to: usize) -> Result<()> {
    ensure_group(conn, group)?;
    let before = order::image_at(conn, group, to)?;
    if before.is_none() {
        let len = order::len(conn, group)?;
        if to != len {
            return Err(Error::invalid(
                "position",
                format!("{to} is past the end of {group}, which has {len} images"),
            ));
        }
    }
    move_images_before(conn, group, images, before)
}

/// Moves one or many images of a group to just before the member `before`
/// (`None`: to the end) — the drop marker as the grid knows it. `before` may
/// itself be one of the moved images (a drop onto the selection's own place).
/// The moved images keep their relative order; the rest keep theirs. Writes
/// only the moved rows, and now and then a small neighbourhood.
pub fn move_images_before(
    conn: &Connection,
    group: GroupId,
    images: &[ImageId],
    before: Option<ImageId>,
) -> Result<()> {
    ensure_group(conn, group)?;
    let marker = marker_key(conn, group, before)?;
    let mut moving: Vec<(i64, ImageId)> = Vec::with_capacity(images.len());
    let mut set = HashSet::with_capacity(images.len());
    for &id in images {
        if !set.insert(id) {
            continue;
        }
        let key = order::key_of(conn, group, id)?
            .ok_or_else(|| Error::invalid("image", format!("{id} is not in {group}")))?;
        moving.push((key, id));
    }
    moving.sort_unstable();
    let keys = order::make_room(conn, group, marker, &set, moving.len())?;
    let mut stmt = conn.prepare_cached(
        "UPDATE image_group_relations SET sort_order = ?3 WHERE image_group_id = ?1 AND image_id = ?2",
    )?;
    for ((_, id), key) in moving.iter().zip(keys) {
        stmt.execute(params![group, id, key])?;
    }
    Ok(())
}

/// A whole-group order to sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    /// By original file name, A to Z (numbers in names compare as text).
    Name,
    /// By original file name, Z to A.
    NameDescending,
    /// Oldest import first.
    Imported,
    /// Newest import first.
    ImportedDescending,
    /// The current order, backwards.
    Reverse,
    /// By title, A to Z; works without a title after, by file name.
    Title,
    /// By year (the sort year), oldest first; works without a year after.
    Year,
}

/// The group's images in the order `by` gives (ties by id).
pub fn sorted_ids(conn: &Connection, group: GroupId, by: SortBy) -> Result<Vec<ImageId>> {
    ensure_group(conn, group)?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.image_id, i.original_name, i.created_at, w.title, w.year_sort
         FROM image_group_relations m JOIN images i ON i.id = m.image_id
         LEFT JOIN artworks w ON w.image_id = i.id
         WHERE m.image_group_id = ?1 ORDER BY m.sort_order, m.image_id",
    )?;
    struct Row {
        id: ImageId,
        name: String,
        imported: String,
        title: Option<String>,
        year: Option<i32>,
    }
    let mut rows: Vec<Row> = stmt
        .query_map([group], |r| {
            Ok(Row {
                id: r.get(0)?,
                name: r.get(1)?,
                imported: r.get(2)?,
                title: r.get(3)?,
                year: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Each key made once, not at every comparison: a title sorts by its
    // words and the value of its numbers ("No. 2" before "No. 10").
    let titled = |r: &Row| {
        (
            r.title.is_none(),
            crate::core::text::sort_key(r.title.as_deref().unwrap_or(&r.name)),
            r.id,
        )
    };
    match by {
        SortBy::Name | SortBy::NameDescending => {
            rows.sort_by_cached_key(|r| (r.name.to_lowercase(), r.id));
            if by == SortBy::NameDescending {
                rows.reverse();
            }
        }
        SortBy::Imported => rows.sort_by(|a, b| (&a.imported, a.id).cmp(&(&b.imported, b.id))),
        SortBy::ImportedDescending => {
            rows.sort_by(|a, b| (&b.imported, b.id).cmp(&(&a.imported, a.id)));
        }
        SortBy::Reverse => rows.reverse(),
        SortBy::Title => rows.sort_by_cached_key(titled),
        SortBy::Year => rows.sort_by_cached_key(|r| (r.year.is_none(), r.year, titled(r))),
    }
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Puts a group in a new order, in the caller's transaction (a crash leaves
/// the old order or the new one, never a mix).
pub fn sort_group(conn: &Connection, group: GroupId, by: SortBy) -> Result<()> {
    let order = sorted_ids(conn, group, by)?;
    set_order(conn, group, &order)
}

/// Gives the group the order `order`: its members listed there come first,
/// in that order, each keyed afresh `GAP` apart above the group's highest key
/// so far; members not listed follow
/// in their current order; listed images that are not members are skipped.
/// Writes every row of the group (a sort, or undoing one).
pub fn set_order(conn: &Connection, group: GroupId, order: &[ImageId]) -> Result<()> {
    let current = group_image_ids(conn, group)?;
    let members: HashSet<ImageId> = current.iter().copied().collect();
    let mut placed = HashSet::with_capacity(current.len());
    let mut all: Vec<ImageId> = order
        .iter()
        .copied()
        .filter(|id| members.contains(id) && placed.insert(*id))
        .collect();
    all.extend(current.iter().copied().filter(|id| !placed.contains(id)));
    // New keys above the highest one: an import running into the group reads
    // what it appended as the rows above the last key it saw, and every row
    // stays above that (unless the keys would overflow: then from the start).
    let n = all.len() as i64;
    let base = last_key(conn, group)?
        .unwrap_or(0)
        .max(0)
        .checked_add(order::GAP)
        .filter(|b| {
            n.checked_mul(order::GAP)
                .and_then(|s| s.checked_add(*b))
                .is_some()
        })
        .unwrap_or(order::GAP);
    let mut stmt = conn.prepare_cached(
        "UPDATE image_group_relations SET sort_order = ?3 WHERE image_group_id = ?1 AND image_id = ?2",
    )?;
    for (i, id) in all.iter().enumerate() {
        stmt.execute(params![group, id, base + i as i64 * order::GAP])?;
    }
    Ok(())
}

/// The first image in the group's order (its cover), if any.
pub fn first_image(conn: &Connection, group: GroupId) -> Result<Option<ImageId>> {
    order::image_at(conn, group, 0)
}

// ---------------------------------------------------------------- the whole library

/// How the whole library's images are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LibraryOrder {
    /// The last imported first.
    Newest,
    /// By original file name, A to Z.
    Name,
}

impl LibraryOrder {
    fn sql(self) -> &'static str {
        match self {
            LibraryOrder::Newest => "i.created_at DESC, i.id DESC",
            LibraryOrder::Name => "i.original_name COLLATE NOCASE, i.id",
        }
    }
}

/// Every image of the library, in `order`.
pub fn library_images(conn: &Connection, order: LibraryOrder) -> Result<Vec<Image>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {IMAGE_COLUMNS} FROM {IMAGES} ORDER BY {}",
        order.sql()
    ))?;
    let rows = stmt.query_map([], image_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The images that are in no group, the last imported first.
pub fn ungrouped_images(conn: &Connection) -> Result<Vec<Image>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {IMAGE_COLUMNS} FROM {IMAGES}
         WHERE NOT EXISTS (SELECT 1 FROM image_group_relations m WHERE m.image_id = i.id)
         ORDER BY {}",
        LibraryOrder::Newest.sql()
    ))?;
    let rows = stmt.query_map([], image_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many images the library holds, and how many of them are in no group.
pub fn library_counts(conn: &Connection) -> Result<(u64, u64)> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM images),
                (SELECT count(*) FROM images) - (SELECT count(DISTINCT image_id) FROM image_group_relations)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Which of `ids` are in no group (in the order given).
pub fn in_no_group(conn: &Connection, ids: &[ImageId]) -> Result<Vec<ImageId>> {
    let mut stmt =
        conn.prepare_cached("SELECT 1 FROM image_group_relations WHERE image_id = ?1 LIMIT 1")?;
    let mut loose = Vec::new();
    for &id in ids {
        if stmt.query_row([id], |_| Ok(())).optional()?.is_none() {
            loose.push(id);
        }
    }
    Ok(loose)
}

/// The names of the groups that hold any of `ids`, by name: one query for
/// the whole selection (the ids go in as one JSON array), so the
/// confirmation of a delete of thousands costs milliseconds, not a query
/// per image.
pub fn groups_holding(conn: &Connection, ids: &[ImageId]) -> Result<Vec<String>> {
    let list = serde_json::to_string(&ids.iter().map(|id| id.0).collect::<Vec<i64>>())
        .map_err(|e| crate::core::Error::invalid("image ids", e.to_string()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT g.name FROM image_groups g
         WHERE EXISTS (SELECT 1 FROM image_group_relations m
                       WHERE m.image_group_id = g.id
                         AND m.image_id IN (SELECT value FROM json_each(?1)))",
    )?;
    let mut names: Vec<String> = stmt
        .query_map([list], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    names.sort_by_key(|n| n.to_lowercase());
    Ok(names)
}

/// How many of the group's images are in no other group: those that deleting
/// the group would leave in no group.
pub fn only_in(conn: &Connection, group: GroupId) -> Result<u64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM image_group_relations m
             WHERE m.image_group_id = ?1 AND NOT EXISTS (
                 SELECT 1 FROM image_group_relations o
                 WHERE o.image_id = m.image_id AND o.image_group_id <> ?1)",
        )?
        .query_row([group], |r| r.get(0))?)
}

// ---------------------------------------------------------------- where used

/// Where an image is used: its groups and, through them, its galleries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// The groups holding the image, by name.
    pub groups: Vec<(GroupId, String)>,
    /// The typed links through which it appears in galleries.
    pub links: Vec<UsedIn>,
}

/// The groups and galleries an image is in.
pub fn usage(conn: &Connection, id: ImageId) -> Result<Usage> {
    image(conn, id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.name FROM image_group_relations m JOIN image_groups g ON g.id = m.image_group_id
         WHERE m.image_id = ?1 ORDER BY g.name COLLATE NOCASE",
    )?;
    let groups = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<(GroupId, String)>>>()?;
    let links = super::catalog::image_links(conn, id)?;
    Ok(Usage { groups, links })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Library;
    use crate::core::model::catalog;
    use crate::core::storage::trash::delete_images;
    use crate::core::testing::{fake_image, library as lib};
    use proptest::prelude::*;

    #[test]
    fn the_groups_holding_a_selection_are_the_union_of_each_images_usage() {
        let (_dir, mut lib) = lib();
        let ids = lib
            .write(|tx| {
                let ids: Vec<_> = (0..40).map(|i| fake_image(tx, i + 1)).collect();
                for g in 0..7usize {
                    let group = catalog::create_group(tx, &format!("Group {g}"), None)?;
                    let members: Vec<_> = ids.iter().copied().skip(g).step_by(g + 2).collect();
                    add_images(tx, group, &members, None)?;
                }
                Ok(ids)
            })
            .unwrap();
        for selection in [&ids[..], &ids[..1], &ids[5..9], &ids[39..], &[][..]] {
            let mut each: Vec<String> = selection
                .iter()
                .flat_map(|id| usage(lib.conn(), *id).unwrap().groups)
                .map(|(_, name)| name)
                .collect();
            each.sort_by_key(|n| n.to_lowercase());
            each.dedup();
            assert_eq!(groups_holding(lib.conn(), selection).unwrap(), each);
        }
    }

    fn group_with(lib: &mut Library, n: u64) -> (GroupId, Vec<ImageId>) {
        lib.write(|tx| {
            let g = catalog::create_group(tx, "G", None)?;
            let ids: Vec<_> = (0..n).map(|i| fake_image(tx, i + 1)).collect();
            add_images(tx, g, &ids, None)?;
            Ok((g, ids))
        })
        .unwrap()
    }

    fn keys(conn: &Connection, g: GroupId) -> Vec<i64> {
        let mut stmt = conn
            .prepare("SELECT sort_order FROM image_group_relations WHERE image_group_id = ?1 ORDER BY sort_order")
            .unwrap();
        stmt.query_map([g], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    /// The model of a move: the moved images, in their current order, end up
    /// at the drop marker `to` of the current order.
    fn model_move(order: &[ImageId], moved: &[ImageId], to: usize) -> Vec<ImageId> {
        let set: HashSet<_> = moved.iter().copied().collect();
        let before = order[..to].iter().filter(|i| !set.contains(i)).count();
        let picked: Vec<_> = order.iter().copied().filter(|i| set.contains(i)).collect();
        let mut rest: Vec<_> = order.iter().copied().filter(|i| !set.contains(i)).collect();
        rest.splice(before..before, picked);
        rest
    }

    #[test]
    fn add_appends_inserts_and_skips_members() {
        let (_d, mut lib) = lib();
        let (g, ids) = group_with(&mut lib, 3);
        let [x, y] = lib
            .write(|tx| Ok([fake_image(tx, 10), fake_image(tx, 11)]))
            .unwrap();
        let added = lib
            .write(|tx| add_images(tx, g, &[x, ids[0], y, x], Some(1)))
            .unwrap();
        assert_eq!(added, 2);
        assert_eq!(
            group_image_ids(lib.conn(), g).unwrap(),
            [ids[0], x, y, ids[1], ids[2]]
        );
        assert!(matches!(
            lib.write(|tx| add_images(tx, g, &[ImageId(999)], None)),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn move_one_and_many_like_a_drag() {
        let (_d, mut lib) = lib();
        let (g, ids) = group_with(&mut lib, 6);
        let order = |lib: &Library| group_image_ids(lib.conn(), g).unwrap();
        // Drag the last image to the front.
        lib.write(|tx| move_images(tx, g, &[ids[5]], 0)).unwrap();
        assert_eq!(
            order(&lib),
            [ids[5], ids[0], ids[1], ids[2], ids[3], ids[4]]
        );
        // Drag a selection (given in any order) to the end: keeps its relative order.
        lib.write(|tx| move_images(tx, g, &[ids[2], ids[5], ids[0]], 6))
            .unwrap();
        assert_eq!(
            order(&lib),
            [ids[1], ids[3], ids[4], ids[5], ids[0], ids[2]]
        );
        // Drop a selection onto the marker between two of its own members.
        let now = order(&lib);
        lib.write(|tx| move_images(tx, g, &[now[0], now[4]], 2))
            .unwrap();
        assert_eq!(order(&lib), model_move(&now, &[now[0], now[4]], 2));
        // Errors: past the end, or an image that is not in the group.
        assert!(lib.write(|tx| move_images(tx, g, &[ids[0]], 7)).is_err());
        let stranger = lib.write(|tx| Ok(fake_image(tx, 99))).unwrap();
        let err = lib
            .write(|tx| move_images(tx, g, &[stranger], 0))
            .unwrap_err();
        assert!(err.to_string().contains("is not in"), "{err}");
    }

    #[test]
    fn sort_group_orders_by_name_and_reverses() {
        let (_d, mut lib) = lib();
        let (g, ids) = group_with(&mut lib, 5);
        lib.write(|tx| sort_group(tx, g, SortBy::Reverse)).unwrap();
        let mut reversed = ids.clone();
        reversed.reverse();
        assert_eq!(group_image_ids(lib.conn(), g).unwrap(), reversed);
        lib.write(|tx| sort_group(tx, g, SortBy::Imported)).unwrap();
        assert_eq!(group_image_ids(lib.conn(), g).unwrap(), ids);
    }

    #[test]
    fn a_move_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path()).unwrap();
        let (g, ids) = group_with(&mut lib, 4);
        lib.write(|tx| move_images(tx, g, &[ids[3], ids[2]], 0))
            .unwrap();
        drop(lib);
        let lib = Library::open(dir.path()).unwrap();
        assert_eq!(
            group_image_ids(lib.conn(), g).unwrap(),
            [ids[2], ids[3], ids[0], ids[1]]
        );
    }

    #[test]
    fn repeated_drops_into_one_gap_renumber_locally_and_keep_order() {
        let (_d, mut lib) = lib();
        let (g, ids) = group_with(&mut lib, 300);
        let mut model = ids.clone();
        // Always drop the last image right after the first: the gap after the
        // first key halves each time and runs out after ~20 moves.
        for _ in 0..200 {
            let last = *model.last().unwrap();
            lib.write(|tx| move_images(tx, g, &[last], 1)).unwrap();
            model = model_move(&model, &[last], 1);
        }
        assert_eq!(group_image_ids(lib.conn(), g).unwrap(), model);
        let k = keys(lib.conn(), g);
        assert!(
            k.windows(2).all(|w| w[0] < w[1]),
            "keys must stay distinct and ascending"
        );
        assert!(k[0] >= 0);
        // The far end of the group was never renumbered.
        let tail_keys: Vec<i64> = (0..50).map(|i| (i as i64 + 1) * order::GAP).collect();
        let untouched: Vec<i64> = {
            let mut stmt = lib
                .conn()
                .prepare("SELECT sort_order FROM image_group_relations WHERE image_group_id = ?1 AND image_id <= ?2 ORDER BY sort_order")
                .unwrap();
            stmt.query_map(params![g, ids[49]], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        };
        assert_eq!(
            untouched[1..],
            tail_keys[1..],
            "rows far from the drop point keep their keys"
        );
    }

    #[test]
    fn insert_at_the_front_of_a_group_starting_at_key_zero() {
        let (_d, mut lib) = lib();
        let (g, ids) = group_with(&mut lib, 3);
        lib.conn()
            .execute("UPDATE image_group_relations SET sort_order = sort_order / ?2 - 1 WHERE image_group_id = ?1", params![g, order::GAP])
            .unwrap();
        assert_eq!(keys(lib.conn(), g), [0, 1, 2]);
        lib.write(|tx| move_images(tx, g, &[ids[2]], 0)).unwrap();
        assert_eq!(
            group_image_ids(lib.conn(), g).unwrap(),
            [ids[2], ids[0], ids[1]]
        );
        assert!(keys(lib.conn(), g).windows(2).all(|w| w[0] < w[1]));
    }

    #[derive(Clone, Debug)]
    enum Op {
        Add {
            count: usize,
            at: Option<usize>,
        },
        Move {
            picks: Vec<usize>,
            to: usize,
            by_anchor: bool,
        },
        Remove {
            picks: Vec<usize>,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (1..4usize, proptest::option::of(0..40usize))
                .prop_map(|(count, at)| Op::Add { count, at }),
            (
                proptest::collection::vec(0..40usize, 1..6),
                0..41usize,
                any::<bool>()
            )
                .prop_map(|(picks, to, by_anchor)| Op::Move {
                    picks,
                    to,
                    by_anchor
                }),
            (proptest::collection::vec(0..40usize, 1..3)).prop_map(|picks| Op::Remove { picks }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Random adds, multi-moves and removes keep every group's order a
        /// permutation of its members, equal to a plain Vec model, with
        /// distinct ascending keys: nothing lost, nothing duplicated.
        #[test]
        fn random_edits_keep_the_order(ops in proptest::collection::vec(op(), 1..60), dense: bool) {
            let (_d, mut lib) = lib();
            let (g, ids) = group_with(&mut lib, 8);
            if dense {
                // Keys 0, 1, 2, ...: no room anywhere, so every insert renumbers.
                lib.conn().execute(
                    "UPDATE image_group_relations SET sort_order = sort_order / ?2 - 1 WHERE image_group_id = ?1",
                    params![g, order::GAP],
                ).unwrap();
            }
            let mut model = ids;
            let mut next = 100u64;
            for op in ops {
                match op {
                    Op::Add { count, at } => {
                        let new: Vec<_> = lib.write(|tx| Ok((0..count).map(|i| fake_image(tx, next + i as u64)).collect())).unwrap();
                        next += count as u64;
                        let at = at.map(|a| a.min(model.len()));
                        lib.write(|tx| add_images(tx, g, &new, at)).unwrap();
                        let i = at.unwrap_or(model.len());
                        model.splice(i..i, new);
                    }
                    Op::Move { picks, to, by_anchor } if !model.is_empty() => {
                        let moved: Vec<_> = picks.iter().map(|p| model[p % model.len()]).collect();
                        let to = to % (model.len() + 1);
                        if by_anchor {
                            // As the grid does it: the image the marker sits before.
                            let before = model.get(to).copied();
                            lib.write(|tx| move_images_before(tx, g, &moved, before)).unwrap();
                        } else {
                            lib.write(|tx| move_images(tx, g, &moved, to)).unwrap();
                        }
                        model = model_move(&model, &moved, to);
                    }
                    Op::Remove { picks } if !model.is_empty() => {
                        let gone: Vec<_> = picks.iter().map(|p| model[p % model.len()]).collect();
                        lib.write(|tx| remove_images(tx, g, &gone)).unwrap();
                        model.retain(|i| !gone.contains(i));
                    }
                    _ => {}
                }
                prop_assert_eq!(&group_image_ids(lib.conn(), g).unwrap(), &model);
                let k = keys(lib.conn(), g);
                prop_assert!(k.windows(2).all(|w| w[0] < w[1]), "keys {:?}", k);
            }
        }
    }

    #[test]
    fn deleting_a_group_keeps_its_images_and_deleting_an_image_leaves_no_membership() {
        let (_d, mut lib) = lib();
        let (g, ids) = group_with(&mut lib, 3);
        let g2 = lib
            .write(|tx| catalog::create_group(tx, "Other", None))
            .unwrap();
        lib.write(|tx| add_images(tx, g2, &ids[..2], None)).unwrap();
        lib.write(|tx| catalog::delete_group(tx, g)).unwrap();
        assert_eq!(
            all_images(lib.conn()).unwrap().len(),
            3,
            "images outlive their group"
        );
        // Files for these fake rows do not exist; delete still removes the rows.
        delete_images(&mut lib, &[ids[0]]).unwrap();
        assert_eq!(group_image_ids(lib.conn(), g2).unwrap(), [ids[1]]);
        let memberships: i64 = lib
            .conn()
            .query_row(
                "SELECT count(*) FROM image_group_relations WHERE image_id = ?1",
                [ids[0]],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(memberships, 0);
    }

    #[test]
    fn alt_text_and_usage() {
        let (_d, mut lib) = lib();
        let (g, ids) = group_with(&mut lib, 1);
        let ga = lib
            .write(|tx| catalog::create_gallery(tx, "Show", None))
            .unwrap();
        lib.write(|tx| catalog::attach(tx, ga, g, "main_exhibit"))
            .unwrap();
        lib.write(|tx| set_alt_text(tx, ids[0], Some("  A red fox at dusk  ")))
            .unwrap();
        let img = image(lib.conn(), ids[0]).unwrap();
        assert_eq!(img.alt_text.as_deref(), Some("A red fox at dusk"));
        assert_eq!(img.label(), "A red fox at dusk");
        lib.write(|tx| set_alt_text(tx, ids[0], Some(""))).unwrap();
        assert_eq!(image(lib.conn(), ids[0]).unwrap().label(), "img1.png");
        assert!(
            lib.write(|tx| set_alt_text(tx, ids[0], Some(&"x".repeat(MAX_ALT_TEXT_CHARS + 1))))
                .is_err()
        );
        let u = usage(lib.conn(), ids[0]).unwrap();
        assert_eq!(u.groups, [(g, "G".to_string())]);
        assert_eq!(u.links.len(), 1);
        assert_eq!(
            (
                u.links[0].gallery_name.as_str(),
                u.links[0].link_type.as_str()
            ),
            ("Show", "main_exhibit")
        );
    }

    #[test]
    fn the_whole_library_and_what_is_in_no_group() {
        let (_d, mut lib) = lib();
        let (g, ids) = group_with(&mut lib, 4);
        let (other, loose) = lib
            .write(|tx| {
                let other = catalog::create_group(tx, "Other", None)?;
                add_images(tx, other, &ids[..1], None)?;
                Ok((other, fake_image(tx, 9)))
            })
            .unwrap();
        assert_eq!(library_counts(lib.conn()).unwrap(), (5, 1));
        let newest: Vec<ImageId> = library_images(lib.conn(), LibraryOrder::Newest)
            .unwrap()
            .iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(newest, [loose, ids[3], ids[2], ids[1], ids[0]]);
        let by_name: Vec<String> = library_images(lib.conn(), LibraryOrder::Name)
            .unwrap()
            .into_iter()
            .map(|i| i.original_name)
            .collect();
        assert_eq!(
            by_name,
            ["img1.png", "img2.png", "img3.png", "img4.png", "img9.png"]
        );
        assert_eq!(ungrouped_images(lib.conn()).unwrap()[0].id, loose);
        // Deleting G would leave three of its four in no group: the first is in Other too.
        assert_eq!(only_in(lib.conn(), g).unwrap(), 3);
        assert_eq!(only_in(lib.conn(), other).unwrap(), 0);
        lib.write(|tx| remove_images(tx, g, &ids[..2])).unwrap();
        assert_eq!(in_no_group(lib.conn(), &ids).unwrap(), [ids[1]]);
        assert_eq!(library_counts(lib.conn()).unwrap(), (5, 2));
        let added = lib
            .write(|tx| add_new_before(tx, other, &[ids[1], ids[0], loose], None))
            .unwrap();
        assert_eq!(added, [ids[1], loose], "a member is not added twice");
        assert_eq!(library_counts(lib.conn()).unwrap(), (5, 0));
    }

    #[test]
    fn set_order_puts_listed_members_first_and_keeps_the_rest() {
        let (_d, mut lib) = lib();
        let (g, ids) = group_with(&mut lib, 5);
        let stranger = lib.write(|tx| Ok(fake_image(tx, 50))).unwrap();
        let highest = *keys(lib.conn(), g).last().unwrap();
        lib.write(|tx| set_order(tx, g, &[ids[3], stranger, ids[1], ids[3]]))
            .unwrap();
        // Keyed afresh above the old highest key (an import running into the
        // group reads what comes after the last key it saw).
        let now = keys(lib.conn(), g);
        assert!(
            now[0] > highest && now.windows(2).all(|w| w[0] < w[1]),
            "{now:?}"
        );
        assert_eq!(
            group_image_ids(lib.conn(), g).unwrap(),
            [ids[3], ids[1], ids[0], ids[2], ids[4]]
        );
        lib.write(|tx| sort_group(tx, g, SortBy::NameDescending))
            .unwrap();
        let mut rev = ids.clone();
        rev.reverse();
        assert_eq!(group_image_ids(lib.conn(), g).unwrap(), rev);
        lib.write(|tx| sort_group(tx, g, SortBy::Imported)).unwrap();
        assert_eq!(group_image_ids(lib.conn(), g).unwrap(), ids);
        assert_eq!(first_image(lib.conn(), g).unwrap(), Some(ids[0]));
    }

    #[test]
    fn sorting_by_title_and_year_puts_the_works_without_them_last() {
        use crate::core::model::details::{Field, set_fields};
        let (_d, mut lib) = lib();
        let (g, ids) = group_with(&mut lib, 4);
        let set = |lib: &mut Library, id, f: Field, v: &str| {
            lib.write(|tx| set_fields(tx, &[id], &[(f, v.to_string())]))
                .unwrap();
        };
        set(&mut lib, ids[0], Field::Title, "No. 10");
        set(&mut lib, ids[1], Field::Title, "No. 2");
        set(&mut lib, ids[3], Field::Title, "Étude");
        set(&mut lib, ids[0], Field::Year, "c. 1990");
        set(&mut lib, ids[3], Field::Year, "2019\u{2013}2021");
        lib.write(|tx| sort_group(tx, g, SortBy::Title)).unwrap();
        assert_eq!(
            group_image_ids(lib.conn(), g).unwrap(),
            [ids[3], ids[1], ids[0], ids[2]],
            "Étude, No. 2, No. 10, then the untitled one"
        );
        lib.write(|tx| sort_group(tx, g, SortBy::Year)).unwrap();
        assert_eq!(
            group_image_ids(lib.conn(), g).unwrap(),
            [ids[0], ids[3], ids[1], ids[2]],
            "1990, 2019, then the undated by title"
        );
    }
}
