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
    InteractionId, Level, Money, Organization, OrganizationId, Plan, PlanTarget, SpinPart, Stage, StageChange,
};

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
        factors: Factors {
            trust: c.factors.get(Factor::Trust),
            satisfaction: c.factors.get(Factor::Satisfaction),
            value: c.factors.get(Factor::Value),
            communication: c.factors.get(Factor::Communication),
            social_bond: c.factors.get(Factor::SocialBond),
        },
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

/// A customer read back from the JSON, with everything that belongs to it.
#[derive(Debug, Clone, PartialEq)]
pub struct FullCustomer {
    pub customer: Customer,
    pub interactions: Vec<Interaction>,
    pub follow_ups: Vec<FollowUp>,
    pub history: Vec<StageChange>,
    /// Customers said not to be this one's duplicates.
    pub apart_from: Vec<CustomerId>,
    pub deals: Vec<Deal>,
    pub plan: Option<Plan>,
}

/// Why one customer of a JSON file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", tf("import.error.json_entry", &[("index", index), ("name", name), ("message", message)]))]
pub struct EntryError {
    pub index: usize,
    pub name: String,
    pub message: String,
}

pub(super) fn parse_instant(s: &str, what: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp_millis())
        .map_err(|_| tf("import.error.json_time", &[("field", &what), ("value", &s)]))
}

/// True when the bytes look like guanxi JSON.
pub fn looks_like(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes.get(..4096.min(bytes.len())).unwrap_or_default());
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('{') && t.contains("\"customers\"")
}

/// An export, read: its customers and organizations, each checked on its
/// own, and the saved lists.
#[derive(Debug)]
pub struct ReadExport {
    pub customers: Vec<Result<FullCustomer, EntryError>>,
    pub lists: Vec<ListOut>,
    pub organizations: Vec<Result<Organization, EntryError>>,
    /// The plans of the organizations and saved lists (customers carry
    /// their own): each checked on its own, named by its organization or
    /// list.
    pub plans: Vec<Result<(PlanTarget, Plan), EntryError>>,
}

/// Reads an export: the file must parse as a whole; each customer in it
/// is then checked on its own, so one bad customer is reported and skipped.
pub fn read(bytes: &[u8]) -> Result<ReadExport, serde_json::Error> {
    let text = std::str::from_utf8(bytes)
        .unwrap_or_default()
        .trim_start_matches('\u{feff}');
    let export: Export = serde_json::from_str(text)?;
    let mut plans = Vec::new();
    let mut export = export;
    for (index, o) in export.organizations.iter_mut().enumerate() {
        if let Some(p) = o.plan.take() {
            let target = id_of(&o.id, "organizations.id").map(|id| PlanTarget::Organization(OrganizationId(id)));
            plans.push(target.and_then(|t| Ok((t, plan_of(p)?))).map_err(|message| EntryError {
                index: index + 1,
                name: o.name.clone(),
                message,
            }));
        }
    }
    for (index, l) in export.lists.iter_mut().enumerate() {
        if let Some(p) = l.plan.take() {
            plans.push(
                plan_of(p)
                    .map(|p| (PlanTarget::list(&l.name), p))
                    .map_err(|message| EntryError {
                        index: index + 1,
                        name: l.name.clone(),
                        message,
                    }),
            );
        }
    }
    let organizations = export
        .organizations
        .into_iter()
        .enumerate()
        .map(|(index, o)| {
            let name = o.name.clone();
            o.parse().map_err(|message| EntryError {
                index: index + 1,
                name,
                message,
            })
        })
        .collect();
    let customers = export
        .customers
        .into_iter()
        .enumerate()
        .map(|(index, c)| {
            let name = c.name.clone();
            full(c).map_err(|message| EntryError {
                index: index + 1,
                name,
                message,
            })
        })
        .collect();
    Ok(ReadExport {
        customers,
        lists: export.lists,
        organizations,
        plans,
    })
}

pub(super) fn id_of(s: &str, what: &str) -> Result<u64, String> {
    (s.len() == 16)
        .then(|| u64::from_str_radix(s, 16).ok())
        .flatten()
        .ok_or_else(|| tf("import.error.json_id", &[("field", &what), ("value", &s)]))
}

fn full(c: CustomerOut) -> Result<FullCustomer, String> {
    let id = if c.id.is_empty() {
        None
    } else {
        Some(CustomerId(id_of(&c.id, "id")?))
    };
    let mut out = Customer::empty(id.unwrap_or(CustomerId(0)));
    out.name = c.name;
    out.company = c.company;
    out.organization = match c.organization.as_deref() {
        None => None,
        Some("") => Some(crate::domain::organization::UNLINKED),
        Some(o) => Some(OrganizationId(id_of(o, "organization")?)),
    };
    out.referred_by = c
        .referred_by
        .as_deref()
        .map(|o| id_of(o, "referred_by").map(OrganizationId))
        .transpose()?;
    out.title = c.title;
    out.emails = c.emails;
    out.phones = c.phones;
    out.address = c.address;
    out.tags = c.tags.into_iter().collect();
    out.segment = c.segment;
    out.source = c.source;
    out.owner = c.owner;
    out.loyalty_tier = c.loyalty_tier;
    out.notes = c.notes;
    out.stage = Stage::parse(&c.stage).map_err(|e| e.to_string())?;
    out.level = Level::parse(&c.level).map_err(|e| e.to_string())?;
    for (f, v) in [
        (Factor::Trust, c.factors.trust),
        (Factor::Satisfaction, c.factors.satisfaction),
        (Factor::Value, c.factors.value),
        (Factor::Communication, c.factors.communication),
        (Factor::SocialBond, c.factors.social_bond),
    ] {
        if v.is_some_and(|v| v > 5) {
            return Err(format!("{} must be 0-5", f.key()));
        }
        out.factors.set(f, v);
    }
    out.spin.set(SpinPart::Situation, c.spin.situation);
    out.spin.set(SpinPart::Problem, c.spin.problem);
    out.spin.set(SpinPart::Implication, c.spin.implication);
    out.spin.set(SpinPart::Need, c.spin.need);
    out.cadence_days = c.cadence_days;
    if !c.created_at.is_empty() {
        out.created_at = parse_instant(&c.created_at, "created_at")?;
    }
    out.created_by = c.created_by;
    out.extra = c.extra;
    let cid = out.id;
    let interactions = c
        .interactions
        .into_iter()
        .map(|i| {
            let mut x = Interaction::empty(InteractionId(id_of(&i.id, "interactions.id")?), cid);
            x.at = parse_instant(&i.at, "interactions.at")?;
            x.channel = Channel::parse(&i.channel).map_err(|e| e.to_string())?;
            x.direction = if i.direction.is_empty() {
                Direction::Outbound
            } else {
                Direction::parse(&i.direction).map_err(|e| e.to_string())?
            };
            x.summary = i.summary;
            x.body = i.body;
            x.outcome = i.outcome;
            if i.satisfaction.is_some_and(|s| !(1..=5).contains(&s)) {
                return Err(t("import.error.json_satisfaction").to_string());
            }
            x.satisfaction = i.satisfaction;
            x.amount = i.amount.map(Money::from_f64);
            x.author = i.author;
            Ok(x)
        })
        .collect::<Result<Vec<_>, String>>()?;
    let follow_ups = c
        .follow_ups
        .into_iter()
        .map(|f| {
            let mut x = FollowUp::empty(FollowUpId(id_of(&f.id, "follow_ups.id")?), cid);
            let due = chrono::NaiveDate::parse_from_str(&f.due, "%Y-%m-%d")
                .map_err(|_| tf("import.error.json_due", &[("value", &f.due)]))?;
            x.due = date_to_days(due);
            x.what = f.what;
            x.done_at = f
                .done_at
                .as_deref()
                .map(|d| parse_instant(d, "follow_ups.done_at"))
                .transpose()?;
            x.author = f.author;
            if !f.created_at.is_empty() {
                x.created_at = parse_instant(&f.created_at, "follow_ups.created_at")?;
            }
            Ok(x)
        })
        .collect::<Result<Vec<_>, String>>()?;
    let history = c
        .stage_history
        .into_iter()
        .map(|h| {
            Ok(StageChange {
                at: parse_instant(&h.at, "stage_history.at")?,
                by: h.by,
                from: Stage::parse(&h.from).map_err(|e| e.to_string())?,
                to: Stage::parse(&h.to).map_err(|e| e.to_string())?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let apart_from = c
        .not_duplicates_of
        .iter()
        .map(|id| id_of(id, "not_duplicates_of").map(CustomerId))
        .collect::<Result<Vec<_>, String>>()?;
    let deals = c
        .deals
        .into_iter()
        .map(|d| {
            let mut x = Deal::empty(DealId(id_of(&d.id, "deals.id")?), cid);
            x.title = d.title;
            x.amount = Money::from_f64(d.amount);
            x.close = d
                .close
                .as_deref()
                .map(|c| {
                    chrono::NaiveDate::parse_from_str(c, "%Y-%m-%d")
                        .map(date_to_days)
                        .map_err(|_| tf("import.error.json_due", &[("value", &c)]))
                })
                .transpose()?;
            if d.probability > 100 {
                return Err(crate::domain::InputError::BadProbability(d.probability.to_string()).to_string());
            }
            x.probability = d.probability;
            x.status =
                DealStatus::parse(&d.status).ok_or_else(|| tf("error.unknown_deal_status", &[("value", &d.status)]))?;
            x.reason = d.reason;
            x.owner = d.owner;
            if !d.created_at.is_empty() {
                x.created_at = parse_instant(&d.created_at, "deals.created_at")?;
            }
            x.closed_at = d
                .closed_at
                .as_deref()
                .map(|c| parse_instant(c, "deals.closed_at"))
                .transpose()?;
            Ok(x)
        })
        .collect::<Result<Vec<_>, String>>()?;
    let plan = c.plan.map(plan_of).transpose()?;
    Ok(FullCustomer {
        customer: out,
        interactions,
        follow_ups,
        history,
        apart_from,
        deals,
        plan,
    })
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
