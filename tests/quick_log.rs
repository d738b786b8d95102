//! `log <id>` written to the journal ahead of the view: every later command
//! sees it as if the view had been opened, a customer who is gone is
//! refused as before, and a journal put back before the view caught up
//! loses nothing.

mod common;

use std::fs;
use std::path::PathBuf;

use common::Sandbox;
use common::store::{call, options_in};
use guanxi::domain::{Customer, CustomerId};
use guanxi::store::Store;
use proptest::prelude::*;

/// (ops the view holds, ops written to the journal) as the closing note
/// says; None without a note.
fn note(s: &Sandbox) -> Option<(u64, u64)> {
    let text = fs::read_to_string(s.state_dir().join("view/closed")).ok()?;
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse::<u64>().ok())
    };
    Some((field("view")?, field("journal")?))
}

/// This replica's first journal segment (teammates have their own).
fn journal_segment(s: &Sandbox) -> PathBuf {
    let replica = fs::read_to_string(s.state_dir().join("replica")).unwrap();
    s.workspace()
        .join("replicas")
        .join(replica.trim())
        .join("000001.journal")
}

/// Where the closing note is: only where a command may leave the view
/// unsynced, which needs the system to say which boot this is.
fn boot_known() -> bool {
    let known = fs::read_to_string("/proc/sys/kernel/random/boot_id").is_ok();
    if !known {
        eprintln!("skipped: this system does not say its boot id, and every log opens the view");
    }
    known
}

#[test]
fn a_log_by_whole_id_goes_ahead_of_the_view_and_every_later_command_sees_it() {
    if !boot_known() {
        return;
    }
    let s = Sandbox::new();
    let (id, _) = s.succeeds(&["add", "--name", "Trần Thị Mai"]);
    let id = id.trim();
    s.succeeds(&["show", id]);
    let (view, journal) = note(&s).expect("a command that closed the view left its note");
    assert_eq!(view, journal);

    let (first, _) = s.succeeds(&["log", id, "--summary", "Gọi điện báo giá"]);
    let (second, stderr) = s.succeeds(&["log", id, "--summary", "Sent the contract"]);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(
        note(&s),
        Some((view, journal + 2)),
        "both logs went to the journal ahead of the view"
    );
    assert!(s.state_dir().join("ahead").exists(), "with a local copy");

    let (shown, stderr) = s.succeeds(&["show", id]);
    assert!(
        shown.contains("Gọi điện báo giá") && shown.contains("Sent the contract"),
        "{shown}"
    );
    assert!(stderr.is_empty(), "caught up without a word: {stderr}");
    assert_eq!(note(&s), Some((journal + 2, journal + 2)));
    assert!(
        !s.state_dir().join("ahead").exists(),
        "the copy goes once the view holds them"
    );

    // The ids printed are the interactions', and undo takes the last back.
    let timeline = s.json(&["show", id, "--json"]);
    let ids: Vec<String> = timeline["interactions"]
        .as_array()
        .expect("interactions")
        .iter()
        .map(|i| i["id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        ids.contains(&first.trim().to_string()) && ids.contains(&second.trim().to_string()),
        "{ids:?}"
    );
    let (undone, _) = s.succeeds(&["undo"]);
    assert!(undone.contains("log"), "{undone}");
    let (shown, _) = s.succeeds(&["show", id]);
    assert!(
        shown.contains("Gọi điện báo giá") && !shown.contains("Sent the contract"),
        "{shown}"
    );

    let (doctor, _) = s.succeeds(&["doctor"]);
    assert!(doctor.contains("healthy"), "{doctor}");
    assert!(
        !doctor.contains("replayed"),
        "a log ahead is no crash to report: {doctor}"
    );
}

#[test]
fn a_log_ahead_to_a_customer_who_is_gone_or_unknown_is_refused_as_before() {
    if !boot_known() {
        return;
    }
    let s = Sandbox::new();
    let (gone, _) = s.succeeds(&["add", "--name", "Lý Văn Hùng"]);
    let gone = gone.trim();
    s.succeeds(&["add", "--name", "王芳"]);
    s.succeeds(&["delete", gone]);
    assert!(note(&s).is_some());
    let before = fs::read(journal_segment(&s)).unwrap();
    let long_way = s.rejected(&["log", gone, "--summary", "no one there"]);
    let unknown = s.rejected(&["log", "0123456789abcdef", "--summary", "no one there"]);
    assert_eq!(fs::read(journal_segment(&s)).unwrap(), before, "nothing written");
    assert!(!long_way.is_empty() && !unknown.is_empty());
    // Brought back, the customer can be logged with ahead of the view again.
    s.succeeds(&["undo"]);
    let (_, journal) = note(&s).expect("note");
    s.succeeds(&["log", gone, "--summary", "Back again"]);
    assert_eq!(note(&s).map(|n| n.1), Some(journal + 1));
}

#[test]
fn a_log_after_a_teammate_deleted_the_customer_reads_that_first_and_is_refused() {
    if !boot_known() {
        return;
    }
    let s = Sandbox::new();
    let (id, _) = s.succeeds(&["add", "--name", "Đỗ Minh Khoa"]);
    let id = id.trim();
    s.succeeds(&["show", id]);
    // A teammate sharing the folder deletes the customer in their own view.
    let mate = Sandbox::for_user("Bảo");
    let out = mate.command_in(&s.workspace(), &["delete", id]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = fs::read(journal_segment(&s)).unwrap();
    let refused = s.rejected(&["log", id, "--summary", "too late"]);
    assert!(refused.contains("no customer"), "{refused}");
    assert_eq!(fs::read(journal_segment(&s)).unwrap(), before, "nothing written");
    // With what arrived read, logs go ahead again.
    let (other, _) = s.succeeds(&["add", "--name", "Hoàng Thu Trang"]);
    let (_, journal) = note(&s).expect("note");
    s.succeeds(&["log", other.trim(), "--summary", "Gặp ở hội chợ"]);
    assert_eq!(note(&s).map(|n| n.1), Some(journal + 1));
}

#[test]
fn a_damaged_note_or_table_sends_one_log_the_long_way_and_is_made_again() {
    if !boot_known() {
        return;
    }
    let s = Sandbox::new();
    let (id, _) = s.succeeds(&["add", "--name", "陈静"]);
    let id = id.trim();
    s.succeeds(&["show", id]);
    let view = s.state_dir().join("view");
    for (file, garbage) in [("closed", &b"garbage"[..]), ("live-ids", &[0x5a; 100][..])] {
        fs::write(view.join(file), garbage).unwrap();
        let (_, journal) = note(&s).unwrap_or_default();
        s.succeeds(&["log", id, "--summary", "the long way"]);
        let (v, j) = note(&s).expect("the note is written again");
        assert_eq!(v, j, "{file} damaged: the log opened the view");
        assert!(j > journal);
        s.succeeds(&["log", id, "--summary", "ahead again"]);
        assert_eq!(note(&s), Some((j, j + 1)), "{file} made again: the next log goes ahead");
        s.succeeds(&["show", id]);
    }
    let (shown, _) = s.succeeds(&["show", id]);
    assert_eq!(shown.matches("the long way").count(), 2, "{shown}");
    assert_eq!(shown.matches("ahead again").count(), 2, "{shown}");
}

#[test]
fn a_journal_put_back_after_logs_went_ahead_is_written_again_from_the_local_copy() {
    if !boot_known() {
        return;
    }
    let s = Sandbox::new();
    let (id, _) = s.succeeds(&["add", "--name", "Nguyễn Văn An"]);
    let id = id.trim();
    s.succeeds(&["log", id, "--summary", "Met at the fair"]);
    s.succeeds(&["show", id]);
    let segment = journal_segment(&s);
    let backup = fs::read(&segment).unwrap();
    s.succeeds(&["log", id, "--summary", "Called back"]);
    s.succeeds(&["log", id, "--summary", "Sent samples"]);
    // A sync client puts the older journal back before the view caught up.
    fs::write(&segment, &backup).unwrap();
    // This log sees the segment changed and goes the long way, which
    // writes the two lost ones again before its own.
    let (_, stderr) = s.succeeds(&["log", id, "--summary", "Took the order"]);
    assert!(
        stderr.contains("lost 2 changes (3-4)") && stderr.contains("nothing is lost"),
        "{stderr}"
    );
    let (shown, _) = s.succeeds(&["show", id]);
    for summary in ["Met at the fair", "Called back", "Sent samples", "Took the order"] {
        assert!(shown.contains(summary), "{summary} lost:\n{shown}");
    }
    // And the journal has them: a view made from it again shows them all.
    s.succeeds(&["rebuild"]);
    let (shown, _) = s.succeeds(&["show", id]);
    for summary in ["Met at the fair", "Called back", "Sent samples", "Took the order"] {
        assert!(shown.contains(summary), "{summary} not in the journal:\n{shown}");
    }
    let (doctor, _) = s.succeeds(&["doctor"]);
    assert!(doctor.contains("healthy"), "{doctor}");
}

/// What a random session does to the customers.
#[derive(Debug, Clone)]
enum Step {
    Add,
    Delete(usize),
    Undo,
    Merge(usize, usize),
    Forget(usize),
    /// A teammate adds a customer, or deletes one, in their own view.
    Teammate(Option<usize>),
    /// Closes the view and opens it again.
    Reopen,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            4 => Just(Step::Add),
            2 => (0usize..64).prop_map(Step::Delete),
            2 => Just(Step::Undo),
            1 => (0usize..64, 0usize..64).prop_map(|(a, b)| Step::Merge(a, b)),
            1 => (0usize..64).prop_map(Step::Forget),
            2 => proptest::option::of(0usize..64).prop_map(Step::Teammate),
            2 => Just(Step::Reopen),
        ],
        1..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// After any session, a log ahead of the view is taken for exactly the
    /// customers the view holds as live, and each lands with its customer.
    /// (This replica has written before: a log goes ahead only of a journal
    /// that is there.)
    #[test]
    fn a_log_goes_ahead_for_exactly_the_live_customers(steps in steps()) {
        if !boot_known() {
            return Ok(());
        }
        // As a command does, but closing sled fully, so that this process
        // can open the view again.
        guanxi::store::for_one_command();
        guanxi::store::close_views_fully();
        let dir = tempfile::tempdir().unwrap();
        let options = options_in(dir.path(), "An");
        let mut store = Store::open(options.clone()).unwrap();
        let mut ids: Vec<CustomerId> = Vec::new();
        for step in std::iter::once(Step::Add).chain(steps) {
            match step {
                Step::Add => {
                    let mut c = Customer::empty(store.new_customer_id());
                    c.name = format!("Customer {}", ids.len());
                    ids.push(store.add_customer(c).unwrap());
                }
                Step::Delete(i) if !ids.is_empty() => {
                    let id = ids[i % ids.len()];
                    if store.live_customer(id).unwrap().is_some() {
                        store.delete_customer(id).unwrap();
                    }
                }
                Step::Undo => {
                    let _ = store.undo();
                }
                Step::Merge(a, b) if !ids.is_empty() => {
                    let (a, b) = (ids[a % ids.len()], ids[b % ids.len()]);
                    if a != b && store.live_customer(a).unwrap().is_some() && store.live_customer(b).unwrap().is_some() {
                        store.merge_customers(a, &[b]).unwrap();
                    }
                }
                Step::Forget(i) if !ids.is_empty() => {
                    let id = ids[i % ids.len()];
                    if store.live_customer(id).unwrap().is_some() {
                        store.forget(id).unwrap();
                    }
                }
                Step::Teammate(delete) => {
                    let mut mate = Store::open(options_in(dir.path(), "Bảo")).unwrap();
                    match delete.filter(|_| !ids.is_empty()) {
                        Some(i) => {
                            let id = ids[i % ids.len()];
                            if mate.live_customer(id).unwrap().is_some() {
                                mate.delete_customer(id).unwrap();
                            }
                        }
                        None => {
                            let mut c = Customer::empty(mate.new_customer_id());
                            c.name = format!("Teammate's {}", ids.len());
                            ids.push(mate.add_customer(c).unwrap());
                        }
                    }
                }
                Step::Reopen => {
                    drop(store);
                    store = Store::open(options.clone()).unwrap();
                }
                _ => {}
            }
        }
        // What the teammate did arrives as the view opens.
        drop(store);
        let store = Store::open(options.clone()).unwrap();
        let live: Vec<bool> = ids.iter().map(|id| store.live_customer(*id).unwrap().is_some()).collect();
        drop(store);
        let at = chrono::Utc::now();
        let mut logged = Vec::new();
        for (id, live) in ids.iter().zip(&live) {
            let ahead = guanxi::store::quick_log::log_ahead(&options, *id, call("ahead", at, "")).unwrap();
            prop_assert_eq!(ahead.is_some(), *live, "customer {} live {}", id, live);
            logged.extend(ahead.map(|i| (*id, i)));
        }
        let store = Store::open(options.clone()).unwrap();
        for (id, interaction) in logged {
            let mine = store.interactions_of(id).unwrap();
            prop_assert!(mine.iter().any(|i| i.id == interaction), "{} lost", interaction);
        }
    }
}
