//! Snapshots of every pane and popup at 80x24 and 120x40, in English,
//! Vietnamese and Chinese, drawn from a fixed workspace with Vietnamese,
//! Chinese and English customers.

use std::sync::Once;

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use guanxi::domain::draft::InteractionValues;
use guanxi::domain::{
    Channel, Customer, CustomerField, CustomerId, Direction, Factor, Level, Money, OrgKind, Organization,
    OrganizationId, Rules, SpinPart, Stage, TierRule,
};
use guanxi::i18n::{Lang, set_thread_language};
use guanxi::store::{Edit, NewDeal, OpenOptions, Store};
use guanxi::tui::app::App;
use guanxi::tui::keymap::Keymap;
use guanxi::tui::theme::Theme;
use guanxi::tui::views;
use guanxi::workspace::Clock;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// English snapshots keep their plain names; the others carry the code.
fn snapshot_name(name: &str, lang: Lang, (w, h): (u16, u16)) -> String {
    match lang {
        Lang::En => format!("{name}_{w}x{h}"),
        other => format!("{name}_{}_{w}x{h}", other.code()),
    }
}

/// Dates in the views are local; pin the zone before anything reads it.
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

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Fixture {
    _dir: TempDir,
    app: App,
}

fn store(dir: &TempDir) -> Store {
    store_with(dir, Rules::default())
}

fn store_with(dir: &TempDir, rules: Rules) -> Store {
    Store::open(OpenOptions { rules, ..options(dir) }).unwrap()
}

/// The fixture's workspace, opened on `now()`.
fn options(dir: &TempDir) -> OpenOptions {
    OpenOptions {
        workspace: dir.path().join("team"),
        state_root: dir.path().join("state"),
        author: "An".into(),
        clock: Clock::fixed(now()),
        rules: Rules::default(),
    }
}

fn customer(id: u64, name: &str, company: &str, stage: Stage) -> Customer {
    let mut c = Customer::empty(CustomerId(id));
    c.name = name.into();
    c.company = company.into();
    c.stage = stage;
    c
}

fn log(store: &mut Store, id: u64, when: &str, channel: Channel, summary: &str, amount: Option<i64>) {
    store
        .log_interaction(
            CustomerId(id),
            InteractionValues {
                summary: summary.into(),
                channel,
                at: at(when),
                amount: amount.map(Money::from_units),
                satisfaction: Some(4),
                outcome: String::new(),
                direction: Direction::Outbound,
                body: String::new(),
            },
        )
        .unwrap();
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn fixture() -> Fixture {
    fixture_with(Rules::default())
}

fn fixture_with(rules: Rules) -> Fixture {
    utc();
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_with(&dir, rules);
    let mut nhung = customer(
        0x1001,
        "Nguyễn Thị Hồng Nhung",
        "Công ty TNHH Minh Phát",
        Stage::Develop,
    );
    nhung.title = "Giám đốc".into();
    nhung.emails = vec!["nhung@minhphat.vn".into()];
    nhung.phones = vec!["+84 912 345 678".into()];
    nhung.level = Level::Proactive;
    for (f, v) in [
        (Factor::Trust, 4),
        (Factor::Satisfaction, 5),
        (Factor::Value, 4),
        (Factor::Communication, 3),
    ] {
        nhung.factors.set(f, Some(v));
    }
    nhung.spin.set(SpinPart::Need, "Giao hàng nhanh hơn trước Tết".into());
    nhung.tags.insert("vip".into());
    // Kept by a merge: shown with her record.
    nhung.extra = vec!["FN:Hồng Nhung Nguyễn".into(), "ORG:Minh Phát Group".into()];
    s.add_customer(nhung).unwrap();
    let mut wei = customer(0x2002, "张伟", "深圳华信科技有限公司", Stage::Build);
    wei.emails = vec!["zhangwei@huaxin.cn".into()];
    wei.factors.set(Factor::Trust, Some(3));
    s.add_customer(wei).unwrap();
    s.add_customer(customer(0x3003, "Đặng Văn Lâm", "Thép Hòa Bình", Stage::Attract))
        .unwrap();
    s.add_customer(customer(0x4004, "Emily Clark", "Northwind Traders", Stage::Loyalty))
        .unwrap();
    s.add_customer(customer(0x5005, "李娜", "", Stage::Maintain)).unwrap();
    log(
        &mut s,
        0x1001,
        "2026-11-01T02:30:00Z",
        Channel::Purchase,
        "Đơn hàng quý IV",
        Some(150_000_000),
    );
    log(
        &mut s,
        0x1001,
        "2026-11-20T03:00:00Z",
        Channel::Call,
        "Gọi điện hỏi thăm sau giao hàng",
        None,
    );
    log(
        &mut s,
        0x2002,
        "2026-10-12T06:00:00Z",
        Channel::Meeting,
        "在深圳办公室见面，讨论样品",
        None,
    );
    log(
        &mut s,
        0x4004,
        "2026-11-18T15:00:00Z",
        Channel::Email,
        "Sent the renewal offer",
        None,
    );
    s.schedule_follow_up(CustomerId(0x1001), "Gửi báo giá chi tiết".into(), day("2026-11-22"))
        .unwrap();
    s.schedule_follow_up(CustomerId(0x2002), "寄送样品".into(), day("2026-11-19"))
        .unwrap();
    s.schedule_follow_up(CustomerId(0x4004), "Quarterly review call".into(), day("2026-11-27"))
        .unwrap();
    let lam = s.live_customer(CustomerId(0x3003)).unwrap().unwrap().customer;
    s.move_stage(&lam, Stage::Establish).unwrap();
    // Deals: one open past its close day, months apart, one undated, one lost.
    let deal = |s: &mut Store, id: u64, title: &str, amount: i64, close: Option<&str>, probability: Option<u8>| {
        s.add_deal(NewDeal {
            customer: CustomerId(id),
            title: title.into(),
            amount: Money::from_units(amount),
            close: close.map(day),
            probability,
        })
        .unwrap()
    };
    deal(
        &mut s,
        0x1001,
        "Gia hạn hợp đồng 2027",
        300_000_000,
        Some("2026-12-15"),
        None,
    );
    deal(&mut s, 0x1001, "Máy đóng gói", 80_000_000, Some("2026-11-15"), Some(40));
    deal(&mut s, 0x2002, "服务器扩容", 120_000, Some("2027-01-20"), None);
    deal(&mut s, 0x4004, "Annual renewal", 50_000, None, None);
    let lost = deal(&mut s, 0x3003, "Thép cuộn", 20_000_000, Some("2026-11-30"), None);
    let lost = s.resolve_deal(&lost.to_string()).unwrap();
    s.lose_deal(&lost, "Giá cao hơn đối thủ".into()).unwrap();
    let app = App::new(s, Keymap::defaults().unwrap(), Theme::defaults().unwrap()).unwrap();
    Fixture { _dir: dir, app }
}

/// The fixture's customers as the UI starting up sees them: still loading.
fn starting() -> Fixture {
    let mut f = fixture();
    let dir = std::mem::replace(&mut f._dir, tempfile::tempdir().unwrap());
    drop(f);
    let app = App::start(store(&dir), Keymap::defaults().unwrap(), Theme::defaults().unwrap());
    Fixture { _dir: dir, app }
}

#[test]
fn keys_typed_while_customers_load_are_kept() {
    for _ in 0..20 {
        let mut f = starting();
        // Search, not the welcome screen's keys, even before the rows are in.
        press(&mut f.app, KeyCode::Char('/'));
        type_text(&mut f.app, "dang");
        f.app.wait_loaded().unwrap();
        f.app.settle_search();
        assert!(!f.app.loading() && f.app.searching());
        assert_eq!(
            f.app.table.visible.first(),
            Some(&CustomerId(0x3003)),
            "{:?}",
            f.app.table.visible
        );
        assert_eq!(f.app.roster.len(), 5);
    }
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
    app.settle_search();
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| views::draw(frame, app)).unwrap();
    terminal.backend().to_string()
}

/// Snapshots the app in every language at both sizes after `setup`. The
/// language is set before the fixture is built, as the program does at
/// start, because sorting names depends on it.
fn check(name: &str, setup: impl Fn(&mut App)) {
    for lang in Lang::ALL {
        set_thread_language(lang);
        for size in SIZES {
            let mut f = fixture();
            setup(&mut f.app);
            insta::assert_snapshot!(snapshot_name(name, lang, size), render(&f.app, size.0, size.1));
        }
    }
}

#[test]
fn customers_pane() {
    check("customers", |_| {});
}

#[test]
fn customers_sorted_by_next_contact() {
    check("customers_sorted", |app| {
        press(app, KeyCode::Char('s'));
        for _ in 0..5 {
            press(app, KeyCode::Char('s'));
        }
    });
}

#[test]
fn search_without_diacritics() {
    check("search_nguyen", |app| {
        press(app, KeyCode::Char('/'));
        type_text(app, "nguyen");
    });
}

#[test]
fn pipeline_pane() {
    check("pipeline", |app| press(app, KeyCode::Char('2')));
}

#[test]
fn deals_pipeline() {
    check("pipeline_deals", |app| {
        press(app, KeyCode::Char('2'));
        press(app, KeyCode::Char('$'));
        assert!(app.deal_board.on);
    });
}

/// A partner that referred two of the fixture's customers, chosen in the
/// Organizations pane.
fn with_partner(app: &mut App) {
    let mut o = Organization::empty(OrganizationId(0));
    o.name = "Đối tác Sao Mai".into();
    o.kind = OrgKind::Partner;
    o.industry = "Tư vấn".into();
    let partner = app.store.add_organization(o).unwrap();
    for id in [0x1001, 0x2002] {
        app.store
            .commit(vec![Edit::UpdateCustomer {
                id: CustomerId(id),
                fields: vec![CustomerField::ReferredBy(Some(partner))],
            }])
            .unwrap();
    }
    app.refresh();
    press(app, KeyCode::Char('6'));
    let view = app.store.view();
    app.orgs.select(partner, &view).unwrap();
}

#[test]
fn organizations_pane() {
    check("organizations", |app| {
        press(app, KeyCode::Char('6'));
        assert_eq!(app.orgs.rows.len(), 4, "the fixture's companies");
    });
    check("organizations_partner", with_partner);
}

/// Enter goes into the organization's people, a second Enter opens the
/// person; Esc comes back. From a customer's detail, `o` opens its
/// organization.
#[test]
fn an_organizations_people_open_and_a_customer_opens_its_organization() {
    set_thread_language(Lang::En);
    let mut f = fixture();
    with_partner(&mut f.app);
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(f.app.orgs.person, Some(0));
    press(&mut f.app, KeyCode::Char('j'));
    let second = f.app.orgs.chosen_person().unwrap();
    press(&mut f.app, KeyCode::Enter);
    let screen = render(&f.app, 120, 40);
    let name = f.app.store.live_customer(second).unwrap().unwrap().customer.name;
    assert!(screen.contains(&name), "{screen}");
    assert!(
        screen.contains("Referred by") && screen.contains("Đối tác Sao Mai"),
        "{screen}"
    );
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Esc);
    assert_eq!(f.app.orgs.person, None);
    // From Emily Clark's detail, her company's organization.
    press(&mut f.app, KeyCode::Char('1'));
    f.app.open_detail(CustomerId(0x4004));
    press(&mut f.app, KeyCode::Char('o'));
    assert_eq!(f.app.pane, guanxi::tui::app::Pane::Organizations);
    assert_eq!(f.app.orgs.selected().unwrap().org.name, "Northwind Traders");
    assert!(f.app.layers.is_empty());
    // Someone with no organization says so.
    press(&mut f.app, KeyCode::Char('1'));
    f.app.open_detail(CustomerId(0x5005));
    press(&mut f.app, KeyCode::Char('o'));
    assert_eq!(f.app.pane, guanxi::tui::app::Pane::Customers);
    assert!(!f.app.layers.is_empty(), "the detail stays open");
}

/// The deals key switches the pipeline between deals and stages, opens
/// the pipeline from elsewhere, and the customer of the deal under the
/// cursor is the one the keys act on.
#[test]
fn the_deals_key_switches_the_pipeline() {
    utc();
    let mut f = fixture();
    let app = &mut f.app;
    press(app, KeyCode::Char('$'));
    assert!(app.deal_board.on);
    assert_eq!(app.pane, guanxi::tui::app::Pane::Pipeline);
    let months: Vec<usize> = app.deal_board.columns.iter().map(|c| c.deals.len()).collect();
    assert_eq!(months, [1, 1, 1, 1], "Nov, Dec, Jan, undated; the lost deal left out");
    assert_eq!(app.target(), Some(CustomerId(0x1001)), "the November deal is Nhung's");
    press(app, KeyCode::Char('l'));
    press(app, KeyCode::Char('l'));
    assert_eq!(app.target(), Some(CustomerId(0x2002)));
    press(app, KeyCode::Char('$'));
    assert!(!app.deal_board.on, "back to the stages");
    press(app, KeyCode::Char('1'));
    press(app, KeyCode::Char('$'));
    assert!(app.deal_board.on, "from another pane the key shows the deals");
}

#[test]
fn log_pane_for_one_customer_and_everyone() {
    check("log", |app| press(app, KeyCode::Char('3')));
    check("log_everyone", |app| {
        press(app, KeyCode::Char('3'));
        press(app, KeyCode::Char('t'));
    });
}

#[test]
fn agenda_pane() {
    check("agenda", |app| press(app, KeyCode::Char('4')));
}

#[test]
fn detail_popup() {
    check("detail", |app| {
        // Where Nguyễn Thị Hồng Nhung stands depends on the language's
        // order of names.
        for _ in 0..5 {
            if app.target() == Some(CustomerId(0x1001)) {
                break;
            }
            press(app, KeyCode::Char('j'));
        }
        assert_eq!(app.target(), Some(CustomerId(0x1001)));
        press(app, KeyCode::Enter);
    });
}

/// Nhung's scores changed over the following months: trust, value and
/// communication fell, so her detail shows a trend beside each of those
/// factors and one for health, from 80% down to 55% (satisfaction, scored
/// once, has none).
#[test]
fn health_history_in_the_detail() {
    let later = |days: u64| now().checked_add_days(chrono::Days::new(days)).unwrap();
    for lang in Lang::ALL {
        set_thread_language(lang);
        for size in SIZES {
            let mut f = fixture();
            let dir = std::mem::replace(&mut f._dir, tempfile::tempdir().unwrap());
            drop(f);
            for (days, scores) in [
                (20, vec![(Factor::Trust, 3), (Factor::Value, 3)]),
                (45, vec![(Factor::Trust, 2), (Factor::Communication, 2)]),
                (70, vec![(Factor::Trust, 1)]),
            ] {
                let mut s = Store::open(OpenOptions {
                    clock: Clock::fixed(later(days)),
                    ..options(&dir)
                })
                .unwrap();
                let fields = scores
                    .iter()
                    .map(|(factor, score)| CustomerField::Factor(*factor, Some(*score)))
                    .collect();
                s.commit(vec![Edit::UpdateCustomer {
                    id: CustomerId(0x1001),
                    fields,
                }])
                .unwrap();
            }
            let s = Store::open(OpenOptions {
                clock: Clock::fixed(later(90)),
                ..options(&dir)
            })
            .unwrap();
            let mut app = App::new(s, Keymap::defaults().unwrap(), Theme::defaults().unwrap()).unwrap();
            for _ in 0..5 {
                if app.target() == Some(CustomerId(0x1001)) {
                    break;
                }
                press(&mut app, KeyCode::Char('j'));
            }
            press(&mut app, KeyCode::Enter);
            if size.1 < 30 {
                press(&mut app, KeyCode::PageDown);
            }
            insta::assert_snapshot!(
                snapshot_name("detail_health_history", lang, size),
                render(&app, size.0, size.1)
            );
        }
    }
}

/// Nhung's account plan as a tree in her detail: the mission, two
/// objectives, strategies with their kind, tactics with done, due day and
/// owner, the progress; the cursor on a tactic ticked off with `x`, the
/// second objective folded with ←. Scrolled down to the plan.
#[test]
fn plan_tree_in_the_detail() {
    const OUTLINE: &str = "mission: Là đối tác hậu cần duy nhất của Minh Phát ở miền Nam
objective: Giành hợp đồng kho Cần Thơ trước tháng 6
  strategy customization: Gói chuỗi lạnh theo tuyến của họ
    tactic: Khảo sát kho với trưởng vận hành | due 2026-11-24 | owner lan
    tactic: Gửi bản đề xuất \\| bản 2 | due 2026-12-10
  strategy 关系定价: 老客户价格
    tactic: 与财务讨论折扣
objective: Keep the account through 2027
  strategy internal: Train the support team
    tactic: Workshop | due 2027-01-15 | owner An | done
";
    for lang in Lang::ALL {
        set_thread_language(lang);
        for size in SIZES {
            let mut f = fixture();
            let plan = guanxi::domain::outline::parse(OUTLINE).unwrap();
            let target = guanxi::domain::PlanTarget::Customer(CustomerId(0x1001));
            f.app.store.set_plan(&target, plan).unwrap();
            let app = &mut f.app;
            for _ in 0..5 {
                if app.target() == Some(CustomerId(0x1001)) {
                    break;
                }
                press(app, KeyCode::Char('j'));
            }
            press(app, KeyCode::Enter);
            // Past the open follow-up and the first objective: the first tactic.
            press(app, KeyCode::Char('j'));
            press(app, KeyCode::Char('j'));
            press(app, KeyCode::Char('x'));
            // To the second objective, and fold it.
            for _ in 0..3 {
                press(app, KeyCode::Char('j'));
            }
            press(app, KeyCode::Char('h'));
            for _ in 0..if size.1 < 30 { 2 } else { 1 } {
                press(app, KeyCode::PageDown);
            }
            insta::assert_snapshot!(snapshot_name("detail_plan", lang, size), render(&f.app, size.0, size.1));
        }
    }
}

/// Silver from 1,000,000 of lifetime value; Gold from 100,000,000 once
/// the relationship develops: Nhung (450,000,000) is Gold.
fn tiers() -> Rules {
    let tier = |name: &str, min_clv: i64, min_stage: Option<Stage>, discount: f64| TierRule {
        name: name.into(),
        min_clv: Money::from_units(min_clv),
        min_stage,
        min_health: None,
        discount,
    };
    Rules {
        tiers: vec![
            tier("Silver", 1_000_000, None, 2.0),
            tier("Gold", 100_000_000, Some(Stage::Develop), 5.0),
        ],
        ..Rules::default()
    }
}

/// The tier column where the table has room (100 columns, the summary
/// below the table), and the tier with its price in the summary and the
/// detail.
#[test]
fn tiers_in_the_list_the_panel_and_the_detail() {
    for lang in Lang::ALL {
        set_thread_language(lang);
        let mut f = fixture_with(tiers());
        for _ in 0..5 {
            if f.app.target() == Some(CustomerId(0x1001)) {
                break;
            }
            press(&mut f.app, KeyCode::Char('j'));
        }
        assert_eq!(f.app.target(), Some(CustomerId(0x1001)));
        let size = (100, 30);
        insta::assert_snapshot!(
            snapshot_name("customers_tiers", lang, size),
            render(&f.app, size.0, size.1)
        );
        press(&mut f.app, KeyCode::Enter);
        let size = (120, 40);
        insta::assert_snapshot!(
            snapshot_name("detail_tiers", lang, size),
            render(&f.app, size.0, size.1)
        );
    }
}

#[test]
fn customer_form_with_an_error() {
    check("form_customer_invalid", |app| {
        press(app, KeyCode::Char('a'));
        press(app, KeyCode::Tab);
        type_text(app, "Công ty Sao Việt");
        app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    });
}

#[test]
fn interaction_and_follow_up_forms() {
    check("form_interaction", |app| {
        press(app, KeyCode::Char('i'));
        type_text(app, "Gặp mặt tại văn phòng");
        press(app, KeyCode::Tab);
        press(app, KeyCode::Right);
        press(app, KeyCode::Right);
    });
    check("form_follow_up", |app| {
        press(app, KeyCode::Char('f'));
        type_text(app, "寄送合同");
    });
}

#[test]
fn quick_capture_line() {
    check("capture", |app| {
        press(app, KeyCode::Char('n'));
        let line = match guanxi::i18n::language() {
            Lang::En => "lunch w/ Emily yesterday +2w #vip $300: renewal offer",
            Lang::Vi => "gặp chị Nhung hôm qua tuần sau #vip 1.2tr: bàn hợp đồng",
            Lang::Zh => "昨天和张伟吃饭 下周 #vip 2万：讨论样品",
        };
        type_text(app, line);
    });
    check("capture_ambiguous", |app| {
        press(app, KeyCode::Char('n'));
        type_text(app, "call l");
        press(app, KeyCode::Enter);
    });
}

#[test]
fn the_capture_line_saves_with_enter_and_nothing_for_no_one() {
    utc();
    set_thread_language(Lang::En);
    let mut f = fixture();
    let app = &mut f.app;
    let before = app.store.timeline(CustomerId(0x3003)).unwrap().into_items().0.len();
    press(app, KeyCode::Char('n'));
    type_text(app, "call l yesterday");
    press(app, KeyCode::Enter);
    // Lâm or 李娜 (li na): nothing saved, the line stays open.
    assert!(app.top::<guanxi::tui::layers::CaptureLine>().is_some());
    assert_eq!(
        app.store.timeline(CustomerId(0x3003)).unwrap().into_items().0.len(),
        before
    );
    for _ in 0.."yesterday".len() {
        press(app, KeyCode::Backspace);
    }
    type_text(app, "am yesterday +3d #steel");
    press(app, KeyCode::Enter);
    assert!(app.layers.is_empty(), "{:?}", app.layers);
    let (interactions, follow_ups, _) = app.store.timeline(CustomerId(0x3003)).unwrap().into_items();
    assert_eq!(interactions.len(), before + 1);
    let logged = interactions.last().unwrap();
    assert_eq!(logged.channel, Channel::Call);
    assert_eq!(logged.summary, "call");
    assert_eq!(follow_ups.last().unwrap().due_date(), day("2026-11-25"));
    let lam = app.store.live_customer(CustomerId(0x3003)).unwrap().unwrap();
    assert!(lam.customer.tags.contains("steel"));
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("Saved for Đặng Văn Lâm: call")
    );
}

/// The line's preview finds the customer by the indexes alone (a part
/// from inside a name would read every customer at every key); Enter
/// looks inside names too.
#[test]
fn the_capture_preview_reads_the_indexes_and_enter_looks_further() {
    utc();
    set_thread_language(Lang::En);
    let mut f = fixture();
    let app = &mut f.app;
    press(app, KeyCode::Char('n'));
    type_text(app, "call mil");
    let screen = render(app, 120, 40);
    assert!(screen.contains("No name, email or phone starts with “mil”"), "{screen}");
    press(app, KeyCode::Enter);
    assert!(app.layers.is_empty(), "{:?}", app.layers);
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("Saved for Emily Clark: call"),
        "{:?}",
        app.message
    );
}

#[test]
fn prompts_help_and_palette() {
    check("prompt_delete", |app| press(app, KeyCode::Char('d')));
    check("help", |app| press(app, KeyCode::Char('?')));
    check("palette", |app| {
        press(app, KeyCode::Char(':'));
        type_text(app, "stage");
    });
}

#[test]
fn welcome_screen_of_an_empty_workspace() {
    utc();
    for lang in Lang::ALL {
        set_thread_language(lang);
        for size in SIZES {
            let dir = tempfile::tempdir().unwrap();
            let app = App::new(store(&dir), Keymap::defaults().unwrap(), Theme::defaults().unwrap()).unwrap();
            insta::assert_snapshot!(snapshot_name("welcome", lang, size), render(&app, size.0, size.1));
        }
    }
}

#[test]
fn import_and_duplicates_popups() {
    check("import_ask", |app| press(app, KeyCode::Char('I')));
    check("import_preview", |app| {
        press(app, KeyCode::Char('I'));
        let file = std::env::temp_dir().join(format!("guanxi-view-{}.csv", std::process::id()));
        std::fs::write(
            &file,
            "Name,Company,Email,Phone\nNguyễn Thị Hồng Nhung,Công ty TNHH Minh Phát,nhung@minhphat.vn,\n王芳,锦程贸易,wangfang@jincheng.cn,\n,,,\n,Nobody,,\nTrần Văn Bình,,,+84 912 345 678\n",
        )
        .unwrap();
        type_text(app, file.to_str().unwrap());
        press(app, KeyCode::Enter);
        // The path is long and machine-specific: show the preview without it.
        std::fs::remove_file(&file).unwrap();
        if let Some(guanxi::tui::layers::Import::Preview(job)) = app.top_mut::<guanxi::tui::layers::Import>() {
            job.path = "contacts.csv".into();
        }
    });
    check("dupes", |app| {
        let mut c = Customer::empty(CustomerId(0x6006));
        c.name = "nguyen thi hong nhung".into();
        c.company = "CÔNG TY TNHH MINH PHÁT".into();
        app.store.add_customer(c).unwrap();
        // Nhung's number under another name: a group to ask about.
        let mut c = Customer::empty(CustomerId(0x7007));
        c.name = "Trần Văn Bình".into();
        c.phones = vec!["0912 345 678".into(), "+84 912 345 678".into()];
        app.store.add_customer(c).unwrap();
        app.reload_all();
        press(app, KeyCode::Char('D'));
    });
}

#[test]
fn export_popup() {
    check("export_ask", |app| {
        press(app, KeyCode::Char('X'));
        type_text(app, "~/khách.csv");
    });
    // From the Agenda pane the agenda is written, as iCalendar only.
    check("export_agenda_not_ics", |app| {
        press(app, KeyCode::Char('4'));
        press(app, KeyCode::Char('X'));
        type_text(app, "agenda.csv");
        press(app, KeyCode::Enter);
    });
}

/// The UI's export writes the customers the table shows (here after a
/// search) through the command line's exporters, and says so.
#[test]
fn export_writes_the_customers_shown_and_the_agenda() {
    set_thread_language(Lang::En);
    let mut f = fixture();
    let app = &mut f.app;
    let dir = tempfile::tempdir().unwrap();
    press(app, KeyCode::Char('/'));
    type_text(app, "nguyen");
    press(app, KeyCode::Enter);
    let shown = app.table.visible.clone();
    assert!(!shown.is_empty() && shown.len() < app.roster.len(), "{shown:?}");
    for (name, check) in [
        ("shown.csv", "Nguyễn Thị Hồng Nhung"),
        ("shown.vcf", "FN:Nguyễn Thị Hồng Nhung"),
        ("shown.json", "\"name\": \"Nguyễn Thị Hồng Nhung\""),
    ] {
        let path = dir.path().join(name);
        press(app, KeyCode::Char('X'));
        type_text(app, path.to_str().unwrap());
        press(app, KeyCode::Enter);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.contains(check), "{name}: {text}");
        assert!(!text.contains("张伟"), "{name} holds only the customers shown: {text}");
        let message = app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
        assert!(
            message.contains(&format!("Wrote {} customer", shown.len())),
            "{message}"
        );
        assert!(
            app.top::<guanxi::tui::layers::Export>().is_none(),
            "closed once written"
        );
    }
    // A name that says no format: the box stays, saying so.
    press(app, KeyCode::Char('X'));
    type_text(app, dir.path().join("shown.txt").to_str().unwrap());
    press(app, KeyCode::Enter);
    let open = app.top::<guanxi::tui::layers::Export>().expect("still asking");
    assert!(open.error.as_deref().unwrap_or("").contains(".csv"), "{:?}", open.error);
    press(app, KeyCode::Esc);

    // The agenda, as iCalendar: its follow-ups as to-dos.
    press(app, KeyCode::Char('4'));
    let path = dir.path().join("agenda.ics");
    press(app, KeyCode::Char('X'));
    type_text(app, path.to_str().unwrap());
    press(app, KeyCode::Enter);
    let ics = std::fs::read_to_string(&path).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("BEGIN:VTODO") && ics.contains("寄送样品"), "{ics}");
}

#[test]
fn search_finds_names_however_they_are_typed() {
    use unicode_normalization::UnicodeNormalization;
    let decomposed: String = "Nguyễn Thị Hồng".nfd().collect();
    for lang in Lang::ALL {
        set_thread_language(lang);
        for (query, expected) in [
            ("nguyen thi hong", 0x1001),
            (decomposed.as_str(), 0x1001),
            ("NGUYỄN", 0x1001),
            ("dang", 0x3003),
            ("张", 0x2002),
            ("zhang", 0x2002),
            ("李", 0x5005),
        ] {
            let mut f = fixture();
            press(&mut f.app, KeyCode::Char('/'));
            type_text(&mut f.app, query);
            assert_eq!(
                f.app.table.visible.first(),
                Some(&CustomerId(expected)),
                "{query:?} in {lang:?}: {:?}",
                f.app.table.visible
            );
        }
    }
}

/// A customer whose text would take over a terminal shown raw: a screen
/// clear in the name, a window title (OSC 0) in the company, a clipboard
/// write (OSC 52) and a bidi override in the notes.
fn hostile(app: &mut App) {
    let mut c = customer(0x7007, "Evil\x1b[2JCorp", "Title\x1b]0;pwned\x07Co", Stage::Develop);
    c.notes = "line one\nclip\x1b]52;c;ZXZpbA==\x07board\nrev\u{202E}desrever".into();
    c.spin.set(SpinPart::Need, "zero\u{200B}width".into());
    app.store.add_customer(c).unwrap();
    log(
        &mut app.store,
        0x7007,
        "2026-11-21T02:00:00Z",
        Channel::Call,
        "called \u{202E}gnorw",
        None,
    );
    app.store
        .schedule_follow_up(
            CustomerId(0x7007),
            "send\x1b]0;pwned\x07quote".into(),
            day("2026-11-22"),
        )
        .unwrap();
    app.reload_all();
}

/// The app drawn at 120x40: the text, and every cell's symbol.
fn draw_cells(app: &App) -> (String, Vec<String>) {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|frame| views::draw(frame, app)).unwrap();
    let cells = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.symbol().to_string())
        .collect();
    (terminal.backend().to_string(), cells)
}

#[test]
fn hostile_text_is_drawn_as_escapes() {
    utc();
    set_thread_language(Lang::En);
    let obeyed = |c: char| {
        c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    let go_to = |app: &mut App| {
        for _ in 0..6 {
            if app.target() == Some(CustomerId(0x7007)) {
                break;
            }
            press(app, KeyCode::Char('j'));
        }
        assert_eq!(app.target(), Some(CustomerId(0x7007)));
    };
    type Setup<'a> = &'a dyn Fn(&mut App);
    let views: [(&str, Setup, &[&str]); 6] = [
        ("customers", &|_| {}, &["Evil\\e[2JCorp", "Title\\e]0;pwned\\x07Co"]),
        (
            "detail",
            &|app| press(app, KeyCode::Enter),
            &[
                "clip\\e]52;c;ZXZpbA==\\x07board",
                "rev\\u{202E}desrever",
                "zero\\u{200B}width",
                "called \\u{202E}gnorw",
                "send\\e]0;pwned\\x07quote",
            ],
        ),
        ("pipeline", &|app| press(app, KeyCode::Char('2')), &["Evil\\e[2JCorp"]),
        ("log", &|app| press(app, KeyCode::Char('3')), &["called \\u{202E}gnorw"]),
        (
            "agenda",
            &|app| press(app, KeyCode::Char('4')),
            &["send\\e]0;pwned\\x07quote"],
        ),
        (
            "form",
            &|app| press(app, KeyCode::Char('e')),
            &["Edit Evil\\e[2JCorp", "Title\\e]0;pwned\\x07Co"],
        ),
    ];
    for (name, setup, shown) in views {
        let mut f = fixture();
        hostile(&mut f.app);
        go_to(&mut f.app);
        setup(&mut f.app);
        let (text, cells) = draw_cells(&f.app);
        for cell in &cells {
            assert!(!cell.chars().any(obeyed), "{name}: a cell holds {cell:?}\n{text}");
        }
        for s in shown {
            assert!(text.contains(s), "{name} lacks {s}:\n{text}");
        }
        if name == "customers" || name == "detail" {
            insta::assert_snapshot!(format!("hostile_{name}_120x40"), text);
        }
    }
}

#[test]
fn the_last_pass_takes_out_what_a_view_let_through() {
    let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 4, 1));
    buf[(0, 0)].set_symbol("a\u{202E}");
    buf[(1, 0)].set_symbol("\u{1b}");
    buf[(2, 0)].set_symbol("b");
    views::scrub(&mut buf);
    let symbols: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
    assert_eq!(symbols, ["a", " ", "b", " "]);
}

#[test]
fn an_oversized_note_is_marked_in_the_form_and_not_saved() {
    utc();
    set_thread_language(Lang::En);
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('a'));
    type_text(&mut f.app, "Lan");
    let Some(form) = f.app.top_mut::<guanxi::tui::forms::Form>() else {
        panic!("the new-customer form is open");
    };
    let notes = form
        .fields
        .iter_mut()
        .find(|field| field.id.label_key() == "field.customer.notes")
        .expect("a notes field");
    notes.input.set(&"n".repeat(100_001));
    f.app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let (text, _) = draw_cells(&f.app);
    assert!(
        text.contains("↳ Notes is too long: 100,001 characters, at most 100,000"),
        "{text}"
    );
    assert_eq!(f.app.roster.len(), 5, "nothing saved");
}

/// The saved-list picker (`L`): the lists with their filters as flags,
/// the priority segment marked, and the first row showing everyone again.
#[test]
fn saved_list_picker() {
    use guanxi::domain::list_filter::ListFilter;
    check("list_picker", |app| {
        let loyal = ListFilter {
            stage: Some(guanxi::domain::Stage::Loyalty),
            ..ListFilter::default()
        };
        app.store.save_list("Khách trung thành", &loyal, true).unwrap();
        let vip = ListFilter {
            tag: Some("vip".into()),
            overdue: true,
            ..ListFilter::default()
        };
        app.store.save_list("VIP 逾期", &vip, false).unwrap();
        app.reload_all();
        press(app, KeyCode::Char('L'));
    });
}

/// An organization's account plan in the Organizations pane: its tree
/// and progress under the people.
#[test]
fn an_organizations_plan_in_its_pane() {
    check("organizations_plan", |app| {
        with_partner(app);
        let id = app.orgs.selected().unwrap().org.id;
        let plan = guanxi::domain::outline::parse(
            "mission: Đối tác giới thiệu số một ở miền Nam
objective: 10 khách mới mỗi quý
  strategy augmentation: 联合活动
    tactic: Hội thảo chung | due 2026-12-05 | owner An
    tactic: Gửi danh sách khách tiềm năng | done
",
        )
        .unwrap();
        app.store
            .set_plan(&guanxi::domain::PlanTarget::Organization(id), plan)
            .unwrap();
        let view = app.store.view();
        app.orgs.select(id, &view).unwrap();
    });
}
