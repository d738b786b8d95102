//! The word lists sample data is drawn from (assets/demo/*.toml), embedded
//! in the binary.

use std::collections::BTreeMap;

use serde::Deserialize;

const PEOPLE: &str = include_str!("../../assets/demo/people.toml");
const ACTIVITY: &str = include_str!("../../assets/demo/activity.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    Zh,
    En,
}

#[derive(Debug, Deserialize)]
pub struct PerLang {
    pub vi: Vec<String>,
    pub zh: Vec<String>,
    pub en: Vec<String>,
}

impl PerLang {
    pub fn get(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::Vi => &self.vi,
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct VietnameseNames {
    pub family: Vec<String>,
    pub middle_male: Vec<String>,
    pub middle_female: Vec<String>,
    pub given_male: Vec<String>,
    pub given_female: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct ChineseNames {
    pub family: Vec<String>,
    pub given: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct EnglishNames {
    pub first: Vec<String>,
    pub last: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct People {
    pub vi: VietnameseNames,
    pub zh: ChineseNames,
    pub en: EnglishNames,
    pub companies: PerLang,
    /// Partner organizations that refer customers.
    pub partners: PerLang,
    /// How a company's branch is named: `{company}`, `{n}`.
    pub branches: PerLang,
    pub titles: PerLang,
    pub addresses: PerLang,
    pub email_domains: PerLang,
}

#[derive(Debug, Deserialize)]
pub struct List {
    pub list: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct SpinLists {
    pub situation: PerLang,
    pub problem: PerLang,
    pub implication: PerLang,
    pub need: PerLang,
}

#[derive(Debug, Deserialize)]
pub struct Activity {
    /// Per channel key (`call`, `email`...).
    pub summaries: BTreeMap<String, PerLang>,
    pub outcomes: PerLang,
    pub bodies: PerLang,
    pub follow_ups: PerLang,
    pub spin: SpinLists,
    pub notes: PerLang,
    pub tags: List,
    pub segments: List,
    pub sources: List,
    pub loyalty_tiers: List,
    pub deals: DealLists,
}

#[derive(Debug, Deserialize)]
pub struct DealLists {
    pub titles: PerLang,
    pub lost_reasons: PerLang,
}

pub struct Lists {
    pub people: People,
    pub activity: Activity,
}

impl Lists {
    pub fn load() -> Result<Lists, toml::de::Error> {
        Ok(Lists {
            people: toml::from_str(PEOPLE)?,
            activity: toml::from_str(ACTIVITY)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Channel;

    #[test]
    fn embedded_lists_parse_and_cover_every_channel() {
        let lists = Lists::load().unwrap();
        for c in Channel::ALL {
            let s = lists.activity.summaries.get(c.key()).unwrap();
            for lang in [Lang::Vi, Lang::Zh, Lang::En] {
                assert!(!s.get(lang).is_empty(), "{c} {lang:?}");
            }
        }
        assert!(lists.people.vi.family.iter().any(|f| f == "Nguyễn"));
    }
}
