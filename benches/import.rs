//! Importing 100,000 contacts from a Google Contacts CSV:
//! `cargo bench --bench import` (add `-- --quick` for 10,000).
//!
//! Prints `name value unit target baseline ratio`. The baseline is the
//! floor for the same work: writing the same number of encoded customer
//! records into a bare sled tree in the same batch sizes.

#[global_allocator]
static ALLOCATOR: guanxi::allocator::Allocator = guanxi::allocator::Allocator;

#[path = "common/contacts.rs"]
mod contacts;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 10_000 } else { 100_000 };
    let target_secs = if quick { 0.5 } else { 5.0 };
    let dir = tempfile::tempdir().expect("temp dir");
    let run = contacts::import_google_csv(dir.path(), n);
    eprintln!("{}", run.phases());
    let (secs, rss) = (run.secs, run.peak_rss_mb);

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
