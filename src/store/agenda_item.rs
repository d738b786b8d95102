//! What the agenda lists: a promised follow-up or a stay-in-touch
//! reminder, for one customer, on one day.

use chrono::NaiveDate;

use crate::domain::agenda::{Group, Standing};
use crate::domain::{CustomerId, FollowUp, FollowUpId, Money};

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
}

impl AgendaItem {
    /// What the row is about, whatever its date: the customer and, for a
    /// follow-up, which one.
    pub fn identity(&self) -> (CustomerId, Option<FollowUpId>) {
        match &self.what {
            AgendaWhat::FollowUp(f) => (self.customer, Some(f.id)),
            AgendaWhat::StayInTouch { .. } => (self.customer, None),
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
