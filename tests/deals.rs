//! Deals: adding them with a probability from the customer's stage (or
//! the config, or the command line), the weighted forecast, winning one
//! (which logs its purchase, so revenue follows) and losing one (which
//! needs a reason); a merge of duplicates takes the deals along.

mod common;

use std::fs;

use common::Sandbox;
use common::store::{add, options_in};
use guanxi::domain::{DealStatus, Money};
use guanxi::store::{NewDeal, Store};

fn deals(s: &Sandbox, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["deal", "list", "--json"];
    all.extend_from_slice(args);
    match s.json(&all) {
        serde_json::Value::Array(items) => items,
        other => panic!("not an array: {other}"),
    }
}

#[test]
fn the_probability_defaults_to_the_stage_and_the_config_can_change_it() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lan Anh", "--stage", "build"]);
    s.ok(&["add", "--name", "Wei Zhang", "--stage", "loyalty"]);
    let renewal = s.ok(&["deal", "add", "Lan", "--title", "Gia hạn", "--amount", "1.500.000"]);
    assert_eq!(renewal.trim().len(), 16, "prints the id: {renewal}");
    s.ok(&[
        "deal",
        "add",
        "Wei",
        "--title",
        "扩容",
        "--amount",
        "1000",
        "--probability",
        "25",
    ]);
    let config = s.home().join(".config/guanxi/config.toml");
    fs::create_dir_all(config.parent().unwrap()).unwrap();
    fs::write(&config, "[deal_probability]\nloyalty = 95\n").unwrap();
    s.ok(&[
        "deal",
        "add",
        "Wei",
        "--title",
        "Service",
        "--amount",
        "200",
        "--close",
        "2020-01-31",
    ]);
    let list = deals(&s, &[]);
    let by_title = |t: &str| {
        list.iter()
            .find(|d| d["title"] == t)
            .unwrap_or_else(|| panic!("{t}: {list:?}"))
    };
    let lan = by_title("Gia hạn");
    assert_eq!(lan["probability"], 30, "build's default");
    assert_eq!(lan["amount"], 1_500_000.0);
    assert_eq!(lan["weighted"], 450_000.0);
    assert_eq!(lan["customer_name"], "Lan Anh");
    assert_eq!(lan["status"], "open");
    assert_eq!(lan["owner"], "An");
    assert_eq!(lan["close"], serde_json::Value::Null);
    assert_eq!(lan["id"], renewal.trim());
    assert_eq!(by_title("扩容")["probability"], 25, "as given");
    let service = by_title("Service");
    assert_eq!(service["probability"], 95, "loyalty as the config says");
    assert_eq!(service["close"], "2020-01-31");
    assert_eq!(service["weighted"], 190.0);
    for key in [
        "id",
        "customer",
        "customer_name",
        "title",
        "amount",
        "probability",
        "weighted",
        "close",
        "status",
        "reason",
        "owner",
    ] {
        assert!(service.get(key).is_some(), "{key} missing: {service}");
    }
    let table = s.ok(&["deal", "list"]);
    assert!(
        table.contains("! 2020-01-31"),
        "open past its close is marked:\n{table}"
    );
    let total = table.lines().last().unwrap();
    assert!(
        total.contains("1,501,200") && total.contains("450,440"),
        "totals:\n{table}"
    );
}

#[test]
fn winning_logs_the_purchase_and_losing_needs_a_reason() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lan Anh", "--stage", "develop"]);
    let won = s.ok(&["deal", "add", "Lan", "--title", "Renewal", "--amount", "500"]);
    let lost = s.ok(&["deal", "add", "Lan", "--title", "Upsell", "--amount", "300"]);
    s.ok(&["deal", "won", &won.trim()[..6], "--at", "2026-01-15"]);
    let shown = s.json(&["show", "Lan", "--json"]);
    assert_eq!(shown["revenue"], 500.0, "{shown}");
    let purchase = &shown["interactions"][0];
    assert_eq!(purchase["amount"], 500.0, "{shown}");
    assert_eq!(purchase["channel"], "purchase");
    assert!(purchase["at"].as_str().unwrap().starts_with("2026-01-15"), "{purchase}");
    let err = s.rejected(&["deal", "lost", lost.trim()]);
    assert!(err.contains("reason"), "{err}");
    s.rejected(&["deal", "lost", lost.trim(), "--reason", "  "]);
    s.ok(&["deal", "lost", lost.trim(), "--reason", "price"]);
    assert!(deals(&s, &[]).is_empty(), "no open deals left");
    let closed = deals(&s, &["--status", "lost"]);
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["reason"], "price");
    let table = s.ok(&["deal", "list", "--status", "lost"]);
    assert!(
        table.lines().any(|l| l.contains("Upsell") && l.contains("price")),
        "the reason beside a lost deal: {table}"
    );
    assert_eq!(closed[0]["weighted"], 0.0);
    assert_eq!(deals(&s, &["--status", "won"])[0]["weighted"], 500.0);
    s.rejected(&["deal", "list", "--status", "pending"]);
    let err = s.rejected(&["deal", "lost", won.trim(), "--reason", "changed mind"]);
    assert!(err.contains("won"), "a won deal is not lost afterwards: {err}");
    s.rejected(&["deal", "won", "zzzz"]);
    s.rejected(&[
        "deal",
        "add",
        "Lan",
        "--title",
        "X",
        "--amount",
        "1",
        "--probability",
        "101",
    ]);
    s.rejected(&["deal", "add", "Lan", "--title", " ", "--amount", "1"]);
    s.rejected(&["deal", "add", "Lan", "--title", "X", "--amount", "lots"]);
    s.rejected(&["deal", "add", "Nobody", "--title", "X", "--amount", "1"]);
    s.rejected(&[
        "deal", "add", "Lan", "--title", "X", "--amount", "1", "--close", "someday",
    ]);
}

#[test]
fn one_undo_takes_back_the_win_and_its_purchase() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options_in(dir.path(), "Lan")).unwrap();
    add(&mut store, "Wei Zhang");
    let c = store.customers().unwrap()[0].customer.clone();
    let id = store
        .add_deal(NewDeal {
            customer: c.id,
            title: "扩容".into(),
            amount: Money::from_units(800),
            close: None,
            probability: None,
        })
        .unwrap();
    let deal = store.resolve_deal(&id.to_string()[..5]).unwrap();
    assert_eq!(deal.probability, 10, "attract's default");
    assert_eq!(deal.weighted(), Money::from_units(80));
    let purchase = store.win_deal(&deal, chrono::Utc::now()).unwrap();
    assert!(purchase.is_some());
    let rec = store.customer(c.id).unwrap().unwrap();
    assert_eq!(rec.customer.activity.revenue, Money::from_units(800));
    assert_eq!(store.deals_of(c.id).unwrap()[0].status, DealStatus::Won);
    let won = store.resolve_deal(&id.to_string()).unwrap();
    assert_eq!(store.win_deal(&won, chrono::Utc::now()).unwrap(), None, "won once");
    store.undo().unwrap();
    let rec = store.customer(c.id).unwrap().unwrap();
    assert_eq!(rec.customer.activity.revenue, Money::ZERO);
    assert!(store.interactions_of(c.id).unwrap().is_empty());
    assert_eq!(store.deals_of(c.id).unwrap()[0].status, DealStatus::Open);
}

#[test]
fn merging_duplicates_takes_their_deals_along() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options_in(dir.path(), "Lan")).unwrap();
    add(&mut store, "Wei Zhang");
    add(&mut store, "Zhang Wei");
    let all: Vec<_> = store.customers().unwrap().into_iter().map(|r| r.customer.id).collect();
    let (keep, other) = (all[0], all[1]);
    store
        .add_deal(NewDeal {
            customer: other,
            title: "Service".into(),
            amount: Money::from_units(100),
            close: None,
            probability: Some(50),
        })
        .unwrap();
    assert!(store.merge_customers(keep, &[other]).unwrap());
    assert_eq!(store.deals_of(keep).unwrap().len(), 1);
    assert!(store.deals_of(other).unwrap().is_empty());
    store.undo().unwrap();
    assert_eq!(store.deals_of(other).unwrap().len(), 1, "undo brings it back");
}

#[test]
fn a_json_export_carries_the_deals_and_an_old_one_still_imports() {
    let a = Sandbox::new();
    a.ok(&["add", "--name", "Lan Anh", "--stage", "maintain"]);
    let open = a.ok(&[
        "deal",
        "add",
        "Lan",
        "--title",
        "Gia hạn",
        "--amount",
        "1200.50",
        "--close",
        "2027-03-01",
    ]);
    let won = a.ok(&[
        "deal",
        "add",
        "Lan",
        "--title",
        "Won one",
        "--amount",
        "10",
        "--probability",
        "5",
    ]);
    let lost = a.ok(&["deal", "add", "Lan", "--title", "Lost one", "--amount", "20"]);
    a.ok(&["deal", "won", won.trim()]);
    a.ok(&["deal", "lost", lost.trim(), "--reason", "ngân sách"]);
    let file = a.dir.path().join("export.json");
    a.ok(&["export", "--format", "json", "-o", file.to_str().unwrap()]);
    let b = Sandbox::for_user("Wei");
    b.ok(&["import", file.to_str().unwrap()]);
    for status in ["open", "won", "lost"] {
        assert_eq!(
            deals(&b, &["--status", status]),
            deals(&a, &["--status", status]),
            "{status} deals after export and import"
        );
    }
    assert_eq!(deals(&b, &[])[0]["id"], open.trim());
    // Importing it again adds nothing.
    b.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(deals(&b, &[]).len(), 1);
    // An export from before deals has no `deals` field: it imports.
    let text = fs::read_to_string(&file).unwrap();
    let mut old: serde_json::Value = serde_json::from_str(&text).unwrap();
    for c in old["customers"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("deals");
    }
    let old_file = a.dir.path().join("old.json");
    fs::write(&old_file, old.to_string()).unwrap();
    let c = Sandbox::new();
    c.ok(&["import", old_file.to_str().unwrap()]);
    assert_eq!(c.json(&["list", "--json"]).as_array().unwrap().len(), 1);
    assert!(deals(&c, &[]).is_empty());
}

#[test]
fn show_lists_the_deals_in_plain_text_and_json() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lan Anh", "--stage", "build"]);
    s.ok(&["add", "--name", "Wei Zhang"]);
    let late = s.ok(&[
        "deal",
        "add",
        "Lan",
        "--title",
        "Gia hạn \u{202e}năm",
        "--amount",
        "1.500.000",
        "--close",
        "2020-01-31",
    ]);
    let lost = s.ok(&["deal", "add", "Lan", "--title", "Upsell", "--amount", "300"]);
    s.ok(&["deal", "lost", lost.trim(), "--reason", "giá cao"]);
    s.ok(&["deal", "add", "Wei", "--title", "Not Lan's", "--amount", "7"]);
    let text = s.ok(&["show", "Lan"]);
    let row = text
        .lines()
        .find(|l| l.contains(&late.trim()[..8]))
        .unwrap_or_else(|| panic!("the late deal is listed: {text}"));
    assert!(row.contains("! 2020-01-31"), "marked late: {row}");
    assert!(row.contains("30%"), "{row}");
    assert!(row.contains("Gia hạn \\u{202E}năm"), "the title escaped: {row}");
    assert!(
        text.lines().any(|l| l.contains("Upsell") && l.contains("giá cao")),
        "a lost deal with its reason: {text}"
    );
    assert!(!text.contains("Not Lan's"), "only Lan's deals: {text}");
    let shown = s.json(&["show", "Lan", "--json"]);
    let deals = shown["deals"].as_array().unwrap_or_else(|| panic!("{shown}"));
    assert_eq!(deals.len(), 2, "{shown}");
    assert_eq!(deals[0]["id"], late.trim(), "open first");
    assert_eq!(deals[0]["customer_name"], "Lan Anh");
    assert_eq!(deals[1]["status"], "lost");
    assert!(s.ok(&["show", "Wei"]).contains("Not Lan's"));
    s.ok(&["deal", "lost", late.trim(), "--reason", "budget"]);
    let text = s.ok(&["show", "Lan"]);
    assert!(text.contains("\nDeals\n"), "no open amounts when none is open: {text}");
}

/// A customer's deals are read through links kept beside the deal
/// records; a view from before the links makes them from the records
/// when it opens.
#[test]
fn deals_are_found_through_links_and_an_older_view_gets_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options_in(dir.path(), "Lan")).unwrap();
    add(&mut store, "Wei Zhang");
    add(&mut store, "Lan Anh");
    let all: Vec<_> = store.customers().unwrap().into_iter().map(|r| r.customer.id).collect();
    let new = |customer, title: &str| NewDeal {
        customer,
        title: title.into(),
        amount: Money::from_units(100),
        close: None,
        probability: Some(50),
    };
    let a = store.add_deal(new(all[0], "A")).unwrap();
    let b = store.add_deal(new(all[1], "B")).unwrap();
    store.add_deal(new(all[1], "C")).unwrap();
    let deal_b = store.resolve_deal(&b.to_string()).unwrap();
    store.win_deal(&deal_b, chrono::Utc::now()).unwrap();
    let ids = |ds: Vec<guanxi::domain::Deal>| ds.into_iter().map(|d| d.title).collect::<Vec<_>>();
    let check = |store: &Store| {
        let mut open = ids(store.deals_with_status(DealStatus::Open).unwrap());
        open.sort();
        assert_eq!(open, ["A", "C"]);
        assert_eq!(ids(store.deals_with_status(DealStatus::Won).unwrap()), ["B"]);
        assert!(store.deals_with_status(DealStatus::Lost).unwrap().is_empty());
        assert_eq!(ids(store.deals_of(all[0]).unwrap()), ["A"]);
        assert_eq!(ids(store.deals_of(all[1]).unwrap()), ["C", "B"], "open first");
        assert_eq!(store.index_mismatches().unwrap(), 0);
    };
    check(&store);
    let deal_a = store.resolve_deal(&a.to_string()).unwrap();
    store.lose_deal(&deal_a, "no".into()).unwrap();
    assert_eq!(ids(store.deals_with_status(DealStatus::Lost).unwrap()), ["A"]);
    store.undo().unwrap();
    check(&store);
    let view_dir = store.workspace().view_dir();
    let wanted: Vec<Vec<u8>> = store
        .deals()
        .unwrap()
        .iter()
        .map(|d| guanxi::store::keys::deal_of_customer(d.customer, d.id))
        .collect();
    assert_eq!(wanted.len(), 3);
    drop(store);
    {
        let db = common::open_sled_when_free(&view_dir);
        let tree = db.open_tree("view").unwrap();
        // The links are kept many to a sled entry (store/bundles.rs).
        let links: Vec<_> = tree.scan_prefix(b"K").map(|e| e.unwrap()).collect();
        let held: Vec<u8> = links.iter().flat_map(|(_, v)| v.to_vec()).collect();
        for link in &wanted {
            assert!(
                held.windows(link.len()).any(|w| w == link.as_slice()),
                "a link from its customer per deal"
            );
        }
        for (k, _) in links {
            tree.remove(k).unwrap();
        }
        tree.remove(b"Mindexed").unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(options_in(dir.path(), "Lan")).unwrap();
    assert!(!store.recovery().rebuilt_view, "made from the records, not a rebuild");
    check(&store);
}

/// A view from before deals remembered every customer they were named
/// with (format 6) is made again from the journals, so `doctor` finds it
/// agreeing with a replay instead of missing those records.
#[test]
fn a_view_from_before_the_deals_names_is_made_again_and_agrees_with_a_replay() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(options_in(dir.path(), "Lan")).unwrap();
    add(&mut store, "Lê Văn Tám");
    let id = store.customers().unwrap()[0].customer.id;
    let new = NewDeal {
        customer: id,
        title: "Kho lạnh".into(),
        amount: Money::from_units(1000),
        close: None,
        probability: None,
    };
    store.add_deal(new).unwrap();
    let view_dir = store.workspace().view_dir();
    drop(store);
    {
        let db = common::open_sled_when_free(&view_dir);
        let tree = db.open_tree("view").unwrap();
        let named: Vec<_> = tree.scan_prefix(b"W").map(|e| e.unwrap().0).collect();
        assert_eq!(named.len(), 1, "the deal's customer is remembered");
        for k in named {
            tree.remove(k).unwrap();
        }
        tree.insert(b"Mformat", &[6]).unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(options_in(dir.path(), "Lan")).unwrap();
    assert!(store.recovery().rebuilt_view, "made again from the journals");
    let report = store.doctor().unwrap();
    assert!(report.healthy(), "{:?}", report.problems);
}
