//! User-visible text, one catalogue per language in `assets/locales/`.
//!
//! Keys are dotted paths (`pane.customers`); values may hold `{name}`
//! placeholders filled by [`tf`]. A key missing from a catalogue falls back
//! to English, and a key missing from English shows as itself, so a gap is
//! visible rather than fatal.

use std::collections::HashMap;
use std::sync::OnceLock;

const ENGLISH: &str = include_str!("../../assets/locales/en.toml");

pub struct Catalogue {
    entries: HashMap<String, String>,
}

impl Catalogue {
    pub fn parse(text: &str) -> Result<Catalogue, toml::de::Error> {
        let table: toml::Table = toml::from_str(text)?;
        let mut entries = HashMap::new();
        flatten("", &table, &mut entries);
        Ok(Catalogue { entries })
    }

    pub fn english() -> Catalogue {
        // The English catalogue is part of the binary and tested; should it
        // ever fail to parse, keys show instead of text.
        Catalogue::parse(ENGLISH).unwrap_or(Catalogue {
            entries: HashMap::new(),
        })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out),
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

struct Texts {
    chosen: Catalogue,
    english: Catalogue,
}

static TEXTS: OnceLock<Texts> = OnceLock::new();

fn texts() -> &'static Texts {
    TEXTS.get_or_init(|| Texts {
        chosen: Catalogue::english(),
        english: Catalogue::english(),
    })
}

/// The text for `key`.
pub fn t(key: &str) -> &'static str {
    let texts = texts();
    texts
        .chosen
        .get(key)
        .or_else(|| texts.english.get(key))
        .unwrap_or_else(|| leak_missing(key))
}

/// The text for `key` with `{name}` placeholders replaced.
pub fn tf(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut s = t(key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), &value.to_string());
    }
    s
}

/// Missing keys are shown as themselves; each is leaked once at most per
/// call site, which only happens when a catalogue has a gap.
fn leak_missing(key: &str) -> &'static str {
    static MISSING: OnceLock<std::sync::Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let map = MISSING.get_or_init(Default::default);
    let Ok(mut map) = map.lock() else {
        return "?";
    };
    map.entry(key.to_string())
        .or_insert_with(|| Box::leak(key.to_string().into_boxed_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_parses_and_fills_placeholders() {
        let en = Catalogue::english();
        assert!(en.keys().count() > 10);
        assert_eq!(t("pane.customers"), "Customers");
        assert_eq!(t("no.such.key"), "no.such.key");
        assert!(tf("status.undid", &[("what", &"add customer")]).contains("add customer"));
    }
}
