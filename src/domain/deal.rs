//! A deal: a hoped-for purchase from a customer, with how likely it is and
//! when it should close. Open deals make the forecast: each counts for its
//! amount weighted by its probability.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::days_to_date;
use super::error::InputError;
use super::ids::{CustomerId, DealId};
use super::money::Money;
use super::names::closed_enum;
use super::stage::Stage;

closed_enum! {
    /// Where a deal stands.
    pub enum DealStatus in "deal_status" {
        Open = "open",
        Won = "won",
        Lost = "lost",
    }
}

impl DealStatus {
    pub fn parse(s: &str) -> Option<DealStatus> {
        Self::named(s)
    }
}

/// The probability, in percent, a deal gets when it is added without one:
/// by the customer's relationship stage, overridable per stage in the
/// config (`[deal_probability]`). The defaults grow with the relationship:
/// a stranger being attracted rarely buys what is pitched (10), a customer
/// being built up buys often enough to plan on a third (30), a loyal one
/// nearly always (90).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DealProbability {
    pub attract: u8,
    pub establish: u8,
    pub build: u8,
    pub develop: u8,
    pub maintain: u8,
    pub consolidate: u8,
    pub loyalty: u8,
}

impl Default for DealProbability {
    fn default() -> Self {
        DealProbability {
            attract: 10,
            establish: 20,
            build: 30,
            develop: 50,
            maintain: 60,
            consolidate: 75,
            loyalty: 90,
        }
    }
}

impl DealProbability {
    /// The default probability of a deal with a customer in `stage`.
    pub fn for_stage(&self, stage: Stage) -> u8 {
        self.for_stage_raw(stage).min(100)
    }

    /// Every stage's key and value, in stage order (for checks and docs).
    pub fn entries(&self) -> [(Stage, u8); 7] {
        Stage::ALL.map(|s| (s, self.for_stage_raw(s)))
    }

    fn for_stage_raw(&self, stage: Stage) -> u8 {
        match stage {
            Stage::Attract => self.attract,
            Stage::Establish => self.establish,
            Stage::Build => self.build,
            Stage::Develop => self.develop,
            Stage::Maintain => self.maintain,
            Stage::Consolidate => self.consolidate,
            Stage::Loyalty => self.loyalty,
        }
    }
}

/// `amount × probability / 100`, rounded to the hundredth.
pub fn weighted(amount: Money, probability: u8) -> Money {
    let p = i128::from(probability.min(100));
    let v = (i128::from(amount.hundredths()) * p + 50 * i128::from(amount.hundredths().signum())) / 100;
    Money(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
}

/// Reads a probability as typed: a whole number of percent, 0 to 100
/// (a trailing `%` allowed).
pub fn parse_probability(s: &str) -> Result<u8, InputError> {
    let t = s.trim();
    t.strip_suffix('%')
        .unwrap_or(t)
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|p| *p <= 100)
        .ok_or_else(|| InputError::BadProbability(t.to_string()))
}

/// A deal's title as typed: trimmed, not empty, one line's length at most.
pub fn check_title(s: &str) -> Result<String, InputError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(InputError::Empty { field: "deal_title" });
    }
    super::validate::within("field.deal.title", t, super::validate::LINE_LIMIT)?;
    Ok(t.to_string())
}

/// Why a deal was lost, as typed: a reason is required.
pub fn check_reason(s: &str) -> Result<String, InputError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(InputError::Empty { field: "lost_reason" });
    }
    super::validate::within("field.deal.reason", t, super::validate::LINE_LIMIT)?;
    Ok(t.to_string())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deal {
    pub id: DealId,
    pub customer: CustomerId,
    pub title: String,
    pub amount: Money,
    /// The expected close day, as days since 0001-01-01 (see
    /// `dates::date_to_days`), when one was given.
    pub close: Option<i32>,
    /// In percent, set when the deal was added.
    pub probability: u8,
    pub status: DealStatus,
    /// Why it was lost; empty otherwise.
    pub reason: String,
    pub owner: String,
    pub created_at: i64,
    /// When it was won or lost, milliseconds since the epoch.
    pub closed_at: Option<i64>,
    pub deleted: bool,
}

impl Deal {
    pub fn empty(id: DealId, customer: CustomerId) -> Deal {
        Deal {
            id,
            customer,
            title: String::new(),
            amount: Money::ZERO,
            close: None,
            probability: 0,
            status: DealStatus::Open,
            reason: String::new(),
            owner: String::new(),
            created_at: 0,
            closed_at: None,
            deleted: false,
        }
    }

    pub fn close_date(&self) -> Option<NaiveDate> {
        self.close.map(days_to_date)
    }

    pub fn is_open(&self) -> bool {
        self.status == DealStatus::Open && !self.deleted
    }

    /// Still open after its expected close day.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.close_date().is_some_and(|d| d < today)
    }

    /// What it counts for in the forecast: its amount weighted by its
    /// probability while open, all of it once won, nothing once lost.
    pub fn weighted(&self) -> Money {
        match self.status {
            DealStatus::Open => weighted(self.amount, self.probability),
            DealStatus::Won => self.amount,
            DealStatus::Lost => Money::ZERO,
        }
    }

    pub fn to_fields(&self) -> Vec<DealField> {
        vec![
            DealField::Customer(self.customer),
            DealField::Title(self.title.clone()),
            DealField::Amount(self.amount),
            DealField::Close(self.close),
            DealField::Probability(self.probability),
            DealField::Status(self.status),
            DealField::Reason(self.reason.clone()),
            DealField::Owner(self.owner.clone()),
            DealField::CreatedAt(self.created_at),
            DealField::ClosedAt(self.closed_at),
            DealField::Deleted(self.deleted),
        ]
    }
}

/// Stored by position in the journal: never reorder, only append.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DealField {
    Customer(CustomerId),
    Title(String),
    Amount(Money),
    Close(Option<i32>),
    Probability(u8),
    Status(DealStatus),
    Reason(String),
    Owner(String),
    CreatedAt(i64),
    ClosedAt(Option<i64>),
    Deleted(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DealKey {
    Customer,
    Title,
    Amount,
    Close,
    Probability,
    Status,
    Reason,
    Owner,
    CreatedAt,
    ClosedAt,
    Deleted,
}

impl DealField {
    pub fn key(&self) -> DealKey {
        match self {
            DealField::Customer(_) => DealKey::Customer,
            DealField::Title(_) => DealKey::Title,
            DealField::Amount(_) => DealKey::Amount,
            DealField::Close(_) => DealKey::Close,
            DealField::Probability(_) => DealKey::Probability,
            DealField::Status(_) => DealKey::Status,
            DealField::Reason(_) => DealKey::Reason,
            DealField::Owner(_) => DealKey::Owner,
            DealField::CreatedAt(_) => DealKey::CreatedAt,
            DealField::ClosedAt(_) => DealKey::ClosedAt,
            DealField::Deleted(_) => DealKey::Deleted,
        }
    }

    pub fn apply_to(self, d: &mut Deal) {
        match self {
            DealField::Customer(v) => d.customer = v,
            DealField::Title(v) => d.title = v,
            DealField::Amount(v) => d.amount = v,
            DealField::Close(v) => d.close = v,
            DealField::Probability(v) => d.probability = v,
            DealField::Status(v) => d.status = v,
            DealField::Reason(v) => d.reason = v,
            DealField::Owner(v) => d.owner = v,
            DealField::CreatedAt(v) => d.created_at = v,
            DealField::ClosedAt(v) => d.closed_at = v,
            DealField::Deleted(v) => d.deleted = v,
        }
    }
}

impl DealKey {
    pub fn read(&self, d: &Deal) -> DealField {
        match self {
            DealKey::Customer => DealField::Customer(d.customer),
            DealKey::Title => DealField::Title(d.title.clone()),
            DealKey::Amount => DealField::Amount(d.amount),
            DealKey::Close => DealField::Close(d.close),
            DealKey::Probability => DealField::Probability(d.probability),
            DealKey::Status => DealField::Status(d.status),
            DealKey::Reason => DealField::Reason(d.reason.clone()),
            DealKey::Owner => DealField::Owner(d.owner.clone()),
            DealKey::CreatedAt => DealField::CreatedAt(d.created_at),
            DealKey::ClosedAt => DealField::ClosedAt(d.closed_at),
            DealKey::Deleted => DealField::Deleted(d.deleted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::date_to_days;

    #[test]
    fn probability_defaults_grow_with_the_stage() {
        let p = DealProbability::default();
        assert_eq!(p.for_stage(Stage::Attract), 10);
        assert_eq!(p.for_stage(Stage::Build), 30);
        assert_eq!(p.for_stage(Stage::Loyalty), 90);
        let all: Vec<u8> = Stage::ALL.iter().map(|s| p.for_stage(*s)).collect();
        assert!(all.windows(2).all(|w| w[0] < w[1]), "{all:?}");
        let custom = DealProbability { build: 45, ..p };
        assert_eq!(custom.for_stage(Stage::Build), 45);
        assert_eq!(DealProbability { loyalty: 250, ..p }.for_stage(Stage::Loyalty), 100);
    }

    #[test]
    fn weighted_is_amount_times_probability() {
        assert_eq!(weighted(Money::from_units(1_000_000), 30), Money::from_units(300_000));
        assert_eq!(weighted(Money(1001), 50), Money(501));
        assert_eq!(weighted(Money(-1001), 50), Money(-501));
        assert_eq!(weighted(Money::from_units(7), 0), Money::ZERO);
        assert_eq!(weighted(Money::from_units(7), 100), Money::from_units(7));
        assert_eq!(weighted(Money(i64::MAX), 100), Money(i64::MAX));
        let mut d = Deal::empty(DealId(1), CustomerId(1));
        d.amount = Money::from_units(200);
        d.probability = 25;
        assert_eq!(d.weighted(), Money::from_units(50));
        d.status = DealStatus::Won;
        assert_eq!(d.weighted(), Money::from_units(200));
        d.status = DealStatus::Lost;
        assert_eq!(d.weighted(), Money::ZERO);
    }

    #[test]
    fn typed_values_are_checked() {
        assert_eq!(parse_probability("40"), Ok(40));
        assert_eq!(parse_probability(" 100% "), Ok(100));
        assert_eq!(parse_probability("0"), Ok(0));
        for bad in ["101", "-5", "half", "", "4.5"] {
            assert!(parse_probability(bad).is_err(), "{bad}");
        }
        assert_eq!(check_title("  Renewal  "), Ok("Renewal".to_string()));
        assert!(check_title("  ").is_err());
        assert!(check_reason("").is_err());
        assert_eq!(check_reason(" price "), Ok("price".to_string()));
    }

    #[test]
    fn overdue_only_while_open_past_close() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let mut d = Deal::empty(DealId(1), CustomerId(1));
        assert!(!d.is_overdue(today));
        d.close = Some(date_to_days(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()));
        assert!(d.is_overdue(today));
        d.close = Some(date_to_days(today));
        assert!(!d.is_overdue(today));
        d.close = Some(date_to_days(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()));
        d.status = DealStatus::Won;
        assert!(!d.is_overdue(today));
        for field in d.to_fields() {
            assert_eq!(field.key().read(&d), field);
        }
    }
}
