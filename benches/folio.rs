//! `cargo bench`: Folio's thumbnailer and import against the tools people use,
//! on data this benchmark generates, side by side in one run. Prints one
//! markdown table. vipsthumbnail (Debian: libvips-tools) is compared when it
//! is installed and skipped when it is not.
//!
//! ```sh
//! cargo bench --bench folio                 # default corpus sizes
//! FOLIO_BENCH_SCALE=2 cargo bench --bench folio   # twice the files
//! FOLIO_BENCH_ONLY=grid cargo bench --bench folio # only the app's frames (or: files, db, works, export, apply)
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // ok: a benchmark fails loudly

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use folio::core::Format;
use folio::core::media::{import, thumbnail as thumbs};
use folio::core::model::catalog;
use folio::core::{Library, pool, sample};

#[path = "../tests/support/mod.rs"]
mod support;

use support::{Dropped, Memory};

struct Set {
    name: &'static str,
    format: Format,
    files: Vec<PathBuf>,
    bytes: u64,
}

fn scale() -> usize {
    std::env::var("FOLIO_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

fn make_set(dir: &Path, name: &'static str, format: Format, n: usize, w: u32, h: u32) -> Set {
    let sub = dir.join(name.replace([' ', '×'], "-"));
    std::fs::create_dir_all(&sub).unwrap();
    let files: Vec<PathBuf> = (0..n)
        .map(|i| {
            let img = sample::picture(w, h, 1000 + i as u64);
            let bytes = match format {
                Format::Jpeg => {
                    let mut out = std::io::Cursor::new(Vec::new());
                    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
                        .encode_image(&img)
                        .unwrap();
                    out.into_inner()
                }
                other => sample::encode(&img, other).unwrap(),
            };
            let p = sub.join(format!("{i:04}.{}", format.extension()));
            std::fs::write(&p, bytes).unwrap();
            p
        })
        .collect();
    let bytes = files
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    Set {
        name,
        format,
        files,
        bytes,
    }
}

/// Folio's thumbnails of every file, on `workers` threads; images per second.
fn folio_thumbs(set: &Set, workers: usize) -> f64 {
    let next = AtomicUsize::new(0);
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = set.files.get(i) else { break };
                    let t = thumbs::make(p, set.format, thumbs::SMALL).unwrap();
                    // Encoding is part of making a thumbnail file.
                    std::hint::black_box(thumbs::encode(&t).unwrap());
                }
            });
        }
    });
    set.files.len() as f64 / t.elapsed().as_secs_f64()
}

fn vips_available() -> bool {
    Command::new("vipsthumbnail")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// vipsthumbnail on `workers` processes (one thread each), images per second.
fn vips_thumbs(set: &Set, workers: usize, out: &Path) -> f64 {
    std::fs::create_dir_all(out).unwrap();
    let chunks: Vec<Vec<PathBuf>> = (0..workers)
        .map(|w| set.files.iter().skip(w).step_by(workers).cloned().collect())
        .collect();
    let t = Instant::now();
    let children: Vec<_> = chunks
        .iter()
        .map(|chunk| {
            Command::new("vipsthumbnail")
                .env("VIPS_CONCURRENCY", "1")
                .args(["--size", "256", "-o"])
                .arg(format!("{}/%s.jpg[Q=85]", out.display()))
                .args(chunk)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    set.files.len() as f64 / t.elapsed().as_secs_f64()
}

fn cp_and_sync(set: &Set, out: &Path) -> Duration {
    std::fs::create_dir_all(out).unwrap();
    let t = Instant::now();
    for p in &set.files {
        let to = out.join(p.file_name().unwrap());
        std::fs::copy(p, &to).unwrap();
        std::fs::File::open(&to).unwrap().sync_all().unwrap();
    }
    t.elapsed()
}

/// Import into a fresh library (file, row and the grid's 256 px thumbnail);
/// with `previews`, also the 1024 px preview of every image (on every core).
/// Returns the time.
fn folio_import(set: &Set, root: &Path, previews: bool) -> Duration {
    let t = Instant::now();
    let mut lib = Library::open(root).unwrap();
    let group = lib
        .write(|tx| catalog::find_or_create_group(tx, "Bench"))
        .unwrap();
    let summary =
        import::import_paths(&mut lib, &set.files, group, |_| {}, &AtomicBool::new(false));
    assert_eq!(summary.failed(), 0);
    if previews {
        let rows = folio::core::model::images::group_images(lib.conn(), group).unwrap();
        let store = lib.store_root().to_path_buf();
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..pool::default_workers() {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(img) = rows.get(i) else { break };
                        let original = store.join(&img.filename);
                        thumbs::load_or_make(
                            &store,
                            &original,
                            &img.content_hash,
                            img.format,
                            thumbs::LARGE,
                        )
                        .unwrap();
                    }
                });
            }
        });
    }
    t.elapsed()
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort_unstable();
    let i = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[i.min(times.len() - 1)]
}

/// The real app, headless (egui_kittest, no rendering), on a group of `n`
/// images: open to first frame, then frames while the wheel scrolls through
/// the grid, and one move by keyboard. Rows only: the files do not exist, so
/// every thumbnail fails fast and shows its placeholder.
fn grid_frames(n: usize) -> Frames {
    use eframe::egui;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let (gallery, group) = {
        let mut lib = Library::open(&root).unwrap();
        let store = lib.store();
        lib.write(|tx| {
            let gallery = catalog::create_gallery(tx, "Decade", None)?;
            let group = catalog::create_group(tx, "Everything", None)?;
            catalog::attach(tx, gallery, group, "main_exhibit")?;
            sample::placeholder_images(tx, store, group, 0..n as u64)?;
            // A small one beside it, to open the large one from.
            let other = catalog::create_group(tx, "Other", None)?;
            catalog::attach(tx, gallery, other, "sketches")?;
            sample::placeholder_images(tx, store, other, n as u64..n as u64 + 10)?;
            Ok((gallery, group))
        })
        .unwrap()
    };
    let mut storage = Memory::default();
    eframe::set_value(
        &mut storage,
        folio::app::STORAGE_KEY,
        &folio::app::View {
            library: root.clone(),
            gallery: Some(gallery.0),
            group: Some(group.0),
            thumb_size: 160.0,
            inspector: true,
            pool: None,
            captions: folio::app::Captions::Title,
            exported_to: Default::default(),
        },
    );
    let started = Instant::now();
    let mut h = egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(|cc| folio::app::FolioApp::new(&cc.egui_ctx, root.clone(), Some(&storage)));
    let first = started.elapsed();
    h.hover_at(egui::pos2(640.0, 400.0));
    h.step();
    let mut times = Vec::new();
    for _ in 0..400 {
        h.event(wheel(-600.0));
        let t = Instant::now();
        h.step();
        times.push(t.elapsed());
    }
    let p50 = percentile(&mut times, 0.5);
    let p99 = percentile(&mut times, 0.99);
    // A move, by keyboard on the first visible image: the frame that applies it.
    h.event(key(egui::Key::ArrowRight, egui::Modifiers::NONE));
    h.step();
    // The inspector's preview of the newly focused image arrives from its
    // worker within a few frames: let it, so the next frame is the move's.
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.event(key(egui::Key::ArrowRight, egui::Modifiers::ALT));
    let t = Instant::now();
    h.step();
    let move_frame = t.elapsed();
    // Removing that image from the group (Delete), then renaming the gallery:
    // edits whose frame must not read the group again.
    h.event(key(egui::Key::Delete, egui::Modifiers::NONE));
    let removal_frame = slowest_of_steps(&mut h, 3);
    assert_eq!(
        h.state().data().images.len(),
        n - 1,
        "the removal was applied"
    );
    // Adding the first visible image to the other group: dragged onto its
    // row in the sidebar, the frame of the drop.
    let from = h
        .query_all_by_role(egui::Role::Image)
        .next()
        .unwrap()
        .rect()
        .center();
    let to = h
        .get_by_role_and_label(egui::Role::Button, "Sketches: Other")
        .rect()
        .center();
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for i in 1..=8 {
        h.hover_at(from + (to - from) * (i as f32 / 8.0));
        h.step();
    }
    h.drop_at(to);
    let add_frame = slowest_of_steps(&mut h, 3);
    let other_count = |h: &egui_kittest::Harness<'_, folio::app::FolioApp>| {
        h.state()
            .data()
            .links
            .iter()
            .find(|l| l.group_name == "Other")
            .map(|l| l.image_count)
    };
    assert_eq!(other_count(&h), Some(11), "the add was applied");
    h.get_by_role_and_label(egui::Role::Button, "Decade")
        .click_secondary();
    h.run_steps(3);
    h.get_by_label("Rename or describe…").click();
    h.run_steps(3);
    h.get_by_label("Gallery name").click();
    h.run_steps(2);
    h.event(key(egui::Key::A, egui::Modifiers::COMMAND));
    h.get_by_label("Gallery name").type_text("A decade");
    h.run_steps(2);
    h.get_by_label("Save").click();
    let rename_frame = slowest_of_steps(&mut h, 3);
    assert!(
        h.state()
            .data()
            .galleries
            .iter()
            .any(|g| g.name == "A decade"),
        "the rename was applied"
    );
    // The baseline: the same scrolling, at the same pace, with no import.
    let idle = scroll_paced(&mut h, 120, |_| true);
    // Frames while 1,000 files are dropped and imported into the shown group.
    let files = tempfile::tempdir().unwrap();
    for i in 0..1000u64 {
        let p = files.path().join(format!("{i:04}.png"));
        std::fs::write(
            &p,
            sample::image_bytes(Format::Png, 64, 48, 50_000 + i).unwrap(),
        )
        .unwrap();
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(Dropped(p)));
    }
    h.step();
    let started = Instant::now();
    let during = scroll_paced(&mut h, usize::MAX, |h| {
        h.state().is_busy() && started.elapsed() < Duration::from_secs(600)
    });
    // Opening the large group again from the small one: the frame that
    // applies the click, and the time until its rows are shown.
    let click_group = |h: &mut egui_kittest::Harness<'_, folio::app::FolioApp>, name: &str| {
        if let Some(b) = h
            .query_all_by_role_and_label(egui::Role::Button, name)
            .next()
        {
            b.click();
        }
    };
    click_group(&mut h, "Other");
    h.run_steps(3);
    assert_ne!(
        h.state().data().shown,
        Some(group),
        "the small group is shown"
    );
    click_group(&mut h, "Everything");
    let t = Instant::now();
    let open_frame = slowest_of_steps(&mut h, 2);
    while h.state().data().shown != Some(group) && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(1));
        h.step();
    }
    let open_shown = t.elapsed();
    assert_eq!(h.state().data().shown, Some(group), "the large group came");
    if std::env::var("FOLIO_BENCH_FRAMES").is_ok() {
        let mut sorted = during.clone();
        sorted.sort_unstable();
        eprintln!(
            "{} frames during the import; slowest: {:?}",
            sorted.len(),
            &sorted[sorted.len().saturating_sub(8)..]
        );
    }
    Frames {
        first,
        p50,
        p99,
        move_frame,
        removal_frame,
        add_frame,
        rename_frame,
        idle: percentile(&mut idle.clone(), 0.99),
        during: percentile(&mut during.clone(), 0.99),
        open_frame,
        open_shown,
    }
}

/// What [`grid_frames`] measures.
struct Frames {
    first: Duration,
    p50: Duration,
    p99: Duration,
    move_frame: Duration,
    removal_frame: Duration,
    /// Adding one image to another group (dropped onto it in the sidebar).
    add_frame: Duration,
    rename_frame: Duration,
    idle: Duration,
    during: Duration,
    /// The slowest frame opening the group from another one.
    open_frame: Duration,
    /// From that click until its images are shown.
    open_shown: Duration,
}

/// Frames while the wheel scrolls up and down through the grid at a
/// display's pace (60 Hz), up to `frames` of them while `go` holds.
fn scroll_paced(
    h: &mut egui_kittest::Harness<'_, folio::app::FolioApp>,
    frames: usize,
    mut go: impl FnMut(&egui_kittest::Harness<'_, folio::app::FolioApp>) -> bool,
) -> Vec<Duration> {
    let mut times = Vec::new();
    while times.len() < frames && go(h) {
        let down = (times.len() / 20) % 2 == 0;
        h.event(wheel(if down { -300.0 } else { 300.0 }));
        let t = Instant::now();
        h.step();
        times.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(16));
    }
    times
}

/// A key pressed with `modifiers`.
fn key(key: eframe::egui::Key, modifiers: eframe::egui::Modifiers) -> eframe::egui::Event {
    eframe::egui::Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers,
    }
}

/// The slowest of the next `n` frames: the one that applied what came before.
fn slowest_of_steps(h: &mut egui_kittest::Harness<'_, folio::app::FolioApp>, n: usize) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            h.step();
            t.elapsed()
        })
        .max()
        .unwrap_or_default()
}

/// The mouse wheel turned by `dy` points (negative: down the grid).
fn wheel(dy: f32) -> eframe::egui::Event {
    use eframe::egui;
    egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, dy),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    }
}

fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
            })
        })
        .map_or(0, |kb| kb / 1024)
}

fn main() {
    let only = std::env::var("FOLIO_BENCH_ONLY").unwrap_or_default();
    if only.is_empty() || only == "files" {
        files_bench();
    }
    if only.is_empty() || only == "grid" {
        grid_bench();
    }
    if only.is_empty() || only == "db" {
        db_bench();
    }
    if only.is_empty() || only == "works" {
        works_bench();
    }
    if only.is_empty() || only == "export" {
        export_bench();
    }
    if only.is_empty() || only == "apply" {
        apply_bench();
    }
    println!();
    println!("Peak RSS of the benchmark process: {} MB.", peak_rss_mb());
}

fn files_bench() {
    let k = scale();
    let cores = pool::default_workers();
    let dir = tempfile::tempdir().unwrap();
    eprintln!("generating the corpus in {} …", dir.path().display());
    let sets = [
        make_set(dir.path(), "24 MP JPEG", Format::Jpeg, 12 * k, 6000, 4000),
        make_set(dir.path(), "1080p JPEG", Format::Jpeg, 60 * k, 1920, 1080),
        make_set(dir.path(), "2000×2000 PNG", Format::Png, 12 * k, 2000, 2000),
    ];
    let vips = vips_available();
    println!(
        "Machine: {cores} cores; vipsthumbnail {}.",
        if vips {
            "installed"
        } else {
            "not installed (its columns are skipped)"
        }
    );
    println!();
    println!(
        "| thumbnails, 256 px | files | Folio, 1 core | vips, 1 core | Folio, {cores} cores | vips, {cores} cores | Folio ÷ vips ({cores} cores) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for set in &sets {
        let f1 = folio_thumbs(set, 1);
        let fn_ = folio_thumbs(set, cores);
        let (v1, vn) = if vips {
            (
                Some(vips_thumbs(set, 1, &dir.path().join("vips1"))),
                Some(vips_thumbs(set, cores, &dir.path().join("vipsn"))),
            )
        } else {
            (None, None)
        };
        let show = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.1}/s"));
        let ratio = vn.map_or("–".to_string(), |v| format!("{:.2}×", fn_ / v));
        println!(
            "| {} | {} | {f1:.1}/s | {} | {fn_:.1}/s | {} | {ratio} |",
            set.name,
            set.files.len(),
            show(v1),
            show(vn)
        );
    }
    println!();
    println!(
        "| import | files | MB | Folio: copy + hash + row + 256 px thumbnail | Folio, plus 1024 px previews | cp + sync | cp + sync + vipsthumbnail | Folio (256 px) ÷ (cp + vips) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for set in &sets[..2] {
        let mb = set.bytes as f64 / 1e6;
        let plain = folio_import(
            set,
            &dir.path().join(format!("lib-a-{}", set.files.len())),
            false,
        );
        let with = folio_import(
            set,
            &dir.path().join(format!("lib-b-{}", set.files.len())),
            true,
        );
        let cp = cp_and_sync(set, &dir.path().join(format!("cp-{}", set.files.len())));
        let rate = |d: Duration| set.files.len() as f64 / d.as_secs_f64();
        let (both, ratio) = if vips {
            let v = vips_thumbs(set, cores, &dir.path().join("vips-import"));
            let both = cp.as_secs_f64() + set.files.len() as f64 / v;
            (
                format!("{:.1} files/s", set.files.len() as f64 / both),
                format!("{:.2}×", both / plain.as_secs_f64()),
            )
        } else {
            ("–".into(), "–".into())
        };
        println!(
            "| {} | {} | {mb:.0} | {:.1} files/s ({:.0} MB/s) | {:.1} files/s | {:.1} files/s | {both} | {ratio} |",
            set.name,
            set.files.len(),
            rate(plain),
            mb / plain.as_secs_f64(),
            rate(with),
            rate(cp)
        );
    }
}

fn grid_bench() {
    println!();
    println!(
        "| grid (headless frames) | open to first frame | scroll frame p50 | scroll frame p99 | frame applying a move | … a removal | … an add to another group | … a gallery's rename | opening it from another group: slowest frame / images shown | paced scroll p99, idle | paced scroll p99 during a 1,000-file import |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let sizes: Vec<usize> = std::env::var("FOLIO_BENCH_GRID")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    for n in sizes {
        let f = grid_frames(n);
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
        println!(
            "| {n} images | {} | {} | {} | {} | {} | {} | {} | {} / {} | {} | {} |",
            ms(f.first),
            ms(f.p50),
            ms(f.p99),
            ms(f.move_frame),
            ms(f.removal_frame),
            ms(f.add_frame),
            ms(f.rename_frame),
            ms(f.open_frame),
            ms(f.open_shown),
            ms(f.idle),
            ms(f.during)
        );
    }
}

/// Picks the images of one move, given a random number below its argument.
type Pick<'a> = dyn FnMut(&mut dyn FnMut(usize) -> usize) -> Vec<folio::core::ImageId> + 'a;

/// The database at scale, on synthetic groups of 10,000 and 100,000 images:
/// open, ordered listing, and moves as the app makes them (each its own
/// transaction, checkpoints in the background, drop before a random image).
fn db_bench() {
    println!();
    println!(
        "| database | open (incl. quick_check) | ordered ids | ordered rows | move 1 image p50 / p99 | move 100 adjacent p50 / p99 | move 100 scattered p50 / p99 | add 10,000 to another group: at its end / into its middle | sort the group by name |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut confirms = Vec::new();
    for n in [10_000u64, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        let group = {
            let mut lib = Library::open(dir.path()).unwrap();
            let store = lib.store();
            lib.write(|tx| {
                let g = catalog::create_group(tx, "Decade", None)?;
                sample::placeholder_images(tx, store, g, 0..n)?;
                Ok(g)
            })
            .unwrap()
        };
        let t = Instant::now();
        let mut lib = Library::open(dir.path()).unwrap();
        let open = t.elapsed();
        lib.checkpoint_in_background();
        let t = Instant::now();
        let ids = folio::core::model::images::group_image_ids(lib.conn(), group).unwrap();
        let list_ids = t.elapsed();
        let t = Instant::now();
        let rows = folio::core::model::images::group_images(lib.conn(), group).unwrap();
        let list_rows = t.elapsed();
        assert_eq!(rows.len() as u64, n);
        drop(rows);
        let mut rng = support::Rng::new(0x2545_F491_4F6C_DD1D);
        let mut next = move |bound: usize| rng.index(bound);
        let mut moves = |pick: &mut Pick, rounds: usize| {
            let mut times = Vec::with_capacity(rounds);
            for _ in 0..rounds {
                let picked = pick(&mut next);
                let before = ids.get(next(ids.len() + 1)).copied();
                let t = Instant::now();
                lib.write(|tx| {
                    folio::core::model::images::move_images_before(tx, group, &picked, before)
                })
                .unwrap();
                times.push(t.elapsed());
            }
            (percentile(&mut times, 0.5), percentile(&mut times, 0.99))
        };
        let one = moves(&mut |next| vec![ids[next(ids.len())]], 1000);
        let adjacent = moves(
            &mut |next| {
                let start = next(ids.len() - 100);
                ids[start..start + 100].to_vec()
            },
            200,
        );
        let scattered = moves(
            &mut |next| (0..100).map(|_| ids[next(ids.len())]).collect(),
            200,
        );
        let check = folio::core::model::images::group_image_ids(lib.conn(), group).unwrap();
        let (mut a, mut b) = (check, ids.clone());
        a.sort();
        b.sort();
        assert_eq!(a, b, "a move lost or duplicated an image");
        // 10,000 of them into a second group, in one transaction each: at
        // its end, then 10,000 others into the middle of those.
        let picks = lib
            .write(|tx| catalog::create_group(tx, "Picks", None))
            .unwrap();
        let add = |lib: &mut Library, batch: &[folio::core::ImageId], before| {
            let t = Instant::now();
            let added = lib
                .write(|tx| folio::core::model::images::add_images_before(tx, picks, batch, before))
                .unwrap();
            assert_eq!(added, batch.len());
            t.elapsed()
        };
        // A sort of the whole group by name, as the app makes it (one
        // transaction; the old order kept for undo).
        let t = Instant::now();
        lib.write(|tx| {
            let _undo = folio::core::model::images::group_image_ids(tx, group)?;
            folio::core::model::images::sort_group(
                tx,
                group,
                folio::core::model::images::SortBy::Name,
            )
        })
        .unwrap();
        let sort = t.elapsed();
        let batch = 10_000.min(ids.len() / 2);
        let add_end = add(&mut lib, &ids[..batch], None);
        let add_middle = add(&mut lib, &ids[batch..2 * batch], Some(ids[batch / 2]));
        // The confirmation of a delete from the library of 5,000 selected
        // images (scattered over the group): the groups losing one, in one
        // query, against the query per image it replaced.
        let selection: Vec<_> = (0..5000usize)
            .map(|i| ids[(i * 7919) % ids.len()])
            .collect();
        let t = Instant::now();
        let holding = folio::core::model::images::groups_holding(lib.conn(), &selection).unwrap();
        let confirm = t.elapsed();
        assert_eq!(holding.len(), 2);
        let t = Instant::now();
        {
            let mut stmt = lib
                .conn()
                .prepare_cached(
                    "SELECT g.name FROM image_group_relations m JOIN image_groups g ON g.id = m.image_group_id
                     WHERE m.image_id = ?1",
                )
                .unwrap();
            let mut names = std::collections::BTreeSet::new();
            for id in &selection {
                for name in stmt.query_map([id], |r| r.get::<_, String>(0)).unwrap() {
                    names.insert(name.unwrap());
                }
            }
            assert_eq!(names.len(), holding.len());
        }
        let per_image = t.elapsed();
        confirms.push((n, confirm, per_image));
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
        println!(
            "| {n} images | {} | {} | {} | {} / {} | {} / {} | {} / {} | {} / {} ({batch} each) | {} |",
            ms(open),
            ms(list_ids),
            ms(list_rows),
            ms(one.0),
            ms(one.1),
            ms(adjacent.0),
            ms(adjacent.1),
            ms(scattered.0),
            ms(scattered.1),
            ms(add_end),
            ms(add_middle),
            ms(sort)
        );
    }
    println!();
    println!(
        "| delete confirmation, 5,000 selected | groups losing one: one query | a query per image (before) | ratio |"
    );
    println!("| --- | --- | --- | --- |");
    for (n, one, each) in confirms {
        println!(
            "| {n} images | {:.1} ms | {:.1} ms | {:.0}× |",
            one.as_secs_f64() * 1e3,
            each.as_secs_f64() * 1e3,
            each.as_secs_f64() / one.as_secs_f64().max(1e-9)
        );
    }
}

/// A library of `n` works with titles, years, media and inventory numbers
/// (rows only, no files), in one group of one gallery.
fn works_library(n: u64) -> (tempfile::TempDir, Vec<folio::core::ImageId>) {
    use folio::core::model::details::{self, Details, Entry, Unit};
    const WORDS: [&str; 16] = [
        "harbour",
        "dusk",
        "night",
        "ferry",
        "lantern",
        "quay",
        "buoy",
        "tide",
        "morning",
        "breakwater",
        "fog",
        "signal",
        "threshold",
        "salt",
        "iron",
        "field",
    ];
    const MEDIA: [&str; 5] = [
        "Oil on linen",
        "Gelatin silver print",
        "Graphite on paper",
        "Acrylic on panel",
        "Archival pigment print",
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut lib = Library::open(dir.path()).unwrap();
    let store = lib.store();
    let mut rng = support::Rng::new(0x5EED_0F3A);
    let ids = lib
        .write(|tx| {
            let gallery = catalog::create_gallery(tx, "Decade", None)?;
            let group = catalog::create_group(tx, "Everything", None)?;
            catalog::attach(tx, gallery, group, "main_exhibit")?;
            let ids = sample::placeholder_images(tx, store, group, 0..n)?;
            for (i, &id) in ids.iter().enumerate() {
                let w = |r: &mut support::Rng| WORDS[r.index(WORDS.len())];
                let year = 1990 + rng.index(36) as i32;
                let entry = Entry {
                    alt_text: (i % 4 != 0)
                        .then(|| format!("A {} by the {}", w(&mut rng), w(&mut rng))),
                    details: Details {
                        title: Some(format!("{} {} {}", w(&mut rng), w(&mut rng), i % 97)),
                        year: Some(year.to_string()),
                        year_sort: Some(year),
                        medium: Some(MEDIA[rng.index(MEDIA.len())].to_string()),
                        height: Some(50.0),
                        width: Some(40.0),
                        unit: Some(Unit::Cm),
                        inventory_number: Some(format!("INV-{i:06}")),
                        ..Details::default()
                    },
                };
                details::write_entry(tx, id, &entry)?;
            }
            Ok(ids)
        })
        .unwrap();
    (dir, ids)
}

/// Works' details and Find at 10,000 and 100,000 images: reading Find's
/// catalogue, queries as typed (every prefix of a few searches), the app's
/// frames while a word is typed into Find (at a display's pace, results
/// arriving as they come), and the frame that saves a detail edit for one
/// image and for 1,000 selected.
fn works_bench() {
    use eframe::egui;
    use folio::core::model::search::{Catalogue, Query};
    println!();
    println!(
        "| works and Find | read Find's catalogue | query as typed p50 / p99 | typing into Find: frame p50 / p99 (slowest) | key to answer shown: p50 / slowest | frame saving a detail: 1 image / 1,000 selected |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    let sizes: Vec<u64> = std::env::var("FOLIO_BENCH_WORKS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);
    for n in sizes {
        let (dir, ids) = works_library(n);
        let root = dir.path().to_path_buf();
        let (read, p50, p99) = {
            let lib = Library::open(&root).unwrap();
            let t = Instant::now();
            let cat = Catalogue::read(lib.conn()).unwrap();
            let read = t.elapsed();
            assert_eq!(cat.len() as u64, n);
            let mut times = Vec::new();
            for search in [
                "harbour dusk",
                "inv-0042",
                "graphite",
                "1997",
                "salt iron 5",
                "zzz",
            ] {
                for end in 1..=search.len() {
                    let q = Query {
                        text: search[..end].to_string(),
                        ..Query::default()
                    };
                    let t = Instant::now();
                    let found = cat.find(&q);
                    times.push(t.elapsed());
                    std::hint::black_box(found);
                }
            }
            let q = Query {
                missing_alt: true,
                ..Query::default()
            };
            let t = Instant::now();
            assert_eq!(cat.find(&q).len() as u64, n / 4);
            times.push(t.elapsed());
            (
                read,
                percentile(&mut times, 0.5),
                percentile(&mut times, 0.99),
            )
        };

        // The app: Ctrl+F, then "harbour" typed a key every 100 ms, frames at 60 Hz.
        let mut h = egui_kittest::Harness::builder()
            .with_size([1280.0, 800.0])
            .build_eframe(|cc| folio::app::FolioApp::new(&cc.egui_ctx, root.clone(), None));
        h.run_steps(4);
        h.event(key(egui::Key::F, egui::Modifiers::COMMAND));
        h.run_steps(3);
        let mut frames = Vec::new();
        for c in "harbour".chars() {
            h.event(egui::Event::Text(c.to_string()));
            for _ in 0..6 {
                let t = Instant::now();
                h.step();
                frames.push(t.elapsed());
                std::thread::sleep(Duration::from_millis(16));
            }
        }
        h.state_mut().finish_finding();
        h.step();
        let found = h.state().data().images.len();
        // From a key to its answer on screen: another word typed over it,
        // the frames run back to back until the answer is shown.
        h.event(key(egui::Key::A, egui::Modifiers::COMMAND));
        h.step();
        let mut answers = Vec::new();
        for c in "lantern".chars() {
            h.event(egui::Event::Text(c.to_string()));
            let t = Instant::now();
            h.step();
            while !h.state().find_answered() && t.elapsed() < Duration::from_secs(30) {
                std::thread::sleep(Duration::from_micros(200));
                h.step();
            }
            answers.push(t.elapsed());
        }
        let answer50 = percentile(&mut answers, 0.5);
        let answer_max = answers.iter().max().copied().unwrap_or_default();
        assert!(
            found > 0 && (found as u64) < n,
            "Find found {found} for {:?} (view {:?}, shown {:?})",
            h.state().find_state(),
            h.state().view().place(),
            h.state().data().pool
        );
        if std::env::var("FOLIO_BENCH_FRAMES").is_ok() {
            eprintln!("typing frames: {frames:?}");
        }
        let typing50 = percentile(&mut frames, 0.5);
        let typing99 = percentile(&mut frames, 0.99);
        let slowest = frames.iter().max().copied().unwrap_or_default();

        // A detail edit: the medium of one image, then of 1,000 selected.
        let edit_frame = |h: &mut egui_kittest::Harness<'_, folio::app::FolioApp>,
                          picked: &[folio::core::ImageId],
                          text: &str| {
            h.state_mut().select(picked);
            h.run_steps(3);
            h.get_by_label("Medium").click();
            h.run_steps(2);
            h.event(key(egui::Key::A, egui::Modifiers::COMMAND));
            h.get_by_label("Medium").type_text(text);
            h.run_steps(2);
            h.get_by_label("Title").click();
            let frame = slowest_of_steps(h, 3);
            let lib = h.state().library().unwrap();
            let medium = folio::core::model::details::entry(lib.conn(), picked[0])
                .unwrap()
                .details
                .medium;
            assert_eq!(medium.as_deref(), Some(text), "the edit was saved");
            frame
        };
        let shown: Vec<folio::core::ImageId> =
            h.state().data().images.iter().map(|i| i.id).collect();
        let one = edit_frame(&mut h, &shown[..1], "Ink on paper");
        // 1,000 of the library, shown in All images.
        h.get_by_label("All images").click();
        h.run_steps(3);
        h.state_mut().finish_loading();
        h.run_steps(3);
        let thousand = edit_frame(&mut h, &ids[..1000], "Mixed media");
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
        println!(
            "| {n} images | {} | {} / {} | {} / {} ({}) | {} / {} | {} / {} |",
            ms(read),
            ms(p50),
            ms(p99),
            ms(typing50),
            ms(typing99),
            ms(slowest),
            ms(answer50),
            ms(answer_max),
            ms(one),
            ms(thousand)
        );
    }
}

/// `n` generated camera-size JPEGs (6000×4000) imported into the group
/// `group`, the `main_exhibit` of the gallery `gallery`, in a new library
/// under `dir`.
fn camera_gallery(
    dir: &Path,
    n: usize,
    gallery: &str,
    group: &str,
) -> (Set, Library, folio::core::GalleryId, folio::core::GroupId) {
    eprintln!("generating {n} camera-size JPEGs in {} …", dir.display());
    let set = make_set(dir, "24 MP JPEG", Format::Jpeg, n, 6000, 4000);
    let mut lib = Library::open(dir.join("lib")).unwrap();
    let (gallery, group) = lib
        .write(|tx| {
            let gallery = catalog::create_gallery(tx, gallery, None)?;
            let group = catalog::create_group(tx, group, None)?;
            catalog::attach(tx, gallery, group, "main_exhibit")?;
            Ok((gallery, group))
        })
        .unwrap();
    let never = AtomicBool::new(false);
    let summary = import::import_paths(&mut lib, &set.files, group, |_| {}, &never);
    assert_eq!(summary.imported(), n);
    (set, lib, gallery, group)
}

/// A gallery of 16 camera-size JPEGs (6000×4000) exported as a website:
/// Folio asked for sigal's sizes (480 and 1600 px, JPEG only), Folio's full
/// default (four widths, WebP and JPEG), a re-export with nothing changed,
/// and sigal building the same files into 1600 px images plus 480 px
/// thumbnails, when `sigal` is installed (`pip install sigal`).
fn export_bench() {
    use folio::core::export::site::{self, SiteOptions, WebFormat};
    let n = 16 * scale();
    let dir = tempfile::tempdir().unwrap();
    let (set, mut lib, gallery, _) = camera_gallery(dir.path(), n, "Bench", "Prints");
    let never = AtomicBool::new(false);
    let renditions = lib.store_root().join("renditions");
    let mut run = |opts: &SiteOptions, out: &Path, cold: bool| -> (Duration, site::SiteReport) {
        if cold {
            let _ = std::fs::remove_dir_all(&renditions);
            let _ = std::fs::remove_dir_all(out);
        }
        let t = Instant::now();
        let report = site::export_site(&mut lib, gallery, out, opts, &mut |_| {}, &never).unwrap();
        (t.elapsed(), report)
    };
    let sigal_sizes = SiteOptions {
        widths: vec![480, 1600],
        formats: vec![WebFormat::Jpeg],
        ..SiteOptions::default()
    };
    let full = SiteOptions::default();
    let (same, _) = run(&sigal_sizes, &dir.path().join("same"), true);
    let (default, report) = run(&full, &dir.path().join("full"), true);
    let (again, again_report) = run(&full, &dir.path().join("full"), false);
    assert_eq!(again_report.renditions_made, 0);
    assert_eq!(again_report.files_written, 0);
    let sigal = sigal_time(&set.files, dir.path());
    let s = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    println!();
    println!(
        "Website export of {n} JPEGs 6000×4000 ({} cores):",
        pool::default_workers()
    );
    println!();
    println!("| export | time | per image |");
    println!("| --- | ---: | ---: |");
    let per = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3 / n as f64);
    println!(
        "| Folio, 480 + 1600 px JPEG (sigal's sizes) | {} | {} |",
        s(same),
        per(same)
    );
    if let Some(t) = sigal {
        println!(
            "| sigal, 1600 px + 480 px thumbnails | {} | {} |",
            s(t),
            per(t)
        );
        println!(
            "| Folio ÷ sigal | {:.2}× faster | |",
            t.as_secs_f64() / same.as_secs_f64()
        );
    } else {
        println!("| sigal | not installed (`pip install sigal`) | |");
    }
    println!(
        "| Folio, default: {} widths × WebP + JPEG ({} renditions, {:.1} MB) | {} | {} |",
        full.widths.len(),
        report.renditions_made,
        report.bytes as f64 / 1e6,
        s(default),
        per(default)
    );
    println!(
        "| Folio, the same export again (nothing changed) | {:.0} ms | |",
        again.as_secs_f64() * 1e3
    );
}

/// What an application asks for, from 20 camera-size JPEGs (6000×4000)
/// with titles and details: the portfolio PDF (renditions made, then found
/// in the cache, then fitted to half its size) and each preset's submission
/// package; ImageMagick making CaFÉ's JPEGs file by file, as an artist
/// would by hand, when `convert` is installed.
fn apply_bench() {
    use folio::core::export::Reach;
    use folio::core::export::pdf::{self, PdfOptions};
    use folio::core::export::submission::{self, Pick, Rules, SubmissionOptions};
    use folio::core::model::details::{self, Field};
    let n = 20 * scale();
    let dir = tempfile::tempdir().unwrap();
    let (set, mut lib, gallery, group) =
        camera_gallery(dir.path(), n, "Application", "Recent work");
    let never = AtomicBool::new(false);
    let ids: Vec<_> = folio::core::model::images::group_image_ids(lib.conn(), group).unwrap();
    lib.write(|tx| {
        folio::core::model::profile::write(tx, sample::sample_profile())?;
        for (i, id) in ids.iter().enumerate() {
            details::set_fields(
                tx,
                &[*id],
                &[
                    (Field::Title, format!("Harbour study {}", i + 1)),
                    (Field::Year, "2024".into()),
                    (Field::Medium, "Oil on linen".into()),
                    (Field::Description, "Painted at dusk from the north quay, as the first lights came on across the water.".into()),
                ],
            )?;
        }
        Ok(())
    })
    .unwrap();
    let renditions = lib.store_root().join("renditions");
    let workers = pool::default_workers();
    let pdf_run = |opts: &PdfOptions, name: &str, cold: bool| {
        if cold {
            let _ = std::fs::remove_dir_all(&renditions);
        }
        let out = dir.path().join(name);
        let t = Instant::now();
        let r = pdf::export_pdf(&lib, gallery, &out, opts, &mut |_| {}, &never).unwrap();
        (t.elapsed(), r)
    };
    let opts = PdfOptions {
        workers,
        ..PdfOptions::default()
    };
    let (cold, cold_r) = pdf_run(&opts, "cold.pdf", true);
    let (warm, _) = pdf_run(&opts, "warm.pdf", false);
    // A limit of half what it took: the resolution and quality stepped down.
    let limit = cold_r.bytes / 2;
    let fitted = PdfOptions {
        max_bytes: Some(limit),
        ..opts.clone()
    };
    let (fit, fit_r) = pdf_run(&fitted, "fit.pdf", true);
    let s = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    let per = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3 / n as f64);
    println!();
    println!("Applying with {n} JPEGs 6000×4000 ({workers} cores):");
    println!();
    println!("| output | time | per work | size |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| Portfolio PDF, A4, 200 dpi ({} pages), renditions made | {} | {} | {:.1} MB |",
        cold_r.pages,
        s(cold),
        per(cold),
        cold_r.bytes as f64 / 1e6
    );
    println!(
        "| The same PDF again (renditions cached) | {} | {} | |",
        s(warm),
        per(warm)
    );
    println!(
        "| The PDF fitted to {:.1} MB, half of that (→ {} dpi, quality {}) | {} | {} | {:.1} MB |",
        limit as f64 / 1e6,
        fit_r.dpi,
        fit_r.quality,
        s(fit),
        per(fit),
        fit_r.bytes as f64 / 1e6
    );
    let mut cafe = None;
    for preset in submission::PRESETS {
        let _ = std::fs::remove_dir_all(&renditions);
        let opts = SubmissionOptions {
            rules: Rules::from(preset),
            pick: Pick::First(preset.max_count.unwrap_or(n)),
            reach: Reach::Members,
            workers,
        };
        let out = dir.path().join(format!("package-{}", preset.name));
        let t = Instant::now();
        let r =
            submission::export_submission(&lib, gallery, &out, &opts, &mut |_| {}, &never).unwrap();
        let d = t.elapsed();
        if preset.name == "cafe" {
            cafe = Some(d);
        }
        let pass = r
            .files
            .iter()
            .filter(|f| f.rules.iter().all(|(_, ok)| *ok))
            .count();
        println!(
            "| Submission package, {} ({} of {} files pass every rule) | {} | {} | {:.1} MB |",
            preset.call,
            pass,
            r.files.len(),
            s(d),
            per(d),
            r.bytes as f64 / 1e6
        );
    }
    // What an artist does by hand for CaFÉ: each file to 1920 px, baseline,
    // no metadata, quality 92, one `convert` after another.
    let magick_dir = dir.path().join("magick");
    std::fs::create_dir_all(&magick_dir).unwrap();
    let has_magick = Command::new("convert")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    let magick = has_magick
        .then(|| {
            let t = Instant::now();
            for (i, f) in set.files.iter().enumerate() {
                let ok = Command::new("convert")
                    .arg(f)
                    // Decoded already scaled, as Folio's libjpeg does.
                    .args(["-define", "jpeg:size=3840x3840"])
                    .args(["-resize", "1920x1920>", "-strip", "-interlace", "none"])
                    .args(["-quality", "92"])
                    .arg(magick_dir.join(format!("{i:02}.jpg")))
                    .status()
                    .is_ok_and(|s| s.success());
                if !ok {
                    return None;
                }
            }
            Some(t.elapsed())
        })
        .flatten();
    match (magick, cafe) {
        (Some(t), Some(c)) => {
            println!(
                "| ImageMagick 6 `convert -define jpeg:size=3840x3840 -resize 1920x1920> -strip -interlace none -quality 92`, file by file (CaFÉ by hand) | {} | {} | |",
                s(t),
                per(t)
            );
            println!(
                "| Folio's CaFÉ package ÷ ImageMagick | {:.1}× faster | | |",
                t.as_secs_f64() / c.as_secs_f64()
            );
        }
        _ => println!("| ImageMagick (`convert`) | not installed | | |"),
    }
}

/// How long sigal takes to build `files` into 1600 px images and 480 px
/// thumbnails (JPEG, its default quality), if it is installed.
fn sigal_time(files: &[PathBuf], dir: &Path) -> Option<Duration> {
    let ok = Command::new("sigal")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        return None;
    }
    let src = dir.join("sigal-src");
    let album = src.join("album");
    std::fs::create_dir_all(&album).unwrap();
    for f in files {
        std::fs::copy(f, album.join(f.file_name().unwrap())).unwrap();
    }
    let conf = dir.join("sigal.conf.py");
    std::fs::write(
        &conf,
        "img_size = (1600, 1600)\nthumb_size = (480, 480)\nthumb_fit = False\nkeep_orig = False\n",
    )
    .unwrap();
    let out = dir.join("sigal-out");
    let t = Instant::now();
    let status = Command::new("sigal")
        .arg("build")
        .arg("-c")
        .arg(&conf)
        .arg(&src)
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    let elapsed = t.elapsed();
    status.success().then_some(elapsed)
}
