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

/// One factor score as it was set (or cleared), and when: a customer's
/// health history is these, replayed in order. Kept by the store from the
/// ops, so history reaches back as far as the journals do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorScore {
    /// Milliseconds since the epoch.
    pub at: i64,
    pub factor: Factor,
    pub score: Option<u8>,
}

/// The factors after each moment of `scores` (oldest first): changes made
/// at the same instant (one op setting several factors) give one point.
pub fn replay(scores: &[FactorScore]) -> Vec<(i64, Factors)> {
    let mut now = Factors::default();
    let mut out: Vec<(i64, Factors)> = Vec::new();
    for s in scores {
        now.set(s.factor, s.score);
        match out.last_mut() {
            Some((at, f)) if *at == s.at => *f = now,
            _ => out.push((s.at, now)),
        }
    }
    out
}

/// Health (0-100) over time: a point at each moment it had a value.
pub fn health_series(scores: &[FactorScore]) -> Vec<(i64, u8)> {
    replay(scores)
        .into_iter()
        .filter_map(|(at, f)| f.health().map(|h| (at, h)))
        .collect()
}

/// One factor's score over time: a point at each moment it was set.
pub fn factor_series(scores: &[FactorScore], factor: Factor) -> Vec<(i64, u8)> {
    scores
        .iter()
        .filter(|s| s.factor == factor)
        .filter_map(|s| s.score.map(|v| (s.at, v)))
        .collect()
}

/// Health as it was at `at` (the last changes at or before it), none when
/// nothing was assessed by then.
pub fn health_at(scores: &[FactorScore], at: i64) -> Option<u8> {
    replay(scores)
        .into_iter()
        .take_while(|(t, _)| *t <= at)
        .last()
        .and_then(|(_, f)| f.health())
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

    fn score(at: i64, factor: Factor, score: Option<u8>) -> FactorScore {
        FactorScore { at, factor, score }
    }

    #[test]
    fn health_over_time_replays_the_scores_one_instant_at_a_time() {
        assert!(replay(&[]).is_empty());
        let scores = [
            score(10, Factor::Trust, Some(5)),
            score(10, Factor::Value, Some(0)),
            score(20, Factor::Trust, Some(4)),
            score(30, Factor::Trust, None),
            score(30, Factor::Value, None),
            score(40, Factor::Communication, Some(3)),
        ];
        // 10: (5 + 0) / 10 = 50; 20: (4 + 0) / 10 = 40; 30: nothing
        // assessed; 40: 3 / 5 = 60.
        assert_eq!(health_series(&scores), vec![(10, 50), (20, 40), (40, 60)]);
        assert_eq!(factor_series(&scores, Factor::Trust), vec![(10, 5), (20, 4)]);
        assert!(factor_series(&scores, Factor::SocialBond).is_empty());
        assert_eq!(health_at(&scores, 9), None);
        assert_eq!(health_at(&scores, 10), Some(50));
        assert_eq!(health_at(&scores, 25), Some(40));
        assert_eq!(health_at(&scores, 35), None, "cleared");
        assert_eq!(health_at(&scores, i64::MAX), Some(60));
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
