//! Pane 3: the interaction timeline of the selected customer, or of the
//! whole workspace.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::customers::{pad, scroll_offset};
use super::widgets::{channel_label, escape, fit_escaped, local_time, money};
use crate::i18n::{t, tf};
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let title = if app.log.everyone {
        t("log.everyone").to_string()
    } else {
        match app.current.and_then(|c| app.roster.get(c)) {
            Some(r) => tf("log.of", &[("name", &r.name)]),
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
    let offset = scroll_offset(app.log.cursor, height, app.log.items.len());
    let wide = inner.width >= 100;
    for (n, i) in app.log.items.iter().enumerate().skip(offset).take(height) {
        let mut spans = vec![
            Span::styled(format!("{} ", local_time(i.at)), th.muted),
            Span::styled(pad(channel_label(i.channel), 10), th.channel),
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
        let room = (inner.width as usize).saturating_sub(used + amount.chars().count() + author.width());
        spans.push(Span::styled(pad(&fit_escaped(&i.summary, room), room), th.text));
        spans.push(Span::styled(amount, th.money));
        spans.push(Span::styled(author, th.author));
        let mut line = Line::from(spans);
        if n == app.log.cursor {
            line = line.style(th.selected);
        }
        let y = inner.y + (n - offset) as u16;
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..inner });
    }
}
