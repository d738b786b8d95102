//! Identifiers of customers, interactions, follow-ups, deals,
//! organizations and the tactics of account plans.
//!
//! Ids are 64-bit values shown as 16 lower-case hex digits. They are made by
//! hashing the replica and clock stamp of the op that creates the thing, so
//! two replicas never pick the same id and ids do not share a time prefix:
//! a user can type the first four or five digits, as with git.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::InputError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(pub u64);

        impl $name {
            /// The id as big-endian bytes, the form used in store keys so
            /// that byte order and numeric order agree.
            pub fn to_bytes(self) -> [u8; 8] {
                self.0.to_be_bytes()
            }

            pub fn from_bytes(bytes: [u8; 8]) -> Self {
                Self(u64::from_be_bytes(bytes))
            }

            pub const WHAT: &'static str = $what;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:016x}", self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:016x})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = InputError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_full_hex(s)
                    .map(Self)
                    .ok_or_else(|| InputError::BadId { what: $what, value: s.to_string() })
            }
        }
    };
}

id_type!(
    /// A customer (a person or an organisation the seller has a relationship with).
    CustomerId,
    "customer"
);
id_type!(
    /// One logged interaction.
    InteractionId,
    "interaction"
);
id_type!(
    /// One promised follow-up.
    FollowUpId,
    "follow-up"
);
id_type!(
    /// One deal: a hoped-for purchase.
    DealId,
    "deal"
);
id_type!(
    /// One organization: a company, partner, supplier, distributor or
    /// referrer that people belong to.
    OrganizationId,
    "organization"
);
id_type!(
    /// One tactic of an account plan.
    TacticId,
    "tactic"
);

/// Parses exactly 16 hex digits.
fn parse_full_hex(s: &str) -> Option<u64> {
    if s.len() != 16 {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

/// True when `s` could be the start of an id: one to sixteen hex digits.
pub fn is_id_prefix(s: &str) -> bool {
    !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The id range `[low, high]` whose hex form starts with `prefix`
/// (which must satisfy [`is_id_prefix`]); lets the store find ids by prefix
/// with one range scan.
pub fn prefix_range(prefix: &str) -> Option<(u64, u64)> {
    if !is_id_prefix(prefix) {
        return None;
    }
    let digits = u64::from_str_radix(prefix, 16).ok()?;
    let shift = 4 * (16 - prefix.len() as u32);
    let low = if shift == 64 { 0 } else { digits << shift };
    let high = if shift == 0 {
        low
    } else {
        low | (u64::MAX >> (64 - shift))
    };
    Some((low, high))
}

/// Mixes bits so that ids made from nearby stamps look unrelated
/// (SplitMix64's finaliser: a bijection on u64, so distinct inputs never collide).
pub fn scramble(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        let id = CustomerId(0x00ab_cdef_0123_4567);
        assert_eq!(id.to_string(), "00abcdef01234567");
        assert_eq!("00abcdef01234567".parse::<CustomerId>().unwrap(), id);
        assert!("abc".parse::<CustomerId>().is_err());
        assert!("zzzzzzzzzzzzzzzz".parse::<CustomerId>().is_err());
    }

    #[test]
    fn prefix_range_covers_exactly_the_prefix() {
        let (lo, hi) = prefix_range("ab").unwrap();
        assert_eq!(format!("{lo:016x}"), "ab00000000000000");
        assert_eq!(format!("{hi:016x}"), "abffffffffffffff");
        let (lo, hi) = prefix_range("0123456789abcdef").unwrap();
        assert_eq!(lo, hi);
        assert!(prefix_range("").is_none());
        assert!(prefix_range("xyz").is_none());
        assert!(prefix_range("00000000000000000").is_none());
    }

    #[test]
    fn scramble_spreads_neighbours() {
        assert_ne!(scramble(1) >> 48, scramble(2) >> 48);
    }
}
