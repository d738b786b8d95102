//! Loyalty tiers (seed 004's loyalty programs) and the relationship price
//! that goes with them (seed 001's relationship pricing).
//!
//! A tier is a rule from the config file: a customer who has reached a
//! lifetime value, a relationship stage and, if asked, a health score is in
//! it. Rules are listed from the lowest tier to the highest, and a customer
//! is in the last (highest) one whose conditions it meets, so the order in
//! the file is the order of the tiers whatever their thresholds. A tier set
//! by hand on the customer (`loyalty_tier`) wins over the rules.

use serde::{Deserialize, Serialize};

use super::customer::Customer;
use super::money::Money;
use super::stage::Stage;
use super::text::fold;

/// One `[[tiers]]` rule. Every condition is optional; a rule with none is
/// met by every customer (a base tier).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierRule {
    pub name: String,
    /// Lifetime value (`Summary::clv`) the customer must have reached.
    pub min_clv: Money,
    /// The relationship stage the customer must have reached.
    pub min_stage: Option<Stage>,
    /// The health score (0-100) the customer must have reached; a customer
    /// not yet scored does not meet it.
    pub min_health: Option<u8>,
    /// The relationship price: a percentage off, 0-100.
    pub discount: f64,
}

impl TierRule {
    /// Whether a customer with lifetime value `clv` meets every condition.
    pub fn is_met_by(&self, c: &Customer, clv: Money) -> bool {
        clv >= self.min_clv
            && self.min_stage.is_none_or(|s| c.stage >= s)
            && self
                .min_health
                .is_none_or(|h| c.factors.health().is_some_and(|got| got >= h))
    }
}

/// Where a customer's tier comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierSource {
    /// The highest rule the customer meets.
    Rule,
    /// Set by hand on the customer: wins over the rules.
    Manual,
}

impl TierSource {
    /// The name in JSON (`tier_source`).
    pub fn key(self) -> &'static str {
        match self {
            TierSource::Rule => "rule",
            TierSource::Manual => "manual",
        }
    }
}

/// A customer's tier and relationship price.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub name: String,
    pub source: TierSource,
    /// Percentage off: the rule's, or for a tier set by hand the discount of
    /// the rule of the same name (case and accents aside), if there is one.
    pub discount: Option<f64>,
}

/// The tier of a customer with lifetime value `clv` under `rules` (lowest
/// first), or `None` when it has none set by hand and meets no rule.
pub fn tier_of(c: &Customer, clv: Money, rules: &[TierRule]) -> Option<Tier> {
    let manual = c.loyalty_tier.trim();
    if !manual.is_empty() {
        // Folded only when there is a rule to compare with: the roster
        // works this out for every customer at start-up.
        let discount = if rules.is_empty() {
            None
        } else {
            let folded = fold(manual);
            rules.iter().rev().find(|r| fold(&r.name) == folded).map(|r| r.discount)
        };
        return Some(Tier {
            name: manual.to_string(),
            source: TierSource::Manual,
            discount,
        });
    }
    rules.iter().rev().find(|r| r.is_met_by(c, clv)).map(|r| Tier {
        name: r.name.clone(),
        source: TierSource::Rule,
        discount: Some(r.discount),
    })
}

/// A percentage as people write it: `5`, `2.5`.
pub fn percent(discount: f64) -> String {
    format!("{}", (discount * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Factor;

    fn rule(name: &str, min_clv: i64, min_stage: Option<Stage>, discount: f64) -> TierRule {
        TierRule {
            name: name.into(),
            min_clv: Money::from_units(min_clv),
            min_stage,
            min_health: None,
            discount,
        }
    }

    fn ladder() -> Vec<TierRule> {
        vec![
            rule("Silver", 10_000, None, 2.0),
            rule("Gold", 100_000, Some(Stage::Maintain), 5.0),
            rule("Platinum", 500_000, Some(Stage::Loyalty), 10.0),
        ]
    }

    fn customer(stage: Stage) -> Customer {
        let mut c = Customer::empty(crate::domain::CustomerId(1));
        c.stage = stage;
        c
    }

    fn name(t: Option<Tier>) -> Option<String> {
        t.map(|t| t.name)
    }

    #[test]
    fn the_highest_tier_met_wins() {
        let c = customer(Stage::Loyalty);
        let t = tier_of(&c, Money::from_units(600_000), &ladder()).unwrap();
        assert_eq!(t.name, "Platinum");
        assert_eq!(t.source, TierSource::Rule);
        assert_eq!(t.discount, Some(10.0));
        assert_eq!(
            name(tier_of(&c, Money::from_units(150_000), &ladder())),
            Some("Gold".into())
        );
    }

    #[test]
    fn the_clv_threshold_is_inclusive() {
        let c = customer(Stage::Attract);
        assert_eq!(name(tier_of(&c, Money::from_units(9_999), &ladder())), None);
        assert_eq!(
            name(tier_of(&c, Money::from_units(10_000), &ladder())),
            Some("Silver".into())
        );
    }

    #[test]
    fn the_stage_threshold_holds_back_a_valuable_customer() {
        let clv = Money::from_units(1_000_000);
        let cases = [
            (Stage::Develop, "Silver"),
            (Stage::Maintain, "Gold"),
            (Stage::Consolidate, "Gold"),
            (Stage::Loyalty, "Platinum"),
        ];
        for (stage, want) in cases {
            assert_eq!(
                name(tier_of(&customer(stage), clv, &ladder())),
                Some(want.into()),
                "{stage:?}"
            );
        }
    }

    #[test]
    fn no_rule_met_or_no_rules_is_no_tier() {
        let c = customer(Stage::Loyalty);
        assert_eq!(tier_of(&c, Money::ZERO, &ladder()), None);
        assert_eq!(tier_of(&c, Money::from_units(1_000_000), &[]), None);
    }

    #[test]
    fn a_tier_set_by_hand_wins_and_takes_the_discount_of_its_namesake() {
        let mut c = customer(Stage::Attract);
        c.loyalty_tier = " gold ".into();
        let t = tier_of(&c, Money::ZERO, &ladder()).unwrap();
        assert_eq!(t.name, "gold");
        assert_eq!(t.source, TierSource::Manual);
        assert_eq!(t.discount, Some(5.0));
        // Below what the rules would give, too: the hand-set tier still wins.
        c.loyalty_tier = "Friend of the house".into();
        let t = tier_of(&c, Money::from_units(1_000_000), &ladder()).unwrap();
        assert_eq!(
            (t.name.as_str(), t.source, t.discount),
            ("Friend of the house", TierSource::Manual, None)
        );
        // Blank is not set.
        c.loyalty_tier = "  ".into();
        assert_eq!(
            tier_of(&c, Money::from_units(20_000), &ladder()).map(|t| t.source),
            Some(TierSource::Rule)
        );
    }

    #[test]
    fn ties_go_to_the_rule_listed_later() {
        let rules = vec![rule("A", 100, None, 1.0), rule("B", 100, None, 3.0)];
        let t = tier_of(&customer(Stage::Attract), Money::from_units(100), &rules).unwrap();
        assert_eq!((t.name.as_str(), t.discount), ("B", Some(3.0)));
        // The file's order decides, not the thresholds: a later rule with a
        // lower threshold is the higher tier.
        let rules = vec![rule("Big", 1_000, None, 1.0), rule("Small", 10, None, 3.0)];
        assert_eq!(
            name(tier_of(&customer(Stage::Attract), Money::from_units(5_000), &rules)),
            Some("Small".into())
        );
    }

    #[test]
    fn the_health_threshold_needs_a_score() {
        let mut r = rule("Trusted", 0, None, 1.0);
        r.min_health = Some(60);
        let mut c = customer(Stage::Attract);
        assert!(!r.is_met_by(&c, Money::ZERO), "not yet scored");
        for f in Factor::ALL {
            c.factors.set(f, Some(3));
        }
        assert_eq!(c.factors.health(), Some(60));
        assert!(r.is_met_by(&c, Money::ZERO));
        r.min_health = Some(61);
        assert!(!r.is_met_by(&c, Money::ZERO));
    }

    #[test]
    fn percentages_read_as_written() {
        assert_eq!(percent(5.0), "5");
        assert_eq!(percent(2.5), "2.5");
        assert_eq!(percent(0.0), "0");
    }
}
