//! The command line while the terminal UI is open on the same workspace
//! under the same account: the UI lends its view to each command
//! (`guanxi::workspace::loan`), and shows what the command changed.
#![cfg(unix)]

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use common::Sandbox;
use common::pty::Tui;

/// Commands run at a fixed time, so the same command gives the same
/// answer with and without the UI.
const NOW: &str = "2026-03-02T09:00:00Z";

fn run(s: &Sandbox, args: &[&str]) -> Output {
    s.command(args).env("GUANXI_NOW", NOW).output().expect("run guanxi")
}

/// Runs and insists on success with nothing on stderr; returns stdout.
fn ok(s: &Sandbox, args: &[&str]) -> String {
    let out = run(s, args);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "guanxi {args:?} ({:?}):\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Sets up the sandbox's workspace (which may print a note).
fn setup(s: &Sandbox, args: &[&str]) {
    let out = run(s, args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The UI on the sandbox's workspace, its customers shown.
fn open_ui(s: &Sandbox, customers: usize) -> Tui {
    let mut cmd = Tui::command(s, &s.workspace(), &[]);
    cmd.env("GUANXI_NOW", NOW);
    let tui = Tui::spawn(cmd, 100, 30);
    tui.wait_for(&format!("Customers · {customers}"));
    tui
}

fn quit(tui: &mut Tui) {
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);
}

/// The socket the UI listens on, in the workspace's local state.
fn socket(s: &Sandbox) -> PathBuf {
    let dirs: Vec<_> = std::fs::read_dir(s.state_root())
        .expect("local state")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(dirs.len(), 1, "one workspace: {dirs:?}");
    dirs[0].join("ui.sock")
}

fn interactions_of(s: &Sandbox, who: &str) -> Vec<String> {
    let shown: serde_json::Value = serde_json::from_str(&ok(s, &["show", who, "--json"])).expect("JSON");
    shown["interactions"]
        .as_array()
        .expect("interactions")
        .iter()
        .map(|i| i["summary"].as_str().expect("summary").to_string())
        .collect()
}

#[test]
fn commands_run_while_the_ui_is_open_and_it_shows_their_changes() {
    let s = Sandbox::new();
    setup(&s, &["add", "--name", "Hồ Xuân Hương", "--company", "Công ty Thơ"]);
    let mut tui = open_ui(&s, 1);
    // The log pane: the customer's interactions.
    tui.key("3");
    tui.wait_for("Nothing logged yet.");

    let out = run(
        &s,
        &["log", "huong", "--summary", "Gọi từ dòng lệnh", "--channel", "call"],
    );
    let logged_at = Instant::now();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let id = String::from_utf8(out.stdout).unwrap();
    assert!(id.ends_with('\n') && id.trim().len() >= 4, "an id: {id:?}");
    // The customer's log in the UI shows it within a second.
    tui.wait_for_within("Gọi từ dòng lệnh", Duration::from_secs(1));
    assert!(logged_at.elapsed() < Duration::from_secs(1));
    tui.wait_for("Changed from the command line.");

    let due = ok(
        &s,
        &["follow-up", "huong", "--due", "2026-03-03", "--what", "Gửi báo giá"],
    );
    assert!(due.ends_with('\n') && due.trim().len() >= 4, "an id: {due:?}");
    let agenda_beside_ui = ok(&s, &["agenda", "--json"]);
    assert!(agenda_beside_ui.contains("Gửi báo giá"), "{agenda_beside_ui}");

    // The UI still works, and writes as before.
    tui.key("a");
    tui.wait_for("New customer");
    tui.type_text("Trần Văn Bình");
    tui.key("ctrl-s");
    tui.wait_for("Saved Trần Văn Bình");
    let agenda_beside_ui = ok(&s, &["agenda", "--json"]);
    let listed_beside_ui = ok(&s, &["list", "--json"]);
    assert!(listed_beside_ui.contains("Trần Văn Bình"), "{listed_beside_ui}");
    quit(&mut tui);

    // Alone, the same commands answer the same; nothing was written twice.
    assert_eq!(ok(&s, &["agenda", "--json"]), agenda_beside_ui);
    assert_eq!(ok(&s, &["list", "--json"]), listed_beside_ui);
    assert_eq!(interactions_of(&s, "huong"), vec!["Gọi từ dòng lệnh".to_string()]);
}

#[test]
fn errors_and_exit_codes_are_those_of_the_command_alone() {
    let s = Sandbox::new();
    setup(&s, &["add", "--name", "Hồ Xuân Hương"]);
    let alone = run(&s, &["log", "nobody", "--summary", "x"]);
    let mut tui = open_ui(&s, 1);
    let beside = run(&s, &["log", "nobody", "--summary", "x"]);
    assert_eq!(beside.status.code(), Some(2));
    assert_eq!(beside.status.code(), alone.status.code());
    assert_eq!(beside.stdout, alone.stdout);
    assert_eq!(beside.stderr, alone.stderr);
    // Reads and writes alike.
    ok(&s, &["show", "huong"]);
    ok(&s, &["stage", "huong", "build"]);
    tui.wait_for("Changed from the command line.");
    quit(&mut tui);
}

/// A borrower that is killed after the UI let go, before saying `done`:
/// its socket closes as this one's does.
#[test]
fn a_borrower_killed_before_giving_back_leaves_the_ui_working() {
    let s = Sandbox::new();
    setup(&s, &["add", "--name", "Hồ Xuân Hương"]);
    let mut tui = open_ui(&s, 1);
    let mut borrower = UnixStream::connect(socket(&s)).expect("the UI listens");
    borrower.write_all(b"borrow 1\n").unwrap();
    let mut ready = [0u8; 6];
    borrower.read_exact(&mut ready).unwrap();
    assert_eq!(&ready, b"ready\n");
    // While lent, the workspace opens as if the UI were closed.
    ok(&s, &["add", "--name", "Lý Thường Kiệt"]);
    drop(borrower);
    tui.wait_for_within("Lý Thường Kiệt", Duration::from_secs(1));
    tui.wait_for("Customers · 2");

    // The UI's own later writes are saved.
    tui.key("a");
    tui.wait_for("New customer");
    tui.type_text("Trần Văn Bình");
    tui.key("ctrl-s");
    tui.wait_for("Saved Trần Văn Bình");
    tui.wait_for("Customers · 3");
    quit(&mut tui);
    let names = common::sorted_names(&serde_json::from_str(&ok(&s, &["list", "--json"])).unwrap());
    assert_eq!(names, ["Hồ Xuân Hương", "Lý Thường Kiệt", "Trần Văn Bình"]);
}

/// A UI killed outright leaves its socket file behind: commands still
/// work, and the next UI listens in its place.
#[test]
fn a_socket_left_by_a_killed_ui_is_no_obstacle() {
    let s = Sandbox::new();
    setup(&s, &["add", "--name", "Hồ Xuân Hương"]);
    let mut tui = open_ui(&s, 1);
    let pid = tui.process_id().expect("a pid").to_string();
    let killed = std::process::Command::new("kill").args(["-9", &pid]).status().unwrap();
    assert!(killed.success());
    tui.wait_exit();
    assert!(socket(&s).exists(), "left behind");

    ok(&s, &["log", "huong", "--summary", "Sau sự cố"]);
    assert_eq!(interactions_of(&s, "huong"), vec!["Sau sự cố".to_string()]);

    let mut tui = open_ui(&s, 1);
    ok(&s, &["add", "--name", "Lý Thường Kiệt"]);
    tui.wait_for_within("Lý Thường Kiệt", Duration::from_secs(1));
    quit(&mut tui);
}

/// A file of `n` contacts with nothing that marks two as one person.
fn contacts(s: &Sandbox, n: usize) -> PathBuf {
    let mut csv = String::from("Name,Email\r\n");
    for i in 0..n {
        csv.push_str(&format!("Khách hàng số {i},khach{i}@example.vn\r\n"));
    }
    let path = s.dir.path().join("contacts.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

fn listed(s: &Sandbox) -> usize {
    common::names_in(&serde_json::from_str(&ok(s, &["list", "--json"])).unwrap()).len()
}

/// A real command killed at some point of its run beside the UI (before,
/// during or after borrowing the view): the UI goes on, and running the
/// import again finishes it with nobody twice.
#[test]
fn an_import_killed_beside_the_ui_loses_and_doubles_nothing() {
    let s = Sandbox::new();
    setup(&s, &["add", "--name", "Hồ Xuân Hương"]);
    let file = contacts(&s, 3000);
    let file = file.to_str().unwrap();
    let mut tui = open_ui(&s, 1);
    // Alone, the import takes about half a second in a debug build.
    for ms in [150, 350] {
        let mut import = s.command(&["import", file]).env("GUANXI_NOW", NOW).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        let _ = import.kill();
        let _ = import.wait();
    }

    // The UI answers keys and saves.
    tui.key("a");
    tui.wait_for("New customer");
    tui.type_text("Trần Văn Bình");
    tui.key("ctrl-s");
    tui.wait_for("Saved Trần Văn Bình");

    let out = run(&s, &["import", file]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    tui.wait_for_within("Customers · 3002", Duration::from_secs(2));
    quit(&mut tui);
    assert_eq!(listed(&s), 3002);
}

/// The UI killed while a command runs on its view: the command finishes
/// as it would alone.
#[test]
fn a_command_finishes_when_the_ui_is_killed_beside_it() {
    let s = Sandbox::new();
    setup(&s, &["add", "--name", "Hồ Xuân Hương"]);
    let file = contacts(&s, 3000);
    let mut tui = open_ui(&s, 1);
    let import = s
        .command(&["import", file.to_str().unwrap()])
        .env("GUANXI_NOW", NOW)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = tui.process_id().expect("a pid").to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-9", &pid])
            .status()
            .unwrap()
            .success()
    );
    tui.wait_exit();
    let out = import.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(listed(&s), 3001);
}
