//! Undo: what each undoable step must remember to be taken back, and the one
//! rule by which a later change makes a step meaningless ([`Gone`]).
//!
//! A step that moved or removed images remembers them as runs (images that
//! stood side by side), each with the images that stood just after and just
//! before it. Undoing puts each run back, last first, right before the first
//! of the images after it that is still in the group (or after the nearest
//! one before it that is): the old order comes back relative to everything
//! still there, whatever happened in between.
//!
//! Undoing a step returns the step that undoes the undo: redo is undo of
//! that inverse, so every undoable change can be redone too.

use std::collections::HashSet;

use crate::core::model::catalog::Visibility;
use crate::core::model::details::{self, Entry};
use crate::core::model::profile::{self, Profile};
use crate::core::model::{catalog, images, order};
use crate::core::{GalleryId, GroupId, ImageId, Library};

/// How many neighbours on each side of a run are remembered.
const NEIGHBOURS: usize = 32;
/// How many steps can be undone.
const DEPTH: usize = 100;

/// Names one step of the history, for the Undo button of its notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepId(u64);

/// Images that stood side by side before a move or a removal.
#[derive(Clone, Debug)]
pub struct Run {
    pub images: Vec<ImageId>,
    /// The images after it, nearest first (images of later runs included:
    /// they are back by the time this run goes back).
    pub after: Vec<ImageId>,
    /// The images before it, nearest first (other runs' images left out).
    pub before: Vec<ImageId>,
}

/// One undoable change. Undoing a step gives the step that redoes it (see
/// [`Step::undo`]), so undo and redo are the same operation.
#[derive(Clone, Debug)]
pub enum Step {
    /// Images taken out of a group, where they stood.
    Removed { group: GroupId, runs: Vec<Run> },
    /// Images put into a group.
    Added { group: GroupId, ids: Vec<ImageId> },
    /// Images moved within a group, where they stood.
    Moved { group: GroupId, runs: Vec<Run> },
    /// A group's whole order before a sort.
    Ordered { group: GroupId, order: Vec<ImageId> },
    Detached {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
        /// Its place among the gallery's links.
        index: Option<usize>,
        /// Who exports showed it to.
        visibility: Visibility,
    },
    /// The artist's profile as it was.
    Profile(Profile),
    /// A link's visibility changed: `to` is the one it had.
    Visibility {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
        to: Visibility,
    },
    Attached {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
    },
    /// A link's type changed from `from` to `to`.
    Retyped {
        gallery: GalleryId,
        group: GroupId,
        from: String,
        to: String,
    },
    /// A link moved; it stood at `index`.
    LinkMoved {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
        index: usize,
    },
    /// A gallery moved in the sidebar; it stood at `index`.
    GalleryMoved { gallery: GalleryId, index: usize },
    /// A group deleted: what it was, to make it again.
    GroupDeleted(Box<DeletedGroup>),
    /// A group made again by undoing its deletion (undo: delete it again).
    GroupMade { group: GroupId },
    /// A gallery deleted: what it was, to make it again.
    GalleryDeleted(Box<DeletedGallery>),
    /// A gallery made again by undoing its deletion.
    GalleryMade { gallery: GalleryId },
    /// Images' alt text and details as they were before an edit: undone by
    /// writing them back.
    Written { entries: Vec<(ImageId, Entry)> },
    /// Steps one action made (a move to another group), undone together,
    /// last first.
    All(Vec<Step>),
}

/// A deleted group as it was: its name, description, images in order, and
/// its links (gallery, type, place among the gallery's links, visibility).
#[derive(Clone, Debug)]
pub struct DeletedGroup {
    pub id: GroupId,
    pub name: String,
    pub description: Option<String>,
    pub images: Vec<ImageId>,
    pub links: Vec<(GalleryId, String, usize, Visibility)>,
}

impl DeletedGroup {
    /// Reads what group `id` is, before it is deleted.
    pub fn read(conn: &rusqlite::Connection, id: GroupId) -> crate::core::Result<Self> {
        let group = catalog::group(conn, id)?;
        let mut links = Vec::new();
        for link in catalog::group_links(conn, id)? {
            let index = link_index(conn, link.gallery, id, &link.link_type)?.unwrap_or(0);
            links.push((link.gallery, link.link_type, index, link.visibility));
        }
        Ok(DeletedGroup {
            id,
            name: group.name,
            description: group.description,
            images: images::group_image_ids(conn, id)?,
            links,
        })
    }

    /// Makes the group again (under its old id when that is free): its
    /// images that are still in the library, in order, and its links to
    /// galleries that still exist, each in its place.
    fn make(&self, conn: &rusqlite::Connection) -> crate::core::Result<Made<GroupId>> {
        let (id, name) =
            catalog::restore_group(conn, self.id, &self.name, self.description.as_deref())?;
        let mut still = Vec::with_capacity(self.images.len());
        for &image in &self.images {
            if images::image(conn, image).is_ok() {
                still.push(image);
            }
        }
        images::add_images_before(conn, id, &still, None)?;
        // Each gallery's links in their old order, so that each lands in its place.
        let mut links: Vec<&(GalleryId, String, usize, Visibility)> = self.links.iter().collect();
        links.sort_by_key(|(gallery, _, index, _)| (*gallery, *index));
        let mut restored = 0;
        for (gallery, link_type, index, visibility) in links {
            if catalog::gallery(conn, *gallery).is_ok() {
                // As it was shown: a private link never comes back public.
                catalog::attach_with(conn, *gallery, id, link_type, *visibility)?;
                catalog::move_link(conn, *gallery, id, link_type, *index)?;
                restored += 1;
            }
        }
        Ok(Made {
            id,
            name,
            images: still.len(),
            links_left_out: self.links.len() - restored,
        })
    }
}

/// What making a deleted group or gallery again did.
#[derive(Clone, Debug)]
pub struct Made<Id> {
    pub id: Id,
    /// The name it got (its old one, or "… (restored)" when that was taken).
    pub name: String,
    /// The images it has again.
    pub images: usize,
    /// Links that could not come back (their gallery or group is gone).
    pub links_left_out: usize,
}

/// A deleted gallery as it was: name, description, its place among the
/// galleries, its links (group, type, visibility) in order, and its
/// website's members salt (so the members' files keep their names).
#[derive(Clone, Debug)]
pub struct DeletedGallery {
    pub id: GalleryId,
    pub name: String,
    pub description: Option<String>,
    pub index: usize,
    pub links: Vec<(GroupId, String, Visibility)>,
    pub salt: Option<[u8; 16]>,
}

impl DeletedGallery {
    /// Reads what gallery `id` is, before it is deleted.
    pub fn read(conn: &rusqlite::Connection, id: GalleryId) -> crate::core::Result<Self> {
        let gallery = catalog::gallery(conn, id)?;
        let index = catalog::list_galleries(conn)?
            .iter()
            .position(|g| g.id == id)
            .unwrap_or(0);
        Ok(DeletedGallery {
            id,
            name: gallery.name,
            description: gallery.description,
            index,
            links: catalog::gallery_links(conn, id)?
                .into_iter()
                .map(|l| (l.group, l.link_type, l.visibility))
                .collect(),
            salt: crate::core::export::members::read_salt(conn, id)?,
        })
    }

    /// Makes the gallery again (under its old id when that is free) in its
    /// place, with its links to groups that still exist.
    fn make(&self, conn: &rusqlite::Connection) -> crate::core::Result<Made<GalleryId>> {
        let (id, name) =
            catalog::restore_gallery(conn, self.id, &self.name, self.description.as_deref())?;
        catalog::move_gallery(conn, id, self.index)?;
        let mut restored = 0;
        for (group, link_type, visibility) in &self.links {
            if catalog::group(conn, *group).is_ok() {
                catalog::attach_with(conn, id, *group, link_type, *visibility)?;
                restored += 1;
            }
        }
        if let Some(salt) = self.salt {
            crate::core::export::members::set_salt(conn, id, salt)?;
        }
        Ok(Made {
            id,
            name,
            images: 0,
            links_left_out: self.links.len() - restored,
        })
    }
}

/// What undoing a step did.
pub struct Undone {
    /// How many images came back, went out or moved back.
    pub images: usize,
    /// The step that takes the undo back (redo), or the redo back (undo).
    pub inverse: Step,
    /// A group or gallery made again: its name now, the links left out, and
    /// its old id when it could not have it back (what named it is forgotten).
    pub made: Option<MadeAgain>,
}

/// A deleted group or gallery that an undo made again.
#[derive(Clone, Debug)]
pub struct MadeAgain {
    pub name: String,
    pub links_left_out: usize,
    pub lost_id: Option<Gone>,
}

/// What a change deleted: steps that refer to any of it cannot be undone.
#[derive(Clone, Debug, Default)]
pub struct Gone {
    pub galleries: Vec<GalleryId>,
    pub groups: Vec<GroupId>,
    pub images: Vec<ImageId>,
}

impl Gone {
    pub fn is_empty(&self) -> bool {
        self.galleries.is_empty() && self.groups.is_empty() && self.images.is_empty()
    }
}

impl Step {
    /// Where the images at `positions` of a group's order stand, as runs:
    /// `id_at(i)` is the image at position `i` of the `len` in the group.
    /// Only the neighbourhood of each run is read, so a step costs what it
    /// moves, not the size of the group.
    pub fn runs(len: usize, id_at: impl Fn(usize) -> ImageId, positions: &[usize]) -> Vec<Run> {
        let mut positions: Vec<usize> = positions.iter().copied().filter(|&p| p < len).collect();
        positions.sort_unstable();
        positions.dedup();
        let moving: HashSet<usize> = positions.iter().copied().collect();
        let mut runs: Vec<Run> = Vec::new();
        let mut i = 0;
        while i < positions.len() {
            let start = positions[i];
            let mut end = start;
            while i + 1 < positions.len() && positions[i + 1] == end + 1 {
                i += 1;
                end += 1;
            }
            i += 1;
            runs.push(Run {
                images: (start..=end).map(&id_at).collect(),
                after: (end + 1..len.min(end + 1 + NEIGHBOURS))
                    .map(&id_at)
                    .collect(),
                before: (0..start)
                    .rev()
                    .filter(|p| !moving.contains(p))
                    .take(NEIGHBOURS)
                    .map(&id_at)
                    .collect(),
            });
        }
        runs
    }

    /// Whether undoing this step needs something that is gone.
    fn refers_to(&self, gone: &Gone, gone_images: &HashSet<ImageId>) -> bool {
        let group_gone = |g: &GroupId| gone.groups.contains(g);
        let link_gone = |ga: &GalleryId, g: &GroupId| gone.galleries.contains(ga) || group_gone(g);
        match self {
            Step::Removed { group, runs } | Step::Moved { group, runs } => {
                group_gone(group)
                    || runs
                        .iter()
                        .any(|r| r.images.iter().any(|i| gone_images.contains(i)))
            }
            Step::Added { group, ids } => {
                group_gone(group) || ids.iter().any(|i| gone_images.contains(i))
            }
            Step::Ordered { group, .. } => group_gone(group),
            Step::Written { entries } => entries.iter().any(|(i, _)| gone_images.contains(i)),
            Step::Detached { gallery, group, .. }
            | Step::Attached { gallery, group, .. }
            | Step::Retyped { gallery, group, .. }
            | Step::Visibility { gallery, group, .. }
            | Step::LinkMoved { gallery, group, .. } => link_gone(gallery, group),
            Step::GalleryMoved { gallery, .. } | Step::GalleryMade { gallery } => {
                gone.galleries.contains(gallery)
            }
            Step::GroupMade { group } => group_gone(group),
            // Made again from what they were; what is gone since is left out.
            Step::GroupDeleted(_) | Step::GalleryDeleted(_) | Step::Profile(_) => false,
            Step::All(steps) => steps.iter().any(|s| s.refers_to(gone, gone_images)),
        }
    }

    /// Leaves out of a remembered deletion what is gone for good.
    fn prune(&mut self, gone: &Gone, images: &HashSet<ImageId>) {
        match self {
            Step::GroupDeleted(d) => {
                d.images.retain(|i| !images.contains(i));
                d.links.retain(|(g, ..)| !gone.galleries.contains(g));
            }
            Step::GalleryDeleted(d) => d.links.retain(|(g, ..)| !gone.groups.contains(g)),
            Step::All(steps) => {
                for s in steps {
                    s.prune(gone, images);
                }
            }
            _ => {}
        }
    }

    /// The group whose images undoing this step changes (the last one for
    /// several), to show it there.
    pub fn group(&self) -> Option<GroupId> {
        match self {
            Step::Removed { group, .. }
            | Step::Added { group, .. }
            | Step::Moved { group, .. }
            | Step::Ordered { group, .. } => Some(*group),
            Step::All(steps) => steps.last().and_then(Step::group),
            _ => None,
        }
    }

    /// The images undoing this step brings back into view, to select them.
    pub fn images(&self) -> Vec<ImageId> {
        match self {
            Step::Removed { runs, .. } | Step::Moved { runs, .. } => {
                runs.iter().flat_map(|r| r.images.iter().copied()).collect()
            }
            Step::Written { entries } => entries.iter().map(|(i, _)| *i).collect(),
            Step::All(steps) => steps.last().map(Step::images).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Takes the step back, in one transaction, and returns the step that
    /// takes that back again.
    pub fn undo(&self, lib: &mut Library) -> crate::core::Result<Undone> {
        lib.write(|tx| self.undo_in(tx))
    }

    fn undo_in(&self, tx: &rusqlite::Connection) -> crate::core::Result<Undone> {
        let done = |images: usize, inverse: Step| {
            Ok(Undone {
                images,
                inverse,
                made: None,
            })
        };
        match self {
            Step::Removed { group, runs } => {
                let mut back = Vec::new();
                for run in runs.iter().rev() {
                    let before = back_before(tx, *group, run)?;
                    let mut added = images::add_new_before(tx, *group, &run.images, before)?;
                    added.append(&mut back);
                    back = added;
                }
                done(
                    back.len(),
                    Step::Added {
                        group: *group,
                        ids: back,
                    },
                )
            }
            Step::Written { entries } => {
                let ids: Vec<ImageId> = entries.iter().map(|(id, _)| *id).collect();
                let mut read = details::entries(tx, &ids)?;
                let mut now = Vec::with_capacity(entries.len());
                for (id, entry) in entries {
                    let before = read.remove(id).ok_or(id.not_found())?;
                    details::write_change(
                        tx,
                        &details::Changed {
                            id: *id,
                            before: before.clone(),
                            after: entry.clone(),
                        },
                    )?;
                    now.push((*id, before));
                }
                done(entries.len(), Step::Written { entries: now })
            }
            Step::Added { group, ids } => {
                let runs = runs_in(tx, *group, ids)?;
                let n = images::remove_images(tx, *group, ids)?;
                done(
                    n,
                    Step::Removed {
                        group: *group,
                        runs,
                    },
                )
            }
            Step::Moved { group, runs } => {
                let moved: Vec<ImageId> = runs.iter().flat_map(|r| r.images.clone()).collect();
                let now = runs_in(tx, *group, &moved)?;
                let mut back = 0;
                for run in runs.iter().rev() {
                    let before = back_before(tx, *group, run)?;
                    // Those taken out of the group since stay out.
                    let mut still = Vec::with_capacity(run.images.len());
                    for &id in &run.images {
                        if order::key_of(tx, *group, id)?.is_some() {
                            still.push(id);
                        }
                    }
                    images::move_images_before(tx, *group, &still, before)?;
                    back += still.len();
                }
                done(
                    back,
                    Step::Moved {
                        group: *group,
                        runs: now,
                    },
                )
            }
            Step::Ordered { group, order } => {
                let now = images::group_image_ids(tx, *group)?;
                images::set_order(tx, *group, order)?;
                done(
                    now.len(),
                    Step::Ordered {
                        group: *group,
                        order: now,
                    },
                )
            }
            Step::Detached {
                gallery,
                group,
                link_type,
                index,
                visibility,
            } => {
                catalog::attach_with(tx, *gallery, *group, link_type, *visibility)?;
                if let Some(index) = index {
                    catalog::move_link(tx, *gallery, *group, link_type, *index)?;
                }
                done(
                    0,
                    Step::Attached {
                        gallery: *gallery,
                        group: *group,
                        link_type: link_type.clone(),
                    },
                )
            }
            Step::Attached {
                gallery,
                group,
                link_type,
            } => {
                let index = link_index(tx, *gallery, *group, link_type)?;
                let visibility = catalog::link_visibility(tx, *gallery, *group, link_type)?;
                catalog::detach(tx, *gallery, *group, link_type)?;
                done(
                    0,
                    Step::Detached {
                        gallery: *gallery,
                        group: *group,
                        link_type: link_type.clone(),
                        index,
                        visibility: visibility.unwrap_or_default(),
                    },
                )
            }
            Step::Profile(was) => {
                let now = profile::read(tx)?;
                profile::write(tx, was.clone())?;
                done(0, Step::Profile(now))
            }
            Step::Visibility {
                gallery,
                group,
                link_type,
                to,
            } => {
                let was = catalog::set_visibility(tx, *gallery, *group, link_type, *to)?;
                done(
                    0,
                    Step::Visibility {
                        gallery: *gallery,
                        group: *group,
                        link_type: link_type.clone(),
                        to: was,
                    },
                )
            }
            Step::Retyped {
                gallery,
                group,
                from,
                to,
            } => {
                catalog::change_type(tx, *gallery, *group, to, from)?;
                done(
                    0,
                    Step::Retyped {
                        gallery: *gallery,
                        group: *group,
                        from: to.clone(),
                        to: from.clone(),
                    },
                )
            }
            Step::LinkMoved {
                gallery,
                group,
                link_type,
                index,
            } => {
                let now = link_index(tx, *gallery, *group, link_type)?.unwrap_or(0);
                catalog::move_link(tx, *gallery, *group, link_type, *index)?;
                done(
                    0,
                    Step::LinkMoved {
                        gallery: *gallery,
                        group: *group,
                        link_type: link_type.clone(),
                        index: now,
                    },
                )
            }
            Step::GalleryMoved { gallery, index } => {
                let now = catalog::list_galleries(tx)?
                    .iter()
                    .position(|g| g.id == *gallery)
                    .ok_or(gallery.not_found())?;
                catalog::move_gallery(tx, *gallery, *index)?;
                done(
                    0,
                    Step::GalleryMoved {
                        gallery: *gallery,
                        index: now,
                    },
                )
            }
            Step::GroupDeleted(deleted) => {
                let made = deleted.make(tx)?;
                Ok(Undone {
                    images: made.images,
                    inverse: Step::GroupMade { group: made.id },
                    made: Some(MadeAgain {
                        name: made.name,
                        links_left_out: made.links_left_out,
                        lost_id: (made.id != deleted.id).then(|| Gone {
                            groups: vec![deleted.id],
                            ..Gone::default()
                        }),
                    }),
                })
            }
            Step::GroupMade { group } => {
                let deleted = DeletedGroup::read(tx, *group)?;
                catalog::delete_group(tx, *group)?;
                done(deleted.images.len(), Step::GroupDeleted(Box::new(deleted)))
            }
            Step::GalleryDeleted(deleted) => {
                let made = deleted.make(tx)?;
                Ok(Undone {
                    images: 0,
                    inverse: Step::GalleryMade { gallery: made.id },
                    made: Some(MadeAgain {
                        name: made.name,
                        links_left_out: made.links_left_out,
                        lost_id: (made.id != deleted.id).then(|| Gone {
                            galleries: vec![deleted.id],
                            ..Gone::default()
                        }),
                    }),
                })
            }
            Step::GalleryMade { gallery } => {
                let deleted = DeletedGallery::read(tx, *gallery)?;
                catalog::delete_gallery(tx, *gallery)?;
                done(0, Step::GalleryDeleted(Box::new(deleted)))
            }
            Step::All(steps) => {
                let mut images = 0;
                let mut inverses = Vec::with_capacity(steps.len());
                for step in steps.iter().rev() {
                    let undone = step.undo_in(tx)?;
                    images = images.max(undone.images);
                    inverses.push(undone.inverse);
                }
                done(images, Step::All(inverses))
            }
        }
    }
}

/// Where `ids` stand in `group`, as undo runs, read from the database.
pub fn runs_in(
    conn: &rusqlite::Connection,
    group: GroupId,
    ids: &[ImageId],
) -> crate::core::Result<Vec<Run>> {
    let order = images::group_image_ids(conn, group)?;
    let wanted: HashSet<ImageId> = ids.iter().copied().collect();
    let positions: Vec<usize> = (0..order.len())
        .filter(|&i| wanted.contains(&order[i]))
        .collect();
    Ok(Step::runs(order.len(), |i| order[i], &positions))
}

/// The image that `run` goes back before: the first image that followed it
/// and is still in the group; else the one now after the nearest image that
/// preceded it; else, for a run that began the group, its first image now;
/// else none (the end).
fn back_before(
    conn: &rusqlite::Connection,
    group: GroupId,
    run: &Run,
) -> crate::core::Result<Option<ImageId>> {
    for &next in &run.after {
        if order::key_of(conn, group, next)?.is_some() {
            return Ok(Some(next));
        }
    }
    for &prev in &run.before {
        if order::key_of(conn, group, prev)?.is_some() {
            return images::image_after(conn, group, prev);
        }
    }
    if run.before.is_empty() {
        return order::image_at(conn, group, 0);
    }
    Ok(None)
}

/// The place of a link among its gallery's links.
fn link_index(
    conn: &rusqlite::Connection,
    gallery: GalleryId,
    group: GroupId,
    link_type: &str,
) -> crate::core::Result<Option<usize>> {
    Ok(catalog::gallery_links(conn, gallery)?
        .iter()
        .position(|l| l.group == group && l.link_type == link_type))
}

/// The steps that can be undone (newest last) and those that can be redone
/// (the last undone last).
#[derive(Default)]
pub struct History {
    steps: Vec<Remembered>,
    redo: Vec<Remembered>,
    next_id: u64,
}

/// A remembered step and what the change was, in words (its notice), for
/// the notice of its redo.
struct Remembered {
    id: StepId,
    step: Step,
    label: String,
}

impl History {
    fn id(&mut self) -> StepId {
        self.next_id += 1;
        StepId(self.next_id)
    }

    /// Remembers a new change, named `label`; what was undone before it can
    /// no longer be redone. Returns its id.
    pub fn push(&mut self, step: Step, label: String) -> StepId {
        self.redo.clear();
        self.push_undo(step, label)
    }

    /// Remembers a step to undo (a redone one keeps the redo list).
    pub fn push_undo(&mut self, step: Step, label: String) -> StepId {
        let id = self.id();
        self.steps.push(Remembered { id, step, label });
        if self.steps.len() > DEPTH {
            self.steps.remove(0);
        }
        id
    }

    /// Remembers the step that redoes an undone one (`label`: the change it
    /// makes again).
    pub fn push_redo(&mut self, step: Step, label: String) -> StepId {
        let id = self.id();
        self.redo.push(Remembered { id, step, label });
        if self.redo.len() > DEPTH {
            self.redo.remove(0);
        }
        id
    }

    /// Forgets what could be redone (a change that is not undoable was made).
    pub fn clear_redo(&mut self) {
        self.redo.clear();
    }

    /// The newest step and its label, taken off the history.
    pub fn pop(&mut self) -> Option<(Step, String)> {
        self.steps.pop().map(|e| (e.step, e.label))
    }

    /// The last undone step's redo and its label, taken off.
    pub fn pop_redo(&mut self) -> Option<(Step, String)> {
        self.redo.pop().map(|e| (e.step, e.label))
    }

    /// Whether `id` is the step Undo would take back now.
    pub fn is_next(&self, id: StepId) -> bool {
        self.steps.last().is_some_and(|e| e.id == id)
    }

    /// Drops every step that refers to something gone: the one rule for all.
    pub fn forget(&mut self, gone: &Gone) {
        if gone.is_empty() {
            return;
        }
        let images: HashSet<ImageId> = gone.images.iter().copied().collect();
        self.steps.retain(|e| !e.step.refers_to(gone, &images));
        self.redo.retain(|e| !e.step.refers_to(gone, &images));
        // What a deleted group or gallery would be made again with: not an
        // image deleted since (its id may be given to another), nor a link to
        // a gallery or group deleted for good.
        for e in self.steps.iter_mut().chain(self.redo.iter_mut()) {
            e.step.prune(gone, &images);
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: i64) -> Vec<ImageId> {
        (1..=n).map(ImageId).collect()
    }

    #[test]
    fn runs_remember_their_neighbours_on_both_sides() {
        let order = ids(7);
        let at = |i: usize| order[i];
        let runs = Step::runs(order.len(), at, &[1, 2, 5]);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].images, [ImageId(2), ImageId(3)]);
        assert_eq!(runs[0].before, [ImageId(1)]);
        assert_eq!(
            runs[0].after,
            [ImageId(4), ImageId(5), ImageId(6), ImageId(7)],
            "6 is kept: it goes back first"
        );
        assert_eq!(runs[1].images, [ImageId(6)]);
        assert_eq!(
            runs[1].before,
            [ImageId(5), ImageId(4), ImageId(1)],
            "nearest first, the other run left out"
        );
        assert_eq!(runs[1].after, [ImageId(7)]);
        let first = Step::runs(order.len(), at, &[0]);
        assert!(first[0].before.is_empty(), "it began the group");
    }

    #[test]
    fn a_deleted_thing_forgets_exactly_the_steps_that_need_it() {
        let mut h = History::default();
        let order = ids(4);
        let removed = h.push(
            Step::Removed {
                group: GroupId(1),
                runs: Step::runs(order.len(), |i| order[i], &[1]),
            },
            "Removed".into(),
        );
        h.push(
            Step::Detached {
                gallery: GalleryId(7),
                group: GroupId(2),
                link_type: "sketches".into(),
                index: Some(0),
                visibility: Visibility::Public,
            },
            "Detached".into(),
        );
        h.forget(&Gone {
            galleries: vec![GalleryId(7)],
            ..Gone::default()
        });
        assert_eq!(h.len(), 1);
        assert!(h.is_next(removed));
        // A neighbour that is gone is no reason to forget: undo goes around it.
        h.forget(&Gone {
            images: vec![ImageId(3)],
            ..Gone::default()
        });
        assert_eq!(h.len(), 1);
        h.forget(&Gone {
            images: vec![ImageId(2)],
            ..Gone::default()
        });
        assert!(h.is_empty());
    }
}
