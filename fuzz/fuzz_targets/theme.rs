//! theme.toml: overrides the default theme, or an error that can be shown.
#![no_main]

use guanxi::tui::theme::Theme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Theme::defaults().expect("default theme").with_overrides(text) {
        Ok(t) => {
            let _ = t.without_color();
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
