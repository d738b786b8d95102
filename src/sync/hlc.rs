//! Hybrid logical clocks: stamps that follow wall-clock time closely, yet
//! never run backwards and order every change a replica has seen before
//! the changes it makes next, even when machines' clocks disagree.
//!
//! A stamp's clock value packs milliseconds since the epoch in the high 48
//! bits and a counter in the low 16. Ties between replicas are broken by
//! the replica id, so (clock, replica) orders all changes totally: that
//! order decides last-writer-wins.

use std::fmt;

use serde::{Deserialize, Serialize};

const LOGICAL_BITS: u32 = 16;

/// How far ahead of our wall clock a peer's stamps may run before we warn.
pub const MAX_DRIFT_MS: i64 = 5 * 60 * 1000;

/// One installation of guanxi on one workspace.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReplicaId(pub u64);

impl fmt::Display for ReplicaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl fmt::Debug for ReplicaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReplicaId({:016x})", self.0)
    }
}

impl ReplicaId {
    pub fn parse(s: &str) -> Option<ReplicaId> {
        (s.len() == 16)
            .then(|| u64::from_str_radix(s, 16).ok())
            .flatten()
            .map(ReplicaId)
    }
}

/// The identity and order of one op. Field order matters: the derived
/// ordering compares the clock first, then the replica.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Debug, Default)]
pub struct Stamp {
    pub clock: u64,
    pub replica: u64,
}

impl Stamp {
    pub const ZERO: Stamp = Stamp { clock: 0, replica: 0 };

    pub fn new(clock: u64, replica: ReplicaId) -> Stamp {
        Stamp {
            clock,
            replica: replica.0,
        }
    }

    pub fn replica(self) -> ReplicaId {
        ReplicaId(self.replica)
    }

    /// The wall-clock time of the stamp, milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        physical_millis(self.clock)
    }

    pub fn to_bytes(self) -> [u8; 16] {
        let mut b = [0; 16];
        b[..8].copy_from_slice(&self.clock.to_be_bytes());
        b[8..].copy_from_slice(&self.replica.to_be_bytes());
        b
    }
}

pub fn physical_millis(clock: u64) -> i64 {
    (clock >> LOGICAL_BITS) as i64
}

fn from_millis(ms: i64) -> u64 {
    (ms.max(0) as u64) << LOGICAL_BITS
}

/// A peer's clock running ahead of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockAhead {
    pub replica: ReplicaId,
    pub ahead_ms: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Hlc {
    last: u64,
}

impl Hlc {
    /// A clock that will stamp after everything up to `last`.
    pub fn starting_after(last: u64) -> Hlc {
        Hlc { last }
    }

    pub fn last(&self) -> u64 {
        self.last
    }

    /// A new clock value for a local change at wall time `now_ms`: the wall
    /// time when it is ahead of everything seen, otherwise one tick after.
    pub fn tick(&mut self, now_ms: i64) -> u64 {
        self.last = from_millis(now_ms).max(self.last.saturating_add(1));
        self.last
    }

    /// Takes in a stamp made elsewhere. Never rejects it (rejecting would
    /// lose the change); says so when the peer's clock is far ahead of ours,
    /// because its edits will win every conflict until ours catches up.
    pub fn observe(&mut self, stamp: Stamp, now_ms: i64) -> Option<ClockAhead> {
        self.last = self.last.max(stamp.clock);
        let ahead_ms = stamp.millis() - now_ms;
        (ahead_ms > MAX_DRIFT_MS).then_some(ClockAhead {
            replica: stamp.replica(),
            ahead_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_follow_wall_time_and_never_go_back() {
        let mut h = Hlc::default();
        let a = h.tick(1_000);
        assert_eq!(physical_millis(a), 1_000);
        let b = h.tick(1_000);
        assert!(b > a);
        let c = h.tick(500); // the wall clock stepped back
        assert!(c > b);
        assert_eq!(physical_millis(c), 1_000);
        let d = h.tick(2_000);
        assert_eq!(physical_millis(d), 2_000);
    }

    #[test]
    fn observing_moves_past_remote_stamps() {
        let mut h = Hlc::default();
        h.tick(1_000);
        let remote = Stamp::new(from_millis(9_000), ReplicaId(2));
        assert_eq!(h.observe(remote, 1_000), None);
        assert!(h.tick(1_000) > remote.clock);
    }

    #[test]
    fn warns_when_a_peer_runs_ahead() {
        let mut h = Hlc::default();
        let far = Stamp::new(from_millis(MAX_DRIFT_MS + 10_001), ReplicaId(3));
        let warning = h.observe(far, 10_000).unwrap();
        assert_eq!(warning.replica, ReplicaId(3));
        assert_eq!(warning.ahead_ms, MAX_DRIFT_MS + 1);
        // ...but the stamp is still taken in.
        assert!(h.tick(10_000) > far.clock);
    }

    #[test]
    fn stamps_order_by_clock_then_replica() {
        let a = Stamp { clock: 5, replica: 9 };
        let b = Stamp { clock: 6, replica: 1 };
        let c = Stamp { clock: 6, replica: 2 };
        assert!(a < b && b < c);
        assert_eq!(ReplicaId::parse(&ReplicaId(0xabc).to_string()), Some(ReplicaId(0xabc)));
        assert_eq!(ReplicaId::parse("xyz"), None);
    }
}
