//! Killing guanxi mid-write loses nothing that was reported saved, and
//! leaves a workspace that opens and passes `doctor`.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::Sandbox;

/// Parses "saved C of N customers, I of M interactions".
fn saved_counts(line: &str) -> Option<(u64, u64)> {
    let rest = line.strip_prefix("saved ")?;
    let mut words = rest.split_whitespace();
    let customers = words.next()?.parse().ok()?;
    let interactions = words.nth(3)?.parse().ok()?;
    Some((customers, interactions))
}

#[test]
fn sigkill_during_a_long_demo_keeps_everything_reported_saved() {
    for round in 0..3 {
        let s = Sandbox::new();
        // `demo` fills only the folder its flag names (GUANXI_WORKSPACE,
        // which the later commands use, is never filled with samples).
        let workspace = s.workspace();
        let mut child = s
            .command(&[
                "demo",
                "--workspace",
                workspace.to_str().unwrap(),
                "--customers",
                "20000",
                "--interactions",
                "200000",
                "--seed",
                "5",
                "--no-tui",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start demo");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut reported = (0, 0);
        let mut saved_lines = 0;
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("demo output");
            if let Some(counts) = saved_counts(&line) {
                reported = counts;
                saved_lines += 1;
                // Kill at a different point each round.
                if saved_lines == 2 + round {
                    child.kill().expect("SIGKILL");
                    break;
                }
            }
        }
        child.wait().expect("reap");
        assert!(reported.0 > 0, "the demo reported progress before it was killed");

        let doctor = s.run(&["doctor"]);
        let text = String::from_utf8_lossy(&doctor.stdout);
        assert!(
            doctor.status.success(),
            "doctor after SIGKILL:\n{text}{}",
            String::from_utf8_lossy(&doctor.stderr)
        );
        assert!(text.contains("healthy"), "{text}");

        let list = s.json(&["list", "--json"]);
        let customers = list.as_array().unwrap();
        let interactions: u64 = customers.iter().map(|c| c["interaction_count"].as_u64().unwrap()).sum();
        assert!(
            customers.len() as u64 >= reported.0,
            "{} customers kept, {} reported saved",
            customers.len(),
            reported.0
        );
        assert!(
            interactions >= reported.1,
            "{interactions} interactions kept, {} reported saved",
            reported.1
        );

        // The workspace keeps working: a new change lands after the recovered ones.
        s.ok(&["add", "--name", "Võ Thị Sáu"]);
        assert!(s.ok(&["doctor"]).contains("healthy"));
    }
}

/// The mark a command that runs alone leaves beside the view it wrote
/// without syncing: the id of the boot it wrote in.
fn unsynced_mark(s: &Sandbox) -> Option<String> {
    fs::read_to_string(s.state_dir().join("view-unsynced")).ok()
}

/// The machine restarts: the mark names a boot that is not this one.
fn restart(s: &Sandbox) {
    fs::write(
        s.state_dir().join("view-unsynced"),
        "00000000-0000-4000-8000-000000000000",
    )
    .unwrap();
}

#[test]
fn a_restart_after_commands_left_the_view_unsynced_makes_it_again_and_loses_nothing() {
    let Ok(boot) = fs::read_to_string("/proc/sys/kernel/random/boot_id") else {
        eprintln!("skipped: this system does not say its boot id, and every command syncs the view");
        return;
    };
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Phạm Nhật Vượng"]);
    s.ok(&["log", "Phạm Nhật Vượng", "--summary", "gọi điện báo giá"]);
    assert_eq!(unsynced_mark(&s).as_deref(), Some(boot.trim()), "the boot is marked");

    // The machine goes down before the view reached the disk: sled's file
    // is left as garbage, and the next boot has another id.
    let state = s.state_dir();
    let db = state.join("view").join("db");
    let len = fs::metadata(&db).unwrap().len() as usize;
    fs::write(&db, vec![0x5a; len]).unwrap();
    restart(&s);

    let (stdout, stderr) = s.succeeds(&["show", "Phạm Nhật Vượng"]);
    assert!(
        stdout.contains("gọi điện báo giá"),
        "the interaction is back:\n{stdout}"
    );
    assert!(
        stderr.starts_with("note: making the local view again from the journals"),
        "the user is told before the wait:\n{stderr}"
    );
    assert!(stderr.contains("the machine restarted"), "and then why:\n{stderr}");
    // `show` left the view it made unsynced too, in this boot.
    assert_eq!(unsynced_mark(&s).as_deref(), Some(boot.trim()));

    // Work that syncs what it writes syncs the view whole as it opens and
    // takes the mark away: a restart now costs nothing.
    let report = s.ok(&["doctor"]);
    assert!(unsynced_mark(&s).is_none(), "doctor took the mark away:\n{report}");
    let out = s.run(&["show", "Phạm Nhật Vượng"]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn after_a_restart_the_old_view_still_mends_a_journal_a_sync_client_put_back() {
    if fs::read_to_string("/proc/sys/kernel/random/boot_id").is_err() {
        eprintln!("skipped: this system does not say its boot id, and every command syncs the view");
        return;
    }
    let s = Sandbox::new();
    s.ok(&["add", "--name", "马云"]);
    let journal = fs::read_dir(s.workspace().join("replicas"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("000001.journal");
    let before_the_log = fs::read(&journal).unwrap();
    s.ok(&["log", "马云", "--summary", "谈妥了年度合同"]);
    // The machine shuts down cleanly (the view reached the disk whole);
    // meanwhile a sync client puts back the journal as it was before the
    // log.
    fs::write(&journal, &before_the_log).unwrap();
    restart(&s);

    let (stdout, stderr) = s.succeeds(&["show", "马云"]);
    assert!(
        stdout.contains("谈妥了年度合同"),
        "the log the journal lost is back:\n{stdout}\n{stderr}"
    );
    assert!(stderr.contains("the machine restarted"), "{stderr}");
    // The new view was made from the journals alone: the log is in the
    // journal again, for teammates too; and the two agree.
    let out = s.ok(&["doctor"]);
    assert!(out.trim_end().ends_with("healthy") && !out.contains("problem"), "{out}");
}

#[test]
fn a_power_cut_that_lost_the_last_view_writes_and_the_pending_note_keeps_this_replica() {
    if fs::read_to_string("/proc/sys/kernel/random/boot_id").is_err() {
        eprintln!("skipped: this system does not say its boot id, and every command syncs the view");
        return;
    }
    let s = Sandbox::new();
    let id = s.ok(&["add", "--name", "Lê Thị Hồng"]);
    let id = id.trim();
    s.ok(&["show", id]);
    let state = s.state_dir();
    let replica = fs::read_to_string(state.join("replica")).unwrap();
    // What reached the disk before the power went: the view and the
    // pending-write note as they were after `add`; the journal, synced by
    // every change, has the two that followed.
    let old_view = tempfile::tempdir().unwrap();
    common::store::copy_dir(&state.join("view"), old_view.path());
    let old_pending = fs::read(state.join("pending")).unwrap();
    s.ok(&["log", id, "--summary", "Hẹn gặp thứ Sáu"]);
    s.ok(&["stage", id, "next"]);
    fs::remove_dir_all(state.join("view")).unwrap();
    common::store::copy_dir(old_view.path(), &state.join("view"));
    fs::write(state.join("pending"), old_pending).unwrap();
    restart(&s);

    let (stdout, stderr) = s.succeeds(&["show", id]);
    assert!(
        stdout.contains("Hẹn gặp thứ Sáu") && stdout.contains("Establish"),
        "{stdout}"
    );
    assert!(!stderr.contains("another install"), "{stderr}");
    assert_eq!(
        fs::read_to_string(state.join("replica")).unwrap(),
        replica,
        "its own changes are no other install's: the replica keeps its id"
    );
    assert_eq!(fs::read_dir(s.workspace().join("replicas")).unwrap().count(), 1);
    let out = s.ok(&["doctor"]);
    assert!(out.trim_end().ends_with("healthy"), "{out}");
}
