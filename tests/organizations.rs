//! Organizations: people belong to one (`--company` links to the one of
//! that name or makes it), partners refer customers, `org` shows what each
//! brought; a workspace from before organizations gets them on its first
//! write, the same on every replica.

mod common;

use std::path::Path;

use common::Sandbox;
use common::store::{copy_dir, options_in};
use guanxi::domain::{Customer, CustomerField, CustomerId};
use guanxi::store::{Edit, Op, Origin, Store, codec};
use guanxi::sync::journal::{JournalWriter, replica_dir};
use guanxi::sync::{Hlc, ReplicaId, Stamp, frame};

fn orgs(s: &Sandbox) -> Vec<serde_json::Value> {
    match s.json(&["org", "list", "--json"]) {
        serde_json::Value::Array(items) => items,
        other => panic!("not an array: {other}"),
    }
}

#[test]
fn a_company_links_people_to_one_organization_and_a_partner_shows_what_it_referred() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lan Anh", "--company", "Công ty Phú Thịnh"]);
    s.ok(&["add", "--name", "Minh Tuấn", "--company", "  cong ty PHU THINH "]);
    s.ok(&["add", "--name", "Wei Zhang"]);
    let partner = s.ok(&["org", "add", "Sao Mai Partners", "--kind", "đối tác", "--tag", "south"]);
    assert_eq!(partner.trim().len(), 16, "prints the id: {partner}");
    s.ok(&["edit", "Wei", "--set", "referred_by=sao mai"]);
    s.ok(&[
        "log",
        "Wei",
        "--channel",
        "purchase",
        "--summary",
        "first order",
        "--amount",
        "1000",
    ]);
    let list = orgs(&s);
    assert_eq!(list.len(), 2, "{list:?}");
    let phu = &list[0];
    assert_eq!(phu["name"], "Công ty Phú Thịnh", "the first spelling names it");
    assert_eq!(phu["kind"], "customer");
    assert_eq!(phu["people"], 2);
    // Both people show the organization's name as their company.
    let people = s.json(&["list", "--json"]);
    let minh = people
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Minh Tuấn")
        .unwrap();
    assert_eq!(minh["company"], "Công ty Phú Thịnh");

    let shown = s.json(&["org", "show", "phu thinh", "--json"]);
    assert_eq!(shown["id"], phu["id"]);
    let names: Vec<&str> = shown["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Lan Anh", "Minh Tuấn"]);
    assert_eq!(shown["people"][0]["stage"], "attract");
    for key in ["revenue", "clv", "referred", "referred_revenue"] {
        assert!(shown.get(key).is_some(), "{key} in {shown}");
    }
    let sao = s.json(&["org", "show", partner.trim(), "--json"]);
    assert_eq!(sao["kind"], "partner");
    assert_eq!(sao["tags"], serde_json::json!(["south"]));
    assert_eq!(sao["referred"][0]["name"], "Wei Zhang");
    assert_eq!(sao["referred_revenue"], 1000.0);
    let text = s.ok(&["--lang", "vi", "org", "show", "sao"]);
    assert!(
        text.contains("Đối tác") && text.contains("Wei Zhang") && text.contains("Kế hoạch"),
        "{text}"
    );

    // A new name is the company every person shows.
    s.ok(&[
        "org",
        "edit",
        "phu",
        "--set",
        "name=Phú Thịnh Group",
        "--set",
        "industry=logistics",
    ]);
    let people = s.json(&["list", "--json", "--query", "Lan"]);
    assert_eq!(people[0]["company"], "Phú Thịnh Group");
    // Unlinking keeps the text; the organization loses the person.
    s.ok(&["edit", "Minh", "--set", "organization="]);
    let shown = s.json(&["org", "show", "group", "--json"]);
    assert_eq!(shown["people"].as_array().unwrap().len(), 1);
    assert_eq!(shown["industry"], "logistics");
    // And linking by reference names the organization's company.
    s.ok(&["edit", "Wei", "--set", "organization=Sao Mai"]);
    let wei = s.json(&["show", "Wei", "--json"]);
    assert_eq!(wei["company"], "Sao Mai Partners");
    assert_eq!(wei["organization"], partner.trim());
    assert_eq!(wei["referred_by"], partner.trim());
    assert_eq!(
        s.json(&["show", "Minh", "--json"])["organization"],
        serde_json::Value::Null
    );
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let s = Sandbox::new();
    s.ok(&["org", "add", "Acme Trading"]);
    s.ok(&["org", "add", "Acme Logistics"]);
    let before = orgs(&s);
    for args in [
        &["org", "add", "  "][..],
        &["org", "add", "ACME trading"],
        &["org", "add", "Other", "--kind", "friend"],
        &["org", "show", "nobody"],
        &["org", "edit", "acme trading", "--set", "colour=red"],
        &["org", "edit", "acme trading", "--set", "kind=friend"],
        &["org", "edit", "acme trading", "--set", "name=acme logistics"],
        &["org", "edit", "acme trading", "--set", "nameless"],
        &["org", "list", "--kind", "friend"],
    ] {
        s.rejected(args);
    }
    let ambiguous = s.rejected(&["org", "show", "acme"]);
    assert!(
        ambiguous.contains("2") && ambiguous.contains("Acme Trading") && ambiguous.contains("Acme Logistics"),
        "{ambiguous}"
    );
    s.ok(&["add", "--name", "Lan"]);
    s.rejected(&["edit", "Lan", "--set", "referred_by=nobody"]);
    assert_eq!(orgs(&s), before);
}

/// Writes, as a guanxi from before organizations would have, customers
/// with a company and no organization into the journal of replica 0xold.
fn old_journal(workspace: &Path, people: &[(&str, &str)]) {
    let replica = ReplicaId(0x01d);
    let mut hlc = Hlc::starting_after(0);
    let mut frames = Vec::new();
    for (n, (name, company)) in people.iter().enumerate() {
        let mut c = Customer::empty(CustomerId(0x1000 + n as u64));
        c.name = name.to_string();
        c.company = company.to_string();
        let fields: Vec<CustomerField> = c
            .to_fields()
            .into_iter()
            .filter(|f| !matches!(f, CustomerField::Organization(_) | CustomerField::ReferredBy(_)))
            .collect();
        let op = Op {
            stamp: Stamp::new(hlc.tick(1_700_000_000_000), replica),
            seq: n as u64 + 1,
            author: "old".into(),
            origin: Origin::Direct,
            edits: vec![Edit::CreateCustomer { id: c.id, fields }],
            inverse: vec![],
        };
        frame::encode(&codec::encode(&op).unwrap(), &mut frames);
    }
    let mut w = JournalWriter::open(&replica_dir(workspace, replica), replica, 1, 0).unwrap();
    w.append(&frames).unwrap();
}

const OLD: [(&str, &str); 4] = [
    ("Lan Anh", "Công ty Phú Thịnh"),
    ("Minh", "cong ty phu thinh"),
    ("Wei", "华为"),
    ("Solo", ""),
];

#[test]
fn an_older_workspace_gets_its_organizations_on_the_first_write_not_before() {
    let s = Sandbox::new();
    s.ok(&["init", s.workspace().to_str().unwrap()]);
    old_journal(&s.workspace(), &OLD);
    // Reading writes nothing: no organizations yet, and no journal of ours.
    assert!(orgs(&s).is_empty());
    let ours = || {
        std::fs::read_dir(s.workspace())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_dir())
            .count()
    };
    let folders = ours();
    s.ok(&["list"]);
    assert_eq!(ours(), folders, "a read made no journal");
    // The first write brings them.
    s.ok(&["add", "--name", "New one"]);
    let list = orgs(&s);
    let names: Vec<&str> = list.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Công ty Phú Thịnh", "华为"], "{list:?}");
    assert_eq!(list[0]["people"], 2);
    // Nothing lost: the text stays as it was typed.
    let minh = s.json(&["show", "Minh", "--json"]);
    assert_eq!(minh["company"], "cong ty phu thinh");
    // Once per view, and someone unlinked on purpose stays unlinked after
    // the view is made again.
    s.ok(&["edit", "Minh", "--set", "organization="]);
    s.ok(&["rebuild"]);
    s.ok(&["add", "--name", "Another"]);
    assert_eq!(orgs(&s)[0]["people"], 1);
}

#[test]
fn two_replicas_making_the_same_organizations_at_once_converge() {
    let root = tempfile::tempdir().unwrap();
    let a_root = root.path().join("a");
    let b_root = root.path().join("b");
    {
        let store = Store::open(options_in(&a_root, "an")).unwrap();
        drop(store);
    }
    old_journal(&a_root.join("ws"), &OLD);
    copy_dir(&a_root.join("ws"), &b_root.join("ws"));
    let mut a = Store::open(options_in(&a_root, "an")).unwrap();
    let mut b = Store::open(options_in(&b_root, "bình")).unwrap();
    assert!(a.organizations().unwrap().is_empty());
    assert_eq!(a.make_organizations().unwrap(), 3);
    assert_eq!(b.make_organizations().unwrap(), 3);
    // Each also types a company of the same new name.
    for store in [&mut a, &mut b] {
        let mut c = Customer::empty(store.new_customer_id());
        c.name = format!("by {}", store.author());
        c.company = "Sao Mai".into();
        store
            .commit(vec![Edit::CreateCustomer {
                id: c.id,
                fields: c.to_fields(),
            }])
            .unwrap();
    }
    drop(a);
    drop(b);
    // The journals travel both ways.
    copy_dir(&a_root.join("ws"), &b_root.join("ws"));
    copy_dir(&b_root.join("ws"), &a_root.join("ws"));
    let a = Store::open(options_in(&a_root, "an")).unwrap();
    let b = Store::open(options_in(&b_root, "bình")).unwrap();
    let of = |s: &Store| {
        s.organizations()
            .unwrap()
            .into_iter()
            .map(|o| {
                let people: Vec<String> = s
                    .people_of(o.id)
                    .unwrap()
                    .into_iter()
                    .map(|p| p.customer.name)
                    .collect();
                (o.id, o.name, people)
            })
            .collect::<Vec<_>>()
    };
    let seen = of(&a);
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen, of(&b));
    let sao = seen.iter().find(|o| o.1 == "Sao Mai").unwrap();
    assert_eq!(sao.2.len(), 2, "both people in the one organization: {seen:?}");
}

#[test]
fn list_keeps_an_organizations_people_and_an_import_links_its_companies() {
    let s = Sandbox::new();
    let csv = s.dir.path().join("people.csv");
    std::fs::write(
        &csv,
        "name,company,email\nLan Anh,Công ty Phú Thịnh,lan@pt.vn\nMinh,CONG TY PHU THINH,minh@pt.vn\nWei,华为,wei@hw.cn\n",
    )
    .unwrap();
    s.ok(&["import", csv.to_str().unwrap()]);
    let list = orgs(&s);
    assert_eq!(list.len(), 2, "{list:?}");
    let people = s.json(&["list", "--org", "phu thinh", "--json"]);
    let names: Vec<&str> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Lan Anh", "Minh"]);
    // Saved like any filter, judged when used.
    s.ok(&["list", "--org", "华为", "--save", "Huawei team"]);
    s.ok(&["add", "--name", "Zhang Wei", "--company", "华为"]);
    let saved = s.json(&["list", "--saved", "Huawei team", "--json"]);
    assert_eq!(saved.as_array().unwrap().len(), 2, "{saved}");
    s.rejected(&["list", "--org", "nobody"]);
}

#[test]
fn the_demo_has_organizations_and_partners_that_referred_customers() {
    let s = Sandbox::new();
    s.demo(&["--customers", "120", "--interactions", "600", "--seed", "3"]);
    let list = orgs(&s);
    let people: u64 = list.iter().map(|o| o["people"].as_u64().unwrap()).sum();
    assert!(
        people > 60,
        "most customers have a company, now an organization: {people}"
    );
    let partners: Vec<&serde_json::Value> = list.iter().filter(|o| o["referred"].as_u64().unwrap() > 0).collect();
    assert!(partners.len() >= 3, "{partners:?}");
    assert!(
        partners
            .iter()
            .all(|p| p["kind"] == "partner" || p["kind"] == "referrer")
    );
}

#[test]
fn an_export_brings_its_organizations_back_even_when_its_customers_are_here() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lan", "--company", "Phú Thịnh"]);
    s.ok(&["org", "add", "Sao Mai", "--kind", "partner"]);
    let file = s.dir.path().join("all.json");
    s.ok(&["export", "--format", "json", "-o", file.to_str().unwrap()]);
    // A preview changes nothing.
    let other = Sandbox::new();
    other.ok(&["add", "--name", "Someone"]);
    other.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    assert!(orgs(&other).is_empty());
    other.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(orgs(&other).len(), 2);
    // Taken back here (undo), it comes back from the file although Lan,
    // its only customer, is here already.
    assert!(s.ok(&["undo"]).contains("add organization"));
    assert_eq!(orgs(&s).len(), 1);
    s.ok(&["import", file.to_str().unwrap()]);
    let names: Vec<String> = orgs(&s)
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Phú Thịnh", "Sao Mai"]);
}

#[test]
fn an_export_of_organizations_alone_imports() {
    let s = Sandbox::new();
    s.ok(&["org", "add", "Sao Mai", "--kind", "partner"]);
    let file = s.dir.path().join("orgs.json");
    s.ok(&["export", "--format", "json", "-o", file.to_str().unwrap()]);
    let other = Sandbox::new();
    other.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(orgs(&other).len(), 1);
    assert_eq!(orgs(&other)[0]["kind"], "partner");
}
