//! Undo: what each undoable step must remember to be taken back, and the one
//! rule by which a later change makes a step meaningless ([`Gone`]).
//!
//! A step that moved or removed images remembers, for each of them, the
//! images that stood after and before it. Undoing puts each image back right
//! before the first of those that follow it and are still in the group (or
//! after the nearest one before it), last first: the old order comes back
//! relative to everything still there, whatever happened in between.

use crate::core::model::{catalog, images, order};
use crate::core::{GalleryId, GroupId, ImageId, Library};

/// How many neighbours on each side a moved or removed image remembers.
const NEIGHBOURS: usize = 32;
/// How many steps can be undone.
const DEPTH: usize = 100;

/// Names one step of the history, for the Undo button of its notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepId(u64);

/// Where one image stood before a move or a removal.
#[derive(Clone, Debug)]
pub struct Place {
    pub image: ImageId,
    /// The images after it, nearest first (others of the same step included).
    pub after: Vec<ImageId>,
    /// The images before it, nearest first (others of the same step left out).
    pub before: Vec<ImageId>,
}

/// One undoable change.
#[derive(Clone, Debug)]
pub enum Step {
    Removed {
        group: GroupId,
        places: Vec<Place>,
    },
    Moved {
        group: GroupId,
        places: Vec<Place>,
    },
    Detached {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
        /// Its place among the gallery's links.
        index: Option<usize>,
    },
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
    /// Where `ids` stand in `order` (a group's images in order), for undo.
    pub fn places(order: &[ImageId], ids: &[ImageId]) -> Vec<Place> {
        let moving: std::collections::HashSet<ImageId> = ids.iter().copied().collect();
        order
            .iter()
            .enumerate()
            .filter(|(_, id)| moving.contains(id))
            .map(|(i, &image)| Place {
                image,
                after: order[i + 1..].iter().take(NEIGHBOURS).copied().collect(),
                before: order[..i]
                    .iter()
                    .rev()
                    .filter(|id| !moving.contains(id))
                    .take(NEIGHBOURS)
                    .copied()
                    .collect(),
            })
            .collect()
    }

    /// Whether undoing this step needs something that is gone.
    fn refers_to(&self, gone: &Gone) -> bool {
        match self {
            Step::Removed { group, places } | Step::Moved { group, places } => {
                gone.groups.contains(group) || places.iter().any(|p| gone.images.contains(&p.image))
            }
            Step::Detached { gallery, group, .. } => {
                gone.galleries.contains(gallery) || gone.groups.contains(group)
            }
        }
    }

    /// The images this step brings back into view, to select after undoing it.
    pub fn images(&self) -> Vec<ImageId> {
        match self {
            Step::Removed { places, .. } | Step::Moved { places, .. } => {
                places.iter().map(|p| p.image).collect()
            }
            Step::Detached { .. } => Vec::new(),
        }
    }

    /// Takes the step back, in one transaction.
    pub fn undo(&self, lib: &mut Library) -> crate::core::Result<()> {
        match self {
            Step::Removed { group, places } | Step::Moved { group, places } => {
                let removed = matches!(self, Step::Removed { .. });
                lib.write(|tx| {
                    for place in places.iter().rev() {
                        let before = back_before(tx, *group, place)?;
                        if removed {
                            images::add_images_before(tx, *group, &[place.image], before)?;
                        } else if order::key_of(tx, *group, place.image)?.is_some() {
                            images::move_images_before(tx, *group, &[place.image], before)?;
                        }
                    }
                    Ok(())
                })
            }
            Step::Detached {
                gallery,
                group,
                link_type,
                index,
            } => lib.write(|tx| {
                catalog::attach(tx, *gallery, *group, link_type)?;
                if let Some(index) = index {
                    catalog::move_link(tx, *gallery, *group, link_type, *index)?;
                }
                Ok(())
            }),
        }
    }
}

/// The image that `place.image` goes back before: the first image that
/// followed it and is still in the group, else the one now after the nearest
/// image that preceded it, else none (the end).
fn back_before(
    conn: &rusqlite::Connection,
    group: GroupId,
    place: &Place,
) -> crate::core::Result<Option<ImageId>> {
    for &next in &place.after {
        if next != place.image && order::key_of(conn, group, next)?.is_some() {
            return Ok(Some(next));
        }
    }
    for &prev in &place.before {
        if order::key_of(conn, group, prev)?.is_some() {
            return images::image_after(conn, group, prev);
        }
    }
    Ok(None)
}

/// The steps that can be undone, newest last.
#[derive(Default)]
pub struct History {
    steps: Vec<(StepId, Step)>,
    next_id: u64,
}

impl History {
    /// Remembers a step; returns its id.
    pub fn push(&mut self, step: Step) -> StepId {
        self.next_id += 1;
        let id = StepId(self.next_id);
        self.steps.push((id, step));
        if self.steps.len() > DEPTH {
            self.steps.remove(0);
        }
        id
    }

    /// The newest step, taken off the history.
    pub fn pop(&mut self) -> Option<Step> {
        self.steps.pop().map(|(_, s)| s)
    }

    /// Whether `id` is the step Undo would take back now.
    pub fn is_next(&self, id: StepId) -> bool {
        self.steps.last().is_some_and(|(last, _)| *last == id)
    }

    /// Drops every step that refers to something gone: the one rule for all.
    pub fn forget(&mut self, gone: &Gone) {
        if !gone.is_empty() {
            self.steps.retain(|(_, s)| !s.refers_to(gone));
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
    fn places_remember_neighbours_on_both_sides() {
        let order = ids(6);
        let places = Step::places(&order, &[ImageId(2), ImageId(3)]);
        assert_eq!(places.len(), 2);
        assert_eq!(places[0].image, ImageId(2));
        assert_eq!(
            places[0].after,
            ids(6)[2..].to_vec(),
            "3 is kept: it goes back first"
        );
        assert_eq!(places[0].before, vec![ImageId(1)]);
        assert_eq!(
            places[1].before,
            vec![ImageId(1)],
            "2 is left out: it is not back yet"
        );
    }

    #[test]
    fn a_deleted_thing_forgets_exactly_the_steps_that_need_it() {
        let mut h = History::default();
        let order = ids(4);
        let removed = h.push(Step::Removed {
            group: GroupId(1),
            places: Step::places(&order, &[ImageId(2)]),
        });
        h.push(Step::Detached {
            gallery: GalleryId(7),
            group: GroupId(2),
            link_type: "sketches".into(),
            index: Some(0),
        });
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
