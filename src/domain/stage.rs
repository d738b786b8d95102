//! The seven stages a relationship goes through, in order (seed 001).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::InputError;
use super::text::fold;

/// Stored by position: never reorder these variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stage {
    Attract,
    Establish,
    Build,
    Develop,
    Maintain,
    Consolidate,
    Loyalty,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Attract,
        Stage::Establish,
        Stage::Build,
        Stage::Develop,
        Stage::Maintain,
        Stage::Consolidate,
        Stage::Loyalty,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(i: usize) -> Option<Stage> {
        Self::ALL.get(i).copied()
    }

    pub fn next(self) -> Option<Stage> {
        Self::from_index(self.index() + 1)
    }

    pub fn previous(self) -> Option<Stage> {
        self.index().checked_sub(1).and_then(Self::from_index)
    }

    /// The stable English key used in JSON, config files and the CLI.
    pub fn key(self) -> &'static str {
        NAMES[self.index()].0
    }

    pub fn vietnamese(self) -> &'static str {
        NAMES[self.index()].1
    }

    pub fn chinese(self) -> &'static str {
        NAMES[self.index()].2
    }

    /// Accepts the English, Vietnamese (with or without diacritics) or
    /// Chinese name, in any case.
    pub fn parse(s: &str) -> Result<Stage, InputError> {
        let folded = fold(s);
        NAMES
            .iter()
            .position(|(en, vi, zh)| folded == *en || folded == fold(vi) || folded == *zh)
            .and_then(Self::from_index)
            .ok_or_else(|| InputError::UnknownStage(s.trim().to_string()))
    }
}

/// English key, Vietnamese, Chinese (the glossary of GUIDE.md section 1).
const NAMES: [(&str, &str, &str); 7] = [
    ("attract", "thu hút", "吸引"),
    ("establish", "thiết lập", "建立"),
    ("build", "tạo dựng", "构建"),
    ("develop", "phát triển", "发展"),
    ("maintain", "duy trì", "维持"),
    ("consolidate", "củng cố", "巩固"),
    ("loyalty", "trung thành", "忠诚"),
];

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Stage {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_in_order() {
        assert_eq!(Stage::Attract.next(), Some(Stage::Establish));
        assert_eq!(Stage::Loyalty.next(), None);
        assert_eq!(Stage::Attract.previous(), None);
        assert_eq!(Stage::Loyalty.previous(), Some(Stage::Consolidate));
        assert!(Stage::Attract < Stage::Loyalty);
        for (i, s) in Stage::ALL.iter().enumerate() {
            assert_eq!(s.index(), i);
        }
    }

    #[test]
    fn parses_three_languages() {
        assert_eq!(Stage::parse("Develop").unwrap(), Stage::Develop);
        assert_eq!(Stage::parse("phát triển").unwrap(), Stage::Develop);
        assert_eq!(Stage::parse("phat trien").unwrap(), Stage::Develop);
        assert_eq!(Stage::parse("发展").unwrap(), Stage::Develop);
        assert_eq!(Stage::parse("củng cố").unwrap(), Stage::Consolidate);
        assert_eq!(Stage::parse("忠诚").unwrap(), Stage::Loyalty);
        assert_eq!(Stage::parse(" TRUNG THÀNH ").unwrap(), Stage::Loyalty);
        assert!(matches!(Stage::parse("winning"), Err(InputError::UnknownStage(_))));
    }
}

/// One move of a customer between stages: who moved it, when, from, to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    /// Milliseconds since the epoch.
    pub at: i64,
    pub by: String,
    pub from: Stage,
    pub to: Stage,
}
