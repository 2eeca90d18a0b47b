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
        for visuals in [Visuals::dark(), Visuals::light()] {
            let panel = visuals.panel_fill;
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
