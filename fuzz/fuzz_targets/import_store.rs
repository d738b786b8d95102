//! Any file, recognised as CSV, vCard or guanxi JSON, imported into a new
//! store: the store stays healthy. Slow (a store per run); for the
//! readers alone use the csv, vcard and json targets.
#![no_main]

use guanxi::domain::Rules;
use guanxi::interop::import;
use guanxi::store::{OpenOptions, Store};
use guanxi::workspace::Clock;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(read) = import::read(data, None, &[]) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(OpenOptions {
        workspace: dir.path().join("ws"),
        state_root: dir.path().join("state"),
        author: "fuzz".into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
    .expect("open a new store");
    let mut plan = import::plan(&mut store, read.records, 0).expect("plan");
    import::apply(&mut store, &mut plan, None, |_, _| true).expect("apply");
    for c in store.customers().expect("customers") {
        store.timeline(c.customer.id).expect("timeline");
    }
    let report = store.doctor().expect("doctor");
    assert!(report.healthy(), "{:?}", report.problems);
});
