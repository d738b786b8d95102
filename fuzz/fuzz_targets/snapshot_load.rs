//! A snapshot whose frames all pass their checksum but hold anything: a new
//! replica starting from it gets a store that answers, or an error.
//!
//! The input is a snapshot file (the seeds are real ones); its frames are
//! split by their length fields, never trusting them past the end, and
//! written again with checksums that fit, so the fuzzer's changes reach
//! the decoder instead of stopping at the checksum.
#![no_main]

use std::path::Path;

use guanxi::domain::Rules;
use guanxi::store::{OpenOptions, Store};
use guanxi::sync::frame::FRAME_HEADER;
use guanxi::sync::snapshot;
use guanxi::workspace::Clock;
use libfuzzer_sys::fuzz_target;

/// Magic bytes of a snapshot file, then the frames.
const MAGIC_LEN: usize = 8;

fn frames(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut pos = MAGIC_LEN.min(data.len());
    while pos + FRAME_HEADER <= data.len() {
        let len = u32::from_le_bytes([data[pos], data[pos + 1], data[pos + 2], data[pos + 3]]) as usize;
        let start = pos + FRAME_HEADER;
        let end = start.saturating_add(len).min(data.len());
        out.push(data[start..end].to_vec());
        pos = end;
    }
    out
}

fn open(workspace: &Path, state: &Path) -> Result<Store, guanxi::store::StoreError> {
    Store::open(OpenOptions {
        workspace: workspace.to_path_buf(),
        state_root: state.to_path_buf(),
        author: "fuzz".into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
}

fuzz_target!(|data: &[u8]| {
    let bytes = snapshot::encode(frames(data));
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    drop(open(&ws, &dir.path().join("maker")).expect("make a workspace"));
    let snapshots = ws.join("snapshots");
    std::fs::create_dir_all(&snapshots).expect("snapshots folder");
    std::fs::write(snapshots.join("00000000000000aa-1.snapshot"), &bytes).expect("write snapshot");
    let Ok(store) = open(&ws, &dir.path().join("state")) else {
        return;
    };
    let Ok(customers) = store.customers() else {
        return;
    };
    for c in &customers {
        let _ = store.timeline(c.customer.id);
    }
    let _ = store.agenda(chrono::NaiveDate::from_ymd_opt(2100, 1, 1).expect("a day"));
    let _ = store.doctor();
});
