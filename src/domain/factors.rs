//! The five factors a relationship rests on (seed 001), each scored 0-5 per
//! customer, and the health figure derived from them.

use serde::{Deserialize, Serialize};

use super::error::InputError;
use super::names::closed_enum;
use super::text::fold;

closed_enum! {
    pub enum Factor in "factor" {
        Trust = "trust",
        Satisfaction = "satisfaction",
        Value = "value",
        Communication = "communication",
        SocialBond = "social_bond",
    }
}

impl Factor {
    /// The factor named by an English key (`social_bond`, `social-bond`,
    /// `bond`), or its name in any catalogue.
    pub fn parse(s: &str) -> Option<Factor> {
        let folded = fold(s).replace('-', "_");
        if folded == "bond" {
            return Some(Factor::SocialBond);
        }
        Self::named(&folded)
    }
}

/// The highest factor score.
pub const MAX_SCORE: u8 = 5;

/// Scores per factor; `None` means not assessed yet, which is different
/// from a score of 0 ("no trust at all").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Factors(pub [Option<u8>; 5]);

impl Factors {
    pub fn get(&self, f: Factor) -> Option<u8> {
        self.0[f as usize]
    }

    pub fn set(&mut self, f: Factor, score: Option<u8>) {
        self.0[f as usize] = score;
    }

    /// Relationship health, 0-100: the mean of the assessed factors on the
    /// 0-5 scale, as a percentage. `None` until at least one is assessed, so
    /// an unscored customer is never shown as an unhealthy one.
    pub fn health(&self) -> Option<u8> {
        let scored: Vec<u8> = self.0.iter().flatten().copied().collect();
        if scored.is_empty() {
            return None;
        }
        let sum: u32 = scored.iter().map(|&s| u32::from(s.min(MAX_SCORE))).sum();
        let max = u32::from(MAX_SCORE) * scored.len() as u32;
        Some(((sum * 100 + max / 2) / max) as u8)
    }
}

/// Parses a score typed by a user: 0-5, or empty to clear.
pub fn parse_score(factor: Factor, s: &str) -> Result<Option<u8>, InputError> {
    let t = s.trim();
    if t.is_empty() || t == "-" {
        return Ok(None);
    }
    match t.parse::<u8>() {
        Ok(n) if n <= MAX_SCORE => Ok(Some(n)),
        _ => Err(InputError::BadFactor {
            factor: factor.key(),
            value: t.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_is_mean_of_assessed_factors() {
        let mut f = Factors::default();
        assert_eq!(f.health(), None);
        f.set(Factor::Trust, Some(5));
        assert_eq!(f.health(), Some(100));
        f.set(Factor::Value, Some(0));
        assert_eq!(f.health(), Some(50));
        f.set(Factor::Communication, Some(4));
        // (5 + 0 + 4) / 15 = 60 %
        assert_eq!(f.health(), Some(60));
    }

    #[test]
    fn scores_are_validated() {
        assert_eq!(parse_score(Factor::Trust, "4").unwrap(), Some(4));
        assert_eq!(parse_score(Factor::Trust, "").unwrap(), None);
        assert!(parse_score(Factor::Trust, "6").is_err());
        assert!(parse_score(Factor::Trust, "-1").is_err());
        assert!(parse_score(Factor::Trust, "x").is_err());
    }

    #[test]
    fn factor_names() {
        assert_eq!(Factor::parse("social-bond"), Some(Factor::SocialBond));
        assert_eq!(Factor::parse("bond"), Some(Factor::SocialBond));
        assert_eq!(Factor::parse("Sự tin tưởng"), Some(Factor::Trust));
        assert_eq!(Factor::parse("沟通"), Some(Factor::Communication));
        assert_eq!(Factor::parse("luck"), None);
    }
}
