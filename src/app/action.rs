//! What the artist changes, and the one place that decides what each change
//! does: [`perform`] runs an [`Action`] in one transaction and returns its
//! [`Effect`] — how the shown rows change, what undo must remember, what is
//! gone, what to tell the artist, where the view goes, what work follows —
//! and the app applies every effect the same way (`FolioApp::apply`).

use std::path::PathBuf;

use super::history::{Gone, History, Run, Step};
use super::jobs::{Pick, Work};
use super::session::Session;
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
    /// A new gallery: name and description.
    CreateGallery(String, String),
    /// A gallery's new name and description.
    EditGallery(GalleryId, String, String),
    DeleteGallery(GalleryId),
    /// A new group, attached to a gallery with a type when given.
    CreateGroup {
        name: String,
        attach: Option<(GalleryId, String)>,
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
    /// Take images out of a group; they stay in the library.
    RemoveFromGroup {
        group: GroupId,
        ids: Vec<ImageId>,
    },
    /// Delete images from the library, with their files.
    DeleteImages(Vec<ImageId>),
    SetAltText(ImageId, String),
    /// Import files and folders into a group (in the background).
    Import {
        paths: Vec<PathBuf>,
        group: GroupId,
    },
    /// Ask for files or a folder to import into a group (a native dialog).
    Pick(Pick, GroupId),
    Undo,
}

/// What an applied action did to the shown group's rows, in memory.
#[derive(Clone, Debug, Default)]
pub enum Mirror {
    /// Nothing: the rows are as they were (the catalogue is re-read).
    #[default]
    Unchanged,
    /// A reorder, mirrored with [`super::data::Data::move_local`].
    Move(Vec<ImageId>, Option<ImageId>),
    /// Images gone from the shown group (or from the library).
    Remove(Vec<ImageId>),
    /// One image's row changed: it is re-read alone.
    Row(ImageId),
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
    /// What it deleted: undo steps that need it are forgotten.
    pub gone: Gone,
    /// A line for the status bar (with an Undo button when `undo` is set).
    pub notice: Option<String>,
    /// The gallery and group to show next.
    pub go: Option<(Option<GalleryId>, Option<GroupId>)>,
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
            effect.go = Some((g, session.view.group()));
        }
        Action::SelectGroup(g) => effect.go = Some(show_group(session, g)),
        Action::CreateGallery(name, description) => {
            let id = write(session, "make the gallery", |tx| {
                catalog::create_gallery(tx, &name, Some(&description))
            })?;
            effect.go = Some((Some(id), None));
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
        } => {
            write(session, "attach the group", |tx| {
                catalog::attach(tx, gallery, group, &link_type)
            })?;
            effect.go = Some((Some(gallery), Some(group)));
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
            write(session, "change the type", |tx| {
                catalog::change_type(tx, gallery, group, &from, &to)
            })?;
        }
        Action::MoveLink {
            gallery,
            group,
            link_type,
            to,
        } => {
            write(session, "move the group", |tx| {
                catalog::move_link(tx, gallery, group, &link_type, to)
            })?;
        }
        Action::MoveImages { group, ids, before } => {
            return move_images(session, group, ids, before);
        }
        Action::RemoveFromGroup { group, ids } => return remove_images(session, group, ids),
        Action::DeleteImages(ids) => return delete_images(session, ids),
        Action::SetAltText(id, text) => {
            write(session, "save the alt text", |tx| {
                images::set_alt_text(tx, id, Some(&text))
            })?;
            effect.mirror = Mirror::Row(id);
        }
        Action::Import { paths, group } => {
            let group_name = session.group_name(group);
            effect.work = Some(Work::Import {
                paths,
                group,
                group_name,
            });
        }
        Action::Pick(pick, group) => effect.pick = Some((pick, group, session.group_name(group))),
        Action::Undo => return undo(session, history),
    }
    Ok(effect)
}

/// Where showing group `g` goes: a group of the selected gallery keeps the
/// gallery; any other group is shown on its own (from All groups).
fn show_group(session: &Session, g: Option<GroupId>) -> (Option<GalleryId>, Option<GroupId>) {
    let in_gallery = g.is_some_and(|g| session.data.links.iter().any(|l| l.group == g));
    (session.view.gallery().filter(|_| in_gallery), g)
}

fn delete_gallery(session: &mut Session, id: GalleryId) -> Result<Effect, String> {
    write(session, "delete the gallery", |tx| {
        catalog::delete_gallery(tx, id)
    })?;
    Ok(Effect {
        gone: Gone {
            galleries: vec![id],
            ..Gone::default()
        },
        notice: Some("Gallery deleted. Its groups are still under All groups.".into()),
        ..Effect::default()
    })
}

fn delete_group(session: &mut Session, id: GroupId) -> Result<Effect, String> {
    write(session, "delete the group", |tx| {
        catalog::delete_group(tx, id)
    })?;
    Ok(Effect {
        gone: Gone {
            groups: vec![id],
            ..Gone::default()
        },
        notice: Some("Group deleted. Its images are still in the library.".into()),
        ..Effect::default()
    })
}

fn create_group(
    session: &mut Session,
    name: String,
    attach: Option<(GalleryId, String)>,
    then_import: Vec<PathBuf>,
    then_pick: Option<Pick>,
) -> Result<Effect, String> {
    let id = write(session, "make the group", |tx| {
        let id = catalog::create_group(tx, &name, None)?;
        if let Some((gallery, link_type)) = &attach {
            catalog::attach(tx, *gallery, id, link_type)?;
        }
        Ok(id)
    })?;
    Ok(Effect {
        // Shown in its gallery, or on its own under All groups.
        go: Some((attach.map(|(g, _)| g), Some(id))),
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
    write(session, "detach the group", |tx| {
        catalog::detach(tx, gallery, group, &link_type)
    })?;
    let name = session.group_name(group);
    Ok(Effect {
        undo: Some(Step::Detached {
            gallery,
            group,
            link_type,
            index,
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
        undo: Some(Step::Moved { group, runs }),
        mirror: if shown {
            Mirror::Move(ids, before)
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
    let n = write(session, "remove the images", |tx| {
        images::remove_images(tx, group, &ids)
    })?;
    let name = session.group_name(group);
    let shown = session.data.shown == Some(group);
    Ok(Effect {
        undo: Some(Step::Removed { group, runs }),
        selection: Selecting::Clear,
        notice: Some(format!(
            "Removed {} from \u{201c}{name}\u{201d}; still in the library.",
            crate::count(n as u64, "image", "images")
        )),
        mirror: if shown {
            Mirror::Remove(ids)
        } else {
            Mirror::Unchanged
        },
        ..Effect::default()
    })
}

fn delete_images(session: &mut Session, ids: Vec<ImageId>) -> Result<Effect, String> {
    let n = trash::delete_images(session.library_mut()?, &ids)
        .map_err(|e| format!("Could not delete the images: {e}"))?;
    Ok(Effect {
        selection: Selecting::Clear,
        notice: Some(format!(
            "Deleted {} from the library.",
            crate::count(n as u64, "image", "images")
        )),
        mirror: Mirror::Remove(ids.clone()),
        gone: Gone {
            images: ids,
            ..Gone::default()
        },
        ..Effect::default()
    })
}

fn undo(session: &mut Session, history: &mut History) -> Result<Effect, String> {
    let Some(step) = history.pop() else {
        return Ok(Effect {
            notice: Some("Nothing to undo.".into()),
            ..Effect::default()
        });
    };
    let back = step
        .undo(session.library_mut()?)
        .map_err(|e| format!("Could not undo: {e}"))?;
    Ok(Effect {
        // What comes back into the group comes back selected; a link that
        // comes back is shown.
        selection: match step {
            Step::Removed { .. } => Selecting::Set(step.images()),
            _ => Selecting::Keep,
        },
        go: match step {
            Step::Detached { gallery, group, .. } => Some((Some(gallery), Some(group))),
            // Shown where it happened, in the gallery if it is one of its groups.
            Step::Removed { group, .. } | Step::Moved { group, .. } => {
                Some(show_group(session, Some(group)))
            }
        },
        mirror: Mirror::Unknown,
        notice: Some(undone(&step, back, session)),
        ..Effect::default()
    })
}

/// What the notice of an undo says: what came back, and where.
fn undone(step: &Step, back: usize, session: &Session) -> String {
    match step {
        Step::Removed { group, .. } => format!(
            "Undone: {} back in \u{201c}{}\u{201d}.",
            crate::count(back as u64, "image", "images"),
            session.group_name(*group)
        ),
        Step::Moved { group, .. } => format!(
            "Undone: the move in \u{201c}{}\u{201d}.",
            session.group_name(*group)
        ),
        Step::Detached { group, .. } => format!(
            "Undone: \u{201c}{}\u{201d} is back in its gallery.",
            session.group_name(*group)
        ),
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

/// A group's images in order: from the snapshot when it shows that group.
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
    let order = images::group_image_ids(lib.conn(), group)
        .map_err(|e| format!("Could not read the group: {e}"))?;
    let wanted: std::collections::HashSet<ImageId> = ids.iter().copied().collect();
    let positions: Vec<usize> = (0..order.len())
        .filter(|&i| wanted.contains(&order[i]))
        .collect();
    Ok(Step::runs(order.len(), |i| order[i], &positions))
}
