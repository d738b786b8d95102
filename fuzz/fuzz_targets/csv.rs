//! A CSV import: contacts and row errors, or an error, whatever the bytes.
#![no_main]

use guanxi::interop::csv;
use guanxi::interop::import::{self, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = csv::looks_like(data);
    if let Ok(read) = csv::read(data, &[]) {
        for row in read.rows.iter().filter_map(|r| r.as_ref().err()) {
            assert!(!row.to_string().is_empty());
        }
    }
    let _ = csv::read(data, &[("Name".into(), "stage".into())]);
    let _ = import::read(data, Some(Format::Csv), &[]);
});
