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
pub mod original;
pub mod pdf;
pub mod site;
pub mod submission;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::core::error::{Error, IoContext, Result};
use crate::core::media::render;
use crate::core::model::catalog::{self, Gallery, Visibility};
use crate::core::model::images::{self, Image};
use crate::core::model::profile::{self, Profile};
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
    use unicode_normalization::UnicodeNormalization;
    // Folded (lower case, accents dropped), then composed again: Hangul and
    // the like stay whole syllables.
    let folded: String = crate::core::text::fold(text).nfc().collect();
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
    // Names Windows will not give a file or folder.
    const RESERVED: [&str; 22] = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    if out.is_empty() {
        empty.to_string()
    } else if RESERVED.contains(&out) {
        format!("{out}-work")
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
    /// The group's description, shown under the heading ("Works by our
    /// guest, Tomas Reyes.").
    pub description: Option<String>,
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
    /// Works of a members or private link that a public link shows too
    /// (visibility is per link: the public section shows them to everyone).
    pub shared_warnings: Vec<String>,
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
        // Folder names Folio itself uses, and the page's own ids, are never
        // a section's.
        for taken in ["assets", "img", "m", "main", "about"] {
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
                    Ok(Work {
                        path: lib.file_path(&image.filename)?,
                        image,
                        alt,
                        alt_from,
                        slug,
                    })
                })
                .collect::<Result<_>>()?;
            let description = catalog::group(conn, link.group)?.description;
            sections.push(Section {
                group: link.group,
                description,
                group_name: link.group_name,
                link_type: link.link_type,
                heading,
                visibility: link.visibility,
                slug: section_slug,
                works,
            });
        }
        // What a public section shows, it shows to everyone: say so for the
        // works a members or private link of the gallery holds too.
        let public: BTreeSet<crate::core::ImageId> = sections
            .iter()
            .filter(|s| s.visibility == Visibility::Public)
            .flat_map(|s| s.works.iter().map(|w| w.image.id))
            .collect();
        let mut shared_warnings = Vec::new();
        let mut named = BTreeSet::new();
        for link in links.iter().filter(|l| l.visibility != Visibility::Public) {
            for id in images::group_image_ids(conn, link.group)? {
                if public.contains(&id) && named.insert(id) {
                    let image = images::image(conn, id)?;
                    let what = match image.title() {
                        Some(t) => format!("\u{201c}{t}\u{201d} ({})", image.original_name),
                        None => image.original_name.clone(),
                    };
                    shared_warnings.push(format!(
                        "{what} is in the {} group \u{201c}{}\u{201d} and also in a public group of this gallery: the public section shows it to everyone",
                        link.visibility.as_str(),
                        link.group_name
                    ));
                }
            }
        }
        Ok(Plan {
            gallery: info,
            profile,
            links,
            sections,
            shared_warnings,
        })
    }

    /// The pre-flight: each link's line, then each work that will carry a
    /// fallback alt text (named once, however many sections show it).
    pub fn preflight(&self, site: bool) -> Vec<String> {
        let mut lines: Vec<String> = self.links.iter().map(|l| l.describe(site)).collect();
        lines.extend(self.warnings());
        lines
    }

    /// What the artist should know before the export: works shared with a
    /// public link, then works that will carry a fallback alt text.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = self.shared_warnings.clone();
        warnings.extend(self.alt_warnings());
        warnings
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

/// What `render_all` made of a plan's works.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Each rendered work's renditions, by image.
    pub by_image: HashMap<crate::core::ImageId, render::Made>,
    /// Renditions made now, and found in the cache.
    pub made: usize,
    pub cached: usize,
    /// What making them noticed, a line per work (a profile taken as sRGB).
    pub warnings: Vec<String>,
    /// The works left out (they could not be rendered), each named with why.
    pub problems: Vec<String>,
}

/// Renditions of every distinct work of a plan, made on `workers` threads.
/// A work that cannot be rendered is an error of its own: the export leaves
/// it out and names it (`Rendered::problems`). The workers run at the lowest
/// priority ([`crate::core::pool::map_ordered`]): the app's frames come first.
pub fn render_all(
    lib: &Library,
    works: &[&Work],
    specs_of: &(dyn Fn(&Work) -> Vec<render::Spec> + Sync),
    workers: usize,
    progress: &mut dyn FnMut(Progress),
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Rendered> {
    use std::ops::ControlFlow;
    use std::sync::atomic::Ordering;
    let store_root = lib.store_root().to_path_buf();
    let mut out = Rendered::default();
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
            match result {
                Ok(m) => {
                    out.made += m.renditions.iter().filter(|r| r.made).count();
                    out.cached += m.renditions.iter().filter(|r| !r.made).count();
                    if let Some(w) = &m.warning {
                        out.warnings.push(format!("{}: {w}", work.named()));
                    }
                    out.by_image.insert(work.image.id, m);
                }
                Err(e) => out
                    .problems
                    .push(format!("{}: left out: {e}", work.named())),
            }
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
///
/// The folder's list (`.folio-export`: a header naming the kind of export and
/// the gallery, then one path a line) holds, at every moment, what the last
/// export and this one wrote: a new path is added to it before its file is
/// written, so an export that stops halfway (cancelled, failed, a panic,
/// killed) leaves nothing unlisted, and the next one removes whatever is no
/// longer part of it. `finish` writes it anew with this export's files.
#[derive(Debug)]
pub struct Written {
    root: PathBuf,
    header: String,
    before: BTreeSet<String>,
    now: BTreeSet<String>,
    finished: bool,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub bytes: u64,
    /// Files of the last export that could not be removed, with the reason
    /// (kept in the list: the next export tries again).
    pub not_removed: Vec<String>,
}

impl Written {
    /// Opens `root` for an export of `kind` ("site", "folder") of gallery
    /// `gallery`: a missing or empty folder, or one an export of the same
    /// kind and gallery wrote. A folder with other files is refused, naming
    /// it: nothing in it is touched.
    pub fn open(root: &Path, kind: &'static str, gallery: GalleryId) -> Result<Written> {
        let header = format!("folio-export 1 {kind} gallery-{}", gallery.0);
        if root.exists() && !root.is_dir() {
            return Err(Error::invalid(
                "destination",
                format!(
                    "{} is a file, not a folder: choose a folder",
                    root.display()
                ),
            ));
        }
        let list = root.join(WRITTEN_LIST);
        let mut before = BTreeSet::new();
        match std::fs::read_to_string(&list) {
            Ok(text) => {
                let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
                let found = lines.next().unwrap_or("");
                if found != header {
                    let why = if found.starts_with(&format!("folio-export 1 {kind} ")) {
                        "holds the export of another gallery"
                    } else {
                        "holds a different kind of Folio export"
                    };
                    return Err(Error::invalid(
                        "destination",
                        format!("{} {why}; choose another folder", root.display()),
                    ));
                }
                before.extend(lines.filter(|l| safe_relative(l)).map(str::to_string));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // What file managers leave in a new folder does not count.
                const LITTER: [&str; 3] = [".DS_Store", "Thumbs.db", "desktop.ini"];
                if let Ok(entries) = std::fs::read_dir(root)
                    && entries
                        .flatten()
                        .any(|e| !LITTER.contains(&e.file_name().to_string_lossy().as_ref()))
                {
                    return Err(Error::invalid(
                        "destination",
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
        let written = Written {
            root: root.to_path_buf(),
            header,
            before,
            now: BTreeSet::new(),
            finished: false,
            written: 0,
            unchanged: 0,
            removed: 0,
            bytes: 0,
            not_removed: Vec::new(),
        };
        // The folder is Folio's from now on, also if this export stops.
        written.write_list(&written.before)?;
        Ok(written)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether this export already wrote `rel`.
    pub fn has(&self, rel: &str) -> bool {
        self.now.contains(rel)
    }

    /// Puts `bytes` at `rel` (a '/'-separated path inside the folder) unless
    /// the file there holds them already; whole or not at all, readable by
    /// everyone (a web server runs as another user).
    pub fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path_of(rel)?;
        if !self.before.contains(rel) && !self.now.contains(rel) {
            // Listed before it exists: an export killed right after writing
            // it still leaves it on the list, for the next one to clean up.
            self.append_to_list(rel)?;
        }
        self.now.insert(rel.to_string());
        self.bytes += bytes.len() as u64;
        if let Ok(meta) = std::fs::metadata(&path)
            && meta.len() == bytes.len() as u64
            && std::fs::read(&path).is_ok_and(|old| old == bytes)
        {
            self.unchanged += 1;
            return Ok(());
        }
        write_shared(&path, bytes)?;
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
        match std::fs::symlink_metadata(&path) {
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

    /// The path of `rel` inside the folder: plain names only, and no folder
    /// on the way that is a symbolic link (which could lead out of it).
    fn path_of(&self, rel: &str) -> Result<PathBuf> {
        let refused = || {
            Error::invalid(
                "export path",
                format!("{rel} is not a plain path inside the export"),
            )
        };
        if !safe_relative(rel) {
            return Err(refused());
        }
        let mut path = self.root.clone();
        for part in rel.split('/') {
            path.push(part);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(refused());
            }
        }
        Ok(path)
    }

    fn append_to_list(&self, rel: &str) -> Result<()> {
        use std::io::Write;
        let list = self.root.join(WRITTEN_LIST);
        std::fs::OpenOptions::new()
            .append(true)
            .open(&list)
            .and_then(|mut f| f.write_all(format!("{rel}\n").as_bytes()))
            .at(&list)
    }

    fn write_list(&self, files: &BTreeSet<String>) -> Result<()> {
        let mut list = format!("{}\n", self.header);
        for rel in files {
            list.push_str(rel);
            list.push('\n');
        }
        write_shared(&self.root.join(WRITTEN_LIST), list.as_bytes())
    }

    /// The files of the last export that could not be removed, as problems.
    pub fn removal_problems(&self) -> impl Iterator<Item = String> + '_ {
        self.not_removed
            .iter()
            .map(|e| format!("a file of the last export could not be removed: {e}"))
    }

    /// Removes what the last export wrote and this one did not (then the
    /// folders that left empty), and writes the new list. A file that cannot
    /// be removed is named in `not_removed` and stays listed.
    pub fn finish(mut self) -> Result<Written> {
        let gone: Vec<String> = self.before.difference(&self.now).cloned().collect();
        let mut dirs = BTreeSet::new();
        let mut kept = BTreeSet::new();
        for rel in gone {
            let removed = self
                .path_of(&rel)
                .and_then(|path| match std::fs::remove_file(&path) {
                    Ok(()) => Ok(true),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
                    Err(e) => Err(Error::io(&path, e)),
                });
            match removed {
                Ok(true) => self.removed += 1,
                Ok(false) => {}
                Err(e) => {
                    self.not_removed.push(e.to_string());
                    kept.insert(rel.clone());
                    continue;
                }
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
        let listed: BTreeSet<String> = self.now.union(&kept).cloned().collect();
        self.write_list(&listed)?;
        self.finished = true;
        self.before = std::mem::take(&mut self.now);
        Ok(self)
    }
}

impl Drop for Written {
    /// An export that stops before `finish` leaves the list of everything
    /// the last export and this one wrote.
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let all: BTreeSet<String> = self.before.union(&self.now).cloned().collect();
        if let Err(e) = self.write_list(&all) {
            log::warn!("could not list what the stopped export wrote: {e}");
        }
    }
}

/// Writes a file of an export: temp file and rename (whole or not at all),
/// readable by everyone (0644 before the umask), as files a web server or
/// another program will serve or read.
pub fn write_shared(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().ok_or_else(|| {
        Error::invalid("export path", format!("{} has no folder", path.display()))
    })?;
    std::fs::create_dir_all(dir).at(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(crate::core::storage::layout::TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| temp_error(dir, e))?;
    tmp.write_all(bytes).at(path)?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// A temp file that could not be made in `dir`: said of the folder the
/// artist chose, not of the temp file's random name (which tempfile's error
/// carries).
pub(crate) fn temp_error(dir: &Path, e: std::io::Error) -> Error {
    Error::io(dir, std::io::Error::from(e.kind()))
}

/// A '/'-separated path of plain names: no root, no drive, no `..`, no
/// empty part.
fn safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains(['\\', ':', '\0'])
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
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
        assert_eq!(slug("한국 풍경", "x"), "한국-풍경");
        assert_eq!(slug("Con", "x"), "con-work");
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
        let err = Written::open(dir.path(), "site", GalleryId(1)).unwrap_err();
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
        let g = GalleryId(1);
        let mut w = Written::open(&out, "site", g).unwrap();
        w.put("index.html", b"one").unwrap();
        w.put("a/b/page.html", b"page").unwrap();
        w.finish().unwrap();
        // The artist adds a file of their own.
        std::fs::write(out.join("a/notes.txt"), b"mine").unwrap();
        let mut w = Written::open(&out, "site", g).unwrap();
        w.put("index.html", b"one").unwrap();
        let w = w.finish().unwrap();
        assert_eq!((w.written, w.unchanged, w.removed), (0, 1, 1));
        assert!(!out.join("a/b").exists());
        assert_eq!(std::fs::read(out.join("a/notes.txt")).unwrap(), b"mine");
        // Another kind of export, or another gallery's, is refused there.
        assert!(Written::open(&out, "folder", g).is_err());
        let err = Written::open(&out, "site", GalleryId(2)).unwrap_err();
        assert!(err.to_string().contains("another gallery"), "{err}");
        for bad in ["../x", "/etc/passwd", "C:/Users/x", "a//b", "a/./b", "a\\b"] {
            assert!(!safe_relative(bad), "{bad}");
        }
        assert!(safe_relative("a/b.jpg"));
    }

    #[test]
    fn an_export_that_stops_halfway_leaves_a_list_the_next_one_cleans_up_from() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let g = GalleryId(1);
        {
            // The first export stops after one page (cancelled, failed).
            let mut w = Written::open(&out, "site", g).unwrap();
            w.put("private/page.html", b"was public a moment ago")
                .unwrap();
            // Listed as it is written: a kill now (no Drop) loses nothing.
            let list = std::fs::read_to_string(out.join(WRITTEN_LIST)).unwrap();
            assert!(list.lines().any(|l| l == "private/page.html"), "{list}");
        }
        // The folder is still Folio's, and the next export removes the page.
        let mut w = Written::open(&out, "site", g).unwrap();
        w.put("index.html", b"home").unwrap();
        let w = w.finish().unwrap();
        assert_eq!(w.removed, 1);
        assert!(!out.join("private").exists());
        let list = std::fs::read_to_string(out.join(WRITTEN_LIST)).unwrap();
        assert_eq!(list, "folio-export 1 site gallery-1\nindex.html\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(out.join("index.html"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o044, 0o044, "readable by a web server: {mode:o}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_inside_the_export_folder_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("page.html"), b"not Folio's").unwrap();
        let g = GalleryId(1);
        let mut w = Written::open(&out, "site", g).unwrap();
        w.put("index.html", b"home").unwrap();
        w.finish().unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("sec")).unwrap();
        // A list that names a file through the link (edited by hand).
        std::fs::write(
            out.join(WRITTEN_LIST),
            "folio-export 1 site gallery-1\nsec/page.html\n",
        )
        .unwrap();
        let mut w = Written::open(&out, "site", g).unwrap();
        assert!(w.put("sec/new.html", b"x").is_err());
        let w = w.finish().unwrap();
        assert_eq!(w.not_removed.len(), 1, "{:?}", w.not_removed);
        assert_eq!(
            std::fs::read(elsewhere.join("page.html")).unwrap(),
            b"not Folio's"
        );
    }
}
