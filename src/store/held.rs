//! Which of one replica's ops the view holds. Ops are numbered 1, 2, 3...
//! per replica; a view normally holds an unbroken run from 1 (the journal
//! cursor), but ops after a gap (a damaged frame, a segment not arrived
//! yet) are applied as soon as they are read, so the set can have holes.
//! Merging makes that safe: applying ops in any order gives the same view.
//!
//! Stored as the cursor (`Mcursor/`, every op up to `prefix`) plus, only
//! while there is a gap, the runs beyond it (`Mabove/`).

use std::ops::RangeInclusive;

use super::codec;
use super::error::StoreError;
use super::keys;
use super::records::Cursor;
use super::txn::Txn;
use crate::sync::ReplicaId;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Held {
    /// Every op from 1 to here.
    pub prefix: u64,
    /// Runs beyond `prefix + 1`, sorted, apart from each other.
    above: Vec<(u64, u64)>,
}

impl Held {
    #[cfg(test)]
    pub fn new(prefix: u64) -> Held {
        Held {
            prefix,
            above: Vec::new(),
        }
    }

    pub fn contains(&self, seq: u64) -> bool {
        seq != 0 && (seq <= self.prefix || self.run_holding(seq).is_ok())
    }

    fn run_holding(&self, seq: u64) -> Result<usize, usize> {
        self.above.binary_search_by(|&(a, b)| {
            if b < seq {
                std::cmp::Ordering::Less
            } else if a > seq {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
    }

    /// Adds `seq`; false when it was held already.
    pub fn insert(&mut self, seq: u64) -> bool {
        if seq == 0 || self.contains(seq) {
            return false;
        }
        if seq == self.prefix + 1 {
            self.prefix = seq;
            if let Some(&(a, b)) = self.above.first()
                && a == self.prefix + 1
            {
                self.prefix = b;
                self.above.remove(0);
            }
            return true;
        }
        let Err(at) = self.run_holding(seq) else {
            return false;
        };
        let joins_before = at > 0 && self.above[at - 1].1 + 1 == seq;
        let joins_after = at < self.above.len() && self.above[at].0 == seq + 1;
        match (joins_before, joins_after) {
            (true, true) => {
                self.above[at - 1].1 = self.above[at].1;
                self.above.remove(at);
            }
            (true, false) => self.above[at - 1].1 = seq,
            (false, true) => self.above[at].0 = seq,
            (false, false) => self.above.insert(at, (seq, seq)),
        }
        true
    }

    /// The highest op held.
    pub fn max(&self) -> u64 {
        self.above.last().map_or(self.prefix, |&(_, b)| b)
    }

    /// The ops missing below the highest one held.
    pub fn gaps(&self) -> Vec<RangeInclusive<u64>> {
        let mut out = Vec::new();
        let mut next = self.prefix + 1;
        for &(a, b) in &self.above {
            if a > next {
                out.push(next..=a - 1);
            }
            next = b + 1;
        }
        out
    }

    /// Every op held from `from` on, as runs.
    pub fn runs_from(&self, from: u64) -> Vec<RangeInclusive<u64>> {
        let mut out = Vec::new();
        if from <= self.prefix {
            out.push(from.max(1)..=self.prefix);
        }
        for &(a, b) in &self.above {
            if b >= from {
                out.push(a.max(from)..=b);
            }
        }
        out
    }
}

pub(crate) fn read(tree: &sled::Tree, replica: ReplicaId) -> Result<Held, StoreError> {
    let cursor: Cursor = match tree.get(keys::cursor(replica))? {
        Some(v) => codec::decode(&v).map_err(StoreError::codec("journal cursor"))?,
        None => Cursor::default(),
    };
    let above = match tree.get(keys::above(replica))? {
        Some(v) => codec::decode(&v).map_err(StoreError::codec("ops held past a gap"))?,
        None => Vec::new(),
    };
    Ok(Held {
        prefix: cursor.seq,
        above,
    })
}

pub(crate) fn put(tx: &mut Txn, replica: ReplicaId, held: &Held) -> Result<(), StoreError> {
    tx.put_encoded(keys::cursor(replica), &Cursor { seq: held.prefix })?;
    if held.above.is_empty() {
        tx.delete(keys::above(replica));
        Ok(())
    } else {
        tx.put_encoded(keys::above(replica), &held.above)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn runs_join_and_gaps_show() {
        let mut h = Held::new(3);
        assert!(h.insert(6));
        assert!(h.insert(8));
        assert!(!h.insert(6));
        assert!(!h.insert(2));
        assert_eq!(h.gaps(), vec![4..=5, 7..=7]);
        assert_eq!(h.max(), 8);
        assert!(h.insert(7));
        assert_eq!(h.gaps(), vec![4..=5]);
        assert!(h.insert(4) && h.insert(5));
        assert_eq!(h, Held::new(8));
        assert!(h.gaps().is_empty());
        assert_eq!(Held::new(2).runs_from(1), vec![1..=2]);
    }

    proptest! {
        #[test]
        fn holds_exactly_what_was_inserted(seqs in proptest::collection::vec(1u64..60, 0..80)) {
            let mut h = Held::default();
            let mut set = std::collections::BTreeSet::new();
            for s in seqs {
                prop_assert_eq!(h.insert(s), set.insert(s));
            }
            for s in 0..70 {
                prop_assert_eq!(h.contains(s), set.contains(&s), "seq {}", s);
            }
            prop_assert_eq!(h.max(), set.last().copied().unwrap_or(0));
            let missing: Vec<u64> = h.gaps().into_iter().flatten().collect();
            let expected: Vec<u64> = (1..=h.max()).filter(|s| !set.contains(s)).collect();
            prop_assert_eq!(missing, expected);
            let held: Vec<u64> = h.runs_from(1).into_iter().flatten().collect();
            prop_assert_eq!(held, set.iter().copied().collect::<Vec<_>>());
        }
    }
}
