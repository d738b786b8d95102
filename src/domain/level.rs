//! Kotler's relationship levels (seed 004): how actively the seller stays
//! in touch after a sale.

use super::error::InputError;
use super::names::closed_enum;

closed_enum! {
    pub enum Level in "level" {
        Basic = "basic",
        Reactive = "reactive",
        Accountable = "accountable",
        Proactive = "proactive",
        Partnership = "partnership",
    }
}

impl Level {
    pub fn parse(s: &str) -> Result<Level, InputError> {
        Self::named(s).ok_or_else(|| InputError::UnknownLevel(s.trim().to_string()))
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
