//! The locale catalogues as data: `assets/locales/{en,vi,zh}.toml`,
//! flattened when guanxi is built (`build.rs`) into sorted tables from
//! dotted keys (`stage.attract`) to texts.
//!
//! The bottom of the crate: it uses nothing else of it. `i18n` says
//! messages in the user's language with these maps; `domain` reads here
//! the names of its closed enums in every language (`stage.*`, `level.*`,
//! `factor.*`, `channel.*`), so each name is written once, in a catalogue.

use std::collections::HashMap;

mod flatten;

/// The catalogues as `build.rs` flattened them: `EN`, `VI`, `ZH`.
mod built {
    include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));
}

/// The catalogues' sources: English, Vietnamese, Chinese (the order of
/// `i18n::Lang`).
pub const SOURCES: [&str; 3] = [
    include_str!("../../assets/locales/en.toml"),
    include_str!("../../assets/locales/vi.toml"),
    include_str!("../../assets/locales/zh.toml"),
];

pub enum Catalogue {
    /// Flattened when guanxi was built, sorted by key.
    Built(&'static [(&'static str, &'static str)]),
    /// Parsed at run time (tests, and catalogues changed on the fly).
    Parsed(HashMap<String, String>),
}

impl Catalogue {
    pub fn parse(text: &str) -> Result<Catalogue, toml::de::Error> {
        let table: toml::Table = toml::from_str(text)?;
        let mut entries = HashMap::new();
        flatten::flatten("", &table, &mut entries);
        Ok(Catalogue::Parsed(entries))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        match self {
            Catalogue::Built(entries) => entries
                .binary_search_by(|(k, _)| (*k).cmp(key))
                .ok()
                .map(|i| entries[i].1),
            Catalogue::Parsed(entries) => entries.get(key).map(String::as_str),
        }
    }

    pub fn keys(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Catalogue::Built(entries) => Box::new(entries.iter().map(|(k, _)| *k)),
            Catalogue::Parsed(entries) => Box::new(entries.keys().map(String::as_str)),
        }
    }
}

/// The catalogue of `SOURCES[index]`, as flattened when guanxi was built.
pub fn catalogue(index: usize) -> &'static Catalogue {
    static BUILT: [Catalogue; 3] = [
        Catalogue::Built(built::EN),
        Catalogue::Built(built::VI),
        Catalogue::Built(built::ZH),
    ];
    &BUILT[index % SOURCES.len()]
}

/// Every catalogue, in the order of [`SOURCES`].
pub fn catalogues() -> [&'static Catalogue; 3] {
    [catalogue(0), catalogue(1), catalogue(2)]
}

/// The text of `key` in each catalogue that has it, English first.
pub fn texts(key: &str) -> impl Iterator<Item = &'static str> + '_ {
    catalogues().into_iter().filter_map(move |c| c.get(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `build.rs` flattened is what a parse of the same files gives.
    #[test]
    fn the_catalogues_built_in_are_the_files_parsed() {
        for (i, source) in SOURCES.iter().enumerate() {
            let parsed = Catalogue::parse(source).expect("the catalogue parses");
            let built = catalogue(i);
            let mut keys: Vec<&str> = parsed.keys().collect();
            keys.sort_unstable();
            assert_eq!(
                built.keys().collect::<Vec<_>>(),
                keys,
                "catalogue {i}: the same keys, sorted"
            );
            for key in keys {
                assert_eq!(built.get(key), parsed.get(key), "catalogue {i}: {key}");
            }
            assert!(built.get("stage.attract").is_some() && built.get("no.such.key").is_none());
        }
    }
}
