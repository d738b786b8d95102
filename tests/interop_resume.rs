//! An import stopped part-way is finished by running it again, without
//! creating anyone twice, even contacts with nothing to recognise them by.

use guanxi::domain::Rules;
use guanxi::interop::import;
use guanxi::store::{OpenOptions, Store};
use guanxi::workspace::Clock;

/// Rows in a file: two whole saved chunks and half of a third, so a stop
/// after one or two chunks leaves work to resume whatever the chunk size.
const ROWS: usize = import::CHUNK * 5 / 2;
/// A smaller file: one chunk and half of another.
const FEW_ROWS: usize = import::CHUNK * 3 / 2;

#[test]
fn a_stopped_import_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(OpenOptions {
        workspace: dir.path().join("ws"),
        state_root: dir.path().join("state"),
        author: "An".into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
    .unwrap();
    let mut csv = String::from("Name,Notes\r\n");
    for i in 0..ROWS {
        csv.push_str(&format!("Khách hàng số {i},ghi chú {i}\r\n"));
    }
    let bytes = csv.as_bytes();
    let resume = import::resume_file(&store, bytes);

    let read = import::read(bytes, None, &[]).unwrap();
    let mut plan = import::plan(&mut store, read.records, import::already_saved(&resume)).unwrap();
    assert_eq!(plan.steps.len(), ROWS);
    // Stop after the first saved chunk, as Esc (or a killed process) would.
    let report = import::apply(&mut store, &mut plan, Some(&resume), |_, _| false).unwrap();
    assert_eq!(report.stopped_after, Some(import::CHUNK));
    assert_eq!(store.customers().unwrap().len(), import::CHUNK);
    assert_eq!(import::already_saved(&resume), import::CHUNK);

    let read = import::read(bytes, None, &[]).unwrap();
    let mut plan = import::plan(&mut store, read.records, import::already_saved(&resume)).unwrap();
    assert_eq!(plan.resumed_from, import::CHUNK);
    assert_eq!(plan.steps.len(), ROWS - import::CHUNK);
    let report = import::apply(&mut store, &mut plan, Some(&resume), |_, _| true).unwrap();
    assert_eq!(report.stopped_after, None);
    assert_eq!(store.customers().unwrap().len(), ROWS, "nobody twice, nobody missing");
    assert!(!resume.exists(), "a finished import leaves nothing to resume");
}

#[test]
fn a_bad_row_after_the_stop_does_not_make_the_resume_skip_a_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(OpenOptions {
        workspace: dir.path().join("ws"),
        state_root: dir.path().join("state"),
        author: "An".into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
    .unwrap();
    let mut csv = String::from("Name,Notes\r\n");
    // A row after the first chunk has no name: skipped, and reported, on
    // every run.
    let nameless = import::CHUNK + import::CHUNK / 4;
    for i in 0..FEW_ROWS {
        let name = if i == nameless {
            String::new()
        } else {
            format!("Khách {i}")
        };
        csv.push_str(&format!("{name},ghi chú {i}\r\n"));
    }
    let bytes = csv.as_bytes();
    let resume = import::resume_file(&store, bytes);
    let read = import::read(bytes, None, &[]).unwrap();
    let mut plan = import::plan(&mut store, read.records, import::already_saved(&resume)).unwrap();
    let report = import::apply(&mut store, &mut plan, Some(&resume), |_, _| false).unwrap();
    assert_eq!(report.stopped_after, Some(import::CHUNK));
    assert_eq!(import::already_saved(&resume), import::CHUNK);

    let read = import::read(bytes, None, &[]).unwrap();
    let mut plan = import::plan(&mut store, read.records, import::already_saved(&resume)).unwrap();
    import::apply(&mut store, &mut plan, Some(&resume), |_, _| true).unwrap();
    assert_eq!(plan.skipped.len(), 1);
    let names: std::collections::HashSet<String> = store
        .customers()
        .unwrap()
        .into_iter()
        .map(|c| c.customer.name)
        .collect();
    assert_eq!(names.len(), FEW_ROWS - 1, "every good row once");
    assert!(
        names.contains(&format!("Khách {}", import::CHUNK)),
        "the first row after the stop"
    );
}

fn open(dir: &std::path::Path) -> Store {
    Store::open(OpenOptions {
        workspace: dir.join("ws"),
        state_root: dir.join("state"),
        author: "An".into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
    .unwrap()
}

fn contacts(n: usize) -> String {
    let mut csv = String::from("Name,Notes\r\n");
    for i in 0..n {
        csv.push_str(&format!("Khách hàng số {i},ghi chú {i}\r\n"));
    }
    csv
}

#[test]
fn a_stopped_and_resumed_import_is_undone_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let csv = contacts(ROWS);
    let bytes = csv.as_bytes();
    let resume = import::resume_file(&store, bytes);
    let read = import::read(bytes, None, &[]).unwrap();
    let skip = import::resume_point(&store, &resume).unwrap();
    let mut plan = import::plan(&mut store, read.records, skip).unwrap();
    import::apply(&mut store, &mut plan, Some(&resume), |_, _| false).unwrap();
    assert_eq!(store.customers().unwrap().len(), import::CHUNK);
    assert_eq!(
        store.undo_label().unwrap().as_deref(),
        Some(format!("import:{}", import::CHUNK).as_str()),
        "what the stopped import saved is one change"
    );

    let read = import::read(bytes, None, &[]).unwrap();
    let skip = import::resume_point(&store, &resume).unwrap();
    let mut plan = import::plan(&mut store, read.records, skip).unwrap();
    import::apply(&mut store, &mut plan, Some(&resume), |_, _| true).unwrap();
    assert_eq!(store.customers().unwrap().len(), ROWS);
    assert_eq!(
        store.undo_label().unwrap().as_deref(),
        Some(format!("import:{ROWS}").as_str())
    );
    store.undo().unwrap();
    assert!(store.customers().unwrap().is_empty(), "both runs' parts");
    store.redo().unwrap();
    assert_eq!(store.customers().unwrap().len(), ROWS);
}

#[test]
fn an_import_killed_part_way_is_undone_whole_after_it_is_finished() {
    let dir = tempfile::tempdir().unwrap();
    let csv = contacts(ROWS);
    let bytes = csv.as_bytes();
    {
        let mut store = open(dir.path());
        let resume = import::resume_file(&store, bytes);
        let read = import::read(bytes, None, &[]).unwrap();
        let mut plan = import::plan(&mut store, read.records, 0).unwrap();
        let mut report = import::Report::default();
        // Two chunks saved, then the process dies: no `finish`.
        let next = import::apply_chunk(&mut store, &mut plan, 0, Some(&resume), &mut report).unwrap();
        import::apply_chunk(&mut store, &mut plan, next, Some(&resume), &mut report).unwrap();
        assert_eq!(store.undo_label().unwrap(), None, "nothing undoable yet");
    }
    let mut store = open(dir.path());
    let resume = import::resume_file(&store, bytes);
    let skip = import::resume_point(&store, &resume).unwrap();
    assert_eq!(skip, 2 * import::CHUNK);
    let read = import::read(bytes, None, &[]).unwrap();
    let mut plan = import::plan(&mut store, read.records, skip).unwrap();
    import::apply(&mut store, &mut plan, Some(&resume), |_, _| true).unwrap();
    assert_eq!(store.customers().unwrap().len(), ROWS);
    assert_eq!(
        store.undo_label().unwrap().as_deref(),
        Some(format!("import:{ROWS}").as_str())
    );
    store.undo().unwrap();
    assert!(store.customers().unwrap().is_empty(), "both runs taken back at once");
    store.redo().unwrap();
    assert_eq!(store.customers().unwrap().len(), ROWS);
}

#[test]
fn an_undone_stopped_import_starts_over() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let csv = contacts(FEW_ROWS);
    let bytes = csv.as_bytes();
    let resume = import::resume_file(&store, bytes);
    let read = import::read(bytes, None, &[]).unwrap();
    let mut plan = import::plan(&mut store, read.records, 0).unwrap();
    import::apply(&mut store, &mut plan, Some(&resume), |_, _| false).unwrap();
    assert_eq!(import::resume_point(&store, &resume).unwrap(), import::CHUNK);
    store.undo().unwrap();
    assert_eq!(
        import::resume_point(&store, &resume).unwrap(),
        0,
        "what was saved is gone, so nothing is skipped"
    );
    let read = import::read(bytes, None, &[]).unwrap();
    let mut plan = import::plan(&mut store, read.records, 0).unwrap();
    import::apply(&mut store, &mut plan, Some(&resume), |_, _| true).unwrap();
    assert_eq!(store.customers().unwrap().len(), FEW_ROWS);
}
