//! The seven stages a relationship goes through, in order (seed 001).

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::InputError;
use super::names::closed_enum;

closed_enum! {
    pub enum Stage in "stage" {
        Attract = "attract",
        Establish = "establish",
        Build = "build",
        Develop = "develop",
        Maintain = "maintain",
        Consolidate = "consolidate",
        Loyalty = "loyalty",
    }
}

impl Stage {
    pub fn next(self) -> Option<Stage> {
        Self::from_index(self.index() + 1)
    }

    pub fn previous(self) -> Option<Stage> {
        self.index().checked_sub(1).and_then(Self::from_index)
    }

    /// Accepts the key or the English, Vietnamese (with or without
    /// diacritics) or Chinese name, in any case.
    pub fn parse(s: &str) -> Result<Stage, InputError> {
        Self::named(s).ok_or_else(|| InputError::UnknownStage(s.trim().to_string()))
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
