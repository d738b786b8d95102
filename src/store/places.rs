//! Where the packed records (customers, deals, organizations) lie in the
//! pack, kept many to a sled entry.
//!
//! sled pays per entry: an insert copies a leaf and later splits it, and
//! a read may finish that work. With one entry per record, sled was two
//! thirds of an import of 100,000 contacts that brought 100,000
//! organizations, and most of a view's keys at 100,000 customers. Records
//! are grouped by the top [`GROUP_BITS`] bits of their id instead (ids are
//! hashes, so the groups fill evenly): one sled entry per group, holding
//! each member's id and place, sorted by id. With 2,048 groups per kind a
//! group holds about 50 members (1 KB) at 100,000 records and 500 (10 KB)
//! at a million: a change to one record rewrites a KB or so, and an
//! import's chunk of 10,000 new customers rewrites each group once instead
//! of writing 10,000 entries.
//!
//! ```text
//! sled key   kind, group (2 bytes: the id's top 12 bits)
//! value      n x (id: 8 bytes, place in the pack: 12 bytes), by id
//! ```

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex};

use super::bundles::Bundle;
use super::error::StoreError;
use super::keys;
use super::pack::Loc;
use crate::store::codec::CodecError;

/// Bits of an id that choose its group.
pub const GROUP_BITS: u32 = 11;
const ID: usize = 8;
const MEMBER: usize = ID + 12;

/// The id a packed record's key names, if the key is one.
fn id_of(key: &[u8]) -> Option<[u8; ID]> {
    match key {
        [kind, id @ ..] if keys::packed_record(&[*kind]) => id.try_into().ok(),
        _ => None,
    }
}

fn group_number(id_bytes: &[u8]) -> u16 {
    let b0 = u16::from(id_bytes.first().copied().unwrap_or(0));
    let b1 = u16::from(id_bytes.get(1).copied().unwrap_or(0));
    ((b0 << 8) | b1) >> (16 - GROUP_BITS)
}

/// The sled key of the group that holds the record under `key`.
pub fn group_of(key: &[u8]) -> Result<Vec<u8>, StoreError> {
    let id = id_of(key).ok_or_else(|| bad(key, "no record id"))?;
    Ok(group_key(key[0], &id))
}

fn group_key(kind: u8, id_bytes: &[u8]) -> Vec<u8> {
    let mut k = vec![kind];
    k.extend_from_slice(&group_number(id_bytes).to_be_bytes());
    k
}

/// Whether a sled entry is a group of packed records.
pub fn is_group(key: &[u8]) -> bool {
    key.len() == 3 && keys::packed_record(key)
}

fn bad(key: &[u8], why: &str) -> StoreError {
    StoreError::codec("record places")(CodecError::Decode(format!("{}: {why}", keys::describe_key(key))))
}

/// One group: its members' ids and places, sorted by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    bytes: Vec<u8>,
}

impl Group {
    /// A group as sled holds it under `key`; anything that is not whole
    /// members in id order is damage.
    pub fn decode(key: &[u8], bytes: &[u8]) -> Result<Group, StoreError> {
        if !bytes.len().is_multiple_of(MEMBER) {
            return Err(bad(key, "a member cut short"));
        }
        let group = Group { bytes: bytes.to_vec() };
        let in_order = group
            .bytes
            .chunks_exact(MEMBER)
            .zip(group.bytes.chunks_exact(MEMBER).skip(1));
        if in_order.into_iter().any(|(a, b)| a[..ID] >= b[..ID]) {
            return Err(bad(key, "members out of order"));
        }
        if group
            .bytes
            .chunks_exact(MEMBER)
            .any(|m| Loc::from_bytes(&m[ID..]).is_none())
        {
            return Err(bad(key, "a place that is not one"));
        }
        Ok(group)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.bytes.len() / MEMBER
    }

    fn find(&self, id: &[u8; ID]) -> Result<usize, usize> {
        let n = self.bytes.len() / MEMBER;
        let (mut low, mut high) = (0, n);
        while low < high {
            let mid = (low + high) / 2;
            let at = &self.bytes[mid * MEMBER..mid * MEMBER + ID];
            match at.cmp(id.as_slice()) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(low)
    }

    /// The place of the record under `key`, if this group holds it.
    pub fn get(&self, key: &[u8]) -> Option<Loc> {
        let id = id_of(key)?;
        let i = self.find(&id).ok()?;
        Loc::from_bytes(&self.bytes[i * MEMBER + ID..(i + 1) * MEMBER])
    }

    /// Puts the record under `key` at `loc`, or takes it out (`None`).
    pub fn set(&mut self, key: &[u8], loc: Option<Loc>) -> Result<(), StoreError> {
        let id = id_of(key).ok_or_else(|| bad(key, "no record id"))?;
        match (self.find(&id), loc) {
            (Ok(i), Some(loc)) => self.bytes[i * MEMBER + ID..(i + 1) * MEMBER].copy_from_slice(&loc.to_bytes()),
            (Ok(i), None) => {
                self.bytes.drain(i * MEMBER..(i + 1) * MEMBER);
            }
            (Err(i), Some(loc)) => {
                let mut member = [0u8; MEMBER];
                member[..ID].copy_from_slice(&id);
                member[ID..].copy_from_slice(&loc.to_bytes());
                self.bytes.splice(i * MEMBER..i * MEMBER, member);
            }
            (Err(_), None) => {}
        }
        Ok(())
    }

    /// Each member as its record's key and place, in key order. `kind` is
    /// the group's kind (its key's first byte).
    pub fn members(&self, kind: u8) -> impl Iterator<Item = (Vec<u8>, Loc)> + '_ {
        self.bytes.chunks_exact(MEMBER).filter_map(move |m| {
            let mut key = Vec::with_capacity(1 + ID);
            key.push(kind);
            key.extend_from_slice(&m[..ID]);
            Some((key, Loc::from_bytes(&m[ID..])?))
        })
    }
}

/// The sled bound that takes in every group whose members may fall
/// within `bound` of record keys (and perhaps a few more, which the
/// caller leaves out by their own keys).
pub fn widen(bound: Bound<&Vec<u8>>) -> Bound<Vec<u8>> {
    match bound {
        Bound::Included(k) | Bound::Excluded(k) if k.len() >= 2 && keys::packed_record(k) => {
            Bound::Included(group_key(k[0], &k[1..]))
        }
        Bound::Included(k) => Bound::Included(k.clone()),
        Bound::Excluded(k) => Bound::Excluded(k.clone()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// Groups held in memory while a view is filled in bulk, instead of
/// written with every commit: a batch of 4,000 ops touches most groups,
/// and sled keeps what each rewrite replaced for a while (sample data of
/// 100,000 customers left a 183 MB sled for 14 MB of entries, and sled
/// reads a header of every segment each time it opens). `None` when not
/// holding; else the groups, of places and bundles (`bundles`), changed
/// since they were last written.
pub type Held = Arc<Mutex<Option<HeldGroups>>>;

/// What is held: the groups of places and the bundles, by sled key.
#[derive(Debug, Default)]
pub struct HeldGroups {
    pub places: BTreeMap<Vec<u8>, Group>,
    pub bundles: BTreeMap<Vec<u8>, Bundle>,
}

impl HeldGroups {
    pub fn is_empty(&self) -> bool {
        self.places.is_empty() && self.bundles.is_empty()
    }
}

/// The view's held groups, whoever poisoned the lock last.
pub fn lock(held: &Held) -> std::sync::MutexGuard<'_, Option<HeldGroups>> {
    held.lock().unwrap_or_else(|e| e.into_inner())
}

/// A view from before groups (format 7) with one sled entry per packed
/// record, regrouped in one atomic batch that also sets the new format:
/// a stop half-way leaves the old view as it was.
pub(super) fn regroup(tree: &sled::Tree, format: u8) -> Result<(), StoreError> {
    let mut batch = sled::Batch::default();
    for kind in [keys::CUSTOMER, keys::DEAL, keys::ORGANIZATION] {
        let mut group: Option<(Vec<u8>, Group)> = None;
        for entry in tree.scan_prefix([kind]) {
            let (k, v) = entry?;
            let loc = Loc::from_bytes(&v).ok_or_else(|| bad(&k, "a place that is not one"))?;
            let gk = group_of(&k)?;
            if group.as_ref().is_none_or(|(at, _)| *at != gk) {
                if let Some((at, g)) = group.take() {
                    batch.insert(at, g.bytes);
                }
                group = Some((gk, Group::default()));
            }
            if let Some((_, g)) = group.as_mut() {
                g.set(&k, Some(loc))?;
            }
            batch.remove(k);
        }
        if let Some((at, g)) = group {
            batch.insert(at, g.bytes);
        }
    }
    batch.insert(keys::META_FORMAT, &[format]);
    tree.apply_batch(batch)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerId;

    fn loc(n: u64) -> Loc {
        Loc { offset: n, len: 7 }
    }

    #[test]
    fn a_group_keeps_its_members_by_id_and_finds_each() {
        let mut g = Group::default();
        let ids = [5u64, 1, 9, 3, u64::MAX, 0];
        for (i, id) in ids.iter().enumerate() {
            g.set(&keys::customer(CustomerId(*id)), Some(loc(i as u64))).unwrap();
        }
        let mut sorted = ids;
        sorted.sort_unstable();
        let members: Vec<Vec<u8>> = g.members(keys::CUSTOMER).map(|(k, _)| k).collect();
        assert_eq!(
            members,
            sorted
                .iter()
                .map(|id| keys::customer(CustomerId(*id)))
                .collect::<Vec<_>>()
        );
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(g.get(&keys::customer(CustomerId(*id))), Some(loc(i as u64)));
        }
        assert_eq!(g.get(&keys::customer(CustomerId(4))), None);
        g.set(&keys::customer(CustomerId(9)), Some(loc(40))).unwrap();
        assert_eq!(g.get(&keys::customer(CustomerId(9))), Some(loc(40)));
        g.set(&keys::customer(CustomerId(9)), None).unwrap();
        g.set(&keys::customer(CustomerId(4)), None).unwrap();
        assert_eq!(g.get(&keys::customer(CustomerId(9))), None);
        assert_eq!(g.members(keys::CUSTOMER).count(), 5);
        assert_eq!(Group::decode(b"C\0\0", g.bytes()).unwrap(), g);
    }

    #[test]
    fn damaged_groups_are_errors_not_wrong_places() {
        let mut g = Group::default();
        g.set(&keys::customer(CustomerId(1)), Some(loc(1))).unwrap();
        g.set(&keys::customer(CustomerId(2)), Some(loc(2))).unwrap();
        let bytes = g.bytes().to_vec();
        assert!(Group::decode(b"C\0\0", &bytes[..bytes.len() - 1]).is_err());
        let swapped = [&bytes[MEMBER..], &bytes[..MEMBER]].concat();
        assert!(Group::decode(b"C\0\0", &swapped).is_err());
        assert!(g.set(b"C\x01", Some(loc(1))).is_err(), "a key without a whole id");
    }

    #[test]
    fn a_view_with_a_sled_entry_per_record_is_regrouped_whole() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("view").unwrap();
        let mut records = Vec::new();
        for (i, kind) in [keys::CUSTOMER, keys::DEAL, keys::ORGANIZATION].into_iter().enumerate() {
            for n in 0..300u64 {
                let mut key = vec![kind];
                // Four records to a group: 75 groups of each kind.
                key.extend_from_slice(&((n << 51) ^ i as u64).to_be_bytes());
                tree.insert(&key, &loc(n * 3 + i as u64).to_bytes()).unwrap();
                records.push((key, loc(n * 3 + i as u64)));
            }
        }
        tree.insert(b"Mother", b"kept").unwrap();
        regroup(&tree, 8).unwrap();
        assert_eq!(tree.get(keys::META_FORMAT).unwrap().unwrap().as_ref(), &[8]);
        let mut found = Vec::new();
        for entry in tree.iter() {
            let (k, v) = entry.unwrap();
            if is_group(&k) {
                found.extend(Group::decode(&k, &v).unwrap().members(k[0]));
            } else {
                assert!(!keys::packed_record(&k) || k.len() != 9, "a record's own entry is left");
            }
        }
        records.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(found, records);
        assert_eq!(tree.len(), 3 * 75 + 2, "a sled entry per group, the others kept");
        assert_eq!(tree.get(b"Mother").unwrap().unwrap().as_ref(), b"kept");
    }

    #[test]
    fn groups_follow_id_order_so_scans_stay_in_key_order() {
        let ids = [0u64, 1 << 53, (1 << 53) - 1, u64::MAX, 0x1234_5678_9abc_def0];
        let mut by_id = ids;
        by_id.sort_unstable();
        let groups: Vec<Vec<u8>> = by_id
            .iter()
            .map(|id| group_of(&keys::customer(CustomerId(*id))).unwrap())
            .collect();
        assert!(groups.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(groups[0], vec![keys::CUSTOMER, 0, 0]);
        assert_eq!(groups[4], vec![keys::CUSTOMER, 0x07, 0xff]);
        assert!(is_group(&groups[0]) && !is_group(&keys::customer(CustomerId(1))));
        // A bound of a partial key takes in the group of every key it may
        // stand before.
        let partial = vec![keys::CUSTOMER, 0x12];
        assert_eq!(
            widen(Bound::Excluded(&partial)),
            Bound::Included(vec![keys::CUSTOMER, 0x00, 0x90])
        );
    }
}
