//! Finding images by what a person types: an id (`#12`) or the file's name as
//! imported (`images.original_name`, matched exactly), in the whole library or
//! among one group's members. A name that fits several images is refused with
//! every match listed (id, format, size, import date), so the person can say
//! which one by its id. The command line's `add` and `remove` use it; the app
//! can too.
//!
//! Every function takes a `&Connection`: called inside the transaction that
//! then writes, a refusal writes nothing.

use std::collections::HashSet;

use rusqlite::Connection;

use super::catalog;
use super::images::{self, Image};
use super::order;
use crate::core::error::{Error, Result};
use crate::core::ids::{GroupId, ImageId};

/// The `what` of the error for a name that fits several images (see
/// [`is_ambiguous`]).
pub const AMBIGUOUS: &str = "ambiguous image name";

/// How a person named one image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageRef {
    /// By its id.
    Id(ImageId),
    /// By its original file name, matched exactly (case and all).
    Name(String),
}

/// Whether `e` is the refusal of a name that fits several images.
pub fn is_ambiguous(e: &Error) -> bool {
    matches!(e, Error::Invalid { what, .. } if what == AMBIGUOUS)
}

/// The images whose original name is exactly `name`, oldest first: in the
/// whole library (`within = None`) or among the members of the group `within`.
pub fn images_named(conn: &Connection, name: &str, within: Option<GroupId>) -> Result<Vec<Image>> {
    let ids: Vec<ImageId> = match within {
        None => {
            let mut stmt =
                conn.prepare_cached("SELECT id FROM images WHERE original_name = ?1 ORDER BY id")?;
            let rows = stmt.query_map([name], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        }
        Some(group) => {
            catalog::ensure_group(conn, group)?;
            let mut stmt = conn.prepare_cached(
                "SELECT i.id FROM images i JOIN image_group_relations m ON m.image_id = i.id
                 WHERE m.image_group_id = ?1 AND i.original_name = ?2 ORDER BY i.id",
            )?;
            let rows = stmt.query_map(rusqlite::params![group, name], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        }
    };
    ids.into_iter().map(|id| images::image(conn, id)).collect()
}

/// The ids of the images `refs` names, in the order given, each once. With
/// `within`, names are looked up among that group's members and every image
/// must be one of them. Refuses, naming the value: an id that does not exist
/// ([`Error::NotFound`]); a name no image has; a name several images have (an
/// [`AMBIGUOUS`] error listing every match); an image not in `within`.
pub fn resolve(
    conn: &Connection,
    refs: &[ImageRef],
    within: Option<GroupId>,
) -> Result<Vec<ImageId>> {
    let place = place(conn, within)?;
    let mut seen = HashSet::with_capacity(refs.len());
    let mut ids = Vec::with_capacity(refs.len());
    for r in refs {
        let id = match r {
            ImageRef::Id(id) => by_id(conn, *id, within, &place)?,
            ImageRef::Name(name) => by_name(conn, name, within, &place)?,
        };
        if seen.insert(id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Where names are looked up, in words: "the library" or "group “G”".
fn place(conn: &Connection, within: Option<GroupId>) -> Result<String> {
    Ok(match within {
        None => "the library".to_string(),
        Some(group) => format!(
            "group \u{201c}{}\u{201d}",
            catalog::group(conn, group)?.name
        ),
    })
}

fn by_id(conn: &Connection, id: ImageId, within: Option<GroupId>, place: &str) -> Result<ImageId> {
    let image = images::image(conn, id)?;
    if let Some(group) = within
        && order::key_of(conn, group, id)?.is_none()
    {
        return Err(Error::invalid(
            "image",
            format!("{} is not in {place}", named(&image)),
        ));
    }
    Ok(id)
}

fn by_name(conn: &Connection, name: &str, within: Option<GroupId>, place: &str) -> Result<ImageId> {
    match images_named(conn, name, within)?.as_slice() {
        [one] => Ok(one.id),
        [] => Err(no_such_name(conn, name, within, place)?),
        several => Err(ambiguous(name, place, several)),
    }
}

/// The refusal of a name no image (of the group) has; says so when the
/// library has it elsewhere.
fn no_such_name(
    conn: &Connection,
    name: &str,
    within: Option<GroupId>,
    place: &str,
) -> Result<Error> {
    let mut reason = format!("no image in {place} is named \u{201c}{name}\u{201d}");
    if within.is_some() {
        let elsewhere = images_named(conn, name, None)?;
        if !elsewhere.is_empty() {
            let ids: Vec<String> = elsewhere.iter().map(|i| format!("#{}", i.id.0)).collect();
            reason.push_str(&format!(
                " (the library has {}, but not in this group)",
                ids.join(", ")
            ));
        }
    } else {
        reason.push_str(" (names are matched exactly, as imported)");
    }
    Ok(Error::invalid("image name", reason))
}

/// The refusal of a name several images have, listing every one.
fn ambiguous(name: &str, place: &str, matches: &[Image]) -> Error {
    let mut reason = format!(
        "\u{201c}{name}\u{201d} is the name of {} images in {place}; say which one by its id:",
        matches.len()
    );
    for image in matches {
        reason.push_str(&format!("\n  {}", described(image)));
    }
    Error::invalid(AMBIGUOUS, reason)
}

/// "“a.jpg” (#12)": an image as messages name it.
pub fn named(image: &Image) -> String {
    format!("\u{201c}{}\u{201d} (#{})", image.original_name, image.id.0)
}

/// "#12  JPEG 640×480, imported 2026-01-02 10:00:00 UTC, “alt text”": what
/// tells two images of one name apart.
pub fn described(image: &Image) -> String {
    let alt = image
        .alt_text
        .as_deref()
        .map(|a| format!(", \u{201c}{a}\u{201d}"))
        .unwrap_or_default();
    format!(
        "#{}  {} {}\u{d7}{}, imported {} UTC{alt}",
        image.id.0,
        image.format.label(),
        image.width,
        image.height,
        image.created_at
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::format::Format;
    use crate::core::ids::StoreId;
    use crate::core::model::images::{NewImage, add_images, insert_image};
    use crate::core::testing::{fake_image, library};

    /// An image row without a file, called `name`, `n` pixels wide.
    fn named_image(conn: &Connection, n: u64, name: &str) -> ImageId {
        let hash = format!("{:064x}", 1000 + n);
        insert_image(
            conn,
            &NewImage {
                store: StoreId(1),
                filename: &format!("originals/{}/{hash}.jpg", &hash[..2]),
                original_name: name,
                content_hash: &hash,
                byte_size: 100,
                width: n as u32,
                height: 10,
                format: Format::Jpeg,
            },
        )
        .unwrap()
    }

    fn by_name(name: &str) -> ImageRef {
        ImageRef::Name(name.to_string())
    }

    #[test]
    fn names_match_exactly_in_the_library_or_a_group() {
        let (_d, mut lib) = library();
        let (g, a, b, c) = lib
            .write(|tx| {
                let g = catalog::create_group(tx, "G", None)?;
                let a = named_image(tx, 30, "a.jpg");
                let b = named_image(tx, 40, "a.jpg");
                let c = named_image(tx, 50, "A.JPG");
                add_images(tx, g, &[b], None)?;
                Ok((g, a, b, c))
            })
            .unwrap();
        let ids = |v: Vec<Image>| v.into_iter().map(|i| i.id).collect::<Vec<_>>();
        let conn = lib.conn();
        assert_eq!(ids(images_named(conn, "a.jpg", None).unwrap()), [a, b]);
        assert_eq!(ids(images_named(conn, "A.JPG", None).unwrap()), [c]);
        assert_eq!(ids(images_named(conn, "a.jpg", Some(g)).unwrap()), [b]);
        assert!(images_named(conn, "a", None).unwrap().is_empty());
        assert!(matches!(
            images_named(conn, "a.jpg", Some(GroupId(99))),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn resolve_keeps_the_order_given_each_once() {
        let (_d, mut lib) = library();
        let ids: Vec<ImageId> = lib
            .write(|tx| Ok((1..=3).map(|n| fake_image(tx, n)).collect()))
            .unwrap();
        let refs = [
            ImageRef::Id(ids[2]),
            by_name("img1.png"),
            ImageRef::Id(ids[0]),
            by_name("img2.png"),
        ];
        assert_eq!(
            resolve(lib.conn(), &refs, None).unwrap(),
            [ids[2], ids[0], ids[1]]
        );
    }

    #[test]
    fn an_ambiguous_name_is_refused_listing_every_match() {
        let (_d, mut lib) = library();
        let (g, a, b) = lib
            .write(|tx| {
                let g = catalog::create_group(tx, "G", None)?;
                let a = named_image(tx, 30, "a.jpg");
                let b = named_image(tx, 40, "a.jpg");
                images::set_alt_text(tx, b, Some("The dock at dawn"))?;
                add_images(tx, g, &[a], None)?;
                Ok((g, a, b))
            })
            .unwrap();
        let err = resolve(lib.conn(), &[by_name("a.jpg")], None).unwrap_err();
        assert!(is_ambiguous(&err), "{err}");
        let text = err.to_string();
        for part in [
            "\u{201c}a.jpg\u{201d} is the name of 2 images in the library",
            &format!("#{}  JPEG 30\u{d7}10, imported ", a.0),
            &format!("#{}  JPEG 40\u{d7}10, imported ", b.0),
            "\u{201c}The dock at dawn\u{201d}",
            "by its id",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
        // Within the group the name is one image's.
        assert_eq!(
            resolve(lib.conn(), &[by_name("a.jpg")], Some(g)).unwrap(),
            [a]
        );
    }

    #[test]
    fn unknown_ids_and_names_and_non_members_are_refused_naming_them() {
        let (_d, mut lib) = library();
        let (g, inside, outside) = lib
            .write(|tx| {
                let g = catalog::create_group(tx, "Prints", None)?;
                let inside = fake_image(tx, 1);
                let outside = fake_image(tx, 2);
                add_images(tx, g, &[inside], None)?;
                Ok((g, inside, outside))
            })
            .unwrap();
        let conn = lib.conn();
        let err = resolve(conn, &[ImageRef::Id(ImageId(99))], None).unwrap_err();
        assert_eq!(err.to_string(), "image #99 does not exist");
        let err = resolve(conn, &[by_name("nope.png")], None).unwrap_err();
        assert!(!is_ambiguous(&err));
        assert!(
            err.to_string()
                .contains("no image in the library is named \u{201c}nope.png\u{201d}"),
            "{err}"
        );
        let err = resolve(
            conn,
            &[ImageRef::Id(inside), ImageRef::Id(outside)],
            Some(g),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "image: \u{201c}img2.png\u{201d} (#{}) is not in group \u{201c}Prints\u{201d}",
                outside.0
            )
        );
        let err = resolve(conn, &[by_name("img2.png")], Some(g)).unwrap_err();
        assert!(
            err.to_string().contains(&format!(
                "no image in group \u{201c}Prints\u{201d} is named \u{201c}img2.png\u{201d} (the library has #{}, but not in this group)",
                outside.0
            )),
            "{err}"
        );
    }
}
