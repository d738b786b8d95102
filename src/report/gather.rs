//! A report over the view: the customers and deals in a scope (a period,
//! an owner, a saved list, an organization), gathered into `Figures`.
//! The CLI's `guanxi report` and the Reports pane both read it, so the
//! two always agree.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::{Months, NaiveDate};

use super::figures::{Facts, Figures, Gather, Period};
use crate::domain::list_filter::ListFilter;
use crate::domain::value::lifetime_value;
use crate::domain::{CustomerId, FollowUp, OrganizationId};
use crate::store::{Matcher, StoreError, View, earliest};

/// What a report covers. Every part is optional but the period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scope {
    pub period: Option<Period>,
    /// A folded owner name, or `me` (whoever reads the report).
    pub owner: Option<String>,
    /// The criteria of a saved list.
    pub list: Option<ListFilter>,
    pub org: Option<OrganizationId>,
}

impl Scope {
    /// The period asked for, or the default: the twelve months up to and
    /// including `today`.
    pub fn period_or_default(&self, today: NaiveDate) -> Period {
        self.period.unwrap_or_else(|| Period {
            from: today
                .checked_sub_months(Months::new(12))
                .and_then(|d| d.succ_opt())
                .unwrap_or(today),
            to: today,
        })
    }
}

/// Gathers the figures of `scope` from the view; `me` is the user, what
/// the owner `me` means.
pub fn gather(view: &View, scope: &Scope, me: &str) -> Result<Figures, StoreError> {
    let today = view.clock().today();
    let now = view.clock().now_ms();
    let clv_rules = view.rules().clv;
    let mut gather = Gather::new(scope.period_or_default(today), today).with_cadence(view.rules().cadence);
    // Owner and organization read through their indexes; a saved list's
    // criteria are judged on each customer so found.
    let narrow = Matcher::new(
        ListFilter {
            owner: scope.owner.clone(),
            org: scope.org,
            ..ListFilter::default()
        },
        view,
        me,
    )?;
    let list = scope.list.clone().map(|f| Matcher::new(f, view, me)).transpose()?;
    let mut kept: HashSet<CustomerId> = HashSet::new();
    // Organization names, each read once.
    let mut orgs: HashMap<OrganizationId, Option<String>> = HashMap::new();
    let mut failed: Option<StoreError> = None;
    narrow.for_each(view, |rec| {
        if failed.is_some() || list.as_ref().is_some_and(|l| !l.keeps(&rec.customer)) {
            return;
        }
        let c = &rec.customer;
        let mut read = || -> Result<(), StoreError> {
            let t = view.timeline(c.id)?;
            let scores = t.scores.clone();
            let (interactions, follow_ups, history) = t.into_items();
            let org = match c.organization {
                Some(id) => match orgs.entry(id) {
                    Entry::Occupied(o) => o.get().clone(),
                    Entry::Vacant(v) => v
                        .insert(
                            view.organization(id)?
                                .filter(|o| o.is_live())
                                .map(|o| o.organization.name),
                        )
                        .clone(),
                },
                None => None,
            };
            let earliest_follow_up = earliest(FollowUp::earliest_open(&follow_ups), view.earliest_tactic(c.id)?);
            let facts = Facts {
                clv: lifetime_value(&c.activity, now, &clv_rules),
                org: org.as_deref(),
                interactions: &interactions,
                follow_ups: &follow_ups,
                history: &history,
                scores: &scores,
                earliest_follow_up,
            };
            gather.add(c, &facts);
            kept.insert(c.id);
            Ok(())
        };
        if let Err(e) = read() {
            failed = Some(e);
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    for deal in view.deals()? {
        if kept.contains(&deal.customer) {
            gather.add_deal(&deal);
        }
    }
    Ok(gather.finish())
}
