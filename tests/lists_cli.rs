//! Saved lists on the command line: `list [FILTERS] --save NAME`,
//! `list --saved NAME`, `lists`, `lists --delete`, and the priority
//! segment a list can be.

mod common;

use common::{Sandbox, sorted_names};

fn add(s: &Sandbox, args: &[&str]) {
    let mut all = vec!["add"];
    all.extend_from_slice(args);
    s.ok(&all);
}

#[test]
fn each_new_filter_on_the_command_line() {
    let s = Sandbox::new();
    add(
        &s,
        &[
            "--name",
            "Lan",
            "--level",
            "partnership",
            "--segment",
            "Doanh nghiệp",
            "--tier",
            "Vàng",
        ],
    );
    add(&s, &["--name", "Wei", "--level", "basic", "--segment", "SMB"]);
    let names = |args: &[&str]| {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        sorted_names(&s.json(&all))
    };
    assert_eq!(names(&["--level", "partnership"]), ["Lan"]);
    assert_eq!(names(&["--segment", "doanh nghiep"]), ["Lan"]);
    assert_eq!(names(&["--tier", "vang"]), ["Lan"]);
    s.ok(&["edit", "Wei", "--set", "trust=1"]);
    assert_eq!(names(&["--health-below", "50"]), ["Wei"]);
    assert!(names(&["--clv-above", "0"]).is_empty());
    // Both were added today: quiet for 0 days, and nothing is late yet.
    assert_eq!(names(&["--quiet-days", "0"]), ["Lan", "Wei"]);
    assert!(names(&["--quiet-days", "1"]).is_empty());
    assert!(names(&["--overdue"]).is_empty());
    s.ok(&[
        "follow-up",
        "Wei",
        "--what",
        "Gọi lại",
        "--due",
        "2020-01-01",
        "--force",
    ]);
    assert_eq!(names(&["--overdue"]), ["Wei"]);
    s.rejected(&["list", "--level", "eager"]);
    s.rejected(&["list", "--clv-above", "lots"]);
}

#[test]
fn a_saved_list_is_judged_when_used() {
    let s = Sandbox::new();
    add(&s, &["--name", "Lan", "--tag", "vip"]);
    let out = s.ok(&["list", "--tag", "vip", "--save", "Khách VIP"]);
    assert!(out.contains("Khách VIP") && out.contains("1 customer"), "{out}");
    assert_eq!(
        sorted_names(&s.json(&["list", "--saved", "khach vip", "--json"])),
        ["Lan"]
    );
    // A customer tagged later is in the list: no frozen copy.
    add(&s, &["--name", "Wei", "--tag", "vip"]);
    assert_eq!(
        sorted_names(&s.json(&["list", "--saved", "Khách VIP", "--json"])),
        ["Lan", "Wei"]
    );
    // Flags narrow the saved list.
    assert_eq!(
        sorted_names(&s.json(&["list", "--saved", "Khách VIP", "--query", "wei", "--json"])),
        ["Wei"]
    );
    let lists = s.json(&["lists", "--json"]);
    assert_eq!(lists[0]["name"], "Khách VIP");
    assert_eq!(lists[0]["filter"]["tag"], "vip");
    assert_eq!(lists[0]["priority"], false);
    assert_eq!(lists[0]["count"], 2);
    // Saving again under the name replaces the filter.
    s.ok(&["list", "--query", "lan", "--save", "KHÁCH vip"]);
    let lists = s.json(&["lists", "--json"]);
    assert_eq!(lists.as_array().unwrap().len(), 1);
    assert_eq!(lists[0]["filter"]["query"], "lan");
    assert_eq!(lists[0]["count"], 1);
    // Delete, and undo brings it back.
    s.ok(&["lists", "--delete", "khách vip"]);
    assert_eq!(s.json(&["lists", "--json"]), serde_json::json!([]));
    s.rejected(&["list", "--saved", "Khách VIP"]);
    s.rejected(&["lists", "--delete", "Khách VIP"]);
    s.ok(&["undo"]);
    assert_eq!(s.json(&["lists", "--json"])[0]["count"], 1);
    s.rejected(&["list", "--save", "  "]);
}

#[test]
fn one_list_is_the_priority_segment_and_its_customers_are_marked() {
    let s = Sandbox::new();
    add(&s, &["--name", "Lan", "--tag", "vip"]);
    add(&s, &["--name", "Wei"]);
    s.ok(&["list", "--tag", "vip", "--save", "vip", "--priority"]);
    s.ok(&["list", "--query", "wei", "--save", "wei"]);
    let list = s.ok(&["list"]);
    assert!(list.contains("★ Lan"), "{list}");
    assert!(!list.contains("★ Wei"), "{list}");
    assert!(s.ok(&["show", "Lan"]).contains("★ Lan"));
    assert_eq!(s.json(&["show", "Lan", "--json"])["priority"], true);
    assert_eq!(s.json(&["show", "Wei", "--json"])["priority"], false);
    let json = s.json(&["list", "--json"]);
    let marked: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["priority"] == true)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(marked, ["Lan"]);
    s.ok(&["lists", "--priority", "wei"]);
    let lists = s.json(&["lists", "--json"]);
    let marked: Vec<&str> = lists
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["priority"] == true)
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(marked, ["wei"], "one priority list at a time");
    assert!(s.ok(&["list"]).contains("★ Wei"));
    s.ok(&["lists", "--no-priority"]);
    assert!(!s.ok(&["list"]).contains('★'));
    s.rejected(&["lists", "--priority", "nope"]);
}

/// At equal stakes the priority list's customers come first on the
/// agenda; the list wins over the config's `priority_segment`.
#[test]
fn the_priority_list_ranks_first_on_the_agenda() {
    let s = Sandbox::new();
    add(&s, &["--name", "An", "--tag", "vip"]);
    add(&s, &["--name", "Zed", "--segment", "smb"]);
    for who in ["An", "Zed"] {
        s.ok(&["follow-up", who, "--what", "Gọi", "--due", "today"]);
    }
    let first = |s: &Sandbox| {
        s.json(&["agenda", "--json"])[0]["customer_name"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(first(&s), "An", "by name when nothing else differs");
    std::fs::create_dir_all(s.home().join(".config/guanxi")).unwrap();
    std::fs::write(
        s.home().join(".config/guanxi/config.toml"),
        "priority_segment = \"SMB\"\n",
    )
    .unwrap();
    assert_eq!(first(&s), "Zed", "the config's segment");
    s.ok(&["list", "--tag", "vip", "--save", "vip", "--priority"]);
    assert_eq!(first(&s), "An", "the priority list wins over the config");
    assert!(s.ok(&["list"]).contains("★ An"));
    s.ok(&["lists", "--no-priority"]);
    assert_eq!(first(&s), "Zed", "the config's segment again");
}

/// A guanxi JSON export carries the saved lists (criteria and the
/// priority mark), an import brings them back as they were, importing the
/// same file again changes nothing, one undo takes them back with the
/// customers, and an export from before lists still imports.
#[test]
fn saved_lists_go_through_a_json_export_and_import() {
    let a = Sandbox::new();
    add(&a, &["--name", "Lan Anh", "--stage", "loyalty", "--tag", "vip"]);
    add(&a, &["--name", "Wei Zhang", "--stage", "build"]);
    a.ok(&[
        "list",
        "--stage",
        "trung thành",
        "--tag",
        "VIP",
        "--save",
        "Khách VIP",
        "--priority",
    ]);
    a.ok(&[
        "list",
        "--owner",
        "me",
        "--overdue",
        "--clv-above",
        "1000000",
        "--quiet-days",
        "30",
        "--save",
        "我的",
    ]);
    let file = a.dir.path().join("export.json");
    a.ok(&["export", "--format", "json", "-o", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    let export: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(export["lists"].as_array().map(Vec::len), Some(2), "{export}");
    let lists = |s: &Sandbox| {
        let mut v: Vec<serde_json::Value> = match s.json(&["lists", "--json"]) {
            serde_json::Value::Array(items) => items,
            other => panic!("{other}"),
        };
        for l in &mut v {
            l.as_object_mut().unwrap().remove("count");
        }
        v
    };
    let b = Sandbox::for_user("Wei");
    b.ok(&["add", "--name", "Somebody"]);
    b.ok(&["list", "--stage", "build", "--save", "Mine", "--priority"]);
    let out = b.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("2"), "says the lists were saved: {out}");
    let mut want = lists(&a);
    let mut got: Vec<_> = lists(&b).into_iter().filter(|l| l["name"] != "Mine").collect();
    want.sort_by_key(|l| l["name"].to_string());
    got.sort_by_key(|l| l["name"].to_string());
    assert_eq!(got, want, "the lists as they were, priority mark included");
    let mine = lists(&b).into_iter().find(|l| l["name"] == "Mine").unwrap();
    assert_eq!(mine["priority"], false, "one priority segment: the imported one");
    assert_eq!(
        sorted_names(&b.json(&["list", "--saved", "khach vip", "--json"])),
        ["Lan Anh"]
    );
    let again = b.ok(&["import", file.to_str().unwrap()]);
    assert!(!again.contains("saved lists"), "nothing new the second time: {again}");
    b.ok(&["undo"]);
    let left: Vec<_> = lists(&b).into_iter().map(|l| l["name"].clone()).collect();
    assert_eq!(left, ["Mine"], "undo takes the import back whole");
    assert_eq!(lists(&b)[0]["priority"], true, "and gives the mark back");
    // An export from before lists: no "lists" key.
    let mut old = export.clone();
    old.as_object_mut().unwrap().remove("lists");
    let old_file = a.dir.path().join("old.json");
    std::fs::write(&old_file, serde_json::to_string(&old).unwrap()).unwrap();
    let c = Sandbox::new();
    c.ok(&["import", old_file.to_str().unwrap()]);
    assert_eq!(c.json(&["lists", "--json"]), serde_json::json!([]));
    // A list the file gets wrong is skipped and said, the rest imported.
    let mut bad = export.clone();
    bad["lists"][0]["filter"]["stage"] = "forever".into();
    let bad_file = a.dir.path().join("bad.json");
    std::fs::write(&bad_file, serde_json::to_string(&bad).unwrap()).unwrap();
    let d = Sandbox::new();
    let out = d.ok(&["import", bad_file.to_str().unwrap()]);
    assert!(out.contains("forever"), "{out}");
    assert_eq!(lists(&d).len(), 1, "the good list");
    assert_eq!(sorted_names(&d.json(&["list", "--json"])), ["Lan Anh", "Wei Zhang"]);
}
