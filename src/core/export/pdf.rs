//! The portfolio PDF: a cover (the artist, the gallery, its description),
//! one page per work per exported link (the image as large as the page
//! allows at the chosen resolution, never beyond its own pixels, and its
//! caption), section divider pages if asked for, and the image list. The
//! submission package's image list is the same table on its own
//! ([`image_list_pdf`]).
//!
//! Written with krilla as PDF/UA-1: tagged, in reading order, each image a
//! Figure with its alt text, headings, a table for the list, a title, a
//! language and an outline. The text is real text in Noto Sans (OFL,
//! shipped in `fonts/` with its licence), embedded as subsets; a character
//! it has no glyph for is left out and reported, never drawn as a box.
//!
//! Images: a JPEG original goes in unchanged (its bytes, not re-encoded)
//! only when it is upright, sRGB or untagged, no larger than the page needs
//! at the chosen resolution, and once every APPn segment but its ICC
//! profile is cut out; otherwise its sRGB JPEG rendition (no metadata) is
//! used. No camera metadata reaches the PDF.

use std::collections::HashMap;
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{Point, Rect, Size as PdfSize, Transform};
use krilla::image::Image as PdfImage;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, BBox, ContentTag, Identifier, Node, SpanTag, TableHeaderScope, Tag,
    TagGroup, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};

use super::{Plan, Progress, Reach, Work, render_all};
use crate::core::error::{Error, IoContext, Result};
use crate::core::format::Format;
use crate::core::media::render::{Encoding, Size, Spec};
use crate::core::{GalleryId, ImageId, Library};

static REGULAR: &[u8] = include_bytes!("fonts/NotoSans-Regular.ttf");
static ITALIC: &[u8] = include_bytes!("fonts/NotoSans-Italic.ttf");
static BOLD: &[u8] = include_bytes!("fonts/NotoSans-Bold.ttf");

/// The font's name, as messages give it.
pub const FONT_NAME: &str = "Noto Sans";

/// The paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    pub fn parse(text: &str) -> Result<Paper> {
        match text.trim().to_ascii_lowercase().as_str() {
            "a4" => Ok(Paper::A4),
            "letter" | "us-letter" | "usletter" => Ok(Paper::Letter),
            _ => Err(Error::invalid(
                "paper",
                format!("\u{201c}{text}\u{201d} is not a paper size: give a4 or letter"),
            )),
        }
    }

    /// Portrait width and height in points (1/72 inch).
    fn points(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.276, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "US Letter",
        }
    }
}

/// Which way up the pages are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

impl Orientation {
    pub fn label(self) -> &'static str {
        match self {
            Orientation::Portrait => "portrait",
            Orientation::Landscape => "landscape",
        }
    }
}

/// How to make the PDF.
#[derive(Clone, Debug)]
pub struct PdfOptions {
    pub paper: Paper,
    pub orientation: Orientation,
    /// The resolution images are embedded at, in pixels per inch.
    pub dpi: u32,
    /// The JPEG quality of renditions.
    pub quality: u8,
    /// A divider page before each section.
    pub dividers: bool,
    /// Members links are in the artist's own document unless `Public`.
    pub reach: Reach,
    /// Lower the resolution and quality until the file is at most this big.
    pub max_bytes: Option<u64>,
    pub workers: usize,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            paper: Paper::A4,
            orientation: Orientation::Portrait,
            dpi: DEFAULT_DPI,
            quality: DEFAULT_QUALITY,
            dividers: false,
            reach: Reach::Members,
            max_bytes: None,
            workers: crate::core::pool::default_workers(),
        }
    }
}

/// Sharp in print at arm's length, and a 20-work portfolio stays near 10 MB.
pub const DEFAULT_DPI: u32 = 200;
pub const DEFAULT_QUALITY: u8 = 85;

/// The resolutions and qualities `max_bytes` steps down through, largest
/// first (each smaller than the one before).
const LADDER: [(u32, u8); 9] = [
    (300, 85),
    (200, 85),
    (200, 75),
    (150, 75),
    (150, 65),
    (120, 65),
    (100, 60),
    (85, 55),
    (72, 50),
];

/// What a PDF export did.
#[derive(Debug, Default)]
pub struct PdfReport {
    pub out: PathBuf,
    pub pages: usize,
    /// Work pages (a work under two links counts twice).
    pub work_pages: usize,
    pub bytes: u64,
    /// The resolution and quality used (lowered to fit `max_bytes`).
    pub dpi: u32,
    pub quality: u8,
    /// JPEG originals that went in as they are.
    pub passed_through: usize,
    /// What the artist should know: works without alt text, text the font
    /// cannot set, a profile taken as sRGB.
    pub warnings: Vec<String>,
    /// Works left out, each named with why.
    pub left_out: Vec<String>,
}

impl PdfReport {
    /// What was written, in one line (the app's and the command line's).
    pub fn summary(&self) -> String {
        format!(
            "Wrote {}: {} ({} of works), {}, images at {} dpi and JPEG quality {}{}.",
            self.out.display(),
            crate::count(self.pages as u64, "page", "pages"),
            self.work_pages,
            super::submission::megabytes(self.bytes),
            self.dpi,
            self.quality,
            self.passed_words()
        )
    }

    /// "; 3 of them your JPEGs as they are (their metadata cut out)", for
    /// the line that says what was written.
    fn passed_words(&self) -> String {
        match self.passed_through {
            0 => String::new(),
            1 => "; one of them your JPEG as it is (its metadata cut out)".into(),
            n => format!("; {n} of them your JPEGs as they are (their metadata cut out)"),
        }
    }
}

// ---------------------------------------------------------------- text

/// The three faces of the one font.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Regular,
    Italic,
    Bold,
}

struct Face {
    pdf: Font,
    shaper: rustybuzz::Face<'static>,
}

/// The embedded font, for drawing (krilla) and for measuring and knowing
/// what it can set (rustybuzz, the shaper krilla itself uses, so a line is
/// measured as it is drawn).
pub struct Fonts {
    faces: [Face; 3],
}

impl Fonts {
    pub fn load() -> Result<Fonts> {
        let face = |data: &'static [u8], name: &str| -> Result<Face> {
            let broken = || Error::invalid("font", format!("{FONT_NAME} {name} cannot be read"));
            Ok(Face {
                pdf: Font::new(data.into(), 0).ok_or_else(broken)?,
                shaper: rustybuzz::Face::from_slice(data, 0).ok_or_else(broken)?,
            })
        };
        Ok(Fonts {
            faces: [
                face(REGULAR, "Regular")?,
                face(ITALIC, "Italic")?,
                face(BOLD, "Bold")?,
            ],
        })
    }

    fn face(&self, style: Style) -> &Face {
        &self.faces[style as usize]
    }

    /// The width of `text` on one line, in points.
    pub fn width(&self, style: Style, size: f32, text: &str) -> f32 {
        let face = &self.face(style).shaper;
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buffer);
        let units: i64 = shaped
            .glyph_positions()
            .iter()
            .map(|p| i64::from(p.x_advance))
            .sum();
        units as f32 / f32::from(face.units_per_em() as u16) * size
    }

    /// `text` without the characters the font has no glyph for, and those
    /// characters (each once). Control characters other than line breaks
    /// are dropped silently.
    pub fn settable(&self, style: Style, text: &str) -> (String, Vec<char>) {
        let face = &self.face(style).shaper;
        let mut missing = Vec::new();
        let kept = text
            .chars()
            .filter(|&c| {
                if c == '\n' {
                    return true;
                }
                if c.is_control() || default_ignorable(c) {
                    return false;
                }
                let ok = c == ' ' || face.glyph_index(c).is_some();
                if !ok && !missing.contains(&c) {
                    missing.push(c);
                }
                ok
            })
            .collect();
        (kept, missing)
    }

    /// `text` on one line no wider than `width`: cut at a character, with
    /// "…", if it is too long (a running header, a footer).
    pub fn fit(&self, style: Style, size: f32, text: &str, width: f32) -> String {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if self.width(style, size, &text) <= width {
            return text;
        }
        let mut cut: String = text;
        while !cut.is_empty() && self.width(style, size, &format!("{cut}\u{2026}")) > width {
            cut.pop();
        }
        format!("{}\u{2026}", cut.trim_end())
    }

    /// `text` broken into lines no wider than `width`: at spaces, a word
    /// too long for a line at its characters; `\n` starts a new line.
    pub fn wrap(&self, style: Style, size: f32, text: &str, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(style, size, &candidate) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone: broken at characters if it is too long.
                for c in word.chars() {
                    line.push(c);
                    if self.width(style, size, &line) > width && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    }
                }
            }
            lines.push(line);
        }
        // A paragraph break leaves an empty line; trailing ones are dropped.
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines
    }
}

/// Characters that are never drawn (a byte-order mark, zero-width spaces
/// and joiners, soft hyphens, variation selectors): text pasted from
/// elsewhere carries them, and a PDF/UA reader cannot map them.
fn default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{61C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Text for the page, with what the font cannot set left out and noted
/// once per text ("“作品” (scan.jpg): its title …").
struct Notes<'f> {
    fonts: &'f Fonts,
    lines: Vec<String>,
}

impl Notes<'_> {
    fn set(&mut self, style: Style, text: &str, whose: &dyn Fn() -> String) -> String {
        let (kept, missing) = self.fonts.settable(style, text);
        if !missing.is_empty() {
            let shown: String = missing.iter().take(12).collect();
            let line = format!(
                "{}: {} cannot be set in {FONT_NAME} ({shown}{}) and {} left out of the PDF",
                whose(),
                if missing.len() == 1 {
                    "a character"
                } else {
                    "some characters"
                },
                if missing.len() > 12 { "…" } else { "" },
                if missing.len() == 1 { "is" } else { "are" }
            );
            if !self.lines.contains(&line) {
                self.lines.push(line);
            }
        }
        kept
    }
}

/// One paragraph, laid out: its lines, face, size and grey (0 = black).
#[derive(Clone, Debug)]
struct Block {
    kind: BlockKind,
    style: Style,
    size: f32,
    grey: u8,
    lines: Vec<String>,
    /// Space above it, in points.
    gap: f32,
    /// A heading's words for assistive technology: the whole text as the
    /// artist wrote it, even where a line shows it cut or without the
    /// characters the font lacks.
    title: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockKind {
    Paragraph,
    Heading(u16),
}

impl Block {
    fn leading(&self) -> f32 {
        self.size * 1.32
    }

    fn height(&self) -> f32 {
        self.gap + self.leading() * self.lines.len() as f32
    }
}

fn fill(grey: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(grey, grey, grey).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

/// Draws one line with its baseline `size` below `top`, tagged as real
/// content (a Span) or as an artifact.
#[allow(clippy::too_many_arguments)]
fn draw_line(
    surface: &mut Surface,
    fonts: &Fonts,
    style: Style,
    size: f32,
    grey: u8,
    x: f32,
    top: f32,
    text: &str,
    artifact: Option<ArtifactType>,
) -> Option<Identifier> {
    let tag = match artifact {
        Some(kind) => ContentTag::Artifact(Artifact::new(kind, None)),
        None => ContentTag::Span(SpanTag::empty()),
    };
    let id = surface.start_tagged(tag);
    surface.set_fill(Some(fill(grey)));
    surface.draw_text(
        Point::from_xy(x, top + size),
        fonts.face(style).pdf.clone(),
        size,
        text,
        false,
        TextDirection::Auto,
    );
    surface.end_tagged();
    artifact.is_none().then_some(id)
}

/// Draws `block` from `top`; its tag group, and where the next one starts.
fn draw_block(
    surface: &mut Surface,
    fonts: &Fonts,
    block: &Block,
    x: f32,
    top: f32,
) -> (TagGroup, f32) {
    let mut group = match block.kind {
        BlockKind::Paragraph => TagGroup::new(Tag::P),
        BlockKind::Heading(level) => TagGroup::new(Tag::Hn(
            NonZeroU16::new(level).unwrap_or(NonZeroU16::MIN),
            Some(heading_title(
                block.title.as_deref(),
                &block.lines.join(" "),
            )),
        )),
    };
    let mut y = top + block.gap;
    for line in &block.lines {
        if let Some(id) = draw_line(
            surface,
            fonts,
            block.style,
            block.size,
            block.grey,
            x,
            y,
            line,
            None,
        ) {
            group.push(id);
        }
        y += block.leading();
    }
    (group, y)
}

// ---------------------------------------------------------------- pages

/// Page geometry, in points.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    width: f32,
    height: f32,
    margin: f32,
}

impl Geometry {
    fn new(paper: Paper, orientation: Orientation) -> Geometry {
        let (w, h) = paper.points();
        let (width, height) = match orientation {
            Orientation::Portrait => (w, h),
            Orientation::Landscape => (h, w),
        };
        Geometry {
            width,
            height,
            margin: 50.0,
        }
    }

    fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    /// Where the running header's line sits, and where content starts.
    fn header_top(&self) -> f32 {
        self.margin - 22.0
    }

    fn footer_top(&self) -> f32 {
        self.height - self.margin + 12.0
    }

    fn settings(&self) -> Result<PageSettings> {
        PageSettings::from_wh(self.width, self.height)
            .ok_or_else(|| Error::invalid("page", "the page size is not valid"))
    }
}

/// The page number and the footer's words, as artifacts (not read aloud).
fn footer(surface: &mut Surface, fonts: &Fonts, g: Geometry, words: &str, number: usize) {
    let top = g.footer_top();
    let words = &fonts.fit(Style::Regular, 8.0, words, g.content_width() * 0.85);
    draw_line(
        surface,
        fonts,
        Style::Regular,
        8.0,
        120,
        g.margin,
        top,
        words,
        Some(ArtifactType::Footer),
    );
    let number = number.to_string();
    let w = fonts.width(Style::Regular, 8.0, &number);
    draw_line(
        surface,
        fonts,
        Style::Regular,
        8.0,
        120,
        g.width - g.margin - w,
        top,
        &number,
        Some(ArtifactType::Footer),
    );
}

/// A document being written: its pages, tag tree and outline.
struct Writer<'f> {
    doc: Document,
    tree: TagTree,
    outline: Outline,
    fonts: &'f Fonts,
    geo: Geometry,
    pages: usize,
    /// The footer's words ("Harbour Lights — Ines Moreau").
    footer: String,
}

impl<'f> Writer<'f> {
    fn new(fonts: &'f Fonts, geo: Geometry, footer: String) -> Result<Writer<'f>> {
        let configuration = ConfigurationBuilder::new()
            .with_accessibility_validator(Accessibility::UA1)
            .finish()
            .map_err(|e| Error::invalid("PDF", format!("{e:?}")))?;
        let settings = SerializeSettings {
            configuration,
            enable_tagging: true,
            ..SerializeSettings::default()
        };
        Ok(Writer {
            doc: Document::new_with(settings),
            tree: TagTree::new().with_lang(Some("en".into())),
            outline: Outline::new(),
            fonts,
            geo,
            pages: 0,
            footer,
        })
    }

    fn bookmark(&mut self, text: &str, page: usize) {
        self.outline.push_child(OutlineNode::new(
            text.to_string(),
            XyzDestination::new(page, Point::from_xy(0.0, 0.0)),
        ));
    }

    /// Blocks down the page from `top`, onto as many pages as they take
    /// (a block too tall for what is left starts the next page); each
    /// page's running header `header` as an artifact. Returns the groups in
    /// order.
    fn text_pages(
        &mut self,
        header: Option<&str>,
        top: f32,
        blocks: &[Block],
    ) -> Result<Vec<TagGroup>> {
        let mut groups = Vec::new();
        let mut rest: &[Block] = blocks;
        let mut first_top = top;
        while !rest.is_empty() {
            let settings = self.geo.settings()?;
            let fonts = self.fonts;
            let g = self.geo;
            let bottom = g.height - g.margin;
            let mut placed = 0;
            {
                let mut page = self.doc.start_page_with(settings);
                let mut surface = page.surface();
                if let Some(h) = header {
                    draw_line(
                        &mut surface,
                        fonts,
                        Style::Bold,
                        8.5,
                        110,
                        g.margin,
                        g.header_top(),
                        h,
                        Some(ArtifactType::Header),
                    );
                }
                let mut y = first_top;
                for block in rest {
                    // A block that does not fit is split at its lines when
                    // a few of them fit here (a long description goes on
                    // from under its title); else it starts the next page.
                    let fits = y + block.height() <= bottom;
                    let lines_here = ((bottom - y - block.gap) / block.leading()).floor();
                    if !fits && placed > 0 && (lines_here < 3.0 || block.lines.len() < 6) {
                        break;
                    }
                    let mut block = block.clone();
                    let room = lines_here.max(1.0) as usize;
                    let mut carry = None;
                    if block.lines.len() > room {
                        let tail = block.lines.split_off(room);
                        carry = Some(Block {
                            lines: tail,
                            gap: 0.0,
                            // A heading's rest is not a second heading.
                            kind: BlockKind::Paragraph,
                            title: None,
                            ..block.clone()
                        });
                    }
                    let (group, next) = draw_block(&mut surface, fonts, &block, g.margin, y);
                    groups.push(group);
                    y = next;
                    placed += 1;
                    if let Some(carry) = carry {
                        // The rest of this block starts the next page.
                        let mut v = vec![carry];
                        v.extend_from_slice(&rest[placed..]);
                        footer(&mut surface, fonts, g, &self.footer, self.pages + 1);
                        surface.finish();
                        page.finish();
                        self.pages += 1;
                        let more = self.text_pages(header, g.margin, &v)?;
                        groups.extend(more);
                        return Ok(groups);
                    }
                }
                footer(&mut surface, fonts, g, &self.footer, self.pages + 1);
                surface.finish();
                page.finish();
            }
            self.pages += 1;
            rest = &rest[placed..];
            first_top = g.margin;
        }
        Ok(groups)
    }

    fn finish(mut self, metadata: Metadata) -> Result<Vec<u8>> {
        self.doc.set_outline(self.outline);
        self.doc.set_tag_tree(self.tree);
        self.doc.set_metadata(metadata);
        self.doc.finish().map_err(|e| {
            let why = match e {
                krilla::error::KrillaError::Validation(errors) => format!(
                    "it would not be a valid accessible PDF (PDF/UA-1): {}",
                    errors
                        .iter()
                        .map(|(e, _)| format!("{e:?}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                other => other.to_string(),
            };
            Error::invalid("PDF", format!("it could not be written: {why}"))
        })
    }
}

/// A plain paragraph of `text` wrapped to `width`.
fn paragraph(
    fonts: &Fonts,
    style: Style,
    size: f32,
    grey: u8,
    gap: f32,
    text: &str,
    width: f32,
) -> Block {
    Block {
        kind: BlockKind::Paragraph,
        style,
        size,
        grey,
        lines: fonts.wrap(style, size, text, width),
        gap,
        title: None,
    }
}

/// A heading: `text` as it can be drawn, `title` as the artist wrote it.
#[allow(clippy::too_many_arguments)]
fn heading(
    fonts: &Fonts,
    level: u16,
    style: Style,
    size: f32,
    gap: f32,
    text: &str,
    title: &str,
    width: f32,
) -> Block {
    Block {
        kind: BlockKind::Heading(level),
        style,
        size,
        grey: 0,
        lines: fonts.wrap(style, size, text, width),
        gap,
        title: Some(title.to_string()),
    }
}

/// A heading's title (PDF/UA wants one, never empty): the artist's words,
/// whitespace collapsed.
fn heading_title(title: Option<&str>, shown: &str) -> String {
    let words = title
        .unwrap_or(shown)
        .chars()
        .filter(|c| !c.is_control() && !default_ignorable(*c))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if words.is_empty() {
        "Untitled".to_string()
    } else {
        words
    }
}

// ---------------------------------------------------------------- the list

/// One row of an image list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListRow {
    pub number: usize,
    /// The file's name (a package) or the page (a portfolio).
    pub where_: String,
    pub title: String,
    pub year: String,
    pub medium: String,
    pub dimensions: String,
}

/// Draws the image list as a table (a header row, then a row per work),
/// continuing onto more pages as it needs; the header row is repeated on
/// each (as an artifact after the first).
fn list_pages(
    w: &mut Writer,
    title: &str,
    subtitle: Option<&str>,
    where_header: &str,
    rows: &[ListRow],
) -> Result<()> {
    let fonts = w.fonts;
    let g = w.geo;
    let cw = g.content_width();
    // No. | Title | Year | Medium | Dimensions | Page or File
    let size = 8.5;
    let leading = size * 1.32;
    let pad = 4.0;
    let mut fractions = if where_header == "Page" {
        [0.05, 0.29, 0.11, 0.22, 0.26, 0.07]
    } else {
        [0.05, 0.19, 0.09, 0.14, 0.26, 0.27]
    };
    if where_header != "Page" {
        // A file name is found, copied and read whole: its column is as
        // wide as the widest (up to 45%), the title and medium give way.
        let widest = rows
            .iter()
            .map(|r| fonts.width(Style::Regular, size, &r.where_))
            .fold(0.0_f32, f32::max);
        let want = ((widest + pad + 2.0) / cw).clamp(0.12, 0.45);
        let delta = want - fractions[5];
        fractions[5] = want;
        fractions[1] -= delta * 0.6;
        fractions[3] -= delta * 0.4;
    }
    let widths: Vec<f32> = fractions.iter().map(|f| f * cw).collect();
    let headers = ["No.", "Title", "Year", "Medium", "Dimensions", where_header];
    let cells = |row: &ListRow| -> Vec<Vec<String>> {
        let values = [
            row.number.to_string(),
            row.title.clone(),
            row.year.clone(),
            row.medium.clone(),
            row.dimensions.clone(),
            row.where_.clone(),
        ];
        values
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (v, cw))| {
                let style = if i == 1 {
                    Style::Italic
                } else {
                    Style::Regular
                };
                fonts.wrap(style, size, v, cw - pad)
            })
            .collect()
    };

    let mut table = TagGroup::new(Tag::Table);
    let mut body = TagGroup::new(Tag::TBody);
    let mut head_row = Some(TagGroup::new(Tag::TR));
    let mut row_index = 0;
    let first_page = w.pages;
    w.bookmark(title, first_page);
    let mut first = true;
    while first || row_index < rows.len() {
        let settings = g.settings()?;
        let mut page = w.doc.start_page_with(settings);
        let mut surface = page.surface();
        let mut y = g.margin;
        if first {
            let h = heading(fonts, 2, Style::Bold, 16.0, 0.0, title, title, cw);
            let (group, next) = draw_block(&mut surface, fonts, &h, g.margin, y);
            w.tree.push(group);
            y = next;
            if let Some(sub) = subtitle {
                let p = paragraph(fonts, Style::Regular, 9.5, 80, 2.0, sub, cw);
                let (group, next) = draw_block(&mut surface, fonts, &p, g.margin, y);
                w.tree.push(group);
                y = next;
            }
            y += 10.0;
        }
        // The header row: real content once, an artifact on later pages.
        let mut x = g.margin;
        for (i, h) in headers.iter().enumerate() {
            let id = draw_line(
                &mut surface,
                fonts,
                Style::Bold,
                size,
                60,
                x,
                y,
                h,
                (!first).then_some(ArtifactType::Header),
            );
            if let (Some(id), Some(row)) = (id, head_row.as_mut()) {
                let mut th = TagGroup::new(Tag::TH(TableHeaderScope::Column));
                th.push(id);
                row.push(th);
            }
            x += widths[i];
        }
        y += leading + 3.0;
        rule(&mut surface, g.margin, y - 1.5, cw);
        if let Some(row) = head_row.take() {
            let mut thead = TagGroup::new(Tag::THead);
            thead.push(row);
            table.push(thead);
        }
        let bottom = g.height - g.margin;
        let mut on_page = 0;
        while row_index < rows.len() {
            let lines = cells(&rows[row_index]);
            let height =
                lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * leading + 4.0;
            if y + height > bottom && on_page > 0 {
                break;
            }
            let mut tr = TagGroup::new(Tag::TR);
            let mut x = g.margin;
            for (i, cell) in lines.iter().enumerate() {
                let style = if i == 1 {
                    Style::Italic
                } else {
                    Style::Regular
                };
                let mut td = TagGroup::new(Tag::TD);
                for (j, line) in cell.iter().enumerate() {
                    if line.is_empty() {
                        continue;
                    }
                    if let Some(id) = draw_line(
                        &mut surface,
                        fonts,
                        style,
                        size,
                        0,
                        x,
                        y + j as f32 * leading,
                        line,
                        None,
                    ) {
                        td.push(id);
                    }
                }
                // An empty cell still has its place in the row.
                tr.push(td);
                x += widths[i];
            }
            body.push(tr);
            y += height;
            row_index += 1;
            on_page += 1;
        }
        footer(&mut surface, fonts, g, &w.footer, w.pages + 1);
        surface.finish();
        page.finish();
        w.pages += 1;
        first = false;
    }
    table.push(body);
    w.tree.push(table);
    Ok(())
}

/// A thin grey rule, as an artifact.
fn rule(surface: &mut Surface, x: f32, y: f32, width: f32) {
    use krilla::geom::PathBuilder;
    let mut pb = PathBuilder::new();
    if let Some(rect) = Rect::from_xywh(x, y, width, 0.6) {
        pb.push_rect(rect);
    }
    if let Some(path) = pb.finish() {
        surface.start_tagged(ContentTag::Artifact(Artifact::new(
            ArtifactType::Layout,
            None,
        )));
        surface.set_fill(Some(fill(170)));
        surface.draw_path(&path);
        surface.end_tagged();
    }
}

/// The metadata every Folio PDF carries: a title, the language, the
/// artist; no dates, so the same library gives the same bytes.
fn metadata(title: &str, author: Option<String>) -> Metadata {
    let mut m = Metadata::new()
        .title(title.to_string())
        .language("en".into())
        .creator("Folio".into());
    if let Some(a) = author {
        m = m.authors(vec![a]);
    }
    m
}

/// The image list of a submission package as a PDF: its numbers and file
/// names are the package's.
pub fn image_list_pdf(
    title: &str,
    author: Option<String>,
    subtitle: &str,
    rows: &[ListRow],
    paper: Paper,
) -> Result<(Vec<u8>, Vec<String>)> {
    let fonts = Fonts::load()?;
    let mut notes = Notes {
        fonts: &fonts,
        lines: Vec::new(),
    };
    let rows: Vec<ListRow> = rows
        .iter()
        .map(|r| {
            let whose = || format!("\u{201c}{}\u{201d} ({})", r.title, r.where_);
            ListRow {
                number: r.number,
                where_: notes.set(Style::Regular, &r.where_, &whose),
                title: notes.set(Style::Italic, &r.title, &whose),
                year: notes.set(Style::Regular, &r.year, &whose),
                medium: notes.set(Style::Regular, &r.medium, &whose),
                dimensions: notes.set(Style::Regular, &r.dimensions, &whose),
            }
        })
        .collect();
    let title = notes.set(Style::Bold, title, &|| "the list's title".into());
    let subtitle = notes.set(Style::Regular, subtitle, &|| "the list's title".into());
    let lines = notes.lines;
    let geo = Geometry::new(paper, Orientation::Portrait);
    let mut w = Writer::new(&fonts, geo, title.clone())?;
    list_pages(&mut w, &title, Some(&subtitle), "File", &rows)?;
    Ok((w.finish(metadata(&title, author))?, lines))
}

// ---------------------------------------------------------------- images

/// A JPEG's bytes ready to go into a PDF as they are, if it may: upright
/// (no EXIF orientation but 1), 8-bit grey or YCbCr (not CMYK, not
/// RGB-coded), baseline or progressive Huffman, sRGB or untagged. Every
/// APPn segment (EXIF, XMP, JFIF, IPTC, the ICC profile once it is known to
/// be sRGB, Adobe…) and every comment is cut out, between the scans too, and
/// so is everything after the end-of-image marker (a phone's second image,
/// a gain map, a motion photo's video); frames, tables and scans are copied
/// byte for byte. The PDF then takes it as plain RGB, which an sRGB or
/// untagged JPEG is.
pub fn passthrough_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.get(..2) != Some(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
    let mut frame_ok = false;
    let mut scans = 0;
    let mut i = 2;
    loop {
        // Fill bytes before a marker are allowed.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (&ff, &marker) = (bytes.get(i)?, bytes.get(i + 1)?);
        if ff != 0xFF {
            return None;
        }
        if marker == 0xD9 {
            if scans == 0 {
                return None; // no image
            }
            out.extend_from_slice(&[0xFF, 0xD9]);
            break;
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(i + 2)?, *bytes.get(i + 3)?]));
        let seg = bytes.get(i + 4..(i + 2 + len).max(i + 4))?;
        if len < 2 {
            return None;
        }
        match marker {
            0xE1 if seg.starts_with(b"Exif\0\0") => {
                let orientation = image::metadata::Orientation::from_exif_chunk(&seg[6..]);
                if orientation.is_some_and(|o| o != image::metadata::Orientation::NoTransforms) {
                    return None;
                }
            }
            0xE2 if seg.starts_with(b"ICC_PROFILE\0") && seg.len() > 14 => {
                icc_chunks.push((seg[12], &seg[14..]));
            }
            // Adobe's transform 0 means RGB-coded, which a reader would
            // take for YCbCr once the marker is gone.
            0xEE if seg.starts_with(b"Adobe") && seg.get(11) == Some(&0) => return None,
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                // SOF0 baseline, SOF1 extended, SOF2 progressive (Huffman,
                // 8-bit, grey or YCbCr); any other frame is not passed.
                let precision = *seg.first()?;
                let components = *seg.get(5)?;
                frame_ok =
                    matches!(marker, 0xC0..=0xC2) && precision == 8 && matches!(components, 1 | 3);
                if !frame_ok {
                    return None;
                }
            }
            _ => {}
        }
        // APPn and comments go; frames, tables and scans stay.
        if !matches!(marker, 0xE0..=0xEF | 0xFE) {
            out.extend_from_slice(bytes.get(i..i + 2 + len)?);
        }
        i += 2 + len;
        if marker == 0xDA {
            if !frame_ok {
                return None;
            }
            scans += 1;
            // The entropy-coded data: up to the next marker that is not a
            // stuffed byte (FF 00) or a restart (FF D0–D7).
            let start = i;
            loop {
                let ff = start.max(i) + memchr::memchr(0xFF, bytes.get(i..)?)?;
                match bytes.get(ff + 1)? {
                    0x00 | 0xD0..=0xD7 | 0xFF => i = ff + 1,
                    _ => {
                        i = ff;
                        break;
                    }
                }
            }
            out.extend_from_slice(bytes.get(start..i)?);
        }
    }
    if !icc_chunks.is_empty() {
        icc_chunks.sort_by_key(|c| c.0);
        let icc: Vec<u8> = icc_chunks
            .iter()
            .flat_map(|c| c.1.iter().copied())
            .collect();
        if !crate::core::media::colour::is_srgb_profile(&icc) {
            return None;
        }
    }
    Some(out)
}

/// Where a work's image is drawn and at how many pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Placement {
    /// Points.
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    /// The long side it needs, in pixels, at the chosen resolution (never
    /// more than the original's).
    pixels: u32,
}

/// The largest size `img_w`×`img_h` pixels take in a `box_w`×`box_h` box
/// without going past their own size at `dpi`, centred across the box and
/// set at its top.
fn place(img_w: u32, img_h: u32, x: f32, y: f32, box_w: f32, box_h: f32, dpi: u32) -> Placement {
    let (iw, ih) = (img_w.max(1) as f32, img_h.max(1) as f32);
    let native = 72.0 / dpi.max(1) as f32;
    let scale = (box_w / iw).min(box_h / ih).min(native);
    let (w, h) = (iw * scale, ih * scale);
    let long_points = w.max(h);
    let pixels =
        ((long_points / 72.0 * dpi as f32).round() as u32).clamp(1, img_w.max(img_h).max(1));
    Placement {
        x: x + (box_w - w) / 2.0,
        y,
        w,
        h,
        pixels,
    }
}

// ---------------------------------------------------------------- portfolio

/// One work page, laid out before any pixel is made.
struct WorkPage<'p> {
    section: usize,
    work: &'p Work,
    caption: Vec<Block>,
    /// The caption's lines that do not fit under the image: a following
    /// text page.
    overflow: Vec<Block>,
    /// The image's box: top and height (the full content width).
    box_top: f32,
    box_h: f32,
}

/// How one image goes in.
enum Source {
    /// The original JPEG, its metadata cut out.
    Original(Vec<u8>),
    /// Its rendition in the cache.
    Rendition(PathBuf),
}

/// Makes the portfolio PDF of `gallery` at `out` (a new file, or a PDF Folio
/// wrote before, replaced whole or not at all).
pub fn export_pdf(
    lib: &Library,
    gallery: GalleryId,
    out: &Path,
    opts: &PdfOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<PdfReport> {
    check_target(out)?;
    let plan = Plan::read(lib, gallery, opts.reach)?;
    if plan.sections.iter().all(|s| s.works.is_empty()) {
        return Err(Error::invalid(
            "PDF",
            format!(
                "\u{201c}{}\u{201d} has no works to put in a PDF: its groups are empty or private (or for members, left out by --public-only)",
                plan.gallery.name
            ),
        ));
    }
    let fonts = Fonts::load()?;
    let ladder: Vec<(u32, u8)> = match opts.max_bytes {
        None => vec![(opts.dpi, opts.quality)],
        Some(_) => {
            // Never above what was asked: each step at most the artist's
            // resolution and quality.
            let mut steps = vec![(opts.dpi, opts.quality)];
            for &(d, q) in &LADDER {
                let step = (d.min(opts.dpi), q.min(opts.quality));
                if !steps.contains(&step) {
                    steps.push(step);
                }
            }
            steps
        }
    };
    // Largest first: the first that fits wins. A binary search would build
    // fewer, but sizes are not strictly monotone in both at once.
    let mut last: Option<(Vec<u8>, PdfReport)> = None;
    for &(dpi, quality) in &ladder {
        let (bytes, report) = build(lib, &plan, &fonts, opts, dpi, quality, progress, cancel)?;
        let fits = opts.max_bytes.is_none_or(|max| bytes.len() as u64 <= max);
        last = Some((bytes, report));
        if fits {
            break;
        }
    }
    let Some((bytes, mut report)) = last else {
        return Err(Error::invalid("PDF", "nothing to write"));
    };
    if let Some(max) = opts.max_bytes
        && bytes.len() as u64 > max
    {
        return Err(Error::invalid(
            "PDF",
            format!(
                "it cannot be made to fit {}: even at {} dpi and JPEG quality {} it takes {} (nothing was written; allow more, or export fewer works)",
                super::submission::megabytes(max),
                report.dpi,
                report.quality,
                super::submission::megabytes(bytes.len() as u64)
            ),
        ));
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Cancelled);
    }
    super::write_shared(out, &bytes)?;
    report.out = out.to_path_buf();
    report.bytes = bytes.len() as u64;
    Ok(report)
}

/// Refuses to replace a file that is not a PDF Folio wrote.
fn check_target(out: &Path) -> Result<()> {
    if out.is_dir() {
        return Err(Error::invalid(
            "PDF file",
            format!(
                "{} is a folder: give a file name ending in .pdf",
                out.display()
            ),
        ));
    }
    if out.exists() {
        let bytes = std::fs::read(out).at(out)?;
        let ours =
            bytes.starts_with(b"%PDF") && bytes.windows(FOLIO_MARK.len()).any(|w| w == FOLIO_MARK);
        if !ours {
            return Err(Error::invalid(
                "PDF file",
                format!(
                    "{} exists and is not a PDF that Folio wrote: choose another name, so that it is not replaced",
                    out.display()
                ),
            ));
        }
    }
    Ok(())
}

/// How a PDF Folio wrote says so: its XMP's creator tool.
const FOLIO_MARK: &[u8] = b"<xmp:CreatorTool>Folio</xmp:CreatorTool>";

/// The PDF at one resolution and quality.
#[allow(clippy::too_many_arguments)]
fn build(
    lib: &Library,
    plan: &Plan,
    fonts: &Fonts,
    opts: &PdfOptions,
    dpi: u32,
    quality: u8,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<(Vec<u8>, PdfReport)> {
    let geo = Geometry::new(opts.paper, opts.orientation);
    let cw = geo.content_width();
    // A caption's measure: a comfortable line, set under the image's left
    // edge (or as far right as the measure still fits the page).
    let measure = (cw * 0.72).min(360.0);
    let mut notes = Notes {
        fonts,
        lines: Vec::new(),
    };
    let artist = plan.profile.name();

    // Every work page laid out: its caption, then the box the image gets.
    let mut pages: Vec<WorkPage> = Vec::new();
    for (si, section) in plan.sections.iter().enumerate() {
        for work in &section.works {
            let whose = || work.named();
            let mut caption = Vec::new();
            let title = notes.set(Style::Italic, work.title(), &whose);
            // The work's title, a heading under its section's: a screen
            // reader steps from work to work.
            caption.push(heading(
                fonts,
                3,
                Style::Italic,
                13.0,
                10.0,
                &title,
                work.title(),
                measure,
            ));
            for (_, fact) in work.facts() {
                let fact = notes.set(Style::Regular, &fact, &whose);
                caption.push(paragraph(
                    fonts,
                    Style::Regular,
                    9.5,
                    50,
                    1.0,
                    &fact,
                    measure,
                ));
            }
            if let Some(d) = work.description() {
                // Its paragraphs (blank lines between them) each a paragraph.
                let d = notes.set(Style::Regular, d, &whose).replace("\r\n", "\n");
                for (i, para) in d
                    .split("\n\n")
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .enumerate()
                {
                    let gap = if i == 0 { 6.0 } else { 4.0 };
                    caption.push(paragraph(
                        fonts,
                        Style::Regular,
                        9.5,
                        30,
                        gap,
                        para,
                        measure,
                    ));
                }
            }
            // The image keeps at least 55% of the page; what of the
            // caption does not fit under it goes on a page of its own.
            let content_top = geo.margin;
            let content_h = geo.height - 2.0 * geo.margin;
            let budget = content_h * 0.45;
            let mut used = 0.0;
            let mut overflow = Vec::new();
            let mut kept = Vec::new();
            for block in caption {
                if !overflow.is_empty() || (used + block.height() > budget && !kept.is_empty()) {
                    if overflow.is_empty() {
                        // Split the block at its lines.
                        let room = ((budget - used - block.gap) / block.leading()).floor();
                        if room >= 2.0 {
                            let mut head = block.clone();
                            let tail = head.lines.split_off(room as usize);
                            used += head.height();
                            kept.push(head);
                            overflow.push(Block {
                                lines: tail,
                                gap: 0.0,
                                kind: BlockKind::Paragraph,
                                title: None,
                                ..block
                            });
                            continue;
                        }
                    }
                    overflow.push(block);
                } else {
                    used += block.height();
                    kept.push(block);
                }
            }
            pages.push(WorkPage {
                section: si,
                work,
                caption: kept,
                overflow,
                box_top: content_top,
                box_h: content_h - used,
            });
        }
    }

    // The pixels each image needs: the most any of its pages asks.
    let mut needed: HashMap<ImageId, u32> = HashMap::new();
    for p in &pages {
        let img = &p.work.image;
        let at = place(
            img.width, img.height, geo.margin, p.box_top, cw, p.box_h, dpi,
        );
        let e = needed.entry(img.id).or_insert(0);
        *e = (*e).max(at.pixels);
    }
    // Originals that may go in as they are; renditions for the rest.
    let mut sources: HashMap<ImageId, Source> = HashMap::new();
    let mut to_render: Vec<&Work> = Vec::new();
    for work in plan.distinct_works() {
        let img = &work.image;
        let need = needed.get(&img.id).copied().unwrap_or(0);
        let passed = (img.format == Format::Jpeg && img.width.max(img.height) <= need)
            .then(|| std::fs::read(&work.path).ok())
            .flatten()
            .and_then(|b| passthrough_jpeg(&b));
        match passed {
            Some(bytes) => {
                sources.insert(img.id, Source::Original(bytes));
            }
            None => to_render.push(work),
        }
    }
    let spec_of = |work: &Work| Spec {
        size: Size::LongSide(needed.get(&work.image.id).copied().unwrap_or(1)),
        encoding: Encoding::Jpeg {
            quality,
            progressive: false,
        },
    };
    let rendered = render_all(
        lib,
        &to_render,
        &|w| vec![spec_of(w)],
        opts.workers,
        progress,
        cancel,
    )?;
    for work in &to_render {
        if let Some(r) = rendered
            .by_image
            .get(&work.image.id)
            .and_then(|m| m.renditions.first())
        {
            sources.insert(work.image.id, Source::Rendition(r.path.clone()));
        }
    }
    let passed_through = sources
        .values()
        .filter(|s| matches!(s, Source::Original(_)))
        .count();

    // The document.
    let title = notes.set(Style::Bold, &plan.title(), &|| "the gallery's name".into());
    let mut w = Writer::new(fonts, geo, title.clone())?;
    cover(&mut w, plan, &mut notes)?;
    let mut images: HashMap<ImageId, PdfImage> = HashMap::new();
    let mut list = Vec::new();
    let mut work_pages = 0;
    let mut section_group: Option<TagGroup> = None;
    let mut section_node: Option<OutlineNode> = None;
    // The pages of the works that made it (a work that could not be
    // rendered is left out and named): a section starts at its first drawn.
    let drawn: Vec<&WorkPage> = pages
        .iter()
        .filter(|p| sources.contains_key(&p.work.image.id))
        .collect();
    let total = drawn.len();
    for (pi, &p) in drawn.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let section = &plan.sections[p.section];
        let header_words = format!("{} \u{2014} {}", section.heading, section.group_name);
        let header = notes.set(Style::Bold, &header_words, &|| {
            format!("the group \u{201c}{}\u{201d}", section.group_name)
        });
        let header = fonts.fit(Style::Bold, 8.5, &header, cw);
        let starts = pi == 0 || drawn[pi - 1].section != p.section;
        if starts {
            if let Some(g) = section_group.take() {
                w.tree.push(g);
            }
            if let Some(node) = section_node.take() {
                w.outline.push_child(node);
            }
            let mut group = TagGroup::new(Tag::Section);
            let page_of_section = w.pages;
            if opts.dividers {
                let mut blocks = vec![heading(
                    fonts,
                    2,
                    Style::Bold,
                    24.0,
                    0.0,
                    &notes.set(Style::Bold, &section.heading, &|| {
                        "a section's heading".into()
                    }),
                    &section.heading,
                    cw,
                )];
                blocks.push(paragraph(
                    fonts,
                    Style::Regular,
                    14.0,
                    40,
                    6.0,
                    &notes.set(Style::Regular, &section.group_name, &|| {
                        "a group's name".into()
                    }),
                    cw,
                ));
                if let Some(d) = &section.description {
                    let d = notes.set(Style::Regular, d, &|| {
                        format!("the group \u{201c}{}\u{201d}", section.group_name)
                    });
                    blocks.push(paragraph(
                        fonts,
                        Style::Regular,
                        10.5,
                        40,
                        14.0,
                        &d,
                        cw * 0.8,
                    ));
                }
                for g in w.text_pages(None, geo.height * 0.36, &blocks)? {
                    group.push(g);
                }
            }
            section_node = Some(OutlineNode::new(
                header_words.clone(),
                XyzDestination::new(page_of_section, Point::from_xy(0.0, 0.0)),
            ));
            section_group = Some(group);
        }
        let Some(source) = sources.get(&p.work.image.id) else {
            continue; // left out: named in the report
        };
        let image = match images.get(&p.work.image.id) {
            Some(i) => i.clone(),
            None => {
                let bytes = match source {
                    Source::Original(b) => b.clone(),
                    Source::Rendition(path) => std::fs::read(path).at(path)?,
                };
                let i = PdfImage::from_jpeg(bytes.into(), true).map_err(|e| {
                    Error::bad_image(&p.work.path, format!("cannot go into the PDF: {e}"))
                })?;
                images.insert(p.work.image.id, i.clone());
                i
            }
        };
        let img = &p.work.image;
        let at = place(
            img.width, img.height, geo.margin, p.box_top, cw, p.box_h, dpi,
        );
        let page_index = w.pages;
        if let Some(node) = section_node.as_mut() {
            node.push_child(OutlineNode::new(
                p.work.title().to_string(),
                XyzDestination::new(page_index, Point::from_xy(0.0, 0.0)),
            ));
        }
        let mut work_group = TagGroup::new(Tag::Div);
        {
            let settings = geo.settings()?;
            let fonts = w.fonts;
            let mut page = w.doc.start_page_with(settings);
            let mut surface = page.surface();
            // The section's heading: real on its first page when there are
            // no dividers, a running header everywhere else.
            let real_heading = starts && !opts.dividers;
            let id = draw_line(
                &mut surface,
                fonts,
                Style::Bold,
                8.5,
                110,
                geo.margin,
                geo.header_top(),
                &header,
                (!real_heading).then_some(ArtifactType::Header),
            );
            if let Some(id) = id {
                let mut h = TagGroup::new(Tag::Hn(
                    NonZeroU16::new(2).unwrap_or(NonZeroU16::MIN),
                    Some(heading_title(Some(&header_words), &header)),
                ));
                h.push(id);
                work_group.push(h);
            }
            surface.push_transform(&Transform::from_translate(at.x, at.y));
            let id = surface.start_tagged(ContentTag::Other);
            if let Some(size) = PdfSize::from_wh(at.w, at.h) {
                surface.draw_image(image, size);
            }
            surface.end_tagged();
            surface.pop();
            let bbox = Rect::from_xywh(at.x, at.y, at.w, at.h).map(|r| BBox::new(page_index, r));
            let mut figure = TagGroup::new(Tag::Figure(Some(p.work.alt.clone())).with_bbox(bbox));
            figure.push(id);
            work_group.push(figure);
            let mut caption = TagGroup::new(Tag::Caption);
            let mut y = at.y + at.h;
            let caption_x = at.x.min(geo.margin + cw - measure).max(geo.margin);
            for block in &p.caption {
                let (g, next) = draw_block(&mut surface, fonts, block, caption_x, y);
                caption.push(g);
                y = next;
            }
            footer(&mut surface, fonts, geo, &w.footer, w.pages + 1);
            surface.finish();
            page.finish();
            w.pages += 1;
            if !p.overflow.is_empty() {
                let continued = notes.set(
                    Style::Italic,
                    &format!("{} (continued)", p.work.title()),
                    &|| p.work.named(),
                );
                let mut blocks = vec![paragraph(
                    fonts,
                    Style::Italic,
                    11.0,
                    80,
                    0.0,
                    &continued,
                    cw,
                )];
                blocks.extend(p.overflow.iter().cloned());
                for g in w.text_pages(Some(&header), geo.margin, &blocks)? {
                    caption.push(g);
                }
            }
            work_group.push(caption);
        }
        if let Some(g) = section_group.as_mut() {
            g.push(work_group);
        }
        work_pages += 1;
        let d = img.details.as_deref();
        list.push(ListRow {
            number: list.len() + 1,
            where_: (page_index + 1).to_string(),
            title: notes.set(Style::Italic, p.work.title(), &|| p.work.named()),
            year: notes.set(Style::Regular, p.work.year().unwrap_or(""), &|| {
                p.work.named()
            }),
            medium: notes.set(
                Style::Regular,
                d.and_then(|d| d.medium.as_deref()).unwrap_or(""),
                &|| p.work.named(),
            ),
            dimensions: notes.set(
                Style::Regular,
                &d.and_then(|d| d.dimensions()).unwrap_or_default(),
                &|| p.work.named(),
            ),
        });
        progress(Progress {
            done: pi + 1,
            total,
            stage: "Laying out pages",
        });
    }
    if let Some(node) = section_node.take() {
        w.outline.push_child(node);
    }
    if let Some(g) = section_group.take() {
        w.tree.push(g);
    }
    list_pages(&mut w, "Image list", None, "Page", &list)?;
    let pages_made = w.pages;
    let bytes = w.finish(metadata(&title, artist))?;

    let mut warnings = plan.alt_warnings();
    warnings.extend(rendered.warnings);
    warnings.extend(notes.lines);
    Ok((
        bytes,
        PdfReport {
            out: PathBuf::new(),
            pages: pages_made,
            work_pages,
            bytes: 0,
            dpi,
            quality,
            passed_through,
            warnings,
            left_out: rendered.problems,
        },
    ))
}

/// The cover: the artist, the gallery, its description; the website and
/// contact at the foot.
fn cover(w: &mut Writer, plan: &Plan, notes: &mut Notes) -> Result<()> {
    let fonts = w.fonts;
    let g = w.geo;
    let cw = g.content_width();
    let mut blocks = Vec::new();
    if let Some(artist) = plan.profile.name() {
        let a = notes.set(Style::Bold, &artist, &|| "the artist's name".into());
        blocks.push(paragraph(fonts, Style::Bold, 26.0, 40, 0.0, &a, cw));
    }
    let name = notes.set(Style::Regular, &plan.gallery.name, &|| {
        "the gallery's name".into()
    });
    let h = heading(
        fonts,
        1,
        Style::Regular,
        20.0,
        8.0,
        &name,
        &plan.gallery.name,
        cw,
    );
    blocks.push(h);
    if let Some(d) = plan
        .gallery
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        let d = notes.set(Style::Regular, d, &|| "the gallery's description".into());
        blocks.push(paragraph(
            fonts,
            Style::Regular,
            11.0,
            50,
            18.0,
            &d,
            cw * 0.8,
        ));
    }
    let reach: Vec<&str> = [
        plan.profile.website.as_deref(),
        plan.profile.contact.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .collect();
    if !reach.is_empty() {
        let r = notes.set(Style::Regular, &reach.join("  \u{b7}  "), &|| {
            "the profile's website or contact".into()
        });
        blocks.push(paragraph(fonts, Style::Regular, 10.0, 80, 36.0, &r, cw));
    }
    w.bookmark(&name, w.pages);
    let groups = w.text_pages(None, g.height * 0.32, &blocks)?;
    let mut part = TagGroup::new(Tag::Part);
    for gr in groups {
        part.push(gr);
    }
    w.tree.push(Node::Group(part));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_wraps_at_spaces_and_a_long_word_at_its_characters() {
        let fonts = Fonts::load().unwrap();
        let lines = fonts.wrap(Style::Regular, 10.0, "one two three four five six", 60.0);
        assert!(lines.len() > 1, "{lines:?}");
        for l in &lines {
            assert!(fonts.width(Style::Regular, 10.0, l) <= 60.0, "{l}");
        }
        assert_eq!(lines.join(" "), "one two three four five six");
        let long = fonts.wrap(Style::Regular, 10.0, &"x".repeat(80), 60.0);
        assert!(long.len() > 1 && long.concat() == "x".repeat(80));
        assert_eq!(
            fonts.wrap(Style::Regular, 10.0, "a\n\nb", 60.0),
            vec!["a", "", "b"]
        );
        let cut = fonts.fit(
            Style::Bold,
            8.5,
            &"Main exhibit \u{2014} ".repeat(20),
            200.0,
        );
        assert!(
            cut.ends_with('\u{2026}') && fonts.width(Style::Bold, 8.5, &cut) <= 200.0,
            "{cut}"
        );
        assert_eq!(fonts.fit(Style::Bold, 8.5, "Short", 200.0), "Short");
    }

    #[test]
    fn what_the_font_cannot_set_is_named_and_left_out() {
        let fonts = Fonts::load().unwrap();
        let (kept, missing) = fonts.settable(Style::Regular, "Étude 作品 № 3 — Ægir");
        assert_eq!(missing, vec!['作', '品']);
        assert_eq!(kept, "Étude  № 3 — Ægir");
    }

    #[test]
    fn an_image_is_never_drawn_larger_than_its_pixels_at_the_resolution() {
        // 600 px at 200 dpi: 3 inches, 216 points, in a much larger box.
        let p = place(600, 400, 50.0, 50.0, 495.0, 600.0, 200);
        assert!((p.w - 216.0).abs() < 0.01, "{p:?}");
        assert_eq!(p.pixels, 600);
        // A 6000 px camera file fills the box's width and needs 1375 px.
        let p = place(6000, 4000, 50.0, 50.0, 495.0, 600.0, 200);
        assert!((p.w - 495.0).abs() < 0.01);
        assert_eq!(p.pixels, 1375);
        assert!((p.x - 50.0).abs() < 0.01);
    }

    fn jpeg_with(segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let img = crate::core::sample::picture(32, 24, 3);
        let plain = crate::core::sample::encode(&img, Format::Jpeg).unwrap();
        // Insert after SOI.
        let mut out = plain[..2].to_vec();
        for (marker, body) in segments {
            out.extend([0xFF, *marker]);
            out.extend(((body.len() + 2) as u16).to_be_bytes());
            out.extend(body);
        }
        out.extend(&plain[2..]);
        out
    }

    /// A progressive JPEG: several scans, with tables between them and
    /// stuffed FF 00 bytes in the entropy-coded data.
    #[cfg(feature = "libjpeg")]
    fn mozjpeg_progressive(img: &image::RgbImage) -> Vec<u8> {
        let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
        c.set_size(img.width() as usize, img.height() as usize);
        c.set_progressive_mode();
        let mut c = c.start_compress(Vec::new()).unwrap();
        c.write_scanlines(img.as_raw()).unwrap();
        c.finish().unwrap()
    }

    #[test]
    fn a_jpeg_goes_in_without_its_metadata_and_only_if_upright_and_srgb() {
        let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>SECRET-XMP</x:xmpmeta>".to_vec();
        let mut exif = b"Exif\0\0".to_vec();
        // Little-endian TIFF, one IFD entry: Make = "CAMERA-MAKE".
        exif.extend(
            b"II*\0\x08\0\0\0\x01\0\x0f\x01\x02\0\x0c\0\0\0\x1a\0\0\0\0\0\0\0CAMERA-MAKE\0",
        );
        let srgb = moxcms::ColorProfile::new_srgb().encode().unwrap();
        let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
        icc.extend(&srgb);
        let bytes = jpeg_with(&[
            (0xE1, exif),
            (0xE1, xmp),
            (0xE2, icc),
            (0xFE, b"a comment".to_vec()),
        ]);
        let out = passthrough_jpeg(&bytes).expect("upright, sRGB");
        let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(
            !has(&out, b"CAMERA-MAKE") && !has(&out, b"SECRET-XMP") && !has(&out, b"a comment")
        );
        assert!(
            !has(&out, b"ICC_PROFILE"),
            "sRGB: the PDF takes it as RGB, the profile's words stay out"
        );
        // A phone's second image after the end marker, with its own EXIF.
        let mut trailing = bytes.clone();
        trailing.extend(jpeg_with(&[(0xE1, b"Exif\0\0SECOND-IMAGE-GPS".to_vec())]));
        let cut = passthrough_jpeg(&trailing).expect("the first image");
        assert!(!has(&cut, b"SECOND-IMAGE-GPS"));
        assert_eq!(cut, out, "the first image, ending at its end marker");
        assert!(cut.ends_with(&[0xFF, 0xD9]));
        // Progressive: every scan kept.
        #[cfg(feature = "libjpeg")]
        {
            let img = crate::core::sample::picture(64, 48, 5);
            let progressive = {
                let mut c = mozjpeg_progressive(&img);
                c.splice(2..2, [0xFF, 0xFE, 0, 6, b'h', b'i', b'!', b'!']);
                c
            };
            let kept = passthrough_jpeg(&progressive).expect("progressive is fine");
            assert_eq!(
                image::load_from_memory(&kept).unwrap().to_rgb8(),
                image::load_from_memory(&progressive).unwrap().to_rgb8()
            );
            // Only the comment (8 bytes) and the JFIF segment (18) went.
            assert!(progressive.windows(5).any(|w| w == b"JFIF\0"));
            assert_eq!(kept.len(), progressive.len() - 8 - 18);
            let scans = |b: &[u8]| b.windows(2).filter(|w| w == &[0xFF, 0xDA]).count();
            assert!(
                scans(&kept) > 1 && scans(&kept) == scans(&progressive),
                "every scan"
            );
        }
        let a = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let b = image::load_from_memory(&out).unwrap().to_rgb8();
        assert_eq!(a, b, "the pixels are the same bytes");

        // Display P3: not sRGB, so not as it is.
        let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
        let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
        icc.extend(&p3);
        assert!(passthrough_jpeg(&jpeg_with(&[(0xE2, icc)])).is_none());
        // Sideways (orientation 6): not as it is.
        let sideways =
            crate::core::sample::jpeg_with_orientation(&crate::core::sample::picture(32, 24, 1), 6)
                .unwrap();
        assert!(passthrough_jpeg(&sideways).is_none());
        let upright =
            crate::core::sample::jpeg_with_orientation(&crate::core::sample::picture(32, 24, 1), 1)
                .unwrap();
        assert!(passthrough_jpeg(&upright).is_some());
        assert!(passthrough_jpeg(b"not a jpeg").is_none());
        assert!(crate::core::media::colour::is_srgb_profile(&srgb));
        assert!(!crate::core::media::colour::is_srgb_profile(&p3));
    }
}
