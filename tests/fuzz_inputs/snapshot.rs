//! Snapshot files, which a new teammate's guanxi starts from: damaged
//! bytes are read as "not a whole snapshot", and frames that pass their
//! checksum but hold damaged contents are refused or loaded into a store
//! that still opens and answers, never a panic.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use guanxi::domain::Rules;
use guanxi::interop::import;
use guanxi::store::{OpenOptions, Store};
use guanxi::sync::snapshot;
use guanxi::workspace::Clock;
use proptest::prelude::*;

use super::budget::within;
use super::importers::export_seed;
use super::mutate::{self, Edit, input};
use super::{CASES, STORE_CASES, cases, fixture};

/// Frame headers that claim too much, too little, or nothing.
const TOKENS: &[&[u8]] = &[
    b"GUANXIS\x01",
    b"\xff\xff\xff\xff\0\0\0\0",
    b"\0\0\0\x04\0\0\0\0",
    b"\x01\0\0\0\0\0\0\0",
    b"\0\0\0\0\0\0\0\0",
    b"\x02",
    b"\xfb\xff\xff",
    b"\xfd\xff\xff\xff\xff\xff\xff\xff\xff",
];

fn open(workspace: &Path, state: &Path) -> Result<Store, guanxi::store::StoreError> {
    Store::open(OpenOptions {
        workspace: workspace.to_path_buf(),
        state_root: state.to_path_buf(),
        author: "An".into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
}

/// A real snapshot: two customers from a JSON export (with an interaction,
/// a follow-up and a stage move) and the contacts of a Google CSV. Its
/// file name, bytes and payloads.
struct Seed {
    name: String,
    bytes: Vec<u8>,
    payloads: Vec<Vec<u8>>,
    customers: usize,
}

fn seed() -> &'static Seed {
    static SEED: OnceLock<Seed> = OnceLock::new();
    SEED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(&dir.path().join("ws"), &dir.path().join("state")).unwrap();
        for file in [export_seed(), fixture("tests/fixtures/csv/google_new.csv")] {
            let read = import::read(&file, None, &[]).unwrap();
            let mut plan = import::plan(&mut store, read.records, 0).unwrap();
            import::apply(&mut store, &mut plan, None, |_, _| true).unwrap();
        }
        let customers = store.customers().unwrap().len();
        let path = store.write_snapshot().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let mut payloads = Vec::new();
        assert!(snapshot::read_bytes(&bytes, |p| {
            payloads.push(p.to_vec());
            true
        }));
        Seed {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            bytes,
            payloads,
            customers,
        }
    })
}

/// What a damaged snapshot's frames can look like: frames dropped,
/// repeated or swapped, and the contents of some damaged, each frame then
/// written with a checksum that fits.
#[derive(Debug, Clone)]
enum FrameEdit {
    Drop(usize),
    Repeat(usize),
    Swap(usize, usize),
    Damage(usize, Vec<Edit>),
}

fn frame_edit() -> impl Strategy<Value = FrameEdit> {
    let i = any::<usize>();
    prop_oneof![
        1 => i.prop_map(FrameEdit::Drop),
        1 => i.prop_map(FrameEdit::Repeat),
        1 => (i, i).prop_map(|(a, b)| FrameEdit::Swap(a, b)),
        5 => (i, prop::collection::vec(edit_strategy(), 1..4)).prop_map(|(at, e)| FrameEdit::Damage(at, e)),
    ]
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    prop_oneof![
        (at, 0u8..8).prop_map(|(at, bit)| Edit::Flip { at, bit }),
        (at, any::<u8>()).prop_map(|(at, byte)| Edit::Set { at, byte }),
        (at, 0usize..TOKENS.len()).prop_map(|(at, token)| Edit::Token { at, token }),
        (at, 1usize..16).prop_map(|(at, len)| Edit::Delete { at, len }),
        at.prop_map(|at| Edit::Truncate { at }),
    ]
}

fn apply(payloads: &[Vec<u8>], edits: &[FrameEdit]) -> Vec<Vec<u8>> {
    let mut frames = payloads.to_vec();
    for e in edits {
        let n = frames.len();
        if n == 0 {
            break;
        }
        match e {
            FrameEdit::Drop(i) => {
                frames.remove(i % n);
            }
            FrameEdit::Repeat(i) => frames.insert(i % n, frames[i % n].clone()),
            FrameEdit::Swap(a, b) => frames.swap(a % n, b % n),
            FrameEdit::Damage(i, edits) => {
                frames[i % n] = mutate::apply(std::mem::take(&mut frames[i % n]), edits, TOKENS)
            }
        }
    }
    frames
}

/// A workspace holding only `bytes` as its snapshot; returns the path of
/// a fresh local state to open it with.
fn workspace_with(dir: &Path, bytes: &[u8]) -> (PathBuf, PathBuf) {
    let ws = dir.join("ws");
    drop(open(&ws, &dir.join("maker")).expect("make workspace"));
    let snapshots = ws.join("snapshots");
    std::fs::create_dir_all(&snapshots).unwrap();
    std::fs::write(snapshots.join(&seed().name), bytes).unwrap();
    (ws, dir.join("state"))
}

/// Opens the workspace (starting from its snapshot) and reads all of it.
fn open_and_read(ws: &Path, state: &Path) -> Result<usize, String> {
    let store = open(ws, state).map_err(|e| e.to_string())?;
    let customers = store.customers().map_err(|e| e.to_string())?;
    for c in &customers {
        store.timeline(c.customer.id).map_err(|e| e.to_string())?;
    }
    let far = chrono::NaiveDate::from_ymd_opt(2100, 1, 1).expect("a day");
    store.agenda(far).map_err(|e| e.to_string())?;
    store.doctor().map_err(|e| e.to_string())?;
    Ok(customers.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(CASES), ..ProptestConfig::default() })]

    #[test]
    fn damaged_snapshot_bytes_are_read_or_refused(bytes in input(vec![seed().bytes.clone()], TOKENS)) {
        let (whole, payloads) = within("snapshot bytes", || {
            let mut payloads = Vec::new();
            let whole = snapshot::read_bytes(&bytes, |p| {
                payloads.push(p.to_vec());
                true
            });
            (whole, payloads)
        })?;
        // Whole means every byte was a frame: written again, the same bytes.
        if whole {
            prop_assert_eq!(snapshot::encode(payloads), bytes);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(STORE_CASES), ..ProptestConfig::default() })]

    #[test]
    fn snapshots_with_damaged_contents_are_refused_or_load(
        edits in prop::collection::vec(frame_edit(), 1..4),
    ) {
        let bytes = snapshot::encode(apply(&seed().payloads, &edits));
        let dir = tempfile::tempdir().unwrap();
        let (ws, state) = workspace_with(dir.path(), &bytes);
        let opened = within("snapshot contents", || open_and_read(&ws, &state))?;
        if let Err(e) = opened {
            prop_assert!(!e.is_empty());
        }
    }
}

#[test]
fn the_seed_snapshot_loads_whole() {
    let seed = seed();
    assert!(seed.customers >= 4, "{}", seed.customers);
    assert!(seed.payloads.len() >= 3);
    let dir = tempfile::tempdir().unwrap();
    let (ws, state) = workspace_with(dir.path(), &seed.bytes);
    assert_eq!(open_and_read(&ws, &state), Ok(seed.customers));
}
