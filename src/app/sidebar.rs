//! The left panel: the whole library (all images, those in no group),
//! galleries (drag to reorder), the selected gallery's typed groups (drag to
//! reorder), and every group of the library (drag one onto a gallery to
//! attach it). Every group row takes images dragged from the grid.

use eframe::egui::{self, Response, Role, Sense, Stroke, WidgetInfo};

use super::action::Action;
use super::command::Command;
use super::data::{Data, Pool, type_label};
use super::dialogs::Dialog;
use super::find::FindState;
use super::session::View;
use super::state::{GridDrag, Outbox};
use crate::core::model::catalog::{Gallery, Group, Link, Visibility};
use crate::core::model::images::LibraryOrder;
use crate::core::{GalleryId, GroupId};

/// A gallery dragged to another place among the galleries.
#[derive(Clone, Copy, Debug)]
struct GalleryDrag {
    gallery: GalleryId,
    index: usize,
}

/// A group dragged from All groups (to attach it to a gallery).
#[derive(Clone, Copy, Debug)]
struct GroupDrag(GroupId);

/// A typed link dragged within its gallery (to reorder it).
#[derive(Clone, Debug)]
struct LinkDrag {
    gallery: GalleryId,
    group: GroupId,
    link_type: String,
    index: usize,
}

/// The left panel: the library's pools, galleries (the selected one with its
/// typed groups), then every group of the library. `drag` is a drag of grid
/// images, which any group row takes.
pub fn sidebar_ui(
    ui: &mut egui::Ui,
    data: &Data,
    view: &View,
    drag: &mut Option<GridDrag>,
    find: &mut FindState,
    out: &mut Outbox,
) {
    if let Some(d) = drag.as_mut() {
        d.over = None;
        d.hint = None;
    }
    if !data.is_empty() {
        find_ui(ui, find, view, out);
        ui.add_space(4.0);
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if !data.is_empty() {
                pools_ui(ui, data, view, out);
                ui.add_space(8.0);
            }
            heading_ui(ui, "Galleries", "+ Gallery", Command::NewGallery, out);
            if data.galleries.is_empty() {
                ui.label(egui::RichText::new("No galleries yet.").weak());
            }
            for (index, gallery) in data.galleries.iter().enumerate() {
                let selected = view.gallery() == Some(gallery.id);
                gallery_ui(ui, gallery, index, selected, drag, out);
                if selected {
                    ui.indent(("links", gallery.id.0), |ui| {
                        links_ui(ui, data, view, gallery, drag, out);
                    });
                }
            }
            ui.add_space(12.0);
            ui.separator();
            heading_ui(ui, "All groups", "+ Group", Command::NewGroup, out);
            if data.groups.is_empty() {
                ui.label(egui::RichText::new("No groups yet.").weak());
            } else {
                ui.label(
                    egui::RichText::new(
                        "Drag a group onto a gallery to use it there too; drag images onto a group to add them to it.",
                    )
                    .small()
                    .weak(),
                );
            }
            for group in &data.groups {
                group_ui(ui, group, view, drag, out);
            }
        });
    let name = |id: GroupId| {
        data.group(id)
            .map_or_else(|| id.to_string(), |g| g.name.clone())
    };
    drag_label_ui::<GroupDrag>(ui, |d| name(d.0));
    drag_label_ui::<LinkDrag>(ui, |d| name(d.group));
    drag_label_ui::<GalleryDrag>(ui, |d| {
        data.gallery(d.gallery)
            .map_or_else(|| d.gallery.to_string(), |g| g.name.clone())
    });
}

/// Find's field: what is typed is looked for in the whole library (after
/// the frame: `FolioApp::find_if_changed`); Ctrl+F puts the keyboard here.
fn find_ui(ui: &mut egui::Ui, find: &mut FindState, view: &View, out: &mut Outbox) {
    ui.horizontal(|ui| {
        let label = ui.label("Find");
        // The clear button at the right end, the field filling the rest (so
        // that the panel keeps its width).
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if !find.query.text.is_empty() {
                let button = ui
                    .small_button("\u{d7}")
                    .on_hover_text("Clear what is typed");
                button.widget_info(|| WidgetInfo::labeled(Role::Button, true, "Clear Find"));
                if button.clicked() {
                    find.query.text.clear();
                }
            }
            let resp = ui
                .add(
                    // Its own id: the clear button appearing before it must
                    // not make it another widget (which would lose the keyboard).
                    egui::TextEdit::singleline(&mut find.query.text)
                        .id_salt("folio-find")
                        .hint_text("Title, medium, inventory no., group\u{2026} (Ctrl+F)")
                        .desired_width(ui.available_width()),
                )
                .labelled_by(label.id);
            if find.focus {
                find.focus = false;
                resp.request_focus();
                // Ready to type over what is there.
                if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), resp.id) {
                    let all = egui::text::CCursorRange::two(
                        egui::text::CCursor::new(0),
                        egui::text::CCursor::new(find.query.text.chars().count()),
                    );
                    state.cursor.set_char_range(Some(all));
                    state.store(ui.ctx(), resp.id);
                }
            }
            // Back to what was found, by clicking into the field.
            if resp.gained_focus() && !find.query.is_empty() && view.pool != Some(Pool::Found) {
                out.act(Action::SelectPool(Pool::Found));
            }
        });
    });
}

/// All images and Not in any group, with their counts.
fn pools_ui(ui: &mut egui::Ui, data: &Data, view: &View, out: &mut Outbox) {
    ui.heading("Library");
    let counts = data.counts.unwrap_or_default();
    let all_order = match view.pool {
        Some(Pool::All(order)) => order,
        _ => LibraryOrder::Newest,
    };
    for (pool, count) in [
        (Pool::All(all_order), counts.total),
        (Pool::Ungrouped, counts.ungrouped),
    ] {
        let selected = match (view.pool, pool) {
            (Some(Pool::All(_)), Pool::All(_)) => true,
            (Some(a), b) => a == b,
            (None, _) => false,
        };
        let subtitle = crate::count(count, "image", "images");
        let resp = row_ui(ui, selected, pool.name(), &subtitle, None, pool.name());
        if resp.clicked() {
            out.act(Action::SelectPool(pool));
        }
    }
}

/// A group row under a drag of grid images: outlined, named on the drag's
/// label, and on release the images are added (Shift: moved) to the group.
fn grid_drop_ui(
    ui: &egui::Ui,
    resp: &Response,
    group: GroupId,
    name: &str,
    drag: &mut Option<GridDrag>,
    out: &mut Outbox,
) {
    let Some(d) = drag.as_mut() else { return };
    let Some(p) = ui.ctx().pointer_interact_pos() else {
        return;
    };
    // Its own group is no target; a row scrolled out of sight neither.
    if d.group == Some(group) || !resp.rect.contains(p) || !ui.clip_rect().contains(p) {
        return;
    }
    d.over = Some((group, name.to_string()));
    ui.painter().rect_stroke(
        resp.rect,
        4.0,
        Stroke::new(2.0, ui.visuals().selection.stroke.color),
        egui::StrokeKind::Inside,
    );
    let (released, shift) = ui.input(|i| {
        (
            i.pointer.any_released() || !i.pointer.any_down(),
            i.modifiers.shift,
        )
    });
    if !released {
        return;
    }
    let ids = d.ids.clone();
    out.act(match d.group {
        Some(from) if shift => Action::MoveToGroup {
            from,
            to: group,
            ids,
            before: None,
        },
        _ => Action::AddToGroup {
            group,
            ids,
            before: None,
        },
    });
    d.dropped = true;
}

/// A section heading with its "+" button on the right.
fn heading_ui(ui: &mut egui::Ui, title: &str, button: &str, c: Command, out: &mut Outbox) {
    ui.horizontal(|ui| {
        ui.heading(title);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(button).on_hover_text(c.description()).clicked() {
                out.command(c);
            }
        });
    });
}

/// One gallery: click to show it, drag to put it elsewhere among the
/// galleries, drop a group on it to attach, right-click for more.
fn gallery_ui(
    ui: &mut egui::Ui,
    gallery: &Gallery,
    index: usize,
    selected: bool,
    drag: &mut Option<GridDrag>,
    out: &mut Outbox,
) {
    let subtitle = crate::count(gallery.link_count, "group", "groups");
    let resp = row_ui(ui, selected, &gallery.name, &subtitle, None, &gallery.name);
    // Images dragged over a gallery: they go into a group, not a gallery.
    if let Some(d) = drag.as_mut()
        && ui
            .ctx()
            .pointer_interact_pos()
            .is_some_and(|p| resp.rect.contains(p))
    {
        d.hint = Some(if selected {
            "Drop on one of its groups below".to_string()
        } else {
            "Drop on a group: this gallery's are under All groups".to_string()
        });
    }
    if resp.drag_started() {
        resp.dnd_set_drag_payload(GalleryDrag {
            gallery: gallery.id,
            index,
        });
    }
    if let Some(to) = reorder_ui(ui, &resp, index, |d: &GalleryDrag| Some(d.index))
        && let Some(drag) = resp.dnd_release_payload::<GalleryDrag>()
    {
        out.act(Action::MoveGallery {
            gallery: drag.gallery,
            to,
        });
    }
    // A group dragged over a gallery: outline the gallery it would join.
    if resp.dnd_hover_payload::<GroupDrag>().is_some() {
        ui.painter().rect_stroke(
            resp.rect,
            4.0,
            Stroke::new(2.0, super::theme::TYPE.on(ui.visuals())),
            egui::StrokeKind::Inside,
        );
    }
    if let Some(drag) = resp.dnd_release_payload::<GroupDrag>() {
        out.open(Dialog::attach(gallery.id, Some(drag.0)));
    }
    if resp.clicked() {
        out.act(Action::SelectGallery(Some(gallery.id)));
    }
    resp.context_menu(|ui| {
        if ui.button("Attach group…").clicked() {
            out.open(Dialog::attach(gallery.id, None));
        }
        if ui.button("Rename or describe…").clicked() {
            out.open(Dialog::rename_gallery(
                gallery.id,
                &gallery.name,
                gallery.description.as_deref(),
            ));
        }
        if ui.button("Delete gallery…").clicked() {
            out.open(Dialog::confirm_delete_gallery(gallery));
        }
    });
}

/// One group under All groups: click to show it on its own, drag onto a
/// gallery, drop images on it.
fn group_ui(
    ui: &mut egui::Ui,
    group: &Group,
    view: &View,
    drag: &mut Option<GridDrag>,
    out: &mut Outbox,
) {
    let selected = view.group() == Some(group.id);
    let galleries = match group.gallery_count {
        0 => "in no gallery".to_string(),
        n => format!("in {}", crate::count(n, "gallery", "galleries")),
    };
    let subtitle = format!(
        "{} · {galleries}",
        crate::count(group.image_count, "image", "images")
    );
    let resp = row_ui(ui, selected, &group.name, &subtitle, None, &group.name);
    grid_drop_ui(ui, &resp, group.id, &group.name, drag, out);
    if resp.drag_started() {
        resp.dnd_set_drag_payload(GroupDrag(group.id));
    }
    if resp.clicked() {
        out.act(Action::SelectGroup(Some(group.id)));
    }
    resp.context_menu(|ui| {
        if let Some(gallery) = view.gallery()
            && ui.button("Attach to the selected gallery…").clicked()
        {
            out.open(Dialog::attach(gallery, Some(group.id)));
        }
        if ui.button("Rename or describe group…").clicked() {
            out.open(Dialog::rename_group(
                group.id,
                &group.name,
                group.description.as_deref(),
            ));
        }
        if ui.button("Delete group…").clicked() {
            out.open(Dialog::confirm_delete_group(group));
        }
    });
}

/// The selected gallery's description and typed groups, in order.
fn links_ui(
    ui: &mut egui::Ui,
    data: &Data,
    view: &View,
    gallery: &Gallery,
    drag: &mut Option<GridDrag>,
    out: &mut Outbox,
) {
    if let Some(d) = &gallery.description {
        ui.add(egui::Label::new(egui::RichText::new(d).small().weak()).wrap());
    }
    if data.links.is_empty() {
        ui.label(
            egui::RichText::new("No groups in this gallery yet.")
                .small()
                .weak(),
        );
    }
    for (index, link) in data.links.iter().enumerate() {
        let selected = view.group() == Some(link.group);
        link_ui(ui, data, link, index, selected, drag, out);
    }
    if ui
        .small_button("+ Attach group…")
        .on_hover_text(Command::AttachGroup.description())
        .clicked()
    {
        out.open(Dialog::attach(gallery.id, None));
    }
    ui.add_space(6.0);
}

/// One typed link: click to show, drag to reorder, right-click for more.
fn link_ui(
    ui: &mut egui::Ui,
    data: &Data,
    link: &Link,
    index: usize,
    selected: bool,
    drag: &mut Option<GridDrag>,
    out: &mut Outbox,
) {
    let gallery = link.gallery;
    let kind = type_label(&link.link_type);
    let subtitle = crate::count(link.image_count, "image", "images");
    let title = format!("{}  ·  {subtitle}", link.group_name);
    // Its visibility has a button of its own (the badge).
    let a11y = format!("{kind}: {}", link.group_name);
    let resp = row_ui(ui, selected, &title, "", Some(&kind), &a11y).on_hover_text(format!(
        "Type: {}. {}",
        link.link_type,
        link.visibility.explained()
    ));
    visibility_badge_ui(ui, &resp, link, selected, out);
    grid_drop_ui(ui, &resp, link.group, &link.group_name, drag, out);
    if resp.drag_started() {
        resp.dnd_set_drag_payload(LinkDrag {
            gallery,
            group: link.group,
            link_type: link.link_type.clone(),
            index,
        });
    }
    let in_gallery = |d: &LinkDrag| (d.gallery == gallery).then_some(d.index);
    if let Some(to) = reorder_ui(ui, &resp, index, in_gallery)
        && let Some(drag) = resp.dnd_release_payload::<LinkDrag>()
    {
        out.act(Action::MoveLink {
            gallery,
            group: drag.group,
            link_type: drag.link_type.clone(),
            to,
        });
    }
    if resp.clicked() {
        out.act(Action::SelectGroup(Some(link.group)));
    }
    resp.context_menu(|ui| {
        if ui.button("Change type…").clicked() {
            out.open(Dialog::change_type(gallery, link.group, &link.link_type));
        }
        ui.menu_button("Visibility", |ui| visibility_menu_ui(ui, link, out));
        if ui.button("Detach from gallery").clicked() {
            out.act(Action::Detach {
                gallery,
                group: link.group,
                link_type: link.link_type.clone(),
            });
        }
        if ui.button("Rename or describe group…").clicked() {
            let description = data.group(link.group).and_then(|g| g.description.clone());
            out.open(Dialog::rename_group(
                link.group,
                &link.group_name,
                description.as_deref(),
            ));
        }
    });
}

/// The link's visibility as a badge at the end of its type's line; a click
/// opens the choice.
fn visibility_badge_ui(
    ui: &mut egui::Ui,
    row: &Response,
    link: &Link,
    selected: bool,
    out: &mut Outbox,
) {
    let font = egui::TextStyle::Small.resolve(ui.style());
    let colour = match link.visibility {
        // On a selected row's colour the weak grey would not read.
        // On a selected row's fill the accents would not read: the word says it.
        _ if selected => ui.visuals().strong_text_color(),
        Visibility::Public => ui.visuals().weak_text_color(),
        Visibility::Members => super::theme::MEMBERS.on(ui.visuals()),
        Visibility::Private => super::theme::PRIVATE.on(ui.visuals()),
    };
    let text = link.visibility.label().to_uppercase();
    let galley = ui.painter().layout_no_wrap(text, font, colour);
    let size = galley.size() + egui::vec2(8.0, 2.0);
    let rect = egui::Rect::from_min_size(
        egui::pos2(row.rect.right() - 6.0 - size.x, row.rect.top() + 3.0),
        size,
    );
    let id = egui::Id::unique(("visibility", link.gallery, link.group, &link.link_type));
    let badge = ui.interact(rect, id, Sense::click());
    badge.widget_info(|| {
        WidgetInfo::labeled(
            Role::Button,
            true,
            format!(
                "Visibility of {}: {}",
                link.group_name,
                link.visibility.label()
            ),
        )
    });
    if ui.is_rect_visible(rect) {
        let stroke = if badge.hovered() { 1.5 } else { 1.0 };
        ui.painter().rect_stroke(
            rect,
            3.0,
            Stroke::new(stroke, colour),
            egui::StrokeKind::Inside,
        );
        ui.painter()
            .galley(rect.min + egui::vec2(4.0, 1.0), galley, colour);
    }
    let badge = badge.on_hover_text(format!("{} Click to change.", link.visibility.explained()));
    egui::Popup::menu(&badge).show(|ui| visibility_menu_ui(ui, link, out));
}

/// Public, members, private: the choice of a link's visibility.
fn visibility_menu_ui(ui: &mut egui::Ui, link: &Link, out: &mut Outbox) {
    for v in Visibility::ALL {
        if ui
            .radio(link.visibility == v, v.label())
            .on_hover_text(v.explained())
            .clicked()
        {
            if v != link.visibility {
                out.act(Action::SetVisibility {
                    gallery: link.gallery,
                    group: link.group,
                    link_type: link.link_type.clone(),
                    to: v,
                });
            }
            ui.close();
        }
        ui.label(egui::RichText::new(v.explained()).small().weak());
    }
}

/// A row of a list that a `P` dragged from the same list may be dropped
/// beside: draws the insertion line while one hovers, and returns where it
/// goes (its new index, counted without itself) when one is let go there and
/// the place is new. `index_of` gives the dragged row's index, or `None` if it
/// is not of this list.
fn reorder_ui<P: std::any::Any + Send + Sync>(
    ui: &egui::Ui,
    resp: &Response,
    index: usize,
    index_of: impl Fn(&P) -> Option<usize>,
) -> Option<usize> {
    let above = ui
        .ctx()
        .pointer_interact_pos()
        .map(|p| p.y < resp.rect.center().y)?;
    if let Some(drag) = resp.dnd_hover_payload::<P>()
        && index_of(&drag).is_some()
    {
        let y = if above {
            resp.rect.top()
        } else {
            resp.rect.bottom()
        };
        ui.painter().hline(
            resp.rect.x_range(),
            y,
            Stroke::new(2.0, super::theme::TYPE.on(ui.visuals())),
        );
    }
    let drag = egui::DragAndDrop::payload::<P>(ui.ctx())?;
    let from = index_of(&drag)?;
    if !(resp.contains_pointer() && ui.input(|i| i.pointer.any_released())) {
        return None;
    }
    let slot = if above { index } else { index + 1 };
    let to = if from < slot { slot - 1 } else { slot };
    (to != from).then_some(to)
}

/// One row of the sidebar: an optional small coloured type line above a title
/// and a weak subtitle; clickable and draggable, named `a11y` for screen
/// readers and tests.
fn row_ui(
    ui: &mut egui::Ui,
    selected: bool,
    title: &str,
    subtitle: &str,
    kind: Option<&str>,
    a11y: &str,
) -> Response {
    let width = ui.available_width();
    let title_font = egui::TextStyle::Body.resolve(ui.style());
    let small_font = egui::TextStyle::Small.resolve(ui.style());
    let wrap = width - 12.0;
    let title_galley = ui.painter().layout(
        title.to_string(),
        title_font,
        ui.visuals().text_color(),
        wrap,
    );
    let kind_galley = kind.map(|k| {
        ui.painter().layout_no_wrap(
            k.to_uppercase(),
            small_font.clone(),
            egui::Color32::PLACEHOLDER,
        )
    });
    let sub_galley = (!subtitle.is_empty()).then(|| {
        ui.painter().layout(
            subtitle.to_string(),
            small_font,
            egui::Color32::PLACEHOLDER,
            wrap,
        )
    });
    let height = 8.0
        + title_galley.size().y
        + kind_galley.as_ref().map_or(0.0, |g| g.size().y + 2.0)
        + sub_galley.as_ref().map_or(0.0, |g| g.size().y + 1.0);
    let (rect, resp) = ui.allocate_exact_size(egui::vec2(width, height), Sense::click_and_drag());
    resp.widget_info(|| WidgetInfo::selected(Role::Button, true, selected, a11y));
    if ui.is_rect_visible(rect) {
        let visuals = ui.style().interact_selectable(&resp, selected);
        if selected || resp.hovered() {
            ui.painter().rect_filled(rect, 4.0, visuals.weak_bg_fill);
        }
        let mut y = rect.top() + 4.0;
        let x = rect.left() + 6.0;
        // On the selection's fill the accent and the weak grey would not
        // read: there, the selected row's own text colour.
        let (kind_colour, sub_colour) = if selected {
            (visuals.text_color(), visuals.text_color())
        } else {
            (
                super::theme::TYPE.on(ui.visuals()),
                ui.visuals().weak_text_color(),
            )
        };
        if let Some(g) = kind_galley {
            let h = g.size().y;
            ui.painter().galley(egui::pos2(x, y), g, kind_colour);
            y += h + 2.0;
        }
        let h = title_galley.size().y;
        let colour = if selected {
            visuals.text_color()
        } else {
            ui.visuals().text_color()
        };
        ui.painter().galley(egui::pos2(x, y), title_galley, colour);
        y += h + 1.0;
        if let Some(g) = sub_galley {
            ui.painter().galley(egui::pos2(x, y), g, sub_colour);
        }
    }
    resp
}

/// While a `P` is being dragged, its name follows the pointer.
fn drag_label_ui<P: std::any::Any + Send + Sync>(ui: &egui::Ui, name: impl Fn(&P) -> String) {
    let Some(payload) = egui::DragAndDrop::payload::<P>(ui.ctx()) else {
        return;
    };
    let Some(pos) = ui.ctx().pointer_interact_pos() else {
        return;
    };
    let layer = egui::LayerId::new(egui::Order::Tooltip, egui::Id::unique("sidebar-drag"));
    super::grid::pointer_label(&ui.ctx().layer_painter(layer), pos, name(&payload));
}
