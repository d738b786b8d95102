//! Indexes kept by apply: what a command looks customers up or filters
//! them by, so it reads the keys it needs instead of every customer.
//!
//! An index entry is `<kind> <term> <customer id>`, where the term is
//! folded text (no accents, no case), or a stage byte and a day. Entries
//! are kept in groups, one sled key each: `I <kind> <term's first bytes>
//! 0x00 <id's first four bits>`, whose value lists the group's entries. sled
//! spends several microseconds on every key it writes, so one key per
//! entry made an import three times slower; a group gathers the entries
//! that share a term's start (and a sixteenth of the ids), and a batch that
//! adds many customers writes each group once. A lookup reads the groups
//! of its term's start and keeps the entries whose whole term matches.
//! The transaction that writes a customer record changes its entries too
//! (`Txn::commit`), so the indexes follow every op — local, a teammate's,
//! a replay — through the one apply path. They are derived data:
//! snapshots leave them out and a snapshot's load makes them from the
//! records it brings.
//!
//! The stay-in-touch reminder of a customer falls due a cadence after its
//! last touch, and the cadence of a stage comes from the config, which may
//! change without any op. So the index keeps the last touch per stage
//! (`touch`), and the due instant only for customers with a cadence of
//! their own (`own_cadence`); the agenda reads each stage's range up to
//! its own bound.

use std::collections::{BTreeMap, BTreeSet};

use super::codec;
use super::error::StoreError;
use super::keys::{self, INDEX, ordered_i32, prefix_end};
use super::records::CustomerRecord;
use super::storage::Storage;
use crate::domain::text::{fold, searchable};
use crate::domain::{CustomerId, Stage};

/// The layout of the entries below; a view with another (or none) has
/// its entries made again from its records when it opens.
pub const VERSION: u8 = 4;

/// Groups written per sled batch while making the indexes.
const BATCH: usize = 20_000;

/// Makes the index of a view whose records are from before it (or from
/// another layout of it), from its records alone.
pub(super) fn make_missing(storage: &Storage) -> Result<(), StoreError> {
    let tree = &storage.tree;
    if tree.get(keys::META_INDEXED)?.as_deref() == Some(&[VERSION][..]) {
        return Ok(());
    }
    let mut batch = sled::Batch::default();
    let mut pending = 0;
    for entry in tree.scan_prefix([INDEX]) {
        batch.remove(entry?.0);
        pending += 1;
        if pending >= BATCH {
            tree.apply_batch(std::mem::take(&mut batch))?;
            pending = 0;
        }
    }
    let mut changes = Changes::default();
    for entry in tree.scan_prefix([keys::CUSTOMER]) {
        let (_, v) = entry?;
        let rec: CustomerRecord = codec::decode(&v).map_err(StoreError::codec("customer record"))?;
        for e in entries_of(&rec) {
            changes.add(&e);
        }
    }
    for (group, adds, removes) in changes.into_groups() {
        batch.insert(delta_key(&group, 0), encode_delta(&adds, &removes));
        pending += 1;
        if pending >= BATCH {
            tree.apply_batch(std::mem::take(&mut batch))?;
            pending = 0;
        }
    }
    batch.insert(keys::META_INDEXED, &[VERSION]);
    tree.apply_batch(batch)?;
    Ok(())
}

/// One entry of a group: its whole term and its customer.
pub type Member = (Vec<u8>, u64);

/// What a batch changes in each group: entries added and removed.
#[derive(Debug, Default)]
pub struct Changes {
    map: BTreeMap<Vec<u8>, (BTreeSet<Member>, BTreeSet<Member>)>,
}

impl Changes {
    pub fn add(&mut self, entry: &[u8]) {
        let (adds, removes) = self.map.entry(group_key(entry)).or_default();
        let m = member_of(entry);
        removes.remove(&m);
        adds.insert(m);
    }

    pub fn remove(&mut self, entry: &[u8]) {
        let (adds, removes) = self.map.entry(group_key(entry)).or_default();
        let m = member_of(entry);
        adds.remove(&m);
        removes.insert(m);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The groups changed, each with its entries added and removed.
    pub fn into_groups(self) -> impl Iterator<Item = (Vec<u8>, BTreeSet<Member>, BTreeSet<Member>)> {
        self.map
            .into_iter()
            .filter(|(_, (a, r))| !a.is_empty() || !r.is_empty())
            .map(|(k, (a, r))| (k, a, r))
    }
}

/// A group's deltas past this many are merged into one when the next is
/// written: lookups read few keys per group, and a common word's entries
/// are not rewritten with every change.
pub const MAX_DELTAS: usize = 16;

/// The key of a group's delta number `seq`.
pub fn delta_key(group: &[u8], seq: u64) -> Vec<u8> {
    let mut k = group.to_vec();
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// A delta's value: each entry as a flag (1 added, 0 removed), a two-byte
/// length, its term and its id.
pub fn encode_delta(adds: &BTreeSet<Member>, removes: &BTreeSet<Member>) -> Vec<u8> {
    let mut out = Vec::new();
    for (flag, set) in [(1u8, adds), (0u8, removes)] {
        for (term, id) in set {
            let len = u16::try_from(term.len()).unwrap_or(u16::MAX);
            out.push(flag);
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&term[..usize::from(len)]);
            out.extend_from_slice(&id.to_be_bytes());
        }
    }
    out
}

/// Applies a delta to the entries known so far (deltas are read in the
/// order they were written); what does not decode is left out: the index
/// is derived, and `doctor` and a rebuild make it again.
pub fn apply_delta(value: &[u8], to: &mut BTreeSet<Member>) {
    let mut rest = value;
    while let Some((&flag, tail)) = rest.split_first()
        && let Some((len, tail)) = tail.split_first_chunk::<2>()
    {
        let len = usize::from(u16::from_le_bytes(*len));
        let (Some(term), Some(id)) = (tail.get(..len), tail.get(len..len + 8)) else {
            break;
        };
        let mut raw = [0u8; 8];
        raw.copy_from_slice(id);
        let m = (term.to_vec(), u64::from_be_bytes(raw));
        if flag == 1 {
            to.insert(m);
        } else {
            to.remove(&m);
        }
        rest = &tail[len + 8..];
    }
}

/// Ids are split among 16 groups per term start (their first four bits):
/// enough that a change rewrites a small part of a common word's
/// entries, few enough that a batch of new customers writes each group
/// once.
const BUCKET_SHIFT: u8 = 4;

/// How many bytes of a term name its group; the rest is in the value.
/// Dated terms (a stage and a day) name it whole: their ranges are read
/// by day.
fn group_len(kind: u8) -> usize {
    if kind == Kind::Touch.byte() || kind == Kind::OwnCadence.byte() {
        usize::MAX
    } else {
        3
    }
}

/// The parts of an entry: kind, term, id.
fn parts(entry: &[u8]) -> (u8, &[u8], [u8; 8]) {
    let kind = entry.get(1).copied().unwrap_or(0);
    let end = entry.len().saturating_sub(9).max(2);
    let term = entry.get(2..end).unwrap_or(&[]);
    let mut id = [0u8; 8];
    if let Some(tail) = entry.len().checked_sub(8).and_then(|at| entry.get(at..)) {
        id.copy_from_slice(tail);
    }
    (kind, term, id)
}

pub fn group_key(entry: &[u8]) -> Vec<u8> {
    let (kind, term, id) = parts(entry);
    let head = &term[..term.len().min(group_len(kind))];
    let mut k = Vec::with_capacity(4 + head.len());
    k.push(INDEX);
    k.push(kind);
    k.extend_from_slice(head);
    k.push(0);
    k.push(id[0] >> BUCKET_SHIFT);
    k
}

pub fn member_of(entry: &[u8]) -> Member {
    let (_, term, id) = parts(entry);
    (term.to_vec(), u64::from_be_bytes(id))
}

/// Where the groups of entries of `kind` whose term starts with `start`
/// are: the range of keys to read (their members still to be filtered by
/// the whole term).
pub fn group_range(kind: Kind, start: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let limit = group_len(kind.byte());
    let mut from = vec![INDEX, kind.byte()];
    if start.len() >= limit {
        from.extend_from_slice(&start[..limit]);
        from.push(0);
    } else {
        from.extend_from_slice(start);
    }
    let to = end_of(&from);
    (from, to)
}

/// The first group key of `kind` at or after a dated term.
pub fn dated_key(kind: Kind, term: &[u8]) -> Vec<u8> {
    let mut k = vec![INDEX, kind.byte()];
    k.extend_from_slice(term);
    k
}

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// What an index entry is about; its byte follows `I` in the key. Few
/// kinds and few entries per customer: each is a key sled writes with
/// every change of the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A word of the name (folded; the pinyin of a Chinese name too), a
    /// whole email address (its part before `@` is a prefix of it), a
    /// phone number's digits.
    Word,
    Owner,
    Tag,
    /// Stage, then the last touch: a customer who follows its stage's
    /// cadence. With `OwnCadence`, also what a stage filter reads.
    Touch,
    /// Stage, then when the reminder of a customer with a cadence of its
    /// own is due.
    OwnCadence,
}

impl Kind {
    pub fn byte(self) -> u8 {
        match self {
            Kind::Word => b'w',
            Kind::Owner => b'o',
            Kind::Tag => b't',
            Kind::Touch => b'c',
            Kind::OwnCadence => b'k',
        }
    }
}

fn entry(kind: Kind, term: &[u8], id: CustomerId) -> Vec<u8> {
    let mut k = Vec::with_capacity(3 + term.len() + 8);
    k.push(INDEX);
    k.push(kind.byte());
    k.extend_from_slice(term);
    k.push(0);
    k.extend_from_slice(&id.to_bytes());
    k
}

/// The end (exclusive) of a prefix's range.
pub fn end_of(prefix: &[u8]) -> Vec<u8> {
    prefix_end(prefix).unwrap_or_else(|| vec![INDEX + 1])
}

/// The term of a stage: its byte.
pub fn stage_term(stage: Stage) -> [u8; 1] {
    [stage.index() as u8]
}

/// A `Touch` or `OwnCadence` entry's term: the stage byte, then the day
/// (UTC) of the instant, in order: customers touched the same day share
/// a group.
pub fn dated_term(stage: Stage, at: i64) -> Vec<u8> {
    let day = i32::try_from(at.div_euclid(DAY_MS)).unwrap_or(if at < 0 { i32::MIN } else { i32::MAX });
    let mut t = stage_term(stage).to_vec();
    t.extend_from_slice(&ordered_i32(day));
    t
}

/// Every index entry of a customer's record; none for a deleted one.
pub fn entries_of(rec: &CustomerRecord) -> BTreeSet<Vec<u8>> {
    let mut out = BTreeSet::new();
    if !rec.is_live() {
        return out;
    }
    let c = &rec.customer;
    let id = c.id;
    let mut put = |kind: Kind, term: &[u8]| {
        // A zero byte ends a group's name in its key: none in a text term
        // (dated terms are all the same length, so theirs are harmless).
        let term: Vec<u8> = match kind {
            Kind::Touch | Kind::OwnCadence => term.to_vec(),
            _ => term.iter().copied().filter(|b| *b != 0).collect(),
        };
        if !term.is_empty() {
            out.insert(entry(kind, &term, id));
        }
    };
    for word in searchable(&c.name).split_whitespace() {
        put(Kind::Word, word.as_bytes());
    }
    for email in &c.emails {
        put(Kind::Word, fold(email).as_bytes());
    }
    for phone in &c.phones {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        put(Kind::Word, digits.as_bytes());
    }
    put(Kind::Owner, fold(&c.owner).as_bytes());
    for tag in &c.tags {
        put(Kind::Tag, fold(tag).as_bytes());
    }
    let touch = crate::domain::cadence::last_touch(c);
    match c.cadence_days {
        None => put(Kind::Touch, &dated_term(c.stage, touch)),
        Some(days) => {
            let due = touch.saturating_add(i64::from(days).saturating_mul(DAY_MS));
            put(Kind::OwnCadence, &dated_term(c.stage, due));
        }
    }
    out
}
