//! Who is due, on the command line: the next contact counts open
//! follow-ups, the agenda comes in groups ranked by what is at stake, and
//! dates that are almost certainly mistakes need `--force`.

mod common;

use common::Sandbox;

const TODAY: &str = "2026-11-22T09:00:00Z";

fn run_at(s: &Sandbox, now: &str, args: &[&str]) -> std::process::Output {
    s.command(args).env("GUANXI_NOW", now).output().expect("run guanxi")
}

fn at(s: &Sandbox, now: &str, args: &[&str]) -> String {
    let out = run_at(s, now, args);
    assert!(
        out.status.success(),
        "guanxi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn agenda_json(s: &Sandbox) -> Vec<serde_json::Value> {
    let text = at(s, TODAY, &["agenda", "--json", "--days", "30"]);
    match serde_json::from_str(&text) {
        Ok(serde_json::Value::Array(items)) => items,
        other => panic!("not a JSON array: {other:?}\n{text}"),
    }
}

#[test]
fn an_open_follow_up_brings_the_next_contact_forward_in_list_and_show() {
    let s = Sandbox::new();
    at(&s, "2026-11-10T09:00:00Z", &["add", "--name", "Lê Thu Hà"]);
    at(
        &s,
        "2026-11-10T09:00:00Z",
        &["follow-up", "Lê Thu Hà", "--due", "2026-11-12", "--what", "Gửi báo giá"],
    );
    at(
        &s,
        TODAY,
        &["log", "Lê Thu Hà", "--summary", "Hỏi thăm", "--at", "2026-11-21 10:00"],
    );
    let list = at(&s, TODAY, &["list", "--json"]);
    assert!(list.contains("\"next_contact_due\": \"2026-11-12\""), "{list}");
    let table = at(&s, TODAY, &["list"]);
    assert!(table.contains("! 2026-11-12 (10 days overdue)"), "{table}");
    let show = at(&s, TODAY, &["show", "Lê Thu Hà"]);
    assert!(show.contains("! 2026-11-12 (10 days overdue)"), "{show}");
    // Done, the follow-up no longer counts: the cadence decides again.
    let agenda = agenda_json(&s);
    let id = agenda[0]["follow_up_id"].as_str().expect("a follow-up id").to_string();
    at(&s, TODAY, &["done", &id]);
    let table = at(&s, TODAY, &["list"]);
    assert!(table.contains("2026-11-28") && !table.contains('!'), "{table}");
}

#[test]
fn the_agenda_groups_and_ranks_by_what_is_at_stake() {
    let s = Sandbox::new();
    let then = "2026-09-01T09:00:00Z";
    // Everyone on a 7-day cadence (attract), last touched at different days.
    for (name, company) in [
        ("Small Late", "Tiny Co"),
        ("Big Late", "Mega Corp"),
        ("Due Today", "Today Ltd"),
        ("Due Soon", "Soon Ltd"),
        ("Due Later", "Later Ltd"),
    ] {
        at(&s, then, &["add", "--name", name, "--company", company]);
    }
    // A large buyer a week late, and a small one sixty days late.
    at(
        &s,
        TODAY,
        &[
            "log",
            "Big Late",
            "--summary",
            "order",
            "--amount",
            "900000",
            "--at",
            "2026-08-30",
        ],
    );
    at(
        &s,
        TODAY,
        &["log", "Big Late", "--summary", "call", "--at", "2026-11-08 10:00"],
    );
    at(
        &s,
        TODAY,
        &[
            "log",
            "Small Late",
            "--summary",
            "order",
            "--amount",
            "100",
            "--at",
            "2026-08-30",
        ],
    );
    at(
        &s,
        TODAY,
        &["log", "Small Late", "--summary", "call", "--at", "2026-09-16 10:00"],
    );
    at(
        &s,
        TODAY,
        &["log", "Due Today", "--summary", "call", "--at", "2026-11-15 10:00"],
    );
    at(
        &s,
        TODAY,
        &["log", "Due Soon", "--summary", "call", "--at", "2026-11-18 10:00"],
    );
    at(
        &s,
        "2026-11-20T09:00:00Z",
        &["log", "Due Later", "--summary", "call", "--at", "2026-11-20 08:00"],
    );
    at(
        &s,
        "2026-11-20T09:00:00Z",
        &[
            "follow-up",
            "Due Later",
            "--due",
            "2026-12-10",
            "--what",
            "Quarterly review",
        ],
    );

    let items = agenda_json(&s);
    let seen: Vec<(&str, &str)> = items
        .iter()
        .map(|i| {
            (
                i["group"].as_str().unwrap_or(""),
                i["customer_name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("overdue", "Big Late"),
            ("overdue", "Small Late"),
            ("today", "Due Today"),
            ("this_week", "Due Soon"),
            ("this_week", "Due Later"),
            ("later", "Due Later"),
        ]
    );
    assert_eq!(items[0]["company"], "Mega Corp");
    assert_eq!(items[0]["stage"], "attract");
    assert!(items[0]["clv"].as_f64().unwrap_or(0.0) > items[1]["clv"].as_f64().unwrap_or(0.0));

    let table = at(&s, TODAY, &["agenda", "--days", "30"]);
    let lines: Vec<&str> = table.lines().collect();
    let line_of = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} missing:\n{table}"))
    };
    assert!(line_of("! Overdue · 2") < line_of("Big Late"));
    assert!(line_of("Big Late") < line_of("Small Late"));
    assert!(line_of("Small Late") < line_of("Today · 1"));
    assert!(line_of("Today · 1") < line_of("Due Today"));
    assert!(line_of("This week · 2") < line_of("Due Soon"));
    assert!(line_of("Later · 1") < line_of("Quarterly review"));
    assert!(lines[line_of("Big Late")].starts_with("! ") && lines[line_of("Big Late")].contains("Mega Corp"));
    assert!(!lines[line_of("Due Today")].starts_with('!'));
}

#[test]
fn the_priority_segment_comes_first_at_equal_stakes() {
    let s = Sandbox::new();
    let config = s.home().join(".config/guanxi/config.toml");
    std::fs::create_dir_all(config.parent().expect("a folder")).expect("config folder");
    std::fs::write(&config, "priority_segment = \"Enterprise\"\n").expect("config");
    let then = "2026-11-15T09:00:00Z";
    at(&s, then, &["add", "--name", "Anh Plain"]);
    at(&s, then, &["add", "--name", "Zoe Key", "--segment", "enterprise"]);
    let items = agenda_json(&s);
    let names: Vec<&str> = items.iter().filter_map(|i| i["customer_name"].as_str()).collect();
    assert_eq!(names, ["Zoe Key", "Anh Plain"]);
}

#[test]
fn an_interaction_after_today_or_a_follow_up_before_it_needs_force() {
    let s = Sandbox::new();
    at(&s, TODAY, &["add", "--name", "Lê Thu Hà"]);
    let refused = |args: &[&str]| {
        let out = run_at(&s, TODAY, args);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        stderr
    };
    let future = ["log", "Lê Thu Hà", "--summary", "Gặp mặt", "--at", "2026-11-29 10:00"];
    let e = refused(&future);
    assert!(
        e.starts_with("error: the interaction is dated 2026-11-29, after today") && e.contains("--force"),
        "{e}"
    );
    let past = ["follow-up", "Lê Thu Hà", "--due", "2026-11-12", "--what", "Gửi báo giá"];
    let e = refused(&past);
    assert!(
        e.starts_with("error: the follow-up would be due 2026-11-12, before today") && e.contains("--force"),
        "{e}"
    );
    assert_eq!(
        agenda_json(&s).len(),
        1,
        "only the stay-in-touch reminder: nothing was saved"
    );
    // Today and yesterday are ordinary; with --force, so are the others.
    at(
        &s,
        TODAY,
        &["log", "Lê Thu Hà", "--summary", "Gọi", "--at", "yesterday"],
    );
    at(
        &s,
        TODAY,
        &["follow-up", "Lê Thu Hà", "--due", "today", "--what", "Gọi lại"],
    );
    at(&s, TODAY, &[&future[..], &["--force"]].concat());
    at(&s, TODAY, &[&past[..], &["--force"]].concat());
    let shown = at(&s, TODAY, &["show", "Lê Thu Hà", "--json"]);
    assert!(shown.contains("2026-11-12") && shown.contains("Gặp mặt"), "{shown}");
}
