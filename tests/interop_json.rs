//! guanxi's JSON export is lossless: exporting, importing into an empty
//! workspace and exporting again gives the same file, for any customers
//! and organizations (people linked, unlinked on purpose, referred).

use guanxi::domain::{
    Channel, Customer, CustomerId, Deal, DealId, DealStatus, Direction, Factor, FollowUp, FollowUpId, Interaction,
    InteractionId, Level, Money, Objective, OrgKind, Organization, OrganizationId, Plan, PlanTarget, Rules, SpinPart,
    Stage, StageChange, Strategy as PlanStrategy, StrategyKind, Tactic, TacticId,
};
use guanxi::interop::import;
use guanxi::interop::json::{self, FullCustomer};
use guanxi::store::{OpenOptions, Store};
use guanxi::workspace::Clock;
use proptest::prelude::*;

fn open(dir: &std::path::Path, name: &str) -> Store {
    Store::open(OpenOptions {
        workspace: dir.join(name),
        state_root: dir.join(format!("{name}-state")),
        author: "An".into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
    .unwrap()
}

fn export(store: &Store) -> String {
    let mut out = Vec::new();
    let mut all: Vec<Customer> = store.customers().unwrap().into_iter().map(|r| r.customer).collect();
    all.sort_by_key(|c| c.id);
    let deals = store.deals().unwrap();
    for c in &all {
        let mut one = json::customer_out(
            c,
            &store.interactions_of(c.id).unwrap(),
            &store.follow_ups_of(c.id).unwrap(),
            &store.stage_history(c.id).unwrap(),
        );
        one.deals = deals
            .iter()
            .filter(|d| d.customer == c.id)
            .map(json::DealOut::new)
            .collect();
        one.plan = store
            .plan(&PlanTarget::Customer(c.id))
            .unwrap()
            .as_ref()
            .map(json::PlanOut::new);
        out.push(one);
    }
    let mut orgs = store.organizations().unwrap();
    orgs.sort_by_key(|o| o.id);
    json::write_all(orgs.iter().map(json::OrganizationOut::new).collect(), out)
}

fn import_into(store: &mut Store, text: &str) {
    let read = import::read(text.as_bytes(), None, &[]).unwrap();
    assert_eq!(read.format, import::Format::Json);
    let region = store.rules().region;
    let mut plan = import::plan_with(store, read.records, read.organizations, 0, region).unwrap();
    assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
    import::apply(store, &mut plan, None, |_, _| true).unwrap();
}

const TEXT: &str = "[a-zA-Z0-9àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ张伟李娜王芳深圳华信科技有限公司 ,;:'\"\\\\/-]{0,24}";

fn text() -> impl Strategy<Value = String> {
    TEXT.prop_map(|s| guanxi::domain::text::clean(&s))
}

fn name() -> impl Strategy<Value = String> {
    text().prop_map(|s| if s.is_empty() { "Khách".to_string() } else { s })
}

fn millis() -> impl Strategy<Value = i64> {
    1_500_000_000_000i64..1_900_000_000_000i64
}

prop_compose! {
    fn interaction(customer: CustomerId)(id in any::<u64>(), at in millis(), channel in 0..10usize, inbound in any::<bool>(),
        summary in text(), body in text(), outcome in text(), satisfaction in proptest::option::of(1..=5u8),
        amount in proptest::option::of(-100_000i64..10_000_000_000), author in text()) -> Interaction {
        let mut i = Interaction::empty(InteractionId(id), customer);
        i.at = at;
        i.channel = Channel::ALL[channel];
        i.direction = if inbound { Direction::Inbound } else { Direction::Outbound };
        i.summary = summary;
        i.body = body;
        i.outcome = outcome;
        i.satisfaction = satisfaction;
        i.amount = amount.map(Money);
        i.author = author;
        i
    }
}

prop_compose! {
    fn follow_up(customer: CustomerId)(id in any::<u64>(), due in 700_000i32..760_000, what in text(),
        done in proptest::option::of(millis()), author in text(), created in millis()) -> FollowUp {
        let mut f = FollowUp::empty(FollowUpId(id), customer);
        f.due = due;
        f.what = what;
        f.done_at = done;
        f.author = author;
        f.created_at = created;
        f
    }
}

prop_compose! {
    fn deal(customer: CustomerId)(id in any::<u64>(), title in text(), amount in -100_000i64..10_000_000_000,
        close in proptest::option::of(700_000i32..760_000), probability in 0..=100u8, status in 0..3usize,
        reason in text(), owner in text(), created in millis(), closed in proptest::option::of(millis())) -> Deal {
        let mut d = Deal::empty(DealId(id), customer);
        d.title = title;
        d.amount = Money(amount);
        d.close = close;
        d.probability = probability;
        d.status = DealStatus::ALL[status];
        d.reason = reason;
        d.owner = owner;
        d.created_at = created;
        d.closed_at = closed;
        d
    }
}

prop_compose! {
    fn tactic()(id in 1..u64::MAX, text in name(), due in proptest::option::of(700_000i32..760_000),
        owner in proptest::option::of(name()), done in any::<bool>()) -> Tactic {
        Tactic { id: TacticId(id), text, due, owner, done }
    }
}

prop_compose! {
    fn plan()(mission in name(), objective in name(), kind in 0..6usize, strategy in name(),
        tactics in proptest::collection::vec(tactic(), 0..3)) -> Plan {
        Plan {
            mission,
            objectives: vec![Objective {
                text: objective,
                strategies: vec![PlanStrategy { kind: StrategyKind::ALL[kind], text: strategy, tactics }],
            }],
        }
    }
}

prop_compose! {
    fn organization()(id in 1..u64::MAX, name in text(), kind in 0..5usize, industry in text(), website in text(),
        address in text(), notes in text(), tags in proptest::collection::btree_set("[a-z]{1,6}", 0..3),
        owner in text(), created in millis(), created_by in text()) -> Organization {
        let mut o = Organization::empty(OrganizationId(id));
        o.name = format!("Org {}", name.trim()).trim().to_string();
        o.kind = OrgKind::ALL[kind];
        o.industry = industry; o.website = website; o.address = address; o.notes = notes;
        o.tags = tags.into_iter().collect(); o.owner = owner; o.created_at = created; o.created_by = created_by;
        o
    }
}

prop_compose! {
    fn change()(at in millis(), by in text(), from in 0..7usize, to in 0..7usize) -> StageChange {
        StageChange { at, by, from: Stage::ALL[from], to: Stage::ALL[to] }
    }
}

prop_compose! {
    fn customer()(id in 1..u64::MAX, name in name(), company in text(), title in text(),
        emails in proptest::collection::vec("[a-z0-9]{1,8}@[a-z]{1,8}\\.vn", 0..3),
        phones in proptest::collection::vec("\\+84 9[0-9]{2} [0-9]{3} [0-9]{3}", 0..3),
        address in text(), tags in proptest::collection::btree_set("[a-z]{1,6}", 0..4),
        segment in text(), source in text(), owner in text(), tier in text(), notes in text(),
        stage in 0..7usize, level in 0..5usize, factors in proptest::collection::vec(proptest::option::of(0..=5u8), 5),
        spin in proptest::collection::vec(text(), 4), cadence in proptest::option::of(1..=365u16),
        created in millis(), created_by in text(), extra in proptest::collection::vec("X-[A-Z]{1,6}:[a-z0-9 ]{0,10}", 0..3))
        -> Customer {
        let mut c = Customer::empty(CustomerId(id));
        c.name = name; c.company = company; c.title = title; c.emails = emails; c.phones = phones;
        c.address = address; c.tags = tags; c.segment = segment; c.source = source; c.owner = owner;
        c.loyalty_tier = tier; c.notes = notes; c.stage = Stage::ALL[stage]; c.level = Level::ALL[level];
        for (i, f) in Factor::ALL.iter().enumerate() { c.factors.set(*f, factors[i]); }
        for (i, p) in SpinPart::ALL.iter().enumerate() { c.spin.set(*p, spin[i].clone()); }
        c.cadence_days = cadence; c.created_at = created; c.created_by = created_by; c.extra = extra;
        c
    }
}

fn full() -> impl Strategy<Value = FullCustomer> {
    customer().prop_flat_map(|c| {
        let id = c.id;
        (
            Just(c),
            proptest::collection::vec(interaction(id), 0..4),
            proptest::collection::vec(follow_up(id), 0..3),
            proptest::collection::vec(change(), 0..3),
            proptest::collection::vec(deal(id), 0..3),
            proptest::option::of(plan()),
        )
            .prop_map(
                |(customer, interactions, follow_ups, history, deals, plan)| FullCustomer {
                    customer,
                    interactions,
                    follow_ups,
                    history,
                    apart_from: Vec::new(),
                    deals,
                    plan,
                },
            )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn export_then_import_is_the_identity(
        customers in proptest::collection::vec(full(), 1..5),
        mut orgs in proptest::collection::vec(organization(), 0..3),
        links in proptest::collection::vec((proptest::option::of(0..3usize), proptest::option::of(0..3usize)), 5),
    ) {
        orgs.sort_by_key(|o| o.id);
        orgs.dedup_by_key(|o| o.id);
        // Ids must be unique across the whole file, as in a real export.
        let mut seen = std::collections::HashSet::new();
        let mut unique: Vec<FullCustomer> = Vec::new();
        for (n, mut f) in customers.into_iter().enumerate() {
            if !seen.insert(f.customer.id.0) {
                continue;
            }
            // Some people in an organization (their company text kept as
            // it is, as an upgrade leaves it), some referred by one.
            let pick = |i: Option<usize>| i.filter(|_| !orgs.is_empty()).map(|i| &orgs[i % orgs.len()]);
            f.customer.organization = pick(links[n].0).map(|o| o.id);
            f.customer.referred_by = pick(links[n].1).map(|o| o.id);
            f.interactions.retain(|i| seen.insert(i.id.0));
            f.follow_ups.retain(|x| seen.insert(x.id.0));
            f.deals.retain(|x| seen.insert(x.id.0));
            if let Some(p) = &mut f.plan {
                for o in &mut p.objectives {
                    for st in &mut o.strategies {
                        st.tactics.retain(|x| seen.insert(x.id.0));
                    }
                }
            }
            f.deals.sort_by_key(|d| d.id);
            f.history.dedup();
            unique.push(f);
        }
        let mut customers = unique;
        customers.sort_by_key(|f| f.customer.id);
        let orgs_out: Vec<json::OrganizationOut> = orgs.iter().map(json::OrganizationOut::new).collect();
        let original = json::write_all(
            orgs_out.clone(),
            customers
                .iter()
                .map(out_of)
                .collect(),
        );
        // Written one customer at a time (what `guanxi export` does), the
        // text is the same.
        let mut streamed = Vec::new();
        let count = json::write_all_to(
            &mut streamed,
            &orgs_out,
            customers
                .iter()
                .map(|f| Ok(out_of(f))),
            &[],
        )
        .unwrap();
        assert_eq!(count, customers.len());
        assert_eq!(String::from_utf8(streamed).unwrap(), original);
        let dir = tempfile::tempdir().unwrap();
        let mut a = open(dir.path(), "a");
        import_into(&mut a, &original);
        let first = export(&a);
        prop_assert_eq!(&first, &original);
        let mut b = open(dir.path(), "b");
        import_into(&mut b, &first);
        prop_assert_eq!(export(&b), first.clone());
        // Importing the same file again changes nothing.
        import_into(&mut a, &first);
        prop_assert_eq!(export(&a), first);
    }
}

/// What `guanxi export` writes for a customer: with its deals and plan.
fn out_of(f: &FullCustomer) -> json::CustomerOut {
    let mut out = json::customer_out(&f.customer, &f.interactions, &f.follow_ups, &f.history);
    out.deals = f.deals.iter().map(json::DealOut::new).collect();
    out.plan = f.plan.as_ref().map(json::PlanOut::new);
    out
}
