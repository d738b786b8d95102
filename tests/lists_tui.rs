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
}
