//! What the agenda lists: a promised follow-up or a stay-in-touch
//! reminder or a dated tactic of an account plan, for one customer, on
//! one day.

use chrono::NaiveDate;

use super::plans::DueTactic;
use crate::domain::agenda::{Group, Standing};
use crate::domain::{CustomerId, FollowUp, FollowUpId, Money, TacticId};

/// One thing to do on the agenda.
#[derive(Debug, Clone)]
pub struct AgendaItem {
    pub due: NaiveDate,
    pub customer: CustomerId,
    pub what: AgendaWhat,
}

#[derive(Debug, Clone)]
pub enum AgendaWhat {
    /// A promised follow-up (boxed: most items are reminders, which are
    /// small, and the UI keeps one for nearly every customer).
    FollowUp(Box<FollowUp>),
    /// Nobody has been in touch for the customer's cadence.
    StayInTouch { cadence_days: u16, last_touch: i64 },
    /// A dated tactic of the customer's account plan.
    Tactic(Box<DueTactic>),
}

impl AgendaItem {
    /// What the row is about, whatever its date: the customer and, for a
    /// follow-up or tactic, which one.
    pub fn identity(&self) -> (CustomerId, Option<FollowUpId>, Option<TacticId>) {
        match &self.what {
            AgendaWhat::FollowUp(f) => (self.customer, Some(f.id), None),
            AgendaWhat::StayInTouch { .. } => (self.customer, None, None),
            AgendaWhat::Tactic(t) => (self.customer, None, Some(t.tactic)),
        }
    }

    /// Where the item stands among the others (`domain::agenda::rank`),
    /// given its customer's lifetime value, cadence and segment.
    pub fn standing(&self, clv: Money, cadence_days: u16, priority: bool) -> Standing {
        Standing {
            due: self.due,
            clv,
            cadence_days,
            priority,
        }
    }

    /// The item's group on `today`.
    pub fn group(&self, today: NaiveDate) -> Group {
        Group::of(self.due, today)
    }
}
