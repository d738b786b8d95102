//! What a customer's interaction log adds up to: how often and how lately
//! they were in touch, and what they bought.

use serde::{Deserialize, Serialize};

use super::interaction::Interaction;
use super::money::Money;

/// Kept beside each customer by the store, so lists and reminders never
/// read the interaction log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Activity {
    pub interactions: u32,
    /// The latest interaction, milliseconds since the epoch.
    pub last_contact: Option<i64>,
    /// Interactions that carry an amount.
    pub purchases: u32,
    pub revenue: Money,
    pub first_purchase: Option<i64>,
    pub last_purchase: Option<i64>,
}

impl Activity {
    /// Counts one more (live) interaction.
    pub fn add(&mut self, i: &Interaction) {
        self.interactions += 1;
        self.last_contact = Some(self.last_contact.map_or(i.at, |t| t.max(i.at)));
        if let Some(amount) = i.amount {
            self.purchases += 1;
            self.revenue += amount;
            self.first_purchase = Some(self.first_purchase.map_or(i.at, |t| t.min(i.at)));
            self.last_purchase = Some(self.last_purchase.map_or(i.at, |t| t.max(i.at)));
        }
    }

    pub fn from_interactions<'a>(log: impl IntoIterator<Item = &'a Interaction>) -> Activity {
        let mut a = Activity::default();
        for i in log.into_iter().filter(|i| !i.deleted) {
            a.add(i);
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{CustomerId, InteractionId};

    fn interaction(at: i64, amount: Option<i64>) -> Interaction {
        let mut i = Interaction::empty(InteractionId(at as u64), CustomerId(1));
        i.at = at;
        i.amount = amount.map(Money);
        i
    }

    #[test]
    fn sums_purchases_and_tracks_latest_contact() {
        let log = [
            interaction(300, None),
            interaction(100, Some(5_000)),
            interaction(200, Some(2_500)),
        ];
        let a = Activity::from_interactions(&log);
        assert_eq!(a.interactions, 3);
        assert_eq!(a.last_contact, Some(300));
        assert_eq!(a.purchases, 2);
        assert_eq!(a.revenue, Money(7_500));
        assert_eq!(a.first_purchase, Some(100));
        assert_eq!(a.last_purchase, Some(200));
    }

    #[test]
    fn deleted_interactions_do_not_count() {
        let mut gone = interaction(500, Some(1));
        gone.deleted = true;
        let a = Activity::from_interactions(&[interaction(100, None), gone]);
        assert_eq!(a.interactions, 1);
        assert_eq!(a.last_contact, Some(100));
        assert_eq!(a.revenue, Money::ZERO);
    }
}
