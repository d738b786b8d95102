//! User-visible text, one catalogue per language in `assets/locales/`
//! (English, Vietnamese, Simplified Chinese), and the way each language
//! writes dates and numbers.
//!
//! Keys are dotted paths (`pane.customers`); values may hold `{name}`
//! placeholders filled by [`tf`]. A key missing from a catalogue falls back
//! to English, and a key missing from English shows as itself, so a gap is
//! visible rather than fatal. The language is chosen once per thread (the
//! program sets it at start; tests set it per test). The catalogues are
//! embedded and parsed by [`crate::lexicon`], which `domain` reads too.

pub mod collate;
mod format;
mod input_error;

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::OnceLock;

pub use format::{
    Currency, date, datetime, list, money, money_short, number, one_decimal, relative, set_currency, tier_line,
};

use crate::lexicon::{self, Catalogue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Vi,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Vi, Lang::Zh];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Vi => "vi",
            Lang::Zh => "zh",
        }
    }

    /// A language named by a code or a locale: `vi`, `vi_VN.UTF-8`,
    /// `zh-CN`, `zh_Hans`, `en_US`, `tiếng việt`, `中文`.
    pub fn parse(s: &str) -> Option<Lang> {
        let t = s.trim().to_lowercase();
        let base = t.split(['_', '-', '.', '@']).next().unwrap_or("");
        match base {
            "en" | "english" | "c" | "posix" => Some(Lang::En),
            "vi" | "vie" | "vietnamese" => Some(Lang::Vi),
            "zh" | "chi" | "zho" | "chinese" | "中文" => Some(Lang::Zh),
            _ => match crate::domain::text::fold(&t).as_str() {
                "tieng viet" => Some(Lang::Vi),
                _ => None,
            },
        }
    }

    /// The language the environment asks for: `LC_ALL`, then
    /// `LC_MESSAGES`, then `LANG` (the POSIX order), English otherwise.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.trim().is_empty())
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    #[cfg(test)]
    fn source(self) -> &'static str {
        lexicon::SOURCES[self as usize]
    }

    /// This language's catalogue.
    fn catalogue(self) -> &'static Catalogue {
        lexicon::catalogue(self as usize)
    }
}

thread_local! {
    static CURRENT: Cell<Option<Lang>> = const { Cell::new(None) };
}

static PROCESS: OnceLock<Lang> = OnceLock::new();

/// Chooses the language for the whole program (call once, at start).
pub fn set_language(lang: Lang) {
    let _ = PROCESS.set(lang);
}

/// Chooses the language for this thread only (tests).
pub fn set_thread_language(lang: Lang) {
    CURRENT.with(|c| c.set(Some(lang)));
}

/// The language in use here.
pub fn language() -> Lang {
    CURRENT
        .with(Cell::get)
        .or_else(|| PROCESS.get().copied())
        .unwrap_or_default()
}

/// The text for `key`.
pub fn t(key: &str) -> &'static str {
    lookup(key).unwrap_or_else(|| leak_missing(key))
}

/// The text for `key`, or `None` when not even English has it (for
/// optional texts such as a flag's longer help).
pub fn lookup(key: &str) -> Option<&'static str> {
    language()
        .catalogue()
        .get(key)
        .or_else(|| Lang::En.catalogue().get(key))
}

/// The text for `key` with `{name}` placeholders replaced.
pub fn tf(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut s = t(key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), &value.to_string());
    }
    s
}

/// The plural category `count` takes in `lang` (the CLDR cardinal rules,
/// for whole numbers): English says "1 day" and "2 days" ("one",
/// "other"); Vietnamese and Chinese nouns do not change with the number
/// ("other" only).
pub fn plural_category(lang: Lang, count: u64) -> &'static str {
    match lang {
        Lang::En if count == 1 => "one",
        Lang::En | Lang::Vi | Lang::Zh => "other",
    }
}

/// The plural categories a language's catalogue writes out.
pub fn plural_categories(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &["one", "other"],
        Lang::Vi | Lang::Zh => &["other"],
    }
}

/// The text of a message about `count` things: `key.one`, `key.other`
/// (`key = { one = "…", other = "…" }` in the catalogue), as the
/// language's plural rules pick for `count`, with `{count}` and the
/// other placeholders replaced.
pub fn tn(key: &str, count: impl TryInto<u64>, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    // A count too large (or below zero) is "other" in every language.
    let count: u64 = count.try_into().unwrap_or(u64::MAX);
    let pick = |lang: Lang| {
        let catalogue = lang.catalogue();
        catalogue
            .get(&format!("{key}.{}", plural_category(lang, count)))
            .or_else(|| catalogue.get(&format!("{key}.other")))
    };
    let mut s = pick(language())
        .or_else(|| pick(Lang::En))
        .unwrap_or_else(|| leak_missing(key))
        .to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), &value.to_string());
    }
    s.replace("{count}", &count.to_string())
}

/// Missing keys are shown as themselves; each is leaked once at most,
/// which only happens when a catalogue has a gap.
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
    fn languages_from_locales() {
        assert_eq!(Lang::parse("vi_VN.UTF-8"), Some(Lang::Vi));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("zh_Hans"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_US.utf8"), Some(Lang::En));
        assert_eq!(Lang::parse("C"), Some(Lang::En));
        assert_eq!(Lang::parse("Tiếng Việt"), Some(Lang::Vi));
        assert_eq!(Lang::parse("klingon"), None);
    }

    #[test]
    fn thread_language_and_fallback() {
        set_thread_language(Lang::Vi);
        assert_eq!(language(), Lang::Vi);
        assert_eq!(t("no.such.key"), "no.such.key");
        set_thread_language(Lang::En);
        assert_eq!(t("pane.customers"), "Customers");
        assert!(tf("status.undid", &[("what", &"add customer")]).contains("add customer"));
    }

    #[test]
    fn plural_forms_follow_each_languages_rules() {
        assert_eq!(plural_category(Lang::En, 1), "one");
        for n in [0, 2, 11, 21, 101] {
            assert_eq!(plural_category(Lang::En, n), "other", "{n}");
        }
        for n in [0, 1, 2, 21] {
            assert_eq!(plural_category(Lang::Vi, n), "other");
            assert_eq!(plural_category(Lang::Zh, n), "other");
        }
        let overdue = |n: i64| tn("when.overdue", n, &[("days", &n)]);
        set_thread_language(Lang::En);
        assert_eq!(overdue(1), "1 day overdue");
        assert_eq!(overdue(2), "2 days overdue");
        assert_eq!(overdue(0), "0 days overdue");
        assert_eq!(tn("dupes.title", 1usize, &[]), "Possible duplicates · 1 group");
        assert_eq!(tn("dupes.title", 3usize, &[]), "Possible duplicates · 3 groups");
        assert_eq!(tn("detail.every", 1u16, &[("days", &1)]), "every day");
        assert_eq!(tn("detail.every", 7u16, &[("days", &7)]), "every 7 days");
        // Below zero, or too large to count: "other".
        assert_eq!(tn("cli.customer_count", -1i64, &[]), format!("{} customers", u64::MAX));
        assert_eq!(tn("no.such.plural", 1, &[]), "no.such.plural");
        set_thread_language(Lang::Vi);
        assert_eq!(overdue(1), "quá hạn 1 ngày");
        assert_eq!(overdue(2), "quá hạn 2 ngày");
        assert_eq!(tn("dupes.title", 1usize, &[]), "Có thể trùng lặp · 1 nhóm");
        set_thread_language(Lang::Zh);
        assert_eq!(overdue(1), "逾期 1 天");
        assert_eq!(tn("dupes.title", 1usize, &[]), "可能的重复项 · 1 组");
        set_thread_language(Lang::En);
    }

    /// No message says "(s)" for a count: it has a form per number.
    #[test]
    fn no_message_hedges_its_plural() {
        for lang in Lang::ALL {
            let catalogue = Catalogue::parse(lang.source()).expect("catalogue parses");
            for key in catalogue.keys() {
                let text = catalogue.get(key).unwrap_or("");
                assert!(!text.contains("(s)"), "{}.toml {key}: {text}", lang.code());
            }
        }
    }

    /// A stage, level, factor or channel is parsed by its name in every
    /// catalogue, whichever language is shown.
    #[test]
    fn names_parse_in_every_language() {
        use crate::domain::{Channel, Factor, Level, Stage};
        for lang in Lang::ALL {
            set_thread_language(lang);
            for typed in ["Attract", "thu hut", "Thu hút", "吸引"] {
                assert_eq!(Stage::parse(typed), Ok(Stage::Attract), "{typed} in {lang:?}");
            }
            assert_eq!(Level::parse("Đối tác"), Ok(Level::Partnership));
            assert_eq!(Factor::parse("Social bond"), Some(Factor::SocialBond));
            assert_eq!(Channel::parse("电话"), Ok(Channel::Call));
        }
        set_thread_language(Lang::En);
    }

    /// Every catalogue has every key English has, and no key English lacks.
    #[test]
    fn every_key_the_code_names_is_in_english() {
        // Keys written out in the source as t("..."), tf("...") or
        // lookup("..."); keys built at run time are checked where built.
        let mut found = Vec::new();
        for (path, text) in crate::source_scan::rust_sources() {
            for call in ["t(\"", "tf(\"", "lookup(\"", "tn(\""] {
                for (at, _) in text.match_indices(call) {
                    let before = text[..at].chars().next_back().unwrap_or(' ');
                    if before.is_alphanumeric() || before == '_' {
                        continue;
                    }
                    let rest = &text[at + call.len()..];
                    if let Some(end) = rest.find('"') {
                        // A plural message is found by its `other` form.
                        let suffix = if call == "tn(\"" { ".other" } else { "" };
                        found.push((format!("{}{suffix}", &rest[..end]), path.clone()));
                    }
                }
            }
        }
        assert!(found.len() > 100, "the scan found only {} keys", found.len());
        let en = Catalogue::parse(Lang::En.source()).expect("en.toml parses");
        let missing: Vec<_> = found
            .iter()
            .filter(|(key, _)| key.contains('.') && key.chars().any(|c| c.is_ascii_lowercase()))
            .filter(|(key, _)| !key.starts_with("no.such") && en.get(key).is_none())
            .collect();
        assert!(missing.is_empty(), "keys missing from en.toml: {missing:?}");
    }

    #[test]
    fn catalogue_texts_need_no_escaping() {
        // Views escape a message made of catalogue text and data as a
        // whole: that must change only the data.
        for lang in Lang::ALL {
            let catalogue = Catalogue::parse(lang.source()).expect("catalogue parses");
            for key in catalogue.keys() {
                let text = catalogue.get(key).unwrap_or("");
                assert!(
                    matches!(crate::domain::escape::escape_text(text), std::borrow::Cow::Borrowed(_)),
                    "{}.toml {key}: {text:?} would be shown escaped",
                    lang.code()
                );
            }
        }
    }

    /// A plural message's form for a category (`key.one`) splits into
    /// the message's key and the category; `None` for any other key.
    fn plural_form<'a>(catalogue: &Catalogue, key: &'a str) -> Option<(&'a str, &'a str)> {
        let (message, category) = key.rsplit_once('.')?;
        let is_category = ["zero", "one", "two", "few", "many", "other"].contains(&category);
        let siblings = ["zero", "one", "two", "few", "many"]
            .iter()
            .any(|c| catalogue.get(&format!("{message}.{c}")).is_some());
        (is_category && siblings && catalogue.get(&format!("{message}.other")).is_some()).then_some((message, category))
    }

    #[test]
    fn catalogues_are_complete() {
        let en = Catalogue::parse(Lang::En.source()).expect("en.toml parses");
        // Every plural message of English has its `other` form in every
        // language, and each form its language's plural rules use, no more.
        for lang in Lang::ALL {
            let catalogue = Catalogue::parse(lang.source()).expect("catalogue parses");
            for key in catalogue.keys() {
                if let Some((message, category)) = plural_form(&en, key) {
                    assert!(
                        plural_categories(lang).contains(&category),
                        "{}.toml {key}: {} has no plural form '{category}'",
                        lang.code(),
                        lang.code()
                    );
                    let holes = |k: &str| {
                        let mut h: Vec<String> = catalogue
                            .get(k)
                            .unwrap_or("")
                            .split('{')
                            .skip(1)
                            .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                            .collect();
                        h.sort();
                        h.dedup();
                        h
                    };
                    let other = holes(&format!("{message}.other"));
                    assert!(
                        holes(key).iter().all(|h| other.contains(h)),
                        "{}.toml {key}: placeholders the 'other' form lacks",
                        lang.code()
                    );
                }
            }
        }
        for lang in [Lang::Vi, Lang::Zh] {
            let other = Catalogue::parse(lang.source()).unwrap_or_else(|e| panic!("{}.toml: {e}", lang.code()));
            let unused = |k: &&str| plural_form(&en, k).is_some_and(|(_, c)| !plural_categories(lang).contains(&c));
            let mut missing: Vec<&str> = en.keys().filter(|k| !unused(k) && other.get(k).is_none()).collect();
            missing.sort_unstable();
            assert!(
                missing.is_empty(),
                "{}.toml lacks {} keys: {missing:?}",
                lang.code(),
                missing.len()
            );
            let mut unknown: Vec<&str> = other.keys().filter(|k| en.get(k).is_none()).collect();
            unknown.sort_unstable();
            assert!(
                unknown.is_empty(),
                "{}.toml has keys English lacks: {unknown:?}",
                lang.code()
            );
            // Placeholders must survive translation.
            for key in en.keys().filter(|k| !unused(k)) {
                let (a, b) = (en.get(key).unwrap_or(""), other.get(key).unwrap_or(""));
                let holes = |s: &str| {
                    let mut h: Vec<String> = s
                        .split('{')
                        .skip(1)
                        .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                        .collect();
                    h.sort();
                    h
                };
                assert_eq!(holes(a), holes(b), "{}.toml {key}: placeholders differ", lang.code());
            }
        }
    }
}
