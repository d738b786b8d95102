//! One touchpoint with a customer (seeds 001, 002): a call, a meeting, a
//! purchase... The log of these is what the salesperson reads before the
//! next conversation.

use serde::{Deserialize, Serialize};

use super::channel::{Channel, Direction};
use super::error::InputError;
use super::ids::{CustomerId, InteractionId};
use super::money::Money;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub id: InteractionId,
    pub customer: CustomerId,
    /// When it happened, milliseconds since the epoch.
    pub at: i64,
    pub channel: Channel,
    pub direction: Direction,
    pub summary: String,
    pub body: String,
    pub outcome: String,
    /// How the experience compared with what was promised, 1-5 (seed 002).
    pub satisfaction: Option<u8>,
    /// What the customer paid, for purchases.
    pub amount: Option<Money>,
    pub author: String,
    pub deleted: bool,
}

impl Interaction {
    pub fn empty(id: InteractionId, customer: CustomerId) -> Interaction {
        Interaction {
            id,
            customer,
            at: 0,
            channel: Channel::Other,
            direction: Direction::Outbound,
            summary: String::new(),
            body: String::new(),
            outcome: String::new(),
            satisfaction: None,
            amount: None,
            author: String::new(),
            deleted: false,
        }
    }

    pub fn to_fields(&self) -> Vec<InteractionField> {
        vec![
            InteractionField::Customer(self.customer),
            InteractionField::At(self.at),
            InteractionField::Channel(self.channel),
            InteractionField::Direction(self.direction),
            InteractionField::Summary(self.summary.clone()),
            InteractionField::Body(self.body.clone()),
            InteractionField::Outcome(self.outcome.clone()),
            InteractionField::Satisfaction(self.satisfaction),
            InteractionField::Amount(self.amount),
            InteractionField::Author(self.author.clone()),
            InteractionField::Deleted(self.deleted),
        ]
    }
}

/// Parses a satisfaction rating typed by a user: 1-5.
pub fn parse_satisfaction(s: &str) -> Result<u8, InputError> {
    match s.trim().parse::<u8>() {
        Ok(n @ 1..=5) => Ok(n),
        _ => Err(InputError::BadSatisfaction(s.trim().to_string())),
    }
}

/// Stored by position in the journal: never reorder, only append.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InteractionField {
    /// Which customer it belongs to; changes when duplicates are merged.
    Customer(CustomerId),
    At(i64),
    Channel(Channel),
    Direction(Direction),
    Summary(String),
    Body(String),
    Outcome(String),
    Satisfaction(Option<u8>),
    Amount(Option<Money>),
    Author(String),
    Deleted(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum InteractionKey {
    Customer,
    At,
    Channel,
    Direction,
    Summary,
    Body,
    Outcome,
    Satisfaction,
    Amount,
    Author,
    Deleted,
}

impl InteractionField {
    pub fn key(&self) -> InteractionKey {
        match self {
            InteractionField::Customer(_) => InteractionKey::Customer,
            InteractionField::At(_) => InteractionKey::At,
            InteractionField::Channel(_) => InteractionKey::Channel,
            InteractionField::Direction(_) => InteractionKey::Direction,
            InteractionField::Summary(_) => InteractionKey::Summary,
            InteractionField::Body(_) => InteractionKey::Body,
            InteractionField::Outcome(_) => InteractionKey::Outcome,
            InteractionField::Satisfaction(_) => InteractionKey::Satisfaction,
            InteractionField::Amount(_) => InteractionKey::Amount,
            InteractionField::Author(_) => InteractionKey::Author,
            InteractionField::Deleted(_) => InteractionKey::Deleted,
        }
    }

    pub fn apply_to(self, i: &mut Interaction) {
        match self {
            InteractionField::Customer(v) => i.customer = v,
            InteractionField::At(v) => i.at = v,
            InteractionField::Channel(v) => i.channel = v,
            InteractionField::Direction(v) => i.direction = v,
            InteractionField::Summary(v) => i.summary = v,
            InteractionField::Body(v) => i.body = v,
            InteractionField::Outcome(v) => i.outcome = v,
            InteractionField::Satisfaction(v) => i.satisfaction = v,
            InteractionField::Amount(v) => i.amount = v,
            InteractionField::Author(v) => i.author = v,
            InteractionField::Deleted(v) => i.deleted = v,
        }
    }
}

impl InteractionKey {
    pub fn read(&self, i: &Interaction) -> InteractionField {
        match self {
            InteractionKey::Customer => InteractionField::Customer(i.customer),
            InteractionKey::At => InteractionField::At(i.at),
            InteractionKey::Channel => InteractionField::Channel(i.channel),
            InteractionKey::Direction => InteractionField::Direction(i.direction),
            InteractionKey::Summary => InteractionField::Summary(i.summary.clone()),
            InteractionKey::Body => InteractionField::Body(i.body.clone()),
            InteractionKey::Outcome => InteractionField::Outcome(i.outcome.clone()),
            InteractionKey::Satisfaction => InteractionField::Satisfaction(i.satisfaction),
            InteractionKey::Amount => InteractionField::Amount(i.amount),
            InteractionKey::Author => InteractionField::Author(i.author.clone()),
            InteractionKey::Deleted => InteractionField::Deleted(i.deleted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn satisfaction_range() {
        assert_eq!(parse_satisfaction("5").unwrap(), 5);
        assert_eq!(parse_satisfaction(" 1 ").unwrap(), 1);
        for bad in ["0", "6", "7", "", "x", "-1"] {
            assert!(parse_satisfaction(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fields_round_trip() {
        let mut i = Interaction::empty(InteractionId(1), CustomerId(2));
        i.summary = "Gọi điện tư vấn".into();
        i.amount = Some(Money(12_345));
        let mut copy = Interaction::empty(InteractionId(1), CustomerId(9));
        for f in i.to_fields() {
            let k = f.key();
            f.clone().apply_to(&mut copy);
            assert_eq!(k.read(&copy), f);
        }
        assert_eq!(copy, i);
    }
}
