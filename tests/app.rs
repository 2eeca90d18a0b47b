//! The desktop app driven as an artist drives it (egui_kittest, no GPU): every
//! widget is found by its accessible label or role, clicked, typed into and
//! dragged; what the artist would notice is then checked in the window and
//! in the database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // ok: a test fails loudly on any error

use std::path::{Path, PathBuf};
use std::sync::Arc;

use eframe::egui::{self, Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use folio::app::FolioApp;
use folio::core::Format;
use folio::core::media::thumbnail as thumbs;
use folio::core::model::catalog::Visibility;
use folio::core::model::{catalog, images, profile};
use folio::core::{GroupId, Library, sample};

mod support;

use support::{Dropped, Memory};

fn open(root: &Path, storage: Option<Memory>) -> Harness<'static, FolioApp> {
    open_sized(root, storage, [1280.0, 800.0])
}

fn open_sized(root: &Path, storage: Option<Memory>, size: [f32; 2]) -> Harness<'static, FolioApp> {
    let root = root.to_path_buf();
    Harness::builder()
        .with_size(size)
        .with_max_steps(64)
        .build_eframe(move |cc| {
            FolioApp::new(
                &cc.egui_ctx,
                root,
                storage.as_ref().map(|s| s as &dyn eframe::Storage),
            )
        })
}

/// Runs frames until the app is idle: imports finished, nothing to repaint.
fn settle(h: &mut Harness<'static, FolioApp>) {
    h.run_steps(4);
    h.state_mut().finish_jobs();
    h.run_steps(4);
}

/// Image files in a folder of their own: `n` JPEGs named `<prefix>-NN.jpg`.
fn pictures(dir: &Path, prefix: &str, n: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    (0..n)
        .map(|i| {
            let p = dir.join(format!("{prefix}-{:02}.jpg", i + 1));
            let seed = prefix.bytes().map(u64::from).sum::<u64>() * 100 + i as u64;
            std::fs::write(&p, sample::image_bytes(Format::Jpeg, 48, 32, seed).unwrap()).unwrap();
            p
        })
        .collect()
}

fn drop_files(h: &mut Harness<'static, FolioApp>, paths: &[PathBuf]) {
    for p in paths {
        h.input_mut()
            .dropped_files
            .push(Arc::new(Dropped(p.clone())));
    }
    settle(h);
}

fn click(h: &mut Harness<'static, FolioApp>, label: &str) {
    h.get_by_label(label).click();
    h.run_steps(4);
}

fn type_into(h: &mut Harness<'static, FolioApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run_steps(4);
    // Replace what is there.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label(label).type_text(text);
    h.run_steps(4);
}

fn lib<'a>(h: &'a Harness<'static, FolioApp>) -> &'a Library {
    h.state().library().unwrap()
}

fn group_id(h: &Harness<'static, FolioApp>, name: &str) -> GroupId {
    catalog::group_by_name(lib(h).conn(), name)
        .unwrap()
        .unwrap()
}

/// The group's images by label (alt text, else file name), in order.
fn order(h: &Harness<'static, FolioApp>, group: &str) -> Vec<String> {
    images::group_images(lib(h).conn(), group_id(h, group))
        .unwrap()
        .iter()
        .map(|i| i.label().to_string())
        .collect()
}

fn names(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// `folio list`'s view of one gallery: (type, group, image names) in order.
fn gallery(h: &Harness<'static, FolioApp>, name: &str) -> Vec<(String, String, Vec<String>)> {
    let conn = lib(h).conn();
    let id = catalog::gallery_by_name(conn, name).unwrap().unwrap();
    catalog::gallery_links(conn, id)
        .unwrap()
        .into_iter()
        .map(|l| {
            (
                l.link_type.clone(),
                l.group_name.clone(),
                order(h, &l.group_name),
            )
        })
        .collect()
}

fn new_gallery(h: &mut Harness<'static, FolioApp>, name: &str) {
    click(h, "+ Gallery");
    type_into(h, "Gallery name", name);
    // Enter confirms, as the button would.
    h.key_press(Key::Enter);
    h.run_steps(4);
    assert!(h.state().dialog().is_none(), "Enter creates the gallery");
}

/// Attaches a new group to the selected gallery through the Attach dialog,
/// picking the type from the offered ones (or typing it when it is new).
fn attach_new_group(h: &mut Harness<'static, FolioApp>, group: &str, link_type: &str) {
    click(h, "+ Attach group…");
    type_into(h, "New group name", group);
    if h.query_by_label(link_type).is_some() {
        click(h, link_type);
    } else {
        type_into(h, "Type", link_type);
    }
    click(h, "Attach");
}

/// Right-clicks the sidebar row (or other button) named `label` and picks `item`.
fn context_menu(h: &mut Harness<'static, FolioApp>, label: &str, item: &str) {
    h.get_by_role_and_label(egui::Role::Button, label)
        .click_secondary();
    h.run_steps(4);
    click(h, item);
}

/// Right-clicks an image of the grid and clicks `item` in its menu.
fn context_menu_image(h: &mut Harness<'static, FolioApp>, label: &str, item: &str) {
    h.get_by_role_and_label(egui::Role::Image, label)
        .click_secondary();
    h.run_steps(4);
    click(h, item);
}

/// The centre of an image's thumbnail, found by its label.
fn cell(h: &Harness<'static, FolioApp>, label: &str) -> egui::Rect {
    h.get_by_role_and_label(egui::Role::Image, label).rect()
}

/// Clicks an image of the grid, found by its label.
fn click_image(h: &mut Harness<'static, FolioApp>, label: &str, modifiers: Modifiers) {
    h.get_by_role_and_label(egui::Role::Image, label)
        .click_modifiers(modifiers);
    h.run_steps(4);
}

/// Drags from `from` to `to` in small steps, as a hand would.
fn drag(h: &mut Harness<'static, FolioApp>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.run_steps(4);
    h.drag_at(from);
    h.run_steps(4);
    for i in 1..=6 {
        let t = i as f32 / 6.0;
        h.hover_at(from + (to - from) * t);
        h.run_steps(4);
    }
    h.drop_at(to);
    h.run_steps(4);
}

/// Builds one seed scenario entirely through the UI: a gallery, two groups
/// attached with their types, images dropped into each.
fn build_scenario(
    h: &mut Harness<'static, FolioApp>,
    files: &Path,
    name: &str,
    groups: [(&str, &str, usize); 2],
) {
    new_gallery(h, name);
    for (group, link_type, n) in groups {
        attach_new_group(h, group, link_type);
        let paths = pictures(&files.join(group), group, n);
        drop_files(h, &paths);
        assert_eq!(
            order(h, group),
            names(&paths),
            "{group} holds the dropped files in order"
        );
    }
    let built = gallery(h, name);
    let expected: Vec<(String, String)> = groups
        .iter()
        .map(|(g, t, _)| (t.to_string(), g.to_string()))
        .collect();
    let got: Vec<(String, String)> = built
        .iter()
        .map(|(t, g, _)| (t.clone(), g.clone()))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn empty_library_explains_itself_and_offers_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    h.run_steps(4);
    h.get_by_label("Welcome to Folio");
    h.get_by_label("1. Make a gallery");
    h.get_by_label("3. Bring images in");
    click(&mut h, "Add sample portfolio");
    settle(&mut h);
    assert_eq!(catalog::list_galleries(lib(&h).conn()).unwrap().len(), 3);
    assert_eq!(images::count(lib(&h).conn()).unwrap(), 32);
    // The welcome gives way to the library.
    assert!(h.query_by_label("Welcome to Folio").is_none());
    h.get_by_label("Harbour Lights (exhibition)");
    // It opens on the first scenario: its groups, headed by their types.
    h.get_by_label("Main exhibit: Harbour Lights");
    h.get_by_label("Behind the scenes: Harbour Lights: making of");
}

#[test]
fn adding_the_sample_portfolio_again_says_it_is_there_and_brings_nothing_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    click(&mut h, "Add sample portfolio");
    settle(&mut h);
    // The artist deletes one of its galleries, then asks for the sample again.
    context_menu(&mut h, "Two Voices (collaboration)", "Delete gallery…");
    click(&mut h, "Delete gallery");
    click(&mut h, "File");
    click(&mut h, "Add sample portfolio");
    settle(&mut h);
    h.get_by_label_contains("already in this library");
    assert!(
        h.state().dialog().is_none(),
        "no summary listing generated files as already there"
    );
    assert_eq!(catalog::list_galleries(lib(&h).conn()).unwrap().len(), 2);
    assert_eq!(images::count(lib(&h).conn()).unwrap(), 32);
}

#[test]
fn scenario_1_main_exhibit_and_behind_the_scenes_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let mut h = open(&root, None);
    build_scenario(
        &mut h,
        files.path(),
        "Harbour Lights",
        [
            ("Final prints", "main_exhibit", 4),
            ("Making of", "behind_the_scenes", 3),
        ],
    );
    // The sidebar shows each group headed by its type.
    h.get_by_label("Main exhibit: Final prints");
    h.get_by_label("Behind the scenes: Making of");
    let before = gallery(&h, "Harbour Lights");
    click(&mut h, "Main exhibit: Final prints");
    h.state_mut().view_mut().thumb_size = 200.0;

    // Close (eframe saves the view) and start again on the same library.
    let mut storage = Memory::default();
    eframe::App::save(h.state_mut(), &mut storage);
    drop(h);
    let mut h = open(&root, Some(storage));
    h.run_steps(4);
    assert_eq!(gallery(&h, "Harbour Lights"), before);
    assert_eq!(h.state().view().thumb_size, 200.0);
    // Same gallery open, same group shown, its images in the grid.
    h.get_by_label("Behind the scenes: Making of");
    h.get_by_role_and_label(egui::Role::Image, "Final prints-01.jpg");
}

#[test]
fn scenario_2_primary_artist_and_guest_feature() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    build_scenario(
        &mut h,
        files.path(),
        "Two Voices",
        [
            ("Ines Moreau", "primary_artist", 3),
            ("Tomas Reyes", "guest_artist_feature", 2),
        ],
    );
    h.get_by_label("Primary artist: Ines Moreau");
    h.get_by_label("Guest artist feature: Tomas Reyes");
}

#[test]
fn scenario_3_photographs_and_sketches_with_an_own_type_too() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    build_scenario(
        &mut h,
        files.path(),
        "Salt Flats",
        [("Prints", "photographs", 3), ("Concept", "sketches", 2)],
    );
    // The artist's own words work as a type too, and the same group can be
    // attached twice under two types.
    click(&mut h, "+ Attach group…");
    click(&mut h, "Group");
    // The group list pops up over the sidebar, which lists "Prints" too.
    let option = h
        .get_all_by_label("Prints")
        .find(|n| n.rect().left() > 300.0)
        .expect("Prints in the group list");
    option.click();
    h.run_steps(4);
    type_into(&mut h, "Type", "press kit");
    click(&mut h, "Attach");
    h.get_by_label("press kit: Prints");
    let types: Vec<String> = gallery(&h, "Salt Flats")
        .into_iter()
        .map(|(t, _, _)| t)
        .collect();
    assert_eq!(types, ["photographs", "sketches", "press kit"]);
}

#[test]
fn dragging_a_thumbnail_reorders_the_group_and_saves_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    new_gallery(&mut h, "Show");
    attach_new_group(&mut h, "Walls", "main_exhibit");
    let paths = pictures(files.path(), "w", 5);
    drop_files(&mut h, &paths);
    let n = names(&paths);
    // Drag the first image to the gap after the third.
    let from = cell(&h, n[0].as_str()).center();
    let third = cell(&h, n[2].as_str());
    let to = Pos2::new(third.right() + 4.0, third.center().y);
    drag(&mut h, from, to);
    assert_eq!(
        order(&h, "Walls"),
        [
            n[1].as_str(),
            n[2].as_str(),
            n[0].as_str(),
            n[3].as_str(),
            n[4].as_str()
        ]
    );
    // The grid shows the new order too: the moved image now sits after the third.
    assert!(cell(&h, n[0].as_str()).left() > cell(&h, n[2].as_str()).left());
}

#[test]
fn a_multi_selection_moves_together_and_keeps_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    click(&mut h, "+ Group");
    type_into(&mut h, "Group name", "Loose");
    click(&mut h, "Create group");
    let paths = pictures(files.path(), "m", 6);
    drop_files(&mut h, &paths);
    let n = names(&paths);
    click_image(&mut h, &n[0], Modifiers::NONE);
    click_image(&mut h, &n[3], Modifiers::COMMAND);
    assert_eq!(h.state().selection().ids.len(), 2);
    // Drag the selection (grabbing its second image) to the very end.
    let from = cell(&h, n[3].as_str()).center();
    let last = cell(&h, n[5].as_str());
    drag(&mut h, from, Pos2::new(last.right() + 4.0, last.center().y));
    assert_eq!(
        order(&h, "Loose"),
        [
            n[1].as_str(),
            n[2].as_str(),
            n[4].as_str(),
            n[5].as_str(),
            n[0].as_str(),
            n[3].as_str()
        ]
    );

    // Shift-click selects a range; Ctrl+A all; Alt+← moves one place earlier.
    click_image(&mut h, &n[1], Modifiers::NONE);
    click_image(&mut h, &n[5], Modifiers::SHIFT);
    assert_eq!(h.state().selection().ids.len(), 4);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(4);
    assert_eq!(h.state().selection().ids.len(), 6);
    click_image(&mut h, &n[0], Modifiers::NONE);
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    h.run_steps(4);
    assert_eq!(
        order(&h, "Loose"),
        [
            n[1].as_str(),
            n[2].as_str(),
            n[4].as_str(),
            n[0].as_str(),
            n[5].as_str(),
            n[3].as_str()
        ]
    );
}

#[test]
fn alt_text_is_saved_when_editing_ends_and_becomes_the_label() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    click(&mut h, "+ Group");
    type_into(&mut h, "Group name", "Boats");
    click(&mut h, "Create group");
    let paths = pictures(files.path(), "b", 2);
    drop_files(&mut h, &paths);
    let n = names(&paths);
    click_image(&mut h, &n[0], Modifiers::NONE);
    // The inspector shows the file's facts (the name is the caption too).
    h.get_by_label("48 × 32");
    assert_eq!(
        h.query_all_by_role_and_label(egui::Role::Label, n[0].as_str())
            .count(),
        2
    );
    type_into(&mut h, "Alt text", "A red boat at dawn");
    // Editing ends by clicking elsewhere: the next image.
    click_image(&mut h, &n[1], Modifiers::NONE);
    h.run_steps(4);
    assert_eq!(order(&h, "Boats"), ["A red boat at dawn", n[1].as_str()]);
    h.get_by_role_and_label(egui::Role::Image, "A red boat at dawn");
}

#[test]
fn delete_removes_from_the_group_with_undo_and_library_delete_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    new_gallery(&mut h, "Show");
    attach_new_group(&mut h, "A", "main_exhibit");
    let paths = pictures(files.path(), "d", 4);
    drop_files(&mut h, &paths);
    let n = names(&paths);
    // The same image in a second group.
    attach_new_group(&mut h, "B", "sketches");
    drop_files(&mut h, &paths[1..2]);
    // The summary says it was already in the library (and is now in B too).
    h.get_by_label_contains("Already in the library (1)");
    click(&mut h, "Close");
    click(&mut h, "Main exhibit: A");

    click_image(&mut h, &n[1], Modifiers::NONE);
    h.key_press(Key::Delete);
    h.run_steps(4);
    assert_eq!(
        order(&h, "A"),
        [n[0].as_str(), n[2].as_str(), n[3].as_str()]
    );
    assert_eq!(
        images::count(lib(&h).conn()).unwrap(),
        4,
        "still in the library"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(order(&h, "A"), names(&paths), "back where it was");

    // Delete from the library: a confirmation naming the groups that lose it.
    click_image(&mut h, &n[1], Modifiers::NONE);
    h.key_press_modifiers(Modifiers::SHIFT, Key::Delete);
    h.run_steps(4);
    h.get_by_label("Delete 1 image from the library?");
    h.get_by_label_contains("It will be removed from every group that holds it: A, B.");
    click(&mut h, "Cancel");
    assert_eq!(
        images::count(lib(&h).conn()).unwrap(),
        4,
        "cancel deletes nothing"
    );
    click_image(&mut h, &n[1], Modifiers::NONE);
    h.key_press_modifiers(Modifiers::SHIFT, Key::Delete);
    h.run_steps(4);
    click(&mut h, "Delete from library");
    assert_eq!(images::count(lib(&h).conn()).unwrap(), 3);
    assert_eq!(
        order(&h, "A"),
        [n[0].as_str(), n[2].as_str(), n[3].as_str()]
    );
    assert!(order(&h, "B").is_empty());
    let originals = support::files_under(&lib(&h).originals_dir()).len();
    assert_eq!(originals, 3, "its file is gone from the library");
    assert!(paths[1].exists(), "the artist's own file is untouched");
}

#[test]
fn import_summary_names_each_failure_and_each_file_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    click(&mut h, "+ Group");
    type_into(&mut h, "Group name", "Mixed");
    click(&mut h, "Create group");
    let good = pictures(files.path(), "g", 2);
    drop_files(&mut h, &good[..1]);
    let broken = files.path().join("broken.jpg");
    std::fs::write(&broken, b"not really a jpeg").unwrap();
    drop_files(&mut h, &[good[0].clone(), good[1].clone(), broken.clone()]);
    h.get_by_label("Import into \u{201c}Mixed\u{201d}");
    h.get_by_label_contains("broken.jpg");
    h.get_by_label(&format!("{} (already in the group)", good[0].display()));
    assert_eq!(order(&h, "Mixed"), names(&good));
    click(&mut h, "Close");
    assert!(h.state().dialog().is_none());
}

#[test]
fn dropping_with_no_group_selected_offers_a_new_group() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let folder = files.path().join("Studio visit");
    let paths = pictures(&folder, "s", 3);
    drop_files(&mut h, std::slice::from_ref(&folder));
    h.get_by_label("New image group");
    // The dropped folder names the group; creating it imports into it.
    assert_eq!(
        h.get_by_label("Group name").value().as_deref(),
        Some("Studio visit")
    );
    click(&mut h, "Create group");
    settle(&mut h);
    assert_eq!(order(&h, "Studio visit"), names(&paths));
}

#[test]
fn a_group_is_reused_by_dragging_it_onto_another_gallery() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    new_gallery(&mut h, "First");
    attach_new_group(&mut h, "Shared", "main_exhibit");
    drop_files(&mut h, &pictures(files.path(), "r", 2));
    new_gallery(&mut h, "Second");
    // All groups lists it; drag it onto the other gallery.
    let from = h
        .get_by_role_and_label(egui::Role::Button, "Shared")
        .rect()
        .center();
    let to = h.get_by_label("First").rect().center();
    // "First" is the drop target: drag Shared from All groups onto it.
    drag(&mut h, from, to);
    h.get_by_label_contains("Attach a group to");
    click(&mut h, "photographs");
    click(&mut h, "Attach");
    let first = gallery(&h, "First");
    assert_eq!(first.len(), 2);
    assert_eq!(first[1].0, "photographs");
    assert_eq!(
        first[0].1, first[1].1,
        "the same group, twice, under two types"
    );
}

#[test]
fn groups_are_reordered_in_a_gallery_by_dragging() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    new_gallery(&mut h, "Order");
    attach_new_group(&mut h, "One", "main_exhibit");
    attach_new_group(&mut h, "Two", "sketches");
    attach_new_group(&mut h, "Three", "photographs");
    let from = h.get_by_label("Photographs: Three").rect().center();
    let one = h.get_by_label("Main exhibit: One").rect();
    drag(&mut h, from, Pos2::new(one.center().x, one.top() + 3.0));
    let groups: Vec<String> = gallery(&h, "Order")
        .into_iter()
        .map(|(_, g, _)| g)
        .collect();
    assert_eq!(groups, ["Three", "One", "Two"]);
}

#[test]
fn the_viewer_opens_steps_and_closes_and_help_lists_shortcuts() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    click(&mut h, "+ Group");
    type_into(&mut h, "Group name", "V");
    click(&mut h, "Create group");
    let paths = pictures(files.path(), "v", 3);
    drop_files(&mut h, &paths);
    let n = names(&paths);
    click_image(&mut h, &n[0], Modifiers::NONE);
    h.key_press(Key::Space);
    h.run_steps(4);
    h.get_by_label_contains("1 / 3");
    h.key_press(Key::ArrowRight);
    h.run_steps(4);
    h.get_by_label_contains("2 / 3");
    h.key_press(Key::Escape);
    h.run_steps(4);
    assert!(h.query_by_label_contains("2 / 3").is_none());
    h.key_press(Key::F1);
    h.run_steps(4);
    h.get_by_label(folio::app::Command::RemoveFromGroup.description());
    click(&mut h, "Close");
    // File → Back up now makes a checked copy and says where.
    assert!(h.state().dialog().is_none(), "help closed");
    click(&mut h, "File");
    click(&mut h, "Back up now");
    h.get_by_label_contains("Backed up to");
    let backups = folio::core::storage::backup::list(h.state().root()).unwrap();
    assert!(
        backups
            .iter()
            .any(|b| b.to_string_lossy().contains("manual"))
    );
}

#[test]
fn context_menus_rename_change_type_detach_with_undo_and_delete_a_gallery() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    new_gallery(&mut h, "Draft");
    attach_new_group(&mut h, "Walls", "main_exhibit");
    attach_new_group(&mut h, "Desk", "sketches");

    // Rename the gallery.
    context_menu(&mut h, "Draft", "Rename or describe…");
    type_into(&mut h, "Gallery name", "Final Show");
    type_into(&mut h, "Description (optional)", "Opening in March.");
    // Enter in the description is a new line, not a confirmation.
    h.key_press(Key::Enter);
    h.run_steps(4);
    assert!(h.state().dialog().is_some());
    click(&mut h, "Save");
    let id = catalog::gallery_by_name(lib(&h).conn(), "Final Show")
        .unwrap()
        .unwrap();
    let g = catalog::gallery(lib(&h).conn(), id).unwrap();
    assert_eq!(g.description.as_deref(), Some("Opening in March."));
    // The sidebar shows the description under the gallery.
    h.get_by_label_contains("Opening in March.");

    // Change a link's type to the artist's own words.
    context_menu(&mut h, "Sketches: Desk", "Change type…");
    type_into(&mut h, "Type", "studio notes");
    click(&mut h, "Change type");
    h.get_by_label("studio notes: Desk");

    // Detach it, then undo: back in its place with its type.
    context_menu(&mut h, "Main exhibit: Walls", "Detach from gallery");
    let types: Vec<String> = gallery(&h, "Final Show")
        .into_iter()
        .map(|(t, _, _)| t)
        .collect();
    assert_eq!(types, ["studio notes"]);
    assert!(
        catalog::group_by_name(lib(&h).conn(), "Walls")
            .unwrap()
            .is_some(),
        "the group stays"
    );
    click(&mut h, "Undo");
    let types: Vec<String> = gallery(&h, "Final Show")
        .into_iter()
        .map(|(t, _, _)| t)
        .collect();
    assert_eq!(types, ["main_exhibit", "studio notes"]);

    // Delete the gallery: asked first; its groups stay.
    context_menu(&mut h, "Final Show", "Delete gallery…");
    h.get_by_label("Delete the gallery \u{201c}Final Show\u{201d}?");
    click(&mut h, "Delete gallery");
    assert!(catalog::list_galleries(lib(&h).conn()).unwrap().is_empty());
    assert_eq!(catalog::list_groups(lib(&h).conn()).unwrap().len(), 2);
}

#[test]
fn a_library_that_cannot_be_opened_is_explained_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("folio.db");
    std::fs::write(&db, b"this is not a database, and must survive").unwrap();
    let mut h = open(dir.path(), None);
    h.run_steps(4);
    h.get_by_label("The library could not be opened");
    h.get_by_label_contains("folio.db");
    drop(h);
    assert_eq!(
        std::fs::read(&db).unwrap(),
        b"this is not a database, and must survive"
    );
}

#[test]
fn an_image_whose_file_went_bad_shows_why_instead_of_crashing() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    click(&mut h, "+ Group");
    type_into(&mut h, "Group name", "Damaged");
    click(&mut h, "Create group");
    let paths = pictures(files.path(), "x", 2);
    drop_files(&mut h, &paths);
    // Damage the library's copy of the first image behind Folio's back.
    let img = &images::group_images(lib(&h).conn(), group_id(&h, "Damaged")).unwrap()[0];
    support::damage(&lib(&h).file_path(&img.filename).unwrap(), b"garbage");
    // …and lose its thumbnails, made at import, so they must be made again.
    // (File by file: the workers may be writing other thumbnails meanwhile.)
    for size in [thumbs::SMALL, thumbs::LARGE] {
        for alpha in [false, true] {
            let path = folio::core::storage::layout::thumb_path(
                lib(&h).store_root(),
                &img.content_hash,
                size,
                alpha,
            );
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => panic!("{path:?}: {e}"),
                _ => {}
            }
        }
    }
    let n = names(&paths);
    click_image(&mut h, &n[0], Modifiers::NONE);
    // The workers run at nice 19 and tests run side by side: wait for them
    // generously (a timeout for a hung worker, not a speed limit).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut shown = false;
    while !shown && std::time::Instant::now() < deadline {
        h.run_steps(1);
        shown = h
            .query_by_label_contains("Cannot show this image")
            .is_some();
        if !shown {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    assert!(shown, "the inspector says why the image cannot be shown");
    // The rest of the app goes on: the other image still selects.
    click_image(&mut h, &n[1], Modifiers::NONE);
    assert_eq!(h.state().selection().ids.len(), 1);
}

#[test]
fn a_library_open_in_another_folio_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let holder = Library::open(dir.path()).unwrap();
    let mut h = open(dir.path(), None);
    h.run_steps(4);
    h.get_by_label("The library could not be opened");
    h.get_by_label_contains("open in another Folio");
    // Once the other one is gone, Try again opens it.
    drop(holder);
    click(&mut h, "Try again");
    h.get_by_label("Welcome to Folio");
}

#[test]
fn a_damaged_database_is_restored_from_its_backup_in_the_app() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut lib = Library::open(dir.path()).unwrap();
        lib.write(|tx| catalog::create_gallery(tx, "Kept safe", None).map(drop))
            .unwrap();
        folio::core::storage::backup::create(lib.conn(), dir.path(), "manual").unwrap();
    }
    let db = dir.path().join("folio.db");
    std::fs::write(&db, b"SQLite format 3\0 and then nothing sensible").unwrap();
    let mut h = open(dir.path(), None);
    h.run_steps(4);
    h.get_by_label_contains("folio restore");
    click(&mut h, "Restore the most recent backup");
    h.get_by_label("Kept safe");
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("folio.db.before-restore-")
        })
        .expect("the damaged file is kept aside");
    assert_eq!(
        std::fs::read(aside.path()).unwrap(),
        b"SQLite format 3\0 and then nothing sensible"
    );
}

#[test]
fn a_disk_that_fills_up_is_named_in_the_import_summary() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    click(&mut h, "+ Group");
    type_into(&mut h, "Group name", "Full");
    click(&mut h, "Create group");
    h.state_mut()
        .set_writer(folio::core::storage::atomic::fault_writer("disk-full").unwrap());
    let paths = pictures(files.path(), "f", 2);
    drop_files(&mut h, &paths);
    h.get_by_label("Import into \u{201c}Full\u{201d}");
    assert_eq!(
        h.query_all_by_label_contains("the disk is full").count(),
        2,
        "each file names the full disk"
    );
    assert!(order(&h, "Full").is_empty(), "nothing half-imported");
}

#[test]
fn a_very_large_group_is_read_in_the_background_and_shown_when_it_comes() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    for (name, prefix, n) in [("Walls", "w", 3), ("Desk", "d", 2)] {
        click(&mut h, "+ Group");
        type_into(&mut h, "Group name", name);
        click(&mut h, "Create group");
        drop_files(&mut h, &pictures(&files.path().join(prefix), prefix, n));
    }
    // Here "very large" is more than one image; what is read is shown only
    // when the test says, so the reading state can be seen.
    h.state_mut().set_background_reads_above(1);
    h.state_mut().hold_background_reads(true);
    h.get_by_role_and_label(egui::Role::Button, "Walls").click();
    h.run_steps(2);
    h.get_by_label("Reading 3 images…");
    h.state_mut().finish_loading();
    h.run_steps(2);
    assert!(h.query_by_label("Reading 3 images…").is_none());
    let shown: Vec<String> = h
        .state()
        .data()
        .images
        .iter()
        .map(|i| i.label().to_string())
        .collect();
    assert_eq!(shown, order(&h, "Walls"));
    h.get_by_role_and_label(egui::Role::Image, "w-03.jpg");

    // Another group opened before the first one came: the late read of the
    // first is not shown under the second.
    h.get_by_role_and_label(egui::Role::Button, "Desk").click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::Role::Button, "Walls").click();
    h.run_steps(2);
    h.get_by_label("Reading 3 images…");
    h.state_mut().finish_loading();
    h.run_steps(2);
    assert_eq!(h.state().data().shown, Some(group_id(&h, "Walls")));
    assert_eq!(h.state().data().images.len(), 3);
    // A rename while it is shown keeps its rows (nothing is read again).
    context_menu(&mut h, "Walls", "Rename or describe group…");
    type_into(&mut h, "Group name", "Long wall");
    click(&mut h, "Save");
    assert!(h.query_by_label("Reading 3 images…").is_none());
    assert_eq!(h.state().data().images.len(), 3);
    h.get_by_role_and_label(egui::Role::Button, "Long wall");
    // The whole library is read the same way.
    click(&mut h, "All images");
    h.get_by_label("Reading 5 images…");
    h.state_mut().finish_loading();
    h.run_steps(2);
    assert_eq!(h.state().data().images.len(), 5);
    h.get_by_role_and_label(egui::Role::Image, "d-02.jpg");
}

// ---------------------------------------------------------------- regressions
// Bugs found by trying the app as a new artist would; one test each, named
// after the bug.

/// A group "A" in a gallery with `n` dropped pictures; returns their names.
fn gallery_with_pictures(
    h: &mut Harness<'static, FolioApp>,
    files: &Path,
    n: usize,
) -> Vec<String> {
    new_gallery(h, "Show");
    attach_new_group(h, "A", "main_exhibit");
    let paths = pictures(files, "a", n);
    drop_files(h, &paths);
    names(&paths)
}

/// The status bar's Undo buttons (the Edit menu is closed).
fn undo_buttons(h: &Harness<'static, FolioApp>) -> usize {
    h.query_all_by_role_and_label(egui::Role::Button, "Undo")
        .count()
}

#[test]
fn undo_after_the_removed_images_neighbour_was_deleted_puts_it_back_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let n = gallery_with_pictures(&mut h, files.path(), 5);
    // Remove the second image from the group…
    click_image(&mut h, &n[1], Modifiers::NONE);
    h.key_press(Key::Delete);
    h.run_steps(4);
    // …then delete from the library the image that followed it…
    click_image(&mut h, &n[2], Modifiers::NONE);
    h.key_press_modifiers(Modifiers::SHIFT, Key::Delete);
    h.run_steps(4);
    click(&mut h, "Delete from library");
    // …and undo the removal: it comes back before what followed it and is still there.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(
        order(&h, "A"),
        [n[0].clone(), n[1].clone(), n[3].clone(), n[4].clone()]
    );
}

#[test]
fn after_an_undo_brings_images_back_selected_the_inspector_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let n = gallery_with_pictures(&mut h, files.path(), 4);
    click_image(&mut h, &n[1], Modifiers::NONE);
    click_image(&mut h, &n[2], Modifiers::COMMAND);
    h.key_press(Key::Delete);
    h.run_steps(4);
    // The image after them is selected (the keyboard keeps its place).
    assert_eq!(h.state().selection().ids.len(), 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(h.state().selection().ids.len(), 2);
    assert!(h.query_by_label_contains("Select an image").is_none());
    h.get_by_label_contains("2 images selected. The details below apply to all of them");
    h.get_by_label("Alt text");
}

#[test]
fn deleting_a_gallery_keeps_the_undo_of_its_links_behind_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    new_gallery(&mut h, "Draft");
    attach_new_group(&mut h, "Walls", "main_exhibit");
    context_menu(&mut h, "Main exhibit: Walls", "Detach from gallery");
    assert_eq!(undo_buttons(&h), 1);
    context_menu(&mut h, "Draft", "Delete gallery…");
    click(&mut h, "Delete gallery");
    // Only the deletion's own Undo is shown; the detach is behind it.
    assert_eq!(undo_buttons(&h), 1, "the deletion's own");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert!(gallery(&h, "Draft").is_empty(), "as it was when deleted");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(gallery(&h, "Draft").len(), 1, "and then the detach undone");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert!(
        !h.state().notices().iter().any(|n| n.error),
        "{:?}",
        h.state().notices()
    );
}

#[test]
fn an_undo_button_goes_away_once_its_step_is_undone() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let n = gallery_with_pictures(&mut h, files.path(), 4);
    let remove = |h: &mut Harness<'static, FolioApp>, name: &str| {
        click_image(h, name, Modifiers::NONE);
        h.key_press(Key::Delete);
        h.run_steps(4);
    };
    remove(&mut h, &n[0]);
    assert_eq!(undo_buttons(&h), 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    h.get_by_label("Undone: 1 image back in \u{201c}A\u{201d}.");
    h.get_by_label_contains("Removed 1 image from");
    assert_eq!(
        undo_buttons(&h),
        0,
        "the undone step's notice keeps no button"
    );
    // Two steps: only the one Undo would take back has a button.
    remove(&mut h, &n[0]);
    remove(&mut h, &n[1]);
    assert_eq!(undo_buttons(&h), 1);
}

#[test]
fn a_new_empty_gallery_shows_no_other_group_and_files_dropped_then_make_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let n = gallery_with_pictures(&mut h, files.path(), 2);
    new_gallery(&mut h, "Empty");
    assert_eq!(h.state().view().group, None);
    h.get_by_label("\u{201c}Empty\u{201d} has no groups yet");
    drop_files(&mut h, &pictures(&files.path().join("more"), "m", 1));
    h.get_by_label("New image group");
    click(&mut h, "Cancel");
    assert_eq!(
        order(&h, "A"),
        n,
        "nothing went into the group shown before"
    );
}

#[test]
fn a_click_in_all_groups_on_a_group_of_another_gallery_leaves_the_gallery() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    new_gallery(&mut h, "One");
    attach_new_group(&mut h, "Walls", "main_exhibit");
    new_gallery(&mut h, "Two");
    attach_new_group(&mut h, "Desk", "sketches");
    h.get_by_role_and_label(egui::Role::Button, "Walls").click();
    h.run_steps(4);
    let view = h.state().view();
    assert_eq!(view.group, Some(group_id(&h, "Walls").0));
    assert_eq!(
        view.gallery, None,
        "Walls is not in Two: no gallery is highlighted"
    );
    // A group of the selected gallery keeps it.
    h.get_by_role_and_label(egui::Role::Button, "Two").click();
    h.run_steps(4);
    h.get_by_role_and_label(egui::Role::Button, "Desk").click();
    h.run_steps(4);
    let two = catalog::gallery_by_name(lib(&h).conn(), "Two")
        .unwrap()
        .unwrap();
    assert_eq!(h.state().view().gallery, Some(two.0));
}

#[test]
fn at_1024_px_with_the_inspector_the_group_title_stays_clear_of_the_import_buttons() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open_sized(dir.path(), None, [1024.0, 768.0]);
    new_gallery(&mut h, "Show");
    attach_new_group(&mut h, "Summer 2026 Lookbook", "main_exhibit");
    drop_files(&mut h, &pictures(files.path(), "s", 1));
    let title = h
        .get_by_role_and_label(egui::Role::Label, "Summer 2026 Lookbook")
        .rect();
    for button in ["Import files…", "Import folder…"] {
        let b = h.get_by_role_and_label(egui::Role::Button, button).rect();
        assert!(
            !title.intersects(b),
            "{button} at {b:?} covers the title at {title:?}"
        );
    }
}

#[test]
fn change_type_refuses_a_type_the_group_already_has_in_the_gallery() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    new_gallery(&mut h, "Show");
    attach_new_group(&mut h, "Walls", "main_exhibit");
    // The same group a second time, as sketches.
    click(&mut h, "+ Attach group…");
    h.get_by_label("Group").click();
    h.run_steps(4);
    h.get_all_by_label("Walls").last().unwrap().click();
    h.run_steps(4);
    click(&mut h, "sketches");
    click(&mut h, "Attach");
    context_menu(&mut h, "Sketches: Walls", "Change type…");
    type_into(&mut h, "Type", "main_exhibit");
    h.get_by_label("It is already in this gallery as \u{201c}main_exhibit\u{201d}.");
    h.key_press(Key::Enter);
    h.run_steps(4);
    assert!(
        h.state().dialog().is_some(),
        "the dialog stays open, nothing fails"
    );
    assert!(!h.state().notices().iter().any(|n| n.error));
}

#[test]
fn the_attach_dialog_proposes_a_type_the_gallery_does_not_use_yet() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    new_gallery(&mut h, "Show");
    attach_new_group(&mut h, "Walls", "main_exhibit");
    click(&mut h, "+ Attach group…");
    assert_eq!(
        h.get_by_label("Type").value().as_deref(),
        Some("behind_the_scenes")
    );
}

#[test]
fn names_are_judged_alike_by_the_dialog_and_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    new_gallery(&mut h, "Été");
    // The database's rule (SQLite's NOCASE) tells É from é: so does the dialog.
    new_gallery(&mut h, "été");
    assert_eq!(catalog::list_galleries(lib(&h).conn()).unwrap().len(), 2);
    // And one it refuses, the dialog refuses before it closes.
    click(&mut h, "+ Gallery");
    type_into(&mut h, "Gallery name", "ÉTÉ");
    assert!(h.query_by_label_contains("already exists").is_none());
    type_into(&mut h, "Gallery name", "été ");
    h.get_by_label_contains("already exists");
    click(&mut h, "Cancel");
    click(&mut h, "+ Gallery");
    type_into(&mut h, "Gallery name", "Spring");
    h.key_press(Key::Enter);
    h.run_steps(4);
    click(&mut h, "+ Gallery");
    type_into(&mut h, "Gallery name", "SPRING");
    h.get_by_label("A gallery named \u{201c}Spring\u{201d} already exists.");
}

#[test]
fn ctrl_z_in_the_alt_text_field_undoes_the_typing_not_the_last_change() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let n = gallery_with_pictures(&mut h, files.path(), 3);
    click_image(&mut h, &n[0], Modifiers::NONE);
    h.key_press(Key::Delete);
    h.run_steps(4);
    click_image(&mut h, &n[1], Modifiers::NONE);
    type_into(&mut h, "Alt text", "A boat");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(
        order(&h, "A"),
        [n[1].clone(), n[2].clone()],
        "the removal stays: the key belonged to the text field"
    );
    assert_eq!(
        undo_buttons(&h),
        1,
        "it can still be undone from the status bar"
    );
}

#[test]
fn undo_from_another_group_shows_the_group_it_happened_in() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let n = gallery_with_pictures(&mut h, files.path(), 3);
    // The same first image in a second group, shown while undoing.
    attach_new_group(&mut h, "B", "sketches");
    drop_files(&mut h, &pictures(files.path(), "a", 1));
    click(&mut h, "Close");
    h.get_by_role_and_label(egui::Role::Button, "Main exhibit: A")
        .click();
    h.run_steps(4);
    click_image(&mut h, &n[0], Modifiers::NONE);
    h.key_press(Key::Delete);
    h.run_steps(4);
    h.get_by_role_and_label(egui::Role::Button, "Sketches: B")
        .click();
    h.run_steps(4);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(h.state().view().group, Some(group_id(&h, "A").0));
    assert_eq!(order(&h, "A"), n);
    let selected: Vec<_> = h.state().selection().ids.iter().copied().collect();
    assert_eq!(
        selected.len(),
        1,
        "what came back is selected, in its own group"
    );
}

// ------------------------------------------------------------ reuse (issue 12)

/// Gallery "Show" with group A (`a` images, main exhibit) and B (`b`,
/// sketches); A is shown at the end.
fn two_groups(
    h: &mut Harness<'static, FolioApp>,
    files: &Path,
    a: usize,
    b: usize,
) -> (Vec<String>, Vec<String>) {
    new_gallery(h, "Show");
    attach_new_group(h, "A", "main_exhibit");
    let pa = pictures(&files.join("a"), "a", a);
    drop_files(h, &pa);
    attach_new_group(h, "B", "sketches");
    let pb = pictures(&files.join("b"), "b", b);
    drop_files(h, &pb);
    click(h, "Main exhibit: A");
    (names(&pa), names(&pb))
}

/// `names` as `&str`s, for comparing with [`order`].
fn strs(names: &[&String]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn last_notice(h: &Harness<'static, FolioApp>) -> String {
    h.state()
        .notices()
        .last()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn keys(h: &mut Harness<'static, FolioApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run_steps(4);
}

/// The centre of a sidebar row (or any button) by its label.
fn row(h: &Harness<'static, FolioApp>, label: &str) -> Pos2 {
    h.get_by_role_and_label(egui::Role::Button, label)
        .rect()
        .center()
}

#[test]
fn images_dragged_onto_another_group_are_in_both_and_shift_drop_moves_with_undo_and_redo() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let (a, b) = two_groups(&mut h, files.path(), 4, 3);
    // Two images dragged onto B's row in the gallery: added, and still in A.
    click_image(&mut h, &a[0], Modifiers::NONE);
    click_image(&mut h, &a[1], Modifiers::COMMAND);
    let from = cell(&h, &a[1]).center();
    let to = row(&h, "Sketches: B");
    drag(&mut h, from, to);
    assert_eq!(order(&h, "B"), strs(&[&b[0], &b[1], &b[2], &a[0], &a[1]]));
    assert_eq!(order(&h, "A"), a, "still in A");
    assert_eq!(last_notice(&h), "Added 2 images to \u{201c}B\u{201d}.");
    assert_fresh(&h);
    // The sidebar counts them (without reading B's rows).
    let counted: Vec<u64> = h
        .state()
        .data()
        .links
        .iter()
        .map(|l| l.image_count)
        .collect();
    assert_eq!(counted, [4, 5]);
    // The same again: reported, not doubled.
    let from = cell(&h, &a[0]).center();
    drag(&mut h, from, to);
    assert_eq!(order(&h, "B").len(), 5);
    assert!(
        last_notice(&h).contains("already in \u{201c}B\u{201d}"),
        "{}",
        last_notice(&h)
    );

    // Undo takes them out of B again; redo puts them back.
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(order(&h, "B"), b);
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(order(&h, "B"), strs(&[&b[0], &b[1], &b[2], &a[0], &a[1]]));
    assert!(last_notice(&h).starts_with("Redone"), "{}", last_notice(&h));

    // Shift while dropping (onto B under All groups) moves.
    click(&mut h, "Main exhibit: A");
    click_image(&mut h, &a[2], Modifiers::NONE);
    let from = cell(&h, &a[2]).center();
    let to = row(&h, "B");
    h.hover_at(from);
    h.run_steps(2);
    h.drag_at(from);
    h.run_steps(2);
    for i in 1..=6 {
        h.hover_at(from + (to - from) * (i as f32 / 6.0));
        h.run_steps(2);
    }
    h.event(egui::Event::ModifiersChanged(Modifiers::SHIFT));
    h.run_steps(2);
    h.drop_at(to);
    h.run_steps(4);
    h.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    h.run_steps(2);
    assert_eq!(order(&h, "A"), strs(&[&a[0], &a[1], &a[3]]));
    assert_eq!(order(&h, "B").last(), Some(&a[2]));
    assert!(
        last_notice(&h).starts_with("Moved 1 image from \u{201c}A\u{201d} to \u{201c}B\u{201d}"),
        "{}",
        last_notice(&h)
    );
    assert!(
        h.query_by_role_and_label(egui::Role::Image, &a[2])
            .is_none(),
        "it left the grid"
    );
    assert_fresh(&h);
    // Undone, it is back in its place in A and out of B; redone, moved again.
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(order(&h, "A"), a);
    assert_eq!(order(&h, "B").len(), 5);
    assert_eq!(
        h.state().view().group,
        Some(group_id(&h, "A").0),
        "shown where it came back"
    );
    keys(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(order(&h, "A"), strs(&[&a[0], &a[1], &a[3]]));
    assert_eq!(order(&h, "B").last(), Some(&a[2]));
}

#[test]
fn copy_cut_and_paste_between_groups_land_before_the_focused_image() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let (a, b) = two_groups(&mut h, files.path(), 3, 3);
    click_image(&mut h, &a[0], Modifiers::NONE);
    keys(&mut h, Modifiers::COMMAND, Key::C);
    click(&mut h, "Sketches: B");
    click_image(&mut h, &b[1], Modifiers::NONE);
    keys(&mut h, Modifiers::COMMAND, Key::V);
    assert_eq!(order(&h, "B"), strs(&[&b[0], &a[0], &b[1], &b[2]]));
    assert_fresh(&h);
    // The grid shows it there at once.
    assert!(cell(&h, &a[0]).left() < cell(&h, &b[1]).left());
    assert_eq!(order(&h, "A"), a, "a copy stays where it was");

    // Cut from A, pasted into B with nothing selected: at the end, and out of A.
    click(&mut h, "Main exhibit: A");
    click_image(&mut h, &a[1], Modifiers::NONE);
    keys(&mut h, Modifiers::COMMAND, Key::X);
    assert_eq!(order(&h, "A"), a, "cutting alone changes nothing");
    click(&mut h, "Sketches: B");
    keys(&mut h, Modifiers::NONE, Key::Escape);
    keys(&mut h, Modifiers::COMMAND, Key::V);
    assert_eq!(order(&h, "B"), strs(&[&b[0], &a[0], &b[1], &b[2], &a[1]]));
    assert_eq!(order(&h, "A"), strs(&[&a[0], &a[2]]));
    assert_fresh(&h);
    // Undo and redo each step.
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(order(&h, "A"), a);
    assert_eq!(order(&h, "B"), strs(&[&b[0], &a[0], &b[1], &b[2]]));
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(order(&h, "B"), b);
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(order(&h, "B"), strs(&[&b[0], &a[0], &b[1], &b[2]]));
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(order(&h, "A"), strs(&[&a[0], &a[2]]));
    assert_eq!(order(&h, "B").last(), Some(&a[1]));
    // A new change ends what could be redone.
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    click(&mut h, "Sketches: B");
    click_image(&mut h, &b[0], Modifiers::NONE);
    keys(&mut h, Modifiers::ALT, Key::End);
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(last_notice(&h), "Nothing to redo.");
}

#[test]
fn an_image_taken_out_of_its_last_group_is_found_under_not_in_any_group_and_put_back() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let (a, b) = two_groups(&mut h, files.path(), 3, 2);
    click_image(&mut h, &a[1], Modifiers::NONE);
    keys(&mut h, Modifiers::NONE, Key::Delete);
    assert!(
        last_notice(&h).contains("now in no group"),
        "{}",
        last_notice(&h)
    );
    assert_eq!(h.state().data().counts.unwrap().ungrouped, 1);
    click(&mut h, "Not in any group");
    assert_eq!(h.state().data().images.len(), 1);
    h.get_by_role_and_label(egui::Role::Image, &a[1]);
    // Right-click: Add to group ▸ B.
    h.get_by_role_and_label(egui::Role::Image, &a[1])
        .click_secondary();
    h.run_steps(4);
    h.get_by_label("Add to group").hover();
    h.run_steps(4);
    // The menu's "B", not the sidebar's.
    h.query_all_by_role_and_label(egui::Role::Button, "B")
        .last()
        .unwrap()
        .click();
    h.run_steps(4);
    assert_eq!(order(&h, "B"), strs(&[&b[0], &b[1], &a[1]]));
    assert!(h.state().data().images.is_empty(), "it left the pool");
    assert_fresh(&h);
    h.get_by_label("Every image is in a group");
    assert_eq!(h.state().data().counts.unwrap().ungrouped, 0);
    // All images shows every image, newest first or by name.
    click(&mut h, "All images");
    assert_eq!(h.state().data().images.len(), 5);
    click(&mut h, "By name");
    let shown: Vec<String> = h
        .state()
        .data()
        .images
        .iter()
        .map(|i| i.original_name.clone())
        .collect();
    let mut all: Vec<String> = a.iter().chain(&b).cloned().collect();
    all.sort();
    assert_eq!(shown, all);
    // Deleting a group says truthfully how many of its images will be in
    // no group: A's first image is in B too.
    click(&mut h, "Show");
    click(&mut h, "Main exhibit: A");
    click_image(&mut h, &a[0], Modifiers::NONE);
    keys(&mut h, Modifiers::COMMAND, Key::C);
    click(&mut h, "Sketches: B");
    keys(&mut h, Modifiers::COMMAND, Key::V);
    context_menu(&mut h, "A", "Delete group…");
    h.get_by_label_contains("1 of them will then be in no group");
    click(&mut h, "Delete group");
    assert!(
        last_notice(&h).contains("1 image is now in no group"),
        "{}",
        last_notice(&h)
    );
    assert_eq!(h.state().data().counts.unwrap().ungrouped, 1);
    click(&mut h, "Not in any group");
    h.get_by_role_and_label(egui::Role::Image, &a[2]);
}

#[test]
fn the_keyboard_moves_the_focus_extends_the_selection_and_orders_the_group() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let (a, _) = two_groups(&mut h, files.path(), 9, 1);
    let focused = |h: &Harness<'static, FolioApp>| {
        let id = h.state().selection().focus.unwrap();
        h.state().data().image(id).unwrap().original_name.clone()
    };
    click_image(&mut h, &a[0], Modifiers::NONE);
    keys(&mut h, Modifiers::NONE, Key::ArrowDown);
    let below = focused(&h);
    let (first, next) = (cell(&h, &a[0]), cell(&h, &below));
    assert!(
        (next.left() - first.left()).abs() < 1.0 && next.top() > first.bottom(),
        "Down goes to the image below: {below}"
    );
    keys(&mut h, Modifiers::NONE, Key::ArrowUp);
    assert_eq!(focused(&h), a[0]);
    keys(&mut h, Modifiers::NONE, Key::End);
    assert_eq!(focused(&h), a[8]);
    keys(&mut h, Modifiers::NONE, Key::Home);
    assert_eq!(focused(&h), a[0]);
    keys(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    keys(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    assert_eq!(h.state().selection().ids.len(), 3, "Shift extends");
    keys(&mut h, Modifiers::SHIFT, Key::End);
    assert_eq!(h.state().selection().ids.len(), 9);
    keys(&mut h, Modifiers::NONE, Key::PageUp);
    assert_eq!(
        (focused(&h), h.state().selection().ids.len()),
        (a[0].clone(), 1)
    );

    // Move to end and to start.
    click_image(&mut h, &a[1], Modifiers::NONE);
    click_image(&mut h, &a[2], Modifiers::COMMAND);
    keys(&mut h, Modifiers::ALT, Key::End);
    let mut expected: Vec<String> = a.clone();
    let moved: Vec<String> = expected.drain(1..3).collect();
    expected.extend(moved);
    assert_eq!(order(&h, "A"), expected);
    assert_fresh(&h);
    click_image(&mut h, &a[5], Modifiers::NONE);
    keys(&mut h, Modifiers::ALT, Key::Home);
    assert_eq!(order(&h, "A")[0], a[5]);

    // Sort from the Arrange menu, undo and redo it.
    let before = order(&h, "A");
    click(&mut h, "Arrange");
    click(&mut h, "Sort by file name (Z\u{2013}A)");
    let mut reversed = a.clone();
    reversed.reverse();
    assert_eq!(order(&h, "A"), reversed);
    assert_eq!(
        h.state().data().images[0].original_name,
        a[8],
        "the grid too"
    );
    assert_fresh(&h);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(order(&h, "A"), before);
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(order(&h, "A"), reversed);
    click(&mut h, "Arrange");
    click(&mut h, "Sort by file name (A\u{2013}Z)");
    assert_eq!(order(&h, "A"), a);
}

#[test]
fn a_gallery_dragged_to_a_new_place_stays_there_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let names_in_order = |h: &Harness<'static, FolioApp>| -> Vec<String> {
        catalog::list_galleries(lib(h).conn())
            .unwrap()
            .into_iter()
            .map(|g| g.name)
            .collect()
    };
    {
        let mut h = open(dir.path(), None);
        for name in ["Alpha", "Beta", "Gamma"] {
            new_gallery(&mut h, name);
        }
        assert_eq!(names_in_order(&h), ["Alpha", "Beta", "Gamma"]);
        let alpha = h.get_by_role_and_label(egui::Role::Button, "Alpha").rect();
        let from = row(&h, "Gamma");
        drag(&mut h, from, Pos2::new(alpha.center().x, alpha.top() + 3.0));
        assert_eq!(names_in_order(&h), ["Gamma", "Alpha", "Beta"]);
        keys(&mut h, Modifiers::COMMAND, Key::Z);
        assert_eq!(names_in_order(&h), ["Alpha", "Beta", "Gamma"]);
        keys(&mut h, Modifiers::COMMAND, Key::Y);
        assert_eq!(names_in_order(&h), ["Gamma", "Alpha", "Beta"]);
    }
    let h = open(dir.path(), None);
    let top = |label: &str| {
        h.get_by_role_and_label(egui::Role::Button, label)
            .rect()
            .top()
    };
    assert!(top("Gamma") < top("Alpha") && top("Alpha") < top("Beta"));
}

/// What the app shows (rows, counts, covers) is what a fresh read of the
/// library gives for the same view: nothing mirrored in memory drifted.
fn assert_fresh(h: &Harness<'static, FolioApp>) {
    let mut place = h.state().view().place();
    let fresh = folio::app::Data::load(lib(h), &mut place, None).unwrap();
    let shown = h.state().data();
    let rows = |d: &folio::app::Data| d.images.iter().map(|i| (**i).clone()).collect::<Vec<_>>();
    assert_eq!(rows(shown), rows(&fresh), "the grid's rows");
    assert_eq!(shown.counts, fresh.counts, "the library's counts");
    assert_eq!(shown.groups, fresh.groups, "the groups' counts and covers");
    assert_eq!(shown.links, fresh.links, "the links' counts and covers");
}

#[test]
fn clipboard_events_from_the_desktop_copy_and_paste_images() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let (a, b) = two_groups(&mut h, files.path(), 2, 2);
    // On a real desktop Ctrl+C and Ctrl+V arrive as these, not as keys.
    click_image(&mut h, &a[1], Modifiers::NONE);
    h.event(egui::Event::Copy);
    h.run_steps(4);
    click(&mut h, "Sketches: B");
    keys(&mut h, Modifiers::NONE, Key::Escape);
    h.event(egui::Event::Paste("/some/path/a-02.jpg".into()));
    h.run_steps(4);
    assert_eq!(order(&h, "B"), strs(&[&b[0], &b[1], &a[1]]));
    assert_fresh(&h);
    // Cut, then the image is taken out of its group, then pasted: it is
    // added, and the count of images in no group is right again.
    click(&mut h, "Main exhibit: A");
    click_image(&mut h, &a[0], Modifiers::NONE);
    h.event(egui::Event::Cut);
    h.run_steps(4);
    keys(&mut h, Modifiers::NONE, Key::Delete);
    assert_eq!(h.state().data().counts.unwrap().ungrouped, 1);
    click(&mut h, "Sketches: B");
    h.event(egui::Event::Paste(String::new()));
    h.run_steps(4);
    assert_eq!(order(&h, "B").last(), Some(&a[0]));
    assert_eq!(last_notice(&h), "Added 1 image to \u{201c}B\u{201d}.");
    assert_fresh(&h);
    // A copied image deleted from the library is no longer pasted.
    click_image(&mut h, &b[0], Modifiers::NONE);
    keys(&mut h, Modifiers::COMMAND, Key::C);
    keys(&mut h, Modifiers::SHIFT, Key::Delete);
    click(&mut h, "Delete from library");
    keys(&mut h, Modifiers::COMMAND, Key::V);
    assert!(
        last_notice(&h).starts_with("Nothing to paste"),
        "{}",
        last_notice(&h)
    );
    assert_fresh(&h);
}

#[test]
fn images_left_in_no_group_stay_reachable_and_their_pool_follows_a_group_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    // Files dropped with nothing selected make a group; deleting it leaves
    // a library of loose images only, which must not look empty.
    let paths = pictures(files.path(), "l", 3);
    drop_files(&mut h, &paths[..1]);
    type_into(&mut h, "Group name", "Loose");
    click(&mut h, "Create group");
    settle(&mut h);
    drop_files(&mut h, &paths[1..]);
    click(&mut h, "+ Group");
    type_into(&mut h, "Group name", "Other");
    click(&mut h, "Create group");
    // "Not in any group" shown while the group holding its images is deleted.
    h.get_by_role_and_label(egui::Role::Button, "Not in any group")
        .click();
    h.run_steps(4);
    h.get_by_label("Every image is in a group");
    context_menu(&mut h, "Loose", "Delete group…");
    click(&mut h, "Delete group");
    assert_eq!(
        h.state().data().images.len(),
        3,
        "the pool shows them at once"
    );
    assert_fresh(&h);
    context_menu(&mut h, "Other", "Delete group…");
    click(&mut h, "Delete group");
    assert!(h.query_by_label("Welcome to Folio").is_none());
    h.get_by_role_and_label(egui::Role::Button, "Not in any group")
        .click();
    h.run_steps(4);
    assert_eq!(h.state().data().images.len(), 3);
    // Undo from the pool stays in the pool: an image added to a group from
    // here and taken out again is back here.
    click(&mut h, "+ Group");
    type_into(&mut h, "Group name", "Kept");
    click(&mut h, "Create group");
    h.get_by_role_and_label(egui::Role::Button, "Not in any group")
        .click();
    h.run_steps(4);
    h.get_by_role_and_label(egui::Role::Image, "l-02.jpg")
        .click_secondary();
    h.run_steps(4);
    h.get_by_label("Add to group").hover();
    h.run_steps(4);
    h.query_all_by_role_and_label(egui::Role::Button, "Kept")
        .last()
        .unwrap()
        .click();
    h.run_steps(4);
    assert_eq!(h.state().data().images.len(), 2);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().view().pool, Some(folio::app::Pool::Ungrouped));
    assert_eq!(h.state().data().images.len(), 3);
    assert_fresh(&h);
}

#[test]
fn page_keys_go_a_screen_at_a_time_and_the_grid_follows_the_focus() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let (a, _) = two_groups(&mut h, files.path(), 42, 1);
    let focused = |h: &Harness<'static, FolioApp>| {
        let id = h.state().selection().focus.unwrap();
        h.state().data().image(id).unwrap().original_name.clone()
    };
    let position =
        |h: &Harness<'static, FolioApp>| a.iter().position(|n| *n == focused(h)).unwrap();
    click_image(&mut h, &a[0], Modifiers::NONE);
    keys(&mut h, Modifiers::NONE, Key::ArrowUp);
    assert_eq!(focused(&h), a[0], "Up on the first row stays");
    let cols = (1..a.len())
        .find(|&i| cell(&h, &a[i]).top() > cell(&h, &a[0]).top())
        .unwrap();
    keys(&mut h, Modifiers::NONE, Key::PageDown);
    let page = position(&h);
    assert!(
        page >= 2 * cols && page % cols == 0,
        "a page is whole rows: {page} of {cols} columns"
    );
    // The focused image was scrolled into view.
    let grid_bottom = h.state().data().images.len();
    assert!(grid_bottom > 0);
    let rect = cell(&h, &a[page]);
    assert!(rect.bottom() <= 800.0 && rect.top() >= 0.0, "{rect:?}");
    keys(&mut h, Modifiers::SHIFT, Key::PageDown);
    assert_eq!(
        h.state().selection().ids.len(),
        position(&h) - page + 1,
        "Shift extends"
    );
    keys(&mut h, Modifiers::NONE, Key::End);
    keys(&mut h, Modifiers::NONE, Key::ArrowDown);
    assert_eq!(focused(&h), a[41], "Down on the last row stays");
    // Down from the row above a short last row goes to the last image.
    let last_row_start = 41 - 41 % cols;
    if last_row_start > 0 && 41 % cols < cols - 1 {
        click_image(&mut h, &a[last_row_start - 1], Modifiers::NONE);
        keys(&mut h, Modifiers::NONE, Key::ArrowDown);
        assert_eq!(focused(&h), a[41]);
    }
    keys(&mut h, Modifiers::NONE, Key::Home);
    assert!(cell(&h, &a[0]).top() >= 0.0, "back at the top");
    // After Select all, Shift+Left starts its range at the focused image.
    keys(&mut h, Modifiers::COMMAND, Key::A);
    keys(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    assert_eq!(h.state().selection().ids.len(), 2);
}

#[test]
fn attach_retype_reorder_and_detach_each_undo_and_redo() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    two_groups(&mut h, files.path(), 1, 1);
    let links = |h: &Harness<'static, FolioApp>| -> Vec<String> {
        gallery(h, "Show")
            .into_iter()
            .map(|(t, g, _)| format!("{g}:{t}"))
            .collect()
    };
    let start = links(&h);
    assert_eq!(start, ["A:main_exhibit", "B:sketches"]);
    // Attach A again under another type.
    context_menu(&mut h, "A", "Attach to the selected gallery…");
    type_into(&mut h, "Type", "studio visits");
    click(&mut h, "Attach");
    let attached = links(&h);
    assert_eq!(attached.len(), 3);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(links(&h), start);
    keys(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(links(&h), attached);
    // Retype.
    context_menu(&mut h, "Sketches: B", "Change type…");
    type_into(&mut h, "Type", "photographs");
    click(&mut h, "Change type");
    assert!(links(&h).contains(&"B:photographs".to_string()));
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(links(&h), attached);
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert!(links(&h).contains(&"B:photographs".to_string()));
    let retyped = links(&h);
    // Reorder: the last link dragged above the first.
    let first = h
        .get_by_role_and_label(egui::Role::Button, "Main exhibit: A")
        .rect();
    let from = row(&h, "studio visits: A");
    drag(&mut h, from, Pos2::new(first.center().x, first.top() + 3.0));
    assert_eq!(links(&h)[0], "A:studio visits");
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(links(&h), retyped);
    keys(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(links(&h)[0], "A:studio visits");
    let reordered = links(&h);
    // Detach, undo, redo.
    context_menu(&mut h, "Photographs: B", "Detach from gallery");
    assert_eq!(links(&h).len(), 2);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(links(&h), reordered);
    keys(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(links(&h).len(), 2);
    // A change that cannot be undone (a rename) ends what could be redone.
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    context_menu(&mut h, "Show", "Rename or describe…");
    type_into(&mut h, "Gallery name", "Show 2026");
    click(&mut h, "Save");
    keys(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(last_notice(&h), "Nothing to redo.");
}

#[test]
fn a_deleted_group_or_gallery_comes_back_with_undo_and_goes_again_with_redo() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let (a, b) = two_groups(&mut h, files.path(), 3, 2);
    // A's order set by hand, then A deleted.
    click_image(&mut h, &a[2], Modifiers::NONE);
    keys(&mut h, Modifiers::ALT, Key::Home);
    let order_a = order(&h, "A");
    context_menu(&mut h, "A", "Delete group…");
    h.get_by_label_contains("You can undo this.");
    click(&mut h, "Delete group");
    assert!(
        catalog::group_by_name(lib(&h).conn(), "A")
            .unwrap()
            .is_none()
    );
    assert_eq!(h.state().data().counts.unwrap().ungrouped, 3);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(order(&h, "A"), order_a, "back, in its order");
    assert_eq!(
        gallery(&h, "Show")
            .into_iter()
            .map(|(t, g, _)| format!("{g}:{t}"))
            .collect::<Vec<_>>(),
        ["A:main_exhibit", "B:sketches"],
        "and in its gallery, in its place"
    );
    assert_eq!(h.state().data().counts.unwrap().ungrouped, 0);
    assert_fresh(&h);
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert!(
        catalog::group_by_name(lib(&h).conn(), "A")
            .unwrap()
            .is_none()
    );
    assert!(
        last_notice(&h).starts_with("Redone: Group \u{201c}A\u{201d} deleted"),
        "{}",
        last_notice(&h)
    );
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(order(&h, "A"), order_a);

    // A gallery: back in its place among the galleries, with its links.
    new_gallery(&mut h, "Later");
    context_menu(&mut h, "Show", "Delete gallery…");
    click(&mut h, "Delete gallery");
    assert!(
        catalog::gallery_by_name(lib(&h).conn(), "Show")
            .unwrap()
            .is_none()
    );
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    let names: Vec<String> = catalog::list_galleries(lib(&h).conn())
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(names, ["Show", "Later"]);
    assert_eq!(gallery(&h, "Show").len(), 2);
    assert_eq!(order(&h, "B"), b);
    assert_fresh(&h);
}

#[test]
fn after_delete_the_next_image_is_selected_for_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let (a, _) = two_groups(&mut h, files.path(), 4, 1);
    click_image(&mut h, &a[1], Modifiers::NONE);
    keys(&mut h, Modifiers::NONE, Key::Delete);
    let focus = h.state().selection().focus.unwrap();
    assert_eq!(h.state().data().image(focus).unwrap().original_name, a[2]);
    // Again: the last one removed, the one before it is selected.
    click_image(&mut h, &a[3], Modifiers::NONE);
    keys(&mut h, Modifiers::NONE, Key::Delete);
    let focus = h.state().selection().focus.unwrap();
    assert_eq!(h.state().data().image(focus).unwrap().original_name, a[2]);
}

#[test]
fn undoing_deletions_brings_back_what_they_held_and_the_steps_before_them() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let (a, _) = two_groups(&mut h, files.path(), 4, 2);
    let old_a = group_id(&h, "A");
    // Two images out of A, then A deleted, then its gallery deleted.
    click_image(&mut h, &a[1], Modifiers::NONE);
    click_image(&mut h, &a[2], Modifiers::COMMAND);
    keys(&mut h, Modifiers::NONE, Key::Delete);
    context_menu(&mut h, "A", "Delete group…");
    click(&mut h, "Delete group");
    context_menu(&mut h, "Show", "Delete gallery…");
    click(&mut h, "Delete gallery");
    // Undone in turn: the gallery, then A (under its old id, in the gallery,
    // in its place), then the removal before them.
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(group_id(&h, "A"), old_a, "under its old id");
    assert_eq!(
        gallery(&h, "Show")
            .into_iter()
            .map(|(t, g, _)| format!("{g}:{t}"))
            .collect::<Vec<_>>(),
        ["A:main_exhibit", "B:sketches"]
    );
    assert_eq!(order(&h, "A"), strs(&[&a[0], &a[3]]));
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        order(&h, "A"),
        a,
        "the removal before the deletion undoes too"
    );
    assert_fresh(&h);

    // A name taken meanwhile: the group comes back under another.
    context_menu(&mut h, "B", "Delete group…");
    click(&mut h, "Delete group");
    click(&mut h, "+ Group");
    type_into(&mut h, "Group name", "B");
    click(&mut h, "Create group");
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(order(&h, "B (restored)").len(), 2);
    assert!(
        last_notice(&h).contains("\u{201c}B (restored)\u{201d} is back"),
        "{}",
        last_notice(&h)
    );
    assert_fresh(&h);
}

// ---------------------------------------------------------------- works' details and Find

/// The image imported as `name`, from the database.
fn image_named(h: &Harness<'static, FolioApp>, name: &str) -> images::Image {
    images::all_images(lib(h).conn())
        .unwrap()
        .into_iter()
        .find(|i| i.original_name == name)
        .unwrap()
}

/// The alt text and details of the image imported as `name`, from the database.
fn details_of(h: &Harness<'static, FolioApp>, name: &str) -> folio::core::model::details::Entry {
    image_named(h, name).entry()
}

#[test]
fn a_works_details_are_saved_as_each_field_is_left_shown_as_its_caption_and_undone() {
    use folio::app::Captions;
    use folio::core::model::details::Unit;
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let n = gallery_with_pictures(&mut h, files.path(), 2);
    click_image(&mut h, &n[0], Modifiers::NONE);
    type_into(&mut h, "Title", "Harbour at Dusk");
    // Leaving the title for the year saves the title.
    type_into(&mut h, "Year", "c. 1990");
    type_into(&mut h, "Height", "50,5");
    type_into(&mut h, "Medium", "Oil on linen");
    // Leaving the image saves the medium.
    click_image(&mut h, &n[1], Modifiers::NONE);
    let e = details_of(&h, &n[0]);
    let d = &e.details;
    assert_eq!(d.title.as_deref(), Some("Harbour at Dusk"));
    assert_eq!(
        (d.year.as_deref(), d.year_sort),
        (Some("c. 1990"), Some(1990))
    );
    assert_eq!(
        (d.height, d.unit),
        (Some(50.5), Some(Unit::Cm)),
        "a first dimension takes the unit shown"
    );
    assert_eq!(d.medium.as_deref(), Some("Oil on linen"));
    assert_eq!(e.alt_text, None, "the title is not the alt text");
    assert!(last_notice(&h).contains("Medium"), "{}", last_notice(&h));
    // The grid's caption and the thumbnail's name are the title now.
    h.get_by_role_and_label(egui::Role::Image, "Harbour at Dusk");
    h.get_by_role_and_label(egui::Role::Label, "Harbour at Dusk");
    assert_fresh(&h);

    // A value the field cannot take is said next to it, and not saved;
    // leaving the image then says it was not saved.
    click_image(&mut h, "Harbour at Dusk", Modifiers::NONE);
    type_into(&mut h, "Width", "wide");
    h.get_by_label("Depth").click();
    h.run_steps(4);
    h.get_by_label_contains("a dimension must be a number of at least 0.01");
    click_image(&mut h, &n[1], Modifiers::NONE);
    assert!(
        last_notice(&h).contains("Width was not saved"),
        "{}",
        last_notice(&h)
    );
    assert_eq!(details_of(&h, &n[0]).details.width, None);

    // Undo takes the edits back one by one, newest first.
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(details_of(&h, &n[0]).details.medium, None);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(details_of(&h, &n[0]).details.year, None);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(details_of(&h, &n[0]).details, Default::default());
    h.get_by_role_and_label(egui::Role::Image, &n[0]);
    assert_fresh(&h);
    // And redo puts the title back.
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(
        details_of(&h, &n[0]).details.title.as_deref(),
        Some("Harbour at Dusk")
    );
    assert_fresh(&h);

    // View → Captions: the file name, or none; the thumbnail keeps its name.
    // (Nothing selected: the inspector shows no file name.)
    keys(&mut h, Modifiers::NONE, Key::Escape);
    click(&mut h, "View");
    h.get_by_label("Captions").hover();
    h.run_steps(4);
    h.get_by_role_and_label(egui::Role::RadioButton, "File name")
        .click();
    h.run_steps(4);
    assert_eq!(h.state().view().captions, Captions::FileName);
    h.get_by_role_and_label(egui::Role::Label, n[0].as_str());
    assert!(
        h.query_by_role_and_label(egui::Role::Label, "Harbour at Dusk")
            .is_none()
    );
    click(&mut h, "View");
    h.get_by_label("Captions").hover();
    h.run_steps(4);
    h.get_by_role_and_label(egui::Role::RadioButton, "None")
        .click();
    h.run_steps(4);
    assert!(
        h.query_by_role_and_label(egui::Role::Label, n[0].as_str())
            .is_none()
    );
    assert!(
        h.query_by_role_and_label(egui::Role::Label, n[1].as_str())
            .is_none()
    );
    h.get_by_role_and_label(egui::Role::Image, "Harbour at Dusk");
}

#[test]
fn a_multi_selection_shows_several_values_and_an_edit_applies_to_all_and_undoes_at_once() {
    use folio::core::model::details::Field;
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let n = gallery_with_pictures(&mut h, files.path(), 3);
    click_image(&mut h, &n[0], Modifiers::NONE);
    type_into(&mut h, "Medium", "Ink");
    click_image(&mut h, &n[1], Modifiers::NONE);
    type_into(&mut h, "Medium", "Oil");
    click_image(&mut h, &n[0], Modifiers::NONE);
    click_image(&mut h, &n[1], Modifiers::COMMAND);
    click_image(&mut h, &n[2], Modifiers::COMMAND);
    h.get_by_label_contains("3 images selected. The details below apply to all");
    // They differ in the medium; none has a year.
    assert!(h.state().shows_several_values(Field::Medium));
    assert_eq!(h.get_by_label("Medium").value().as_deref(), Some(""));
    assert!(!h.state().shows_several_values(Field::Year));
    // Leaving a field that says "several values" untouched changes nothing.
    h.get_by_label("Medium").click();
    h.run_steps(4);
    type_into(&mut h, "Year", "2021");
    type_into(&mut h, "Credit", "Courtesy of the artist");
    h.get_by_label("Title").click();
    h.run_steps(4);
    // Esc gives the keyboard back from the field, so Ctrl+Z is the app's.
    keys(&mut h, Modifiers::NONE, Key::Escape);
    for name in &n {
        let d = details_of(&h, name).details;
        assert_eq!(d.year.as_deref(), Some("2021"), "{name}");
        assert_eq!(d.year_sort, Some(2021), "{name}");
        assert_eq!(
            d.credit.as_deref(),
            Some("Courtesy of the artist"),
            "{name}"
        );
    }
    assert_eq!(details_of(&h, &n[0]).details.medium.as_deref(), Some("Ink"));
    assert_eq!(details_of(&h, &n[1]).details.medium.as_deref(), Some("Oil"));
    assert_eq!(details_of(&h, &n[2]).details.medium, None);
    assert!(
        last_notice(&h).contains("of 3 images"),
        "{}",
        last_notice(&h)
    );
    // One undo takes the credit back from all three.
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    for name in &n {
        assert_eq!(details_of(&h, name).details.credit, None, "{name}");
        assert_eq!(details_of(&h, name).details.year.as_deref(), Some("2021"));
    }
    assert_fresh(&h);
    // Typing into the mixed field sets it for all.
    type_into(&mut h, "Medium", "Mixed media");
    h.get_by_label("Title").click();
    h.run_steps(4);
    for name in &n {
        assert_eq!(
            details_of(&h, name).details.medium.as_deref(),
            Some("Mixed media")
        );
    }
    assert!(!h.state().shows_several_values(Field::Medium));
}

#[test]
fn find_by_a_title_word_an_inventory_number_and_missing_alt_text_then_add_what_was_found_to_a_group()
 {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let (a, b) = two_groups(&mut h, files.path(), 3, 1);
    click_image(&mut h, &a[0], Modifiers::NONE);
    type_into(&mut h, "Title", "Harbour at Dusk");
    click_image(&mut h, &a[1], Modifiers::NONE);
    type_into(&mut h, "Inventory no.", "INV-2024-042");
    type_into(&mut h, "Alt text", "Boats under a pink sky");
    click_image(&mut h, &a[2], Modifiers::NONE);
    type_into(&mut h, "Alt text", "A crane");
    click_image(&mut h, "Harbour at Dusk", Modifiers::NONE);

    // Typed key by key, as a hand types.
    let find = |h: &mut Harness<'static, FolioApp>, text: &str| {
        keys(h, Modifiers::COMMAND, Key::F);
        for c in text.chars() {
            h.get_by_role_and_label(egui::Role::TextInput, "Find")
                .type_text(&c.to_string());
            h.run_steps(2);
            h.state_mut().finish_finding();
            h.run_steps(2);
        }
        h.state_mut().finish_finding();
        h.run_steps(4);
    };
    let shown = |h: &Harness<'static, FolioApp>| -> Vec<String> {
        h.state()
            .data()
            .images
            .iter()
            .map(|i| i.original_name.clone())
            .collect()
    };
    // A word of a title, in another case and cut short.
    find(&mut h, "HARB");
    assert_eq!(h.state().view().pool, Some(folio::app::Pool::Found));
    assert_eq!(shown(&h), [a[0].clone()]);
    h.get_by_label_contains("1 found of 4 images");
    // Ctrl+F again selects what is typed: the next query replaces it.
    find(&mut h, "2024-042");
    assert_eq!(shown(&h), [a[1].clone()]);
    find(&mut h, "nothing like this");
    h.get_by_label("Nothing found");

    // Missing alt text: the filter alone, once the field is cleared.
    click(&mut h, "Clear Find");
    click(&mut h, "Missing alt text");
    h.state_mut().finish_finding();
    h.run_steps(4);
    let mut found = shown(&h);
    found.sort();
    let mut expected = vec![a[0].clone(), b[0].clone()];
    expected.sort();
    assert_eq!(found, expected);
    // The found images are used as in a group: select both, add them to B.
    h.get_by_role_and_label(egui::Role::Image, "Harbour at Dusk")
        .click();
    h.run_steps(4);
    keys(&mut h, Modifiers::COMMAND, Key::A);
    assert_eq!(h.state().selection().ids.len(), 2);
    h.get_by_role_and_label(egui::Role::Image, "Harbour at Dusk")
        .click_secondary();
    h.run_steps(4);
    h.get_by_label("Add to group").hover();
    h.run_steps(4);
    h.query_all_by_role_and_label(egui::Role::Button, "B")
        .last()
        .unwrap()
        .click();
    h.run_steps(4);
    assert_eq!(
        order(&h, "B"),
        [b[0].clone(), "Harbour at Dusk".to_string()]
    );
    assert!(
        last_notice(&h).contains("already in it"),
        "{}",
        last_notice(&h)
    );
    // And their details are edited from here, for both at once.
    type_into(&mut h, "Medium", "Gouache");
    h.get_by_label("Title").click();
    h.run_steps(4);
    assert_eq!(
        details_of(&h, &b[0]).details.medium.as_deref(),
        Some("Gouache")
    );
    assert_eq!(
        details_of(&h, &a[0]).details.medium.as_deref(),
        Some("Gouache")
    );
    assert_eq!(details_of(&h, &a[1]).details.medium, None);
    // What was just written is found by the next search.
    keys(&mut h, Modifiers::NONE, Key::Escape);
    click(&mut h, "Missing alt text");
    find(&mut h, "gouache");
    let mut found = shown(&h);
    found.sort();
    assert_eq!(found, expected);
}

#[test]
fn selecting_works_measured_in_different_units_changes_neither_and_a_depth_keeps_each_unit() {
    use folio::core::model::details::{self, Field, Unit};
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    let n = gallery_with_pictures(&mut h, files.path(), 2);
    let (a, b) = (image_named(&h, &n[0]).id, image_named(&h, &n[1]).id);
    let inch = [
        (Field::Unit, "in".to_string()),
        (Field::Height, "24".to_string()),
    ];
    let cm = [
        (Field::Unit, "cm".to_string()),
        (Field::Height, "60".to_string()),
    ];
    details::set_fields(lib(&h).conn(), &[a], &inch).unwrap();
    details::set_fields(lib(&h).conn(), &[b], &cm).unwrap();
    // Shown again, read afresh.
    click(&mut h, "All images");
    click(&mut h, "Show");
    click_image(&mut h, &n[0], Modifiers::NONE);
    click_image(&mut h, &n[1], Modifiers::COMMAND);
    h.run_steps(8);
    let units = |h: &Harness<'static, FolioApp>| {
        (
            details_of(h, &n[0]).details.unit,
            details_of(h, &n[1]).details.unit,
        )
    };
    assert_eq!(
        units(&h),
        (Some(Unit::In), Some(Unit::Cm)),
        "selecting changed a unit"
    );
    assert_eq!(
        undo_buttons(&h),
        0,
        "nothing was saved: {}",
        last_notice(&h)
    );
    type_into(&mut h, "Depth", "3");
    h.get_by_label("Title").click();
    h.run_steps(4);
    assert_eq!(units(&h), (Some(Unit::In), Some(Unit::Cm)));
    assert_eq!(details_of(&h, &n[0]).details.depth, Some(3.0));
    assert_eq!(details_of(&h, &n[1]).details.depth, Some(3.0));
}

/// Who each link of a gallery is shown to, by group name.
fn visibilities(h: &Harness<'static, FolioApp>, gallery: &str) -> Vec<(String, Visibility)> {
    let conn = lib(h).conn();
    let id = catalog::gallery_by_name(conn, gallery).unwrap().unwrap();
    catalog::gallery_links(conn, id)
        .unwrap()
        .into_iter()
        .map(|l| (l.group_name, l.visibility))
        .collect()
}

#[test]
fn a_links_visibility_is_proposed_shown_as_a_badge_changed_there_and_undone() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(&dir.path().join("lib"), None);
    build_scenario(
        &mut h,
        files.path(),
        "Harbour Lights",
        [
            ("Final prints", "main_exhibit", 2),
            ("Making of", "behind_the_scenes", 1),
        ],
    );
    // The attach dialog proposed members for the making-of.
    let pair = |g: &str, v| (g.to_string(), v);
    assert_eq!(
        visibilities(&h, "Harbour Lights"),
        [
            pair("Final prints", Visibility::Public),
            pair("Making of", Visibility::Members)
        ]
    );
    // The badge says so, and a click on it changes it.
    click(&mut h, "Visibility of Making of: Members");
    h.get_by_role_and_label(egui::Role::RadioButton, "Private")
        .click();
    h.run_steps(4);
    assert_eq!(visibilities(&h, "Harbour Lights")[1].1, Visibility::Private);
    h.get_by_label("Visibility of Making of: Private");
    // The right-click menu has the same choice.
    context_menu(&mut h, "Main exhibit: Final prints", "Visibility");
    h.get_by_role_and_label(egui::Role::RadioButton, "Members")
        .click();
    h.run_steps(4);
    assert_eq!(visibilities(&h, "Harbour Lights")[0].1, Visibility::Members);
    // Undo takes each back, newest first.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(
        visibilities(&h, "Harbour Lights"),
        [
            pair("Final prints", Visibility::Public),
            pair("Making of", Visibility::Members)
        ]
    );
    // A detached link comes back with its visibility.
    context_menu(
        &mut h,
        "Behind the scenes: Making of",
        "Detach from gallery",
    );
    assert_eq!(visibilities(&h, "Harbour Lights").len(), 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(
        visibilities(&h, "Harbour Lights")[1],
        pair("Making of", Visibility::Members)
    );
}

#[test]
fn the_artist_profile_is_written_in_its_dialog_and_undone() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(&dir.path().join("lib"), None);
    h.run_steps(4);
    click(&mut h, "File");
    click(&mut h, "Artist profile…");
    type_into(&mut h, "Given name", "Maya");
    type_into(&mut h, "Family name", "Lind");
    type_into(&mut h, "Website", "maya-lind.example");
    click(&mut h, "Save");
    assert!(h.state().dialog().is_none());
    let p = profile::read(lib(&h).conn()).unwrap();
    assert_eq!(p.name().as_deref(), Some("Maya Lind"));
    assert_eq!(p.website.as_deref(), Some("maya-lind.example"));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert!(profile::read(lib(&h).conn()).unwrap().is_empty());
}

#[test]
fn a_gallery_exports_as_a_website_with_its_members_password_and_alt_text_written_on_the_way() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(&dir.path().join("lib"), None);
    build_scenario(
        &mut h,
        files.path(),
        "Harbour Lights",
        [
            ("Final prints", "main_exhibit", 2),
            ("Making of", "behind_the_scenes", 1),
        ],
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run_steps(2);
    // The gallery is read off the UI thread; then the pre-flight: each
    // link's visibility, the works without alt text.
    h.state_mut().settle_export_dialog();
    h.run_steps(4);
    h.get_by_label("Main exhibit: “Final prints”, 2 works, public");
    h.get_by_label("Behind the scenes: “Making of”, 1 work, members, encrypted with the password");
    h.get_by_label("3 works without alt text");
    type_into(&mut h, "Final prints-01.jpg", "A fox in the snow at dawn");
    click(&mut h, "Save alt text");
    let first = &images::group_images(lib(&h).conn(), group_id(&h, "Final prints")).unwrap()[0];
    assert_eq!(first.alt_text.as_deref(), Some("A fox in the snow at dawn"));
    h.state_mut().settle_export_dialog();
    h.run_steps(4);
    h.get_by_label("2 works without alt text");
    // Typed and not saved: Export saves it first.
    type_into(&mut h, "Final prints-02.jpg", "A heron by the water");
    let out = dir.path().join("site");
    type_into(&mut h, "Folder for the website", &out.display().to_string());
    type_into(&mut h, "Password", "a members password");
    type_into(&mut h, "The same again", "a members password");
    click(&mut h, "Export");
    // The alt text is written this frame, read back, then the export starts.
    h.run_steps(2);
    h.state_mut().settle_export_dialog();
    h.run_steps(2);
    let ended = h.state_mut().finish_export().expect("the export ran");
    assert!(ended.ok, "{ended:?}");
    assert_eq!(ended.warnings.len(), 1, "{:?}", ended.warnings);
    h.run_steps(4);
    h.get_by_label("Open in browser");
    // Back to the settings, and the same export again: nothing to write.
    click(&mut h, "Back");
    h.state_mut().settle_export_dialog();
    h.run_steps(4);
    type_into(&mut h, "Password", "a members password");
    type_into(&mut h, "The same again", "a members password");
    click(&mut h, "Export");
    let again = h
        .state_mut()
        .finish_export()
        .expect("the second export ran");
    assert!(again.ok, "{again:?}");
    h.run_steps(4);
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("alt=\"A fox in the snow at dawn\""));
    assert!(index.contains("alt=\"A heron by the water\""));
    assert!(index.contains("data-folio-members="));
    assert!(!index.contains("Making of"));
    click(&mut h, "Close");
    assert!(h.state().dialog().is_none());
    // The next export of this gallery proposes the same folder.
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run_steps(2);
    h.state_mut().settle_export_dialog();
    h.run_steps(4);
    let proposed = h
        .get_by_role_and_label(egui::Role::TextInput, "Folder for the website")
        .value()
        .unwrap_or_default();
    assert_eq!(proposed, out.display().to_string());
}

#[test]
fn a_deleted_group_or_gallery_comes_back_with_its_links_visibility() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(&dir.path().join("lib"), None);
    build_scenario(
        &mut h,
        files.path(),
        "Harbour Lights",
        [
            ("Final prints", "main_exhibit", 1),
            ("Making of", "behind_the_scenes", 1),
        ],
    );
    click(&mut h, "Visibility of Making of: Members");
    h.get_by_role_and_label(egui::Role::RadioButton, "Private")
        .click();
    h.run_steps(4);
    let expected = visibilities(&h, "Harbour Lights");
    assert_eq!(expected[1].1, Visibility::Private);
    // The group, deleted and brought back: still private, never public.
    context_menu(&mut h, "Making of", "Delete group…");
    click(&mut h, "Delete group");
    assert_eq!(visibilities(&h, "Harbour Lights").len(), 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(visibilities(&h, "Harbour Lights"), expected);
    // The gallery, deleted and brought back: the same.
    context_menu(&mut h, "Harbour Lights", "Delete gallery…");
    click(&mut h, "Delete gallery");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(visibilities(&h, "Harbour Lights"), expected);
}

#[test]
fn a_gallery_exports_as_a_portfolio_pdf_and_as_a_submission_package_from_the_file_menu() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut h = open(&dir.path().join("lib"), None);
    build_scenario(
        &mut h,
        files.path(),
        "Harbour Lights",
        [
            ("Final prints", "main_exhibit", 2),
            ("Making of", "behind_the_scenes", 1),
        ],
    );
    // The PDF, landscape on US Letter, members links in (the artist's own).
    click(&mut h, "File");
    click(&mut h, "Export portfolio PDF…");
    h.state_mut().settle_export_dialog();
    h.run_steps(4);
    h.get_by_label("Behind the scenes: “Making of”, 1 work, members, included");
    click(&mut h, "US Letter");
    click(&mut h, "Landscape");
    let pdf = dir.path().join("harbour.pdf");
    type_into(&mut h, "PDF file", &pdf.display().to_string());
    click(&mut h, "Export");
    let ended = h.state_mut().finish_export().expect("the PDF was made");
    assert!(ended.ok, "{ended:?}");
    assert!(
        ended.headline.contains("5 pages (3 of works)"),
        "{}",
        ended.headline
    );
    h.run_steps(4);
    h.get_by_label("Open PDF");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-1.7"));
    assert!(
        bytes.windows(15).any(|w| w == b"/MediaBox[0 0 7"),
        "landscape Letter: 792 wide"
    );
    click(&mut h, "Close");

    // The package: CaFÉ names files by the family name, which this
    // library's profile does not have: said, nothing written. SlideRoom's
    // names need none, and it takes these small works at their own size.
    click(&mut h, "File");
    click(&mut h, "Export submission package…");
    h.state_mut().settle_export_dialog();
    h.run_steps(4);
    let out = dir.path().join("package");
    type_into(&mut h, "Folder for the package", &out.display().to_string());
    click(&mut h, "Export");
    let ended = h.state_mut().finish_export().expect("the package ran");
    assert!(!ended.ok);
    assert!(ended.headline.contains("family name"), "{}", ended.headline);
    assert!(!out.exists());
    h.run_steps(4);
    click(&mut h, "Back");
    h.state_mut().settle_export_dialog();
    h.run_steps(4);
    h.get_by_label_contains("SlideRoom: long side 1280 px")
        .click();
    h.run_steps(4);
    click(&mut h, "Export");
    let ended = h.state_mut().finish_export().expect("the package ran");
    assert!(ended.ok, "{ended:?}");
    assert!(
        ended
            .warnings
            .iter()
            .filter(|w| w.contains("passes every rule"))
            .count()
            == 3,
        "{:?}",
        ended.warnings
    );
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert!(
        names.contains(&"image-list.pdf".to_string())
            && names.contains(&"image-list.csv".to_string()),
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".jpg")).count(),
        3,
        "{names:?}"
    );
}

// ------------------------------------------------------------ the desktop

fn open_with(root: &Path, files: Vec<PathBuf>) -> Harness<'static, FolioApp> {
    let root = root.to_path_buf();
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(64)
        .build_eframe(move |cc| FolioApp::opened_with(&cc.egui_ctx, root, None, files))
}

#[test]
fn files_opened_with_folio_are_offered_for_import_into_a_new_or_the_shown_group() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let studio = pictures(&files.path().join("Studio May"), "studio", 3);
    // `folio FILE…`: a new library, so nothing is shown, and a new group
    // named after their folder is proposed.
    let mut h = open_with(&root, studio.clone());
    h.run_steps(4);
    h.get_by_label("Import into Folio?");
    h.get_by_label("studio-01.jpg");
    h.get_by_label_contains("3 items were opened with Folio");
    click(&mut h, "Import");
    settle(&mut h);
    assert!(h.state().dialog().is_none());
    assert_eq!(order(&h, "Studio May"), names(&studio));

    // Started again with the group shown: the offer is that group first.
    let mut storage = Memory::default();
    eframe::App::save(h.state_mut(), &mut storage);
    drop(h);
    let more = pictures(&files.path().join("later"), "later", 2);
    let root2 = root.clone();
    let more2 = more.clone();
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(64)
        .build_eframe(move |cc| FolioApp::opened_with(&cc.egui_ctx, root2, Some(&storage), more2));
    h.run_steps(4);
    h.get_by_label_contains("Into \u{201c}Studio May\u{201d}, the group shown");
    click(&mut h, "Import");
    settle(&mut h);
    let mut want = names(&studio);
    want.extend(names(&more));
    assert_eq!(order(&h, "Studio May"), want);
}

#[test]
fn a_second_folio_started_with_files_says_where_to_drop_them_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let photos = pictures(files.path(), "photo", 2);
    // Held by a command (as this test process is, for the lock file).
    let holder = Library::open(dir.path()).unwrap();
    let snapshot = |dir: &Path| {
        support::files_under(dir)
            .into_iter()
            .map(|p| {
                let m = std::fs::metadata(&p).unwrap();
                (p, m.len(), m.modified().unwrap())
            })
            .collect::<Vec<_>>()
    };
    let mut h = open_with(dir.path(), photos.clone());
    h.run_steps(4);
    h.get_by_label("A folio command is using this library");
    h.get_by_label_contains("When it has finished, press Try again to import these 2 items");
    // Held by the app's window: where to drop them.
    let lock = dir.path().join("folio.lock");
    std::fs::write(&lock, "the Folio window, process 4242").unwrap();
    let before = snapshot(dir.path());
    click(&mut h, "Try again");
    h.get_by_label("Folio is already open on this library");
    h.get_by_label_contains("To import these 2 items, drop them on the Folio window that is open");
    h.get_by_label_contains("still open in the other Folio");
    h.get_by_label(&photos[0].display().to_string());
    assert_eq!(snapshot(dir.path()), before, "nothing written");
    assert_eq!(
        images::all_images(holder.conn()).unwrap().len(),
        0,
        "nothing imported"
    );
    // Closed there: Try again opens the library and makes the offer.
    drop(holder);
    click(&mut h, "Try again");
    h.get_by_label("Import into Folio?");
}

#[test]
fn the_theme_is_chosen_in_the_view_menu_and_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let mut h = open(&root, None);
    h.run_steps(4);
    assert_eq!(h.state().theme(), folio::app::Theme::System);
    click(&mut h, "View");
    click(&mut h, "Theme");
    click(&mut h, "Light");
    assert_eq!(h.state().theme(), folio::app::Theme::Light);
    assert_eq!(h.ctx.theme(), egui::Theme::Light, "light panels");
    let mut storage = Memory::default();
    eframe::App::save(h.state_mut(), &mut storage);
    drop(h);
    let mut h = open(&root, Some(storage));
    h.run_steps(4);
    assert_eq!(h.state().theme(), folio::app::Theme::Light);
    assert_eq!(h.ctx.theme(), egui::Theme::Light);
    click(&mut h, "View");
    click(&mut h, "Theme");
    click(&mut h, "Dark");
    assert_eq!(h.ctx.theme(), egui::Theme::Dark);
}

#[test]
fn an_original_is_exported_byte_for_byte_and_shown_in_the_file_manager() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let mut h = open(&root, None);
    h.run_steps(4);
    let photos = pictures(files.path(), "harbour", 2);
    drop_files(&mut h, &photos);
    type_into(&mut h, "Group name", "Harbour");
    click(&mut h, "Create group");
    settle(&mut h);
    // The inspector's button: a copy under the artist's own name.
    click_image(&mut h, "harbour-02.jpg", Modifiers::NONE);
    click(&mut h, "Export original…");
    h.get_by_label("Export original");
    let target = out.path().join("harbour-02.jpg");
    type_into(&mut h, "Save as", &target.display().to_string());
    click(&mut h, "Export");
    h.state_mut().finish_original_export();
    h.run_steps(4);
    h.get_by_label_contains("Saved");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        std::fs::read(&photos[1]).unwrap()
    );
    click(&mut h, "Close");
    // Again: the folder is remembered, and the name proposed is free.
    click(&mut h, "Export original…");
    let proposed = out.path().join("harbour-02 (2).jpg");
    assert_eq!(
        h.get_by_label("Save as").value().as_deref(),
        Some(proposed.display().to_string().as_str())
    );
    // The file typed is there: the button says it replaces it, and Enter
    // does not.
    type_into(&mut h, "Save as", &target.display().to_string());
    h.get_by_label_contains("exporting replaces it");
    h.get_by_label("Replace");
    h.key_press(Key::Enter);
    h.run_steps(4);
    assert!(h.query_by_label_contains("Saved").is_none());
    click(&mut h, "Cancel");

    // The thumbnail's menu (the inspector hidden, so that its button of
    // the same name is not there): the file manager is asked to show the
    // library's file of that work.
    let lib_file = support::files_under(&root.join("library/originals"))
        .into_iter()
        .find(|p| std::fs::read(p).unwrap() == std::fs::read(&photos[1]).unwrap())
        .unwrap();
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = asked.clone();
    h.state_mut().set_revealer(Arc::new(move |p: &Path| {
        record.lock().unwrap().push(p.to_path_buf());
        Ok(folio::desktop::Revealed::Selected)
    }));
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run_steps(4);
    assert!(!h.state().view().inspector);
    context_menu_image(&mut h, "harbour-02.jpg", "Show in file manager");
    h.state_mut().finish_reveals();
    h.run_steps(4);
    assert_eq!(*asked.lock().unwrap(), vec![lib_file.clone()]);
    h.get_by_label_contains(
        "Shown in the file manager: the original of \u{201c}harbour-02.jpg\u{201d}",
    );
    // A desktop where no file manager answers: where the file is, to copy.
    h.state_mut().set_revealer(Arc::new(|_: &Path| {
        Err("no file manager answered".to_string())
    }));
    context_menu_image(&mut h, "harbour-02.jpg", "Show in file manager");
    h.state_mut().finish_reveals();
    h.run_steps(4);
    h.get_by_label("Where the original is");
    h.get_by_label("Copy path");
    assert!(
        h.query_all_by_value(&lib_file.display().to_string())
            .count()
            >= 1,
        "the path is shown, to copy"
    );
    click(&mut h, "Close");
}

#[test]
fn about_folio_shows_the_version_the_library_and_the_licences() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let mut h = open(&root, None);
    h.run_steps(4);
    click(&mut h, "Help");
    click(&mut h, "About Folio");
    h.state_mut().finish_about();
    h.run_steps(4);
    h.get_by_label(&format!("Version {}", env!("CARGO_PKG_VERSION")));
    h.get_by_label(&root.display().to_string());
    h.get_by_label_contains("of it the originals of 0 images");
    h.get_by_label("Noto Sans (Regular, Italic, Bold)");
    assert!(h.query_all_by_label("SIL Open Font License 1.1").count() >= 2);
    h.get_by_label_contains("krilla 0.8");
    h.get_by_label("SQLite");
    click(&mut h, "Close");
    assert!(h.state().dialog().is_none());
}
