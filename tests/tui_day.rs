//! The salesperson's day in the terminal UI (issue 14): what was said last
//! time, shown where it is read; the log's rows opened and followed; a
//! changed form that asks before it is thrown away; "only mine" on every
//! pane; logging that offers to tick off the follow-up it answered.
//! Typed into the real binary in a pseudo-terminal.

mod common;

use common::Sandbox;
use common::pty::Tui;

fn quit(tui: &mut Tui) {
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);
}

/// A customer and a call with an outcome, a rating and two paragraphs of
/// notes, logged from the command line.
fn customer_with_a_call(s: &Sandbox) {
    s.ok(&["add", "--name", "Lê Văn Tám", "--company", "Công ty Minh Phát"]);
    s.ok(&[
        "log",
        "tam",
        "--summary",
        "Gọi tư vấn máy lọc nước",
        "--outcome",
        "Hẹn gặp thứ Năm",
        "--satisfaction",
        "4",
        "--body",
        "Anh Tám cần báo giá 30 máy.\n\nVợ anh quyết định cuối cùng.",
    ]);
}

#[test]
fn what_was_said_last_time_is_shown_in_show_the_side_panel_and_the_log() {
    let s = Sandbox::new();
    customer_with_a_call(&s);

    // `guanxi show`, plain text: the outcome, the rating and each line of
    // the notes under the interaction.
    let shown = s.ok(&["show", "tam"]);
    for expected in [
        "Outcome: Hẹn gặp thứ Năm",
        "Against the promise: 4 · above promise",
        "      Anh Tám cần báo giá 30 máy.\n      \n      Vợ anh quyết định cuối cùng.",
    ] {
        assert!(shown.contains(expected), "{expected:?} not in:\n{shown}");
    }

    let mut tui = Tui::start(&s, &[], 120, 32);
    // The side panel: the last contact and what came of it, unopened.
    let screen = tui.wait_for("Last contact");
    assert!(screen.contains("Gọi tư vấn máy lọc nước"), "{screen}");
    tui.wait_for("Outcome: Hẹn gặp thứ Năm");

    // The log: the row says it has more; Enter opens it to the whole note,
    // each paragraph on its own line; a second Enter opens the customer.
    tui.key("3");
    let screen = tui.wait_for("Log · Lê Văn Tám · 1");
    assert!(screen.contains("▸"), "{screen}");
    assert!(!screen.contains("Vợ anh quyết định"), "{screen}");
    tui.key("enter");
    let screen = tui.wait_for("Vợ anh quyết định cuối cùng.");
    let lines: Vec<&str> = screen.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.contains("Anh Tám cần báo giá 30 máy."))
        .unwrap();
    let second = lines
        .iter()
        .position(|l| l.contains("Vợ anh quyết định cuối cùng."))
        .unwrap();
    assert_eq!(second, first + 2, "the paragraphs keep their blank line:\n{screen}");
    tui.key("enter");
    let screen = tui.wait_for("Interactions (1)");
    assert!(screen.contains("┌ Lê Văn Tám"), "{screen}");
    tui.key("esc");
    tui.wait_until_gone("Interactions (1)");

    // Esc closes the opened row again.
    tui.key("3");
    tui.wait_for("Vợ anh quyết định cuối cùng.");
    tui.key("esc");
    tui.wait_until_gone("Vợ anh quyết định cuối cùng.");
    quit(&mut tui);
}

#[test]
fn everyones_log_opens_the_customer_of_the_row_not_the_one_selected_elsewhere() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "An Bình"]);
    customer_with_a_call(&s);
    let mut tui = Tui::start(&s, &[], 120, 32);
    // "An Bình" comes first in the customers list and is selected there.
    tui.wait_for("An Bình");
    tui.key("t");
    tui.wait_for("Log · everyone");
    tui.key("enter");
    tui.wait_for("Vợ anh quyết định cuối cùng.");
    tui.key("enter");
    let screen = tui.wait_for("Interactions (1)");
    assert!(screen.contains("Lê Văn Tám"), "{screen}");
    quit(&mut tui);
}

#[test]
fn paragraphs_written_in_the_editor_are_kept() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Nguyễn Du"]);
    let editor = common::editor_writing(&s, "Khách thích thơ.\\n\\nMuốn mua bản in giới hạn.\\n");
    let mut cmd = Tui::command(&s, &s.workspace(), &[]);
    cmd.env("EDITOR", &editor);
    let mut tui = Tui::spawn(cmd, 100, 30);
    tui.wait_for("Nguyễn Du");
    tui.key("i");
    tui.wait_for("Log an interaction with Nguyễn Du");
    tui.type_text("Gặp ở hội sách");
    // Notes is the last field.
    tui.key("shift-tab");
    tui.wait_for("write in your editor");
    tui.key("ctrl-e");
    // The line break shows as a mark in the one-line box.
    tui.wait_for("Khách thích thơ.↵↵Muốn mua bản in giới hạn.");
    tui.key("ctrl-s");
    tui.wait_for("Schedule the next follow-up");
    tui.key("n");
    tui.wait_for("from Attract to Establish?");
    tui.key("n");
    tui.wait_until_gone("from Attract to Establish?");
    // The side panel shows the note as written: two paragraphs.
    tui.wait_for("Muốn mua bản in giới hạn.");
    quit(&mut tui);
    let shown = s.json(&["show", "nguyen du", "--json"]);
    assert_eq!(
        shown["interactions"][0]["body"],
        "Khách thích thơ.\n\nMuốn mua bản in giới hạn."
    );
}

#[test]
fn esc_on_a_changed_form_asks_before_throwing_it_away() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Trần Văn Bình"]);
    let mut tui = Tui::start(&s, &[], 100, 30);
    tui.wait_for("Trần Văn Bình");

    // An untouched form closes at once.
    tui.key("a");
    tui.wait_for("New customer");
    tui.key("esc");
    tui.wait_until_gone("New customer");

    // A changed one asks; "no" keeps what was typed.
    tui.key("a");
    tui.wait_for("New customer");
    tui.type_text("Phạm Thị Lan");
    tui.key("esc");
    tui.wait_for("Throw away what you changed in this form?");
    tui.key("n");
    tui.wait_until_gone("Throw away what you changed");
    tui.wait_for("Phạm Thị Lan");
    tui.wait_for("New customer");
    // "yes" throws it away, and nothing is saved.
    tui.key("esc");
    tui.wait_for("Throw away what you changed in this form?");
    tui.key("y");
    tui.wait_until_gone("New customer");
    quit(&mut tui);
    assert_eq!(common::names_in(&s.json(&["list", "--json"])), ["Trần Văn Bình"]);
}

#[test]
fn only_mine_applies_to_every_pane_and_the_titles_count_what_is_shown() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Đỗ Mine", "--owner", "An"]);
    s.ok(&["add", "--name", "Vũ Theirs", "--owner", "Wei"]);
    s.ok(&["log", "mine", "--summary", "Gọi cho khách của tôi"]);
    s.ok(&["log", "theirs", "--summary", "Gọi cho khách của Wei"]);
    s.ok(&["follow-up", "mine", "--what", "Gửi hợp đồng của tôi", "--due", "today"]);
    s.ok(&[
        "follow-up",
        "theirs",
        "--what",
        "Gửi hợp đồng của Wei",
        "--due",
        "today",
    ]);
    let mut tui = Tui::start(&s, &[], 120, 32);
    tui.wait_for("Customers · 2");
    tui.key("m");
    tui.wait_for("Customers · 1 of 2");
    tui.key("2");
    tui.wait_for("Pipeline · 1 of 2");
    tui.key("t");
    let screen = tui.wait_for("Log · my customers · latest 1");
    assert!(screen.contains("Gọi cho khách của tôi"), "{screen}");
    assert!(!screen.contains("Gọi cho khách của Wei"), "{screen}");
    tui.key("4");
    let screen = tui.wait_for("Gửi hợp đồng của tôi");
    assert!(!screen.contains("Gửi hợp đồng của Wei"), "{screen}");
    // And back: everyone's again.
    tui.key("m");
    tui.wait_for("Gửi hợp đồng của Wei");
    tui.key("1");
    tui.wait_for("Customers · 2");
    quit(&mut tui);
}

#[test]
fn logging_offers_to_tick_off_the_follow_up_it_answered_and_an_amount_is_a_purchase() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Hoàng Minh"]);
    s.ok(&["follow-up", "minh", "--what", "Gọi lại về báo giá", "--due", "today"]);
    let mut tui = Tui::start(&s, &[], 120, 32);
    tui.wait_for("Hoàng Minh");
    tui.key("i");
    tui.wait_for("Log an interaction with Hoàng Minh");
    tui.type_text("Chốt đơn 20 máy");
    // Summary, Channel (left as it is), When, Amount.
    tui.key("tab");
    tui.key("tab");
    tui.key("tab");
    tui.type_text("45000000");
    tui.key("ctrl-s");
    tui.wait_for("Did this answer the follow-up with Hoàng Minh");
    tui.key("y");
    tui.wait_for("Schedule the next follow-up");
    tui.key("n");
    tui.wait_until_gone("Schedule the next follow-up");
    tui.wait_for("from Attract to Establish?");
    tui.key("n");
    tui.wait_until_gone("from Attract to Establish?");
    quit(&mut tui);
    let shown = s.json(&["show", "minh", "--json"]);
    assert_eq!(shown["interactions"][0]["channel"], "purchase", "{shown}");
    let open: Vec<_> = shown["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["done"].is_null() || f["done"] == false)
        .collect();
    assert!(open.is_empty(), "{shown}");
}

#[test]
fn a_message_too_long_for_the_status_bar_is_read_whole() {
    let s = Sandbox::new();
    let long = "Nguyễn Thị Hồng Nhung Trưởng phòng Kinh doanh Công ty Cổ phần Thương mại Dịch vụ Xuất nhập khẩu Minh Phát Hưng Thịnh";
    s.ok(&["add", "--name", long]);
    let mut tui = Tui::start(&s, &[], 80, 24);
    tui.wait_for("Nguyễn Thị");
    tui.key(">");
    let screen = tui.wait_for("[M: all]");
    // The status bar (the row above the footer) cut the message.
    let bar = screen.lines().nth(22).unwrap_or_default();
    assert!(bar.contains("[M: all]") && !bar.contains("Establish"), "{screen}");
    tui.key("M");
    let screen = tui.wait_for(" Messages ");
    assert!(screen.contains("→ Establish"), "{screen}");
    tui.key("esc");
    tui.wait_until_gone(" Messages ");
    quit(&mut tui);
}

/// The name in the side panel's title (the customer it shows), and the
/// name on the highlighted row of the list, from a 120-column screen.
fn panel_and_row(tui: &Tui) -> (String, String) {
    tui.with_screen(|screen| {
        let (_, cols) = screen.size();
        let title: String = (0..cols.get())
            .filter_map(|c| screen.cell(1, c).map(|cell| cell.contents().to_string()))
            .collect();
        let panel = title
            .rsplit("┌ ")
            .next()
            .unwrap_or_default()
            .trim_end_matches(['─', '┐', ' '])
            .to_string();
        let row = (3..screen.size().0.get())
            .find(|r| {
                screen
                    .cell(*r, 2)
                    .is_some_and(|c| c.inverse() || c.bgcolor() != vt100::Color::Default)
            })
            .map(|r| {
                let line: String = (1..40)
                    .filter_map(|c| screen.cell(r, c).map(|cell| cell.contents().to_string()))
                    .collect();
                line.split("  ").next().unwrap_or_default().trim().to_string()
            })
            .unwrap_or_default();
        (panel, row)
    })
}

#[test]
fn while_searching_the_side_panel_shows_the_highlighted_visible_row() {
    let s = Sandbox::new();
    for name in ["Trần Văn Bình", "Trần Thị Lan", "Trần Công Minh", "Phạm Thị Hoa"] {
        s.ok(&["add", "--name", name]);
    }
    let mut tui = Tui::start(&s, &[], 120, 32);
    tui.wait_for("Customers · 4");
    tui.key("/");
    tui.type_text("tran");
    tui.wait_for("Customers · 3 of 4");
    // Down to a row the next letters hide.
    tui.key("down");
    tui.key("down");
    tui.wait_until(
        "the panel to follow the cursor",
        std::time::Duration::from_secs(5),
        |_| {
            let (panel, row) = panel_and_row(&tui);
            !row.is_empty() && panel == row
        },
    );
    tui.type_text(" thi");
    tui.wait_for("Customers · 1 of 4");
    tui.wait_until(
        "the panel to show the one row left",
        std::time::Duration::from_secs(5),
        |_| panel_and_row(&tui) == ("Trần Thị Lan".to_string(), "Trần Thị Lan".to_string()),
    );
    tui.key("enter");
    quit(&mut tui);
}

#[test]
fn after_a_change_from_the_command_line_the_agenda_acts_on_the_row_under_the_cursor() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "An Khang"]);
    s.ok(&["add", "--name", "Bình Minh"]);
    let ago = |days| (chrono::Utc::now().date_naive() - chrono::Days::new(days)).to_string();
    let promised = s.ok(&[
        "follow-up",
        "khang",
        "--what",
        "Gửi hợp đồng",
        "--due",
        &ago(10),
        "--force",
    ]);
    s.ok(&["follow-up", "minh", "--what", "Gọi lại", "--due", &ago(5), "--force"]);
    let mut tui = Tui::start(&s, &[], 120, 32);
    tui.wait_for("Customers · 2");
    tui.key("4");
    tui.wait_for("Gửi hợp đồng");
    // An Khang's follow-up is on the first row; it is done elsewhere.
    s.ok(&["done", promised.trim()]);
    tui.wait_until_gone("Gửi hợp đồng");
    tui.key("i");
    tui.wait_for("Log an interaction with Bình Minh");
    tui.key("esc");
    // (A key right after Esc would be read as Alt-key.)
    tui.wait_until_gone("Log an interaction with Bình Minh");
    quit(&mut tui);
}
