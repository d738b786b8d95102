//! What a terminal user sets guanxi up with: shell completions, manual
//! pages, `--config` / `GUANXI_CONFIG`, `guanxi paths`, and the
//! environment listed in `--help`.
//!
//! The manual pages are rendered by groff to check they make no warning;
//! that part is skipped (with a note on stderr) when `groff` is not on
//! PATH, unless `GUANXI_REQUIRE_GROFF=1` is set, as CI does: then it fails.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use common::Sandbox;

/// Every command's path of names below `guanxi` (`["deal", "add"]`),
/// walking the CLI's own tree, `help` aside.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, above: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut path = above.to_vec();
            path.push(sub.get_name().to_string());
            walk(sub, &path, out);
            out.push(path);
        }
    }
    let mut out = Vec::new();
    walk(&guanxi::cli::command(), &[], &mut out);
    assert!(out.len() > 25, "the walk found {} commands", out.len());
    out
}

#[test]
fn completions_generate_for_every_shell_and_name_every_command() {
    let s = Sandbox::new();
    let commands = command_paths();
    for shell in clap_complete::Shell::value_variants() {
        let name = shell
            .to_possible_value()
            .expect("a shell has a name")
            .get_name()
            .to_string();
        let script = s.ok(&["completions", &name]);
        assert!(script.len() > 1000, "{name}: {script}");
        for path in &commands {
            let command = path.last().expect("a name");
            assert!(
                script.contains(command.as_str()),
                "{name} completion lacks `{}`",
                path.join(" ")
            );
        }
        // Flags of a command deep in the tree (`deal add --probability`) too.
        assert!(script.contains("probability"), "{name}");
    }
    // Descriptions are in the language asked for.
    let vi = s.ok(&["--lang", "vi", "completions", "fish"]);
    assert!(vi.contains("khách hàng"), "{vi}");
    s.rejected(&["completions", "tcsh"]);
}

/// The page files `guanxi man --out` should write.
fn expected_pages() -> BTreeSet<String> {
    let mut pages: BTreeSet<String> = command_paths()
        .iter()
        .map(|path| format!("guanxi-{}.1", path.join("-")))
        .collect();
    pages.insert("guanxi.1".to_string());
    pages.insert("guanxi-config.5".to_string());
    pages
}

fn listing(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .expect("the folder was made")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn man_writes_a_page_per_command_and_the_config_page() {
    let s = Sandbox::new();
    let dir = s.dir.path().join("man/man-pages");
    let said = s.ok(&["man", "--out", dir.to_str().unwrap()]);
    let expected = expected_pages();
    assert_eq!(listing(&dir), expected);
    assert!(said.contains(&expected.len().to_string()), "{said}");
    let add = fs::read_to_string(dir.join("guanxi-add.1")).unwrap();
    assert!(add.contains(".TH guanxi-add 1"), "{add}");
    assert!(add.contains("Add a customer"), "{add}");
    let config = fs::read_to_string(dir.join("guanxi-config.5")).unwrap();
    for key in [
        "remaining_years",
        "deal_probability",
        "min_health",
        "KEYMAP.TOML",
        "THEME.TOML",
        "GUANXI_NOW",
    ] {
        assert!(config.contains(key), "guanxi-config(5) lacks {key}");
    }
    let root = fs::read_to_string(dir.join("guanxi.1")).unwrap();
    assert!(
        root.contains("GUANXI_CONFIG") && root.contains("guanxi\\-add(1)"),
        "{root}"
    );
    // Without --out, guanxi(1) itself.
    assert_eq!(s.ok(&["man"]), root);
}

#[test]
fn man_pages_render_without_warnings() {
    let Some(groff) = groff_or_skip() else {
        return;
    };
    let s = Sandbox::new();
    for lang in ["en", "vi", "zh"] {
        let dir = s.dir.path().join(format!("man-{lang}"));
        s.ok(&["--lang", lang, "man", "--out", dir.to_str().unwrap()]);
        let pages = listing(&dir);
        assert_eq!(pages, expected_pages());
        for page in pages {
            let path = dir.join(&page);
            // -k: the text is UTF-8 (as man-db reads it); -Tutf8: as a
            // terminal shows it; -ww: every warning; -z: no output.
            let out = std::process::Command::new(&groff)
                .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
                .arg(&path)
                .output()
                .expect("run groff");
            let warnings = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && warnings.is_empty(),
                "{lang} {page}:\n{warnings}"
            );
        }
    }
}

fn groff_or_skip() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("groff"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var("GUANXI_REQUIRE_GROFF").as_deref() == Ok("1") {
            panic!("GUANXI_REQUIRE_GROFF=1 but `groff` is not on PATH; install it (apt-get install groff-base)");
        }
        eprintln!("skipping the manual page check: `groff` is not on PATH (set GUANXI_REQUIRE_GROFF=1 to fail)");
    }
    found
}

/// `label: path` lines of `guanxi paths`, by label.
fn paths_of(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|line| {
            let (label, path) = line
                .split_once(": ")
                .unwrap_or_else(|| panic!("not `label: path`: {line}"));
            (label.to_string(), path.to_string())
        })
        .collect()
}

#[test]
fn paths_says_where_everything_is() {
    let s = Sandbox::new();
    let config_dir = s.home().join(".config/guanxi");
    let before = paths_of(&s.ok(&["paths"]));
    let labels: Vec<&str> = before.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        ["config file", "keymap", "theme", "workspace", "local state", "view"]
    );
    assert_eq!(before[0].1, config_dir.join("config.toml").display().to_string());
    assert_eq!(before[1].1, config_dir.join("keymap.toml").display().to_string());
    assert_eq!(before[2].1, config_dir.join("theme.toml").display().to_string());
    assert_eq!(before[3].1, s.workspace().display().to_string());
    assert!(before[4].1.starts_with('('), "no workspace yet: {before:?}");
    assert!(!s.workspace().exists(), "paths makes nothing");

    s.ok(&["add", "--name", "Nguyễn Văn An"]);
    let meta = fs::read_to_string(s.workspace().join("guanxi-workspace.toml")).unwrap();
    let id = meta
        .lines()
        .find_map(|l| l.strip_prefix("id = "))
        .map(|v| v.trim_matches('"').to_string())
        .expect("the workspace id");
    let state = s.state_root().join(&id);
    let json = s.json(&["paths", "--json"]);
    assert_eq!(json["state"], state.display().to_string());
    assert_eq!(json["view"], state.join("view").display().to_string());
    assert_eq!(json["workspace"], s.workspace().display().to_string());
    assert!(state.join("view").is_dir(), "the view shown is the one in use");
    let after = paths_of(&s.ok(&["paths"]));
    assert_eq!(after[4].1, state.display().to_string());

    // In the user's language.
    let vi = s.ok(&["--lang", "vi", "paths"]);
    assert!(vi.starts_with("tệp cấu hình: "), "{vi}");
}

#[test]
fn a_config_named_but_missing_is_refused() {
    let s = Sandbox::new();
    let missing = s.dir.path().join("nowhere/config.toml");
    let said = s.rejected(&["--config", missing.to_str().unwrap(), "list"]);
    assert!(said.contains("nowhere/config.toml"), "{said}");
    assert_eq!(said.lines().count(), 1, "{said}");
    let out = s
        .command(&["add", "--name", "Trần Thị Bình"])
        .env("GUANXI_CONFIG", &missing)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(out.stdout.is_empty());
    assert!(
        said.starts_with("error: ") && said.contains("nowhere/config.toml"),
        "{said}"
    );
    assert!(!s.workspace().exists(), "nothing was done");
    // Even for commands that read no config.
    s.rejected(&["--config", missing.to_str().unwrap(), "completions", "bash"]);
}

#[test]
fn the_config_named_is_the_one_read() {
    let s = Sandbox::new();
    // The default config asks for Chinese; the one named, Vietnamese.
    let default_dir = s.home().join(".config/guanxi");
    fs::create_dir_all(&default_dir).unwrap();
    fs::write(default_dir.join("config.toml"), "lang = \"zh\"\n").unwrap();
    let team = s.dir.path().join("team setup");
    fs::create_dir_all(&team).unwrap();
    let named = team.join("guanxi.toml");
    fs::write(&named, "lang = \"vi\"\n").unwrap();

    let by_env = |args: &[&str]| {
        let out = s.command(args).env("GUANXI_CONFIG", &named).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(s.ok(&["add", "--help"]).contains("客户"), "the default config's lang");
    assert!(
        by_env(&["add", "--help"]).contains("khách hàng"),
        "GUANXI_CONFIG's lang is used"
    );
    assert!(
        s.ok(&["--config", named.to_str().unwrap(), "add", "--help"])
            .contains("khách hàng"),
        "--config's lang is used"
    );
    let json: serde_json::Value = serde_json::from_str(&by_env(&["paths", "--json"])).unwrap();
    assert_eq!(json["config"], named.display().to_string());
    assert_eq!(json["keymap"], team.join("keymap.toml").display().to_string());
    assert_eq!(json["theme"], team.join("theme.toml").display().to_string());

    // The named file is the one checked: a mistake in it is reported with its path.
    fs::write(&named, "[cadence]\nloyalty = 0\n").unwrap();
    let out = s.command(&["list"]).env("GUANXI_CONFIG", &named).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("guanxi.toml") && said.contains("cadence.loyalty"),
        "{said}"
    );

    // The flag wins over the environment.
    let other = team.join("other.toml");
    fs::write(&other, "lang = \"en\"\n").unwrap();
    let out = s
        .command(&["--config", other.to_str().unwrap(), "paths", "--json"])
        .env("GUANXI_CONFIG", &named)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["config"], other.display().to_string());

    // A relative path is taken from where guanxi runs.
    let out = s
        .command(&["--config", "other.toml", "paths", "--json"])
        .current_dir(&team)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["config"], other.display().to_string());
}

#[test]
fn help_lists_the_environment() {
    let s = Sandbox::new();
    let help = s.ok(&["--help"]);
    for name in [
        "GUANXI_WORKSPACE",
        "GUANXI_CONFIG",
        "GUANXI_USER",
        "LC_ALL",
        "NO_COLOR",
        "EDITOR",
        "XDG_CONFIG_HOME",
        "GUANXI_NOW",
        "GUANXI_SEGMENT_BYTES",
    ] {
        assert!(help.contains(name), "--help lacks {name}:\n{help}");
    }
    assert!(help.contains("Settings for tests"), "{help}");
    let zh = s.ok(&["--lang", "zh", "--help"]);
    assert!(zh.contains("环境变量") && zh.contains("GUANXI_NOW"), "{zh}");
}
