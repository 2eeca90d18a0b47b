//! Exports as a visitor, a browser and an application form would see them:
//! the sample portfolio exported as a website, a folder and a ZIP, and the
//! files read back. Structure (alt text, headings, order, language), what
//! leaves the library (no metadata, never upscaled, private links nowhere),
//! what members see (unreadable without the password, readable with it by
//! WebCrypto's algorithm), and that the same library gives the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // ok: a test fails loudly on any error

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use base64::Engine;
use folio::core::export::folder::{self, FolderOptions, Target};
use folio::core::export::site::{self, SiteOptions, WebFormat};
use folio::core::export::{Plan, Reach};
use folio::core::export::{pdf, submission};
use folio::core::model::catalog::{self, Visibility};
use folio::core::model::details::{self, Field};
use folio::core::model::images;
use folio::core::{GalleryId, Library, sample};

mod support;

const PASSWORD: &str = "harbour lights members";
const HARBOUR: &str = "Harbour Lights (exhibition)";

fn sample_library(width: u32) -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = Library::open(dir.path().join("lib")).unwrap();
    let never = AtomicBool::new(false);
    sample::create_portfolio(&mut lib, width, |_, _| {}, &never).unwrap();
    (dir, lib)
}

fn gallery(lib: &Library, name: &str) -> GalleryId {
    catalog::gallery_by_name(lib.conn(), name).unwrap().unwrap()
}

fn options() -> SiteOptions {
    SiteOptions {
        widths: vec![160, 320],
        password: Some(PASSWORD.into()),
        // The same derivation, fewer rounds: a debug build's test stays quick.
        iterations: 2_000,
        ..SiteOptions::default()
    }
}

fn export(lib: &mut Library, name: &str, out: &Path, opts: &SiteOptions) -> site::SiteReport {
    let id = gallery(lib, name);
    site::export_site(lib, id, out, opts, &mut |_| {}, &AtomicBool::new(false)).unwrap()
}

/// Every file under `dir`, by '/'-separated path, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The tags named `name` in `html`, each as its text up to `>`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    html.match_indices(&open)
        .filter(|(i, _)| {
            html[i + open.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == ' ' || c == '>')
        })
        .map(|(i, _)| {
            let end = html[i..].find('>').unwrap();
            &html[i..i + end + 1]
        })
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')?;
    Some(&tag[start..start + end])
}

/// The headings of a page in order: (level, text).
fn headings(html: &str) -> Vec<(u8, String)> {
    let mut out = Vec::new();
    for level in 1..=6u8 {
        let open = format!("<h{level}");
        let close = format!("</h{level}>");
        for (i, _) in html.match_indices(&open) {
            let body_start = i + html[i..].find('>').unwrap() + 1;
            let body_end = body_start + html[body_start..].find(&close).unwrap();
            out.push((i, level, html[body_start..body_end].to_string()));
        }
    }
    out.sort();
    out.into_iter().map(|(_, l, t)| (l, t)).collect()
}

/// The JPEG's markers before its image data.
fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], [0xFF, 0xD8], "not a JPEG");
    let mut markers = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() {
        assert_eq!(bytes[i], 0xFF, "marker walk lost its way at {i}");
        let m = bytes[i + 1];
        markers.push(m);
        if m == 0xDA {
            break;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        i += 2 + len;
    }
    markers
}

/// The WebP's chunk names.
fn webp_chunks(bytes: &[u8]) -> Vec<String> {
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WEBP");
    let mut chunks = Vec::new();
    let mut i = 12;
    while i + 8 <= bytes.len() {
        chunks.push(String::from_utf8_lossy(&bytes[i..i + 4]).into_owned());
        let len = u32::from_le_bytes(bytes[i + 4..i + 8].try_into().unwrap()) as usize;
        i += 8 + len + (len & 1);
    }
    chunks
}

/// Decrypts a members file as the site's script does with WebCrypto:
/// PBKDF2-SHA256 (salt and rounds from the page) to an AES-256-GCM key; the
/// file's base64 is the 12-byte IV, then the ciphertext with its tag, the
/// file's name its associated data. Written
/// here with the RustCrypto crates directly, not with Folio's own code.
fn webcrypto_open(site: &BTreeMap<String, Vec<u8>>, name: &str, password: &str) -> Option<Vec<u8>> {
    use aes_gcm::aead::{Aead, KeyInit};
    let index = text(&site["index.html"]);
    let body = tags(&index, "body")[0];
    let b64 = base64::engine::general_purpose::STANDARD;
    let salt = b64.decode(attr(body, "data-folio-salt").unwrap()).unwrap();
    let rounds: u32 = attr(body, "data-folio-iterations")
        .unwrap()
        .parse()
        .unwrap();
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), &salt, rounds, &mut key);
    let script = text(&site[&format!("m/{name}.js")]);
    let payload = script
        .strip_prefix(&format!("folioMembers.put(\"{name}\",\""))
        .and_then(|s| s.strip_suffix("\");\n"))
        .unwrap();
    let sealed = b64.decode(payload).unwrap();
    let cipher = aes_gcm::Aes256Gcm::new((&key).into());
    let payload = aes_gcm::aead::Payload {
        msg: &sealed[12..],
        aad: name.as_bytes(),
    };
    cipher
        .decrypt(aes_gcm::Nonce::from_slice(&sealed[..12]), payload)
        .ok()
}

#[test]
fn the_sample_gallery_exports_as_an_accessible_site_in_the_artists_order() {
    let (dir, mut lib) = sample_library(640);
    let out = dir.path().join("site");
    let report = export(&mut lib, HARBOUR, &out, &options());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let site = files(&out);
    let index = text(&site["index.html"]);

    // One document language, a title, a description, a skip link.
    assert!(index.contains("<html lang=\"en\">"));
    assert!(index.contains("<title>Harbour Lights (exhibition) \u{2014} Ines Moreau</title>"));
    assert!(
        index.contains("<meta name=\"description\" content=\"Main exhibit and behind-the-scenes")
    );
    assert!(index.contains("property=\"og:image\""));
    assert!(index.contains("<a class=\"skip\" href=\"#main\">"));

    // Sections in the gallery's order, headed by the type in words.
    let plan = Plan::read(&lib, gallery(&lib, HARBOUR), Reach::Members).unwrap();
    let expected: Vec<(u8, String)> = std::iter::once((1, HARBOUR.to_string()))
        .chain(plan.sections.iter().map(|s| (2, s.heading.clone())))
        .chain(std::iter::once((2, "About Ines Moreau".to_string())))
        .collect();
    assert_eq!(headings(&index), expected);
    assert_eq!(
        plan.sections
            .iter()
            .map(|s| s.heading.as_str())
            .collect::<Vec<_>>(),
        ["Main exhibit", "Behind the scenes", "Guest artist feature"]
    );

    // The main exhibit's works in the group's order, each linking its page.
    let main = &plan.sections[0];
    let group_order: Vec<String> = images::group_images(lib.conn(), main.group)
        .unwrap()
        .iter()
        .map(|i| i.title().unwrap().to_string())
        .collect();
    let section_html = &index[index.find("id=\"main-exhibit\"").unwrap()
        ..index.find("id=\"behind-the-scenes\"").unwrap()];
    let shown: Vec<String> = section_html
        .match_indices("<span class=\"title\">")
        .map(|(i, m)| {
            let rest = &section_html[i + m.len()..];
            rest[..rest.find('<').unwrap()].to_string()
        })
        .collect();
    assert_eq!(shown, group_order);

    // Every image everywhere: non-empty alt, width and height, never wider
    // than its source; the first loads at once, the rest lazily.
    let mut pages = 0;
    for (path, bytes) in &site {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = text(bytes);
        assert!(html.contains("<html lang=\"en\">"), "{path}");
        for img in tags(&html, "img") {
            assert!(
                attr(img, "alt").is_some_and(|a| !a.trim().is_empty()),
                "{path}: {img}"
            );
            assert!(
                attr(img, "width").is_some() && attr(img, "height").is_some(),
                "{path}: {img}"
            );
        }
        if path != "index.html" && !path.starts_with("m/") {
            let h = headings(&html);
            assert_eq!(
                h.iter().filter(|(l, _)| *l == 1).count(),
                1,
                "{path}: {h:?}"
            );
        }
    }
    assert_eq!(
        pages,
        1 + 8 + 4 + 3,
        "index, 8 + 3 public work pages, 4 members shells"
    );
    let index_imgs = tags(&index, "img");
    assert!(attr(index_imgs[0], "fetchpriority") == Some("high"));
    assert!(attr(index_imgs.last().unwrap(), "loading") == Some("lazy"));

    // Work pages: caption details and previous/next within the section.
    let first = &main.works[0];
    let page = text(&site[&format!("main-exhibit/{}/index.html", first.slug)]);
    assert!(page.contains(&format!("<h1>{}</h1>", first.title())));
    assert!(page.contains("<dt>Medium</dt>"), "{page}");
    // Every link names its page, so the site works from file:// too.
    assert!(page.contains(&format!("href=\"../{}/index.html\"", main.works[1].slug)));
    assert!(page.contains("href=\"../../index.html#main-exhibit\""));
    for (path, bytes) in &site {
        if path.ends_with(".html") {
            let html = text(bytes);
            for a in tags(&html, "a") {
                let href = attr(a, "href").unwrap();
                assert!(
                    href.starts_with('#')
                        || href.starts_with("https://")
                        || href.starts_with("mailto:")
                        || href.ends_with(".html")
                        || href.contains(".html#"),
                    "{path}: {href} opens a folder listing from file://"
                );
            }
        }
    }
    assert!(!page.contains("rel=\"prev\""));

    // Renditions: no metadata of any kind, sRGB untagged, never upscaled.
    let widths: BTreeMap<String, u32> = plan
        .distinct_works()
        .iter()
        .map(|w| (w.image.content_hash[..16].to_string(), w.image.width))
        .collect();
    let mut renditions = 0;
    for (path, bytes) in &site {
        let Some(name) = path.strip_prefix("img/") else {
            continue;
        };
        renditions += 1;
        if name.ends_with(".jpg") {
            let markers = jpeg_markers(bytes);
            assert!(
                !markers.iter().any(|m| matches!(m, 0xE1 | 0xE2 | 0xED)),
                "{path}: {markers:x?}"
            );
            assert!(markers.contains(&0xC2), "{path}: progressive");
        } else {
            let chunks = webp_chunks(bytes);
            assert!(
                !chunks
                    .iter()
                    .any(|c| matches!(c.as_str(), "EXIF" | "XMP " | "ICCP")),
                "{path}: {chunks:?}"
            );
        }
        let img = image::load_from_memory(bytes).unwrap();
        let source = widths[&name[..16]];
        assert!(img.width() <= source, "{path}: {} > {source}", img.width());
        assert!(name.contains(&format!("-{}.", img.width())), "{path}");
    }
    assert!(renditions >= 8 * 2 * 2, "{renditions}");
    // No original is published.
    for image in plan.distinct_works() {
        let original = std::fs::read(&image.path).unwrap();
        assert!(
            !site.values().any(|b| *b == original),
            "{} published",
            image.image.original_name
        );
    }
}

#[test]
fn members_are_unreadable_without_the_password_and_private_links_are_nowhere() {
    let (dir, mut lib) = sample_library(400);
    let id = gallery(&lib, HARBOUR);
    let guest = catalog::group_by_name(lib.conn(), "Guest: Tomas Reyes")
        .unwrap()
        .unwrap();
    lib.write(|tx| {
        catalog::set_visibility(tx, id, guest, "guest_artist_feature", Visibility::Private)
    })
    .unwrap();
    let out = dir.path().join("site");
    let report = export(&mut lib, HARBOUR, &out, &options());
    assert_eq!((report.sections, report.members_sections), (2, 1));
    let site = files(&out);
    let all_text: String = site
        .iter()
        .map(|(p, b)| format!("{p}\n{}", String::from_utf8_lossy(b)))
        .collect();

    // Private: not a name, a title, a heading or an image of it.
    let plan_all = Plan::read(&lib, id, Reach::Members).unwrap();
    assert!(plan_all.sections.iter().all(|s| s.group != guest));
    for image in images::group_images(lib.conn(), guest).unwrap() {
        assert!(
            !all_text.contains(image.title().unwrap()),
            "{:?}",
            image.title()
        );
        let hash16 = &image.content_hash[..16];
        assert!(!all_text.contains(hash16));
    }
    for word in [
        "Tomas",
        "Reyes",
        "Guest artist feature",
        "guest-artist-feature",
    ] {
        assert!(!all_text.contains(word), "{word} is in the site");
    }

    // Members: the titles exist only inside the ciphertext…
    let making = catalog::group_by_name(lib.conn(), "Harbour Lights: making of")
        .unwrap()
        .unwrap();
    let members_titles: Vec<String> = images::group_images(lib.conn(), making)
        .unwrap()
        .iter()
        .map(|i| i.title().unwrap().to_string())
        .collect();
    for t in &members_titles {
        assert!(
            !all_text.contains(t.as_str()),
            "{t} readable without the password"
        );
    }
    assert!(!all_text.contains("Harbour Lights: making of"));
    let index = text(&site["index.html"]);
    let members = tags(&index, "div")
        .into_iter()
        .find_map(|d| attr(d, "data-folio-members"))
        .unwrap();
    assert!(index.contains("<noscript>"));
    assert!(index.contains("not an account system"));
    // …which a wrong password does not open, and the right one does, with
    // WebCrypto's algorithm: the section, its pages, its images.
    assert!(webcrypto_open(&site, members, "harbour lights member").is_none());
    let section = text(&webcrypto_open(&site, members, PASSWORD).unwrap());
    for t in &members_titles {
        assert!(
            section.contains(t.as_str()),
            "{t} missing from the members section"
        );
    }
    let page = attr(tags(&section, "a")[0], "href").unwrap();
    let page_name = page
        .strip_prefix("m/")
        .unwrap()
        .strip_suffix(".html")
        .unwrap();
    let article = text(&webcrypto_open(&site, page_name, PASSWORD).unwrap());
    assert!(article.contains(&format!("<h1>{}</h1>", members_titles[0])));
    let img = tags(&section, "img")[0];
    assert_eq!(attr(img, "alt"), Some("Harbour Lights: making of, plate 1"));
    let picture = webcrypto_open(&site, attr(img, "data-folio-src").unwrap(), PASSWORD).unwrap();
    let decoded = image::load_from_memory(&picture).unwrap();
    assert_eq!(decoded.width().to_string(), attr(img, "width").unwrap());
    // Members files are named by content, not by title.
    for path in site.keys().filter(|p| p.starts_with("m/")) {
        let stem = path[2..].split('.').next().unwrap();
        assert_eq!(stem.len(), 32, "{path}");
        assert!(stem.bytes().all(|b| b.is_ascii_hexdigit()), "{path}");
    }

    // Without a password a gallery with members sections is refused, whole.
    let out2 = dir.path().join("site2");
    let err = site::export_site(
        &mut lib,
        id,
        &out2,
        &SiteOptions {
            password: None,
            ..options()
        },
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(err.to_string().contains("password"), "{err}");
    assert!(!out2.exists());
}

#[test]
fn the_same_library_gives_the_same_bytes_and_a_re_export_rewrites_only_what_changed() {
    let (dir, mut lib) = sample_library(400);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let first = export(&mut lib, HARBOUR, &a, &options());
    assert!(first.renditions_made > 0);
    let second = export(&mut lib, HARBOUR, &b, &options());
    assert_eq!(
        second.renditions_made, 0,
        "every rendition came from the cache"
    );
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        if path.starts_with("m/") && path.ends_with(".js") {
            // A fresh nonce each time a ciphertext is written.
            assert_ne!(bytes, &fb[path], "{path}");
        } else {
            assert_eq!(bytes, &fb[path], "{path} differs between two exports");
        }
    }

    // Into the same folder again: nothing is written, members files included.
    let again = export(&mut lib, HARBOUR, &a, &options());
    assert_eq!(
        (again.files_written, again.files_removed),
        (0, 0),
        "{again:?}"
    );
    assert_eq!(files(&a), fa);

    // One title changed: its page, the index and the neighbours' pages.
    let id = gallery(&lib, HARBOUR);
    let plan = Plan::read(&lib, id, Reach::Members).unwrap();
    let work = &plan.sections[0].works[2];
    lib.write(|tx| {
        details::set_fields(
            tx,
            &[work.image.id],
            &[(Field::Title, "Lanterns, Again".into())],
        )
    })
    .unwrap();
    let changed = export(&mut lib, HARBOUR, &a, &options());
    assert_eq!(changed.renditions_made, 0);
    let now = files(&a);
    assert!(now.contains_key("main-exhibit/lanterns-again/index.html"));
    assert!(
        !now.contains_key(&format!("main-exhibit/{}/index.html", work.slug)),
        "the old page is removed"
    );
    let rewritten: Vec<&String> = now.keys().filter(|k| fa.get(*k) != now.get(*k)).collect();
    assert_eq!(
        rewritten.len(),
        4 + 1,
        "the new page, its two neighbours, the index and the file list: {rewritten:?}"
    );

    // A new password: every members file is new (the names come from the
    // key), the old ones are gone, and the public files stay as they were.
    let new_pw = SiteOptions {
        password: Some("an entirely different one".into()),
        ..options()
    };
    export(&mut lib, HARBOUR, &a, &new_pw);
    let after = files(&a);
    let members = |f: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        f.keys().filter(|k| k.starts_with("m/")).cloned().collect()
    };
    assert_eq!(members(&after).len(), members(&now).len());
    for old in members(&now) {
        assert!(!after.contains_key(&old), "{old} outlived the old password");
    }
    for (path, bytes) in &after {
        if !path.starts_with("m/") && path != "index.html" && path != ".folio-export" {
            assert_eq!(
                Some(bytes),
                now.get(path),
                "{path} changed with the password"
            );
        }
    }
    let name = members(&after)
        .into_iter()
        .find(|k| k.ends_with(".js"))
        .unwrap();
    let name = name.trim_start_matches("m/").trim_end_matches(".js");
    assert!(webcrypto_open(&after, name, "an entirely different one").is_some());
    assert!(webcrypto_open(&after, name, PASSWORD).is_none());
}

#[test]
fn a_group_made_members_or_private_leaves_the_public_site_at_the_next_export() {
    let (dir, mut lib) = sample_library(300);
    let id = gallery(&lib, HARBOUR);
    let out = dir.path().join("site");
    export(&mut lib, HARBOUR, &out, &options());
    let before = files(&out);
    assert!(
        before
            .keys()
            .any(|k| k.starts_with("guest-artist-feature/"))
    );
    let guest = catalog::group_by_name(lib.conn(), "Guest: Tomas Reyes")
        .unwrap()
        .unwrap();
    let guest_hashes: Vec<String> = images::group_images(lib.conn(), guest)
        .unwrap()
        .iter()
        .map(|i| i.content_hash[..16].to_string())
        .collect();
    for (vis, members_files) in [(Visibility::Members, true), (Visibility::Private, false)] {
        lib.write(|tx| catalog::set_visibility(tx, id, guest, "guest_artist_feature", vis))
            .unwrap();
        let report = export(&mut lib, HARBOUR, &out, &options());
        assert!(report.files_removed > 0, "{vis:?}: {report:?}");
        let now = files(&out);
        assert!(
            !now.keys().any(|k| k.starts_with("guest-artist-feature/")),
            "{vis:?}"
        );
        for h in &guest_hashes {
            assert!(
                !now.keys().any(|k| k.contains(h.as_str())),
                "{vis:?}: a rendition of {h} is still public"
            );
        }
        let text: String = now
            .values()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect();
        assert!(
            !text.contains("Cartographer"),
            "{vis:?}: a title is readable"
        );
        assert_eq!(
            text.contains("Guest artist feature"),
            members_files,
            "{vis:?}"
        );
    }
}

#[test]
fn a_work_without_alt_text_gets_its_title_and_medium_never_its_file_name() {
    let (dir, mut lib) = sample_library(300);
    let id = gallery(&lib, HARBOUR);
    let plan = Plan::read(&lib, id, Reach::Members).unwrap();
    let (titled, untitled) = (&plan.sections[0].works[0], &plan.sections[0].works[1]);
    lib.write(|tx| {
        images::set_alt_text(tx, titled.image.id, None)?;
        images::set_alt_text(tx, untitled.image.id, None)?;
        details::set_fields(tx, &[untitled.image.id], &[(Field::Title, String::new())])
    })
    .unwrap();
    let out = dir.path().join("site");
    let report = export(&mut lib, HARBOUR, &out, &options());
    assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
    assert!(
        report.warnings[0].contains("has no alt text: its title is used"),
        "{:?}",
        report.warnings
    );
    assert!(
        report.warnings[1].contains("Untitled work"),
        "{:?}",
        report.warnings
    );
    let index = text(&files(&out)["index.html"]);
    let alts: Vec<&str> = tags(&index, "img")
        .into_iter()
        .filter_map(|t| attr(t, "alt"))
        .collect();
    let medium = titled
        .image
        .details
        .as_ref()
        .unwrap()
        .medium
        .clone()
        .unwrap();
    assert_eq!(alts[0], format!("{}, {medium}", titled.title()));
    assert_eq!(alts[1], "Untitled work");
    for img in plan.distinct_works() {
        assert!(!alts.contains(&img.image.original_name.as_str()));
    }
    // The untitled work's page is "untitled".
    assert!(out.join("main-exhibit/untitled/index.html").exists());
}

#[test]
fn a_folder_of_someone_elses_files_is_refused_and_left_as_it_was() {
    let (dir, mut lib) = sample_library(200);
    let out = dir.path().join("docs");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("cv.pdf"), b"my cv").unwrap();
    let id = gallery(&lib, HARBOUR);
    let err = site::export_site(
        &mut lib,
        id,
        &out,
        &options(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(files(&out).len(), 1);
    // A file where the folder should be.
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, b"notes").unwrap();
    let err = site::export_site(
        &mut lib,
        id,
        &file,
        &options(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(err.to_string().contains("is a file, not a folder"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"notes");
    // Nor does a bad width or format get anywhere.
    let bad = SiteOptions {
        widths: vec![0],
        ..options()
    };
    let err = site::export_site(
        &mut lib,
        id,
        &dir.path().join("x"),
        &bad,
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(err.to_string().contains("widths"), "{err}");
    assert!(WebFormat::parse("avif").is_err());
}

#[test]
fn a_folder_and_a_zip_hold_numbered_jpegs_a_manifest_and_a_matching_image_list() {
    let (dir, lib) = sample_library(500);
    let id = gallery(&lib, HARBOUR);
    let out = dir.path().join("folder");
    let opts = FolderOptions {
        long_side: Some(300),
        ..FolderOptions::default()
    };
    let never = AtomicBool::new(false);
    let report = folder::export_folder(
        &lib,
        id,
        &Target::Folder(out.clone()),
        &opts,
        &mut |_| {},
        &never,
    )
    .unwrap();
    assert_eq!((report.sections, report.images), (3, 8 + 4 + 3));
    let got = files(&out);
    let jpegs: Vec<&String> = got.keys().filter(|k| k.ends_with(".jpg")).collect();
    assert_eq!(jpegs[0], "01-main-exhibit/001-harbour-at-dusk.jpg");
    assert!(
        jpegs
            .iter()
            .any(|k| k.starts_with("02-behind-the-scenes/004-"))
    );
    for k in &jpegs {
        let bytes = &got[*k];
        let markers = jpeg_markers(bytes);
        assert!(markers.contains(&0xC0), "{k}: baseline");
        assert!(
            !markers.iter().any(|m| matches!(m, 0xE1 | 0xE2 | 0xED)),
            "{k}: {markers:x?}"
        );
        let img = image::load_from_memory(bytes).unwrap();
        assert_eq!(img.width().max(img.height()), 300, "{k}");
    }
    // The manifest: the gallery, its links with types and visibility, the works.
    let manifest: serde_json::Value = serde_json::from_slice(&got["manifest.json"]).unwrap();
    assert_eq!(manifest["gallery"], HARBOUR);
    assert_eq!(manifest["artist"]["name"], "Ines Moreau");
    assert_eq!(manifest["links"][1]["type"], "behind_the_scenes");
    assert_eq!(manifest["links"][1]["visibility"], "members");
    assert_eq!(
        manifest["links"][0]["works"][0]["file"],
        "01-main-exhibit/001-harbour-at-dusk.jpg"
    );
    assert_eq!(manifest["links"][0]["works"][0]["title"], "Harbour at Dusk");
    // The image list's numbers and files are the files'.
    let mut csv = csv::Reader::from_reader(got["image-list.csv"].as_slice());
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), jpegs.len());
    for (row, file) in rows.iter().zip(&jpegs) {
        assert_eq!(&row[1], file.as_str());
        assert!(
            file.starts_with(&row[0][..2]) && file.contains(&format!("/{}-", &row[0][3..])),
            "{row:?} {file}"
        );
    }

    // Public only: members links left out; private never there.
    let public = dir.path().join("public");
    let report = folder::export_folder(
        &lib,
        id,
        &Target::Folder(public.clone()),
        &FolderOptions {
            reach: Reach::Public,
            ..opts.clone()
        },
        &mut |_| {},
        &never,
    )
    .unwrap();
    assert_eq!(report.sections, 2);
    assert!(
        !files(&public)
            .keys()
            .any(|k| k.contains("behind-the-scenes"))
    );

    // A ZIP: the same entries, the same bytes twice.
    let zip_a = dir.path().join("a.zip");
    let zip_b = dir.path().join("b.zip");
    for z in [&zip_a, &zip_b] {
        folder::export_folder(
            &lib,
            id,
            &Target::Zip(z.clone()),
            &opts,
            &mut |_| {},
            &never,
        )
        .unwrap();
    }
    assert_eq!(
        std::fs::read(&zip_a).unwrap(),
        std::fs::read(&zip_b).unwrap()
    );
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_a).unwrap()).unwrap();
    let mut names: Vec<String> = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    names.sort();
    let mut expected: Vec<String> = got
        .keys()
        .filter(|k| !k.starts_with('.'))
        .cloned()
        .collect();
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn a_work_whose_original_is_gone_is_left_out_and_named_and_the_rest_is_exported() {
    let (dir, mut lib) = sample_library(300);
    let id = gallery(&lib, HARBOUR);
    let plan = Plan::read(&lib, id, Reach::Members).unwrap();
    let lost = &plan.sections[0].works[1];
    std::fs::remove_file(&lost.path).unwrap();
    let out = dir.path().join("site");
    let report = export(&mut lib, HARBOUR, &out, &options());
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].contains(&lost.image.original_name),
        "{:?}",
        report.problems
    );
    let index = text(&files(&out)["index.html"]);
    assert!(!index.contains(lost.title()));
    // Its neighbours link each other.
    let before = &plan.sections[0].works[0];
    let page =
        text(&std::fs::read(out.join(format!("main-exhibit/{}/index.html", before.slug))).unwrap());
    assert!(page.contains(&format!(
        "href=\"../{}/index.html\"",
        plan.sections[0].works[2].slug
    )));
}

/// The real WebCrypto (Node's, the browsers' API) opens what Folio wrote,
/// with the page's salt and rounds: skipped, saying so, where Node is not
/// installed.
#[test]
fn nodes_webcrypto_opens_a_members_section() {
    let Ok(version) = std::process::Command::new("node").arg("--version").output() else {
        eprintln!("node is not installed: WebCrypto's own check skipped (the Rust one ran)");
        return;
    };
    if !version.status.success() {
        eprintln!("node did not run: WebCrypto's own check skipped (the Rust one ran)");
        return;
    }
    let (dir, mut lib) = sample_library(200);
    let out = dir.path().join("site");
    export(&mut lib, HARBOUR, &out, &options());
    let site = files(&out);
    let index = text(&site["index.html"]);
    let name = tags(&index, "div")
        .into_iter()
        .find_map(|d| attr(d, "data-folio-members"))
        .unwrap();
    let body = tags(&index, "body")[0];
    let script = PathBuf::from(dir.path()).join("open.mjs");
    std::fs::write(
        &script,
        r#"
import { readFileSync } from 'node:fs';
const [salt, rounds, file, password, name] = process.argv.slice(2);
const s = readFileSync(file, 'utf8');
const b64 = s.slice(s.indexOf('","') + 3, s.lastIndexOf('");'));
const sealed = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const subtle = globalThis.crypto.subtle;
const base = await subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: Uint8Array.from(atob(salt), (c) => c.charCodeAt(0)), iterations: Number(rounds) }, base, 256);
const key = await subtle.importKey('raw', bits, 'AES-GCM', false, ['decrypt']);
const plain = await subtle.decrypt({ name: 'AES-GCM', iv: sealed.slice(0, 12), additionalData: new TextEncoder().encode(name) }, key, sealed.slice(12));
process.stdout.write(new TextDecoder().decode(plain));
"#,
    )
    .unwrap();
    let run = |password: &str| {
        std::process::Command::new("node")
            .arg(&script)
            .arg(attr(body, "data-folio-salt").unwrap())
            .arg(attr(body, "data-folio-iterations").unwrap())
            .arg(out.join(format!("m/{name}.js")))
            .arg(password)
            .arg(name)
            .output()
            .unwrap()
    };
    let opened = run(PASSWORD);
    assert!(
        opened.status.success(),
        "{}",
        String::from_utf8_lossy(&opened.stderr)
    );
    let html = String::from_utf8(opened.stdout).unwrap();
    assert!(html.contains("<ul class=\"works\">"), "{html}");
    assert!(!run("not the password").status.success());
}

#[test]
fn a_deleted_works_renditions_go_with_it_and_a_shared_work_is_named_before_export() {
    let (dir, mut lib) = sample_library(300);
    let out = dir.path().join("site");
    export(&mut lib, HARBOUR, &out, &options());
    let id = gallery(&lib, HARBOUR);
    let plan = Plan::read(&lib, id, Reach::Members).unwrap();
    let work = plan.sections[0].works[0].image.clone();
    let cached = |lib: &Library| -> usize {
        support::files_under(&lib.store_root().join("renditions"))
            .iter()
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&work.content_hash)
            })
            .count()
    };
    assert!(cached(&lib) > 0);
    folio::core::storage::trash::delete_images(&mut lib, &[work.id]).unwrap();
    assert_eq!(cached(&lib), 0, "a full-size copy outlived the work");

    // A making-of work also put into the public main exhibit: the pre-flight says so.
    let making = catalog::group_by_name(lib.conn(), "Harbour Lights: making of")
        .unwrap()
        .unwrap();
    let shared = images::group_images(lib.conn(), making).unwrap()[0].clone();
    let main = plan.sections[0].group;
    lib.write(|tx| images::add_images_before(tx, main, &[shared.id], None))
        .unwrap();
    let plan = Plan::read(&lib, id, Reach::Members).unwrap();
    assert_eq!(plan.shared_warnings.len(), 1, "{:?}", plan.shared_warnings);
    assert!(plan.shared_warnings[0].contains("members group “Harbour Lights: making of”"));
    assert!(plan.shared_warnings[0].contains(shared.title().unwrap()));
    assert!(plan.preflight(true).contains(&plan.shared_warnings[0]));
}

// ------------------------------------------------------- submission packages

/// The sample portfolio at 900 px (below CaFÉ's minimum) and two camera-size
/// works (6000×4000, 24 MP) added to the front of "Harbour Lights".
fn submission_library() -> (tempfile::TempDir, Library, GalleryId) {
    let files: Vec<(String, Vec<u8>)> = (0..2)
        .map(|i| {
            let bytes = sample::image_bytes(folio::core::format::Format::Jpeg, 6000, 4000, 40 + i);
            (format!("DSC_00{i}.jpg"), bytes.unwrap())
        })
        .collect();
    sample_with(&files)
}

/// The sample portfolio (900 px) with `files` imported into the
/// exhibition's main exhibit, after its own works.
fn sample_with(files: &[(String, Vec<u8>)]) -> (tempfile::TempDir, Library, GalleryId) {
    use folio::core::media::import;
    let (dir, mut lib) = sample_library(900);
    let group = catalog::group_by_name(lib.conn(), "Harbour Lights")
        .unwrap()
        .unwrap();
    let src = dir.path().join("camera");
    std::fs::create_dir_all(&src).unwrap();
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(name, bytes)| {
            let p = src.join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        })
        .collect();
    let s = import::import_paths(&mut lib, &paths, group, |_| {}, &AtomicBool::new(false));
    assert_eq!(s.imported(), files.len(), "{:?}", s.files);
    let id = gallery(&lib, HARBOUR);
    (dir, lib, id)
}

/// The camera works' numbers in the gallery's order (1-based).
fn camera_works(lib: &Library, id: GalleryId) -> Vec<usize> {
    Plan::read(lib, id, Reach::Members)
        .unwrap()
        .distinct_works()
        .iter()
        .enumerate()
        .filter(|(_, w)| w.image.original_name.starts_with("DSC_"))
        .map(|(i, _)| i + 1)
        .collect()
}

fn package(
    lib: &Library,
    id: GalleryId,
    out: &Path,
    rules: submission::Rules,
    pick: submission::Pick,
) -> folio::core::Result<submission::SubmissionReport> {
    let opts = submission::SubmissionOptions {
        rules,
        pick,
        reach: Reach::Members,
        workers: 2,
    };
    submission::export_submission(lib, id, out, &opts, &mut |_| {}, &AtomicBool::new(false))
}

/// Each preset's package, read back file by file: baseline JPEGs with no
/// metadata, no long side above the call's or below its minimum, none over
/// its bytes, no more than it takes, named by its pattern and numbered as
/// the image list; a work below the minimum named and left out, never
/// enlarged, one between the minimum and the target kept at its own size.
#[test]
fn each_presets_package_passes_its_own_rules_and_never_enlarges_a_work() {
    let (dir, lib, id) = submission_library();
    // The guest's feature is not the artist's work: never in a package.
    let plan = Plan::read(&lib, id, Reach::Members).unwrap();
    let guest: usize = plan
        .sections
        .iter()
        .filter(|s| s.link_type == "guest_artist_feature")
        .map(|s| s.works.len())
        .sum();
    assert_eq!(guest, 3);
    let gallery_works = plan.distinct_works().len() - guest;
    for preset in submission::PRESETS {
        let out = dir.path().join(format!("package-{}", preset.name));
        let rules = submission::Rules::from(preset);
        let report = package(&lib, id, &out, rules, submission::Pick::All).unwrap();
        let written = files(&out);
        let jpegs: Vec<(&String, &Vec<u8>)> = written
            .iter()
            .filter(|(p, _)| p.ends_with(".jpg"))
            .collect();
        assert!(
            written.contains_key("image-list.csv"),
            "{:?}",
            written.keys()
        );
        assert_eq!(jpegs.len(), report.files.len(), "{}", preset.name);
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.contains("Guest: Tomas Reyes") && w.contains("your own work")),
            "{:?}",
            report.warnings
        );
        if let Some(max) = preset.max_count {
            assert!(jpegs.len() <= max);
        }
        for (name, bytes) in &jpegs {
            let img = image::load_from_memory(bytes).unwrap();
            let long = img.width().max(img.height());
            assert!(long <= preset.long_side, "{name}: {long} px");
            if let Some(min) = preset.min_side {
                assert!(long >= min, "{name}: {long} px");
            }
            assert!(bytes.len() as u64 <= preset.max_bytes, "{name}");
            assert_eq!(
                submission::jpeg_facts(bytes),
                Some((false, false)),
                "{name}: baseline, no EXIF/XMP/profile"
            );
        }
        for f in &report.files {
            assert!(f.rules.iter().all(|(_, ok)| *ok), "{f:?}");
            assert!(written.contains_key(&f.file), "{}", f.file);
        }
        let csv = String::from_utf8(written["image-list.csv"].clone()).unwrap();
        let listed: Vec<&str> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap())
            .collect();
        let names: Vec<&str> = report.files.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(listed, names, "the list's numbers are the files'");
        // The same list as a PDF: its rows in the files' order.
        let list_pdf = out.join("image-list.pdf");
        assert!(written["image-list.pdf"].starts_with(b"%PDF"));
        if let Some(text) = poppler(
            "pdftotext",
            &["-enc", "UTF-8", list_pdf.to_str().unwrap(), "-"],
        ) {
            let mut at = 0;
            for f in &report.files {
                // Whole: a file name is never broken in its cell.
                let probe = f.file.as_str();
                at += text[at..]
                    .find(probe)
                    .unwrap_or_else(|| panic!("{probe} after {at} in {text}"));
            }
        }
        match preset.name {
            "cafe" => {
                // The two camera works pass; the 900 px sample works are
                // below 1200 and left out, each named.
                assert_eq!(report.files.len(), 2, "{:?}", report.left_out);
                assert_eq!(report.left_out.len(), gallery_works - 2);
                assert!(
                    report.left_out[0].contains("at least 1200")
                        && report.left_out[0].contains("never enlarges"),
                    "{}",
                    report.left_out[0]
                );
                assert!(names[0].starts_with("01_Moreau_"), "{names:?}");
                assert_eq!(
                    (report.files[0].width, report.files[0].height),
                    (1920, 1280)
                );
            }
            "slideroom" => {
                assert_eq!(report.files.len(), gallery_works);
                let all = images::all_images(lib.conn()).unwrap();
                for f in &report.files {
                    // The camera works scaled to 1280; the sample's, smaller,
                    // keep their own pixels.
                    let own = all
                        .iter()
                        .find(|i| {
                            f.work == i.original_name
                                || f.work.ends_with(&format!("({})", i.original_name))
                        })
                        .map(|i| i.width.max(i.height))
                        .unwrap();
                    assert_eq!(f.width.max(f.height), own.min(1280), "{f:?}");
                }
                assert!(report.left_out.is_empty(), "{:?}", report.left_out);
            }
            _ => {
                assert_eq!(report.files.len(), gallery_works);
                assert_eq!(names[0], "01 Ines_Moreau.jpg");
            }
        }
    }
}

/// The byte limit: quality is lowered step by step until a file fits, and a
/// work that cannot fit even at the lowest is named and left out. Too many
/// works for the call, or a number that is not a work, is refused before
/// anything is written.
#[test]
fn a_package_lowers_quality_to_fit_and_refuses_what_cannot_pass_before_writing() {
    let (dir, lib, id) = submission_library();
    let camera = camera_works(&lib, id);
    assert_eq!(camera.len(), 2);
    let custom = |max_bytes: u64| submission::Rules {
        call: "the call".into(),
        long_side: 1920,
        min_side: None,
        max_bytes,
        max_count: None,
        progressive: false,
        pattern: "{nn}_{title}".into(),
    };
    // The first camera work at the first quality: its bytes set the limits.
    let first = package(
        &lib,
        id,
        &dir.path().join("probe"),
        custom(50_000_000),
        submission::Pick::Numbers(vec![camera[0]]),
    )
    .unwrap();
    let full = first.files[0].bytes;
    assert_eq!(first.files[0].quality, submission::QUALITIES[0]);
    // A limit below that: a lower quality that fits.
    let stepped = package(
        &lib,
        id,
        &dir.path().join("stepped"),
        custom(full * 3 / 4),
        submission::Pick::Numbers(vec![camera[0]]),
    )
    .unwrap();
    let f = &stepped.files[0];
    assert!(f.quality < submission::QUALITIES[0], "{f:?}");
    assert!(f.bytes <= full * 3 / 4, "{f:?}");
    // A limit nothing meets: each named, with the quality tried, and with
    // nothing to send, nothing written.
    let none_dir = dir.path().join("none");
    let e = package(
        &lib,
        id,
        &none_dir,
        custom(10_000),
        submission::Pick::Numbers(vec![camera[1], camera[0]]),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("nothing was written"), "{e}");
    assert!(
        e.contains("DSC_001.jpg") && e.contains("DSC_000.jpg"),
        "{e}"
    );
    assert!(e.contains("quality 50") && e.contains("10 kB"), "{e}");
    assert!(!none_dir.exists());

    // Too many for the call: refused, nothing written.
    let mut few = custom(5_000_000);
    few.max_count = Some(3);
    let out = dir.path().join("too-many");
    let e = package(&lib, id, &out, few, submission::Pick::All)
        .unwrap_err()
        .to_string();
    assert!(e.contains("at most 3") && e.contains("--first"), "{e}");
    assert!(!out.exists(), "nothing written");
    let e = package(
        &lib,
        id,
        &out,
        custom(5_000_000),
        submission::Pick::Numbers(vec![99]),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("no work 99"), "{e}");
    assert!(!out.exists(), "nothing written");
}

// ------------------------------------------------------------ the PDF

/// A poppler tool's output (`pdftotext`, `pdfinfo`, `pdffonts`,
/// `pdfimages`). `None` where poppler-utils is not installed, which only a
/// machine outside CI may lack: CI (`CI` set, as `.ci/run` runs) installs
/// it, and there a missing tool fails the test.
fn poppler(tool: &str, args: &[&str]) -> Option<String> {
    match std::process::Command::new(tool).args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{tool} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "{tool} is not installed ({e}): install poppler-utils to check the PDF's pages"
            );
            None
        }
        Err(e) => panic!("{tool}: {e} (CI installs poppler-utils)"),
    }
}

fn pdf_options() -> pdf::PdfOptions {
    pdf::PdfOptions {
        workers: 2,
        ..pdf::PdfOptions::default()
    }
}

fn make_pdf(
    lib: &Library,
    id: GalleryId,
    out: &Path,
    opts: &pdf::PdfOptions,
) -> folio::core::Result<pdf::PdfReport> {
    pdf::export_pdf(lib, id, out, opts, &mut |_| {}, &AtomicBool::new(false))
}

/// A JPEG as a camera writes it: EXIF (its maker, upright) and XMP.
fn camera_jpeg(width: u32, height: u32, seed: u64) -> Vec<u8> {
    let plain =
        sample::image_bytes(folio::core::format::Format::Jpeg, width, height, seed).unwrap();
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(b"II*\0\x08\0\0\0\x01\0\x0f\x01\x02\0\x0c\0\0\0\x1a\0\0\0\0\0\0\0CAMERA-MAKE\0");
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>CAMERA-XMP</x:xmpmeta>".to_vec();
    let mut out = plain[..2].to_vec();
    for (marker, body) in [(0xE1u8, exif), (0xE1, xmp)] {
        out.extend([0xFF, marker]);
        out.extend(((body.len() + 2) as u16).to_be_bytes());
        out.extend(body);
    }
    out.extend(&plain[2..]);
    out
}

/// The sample's exhibition with camera files in its main exhibit: a small
/// one that goes in as it is, and a 24 MP one, both with EXIF and XMP.
fn pdf_library() -> (tempfile::TempDir, Library, GalleryId) {
    sample_with(&[
        ("IMG_small.jpg".into(), camera_jpeg(800, 600, 7)),
        ("DSC_large.jpg".into(), camera_jpeg(6000, 4000, 8)),
    ])
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The alt text of each Figure of a PDF's structure tree, as written (a
/// literal string, or UTF-16 in hex).
fn figure_alts(pdf: &[u8]) -> Vec<String> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = find(&pdf[at..], b"/S/Figure") {
        let start = at + i;
        let end = start + find(&pdf[start..], b"endobj").unwrap();
        let obj = &pdf[start..end];
        let a = find(obj, b"/Alt").expect("a Figure without /Alt") + 4;
        let mut value = String::new();
        match obj[a] {
            b'(' => {
                let mut j = a + 1;
                let mut raw = Vec::new();
                while obj[j] != b')' {
                    if obj[j] == b'\\' {
                        j += 1;
                    }
                    raw.push(obj[j]);
                    j += 1;
                }
                value = String::from_utf8(raw).unwrap();
            }
            b'<' => {
                let close = a + find(&obj[a..], b">").unwrap();
                let hex = std::str::from_utf8(&obj[a + 1..close]).unwrap();
                let bytes: Vec<u8> = (0..hex.len())
                    .step_by(2)
                    .map(|k| u8::from_str_radix(&hex[k..k + 2], 16).unwrap())
                    .collect();
                let units: Vec<u16> = bytes[2..]
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                value.push_str(&String::from_utf16(&units).unwrap());
            }
            other => panic!("/Alt followed by {other}"),
        }
        out.push(value);
        at = end;
    }
    out
}

/// The sample exhibition's PDF, read back as a reader and a screen reader
/// would: a cover, one page per work per exported link in the artist's
/// order with its caption as real text, the image list; tagged, every
/// image a Figure with its alt text, the font embedded as a subset, no
/// camera metadata, no image beyond what its page needs.
#[test]
fn the_sample_portfolio_pdf_has_a_cover_a_page_per_work_per_link_and_the_image_list() {
    let (dir, lib, id) = pdf_library();
    let plan = Plan::read(&lib, id, Reach::Members).unwrap();
    let occurrences: Vec<&folio::core::export::Work> =
        plan.sections.iter().flat_map(|s| &s.works).collect();
    assert_eq!(occurrences.len(), 10 + 4 + 3, "main + making-of + guest");
    let file = dir.path().join("out").join("harbour.pdf");
    let report = make_pdf(&lib, id, &file, &pdf_options()).unwrap();
    assert!(report.left_out.is_empty(), "{:?}", report.left_out);
    assert_eq!(report.work_pages, occurrences.len());
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"%PDF-1.7"));
    for secret in [&b"CAMERA-MAKE"[..], b"CAMERA-XMP", b"Exif\0\0"] {
        assert!(
            !contains(&bytes, secret),
            "{}",
            String::from_utf8_lossy(secret)
        );
    }
    // The structure tree, read from the file: a Figure per work page, each
    // with its work's alt text; the document's language.
    let alts = figure_alts(&bytes);
    let expected: Vec<String> = occurrences.iter().map(|w| w.alt.clone()).collect();
    assert_eq!(alts, expected, "in reading order");
    assert!(contains(&bytes, b"/Lang(en)") && contains(&bytes, b"pdfuaid:part>1"));
    // The small camera JPEG went in as it is (minus its metadata); the
    // 24 MP one as a rendition.
    assert_eq!(
        report.passed_through,
        occurrences.len() - 1,
        "all but the 24 MP one: the 800 px camera JPEG and the sample's 900 px ones"
    );

    let Some(info) = poppler("pdfinfo", &[file.to_str().unwrap()]) else {
        return;
    };
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(str::trim)
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(
        field("Title"),
        "Harbour Lights (exhibition) \u{2014} Ines Moreau"
    );
    assert_eq!(field("Tagged"), "yes");
    assert_eq!(field("Pages"), report.pages.to_string());
    assert!(field("Page size").contains("595.276 x 841.89"), "{info}");
    assert_eq!(
        report.pages,
        1 + occurrences.len() + 1,
        "cover, works, one page of list"
    );

    let fonts = poppler("pdffonts", &[file.to_str().unwrap()]).unwrap();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(row.contains("NotoSans"), "{row}");
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "embedded, subset, unicode: {row}"
        );
    }

    // Page by page: the cover, each work's caption in order, the list.
    let text = poppler("pdftotext", &["-enc", "UTF-8", file.to_str().unwrap(), "-"]).unwrap();
    let pages: Vec<&str> = text.split('\u{c}').collect();
    assert!(pages[0].contains("Ines Moreau") && pages[0].contains("Harbour Lights (exhibition)"));
    assert!(
        pages[0].contains("Main exhibit and behind-the-scenes"),
        "{}",
        pages[0]
    );
    for (i, work) in occurrences.iter().enumerate() {
        let page = pages[1 + i];
        let mut at = 0;
        let mut expected = vec![work.title().to_string()];
        expected.extend(work.facts().into_iter().map(|(_, v)| v));
        expected.extend(work.description().map(str::to_string));
        for piece in expected {
            // A long line wraps: its first words are enough to find it.
            let probe: String = piece
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            let found = page[at..]
                .find(&probe)
                .unwrap_or_else(|| panic!("page {}: {probe:?} not after {at} in {page:?}", i + 2));
            at += found + probe.len();
        }
    }
    let list = pages[1 + occurrences.len()];
    assert!(list.contains("Image list"), "{list}");
    let mut at = 0;
    for work in &occurrences {
        let found = list[at..]
            .find(work.title())
            .unwrap_or_else(|| panic!("{} in {list}", work.title()));
        at += found;
    }

    // The structure tree: a table for the list.
    let tree = poppler("pdfinfo", &["-struct", file.to_str().unwrap()]).unwrap();
    assert!(
        tree.contains("Table") && tree.contains("TH"),
        "the list is a table: {tree}"
    );

    // No image beyond what its page needs at 200 dpi: the 24 MP work at
    // the page's width (495.3 pt → 1376 px), the small ones at their own.
    let images = poppler("pdfimages", &["-list", file.to_str().unwrap()]).unwrap();
    let widths: Vec<(u32, u32)> = images
        .lines()
        .skip(2)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (c[3].parse().unwrap(), c[4].parse().unwrap())
        })
        .collect();
    assert!(widths.iter().all(|&(w, h)| w.max(h) <= 1376), "{images}");
    assert!(
        widths.contains(&(1376, 917)),
        "the camera work at the page's width: {images}"
    );
    assert!(widths.contains(&(800, 600)), "{images}");
}

/// The choices: public links only, dividers, US Letter landscape, a size
/// limit met by lowering the resolution, one nothing can meet refused with
/// nothing written, and text the font cannot set named, never drawn.
#[test]
fn a_pdf_takes_its_paper_dividers_links_and_size_limit_and_names_what_it_cannot_set() {
    let (dir, mut lib, id) = pdf_library();
    let plan = Plan::read(&lib, id, Reach::Public).unwrap();
    let public: usize = plan.sections.iter().map(|s| s.works.len()).sum();
    assert_eq!(public, 13, "the making-of is for members");
    let opts = pdf::PdfOptions {
        reach: Reach::Public,
        dividers: true,
        paper: pdf::Paper::Letter,
        orientation: pdf::Orientation::Landscape,
        ..pdf_options()
    };
    let file = dir.path().join("public.pdf");
    let report = make_pdf(&lib, id, &file, &opts).unwrap();
    assert_eq!(report.work_pages, public);
    assert_eq!(
        report.pages,
        1 + plan.sections.len() + public + 1,
        "cover, dividers, works, list"
    );
    if let Some(info) = poppler("pdfinfo", &[file.to_str().unwrap()]) {
        assert!(info.contains("792 x 612"), "US Letter, landscape: {info}");
        let text = poppler("pdftotext", &["-enc", "UTF-8", file.to_str().unwrap(), "-"]).unwrap();
        let pages: Vec<&str> = text.split('\u{c}').collect();
        assert!(
            pages[1].contains("Main exhibit") && pages[1].contains("Harbour Lights"),
            "a divider: {}",
            pages[1]
        );
        assert!(
            !text.contains("Behind the scenes"),
            "the members link is left out"
        );
    }

    // A limit below the first try: a lower resolution or quality that fits.
    let full = make_pdf(&lib, id, &dir.path().join("full.pdf"), &pdf_options()).unwrap();
    let opts = pdf::PdfOptions {
        max_bytes: Some(full.bytes * 2 / 3),
        ..pdf_options()
    };
    let small = make_pdf(&lib, id, &dir.path().join("small.pdf"), &opts).unwrap();
    assert!(
        small.bytes <= full.bytes * 2 / 3,
        "{} of {}",
        small.bytes,
        full.bytes
    );
    assert!(
        (small.dpi, small.quality) < (full.dpi, full.quality),
        "{small:?}"
    );
    // A limit nothing meets: refused, nothing written.
    let none = dir.path().join("none.pdf");
    let opts = pdf::PdfOptions {
        max_bytes: Some(20_000),
        ..pdf_options()
    };
    let e = make_pdf(&lib, id, &none, &opts).unwrap_err().to_string();
    assert!(
        e.contains("cannot be made to fit") && e.contains("nothing was written"),
        "{e}"
    );
    assert!(!none.exists());

    // Someone's file of that name is not replaced; Folio's own PDF is.
    let theirs = dir.path().join("theirs.pdf");
    std::fs::write(&theirs, b"%PDF-1.4 someone's CV").unwrap();
    let e = make_pdf(&lib, id, &theirs, &pdf_options())
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a PDF that Folio wrote"), "{e}");
    assert_eq!(std::fs::read(&theirs).unwrap(), b"%PDF-1.4 someone's CV");
    make_pdf(&lib, id, &file, &pdf_options()).unwrap();

    // A title in a script the font has no glyphs for: named, left out.
    let work = plan.sections[0].works[0].image.id;
    lib.write(|tx| details::set_fields(tx, &[work], &[(Field::Title, "Harbour 港口".to_string())]))
        .unwrap();
    let cjk = dir.path().join("cjk.pdf");
    let report = make_pdf(&lib, id, &cjk, &pdf_options()).unwrap();
    let note = report
        .warnings
        .iter()
        .find(|w| w.contains("港口"))
        .unwrap_or_else(|| panic!("{:?}", report.warnings));
    assert!(
        note.contains("cannot be set in Noto Sans") && note.contains("left out"),
        "{note}"
    );
    // Text pasted from elsewhere: a byte-order mark, a zero-width space, a
    // gallery named wholly in a script the font lacks. Still a valid PDF/UA
    // file; the names are in its headings.
    let second = plan.sections[0].works[1].image.id;
    lib.write(|tx| {
        details::set_fields(
            tx,
            &[second],
            &[(Field::Title, "\u{feff}Night\u{200b} Ferry".to_string())],
        )?;
        catalog::rename_gallery(tx, id, "作品集")
    })
    .unwrap();
    let pasted = dir.path().join("pasted.pdf");
    let opts = pdf::PdfOptions {
        dividers: true,
        ..pdf_options()
    };
    let report = make_pdf(&lib, id, &pasted, &opts).unwrap();
    assert!(
        report.warnings.iter().any(|w| w.contains("作品集")),
        "{:?}",
        report.warnings
    );
    let bytes = std::fs::read(&pasted).unwrap();
    assert!(!contains(&bytes, "\u{feff}Night".as_bytes()));
    if let Some(text) = poppler("pdftotext", &["-enc", "UTF-8", cjk.to_str().unwrap(), "-"]) {
        assert!(text.contains("Harbour") && !text.contains('港'), "{text}");
        let pasted = poppler(
            "pdftotext",
            &[
                "-enc",
                "UTF-8",
                dir.path().join("pasted.pdf").to_str().unwrap(),
                "-",
            ],
        )
        .unwrap();
        assert!(
            pasted.contains("Night Ferry") && !pasted.contains('\u{feff}'),
            "{pasted}"
        );
        let a4 = poppler("pdfinfo", &[file.to_str().unwrap()]).unwrap();
        assert!(a4.contains("595.276 x 841.89"), "the default again: {a4}");
    }
    let full_text = poppler(
        "pdftotext",
        &[
            "-enc",
            "UTF-8",
            dir.path().join("full.pdf").to_str().unwrap(),
            "-",
        ],
    );
    if let Some(text) = full_text {
        assert!(
            text.contains("Behind the scenes"),
            "members links are the artist's own: included"
        );
    }
}
