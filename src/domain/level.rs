//! Kotler's relationship levels (seed 004): how actively the seller stays
//! in touch after a sale.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::InputError;
use super::text::fold;

/// Stored by position: never reorder these variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    Basic,
    Reactive,
    Accountable,
    Proactive,
    Partnership,
}

const NAMES: [(&str, &str, &str); 5] = [
    ("basic", "cơ bản", "基本"),
    ("reactive", "thụ động", "被动"),
    ("accountable", "trách nhiệm", "责任"),
    ("proactive", "chủ động", "主动"),
    ("partnership", "đối tác", "合伙"),
];

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Basic,
        Level::Reactive,
        Level::Accountable,
        Level::Proactive,
        Level::Partnership,
    ];

    pub fn key(self) -> &'static str {
        NAMES[self as usize].0
    }

    pub fn vietnamese(self) -> &'static str {
        NAMES[self as usize].1
    }

    pub fn chinese(self) -> &'static str {
        NAMES[self as usize].2
    }

    pub fn parse(s: &str) -> Result<Level, InputError> {
        let folded = fold(s);
        NAMES
            .iter()
            .position(|(en, vi, zh)| folded == *en || folded == fold(vi) || folded == *zh)
            .map(|i| Self::ALL[i])
            .ok_or_else(|| InputError::UnknownLevel(s.trim().to_string()))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_three_languages() {
        assert_eq!(Level::parse("proactive").unwrap(), Level::Proactive);
        assert_eq!(Level::parse("Chủ động").unwrap(), Level::Proactive);
        assert_eq!(Level::parse("doi tac").unwrap(), Level::Partnership);
        assert_eq!(Level::parse("合伙").unwrap(), Level::Partnership);
        assert!(Level::parse("eager").is_err());
    }
}
