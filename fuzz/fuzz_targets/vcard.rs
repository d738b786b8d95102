//! A vCard import: cards and card errors, whatever the bytes.
#![no_main]

use guanxi::interop::import::{self, Format};
use guanxi::interop::vcard;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vcard::looks_like(data);
    for card in vcard::read(data) {
        if let Err(e) = card {
            assert!(!e.to_string().is_empty());
        }
    }
    let _ = import::read(data, Some(Format::Vcard), &[]);
});
