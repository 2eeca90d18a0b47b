//! Find: any work among the whole library by what is written about it —
//! title, alt text, original file name, medium, description, year,
//! inventory number — and by the names of the groups and galleries it is in,
//! with filters (missing alt text, missing title, format, in no group).
//!
//! The library is read once into a [`Catalogue`] (each image with its texts
//! lower-cased into one string), and a query is a substring search over it:
//! every word typed must be found, in any field or in the name of a group or
//! gallery the image is in. At 100,000 images a query takes milliseconds,
//! which a trigram index in SQLite would not beat for a library of this size,
//! and it matches inside words ("harb" finds "Harbour"), in every language
//! that lower-cases, with or without accents ("etude" finds "Étude").

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rusqlite::Connection;

use super::images::{Image, LibraryOrder, library_images};
use crate::core::error::Result;
use crate::core::format::Format;
use crate::core::ids::{GroupId, ImageId};
use crate::core::text::fold;

/// What the artist looks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Words, each of which must be found (case does not matter).
    pub text: String,
    /// Only images without alt text.
    pub missing_alt: bool,
    /// Only works without a title.
    pub missing_title: bool,
    /// Only images in no group.
    pub in_no_group: bool,
    /// Only images of this format.
    pub format: Option<Format>,
}

impl Query {
    /// Nothing typed and no filter: nothing is looked for.
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
            && !self.missing_alt
            && !self.missing_title
            && !self.in_no_group
            && self.format.is_none()
    }
}

/// Separates an image's fields in its folded text, so that no word is found
/// across two of them.
const SEPARATOR: char = '\u{1f}';

struct Entry {
    image: Arc<Image>,
    /// Every searchable field, folded, separated by [`SEPARATOR`].
    text: String,
    /// The groups it is in, sorted.
    groups: Box<[GroupId]>,
}

/// The library as Find searches it: every image (the last imported first)
/// with its folded texts and groups, and the folded names of the groups and
/// galleries.
pub struct Catalogue {
    entries: Vec<Entry>,
    groups: Vec<(GroupId, String)>,
    /// Each gallery's folded name and the groups attached to it.
    galleries: Vec<(String, Vec<GroupId>)>,
}

impl Catalogue {
    /// Reads the whole library, as of one moment (one read transaction).
    pub fn read(conn: &Connection) -> Result<Catalogue> {
        conn.execute_batch("BEGIN DEFERRED")?;
        let read = Catalogue::read_now(conn);
        // A read-only transaction: ending it cannot lose anything.
        let ended = conn.execute_batch("COMMIT");
        let catalogue = read?;
        ended?;
        Ok(catalogue)
    }

    fn read_now(conn: &Connection) -> Result<Catalogue> {
        let images = library_images(conn, LibraryOrder::Newest)?;
        let mut memberships: HashMap<ImageId, Vec<GroupId>> = HashMap::with_capacity(images.len());
        {
            let mut stmt = conn.prepare_cached(
                "SELECT image_id, image_group_id FROM image_group_relations ORDER BY image_id, image_group_id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for row in rows {
                let (image, group): (ImageId, GroupId) = row?;
                memberships.entry(image).or_default().push(group);
            }
        }
        let groups = {
            let mut stmt = conn.prepare_cached("SELECT id, name FROM image_groups")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, fold(&r.get::<_, String>(1)?))))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let galleries = {
            let mut stmt = conn.prepare_cached(
                "SELECT g.id, g.name, l.image_group_id FROM galleries g
                 LEFT JOIN gallery_image_group_relations l ON l.gallery_id = g.id ORDER BY g.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<GroupId>>(2)?,
                ))
            })?;
            let mut galleries: Vec<(i64, String, Vec<GroupId>)> = Vec::new();
            for row in rows {
                let (id, name, group) = row?;
                if galleries.last().is_none_or(|(last, ..)| *last != id) {
                    galleries.push((id, fold(&name), Vec::new()));
                }
                if let (Some(g), Some((.., groups))) = (group, galleries.last_mut()) {
                    groups.push(g);
                }
            }
            galleries.into_iter().map(|(_, n, g)| (n, g)).collect()
        };
        let entries = images
            .into_iter()
            .map(|image| {
                let groups = memberships
                    .remove(&image.id)
                    .unwrap_or_default()
                    .into_boxed_slice();
                Entry {
                    text: searchable_text(&image),
                    groups,
                    image: Arc::new(image),
                }
            })
            .collect();
        Ok(Catalogue {
            entries,
            groups,
            galleries,
        })
    }

    /// How many images it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The images that match `query`, the last imported first (none for an
    /// empty query).
    pub fn find(&self, query: &Query) -> Vec<Arc<Image>> {
        if query.is_empty() {
            return Vec::new();
        }
        let folded = fold(&query.text);
        // Per word: its finder, and the groups whose name (or whose
        // gallery's name) holds it.
        let words: Vec<(memchr::memmem::Finder, HashSet<GroupId>)> = folded
            .split_whitespace()
            .map(|w| {
                let mut named: HashSet<GroupId> = self
                    .groups
                    .iter()
                    .filter(|(_, name)| name.contains(w))
                    .map(|(id, _)| *id)
                    .collect();
                for (name, groups) in &self.galleries {
                    if name.contains(w) {
                        named.extend(groups.iter().copied());
                    }
                }
                (
                    memchr::memmem::Finder::new(w.as_bytes()).into_owned(),
                    named,
                )
            })
            .collect();
        self.entries
            .iter()
            .filter(|e| {
                let img = &e.image;
                (!query.missing_alt || img.alt_text.as_deref().is_none_or(|t| t.trim().is_empty()))
                    && (!query.missing_title || img.title().is_none())
                    && (!query.in_no_group || e.groups.is_empty())
                    && query.format.is_none_or(|f| img.format == f)
                    && words.iter().all(|(finder, named)| {
                        finder.find(e.text.as_bytes()).is_some()
                            || (!named.is_empty() && e.groups.iter().any(|g| named.contains(g)))
                    })
            })
            .map(|e| Arc::clone(&e.image))
            .collect()
    }
}

/// The image's searchable fields, folded into one string.
fn searchable_text(img: &Image) -> String {
    let d = img.details.as_deref();
    let fields = [
        img.title(),
        img.alt_text.as_deref(),
        Some(img.original_name.as_str()),
        d.and_then(|d| d.medium.as_deref()),
        d.and_then(|d| d.description.as_deref()),
        d.and_then(|d| d.year.as_deref()),
        d.and_then(|d| d.inventory_number.as_deref()),
    ];
    let mut text = String::new();
    for f in fields.into_iter().flatten() {
        if !text.is_empty() {
            text.push(SEPARATOR);
        }
        text.push_str(&fold(f));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::details::{Field, set_fields};
    use crate::core::model::{catalog, images};
    use crate::core::testing::{fake_image, library};

    #[test]
    fn every_word_must_be_found_in_a_field_or_a_group_or_gallery_name() {
        let (_dir, lib) = library();
        let c = lib.conn();
        let ids: Vec<ImageId> = (1..=4).map(|n| fake_image(c, n)).collect();
        set_fields(c, &ids[..1], &[(Field::Title, "Harbour at Dusk".into())]).unwrap();
        set_fields(
            c,
            &ids[1..2],
            &[(Field::InventoryNumber, "AB-2019-004".into())],
        )
        .unwrap();
        set_fields(c, &ids[2..3], &[(Field::Medium, "Öl auf Leinwand".into())]).unwrap();
        let g = catalog::create_group(c, "Studio Visits", None).unwrap();
        images::add_images(c, g, &ids[3..4], None).unwrap();
        let show = catalog::create_gallery(c, "Spring Show", None).unwrap();
        catalog::attach(c, show, g, "main_exhibit").unwrap();
        let cat = Catalogue::read(c).unwrap();
        let found = |text: &str| -> Vec<ImageId> {
            let q = Query {
                text: text.into(),
                ..Query::default()
            };
            cat.find(&q).iter().map(|i| i.id).collect()
        };
        assert_eq!(found("harb"), [ids[0]]);
        assert_eq!(found("DUSK harbour"), [ids[0]]);
        assert_eq!(found("harbour spring"), Vec::<ImageId>::new());
        assert_eq!(found("2019-004"), [ids[1]]);
        assert_eq!(found("öl"), [ids[2]]);
        assert_eq!(found("ÖL"), [ids[2]]);
        assert_eq!(found("ol auf"), [ids[2]], "accents do not matter");
        assert_eq!(found("visits"), [ids[3]]);
        assert_eq!(found("spring"), [ids[3]]);
        // The file name: img3.png (and no word across two fields).
        assert_eq!(found("img3"), [ids[2]]);
        assert_eq!(found("  "), Vec::<ImageId>::new());
    }

    #[test]
    fn filters_narrow_what_is_found() {
        let (_dir, lib) = library();
        let c = lib.conn();
        let ids: Vec<ImageId> = (1..=3).map(|n| fake_image(c, n)).collect();
        set_fields(c, &ids[..1], &[(Field::AltText, "A boat".into())]).unwrap();
        set_fields(c, &ids[1..2], &[(Field::Title, "Boat".into())]).unwrap();
        let g = catalog::create_group(c, "G", None).unwrap();
        images::add_images(c, g, &ids[2..3], None).unwrap();
        let cat = Catalogue::read(c).unwrap();
        let found = |q: Query| -> Vec<ImageId> {
            let mut v: Vec<ImageId> = cat.find(&q).iter().map(|i| i.id).collect();
            v.sort();
            v
        };
        let q = Query::default();
        assert_eq!(
            found(Query {
                missing_alt: true,
                ..q.clone()
            }),
            [ids[1], ids[2]]
        );
        assert_eq!(
            found(Query {
                missing_title: true,
                ..q.clone()
            }),
            [ids[0], ids[2]]
        );
        assert_eq!(
            found(Query {
                in_no_group: true,
                ..q.clone()
            }),
            [ids[0], ids[1]]
        );
        assert_eq!(
            found(Query {
                missing_alt: true,
                in_no_group: true,
                ..q.clone()
            }),
            [ids[1]]
        );
        assert_eq!(
            found(Query {
                format: Some(Format::Png),
                ..q.clone()
            })
            .len(),
            3
        );
        assert!(
            found(Query {
                format: Some(Format::Jpeg),
                ..q.clone()
            })
            .is_empty()
        );
        assert_eq!(
            found(Query {
                text: "boat".into(),
                missing_title: true,
                ..q
            }),
            [ids[0]]
        );
    }
}
