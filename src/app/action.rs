//! What the artist changes, and the one place that decides what each change
//! does: [`perform`] runs an [`Action`] in one transaction and returns its
//! [`Effect`] — how the shown rows change, what undo must remember, what is
//! gone, what to tell the artist, where the view goes, what work follows —
//! and the app applies every effect the same way (`FolioApp::apply`).

use std::path::PathBuf;

use super::data::{Place, Pool, Row, Tally};
use super::history::{self, DeletedGallery, DeletedGroup, Gone, History, Run, Step, StepId};
use super::jobs::{Pick, Work};
use super::session::Session;
use crate::core::model::catalog::Visibility;
use crate::core::model::details::{self, Entry, Field, Unit};
use crate::core::model::images::SortBy;
use crate::core::model::profile::{self, Profile};
use crate::core::model::{catalog, images};
use crate::core::storage::trash;
use crate::core::{GalleryId, GroupId, ImageId};

/// A change to the library or the view, applied after the frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Show a gallery (and one of its groups).
    SelectGallery(Option<GalleryId>),
    /// Show a group (in the selected gallery, if it is one of its groups).
    SelectGroup(Option<GroupId>),
    /// Show a pool of the whole library.
    SelectPool(Pool),
    /// A new gallery: name and description.
    CreateGallery(String, String),
    /// A gallery's new name and description.
    EditGallery(GalleryId, String, String),
    DeleteGallery(GalleryId),
    /// A new group, attached to a gallery with a type when given.
    CreateGroup {
        name: String,
        attach: Option<(GalleryId, String, Visibility)>,
        /// Import these into it once made.
        then_import: Vec<PathBuf>,
        then_pick: Option<Pick>,
    },
    /// A group's new name and description.
    EditGroup(GroupId, String, String),
    DeleteGroup(GroupId),
    Attach {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
        visibility: Visibility,
    },
    /// Who exports show a link to.
    SetVisibility {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
        to: Visibility,
    },
    Detach {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
    },
    ChangeType {
        gallery: GalleryId,
        group: GroupId,
        from: String,
        to: String,
    },
    /// Put a gallery's link at position `to`.
    MoveLink {
        gallery: GalleryId,
        group: GroupId,
        link_type: String,
        to: usize,
    },
    /// Move images of a group to just before `before` (`None`: the end).
    MoveImages {
        group: GroupId,
        ids: Vec<ImageId>,
        before: Option<ImageId>,
    },
    /// Put images of the library into a group too, right before `before`
    /// (`None`: at the end); those already in it stay where they are.
    AddToGroup {
        group: GroupId,
        ids: Vec<ImageId>,
        before: Option<ImageId>,
    },
    /// Take images out of group `from` and put them into `to`.
    MoveToGroup {
        from: GroupId,
        to: GroupId,
        ids: Vec<ImageId>,
        before: Option<ImageId>,
    },
    /// Put a group in a new order.
    SortGroup {
        group: GroupId,
        by: SortBy,
    },
    /// Put a gallery at position `to` in the sidebar.
    MoveGallery {
        gallery: GalleryId,
        to: usize,
    },
    /// Take images out of a group; they stay in the library.
    RemoveFromGroup {
        group: GroupId,
        ids: Vec<ImageId>,
    },
    /// Delete images from the library, with their files.
    DeleteImages(Vec<ImageId>),
    /// Write what was typed into fields of these images' alt text and
    /// details: each edit a field and its text, applied in order to every image.
    SetDetails {
        ids: Vec<ImageId>,
        edits: Vec<(Field, String)>,
        /// The unit for images that have none yet (a dimension typed).
        unit_if_none: Option<Unit>,
    },
    /// The artist's profile, as exports name them.
    SetProfile(Profile),
    /// Where a gallery was exported (the view remembers it for next time).
    ExportedTo {
        key: String,
        path: String,
    },
    /// Import files and folders into a group (in the background).
    Import {
        paths: Vec<PathBuf>,
        group: GroupId,
    },
    /// Ask for files or a folder to import into a group (a native dialog).
    Pick(Pick, GroupId),
    Undo,
    Redo,
}

impl Action {
    /// Whether it changes the library (then what was undone can no longer be
    /// redone), as opposed to the view, a dialog, or undo and redo themselves.
    pub fn is_edit(&self) -> bool {
        !matches!(
            self,
            Action::SelectGallery(_)
                | Action::SelectGroup(_)
                | Action::SelectPool(_)
                | Action::Pick(..)
                | Action::ExportedTo { .. }
                | Action::Undo
                | Action::Redo
        )
    }
}

/// What an applied action did to the shown group's rows, in memory.
#[derive(Clone, Debug, Default)]
pub enum Mirror {
    /// Nothing: the rows are as they were (the catalogue is re-read).
    #[default]
    Unchanged,
    /// A reorder, mirrored with [`super::data::Data::move_local`].
    Move(Vec<ImageId>, Option<ImageId>),
    /// Rows new in the shown group, right before the image given (`None`:
    /// at the end): [`super::data::Data::insert_local`].
    Insert(Vec<Row>, Option<ImageId>),
    /// Images gone from the shown group (or from the library).
    Remove(Vec<ImageId>),
    /// The shown group in a whole new order (a sort).
    Order(Vec<ImageId>),
    /// Images' alt text and details are now these.
    Entries(Vec<(ImageId, Entry)>),
    /// Anything (undo): the group is read again.
    Unknown,
}

/// What happens to the selection.
#[derive(Clone, Debug, Default)]
pub enum Selecting {
    #[default]
    Keep,
    /// Nothing selected, the viewer closed.
    Clear,
    /// Exactly these images, in the group's order.
    Set(Vec<ImageId>),
}

/// Everything an action did besides its write, for the app to apply.
#[derive(Debug, Default)]
pub struct Effect {
    pub mirror: Mirror,
    /// The step that undoes it.
    pub undo: Option<Step>,
    /// A step already remembered (a redo's) that the notice's Undo button
    /// takes back.
    pub pushed: Option<StepId>,
    /// What it deleted for good: undo steps that need it are forgotten.
    pub gone: Gone,
    /// What it deleted in a way that can be undone: the steps before it
    /// still name it (they are reached only after it is made again), but a
    /// cut from it pastes as a copy.
    pub deleted: Gone,
    /// A line for the status bar (with an Undo button when `undo` is set).
    pub notice: Option<String>,
    /// What to show next.
    pub go: Option<Place>,
    /// How the counts and covers changed, when the action knows: then
    /// nothing of the catalogue is read again.
    pub tally: Option<Tally>,
    /// The library's counts must be read again (the action cannot say how
    /// they changed).
    pub recount: bool,
    pub selection: Selecting,
    /// Background work to queue.
    pub work: Option<Work>,
    /// A file dialog to open for this group (named).
    pub pick: Option<(Pick, GroupId, String)>,
}

/// Runs `action` in one transaction and says what else it did.
pub fn perform(
    action: Action,
    session: &mut Session,
    history: &mut History,
) -> Result<Effect, String> {
    let mut effect = Effect::default();
    match action {
        Action::SelectGallery(g) => {
            // The snapshot read next shows one of its groups (the one shown,
            // if it is one of them).
            effect.go = Some(Place::group(g, session.view.group()));
        }
        Action::SelectGroup(g) => effect.go = Some(show_group(session, g)),
        Action::SelectPool(pool) => effect.go = Some(Place::pool(pool)),
        Action::CreateGallery(name, description) => {
            let id = write(session, "make the gallery", |tx| {
                catalog::create_gallery(tx, &name, Some(&description))
            })?;
            effect.go = Some(Place::group(Some(id), None));
        }
        Action::EditGallery(id, name, description) => {
            write(session, "change the gallery", |tx| {
                catalog::rename_gallery(tx, id, &name)?;
                catalog::set_gallery_description(tx, id, Some(&description))
            })?;
        }
        Action::DeleteGallery(id) => return delete_gallery(session, id),
        Action::CreateGroup {
            name,
            attach,
            then_import,
            then_pick,
        } => return create_group(session, name, attach, then_import, then_pick),
        Action::EditGroup(id, name, description) => {
            write(session, "change the group", |tx| {
                catalog::rename_group(tx, id, &name)?;
                catalog::set_group_description(tx, id, Some(&description))
            })?;
        }
        Action::DeleteGroup(id) => return delete_group(session, id),
        Action::Attach {
            gallery,
            group,
            link_type,
            visibility,
        } => {
            let link_type = write(session, "attach the group", |tx| {
                let link_type = catalog::clean_type(&link_type)?;
                catalog::attach_with(tx, gallery, group, &link_type, visibility)?;
                Ok(link_type)
            })?;
            effect.go = Some(Place::group(Some(gallery), Some(group)));
            effect.notice = Some(format!(
                "Attached \u{201c}{}\u{201d} as {} ({}).",
                session.group_name(group),
                super::data::type_label(&link_type),
                visibility.label().to_lowercase()
            ));
            effect.undo = Some(Step::Attached {
                gallery,
                group,
                link_type,
            });
        }
        Action::SetVisibility {
            gallery,
            group,
            link_type,
            to,
        } => {
            let was = write(session, "change who sees the group", |tx| {
                catalog::set_visibility(tx, gallery, group, &link_type, to)
            })?;
            effect.notice = Some(format!(
                "\u{201c}{}\u{201d} is {} in this gallery now: {}",
                session.group_name(group),
                to.label().to_lowercase(),
                to.explained()
            ));
            effect.undo = Some(Step::Visibility {
                gallery,
                group,
                link_type,
                to: was,
            });
        }
        Action::ExportedTo { key, path } => {
            session.view.exported_to.insert(key, path);
        }
        Action::SetProfile(profile) => {
            let was = write(session, "save the profile", |tx| {
                let was = profile::read(tx)?;
                profile::write(tx, profile)?;
                Ok(was)
            })?;
            effect.notice = Some("Saved your artist profile.".into());
            effect.undo = Some(Step::Profile(was));
        }
        Action::Detach {
            gallery,
            group,
            link_type,
        } => return detach(session, gallery, group, link_type),
        Action::ChangeType {
            gallery,
            group,
            from,
            to,
        } => {
            let to = write(session, "change the type", |tx| {
                let to = catalog::clean_type(&to)?;
                catalog::change_type(tx, gallery, group, &from, &to)?;
                Ok(to)
            })?;
            effect.notice = Some(format!(
                "\u{201c}{}\u{201d} is {} in this gallery now.",
                session.group_name(group),
                super::data::type_label(&to)
            ));
            effect.undo = Some(Step::Retyped {
                gallery,
                group,
                from,
                to,
            });
        }
        Action::MoveLink {
            gallery,
            group,
            link_type,
            to,
        } => {
            let index =
                session.data.links.iter().position(|l| {
                    l.gallery == gallery && l.group == group && l.link_type == link_type
                });
            write(session, "move the group", |tx| {
                catalog::move_link(tx, gallery, group, &link_type, to)
            })?;
            effect.notice = Some(format!(
                "Moved \u{201c}{}\u{201d} within the gallery.",
                session.group_name(group)
            ));
            effect.undo = index.map(|index| Step::LinkMoved {
                gallery,
                group,
                link_type,
                index,
            });
        }
        Action::MoveGallery { gallery, to } => {
            let index = session.data.galleries.iter().position(|g| g.id == gallery);
            write(session, "move the gallery", |tx| {
                catalog::move_gallery(tx, gallery, to)
            })?;
            let name = session
                .data
                .gallery(gallery)
                .map_or_else(|| gallery.to_string(), |g| g.name.clone());
            effect.notice = Some(format!("Moved the gallery \u{201c}{name}\u{201d}."));
            effect.undo = index.map(|index| Step::GalleryMoved { gallery, index });
        }
        Action::MoveImages { group, ids, before } => {
            return move_images(session, group, ids, before);
        }
        Action::AddToGroup { group, ids, before } => {
            return add_to_group(session, group, ids, before);
        }
        Action::MoveToGroup {
            from,
            to,
            ids,
            before,
        } if from == to => return move_images(session, to, ids, before),
        Action::MoveToGroup {
            from,
            to,
            ids,
            before,
        } => return move_to_group(session, from, to, ids, before),
        Action::SortGroup { group, by } => return sort_group(session, group, by),
        Action::RemoveFromGroup { group, ids } => return remove_images(session, group, ids),
        Action::DeleteImages(ids) => return delete_images(session, ids),
        Action::SetDetails {
            ids,
            edits,
            unit_if_none,
        } => return set_details(session, ids, edits, unit_if_none),
        Action::Import { paths, group } => {
            let group_name = session.group_name(group);
            effect.work = Some(Work::Import {
                paths,
                group,
                group_name,
            });
        }
        Action::Pick(pick, group) => effect.pick = Some((pick, group, session.group_name(group))),
        Action::Undo => return undo(session, history, false),
        Action::Redo => return undo(session, history, true),
    }
    Ok(effect)
}

/// Where showing group `g` goes: a group of the selected gallery keeps the
/// gallery; any other group is shown on its own (from All groups).
fn show_group(session: &Session, g: Option<GroupId>) -> Place {
    let in_gallery = g.is_some_and(|g| session.data.links.iter().any(|l| l.group == g));
    Place::group(session.view.gallery().filter(|_| in_gallery), g)
}

fn delete_gallery(session: &mut Session, id: GalleryId) -> Result<Effect, String> {
    let deleted = write(session, "delete the gallery", |tx| {
        let deleted = DeletedGallery::read(tx, id)?;
        catalog::delete_gallery(tx, id)?;
        Ok(deleted)
    })?;
    Ok(Effect {
        deleted: Gone {
            galleries: vec![id],
            ..Gone::default()
        },
        notice: Some(format!(
            "Gallery \u{201c}{}\u{201d} deleted. Its groups are still under All groups.",
            deleted.name
        )),
        undo: Some(Step::GalleryDeleted(Box::new(deleted))),
        ..Effect::default()
    })
}

fn delete_group(session: &mut Session, id: GroupId) -> Result<Effect, String> {
    let (loose, deleted) = write(session, "delete the group", |tx| {
        let loose = images::only_in(tx, id)?;
        let deleted = DeletedGroup::read(tx, id)?;
        catalog::delete_group(tx, id)?;
        Ok((loose, deleted))
    })?;
    let notice = match loose {
        0 => format!(
            "Group \u{201c}{}\u{201d} deleted. Its images are still in the library.",
            deleted.name
        ),
        n => format!(
            "Group \u{201c}{}\u{201d} deleted. {} now in no group; find them under \u{201c}Not in any group\u{201d}.",
            deleted.name,
            are(n)
        ),
    };
    Ok(Effect {
        deleted: Gone {
            groups: vec![id],
            ..Gone::default()
        },
        notice: Some(notice),
        undo: Some(Step::GroupDeleted(Box::new(deleted))),
        recount: true,
        // A pool shown gains (or, All images, keeps) its images: read again.
        mirror: if session.data.pool.is_some() {
            Mirror::Unknown
        } else {
            Mirror::Unchanged
        },
        ..Effect::default()
    })
}

/// "1 image is" / "3 images are".
fn are(n: u64) -> String {
    if n == 1 {
        "1 image is".to_string()
    } else {
        format!("{} are", crate::count(n, "image", "images"))
    }
}

fn create_group(
    session: &mut Session,
    name: String,
    attach: Option<(GalleryId, String, Visibility)>,
    then_import: Vec<PathBuf>,
    then_pick: Option<Pick>,
) -> Result<Effect, String> {
    let id = write(session, "make the group", |tx| {
        let id = catalog::create_group(tx, &name, None)?;
        if let Some((gallery, link_type, visibility)) = &attach {
            catalog::attach_with(tx, *gallery, id, link_type, *visibility)?;
        }
        Ok(id)
    })?;
    Ok(Effect {
        // Shown in its gallery, or on its own under All groups.
        go: Some(Place::group(attach.map(|(g, ..)| g), Some(id))),
        selection: Selecting::Clear,
        // What was dropped or asked for goes into it (named: the snapshot
        // does not know the group yet).
        work: (!then_import.is_empty()).then(|| Work::Import {
            paths: then_import,
            group: id,
            group_name: name.clone(),
        }),
        pick: then_pick.map(|pick| (pick, id, name.clone())),
        ..Effect::default()
    })
}

fn detach(
    session: &mut Session,
    gallery: GalleryId,
    group: GroupId,
    link_type: String,
) -> Result<Effect, String> {
    let index = session
        .data
        .links
        .iter()
        .position(|l| l.gallery == gallery && l.group == group && l.link_type == link_type);
    let visibility = write(session, "detach the group", |tx| {
        let visibility = catalog::link_visibility(tx, gallery, group, &link_type)?;
        catalog::detach(tx, gallery, group, &link_type)?;
        Ok(visibility.unwrap_or_default())
    })?;
    let name = session.group_name(group);
    Ok(Effect {
        undo: Some(Step::Detached {
            gallery,
            group,
            link_type,
            index,
            visibility,
        }),
        notice: Some(format!(
            "\u{201c}{name}\u{201d} detached from the gallery; it is still under All groups."
        )),
        ..Effect::default()
    })
}

fn move_images(
    session: &mut Session,
    group: GroupId,
    ids: Vec<ImageId>,
    before: Option<ImageId>,
) -> Result<Effect, String> {
    let runs = runs_of(session, group, &ids)?;
    write(session, "move the images", |tx| {
        images::move_images_before(tx, group, &ids, before)
    })?;
    let shown = session.data.shown == Some(group);
    Ok(Effect {
        notice: Some(format!(
            "Moved {} in \u{201c}{}\u{201d}.",
            crate::count(distinct(&ids) as u64, "image", "images"),
            session.group_name(group)
        )),
        undo: Some(Step::Moved { group, runs }),
        mirror: if shown {
            Mirror::Move(ids, before)
        } else {
            Mirror::Unchanged
        },
        ..Effect::default()
    })
}

/// What adding images to a group did, read in its transaction.
struct Added {
    ids: Vec<ImageId>,
    /// The rows of the added images, when the group is shown.
    rows: Vec<Row>,
    /// Those that were in no group before.
    were_loose: usize,
    cover: Option<ImageId>,
}

/// Adds `ids` to `group` before `before`, in the caller's transaction.
fn add_in(
    tx: &rusqlite::Connection,
    group: GroupId,
    ids: &[ImageId],
    before: Option<ImageId>,
    shown: bool,
) -> crate::core::Result<Added> {
    let loose = images::in_no_group(tx, ids)?;
    let added = images::add_new_before(tx, group, ids, before)?;
    let rows = if shown {
        added
            .iter()
            .map(|&id| images::image(tx, id).map(std::sync::Arc::new))
            .collect::<crate::core::Result<_>>()?
    } else {
        Vec::new()
    };
    Ok(Added {
        were_loose: added.iter().filter(|id| loose.contains(id)).count(),
        cover: images::first_image(tx, group)?,
        ids: added,
        rows,
    })
}

/// What the shown rows do when images join `group` (and leave the pool of
/// those in no group).
fn joined(session: &Session, group: GroupId, added: &mut Added, before: Option<ImageId>) -> Mirror {
    if session.data.shown == Some(group) {
        Mirror::Insert(std::mem::take(&mut added.rows), before)
    } else if session.data.pool == Some(Pool::Ungrouped) {
        Mirror::Remove(added.ids.clone())
    } else {
        Mirror::Unchanged
    }
}

fn add_to_group(
    session: &mut Session,
    group: GroupId,
    ids: Vec<ImageId>,
    before: Option<ImageId>,
) -> Result<Effect, String> {
    let shown = session.data.shown == Some(group);
    let mut added = write(session, "add the images", |tx| {
        add_in(tx, group, &ids, before, shown)
    })?;
    let name = session.group_name(group);
    let n = added.ids.len();
    let already = distinct(&ids) - n;
    let notice = if n == 0 {
        format!(
            "{} already in \u{201c}{name}\u{201d}; nothing added.",
            if already == 1 {
                "The image is".to_string()
            } else {
                format!("All {already} images are")
            }
        )
    } else {
        format!(
            "Added {} to \u{201c}{name}\u{201d}.{}",
            crate::count(n as u64, "image", "images"),
            already_there(already)
        )
    };
    let mirror = joined(session, group, &mut added, before);
    Ok(Effect {
        tally: Some(Tally {
            groups: vec![(group, n as i64, added.cover)],
            ungrouped: -(added.were_loose as i64),
        }),
        undo: (n > 0).then_some(Step::Added {
            group,
            ids: added.ids,
        }),
        notice: Some(notice),
        mirror,
        ..Effect::default()
    })
}

/// " 2 were already in it." (nothing for none).
fn already_there(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " 1 was already in it.".to_string(),
        n => format!(" {n} were already in it."),
    }
}

fn distinct(ids: &[ImageId]) -> usize {
    ids.iter().collect::<std::collections::HashSet<_>>().len()
}

fn move_to_group(
    session: &mut Session,
    from: GroupId,
    to: GroupId,
    ids: Vec<ImageId>,
    before: Option<ImageId>,
) -> Result<Effect, String> {
    let runs = runs_of(session, from, &ids)?;
    let shown_to = session.data.shown == Some(to);
    let (mut added, removed, from_cover) = write(session, "move the images", |tx| {
        let added = add_in(tx, to, &ids, before, shown_to)?;
        let removed = images::remove_images(tx, from, &ids)?;
        Ok((added, removed, images::first_image(tx, from)?))
    })?;
    let n = added.ids.len();
    let (from_name, to_name) = (session.group_name(from), session.group_name(to));
    let already = distinct(&ids) - n;
    let notice = if removed == 0 {
        // None of them was still in `from` (taken out since the cut).
        format!(
            "Added {} to \u{201c}{to_name}\u{201d}.{}",
            crate::count(n as u64, "image", "images"),
            already_there(already)
        )
    } else {
        format!(
            "Moved {} from \u{201c}{from_name}\u{201d} to \u{201c}{to_name}\u{201d}.{}",
            crate::count(removed as u64, "image", "images"),
            match already {
                0 => String::new(),
                1 => " 1 was already there.".to_string(),
                k => format!(" {k} were already there."),
            }
        )
    };
    let mirror = if session.data.shown == Some(from) {
        Mirror::Remove(ids.clone())
    } else {
        joined(session, to, &mut added, before)
    };
    Ok(Effect {
        tally: Some(Tally {
            groups: vec![
                (to, n as i64, added.cover),
                (from, -(removed as i64), from_cover),
            ],
            // Those that were in no group (taken out of `from` since a cut).
            ungrouped: -(added.were_loose as i64),
        }),
        undo: Some(Step::All(vec![
            Step::Added {
                group: to,
                ids: added.ids,
            },
            Step::Removed { group: from, runs },
        ])),
        notice: Some(notice),
        selection: if session.data.shown == Some(from) {
            Selecting::Clear
        } else {
            Selecting::Keep
        },
        mirror,
        ..Effect::default()
    })
}

fn set_details(
    session: &mut Session,
    ids: Vec<ImageId>,
    edits: Vec<(Field, String)>,
    unit_if_none: Option<Unit>,
) -> Result<Effect, String> {
    let changed = write(session, "save the details", |tx| {
        details::set_fields_with(tx, &ids, &edits, unit_if_none)
    })?;
    if changed.is_empty() {
        return Ok(Effect::default());
    }
    // "Title", or "Unit and Height": the fields the artist typed into.
    let mut fields: Vec<&str> = Vec::new();
    for (f, _) in &edits {
        if !fields.contains(&f.label()) {
            fields.push(f.label());
        }
    }
    let fields = fields.join(" and ");
    let notice = match changed.as_slice() {
        [one] => {
            let name = session
                .data
                .image(one.id)
                .map(|i| i.label().to_string())
                .unwrap_or_else(|| format!("image {}", one.id.0));
            let value = edits
                .iter()
                .rev()
                .find(|(f, _)| !matches!(f, Field::Unit) || edits.len() == 1)
                .map(|(f, _)| one.after.get(*f))
                .unwrap_or_default();
            if value.is_empty() {
                format!("Cleared {fields} of \u{201c}{name}\u{201d}.")
            } else {
                format!(
                    "{fields} of \u{201c}{name}\u{201d}: \u{201c}{}\u{201d}.",
                    shorten(&value, 60)
                )
            }
        }
        many => format!(
            "Set {fields} of {}.",
            crate::count(many.len() as u64, "image", "images")
        ),
    };
    Ok(Effect {
        notice: Some(notice),
        undo: Some(Step::Written {
            entries: changed.iter().map(|c| (c.id, c.before.clone())).collect(),
        }),
        mirror: Mirror::Entries(changed.into_iter().map(|c| (c.id, c.after)).collect()),
        ..Effect::default()
    })
}

/// The first `max` characters of `text`'s first line, with "…" if cut.
fn shorten(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= max && line.len() == text.len() {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(max).collect();
    cut.push('\u{2026}');
    cut
}

fn sort_group(session: &mut Session, group: GroupId, by: SortBy) -> Result<Effect, String> {
    let (order, sorted) = write(session, "sort the group", |tx| {
        let order = images::group_image_ids(tx, group)?;
        let sorted = images::sorted_ids(tx, group, by)?;
        images::set_order(tx, group, &sorted)?;
        Ok((order, sorted))
    })?;
    let how = match by {
        SortBy::Name => "by file name",
        SortBy::NameDescending => "by file name, Z to A",
        SortBy::Imported => "by import date, oldest first",
        SortBy::ImportedDescending => "by import date, newest first",
        SortBy::Reverse => "in reverse order",
        SortBy::Title => "by title",
        SortBy::Year => "by year, oldest first",
    };
    Ok(Effect {
        notice: Some(format!(
            "Sorted \u{201c}{}\u{201d} {how}.",
            session.group_name(group)
        )),
        undo: Some(Step::Ordered { group, order }),
        mirror: if session.data.shown == Some(group) {
            Mirror::Order(sorted)
        } else {
            Mirror::Unchanged
        },
        ..Effect::default()
    })
}

fn remove_images(
    session: &mut Session,
    group: GroupId,
    ids: Vec<ImageId>,
) -> Result<Effect, String> {
    let runs = runs_of(session, group, &ids)?;
    let (n, loose, cover) = write(session, "remove the images", |tx| {
        let n = images::remove_images(tx, group, &ids)?;
        Ok((
            n,
            images::in_no_group(tx, &ids)?.len(),
            images::first_image(tx, group)?,
        ))
    })?;
    let name = session.group_name(group);
    let shown = session.data.shown == Some(group);
    // The keyboard keeps its place: the image after those removed (or the
    // one before them) is selected.
    let next = if shown {
        next_after(&session.data, &ids)
    } else {
        None
    };
    let loose_words = match loose {
        0 => "still in the library".to_string(),
        n => format!(
            "{} now in no group (see \u{201c}Not in any group\u{201d})",
            if n == 1 { "it is" } else { "they are" }
        ),
    };
    Ok(Effect {
        undo: Some(Step::Removed { group, runs }),
        selection: match next {
            Some(id) => Selecting::Set(vec![id]),
            None => Selecting::Clear,
        },
        notice: Some(format!(
            "Removed {} from \u{201c}{name}\u{201d}; {loose_words}.",
            crate::count(n as u64, "image", "images")
        )),
        tally: Some(Tally {
            groups: vec![(group, -(n as i64), cover)],
            ungrouped: loose as i64,
        }),
        mirror: if shown {
            Mirror::Remove(ids)
        } else {
            Mirror::Unchanged
        },
        ..Effect::default()
    })
}

/// The shown image right after the last of `ids` that is not one of them,
/// else the one right before the first.
fn next_after(data: &super::data::Data, ids: &[ImageId]) -> Option<ImageId> {
    let gone: std::collections::HashSet<ImageId> = ids.iter().copied().collect();
    let positions: Vec<usize> = ids
        .iter()
        .filter_map(|id| data.index.get(id).copied())
        .collect();
    let (first, last) = (*positions.iter().min()?, *positions.iter().max()?);
    data.images[last + 1..]
        .iter()
        .find(|i| !gone.contains(&i.id))
        .or_else(|| {
            data.images[..first]
                .iter()
                .rev()
                .find(|i| !gone.contains(&i.id))
        })
        .map(|i| i.id)
}

fn delete_images(session: &mut Session, ids: Vec<ImageId>) -> Result<Effect, String> {
    let next = next_after(&session.data, &ids);
    let n = trash::delete_images(session.library_mut()?, &ids)
        .map_err(|e| format!("Could not delete the images: {e}"))?;
    Ok(Effect {
        selection: match next {
            Some(id) => Selecting::Set(vec![id]),
            None => Selecting::Clear,
        },
        notice: Some(format!(
            "Deleted {} from the library.",
            crate::count(n as u64, "image", "images")
        )),
        mirror: Mirror::Remove(ids.clone()),
        gone: Gone {
            images: ids,
            ..Gone::default()
        },
        recount: true,
        ..Effect::default()
    })
}

/// Undo (or, with `redo`, redo) the newest step: its inverse goes onto the
/// other list.
fn undo(session: &mut Session, history: &mut History, redo: bool) -> Result<Effect, String> {
    let step = if redo {
        history.pop_redo()
    } else {
        history.pop()
    };
    let Some((step, label)) = step else {
        return Ok(Effect {
            notice: Some(
                if redo {
                    "Nothing to redo."
                } else {
                    "Nothing to undo."
                }
                .into(),
            ),
            ..Effect::default()
        });
    };
    let undone = match session
        .library_mut()
        .and_then(|lib| step.undo(lib).map_err(|e| e.to_string()))
    {
        Ok(undone) => undone,
        Err(e) => {
            // Kept, to try again: nothing of it was done.
            if redo {
                history.push_redo(step, label);
            } else {
                history.push_undo(step, label);
            }
            let what = if redo { "redo" } else { "undo" };
            return Err(format!("Could not {what}: {e}"));
        }
    };
    // An undo says what came back; a redo, what was done again (the
    // change's own words).
    let notice = if redo && !label.is_empty() {
        format!("Redone: {label}")
    } else if let Some(made) = &undone.made {
        let what = if matches!(step, Step::GroupDeleted(_)) {
            format!(
                "the group \u{201c}{}\u{201d} is back, with {}",
                made.name,
                crate::count(undone.images as u64, "image", "images")
            )
        } else {
            format!("the gallery \u{201c}{}\u{201d} is back", made.name)
        };
        let left_out = match made.links_left_out {
            0 => String::new(),
            n => format!(
                " ({} could not come back: {} was deleted since)",
                crate::count(n as u64, "link", "links"),
                if matches!(step, Step::GroupDeleted(_)) {
                    "its gallery"
                } else {
                    "its group"
                }
            ),
        };
        format!("Undone: {what}{left_out}.")
    } else {
        format!(
            "{}: {}",
            if redo { "Redone" } else { "Undone" },
            undone_words(&step, undone.images, session)
        )
    };
    // Details written back are mirrored as written, not read again.
    let written = match &step {
        Step::Written { entries } => Some(entries.clone()),
        _ => None,
    };
    // Made again under a new id: what named the old one can no longer be undone.
    let lost = undone
        .made
        .as_ref()
        .and_then(|m| m.lost_id.clone())
        .unwrap_or_default();
    // Deleted again by a redo: a cut from it pastes as a copy.
    let deleted = match &undone.inverse {
        Step::GroupDeleted(d) => Gone {
            groups: vec![d.id],
            ..Gone::default()
        },
        Step::GalleryDeleted(d) => Gone {
            galleries: vec![d.id],
            ..Gone::default()
        },
        _ => Gone::default(),
    };
    let made = match (&undone.inverse, &step) {
        // Shown in the gallery being looked at, if it went back into it.
        (Step::GroupMade { group }, Step::GroupDeleted(d)) => {
            let here = session
                .view
                .gallery()
                .filter(|g| d.links.iter().any(|(l, ..)| l == g));
            Some(Place::group(here, Some(*group)))
        }
        (Step::GalleryMade { gallery }, _) => Some(Place::group(Some(*gallery), None)),
        _ => None,
    };
    // A redo's notice gets an Undo button, as the change itself had.
    let pushed = if redo {
        Some(history.push_undo(undone.inverse, label))
    } else {
        history.push_redo(undone.inverse, label);
        None
    };
    Ok(Effect {
        pushed,
        gone: lost,
        deleted,
        // What comes back into a group comes back selected, and is shown
        // where it happened (in the gallery, if it is one of its groups); a
        // link that comes back is shown in its gallery.
        selection: match step.images() {
            back if !back.is_empty() => Selecting::Set(back),
            _ => Selecting::Keep,
        },
        go: match &step {
            Step::Detached { gallery, group, .. } => {
                Some(Place::group(Some(*gallery), Some(*group)))
            }
            // Images taken back out of a group they were added to from a
            // pool come back into that pool: stay there.
            Step::Added { .. } if session.data.pool.is_some() => None,
            // A group or gallery made again is shown.
            _ if made.is_some() => made,
            _ => step.group().map(|g| show_group(session, Some(g))),
        },
        recount: written.is_none(),
        mirror: written.map_or(Mirror::Unknown, Mirror::Entries),
        notice: Some(notice),
        ..Effect::default()
    })
}

/// What undoing `step` did, in words (after "Undone: " or "Redone: ").
fn undone_words(step: &Step, images: usize, session: &Session) -> String {
    let group = |g: &GroupId| session.group_name(*g);
    let n = crate::count(images as u64, "image", "images");
    match step {
        Step::Removed { group: g, .. } => format!("{n} back in \u{201c}{}\u{201d}.", group(g)),
        Step::Added { group: g, .. } => format!("{n} out of \u{201c}{}\u{201d}.", group(g)),
        Step::Moved { group: g, .. } => format!("the move in \u{201c}{}\u{201d}.", group(g)),
        Step::Ordered { group: g, .. } => format!("the order of \u{201c}{}\u{201d}.", group(g)),
        Step::Detached { group: g, .. } => {
            format!("\u{201c}{}\u{201d} is back in its gallery.", group(g))
        }
        Step::Attached { group: g, .. } => {
            format!("\u{201c}{}\u{201d} is out of the gallery.", group(g))
        }
        Step::Retyped { group: g, from, .. } => format!(
            "\u{201c}{}\u{201d} is {} again.",
            group(g),
            super::data::type_label(from)
        ),
        Step::Profile(_) => "the artist profile as it was.".to_string(),
        Step::Visibility { group: g, to, .. } => format!(
            "\u{201c}{}\u{201d} is {} again.",
            group(g),
            to.label().to_lowercase()
        ),
        Step::LinkMoved { group: g, .. } => {
            format!("\u{201c}{}\u{201d} is back in its place.", group(g))
        }
        Step::GalleryMoved { .. } => "the gallery is back in its place.".to_string(),
        Step::GroupDeleted(d) => format!(
            "\u{201c}{}\u{201d} is back, with {}.",
            d.name,
            crate::count(d.images.len() as u64, "image", "images")
        ),
        Step::GroupMade { .. } => "the group is deleted again.".to_string(),
        Step::GalleryDeleted(d) => format!(
            "the gallery \u{201c}{}\u{201d} is back, with its groups.",
            d.name
        ),
        Step::GalleryMade { .. } => "the gallery is deleted again.".to_string(),
        Step::Written { .. } => format!("the details of {n} as they were."),
        Step::All(steps) => match steps.as_slice() {
            // A move to another group: undone, the images are back where
            // they came from.
            [
                Step::Added { group: to, .. },
                Step::Removed { group: from, .. },
            ] => format!(
                "{n} back from \u{201c}{}\u{201d} in \u{201c}{}\u{201d}.",
                group(to),
                group(from)
            ),
            [.., last] => undone_words(last, images, session),
            [] => "nothing.".to_string(),
        },
    }
}

/// Runs `f` in one write transaction; a failure reads "Could not `what`: why".
fn write<T>(
    session: &mut Session,
    what: &str,
    f: impl FnOnce(&rusqlite::Transaction) -> crate::core::Result<T>,
) -> Result<T, String> {
    session
        .library_mut()?
        .write(f)
        .map_err(|e| format!("Could not {what}: {e}"))
}

/// Where `ids` stand in `group`, as undo runs: from the snapshot when it
/// shows that group (index lookups only), else from the database.
fn runs_of(session: &Session, group: GroupId, ids: &[ImageId]) -> Result<Vec<Run>, String> {
    let data = &session.data;
    if data.shown == Some(group) {
        let positions: Vec<usize> = ids
            .iter()
            .filter_map(|id| data.index.get(id).copied())
            .collect();
        return Ok(Step::runs(
            data.images.len(),
            |i| data.images[i].id,
            &positions,
        ));
    }
    let lib = session.library().map_err(str::to_string)?;
    history::runs_in(lib.conn(), group, ids).map_err(|e| format!("Could not read the group: {e}"))
}
