//! Galleries, image groups and the typed links between them
//! (`gallery_image_group_relations`): the seed's structure above the images.
//!
//! Every function takes a `&Connection` (a `Transaction` derefs to one), so the
//! caller decides what runs in one transaction: `lib.write(|tx| …)`.

use rusqlite::{Connection, OptionalExtension, params};

use crate::core::error::{Error, Result};
use crate::core::ids::{GalleryId, GroupId, ImageId};

/// The link types of the user's design, offered first by the type picker.
pub const SEED_TYPES: [&str; 6] = [
    "main_exhibit",
    "behind_the_scenes",
    "sketches",
    "primary_artist",
    "guest_artist_feature",
    "photographs",
];

/// Who an export shows a gallery's link to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Visibility {
    /// Everyone who opens the website or the folder.
    #[default]
    Public,
    /// Visitors with the gallery's password: encrypted in a website,
    /// included in the artist's own folder and ZIP unless asked not to.
    Members,
    /// No one: never exported.
    Private,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [Visibility::Public, Visibility::Members, Visibility::Private];

    /// As the database and the command line write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Members => "members",
            Visibility::Private => "private",
        }
    }

    /// As the app shows it.
    pub fn label(self) -> &'static str {
        match self {
            Visibility::Public => "Public",
            Visibility::Members => "Members",
            Visibility::Private => "Private",
        }
    }

    /// What it means, in a sentence (the app's tooltips).
    pub fn explained(self) -> &'static str {
        match self {
            Visibility::Public => "Shown to everyone in exported websites and folders.",
            Visibility::Members => {
                "Exported websites encrypt it: visitors need the gallery's password. \
                 Included in your own folders and ZIPs."
            }
            Visibility::Private => "Never exported: only you see it, here in Folio.",
        }
    }

    pub fn parse(value: &str) -> Result<Visibility> {
        Visibility::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(value.trim()))
            .ok_or_else(|| {
                Error::invalid(
                    "visibility",
                    format!("\u{201c}{value}\u{201d} is not one of public, members, private"),
                )
            })
    }

    /// What the attach dialog proposes for a link of this type: members for
    /// the making-of (the seed's "shown only to logged-in members"), public
    /// for the rest.
    pub fn proposed_for(link_type: &str) -> Visibility {
        if link_type.trim() == "behind_the_scenes" {
            Visibility::Members
        } else {
            Visibility::Public
        }
    }
}

impl rusqlite::types::FromSql for Visibility {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_str()?;
        Visibility::parse(text).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
    }
}

impl rusqlite::ToSql for Visibility {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

/// The longest name of a gallery or group, in characters.
pub const MAX_NAME_CHARS: usize = 255;
/// The longest link type, in characters (the seed's VARCHAR(50)).
pub const MAX_TYPE_CHARS: usize = 50;
/// The longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;

/// A gallery, as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gallery {
    pub id: GalleryId,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
    /// How many group links it has.
    pub link_count: u64,
}

/// An image group, as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
    pub image_count: u64,
    /// The first image in the group's order, shown as its cover.
    pub cover: Option<ImageId>,
    /// How many galleries link to it (0: a group in no gallery).
    pub gallery_count: u64,
}

/// One typed link from a gallery to a group, with what a listing shows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub gallery: GalleryId,
    pub gallery_name: String,
    pub group: GroupId,
    pub group_name: String,
    /// The purpose of the group in this gallery (`main_exhibit`, ...).
    pub link_type: String,
    /// Who an export shows it to.
    pub visibility: Visibility,
    pub image_count: u64,
    pub cover: Option<ImageId>,
}

/// Whether two gallery (or two group) names are the same name: the rule the
/// database's unique index holds (SQLite's `NOCASE`: ASCII letters compared
/// without case, everything else as written), used by the app and the command
/// line too, so a name the dialog accepts is one the database takes.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Trims a name and checks it: non-empty, at most `max` characters, no control
/// characters (a newline in a name breaks every listing that shows it).
pub fn clean_text(what: &str, value: &str, max: usize) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(what, "must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(Error::invalid(
            what,
            format!(
                "\u{201c}{}…\u{201d} is longer than {max} characters",
                trimmed.chars().take(40).collect::<String>()
            ),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::invalid(
            what,
            format!(
                "\u{201c}{}\u{201d} contains a line break or control character",
                trimmed.escape_debug()
            ),
        ));
    }
    Ok(trimmed.to_string())
}

/// Checks a link type: 1–50 characters after trimming.
pub fn clean_type(value: &str) -> Result<String> {
    clean_text("group type", value, MAX_TYPE_CHARS)
}

/// Trims a description; empty means none.
pub fn clean_description(value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) if d.chars().count() > MAX_DESCRIPTION_CHARS => Err(Error::invalid(
            "description",
            format!("longer than {MAX_DESCRIPTION_CHARS} characters"),
        )),
        Some(d) => Ok(Some(d.to_string())),
    }
}

// ---------------------------------------------------------------- named rows

/// What galleries and image groups share: a unique name (regardless of case),
/// an optional description, and the same create / rename / describe / delete.
struct Named {
    table: &'static str,
    /// "gallery" or "group", for messages.
    what: &'static str,
    /// Whether the rows keep an order of their own (`sort_order`): a new one
    /// goes last.
    ordered: bool,
}

const GALLERIES: Named = Named {
    table: "galleries",
    what: "gallery",
    ordered: true,
};
const GROUPS: Named = Named {
    table: "image_groups",
    what: "group",
    ordered: false,
};

impl Named {
    fn not_found(&self, id: i64) -> Error {
        Error::NotFound {
            what: self.what,
            id,
        }
    }

    fn clean_name(&self, name: &str) -> Result<String> {
        clean_text(&format!("{} name", self.what), name, MAX_NAME_CHARS)
    }

    fn id_by_name(&self, conn: &Connection, name: &str) -> Result<Option<i64>> {
        let sql = format!("SELECT id FROM {} WHERE name = ?1", self.table);
        Ok(conn
            .prepare_cached(&sql)?
            .query_row([name.trim()], |r| r.get(0))
            .optional()?)
    }

    fn ensure_name_free(&self, conn: &Connection, name: &str, except: Option<i64>) -> Result<()> {
        match self.id_by_name(conn, name)? {
            Some(id) if Some(id) != except => Err(Error::invalid(
                format!("{} name", self.what),
                format!(
                    "a {} named \u{201c}{name}\u{201d} already exists",
                    self.what
                ),
            )),
            _ => Ok(()),
        }
    }

    fn exists(&self, conn: &Connection, id: i64) -> Result<()> {
        let sql = format!("SELECT 1 FROM {} WHERE id = ?1", self.table);
        let found: Option<i64> = conn
            .prepare_cached(&sql)?
            .query_row([id], |r| r.get(0))
            .optional()?;
        found.map(|_| ()).ok_or(self.not_found(id))
    }

    fn create(&self, conn: &Connection, name: &str, description: Option<&str>) -> Result<i64> {
        let name = self.clean_name(name)?;
        let description = clean_description(description)?;
        self.ensure_name_free(conn, &name, None)?;
        let table = self.table;
        let sql = if self.ordered {
            format!(
                "INSERT INTO {table} (name, description, sort_order)
                 VALUES (?1, ?2, (SELECT coalesce(max(sort_order) + 1, 0) FROM {table}))"
            )
        } else {
            format!("INSERT INTO {table} (name, description) VALUES (?1, ?2)")
        };
        conn.prepare_cached(&sql)?
            .execute(params![name, description])?;
        Ok(conn.last_insert_rowid())
    }

    fn find_or_create(&self, conn: &Connection, name: &str) -> Result<i64> {
        let name = self.clean_name(name)?;
        match self.id_by_name(conn, &name)? {
            Some(id) => Ok(id),
            None => self.create(conn, &name, None),
        }
    }

    fn rename(&self, conn: &Connection, id: i64, name: &str) -> Result<()> {
        let name = self.clean_name(name)?;
        self.ensure_name_free(conn, &name, Some(id))?;
        let sql = format!("UPDATE {} SET name = ?2 WHERE id = ?1", self.table);
        self.changed(conn.prepare_cached(&sql)?.execute(params![id, name])?, id)
    }

    fn set_description(&self, conn: &Connection, id: i64, description: Option<&str>) -> Result<()> {
        let description = clean_description(description)?;
        let sql = format!("UPDATE {} SET description = ?2 WHERE id = ?1", self.table);
        self.changed(
            conn.prepare_cached(&sql)?
                .execute(params![id, description])?,
            id,
        )
    }

    fn delete(&self, conn: &Connection, id: i64) -> Result<()> {
        let sql = format!("DELETE FROM {} WHERE id = ?1", self.table);
        self.changed(conn.prepare_cached(&sql)?.execute([id])?, id)
    }

    /// Gives the new row `id` the id `wanted` if no row has it (a row just
    /// made, that nothing refers to yet); returns the id it has.
    fn take_id(&self, conn: &Connection, id: i64, wanted: i64) -> Result<i64> {
        if id == wanted || self.exists(conn, wanted).is_ok() {
            return Ok(id);
        }
        let sql = format!("UPDATE {} SET id = ?2 WHERE id = ?1", self.table);
        conn.prepare_cached(&sql)?.execute(params![id, wanted])?;
        Ok(wanted)
    }

    fn changed(&self, rows: usize, id: i64) -> Result<()> {
        if rows == 0 {
            Err(self.not_found(id))
        } else {
            Ok(())
        }
    }
}

// ---------------------------------------------------------------- galleries

const GALLERY_SELECT: &str = "SELECT ga.id, ga.name, ga.description, ga.created_at,
        (SELECT count(*) FROM gallery_image_group_relations l WHERE l.gallery_id = ga.id)
     FROM galleries ga";

/// The artist's order of galleries, in a query that names `galleries` `ga`:
/// `sort_order`, then (for a tie, which this code never makes) the order
/// version 1 listed them in.
const GALLERY_ORDER: &str = "ga.sort_order, ga.name COLLATE NOCASE, ga.id";

fn gallery_row(r: &rusqlite::Row) -> rusqlite::Result<Gallery> {
    Ok(Gallery {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        created_at: r.get(3)?,
        link_count: r.get(4)?,
    })
}

/// Creates a gallery, after the others in the artist's order. Names are unique
/// regardless of case.
pub fn create_gallery(
    conn: &Connection,
    name: &str,
    description: Option<&str>,
) -> Result<GalleryId> {
    GALLERIES.create(conn, name, description).map(GalleryId)
}

/// The gallery with this name, created (after the others) if there is none.
pub fn find_or_create_gallery(conn: &Connection, name: &str) -> Result<GalleryId> {
    GALLERIES.find_or_create(conn, name).map(GalleryId)
}

/// Renames a gallery.
pub fn rename_gallery(conn: &Connection, id: GalleryId, name: &str) -> Result<()> {
    GALLERIES.rename(conn, id.0, name)
}

/// Sets (or with `None` / blank, clears) a gallery's description.
pub fn set_gallery_description(
    conn: &Connection,
    id: GalleryId,
    description: Option<&str>,
) -> Result<()> {
    GALLERIES.set_description(conn, id.0, description)
}

/// Deletes a gallery. Its links go with it (the seed's cascade); the groups and
/// their images stay, and the other galleries keep their order.
pub fn delete_gallery(conn: &Connection, id: GalleryId) -> Result<()> {
    GALLERIES.delete(conn, id.0)
}

/// All galleries, in the artist's order (the sidebar's): as they were moved
/// with [`move_gallery`], a new one last.
pub fn list_galleries(conn: &Connection) -> Result<Vec<Gallery>> {
    let mut stmt = conn.prepare_cached(&format!("{GALLERY_SELECT} ORDER BY {GALLERY_ORDER}"))?;
    let rows = stmt.query_map([], gallery_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Moves a gallery to position `to_index` among all galleries (clamped to the
/// end), the others keeping their order. A library has a handful of
/// galleries, so they are renumbered 0..n.
pub fn move_gallery(conn: &Connection, id: GalleryId, to_index: usize) -> Result<()> {
    let mut ids: Vec<GalleryId> = conn
        .prepare_cached(&format!(
            "SELECT ga.id FROM galleries ga ORDER BY {GALLERY_ORDER}"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let from = ids.iter().position(|g| *g == id).ok_or(id.not_found())?;
    let item = ids.remove(from);
    ids.insert(to_index.min(ids.len()), item);
    let mut stmt = conn.prepare_cached("UPDATE galleries SET sort_order = ?2 WHERE id = ?1")?;
    for (i, g) in ids.iter().enumerate() {
        stmt.execute(params![g, i as i64])?;
    }
    Ok(())
}

/// One gallery.
pub fn gallery(conn: &Connection, id: GalleryId) -> Result<Gallery> {
    conn.query_row(
        &format!("{GALLERY_SELECT} WHERE ga.id = ?1"),
        [id],
        gallery_row,
    )
    .optional()?
    .ok_or(id.not_found())
}

/// The gallery with this name (case-insensitive), if any.
pub fn gallery_by_name(conn: &Connection, name: &str) -> Result<Option<GalleryId>> {
    Ok(GALLERIES.id_by_name(conn, name)?.map(GalleryId))
}

// ---------------------------------------------------------------- groups

const GROUP_SELECT: &str = "SELECT g.id, g.name, g.description, g.created_at,
        (SELECT count(*) FROM image_group_relations m WHERE m.image_group_id = g.id),
        (SELECT m.image_id FROM image_group_relations m WHERE m.image_group_id = g.id
            ORDER BY m.sort_order, m.image_id LIMIT 1),
        (SELECT count(DISTINCT l.gallery_id) FROM gallery_image_group_relations l
            WHERE l.image_group_id = g.id)
     FROM image_groups g";

fn group_row(r: &rusqlite::Row) -> rusqlite::Result<Group> {
    Ok(Group {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        created_at: r.get(3)?,
        image_count: r.get(4)?,
        cover: r.get(5)?,
        gallery_count: r.get(6)?,
    })
}

/// Creates an image group (in no gallery yet). Names are unique regardless of case.
pub fn create_group(conn: &Connection, name: &str, description: Option<&str>) -> Result<GroupId> {
    GROUPS.create(conn, name, description).map(GroupId)
}

/// Makes a deleted group again, under its old id when that is free (so what
/// remembered it by id finds it again), else under a new one; under its old
/// name, or "<name> (restored)" (then " 2", " 3" …) when that is taken now.
/// Returns the id and the name it got.
pub fn restore_group(
    conn: &Connection,
    old: GroupId,
    name: &str,
    description: Option<&str>,
) -> Result<(GroupId, String)> {
    let name = free_name(conn, &GROUPS, name)?;
    let id = GROUPS.create(conn, &name, description)?;
    Ok((GroupId(GROUPS.take_id(conn, id, old.0)?), name))
}

/// The gallery counterpart of [`restore_group`].
pub fn restore_gallery(
    conn: &Connection,
    old: GalleryId,
    name: &str,
    description: Option<&str>,
) -> Result<(GalleryId, String)> {
    let name = free_name(conn, &GALLERIES, name)?;
    let id = create_gallery(conn, &name, description)?;
    Ok((GalleryId(GALLERIES.take_id(conn, id.0, old.0)?), name))
}

/// `name`, or the first of "<name> (restored)", "<name> (restored 2)", …
/// that no row of `named` has.
fn free_name(conn: &Connection, named: &Named, name: &str) -> Result<String> {
    if named.id_by_name(conn, name)?.is_none() {
        return Ok(name.to_string());
    }
    for n in 1.. {
        let suffix = if n == 1 {
            " (restored)".to_string()
        } else {
            format!(" (restored {n})")
        };
        let base: String = name
            .chars()
            .take(MAX_NAME_CHARS - suffix.chars().count())
            .collect();
        let candidate = format!("{}{suffix}", base.trim_end());
        if named.id_by_name(conn, &candidate)?.is_none() {
            return Ok(candidate);
        }
    }
    Err(Error::invalid(named.what, "no free name"))
}

/// The group with this name, created if there is none.
pub fn find_or_create_group(conn: &Connection, name: &str) -> Result<GroupId> {
    GROUPS.find_or_create(conn, name).map(GroupId)
}

/// Renames a group.
pub fn rename_group(conn: &Connection, id: GroupId, name: &str) -> Result<()> {
    GROUPS.rename(conn, id.0, name)
}

/// Sets (or clears) a group's description.
pub fn set_group_description(
    conn: &Connection,
    id: GroupId,
    description: Option<&str>,
) -> Result<()> {
    GROUPS.set_description(conn, id.0, description)
}

/// Deletes a group. Its memberships and gallery links go with it (the seed's
/// cascades); the images stay in the library.
pub fn delete_group(conn: &Connection, id: GroupId) -> Result<()> {
    GROUPS.delete(conn, id.0)
}

/// Every group, including those in no gallery, by name.
pub fn list_groups(conn: &Connection) -> Result<Vec<Group>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{GROUP_SELECT} ORDER BY g.name COLLATE NOCASE, g.id"
    ))?;
    let rows = stmt.query_map([], group_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One group.
pub fn group(conn: &Connection, id: GroupId) -> Result<Group> {
    conn.query_row(&format!("{GROUP_SELECT} WHERE g.id = ?1"), [id], group_row)
        .optional()?
        .ok_or(id.not_found())
}

/// The group with this name (case-insensitive), if any.
pub fn group_by_name(conn: &Connection, name: &str) -> Result<Option<GroupId>> {
    Ok(GROUPS.id_by_name(conn, name)?.map(GroupId))
}

// ---------------------------------------------------------------- links

const LINK_SELECT: &str =
    "SELECT l.gallery_id, ga.name, l.image_group_id, g.name, l.type, l.visibility,
        (SELECT count(*) FROM image_group_relations m WHERE m.image_group_id = g.id),
        (SELECT m.image_id FROM image_group_relations m WHERE m.image_group_id = g.id
            ORDER BY m.sort_order, m.image_id LIMIT 1)
     FROM gallery_image_group_relations l
     JOIN galleries ga ON ga.id = l.gallery_id
     JOIN image_groups g ON g.id = l.image_group_id";

fn link_row(r: &rusqlite::Row) -> rusqlite::Result<Link> {
    Ok(Link {
        gallery: r.get(0)?,
        gallery_name: r.get(1)?,
        group: r.get(2)?,
        group_name: r.get(3)?,
        link_type: r.get(4)?,
        visibility: r.get(5)?,
        image_count: r.get(6)?,
        cover: r.get(7)?,
    })
}

fn ensure_gallery(conn: &Connection, id: GalleryId) -> Result<()> {
    GALLERIES.exists(conn, id.0)
}

/// Fails with [`Error::NotFound`] unless the group exists.
pub fn ensure_group(conn: &Connection, id: GroupId) -> Result<()> {
    GROUPS.exists(conn, id.0)
}

/// Whether the group is in the gallery under this type.
pub fn link_exists(
    conn: &Connection,
    gallery: GalleryId,
    group: GroupId,
    link_type: &str,
) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM gallery_image_group_relations
             WHERE gallery_id = ?1 AND image_group_id = ?2 AND type = ?3",
            params![gallery, group, link_type],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Attaches a group to a gallery with a type, after the gallery's other groups,
/// public. The same group may be attached to many galleries, and to one
/// gallery more than once under different types.
pub fn attach(
    conn: &Connection,
    gallery: GalleryId,
    group: GroupId,
    link_type: &str,
) -> Result<()> {
    attach_with(conn, gallery, group, link_type, Visibility::Public)
}

/// [`attach`], shown to whom `visibility` says.
pub fn attach_with(
    conn: &Connection,
    gallery: GalleryId,
    group: GroupId,
    link_type: &str,
    visibility: Visibility,
) -> Result<()> {
    let link_type = clean_type(link_type)?;
    ensure_gallery(conn, gallery)?;
    ensure_group(conn, group)?;
    if link_exists(conn, gallery, group, &link_type)? {
        return Err(Error::invalid(
            "group type",
            format!("the group is already in this gallery as \u{201c}{link_type}\u{201d}"),
        ));
    }
    conn.execute(
        "INSERT INTO gallery_image_group_relations
             (gallery_id, image_group_id, type, visibility, sort_order)
         VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(sort_order) + 1, 0)
                                  FROM gallery_image_group_relations WHERE gallery_id = ?1))",
        params![gallery, group, link_type, visibility],
    )?;
    Ok(())
}

/// Detaches one typed link; the group and its images stay.
pub fn detach(
    conn: &Connection,
    gallery: GalleryId,
    group: GroupId,
    link_type: &str,
) -> Result<()> {
    let n = conn.execute(
        "DELETE FROM gallery_image_group_relations
         WHERE gallery_id = ?1 AND image_group_id = ?2 AND type = ?3",
        params![gallery, group, link_type],
    )?;
    if n == 0 {
        return Err(Error::invalid(
            "group link",
            format!("{group} is not in {gallery} as \u{201c}{link_type}\u{201d}"),
        ));
    }
    Ok(())
}

/// Changes a link's type, keeping its place in the gallery.
pub fn change_type(
    conn: &Connection,
    gallery: GalleryId,
    group: GroupId,
    from: &str,
    to: &str,
) -> Result<()> {
    let to = clean_type(to)?;
    if from == to {
        return Ok(());
    }
    if link_exists(conn, gallery, group, &to)? {
        return Err(Error::invalid(
            "group type",
            format!("the group is already in this gallery as \u{201c}{to}\u{201d}"),
        ));
    }
    let n = conn.execute(
        "UPDATE gallery_image_group_relations SET type = ?4
         WHERE gallery_id = ?1 AND image_group_id = ?2 AND type = ?3",
        params![gallery, group, from, to],
    )?;
    if n == 0 {
        return Err(Error::invalid(
            "group link",
            format!("{group} is not in {gallery} as \u{201c}{from}\u{201d}"),
        ));
    }
    Ok(())
}

/// Who an export shows a link to (`None`: no such link).
pub fn link_visibility(
    conn: &Connection,
    gallery: GalleryId,
    group: GroupId,
    link_type: &str,
) -> Result<Option<Visibility>> {
    Ok(conn
        .query_row(
            "SELECT visibility FROM gallery_image_group_relations
             WHERE gallery_id = ?1 AND image_group_id = ?2 AND type = ?3",
            params![gallery, group, link_type],
            |r| r.get(0),
        )
        .optional()?)
}

/// Sets who an export shows a link to; returns what it was.
pub fn set_visibility(
    conn: &Connection,
    gallery: GalleryId,
    group: GroupId,
    link_type: &str,
    visibility: Visibility,
) -> Result<Visibility> {
    let Some(before) = link_visibility(conn, gallery, group, link_type)? else {
        return Err(Error::invalid(
            "group link",
            format!("{group} is not in {gallery} as \u{201c}{link_type}\u{201d}"),
        ));
    };
    conn.execute(
        "UPDATE gallery_image_group_relations SET visibility = ?4
         WHERE gallery_id = ?1 AND image_group_id = ?2 AND type = ?3",
        params![gallery, group, link_type, visibility],
    )?;
    Ok(before)
}

/// Moves one link to position `to_index` among the gallery's links (clamped to
/// the end). A gallery has a handful of groups, so the links are renumbered.
pub fn move_link(
    conn: &Connection,
    gallery: GalleryId,
    group: GroupId,
    link_type: &str,
    to_index: usize,
) -> Result<()> {
    let mut keys: Vec<(GroupId, String)> = gallery_links(conn, gallery)?
        .into_iter()
        .map(|l| (l.group, l.link_type))
        .collect();
    let from = keys
        .iter()
        .position(|(g, t)| *g == group && t == link_type)
        .ok_or_else(|| {
            Error::invalid(
                "group link",
                format!("{group} is not in {gallery} as \u{201c}{link_type}\u{201d}"),
            )
        })?;
    let item = keys.remove(from);
    keys.insert(to_index.min(keys.len()), item);
    let mut stmt = conn.prepare_cached(
        "UPDATE gallery_image_group_relations SET sort_order = ?4
         WHERE gallery_id = ?1 AND image_group_id = ?2 AND type = ?3",
    )?;
    for (i, (g, t)) in keys.iter().enumerate() {
        stmt.execute(params![gallery, g, t, i as i64])?;
    }
    Ok(())
}

/// A gallery's links in the artist's order.
pub fn gallery_links(conn: &Connection, gallery: GalleryId) -> Result<Vec<Link>> {
    ensure_gallery(conn, gallery)?;
    let mut stmt = conn.prepare_cached(&format!(
        "{LINK_SELECT} WHERE l.gallery_id = ?1 ORDER BY l.sort_order, g.name COLLATE NOCASE, l.type"
    ))?;
    let rows = stmt.query_map([gallery], link_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every link of a group: the galleries it is in (in the artist's order of
/// galleries), and as what.
pub fn group_links(conn: &Connection, group: GroupId) -> Result<Vec<Link>> {
    ensure_group(conn, group)?;
    let mut stmt = conn.prepare_cached(&format!(
        "{LINK_SELECT} WHERE l.image_group_id = ?1 ORDER BY {GALLERY_ORDER}, l.type"
    ))?;
    let rows = stmt.query_map([group], link_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A typed link named, without its counts: where an image appears.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsedIn {
    pub gallery: GalleryId,
    pub gallery_name: String,
    pub group: GroupId,
    pub group_name: String,
    pub link_type: String,
}

/// Every link through which an image appears in a gallery (via any of its
/// groups), by gallery (in the artist's order), type and group. Nothing is
/// counted: the inspector reads this after every edit of a 100,000-image
/// group, and counting its members would cost milliseconds each time.
pub fn image_links(conn: &Connection, image: ImageId) -> Result<Vec<UsedIn>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT l.gallery_id, ga.name, l.image_group_id, g.name, l.type
         FROM gallery_image_group_relations l
         JOIN galleries ga ON ga.id = l.gallery_id
         JOIN image_groups g ON g.id = l.image_group_id
         JOIN image_group_relations im ON im.image_group_id = l.image_group_id
         WHERE im.image_id = ?1
         ORDER BY {GALLERY_ORDER}, l.type, g.name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([image], |r| {
        Ok(UsedIn {
            gallery: r.get(0)?,
            gallery_name: r.get(1)?,
            group: r.get(2)?,
            group_name: r.get(3)?,
            link_type: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The types to offer in a picker: the seed's first, then those the artist has
/// typed, most used first.
pub fn known_types(conn: &Connection) -> Result<Vec<String>> {
    let mut types: Vec<String> = SEED_TYPES.iter().map(|s| s.to_string()).collect();
    let mut stmt = conn.prepare_cached(
        "SELECT type FROM gallery_image_group_relations GROUP BY type ORDER BY count(*) DESC, type",
    )?;
    for t in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let t = t?;
        if !types.contains(&t) {
            types.push(t);
        }
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Library;
    use crate::core::testing::library as lib;

    #[test]
    fn gallery_create_rename_describe_delete_list() {
        let (_d, mut lib) = lib();
        let a = lib
            .write(|tx| create_gallery(tx, "  Spring Show ", Some("Opening in May")))
            .unwrap();
        let b = lib.write(|tx| create_gallery(tx, "Archive", None)).unwrap();
        let names: Vec<_> = list_galleries(lib.conn())
            .unwrap()
            .into_iter()
            .map(|g| g.name)
            .collect();
        // The artist's order, not the alphabet: a new gallery goes last.
        assert_eq!(names, ["Spring Show", "Archive"]);
        lib.write(|tx| rename_gallery(tx, a, "Summer Show"))
            .unwrap();
        lib.write(|tx| set_gallery_description(tx, a, Some("  ")))
            .unwrap();
        let g = gallery(lib.conn(), a).unwrap();
        assert_eq!((g.name.as_str(), g.description), ("Summer Show", None));
        lib.write(|tx| delete_gallery(tx, b)).unwrap();
        assert_eq!(list_galleries(lib.conn()).unwrap().len(), 1);
        assert!(matches!(
            lib.write(|tx| delete_gallery(tx, b)),
            Err(Error::NotFound { .. })
        ));
    }

    fn gallery_names(lib: &Library) -> Vec<String> {
        list_galleries(lib.conn())
            .unwrap()
            .into_iter()
            .map(|g| g.name)
            .collect()
    }

    #[test]
    fn galleries_keep_the_artists_order_and_a_new_one_goes_last() {
        let (_d, mut lib) = lib();
        let [c, a, _b] = ["Coast", "Archive", "Birds"]
            .map(|n| lib.write(|tx| create_gallery(tx, n, None)).unwrap());
        assert_eq!(gallery_names(&lib), ["Coast", "Archive", "Birds"]);
        // Renaming keeps the place; finding an existing one changes nothing.
        lib.write(|tx| rename_gallery(tx, c, "Another coast"))
            .unwrap();
        assert_eq!(
            lib.write(|tx| find_or_create_gallery(tx, "ARCHIVE"))
                .unwrap(),
            a
        );
        assert_eq!(gallery_names(&lib), ["Another coast", "Archive", "Birds"]);
        let d = lib.write(|tx| find_or_create_gallery(tx, "Dunes")).unwrap();
        assert_eq!(gallery_names(&lib).last().unwrap(), "Dunes");
        // Last after a move too: after the highest key, whatever the gaps.
        lib.write(|tx| move_gallery(tx, d, 0)).unwrap();
        lib.write(|tx| create_gallery(tx, "Estuary", None)).unwrap();
        assert_eq!(
            gallery_names(&lib),
            ["Dunes", "Another coast", "Archive", "Birds", "Estuary"]
        );
    }

    #[test]
    fn move_gallery_to_front_middle_end_and_past_the_end() {
        let (_d, mut lib) = lib();
        let [a, b, c, d] =
            ["A", "B", "C", "D"].map(|n| lib.write(|tx| create_gallery(tx, n, None)).unwrap());
        lib.write(|tx| move_gallery(tx, c, 0)).unwrap();
        assert_eq!(gallery_names(&lib), ["C", "A", "B", "D"]);
        lib.write(|tx| move_gallery(tx, c, 2)).unwrap();
        assert_eq!(gallery_names(&lib), ["A", "B", "C", "D"]);
        lib.write(|tx| move_gallery(tx, a, 3)).unwrap();
        assert_eq!(gallery_names(&lib), ["B", "C", "D", "A"]);
        lib.write(|tx| move_gallery(tx, b, 99)).unwrap();
        assert_eq!(gallery_names(&lib), ["C", "D", "A", "B"]);
        // To where it already is: nothing moves.
        lib.write(|tx| move_gallery(tx, d, 1)).unwrap();
        assert_eq!(gallery_names(&lib), ["C", "D", "A", "B"]);
        // The keys are 0..n, in that order.
        let keys: Vec<(GalleryId, i64)> = lib
            .conn()
            .prepare("SELECT id, sort_order FROM galleries ORDER BY sort_order")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(keys, [(c, 0), (d, 1), (a, 2), (b, 3)]);
    }

    #[test]
    fn moving_an_unknown_gallery_is_not_found_and_changes_nothing() {
        let (_d, mut lib) = lib();
        for n in ["B", "A"] {
            lib.write(|tx| create_gallery(tx, n, None)).unwrap();
        }
        let err = lib
            .write(|tx| move_gallery(tx, GalleryId(99), 0))
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::NotFound {
                    what: "gallery",
                    id: 99
                }
            ),
            "{err}"
        );
        assert_eq!(gallery_names(&lib), ["B", "A"]);
    }

    #[test]
    fn deleting_a_gallery_keeps_the_others_order() {
        let (_d, mut lib) = lib();
        let [_c, a, b, d] =
            ["C", "A", "B", "D"].map(|n| lib.write(|tx| create_gallery(tx, n, None)).unwrap());
        lib.write(|tx| move_gallery(tx, d, 1)).unwrap();
        assert_eq!(gallery_names(&lib), ["C", "D", "A", "B"]);
        lib.write(|tx| delete_gallery(tx, a)).unwrap();
        assert_eq!(gallery_names(&lib), ["C", "D", "B"]);
        // A move after the gap renumbers the rest.
        lib.write(|tx| move_gallery(tx, b, 0)).unwrap();
        assert_eq!(gallery_names(&lib), ["B", "C", "D"]);
    }

    #[test]
    fn a_groups_and_an_images_galleries_follow_the_artists_order() {
        use crate::core::model::images;
        use crate::core::testing::fake_image;
        let (_d, mut lib) = lib();
        let [web, show] =
            ["Website", "Show"].map(|n| lib.write(|tx| create_gallery(tx, n, None)).unwrap());
        let (finals, image) = lib
            .write(|tx| {
                let finals = create_group(tx, "Finals", None)?;
                let image = fake_image(tx, 1);
                images::add_images(tx, finals, &[image], None)?;
                attach(tx, show, finals, "main_exhibit")?;
                attach(tx, web, finals, "main_exhibit")?;
                Ok((finals, image))
            })
            .unwrap();
        let galleries = |lib: &Library| -> [Vec<String>; 2] {
            [
                group_links(lib.conn(), finals)
                    .unwrap()
                    .into_iter()
                    .map(|l| l.gallery_name)
                    .collect(),
                image_links(lib.conn(), image)
                    .unwrap()
                    .into_iter()
                    .map(|l| l.gallery_name)
                    .collect(),
            ]
        };
        assert_eq!(galleries(&lib), [["Website", "Show"], ["Website", "Show"]]);
        lib.write(|tx| move_gallery(tx, show, 0)).unwrap();
        assert_eq!(galleries(&lib), [["Show", "Website"], ["Show", "Website"]]);
    }

    #[test]
    fn names_are_checked_and_unique_regardless_of_case() {
        let (_d, mut lib) = lib();
        lib.write(|tx| create_gallery(tx, "Show", None)).unwrap();
        let err = lib
            .write(|tx| create_gallery(tx, "SHOW", None))
            .unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        for bad in ["", "   ", "two\nlines"] {
            assert!(
                matches!(
                    lib.write(|tx| create_group(tx, bad, None)),
                    Err(Error::Invalid { .. })
                ),
                "{bad:?}"
            );
        }
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        assert!(lib.write(|tx| create_group(tx, &long, None)).is_err());
        let g = lib.write(|tx| create_group(tx, "Sketches", None)).unwrap();
        // Renaming to its own name in another case is fine.
        lib.write(|tx| rename_group(tx, g, "SKETCHES")).unwrap();
        assert_eq!(group(lib.conn(), g).unwrap().name, "SKETCHES");
    }

    #[test]
    fn same_name_is_the_databases_rule() {
        let (_d, mut lib) = lib();
        let pairs = [
            ("Show", "SHOW"),
            ("Été", "été"),
            ("ÉTÉ", "Été"),
            ("straße", "STRASSE"),
            ("Ǆ", "ǆ"),
            (" Show", "show "),
            ("Show", "Shows"),
        ];
        for (a, b) in pairs {
            let sqlite: bool = lib
                .conn()
                .query_row("SELECT trim(?1) = trim(?2) COLLATE NOCASE", [a, b], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(same_name(a, b), sqlite, "{a:?} and {b:?}");
            // And the unique index agrees: the second is refused exactly when
            // the rule says they are one name.
            let made = lib.write(|tx| {
                let first = create_gallery(tx, a, None)?;
                let second = create_gallery(tx, b, None).map(drop);
                delete_gallery(tx, first)?;
                second
            });
            assert_eq!(made.is_err(), sqlite, "{a:?} then {b:?}: {made:?}");
            if let Ok(()) = made {
                let id = gallery_by_name(lib.conn(), b).unwrap().unwrap();
                lib.write(|tx| delete_gallery(tx, id)).unwrap();
            }
        }
    }

    #[test]
    fn type_must_be_one_to_fifty_characters() {
        let (_d, mut lib) = lib();
        let ga = lib.write(|tx| create_gallery(tx, "G", None)).unwrap();
        let gr = lib.write(|tx| create_group(tx, "Group", None)).unwrap();
        assert!(lib.write(|tx| attach(tx, ga, gr, "")).is_err());
        assert!(lib.write(|tx| attach(tx, ga, gr, &"t".repeat(51))).is_err());
        lib.write(|tx| attach(tx, ga, gr, &"t".repeat(50))).unwrap();
        lib.write(|tx| attach(tx, ga, gr, "process shots, 2025"))
            .unwrap();
        assert_eq!(gallery_links(lib.conn(), ga).unwrap().len(), 2);
    }

    #[test]
    fn one_group_in_two_galleries_and_twice_in_one() {
        let (_d, mut lib) = lib();
        let show = lib.write(|tx| create_gallery(tx, "Show", None)).unwrap();
        let site = lib.write(|tx| create_gallery(tx, "Website", None)).unwrap();
        let finals = lib.write(|tx| create_group(tx, "Finals", None)).unwrap();
        lib.write(|tx| attach(tx, show, finals, "main_exhibit"))
            .unwrap();
        lib.write(|tx| attach(tx, show, finals, "photographs"))
            .unwrap();
        lib.write(|tx| attach(tx, site, finals, "main_exhibit"))
            .unwrap();
        let err = lib
            .write(|tx| attach(tx, show, finals, "main_exhibit"))
            .unwrap_err();
        assert!(err.to_string().contains("already in this gallery"), "{err}");
        let in_show: Vec<_> = gallery_links(lib.conn(), show)
            .unwrap()
            .into_iter()
            .map(|l| l.link_type)
            .collect();
        assert_eq!(in_show, ["main_exhibit", "photographs"]);
        let galleries: Vec<_> = group_links(lib.conn(), finals)
            .unwrap()
            .into_iter()
            .map(|l| (l.gallery_name, l.link_type))
            .collect();
        assert_eq!(
            galleries,
            [
                ("Show".to_string(), "main_exhibit".to_string()),
                ("Show".to_string(), "photographs".to_string()),
                ("Website".to_string(), "main_exhibit".to_string())
            ]
        );
        assert_eq!(group(lib.conn(), finals).unwrap().gallery_count, 2);
    }

    #[test]
    fn detach_change_type_and_reorder_links() {
        let (_d, mut lib) = lib();
        let ga = lib.write(|tx| create_gallery(tx, "G", None)).unwrap();
        let [a, b, c] = ["A", "B", "C"].map(|n| lib.write(|tx| create_group(tx, n, None)).unwrap());
        for g in [a, b, c] {
            lib.write(|tx| attach(tx, ga, g, "sketches")).unwrap();
        }
        let order = |lib: &Library| -> Vec<String> {
            gallery_links(lib.conn(), ga)
                .unwrap()
                .into_iter()
                .map(|l| format!("{}:{}", l.group_name, l.link_type))
                .collect()
        };
        lib.write(|tx| move_link(tx, ga, c, "sketches", 0)).unwrap();
        assert_eq!(order(&lib), ["C:sketches", "A:sketches", "B:sketches"]);
        lib.write(|tx| change_type(tx, ga, a, "sketches", "behind_the_scenes"))
            .unwrap();
        assert_eq!(
            order(&lib),
            ["C:sketches", "A:behind_the_scenes", "B:sketches"]
        );
        lib.write(|tx| move_link(tx, ga, c, "sketches", 99))
            .unwrap();
        assert_eq!(
            order(&lib),
            ["A:behind_the_scenes", "B:sketches", "C:sketches"]
        );
        lib.write(|tx| detach(tx, ga, b, "sketches")).unwrap();
        assert_eq!(order(&lib), ["A:behind_the_scenes", "C:sketches"]);
        assert!(lib.write(|tx| detach(tx, ga, b, "sketches")).is_err());
        // Detaching keeps the group.
        assert!(group(lib.conn(), b).is_ok());
        // A new link goes last.
        lib.write(|tx| attach(tx, ga, b, "photographs")).unwrap();
        assert_eq!(order(&lib).last().unwrap(), "B:photographs");
    }

    #[test]
    fn a_link_keeps_its_visibility_through_a_change_of_type_and_a_move() {
        let (_d, mut lib) = lib();
        let ga = lib.write(|tx| create_gallery(tx, "G", None)).unwrap();
        let [a, b] = ["A", "B"].map(|n| lib.write(|tx| create_group(tx, n, None)).unwrap());
        lib.write(|tx| attach(tx, ga, a, "main_exhibit")).unwrap();
        lib.write(|tx| attach_with(tx, ga, b, "behind_the_scenes", Visibility::Members))
            .unwrap();
        let seen = |lib: &Library| -> Vec<(String, Visibility)> {
            gallery_links(lib.conn(), ga)
                .unwrap()
                .into_iter()
                .map(|l| (l.group_name, l.visibility))
                .collect()
        };
        assert_eq!(
            seen(&lib),
            [
                ("A".into(), Visibility::Public),
                ("B".into(), Visibility::Members)
            ]
        );
        let was = lib
            .write(|tx| set_visibility(tx, ga, a, "main_exhibit", Visibility::Private))
            .unwrap();
        assert_eq!(was, Visibility::Public);
        lib.write(|tx| change_type(tx, ga, a, "main_exhibit", "sketches"))
            .unwrap();
        lib.write(|tx| move_link(tx, ga, a, "sketches", 1)).unwrap();
        assert_eq!(
            seen(&lib),
            [
                ("B".into(), Visibility::Members),
                ("A".into(), Visibility::Private)
            ]
        );
        // An unknown link is refused, naming it.
        let err = lib
            .write(|tx| set_visibility(tx, ga, a, "main_exhibit", Visibility::Public))
            .unwrap_err();
        assert!(err.to_string().contains("main_exhibit"), "{err}");
        assert_eq!(Visibility::parse(" Members ").unwrap(), Visibility::Members);
        assert!(
            Visibility::parse("friends")
                .unwrap_err()
                .to_string()
                .contains("friends")
        );
        assert_eq!(
            Visibility::proposed_for("behind_the_scenes"),
            Visibility::Members
        );
        assert_eq!(Visibility::proposed_for("sketches"), Visibility::Public);
    }

    #[test]
    fn deleting_a_gallery_keeps_its_groups() {
        let (_d, mut lib) = lib();
        let ga = lib.write(|tx| create_gallery(tx, "G", None)).unwrap();
        let gr = lib.write(|tx| create_group(tx, "Kept", None)).unwrap();
        lib.write(|tx| attach(tx, ga, gr, "main_exhibit")).unwrap();
        lib.write(|tx| delete_gallery(tx, ga)).unwrap();
        let groups = list_groups(lib.conn()).unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(
            groups[0].gallery_count, 0,
            "a group in no gallery is still listed"
        );
        let links: i64 = lib
            .conn()
            .query_row(
                "SELECT count(*) FROM gallery_image_group_relations",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(links, 0);
    }

    #[test]
    fn deleting_a_group_removes_its_links() {
        let (_d, mut lib) = lib();
        let ga = lib.write(|tx| create_gallery(tx, "G", None)).unwrap();
        let gr = lib.write(|tx| create_group(tx, "Gone", None)).unwrap();
        lib.write(|tx| attach(tx, ga, gr, "main_exhibit")).unwrap();
        lib.write(|tx| delete_group(tx, gr)).unwrap();
        assert!(gallery_links(lib.conn(), ga).unwrap().is_empty());
        assert_eq!(gallery(lib.conn(), ga).unwrap().link_count, 0);
    }

    #[test]
    fn groups_list_with_counts_cover_and_description() {
        use crate::core::model::images;
        use crate::core::testing::fake_image;
        let (_d, mut lib) = lib();
        let ga = lib.write(|tx| create_gallery(tx, "Show", None)).unwrap();
        let [a, b] =
            ["Prints", "Loose ends"].map(|n| lib.write(|tx| create_group(tx, n, None)).unwrap());
        let ids = lib
            .write(|tx| {
                let ids: Vec<_> = (1..=3).map(|n| fake_image(tx, n)).collect();
                images::add_images(tx, a, &ids, None)?;
                attach(tx, ga, a, "main_exhibit")?;
                Ok(ids)
            })
            .unwrap();
        lib.write(|tx| set_group_description(tx, a, Some("  Final prints, 2026 ")))
            .unwrap();
        // The cover is the first image in the artist's order, and follows it.
        lib.write(|tx| images::move_images(tx, a, &[ids[2]], 0))
            .unwrap();
        let groups = list_groups(lib.conn()).unwrap();
        let summary: Vec<_> = groups
            .iter()
            .map(|g| {
                (
                    g.name.as_str(),
                    g.image_count,
                    g.cover,
                    g.gallery_count,
                    g.description.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("Loose ends", 0, None, 0, None),
                ("Prints", 3, Some(ids[2]), 1, Some("Final prints, 2026")),
            ]
        );
        assert_eq!(group(lib.conn(), b).unwrap().image_count, 0);
        let link = &gallery_links(lib.conn(), ga).unwrap()[0];
        assert_eq!((link.image_count, link.cover), (3, Some(ids[2])));
        assert!(matches!(
            lib.write(|tx| set_group_description(tx, GroupId(99), None)),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn known_types_start_with_the_seed_and_add_the_artists() {
        let (_d, mut lib) = lib();
        let ga = lib.write(|tx| create_gallery(tx, "G", None)).unwrap();
        let gr = lib.write(|tx| create_group(tx, "Group", None)).unwrap();
        lib.write(|tx| attach(tx, ga, gr, "studio visits")).unwrap();
        lib.write(|tx| attach(tx, ga, gr, "sketches")).unwrap();
        let types = known_types(lib.conn()).unwrap();
        assert_eq!(&types[..6], &SEED_TYPES);
        assert_eq!(types[6..], ["studio visits".to_string()]);
    }
}
