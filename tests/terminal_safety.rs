//! Text from data never reaches a terminal raw (issue #11). A customer's
//! name, company, notes, a logged call or a follow-up may hold what a
//! terminal obeys: `ESC [2J` clears the screen, OSC 0 sets the window
//! title, OSC 52 writes the clipboard, U+202E shows the rest of the line
//! backwards. Every command that prints for a person shows them as visible
//! escapes (`\e[2J`, `\x07`, `\u{202E}`); JSON, and exports into a file or
//! a pipe, keep the data exactly. And no field takes a 50 MB paste.

mod common;

use common::Sandbox;
use common::pty::Tui;

const CLEAR: &str = "\x1b[2J";
const TITLE: &str = "\x1b]0;pwned\x07";
const CLIPBOARD: &str = "\x1b]52;c;ZXZpbA==\x07";
const RLO: &str = "\u{202E}";

/// What each shows as.
const CLEAR_SHOWN: &str = "\\e[2J";
const TITLE_SHOWN: &str = "\\e]0;pwned\\x07";
const CLIPBOARD_SHOWN: &str = "\\e]52;c;ZXZpbA==\\x07";
const RLO_SHOWN: &str = "\\u{202E}";

fn name() -> String {
    format!("Evil{CLEAR}Corp")
}

/// A character a terminal acts on instead of showing, or does not show:
/// C0 controls (line breaks aside), DEL, C1 controls, bidi controls and
/// zero-width characters. Written out here, not taken from guanxi.
fn obeyed(c: char) -> bool {
    matches!(c,
        '\0'..='\x09' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn assert_inert(what: &str, text: &str) {
    let bad: Vec<char> = text.chars().filter(|c| obeyed(*c)).collect();
    assert!(bad.is_empty(), "{what} printed {bad:?} raw:\n{text}");
}

/// A workspace whose one customer carries every kind of hostile text.
fn hostile() -> Sandbox {
    let s = Sandbox::new();
    let notes = format!("line one\nclip{CLIPBOARD}board\nrev{RLO}desrever");
    s.ok(&[
        "add",
        "--name",
        &name(),
        "--company",
        &format!("Title{TITLE}Co"),
        "--notes",
        &notes,
        "--tag",
        &format!("vip{RLO}"),
    ]);
    s.ok(&[
        "log",
        "Evil",
        "--summary",
        &format!("called {RLO}gnorw"),
        "--at",
        "yesterday",
    ]);
    s.ok(&[
        "follow-up",
        "Evil",
        "--due",
        "today",
        "--what",
        &format!("send{TITLE}quote"),
    ]);
    s
}

#[test]
fn list_show_and_agenda_show_escapes() {
    let s = hostile();
    let list = s.ok(&["list"]);
    assert_inert("list", &list);
    assert!(list.contains(&format!("Evil{CLEAR_SHOWN}Corp")), "{list}");
    assert!(list.contains(&format!("Title{TITLE_SHOWN}Co")), "{list}");

    let show = s.ok(&["show", "Evil"]);
    assert_inert("show", &show);
    for shown in [
        format!("Evil{CLEAR_SHOWN}Corp"),
        format!("Title{TITLE_SHOWN}Co"),
        format!("clip{CLIPBOARD_SHOWN}board"),
        format!("rev{RLO_SHOWN}desrever"),
        format!("vip{RLO_SHOWN}"),
        format!("called {RLO_SHOWN}gnorw"),
        format!("send{TITLE_SHOWN}quote"),
    ] {
        assert!(show.contains(&shown), "show lacks {shown}:\n{show}");
    }
    // A note's lines stay lines, each under the one before.
    let lines: Vec<&str> = show.lines().collect();
    let first = lines.iter().position(|l| l.ends_with("line one")).expect("notes");
    let column = lines[first].find("line one").unwrap();
    assert_eq!(lines[first + 1].find("clip"), Some(column), "{show}");
    assert!(lines[first + 1][..column].trim().is_empty(), "{show}");

    let agenda = s.ok(&["agenda"]);
    assert_inert("agenda", &agenda);
    assert!(agenda.contains(&format!("send{TITLE_SHOWN}quote")), "{agenda}");
    assert!(agenda.contains(&format!("Evil{CLEAR_SHOWN}Corp")), "{agenda}");
}

#[test]
fn json_output_is_the_data_exactly() {
    let s = hostile();
    let list = s.json(&["list", "--json"]);
    assert_eq!(list[0]["name"], name());
    assert_eq!(list[0]["company"], format!("Title{TITLE}Co"));
    let show = s.json(&["show", "Evil", "--json"]);
    assert_eq!(
        show["notes"],
        format!("line one\nclip{CLIPBOARD}board\nrev{RLO}desrever")
    );
    assert_eq!(show["interactions"][0]["summary"], format!("called {RLO}gnorw"));
    let agenda = s.json(&["agenda", "--json"]);
    assert!(
        agenda.to_string().contains(
            &format!("send{TITLE}quote")
                .replace('\x1b', "\\u001b")
                .replace('\x07', "\\u0007")
        )
    );
    // Byte for byte: serde's own escapes, U+202E as it is.
    let raw = s.ok(&["list", "--json"]);
    assert!(raw.contains("Evil\\u001b[2JCorp"), "{raw}");
    let raw = s.ok(&["show", "Evil", "--json"]);
    assert!(raw.contains(&format!("rev{RLO}desrever")), "{raw}");
}

#[test]
fn a_cut_never_falls_inside_an_escape() {
    let s = Sandbox::new();
    // 26 letters, then a bidi override: too wide for the 28-column name
    // column once shown as `\u{202E}`, which goes whole.
    let long = format!("{}{RLO}B", "A".repeat(26));
    s.ok(&["add", "--name", &long]);
    s.ok(&["add", "--name", &format!("{}{CLEAR}", "C".repeat(25))]);
    let list = s.ok(&["list"]);
    assert_inert("list", &list);
    assert!(list.contains(&format!("{}…", "A".repeat(26))), "{list}");
    assert!(list.contains(&format!("{}\\e…", "C".repeat(25))), "{list}");
    assert!(!list.contains("\\u{20"), "an escape cut in half:\n{list}");
}

#[test]
fn csv_export_is_exact_into_a_file_or_a_pipe() {
    let s = hostile();
    let file = s.dir.path().join("out.csv");
    s.ok(&["export", "--format", "csv", "-o", file.to_str().unwrap()]);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains(&name()), "{written:?}");
    assert!(written.contains(CLIPBOARD), "{written:?}");
    let piped = s.ok(&["export", "--format", "csv"]);
    assert_eq!(piped, written);
}

/// Runs a command in a pseudo-terminal and returns (screen, raw output).
fn in_terminal(s: &Sandbox, args: &[&str]) -> (String, String) {
    let mut tui = Tui::start(s, args, 200, 50);
    let code = tui.wait_exit();
    let screen = tui.screen();
    assert_eq!(code, 0, "guanxi {args:?}:\n{screen}");
    (screen, String::from_utf8_lossy(&tui.output()).into_owned())
}

#[test]
fn nothing_reaches_a_terminal_raw() {
    let s = hostile();
    for args in [
        &["list"][..],
        &["show", "Evil"],
        &["agenda"],
        &["export", "--format", "csv"],
        &["export", "--format", "vcard"],
        &["export", "--format", "ics"],
    ] {
        let (screen, raw) = in_terminal(&s, args);
        // The terminal turns LF into CR LF (and vCard's CR LF into CR CR
        // LF); nothing else may be there.
        let lines = raw.replace("\r\r\n", "\n").replace("\r\n", "\n");
        assert_inert(&format!("{args:?} in a terminal"), &lines);
        if args[0] != "export" || args[2] == "csv" {
            assert!(
                screen.contains(&format!("Evil{CLEAR_SHOWN}Corp")),
                "{args:?}:\n{screen}"
            );
        }
    }
    let (screen, _) = in_terminal(&s, &["export", "--format", "vcard"]);
    assert!(screen.contains(&format!("rev{RLO_SHOWN}desrever")), "{screen}");
    let (screen, _) = in_terminal(&s, &["export", "--format", "csv"]);
    assert!(screen.contains(&format!("clip{CLIPBOARD_SHOWN}board")), "{screen}");
}

#[test]
fn import_echo_and_notes_are_escaped() {
    let s = Sandbox::new();
    let file = s.dir.path().join("hostile.csv");
    std::fs::write(
        &file,
        format!(
            "Name,Email,Ghi{CLEAR}chú\n\
             Lan{TITLE},not-an-email{CLEAR},x\n\
             ,,\n\
             Minh,{RLO}bad,y\n"
        ),
    )
    .unwrap();
    // A dry run reads a workspace; it never makes one.
    s.ok(&["init", s.workspace().to_str().unwrap()]);
    let out = s.ok(&["import", file.to_str().unwrap(), "--dry-run"]);
    assert_inert("import --dry-run", &out);
    assert!(out.contains(&format!("Ghi{CLEAR_SHOWN}chú")), "column echo:\n{out}");
    assert!(out.contains(&format!("Lan{TITLE_SHOWN}")), "preview:\n{out}");
    assert!(out.contains(&format!("not-an-email{CLEAR_SHOWN}")), "note:\n{out}");
    assert!(out.contains(&format!("{RLO_SHOWN}bad")), "note:\n{out}");
    let out = s.ok(&["import", file.to_str().unwrap()]);
    assert_inert("import", &out);
    // The data itself is kept exactly.
    assert_eq!(s.json(&["show", "Lan", "--json"])["name"], format!("Lan{TITLE}"));
}

#[test]
fn errors_quoting_data_are_escaped() {
    let s = hostile();
    s.ok(&["add", "--name", &format!("Evil twin{RLO}")]);
    let err = s.rejected(&["show", &format!("nobody{TITLE}")]);
    assert_inert("error", &err);
    assert!(err.contains(&format!("nobody{TITLE_SHOWN}")), "{err}");
    // Two customers match: the candidates are data too.
    let err = s.rejected(&["show", "evil"]);
    assert_inert("error", &err);
    assert!(err.contains(&format!("Evil twin{RLO_SHOWN}")), "{err}");
    let err = s.rejected(&["add", "--name", "X", "--email", &format!("a{CLEAR}")]);
    assert_inert("error", &err);
    assert!(err.contains(&format!("a{CLEAR_SHOWN}")), "{err}");
    // Messages that name a customer.
    let out = s.ok(&[
        "edit",
        &s.json(&["list", "--json", "-q", "corp"])[0]["id"].as_str().unwrap()[..8],
        "--set",
        "title=CEO",
    ]);
    assert_inert("edit", &out);
    assert!(out.contains(&format!("Evil{CLEAR_SHOWN}Corp")), "{out}");
}

/// Just over the limit of free text (the limits are in README).
fn too_long() -> String {
    "ghi chú ".repeat(12_501).trim().to_string()
}

#[test]
fn oversized_fields_are_refused() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lan"]);
    let long = too_long();
    assert!(long.chars().count() > 100_000);
    for args in [
        vec!["add", "--name", "Minh", "--notes", &long],
        vec!["edit", "Lan", "--set", &format!("notes={long}")],
        vec!["edit", "Lan", "--set", &format!("need={long}")],
        vec!["log", "Lan", "--summary", "Gọi", "--body", &long],
        vec!["log", "Lan", "--summary", &long],
        vec!["follow-up", "Lan", "--due", "today", "--what", &long],
    ] {
        let err = s.rejected(&args);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("too long") && err.contains("100,000"), "{err}");
    }
    let err = s.rejected(&["add", "--name", &"N".repeat(1_001)]);
    assert!(
        err.contains("Name is too long: 1,001 characters, at most 1,000"),
        "{err}"
    );
    let err = s.rejected(&["--lang", "vi", "edit", "Lan", "--set", &format!("notes={long}")]);
    assert!(err.contains("Ghi chú quá dài") && err.contains("100.000"), "{err}");
    // Nothing was saved.
    let shown = s.json(&["show", "Lan", "--json"]);
    assert_eq!(shown["notes"], "");
    assert_eq!(shown["interactions"].as_array().unwrap().len(), 0);
    assert_eq!(s.json(&["list", "--json"]).as_array().unwrap().len(), 1);
}

#[test]
fn an_import_skips_an_oversized_record_and_keeps_the_rest() {
    let s = Sandbox::new();
    let file = s.dir.path().join("big.csv");
    let big = "x".repeat(50 * 1024 * 1024);
    std::fs::write(&file, format!("Name,Notes\nLan,ok\nMinh,{big}\nHoa,fine\n")).unwrap();
    let out = s.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("2 new"), "{out}");
    let skipped = out.lines().find(|l| l.starts_with("skipped")).expect("a skipped line");
    assert!(
        skipped.contains("line 3") && skipped.contains("Notes is too long"),
        "{skipped}"
    );
    assert!(skipped.contains("at most 100,000"), "{skipped}");
    let names = common::names_in(&s.json(&["list", "--json"]));
    assert_eq!(names, ["Hoa", "Lan"]);
}

#[test]
fn the_ui_shows_escapes_and_sends_nothing_raw() {
    let s = hostile();
    let mut tui = Tui::start(&s, &[], 120, 40);
    tui.wait_for(&format!("Evil{CLEAR_SHOWN}Corp"));
    tui.wait_for(&format!("Title{TITLE_SHOWN}Co"));
    // The whole customer, and the form that edits it.
    tui.key("enter");
    tui.wait_for(&format!("rev{RLO_SHOWN}desrever"));
    tui.wait_for(&format!("clip{CLIPBOARD_SHOWN}board"));
    tui.wait_for(&format!("called {RLO_SHOWN}gnorw"));
    tui.key("esc");
    tui.wait_until_gone("desrever");
    tui.key("4");
    tui.wait_for(&format!("send{TITLE_SHOWN}quote"));
    tui.key("1");
    tui.key("e");
    tui.wait_for("Edit Evil");
    let screen = tui.wait_for(&format!("Name              Evil{CLEAR_SHOWN}Corp"));
    tui.key("esc");
    tui.wait_until_gone("Edit Evil");
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0, "{screen}");
    let raw = String::from_utf8_lossy(&tui.output()).into_owned();
    for sent in ["\x1b]0;", "\x1b]52;", RLO, "\u{7}"] {
        assert!(!raw.contains(sent), "the UI sent {sent:?} to the terminal");
    }
}

#[test]
fn a_line_break_in_a_name_stays_on_its_line() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Two\nLines", "--notes", "one\r\ntwo"]);
    let list = s.ok(&["list"]);
    assert_eq!(list.lines().count(), 3, "{list}");
    assert!(list.contains("Two\\nLines"), "{list}");
    let show = s.ok(&["show", "Two"]);
    assert!(show.lines().next().unwrap().ends_with("Two\\nLines"), "{show}");
    // Notes keep their lines; CR LF is one line break.
    assert!(show.lines().any(|l| l.trim() == "two"), "{show}");
    assert!(!show.contains("\\r"), "{show}");
}
