//! config.toml: loads, or an error that can be shown; what loads can be used.
#![no_main]

use std::sync::OnceLock;

use guanxi::domain::{Customer, CustomerId, Stage};
use guanxi::workspace::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `Config::load` reads a file: one per process, rewritten each run.
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let path = DIR
        .get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
        .join("config.toml");
    std::fs::write(&path, data).expect("write config");
    match Config::load(&path) {
        Ok(c) => {
            let rules = c.rules();
            let _ = (c.language(), c.user_name());
            let mut customer = Customer::empty(CustomerId(1));
            customer.created_at = 1_790_000_000_000;
            for stage in Stage::ALL {
                customer.stage = stage;
                let _ = rules.cadence.next_contact_due(&customer);
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
