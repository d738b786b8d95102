//! An import stopped part-way is finished by running it again, without
//! creating anyone twice, even contacts with nothing to recognise them by.

use guanxi::domain::Rules;
use guanxi::interop::import;
use guanxi::store::{OpenOptions, Store};
use guanxi::workspace::Clock;

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
    for i in 0..5000 {
        csv.push_str(&format!("Khách hàng số {i},ghi chú {i}\r\n"));
    }
    let bytes = csv.as_bytes();
    let resume = import::resume_file(&store, bytes);

    let read = import::read(bytes, None, &[]).unwrap();
    let mut plan = import::plan(&mut store, read.records, import::already_saved(&resume)).unwrap();
    assert_eq!(plan.steps.len(), 5000);
    // Stop after the first saved chunk, as Esc (or a killed process) would.
    let report = import::apply(&mut store, &mut plan, Some(&resume), |_, _| false).unwrap();
    assert_eq!(report.stopped_after, Some(import::CHUNK));
    assert_eq!(store.customers().unwrap().len(), import::CHUNK);
    assert_eq!(import::already_saved(&resume), import::CHUNK);

    let read = import::read(bytes, None, &[]).unwrap();
    let mut plan = import::plan(&mut store, read.records, import::already_saved(&resume)).unwrap();
    assert_eq!(plan.resumed_from, import::CHUNK);
    assert_eq!(plan.steps.len(), 5000 - import::CHUNK);
    let report = import::apply(&mut store, &mut plan, Some(&resume), |_, _| true).unwrap();
    assert_eq!(report.stopped_after, None);
    assert_eq!(store.customers().unwrap().len(), 5000, "nobody twice, nobody missing");
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
    for i in 0..3000 {
        // Row 2500 has no name: skipped, and reported, on every run.
        let name = if i == 2500 {
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
    assert_eq!(names.len(), 2999, "every good row once");
    assert!(
        names.contains(&format!("Khách {}", import::CHUNK)),
        "the first row after the stop"
    );
}
