//! Indexes kept by apply: what a command looks customers up or filters
//! them by, so it reads the keys it needs instead of every customer.
//!
//! An index entry is `<kind> <term> <customer id>`, where the term is
//! folded text (no accents, no case), or a stage byte and a day. Entries
//! are kept in groups: `I <kind> <term's first bytes> 0x00 <id's first
//! bits>` names a group (`bucket_shift`), whose entries are one frame in
//! the pack (like a customer's body) and sled keeps where. sled spends several
//! microseconds on every key it writes and keeps two to three times the
//! live size of its entries on disk, so one key per entry made an import
//! three times slower and the view half as large again; a group gathers
//! the entries that share a term's start (and a share of the ids), a
//! batch that adds many customers writes each group once, and a change
//! rewrites only the groups it touches. A lookup reads the groups of its
//! term's start and keeps the entries whose whole term matches.
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

use std::collections::{BTreeSet, HashMap};

use super::codec;
use super::error::StoreError;
use super::keys::{self, INDEX, ordered_i32, prefix_end};
use super::records::CustomerRecord;
use super::storage::Storage;
use crate::domain::text::{fold, searchable};
use crate::domain::{CustomerId, Stage};

/// The layout of the entries below; a view with another (or none) has
/// its entries made again from its records when it opens.
pub const VERSION: u8 = 11;

/// How the indexes are kept while a view is being filled in bulk.
#[derive(Debug, Default)]
pub enum Deferral {
    /// Kept by every commit.
    #[default]
    Kept,
    /// Complete when the deferral began: commits gather their changes
    /// here, and `make_missing` writes each group once.
    Gathering(Changes),
    /// Missing or from another layout: `make_missing` makes them from the
    /// records; commits leave them alone.
    FromRecords,
}

/// The view's deferral, shared by its clones.
pub type Deferred = std::sync::Arc<std::sync::Mutex<Deferral>>;

fn deferral(storage: &Storage) -> std::sync::MutexGuard<'_, Deferral> {
    storage.deferred.lock().unwrap_or_else(|e| e.into_inner())
}

/// Leaves the indexes of a view without them (new, from before them, or
/// killed while they were deferred) to `make_missing`: gathered from the
/// commits when the view holds nothing yet, else made from its records.
pub(super) fn defer_if_missing(storage: &Storage) -> Result<(), StoreError> {
    let tree = &storage.tree;
    if tree.get(keys::META_INDEXED)?.as_deref() == Some(&[VERSION][..]) {
        return Ok(());
    }
    let empty = !storage.holds_any(keys::CUSTOMER)? && tree.scan_prefix([INDEX]).next().is_none();
    *deferral(storage) = if empty {
        // Filled in bulk by the open that follows.
        storage.hold_places();
        Deferral::Gathering(Changes::default())
    } else {
        Deferral::FromRecords
    };
    Ok(())
}

/// Stops writing the indexes with every commit until `make_missing`: for
/// a bulk load, where writing each changed group once at the end costs
/// far less than once per batch. The marker goes first, so a process
/// killed before the end leaves a view that makes them when it opens.
pub(super) fn defer(storage: &Storage) -> Result<(), StoreError> {
    let mut state = deferral(storage);
    if matches!(*state, Deferral::Kept) {
        storage.tree.remove(keys::META_INDEXED)?;
        *state = Deferral::Gathering(Changes::default());
    }
    storage.hold_places();
    Ok(())
}

/// Leaves the indexes to be made from the records by `make_missing`: for
/// records written around the index (a snapshot's load).
pub(super) fn make_from_records_later(storage: &Storage) -> Result<(), StoreError> {
    storage.tree.remove(keys::META_INDEXED)?;
    *deferral(storage) = Deferral::FromRecords;
    storage.hold_places();
    Ok(())
}

/// Takes a commit's index changes while the indexes are deferred:
/// gathered for `make_missing`, or dropped when it makes them from the
/// records.
pub(super) fn defer_changes(storage: &Storage, changes: &mut Changes) {
    match &mut *deferral(storage) {
        Deferral::Kept => {}
        Deferral::Gathering(all) => all.absorb(std::mem::take(changes)),
        Deferral::FromRecords => *changes = Changes::default(),
    }
}

/// What a bulk load gathered so far, taken out for a commit to add its
/// changes to (`put_gathered` gives it back); none unless gathering.
pub(super) fn take_gathered(storage: &Storage) -> Option<Changes> {
    match &mut *deferral(storage) {
        Deferral::Gathering(all) => Some(std::mem::take(all)),
        _ => None,
    }
}

/// Gives back what `take_gathered` took, with a commit's changes added.
pub(super) fn put_gathered(storage: &Storage, all: Changes) {
    if let Deferral::Gathering(held) = &mut *deferral(storage) {
        *held = all;
    }
}

/// True when the indexes hold every customer as the records are: kept
/// with every commit, neither deferred nor missing.
pub(super) fn whole(storage: &Storage) -> Result<bool, StoreError> {
    Ok(matches!(*deferral(storage), Deferral::Kept)
        && storage.tree.get(keys::META_INDEXED)?.as_deref() == Some(&[VERSION][..]))
}

/// Makes the indexes deferred, missing, or of another layout: writes what
/// was gathered, or makes them from the records.
pub(super) fn make_missing(storage: &Storage) -> Result<(), StoreError> {
    // The bulk work is over.
    storage.stop_holding()?;
    let state = std::mem::take(&mut *deferral(storage));
    let mut txn = super::txn::Txn::new(storage);
    match state {
        Deferral::Gathering(changes) => txn.write_index(changes),
        Deferral::Kept if storage.tree.get(keys::META_INDEXED)?.as_deref() == Some(&[VERSION][..]) => return Ok(()),
        Deferral::Kept | Deferral::FromRecords => {
            txn.drop_index()?;
            let mut changes = Changes::default();
            for entry in storage.scan_prefix(&[keys::CUSTOMER]) {
                let (_, v) = entry?;
                let rec: CustomerRecord = codec::decode(&v).map_err(StoreError::codec("customer record"))?;
                for e in entries_of(&rec) {
                    changes.add(&e);
                }
            }
            // Written as new groups: the old ones are deleted above.
            txn.write_index(changes.into_fresh());
            super::deals::relink(&mut txn, storage)?;
        }
    }
    txn.put(keys::META_INDEXED.to_vec(), vec![VERSION]);
    txn.commit()?;
    Ok(())
}

/// One entry of a group: its whole term and its customer.
pub type Member = (Vec<u8>, u64);

/// What a batch changes in each group: entries added and removed.
#[derive(Debug, Default)]
pub struct Changes {
    /// Hashed: a bulk load adds a million entries to some ten thousand
    /// groups, and ordered lookups were a tenth of an import. Ordered
    /// when written (`into_groups`). Each group's changes are kept in the
    /// order made and settled then (the last change to an entry wins):
    /// a set per group, kept up to date at every change, was a tenth of
    /// a large import too.
    map: HashMap<Vec<u8>, Vec<(Member, Change)>>,
    /// The groups are whole: what is stored for them is not read.
    pub fresh: bool,
}

/// What became of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Added,
    Removed,
}

impl Changes {
    pub fn add(&mut self, entry: &[u8]) {
        self.change(entry, Change::Added);
    }

    pub fn remove(&mut self, entry: &[u8]) {
        self.change(entry, Change::Removed);
    }

    fn change(&mut self, entry: &[u8], change: Change) {
        self.map
            .entry(group_key(entry))
            .or_default()
            .push((member_of(entry), change));
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Adds a later batch's changes to these.
    pub fn absorb(&mut self, later: Changes) {
        for (group, changes) in later.map {
            self.map.entry(group).or_default().extend(changes);
        }
    }

    /// These changes as whole groups to write over whatever is stored.
    pub fn into_fresh(mut self) -> Changes {
        self.fresh = true;
        self
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The groups changed, each with its entries added and removed.
    pub fn into_groups(self) -> impl Iterator<Item = (Vec<u8>, BTreeSet<Member>, BTreeSet<Member>)> {
        let mut groups: Vec<(Vec<u8>, BTreeSet<Member>, BTreeSet<Member>)> = self
            .map
            .into_iter()
            .map(|(k, changes)| {
                let (a, r) = settled(changes);
                (k, a, r)
            })
            .filter(|(_, a, r)| !a.is_empty() || !r.is_empty())
            .collect();
        // In key order: the pack is then laid out as the index is read.
        groups.sort_unstable_by(|x, y| x.0.cmp(&y.0));
        groups.into_iter()
    }
}

/// A group's entries added and removed, the last change to each entry
/// being what became of it.
fn settled(mut changes: Vec<(Member, Change)>) -> (BTreeSet<Member>, BTreeSet<Member>) {
    // Stable: an entry's changes stay in the order made.
    changes.sort_by(|x, y| x.0.cmp(&y.0));
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    let mut changes = changes.into_iter().peekable();
    while let Some((member, change)) = changes.next() {
        if changes.peek().is_some_and(|(next, _)| *next == member) {
            continue;
        }
        match change {
            Change::Added => added.push(member),
            Change::Removed => removed.push(member),
        }
    }
    // In order already: the sets are built without a search each.
    (added.into_iter().collect(), removed.into_iter().collect())
}

/// A group's value, in the pack: each entry as a two-byte length, its
/// term and its id.
pub fn encode_group(members: &BTreeSet<Member>) -> Vec<u8> {
    let mut out = Vec::new();
    for (term, id) in members {
        put_member(&mut out, term, *id);
    }
    out
}

/// Adds a group's entries to `to`; what does not decode is left out: the
/// index is derived, and `doctor` and a rebuild make it again.
pub fn decode_group(value: &[u8], to: &mut BTreeSet<Member>) {
    each_member(value, |term, id| {
        to.insert((term.to_vec(), id));
    });
}

/// A stored group with `removes` taken out and `adds` put in, encoded as
/// `encode_group` would: the entries are merged as they are read, not
/// gathered into a set and written out again (a common name's group holds
/// thousands, and adding one customer did that for each of its words).
/// A group not in order (written by no guanxi) is read whole instead.
pub fn edit_group(value: &[u8], adds: &BTreeSet<Member>, removes: &BTreeSet<Member>) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + adds.iter().map(|(t, _)| t.len() + 10).sum::<usize>());
    let all_adds = adds;
    let mut adds = adds.iter().peekable();
    let mut last: Option<(&[u8], u64)> = None;
    let mut in_order = true;
    each_member(value, |term, id| {
        if !in_order {
            return;
        }
        if last.is_some_and(|l| l >= (term, id)) {
            in_order = false;
            return;
        }
        last = Some((term, id));
        while let Some((t, i)) = adds.next_if(|(t, i)| (t.as_slice(), *i) < (term, id)) {
            put_member(&mut out, t, *i);
        }
        if adds.peek().is_some_and(|(t, i)| (t.as_slice(), *i) == (term, id)) {
            adds.next();
        }
        if !removes.contains(&(term.to_vec(), id)) {
            put_member(&mut out, term, id);
        }
    });
    if !in_order {
        let mut members = BTreeSet::new();
        decode_group(value, &mut members);
        for m in removes {
            members.remove(m);
        }
        members.extend(all_adds.iter().cloned());
        return encode_group(&members);
    }
    for (t, i) in adds {
        put_member(&mut out, t, *i);
    }
    out
}

fn put_member(out: &mut Vec<u8>, term: &[u8], id: u64) {
    let len = u16::try_from(term.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&term[..usize::from(len)]);
    out.extend_from_slice(&id.to_be_bytes());
}

/// Each of a group's entries, its term and id, as `decode_group` reads
/// them, without copying: a lookup keeps few of the entries it reads (a
/// common name's word has thousands at 100,000 customers).
pub fn each_member<'v>(value: &'v [u8], mut f: impl FnMut(&'v [u8], u64)) {
    let mut rest = value;
    while let Some((len, tail)) = rest.split_first_chunk::<2>() {
        let len = usize::from(u16::from_le_bytes(*len));
        let (Some(term), Some(id)) = (tail.get(..len), tail.get(len..len + 8)) else {
            break;
        };
        let mut raw = [0u8; 8];
        raw.copy_from_slice(id);
        f(term, u64::from_be_bytes(raw));
        rest = &tail[len + 8..];
    }
}

/// Ids are split among groups per term start by their first bits. For
/// words, organizations and dated terms, 4 groups (two bits): a change to
/// a customer with a common name rewrites a quarter of that word's
/// entries, and a batch of new customers writes few groups (every group
/// is a sled key: 16 per term start made an import of 10,000 contacts 40%
/// slower).
///
/// Owners, tags, levels and segments are few terms, each shared by many
/// customers (one owner may hold all 100,000): 64 groups each (six bits).
/// With 4, adding a customer rewrote a quarter of its owner's entries,
/// 260 KB at 100,000 customers (a millisecond of `add`) and ten times that
/// at a million; now 16 KB. With 256, the 20 tags and 5 owners of the 100,000-customer
/// demo made 6,400 groups, and sled's open, which reads a line per page,
/// took 0.3 ms longer for every command.
fn bucket_shift(kind: u8) -> u8 {
    if [Kind::Owner, Kind::Tag, Kind::Level, Kind::Segment]
        .iter()
        .any(|k| k.byte() == kind)
    {
        2
    } else {
        6
    }
}

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
    k.push(id[0] >> bucket_shift(kind));
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
    /// The relationship level's key (`accountable`).
    Level,
    /// The segment, folded.
    Segment,
    /// Stage, then the last touch: a customer who follows its stage's
    /// cadence. With `OwnCadence`, also what a stage filter reads.
    Touch,
    /// Stage, then when the reminder of a customer with a cadence of its
    /// own is due.
    OwnCadence,
    /// The organization a person belongs to (its id in hex).
    Organization,
    /// The organization that referred a customer (its id in hex).
    ReferredBy,
}

impl Kind {
    pub fn byte(self) -> u8 {
        match self {
            Kind::Word => b'w',
            Kind::Owner => b'o',
            Kind::Tag => b't',
            Kind::Level => b'l',
            Kind::Segment => b's',
            Kind::Touch => b'c',
            Kind::OwnCadence => b'k',
            Kind::Organization => b'g',
            Kind::ReferredBy => b'r',
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
    put(Kind::Level, c.level.key().as_bytes());
    put(Kind::Segment, fold(c.segment.trim()).as_bytes());
    if let Some(org) = c.organization {
        put(Kind::Organization, org.to_string().as_bytes());
    }
    if let Some(org) = c.referred_by {
        put(Kind::ReferredBy, org.to_string().as_bytes());
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn members() -> impl Strategy<Value = BTreeSet<Member>> {
        proptest::collection::btree_set((proptest::collection::vec(b'a'..b'e', 0..4), 0u64..6), 0..24)
    }

    proptest! {
        /// Merging changes into a stored group as it is read gives what
        /// reading it into a set, changing that and writing it out gives.
        #[test]
        fn a_group_edited_as_it_is_read_is_the_group_made_again(
            stored in members(),
            adds in members(),
            removes in members(),
            shuffled in any::<bool>(),
        ) {
            // As `settled` gives them: no entry both added and removed.
            let removes: BTreeSet<Member> = removes.difference(&adds).cloned().collect();
            let mut value = encode_group(&stored);
            if shuffled && stored.len() > 1 {
                // Out of order (no guanxi writes that): read whole instead.
                let mut backwards: Vec<&Member> = stored.iter().collect();
                backwards.reverse();
                value.clear();
                for (t, i) in backwards {
                    put_member(&mut value, t, *i);
                }
            }
            let mut wanted = stored.clone();
            for m in &removes {
                wanted.remove(m);
            }
            wanted.extend(adds.iter().cloned());
            prop_assert_eq!(edit_group(&value, &adds, &removes), encode_group(&wanted));
        }
    }

    fn entry(term: &str, id: u64) -> Vec<u8> {
        let mut e = vec![INDEX, Kind::Owner.byte()];
        e.extend_from_slice(term.as_bytes());
        e.push(0);
        e.extend_from_slice(&id.to_be_bytes());
        e
    }

    fn settled_groups(c: Changes) -> Vec<(Vec<Member>, Vec<Member>)> {
        c.into_groups()
            .map(|(_, a, r)| (a.into_iter().collect(), r.into_iter().collect()))
            .collect()
    }

    #[test]
    fn the_last_change_to_an_entry_is_what_becomes_of_it() {
        let mut c = Changes::default();
        c.add(&entry("lan", 3));
        c.add(&entry("lan", 1));
        c.remove(&entry("lan", 2));
        c.remove(&entry("lan", 3));
        c.add(&entry("lan", 2));
        c.add(&entry("lan", 1));
        let mut later = Changes::default();
        later.remove(&entry("lan", 1));
        later.add(&entry("lan", 4));
        c.absorb(later);
        assert_eq!(c.len(), 1, "one group");
        let lan = |id| (b"lan".to_vec(), id);
        assert_eq!(
            settled_groups(c),
            [(vec![lan(2), lan(4)], vec![lan(1), lan(3)])],
            "added 2 and 4; removed 3 and, by the later batch, 1"
        );
    }

    #[test]
    fn an_owner_s_customers_are_spread_over_64_groups_a_word_s_over_4() {
        let ids = (0..=255u64).map(|b| (b << 56) | 0x1234);
        let owner: BTreeSet<Vec<u8>> = ids.clone().map(|id| group_key(&entry("lan", id))).collect();
        assert_eq!(
            owner.len(),
            64,
            "adding one customer rewrites 1/64 of the owner's entries"
        );
        let word: BTreeSet<Vec<u8>> = ids
            .map(|id| {
                let mut e = entry("lan", id);
                e[1] = Kind::Word.byte();
                group_key(&e)
            })
            .collect();
        assert_eq!(word.len(), 4);
        let (from, to) = group_range(Kind::Owner, b"lan");
        assert!(
            owner.iter().all(|k| from <= *k && *k < to),
            "a lookup's range holds every group"
        );
    }

    #[test]
    fn groups_come_in_key_order() {
        let mut c = Changes::default();
        for term in ["minh", "an", "lan"] {
            c.add(&entry(term, 7));
        }
        let keys: Vec<Vec<u8>> = c.into_groups().map(|(k, _, _)| k).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(keys.len(), 3);
    }
}
