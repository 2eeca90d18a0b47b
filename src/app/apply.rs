//! Applying what actions did: [`action::perform`] decides each action's
//! [`Effect`]; this is the one place every effect is applied — undo steps
//! remembered and forgotten, notices, the view, the selection, background
//! work, and the shown rows mirrored in memory.

use super::FolioApp;
use super::action::{self, Effect, Mirror, Selecting};
use super::state::{Notice, Selection};

/// What the snapshot needs after a frame's actions, least first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Refresh {
    None,
    /// Galleries, groups, links and counts; the shown rows are kept.
    Catalog,
    All,
}

impl FolioApp {
    /// Applies the frame's actions, each in one transaction, and what each
    /// did; then brings the snapshot up to date once.
    pub(super) fn apply(&mut self) {
        let actions = std::mem::take(&mut self.out.actions);
        if actions.is_empty() {
            return;
        }
        let mut refresh = Refresh::None;
        for action in actions {
            let edit = action.is_edit();
            let needs = match action::perform(action, &mut self.session, &mut self.history) {
                Ok(effect) => {
                    // After any other change, what was undone stays undone
                    // (an undoable one clears it as it is remembered).
                    if edit && effect.undo.is_none() {
                        self.history.clear_redo();
                    }
                    self.take_effect(effect)
                }
                Err(e) => {
                    self.ui.notices.push(Notice::error(e));
                    Refresh::All
                }
            };
            refresh = refresh.max(needs);
        }
        self.session.wrote();
        let intended = self.session.view.place();
        match refresh {
            // Rows mirrored in memory may have left the grid.
            Refresh::None => self.ui.selection.retain_shown(&self.session.data.index),
            Refresh::Catalog => self.refresh(true),
            Refresh::All => self.refresh(false),
        }
        // The snapshot showed another group than the actions asked for (a
        // gallery's own group instead): nothing of the old one stays selected.
        if self.session.view.place().group != intended.group {
            self.ui.selection = Selection::default();
            self.ui.viewer = false;
        }
    }

    /// Applies what one action did: the one place for every action's effects.
    fn take_effect(&mut self, effect: Effect) -> Refresh {
        let Effect {
            mirror,
            undo,
            pushed,
            gone,
            deleted,
            notice,
            go,
            tally,
            recount,
            selection,
            work,
            pick,
        } = effect;
        self.history.forget(&gone);
        for id in &gone.images {
            self.textures.forget(*id);
        }
        self.ui.forget_clipped(&gone);
        self.ui.forget_clipped(&deleted);
        let step = undo
            .map(|s| {
                let label = notice.clone().unwrap_or_default();
                self.history.push(s, label)
            })
            .or(pushed);
        if let Some(text) = notice {
            self.ui.notices.push(Notice {
                text,
                error: false,
                undo: step,
            });
        }
        if let Some(place) = go {
            // Another group shown: nothing of the old one stays selected,
            // even an image that is in both (unless the effect selects).
            let view = self.session.view.place();
            if place.group != view.group || place.pool != view.pool {
                self.ui.selection = Selection::default();
                self.ui.viewer = false;
            }
            self.session.view.go_to(place);
        }
        let data = &mut self.session.data;
        if recount {
            data.counts = None;
        }
        let tallied = tally.is_some();
        if let Some(tally) = &tally {
            data.tally(tally);
            // The inspected image may be in other groups now.
            data.usage = None;
        }
        match selection {
            Selecting::Keep => {}
            Selecting::Clear => {
                self.ui.selection = Selection::default();
                self.ui.viewer = false;
            }
            Selecting::Set(ids) => self.ui.selection = Selection::of(&ids),
        }
        if let Some(work) = work {
            self.enqueue(work);
        }
        if let Some((pick, group, name)) = pick
            && let Err(e) = self.work.pick(pick, group, name)
        {
            self.ui.notices.push(Notice::error(e));
        }
        let refresh = self.mirror(mirror);
        // Counts and covers adjusted in memory: the catalogue is as read.
        if tallied && refresh == Refresh::Catalog {
            Refresh::None
        } else {
            refresh
        }
    }

    /// Mirrors an action's change to the shown rows in memory; says what
    /// must still be read.
    fn mirror(&mut self, mirror: Mirror) -> Refresh {
        let data = &mut self.session.data;
        match mirror {
            Mirror::Unchanged => Refresh::Catalog,
            Mirror::Move(ids, before) => {
                data.move_local(&ids, before);
                Refresh::None
            }
            Mirror::Insert(rows, before) => {
                data.insert_local(rows, before);
                Refresh::Catalog
            }
            Mirror::Remove(ids) => {
                data.remove_local(&ids);
                Refresh::Catalog
            }
            Mirror::Order(ids) => {
                data.reorder_local(&ids);
                Refresh::Catalog
            }
            Mirror::Entries(entries) => {
                data.replace_entries(&entries);
                Refresh::None
            }
            Mirror::Unknown => Refresh::All,
        }
    }
}
