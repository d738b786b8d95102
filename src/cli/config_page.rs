//! guanxi-config(5): config.toml's keys, keymap.toml and theme.toml, and
//! the environment. The defaults it gives, the modes and actions of the
//! keymap and the theme's styles are read from the code that uses them,
//! so the page cannot fall behind them; a test checks every key the
//! config file accepts is here.

use clap_mangen::roff::{Roff, bold, roman};

use super::man::{entry, environment_section, files_section, heading, see_also};
use crate::domain::{CadenceRules, ClvAssumptions, DealProbability, Stage};
use crate::i18n::{lookup, t, tf};
use crate::tui::keymap::{Keymap, Mode};
use crate::tui::theme::STYLE_NAMES;

/// A config key as documented: its table (`None` at the top), its name,
/// and what it is (with its default where it has one).
struct Key {
    table: Option<&'static str>,
    name: &'static str,
    text: String,
}

impl Key {
    fn new(table: Option<&'static str>, name: &'static str, text: String) -> Key {
        Key { table, name, text }
    }
}

/// The tables of config.toml, each with the catalogue key saying what it
/// is for, in the order the page gives them.
const TABLES: [(&str, &str); 4] = [
    ("clv", "cli.man.config.table.clv"),
    ("cadence", "cli.man.config.table.cadence"),
    ("tiers", "cli.man.config.table.tiers"),
    ("deal_probability", "cli.man.config.table.deal_probability"),
];

fn keys() -> Vec<Key> {
    let top = |name: &'static str| Key::new(None, name, t(&format!("cli.man.config.key.{name}")).to_string());
    let mut keys: Vec<Key> = [
        "user",
        "workspace",
        "lang",
        "currency",
        "region",
        "priority_segment",
        "mouse",
    ]
    .into_iter()
    .map(top)
    .collect();
    let clv = ClvAssumptions::default();
    for (name, default) in [
        ("remaining_years", clv.remaining_years),
        ("min_observed_years", clv.min_observed_years),
    ] {
        let text = tf(&format!("cli.man.config.key.{name}"), &[("default", &default)]);
        keys.push(Key::new(Some("clv"), name, text));
    }
    let (cadence, probability) = (CadenceRules::default(), DealProbability::default());
    for stage in Stage::ALL {
        let name = lookup(&format!("stage.{}", stage.key())).unwrap_or(stage.key());
        let text = tf(
            "cli.man.config.key.cadence",
            &[("stage", &name), ("default", &cadence.for_stage(stage))],
        );
        keys.push(Key::new(Some("cadence"), stage.key(), text));
    }
    for name in ["name", "min_clv", "min_stage", "min_health", "discount"] {
        let text = t(&format!("cli.man.config.key.tier_{name}")).to_string();
        keys.push(Key::new(Some("tiers"), name, text));
    }
    for stage in Stage::ALL {
        let name = lookup(&format!("stage.{}", stage.key())).unwrap_or(stage.key());
        let text = tf(
            "cli.man.config.key.deal_probability",
            &[("stage", &name), ("default", &probability.for_stage(stage))],
        );
        keys.push(Key::new(Some("deal_probability"), stage.key(), text));
    }
    keys
}

const CONFIG_EXAMPLE: &str = r#"user = "Lan"
lang = "vi"
currency = "VND"
region = "VN"

[cadence]
loyalty = 90

[[tiers]]
name = "Gold"
min_clv = 100000
min_stage = "maintain"
discount = 5
"#;

const KEYMAP_EXAMPLE: &str = r#"[navigation]
down = ["j", "down", "ctrl-n"]
up = ["k", "up", "ctrl-p"]

[customer]
delete = []
"#;

const THEME_EXAMPLE: &str = r##"title = { fg = "#d08770", modifiers = ["bold", "italic"] }
money = { fg = 34 }
"##;

/// The whole page, in the user's language.
pub fn page() -> String {
    let mut roff = Roff::new();
    let version = format!("guanxi {}", env!("CARGO_PKG_VERSION"));
    roff.control("TH", ["guanxi-config", "5", "", &version, t("cli.man.manual")]);
    heading(&mut roff, "cli.man.heading.name");
    roff.text([roman(format!("guanxi-config - {}", t("cli.man.config.name")))]);
    heading(&mut roff, "cli.man.heading.description");
    for key in ["cli.man.config.description", "cli.man.config.where"] {
        roff.control("PP", []);
        roff.text([roman(t(key))]);
    }
    config_section(&mut roff);
    keymap_section(&mut roff);
    theme_section(&mut roff);
    environment_section(&mut roff);
    files_section(&mut roff);
    heading(&mut roff, "cli.man.heading.example");
    for (file, example) in [
        ("config.toml", CONFIG_EXAMPLE),
        ("keymap.toml", KEYMAP_EXAMPLE),
        ("theme.toml", THEME_EXAMPLE),
    ] {
        roff.control("SS", [file]);
        literal(&mut roff, example);
    }
    see_also(&mut roff, &["guanxi(1)", "guanxi-paths(1)"]);
    roff.render()
}

fn config_section(roff: &mut Roff) {
    roff.control("SH", ["CONFIG.TOML"]);
    roff.text([roman(t("cli.man.config.config_intro"))]);
    let keys = keys();
    for key in keys.iter().filter(|k| k.table.is_none()) {
        entry(roff, key.name, &key.text);
    }
    for (table, about) in TABLES {
        let header = if table == "tiers" {
            format!("[[{table}]]")
        } else {
            format!("[{table}]")
        };
        roff.control("SS", [header.as_str()]);
        roff.text([roman(t(about))]);
        for key in keys.iter().filter(|k| k.table == Some(table)) {
            entry(roff, key.name, &key.text);
        }
    }
}

fn keymap_section(roff: &mut Roff) {
    roff.control("SH", ["KEYMAP.TOML"]);
    roff.text([roman(t("cli.man.config.keymap_intro"))]);
    roff.control("PP", []);
    roff.text([roman(t("cli.man.config.keymap_defaults"))]);
    // The embedded defaults always parse (a test in keymap.rs says so).
    let Ok(keymap) = Keymap::defaults() else {
        return;
    };
    for mode in Mode::ALL {
        let title = match lookup(&format!("mode.{}", mode.name())) {
            Some(about) => format!("[{}] ({about})", mode.name()),
            None => format!("[{}]", mode.name()),
        };
        roff.control("SS", [title.as_str()]);
        for binding in keymap.bindings(mode) {
            let name = binding.action.name();
            let keys: Vec<String> = binding.keys.iter().map(|k| key_spec(&k.label())).collect();
            let keys = keys.join(", ");
            roff.control("TP", []);
            roff.text([bold(name.as_str()), roman(format!(" = {keys}"))]);
            roff.text([roman(lookup(&format!("action.{name}")).unwrap_or_default())]);
        }
    }
}

/// A key as keymap.toml writes it: the labels the UI shows arrows with
/// are written as the names the file takes.
fn key_spec(label: &str) -> String {
    label
        .replace('↑', "up")
        .replace('↓', "down")
        .replace('←', "left")
        .replace('→', "right")
}

fn theme_section(roff: &mut Roff) {
    roff.control("SH", ["THEME.TOML"]);
    roff.text([roman(t("cli.man.config.theme_intro"))]);
    roff.control("PP", []);
    roff.text([roman(t("cli.man.config.theme_styles"))]);
    roff.control("RS", []);
    roff.text([bold(STYLE_NAMES.join(", "))]);
    roff.control("RE", []);
}

/// Text shown as written, line for line.
fn literal(roff: &mut Roff, text: &str) {
    roff.control("RS", []);
    roff.control("nf", []);
    for line in text.lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
    roff.control("RE", []);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Config;

    /// The keys a table of config.toml accepts, as serde lists them when
    /// refusing an unknown one (`table` is `None` for the top level).
    fn accepted(table: Option<&str>) -> Vec<String> {
        let text = match table {
            None => "no_such_key = 1\n".to_string(),
            Some("tiers") => "[[tiers]]\nname = \"x\"\nno_such_key = 1\n".to_string(),
            Some(table) => format!("[{table}]\nno_such_key = 1\n"),
        };
        let err = toml::from_str::<Config>(&text)
            .expect_err("an unknown key is refused")
            .to_string();
        // "expected one of `a`, `b`", "expected `a` or `b`", "expected `a`".
        let list = err.split("expected").nth(1).unwrap_or_else(|| panic!("{err}"));
        list.split('`').skip(1).step_by(2).map(str::to_string).collect()
    }

    #[test]
    fn every_key_the_config_file_takes_is_on_the_page() {
        let keys = keys();
        let mut top: Vec<String> = keys
            .iter()
            .filter(|k| k.table.is_none())
            .map(|k| k.name.to_string())
            .collect();
        top.extend(TABLES.iter().map(|(table, _)| table.to_string()));
        top.sort();
        let mut wanted = accepted(None);
        wanted.sort();
        assert_eq!(top, wanted, "config.toml's top-level keys and guanxi-config(5)'s");
        for (table, _) in TABLES {
            let mut documented: Vec<&str> = keys.iter().filter(|k| k.table == Some(table)).map(|k| k.name).collect();
            documented.sort_unstable();
            let mut wanted = accepted(Some(table));
            wanted.sort();
            assert_eq!(documented, wanted, "[{table}] in config.toml and in guanxi-config(5)");
        }
        let page = page();
        for key in &keys {
            assert!(page.contains(&format!("\\fB{}\\fR", key.name)), "{}", key.name);
        }
    }

    #[test]
    fn the_examples_are_files_guanxi_reads() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, CONFIG_EXAMPLE).unwrap();
        Config::load(&config).expect("the config example loads");
        Keymap::defaults()
            .and_then(|k| k.with_overrides(KEYMAP_EXAMPLE))
            .expect("the keymap example loads");
        crate::tui::theme::Theme::defaults()
            .and_then(|t| t.with_overrides(THEME_EXAMPLE))
            .expect("the theme example loads");
    }

    #[test]
    fn every_mode_action_and_style_is_named() {
        let page = page();
        let keymap = Keymap::defaults().unwrap();
        for mode in Mode::ALL {
            assert!(page.contains(&format!("[{}]", mode.name())), "{}", mode.name());
            for binding in keymap.bindings(mode) {
                assert!(page.contains(&binding.action.name()), "{:?}", binding.action);
            }
        }
        for style in STYLE_NAMES {
            assert!(page.contains(style), "{style}");
        }
        assert!(!page.contains('↑'), "keys are written as keymap.toml takes them");
    }
}
