//! Whole flows through the real `folio` binary: import of a messy folder,
//! `list` of the seed's three scenarios, `check`, and refusals that must not
//! touch anything.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // ok: a test fails loudly on any error

use std::path::{Path, PathBuf};
use std::process::Output;

use folio::core::Format;
use folio::core::sample;

mod support;

use support::files_under as walk;

fn folio(library: &Path, args: &[&str]) -> Output {
    support::folio(Some(library))
        .args(args)
        .output()
        .expect("run folio")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write(path: PathBuf, bytes: &[u8]) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// 200 files: 150 good ones in every format the sample encodes, 20 byte-for-byte duplicates, 15
/// truncated, 10 JPEGs named .png, 5 empty.
fn messy_folder(dir: &Path) -> (usize, usize, Vec<String>) {
    let formats = sample::ENCODABLE;
    let mut good = Vec::new();
    for i in 0..150u64 {
        let f = formats[i as usize % formats.len()];
        let bytes = sample::image_bytes(f, 24 + (i % 7) as u32, 16 + (i % 5) as u32, i).unwrap();
        let sub = if i % 3 == 0 { "nested/deeper" } else { "" };
        good.push(write(
            dir.join(sub).join(format!("good {i:03}.{}", f.extension())),
            &bytes,
        ));
    }
    for i in 0..20 {
        let src = &good[i * 7];
        write(
            dir.join(format!(
                "dup {i:02} {}",
                src.file_name().unwrap().to_string_lossy()
            )),
            &std::fs::read(src).unwrap(),
        );
    }
    let mut bad = Vec::new();
    for i in 0..15u64 {
        let bytes = sample::image_bytes(
            if i % 2 == 0 {
                Format::Jpeg
            } else {
                Format::Png
            },
            64,
            64,
            1000 + i,
        )
        .unwrap();
        let name = format!(
            "truncated {i:02}.{}",
            if i % 2 == 0 { "jpg" } else { "png" }
        );
        write(dir.join(&name), &bytes[..bytes.len() / 3]);
        bad.push(name);
    }
    for i in 0..10u64 {
        write(
            dir.join(format!("mislabelled {i:02}.png")),
            &sample::image_bytes(Format::Jpeg, 20, 20, 2000 + i).unwrap(),
        );
    }
    for i in 0..5 {
        let name = format!("empty {i}.jpg");
        write(dir.join(&name), b"");
        bad.push(name);
    }
    (160, 20, bad)
}

#[test]
fn importing_a_messy_folder_takes_the_good_once_and_names_every_bad_file() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    let src = tmp.path().join("incoming");
    let (good, dups, bad) = messy_folder(&src);
    let before: Vec<(PathBuf, Vec<u8>)> = walk(&src)
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    assert_eq!(before.len(), 200);

    let out = folio(
        &lib,
        &["import", "--group", "Everything", src.to_str().unwrap()],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "some files failed: {text}");
    assert!(
        text.contains(&format!(
            "{good} imported, {dups} already in the library, {} failed, of 200 files",
            bad.len()
        )),
        "{text}"
    );
    let failed: Vec<&str> = text.lines().filter(|l| l.starts_with("FAILED")).collect();
    assert_eq!(failed.len(), bad.len());
    for name in &bad {
        let line = failed
            .iter()
            .find(|l| l.contains(name.as_str()))
            .unwrap_or_else(|| panic!("no line names {name}"));
        assert!(
            line.contains("empty") || line.contains("incomplete"),
            "{line}"
        );
    }
    // Mislabelled files came in by their content.
    assert!(
        text.lines()
            .any(|l| l.starts_with("imported") && l.contains("mislabelled 03.png (JPEG")),
        "{text}"
    );
    // The sources are untouched.
    for (p, bytes) in &before {
        assert_eq!(&std::fs::read(p).unwrap(), bytes, "{} changed", p.display());
    }

    let check = folio(&lib, &["check"]);
    assert!(check.status.success(), "{}", stdout(&check));
    assert!(stdout(&check).contains(&format!("{good} images checked against their files, {good} files in originals/; database ok; the library is clean")), "{}", stdout(&check));

    // Again: everything is already there, nothing is copied twice.
    let again = folio(
        &lib,
        &["import", "--group", "Everything", src.to_str().unwrap()],
    );
    assert!(
        stdout(&again).contains(&format!(
            "0 imported, {} already in the library",
            good + dups
        )),
        "{}",
        stdout(&again)
    );
    let originals = walk(&lib.join("library/originals"));
    assert_eq!(originals.len(), good);
}

#[test]
fn the_three_seed_scenarios_built_with_the_cli_are_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    let mut n = 0u64;
    let mut files = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .map(|name| {
                n += 1;
                let p = write(
                    tmp.path().join("src").join(name),
                    &sample::image_bytes(Format::Jpeg, 30, 20, n).unwrap(),
                );
                p.to_string_lossy().into_owned()
            })
            .collect()
    };
    // Made in the order of their names, so the listing reads the same whether
    // galleries are listed by name or in the order they were made.
    let scenarios: [(&str, &str, &str, Vec<String>); 6] = [
        (
            "Duet",
            "Maya's prints",
            "primary_artist",
            files(&["maya1.jpg", "maya2.jpg"]),
        ),
        (
            "Duet",
            "Guest: Ilya",
            "guest_artist_feature",
            files(&["ilya.jpg"]),
        ),
        (
            "Harbour Project",
            "Harbour prints",
            "photographs",
            files(&["dock.jpg", "boats.jpg", "crane.jpg"]),
        ),
        (
            "Harbour Project",
            "Harbour sketches",
            "sketches",
            files(&["sketch.jpg"]),
        ),
        (
            "Spring Exhibition",
            "Spring finals",
            "main_exhibit",
            files(&["fox.jpg", "heron.jpg"]),
        ),
        (
            "Spring Exhibition",
            "Studio setup",
            "behind_the_scenes",
            files(&["easel.jpg"]),
        ),
    ];
    for (gallery, group, link_type, paths) in &scenarios {
        let mut args = vec![
            "import",
            "--group",
            group,
            "--gallery",
            gallery,
            "--type",
            link_type,
        ];
        // The seed's making-of is for members (`import --visibility`).
        if *link_type == "behind_the_scenes" {
            args.extend(["--visibility", "members"]);
        }
        args.extend(paths.iter().map(String::as_str));
        let out = folio(&lib, &args);
        assert!(
            out.status.success(),
            "{}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // One group reused in a second gallery: a plain import of nothing new.
    let reuse = folio(
        &lib,
        &[
            "import",
            "--group",
            "Spring finals",
            "--gallery",
            "Website",
            "--type",
            "main_exhibit",
            &scenarios[4].3[0],
        ],
    );
    assert!(reuse.status.success());

    let list = stdout(&folio(&lib, &["list"]));
    let expected = "\
Gallery “Duet”
  [primary_artist] group “Maya's prints”, 2 images (public)
        1. maya1.jpg (JPEG 30×20)
        2. maya2.jpg (JPEG 30×20)
  [guest_artist_feature] group “Guest: Ilya”, 1 image (public)
        1. ilya.jpg (JPEG 30×20)
Gallery “Harbour Project”
  [photographs] group “Harbour prints”, 3 images (public)
        1. dock.jpg (JPEG 30×20)
        2. boats.jpg (JPEG 30×20)
        3. crane.jpg (JPEG 30×20)
  [sketches] group “Harbour sketches”, 1 image (public)
        1. sketch.jpg (JPEG 30×20)
Gallery “Spring Exhibition”
  [main_exhibit] group “Spring finals”, 2 images (public)
        1. fox.jpg (JPEG 30×20)
        2. heron.jpg (JPEG 30×20)
  [behind_the_scenes] group “Studio setup”, 1 image (members)
        1. easel.jpg (JPEG 30×20)
Gallery “Website”
  [main_exhibit] group “Spring finals”, 2 images (public)
        1. fox.jpg (JPEG 30×20)
        2. heron.jpg (JPEG 30×20)
";
    assert_eq!(list, expected);
    assert!(folio(&lib, &["check"]).status.success());

    // Who sees a link, from the command line: refused in words for a link
    // that is not there, then set, and listed.
    let wrong = folio(
        &lib,
        &[
            "visibility",
            "--gallery",
            "Duet",
            "--group",
            "Guest: Ilya",
            "--type",
            "sketches",
            "private",
        ],
    );
    assert_eq!(wrong.status.code(), Some(2));
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        said.contains("it is there as: guest_artist_feature"),
        "{said}"
    );
    let set = folio(
        &lib,
        &[
            "visibility",
            "--gallery",
            "Duet",
            "--group",
            "Guest: Ilya",
            "--type",
            "guest_artist_feature",
            "private",
        ],
    );
    assert!(set.status.success());
    assert!(
        stdout(&set).contains("private (was public)"),
        "{}",
        stdout(&set)
    );
    assert!(
        stdout(&folio(&lib, &["list"]))
            .contains("[guest_artist_feature] group “Guest: Ilya”, 1 image (private)")
    );
}

#[test]
fn the_profile_and_a_site_export_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    let none = folio(&lib, &["profile"]);
    assert!(
        stdout(&none).contains("No artist profile yet"),
        "{}",
        stdout(&none)
    );
    let set = folio(
        &lib,
        &[
            "profile",
            "--given",
            "Maya",
            "--family",
            "Lind",
            "--contact",
            "maya@example.org",
        ],
    );
    assert!(set.status.success());
    assert!(
        stdout(&set).contains("Given name: Maya\nFamily name: Lind\nContact: maya@example.org"),
        "{}",
        stdout(&set)
    );
    let bad = folio(&lib, &["profile", "--website", &"w".repeat(501)]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("website"));
    // A cleared field.
    let cleared = folio(&lib, &["profile", "--contact", ""]);
    assert!(
        !stdout(&cleared).contains("Contact"),
        "{}",
        stdout(&cleared)
    );

    let files = tmp.path().join("in");
    std::fs::create_dir_all(&files).unwrap();
    let img = write(
        files.join("fox.jpg"),
        &sample::image_bytes(Format::Jpeg, 700, 500, 3).unwrap(),
    );
    let back = write(
        files.join("easel.jpg"),
        &sample::image_bytes(Format::Jpeg, 300, 400, 4).unwrap(),
    );
    let p = |p: &PathBuf| p.to_string_lossy().into_owned();
    for (group, link_type, vis, path) in [
        ("Finals", "main_exhibit", "public", p(&img)),
        ("Studio", "behind_the_scenes", "members", p(&back)),
    ] {
        let out = folio(
            &lib,
            &[
                "import",
                "--group",
                group,
                "--gallery",
                "Show",
                "--type",
                link_type,
                "--visibility",
                vis,
                &path,
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let site = tmp.path().join("site");
    let site_arg = p(&site);
    // Members sections need the password: never an argument; without a
    // terminal or FOLIO_SITE_PASSWORD, refused in words, nothing written.
    let refused = folio(&lib, &["export", "site", "--gallery", "Show", &site_arg]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("FOLIO_SITE_PASSWORD"));
    assert!(!site.exists());
    let out = support::folio(Some(&lib))
        .env("FOLIO_SITE_PASSWORD", "a members password")
        .args([
            "export",
            "site",
            "--gallery",
            "Show",
            "--widths",
            "200,400",
            "--formats",
            "jpeg",
            &site_arg,
        ])
        .output()
        .unwrap();
    let said = stdout(&out);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("Main exhibit: “Finals”, 1 work, public"),
        "{said}"
    );
    assert!(
        said.contains("Behind the scenes: “Studio”, 1 work, members, encrypted with the password"),
        "{said}"
    );
    // No alt text and no title: the fallback is named, and the export succeeds.
    assert!(
        said.contains("warning: fox.jpg has no alt text and no title"),
        "{said}"
    );
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("Maya Lind"));
    assert!(index.contains("alt=\"Untitled work\""));
    assert!(!index.contains(".webp"));
    assert!(
        site.join("img").read_dir().unwrap().count() == 2,
        "200 and 400 wide, JPEG only"
    );
    // A folder and a ZIP.
    let zip = tmp.path().join("show.zip");
    let out = folio(
        &lib,
        &[
            "export",
            "zip",
            "--gallery",
            "Show",
            "--public-only",
            &p(&zip),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains(": 1 image in 1 section, with manifest.json"),
        "{}",
        stdout(&out)
    );
    assert!(zip.is_file());
    // Someone's file of that name is never replaced by a ZIP.
    let mine = write(tmp.path().join("portrait.jpg"), b"my photo");
    let refused = folio(&lib, &["export", "zip", "--gallery", "Show", &p(&mine)]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not a ZIP that Folio exported"));
    assert_eq!(std::fs::read(&mine).unwrap(), b"my photo");
    // …but the ZIP it wrote is.
    assert!(
        folio(
            &lib,
            &[
                "export",
                "zip",
                "--gallery",
                "Show",
                "--public-only",
                &p(&zip)
            ]
        )
        .status
        .success()
    );
    // Widths as people type them; a wrong one named.
    let spaced = support::folio(Some(&lib))
        .env("FOLIO_SITE_PASSWORD", "a members password")
        .args([
            "export",
            "site",
            "--gallery",
            "Show",
            "--widths",
            "200, 300",
            "--formats",
            "jpeg",
            &site_arg,
        ])
        .output()
        .unwrap();
    assert!(
        spaced.status.success(),
        "{}",
        String::from_utf8_lossy(&spaced.stderr)
    );
    let bad = folio(
        &lib,
        &[
            "export",
            "site",
            "--gallery",
            "Show",
            "--widths",
            "200,wide",
            &site_arg,
        ],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("“wide” is not a number of pixels"));
    // `visibility` needs no --type when the group is in the gallery once.
    let set = folio(
        &lib,
        &[
            "visibility",
            "--gallery",
            "Show",
            "--group",
            "Studio",
            "private",
        ],
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert!(stdout(&folio(&lib, &["list"])).contains("“Studio”, 1 image (private)"));
    let unknown = folio(
        &lib,
        &[
            "export",
            "folder",
            "--gallery",
            "Nope",
            &p(&tmp.path().join("f")),
        ],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("the galleries: “Show”"));
}

#[test]
fn a_library_from_a_newer_folio_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    assert!(folio(&lib, &["list"]).status.success());
    let db = lib.join("folio.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out = folio(&lib, &["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("newer version of Folio") && err.contains("folio.db"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_database_that_is_not_folios_is_refused_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    std::fs::create_dir_all(lib.join("library")).unwrap();
    let junk = b"SQLite format 3\0 but then nothing sensible follows".repeat(100);
    std::fs::write(lib.join("folio.db"), &junk).unwrap();
    let out = folio(&lib, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a Folio library database"), "{err}");
    assert_eq!(std::fs::read(lib.join("folio.db")).unwrap(), junk);
}

#[test]
fn folio_library_environment_variable_chooses_the_library() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("from-env");
    let img = write(
        tmp.path().join("a.png"),
        &sample::image_bytes(Format::Png, 8, 8, 1).unwrap(),
    );
    let out = support::folio(None)
        .args(["import", "--group", "G"])
        .arg(&img)
        .env("FOLIO_LIBRARY", &lib)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(lib.join("folio.db").is_file());
}

#[test]
fn check_finds_damage_and_repair_recovers_without_deleting() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    let a = write(
        tmp.path().join("a.png"),
        &sample::image_bytes(Format::Png, 8, 8, 1).unwrap(),
    );
    let b = write(
        tmp.path().join("b.png"),
        &sample::image_bytes(Format::Png, 8, 8, 2).unwrap(),
    );
    assert!(
        folio(
            &lib,
            &[
                "import",
                "--group",
                "G",
                a.to_str().unwrap(),
                b.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    // An older database is restored: it knows only the first image.
    {
        let c = rusqlite::Connection::open(lib.join("folio.db")).unwrap();
        c.execute("DELETE FROM images WHERE original_name = 'b.png'", [])
            .unwrap();
    }
    let tmpfile = write(lib.join("library/originals/.folio-tmp-crash"), b"half");
    let out = folio(&lib, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("file without a database row"),
        "{}",
        stdout(&out)
    );
    let out = folio(&lib, &["check", "--repair"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("re-registered") && stdout(&out).contains("Recovered"),
        "{}",
        stdout(&out)
    );
    assert!(!tmpfile.exists());
    assert!(stdout(&folio(&lib, &["list"])).contains("group “Recovered”, 1 image"));
}

#[test]
fn a_second_folio_is_refused_while_one_runs_and_a_killed_one_never_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let files = dir.path().join("files");
    for i in 0..400u64 {
        write(
            files.join(format!("{i:03}.png")),
            &sample::image_bytes(Format::Png, 32, 32, i).unwrap(),
        );
    }
    assert!(folio(&root, &["list"]).status.success());
    let db = root.join("folio.db");
    let mut first = support::folio(Some(&root))
        .args(["import", "--group", "A"])
        .arg(&files)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it holds the library (its lock file names it).
    let pid = first.id().to_string();
    let started = std::time::Instant::now();
    while !std::fs::read_to_string(root.join("folio.lock"))
        .unwrap_or_default()
        .contains(&pid)
    {
        assert!(
            started.elapsed().as_secs() < 20,
            "the import never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let second = folio(&root, &["import", "--group", "B", files.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(err.contains("open in another Folio"), "{err}");
    assert!(err.contains(&pid), "the message says who holds it: {err}");
    // Killed while holding the lock: the next start is not blocked.
    first.kill().unwrap();
    first.wait().unwrap();
    let after = folio(&root, &["check", "--repair"]);
    assert!(
        after.status.success(),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
    let out = stdout(&folio(&root, &["list"]));
    assert!(
        !out.contains("group \u{201c}B\u{201d}"),
        "the refused import wrote nothing: {out}"
    );
    assert!(db.exists());
}

#[test]
fn backup_and_restore_keep_the_current_database_aside() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let pic = write(
        dir.path().join("a.png"),
        &sample::image_bytes(Format::Png, 8, 8, 1).unwrap(),
    );
    let pic = pic.to_str().unwrap();
    assert!(
        folio(&root, &["import", "--group", "Kept", pic])
            .status
            .success()
    );
    let made = folio(&root, &["backup"]);
    assert!(made.status.success());
    assert!(stdout(&made).contains("Backed up to"), "{}", stdout(&made));
    assert!(
        folio(&root, &["import", "--group", "Later", pic])
            .status
            .success()
    );
    let restored = folio(&root, &["restore"]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let text = stdout(&restored);
    assert!(text.contains("is kept as"), "{text}");
    let list = stdout(&folio(&root, &["list"]));
    assert!(list.contains("Kept"), "{list}");
    assert!(!list.contains("Later"), "{list}");
    let aside: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("folio.db.before-restore-")
        })
        .collect();
    assert_eq!(aside.len(), 1, "the replaced database is kept, not deleted");

    // A damaged database is refused, untouched, and the message names the backup.
    let db = root.join("folio.db");
    std::fs::write(&db, b"SQLite format 3\0 but then garbage, not a database").unwrap();
    let refused = folio(&root, &["list"]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        err.contains("backups/folio-") && err.contains("folio restore"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        b"SQLite format 3\0 but then garbage, not a database"
    );
    // Not while another Folio has the library open.
    {
        std::fs::write(&db, b"SQLite format 3\0 but then garbage, not a database").unwrap();
        let _holder = folio::core::storage::library::Lock::take(&root).unwrap();
        let refused = folio(&root, &["restore"]);
        assert_eq!(refused.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&refused.stderr).contains("open in another Folio"));
    }
    assert!(folio(&root, &["restore"]).status.success());
    assert!(stdout(&folio(&root, &["list"])).contains("Kept"));
}

// ------------------------------------------------------------ add and remove

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The standard output of a run that must succeed.
fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    stdout(&out)
}

/// The standard error of a run that must be refused.
fn refused(out: Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    stderr(&out)
}

/// Imports generated JPEGs of `w`×`h` pixels called `names` (from `dir`,
/// each picture different) into `group`.
fn import_named(lib: &Path, dir: &Path, group: &str, names: &[&str], (w, h): (u32, u32)) {
    let paths: Vec<String> = names
        .iter()
        .map(|name| {
            let seed =
                w as u64 * 1000 + name.len() as u64 * 7 + name.bytes().map(u64::from).sum::<u64>();
            let p = write(
                dir.join(name),
                &sample::image_bytes(Format::Jpeg, w, h, seed).unwrap(),
            );
            p.to_string_lossy().into_owned()
        })
        .collect();
    let mut args = vec!["import", "--group", group];
    args.extend(paths.iter().map(String::as_str));
    ok(folio(lib, &args));
}

fn db(lib: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(lib.join("folio.db")).unwrap()
}

/// The ids of the images imported as `name`, oldest first.
fn ids_named(lib: &Path, name: &str) -> Vec<i64> {
    let c = db(lib);
    let mut stmt = c
        .prepare("SELECT id FROM images WHERE original_name = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([name], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The id of the one image imported as `name`, as the command line takes it.
fn id_named(lib: &Path, name: &str) -> String {
    let ids = ids_named(lib, name);
    assert_eq!(ids.len(), 1, "{name}");
    ids[0].to_string()
}

/// The names of a group's images, in order.
fn members(lib: &Path, group: &str) -> Vec<String> {
    let c = db(lib);
    let mut stmt = c
        .prepare(
            "SELECT i.original_name FROM image_group_relations m
             JOIN images i ON i.id = m.image_id JOIN image_groups g ON g.id = m.image_group_id
             WHERE g.name = ?1 ORDER BY m.sort_order, m.image_id",
        )
        .unwrap();
    stmt.query_map([group], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Everything `add` and `remove` could change: the groups, the images, and
/// which image is where in which group.
fn relations(lib: &Path) -> Vec<String> {
    let c = db(lib);
    let mut stmt = c
        .prepare(
            "SELECT 'group ' || id || ' ' || name FROM image_groups
             UNION ALL SELECT 'image ' || id FROM images
             UNION ALL SELECT 'in ' || image_group_id || ' ' || image_id || ' at ' || sort_order
                 FROM image_group_relations
             ORDER BY 1",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn image_count(lib: &Path) -> i64 {
    db(lib)
        .query_row("SELECT count(*) FROM images", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn add_puts_library_images_into_more_groups_in_order_without_doubling() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    import_named(
        &lib,
        &tmp.path().join("src"),
        "Prints",
        &["fox.jpg", "heron.jpg", "crane.jpg"],
        (30, 20),
    );
    let [fox, heron, crane] = ["fox.jpg", "heron.jpg", "crane.jpg"].map(|n| id_named(&lib, n));

    // By id, in the order given, into a group made for it.
    let out = ok(folio(
        &lib,
        &["add", "--group", "Website", "--id", &crane, &fox],
    ));
    assert_eq!(
        out,
        format!(
            "added     “crane.jpg” (#{crane})\n\
             added     “fox.jpg” (#{fox})\n\
             Added 2 images to group “Website”.\n\
             “Website” is a new group, in no gallery yet.\n"
        )
    );
    // By name: the one already there is named, not doubled.
    let out = ok(folio(
        &lib,
        &[
            "add",
            "--group",
            "Website",
            "--name",
            "fox.jpg",
            "--name",
            "heron.jpg",
        ],
    ));
    assert_eq!(
        out,
        format!(
            "already   “fox.jpg” (#{fox}): already in the group\n\
             added     “heron.jpg” (#{heron})\n\
             Added 1 image to group “Website”; 1 was already in it.\n"
        )
    );
    assert_eq!(
        members(&lib, "Website"),
        ["crane.jpg", "fox.jpg", "heron.jpg"]
    );

    // From a group: in its order, after what the target holds.
    ok(folio(
        &lib,
        &["add", "--group", "Everything", "--name", "heron.jpg"],
    ));
    let out = ok(folio(
        &lib,
        &["add", "--group", "Everything", "--from-group", "Prints"],
    ));
    assert!(
        out.ends_with("Added 2 images to group “Everything”; 1 was already in it.\n"),
        "{out}"
    );
    assert_eq!(
        members(&lib, "Everything"),
        ["heron.jpg", "fox.jpg", "crane.jpg"]
    );
    let out = ok(folio(
        &lib,
        &[
            "add",
            "--group",
            "Everything",
            "--id",
            &crane,
            "--id",
            &fox,
            &fox,
        ],
    ));
    assert!(
        out.ends_with("Added 0 images to group “Everything”; 2 were already in it.\n"),
        "each image once: {out}"
    );
    assert_eq!(
        members(&lib, "Prints"),
        ["fox.jpg", "heron.jpg", "crane.jpg"]
    );
    assert_eq!(image_count(&lib), 3, "nothing is copied");

    // `list --ids` shows the ids, and each group holding an image.
    let list = ok(folio(&lib, &["list", "--ids"]));
    assert!(
        list.contains(&format!(
            "  group “Website”, 3 images\n\
             \x20       1. #{crane} crane.jpg (JPEG 30×20)\n\
             \x20       2. #{fox} fox.jpg (JPEG 30×20)\n\
             \x20       3. #{heron} heron.jpg (JPEG 30×20)\n"
        )),
        "{list}"
    );
    assert_eq!(
        list.matches(&format!(". #{fox} fox.jpg")).count(),
        3,
        "fox.jpg is in Everything, Prints and Website: {list}"
    );
    let plain = ok(folio(&lib, &["list"]));
    assert!(
        plain.contains("        1. crane.jpg (JPEG 30×20)\n"),
        "{plain}"
    );
    assert!(!plain.contains('#'), "no ids without --ids: {plain}");
    ok(folio(&lib, &["check"]));
}

#[test]
fn remove_takes_images_out_of_a_group_and_they_stay_in_the_library() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    import_named(
        &lib,
        &tmp.path().join("src"),
        "G",
        &["a.jpg", "b.jpg", "c.jpg"],
        (30, 20),
    );
    ok(folio(&lib, &["add", "--group", "H", "--name", "b.jpg"]));
    let [a, b, c] = ["a.jpg", "b.jpg", "c.jpg"].map(|n| id_named(&lib, n));

    let out = ok(folio(&lib, &["remove", "--group", "G", "--id", &a]));
    assert_eq!(
        out,
        format!(
            "removed   “a.jpg” (#{a})\n\
             Removed 1 image from group “G”; it remains in the library.\n\
             “a.jpg” (#{a}) is now in no group; it is still in the library \
             (the app and `folio list` show it under “Not in any group”).\n"
        )
    );
    // By name, several: b is still in H, c is in no group now.
    let out = ok(folio(
        &lib,
        &["remove", "--group", "G", "--name", "c.jpg", "b.jpg"],
    ));
    assert!(
        out.starts_with(&format!(
            "removed   “c.jpg” (#{c})\n\
             removed   “b.jpg” (#{b})\n\
             Removed 2 images from group “G”; they remain in the library.\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("“c.jpg” (#{c}) is now in no group")),
        "{out}"
    );
    assert!(!out.contains(&format!("“b.jpg” (#{b}) is now")), "{out}");

    assert!(members(&lib, "G").is_empty());
    assert_eq!(members(&lib, "H"), ["b.jpg"]);
    assert_eq!(
        image_count(&lib),
        3,
        "removing from a group deletes nothing"
    );
    let list = ok(folio(&lib, &["list"]));
    assert!(
        list.ends_with(
            "Not in any group (2 images, still in the library; the last imported first)\n\
             \x20       1. c.jpg (JPEG 30×20)\n\
             \x20       2. a.jpg (JPEG 30×20)\n"
        ),
        "{list}"
    );
    ok(folio(&lib, &["check"]));
    // They come back by name from the library.
    ok(folio(
        &lib,
        &["add", "--group", "G", "--name", "c.jpg", "a.jpg"],
    ));
    assert_eq!(members(&lib, "G"), ["c.jpg", "a.jpg"]);
    assert!(!ok(folio(&lib, &["list"])).contains("Not in any group"));
}

#[test]
fn a_name_two_images_share_is_refused_listing_both_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    import_named(
        &lib,
        &tmp.path().join("one"),
        "First",
        &["a.jpg", "b.jpg"],
        (30, 20),
    );
    import_named(
        &lib,
        &tmp.path().join("two"),
        "Second",
        &["a.jpg"],
        (40, 30),
    );
    let ids = ids_named(&lib, "a.jpg");
    assert_eq!(ids.len(), 2, "two different files of one name");
    let before = relations(&lib);

    let err = refused(folio(&lib, &["add", "--group", "New", "--name", "a.jpg"]));
    for part in [
        "“a.jpg” is the name of 2 images in the library".to_string(),
        format!("#{}  JPEG 30×20, imported 2", ids[0]),
        format!("#{}  JPEG 40×30, imported 2", ids[1]),
        "Use --id".to_string(),
        "Nothing was changed".to_string(),
    ] {
        assert!(err.contains(&part), "{part:?} in {err}");
    }
    assert_eq!(relations(&lib), before, "no group made, nothing added");
    // One refused name refuses the whole command.
    refused(folio(
        &lib,
        &["add", "--group", "Second", "--name", "b.jpg", "a.jpg"],
    ));
    assert_eq!(relations(&lib), before);

    // Within a group the name is one image's; by id it is never ambiguous.
    let out = ok(folio(
        &lib,
        &["remove", "--group", "Second", "--name", "a.jpg"],
    ));
    assert!(
        out.starts_with(&format!("removed   “a.jpg” (#{})\n", ids[1])),
        "{out}"
    );
    ok(folio(
        &lib,
        &["add", "--group", "New", "--id", &ids[1].to_string()],
    ));
    assert_eq!(members(&lib, "New"), ["a.jpg"]);
}

#[test]
fn unknown_names_ids_and_groups_are_refused_naming_them() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    let src = tmp.path().join("src");
    import_named(&lib, &src, "G", &["a.jpg"], (30, 20));
    import_named(&lib, &src, "H", &["b.jpg"], (30, 20));
    let [a, b] = ["a.jpg", "b.jpg"].map(|n| id_named(&lib, n));
    let before = relations(&lib);
    let cases: [(Vec<&str>, String); 7] = [
        (
            vec!["add", "--group", "G", "--name", "nope.jpg"],
            "no image in the library is named “nope.jpg”".to_string(),
        ),
        (
            vec!["add", "--group", "New", "--id", &b, "999"],
            "image #999 does not exist".to_string(),
        ),
        (
            vec!["add", "--group", "New", "--from-group", "Nowhere"],
            "--from-group: there is no group named “Nowhere”".to_string(),
        ),
        (
            vec!["remove", "--group", "Nowhere", "--id", &a],
            "--group: there is no group named “Nowhere”".to_string(),
        ),
        (
            vec!["remove", "--group", "G", "--id", &a, &b],
            format!("“b.jpg” (#{b}) is not in group “G”"),
        ),
        (
            vec!["remove", "--group", "G", "--name", "b.jpg"],
            format!(
                "no image in group “G” is named “b.jpg” (the library has #{b}, but not in this group)"
            ),
        ),
        (
            vec!["remove", "--group", "G", "--id", "999"],
            "image #999 does not exist".to_string(),
        ),
    ];
    for (args, words) in &cases {
        let err = refused(folio(&lib, args));
        assert!(err.contains(words.as_str()), "{args:?}: {err}");
        assert!(err.contains("nothing was changed"), "{args:?}: {err}");
        assert_eq!(relations(&lib), before, "{args:?} changed nothing");
    }
    // Exactly one of --id, --name, --from-group.
    for args in [
        vec!["add", "--group", "G"],
        vec!["add", "--group", "G", "--id", &a, "--name", "a.jpg"],
        vec!["remove", "--group", "G", "--from-group", "H"],
    ] {
        let out = folio(&lib, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("--"), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(relations(&lib), before);
}

// ------------------------------------------------------------ details as a spreadsheet

/// A CSV's rows as text cells (the header first).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The library's details, exported to `file` and read back as rows.
fn exported(lib: &Path, file: &Path) -> Vec<Vec<String>> {
    let out = ok(folio(
        lib,
        &["details", "export", "--csv", file.to_str().unwrap()],
    ));
    assert!(out.contains("Wrote the details of"), "{out}");
    csv_rows(&std::fs::read_to_string(file).unwrap())
}

#[test]
fn details_go_out_to_a_spreadsheet_and_come_back_with_any_language_intact() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let src = dir.path().join("src");
    import_named(&lib, &src, "Frühling", &["eins.jpg", "zwei.jpg"], (40, 30));
    ok(folio(
        &lib,
        &["add", "--group", "Atelier", "--name", "zwei.jpg"],
    ));
    let csv_path = dir.path().join("works.csv");
    let rows = exported(&lib, &csv_path);
    assert_eq!(
        rows[0],
        [
            "id",
            "content_hash",
            "original_name",
            "inventory_number",
            "title",
            "year",
            "year_sort",
            "medium",
            "height",
            "width",
            "depth",
            "unit",
            "dimensions_text",
            "edition",
            "credit",
            "description",
            "alt_text",
            "groups"
        ]
    );
    assert_eq!(rows.len(), 3);
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let zwei = rows
        .iter()
        .position(|r| r[col("original_name")] == "zwei.jpg")
        .unwrap();
    assert_eq!(rows[zwei][col("groups")], "Atelier; Frühling");
    assert_eq!(rows[zwei][col("id")], id_named(&lib, "zwei.jpg"));

    // Edited as in a spreadsheet (Excel's byte-order mark and line ends).
    let mut edited = rows.clone();
    let e = &mut edited[zwei];
    e[col("title")] = "Étude n° 3 — 夜の港".into();
    e[col("year")] = "2019–2021".into();
    e[col("medium")] = "Öl auf Leinwand, \"gefirnisst\"".into();
    e[col("unit")] = "cm".into();
    e[col("height")] = "50,5".into();
    e[col("width")] = "40".into();
    e[col("inventory_number")] = "ИН-042".into();
    e[col("description")] = "Zwei Zeilen:\nHafen, Nacht".into();
    e[col("groups")] = "ignored".into();
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &edited {
        w.write_record(r).unwrap();
    }
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(w.into_inner().unwrap());
    std::fs::write(&csv_path, &bytes).unwrap();
    let out = ok(folio(
        &lib,
        &["details", "import", csv_path.to_str().unwrap()],
    ));
    assert!(
        out.contains("Updated the details of 1 image (1 row unchanged)"),
        "{out}"
    );

    let listed = ok(folio(&lib, &["list"]));
    assert!(
        listed.contains("title: Étude n° 3 — 夜の港, 2019–2021"),
        "{listed}"
    );
    let back = exported(&lib, &csv_path);
    let b = &back[zwei];
    assert_eq!(b[col("title")], "Étude n° 3 — 夜の港");
    assert_eq!(
        b[col("year_sort")],
        "2019",
        "the sort year follows the new year"
    );
    assert_eq!(b[col("height")], "50.5");
    assert_eq!(b[col("medium")], "Öl auf Leinwand, \"gefirnisst\"");
    assert_eq!(b[col("description")], "Zwei Zeilen:\nHafen, Nacht");
    assert_eq!(b[col("groups")], "Atelier; Frühling", "groups are not read");
    // Every other cell came back as it went out.
    for (c, name) in rows[0].iter().enumerate() {
        if ![
            "title",
            "year",
            "year_sort",
            "medium",
            "unit",
            "height",
            "width",
            "inventory_number",
            "description",
        ]
        .contains(&name.as_str())
        {
            assert_eq!(back[zwei][c], rows[zwei][c], "{name}");
        }
    }
    // Matched by inventory number, a row without an id sets a field.
    std::fs::write(&csv_path, "inventory_number,edition\nИН-042,1/5\n").unwrap();
    ok(folio(
        &lib,
        &["details", "import", csv_path.to_str().unwrap()],
    ));
    assert_eq!(exported(&lib, &csv_path)[zwei][col("edition")], "1/5");
}

#[test]
fn a_spreadsheet_with_an_unmatched_or_invalid_row_changes_nothing_and_names_each_row() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    import_named(
        &lib,
        &dir.path().join("src"),
        "G",
        &["a.jpg", "b.jpg"],
        (40, 30),
    );
    let csv_path = dir.path().join("works.csv");
    let before = exported(&lib, &csv_path);
    let (a, b) = (id_named(&lib, "a.jpg"), id_named(&lib, "b.jpg"));
    std::fs::write(
        &csv_path,
        format!("id,title,width,unit\n{a},Fine,,\n999,Nobody,,\n{b},Wide,very,cm\n"),
    )
    .unwrap();
    let out = folio(&lib, &["details", "import", csv_path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("nothing was changed; 2 rows cannot be used"),
        "{err}"
    );
    assert!(err.contains("line 3: no image has the id 999"), "{err}");
    assert!(err.contains("line 4: width:"), "{err}");
    assert!(!err.contains("line 2"), "{err}");
    assert_eq!(exported(&lib, &csv_path), before, "nothing changed");
    // The same lines are named in a file with Windows line ends (as Excel writes).
    std::fs::write(
        &csv_path,
        format!("id,title,width,unit\r\n{a},Fine,,\r\n999,Nobody,,\r\n{b},Wide,very,cm\r\n"),
    )
    .unwrap();
    let err = stderr(&folio(
        &lib,
        &["details", "import", csv_path.to_str().unwrap()],
    ));
    assert!(err.contains("line 3: no image has the id 999"), "{err}");
    assert!(err.contains("line 4: width:"), "{err}");
}

// ------------------------------------------------------------ the desktop

/// `folio install-desktop` with `data` as the XDG data folder (and home).
fn install_desktop(data: &Path, home: &Path, uninstall: bool) -> Output {
    let mut c = support::folio(None);
    c.arg("install-desktop")
        .env("XDG_DATA_HOME", data)
        .env("HOME", home)
        .env_remove("FOLIO_LIBRARY");
    if uninstall {
        c.arg("--uninstall");
    }
    c.output().expect("run folio")
}

#[test]
fn install_desktop_writes_the_entry_and_icons_and_uninstall_removes_exactly_them() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // Someone else's files in the same folders are never touched.
    let theirs = write(data.join("applications/gimp.desktop"), b"[Desktop Entry]\n");
    let their_icon = write(data.join("icons/hicolor/48x48/apps/gimp.png"), b"png");
    let out = ok(install_desktop(&data, tmp.path(), false));
    let entry = data.join("applications/folio.desktop");
    let mut expected: Vec<PathBuf> = folio::desktop::installed_files(&data);
    assert!(out.contains("Installed Folio's menu entry"), "{out}");
    for p in &expected {
        assert!(p.is_file(), "{} missing", p.display());
    }
    expected.extend([theirs.clone(), their_icon.clone()]);
    expected.sort();
    assert_eq!(walk(&data), expected, "exactly its files, and nothing else");

    // The entry starts this very program with the opened files, and passes
    // the freedesktop validator.
    let text = std::fs::read_to_string(&entry).unwrap();
    let program = std::fs::canonicalize(env!("CARGO_BIN_EXE_folio")).unwrap();
    assert!(
        text.contains(&format!("Exec={} %F\n", program.display())),
        "{text}"
    );
    assert!(text.contains("MimeType=image/jpeg;"), "{text}");
    assert!(text.contains("Icon=folio\n"), "{text}");
    match std::process::Command::new("desktop-file-validate")
        .arg(&entry)
        .output()
    {
        Ok(v) => assert!(
            v.status.success() && v.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&v.stdout)
        ),
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("desktop-file-validate is not installed: the entry was not validated")
        }
        Err(e) => panic!("desktop-file-validate: {e}"),
    }
    // The icon it installed is Folio's own, the size its folder says.
    let icon = image::open(data.join("icons/hicolor/256x256/apps/folio.png")).unwrap();
    assert_eq!((icon.width(), icon.height()), (256, 256));

    // Installing again replaces its own files; nothing doubles.
    ok(install_desktop(&data, tmp.path(), false));
    assert_eq!(walk(&data), expected);

    let out = ok(install_desktop(&data, tmp.path(), true));
    assert!(out.contains("Removed 11 files"), "{out}");
    assert_eq!(walk(&data), vec![theirs.clone(), their_icon.clone()]);
    let out = ok(install_desktop(&data, tmp.path(), true));
    assert!(out.contains("nothing to remove"), "{out}");

    // Installed for another library: the entry opens that one.
    let library = tmp.path().join("My Library");
    let out = ok(support::folio(None)
        .args(["--library", library.to_str().unwrap(), "install-desktop"])
        .env("XDG_DATA_HOME", &data)
        .env("HOME", tmp.path())
        .output()
        .unwrap());
    assert!(out.contains("It opens the library"), "{out}");
    let text = std::fs::read_to_string(&entry).unwrap();
    assert!(
        text.contains(&format!(
            "Exec={} --library \"{}\" %F\n",
            program.display(),
            library.display()
        )),
        "{text}"
    );
    if let Ok(v) = std::process::Command::new("desktop-file-validate")
        .arg(&entry)
        .output()
    {
        assert!(
            v.status.success() && v.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&v.stdout)
        );
    }
    ok(install_desktop(&data, tmp.path(), true));
}

#[test]
fn install_desktop_leaves_a_menu_entry_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let packaged = include_str!("../assets/folio.desktop");
    let entry = write(data.join("applications/folio.desktop"), packaged.as_bytes());
    // The icon that entry shows, put there with it.
    let icon = write(
        data.join("icons/hicolor/256x256/apps/folio.png"),
        folio::desktop::ICONS[7].1,
    );
    let err = refused(install_desktop(&data, tmp.path(), false));
    assert!(err.contains("did not write"), "{err}");
    assert_eq!(
        walk(&data),
        vec![entry.clone(), icon.clone()],
        "nothing was installed"
    );
    let out = ok(install_desktop(&data, tmp.path(), true));
    assert!(
        out.contains("Left") && out.contains("not written by"),
        "{out}"
    );
    assert_eq!(
        walk(&data),
        vec![entry.clone(), icon.clone()],
        "nothing was removed"
    );
    assert_eq!(std::fs::read_to_string(&entry).unwrap(), packaged);

    // Without any entry: only icons that are Folio's own bytes go.
    std::fs::remove_file(&entry).unwrap();
    let other = write(
        data.join("icons/hicolor/48x48/apps/folio.png"),
        b"someone's",
    );
    let out = ok(install_desktop(&data, tmp.path(), true));
    assert!(out.contains("Removed 1 file"), "{out}");
    assert_eq!(walk(&data), vec![other]);
}

#[test]
fn a_file_to_open_that_is_not_there_is_said_before_any_window() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    let missing = tmp.path().join("nope.jpg");
    let err = refused(folio(&lib, &[missing.to_str().unwrap()]));
    assert!(err.contains("nope.jpg: there is no such file"), "{err}");
    assert!(!lib.exists(), "nothing was made");
}

#[test]
fn the_manual_page_is_made_from_the_commands_help() {
    let out = ok(support::folio(None).arg("man").output().unwrap());
    assert!(
        out.starts_with(".ie") || out.contains(".TH folio 1"),
        "{out}"
    );
    for sub in ["install\\-desktop", "import", "export", "check"] {
        assert!(out.contains(sub), "{sub} is not in the manual page");
    }
}

#[test]
fn originals_are_stored_read_only_and_check_restores_that() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("library");
    let a = write(
        tmp.path().join("a.png"),
        &sample::image_bytes(Format::Png, 8, 8, 1).unwrap(),
    );
    ok(folio(
        &lib,
        &["import", "--group", "G", a.to_str().unwrap()],
    ));
    let originals = walk(&lib.join("library/originals"));
    assert_eq!(originals.len(), 1);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&originals[0]) & 0o222, 0, "{:o}", mode(&originals[0]));
    // The source is the artist's and stays as it was.
    assert_ne!(mode(&a) & 0o200, 0);
    std::fs::set_permissions(&originals[0], std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = folio(&lib, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("can be written to"),
        "{}",
        stdout(&out)
    );
    let out = ok(folio(&lib, &["check", "--repair"]));
    assert!(out.contains("read-only again"), "{out}");
    assert_eq!(mode(&originals[0]) & 0o222, 0);
    ok(folio(&lib, &["check"]));
}
