//! Pairs of customers the user said are not duplicates ("not the same
//! person"), so the duplicates finder stops grouping them. Kept per pair
//! as the latest write (by stamp) of a yes/no, so a teammate's answer
//! merges like any field and undo is the earlier answer written again.

use serde::{Deserialize, Serialize};

use super::error::StoreError;
use super::keys;
use super::op::Edit;
use super::txn::Txn;
use super::{Store, View};
use crate::domain::CustomerId;
use crate::domain::duplicates::{Apart, pair, pairs_of};
use crate::sync::Stamp;

/// What the view keeps for a pair. Stored by position: never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApartRecord {
    /// The write that decided it.
    pub stamp: Stamp,
    pub apart: bool,
}

/// Applies one `Edit::SetApart`: a later stamp replaces an earlier one;
/// within one op, the later edit wins. A pair of one customer is nothing.
pub(super) fn apply(tx: &mut Txn, stamp: Stamp, a: CustomerId, b: CustomerId, apart: bool) -> Result<(), StoreError> {
    let (a, b) = pair(a, b);
    if a == b {
        return Ok(());
    }
    let key = keys::apart(a, b);
    let before: Option<ApartRecord> = tx.get_decoded(&key)?;
    if before.is_none_or(|r| stamp >= r.stamp) {
        tx.put_encoded(key, &ApartRecord { stamp, apart })?;
    }
    Ok(())
}

/// Whether the pair is kept apart now, as the batch sees it.
pub(super) fn current(tx: &Txn, a: CustomerId, b: CustomerId) -> Result<bool, StoreError> {
    let (a, b) = pair(a, b);
    Ok(tx
        .get_decoded::<ApartRecord>(&keys::apart(a, b))?
        .is_some_and(|r| r.apart))
}

/// Two customers, the lower id first.
type Pair = (CustomerId, CustomerId);

/// Every pair's record, for restating lost ops and for checks.
pub(super) fn records(tree: &sled::Tree) -> Result<Vec<(Pair, ApartRecord)>, StoreError> {
    let mut out = Vec::new();
    for entry in tree.scan_prefix([keys::APART]) {
        let (k, v) = entry?;
        let Some(ids) = keys::pair_of_apart_key(&k) else {
            continue;
        };
        let rec: ApartRecord = super::codec::decode(&v).map_err(StoreError::codec("apart record"))?;
        out.push((ids, rec));
    }
    Ok(out)
}

impl View {
    /// The pairs of customers kept apart: what the duplicates finder skips.
    pub fn apart(&self) -> Result<Apart, StoreError> {
        Ok(records(&self.storage.tree)?
            .into_iter()
            .filter(|(_, r)| r.apart)
            .map(|(ids, _)| ids)
            .collect())
    }

    /// Whether two customers are kept apart.
    pub fn is_apart(&self, a: CustomerId, b: CustomerId) -> Result<bool, StoreError> {
        let (a, b) = pair(a, b);
        match self.storage.tree.get(keys::apart(a, b))? {
            Some(v) => Ok(super::codec::decode::<ApartRecord>(&v)
                .map_err(StoreError::codec("apart record"))?
                .apart),
            None => Ok(false),
        }
    }
}

impl Store {
    /// Says every two of `ids` are different people (`apart`), or takes
    /// that back, as one undoable change; false when nothing changes.
    pub fn set_apart(&mut self, ids: &[CustomerId], apart: bool) -> Result<bool, StoreError> {
        let known = self.apart()?;
        let edits: Vec<Edit> = pairs_of(ids)
            .into_iter()
            .filter(|p| known.contains(p) != apart)
            .map(|(a, b)| Edit::SetApart { a, b, apart })
            .collect();
        if edits.is_empty() {
            return Ok(false);
        }
        self.commit(edits)?;
        Ok(true)
    }
}
