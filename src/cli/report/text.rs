//! `guanxi report` without `--json`: one aligned table per figure, in the
//! user's language, every cell made safe by `Table`.

use super::{by_value, conversions, month_key, revenue_months, stage_rows};
use crate::cli::output::{Table, day, money};
use crate::domain::Stage;
use crate::i18n::{number, t, tf};
use crate::report::figures::*;
use crate::report::{Figures, Period};

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
pub(super) fn render(f: &Figures, period: Period) -> String {
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
