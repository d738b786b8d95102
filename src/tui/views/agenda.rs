//! Pane 4: today's work in groups (overdue, today, this week, later),
//! each ranked by what is at stake (`domain::agenda`): follow-ups, and
//! customers nobody has been in touch with for too long, with each
//! customer's company, stage and lifetime value.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::customers::{pad, scroll_offset};
use super::widgets::{due_style, fit, fit_escaped, money, overdue_mark, relative, stage_label};
use crate::domain::agenda::Group;
use crate::i18n::{t, tf, tn};
use crate::store::{AgendaItem, AgendaWhat};
use crate::tui::app::{AgendaLine, App};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let due_now = app.agenda.items.iter().filter(|i| i.due <= app.today).count();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if !app.covered() { th.border_focused } else { th.border })
        .title(Span::styled(
            format!(
                " {} ",
                match &app.list {
                    Some(list) => tf(
                        "agenda.title_list",
                        &[
                            ("name", &crate::domain::escape::escape(&list.name)),
                            ("due", &due_now),
                            ("total", &app.agenda.items.len())
                        ]
                    ),
                    None => tf("agenda.title", &[("due", &due_now), ("total", &app.agenda.items.len())]),
                }
            ),
            th.title,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.agenda.items.is_empty() {
        frame.render_widget(Paragraph::new(Span::styled(t("agenda.empty"), th.muted)), inner);
        return;
    }
    let list = &app.agenda;
    let height = inner.height as usize;
    let cursor_line = list.line_of(list.cursor);
    let offset = scroll_offset(cursor_line, height, list.line_count());
    let cols = Columns::for_width(inner.width as usize);
    // Only the lines in view are made: the agenda may hold thousands.
    for (y, line_no) in (offset..list.line_count()).take(height).enumerate() {
        let line = match list.at_line(line_no) {
            Some(AgendaLine::Heading(group, count)) => heading(app, group, count),
            Some(AgendaLine::Item(n)) => {
                app.hit(
                    Rect {
                        y: inner.y + y as u16,
                        height: 1,
                        ..inner
                    },
                    crate::tui::mouse::Spot::Row(n as isize - list.cursor as isize),
                );
                let line = item_line(app, &cols, &list.items[n]);
                if n == list.cursor {
                    line.style(th.selected)
                } else {
                    line
                }
            }
            None => break,
        };
        let y = inner.y + y as u16;
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..inner });
    }
}

/// The widths of a row's parts; narrow panes put the company after the name.
struct Columns {
    when: usize,
    name: usize,
    company: usize,
    stage: usize,
    value: usize,
    what: usize,
}

impl Columns {
    fn for_width(width: usize) -> Columns {
        let (when, name, company, stage, value) = if width >= 110 {
            (16, 22, 18, 11, 12)
        } else {
            (15, 20, 0, 9, 12)
        };
        let used =
            MARK + [when, name, company, stage, value].iter().map(|w| w + 1).sum::<usize>() - usize::from(company == 0);
        Columns {
            when,
            name,
            company,
            stage,
            value,
            what: width.saturating_sub(used),
        }
    }
}

/// The overdue mark's width: `!` and a space.
const MARK: usize = 2;

fn heading(app: &App, group: Group, count: usize) -> Line<'static> {
    let th = &app.theme;
    let style = match group {
        Group::Overdue => th.overdue,
        Group::Today => th.due_today,
        Group::ThisWeek | Group::Later => th.upcoming,
    };
    Line::from(Span::styled(
        tf(&format!("agenda.group.{}", group.key()), &[("count", &count)]),
        style.add_modifier(Modifier::BOLD),
    ))
}

fn item_line(app: &App, cols: &Columns, item: &AgendaItem) -> Line<'static> {
    let th = &app.theme;
    let row = app.roster.get(item.customer);
    let what = match &item.what {
        AgendaWhat::FollowUp(f) => f.what.clone(),
        AgendaWhat::Tactic(t) => crate::store::agenda_text(t, row.map(|r| r.name.as_str()).unwrap_or("")),
        AgendaWhat::StayInTouch { cadence_days, .. } => {
            tn("agenda.stay_in_touch", *cadence_days, &[("days", cadence_days)])
        }
    };
    let kind_style = match item.what {
        AgendaWhat::FollowUp(_) | AgendaWhat::Tactic(_) => th.text,
        AgendaWhat::StayInTouch { .. } => th.muted,
    };
    let due = due_style(th, item.due, app.today);
    let name = row
        .map(|r| super::widgets::priority_name(&r.name, r.priority))
        .unwrap_or_default();
    let company = row.map(|r| r.company.as_str()).unwrap_or("");
    let who = if cols.company == 0 && !company.is_empty() {
        format!("{name} · {company}")
    } else {
        name.to_string()
    };
    let cell = |text: &str, width: usize| pad(&fit_escaped(text, width), width + 1);
    let mut spans = vec![
        Span::styled(pad(overdue_mark(item.due, app.today), MARK), due),
        Span::styled(cell(&relative(item.due, app.today), cols.when), due),
        Span::styled(cell(&who, cols.name), th.text),
    ];
    if cols.company > 0 {
        spans.push(Span::styled(cell(company, cols.company), th.muted));
    }
    match row {
        Some(r) => {
            spans.push(Span::styled(
                cell(stage_label(r.stage), cols.stage),
                th.stage(r.stage.index()),
            ));
            // Right-aligned, so values line up by magnitude.
            let value = fit(&money(r.clv), cols.value);
            spans.push(Span::styled(format!("{value:>width$} ", width = cols.value), th.money));
        }
        None => spans.push(Span::raw(" ".repeat(cols.stage + cols.value + 2))),
    }
    spans.push(Span::styled(fit_escaped(&what, cols.what), kind_style));
    Line::from(spans)
}
