//! The indexes that let a command read what it returns: they agree with a
//! full scan of the records after every kind of change, after a rebuild
//! and under other cadence rules, and the lookups built on them answer as
//! reading every customer would.

mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Days, NaiveDate, Utc};
use guanxi::domain::list_filter::ListFilter;
use guanxi::domain::{Customer, CustomerId, FollowUp, Level, Rules, Stage};
use guanxi::store::{AgendaWhat, Matcher, OpenOptions, Store};
use guanxi::workspace::Clock;
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn options(root: &std::path::Path, rules: Rules) -> OpenOptions {
    OpenOptions {
        clock: Clock::fixed(now()),
        rules,
        ..common::store::options_in(root, "Lan")
    }
}

fn log(store: &mut Store, id: CustomerId, days_ago: u64) {
    let at = now().checked_sub_days(Days::new(days_ago)).unwrap();
    store
        .log_interaction(id, common::store::call("Gọi điện", at, ""))
        .unwrap();
}

/// What the agenda holds, as (customer, due, kind), read by the index.
fn agenda(store: &Store, until: NaiveDate) -> Vec<(CustomerId, NaiveDate, bool)> {
    let mut got: Vec<_> = store
        .agenda(until)
        .unwrap()
        .into_iter()
        .map(|(i, _)| (i.customer, i.due, matches!(i.what, AgendaWhat::FollowUp(_))))
        .collect();
    got.sort();
    got
}

/// The same, by reading every customer.
fn agenda_by_scan(store: &Store, until: NaiveDate) -> Vec<(CustomerId, NaiveDate, bool)> {
    let live: BTreeSet<CustomerId> = store.customers().unwrap().iter().map(|r| r.customer.id).collect();
    let mut want: Vec<_> = store
        .customers()
        .unwrap()
        .iter()
        .filter_map(|r| store.reminder(r, until))
        .map(|i| (i.customer, i.due, false))
        .collect();
    want.extend(
        store
            .due_follow_ups(until)
            .unwrap()
            .into_iter()
            .filter(|i| live.contains(&i.customer))
            .map(|i| (i.customer, i.due, true)),
    );
    want.sort();
    want
}

#[derive(Debug, Clone)]
enum Change {
    Add { name: u8, stage: u8, cadence: Option<u16> },
    Rename { target: u8, name: u8 },
    Tag { target: u8, tag: u8 },
    Log { target: u8, days_ago: u8 },
    Stage { target: u8, forward: bool },
    FollowUp { target: u8, days: u8 },
    Done { target: u8 },
    Delete { target: u8 },
    Undo,
}

const NAMES: [&str; 6] = [
    "Nguyễn Thị Hồng Nhung",
    "Trần Văn Bình",
    "王芳",
    "Đặng Văn Lâm",
    "Lê Minh",
    "nguyen van an",
];

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        3 => (any::<u8>(), 0..7u8, proptest::option::of(1..60u16))
            .prop_map(|(name, stage, cadence)| Change::Add { name, stage, cadence }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(target, name)| Change::Rename { target, name }),
        1 => (any::<u8>(), 0..3u8).prop_map(|(target, tag)| Change::Tag { target, tag }),
        2 => (any::<u8>(), 0..120u8).prop_map(|(target, days_ago)| Change::Log { target, days_ago }),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(target, forward)| Change::Stage { target, forward }),
        1 => (any::<u8>(), 0..20u8).prop_map(|(target, days)| Change::FollowUp { target, days }),
        1 => any::<u8>().prop_map(|target| Change::Done { target }),
        1 => any::<u8>().prop_map(|target| Change::Delete { target }),
        1 => Just(Change::Undo),
    ]
}

fn pick(store: &Store, target: u8) -> Option<Customer> {
    let all = store.customers().unwrap();
    (!all.is_empty()).then(|| all[usize::from(target) % all.len()].customer.clone())
}

fn run(changes: &[Change]) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path(), Rules::default())).unwrap();
    for change in changes {
        match change.clone() {
            Change::Add { name, stage, cadence } => {
                let mut c = Customer::empty(store.new_customer_id());
                c.name = NAMES[usize::from(name) % NAMES.len()].into();
                c.stage = Stage::ALL[usize::from(stage)];
                c.cadence_days = cadence;
                c.emails = vec![format!("kh{name}@example.vn")];
                c.phones = vec![format!("+84 912 {name:03}")];
                store.add_customer(c).unwrap();
            }
            Change::Rename { target, name } => {
                if let Some(before) = pick(&store, target) {
                    let mut after = before.clone();
                    after.name = NAMES[usize::from(name) % NAMES.len()].into();
                    store.update_customer(&before, &after).unwrap();
                }
            }
            Change::Tag { target, tag } => {
                if let Some(before) = pick(&store, target) {
                    let mut after = before.clone();
                    after.tags.insert(["vip", "Hà Nội", "đối tác"][usize::from(tag)].into());
                    after.owner = ["Lan", "Wei", "lan"][usize::from(tag)].into();
                    after.level = Level::ALL[(usize::from(tag) + usize::from(target)) % Level::ALL.len()];
                    after.segment = ["Đại lý", "", " đại LÝ "][usize::from(tag)].into();
                    store.update_customer(&before, &after).unwrap();
                }
            }
            Change::Log { target, days_ago } => {
                if let Some(c) = pick(&store, target) {
                    log(&mut store, c.id, u64::from(days_ago));
                }
            }
            Change::Stage { target, forward } => {
                if let Some(c) = pick(&store, target) {
                    let to = if forward { c.stage.next() } else { c.stage.previous() };
                    if let Some(to) = to {
                        store.move_stage(&c, to).unwrap();
                    }
                }
            }
            Change::FollowUp { target, days } => {
                if let Some(c) = pick(&store, target) {
                    let due = now().date_naive().checked_add_days(Days::new(u64::from(days))).unwrap();
                    store.schedule_follow_up(c.id, "Gửi báo giá".into(), due).unwrap();
                }
            }
            Change::Done { target } => {
                if let Some(c) = pick(&store, target)
                    && let Some(f) = store.follow_ups_of(c.id).unwrap().into_iter().find(|f| f.is_open())
                {
                    store.complete_follow_up(&f).unwrap();
                }
            }
            Change::Delete { target } => {
                if let Some(c) = pick(&store, target) {
                    store.delete_customer(c.id).unwrap();
                }
            }
            Change::Undo => {
                let _ = store.undo();
            }
        }
        assert_eq!(store.index_mismatches().unwrap(), 0, "after {change:?}");
    }
    filters_agree_with_a_scan(&store);
    // Each customer's earliest open follow-up (its next contact when
    // earlier than the cadence), read from the due-date index, is what
    // its body holds.
    let by_index = store.earliest_follow_ups().unwrap();
    for rec in store.customers().unwrap() {
        let id = rec.customer.id;
        let by_body = FollowUp::earliest_open(&store.follow_ups_of(id).unwrap());
        assert_eq!(by_index.get(&id).copied(), by_body, "earliest follow-up of {id}");
    }
    let today = now().date_naive();
    for days in [0, 7, 30, 400] {
        let until = today.checked_add_days(Days::new(days)).unwrap();
        assert_eq!(
            agenda(&store, until),
            agenda_by_scan(&store, until),
            "agenda to {until}"
        );
    }
    drop(store);
    // Other cadences in the config: the agenda follows without any op.
    let mut rules = Rules::default();
    rules.cadence.build = 1;
    rules.cadence.loyalty = 400;
    let store = Store::open(options(dir.path(), rules)).unwrap();
    let until = today.checked_add_days(Days::new(3)).unwrap();
    assert_eq!(agenda(&store, until), agenda_by_scan(&store, until), "other cadences");
    drop(store);
    let rebuilt = Store::rebuild(options(dir.path(), Rules::default())).unwrap();
    assert_eq!(rebuilt.index_mismatches().unwrap(), 0, "after a rebuild");
}

/// Each filter read through an index (stage, tag, owner, level,
/// segment) keeps the customers that judging every record keeps.
fn filters_agree_with_a_scan(store: &Store) {
    let view = store.view();
    let all = store.customers().unwrap();
    let mut filters = Vec::new();
    for stage in Stage::ALL {
        filters.push(ListFilter {
            stage: Some(stage),
            ..ListFilter::default()
        });
    }
    for level in Level::ALL {
        filters.push(ListFilter {
            level: Some(level),
            ..ListFilter::default()
        });
        filters.push(ListFilter {
            level: Some(level),
            segment: ListFilter::segment_of("dai ly"),
            ..ListFilter::default()
        });
    }
    for tag in ["vip", "ha noi"] {
        filters.push(ListFilter {
            tag: Some(tag.into()),
            ..ListFilter::default()
        });
    }
    for owner in ["lan", "wei"] {
        filters.push(ListFilter {
            owner: ListFilter::owner_of(owner),
            ..ListFilter::default()
        });
    }
    filters.push(ListFilter {
        segment: ListFilter::segment_of("Đại lý"),
        ..ListFilter::default()
    });
    for filter in filters {
        let matcher = Matcher::new(filter.clone(), &view, "Lan").unwrap();
        let by_index: Vec<CustomerId> = matcher
            .customers(&view)
            .unwrap()
            .iter()
            .map(|r| r.customer.id)
            .collect();
        let by_scan: Vec<CustomerId> = all
            .iter()
            .filter(|r| matcher.keeps(&r.customer))
            .map(|r| r.customer.id)
            .collect();
        assert_eq!(by_index, by_scan, "{filter:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn indexes_agree_with_a_full_scan(changes in proptest::collection::vec(change(), 1..40)) {
        run(&changes);
    }
}

#[test]
fn references_are_found_by_word_start_phone_and_email_and_inside_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path(), Rules::default())).unwrap();
    let add = |store: &mut Store, name: &str, email: &str, phone: &str| {
        let mut c = Customer::empty(store.new_customer_id());
        c.name = name.into();
        c.emails = vec![email.into()];
        c.phones = vec![phone.into()];
        store.add_customer(c).unwrap()
    };
    let nhung = add(
        &mut store,
        "Nguyễn Thị Hồng Nhung",
        "nhung@minhphat.vn",
        "+84 912 345 678",
    );
    let binh = add(&mut store, "Trần Văn Bình", "binh.tran@example.vn", "0987 654 321");
    let fang = add(&mut store, "王芳", "wangfang@jincheng.cn", "+86 138 0013 8000");
    let chenyang = add(&mut store, "蔡晨阳", "cai@haiyun.cn", "+86 139 0000 1111");
    let found = |r: &str| store.resolve_customer(r).map(|c| c.customer.id).ok();
    assert_eq!(found("Cai Chenyang"), Some(chenyang), "pinyin as a name is written");
    assert_eq!(found("caichenyang"), Some(chenyang), "the whole name together");
    assert_eq!(found("cai chen"), Some(chenyang), "by syllable");
    assert_eq!(found("nguyen thi"), Some(nhung), "word starts, no accents");
    assert_eq!(found("NHUNG"), Some(nhung));
    assert_eq!(found("binh.tran"), Some(binh), "an email's part before @");
    assert_eq!(found("nhung@minhphat.vn"), Some(nhung), "a whole email");
    assert_eq!(found("0987654321"), Some(binh), "a phone number's digits");
    assert_eq!(found("wang"), Some(fang), "pinyin");
    assert_eq!(found("王芳"), Some(fang));
    assert_eq!(found("芳"), Some(fang), "inside a word: read the slow way");
    assert_eq!(found("uyen thi"), Some(nhung), "inside words");
    assert_eq!(found("jincheng.cn"), Some(fang), "inside an email");
    assert_eq!(found("nobody"), None);
    // Both start a word: the reference is ambiguous and changes nothing.
    add(&mut store, "Nguyễn Văn An", "an@example.vn", "0900 000 000");
    assert!(store.resolve_customer("nguyen").is_err());
    // More than are listed: the count is of them all, the list by name.
    for i in (1..=11).rev() {
        let (email, phone) = (format!("k{i}@example.vn"), format!("0911 000 0{i:02}"));
        add(&mut store, &format!("Nguyễn Khách {i:02}"), &email, &phone);
    }
    let err = store.resolve_customer("nguyen").unwrap_err().to_string();
    assert!(err.contains("matches 13 customers"), "{err}");
    assert!(err.contains("and 3 more"), "{err}");
    let listed: Vec<&str> = err.lines().skip(1).take(2).collect();
    assert!(
        listed[0].ends_with("Nguyễn Khách 01") && listed[1].ends_with("Nguyễn Khách 02"),
        "{err}"
    );
}

/// A view made before the indexes existed gets them from its records the
/// first time it opens, without replaying the journals.
#[test]
fn a_view_from_before_the_indexes_gets_them_when_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path(), Rules::default())).unwrap();
    let mut c = Customer::empty(store.new_customer_id());
    c.name = "Đặng Văn Lâm".into();
    c.stage = Stage::Loyalty;
    let lam = store.add_customer(c).unwrap();
    let view_dir = store.workspace().view_dir();
    drop(store);
    {
        let db = common::open_sled_when_free(&view_dir);
        let tree = db.open_tree("view").unwrap();
        let index: Vec<_> = tree.scan_prefix(b"I").map(|e| e.unwrap().0).collect();
        assert!(!index.is_empty(), "the view had index entries");
        for k in index {
            tree.remove(k).unwrap();
        }
        tree.remove(b"Mindexed").unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(options(dir.path(), Rules::default())).unwrap();
    assert!(!store.recovery().rebuilt_view, "made from the records, not a rebuild");
    assert_eq!(store.index_mismatches().unwrap(), 0);
    assert_eq!(store.resolve_customer("dang van").unwrap().customer.id, lam);
}

/// Bulk loads leave the indexes for the end and make them once: sample
/// data, a large import into an empty workspace, and a bulk load killed
/// before the end (the next open makes them from the records).
#[test]
fn bulk_loads_make_the_indexes_once_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path(), Rules::default())).unwrap();
    let spec = guanxi::demo::DemoSpec {
        customers: 300,
        interactions: 1500,
        seed: 3,
    };
    guanxi::demo::generate(&mut store, &spec, |_| {}).unwrap();
    assert_eq!(store.index_mismatches().unwrap(), 0, "after sample data");
    let someone = store.customers().unwrap().remove(0).customer;
    assert_eq!(store.resolve_customer(&someone.name).unwrap().customer.id, someone.id);

    let other = tempfile::tempdir().unwrap();
    let mut empty = Store::open(options(other.path(), Rules::default())).unwrap();
    let mut csv = String::from("Name,Email\n");
    for i in 0..2500 {
        csv.push_str(&format!("Trần Thị Mai {i},mai{i}@example.vn\n"));
    }
    let read = guanxi::interop::import::read(csv.as_bytes(), None, &[]).unwrap();
    let mut plan = guanxi::interop::import::plan(&mut empty, read.records, 0).unwrap();
    guanxi::interop::import::apply(&mut empty, &mut plan, None, |_, _| true).unwrap();
    assert_eq!(
        empty.index_mismatches().unwrap(),
        0,
        "after an import into an empty workspace"
    );
    let found = empty.resolve_customer("mai2499@example.vn").unwrap();
    assert_eq!(found.customer.name, "Trần Thị Mai 2499");

    let killed = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(killed.path(), Rules::default())).unwrap();
    store.defer_indexes().unwrap();
    let mut c = Customer::empty(store.new_customer_id());
    c.name = "Lý Tiểu Long".into();
    let id = c.id;
    store
        .commit_bulk(vec![(
            vec![guanxi::store::Edit::CreateCustomer {
                id,
                fields: c.to_fields(),
            }],
            None,
        )])
        .unwrap();
    drop(store);
    let store = Store::open(options(killed.path(), Rules::default())).unwrap();
    assert_eq!(
        store.index_mismatches().unwrap(),
        0,
        "after a bulk load killed before the end"
    );
    assert_eq!(store.resolve_customer("ly tieu").unwrap().customer.id, id);
}

/// While a bulk load defers the indexes, a change to a record held before
/// it (and to one the load itself made) reaches that record, never a
/// blank one, and the indexes made at the end agree with the records.
#[test]
fn a_bulk_load_changes_the_records_held_before_and_those_it_made() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path(), Rules::default())).unwrap();
    let mut held = Customer::empty(store.new_customer_id());
    held.name = "Nguyễn Thị Hoa".into();
    held.notes = "Thích trà sen".into();
    let held_id = store.add_customer(held).unwrap();
    store.defer_indexes().unwrap();
    let mut made = Customer::empty(store.new_customer_id());
    made.name = "张伟".into();
    made.segment = "VIP".into();
    let made_id = made.id;
    let edit = |id, field| guanxi::store::Edit::UpdateCustomer {
        id,
        fields: vec![field],
    };
    store
        .commit_bulk(vec![(
            vec![guanxi::store::Edit::CreateCustomer {
                id: made_id,
                fields: made.to_fields(),
            }],
            None,
        )])
        .unwrap();
    store
        .commit_bulk(vec![
            (
                vec![edit(held_id, guanxi::domain::CustomerField::Title("Giám đốc".into()))],
                None,
            ),
            (
                vec![edit(made_id, guanxi::domain::CustomerField::Title("经理".into()))],
                None,
            ),
        ])
        .unwrap();
    store.make_indexes().unwrap();
    let held = store.customer(held_id).unwrap().unwrap().customer;
    assert_eq!(
        (held.name.as_str(), held.notes.as_str(), held.title.as_str()),
        ("Nguyễn Thị Hoa", "Thích trà sen", "Giám đốc")
    );
    let made = store.customer(made_id).unwrap().unwrap().customer;
    assert_eq!(
        (made.name.as_str(), made.segment.as_str(), made.title.as_str()),
        ("张伟", "VIP", "经理")
    );
    assert_eq!(store.index_mismatches().unwrap(), 0);
}

/// Words names are made of: Vietnamese with their accents, and Chinese,
/// which the index also keeps in pinyin.
const NAME_WORDS: &[&str] = &[
    "Nguyễn", "Ngô", "Văn", "Vân", "Anh", "Ánh", "Bảo", "Thị", "Lan", "Lâm", "王", "芳", "李", "Wang",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A name lookup by the index finds the customers a scan of their
    /// names finds: those with a word starting with each word typed,
    /// whichever order the words are read in.
    #[test]
    fn a_name_lookup_finds_what_a_scan_of_the_names_finds(
        names in proptest::collection::vec(proptest::collection::vec(0..NAME_WORDS.len(), 1..4), 1..30),
        queries in proptest::collection::vec(proptest::collection::vec((0..NAME_WORDS.len(), 1..7usize), 1..4), 1..8),
    ) {
        use guanxi::domain::text::{fold, searchable};
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(options(dir.path(), Rules::default())).unwrap();
        let mut people = Vec::new();
        for words in &names {
            let name: Vec<&str> = words.iter().map(|&w| NAME_WORDS[w]).collect();
            let mut c = Customer::empty(store.new_customer_id());
            c.name = name.join(" ");
            people.push((c.id, searchable(&c.name)));
            store.add_customer(c).unwrap();
        }
        for query in &queries {
            let typed: Vec<String> = query
                .iter()
                .map(|&(w, len)| searchable(NAME_WORDS[w]).chars().take(len).collect())
                .collect();
            let folded = fold(&typed.join(" "));
            let by_index = store.named(&folded).unwrap();
            let by_scan: BTreeSet<CustomerId> = people
                .iter()
                .filter(|(_, words)| {
                    folded.split_whitespace().all(|q| words.split_whitespace().any(|w| w.starts_with(q)))
                })
                .map(|(id, _)| *id)
                .collect();
            prop_assert_eq!(by_index, by_scan, "{}", folded);
        }
    }
}
