//! The app's interaction state (what is selected, which dialog is open, the
//! viewer, a drag in progress, the alt text being typed, the status bar's
//! messages) and the [`Outbox`] through which a panel asks for changes.
//!
//! A panel never changes the library or the view itself: it reads the
//! snapshot, changes its own bit of state here, and puts what it wants done
//! into the outbox, which the app carries out after the frame.

use std::collections::HashSet;

use super::action::Action;
use super::command::Command;
use super::dialogs::Dialog;
use super::history::StepId;
use crate::core::{GroupId, ImageId};

/// The grid's selection.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub ids: HashSet<ImageId>,
    /// Where a Shift-click range starts.
    pub anchor: Option<ImageId>,
    /// The image last clicked: the one the inspector and viewer show.
    pub focus: Option<ImageId>,
}

impl Selection {
    /// Just `id`.
    pub fn only(id: ImageId) -> Self {
        Selection {
            ids: HashSet::from([id]),
            anchor: Some(id),
            focus: Some(id),
        }
    }

    /// Exactly `ids` (in the group's order): the last is the one shown in the
    /// inspector, the first is where a Shift-click range starts.
    pub fn of(ids: &[ImageId]) -> Self {
        Selection {
            ids: ids.iter().copied().collect(),
            anchor: ids.first().copied(),
            focus: ids.last().copied(),
        }
    }

    /// Forgets what is not among the shown images any more.
    pub fn retain_shown(&mut self, index: &super::data::Index) {
        self.ids.retain(|id| index.contains_key(id));
        if self.focus.is_some_and(|f| !index.contains_key(&f)) {
            self.focus = None;
        }
        if self.anchor.is_some_and(|a| !index.contains_key(&a)) {
            self.anchor = None;
        }
    }
}

/// A message in the status bar.
#[derive(Clone, Debug)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    /// The step an Undo button beside it undoes; shown only while that step
    /// is the next to undo.
    pub undo: Option<StepId>,
}

impl Notice {
    /// A plain message.
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            text: text.into(),
            error: false,
            undo: None,
        }
    }

    /// Something that went wrong, in words.
    pub fn error(text: impl Into<String>) -> Self {
        Notice {
            text: text.into(),
            error: true,
            undo: None,
        }
    }
}

/// The status bar's last few messages.
#[derive(Default)]
pub struct Notices {
    list: Vec<Notice>,
}

impl Notices {
    const KEEP: usize = 4;

    /// Adds a message (an error is logged too), dropping the oldest beyond a
    /// few; the same plain words again replace the last message instead of
    /// standing twice (one with an Undo button is always kept).
    pub fn push(&mut self, notice: Notice) {
        if notice.error {
            log::warn!("{}", notice.text);
        }
        if self
            .list
            .last()
            .is_some_and(|n| n.text == notice.text && n.error == notice.error && n.undo.is_none())
            && notice.undo.is_none()
        {
            self.list.pop();
        }
        self.list.push(notice);
        if self.list.len() > Self::KEEP {
            self.list.remove(0);
        }
    }

    /// The messages, oldest first.
    pub fn all(&self) -> &[Notice] {
        &self.list
    }

    /// Removes the `i`th message.
    pub fn dismiss(&mut self, i: usize) {
        if i < self.list.len() {
            self.list.remove(i);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// A drag of grid images in progress.
#[derive(Clone, Debug)]
pub struct GridDrag {
    /// The group they are dragged from (`None`: from a pool of the library).
    pub group: Option<GroupId>,
    /// The dragged images, in the grid's order.
    pub ids: Vec<ImageId>,
    /// The sidebar group under the pointer, set by the sidebar each frame.
    pub over: Option<(GroupId, String)>,
    /// The sidebar took the drop (onto a group): the grid does nothing more.
    pub dropped: bool,
    /// What the sidebar says about where the pointer is, when it is not a
    /// group (a gallery row).
    pub hint: Option<String>,
}

/// Images copied or cut, to paste into a group.
#[derive(Clone, Debug)]
pub struct Clip {
    /// In the order they were shown.
    pub ids: Vec<ImageId>,
    /// The group they were copied from (`None`: a pool).
    pub from: Option<GroupId>,
    /// Cut: pasting moves them out of `from`.
    pub cut: bool,
    /// The cut images, drawn dimmed until pasted (empty for a copy).
    pub dimmed: HashSet<ImageId>,
}

/// The grid as it was laid out last frame, for the keyboard: how many
/// columns, how many rows fit, and where it is scrolled.
#[derive(Clone, Copy, Debug, Default)]
pub struct Geometry {
    pub cols: usize,
    pub rows_visible: usize,
    /// Scroll offset and visible height, in points.
    pub offset: f32,
    pub height: f32,
    /// Scroll so that the focused image is visible (after a key moved it).
    pub reveal: bool,
}

/// The alt text being edited: saved when the field loses focus, when another
/// image is selected, and when the app closes.
#[derive(Default)]
pub struct AltEdit {
    pub image: Option<ImageId>,
    pub text: String,
    /// What the database holds.
    pub saved: String,
}

impl AltEdit {
    /// The save to make, if the text changed since it was last saved.
    pub fn flush(&mut self) -> Option<Action> {
        let id = self.image?;
        if self.text.trim() == self.saved.trim() {
            return None;
        }
        self.saved = self.text.clone();
        Some(Action::SetAltText(id, self.text.clone()))
    }
}

/// What the artist is doing in the window, apart from the data.
#[derive(Default)]
pub struct UiState {
    pub selection: Selection,
    pub dialog: Option<Dialog>,
    /// Whether a dialog was open last frame (a new one takes the keyboard).
    pub dialog_was_open: bool,
    /// The full-window viewer is open on the focused image.
    pub viewer: bool,
    pub drag: Option<GridDrag>,
    pub alt: AltEdit,
    pub notices: Notices,
    pub clip: Option<Clip>,
    pub geometry: Geometry,
}

impl UiState {
    /// Drops what was deleted from the copied or cut images; a cut whose
    /// group is gone pastes as a copy.
    pub fn forget_clipped(&mut self, gone: &super::history::Gone) {
        let Some(clip) = &mut self.clip else { return };
        clip.ids.retain(|id| !gone.images.contains(id));
        if clip.from.is_some_and(|g| gone.groups.contains(&g)) {
            clip.from = None;
            clip.cut = false;
            clip.dimmed.clear();
        }
        if clip.ids.is_empty() {
            self.clip = None;
        }
    }
}

/// Where panels put what they want done; the app carries it out after the frame.
#[derive(Default)]
pub struct Outbox {
    pub actions: Vec<Action>,
    /// Commands, each with whether its key was pressed with Shift.
    pub commands: Vec<(Command, bool)>,
    /// A dialog to open.
    pub dialog: Option<Dialog>,
}

impl Outbox {
    pub fn act(&mut self, action: Action) {
        self.actions.push(action);
    }

    pub fn command(&mut self, command: Command) {
        self.commands.push((command, false));
    }

    /// A command given by its key, pressed with Shift or not.
    pub fn command_keyed(&mut self, command: Command, shift: bool) {
        self.commands.push((command, shift));
    }

    pub fn open(&mut self, dialog: Dialog) {
        self.dialog = Some(dialog);
    }
}
