//! A yes/no question.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::centered;
use crate::i18n::t;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::Mode;
use crate::tui::layers::Prompt;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, prompt: &Prompt) {
    let th = &app.theme;
    let popup = centered(area, 60, 5);
    super::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(format!(" {} ", t("prompt.title")), th.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let answer = Line::from(vec![
        Span::styled(app.keymap.label_for(Mode::Prompt, Action::Yes), th.footer_key),
        Span::styled(format!(" {}   ", t("hint.yes")), th.text),
        Span::styled(app.keymap.label_for(Mode::Prompt, Action::No), th.footer_key),
        Span::styled(format!(" {}", t("hint.no")), th.text),
    ]);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled(
                crate::domain::escape::escape(&prompt.question).into_owned(),
                th.text,
            )),
            answer,
        ])
        .wrap(Wrap { trim: true }),
        inner,
    );
}
