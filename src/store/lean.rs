//! A customer's body decoded without what no figure reads: each
//! interaction's summary, body and outcome, and the stamps of its fields'
//! last writes. Why: a report decodes every interaction of the workspace,
//! and allocating those three strings and that map for each of a million
//! was most of its time.
//!
//! The types here mirror `Body`, `InteractionRecord`, `Interaction` and
//! `Registers` field for field (bincode stores no field names, only their
//! order); the tests check that a lean decode is the full one with those
//! parts left empty.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

use super::records::{Body, FollowUpRecord, HistoryKey, InteractionRecord, ScoreKey};
use crate::domain::interaction::InteractionKey;
use crate::domain::{
    Channel, CustomerId, Direction, FactorScore, FollowUpId, Interaction, InteractionId, Money, StageChange,
};
use crate::sync::Stamp;
use crate::sync::merge::Registers;

/// `Body`, its interactions lean.
#[derive(Deserialize)]
pub(crate) struct LeanBody {
    interactions: Entries<InteractionId, LeanRecord>,
    guest_interactions: BTreeMap<InteractionId, CustomerId>,
    follow_ups: BTreeMap<FollowUpId, FollowUpRecord>,
    guest_follow_ups: BTreeMap<FollowUpId, CustomerId>,
    history: BTreeMap<HistoryKey, StageChange>,
    scores: BTreeMap<ScoreKey, FactorScore>,
}

impl LeanBody {
    /// The body, each interaction without its text and with no field's
    /// stamp (whether it was created is kept: what `is_live` reads).
    pub(crate) fn into_body(self) -> Body {
        Body {
            interactions: self
                .interactions
                .0
                .into_iter()
                .map(|(id, r)| (id, r.into_record()))
                .collect(),
            guest_interactions: self.guest_interactions,
            follow_ups: self.follow_ups,
            guest_follow_ups: self.guest_follow_ups,
            history: self.history,
            scores: self.scores,
        }
    }
}

/// `InteractionRecord`.
#[derive(Deserialize)]
struct LeanRecord {
    interaction: LeanInteraction,
    registers: LeanRegisters,
}

impl LeanRecord {
    fn into_record(self) -> InteractionRecord {
        let i = self.interaction;
        InteractionRecord {
            interaction: Interaction {
                id: i.id,
                customer: i.customer,
                at: i.at,
                channel: i.channel,
                direction: i.direction,
                summary: String::new(),
                body: String::new(),
                outcome: String::new(),
                satisfaction: i.satisfaction,
                amount: i.amount,
                author: i.author,
                deleted: i.deleted,
            },
            registers: Registers {
                created: self.registers.created,
                written: BTreeMap::new(),
            },
        }
    }
}

/// `Interaction`, its text skipped.
#[derive(Deserialize)]
struct LeanInteraction {
    id: InteractionId,
    customer: CustomerId,
    at: i64,
    channel: Channel,
    direction: Direction,
    _summary: Skipped,
    _body: Skipped,
    _outcome: Skipped,
    satisfaction: Option<u8>,
    amount: Option<Money>,
    author: String,
    deleted: bool,
}

/// `Registers<InteractionKey>`, its stamps skipped.
#[derive(Deserialize)]
struct LeanRegisters {
    created: Option<Stamp>,
    _written: SkippedMap<InteractionKey, Stamp>,
}

/// A string read past without being kept (nor checked as UTF-8): bincode
/// writes a string as its bytes.
struct Skipped;

impl<'de> Deserialize<'de> for Skipped {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Skipped, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Skipped;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_bytes<E>(self, _: &[u8]) -> Result<Skipped, E> {
                Ok(Skipped)
            }
            fn visit_str<E>(self, _: &str) -> Result<Skipped, E> {
                Ok(Skipped)
            }
        }
        d.deserialize_bytes(V)
    }
}

/// A map's entries in the order written (a `BTreeMap`'s: by key), kept
/// in a vector rather than a tree.
struct Entries<K, V>(Vec<(K, V)>);

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Entries<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Vis<K, V> {
            type Value = Entries<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // Not the size the map claims: a damaged one may claim anything.
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(Vis(PhantomData))
    }
}

/// A map read past, each entry decoded and dropped.
struct SkippedMap<K, V>(PhantomData<(K, V)>);

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for SkippedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Vis<K, V> {
            type Value = SkippedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<K, V>()?.is_some() {}
                Ok(SkippedMap(PhantomData))
            }
        }
        d.deserialize_map(Vis(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FollowUp, Stage};
    use crate::store::codec;

    fn stamp(clock: u64) -> Stamp {
        Stamp { clock, replica: 7 }
    }

    /// A body with something in every part, every interaction field set.
    fn full() -> Body {
        let mut body = Body::default();
        for n in 1..=3u64 {
            let mut r = InteractionRecord::new(InteractionId(n), CustomerId(9));
            let i = &mut r.interaction;
            i.at = 1_700_000_000_000 + n as i64;
            i.channel = Channel::Purchase;
            i.direction = Direction::Inbound;
            i.summary = format!("Đơn hàng số {n}");
            i.body = "Khách mua thêm, 订单".repeat(n as usize);
            i.outcome = "giao thứ hai".into();
            i.satisfaction = Some(n as u8 + 1);
            i.amount = Some(Money::from_units(100 * n as i64));
            i.author = format!("Lan {n}");
            i.deleted = n == 2;
            r.registers.created = Some(stamp(n));
            r.registers.written.insert(InteractionKey::At, stamp(n + 10));
            r.registers.written.insert(InteractionKey::Channel, stamp(n + 20));
            body.interactions.insert(InteractionId(n), r);
        }
        body.interactions.insert(
            InteractionId(8),
            InteractionRecord::new(InteractionId(8), CustomerId(9)),
        );
        body.guest_interactions.insert(InteractionId(5), CustomerId(4));
        let mut f = FollowUpRecord {
            follow_up: FollowUp::empty(FollowUpId(6), CustomerId(9)),
            registers: Registers::default(),
        };
        f.follow_up.what = "Gọi lại".into();
        f.registers.created = Some(stamp(3));
        body.follow_ups.insert(FollowUpId(6), f);
        body.guest_follow_ups.insert(FollowUpId(2), CustomerId(4));
        body.history.insert(
            HistoryKey {
                stamp: stamp(4),
                index: 0,
            },
            StageChange {
                at: 5,
                by: "Lan".into(),
                from: Stage::Attract,
                to: Stage::Build,
            },
        );
        body
    }

    #[test]
    fn a_lean_body_is_the_body_without_text_or_stamps() {
        let body = full();
        let lean: LeanBody = codec::decode(&codec::encode(&body).unwrap()).unwrap();
        let mut expected = body.clone();
        for r in expected.interactions.values_mut() {
            r.interaction.summary.clear();
            r.interaction.body.clear();
            r.interaction.outcome.clear();
            r.registers.written.clear();
        }
        let lean = lean.into_body();
        assert_eq!(lean, expected);
        assert!(lean.interactions[&InteractionId(1)].is_live());
        assert!(!lean.interactions[&InteractionId(8)].is_live(), "never created");
        assert_eq!(lean.interactions[&InteractionId(3)].interaction.author, "Lan 3");
    }

    #[test]
    fn a_damaged_lean_body_is_an_error() {
        let bytes = codec::encode(&full()).unwrap();
        for cut in [1, bytes.len() / 2, bytes.len() - 1] {
            assert!(codec::decode::<LeanBody>(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
