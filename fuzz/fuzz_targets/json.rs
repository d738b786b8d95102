//! A guanxi JSON import: customers and entry errors, or an error.
#![no_main]

use guanxi::interop::import::{self, Format};
use guanxi::interop::json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = json::looks_like(data);
    if let Ok(entries) = json::read(data) {
        for e in entries.into_iter().filter_map(Result::err) {
            assert!(!e.to_string().is_empty());
        }
    }
    let _ = import::read(data, Some(Format::Json), &[]);
});
