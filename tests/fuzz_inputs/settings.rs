//! The files a user writes by hand: config.toml, keymap.toml, theme.toml.
//! Whatever bytes they hold, loading gives settings or an error that can
//! be shown, and settings that load can be used.

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use guanxi::domain::value::lifetime_value;
use guanxi::domain::{Activity, Customer, CustomerId, Money, Stage};
use guanxi::tui::keymap::{Keymap, Mode};
use guanxi::tui::theme::Theme;
use guanxi::workspace::Config;
use proptest::prelude::*;

use super::budget::within;
use super::mutate::input;
use super::{CASES, cases, fixture};

/// Words of TOML and of these three files, for the mutator to insert.
const TOKENS: &[&[u8]] = &[
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"=",
    b"\"",
    b"'",
    b"\"\"\"",
    b"'''",
    b"{",
    b"}",
    b",",
    b".",
    b"#",
    b"\n",
    b"\\u0000",
    b"\\uD800",
    b"\\",
    b"1e400",
    b"-0",
    b"nan",
    b"inf",
    b"-inf",
    b"99999999999999999999",
    b"0x7f",
    b"true",
    b"1979-05-27T07:32:00Z",
    b"[clv]",
    b"[cadence]",
    b"remaining_years",
    b"min_observed_years",
    b"loyalty",
    b"lang",
    b"\"vi\"",
    b"currency",
    b"[global]",
    b"[form]",
    b"quit",
    b"ctrl-",
    b"alt-",
    b"shift-",
    b"\"f12\"",
    b"\"space\"",
    b"fg",
    b"bg",
    b"modifiers",
    b"\"#ffcc00\"",
    b"title",
    b"256",
];

const CONFIG: &str = r#"# from the README
user = "Lan"
workspace = "/home/lan/Sync/team"
lang = "vi"
currency = "VND"

[clv]
remaining_years = 3.0
min_observed_years = 1.0

[cadence]
attract = 7
establish = 7
build = 14
develop = 14
maintain = 30
consolidate = 30
loyalty = 60
"#;

const KEYMAP: &str = "[global]\nquit = [\"ctrl-q\"]\n[navigation]\ndown = [\"j\", \"down\", \"ctrl-n\"]\nbottom = []\n";
const THEME: &str = "title = { fg = \"#d08770\", modifiers = [\"bold\", \"italic\"] }\nselected = { bg = 236 }\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write input");
    path
}

/// Uses every part of a config that loaded.
fn use_config(c: &Config) {
    let rules = c.rules();
    let _ = (c.language(), c.user_name());
    let mut customer = Customer::empty(CustomerId(1));
    customer.created_at = 1_790_000_000_000;
    for stage in Stage::ALL {
        customer.stage = stage;
        let _ = rules.cadence.next_contact_due(&customer);
    }
    let activity = Activity {
        interactions: 3,
        last_contact: Some(1_790_000_000_000),
        purchases: 3,
        revenue: Money::from_units(4_500_000),
        first_purchase: Some(1_700_000_000_000),
        last_purchase: Some(1_790_000_000_000),
    };
    let _ = lifetime_value(&activity, 1_800_000_000_000, &rules.clv).to_string();
}

/// Uses every binding of a keymap that loaded.
fn use_keymap(k: &Keymap) {
    for mode in Mode::ALL {
        for b in k.bindings(mode) {
            let _ = k.label_for(mode, b.action);
        }
    }
    for code in [
        KeyCode::Char('q'),
        KeyCode::Char('G'),
        KeyCode::Tab,
        KeyCode::F(12),
        KeyCode::Enter,
    ] {
        let _ = k.action(&Mode::ALL, &KeyEvent::new(code, KeyModifiers::all()));
        let _ = k.action(&Mode::ALL, &KeyEvent::new(code, KeyModifiers::NONE));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(CASES), ..ProptestConfig::default() })]

    #[test]
    fn config_toml_loads_or_says_why(bytes in input(vec![CONFIG.into()], TOKENS)) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "config.toml", &bytes);
        within("config.toml", || match Config::load(&path) {
            Ok(c) => use_config(&c),
            Err(e) => assert!(!e.to_string().is_empty()),
        })?;
    }

    #[test]
    fn keymap_toml_loads_or_says_why(
        bytes in input(vec![KEYMAP.into(), fixture("assets/keymap.toml")], TOKENS),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "keymap.toml", &bytes);
        let loaded = within("keymap.toml", || {
            let loaded = Keymap::load(&path);
            match &loaded {
                Ok(k) => use_keymap(k),
                Err(e) => assert!(!e.to_string().is_empty()),
            }
            loaded.is_ok()
        })?;
        // What loads from a file is what the same text gives in memory.
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let in_memory = Keymap::defaults().unwrap().with_overrides(text);
            prop_assert_eq!(in_memory.is_ok(), loaded);
        }
    }

    #[test]
    fn theme_toml_loads_or_says_why(
        bytes in input(vec![THEME.into(), fixture("assets/theme.toml")], TOKENS),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "theme.toml", &bytes);
        within("theme.toml", || {
            match Theme::load(&path, false) {
                Ok(t) => {
                    let _ = t.without_color().stage(3);
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
            let _ = Theme::load(&path, true);
        })?;
    }
}

#[test]
fn seeds_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&write(dir.path(), "config.toml", CONFIG.as_bytes())).unwrap();
    assert_eq!(config.user.as_deref(), Some("Lan"));
    Keymap::defaults().unwrap().with_overrides(KEYMAP).unwrap();
    Theme::defaults().unwrap().with_overrides(THEME).unwrap();
}
