//! Forgetting a person (a privacy request): `Edit::Forget` takes a
//! customer out of every part of the view — record, body, indexes, deals,
//! plan, follow-ups, pairs kept apart, undo history — and remembers the
//! ids of what it erased (ids only, never text, under `keys::FORGOTTEN`).
//!
//! Every edit that names a forgotten id is then dropped by `apply_op`,
//! whether it arrives later (a teammate's journal read after the forget)
//! or was made at the same time elsewhere. An edit dropped because its
//! customer is forgotten also erases the thing it names (a deal an update
//! seen earlier made without its customer, an interaction moved to the
//! forgotten person): so the view is the same whichever order the ops
//! arrive in (`tests/forget_property.rs`).

use std::sync::atomic::Ordering;

use super::error::StoreError;
use super::keys::{self, FORGOTTEN_CUSTOMER, FORGOTTEN_DEAL, FORGOTTEN_FOLLOW_UP, FORGOTTEN_INTERACTION};
use super::op::Edit;
use super::records::{Body, UndoEntry};
use super::txn::Txn;
use crate::domain::{CustomerId, DealId, FollowUpId, InteractionId, PlanTarget};
use crate::sync::Stamp;

/// What one forget erased, for the user to hear about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forgotten {
    pub interactions: usize,
    pub follow_ups: usize,
    pub deals: usize,
    pub stage_changes: usize,
    pub plans: usize,
    pub undo_entries: usize,
}

/// Whether the view holds any forgotten id (cached in the storage).
fn any(tx: &Txn) -> Result<bool, StoreError> {
    let flag = &tx.storage().forgets;
    match flag.load(Ordering::Relaxed) {
        1 => Ok(false),
        2 => Ok(true),
        _ => {
            let some = !tx.scan_prefix(&[keys::FORGOTTEN])?.is_empty();
            flag.store(if some { 2 } else { 1 }, Ordering::Relaxed);
            Ok(some)
        }
    }
}

fn is(tx: &Txn, kind: u8, id: u64) -> Result<bool, StoreError> {
    Ok(tx.get(&keys::forgotten(kind, id))?.is_some())
}

fn mark(tx: &mut Txn, kind: u8, id: u64) {
    tx.put(keys::forgotten(kind, id), Vec::new());
}

/// Whether an edit names something forgotten (without erasing anything).
pub(super) fn names_any_forgotten(tx: &Txn, edit: &Edit) -> Result<bool, StoreError> {
    Ok(any(tx)? && names_forgotten(tx, edit)?)
}

/// Every customer an edit names: the one it is about, where an
/// interaction or follow-up lives, both of a pair.
fn customers_named(edit: &Edit) -> Vec<CustomerId> {
    let mut out: Vec<CustomerId> = edit.customer().into_iter().collect();
    match edit {
        Edit::UpdateInteraction { home, .. } | Edit::UpdateFollowUp { home, .. } => out.push(*home),
        Edit::SetApart { a, b, .. } => out.extend([*a, *b]),
        _ => {}
    }
    out
}

/// The interaction, follow-up or deal an edit names, as (kind, id).
fn thing_named(edit: &Edit) -> Option<(u8, u64)> {
    match edit {
        Edit::LogInteraction { id, .. } | Edit::UpdateInteraction { id, .. } => Some((FORGOTTEN_INTERACTION, id.0)),
        Edit::AddFollowUp { id, .. } | Edit::UpdateFollowUp { id, .. } => Some((FORGOTTEN_FOLLOW_UP, id.0)),
        Edit::AddDeal { id, .. } | Edit::UpdateDeal { id, .. } => Some((FORGOTTEN_DEAL, id.0)),
        _ => None,
    }
}

/// Whether an edit names something forgotten, read against the batch.
fn names_forgotten(tx: &Txn, edit: &Edit) -> Result<bool, StoreError> {
    for c in customers_named(edit) {
        if is(tx, FORGOTTEN_CUSTOMER, c.0)? {
            return Ok(true);
        }
    }
    match thing_named(edit) {
        Some((kind, id)) => is(tx, kind, id),
        None => Ok(false),
    }
}

/// True when `edit` must not be applied because it names something
/// forgotten; then what it names is erased too (see the module).
pub(super) fn drops(tx: &mut Txn, edit: &Edit) -> Result<bool, StoreError> {
    if matches!(edit, Edit::Forget { .. }) || !any(tx)? {
        return Ok(false);
    }
    let by_customer = customers_named(edit)
        .into_iter()
        .map(|c| is(tx, FORGOTTEN_CUSTOMER, c.0))
        .collect::<Result<Vec<bool>, _>>()?
        .contains(&true);
    if by_customer {
        // Something first forgotten here (an interaction moved to a
        // forgotten person by a merge that arrived after the forget) takes
        // the undo and redo entries naming it along, as `apply` does for
        // what the person held when the forget arrived.
        let newly = match thing_named(edit) {
            Some((kind, id)) => !is(tx, kind, id)?,
            None => false,
        };
        match edit {
            Edit::LogInteraction { id, .. } => erase_interaction(tx, *id, edit_home(edit))?,
            Edit::UpdateInteraction { id, home, .. } => erase_interaction(tx, *id, Some(*home))?,
            Edit::AddFollowUp { id, .. } => erase_follow_up(tx, *id, edit_home(edit))?,
            Edit::UpdateFollowUp { id, home, .. } => erase_follow_up(tx, *id, Some(*home))?,
            Edit::AddDeal { id, .. } | Edit::UpdateDeal { id, .. } => erase_deal(tx, *id)?,
            _ => {}
        }
        if newly {
            purge_history(tx)?;
        }
        return Ok(true);
    }
    match thing_named(edit) {
        Some((kind, id)) => is(tx, kind, id),
        None => Ok(false),
    }
}

/// Where a creating edit's interaction or follow-up lives: its customer.
fn edit_home(edit: &Edit) -> Option<CustomerId> {
    edit.customer()
}

/// Takes an interaction out of the body of `home` (and out of its
/// customer's guests), and remembers it forgotten.
fn erase_interaction(tx: &mut Txn, id: InteractionId, home: Option<CustomerId>) -> Result<(), StoreError> {
    mark(tx, FORGOTTEN_INTERACTION, id.0);
    let Some(home) = home else { return Ok(()) };
    if is(tx, FORGOTTEN_CUSTOMER, home.0)? {
        return Ok(());
    }
    let Some(rec) = tx.body(home)?.interactions.get(&id).cloned() else {
        return Ok(());
    };
    tx.body_mut(home)?.interactions.remove(&id);
    tx.recount_activity(home)?;
    let owner = rec.interaction.customer;
    if owner != home && !is(tx, FORGOTTEN_CUSTOMER, owner.0)? {
        tx.body_mut(owner)?.guest_interactions.remove(&id);
        tx.recount_activity(owner)?;
    }
    Ok(())
}

/// Takes a follow-up out of the body of `home`, its due-date entry and
/// its id entry, and remembers it forgotten.
fn erase_follow_up(tx: &mut Txn, id: FollowUpId, home: Option<CustomerId>) -> Result<(), StoreError> {
    mark(tx, FORGOTTEN_FOLLOW_UP, id.0);
    tx.delete(keys::follow_up(id));
    let Some(home) = home else { return Ok(()) };
    let Some(rec) = tx.body(home)?.follow_ups.get(&id).cloned() else {
        return Ok(());
    };
    if let Some(k) = rec.due_key() {
        tx.delete(k);
    }
    if !is(tx, FORGOTTEN_CUSTOMER, home.0)? {
        tx.body_mut(home)?.follow_ups.remove(&id);
    }
    let owner = rec.follow_up.customer;
    if owner != home && !is(tx, FORGOTTEN_CUSTOMER, owner.0)? {
        tx.body_mut(owner)?.guest_follow_ups.remove(&id);
    }
    Ok(())
}

/// Deletes a deal and its link from its customer, and remembers it
/// forgotten.
fn erase_deal(tx: &mut Txn, id: DealId) -> Result<(), StoreError> {
    mark(tx, FORGOTTEN_DEAL, id.0);
    if let Some(rec) = tx.get_decoded::<super::records::DealRecord>(&keys::deal(id))? {
        tx.delete(keys::deal(id));
        tx.delete(keys::deal_of_customer(rec.deal.customer, id));
        tx.touch(rec.deal.customer);
    }
    // Whoever else it was named with: a deal is rare, a forget rarer,
    // so the whole (small) set of these keys is read.
    for (k, _) in tx.scan_prefix(&[keys::DEAL_NAMED])? {
        if keys::deal_of_link(&k) == Some(id) {
            tx.delete(k);
        }
    }
    Ok(())
}

/// Applies `Edit::Forget`: the person leaves every part of the view.
/// Applying it again finds nothing left and changes nothing.
pub(super) fn apply(tx: &mut Txn, customer: CustomerId, stamp: Stamp) -> Result<Forgotten, StoreError> {
    let mut done = Forgotten::default();
    // The customer's mark keeps the earliest forget's stamp (the same
    // whatever order forgets arrive in): what a journal that lost the op
    // is mended with (`restate`).
    let key = keys::forgotten(FORGOTTEN_CUSTOMER, customer.0);
    let earlier: Option<Stamp> = tx.get(&key)?.and_then(|v| super::codec::decode(&v).ok());
    if earlier.is_none_or(|e| stamp < e) {
        tx.put_encoded(key, &stamp)?;
    }
    tx.storage().forgets.store(2, Ordering::Relaxed);
    let body: Body = tx.body(customer)?.clone();
    done.stage_changes = body.history.len();
    for (id, rec) in &body.interactions {
        mark(tx, FORGOTTEN_INTERACTION, id.0);
        done.interactions += usize::from(rec.interaction.customer == customer && rec.is_live());
        let owner = rec.interaction.customer;
        if owner != customer && !is(tx, FORGOTTEN_CUSTOMER, owner.0)? {
            tx.body_mut(owner)?.guest_interactions.remove(id);
            tx.recount_activity(owner)?;
        }
    }
    for (id, home) in &body.guest_interactions {
        done.interactions += 1;
        erase_interaction(tx, *id, Some(*home))?;
    }
    for (id, rec) in &body.follow_ups {
        done.follow_ups += usize::from(rec.follow_up.customer == customer && rec.is_live());
        erase_follow_up(tx, *id, Some(customer))?;
    }
    for (id, home) in &body.guest_follow_ups {
        done.follow_ups += 1;
        erase_follow_up(tx, *id, Some(*home))?;
    }
    if !body.is_empty() {
        *tx.body_mut(customer)? = Body::default();
    }
    tx.remove_customer(customer)?;
    // Every deal the person was ever named with, live or deleted, still
    // theirs or moved to someone else since (a merge).
    for (k, _) in tx.scan_prefix(&keys::deals_named_with(customer))? {
        if let Some(id) = keys::deal_of_link(&k) {
            done.deals += usize::from(
                tx.get_decoded::<super::records::DealRecord>(&keys::deal(id))?
                    .is_some_and(|r| r.is_live() && r.deal.customer == customer),
            );
            erase_deal(tx, id)?;
        }
    }
    done.plans = usize::from(super::plans::forget(tx, &PlanTarget::Customer(customer))?);
    for (k, _) in tx.scan_prefix(&[keys::APART])? {
        if keys::pair_of_apart_key(&k).is_some_and(|(a, b)| a == customer || b == customer) {
            tx.delete(k);
        }
    }
    done.undo_entries = purge_history(tx)?;
    Ok(done)
}

/// Deletes the undo and redo entries whose edits name something
/// forgotten: an undo must never bring a forgotten person back. Returns
/// how many went.
fn purge_history(tx: &mut Txn) -> Result<usize, StoreError> {
    let mut purged = 0;
    for tag in [keys::UNDO, keys::REDO] {
        for (k, v) in tx.scan_prefix(&[tag])? {
            let Ok(entry) = super::codec::decode::<UndoEntry>(&v) else {
                continue;
            };
            let mut hit = false;
            for e in &entry.edits {
                if names_forgotten(tx, e)? {
                    hit = true;
                    break;
                }
            }
            if hit {
                tx.delete(k);
                purged += 1;
            }
        }
    }
    Ok(purged)
}

/// Whether an op's edits (or the edits it keeps to take itself back)
/// name the forgotten customer `customer` or anything that was theirs,
/// by what `forgotten` says is forgotten: what a journal rewrite turns
/// into a tombstone.
pub fn edit_names(edit: &Edit, forgotten: &dyn Fn(u8, u64) -> bool) -> bool {
    if let Edit::Forget { .. } = edit {
        return false;
    }
    customers_named(edit).iter().any(|c| forgotten(FORGOTTEN_CUSTOMER, c.0))
        || thing_named(edit).is_some_and(|(kind, id)| forgotten(kind, id))
}

impl super::Store {
    /// Forgets a customer (a privacy request): one op that every replica
    /// applies by taking the person out of its view. Not undoable. Returns
    /// what it erased here. The files that still hold the person are
    /// scrubbed by `scrub_forgotten` and `scrub_view`.
    pub fn forget(&mut self, id: CustomerId) -> Result<Forgotten, StoreError> {
        // What it erases, counted on a batch that is never committed.
        let storage = self.view.storage.clone();
        let counts = apply(&mut Txn::new(&storage), id, Stamp::new(0, self.replica()))?;
        self.commit(vec![Edit::Forget { customer: id }])?;
        Ok(counts)
    }

    /// Whether this replica's latest change that undo passes over is a
    /// forget: the number of that op, when it is newer than what `undo`
    /// would take back.
    pub fn forget_above_undo(&self) -> Result<Option<u64>, StoreError> {
        let Some(v) = self.view.storage.tree.get(keys::META_LAST_FORGET)? else {
            return Ok(None);
        };
        let Ok(bytes) = <[u8; 8]>::try_from(v.as_ref()) else {
            return Ok(None);
        };
        let seq = u64::from_be_bytes(bytes);
        let top = self
            .view
            .storage
            .tree
            .scan_prefix([keys::UNDO])
            .next_back()
            .transpose()?
            .and_then(|(k, _)| keys::seq_of_stack_key(&k));
        Ok((top.is_none_or(|t| t < seq)).then_some(seq))
    }
}
