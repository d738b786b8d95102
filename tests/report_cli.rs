//! `guanxi report`: its figures agree with what `list --json` and
//! `deal list --json` say of the same workspace, its scope options narrow
//! it as `list` narrows, and bad input is refused with one error line.

mod common;

use std::collections::BTreeMap;

use common::Sandbox;
use serde_json::Value;

const STAGES: [&str; 7] = [
    "attract",
    "establish",
    "build",
    "develop",
    "maintain",
    "consolidate",
    "loyalty",
];

fn demo() -> Sandbox {
    let s = Sandbox::new();
    s.demo(&["--customers", "300", "--interactions", "2400", "--seed", "16"]);
    s
}

fn array<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is not an array: {v}"))
}

/// An amount as whole hundredths, so sums compare exactly.
fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")) * 100.0).round() as i64
}

/// Customers per stage and their summed lifetime value, as `list --json`
/// gives them.
fn by_stage(list: &Value) -> BTreeMap<String, (u64, i64)> {
    let mut out = BTreeMap::new();
    for c in list.as_array().unwrap() {
        let e = out.entry(c["stage"].as_str().unwrap().to_string()).or_insert((0, 0));
        e.0 += 1;
        e.1 += cents(&c["clv"]);
    }
    out
}

/// The same from a report, every stage listed in pipeline order.
fn report_by_stage(report: &Value) -> BTreeMap<String, (u64, i64)> {
    let stages = array(report, "stages");
    let order: Vec<&str> = stages.iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(order, STAGES, "every stage, in pipeline order");
    stages
        .iter()
        .filter(|s| s["customers"].as_u64().unwrap() > 0)
        .map(|s| {
            (
                s["stage"].as_str().unwrap().to_string(),
                (s["customers"].as_u64().unwrap(), cents(&s["clv"])),
            )
        })
        .collect()
}

#[test]
fn the_report_agrees_with_list_and_deal_list() {
    let s = demo();
    let report = s.json(&["report", "--json"]);
    let list = s.json(&["list", "--json"]);
    assert_eq!(report_by_stage(&report), by_stage(&list));
    let customers: u64 = array(&report, "stages")
        .iter()
        .map(|s| s["customers"].as_u64().unwrap())
        .sum();
    assert_eq!(customers, 300);
    // Segments and organizations hold the same lifetime value.
    let clv: i64 = list.as_array().unwrap().iter().map(|c| cents(&c["clv"])).sum();
    let segments: i64 = array(&report, "clv_by_segment").iter().map(|g| cents(&g["clv"])).sum();
    assert_eq!(segments, clv);
    let orgs = array(&report, "clv_by_org");
    assert!(!orgs.is_empty(), "the demo's people have organizations");
    assert!(orgs.iter().map(|g| cents(&g["clv"])).sum::<i64>() <= clv);

    // The forecast: open deals closing from the period's start, by month.
    let from = report["from"].as_str().unwrap().to_string();
    let deals = s.json(&["deal", "list", "--json"]);
    let (mut open, mut weighted) = (0, 0);
    let mut months = BTreeMap::<String, i64>::new();
    for d in deals.as_array().unwrap() {
        if let Some(close) = d["close"].as_str().filter(|c| *c >= from.as_str()) {
            open += cents(&d["amount"]);
            weighted += cents(&d["weighted"]);
            *months.entry(close[..7].to_string()).or_default() += cents(&d["amount"]);
        }
    }
    let forecast = array(&report, "forecast");
    assert!(open > 0, "the demo has open deals");
    assert_eq!(forecast.iter().map(|m| cents(&m["open"])).sum::<i64>(), open);
    assert_eq!(forecast.iter().map(|m| cents(&m["weighted"])).sum::<i64>(), weighted);
    for m in forecast.iter().filter(|m| cents(&m["open"]) > 0) {
        let month = m["month"].as_str().unwrap();
        assert_eq!(months.get(month).copied(), Some(cents(&m["open"])), "{month}");
    }

    // Those at risk add up to the value at risk, each with its reasons.
    let at_risk = array(&report, "at_risk");
    assert!(!at_risk.is_empty(), "the demo has customers at risk");
    assert_eq!(
        at_risk.iter().map(|r| cents(&r["clv"])).sum::<i64>(),
        cents(&report["value_at_risk"])
    );
    for r in at_risk {
        let reasons = r["reasons"].as_array().unwrap();
        assert!(!reasons.is_empty(), "{r}");
        for reason in reasons {
            match reason["kind"].as_str().unwrap() {
                "overdue" | "purchases_stopped" => assert!(reason["days"].as_i64().unwrap() > 0, "{reason}"),
                "health_fell" => assert!(reason["to"].as_u64() < reason["from"].as_u64(), "{reason}"),
                other => panic!("unknown reason {other}"),
            }
        }
    }
    let clvs: Vec<i64> = at_risk.iter().map(|r| cents(&r["clv"])).collect();
    assert!(clvs.windows(2).all(|w| w[0] >= w[1]), "largest value first");

    // Every month of the year up to today (13 touched, or 12 when today
    // ends a month), months without a purchase too; every key the issue
    // names.
    let months = array(&report, "revenue_by_month");
    assert!((12..=13).contains(&months.len()), "{months:?}");
    assert_eq!(months[0]["month"].as_str(), Some(&from[..7]));
    for key in [
        "conversion",
        "days_in_stage",
        "touchpoints",
        "touchpoints_by_stage",
        "health_by_month",
        "health_falling",
        "activity",
    ] {
        array(&report, key);
    }
    assert_eq!(array(&report, "conversion").len(), 6);
    let tp = &array(&report, "touchpoints")[0];
    for key in ["channel", "rated", "worse", "as_promised", "better", "mean", "gap"] {
        assert!(!tp[key].is_null(), "{key}: {tp}");
    }
}

#[test]
fn the_scope_options_narrow_as_list_does() {
    let s = demo();
    let count = |args: &[&str]| -> u64 {
        let mut all = vec!["report", "--json"];
        all.extend_from_slice(args);
        array(&s.json(&all), "stages")
            .iter()
            .map(|s| s["customers"].as_u64().unwrap())
            .sum()
    };
    let listed = |args: &[&str]| -> u64 {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        s.json(&all).as_array().unwrap().len() as u64
    };
    let mine = count(&["--owner", "me"]);
    assert!(mine > 0 && mine < 300, "{mine}");
    assert_eq!(mine, listed(&["--owner", "me"]));
    assert_eq!(count(&["--owner", "Lan"]), listed(&["--owner", "Lan"]));

    let org = array(&s.json(&["report", "--json"]), "clv_by_org")[0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let of_org = count(&["--org", &org]);
    assert!(of_org > 0);
    assert_eq!(of_org, listed(&["--org", &org]));

    s.ok(&["list", "--stage", "build", "--owner", "me", "--save", "Xây dựng"]);
    let report = s.json(&["report", "--json", "--list", "xay dung"]);
    let stages: Vec<(&str, u64)> = array(&report, "stages")
        .iter()
        .map(|s| (s["stage"].as_str().unwrap(), s["customers"].as_u64().unwrap()))
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(stages, vec![("build", listed(&["--stage", "build", "--owner", "me"]))]);

    // A period: its months, and its ends as given.
    let q = s.json(&["report", "--json", "--from", "2026-01-01", "--to", "2026-03-31"]);
    assert_eq!(
        (q["from"].as_str(), q["to"].as_str()),
        (Some("2026-01-01"), Some("2026-03-31"))
    );
    let months: Vec<&str> = array(&q, "revenue_by_month")
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2026-01", "2026-02", "2026-03"]);
    // One end given: the other a year away.
    let to_only = s.json(&["report", "--json", "--to", "2026-06-30"]);
    assert_eq!(to_only["from"].as_str(), Some("2025-07-01"));
}

#[test]
fn bad_input_is_refused_with_one_error_line() {
    let s = demo();
    for args in [
        &["report", "--from", "someday"][..],
        &["report", "--from", "2026-05-01", "--to", "2026-04-01"],
        &["report", "--list", "no such list"],
        &["report", "--org", "no such organization"],
        &["report", "--json", "--to", "2026-13-01"],
    ] {
        let err = s.rejected(args);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
    let err = s.rejected(&["report", "--from", "2026-05-01", "--to", "2026-04-01"]);
    assert!(err.contains("2026-05-01") || err.contains("01/05/2026"), "{err}");
}

#[test]
fn without_json_the_figures_are_localized_tables() {
    let s = demo();
    let en = s.ok(&["report"]);
    for heading in [
        "Stages",
        "Revenue by month",
        "At risk: ",
        "Forecast",
        "Activity by person",
    ] {
        assert!(en.contains(heading), "{heading}:\n{en}");
    }
    // Stages in pipeline order, each on its own line with its count.
    let lines: Vec<&str> = en.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("STAGE")).unwrap();
    let names: Vec<&str> = lines[at + 1..at + 8]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Attract",
            "Establish",
            "Build",
            "Develop",
            "Maintain",
            "Consolidate",
            "Loyalty"
        ]
    );
    let vi = s.ok(&["--lang", "vi", "report"]);
    assert!(
        vi.contains("Doanh thu theo tháng") && vi.contains("Trung thành"),
        "{vi}"
    );
    let zh = s.ok(&["--lang", "zh", "report"]);
    assert!(zh.contains("每月收入") && zh.contains("忠诚"), "{zh}");
    // An empty workspace: every stage with zeros, the rest says so.
    let empty = Sandbox::new();
    empty.ok(&["add", "--name", "Lan"]);
    let out = empty.ok(&["report"]);
    assert!(out.contains("Loyalty      0"), "{out}");
    assert!(out.contains("(nothing in this period)"), "{out}");
}

/// Who is at risk on a small workspace worked out by hand: late for a
/// promised follow-up or a dated tactic of the account plan by more than
/// half the cadence; not when the lateness is within it.
#[test]
fn at_risk_counts_follow_ups_and_plan_tactics_as_promises() {
    let s = Sandbox::new();
    let today = chrono::Utc::now().date_naive();
    let ago = |days: u64| (today - chrono::Days::new(days)).format("%Y-%m-%d").to_string();
    s.ok(&["add", "--name", "Lan Anh", "--cadence", "10"]);
    s.ok(&["add", "--name", "Wei Zhang", "--cadence", "40"]);
    s.ok(&["add", "--name", "Minh Tuấn", "--cadence", "40"]);
    s.ok(&[
        "follow-up",
        "Lan",
        "--due",
        &ago(20),
        "--what",
        "Gửi báo giá",
        "--force",
    ]);
    let outline = s.dir.path().join("plan.txt");
    std::fs::write(
        &outline,
        format!(
            "mission: 成为唯一伙伴\nobjective: 续约\n  strategy core_service: 稳定供货\n    tactic: 拜访 | due {}\n",
            ago(30)
        ),
    )
    .unwrap();
    s.ok(&["plan", "set", "Wei", "--file", outline.to_str().unwrap()]);
    s.ok(&["follow-up", "Minh", "--due", &ago(15), "--what", "Gọi lại", "--force"]);
    let report = s.json(&["report", "--json"]);
    let mut risk: Vec<(String, Value)> = array(&report, "at_risk")
        .iter()
        .map(|r| (r["name"].as_str().unwrap().to_string(), r["reasons"].clone()))
        .collect();
    risk.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        risk,
        vec![
            (
                "Lan Anh".to_string(),
                serde_json::json!([{"kind": "overdue", "days": 20}])
            ),
            (
                "Wei Zhang".to_string(),
                serde_json::json!([{"kind": "overdue", "days": 30}])
            ),
        ],
        "Minh is 15 days late, not half of 40"
    );
    assert_eq!(report["value_at_risk"].as_f64(), Some(0.0));
}

#[test]
fn help_names_every_scope_option_in_each_language() {
    let s = Sandbox::new();
    for lang in ["en", "vi", "zh"] {
        let help = s.ok(&["--lang", lang, "report", "--help"]);
        assert!(help.contains("guanxi report"), "{help}");
        for option in ["--from", "--to", "--owner", "--list", "--org", "--json"] {
            assert!(help.contains(option), "{lang} {option}: {help}");
        }
    }
    assert!(s.ok(&["--help"]).contains("report"));
}
