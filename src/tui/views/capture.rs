//! Quick capture: the line, and under it what it says, piece by piece.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::centered;
use super::customers::pad;
use super::widgets::{fit, fit_escaped};
use crate::i18n::t;
use crate::tui::app::App;
use crate::tui::layers::CaptureLine;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, line: &CaptureLine) {
    let th = &app.theme;
    let popup = centered(area, 76, line.pieces.len() as u16 + 5);
    super::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(format!(" {} ", t("capture.title")), th.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [field, _, pieces, problem] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(line.pieces.len() as u16),
        Constraint::Length(1),
    ])
    .areas(inner);
    let (shown, col) = line.input.view(field.width.saturating_sub(2) as usize);
    let typed = if line.input.is_empty() {
        Span::styled(
            fit(t("capture.example"), field.width.saturating_sub(2) as usize),
            th.muted,
        )
    } else {
        Span::styled(shown, th.input_focused)
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::styled("> ", th.highlight), typed])),
        field,
    );
    frame.set_cursor_position((field.x + 2 + col, field.y));

    let labels: Vec<&str> = line.pieces.iter().map(|(key, _)| t(key)).collect();
    let label_width = labels.iter().map(|l| l.width()).max().unwrap_or(0) + 2;
    let value_width = (pieces.width as usize).saturating_sub(label_width);
    let c = &line.capture;
    let rows: Vec<Line> = line
        .pieces
        .iter()
        .zip(&labels)
        .map(|((key, value), label)| {
            // What was not said, and defaults, are quieter than what was.
            let style = match *key {
                // Asked for, not yet a mistake, while nothing is typed.
                "capture.customer" if !line.found && line.input.is_empty() => th.muted,
                "capture.customer" if !line.found => th.error,
                "capture.kind" if c.kind.is_none() => th.muted,
                "capture.date" if c.date.is_none() => th.muted,
                _ if value.is_none() => th.muted,
                _ => th.text,
            };
            let value = value.as_deref().unwrap_or(t("capture.none"));
            Line::from(vec![
                Span::styled(pad(label, label_width), th.header),
                Span::styled(fit(value, value_width), style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(rows), pieces);
    if let Some(e) = &line.error {
        frame.render_widget(
            Paragraph::new(Span::styled(fit_escaped(e, problem.width as usize), th.error)),
            problem,
        );
    }
}
