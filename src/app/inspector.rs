//! The right panel (the selected image, the work's details and alt text to
//! edit, the file's facts, where it is used) and the full-window viewer.

use eframe::egui::{self, Color32, Rect, vec2};

use super::action::Action;
use super::command::Command;
use super::data::{Data, type_label};
use super::menu::command_button_ui;
use super::session::Files;
use super::state::{DetailsEdit, Notice, Outbox, Selection};
use super::textures::{Size, Source, Textures, Thumb};
use crate::core::ImageId;
use crate::core::model::details::Field;
use crate::core::model::images::Image;

/// The right panel, with what it reads and what it may change.
pub struct Inspector<'a> {
    pub data: &'a Data,
    pub files: &'a Files,
    pub selection: &'a Selection,
    /// The selected images' details and alt text as typed.
    pub form: &'a mut DetailsEdit,
    /// The snapshot's generation: the form is read again when it changed
    /// (and nothing is being typed).
    pub generation: u64,
    pub viewer: &'a mut bool,
    pub textures: &'a mut Textures,
    pub out: &'a mut Outbox,
}

impl Inspector<'_> {
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let focus = self
            .selection
            .focus
            .filter(|f| self.data.index.contains_key(f));
        self.follow_selection(focus);
        let Some(img) = focus.and_then(|f| self.data.image(f)) else {
            ui.add_space(8.0);
            ui.heading("Inspector");
            ui.label(
                egui::RichText::new(
                    "Select an image to see its details and write its title, year, medium and alt text.",
                )
                .weak(),
            );
            return;
        };
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.add_space(6.0);
                self.several_ui(ui);
                self.preview_ui(ui, img);
                // The original itself: read-only in the library, so a copy
                // is what an editor gets.
                ui.horizontal_wrapped(|ui| {
                    for c in [Command::ShowInFileManager, Command::ExportOriginal] {
                        command_button_ui(ui, c, self.out);
                    }
                });
                ui.add_space(8.0);
                self.details_ui(ui);
                ui.add_space(8.0);
                facts_ui(ui, img);
                ui.add_space(8.0);
                self.usage_ui(ui, img.id);
            });
    }

    /// Another selection (or none): what was typed for the last one is
    /// saved, and the form is read for the new one; the same selection is
    /// read again when the snapshot changed and nothing is being typed.
    fn follow_selection(&mut self, focus: Option<ImageId>) {
        let same = self.form.is_for(&self.selection.ids) && self.form.ids.last() == focus.as_ref();
        if same {
            if self.form.generation != self.generation {
                self.form.reread(self.data, self.generation);
            }
            return;
        }
        if !same {
            for save in self.form.flush_all() {
                self.out.act(save);
            }
            // What could not be saved is said, not dropped in silence.
            for f in &self.form.fields {
                if let Some(why) = &f.error
                    && f.text.trim() != f.saved.trim()
                {
                    self.out.notices.push(Notice::error(format!(
                        "{} was not saved: {why}.",
                        f.field.label()
                    )));
                }
            }
        }
        let Some(focus) = focus else {
            *self.form = DetailsEdit::default();
            return;
        };
        let mut ids: Vec<(usize, ImageId)> = self
            .selection
            .ids
            .iter()
            .filter(|id| **id != focus)
            .filter_map(|id| self.data.index.get(id).map(|&i| (i, *id)))
            .collect();
        ids.sort_unstable();
        let mut ids: Vec<ImageId> = ids.into_iter().map(|(_, id)| id).collect();
        ids.push(focus);
        let mut form = DetailsEdit::read(ids, self.data, self.generation);
        // The set the selection is, so that it is not read again next frame
        // (the selection may hold ids that are not shown).
        form.set_ids(&self.selection.ids);
        *self.form = form;
    }

    /// With several images selected: say so, and offer what applies to all.
    fn several_ui(&mut self, ui: &mut egui::Ui) {
        let n = self.selection.ids.len();
        if n < 2 {
            return;
        }
        ui.label(
            egui::RichText::new(format!(
                "{} selected. The details below apply to all of them; a field they differ in says \u{201c}several values\u{201d}. The preview and the file's facts are of the last one clicked.",
                crate::count(n as u64, "image", "images")
            ))
            .weak(),
        );
        ui.horizontal_wrapped(|ui| {
            for c in [Command::RemoveFromGroup, Command::DeleteFromLibrary] {
                command_button_ui(ui, c, self.out);
            }
        });
        ui.separator();
    }

    fn preview_ui(&mut self, ui: &mut egui::Ui, img: &Image) {
        let width = ui.available_width();
        let aspect = img.height.max(1) as f32 / img.width.max(1) as f32;
        let height = (width * aspect).min(width * 1.25);
        let (rect, resp) = ui.allocate_exact_size(vec2(width, height), egui::Sense::click());
        if resp.double_clicked() {
            *self.viewer = true;
        }
        let files = self.files;
        match self
            .textures
            .get(img.id, Size::Preview, || Source::of(files, img))
        {
            Thumb::Ready(t) => paint_fit_ui(ui, t, rect),
            Thumb::Loading | Thumb::Failed(_) => {
                ui.painter()
                    .rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
            }
        }
        if let Some(reason) = self.textures.failure(img.id) {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Cannot show this image: {reason}"),
            );
        }
    }

    /// The work's details and the alt text, each saved when left.
    fn details_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(egui::RichText::new("Work").strong());
        egui::Grid::new("details")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .min_col_width(64.0)
            .show(ui, |ui| {
                for (field, hint) in [
                    (Field::Title, "No title yet"),
                    (Field::Year, "2024, c. 1990, 2019\u{2013}2021"),
                ] {
                    self.row_ui(ui, field, hint, false);
                }
                self.sort_year_ui(ui);
                self.row_ui(ui, Field::Medium, "Oil on linen", false);
                self.dimensions_ui(ui);
                for (field, hint) in [
                    (Field::DimensionsText, "Dimensions variable"),
                    (Field::Edition, "3/10, 2 AP"),
                    (Field::InventoryNumber, "The number in your records"),
                    (Field::Credit, "\u{a9} 2024 the artist; courtesy of\u{2026}"),
                ] {
                    self.row_ui(ui, field, hint, false);
                }
                self.row_ui(ui, Field::Description, "What the work is about", true);
            });
        ui.add_space(8.0);
        let label = ui.label(egui::RichText::new("Alt text").strong());
        self.field_ui(
            ui,
            Field::AltText,
            "Describe the image for people who cannot see it",
            true,
            f32::INFINITY,
            label.id,
        );
    }

    /// A row of the details grid: the field's name, and the field.
    fn row_ui(&mut self, ui: &mut egui::Ui, field: Field, hint: &str, multiline: bool) {
        let name = match field {
            Field::DimensionsText => "Or in words",
            Field::InventoryNumber => "Inventory no.",
            f => f.label(),
        };
        let label = ui.label(name);
        self.field_ui(ui, field, hint, multiline, f32::INFINITY, label.id);
        ui.end_row();
    }

    /// One text field of the form, labelled by `label`: "several values" when
    /// the selected images differ, its error under it, saved when left.
    fn field_ui(
        &mut self,
        ui: &mut egui::Ui,
        field: Field,
        hint: &str,
        multiline: bool,
        width: f32,
        label: egui::Id,
    ) {
        // The field's id names the image too: the text field's own undo
        // (Ctrl+Z while typing) never brings back what was typed for another.
        let image = self.form.ids.last().map(|i| i.0);
        let edit = self.form.field_mut(field);
        let hint = if edit.mixed { "several values" } else { hint };
        let error = edit.error.clone();
        let left = ui
            .vertical(|ui| {
                let text = if multiline {
                    egui::TextEdit::multiline(&mut edit.text).desired_rows(3)
                } else {
                    egui::TextEdit::singleline(&mut edit.text)
                };
                // Each field its own id, so that an error appearing above
                // one does not take the keyboard from it.
                let resp = ui
                    .add(
                        text.id_salt(("folio-detail", field.column(), image))
                            // In italics: an example, not a value already there.
                            .hint_text(egui::RichText::new(hint).italics())
                            .desired_width(width),
                    )
                    .labelled_by(label);
                if let Some(why) = &error {
                    // Wrapped to the field's width: the panel keeps its size.
                    ui.set_max_width(resp.rect.width().max(120.0));
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(why)
                                .small()
                                .color(ui.visuals().error_fg_color),
                        )
                        .wrap(),
                    );
                }
                // Esc gives up what was typed; anything else that leaves saves it.
                let escaped = ui.input(|i| i.key_pressed(egui::Key::Escape));
                (resp.lost_focus(), escaped)
            })
            .inner;
        match left {
            (true, true) => self.form.revert(field),
            (true, false) => {
                if let Some(save) = self.form.flush(field) {
                    self.out.act(save);
                }
            }
            _ => {}
        }
    }

    /// The sort year, derived from the year (and set by hand when it must
    /// differ).
    fn sort_year_ui(&mut self, ui: &mut egui::Ui) {
        let label = ui
            .label(Field::YearSort.label())
            .on_hover_text("The year the work sorts by: taken from the year as written; set it when it must differ.");
        self.field_ui(ui, Field::YearSort, "from the year", false, 80.0, label.id);
        ui.end_row();
    }

    /// The unit, then height, width and depth in it, and the line they make
    /// in both units.
    fn dimensions_ui(&mut self, ui: &mut egui::Ui) {
        let label = ui.label(Field::Unit.label());
        self.unit_ui(ui, label.id);
        ui.end_row();
        let unit = self.form.unit();
        for field in [Field::Height, Field::Width, Field::Depth] {
            let label = ui.label(field.label());
            ui.horizontal(|ui| {
                self.field_ui(ui, field, "", false, 80.0, label.id);
                ui.label(egui::RichText::new(&unit).weak());
            });
            ui.end_row();
        }
        let mixed = [
            Field::Height,
            Field::Width,
            Field::Depth,
            Field::Unit,
            Field::DimensionsText,
        ]
        .iter()
        .any(|f| self.form.field(*f).mixed);
        if let Some(line) = self.form.shown_dimensions().filter(|_| !mixed) {
            ui.label("");
            ui.label(egui::RichText::new(line).small().weak());
            ui.end_row();
        }
    }

    /// The unit: chosen from two; saved at once when there are dimensions.
    fn unit_ui(&mut self, ui: &mut egui::Ui, label: egui::Id) {
        let unit = self.form.unit();
        let mixed = self.form.field(Field::Unit).mixed;
        // Only a choice made in the list changes anything (showing a
        // selection whose units differ must not).
        let mut picked = None;
        egui::ComboBox::from_id_salt("unit")
            .width(48.0)
            .selected_text(if mixed { "several" } else { unit.as_str() })
            .show_ui(ui, |ui| {
                for u in ["cm", "in"] {
                    if ui.selectable_label(!mixed && unit == u, u).clicked() {
                        picked = Some(u);
                    }
                }
            })
            .response
            .labelled_by(label)
            .on_hover_text("The unit the numbers below are in. Changing it keeps the numbers as written: it says what they measure.");
        if let Some(u) = picked.filter(|u| mixed || *u != unit) {
            self.form.field_mut(Field::Unit).text = u.to_string();
            if let Some(save) = self.form.flush_unit() {
                self.out.act(save);
            }
        }
    }

    /// The groups and galleries the image is in (read after the frame that
    /// selected it: see `Session::read_usage`).
    fn usage_ui(&mut self, ui: &mut egui::Ui, id: ImageId) {
        let Some((_, usage)) = self.data.usage.as_ref().filter(|(u, _)| *u == id) else {
            return;
        };
        ui.label(egui::RichText::new("In groups").strong());
        if usage.groups.is_empty() {
            ui.label(
                egui::RichText::new(
                    "None: it is under \u{201c}Not in any group\u{201d}. Drag it onto a group on the left to use it.",
                )
                .weak(),
            );
            return;
        }
        for (group, name) in &usage.groups {
            if ui.link(name).on_hover_text("Show this group").clicked() {
                self.out.act(Action::SelectGroup(Some(*group)));
            }
        }
        ui.add_space(6.0);
        ui.label(egui::RichText::new("In galleries").strong());
        if usage.links.is_empty() {
            ui.label(egui::RichText::new("None yet: its groups are in no gallery.").weak());
        }
        for link in &usage.links {
            ui.label(format!(
                "{}: {} ({})",
                link.gallery_name,
                link.group_name,
                type_label(&link.link_type)
            ));
        }
    }
}

/// The file's facts: name, pixels, size, format, when it was imported.
fn facts_ui(ui: &mut egui::Ui, img: &Image) {
    egui::Grid::new("facts")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            let fact = |ui: &mut egui::Ui, name: &str, value: String| {
                ui.label(egui::RichText::new(name).weak());
                ui.add(egui::Label::new(value).wrap());
                ui.end_row();
            };
            fact(ui, "File name", img.original_name.clone());
            fact(ui, "Pixels", format!("{} × {}", img.width, img.height));
            fact(ui, "Size", human_bytes(img.byte_size));
            fact(ui, "Format", img.format.label().to_string());
            fact(ui, "Imported", format!("{} UTC", img.created_at));
        });
}

/// The `focus`ed image full-window: ←/→ step, Esc closes (`open` false).
pub fn viewer_ui(
    ctx: &egui::Context,
    data: &Data,
    files: &Files,
    focus: Option<ImageId>,
    open: &mut bool,
    textures: &mut Textures,
    out: &mut Outbox,
) {
    let Some(img) = focus.and_then(|f| data.image(f)) else {
        *open = false;
        return;
    };
    let position = data.index.get(&img.id).copied().unwrap_or(0);
    let total = data.images.len();
    let screen = ctx.content_rect();
    egui::Area::new(egui::Id::unique("viewer"))
        .order(egui::Order::Foreground)
        .fixed_pos(screen.min)
        .show(ctx, |ui| {
            ui.set_min_size(screen.size());
            ui.painter()
                .rect_filled(screen, 0.0, Color32::from_gray(12));
            let image_rect =
                Rect::from_min_max(screen.min + vec2(16.0, 48.0), screen.max - vec2(16.0, 16.0));
            let (text, colour) =
                match textures.get(img.id, Size::Preview, || Source::of(files, img)) {
                    Thumb::Ready(t) => {
                        paint_fit_ui(ui, t, image_rect);
                        (String::new(), Color32::GRAY)
                    }
                    Thumb::Loading => ("Loading…".to_string(), Color32::GRAY),
                    Thumb::Failed(why) => {
                        (format!("Cannot show this image: {why}"), Color32::LIGHT_RED)
                    }
                };
            ui.painter().text(
                image_rect.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(17.0),
                colour,
            );
            let bar = Rect::from_min_size(
                screen.min + vec2(12.0, 8.0),
                vec2(screen.width() - 24.0, 32.0),
            );
            ui.scope_builder(egui::UiBuilder::new().max_rect(bar), |ui| {
                ui.horizontal(|ui| {
                    ui.visuals_mut().override_text_color = Some(Color32::WHITE);
                    if ui.button("× Close").on_hover_text("Esc").clicked() {
                        *open = false;
                    }
                    if ui
                        .add_enabled(position > 0, egui::Button::new("< Previous"))
                        .on_hover_text("Left arrow")
                        .clicked()
                    {
                        out.command(Command::SelectPrevious);
                    }
                    if ui
                        .add_enabled(position + 1 < total, egui::Button::new("Next >"))
                        .on_hover_text("Right arrow")
                        .clicked()
                    {
                        out.command(Command::SelectNext);
                    }
                    ui.label(format!("{} / {total}   {}", position + 1, img.label()));
                });
            });
        });
}

/// Paints a texture as large as fits in `rect`, centred, keeping its shape.
fn paint_fit_ui(ui: &egui::Ui, texture: &egui::TextureHandle, rect: Rect) {
    let size = texture.size_vec2();
    let scale = (rect.width() / size.x).min(rect.height() / size.y);
    let shown = Rect::from_center_size(rect.center(), size * scale);
    ui.painter().image(
        texture.id(),
        shown,
        Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
        Color32::WHITE,
    );
}

/// "12.4 MB (12,412,345 bytes)".
pub fn human_bytes(bytes: u64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    let grouped = crate::thousands(bytes);
    if unit == 0 {
        format!("{grouped} bytes")
    } else {
        format!("{value:.1} {} ({grouped} bytes)", units[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn sizes_read_in_words() {
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(12_412_345), "12.4 MB (12,412,345 bytes)");
        assert_eq!(human_bytes(1_000), "1.0 KB (1,000 bytes)");
    }
}
