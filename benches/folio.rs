//! `cargo bench`: Folio's thumbnailer and import against the tools people use,
//! on data this benchmark generates, side by side in one run. Prints one
//! markdown table. vipsthumbnail (Debian: libvips-tools) is compared when it
//! is installed and skipped when it is not.
//!
//! ```sh
//! cargo bench --bench folio                 # default corpus sizes
//! FOLIO_BENCH_SCALE=2 cargo bench --bench folio   # twice the files
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // ok: a benchmark fails loudly

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use folio::core::images::Format;
use folio::core::{Library, catalog, import, pool, sample, thumbs};

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

/// Import into a fresh library; with `thumbnails`, also make the grid's
/// thumbnail of every new image (on every core). Returns the time.
fn folio_import(set: &Set, root: &Path, thumbnails: bool) -> Duration {
    let t = Instant::now();
    let mut lib = Library::open(root).unwrap();
    let group = lib
        .write(|tx| catalog::find_or_create_group(tx, "Bench"))
        .unwrap();
    let summary =
        import::import_paths(&mut lib, &set.files, group, |_| {}, &AtomicBool::new(false));
    assert_eq!(summary.failed(), 0);
    if thumbnails {
        let rows = folio::core::images::group_images(lib.conn(), group).unwrap();
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
                            thumbs::SMALL,
                        )
                        .unwrap();
                    }
                });
            }
        });
    }
    t.elapsed()
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
        "| import | files | MB | Folio, no thumbnails | Folio, with thumbnails | cp + sync | cp + sync + vips | Folio with thumbnails ÷ (cp + vips) |"
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
                format!("{:.2}×", both / with.as_secs_f64()),
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
    println!();
    println!("Peak RSS of the benchmark process: {} MB.", peak_rss_mb());
    println!(
        "Database at scale (open, ordered listing, moves at 10k/100k): `cargo run --release --example scale`."
    );
}
