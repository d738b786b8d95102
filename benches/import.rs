//! Importing 100,000 contacts from a Google Contacts CSV:
//! `cargo bench --bench import` (add `-- --quick` for 10,000).
//!
//! Prints `name value unit target baseline ratio`. The baseline is the
//! floor for the same work: writing the same number of encoded customer
//! records into a bare sled tree in the same batch sizes.

use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use guanxi::domain::Rules;
use guanxi::interop::import;
use guanxi::store::{OpenOptions, Store};
use guanxi::workspace::Clock;

#[path = "common/contacts.rs"]
mod contacts;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 10_000 } else { 100_000 };
    let target_secs = if quick { 0.5 } else { 5.0 };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("contacts.csv");
    std::fs::write(&file, contacts::google_csv(n)).expect("write csv");

    let t = Instant::now();
    let mut store = Store::open(OpenOptions {
        workspace: dir.path().join("ws"),
        state_root: dir.path().join("state"),
        author: "bench".into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
    .expect("open");
    let bytes = std::fs::read(&file).expect("read csv");
    let read = import::read(&bytes, None, &[]).expect("parse");
    let t_read = t.elapsed().as_secs_f64();
    let rss_read = contacts::peak_rss_mb();
    let mut plan = import::plan(&mut store, read.records, 0).expect("plan");
    let t_plan = t.elapsed().as_secs_f64();
    let rss_plan = contacts::peak_rss_mb();
    let report = import::apply(&mut store, &mut plan, None, |_, _| true).expect("apply");
    eprintln!(
        "phases: read {t_read:.2}s ({rss_read:.0} MB), plan {:.2}s ({rss_plan:.0} MB), apply {:.2}s",
        t_plan - t_read,
        t.elapsed().as_secs_f64() - t_plan
    );
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(report.created, n, "every contact created");
    let rss = contacts::peak_rss_mb();
    drop(store);

    // The floor: the same records into bare sled, same batch sizes.
    let floor = contacts::bare_import_floor(&dir.path().join("bare"), n);

    println!("# importing {n} contacts from a Google Contacts CSV");
    println!("name value unit target baseline ratio");
    println!(
        "csv_import_{n} {secs:.2} s <{target_secs} {floor:.2} {:.1}",
        secs / floor
    );
    println!("csv_import_peak_rss {rss:.0} MB <400 - -");
    if secs > target_secs || rss > 400.0 {
        std::process::exit(1);
    }
}
