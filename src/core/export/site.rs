//! A gallery as a static website: `index.html` with one section per exported
//! link (in the gallery's order, headed by its type in words, the works in the
//! group's order), a page per work per section at `SECTION/WORK-SLUG/`, the
//! renditions in `img/`, and Folio's stylesheet, icon and (only when there
//! are members sections) the script that decrypts them, in `assets/`.
//!
//! Everything public works without JavaScript and loads nothing from
//! elsewhere. Members sections and their pages are encrypted
//! ([`super::members`]) into `m/`. Private links are not in the plan at
//! all. The same library gives the same bytes (members files aside, which
//! keep their bytes while their content and password do not change), and
//! a file that already holds the bytes is not written again.
//!
//! HTML comes from askama templates (`templates/site/`), checked when Folio
//! is compiled, with every value escaped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use askama::Template;

use super::members::{self, Key};
use super::{Plan, Progress, Reach, Section, Work, Written, render_all};
use crate::core::error::{Error, Result};
use crate::core::media::render::{Encoding, Rendition, Size, Spec};
use crate::core::model::catalog::Visibility;
use crate::core::{GalleryId, ImageId, Library};

/// The widths made by default: a phone's grid at 1× and at high density, a
/// laptop's grid, a large screen's page, and a high-density screen's page.
pub const DEFAULT_WIDTHS: [u32; 5] = [480, 720, 960, 1600, 2400];
/// WebP quality: as good as JPEG 82 at about two thirds of the bytes.
pub const WEBP_QUALITY: u8 = 80;
/// AVIF quality (ravif's scale): about JPEG 82's look at half its bytes.
pub const AVIF_QUALITY: u8 = 64;
/// JPEG quality of the website's renditions (progressive).
pub const JPEG_QUALITY: u8 = 82;

/// An image format a website offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WebFormat {
    /// Only with the `avif` feature.
    Avif,
    WebP,
    Jpeg,
}

impl WebFormat {
    pub fn parse(value: &str) -> Result<WebFormat> {
        match value.trim().to_ascii_lowercase().as_str() {
            "webp" => Ok(WebFormat::WebP),
            "jpeg" | "jpg" => Ok(WebFormat::Jpeg),
            "avif" if cfg!(feature = "avif") => Ok(WebFormat::Avif),
            "avif" => Err(Error::invalid(
                "format",
                "this Folio does not make AVIF (it is left out of the standard build: `cargo install --path . --features avif` adds it); webp and jpeg serve every browser",
            )),
            other => Err(Error::invalid(
                "format",
                format!(
                    "\u{201c}{other}\u{201d} is not one of webp, jpeg{}",
                    if cfg!(feature = "avif") { ", avif" } else { "" }
                ),
            )),
        }
    }

    fn encoding(self) -> Encoding {
        match self {
            WebFormat::WebP => Encoding::WebP {
                quality: WEBP_QUALITY,
            },
            WebFormat::Jpeg => Encoding::Jpeg {
                quality: JPEG_QUALITY,
                progressive: true,
            },
            WebFormat::Avif => Encoding::Avif {
                quality: AVIF_QUALITY,
            },
        }
    }
}

/// How to export a website.
#[derive(Clone, Debug)]
pub struct SiteOptions {
    /// The widths to make (each no wider than the original).
    pub widths: Vec<u32>,
    pub formats: Vec<WebFormat>,
    /// The members password; needed when the gallery has members links.
    pub password: Option<String>,
    /// PBKDF2 rounds ([`members::ITERATIONS`]; tests use fewer).
    pub iterations: u32,
    pub workers: usize,
}

impl Default for SiteOptions {
    fn default() -> Self {
        SiteOptions {
            widths: DEFAULT_WIDTHS.to_vec(),
            formats: vec![WebFormat::WebP, WebFormat::Jpeg],
            password: None,
            iterations: members::ITERATIONS,
            workers: crate::core::pool::default_workers(),
        }
    }
}

impl SiteOptions {
    /// Checks the widths and formats asked for.
    pub fn checked(mut self) -> Result<SiteOptions> {
        self.widths.sort_unstable();
        self.widths.dedup();
        if self.widths.is_empty() || self.widths.iter().any(|&w| !(16..=8192).contains(&w)) {
            return Err(Error::invalid(
                "widths",
                "give one or more widths from 16 to 8192 pixels, e.g. 480,960,1600",
            ));
        }
        self.formats.sort_unstable();
        self.formats.dedup();
        if self.formats.is_empty() {
            return Err(Error::invalid("formats", "give webp, jpeg, or both"));
        }
        Ok(self)
    }
}

/// What an export of a website did.
#[derive(Debug, Default)]
pub struct SiteReport {
    pub out: PathBuf,
    pub sections: usize,
    pub members_sections: usize,
    /// Distinct works shown.
    pub works: usize,
    pub pages: usize,
    pub renditions_made: usize,
    pub renditions_cached: usize,
    pub files_written: usize,
    pub files_unchanged: usize,
    pub files_removed: usize,
    pub bytes: u64,
    /// Works shown with a fallback alt text, and other things to know.
    pub warnings: Vec<String>,
    /// Works left out because they could not be rendered, each named.
    pub problems: Vec<String>,
}

/// The widths of a `w`-pixel-wide work: those asked for below its width,
/// and its own width when a larger one was asked for (never upscaled).
pub fn widths_for(w: u32, asked: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = asked.iter().copied().filter(|&a| a < w).collect();
    if asked.iter().any(|&a| a >= w) || out.is_empty() {
        out.push(w);
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn specs(work: &Work, opts: &SiteOptions) -> Vec<Spec> {
    let widths = widths_for(work.image.width, &opts.widths);
    opts.formats
        .iter()
        .flat_map(|f| {
            widths.iter().map(move |&w| Spec {
                size: if w >= work.image.width {
                    Size::Full
                } else {
                    Size::Width(w)
                },
                encoding: f.encoding(),
            })
        })
        .collect()
}

// ------------------------------------------------------------ templates

struct Head {
    title: String,
    description: String,
    og_image: Option<String>,
    root: String,
    members: bool,
    salt: String,
    iterations: u32,
    artist: Option<String>,
    website: Option<String>,
    website_label: String,
    contact: Option<String>,
    contact_mail: Option<String>,
}

#[derive(Clone)]
struct Pic {
    /// `<source>`s before the `<img>`: (type, srcset), best first.
    sources: Vec<(&'static str, String)>,
    src: Option<String>,
    srcset: String,
    sizes: &'static str,
    sealed: Option<String>,
    sealed_type: &'static str,
    width: u32,
    height: u32,
    alt: String,
    eager: bool,
    first: bool,
}

struct Card {
    href: String,
    pic: Pic,
    title: String,
    year: Option<String>,
}

struct SectionView {
    slug: String,
    heading: String,
    sealed: Option<String>,
    cards: Vec<Card>,
    description: Vec<String>,
}

#[derive(Template)]
#[template(path = "site/index.html")]
struct IndexPage<'a> {
    head: &'a Head,
    gallery: &'a str,
    description: Option<&'a str>,
    sections: Vec<SectionView>,
    statement: Option<Vec<String>>,
}

#[derive(Template)]
#[template(path = "site/works.html")]
struct WorksFragment {
    cards: Vec<Card>,
    description: Vec<String>,
}

#[derive(Template)]
#[template(path = "site/article.html")]
struct ArticleFragment {
    pic: Pic,
    title: String,
    facts: Vec<(&'static str, String)>,
    description: Vec<String>,
    section: String,
    prev: Option<(String, String)>,
    next: Option<(String, String)>,
    up: String,
}

/// A public work's page: its article (the same fragment a members page
/// seals) in the site's frame.
#[derive(Template)]
#[template(path = "site/work.html")]
struct WorkPage<'a> {
    head: &'a Head,
    gallery: &'a str,
    /// The rendered `ArticleFragment` (escaped as it was rendered).
    article: String,
}

#[derive(Template)]
#[template(path = "site/sealed.html")]
struct SealedPage<'a> {
    head: &'a Head,
    gallery: &'a str,
    name: String,
}

const STYLESHEET: &str = include_str!("assets/site.css");
const SCRIPT: &str = include_str!("assets/folio.js");
const FAVICON: &str = include_str!("assets/favicon.svg");

/// The grid's `sizes`: four columns on a wide screen, down to one on a phone.
const GRID_SIZES: &str =
    "(min-width: 76rem) 17rem, (min-width: 52rem) 30vw, (min-width: 36rem) 46vw, 92vw";
/// A work page's `sizes`.
const PAGE_SIZES: &str = "(min-width: 76rem) 54rem, (min-width: 60rem) 72vw, 96vw";
/// How many of the first works load at once (the rest when scrolled to).
const EAGER: usize = 4;

fn paragraphs(text: Option<&str>) -> Vec<String> {
    text.map(|t| {
        t.split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

fn render<T: Template>(t: &T) -> Result<String> {
    t.render()
        .map_err(|e| Error::invalid("website page", e.to_string()))
}

/// A work's renditions, by format, smallest first.
struct Shown {
    by_format: Vec<(WebFormat, Vec<Rendition>)>,
}

impl Shown {
    fn of(&self, format: WebFormat) -> Option<&[Rendition]> {
        self.by_format
            .iter()
            .find(|(f, _)| *f == format)
            .map(|(_, r)| r.as_slice())
    }

    /// The preferred format's renditions (WebP when made).
    /// The format members' images are sealed in: WebP when made (every
    /// current browser), else JPEG, else AVIF.
    fn best(&self) -> (&'static str, &[Rendition]) {
        [WebFormat::WebP, WebFormat::Jpeg, WebFormat::Avif]
            .into_iter()
            .find_map(|f| self.of(f).map(|r| (f.encoding().mime(), r)))
            .unwrap_or(("image/jpeg", &[]))
    }

    fn largest(&self) -> Option<&Rendition> {
        self.best().1.last()
    }

    /// The one nearest `width` from below (else the smallest).
    fn near(&self, width: u32) -> Option<&Rendition> {
        let all = self.best().1;
        all.iter().rev().find(|r| r.width <= width).or(all.first())
    }
}

fn public_name(work: &Work, r: &Rendition) -> String {
    let hash = work
        .image
        .content_hash
        .get(..16)
        .unwrap_or(&work.image.content_hash);
    format!("img/{hash}-{}.{}", r.width, r.spec.encoding.extension())
}

fn srcset(root: &str, work: &Work, renditions: &[Rendition]) -> String {
    renditions
        .iter()
        .map(|r| format!("{root}{} {}w", public_name(work, r), r.width))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `<picture>` of a public work.
fn public_pic(root: &str, work: &Work, shown: &Shown, sizes: &'static str, mid: u32) -> Pic {
    let jpeg = shown.of(WebFormat::Jpeg);
    // The <img> carries JPEG when made (every browser), else WebP, else
    // AVIF; <source>s offer the better formats before it.
    let img = jpeg
        .or(shown.of(WebFormat::WebP))
        .or(shown.of(WebFormat::Avif))
        .unwrap_or(&[]);
    let sources = [WebFormat::Avif, WebFormat::WebP]
        .into_iter()
        .filter_map(|f| shown.of(f).map(|r| (f, r)))
        .filter(|(_, r)| !std::ptr::eq(*r, img))
        .map(|(f, r)| (f.encoding().mime(), srcset(root, work, r)))
        .collect();
    let fallback = img.iter().rev().find(|r| r.width <= mid).or(img.first());
    let (width, height) = img.last().map_or((1, 1), |r| (r.width, r.height));
    Pic {
        sources,
        src: fallback.map(|r| format!("{root}{}", public_name(work, r))),
        srcset: srcset(root, work, img),
        sizes,
        sealed: None,
        sealed_type: "",
        width,
        height,
        alt: work.alt.clone(),
        eager: false,
        first: false,
    }
}

/// Exports the gallery as a website into `out` (see the module's notes).
pub fn export_site(
    lib: &mut Library,
    gallery: GalleryId,
    out: &Path,
    opts: &SiteOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<SiteReport> {
    let opts = opts.clone().checked()?;
    let plan = Plan::read(lib, gallery, Reach::Members)?;
    let has_members = plan
        .sections
        .iter()
        .any(|s| s.visibility == Visibility::Members);
    let key = if has_members {
        let password = opts.password.as_deref().ok_or_else(|| {
            Error::invalid(
                "members password",
                "this gallery has members sections: give the password that will open them (or make those links public or private)",
            )
        })?;
        members::check_password(password)?;
        progress(Progress {
            done: 0,
            total: 0,
            stage: "Making the members key",
        });
        let salt = members::salt_of(lib, gallery)?;
        Some(Key::derive(password, salt, opts.iterations))
    } else {
        None
    };
    let mut written = Written::open(out, "site", gallery)?;

    // Renditions of every distinct work, on every core.
    let works = plan.distinct_works();
    let specs_of = |w: &Work| specs(w, &opts);
    let rendered = render_all(lib, &works, &specs_of, opts.workers, progress, cancel)?;
    let mut report = SiteReport {
        out: out.to_path_buf(),
        renditions_made: rendered.made,
        renditions_cached: rendered.cached,
        warnings: plan
            .alt_warnings()
            .into_iter()
            .chain(rendered.warnings)
            .collect(),
        problems: rendered.problems,
        ..SiteReport::default()
    };
    let shown: HashMap<ImageId, Shown> = rendered
        .by_image
        .into_iter()
        .map(|(id, m)| {
            let by_format = opts
                .formats
                .iter()
                .map(|&f| {
                    let mut r: Vec<Rendition> = m
                        .renditions
                        .iter()
                        .filter(|r| r.spec.encoding == f.encoding())
                        .cloned()
                        .collect();
                    r.sort_by_key(|r| r.width);
                    (f, r)
                })
                .collect();
            (id, Shown { by_format })
        })
        .collect();

    // The sections as shown: works that could not be rendered are left out.
    let sections: Vec<(&Section, Vec<&Work>)> = plan
        .sections
        .iter()
        .map(|s| {
            let works = s
                .works
                .iter()
                .filter(|w| shown.contains_key(&w.image.id))
                .collect();
            (s, works)
        })
        .collect();
    let total_pages = 1 + sections.iter().map(|(_, w)| w.len()).sum::<usize>();
    let mut pages_done = 0;
    let mut page_progress = |progress: &mut dyn FnMut(Progress)| {
        pages_done += 1;
        progress(Progress {
            done: pages_done,
            total: total_pages,
            stage: "Writing pages",
        });
    };

    let profile = &plan.profile;
    let artist = profile.name();
    // Only a web address becomes a link (never `javascript:` or the like).
    let website = profile.website.as_ref().map(|w| {
        let lower = w.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            w.clone()
        } else {
            format!("https://{w}")
        }
    });
    let website_label = profile
        .website
        .as_deref()
        .map(|w| {
            w.trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string()
        })
        .unwrap_or_default();
    let contact_mail = profile
        .contact
        .as_ref()
        .filter(|c| c.contains('@') && !c.contains(char::is_whitespace))
        .map(|c| c.trim_start_matches("mailto:").to_string());
    let description = plan
        .gallery
        .description
        .as_deref()
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .map(|d| {
            if d.chars().count() > 160 {
                let cut: String = d.chars().take(157).collect();
                format!("{}\u{2026}", cut.trim_end())
            } else {
                d
            }
        })
        .unwrap_or_else(|| match &artist {
            Some(a) => format!("{}: works by {a}.", plan.gallery.name),
            None => format!("{}: a portfolio.", plan.gallery.name),
        });
    let head_at = |root: &str, title: String, og_image: Option<String>| Head {
        title,
        description: description.clone(),
        og_image,
        root: root.to_string(),
        members: has_members,
        salt: key
            .as_ref()
            .map(|k| members::base64(&k.salt))
            .unwrap_or_default(),
        iterations: opts.iterations,
        artist: artist.clone(),
        website: website.clone(),
        website_label: website_label.clone(),
        contact: profile.contact.clone(),
        contact_mail: contact_mail.clone(),
    };

    // Public renditions, copied from the cache into img/.
    for (section, works) in &sections {
        if section.visibility != Visibility::Public {
            continue;
        }
        for work in works {
            let Some(s) = shown.get(&work.image.id) else {
                continue;
            };
            for (_, renditions) in &s.by_format {
                for r in renditions {
                    let rel = public_name(work, r);
                    if !written.has(&rel) {
                        written.copy(&rel, &r.path)?;
                    }
                }
            }
        }
    }

    let og_image = sections
        .iter()
        .find(|(s, w)| s.visibility == Visibility::Public && !w.is_empty())
        .and_then(|(_, w)| {
            let s = shown.get(&w[0].image.id)?;
            let jpeg = s.of(WebFormat::Jpeg).or(s.of(WebFormat::WebP))?;
            let r = jpeg
                .iter()
                .rev()
                .find(|r| r.width <= 1600)
                .or(jpeg.first())?;
            Some(public_name(w[0], r))
        });

    let mut views = Vec::new();
    let mut first_public = true;
    let mut eager_left = EAGER;
    for (section, works) in &sections {
        let is_members = section.visibility == Visibility::Members;
        if is_members {
            report.members_sections += 1;
        }
        report.sections += 1;
        let n = works.len();
        // Pages' links: public at SECTION/SLUG/, members at m/NAME.html.
        let page_names: Vec<String> = works
            .iter()
            .map(|w| match &key {
                Some(k) if is_members => {
                    k.name_of(format!("page\0{}\0{}", section.slug, w.slug).as_bytes())
                }
                _ => w.slug.clone(),
            })
            .collect();
        let mut cards = Vec::new();
        for (i, work) in works.iter().enumerate() {
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(Error::Cancelled);
            }
            let Some(s) = shown.get(&work.image.id) else {
                continue;
            };
            let title = work.title().to_string();
            let year = work.year().map(str::to_string);
            let neighbour = |j: usize, members_page: bool| -> (String, String) {
                let href = if members_page {
                    format!("{}.html", page_names[j])
                } else {
                    // index.html named: a folder link opens a listing from file://.
                    format!("../{}/index.html", page_names[j])
                };
                (href, works[j].title().to_string())
            };
            match &key {
                Some(k) if is_members => {
                    let grid = sealed_pic(&mut written, k, work, s, s.near(960), GRID_SIZES)?;
                    cards.push(Card {
                        href: format!("m/{}.html", page_names[i]),
                        pic: grid,
                        title: title.clone(),
                        year: year.clone(),
                    });
                    let pic = sealed_pic(&mut written, k, work, s, s.largest(), PAGE_SIZES)?;
                    let article = render(&ArticleFragment {
                        pic: Pic { eager: true, ..pic },
                        title,
                        facts: work.facts(),
                        description: paragraphs(work.description()),
                        section: section.heading.clone(),
                        prev: (i > 0).then(|| neighbour(i - 1, true)),
                        next: (i + 1 < n).then(|| neighbour(i + 1, true)),
                        up: format!("../index.html#{}", section.slug),
                    })?;
                    put_sealed(&mut written, k, &page_names[i], article.as_bytes())?;
                    let shell = render(&SealedPage {
                        head: &head_at(
                            "../",
                            format!("For members \u{2014} {}", plan.title()),
                            None,
                        ),
                        gallery: &plan.gallery.name,
                        name: page_names[i].clone(),
                    })?;
                    written.put(&format!("m/{}.html", page_names[i]), shell.as_bytes())?;
                }
                _ => {
                    let mut pic = public_pic("", work, s, GRID_SIZES, 960);
                    if eager_left > 0 {
                        pic.eager = true;
                        pic.first = first_public;
                        first_public = false;
                        eager_left -= 1;
                    }
                    cards.push(Card {
                        href: format!("{}/{}/index.html", section.slug, work.slug),
                        pic,
                        title: title.clone(),
                        year,
                    });
                    let mut pic = public_pic("../../", work, s, PAGE_SIZES, 1600);
                    pic.eager = true;
                    pic.first = true;
                    // Shared, a work's page shows the work itself.
                    let own = s
                        .of(WebFormat::Jpeg)
                        .or(s.of(WebFormat::WebP))
                        .and_then(|r| r.iter().rev().find(|r| r.width <= 1600).or(r.first()))
                        .map(|r| format!("../../{}", public_name(work, r)));
                    let article = render(&ArticleFragment {
                        pic,
                        title,
                        facts: work.facts(),
                        description: paragraphs(work.description()),
                        section: section.heading.clone(),
                        prev: (i > 0).then(|| neighbour(i - 1, false)),
                        next: (i + 1 < n).then(|| neighbour(i + 1, false)),
                        up: format!("../../index.html#{}", section.slug),
                    })?;
                    let page = render(&WorkPage {
                        head: &head_at(
                            "../../",
                            format!("{} \u{2014} {}", work.title(), plan.title()),
                            own,
                        ),
                        gallery: &plan.gallery.name,
                        article,
                    })?;
                    written.put(
                        &format!("{}/{}/index.html", section.slug, work.slug),
                        page.as_bytes(),
                    )?;
                }
            }
            report.pages += 1;
            page_progress(progress);
        }
        let mut description = paragraphs(section.description.as_deref());
        let sealed = match &key {
            Some(k) if is_members => {
                // A members group's description is the members' to read.
                let fragment = render(&WorksFragment {
                    cards,
                    description: std::mem::take(&mut description),
                })?;
                let name = k.name_of(format!("section\0{}", section.slug).as_bytes());
                put_sealed(&mut written, k, &name, fragment.as_bytes())?;
                cards = Vec::new();
                Some(name)
            }
            _ => None,
        };
        views.push(SectionView {
            slug: section.slug.clone(),
            heading: section.heading.clone(),
            sealed,
            cards,
            description,
        });
    }

    let statement = profile.statement.as_deref().map(|s| paragraphs(Some(s)));
    let index = render(&IndexPage {
        head: &head_at("", plan.title(), og_image.clone()),
        gallery: &plan.gallery.name,
        description: plan.gallery.description.as_deref(),
        sections: views,
        statement,
    })?;
    written.put("index.html", index.as_bytes())?;
    report.pages += 1;
    page_progress(progress);
    written.put("assets/site.css", STYLESHEET.as_bytes())?;
    written.put("assets/favicon.svg", FAVICON.as_bytes())?;
    if has_members {
        written.put("assets/folio.js", SCRIPT.as_bytes())?;
    }
    let written = written.finish()?;
    report.problems.extend(written.removal_problems());
    report.works = shown.len();
    report.files_written = written.written;
    report.files_unchanged = written.unchanged;
    report.files_removed = written.removed;
    report.bytes = written.bytes;
    Ok(report)
}

/// A members work's picture: its rendition encrypted into `m/`.
fn sealed_pic(
    written: &mut Written,
    key: &Key,
    work: &Work,
    shown: &Shown,
    rendition: Option<&Rendition>,
    sizes: &'static str,
) -> Result<Pic> {
    let (mime, _) = shown.best();
    let (name, width, height) = match rendition {
        Some(r) => {
            let bytes = std::fs::read(&r.path).map_err(|e| Error::io(&r.path, e))?;
            let name = key.name_of(&bytes);
            put_sealed(written, key, &name, &bytes)?;
            (Some(name), r.width, r.height)
        }
        None => (None, 1, 1),
    };
    Ok(Pic {
        sources: Vec::new(),
        src: None,
        srcset: String::new(),
        sizes,
        sealed: name,
        sealed_type: mime,
        width,
        height,
        alt: work.alt.clone(),
        eager: false,
        first: false,
    })
}

/// Writes `plaintext` encrypted as `m/NAME.js`, unless the file there
/// already holds it under this key (then its bytes stay as they are).
fn put_sealed(written: &mut Written, key: &Key, name: &str, plaintext: &[u8]) -> Result<()> {
    let rel = format!("m/{name}.js");
    if written.has(&rel) {
        return Ok(());
    }
    let same = written
        .read_previous(&rel)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| members::parse_script(&text))
        .is_some_and(|(n, sealed)| {
            n == name && key.open(name, &sealed).as_deref() == Some(plaintext)
        });
    if same && written.keep(&rel)? {
        return Ok(());
    }
    let sealed = key.seal(name, plaintext)?;
    written.put(&rel, members::script(name, &sealed).as_bytes())
}
