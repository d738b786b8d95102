//! The one write path: every op, local or from a teammate, is applied to
//! the view by `apply_op`, which keeps records, indexes and the undo stack
//! in step. Applying the same ops in any order, any number of times, gives
//! the same view (see `sync::merge`).

use super::error::StoreError;
use super::keys;
use super::op::{Edit, Op, Origin, describe};
use super::records::{FollowUpRecord, InteractionRecord, UndoEntry};
use super::txn::Txn;
use crate::domain::{
    CustomerField, CustomerId, FollowUpField, FollowUpId, InteractionField, InteractionId, StageChange,
};
use crate::sync::merge::Registers;
use crate::sync::{ReplicaId, Stamp};

/// How many of its own ops a replica can undo, newest first.
pub const UNDO_DEPTH: u64 = 1000;

pub(crate) fn apply_op(tx: &mut Txn, op: &Op, local: ReplicaId) -> Result<(), StoreError> {
    for (index, edit) in op.edits.iter().enumerate() {
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
            let index = u16::try_from(index).unwrap_or(u16::MAX);
            tx.put_encoded(keys::history(*id, stamp, index), &change)?;
        }
        Edit::RecordStageChange { id, change } => {
            tx.touch(*id);
            let index = u16::try_from(index).unwrap_or(u16::MAX);
            tx.put_encoded(keys::history(*id, stamp, index), change)?;
        }
        Edit::LogInteraction { id, fields } | Edit::UpdateInteraction { id, fields } => {
            let create = matches!(edit, Edit::LogInteraction { .. });
            apply_interaction(tx, stamp, *id, fields, create)?;
        }
        Edit::AddFollowUp { id, fields } | Edit::UpdateFollowUp { id, fields } => {
            let create = matches!(edit, Edit::AddFollowUp { .. });
            apply_follow_up(tx, stamp, *id, fields, create)?;
        }
    }
    Ok(())
}

fn apply_interaction(
    tx: &mut Txn,
    stamp: Stamp,
    id: InteractionId,
    fields: &[InteractionField],
    create: bool,
) -> Result<(), StoreError> {
    let key = keys::interaction(id);
    let before: Option<InteractionRecord> = tx.get_decoded(&key)?;
    let mut rec = before.clone().unwrap_or_else(|| InteractionRecord::new(id));
    if !rec
        .registers
        .merge(&mut rec.interaction, fields.iter().cloned(), stamp, create)
    {
        return Ok(());
    }
    tx.touch(rec.interaction.customer);
    if let Some(b) = &before {
        tx.touch(b.interaction.customer);
    }
    let old_index = before.as_ref().and_then(InteractionRecord::index_keys);
    let new_index = rec.index_keys();
    if old_index != new_index {
        if let Some((log, timeline)) = old_index.clone() {
            tx.delete(log);
            tx.delete(timeline);
        }
        if let Some((log, timeline)) = new_index.clone() {
            tx.put(log, Vec::new());
            tx.put(timeline, rec.interaction.customer.to_bytes().to_vec());
        }
    }
    let was_live = before.as_ref().is_some_and(InteractionRecord::is_live);
    let old_customer = before.as_ref().map(|b| b.interaction.customer);
    let amount_changed = before
        .as_ref()
        .is_some_and(|b| b.interaction.amount != rec.interaction.amount);
    match (was_live, rec.is_live()) {
        (false, true) => {
            let customer = tx.customer_mut(rec.interaction.customer)?;
            customer.customer.activity.add(&rec.interaction);
        }
        (true, false) => {
            if let Some(c) = old_customer {
                tx.recount_activity(c)?;
            }
        }
        (true, true) if old_index != new_index || amount_changed => {
            if let Some(c) = old_customer {
                tx.recount_activity(c)?;
            }
            tx.recount_activity(rec.interaction.customer)?;
        }
        _ => {}
    }
    tx.put_encoded(key, &rec)
}

fn apply_follow_up(
    tx: &mut Txn,
    stamp: Stamp,
    id: FollowUpId,
    fields: &[FollowUpField],
    create: bool,
) -> Result<(), StoreError> {
    let key = keys::follow_up(id);
    let before: Option<FollowUpRecord> = tx.get_decoded(&key)?;
    let mut rec = before.clone().unwrap_or_else(|| FollowUpRecord::new(id));
    if !rec
        .registers
        .merge(&mut rec.follow_up, fields.iter().cloned(), stamp, create)
    {
        return Ok(());
    }
    tx.touch(rec.follow_up.customer);
    if let Some(b) = &before {
        tx.touch(b.follow_up.customer);
    }
    let (old_listed, old_due) = before.as_ref().map(FollowUpRecord::index_keys).unwrap_or_default();
    let (new_listed, new_due) = rec.index_keys();
    if old_listed != new_listed {
        if let Some(k) = old_listed {
            tx.delete(k);
        }
        if let Some(k) = new_listed {
            tx.put(k, Vec::new());
        }
    }
    if old_due != new_due {
        if let Some(k) = old_due {
            tx.delete(k);
        }
        if let Some(k) = new_due {
            tx.put(k, rec.follow_up.customer.to_bytes().to_vec());
        }
    }
    tx.put_encoded(key, &rec)
}

/// Keeps this replica's undo and redo stacks. Entries are keyed by op
/// sequence number, so re-applying an op (a replay after a crash) lands on
/// the same keys and changes nothing.
fn record_undo(tx: &mut Txn, op: &Op) -> Result<(), StoreError> {
    match op.origin {
        Origin::Bulk => {}
        Origin::Direct => {
            if op.inverse.is_empty() {
                return Ok(());
            }
            push(tx, keys::undo(op.seq), op, describe(&op.edits))?;
            // A new change ends the redo chain made by earlier undos.
            for (k, _) in tx.range(&keys::redo(0), &keys::redo(op.seq))? {
                tx.delete(k);
            }
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
            Edit::LogInteraction { id, .. } => Edit::UpdateInteraction {
                id: *id,
                fields: vec![InteractionField::Deleted(true)],
            },
            Edit::UpdateInteraction { id, fields } => {
                let current = tx
                    .get_decoded::<InteractionRecord>(&keys::interaction(*id))?
                    .unwrap_or_else(|| InteractionRecord::new(*id));
                Edit::UpdateInteraction {
                    id: *id,
                    fields: Registers::current(&current.interaction, fields.iter().map(InteractionField::key)),
                }
            }
            Edit::AddFollowUp { id, .. } => Edit::UpdateFollowUp {
                id: *id,
                fields: vec![FollowUpField::Deleted(true)],
            },
            Edit::UpdateFollowUp { id, fields } => {
                let current = tx
                    .get_decoded::<FollowUpRecord>(&keys::follow_up(*id))?
                    .unwrap_or_else(|| FollowUpRecord::new(*id));
                Edit::UpdateFollowUp {
                    id: *id,
                    fields: Registers::current(&current.follow_up, fields.iter().map(FollowUpField::key)),
                }
            }
        });
    }
    Ok(out)
}

/// The customers an op touches, for callers that refresh what they show.
pub fn customers_touched(op: &Op) -> Vec<CustomerId> {
    let mut out: Vec<CustomerId> = op.edits.iter().filter_map(Edit::customer).collect();
    out.sort();
    out.dedup();
    out
}
