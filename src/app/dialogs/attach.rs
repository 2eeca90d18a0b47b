//! Typed links: attaching a group (existing or new) to a gallery, and
//! changing a link's type. Both refuse a type the group already has in that
//! gallery before they close, and the attach dialog proposes a type the
//! gallery does not use yet.

use eframe::egui;

use super::{
    Outcome, buttons_ui, name_field_ui, name_problem, outcome, type_picker_ui, unused_seed_type,
};
use crate::app::action::Action;
use crate::app::data::Data;
use crate::core::model::catalog::{self, Visibility};
use crate::core::{GalleryId, GroupId, Library};

/// Attach an existing group (`group: Some`) or a new one to a gallery.
#[derive(Clone, Debug)]
pub struct Attach {
    gallery: GalleryId,
    gallery_name: String,
    group: Option<GroupId>,
    new_name: String,
    link_type: String,
    /// Who exports show the link to: proposed from the type until the
    /// artist chooses.
    visibility: Visibility,
    visibility_chosen: bool,
    /// The gallery's links as (group, type), read as the dialog opens.
    links: Vec<(GroupId, String)>,
}

impl Attach {
    pub fn new(gallery: GalleryId, group: Option<GroupId>) -> Self {
        Attach {
            gallery,
            gallery_name: String::new(),
            group,
            new_name: String::new(),
            link_type: catalog::SEED_TYPES[0].to_string(),
            visibility: Visibility::Public,
            visibility_chosen: false,
            links: Vec::new(),
        }
    }

    /// Reads the gallery's links; proposes a type it does not use yet.
    pub fn prepare(&mut self, lib: &Library) -> crate::core::Result<()> {
        self.gallery_name = catalog::gallery(lib.conn(), self.gallery)?.name;
        self.links = catalog::gallery_links(lib.conn(), self.gallery)?
            .into_iter()
            .map(|l| (l.group, l.link_type))
            .collect();
        self.link_type = unused_seed_type(self.links.iter().map(|(_, t)| t.as_str()));
        Ok(())
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &Data) -> Outcome {
        ui.heading(format!(
            "Attach a group to \u{201c}{}\u{201d}",
            self.gallery_name
        ));
        ui.label("The same group can be in many galleries, and twice in one under two types.");
        ui.add_space(6.0);
        let shown = self
            .group
            .and_then(|g| data.group(g))
            .map_or_else(|| "New group…".to_string(), |g| g.name.clone());
        let label = ui.label("Group");
        egui::ComboBox::from_id_salt("attach-group")
            .selected_text(shown)
            .width(300.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.group, None, "New group…");
                for g in &data.groups {
                    ui.selectable_value(&mut self.group, Some(g.id), &g.name);
                }
            })
            .response
            .labelled_by(label.id);
        let mut problem = None;
        if self.group.is_none() {
            problem = name_problem(
                &self.new_name,
                "group",
                data.groups.iter().map(|g| (g.id.0, g.name.as_str())),
                None,
            );
            name_field_ui(
                ui,
                "New group name",
                &mut self.new_name,
                "Summer 2026 Lookbook",
            );
        }
        ui.add_space(6.0);
        ui.label("Its purpose in this gallery:");
        type_picker_ui(ui, &mut self.link_type, &data.types);
        problem = problem.or_else(|| type_problem(&self.link_type, self.group, &self.links));
        if !self.visibility_chosen {
            self.visibility = Visibility::proposed_for(&self.link_type);
        }
        ui.add_space(6.0);
        if visibility_ui(ui, &mut self.visibility) {
            self.visibility_chosen = true;
        }
        let pressed = buttons_ui(ui, "Attach", problem.as_deref(), true);
        outcome(pressed, || {
            vec![match self.group {
                Some(group) => Action::Attach {
                    gallery: self.gallery,
                    group,
                    link_type: self.link_type.clone(),
                    visibility: self.visibility,
                },
                None => Action::CreateGroup {
                    name: self.new_name.clone(),
                    attach: Some((self.gallery, self.link_type.clone(), self.visibility)),
                    then_import: Vec::new(),
                    then_pick: None,
                },
            }]
        })
    }
}

/// Who exports show the link to: three radio buttons, each explained.
/// Returns whether the artist changed it.
pub fn visibility_ui(ui: &mut egui::Ui, visibility: &mut Visibility) -> bool {
    ui.label("Who sees it when you export the gallery:");
    let mut changed = false;
    ui.horizontal(|ui| {
        for v in Visibility::ALL {
            let r = ui
                .radio_value(visibility, v, v.label())
                .on_hover_text(v.explained());
            changed |= r.changed();
        }
    });
    ui.label(egui::RichText::new(visibility.explained()).small().weak());
    changed
}

/// Change the type of a group's link in a gallery.
#[derive(Clone, Debug)]
pub struct ChangeType {
    gallery: GalleryId,
    group: GroupId,
    from: String,
    to: String,
    links: Vec<(GroupId, String)>,
}

impl ChangeType {
    pub fn new(gallery: GalleryId, group: GroupId, from: &str) -> Self {
        ChangeType {
            gallery,
            group,
            from: from.to_string(),
            to: from.to_string(),
            links: Vec::new(),
        }
    }

    /// Reads the types the group already has in the gallery.
    pub fn prepare(&mut self, lib: &Library) -> crate::core::Result<()> {
        self.links = catalog::gallery_links(lib.conn(), self.gallery)?
            .into_iter()
            .filter(|l| l.link_type != self.from || l.group != self.group)
            .map(|l| (l.group, l.link_type))
            .collect();
        Ok(())
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &Data) -> Outcome {
        let name = data
            .group(self.group)
            .map_or_else(String::new, |g| g.name.clone());
        ui.heading(format!("Type of \u{201c}{name}\u{201d}"));
        type_picker_ui(ui, &mut self.to, &data.types);
        let unchanged = self.to.trim() == self.from;
        let problem = type_problem(&self.to, Some(self.group), &self.links)
            // Nothing changed yet: OK stays disabled, without a message.
            .or_else(|| unchanged.then(String::new));
        let pressed = buttons_ui(ui, "Change type", problem.as_deref(), true);
        outcome(pressed, || {
            vec![Action::ChangeType {
                gallery: self.gallery,
                group: self.group,
                from: self.from.clone(),
                to: self.to.clone(),
            }]
        })
    }
}

/// What is wrong with a type for `group` in a gallery with `links`: not a
/// valid type, or one the group already has there.
fn type_problem(
    link_type: &str,
    group: Option<GroupId>,
    links: &[(GroupId, String)],
) -> Option<String> {
    if let Err(e) = catalog::clean_type(link_type) {
        return Some(e.to_string());
    }
    let wanted = link_type.trim();
    let taken = group.is_some_and(|g| links.iter().any(|(l, t)| *l == g && t == wanted));
    taken.then(|| format!("It is already in this gallery as \u{201c}{wanted}\u{201d}."))
}
