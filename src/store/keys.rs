//! The key layout of the one sled tree. Every key starts with a tag byte
//! naming its kind; numbers are big-endian (signed ones with the sign bit
//! flipped) so that byte order is the order the app reads them in.
//!
//! sled keeps far more than the live size of small entries on disk and
//! its start-up time grows with their number, so the tree holds one entry
//! per customer, not per interaction: a customer's interactions,
//! follow-ups and stage history are its *body*, kept in the view's pack
//! file (`pack.rs`) and pointed to from here.
//!
//! | tag | key                 | value            | answers                            |
//! |-----|---------------------|------------------|------------------------------------|
//! | `M` | meta name           | varies           | format, clock, cursors, pack state |
//! | `C` | customer            | CustomerRecord   | a customer; every customer         |
//! | `B` | customer            | pack location    | the customer's body                |
//! | `F` | follow-up           | home customer    | a follow-up by id                  |
//! | `D` | due day, follow-up  | FollowUp (copy)  | open follow-ups by due date        |
//! | `U` | op seq              | UndoEntry        | the undo stack                     |
//! | `V` | op seq              | UndoEntry        | the redo stack                     |
//! | `A` | customer, customer  | ApartRecord      | pairs said not to be duplicates    |
//! | `E` | deal                | DealRecord       | a deal by id; every deal           |
//! | `L` | folded list name    | ListRecord       | saved lists                        |
//! | `K` | customer, deal      | empty            | a customer's deals (derived)       |
//! | `O` | organization        | OrganizationRecord | an organization; every one       |
//! | `P` | 0, plan target      | PlanRecord       | account plans                      |
//! | `P` | 1, day, tactic, target | DueTactic     | open dated tactics by due date     |
//! | `P` | 2, tactic, target   | plan target      | a tactic by id                     |
//! | `X` | kind, id            | empty            | what was forgotten (ids only)      |
//! | `W` | customer, deal      | empty            | every customer a deal was ever with |
//!
//! sled's own entries are fewer: customers, deals and organizations are
//! kept many to an entry by where they lie in the pack (`places`), and
//! `B`, `F`, `D`, `K` and `W` many to an entry as *bundles* (`bundles`).
//! The keys above are what `Storage` and `Txn` read and write by.
//!
//! An interaction or follow-up lives in the body of its *home*: the
//! customer it was first logged with. Merging customers moves it to
//! another customer without moving it between bodies; the new customer's
//! body lists it as a guest.
//!
//! Deals are records of their own rather than part of a body: a
//! workspace holds few of them, so reading them all for a list or a
//! customer costs little, and bodies (and the snapshots holding them) keep
//! their layout.

use crate::domain::{CustomerId, DealId, FollowUpId, OrganizationId, TacticId};
use crate::sync::ReplicaId;

pub const META: u8 = b'M';
pub const CUSTOMER: u8 = b'C';
pub const BODY: u8 = b'B';
pub const FOLLOW_UP: u8 = b'F';
pub const DUE: u8 = b'D';
pub const UNDO: u8 = b'U';
pub const REDO: u8 = b'V';
/// Index groups (see `index`).
pub const INDEX: u8 = b'I';
/// Pairs of customers said to be different people (see `apart`).
pub const APART: u8 = b'A';
/// Deals (see `deals`).
pub const DEAL: u8 = b'E';
/// Saved lists, by folded name (see `lists`).
pub const LIST: u8 = b'L';
/// A customer's deals: derived from the deal records (see `deals`).
pub const DEAL_OF_CUSTOMER: u8 = b'K';

/// Whether a key is derived from the records (index groups, deal links):
/// made again from them where needed, so left out of snapshots and of
/// comparisons between views; `index_mismatches` checks them.
pub fn is_derived(key: &[u8]) -> bool {
    matches!(key.first(), Some(&INDEX) | Some(&DEAL_OF_CUSTOMER))
}

/// Account plans, their dated tactics and their tactics by id (see `plans`).
pub const PLAN: u8 = b'P';
/// The second byte of a plan key: the plan record, the due-date index of
/// its open dated tactics, the index of its tactics by id.
pub const PLAN_RECORD: u8 = 0;
pub const PLAN_DUE: u8 = 1;
pub const PLAN_TACTIC: u8 = 2;

/// Organizations (see `organizations`).
pub const ORGANIZATION: u8 = b'O';

/// Ids of what a forget erased (see `forget`): a customer and its deals,
/// interactions and follow-ups, so their ops arriving later are dropped.
/// Only ids, never text; shared, so a snapshot carries them.
pub const FORGOTTEN: u8 = b'X';
/// The second byte of a forgotten key: what kind of thing the id names.
pub const FORGOTTEN_CUSTOMER: u8 = b'c';
pub const FORGOTTEN_DEAL: u8 = b'e';
pub const FORGOTTEN_INTERACTION: u8 = b'i';
pub const FORGOTTEN_FOLLOW_UP: u8 = b'f';

/// Every customer a deal was ever named with, by any edit applied, live
/// or not (see `forget`): what a forget erases with the person, whatever
/// order a move of the deal and the forget arrive in.
pub const DEAL_NAMED: u8 = b'W';

pub fn deal_named(customer: CustomerId, deal: DealId) -> Vec<u8> {
    key(&[&[DEAL_NAMED], &customer.to_bytes(), &deal.to_bytes()])
}

/// Every `deal_named` key of a customer starts with this.
pub fn deals_named_with(customer: CustomerId) -> Vec<u8> {
    key(&[&[DEAL_NAMED], &customer.to_bytes()])
}

/// The mark that the thing of kind `kind` (a `FORGOTTEN_*` byte) with id
/// `id` was forgotten.
pub fn forgotten(kind: u8, id: u64) -> Vec<u8> {
    key(&[&[FORGOTTEN, kind], &id.to_be_bytes()])
}

/// The kinds of key whose value is a place in the pack rather than the
/// data itself, in key order (compaction walks them so): bodies and index
/// groups, and the records kept there (see `packed_record`).
pub const IN_PACK: [u8; 5] = [BODY, CUSTOMER, DEAL, INDEX, ORGANIZATION];

/// Whether a key's value is a place in the pack.
pub fn in_pack(key: &[u8]) -> bool {
    key.first().is_some_and(|b| IN_PACK.contains(b))
}

/// Whether a key is a record kept in the pack as one frame, sled holding
/// only its place: customers, deals and organizations. sled keeps several
/// times the size of what it holds; the pack, compacted by guanxi, little
/// more than once (these small records were most of a view's disk).
pub fn packed_record(key: &[u8]) -> bool {
    in_pack(key) && !matches!(key.first(), Some(&BODY) | Some(&INDEX))
}

pub const META_FORMAT: &[u8] = b"Mformat";
pub const META_CLOCK: &[u8] = b"Mclock";
/// The snapshot the view started from, if any.
pub const META_SNAPSHOT: &[u8] = b"Msnapshot";
/// Set once the customers' free-text companies were made organizations
/// (see `organizations::upgrade`).
pub const META_ORGS_MADE: &[u8] = b"Morgs-made";
/// Set when this replica's journal was mended with ops made again from the
/// view: those carry no undo history, so the view's undo stack is no longer
/// what a replay of the journal gives (and `doctor` does not compare it).
pub const META_UNDO_MENDED: &[u8] = b"Mundo-mended";
/// How many forgotten customers the view's files were last scrubbed for
/// (see `scrub`): fewer than it has forgotten means a scrub is due.
pub const META_SCRUBBED: &[u8] = b"Mscrubbed";
/// The number of this replica's latest forget op: `undo` says that one
/// cannot be taken back.
pub const META_LAST_FORGET: &[u8] = b"Mlast-forget";
/// Which pack file holds the bodies, how long it is, how much is dead.
pub const META_PACK: &[u8] = b"Mpack";
/// Where the pack's files start, and the compaction under way.
pub const META_PACK_LAYOUT: &[u8] = b"Mpacklayout";
/// The version of the indexes the view holds (see `index`).
pub const META_INDEXED: &[u8] = b"Mindexed";
/// Present while groups of places are held in memory (see
/// `places::Held`): sled's groups may then be behind the pack, and a view
/// left so (a process killed in a bulk load) is made again from the
/// journals.
pub const META_PLACES_HELD: &[u8] = b"Mplaces-held";
/// Set when bulk work wrote most of sled's entries: sled's file is then
/// mostly space it freed, which it writes over at every open (a 50 MB file
/// after sample data of 100,000 customers, for 14 MB of entries), so the
/// next open copies the entries into a fresh file (`view_files::tidy`).
pub const META_TIDY: &[u8] = b"Mtidy";
const META_CURSOR: &[u8] = b"Mcursor/";
const META_ABOVE: &[u8] = b"Mabove/";
const META_FILE: &[u8] = b"Mfile/";
/// Size and time of this replica's own segments as it last left them.
const META_OWN_SEGMENT: &[u8] = b"Mseg/";

/// Order-preserving encoding of a signed instant or day.
pub fn ordered_i64(v: i64) -> [u8; 8] {
    ((v as u64) ^ (1 << 63)).to_be_bytes()
}

pub fn ordered_i32(v: i32) -> [u8; 4] {
    ((v as u32) ^ (1 << 31)).to_be_bytes()
}

pub fn read_ordered_i64(b: &[u8]) -> Option<i64> {
    Some((u64::from_be_bytes(b.get(..8)?.try_into().ok()?) ^ (1 << 63)) as i64)
}

pub fn read_ordered_i32(b: &[u8]) -> Option<i32> {
    Some((u32::from_be_bytes(b.get(..4)?.try_into().ok()?) ^ (1 << 31)) as i32)
}

fn read_u64(b: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(..8)?.try_into().ok()?))
}

fn key(parts: &[&[u8]]) -> Vec<u8> {
    let mut k = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        k.extend_from_slice(p);
    }
    k
}

pub fn cursor(replica: ReplicaId) -> Vec<u8> {
    key(&[META_CURSOR, &replica.0.to_be_bytes()])
}

pub fn cursor_prefix() -> &'static [u8] {
    META_CURSOR
}

/// The runs of `replica`'s ops the view holds beyond a gap (see `held`).
pub fn above(replica: ReplicaId) -> Vec<u8> {
    key(&[META_ABOVE, &replica.0.to_be_bytes()])
}

/// How this replica last left its own segment file `name`.
pub fn own_segment(name: &str) -> Vec<u8> {
    key(&[META_OWN_SEGMENT, &fnv1a(name.as_bytes()).to_be_bytes()])
}

pub fn own_segment_prefix() -> &'static [u8] {
    META_OWN_SEGMENT
}

/// Where every file's read position is kept.
pub fn file_cursor_prefix() -> &'static [u8] {
    META_FILE
}

/// How far a journal file of `replica` (named `name` in its folder) has been read.
pub fn file_cursor(replica: ReplicaId, name: &str) -> Vec<u8> {
    key(&[
        META_FILE,
        &replica.0.to_be_bytes(),
        &fnv1a(name.as_bytes()).to_be_bytes(),
    ])
}

/// A 64-bit FNV-1a hash: file names become fixed-size key parts.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

pub fn customer(id: CustomerId) -> Vec<u8> {
    key(&[&[CUSTOMER], &id.to_bytes()])
}

pub fn body(id: CustomerId) -> Vec<u8> {
    key(&[&[BODY], &id.to_bytes()])
}

/// The customer named by a `customer` or `body` key.
pub fn customer_of_key(k: &[u8]) -> Option<CustomerId> {
    read_u64(k.get(1..)?).map(CustomerId)
}

pub fn follow_up(id: FollowUpId) -> Vec<u8> {
    key(&[&[FOLLOW_UP], &id.to_bytes()])
}

pub fn follow_up_of_key(k: &[u8]) -> Option<FollowUpId> {
    read_u64(k.get(1..)?).map(FollowUpId)
}

pub fn due(day: i32, id: FollowUpId) -> Vec<u8> {
    key(&[&[DUE], &ordered_i32(day), &id.to_bytes()])
}

/// All open follow-ups due on or before `day`: keys below this bound.
pub fn due_until(day: i32) -> Vec<u8> {
    key(&[&[DUE], &ordered_i32(day.saturating_add(1))])
}

pub fn follow_up_of_due_key(k: &[u8]) -> Option<FollowUpId> {
    read_u64(k.get(5..)?).map(FollowUpId)
}

pub fn undo(seq: u64) -> Vec<u8> {
    key(&[&[UNDO], &seq.to_be_bytes()])
}

pub fn redo(seq: u64) -> Vec<u8> {
    key(&[&[REDO], &seq.to_be_bytes()])
}

pub fn seq_of_stack_key(k: &[u8]) -> Option<u64> {
    read_u64(k.get(1..)?)
}

/// A pair of customers, the lower id first (see `domain::duplicates::pair`).
pub fn apart(a: CustomerId, b: CustomerId) -> Vec<u8> {
    key(&[&[APART], &a.to_bytes(), &b.to_bytes()])
}

pub fn pair_of_apart_key(k: &[u8]) -> Option<(CustomerId, CustomerId)> {
    Some((CustomerId(read_u64(k.get(1..)?)?), CustomerId(read_u64(k.get(9..)?)?)))
}

pub fn deal(id: DealId) -> Vec<u8> {
    key(&[&[DEAL], &id.to_bytes()])
}

pub fn deal_of_key(k: &[u8]) -> Option<DealId> {
    read_u64(k.get(1..)?).map(DealId)
}

/// The link from a customer to one of its deals.
pub fn deal_of_customer(customer: CustomerId, deal: DealId) -> Vec<u8> {
    key(&[&[DEAL_OF_CUSTOMER], &customer.to_bytes(), &deal.to_bytes()])
}

/// Every link of a customer's deals starts with this.
pub fn deals_of_customer(customer: CustomerId) -> Vec<u8> {
    key(&[&[DEAL_OF_CUSTOMER], &customer.to_bytes()])
}

/// The deal a `deal_of_customer` link points to: its last eight bytes.
pub fn deal_of_link(k: &[u8]) -> Option<DealId> {
    read_u64(k.get(k.len().checked_sub(8)?..)?).map(DealId)
}

pub fn organization(id: OrganizationId) -> Vec<u8> {
    key(&[&[ORGANIZATION], &id.to_bytes()])
}

/// A saved list, by its folded name.
pub fn list(folded_name: &str) -> Vec<u8> {
    key(&[&[LIST], folded_name.as_bytes()])
}

/// A plan, by its target's bytes (`plans::target_bytes`).
pub fn plan(target: &[u8]) -> Vec<u8> {
    key(&[&[PLAN, PLAN_RECORD], target])
}

/// An open tactic of the plan of `target` (its bytes) due on `day`. The
/// target is part of the key so that two plans holding one tactic (a
/// merge of customers) each keep their own entry.
pub fn plan_due(day: i32, id: TacticId, target: &[u8]) -> Vec<u8> {
    key(&[&[PLAN, PLAN_DUE], &ordered_i32(day), &id.to_bytes(), target])
}

/// Open tactics due on or before `day`: keys below this bound.
pub fn plan_due_until(day: i32) -> Vec<u8> {
    key(&[&[PLAN, PLAN_DUE], &ordered_i32(day.saturating_add(1))])
}

/// A tactic of the plan of `target` (its bytes), by id; with no target
/// bytes, where that tactic's entries start.
pub fn plan_tactic(id: TacticId, target: &[u8]) -> Vec<u8> {
    key(&[&[PLAN, PLAN_TACTIC], &id.to_bytes(), target])
}

pub fn tactic_of_key(k: &[u8]) -> Option<TacticId> {
    read_u64(k.get(2..)?).map(TacticId)
}

/// The first key after every key starting with `prefix`.
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// A key in a form fit for an error message.
pub fn describe_key(key: &[u8]) -> String {
    let (tag, rest) = key.split_first().map(|(t, r)| (*t as char, r)).unwrap_or(('?', &[]));
    let hex: String = rest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{tag}:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_numbers_sort_as_bytes() {
        let values = [i64::MIN, -5_000, -1, 0, 1, 1_700_000_000_000, i64::MAX];
        for w in values.windows(2) {
            assert!(ordered_i64(w[0]) < ordered_i64(w[1]));
            assert_eq!(read_ordered_i64(&ordered_i64(w[0])), Some(w[0]));
        }
        for w in [i32::MIN, -1, 0, 739_000, i32::MAX].windows(2) {
            assert!(ordered_i32(w[0]) < ordered_i32(w[1]));
            assert_eq!(read_ordered_i32(&ordered_i32(w[1])), Some(w[1]));
        }
    }

    #[test]
    fn prefix_ends() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[1, 0xff]), Some(vec![2]));
        assert_eq!(prefix_end(&[0xff, 0xff]), None);
    }

    #[test]
    fn keys_give_back_their_parts() {
        let c = CustomerId(0xfeed);
        let f = FollowUpId(0xcafe);
        assert_eq!(customer_of_key(&customer(c)), Some(c));
        assert_eq!(customer_of_key(&body(c)), Some(c));
        assert_eq!(follow_up_of_key(&follow_up(f)), Some(f));
        assert_eq!(follow_up_of_due_key(&due(739_000, f)), Some(f));
        assert!(due(739_000, f) < due_until(739_000));
        assert!(due(739_001, f) > due_until(739_000));
        assert_eq!(seq_of_stack_key(&undo(42)), Some(42));
        assert_eq!(pair_of_apart_key(&apart(c, CustomerId(7))), Some((c, CustomerId(7))));
    }

    #[test]
    fn kinds_in_the_pack_are_in_key_order() {
        assert!(IN_PACK.windows(2).all(|w| w[0] < w[1]));
        assert!(packed_record(&customer(CustomerId(7))) && in_pack(&body(CustomerId(7))));
        assert!(!packed_record(&body(CustomerId(7))) && !in_pack(&due(1, FollowUpId(3))));
    }
}
