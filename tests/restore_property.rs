//! Whatever a replica's journal loses (a damaged run of frames, a file put
//! back to an older version, a whole segment gone), the ops written again
//! from its view give a teammate reading the journal from scratch exactly
//! the view the writer has: the same records, bodies and indexes.

use std::fs;

use guanxi::domain::list_filter::Criterion;
use guanxi::domain::organization::id_for_name;
use guanxi::domain::{
    Customer, CustomerField, CustomerId, Factor, FollowUp, FollowUpField, Interaction, OrgField, OrgKind, Organization,
    PlanTarget, Stage, outline,
};
use guanxi::store::{Edit, ListChange, Store};
use proptest::prelude::*;

mod common;

use common::store::options_in as options;

#[derive(Debug, Clone)]
enum Step {
    Add(u8),
    Rename(usize, u8),
    Tag(usize, bool),
    /// A factor scored (or cleared): the history keeps every score.
    Score(usize, u8, Option<u8>),
    Log(usize, u8),
    Move(usize),
    FollowUp(usize),
    Done(usize),
    Delete(usize),
    /// Two customers said to be different people, or not.
    Apart(usize, usize, bool),
    /// A saved list written (criteria, or none to delete it) or marked.
    List(u8, u8),
    /// A plan set (one of two outlines) or deleted, on a customer or a list.
    Plan(usize, u8),
    /// A tactic of a plan ticked off or reopened.
    TacticDone(usize, usize, bool),
    /// An organization added or changed, or a customer said referred by one.
    Org(usize, u8, u8),
    Undo,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => any::<u8>().prop_map(Step::Add),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(c, n)| Step::Rename(c, n)),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(c, on)| Step::Tag(c, on)),
        2 => (any::<usize>(), 0..5u8, proptest::option::of(0..=5u8)).prop_map(|(c, f, s)| Step::Score(c, f, s)),
        3 => (any::<usize>(), any::<u8>()).prop_map(|(c, n)| Step::Log(c, n)),
        2 => any::<usize>().prop_map(Step::Move),
        2 => any::<usize>().prop_map(Step::FollowUp),
        1 => any::<usize>().prop_map(Step::Done),
        1 => any::<usize>().prop_map(Step::Delete),
        1 => (any::<usize>(), any::<usize>(), any::<bool>()).prop_map(|(a, b, on)| Step::Apart(a, b, on)),
        1 => (0..2u8, 0..4u8).prop_map(|(n, w)| Step::List(n, w)),
        1 => (any::<usize>(), 0..3u8).prop_map(|(c, w)| Step::Plan(c, w)),
        1 => (any::<usize>(), any::<usize>(), any::<bool>()).prop_map(|(p, t, on)| Step::TacticDone(p, t, on)),
        2 => (any::<usize>(), 0..3u8, 0..3u8).prop_map(|(c, n, w)| Step::Org(c, n, w)),
        1 => Just(Step::Undo),
    ]
}

#[derive(Debug, Clone)]
enum Loss {
    /// Frames from..to (of the op frames, in order) get a byte flipped.
    Damage(prop::sample::Index, usize),
    /// The file is put back as it was after this many ops.
    Rollback(prop::sample::Index),
    /// The file is deleted.
    Gone,
}

fn loss() -> impl Strategy<Value = Loss> {
    prop_oneof![
        (any::<prop::sample::Index>(), 1usize..4).prop_map(|(i, n)| Loss::Damage(i, n)),
        any::<prop::sample::Index>().prop_map(Loss::Rollback),
        Just(Loss::Gone),
    ]
}

struct Made {
    customers: Vec<CustomerId>,
    follow_ups: Vec<(guanxi::domain::FollowUpId, CustomerId)>,
}

fn run(store: &mut Store, made: &mut Made, step: &Step) {
    let pick = |v: usize, n: usize| (n > 0).then(|| v % n);
    let edits = match *step {
        Step::Add(n) => {
            let mut c = Customer::empty(store.new_customer_id());
            c.name = format!("Khách {n}");
            c.tags.insert("moi".into());
            // Half are scored when added: a creation's scores are history too.
            if n % 2 == 0 {
                c.factors.set(Factor::Trust, Some(n % 6));
            }
            made.customers.push(c.id);
            vec![Edit::CreateCustomer {
                id: c.id,
                fields: c.to_fields(),
            }]
        }
        Step::Rename(c, n) => match pick(c, made.customers.len()) {
            Some(i) => vec![Edit::UpdateCustomer {
                id: made.customers[i],
                fields: vec![
                    CustomerField::Name(format!("Tên {n}")),
                    CustomerField::Company(format!("公司 {n}")),
                ],
            }],
            None => return,
        },
        Step::Tag(c, on) => match pick(c, made.customers.len()) {
            Some(i) => vec![Edit::UpdateCustomer {
                id: made.customers[i],
                fields: vec![CustomerField::Tag("vip".into(), on)],
            }],
            None => return,
        },
        Step::Score(c, factor, score) => match pick(c, made.customers.len()) {
            Some(i) => vec![Edit::UpdateCustomer {
                id: made.customers[i],
                fields: vec![CustomerField::Factor(Factor::ALL[factor as usize], score)],
            }],
            None => return,
        },
        Step::Log(c, n) => match pick(c, made.customers.len()) {
            Some(i) => {
                let mut it = Interaction::empty(store.new_interaction_id(), made.customers[i]);
                it.summary = format!("gọi {n}");
                it.amount = Some(guanxi::domain::Money::from_units(i64::from(n) * 1000));
                vec![Edit::LogInteraction {
                    id: it.id,
                    fields: it.to_fields(),
                }]
            }
            None => return,
        },
        Step::Move(c) => match pick(c, made.customers.len()) {
            Some(i) => {
                let id = made.customers[i];
                let from = store.customer(id).unwrap().map_or(Stage::Attract, |r| r.customer.stage);
                let Some(to) = from.next() else { return };
                vec![Edit::MoveStage { id, from, to, at: None }]
            }
            None => return,
        },
        Step::FollowUp(c) => match pick(c, made.customers.len()) {
            Some(i) => {
                let mut f = FollowUp::empty(store.new_follow_up_id(), made.customers[i]);
                f.what = "gửi báo giá".into();
                f.due = 740_000;
                made.follow_ups.push((f.id, made.customers[i]));
                vec![Edit::AddFollowUp {
                    id: f.id,
                    fields: f.to_fields(),
                }]
            }
            None => return,
        },
        Step::Done(f) => match pick(f, made.follow_ups.len()) {
            Some(i) => vec![Edit::UpdateFollowUp {
                id: made.follow_ups[i].0,
                home: made.follow_ups[i].1,
                fields: vec![FollowUpField::Done(Some(1_700_000_000_000))],
            }],
            None => return,
        },
        Step::Delete(c) => match pick(c, made.customers.len()) {
            Some(i) => vec![Edit::UpdateCustomer {
                id: made.customers[i],
                fields: vec![CustomerField::Deleted(true)],
            }],
            None => return,
        },
        Step::Apart(a, b, apart) => match (pick(a, made.customers.len()), pick(b, made.customers.len())) {
            (Some(a), Some(b)) if a != b => vec![Edit::SetApart {
                a: made.customers[a],
                b: made.customers[b],
                apart,
            }],
            _ => return,
        },
        Step::List(name, what) => {
            let name = ["Khách VIP", "Trễ hẹn"][name as usize].to_string();
            let change = match what {
                0 => ListChange::Criteria(Some(vec![Criterion::Tag("vip".into())])),
                1 => ListChange::Criteria(Some(vec![Criterion::Overdue, Criterion::Stage(Stage::Build)])),
                2 => ListChange::Criteria(None),
                _ => ListChange::Priority(true),
            };
            vec![Edit::SetList { name, change }]
        }
        Step::Plan(c, what) => {
            let target = match pick(c, made.customers.len() + 1) {
                Some(i) if i < made.customers.len() => PlanTarget::Customer(made.customers[i]),
                _ => PlanTarget::list("Khách VIP"),
            };
            let text = [
                "mission: Giữ khách\nobjective: Gia hạn\n  strategy pricing: Giá tốt\n    tactic: Gọi điện | due 2026-11-05\n    tactic: Gửi báo giá | done\n",
                "mission: 成为唯一伙伴\nobjective: 续约\n  strategy core_service: 稳定供货\n    tactic: Gọi điện | due 2026-11-20 | owner An\n",
            ];
            match what {
                2 => {
                    let _ = store.delete_plan(&target).unwrap();
                }
                n => {
                    store
                        .set_plan(&target, outline::parse(text[n as usize]).unwrap())
                        .unwrap();
                }
            }
            return;
        }
        Step::TacticDone(p, t, done) => {
            let plans = store.plans().unwrap();
            let Some(i) = pick(p, plans.len()) else { return };
            let (target, plan) = &plans[i];
            let ids: Vec<_> = plan.tactics().map(|x| x.tactic.id).collect();
            let Some(j) = pick(t, ids.len()) else { return };
            vec![Edit::SetTacticDone {
                target: target.clone(),
                tactic: ids[j],
                done,
            }]
        }
        Step::Org(c, n, what) => {
            let name = format!("Đối tác {n}");
            let id = id_for_name(&name);
            match what {
                0 => {
                    let mut o = Organization::empty(id);
                    o.name = name;
                    o.kind = OrgKind::Partner;
                    vec![Edit::AddOrganization {
                        id,
                        fields: o.to_fields(),
                    }]
                }
                1 => vec![Edit::UpdateOrganization {
                    id,
                    fields: vec![
                        OrgField::Industry(format!("ngành {c}")),
                        OrgField::Kind(OrgKind::Referrer),
                    ],
                }],
                _ => match pick(c, made.customers.len()) {
                    Some(i) => vec![Edit::UpdateCustomer {
                        id: made.customers[i],
                        fields: vec![CustomerField::ReferredBy(Some(id))],
                    }],
                    None => return,
                },
            }
        }
        Step::Undo => {
            let _ = store.undo();
            return;
        }
    };
    store.commit(edits).unwrap();
}

fn frame_ends(bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut pos = 24;
    while pos + 8 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        pos += 8 + len;
        out.push(pos);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn what_the_journal_lost_is_written_again_exactly(
        steps in proptest::collection::vec(step(), 4..40),
        loss in loss(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut made = Made { customers: Vec::new(), follow_ups: Vec::new() };
        let segment;
        let mut after_each = Vec::new();
        {
            let mut store = Store::open(options(dir.path(), "An")).unwrap();
            segment = store
                .workspace()
                .root
                .join("replicas")
                .join(store.replica().to_string())
                .join("000001.journal");
            for s in &steps {
                run(&mut store, &mut made, s);
                after_each.push(fs::read(&segment).unwrap_or_default());
            }
            store.flush().unwrap();
        }
        // A teammate who read everything before the loss.
        drop(Store::open(options(dir.path(), "Old")).unwrap());
        let bytes = fs::read(&segment).unwrap_or_default();
        let ends = frame_ends(&bytes);
        prop_assume!(!ends.is_empty());
        match loss {
            Loss::Damage(at, n) => {
                let first = at.index(ends.len());
                let mut damaged = bytes.clone();
                for i in first..(first + n).min(ends.len()) {
                    let start = if i == 0 { 24 } else { ends[i - 1] };
                    damaged[(start + ends[i]) / 2] ^= 0x5a;
                }
                fs::write(&segment, damaged).unwrap();
            }
            Loss::Gone => fs::remove_file(&segment).unwrap(),
            Loss::Rollback(at) => {
                let older = &after_each[at.index(after_each.len())];
                fs::write(&segment, older).unwrap();
            }
        }
        // The writer opens, checks its journal against its view, and mends it.
        let writer = Store::open(options(dir.path(), "An")).unwrap();
        let report = writer.doctor().unwrap();
        prop_assert!(report.healthy(), "writer: {:?}", report.problems);
        let expected = writer.shared_entries().unwrap();
        drop(writer);
        // A teammate with nothing but the journal gets the same view.
        let reader = Store::open(options(dir.path(), "Wei")).unwrap();
        let report = reader.doctor().unwrap();
        prop_assert!(report.healthy(), "reader: {:?}", report.problems);
        let got = reader.shared_entries().unwrap();
        prop_assert_eq!(got.len(), expected.len());
        for (a, b) in got.iter().zip(&expected) {
            prop_assert_eq!(a, b);
        }
        drop(reader);
        // The teammate who had the lost ops all along changes nothing.
        let old = Store::open(options(dir.path(), "Old")).unwrap();
        let report = old.doctor().unwrap();
        prop_assert!(report.healthy(), "early reader: {:?}", report.problems);
        prop_assert_eq!(old.shared_entries().unwrap(), expected);
    }
}
