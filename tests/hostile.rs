//! Hostile inputs through the real `folio import`, and a disk that fills up or
//! is read-only. Every file is generated here except one tiny CMYK JPEG
//! (`tests/data/`), which nothing in our dependencies can write.
//!
//! For every file: no panic, no hang, bounded memory, a line naming the file
//! and what happened to it; the good files are imported; the source folder is
//! exactly as it was; nothing is written outside the library.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // ok: a test fails loudly on any error

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use folio::core::Format;
use folio::core::model::{catalog, images};
use folio::core::{Library, sample};
use image::{ImageBuffer, Rgb, Rgba, RgbaImage};

mod support;

/// Whether the process can read files whose permissions say it cannot (root).
fn ignores_permissions(dir: &Path) -> bool {
    let probe = dir.join("probe");
    std::fs::write(&probe, b"x").unwrap();
    set_mode(&probe, 0o000);
    let readable = std::fs::read(&probe).is_ok();
    set_mode(&probe, 0o644);
    std::fs::remove_file(&probe).unwrap();
    readable
}

fn set_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Every entry under `dir` with its size and modification time: a snapshot to
/// prove the source was not touched.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, Option<std::time::SystemTime>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            out.insert(p.clone(), (meta.len(), meta.modified().ok()));
            if meta.is_dir() {
                stack.push(p);
            }
        }
    }
    out
}

fn png_bytes<P: image::PixelWithColorType>(img: &ImageBuffer<P, Vec<P::Subpixel>>) -> Vec<u8>
where
    [P::Subpixel]: image::EncodableLayout,
{
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A palette PNG, written with the png crate (image writes only true colour).
fn palette_png() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 8, 8);
        enc.set_color(png::ColorType::Indexed);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_palette(vec![255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
        let mut w = enc.write_header().unwrap();
        let data: Vec<u8> = (0..64u8).map(|i| i % 4).collect();
        w.write_image_data(&data).unwrap();
    }
    out
}

/// A GIF with a 65535×65535 canvas and one 1×1 frame.
fn huge_canvas_gif() -> Vec<u8> {
    let mut g = b"GIF89a".to_vec();
    g.extend_from_slice(&65535u16.to_le_bytes());
    g.extend_from_slice(&65535u16.to_le_bytes());
    g.extend_from_slice(&[0x80, 0, 0]); // global colour table of 2
    g.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    g.extend_from_slice(&[0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]); // image descriptor 1×1
    g.extend_from_slice(&[2, 2, 0x4C, 0x01, 0]); // LZW data
    g.push(0x3B);
    g
}

/// A GIF of `n` tiny frames.
fn many_frames_gif(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
        let frames = (0..n).map(|i| {
            let img = RgbaImage::from_pixel(4, 4, Rgba([(i % 256) as u8, 0, 0, 255]));
            image::Frame::new(img)
        });
        enc.encode_frames(frames).unwrap();
    }
    out
}

fn flip_bits(bytes: &[u8], seed: u64, flips: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut rng = support::Rng::new(seed);
    for _ in 0..flips {
        let s = rng.next_u64();
        let i = (s as usize) % out.len();
        out[i] ^= 1 << (s % 8);
    }
    out
}

struct Corpus {
    dir: tempfile::TempDir,
    /// File names that must be imported (as new or as already there).
    good: Vec<String>,
    /// File names that must be refused, with a word the reason must contain.
    bad: Vec<(String, &'static str)>,
    /// Files whose outcome may go either way (bit flips) but must be reported.
    either: Vec<String>,
}

impl Corpus {
    fn put(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
    fn good(&mut self, name: &str, bytes: &[u8]) {
        self.put(name, bytes);
        self.good.push(name.to_string());
    }
    fn bad(&mut self, name: &str, bytes: &[u8], why: &'static str) {
        self.put(name, bytes);
        self.bad.push((name.to_string(), why));
    }
}

fn corpus() -> Corpus {
    let mut c = Corpus {
        dir: tempfile::tempdir().unwrap(),
        good: Vec::new(),
        bad: Vec::new(),
        either: Vec::new(),
    };
    let jpeg = sample::image_bytes(Format::Jpeg, 96, 64, 1).unwrap();
    let png = sample::image_bytes(Format::Png, 96, 64, 2).unwrap();
    // Truncated at many lengths.
    for (i, cut) in [1usize, 2, 3, 10, 20, 100, 200]
        .iter()
        .chain(&[500, 1000])
        .enumerate()
    {
        if *cut < jpeg.len() {
            c.bad(&format!("truncated-{i}.jpg"), &jpeg[..*cut], "");
        }
        if *cut < png.len() {
            c.bad(&format!("truncated-{i}.png"), &png[..*cut], "");
        }
    }
    for frac in [4, 3, 2] {
        c.bad(
            &format!("truncated-1of{frac}.jpg"),
            &jpeg[..jpeg.len() / frac],
            "",
        );
        c.bad(
            &format!("truncated-1of{frac}.png"),
            &png[..png.len() / frac],
            "",
        );
    }
    c.bad("truncated-minus1.png", &png[..png.len() - 1], "");
    // Bit flips: decoders must not panic or hang; the outcome may go either way.
    for i in 0..10u64 {
        let name = format!("flipped-{i}.jpg");
        c.put(&name, &flip_bits(&jpeg, i + 1, 8));
        c.either.push(name);
        let name = format!("flipped-{i}.png");
        c.put(&name, &flip_bits(&png, i + 101, 8));
        c.either.push(name);
    }
    c.bad("empty.jpg", b"", "empty");
    c.bad("one-byte.png", b"\x89", "");
    // Wrong names both ways.
    c.good(
        "really-a-jpeg.png",
        &sample::image_bytes(Format::Jpeg, 40, 30, 3).unwrap(),
    );
    c.good(
        "really-a-png.jpg",
        &sample::image_bytes(Format::Png, 40, 30, 4).unwrap(),
    );
    c.bad(
        "archive.jpg",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00 not an image at all",
        "not an image",
    );
    c.bad("notes.jpg", b"Dear diary, this is text.\n", "not an image");
    // Lies about size.
    c.bad(
        "huge-declared.png",
        &sample::png_declaring(100_000, 100_000).unwrap(),
        "",
    );
    c.bad("huge-canvas.gif", &huge_canvas_gif(), "");
    c.good("many-frames.gif", &many_frames_gif(3000));
    // Colour models.
    c.good("cmyk.jpg", include_bytes!("data/cmyk-16x16.jpg"));
    let deep: ImageBuffer<Rgb<u16>, Vec<u16>> = ImageBuffer::from_fn(20, 10, |x, y| {
        Rgb([x as u16 * 3000, y as u16 * 6000, 40000])
    });
    c.good("sixteen-bit.png", &png_bytes(&deep));
    c.good("palette.png", &palette_png());
    let rgba = RgbaImage::from_fn(20, 10, |x, _| Rgba([200, 100, 50, (x * 12) as u8]));
    c.good("rgba.png", &png_bytes(&rgba));
    let mut webp = Cursor::new(Vec::new());
    rgba.write_to(&mut webp, image::ImageFormat::WebP).unwrap();
    c.good("rgba.webp", &webp.into_inner());
    // Every EXIF orientation.
    let display = sample::marker(48, 24);
    for o in 1..=8u8 {
        let stored = sample::stored_for_orientation(&display, o);
        c.good(
            &format!("orientation-{o}.jpg"),
            &sample::jpeg_with_orientation(&stored, o).unwrap(),
        );
        c.good(
            &format!("orientation-{o}.webp"),
            &sample::webp_with_orientation(&stored, o).unwrap(),
        );
    }
    // Formats Folio does not take.
    c.bad("photo.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "HEIC");
    c.bad("raw.cr2", b"II*\0\x10\0\0\0CR\x02\0", "RAW");
    c.bad("layers.psd", b"8BPS\0\x01\0\0\0\0\0\0\0\x03", "Photoshop");
    c.bad(
        "drawing.svg",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        "SVG",
    );
    // Names.
    let seeds = 10..;
    for (name, seed) in [
        "café ñandú 日本.jpg",
        "with spaces  and  more.jpg",
        "line\nbreak.jpg",
        "-rf --help.jpg",
        "a..b...jpg",
        &format!("{}.jpg", "x".repeat(250)),
    ]
    .into_iter()
    .zip(seeds)
    {
        c.good(
            name,
            &sample::image_bytes(Format::Jpeg, 20, 20, seed).unwrap(),
        );
    }
    c
}

#[test]
fn hostile_files_are_refused_by_name_and_the_good_ones_imported() {
    let mut c = corpus();
    let src = c.dir.path().to_path_buf();
    // Links and special files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        let target = c.put(
            "link-target.jpg",
            &sample::image_bytes(Format::Jpeg, 20, 20, 77).unwrap(),
        );
        c.good.push("link-target.jpg".into());
        symlink(&target, src.join("link-to-file.jpg")).unwrap();
        c.good.push("link-to-file.jpg".into());
        symlink(src.join("loop-b.jpg"), src.join("loop-a.jpg")).unwrap();
        symlink(src.join("loop-a.jpg"), src.join("loop-b.jpg")).unwrap();
        c.bad.push(("loop-a.jpg".into(), ""));
        c.bad.push(("loop-b.jpg".into(), ""));
        symlink(src.join("nowhere.jpg"), src.join("dangling.jpg")).unwrap();
        c.bad.push(("dangling.jpg".into(), ""));
        symlink(&src, src.join("link-to-folder")).unwrap();
        let fifo = src.join("pipe.jpg");
        assert!(
            Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        c.bad.push(("pipe.jpg".into(), "not a regular file"));
    }
    let root_like = ignores_permissions(&src);
    let locked = c.put(
        "locked.jpg",
        &sample::image_bytes(Format::Jpeg, 20, 20, 88).unwrap(),
    );
    let locked_dir = src.join("locked-folder");
    std::fs::create_dir(&locked_dir).unwrap();
    std::fs::write(
        locked_dir.join("inside.jpg"),
        sample::image_bytes(Format::Jpeg, 20, 20, 89).unwrap(),
    )
    .unwrap();
    set_mode(&locked, 0o000);
    set_mode(&locked_dir, 0o000);
    if root_like {
        // Running as root: permissions do not stop us, so these import.
        c.good.push("locked.jpg".into());
        c.good.push("inside.jpg".into());
    } else {
        c.bad.push(("locked.jpg".into(), "ermission"));
        c.bad.push(("locked-folder".into(), "ermission"));
    }

    let before = snapshot(&src);
    let lib_dir = tempfile::tempdir().unwrap();
    let root = lib_dir.path().join("lib");
    let started = Instant::now();
    let mut child = support::folio(Some(&root))
        .args(["import", "--group", "Hostile"])
        .arg(&src)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Peak memory, read from /proc while it runs (Linux).
    let pid = child.id();
    let mut peak_kb = 0u64;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(line) = s.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kb: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            peak_kb = peak_kb.max(kb);
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the import hangs"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    set_mode(&locked, 0o644);
    set_mode(&locked_dir, 0o755);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        status.code(),
        Some(1),
        "some files failed, none crashed: {err}\n{text}"
    );

    // Every file has its line, naming it.
    let lines: Vec<&str> = text.lines().collect();
    let line_of = |name: &str| -> String {
        // The newline in one name splits its line; match on the part before it.
        let key = name.split('\n').next().unwrap_or(name);
        lines
            .iter()
            .find(|l| l.contains(key))
            .map(|l| l.to_string())
            .unwrap_or_else(|| panic!("no line names {name:?}:\n{text}"))
    };
    for name in &c.good {
        let line = line_of(name);
        assert!(
            line.starts_with("imported") || line.starts_with("existing"),
            "{name:?} should import: {line}"
        );
    }
    for (name, why) in &c.bad {
        let line = line_of(name);
        assert!(line.starts_with("FAILED"), "{name:?} should fail: {line}");
        assert!(
            line.contains(why),
            "{name:?}: the reason should mention {why:?}: {line}"
        );
    }
    for name in &c.either {
        line_of(name);
    }
    // The source is exactly as it was; nothing was written beside the library.
    assert_eq!(snapshot(&src), before, "the source folder changed");
    let beside: Vec<_> = std::fs::read_dir(lib_dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(beside, ["lib"], "something was written outside the library");

    // What was imported is whole, upright and named as the artist named it.
    let lib = Library::open(&root).unwrap();
    let group = catalog::group_by_name(lib.conn(), "Hostile")
        .unwrap()
        .unwrap();
    let imported = images::group_images(lib.conn(), group).unwrap();
    for o in 1..=8 {
        for ext in ["jpg", "webp"] {
            let name = format!("orientation-{o}.{ext}");
            let img = imported.iter().find(|i| i.original_name == name).unwrap();
            assert_eq!(
                (img.width, img.height),
                (48, 24),
                "{name} is stored with its displayed size"
            );
            // Shown upright: the red quarter at the top left.
            let shown = folio::core::media::thumbnail::make(
                &lib.file_path(&img.filename).unwrap(),
                img.format,
                48,
            )
            .unwrap()
            .to_rgb8();
            let (red, blue) = (shown.get_pixel(4, 4).0, shown.get_pixel(44, 20).0);
            assert!(red[0] > 150 && red[2] < 100, "{name}: top left {red:?}");
            assert!(
                blue[2] > 150 && blue[0] < 100,
                "{name}: bottom right {blue:?}"
            );
        }
    }
    assert!(
        imported
            .iter()
            .any(|i| i.original_name == "café ñandú 日本.jpg")
    );
    drop(lib);
    let check = support::folio(Some(&root)).arg("check").output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let failed = lines.iter().filter(|l| l.starts_with("FAILED")).count();
    eprintln!(
        "hostile: {} files tried, {failed} refused with a reason, 0 panics, {:.1} s, peak RSS {} MB",
        c.good.len() + c.bad.len() + c.either.len(),
        elapsed.as_secs_f64(),
        peak_kb / 1024
    );
    assert!(
        peak_kb < 1_600_000,
        "memory is bounded by the decode limits: {peak_kb} kB"
    );
}

fn originals(root: &Path) -> Vec<PathBuf> {
    support::files_under(&root.join("library/originals"))
}

#[test]
fn a_full_or_read_only_disk_ends_with_a_clear_error_and_changes_nothing() {
    let src = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..5u64)
        .map(|i| {
            let p = src.path().join(format!("p{i}.png"));
            std::fs::write(&p, sample::image_bytes(Format::Png, 64, 64, i).unwrap()).unwrap();
            p
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let folio = |fault: Option<&str>, args: &[&str], files: &[PathBuf]| {
        let mut c = support::folio(Some(&root));
        c.args(args).args(files);
        if let Some(f) = fault {
            c.env("FOLIO_FAILPOINT_WRITE", f);
        }
        c.output().unwrap()
    };
    // One image in the group first, so there is something to keep unchanged.
    assert!(
        folio(None, &["import", "--group", "Walls"], &paths[..1])
            .status
            .success()
    );
    let list = || String::from_utf8_lossy(&folio(None, &["list"], &[]).stdout).into_owned();
    let list_before = list();
    let files_before = originals(&root);
    for (fault, words) in [
        ("disk-full", "the disk is full"),
        ("read-only", "the disk is read-only"),
    ] {
        let out = folio(Some(fault), &["import", "--group", "Walls"], &paths[1..]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        let failed: Vec<&str> = text.lines().filter(|l| l.starts_with("FAILED")).collect();
        assert_eq!(failed.len(), 4, "each file fails, by name: {text}");
        for line in &failed {
            assert!(
                line.contains(words) && line.contains("library/originals/"),
                "{line}"
            );
        }
        assert_eq!(
            originals(&root),
            files_before,
            "{fault}: no partial or extra file is left"
        );
        assert_eq!(list(), list_before, "{fault}: the database is unchanged");
    }
    // Once the disk is fine again, the same import completes.
    let out = folio(None, &["import", "--group", "Walls"], &paths[1..]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lib = Library::open(&root).unwrap();
    assert_eq!(images::count(lib.conn()).unwrap(), 5);
}
