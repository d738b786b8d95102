//! A customer's interactions, follow-ups and stage history grow by
//! appending: logging to a customer with a long history writes the new
//! interaction, not the whole history again, and what is read back, after
//! undo, a merge, a compaction or a reopen, is what was written.

mod common;

use chrono::{DateTime, Days, Utc};
use guanxi::domain::{Customer, CustomerId, Rules, Stage};
use guanxi::store::{OpenOptions, Store};
use guanxi::workspace::Clock;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn options(root: &std::path::Path) -> OpenOptions {
    OpenOptions {
        clock: Clock::fixed(now()),
        rules: Rules::default(),
        ..common::store::options_in(root, "Lan")
    }
}

fn log(store: &mut Store, id: CustomerId, n: u64) {
    let at = now().checked_sub_days(Days::new(1000 - n)).unwrap();
    let summary = format!("Cuộc gọi số {n}: hỏi về đơn hàng tháng sau");
    let body = "Khách hỏi giá, hẹn gọi lại.".repeat(3);
    store
        .log_interaction(id, common::store::call(&summary, at, &body))
        .unwrap();
}

fn pack_bytes(store: &Store) -> u64 {
    std::fs::read_dir(store.workspace().view_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".pack"))
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

fn add(store: &mut Store, name: &str) -> CustomerId {
    let mut c = Customer::empty(store.new_customer_id());
    c.name = name.into();
    store.add_customer(c).unwrap()
}

#[test]
fn a_long_history_grows_by_what_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path())).unwrap();
    let id = add(&mut store, "Phạm Minh Châu");
    for n in 0..300 {
        log(&mut store, id, n);
    }
    let history = store.timeline(id).unwrap().into_items().0.len();
    assert_eq!(history, 300);

    // 300 interactions of ~150 bytes: a body of ~50 KB. Written whole for
    // each log, the pack would grow by the body's size every time.
    let before = pack_bytes(&store);
    for n in 300..332 {
        log(&mut store, id, n);
    }
    let grown = pack_bytes(&store) - before;
    let body = guanxi::store::codec::encode(&store.timeline(id).unwrap().into_items().0)
        .unwrap()
        .len() as u64;
    // 32 logs: at most two whole rewrites (one per 16 frames) and the
    // changes themselves.
    assert!(
        grown < 3 * body,
        "32 logs grew the pack by {grown} bytes; the body is {body} bytes"
    );

    // Undo takes back the last one; a stage move and a follow-up ride along.
    store.undo().unwrap();
    let c = store.customer(id).unwrap().unwrap().customer;
    store.move_stage(&c, Stage::Build).unwrap();
    assert_eq!(store.timeline(id).unwrap().into_items().0.len(), 331);
    assert!(store.doctor().unwrap().healthy(), "the view matches a replay");

    // Compaction makes each chain one frame again; reopening reads the same.
    let items = store.timeline(id).unwrap().into_items();
    store.compact().unwrap();
    assert_eq!(store.timeline(id).unwrap().into_items(), items);
    drop(store);
    let store = Store::open(options(dir.path())).unwrap();
    assert_eq!(store.timeline(id).unwrap().into_items(), items);
    assert!(store.doctor().unwrap().healthy());
}

#[test]
fn merged_customers_keep_every_interaction() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path())).unwrap();
    let a = add(&mut store, "Lưu Đức Hoa");
    let b = add(&mut store, "Lưu Đức Hoa (2)");
    for n in 0..20 {
        log(&mut store, a, n);
        log(&mut store, b, n + 100);
    }
    store.merge_customers(a, &[b]).unwrap();
    for n in 200..205 {
        log(&mut store, a, n);
    }
    assert_eq!(store.timeline(a).unwrap().into_items().0.len(), 45);
    assert!(store.doctor().unwrap().healthy());
}

/// `View::timelines` reads many bodies in one batch: each timeline is the
/// one `View::timeline` reads alone, in the order asked, for a body of
/// many frames, one holding guests from a merge, one not yet written and
/// one after a compaction.
#[test]
fn timelines_read_together_are_those_read_one_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path())).unwrap();
    let compacted = add(&mut store, "Đặng Thái Sơn");
    for n in 0..3 {
        log(&mut store, compacted, n);
    }
    store.compact().unwrap();
    let chained = add(&mut store, "Lưu Đức Hoa");
    let merged = add(&mut store, "Lưu Đức Hoa (2)");
    let empty = add(&mut store, "Trần Thu Hà");
    for n in 0..20 {
        log(&mut store, chained, n);
        log(&mut store, merged, n + 100);
    }
    store.merge_customers(chained, &[merged]).unwrap();
    for n in 200..205 {
        log(&mut store, chained, n);
    }
    let ids = [empty, chained, compacted, chained, merged];
    let together = store.timelines(&ids).unwrap();
    assert_eq!(together.len(), ids.len());
    for (id, t) in ids.iter().zip(together) {
        let alone = store.timeline(*id).unwrap();
        assert_eq!(t.scores, alone.scores);
        assert_eq!(t.into_items(), alone.into_items(), "{id:?}");
    }
    // Lean: the same but for the text of each interaction (its own, not
    // its guests', which are read whole).
    let textless = |mut items: (Vec<guanxi::domain::Interaction>, _, _)| {
        for i in &mut items.0 {
            i.summary.clear();
            i.body.clear();
            i.outcome.clear();
        }
        items
    };
    for (id, t) in ids.iter().zip(store.lean_timelines(&ids).unwrap()) {
        let whole = store.timeline(*id).unwrap().into_items();
        let lean = t.into_items();
        assert_eq!(textless(lean), textless(whole), "{id:?}");
    }
    let lean = &store.lean_timelines(&[compacted]).unwrap()[0].interactions;
    assert!(lean.len() == 3 && lean.iter().all(|h| h.item.summary.is_empty() && h.item.author == "Lan"));
    let chained_items = store.timelines(&[chained]).unwrap().remove(0).into_items();
    assert_eq!(chained_items.0.len(), 45, "its own, the guests', the later ones");
    assert!(store.timelines(&[empty]).unwrap()[0].interactions.is_empty());
    assert!(store.timelines(&[]).unwrap().is_empty());
}

/// A view from an older guanxi (format 4: customer records without
/// their organization) is made again from the journals, losing nothing; a
/// view from a newer guanxi is refused rather than misread.
#[test]
fn an_older_view_is_rebuilt_and_a_newer_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path())).unwrap();
    let id = add(&mut store, "Trịnh Công Sơn");
    for n in 0..3 {
        log(&mut store, id, n);
    }
    store.compact().unwrap();
    let items = store.timeline(id).unwrap().into_items();
    let view = store.workspace().view_dir();
    drop(store);
    let set_format = |format: u8| {
        let db = common::open_sled_when_free(&view);
        let tree = db.open_tree("view").unwrap();
        tree.insert(b"Mformat", &[format]).unwrap();
        for k in tree.scan_prefix(b"I").keys() {
            tree.remove(k.unwrap()).unwrap();
        }
        tree.remove(b"Mindexed").unwrap();
        db.flush().unwrap();
    };
    set_format(4);
    let store = Store::open(options(dir.path())).unwrap();
    assert!(store.recovery().rebuilt_view, "made again");
    assert_eq!(store.timeline(id).unwrap().into_items(), items);
    assert_eq!(store.index_mismatches().unwrap(), 0, "indexes made from the records");
    assert_eq!(store.resolve_customer("trinh cong").unwrap().customer.id, id);
    drop(store);
    set_format(10);
    assert!(matches!(
        Store::open(options(dir.path())),
        Err(guanxi::store::StoreError::NewerView(10))
    ));
}
