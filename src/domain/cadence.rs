//! Stay-in-touch cadence: how long a relationship may go quiet before the
//! seller should reach out again (seed 001: keeping a customer costs a
//! fifth of winning a new one, so nobody should be forgotten).
//!
//! The next contact is due `cadence` days after the last interaction (or
//! after the customer was added, when nothing has been logged). Any logged
//! interaction resets the clock. Early stages need frequent contact; loyal
//! customers need less. Each customer may override its stage's default.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::customer::Customer;
use super::dates::local_day;
use super::stage::Stage;

/// Default days between contacts for each stage, attract → loyalty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CadenceRules {
    pub attract: u16,
    pub establish: u16,
    pub build: u16,
    pub develop: u16,
    pub maintain: u16,
    pub consolidate: u16,
    pub loyalty: u16,
}

impl Default for CadenceRules {
    fn default() -> Self {
        CadenceRules {
            attract: 7,
            establish: 7,
            build: 14,
            develop: 14,
            maintain: 30,
            consolidate: 30,
            loyalty: 60,
        }
    }
}

/// Longest cadence accepted anywhere: ten years.
pub const MAX_CADENCE_DAYS: u16 = 3650;

impl CadenceRules {
    pub fn for_stage(&self, stage: Stage) -> u16 {
        let days = match stage {
            Stage::Attract => self.attract,
            Stage::Establish => self.establish,
            Stage::Build => self.build,
            Stage::Develop => self.develop,
            Stage::Maintain => self.maintain,
            Stage::Consolidate => self.consolidate,
            Stage::Loyalty => self.loyalty,
        };
        days.clamp(1, MAX_CADENCE_DAYS)
    }

    /// The cadence that applies to this customer.
    pub fn cadence_of(&self, c: &Customer) -> u16 {
        c.cadence_days.unwrap_or_else(|| self.for_stage(c.stage))
    }

    /// The day the stay-in-touch cadence runs out.
    pub fn next_contact_due(&self, c: &Customer) -> NaiveDate {
        due_after(last_touch(c), self.cadence_of(c))
    }

    /// When `c` should next be contacted, given the due day of its
    /// earliest open follow-up: what "next contact", the overdue mark and
    /// the agenda all read.
    pub fn next_contact(&self, c: &Customer, earliest_follow_up: Option<NaiveDate>) -> NaiveDate {
        next_contact(self.next_contact_due(c), earliest_follow_up)
    }
}

/// The next contact: the earlier of the day the stay-in-touch cadence runs
/// out and the earliest open follow-up. A promise made for a day is as
/// binding as the cadence, so a follow-up ten days late makes the customer
/// ten days late, however recently they were last in touch.
pub fn next_contact(stay_in_touch: NaiveDate, earliest_follow_up: Option<NaiveDate>) -> NaiveDate {
    earliest_follow_up.map_or(stay_in_touch, |f| f.min(stay_in_touch))
}

/// Whether a contact due on `due` is late on `today`.
pub fn is_overdue(due: NaiveDate, today: NaiveDate) -> bool {
    due < today
}

/// The instant the stay-in-touch clock last reset: the latest interaction,
/// or the customer's creation.
pub fn last_touch(c: &Customer) -> i64 {
    c.activity.last_contact.unwrap_or(c.created_at)
}

/// The day `days` after the local day of `from_ms`.
pub fn due_after(from_ms: i64, days: u16) -> NaiveDate {
    let day = local_day(from_ms);
    day.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::to_millis;
    use crate::domain::ids::CustomerId;
    use chrono::{Local, TimeZone};

    fn noon(y: i32, m: u32, d: u32) -> i64 {
        to_millis(Local.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap().to_utc())
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn due_counts_from_creation_then_from_last_interaction() {
        let rules = CadenceRules::default();
        let mut c = Customer::empty(CustomerId(1));
        c.created_at = noon(2026, 11, 1);
        assert_eq!(rules.next_contact_due(&c), day(2026, 11, 8));
        c.activity.last_contact = Some(noon(2026, 11, 20));
        assert_eq!(rules.next_contact_due(&c), day(2026, 11, 27));
    }

    #[test]
    fn stage_default_and_override() {
        let rules = CadenceRules::default();
        let mut c = Customer::empty(CustomerId(1));
        c.created_at = noon(2026, 1, 1);
        c.stage = Stage::Loyalty;
        assert_eq!(rules.cadence_of(&c), 60);
        assert_eq!(rules.next_contact_due(&c), day(2026, 3, 2));
        c.cadence_days = Some(3);
        assert_eq!(rules.next_contact_due(&c), day(2026, 1, 4));
    }

    #[test]
    fn an_earlier_follow_up_brings_the_next_contact_forward() {
        let rules = CadenceRules::default();
        let mut c = Customer::empty(CustomerId(1));
        c.activity.last_contact = Some(noon(2026, 11, 20));
        let today = day(2026, 11, 26);
        // Touched six days ago on a seven-day cadence: not late...
        assert_eq!(rules.next_contact(&c, None), day(2026, 11, 27));
        assert!(!is_overdue(rules.next_contact(&c, None), today));
        // ...unless a follow-up promised for ten days ago is still open.
        let late = rules.next_contact(&c, Some(day(2026, 11, 16)));
        assert_eq!(late, day(2026, 11, 16));
        assert!(is_overdue(late, today));
        // A follow-up after the cadence runs out does not put it off.
        assert_eq!(rules.next_contact(&c, Some(day(2026, 12, 20))), day(2026, 11, 27));
        assert!(!is_overdue(today, today));
    }

    #[test]
    fn later_stages_allow_longer_silence() {
        let rules = CadenceRules::default();
        for pair in Stage::ALL.windows(2) {
            assert!(rules.for_stage(pair[0]) <= rules.for_stage(pair[1]));
        }
        let zero = CadenceRules {
            attract: 0,
            ..Default::default()
        };
        assert_eq!(zero.for_stage(Stage::Attract), 1);
    }
}
