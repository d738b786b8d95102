//! A report over the view: the customers and deals in a scope (a period,
//! an owner, a saved list, an organization), gathered into `Figures`.
//! The CLI's `guanxi report` and the Reports pane both read it, so the
//! two always agree.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::mpsc;

use chrono::{Months, NaiveDate};

use super::figures::{Facts, Figures, Gather, Period};
use crate::domain::list_filter::ListFilter;
use crate::domain::value::lifetime_value;
use crate::domain::{ClvAssumptions, CustomerId, FollowUp, OrganizationId, PlanTarget};
use crate::store::{CustomerRecord, Matcher, StoreError, Timeline, View, earliest};

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
    let mut reader = Reader {
        view,
        now,
        clv_rules,
        kept: HashSet::new(),
        orgs: HashMap::new(),
        tactics: earliest_tactics(view)?,
    };
    // Reading and decoding the bodies is most of the work: a thread does
    // it, a batch at a time, while this one reads the customers and counts
    // in the batches done, in the order they were read. The deals are read
    // meanwhile too.
    let deals = std::thread::scope(|s| {
        let deal_view = view.clone();
        let deals = s.spawn(move || deal_view.deals());
        let (to_read, batches) = mpsc::sync_channel::<Vec<CustomerRecord>>(2);
        let (to_count, read) = mpsc::channel::<(Vec<CustomerRecord>, Result<Vec<Timeline>, StoreError>)>();
        let bodies = view.clone();
        s.spawn(move || {
            for batch in batches {
                let ids: Vec<CustomerId> = batch.iter().map(|r| r.customer.id).collect();
                let timelines = bodies.lean_timelines(&ids);
                if to_count.send((batch, timelines)).is_err() {
                    return;
                }
            }
        });
        let mut failed: Option<StoreError> = None;
        let mut count_in = |(batch, timelines): (Vec<CustomerRecord>, Result<Vec<Timeline>, StoreError>)| {
            if failed.is_none()
                && let Err(e) = timelines.and_then(|t| reader.add(&mut gather, batch, t))
            {
                failed = Some(e);
            }
        };
        let mut batch = Vec::with_capacity(BATCH);
        let mut sent = Ok(());
        narrow.for_each_lean(view, |rec| {
            if sent.is_err() || list.as_ref().is_some_and(|l| !l.keeps(&rec.customer)) {
                return;
            }
            batch.push(rec);
            if batch.len() >= BATCH {
                sent = to_read.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                read.try_iter().for_each(&mut count_in);
            }
        })?;
        // A send fails only when the thread is gone (it panicked, which
        // the scope passes on).
        if !batch.is_empty() && sent.is_ok() {
            let _ = to_read.send(batch);
        }
        drop(to_read);
        read.iter().for_each(&mut count_in);
        let deals = deals.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        match failed {
            Some(e) => Err(e),
            None => deals,
        }
    })?;
    let kept = reader.kept;
    for deal in deals {
        if kept.contains(&deal.customer) {
            gather.add_deal(&deal);
        }
    }
    Ok(gather.finish())
}

/// Customers whose bodies are read together (`View::timelines`).
const BATCH: usize = 256;

/// Reads the customers kept, a batch at a time, into a `Gather`.
struct Reader<'v> {
    view: &'v View,
    now: i64,
    clv_rules: ClvAssumptions,
    kept: HashSet<CustomerId>,
    /// Organization names, each read once.
    orgs: HashMap<OrganizationId, Option<String>>,
    /// The earliest open dated tactic of each customer's plan.
    tactics: HashMap<CustomerId, NaiveDate>,
}

impl Reader<'_> {
    /// Counts in the customers of a batch, with their timelines.
    fn add(
        &mut self,
        gather: &mut Gather,
        batch: Vec<CustomerRecord>,
        timelines: Vec<Timeline>,
    ) -> Result<(), StoreError> {
        for (rec, mut t) in batch.into_iter().zip(timelines) {
            let c = &rec.customer;
            let scores = std::mem::take(&mut t.scores);
            let (interactions, follow_ups, history) = t.into_items();
            let org = match c.organization {
                Some(id) => match self.orgs.entry(id) {
                    Entry::Occupied(o) => o.into_mut(),
                    Entry::Vacant(v) => v.insert(
                        self.view
                            .organization(id)?
                            .filter(|o| o.is_live())
                            .map(|o| o.organization.name),
                    ),
                }
                .as_deref(),
                None => None,
            };
            let earliest_follow_up = earliest(FollowUp::earliest_open(&follow_ups), self.tactics.get(&c.id).copied());
            let facts = Facts {
                clv: lifetime_value(&c.activity, self.now, &self.clv_rules),
                org,
                interactions: &interactions,
                follow_ups: &follow_ups,
                history: &history,
                scores: &scores,
                earliest_follow_up,
            };
            gather.add(c, &facts);
            self.kept.insert(c.id);
        }
        Ok(())
    }
}

/// The earliest open dated tactic of every customer's plan, read at once
/// (what `View::earliest_tactic` reads for one).
fn earliest_tactics(view: &View) -> Result<HashMap<CustomerId, NaiveDate>, StoreError> {
    Ok(view
        .plans()?
        .into_iter()
        .filter_map(|(target, plan)| match target {
            PlanTarget::Customer(id) => Some((id, plan.earliest_open()?)),
            _ => None,
        })
        .collect())
}
