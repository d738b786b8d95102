//! How the agenda is read: in groups by when things fall due, and within
//! a group by what is at stake, so a salesperson with hundreds of late
//! contacts knows where to start.
//!
//! What is at stake is the customer's lifetime value times how far past
//! its cadence the contact is (days overdue over cadence days): a large
//! account a week late on a weekly cadence comes before a small one a
//! month late on a monthly one, and before a large one a week late on a
//! two-monthly one. A follow-up is weighed the same way, by its own days
//! overdue over the customer's cadence. At equal stakes the priority
//! segment comes first, then the larger value, then the earlier date.

use std::cmp::Reverse;

use chrono::NaiveDate;

use super::money::Money;

/// The groups of the agenda, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Overdue,
    Today,
    /// Due in the next seven days.
    ThisWeek,
    Later,
}

/// Days after today that still count as this week.
pub const WEEK_DAYS: i64 = 7;

impl Group {
    pub const ALL: [Group; 4] = [Group::Overdue, Group::Today, Group::ThisWeek, Group::Later];

    pub fn of(due: NaiveDate, today: NaiveDate) -> Group {
        match (due - today).num_days() {
            d if d < 0 => Group::Overdue,
            0 => Group::Today,
            d if d <= WEEK_DAYS => Group::ThisWeek,
            _ => Group::Later,
        }
    }

    /// The group's name in JSON and in the locale keys (`agenda.group.*`).
    pub fn key(self) -> &'static str {
        match self {
            Group::Overdue => "overdue",
            Group::Today => "today",
            Group::ThisWeek => "this_week",
            Group::Later => "later",
        }
    }
}

/// What is at stake in a contact `days_overdue` days late (negative when
/// not yet due) with a customer worth `clv` on a `cadence_days` cadence:
/// the value times the share of a cadence it is late by, in hundredths
/// of the currency times 1,000 (whole numbers, so equal stakes are equal).
/// Nothing is at stake before the due day.
pub fn stake(clv: Money, days_overdue: i64, cadence_days: u16) -> i128 {
    let late = i128::from(days_overdue.max(0));
    let value = i128::from(clv.hundredths().max(0));
    value * late * 1000 / i128::from(cadence_days.max(1))
}

/// What places one agenda entry among the others.
#[derive(Debug, Clone, Copy)]
pub struct Standing {
    pub due: NaiveDate,
    pub clv: Money,
    pub cadence_days: u16,
    pub priority: bool,
}

/// The sort key of an entry due on `s.due`: its group, then the larger
/// stake, the priority segment, the larger value and the earlier date.
/// Callers add the name and id to break the last ties.
pub fn rank(s: &Standing, today: NaiveDate) -> (Group, Reverse<i128>, bool, Reverse<Money>, NaiveDate) {
    let days_overdue = (today - s.due).num_days();
    (
        Group::of(s.due, today),
        Reverse(stake(s.clv, days_overdue, s.cadence_days)),
        !s.priority,
        Reverse(s.clv),
        s.due,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn groups_by_when_things_fall_due() {
        let today = day("2026-11-26");
        let at = |d: i64| today.checked_add_signed(chrono::Duration::days(d)).unwrap();
        assert_eq!(Group::of(at(-10), today), Group::Overdue);
        assert_eq!(Group::of(at(-1), today), Group::Overdue);
        assert_eq!(Group::of(today, today), Group::Today);
        assert_eq!(Group::of(at(1), today), Group::ThisWeek);
        assert_eq!(Group::of(at(7), today), Group::ThisWeek);
        assert_eq!(Group::of(at(8), today), Group::Later);
    }

    #[test]
    fn value_at_stake_beats_days_alone() {
        let today = day("2026-11-26");
        let ago = |d: u64| today.checked_sub_days(Days::new(d)).unwrap();
        let big_week_late = Standing {
            due: ago(7),
            clv: Money::from_units(50_000),
            cadence_days: 7,
            priority: false,
        };
        let small_long_late = Standing {
            due: ago(60),
            clv: Money::from_units(1_000),
            cadence_days: 30,
            priority: false,
        };
        let big_week_late_slow = Standing {
            cadence_days: 60,
            ..big_week_late
        };
        let mut all = [small_long_late, big_week_late_slow, big_week_late];
        all.sort_by_key(|s| rank(s, today));
        assert_eq!(all[0].cadence_days, 7);
        assert_eq!(all[1].clv, Money::from_units(50_000));
        assert_eq!(all[2].clv, Money::from_units(1_000));
    }

    #[test]
    fn priority_segment_first_at_equal_stakes_and_groups_stay_apart() {
        let today = day("2026-11-26");
        let plain = Standing {
            due: today,
            clv: Money::from_units(900),
            cadence_days: 14,
            priority: false,
        };
        let priority = Standing {
            clv: Money::from_units(100),
            priority: true,
            ..plain
        };
        // Due today: nothing is late yet, so the stakes are equal.
        assert!(rank(&priority, today) < rank(&plain, today));
        // A worthless contact a day late still comes before anything due today.
        let late = Standing {
            due: today.pred_opt().unwrap(),
            clv: Money::ZERO,
            cadence_days: 14,
            priority: false,
        };
        assert!(rank(&late, today) < rank(&priority, today));
        assert_eq!(stake(Money::from_units(10), -3, 7), 0);
        assert_eq!(stake(Money::from_units(10), 7, 0), 7_000_000);
    }
}
