//! The day's work in the terminal UI, typed into the real binary in a
//! pseudo-terminal, then checked again after a restart and through the CLI.

mod common;

use common::Sandbox;
use common::pty::Tui;

/// The first screen of an empty workspace; wait until it is drawn.
fn open(s: &Sandbox, cols: u16, rows: u16) -> Tui {
    let tui = Tui::start(s, &[], cols, rows);
    tui.wait_for("guanxi");
    tui
}

/// Quits with `q`; the program must end cleanly.
fn quit(tui: &mut Tui) {
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);
}

/// How many customers the command line lists afterwards.
fn listed(s: &Sandbox) -> usize {
    common::names_in(&s.json(&["list", "--json"])).len()
}

fn ctrl_s(tui: &mut Tui) {
    tui.key("ctrl-s");
}

#[test]
fn a_salesperson_day_from_the_keyboard() {
    let s = Sandbox::new();
    let mut tui = open(&s, 80, 24);
    tui.wait_for("This workspace has no customers yet");

    // Add a customer with a Vietnamese name (Name is the first field).
    tui.key("a");
    tui.wait_for("New customer");
    tui.type_text("Nguyễn Thị Hồng Nhung");
    tui.key("tab");
    tui.type_text("Công ty Minh Phát");
    ctrl_s(&mut tui);
    tui.wait_for("Saved Nguyễn Thị Hồng Nhung");
    tui.key("a");
    tui.wait_for("New customer");
    tui.type_text("Trần Văn Bình");
    ctrl_s(&mut tui);
    tui.wait_for("Saved Trần Văn Bình");
    tui.wait_for("Customers · 2");

    // Find her by typing without diacritics; Enter keeps the filter.
    tui.key("/");
    tui.type_text("nguyen thi");
    tui.wait_for("Customers · 1 of 2");
    tui.key("enter");

    // Log a call (the channel defaults to call); decline the follow-up and
    // the stage offers for now.
    tui.key("i");
    tui.wait_for("Log an interaction with Nguyễn Thị Hồng Nhung");
    tui.type_text("Gọi điện tư vấn sản phẩm");
    ctrl_s(&mut tui);
    tui.wait_for("Schedule the next follow-up");
    tui.key("n");
    tui.wait_for("from Attract to Establish?");
    tui.key("n");
    tui.wait_until_gone("from Attract to Establish?");

    // Advance the stage twice.
    tui.key(">");
    tui.wait_for("Attract → Establish");
    tui.key(">");
    tui.wait_for("Establish → Build");

    // Schedule a follow-up due today.
    tui.key("f");
    tui.wait_for("Follow-up with Nguyễn Thị Hồng Nhung");
    tui.type_text("Gửi báo giá");
    tui.key("tab");
    tui.key("ctrl-u");
    tui.type_text("today");
    ctrl_s(&mut tui);
    tui.wait_for("Follow-up scheduled: Gửi báo giá");

    // See it in the agenda, and mark it done.
    tui.key("4");
    tui.wait_for("Gửi báo giá");
    tui.key("g");
    tui.key("x");
    tui.wait_for("Done: Gửi báo giá");
    tui.wait_until(
        "the agenda to lose the follow-up",
        common::pty::DEFAULT_DEADLINE,
        |screen| {
            !screen
                .lines()
                .any(|l| l.contains("Gửi báo giá") && !l.contains("Done:"))
        },
    );
    quit(&mut tui);

    // Reopen: everything is there.
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Nguyễn Thị Hồng Nhung");
    tui.wait_for("Build");
    tui.key("/");
    tui.type_text("nguyen");
    tui.wait_for("Customers · 1 of 2");
    tui.key("enter");
    tui.key("3");
    tui.wait_for("Gọi điện tư vấn sản phẩm");
    quit(&mut tui);

    let shown = s.json(&["show", "nguyen", "--json"]);
    assert_eq!(shown["stage"], "build");
    assert_eq!(shown["company"], "Công ty Minh Phát");
    assert_eq!(shown["interactions"][0]["channel"], "call");
    assert_eq!(shown["interactions"][0]["summary"], "Gọi điện tư vấn sản phẩm");
    assert_eq!(shown["follow_ups"][0]["what"], "Gửi báo giá");
    assert_eq!(shown["follow_ups"][0]["done"], true);
    let history = shown["stage_history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
}

#[test]
fn a_delete_is_undone() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lý Thường Kiệt", "--company", "Đại Việt"]);
    s.ok(&["add", "--name", "张伟", "--company", "华信科技"]);
    let mut tui = open(&s, 80, 24);
    tui.wait_for("Customers · 2");
    tui.key("/");
    tui.type_text("ly thuong");
    tui.wait_for("Customers · 1 of 2");
    tui.key("enter");
    tui.key("d");
    tui.wait_for("Delete Lý Thường Kiệt (Đại Việt)?");
    tui.key("y");
    tui.wait_for("Deleted");
    tui.key("esc");
    tui.wait_for("Customers · 1 ");
    tui.key("u");
    tui.wait_for("Undid: delete customer");
    tui.wait_for("Customers · 2");
    tui.wait_for("Lý Thường Kiệt");
    quit(&mut tui);
    assert_eq!(listed(&s), 2);
}

#[test]
fn invalid_fields_are_marked_and_nothing_is_saved() {
    let s = Sandbox::new();
    let mut tui = open(&s, 80, 24);
    tui.key("a");
    tui.wait_for("New customer");
    // No name, and a bad email.
    for _ in 0..3 {
        tui.key("tab");
    }
    tui.type_text("not-an-email");
    ctrl_s(&mut tui);
    tui.wait_for("the name must not be empty");
    tui.wait_for("'not-an-email' is not an email address");
    tui.wait_for("nothing was saved");
    // Fix the name; the email is still wrong.
    tui.type_text("Hoàng Yến");
    ctrl_s(&mut tui);
    tui.wait_for("is not an email address");
    // Leaving what was typed asks first.
    tui.key("esc");
    tui.wait_for("Throw away what you changed in this form?");
    tui.key("y");
    tui.wait_for("This workspace has no customers yet");
    quit(&mut tui);
    assert_eq!(listed(&s), 0);
}

#[test]
fn the_terminal_is_restored_after_quitting() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Phan Bội Châu"]);
    let mut tui = open(&s, 80, 24);
    tui.wait_for("Phan Bội Châu");
    quit(&mut tui);
    // Back on the main screen, not the alternate one, with the cursor shown.
    tui.with_screen(|screen| {
        assert!(!screen.alternate_screen(), "left the alternate screen");
        assert!(!screen.hide_cursor(), "cursor visible again");
    });
}

#[test]
fn a_teammates_change_appears_without_restarting() {
    let me = Sandbox::new();
    me.ok(&["add", "--name", "Hồ Xuân Hương"]);
    let mut tui = open(&me, 100, 30);
    tui.wait_for("Customers · 1");
    // A teammate (another machine account: its own replica and local
    // state) writes to the same workspace folder while the UI is open.
    let teammate = Sandbox::for_user("Wei");
    let out = teammate
        .command_in(&me.workspace(), &["add", "--name", "王芳", "--company", "锦程贸易"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    tui.wait_for("王芳");
    tui.wait_for("Customers · 2");
    tui.wait_for("1 change from teammates");
    quit(&mut tui);
}

#[test]
fn long_notes_are_written_in_the_editor() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Nguyễn Du"]);
    let editor = common::editor_writing(&s, "Thích thơ; muốn mua bản in giới hạn.\\n");
    let mut cmd = Tui::command(&s, &s.workspace(), &[]);
    cmd.env("EDITOR", &editor);
    let mut tui = Tui::spawn(cmd, 100, 30);
    tui.wait_for("Nguyễn Du");
    tui.key("e");
    tui.wait_for("Edit Nguyễn Du");
    // Notes is the last field.
    tui.key("shift-tab");
    tui.wait_for("write in your editor");
    tui.key("ctrl-e");
    tui.wait_for("Thích thơ; muốn mua bản in giới hạn.");
    // The screen came back whole: the form and the panes behind it.
    tui.wait_for("Edit Nguyễn Du");
    tui.wait_for("1 Customers");
    tui.key("ctrl-s");
    tui.wait_for("Saved Nguyễn Du");
    quit(&mut tui);
    let shown = s.json(&["show", "nguyen du", "--json"]);
    assert_eq!(shown["notes"], "Thích thơ; muốn mua bản in giới hạn.");
}

#[test]
fn contacts_are_imported_from_the_ui() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Trần Quốc Toản", "--email", "toan@example.vn"]);
    let file = s.dir.path().join("phone.vcf");
    std::fs::write(
        &file,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nguyễn Thị Hồng Nhung\r\nORG:Minh Phát\r\nTEL;TYPE=CELL:+84 912 345 678\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Trần Quốc Toản\r\nEMAIL:toan@example.vn\r\nTITLE:Giám đốc\r\nEND:VCARD\r\n",
    )
    .unwrap();
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 1");
    tui.key("I");
    tui.wait_for("File to import");
    tui.type_text(file.to_str().unwrap());
    tui.key("enter");
    tui.wait_for("1 new · 1 merged into customers already here");
    tui.key("enter");
    tui.wait_for("Imported: 1 new, 1 merged");
    tui.wait_for("Customers · 2");
    quit(&mut tui);
    assert_eq!(s.json(&["show", "tran quoc toan", "--json"])["title"], "Giám đốc");
}

/// Pasting a path (a terminal sends it as one bracketed paste) fills the
/// import box as typing would, and the preview scrolls with the list keys.
#[test]
fn a_path_pasted_into_the_import_box_is_read() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Trần Quốc Toản"]);
    let file = s.dir.path().join("danh bạ.csv");
    std::fs::write(
        &file,
        "Name,Phone\nNguyễn Thị Hồng Nhung,+84 912 345 678\n王芳,+86 138 0013 8000\n",
    )
    .unwrap();
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 1");
    tui.key("I");
    tui.wait_for("File to import");
    tui.type_text(&format!("\x1b[200~{}\x1b[201~", file.display()));
    tui.wait_for("danh bạ.csv");
    tui.key("enter");
    tui.wait_for("2 new");
    tui.key("j");
    tui.key("k");
    tui.key("enter");
    tui.wait_for("Imported: 2 new");
    tui.wait_for("Customers · 3");
    quit(&mut tui);
    assert_eq!(listed(&s), 3);
}

#[test]
fn an_import_is_one_undo_and_a_shared_phone_is_only_a_question() {
    let s = Sandbox::new();
    let dir = s.home().join(".config/guanxi");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "region = \"VN\"\n").unwrap();
    s.ok(&["add", "--name", "Lê Văn Tám", "--phone", "+84 903 111 222"]);
    let file = s.dir.path().join("people.csv");
    std::fs::write(
        &file,
        "Name,Company,Phone\r\nWang Lei,Huawei,+86 903 111 222\r\nJohn Smith,Acme,(903) 111-222\r\nBùi Lan,,0912 345 678\r\n",
    )
    .unwrap();
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 1");
    tui.key("I");
    tui.wait_for("File to import");
    tui.type_text(file.to_str().unwrap());
    tui.key("enter");
    tui.wait_for("3 new · 0 merged");
    tui.wait_for("John Smith (same phone as Lê Văn Tám)");
    tui.key("enter");
    tui.wait_for("Imported: 3 new");
    tui.wait_for("Customers · 4");
    tui.key("u");
    tui.wait_for("Undid: import of 3 customers");
    tui.wait_for("Customers · 1");
    tui.key("ctrl-r");
    tui.wait_for("Customers · 4");
    quit(&mut tui);
    assert_eq!(listed(&s), 4);
}

#[test]
fn a_workspace_folder_that_goes_away_keeps_the_change_and_gets_it_when_back() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Vũ Thị Thu"]);
    let mut tui = Tui::start(&s, &[], 140, 24);
    tui.wait_for("Vũ Thị Thu");
    // The share is unmounted (or the folder moved away) under the UI.
    let ws = s.workspace();
    let away = s.dir.path().join("away");
    std::fs::rename(&ws, &away).unwrap();
    tui.key("a");
    tui.wait_for("New customer");
    tui.type_text("Khi vắng thư mục");
    ctrl_s(&mut tui);
    tui.wait_for("Workspace folder gone");
    tui.wait_for("1 change kept here");
    assert!(!ws.exists(), "the UI never makes the workspace again itself");
    // It is back: within a few seconds the kept change is written to it.
    std::fs::rename(&away, &ws).unwrap();
    tui.wait_for_within("1 kept change written", std::time::Duration::from_secs(20));
    tui.wait_for("all changes saved");
    tui.key("q");
    tui.wait_exit();
    let list = s.json(&["list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(s.ok(&["doctor"]).contains("healthy"));
}

/// Two records of one person, the older without a phone.
fn two_of_minh(s: &Sandbox) -> (String, String) {
    let older = s.ok(&[
        "add",
        "--name",
        "Trần Minh",
        "--company",
        "Sao Mai",
        "--email",
        "minh@saomai.vn",
    ]);
    let newer = s.ok(&[
        "add",
        "--name",
        "Tran Minh",
        "--company",
        "Sao Mai",
        "--email",
        "minh@saomai.vn",
        "--phone",
        "0903 111 222",
    ]);
    (older.trim().to_string(), newer.trim().to_string())
}

#[test]
fn the_record_to_keep_is_chosen_in_the_duplicates_list() {
    let s = Sandbox::new();
    let (older, newer) = two_of_minh(&s);
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 2");
    tui.key("D");
    tui.wait_for("same email, same name and company");
    tui.wait_for("0903 111 222");
    tui.wait_for("▸ Trần Minh · Sao Mai (kept)");
    tui.key("j");
    tui.wait_for("▸ Tran Minh · Sao Mai (kept)");
    tui.key("enter");
    tui.wait_for("Merge these 2 records into Tran Minh?");
    tui.key("y");
    tui.wait_for("Merged");
    tui.wait_for("Customers · 1");
    quit(&mut tui);
    assert_eq!(s.json(&["show", &newer, "--json"])["phones"][0], "0903 111 222");
    assert!(
        !s.run(&["show", &older]).status.success(),
        "the older record merged into the chosen one"
    );
}

#[test]
fn not_duplicates_sends_the_group_away_for_good() {
    let s = Sandbox::new();
    two_of_minh(&s);
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 2");
    tui.key("D");
    tui.wait_for("same email, same name and company");
    tui.key("n");
    tui.wait_for("Marked as not duplicates");
    tui.wait_until_gone("Possible duplicates");
    tui.key("D");
    tui.wait_for("No duplicates found.");
    // Undo brings the group back; redo sends it away again.
    tui.key("u");
    tui.wait_for("Undid: mark as not duplicates");
    tui.key("D");
    tui.wait_for("same email, same name and company");
    tui.key("esc");
    tui.wait_until_gone("Possible duplicates");
    tui.key("ctrl-r");
    tui.wait_for("Redid: mark as not duplicates");
    quit(&mut tui);
    // After a restart, and on the command line, it stays away.
    let mut tui = open(&s, 100, 30);
    tui.wait_for("Customers · 2");
    tui.key("D");
    tui.wait_for("No duplicates found.");
    quit(&mut tui);
    assert!(s.ok(&["dupes"]).contains("No duplicates found."));
}
