//! Health over time: every factor score is kept with the date of the op
//! that set it, so a customer's health can be read as it was on any day;
//! a view made before the history existed is made again from the
//! journals and gains it; undo and merges add to it, never take away.

mod common;

use chrono::{DateTime, Utc};
use guanxi::domain::factors::{health_at, health_series};
use guanxi::domain::{Customer, CustomerField, CustomerId, Factor, FactorScore, Rules};
use guanxi::store::{Edit, OpenOptions, Store};
use guanxi::workspace::Clock;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn at(days_ago: i64) -> DateTime<Utc> {
    now() - chrono::Duration::days(days_ago)
}

fn options(root: &std::path::Path, today: DateTime<Utc>) -> OpenOptions {
    OpenOptions {
        clock: Clock::fixed(today),
        rules: Rules::default(),
        ..common::store::options_in(root, "Lan")
    }
}

/// A customer created 200 days ago with trust 4, then scored again as
/// days went by: trust 2 and value 3 sixty days ago, value cleared ten
/// days ago. The store is left open today.
fn scored(root: &std::path::Path, name: &str) -> (Store, CustomerId) {
    let mut store = Store::open(options(root, at(200))).unwrap();
    let mut c = Customer::empty(store.new_customer_id());
    c.name = name.into();
    c.factors.set(Factor::Trust, Some(4));
    let id = store.add_customer(c).unwrap();
    drop(store);
    let update = |days: i64, fields| {
        let mut store = Store::open(options(root, at(days))).unwrap();
        store.commit(vec![Edit::UpdateCustomer { id, fields }]).unwrap();
    };
    update(
        60,
        vec![
            CustomerField::Factor(Factor::Trust, Some(2)),
            CustomerField::Factor(Factor::Value, Some(3)),
        ],
    );
    update(10, vec![CustomerField::Factor(Factor::Value, None)]);
    (Store::open(options(root, now())).unwrap(), id)
}

fn expected() -> Vec<FactorScore> {
    let s = |days: i64, factor, score| FactorScore {
        at: at(days).timestamp_millis(),
        factor,
        score,
    };
    vec![
        s(200, Factor::Trust, Some(4)),
        s(60, Factor::Trust, Some(2)),
        s(60, Factor::Value, Some(3)),
        s(10, Factor::Value, None),
    ]
}

#[test]
fn every_score_is_kept_with_its_date_and_health_reads_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, id) = scored(dir.path(), "Đặng Thái Sơn");
    let scores = store.factor_scores(id).unwrap();
    assert_eq!(scores, expected(), "the creation's empty scores left out");
    assert_eq!(store.timeline(id).unwrap().scores, scores);
    let ms = |days| at(days).timestamp_millis();
    // Trust 4 = 80; trust 2 and value 3 = 50; trust 2 alone = 40.
    assert_eq!(health_series(&scores), vec![(ms(200), 80), (ms(60), 50), (ms(10), 40)]);
    assert_eq!(health_at(&scores, ms(300)), None);
    assert_eq!(health_at(&scores, ms(100)), Some(80));
    // A later change is added; undoing it is one more change, so the
    // history keeps both and still ends at the factors.
    let before = store.customer(id).unwrap().unwrap().customer;
    let mut after = before.clone();
    after.factors.set(Factor::SocialBond, Some(5));
    store.update_customer(&before, &after).unwrap();
    store.undo().unwrap();
    let scores = store.factor_scores(id).unwrap();
    assert_eq!(scores.len(), 6);
    assert_eq!(scores[4].score, Some(5));
    assert_eq!(scores[5].score, None);
    assert_eq!(health_at(&scores, i64::MAX), before.factors.health());
}

/// A view in format 5 (before factor history) is made again from the
/// journals: its customers gain their whole history.
#[test]
fn an_older_view_gains_the_history_from_the_journals() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = scored(dir.path(), "Trịnh Công Sơn");
    let view = store.workspace().view_dir();
    drop(store);
    {
        let db = common::open_sled_when_free(&view);
        let tree = db.open_tree("view").unwrap();
        tree.insert(b"Mformat", &[5]).unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(options(dir.path(), now())).unwrap();
    assert!(store.recovery().rebuilt_view, "made again");
    assert_eq!(store.factor_scores(id).unwrap(), expected());
}

/// Merging duplicates keeps the kept customer's own history (two
/// people's scores interleaved would read as nonsense) and adds the scores
/// the merge gave it, dated the merge.
#[test]
fn a_merge_adds_the_scores_it_fills_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, keep) = scored(dir.path(), "Lê Văn Tám");
    let other = store.new_customer_id();
    let mut c = Customer::empty(other);
    c.name = "Lê Văn Tám".into();
    c.factors.set(Factor::Communication, Some(5));
    store.add_customer(c).unwrap();
    store.merge_customers(keep, &[other]).unwrap();
    let scores = store.factor_scores(keep).unwrap();
    assert_eq!(&scores[..4], &expected()[..]);
    let merged = store.customer(keep).unwrap().unwrap().customer;
    assert_eq!(health_at(&scores, i64::MAX), merged.factors.health());
    assert!(
        scores[4..]
            .iter()
            .all(|s| s.at == now().timestamp_millis() && s.factor != Factor::Trust),
        "{scores:?}"
    );
}

/// Sample data and imports create customers long after they were first
/// scored: the scores a creation carries are dated by the customer's own
/// creation date, not by the op's clock (which never goes back).
#[test]
fn a_creation_dates_its_scores_by_the_customer_created_date() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options(dir.path(), now())).unwrap();
    let mut c = Customer::empty(store.new_customer_id());
    c.name = "王小明".into();
    c.created_at = at(500).timestamp_millis();
    c.factors.set(Factor::Satisfaction, Some(3));
    store
        .commit_bulk(vec![(
            vec![Edit::CreateCustomer {
                id: c.id,
                fields: c.to_fields(),
            }],
            Some(at(500).timestamp_millis()),
        )])
        .unwrap();
    assert_eq!(
        store.factor_scores(c.id).unwrap(),
        vec![FactorScore {
            at: at(500).timestamp_millis(),
            factor: Factor::Satisfaction,
            score: Some(3),
        }]
    );
}
