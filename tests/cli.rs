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

/// 200 files: 150 good ones in five formats, 20 byte-for-byte duplicates, 15
/// truncated, 10 JPEGs named .png, 5 empty.
fn messy_folder(dir: &Path) -> (usize, usize, Vec<String>) {
    let formats = Format::ALL;
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
    let scenarios: [(&str, &str, &str, Vec<String>); 6] = [
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
            &scenarios[0].3[0],
        ],
    );
    assert!(reuse.status.success());

    let list = stdout(&folio(&lib, &["list"]));
    let expected = "\
Gallery “Duet”
  [primary_artist] group “Maya's prints”, 2 images
        1. maya1.jpg (JPEG 30×20)
        2. maya2.jpg (JPEG 30×20)
  [guest_artist_feature] group “Guest: Ilya”, 1 image
        1. ilya.jpg (JPEG 30×20)
Gallery “Harbour Project”
  [photographs] group “Harbour prints”, 3 images
        1. dock.jpg (JPEG 30×20)
        2. boats.jpg (JPEG 30×20)
        3. crane.jpg (JPEG 30×20)
  [sketches] group “Harbour sketches”, 1 image
        1. sketch.jpg (JPEG 30×20)
Gallery “Spring Exhibition”
  [main_exhibit] group “Spring finals”, 2 images
        1. fox.jpg (JPEG 30×20)
        2. heron.jpg (JPEG 30×20)
  [behind_the_scenes] group “Studio setup”, 1 image
        1. easel.jpg (JPEG 30×20)
Gallery “Website”
  [main_exhibit] group “Spring finals”, 2 images
        1. fox.jpg (JPEG 30×20)
        2. heron.jpg (JPEG 30×20)
";
    assert_eq!(list, expected);
    assert!(folio(&lib, &["check"]).status.success());
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
