//! MOST account plans end to end: a plan set from an outline file, its
//! dated tactics in the agenda as follow-ups, one marked done with
//! `guanxi done`, the progress in `plan show --json`; a mistake in an
//! outline refused with its line and nothing saved; the same for an
//! organization's plan.

mod common;

use common::Sandbox;

const OUTLINE: &str = "mission: Be Phú Thịnh's only logistics partner in the south
objective: Win the Cần Thơ warehouse contract by June
  strategy customization: A cold-chain offer built around their routes
    tactic: Site visit with their operations lead | due 2020-12-10 | owner lan
    tactic: Send the draft proposal \\| v2 | due 2020-12-20
  strategy 关系定价: Một mức giá cho khách ruột
    tactic: Talk it over with finance
";

fn write(s: &Sandbox, name: &str, text: &str) -> String {
    let path = s.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn tactics_in_agenda(s: &Sandbox) -> Vec<serde_json::Value> {
    s.json(&["agenda", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "tactic")
        .cloned()
        .collect()
}

#[test]
fn a_plans_dated_tactics_are_follow_ups_and_done_marks_them_in_the_plan() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Phú Thịnh Logistics"]);
    let file = write(&s, "plan.txt", OUTLINE);
    let out = s.ok(&["plan", "set", "Phú Thịnh", "--file", &file]);
    assert!(out.contains("0 of 3 tactics done"), "{out}");

    let items = tactics_in_agenda(&s);
    assert_eq!(items.len(), 2, "the two dated tactics, not the undated one: {items:?}");
    let visit = items
        .iter()
        .find(|i| i["what"].as_str().unwrap().contains("Site visit"))
        .unwrap();
    assert_eq!(visit["customer_name"], "Phú Thịnh Logistics");
    assert_eq!(visit["plan"], "Phú Thịnh Logistics");
    assert!(visit["what"].as_str().unwrap().contains("lan"), "{visit}");
    assert_eq!(visit["tactic_id"], visit["follow_up_id"]);
    // The follow-ups that were there before keep their kinds.
    assert!(
        s.json(&["agenda", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] != "follow_up")
    );

    let id = visit["tactic_id"].as_str().unwrap();
    let done = s.ok(&["done", &id[..6]]);
    assert!(done.contains("Site visit"), "{done}");
    assert_eq!(tactics_in_agenda(&s).len(), 1, "a done tactic leaves the agenda");

    let plan = s.json(&["plan", "show", "Phú Thịnh", "--json"]);
    assert_eq!(plan["tactics_total"], 3);
    assert_eq!(plan["tactics_done"], 1);
    let strategies = plan["objectives"][0]["strategies"].as_array().unwrap();
    assert_eq!(strategies[0]["kind"], "customization");
    assert_eq!(strategies[1]["kind"], "pricing");
    let t = &strategies[0]["tactics"];
    assert_eq!(t[0]["done"], true);
    assert_eq!(t[0]["follow_up"].as_str(), Some(id));
    assert_eq!(t[0]["owner"], "lan");
    assert_eq!(t[0]["due"], "2020-12-10");
    assert_eq!(t[1]["text"], "Send the draft proposal | v2");
    assert_eq!(t[1]["done"], false);
    assert!(
        strategies[1]["tactics"][0]["follow_up"].is_null(),
        "undated: no follow-up"
    );
    assert!(plan["target"].as_str().unwrap().starts_with("customer:"));
    assert!(plan["mission"].as_str().unwrap().contains("Phú Thịnh"));

    // The outline says what is done; an edit of another tactic keeps the
    // done one's id and state.
    let edited = OUTLINE
        .replace("Talk it over with finance", "Talk it over with the CFO")
        .replace("owner lan", "owner lan | done");
    let file = write(&s, "plan2.txt", &edited);
    s.ok(&["plan", "set", "Phú Thịnh", "--file", &file]);
    let plan = s.json(&["plan", "show", "Phú Thịnh", "--json"]);
    assert_eq!(plan["tactics_done"], 1);
    assert_eq!(
        plan["objectives"][0]["strategies"][0]["tactics"][0]["follow_up"].as_str(),
        Some(id)
    );

    // The plain show: progress, labels, the outline's parts.
    let text = s.ok(&["plan", "show", "Phú Thịnh"]);
    assert!(text.contains("1 of 3 tactics done"), "{text}");
    assert!(text.contains("[x] Site visit"), "{text}");
    assert!(text.contains("relationship pricing"), "{text}");
}

#[test]
fn an_outline_with_a_mistake_is_refused_with_its_line_and_nothing_is_saved() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lan Anh"]);
    let bad = "mission: m\nobjective: o\n  strategy pricing: p\n    tactic: t | due next week\n";
    let file = write(&s, "bad.txt", bad);
    let err = s.rejected(&["plan", "set", "Lan", "--file", &file]);
    assert!(err.contains("line 4"), "{err}");
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let err = s.rejected(&["plan", "show", "Lan", "--json"]);
    assert!(err.contains("no plan"), "{err}");
    // In Vietnamese too.
    let err = s.rejected(&["--lang", "vi", "plan", "set", "Lan", "--file", &file]);
    assert!(err.contains("dòng 4"), "{err}");
}

#[test]
fn a_saved_lists_plan_and_an_unknown_organization() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lan Anh", "--segment", "Khách VIP"]);
    s.ok(&["list", "--segment", "khach vip", "--save", "Khách VIP"]);
    let file = write(
        &s,
        "plan.txt",
        "mission: Giữ khách VIP\nobjective: Gặp từng người\n  strategy internal: Đào tạo đội\n    tactic: Họp nhóm | due 2020-01-15 | owner An\n",
    );
    s.ok(&["plan", "set", "list:khach vip", "--file", &file]);
    let items = tactics_in_agenda(&s);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["plan"], "Khách VIP");
    assert_eq!(items[0]["customer_id"], "");
    let plan = s.json(&["plan", "show", "list:Khách VIP", "--json"]);
    assert_eq!(plan["target"], "list:khach vip");
    s.ok(&["done", items[0]["tactic_id"].as_str().unwrap()]);
    assert!(tactics_in_agenda(&s).is_empty());
    assert_eq!(s.json(&["plan", "show", "list:Khách VIP", "--json"])["tactics_done"], 1);
    let out = s.ok(&["plan", "delete", "list:Khách VIP"]);
    assert!(out.contains("Khách VIP"), "{out}");
    s.rejected(&["plan", "show", "list:Khách VIP"]);
    s.ok(&["undo"]);
    assert_eq!(s.json(&["plan", "show", "list:Khách VIP", "--json"])["tactics_done"], 1);

    let err = s.rejected(&["plan", "set", "org:Phú Thịnh", "--file", &file]);
    assert!(err.contains("Phú Thịnh"), "no such organization: {err}");
}

/// The end-to-end case: an organization with two people, a plan
/// set on it from an outline file with two dated tactics; both are on the
/// agenda under the organization's name, `done` ticks one off, and `plan
/// show --json` says 1 of 2. The organization's view names the plan.
#[test]
fn an_organizations_plan_from_an_outline_file_to_done() {
    let s = Sandbox::new();
    s.ok(&["org", "add", "Phú Thịnh Logistics", "--kind", "customer"]);
    s.ok(&["add", "--name", "Lê Văn Tám", "--company", "Phú Thịnh Logistics"]);
    s.ok(&["add", "--name", "陈晓明", "--company", "phu thinh logistics"]);
    let org = s.json(&["org", "show", "Phú Thịnh", "--json"]);
    assert_eq!(org["people"].as_array().map(Vec::len), Some(2), "{org}");
    let file = write(
        &s,
        "plan.txt",
        "mission: Be Phú Thịnh's only logistics partner in the south
objective: Win the Cần Thơ warehouse contract by June
  strategy customization: A cold-chain offer built around their routes
    tactic: Site visit with their operations lead | due 2020-12-10 | owner lan
    tactic: Send the draft proposal | due 2020-12-20
",
    );
    let out = s.ok(&["plan", "set", "org:phu thinh", "--file", &file]);
    assert!(out.contains("0 of 2 tactics done"), "{out}");
    let items = tactics_in_agenda(&s);
    assert_eq!(items.len(), 2, "{items:?}");
    for i in &items {
        assert_eq!(i["plan"], "Phú Thịnh Logistics", "{i}");
    }
    let visit = items
        .iter()
        .find(|i| i["what"].as_str().unwrap().contains("Site visit"))
        .unwrap();
    s.ok(&["done", visit["tactic_id"].as_str().unwrap()]);
    assert_eq!(tactics_in_agenda(&s).len(), 1);
    let plan = s.json(&["plan", "show", "org:Phú Thịnh Logistics", "--json"]);
    assert_eq!(
        (plan["tactics_done"].as_u64(), plan["tactics_total"].as_u64()),
        (Some(1), Some(2))
    );
    assert!(plan["target"].as_str().unwrap().starts_with("org:"), "{plan}");
    let shown = s.ok(&["org", "show", "Phú Thịnh"]);
    assert!(shown.contains("1 of 2 tactics done"), "{shown}");
}

#[cfg(unix)]
#[test]
fn plan_edit_opens_the_editor_on_the_outline() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Wei Zhang"]);
    let editor = common::editor_writing(
        &s,
        "mission: 成为唯一伙伴\\nobjective: 续约\\n  strategy core_service: 稳定供货\\n    tactic: 拜访 | due 2020-02-01\\n",
    );
    let out = s
        .command(&["plan", "edit", "Wei"])
        .env("EDITOR", &editor)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plan = s.json(&["plan", "show", "Wei", "--json"]);
    assert_eq!(plan["mission"], "成为唯一伙伴");
    // A mistake, with no terminal to ask on: refused, nothing saved.
    let editor = common::editor_writing(&s, "mission: x\\nobjective: y\\nbogus\\n");
    let out = s
        .command(&["plan", "edit", "Wei"])
        .env("EDITOR", &editor)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
    assert_eq!(s.json(&["plan", "show", "Wei", "--json"])["mission"], "成为唯一伙伴");
}

#[test]
fn a_customers_plan_travels_in_the_json_export() {
    let a = Sandbox::new();
    a.ok(&["add", "--name", "Phú Thịnh Logistics"]);
    let file = write(&a, "plan.txt", OUTLINE);
    a.ok(&["plan", "set", "Phú Thịnh", "--file", &file]);
    let id = tactics_in_agenda(&a)[0]["tactic_id"].as_str().unwrap().to_string();
    a.ok(&["done", &id]);
    let export = a.dir.path().join("export.json");
    a.ok(&["export", "--format", "json", "-o", export.to_str().unwrap()]);
    let b = Sandbox::for_user("Wei");
    b.ok(&["import", export.to_str().unwrap()]);
    assert_eq!(
        b.json(&["plan", "show", "Phú Thịnh", "--json"]),
        a.json(&["plan", "show", "Phú Thịnh", "--json"]),
        "the same plan, the same tactic ids, the same done marks"
    );
    // The tactic still done is not on the new workspace's agenda.
    assert_eq!(tactics_in_agenda(&b).len(), 1);
}

#[test]
fn merging_duplicates_brings_the_plan_along() {
    let s = Sandbox::new();
    let keep = s.ok(&["add", "--name", "Trần Minh", "--email", "minh@saomai.vn"]);
    let other = s.ok(&["add", "--name", "Tran Minh", "--email", "minh@saomai.vn"]);
    let file = write(&s, "plan.txt", OUTLINE);
    s.ok(&["plan", "set", other.trim(), "--file", &file]);
    let id = tactics_in_agenda(&s)[0]["tactic_id"].as_str().unwrap().to_string();
    s.ok(&["done", &id]);
    s.ok(&["dupes", "--merge", "--keep", keep.trim()]);
    let plan = s.json(&["plan", "show", keep.trim(), "--json"]);
    assert_eq!(plan["tactics_total"], 3);
    assert_eq!(plan["tactics_done"], 1, "done marks come along");
    let items = tactics_in_agenda(&s);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["customer_id"], keep.trim());
    // The moved tactics are found by id, on the kept customer's plan.
    s.ok(&["done", items[0]["tactic_id"].as_str().unwrap()]);
    assert_eq!(s.json(&["plan", "show", keep.trim(), "--json"])["tactics_done"], 2);
    // One undo takes the merge back, plan and all.
    s.ok(&["undo"]);
    s.ok(&["undo"]);
    assert_eq!(s.json(&["plan", "show", other.trim(), "--json"])["tactics_done"], 1);
    s.rejected(&["plan", "show", keep.trim()]);
}

/// The plans of organizations and saved lists go through a guanxi JSON
/// export and import with their organization and list, tactic ids and
/// done marks kept; an import leaves a plan the workspace has alone.
#[test]
fn organization_and_list_plans_go_through_a_json_export() {
    let a = Sandbox::new();
    a.ok(&["org", "add", "Sao Mai", "--kind", "partner"]);
    a.ok(&["add", "--name", "Lan Anh", "--company", "Sao Mai", "--tag", "vip"]);
    a.ok(&["list", "--tag", "vip", "--save", "Khách VIP"]);
    let org_plan = write(
        &a,
        "org.txt",
        "mission: 联合推广\nobjective: Hai hội thảo\n  strategy augmentation: Workshops\n    tactic: Hội thảo 1 | due 2020-03-01 | done\n    tactic: Hội thảo 2 | due 2020-06-01\n",
    );
    let list_plan = write(
        &a,
        "list.txt",
        "mission: Giữ khách VIP\nobjective: Gọi mỗi tháng\n  strategy core_service: Gọi điện\n    tactic: Gọi | due 2020-02-01 | owner An\n",
    );
    a.ok(&["plan", "set", "org:Sao Mai", "--file", &org_plan]);
    a.ok(&["plan", "set", "list:Khách VIP", "--file", &list_plan]);
    let file = a.dir.path().join("export.json");
    a.ok(&["export", "--format", "json", "-o", file.to_str().unwrap()]);
    let b = Sandbox::for_user("Wei");
    let out = b.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("plans of organizations and saved lists: 2 added"), "{out}");
    for target in ["org:Sao Mai", "list:Khách VIP"] {
        assert_eq!(
            b.json(&["plan", "show", target, "--json"]),
            a.json(&["plan", "show", target, "--json"]),
            "{target}"
        );
    }
    assert_eq!(b.json(&["plan", "show", "org:Sao Mai", "--json"])["tactics_done"], 1);
    // Again: the plans are there, nothing is added.
    let again = b.ok(&["import", file.to_str().unwrap()]);
    assert!(!again.contains("plans of"), "{again}");
}

/// A dated tactic of a customer's plan is a follow-up on the customer:
/// it counts toward the next contact wherever that is shown (`show`,
/// `list`, the overdue filter), and no longer once it is done.
#[test]
fn a_late_tactic_makes_its_customer_due() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lan Anh"]);
    s.ok(&["add", "--name", "Wei Zhang"]);
    let file = write(
        &s,
        "plan.txt",
        "mission: m\nobjective: o\n  strategy pricing: p\n    tactic: Gọi lại | due 2020-01-15\n    tactic: Sau này | due 2999-01-01\n",
    );
    s.ok(&["plan", "set", "Lan", "--file", &file]);
    assert_eq!(s.json(&["show", "Lan", "--json"])["next_contact_due"], "2020-01-15");
    let overdue = s.json(&["list", "--overdue", "--json"]);
    let names: Vec<_> = overdue.as_array().unwrap().iter().map(|c| c["name"].clone()).collect();
    assert_eq!(names, ["Lan Anh"], "the late tactic, not Wei");
    let listed = s.json(&["list", "--json"]);
    let lan = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Lan Anh")
        .unwrap();
    assert_eq!(lan["next_contact_due"], "2020-01-15", "{lan}");
    let id = tactics_in_agenda(&s)
        .into_iter()
        .find(|t| t["what"].as_str().unwrap().contains("Gọi lại"))
        .unwrap()["tactic_id"]
        .as_str()
        .unwrap()
        .to_string();
    s.ok(&["done", &id]);
    assert_ne!(s.json(&["show", "Lan", "--json"])["next_contact_due"], "2020-01-15");
    assert!(s.json(&["list", "--overdue", "--json"]).as_array().unwrap().is_empty());
}
