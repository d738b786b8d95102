//! Journals that are damaged or go back in time, through the real binary:
//! a flipped byte in the middle, a file put back to an older version, a
//! file cut short. Readers carry on past the damage, nothing after it is
//! ever cut, and the writer writes again what its journal lost, so the
//! whole team ends up with every change.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::Sandbox;

struct Team {
    lan: Sandbox,
    wei: Sandbox,
    shared: PathBuf,
}

impl Team {
    fn new() -> Team {
        let lan = Sandbox::for_user("Lan");
        let wei = Sandbox::for_user("Wei");
        let shared = lan.dir.path().join("shared");
        let out = lan
            .command_in(&shared, &["init", shared.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Team { lan, wei, shared }
    }

    /// Runs and insists on success; returns (stdout, stderr).
    fn run(&self, who: &Sandbox, args: &[&str]) -> (String, String) {
        let out = who.command_in(&self.shared, args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            out.status.success(),
            "guanxi {args:?} as {} failed:\n{stdout}{stderr}",
            who.user
        );
        (stdout, stderr)
    }

    fn names(&self, who: &Sandbox) -> Vec<String> {
        let (out, _) = self.run(who, &["list", "--json"]);
        common::sorted_names(&serde_json::from_str(&out).unwrap())
    }

    fn add(&self, who: &Sandbox, name: &str) {
        self.run(who, &["add", "--name", name]);
    }

    /// Lan's journal folder: the one that holds segment files.
    fn lan_journal(&self) -> PathBuf {
        fs::read_dir(self.shared.join("replicas"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|dir| dir.join("000001.journal").exists())
            .expect("Lan has written")
    }

    /// Lan and Wei both have exactly `all` (Wei after a sync), Lan still
    /// does after a rebuild from the journals alone, and both are healthy.
    fn everyone_has(&self, all: &[String]) {
        assert_eq!(self.names(&self.lan), all);
        self.run(&self.wei, &["sync"]);
        assert_eq!(self.names(&self.wei), all, "the teammate is not left waiting");
        self.run(&self.lan, &["rebuild"]);
        assert_eq!(self.names(&self.lan), all);
        for who in [&self.lan, &self.wei] {
            let (healthy, report) = self.doctor(who);
            assert!(healthy, "{}: {report}", who.user);
        }
    }

    fn doctor(&self, who: &Sandbox) -> (bool, String) {
        let out = who.command_in(&self.shared, &["doctor"]).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string())
    }
}

fn expected(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// (start, end) of every frame after the segment header.
fn frames(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 24;
    while pos + 8 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        out.push((pos, pos + 8 + len));
        pos += 8 + len;
    }
    out
}

fn flip(path: &Path, at: usize) {
    let mut bytes = fs::read(path).unwrap();
    bytes[at] ^= 0x5a;
    fs::write(path, bytes).unwrap();
}

#[test]
fn a_damaged_frame_in_the_middle_is_skipped_reported_and_written_again() {
    let team = Team::new();
    let first: Vec<String> = (1..=8).map(|i| format!("Khách {i}")).collect();
    for name in &first {
        team.add(&team.lan, name);
    }
    let segment = team.lan_journal().join("000001.journal");
    let bytes = fs::read(&segment).unwrap();
    let f = frames(&bytes);
    assert_eq!(f.len(), 8);
    // A byte flipped in the fourth change, as a bad sector or a sync
    // client's bad write would.
    flip(&segment, f[3].0 + 20);
    let len_after_damage = fs::metadata(&segment).unwrap().len();

    // A teammate reads past the damage, and is told about it.
    let (out, err) = team.run(&team.wei, &["sync"]);
    assert!(err.contains("damaged"), "the damage is reported: {out}{err}");
    let mut seen = first.clone();
    seen.remove(3);
    assert_eq!(
        team.names(&team.wei),
        expected(&seen.iter().map(String::as_str).collect::<Vec<_>>())
    );
    let (healthy, report) = team.doctor(&team.wei);
    assert!(!healthy, "a change is missing: {report}");
    assert!(report.contains("changes 4 are missing"), "{report}");
    let lan_line = report
        .lines()
        .find(|l| (l.contains(" file, ") || l.contains(" files, ")) && !l.contains("this replica"))
        .unwrap();
    assert!(lan_line.contains("1 damaged part skipped"), "{report}");
    assert!(!lan_line.contains("all frames intact"), "{report}");

    // The writer notices at its next start and writes the lost change again.
    let (_, err) = team.run(&team.lan, &["add", "--name", "Khách 9"]);
    assert!(err.contains("had lost 1 change (4); it was written again"), "{err}");
    assert_eq!(
        fs::metadata(&segment).unwrap().len(),
        len_after_damage,
        "nothing is cut"
    );
    let all: Vec<String> = (1..=9).map(|i| format!("Khách {i}")).collect();
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    assert_eq!(team.names(&team.lan), expected(&all));
    team.run(&team.wei, &["sync"]);
    assert_eq!(team.names(&team.wei), expected(&all));
    for who in [&team.lan, &team.wei] {
        let (healthy, report) = team.doctor(who);
        assert!(healthy, "{}: {report}", who.user);
        assert!(report.contains("damaged byte"), "{report}");
    }

    // A rebuild reads past the damage and cuts nothing.
    team.run(&team.lan, &["rebuild"]);
    assert_eq!(fs::metadata(&segment).unwrap().len(), len_after_damage);
    assert_eq!(team.names(&team.lan), expected(&all));
    assert!(team.doctor(&team.lan).0);
}

#[test]
fn a_journal_put_back_to_an_older_version_is_written_again_and_never_locks() {
    let team = Team::new();
    for name in ["Mai", "Lan Anh", "Hùng"] {
        team.add(&team.lan, name);
    }
    let segment = team.lan_journal().join("000001.journal");
    let backup = fs::read(&segment).unwrap();
    for name in ["Tuấn", "王芳", "李娜"] {
        team.add(&team.lan, name);
    }
    // A restored backup (or a sync client) puts the older file back.
    fs::write(&segment, &backup).unwrap();

    let (_, err) = team.run(&team.lan, &["add", "--name", "Bảy"]);
    assert!(
        err.contains("had lost 3 changes (4-6); they were written again"),
        "{err}"
    );
    team.everyone_has(&expected(&["Mai", "Lan Anh", "Hùng", "Tuấn", "王芳", "李娜", "Bảy"]));
}

#[test]
fn a_journal_cut_short_in_a_frame_keeps_its_bytes_and_loses_no_change() {
    let team = Team::new();
    for name in ["Một", "Hai", "Ba", "Bốn", "Năm"] {
        team.add(&team.lan, name);
    }
    let segment = team.lan_journal().join("000001.journal");
    let bytes = fs::read(&segment).unwrap();
    let f = frames(&bytes);
    // Cut in the middle of the third change.
    let cut = (f[2].0 + f[2].1) / 2;
    fs::write(&segment, &bytes[..cut]).unwrap();

    team.add(&team.lan, "Sáu");
    assert_eq!(
        fs::metadata(&segment).unwrap().len(),
        cut as u64,
        "acknowledged changes are never cut, even half of one"
    );
    team.everyone_has(&expected(&["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu"]));
}

#[test]
fn a_new_teammate_reads_everything_after_a_damaged_header() {
    let team = Team::new();
    for name in ["Alpha", "Beta"] {
        team.add(&team.lan, name);
    }
    let segment = team.lan_journal().join("000001.journal");
    flip(&segment, 3);
    team.run(&team.wei, &["sync"]);
    assert_eq!(team.names(&team.wei), expected(&["Alpha", "Beta"]));
}

#[test]
fn a_deleted_or_damaged_view_keeps_the_replica_id_and_undo_history() {
    for damage in ["deleted", "unfinished sled snapshot"] {
        let s = Sandbox::new();
        s.ok(&["add", "--name", "Đinh Bộ Lĩnh"]);
        s.ok(&["add", "--name", "周杰"]);
        let state = s.state_dir();
        let replica = fs::read_to_string(state.join("replica")).unwrap();
        match damage {
            "deleted" => fs::remove_dir_all(state.join("view")).unwrap(),
            _ => fs::write(state.join("view/snap.0000000000100000.generating"), [7u8; 300]).unwrap(),
        }
        let out = s.run(&["undo"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{damage}: {stderr}");
        assert!(!stderr.contains("another install"), "{damage}: {stderr}");
        assert_eq!(fs::read_to_string(state.join("replica")).unwrap(), replica, "{damage}");
        let list: serde_json::Value = s.json(&["list", "--json"]);
        assert_eq!(
            list.as_array().unwrap().len(),
            1,
            "{damage}: the undo took back one customer"
        );
        assert!(s.ok(&["doctor"]).contains("healthy"), "{damage}");
    }
}

#[test]
fn a_hostile_file_name_in_a_damage_report_reaches_the_terminal_escaped() {
    let team = Team::new();
    team.add(&team.lan, "Alpha");
    team.add(&team.lan, "Beta");
    let dir = team.lan_journal();
    let mut bytes = fs::read(dir.join("000001.journal")).unwrap();
    let f = frames(&bytes);
    bytes[f[0].0 + 20] ^= 0x5a;
    // A conflict copy, named by whoever can write the shared folder.
    fs::write(dir.join("000001 (conflicted copy \u{1b}]0;pwned\u{7}).journal"), &bytes).unwrap();
    let (_, err) = team.run(&team.wei, &["sync"]);
    assert!(err.contains("damaged"), "{err}");
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{7}'),
        "raw control characters: {err:?}"
    );
    assert!(err.contains("\\e]0;pwned\\x07"), "{err}");
}
