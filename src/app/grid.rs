//! The centre: the selected group's image grid, and what stands in for it when
//! there is nothing to show (first start, no group, an empty group).
//!
//! The grid is laid out by geometry, not by widgets in a wrapping layout:
//! only the visible rows are built ([`egui::ScrollArea::show_rows`]) and the
//! drop position of a drag comes from the pointer's place in the cell raster,
//! so it works the same for 10 images and for 100,000.

use eframe::egui::{self, Color32, Pos2, Rect, Role, Sense, Stroke, WidgetInfo, vec2};

use super::action::Action;
use super::command::Command;
use super::data::{Data, Pool};
use super::find::FindState;
use super::menu::command_button_ui;
use super::session::{Captions, Files, THUMB_SIZES, View};
use super::state::{Geometry, GridDrag, Outbox, Selection};
use super::textures::{Size, Source, Textures, Thumb};
use crate::core::format::Format;
use crate::core::model::images::Image;
use crate::core::model::images::LibraryOrder;
use crate::core::{GroupId, ImageId};

/// Where the grid's cells are on screen this frame.
#[derive(Clone, Copy, Debug)]
struct Raster {
    /// Top-left of cell 0 (may be above the visible area).
    origin: Pos2,
    pitch: egui::Vec2,
    cols: usize,
    len: usize,
    /// The visible part of the grid.
    viewport: Rect,
}

impl Raster {
    /// The drop marker under `p`: a position 0..=len, and the (row, column)
    /// of the gap it is drawn in.
    fn marker(&self, p: Pos2) -> (usize, usize, usize) {
        let row = ((p.y - self.origin.y) / self.pitch.y).floor().max(0.0) as usize;
        let col = ((p.x - self.origin.x) / self.pitch.x)
            .round()
            .clamp(0.0, self.cols as f32) as usize;
        let index = (row * self.cols + col).min(self.len);
        // Draw at the real gap: past the end, the gap after the last image.
        let (row, col) = if index == self.len && self.len > 0 {
            let last = self.len - 1;
            (last / self.cols, last % self.cols + 1)
        } else {
            (row, col)
        };
        (index, row, col)
    }
}

/// Height of the caption under each thumbnail.
const CAPTION: f32 = 18.0;
/// Space between cells.
const GAP: f32 = 10.0;
/// How near the top or bottom edge a drag starts scrolling.
const SCROLL_EDGE: f32 = 40.0;

enum CellEvent {
    Click(ImageId, egui::Modifiers),
    DoubleClick(ImageId),
    DragStart(ImageId),
    Menu(ImageId, Command),
    /// Add (or, `true`, move) the image and the rest of the selection to a group.
    ToGroup(ImageId, GroupId, bool),
    /// A right-click: the menu acts on this image, so it is selected.
    Secondary(ImageId),
}

/// The centre panel, with what it reads and what it may change.
pub struct Centre<'a> {
    pub data: &'a Data,
    pub files: &'a Files,
    /// The library folder, named on the welcome page.
    pub root: &'a std::path::Path,
    /// The thumbnail size is set here.
    pub view: &'a mut View,
    pub selection: &'a mut Selection,
    pub drag: &'a mut Option<GridDrag>,
    pub geometry: &'a mut Geometry,
    /// Images cut and not pasted yet: drawn dimmed.
    pub cut: Option<&'a std::collections::HashSet<ImageId>>,
    /// Find's query and filters, set in Find's header.
    pub find: &'a mut FindState,
    pub viewer: &'a mut bool,
    pub textures: &'a mut Textures,
    pub out: &'a mut Outbox,
}

/// What the header's controls (two buttons and the size slider) are taken
/// to need before they have been measured once.
const CONTROLS_WIDTH: f32 = 470.0;
/// The least width a group's name gets beside them; with less room the
/// controls go on a line of their own.
const MIN_TITLE_WIDTH: f32 = 200.0;

impl Centre<'_> {
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        if self.data.is_empty() {
            self.welcome_ui(ui);
            return;
        }
        if let Some(pool) = self.view.pool {
            self.pool_ui(ui, pool);
            return;
        }
        let Some(group) = self.view.group().and_then(|g| self.data.group(g)).cloned() else {
            self.no_group_ui(ui);
            return;
        };
        self.header_ui(ui, &group.name, group.image_count);
        if let Some(d) = &group.description {
            ui.label(egui::RichText::new(d).weak());
        }
        // Always one line, so the grid does not jump when the selection changes.
        let hint = if self.selection.ids.is_empty() {
            "Click to select (Ctrl adds, Shift selects a range); drag to reorder, or onto a group on the left to add it there; double-click to view.".to_string()
        } else {
            format!(
                "{} selected. Drag to reorder, or onto a group on the left (Shift: move); Delete removes from this group; Shift+Delete deletes from the library.",
                crate::count(self.selection.ids.len() as u64, "image", "images")
            )
        };
        ui.label(egui::RichText::new(hint).small().weak());
        ui.separator();
        if self.data.deferred == Some(group.id) {
            // Read in the background (a very large group); shown when it comes.
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.35);
                ui.add(egui::Spinner::new().size(28.0));
                ui.label(format!(
                    "Reading {}…",
                    crate::count(group.image_count, "image", "images")
                ));
            });
            return;
        }
        if self.data.images.is_empty() {
            empty_group_ui(ui, &group.name, self.out);
            return;
        }
        self.grid_ui(ui, Some(group.id));
    }

    /// Find: what was found in the whole library, with the filters.
    fn found_ui(&mut self, ui: &mut egui::Ui) {
        let total = self.data.counts.unwrap_or_default().total;
        ui.horizontal(|ui| {
            ui.heading("Find");
            if !self.find.query.is_empty() && !self.data.is_deferred() {
                ui.label(
                    egui::RichText::new(format!(
                        "{} found of {}",
                        crate::thousands(self.data.images.len() as u64),
                        crate::count(total, "image", "images")
                    ))
                    .weak(),
                );
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.add(
                    egui::Slider::new(&mut self.view.thumb_size, THUMB_SIZES)
                        .show_value(false)
                        .text("Thumbnail size"),
                );
            });
        });
        let q = &mut self.find.query;
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new("Only:").weak());
            ui.checkbox(&mut q.missing_alt, "Missing alt text");
            ui.checkbox(&mut q.missing_title, "Missing title");
            ui.checkbox(&mut q.in_no_group, "In no group");
            let label = ui.label("Format");
            egui::ComboBox::from_id_salt("find-format")
                .selected_text(q.format.map_or("Any", Format::label))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut q.format, None, "Any");
                    for f in Format::ALL {
                        ui.selectable_value(&mut q.format, Some(f), f.label());
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.label(
            egui::RichText::new(
                "Select what was found and use it as in a group: drag it onto a group on the left (or right-click: Add to group), double-click to view; the inspector edits the details of everything selected.",
            )
            .small()
            .weak(),
        );
        ui.separator();
        let message = |ui: &mut egui::Ui, heading: &str, text: &str| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.3);
                ui.heading(heading);
                ui.label(text);
            });
        };
        if let Some(e) = &self.find.error {
            message(ui, "Could not search", e);
        } else if self.find.query.is_empty() {
            message(
                ui,
                "Find any work in the library",
                "Type in Find on the left: a word of a title, alt text or description, a medium, a year, an inventory number, a file name, or the name of a group or gallery. Or tick a filter above.",
            );
        } else if self.data.is_deferred() {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.35);
                ui.add(egui::Spinner::new().size(28.0));
                ui.label("Searching\u{2026}");
            });
        } else if self.data.images.is_empty() {
            message(
                ui,
                "Nothing found",
                if self.find.query.text.trim().is_empty() {
                    "No work matches every filter ticked."
                } else {
                    "No work matches every word typed and every filter ticked. Try fewer words, or part of a word."
                },
            );
        } else {
            self.grid_ui(ui, None);
        }
    }

    /// A pool of the whole library: every image, or those in no group.
    fn pool_ui(&mut self, ui: &mut egui::Ui, pool: Pool) {
        let counts = self.data.counts.unwrap_or_default();
        let count = match pool {
            Pool::All(_) => counts.total,
            Pool::Ungrouped => counts.ungrouped,
            Pool::Found => return self.found_ui(ui),
        };
        ui.horizontal(|ui| {
            ui.heading(pool.name());
            ui.label(egui::RichText::new(crate::count(count, "image", "images")).weak());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.add(
                    egui::Slider::new(&mut self.view.thumb_size, THUMB_SIZES)
                        .show_value(false)
                        .text("Thumbnail size"),
                );
                if let Pool::All(order) = pool {
                    for (o, label) in [
                        (LibraryOrder::Name, "By name"),
                        (LibraryOrder::Newest, "Newest first"),
                    ] {
                        if ui.selectable_label(order == o, label).clicked() && order != o {
                            self.out.act(Action::SelectPool(Pool::All(o)));
                        }
                    }
                }
            });
        });
        let hint = match pool {
            Pool::All(_) => {
                "Every image in the library, whatever groups it is in. Drag images onto a group on the left to add them there; right-click for more."
            }
            Pool::Found => "",
            Pool::Ungrouped => {
                "Images that are in no group. Drag them onto a group on the left (or right-click: Add to group) to use them; Shift+Delete deletes from the library."
            }
        };
        ui.label(egui::RichText::new(hint).small().weak());
        ui.separator();
        if self.data.deferred_pool == Some(pool) {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.35);
                ui.add(egui::Spinner::new().size(28.0));
                ui.label(format!(
                    "Reading {}…",
                    crate::count(count, "image", "images")
                ));
            });
            return;
        }
        if self.data.images.is_empty() {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.3);
                ui.heading(match pool {
                    Pool::All(_) => "The library has no images yet",
                    Pool::Ungrouped | Pool::Found => "Every image is in a group",
                });
                ui.label(match pool {
                    Pool::All(_) => "Drop image files or folders on the window to import them into a new group.",
                    Pool::Ungrouped | Pool::Found => "An image you take out of its last group, or whose group you delete, shows up here.",
                });
            });
            return;
        }
        self.grid_ui(ui, None);
    }

    /// The group's name and count, the Import buttons and the size slider:
    /// on one line when the name keeps room beside the controls (as wide as
    /// they were last frame), else on two.
    fn header_ui(&mut self, ui: &mut egui::Ui, name: &str, count: u64) {
        let measured = egui::Id::unique("folio-header-controls");
        let controls_width = ui
            .data(|d| d.get_temp::<f32>(measured))
            .unwrap_or(CONTROLS_WIDTH);
        let count = crate::count(count, "image", "images");
        let spacing = ui.spacing().item_spacing.x;
        // What the count beside the name takes.
        let count_width = ui
            .painter()
            .layout_no_wrap(
                count.clone(),
                egui::TextStyle::Body.resolve(ui.style()),
                ui.visuals().weak_text_color(),
            )
            .size()
            .x
            + spacing;
        let one_line =
            ui.available_width() >= controls_width + count_width + MIN_TITLE_WIDTH + spacing;
        // The name, cut to `width` if it must be, then its count.
        let title_ui = |ui: &mut egui::Ui, width: f32| {
            ui.scope(|ui| {
                ui.set_max_width((width - count_width).max(80.0));
                ui.add(egui::Label::new(egui::RichText::new(name).heading()).truncate());
            });
            ui.label(egui::RichText::new(&count).weak());
        };
        // Laid out from the right: Import files, Import folder, the slider.
        // Returns the width they took.
        let mut controls_ui = |ui: &mut egui::Ui| {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.add(
                    egui::Slider::new(&mut self.view.thumb_size, THUMB_SIZES)
                        .show_value(false)
                        .text("Thumbnail size"),
                );
                for c in [Command::ImportFolder, Command::ImportFiles] {
                    command_button_ui(ui, c, self.out);
                }
            })
            .response
            .rect
            .width()
        };
        let width = if one_line {
            ui.horizontal(|ui| {
                let room = ui.available_width() - controls_width - spacing;
                title_ui(ui, room);
                controls_ui(ui)
            })
            .inner
        } else {
            ui.horizontal(|ui| title_ui(ui, ui.available_width() - 90.0));
            ui.horizontal(|ui| controls_ui(ui)).inner
        };
        if (width - controls_width).abs() > 0.5 {
            ui.data_mut(|d| d.insert_temp(measured, width));
            ui.ctx().request_repaint();
        }
    }

    /// The grid of the shown images; `group` is the group they are of
    /// (`None`: a pool of the library, which has no order of its own).
    fn grid_ui(&mut self, ui: &mut egui::Ui, group: Option<GroupId>) {
        let cell = self.view.thumb_size;
        let caption = if self.view.captions == Captions::None {
            0.0
        } else {
            CAPTION
        };
        let pitch = vec2(cell + GAP, cell + caption + GAP);
        let cols = (((ui.available_width() - 12.0 + GAP) / pitch.x).floor() as usize).max(1);
        let rows = self.data.images.len().div_ceil(cols);
        let dragging = self.drag.is_some();
        let mut events = Vec::new();
        let mut raster = None;
        let mut area = egui::ScrollArea::vertical().auto_shrink([false, false]);
        if std::mem::take(&mut self.geometry.reveal)
            && let Some(i) = self
                .selection
                .focus
                .and_then(|f| self.data.index.get(&f).copied())
        {
            // Scroll just enough that the image a key went to is in view.
            let top = (i / cols) as f32 * pitch.y;
            let g = *self.geometry;
            let offset = if top < g.offset {
                Some(top)
            } else if top + pitch.y > g.offset + g.height {
                Some(top + pitch.y - g.height)
            } else {
                None
            };
            if let Some(offset) = offset {
                area = area.vertical_scroll_offset(offset.max(0.0));
            }
        }
        let output = ui.scope(|ui| {
            ui.spacing_mut().item_spacing = vec2(0.0, 0.0);
            area.show_rows(ui, pitch.y, rows, |ui, visible| {
                let viewport = ui.clip_rect();
                if dragging {
                    edge_scroll_ui(ui, viewport);
                }
                for row in visible.clone() {
                    let (row_rect, _) = ui
                        .allocate_exact_size(vec2(cols as f32 * pitch.x, pitch.y), Sense::hover());
                    if row == visible.start {
                        raster = Some(Raster {
                            origin: row_rect.left_top() - vec2(0.0, row as f32 * pitch.y),
                            pitch,
                            cols,
                            len: self.data.images.len(),
                            viewport,
                        });
                    }
                    let first = row * cols;
                    let last = (first + cols).min(self.data.images.len());
                    for (col, img) in self.data.images[first..last].iter().enumerate() {
                        let rect = Rect::from_min_size(
                            row_rect.left_top() + vec2(col as f32 * pitch.x + GAP / 2.0, GAP / 2.0),
                            vec2(cell, cell + caption),
                        );
                        self.cell_ui(ui, img, rect, group, &mut events);
                    }
                }
            })
        });
        let height = output.inner.inner_rect.height();
        *self.geometry = Geometry {
            cols,
            rows_visible: ((height / pitch.y).floor() as usize).max(1),
            offset: output.inner.state.clamped_offset().y,
            height,
            reveal: false,
        };
        for event in events {
            self.cell_event(event, group);
        }
        self.drag_ui(ui, raster);
    }

    /// One thumbnail with its caption: clicks, drags and its menu become events.
    fn cell_ui(
        &mut self,
        ui: &mut egui::Ui,
        img: &Image,
        rect: Rect,
        group: Option<GroupId>,
        events: &mut Vec<CellEvent>,
    ) {
        let id = egui::Id::unique(("grid-cell", img.id.0));
        let resp = ui.interact(rect, id, Sense::click_and_drag());
        let selected = self.selection.ids.contains(&img.id);
        let label = img.label().to_string();
        resp.widget_info(|| WidgetInfo::selected(Role::Image, true, selected, &label));
        let caption = self.view.captions.of(img).to_string();
        if resp.double_clicked() {
            events.push(CellEvent::DoubleClick(img.id));
        } else if resp.clicked() {
            events.push(CellEvent::Click(img.id, ui.input(|i| i.modifiers)));
        }
        if resp.drag_started() {
            events.push(CellEvent::DragStart(img.id));
        }
        if resp.secondary_clicked() {
            events.push(CellEvent::Secondary(img.id));
        }
        let data = self.data;
        resp.context_menu(|ui| {
            let id = img.id;
            let item = |ui: &mut egui::Ui, events: &mut Vec<CellEvent>, c: Command| {
                if ui.button(c.label()).clicked() {
                    events.push(CellEvent::Menu(id, c));
                    ui.close();
                }
            };
            item(ui, events, Command::OpenViewer);
            item(ui, events, Command::ShowInFileManager);
            item(ui, events, Command::ExportOriginal);
            ui.separator();
            let moves: &[bool] = if group.is_some() {
                &[false, true]
            } else {
                &[false]
            };
            for &mv in moves {
                let title = if mv { "Move to group" } else { "Add to group" };
                ui.menu_button(title, |ui| {
                    egui::ScrollArea::vertical()
                        .max_height(360.0)
                        .show(ui, |ui| {
                            let others = data.groups.iter().filter(|g| Some(g.id) != group);
                            // Where the image already is, when the inspector
                            // has read it (the image right-clicked is selected).
                            let holds = |g: GroupId| {
                                data.usage.as_ref().is_some_and(|(u, usage)| {
                                    *u == id && usage.groups.iter().any(|(x, _)| *x == g)
                                })
                            };
                            let mut any = false;
                            for g in others {
                                any = true;
                                let label = if holds(g.id) {
                                    format!("{}  (already in it)", g.name)
                                } else {
                                    g.name.clone()
                                };
                                if ui.button(label).clicked() {
                                    events.push(CellEvent::ToGroup(id, g.id, mv));
                                    ui.close();
                                }
                            }
                            if !any {
                                ui.label(egui::RichText::new("No other group yet").weak());
                            }
                        });
                });
            }
            item(ui, events, Command::Copy);
            if group.is_some() {
                item(ui, events, Command::Cut);
            }
            ui.separator();
            if group.is_some() && ui.button("Remove from this group").clicked() {
                events.push(CellEvent::Menu(id, Command::RemoveFromGroup));
                ui.close();
            }
            item(ui, events, Command::DeleteFromLibrary);
        });
        let files = self.files;
        let thumb = self
            .textures
            .get(img.id, Size::Grid, || Source::of(files, img));
        let dimmed = self.cut.is_some_and(|c| c.contains(&img.id));
        let cell = self.view.thumb_size;
        paint_cell_ui(ui, rect, cell, &thumb, (selected, resp.hovered(), dimmed));
        if !caption.is_empty() && ui.is_rect_visible(rect) {
            // A label, cut short with the whole of it on hover.
            let colour = if selected {
                ui.visuals().strong_text_color()
            } else {
                ui.visuals().weak_text_color()
            };
            let under = Rect::from_min_size(
                egui::pos2(rect.left(), rect.top() + cell + 2.0),
                vec2(cell, CAPTION - 2.0),
            );
            ui.scope_builder(
                egui::UiBuilder::new()
                    .max_rect(under)
                    .layout(egui::Layout::top_down(egui::Align::Center)),
                |ui| {
                    ui.add(
                        egui::Label::new(egui::RichText::new(caption).size(12.0).color(colour))
                            .truncate()
                            .selectable(false),
                    );
                },
            );
        }
    }

    fn cell_event(&mut self, event: CellEvent, group: Option<GroupId>) {
        let select = |s: &mut Selection, id: ImageId| {
            if !s.ids.contains(&id) {
                *s = Selection::only(id);
            }
        };
        match event {
            CellEvent::Click(id, m) => self.click(id, m),
            CellEvent::DoubleClick(id) => {
                *self.selection = Selection::only(id);
                *self.viewer = true;
            }
            CellEvent::DragStart(id) => {
                select(self.selection, id);
                *self.drag = Some(GridDrag {
                    group,
                    ids: self.data.in_order(&self.selection.ids),
                    over: None,
                    dropped: false,
                    hint: None,
                });
            }
            CellEvent::Secondary(id) => select(self.selection, id),
            CellEvent::Menu(id, c) => {
                select(self.selection, id);
                self.out.command(c);
            }
            CellEvent::ToGroup(id, to, mv) => {
                select(self.selection, id);
                let ids = self.data.in_order(&self.selection.ids);
                self.out.act(match group {
                    Some(from) if mv => Action::MoveToGroup {
                        from,
                        to,
                        ids,
                        before: None,
                    },
                    _ => Action::AddToGroup {
                        group: to,
                        ids,
                        before: None,
                    },
                });
            }
        }
    }

    fn click(&mut self, id: ImageId, m: egui::Modifiers) {
        let s = &mut *self.selection;
        if m.shift {
            let anchor = s.anchor.and_then(|a| self.data.index.get(&a).copied());
            let here = self.data.index.get(&id).copied();
            if let (Some(a), Some(b)) = (anchor, here) {
                let range = a.min(b)..=a.max(b);
                if !m.command {
                    s.ids.clear();
                }
                s.ids.extend(self.data.images[range].iter().map(|i| i.id));
                s.focus = Some(id);
                return;
            }
        }
        if m.command {
            if s.ids.remove(&id) {
                // Taken out: the inspector shows (and edits) only what is
                // still selected, the nearest before it first.
                let here = self.data.index.get(&id).copied().unwrap_or(0);
                let near = |o: &ImageId| {
                    let i = self.data.index.get(o).copied().unwrap_or(usize::MAX);
                    (i > here, i.abs_diff(here))
                };
                s.focus = s.ids.iter().min_by_key(|o| near(o)).copied();
            } else {
                s.ids.insert(id);
                s.focus = Some(id);
            }
            s.anchor = Some(id);
        } else {
            *s = Selection::only(id);
        }
    }

    /// The drop marker while a drag is held; the move when it is let go.
    /// Over a group in the sidebar, the sidebar takes the drop.
    fn drag_ui(&mut self, ui: &egui::Ui, raster: Option<Raster>) {
        let Some(drag) = &*self.drag else { return };
        if drag.dropped {
            *self.drag = None;
            ui.ctx().request_repaint();
            return;
        }
        let (released, pointer, shift) = ui.input(|i| {
            (
                i.pointer.any_released() || !i.pointer.any_down(),
                i.pointer.interact_pos(),
                i.modifiers.shift,
            )
        });
        // Only a group's own images are reordered, and not while over the sidebar.
        let reorder = drag.group.filter(|_| drag.over.is_none());
        let marker = match (raster, pointer, reorder) {
            (Some(r), Some(p), Some(_)) if r.viewport.expand(SCROLL_EDGE).contains(p) => {
                Some((r, r.marker(p)))
            }
            _ => None,
        };
        if released {
            if let (Some((_, (index, _, _))), Some(group)) = (marker, reorder)
                && !self.data.is_noop_move(&drag.ids, index)
            {
                let before = self.data.images.get(index).map(|i| i.id);
                self.out.act(Action::MoveImages {
                    group,
                    ids: drag.ids.clone(),
                    before,
                });
            }
            *self.drag = None;
            // The drag's label goes at once.
            ui.ctx().request_repaint();
            return;
        }
        let painter = ui.ctx().layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("grid-drag"),
        ));
        if let Some((r, (_, row, col))) = marker {
            let x = r.origin.x + col as f32 * r.pitch.x;
            let top = r.origin.y + row as f32 * r.pitch.y + GAP / 2.0;
            let clip = painter.with_clip_rect(r.viewport);
            clip.line_segment(
                [egui::pos2(x, top), egui::pos2(x, top + r.pitch.y - GAP)],
                Stroke::new(4.0, ui.visuals().selection.stroke.color),
            );
        }
        if let Some(p) = pointer {
            let n = crate::count(drag.ids.len() as u64, "image", "images");
            let text = match (&drag.over, drag.group) {
                (Some((_, name)), Some(_)) if shift => {
                    format!("Move {n} to \u{201c}{name}\u{201d}")
                }
                (Some((_, name)), _) => format!(
                    "Add {n} to \u{201c}{name}\u{201d}{}",
                    if drag.group.is_some() {
                        "  (Shift: move)"
                    } else {
                        ""
                    }
                ),
                (None, _) if drag.hint.is_some() => drag.hint.clone().unwrap_or_default(),
                (None, Some(_)) => format!("Moving {n}"),
                (None, None) => format!("Drop {n} on a group to add them there"),
            };
            pointer_label(&painter, p, text);
        }
    }

    fn welcome_ui(&mut self, ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.add_space((ui.available_height() * 0.12).min(80.0));
            ui.heading(egui::RichText::new("Welcome to Folio").size(28.0));
            ui.add_space(6.0);
            ui.label("Your portfolio: galleries built from reusable, hand-ordered image groups.");
            ui.add_space(18.0);
        });
        let width = ui.available_width().min(560.0);
        ui.horizontal(|ui| {
            ui.add_space((ui.available_width() - width).max(0.0) / 2.0);
            ui.vertical(|ui| {
                ui.set_width(width);
                let steps = [
                    (
                        "1. Make a gallery",
                        "An exhibition, a project, a client portfolio.",
                        Some(Command::NewGallery),
                    ),
                    (
                        "2. Give it image groups, each with a type",
                        "A group is a named set of images, such as \u{201c}Summer lookbook\u{201d}. Its type says what it is for in this gallery: main exhibit, behind the scenes, sketches, or your own words. One group can be used in many galleries.",
                        Some(Command::NewGroup),
                    ),
                    (
                        "3. Bring images in",
                        "Drop image files or folders anywhere on this window, or use Import. Files are copied into the library; your originals are never changed.",
                        None,
                    ),
                    (
                        "4. Put them in order, and reuse them",
                        "Drag thumbnails to where they belong; the order is saved at once. Drag them onto another group on the left to use them there too: each file is stored once.",
                        None,
                    ),
                ];
                for (title, text, command) in steps {
                    ui.label(egui::RichText::new(title).strong().size(16.0));
                    ui.label(text);
                    if let Some(c) = command {
                        command_button_ui(ui, c, self.out);
                    }
                    ui.add_space(12.0);
                }
                ui.separator();
                ui.label("Or look around first: a sample portfolio shows each way of using typed groups.");
                command_button_ui(ui, Command::AddSamplePortfolio, self.out);
                ui.add_space(12.0);
                ui.label(
                    egui::RichText::new(format!(
                        "Library: {}   ·   Press F1 for keyboard shortcuts.",
                        self.root.display()
                    ))
                    .small()
                    .weak(),
                );
            });
        });
    }

    fn no_group_ui(&mut self, ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.3);
            match self.view.gallery().and_then(|g| self.data.gallery(g)) {
                Some(gallery) if self.data.links.is_empty() => {
                    ui.heading(format!("\u{201c}{}\u{201d} has no groups yet", gallery.name));
                    ui.label("Attach an image group to it and say what the group is for in this gallery.");
                    ui.add_space(8.0);
                    for c in [Command::AttachGroup, Command::NewGroup] {
                        command_button_ui(ui, c, self.out);
                    }
                }
                _ => {
                    ui.heading("Pick a group");
                    ui.label("Choose a group on the left to see its images, or drop files here to import them into a new group.");
                }
            }
        });
    }
}

/// Scrolls while a drag is held near the top or bottom edge of `viewport`.
fn edge_scroll_ui(ui: &mut egui::Ui, viewport: Rect) {
    let Some(p) = ui.ctx().pointer_interact_pos() else {
        return;
    };
    let near = |edge: f32| p.y > edge - SCROLL_EDGE && p.y < edge + SCROLL_EDGE;
    if near(viewport.top()) {
        ui.scroll_with_delta(vec2(0.0, 12.0));
        ui.ctx().request_repaint();
    } else if near(viewport.bottom()) {
        ui.scroll_with_delta(vec2(0.0, -12.0));
        ui.ctx().request_repaint();
    }
}

/// A label that follows the pointer while something is dragged.
pub fn pointer_label(painter: &egui::Painter, pointer: Pos2, text: String) {
    let galley = painter.layout_no_wrap(text, egui::FontId::proportional(14.0), Color32::WHITE);
    let rect = Rect::from_min_size(pointer + vec2(16.0, 8.0), galley.size()).expand(6.0);
    painter.rect_filled(rect, 4.0, Color32::from_rgb(50, 90, 160));
    painter.galley(rect.min + vec2(6.0, 6.0), galley, Color32::WHITE);
}

/// While files from the file manager hover over the window: where they would go.
pub fn drop_overlay(ctx: &egui::Context, data: &Data, view: &View) {
    let hovering = ctx.input(|i| i.raw.hovered_files.len());
    if hovering == 0 {
        return;
    }
    let text = match view.group().and_then(|g| data.group(g)) {
        Some(g) => format!(
            "Drop to import {} into \u{201c}{}\u{201d}",
            crate::count(hovering as u64, "item", "items"),
            g.name
        ),
        None => "Drop to import into a new group".to_string(),
    };
    let layer = egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("drop-overlay"));
    let painter = ctx.layer_painter(layer);
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(170));
    painter.rect_stroke(
        rect.shrink(12.0),
        12.0,
        Stroke::new(3.0, Color32::from_rgb(120, 170, 255)),
        egui::StrokeKind::Inside,
    );
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::proportional(26.0),
        Color32::WHITE,
    );
}

fn empty_group_ui(ui: &mut egui::Ui, name: &str, out: &mut Outbox) {
    let rect = ui.available_rect_before_wrap().shrink(24.0);
    ui.painter().rect_stroke(
        rect,
        12.0,
        Stroke::new(2.0, ui.visuals().weak_text_color()),
        egui::StrokeKind::Inside,
    );
    ui.vertical_centered(|ui| {
        ui.add_space(rect.height() * 0.35);
        ui.heading(format!("\u{201c}{name}\u{201d} is empty"));
        ui.label("Drop images or folders anywhere on this window to import them into this group.");
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            ui.add_space((ui.available_width() - 240.0).max(0.0) / 2.0);
            for c in [Command::ImportFiles, Command::ImportFolder] {
                command_button_ui(ui, c, out);
            }
        });
    });
}

fn paint_cell_ui(
    ui: &egui::Ui,
    rect: Rect,
    cell: f32,
    thumb: &Thumb<'_>,
    (selected, hovered, dimmed): (bool, bool, bool),
) {
    if !ui.is_rect_visible(rect) {
        return;
    }
    let painter = ui.painter();
    let square = Rect::from_min_size(rect.min, vec2(cell, cell));
    painter.rect_filled(square, 6.0, ui.visuals().extreme_bg_color);
    match thumb {
        Thumb::Ready(texture) => {
            let size = texture.size_vec2();
            let scale = (cell - 8.0) / size.x.max(size.y);
            let shown = Rect::from_center_size(square.center(), size * scale);
            // A cut image is shown faded until it is pasted.
            let tint = if dimmed {
                Color32::from_white_alpha(90)
            } else {
                Color32::WHITE
            };
            painter.image(
                texture.id(),
                shown,
                Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                tint,
            );
        }
        Thumb::Loading => {
            painter.rect_filled(square.shrink(cell * 0.2), 4.0, ui.visuals().faint_bg_color);
        }
        Thumb::Failed(_) => {
            painter.text(
                square.center(),
                egui::Align2::CENTER_CENTER,
                "cannot show",
                egui::FontId::proportional(13.0),
                ui.visuals().error_fg_color,
            );
        }
    }
    if selected {
        painter.rect_stroke(
            square,
            6.0,
            Stroke::new(3.0, ui.visuals().selection.stroke.color),
            egui::StrokeKind::Inside,
        );
    } else if hovered {
        painter.rect_stroke(
            square,
            6.0,
            Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Inside,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raster(cols: usize, len: usize) -> Raster {
        Raster {
            origin: egui::pos2(0.0, 0.0),
            pitch: vec2(100.0, 120.0),
            cols,
            len,
            viewport: Rect::from_min_size(egui::pos2(0.0, 0.0), vec2(1000.0, 1000.0)),
        }
    }

    #[test]
    fn marker_follows_the_nearest_gap() {
        let r = raster(4, 10);
        assert_eq!(
            r.marker(egui::pos2(10.0, 10.0)).0,
            0,
            "left half of the first cell"
        );
        assert_eq!(
            r.marker(egui::pos2(60.0, 10.0)).0,
            1,
            "right half of the first cell"
        );
        assert_eq!(
            r.marker(egui::pos2(390.0, 10.0)).0,
            4,
            "end of the first row"
        );
        assert_eq!(
            r.marker(egui::pos2(10.0, 130.0)).0,
            4,
            "start of the second row"
        );
        assert_eq!(
            r.marker(egui::pos2(260.0, 250.0)),
            (10, 2, 2),
            "past the end: after the last"
        );
        assert_eq!(
            r.marker(egui::pos2(10.0, 900.0)).0,
            10,
            "below the last row"
        );
        assert_eq!(r.marker(egui::pos2(-50.0, -50.0)).0, 0, "above the grid");
    }
}
