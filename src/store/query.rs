//! Reading the view. Every question the app asks is answered by a point
//! lookup or a range scan over an index kept by `apply`; only searches by
//! name read all customers.

use chrono::{Days, NaiveDate};

use super::codec;
use super::error::StoreError;
use super::keys;
use super::records::{CustomerRecord, FollowUpRecord, InteractionRecord};
use super::txn::prefix_end;
use crate::domain::dates::{date_to_days, local_midnight};
use crate::domain::ids::{is_id_prefix, prefix_range};
use crate::domain::text::{fold, matches_words};
use crate::domain::{CustomerId, FollowUp, FollowUpId, InputError, Interaction, Rules, Stage, StageChange};
use crate::i18n::collate::{name_key, searchable};
use crate::workspace::Clock;

/// At most this many candidates are listed when a reference is ambiguous.
const MAX_CANDIDATES: usize = 10;

/// One thing to do on the agenda.
#[derive(Debug, Clone)]
pub struct AgendaItem {
    pub due: NaiveDate,
    pub customer: CustomerRecord,
    pub what: AgendaWhat,
}

#[derive(Debug, Clone)]
pub enum AgendaWhat {
    /// A promised follow-up.
    FollowUp(FollowUp),
    /// Nobody has been in touch for the customer's cadence.
    StayInTouch { cadence_days: u16, last_touch: i64 },
}

/// A read-only handle on the view: cheap to clone and usable from other
/// threads (the UI loads and searches in the background with it).
#[derive(Clone)]
pub struct View {
    pub(super) tree: sled::Tree,
    pub(super) rules: Rules,
    pub(super) clock: Clock,
}

impl View {
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    fn decode<T: serde::de::DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.tree.get(key)? {
            Some(v) => codec::decode(&v).map(Some).map_err(StoreError::codec(format!(
                "stored value {}",
                super::txn::describe_key(key)
            ))),
            None => Ok(None),
        }
    }

    /// Every shared entry of the view (records and indexes, not this
    /// replica's bookkeeping), in key order: what two converged replicas
    /// hold identically.
    pub fn shared_entries(&self) -> Result<Vec<super::txn::Entry>, StoreError> {
        let mut out = Vec::new();
        for entry in self.tree.iter() {
            let (k, v) = entry?;
            if !matches!(k.first(), Some(&keys::META) | Some(&keys::UNDO) | Some(&keys::REDO)) {
                out.push((k.to_vec(), v.to_vec()));
            }
        }
        Ok(out)
    }

    /// A customer, deleted or not.
    pub fn customer(&self, id: CustomerId) -> Result<Option<CustomerRecord>, StoreError> {
        self.decode(&keys::customer(id))
    }

    /// A customer that exists and is not deleted.
    pub fn live_customer(&self, id: CustomerId) -> Result<Option<CustomerRecord>, StoreError> {
        Ok(self.customer(id)?.filter(CustomerRecord::is_live))
    }

    /// Calls `f` with every live customer, in id order, until it returns false.
    pub fn for_each_customer(&self, mut f: impl FnMut(CustomerRecord) -> bool) -> Result<(), StoreError> {
        for entry in self.tree.scan_prefix([keys::CUSTOMER]) {
            let (_, v) = entry?;
            let rec: CustomerRecord = codec::decode(&v).map_err(StoreError::codec("customer record"))?;
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

    /// One customer's interactions, oldest first, without reading anyone else's.
    pub fn interactions_of(&self, id: CustomerId) -> Result<Vec<Interaction>, StoreError> {
        let mut out = Vec::new();
        for entry in self.tree.scan_prefix(keys::customer_log_prefix(id)) {
            let (k, _) = entry?;
            let Some(iid) = keys::interaction_of_log_key(&k) else {
                continue;
            };
            if let Some(rec) = self.decode::<InteractionRecord>(&keys::interaction(iid))?
                && rec.is_live()
            {
                out.push(rec.interaction);
            }
        }
        Ok(out)
    }

    /// The latest `limit` interactions of the whole workspace, newest first.
    pub fn recent_interactions(&self, limit: usize) -> Result<Vec<Interaction>, StoreError> {
        let mut out = Vec::new();
        for entry in self.tree.scan_prefix([keys::TIMELINE]).rev() {
            if out.len() >= limit {
                break;
            }
            let (k, _) = entry?;
            let Some(iid) = keys::interaction_of_timeline_key(&k) else {
                continue;
            };
            if let Some(rec) = self.decode::<InteractionRecord>(&keys::interaction(iid))?
                && rec.is_live()
            {
                out.push(rec.interaction);
            }
        }
        Ok(out)
    }

    pub fn interaction(&self, id: crate::domain::InteractionId) -> Result<Option<InteractionRecord>, StoreError> {
        self.decode(&keys::interaction(id))
    }

    pub fn follow_up(&self, id: FollowUpId) -> Result<Option<FollowUpRecord>, StoreError> {
        self.decode(&keys::follow_up(id))
    }

    /// A customer's follow-ups, open and done, by due date.
    pub fn follow_ups_of(&self, id: CustomerId) -> Result<Vec<FollowUp>, StoreError> {
        let mut out = Vec::new();
        for entry in self.tree.scan_prefix(keys::customer_follow_ups_prefix(id)) {
            let (k, _) = entry?;
            let Some(fid) = keys::follow_up_of_customer_key(&k) else {
                continue;
            };
            if let Some(rec) = self.follow_up(fid)?
                && rec.is_live()
            {
                out.push(rec.follow_up);
            }
        }
        out.sort_by_key(|f| (f.due, f.created_at));
        Ok(out)
    }

    /// Every stage move of a customer, oldest first.
    pub fn stage_history(&self, id: CustomerId) -> Result<Vec<StageChange>, StoreError> {
        let mut out = Vec::new();
        for entry in self.tree.scan_prefix(keys::history_prefix(id)) {
            let (_, v) = entry?;
            out.push(codec::decode(&v).map_err(StoreError::codec("stage history"))?);
        }
        Ok(out)
    }

    /// Open follow-ups and stay-in-touch reminders due on or before
    /// `until`, most urgent (earliest) first; on the same day promised
    /// follow-ups come before reminders.
    pub fn agenda(&self, until: NaiveDate) -> Result<Vec<AgendaItem>, StoreError> {
        let mut items = Vec::new();
        for entry in self.tree.range(vec![keys::DUE]..keys::due_until(date_to_days(until))) {
            let (k, _) = entry?;
            let Some(fid) = keys::follow_up_of_due_key(&k) else {
                continue;
            };
            let Some(rec) = self.follow_up(fid)? else { continue };
            let Some(customer) = self.live_customer(rec.follow_up.customer)? else {
                continue;
            };
            items.push(AgendaItem {
                due: rec.follow_up.due_date(),
                customer,
                what: AgendaWhat::FollowUp(rec.follow_up),
            });
        }
        for stage in Stage::ALL {
            let cadence = self.rules.cadence.for_stage(stage);
            let prefix = keys::touch_by_stage_prefix(stage);
            let bound = keys::touch_by_stage(stage, touch_cutoff(until, cadence), CustomerId(0));
            self.collect_reminders(&prefix, &bound, until, &mut items)?;
        }
        let mut from = vec![keys::TOUCH_BY_CADENCE];
        while let Some(entry) = self.tree.range(from.clone()..).next() {
            let (k, _) = entry?;
            let Some((days, _)) = keys::parse_touch_by_cadence(&k).filter(|_| k[0] == keys::TOUCH_BY_CADENCE) else {
                break;
            };
            let prefix = keys::touch_by_cadence_prefix(days);
            let bound = keys::touch_by_cadence(days, touch_cutoff(until, days), CustomerId(0));
            self.collect_reminders(&prefix, &bound, until, &mut items)?;
            match prefix_end(&prefix) {
                Some(next) => from = next,
                None => break,
            }
        }
        items.sort_by_cached_key(|item| {
            let kind = matches!(item.what, AgendaWhat::StayInTouch { .. });
            (item.due, kind, name_key(&item.customer.customer.name))
        });
        Ok(items)
    }

    fn collect_reminders(
        &self,
        from: &[u8],
        to: &[u8],
        until: NaiveDate,
        items: &mut Vec<AgendaItem>,
    ) -> Result<(), StoreError> {
        for entry in self.tree.range(from.to_vec()..to.to_vec()) {
            let (k, _) = entry?;
            let Some(id) = keys::customer_of_touch_key(&k) else {
                continue;
            };
            let Some(customer) = self.live_customer(id)? else {
                continue;
            };
            let due = self.rules.cadence.next_contact_due(&customer.customer);
            if due <= until {
                let cadence_days = self.rules.cadence.cadence_of(&customer.customer);
                let last_touch = crate::domain::cadence::last_touch(&customer.customer);
                items.push(AgendaItem {
                    due,
                    customer,
                    what: AgendaWhat::StayInTouch {
                        cadence_days,
                        last_touch,
                    },
                });
            }
        }
        Ok(())
    }

    /// Finds the one customer a user means: an id, a unique id prefix (four
    /// digits or more), or a unique accent- and case-insensitive match on
    /// name or email. Exact matches beat partial ones.
    pub fn resolve_customer(&self, reference: &str) -> Result<CustomerRecord, StoreError> {
        let r = reference.trim();
        if let Ok(id) = r.parse::<CustomerId>()
            && let Some(c) = self.live_customer(id)?
        {
            return Ok(c);
        }
        let mut strong = Vec::new();
        if r.len() >= 4 && is_id_prefix(r) {
            let (low, high) = prefix_range(&r.to_lowercase()).unwrap_or((1, 0));
            for entry in self
                .tree
                .range(keys::customer(CustomerId(low))..=keys::customer(CustomerId(high)))
            {
                let (_, v) = entry?;
                let rec: CustomerRecord = codec::decode(&v).map_err(StoreError::codec("customer record"))?;
                if rec.is_live() {
                    strong.push(rec);
                }
            }
        }
        let folded = fold(r);
        let mut partial = Vec::new();
        if !folded.is_empty() {
            self.for_each_customer(|c| {
                let name = fold(&c.customer.name);
                let emails: Vec<String> = c.customer.emails.iter().map(|e| fold(e)).collect();
                if name == folded || emails.contains(&folded) {
                    if !strong.iter().any(|s: &CustomerRecord| s.customer.id == c.customer.id) {
                        strong.push(c);
                    }
                } else if matches_words(&searchable(&c.customer.name), &folded)
                    || emails.iter().any(|e| e.contains(&folded))
                {
                    partial.push(c);
                }
                true
            })?;
        }
        let pool = if strong.is_empty() { partial } else { strong };
        match pool.len() {
            0 => Err(InputError::NoSuchCustomer(r.to_string()).into()),
            1 => Ok(pool
                .into_iter()
                .next()
                .ok_or_else(|| InputError::NoSuchCustomer(r.to_string()))?),
            n => {
                let mut candidates: Vec<String> = pool
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|c| format!("{}  {}", c.customer.id, c.customer.display_name()))
                    .collect();
                if n > MAX_CANDIDATES {
                    candidates.push(format!("... and {} more", n - MAX_CANDIDATES));
                }
                Err(InputError::AmbiguousCustomer {
                    reference: r.to_string(),
                    candidates,
                }
                .into())
            }
        }
    }

    /// Finds a follow-up by id or unique id prefix.
    pub fn resolve_follow_up(&self, reference: &str) -> Result<FollowUpRecord, StoreError> {
        let r = reference.trim().to_lowercase();
        let none = || StoreError::from(InputError::NoSuchFollowUp(reference.trim().to_string()));
        let (low, high) = prefix_range(&r).ok_or_else(none)?;
        let mut found = Vec::new();
        for entry in self
            .tree
            .range(keys::follow_up(FollowUpId(low))..=keys::follow_up(FollowUpId(high)))
        {
            let (_, v) = entry?;
            let rec: FollowUpRecord = codec::decode(&v).map_err(StoreError::codec("follow-up record"))?;
            if rec.is_live() {
                found.push(rec);
            }
        }
        match found.len() {
            0 => Err(none()),
            1 => found.pop().ok_or_else(none),
            n => Err(InputError::AmbiguousFollowUp {
                reference: reference.trim().to_string(),
                candidates: found
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|f| format!("{}  {}  {}", f.follow_up.id, f.follow_up.due_date(), f.follow_up.what))
                    .chain((n > MAX_CANDIDATES).then(|| format!("... and {} more", n - MAX_CANDIDATES)))
                    .collect(),
            }
            .into()),
        }
    }
}

/// Customers whose last touch is before this instant are due by `until`
/// with a cadence of `days`: due = local day of touch + days <= until.
fn touch_cutoff(until: NaiveDate, days: u16) -> i64 {
    let first_safe_day = until
        .checked_sub_days(Days::new(u64::from(days)))
        .and_then(|d| d.succ_opt())
        .unwrap_or(NaiveDate::MIN);
    local_midnight(first_safe_day)
}
