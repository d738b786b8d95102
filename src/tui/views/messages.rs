//! The status bar's messages, newest first, each wrapped whole.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::centered;
use crate::domain::text::wrap;
use crate::i18n::t;
use crate::tui::app::{App, Tone};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, scroll: u16) {
    let th = &app.theme;
    let popup = centered(area, 90, area.height);
    super::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(format!(" {} ", t("messages.title")), th.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut lines = Vec::new();
    if app.messages.is_empty() {
        lines.push(Line::from(Span::styled(t("messages.none"), th.muted)));
    }
    for (n, m) in app.messages.iter().rev().enumerate() {
        if n > 0 {
            lines.push(Line::default());
        }
        let style = match m.tone {
            Tone::Error => th.error,
            Tone::Success => th.success,
            Tone::Info => th.text,
        };
        // Messages quote data (names, file lines): escaped by `wrap`.
        for text in wrap(&m.text, inner.width as usize) {
            lines.push(Line::from(Span::styled(text, style)));
        }
    }
    let max = (lines.len() as u16).saturating_sub(inner.height);
    frame.render_widget(Paragraph::new(lines).scroll((scroll.min(max), 0)), inner);
}
