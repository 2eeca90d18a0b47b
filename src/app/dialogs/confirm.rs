//! Confirmations before something is deleted: each says what goes and what
//! stays, and wants a click (Enter does not confirm a delete).

use eframe::egui;

use super::{Outcome, buttons_ui, outcome};
use crate::app::action::Action;
use crate::core::{GalleryId, GroupId, ImageId};

/// Delete a gallery (its groups stay).
#[derive(Clone, Debug)]
pub struct ConfirmDeleteGallery {
    pub id: GalleryId,
    pub name: String,
    pub groups: u64,
}

impl ConfirmDeleteGallery {
    pub fn ui(&self, ui: &mut egui::Ui) -> Outcome {
        ui.heading(format!("Delete the gallery \u{201c}{}\u{201d}?", self.name));
        ui.label(match self.groups {
            0 => "It has no groups. No image is deleted. You can undo this.".to_string(),
            n => format!(
                "Its {} will be detached and stay under All groups. No image is deleted. You can undo this.",
                crate::count(n, "group", "groups")
            ),
        });
        confirm_ui(ui, "Delete gallery", Action::DeleteGallery(self.id))
    }
}

/// Delete a group (its images stay in the library).
#[derive(Clone, Debug)]
pub struct ConfirmDeleteGroup {
    pub id: GroupId,
    pub name: String,
    pub images: u64,
    pub galleries: u64,
    /// How many of its images are in no other group (read as it opens).
    pub loose: Option<u64>,
}

impl ConfirmDeleteGroup {
    /// Reads how many of its images would be left in no group.
    pub fn prepare(&mut self, lib: &crate::core::Library) -> crate::core::Result<()> {
        self.loose = Some(crate::core::model::images::only_in(lib.conn(), self.id)?);
        Ok(())
    }

    pub fn ui(&self, ui: &mut egui::Ui) -> Outcome {
        ui.heading(format!("Delete the group \u{201c}{}\u{201d}?", self.name));
        let images = match (self.images, self.loose) {
            (0, _) => "It holds no images.".to_string(),
            (n, Some(0)) => format!(
                "Its {} stay in the library and in their other groups.",
                crate::count(n, "image", "images")
            ),
            (n, Some(loose)) if loose == n => format!(
                "Its {} stay in the library, in no group: you will find them under \u{201c}Not in any group\u{201d}.",
                crate::count(n, "image", "images")
            ),
            (n, Some(loose)) => format!(
                "Its {} stay in the library; {loose} of them will then be in no group (find them under \u{201c}Not in any group\u{201d}), the others stay in their other groups.",
                crate::count(n, "image", "images")
            ),
            (n, None) => format!(
                "Its {} stay in the library.",
                crate::count(n, "image", "images")
            ),
        };
        let galleries = match self.galleries {
            0 => "It is in no gallery.".to_string(),
            n => format!(
                "It will be removed from {}.",
                crate::count(n, "gallery", "galleries")
            ),
        };
        ui.label(format!("{galleries} {images} You can undo this."));
        confirm_ui(ui, "Delete group", Action::DeleteGroup(self.id))
    }
}

/// Delete images from the library, naming every group that loses one.
#[derive(Clone, Debug)]
pub struct ConfirmDeleteImages {
    pub ids: Vec<ImageId>,
    pub names: Vec<String>,
    /// Every group that loses an image.
    pub groups: Vec<String>,
}

impl ConfirmDeleteImages {
    pub fn ui(&self, ui: &mut egui::Ui) -> Outcome {
        ui.heading(format!(
            "Delete {} from the library?",
            crate::count(self.ids.len() as u64, "image", "images")
        ));
        let shown: Vec<&str> = self.names.iter().take(5).map(String::as_str).collect();
        let more = self.names.len().saturating_sub(shown.len());
        let mut list = shown.join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        ui.label(list);
        ui.add_space(6.0);
        let one = self.ids.len() == 1;
        let (they, them, their) = if one {
            ("It", "it", "Its copy")
        } else {
            ("They", "them", "Their copies")
        };
        ui.label(if self.groups.is_empty() {
            format!("{they} {} in no group.", if one { "is" } else { "are" })
        } else {
            format!(
                "{they} will be removed from every group that holds {them}: {}.",
                self.groups.join(", ")
            )
        });
        ui.label(format!(
            "{their} in Folio's library {} deleted. Your original files elsewhere are not touched. This cannot be undone.",
            if one { "is" } else { "are" }
        ));
        confirm_ui(
            ui,
            "Delete from library",
            Action::DeleteImages(self.ids.clone()),
        )
    }
}

fn confirm_ui(ui: &mut egui::Ui, ok: &str, action: Action) -> Outcome {
    outcome(buttons_ui(ui, ok, None, false), || vec![action])
}
