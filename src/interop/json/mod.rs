//! guanxi's own JSON: every customer with its interactions, follow-ups,
//! deals, account plan, factors, SPIN notes and stage history, the
//! organizations (a top-level list, each customer naming its own and the
//! partner that referred it by id) and the team's saved lists, so that
//! exporting and importing again loses nothing. The layout is a contract: fields may be added,
//! never renamed.

pub use super::account_plans::{ObjectiveOut, PlanOut, StrategyOut, TacticOut, plan_of};
pub use super::organizations::OrganizationOut;
pub use super::saved_lists::{FilterOut, ListOut};
use crate::i18n::{t, tf};
use serde::{Deserialize, Serialize};

use crate::domain::dates::{date_to_days, days_to_date, from_millis};
use crate::domain::{
    Channel, Customer, CustomerId, Deal, DealId, DealStatus, Direction, Factor, FollowUp, FollowUpId, Interaction,
    InteractionId, Level, Money, OrganizationId, Plan, PlanTarget, SpinPart, Stage, StageChange,
};

mod read;
pub use read::{EntryError, FullCustomer, ReadExport, looks_like, read};

pub const FORMAT: &str = "guanxi";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    pub version: u32,
    pub customers: Vec<CustomerOut>,
    /// The team's saved lists; left out when there are none (and missing
    /// from exports made before them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<ListOut>,
    /// Every organization; left out when there are none (and missing
    /// from exports made before organizations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<OrganizationOut>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Factors {
    pub trust: Option<u8>,
    pub satisfaction: Option<u8>,
    pub value: Option<u8>,
    pub communication: Option<u8>,
    pub social_bond: Option<u8>,
}

impl From<&crate::domain::Factors> for Factors {
    fn from(f: &crate::domain::Factors) -> Factors {
        Factors {
            trust: f.get(Factor::Trust),
            satisfaction: f.get(Factor::Satisfaction),
            value: f.get(Factor::Value),
            communication: f.get(Factor::Communication),
            social_bond: f.get(Factor::SocialBond),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Spin {
    pub situation: String,
    pub problem: String,
    pub implication: String,
    pub need: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerOut {
    pub id: String,
    pub name: String,
    pub company: String,
    pub title: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub address: String,
    pub tags: Vec<String>,
    pub segment: String,
    pub source: String,
    pub owner: String,
    pub loyalty_tier: String,
    pub notes: String,
    pub stage: String,
    pub level: String,
    pub factors: Factors,
    pub spin: Spin,
    pub cadence_days: Option<u16>,
    pub created_at: String,
    pub created_by: String,
    pub extra: Vec<String>,
    pub interactions: Vec<InteractionOut>,
    pub follow_ups: Vec<FollowUpOut>,
    pub stage_history: Vec<StageChangeOut>,
    /// The ids of customers the user said are not this one's duplicates
    /// (`dupes --not`); left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_duplicates_of: Vec<String>,
    /// Its deals, open and closed; left out when there are none (and
    /// missing from exports made before deals).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deals: Vec<DealOut>,
    /// Its account plan; left out when it has none (and missing from
    /// exports made before plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanOut>,
    /// The id of its organization (in `organizations`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// The id of the organization that referred it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referred_by: Option<String>,
}

impl Default for CustomerOut {
    fn default() -> Self {
        CustomerOut {
            id: String::new(),
            name: String::new(),
            company: String::new(),
            title: String::new(),
            emails: Vec::new(),
            phones: Vec::new(),
            address: String::new(),
            tags: Vec::new(),
            segment: String::new(),
            source: String::new(),
            owner: String::new(),
            loyalty_tier: String::new(),
            notes: String::new(),
            stage: Stage::Attract.key().into(),
            level: Level::Basic.key().into(),
            factors: Factors::default(),
            spin: Spin::default(),
            cadence_days: None,
            created_at: String::new(),
            created_by: String::new(),
            extra: Vec::new(),
            interactions: Vec::new(),
            follow_ups: Vec::new(),
            stage_history: Vec::new(),
            not_duplicates_of: Vec::new(),
            deals: Vec::new(),
            plan: None,
            organization: None,
            referred_by: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InteractionOut {
    pub id: String,
    pub at: String,
    pub channel: String,
    pub direction: String,
    pub summary: String,
    pub body: String,
    pub outcome: String,
    pub satisfaction: Option<u8>,
    pub amount: Option<f64>,
    pub author: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FollowUpOut {
    pub id: String,
    pub due: String,
    pub what: String,
    pub done_at: Option<String>,
    pub author: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DealOut {
    pub id: String,
    pub title: String,
    pub amount: f64,
    /// `YYYY-MM-DD`, when an expected close day was given.
    pub close: Option<String>,
    pub probability: u8,
    pub status: String,
    pub reason: String,
    pub owner: String,
    pub created_at: String,
    pub closed_at: Option<String>,
}

impl DealOut {
    pub fn new(d: &Deal) -> DealOut {
        DealOut {
            id: d.id.to_string(),
            title: d.title.clone(),
            amount: d.amount.as_f64(),
            close: d.close_date().map(|c| c.format("%Y-%m-%d").to_string()),
            probability: d.probability,
            status: d.status.key().into(),
            reason: d.reason.clone(),
            owner: d.owner.clone(),
            created_at: instant(d.created_at),
            closed_at: d.closed_at.map(instant),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StageChangeOut {
    pub at: String,
    pub by: String,
    pub from: String,
    pub to: String,
}

pub(super) fn instant(ms: i64) -> String {
    from_millis(ms).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One customer with everything that belongs to it, ready to write.
pub fn customer_out(
    c: &Customer,
    interactions: &[Interaction],
    follow_ups: &[FollowUp],
    history: &[StageChange],
) -> CustomerOut {
    let spin = |p| c.spin.get(p).to_string();
    let mut interactions: Vec<&Interaction> = interactions.iter().collect();
    interactions.sort_by_key(|i| (i.at, i.id));
    let mut follow_ups: Vec<&FollowUp> = follow_ups.iter().collect();
    follow_ups.sort_by_key(|f| (f.due, f.id));
    let mut history: Vec<&StageChange> = history.iter().collect();
    history.sort_by(|a, b| (a.at, &a.by, a.from, a.to).cmp(&(b.at, &b.by, b.from, b.to)));
    CustomerOut {
        id: c.id.to_string(),
        name: c.name.clone(),
        company: c.company.clone(),
        title: c.title.clone(),
        emails: c.emails.clone(),
        phones: c.phones.clone(),
        address: c.address.clone(),
        tags: c.tags.iter().cloned().collect(),
        segment: c.segment.clone(),
        source: c.source.clone(),
        owner: c.owner.clone(),
        loyalty_tier: c.loyalty_tier.clone(),
        notes: c.notes.clone(),
        stage: c.stage.key().into(),
        level: c.level.key().into(),
        factors: Factors::from(&c.factors),
        spin: Spin {
            situation: spin(SpinPart::Situation),
            problem: spin(SpinPart::Problem),
            implication: spin(SpinPart::Implication),
            need: spin(SpinPart::Need),
        },
        cadence_days: c.cadence_days,
        created_at: instant(c.created_at),
        created_by: c.created_by.clone(),
        extra: c.extra.clone(),
        interactions: interactions
            .into_iter()
            .map(|i| InteractionOut {
                id: i.id.to_string(),
                at: instant(i.at),
                channel: i.channel.key().into(),
                direction: i.direction.key().into(),
                summary: i.summary.clone(),
                body: i.body.clone(),
                outcome: i.outcome.clone(),
                satisfaction: i.satisfaction,
                amount: i.amount.map(Money::as_f64),
                author: i.author.clone(),
            })
            .collect(),
        follow_ups: follow_ups
            .into_iter()
            .map(|f| FollowUpOut {
                id: f.id.to_string(),
                due: f.due_date().format("%Y-%m-%d").to_string(),
                what: f.what.clone(),
                done_at: f.done_at.map(instant),
                author: f.author.clone(),
                created_at: instant(f.created_at),
            })
            .collect(),
        stage_history: history
            .into_iter()
            .map(|h| StageChangeOut {
                at: instant(h.at),
                by: h.by.clone(),
                from: h.from.key().into(),
                to: h.to.key().into(),
            })
            .collect(),
        not_duplicates_of: Vec::new(),
        deals: Vec::new(),
        plan: None,
        // A company without its organization was unlinked on purpose:
        // said with an empty id, so an import does not link it by name.
        organization: match c.organization {
            Some(o) => Some(o.to_string()),
            None if !c.company.trim().is_empty() => Some(String::new()),
            None => None,
        },
        referred_by: c.referred_by.map(|o| o.to_string()),
    }
}

pub(super) fn parse_instant(s: &str, what: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp_millis())
        .map_err(|_| tf("import.error.json_time", &[("field", &what), ("value", &s)]))
}

pub(super) fn id_of(s: &str, what: &str) -> Result<u64, String> {
    (s.len() == 16)
        .then(|| u64::from_str_radix(s, 16).ok())
        .flatten()
        .ok_or_else(|| tf("import.error.json_id", &[("field", &what), ("value", &s)]))
}

/// Writes an export.
/// Writes an export of the customers `customers` yields, one at a time,
/// to `out`: the same text `write` makes, without holding them all.
/// Returns how many were written.
pub fn write_to<W: std::io::Write>(
    out: W,
    customers: impl Iterator<Item = Result<CustomerOut, String>>,
) -> std::io::Result<usize> {
    write_all_to(out, &[], customers, &[])
}

/// [`write_to`] with the workspace's organizations and saved lists after
/// the customers.
pub fn write_all_to<W: std::io::Write>(
    out: W,
    organizations: &[OrganizationOut],
    customers: impl Iterator<Item = Result<CustomerOut, String>>,
    lists: &[ListOut],
) -> std::io::Result<usize> {
    use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
    use std::cell::{Cell, RefCell};

    /// The customers as a sequence serialized while they are read.
    struct Lazy<I> {
        items: RefCell<Option<I>>,
        count: Cell<usize>,
    }
    impl<I: Iterator<Item = Result<CustomerOut, String>>> Serialize for Lazy<I> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut seq = serializer.serialize_seq(None)?;
            if let Some(items) = self.items.borrow_mut().take() {
                for item in items {
                    seq.serialize_element(&item.map_err(serde::ser::Error::custom)?)?;
                    self.count.set(self.count.get() + 1);
                }
            }
            seq.end()
        }
    }
    let lazy = Lazy {
        items: RefCell::new(Some(customers)),
        count: Cell::new(0),
    };
    let mut json = serde_json::Serializer::pretty(out);
    let mut export = json.serialize_struct(
        "Export",
        3 + usize::from(!lists.is_empty()) + usize::from(!organizations.is_empty()),
    )?;
    export.serialize_field("format", FORMAT)?;
    export.serialize_field("version", &VERSION)?;
    export.serialize_field("customers", &lazy)?;
    // In the order of `Export`'s fields, as `write` puts them.
    if !lists.is_empty() {
        export.serialize_field("lists", lists)?;
    }
    if !organizations.is_empty() {
        export.serialize_field("organizations", organizations)?;
    }
    SerializeStruct::end(export)?;
    let mut out = json.into_inner();
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(lazy.count.get())
}

pub fn write(customers: Vec<CustomerOut>) -> String {
    write_all(Vec::new(), customers)
}

/// [`write`] with organizations.
pub fn write_all(organizations: Vec<OrganizationOut>, customers: Vec<CustomerOut>) -> String {
    let export = Export {
        format: FORMAT.into(),
        version: VERSION,
        customers,
        lists: Vec::new(),
        organizations,
    };
    serde_json::to_string_pretty(&export).unwrap_or_default() + "\n"
}

/// A day back from its stored form, for callers that hold one.
pub fn due_day(days: i32) -> chrono::NaiveDate {
    days_to_date(days)
}
