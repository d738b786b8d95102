//! Who is due, in the terminal UI: a late follow-up makes its customer
//! late everywhere, marked with `!` so it shows without colour, and dates
//! that are almost certainly mistakes are questioned before they are saved.

mod common;

use common::Sandbox;
use common::pty::Tui;

/// When the follow-up was promised, and "today" for the rest of the test.
const PROMISED_AT: &str = "2026-11-10T09:00:00Z";
const TODAY: &str = "2026-11-22T09:00:00Z";

fn at(s: &Sandbox, now: &str, args: &[&str]) -> String {
    let out = s.command(args).env("GUANXI_NOW", now).output().expect("run guanxi");
    assert!(
        out.status.success(),
        "guanxi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn open_at(s: &Sandbox, now: &str) -> Tui {
    let mut cmd = Tui::command(s, &s.workspace(), &[]);
    cmd.env("GUANXI_NOW", now);
    cmd.env("NO_COLOR", "1");
    let tui = Tui::spawn(cmd, 120, 30);
    tui.wait_for("guanxi");
    tui
}

#[test]
fn a_late_follow_up_makes_the_customer_overdue_in_the_list_the_pipeline_and_the_agenda() {
    let s = Sandbox::new();
    at(&s, PROMISED_AT, &["add", "--name", "Lê Thu Hà", "--company", "Hoa Sen"]);
    // Promised for 2026-11-12, ten days before "today"...
    at(
        &s,
        PROMISED_AT,
        &["follow-up", "Lê Thu Hà", "--due", "+2d", "--what", "Gửi báo giá"],
    );
    // ...and in touch yesterday, well within a seven-day cadence.
    at(
        &s,
        TODAY,
        &["log", "Lê Thu Hà", "--summary", "Hỏi thăm", "--at", "2026-11-21 10:00"],
    );

    let mut tui = open_at(&s, TODAY);
    // The list: the next contact is the late follow-up, marked.
    let screen = tui.wait_for("! Lê Thu Hà");
    assert!(screen.contains("2026-11-12"), "{screen}");
    // The pipeline card.
    tui.key("2");
    tui.wait_for("! Lê Thu Hà");
    // The agenda: under the overdue heading, with its mark, company and stage.
    tui.key("4");
    let screen = tui.wait_for("Overdue · 1");
    let row = screen
        .lines()
        .find(|l| l.contains("Gửi báo giá"))
        .unwrap_or_else(|| panic!("no follow-up row:\n{screen}"));
    assert!(row.trim_start_matches('│').trim_start().starts_with('!'), "{row}");
    assert!(
        row.contains("10 days overdue") && row.contains("Hoa Sen") && row.contains("Attract"),
        "{row}"
    );
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);

    // The command line agrees.
    let list = at(&s, TODAY, &["list"]);
    assert!(list.contains("! 2026-11-12"), "{list}");
    let agenda = at(&s, TODAY, &["agenda"]);
    assert!(agenda.contains("Overdue · 1"), "{agenda}");
}

#[test]
fn the_done_key_on_a_stay_in_touch_row_logs_a_touch() {
    let s = Sandbox::new();
    at(&s, PROMISED_AT, &["add", "--name", "Trần Minh Khôi"]);
    let mut tui = open_at(&s, TODAY);
    tui.key("4");
    tui.wait_for("stay in touch");
    // The footer says what the key does here.
    tui.wait_for("log a touch");
    tui.key("x");
    tui.wait_for("Log an interaction with Trần Minh Khôi");
    tui.key("esc");
    tui.wait_until_gone("Log an interaction with");
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn a_date_that_looks_like_a_mistake_is_questioned_before_it_is_saved() {
    let s = Sandbox::new();
    at(&s, PROMISED_AT, &["add", "--name", "Phạm Quốc Bảo"]);
    let mut tui = open_at(&s, TODAY);
    tui.wait_for("Phạm Quốc Bảo");

    // An interaction dated next week: asked about; no leaves the form
    // open to correct it, and nothing is saved.
    tui.key("i");
    tui.wait_for("Log an interaction with Phạm Quốc Bảo");
    tui.type_text("Gặp ở hội chợ");
    tui.key("tab");
    tui.key("tab");
    tui.type_text("2026-11-29 10:00");
    tui.key("ctrl-s");
    tui.wait_for("This interaction is dated 2026-11-29, after today");
    tui.key("n");
    tui.wait_until_gone("after today");
    tui.wait_for("Log an interaction with Phạm Quốc Bảo");
    // Corrected to yesterday, it is saved without a question.
    tui.key("ctrl-u");
    tui.type_text("2026-11-21 10:00");
    tui.key("ctrl-s");
    tui.wait_for("Schedule the next follow-up");
    tui.key("y");

    // A follow-up due before today: asked about; yes saves it as typed.
    tui.wait_for("Follow-up with Phạm Quốc Bảo");
    tui.type_text("Gửi catalogue");
    tui.key("tab");
    tui.key("ctrl-u");
    tui.type_text("2026-11-12");
    tui.key("ctrl-s");
    tui.wait_for("This follow-up would be due 2026-11-12, before today");
    tui.key("y");
    tui.wait_for("Follow-up scheduled: Gửi catalogue");
    tui.wait_for("from Attract to Establish?");
    tui.key("n");
    tui.wait_until_gone("from Attract to Establish?");
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);

    let shown = at(&s, TODAY, &["show", "Phạm Quốc Bảo", "--json"]);
    assert!(
        shown.contains("Gặp ở hội chợ") && shown.contains("2026-11-21"),
        "{shown}"
    );
    assert!(
        !shown.contains("2026-11-29"),
        "the questioned date was not saved: {shown}"
    );
    assert!(shown.contains("\"due\": \"2026-11-12\""), "{shown}");
}
