//! The one write path: every op, local or from a teammate, is applied to
//! the view by `apply_op`, which keeps records, indexes and the undo stack
//! in step. Applying the same ops in any order, any number of times, gives
//! the same view (see `sync::merge`).

use super::error::StoreError;
use super::keys;
use super::op::{Edit, Op, Origin, describe_op, follow_up_customer, interaction_customer};
use super::records::{FollowUpRecord, HistoryKey, InteractionRecord, ScoreKey, UndoEntry};
use super::txn::Txn;
use crate::domain::{
    CustomerField, CustomerId, FactorScore, FollowUpField, FollowUpId, InteractionField, InteractionId, StageChange,
};
use crate::sync::merge::Registers;
use crate::sync::{ReplicaId, Stamp};

/// How many of its own ops a replica can undo, newest first.
pub const UNDO_DEPTH: u64 = 1000;

pub(crate) fn apply_op(tx: &mut Txn, op: &Op, local: ReplicaId) -> Result<(), StoreError> {
    for (index, edit) in op.edits.iter().enumerate() {
        // An edit about someone forgotten is dropped, whenever it arrives.
        if super::forget::drops(tx, edit)? {
            continue;
        }
        apply_edit(tx, op, index, edit)?;
    }
    if op.stamp.replica() == local {
        record_undo(tx, op)?;
    }
    Ok(())
}

fn apply_edit(tx: &mut Txn, op: &Op, index: usize, edit: &Edit) -> Result<(), StoreError> {
    let stamp = op.stamp;
    match edit {
        Edit::CreateCustomer { id, fields } | Edit::UpdateCustomer { id, fields } => {
            let create = matches!(edit, Edit::CreateCustomer { .. });
            let rec = tx.customer_mut(*id)?;
            rec.registers
                .merge(&mut rec.customer, fields.iter().cloned(), stamp, create);
            record_scores(tx, stamp, *id, fields, create)?;
        }
        Edit::MoveStage { id, from, to, at } => {
            let rec = tx.customer_mut(*id)?;
            rec.registers
                .merge(&mut rec.customer, [CustomerField::Stage(*to)], stamp, false);
            // The history is add-only: every move is kept, even one that
            // lost to a concurrent move, because it did happen.
            let change = StageChange {
                at: at.unwrap_or_else(|| stamp.millis()),
                by: op.author.clone(),
                from: *from,
                to: *to,
            };
            tx.body_mut(*id)?.history.insert(history_key(stamp, index), change);
        }
        Edit::RecordStageChange { id, change } => {
            tx.body_mut(*id)?
                .history
                .insert(history_key(stamp, index), change.clone());
        }
        Edit::LogInteraction { id, fields } => {
            let home = interaction_customer(fields).unwrap_or(CustomerId(0));
            apply_interaction(tx, stamp, *id, home, fields, true)?;
        }
        Edit::UpdateInteraction { id, home, fields } => {
            apply_interaction(tx, stamp, *id, *home, fields, false)?;
        }
        Edit::AddFollowUp { id, fields } => {
            let home = follow_up_customer(fields).unwrap_or(CustomerId(0));
            apply_follow_up(tx, stamp, *id, home, fields, true)?;
        }
        Edit::UpdateFollowUp { id, home, fields } => {
            apply_follow_up(tx, stamp, *id, *home, fields, false)?;
        }
        Edit::SetApart { a, b, apart } => super::apart::apply(tx, stamp, *a, *b, *apart)?,
        Edit::AddDeal { id, fields } => super::deals::apply(tx, stamp, *id, fields, true)?,
        Edit::UpdateDeal { id, fields } => super::deals::apply(tx, stamp, *id, fields, false)?,
        Edit::SetList { name, change } => super::lists::apply(tx, stamp, name, change)?,
        Edit::AddOrganization { id, fields } => super::organizations::apply(tx, stamp, *id, fields, true)?,
        Edit::UpdateOrganization { id, fields } => super::organizations::apply(tx, stamp, *id, fields, false)?,
        Edit::SetPlan { target, plan } => super::plans::apply_plan(tx, stamp, target, plan)?,
        Edit::SetTacticDone { target, tactic, done } => super::plans::apply_done(tx, stamp, target, *tactic, *done)?,
        Edit::Forget { customer } => {
            super::forget::apply(tx, *customer, stamp)?;
        }
    }
    Ok(())
}

/// Keeps every factor score an edit carries, by its stamp, whether or
/// not it won the register (like a stage move, it did happen): replayed
/// in stamp order the scores end where the registers do. Within an op the
/// first write of a factor counts, as in the registers; a creation's
/// empty scores say nothing and are left out. Dated by the stamp, but a
/// creation's by the customer's own creation date: sample data and
/// imports create customers long after they were first scored, and the
/// clock of an op never goes back to say so.
fn record_scores(
    tx: &mut Txn,
    stamp: Stamp,
    id: CustomerId,
    fields: &[CustomerField],
    create: bool,
) -> Result<(), StoreError> {
    let mut scores = fields.iter().filter_map(|f| match f {
        CustomerField::Factor(factor, score) if !(create && score.is_none()) => Some((*factor, *score)),
        _ => None,
    });
    let Some(first) = scores.next() else {
        return Ok(());
    };
    let at = fields
        .iter()
        .find_map(|f| match f {
            CustomerField::CreatedAt(at) if create => Some(*at),
            _ => None,
        })
        .unwrap_or_else(|| stamp.millis());
    let body = tx.body_mut(id)?;
    for (factor, score) in std::iter::once(first).chain(scores) {
        body.scores
            .entry(ScoreKey { stamp, factor })
            .or_insert(FactorScore { at, factor, score });
    }
    Ok(())
}

fn history_key(stamp: Stamp, index: usize) -> HistoryKey {
    HistoryKey {
        stamp,
        index: u16::try_from(index).unwrap_or(u16::MAX),
    }
}

/// Moves a guest entry when a record's customer changed: a record whose
/// customer is not its home is listed in that customer's body.
fn move_guest<I: Ord + Copy>(
    tx: &mut Txn,
    guests: fn(&mut crate::store::records::Body) -> &mut std::collections::BTreeMap<I, CustomerId>,
    id: I,
    home: CustomerId,
    before: Option<CustomerId>,
    after: CustomerId,
) -> Result<(), StoreError> {
    let before = before.filter(|c| *c != home);
    let after = Some(after).filter(|c| *c != home);
    if before == after {
        return Ok(());
    }
    if let Some(c) = before {
        guests(tx.body_mut(c)?).remove(&id);
    }
    if let Some(c) = after {
        guests(tx.body_mut(c)?).insert(id, home);
    }
    Ok(())
}

fn apply_interaction(
    tx: &mut Txn,
    stamp: Stamp,
    id: InteractionId,
    home: CustomerId,
    fields: &[InteractionField],
    create: bool,
) -> Result<(), StoreError> {
    let before: Option<InteractionRecord> = tx.body(home)?.interactions.get(&id).cloned();
    let mut rec = before.clone().unwrap_or_else(|| InteractionRecord::new(id, home));
    if !rec
        .registers
        .merge(&mut rec.interaction, fields.iter().cloned(), stamp, create)
    {
        return Ok(());
    }
    let now = rec.interaction.customer;
    tx.touch(now);
    let old_customer = before.as_ref().map(|b| b.interaction.customer);
    if let Some(c) = old_customer {
        tx.touch(c);
    }
    move_guest(tx, |b| &mut b.guest_interactions, id, home, old_customer, now)?;
    let was_live = before.as_ref().is_some_and(InteractionRecord::is_live);
    let moved = before
        .as_ref()
        .is_some_and(|b| (b.interaction.customer, b.interaction.at) != (now, rec.interaction.at));
    let amount_changed = before
        .as_ref()
        .is_some_and(|b| b.interaction.amount != rec.interaction.amount);
    let live = rec.is_live();
    tx.body_mut(home)?.interactions.insert(id, rec.clone());
    match (was_live, live) {
        (false, true) => {
            let customer = tx.customer_mut(now)?;
            customer.customer.activity.add(&rec.interaction);
        }
        (true, false) => {
            if let Some(c) = old_customer {
                tx.recount_activity(c)?;
            }
        }
        (true, true) if moved || amount_changed => {
            if let Some(c) = old_customer {
                tx.recount_activity(c)?;
            }
            tx.recount_activity(now)?;
        }
        _ => {}
    }
    Ok(())
}

fn apply_follow_up(
    tx: &mut Txn,
    stamp: Stamp,
    id: FollowUpId,
    home: CustomerId,
    fields: &[FollowUpField],
    create: bool,
) -> Result<(), StoreError> {
    let before: Option<FollowUpRecord> = tx.body(home)?.follow_ups.get(&id).cloned();
    let mut rec = before.clone().unwrap_or_else(|| FollowUpRecord::new(id, home));
    if !rec
        .registers
        .merge(&mut rec.follow_up, fields.iter().cloned(), stamp, create)
    {
        return Ok(());
    }
    let now = rec.follow_up.customer;
    tx.touch(now);
    let old_customer = before.as_ref().map(|b| b.follow_up.customer);
    if let Some(c) = old_customer {
        tx.touch(c);
    }
    move_guest(tx, |b| &mut b.guest_follow_ups, id, home, old_customer, now)?;
    if before.is_none() {
        tx.put(keys::follow_up(id), home.to_bytes().to_vec());
    }
    // The index holds a copy of the follow-up, so the agenda reads no bodies.
    let old_due = before.as_ref().and_then(FollowUpRecord::due_key);
    let new_due = rec.due_key();
    if let Some(k) = old_due
        && Some(&k) != new_due.as_ref()
    {
        tx.delete(k);
    }
    if let Some(k) = new_due {
        tx.put_encoded(k, &rec.follow_up)?;
    }
    tx.body_mut(home)?.follow_ups.insert(id, rec);
    Ok(())
}

/// Keeps this replica's undo and redo stacks. Entries are keyed by op
/// sequence number, so re-applying an op (a replay after a crash) lands on
/// the same keys and changes nothing.
fn record_undo(tx: &mut Txn, op: &Op) -> Result<(), StoreError> {
    match op.origin {
        Origin::Bulk => {}
        Origin::Direct => {
            if op.edits.iter().any(|e| matches!(e, Edit::Forget { .. })) {
                tx.put(keys::META_LAST_FORGET.to_vec(), op.seq.to_be_bytes().to_vec());
            }
            // A new change ends the redo chain made by earlier undos, whether
            // or not it can be undone itself. So does what a forget's
            // journal rewrite left of one (a tombstone, without its
            // inverse), as the change it replaced did in the view that saw
            // it.
            for (k, _) in tx.range(&keys::redo(0), &keys::redo(op.seq))? {
                tx.delete(k);
            }
            if op.inverse.is_empty() {
                return Ok(());
            }
            push(tx, keys::undo(op.seq), op, describe_op(op))?;
            trim_undo(tx, op.seq)?;
        }
        Origin::Undo { seq } => {
            let label = take_label(tx, keys::undo(seq))?;
            push(tx, keys::redo(op.seq), op, label)?;
        }
        Origin::Redo { seq } => {
            let label = take_label(tx, keys::redo(seq))?;
            push(tx, keys::undo(op.seq), op, label)?;
            trim_undo(tx, op.seq)?;
        }
    }
    Ok(())
}

fn push(tx: &mut Txn, key: Vec<u8>, op: &Op, label: String) -> Result<(), StoreError> {
    // Nothing to take back: no entry. An undo or redo op that a forget's
    // journal rewrite left without its inverse (it named the person) is
    // replayed to no entry, as the view that saw the forget purged it.
    if op.inverse.is_empty() {
        return Ok(());
    }
    for edit in &op.inverse {
        // An undo that would bring back someone forgotten is never kept.
        if super::forget::names_any_forgotten(tx, edit)? {
            return Ok(());
        }
    }
    let entry = UndoEntry {
        stamp: op.stamp,
        label,
        edits: op.inverse.clone(),
    };
    tx.put_encoded(key, &entry)
}

fn take_label(tx: &mut Txn, key: Vec<u8>) -> Result<String, StoreError> {
    let label = tx
        .get_decoded::<UndoEntry>(&key)?
        .map(|e| e.label)
        .unwrap_or_else(|| "change".to_string());
    tx.delete(key);
    Ok(label)
}

fn trim_undo(tx: &mut Txn, seq: u64) -> Result<(), StoreError> {
    if seq > UNDO_DEPTH {
        for (k, _) in tx.range(&keys::undo(0), &keys::undo(seq - UNDO_DEPTH))? {
            tx.delete(k);
        }
    }
    Ok(())
}

/// What takes back logging an interaction: read against nothing, so a log
/// written ahead of the view (`quick_log`) has the same undo.
pub(super) fn undo_log(id: InteractionId, fields: &[InteractionField]) -> Edit {
    Edit::UpdateInteraction {
        id,
        home: interaction_customer(fields).unwrap_or(CustomerId(0)),
        fields: vec![InteractionField::Deleted(true)],
    }
}

/// The edits that would take `edits` back, read against the view before
/// they are applied, in the order to apply them.
pub(crate) fn inverse(tx: &mut Txn, edits: &[Edit]) -> Result<Vec<Edit>, StoreError> {
    let mut out = Vec::with_capacity(edits.len());
    for edit in edits.iter().rev() {
        out.push(match edit {
            Edit::CreateCustomer { id, .. } => Edit::UpdateCustomer {
                id: *id,
                fields: vec![CustomerField::Deleted(true)],
            },
            Edit::UpdateCustomer { id, fields } => {
                let current = &tx.customer(*id)?.customer;
                Edit::UpdateCustomer {
                    id: *id,
                    fields: Registers::current(current, fields.iter().map(CustomerField::key)),
                }
            }
            Edit::MoveStage { id, to, .. } => Edit::MoveStage {
                id: *id,
                from: *to,
                to: tx.customer(*id)?.customer.stage,
                at: None,
            },
            // History is add-only: a recorded entry stays, as a record of
            // what happened, even when the change that brought it is undone.
            Edit::RecordStageChange { .. } => continue,
            Edit::LogInteraction { id, fields } => undo_log(*id, fields),
            Edit::UpdateInteraction { id, home, fields } => {
                let current = tx
                    .body(*home)?
                    .interactions
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| InteractionRecord::new(*id, *home));
                Edit::UpdateInteraction {
                    id: *id,
                    home: *home,
                    fields: Registers::current(&current.interaction, fields.iter().map(InteractionField::key)),
                }
            }
            Edit::AddFollowUp { id, fields } => Edit::UpdateFollowUp {
                id: *id,
                home: follow_up_customer(fields).unwrap_or(CustomerId(0)),
                fields: vec![FollowUpField::Deleted(true)],
            },
            Edit::UpdateFollowUp { id, home, fields } => {
                let current = tx
                    .body(*home)?
                    .follow_ups
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| FollowUpRecord::new(*id, *home));
                Edit::UpdateFollowUp {
                    id: *id,
                    home: *home,
                    fields: Registers::current(&current.follow_up, fields.iter().map(FollowUpField::key)),
                }
            }
            Edit::SetApart { a, b, .. } => Edit::SetApart {
                a: *a,
                b: *b,
                apart: super::apart::current(tx, *a, *b)?,
            },
            Edit::AddDeal { id, .. } => Edit::UpdateDeal {
                id: *id,
                fields: vec![crate::domain::DealField::Deleted(true)],
            },
            Edit::UpdateDeal { id, fields } => {
                let current = super::deals::current(tx, *id)?;
                Edit::UpdateDeal {
                    id: *id,
                    fields: Registers::current(&current.deal, fields.iter().map(crate::domain::DealField::key)),
                }
            }
            Edit::SetList { name, change } => super::lists::inverse(tx, name, change)?,
            Edit::AddOrganization { id, .. } => {
                // An organization made from a company name may exist
                // already (made by a teammate): undo puts back what was.
                let current = super::organizations::current(tx, *id)?;
                if current.registers.created.is_some() {
                    Edit::UpdateOrganization {
                        id: *id,
                        fields: current.organization.to_fields(),
                    }
                } else {
                    Edit::UpdateOrganization {
                        id: *id,
                        fields: vec![crate::domain::OrgField::Deleted(true)],
                    }
                }
            }
            Edit::UpdateOrganization { id, fields } => {
                let current = super::organizations::current(tx, *id)?;
                Edit::UpdateOrganization {
                    id: *id,
                    fields: Registers::current(&current.organization, fields.iter().map(crate::domain::OrgField::key)),
                }
            }
            Edit::SetPlan { .. } | Edit::SetTacticDone { .. } => match super::plans::inverse(tx, edit)? {
                Some(e) => e,
                None => continue,
            },
            // Nothing takes a forget back (see `forget`).
            Edit::Forget { .. } => continue,
        });
    }
    Ok(out)
}
