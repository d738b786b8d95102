//! The export box: what will be written, and where to.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::centered;
use super::widgets::fit_escaped;
use crate::i18n::t;
use crate::tui::app::App;
use crate::tui::layers::Export;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &Export) {
    let th = &app.theme;
    let popup = centered(area, 80, 7);
    super::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(format!(" {} ", t("export.title")), th.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [ask, field, problem] =
        Layout::vertical([Constraint::Length(2), Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(Span::styled(state.question(), th.text)).wrap(Wrap { trim: true }),
        ask,
    );
    let (shown, col) = state.input.view(field.width.saturating_sub(2) as usize);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("> ", th.highlight),
            Span::styled(shown, th.input_focused),
        ])),
        field,
    );
    frame.set_cursor_position((field.x + 2 + col, field.y));
    if let Some(e) = &state.error {
        frame.render_widget(
            Paragraph::new(Span::styled(fit_escaped(e, problem.width as usize), th.error)),
            problem,
        );
    }
}
