//! Search as a user types it in the terminal UI: the order of the rows
//! found, read off the screen of the real binary in a pseudo-terminal.

mod common;

use common::Sandbox;
use common::pty::Tui;

/// Where each name first shows on `screen` (its line), in the order given.
fn lines_of(screen: &str, names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .map(|name| {
            screen
                .lines()
                .position(|l| l.contains(name))
                .unwrap_or_else(|| panic!("{name} not on screen:\n{screen}"))
        })
        .collect()
}

#[test]
fn whole_words_in_order_come_first_then_apart_then_out_of_order() {
    let s = Sandbox::new();
    for (name, company) in [
        ("Phạm Thị Trang", ""),
        ("Trần Công Thịnh", ""),
        ("Hoàng Minh", "Trần Thị Co"),
        ("Lê Thị Trân", ""),
        ("Trần Văn Thi", ""),
        ("Trần Thị Mai", ""),
        ("Nguyễn Văn An", ""),
        ("Trần Thị Anh", ""),
    ] {
        s.ok(&["add", "--name", name, "--company", company]);
    }
    let mut tui = Tui::start(&s, &[], 100, 24);
    tui.wait_for("Customers · 8");
    tui.key("/");
    tui.type_text("tran thi");
    let screen = tui.wait_for("Customers · 7 of 8");
    // Whole words next to each other in order (by name among them), in
    // order apart, out of order; then words that start name words, in
    // order then not; then a match outside the name.
    let expected = [
        "Trần Thị Anh",
        "Trần Thị Mai",
        "Trần Văn Thi",
        "Lê Thị Trân",
        "Trần Công Thịnh",
        "Phạm Thị Trang",
        "Hoàng Minh",
    ];
    let lines = lines_of(&screen, &expected);
    assert!(lines.is_sorted(), "rows out of order ({lines:?}):\n{screen}");
    assert!(!screen.contains("Nguyễn Văn An"), "{screen}");
    tui.key("esc");
    tui.key("esc");
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);
}
