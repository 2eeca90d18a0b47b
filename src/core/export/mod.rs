//! Exports: what leaves Folio to show the portfolio. One gallery at a time:
//!
//! - [`site`]: a static website (one page per section and work, responsive
//!   renditions, members sections encrypted with [`members`]);
//! - [`folder`]: an ordered folder or ZIP of JPEGs with a manifest and an
//!   image list.
//!
//! Both start from a [`Plan`]: the gallery's links in the artist's order,
//! each with its visibility, and the works of the exported ones in their
//! group's order, each with the alt text it will carry. Private links never
//! reach a plan's sections. What an export writes into a folder is listed in
//! the folder ([`Written`]), so that exporting again removes what is no
//! longer part of it (a link made private, a work taken out) and never
//! touches a file Folio did not write.

pub mod folder;
pub mod members;
pub mod site;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::core::error::{Error, IoContext, Result};
use crate::core::media::render;
use crate::core::model::catalog::{self, Gallery, Visibility};
use crate::core::model::images::{self, Image};
use crate::core::model::profile::{self, Profile};
use crate::core::storage::atomic::{self, Durability, write_all};
use crate::core::{GalleryId, GroupId, Library};

/// A link type in words, as a heading shows it: the seed's types spelled out
/// ("Behind the scenes"), the artist's own as typed.
pub fn type_words(link_type: &str) -> String {
    if catalog::SEED_TYPES.contains(&link_type) {
        let words = link_type.replace('_', " ");
        let mut chars = words.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => words,
        }
    } else {
        link_type.to_string()
    }
}

/// A path segment made of `text`: letters and digits (accents dropped,
/// lower case), the rest as single hyphens, at most 60 characters; `empty`
/// when nothing is left.
pub fn slug(text: &str, empty: &str) -> String {
    let folded = crate::core::text::fold(text);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.chars().count() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        empty.to_string()
    } else {
        out.to_string()
    }
}

/// Hands out slugs unique among those it gave: a clash gets -2, -3….
#[derive(Debug, Default)]
pub struct Slugs(BTreeSet<String>);

impl Slugs {
    pub fn unique(&mut self, base: String) -> String {
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.0.insert(candidate.clone()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        candidate
    }
}

/// Where a work's alt text comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AltFrom {
    /// The artist wrote it.
    Written,
    /// Its title (and medium): no alt text was written.
    Title,
    /// Neither alt text nor title: "Untitled work".
    Untitled,
}

/// The alt text an export gives a work: the artist's, else its title (and
/// medium), else "Untitled work"; never the file name.
pub fn alt_for(image: &Image) -> (String, AltFrom) {
    if let Some(alt) = image
        .alt_text
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        return (alt.to_string(), AltFrom::Written);
    }
    let details = image.details.as_deref();
    match (image.title(), details.and_then(|d| d.medium.as_deref())) {
        (Some(title), Some(medium)) => (format!("{title}, {medium}"), AltFrom::Title),
        (Some(title), None) => (title.to_string(), AltFrom::Title),
        (None, _) => ("Untitled work".to_string(), AltFrom::Untitled),
    }
}

/// Which links an export takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Public links only.
    Public,
    /// Public and members links (never private ones).
    Members,
}

impl Reach {
    pub fn takes(self, visibility: Visibility) -> bool {
        match visibility {
            Visibility::Public => true,
            Visibility::Members => self == Reach::Members,
            Visibility::Private => false,
        }
    }
}

/// One link of the gallery, as the pre-flight lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkLine {
    pub group: GroupId,
    pub group_name: String,
    pub link_type: String,
    pub visibility: Visibility,
    pub works: u64,
    /// Whether this export takes it.
    pub exported: bool,
}

impl LinkLine {
    /// "Behind the scenes: “Making of”, 4 works, members (encrypted)".
    pub fn describe(&self, site: bool) -> String {
        let what = match (self.visibility, self.exported, site) {
            (Visibility::Private, ..) => "private, left out",
            (Visibility::Members, true, true) => "members, encrypted with the password",
            (Visibility::Members, true, false) => "members, included",
            (Visibility::Members, false, _) => "members, left out",
            (Visibility::Public, ..) => "public",
        };
        format!(
            "{}: \u{201c}{}\u{201d}, {}, {what}",
            type_words(&self.link_type),
            self.group_name,
            crate::count(self.works, "work", "works")
        )
    }
}

/// A work in a section: its image, alt text and page slug.
#[derive(Clone, Debug)]
pub struct Work {
    pub image: Image,
    /// The original, in the library.
    pub path: PathBuf,
    pub alt: String,
    pub alt_from: AltFrom,
    /// Its page's folder name, unique in its section.
    pub slug: String,
}

impl Work {
    /// What to call it in a message: its title, else its file name.
    pub fn named(&self) -> String {
        match self.image.title() {
            Some(t) => format!("\u{201c}{t}\u{201d} ({})", self.image.original_name),
            None => self.image.original_name.clone(),
        }
    }

    /// The caption's lines below the title: year, medium, dimensions,
    /// edition, credit (each only when given).
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let Some(d) = self.image.details.as_deref() else {
            return Vec::new();
        };
        let mut facts = Vec::new();
        if let Some(y) = &d.year {
            facts.push(("Year", y.clone()));
        }
        if let Some(m) = &d.medium {
            facts.push(("Medium", m.clone()));
        }
        if let Some(dim) = d.dimensions() {
            facts.push(("Dimensions", dim));
        }
        if let Some(e) = &d.edition {
            facts.push(("Edition", e.clone()));
        }
        if let Some(c) = &d.credit {
            facts.push(("Credit", c.clone()));
        }
        facts
    }

    pub fn title(&self) -> &str {
        self.image.title().unwrap_or("Untitled")
    }

    pub fn year(&self) -> Option<&str> {
        self.image
            .details
            .as_deref()
            .and_then(|d| d.year.as_deref())
    }

    pub fn description(&self) -> Option<&str> {
        self.image
            .details
            .as_deref()
            .and_then(|d| d.description.as_deref())
    }
}

/// An exported link: a heading and its works in order.
#[derive(Clone, Debug)]
pub struct Section {
    pub group: GroupId,
    pub group_name: String,
    pub link_type: String,
    /// The type in words.
    pub heading: String,
    pub visibility: Visibility,
    /// Its folder name, unique in the export.
    pub slug: String,
    pub works: Vec<Work>,
}

/// What an export of one gallery shows.
#[derive(Clone, Debug)]
pub struct Plan {
    pub gallery: Gallery,
    pub profile: Profile,
    /// Every link of the gallery, exported or not, in the artist's order.
    pub links: Vec<LinkLine>,
    pub sections: Vec<Section>,
}

impl Plan {
    /// Reads the gallery's plan: its links in order, the works of those
    /// `reach` takes.
    pub fn read(lib: &Library, gallery: GalleryId, reach: Reach) -> Result<Plan> {
        let conn = lib.conn();
        let info = catalog::gallery(conn, gallery)?;
        let profile = profile::read(conn)?;
        let mut links = Vec::new();
        let mut sections = Vec::new();
        let mut section_slugs = Slugs::default();
        // Folder names Folio itself uses are never a section's.
        for taken in ["assets", "img", "m"] {
            section_slugs.unique(taken.to_string());
        }
        for link in catalog::gallery_links(conn, gallery)? {
            let exported = reach.takes(link.visibility);
            links.push(LinkLine {
                group: link.group,
                group_name: link.group_name.clone(),
                link_type: link.link_type.clone(),
                visibility: link.visibility,
                works: link.image_count,
                exported,
            });
            if !exported {
                continue;
            }
            let heading = type_words(&link.link_type);
            let section_slug = section_slugs.unique(slug(&heading, "section"));
            let mut work_slugs = Slugs::default();
            let works = images::group_images(conn, link.group)?
                .into_iter()
                .map(|image| {
                    let (alt, alt_from) = alt_for(&image);
                    let slug = work_slugs.unique(slug(image.title().unwrap_or(""), "untitled"));
                    Work {
                        path: lib.file_path(&image.filename),
                        image,
                        alt,
                        alt_from,
                        slug,
                    }
                })
                .collect();
            sections.push(Section {
                group: link.group,
                group_name: link.group_name,
                link_type: link.link_type,
                heading,
                visibility: link.visibility,
                slug: section_slug,
                works,
            });
        }
        Ok(Plan {
            gallery: info,
            profile,
            links,
            sections,
        })
    }

    /// The pre-flight: each link's line, then each work that will carry a
    /// fallback alt text (named once, however many sections show it).
    pub fn preflight(&self, site: bool) -> Vec<String> {
        let mut lines: Vec<String> = self.links.iter().map(|l| l.describe(site)).collect();
        lines.extend(self.alt_warnings());
        lines
    }

    /// One warning per work without alt text of its own.
    pub fn alt_warnings(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for work in self.sections.iter().flat_map(|s| &s.works) {
            if work.alt_from == AltFrom::Written || !seen.insert(work.image.id) {
                continue;
            }
            out.push(match work.alt_from {
                AltFrom::Title => format!(
                    "{} has no alt text: its title is used (\u{201c}{}\u{201d})",
                    work.named(),
                    work.alt
                ),
                _ => format!(
                    "{} has no alt text and no title: it is described as \u{201c}Untitled work\u{201d}",
                    work.named()
                ),
            });
        }
        out
    }

    /// The works without alt text of their own, once each, in the order shown.
    pub fn missing_alt(&self) -> Vec<&Work> {
        let mut seen = BTreeSet::new();
        self.sections
            .iter()
            .flat_map(|s| &s.works)
            .filter(|w| w.alt_from != AltFrom::Written && seen.insert(w.image.id))
            .collect()
    }

    /// Every distinct work in the plan, in the order first shown.
    pub fn distinct_works(&self) -> Vec<&Work> {
        let mut seen = BTreeSet::new();
        self.sections
            .iter()
            .flat_map(|s| &s.works)
            .filter(|w| seen.insert(w.image.id))
            .collect()
    }

    /// The title an export gives the whole: "Gallery — Artist".
    pub fn title(&self) -> String {
        match self.profile.name() {
            Some(artist) => format!("{} \u{2014} {artist}", self.gallery.name),
            None => self.gallery.name.clone(),
        }
    }
}

/// How far an export has got.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// What it is doing ("Making renditions", "Writing pages").
    pub stage: &'static str,
}

/// Renditions of every distinct work of a plan, made on `workers` threads.
/// Each work's result by image id; a work that cannot be rendered is an
/// error of its own (the export leaves it out and names it). `background`
/// lowers the workers' priority (the app's frames come first).
pub fn render_all(
    lib: &Library,
    works: &[&Work],
    specs_of: &(dyn Fn(&Work) -> Vec<render::Spec> + Sync),
    workers: usize,
    background: bool,
    progress: &mut dyn FnMut(Progress),
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<HashMap<crate::core::ImageId, std::result::Result<render::Made, String>>> {
    use std::ops::ControlFlow;
    use std::sync::atomic::Ordering;
    let store_root = lib.store_root().to_path_buf();
    let mut out = HashMap::new();
    let total = works.len();
    progress(Progress {
        done: 0,
        total,
        stage: "Making renditions",
    });
    crate::core::pool::map_ordered(
        "folio-render",
        works,
        workers,
        |work| {
            if background {
                crate::core::pool::run_in_background();
            }
            if cancel.load(Ordering::Relaxed) {
                return Err("cancelled".to_string());
            }
            let source = render::Source {
                path: &work.path,
                hash: &work.image.content_hash,
                format: work.image.format,
                width: work.image.width,
                height: work.image.height,
            };
            render::renditions(&store_root, &source, &specs_of(work)).map_err(|e| e.to_string())
        },
        |i, work, result| {
            let result = result.unwrap_or_else(|panic| {
                Err(format!(
                    "making its renditions crashed ({})",
                    crate::core::pool::panic_message(&*panic)
                ))
            });
            out.insert(work.image.id, result);
            progress(Progress {
                done: i + 1,
                total,
                stage: "Making renditions",
            });
            if cancel.load(Ordering::Relaxed) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    );
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Cancelled);
    }
    Ok(out)
}

/// The file in an export folder that lists what Folio wrote there.
pub const WRITTEN_LIST: &str = ".folio-export";

/// The files an export writes into its folder, and what it did with each:
/// written (new or changed), left (already the same bytes), removed (written
/// by the last export, not part of this one).
#[derive(Debug)]
pub struct Written {
    root: PathBuf,
    kind: &'static str,
    before: BTreeSet<String>,
    now: BTreeSet<String>,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub bytes: u64,
}

impl Written {
    /// Opens `root` for an export of `kind` ("site", "folder"): a missing or
    /// empty folder, or one an export of the same kind wrote. A folder with
    /// other files is refused, naming it: nothing in it is touched.
    pub fn open(root: &Path, kind: &'static str) -> Result<Written> {
        let list = root.join(WRITTEN_LIST);
        let mut before = BTreeSet::new();
        match std::fs::read_to_string(&list) {
            Ok(text) => {
                let mut lines = text.lines();
                let header = lines.next().unwrap_or("");
                if header != format!("folio-export 1 {kind}") {
                    return Err(Error::invalid(
                        "export folder",
                        format!(
                            "{} holds a different kind of Folio export; choose another folder",
                            root.display()
                        ),
                    ));
                }
                before.extend(lines.filter(|l| safe_relative(l)).map(str::to_string));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Ok(mut entries) = std::fs::read_dir(root)
                    && entries.next().is_some()
                {
                    return Err(Error::invalid(
                        "export folder",
                        format!(
                            "{} is not empty, and Folio did not export to it: choose an empty folder (or a new one), so that none of your files is replaced",
                            root.display()
                        ),
                    ));
                }
            }
            Err(e) => return Err(Error::io(&list, e)),
        }
        std::fs::create_dir_all(root).at(root)?;
        Ok(Written {
            root: root.to_path_buf(),
            kind,
            before,
            now: BTreeSet::new(),
            written: 0,
            unchanged: 0,
            removed: 0,
            bytes: 0,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether this export already wrote `rel`.
    pub fn has(&self, rel: &str) -> bool {
        self.now.contains(rel)
    }

    /// Puts `bytes` at `rel` (a '/'-separated path inside the folder) unless
    /// the file there holds them already; whole or not at all.
    pub fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path_of(rel)?;
        self.now.insert(rel.to_string());
        self.bytes += bytes.len() as u64;
        if let Ok(meta) = std::fs::metadata(&path)
            && meta.len() == bytes.len() as u64
            && std::fs::read(&path).is_ok_and(|old| old == bytes)
        {
            self.unchanged += 1;
            return Ok(());
        }
        atomic::write_with(&path, bytes, Durability::Cache, &write_all)?;
        self.written += 1;
        Ok(())
    }

    /// Copies the file at `from` to `rel`, unless it is there already.
    pub fn copy(&mut self, rel: &str, from: &Path) -> Result<()> {
        let bytes = std::fs::read(from).at(from)?;
        self.put(rel, &bytes)
    }

    /// Leaves the file at `rel` as it is, as part of this export (a members
    /// file whose content and key have not changed).
    pub fn keep(&mut self, rel: &str) -> Result<bool> {
        let path = self.path_of(rel)?;
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => {
                self.now.insert(rel.to_string());
                self.bytes += m.len();
                self.unchanged += 1;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Reads back a file of the last export (members files are compared).
    pub fn read_previous(&self, rel: &str) -> Option<Vec<u8>> {
        if !self.before.contains(rel) {
            return None;
        }
        std::fs::read(self.path_of(rel).ok()?).ok()
    }

    fn path_of(&self, rel: &str) -> Result<PathBuf> {
        if !safe_relative(rel) {
            return Err(Error::invalid(
                "export path",
                format!("{rel} is not a plain relative path"),
            ));
        }
        Ok(self.root.join(rel))
    }

    /// Removes what the last export wrote and this one did not (then the
    /// folders that left empty), and writes the new list.
    pub fn finish(mut self) -> Result<Written> {
        let gone: Vec<String> = self.before.difference(&self.now).cloned().collect();
        let mut dirs = BTreeSet::new();
        for rel in gone {
            let path = self.root.join(&rel);
            match std::fs::remove_file(&path) {
                Ok(()) => self.removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
            let mut dir = Path::new(&rel).parent();
            while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                dirs.insert(d.to_path_buf());
                dir = d.parent();
            }
        }
        // Deepest first; a folder with anything else in it stays.
        for dir in dirs.iter().rev() {
            let _ = std::fs::remove_dir(self.root.join(dir));
        }
        let mut list = format!("folio-export 1 {}\n", self.kind);
        for rel in &self.now {
            list.push_str(rel);
            list.push('\n');
        }
        atomic::write_with(
            &self.root.join(WRITTEN_LIST),
            list.as_bytes(),
            Durability::Cache,
            &write_all,
        )?;
        self.before = std::mem::take(&mut self.now);
        Ok(self)
    }
}

/// A '/'-separated path of plain names: no root, no `..`, no empty part.
fn safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_unique_and_never_empty() {
        assert_eq!(
            slug("Harbour Lights, No. 3", "untitled"),
            "harbour-lights-no-3"
        );
        assert_eq!(slug("Étude à l’eau", "untitled"), "etude-a-l-eau");
        assert_eq!(slug("…", "untitled"), "untitled");
        assert_eq!(slug("水の光", "untitled"), "水の光");
        assert_eq!(slug(&"a".repeat(100), "x").len(), 60);
        let mut s = Slugs::default();
        let got: Vec<_> = ["dock", "dock", "dock"].map(|b| s.unique(b.into())).into();
        assert_eq!(got, ["dock", "dock-2", "dock-3"]);
        assert_eq!(type_words("behind_the_scenes"), "Behind the scenes");
        assert_eq!(type_words("studio visits"), "studio visits");
    }

    #[test]
    fn an_export_folder_is_refused_when_others_files_are_in_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.doc"), b"mine").unwrap();
        let err = Written::open(dir.path(), "site").unwrap_err();
        assert!(err.to_string().contains("not empty"), "{err}");
        assert_eq!(
            std::fs::read(dir.path().join("thesis.doc")).unwrap(),
            b"mine"
        );
    }

    #[test]
    fn exporting_again_removes_only_what_the_last_export_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let mut w = Written::open(&out, "site").unwrap();
        w.put("index.html", b"one").unwrap();
        w.put("a/b/page.html", b"page").unwrap();
        w.finish().unwrap();
        // The artist adds a file of their own.
        std::fs::write(out.join("a/notes.txt"), b"mine").unwrap();
        let mut w = Written::open(&out, "site").unwrap();
        w.put("index.html", b"one").unwrap();
        let w = w.finish().unwrap();
        assert_eq!((w.written, w.unchanged, w.removed), (0, 1, 1));
        assert!(!out.join("a/b").exists());
        assert_eq!(std::fs::read(out.join("a/notes.txt")).unwrap(), b"mine");
        // Another kind of export is refused there.
        assert!(Written::open(&out, "folder").is_err());
        assert!(!safe_relative("../x") && !safe_relative("/etc") && safe_relative("a/b.jpg"));
    }
}
