//! What the app shows, read from the database in one go after every change:
//! the UI draws from this snapshot and never queries while it lays out.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::core::model::catalog::{self, Gallery, Group, Link};
use crate::core::model::details::Entry;
use crate::core::model::images::{self, Image, LibraryOrder, Usage};
use crate::core::{GalleryId, GroupId, ImageId, Library, Result};

/// A shown image's row: shared, so that moving 100,000 of them in the grid's
/// order moves pointers, not rows.
pub type Row = Arc<Image>;

/// Each shown image's position in [`Data::images`].
pub type Index = HashMap<ImageId, usize, rustc_hash::FxBuildHasher>;

/// A view of the whole library rather than of one group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pool {
    /// Every image, in this order.
    All(LibraryOrder),
    /// The images that are in no group, the last imported first.
    Ungrouped,
    /// What Find found (the query is the app's [`super::find::FindState`]).
    Found,
}

impl Pool {
    /// Its name in the sidebar and the grid's header.
    pub fn name(self) -> &'static str {
        match self {
            Pool::All(_) => "All images",
            Pool::Ungrouped => "Not in any group",
            Pool::Found => "Find",
        }
    }
}

/// What the grid shows: a gallery and one of its groups, a group on its
/// own, or a pool of the whole library (then neither gallery nor group).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Place {
    pub gallery: Option<GalleryId>,
    pub group: Option<GroupId>,
    pub pool: Option<Pool>,
}

impl Place {
    /// A group, in a gallery or on its own.
    pub fn group(gallery: Option<GalleryId>, group: Option<GroupId>) -> Place {
        Place {
            gallery,
            group,
            pool: None,
        }
    }

    /// A pool of the whole library.
    pub fn pool(pool: Pool) -> Place {
        Place {
            gallery: None,
            group: None,
            pool: Some(pool),
        }
    }
}

/// How many images the library holds, and how many are in no group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: u64,
    pub ungrouped: u64,
}

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
    /// The group whose images [`Data::images`] holds.
    pub shown: Option<GroupId>,
    /// The pool whose images [`Data::images`] holds (then `shown` is none).
    pub pool: Option<Pool>,
    /// The selected group's (or pool's) images, in order.
    pub images: Vec<Row>,
    /// Position of each image of [`Data::images`].
    pub index: Index,
    /// Where the inspected image is used.
    pub usage: Option<(ImageId, Usage)>,
    /// The library's counts for the sidebar; `None` until read (counting
    /// 100,000 memberships takes milliseconds, so edits that know how they
    /// change them adjust them instead: [`Data::tally`]).
    pub counts: Option<Counts>,
    /// A group too large to read on the UI thread, whose rows are being
    /// read in the background ([`super::jobs::Loader`]); the grid says so.
    pub deferred: Option<GroupId>,
    /// The same for a pool.
    pub deferred_pool: Option<Pool>,
    /// The highest order key of the shown group when it was read: what an
    /// import appends comes after it (see [`Data::append_rows`]).
    pub last_key: Option<i64>,
}

/// How an edit changed one group's count and cover, and the library's
/// count of images in no group: applied to the snapshot instead of counting
/// again ([`Data::tally`]).
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Each group changed: images added (negative: taken out) and its cover now.
    pub groups: Vec<(GroupId, i64, Option<ImageId>)>,
    /// The change in the number of images in no group.
    pub ungrouped: i64,
}

impl Data {
    /// Reads everything the current view needs. A gallery or group that no
    /// longer exists (deleted meanwhile) is dropped; a selected gallery shows
    /// one of its own groups (the one asked for if it is one of them, else
    /// its first).
    pub fn load(lib: &Library, place: &mut Place, inspected: Option<ImageId>) -> Result<Data> {
        Data::load_keeping(lib, place, inspected, None, u64::MAX)
    }

    /// [`Data::load`], taking the shown group's (or pool's) images and the
    /// library's counts from `old` when it showed the same: after an edit
    /// that cannot have changed them (a rename, a link, a type, or one
    /// mirrored in memory), which would otherwise re-read up to 100,000 rows
    /// on the UI thread. `old` keeps everything when an error is returned. A
    /// group or pool of more than `defer_above` images that must be read is
    /// not: the snapshot comes without its rows, marked [`Data::deferred`]
    /// (or [`Data::deferred_pool`]).
    pub fn load_keeping(
        lib: &Library,
        place: &mut Place,
        inspected: Option<ImageId>,
        mut old: Option<&mut Data>,
        defer_above: u64,
    ) -> Result<Data> {
        let conn = lib.conn();
        let galleries = catalog::list_galleries(conn)?;
        if place.pool.is_some() {
            place.gallery = None;
            place.group = None;
        }
        if place
            .gallery
            .is_some_and(|g| !galleries.iter().any(|x| x.id == g))
        {
            place.gallery = None;
        }
        let groups = catalog::list_groups(conn)?;
        if place
            .group
            .is_some_and(|g| !groups.iter().any(|x| x.id == g))
        {
            place.group = None;
        }
        let links = match place.gallery {
            Some(g) => catalog::gallery_links(conn, g)?,
            None => Vec::new(),
        };
        // A gallery shows one of its own groups: the one asked for if it is
        // one of them, else its first (also when the one shown was deleted
        // or detached). With no gallery, any group is shown on its own.
        if place.gallery.is_some()
            && !place
                .group
                .is_some_and(|g| links.iter().any(|l| l.group == g))
        {
            place.group = links.first().map(|l| l.group);
        }
        let types = catalog::known_types(conn)?;
        let counts = match old.as_ref().and_then(|o| o.counts) {
            Some(c) => c,
            None => {
                let (total, ungrouped) = images::library_counts(conn)?;
                Counts { total, ungrouped }
            }
        };
        let mut data = Data {
            galleries,
            links,
            groups,
            types,
            counts: Some(counts),
            ..Data::default()
        };
        let kept = |old: &mut Option<&mut Data>, data: &mut Data| -> Result<bool> {
            let Some(old) = old.as_mut() else {
                return Ok(false);
            };
            if old.shown != data.shown || old.pool != data.pool {
                return Ok(false);
            }
            data.usage = inspected_usage(lib, inspected, &old.index)?;
            data.images = std::mem::take(&mut old.images);
            data.index = std::mem::take(&mut old.index);
            data.last_key = old.last_key;
            Ok(true)
        };
        if let Some(pool) = place.pool {
            data.pool = Some(pool);
            if kept(&mut old, &mut data)? {
                return Ok(data);
            }
            let (size, read) = match pool {
                Pool::All(order) => (counts.total, Some(order)),
                Pool::Ungrouped => (counts.ungrouped, None),
                // Never read here: the search thread finds them.
                Pool::Found => (u64::MAX, None),
            };
            if size > defer_above {
                data.pool = None;
                data.deferred_pool = Some(pool);
                return Ok(data);
            }
            data.images = rows(match read {
                Some(order) => images::library_images(conn, order)?,
                None => images::ungrouped_images(conn)?,
            });
            data.index = index_of(&data.images);
            data.usage = inspected_usage(lib, inspected, &data.index)?;
            return Ok(data);
        }
        let Some(g) = place.group else {
            return Ok(data);
        };
        data.shown = Some(g);
        if kept(&mut old, &mut data)? {
            return Ok(data);
        }
        if data
            .groups
            .iter()
            .any(|x| x.id == g && x.image_count > defer_above)
        {
            data.shown = None;
            data.deferred = Some(g);
            return Ok(data);
        }
        data.images = rows(images::group_images(conn, g)?);
        data.index = index_of(&data.images);
        data.last_key = images::last_key(conn, g)?;
        data.usage = inspected_usage(lib, inspected, &data.index)?;
        Ok(data)
    }

    /// Puts `images` (with their `index`) in place of the shown rows; the old
    /// ones are freed off this thread when there are many.
    pub fn swap_rows(&mut self, images: Vec<Row>, index: Index) {
        let old = (
            std::mem::replace(&mut self.images, images),
            std::mem::replace(&mut self.index, index),
        );
        free_off_thread(old.0.len(), old);
    }

    /// Whether rows of the view are being read in the background.
    pub fn is_deferred(&self) -> bool {
        self.deferred.is_some() || self.deferred_pool.is_some()
    }

    /// Applies what an edit says it did to the counts and covers, instead of
    /// counting again.
    pub fn tally(&mut self, tally: &Tally) {
        for &(id, delta, cover) in &tally.groups {
            let apply = |count: &mut u64| *count = count.saturating_add_signed(delta);
            for g in self.groups.iter_mut().filter(|g| g.id == id) {
                apply(&mut g.image_count);
                g.cover = cover;
            }
            for l in self.links.iter_mut().filter(|l| l.group == id) {
                apply(&mut l.image_count);
                l.cover = cover;
            }
        }
        if let Some(c) = &mut self.counts {
            c.ungrouped = c.ungrouped.saturating_add_signed(tally.ungrouped);
        }
    }

    /// Inserts rows into the shown group right before `before` (`None`: at
    /// the end), as `images::add_new_before` did in the database.
    pub fn insert_local(&mut self, rows: Vec<Row>, before: Option<ImageId>) {
        let rows: Vec<Row> = rows
            .into_iter()
            .filter(|r| !self.index.contains_key(&r.id))
            .collect();
        let at = before
            .and_then(|b| self.index.get(&b).copied())
            .unwrap_or(self.images.len());
        let n = rows.len();
        if n == 0 {
            return;
        }
        for place in self.index.values_mut() {
            if *place >= at {
                *place += n;
            }
        }
        self.images.splice(at..at, rows);
        for i in at..at + n {
            self.index.insert(self.images[i].id, i);
        }
    }

    /// Mirrors a committed removal of images from the shown group (or from
    /// the library): they leave [`Data::images`] without re-reading the rest.
    /// The counts and covers come from the action's [`Tally`] or the
    /// catalogue re-read after it.
    pub fn remove_local(&mut self, ids: &[ImageId]) {
        let mut gone: Vec<usize> = ids
            .iter()
            .filter_map(|id| self.index.get(id).copied())
            .collect();
        gone.sort_unstable();
        gone.dedup();
        let Some(&first) = gone.first() else {
            return;
        };
        let mut at = 0;
        let mut next = 0;
        self.images.retain(|_| {
            let here = at;
            at += 1;
            let keep = gone.get(next) != Some(&here);
            if !keep {
                next += 1;
            }
            keep
        });
        for id in ids {
            self.index.remove(id);
        }
        // Every later image moves up by the number removed before it: one
        // pass over the index in its own memory order (100,000 lookups by id
        // would cost ten times as much).
        for place in self.index.values_mut() {
            if *place > first {
                *place -= gone.partition_point(|&g| g < *place);
            }
        }
        if self
            .usage
            .as_ref()
            .is_some_and(|(id, _)| !self.index.contains_key(id))
        {
            self.usage = None;
        }
    }

    /// Mirrors a committed new order of the whole shown group (a sort):
    /// `order` first, any other shown image after, as `images::set_order`
    /// put them.
    pub fn reorder_local(&mut self, order: &[ImageId]) {
        let mut rows: HashMap<ImageId, Row, rustc_hash::FxBuildHasher> =
            self.images.drain(..).map(|r| (r.id, r)).collect();
        let mut images: Vec<Row> = order.iter().filter_map(|id| rows.remove(id)).collect();
        // None should be left; if some are, they keep their old relative order.
        let mut rest: Vec<Row> = rows.into_values().collect();
        rest.sort_by_key(|r| self.index.get(&r.id).copied());
        images.extend(rest);
        self.images = images;
        self.index = index_of(&self.images);
        self.cover_is_first();
    }

    /// Gives shown images their new alt text and details (an edit, or its
    /// undo, as written to the database).
    pub fn replace_entries(&mut self, entries: &[(ImageId, Entry)]) {
        for (id, entry) in entries {
            if let Some(&i) = self.index.get(id)
                && let Some(slot) = self.images.get_mut(i)
            {
                let mut img = Image::clone(slot);
                img.alt_text.clone_from(&entry.alt_text);
                img.details = (!entry.details.is_empty()).then(|| Box::new(entry.details.clone()));
                *slot = Arc::new(img);
            }
        }
    }

    /// Adds rows appended to the shown `group` since the snapshot (an import
    /// running into it sends them, read on its own connection: see
    /// [`images::group_images_after`]). Rows already shown are skipped.
    /// Returns how many were added.
    pub fn append_rows(&mut self, group: GroupId, new: Vec<(i64, images::Image)>) -> usize {
        let mut added = 0;
        for (key, img) in new {
            self.last_key = Some(self.last_key.map_or(key, |k| k.max(key)));
            // A renumbered neighbourhood can carry a shown image past the old
            // last key; it is already here.
            if self.index.contains_key(&img.id) {
                continue;
            }
            self.index.insert(img.id, self.images.len());
            self.images.push(Arc::new(img));
            added += 1;
        }
        if let Some(g) = self.groups.iter_mut().find(|g| g.id == group) {
            g.image_count += added as u64;
            if g.cover.is_none() {
                g.cover = self.images.first().map(|i| i.id);
            }
        }
        for link in self.links.iter_mut().filter(|l| l.group == group) {
            link.image_count += added as u64;
        }
        added
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
        self.index
            .get(&id)
            .and_then(|&i| self.images.get(i))
            .map(|r| &**r)
    }

    /// Mirrors a committed move of the shown group's images (to just before
    /// `before`, or to the end), as `images::move_images_before` did it in the
    /// database: the moved images keep their relative order.
    pub fn move_local(&mut self, ids: &[ImageId], before: Option<ImageId>) {
        if !self.move_block(ids, before) {
            self.move_scattered(ids, before);
        }
        self.cover_is_first();
    }

    /// The shown group's cover in the sidebar is its first image.
    fn cover_is_first(&mut self) {
        let first = self.images.first().map(|i| i.id);
        if let Some(g) = self.shown {
            for group in self.groups.iter_mut().filter(|x| x.id == g) {
                group.cover = first;
            }
            for link in self.links.iter_mut().filter(|l| l.group == g) {
                link.cover = first;
            }
        }
    }

    fn move_scattered(&mut self, ids: &[ImageId], before: Option<ImageId>) {
        let moving: std::collections::HashSet<ImageId> = ids.iter().copied().collect();
        let mut moved = Vec::with_capacity(moving.len());
        let mut rest = Vec::with_capacity(self.images.len());
        for img in self.images.drain(..) {
            if moving.contains(&img.id) {
                moved.push(img);
            } else {
                rest.push(img);
            }
        }
        // The anchor may be one of the moved images: then the first image
        // after it that stays is where the block goes.
        let at = match before {
            None => rest.len(),
            Some(anchor) => {
                let after_anchor = self.index.get(&anchor).copied().unwrap_or(usize::MAX);
                rest.iter()
                    .position(|i| self.index.get(&i.id).copied().unwrap_or(0) >= after_anchor)
                    .unwrap_or(rest.len())
            }
        };
        rest.splice(at..at, moved);
        self.images = rest;
        for (i, img) in self.images.iter().enumerate() {
            self.index.insert(img.id, i);
        }
    }

    /// The common case of [`Data::move_local`] — the moved images sit side by
    /// side (one image, or a block) — done by rotating only the stretch
    /// between the block and its target, so a move near its place costs next
    /// to nothing even in a 100,000-image group. Returns false otherwise.
    fn move_block(&mut self, ids: &[ImageId], before: Option<ImageId>) -> bool {
        let mut positions: Vec<usize> =
            match ids.iter().map(|id| self.index.get(id).copied()).collect() {
                Some(p) => p,
                None => return false,
            };
        positions.sort_unstable();
        positions.dedup();
        let (Some(&first), Some(&last)) = (positions.first(), positions.last()) else {
            return true;
        };
        if last - first + 1 != positions.len() {
            return false;
        }
        let target = match before {
            None => self.images.len(),
            Some(anchor) => match self.index.get(&anchor) {
                Some(&a) => a,
                None => return false,
            },
        };
        let len = last - first + 1;
        let range = if target <= first {
            // Earlier: the block goes to `target`.
            self.images[target..=last].rotate_right(len);
            target..last + 1
        } else if target > last + 1 {
            // Later: the block goes just before `target`.
            self.images[first..target].rotate_left(len);
            first..target
        } else {
            // Onto itself: nothing moves.
            return true;
        };
        for i in range {
            if let Some(img) = self.images.get(i) {
                self.index.insert(img.id, i);
            }
        }
        true
    }

    /// `ids` in the shown group's order.
    pub fn in_order(&self, ids: &std::collections::HashSet<ImageId>) -> Vec<ImageId> {
        self.images
            .iter()
            .filter(|i| ids.contains(&i.id))
            .map(|i| i.id)
            .collect()
    }

    /// Whether dropping `ids` at `index` would leave the order as it is: they
    /// already sit side by side there.
    pub fn is_noop_move(&self, ids: &[ImageId], index: usize) -> bool {
        let positions: Vec<usize> = ids
            .iter()
            .filter_map(|id| self.index.get(id).copied())
            .collect();
        let (Some(&first), Some(&last)) = (positions.first(), positions.last()) else {
            return true;
        };
        last - first + 1 == positions.len() && (first..=last + 1).contains(&index)
    }

    /// Whether the library holds nothing at all yet: no gallery, no group,
    /// and no image (images in no group count: they must stay reachable).
    pub fn is_empty(&self) -> bool {
        self.galleries.is_empty()
            && self.groups.is_empty()
            && self.counts.is_none_or(|c| c.total == 0)
    }
}

/// Rows as the snapshot holds them.
fn rows(images: Vec<Image>) -> Vec<Row> {
    images.into_iter().map(Arc::new).collect()
}

/// Each image's position.
fn index_of(images: &[Row]) -> Index {
    images
        .iter()
        .enumerate()
        .map(|(i, img)| (img.id, i))
        .collect()
}

/// Where the inspected image is used, when it is in the shown group.
fn inspected_usage(
    lib: &Library,
    inspected: Option<ImageId>,
    index: &Index,
) -> Result<Option<(ImageId, Usage)>> {
    match inspected {
        Some(id) if index.contains_key(&id) => Ok(Some((id, images::usage(lib.conn(), id)?))),
        _ => Ok(None),
    }
}

/// How a link type reads in the sidebar: the seed's types in words
/// ("Main exhibit"), the artist's own as they typed them.
pub fn type_label(link_type: &str) -> String {
    crate::core::export::type_words(link_type)
}

/// Drops `old`, which holds `rows` rows, on a short-lived thread when they
/// are many: freeing 100,000 rows takes milliseconds the frame should not pay.
pub fn free_off_thread<T: Send + 'static>(rows: usize, old: T) {
    if rows > 10_000 {
        let _ = std::thread::Builder::new()
            .name("folio-drop".into())
            .spawn(move || drop(old));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::details::{self, Field};
    use crate::core::sample;

    #[test]
    fn appended_images_are_read_without_reloading_the_group() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path()).unwrap();
        let store = lib.store();
        let add = |lib: &mut Library, group: Option<GroupId>, range: std::ops::Range<u64>| {
            lib.write(|tx| {
                let g = match group {
                    Some(g) => g,
                    None => catalog::create_group(tx, "G", None)?,
                };
                sample::placeholder_images(tx, store, g, range.clone())?;
                Ok(g)
            })
            .unwrap()
        };
        let group = add(&mut lib, None, 0..5);
        let mut place = Place::group(None, Some(group));
        let mut data = Data::load(&lib, &mut place, None).unwrap();
        add(&mut lib, Some(group), 5..9);
        let new = images::group_images_after(lib.conn(), group, data.last_key).unwrap();
        assert_eq!(data.append_rows(group, new.clone()), 4);
        assert_eq!(data.append_rows(group, new), 0, "nothing twice");
        let mem: Vec<ImageId> = data.images.iter().map(|i| i.id).collect();
        assert_eq!(mem, images::group_image_ids(lib.conn(), group).unwrap());
        assert_eq!(data.group(group).unwrap().image_count, 9);
    }

    #[test]
    fn a_move_mirrored_in_memory_matches_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path()).unwrap();
        let store = lib.store();
        let group = lib
            .write(|tx| {
                let g = catalog::create_group(tx, "G", None)?;
                sample::placeholder_images(tx, store, g, 0..24)?;
                Ok(g)
            })
            .unwrap();
        let mut place = Place::group(None, Some(group));
        let mut data = Data::load(&lib, &mut place, None).unwrap();
        let mut rng = sample::Rng::new(1);
        let mut next = |n: usize| rng.index(n);
        for round in 0..300 {
            let order: Vec<ImageId> = data.images.iter().map(|i| i.id).collect();
            let count = 1 + next(5);
            let ids: Vec<ImageId> = (0..count).map(|_| order[next(order.len())]).collect();
            let before = match next(order.len() + 1) {
                i if i == order.len() => None,
                i => Some(order[i]),
            };
            lib.write(|tx| images::move_images_before(tx, group, &ids, before))
                .unwrap();
            data.move_local(&ids, before);
            let db = images::group_image_ids(lib.conn(), group).unwrap();
            let mem: Vec<ImageId> = data.images.iter().map(|i| i.id).collect();
            assert_eq!(mem, db, "round {round}: moved {ids:?} before {before:?}");
            for (i, id) in mem.iter().enumerate() {
                assert_eq!(data.index[id], i);
            }
            let cover = catalog::group(lib.conn(), group).unwrap().cover;
            assert_eq!(data.group(group).unwrap().cover, cover, "round {round}");
        }
    }

    /// Everything a snapshot shows, to compare a mirrored one with a fresh read.
    fn shown(data: &Data) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            data.galleries,
            data.links,
            data.groups,
            data.types,
            data.shown,
            data.images,
            data.usage.as_ref().map(|(id, u)| (id, &u.groups, &u.links)),
            data.counts
        )
    }

    #[test]
    fn edits_mirrored_in_memory_match_a_fresh_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path()).unwrap();
        let store = lib.store();
        let (show, walls, desk) = lib
            .write(|tx| {
                let show = catalog::create_gallery(tx, "Show", None)?;
                let walls = catalog::create_group(tx, "Walls", None)?;
                let desk = catalog::create_group(tx, "Desk", None)?;
                catalog::attach(tx, show, walls, "main_exhibit")?;
                catalog::attach(tx, show, desk, "sketches")?;
                sample::placeholder_images(tx, store, walls, 0..40)?;
                Ok((show, walls, desk))
            })
            .unwrap();
        let ids = images::group_image_ids(lib.conn(), walls).unwrap();
        lib.write(|tx| images::add_images(tx, desk, &ids[..10], None).map(drop))
            .unwrap();
        let inspected = Some(ids[5]);
        let mut data =
            Data::load(&lib, &mut Place::group(Some(show), Some(walls)), inspected).unwrap();
        let fresh = |lib: &Library| {
            shown(&Data::load(lib, &mut Place::group(Some(show), Some(walls)), inspected).unwrap())
        };
        let kept = |lib: &Library, data: &mut Data| {
            let mut place = Place::group(Some(show), Some(walls));
            Data::load_keeping(lib, &mut place, inspected, Some(data), 0).unwrap()
        };

        // Removed from the group: the first one (the cover), and a scattered few.
        let gone = [ids[0], ids[7], ids[8], ids[30], ids[39]];
        lib.write(|tx| images::remove_images(tx, walls, &gone).map(drop))
            .unwrap();
        data.remove_local(&gone);
        // Two of them are in no group now (the others are in Desk too).
        data.tally(&Tally {
            groups: Vec::new(),
            ungrouped: 2,
        });
        data = kept(&lib, &mut data);
        assert_eq!(shown(&data), fresh(&lib));
        for (i, img) in data.images.iter().enumerate() {
            assert_eq!(data.index[&img.id], i);
        }
        assert!(!data.index.contains_key(&ids[7]));

        // Renamed, retyped, and an alt text and title: rows kept, the rest re-read.
        let changed = lib
            .write(|tx| {
                catalog::rename_group(tx, walls, "Main wall")?;
                catalog::change_type(tx, show, desk, "sketches", "studies")?;
                details::set_fields(
                    tx,
                    &[ids[5]],
                    &[
                        (Field::AltText, "  A heron, at dusk ".into()),
                        (Field::Title, "Heron".into()),
                    ],
                )
            })
            .unwrap();
        let written: Vec<_> = changed.into_iter().map(|c| (c.id, c.after)).collect();
        data.replace_entries(&written);
        data = kept(&lib, &mut data);
        assert_eq!(shown(&data), fresh(&lib));
        assert_eq!(
            data.image(ids[5]).unwrap().alt_text.as_deref(),
            Some("A heron, at dusk")
        );

        // Deleted from the library, the inspected image among them.
        let gone = [ids[5], ids[20]];
        crate::core::storage::trash::delete_images(&mut lib, &gone).unwrap();
        data.remove_local(&gone);
        data.counts = None;
        assert!(data.usage.is_none());
        data = kept(&lib, &mut data);
        assert_eq!(shown(&data), fresh(&lib));

        // Another group shown: its rows are read, not taken from the old one.
        let other = Data::load_keeping(
            &lib,
            &mut Place::group(Some(show), Some(desk)),
            None,
            Some(&mut data),
            u64::MAX,
        )
        .unwrap();
        assert_eq!(
            other.images.iter().map(|i| i.id).collect::<Vec<_>>(),
            images::group_image_ids(lib.conn(), desk).unwrap()
        );
        assert_eq!(
            data.images.len(),
            33,
            "the old snapshot still holds its rows"
        );
        // …unless it is larger than the UI thread should read: then later.
        let mut place = Place::group(Some(show), Some(desk));
        let later = Data::load_keeping(&lib, &mut place, None, Some(&mut data), 5).unwrap();
        assert_eq!(later.deferred, Some(desk));
        assert!(later.images.is_empty() && later.shown.is_none());
        assert_eq!(later.group(desk).unwrap().image_count, 9);
    }

    #[test]
    fn images_added_and_tallied_in_memory_match_a_fresh_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(dir.path()).unwrap();
        let store = lib.store();
        let (walls, desk) = lib
            .write(|tx| {
                let walls = catalog::create_group(tx, "Walls", None)?;
                let desk = catalog::create_group(tx, "Desk", None)?;
                sample::placeholder_images(tx, store, walls, 0..12)?;
                sample::placeholder_images(tx, store, desk, 12..20)?;
                Ok((walls, desk))
            })
            .unwrap();
        let desk_ids = images::group_image_ids(lib.conn(), desk).unwrap();
        let walls_ids = images::group_image_ids(lib.conn(), walls).unwrap();
        let mut place = Place::group(None, Some(walls));
        let mut data = Data::load(&lib, &mut place, None).unwrap();
        let fresh = |lib: &Library| {
            shown(&Data::load(lib, &mut Place::group(None, Some(walls)), None).unwrap())
        };
        // Pasted into the shown group before its fourth image, one of them
        // already there.
        let before = Some(walls_ids[3]);
        let ask = [desk_ids[2], walls_ids[0], desk_ids[5]];
        let (added, cover) = lib
            .write(|tx| {
                let added = images::add_new_before(tx, walls, &ask, before)?;
                Ok((added, images::first_image(tx, walls)?))
            })
            .unwrap();
        assert_eq!(added, [desk_ids[2], desk_ids[5]]);
        let rows = added
            .iter()
            .map(|id| Arc::new(images::image(lib.conn(), *id).unwrap()))
            .collect();
        data.insert_local(rows, before);
        data.tally(&Tally {
            groups: vec![(walls, 2, cover)],
            ungrouped: 0,
        });
        assert_eq!(shown(&data), fresh(&lib));
        for (i, img) in data.images.iter().enumerate() {
            assert_eq!(data.index[&img.id], i);
        }
        // Taken out of Desk, the one only there is in no group now.
        let out = [desk_ids[0], desk_ids[2]];
        let cover = lib
            .write(|tx| {
                images::remove_images(tx, desk, &out)?;
                images::first_image(tx, desk)
            })
            .unwrap();
        data.tally(&Tally {
            groups: vec![(desk, -2, cover)],
            ungrouped: 1,
        });
        assert_eq!(shown(&data), fresh(&lib));
        assert_eq!(data.counts.unwrap().ungrouped, 1);
        // And the pool shows it.
        let pool = Data::load(&lib, &mut Place::pool(Pool::Ungrouped), None).unwrap();
        let loose: Vec<ImageId> = pool.images.iter().map(|i| i.id).collect();
        assert_eq!(loose, [desk_ids[0]]);
    }

    #[test]
    fn seed_types_read_as_words_and_own_types_as_typed() {
        assert_eq!(type_label("main_exhibit"), "Main exhibit");
        assert_eq!(type_label("guest_artist_feature"), "Guest artist feature");
        assert_eq!(type_label("press_kit"), "press_kit");
    }
}
