//! `guanxi forget` end to end: two replicas share a workspace, one forgets
//! a person, the other syncs; after each has scrubbed its own files, no
//! byte of the person's text is left in any file of the workspace, of
//! either local state, or in a fresh export. A teammate's op about the
//! person made at the same time is dropped on both; undo cannot bring the
//! person back; without a terminal and without --yes nothing happens.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::Sandbox;

/// The person's text, as typed and as the indexes fold it.
const NEEDLES: &[&str] = &[
    "Zephyrine",
    "赵雪梅",
    "Quỳnh",
    "quynh zephyrine",
    "zephyrine.q@example.test",
    "912345678",
    "Thích trà sen Huế",
    "喜欢西湖龙井",
    "Xyloquartz",
    "合同细节",
    "Vortexmint",
    "Plumbagora",
    "Quillberry",
    "Snorkelwisp",
];

fn run_in(s: &Sandbox, ws: &Path, args: &[&str]) -> std::process::Output {
    s.command_in(ws, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn ok_in(s: &Sandbox, ws: &Path, args: &[&str]) -> String {
    let out = run_in(s, ws, args);
    assert!(
        out.status.success(),
        "guanxi {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every needle found in the raw bytes of every file under `dirs`
/// (ASCII case ignored), with the file.
fn found_in(dirs: &[&Path], needles: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    for d in dirs {
        files_under(d, &mut files);
    }
    let mut hits = Vec::new();
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else { continue };
        let lower = bytes.to_ascii_lowercase();
        for n in needles {
            let n = n.to_ascii_lowercase();
            if lower.windows(n.len()).any(|w| w == n.as_bytes()) {
                hits.push(format!("{n} in {}", f.display()));
            }
        }
    }
    hits
}

fn add_the_person(lan: &Sandbox, shared: &Path) {
    ok_in(
        lan,
        shared,
        &[
            "add",
            "--name",
            "Quỳnh Zephyrine 赵雪梅",
            "--email",
            "zephyrine.q@example.test",
            "--phone",
            "+84 912 345 678",
            "--notes",
            "Thích trà sen Huế, 喜欢西湖龙井",
            "--tag",
            "vip",
        ],
    );
    ok_in(
        lan,
        shared,
        &[
            "log",
            "zephyrine",
            "--summary",
            "Bàn về hợp đồng Xyloquartz",
            "--body",
            "合同细节 Xyloquartz",
            "--channel",
            "meeting",
        ],
    );
    ok_in(
        lan,
        shared,
        &[
            "follow-up",
            "zephyrine",
            "--due",
            "+3d",
            "--what",
            "Gửi báo giá Vortexmint",
        ],
    );
    ok_in(
        lan,
        shared,
        &[
            "deal",
            "add",
            "zephyrine",
            "--title",
            "Hợp đồng Plumbagora 大单",
            "--amount",
            "5000",
        ],
    );
    let plan = lan.dir.path().join("plan.txt");
    std::fs::write(&plan, "mission: Kế hoạch Quillberry\nobjective: Ký hợp đồng\n").unwrap();
    ok_in(
        lan,
        shared,
        &["plan", "set", "zephyrine", "--file", plan.to_str().unwrap()],
    );
}

#[test]
fn forgetting_leaves_no_byte_of_the_person_on_either_replica() {
    let lan = Sandbox::for_user("Lan");
    let wei = Sandbox::for_user("Wei");
    let shared = lan.dir.path().join("team");
    ok_in(&lan, &shared, &["init", shared.to_str().unwrap()]);
    add_the_person(&lan, &shared);
    ok_in(
        &lan,
        &shared,
        &["add", "--name", "Hồ Xuân Hương", "--email", "huong@example.test"],
    );
    ok_in(&lan, &shared, &["log", "xuan huong", "--summary", "Đọc thơ Bánh trôi"]);
    ok_in(&lan, &shared, &["snapshot"]);
    ok_in(&wei, &shared, &["sync"]);
    ok_in(&wei, &shared, &["snapshot"]);
    let shown = ok_in(&wei, &shared, &["show", "zephyrine"]);
    assert!(shown.contains("Xyloquartz"), "{shown}");

    let out = ok_in(&lan, &shared, &["forget", "zephyrine", "--yes"]);
    assert!(out.contains("forgot Quỳnh Zephyrine 赵雪梅"), "{out}");
    assert!(out.contains("interactions 1, follow-ups 1, deals 1, plans 1"), "{out}");
    // Wei, who has not seen the forget yet (Lan's folder has not reached
    // Wei's machine), logs a call about the person meanwhile.
    let lan_folder = std::fs::read_dir(shared.join("replicas"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join("000001.journal").exists())
        .unwrap();
    let away = lan.dir.path().join("away");
    std::fs::rename(&lan_folder, &away).unwrap();
    ok_in(
        &wei,
        &shared,
        &["log", "zephyrine", "--summary", "Cuộc gọi Snorkelwisp"],
    );
    std::fs::rename(&away, &lan_folder).unwrap();
    // Lan reads it before Wei has heard of the forget: dropped.
    ok_in(&lan, &shared, &["sync"]);
    assert!(!ok_in(&lan, &shared, &["list"]).contains("Zephyrine"));
    let synced = ok_in(&wei, &shared, &["sync"]);
    assert!(synced.contains("replaced by tombstones"), "{synced}");
    // Lan reads Wei's rewritten journal again.
    ok_in(&lan, &shared, &["sync"]);

    for (s, name) in [(&lan, "lan"), (&wei, "wei")] {
        assert!(!ok_in(s, &shared, &["list"]).contains("Zephyrine"), "{name}");
        assert_eq!(
            s.command_in(&shared, &["show", "zephyrine"])
                .output()
                .unwrap()
                .status
                .code(),
            Some(2)
        );
        let export = ok_in(s, &shared, &["export"]);
        for n in NEEDLES {
            assert!(
                !export.to_lowercase().contains(&n.to_lowercase()),
                "{name}'s export holds {n}"
            );
        }
        // The other customer is untouched.
        let other = ok_in(s, &shared, &["show", "xuan huong"]);
        assert!(other.contains("Bánh trôi"), "{name}: {other}");
        assert!(export.contains("huong@example.test"), "{name}");
        // The view is what a replay of the scrubbed journals gives
        // (`doctor` fails otherwise).
        ok_in(s, &shared, &["doctor"]);
    }
    let hits = found_in(&[&shared, &lan.home(), &wei.home()], NEEDLES);
    assert!(
        hits.is_empty(),
        "the person's text is still on disk:\n{}",
        hits.join("\n")
    );
    // And the other customer's text is still there (the grep can find text).
    assert!(!found_in(&[&shared], &["Bánh trôi"]).is_empty());
}

#[test]
fn undo_after_forget_does_not_bring_the_person_back_and_says_why() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Người Trước"]);
    add_the_person_here(&s);
    s.ok(&["forget", "zephyrine", "--yes"]);
    let out = s
        .command(&["undo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("forgetting a person cannot be undone"), "{stderr}");
    // Undo took back the change before the forget (adding Người Trước),
    // not the forget.
    assert!(out.status.success(), "{stderr}");
    let list = s.ok(&["list"]);
    assert!(!list.contains("Zephyrine") && !list.contains("Người Trước"), "{list}");
    // Nothing further brings the person back either.
    let more = s.run(&["undo"]);
    assert!(!more.status.success());
    s.ok(&["redo"]);
    let list = s.ok(&["list"]);
    assert!(!list.contains("Zephyrine") && list.contains("Người Trước"), "{list}");
}

fn add_the_person_here(s: &Sandbox) {
    let ws = s.workspace();
    add_the_person(s, &ws);
}

#[test]
fn without_a_terminal_and_without_yes_forget_refuses_and_changes_nothing() {
    let s = Sandbox::new();
    add_the_person_here(&s);
    let mut files = Vec::new();
    files_under(&s.workspace(), &mut files);
    files.sort();
    let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let err = s.rejected(&["forget", "zephyrine"]);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--yes"), "{err}");
    let after: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(before == after, "the workspace changed");
    assert!(s.ok(&["show", "zephyrine"]).contains("Xyloquartz"));
}

#[test]
fn in_a_terminal_forget_asks_for_the_name_and_a_wrong_one_keeps_everything() {
    use common::pty::Tui;
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Hồ Xuân Hương"]);
    add_the_person_here(&s);
    let mut t = Tui::start(&s, &["forget", "zephyrine"], 200, 30);
    t.wait_for("Type their name to go on:");
    t.type_text("Hồ Xuân Hương");
    t.key("enter");
    t.wait_for("nothing was forgotten");
    assert_eq!(t.wait_exit(), 0);
    assert!(s.ok(&["show", "zephyrine"]).contains("Xyloquartz"));

    let mut t = Tui::start(&s, &["forget", "zephyrine"], 200, 30);
    t.wait_for("Type their name to go on:");
    // Accents and case need not be typed.
    t.type_text("quynh zephyrine 赵雪梅");
    t.key("enter");
    t.wait_for("forgot Quỳnh Zephyrine 赵雪梅");
    assert_eq!(t.wait_exit(), 0);
    assert!(!s.ok(&["list"]).contains("Zephyrine"));
    assert!(s.ok(&["list"]).contains("Hồ Xuân Hương"));
}
