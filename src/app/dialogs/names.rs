//! Naming: a new gallery or its details, a new group (attached to a gallery
//! with a type when one is selected), a group's details.

use std::path::PathBuf;

use eframe::egui;

use super::{
    Outcome, buttons_ui, description_field_ui, name_field_ui, name_problem, outcome,
    type_picker_ui, unused_seed_type,
};
use crate::app::action::Action;
use crate::app::data::Data;
use crate::app::jobs::Pick;
use crate::core::model::catalog;
use crate::core::{GalleryId, GroupId, Library};

/// A new gallery (`id: None`) or a gallery's name and description.
#[derive(Clone, Debug)]
pub struct NameGallery {
    id: Option<GalleryId>,
    name: String,
    description: String,
}

impl NameGallery {
    pub fn new(id: Option<GalleryId>, name: &str, description: Option<&str>) -> Self {
        NameGallery {
            id,
            name: name.to_string(),
            description: description.unwrap_or_default().to_string(),
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &Data) -> Outcome {
        ui.heading(if self.id.is_some() {
            "Gallery details"
        } else {
            "New gallery"
        });
        let problem = name_problem(
            &self.name,
            "gallery",
            data.galleries.iter().map(|g| (g.id.0, g.name.as_str())),
            self.id.map(|i| i.0),
        );
        name_field_ui(ui, "Gallery name", &mut self.name, "Spring Show 2027");
        let writing = description_field_ui(ui, &mut self.description);
        let ok = if self.id.is_some() {
            "Save"
        } else {
            "Create gallery"
        };
        let pressed = buttons_ui(ui, ok, problem.as_deref(), !writing);
        outcome(pressed, || {
            vec![match self.id {
                Some(id) => Action::EditGallery(id, self.name.clone(), self.description.clone()),
                None => Action::CreateGallery(self.name.clone(), self.description.clone()),
            }]
        })
    }
}

/// A new group, attached to `gallery` with `link_type` when there is one.
#[derive(Clone, Debug)]
pub struct NewGroup {
    name: String,
    gallery: Option<GalleryId>,
    link_type: String,
    /// Files dropped while no group was shown: imported into it.
    paths: Vec<PathBuf>,
    pick: Option<Pick>,
}

impl NewGroup {
    pub fn new(
        gallery: Option<GalleryId>,
        name: String,
        paths: Vec<PathBuf>,
        pick: Option<Pick>,
    ) -> Self {
        NewGroup {
            name,
            gallery,
            link_type: catalog::SEED_TYPES[0].to_string(),
            paths,
            pick,
        }
    }

    /// Proposes a type the gallery does not use yet.
    pub fn prepare(&mut self, lib: &Library) -> crate::core::Result<()> {
        if let Some(gallery) = self.gallery {
            let links = catalog::gallery_links(lib.conn(), gallery)?;
            self.link_type = unused_seed_type(links.iter().map(|l| l.link_type.as_str()));
        }
        Ok(())
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &Data) -> Outcome {
        ui.heading("New image group");
        if !self.paths.is_empty() {
            ui.label(format!(
                "{} will be imported into it.",
                crate::count(self.paths.len() as u64, "dropped item", "dropped items")
            ));
        }
        let mut problem = name_problem(
            &self.name,
            "group",
            data.groups.iter().map(|g| (g.id.0, g.name.as_str())),
            None,
        );
        name_field_ui(ui, "Group name", &mut self.name, "Summer 2026 Lookbook");
        let gallery = self.gallery.and_then(|g| data.gallery(g));
        if let Some(g) = gallery {
            ui.add_space(6.0);
            ui.label(format!("It goes into \u{201c}{}\u{201d} as:", g.name));
            type_picker_ui(ui, &mut self.link_type, &data.types);
            if problem.is_none() {
                problem = catalog::clean_type(&self.link_type)
                    .err()
                    .map(|e| e.to_string());
            }
        }
        let attach = gallery.map(|g| {
            let visibility = catalog::Visibility::proposed_for(&self.link_type);
            (g.id, self.link_type.clone(), visibility)
        });
        let pressed = buttons_ui(ui, "Create group", problem.as_deref(), true);
        outcome(pressed, || {
            vec![Action::CreateGroup {
                name: self.name.clone(),
                attach,
                then_import: std::mem::take(&mut self.paths),
                then_pick: self.pick,
            }]
        })
    }
}

/// A group's name and description.
#[derive(Clone, Debug)]
pub struct RenameGroup {
    id: GroupId,
    name: String,
    description: String,
}

impl RenameGroup {
    pub fn new(id: GroupId, name: &str, description: Option<&str>) -> Self {
        RenameGroup {
            id,
            name: name.to_string(),
            description: description.unwrap_or_default().to_string(),
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &Data) -> Outcome {
        ui.heading("Group details");
        let problem = name_problem(
            &self.name,
            "group",
            data.groups.iter().map(|g| (g.id.0, g.name.as_str())),
            Some(self.id.0),
        );
        name_field_ui(ui, "Group name", &mut self.name, "");
        let writing = description_field_ui(ui, &mut self.description);
        let pressed = buttons_ui(ui, "Save", problem.as_deref(), !writing);
        outcome(pressed, || {
            vec![Action::EditGroup(
                self.id,
                self.name.clone(),
                self.description.clone(),
            )]
        })
    }
}
