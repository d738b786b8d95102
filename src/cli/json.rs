//! The JSON the CLI prints: a stable contract for scripts and tests.
//! Field names are snake_case and never renamed; new fields may be added.
//! Instants are RFC 3339 in UTC, days are `YYYY-MM-DD`, money is a number.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::dates::from_millis;
use crate::domain::{Customer, Deal, FollowUp, Interaction, Money, SpinPart, StageChange, Summary, Tier};
use crate::interop::json::Factors;
use crate::store::{AgendaItem, AgendaWhat, CustomerRecord, DueTactic};

/// Prints `items` to stdout as one JSON array, each written as it comes,
/// so the output of any size takes no more memory than one item. A reader
/// that stops early (`guanxi list --json | head`) ends it quietly.
pub fn print_array<T: Serialize>(items: impl Iterator<Item = anyhow::Result<T>>) -> anyhow::Result<()> {
    use serde::ser::{SerializeSeq, Serializer};
    use std::io::Write;
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut json = serde_json::Serializer::pretty(out);
    let written = (|| -> anyhow::Result<()> {
        let mut seq = json.serialize_seq(None)?;
        for item in items {
            seq.serialize_element(&item?)?;
        }
        seq.end()?;
        let mut out = json.into_inner();
        out.write_all(b"\n")?;
        out.flush()?;
        Ok(())
    })();
    match written {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .map(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(|j| j.io_error_kind())
                    .map(|k| k == std::io::ErrorKind::BrokenPipe)
            })
            .unwrap_or(false)
    })
}

fn instant(ms: i64) -> String {
    from_millis(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn money(m: Money) -> f64 {
    m.as_f64()
}

#[derive(Serialize)]
pub struct CustomerJson {
    id: String,
    name: String,
    company: String,
    title: String,
    stage: &'static str,
    level: &'static str,
    emails: Vec<String>,
    phones: Vec<String>,
    tags: Vec<String>,
    segment: String,
    source: String,
    owner: String,
    /// The customer's tier: set by hand, else the highest `[[tiers]]` rule
    /// it meets; empty when neither.
    loyalty_tier: String,
    /// `"manual"`, `"rule"`, or null when there is no tier.
    tier_source: Option<&'static str>,
    /// The tier's relationship price, percent off; null when the tier has
    /// no rule (or there is no tier).
    discount: Option<f64>,
    health: Option<u8>,
    factors: Factors,
    revenue: f64,
    clv: f64,
    purchases: u32,
    interaction_count: u32,
    last_contact: Option<String>,
    cadence_days: u16,
    next_contact_due: String,
    created_at: String,
    created_by: String,
    updated_at: String,
    /// In the priority segment (the saved list marked priority, else the
    /// config's `priority_segment`): what `★` marks in tables.
    priority: bool,
    /// The id of its organization (`org show`), or null.
    organization: Option<String>,
    /// The id of the organization that referred it, or null.
    referred_by: Option<String>,
}

impl CustomerJson {
    /// Says whether the customer is in the priority segment.
    pub fn in_priority(mut self, priority: bool) -> CustomerJson {
        self.priority = priority;
        self
    }

    /// `tier`: the customer's tier (`Rules::tier_of`).
    pub fn new(rec: &CustomerRecord, summary: &Summary, tier: Option<&Tier>) -> CustomerJson {
        let c = &rec.customer;
        CustomerJson {
            id: c.id.to_string(),
            name: c.name.clone(),
            company: c.company.clone(),
            title: c.title.clone(),
            stage: c.stage.key(),
            level: c.level.key(),
            emails: c.emails.clone(),
            phones: c.phones.clone(),
            tags: c.tags.iter().cloned().collect(),
            segment: c.segment.clone(),
            source: c.source.clone(),
            owner: c.owner.clone(),
            loyalty_tier: tier.map(|t| t.name.clone()).unwrap_or_default(),
            tier_source: tier.map(|t| t.source.key()),
            discount: tier.and_then(|t| t.discount),
            health: summary.health,
            factors: Factors::from(&c.factors),
            revenue: money(summary.revenue),
            clv: money(summary.clv),
            purchases: c.activity.purchases,
            interaction_count: c.activity.interactions,
            last_contact: c.activity.last_contact.map(instant),
            cadence_days: summary.cadence_days,
            next_contact_due: day(summary.next_contact_due),
            created_at: instant(c.created_at),
            created_by: c.created_by.clone(),
            updated_at: instant(rec.updated_at()),
            priority: false,
            organization: c.organization.map(|o| o.to_string()),
            referred_by: c.referred_by.map(|o| o.to_string()),
        }
    }
}

#[derive(Serialize)]
pub struct Spin {
    situation: String,
    problem: String,
    implication: String,
    need: String,
}

#[derive(Serialize)]
pub struct InteractionJson {
    id: String,
    at: String,
    channel: &'static str,
    direction: &'static str,
    summary: String,
    body: String,
    outcome: String,
    satisfaction: Option<u8>,
    amount: Option<f64>,
    author: String,
}

impl InteractionJson {
    pub fn new(i: &Interaction) -> InteractionJson {
        InteractionJson {
            id: i.id.to_string(),
            at: instant(i.at),
            channel: i.channel.key(),
            direction: i.direction.key(),
            summary: i.summary.clone(),
            body: i.body.clone(),
            outcome: i.outcome.clone(),
            satisfaction: i.satisfaction,
            amount: i.amount.map(money),
            author: i.author.clone(),
        }
    }
}

#[derive(Serialize)]
pub struct FollowUpJson {
    id: String,
    due: String,
    what: String,
    done: bool,
    done_at: Option<String>,
    author: String,
    created_at: String,
}

impl FollowUpJson {
    pub fn new(f: &FollowUp) -> FollowUpJson {
        FollowUpJson {
            id: f.id.to_string(),
            due: day(f.due_date()),
            what: f.what.clone(),
            done: f.done_at.is_some(),
            done_at: f.done_at.map(instant),
            author: f.author.clone(),
            created_at: instant(f.created_at),
        }
    }
}

#[derive(Serialize)]
pub struct StageChangeJson {
    at: String,
    by: String,
    from: &'static str,
    to: &'static str,
}

#[derive(Serialize)]
pub struct CustomerDetailJson {
    #[serde(flatten)]
    customer: CustomerJson,
    /// Names and companies a merge kept beside the record's own.
    other_names: Vec<String>,
    other_companies: Vec<String>,
    address: String,
    notes: String,
    spin: Spin,
    cadence_override: Option<u16>,
    interactions: Vec<InteractionJson>,
    follow_ups: Vec<FollowUpJson>,
    stage_history: Vec<StageChangeJson>,
    deals: Vec<DealJson>,
}

impl CustomerDetailJson {
    /// Says whether the customer is in the priority segment.
    pub fn in_priority(mut self, priority: bool) -> CustomerDetailJson {
        self.customer.priority = priority;
        self
    }

    /// The customer's deals, as `deal list --json` gives them.
    pub fn with_deals(mut self, deals: &[Deal]) -> CustomerDetailJson {
        let name = &self.customer.name;
        self.deals = deals.iter().map(|d| DealJson::new(d, name.clone())).collect();
        self
    }

    pub fn new(
        rec: &CustomerRecord,
        summary: &Summary,
        tier: Option<&Tier>,
        interactions: &[Interaction],
        follow_ups: &[FollowUp],
        history: &[StageChange],
    ) -> CustomerDetailJson {
        let c = &rec.customer;
        CustomerDetailJson {
            customer: CustomerJson::new(rec, summary, tier),
            other_names: crate::domain::kept::other_names(&c.extra),
            other_companies: crate::domain::kept::other_companies(&c.extra),
            address: c.address.clone(),
            notes: c.notes.clone(),
            spin: Spin {
                situation: c.spin.get(SpinPart::Situation).to_string(),
                problem: c.spin.get(SpinPart::Problem).to_string(),
                implication: c.spin.get(SpinPart::Implication).to_string(),
                need: c.spin.get(SpinPart::Need).to_string(),
            },
            cadence_override: c.cadence_days,
            interactions: interactions.iter().map(InteractionJson::new).collect(),
            follow_ups: follow_ups.iter().map(FollowUpJson::new).collect(),
            stage_history: history
                .iter()
                .map(|h| StageChangeJson {
                    at: instant(h.at),
                    by: h.by.clone(),
                    from: h.from.key(),
                    to: h.to.key(),
                })
                .collect(),
            deals: Vec::new(),
        }
    }
}

#[derive(Serialize)]
pub struct AgendaJson {
    /// follow_up, stay_in_touch or tactic (a dated tactic of a plan).
    kind: &'static str,
    status: &'static str,
    /// overdue, today, this_week or later (`domain::agenda::Group`).
    group: &'static str,
    due: String,
    days_overdue: i64,
    /// Blank for a tactic of a list's or organization's plan.
    customer_id: String,
    customer_name: String,
    company: String,
    stage: &'static str,
    /// The customer's lifetime value, as `clv` in `list --json`.
    clv: f64,
    what: String,
    /// The id `done` takes: a follow-up's, or a tactic's.
    follow_up_id: Option<String>,
    last_contact: Option<String>,
    /// A tactic's id (also in `follow_up_id`), else null.
    tactic_id: Option<String>,
    /// A tactic's plan: its target's name, else null.
    plan: Option<String>,
}

fn status_of(days_overdue: i64) -> &'static str {
    match days_overdue {
        d if d > 0 => "overdue",
        0 => "today",
        _ => "upcoming",
    }
}

impl AgendaJson {
    pub fn new(item: &AgendaItem, c: &Customer, today: NaiveDate, what: String, clv: Money) -> AgendaJson {
        let days_overdue = (today - item.due).num_days();
        let tactic = match &item.what {
            AgendaWhat::Tactic(t) => Some(t.tactic.to_string()),
            _ => None,
        };
        AgendaJson {
            kind: match item.what {
                AgendaWhat::FollowUp(_) => "follow_up",
                AgendaWhat::StayInTouch { .. } => "stay_in_touch",
                AgendaWhat::Tactic(_) => "tactic",
            },
            status: status_of(days_overdue),
            group: item.group(today).key(),
            due: day(item.due),
            days_overdue,
            customer_id: c.id.to_string(),
            customer_name: c.name.clone(),
            company: c.company.clone(),
            stage: c.stage.key(),
            clv: money(clv),
            what,
            follow_up_id: match &item.what {
                AgendaWhat::FollowUp(f) => Some(f.id.to_string()),
                AgendaWhat::StayInTouch { .. } => None,
                AgendaWhat::Tactic(_) => tactic.clone(),
            },
            last_contact: c.activity.last_contact.map(instant),
            plan: tactic.as_ref().map(|_| c.name.clone()),
            tactic_id: tactic,
        }
    }

    /// A dated tactic of a plan with no customer (a list's, an
    /// organization's): `plan` names its target.
    pub fn plan_task(t: &DueTactic, today: NaiveDate, what: String, plan: String) -> AgendaJson {
        let due = t.due_date();
        let days_overdue = (today - due).num_days();
        AgendaJson {
            kind: "tactic",
            status: status_of(days_overdue),
            group: crate::domain::agenda::Group::of(due, today).key(),
            due: day(due),
            days_overdue,
            customer_id: String::new(),
            customer_name: String::new(),
            company: String::new(),
            stage: "",
            clv: 0.0,
            what,
            follow_up_id: Some(t.tactic.to_string()),
            last_contact: None,
            tactic_id: Some(t.tactic.to_string()),
            plan: Some(plan),
        }
    }
}

/// One group of `dupes --json`: why its records matched and who they are,
/// the record a merge keeps first.
#[derive(Debug, Serialize)]
pub struct DupesGroupJson {
    group: usize,
    certain: bool,
    reasons: Vec<&'static str>,
    records: Vec<DupeJson>,
}

#[derive(Debug, Serialize)]
struct DupeJson {
    id: String,
    name: String,
    company: String,
    emails: Vec<String>,
    phones: Vec<String>,
}

impl DupesGroupJson {
    pub fn new(
        number: usize,
        group: &crate::domain::duplicates::Group,
        by_id: &std::collections::HashMap<crate::domain::CustomerId, &Customer>,
    ) -> DupesGroupJson {
        DupesGroupJson {
            group: number,
            certain: group.certain,
            reasons: group.reasons.iter().map(|r| r.key()).collect(),
            records: group
                .ids
                .iter()
                .filter_map(|id| by_id.get(id))
                .map(|c| DupeJson {
                    id: c.id.to_string(),
                    name: c.name.clone(),
                    company: c.company.clone(),
                    emails: c.emails.clone(),
                    phones: c.phones.clone(),
                })
                .collect(),
        }
    }
}

/// One deal, as `deal list --json` prints it.
#[derive(Serialize)]
pub struct DealJson {
    id: String,
    customer: String,
    customer_name: String,
    title: String,
    amount: f64,
    probability: u8,
    weighted: f64,
    close: Option<String>,
    status: &'static str,
    reason: String,
    owner: String,
}

impl DealJson {
    pub fn new(d: &Deal, customer_name: String) -> DealJson {
        DealJson {
            id: d.id.to_string(),
            customer: d.customer.to_string(),
            customer_name,
            title: d.title.clone(),
            amount: money(d.amount),
            probability: d.probability,
            weighted: money(d.weighted()),
            close: d.close_date().map(day),
            status: d.status.key(),
            reason: d.reason.clone(),
            owner: d.owner.clone(),
        }
    }
}
