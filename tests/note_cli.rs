//! `guanxi note`: quick capture from the command line, checked through
//! what `show --json` then holds.

mod common;

use common::Sandbox;

/// A sandbox pinned to Sunday 22 November 2026, with two customers called
/// An at two organizations, and two Chinese and Vietnamese ones.
fn team() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["init", s.workspace().to_str().unwrap()]);
    for (name, company) in [
        ("Nguyễn Văn An", "Phú Thịnh"),
        ("An Trần", "Minh Phát"),
        ("王伟", "深圳华信科技"),
        ("Lê Thị Nhung", ""),
    ] {
        s.ok(&["add", "--name", name, "--company", company]);
    }
    s
}

fn note(s: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut all = vec!["note"];
    all.extend_from_slice(args);
    s.command(&all)
        .env("GUANXI_NOW", "2026-11-22T09:00:00Z")
        .output()
        .expect("run guanxi")
}

fn saved(s: &Sandbox, args: &[&str]) -> String {
    let out = note(s, args);
    assert!(
        out.status.success(),
        "note {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn rejected(s: &Sandbox, args: &[&str]) -> String {
    let out = note(s, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "note {args:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(out.stdout.is_empty());
    stderr
}

fn shown(s: &Sandbox, who: &str) -> serde_json::Value {
    s.json(&["show", who, "--json"])
}

#[test]
fn every_piece_of_a_line_is_saved_and_said() {
    let s = team();
    let out = saved(&s, &["lunch w/ An @phuthinh yesterday +2w #vip 1.2tr"]);
    for piece in [
        "Customer:  Nguyễn Văn An (Phú Thịnh)",
        "Kind:      Meeting",
        "Date:      2026-11-21",
        "Follow-up: 2026-12-06",
        "Tags:      #vip",
        "Amount:    1,200,000",
        "Note:      lunch",
    ] {
        assert!(out.contains(piece), "{piece} in\n{out}");
    }
    assert_eq!(out.lines().count(), 7, "{out}");
    let an = shown(&s, "Nguyễn Văn An");
    assert_eq!(an["tags"], serde_json::json!(["vip"]));
    let i = &an["interactions"][0];
    assert_eq!(i["channel"], "meeting");
    assert_eq!(i["summary"], "lunch");
    assert_eq!(i["amount"], 1_200_000.0);
    assert_eq!(i["at"], "2026-11-21T12:00:00Z");
    let f = &an["follow_ups"][0];
    assert_eq!(f["due"], "2026-12-06");
    assert_eq!(f["what"], "Follow up: lunch");
    // The other An has nothing.
    assert_eq!(shown(&s, "An Trần")["interactions"], serde_json::json!([]));

    // One change: one undo takes all of it back.
    s.ok(&["undo"]);
    let an = shown(&s, "Nguyễn Văn An");
    assert_eq!(an["interactions"], serde_json::json!([]));
    assert_eq!(an["follow_ups"], serde_json::json!([]));
    assert_eq!(an["tags"], serde_json::json!([]));
}

#[test]
fn an_ambiguous_or_unknown_customer_saves_nothing() {
    let s = team();
    let said = rejected(&s, &["call An yesterday +3d #vip"]);
    assert!(said.contains("matches 2 customers"), "{said}");
    assert!(
        said.contains("Nguyễn Văn An (Phú Thịnh)") && said.contains("An Trần (Minh Phát)"),
        "{said}"
    );
    let said = rejected(&s, &["call Bảo yesterday"]);
    assert!(said.contains("no customer matches 'Bảo'"), "{said}");
    let said = rejected(&s, &["call yesterday"]);
    assert!(said.contains("say who it was with"), "{said}");
    rejected(&s, &["call An @nowhere"]);
    for who in ["Nguyễn Văn An", "An Trần"] {
        let c = shown(&s, who);
        assert_eq!(c["interactions"], serde_json::json!([]), "{who}");
        assert_eq!(c["follow_ups"], serde_json::json!([]), "{who}");
        assert_eq!(c["tags"], serde_json::json!([]), "{who}");
    }
    // The last change is still the last customer added.
    assert!(s.ok(&["undo"]).contains("add"));
}

#[test]
fn vietnamese_and_chinese_lines() {
    let s = team();
    let out = saved(
        &s,
        &[
            "--lang",
            "vi",
            "gặp chị Nhung hôm qua: bàn hợp đồng tuần sau +1w #tiềm-năng",
        ],
    );
    assert!(out.starts_with("Khách hàng:  Lê Thị Nhung\n"), "{out}");
    let nhung = shown(&s, "Nhung");
    assert_eq!(nhung["interactions"][0]["channel"], "meeting");
    assert_eq!(nhung["interactions"][0]["summary"], "bàn hợp đồng tuần sau");
    assert_eq!(nhung["interactions"][0]["at"], "2026-11-21T12:00:00Z");
    assert_eq!(nhung["follow_ups"][0]["due"], "2026-11-29");
    assert_eq!(nhung["tags"], serde_json::json!(["tiềm-năng"]));

    // Chinese written without spaces, an amount in 万 and no kind word's
    // help needed for a purchase.
    let out = saved(&s, &["--lang", "zh", "王伟 前天 3.5万"]);
    assert!(out.contains("客户: 王伟 (深圳华信科技)"), "{out}");
    saved(&s, &["--lang", "zh", "昨天和王伟吃饭 下周"]);
    let wei = shown(&s, "王伟");
    let kinds: Vec<&str> = wei["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["channel"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"purchase") && kinds.contains(&"meeting"), "{kinds:?}");
    assert!(
        wei["interactions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["amount"] == 35_000.0 && i["at"] == "2026-11-20T12:00:00Z")
    );
    assert_eq!(wei["follow_ups"][0]["due"], "2026-11-29");
}

#[test]
fn a_date_after_today_needs_force() {
    let s = team();
    let said = rejected(&s, &["call Nhung 2026-12-01"]);
    assert!(said.contains("--force"), "{said}");
    assert_eq!(shown(&s, "Nhung")["interactions"], serde_json::json!([]));
    saved(&s, &["--force", "call Nhung 2026-12-01"]);
    assert_eq!(shown(&s, "Nhung")["interactions"][0]["at"], "2026-12-01T12:00:00Z");
}

#[test]
fn an_organization_narrows_the_customer_or_names_its_only_person() {
    let s = team();
    saved(&s, &["call An @minhphat"]);
    assert_eq!(shown(&s, "An Trần")["interactions"][0]["channel"], "call");
    assert_eq!(shown(&s, "Nguyễn Văn An")["interactions"], serde_json::json!([]));
    // Its only person; a name from elsewhere is not one of its people.
    saved(&s, &["@Phú-Thịnh email"]);
    assert_eq!(shown(&s, "Nguyễn Văn An")["interactions"][0]["channel"], "email");
    let said = rejected(&s, &["call Nhung @phuthinh"]);
    assert!(said.contains("no customer matches 'Nhung @Phú Thịnh'"), "{said}");
}

#[test]
fn the_grammar_is_in_the_help_in_every_language() {
    let s = Sandbox::new();
    for (lang, words) in [
        ("en", ["yesterday", "+2w", "1.2tr", "@org", "#tag"]),
        ("vi", ["hôm qua", "tuần sau", "1tr5", "@tổ-chức", "#thẻ"]),
        ("zh", ["昨天", "下周", "2万", "@组织", "#标签"]),
    ] {
        let help = s.ok(&["--lang", lang, "note", "--help"]);
        for w in words {
            assert!(help.contains(w), "{lang}: {w} in\n{help}");
        }
    }
}
