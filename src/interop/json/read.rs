//! Reading guanxi's own JSON back: the file must parse as a whole, then
//! each customer, organization and plan in it is checked on its own, so
//! one bad entry is reported and skipped.

use super::*;
use crate::domain::Organization;

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
