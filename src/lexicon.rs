//! The locale catalogues as data: `assets/locales/{en,vi,zh}.toml`,
//! embedded in the program and parsed once into flat maps from dotted
//! keys (`stage.attract`) to texts.
//!
//! The bottom of the crate: it uses nothing else of it. `i18n` says
//! messages in the user's language with these maps; `domain` reads here
//! the names of its closed enums in every language (`stage.*`, `level.*`,
//! `factor.*`, `channel.*`), so each name is written once, in a catalogue.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The catalogues' sources: English, Vietnamese, Chinese (the order of
/// `i18n::Lang`).
pub const SOURCES: [&str; 3] = [
    include_str!("../assets/locales/en.toml"),
    include_str!("../assets/locales/vi.toml"),
    include_str!("../assets/locales/zh.toml"),
];

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

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

/// The catalogue of `SOURCES[index]`, parsed the first time it is asked
/// for: a command in English parses en.toml alone (parsing all three was
/// a quarter of a `show`). An unparseable one (a bug caught by the tests)
/// is empty, so English shows instead.
pub fn catalogue(index: usize) -> &'static Catalogue {
    static PARSED: [OnceLock<Catalogue>; 3] = [const { OnceLock::new() }; 3];
    PARSED[index % SOURCES.len()].get_or_init(|| {
        Catalogue::parse(SOURCES[index % SOURCES.len()]).unwrap_or(Catalogue {
            entries: HashMap::new(),
        })
    })
}

/// Every catalogue, in the order of [`SOURCES`].
pub fn catalogues() -> [&'static Catalogue; 3] {
    [catalogue(0), catalogue(1), catalogue(2)]
}

/// The text of `key` in each catalogue that has it, English first.
pub fn texts(key: &str) -> impl Iterator<Item = &'static str> + '_ {
    catalogues().into_iter().filter_map(move |c| c.get(key))
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
