//! A customer's body in the pack as a chain of frames: the whole body as
//! it was last written whole, then each later batch's changes to it.
//!
//! Why: a body holds every interaction of its customer, and writing it
//! whole for every new interaction made a log to a customer with 1,500 of
//! them write 184 KB (and the garbage that left brought the pack's
//! compaction round again and again). A body's maps only ever gain
//! entries or have entries replaced, never lose one, so a change is the
//! entries added or replaced, and reading is laying the changes over the
//! whole body in order. Past `MAX_LINKS` frames the body is written whole
//! again, so a read stays a handful of frames and a write stays small on
//! average.

use std::collections::BTreeMap;

use super::pack::Loc;
use super::records::Body;

/// Frames in a chain before the body is written whole again.
pub const MAX_LINKS: usize = 16;

/// Where a body's frames are: the whole body first, then its changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain(Vec<Loc>);

impl Chain {
    pub fn whole(loc: Loc) -> Chain {
        Chain(vec![loc])
    }

    /// A chain as sled keeps it: each location's 12 bytes in turn (a body
    /// from before chains is a chain of one).
    pub fn from_bytes(bytes: &[u8]) -> Option<Chain> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(12) {
            return None;
        }
        bytes
            .chunks(12)
            .map(Loc::from_bytes)
            .collect::<Option<Vec<_>>>()
            .map(Chain)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|l| l.to_bytes()).collect()
    }

    pub fn locs(&self) -> &[Loc] {
        &self.0
    }

    /// Room for one more change before the body is written whole again.
    pub fn has_room(&self) -> bool {
        self.0.len() < MAX_LINKS
    }

    /// The chain with one more change at its end.
    pub fn then(&self, loc: Loc) -> Chain {
        let mut locs = self.0.clone();
        locs.push(loc);
        Chain(locs)
    }

    /// Bytes its frames take in the pack.
    pub fn framed_len(&self) -> u64 {
        self.0.iter().map(|l| l.framed_len()).sum()
    }
}

/// A body from the decoded frames of its chain, in chain order: the whole frame
/// with each change laid over (no frames: the empty body).
pub fn assemble(parts: impl IntoIterator<Item = Body>) -> Body {
    let mut body = Body::default();
    for (n, part) in parts.into_iter().enumerate() {
        if n == 0 {
            body = part;
        } else {
            overlay(&mut body, part);
        }
    }
    body
}

/// Lays `later` (a change) over `body`.
pub fn overlay(body: &mut Body, later: Body) {
    body.interactions.extend(later.interactions);
    body.guest_interactions.extend(later.guest_interactions);
    body.follow_ups.extend(later.follow_ups);
    body.guest_follow_ups.extend(later.guest_follow_ups);
    body.history.extend(later.history);
    body.scores.extend(later.scores);
}

/// The entries of `after` that `before` lacks or holds otherwise: what
/// laid over `before` gives `after` (entries are never removed).
pub fn changes(before: &Body, after: &Body) -> Body {
    Body {
        interactions: changed(&before.interactions, &after.interactions),
        guest_interactions: changed(&before.guest_interactions, &after.guest_interactions),
        follow_ups: changed(&before.follow_ups, &after.follow_ups),
        guest_follow_ups: changed(&before.guest_follow_ups, &after.guest_follow_ups),
        history: changed(&before.history, &after.history),
        scores: changed(&before.scores, &after.scores),
    }
}

fn changed<K: Ord + Clone, V: PartialEq + Clone>(before: &BTreeMap<K, V>, after: &BTreeMap<K, V>) -> BTreeMap<K, V> {
    after
        .iter()
        .filter(|(k, v)| before.get(k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// True when laying changes over an earlier body cannot give `after`:
/// something it held is gone. Never so through apply; checked so that a
/// write is whole rather than wrong if it ever were.
pub fn lost_entries(before: &Body, after: &Body) -> bool {
    fn lost<K: Ord, V>(before: &BTreeMap<K, V>, after: &BTreeMap<K, V>) -> bool {
        before.keys().any(|k| !after.contains_key(k))
    }
    lost(&before.interactions, &after.interactions)
        || lost(&before.guest_interactions, &after.guest_interactions)
        || lost(&before.follow_ups, &after.follow_ups)
        || lost(&before.guest_follow_ups, &after.guest_follow_ups)
        || lost(&before.history, &after.history)
        || lost(&before.scores, &after.scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_round_trips_and_a_single_location_is_a_chain() {
        let a = Loc { offset: 7, len: 100 };
        let b = Loc { offset: 130, len: 9 };
        let chain = Chain::whole(a).then(b);
        assert_eq!(Chain::from_bytes(&chain.to_bytes()), Some(chain.clone()));
        assert_eq!(Chain::from_bytes(&a.to_bytes()), Some(Chain::whole(a)));
        assert_eq!(Chain::from_bytes(&[1, 2, 3]), None);
        assert_eq!(Chain::from_bytes(&[]), None);
        assert_eq!(chain.framed_len(), a.framed_len() + b.framed_len());
    }
}
