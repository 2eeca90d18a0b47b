//! The open library and what the window shows of it: the database (or why it
//! could not be opened), the snapshot the panels draw from, and the view (the
//! selected gallery and group, saved between runs).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::data::{Data, Index, Place, Pool, free_off_thread};
use super::jobs::ViewKey;
use crate::core::{GalleryId, GroupId, ImageId, Library};

/// Smallest and largest thumbnail cells, in points.
pub const THUMB_SIZES: std::ops::RangeInclusive<f32> = 72.0..=320.0;

/// What is restored on the next start (the data itself lives only in the database).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct View {
    /// The library these ids belong to.
    pub library: PathBuf,
    pub gallery: Option<i64>,
    pub group: Option<i64>,
    /// Thumbnail cell size in points.
    pub thumb_size: f32,
    pub inspector: bool,
    /// A pool of the whole library shown instead of a group.
    #[serde(default)]
    pub pool: Option<Pool>,
    /// What the grid shows under each thumbnail.
    #[serde(default)]
    pub captions: Captions,
    /// Where each gallery was last exported, by "site:ID", "folder:ID" or
    /// "zip:ID": the export dialog proposes it again.
    #[serde(default)]
    pub exported_to: std::collections::BTreeMap<String, String>,
}

/// What the grid shows under a thumbnail (View → Captions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Captions {
    /// The work's title; the file name where it has none.
    #[default]
    Title,
    FileName,
    None,
}

impl Captions {
    /// The caption under `img`'s thumbnail (empty: none).
    pub fn of(self, img: &crate::core::model::images::Image) -> &str {
        match self {
            Captions::Title => img.title().unwrap_or(&img.original_name),
            Captions::FileName => &img.original_name,
            Captions::None => "",
        }
    }
}

impl View {
    pub fn new(library: PathBuf) -> Self {
        View {
            library,
            gallery: None,
            group: None,
            thumb_size: 160.0,
            inspector: true,
            pool: None,
            captions: Captions::default(),
            exported_to: Default::default(),
        }
    }

    /// The saved view if it is of this library; else its sizes only.
    pub fn restored(saved: Option<View>, library: &Path) -> Self {
        let mut view = match saved {
            Some(v) if v.library == library => v,
            Some(v) => View {
                thumb_size: v.thumb_size,
                inspector: v.inspector,
                captions: v.captions,
                ..View::new(library.to_path_buf())
            },
            None => View::new(library.to_path_buf()),
        };
        view.thumb_size = view
            .thumb_size
            .clamp(*THUMB_SIZES.start(), *THUMB_SIZES.end());
        // What Find found is not kept: its query is not.
        if view.pool == Some(Pool::Found) {
            view.pool = Some(Pool::All(crate::core::model::images::LibraryOrder::Newest));
        }
        view
    }

    pub fn gallery(&self) -> Option<GalleryId> {
        self.gallery.map(GalleryId)
    }

    pub fn group(&self) -> Option<GroupId> {
        self.group.map(GroupId)
    }

    /// Shows `gallery` and `group`. The snapshot read next keeps them in
    /// agreement (a gallery shows one of its own groups: see [`Data::load`]).
    pub fn go(&mut self, gallery: Option<GalleryId>, group: Option<GroupId>) {
        self.go_to(Place::group(gallery, group));
    }

    /// Shows `place`.
    pub fn go_to(&mut self, place: Place) {
        self.gallery = place.gallery.map(|g| g.0);
        self.group = place.group.map(|g| g.0);
        self.pool = place.pool;
    }

    /// What the view shows.
    pub fn place(&self) -> Place {
        Place {
            gallery: self.gallery(),
            group: self.group(),
            pool: self.pool,
        }
    }
}

/// Where the files of the open library are, for the thumbnail workers.
#[derive(Clone, Debug, Default)]
pub struct Files {
    store_root: PathBuf,
}

impl Files {
    /// The absolute path of an image file from its `filename` column
    /// (refused unless it is a plain path inside the store's originals).
    pub fn original(&self, filename: &str) -> crate::core::Result<PathBuf> {
        crate::core::storage::library::file_in_store(&self.store_root, filename)
    }

    /// The store's folder.
    pub fn store_root(&self) -> &Path {
        &self.store_root
    }
}

/// The library the window is open on.
pub struct Session {
    root: PathBuf,
    lib: Result<Library, String>,
    /// When the library was refused and a backup exists: that backup.
    restorable: Option<PathBuf>,
    /// The library could not be opened because another Folio has it: who
    /// (as its lock file says; empty if it says nothing).
    locked: Option<String>,
    files: Files,
    /// What the panels draw from.
    pub data: Data,
    pub view: View,
    /// Counts the app's writes and snapshot reads: a job's snapshot read for
    /// an older count is stale (see [`ViewKey`]).
    generation: u64,
    /// Counts what changed the library (the app's actions, imports): Find's
    /// catalogue read for an older count is read again.
    edits: u64,
    /// `edits` at the app's last action: rows read before it may lack what
    /// it mirrored into the shown rows.
    acted_at: u64,
}

impl Session {
    /// Opens the library at `root` (keeping why, if it cannot be opened).
    pub fn open(root: PathBuf, view: View) -> Self {
        let mut session = Session {
            lib: Err(String::new()),
            restorable: None,
            locked: None,
            files: Files::default(),
            data: Data::default(),
            view,
            generation: 0,
            edits: 0,
            acted_at: 0,
            root,
        };
        session.reopen();
        session
    }

    /// Opens the library again (after "Try again" or a restore).
    pub fn reopen(&mut self) {
        self.lib = Err(String::new());
        match Library::open(&self.root) {
            Ok(mut lib) => {
                // The app's writes (a drag-reorder) never pay for a checkpoint.
                lib.checkpoint_in_background();
                self.files = Files {
                    store_root: lib.store_root().to_path_buf(),
                };
                self.restorable = None;
                self.lib = Ok(lib);
            }
            Err(e) => {
                self.locked = match &e {
                    crate::core::Error::Locked { holder, .. } => {
                        Some(holder.clone().unwrap_or_default())
                    }
                    _ => None,
                };
                self.restorable = match &e {
                    crate::core::Error::RefusedWithBackup { backup, .. }
                    | crate::core::Error::DatabaseMissing {
                        backup: Some(backup),
                        ..
                    } => Some(backup.clone()),
                    _ => None,
                };
                self.lib = Err(e.to_string());
            }
        }
    }

    /// Whether the library was refused because another Folio has it open.
    pub fn locked(&self) -> bool {
        self.locked.is_some() && self.lib.is_err()
    }

    /// Whether the Folio that has the library is the app (not a command).
    pub fn locked_by_window(&self) -> bool {
        self.locked()
            && self
                .locked
                .as_deref()
                .is_some_and(|h| h.starts_with(crate::core::storage::library::WINDOW_HOLDER))
    }

    /// The library's root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The open library, or why there is none.
    pub fn library(&self) -> Result<&Library, &str> {
        self.lib.as_ref().map_err(String::as_str)
    }

    /// The open library, to write to.
    pub fn library_mut(&mut self) -> Result<&mut Library, String> {
        self.lib.as_mut().map_err(|e| e.clone())
    }

    /// The backup that could replace a refused database.
    pub fn restorable(&self) -> Option<&Path> {
        self.restorable.as_deref()
    }

    pub fn files(&self) -> &Files {
        &self.files
    }

    /// What the centre panel reads, and the view it may change (the
    /// thumbnail size).
    pub fn centre_parts(&mut self) -> (&Data, &Files, &Path, &mut View) {
        (&self.data, &self.files, &self.root, &mut self.view)
    }

    /// The name of a group, for messages.
    pub fn group_name(&self, id: GroupId) -> String {
        self.data
            .group(id)
            .map_or_else(|| id.to_string(), |g| g.name.clone())
    }

    /// The count of writes and snapshot reads so far: what was read from
    /// the snapshot before it changed is read again.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Counts a write: a job's snapshot read before it is stale, and so is
    /// Find's catalogue.
    pub fn wrote(&mut self) {
        self.generation += 1;
        self.edits += 1;
        self.acted_at = self.edits;
    }

    /// The count of changes at the app's last action.
    pub fn acted_at(&self) -> u64 {
        self.acted_at
    }

    /// Counts a change of the shown rows that wrote nothing (Find's answer
    /// shown): what was read from the snapshot is read again.
    pub fn rows_changed(&mut self) {
        self.generation += 1;
    }

    /// Counts a change a background job made (its snapshot's key is kept).
    pub fn note_edit(&mut self) {
        self.edits += 1;
    }

    /// How many changes to the library the app has made or seen.
    pub fn edits(&self) -> u64 {
        self.edits
    }

    /// What the view shows now, for a job's closing snapshot.
    pub fn view_key(&self, inspected: Option<ImageId>) -> ViewKey {
        ViewKey {
            generation: self.generation,
            place: self.view.place(),
            inspected,
        }
    }

    /// Re-reads the library for the current view. With `keep_images`, the
    /// shown group's rows are kept when the view still shows that group (the
    /// edit could not have changed them, or was mirrored in memory), and a
    /// different group of more than `defer_above` images is not read here:
    /// the snapshot comes marked [`Data::deferred`].
    pub fn refresh(
        &mut self,
        inspected: Option<ImageId>,
        keep_images: bool,
        defer_above: u64,
    ) -> Result<(), String> {
        let Ok(lib) = &self.lib else { return Ok(()) };
        let mut place = self.view.place();
        let (old, defer_above) = if keep_images {
            (Some(&mut self.data), defer_above)
        } else {
            (None, u64::MAX)
        };
        let data = Data::load_keeping(lib, &mut place, inspected, old, defer_above)
            .map_err(|e| format!("Could not read the library: {e}"))?;
        self.adopt(data, place);
        Ok(())
    }

    /// Shows a snapshot read for `place` (as [`Data::load`] adjusted it).
    pub fn adopt(&mut self, data: Data, place: Place) {
        self.generation += 1;
        let old = std::mem::replace(&mut self.data, data);
        free_off_thread(old.images.len(), old);
        self.view.go_to(place);
    }

    /// Shows Find, its rows to come from the search thread: the snapshot as
    /// [`Data::load`] would read it for a pool, without reading anything
    /// (nothing changed but the view).
    pub fn show_found(&mut self) {
        self.generation += 1;
        let data = &mut self.data;
        data.swap_rows(Vec::new(), Index::default());
        data.links.clear();
        data.shown = None;
        data.pool = None;
        data.deferred = None;
        data.deferred_pool = Some(Pool::Found);
        data.usage = None;
        data.last_key = None;
        self.view.go_to(Place::pool(Pool::Found));
    }

    /// Reads where `image` is used, after the frame that selected it, unless
    /// the snapshot has it already (the inspector never reads while it
    /// draws). Returns whether there is something new to show.
    pub fn read_usage(&mut self, image: Option<ImageId>) -> bool {
        let Some(id) = image.filter(|id| self.data.index.contains_key(id)) else {
            return false;
        };
        if self.data.usage.as_ref().is_some_and(|(u, _)| *u == id) {
            return false;
        }
        let Ok(lib) = &self.lib else { return false };
        match crate::core::model::images::usage(lib.conn(), id) {
            Ok(usage) => {
                self.data.usage = Some((id, usage));
                true
            }
            Err(e) => {
                log::warn!("could not read where image {id} is used: {e}");
                false
            }
        }
    }
}
