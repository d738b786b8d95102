//! Quick capture in the terminal UI, typed into the real binary in a
//! pseudo-terminal: open the line, type, Enter, and find it all in the
//! customer's detail and through the command line.

mod common;

use common::Sandbox;
use common::pty::Tui;

#[test]
fn a_line_typed_in_the_capture_is_in_the_customers_detail() {
    let s = Sandbox::new();
    s.ok(&["init", s.workspace().to_str().unwrap()]);
    s.ok(&["add", "--name", "Nguyễn Thị Hồng Nhung", "--company", "Minh Phát"]);
    s.ok(&["add", "--name", "Trần Văn Bình"]);
    let mut tui = Tui::start(&s, &["--lang", "vi"], 80, 24);
    tui.wait_for("Trần Văn Bình");

    tui.key("n");
    tui.wait_for("Ghi nhanh");
    tui.type_text("gặp chị Nhung hôm qua +2w #vip 1.2tr: bàn hợp đồng");
    // What it understood, before anything is saved.
    tui.wait_for("Nguyễn Thị Hồng Nhung (Minh Phát)");
    tui.wait_for("Cuộc họp");
    tui.wait_for("1.200.000");
    tui.key("enter");
    tui.wait_for("Đã lưu cho Nguyễn Thị Hồng Nhung: bàn hợp đồng");
    tui.wait_until_gone("Ghi nhanh");

    // Her detail has the meeting, the follow-up and the tag.
    tui.key("/");
    tui.type_text("nhung");
    tui.wait_for("Khách hàng · 1/2");
    tui.key("enter");
    tui.key("enter");
    tui.wait_for("bàn hợp đồng");
    tui.wait_for("Liên hệ lại: bàn hợp đồng");
    tui.wait_for("vip");
    tui.key("esc");
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);

    let shown = s.json(&["show", "nhung", "--json"]);
    assert_eq!(shown["interactions"][0]["channel"], "meeting");
    assert_eq!(shown["interactions"][0]["amount"], 1_200_000.0);
    assert_eq!(shown["tags"], serde_json::json!(["vip"]));
    assert_eq!(shown["follow_ups"][0]["what"], "Liên hệ lại: bàn hợp đồng");
}

#[test]
fn an_ambiguous_line_saves_nothing_and_esc_closes_it() {
    let s = Sandbox::new();
    s.ok(&["init", s.workspace().to_str().unwrap()]);
    s.ok(&["add", "--name", "Nguyễn Văn An"]);
    s.ok(&["add", "--name", "An Trần"]);
    let mut tui = Tui::start(&s, &[], 80, 24);
    tui.wait_for("An Trần");
    tui.key("n");
    tui.wait_for("Quick capture");
    tui.type_text("call An yesterday");
    tui.wait_for("ambiguous: 2 customers match");
    tui.key("enter");
    tui.wait_for("nothing saved");
    tui.key("esc");
    tui.wait_until_gone("Quick capture");
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);
    for who in ["Nguyễn Văn An", "An Trần"] {
        assert_eq!(s.json(&["show", who, "--json"])["interactions"], serde_json::json!([]));
    }
}
