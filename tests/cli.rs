//! The command-line contract, end to end, through the real binary.

mod common;

use common::Sandbox;
use serde_json::Value;

fn id_of(out: String) -> String {
    let id = out.trim().to_string();
    assert_eq!(id.len(), 16, "an id is 16 hex digits: {id}");
    id
}

/// The scripted day from the foundation issue: three customers, purchases,
/// stage moves and a follow-up, read back by new processes.
#[test]
fn a_day_through_the_cli_reads_back_exactly() {
    let s = Sandbox::new();
    let nhung = id_of(s.ok(&[
        "add",
        "--name",
        "Nguyễn Thị Hồng Nhung",
        "--company",
        "Công ty TNHH Minh Phát",
        "--email",
        "nhung@minhphat.vn",
        "--phone",
        "+84 912 345 678",
        "--tag",
        "vip",
    ]));
    let wei = id_of(s.ok(&[
        "add",
        "--name",
        "张伟",
        "--company",
        "深圳华信科技有限公司",
        "--stage",
        "构建",
    ]));
    let john = id_of(s.ok(&[
        "add",
        "--name",
        "John Smith",
        "--email",
        "john@northwind.example",
        "--segment",
        "smb",
    ]));

    s.ok(&[
        "log",
        "nguyen",
        "--summary",
        "Đơn hàng đầu tiên",
        "--amount",
        "1500000",
        "--at",
        "2026-11-01 09:30",
    ]);
    s.ok(&[
        "log",
        &nhung,
        "--summary",
        "Gọi điện hỏi thăm",
        "--channel",
        "call",
        "--satisfaction",
        "5",
    ]);
    s.ok(&[
        "log",
        "张伟",
        "--summary",
        "采购样品",
        "--channel",
        "purchase",
        "--amount",
        "2500.50",
    ]);
    s.ok(&["stage", "nguyen", "next"]);
    s.ok(&["stage", &nhung, "phát triển"]);
    s.ok(&["stage", "John Smith", "establish"]);
    let follow_up = id_of(s.ok(&["follow-up", "john", "--due", "today", "--what", "Send the quote"]));

    // `show nguyen` finds "Nguyễn" without diacritics.
    let shown = s.json(&["show", "nguyen", "--json"]);
    assert_eq!(shown["id"], nhung.as_str());
    assert_eq!(shown["name"], "Nguyễn Thị Hồng Nhung");
    assert_eq!(shown["stage"], "develop");
    assert_eq!(shown["revenue"], 1_500_000.0);
    assert_eq!(shown["tags"], serde_json::json!(["vip"]));
    let interactions = shown["interactions"].as_array().unwrap();
    assert_eq!(interactions.len(), 2);
    assert_eq!(interactions[0]["summary"], "Đơn hàng đầu tiên");
    assert_eq!(interactions[0]["channel"], "purchase");
    assert_eq!(interactions[0]["amount"], 1_500_000.0);
    assert_eq!(interactions[0]["at"], "2026-11-01T09:30:00Z");
    assert_eq!(interactions[0]["author"], "An");
    assert_eq!(interactions[1]["channel"], "call");
    assert_eq!(interactions[1]["amount"], Value::Null);
    let history = shown["stage_history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[0]["from"].as_str(), history[0]["to"].as_str()),
        (Some("attract"), Some("establish"))
    );
    assert_eq!(
        (history[1]["from"].as_str(), history[1]["to"].as_str()),
        (Some("establish"), Some("develop"))
    );
    assert_eq!(history[1]["by"], "An");
    assert!(shown["clv"].as_f64().unwrap() > 0.0);

    let list = s.json(&["list", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    let names: Vec<&str> = list.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["John Smith", "Nguyễn Thị Hồng Nhung", "张伟"],
        "sorted by name, accents folded"
    );
    let by_id = |id: &str| list.iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(by_id(&wei)["stage"], "build");
    assert_eq!(by_id(&wei)["revenue"], 2500.5);
    assert_eq!(by_id(&john)["stage"], "establish");
    assert_eq!(by_id(&john)["emails"], serde_json::json!(["john@northwind.example"]));
    for c in list {
        for field in [
            "id",
            "name",
            "company",
            "stage",
            "level",
            "emails",
            "phones",
            "tags",
            "clv",
            "revenue",
            "next_contact_due",
        ] {
            assert!(c.get(field).is_some(), "list --json lacks {field}");
        }
    }

    let agenda = s.json(&["agenda", "--json"]);
    let items = agenda.as_array().unwrap();
    let first = &items[0];
    assert_eq!(first["kind"], "follow_up");
    assert_eq!(first["follow_up_id"], follow_up.as_str());
    assert_eq!(first["customer_id"], john.as_str());
    assert_eq!(first["what"], "Send the quote");
    assert_eq!(first["status"], "today");

    let john_shown = s.json(&["show", &john, "--json"]);
    assert_eq!(john_shown["follow_ups"][0]["what"], "Send the quote");
    assert_eq!(john_shown["follow_ups"][0]["done"], false);
    s.ok(&["done", &follow_up[..6]]);
    let john_shown = s.json(&["show", &john, "--json"]);
    assert_eq!(john_shown["follow_ups"][0]["done"], true);
    let agenda = s.json(&["agenda", "--json"]);
    assert!(
        agenda
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["follow_up_id"] != follow_up.as_str())
    );
}

#[test]
fn rebuild_from_journals_gives_the_same_view() {
    let s = Sandbox::new();
    s.demo(&["--customers", "40", "--interactions", "300", "--seed", "7"]);
    s.ok(&["add", "--name", "Đặng Văn Lâm", "--tag", "b2b"]);
    s.ok(&["log", "dang", "--summary", "Ký hợp đồng", "--amount", "900"]);
    s.ok(&["edit", "dang", "--set", "trust=4", "--set", "company=Thép Hòa Bình"]);
    let before = s.ok(&["list", "--json"]);
    let agenda_before = s.ok(&["agenda", "--json"]);
    let view = s.state_root();
    std::fs::remove_dir_all(&view).unwrap();
    // With the local state gone, this machine is a new replica of the same
    // workspace: it rebuilds everything from the journals in the folder.
    s.ok(&["rebuild"]);
    assert_eq!(s.ok(&["list", "--json"]), before);
    assert_eq!(s.ok(&["agenda", "--json"]), agenda_before);

    // And deleting just the sled database keeps the replica.
    let views: Vec<_> = std::fs::read_dir(&view)
        .unwrap()
        .map(|e| e.unwrap().path().join("view"))
        .collect();
    for v in views {
        std::fs::remove_dir_all(v).unwrap();
    }
    s.ok(&["rebuild"]);
    assert_eq!(s.ok(&["list", "--json"]), before);
    assert!(s.ok(&["doctor"]).contains("healthy"));
}

#[test]
fn bad_input_is_one_clear_line_and_changes_nothing() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Trần Văn Bình", "--email", "binh@example.vn"]);
    s.ok(&["add", "--name", "Trần Thu Hà"]);
    let before = s.ok(&["list", "--json"]);
    let journal_size = || -> u64 {
        walk(&s.workspace())
            .iter()
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum()
    };
    let size = journal_size();
    let cases: &[(&[&str], &str)] = &[
        (&["stage", "binh", "winning"], "unknown stage"),
        (
            &["follow-up", "binh", "--due", "2026-02-30", "--what", "x"],
            "not a date",
        ),
        (
            &["follow-up", "binh", "--due", "next week", "--what", "x"],
            "not a date",
        ),
        (
            &["log", "binh", "--summary", "x", "--at", "yesterday-ish"],
            "not a date",
        ),
        (&["add", "--name", "   "], "name must not be empty"),
        (&["add", "--name", "X", "--email", "not-an-email"], "not an email"),
        (&["log", "binh", "--summary", "x", "--satisfaction", "7"], "1 to 5"),
        (&["log", "binh", "--summary", "   "], "summary must not be empty"),
        (&["log", "binh", "--summary", "x", "--amount", "lots"], "not an amount"),
        (&["show", "Lý Tiểu Long"], "no customer matches"),
        (&["log", "nobody", "--summary", "x"], "no customer matches"),
        (&["edit", "binh", "--set", "trust=6"], "0 to 5"),
        (&["edit", "binh", "--set", "colour=red"], "unknown field"),
        (&["edit", "binh", "--set", "stage=nowhere"], "unknown stage"),
        (&["done", "ffffffffffffffff"], "no follow-up matches"),
        (&["stage", "binh", "prev"], "first stage"),
    ];
    for (args, message) in cases {
        let stderr = s.rejected(args);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: one line: {stderr}");
    }
    // An ambiguous reference lists the candidates, and fails the same way.
    let stderr = s.rejected(&["show", "tran"]);
    assert!(stderr.contains("matches 2 customers"), "{stderr}");
    assert!(
        stderr.contains("Trần Văn Bình") && stderr.contains("Trần Thu Hà"),
        "{stderr}"
    );
    // Nothing was written by any of them.
    assert_eq!(s.ok(&["list", "--json"]), before);
    assert_eq!(journal_size(), size);
    // Undo has nothing of theirs to take back: the last change is the second add.
    assert_eq!(s.ok(&["undo"]), "undid: add customer\n");
}

#[test]
fn a_whole_name_word_beats_the_start_of_one_and_pinyin() {
    let s = Sandbox::new();
    for name in [
        "Nguyễn Văn An",
        "Lan Anh",
        "张伟",
        "Trần Thị Lan",
        "Lâm Lanh",
        "曾国藩",
        "Zengler Tom",
        "单田芳",
        "Shannon Lee",
        "解缙",
        "区志明",
        "Ouyang Mei",
    ] {
        s.ok(&["add", "--name", name]);
    }
    let shown = |reference: &str| {
        let out = s.ok(&["show", reference]);
        out.lines().next().unwrap_or("").to_string()
    };
    // "an" is a word of one name only; "Anh" starts with it and 张伟's
    // pinyin (zhang) holds it.
    assert!(shown("an").contains("Nguyễn Văn An"), "{}", shown("an"));
    // Surnames by their surname reading, whole, before names starting so.
    assert!(shown("zeng").contains("曾国藩"));
    assert!(shown("shan").contains("单田芳"));
    assert!(shown("xie").contains("解缙"));
    assert!(shown("ou").contains("区志明"));
    assert!(shown("ou zhiming").contains("区志明"));
    // Two names with the word: the candidates are listed, and only they.
    let stderr = s.rejected(&["show", "lan"]);
    assert!(stderr.contains("matches 2 customers"), "{stderr}");
    assert!(
        stderr.contains("Lan Anh") && stderr.contains("Trần Thị Lan") && !stderr.contains("Lâm Lanh"),
        "{stderr}"
    );
    // With no whole word, the starts of words count, as before.
    assert!(shown("lanh").contains("Lâm Lanh"));
    assert!(s.rejected(&["show", "sha"]).contains("matches 2 customers"));
}

#[test]
fn nothing_to_undo_is_input_error() {
    let s = Sandbox::new();
    s.ok(&["init", s.workspace().to_str().unwrap()]);
    let stderr = s.rejected(&["undo"]);
    assert!(stderr.contains("nothing to undo"), "{stderr}");
    s.rejected(&["redo"]);
}

#[test]
fn a_second_process_is_told_the_workspace_is_open() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lê Văn Tám"]);
    // Hold the workspace the way a running guanxi does.
    let held = guanxi::workspace::Workspace::open(&s.workspace(), &s.state_root()).unwrap();
    let out = s.run(&["list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.starts_with("error: guanxi is already open on workspace"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("process {}", std::process::id())), "{stderr}");
    assert!(
        !stderr.to_lowercase().contains("sled"),
        "no raw database error: {stderr}"
    );
    drop(held);
    s.ok(&["list"]);
}

#[test]
fn undo_and_redo_survive_restarts() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Phạm Minh Châu"]);
    s.ok(&["log", "chau", "--summary", "Gặp mặt", "--channel", "meeting"]);
    s.ok(&["delete", "chau"]);
    assert_eq!(s.json(&["list", "--json"]).as_array().unwrap().len(), 0);
    assert_eq!(s.ok(&["undo"]), "undid: delete customer\n");
    let back = s.json(&["show", "chau", "--json"]);
    assert_eq!(
        back["interactions"].as_array().unwrap().len(),
        1,
        "the log comes back with the customer"
    );
    assert_eq!(s.ok(&["undo"]), "undid: log interaction\n");
    assert_eq!(
        s.json(&["show", "chau", "--json"])["interactions"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(s.ok(&["redo"]), "redid: log interaction\n");
    assert_eq!(
        s.json(&["show", "chau", "--json"])["interactions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A new change ends the redo chain.
    s.ok(&["undo"]);
    s.ok(&["edit", "chau", "--set", "company=Công ty ABC"]);
    s.rejected(&["redo"]);
    assert_eq!(s.ok(&["undo"]), "undid: edit customer\n");
    assert_eq!(s.json(&["show", "chau", "--json"])["company"], "");
}

#[test]
fn stage_names_in_three_languages() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "王芳"]);
    for (name, key) in [
        ("establish", "establish"),
        ("tạo dựng", "build"),
        ("发展", "develop"),
        ("duy tri", "maintain"),
        ("巩固", "consolidate"),
        ("Trung Thành", "loyalty"),
    ] {
        s.ok(&["stage", "王芳", name]);
        assert_eq!(s.json(&["show", "王", "--json"])["stage"], key);
    }
    s.rejected(&["stage", "王芳", "next"]);
}

#[test]
fn demo_is_deterministic_for_a_seed() {
    let a = Sandbox::new();
    let b = Sandbox::new();
    let args = ["--customers", "25", "--interactions", "200", "--seed", "42"];
    a.demo(&args);
    b.demo(&args);
    let env_now = "2026-11-22T08:00:00Z";
    let list = |s: &Sandbox| {
        let out = s
            .command(&["list", "--json"])
            .env("GUANXI_NOW", env_now)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(list(&a), list(&b));
    let customers: Value = serde_json::from_str(&list(&a)).unwrap();
    let customers = customers.as_array().unwrap();
    assert_eq!(customers.len(), 25);
    let total: u64 = customers.iter().map(|c| c["interaction_count"].as_u64().unwrap()).sum();
    assert_eq!(total, 200);
    let stages: std::collections::BTreeSet<&str> = customers.iter().map(|c| c["stage"].as_str().unwrap()).collect();
    assert!(stages.len() >= 5, "most stages are represented: {stages:?}");
}

#[test]
fn help_exists_for_every_command() {
    let s = Sandbox::new();
    for cmd in [
        "add",
        "list",
        "show",
        "edit",
        "log",
        "stage",
        "follow-up",
        "done",
        "agenda",
        "delete",
        "undo",
        "redo",
        "rebuild",
        "doctor",
        "demo",
    ] {
        let out = s.ok(&[cmd, "--help"]);
        assert!(out.contains("Usage: guanxi"), "{cmd}: {out}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// `--version` alone is answered before anything is read; it says what
/// clap says when the full command line is parsed.
#[test]
fn the_version_is_the_same_however_it_is_asked() {
    let s = Sandbox::new();
    let quick = s.ok(&["--version"]);
    assert_eq!(quick, format!("guanxi {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(s.ok(&["-V"]), quick);
    assert_eq!(s.ok(&["--lang", "vi", "--version"]), quick, "through clap");
}

/// `list --json` writes as it reads, and a reader that stops early
/// (`guanxi list --json | head`) ends it quietly, with success; what it
/// writes is the same JSON as before it streamed.
#[test]
fn a_json_list_streams_and_stops_quietly_when_the_reader_does() {
    use std::io::Read;
    let s = Sandbox::new();
    s.demo(&["--customers", "400", "--interactions", "400"]);
    let whole = s.json(&["list", "--json"]);
    assert_eq!(whole.as_array().map(Vec::len), Some(400));
    let text = s.ok(&["list", "--json"]);
    assert!(
        text.starts_with("[\n  {\n    \"id\": \"") && text.ends_with("\n  }\n]\n"),
        "pretty-printed, one record after another, as before it streamed"
    );
    let mut child = s
        .command(&["list", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, long before the list is written.
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Every file of the view, with its size and last change.
fn view_files_stamped(s: &Sandbox) -> Vec<(std::path::PathBuf, u64, std::time::SystemTime)> {
    let mut files = Vec::new();
    let mut dirs = vec![s.state_root()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::metadata(&path).unwrap();
            if meta.is_dir() {
                dirs.push(path);
            } else if path.components().any(|c| c.as_os_str() == "view") {
                files.push((path, meta.len(), meta.modified().unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// A command that only reads leaves the view's files as they were (sled
/// used to write its log's tail and its free segments again at every
/// open: vendor/sled/VENDORED.md). The first read after a write may still
/// write sled's snapshot of that write; and a log by id goes ahead of the
/// view (`store::quick_log`), so the first command after it applies it.
#[test]
fn a_command_that_only_reads_writes_nothing_to_the_view() {
    let s = Sandbox::new();
    let id = id_of(s.ok(&["add", "--name", "Trần Thị Mai", "--email", "mai@example.vn"]));
    s.ok(&["log", &id, "--summary", "gọi điện"]);
    s.ok(&["show", &id]);
    s.ok(&["show", &id]);
    let before = view_files_stamped(&s);
    assert!(before.iter().any(|(p, ..)| p.ends_with("db")), "{before:?}");
    // Past the file system's timestamp granularity, so a write would show.
    std::thread::sleep(std::time::Duration::from_millis(50));
    for args in [
        vec!["show", id.as_str()],
        vec!["show", "mai"],
        vec!["list"],
        vec!["agenda"],
    ] {
        s.ok(&args);
    }
    assert_eq!(view_files_stamped(&s), before);
}
