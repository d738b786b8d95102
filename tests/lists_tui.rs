//! Saved lists in the terminal UI: the priority segment's customers are
//! marked ★ in the customer table, on the pipeline and on the agenda.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use guanxi::domain::list_filter::ListFilter;
use guanxi::domain::{Customer, Rules};
use guanxi::store::{OpenOptions, Store};
use guanxi::tui::app::App;
use guanxi::tui::keymap::Keymap;
use guanxi::tui::theme::Theme;
use guanxi::tui::views;
use guanxi::workspace::Clock;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn app(dir: &tempfile::TempDir) -> App {
    let mut s = Store::open(OpenOptions {
        workspace: dir.path().join("team"),
        state_root: dir.path().join("state"),
        author: "An".into(),
        clock: Clock::fixed(now()),
        rules: Rules::default(),
    })
    .unwrap();
    for (name, tag) in [("Trần Bảo", "vip"), ("Lý Minh", "")] {
        let mut c = Customer::empty(s.new_customer_id());
        c.name = name.into();
        if !tag.is_empty() {
            c.tags.insert(tag.into());
        }
        c.created_at = now().timestamp_millis() - 30 * 86_400_000;
        s.add_customer(c).unwrap();
    }
    let vip = ListFilter {
        tag: Some("vip".into()),
        ..Default::default()
    };
    s.save_list("Khách VIP", &vip, true).unwrap();
    App::new(s, Keymap::defaults().unwrap(), Theme::defaults().unwrap()).unwrap()
}

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|frame| views::draw(frame, app)).unwrap();
    terminal.backend().to_string()
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn priority_customers_are_marked_in_every_pane() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir);
    for pane in ['1', '2', '4'] {
        press(&mut app, KeyCode::Char(pane));
        let screen = render(&app);
        assert!(screen.contains("★ Trần Bảo"), "pane {pane}:\n{screen}");
        assert!(!screen.contains("★ Lý Minh"), "pane {pane}:\n{screen}");
    }
    // The list stops being the priority segment elsewhere (a command, a
    // teammate): the marks follow, though no customer changed.
    app.store.set_priority_list(None).unwrap();
    app.refresh();
    press(&mut app, KeyCode::Char('1'));
    assert!(!render(&app).contains('★'), "{}", render(&app));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

#[test]
fn the_picker_narrows_the_panes_to_a_list_and_saves_the_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir);
    press(&mut app, KeyCode::Char('L'));
    let screen = render(&app);
    assert!(
        screen.contains("Saved lists") && screen.contains("★ Khách VIP"),
        "{screen}"
    );
    assert!(screen.contains("--tag vip"), "the filter is shown:\n{screen}");
    type_text(&mut app, "vip");
    press(&mut app, KeyCode::Enter);
    let screen = render(&app);
    assert!(screen.contains("Customers · list Khách VIP · 1 of 2"), "{screen}");
    assert!(screen.contains("Trần Bảo") && !screen.contains("Lý Minh"), "{screen}");
    press(&mut app, KeyCode::Char('2'));
    let screen = render(&app);
    assert!(
        screen.contains("list Khách VIP"),
        "the pipeline's tab names the list:\n{screen}"
    );
    assert!(!screen.contains("Lý Minh"), "{screen}");
    press(&mut app, KeyCode::Char('4'));
    let screen = render(&app);
    assert!(screen.contains("Agenda · list Khách VIP"), "{screen}");
    assert!(!screen.contains("Lý Minh"), "{screen}");
    // Back to every customer: the first row.
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('L'));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Enter);
    assert!(app.list.is_none());
    assert_eq!(app.table.visible.len(), 2);
    // Search, then save what shows as a list.
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ly");
    app.settle_search();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('L'));
    type_text(&mut app, "Khách Lý");
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let saved = app.store.saved_list("khach ly").unwrap();
    assert_eq!(saved.filter.query.as_deref(), Some("ly"));
    assert_eq!(app.list.as_ref().map(|l| l.name.as_str()), Some("Khách Lý"));
    let screen = render(&app);
    assert!(screen.contains("Lý Minh") && !screen.contains("Trần Bảo"), "{screen}");
    // A customer who comes to fit the list shows in it at once.
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    app.choose_list(Some("Khách VIP"));
    assert_eq!(app.table.visible.len(), 1);
    let id = app
        .store
        .customers()
        .unwrap()
        .into_iter()
        .find(|r| r.customer.name == "Lý Minh")
        .unwrap()
        .customer
        .id;
    app.store
        .commit(vec![guanxi::store::Edit::UpdateCustomer {
            id,
            fields: vec![guanxi::domain::CustomerField::Tag("vip".into(), true)],
        }])
        .unwrap();
    app.refresh();
    assert_eq!(app.table.visible.len(), 2, "judged again when it changed");
}

#[test]
fn a_lists_name_is_drawn_as_data_in_every_title() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir);
    let vip = ListFilter {
        tag: Some("vip".into()),
        ..Default::default()
    };
    // A name a teammate wrote with a right-to-left override in it.
    app.store.save_list("VIP\u{202E}kcah", &vip, false).unwrap();
    app.refresh();
    app.choose_list(Some("VIP\u{202E}kcah"));
    // The title is the screen's second line; the pipeline's is its tab.
    for (pane, title_line) in [('1', 1), ('2', 0), ('4', 1)] {
        press(&mut app, KeyCode::Char(pane));
        let screen = render(&app);
        assert!(!screen.contains('\u{202E}'), "pane {pane}:\n{screen}");
        let title = screen.lines().nth(title_line).unwrap_or_default();
        assert!(title.contains("VIP\\u{202E}kcah"), "pane {pane}:\n{screen}");
    }
}
