//! A snapshot file's bytes: read as a whole snapshot or refused, and a
//! whole one is exactly its frames written again.
#![no_main]

use guanxi::sync::snapshot;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut payloads = Vec::new();
    let whole = snapshot::read_bytes(data, |p| {
        payloads.push(p.to_vec());
        true
    });
    if whole {
        assert_eq!(snapshot::encode(payloads), data);
    }
});
