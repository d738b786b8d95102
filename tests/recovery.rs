//! The journal is the record: a torn write is cut away (and kept), and a
//! view that fell behind its journal catches up on the next open.

use std::fs::{self, OpenOptions as FileOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

mod common;

use common::store::{add, copy_dir, names, options_in};
use guanxi::store::{Edit, OpenOptions, Store};

fn options(root: &Path) -> OpenOptions {
    options_in(root, "An")
}

fn segment_files(ws: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for replica in fs::read_dir(ws.join("replicas")).unwrap() {
        for f in fs::read_dir(replica.unwrap().path()).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    out
}

#[test]
fn a_torn_tail_is_cut_kept_and_written_over() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(options(dir.path())).unwrap();
        add(&mut store, "Hồ Văn Nam");
        add(&mut store, "刘洋");
    }
    let segment = segment_files(&dir.path().join("ws")).pop().unwrap();
    let good_len = fs::metadata(&segment).unwrap().len();
    // Half a frame, as a crash in the middle of a write leaves it.
    FileOptions::new()
        .append(true)
        .open(&segment)
        .unwrap()
        .write_all(&[40, 0, 0, 0, 1, 2, 3])
        .unwrap();

    let mut store = Store::open(options(dir.path())).unwrap();
    let salvaged = &store.recovery().salvaged;
    assert_eq!(salvaged.len(), 1);
    assert_eq!(salvaged[0].bytes, 7);
    assert_eq!(fs::read(&salvaged[0].saved_to).unwrap(), vec![40, 0, 0, 0, 1, 2, 3]);
    assert_eq!(fs::metadata(&segment).unwrap().len(), good_len);
    assert_eq!(names(&store), ["Hồ Văn Nam", "刘洋"]);
    add(&mut store, "Emily Clark");
    assert!(store.doctor().unwrap().healthy());
    drop(store);
    let store = Store::open(options(dir.path())).unwrap();
    assert_eq!(names(&store), ["Emily Clark", "Hồ Văn Nam", "刘洋"]);
    assert!(store.recovery().salvaged.is_empty());
}

#[test]
fn a_view_behind_its_journal_catches_up() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state-An");
    let old_view = dir.path().join("old-view");
    {
        let mut store = Store::open(options(dir.path())).unwrap();
        add(&mut store, "Bùi Thị Xuân");
        store.flush().unwrap();
    }
    let ws_state = fs::read_dir(&state).unwrap().next().unwrap().unwrap().path();
    copy_dir(&ws_state.join("view"), &old_view);
    {
        let mut store = Store::open(options(dir.path())).unwrap();
        add(&mut store, "Đỗ Mạnh Hùng");
        add(&mut store, "陈静");
        store.undo().unwrap();
    }
    // The view as it was before the last three changes: as if the process
    // died after journaling them but before the view was written.
    fs::remove_dir_all(ws_state.join("view")).unwrap();
    copy_dir(&old_view, &ws_state.join("view"));

    let mut store = Store::open(options(dir.path())).unwrap();
    assert_eq!(store.recovery().replayed, 3);
    assert_eq!(names(&store), ["Bùi Thị Xuân", "Đỗ Mạnh Hùng"]);
    assert!(store.doctor().unwrap().healthy());
    // The undo stack came back too: redo restores 陈静.
    assert_eq!(guanxi::store::op::label_text(&store.redo().unwrap()), "add customer");
    assert_eq!(names(&store).len(), 3);
}

#[test]
fn damaged_frames_of_the_own_journal_are_reported_by_doctor_after_repair() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(options(dir.path())).unwrap();
        add(&mut store, "Ngô Bảo Châu");
    }
    let segment = segment_files(&dir.path().join("ws")).pop().unwrap();
    // Zeroed space at the end (a crash can leave the length grown but the
    // data unwritten): must not read as valid empty frames.
    FileOptions::new()
        .append(true)
        .open(&segment)
        .unwrap()
        .write_all(&[0; 64])
        .unwrap();
    let store = Store::open(options(dir.path())).unwrap();
    assert_eq!(store.recovery().salvaged[0].bytes, 64);
    let report = store.doctor().unwrap();
    assert!(report.healthy(), "{:?}", report.problems);
    assert!(
        report.notes.iter().any(|n| n.contains("interrupted write")),
        "{:?}",
        report.notes
    );
}

fn log_call(store: &mut Store, customer: guanxi::domain::CustomerId, summary: &str) {
    let mut i = guanxi::domain::Interaction::empty(store.new_interaction_id(), customer);
    i.summary = summary.into();
    store
        .commit(vec![Edit::LogInteraction {
            id: i.id,
            fields: i.to_fields(),
        }])
        .unwrap();
}

fn timeline(store: &Store, customer: guanxi::domain::CustomerId) -> Vec<String> {
    let mut s: Vec<String> = store
        .interactions_of(customer)
        .unwrap()
        .into_iter()
        .map(|i| i.summary)
        .collect();
    s.sort();
    s
}

fn view_dir(root: &Path) -> PathBuf {
    fs::read_dir(root.join("state-An"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("view")
}

fn pack_files(view: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(view)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pack"))
        .collect();
    out.sort();
    out
}

#[test]
fn compaction_keeps_every_body_and_drops_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path())).unwrap();
    add(&mut store, "Phan Thị Lan");
    let id = store.customers().unwrap()[0].customer.id;
    for n in 0..20 {
        log_call(&mut store, id, &format!("gọi lần {n}"));
    }
    let (len, garbage) = store.pack_usage().unwrap();
    // Changes were added to the body's chain, which was written whole
    // again past 16 frames (and index groups were rewritten): the frames
    // that replaced are garbage.
    assert!(garbage > 0 && garbage < len, "{len} {garbage}");
    let before = timeline(&store, id);
    store.compact().unwrap();
    let (len_after, garbage_after) = store.pack_usage().unwrap();
    assert_eq!(garbage_after, 0);
    // What was live is copied, each chain as one whole frame: no more.
    assert!(
        len_after > 0 && len_after <= len - garbage,
        "{len_after} {len} {garbage}"
    );
    assert_eq!(timeline(&store, id), before);
    assert_eq!(pack_files(&view_dir(dir.path())).len(), 1);
    assert!(store.doctor().unwrap().healthy());
    log_call(&mut store, id, "sau khi gọn");
    drop(store);
    let store = Store::open(options(dir.path())).unwrap();
    assert!(!store.recovery().rebuilt_view);
    assert_eq!(timeline(&store, id).len(), 21);
}

#[test]
fn a_body_file_cut_short_makes_the_view_again() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let mut store = Store::open(options(dir.path())).unwrap();
        add(&mut store, "Võ Minh Tuấn");
        let id = store.customers().unwrap()[0].customer.id;
        log_call(&mut store, id, "hẹn gặp");
        log_call(&mut store, id, "báo giá");
        id
    };
    // The machine went down before the end of the pack reached the disk.
    let pack = pack_files(&view_dir(dir.path())).pop().unwrap();
    let len = fs::metadata(&pack).unwrap().len();
    FileOptions::new()
        .write(true)
        .open(&pack)
        .unwrap()
        .set_len(len / 2)
        .unwrap();

    let store = Store::open(options(dir.path())).unwrap();
    assert!(store.recovery().rebuilt_view);
    assert_eq!(names(&store), ["Võ Minh Tuấn"]);
    assert_eq!(timeline(&store, id), ["báo giá", "hẹn gặp"]);
    assert!(store.doctor().unwrap().healthy());
}

#[test]
fn a_segment_made_but_never_written_is_simply_used() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(options(dir.path())).unwrap();
        add(&mut store, "Lý Thường Kiệt");
    }
    // Killed between making the next segment and writing its first change.
    let first = segment_files(&dir.path().join("ws")).pop().unwrap();
    let empty = first.with_file_name("000002.journal");
    fs::write(&empty, b"").unwrap();
    let mut store = Store::open(options(dir.path())).unwrap();
    assert!(store.recovery().salvaged.is_empty(), "nothing to cut or keep");
    let report = store.doctor().unwrap();
    assert!(report.healthy(), "{:?}", report.problems);
    add(&mut store, "Trần Nhân Tông");
    assert!(fs::metadata(&empty).unwrap().len() > 24, "the next change goes into it");
    drop(store);
    let store = Store::open(options(dir.path())).unwrap();
    assert_eq!(names(&store), ["Lý Thường Kiệt", "Trần Nhân Tông"]);
    assert!(store.doctor().unwrap().healthy());
}

/// A compaction runs in bounded steps: each copies a share of the old
/// file; changes made meanwhile, a stop in the middle and a reopen lose
/// nothing; when the last step is done the old file is gone.
#[test]
fn compaction_goes_in_steps_and_survives_a_stop() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path())).unwrap();
    let spec = guanxi::demo::DemoSpec {
        customers: 600,
        interactions: 24_000,
        seed: 5,
    };
    guanxi::demo::generate(&mut store, &spec, |_| {}).unwrap();
    let ids: Vec<_> = store.customers().unwrap().iter().map(|r| r.customer.id).collect();
    let (first, last) = (ids[0], ids[ids.len() - 1]);
    let view = view_dir(dir.path());

    assert!(!store.compact_step().unwrap(), "more than one step's worth");
    assert_eq!(pack_files(&view).len(), 2, "the old file drains into a new one");
    // Changes while it drains: one behind the step's place, one ahead.
    log_call(&mut store, first, "trong lúc gọn");
    log_call(&mut store, last, "在整理的时候");
    let before: Vec<Vec<String>> = ids.iter().map(|id| timeline(&store, *id)).collect();
    // Customers, deals and organizations are frames in the pack too.
    let records = |s: &Store| (s.customers().unwrap(), s.deals().unwrap(), s.organizations().unwrap());
    let records_before = records(&store);
    assert!(!records_before.1.is_empty() && !records_before.2.is_empty());
    drop(store);

    let mut store = Store::open(options(dir.path())).unwrap();
    assert!(!store.recovery().rebuilt_view);
    // The changes above each drained a step too: the reopen must still
    // find the compaction under way, or it tests a new one.
    assert_eq!(pack_files(&view).len(), 2, "stopped in the middle");
    let mut steps = 1;
    while !store.compact_step().unwrap() {
        steps += 1;
        assert!(steps < 100, "the steps end");
    }
    assert!(steps >= 2, "{steps} steps");
    assert_eq!(pack_files(&view).len(), 1, "the old file is gone");
    let after: Vec<Vec<String>> = ids.iter().map(|id| timeline(&store, *id)).collect();
    assert_eq!(after, before);
    assert!(records(&store) == records_before, "records read back the same");
    assert!(store.doctor().unwrap().healthy());
    assert_eq!(store.index_mismatches().unwrap(), 0);
    drop(store);
    let store = Store::open(options(dir.path())).unwrap();
    assert!(!store.recovery().rebuilt_view);
    let reopened: Vec<Vec<String>> = ids.iter().map(|id| timeline(&store, *id)).collect();
    assert_eq!(reopened, before);
}
