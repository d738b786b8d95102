//! guanxi writes only where it was asked to: sample data never goes into
//! the user's workspace, and a command that only reads never makes a
//! workspace out of a mistyped folder.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::Sandbox;
use common::pty::Tui;

/// Every file under `dir` with its contents: what "nothing written" means.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(contents(&p));
            } else {
                out.insert(p.clone(), fs::read(&p).unwrap_or_default());
            }
        }
    }
    out
}

/// A temporary folder inside the sandbox, for the samples `demo` makes
/// without `--workspace`.
fn tmp(s: &Sandbox) -> PathBuf {
    let dir = s.dir.path().join("tmp");
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn names(s: &Sandbox, workspace: &Path) -> Vec<String> {
    let out = s.command_in(workspace, &["list", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    common::names_in(&serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn demo_leaves_the_users_workspace_alone() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lê Thị Lan"]);
    let before = contents(&s.workspace());

    // GUANXI_WORKSPACE names the user's workspace: demo makes its own.
    let out = s
        .command(&["demo", "--no-tui", "--customers", "6", "--interactions", "20"])
        .env("TMPDIR", tmp(&s))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        contents(&s.workspace()),
        before,
        "nothing written to the user's workspace"
    );
    assert_eq!(names(&s, &s.workspace()), ["Lê Thị Lan"]);
    let samples: Vec<PathBuf> = fs::read_dir(tmp(&s)).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(samples.len(), 1, "{samples:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&samples[0].display().to_string()));
    assert_eq!(names(&s, &samples[0]).len(), 6);

    // The config's workspace is the user's too.
    let config = s.home().join(".config/guanxi");
    fs::create_dir_all(&config).unwrap();
    fs::write(
        config.join("config.toml"),
        format!("workspace = {:?}\n", s.workspace().display().to_string()),
    )
    .unwrap();
    let out = s
        .command(&["demo", "--no-tui", "--customers", "3", "--interactions", "5"])
        .env_remove("GUANXI_WORKSPACE")
        .env("TMPDIR", tmp(&s))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(contents(&s.workspace()), before);
    assert_eq!(fs::read_dir(tmp(&s)).unwrap().count(), 2);

    // Undo there still takes back the user's own change.
    assert_eq!(s.ok(&["undo"]), "undid: add customer\n");
    assert!(names(&s, &s.workspace()).is_empty());
}

#[test]
fn demo_fills_only_a_new_or_empty_folder() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lê Thị Lan"]);
    let before = contents(&s.workspace());
    let ws = s.workspace();
    let err = s.rejected(&["demo", "--no-tui", "--workspace", ws.to_str().unwrap()]);
    assert!(err.contains("is not empty"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(contents(&ws), before, "nothing written");

    let papers = s.dir.path().join("papers");
    fs::create_dir_all(&papers).unwrap();
    fs::write(papers.join("taxes.xlsx"), b"x").unwrap();
    s.rejected(&["demo", "--no-tui", "--workspace", papers.to_str().unwrap()]);
    assert_eq!(fs::read_dir(&papers).unwrap().count(), 1);
    let file = papers.join("taxes.xlsx");
    s.rejected(&["demo", "--no-tui", "--workspace", file.to_str().unwrap()]);
    assert_eq!(fs::read(&file).unwrap(), b"x");

    // An empty folder (a sync client's hidden marker aside) is fine.
    let synced = s.dir.path().join("synced");
    fs::create_dir_all(synced.join(".stfolder")).unwrap();
    let out = s.ok(&[
        "demo",
        "--no-tui",
        "--customers",
        "4",
        "--interactions",
        "8",
        "--workspace",
        synced.to_str().unwrap(),
    ]);
    assert!(out.contains(&synced.display().to_string()), "{out}");
    assert_eq!(names(&s, &synced).len(), 4);
}

#[test]
fn the_welcome_screens_sample_data_goes_to_a_new_workspace() {
    let s = Sandbox::new();
    s.ok(&["init", s.workspace().to_str().unwrap()]);
    let before = contents(&s.workspace());
    let mut cmd = Tui::command(&s, &s.workspace(), &[]);
    cmd.env("TMPDIR", tmp(&s));
    let mut tui = Tui::spawn(cmd, 100, 30);
    tui.wait_for("This workspace has no customers yet");
    tui.key("s");
    tui.wait_for("Sample data: new workspace");
    tui.wait_for(&tmp(&s).display().to_string());
    tui.wait_for("Customers · 120");
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);
    // And says where the sample workspace stays.
    let told = tui.screen();
    assert!(told.contains("the sample workspace stays in"), "{told}");

    // Closing the UI records how far it read (seen.toml); nothing else.
    let mut after = contents(&s.workspace());
    after.retain(|p, _| !p.ends_with("seen.toml"));
    assert_eq!(after, before, "the open workspace is unchanged");
    assert!(names(&s, &s.workspace()).is_empty());
    let samples: Vec<PathBuf> = fs::read_dir(tmp(&s)).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(samples.len(), 1, "{samples:?}");
    assert_eq!(names(&s, &samples[0]).len(), 120);
}

/// Commands that have nothing to do in a new workspace: each refuses a
/// folder that is not one, and leaves no workspace or local state behind.
#[test]
fn commands_that_need_a_workspace_do_not_make_one() {
    let s = Sandbox::new();
    let file = s.dir.path().join("contacts.csv");
    fs::write(&file, "Name,Email\nLê Thị Lan,lan@x.vn\n").unwrap();
    let export = s.dir.path().join("out.json");
    let (file, export) = (file.to_str().unwrap(), export.to_str().unwrap());
    let commands: &[&[&str]] = &[
        &["list"],
        &["show", "lan"],
        &["agenda"],
        &["export"],
        &["export", "-o", export],
        &["import", file, "--dry-run"],
        &["edit", "lan", "--set", "trust=3"],
        &["log", "lan", "--summary", "call"],
        &["stage", "lan", "next"],
        &["follow-up", "lan", "--due", "today", "--what", "call"],
        &["done", "0123456789abcdef"],
        &["delete", "lan"],
        &["undo"],
        &["redo"],
        &["dupes"],
        &["doctor"],
        &["sync"],
        &["snapshot"],
        &["rebuild"],
        &[],
    ];
    let missing = s.dir.path().join("teem");
    let empty = s.dir.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    for folder in [&missing, &empty] {
        for args in commands {
            let out = s.command_in(folder, args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} in {folder:?}: {err}");
            assert!(out.stdout.is_empty(), "{args:?}");
            assert!(
                err.starts_with("error: ") && err.lines().count() == 1,
                "{args:?}: {err}"
            );
            assert!(err.contains("is not a guanxi workspace"), "{args:?}: {err}");
            assert!(err.contains(&format!("guanxi init {}", folder.display())), "{err}");
        }
    }
    assert!(!missing.exists(), "no folder made");
    assert_eq!(fs::read_dir(&empty).unwrap().count(), 0, "no workspace made");
    assert!(!s.state_root().exists(), "no local state made");
    assert!(!Path::new(export).exists());

    // Without any workspace named, the default one is not made either.
    let out = s.command(&["list"]).env_remove("GUANXI_WORKSPACE").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no workspace in"), "{err}");
    assert!(!s.home().join(".local/share/guanxi/workspace").exists());

    // A folder of other files is not a workspace either (status 2: the
    // user named it).
    fs::write(empty.join("taxes.xlsx"), b"x").unwrap();
    let out = s.command_in(&empty, &["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds other files"));
}

#[test]
fn commands_that_start_a_workspace_say_so() {
    let s = Sandbox::new();
    let out = s.run(&["add", "--name", "Lê Thị Lan"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("note: ") && err.contains("it is a new one now"),
        "{err}"
    );
    let out = s.run(&["add", "--name", "Trần Văn Bình"]);
    assert!(out.stderr.is_empty(), "said once");
    assert_eq!(s.json(&["list", "--json"]).as_array().unwrap().len(), 2);
}

#[test]
fn a_config_file_that_cannot_be_used_is_refused_with_its_line() {
    let s = Sandbox::new();
    let config = s.home().join(".config/guanxi");
    fs::create_dir_all(&config).unwrap();
    for (text, line, says) in [
        (
            "user = \"Lan\"\n[clv]\nremaining_years = -5\n",
            3,
            "clv.remaining_years = -5",
        ),
        ("currency = \"VNDD\"\n", 1, "VNDD"),
        ("[cadence]\nloyalty = 9000\n", 2, "cadence.loyalty = 9000"),
        ("user = \"Lan\"\nlang = \"en\n", 2, "line 2"),
    ] {
        fs::write(config.join("config.toml"), text).unwrap();
        let err = s.rejected(&["add", "--name", "Lê Thị Lan"]);
        assert!(
            err.contains("config.toml") && err.contains(&format!("line {line}, column")),
            "{err}"
        );
        assert!(err.contains(says), "{text:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert!(!s.workspace().exists(), "nothing done with a broken config");
}
