//! Making lost ops again from the view. When this replica's journal lost
//! ops the view still holds (a damaged frame, a file rolled back to an
//! older version, a deleted folder), what those ops still decide in the
//! view is found by their stamps: every register, record, stage-history
//! entry, factor score, pair kept apart, saved list and forget this replica wrote with a stamp between the
//! clocks of the ops around the loss. Each lost stamp becomes one op again, with the same
//! stamp, so it merges exactly as the original did everywhere: a teammate
//! who had the original changes nothing, one who did not catches up, and
//! what later writes replaced stays replaced. What a lost op wrote that was
//! overwritten since is not needed by anyone, and is not made again.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use super::error::StoreError;
use super::keys;
use super::op::{Edit, Op, Origin};
use super::records::{HistoryKey, ScoreKey};
use super::storage::Storage;
use crate::domain::{Customer, CustomerField, CustomerId, FollowUp, FollowUpField, Interaction, InteractionField};
use crate::sync::merge::{Registered, Registers};
use crate::sync::{ReplicaId, Stamp};

/// A run of lost op numbers, and the clocks of the nearest ops around it
/// that are not lost: the lost ops' stamps lie strictly between.
#[derive(Debug, Clone)]
pub(super) struct LostRun {
    pub seqs: RangeInclusive<u64>,
    pub after_clock: u64,
    pub before_clock: u64,
}

/// The edits one lost op still decides, by kind.
#[derive(Default)]
struct Parts {
    creations: Vec<Edit>,
    updates: Vec<Edit>,
    /// Stage-history entries at their place in the op.
    history: BTreeMap<u16, (CustomerId, Edit)>,
}

impl Parts {
    /// The edits in an order that puts each history entry back at its
    /// index, padding with edits that change nothing where the op had
    /// edits whose effect is gone.
    fn into_edits(self) -> Vec<Edit> {
        let mut others = self.creations.into_iter().chain(self.updates).peekable();
        let mut history = self.history.into_iter().peekable();
        let mut out = Vec::new();
        loop {
            let index = u16::try_from(out.len()).unwrap_or(u16::MAX);
            match history.peek() {
                Some((i, _)) if *i <= index => {
                    if let Some((_, (_, edit))) = history.next() {
                        out.push(edit);
                    }
                }
                Some((_, (customer, _))) => {
                    let customer = *customer;
                    out.push(others.next().unwrap_or(Edit::UpdateCustomer {
                        id: customer,
                        fields: Vec::new(),
                    }));
                }
                None => {
                    out.extend(others);
                    return out;
                }
            }
        }
    }
}

/// The ops numbered in `runs`, made again from the view: one per lost
/// stamp still found, numbered in stamp order from the start of its run;
/// numbers left over get ops with no edits (their op's effect is gone),
/// and stamps beyond a run's length (which a sound journal never has) get
/// numbers after `next_seq`.
pub(super) fn remake(
    storage: &Storage,
    replica: ReplicaId,
    runs: &[LostRun],
    author: &str,
    mut next_seq: u64,
) -> Result<Vec<Op>, StoreError> {
    if runs.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_run: Vec<BTreeMap<Stamp, Parts>> = runs.iter().map(|_| BTreeMap::new()).collect();
    let run_of = |stamp: Stamp| -> Option<usize> {
        if stamp.replica() != replica {
            return None;
        }
        // Runs are in order, and so are their clock windows.
        let i = runs.partition_point(|r| r.before_clock <= stamp.clock);
        let r = runs.get(i)?;
        (r.after_clock < stamp.clock).then_some(i)
    };
    // Each record's creation and later writes, one edit per lost stamp.
    let gather = |by_run: &mut Vec<BTreeMap<Stamp, Parts>>,
                  registers_created: Option<Stamp>,
                  written: Vec<(Stamp, Edit)>,
                  create: &mut dyn FnMut() -> Edit| {
        if let Some(created) = registers_created
            && let Some(i) = run_of(created)
        {
            by_run[i].entry(created).or_default().creations.push(create());
        }
        for (stamp, edit) in written {
            if let Some(i) = run_of(stamp) {
                by_run[i].entry(stamp).or_default().updates.push(edit);
            }
        }
    };
    for entry in storage.scan_prefix(&[keys::CUSTOMER]) {
        let (_, v) = entry?;
        let rec: super::records::CustomerRecord =
            super::codec::decode(&v).map_err(StoreError::codec("customer record"))?;
        let id = rec.customer.id;
        let written = lost_writes::<Customer>(&rec.registers, &rec.customer, &run_of)
            .into_iter()
            .map(|(stamp, fields)| (stamp, Edit::UpdateCustomer { id, fields }))
            .collect();
        // A lost creation carries the scores it set, not today's: those
        // are history kept under its stamp.
        let created_scores = match rec.registers.created.filter(|c| run_of(*c).is_some()) {
            Some(created) => storage
                .body(id)?
                .scores
                .range(ScoreKey::first_of(created)..)
                .take_while(|(k, _)| k.stamp == created)
                .map(|(k, s)| (k.factor, s.score))
                .collect(),
            None => BTreeMap::new(),
        };
        gather(&mut by_run, rec.registers.created, written, &mut || {
            Edit::CreateCustomer {
                id,
                fields: rec
                    .customer
                    .to_fields()
                    .into_iter()
                    .map(|f| match f {
                        CustomerField::Factor(factor, _) => {
                            CustomerField::Factor(factor, created_scores.get(&factor).copied().flatten())
                        }
                        other => other,
                    })
                    .collect(),
            }
        });
    }
    for entry in storage.scan_prefix(&[keys::BODY]) {
        let (k, v) = entry?;
        let home = keys::customer_of_key(&k).unwrap_or(CustomerId(0));
        let body = storage.read_body(&super::storage::chain_of(&k, &v)?)?;
        for (id, rec) in &body.interactions {
            let id = *id;
            let written = lost_writes::<Interaction>(&rec.registers, &rec.interaction, &run_of)
                .into_iter()
                .map(|(stamp, fields)| (stamp, Edit::UpdateInteraction { id, home, fields }))
                .collect();
            // Created with its home customer; a later move is a write of
            // its own.
            gather(&mut by_run, rec.registers.created, written, &mut || {
                Edit::LogInteraction {
                    id,
                    fields: rec
                        .interaction
                        .to_fields()
                        .into_iter()
                        .map(|f| match f {
                            InteractionField::Customer(_) => InteractionField::Customer(home),
                            other => other,
                        })
                        .collect(),
                }
            });
        }
        for (id, rec) in &body.follow_ups {
            let id = *id;
            let written = lost_writes::<FollowUp>(&rec.registers, &rec.follow_up, &run_of)
                .into_iter()
                .map(|(stamp, fields)| (stamp, Edit::UpdateFollowUp { id, home, fields }))
                .collect();
            gather(&mut by_run, rec.registers.created, written, &mut || Edit::AddFollowUp {
                id,
                fields: rec
                    .follow_up
                    .to_fields()
                    .into_iter()
                    .map(|f| match f {
                        FollowUpField::Customer(_) => FollowUpField::Customer(home),
                        other => other,
                    })
                    .collect(),
            });
        }
        // A lost score that a later one replaced is still history: made
        // again as the write it was, which the later register beats again
        // (the one still held comes back with the record's writes above).
        for (ScoreKey { stamp, .. }, s) in &body.scores {
            if let Some(i) = run_of(*stamp) {
                by_run[i].entry(*stamp).or_default().updates.push(Edit::UpdateCustomer {
                    id: home,
                    fields: vec![CustomerField::Factor(s.factor, s.score)],
                });
            }
        }
        for (HistoryKey { stamp, index }, change) in &body.history {
            if let Some(i) = run_of(*stamp) {
                by_run[i].entry(*stamp).or_default().history.insert(
                    *index,
                    (
                        home,
                        Edit::RecordStageChange {
                            id: home,
                            change: change.clone(),
                        },
                    ),
                );
            }
        }
    }
    for ((a, b), rec) in super::apart::records(&storage.tree)? {
        if let Some(i) = run_of(rec.stamp) {
            let edit = Edit::SetApart { a, b, apart: rec.apart };
            by_run[i].entry(rec.stamp).or_default().updates.push(edit);
        }
    }
    for rec in super::deals::records(storage)? {
        let id = rec.deal.id;
        let written = lost_writes::<crate::domain::Deal>(&rec.registers, &rec.deal, &run_of)
            .into_iter()
            .map(|(stamp, fields)| (stamp, Edit::UpdateDeal { id, fields }))
            .collect();
        gather(&mut by_run, rec.registers.created, written, &mut || Edit::AddDeal {
            id,
            fields: rec.deal.to_fields(),
        });
    }
    for rec in super::lists::records(&storage.tree)? {
        for (stamp, edit) in rec.writes() {
            if let Some(i) = run_of(stamp) {
                by_run[i].entry(stamp).or_default().updates.push(edit);
            }
        }
    }
    for rec in super::organizations::records(storage)? {
        let id = rec.organization.id;
        let written = lost_writes::<crate::domain::Organization>(&rec.registers, &rec.organization, &run_of)
            .into_iter()
            .map(|(stamp, fields)| (stamp, Edit::UpdateOrganization { id, fields }))
            .collect();
        gather(&mut by_run, rec.registers.created, written, &mut || {
            Edit::AddOrganization {
                id,
                fields: rec.organization.to_fields(),
            }
        });
    }
    for rec in super::plans::records(&storage.tree)? {
        for (stamp, edit) in rec.writes() {
            if let Some(i) = run_of(stamp) {
                by_run[i].entry(stamp).or_default().updates.push(edit);
            }
        }
    }
    // A forget keeps only the person's id, with its stamp (see `forget`).
    for entry in storage.tree.scan_prefix([keys::FORGOTTEN, keys::FORGOTTEN_CUSTOMER]) {
        let (k, v) = entry?;
        let Some(id) = k.get(2..10).and_then(|b| <[u8; 8]>::try_from(b).ok()) else {
            continue;
        };
        let Ok(stamp) = super::codec::decode::<Stamp>(&v) else {
            continue;
        };
        if let Some(i) = run_of(stamp) {
            let edit = Edit::Forget {
                customer: CustomerId(u64::from_be_bytes(id)),
            };
            by_run[i].entry(stamp).or_default().updates.push(edit);
        }
    }
    let mut out = Vec::new();
    for (run, stamps) in runs.iter().zip(by_run) {
        let mut seqs = run.seqs.clone();
        let mut last = Stamp::new(run.after_clock, replica);
        for (stamp, parts) in stamps {
            let seq = seqs.next().unwrap_or_else(|| {
                next_seq += 1;
                next_seq
            });
            out.push(op(stamp, seq, author, parts.into_edits()));
            last = stamp;
        }
        for seq in seqs {
            out.push(op(last, seq, author, Vec::new()));
        }
    }
    out.sort_by_key(|o| o.seq);
    Ok(out)
}

/// The values a record's registers still hold from lost stamps, grouped by
/// stamp: what each lost op wrote to it that nothing later replaced.
fn lost_writes<T: Registered>(
    registers: &Registers<T::Key>,
    value: &T,
    run_of: &impl Fn(Stamp) -> Option<usize>,
) -> BTreeMap<Stamp, Vec<T::Field>> {
    let mut out: BTreeMap<Stamp, Vec<T::Field>> = BTreeMap::new();
    for (key, stamp) in &registers.written {
        if run_of(*stamp).is_some() {
            out.entry(*stamp).or_default().push(value.read(key));
        }
    }
    out
}

fn op(stamp: Stamp, seq: u64, author: &str, edits: Vec<Edit>) -> Op {
    Op {
        stamp,
        seq,
        author: author.to_string(),
        origin: Origin::Bulk,
        edits,
        inverse: Vec::new(),
    }
}
