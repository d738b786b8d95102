//! What comes after a conversation: when to follow up by default, and
//! which stage a relationship may have reached. The UI offers these; the
//! command line can use them too.

use chrono::{Days, NaiveDate};

use super::cadence::CadenceRules;
use super::{Channel, Customer, Stage};

/// The default due date of the next follow-up with `c`: the end of its
/// stay-in-touch cadence from `today`.
pub fn follow_up_due(cadence: &CadenceRules, c: &Customer, today: NaiveDate) -> NaiveDate {
    let days = cadence.cadence_of(c);
    today.checked_add_days(Days::new(u64::from(days))).unwrap_or(today)
}

/// Where logging an interaction suggests moving a relationship: a first
/// contact establishes a lead; a purchase takes an early relationship to
/// the next stage. Otherwise nothing is suggested.
pub fn suggest_stage(stage: Stage, channel: Channel) -> Option<Stage> {
    match (stage, channel) {
        (Stage::Attract, _) => Some(Stage::Establish),
        (Stage::Establish | Stage::Build, Channel::Purchase) => stage.next(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerId;

    #[test]
    fn suggestions_fit_the_stage() {
        assert_eq!(suggest_stage(Stage::Attract, Channel::Call), Some(Stage::Establish));
        assert_eq!(suggest_stage(Stage::Build, Channel::Purchase), Some(Stage::Develop));
        assert_eq!(suggest_stage(Stage::Build, Channel::Call), None);
        assert_eq!(suggest_stage(Stage::Loyalty, Channel::Purchase), None);
    }

    #[test]
    fn the_next_follow_up_is_one_cadence_away() {
        let rules = CadenceRules::default();
        let mut c = Customer::empty(CustomerId(1));
        c.stage = Stage::Maintain;
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let due = follow_up_due(&rules, &c, today);
        assert_eq!((due - today).num_days(), i64::from(rules.for_stage(Stage::Maintain)));
        c.cadence_days = Some(3);
        assert_eq!(
            follow_up_due(&rules, &c, today),
            NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
        );
    }
}
