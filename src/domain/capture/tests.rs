//! The grammar as tables of lines and what they say, in English,
//! Vietnamese and Chinese, and lines of any text read without panicking.

use super::*;
use proptest::prelude::*;

/// Sunday 22 November 2026.
fn today() -> NaiveDate {
    day("2026-11-22")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn kind(channel: Channel, said: &str) -> Option<Kind> {
    Some(Kind {
        channel,
        said: said.into(),
    })
}

fn units(n: i64) -> Option<Money> {
    Some(Money::from_units(n))
}

/// What a row expects: every piece, the rest empty.
fn expect(customer: &str) -> Capture {
    Capture {
        customer: customer.into(),
        ..Capture::default()
    }
}

fn check(rows: Vec<(&str, Capture)>) {
    for (line, want) in rows {
        assert_eq!(parse(line, today()), want, "{line}");
    }
}

#[test]
fn english_lines() {
    check(vec![
        (
            "lunch w/ An @phuthinh yesterday +2w #vip 1.2tr",
            Capture {
                organization: Some("phuthinh".into()),
                kind: kind(Channel::Meeting, "lunch"),
                date: Some(day("2026-11-21")),
                follow_up: Some(day("2026-12-06")),
                tags: vec!["vip".into()],
                amount: units(1_200_000),
                ..expect("An")
            },
        ),
        ("Emily Clark", expect("Emily Clark")),
        (
            "coffee w/Emily",
            Capture {
                kind: kind(Channel::Meeting, "coffee"),
                ..expect("Emily")
            },
        ),
        (
            "call Emily Clark today: renewal offer, wants 10% off",
            Capture {
                kind: kind(Channel::Call, "call"),
                date: Some(today()),
                note: "renewal offer, wants 10% off".into(),
                ..expect("Emily Clark")
            },
        ),
        (
            "Emily met monday sent the deck",
            Capture {
                kind: kind(Channel::Meeting, "met"),
                date: Some(day("2026-11-16")),
                note: "sent the deck".into(),
                ..expect("Emily")
            },
        ),
        (
            "email emily@northwind.com +3d",
            Capture {
                kind: kind(Channel::Email, "email"),
                follow_up: Some(day("2026-11-25")),
                ..expect("emily@northwind.com")
            },
        ),
        (
            "Bob $300 on 2026-11-20 #Repeat #vip",
            Capture {
                date: Some(day("2026-11-20")),
                tags: vec!["repeat".into(), "vip".into()],
                amount: units(300),
                ..expect("Bob")
            },
        ),
        (
            "Bob 500k 20/11 next week",
            Capture {
                date: Some(day("2026-11-20")),
                follow_up: Some(day("2026-11-29")),
                amount: units(500_000),
                ..expect("Bob")
            },
        ),
        (
            "Bob next friday +1m 23/12",
            Capture {
                // 23 December is after today: last year's.
                date: Some(day("2025-12-23")),
                follow_up: Some(day("2026-11-27")),
                note: "+1m".into(),
                ..expect("Bob")
            },
        ),
        (
            "phoned Sam: call back +friday about 2 units #hot",
            Capture {
                kind: kind(Channel::Call, "phoned"),
                follow_up: Some(day("2026-11-27")),
                tags: vec!["hot".into()],
                note: "call back about 2 units".into(),
                ..expect("Sam")
            },
        ),
        (
            "@Northwind tomorrow",
            Capture {
                organization: Some("Northwind".into()),
                follow_up: Some(day("2026-11-23")),
                ..expect("")
            },
        ),
        (
            "Sam lunch dinner 300 #1",
            Capture {
                kind: kind(Channel::Meeting, "lunch"),
                note: "dinner 300 #1".into(),
                ..expect("Sam")
            },
        ),
        ("", Capture::default()),
        (
            "a4f09c12 bought $1,250.50",
            Capture {
                kind: kind(Channel::Purchase, "bought"),
                amount: Some(Money(125_050)),
                ..expect("a4f09c12")
            },
        ),
    ]);
}

#[test]
fn vietnamese_lines() {
    check(vec![
        (
            "ăn trưa với An @phuthinh hôm qua tuần sau #vip 1.2tr",
            Capture {
                organization: Some("phuthinh".into()),
                kind: kind(Channel::Meeting, "ăn trưa"),
                date: Some(day("2026-11-21")),
                follow_up: Some(day("2026-11-29")),
                tags: vec!["vip".into()],
                amount: units(1_200_000),
                ..expect("An")
            },
        ),
        (
            "gọi chị Nhung hôm nay: hẹn gửi báo giá +3d",
            Capture {
                kind: kind(Channel::Call, "gọi"),
                date: Some(today()),
                follow_up: Some(day("2026-11-25")),
                note: "hẹn gửi báo giá".into(),
                ..expect("chị Nhung")
            },
        ),
        (
            "Gặp Nguyễn Thị Hồng Nhung thứ hai",
            Capture {
                kind: kind(Channel::Meeting, "Gặp"),
                date: Some(day("2026-11-16")),
                ..expect("Nguyễn Thị Hồng Nhung")
            },
        ),
        (
            // Typed decomposed (NFD), as some keyboards send it.
            "Ga\u{306}\u{323}p Lâm ho\u{302}m qua",
            Capture {
                kind: kind(Channel::Meeting, "Gặp"),
                date: Some(day("2026-11-21")),
                ..expect("Lâm")
            },
        ),
        (
            "goi Lam hom qua tuan sau",
            Capture {
                kind: kind(Channel::Call, "goi"),
                date: Some(day("2026-11-21")),
                follow_up: Some(day("2026-11-29")),
                ..expect("Lam")
            },
        ),
        (
            "Lâm mua hàng 1tr5 ngày 20/11",
            Capture {
                kind: kind(Channel::Purchase, "mua hàng"),
                date: Some(day("2026-11-20")),
                amount: units(1_500_000),
                ..expect("Lâm")
            },
        ),
        (
            "Lâm 1.200.000đ thứ sáu tuần sau",
            Capture {
                // Next week starts tomorrow, a Monday.
                follow_up: Some(day("2026-11-27")),
                amount: units(1_200_000),
                ..expect("Lâm")
            },
        ),
        (
            "nhắn tin Mai ngày mai",
            Capture {
                kind: kind(Channel::Message, "nhắn tin"),
                follow_up: Some(day("2026-11-23")),
                ..expect("Mai")
            },
        ),
        (
            "Thu 2tr hôm kia",
            Capture {
                date: Some(day("2026-11-20")),
                amount: units(2_000_000),
                ..expect("Thu")
            },
        ),
        (
            "Lan 2 triệu",
            Capture {
                amount: units(2_000_000),
                ..expect("Lan")
            },
        ),
        (
            "cà phê với anh Bình chủ nhật, bàn hợp đồng #tiềm-năng",
            Capture {
                kind: kind(Channel::Meeting, "cà phê"),
                date: Some(today()),
                tags: vec!["tiềm-năng".into()],
                note: "bàn hợp đồng".into(),
                ..expect("anh Bình")
            },
        ),
        (
            "gửi email Lan Anh 500 nghìn",
            Capture {
                kind: kind(Channel::Email, "gửi email"),
                amount: units(500_000),
                ..expect("Lan Anh")
            },
        ),
    ]);
}

#[test]
fn chinese_lines() {
    check(vec![
        (
            "昨天 和 王伟 吃饭 下周 #vip 2万",
            Capture {
                kind: kind(Channel::Meeting, "吃饭"),
                date: Some(day("2026-11-21")),
                follow_up: Some(day("2026-11-29")),
                tags: vec!["vip".into()],
                amount: units(20_000),
                ..expect("王伟")
            },
        ),
        (
            "昨天和王伟吃饭",
            Capture {
                kind: kind(Channel::Meeting, "吃饭"),
                date: Some(day("2026-11-21")),
                ..expect("王伟")
            },
        ),
        (
            "电话 张伟 今天：讨论样品 明天",
            Capture {
                kind: kind(Channel::Call, "电话"),
                date: Some(today()),
                note: "讨论样品 明天".into(),
                ..expect("张伟")
            },
        ),
        (
            "张伟：讨论样品 +2w",
            Capture {
                follow_up: Some(day("2026-12-06")),
                note: "讨论样品".into(),
                ..expect("张伟")
            },
        ),
        (
            "见面 李娜 前天 3.5万",
            Capture {
                kind: kind(Channel::Meeting, "见面"),
                date: Some(day("2026-11-20")),
                amount: units(35_000),
                ..expect("李娜")
            },
        ),
        (
            "邮件 李娜 @华信 下周五",
            Capture {
                organization: Some("华信".into()),
                kind: kind(Channel::Email, "邮件"),
                follow_up: Some(day("2026-11-27")),
                ..expect("李娜")
            },
        ),
        (
            "周一鸣 周三 300元",
            Capture {
                date: Some(day("2026-11-18")),
                amount: units(300),
                ..expect("周一鸣")
            },
        ),
        (
            "李娜 11月20日 购买 ￥1,200",
            Capture {
                kind: kind(Channel::Purchase, "购买"),
                date: Some(day("2026-11-20")),
                amount: units(1_200),
                ..expect("李娜")
            },
        ),
        (
            "微信 王伟 星期天 下个月",
            Capture {
                kind: kind(Channel::Message, "微信"),
                date: Some(today()),
                follow_up: Some(day("2026-12-22")),
                ..expect("王伟")
            },
        ),
        (
            "跟王伟见面，谈价格",
            Capture {
                kind: kind(Channel::Meeting, "见面"),
                note: "谈价格".into(),
                ..expect("王伟")
            },
        ),
        (
            "王伟 2 万 2026年11月19日",
            Capture {
                date: Some(day("2026-11-19")),
                amount: units(20_000),
                ..expect("王伟")
            },
        ),
    ]);
}

#[test]
fn defaults_for_what_was_not_said() {
    let c = parse("An 500k", today());
    assert_eq!(c.channel(), Channel::Purchase);
    assert_eq!(c.summary(), None);
    let c = parse("lunch An 500k", today());
    assert_eq!(c.channel(), Channel::Meeting);
    assert_eq!(c.summary().as_deref(), Some("lunch"));
    let c = parse("An: quote sent", today());
    assert_eq!(c.channel(), Channel::Other);
    assert_eq!(c.summary().as_deref(), Some("quote sent"));
    assert!(parse("   ", today()).is_empty());
}

#[test]
fn words_of_address() {
    assert_eq!(without_title("chị Nhung").as_deref(), Some("Nhung"));
    assert_eq!(without_title("Anh Bình").as_deref(), Some("Bình"));
    assert_eq!(without_title("Mr Clark").as_deref(), Some("Clark"));
    assert_eq!(without_title("王总").as_deref(), Some("王"));
    assert_eq!(without_title("小李").as_deref(), Some("李"));
    assert_eq!(without_title("Anh"), None);
    assert_eq!(without_title("总"), None);
    assert_eq!(without_title("Lan Anh"), None);
}

proptest! {
    #[test]
    fn any_line_is_read_without_panicking(line in any::<String>(), days in 0i32..800_000) {
        let today = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MIN);
        let c = parse(&line, today);
        let _ = (c.channel(), c.summary());
    }

    #[test]
    fn lines_of_grammar_words_are_read_without_panicking(
        words in proptest::collection::vec(
            prop_oneof![
                Just("+".to_string()), Just("#".to_string()), Just("@".to_string()),
                Just("：".to_string()), Just(":".to_string()), Just("tr".to_string()),
                Just("万".to_string()), Just("周一".to_string()), Just("thứ".to_string()),
                Just("+99999999999999999999w".to_string()), Just("29/2".to_string()),
                Just("31/4/2026".to_string()), Just("0月0日".to_string()),
                "[0-9.,]{0,6}(k|tr|万|đ)?", "\\PC{0,6}",
            ],
            0..12,
        ),
        days in 0i32..800_000,
    ) {
        let today = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MIN);
        let _ = parse(&words.join(" "), today);
        let _ = parse(&words.concat(), today);
    }
}
