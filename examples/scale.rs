//! Measures the database at scale on a synthetic library it builds itself:
//! opening it, listing a group of N images in order, and moving images (one,
//! and a 100-image selection) to random places — the drag-reorder, as the
//! grid does it: before the image under the drop marker.
//!
//! ```sh
//! cargo run --release --example scale -- [N ...]     # default: 10000 100000
//! ```

use std::time::{Duration, Instant};

use anyhow::Context;
use folio::core::images;
use folio::core::{GroupId, ImageId, Library, StoreId, catalog, sample};

fn main() -> anyhow::Result<()> {
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().with_context(|| format!("not a number: {a}")))
        .collect::<anyhow::Result<_>>()?;
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    println!(
        "| images in the group | build | open | ordered ids | ordered rows | move 1: p50 / p99 | move 100: p50 / p99 |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for n in sizes {
        measure(n)?;
    }
    Ok(())
}

fn measure(n: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut lib = Library::open(dir.path())?;
    let t = Instant::now();
    let group = lib.write(|tx| {
        let g = catalog::create_group(tx, "Decade", None)?;
        sample::placeholder_images(tx, StoreId(1), g, 0..n)?;
        Ok(g)
    })?;
    let build = t.elapsed();
    drop(lib);

    let t = Instant::now();
    let mut lib = Library::open(dir.path())?;
    let open = t.elapsed();
    let t = Instant::now();
    let ids = images::group_image_ids(lib.conn(), group)?;
    let list_ids = t.elapsed();
    let t = Instant::now();
    let rows = images::group_images(lib.conn(), group)?;
    let list_rows = t.elapsed();
    assert_eq!(rows.len() as u64, n);

    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |bound: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % bound as u64) as usize
    };
    let one = moves(&mut lib, group, &ids, 1, 500, &mut next)?;
    let hundred = moves(&mut lib, group, &ids, 100, 100, &mut next)?;
    let check = images::group_image_ids(lib.conn(), group)?;
    let mut sorted = check.clone();
    sorted.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(sorted, expected, "a move lost or duplicated an image");
    println!(
        "| {n} | {} | {} | {} | {} | {} / {} | {} / {} |",
        ms(build),
        ms(open),
        ms(list_ids),
        ms(list_rows),
        ms(one.0),
        ms(one.1),
        ms(hundred.0),
        ms(hundred.1)
    );
    Ok(())
}

/// Moves `k` random images to a random place, `rounds` times, each in its own
/// transaction as the app does; returns (p50, p99).
fn moves(
    lib: &mut Library,
    group: GroupId,
    ids: &[ImageId],
    k: usize,
    rounds: usize,
    next: &mut impl FnMut(usize) -> usize,
) -> anyhow::Result<(Duration, Duration)> {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let picked: Vec<ImageId> = (0..k).map(|_| ids[next(ids.len())]).collect();
        // As the grid does it: before the image under the drop marker, or to the end.
        let to = next(ids.len() + 1);
        let before = ids.get(to).copied();
        let t = Instant::now();
        lib.write(|tx| images::move_images_before(tx, group, &picked, before))?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok((times[times.len() / 2], times[times.len() * 99 / 100]))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
