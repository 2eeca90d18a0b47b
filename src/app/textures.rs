//! Thumbnails and previews for the grid, the inspector and the viewer, as
//! textures.
//!
//! Named worker threads (one per core, never the UI thread) read each
//! thumbnail from the library's thumbnail cache, or make and save it there
//! ([`core::media::thumbnail`]: reduced-size decode, SIMD shrink, EXIF orientation,
//! decode limits). The newest request is served first (the rows just
//! scrolled into view); a request no frame asked for since is dropped from the
//! queue before it is decoded. Textures are uploaded a few per frame and the
//! least recently shown are let go beyond a memory budget (128 MiB of grid
//! textures, 32 MiB of previews). A file that cannot be
//! made into a thumbnail, or a decoder that panics, marks that image with the
//! reason; the app carries on.
//!
//! [`core::media::thumbnail`]: crate::core::media::thumbnail

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use eframe::egui::{self, ColorImage, TextureHandle, TextureOptions};
use image::DynamicImage;

use super::session::Files;
use crate::core::Format;
use crate::core::media::thumbnail;
use crate::core::model::images::Image;
use crate::core::{ImageId, pool};

/// Where a thumbnail comes from.
#[derive(Clone, Debug)]
pub struct Source {
    /// The original file.
    pub original: PathBuf,
    /// The store holding it (and its thumbnail cache).
    pub store_root: PathBuf,
    pub hash: String,
    pub format: Format,
}

impl Source {
    /// Where the thumbnails of `img` in the library with `files` come from.
    pub fn of(files: &Files, img: &Image) -> Source {
        Source {
            // A file name that is not inside the store is never read: an
            // empty path, which fails to open ("Cannot show").
            original: files.original(&img.filename).unwrap_or_default(),
            store_root: files.store_root().to_path_buf(),
            hash: img.content_hash.clone(),
            format: img.format,
        }
    }
}

/// Which rendition of an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Size {
    /// For the grid: 256 px on the longest side.
    Grid,
    /// For the inspector and the full-window viewer.
    Preview,
}

impl Size {
    fn max_side(self) -> u32 {
        match self {
            Size::Grid => thumbnail::SMALL,
            Size::Preview => thumbnail::LARGE,
        }
    }
    /// GPU memory the textures of this size may hold (RGBA bytes).
    fn budget_bytes(self) -> usize {
        match self {
            Size::Grid => 128 << 20,
            Size::Preview => 32 << 20,
        }
    }
}

type Key = (ImageId, Size);

/// What the app sees of one thumbnail.
pub enum Thumb<'a> {
    /// Not decoded yet.
    Loading,
    Ready(&'a TextureHandle),
    /// Could not be made; the reason names the file.
    Failed(&'a str),
}

enum Entry {
    Queued,
    Ready {
        texture: TextureHandle,
        used: u64,
        bytes: usize,
    },
    Failed(String),
}

struct Request {
    key: Key,
    source: Source,
}

struct Queue {
    requests: Vec<Request>,
    stop: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
}

/// The thumbnail cache and its workers.
pub struct Textures {
    shared: Arc<Shared>,
    done: Receiver<(Key, Result<ColorImage, String>)>,
    /// A result taken from `done` to see whether more were waiting: the
    /// first to be uploaded next frame.
    carried: Option<(Key, Result<ColorImage, String>)>,
    entries: HashMap<Key, Entry>,
    wanted: HashSet<Key>,
    frame: u64,
}

/// Most textures uploaded per frame, so a fast scroll never stalls a frame.
const UPLOADS_PER_FRAME: usize = 24;

impl Textures {
    /// Starts the workers; they ask `ctx` to repaint when a thumbnail is ready.
    pub fn new(ctx: &egui::Context) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                requests: Vec::new(),
                stop: false,
            }),
            ready: Condvar::new(),
        });
        let (tx, done) = channel();
        for n in 0..pool::default_workers() {
            let shared = Arc::clone(&shared);
            let tx: Sender<_> = tx.clone();
            let ctx = ctx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("folio-thumb-{n}"))
                .spawn(move || worker(&shared, &tx, &ctx));
            if let Err(e) = spawned {
                log::error!("could not start a thumbnail worker: {e}");
            }
        }
        Self {
            shared,
            done,
            carried: None,
            entries: HashMap::new(),
            wanted: HashSet::new(),
            frame: 0,
        }
    }

    /// Call once at the start of each frame: uploads what the workers made.
    pub fn begin_frame(&mut self, ctx: &egui::Context) {
        self.frame += 1;
        self.wanted.clear();
        for _ in 0..UPLOADS_PER_FRAME {
            let Some((key, result)) = self.carried.take().or_else(|| self.done.try_recv().ok())
            else {
                break;
            };
            let entry = match result {
                Ok(image) => Entry::Ready {
                    bytes: image.width() * image.height() * 4,
                    texture: ctx.load_texture(
                        format!("thumb-{}-{:?}", key.0.0, key.1),
                        image,
                        TextureOptions::LINEAR,
                    ),
                    used: self.frame,
                },
                Err(reason) => Entry::Failed(reason),
            };
            self.entries.insert(key, entry);
        }
        if self.carried.is_none()
            && let Ok(next) = self.done.try_recv()
        {
            // More are waiting: kept for the next frame, which comes at once.
            // (Dropping it would leave its entry queued, never asked for again.)
            self.carried = Some(next);
            ctx.request_repaint();
        }
    }

    /// The thumbnail of `image` (from `source`), asking for it if needed.
    pub fn get(
        &mut self,
        image: ImageId,
        size: Size,
        source: impl FnOnce() -> Source,
    ) -> Thumb<'_> {
        let key = (image, size);
        self.wanted.insert(key);
        let frame = self.frame;
        let entry = self.entries.entry(key).or_insert_with(|| {
            let mut queue = self
                .shared
                .queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            queue.requests.push(Request {
                key,
                source: source(),
            });
            self.shared.ready.notify_one();
            Entry::Queued
        });
        match entry {
            Entry::Queued => Thumb::Loading,
            Entry::Ready { texture, used, .. } => {
                *used = frame;
                Thumb::Ready(texture)
            }
            Entry::Failed(reason) => Thumb::Failed(reason),
        }
    }

    /// Why this image's thumbnail could not be made, if it could not.
    pub fn failure(&self, image: ImageId) -> Option<&str> {
        [Size::Grid, Size::Preview]
            .iter()
            .find_map(|s| match self.entries.get(&(image, *s)) {
                Some(Entry::Failed(reason)) => Some(reason.as_str()),
                _ => None,
            })
    }

    /// Forgets an image's thumbnails (after it was deleted).
    pub fn forget(&mut self, image: ImageId) {
        self.entries.remove(&(image, Size::Grid));
        self.entries.remove(&(image, Size::Preview));
    }

    /// Call once at the end of each frame: drops queued requests no one asked
    /// for this frame (scrolled out of view) and old textures beyond the limit.
    pub fn end_frame(&mut self) {
        let wanted = &self.wanted;
        {
            let mut queue = self
                .shared
                .queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            queue.requests.retain(|r| wanted.contains(&r.key));
        }
        self.entries
            .retain(|key, e| !matches!(e, Entry::Queued) || wanted.contains(key));
        // Textures beyond the memory budget go, least recently shown first
        // (never one shown this frame).
        for size in [Size::Grid, Size::Preview] {
            let mut held = 0;
            let mut ready: Vec<(u64, Key, usize)> = Vec::new();
            for (k, e) in &self.entries {
                if let Entry::Ready { used, bytes, .. } = e
                    && k.1 == size
                {
                    held += bytes;
                    ready.push((*used, *k, *bytes));
                }
            }
            if held > size.budget_bytes() {
                ready.sort_unstable_by_key(|r| r.0);
                for (_, key, bytes) in ready {
                    if held <= size.budget_bytes() {
                        break;
                    }
                    if !self.wanted.contains(&key) {
                        self.entries.remove(&key);
                        held -= bytes;
                    }
                }
            }
        }
    }
}

impl Drop for Textures {
    fn drop(&mut self) {
        let mut queue = self
            .shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        queue.stop = true;
        queue.requests.clear();
        self.shared.ready.notify_all();
    }
}

fn worker(shared: &Shared, tx: &Sender<(Key, Result<ColorImage, String>)>, ctx: &egui::Context) {
    pool::run_in_background();
    loop {
        let request = {
            let mut queue = shared.queue.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if queue.stop {
                    return;
                }
                // Newest first: what just scrolled into view.
                if let Some(r) = queue.requests.pop() {
                    break r;
                }
                queue = shared
                    .ready
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        let max_side = request.key.1.max_side();
        let result = crate::core::panics::catch_unwind(|| load(&request.source, max_side))
            .unwrap_or_else(|panic| {
                Err(format!(
                    "decoding {} crashed ({})",
                    request.source.original.display(),
                    pool::panic_message(&*panic)
                ))
            });
        if tx.send((request.key, result)).is_err() {
            return;
        }
        ctx.request_repaint();
    }
}

/// Reads the thumbnail from the cache, or makes and saves it, as a texture image.
fn load(source: &Source, max_side: u32) -> Result<ColorImage, String> {
    thumbnail::load_or_make(
        &source.store_root,
        &source.original,
        &source.hash,
        source.format,
        max_side,
    )
    .map(|img| color_image(&img))
    .map_err(|e| e.to_string())
}

fn color_image(img: &DynamicImage) -> ColorImage {
    let rgba = img.to_rgba8();
    ColorImage::from_rgba_unmultiplied(
        [rgba.width() as usize, rgba.height() as usize],
        rgba.as_raw(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sample;

    /// A screenful of thumbnails finished all at once (more than one frame
    /// uploads): every one of them is shown within a few frames, none stays
    /// empty while it is in view.
    #[test]
    fn thumbnails_finished_beyond_one_frames_uploads_are_all_shown() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = egui::Context::default();
        let mut textures = Textures::new(&ctx);
        let n = UPLOADS_PER_FRAME * 3 + 5;
        let sources: Vec<Source> = (0..n)
            .map(|i| {
                let path = dir.path().join(format!("{i}.png"));
                std::fs::write(
                    &path,
                    sample::image_bytes(Format::Png, 8, 8, i as u64).unwrap(),
                )
                .unwrap();
                Source {
                    original: path,
                    store_root: dir.path().join("store"),
                    hash: format!("{i:064x}"),
                    format: Format::Png,
                }
            })
            .collect();
        let ready = |t: &mut Textures| {
            (0..n)
                .filter(|&i| {
                    matches!(
                        t.get(ImageId(i as i64), Size::Grid, || sources[i].clone()),
                        Thumb::Ready(_)
                    )
                })
                .count()
        };
        // Every thumbnail is asked for and all of them are finished before
        // the next frame begins.
        textures.begin_frame(&ctx);
        ready(&mut textures);
        textures.end_frame();
        let started = std::time::Instant::now();
        let made = || {
            (0..n)
                .filter(|i| {
                    crate::core::storage::layout::thumb_path(
                        &dir.path().join("store"),
                        &format!("{i:064x}"),
                        thumbnail::SMALL,
                        false,
                    )
                    .exists()
                })
                .count()
        };
        while made() < n && started.elapsed().as_secs() < 30 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        // Each is sent just after it is saved.
        std::thread::sleep(std::time::Duration::from_millis(200));
        let mut shown = 0;
        for _ in 0..8 {
            textures.begin_frame(&ctx);
            shown = ready(&mut textures);
            textures.end_frame();
        }
        assert_eq!(shown, n, "thumbnails left empty while in view");
    }

    #[test]
    fn every_exif_orientation_comes_out_upright() {
        let dir = tempfile::tempdir().unwrap();
        let display = sample::marker(64, 32);
        for orientation in 1..=8u8 {
            let stored = sample::stored_for_orientation(&display, orientation);
            let path = dir.path().join(format!("o{orientation}.jpg"));
            std::fs::write(
                &path,
                sample::jpeg_with_orientation(&stored, orientation).unwrap(),
            )
            .unwrap();
            let thumb = color_image(&thumbnail::make(&path, Format::Jpeg, 320).unwrap());
            assert_eq!(thumb.size, [64, 32], "orientation {orientation}: sideways");
            let at = |x: usize, y: usize| thumb.pixels[y * 64 + x];
            let red = |c: egui::Color32| c.r() > 150 && c.b() < 100;
            assert!(
                red(at(8, 8)),
                "orientation {orientation}: top-left is not red"
            );
            assert!(
                !red(at(56, 24)),
                "orientation {orientation}: bottom-right is red"
            );
            assert!(!red(at(56, 8)), "orientation {orientation}: mirrored");
        }
    }
}
