//! Replicas converge however their journals travel: three or more
//! machines make random edits, deletes and restores; their journal files
//! reach each other in random orders, duplicated, cut at random byte
//! offsets and completed later, and as sync clients' conflict copies. In
//! the end every machine holds exactly the same view, and it is the view
//! that replaying every acknowledged change gives. Organizations are
//! among the changes: added, edited, deleted, people linked, unlinked and
//! referred, and the same company typed on two machines at once makes one
//! organization (its id comes from the name).

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use guanxi::domain::draft::InteractionValues;
use guanxi::domain::list_filter::ListFilter;
use guanxi::domain::{
    Channel, Customer, CustomerField, CustomerId, Direction, Factor, OrgField, OrgKind, Organization, OrganizationId,
    PlanTarget, Rules, Stage, outline,
};
use guanxi::store::{Edit, NewDeal, OpenOptions, Store};
use guanxi::workspace::{Clock, META_FILE};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Add {
        machine: usize,
        name: u8,
    },
    Company {
        machine: usize,
        target: u8,
        value: u8,
    },
    Tag {
        machine: usize,
        target: u8,
        tag: u8,
        on: bool,
    },
    /// Scores (or clears) a relationship factor.
    Score {
        machine: usize,
        target: u8,
        factor: u8,
        score: Option<u8>,
    },
    Delete {
        machine: usize,
        target: u8,
    },
    Restore {
        machine: usize,
        target: u8,
    },
    Log {
        machine: usize,
        target: u8,
        amount: Option<u16>,
    },
    Stage {
        machine: usize,
        target: u8,
        forward: bool,
    },
    Undo {
        machine: usize,
    },
    /// Says two customers are not duplicates, or takes it back.
    Apart {
        machine: usize,
        a: u8,
        b: u8,
        apart: bool,
    },
    /// Adds a deal to a customer.
    Deal {
        machine: usize,
        target: u8,
        amount: u16,
        probability: Option<u8>,
    },
    /// Wins (logging its purchase) or loses a deal.
    CloseDeal {
        machine: usize,
        target: u8,
        won: bool,
    },
    /// Merges one customer into another: their deals move with them.
    Merge {
        machine: usize,
        keep: u8,
        other: u8,
    },
    /// Saves, changes, deletes or marks a saved list (`what` picks).
    List {
        machine: usize,
        name: u8,
        what: u8,
    },
    /// Sets (one of three outlines) or deletes the plan of a customer or
    /// of a saved list (`what` picks).
    Plan {
        machine: usize,
        target: u8,
        what: u8,
    },
    /// Ticks a tactic of some plan off, or reopens it.
    TacticDone {
        machine: usize,
        target: u8,
        tactic: u8,
        done: bool,
    },
    /// Adds, edits or deletes an organization, or links a customer to one
    /// (`what` picks).
    Org {
        machine: usize,
        target: u8,
        name: u8,
        what: u8,
    },
    /// Copy `from`'s own journal into `to`'s folder: `cut` of 256 parts of
    /// it (256 = all), as a conflict copy or not.
    Deliver {
        from: usize,
        to: usize,
        cut: u16,
        copy: bool,
    },
    Sync {
        machine: usize,
    },
    /// Forgets a customer (a privacy request): every op about them, made
    /// before or at the same time on other machines, is dropped everywhere.
    Forget {
        machine: usize,
        target: u8,
    },
    /// Rewrites the machine's own journal with tombstones for what it
    /// forgot (segments others may have read part of already).
    Scrub {
        machine: usize,
    },
}

fn step(machines: usize) -> impl Strategy<Value = Step> {
    let m = 0..machines;
    prop_oneof![
        3 => (m.clone(), any::<u8>()).prop_map(|(machine, name)| Step::Add { machine, name }),
        2 => (m.clone(), any::<u8>(), 0..4u8).prop_map(|(machine, target, value)| Step::Company { machine, target, value }),
        2 => (m.clone(), any::<u8>(), 0..3u8, any::<bool>())
            .prop_map(|(machine, target, tag, on)| Step::Tag { machine, target, tag, on }),
        2 => (m.clone(), any::<u8>(), 0..5u8, proptest::option::of(0..=5u8))
            .prop_map(|(machine, target, factor, score)| Step::Score { machine, target, factor, score }),
        1 => (m.clone(), any::<u8>()).prop_map(|(machine, target)| Step::Delete { machine, target }),
        1 => (m.clone(), any::<u8>()).prop_map(|(machine, target)| Step::Restore { machine, target }),
        2 => (m.clone(), any::<u8>(), proptest::option::of(1..500u16))
            .prop_map(|(machine, target, amount)| Step::Log { machine, target, amount }),
        1 => (m.clone(), any::<u8>(), any::<bool>()).prop_map(|(machine, target, forward)| Step::Stage {
            machine,
            target,
            forward
        }),
        1 => m.clone().prop_map(|machine| Step::Undo { machine }),
        1 => (m.clone(), any::<u8>(), any::<u8>(), prop::bool::weighted(0.7))
            .prop_map(|(machine, a, b, apart)| Step::Apart { machine, a, b, apart }),
        2 => (m.clone(), any::<u8>(), 1..1000u16, proptest::option::of(0..=100u8))
            .prop_map(|(machine, target, amount, probability)| Step::Deal { machine, target, amount, probability }),
        1 => (m.clone(), any::<u8>(), any::<bool>()).prop_map(|(machine, target, won)| Step::CloseDeal { machine, target, won }),
        1 => (m.clone(), any::<u8>(), any::<u8>()).prop_map(|(machine, keep, other)| Step::Merge { machine, keep, other }),
        2 => (m.clone(), 0..3u8, 0..6u8).prop_map(|(machine, name, what)| Step::List { machine, name, what }),
        2 => (m.clone(), any::<u8>(), 0..4u8).prop_map(|(machine, target, what)| Step::Plan { machine, target, what }),
        2 => (m.clone(), any::<u8>(), any::<u8>(), prop::bool::weighted(0.8))
            .prop_map(|(machine, target, tactic, done)| Step::TacticDone { machine, target, tactic, done }),
        2 => (m.clone(), any::<u8>(), 0..4u8, 0..6u8)
            .prop_map(|(machine, target, name, what)| Step::Org { machine, target, name, what }),
        4 => (m.clone(), m.clone(), prop_oneof![Just(256u16), 0..256u16], prop::bool::weighted(0.2))
            .prop_map(|(from, to, cut, copy)| Step::Deliver { from, to, cut, copy }),
        3 => m.clone().prop_map(|machine| Step::Sync { machine }),
        1 => (m.clone(), any::<u8>()).prop_map(|(machine, target)| Step::Forget { machine, target }),
        1 => m.prop_map(|machine| Step::Scrub { machine }),
    ]
}

/// Three outlines of one plan: the second keeps two tactics of the first
/// (so their ids and done marks carry over), the third keeps none.
const OUTLINES: [&str; 3] = [
    "mission: Giữ khách\nobjective: Gia hạn\n  strategy pricing: Giá tốt\n    tactic: Gọi điện | due 2026-11-05\n    tactic: Gửi báo giá | due 2026-11-09 | owner m1\n",
    "mission: Giữ khách lâu dài\nobjective: Gia hạn\n  strategy pricing: Giá tốt\n    tactic: Gửi báo giá | due 2026-11-12 | owner m1\n    tactic: Gọi điện | due 2026-11-05\n    tactic: Mời ăn trưa\n",
    "mission: 成为唯一伙伴\nobjective: 续约\n  strategy core_service: 稳定供货\n    tactic: 拜访 | due 2026-11-20\n",
];

struct Machine {
    store: Store,
    folder: PathBuf,
}

fn open(folder: &Path, state: &Path, who: &str) -> Store {
    Store::open(OpenOptions {
        workspace: folder.to_path_buf(),
        state_root: state.to_path_buf(),
        author: who.into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
    .unwrap()
}

/// The live customers a machine can see, in a stable order.
fn known(store: &Store) -> Vec<Customer> {
    let mut all: Vec<Customer> = store.customers().unwrap().into_iter().map(|r| r.customer).collect();
    all.sort_by_key(|c| c.id);
    all
}

fn deleted_ones(store: &Store, created: &[CustomerId]) -> Vec<CustomerId> {
    created
        .iter()
        .copied()
        .filter(|id| store.customer(*id).unwrap().is_some_and(|r| r.customer.deleted))
        .collect()
}

/// Three different filters a list can be saved with.
fn filter_of(n: u8) -> ListFilter {
    match n {
        0 => ListFilter {
            tag: Some("vip".into()),
            ..Default::default()
        },
        1 => ListFilter {
            stage: Some(Stage::Build),
            overdue: true,
            ..Default::default()
        },
        _ => ListFilter {
            owner: Some("me".into()),
            clv_above: Some(guanxi::domain::Money::from_units(100)),
            ..Default::default()
        },
    }
}

fn pick<T: Clone>(items: &[T], n: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[n as usize % items.len()].clone())
}

/// Copies machine `from`'s journal files into `to`'s folder, as a sync
/// client would deliver them: never shrinking what is already there,
/// unless the writer rewrote the file.
fn deliver(from: &Machine, to: &Machine, cut: u16, copy: bool, serial: &mut u32) {
    let replica = from.store.replica().to_string();
    let src_dir = from.folder.join("replicas").join(&replica);
    let dst_dir = to.folder.join("replicas").join(&replica);
    let Ok(entries) = fs::read_dir(&src_dir) else { return };
    fs::create_dir_all(&dst_dir).unwrap();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if !name.ends_with(".journal") || name.contains("conflict") {
            continue;
        }
        let bytes = fs::read(e.path()).unwrap();
        let keep = if cut >= 256 {
            bytes.len()
        } else {
            bytes.len() * cut as usize / 256
        };
        if copy {
            *serial += 1;
            let stem = name.trim_end_matches(".journal");
            let copy_name = if serial.is_multiple_of(2) {
                format!("{stem}.sync-conflict-20260101-000000-{serial:07}.journal")
            } else {
                format!("{stem} (Lan's conflicted copy 2026-01-{:02}).journal", *serial % 28 + 1)
            };
            fs::write(dst_dir.join(copy_name), &bytes[..keep]).unwrap();
        } else {
            let target = dst_dir.join(&name);
            let have = fs::read(&target).unwrap_or_default();
            // A file its writer rewrote (a scrub after a forget) no longer
            // starts with what was delivered: it is delivered anew, even
            // shorter.
            if keep > have.len() || !bytes.starts_with(&have) {
                fs::write(&target, &bytes[..keep]).unwrap();
            }
        }
    }
}

fn run(steps: Vec<Step>, machines: usize) {
    let dir = tempfile::tempdir().unwrap();
    // One workspace, seen by each machine through its own copy of the folder.
    let first = dir.path().join("folder-0");
    let mut ms: Vec<Machine> = Vec::new();
    for i in 0..machines {
        let folder = dir.path().join(format!("folder-{i}"));
        if i > 0 {
            fs::create_dir_all(&folder).unwrap();
            fs::copy(first.join(META_FILE), folder.join(META_FILE)).unwrap();
        }
        let store = open(&folder, &dir.path().join(format!("state-{i}")), &format!("m{i}"));
        ms.push(Machine { store, folder });
    }
    let mut created: Vec<CustomerId> = Vec::new();
    let mut forgotten: Vec<CustomerId> = Vec::new();
    let mut serial = 0u32;
    let when = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    for s in steps {
        match s {
            Step::Add { machine, name } => {
                let store = &mut ms[machine].store;
                let mut c = Customer::empty(store.new_customer_id());
                c.name = format!("Khách {name}");
                created.push(store.add_customer(c).unwrap());
            }
            Step::Company { machine, target, value } => {
                let store = &mut ms[machine].store;
                if let Some(before) = pick(&known(store), target) {
                    let mut after = before.clone();
                    after.company = ["Minh Phát", "华信", "Northwind", ""][value as usize].into();
                    store.update_customer(&before, &after).unwrap();
                }
            }
            Step::Tag {
                machine,
                target,
                tag,
                on,
            } => {
                let store = &mut ms[machine].store;
                if let Some(c) = pick(&known(store), target) {
                    let tag = ["vip", "b2b", "tết"][tag as usize].to_string();
                    store
                        .commit(vec![Edit::UpdateCustomer {
                            id: c.id,
                            fields: vec![CustomerField::Tag(tag, on)],
                        }])
                        .unwrap();
                }
            }
            Step::Score {
                machine,
                target,
                factor,
                score,
            } => {
                let store = &mut ms[machine].store;
                if let Some(before) = pick(&known(store), target) {
                    let mut after = before.clone();
                    after.factors.set(Factor::ALL[factor as usize], score);
                    store.update_customer(&before, &after).unwrap();
                }
            }
            Step::Delete { machine, target } => {
                let store = &mut ms[machine].store;
                if let Some(c) = pick(&known(store), target) {
                    store.delete_customer(c.id).unwrap();
                }
            }
            Step::Forget { machine, target } => {
                let store = &mut ms[machine].store;
                if let Some(c) = pick(&known(store), target) {
                    store.forget(c.id).unwrap();
                    forgotten.push(c.id);
                }
            }
            Step::Scrub { machine } => {
                ms[machine].store.scrub_forgotten().unwrap();
            }
            Step::Restore { machine, target } => {
                let store = &mut ms[machine].store;
                if let Some(id) = pick(&deleted_ones(store, &created), target) {
                    store
                        .commit(vec![Edit::UpdateCustomer {
                            id,
                            fields: vec![CustomerField::Deleted(false)],
                        }])
                        .unwrap();
                }
            }
            Step::Log {
                machine,
                target,
                amount,
            } => {
                let store = &mut ms[machine].store;
                if let Some(c) = pick(&known(store), target) {
                    let v = InteractionValues {
                        summary: "Gọi điện".into(),
                        channel: if amount.is_some() {
                            Channel::Purchase
                        } else {
                            Channel::Call
                        },
                        at: when + chrono::Duration::hours(i64::from(target)),
                        amount: amount.map(|a| guanxi::domain::Money::from_units(i64::from(a))),
                        satisfaction: None,
                        outcome: String::new(),
                        direction: Direction::Outbound,
                        body: String::new(),
                    };
                    store.log_interaction(c.id, v).unwrap();
                }
            }
            Step::Stage {
                machine,
                target,
                forward,
            } => {
                let store = &mut ms[machine].store;
                if let Some(c) = pick(&known(store), target) {
                    let to = if forward { c.stage.next() } else { c.stage.previous() };
                    if let Some(to) = to {
                        store.move_stage(&c, to).unwrap();
                    }
                }
            }
            Step::Undo { machine } => {
                // Nothing to undo is fine.
                let _ = ms[machine].store.undo();
            }
            Step::Apart { machine, a, b, apart } => {
                let store = &mut ms[machine].store;
                let all = known(store);
                if let (Some(x), Some(y)) = (pick(&all, a), pick(&all, b)) {
                    store.set_apart(&[x.id, y.id], apart).unwrap();
                }
            }
            Step::Deal {
                machine,
                target,
                amount,
                probability,
            } => {
                let store = &mut ms[machine].store;
                if let Some(c) = pick(&known(store), target) {
                    store
                        .add_deal(NewDeal {
                            customer: c.id,
                            title: format!("Đơn {amount}"),
                            amount: guanxi::domain::Money::from_units(i64::from(amount)),
                            close: None,
                            probability,
                        })
                        .unwrap();
                }
            }
            Step::CloseDeal { machine, target, won } => {
                let store = &mut ms[machine].store;
                if let Some(d) = pick(&store.deals().unwrap(), target) {
                    if won {
                        store.win_deal(&d, when).unwrap();
                    } else {
                        // A won deal cannot be lost (its purchase is logged):
                        // refused as input, and nothing is written.
                        match store.lose_deal(&d, "giá cao".into()) {
                            Ok(_) => {}
                            Err(e) => assert!(e.is_input(), "{e}"),
                        }
                    }
                }
            }
            Step::Merge { machine, keep, other } => {
                let store = &mut ms[machine].store;
                let all = known(store);
                if let (Some(k), Some(o)) = (pick(&all, keep), pick(&all, other)) {
                    store.merge_customers(k.id, &[o.id]).unwrap();
                }
            }
            Step::List { machine, name, what } => {
                let store = &mut ms[machine].store;
                // Names that fold alike on purpose: one list, written two ways.
                let name = ["Khách VIP", "khach vip", "Trễ hẹn"][name as usize];
                match what {
                    0 => store.save_list(name, &filter_of(0), false).unwrap(),
                    1 => store.save_list(name, &filter_of(1), false).unwrap(),
                    2 => store.save_list(name, &filter_of(2), true).unwrap(),
                    3 => {
                        // Deleting a list that is not there is refused.
                        let _ = store.delete_list(name);
                    }
                    4 => {
                        let _ = store.set_priority_list(Some(name));
                    }
                    _ => {
                        store.set_priority_list(None).unwrap();
                    }
                }
            }
            Step::Plan { machine, target, what } => {
                let store = &mut ms[machine].store;
                let target = match pick(&known(store), target) {
                    Some(c) if target % 4 != 0 => PlanTarget::Customer(c.id),
                    _ => PlanTarget::list("Khách VIP"),
                };
                match what {
                    3 => {
                        store.delete_plan(&target).unwrap();
                    }
                    n => {
                        let plan = outline::parse(OUTLINES[n as usize]).unwrap();
                        store.set_plan(&target, plan).unwrap();
                    }
                }
            }
            Step::TacticDone {
                machine,
                target,
                tactic,
                done,
            } => {
                let store = &mut ms[machine].store;
                if let Some((t, plan)) = pick(&store.plans().unwrap(), target) {
                    let ids: Vec<_> = plan.tactics().map(|p| p.tactic.id).collect();
                    if let Some(id) = pick(&ids, tactic) {
                        store.set_tactic_done(&t, id, done).unwrap();
                    }
                }
            }
            Step::Org {
                machine,
                target,
                name,
                what,
            } => {
                let store = &mut ms[machine].store;
                // The names the Company step types too, and one of its own.
                let name = ["Minh Phát", "华信", "Northwind", "Đối tác Sao Mai"][name as usize];
                let org = store.organizations().unwrap().into_iter().find(|o| o.name == name);
                match (what, org) {
                    (0, _) => {
                        let mut o = Organization::empty(OrganizationId(0));
                        o.name = name.into();
                        o.kind = OrgKind::Partner;
                        // One of that name here already is refused.
                        if let Err(e) = store.add_organization(o) {
                            assert!(e.is_input(), "{e}");
                        }
                    }
                    (1, Some(o)) => {
                        store
                            .update_organization(o.id, vec![OrgField::Industry(format!("ngành {target}"))])
                            .unwrap();
                    }
                    (2, Some(o)) => {
                        store.update_organization(o.id, vec![OrgField::Deleted(true)]).unwrap();
                    }
                    (3, Some(o)) | (4, Some(o)) => {
                        if let Some(before) = pick(&known(store), target) {
                            let mut after = before.clone();
                            if what == 3 {
                                after.organization = Some(o.id);
                                after.company = o.name.clone();
                            } else {
                                after.referred_by = Some(o.id);
                            }
                            store.update_customer(&before, &after).unwrap();
                        }
                    }
                    (5, _) => {
                        if let Some(before) = pick(&known(store), target) {
                            let mut after = before.clone();
                            after.organization = None;
                            after.referred_by = None;
                            store.update_customer(&before, &after).unwrap();
                        }
                    }
                    _ => {}
                }
            }
            Step::Deliver { from, to, cut, copy } => {
                if from != to {
                    deliver(&ms[from], &ms[to], cut, copy, &mut serial);
                }
            }
            Step::Sync { machine } => {
                ms[machine].store.ingest_others().unwrap();
            }
        }
    }
    // Let everything arrive, whole.
    for from in 0..machines {
        for to in 0..machines {
            if from != to {
                deliver(&ms[from], &ms[to], 256, false, &mut serial);
            }
        }
    }
    for m in &mut ms {
        m.store.ingest_others().unwrap();
    }
    // The reference: a new machine replaying every journal from scratch.
    let all = dir.path().join("all");
    fs::create_dir_all(&all).unwrap();
    fs::copy(first.join(META_FILE), all.join(META_FILE)).unwrap();
    let reference_machine = Machine {
        store: open(&all, &dir.path().join("state-ref"), "ref"),
        folder: all.clone(),
    };
    for m in &ms {
        deliver(m, &reference_machine, 256, false, &mut serial);
    }
    let mut reference = reference_machine.store;
    reference.ingest_others().unwrap();
    let expected = reference.shared_entries().unwrap();
    assert_eq!(
        reference.index_mismatches().unwrap(),
        0,
        "the replay's indexes against its records"
    );
    for (i, m) in ms.iter().enumerate() {
        assert_eq!(
            m.store.index_mismatches().unwrap(),
            0,
            "machine {i}: the indexes against a full scan of its records"
        );
        assert_eq!(
            m.store.saved_lists().unwrap(),
            reference.saved_lists().unwrap(),
            "machine {i}: the saved lists and the one priority list"
        );
        assert!(m.store.saved_lists().unwrap().iter().filter(|l| l.priority).count() <= 1);
        assert_eq!(
            m.store.plans().unwrap(),
            reference.plans().unwrap(),
            "machine {i}: the plans and their done tactics"
        );
        let got = m.store.shared_entries().unwrap();
        let differing: Vec<String> = got
            .iter()
            .filter(|e| !expected.contains(e))
            .map(|(k, _)| format!("here {}", String::from_utf8_lossy(&k[..1])))
            .chain(
                expected
                    .iter()
                    .filter(|e| !got.contains(e))
                    .map(|(k, _)| format!("in the replay {}", String::from_utf8_lossy(&k[..1]))),
            )
            .collect();
        assert!(
            got == expected,
            "machine {i} differs from the replay of all journals ({} vs {} entries): {differing:?}",
            got.len(),
            expected.len()
        );
        assert!(
            m.store.doctor().unwrap().healthy(),
            "machine {i}: {:?}",
            m.store.doctor().unwrap().problems
        );
    }
    // Health over time ends where the factors are: the scores replayed in
    // order give every customer's factors as merged.
    for rec in reference.customers().unwrap() {
        let scores = reference.factor_scores(rec.customer.id).unwrap();
        let last = guanxi::domain::factors::replay(&scores)
            .last()
            .map(|(_, f)| *f)
            .unwrap_or_default();
        assert_eq!(last, rec.customer.factors, "{}: {scores:?}", rec.customer.id);
    }
    // Forgotten people are nowhere.
    for id in &forgotten {
        assert!(reference.customer(*id).unwrap().is_none(), "forgotten {id} is back");
        for m in &ms {
            assert!(m.store.customer(*id).unwrap().is_none(), "forgotten {id} is back");
        }
    }
    // No acknowledged change lost: every customer anyone created is known
    // to the reference (deleted or not), unless forgotten.
    for id in created.iter().filter(|id| !forgotten.contains(id)) {
        assert!(
            reference
                .customer(*id)
                .unwrap()
                .is_some_and(|r| !r.customer.name.is_empty()),
            "lost {id}"
        );
    }
    let _ = Stage::Attract;
}

/// "Not duplicates" said on one machine reaches a teammate: the group
/// stops showing there too, and a later "they are duplicates after all"
/// from the teammate wins over the older answer everywhere.
#[test]
fn not_duplicates_reaches_teammates() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("folder-0");
    let second = dir.path().join("folder-1");
    let lan = open(&first, &dir.path().join("state-0"), "Lan");
    fs::create_dir_all(&second).unwrap();
    fs::copy(first.join(META_FILE), second.join(META_FILE)).unwrap();
    let wei = open(&second, &dir.path().join("state-1"), "Wei");
    let mut ms = [
        Machine {
            store: lan,
            folder: first,
        },
        Machine {
            store: wei,
            folder: second,
        },
    ];
    for name in ["Trần Minh", "Tran Minh"] {
        let store = &mut ms[0].store;
        let mut c = Customer::empty(store.new_customer_id());
        c.name = name.into();
        c.company = "Sao Mai".into();
        c.emails = vec!["minh@saomai.vn".into()];
        store.add_customer(c).unwrap();
    }
    let groups = |store: &Store| guanxi::domain::duplicates::groups(&known(store), None, &store.apart().unwrap());
    let mut serial = 0;
    deliver(&ms[0], &ms[1], 256, false, &mut serial);
    ms[1].store.ingest_others().unwrap();
    assert_eq!(groups(&ms[1].store).len(), 1, "the teammate sees the group");
    let ids = groups(&ms[0].store)[0].ids.clone();
    assert!(ms[0].store.set_apart(&ids, true).unwrap());
    assert!(groups(&ms[0].store).is_empty());
    deliver(&ms[0], &ms[1], 256, false, &mut serial);
    ms[1].store.ingest_others().unwrap();
    assert!(groups(&ms[1].store).is_empty(), "the teammate no longer sees it");
    // The teammate changes their mind later: that answer wins on both.
    assert!(ms[1].store.set_apart(&ids, false).unwrap());
    deliver(&ms[1], &ms[0], 256, false, &mut serial);
    ms[0].store.ingest_others().unwrap();
    for m in &ms {
        assert_eq!(groups(&m.store).len(), 1);
    }
    assert_eq!(
        ms[0].store.shared_entries().unwrap(),
        ms[1].store.shared_entries().unwrap()
    );
}

/// Two teammates at once: one edits a plan's outline, the other ticks a
/// tactic off. Both changes survive on both machines, the tactic keeping
/// its id (its text did not change) and its done mark.
#[test]
fn a_tactic_done_on_one_machine_survives_an_outline_edit_on_another() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("folder-0");
    let second = dir.path().join("folder-1");
    let lan = open(&first, &dir.path().join("state-0"), "Lan");
    fs::create_dir_all(&second).unwrap();
    fs::copy(first.join(META_FILE), second.join(META_FILE)).unwrap();
    let wei = open(&second, &dir.path().join("state-1"), "Wei");
    let mut ms = [
        Machine {
            store: lan,
            folder: first,
        },
        Machine {
            store: wei,
            folder: second,
        },
    ];
    let store = &mut ms[0].store;
    let mut c = Customer::empty(store.new_customer_id());
    c.name = "Phú Thịnh".into();
    let id = store.add_customer(c).unwrap();
    let target = PlanTarget::Customer(id);
    store.set_plan(&target, outline::parse(OUTLINES[0]).unwrap()).unwrap();
    let mut serial = 0;
    deliver(&ms[0], &ms[1], 256, false, &mut serial);
    ms[1].store.ingest_others().unwrap();
    let plan = ms[1].store.plan(&target).unwrap().unwrap();
    let call = plan.tactics().find(|p| p.tactic.text == "Gọi điện").unwrap().tactic.id;
    // At the same time: Wei ticks the call off, Lan rewrites the outline.
    assert!(ms[1].store.set_tactic_done(&target, call, true).unwrap());
    ms[0]
        .store
        .set_plan(&target, outline::parse(OUTLINES[1]).unwrap())
        .unwrap();
    deliver(&ms[0], &ms[1], 256, false, &mut serial);
    deliver(&ms[1], &ms[0], 256, false, &mut serial);
    for m in &mut ms {
        m.store.ingest_others().unwrap();
    }
    for m in &ms {
        let plan = m.store.plan(&target).unwrap().unwrap();
        assert_eq!(plan.mission, "Giữ khách lâu dài", "the outline edit is kept");
        let t = plan.tactic(call).expect("the call keeps its id");
        assert!(t.done, "the done mark is kept");
        assert_eq!(plan.progress(), (1, 3));
        // Done, it is no longer on the agenda; the other dated one is.
        let until = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let due: Vec<_> = m
            .store
            .due_tactics(until)
            .unwrap()
            .into_iter()
            .map(|d| d.text)
            .collect();
        assert_eq!(due, vec!["Gửi báo giá".to_string()]);
    }
    assert_eq!(
        ms[0].store.shared_entries().unwrap(),
        ms[1].store.shared_entries().unwrap()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_however_journals_travel(
        machines in 3usize..=4,
        steps in proptest::collection::vec(step(4), 10..60),
    ) {
        let steps: Vec<Step> = steps
            .into_iter()
            .map(|s| clamp(s, machines))
            .collect();
        run(steps, machines);
    }
}

/// Maps machine numbers drawn for four machines onto `machines`.
fn clamp(s: Step, n: usize) -> Step {
    let c = |m: usize| m % n;
    match s {
        Step::Add { machine, name } => Step::Add {
            machine: c(machine),
            name,
        },
        Step::Company { machine, target, value } => Step::Company {
            machine: c(machine),
            target,
            value,
        },
        Step::Tag {
            machine,
            target,
            tag,
            on,
        } => Step::Tag {
            machine: c(machine),
            target,
            tag,
            on,
        },
        Step::Score {
            machine,
            target,
            factor,
            score,
        } => Step::Score {
            machine: c(machine),
            target,
            factor,
            score,
        },
        Step::Delete { machine, target } => Step::Delete {
            machine: c(machine),
            target,
        },
        Step::Restore { machine, target } => Step::Restore {
            machine: c(machine),
            target,
        },
        Step::Log {
            machine,
            target,
            amount,
        } => Step::Log {
            machine: c(machine),
            target,
            amount,
        },
        Step::Stage {
            machine,
            target,
            forward,
        } => Step::Stage {
            machine: c(machine),
            target,
            forward,
        },
        Step::Undo { machine } => Step::Undo { machine: c(machine) },
        Step::Org {
            machine,
            target,
            name,
            what,
        } => Step::Org {
            machine: c(machine),
            target,
            name,
            what,
        },
        Step::Apart { machine, a, b, apart } => Step::Apart {
            machine: c(machine),
            a,
            b,
            apart,
        },
        Step::Deal {
            machine,
            target,
            amount,
            probability,
        } => Step::Deal {
            machine: c(machine),
            target,
            amount,
            probability,
        },
        Step::CloseDeal { machine, target, won } => Step::CloseDeal {
            machine: c(machine),
            target,
            won,
        },
        Step::Merge { machine, keep, other } => Step::Merge {
            machine: c(machine),
            keep,
            other,
        },
        Step::List { machine, name, what } => Step::List {
            machine: c(machine),
            name,
            what,
        },
        Step::Plan { machine, target, what } => Step::Plan {
            machine: c(machine),
            target,
            what,
        },
        Step::TacticDone {
            machine,
            target,
            tactic,
            done,
        } => Step::TacticDone {
            machine: c(machine),
            target,
            tactic,
            done,
        },
        Step::Deliver { from, to, cut, copy } => Step::Deliver {
            from: c(from),
            to: c(to),
            cut,
            copy,
        },
        Step::Sync { machine } => Step::Sync { machine: c(machine) },
        Step::Forget { machine, target } => Step::Forget {
            machine: c(machine),
            target,
        },
        Step::Scrub { machine } => Step::Scrub { machine: c(machine) },
    }
}

/// Found by the property test above: an undo, then a change to the same
/// person, then a forget of them. The view's change ended the redo chain;
/// the journal rewrite made the change a tombstone, which a replay took
/// for bulk work and kept the redo entry for.
#[test]
fn a_forget_s_tombstones_end_the_redo_chain_as_the_changes_they_replace_did() {
    let steps = vec![
        Step::Add { machine: 0, name: 0 },
        Step::Plan {
            machine: 3,
            target: 12,
            what: 0,
        },
        Step::Undo { machine: 0 },
        Step::Add { machine: 1, name: 0 },
        Step::Apart {
            machine: 0,
            a: 0,
            b: 0,
            apart: false,
        },
        Step::Merge {
            machine: 0,
            keep: 1,
            other: 236,
        },
        Step::Tag {
            machine: 0,
            target: 241,
            tag: 1,
            on: false,
        },
        Step::Forget { machine: 3, target: 6 },
        Step::Sync { machine: 3 },
        Step::Scrub { machine: 0 },
    ];
    let steps: Vec<Step> = steps.into_iter().map(|s| clamp(s, 3)).collect();
    run(steps, 3);
}

/// Found by the property test above: a merge moves an interaction to a
/// person a teammate forgets. Where the forget arrives first, the merge's
/// move of the interaction is dropped and the interaction forgotten then;
/// the undo entry of the log that made it must go too, as it does where
/// the merge came first. Which way round a replay takes them depends on
/// the replicas' random ids, so the case runs eight times (it failed about
/// half the time before).
#[test]
fn a_merge_into_a_forgotten_person_takes_the_undo_entries_naming_what_it_moved() {
    for _ in 0..8 {
        merge_into_a_forgotten_person();
    }
}

fn merge_into_a_forgotten_person() {
    let steps: Vec<Step> = vec![
        Step::Deliver {
            from: 0,
            to: 2,
            cut: 256,
            copy: false,
        },
        Step::Add { machine: 1, name: 12 },
        Step::Tag {
            machine: 2,
            target: 106,
            tag: 1,
            on: false,
        },
        Step::Company {
            machine: 2,
            target: 184,
            value: 1,
        },
        Step::Restore { machine: 0, target: 35 },
        Step::Add { machine: 1, name: 114 },
        Step::Plan {
            machine: 2,
            target: 208,
            what: 0,
        },
        Step::Log {
            machine: 1,
            target: 218,
            amount: None,
        },
        Step::Merge {
            machine: 1,
            keep: 9,
            other: 142,
        },
        Step::Sync { machine: 3 },
        Step::Tag {
            machine: 0,
            target: 111,
            tag: 1,
            on: true,
        },
        Step::Deal {
            machine: 1,
            target: 14,
            amount: 925,
            probability: Some(48),
        },
        Step::Sync { machine: 0 },
        Step::Plan {
            machine: 3,
            target: 195,
            what: 0,
        },
        Step::Org {
            machine: 2,
            target: 3,
            name: 2,
            what: 0,
        },
        Step::Deliver {
            from: 1,
            to: 2,
            cut: 256,
            copy: false,
        },
        Step::Score {
            machine: 3,
            target: 149,
            factor: 3,
            score: Some(5),
        },
        Step::Org {
            machine: 0,
            target: 106,
            name: 1,
            what: 3,
        },
        Step::TacticDone {
            machine: 0,
            target: 232,
            tactic: 5,
            done: true,
        },
        Step::Undo { machine: 1 },
        Step::Plan {
            machine: 3,
            target: 76,
            what: 0,
        },
        Step::Score {
            machine: 2,
            target: 16,
            factor: 4,
            score: None,
        },
        Step::Add { machine: 3, name: 119 },
        Step::Sync { machine: 2 },
        Step::Forget {
            machine: 2,
            target: 169,
        },
        Step::Add { machine: 1, name: 120 },
        Step::Plan {
            machine: 0,
            target: 223,
            what: 0,
        },
        Step::Org {
            machine: 2,
            target: 131,
            name: 2,
            what: 2,
        },
        Step::Score {
            machine: 2,
            target: 133,
            factor: 0,
            score: None,
        },
        Step::Sync { machine: 1 },
        Step::Apart {
            machine: 3,
            a: 136,
            b: 233,
            apart: true,
        },
    ];
    let steps: Vec<Step> = steps.into_iter().map(|s| clamp(s, 4)).collect();
    run(steps, 4);
}
