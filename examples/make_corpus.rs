//! Writes a folder of generated images for demos and timing:
//!
//! ```sh
//! cargo run --release --example make_corpus -- DIR [COUNT] [WIDTH] [HEIGHT]
//! ```
//!
//! Formats rotate through JPEG, PNG, WebP, GIF and TIFF unless `FORMAT=jpeg`
//! (or png, ...) is set.

use std::path::PathBuf;

use anyhow::Context;
use folio::core::Format;
use folio::core::sample;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(
        args.first()
            .context("usage: make_corpus DIR [COUNT] [WIDTH] [HEIGHT]")?,
    );
    let number = |i: usize, default: u32| -> anyhow::Result<u32> {
        args.get(i).map_or(Ok(default), |s| {
            s.parse().with_context(|| format!("not a number: {s}"))
        })
    };
    let (count, width, height) = (number(1, 100)?, number(2, 1920)?, number(3, 1080)?);
    let only = std::env::var("FORMAT")
        .ok()
        .and_then(|f| Format::from_db(&f));
    std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
    for i in 0..count {
        let format = only.unwrap_or(Format::ALL[i as usize % Format::ALL.len()]);
        let path = dir.join(format!("image-{i:05}.{}", format.extension()));
        let bytes = sample::image_bytes(format, width, height, u64::from(i))?;
        std::fs::write(&path, bytes).with_context(|| path.display().to_string())?;
    }
    println!(
        "wrote {count} images of {width}x{height} to {}",
        dir.display()
    );
    Ok(())
}
