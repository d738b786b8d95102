//! The Reports pane (issue 16): snapshots of every section at 80x24 and
//! of the dashboard at 120x40 in English, Vietnamese and Chinese, drawn
//! from figures made by hand (so they do not move when how a figure is
//! gathered changes); the empty states; the figures computed behind the
//! first draw and again when the scope or the data changes; Enter on an
//! at-risk customer opening it.

mod common;

use std::sync::Once;

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use guanxi::domain::dates::{date_to_days, local_midnight};
use guanxi::domain::draft::InteractionValues;
use guanxi::domain::{
    Channel, Customer, CustomerId, Deal, DealId, DealStatus, Direction, FollowUp, FollowUpId, Interaction,
    InteractionId, Money, Rules, Stage, StageChange,
};
use guanxi::i18n::{Lang, set_thread_language};
use guanxi::report::Figures;
use guanxi::report::figures::{AtRisk, Facts, Gather, HealthFall, Period, RiskReason};
use guanxi::store::{OpenOptions, Store};
use guanxi::tui::app::{App, OwnerChoice, Pane, PeriodChoice, Section};
use guanxi::tui::keymap::Keymap;
use guanxi::tui::theme::Theme;
use guanxi::tui::views;
use guanxi::workspace::Clock;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;

fn utc() {
    static ONCE: Once = Once::new();
    // SAFETY: every test calls this first, so no other thread of this test
    // binary is reading the environment while it is set.
    ONCE.call_once(|| unsafe { std::env::set_var("TZ", "UTC") });
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> i64 {
    local_midnight(day(s)) + 10 * 3600 * 1000
}

struct Fixture {
    _dir: TempDir,
    app: App,
}

const NHUNG: CustomerId = CustomerId(0x1001);
const WEI: CustomerId = CustomerId(0x2002);

/// A workspace with the customers the at-risk list names.
fn fixture() -> Fixture {
    utc();
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(OpenOptions {
        workspace: dir.path().join("team"),
        state_root: dir.path().join("state"),
        author: "An".into(),
        clock: Clock::fixed(now()),
        rules: Rules::default(),
    })
    .unwrap();
    for (id, name, company, stage) in [
        (NHUNG, "Nguyễn Thị Hồng Nhung", "Công ty TNHH Minh Phát", Stage::Develop),
        (WEI, "张伟", "深圳华信科技有限公司", Stage::Build),
    ] {
        let mut c = Customer::empty(id);
        c.name = name.into();
        c.company = company.into();
        c.stage = stage;
        s.add_customer(c).unwrap();
    }
    let app = App::new(s, Keymap::defaults().unwrap(), Theme::defaults().unwrap()).unwrap();
    Fixture { _dir: dir, app }
}

fn interaction(n: u64, when: &str, channel: Channel, amount: Option<i64>, rating: Option<u8>, by: &str) -> Interaction {
    let mut i = Interaction::empty(InteractionId(n), CustomerId(0));
    i.at = at(when);
    i.channel = channel;
    i.amount = amount.map(Money::from_units);
    i.satisfaction = rating;
    i.author = by.into();
    i
}

fn moved(when: &str, from: Stage, to: Stage) -> StageChange {
    StageChange {
        at: at(when),
        by: "An".into(),
        from,
        to,
    }
}

fn customer(n: u64, stage: Stage, created: &str) -> Customer {
    let mut c = Customer::empty(CustomerId(n));
    c.stage = stage;
    c.created_at = at(created);
    c
}

/// Figures over the last twelve months to 2026-11-22, gathered from
/// hand-made customers, with the at-risk list and health history set.
fn figures() -> Figures {
    let mut g = Gather::new(
        Period {
            from: day("2025-11-23"),
            to: day("2026-11-22"),
        },
        day("2026-11-22"),
    );
    let nhung = [
        interaction(1, "2026-03-05", Channel::Purchase, Some(120_000_000), Some(5), "An"),
        interaction(2, "2026-06-20", Channel::Purchase, Some(45_000_000), Some(4), "An"),
        interaction(3, "2026-09-02", Channel::Call, None, Some(2), "An"),
        interaction(4, "2026-11-01", Channel::Purchase, Some(150_000_000), Some(3), "Lan"),
    ];
    let history = [
        moved("2026-01-10", Stage::Attract, Stage::Establish),
        moved("2026-02-20", Stage::Establish, Stage::Build),
        moved("2026-05-01", Stage::Build, Stage::Develop),
    ];
    let mut overdue = FollowUp::empty(FollowUpId(1), NHUNG);
    overdue.due = date_to_days(day("2026-11-10"));
    overdue.author = "Lan".into();
    g.add(
        &customer(NHUNG.0, Stage::Develop, "2025-12-01"),
        &Facts {
            clv: Money::from_units(900_000_000),
            org: None,
            interactions: &nhung,
            follow_ups: &[overdue],
            history: &history,
            scores: &[],
            earliest_follow_up: None,
        },
    );
    let wei = [
        interaction(5, "2026-04-12", Channel::Meeting, None, Some(4), "王芳"),
        interaction(6, "2026-08-30", Channel::Email, None, Some(1), "王芳"),
        interaction(7, "2026-10-12", Channel::Purchase, Some(30_000_000), None, "王芳"),
    ];
    g.add(
        &customer(WEI.0, Stage::Build, "2026-02-01"),
        &Facts {
            clv: Money::from_units(60_000_000),
            org: None,
            interactions: &wei,
            follow_ups: &[],
            history: &[moved("2026-04-01", Stage::Attract, Stage::Build)],
            scores: &[],
            earliest_follow_up: None,
        },
    );
    for n in 10..14 {
        g.add(
            &customer(n, Stage::Attract, "2026-10-01"),
            &Facts {
                clv: Money::ZERO,
                org: None,
                interactions: &[],
                follow_ups: &[],
                history: &[],
                scores: &[],
                earliest_follow_up: None,
            },
        );
    }
    let deal = |n: u64, close: &str, amount: i64, p: u8, status: DealStatus| {
        let mut d = Deal::empty(DealId(n), NHUNG);
        d.close = Some(date_to_days(day(close)));
        d.amount = Money::from_units(amount);
        d.probability = p;
        d.status = status;
        if status == DealStatus::Won {
            d.closed_at = Some(at(close));
        }
        d
    };
    g.add_deal(&deal(1, "2026-12-15", 300_000_000, 60, DealStatus::Open));
    g.add_deal(&deal(2, "2027-01-20", 120_000_000, 30, DealStatus::Open));
    g.add_deal(&deal(3, "2026-10-05", 80_000_000, 100, DealStatus::Won));
    let mut f = g.finish();
    f.health_by_month = [
        ("2026-06-01", 71.0),
        ("2026-07-01", 68.5),
        ("2026-08-01", 64.0),
        ("2026-09-01", 66.0),
        ("2026-10-01", 58.0),
        ("2026-11-01", 55.5),
    ]
    .into_iter()
    .map(|(m, v)| (day(m), v))
    .collect();
    f.health_falling = vec![HealthFall {
        id: WEI,
        name: "张伟".into(),
        from: 80,
        to: 45,
    }];
    f.at_risk = vec![
        AtRisk {
            id: NHUNG,
            name: "Nguyễn Thị Hồng Nhung".into(),
            clv: Money::from_units(900_000_000),
            reasons: vec![RiskReason::Overdue { days: 12 }],
        },
        AtRisk {
            id: WEI,
            name: "张伟".into(),
            clv: Money::from_units(60_000_000),
            reasons: vec![
                RiskReason::HealthFell { from: 80, to: 45 },
                RiskReason::PurchasesStopped { days: 41 },
            ],
        },
    ];
    f.value_at_risk = Money::from_units(960_000_000);
    f
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| views::draw(frame, app)).unwrap();
    terminal.backend().to_string()
}

/// The pane with `figures` in, as if gathered for the scope shown.
fn showing(app: &mut App, figures: Figures) {
    press(app, KeyCode::Char('5'));
    assert_eq!(app.pane, Pane::Reports);
    app.wait_report();
    let asked = app.report_asked();
    app.reports.install(asked, figures);
}

fn snapshot_name(name: &str, lang: Lang, (w, h): (u16, u16)) -> String {
    match lang {
        Lang::En => format!("{name}_{w}x{h}"),
        other => format!("{name}_{}_{w}x{h}", other.code()),
    }
}

/// Snapshots in every language at each of `sizes`, the pane showing
/// `figures`, after `setup`.
fn check(name: &str, sizes: &[(u16, u16)], figures: &Figures, setup: impl Fn(&mut App)) {
    for lang in Lang::ALL {
        set_thread_language(lang);
        for size in sizes {
            let mut f = fixture();
            showing(&mut f.app, figures.clone());
            setup(&mut f.app);
            insta::assert_snapshot!(snapshot_name(name, lang, *size), render(&f.app, size.0, size.1));
        }
    }
}

fn to_section(app: &mut App, section: Section) {
    while app.reports.section != section {
        press(app, KeyCode::Char('l'));
    }
}

#[test]
fn the_dashboard_at_both_sizes() {
    check("reports", &[(80, 24), (120, 40)], &figures(), |_| {});
    // The second page at 120x40: forecast, health, activity.
    check("reports_page2", &[(120, 40)], &figures(), |app| {
        to_section(app, Section::Forecast)
    });
}

#[test]
fn every_section_at_80x24() {
    for section in &Section::ALL[1..] {
        let name = format!("reports_{}", section.key());
        check(&name, &[(80, 24)], &figures(), |app| to_section(app, *section));
    }
}

#[test]
fn empty_states_say_why() {
    check("reports_empty", &[(80, 24), (120, 40)], &Figures::default(), |_| {});
    check("reports_empty_page2", &[(120, 40)], &Figures::default(), |app| {
        to_section(app, Section::Forecast)
    });
    // One month of health is not a line.
    let mut one = figures();
    one.health_by_month = [(day("2026-11-01"), 60.0)].into_iter().collect();
    one.health_falling.clear();
    set_thread_language(Lang::En);
    let mut f = fixture();
    showing(&mut f.app, one);
    to_section(&mut f.app, Section::Health);
    let screen = render(&f.app, 80, 24);
    assert!(screen.contains("Health scores from one month only"), "{screen}");
}

/// The first draw does not wait for the figures: it says they are being
/// computed, and they fill in when the thread is done.
#[test]
fn the_figures_fill_in_behind_the_first_draw() {
    set_thread_language(Lang::En);
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('5'));
    assert!(f.app.reports.computing());
    let screen = render(&f.app, 80, 24);
    assert!(screen.contains("computing…"), "{screen}");
    insta::assert_snapshot!("reports_computing_80x24", screen);
    f.app.wait_report();
    assert!(!f.app.reports.computing());
    let screen = render(&f.app, 80, 24);
    assert!(!screen.contains("computing…"), "{screen}");
    assert!(screen.contains("Funnel"), "{screen}");
    // Keys elsewhere compute nothing; coming back to figures still true
    // does not either.
    press(&mut f.app, KeyCode::Char('1'));
    press(&mut f.app, KeyCode::Char('j'));
    press(&mut f.app, KeyCode::Char('5'));
    assert!(!f.app.reports.computing());
}

/// The scope keys change the period and the owner, the title says so, and
/// the figures are computed again for the new scope.
#[test]
fn scope_keys_change_the_period_and_owner() {
    set_thread_language(Lang::En);
    let mut f = fixture();
    let app = &mut f.app;
    press(app, KeyCode::Char('5'));
    app.wait_report();
    assert!(render(app, 120, 40).contains("Last 12 months (2025-11-23 – 2026-11-22) · everyone"));
    press(app, KeyCode::Char('p'));
    assert_eq!(app.reports.period, PeriodChoice::Year);
    assert!(app.reports.computing(), "a new scope is computed");
    let screen = render(app, 120, 40);
    assert!(screen.contains("This year (2026-01-01 – 2026-11-22)"), "{screen}");
    assert!(screen.contains("computing…"), "{screen}");
    app.wait_report();
    assert!(app.reports.figures_for(&app.report_asked()).is_some());
    press(app, KeyCode::Char('p'));
    assert_eq!(app.reports.period, PeriodChoice::All);
    press(app, KeyCode::Char('p'));
    assert_eq!(app.reports.period, PeriodChoice::Days30);
    press(app, KeyCode::Char('w'));
    assert_eq!(app.reports.owner, OwnerChoice::Me);
    app.wait_report();
    assert!(render(app, 120, 40).contains("Last 30 days (2026-10-24 – 2026-11-22) · mine"));
    // Nobody else owns customers here: back to everyone.
    press(app, KeyCode::Char('w'));
    assert_eq!(app.reports.owner, OwnerChoice::Everyone);
    app.wait_report();
    let figures = app.reports.figures_for(&app.report_asked()).unwrap();
    let customers: usize = figures.stages.values().map(|r| r.customers).sum();
    assert_eq!(customers, 2);
}

/// A change to the data while the pane is shown computes the figures
/// again; one made while another pane is shown waits until the pane is.
#[test]
fn the_figures_follow_the_data() {
    set_thread_language(Lang::En);
    let mut f = fixture();
    let app = &mut f.app;
    press(app, KeyCode::Char('5'));
    app.wait_report();
    let purchases = |app: &App| -> usize {
        let f = app.reports.figures_for(&app.report_asked()).unwrap();
        f.revenue_by_month.values().map(|m| m.purchases).sum()
    };
    assert_eq!(purchases(app), 0);
    let buy = |app: &mut App, when: &str| {
        let values = InteractionValues {
            summary: "Đơn hàng".into(),
            channel: Channel::Purchase,
            at: DateTime::parse_from_rfc3339(when).unwrap().with_timezone(&Utc),
            amount: Some(Money::from_units(1_000)),
            satisfaction: None,
            outcome: String::new(),
            direction: Direction::Inbound,
            body: String::new(),
        };
        app.store.log_interaction(NHUNG, values).unwrap();
        app.refresh();
    };
    buy(app, "2026-11-02T03:00:00Z");
    assert!(app.reports.computing());
    app.wait_report();
    assert_eq!(purchases(app), 1);
    press(app, KeyCode::Char('1'));
    buy(app, "2026-11-03T03:00:00Z");
    assert!(!app.reports.computing(), "not while another pane is shown");
    press(app, KeyCode::Char('5'));
    assert!(app.reports.computing(), "when the pane is shown again");
    app.wait_report();
    assert_eq!(purchases(app), 2);
    // Everything read again (bulk changes, another workspace): the
    // figures too.
    app.reload_all();
    assert!(app.reports.computing());
    app.wait_report();
}

/// Enter on an at-risk customer opens its detail; the section keys go
/// round the sections; Enter elsewhere opens nothing.
#[test]
fn enter_opens_the_customer_at_risk() {
    set_thread_language(Lang::En);
    let mut f = fixture();
    let app = &mut f.app;
    showing(app, figures());
    press(app, KeyCode::Enter);
    assert!(app.layers.is_empty(), "the funnel has no customer to open");
    press(app, KeyCode::Char('h'));
    assert_eq!(app.reports.section, Section::Activity, "round from the first");
    to_section(app, Section::AtRisk);
    press(app, KeyCode::Char('j'));
    assert_eq!(app.reports.chosen_at_risk(), Some(WEI));
    press(app, KeyCode::Enter);
    assert_eq!(app.target(), Some(WEI));
    let screen = render(app, 120, 40);
    assert!(screen.contains("┌ 张伟"), "{screen}");
}

/// The saved list chosen in the picker narrows the report too: the title
/// names it and the figures are computed again for its customers.
#[test]
fn the_saved_list_in_force_narrows_the_report() {
    set_thread_language(Lang::En);
    let mut f = fixture();
    let app = &mut f.app;
    let builders = guanxi::domain::list_filter::ListFilter {
        stage: Some(Stage::Build),
        ..Default::default()
    };
    app.store.save_list("Đang xây dựng", &builders, false).unwrap();
    app.refresh();
    press(app, KeyCode::Char('5'));
    app.wait_report();
    app.choose_list(Some("Đang xây dựng"));
    assert!(app.reports.computing(), "a new scope is computed");
    app.wait_report();
    let screen = render(app, 120, 40);
    assert!(screen.contains("· everyone · list Đang xây dựng"), "{screen}");
    let figures = app.reports.figures_for(&app.report_asked()).unwrap();
    let customers: Vec<(Stage, usize)> = figures.stages.iter().map(|(s, r)| (*s, r.customers)).collect();
    assert_eq!(customers, [(Stage::Build, 1)], "张伟 alone");
    app.choose_list(None);
    app.wait_report();
    let figures = app.reports.figures_for(&app.report_asked()).unwrap();
    assert_eq!(figures.stages.values().map(|r| r.customers).sum::<usize>(), 2);
}

/// In the real binary: a customer last contacted 200 days ago (overdue by
/// more than half any cadence) is at risk; Enter on it in the pane opens
/// it.
#[test]
fn the_at_risk_customer_opens_from_the_reports_pane() {
    let s = common::Sandbox::new();
    s.ok(&["add", "--name", "Trần Quốc Bảo", "--company", "Thép Việt"]);
    s.ok(&["add", "--name", "Lý Thu Hà"]);
    let long_ago = chrono::Local::now().date_naive() - chrono::Days::new(200);
    s.ok(&["log", "bao", "--summary", "Gọi lần cuối", "--at", &long_ago.to_string()]);
    s.ok(&["log", "thu ha", "--summary", "Vừa gọi"]);
    let mut tui = common::pty::Tui::start(&s, &[], 120, 40);
    tui.wait_for("Trần Quốc Bảo");
    tui.key("5");
    tui.wait_for("Funnel");
    tui.wait_until_gone("computing…");
    let screen = tui.wait_for("Value at risk");
    let row = screen
        .lines()
        .find(|l| l.contains("days overdue"))
        .unwrap_or_else(|| panic!("no overdue row:\n{screen}"));
    assert!(row.contains("Trần Quốc Bảo"), "{screen}");
    assert!(!screen.contains("Lý Thu Hà"), "contacted today, not at risk:\n{screen}");
    // The at-risk section is the third: two steps right, then Enter.
    tui.key("l");
    tui.key("l");
    tui.key("enter");
    tui.wait_for("┌ Trần Quốc Bảo");
    tui.key("esc");
    tui.wait_for("Value at risk");
    // A double-click on the row opens it too, as Enter does.
    tui.wait_until_gone("┌ Trần Quốc Bảo");
    let (col, row) = tui
        .position_of("Trần Quốc Bảo")
        .unwrap_or_else(|| panic!("the at-risk row is gone:\n{}", tui.screen()));
    tui.double_click(col, row);
    tui.wait_for("┌ Trần Quốc Bảo");
    tui.key("esc");
    tui.wait_until_gone("┌ Trần Quốc Bảo");
    tui.key("q");
    assert_eq!(tui.wait_exit(), 0);
}

/// Before the view is lent to a command run beside the UI, the thread
/// gathering the figures is waited for (it holds the view), and none is
/// started until the view is back.
#[test]
fn lending_the_view_waits_for_the_figures() {
    set_thread_language(Lang::En);
    let mut f = fixture();
    let app = &mut f.app;
    press(app, KeyCode::Char('5'));
    press(app, KeyCode::Char('p'));
    assert!(app.reports.computing());
    assert!(app.can_lend(), "the UI does not keep a command waiting on the report");
    app.finish_report();
    assert!(!app.reports.computing(), "no thread holds the view");
    // The scope asked while the first ran is gathered after, between keys.
    app.tick();
    assert!(app.reports.computing());
    app.wait_report();
    assert!(app.reports.figures_for(&app.report_asked()).is_some());
}

/// The scope actions run from the palette in another pane show the
/// report with the new scope.
#[test]
fn a_scope_action_from_another_pane_shows_the_report() {
    set_thread_language(Lang::En);
    let mut f = fixture();
    let app = &mut f.app;
    assert_eq!(app.pane, Pane::Customers);
    app.update(guanxi::tui::action::Action::ReportOwner);
    assert_eq!(app.pane, Pane::Reports);
    assert_eq!(app.reports.owner, OwnerChoice::Me);
    assert!(app.reports.computing());
    app.wait_report();
    assert!(app.reports.figures_for(&app.report_asked()).is_some());
}
