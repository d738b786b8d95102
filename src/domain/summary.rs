//! The figures a salesperson reads beside a customer's name, derived from
//! the record and the team's rules at a given moment.

use chrono::NaiveDate;

use super::Rules;
use super::customer::Customer;
use super::money::Money;
use super::value::lifetime_value;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// 0-100, `None` until a factor is scored.
    pub health: Option<u8>,
    pub revenue: Money,
    pub clv: Money,
    pub cadence_days: u16,
    /// The next contact: the earlier of the stay-in-touch day and the
    /// earliest open follow-up (`cadence::next_contact`).
    pub next_contact_due: NaiveDate,
}

impl Summary {
    /// `earliest_follow_up`: the due day of the customer's earliest open
    /// follow-up, if any.
    pub fn of(c: &Customer, rules: &Rules, now_ms: i64, earliest_follow_up: Option<NaiveDate>) -> Summary {
        Summary {
            health: c.factors.health(),
            revenue: c.activity.revenue,
            clv: lifetime_value(&c.activity, now_ms, &rules.clv),
            cadence_days: rules.cadence.cadence_of(c),
            next_contact_due: rules.cadence.next_contact(c, earliest_follow_up),
        }
    }
}
