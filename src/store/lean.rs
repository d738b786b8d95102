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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

use super::query::{Homed, Timeline};
use super::records::{Body, CustomerRecord, FollowUpRecord, HistoryKey, InteractionRecord, ScoreKey};
use crate::domain::customer::{CustomerKey, Spin};
use crate::domain::interaction::InteractionKey;
use crate::domain::{
    Activity, Channel, Customer, CustomerId, Direction, FactorScore, Factors, FollowUp, FollowUpId, Interaction,
    InteractionId, Level, Money, OrganizationId, Stage, StageChange,
};
use crate::sync::Stamp;
use crate::sync::merge::Registers;

/// `Body`, its interactions lean, each map's entries kept in the order
/// written (by key) rather than in a tree.
#[derive(Deserialize)]
pub(crate) struct LeanBody {
    interactions: Entries<InteractionId, LeanRecord>,
    guest_interactions: BTreeMap<InteractionId, CustomerId>,
    follow_ups: Entries<FollowUpId, FollowUpRecord>,
    guest_follow_ups: BTreeMap<FollowUpId, CustomerId>,
    history: Entries<HistoryKey, StageChange>,
    scores: Entries<ScoreKey, FactorScore>,
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
            follow_ups: self.follow_ups.0.into_iter().collect(),
            guest_follow_ups: self.guest_follow_ups,
            history: self.history.0.into_iter().collect(),
            scores: self.scores.0.into_iter().collect(),
        }
    }

    /// Whether it names items kept in other customers' bodies, which its
    /// timeline would read from there.
    pub(crate) fn has_guests(&self) -> bool {
        !self.guest_interactions.is_empty() || !self.guest_follow_ups.is_empty()
    }

    /// The timeline of `id` when this is its whole body (one frame) and it
    /// has no guests: what `View::timeline_of` makes of `into_body`, without
    /// building the maps only to take them apart (a sixth of a report's
    /// time went there).
    pub(crate) fn into_timeline(self, id: CustomerId) -> Timeline {
        let mut interactions: Vec<Homed<Interaction>> = self
            .interactions
            .0
            .into_iter()
            .map(|(_, r)| r.into_record())
            .filter(|r| r.is_live() && r.interaction.customer == id)
            .map(|r| Homed {
                item: r.interaction,
                home: id,
            })
            .collect();
        interactions.sort_by_key(|h| (h.item.at, h.item.id));
        let mut follow_ups: Vec<Homed<FollowUp>> = self
            .follow_ups
            .0
            .into_iter()
            .map(|(_, r)| r)
            .filter(|r| r.is_live() && r.follow_up.customer == id)
            .map(|r| Homed {
                item: r.follow_up,
                home: id,
            })
            .collect();
        follow_ups.sort_by_key(|h| (h.item.due, h.item.created_at));
        Timeline {
            interactions,
            follow_ups,
            history: self.history.0.into_iter().map(|(_, v)| v).collect(),
            scores: self.scores.0.into_iter().map(|(_, v)| v).collect(),
        }
    }
}

/// `InteractionRecord`.
#[derive(Deserialize)]
struct LeanRecord {
    interaction: LeanInteraction,
    registers: LeanRegisters<InteractionKey>,
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

/// `Registers<K>`, its stamps skipped.
#[derive(Deserialize)]
#[serde(bound = "K: Deserialize<'de>")]
struct LeanRegisters<K> {
    created: Option<Stamp>,
    _written: SkippedMap<K, Stamp>,
}

/// `CustomerRecord`, without what neither a report nor a saved list's
/// criteria read: the stamps of the fields' last writes (a map of a score
/// of entries per customer), and the title, address, source, notes and
/// author.
#[derive(Deserialize)]
pub(crate) struct LeanCustomerRecord {
    customer: LeanCustomer,
    registers: LeanRegisters<CustomerKey>,
}

impl LeanCustomerRecord {
    /// The record with those parts left empty (whether it was created is
    /// kept: what `is_live` reads).
    pub(crate) fn into_record(self) -> CustomerRecord {
        let c = self.customer;
        CustomerRecord {
            customer: Customer {
                id: c.id,
                name: c.name,
                company: c.company,
                title: String::new(),
                emails: c.emails,
                phones: c.phones,
                address: String::new(),
                tags: c.tags,
                segment: c.segment,
                source: String::new(),
                owner: c.owner,
                loyalty_tier: c.loyalty_tier,
                notes: String::new(),
                stage: c.stage,
                level: c.level,
                factors: c.factors,
                spin: Spin::default(),
                cadence_days: c.cadence_days,
                deleted: c.deleted,
                created_at: c.created_at,
                created_by: String::new(),
                extra: c.extra,
                activity: c.activity,
                organization: c.organization,
                referred_by: c.referred_by,
            },
            registers: Registers {
                created: self.registers.created,
                written: BTreeMap::new(),
            },
        }
    }
}

/// `Customer`, field for field.
#[derive(Deserialize)]
struct LeanCustomer {
    id: CustomerId,
    name: String,
    company: String,
    _title: Skipped,
    emails: Vec<String>,
    phones: Vec<String>,
    _address: Skipped,
    tags: BTreeSet<String>,
    segment: String,
    _source: Skipped,
    owner: String,
    loyalty_tier: String,
    _notes: Skipped,
    stage: Stage,
    level: Level,
    factors: Factors,
    _spin: [Skipped; 4],
    cadence_days: Option<u16>,
    deleted: bool,
    created_at: i64,
    _created_by: Skipped,
    extra: Vec<String>,
    activity: Activity,
    organization: Option<OrganizationId>,
    referred_by: Option<OrganizationId>,
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
    fn a_lean_bodys_timeline_is_the_one_made_through_its_maps() {
        let mut body = full();
        body.guest_interactions.clear();
        body.guest_follow_ups.clear();
        // Out of time order, and one kept here for another customer.
        body.interactions.get_mut(&InteractionId(3)).unwrap().interaction.at = 1;
        let mut elsewhere = InteractionRecord::new(InteractionId(4), CustomerId(5));
        elsewhere.registers.created = Some(stamp(9));
        body.interactions.insert(InteractionId(4), elsewhere);
        let mut later = FollowUpRecord {
            follow_up: FollowUp::empty(FollowUpId(1), CustomerId(9)),
            registers: Registers::default(),
        };
        later.follow_up.due = body.follow_ups[&FollowUpId(6)].follow_up.due + 3;
        later.registers.created = Some(stamp(4));
        body.follow_ups.insert(FollowUpId(1), later);
        body.scores.insert(
            ScoreKey {
                stamp: stamp(5),
                factor: crate::domain::Factor::Trust,
            },
            FactorScore {
                at: 6,
                factor: crate::domain::Factor::Trust,
                score: Some(4),
            },
        );
        let bytes = codec::encode(&body).unwrap();
        let direct = codec::decode::<LeanBody>(&bytes).unwrap();
        assert!(!direct.has_guests());
        let t = direct.into_timeline(CustomerId(9));

        let through = codec::decode::<LeanBody>(&bytes).unwrap().into_body();
        let mut interactions: Vec<Interaction> = through
            .interactions
            .into_values()
            .filter(|r| r.is_live() && r.interaction.customer == CustomerId(9))
            .map(|r| r.interaction)
            .collect();
        interactions.sort_by_key(|i| (i.at, i.id));
        let mut follow_ups: Vec<FollowUp> = through.follow_ups.into_values().map(|r| r.follow_up).collect();
        follow_ups.sort_by_key(|f| (f.due, f.created_at));
        let ids: Vec<InteractionId> = interactions.iter().map(|i| i.id).collect();
        assert_eq!(ids, [InteractionId(3), InteractionId(1)], "live, its own, by time");
        assert_eq!(follow_ups.len(), 2);
        assert_eq!(t.scores.len(), 1);
        assert_eq!(t.scores, through.scores.into_values().collect::<Vec<_>>());
        assert!(t.interactions.iter().all(|h| h.home == CustomerId(9)));
        let (own, due, history) = t.into_items();
        assert_eq!(own, interactions);
        assert_eq!(due, follow_ups);
        assert_eq!(history, through.history.into_values().collect::<Vec<_>>());
    }

    #[test]
    fn a_lean_customer_is_the_record_without_stamps_or_unread_text() {
        use crate::domain::Customer;
        let mut rec = CustomerRecord::new(CustomerId(9));
        let c: &mut Customer = &mut rec.customer;
        c.name = "Nguyễn Thị Lan".into();
        c.company = "Phú Thịnh".into();
        c.title = "Giám đốc".into();
        c.emails = vec!["lan@phuthinh.vn".into()];
        c.phones = vec!["+84 90 123 4567".into()];
        c.address = "12 Lê Lợi".into();
        c.tags.insert("vip".into());
        c.segment = "Doanh nghiệp".into();
        c.source = "Hội chợ".into();
        c.owner = "Minh".into();
        c.loyalty_tier = "Gold".into();
        c.notes = "Thích trà".into();
        c.stage = Stage::Build;
        c.factors.set(crate::domain::Factor::Trust, Some(4));
        c.spin.set(crate::domain::customer::SpinPart::Need, "kho lạnh".into());
        c.cadence_days = Some(30);
        c.created_at = 1_700_000_000_000;
        c.created_by = "Lan".into();
        c.extra = vec!["BDAY:1980-01-02".into()];
        c.activity.interactions = 3;
        c.organization = Some(OrganizationId(4));
        c.referred_by = Some(OrganizationId(5));
        rec.registers.created = Some(stamp(1));
        rec.registers.written.insert(CustomerKey::Tag("vip".into()), stamp(2));
        rec.registers.written.insert(CustomerKey::Name, stamp(3));

        let bytes = codec::encode(&rec).unwrap();
        let lean = codec::decode::<LeanCustomerRecord>(&bytes).unwrap().into_record();
        let mut expected = rec.clone();
        let c = &mut expected.customer;
        for text in [
            &mut c.title,
            &mut c.address,
            &mut c.source,
            &mut c.notes,
            &mut c.created_by,
        ] {
            text.clear();
        }
        c.spin = Spin::default();
        expected.registers.written.clear();
        assert_eq!(lean, expected);
        assert!(lean.is_live());
        for cut in [1, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                codec::decode::<LeanCustomerRecord>(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_damaged_lean_body_is_an_error() {
        let bytes = codec::encode(&full()).unwrap();
        for cut in [1, bytes.len() / 2, bytes.len() - 1] {
            assert!(codec::decode::<LeanBody>(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
