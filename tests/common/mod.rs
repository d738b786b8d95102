//! Running the real `guanxi` binary in an isolated home, the way a user
//! (or a script) would.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

pub mod pty;
pub mod store;

pub const BIN: &str = env!("CARGO_BIN_EXE_guanxi");

/// A temporary home (config, local state) and workspace for one test.
pub struct Sandbox {
    pub dir: TempDir,
    pub user: String,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox::for_user("An")
    }

    pub fn for_user(user: &str) -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
            user: user.to_string(),
        }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn workspace(&self) -> PathBuf {
        self.dir.path().join("workspace")
    }

    /// Where this sandbox's local state (replica id, lock, view) lives.
    pub fn state_root(&self) -> PathBuf {
        self.home().join(".local/share/guanxi/workspaces")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.command_in(&self.workspace(), args)
    }

    pub fn command_in(&self, workspace: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("GUANXI_USER", &self.user)
            .env("GUANXI_WORKSPACE", workspace)
            .env("TZ", "UTC")
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run guanxi")
    }

    /// Runs and insists on success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "guanxi {args:?} failed ({:?}):\n{}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs and insists on success; returns stdout and stderr (for what a
    /// command says beside its answer).
    pub fn succeeds(&self, args: &[&str]) -> (String, String) {
        let out = self.run(args);
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
        assert!(out.status.success(), "guanxi {args:?} failed:\n{stdout}{stderr}");
        (stdout, stderr)
    }

    /// The local state folder of the sandbox's one workspace (replica id,
    /// lock, view).
    pub fn state_dir(&self) -> PathBuf {
        let mut dirs = std::fs::read_dir(self.state_root()).expect("local state");
        dirs.next().expect("a workspace's state").expect("readable").path()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let text = self.ok(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("guanxi {args:?}: bad JSON ({e}):\n{text}"))
    }

    /// `guanxi demo --no-tui ARGS` filling this sandbox's workspace: demo
    /// writes only into the folder its `--workspace` flag names.
    pub fn demo(&self, args: &[&str]) -> String {
        let workspace = self.workspace();
        let mut all = vec![
            "demo",
            "--workspace",
            workspace.to_str().expect("UTF-8 path"),
            "--no-tui",
        ];
        all.extend_from_slice(args);
        self.ok(&all)
    }

    /// Runs expecting rejected input: status 2 and one `error:` line first.
    pub fn rejected(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(
            out.status.code(),
            Some(2),
            "guanxi {args:?} should be rejected; stderr: {stderr}"
        );
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(out.stdout.is_empty(), "nothing on stdout when rejected");
        stderr
    }
}

/// The customers' names in a `list --json` answer, in its order.
/// An "editor" for `$EDITOR`: a script that writes `printf_format` (a
/// `printf` format: `\\n` is a line break) into the file it is given.
#[cfg(unix)]
pub fn editor_writing(s: &Sandbox, printf_format: &str) -> PathBuf {
    let editor = s.dir.path().join("editor.sh");
    std::fs::write(&editor, format!("#!/bin/sh\nprintf '{printf_format}' > \"$1\"\n")).unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    editor
}

pub fn names_in(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .expect("a JSON list")
        .iter()
        .map(|c| c["name"].as_str().expect("a name").to_string())
        .collect()
}

/// The same, sorted.
pub fn sorted_names(list: &serde_json::Value) -> Vec<String> {
    let mut names = names_in(list);
    names.sort();
    names
}

/// Opens a view's sled database directly, as a test that tampers with it
/// does, waiting while a store just dropped lets go of its lock: sled's
/// background work can hold it a moment after the last handle is gone
/// (the product waits the same way, in `view_files::open_view_when_free`).
pub fn open_sled_when_free(view: &Path) -> sled::Db {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match sled::open(view) {
            Err(sled::Error::Io(e)) if e.to_string().starts_with("could not acquire lock") => {
                assert!(std::time::Instant::now() < deadline, "the view stays locked: {e}");
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other.expect("the view opens"),
        }
    }
}
