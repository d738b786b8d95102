//! Pane 3: the interaction timeline of the selected customer, or of the
//! whole workspace.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::customers::{pad, scroll_offset};
use super::widgets::{channel_label, channel_width, escape, fit_escaped, interaction_notes, local_time, money};
use crate::domain::Interaction;
use crate::domain::text::wrap;
use crate::i18n::{t, tf};
use crate::tui::app::App;
use crate::tui::mouse::Spot;

/// From this width rows name who logged them.
const WIDE: u16 = 100;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let count = app.log.items.len();
    let title = if app.log.everyone && app.mine_only {
        tf("log.mine", &[("count", &count)])
    } else if app.log.everyone {
        tf("log.everyone", &[("count", &count)])
    } else {
        match app.current.and_then(|c| app.roster.get(c)) {
            Some(r) => tf("log.of", &[("name", &r.name), ("count", &count)]),
            None => t("log.nobody").to_string(),
        }
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if !app.covered() { th.border_focused } else { th.border })
        .title(Span::styled(format!(" {} ", escape(&title)), th.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.log.items.is_empty() {
        frame.render_widget(Paragraph::new(Span::styled(t("log.empty"), th.muted)), inner);
        return;
    }
    let height = inner.height as usize;
    let width = inner.width as usize;
    let wide = inner.width >= WIDE;
    // The row under the cursor may be open to its whole note: it and its
    // lines stay in view, the rows after it move down.
    let expansion = app
        .log
        .selected()
        .filter(|_| app.log.selected_is_expanded())
        .map(|i| expanded_lines(app, i, width))
        .unwrap_or_default();
    let mut offset = scroll_offset(app.log.cursor, height, app.log.items.len());
    if app.log.cursor - offset + 1 + expansion.len() > height {
        offset = (app.log.cursor + 1 + expansion.len())
            .saturating_sub(height)
            .min(app.log.cursor);
    }
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    for (n, i) in app.log.items.iter().enumerate().skip(offset) {
        if y >= bottom {
            break;
        }
        let mut line = Line::from(row(app, i, width, wide).0);
        if n == app.log.cursor {
            line = line.style(th.selected);
        }
        let by = Spot::Row(n as isize - app.log.cursor as isize);
        app.hit(Rect { y, height: 1, ..inner }, by);
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..inner });
        y += 1;
        if n == app.log.cursor {
            for extra in &expansion {
                if y >= bottom {
                    break;
                }
                app.hit(Rect { y, height: 1, ..inner }, by);
                frame.render_widget(Paragraph::new(extra.clone()), Rect { y, height: 1, ..inner });
                y += 1;
            }
        }
    }
}

/// One interaction as a row, and whether its summary had to be cut.
fn row(app: &App, i: &Interaction, width: usize, wide: bool) -> (Vec<Span<'static>>, bool) {
    let th = &app.theme;
    let mut spans = vec![
        Span::styled(format!("{} ", local_time(i.at)), th.muted),
        Span::styled(pad(channel_label(i.channel), channel_width() + 1), th.channel),
    ];
    if app.log.everyone {
        let who = app.roster.get(i.customer).map(|r| r.name.as_str()).unwrap_or("");
        spans.push(Span::styled(pad(&fit_escaped(who, 18), 19), th.text));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let amount = i.amount.map(|a| format!(" {}", money(a))).unwrap_or_default();
    let author = if wide {
        format!("  {}", escape(&i.author))
    } else {
        String::new()
    };
    // A row with more to read than its summary says so.
    let more = if has_more(i) && Some(i.id) != app.log.expanded {
        " ▸"
    } else {
        ""
    };
    let room = width.saturating_sub(used + amount.chars().count() + author.width() + more.width());
    let cut = escape(&i.summary).width() > room;
    spans.push(Span::styled(pad(&fit_escaped(&i.summary, room), room), th.text));
    spans.push(Span::styled(more, th.muted));
    spans.push(Span::styled(amount, th.money));
    spans.push(Span::styled(author, th.author));
    (spans, cut)
}

/// True when an interaction has more than its summary: notes, an outcome,
/// a rating, or a summary longer than a row.
fn has_more(i: &Interaction) -> bool {
    !i.body.trim().is_empty() || !i.outcome.trim().is_empty() || i.satisfaction.is_some()
}

/// The lines an opened row shows under it: the whole summary when a row
/// cut it, then the outcome, the rating and the notes.
fn expanded_lines(app: &App, i: &Interaction, width: usize) -> Vec<Line<'static>> {
    const INDENT: usize = 4;
    let th = &app.theme;
    let mut lines: Vec<Line<'static>> = Vec::new();
    if row(app, i, width, width >= WIDE as usize).1 {
        lines.extend(
            wrap(&i.summary, width.saturating_sub(INDENT).max(10))
                .into_iter()
                .map(|l| Line::from(vec![Span::raw(" ".repeat(INDENT)), Span::styled(l, th.text)])),
        );
    }
    lines.extend(interaction_notes(th, i, width, INDENT, usize::MAX));
    if lines.is_empty() {
        lines.push(Line::from(vec![
            Span::raw(" ".repeat(INDENT)),
            Span::styled(t("log.no_notes"), th.muted),
        ]));
    }
    lines
}
