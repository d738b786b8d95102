//! Every key the UI reacts to is named by the keymap, and every key the
//! footer hints at does what it says: walked over every layer and pane.

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use guanxi::domain::{Customer, CustomerId, Stage};
use guanxi::i18n::{Lang, set_thread_language};
use guanxi::store::{OpenOptions, Store};
use guanxi::tui::app::App;
use guanxi::tui::forms::Form;
use guanxi::tui::keymap::{Key, Keymap};
use guanxi::tui::theme::Theme;
use guanxi::workspace::Clock;
use tempfile::TempDir;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

struct Fixture {
    dir: TempDir,
    app: App,
}

fn open_store(dir: &TempDir) -> Store {
    Store::open(OpenOptions {
        clock: Clock::fixed(now()),
        ..common::store::options_in(dir.path(), "An")
    })
    .unwrap()
}

/// A few customers: two that look like the same person, one with an
/// interaction and a follow-up due (so the log and the agenda have rows).
fn fixture(empty: bool) -> Fixture {
    set_thread_language(Lang::En);
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_store(&dir);
    if !empty {
        for (id, name, phone) in [
            (1, "Nguyễn Thị Hồng Nhung", "+84 912 345 678"),
            (2, "nguyen thi hong nhung", "0912 345 678"),
            (3, "王芳", "+86 138 0013 8000"),
        ] {
            let mut c = Customer::empty(CustomerId(id));
            c.name = name.into();
            c.phones = vec![phone.into()];
            c.stage = Stage::Build;
            s.add_customer(c).unwrap();
        }
        s.log_interaction(CustomerId(3), common::store::call("Gọi điện", now(), ""))
            .unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        s.schedule_follow_up(CustomerId(3), "Gửi báo giá".into(), due).unwrap();
    }
    let app = App::new(s, Keymap::defaults().unwrap(), Theme::defaults().unwrap()).unwrap();
    Fixture { dir, app }
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Every state the UI can be in that reads keys its own way, by name.
const STATES: &[&str] = &[
    "welcome",
    "customers",
    "pipeline",
    "log",
    "agenda",
    "detail",
    "search",
    "customer form",
    "interaction form, on a choice",
    "prompt",
    "help",
    "palette",
    "import path",
    "import preview",
    "duplicates",
];

fn state(name: &str) -> Fixture {
    let mut f = fixture(name == "welcome");
    let app = &mut f.app;
    match name {
        "welcome" | "customers" => {}
        "pipeline" => press(app, KeyCode::Char('2')),
        "log" => press(app, KeyCode::Char('3')),
        "agenda" => press(app, KeyCode::Char('4')),
        "detail" => press(app, KeyCode::Enter),
        "search" => press(app, KeyCode::Char('/')),
        "customer form" => press(app, KeyCode::Char('a')),
        "interaction form, on a choice" => {
            press(app, KeyCode::Char('i'));
            let form = app.top_mut::<Form>().expect("the interaction form");
            form.focus = form.fields.iter().position(|f| f.choices.is_some()).expect("a choice");
        }
        "prompt" => press(app, KeyCode::Char('d')),
        "help" => press(app, KeyCode::Char('?')),
        "palette" => press(app, KeyCode::Char(':')),
        "import path" => press(app, KeyCode::Char('I')),
        "import preview" => {
            let file = f.dir.path().join("contacts.csv");
            std::fs::write(&file, "Name,Email\nTrần Văn Bình,binh@example.vn\n").unwrap();
            press(app, KeyCode::Char('I'));
            type_text(app, file.to_str().unwrap());
            press(app, KeyCode::Enter);
            assert!(
                app.top::<guanxi::tui::layers::Import>()
                    .is_some_and(|i| matches!(i, guanxi::tui::layers::Import::Preview(_))),
                "the preview is open"
            );
        }
        "duplicates" => press(app, KeyCode::Char('D')),
        other => panic!("no state {other}"),
    }
    f.app.message = None;
    f
}

/// Everything a key could change, as text.
fn fingerprint(app: &App) -> String {
    format!(
        "{:?} {:?}",
        (
            app.pane,
            &app.table,
            &app.board,
            (app.log.everyone, app.log.cursor, app.log.items.len()),
            (app.agenda.cursor, app.agenda.items.len()),
            &app.query,
            (app.sort, app.descending, app.mine_only),
        ),
        (
            app.current,
            app.quit,
            &app.editor,
            &app.message,
            &app.layers,
            app.roster.len(),
        )
    )
}

/// Every key a terminal can send that the test tries: characters and
/// named keys, alone and with each modifier.
fn all_keys() -> Vec<KeyEvent> {
    let mut codes: Vec<KeyCode> = (' '..='~').chain(['đ', 'Đ', '关']).map(KeyCode::Char).collect();
    codes.extend([
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
    ]);
    codes.extend((1..=12).map(KeyCode::F));
    let mods = [
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::CONTROL | KeyModifiers::ALT,
    ];
    codes
        .iter()
        .flat_map(|code| mods.iter().map(|m| KeyEvent::new(*code, *m)))
        .collect()
}

/// The keys a text box takes as typing and editing (`LineInput::handle`);
/// a field of choices takes a subset of them (arrows, space, a letter).
fn edits_text(key: &KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(_) if !ctrl && !alt => true,
        KeyCode::Char('a' | 'u' | 'k' | 'w') => ctrl && !alt,
        KeyCode::Backspace | KeyCode::Delete | KeyCode::Left | KeyCode::Right | KeyCode::Home | KeyCode::End => true,
        _ => false,
    }
}

/// True when the top layer has a text box (or a form's field of choices).
fn takes_typing(app: &mut App) -> bool {
    let Some(mut top) = app.layers.pop() else {
        return false;
    };
    let typing = top.text_box(app).is_some() || (*top).as_any().is::<Form>();
    app.layers.push(top);
    typing
}

#[test]
fn no_key_is_handled_that_the_keymap_does_not_name() {
    let keys = all_keys();
    for name in STATES {
        let mut f = state(name);
        let app = &mut f.app;
        let typing = takes_typing(app);
        // A file path box's own Tab (completion), a text-box key like those above.
        let path_box = matches!(
            app.top::<guanxi::tui::layers::Import>(),
            Some(guanxi::tui::layers::Import::Path { .. })
        );
        let mut tried = 0;
        for key in &keys {
            let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
            let completes = path_box && key.code == KeyCode::Tab && key.modifiers.is_empty();
            if ctrl_c || app.keymap.action(app.modes(), key).is_some() || (typing && edits_text(key)) || completes {
                continue;
            }
            tried += 1;
            let before = fingerprint(app);
            app.on_key(*key);
            assert_eq!(
                fingerprint(app),
                before,
                "in {name}, {key:?} did something though no binding names it"
            );
        }
        assert!(tried > 100, "in {name}, only {tried} keys were unbound");
    }
}

#[test]
fn every_hint_is_a_key_that_works_there() {
    for name in STATES {
        let hints = state(name).app.hints();
        assert!(!hints.is_empty(), "{name} hints at nothing");
        for hint in hints {
            // A fresh state for each: the action may close or change it.
            let mut f = state(name);
            let app = &mut f.app;
            assert!(
                app.modes().contains(&hint.mode),
                "{name} hints {:?} from {:?}, a mode it does not read",
                hint.action,
                hint.mode
            );
            let keys: Vec<Key> = app.keymap.keys_for(hint.mode, hint.action).to_vec();
            assert!(!keys.is_empty(), "{name} hints {:?}, which has no key", hint.action);
            for key in keys {
                let event = KeyEvent::new(key.code, key.modifiers);
                assert_eq!(
                    app.keymap.action(app.modes(), &event),
                    Some(hint.action),
                    "in {name}, the hinted key {key} does not reach {:?}",
                    hint.action
                );
            }
            assert!(
                app.update(hint.action),
                "in {name}, the hinted {:?} does nothing",
                hint.action
            );
        }
    }
}

/// A key the user binds in keymap.toml is the key that works, in the
/// popups too (the import preview's scrolling was once fixed to j/k).
#[test]
fn a_rebound_key_is_the_one_that_works() {
    let mut f = state("import preview");
    f.app.keymap = Keymap::defaults()
        .unwrap()
        .with_overrides("[navigation]\ndown = [\"n\"]\n")
        .unwrap();
    let scroll = |app: &App| match app.top::<guanxi::tui::layers::Import>() {
        Some(guanxi::tui::layers::Import::Preview(job)) => job.scroll,
        _ => panic!("the preview is open"),
    };
    press(&mut f.app, KeyCode::Char('j'));
    assert_eq!(scroll(&f.app), 0, "j no longer scrolls");
    press(&mut f.app, KeyCode::Char('n'));
    assert_eq!(scroll(&f.app), 1, "n does");
}
