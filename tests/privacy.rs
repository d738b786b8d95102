//! What guanxi keeps on this machine is the user's alone, whatever the
//! umask: local state folders 0700, their files 0600, exports written with
//! `-o` 0600. Workspace files keep the umask: teammates read them.

#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{BIN, Sandbox};

fn mode(p: &Path) -> u32 {
    fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        out.push(p.clone());
        if p.is_dir() {
            walk(&p, out);
        }
    }
}

/// `guanxi ARGS` started by a shell under `umask`, in the sandbox.
fn run_with_umask(s: &Sandbox, umask: &str, args: &[&str]) -> Output {
    let base = s.command(args);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args)
        .env_clear()
        .envs(base.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .stdin(Stdio::null());
    let out = cmd.output().expect("run sh");
    assert!(
        out.status.success(),
        "umask {umask} guanxi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every folder of the local state is 0700 and every file 0600.
fn assert_private(root: &Path) {
    let mut all = vec![root.to_path_buf()];
    walk(root, &mut all);
    assert!(all.len() > 8, "the state was made: {all:?}");
    for p in all {
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&p), want, "{} is {:o}", p.display(), mode(&p));
    }
}

#[test]
fn local_state_and_exports_are_private_whatever_the_umask() {
    for umask in ["022", "000"] {
        let s = Sandbox::new();
        let csv = s.dir.path().join("c.csv");
        fs::write(&csv, "Name,Email\nTrần Văn An,an@x.vn\n").unwrap();
        let export = s.dir.path().join("customers.vcf");
        let ws = s.workspace();
        run_with_umask(&s, umask, &["add", "--name", "Lê Thị Lan"]);
        run_with_umask(&s, umask, &["log", "lan", "--summary", "Gọi điện", "--amount", "500"]);
        run_with_umask(&s, umask, &["import", csv.to_str().unwrap()]);
        run_with_umask(&s, umask, &["rebuild"]);
        run_with_umask(
            &s,
            umask,
            &["export", "--format", "vcard", "-o", export.to_str().unwrap()],
        );
        let demo = s.dir.path().join("demo");
        run_with_umask(
            &s,
            umask,
            &[
                "demo",
                "--no-tui",
                "--customers",
                "5",
                "--interactions",
                "9",
                "--workspace",
                demo.to_str().unwrap(),
            ],
        );
        assert_private(&s.state_root());
        assert_eq!(mode(&export), 0o600, "umask {umask}");

        // The workspace is shared: its files are as the umask says.
        let mut files = Vec::new();
        walk(&ws, &mut files);
        let shared = 0o666 & !u32::from_str_radix(umask, 8).unwrap();
        let meta = ws.join("guanxi-workspace.toml");
        assert_eq!(mode(&meta), shared, "umask {umask}");
        let journal = files
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "journal"))
            .expect("a journal");
        assert_eq!(mode(journal), shared, "umask {umask}");
    }
}

#[test]
fn state_left_open_by_an_older_guanxi_is_tightened() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lê Thị Lan"]);
    let mut all = vec![s.state_root()];
    walk(&s.state_root(), &mut all);
    for p in &all {
        let open = if p.is_dir() { 0o755 } else { 0o644 };
        fs::set_permissions(p, fs::Permissions::from_mode(open)).unwrap();
    }
    s.ok(&["list"]);
    assert_private(&s.state_root());
}

#[test]
fn an_export_over_an_existing_file_is_private_too() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lê Thị Lan"]);
    let export = s.dir.path().join("all.json");
    fs::write(&export, "old").unwrap();
    fs::set_permissions(&export, fs::Permissions::from_mode(0o644)).unwrap();
    s.ok(&["export", "-o", export.to_str().unwrap()]);
    assert_eq!(mode(&export), 0o600);
    assert!(fs::read_to_string(&export).unwrap().contains("Lê Thị Lan"));
}
