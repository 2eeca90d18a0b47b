//! Files opened with Folio ("Open with Folio" in a file manager, or `folio
//! FILE…`): the offer to import them, into the selected group or a new one.

use std::path::PathBuf;

use eframe::egui;

use super::{Outcome, buttons_ui, name_field_ui, name_problem, outcome};
use crate::app::action::Action;
use crate::app::data::Data;
use crate::core::GroupId;

/// How many of the opened files are named; the rest are counted.
const NAMED: usize = 8;

/// Where the opened files go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Selected,
    New,
}

#[derive(Clone, Debug)]
pub struct OpenFiles {
    paths: Vec<PathBuf>,
    /// The group shown when Folio opened, if any.
    selected: Option<GroupId>,
    into: Target,
    name: String,
}

impl OpenFiles {
    pub fn new(paths: Vec<PathBuf>, selected: Option<GroupId>) -> Self {
        OpenFiles {
            name: proposed_name(&paths),
            into: if selected.is_some() {
                Target::Selected
            } else {
                Target::New
            },
            paths,
            selected,
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &Data) -> Outcome {
        ui.heading("Import into Folio?");
        ui.label(format!(
            "{} opened with Folio. Importing copies them into the library; the files themselves are not changed.",
            crate::count(self.paths.len() as u64, "item was", "items were")
        ));
        ui.add_space(4.0);
        for p in self.paths.iter().take(NAMED) {
            let name = p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            ui.label(egui::RichText::new(name).weak())
                .on_hover_text(p.display().to_string());
        }
        if self.paths.len() > NAMED {
            ui.label(egui::RichText::new(format!("and {} more", self.paths.len() - NAMED)).weak());
        }
        ui.add_space(8.0);
        let selected = self.selected.and_then(|g| data.group(g));
        if let Some(g) = selected {
            ui.radio_value(
                &mut self.into,
                Target::Selected,
                format!("Into \u{201c}{}\u{201d}, the group shown", g.name),
            );
            ui.radio_value(&mut self.into, Target::New, "Into a new group");
        }
        if selected.is_none() {
            self.into = Target::New;
        }
        let new = self.into == Target::New;
        let problem = new
            .then(|| {
                name_problem(
                    &self.name,
                    "group",
                    data.groups.iter().map(|g| (g.id.0, g.name.as_str())),
                    None,
                )
            })
            .flatten();
        // Always there (greyed while the shown group is chosen): the dialog
        // keeps its size, and its buttons their place, as the choice changes.
        ui.add_enabled_ui(new, |ui| {
            name_field_ui(ui, "New group's name", &mut self.name, "Studio photos, May");
        });
        let pressed = buttons_ui(ui, "Import", problem.as_deref(), true);
        let into = self.into;
        outcome(pressed, || {
            let paths = std::mem::take(&mut self.paths);
            match (into, selected) {
                (Target::Selected, Some(g)) => vec![Action::Import { paths, group: g.id }],
                _ => vec![Action::CreateGroup {
                    name: self.name.trim().to_string(),
                    attach: None,
                    then_import: paths,
                    then_pick: None,
                }],
            }
        })
    }
}

/// A new group's name from what was opened: the folder they are all in
/// ("Studio May" for files of ~/Pictures/Studio May), else "Opened" and
/// today's date.
fn proposed_name(paths: &[PathBuf]) -> String {
    let folder = folder_name(paths);
    if folder.is_empty() {
        format!("Opened {}", crate::core::storage::backup::today_utc())
    } else {
        folder
    }
}

fn folder_name(paths: &[PathBuf]) -> String {
    let folder = |p: &PathBuf| {
        if p.is_dir() {
            Some(p.clone())
        } else {
            p.parent().map(PathBuf::from)
        }
    };
    let mut folders = paths.iter().map(folder);
    match folders.next().flatten() {
        Some(first) if folders.all(|f| f.as_ref() == Some(&first)) => first
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_one_folder_propose_its_name() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            proposed_name(&[p("/pics/Studio May/a.jpg"), p("/pics/Studio May/b.jpg")]),
            "Studio May"
        );
        assert!(proposed_name(&[p("/pics/a/x.jpg"), p("/pics/b/y.jpg")]).starts_with("Opened 20"));
    }
}
