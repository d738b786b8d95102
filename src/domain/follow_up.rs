//! A promised next step with a customer, and when it is due.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::days_to_date;
use super::ids::{CustomerId, FollowUpId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub customer: CustomerId,
    /// The due day, as days since 0001-01-01 (see `dates::date_to_days`).
    pub due: i32,
    pub what: String,
    /// When it was marked done, milliseconds since the epoch.
    pub done_at: Option<i64>,
    pub author: String,
    pub created_at: i64,
    pub deleted: bool,
}

impl FollowUp {
    pub fn empty(id: FollowUpId, customer: CustomerId) -> FollowUp {
        FollowUp {
            id,
            customer,
            due: 0,
            what: String::new(),
            done_at: None,
            author: String::new(),
            created_at: 0,
            deleted: false,
        }
    }

    pub fn due_date(&self) -> NaiveDate {
        days_to_date(self.due)
    }

    pub fn is_open(&self) -> bool {
        self.done_at.is_none() && !self.deleted
    }

    /// The due day of the earliest open follow-up among `all`.
    pub fn earliest_open<'a>(all: impl IntoIterator<Item = &'a FollowUp>) -> Option<NaiveDate> {
        all.into_iter().filter(|f| f.is_open()).map(FollowUp::due_date).min()
    }

    pub fn to_fields(&self) -> Vec<FollowUpField> {
        vec![
            FollowUpField::Customer(self.customer),
            FollowUpField::Due(self.due),
            FollowUpField::What(self.what.clone()),
            FollowUpField::Done(self.done_at),
            FollowUpField::Author(self.author.clone()),
            FollowUpField::CreatedAt(self.created_at),
            FollowUpField::Deleted(self.deleted),
        ]
    }
}

/// Stored by position in the journal: never reorder, only append.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FollowUpField {
    Customer(CustomerId),
    Due(i32),
    What(String),
    Done(Option<i64>),
    Author(String),
    CreatedAt(i64),
    Deleted(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FollowUpKey {
    Customer,
    Due,
    What,
    Done,
    Author,
    CreatedAt,
    Deleted,
}

impl FollowUpField {
    pub fn key(&self) -> FollowUpKey {
        match self {
            FollowUpField::Customer(_) => FollowUpKey::Customer,
            FollowUpField::Due(_) => FollowUpKey::Due,
            FollowUpField::What(_) => FollowUpKey::What,
            FollowUpField::Done(_) => FollowUpKey::Done,
            FollowUpField::Author(_) => FollowUpKey::Author,
            FollowUpField::CreatedAt(_) => FollowUpKey::CreatedAt,
            FollowUpField::Deleted(_) => FollowUpKey::Deleted,
        }
    }

    pub fn apply_to(self, f: &mut FollowUp) {
        match self {
            FollowUpField::Customer(v) => f.customer = v,
            FollowUpField::Due(v) => f.due = v,
            FollowUpField::What(v) => f.what = v,
            FollowUpField::Done(v) => f.done_at = v,
            FollowUpField::Author(v) => f.author = v,
            FollowUpField::CreatedAt(v) => f.created_at = v,
            FollowUpField::Deleted(v) => f.deleted = v,
        }
    }
}

impl FollowUpKey {
    pub fn read(&self, f: &FollowUp) -> FollowUpField {
        match self {
            FollowUpKey::Customer => FollowUpField::Customer(f.customer),
            FollowUpKey::Due => FollowUpField::Due(f.due),
            FollowUpKey::What => FollowUpField::What(f.what.clone()),
            FollowUpKey::Done => FollowUpField::Done(f.done_at),
            FollowUpKey::Author => FollowUpField::Author(f.author.clone()),
            FollowUpKey::CreatedAt => FollowUpField::CreatedAt(f.created_at),
            FollowUpKey::Deleted => FollowUpField::Deleted(f.deleted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_until_done_or_deleted() {
        let mut f = FollowUp::empty(FollowUpId(1), CustomerId(1));
        assert!(f.is_open());
        FollowUpField::Done(Some(5)).apply_to(&mut f);
        assert!(!f.is_open());
        FollowUpField::Done(None).apply_to(&mut f);
        FollowUpField::Deleted(true).apply_to(&mut f);
        assert!(!f.is_open());
        for field in f.to_fields() {
            assert_eq!(field.key().read(&f), field);
        }
    }
}
