//! Account plans in the terminal UI: `P` opens the customer's outline in
//! the editor (a mistake names its line and saves nothing), `x` ticks a
//! tactic off in the detail's plan tree and on the agenda, `f` on a
//! tactic gives it a due date, ← and → fold and open an objective.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use guanxi::domain::{Customer, CustomerId, PlanTarget, Rules};
use guanxi::store::{AgendaWhat, OpenOptions, Store};
use guanxi::tui::app::{App, Tone};
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

fn app(dir: &tempfile::TempDir) -> (App, CustomerId) {
    let mut s = Store::open(OpenOptions {
        workspace: dir.path().join("team"),
        state_root: dir.path().join("state"),
        author: "An".into(),
        clock: Clock::fixed(now()),
        rules: Rules::default(),
    })
    .unwrap();
    let mut c = Customer::empty(s.new_customer_id());
    c.name = "Phú Thịnh".into();
    c.created_at = now().timestamp_millis();
    let id = s.add_customer(c).unwrap();
    (
        App::new(s, Keymap::defaults().unwrap(), Theme::defaults().unwrap()).unwrap(),
        id,
    )
}

fn render(app: &App) -> String {
    render_at(app, 120, 40)
}

fn render_at(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| views::draw(frame, app)).unwrap();
    terminal.backend().to_string()
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// What the editor "writes" for the request `P` made.
fn edit(app: &mut App, text: &str) {
    let request = app.editor.take().expect("P asks for the editor");
    assert!(request.plan.is_some());
    app.editor_done(request, Some(text.to_string()));
}

const GOOD: &str = "mission: Đối tác duy nhất
objective: Hợp đồng kho
  strategy customization: Chuỗi lạnh
    tactic: Khảo sát kho | due 2026-11-24 | owner lan
    tactic: Gửi đề xuất
objective: Giữ khách
  strategy internal: Đào tạo
    tactic: Workshop
";

#[test]
fn the_plan_is_written_in_the_editor_and_worked_from_the_detail_and_the_agenda() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, id) = app(&dir);
    let target = PlanTarget::Customer(id);
    press(&mut app, KeyCode::Enter);
    assert!(render(&app).contains("No plan yet"), "{}", render(&app));

    // A mistake: the line is named, nothing is saved.
    press(&mut app, KeyCode::Char('P'));
    assert!(app.editor.as_ref().unwrap().text.contains("mission: "), "the template");
    edit(&mut app, "mission: m\nobjective: o\nstrategy nope: x\n");
    let said = app.message.as_ref().unwrap();
    assert_eq!(said.tone, Tone::Error);
    assert!(said.text.contains("line 3"), "{}", said.text);
    assert!(app.store.plan(&target).unwrap().is_none());

    press(&mut app, KeyCode::Char('P'));
    edit(&mut app, GOOD);
    assert_eq!(app.message.as_ref().unwrap().tone, Tone::Success);
    let screen = render(&app);
    assert!(screen.contains("0 of 3 tactics done"), "{screen}");
    assert!(screen.contains("Khảo sát kho"), "{screen}");

    // The open follow-ups come first (none here): the first objective, then
    // its first tactic, ticked off with x.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('x'));
    let plan = app.store.plan(&target).unwrap().unwrap();
    assert!(plan.tactics().next().unwrap().tactic.done);
    assert!(render(&app).contains("1 of 3 tactics done"));
    // x again reopens it.
    press(&mut app, KeyCode::Char('x'));
    assert!(
        !app.store
            .plan(&target)
            .unwrap()
            .unwrap()
            .tactics()
            .next()
            .unwrap()
            .tactic
            .done
    );

    // f on the undated second tactic gives it a due date.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('f'));
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    for c in "2026-11-28".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let plan = app.store.plan(&target).unwrap().unwrap();
    let second = plan.tactics().nth(1).unwrap().tactic.clone();
    assert_eq!(second.due_date(), chrono::NaiveDate::from_ymd_opt(2026, 11, 28));

    // On a short screen the view scrolls to keep the cursor's row in sight.
    assert!(!render_at(&app, 80, 12).contains("Workshop"));
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('j'));
    }
    assert!(
        render_at(&app, 80, 12).contains("Workshop"),
        "{}",
        render_at(&app, 80, 12)
    );
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('k'));
    }
    assert!(render_at(&app, 80, 12).contains("Gửi đề xuất"));

    // ← folds the objective under the cursor, → opens it again.
    press(&mut app, KeyCode::Char('h'));
    assert!(!render(&app).contains("Gửi đề xuất"));
    press(&mut app, KeyCode::Char('l'));
    assert!(render(&app).contains("Gửi đề xuất"));

    // On the agenda, both dated tactics are rows of the customer, and x
    // on one marks it done in the plan.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('4'));
    let tactics: Vec<_> = app
        .agenda
        .items
        .iter()
        .filter(|i| matches!(i.what, AgendaWhat::Tactic(_)))
        .collect();
    assert_eq!(tactics.len(), 2, "{:?}", app.agenda.items);
    let screen = render(&app);
    assert!(screen.contains("plan Phú Thịnh: Khảo sát kho"), "{screen}");
    press(&mut app, KeyCode::Char('g'));
    for _ in 0..5 {
        if matches!(app.agenda.selected().map(|i| &i.what), Some(AgendaWhat::Tactic(_))) {
            break;
        }
        press(&mut app, KeyCode::Char('j'));
    }
    assert!(matches!(
        app.agenda.selected().map(|i| &i.what),
        Some(AgendaWhat::Tactic(_))
    ));
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.store.plan(&target).unwrap().unwrap().progress(), (1, 3));
    let left = app
        .agenda
        .items
        .iter()
        .filter(|i| matches!(i.what, AgendaWhat::Tactic(_)))
        .count();
    assert_eq!(left, 1, "the done tactic leaves the agenda");
}
