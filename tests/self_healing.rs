//! The view heals itself and the journal is kept whole: a damaged sled
//! view is made again without the user's help, a killed rebuild or a
//! deleted view keeps this replica's id and undo history, a workspace
//! folder that vanishes under a running guanxi is never made again empty
//! (changes wait on this machine), and a journal file put back to an older
//! version under a running guanxi is written again.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::store::{add, copy_dir, names, options_in, sorted, state_dir};
use guanxi::store::{OpenOptions, Store};

fn options(root: &Path) -> OpenOptions {
    options_in(root, "An")
}

fn replica_id(root: &Path) -> String {
    fs::read_to_string(state_dir(root, "An").join("replica")).unwrap()
}

fn own_segment(store: &Store) -> PathBuf {
    let ws = &store.workspace().root;
    ws.join("replicas")
        .join(store.replica().to_string())
        .join("000001.journal")
}

/// Three customers, the last one undoable.
fn three_customers(root: &Path) -> String {
    let mut store = Store::open(options(root)).unwrap();
    for name in ["Phạm Nhật Vượng", "马云", "Emily Clark"] {
        add(&mut store, name);
    }
    store.flush().unwrap();
    drop(store);
    // sled writes its snapshot file when it opens a database it recovers.
    drop(Store::open(options(root)).unwrap());
    replica_id(root)
}

fn assert_whole_with_undo(root: &Path, replica_before: &str) {
    let mut store = Store::open(options(root)).unwrap();
    assert_eq!(names(&store), sorted(&["Phạm Nhật Vượng", "马云", "Emily Clark"]));
    assert!(store.recovery().new_identity.is_none(), "no new replica id");
    assert_eq!(replica_id(root), replica_before, "the replica id survives");
    assert!(store.undo_label().unwrap().is_some(), "the undo history survives");
    store.undo().unwrap();
    assert_eq!(names(&store), sorted(&["Phạm Nhật Vượng", "马云"]));
    let report = store.doctor().unwrap();
    assert!(report.healthy(), "{:?}", report.problems);
}

fn view_files(root: &Path) -> PathBuf {
    state_dir(root, "An").join("view")
}

fn snapshot_file(view: &Path) -> PathBuf {
    fs::read_dir(view)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name().is_some_and(|n| {
                n.to_string_lossy().starts_with("snap.") && !n.to_string_lossy().ends_with(".generating")
            })
        })
        .expect("sled keeps a snapshot")
}

#[test]
fn a_view_sled_cannot_read_is_moved_aside_and_made_again() {
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 4] = [
        ("an unfinished snapshot", |view| {
            fs::write(view.join("snap.0000000000100000.generating"), [0x5au8; 300]).unwrap()
        }),
        ("flipped bytes in sled's snapshot", |view| {
            let snap = snapshot_file(view);
            let mut bytes = fs::read(&snap).unwrap();
            for b in bytes.iter_mut().skip(20).take(4) {
                *b ^= 0xff;
            }
            fs::write(&snap, bytes).unwrap();
        }),
        ("a cut-short snapshot", |view| {
            let snap = snapshot_file(view);
            let bytes = fs::read(&snap).unwrap();
            fs::write(&snap, &bytes[..10]).unwrap();
        }),
        ("random bytes over the database", |view| {
            let db = view.join("db");
            let mut bytes = fs::read(&db).unwrap();
            let mut x = 0x9e37_79b9u32;
            for b in bytes.iter_mut().skip(100).take(4096) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                *b = x as u8;
            }
            fs::write(&db, bytes).unwrap();
        }),
    ];
    for (what, damage) in damages {
        let dir = tempfile::tempdir().unwrap();
        let replica = three_customers(dir.path());
        damage(&view_files(dir.path()));
        {
            let store = Store::open(options(dir.path())).unwrap_or_else(|e| panic!("{what}: {e}"));
            let recovery = store.recovery();
            assert!(recovery.rebuilt_view, "{what}");
            let why = recovery.rebuilt_because.as_deref().unwrap_or_default();
            assert!(why.contains("damaged"), "{what}: {why}");
            assert!(
                state_dir(dir.path(), "An").join("view.damaged").exists(),
                "{what}: kept aside"
            );
        }
        assert_whole_with_undo(dir.path(), &replica);
    }
}

#[test]
fn a_deleted_view_keeps_the_replica_id_and_undo_history() {
    let dir = tempfile::tempdir().unwrap();
    let replica = three_customers(dir.path());
    fs::remove_dir_all(view_files(dir.path())).unwrap();
    assert_whole_with_undo(dir.path(), &replica);
}

#[test]
fn a_killed_rebuild_keeps_the_replica_id_and_undo_history() {
    // Where a rebuild stands when killed: the old view set aside, a new one
    // partly made (here: from nothing but an empty database).
    for partial in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let replica = three_customers(dir.path());
        let state = state_dir(dir.path(), "An");
        fs::rename(state.join("view"), state.join("view.old")).unwrap();
        if partial {
            // The new view holds what the rebuild had replayed so far.
            let mut store = Store::open(options(dir.path())).unwrap();
            assert_eq!(names(&store).len(), 3);
            store.flush().unwrap();
            drop(store);
            fs::rename(state.join("view"), state.join("view.new")).unwrap();
            fs::rename(state.join("view.new"), state.join("view.old")).unwrap();
            fs::create_dir(state.join("view")).unwrap();
        }
        assert_whole_with_undo(dir.path(), &replica);
        assert!(!state.join("view.old").exists());
    }
}

#[test]
fn a_vanished_workspace_is_never_made_again_and_changes_wait_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let mut store = Store::open(options(dir.path())).unwrap();
    add(&mut store, "Trước khi mất");
    // The shared folder goes (unmounted, deleted) while guanxi runs.
    let away = dir.path().join("away");
    copy_dir(&ws, &away);
    fs::remove_dir_all(&ws).unwrap();
    assert!(!store.workspace_available());
    add(&mut store, "Khi thư mục vắng");
    add(&mut store, "不在的时候");
    assert!(!ws.exists(), "guanxi never makes the workspace again itself");
    assert_eq!(store.kept_locally(), 2);
    assert_eq!(names(&store).len(), 3, "the changes are in the view meanwhile");
    store.flush().unwrap();
    drop(store);

    // It is back; the next start (or the next write, or the UI's next
    // read of the journals) writes what was kept.
    fs::rename(&away, &ws).unwrap();
    let mut store = Store::open(options(dir.path())).unwrap();
    let restored = store.recovery().restored.clone().expect("kept changes written");
    assert_eq!(restored.kept, 2);
    assert_eq!(store.kept_locally(), 0);
    add(&mut store, "Sau khi về");
    let all = sorted(&["Trước khi mất", "Khi thư mục vắng", "不在的时候", "Sau khi về"]);
    assert_eq!(names(&store), all);
    assert!(store.doctor().unwrap().healthy());
    drop(store);
    let teammate = Store::open(options_in(dir.path(), "Wei")).unwrap();
    assert_eq!(names(&teammate), all);
    assert!(teammate.doctor().unwrap().healthy());
}

#[test]
fn a_workspace_that_comes_back_while_running_gets_the_kept_changes() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let mut store = Store::open(options(dir.path())).unwrap();
    add(&mut store, "Một");
    let away = dir.path().join("away");
    fs::rename(&ws, &away).unwrap();
    add(&mut store, "Hai");
    assert_eq!(store.kept_locally(), 1);
    fs::rename(&away, &ws).unwrap();
    // What the UI does every few seconds.
    let report = store.ingest_others().unwrap();
    assert_eq!(report.restored.map(|r| r.kept), Some(1));
    assert_eq!(store.kept_locally(), 0);
    drop(store);
    let teammate = Store::open(options_in(dir.path(), "Wei")).unwrap();
    assert_eq!(names(&teammate), sorted(&["Một", "Hai"]));
}

#[test]
fn a_journal_put_back_under_a_running_guanxi_is_written_again() {
    // In place (a restored backup) and by a new file renamed over it (how
    // sync clients write).
    for by_rename in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(options(dir.path())).unwrap();
        for name in ["A1", "A2", "A3"] {
            add(&mut store, name);
        }
        let segment = own_segment(&store);
        let older = fs::read(&segment).unwrap();
        for name in ["B1", "B2", "B3"] {
            add(&mut store, name);
        }
        if by_rename {
            let tmp = segment.with_file_name(".000001.journal.tmp");
            fs::write(&tmp, &older).unwrap();
            fs::rename(&tmp, &segment).unwrap();
        } else {
            fs::write(&segment, &older).unwrap();
        }
        add(&mut store, "C1");
        let news = store.take_news();
        let restored = news.restored.expect("the lost changes are written again");
        assert_eq!(restored.remade, 3, "by_rename={by_rename}");
        drop(store);
        let teammate = Store::open(options_in(dir.path(), "Wei")).unwrap();
        assert_eq!(
            names(&teammate),
            sorted(&["A1", "A2", "A3", "B1", "B2", "B3", "C1"]),
            "by_rename={by_rename}"
        );
        let report = teammate.doctor().unwrap();
        assert!(report.healthy(), "{:?}", report.problems);
    }
}

#[test]
fn another_workspace_in_its_place_is_not_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let mut store = Store::open(options(dir.path())).unwrap();
    add(&mut store, "Của đội này");
    fs::rename(&ws, dir.path().join("ours")).unwrap();
    guanxi::workspace::init(&ws, Some("someone else's")).unwrap();
    add(&mut store, "Không được lạc sang");
    assert_eq!(store.kept_locally(), 1);
    assert!(
        !ws.join("replicas").exists(),
        "nothing written into the other workspace"
    );
}

#[test]
fn a_snapshot_with_a_damaged_record_is_not_used_and_the_journals_are() {
    use guanxi::sync::snapshot;
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(options(dir.path())).unwrap();
        for name in ["ZZZZ một", "ZZZZ hai", "ZZZZ ba"] {
            add(&mut store, name);
        }
        store.write_snapshot().unwrap();
    }
    // A record inside the snapshot is damaged, yet every frame's checksum
    // fits (a bug, or a tool that rewrote the file).
    let file = snapshot::list(&dir.path().join("ws")).unwrap().remove(0).path;
    let mut frames = Vec::new();
    assert!(snapshot::read_bytes(&fs::read(&file).unwrap(), |p| {
        frames.push(p.to_vec());
        true
    }));
    let mut damaged = 0;
    for frame in &mut frames {
        if let Some(at) = frame.windows(8).position(|w| w == "ZZZZ hai".as_bytes()) {
            frame[at..at + 4].copy_from_slice(&[0xff; 4]);
            damaged += 1;
        }
    }
    assert_eq!(damaged, 1);
    fs::write(&file, snapshot::encode(frames)).unwrap();
    // A new teammate starts from the journals instead.
    let teammate = Store::open(options_in(dir.path(), "Wei")).unwrap();
    assert_eq!(names(&teammate), sorted(&["ZZZZ một", "ZZZZ hai", "ZZZZ ba"]));
    assert!(teammate.doctor().unwrap().healthy());
}
