//! Fuzzing inside `cargo test`: every reader of a file guanxi did not write
//! itself (snapshots from teammates, the user's config, keymap and theme,
//! imported CSV, vCard and JSON) gets random bytes and damaged copies of
//! real files, and must give a value or an error it can show: no panic,
//! no hang, no absurd allocation (see `budget`). Case counts are modest so
//! `cargo test` stays quick; `fuzz/` has cargo-fuzz targets for long runs
//! (README.md, "Fuzzing").
//!
//! The journal frame reader is fuzzed beside its code, where it can reach
//! the private header layout: `sync::journal::tests::fuzz` (arbitrary bytes,
//! and whole journals with random damage).

mod budget;
mod importers;
mod mutate;
mod settings;
mod snapshot;

#[global_allocator]
static ALLOC: budget::Counting = budget::Counting;

/// Cases for readers that work in memory.
const CASES: u32 = 512;
/// Cases that open a real store (each one a few milliseconds more).
const STORE_CASES: u32 = 64;

/// `base` cases, times `GUANXI_FUZZ_SCALE` when set (for a longer run
/// without cargo-fuzz: `GUANXI_FUZZ_SCALE=100 cargo test --release --test
/// fuzz_inputs`).
fn cases(base: u32) -> u32 {
    let scale = std::env::var("GUANXI_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(1);
    base.saturating_mul(scale.max(1))
}

/// A file of this repository.
fn fixture(path: &str) -> Vec<u8> {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The files of `dir` (in this repository) whose names end in `.ext`.
fn fixtures_in(dir: &str, ext: &str) -> Vec<Vec<u8>> {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<_> = std::fs::read_dir(&full)
        .unwrap_or_else(|e| panic!("{}: {e}", full.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).expect("read fixture")).collect()
}
