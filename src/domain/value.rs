//! Customer lifetime value (seed 000: "giá trị vòng đời khách hàng").
//!
//! The estimate is the textbook one, from the purchases in the log:
//!
//! ```text
//! CLV = average purchase value × purchases per year × expected remaining years
//! ```
//!
//! where purchases per year is the number of purchases divided by the years
//! since the first one (never less than `min_observed_years`, so a single
//! recent purchase counts as one a year, not hundreds), and the expected
//! remaining years is an assumption the team sets in the config file.

use serde::{Deserialize, Serialize};

use super::activity::Activity;
use super::money::Money;

const MS_PER_DAY: i64 = 24 * 3600 * 1000;
const DAYS_PER_YEAR: f64 = 365.25;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClvAssumptions {
    /// How many more years a customer is expected to keep buying.
    pub remaining_years: f64,
    /// The shortest history over which a purchase rate is measured.
    pub min_observed_years: f64,
}

impl Default for ClvAssumptions {
    fn default() -> Self {
        ClvAssumptions {
            remaining_years: 3.0,
            min_observed_years: 1.0,
        }
    }
}

/// The estimated lifetime value at `now_ms`; zero without purchases, and
/// never negative (refunds can outweigh sales, but a value below nothing
/// means nothing to a seller).
pub fn lifetime_value(activity: &Activity, now_ms: i64, assumptions: &ClvAssumptions) -> Money {
    let Some(first) = activity.first_purchase else {
        return Money::ZERO;
    };
    if activity.purchases == 0 {
        return Money::ZERO;
    }
    let purchases = f64::from(activity.purchases);
    let average = activity.revenue.as_f64() / purchases;
    // Whole days, so the figure holds still for a day instead of drifting
    // every millisecond between two reads.
    let days = now_ms.div_euclid(MS_PER_DAY) - first.div_euclid(MS_PER_DAY);
    let observed = (days as f64 / DAYS_PER_YEAR).max(assumptions.min_observed_years.max(1e-3));
    let per_year = purchases / observed;
    let value = average * per_year * assumptions.remaining_years.max(0.0);
    if value.is_finite() && value > 0.0 {
        Money::from_f64(value)
    } else {
        Money::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 3600 * 1000;

    fn activity(purchases: u32, revenue: i64, first: i64) -> Activity {
        Activity {
            interactions: purchases,
            last_contact: Some(first),
            purchases,
            revenue: Money::from_units(revenue),
            first_purchase: Some(first),
            last_purchase: Some(first),
        }
    }

    #[test]
    fn no_purchases_no_value() {
        assert_eq!(
            lifetime_value(&Activity::default(), 0, &ClvAssumptions::default()),
            Money::ZERO
        );
    }

    #[test]
    fn one_recent_purchase_counts_as_one_a_year() {
        // 1 purchase of 1,000 a month ago: 1,000 × 1/yr × 3 years.
        let now = 1000 * DAY;
        let a = activity(1, 1_000, now - 30 * DAY);
        assert_eq!(
            lifetime_value(&a, now, &ClvAssumptions::default()),
            Money::from_units(3_000)
        );
    }

    #[test]
    fn rate_over_the_observed_years() {
        // 8 purchases worth 16,000 over two years: 2,000 × 4/yr × 3 = 24,000.
        let now = 10_000 * DAY;
        let two_years = (2.0 * 365.25 * DAY as f64) as i64;
        let a = activity(8, 16_000, now - two_years);
        let v = lifetime_value(&a, now, &ClvAssumptions::default());
        assert!((v.as_f64() - 24_000.0).abs() < 50.0, "{v}");
        assert_eq!(
            lifetime_value(&a, now + 1000, &ClvAssumptions::default()),
            v,
            "steady within a day"
        );
        let longer = ClvAssumptions {
            remaining_years: 5.0,
            ..Default::default()
        };
        assert!((lifetime_value(&a, now, &longer).as_f64() - 40_000.0).abs() < 80.0);
    }

    #[test]
    fn refunds_never_make_value_negative() {
        let a = activity(2, -500, 0);
        assert_eq!(lifetime_value(&a, 400 * DAY, &ClvAssumptions::default()), Money::ZERO);
    }
}
