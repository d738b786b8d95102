//! Pane 1: the customer table (only the rows in view are built) beside or
//! above a summary of the selected customer.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::widgets::{
    channel_label, day, escape, fit, fit_escaped, gauge, interaction_notes, level_label, local_day, money, relative,
    stage_label,
};
use crate::domain::{Factor, SpinPart};
use crate::i18n::{t, tf};
use crate::tui::app::{App, SortColumn};
use crate::tui::mouse::Spot;
use crate::tui::roster::Row;

/// From this width the summary sits beside the table.
const SIDE_BY_SIDE: u16 = 110;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let (table_area, detail_area) = if area.width >= SIDE_BY_SIDE {
        let [a, b] = Layout::horizontal([Constraint::Percentage(65), Constraint::Percentage(35)]).areas(area);
        (a, b)
    } else {
        let [a, b] = Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
        (a, b)
    };
    table(frame, table_area, app);
    summary(frame, detail_area, app);
}

struct Column {
    key: &'static str,
    sort: SortColumn,
    width: usize,
    cell: fn(&Row, &App) -> String,
}

fn columns(width: u16) -> Vec<Column> {
    let mut cols = vec![
        Column {
            key: "name",
            sort: SortColumn::Name,
            width: 18,
            // Marked when the next contact is late, as on the pipeline's
            // cards: the colour of the date alone is lost without colour.
            // The priority segment's customers are marked ★.
            cell: |r, app| {
                let name = super::widgets::priority_name(&r.name, r.priority);
                match super::widgets::overdue_mark(r.next_due, app.today) {
                    "" => name,
                    mark => format!("{mark} {name}"),
                }
            },
        },
        Column {
            key: "company",
            sort: SortColumn::Company,
            width: 14,
            cell: |r, _| r.company.clone(),
        },
        Column {
            key: "stage",
            sort: SortColumn::Stage,
            width: 11,
            cell: |r, _| stage_label(r.stage).to_string(),
        },
    ];
    if width >= 100 {
        cols.push(Column {
            key: "level",
            sort: SortColumn::Stage,
            width: 11,
            cell: |r, _| level_label(r.level).to_string(),
        });
    }
    cols.push(Column {
        key: "health",
        sort: SortColumn::Health,
        width: 6,
        cell: |r, _| r.health.map(|h| format!("{h}%")).unwrap_or_else(|| "-".into()),
    });
    if width >= 100 {
        cols.push(Column {
            key: "last_contact",
            sort: SortColumn::LastContact,
            width: 10,
            cell: |r, _| r.last_contact.map(local_day).unwrap_or_else(|| "-".into()),
        });
    }
    cols.push(Column {
        key: "next_contact",
        sort: SortColumn::NextContact,
        width: 10,
        cell: |r, _| day(r.next_due),
    });
    cols.push(Column {
        key: "clv",
        sort: SortColumn::Clv,
        width: 11,
        cell: |r, _| money(r.clv),
    });
    // Last, so it is the first to go where there is no room. Tiers have
    // no order of their own to sort by: the column never shows an arrow.
    cols.push(Column {
        key: "tier",
        sort: SortColumn::Clv,
        width: 10,
        cell: |r, _| r.tier.clone().unwrap_or_else(|| "-".into()),
    });
    // Short columns are widened to their header (and its sort arrow) in
    // languages whose words are longer than the values.
    for c in cols.iter_mut().skip(2) {
        c.width = c.width.max(t(&format!("column.{}", c.key)).width() + 1);
    }
    cols
}

fn table(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let title = if let Some(list) = &app.list {
        tf(
            "customers.title_list",
            &[
                // A teammate's list name is data: escaped like any.
                ("name", &escape(&list.name)),
                ("shown", &app.table.visible.len()),
                ("total", &app.roster.len()),
            ],
        )
    } else if app.filtering() || app.searching() || app.mine_only {
        tf(
            "customers.title_filtered",
            &[("shown", &app.table.visible.len()), ("total", &app.roster.len())],
        )
    } else {
        tf("customers.title", &[("total", &app.roster.len())])
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if !app.covered() { th.border_focused } else { th.border })
        .title(Span::styled(format!(" {title} "), th.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut body = inner;
    if app.searching() || !app.query.is_empty() {
        let [search_row, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        body = rest;
        let prompt = "/ ";
        let width = (search_row.width as usize).saturating_sub(prompt.len());
        let (shown, cursor) = app.query.view(width);
        let style = if app.searching() { th.input_focused } else { th.input };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(prompt, th.highlight),
                Span::styled(shown, style),
            ])),
            search_row,
        );
        if app.searching() {
            frame.set_cursor_position((search_row.x + prompt.len() as u16 + cursor, search_row.y));
        }
    }
    if body.height == 0 {
        return;
    }
    let cols = fit_columns(columns(body.width), body.width as usize);
    // Header.
    let mut header = Vec::new();
    for c in &cols {
        let mut label = t(&format!("column.{}", c.key)).to_string();
        if c.sort == app.sort && app.sort != SortColumn::Relevance && !matches!(c.key, "level" | "tier") {
            // One meaning on every column: ▲ low to high, ▼ high to low.
            let ascending = c.sort.starts_ascending() != app.descending;
            label.push(if ascending { '▲' } else { '▼' });
        }
        header.push(Span::styled(pad(&fit(&label, c.width), c.width + 1), th.header));
    }
    frame.render_widget(Paragraph::new(Line::from(header)), Rect { height: 1, ..body });
    let rows_area = Rect {
        y: body.y + 1,
        height: body.height.saturating_sub(1),
        ..body
    };
    if app.table.visible.is_empty() {
        let text = if app.loading() {
            t("customers.loading")
        } else if app.filtering() {
            t("customers.no_match")
        } else {
            t("customers.none")
        };
        frame.render_widget(Paragraph::new(Span::styled(text, th.muted)), rows_area);
        return;
    }
    let height = rows_area.height as usize;
    let offset = scroll_offset(app.table.cursor, height, app.table.visible.len());
    for (n, id) in app.table.visible.iter().enumerate().skip(offset).take(height) {
        let Some(row) = app.roster.get(*id) else { continue };
        let selected = n == app.table.cursor;
        let mut spans = Vec::new();
        for c in &cols {
            let text = pad(&fit_escaped(&(c.cell)(row, app), c.width), c.width + 1);
            let style = match c.key {
                "stage" => th.stage(row.stage.index()),
                "next_contact" => super::widgets::due_style(th, row.next_due, app.today),
                "clv" => th.money,
                _ => th.text,
            };
            spans.push(Span::styled(text, style));
        }
        let mut line = Line::from(spans);
        if selected {
            line = line.style(th.selected);
        }
        let y = rows_area.y + (n - offset) as u16;
        let row_area = Rect {
            y,
            height: 1,
            ..rows_area
        };
        app.hit(row_area, Spot::Row(n as isize - app.table.cursor as isize));
        frame.render_widget(Paragraph::new(line), row_area);
    }
}

/// Drops trailing columns that do not fit, and gives any spare width to
/// the name and company.
fn fit_columns(mut cols: Vec<Column>, width: usize) -> Vec<Column> {
    while cols.len() > 2 && cols.iter().map(|c| c.width + 1).sum::<usize>() > width {
        cols.remove(cols.len() - 1);
    }
    let used: usize = cols.iter().map(|c| c.width + 1).sum();
    let spare = width.saturating_sub(used);
    if let Some(name) = cols.first_mut() {
        name.width += spare / 2;
    }
    if let Some(company) = cols.get_mut(1) {
        company.width += spare - spare / 2;
    }
    cols
}

/// The first row to show so that `cursor` is in view.
pub fn scroll_offset(cursor: usize, height: usize, len: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    let half = height / 2;
    cursor.saturating_sub(half).min(len - height)
}

pub fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(s.width())));
    out
}

/// The selected customer at a glance.
fn summary(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let block = Block::default().borders(Borders::ALL).border_style(th.border);
    let Some(focus) = app.focus.as_deref() else {
        frame.render_widget(block, area);
        return;
    };
    let c = &focus.record.customer;
    let block = block.title(Span::styled(format!(" {} ", escape(&c.name)), th.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let s = crate::domain::Summary::of(
        c,
        app.store.rules(),
        app.store.clock().now_ms(),
        crate::store::earliest(
            crate::domain::FollowUp::earliest_open(&focus.follow_ups),
            focus.earliest_tactic,
        ),
    );
    let label_width = super::widgets::field_label_width();
    let label = |k: &str| Span::styled(pad(t(k), label_width), th.muted);
    let mut lines = Vec::new();
    if !c.company.is_empty() || !c.title.is_empty() {
        let who = [c.title.as_str(), c.company.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        lines.push(Line::from(Span::styled(escape(&who).into_owned(), th.text)));
    }
    let contact: Vec<&str> = c.emails.iter().chain(c.phones.iter()).map(String::as_str).collect();
    if !contact.is_empty() {
        lines.push(Line::from(Span::styled(
            escape(&contact.join(" · ")).into_owned(),
            th.text,
        )));
    }
    lines.push(Line::from(vec![
        label("detail.stage"),
        Span::styled(stage_label(c.stage), th.stage(c.stage.index())),
        Span::styled(format!(" · {}", level_label(c.level)), th.text),
    ]));
    if let Some(tier) = app.store.rules().tier_of(c, s.clv) {
        lines.push(Line::from(vec![
            label("field.customer.tier"),
            Span::styled(escape(&crate::i18n::tier_line(&tier)).into_owned(), th.text),
        ]));
    }
    lines.push(Line::from(vec![
        label("detail.next_contact"),
        Span::styled(
            format!(
                "{} ({})",
                day(s.next_contact_due),
                relative(s.next_contact_due, app.today)
            ),
            super::widgets::due_style(th, s.next_contact_due, app.today),
        ),
    ]));
    lines.push(Line::from(vec![
        label("detail.value"),
        Span::styled(
            tf(
                "detail.value_line",
                &[("revenue", &money(s.revenue)), ("clv", &money(s.clv))],
            ),
            th.money,
        ),
    ]));
    // What was said last time and what was promised next come before the
    // scores: they are what a salesperson reads before calling.
    if let Some(i) = &focus.latest {
        lines.push(Line::from(Span::styled(t("detail.latest"), th.header)));
        let when = format!("{} ", local_day(i.at));
        let channel = format!("{} ", channel_label(i.channel));
        let amount = i.amount.map(|a| format!("  {}", money(a))).unwrap_or_default();
        let room = (inner.width as usize).saturating_sub(when.width() + channel.width() + amount.width());
        let spans = vec![
            Span::styled(when, th.muted),
            Span::styled(channel, th.channel),
            Span::styled(fit_escaped(&i.summary, room), th.text),
            Span::styled(amount, th.money),
        ];
        lines.push(Line::from(spans));
        lines.extend(interaction_notes(th, i, inner.width as usize, 2, 4));
    }
    {
        let mut open: Vec<_> = focus.follow_ups.iter().filter(|f| f.is_open()).collect();
        open.sort_by_key(|f| f.due);
        if let Some(f) = open.first() {
            lines.push(Line::from(Span::styled(t("detail.next_follow_up"), th.header)));
            let due = f.due_date();
            let mut spans = vec![
                Span::styled(
                    format!("{} ({}) ", day(due), relative(due, app.today)),
                    super::widgets::due_style(th, due, app.today),
                ),
                Span::styled(escape(&f.what).into_owned(), th.text),
            ];
            if open.len() > 1 {
                spans.push(Span::styled(
                    format!(" · {}", tf("detail.more_follow_ups", &[("count", &(open.len() - 1))])),
                    th.muted,
                ));
            }
            lines.push(Line::from(spans));
        }
    }
    for f in Factor::ALL {
        let mut spans = vec![label(&format!("factor.{}", f.key()))];
        spans.extend(gauge(th, c.factors.get(f), 10));
        lines.push(Line::from(spans));
    }
    for part in SpinPart::ALL {
        let text = c.spin.get(part);
        if !text.is_empty() {
            lines.push(Line::from(vec![
                label(&format!("spin.{}", part.key())),
                Span::styled(escape(text).into_owned(), th.text),
            ]));
        }
    }
    let history = &focus.history;
    if !history.is_empty() {
        lines.push(Line::from(Span::styled(t("detail.history"), th.header)));
        for h in history.iter().rev().take(3) {
            lines.push(Line::from(Span::styled(
                format!(
                    "{} {} → {} · {}",
                    local_day(h.at),
                    stage_label(h.from),
                    stage_label(h.to),
                    escape(&h.by)
                ),
                th.muted,
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_keep_the_cursor_in_view() {
        assert_eq!(scroll_offset(0, 10, 100), 0);
        assert_eq!(scroll_offset(50, 10, 100), 45);
        assert_eq!(scroll_offset(99, 10, 100), 90);
        assert_eq!(scroll_offset(3, 10, 5), 0);
    }
}
