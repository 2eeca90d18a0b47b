//! The right panel (what the selected image is, where it is used, its alt
//! text) and the full-window viewer.

use eframe::egui::{self, Color32, Rect, vec2};

use super::action::Action;
use super::command::Command;
use super::data::{Data, type_label};
use super::menu::command_button_ui;
use super::session::Files;
use super::state::{AltEdit, Outbox, Selection};
use super::textures::{Size, Source, Textures, Thumb};
use crate::core::ImageId;
use crate::core::model::images::Image;

/// The right panel, with what it reads and what it may change.
pub struct Inspector<'a> {
    pub data: &'a Data,
    pub files: &'a Files,
    pub selection: &'a Selection,
    pub alt: &'a mut AltEdit,
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
        // Another image (or none) is shown now: keep what was typed for the last one.
        if self.alt.image != focus {
            if let Some(save) = self.alt.flush() {
                self.out.act(save);
            }
            let text = focus
                .and_then(|f| self.data.image(f))
                .and_then(|i| i.alt_text.clone())
                .unwrap_or_default();
            *self.alt = AltEdit {
                image: focus,
                saved: text.clone(),
                text,
            };
        }
        let Some(img) = focus.and_then(|f| self.data.image(f)) else {
            ui.add_space(8.0);
            ui.heading("Inspector");
            ui.label(
                egui::RichText::new("Select an image to see its details and edit its alt text.")
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
                ui.add_space(8.0);
                self.alt_text_ui(ui);
                ui.add_space(8.0);
                facts_ui(ui, img);
                ui.add_space(8.0);
                self.usage_ui(ui, img.id);
            });
    }

    /// With several images selected: say so, and offer what applies to all.
    fn several_ui(&mut self, ui: &mut egui::Ui) {
        let n = self.selection.ids.len();
        if n < 2 {
            return;
        }
        ui.label(
            egui::RichText::new(format!(
                "{} selected; showing the last one clicked.",
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

    fn alt_text_ui(&mut self, ui: &mut egui::Ui) {
        let label = ui.label(egui::RichText::new("Alt text").strong());
        let edit = egui::TextEdit::multiline(&mut self.alt.text)
            .hint_text("Describe the image for people who cannot see it")
            .desired_rows(3)
            .desired_width(f32::INFINITY);
        let resp = ui.add(edit).labelled_by(label.id);
        if resp.lost_focus()
            && let Some(save) = self.alt.flush()
        {
            self.out.act(save);
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
