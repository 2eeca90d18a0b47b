//! What the integration tests and the benchmark share: one way to run the
//! `folio` program, one file walker, one seeded random source, the app's
//! in-memory storage and dropped files. (Each test crate uses part of it.)
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // ok: test support fails loudly

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub use folio::core::sample::Rng;

/// The `folio` program on the library at `root` (`None`: the one the
/// environment names), reading nothing from standard input.
pub fn folio(root: Option<&Path>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_folio"));
    if let Some(root) = root {
        c.arg("--library").arg(root).env_remove("FOLIO_LIBRARY");
    }
    c.stdin(Stdio::null()).env_remove("FOLIO_SITE_PASSWORD");
    c
}

/// Every file under `dir`, sorted (none if it is missing).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    folio::core::storage::tree::files_under(dir).unwrap()
}

/// A random source seeded from `var` if it is set, else from the clock;
/// returns the seed too, for the failure message that reproduces a run.
pub fn seeded(var: &str) -> (Rng, u64) {
    let seed = std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    (Rng::new(seed), seed)
}

/// A file dropped on the window from the file manager.
#[derive(Debug)]
pub struct Dropped(pub PathBuf);

impl eframe::egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// eframe's storage, in memory: what a restart would read back.
#[derive(Clone, Default)]
pub struct Memory(HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// Writes `bytes` over a library's original behind Folio's back (damage a
/// test needs): originals are stored read-only, so its write bit is given
/// back first, as an editor or `chmod` would (root would not need it).
pub fn damage(path: &Path, bytes: &[u8]) {
    let mut perms = std::fs::metadata(path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)] // ok: the damage is the point
    perms.set_readonly(false);
    std::fs::set_permissions(path, perms).unwrap();
    std::fs::write(path, bytes).unwrap();
}
