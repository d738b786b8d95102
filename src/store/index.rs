//! Indexes kept by apply: what a command looks customers up or filters
//! them by, so it reads the keys it needs instead of every customer.
//!
//! Every index entry is a key with an empty value:
//! `I <kind> <term> 0x00 <customer id>`, where the term is folded text
//! (no accents, no case), or a stage byte and an ordered instant.
//! The transaction that writes a customer record writes its entries too,
//! removing the ones the old record had (`Txn::commit`), so the indexes
//! follow every op — local, a teammate's, a replay — through the one apply
//! path. They are derived data: snapshots leave them out and a snapshot's
//! load makes them from the records it brings.
//!
//! The stay-in-touch reminder of a customer falls due a cadence after its
//! last touch, and the cadence of a stage comes from the config, which may
//! change without any op. So the index keeps the last touch per stage
//! (`touch`), and the due instant only for customers with a cadence of
//! their own (`own_cadence`); the agenda reads each stage's range up to
//! its own bound.

use std::collections::BTreeSet;

use super::codec;
use super::error::StoreError;
use super::keys::{self, INDEX, ordered_i64, prefix_end};
use super::records::CustomerRecord;
use super::storage::Storage;
use crate::domain::text::{fold, searchable};
use crate::domain::{CustomerId, Stage};

/// The layout of the entries below; a view with another (or none) has
/// its entries made again from its records when it opens.
pub const VERSION: u8 = 2;

/// Entries written per sled batch while making the indexes.
const BATCH: usize = 20_000;

/// Makes the index entries of a view whose records are from before them
/// (or from another layout of them), from its records alone.
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
    for entry in tree.scan_prefix([keys::CUSTOMER]) {
        let (_, v) = entry?;
        let rec: CustomerRecord = codec::decode(&v).map_err(StoreError::codec("customer record"))?;
        for k in entries_of(&rec) {
            batch.insert(k, Vec::new());
            pending += 1;
        }
        if pending >= BATCH {
            tree.apply_batch(std::mem::take(&mut batch))?;
            pending = 0;
        }
    }
    batch.insert(keys::META_INDEXED, &[VERSION]);
    tree.apply_batch(batch)?;
    Ok(())
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
    fn byte(self) -> u8 {
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

/// The first key of the entries of `kind` whose term starts with `start`.
pub fn term_prefix(kind: Kind, start: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(2 + start.len());
    k.push(INDEX);
    k.push(kind.byte());
    k.extend_from_slice(start);
    k
}

/// The keys of the entries of `kind` with exactly this term.
pub fn term_exact(kind: Kind, term: &[u8]) -> Vec<u8> {
    let mut k = term_prefix(kind, term);
    k.push(0);
    k
}

/// The end (exclusive) of a prefix's range.
pub fn end_of(prefix: &[u8]) -> Vec<u8> {
    prefix_end(prefix).unwrap_or_else(|| vec![INDEX + 1])
}

/// The customer an index entry is about.
pub fn customer_of(key: &[u8]) -> Option<CustomerId> {
    let id = key.len().checked_sub(8).and_then(|at| key.get(at..))?;
    Some(CustomerId(u64::from_be_bytes(id.try_into().ok()?)))
}

/// The term of a stage: its byte.
pub fn stage_term(stage: Stage) -> [u8; 1] {
    [stage.index() as u8]
}

/// A `Touch` or `OwnCadence` entry's term: the stage byte, then the
/// instant in order.
pub fn dated_term(stage: Stage, at: i64) -> Vec<u8> {
    let mut t = stage_term(stage).to_vec();
    t.extend_from_slice(&ordered_i64(at));
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
        if !term.is_empty() {
            out.insert(entry(kind, term, id));
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
