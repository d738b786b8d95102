//! Closed enums with two kinds of name: a stable English key
//! (`social_bond`) in files, JSON and on the command line, and the names
//! the catalogues give them (`factor.social_bond` in
//! `assets/locales/{en,vi,zh}.toml`), which users may type too.
//!
//! [`closed_enum!`] declares such an enum once: its variants with their
//! keys, `ALL`, `index`, `from_index`, `key`, `Display` (the key) and
//! `named`, the lookup each `parse` builds on. The names come from the
//! catalogues only ([`crate::lexicon`]), all three whatever the user's
//! language, so what parses and what is shown cannot drift apart.

use std::collections::HashMap;

use super::text::fold;
use crate::lexicon::{self, Catalogue};

/// Folded names to variant positions: each variant's key, then its name
/// in each catalogue.
pub struct Names(HashMap<String, usize>);

impl Names {
    /// The names of `keys` (in variant order) under `section` of the
    /// program's catalogues.
    pub fn new(section: &str, keys: &[&str]) -> Names {
        Names::from_catalogues(section, keys, &lexicon::catalogues())
    }

    pub fn from_catalogues(section: &str, keys: &[&str], catalogues: &[&Catalogue]) -> Names {
        // Keys first: a key always names its own variant (see `key_position`).
        let mut by_name: HashMap<String, usize> = keys.iter().enumerate().map(|(i, key)| (fold(key), i)).collect();
        for (i, key) in keys.iter().enumerate() {
            let entry = format!("{section}.{key}");
            for name in catalogues.iter().filter_map(|c| c.get(&entry)) {
                by_name.entry(fold(name)).or_insert(i);
            }
        }
        Names(by_name)
    }

    /// The position of the key `s` is (accents, case and spacing aside),
    /// found without the catalogues: the command line and files name
    /// variants by key, and reading every catalogue's names for that was
    /// a seventh of a `stage`.
    pub fn key_position(keys: &[&str], s: &str) -> Option<usize> {
        let folded = fold(s);
        keys.iter().position(|k| fold(k) == folded)
    }

    /// The position of the variant `s` names, accents, case and spacing
    /// aside.
    pub fn find(&self, s: &str) -> Option<usize> {
        self.0.get(&fold(s)).copied()
    }
}

/// Declares a closed enum named by keys and catalogue names (see the
/// module): a plain, ordered, serializable value. Variants are stored by
/// position: never reorder them.
macro_rules! closed_enum {
    (
        $(#[$attr:meta])*
        pub enum $name:ident in $section:literal {
            $($variant:ident = $key:literal,)+
        }
    ) => {
        $(#[$attr])*
        ///
        /// Stored by position: never reorder the variants.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            pub const ALL: [$name; [$($key),+].len()] = [$($name::$variant),+];

            /// The keys, in variant order; also the catalogue entries'
            /// last part.
            pub const KEYS: [&'static str; [$($key),+].len()] = [$($key),+];

            pub fn index(self) -> usize {
                self as usize
            }

            pub fn from_index(i: usize) -> Option<$name> {
                Self::ALL.get(i).copied()
            }

            /// The stable English key used in JSON, config files and the CLI.
            pub fn key(self) -> &'static str {
                Self::KEYS[self.index()]
            }

            /// The variant named by its key or by its name in any
            /// catalogue, with or without accents, in any case.
            pub fn named(s: &str) -> Option<$name> {
                if let Some(i) = $crate::domain::names::Names::key_position(&Self::KEYS, s) {
                    return Self::from_index(i);
                }
                static NAMES: std::sync::OnceLock<$crate::domain::names::Names> = std::sync::OnceLock::new();
                NAMES
                    .get_or_init(|| $crate::domain::names::Names::new($section, &Self::KEYS))
                    .find(s)
                    .and_then(Self::from_index)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

pub(crate) use closed_enum;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Channel, Factor, Level, Stage};

    /// Each enum's catalogue names, English, Vietnamese, Chinese.
    fn catalogue_names(section: &str, key: &str) -> Vec<&'static str> {
        let names: Vec<_> = lexicon::texts(&format!("{section}.{key}")).collect();
        assert_eq!(names.len(), 3, "{section}.{key} is missing from a catalogue");
        names
    }

    /// Every name a catalogue shows parses to its variant, as shown,
    /// folded, and upper-cased; every key too.
    #[test]
    fn every_catalogue_name_parses() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            section: &str,
            all: &[T],
            key: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            for &v in all {
                for name in std::iter::once(key(v)).chain(catalogue_names(section, key(v))) {
                    for typed in [name.to_string(), fold(name), name.to_uppercase()] {
                        assert_eq!(parse(&typed), Some(v), "{section}: {typed:?}");
                    }
                }
            }
        }
        check("stage", &Stage::ALL, Stage::key, |s| Stage::parse(s).ok());
        check("level", &Level::ALL, Level::key, |s| Level::parse(s).ok());
        check("factor", &Factor::ALL, Factor::key, Factor::parse);
        check("channel", &Channel::ALL, Channel::key, |s| Channel::parse(s).ok());
    }

    /// The names are the catalogues': change one and what parses changes.
    #[test]
    fn a_catalogue_change_changes_what_parses() {
        let sources = lexicon::SOURCES.map(|s| s.replace("attract = \"Thu hút\"", "attract = \"Hấp dẫn\""));
        assert_ne!(sources[1], lexicon::SOURCES[1], "vi.toml names stage.attract Thu hút");
        let catalogues: Vec<Catalogue> = sources.iter().map(|s| Catalogue::parse(s).unwrap()).collect();
        let catalogues: Vec<&Catalogue> = catalogues.iter().collect();
        let names = Names::from_catalogues("stage", &Stage::KEYS, &catalogues);
        assert_eq!(names.find("Hấp dẫn"), Some(Stage::Attract.index()));
        assert_eq!(names.find("hap dan"), Some(Stage::Attract.index()));
        assert_eq!(names.find("thu hut"), None);
        assert_eq!(names.find("吸引"), Some(Stage::Attract.index()));
        assert_eq!(Names::new("stage", &Stage::KEYS).find("thu hut"), Some(0));
    }

    /// Only keys and catalogue names parse (and the aliases the enums
    /// list themselves): nothing is matched by a part of a name.
    #[test]
    fn nothing_else_parses() {
        for typed in ["thu", "hút", "social", "su tin", "信", "", "stage.attract"] {
            assert_eq!(Stage::named(typed), None, "{typed:?}");
            assert_eq!(Factor::named(typed), None, "{typed:?}");
        }
    }
}
