//! `guanxi report`: how the relationships are going, over a period and a
//! scope (owner, saved list, organization), as aligned tables or as JSON
//! for scripts. The figures are `report::gather`'s, which the Reports pane
//! reads too, so the two never disagree.

use anyhow::Result;
use chrono::{Datelike, Months, NaiveDate};
use clap::Args;
use serde::Serialize;

use super::context::Context;
use super::output::{Table, day, money};
use crate::domain::dates::parse_date;
use crate::domain::list_filter::ListFilter;
use crate::domain::{Channel, InputError, Money, Stage};
use crate::i18n::{number, t, tf};
use crate::report::figures::{
    AtRisk, Conversion, GroupValue, HealthFall, MonthForecast, MonthRevenue, PersonActivity, RiskReason, StageRow,
    Touchpoint,
};
use crate::report::{Figures, Period, Scope, gather};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day of the period: YYYY-MM-DD, today, yesterday... [default: a year before --to]
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last day of the period [default: today]
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Only customers owned by this team member (`me` for you)
    #[arg(long)]
    owner: Option<String>,
    /// Only the customers of this saved list
    #[arg(long, value_name = "NAME")]
    list: Option<String>,
    /// Only the people of this organization (id, id prefix, or part of its name)
    #[arg(long, value_name = "ORG")]
    org: Option<String>,
    /// Print JSON instead of tables
    #[arg(long)]
    pub(super) json: bool,
}

/// The period asked for: both ends, one end (the other a year away), or
/// neither (the year up to today).
fn period_of(a: &ReportArgs, today: NaiveDate) -> Result<Option<Period>, InputError> {
    let from = a.from.as_deref().map(|d| parse_date(d, today)).transpose()?;
    let to = a.to.as_deref().map(|d| parse_date(d, today)).transpose()?;
    let year_before = |to: NaiveDate| {
        to.checked_sub_months(Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(to)
    };
    let period = match (from, to) {
        (None, None) => return Ok(None),
        (Some(from), None) => Period {
            from,
            to: today.max(from),
        },
        (None, Some(to)) => Period {
            from: year_before(to),
            to,
        },
        (Some(from), Some(to)) => Period { from, to },
    };
    if period.from > period.to {
        return Err(InputError::Invalid(tf(
            "error.report_period",
            &[("from", &day(period.from)), ("to", &day(period.to))],
        )));
    }
    Ok(Some(period))
}

pub fn report(ctx: &Context, a: ReportArgs) -> Result<String> {
    // What was typed is checked before the workspace is read.
    let today = ctx.clock.today();
    let period = period_of(&a, today)?;
    let store = ctx.open()?;
    let scope = Scope {
        period,
        owner: a.owner.as_deref().and_then(ListFilter::owner_of),
        list: match &a.list {
            Some(name) => Some(store.saved_list(name)?.filter),
            None => None,
        },
        org: match &a.org {
            Some(o) => Some(store.resolve_organization(o)?.id),
            None => None,
        },
    };
    let period = scope.period_or_default(store.clock().today());
    let figures = gather(&store.view(), &scope, store.author())?;
    if a.json {
        return Ok(serde_json::to_string_pretty(&ReportJson::new(&figures, period))? + "\n");
    }
    Ok(render(&figures, period))
}

fn month_key(m: NaiveDate) -> String {
    format!("{:04}-{:02}", m.year(), m.month())
}

/// The first day of each month the period touches.
fn months_of(period: Period) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = period.from.with_day(1).unwrap_or(period.from);
    while m <= period.to {
        out.push(m);
        match m.checked_add_months(Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    out
}

/// Revenue for every month of the period, months without a purchase too.
fn revenue_months(f: &Figures, period: Period) -> Vec<(NaiveDate, MonthRevenue)> {
    months_of(period)
        .into_iter()
        .map(|m| (m, f.revenue_by_month.get(&m).cloned().unwrap_or_default()))
        .collect()
}

/// Every stage, in pipeline order, zeros for the empty ones.
fn stage_rows(f: &Figures) -> impl Iterator<Item = (Stage, StageRow)> + '_ {
    Stage::ALL
        .into_iter()
        .map(|s| (s, f.stages.get(&s).cloned().unwrap_or_default()))
}

/// Every stage but the last with the next one, zeros when nobody was in it.
fn conversions(f: &Figures) -> impl Iterator<Item = (Stage, Stage, Conversion)> + '_ {
    Stage::ALL.into_iter().filter_map(|s| {
        s.next()
            .map(|next| (s, next, f.conversion.get(&s).cloned().unwrap_or_default()))
    })
}

/// Groups by lifetime value, the largest first.
fn by_value(groups: &std::collections::BTreeMap<String, GroupValue>) -> Vec<(&String, &GroupValue)> {
    let mut v: Vec<_> = groups.iter().collect();
    v.sort_by(|a, b| b.1.clv.cmp(&a.1.clv).then_with(|| a.0.cmp(b.0)));
    v
}

fn amount(m: Money) -> f64 {
    m.as_f64()
}

/// A figure to two decimals, for JSON.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[derive(Serialize)]
struct StageJson {
    stage: &'static str,
    customers: usize,
    revenue: f64,
    clv: f64,
}

#[derive(Serialize)]
struct ConversionJson {
    from: &'static str,
    to: &'static str,
    reached_from: usize,
    reached_to: usize,
    rate: Option<f64>,
}

#[derive(Serialize)]
struct DaysJson {
    stage: &'static str,
    median_days: Option<f64>,
    stays: usize,
}

#[derive(Serialize)]
struct MonthRevenueJson {
    month: String,
    amount: f64,
    purchases: usize,
}

#[derive(Serialize)]
struct GroupJson {
    name: String,
    customers: usize,
    clv: f64,
    revenue: f64,
}

#[derive(Serialize)]
struct TouchpointJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'static str>,
    rated: usize,
    worse: usize,
    as_promised: usize,
    better: usize,
    mean: Option<f64>,
    gap: Option<f64>,
}

impl TouchpointJson {
    fn new(channel: Option<Channel>, stage: Option<Stage>, t: &Touchpoint) -> TouchpointJson {
        TouchpointJson {
            channel: channel.map(Channel::key),
            stage: stage.map(Stage::key),
            rated: t.rated(),
            worse: t.worse,
            as_promised: t.as_promised,
            better: t.better,
            mean: t.mean().map(round2),
            gap: t.gap().map(round2),
        }
    }
}

#[derive(Serialize)]
struct HealthMonthJson {
    month: String,
    mean: f64,
}

#[derive(Serialize)]
struct HealthFallJson {
    id: String,
    name: String,
    from: u8,
    to: u8,
}

impl HealthFallJson {
    fn new(h: &HealthFall) -> HealthFallJson {
        HealthFallJson {
            id: h.id.to_string(),
            name: h.name.clone(),
            from: h.from,
            to: h.to,
        }
    }
}

/// A reason as a small object: `{"kind": "overdue", "days": 12}`.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ReasonJson {
    Overdue { days: i64 },
    HealthFell { from: u8, to: u8 },
    PurchasesStopped { days: i64 },
}

impl From<RiskReason> for ReasonJson {
    fn from(r: RiskReason) -> ReasonJson {
        match r {
            RiskReason::Overdue { days } => ReasonJson::Overdue { days },
            RiskReason::HealthFell { from, to } => ReasonJson::HealthFell { from, to },
            RiskReason::PurchasesStopped { days } => ReasonJson::PurchasesStopped { days },
        }
    }
}

#[derive(Serialize)]
struct AtRiskJson {
    id: String,
    name: String,
    clv: f64,
    reasons: Vec<ReasonJson>,
}

impl AtRiskJson {
    fn new(r: &AtRisk) -> AtRiskJson {
        AtRiskJson {
            id: r.id.to_string(),
            name: r.name.clone(),
            clv: amount(r.clv),
            reasons: r.reasons.iter().map(|x| ReasonJson::from(*x)).collect(),
        }
    }
}

#[derive(Serialize)]
struct ForecastJson {
    month: String,
    open: f64,
    weighted: f64,
    won: f64,
}

#[derive(Serialize)]
struct ActivityJson {
    owner: String,
    interactions: usize,
    customers_touched: usize,
    follow_ups_done: usize,
    follow_ups_overdue: usize,
}

/// The whole report, as `report --json` prints it.
#[derive(Serialize)]
struct ReportJson {
    from: String,
    to: String,
    stages: Vec<StageJson>,
    conversion: Vec<ConversionJson>,
    days_in_stage: Vec<DaysJson>,
    revenue_by_month: Vec<MonthRevenueJson>,
    clv_by_segment: Vec<GroupJson>,
    clv_by_org: Vec<GroupJson>,
    touchpoints: Vec<TouchpointJson>,
    touchpoints_by_stage: Vec<TouchpointJson>,
    health_by_month: Vec<HealthMonthJson>,
    health_falling: Vec<HealthFallJson>,
    at_risk: Vec<AtRiskJson>,
    value_at_risk: f64,
    forecast: Vec<ForecastJson>,
    activity: Vec<ActivityJson>,
}

impl ReportJson {
    fn new(f: &Figures, period: Period) -> ReportJson {
        let groups = |g| {
            by_value(g)
                .into_iter()
                .map(|(name, v)| GroupJson {
                    name: name.clone(),
                    customers: v.customers,
                    clv: amount(v.clv),
                    revenue: amount(v.revenue),
                })
                .collect()
        };
        ReportJson {
            from: period.from.to_string(),
            to: period.to.to_string(),
            stages: stage_rows(f)
                .map(|(s, r)| StageJson {
                    stage: s.key(),
                    customers: r.customers,
                    revenue: amount(r.revenue),
                    clv: amount(r.clv),
                })
                .collect(),
            conversion: conversions(f)
                .map(|(from, to, c)| ConversionJson {
                    from: from.key(),
                    to: to.key(),
                    reached_from: c.reached_from,
                    reached_to: c.reached_to,
                    rate: c.rate().map(|r| (r * 10_000.0).round() / 10_000.0),
                })
                .collect(),
            days_in_stage: Stage::ALL
                .into_iter()
                .map(|s| {
                    let (median, stays) = f.days_in_stage(s);
                    DaysJson {
                        stage: s.key(),
                        median_days: median.map(round2),
                        stays,
                    }
                })
                .collect(),
            revenue_by_month: revenue_months(f, period)
                .into_iter()
                .map(|(m, r)| MonthRevenueJson {
                    month: month_key(m),
                    amount: amount(r.amount),
                    purchases: r.purchases,
                })
                .collect(),
            clv_by_segment: groups(&f.clv_by_segment),
            clv_by_org: groups(&f.clv_by_org),
            touchpoints: f
                .touchpoints
                .iter()
                .map(|(c, t)| TouchpointJson::new(Some(*c), None, t))
                .collect(),
            touchpoints_by_stage: f
                .touchpoints_by_stage
                .iter()
                .map(|(s, t)| TouchpointJson::new(None, Some(*s), t))
                .collect(),
            health_by_month: f
                .health_by_month
                .iter()
                .map(|(m, mean)| HealthMonthJson {
                    month: month_key(*m),
                    mean: round2(*mean),
                })
                .collect(),
            health_falling: f.health_falling.iter().map(HealthFallJson::new).collect(),
            at_risk: f.at_risk.iter().map(AtRiskJson::new).collect(),
            value_at_risk: amount(f.value_at_risk),
            forecast: f
                .forecast
                .iter()
                .map(|(m, x): (&NaiveDate, &MonthForecast)| ForecastJson {
                    month: month_key(*m),
                    open: amount(x.open),
                    weighted: amount(x.weighted),
                    won: amount(x.won),
                })
                .collect(),
            activity: f
                .activity
                .iter()
                .map(|(owner, a): (&String, &PersonActivity)| ActivityJson {
                    owner: owner.clone(),
                    interactions: a.interactions,
                    customers_touched: a.customers_touched,
                    follow_ups_done: a.follow_ups_done,
                    follow_ups_overdue: a.follow_ups_overdue,
                })
                .collect(),
        }
    }
}

fn stage_name(s: Stage) -> String {
    t(&format!("stage.{}", s.key())).to_string()
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".into(), |r| format!("{:.0}%", r * 100.0))
}

/// A count with the language's thousands separator.
fn count(n: usize) -> String {
    number(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A figure to one decimal, with the language's decimal mark.
fn one_decimal(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |x| crate::i18n::one_decimal(x, false))
}

/// The same with its sign: a gap against the promise.
fn signed(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |x| crate::i18n::one_decimal(x, true))
}

/// One reason, in words.
fn reason_text(r: &RiskReason) -> String {
    match r {
        RiskReason::Overdue { days } => tf("cli.report.reason_overdue", &[("days", days)]),
        RiskReason::HealthFell { from, to } => tf("cli.report.reason_health", &[("from", from), ("to", to)]),
        RiskReason::PurchasesStopped { days } => tf("cli.report.reason_purchases", &[("days", days)]),
    }
}

/// Rows a table of customers or organizations shows; `--json` gives all.
const TABLE_ROWS: usize = 20;

/// A section: its title, then its table, or a line saying there is
/// nothing to show.
fn section(out: &mut String, title: String, table: Option<Table>) {
    section_of(out, title, table, 0);
}

/// A section whose table leaves out `more` rows past `TABLE_ROWS`.
fn section_of(out: &mut String, title: String, table: Option<Table>, more: usize) {
    out.push('\n');
    out.push_str(&title);
    out.push('\n');
    match table {
        Some(table) => out.push_str(&table.render()),
        None => {
            out.push_str(t("cli.report.nothing"));
            out.push('\n');
        }
    }
    if more > 0 {
        out.push_str(&tf("cli.report.more", &[("count", &count(more))]));
        out.push('\n');
    }
}

fn touchpoint_table(first: &'static str, rows: Vec<(String, &Touchpoint)>) -> Option<Table> {
    if rows.is_empty() {
        return None;
    }
    let mut table = Table::new(&[
        (first, 24),
        (t("cli.report.rated"), 8),
        (t("cli.report.worse"), 8),
        (t("cli.report.as_promised"), 12),
        (t("cli.report.better"), 8),
        (t("cli.report.mean"), 6),
        (t("cli.report.gap"), 6),
    ]);
    for (name, tp) in rows {
        table.row(vec![
            name,
            count(tp.rated()),
            count(tp.worse),
            count(tp.as_promised),
            count(tp.better),
            one_decimal(tp.mean()),
            signed(tp.gap()),
        ]);
    }
    Some(table)
}

fn group_table(first: &'static str, groups: &std::collections::BTreeMap<String, GroupValue>) -> Option<Table> {
    if groups.is_empty() {
        return None;
    }
    let mut table = Table::new(&[
        (first, 32),
        (t("cli.report.customers"), 10),
        (t("cli.report.clv"), 18),
        (t("cli.report.revenue"), 18),
    ]);
    for (name, g) in by_value(groups).into_iter().take(TABLE_ROWS) {
        let name = if name.is_empty() {
            t("cli.report.no_segment").to_string()
        } else {
            name.clone()
        };
        table.row(vec![name, count(g.customers), money(g.clv), money(g.revenue)]);
    }
    Some(table)
}

/// The report as aligned tables, one section per figure.
fn render(f: &Figures, period: Period) -> String {
    let mut out = tf(
        "cli.report.title",
        &[("from", &day(period.from)), ("to", &day(period.to))],
    ) + "\n";

    let mut stages = Table::new(&[
        (t("cli.report.stage"), 16),
        (t("cli.report.customers"), 10),
        (t("cli.report.revenue"), 18),
        (t("cli.report.clv"), 18),
    ]);
    for (s, r) in stage_rows(f) {
        stages.row(vec![stage_name(s), count(r.customers), money(r.revenue), money(r.clv)]);
    }
    section(&mut out, t("cli.report.stages").into(), Some(stages));

    let mut conversion = Table::new(&[
        (t("cli.report.from_stage"), 16),
        (t("cli.report.to_stage"), 16),
        (t("cli.report.reached_from"), 10),
        (t("cli.report.reached_to"), 10),
        (t("cli.report.rate"), 6),
        (t("cli.report.median_days"), 12),
        (t("cli.report.stays"), 6),
    ]);
    for (from, to, c) in conversions(f) {
        let (median, stays) = f.days_in_stage(from);
        conversion.row(vec![
            stage_name(from),
            stage_name(to),
            count(c.reached_from),
            count(c.reached_to),
            percent(c.rate()),
            one_decimal(median),
            count(stays),
        ]);
    }
    section(&mut out, t("cli.report.conversion").into(), Some(conversion));

    let mut revenue = Table::new(&[
        (t("cli.report.month"), 8),
        (t("cli.report.amount"), 18),
        (t("cli.report.purchases"), 10),
    ]);
    for (m, r) in revenue_months(f, period) {
        revenue.row(vec![month_key(m), money(r.amount), count(r.purchases)]);
    }
    section(&mut out, t("cli.report.revenue_by_month").into(), Some(revenue));

    section_of(
        &mut out,
        t("cli.report.clv_by_segment").into(),
        group_table(t("cli.report.segment"), &f.clv_by_segment),
        f.clv_by_segment.len().saturating_sub(TABLE_ROWS),
    );
    section_of(
        &mut out,
        t("cli.report.clv_by_org").into(),
        group_table(t("cli.report.org"), &f.clv_by_org),
        f.clv_by_org.len().saturating_sub(TABLE_ROWS),
    );

    let channels = f
        .touchpoints
        .iter()
        .map(|(c, tp)| (t(&format!("channel.{}", c.key())).to_string(), tp))
        .collect();
    section(
        &mut out,
        t("cli.report.touchpoints").into(),
        touchpoint_table(t("cli.report.channel"), channels),
    );
    let by_stage = f
        .touchpoints_by_stage
        .iter()
        .map(|(s, tp)| (stage_name(*s), tp))
        .collect();
    section(
        &mut out,
        t("cli.report.touchpoints_by_stage").into(),
        touchpoint_table(t("cli.report.stage"), by_stage),
    );

    let health = (!f.health_by_month.is_empty()).then(|| {
        let mut table = Table::new(&[(t("cli.report.month"), 8), (t("cli.report.mean_health"), 12)]);
        for (m, mean) in &f.health_by_month {
            table.row(vec![month_key(*m), format!("{mean:.0}%")]);
        }
        table
    });
    section(&mut out, t("cli.report.health_by_month").into(), health);

    let falling = (!f.health_falling.is_empty()).then(|| {
        let mut table = Table::new(&[
            (t("cli.customer"), 32),
            (t("cli.report.health_from"), 8),
            (t("cli.report.health_to"), 8),
            ("ID", 8),
        ]);
        for h in &f.health_falling {
            table.row(vec![
                h.name.clone(),
                format!("{}%", h.from),
                format!("{}%", h.to),
                h.id.to_string()[..8].to_string(),
            ]);
        }
        table
    });
    section(&mut out, t("cli.report.health_falling").into(), falling);

    let at_risk = (!f.at_risk.is_empty()).then(|| {
        let mut table = Table::new(&[
            (t("cli.customer"), 32),
            (t("cli.report.clv"), 18),
            ("ID", 8),
            (t("cli.report.reasons"), 80),
        ]);
        for r in f.at_risk.iter().take(TABLE_ROWS) {
            let reasons: Vec<String> = r.reasons.iter().map(reason_text).collect();
            table.row(vec![
                r.name.clone(),
                money(r.clv),
                r.id.to_string()[..8].to_string(),
                reasons.join(" · "),
            ]);
        }
        table
    });
    section_of(
        &mut out,
        tf(
            "cli.report.at_risk",
            &[("count", &count(f.at_risk.len())), ("value", &money(f.value_at_risk))],
        ),
        at_risk,
        f.at_risk.len().saturating_sub(TABLE_ROWS),
    );

    let forecast = (!f.forecast.is_empty()).then(|| {
        let mut table = Table::new(&[
            (t("cli.report.month"), 8),
            (t("cli.report.open"), 18),
            (t("cli.report.weighted"), 18),
            (t("cli.report.won"), 18),
        ]);
        for (m, x) in &f.forecast {
            table.row(vec![month_key(*m), money(x.open), money(x.weighted), money(x.won)]);
        }
        table
    });
    section(&mut out, t("cli.report.forecast").into(), forecast);

    let activity = (!f.activity.is_empty()).then(|| {
        let mut table = Table::new(&[
            (t("cli.report.person"), 24),
            (t("cli.report.interactions"), 12),
            (t("cli.report.customers_touched"), 10),
            (t("cli.report.follow_ups_done"), 10),
            (t("cli.report.follow_ups_overdue"), 10),
        ]);
        for (who, a) in &f.activity {
            table.row(vec![
                who.clone(),
                count(a.interactions),
                count(a.customers_touched),
                count(a.follow_ups_done),
                count(a.follow_ups_overdue),
            ]);
        }
        table
    });
    section(&mut out, t("cli.report.activity").into(), activity);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months_of_a_period_include_both_ends() {
        let p = Period {
            from: d("2025-11-27"),
            to: d("2026-02-01"),
        };
        let months: Vec<String> = months_of(p).into_iter().map(month_key).collect();
        assert_eq!(months, ["2025-11", "2025-12", "2026-01", "2026-02"]);
    }

    #[test]
    fn reasons_are_small_objects_named_by_kind() {
        let json = serde_json::to_value(
            [
                RiskReason::Overdue { days: 12 },
                RiskReason::HealthFell { from: 80, to: 40 },
                RiskReason::PurchasesStopped { days: 90 },
            ]
            .map(ReasonJson::from),
        )
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"kind": "overdue", "days": 12},
                {"kind": "health_fell", "from": 80, "to": 40},
                {"kind": "purchases_stopped", "days": 90},
            ])
        );
    }
}
