//! The app's interaction state (what is selected, which dialog is open, the
//! viewer, a drag in progress, the details being typed, the status bar's
//! messages) and the [`Outbox`] through which a panel asks for changes.
//!
//! A panel never changes the library or the view itself: it reads the
//! snapshot, changes its own bit of state here, and puts what it wants done
//! into the outbox, which the app carries out after the frame.

use std::collections::HashSet;

use super::action::Action;
use super::command::Command;
use super::data::Data;
use super::dialogs::Dialog;
use super::history::StepId;
use crate::core::model::details::{Details, Entry, Field, Unit};
use crate::core::model::images::Image;
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

/// One field of the inspector's form as typed.
#[derive(Clone, Debug)]
pub struct FieldEdit {
    pub field: Field,
    pub text: String,
    /// What the images hold (the first one's, when they differ).
    pub saved: String,
    /// The images hold different values: the field says so until typed into.
    pub mixed: bool,
    /// Why what was typed cannot be saved.
    pub error: Option<String>,
}

impl FieldEdit {
    /// Typed into since it was read or saved.
    fn is_dirty(&self) -> bool {
        self.text.trim() != self.saved.trim() && !(self.mixed && self.text.trim().is_empty())
    }
}

/// An image's details, or none.
fn details_of(img: &Image) -> &Details {
    img.details.as_deref().unwrap_or(&Details::NONE)
}

/// The inspector's form: the selected images' alt text and details as
/// typed. A field is saved when it loses focus, when the selection changes
/// and when the app closes; an edit applies to every selected image.
#[derive(Clone, Debug, Default)]
pub struct DetailsEdit {
    /// The images it edits, in the grid's order (the focused one last).
    pub ids: Vec<ImageId>,
    /// The same, to compare with the selection every frame (FxHash: at a
    /// Ctrl+A of 100,000 images that is a fraction of a millisecond).
    set: HashSet<ImageId, rustc_hash::FxBuildHasher>,
    /// The snapshot's generation it was read at.
    pub generation: u64,
    /// One per [`Field::ALL`], in that order.
    pub fields: Vec<FieldEdit>,
    /// The focused image's entry: what a typed value is checked against.
    probe: Entry,
}

impl DetailsEdit {
    /// The form for the selected images `ids` (focused last), read from the rows shown.
    pub fn read(ids: Vec<ImageId>, data: &Data, generation: u64) -> Self {
        let rows: Vec<&Image> = ids.iter().filter_map(|id| data.image(*id)).collect();
        let probe = rows.last().map(|i| i.entry()).unwrap_or_default();
        let fields = Field::ALL
            .iter()
            .map(|&field| {
                let saved = probe.get(field);
                let mixed = rows.last().is_some_and(|last| {
                    rows.iter().any(|r| {
                        if field == Field::AltText {
                            r.alt_text != last.alt_text
                        } else {
                            !details_of(r).same(details_of(last), field)
                        }
                    })
                });
                let saved = if mixed { String::new() } else { saved };
                FieldEdit {
                    field,
                    text: saved.clone(),
                    saved,
                    mixed,
                    error: None,
                }
            })
            .collect();
        DetailsEdit {
            set: ids.iter().copied().collect(),
            ids,
            generation,
            fields,
            probe,
        }
    }

    /// The form read again for the same images (the snapshot changed): a
    /// field typed into keeps what was typed; one whose text differs from
    /// the new value only by spaces keeps its text (a space being typed).
    pub fn reread(&mut self, data: &Data, generation: u64) {
        let mut new = DetailsEdit::read(std::mem::take(&mut self.ids), data, generation);
        new.set = std::mem::take(&mut self.set);
        for f in &mut new.fields {
            let old = self.field(f.field);
            if old.is_dirty() {
                *f = old.clone();
            } else if old.text.trim() == f.saved.trim() {
                f.text.clone_from(&old.text);
                f.saved.clone_from(&old.text);
            }
        }
        *self = new;
    }

    /// Whether it edits exactly these images.
    pub fn is_for(&self, ids: &HashSet<ImageId>) -> bool {
        self.set.len() == ids.len() && ids.iter().all(|id| self.set.contains(id))
    }

    /// The field as typed (an empty one before the form is read).
    pub fn field(&self, field: Field) -> &FieldEdit {
        static EMPTY: FieldEdit = FieldEdit {
            field: Field::Title,
            text: String::new(),
            saved: String::new(),
            mixed: false,
            error: None,
        };
        self.fields
            .iter()
            .find(|f| f.field == field)
            .unwrap_or(&EMPTY)
    }

    /// The field to type into (made if the form was never read).
    pub fn field_mut(&mut self, field: Field) -> &mut FieldEdit {
        let i = match self.fields.iter().position(|f| f.field == field) {
            Some(i) => i,
            None => {
                self.fields.push(FieldEdit {
                    field,
                    text: String::new(),
                    saved: String::new(),
                    mixed: false,
                    error: None,
                });
                self.fields.len() - 1
            }
        };
        &mut self.fields[i]
    }

    /// The unit the form shows: the images', else cm.
    pub fn unit(&self) -> String {
        let u = self.field(Field::Unit);
        if u.text.is_empty() {
            "cm".into()
        } else {
            u.text.clone()
        }
    }

    /// The save for `field`, if it was typed into; `None` also when the
    /// value is refused (the field then says why and keeps the text).
    pub fn flush(&mut self, field: Field) -> Option<Action> {
        if self.ids.is_empty() || !self.field(field).is_dirty() {
            return None;
        }
        let typed = self.field(field).text.clone();
        let text = typed.trim().to_string();
        // A dimension goes with the unit the form shows to images that have
        // no unit yet (the others keep theirs).
        let unit_if_none = (field.is_dimension() && !text.is_empty())
            .then(|| Unit::parse(&self.unit()))
            .flatten();
        // What a value is checked against: what it means alone (every
        // selected image takes it the same way).
        let mut probe = self.probe.clone();
        if probe.details.unit.is_none() {
            probe.details.unit = unit_if_none;
        }
        if let Err(why) = probe.set(field, &text) {
            self.field_mut(field).error = Some(why);
            return None;
        }
        self.probe = probe;
        let f = self.field_mut(field);
        f.saved = typed;
        f.mixed = false;
        f.error = None;
        Some(Action::SetDetails {
            ids: self.ids.clone(),
            edits: vec![(field, text)],
            unit_if_none,
        })
    }

    /// Takes `set` as the selection it was read for.
    pub fn set_ids(&mut self, set: &HashSet<ImageId>) {
        self.set = set.iter().copied().collect();
    }

    /// The unit chosen: saved at once when the images have dimensions, else
    /// kept for the first dimension typed.
    pub fn flush_unit(&mut self) -> Option<Action> {
        let has_numbers =
            |d: &Details| d.height.is_some() || d.width.is_some() || d.depth.is_some();
        if has_numbers(&self.probe.details) {
            return self.flush(Field::Unit);
        }
        let f = self.field_mut(Field::Unit);
        f.saved = f.text.clone();
        None
    }

    /// The dimensions as a label will show them, from what is saved.
    pub fn shown_dimensions(&self) -> Option<String> {
        self.probe.details.dimensions()
    }

    /// Gives up what was typed into `field` (Esc).
    pub fn revert(&mut self, field: Field) {
        let f = self.field_mut(field);
        f.text.clone_from(&f.saved);
        f.error = None;
    }

    /// The saves of every field typed into.
    pub fn flush_all(&mut self) -> Vec<Action> {
        Field::ALL.iter().filter_map(|&f| self.flush(f)).collect()
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
    pub details: DetailsEdit,
    pub notices: Notices,
    pub clip: Option<Clip>,
    pub geometry: Geometry,
    pub find: super::find::FindState,
    /// What "Show in file manager" calls, still running, will say: a
    /// notice, or where the original is (no file manager answered).
    pub revealing: Vec<std::sync::mpsc::Receiver<Result<Notice, super::dialogs::OriginalPath>>>,
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
    /// Messages for the status bar.
    pub notices: Vec<Notice>,
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
