//! The mouse in the real binary, in a pseudo-terminal that sends what an
//! xterm sends (SGR mouse reports): clicks select, a double-click opens,
//! the wheel scrolls, a tab and a form's field take a click; and the mouse
//! is given back to the terminal on the way out, or never taken when the
//! config says so.

mod common;

use common::Sandbox;
use common::pty::Tui;

/// What the UI sends to take the mouse (crossterm's capture: clicks,
/// drags and moves, in SGR form) and to give it back.
const MOUSE_ON: &str = "\x1b[?1000h";
const MOUSE_OFF: &str = "\x1b[?1000l";

fn open(s: &Sandbox, cols: u16, rows: u16) -> Tui {
    let tui = Tui::start(s, &[], cols, rows);
    tui.wait_for("guanxi");
    tui
}

fn quit(tui: &mut Tui) {
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);
}

/// The customer the panes are on, as the edit form names it.
fn selected(tui: &mut Tui) -> String {
    tui.key("e");
    let screen = tui.wait_for("Edit ");
    let name = screen
        .lines()
        .find_map(|l| l.split("Edit ").nth(1))
        .map(|rest| {
            rest.split(' ')
                .take_while(|w| !w.is_empty() && !w.starts_with('─'))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    tui.key("esc");
    tui.wait_until_gone("Edit ");
    name
}

fn output_text(tui: &Tui) -> String {
    String::from_utf8_lossy(&tui.output()).into_owned()
}

#[test]
fn a_click_selects_a_row_and_a_double_click_opens_it() {
    let s = Sandbox::new();
    for name in ["Đặng Thu Hà", "Lê Văn Tám", "王芳"] {
        s.ok(&["add", "--name", name]);
    }
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 3");
    tui.click_on("Lê Văn Tám");
    assert_eq!(selected(&mut tui), "Lê Văn Tám");
    tui.click_on("王芳");
    assert_eq!(selected(&mut tui), "王芳");
    // A double-click opens the customer: its detail covers the panes.
    let (col, row) = tui.position_of("Đặng Thu Hà").unwrap();
    tui.double_click(col, row);
    tui.wait_until(
        "the detail of Đặng Thu Hà",
        common::pty::DEFAULT_DEADLINE,
        |screen| !screen.contains("Customers · 3") && screen.contains("Đặng Thu Hà"),
    );
    quit(&mut tui);
}

#[test]
fn a_tab_shows_its_pane_and_a_card_is_chosen_with_a_click() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Phạm Thị Lan", "--stage", "attract"]);
    s.ok(&["add", "--name", "张伟", "--stage", "develop"]);
    let mut tui = open(&s, 120, 30);
    tui.wait_for("Customers · 2");
    tui.click_on("Pipeline");
    tui.wait_for("Consolidate");
    tui.click_on("张伟");
    assert_eq!(selected(&mut tui), "张伟");
    tui.click_on("Phạm Thị Lan");
    assert_eq!(selected(&mut tui), "Phạm Thị Lan");
    tui.click_on("Customers");
    tui.wait_for("Customers · 2");
    quit(&mut tui);
}

#[test]
fn the_wheel_scrolls_lists_and_popups() {
    let s = Sandbox::new();
    let names: Vec<String> = (1..=30).map(|n| format!("Khách {n:02}")).collect();
    let file = s.dir.path().join("khach.csv");
    std::fs::write(&file, format!("Name\n{}\n", names.join("\n"))).unwrap();
    s.ok(&["import", file.to_str().unwrap()]);
    let mut tui = open(&s, 80, 24);
    tui.wait_for("Khách 01");
    let (col, row) = tui.position_of("Khách 01").unwrap();
    // Two notches down, three rows each.
    tui.wheel(col, row, true);
    tui.wheel(col, row, true);
    assert_eq!(selected(&mut tui), "Khách 07");
    tui.wheel(col, row, false);
    assert_eq!(selected(&mut tui), "Khách 04");
    // The help popup scrolls under the wheel too: its first lines go.
    tui.key("?");
    let first = "Quit";
    tui.wait_for(first);
    for _ in 0..3 {
        tui.wheel(40, 12, true);
    }
    tui.wait_until_gone(first);
    tui.key("esc");
    tui.wait_for("Customers · 30");
    quit(&mut tui);
}

#[test]
fn a_click_on_a_forms_field_puts_the_typing_there() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Trần Quốc Toản"]);
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 1");
    tui.key("a");
    tui.wait_for("New customer");
    tui.click_on("Company");
    tui.type_text("Phú Thịnh");
    // The form's label (padded), not the table's column behind it.
    tui.click_on("Name    ");
    tui.type_text("Võ Thị Sáu");
    tui.key("ctrl-s");
    tui.wait_for("Saved Võ Thị Sáu");
    quit(&mut tui);
    assert_eq!(s.json(&["show", "vo thi sau", "--json"])["company"], "Phú Thịnh");
}

#[test]
fn the_mouse_is_taken_and_given_back_on_the_way_out() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lý Thường Kiệt"]);
    let mut tui = open(&s, 80, 24);
    tui.wait_for("Lý Thường Kiệt");
    assert!(output_text(&tui).contains(MOUSE_ON), "the UI takes the mouse");
    quit(&mut tui);
    let out = output_text(&tui);
    let taken = out.rfind(MOUSE_ON).unwrap();
    let given = out.rfind(MOUSE_OFF).expect("the mouse is given back");
    assert!(given > taken, "given back after it was last taken");
}

#[test]
fn the_mouse_is_given_back_to_the_editor_and_taken_again() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Nguyễn Du"]);
    let editor = common::editor_writing(&s, "Thích thơ.\\n");
    let mut cmd = Tui::command(&s, &s.workspace(), &[]);
    cmd.env("EDITOR", &editor);
    let mut tui = Tui::spawn(cmd, 100, 30);
    tui.wait_for("Nguyễn Du");
    tui.key("e");
    tui.wait_for("Edit Nguyễn Du");
    tui.key("shift-tab");
    tui.wait_for("write in your editor");
    let before = output_text(&tui).len();
    tui.key("ctrl-e");
    tui.wait_for("Thích thơ.");
    let during = output_text(&tui)[before..].to_string();
    let given = during.find(MOUSE_OFF).expect("given back before the editor");
    let taken = during.rfind(MOUSE_ON).expect("taken again after it");
    assert!(taken > given);
    tui.key("esc");
    tui.wait_for("Throw away");
    tui.key("y");
    quit(&mut tui);
}

#[test]
fn mouse_false_in_the_config_leaves_the_mouse_to_the_terminal() {
    let s = Sandbox::new();
    let dir = s.home().join(".config/guanxi");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "mouse = false\n").unwrap();
    s.ok(&["add", "--name", "Lý Thường Kiệt"]);
    s.ok(&["add", "--name", "Bà Triệu"]);
    let mut tui = open(&s, 80, 24);
    tui.wait_for("Lý Thường Kiệt");
    // A click the terminal would not send anyway changes nothing.
    tui.click_on("Lý Thường Kiệt");
    assert_eq!(selected(&mut tui), "Bà Triệu");
    quit(&mut tui);
    let out = output_text(&tui);
    assert!(!out.contains(MOUSE_ON), "the mouse was never taken");
    assert!(!out.contains("\x1b[?1006h"), "nor SGR reports asked for");
}

#[test]
fn a_double_click_in_the_palette_runs_the_command() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Hai Bà Trưng"]);
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 1");
    tui.key(":");
    tui.type_text("agenda");
    let (col, row) = {
        tui.wait_for("Agenda pane");
        tui.position_of("Agenda pane").unwrap()
    };
    tui.double_click(col, row);
    tui.wait_for("Agenda ·");
    quit(&mut tui);
}

#[test]
fn tab_completes_the_path_in_the_import_box() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Trần Quốc Toản"]);
    let folder = s.dir.path().join("tệp");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("danh bạ.csv"), "Name\nNguyễn Trãi\n").unwrap();
    std::fs::write(folder.join("danh sách.csv"), "Name\n王芳\n").unwrap();
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 1");
    tui.key("I");
    tui.wait_for("File to import");
    // Relative to the folder guanxi was started in (the sandbox's).
    tui.type_text("tệ");
    tui.key("tab");
    tui.wait_for("> tệp/");
    tui.type_text("d");
    tui.key("tab");
    // Both match: completed to what they share, and listed.
    tui.wait_for("> tệp/danh ");
    tui.wait_for("danh bạ.csv  danh sách.csv");
    tui.type_text("s");
    tui.key("tab");
    tui.wait_for("> tệp/danh sách.csv");
    tui.key("enter");
    tui.wait_for("1 new");
    tui.key("enter");
    tui.wait_for("Customers · 2");
    quit(&mut tui);
}

#[test]
fn the_wheel_scrolls_a_customers_detail() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Chu Văn An", "--company", "Trường Quốc Tử Giám"]);
    for n in 1..=30 {
        s.ok(&[
            "log",
            "chu van an",
            "--summary",
            &format!("Cuộc gọi số {n:02}"),
            "--at",
            &format!("2026-01-{n:02}"),
        ]);
    }
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 1");
    tui.key("enter");
    let top = "Trường Quốc Tử Giám";
    tui.wait_for("Cuộc gọi số 30");
    tui.wait_for(top);
    tui.wheel(50, 15, true);
    tui.wait_until_gone(top);
    tui.wheel(50, 15, false);
    tui.wait_for(top);
    quit(&mut tui);
}
