//! A submission package: what an open call, a grant or a school asks for.
//! The works of a gallery in the artist's order (each work once, however
//! many links show it), each a baseline sRGB JPEG with no metadata, at the
//! call's long side (never upscaled), its quality lowered step by step until
//! it fits the call's byte limit, named by the call's pattern; beside them
//! `image-list.csv` and `image-list.pdf`, whose numbers are the file names'.
//!
//! The rules of each call are data ([`PRESETS`]): a new call is a few lines.
//! Every work is checked against them before anything is written; a work
//! that cannot pass (smaller than the call's minimum, or too many bytes even
//! at the lowest quality) is named with the reason and left out, and the
//! rest is written.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::{Plan, Progress, Reach, Work, Written, render_all};
use crate::core::error::{Error, Result};
use crate::core::media::render::{Encoding, Size, Spec};
use crate::core::{GalleryId, Library};

/// The rules of one call, as published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// What `--preset` takes.
    pub name: &'static str,
    /// Whose rules these are, for messages.
    pub call: &'static str,
    /// A larger work is scaled to this long side; a smaller one keeps its own.
    pub long_side: u32,
    /// A work whose long side is below this is left out (never upscaled).
    pub min_side: Option<u32>,
    pub max_bytes: u64,
    pub max_count: Option<usize>,
    /// Progressive JPEG; every call here asks for baseline.
    pub progressive: bool,
    /// The file name, without `.jpg`: see [`name_file`].
    pub pattern: &'static str,
}

const MB: u64 = 1_000_000;

/// The link type of another artist's work shown in a gallery.
const GUEST: &str = "guest_artist_feature";

/// The calls Folio knows. CaFÉ: JPEG, long side at least 1200 (1920 asked
/// by most calls), under 5 MB, baseline, named after the work. SlideRoom:
/// at most 20 items, shown at most 1280×1280, under 5 MB. Guggenheim
/// Fellowship: at most 18 JPEGs of at most 3 MB, named "01 John_Smith".
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "cafe",
        call: "CaFÉ",
        long_side: 1920,
        min_side: Some(1200),
        max_bytes: 5 * MB,
        max_count: None,
        progressive: false,
        pattern: "{nn}_{family}_{title}",
    },
    Preset {
        name: "slideroom",
        call: "SlideRoom",
        long_side: 1280,
        min_side: None,
        max_bytes: 5 * MB,
        max_count: Some(20),
        progressive: false,
        pattern: "{nn}_{title}",
    },
    Preset {
        name: "guggenheim",
        call: "the Guggenheim Fellowship",
        long_side: 1920,
        min_side: None,
        max_bytes: 3 * MB,
        max_count: Some(18),
        progressive: false,
        pattern: "{nn} {given}_{family}",
    },
];

/// The preset called `name`.
pub fn preset(name: &str) -> Result<&'static Preset> {
    PRESETS
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
            Error::invalid(
                "preset",
                format!(
                    "\u{201c}{name}\u{201d} is not one Folio knows (it knows {}, and custom)",
                    names.join(", ")
                ),
            )
        })
}

/// The rules a package is made by: a preset's, or the artist's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub call: String,
    pub long_side: u32,
    pub min_side: Option<u32>,
    pub max_bytes: u64,
    pub max_count: Option<usize>,
    pub progressive: bool,
    pub pattern: String,
}

impl From<&Preset> for Rules {
    fn from(p: &Preset) -> Rules {
        Rules {
            call: p.call.to_string(),
            long_side: p.long_side,
            min_side: p.min_side,
            max_bytes: p.max_bytes,
            max_count: p.max_count,
            progressive: p.progressive,
            pattern: p.pattern.to_string(),
        }
    }
}

impl Rules {
    /// Refuses rules no file could meet, naming the value.
    pub fn check(&self) -> Result<()> {
        if !(16..=40_000).contains(&self.long_side) {
            return Err(Error::invalid(
                "long side",
                format!("{} pixels: give 16 to 40000", self.long_side),
            ));
        }
        if let Some(min) = self.min_side
            && min > self.long_side
        {
            return Err(Error::invalid(
                "minimum side",
                format!(
                    "{min} pixels is more than the long side ({}): no work could pass",
                    self.long_side
                ),
            ));
        }
        if self.max_bytes < 10_000 {
            return Err(Error::invalid(
                "byte limit",
                format!("{} bytes: give at least 10000", self.max_bytes),
            ));
        }
        if self.max_count == Some(0) {
            return Err(Error::invalid("most works", "0: give at least 1"));
        }
        check_pattern(&self.pattern)
    }
}

/// Which of the gallery's works go in, by their numbers in its order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    All,
    First(usize),
    /// 1-based numbers in the gallery's order, in the order given.
    Numbers(Vec<usize>),
}

/// How to make a package.
#[derive(Clone, Debug)]
pub struct SubmissionOptions {
    pub rules: Rules,
    pub pick: Pick,
    pub reach: Reach,
    pub workers: usize,
}

/// One file of the package, and how it stands against each rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// Its number in the package (1, 2…), as the image list gives it.
    pub number: usize,
    pub file: String,
    /// The work, as messages name it.
    pub work: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub quality: u8,
    /// Each rule in words, and whether the file meets it.
    pub rules: Vec<(String, bool)>,
}

impl FileReport {
    /// "passes every rule", or "FAILS at most 5 MB, baseline".
    pub fn verdict(&self) -> String {
        let failed: Vec<&str> = self
            .rules
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(rule, _)| rule.as_str())
            .collect();
        if failed.is_empty() {
            "passes every rule".to_string()
        } else {
            format!("FAILS {}", failed.join(", "))
        }
    }

    pub fn passes(&self) -> bool {
        self.rules.iter().all(|(_, ok)| *ok)
    }
}

/// What a package export did.
#[derive(Debug, Default)]
pub struct SubmissionReport {
    pub out: PathBuf,
    pub files: Vec<FileReport>,
    /// Works left out, each named with why.
    pub left_out: Vec<String>,
    pub warnings: Vec<String>,
    pub bytes: u64,
}

/// The qualities tried, best first, until a file fits the byte limit.
pub const QUALITIES: [u8; 9] = [92, 88, 84, 80, 75, 70, 65, 60, 50];

/// The placeholders a pattern may hold.
pub const PLACEHOLDERS: [&str; 7] = [
    "{nn}",
    "{n}",
    "{title}",
    "{year}",
    "{given}",
    "{family}",
    "{inventory}",
];

fn check_pattern(pattern: &str) -> Result<()> {
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err(Error::invalid(
                "pattern",
                format!("\u{201c}{pattern}\u{201d} opens a {{ it does not close"),
            ));
        };
        let tag = &rest[open..open + close + 1];
        if !PLACEHOLDERS.contains(&tag) {
            return Err(Error::invalid(
                "pattern",
                format!(
                    "\u{201c}{tag}\u{201d} is not a placeholder (a pattern may hold {})",
                    PLACEHOLDERS.join(", ")
                ),
            ));
        }
        rest = &rest[open + close + 1..];
    }
    if pattern
        .chars()
        .any(|c| "/\\:*?\"<>|".contains(c) || c.is_control())
    {
        return Err(Error::invalid(
            "pattern",
            format!("\u{201c}{pattern}\u{201d} holds a character file names cannot"),
        ));
    }
    if pattern.trim().is_empty() {
        return Err(Error::invalid("pattern", "it is empty"));
    }
    Ok(())
}

/// A value put into a file name: letters and digits kept (accents dropped,
/// as forms' upload scripts expect), words joined by `_`, at most 60
/// characters; `empty` when nothing is left.
/// The ASCII spelling of a Latin letter that NFD leaves whole.
fn ascii_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ø' => "o",
        'Ø' => "O",
        'ł' => "l",
        'Ł' => "L",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        'đ' => "d",
        'Đ' => "D",
        'ð' => "d",
        'Ð' => "D",
        'þ' => "th",
        'Þ' => "Th",
        'ı' => "i",
        _ => return None,
    })
}

fn name_part(text: &str, empty: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    let decomposed: String = text.nfd().collect();
    for c in decomposed.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(ascii) = ascii_letter(c) {
            // A letter with no accent to drop (ø, ł, ß, æ): its usual
            // spelling. Other scripts are left out: upload forms refuse
            // file names outside ASCII.
            out.push_str(ascii);
        } else if c.is_alphanumeric() {
            // A letter of another script: left out.
        } else if unicode_normalization::char::is_combining_mark(c) {
            // The accent of a letter already written.
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        if out.chars().count() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('_');
    if out.is_empty() {
        empty.to_string()
    } else {
        out.nfc().collect()
    }
}

/// The file name (without `.jpg`) the pattern gives the work numbered
/// `number` of `count`. `{nn}` is the number with at least two digits.
pub fn name_file(pattern: &str, number: usize, work: &Work, given: &str, family: &str) -> String {
    let d = work.image.details.as_deref();
    pattern
        .replace("{nn}", &format!("{number:02}"))
        .replace("{n}", &number.to_string())
        .replace("{title}", &name_part(work.title(), "Untitled"))
        .replace("{year}", &name_part(work.year().unwrap_or(""), "undated"))
        .replace(
            "{inventory}",
            &name_part(
                d.and_then(|d| d.inventory_number.as_deref()).unwrap_or(""),
                "none",
            ),
        )
        .replace("{given}", given)
        .replace("{family}", family)
}

/// What a JPEG's markers say, read from the file written: whether its frame
/// is progressive (SOF2, SOF6, SOF10, SOF14), and whether it carries EXIF,
/// XMP, an ICC profile or IPTC (APP1, APP2, APP13). `None` if the markers
/// cannot be walked to the first frame.
pub fn jpeg_facts(bytes: &[u8]) -> Option<(bool, bool)> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut at = 2usize;
    let mut metadata = false;
    loop {
        let (&ff, &marker) = (bytes.get(at)?, bytes.get(at + 1)?);
        if ff != 0xFF {
            return None;
        }
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        match marker {
            0xE1 | 0xE2 | 0xED => metadata = true,
            0xC0 | 0xC1 | 0xC3 | 0xC5 | 0xC7 | 0xC9 | 0xCB | 0xCD | 0xCF => {
                return Some((false, metadata));
            }
            0xC2 | 0xC6 | 0xCA | 0xCE => return Some((true, metadata)),
            _ => {}
        }
        at = at.checked_add(2 + len)?;
    }
}

/// The rules in words, and whether a file of `w`×`h` pixels and `bytes`
/// meets each; `jpeg` is what [`jpeg_facts`] read of it.
fn judged(
    rules: &Rules,
    w: u32,
    h: u32,
    bytes: u64,
    jpeg: Option<(bool, bool)>,
) -> Vec<(String, bool)> {
    let long = w.max(h);
    let mut out = vec![(
        format!("long side at most {} px", rules.long_side),
        long <= rules.long_side,
    )];
    if let Some(min) = rules.min_side {
        out.push((format!("long side at least {min} px"), long >= min));
    }
    out.push((
        format!("at most {}", megabytes(rules.max_bytes)),
        bytes <= rules.max_bytes,
    ));
    out.push((
        if rules.progressive {
            "progressive JPEG".to_string()
        } else {
            "baseline JPEG".to_string()
        },
        jpeg.is_some_and(|(progressive, _)| progressive == rules.progressive),
    ));
    out.push((
        "sRGB, no EXIF, XMP or profile".to_string(),
        jpeg.is_some_and(|(_, metadata)| !metadata),
    ));
    out
}

/// "5 MB", "1.8 MB".
pub fn megabytes(bytes: u64) -> String {
    if bytes < MB {
        // Rounded up: a limit is never shown below what it is.
        return format!("{} kB", bytes.div_ceil(1000));
    }
    if bytes.is_multiple_of(MB) {
        return format!("{} MB", bytes / MB);
    }
    // Two decimals, so that a size just over a limit does not read as it.
    let text = format!("{:.2}", bytes as f64 / MB as f64);
    format!("{} MB", text.trim_end_matches('0').trim_end_matches('.'))
}

/// The works of the plan the pick takes, with their numbers in the gallery.
fn picked<'p>(plan: &'p Plan, pick: &Pick) -> Result<Vec<&'p Work>> {
    let all = plan.distinct_works();
    Ok(match pick {
        Pick::All => all,
        Pick::First(n) => all.into_iter().take(*n).collect(),
        Pick::Numbers(numbers) => {
            let mut seen = BTreeSet::new();
            let mut out = Vec::with_capacity(numbers.len());
            for &n in numbers {
                let Some(work) = n.checked_sub(1).and_then(|i| all.get(i)) else {
                    return Err(Error::invalid(
                        "works",
                        format!(
                            "there is no work {n}: the gallery's works are numbered 1 to {}",
                            all.len()
                        ),
                    ));
                };
                if !seen.insert(n) {
                    return Err(Error::invalid(
                        "works",
                        format!("work {n} is asked for twice"),
                    ));
                }
                out.push(*work);
            }
            out
        }
    })
}

/// The gallery as a package takes it, and what was left out of it: a
/// submission is the artist's own work, so a guest's feature is not sent
/// out under their name. Its distinct works, in order, are what `--works`
/// numbers.
pub fn plan_for_package(
    lib: &Library,
    gallery: GalleryId,
    reach: Reach,
) -> Result<(Plan, Vec<String>)> {
    let mut plan = Plan::read(lib, gallery, reach)?;
    let mut warnings = Vec::new();
    plan.sections.retain(|s| {
        let guest = s.link_type == GUEST;
        if guest {
            warnings.push(format!(
                "{}: \u{201c}{}\u{201d} ({}) is left out: a submission is your own work",
                s.heading,
                s.group_name,
                crate::count(s.works.len() as u64, "work", "works")
            ));
        }
        !guest
    });
    Ok((plan, warnings))
}

/// No chosen work can pass: nothing is written, and each is named.
fn none_pass(rules: &Rules, left_out: &[String]) -> Error {
    Error::invalid(
        "submission",
        format!(
            "none of the chosen works passes {}'s rules, so nothing was written: {}",
            rules.call,
            left_out.join("; ")
        ),
    )
}

/// Makes the package into the folder `out` (a new or empty folder, or one
/// Folio made a package of this gallery in before).
pub fn export_submission(
    lib: &Library,
    gallery: GalleryId,
    out: &Path,
    opts: &SubmissionOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<SubmissionReport> {
    let rules = &opts.rules;
    rules.check()?;
    let (plan, mut warnings) = plan_for_package(lib, gallery, opts.reach)?;
    let works = picked(&plan, &opts.pick)?;
    if works.is_empty() {
        return Err(Error::invalid(
            "submission",
            format!(
                "\u{201c}{}\u{201d} has no works of yours to submit: its groups are empty, private, or a guest's",
                plan.gallery.name
            ),
        ));
    }
    if let Some(max) = rules.max_count
        && works.len() > max
    {
        return Err(Error::invalid(
            "submission",
            format!(
                "{} takes at most {max} works and {} are chosen: choose at most {max} (\u{201c}Only the first\u{201d}, or --first or --works on the command line; nothing was written)",
                rules.call,
                works.len()
            ),
        ));
    }
    let given = name_part(plan.profile.given_name.as_deref().unwrap_or(""), "");
    let family = name_part(plan.profile.family_name.as_deref().unwrap_or(""), "");
    for (tag, value, field) in [
        ("{given}", &given, "given"),
        ("{family}", &family, "family"),
    ] {
        if rules.pattern.contains(tag) && value.is_empty() {
            return Err(Error::invalid(
                "pattern",
                format!(
                    "\u{201c}{}\u{201d} names files by your {field} name, and the profile has none: set it (`folio profile --{field} …`, or File > Artist profile…), or name the files by another pattern (--pattern)",
                    rules.pattern
                ),
            ));
        }
    }
    // Too small: known from the library, before any pixel is made.
    let mut left_out = Vec::new();
    let mut fit: Vec<&Work> = Vec::new();
    for work in works {
        let long = work.image.width.max(work.image.height);
        match rules.min_side {
            Some(min) if long < min => left_out.push(format!(
                "{}: left out: its long side is {long} px, and {} asks for at least {min} (Folio never enlarges a work)",
                work.named(),
                rules.call
            )),
            _ => fit.push(work),
        }
    }
    if fit.is_empty() {
        return Err(none_pass(rules, &left_out));
    }

    // The best quality that fits: the first try for every work, then the
    // rest of the steps at once (one decode) for those still too large.
    let spec = |quality: u8| Spec {
        size: Size::LongSide(rules.long_side),
        encoding: Encoding::Jpeg {
            quality,
            progressive: rules.progressive,
        },
    };
    let first = render_all(
        lib,
        &fit,
        &|_| vec![spec(QUALITIES[0])],
        opts.workers,
        progress,
        cancel,
    )?;
    // Alt text is not asked here: JPEGs for a form carry none.
    warnings.extend(first.warnings);
    left_out.extend(first.problems);
    let mut chosen: HashMap<crate::core::ImageId, (crate::core::media::render::Rendition, u8)> =
        HashMap::new();
    let mut too_large: Vec<&Work> = Vec::new();
    for work in &fit {
        if let Some(r) = first
            .by_image
            .get(&work.image.id)
            .and_then(|m| m.renditions.first())
        {
            if r.bytes <= rules.max_bytes {
                chosen.insert(work.image.id, (r.clone(), QUALITIES[0]));
            } else {
                too_large.push(work);
            }
        }
    }
    if !too_large.is_empty() {
        let rest = render_all(
            lib,
            &too_large,
            &|_| QUALITIES[1..].iter().map(|&q| spec(q)).collect(),
            opts.workers,
            progress,
            cancel,
        )?;
        left_out.extend(rest.problems);
        for work in &too_large {
            let Some(made) = rest.by_image.get(&work.image.id) else {
                continue;
            };
            let best = made
                .renditions
                .iter()
                .zip(&QUALITIES[1..])
                .find(|(r, _)| r.bytes <= rules.max_bytes);
            match best {
                Some((r, &q)) => {
                    chosen.insert(work.image.id, (r.clone(), q));
                }
                None => left_out.push(format!(
                    "{}: left out: even at JPEG quality {} it takes {}, and {} allows {}",
                    work.named(),
                    QUALITIES[QUALITIES.len() - 1],
                    megabytes(made.renditions.last().map_or(0, |r| r.bytes)),
                    rules.call,
                    megabytes(rules.max_bytes)
                )),
            }
        }
    }

    if chosen.is_empty() {
        return Err(none_pass(rules, &left_out));
    }
    // Where it goes: a new or empty folder, or this package's own.
    let mut written = Written::open(out, "submission", gallery)?;

    // Named and listed, in the order asked for.
    let mut report = SubmissionReport {
        out: out.to_path_buf(),
        warnings,
        ..SubmissionReport::default()
    };
    let mut names = super::Slugs::default();
    let mut csv = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| Error::invalid("image list", e.to_string());
    csv.write_record([
        "number",
        "file",
        "title",
        "year",
        "medium",
        "dimensions",
        "edition",
        "credit",
        "width",
        "height",
        "bytes",
    ])
    .map_err(csv_error)?;
    let mut files = Vec::new();
    for work in fit.iter().filter(|w| chosen.contains_key(&w.image.id)) {
        let Some((r, quality)) = chosen.get(&work.image.id) else {
            continue;
        };
        let number = files.len() + 1;
        let file = format!(
            "{}.jpg",
            names.unique(name_file(&rules.pattern, number, work, &given, &family))
        );
        let d = work.image.details.as_deref();
        csv.write_record([
            number.to_string().as_str(),
            file.as_str(),
            work.title(),
            work.year().unwrap_or(""),
            d.and_then(|d| d.medium.as_deref()).unwrap_or(""),
            d.and_then(|d| d.dimensions()).as_deref().unwrap_or(""),
            d.and_then(|d| d.edition.as_deref()).unwrap_or(""),
            d.and_then(|d| d.credit.as_deref()).unwrap_or(""),
            &r.width.to_string(),
            &r.height.to_string(),
            &r.bytes.to_string(),
        ])
        .map_err(csv_error)?;
        report.files.push(FileReport {
            number,
            file: file.clone(),
            work: work.named(),
            width: r.width,
            height: r.height,
            bytes: r.bytes,
            quality: *quality,
            rules: judged(
                rules,
                r.width,
                r.height,
                r.bytes,
                std::fs::read(&r.path).ok().as_deref().and_then(jpeg_facts),
            ),
        });
        files.push((file, r.path.clone()));
    }
    let csv_bytes = csv
        .into_inner()
        .map_err(|e| Error::invalid("image list", e.to_string()))?;
    // The same list as a PDF, for the calls that ask for one.
    let rows: Vec<super::pdf::ListRow> = report
        .files
        .iter()
        .zip(fit.iter().filter(|w| chosen.contains_key(&w.image.id)))
        .map(|(f, work)| {
            let d = work.image.details.as_deref();
            super::pdf::ListRow {
                number: f.number,
                where_: f.file.clone(),
                title: work.title().to_string(),
                year: work.year().unwrap_or("").to_string(),
                medium: d.and_then(|d| d.medium.clone()).unwrap_or_default(),
                dimensions: d.and_then(|d| d.dimensions()).unwrap_or_default(),
            }
        })
        .collect();
    let list_pdf = match super::pdf::image_list_pdf(
        &format!("Image list \u{2014} {}", plan.title()),
        plan.profile.name(),
        &format!(
            "For {}: {}, numbered as their files.",
            rules.call,
            crate::count(rows.len() as u64, "image", "images")
        ),
        &rows,
        super::pdf::Paper::A4,
    ) {
        Ok((pdf, unset)) => {
            report.warnings.extend(unset);
            Some(pdf)
        }
        // The CSV holds the same list: the package is not lost for it.
        Err(e) => {
            report.warnings.push(format!(
                "image-list.pdf could not be made ({e}); image-list.csv holds the same list"
            ));
            None
        }
    };
    let total = files.len() + 1;
    for (i, (rel, from)) in files.iter().enumerate() {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        written.copy(rel, from)?;
        progress(Progress {
            done: i + 1,
            total,
            stage: "Writing files",
        });
    }
    written.put("image-list.csv", &csv_bytes)?;
    if let Some(pdf) = &list_pdf {
        written.put("image-list.pdf", pdf)?;
    }
    let written = written.finish()?;
    report.left_out.extend(left_out);
    report.left_out.extend(written.removal_problems());
    report.bytes = written.bytes;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_accents_join_words_and_keep_letters_without_ascii() {
        assert_eq!(
            name_part("Île de la Cité, no. 3", "x"),
            "Ile_de_la_Cite_no_3"
        );
        assert_eq!(name_part("Søren Łukasz", "x"), "Soren_Lukasz");
        assert_eq!(name_part("夜の港 Night Harbour", "x"), "Night_Harbour");
        assert_eq!(name_part("静物", "Untitled"), "Untitled");
        assert_eq!(megabytes(40_000), "40 kB");
        assert_eq!(megabytes(5_000_000), "5 MB");
        assert_eq!(megabytes(10_040_000), "10.04 MB");
        assert_eq!(megabytes(1_800_000), "1.8 MB");
        assert_eq!(name_part("  ?? ", "Untitled"), "Untitled");
    }

    #[test]
    fn a_pattern_with_an_unknown_placeholder_or_a_slash_is_refused_by_name() {
        assert!(check_pattern("{nn}_{title}").is_ok());
        let e = check_pattern("{nn}_{name}").unwrap_err().to_string();
        assert!(e.contains("{name}"), "{e}");
        assert!(check_pattern("{nn}/{title}").is_err());
        assert!(check_pattern("{nn").is_err());
    }

    #[test]
    fn every_preset_is_a_valid_set_of_rules() {
        for p in PRESETS {
            Rules::from(p).check().unwrap();
        }
        assert_eq!(preset("CAFE").unwrap().long_side, 1920);
        assert!(preset("nope").unwrap_err().to_string().contains("cafe"));
    }

    #[cfg(feature = "libjpeg")]
    #[test]
    fn a_jpegs_markers_say_baseline_or_progressive_and_whether_it_carries_metadata() {
        let img = crate::core::sample::picture(64, 48, 1);
        let baseline = crate::core::media::libjpeg::encode_rendition(&img, 80, false).unwrap();
        let progressive = crate::core::media::libjpeg::encode_rendition(&img, 80, true).unwrap();
        assert_eq!(jpeg_facts(&baseline), Some((false, false)));
        assert_eq!(jpeg_facts(&progressive), Some((true, false)));
        let with_exif = crate::core::sample::jpeg_with_orientation(&img, 6).unwrap();
        assert_eq!(jpeg_facts(&with_exif).map(|f| f.1), Some(true));
        assert_eq!(jpeg_facts(b"not a jpeg"), None);
    }

    #[test]
    fn megabytes_read_as_forms_write_them() {
        assert_eq!(megabytes(5 * MB), "5 MB");
        assert_eq!(megabytes(1_800_000), "1.8 MB");
    }
}
