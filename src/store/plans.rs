//! Account plans (seed 003: MOST), one per target: a customer, a saved
//! list or an organization. The view keeps one record per target with
//! the plan (its whole outline, the latest write winning; none deletes)
//! and, apart from it, one done register per tactic (the latest write
//! winning), so a teammate ticking a tactic off is not lost to another's
//! concurrent edit of the outline. Apply keeps two indexes beside the
//! records: open dated tactics by due day (what the agenda reads) and
//! tactics by id (what `done` finds them by).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::StoreError;
use super::keys;
use super::op::Edit;
use super::txn::Txn;
use super::{Store, View};
use crate::domain::dates::date_to_days;
use crate::domain::ids::prefix_range;
use crate::domain::{CustomerId, InputError, Plan, PlanTarget, Tactic, TacticId};
use crate::sync::Stamp;

/// A tactic's done register. Stored by position: never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoneRegister {
    pub done: bool,
    pub stamp: Stamp,
}

/// What the view keeps for a target. Stored by position: never reorder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRecord {
    pub target: PlanTarget,
    /// `None`: deleted, or only tactics ticked so far.
    pub plan: Option<Plan>,
    pub plan_stamp: Option<Stamp>,
    pub done: BTreeMap<TacticId, DoneRegister>,
}

/// An open tactic with a due day, as the due-date index keeps it: enough
/// for an agenda row without reading the plan. Stored by position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueTactic {
    pub target: PlanTarget,
    pub tactic: TacticId,
    pub text: String,
    pub owner: Option<String>,
    /// Days since 0001-01-01.
    pub due: i32,
}

impl DueTactic {
    pub fn due_date(&self) -> NaiveDate {
        crate::domain::dates::days_to_date(self.due)
    }
}

/// The bytes a target is keyed by: its kind, then its id or folded name.
pub fn target_bytes(t: &PlanTarget) -> Vec<u8> {
    match t {
        PlanTarget::Customer(id) => [&[b'C'][..], &id.to_bytes()].concat(),
        PlanTarget::List(name) => [&[b'L'][..], name.as_bytes()].concat(),
        PlanTarget::Organization(id) => [&[b'O'][..], &id.to_bytes()].concat(),
    }
}

impl PlanRecord {
    fn new(target: &PlanTarget) -> PlanRecord {
        PlanRecord {
            target: target.clone(),
            plan: None,
            plan_stamp: None,
            done: BTreeMap::new(),
        }
    }

    fn is_done(&self, id: TacticId) -> bool {
        self.done.get(&id).is_some_and(|r| r.done)
    }

    /// The plan with each tactic's done read from its register.
    pub fn plan(&self) -> Option<Plan> {
        let mut plan = self.plan.clone()?;
        for t in plan.tactics_mut() {
            t.done = self.is_done(t.id);
        }
        Some(plan)
    }

    /// The due-date index entries of the plan's open dated tactics.
    fn due_entries(&self) -> Vec<(Vec<u8>, DueTactic)> {
        let Some(plan) = &self.plan else {
            return Vec::new();
        };
        let target = target_bytes(&self.target);
        plan.tactics()
            .filter(|p| !self.is_done(p.tactic.id))
            .filter_map(|p| {
                let t = p.tactic;
                let due = t.due?;
                Some((
                    keys::plan_due(due, t.id, &target),
                    DueTactic {
                        target: self.target.clone(),
                        tactic: t.id,
                        text: t.text.clone(),
                        owner: t.owner.clone(),
                        due,
                    },
                ))
            })
            .collect()
    }

    fn tactic_keys(&self) -> Vec<Vec<u8>> {
        let target = target_bytes(&self.target);
        self.plan
            .iter()
            .flat_map(|p| p.tactics().map(|t| keys::plan_tactic(t.tactic.id, &target)))
            .collect()
    }

    /// Each register's last write as the edit that made it, by stamp: what
    /// restating lost ops writes again.
    pub(super) fn writes(&self) -> Vec<(Stamp, Edit)> {
        let mut out = Vec::new();
        if let Some(s) = self.plan_stamp {
            out.push((
                s,
                Edit::SetPlan {
                    target: self.target.clone(),
                    plan: self.plan.clone(),
                },
            ));
        }
        for (id, r) in &self.done {
            out.push((
                r.stamp,
                Edit::SetTacticDone {
                    target: self.target.clone(),
                    tactic: *id,
                    done: r.done,
                },
            ));
        }
        out
    }
}

fn current(tx: &Txn, target: &PlanTarget) -> Result<PlanRecord, StoreError> {
    Ok(tx
        .get_decoded::<PlanRecord>(&keys::plan(&target_bytes(target)))?
        .unwrap_or_else(|| PlanRecord::new(target)))
}

/// Writes `after` and brings the indexes from what `before` needed to
/// what `after` needs.
fn save(tx: &mut Txn, before: &PlanRecord, after: &PlanRecord) -> Result<(), StoreError> {
    let new_due = after.due_entries();
    for (k, _) in before.due_entries() {
        if !new_due.iter().any(|(n, _)| *n == k) {
            tx.delete(k);
        }
    }
    for (k, v) in &new_due {
        tx.put_encoded(k.clone(), v)?;
    }
    let new_tactics = after.tactic_keys();
    for k in before.tactic_keys() {
        if !new_tactics.contains(&k) {
            tx.delete(k);
        }
    }
    for k in new_tactics {
        tx.put_encoded(k, &after.target)?;
    }
    if let Some(c) = after.target.customer() {
        tx.touch(c);
    }
    tx.put_encoded(keys::plan(&target_bytes(&after.target)), after)
}

/// Deletes the plan of `target` with its tactics' entries (a forget):
/// true when there was one.
pub(super) fn forget(tx: &mut Txn, target: &PlanTarget) -> Result<bool, StoreError> {
    let key = keys::plan(&target_bytes(target));
    let Some(before) = tx.get_decoded::<PlanRecord>(&key)? else {
        return Ok(false);
    };
    for (k, _) in before.due_entries() {
        tx.delete(k);
    }
    for k in before.tactic_keys() {
        tx.delete(k);
    }
    tx.delete(key);
    Ok(before.plan.is_some())
}

/// Applies one `Edit::SetPlan`: a later stamp replaces an earlier one;
/// within one op, the later edit wins.
pub(super) fn apply_plan(
    tx: &mut Txn,
    stamp: Stamp,
    target: &PlanTarget,
    plan: &Option<Plan>,
) -> Result<(), StoreError> {
    let before = current(tx, target)?;
    if before.plan_stamp.is_some_and(|s| stamp < s) {
        return Ok(());
    }
    let mut after = before.clone();
    after.plan = plan.clone();
    after.plan_stamp = Some(stamp);
    save(tx, &before, &after)
}

/// Applies one `Edit::SetTacticDone`, the same way, to the tactic's own
/// register (kept even while no plan holds the tactic, so an undone
/// outline edit brings its state back).
pub(super) fn apply_done(
    tx: &mut Txn,
    stamp: Stamp,
    target: &PlanTarget,
    tactic: TacticId,
    done: bool,
) -> Result<(), StoreError> {
    let before = current(tx, target)?;
    if before.done.get(&tactic).is_some_and(|r| stamp < r.stamp) {
        return Ok(());
    }
    let mut after = before.clone();
    after.done.insert(tactic, DoneRegister { done, stamp });
    save(tx, &before, &after)
}

/// The edit that takes a plan edit back: the register's value now.
pub(super) fn inverse(tx: &Txn, edit: &Edit) -> Result<Option<Edit>, StoreError> {
    Ok(match edit {
        Edit::SetPlan { target, .. } => Some(Edit::SetPlan {
            target: target.clone(),
            plan: current(tx, target)?.plan,
        }),
        Edit::SetTacticDone { target, tactic, .. } => Some(Edit::SetTacticDone {
            target: target.clone(),
            tactic: *tactic,
            done: current(tx, target)?.is_done(*tactic),
        }),
        _ => None,
    })
}

/// Every plan record, deleted or not.
pub(super) fn records(tree: &sled::Tree) -> Result<Vec<PlanRecord>, StoreError> {
    let mut out = Vec::new();
    for entry in tree.scan_prefix([keys::PLAN, keys::PLAN_RECORD]) {
        let (_, v) = entry?;
        out.push(super::codec::decode(&v).map_err(StoreError::codec("plan record"))?);
    }
    Ok(out)
}

impl View {
    fn plan_record(&self, target: &PlanTarget) -> Result<Option<PlanRecord>, StoreError> {
        match self.storage.tree.get(keys::plan(&target_bytes(target)))? {
            Some(v) => Ok(Some(
                super::codec::decode(&v).map_err(StoreError::codec("plan record"))?,
            )),
            None => Ok(None),
        }
    }

    /// The plan of `target`, each tactic's done as its register says.
    pub fn plan(&self, target: &PlanTarget) -> Result<Option<Plan>, StoreError> {
        Ok(self.plan_record(target)?.and_then(|r| r.plan()))
    }

    /// Every plan, by target.
    pub fn plans(&self) -> Result<Vec<(PlanTarget, Plan)>, StoreError> {
        Ok(records(&self.storage.tree)?
            .into_iter()
            .filter_map(|r| Some((r.target.clone(), r.plan()?)))
            .collect())
    }

    /// Open tactics due on or before `until`, earliest first, whatever
    /// their target: read from the due-date index alone.
    pub fn due_tactics(&self, until: NaiveDate) -> Result<Vec<DueTactic>, StoreError> {
        let mut out = Vec::new();
        for entry in self
            .storage
            .tree
            .range(vec![keys::PLAN, keys::PLAN_DUE]..keys::plan_due_until(date_to_days(until)))
        {
            let (_, v) = entry?;
            out.push(super::codec::decode(&v).map_err(StoreError::codec("due tactic"))?);
        }
        Ok(out)
    }

    /// Finds a tactic of a plan by id or unique id prefix.
    pub fn resolve_tactic(&self, reference: &str) -> Result<(PlanTarget, Tactic), StoreError> {
        let r = reference.trim().to_lowercase();
        let none = || StoreError::from(InputError::NoSuchTactic(reference.trim().to_string()));
        let (low, high) = prefix_range(&r).ok_or_else(none)?;
        let mut found = Vec::new();
        let from = keys::plan_tactic(TacticId(low), &[]);
        let last = keys::plan_tactic(TacticId(high), &[]);
        let to = keys::prefix_end(&last).unwrap_or(last);
        for entry in self.storage.tree.range(from..to) {
            let (k, v) = entry?;
            let Some(id) = keys::tactic_of_key(&k) else {
                continue;
            };
            let target: PlanTarget = super::codec::decode(&v).map_err(StoreError::codec("tactic target"))?;
            if let Some(t) = self.plan(&target)?.and_then(|p| p.tactic(id).cloned()) {
                found.push((target, t));
            }
        }
        match found.len() {
            1 => found.pop().ok_or_else(none),
            _ => Err(none()),
        }
    }
}

impl Store {
    /// Saves `plan` as the plan of `target`, its tactics keeping their ids
    /// where their text under the same strategy is unchanged, and each
    /// tactic's done as the outline says: one undoable change.
    pub fn set_plan(&mut self, target: &PlanTarget, mut plan: Plan) -> Result<Vec<TacticId>, StoreError> {
        let before = self.plan_record(target)?;
        let before_plan = before.as_ref().and_then(PlanRecord::plan);
        plan.assign_ids(before_plan.as_ref(), || TacticId(self.new_id()));
        let mut done_edits = Vec::new();
        for t in plan.tactics_mut() {
            let was = before.as_ref().is_some_and(|r| r.is_done(t.id));
            if t.done != was {
                done_edits.push(Edit::SetTacticDone {
                    target: target.clone(),
                    tactic: t.id,
                    done: t.done,
                });
            }
            // The registers say what is done; the outline's copy is not kept.
            t.done = false;
        }
        let ids = plan.tactics().map(|p| p.tactic.id).collect();
        let mut edits = vec![Edit::SetPlan {
            target: target.clone(),
            plan: Some(plan),
        }];
        edits.extend(done_edits);
        self.commit(edits)?;
        Ok(ids)
    }

    /// Deletes the plan of `target`; false when it has none.
    pub fn delete_plan(&mut self, target: &PlanTarget) -> Result<bool, StoreError> {
        if self.plan(target)?.is_none() {
            return Ok(false);
        }
        self.commit(vec![Edit::SetPlan {
            target: target.clone(),
            plan: None,
        }])?;
        Ok(true)
    }

    /// Marks a tactic done or not; false when it already is.
    pub fn set_tactic_done(&mut self, target: &PlanTarget, tactic: TacticId, done: bool) -> Result<bool, StoreError> {
        let rec = self.plan_record(target)?;
        if rec.as_ref().is_some_and(|r| r.is_done(tactic)) == done {
            return Ok(false);
        }
        self.commit(vec![Edit::SetTacticDone {
            target: target.clone(),
            tactic,
            done,
        }])?;
        Ok(true)
    }

    /// Gives a tactic a due day (or takes it away): a dated tactic is a
    /// follow-up in the agenda.
    pub fn set_tactic_due(
        &mut self,
        target: &PlanTarget,
        tactic: TacticId,
        due: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        let mut plan = self
            .plan(target)?
            .ok_or_else(|| InputError::NoPlan(target.reference()))?;
        let t = plan
            .tactics_mut()
            .find(|t| t.id == tactic)
            .ok_or_else(|| InputError::NoSuchTactic(tactic.to_string()))?;
        t.set_due_date(due);
        self.set_plan(target, plan)?;
        Ok(())
    }
}

/// What an agenda row of a dated tactic says: the plan's name (`plan`,
/// the target's name), the tactic and its owner.
pub fn agenda_text(t: &DueTactic, plan: &str) -> String {
    match &t.owner {
        Some(owner) => crate::i18n::tf(
            "agenda.tactic_owner",
            &[("plan", &plan), ("what", &t.text), ("owner", owner)],
        ),
        None => crate::i18n::tf("agenda.tactic", &[("plan", &plan), ("what", &t.text)]),
    }
}

impl View {
    /// The name of a plan's target: the customer's, the saved list's or
    /// the organization's.
    pub fn target_name(&self, target: &PlanTarget) -> Result<String, StoreError> {
        Ok(match target {
            PlanTarget::Customer(id) => self
                .customer(*id)?
                .map(|r| r.customer.name)
                .unwrap_or_else(|| id.to_string()),
            PlanTarget::List(folded) => super::lists::records(&self.storage.tree)?
                .into_iter()
                .find(|r| crate::domain::text::fold(r.name.trim()) == *folded)
                .map(|r| r.name)
                .unwrap_or_else(|| folded.clone()),
            PlanTarget::Organization(id) => self
                .organization(*id)?
                .map(|r| r.organization.name)
                .unwrap_or_else(|| id.to_string()),
        })
    }
}

impl Store {
    /// The edits that move the plan of customer `from` to customer `to`
    /// (which has none), its tactics keeping their ids and done marks:
    /// none when `from` has no plan.
    pub(super) fn plan_moving(&self, from: CustomerId, to: CustomerId) -> Result<Vec<Edit>, StoreError> {
        let (source, target) = (PlanTarget::Customer(from), PlanTarget::Customer(to));
        let Some(mut plan) = self.plan(&source)? else {
            return Ok(Vec::new());
        };
        let done: Vec<TacticId> = plan.tactics().filter(|p| p.tactic.done).map(|p| p.tactic.id).collect();
        for t in plan.tactics_mut() {
            t.done = false;
        }
        let mut edits = vec![
            Edit::SetPlan {
                target: source,
                plan: None,
            },
            Edit::SetPlan {
                target: target.clone(),
                plan: Some(plan),
            },
        ];
        edits.extend(done.into_iter().map(|tactic| Edit::SetTacticDone {
            target: target.clone(),
            tactic,
            done: true,
        }));
        Ok(edits)
    }
}

/// The edits that bring a plan from elsewhere (an import) to `target`,
/// done marks included: the plan's text, then each done mark as its own
/// register, as a teammate's would arrive.
pub fn brought_in(target: &PlanTarget, plan: &Plan) -> Vec<Edit> {
    let mut stored = plan.clone();
    for t in stored.tactics_mut() {
        t.done = false;
    }
    let mut edits = vec![Edit::SetPlan {
        target: target.clone(),
        plan: Some(stored),
    }];
    edits.extend(plan.tactics().filter(|p| p.tactic.done).map(|p| Edit::SetTacticDone {
        target: target.clone(),
        tactic: p.tactic.id,
        done: true,
    }));
    edits
}
