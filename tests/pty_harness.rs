//! The pseudo-terminal harness (`common::pty`) checked against the real
//! binary's command line and a few standard programs, so that TUI tests can
//! trust what it types and what it reads.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use common::Sandbox;
use common::pty::{DEFAULT_DEADLINE, Query, QueryScanner, Tui, key_bytes};
use portable_pty::CommandBuilder;

fn is_id(line: &str) -> bool {
    line.len() == 16 && line.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The (row, col) of the cell holding `c`, if it is on screen.
fn cell_of(tui: &Tui, c: char) -> Option<(u16, u16)> {
    let (cols, rows) = tui.size();
    tui.with_screen(|screen| {
        (0..rows)
            .flat_map(|row| (0..cols).map(move |col| (row, col)))
            .find(|&(row, col)| {
                screen
                    .cell(row, col)
                    .is_some_and(|cell| cell.contents() == c.to_string())
            })
    })
}

/// A standard program from PATH in a pty, for testing the harness alone.
fn program(argv: &[&str]) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(argv[0]);
    cmd.args(&argv[1..]);
    cmd.env_clear();
    cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd.env("TERM", "xterm-256color");
    cmd.env("LC_ALL", "C.UTF-8");
    cmd.cwd(std::env::temp_dir());
    cmd
}

#[test]
fn add_in_a_terminal_prints_the_new_id_and_exits_zero() {
    let s = Sandbox::new();
    let mut tui = Tui::start(&s, &["add", "--name", "Nguyễn Thị Hồng Nhung"], 80, 24);
    let screen = tui.wait_until("a 16-hex-digit id line", DEFAULT_DEADLINE, |screen| {
        screen.lines().any(is_id)
    });
    assert_eq!(tui.wait_exit(), 0, "{screen}");
    assert!(!tui.is_running());

    let id = screen.lines().find(|line| is_id(line)).unwrap();
    let shown = s.json(&["show", id, "--json"]);
    assert_eq!(shown["id"], id);
    assert_eq!(shown["name"], "Nguyễn Thị Hồng Nhung");
}

#[test]
fn list_in_a_terminal_lays_out_wide_characters() {
    let s = Sandbox::new();
    s.ok(&[
        "add",
        "--name",
        "Nguyễn Thị Hồng Nhung",
        "--company",
        "Công ty TNHH Minh Phát",
    ]);
    s.ok(&["add", "--name", "张伟", "--company", "深圳华信科技有限公司"]);
    let plain = s.ok(&["list"]);

    let mut tui = Tui::start(&s, &["list"], 120, 30);
    let screen = tui.wait_for("张伟");
    assert_eq!(tui.wait_exit(), 0, "{screen}");

    // The screen reads exactly as the plain output does.
    let row = screen.lines().find(|line| line.contains("张伟")).unwrap();
    let expected = plain.lines().find(|line| line.contains("张伟")).unwrap();
    assert_eq!(row, expected.trim_end());
    assert!(screen.contains("Nguyễn Thị Hồng Nhung"), "{screen}");

    // Each Han character fills two cells, and the columns still line up.
    let (r, c) = cell_of(&tui, '张').expect("张 on screen");
    tui.with_screen(|vt| {
        assert!(vt.cell(r, c).unwrap().is_wide());
        assert!(vt.cell(r, c + 1).unwrap().is_wide_continuation());
        assert_eq!(vt.cell(r, c + 2).unwrap().contents(), "伟");
    });
    let (_, company) = cell_of(&tui, '深').expect("company on screen");
    let header = screen.lines().next().unwrap().find("COMPANY").expect("COMPANY header");
    assert_eq!(usize::from(company), header, "{screen}");
}

#[test]
fn key_names_produce_xterm_bytes() {
    for (name, bytes) in [
        ("enter", &b"\r"[..]),
        ("Enter", b"\r"),
        ("esc", b"\x1b"),
        ("tab", b"\t"),
        ("backtab", b"\x1b[Z"),
        ("shift-tab", b"\x1b[Z"),
        ("backspace", b"\x7f"),
        ("up", b"\x1b[A"),
        ("down", b"\x1b[B"),
        ("right", b"\x1b[C"),
        ("left", b"\x1b[D"),
        ("home", b"\x1b[H"),
        ("end", b"\x1b[F"),
        ("pageup", b"\x1b[5~"),
        ("pagedown", b"\x1b[6~"),
        ("delete", b"\x1b[3~"),
        ("f1", b"\x1bOP"),
        ("f5", b"\x1b[15~"),
        ("ctrl-c", b"\x03"),
        ("ctrl-r", b"\x12"),
        ("ctrl-s", b"\x13"),
        ("ctrl-e", b"\x05"),
        ("ctrl-C", b"\x03"),
        ("ctrl-space", b"\x00"),
        ("alt-x", b"\x1bx"),
        ("alt-enter", b"\x1b\r"),
        ("q", b"q"),
        ("Q", b"Q"),
        ("/", b"/"),
        (" ", b" "),
        ("ế", "ế".as_bytes()),
        ("张", "张".as_bytes()),
    ] {
        assert_eq!(key_bytes(name), bytes, "key {name:?}");
    }
}

#[test]
#[should_panic(expected = "unknown key name")]
fn an_unknown_key_name_is_refused() {
    key_bytes("hyper-x");
}

#[test]
#[should_panic(expected = "waiting for \"Trần Không Có\" to appear on screen")]
fn wait_for_gives_up_when_the_text_never_comes() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lê Văn Tám"]);
    let tui = Tui::start(&s, &["list"], 80, 24);
    tui.wait_for_within("Trần Không Có", Duration::from_millis(500));
}

#[test]
fn a_failed_wait_names_the_needle_and_shows_the_screen() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lê Văn Tám"]);
    let tui = Tui::start(&s, &["list"], 80, 24);
    let message = panic_message(|| {
        tui.wait_for_within("Trần Không Có", Duration::from_millis(500));
    });
    assert!(message.contains("\"Trần Không Có\""), "{message}");
    assert!(message.contains("`guanxi list` has exited (exit code 0)"), "{message}");
    assert!(message.contains("Lê Văn Tám"), "the last screen is shown: {message}");
    assert!(message.contains("--- screen (80x24) ---"), "{message}");

    // A program that keeps running: the deadline is what ends the wait.
    let mut cat = Tui::spawn(program(&["cat"]), 80, 24);
    cat.type_text("đang chờ");
    cat.wait_for("đang chờ");
    let started = std::time::Instant::now();
    let message = panic_message(|| {
        cat.wait_for_within("never", Duration::from_millis(300));
    });
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(
        message.starts_with("timed out after 300 ms waiting for \"never\""),
        "{message}"
    );
    assert!(message.contains("`cat` is still running"), "{message}");
    assert!(message.contains("đang chờ"), "{message}");
    assert!(cat.is_running());
}

#[test]
fn typed_text_and_keys_reach_the_program() {
    let mut cat = Tui::spawn(program(&["cat"]), 80, 24);
    cat.type_text("Nguyễn Thị Hồng Nhung 张伟");
    cat.key("enter");
    // The terminal echoes the line, then cat prints it back.
    cat.wait_until("the line twice", DEFAULT_DEADLINE, |screen| {
        screen.matches("Nguyễn Thị Hồng Nhung 张伟").count() == 2
    });
    cat.type_text("xoz");
    cat.key("backspace");
    cat.key("a");
    cat.key("enter");
    cat.wait_for("xoa\nxoa");
    cat.key("ctrl-d");
    assert_eq!(cat.wait_exit(), 0);
    assert!(!cat.is_running());
}

#[test]
fn wait_until_gone_sees_text_leave() {
    // Clears the screen once a line is typed.
    let mut sh = Tui::spawn(
        program(&[
            "sh",
            "-c",
            "printf 'Đang tải...'; read line; printf '\\033[2J\\033[HXong'; read line",
        ]),
        80,
        24,
    );
    sh.wait_for("Đang tải...");
    sh.key("enter");
    let screen = sh.wait_until_gone("Đang tải...");
    assert!(screen.starts_with("Xong"), "{screen}");
}

#[test]
fn the_harness_answers_terminal_queries() {
    // In raw mode, ask where the cursor is and what the terminal is, read the
    // six- and seven-byte answers, and print them with ESC shown as '^'.
    let script = "stty raw -echo; printf 'abc\\033[6n'; a=$(dd bs=1 count=6 2>/dev/null); \
                  printf '\\033[c'; b=$(dd bs=1 count=7 2>/dev/null); stty sane; \
                  printf '\\nreply:%s|%s\\n' \"$a\" \"$b\" | tr '\\033' '^'";
    let mut sh = Tui::spawn(program(&["sh", "-c", script]), 80, 24);
    sh.wait_for("reply:^[1;4R|^[?1;2c");
    assert_eq!(sh.wait_exit(), 0);
}

#[test]
fn resizing_reaches_the_program_and_the_screen() {
    let mut sh = Tui::spawn(
        program(&["sh", "-c", "stty size; read line; stty size; read line"]),
        80,
        24,
    );
    sh.wait_for("24 80");
    sh.resize(100, 30);
    assert_eq!(sh.size(), (100, 30));
    sh.with_screen(|vt| assert_eq!((vt.size().0.get(), vt.size().1.get()), (30, 100)));
    sh.key("enter");
    sh.wait_for("30 100");
    assert_eq!(sh.screen().split('\n').count(), 30);
}

#[test]
#[cfg(target_os = "linux")]
fn dropping_a_running_program_ends_it() {
    let mut cat = Tui::spawn(program(&["cat"]), 80, 24);
    assert!(cat.is_running());
    let pid = cat.process_id().expect("a pid");
    let proc_entry = std::path::PathBuf::from(format!("/proc/{pid}"));
    assert!(proc_entry.exists());
    drop(cat);
    // Killed and reaped: not even a zombie is left.
    assert!(!proc_entry.exists());
}

#[test]
fn queries_are_found_across_chunk_boundaries() {
    let mut scanner = QueryScanner::default();
    assert_eq!(scanner.feed(b"ab\x1b[6nc"), vec![(6, Query::CursorPosition)]);
    assert_eq!(scanner.feed(b"\x1b[1m\x1b"), vec![]);
    assert_eq!(scanner.feed(b"["), vec![]);
    assert_eq!(
        scanner.feed(b"6n\x1b[c\x1b[0c"),
        vec![
            (2, Query::CursorPosition),
            (5, Query::DeviceAttributes),
            (9, Query::DeviceAttributes)
        ]
    );
    // A query's prefix interrupted by another escape still finds the second.
    assert_eq!(scanner.feed(b"\x1b[\x1b[6n"), vec![(6, Query::CursorPosition)]);
    assert_eq!(scanner.feed(b"\x1b[?6n\x1b[16n"), vec![]);
}

fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("should have panicked");
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else {
        String::new()
    }
}
