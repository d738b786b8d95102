//! Reading the view. Every question the app asks is answered by a point
//! lookup, a range scan over an index kept by `apply` (see `index` and
//! `lookup`), or one customer's body; only a search for a part from
//! inside a word, and lists without a stage, tag or owner, read all
//! customers.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use chrono::NaiveDate;

use super::agenda_item::{AgendaItem, AgendaWhat};
use super::chain;
use super::codec;
use super::error::StoreError;
use super::keys;
use super::lean::{LeanBody, LeanCustomerRecord};
use super::records::{Body, CustomerRecord, FollowUpRecord, InteractionRecord};
use super::storage::Storage;
use crate::domain::agenda::rank;
use crate::domain::dates::date_to_days;

use crate::domain::value::lifetime_value;
use crate::domain::{
    Customer, CustomerId, FactorScore, FollowUp, FollowUpId, Interaction, InteractionId, Rules, StageChange,
};
use crate::i18n::collate::name_key;
use crate::workspace::Clock;

/// An interaction or follow-up with the customer whose body keeps it, which
/// is what an edit of it must name.
#[derive(Debug, Clone)]
pub struct Homed<T> {
    pub item: T,
    pub home: CustomerId,
}

/// What one customer's body holds, as `View::timeline` reads it.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub interactions: Vec<Homed<Interaction>>,
    pub follow_ups: Vec<Homed<FollowUp>>,
    pub history: Vec<StageChange>,
    /// Every factor score set or cleared, oldest first: health over time.
    pub scores: Vec<FactorScore>,
}

impl Timeline {
    /// The interactions, follow-ups and history without their homes.
    pub fn into_items(self) -> (Vec<Interaction>, Vec<FollowUp>, Vec<StageChange>) {
        (
            self.interactions.into_iter().map(|h| h.item).collect(),
            self.follow_ups.into_iter().map(|h| h.item).collect(),
            self.history,
        )
    }
}

/// A read-only handle on the view: cheap to clone and usable from other
/// threads (the UI loads and searches in the background with it).
#[derive(Clone)]
pub struct View {
    pub(super) storage: Storage,
    pub(super) rules: Rules,
    pub(super) clock: Clock,
    /// The user: what a saved list's owner `me` means.
    pub(super) me: Arc<str>,
}

impl View {
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The user of this view (the store's author).
    pub fn me(&self) -> &str {
        &self.me
    }

    fn decode<T: serde::de::DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.storage.get(key)? {
            Some(v) => codec::decode(&v)
                .map(Some)
                .map_err(|e| StoreError::codec(format!("stored value {}", keys::describe_key(key)))(e)),
            None => Ok(None),
        }
    }

    /// Every shared entry of the view (records and bodies, not indexes nor
    /// this replica's bookkeeping), in key order, with each body as its
    /// encoded content rather than its place in the pack: what two
    /// converged replicas hold identically, and what a snapshot carries.
    pub fn shared_entries(&self) -> Result<Vec<super::txn::Entry>, StoreError> {
        let mut out = Vec::new();
        self.for_each_shared_entry(|k, v| {
            out.push((k, v));
            Ok(())
        })?;
        Ok(out)
    }

    pub(super) fn for_each_shared_entry(
        &self,
        mut f: impl FnMut(Vec<u8>, Vec<u8>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        for entry in self.storage.entries() {
            let (k, v) = entry?;
            // Index groups and deal links are left out: they are derived,
            // and made from the records where they are needed
            // (`index_mismatches` checks them).
            if !keys::is_derived(&k) && !matches!(k.first(), Some(&keys::META) | Some(&keys::UNDO) | Some(&keys::REDO))
            {
                f(k, v)?;
            }
        }
        Ok(())
    }

    /// A customer, deleted or not.
    pub fn customer(&self, id: CustomerId) -> Result<Option<CustomerRecord>, StoreError> {
        self.decode(&keys::customer(id))
    }

    /// A customer that exists and is not deleted.
    pub fn live_customer(&self, id: CustomerId) -> Result<Option<CustomerRecord>, StoreError> {
        Ok(self.customer(id)?.filter(CustomerRecord::is_live))
    }

    /// `live_customer`, read `lean` when asked (`LeanCustomerRecord`).
    pub(crate) fn live_customer_read(&self, id: CustomerId, lean: bool) -> Result<Option<CustomerRecord>, StoreError> {
        if !lean {
            return self.live_customer(id);
        }
        match self.storage.get(&keys::customer(id))? {
            Some(v) => Ok(Some(decode_customer(&v, lean)?).filter(CustomerRecord::is_live)),
            None => Ok(None),
        }
    }

    /// Calls `f` with every live customer, in id order, until it returns false.
    pub fn for_each_customer(&self, f: impl FnMut(CustomerRecord) -> bool) -> Result<(), StoreError> {
        self.for_each_customer_read(false, f)
    }

    /// `for_each_customer`, each read `lean` when asked: without what
    /// neither a report nor a saved list reads (`LeanCustomerRecord`).
    pub(crate) fn for_each_customer_read(
        &self,
        lean: bool,
        mut f: impl FnMut(CustomerRecord) -> bool,
    ) -> Result<(), StoreError> {
        for entry in self.storage.scan_prefix(&[keys::CUSTOMER]) {
            let (_, v) = entry?;
            let rec = decode_customer(&v, lean)?;
            if rec.is_live() && !f(rec) {
                break;
            }
        }
        Ok(())
    }

    pub fn customers(&self) -> Result<Vec<CustomerRecord>, StoreError> {
        let mut out = Vec::new();
        self.for_each_customer(|c| {
            out.push(c);
            true
        })?;
        Ok(out)
    }

    /// The customer's body: its interactions, follow-ups and history.
    pub fn body(&self, id: CustomerId) -> Result<Body, StoreError> {
        self.storage.body(id)
    }

    /// One customer's live interactions with the body keeping each, oldest
    /// first: its own body's and its guests'.
    pub fn homed_interactions_of(&self, id: CustomerId) -> Result<Vec<Homed<Interaction>>, StoreError> {
        self.homed_interactions_in(id, &self.body(id)?, &mut HashMap::new())
    }

    /// Everything one customer's body holds, read once: interactions
    /// (oldest first) and follow-ups (by due date) with the body keeping
    /// each, and the stage history (oldest first).
    pub fn timeline(&self, id: CustomerId) -> Result<Timeline, StoreError> {
        self.timeline_of(id, self.body(id)?, &mut HashMap::new())
    }

    /// The timelines of `ids`, in the order given, their bodies read in
    /// one batch (`Storage::bodies`): what a report over many customers
    /// reads.
    pub fn timelines(&self, ids: &[CustomerId]) -> Result<Vec<Timeline>, StoreError> {
        let mut homes = HashMap::new();
        ids.iter()
            .zip(self.storage.bodies(ids)?)
            .map(|(id, body)| self.timeline_of(*id, body, &mut homes))
            .collect()
    }

    /// `timelines`, each interaction without its summary, body and
    /// outcome (`Storage::lean_bodies`; a guest's read whole): what the
    /// figures of a report read.
    pub fn lean_timelines(&self, ids: &[CustomerId]) -> Result<Vec<Timeline>, StoreError> {
        let mut homes = HashMap::new();
        ids.iter()
            .zip(self.storage.lean_bodies(ids)?)
            .map(|(id, mut frames)| match frames.pop() {
                Some(whole) if frames.is_empty() && !whole.has_guests() => Ok(whole.into_timeline(*id)),
                last => {
                    let body = chain::assemble(frames.into_iter().chain(last).map(LeanBody::into_body));
                    self.timeline_of(*id, body, &mut homes)
                }
            })
            .collect()
    }

    /// The timeline of the customer whose body is `body`: its own items
    /// moved out of the body, its guests' read from their homes (each
    /// home read once into `homes`).
    fn timeline_of(
        &self,
        id: CustomerId,
        body: Body,
        homes: &mut HashMap<CustomerId, Body>,
    ) -> Result<Timeline, StoreError> {
        let Body {
            interactions,
            guest_interactions,
            follow_ups,
            guest_follow_ups,
            history,
            scores,
        } = body;
        let mut own_interactions: Vec<Homed<Interaction>> = interactions
            .into_values()
            .filter(|r| r.is_live() && r.interaction.customer == id)
            .map(|r| Homed {
                item: r.interaction,
                home: id,
            })
            .collect();
        for (iid, home) in &guest_interactions {
            if let Some(r) = self.home_body(*home, homes)?.interactions.get(iid)
                && r.is_live()
                && r.interaction.customer == id
            {
                own_interactions.push(Homed {
                    item: r.interaction.clone(),
                    home: *home,
                });
            }
        }
        own_interactions.sort_by_key(|h| (h.item.at, h.item.id));
        let mut own_follow_ups: Vec<Homed<FollowUp>> = follow_ups
            .into_values()
            .filter(|r| r.is_live() && r.follow_up.customer == id)
            .map(|r| Homed {
                item: r.follow_up,
                home: id,
            })
            .collect();
        for (fid, home) in &guest_follow_ups {
            if let Some(r) = self.home_body(*home, homes)?.follow_ups.get(fid)
                && r.is_live()
                && r.follow_up.customer == id
            {
                own_follow_ups.push(Homed {
                    item: r.follow_up.clone(),
                    home: *home,
                });
            }
        }
        own_follow_ups.sort_by_key(|h| (h.item.due, h.item.created_at));
        Ok(Timeline {
            interactions: own_interactions,
            follow_ups: own_follow_ups,
            history: history.into_values().collect(),
            scores: scores.into_values().collect(),
        })
    }

    fn homed_interactions_in(
        &self,
        id: CustomerId,
        body: &Body,
        homes: &mut HashMap<CustomerId, Body>,
    ) -> Result<Vec<Homed<Interaction>>, StoreError> {
        let mut out: Vec<Homed<Interaction>> = body
            .interactions
            .values()
            .filter(|r| r.is_live() && r.interaction.customer == id)
            .map(|r| Homed {
                item: r.interaction.clone(),
                home: id,
            })
            .collect();
        for (iid, home) in &body.guest_interactions {
            if let Some(r) = self.home_body(*home, homes)?.interactions.get(iid)
                && r.is_live()
                && r.interaction.customer == id
            {
                out.push(Homed {
                    item: r.interaction.clone(),
                    home: *home,
                });
            }
        }
        out.sort_by_key(|h| (h.item.at, h.item.id));
        Ok(out)
    }

    fn homed_follow_ups_in(
        &self,
        id: CustomerId,
        body: &Body,
        homes: &mut HashMap<CustomerId, Body>,
    ) -> Result<Vec<Homed<FollowUp>>, StoreError> {
        let mut out: Vec<Homed<FollowUp>> = body
            .follow_ups
            .values()
            .filter(|r| r.is_live() && r.follow_up.customer == id)
            .map(|r| Homed {
                item: r.follow_up.clone(),
                home: id,
            })
            .collect();
        for (fid, home) in &body.guest_follow_ups {
            if let Some(r) = self.home_body(*home, homes)?.follow_ups.get(fid)
                && r.is_live()
                && r.follow_up.customer == id
            {
                out.push(Homed {
                    item: r.follow_up.clone(),
                    home: *home,
                });
            }
        }
        out.sort_by_key(|h| (h.item.due, h.item.created_at));
        Ok(out)
    }

    /// Another customer's body, read once however many guests it keeps.
    pub(super) fn home_body<'a>(
        &self,
        home: CustomerId,
        homes: &'a mut HashMap<CustomerId, Body>,
    ) -> Result<&'a Body, StoreError> {
        Ok(match homes.entry(home) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(self.body(home)?),
        })
    }

    /// One customer's interactions, oldest first, without reading anyone
    /// else's (except those merged in from another customer).
    pub fn interactions_of(&self, id: CustomerId) -> Result<Vec<Interaction>, StoreError> {
        Ok(self.homed_interactions_of(id)?.into_iter().map(|h| h.item).collect())
    }

    /// An interaction of `customer` (its own or merged in), live or not.
    pub fn interaction_of(
        &self,
        customer: CustomerId,
        id: InteractionId,
    ) -> Result<Option<InteractionRecord>, StoreError> {
        let body = self.body(customer)?;
        if let Some(r) = body.interactions.get(&id) {
            return Ok(Some(r.clone()));
        }
        match body.guest_interactions.get(&id) {
            Some(home) => Ok(self.body(*home)?.interactions.get(&id).cloned()),
            None => Ok(None),
        }
    }

    /// The latest `limit` interactions among `customers`, newest first.
    /// `customers` must come most recently contacted first, with the time
    /// of that contact: reading stops once no later customer can have
    /// anything newer than what is already found.
    pub fn recent_interactions(
        &self,
        customers: impl IntoIterator<Item = (CustomerId, i64)>,
        limit: usize,
    ) -> Result<Vec<Interaction>, StoreError> {
        let mut found: Vec<Interaction> = Vec::new();
        for (id, last_contact) in customers {
            if found.len() >= limit && found.last().is_some_and(|i| i.at >= last_contact) {
                break;
            }
            found.extend(self.interactions_of(id)?);
            found.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
            found.truncate(limit);
        }
        Ok(found)
    }

    /// A follow-up, wherever it is kept.
    pub fn follow_up(&self, id: FollowUpId) -> Result<Option<FollowUpRecord>, StoreError> {
        Ok(self.homed_follow_up(id)?.map(|h| h.item))
    }

    fn homed_follow_up(&self, id: FollowUpId) -> Result<Option<Homed<FollowUpRecord>>, StoreError> {
        let Some(v) = self.storage.get(&keys::follow_up(id))? else {
            return Ok(None);
        };
        let home = customer_in(&v);
        Ok(self
            .body(home)?
            .follow_ups
            .get(&id)
            .map(|r| Homed { item: r.clone(), home }))
    }

    /// The body keeping a follow-up (what an edit of it names).
    pub fn follow_up_home(&self, id: FollowUpId) -> Result<Option<CustomerId>, StoreError> {
        Ok(self.storage.get(&keys::follow_up(id))?.map(|v| customer_in(&v)))
    }

    /// A customer's live follow-ups, open and done, by due date, with the
    /// body keeping each.
    pub fn homed_follow_ups_of(&self, id: CustomerId) -> Result<Vec<Homed<FollowUp>>, StoreError> {
        self.homed_follow_ups_in(id, &self.body(id)?, &mut HashMap::new())
    }

    /// A customer's follow-ups, open and done, by due date.
    pub fn follow_ups_of(&self, id: CustomerId) -> Result<Vec<FollowUp>, StoreError> {
        Ok(self.homed_follow_ups_of(id)?.into_iter().map(|h| h.item).collect())
    }

    /// Every stage move of a customer, oldest first.
    pub fn stage_history(&self, id: CustomerId) -> Result<Vec<StageChange>, StoreError> {
        Ok(self.body(id)?.history.into_values().collect())
    }

    /// Every factor score of a customer set or cleared, oldest first.
    pub fn factor_scores(&self, id: CustomerId) -> Result<Vec<FactorScore>, StoreError> {
        Ok(self.body(id)?.factor_scores())
    }

    /// Open follow-ups due on or before `until`, of live customers.
    pub fn due_follow_ups(&self, until: NaiveDate) -> Result<Vec<AgendaItem>, StoreError> {
        let mut live: HashMap<CustomerId, bool> = HashMap::new();
        let mut failed = None;
        let items = self.due_follow_ups_of(until, |customer| match live.get(&customer) {
            Some(l) => *l,
            None => {
                let l = match self.live_customer(customer) {
                    Ok(c) => c.is_some(),
                    Err(e) => {
                        failed = Some(e);
                        false
                    }
                };
                live.insert(customer, l);
                l
            }
        })?;
        match failed {
            Some(e) => Err(e),
            None => Ok(items),
        }
    }

    /// Open follow-ups and dated tactics of customer plans due on or
    /// before `until` of the customers `is_live` accepts (the UI knows
    /// them without reading the store). Reads only the due-date indexes.
    pub fn due_follow_ups_of(
        &self,
        until: NaiveDate,
        mut is_live: impl FnMut(CustomerId) -> bool,
    ) -> Result<Vec<AgendaItem>, StoreError> {
        let mut items = Vec::new();
        for entry in self
            .storage
            .range(vec![keys::DUE]..keys::due_until(date_to_days(until)))
        {
            let (_, v) = entry?;
            let follow_up: FollowUp = codec::decode(&v).map_err(StoreError::codec("due follow-up"))?;
            if is_live(follow_up.customer) {
                items.push(AgendaItem {
                    due: follow_up.due_date(),
                    customer: follow_up.customer,
                    what: AgendaWhat::FollowUp(Box::new(follow_up)),
                });
            }
        }
        // The dated tactics of customers' plans are follow-ups too.
        for t in self.due_tactics(until)? {
            if let Some(c) = t.target.customer()
                && is_live(c)
            {
                items.push(AgendaItem {
                    due: t.due_date(),
                    customer: c,
                    what: AgendaWhat::Tactic(Box::new(t)),
                });
            }
        }
        Ok(items)
    }

    /// The due day of every customer's earliest open follow-up, read from
    /// the due-date index alone (it holds open follow-ups only, earliest
    /// first): what lists show as the next contact.
    pub fn earliest_follow_ups(&self) -> Result<HashMap<CustomerId, NaiveDate>, StoreError> {
        let mut out = HashMap::new();
        for entry in self.storage.scan_prefix(&[keys::DUE]) {
            let (_, v) = entry?;
            let f: FollowUp = codec::decode(&v).map_err(StoreError::codec("due follow-up"))?;
            out.entry(f.customer).or_insert_with(|| f.due_date());
        }
        // A dated tactic of a customer's plan is a follow-up too.
        for t in self.due_tactics(NaiveDate::MAX)? {
            if let Some(c) = t.target.customer() {
                let due = t.due_date();
                out.entry(c).and_modify(|d| *d = (*d).min(due)).or_insert(due);
            }
        }
        Ok(out)
    }

    /// The due day of one customer's earliest open follow-up, or of a
    /// dated tactic of its plan not done yet, whichever comes first.
    pub fn earliest_follow_up(&self, id: CustomerId) -> Result<Option<NaiveDate>, StoreError> {
        let follow_up = FollowUp::earliest_open(&self.follow_ups_of(id)?);
        Ok(earliest(follow_up, self.earliest_tactic(id)?))
    }

    /// The due day of the earliest dated tactic of a customer's plan not
    /// done yet.
    pub fn earliest_tactic(&self, id: CustomerId) -> Result<Option<NaiveDate>, StoreError> {
        Ok(self
            .plan(&crate::domain::PlanTarget::Customer(id))?
            .and_then(|p| p.earliest_open()))
    }

    /// The stay-in-touch reminder for a customer whose cadence runs out by
    /// `until`.
    pub fn reminder(&self, c: &CustomerRecord, until: NaiveDate) -> Option<AgendaItem> {
        let due = self.rules.cadence.next_contact_due(&c.customer);
        (due <= until).then(|| AgendaItem {
            due,
            customer: c.customer.id,
            what: AgendaWhat::StayInTouch {
                cadence_days: self.rules.cadence.cadence_of(&c.customer),
                last_touch: crate::domain::cadence::last_touch(&c.customer),
            },
        })
    }

    /// Open follow-ups and stay-in-touch reminders due on or before
    /// `until`, in the agenda's groups and by what is at stake in each
    /// (`domain::agenda`), each with its customer: read
    /// from the due-date indexes, so it costs what is due.
    pub fn agenda(&self, until: NaiveDate) -> Result<Vec<(AgendaItem, Arc<Customer>)>, StoreError> {
        let mut customers: HashMap<CustomerId, Arc<Customer>> = HashMap::new();
        let mut out = Vec::new();
        for (item, rec) in self.reminders_due(until)? {
            let c = Arc::new(rec.customer);
            customers.insert(c.id, c.clone());
            out.push((item, c));
        }
        for item in self.due_follow_ups(until)? {
            let c = match customers.entry(item.customer) {
                Entry::Occupied(o) => o.get().clone(),
                Entry::Vacant(v) => match self.live_customer(item.customer)? {
                    Some(rec) => v.insert(Arc::new(rec.customer)).clone(),
                    None => continue,
                },
            };
            out.push((item, c));
        }
        let today = self.clock.today();
        let now = self.clock.now_ms();
        let priority = self.priority()?;
        out.sort_by_cached_key(|(i, c)| {
            let clv = lifetime_value(&c.activity, now, &self.rules.clv);
            let standing = i.standing(clv, self.rules.cadence.cadence_of(c), priority.holds(c));
            (rank(&standing, today), name_key(&c.name), c.id)
        });
        Ok(out)
    }
}

/// The customer id stored as an index value.
pub(super) fn customer_in(v: &[u8]) -> CustomerId {
    CustomerId(
        v.get(..8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0),
    )
}

/// The earlier of two optional days.
pub fn earliest(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A customer record, whole or `lean`.
fn decode_customer(bytes: &[u8], lean: bool) -> Result<CustomerRecord, StoreError> {
    if lean {
        codec::decode::<LeanCustomerRecord>(bytes)
            .map(LeanCustomerRecord::into_record)
            .map_err(StoreError::codec("customer record"))
    } else {
        codec::decode(bytes).map_err(StoreError::codec("customer record"))
    }
}
