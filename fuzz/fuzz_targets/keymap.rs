//! keymap.toml: merges over the defaults, or an error that can be shown.
#![no_main]

use std::sync::OnceLock;

use guanxi::tui::keymap::{Keymap, Mode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static DEFAULTS: OnceLock<Keymap> = OnceLock::new();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let defaults = DEFAULTS.get_or_init(|| Keymap::defaults().expect("default keymap"));
    match defaults.clone().with_overrides(text) {
        Ok(k) => {
            for mode in Mode::ALL {
                for b in k.bindings(mode) {
                    let _ = k.label_for(mode, b.action);
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
