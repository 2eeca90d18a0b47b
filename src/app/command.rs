//! Every command the artist can give from a menu, a button or the keyboard.
//! One enum is the single source of each command's label, shortcut and
//! description: the menus, the buttons' tooltips, the keyboard handling and
//! the help overlay (F1) all read it from here.

use eframe::egui::{Key, KeyboardShortcut, Modifiers};

/// A command of the app. Which one is allowed right now is decided by the app
/// (a command that needs a selection does nothing without one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Make a new, empty gallery.
    NewGallery,
    /// Make a new image group (attached to the selected gallery if there is one).
    NewGroup,
    /// Attach an existing or new group to the selected gallery, with a type.
    AttachGroup,
    /// Pick image files to import into the selected group.
    ImportFiles,
    /// Pick a folder to import (recursively) into the selected group.
    ImportFolder,
    /// Build the three scenarios of the design as a sample portfolio.
    AddSamplePortfolio,
    /// Export the selected gallery as a static website.
    ExportSite,
    /// Export the selected gallery as an ordered folder of JPEGs.
    ExportFolder,
    /// Export the selected gallery as a ZIP of ordered JPEGs.
    ExportZip,
    /// Export the selected gallery as a portfolio PDF.
    ExportPdf,
    /// Export the selected gallery as a submission package for a call.
    ExportSubmission,
    /// The artist's name, website, contact and statement, for exports.
    ArtistProfile,
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Remember the selected images, to add them to another group.
    Copy,
    /// Remember the selected images, to move them to another group.
    Cut,
    /// Add (or move) the copied (or cut) images into the shown group.
    Paste,
    /// Select every image of the group.
    SelectAll,
    /// Clear the selection (or close the viewer or a dialog).
    SelectNone,
    /// Select the previous image.
    SelectPrevious,
    /// Select the next image.
    SelectNext,
    /// Move the selected images one place earlier.
    MoveEarlier,
    /// Move the selected images one place later.
    MoveLater,
    /// Move the selected images to the start of the group.
    MoveToStart,
    /// Move the selected images to the end of the group.
    MoveToEnd,
    /// Sort the group by file name, A to Z.
    SortByName,
    /// Sort the group by file name, Z to A.
    SortByNameDescending,
    /// Sort the group by import date, oldest first.
    SortByImported,
    /// Sort the group by import date, newest first.
    SortByImportedDescending,
    /// Sort the group by title.
    SortByTitle,
    /// Sort the group by year, oldest first.
    SortByYear,
    /// Reverse the group's order.
    ReverseOrder,
    /// Look for works in the whole library (the keyboard goes to Find).
    Find,
    /// Captions under thumbnails: the title (the file name where none).
    CaptionsTitle,
    /// Captions under thumbnails: the file name.
    CaptionsFileName,
    /// No captions under thumbnails.
    CaptionsNone,
    /// Select the image above (Shift: extend the selection).
    SelectUp,
    /// Select the image below.
    SelectDown,
    /// Select the first image.
    SelectFirst,
    /// Select the last image.
    SelectLast,
    /// Select the image a page up.
    PageUp,
    /// Select the image a page down.
    PageDown,
    /// Show every image of the library.
    ShowAllImages,
    /// Show the images that are in no group.
    ShowUngrouped,
    /// Remove the selected images from this group; they stay in the library.
    RemoveFromGroup,
    /// Delete the selected images from the library and every group (asks first).
    DeleteFromLibrary,
    /// Show the selected image full-window.
    OpenViewer,
    /// Rename the selected group.
    RenameGroup,
    /// Bigger thumbnails.
    ZoomIn,
    /// Smaller thumbnails.
    ZoomOut,
    /// Show or hide the inspector.
    ToggleInspector,
    /// The list of shortcuts.
    Help,
    /// Close the window (the view is saved; the data already is).
    Quit,
    /// Make a checked backup of the database now.
    BackupNow,
    /// Save a copy of the selected image's original file, under its own name.
    ExportOriginal,
    /// Show the selected image's original in the file manager.
    ShowInFileManager,
    /// Follow the desktop's light or dark setting.
    ThemeSystem,
    /// Always light.
    ThemeLight,
    /// Always dark.
    ThemeDark,
    /// The version, the library, and the licences of what Folio ships.
    About,
}

const fn sc(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CMD_SHIFT: Modifiers = Modifiers {
    alt: false,
    ctrl: false,
    shift: true,
    mac_cmd: false,
    command: true,
};

impl Command {
    /// The menus: each a name and its sections (separated by a line), in order.
    pub const MENUS: [(&'static str, &'static [&'static [Command]]); 5] = [
        (
            "File",
            &[
                &[
                    Command::NewGallery,
                    Command::NewGroup,
                    Command::AttachGroup,
                    Command::ImportFiles,
                    Command::ImportFolder,
                    Command::AddSamplePortfolio,
                ],
                &[Command::ExportOriginal, Command::ShowInFileManager],
                &[
                    Command::ExportSite,
                    Command::ExportFolder,
                    Command::ExportZip,
                    Command::ExportPdf,
                    Command::ExportSubmission,
                    Command::ArtistProfile,
                ],
                &[Command::BackupNow],
                &[Command::Quit],
            ],
        ),
        (
            "Edit",
            &[
                &[Command::Undo, Command::Redo],
                &[Command::Copy, Command::Cut, Command::Paste],
                &[
                    Command::SelectAll,
                    Command::SelectNone,
                    Command::RemoveFromGroup,
                    Command::DeleteFromLibrary,
                    Command::RenameGroup,
                ],
            ],
        ),
        (
            "Arrange",
            &[
                &[
                    Command::MoveEarlier,
                    Command::MoveLater,
                    Command::MoveToStart,
                    Command::MoveToEnd,
                ],
                &[
                    Command::SortByName,
                    Command::SortByNameDescending,
                    Command::SortByImported,
                    Command::SortByImportedDescending,
                    Command::SortByTitle,
                    Command::SortByYear,
                    Command::ReverseOrder,
                ],
            ],
        ),
        (
            "View",
            &[
                &[
                    Command::Find,
                    Command::ShowAllImages,
                    Command::ShowUngrouped,
                ],
                &[
                    Command::OpenViewer,
                    Command::ZoomIn,
                    Command::ZoomOut,
                    Command::ToggleInspector,
                ],
            ],
        ),
        ("Help", &[&[Command::Help, Command::About]]),
    ];

    /// The View menu's Captions submenu (drawn as choices by `menu_bar_ui`).
    pub const CAPTIONS: [Command; 3] = [
        Command::CaptionsTitle,
        Command::CaptionsFileName,
        Command::CaptionsNone,
    ];

    /// The View menu's Theme submenu (drawn as choices by `menu_bar_ui`).
    pub const THEMES: [Command; 3] = [
        Command::ThemeSystem,
        Command::ThemeLight,
        Command::ThemeDark,
    ];

    /// Commands given only by key or button, in no menu.
    const KEYS_ONLY: [Command; 8] = [
        Command::SelectPrevious,
        Command::SelectNext,
        Command::SelectUp,
        Command::SelectDown,
        Command::SelectFirst,
        Command::SelectLast,
        Command::PageUp,
        Command::PageDown,
    ];

    /// Every command: the menus' in their order, then the keyboard's own
    /// (the order the help overlay lists them in).
    pub fn all() -> impl Iterator<Item = Command> {
        Self::MENUS
            .iter()
            .flat_map(|(_, sections)| sections.iter().flat_map(|s| s.iter().copied()))
            .chain(Self::CAPTIONS)
            .chain(Self::THEMES)
            .chain(Self::KEYS_ONLY)
    }

    /// The name on menus and buttons.
    pub fn label(self) -> &'static str {
        match self {
            Command::NewGallery => "New gallery…",
            Command::NewGroup => "New group…",
            Command::AttachGroup => "Attach group…",
            Command::ImportFiles => "Import files…",
            Command::ImportFolder => "Import folder…",
            Command::AddSamplePortfolio => "Add sample portfolio",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::Copy => "Copy",
            Command::Cut => "Cut",
            Command::Paste => "Paste",
            Command::MoveToStart => "Move to start",
            Command::MoveToEnd => "Move to end",
            Command::SortByName => "Sort by file name (A\u{2013}Z)",
            Command::SortByNameDescending => "Sort by file name (Z\u{2013}A)",
            Command::SortByImported => "Sort by import date (oldest first)",
            Command::SortByImportedDescending => "Sort by import date (newest first)",
            Command::SortByTitle => "Sort by title",
            Command::SortByYear => "Sort by year",
            Command::ReverseOrder => "Reverse order",
            Command::Find => "Find\u{2026}",
            Command::CaptionsTitle => "Title",
            Command::CaptionsFileName => "File name",
            Command::CaptionsNone => "None",
            Command::SelectUp => "Select above",
            Command::SelectDown => "Select below",
            Command::SelectFirst => "Select first",
            Command::SelectLast => "Select last",
            Command::PageUp => "Page up",
            Command::PageDown => "Page down",
            Command::ShowAllImages => "All images",
            Command::ShowUngrouped => "Not in any group",
            Command::SelectAll => "Select all",
            Command::SelectNone => "Select none",
            Command::SelectPrevious => "Select previous",
            Command::SelectNext => "Select next",
            Command::MoveEarlier => "Move earlier",
            Command::MoveLater => "Move later",
            Command::RemoveFromGroup => "Remove from group",
            Command::DeleteFromLibrary => "Delete from library…",
            Command::OpenViewer => "View full window",
            Command::RenameGroup => "Rename group…",
            Command::ZoomIn => "Bigger thumbnails",
            Command::ZoomOut => "Smaller thumbnails",
            Command::ToggleInspector => "Show or hide inspector",
            Command::Help => "Keyboard shortcuts",
            Command::Quit => "Quit",
            Command::BackupNow => "Back up now",
            Command::ExportSite => "Export gallery as website\u{2026}",
            Command::ExportFolder => "Export gallery as folder\u{2026}",
            Command::ExportZip => "Export gallery as ZIP\u{2026}",
            Command::ExportPdf => "Export portfolio PDF\u{2026}",
            Command::ExportSubmission => "Export submission package\u{2026}",
            Command::ArtistProfile => "Artist profile\u{2026}",
            Command::ExportOriginal => "Export original\u{2026}",
            Command::ShowInFileManager => "Show in file manager",
            Command::ThemeSystem => "System",
            Command::ThemeLight => "Light",
            Command::ThemeDark => "Dark",
            Command::About => "About Folio",
        }
    }

    /// What it does, for tooltips and the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            Command::NewGallery => "Make a gallery: an exhibition, a project, a client portfolio.",
            Command::NewGroup => {
                "Make an image group; it is attached to the selected gallery with the type you choose."
            }
            Command::AttachGroup => {
                "Put an existing group (or a new one) into the selected gallery, with a type such as main_exhibit or sketches."
            }
            Command::ImportFiles => {
                "Copy image files into the library and into the selected group."
            }
            Command::ImportFolder => {
                "Copy every image in a folder (and its sub-folders) into the selected group."
            }
            Command::AddSamplePortfolio => {
                "Three example galleries, one for each way of using typed groups."
            }
            Command::Undo => "Undo the last change to a group, a link or an order.",
            Command::Redo => "Make the last undone change again.",
            Command::Copy => {
                "Remember the selected images; Paste adds them to another group (they stay here too)."
            }
            Command::Cut => {
                "Remember the selected images; Paste moves them out of this group into another."
            }
            Command::Paste => {
                "Put the copied or cut images into the shown group, before the selected image (or at the end)."
            }
            Command::MoveToStart => "Move the selected images to the start of the group.",
            Command::MoveToEnd => "Move the selected images to the end of the group.",
            Command::SortByName => "Put the group in order by original file name, A to Z.",
            Command::SortByNameDescending => {
                "Put the group in order by original file name, Z to A."
            }
            Command::SortByImported => "Put the group in order of import, oldest first.",
            Command::SortByImportedDescending => "Put the group in order of import, newest first.",
            Command::SortByTitle => {
                "Put the group in order by title, A to Z; works without a title last, by file name."
            }
            Command::SortByYear => {
                "Put the group in order by year (the sort year), oldest first; works without a year last."
            }
            Command::ReverseOrder => "Turn the group's order around.",
            Command::Find => {
                "Look for works in the whole library by title, alt text, file name, medium, description, year, inventory number, or the name of a group or gallery."
            }
            Command::CaptionsTitle => {
                "Under each thumbnail: the work's title, or the file name where it has none."
            }
            Command::CaptionsFileName => "Under each thumbnail: the original file name.",
            Command::CaptionsNone => "Nothing under the thumbnails.",
            Command::SelectUp => "Select the image above; with Shift, extend the selection.",
            Command::SelectDown => "Select the image below; with Shift, extend the selection.",
            Command::SelectFirst => "Select the first image; with Shift, extend the selection.",
            Command::SelectLast => "Select the last image; with Shift, extend the selection.",
            Command::PageUp => "Select the image a page up; with Shift, extend the selection.",
            Command::PageDown => "Select the image a page down; with Shift, extend the selection.",
            Command::ShowAllImages => {
                "Every image in the library, newest first or by name, whatever groups it is in."
            }
            Command::ShowUngrouped => {
                "The images that are in no group, to put them into one or delete them."
            }
            Command::SelectAll => "Select every image in the group.",
            Command::SelectNone => "Clear the selection; closes the viewer or a dialog.",
            Command::SelectPrevious => {
                "Select the image before the selected one; with Shift, extend the selection."
            }
            Command::SelectNext => {
                "Select the image after the selected one; with Shift, extend the selection."
            }
            Command::MoveEarlier => "Move the selected images one place earlier in the group.",
            Command::MoveLater => "Move the selected images one place later in the group.",
            Command::RemoveFromGroup => {
                "Take the selected images out of this group. They stay in the library and in other groups."
            }
            Command::DeleteFromLibrary => {
                "Delete the selected images from the library and from every group that holds them."
            }
            Command::OpenViewer => {
                "Show the selected image full-window; the left and right arrow keys step, Esc closes."
            }
            Command::RenameGroup => "Give the selected group a new name.",
            Command::ZoomIn => "Make the thumbnails bigger.",
            Command::ZoomOut => "Make the thumbnails smaller.",
            Command::ToggleInspector => "Show or hide the panel with the selected image's details.",
            Command::Help => "Show this list.",
            Command::Quit => "Close Folio. Everything is already saved.",
            Command::ExportSite => {
                "A static website of the selected gallery: a page per work, images at several sizes; members sections encrypted, private ones left out."
            }
            Command::ExportFolder => {
                "Numbered JPEGs of the selected gallery in its order, with a manifest and an image list."
            }
            Command::ExportZip => {
                "The same numbered JPEGs, manifest and image list, in one ZIP file."
            }
            Command::ExportPdf => {
                "A PDF of the selected gallery: a cover, a page per work with its caption, and the image list; accessible, with its text in an embedded font."
            }
            Command::ExportSubmission => {
                "The JPEGs and image list an open call, a grant or a school asks for (CaF\u{c9}, SlideRoom, Guggenheim): sized, named and numbered by its rules."
            }
            Command::ArtistProfile => {
                "Your name, website, contact and a short statement, which exports show."
            }
            Command::BackupNow => {
                "Copy the database into the library's backups folder and check the copy (one is also made every day)."
            }
            Command::ExportOriginal => {
                "Save a copy of the selected image's original file, byte for byte as it was imported, under its own file name."
            }
            Command::ShowInFileManager => {
                "Open the library's folder of the selected image's original in the file manager, with the file selected. Originals are read-only: export a copy to edit it."
            }
            Command::ThemeSystem => "Light or dark as the desktop is set.",
            Command::ThemeLight => "Dark text on light panels.",
            Command::ThemeDark => "Light text on dark panels.",
            Command::About => {
                "Folio's version, where the library is and how large it is, and the licences of the fonts and libraries Folio ships."
            }
        }
    }

    /// The keyboard shortcuts (menus and the help show them all).
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const NONE: Modifiers = Modifiers::NONE;
        const CMD: Modifiers = Modifiers::COMMAND;
        const SHIFT: Modifiers = Modifiers::SHIFT;
        const ALT: Modifiers = Modifiers::ALT;
        match self {
            Command::NewGallery => const { &[sc(CMD, Key::N)] },
            Command::NewGroup => const { &[sc(CMD_SHIFT, Key::N)] },
            Command::AttachGroup => const { &[sc(CMD, Key::L)] },
            Command::ImportFiles => const { &[sc(CMD, Key::O)] },
            Command::ImportFolder => const { &[sc(CMD_SHIFT, Key::O)] },
            Command::AddSamplePortfolio => &[],
            Command::Undo => const { &[sc(CMD, Key::Z)] },
            Command::Redo => const { &[sc(CMD_SHIFT, Key::Z), sc(CMD, Key::Y)] },
            Command::Copy => const { &[sc(CMD, Key::C)] },
            Command::Cut => const { &[sc(CMD, Key::X)] },
            Command::Paste => const { &[sc(CMD, Key::V)] },
            Command::MoveToStart => const { &[sc(ALT, Key::Home)] },
            Command::MoveToEnd => const { &[sc(ALT, Key::End)] },
            Command::SortByName
            | Command::SortByNameDescending
            | Command::SortByImported
            | Command::SortByImportedDescending
            | Command::SortByTitle
            | Command::SortByYear
            | Command::ReverseOrder
            | Command::CaptionsTitle
            | Command::CaptionsFileName
            | Command::CaptionsNone
            | Command::ShowAllImages
            | Command::ShowUngrouped => &[],
            Command::Find => const { &[sc(CMD, Key::F)] },
            Command::SelectUp => const { &[sc(NONE, Key::ArrowUp)] },
            Command::SelectDown => const { &[sc(NONE, Key::ArrowDown)] },
            Command::SelectFirst => const { &[sc(NONE, Key::Home)] },
            Command::SelectLast => const { &[sc(NONE, Key::End)] },
            Command::PageUp => const { &[sc(NONE, Key::PageUp)] },
            Command::PageDown => const { &[sc(NONE, Key::PageDown)] },
            Command::SelectAll => const { &[sc(CMD, Key::A)] },
            Command::SelectNone => const { &[sc(NONE, Key::Escape)] },
            Command::SelectPrevious => const { &[sc(NONE, Key::ArrowLeft)] },
            Command::SelectNext => const { &[sc(NONE, Key::ArrowRight)] },
            Command::MoveEarlier => const { &[sc(ALT, Key::ArrowLeft)] },
            Command::MoveLater => const { &[sc(ALT, Key::ArrowRight)] },
            Command::RemoveFromGroup => {
                const { &[sc(NONE, Key::Delete), sc(NONE, Key::Backspace)] }
            }
            Command::DeleteFromLibrary => const { &[sc(SHIFT, Key::Delete)] },
            Command::OpenViewer => const { &[sc(NONE, Key::Space), sc(NONE, Key::Enter)] },
            Command::RenameGroup => const { &[sc(NONE, Key::F2)] },
            Command::ZoomIn => const { &[sc(CMD, Key::Plus), sc(CMD, Key::Equals)] },
            Command::ZoomOut => const { &[sc(CMD, Key::Minus)] },
            Command::ToggleInspector => const { &[sc(CMD, Key::I)] },
            Command::Help => const { &[sc(NONE, Key::F1), sc(NONE, Key::Questionmark)] },
            Command::Quit => const { &[sc(CMD, Key::Q)] },
            Command::BackupNow => &[],
            Command::ExportSite => const { &[sc(CMD, Key::E)] },
            Command::ExportFolder
            | Command::ExportZip
            | Command::ExportPdf
            | Command::ExportSubmission
            | Command::ArtistProfile
            | Command::ExportOriginal
            | Command::ShowInFileManager
            | Command::ThemeSystem
            | Command::ThemeLight
            | Command::ThemeDark
            | Command::About => &[],
        }
    }

    /// Whether a text field wants this command's keys for itself: plain
    /// keys, and the editing shortcuts (select all, undo, move by word). Those
    /// only act when no text field has the keyboard.
    pub fn is_text_key(self) -> bool {
        self.shortcuts()
            .iter()
            .any(|s| s.modifiers.is_none() || s.modifiers == Modifiers::SHIFT)
            || matches!(
                self,
                Command::SelectAll
                    | Command::Undo
                    | Command::Redo
                    | Command::Copy
                    | Command::Cut
                    | Command::Paste
                    | Command::MoveEarlier
                    | Command::MoveLater
                    | Command::MoveToStart
                    | Command::MoveToEnd
            )
    }

    /// Whether it moves the focus in the grid: each press counts, however
    /// many arrive in one frame.
    pub fn is_navigation(self) -> bool {
        matches!(
            self,
            Command::SelectPrevious
                | Command::SelectNext
                | Command::SelectUp
                | Command::SelectDown
                | Command::PageUp
                | Command::PageDown
        )
    }

    /// The shortcuts in words, for menus and the help ("Ctrl+N", "F1 or ?").
    pub fn shortcut_text(self, ctx: &eframe::egui::Context) -> String {
        self.shortcuts()
            .iter()
            .map(|s| match s.logical_key {
                // egui names it "Questionmark".
                Key::Questionmark if s.modifiers.is_none() => "?".to_string(),
                _ => ctx.format_shortcut(s),
            })
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_listed_once_with_words() {
        let mut seen = std::collections::HashSet::new();
        for c in Command::all() {
            assert!(seen.insert(format!("{c:?}")), "{c:?} twice");
            assert!(!c.label().is_empty() && !c.description().is_empty());
        }
        assert_eq!(
            seen.len(),
            60,
            "every command is in a menu, CAPTIONS, THEMES or KEYS_ONLY"
        );
    }

    #[test]
    fn no_two_commands_share_a_shortcut() {
        let mut seen = std::collections::HashMap::new();
        for c in Command::all() {
            for s in c.shortcuts() {
                if let Some(other) = seen.insert((s.modifiers, s.logical_key), c) {
                    panic!("{c:?} and {other:?} share a shortcut");
                }
            }
        }
    }
}
