//! The key layout of the one sled tree. Every key starts with a tag byte
//! naming its kind; numbers are big-endian (signed ones with the sign bit
//! flipped) so that byte order is time order and range scans answer the
//! questions the app asks without reading anything else.
//!
//! | tag | key                                   | value              | answers                         |
//! |-----|---------------------------------------|--------------------|---------------------------------|
//! | `M` | meta name                             | varies             | format, clock, cursors          |
//! | `C` | customer                              | CustomerRecord     | a customer                      |
//! | `I` | interaction                           | InteractionRecord  | an interaction                  |
//! | `L` | customer, at, interaction             | ()                 | one customer's timeline         |
//! | `T` | at, interaction                       | customer           | the workspace timeline          |
//! | `F` | follow-up                             | FollowUpRecord     | a follow-up                     |
//! | `G` | customer, follow-up                   | ()                 | one customer's follow-ups       |
//! | `D` | due day, follow-up                    | customer           | open follow-ups by due date     |
//! | `H` | customer, clock, replica, edit index  | StageChange        | one customer's stage history    |
//! | `R` | stage, last touch, customer           | ()                 | stay-in-touch, stage cadence    |
//! | `O` | cadence days, last touch, customer    | ()                 | stay-in-touch, own cadence      |
//! | `U` | op seq                                | UndoEntry          | the undo stack                  |
//! | `V` | op seq                                | UndoEntry          | the redo stack                  |

use crate::domain::{CustomerId, FollowUpId, InteractionId, Stage};
use crate::sync::{ReplicaId, Stamp};

pub const META: u8 = b'M';
pub const CUSTOMER: u8 = b'C';
pub const INTERACTION: u8 = b'I';
pub const CUSTOMER_LOG: u8 = b'L';
pub const TIMELINE: u8 = b'T';
pub const FOLLOW_UP: u8 = b'F';
pub const CUSTOMER_FOLLOW_UPS: u8 = b'G';
pub const DUE: u8 = b'D';
pub const HISTORY: u8 = b'H';
pub const TOUCH_BY_STAGE: u8 = b'R';
pub const TOUCH_BY_CADENCE: u8 = b'O';
pub const UNDO: u8 = b'U';
pub const REDO: u8 = b'V';

pub const META_FORMAT: &[u8] = b"Mformat";
pub const META_CLOCK: &[u8] = b"Mclock";
/// The snapshot the view started from, if any.
pub const META_SNAPSHOT: &[u8] = b"Msnapshot";
const META_CURSOR: &[u8] = b"Mcursor/";
const META_FILE: &[u8] = b"Mfile/";

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

/// How far a journal file of `replica` (named `name` in its folder) has been read.
pub fn file_cursor(replica: ReplicaId, name: &str) -> Vec<u8> {
    key(&[
        META_FILE,
        &replica.0.to_be_bytes(),
        &fnv1a(name.as_bytes()).to_be_bytes(),
    ])
}

pub fn file_cursor_prefix(replica: ReplicaId) -> Vec<u8> {
    key(&[META_FILE, &replica.0.to_be_bytes()])
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

pub fn interaction(id: InteractionId) -> Vec<u8> {
    key(&[&[INTERACTION], &id.to_bytes()])
}

pub fn customer_log(customer: CustomerId, at: i64, id: InteractionId) -> Vec<u8> {
    key(&[&[CUSTOMER_LOG], &customer.to_bytes(), &ordered_i64(at), &id.to_bytes()])
}

pub fn customer_log_prefix(customer: CustomerId) -> Vec<u8> {
    key(&[&[CUSTOMER_LOG], &customer.to_bytes()])
}

/// The interaction named by a `customer_log` key.
pub fn interaction_of_log_key(k: &[u8]) -> Option<InteractionId> {
    read_u64(k.get(17..)?).map(InteractionId)
}

pub fn timeline(at: i64, id: InteractionId) -> Vec<u8> {
    key(&[&[TIMELINE], &ordered_i64(at), &id.to_bytes()])
}

pub fn interaction_of_timeline_key(k: &[u8]) -> Option<InteractionId> {
    read_u64(k.get(9..)?).map(InteractionId)
}

pub fn follow_up(id: FollowUpId) -> Vec<u8> {
    key(&[&[FOLLOW_UP], &id.to_bytes()])
}

pub fn customer_follow_up(customer: CustomerId, id: FollowUpId) -> Vec<u8> {
    key(&[&[CUSTOMER_FOLLOW_UPS], &customer.to_bytes(), &id.to_bytes()])
}

pub fn customer_follow_ups_prefix(customer: CustomerId) -> Vec<u8> {
    key(&[&[CUSTOMER_FOLLOW_UPS], &customer.to_bytes()])
}

pub fn follow_up_of_customer_key(k: &[u8]) -> Option<FollowUpId> {
    read_u64(k.get(9..)?).map(FollowUpId)
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

pub fn history(customer: CustomerId, stamp: Stamp, index: u16) -> Vec<u8> {
    key(&[
        &[HISTORY],
        &customer.to_bytes(),
        &stamp.to_bytes(),
        &index.to_be_bytes(),
    ])
}

pub fn history_prefix(customer: CustomerId) -> Vec<u8> {
    key(&[&[HISTORY], &customer.to_bytes()])
}

pub fn touch_by_stage(stage: Stage, touch: i64, customer: CustomerId) -> Vec<u8> {
    key(&[
        &[TOUCH_BY_STAGE, stage as u8],
        &ordered_i64(touch),
        &customer.to_bytes(),
    ])
}

pub fn touch_by_stage_prefix(stage: Stage) -> Vec<u8> {
    vec![TOUCH_BY_STAGE, stage as u8]
}

pub fn touch_by_cadence(days: u16, touch: i64, customer: CustomerId) -> Vec<u8> {
    key(&[
        &[TOUCH_BY_CADENCE],
        &days.to_be_bytes(),
        &ordered_i64(touch),
        &customer.to_bytes(),
    ])
}

pub fn touch_by_cadence_prefix(days: u16) -> Vec<u8> {
    key(&[&[TOUCH_BY_CADENCE], &days.to_be_bytes()])
}

/// The cadence and customer of a `touch_by_cadence` key.
pub fn parse_touch_by_cadence(k: &[u8]) -> Option<(u16, CustomerId)> {
    let days = u16::from_be_bytes(k.get(1..3)?.try_into().ok()?);
    Some((days, CustomerId(read_u64(k.get(11..)?)?)))
}

/// The customer at the end of a stay-in-touch key (both kinds).
pub fn customer_of_touch_key(k: &[u8]) -> Option<CustomerId> {
    read_u64(k.get(k.len().checked_sub(8)?..)?).map(CustomerId)
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
    fn keys_give_back_their_parts() {
        let c = CustomerId(0xfeed);
        let i = InteractionId(0xbeef);
        let f = FollowUpId(0xcafe);
        assert_eq!(interaction_of_log_key(&customer_log(c, -3, i)), Some(i));
        assert!(customer_log(c, 5, i).starts_with(&customer_log_prefix(c)));
        assert_eq!(interaction_of_timeline_key(&timeline(9, i)), Some(i));
        assert_eq!(follow_up_of_customer_key(&customer_follow_up(c, f)), Some(f));
        assert_eq!(follow_up_of_due_key(&due(739_000, f)), Some(f));
        assert!(due(739_000, f) < due_until(739_000));
        assert!(due(739_001, f) > due_until(739_000));
        assert_eq!(parse_touch_by_cadence(&touch_by_cadence(45, 7, c)), Some((45, c)));
        assert_eq!(customer_of_touch_key(&touch_by_stage(Stage::Build, 7, c)), Some(c));
        assert_eq!(seq_of_stack_key(&undo(42)), Some(42));
    }

    #[test]
    fn timelines_sort_by_time() {
        let c = CustomerId(1);
        assert!(customer_log(c, 100, InteractionId(9)) < customer_log(c, 200, InteractionId(1)));
        assert!(timeline(-100, InteractionId(9)) < timeline(100, InteractionId(1)));
    }
}
