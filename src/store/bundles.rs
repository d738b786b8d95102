//! The small entries there is one of per customer, follow-up or deal link
//! (bodies' places, follow-ups' homes, the due-date index, deal links),
//! kept many to a sled entry: a *bundle*.
//!
//! sled's open reads a page table with a line for every page of the tree
//! and sorts it by segment, so its cost grows with the number of entries:
//! at 100,000 customers these kinds were 330,000 of sled's 360,000
//! entries, and opening the view took 39 ms against 11 ms for the same
//! sled without them (`examples/cli_floor.rs`), a floor under every
//! command. Bundled, sled holds a few thousand entries whatever the size
//! of the workspace, and a short command opens it as fast at 100,000
//! customers as at 1,000.
//!
//! A bundle is chosen by the start of its members' keys, so that key
//! order is kept from bundle to bundle and a range of keys is a range of
//! bundles:
//!
//! - bodies, follow-ups and deal links: the top [`GROUP_BITS`] bits of the
//!   id after the kind (ids are hashes: the bundles fill evenly; a
//!   customer's deal links are in one bundle);
//! - the due-date index: the due day and the top [`DUE_BITS`] bits of the
//!   follow-up's id (the agenda reads whole days; a day's follow-ups
//!   are spread over a few bundles).
//!
//! sled splits a leaf at 16 entries and keeps a leaf over 128 KB as a
//! file of its own, so a bundle must stay a few KB: with 2,048 bundles
//! of each kind, 100,000 customers make bundles of about 1 KB, and a
//! day of the demo's 100,000 customers' follow-ups about 36 KB, so 16
//! bundles of 2 KB.
//!
//! ```text
//! sled key   kind, bundle (2 bytes: the id's top bits; or the 4-byte day
//!            and a byte of the follow-up id's top bits)
//! value      n x (key length, key, value length, value), by key;
//!            lengths as LEB128
//! ```
//!
//! Code above `Storage` and `Txn` reads and writes these entries by their
//! own keys and never sees a bundle: `Storage::get` and `range` open them,
//! `Txn::commit` writes them.

use std::collections::BTreeMap;
use std::ops::Bound;

use super::error::StoreError;
use super::keys;
use crate::store::codec::CodecError;

/// Bits of an id that choose its bundle (as `places::GROUP_BITS`).
pub const GROUP_BITS: u32 = 11;
/// Bits of a follow-up's id that choose its bundle within its due day.
pub const DUE_BITS: u32 = 4;

/// The kinds kept in bundles, in key order.
pub const KINDS: [u8; 5] = [
    keys::BODY,
    keys::DUE,
    keys::FOLLOW_UP,
    keys::DEAL_OF_CUSTOMER,
    keys::DEAL_NAMED,
];

/// Bytes of a bundle's sled key after the kind.
fn selector_len(kind: u8) -> usize {
    if kind == keys::DUE { 5 } else { 2 }
}

fn bundled_kind(kind: u8) -> bool {
    KINDS.contains(&kind)
}

/// Whether `key` is an entry kept in a bundle (not a bundle itself).
pub fn is_bundled(key: &[u8]) -> bool {
    match key.first() {
        Some(&kind) if bundled_kind(kind) => key.len() > 1 + selector_len(kind),
        _ => false,
    }
}

/// Whether a sled entry is a bundle.
pub fn is_bundle(key: &[u8]) -> bool {
    match key.first() {
        Some(&kind) if bundled_kind(kind) => key.len() == 1 + selector_len(kind),
        _ => false,
    }
}

/// The sled key of the bundle that holds (or would hold) `key`, for any
/// key of a bundled kind, whole or not: missing bytes count as zeros, so
/// the bundle of a partial key is at or before that of every key it is
/// a prefix of.
pub fn bundle_of(key: &[u8]) -> Vec<u8> {
    let kind = key.first().copied().unwrap_or(0);
    let byte = |i: usize| key.get(i).copied().unwrap_or(0);
    let mut out = vec![kind];
    if kind == keys::DUE {
        out.extend((1..5).map(byte));
        out.push(byte(5) >> (8 - DUE_BITS));
    } else {
        let top = ((u16::from(byte(1)) << 8) | u16::from(byte(2))) >> (16 - GROUP_BITS);
        out.extend_from_slice(&top.to_be_bytes());
    }
    out
}

/// The sled bound that takes in every bundle whose members may fall
/// within `bound` of entry keys (and perhaps a few more, which the caller
/// leaves out by their own keys); a bound of another kind as it is.
pub fn widen(bound: Bound<&Vec<u8>>) -> Option<Bound<Vec<u8>>> {
    match bound {
        Bound::Included(k) | Bound::Excluded(k) if k.len() >= 2 && bundled_kind(k[0]) => {
            Some(Bound::Included(bundle_of(k)))
        }
        _ => None,
    }
}

fn bad(key: &[u8], why: &str) -> StoreError {
    StoreError::codec("bundled entries")(CodecError::Decode(format!("{}: {why}", keys::describe_key(key))))
}

/// One bundle: its members' keys and values, by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundle {
    members: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl Bundle {
    /// A bundle as sled holds it under `key`; anything that is not whole
    /// members of this bundle, in key order, is damage.
    pub fn decode(key: &[u8], bytes: &[u8]) -> Result<Bundle, StoreError> {
        let mut members = BTreeMap::new();
        let mut at = 0;
        let mut last: Option<&[u8]> = None;
        while at < bytes.len() {
            let member = read_part(bytes, &mut at).ok_or_else(|| bad(key, "a key cut short"))?;
            let value = read_part(bytes, &mut at).ok_or_else(|| bad(key, "a value cut short"))?;
            if !is_bundled(member) || bundle_of(member) != key {
                return Err(bad(key, "an entry of another bundle"));
            }
            if last.is_some_and(|l| l >= member) {
                return Err(bad(key, "entries out of order"));
            }
            last = Some(member);
            members.insert(member.to_vec(), value.to_vec());
        }
        Ok(Bundle { members })
    }

    /// What sled holds for it.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.members.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
        for (k, v) in &self.members {
            write_part(&mut out, k);
            write_part(&mut out, v);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.members.get(key).map(Vec::as_slice)
    }

    /// Puts `key`'s value, or takes it out (`None`). The caller keeps
    /// `key` to this bundle's.
    pub fn set(&mut self, key: &[u8], value: Option<Vec<u8>>) {
        match value {
            Some(v) => {
                self.members.insert(key.to_vec(), v);
            }
            None => {
                self.members.remove(key);
            }
        }
    }

    /// Each member, by key.
    pub fn members(&self) -> impl Iterator<Item = (&Vec<u8>, &Vec<u8>)> {
        self.members.iter()
    }

    pub fn into_members(self) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> {
        self.members.into_iter()
    }
}

fn write_part(out: &mut Vec<u8>, part: &[u8]) {
    let mut n = part.len();
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            break;
        }
        out.push(low | 0x80);
    }
    out.extend_from_slice(part);
}

fn read_part<'b>(bytes: &'b [u8], at: &mut usize) -> Option<&'b [u8]> {
    let mut n: usize = 0;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*at)?;
        *at += 1;
        if shift > 28 {
            return None;
        }
        n |= usize::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    let part = bytes.get(*at..at.checked_add(n)?)?;
    *at += n;
    Some(part)
}

/// A view from before bundles (format 8), with a sled entry per bundled
/// entry, bundled in one atomic batch that also sets the new format: a
/// stop half-way leaves the old view as it was. A compaction under way
/// starts its walk again: its cursor is a key of the old layout (frames
/// already moved are passed over).
pub(super) fn regroup(tree: &sled::Tree, format: u8) -> Result<(), StoreError> {
    let mut batch = sled::Batch::default();
    for kind in KINDS {
        let mut bundle: Option<(Vec<u8>, Bundle)> = None;
        for entry in tree.scan_prefix([kind]) {
            let (k, v) = entry?;
            if !is_bundled(&k) {
                return Err(bad(&k, "a key too short for its kind"));
            }
            let at = bundle_of(&k);
            if bundle.as_ref().is_none_or(|(b, _)| *b != at) {
                if let Some((b, done)) = bundle.take() {
                    batch.insert(b, done.encode());
                }
                bundle = Some((at, Bundle::default()));
            }
            if let Some((_, b)) = bundle.as_mut() {
                b.set(&k, Some(v.to_vec()));
            }
            batch.remove(k);
        }
        if let Some((b, done)) = bundle {
            batch.insert(b, done.encode());
        }
    }
    if let Some(layout) = tree.get(keys::META_PACK_LAYOUT)? {
        let mut layout: super::pack::Layout =
            super::codec::decode(&layout).map_err(StoreError::codec("pack layout"))?;
        if let Some(older) = layout.older.as_mut() {
            older.cursor.clear();
            batch.insert(
                keys::META_PACK_LAYOUT,
                super::codec::encode(&layout).map_err(StoreError::codec("pack layout"))?,
            );
        }
    }
    // Every entry of these kinds was written again: sled's file is
    // tidied before the view is used.
    batch.insert(keys::META_TIDY, &[]);
    batch.insert(keys::META_FORMAT, &[format]);
    tree.apply_batch(batch)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CustomerId, DealId, FollowUpId};

    #[test]
    fn a_bundle_keeps_its_members_by_key_and_reads_back_what_it_wrote() {
        let mut b = Bundle::default();
        let key = |n: u64| keys::follow_up(FollowUpId(n));
        for n in [5u64, 1, 9, 3, 0x1f_ffff_ffff_ffff] {
            b.set(&key(n), Some(n.to_be_bytes().repeat(1 + n as usize % 3)));
        }
        b.set(&key(4), Some(Vec::new()));
        let sled_key = bundle_of(&key(1));
        assert_eq!(Bundle::decode(&sled_key, &b.encode()).unwrap(), b);
        assert_eq!(b.get(&key(9)), Some(&9u64.to_be_bytes()[..]));
        assert_eq!(b.get(&key(5)), Some(&5u64.to_be_bytes().repeat(3)[..]));
        assert_eq!(b.get(&key(4)), Some(&[][..]), "an empty value is a value");
        assert_eq!(b.get(&key(6)), None);
        b.set(&key(9), None);
        assert_eq!(b.len(), 5);
        let long = vec![7u8; 300];
        b.set(&key(2), Some(long.clone()));
        let again = Bundle::decode(&sled_key, &b.encode()).unwrap();
        assert_eq!(again.get(&key(2)), Some(&long[..]), "a length over one LEB128 byte");
        let order: Vec<Vec<u8>> = again.members().map(|(k, _)| k.clone()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn damaged_bundles_are_errors_not_wrong_entries() {
        let mut b = Bundle::default();
        let (one, two) = (keys::body(CustomerId(1)), keys::body(CustomerId(2)));
        b.set(&one, Some(vec![1; 12]));
        b.set(&two, Some(vec![2; 12]));
        let sled_key = bundle_of(&one);
        let bytes = b.encode();
        assert!(
            Bundle::decode(&sled_key, &bytes[..bytes.len() - 1]).is_err(),
            "cut short"
        );
        let half = bytes.len() / 2;
        let swapped = [&bytes[half..], &bytes[..half]].concat();
        assert!(Bundle::decode(&sled_key, &swapped).is_err(), "out of order");
        let elsewhere = bundle_of(&keys::body(CustomerId(u64::MAX)));
        assert!(Bundle::decode(&elsewhere, &bytes).is_err(), "in another bundle");
        assert!(Bundle::decode(&sled_key, &[0xff; 6]).is_err(), "a length past the end");
    }

    #[test]
    fn bundles_follow_key_order_so_ranges_stay_in_key_order() {
        let ids = [0u64, 1 << 53, (1 << 53) - 1, u64::MAX, 0x1234_5678_9abc_def0];
        let mut by_id = ids;
        by_id.sort_unstable();
        for make in [
            |id| keys::body(CustomerId(id)),
            |id| keys::follow_up(FollowUpId(id)),
            |id| keys::deal_of_customer(CustomerId(id), DealId(3)),
            |id| keys::deal_named(CustomerId(id), DealId(3)),
        ] {
            let bundles: Vec<Vec<u8>> = by_id.iter().map(|id| bundle_of(&make(*id))).collect();
            assert!(bundles.windows(2).all(|w| w[0] <= w[1]));
            assert!(bundles.iter().all(|b| is_bundle(b) && b.len() == 3));
            assert!(by_id.iter().all(|id| is_bundled(&make(*id)) && !is_bundle(&make(*id))));
        }
        // The due-date index: bundles by day, then by id.
        let due = [
            (-40_000, 9),
            (-1, u64::MAX),
            (0, 0),
            (0, 1 << 60),
            (0, u64::MAX),
            (1, 0),
            (20_000, 5),
        ];
        let bundles: Vec<Vec<u8>> = due
            .iter()
            .map(|(d, id)| bundle_of(&keys::due(*d, FollowUpId(*id))))
            .collect();
        assert!(bundles.windows(2).all(|w| w[0] < w[1]));
        assert!(bundles.iter().all(|b| is_bundle(b) && b.len() == 6));
        assert_eq!(bundles[2], bundle_of(&keys::due(0, FollowUpId(9))), "one bundle");
        // The bundle of a bound that is a partial key is at or before
        // the bundle of every key it stands before.
        let until = keys::due_until(5);
        assert_eq!(widen(Bound::Excluded(&until)), Some(Bound::Included(bundle_of(&until))));
        assert!(bundle_of(&until) >= bundle_of(&keys::due(4, FollowUpId(u64::MAX))));
        let partial = vec![keys::FOLLOW_UP, 0x12];
        assert_eq!(
            widen(Bound::Included(&partial)),
            Some(Bound::Included(vec![keys::FOLLOW_UP, 0x00, 0x90]))
        );
        assert_eq!(widen(Bound::Included(&keys::customer(CustomerId(1)))), None);
    }

    #[test]
    fn a_view_with_a_sled_entry_per_small_entry_is_bundled_whole() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("view").unwrap();
        let mut entries = Vec::new();
        for n in 0..400u64 {
            let id = n << 50;
            for (k, v) in [
                (keys::body(CustomerId(id)), vec![1u8; 12]),
                (keys::follow_up(FollowUpId(id ^ 1)), id.to_be_bytes().to_vec()),
                (keys::due((n % 7) as i32 - 3, FollowUpId(id ^ 1)), vec![n as u8; 40]),
                (keys::deal_of_customer(CustomerId(id), DealId(n)), vec![]),
                (keys::deal_named(CustomerId(id), DealId(n)), vec![]),
            ] {
                tree.insert(&k, v.clone()).unwrap();
                entries.push((k, v));
            }
        }
        tree.insert(b"Mother", b"kept").unwrap();
        tree.insert(keys::customer(CustomerId(3)), b"not bundled").unwrap();
        regroup(&tree, 9).unwrap();
        assert_eq!(tree.get(keys::META_FORMAT).unwrap().unwrap().as_ref(), &[9]);
        let mut found = Vec::new();
        for entry in tree.iter() {
            let (k, v) = entry.unwrap();
            if is_bundle(&k) {
                found.extend(Bundle::decode(&k, &v).unwrap().into_members());
            } else {
                assert!(!is_bundled(&k), "an entry left outside its bundle");
            }
        }
        entries.sort();
        assert_eq!(found, entries);
        // 400 ids over 50 bundles of each id kind, and 7 days.
        assert_eq!(tree.len(), 4 * 50 + 7 + 4, "and the tidy marker");
        assert_eq!(tree.get(b"Mother").unwrap().unwrap().as_ref(), b"kept");
    }
}
