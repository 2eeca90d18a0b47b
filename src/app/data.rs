//! What the app shows, read from the database in one go after every change:
//! the UI draws from this snapshot and never queries while it lays out.

use std::collections::HashMap;

use crate::core::catalog::{self, Gallery, Group, Link};
use crate::core::images::{self, Image, Usage};
use crate::core::{GalleryId, GroupId, ImageId, Library, Result};

/// A snapshot of the library for the current selection.
#[derive(Default)]
pub struct Data {
    pub galleries: Vec<Gallery>,
    /// The selected gallery's typed links, in the artist's order.
    pub links: Vec<Link>,
    /// Every group, by name.
    pub groups: Vec<Group>,
    /// Types for the type picker: the seed's first, then the artist's own.
    pub types: Vec<String>,
    /// The selected group's images, in order.
    pub images: Vec<Image>,
    /// Position of each image of [`Data::images`].
    pub index: HashMap<ImageId, usize>,
    /// Where the inspected image is used.
    pub usage: Option<(ImageId, Usage)>,
}

impl Data {
    /// Reads everything the current view needs. A selection that no longer
    /// exists (deleted meanwhile) is dropped.
    pub fn load(
        lib: &Library,
        gallery: &mut Option<GalleryId>,
        group: &mut Option<GroupId>,
        inspected: Option<ImageId>,
    ) -> Result<Data> {
        let conn = lib.conn();
        let galleries = catalog::list_galleries(conn)?;
        if gallery.is_some_and(|g| !galleries.iter().any(|x| x.id == g)) {
            *gallery = None;
        }
        let groups = catalog::list_groups(conn)?;
        if group.is_some_and(|g| !groups.iter().any(|x| x.id == g)) {
            *group = None;
        }
        let links = match gallery {
            Some(g) => catalog::gallery_links(conn, *g)?,
            None => Vec::new(),
        };
        // With its group gone (deleted, detached), a gallery shows its first one.
        if group.is_none() {
            *group = links.first().map(|l| l.group);
        }
        let images = match group {
            Some(g) => images::group_images(conn, *g)?,
            None => Vec::new(),
        };
        let index = images
            .iter()
            .enumerate()
            .map(|(i, img)| (img.id, i))
            .collect();
        let usage = match inspected {
            Some(id) if images.iter().any(|i| i.id == id) => Some((id, images::usage(conn, id)?)),
            _ => None,
        };
        Ok(Data {
            galleries,
            links,
            groups,
            types: catalog::known_types(conn)?,
            images,
            index,
            usage,
        })
    }

    /// The group with this id.
    pub fn group(&self, id: GroupId) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The gallery with this id.
    pub fn gallery(&self, id: GalleryId) -> Option<&Gallery> {
        self.galleries.iter().find(|g| g.id == id)
    }

    /// The image with this id, if it is in the selected group.
    pub fn image(&self, id: ImageId) -> Option<&Image> {
        self.index.get(&id).and_then(|&i| self.images.get(i))
    }

    /// Whether the library holds nothing at all yet.
    pub fn is_empty(&self) -> bool {
        self.galleries.is_empty() && self.groups.is_empty()
    }
}

/// How a link type reads in the sidebar: the seed's types in words
/// ("Main exhibit"), the artist's own as they typed them.
pub fn type_label(link_type: &str) -> String {
    if catalog::SEED_TYPES.contains(&link_type) {
        let words = link_type.replace('_', " ");
        let mut chars = words.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => words,
        }
    } else {
        link_type.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_types_read_as_words_and_own_types_as_typed() {
        assert_eq!(type_label("main_exhibit"), "Main exhibit");
        assert_eq!(type_label("guest_artist_feature"), "Guest artist feature");
        assert_eq!(type_label("press_kit"), "press_kit");
    }
}
