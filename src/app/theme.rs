//! Light and dark: the artist's choice (View → Theme: System, Light, Dark),
//! remembered for every library, and the few colours of Folio's own that
//! must read on either (the type headings, the visibility badges), each a
//! pair checked for contrast against both themes' panels.

use eframe::egui::{self, Color32, Visuals};
use serde::{Deserialize, Serialize};

/// The key under which the choice is saved between runs (for the app, not
/// per library).
pub const THEME_KEY: &str = "folio-theme";

/// The artist's choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// As the desktop is set (dark where it says nothing).
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Theme::System => egui::ThemePreference::System,
            Theme::Light => egui::ThemePreference::Light,
            Theme::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// A colour for dark panels and one for light ones.
#[derive(Clone, Copy, Debug)]
pub struct Pair {
    dark: Color32,
    light: Color32,
}

impl Pair {
    pub fn on(self, visuals: &Visuals) -> Color32 {
        if visuals.dark_mode {
            self.dark
        } else {
            self.light
        }
    }
}

/// A link's type in the sidebar, and the marker where a dragged group lands.
pub const TYPE: Pair = Pair {
    dark: Color32::from_rgb(110, 160, 240),
    light: Color32::from_rgb(25, 85, 185),
};

/// The MEMBERS badge.
pub const MEMBERS: Pair = Pair {
    dark: Color32::from_rgb(230, 170, 60),
    light: Color32::from_rgb(150, 85, 0),
};

/// The PRIVATE badge.
pub const PRIVATE: Pair = Pair {
    dark: Color32::from_rgb(225, 120, 120),
    light: Color32::from_rgb(175, 35, 35),
};

/// What System means: the desktop's light or dark, asked of the settings
/// portal on a thread of its own (winit reports no theme on X11); dark
/// where no portal answers.
pub fn follow_desktop(ctx: &egui::Context) {
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("folio-theme".into())
        .spawn(move || {
            if let Some(dark) = crate::desktop::prefers_dark() {
                let theme = if dark {
                    egui::Theme::Dark
                } else {
                    egui::Theme::Light
                };
                ctx.options_mut(|o| o.fallback_theme = theme);
                ctx.request_repaint();
            }
        });
    if let Err(e) = spawned {
        log::warn!("could not ask the desktop for its theme: {e}");
    }
}

/// egui's two themes with the colours that fell short of WCAG AA (4.5:1 for
/// text) on their panels made darker or lighter: weak text (counts, hints,
/// captions), and the light theme's error and warning text.
pub fn tune(ctx: &egui::Context) {
    ctx.style_mut_of(egui::Theme::Dark, |s| tune_visuals(&mut s.visuals));
    ctx.style_mut_of(egui::Theme::Light, |s| tune_visuals(&mut s.visuals));
}

fn tune_visuals(v: &mut Visuals) {
    if v.dark_mode {
        v.weak_text_color = Some(Color32::from_gray(150));
        v.error_fg_color = Color32::from_rgb(255, 110, 110);
    } else {
        v.weak_text_color = Some(Color32::from_gray(96));
        v.error_fg_color = Color32::from_rgb(180, 0, 0);
        v.warn_fg_color = Color32::from_rgb(150, 85, 0);
    }
}

/// WCAG 2 contrast ratio of two opaque colours (1 to 21).
#[cfg(test)]
fn contrast(a: Color32, b: Color32) -> f32 {
    fn luminance(c: Color32) -> f32 {
        let lin = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folios_own_colours_read_on_both_themes_panels() {
        for mut visuals in [Visuals::dark(), Visuals::light()] {
            tune_visuals(&mut visuals);
            let panel = visuals.panel_fill;
            for (name, c) in [
                ("text", visuals.text_color()),
                ("weak text", visuals.weak_text_color()),
                ("error", visuals.error_fg_color),
                ("warning", visuals.warn_fg_color),
            ] {
                let ratio = contrast(c, panel);
                assert!(ratio >= 4.5, "{name}: contrast {ratio:.2} on {panel:?}");
            }
            // A selected row's text (what Folio draws its type and badge in there).
            let selected = visuals.selection.stroke.color;
            let ratio = contrast(selected, visuals.selection.bg_fill);
            assert!(ratio >= 4.5, "selected row: contrast {ratio:.2}");
            for (name, pair) in [("type", TYPE), ("members", MEMBERS), ("private", PRIVATE)] {
                let c = contrast(pair.on(&visuals), panel);
                assert!(
                    c >= 4.5,
                    "{name} on the {} panel: contrast {c:.2}",
                    if visuals.dark_mode { "dark" } else { "light" }
                );
            }
            // What egui draws the selection and the drop marker with.
            let c = contrast(visuals.selection.stroke.color, panel);
            assert!(c >= 3.0, "selection stroke: contrast {c:.2}");
        }
    }
}
