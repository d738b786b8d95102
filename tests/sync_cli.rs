//! Sharing a workspace, through the real binary: two processes (two
//! replicas, two local states) on one folder; joining; `sync`; a copied
//! install; snapshots for new teammates.

mod common;

use std::process::{Child, Stdio};

use common::Sandbox;
use serde_json::Value;

fn spawn(s: &Sandbox, ws: &std::path::Path, args: &[&str]) -> Child {
    s.command_in(ws, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(child: Child) -> String {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json_in(s: &Sandbox, ws: &std::path::Path, args: &[&str]) -> Value {
    let out = s.command_in(ws, args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn two_processes_on_one_folder_merge_field_by_field() {
    let lan = Sandbox::for_user("Lan");
    let wei = Sandbox::for_user("Wei");
    let shared = lan.dir.path().join("shared");
    let init = lan
        .command_in(&shared, &["init", shared.to_str().unwrap(), "--name", "Đội bán hàng"])
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let id = finish(spawn(
        &lan,
        &shared,
        &["add", "--name", "Trịnh Văn Quyết", "--company", "Cũ"],
    ));
    let id = id.trim();

    // Different fields at the same time, from two processes.
    let a = spawn(&lan, &shared, &["edit", id, "--set", "company=Công ty Hòa Phát"]);
    let b = spawn(
        &wei,
        &shared,
        &["edit", id, "--set", "title=总经理", "--set", "tags=vip"],
    );
    finish(a);
    finish(b);
    // The same field at the same time.
    let a = spawn(&lan, &shared, &["edit", id, "--set", "segment=smb"]);
    let b = spawn(&wei, &shared, &["edit", id, "--set", "segment=enterprise"]);
    finish(a);
    finish(b);

    finish(spawn(&lan, &shared, &["sync"]));
    finish(spawn(&wei, &shared, &["sync"]));
    let on_lan = json_in(&lan, &shared, &["show", id, "--json"]);
    let on_wei = json_in(&wei, &shared, &["show", id, "--json"]);
    assert_eq!(on_lan["company"], "Công ty Hòa Phát");
    assert_eq!(on_lan["title"], "总经理");
    assert_eq!(on_lan["tags"], serde_json::json!(["vip"]));
    let segment = on_lan["segment"].as_str().unwrap().to_string();
    assert!(segment == "smb" || segment == "enterprise", "{segment}");
    for field in ["company", "title", "tags", "segment", "updated_at"] {
        assert_eq!(on_lan[field], on_wei[field], "{field} differs between the two replicas");
    }
    assert_eq!(
        lan.command_in(&shared, &["list", "--json"]).output().unwrap().stdout,
        wei.command_in(&shared, &["list", "--json"]).output().unwrap().stdout,
    );
}

#[test]
fn init_join_and_sync_report_who_did_what() {
    let lan = Sandbox::for_user("Lan");
    let wei = Sandbox::for_user("Wei");
    let shared = lan.dir.path().join("team");
    let out = lan
        .command_in(&shared, &["init", shared.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("share this folder"), "{text}");
    // A second init on the same folder is refused, with the reason.
    let again = lan
        .command_in(&shared, &["init", shared.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already the guanxi workspace"));

    finish(spawn(&lan, &shared, &["add", "--name", "Lê Thánh Tông"]));
    finish(spawn(
        &lan,
        &shared,
        &["log", "thanh tong", "--summary", "Gặp mặt", "--channel", "meeting"],
    ));
    let report = finish(spawn(&wei, &shared, &["sync"]));
    assert!(report.contains("2 changes from replica"), "{report}");
    assert!(report.contains("2 by Lan"), "{report}");
    finish(spawn(&wei, &shared, &["stage", "thanh tong", "next"]));
    let report = finish(spawn(&lan, &shared, &["sync"]));
    assert!(report.contains("1 by Wei"), "{report}");
    let shown = json_in(&lan, &shared, &["show", "thanh tong", "--json"]);
    assert_eq!(shown["stage"], "establish");
    assert_eq!(shown["stage_history"][0]["by"], "Wei");
    assert_eq!(shown["interactions"][0]["author"], "Lan");
    assert!(finish(spawn(&lan, &shared, &["sync"])).contains("up to date"));
}

#[test]
fn a_copied_install_takes_a_new_id_and_loses_nothing() {
    let original = Sandbox::for_user("An");
    let ws = original.workspace();
    original.ok(&["add", "--name", "Trần Hưng Đạo"]);
    // Someone copies the whole home folder to a new machine.
    let copy = Sandbox::for_user("An");
    copy_dir(&original.home(), &copy.home());
    copy.command_in(&ws, &["add", "--name", "Copy's customer"])
        .output()
        .unwrap();
    // The original now finds changes in its journal it never wrote.
    let out = original.run(&["add", "--name", "Original's customer"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("another install was writing as replica"), "{stderr}");
    let names = |s: &Sandbox| -> Vec<String> { common::sorted_names(&json_in(s, &ws, &["list", "--json"])) };
    let expected = ["Copy's customer", "Original's customer", "Trần Hưng Đạo"];
    assert_eq!(names(&original), expected);
    assert_eq!(names(&copy), expected);
    assert_eq!(
        std::fs::read_dir(ws.join("replicas")).unwrap().count(),
        2,
        "two writers, two replicas"
    );
    assert!(original.ok(&["doctor"]).contains("healthy"));
    assert!(copy.command_in(&ws, &["doctor"]).output().unwrap().status.success());
}

#[test]
fn a_new_teammate_starts_from_a_snapshot_and_old_segments_can_go() {
    let lan = Sandbox::for_user("Lan");
    let ws = lan.workspace();
    // Small segments, so the journal rotates.
    let run = |s: &Sandbox, args: &[&str]| {
        let out = s
            .command_in(&ws, args)
            .env("GUANXI_SEGMENT_BYTES", "1024")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(
        &lan,
        &[
            "demo",
            "--workspace",
            ws.to_str().unwrap(),
            "--customers",
            "30",
            "--interactions",
            "200",
            "--no-tui",
        ],
    );
    for i in 0..12 {
        run(&lan, &["add", "--name", &format!("Khách hàng {i}")]);
    }
    let segments = std::fs::read_dir(ws.join("replicas"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let journals = std::fs::read_dir(&segments)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".journal"))
        .count();
    assert!(journals >= 3, "the journal rotated: {journals} segments");
    let out = run(&lan, &["snapshot"]);
    assert!(out.contains("wrote"), "{out}");
    // Lan is the only replica, has read everything, and the snapshot
    // covers it all: every segment but the newest may go.
    assert!(out.contains("may be removed"), "{out}");
    let removable: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| l.trim().to_string())
        .collect();
    assert!(!removable.is_empty());
    for p in &removable {
        std::fs::remove_file(p).unwrap();
    }
    run(&lan, &["add", "--name", "Sau khi dọn dẹp"]);

    let wei = Sandbox::for_user("Wei");
    let doctor = run(&wei, &["doctor"]);
    assert!(doctor.contains("started from snapshot"), "{doctor}");
    assert!(doctor.contains("healthy"), "{doctor}");
    assert_eq!(run(&wei, &["list", "--json"]), run(&lan, &["list", "--json"]));
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else if e.file_name() != "lock" {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn a_teammate_clock_far_ahead_is_taken_in_with_a_warning() {
    let lan = Sandbox::for_user("Lan");
    let wei = Sandbox::for_user("Wei");
    let ws = lan.workspace();
    lan.ok(&["add", "--name", "Ngô Quyền"]);
    // Wei's machine thinks it is an hour later than it is.
    let ahead = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let out = wei
        .command_in(&ws, &["edit", "ngo quyen", "--set", "company=Bạch Đằng"])
        .env("GUANXI_NOW", &ahead)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = lan.run(&["sync"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("runs 59 minutes ahead") || stderr.contains("runs 60 minutes ahead"),
        "{stderr}"
    );
    // The change is taken in, not rejected.
    assert_eq!(lan.json(&["show", "ngo quyen", "--json"])["company"], "Bạch Đằng");
}
