//! Rewriting a replica's own journal for a forget: every op keeps its
//! stamp and number (a tombstone in place of one about the person), a
//! teammate who had read part of the rewritten segment reads on correctly
//! (everything new, nothing twice, nothing lost), and the replica's own
//! writer goes on appending to the rewritten segment.

mod common;

use std::path::Path;

use common::store::{add, call, names, options_in, sorted};
use guanxi::domain::Rules;
use guanxi::store::op::OpHead;
use guanxi::store::scrub::{rewrite_segment, tombstone};
use guanxi::store::{Op, Store, codec};
use guanxi::sync::journal;

fn own_ops(store: &Store) -> Vec<Op> {
    let dir = journal::replica_dir(&store.workspace().root, store.replica());
    let mut out = Vec::new();
    for n in journal::segments(&dir).unwrap() {
        let frames =
            journal::read_segment(&journal::segment_path(&dir, n), 0, &guanxi::encryption::Keys::plain()).unwrap();
        assert!(frames.damaged.is_empty());
        for (payload, _) in frames.iter() {
            out.push(codec::decode::<Op>(payload).unwrap());
        }
    }
    out
}

fn heads(ops: &[Op]) -> Vec<(u64, u64)> {
    ops.iter().map(|op| (op.seq, op.stamp.clock)).collect()
}

fn holds(store: &Store, text: &str) -> bool {
    let dir = journal::replica_dir(&store.workspace().root, store.replica());
    journal::segments(&dir).unwrap().into_iter().any(|n| {
        let bytes = std::fs::read(journal::segment_path(&dir, n)).unwrap();
        bytes.windows(text.len()).any(|w| w == text.as_bytes())
    })
}

fn open(root: &Path, who: &str) -> Store {
    let mut o = options_in(root, who);
    o.rules = Rules::default();
    Store::open(o).unwrap()
}

#[test]
fn a_rewrite_keeps_every_op_s_stamp_and_number_and_teammates_read_on() {
    let root = tempfile::tempdir().unwrap();
    let mut lan = open(root.path(), "lan");
    add(&mut lan, "Quỳnh Zephyrine");
    add(&mut lan, "Hồ Xuân Hương");
    let now = chrono::Utc::now();
    let quynh = lan.resolve_customer("zephyrine").unwrap().customer.id;
    let huong = lan.resolve_customer("xuan huong").unwrap().customer.id;
    lan.log_interaction(quynh, call("Gọi Xyloquartz", now, "chi tiết Xyloquartz"))
        .unwrap();
    lan.log_interaction(huong, call("Gọi Bánh trôi", now, "")).unwrap();

    // Wei reads everything so far: its cursor is at the end of Lan's segment.
    let wei = open(root.path(), "wei");
    assert_eq!(names(&wei), sorted(&["Quỳnh Zephyrine", "Hồ Xuân Hương"]));
    drop(wei);

    lan.forget(quynh).unwrap();
    let before = own_ops(&lan);
    let scrubbed = lan.scrub_forgotten().unwrap();
    assert_eq!(scrubbed.ops, 2, "the creation and the call");
    let after = own_ops(&lan);
    assert_eq!(heads(&before), heads(&after), "same ops, stamps and numbers, in order");
    assert!(!holds(&lan, "Zephyrine") && !holds(&lan, "Xyloquartz"));
    assert!(holds(&lan, "Bánh trôi"), "the other customer's ops are as they were");
    let tomb = &after[0];
    assert!(
        tomb.author.is_empty() && tomb.edits.is_empty() && tomb.inverse.is_empty(),
        "{tomb:?}"
    );

    // Lan's own writer goes on after the rewrite, in the same segment.
    add(&mut lan, "Người Sau");
    let more = own_ops(&lan);
    assert_eq!(more.len(), after.len() + 1);
    assert_eq!(more.last().unwrap().seq, after.last().unwrap().seq + 1);
    assert!(lan.doctor().unwrap().healthy(), "{:?}", lan.doctor().unwrap().problems);
    drop(lan);

    // Wei's cursor no longer finds its frame: the file is read again
    // from the start, bringing the forget and the new customer.
    let mut wei = open(root.path(), "wei");
    assert_eq!(names(&wei), sorted(&["Hồ Xuân Hương", "Người Sau"]));
    assert!(wei.customer(quynh).unwrap().is_none());
    assert!(wei.doctor().unwrap().healthy(), "{:?}", wei.doctor().unwrap().problems);
    let report = wei.ingest_others().unwrap();
    assert_eq!(report.arrived_count(), 0, "nothing read twice");
    let lan = open(root.path(), "lan");
    assert_eq!(names(&lan), names(&wei));
    assert!(lan.doctor().unwrap().healthy(), "{:?}", lan.doctor().unwrap().problems);
}

#[test]
fn a_rewrite_with_nothing_to_change_leaves_the_file_alone() {
    let root = tempfile::tempdir().unwrap();
    let mut lan = open(root.path(), "lan");
    add(&mut lan, "Hồ Xuân Hương");
    let dir = journal::replica_dir(&lan.workspace().root, lan.replica());
    let path = journal::segment_path(&dir, 1);
    let bytes = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let r = rewrite_segment(&path, &guanxi::encryption::Keys::plain(), &mut |op| {
        tombstone(op, &|_, _| false)
    })
    .unwrap();
    assert_eq!((r.ops, r.changed, r.written), (1, 0, false));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), modified);
    // Any transform: here one that renames every author.
    let r = rewrite_segment(&path, &guanxi::encryption::Keys::plain(), &mut |mut op| {
        op.author = "someone".into();
        op
    })
    .unwrap();
    assert_eq!((r.ops, r.changed, r.written), (1, 1, true));
    let frames = journal::read_segment(&path, 0, &guanxi::encryption::Keys::plain()).unwrap();
    let head: OpHead = codec::decode_head(frames.iter().next().unwrap().0).unwrap();
    assert_eq!(head.seq, 1);
}

#[test]
fn a_change_partly_about_the_person_leaves_no_undo_behind_after_a_rewrite() {
    let root = tempfile::tempdir().unwrap();
    let mut lan = open(root.path(), "lan");
    add(&mut lan, "Quỳnh Zephyrine");
    let before = lan.resolve_customer("zephyrine").unwrap().customer;
    let mut after = before.clone();
    // One change: the customer's company and the organization made for it.
    after.company = "Minh Phát".into();
    lan.update_customer(&before, &after).unwrap();
    lan.forget(before.id).unwrap();
    lan.scrub_forgotten().unwrap();
    add(&mut lan, "Người Sau");
    // The view is what replaying the rewritten journal gives, undo
    // history included.
    assert!(lan.doctor().unwrap().healthy(), "{:?}", lan.doctor().unwrap().problems);
}

#[test]
fn a_journal_put_back_to_before_the_forget_is_mended_with_the_forget() {
    let root = tempfile::tempdir().unwrap();
    let mut lan = open(root.path(), "lan");
    add(&mut lan, "Quỳnh Zephyrine");
    add(&mut lan, "Hồ Xuân Hương");
    let quynh = lan.resolve_customer("zephyrine").unwrap().customer.id;
    let dir = journal::replica_dir(&lan.workspace().root, lan.replica());
    let segment = journal::segment_path(&dir, 1);
    let older = std::fs::read(&segment).unwrap();
    lan.forget(quynh).unwrap();
    drop(lan);
    // A sync client puts back the version from before the forget.
    std::fs::write(&segment, &older).unwrap();
    let lan = open(root.path(), "lan");
    assert!(lan.customer(quynh).unwrap().is_none());
    drop(lan);
    // The mended journal tells a teammate about the forget.
    let wei = open(root.path(), "wei");
    assert_eq!(names(&wei), sorted(&["Hồ Xuân Hương"]));
    assert!(wei.customer(quynh).unwrap().is_none());
}
