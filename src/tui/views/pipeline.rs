//! Pane 2: the pipeline, seven columns from attract to loyalty, each with
//! its count and lifetime-value total; customers as cards. One key
//! (`toggle_deals`) turns it to the open deals by close month.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::customers::scroll_offset;
use super::widgets::{fit, fit_escaped, money_short, stage_label};
use crate::domain::{Money, Stage};
use crate::tui::app::App;
use crate::tui::mouse::Spot;
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    if app.deal_board.on {
        return draw_deals(frame, area, app);
    }
    let th = &app.theme;
    let columns = Layout::horizontal([Constraint::Ratio(1, 7); 7]).split(area);
    for (i, stage) in Stage::ALL.iter().enumerate() {
        let col = columns[i];
        let focused = i == app.board.column && !app.covered();
        let ids = &app.board.columns[i];
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focused { th.border_focused } else { th.border })
            .title(Span::styled(
                fit(stage_label(*stage), col.width.saturating_sub(2) as usize),
                th.stage(i),
            ));
        let inner = block.inner(col);
        frame.render_widget(block, col);
        if inner.height == 0 || inner.width == 0 {
            continue;
        }
        let width = inner.width as usize;
        let cards_area = column_head(frame, inner, th, ids.len(), app.board.totals[i]);
        let per_page = (cards_area.height / 2) as usize;
        let cursor = app.board.rows[i];
        let offset = scroll_offset(cursor, per_page, ids.len());
        for (n, id) in ids.iter().enumerate().skip(offset).take(per_page) {
            let Some(r) = app.roster.get(*id) else { continue };
            let mark = match super::widgets::overdue_mark(r.next_due, app.today) {
                "" => "",
                _ => "! ",
            };
            let name_width = width.saturating_sub(mark.len());
            let mut name = Line::from(vec![
                Span::styled(mark, th.overdue),
                Span::styled(
                    fit_escaped(&super::widgets::priority_name(&r.name, r.priority), name_width),
                    th.text,
                ),
            ]);
            let second = if r.company.is_empty() {
                super::widgets::day(r.next_due)
            } else {
                r.company.clone()
            };
            let mut sub = Line::from(Span::styled(fit_escaped(&second, width), th.muted));
            if focused && n == cursor {
                name = name.style(th.selected);
                sub = sub.style(th.selected);
            }
            let y = cards_area.y + ((n - offset) * 2) as u16;
            let card = Rect {
                y,
                height: 2,
                ..cards_area
            };
            app.hit(
                card,
                Spot::Card {
                    right: i as isize - app.board.column as isize,
                    down: n as isize - cursor as isize,
                },
            );
            frame.render_widget(Paragraph::new(vec![name, sub]), card);
        }
    }
}

/// The open deals by expected close month: as many month columns as fit,
/// the one in focus always among them; each with its count and weighted
/// total, deals as cards (title, marked `!` when open past its close day;
/// then customer and probability).
pub fn draw_deals(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let board = &app.deal_board;
    if board.columns.is_empty() {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(th.border)
            .title(Span::styled(crate::i18n::t("pane.pipeline"), th.title));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(Span::styled(crate::i18n::t("pane.no_deals"), th.muted))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    let fit_count = usize::from(area.width / 20).clamp(1, 7);
    let shown = board.columns.len().min(fit_count);
    let first = board.column.saturating_sub(shown - 1).min(board.columns.len() - shown);
    let columns = Layout::horizontal(vec![Constraint::Ratio(1, shown as u32); shown]).split(area);
    for (slot, col) in columns.iter().enumerate() {
        let i = first + slot;
        let Some(column) = board.columns.get(i) else { continue };
        let focused = i == board.column && !app.covered();
        let title = match column.month {
            Some(m) => crate::i18n::tf(
                "pane.deals_month",
                &[("year", &m.format("%Y")), ("month", &m.format("%m"))],
            ),
            None => crate::i18n::t("pane.deals_undated").to_string(),
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focused { th.border_focused } else { th.border })
            .title(Span::styled(
                fit(&title, col.width.saturating_sub(2) as usize),
                th.title,
            ));
        let inner = block.inner(*col);
        frame.render_widget(block, *col);
        if inner.height == 0 || inner.width == 0 {
            continue;
        }
        let width = inner.width as usize;
        let cards_area = column_head(frame, inner, th, column.deals.len(), column.weighted);
        let per_page = (cards_area.height / 2) as usize;
        let cursor = board.rows.get(i).copied().unwrap_or(0);
        let offset = scroll_offset(cursor, per_page, column.deals.len());
        for (n, d) in column.deals.iter().enumerate().skip(offset).take(per_page) {
            let mark = if d.is_overdue(app.today) { "! " } else { "" };
            let mut title = Line::from(vec![
                Span::styled(mark, th.overdue),
                Span::styled(fit_escaped(&d.title, width.saturating_sub(mark.len())), th.text),
            ]);
            let customer = app.roster.get(d.customer).map(|r| r.name.as_str()).unwrap_or_default();
            let tail = format!(" {} {}%", money_short(d.amount), d.probability);
            let name_width = width.saturating_sub(UnicodeWidthStr::width(tail.as_str()));
            let mut sub = Line::from(vec![
                Span::styled(fit_escaped(customer, name_width), th.muted),
                Span::styled(tail, th.money),
            ]);
            if focused && n == cursor {
                title = title.style(th.selected);
                sub = sub.style(th.selected);
            }
            let y = cards_area.y + ((n - offset) * 2) as u16;
            let card = Rect {
                y,
                height: 2,
                ..cards_area
            };
            app.hit(
                card,
                Spot::Card {
                    right: i as isize - board.column as isize,
                    down: n as isize - cursor as isize,
                },
            );
            frame.render_widget(Paragraph::new(vec![title, sub]), card);
        }
    }
}

/// A column's first line, its count and money total (cut short to fit),
/// and the area left under it for the cards.
fn column_head(frame: &mut Frame, inner: Rect, th: &crate::tui::theme::Theme, count: usize, total: Money) -> Rect {
    let count = count.to_string();
    let width = inner.width as usize;
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{count} "), th.header),
            Span::styled(
                fit(&money_short(total), width.saturating_sub(count.len() + 1)),
                th.money,
            ),
        ])),
        Rect { height: 1, ..inner },
    );
    Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    }
}
