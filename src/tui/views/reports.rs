//! Pane 5: the reports dashboard. A title with the scope, then the
//! sections (funnel, revenue by month, at risk, touchpoint gaps, forecast,
//! health, activity) in a grid: one at a time at 80x24, four at 120x40;
//! the section keys move through them, a page at a time.
//!
//! A chart is drawn only from the points it needs; short of them, the
//! section says why.

use chrono::{Datelike, Months, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Bar, BarChart, BarGroup, Block, Borders, Chart, Dataset, GraphType, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::customers::{pad, scroll_offset};
use super::widgets::{channel_label, channel_width, day, escape, fit, fit_escaped, money, money_short, stage_label};
use crate::domain::{Money, Stage};
use crate::i18n::{t, tf, tn};
use crate::report::Figures;
use crate::report::figures::{RiskReason, Touchpoint};
use crate::tui::app::{App, OwnerChoice, Section};
use crate::tui::mouse::Spot;
use crate::tui::theme::Theme;

/// Below this width the sections come one per row.
const TWO_COLUMNS: u16 = 110;
/// Below this height, one row of sections.
const TWO_ROWS: u16 = 30;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let asked = app.report_asked();
    let figures = app.reports.figures_for(&asked);
    let (cols, rows) = grid(body);
    let per_page = cols * rows;
    let section = app.reports.section;
    let page = section.index() / per_page;
    // The scope, and where in the sections the user is.
    let mut title = vec![scope_text(app)];
    if app.reports.computing() {
        title.push(t("reports.computing").to_string());
    }
    let pages = Section::ALL.len().div_ceil(per_page);
    let place = format!(" {}/{} ", page + 1, pages);
    let title_w = (head.width as usize).saturating_sub(place.width());
    let title = pad(&fit(&format!(" {}", title.join(" · ")), title_w), title_w);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(title, th.title),
            Span::styled(place, th.muted),
        ])),
        head,
    );
    let Some(f) = figures else {
        let block = Block::default().borders(Borders::ALL).border_style(th.border);
        let inner = block.inner(body);
        frame.render_widget(block, body);
        // Why there is nothing yet: being gathered, or it failed (the
        // status bar says how).
        let (why, style) = if app.reports.failed.as_ref() == Some(&asked) && !app.reports.computing() {
            (t("reports.failed"), th.error)
        } else {
            (t("reports.computing"), th.muted)
        };
        frame.render_widget(
            Paragraph::new(Span::styled(why, style)).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    };
    let row_areas = Layout::vertical(vec![Constraint::Ratio(1, rows as u32); rows]).split(body);
    let mut cells = Vec::new();
    for r in row_areas.iter() {
        cells.extend(
            Layout::horizontal(vec![Constraint::Ratio(1, cols as u32); cols])
                .split(*r)
                .iter()
                .copied(),
        );
    }
    for (s, cell) in Section::ALL.iter().skip(page * per_page).zip(cells) {
        draw_section(frame, cell, app, f, *s);
    }
}

/// Columns and rows of sections that fit `area`.
fn grid(area: Rect) -> (usize, usize) {
    (
        if area.width >= TWO_COLUMNS { 2 } else { 1 },
        if area.height >= TWO_ROWS { 2 } else { 1 },
    )
}

/// "Last 12 months (2025-11-27 – 2026-11-26) · everyone · list VIP".
fn scope_text(app: &App) -> String {
    let r = &app.reports;
    let p = r.period.period(app.today);
    let period = tf(
        "reports.scope_period",
        &[
            ("period", &t(&format!("reports.period.{}", r.period.key()))),
            ("from", &day(p.from)),
            ("to", &day(p.to)),
        ],
    );
    let owner = match &r.owner {
        OwnerChoice::Everyone => t("reports.owner.everyone").to_string(),
        OwnerChoice::Me => t("reports.owner.me").to_string(),
        OwnerChoice::Person(name) => escape(name).into_owned(),
    };
    let mut parts = vec![t("pane.reports").to_string(), period, owner];
    if let Some(list) = &app.list {
        parts.push(tf("reports.scope_list", &[("name", &escape(&list.name))]));
    }
    parts.join(" · ")
}

fn draw_section(frame: &mut Frame, area: Rect, app: &App, f: &Figures, section: Section) {
    let th = &app.theme;
    let focused = section == app.reports.section && !app.covered();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { th.border_focused } else { th.border })
        .title(Span::styled(
            format!(" {} ", t(&format!("reports.section.{}", section.key()))),
            th.title,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let scroll = app.reports.scroll[section.index()];
    match section {
        Section::Funnel => funnel(frame, inner, th, f, scroll),
        Section::Revenue => revenue(frame, inner, app, f),
        Section::AtRisk => at_risk(frame, inner, app, f, focused),
        Section::Touchpoints => touchpoints(frame, inner, th, f, scroll),
        Section::Forecast => forecast(frame, inner, th, f),
        Section::Health => health(frame, inner, th, f, scroll),
        Section::Activity => activity(frame, inner, th, f, scroll),
    }
}

/// Why a section has nothing to draw.
fn empty(frame: &mut Frame, area: Rect, th: &Theme, key: &str) {
    frame.render_widget(
        Paragraph::new(Span::styled(t(key), th.muted)).wrap(Wrap { trim: true }),
        area,
    );
}

/// `s` cut to `width` columns and put at their right end.
fn right(s: &str, width: usize) -> String {
    let s = fit(s, width);
    format!("{}{s}", " ".repeat(width.saturating_sub(s.width())))
}

/// A header cell: cut to its column, at its right end.
fn head(key: &str, width: usize) -> String {
    right(t(key), width)
}

/// A share as a whole percentage.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".into(), |s| format!("{:.0}%", s * 100.0))
}

fn one_decimal(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| crate::i18n::one_decimal(v, false))
}

/// A header line, then `lines` from `scroll` as far as `area` goes.
fn table(frame: &mut Frame, area: Rect, th: &Theme, header: String, lines: Vec<Line<'static>>, scroll: usize) {
    frame.render_widget(
        Paragraph::new(Span::styled(header, th.header)),
        Rect { height: 1, ..area },
    );
    let rows = area.height.saturating_sub(1) as usize;
    let offset = scroll.min(lines.len().saturating_sub(rows));
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    frame.render_widget(Paragraph::new(lines.into_iter().skip(offset).collect::<Vec<_>>()), body);
}

fn stage_width() -> usize {
    Stage::ALL.iter().map(|s| stage_label(*s).width()).max().unwrap_or(8)
}

/// Customers, revenue and lifetime value per stage, with the share that
/// went on to the next stage and the median days a stay lasted; a bar of
/// the customers where the width allows.
fn funnel(frame: &mut Frame, area: Rect, th: &Theme, f: &Figures, scroll: usize) {
    if f.stages.is_empty() {
        return empty(frame, area, th, "reports.empty.funnel");
    }
    let stage_w = stage_width();
    let (num_w, money_w, rate_w, days_w) = (6, 10, 7, 7);
    let fixed = stage_w + num_w + 2 * money_w + rate_w + days_w + 5;
    let bar_w = (area.width as usize).saturating_sub(fixed + 1);
    let header = [
        pad(&fit(t("reports.col.stage"), stage_w), stage_w),
        head("reports.col.customers", num_w),
        head("reports.col.revenue", money_w),
        head("reports.col.clv", money_w),
        head("reports.col.conversion", rate_w),
        head("reports.col.median_days", days_w),
    ]
    .join(" ");
    let most = f.stages.values().map(|r| r.customers).max().unwrap_or(0).max(1);
    let lines = Stage::ALL
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let row = f.stages.get(stage).cloned().unwrap_or_default();
            let rate = if stage.next().is_some() {
                percent(f.conversion.get(stage).and_then(|c| c.rate()))
            } else {
                String::new()
            };
            let text = [
                pad(stage_label(*stage), stage_w),
                right(&row.customers.to_string(), num_w),
                right(&money_short(row.revenue), money_w),
                right(&money_short(row.clv), money_w),
                right(&rate, rate_w),
                right(&one_decimal(f.days_in_stage(*stage).0), days_w),
            ]
            .join(" ");
            let mut spans = vec![Span::styled(text, th.text)];
            if bar_w >= 6 {
                let n = (row.customers * bar_w).div_ceil(most).min(bar_w);
                spans.push(Span::raw(" "));
                spans.push(Span::styled("█".repeat(n), th.stage(i)));
            }
            Line::from(spans)
        })
        .collect();
    table(frame, area, th, header, lines, scroll);
}

/// The months from `from` to `to`, first days.
fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let first = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let (mut m, end) = (first(from), first(to));
    let mut out = Vec::new();
    while m <= end {
        out.push(m);
        match m.checked_add_months(Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    out
}

/// A month's short name under a bar: `11/26`, or `11` when narrow.
fn month_label(m: NaiveDate, width: u16) -> String {
    if width >= 5 {
        format!("{:02}/{:02}", m.month(), m.year() % 100)
    } else {
        format!("{:02}", m.month())
    }
}

fn units(m: Money) -> u64 {
    u64::try_from(m.hundredths() / 100).unwrap_or(0)
}

/// Revenue by month as bars: every month of the period from the first
/// purchase on (a month without one is a bar of nothing), the latest that
/// fit.
fn revenue(frame: &mut Frame, area: Rect, app: &App, f: &Figures) {
    let th = &app.theme;
    let (Some(first), Some(_)) = (f.revenue_by_month.keys().next(), f.revenue_by_month.keys().last()) else {
        return empty(frame, area, th, "reports.empty.revenue");
    };
    let period = app.reports.period.period(app.today);
    let all = months((*first).max(period.from), period.to);
    let total: Money = f.revenue_by_month.values().map(|m| m.amount).sum();
    let purchases: usize = f.revenue_by_month.values().map(|m| m.purchases).sum();
    let [line, chart] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            tn("reports.revenue_total", purchases, &[("amount", &money(total))]),
            th.text,
        )),
        line,
    );
    let w = chart.width as usize;
    let bar_w = (w / all.len().max(1)).saturating_sub(1).clamp(2, 7) as u16;
    let fit_n = (w / (usize::from(bar_w) + 1)).max(1);
    let shown = &all[all.len().saturating_sub(fit_n)..];
    let bars: Vec<Bar> = shown
        .iter()
        .map(|m| {
            let amount = f.revenue_by_month.get(m).map_or(Money::ZERO, |r| r.amount);
            Bar::default()
                .value(units(amount))
                .text_value(money_short(amount))
                .label(Line::from(month_label(*m, bar_w)))
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(bar_w)
            .bar_gap(1)
            .bar_style(th.money)
            .value_style(th.selected)
            .label_style(th.muted),
        chart,
    );
}

fn reason_text(r: &RiskReason) -> String {
    match r {
        RiskReason::Overdue { days } => tn("reports.reason.overdue", *days, &[]),
        RiskReason::HealthFell { from, to } => tf("reports.reason.health_fell", &[("from", from), ("to", to)]),
        RiskReason::PurchasesStopped { days } => tn("reports.reason.purchases_stopped", *days, &[]),
    }
}

/// The customers at risk, the most valuable first, with why; the chosen
/// one opens with Enter.
fn at_risk(frame: &mut Frame, area: Rect, app: &App, f: &Figures, focused: bool) {
    let (th, cursor) = (&app.theme, app.reports.at_risk);
    if f.at_risk.is_empty() {
        return empty(frame, area, th, "reports.empty.at_risk");
    }
    let header = tn(
        "reports.value_at_risk",
        f.at_risk.len(),
        &[("amount", &money(f.value_at_risk))],
    );
    let w = area.width as usize;
    let money_w = 10;
    let name_w = (w / 3).clamp(8, 28);
    let why_w = w.saturating_sub(name_w + money_w + 2);
    let rows = area.height.saturating_sub(1) as usize;
    let offset = scroll_offset(cursor, rows, f.at_risk.len());
    // A click on a row chooses it (a double-click opens it) while the
    // section has the keys, as the arrows would.
    if focused {
        for (n, i) in (offset..f.at_risk.len()).take(rows).enumerate() {
            let y = area.y + 1 + n as u16;
            app.hit(Rect { y, height: 1, ..area }, Spot::Row(i as isize - cursor as isize));
        }
    }
    let lines: Vec<Line> = f
        .at_risk
        .iter()
        .enumerate()
        .skip(offset)
        .map(|(i, r)| {
            let why: Vec<String> = r.reasons.iter().map(reason_text).collect();
            let text = [
                pad(&fit_escaped(&r.name, name_w), name_w),
                right(&money_short(r.clv), money_w),
                fit(&why.join("; "), why_w),
            ]
            .join(" ");
            Line::from(Span::styled(text, if i == cursor { th.selected } else { th.text }))
        })
        .collect();
    table(frame, area, th, header, lines, 0);
}

/// One row of the touchpoint table.
/// Width of a number column of the touchpoint table ("Như hứa").
const TOUCH_COL: usize = 7;

fn touch_line(th: &Theme, label: &str, label_w: usize, rated: bool, tp: &Touchpoint) -> Line<'static> {
    let n = TOUCH_COL;
    let mut cells = vec![pad(&fit(label, label_w), label_w)];
    if rated {
        cells.push(right(&tp.rated().to_string(), n));
    }
    cells.extend([
        right(&tp.worse.to_string(), n),
        right(&tp.as_promised.to_string(), n),
        right(&tp.better.to_string(), n),
        right(&one_decimal(tp.mean()), n),
    ]);
    let text = cells.join(" ");
    let gap = tp.gap();
    let gap_style = match gap {
        Some(g) if g < 0.0 => th.overdue,
        Some(g) if g > 0.0 => th.success,
        _ => th.text,
    };
    Line::from(vec![
        Span::styled(text, th.text),
        Span::raw(" "),
        Span::styled(
            right(
                &gap.map_or_else(|| "–".into(), |g| crate::i18n::one_decimal(g, true)),
                n,
            ),
            gap_style,
        ),
    ])
}

/// What was experienced against what was promised, per channel, then
/// per stage (seed 002).
fn touchpoints(frame: &mut Frame, area: Rect, th: &Theme, f: &Figures, scroll: usize) {
    if f.touchpoints.is_empty() {
        return empty(frame, area, th, "reports.empty.touchpoints");
    }
    let label_w = channel_width().max(stage_width());
    let n = TOUCH_COL;
    // How many were rated is the sum of the next three: left out first.
    let rated = area.width as usize >= label_w + 6 * (n + 1);
    let mut header = vec![pad(&fit(t("reports.col.channel"), label_w), label_w)];
    if rated {
        header.push(head("reports.col.rated", n));
    }
    header.extend([
        head("reports.col.worse", n),
        head("reports.col.as_promised", n),
        head("reports.col.better", n),
        head("reports.col.mean", n),
        head("reports.col.gap", n),
    ]);
    let header = header.join(" ");
    let mut lines: Vec<Line> = f
        .touchpoints
        .iter()
        .map(|(c, tp)| touch_line(th, channel_label(*c), label_w, rated, tp))
        .collect();
    lines.push(Line::from(Span::styled(t("reports.by_stage"), th.header)));
    lines.extend(
        f.touchpoints_by_stage
            .iter()
            .map(|(s, tp)| touch_line(th, stage_label(*s), label_w, rated, tp)),
    );
    table(frame, area, th, header, lines, scroll);
}

/// Open deals by expected close month, weighted by probability, beside
/// what was won: three bars a month.
fn forecast(frame: &mut Frame, area: Rect, th: &Theme, f: &Figures) {
    if f.forecast.is_empty() {
        return empty(frame, area, th, "reports.empty.forecast");
    }
    let styles = [th.stage(0), th.stage(3), th.success];
    let [legend, chart] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let mut spans = Vec::new();
    for (key, style) in ["reports.open", "reports.weighted", "reports.won"].iter().zip(styles) {
        spans.push(Span::styled("■ ", style));
        spans.push(Span::styled(format!("{}  ", t(key)), th.text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), legend);
    // The amounts beside the bars where there is room.
    let side_w = 4 * (FORECAST_COL + 1);
    let chart = if chart.width as usize >= side_w + 30 {
        let [chart, side] = Layout::horizontal([Constraint::Min(1), Constraint::Length(side_w as u16)]).areas(chart);
        forecast_table(frame, side, th, f);
        chart
    } else {
        chart
    };
    let w = chart.width as usize;
    let bar_w: u16 = if w >= 60 { 3 } else { 2 };
    let group_w = 3 * usize::from(bar_w) + 1;
    let fit_n = (w / group_w).max(1);
    let months: Vec<_> = f.forecast.iter().collect();
    let shown = &months[..months.len().min(fit_n)];
    let mut chart_widget = BarChart::default()
        .bar_width(bar_w)
        .bar_gap(0)
        .group_gap(1)
        .label_style(th.muted);
    for (m, row) in shown {
        let bar = |amount: Money, style: Style| Bar::default().value(units(amount)).text_value("").style(style);
        let bars = [
            bar(row.open, styles[0]),
            bar(row.weighted, styles[1]),
            bar(row.won, styles[2]),
        ];
        chart_widget = chart_widget.data(
            BarGroup::default()
                .label(Line::from(month_label(**m, 3 * bar_w)))
                .bars(&bars),
        );
    }
    frame.render_widget(chart_widget, chart);
}

/// Width of a column of the forecast's table.
const FORECAST_COL: usize = 9;

/// The forecast's amounts, a month a line.
fn forecast_table(frame: &mut Frame, area: Rect, th: &Theme, f: &Figures) {
    let n = FORECAST_COL;
    let header = [
        pad(&fit(t("reports.col.month"), n), n),
        head("reports.open", n),
        head("reports.weighted", n),
        head("reports.won", n),
    ]
    .join(" ");
    let lines = f
        .forecast
        .iter()
        .map(|(m, row)| {
            Line::from(Span::styled(
                [
                    pad(&month_label(*m, 5), n),
                    right(&money_short(row.open), n),
                    right(&money_short(row.weighted), n),
                    right(&money_short(row.won), n),
                ]
                .join(" "),
                th.text,
            ))
        })
        .collect();
    table(frame, area, th, header, lines, 0);
}

/// The workspace's mean health by month as a line, from two months on;
/// below it, those whose health fell most.
fn health(frame: &mut Frame, area: Rect, th: &Theme, f: &Figures, scroll: usize) {
    let points = f.health_by_month.len();
    let falls = f.health_falling.len();
    let list_h = if falls == 0 {
        0
    } else {
        (falls as u16 + 1).min(area.height / 2)
    };
    let [chart, list] = Layout::vertical([Constraint::Min(1), Constraint::Length(list_h)]).areas(area);
    if points < 2 {
        let key = if points == 0 {
            "reports.empty.health"
        } else {
            "reports.empty.health_one"
        };
        empty(frame, chart, th, key);
    } else {
        let data: Vec<(f64, f64)> = f
            .health_by_month
            .values()
            .enumerate()
            .map(|(i, v)| (i as f64, *v))
            .collect();
        let first = f.health_by_month.keys().next().copied();
        let last = f.health_by_month.keys().last().copied();
        let label = |m: Option<NaiveDate>| m.map(|m| month_label(m, 5)).unwrap_or_default();
        let dataset = Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(th.gauge_filled)
            .data(&data);
        frame.render_widget(
            Chart::new(vec![dataset])
                .x_axis(
                    Axis::default()
                        .bounds([0.0, (points - 1) as f64])
                        .labels([label(first), label(last)])
                        .style(th.muted),
                )
                .y_axis(
                    Axis::default()
                        .bounds([0.0, 100.0])
                        .labels(["0", "50", "100"])
                        .style(th.muted),
                ),
            chart,
        );
    }
    if falls > 0 {
        let w = list.width as usize;
        let lines: Vec<Line> = f
            .health_falling
            .iter()
            .map(|h| {
                let name_w = w.saturating_sub(12).max(6);
                Line::from(vec![
                    Span::styled(pad(&fit_escaped(&h.name, name_w), name_w), th.text),
                    Span::styled(format!(" {:>3}→{:<3}", h.from, h.to), th.overdue),
                ])
            })
            .collect();
        table(frame, list, th, t("reports.health_falling").to_string(), lines, scroll);
    }
}

/// What each person did in the period, for a team lead.
fn activity(frame: &mut Frame, area: Rect, th: &Theme, f: &Figures, scroll: usize) {
    if f.activity.is_empty() {
        return empty(frame, area, th, "reports.empty.activity");
    }
    let n = 9;
    let person_w = (area.width as usize).saturating_sub(4 * (n + 1)).clamp(6, 24);
    let header = [
        pad(&fit(t("reports.col.person"), person_w), person_w),
        head("reports.col.interactions", n),
        head("reports.col.touched", n),
        head("reports.col.done", n),
        head("reports.col.overdue", n),
    ]
    .join(" ");
    let lines = f
        .activity
        .iter()
        .map(|(who, a)| {
            let who = if who.trim().is_empty() {
                t("reports.nobody").to_string()
            } else {
                who.clone()
            };
            Line::from(Span::styled(
                [
                    pad(&fit_escaped(&who, person_w), person_w),
                    right(&a.interactions.to_string(), n),
                    right(&a.customers_touched.to_string(), n),
                    right(&a.follow_ups_done.to_string(), n),
                    right(&a.follow_ups_overdue.to_string(), n),
                ]
                .join(" "),
                th.text,
            ))
        })
        .collect();
    table(frame, area, th, header, lines, scroll);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months_run_from_the_first_to_the_last_inclusive() {
        let m = months(day("2025-11-27"), day("2026-02-03"));
        assert_eq!(
            m,
            vec![
                day("2025-11-01"),
                day("2025-12-01"),
                day("2026-01-01"),
                day("2026-02-01")
            ]
        );
        assert_eq!(months(day("2026-02-03"), day("2026-02-03")).len(), 1);
    }

    #[test]
    fn the_grid_takes_the_width_and_height_it_has() {
        let r = |w, h| Rect::new(0, 0, w, h);
        assert_eq!(grid(r(80, 20)), (1, 1));
        assert_eq!(grid(r(120, 36)), (2, 2));
        assert_eq!(grid(r(120, 20)), (2, 1));
    }
}
