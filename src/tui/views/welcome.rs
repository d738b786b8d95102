//! The first screen of an empty workspace.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::centered;
use crate::i18n::t;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::Mode;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let key = |a| Span::styled(app.keymap.label_for(Mode::Welcome, a), th.footer_key);
    let lines = vec![
        Line::from(Span::styled("关系 guanxi", th.title)),
        Line::default(),
        Line::from(Span::styled(t("welcome.tagline"), th.text)),
        Line::default(),
        Line::from(Span::styled(t("welcome.empty"), th.muted)),
        Line::default(),
        Line::from(vec![
            key(Action::Add),
            Span::styled(format!("  {}", t("welcome.add")), th.text),
        ]),
        Line::from(vec![
            key(Action::LoadSample),
            Span::styled(format!("  {}", t("welcome.sample")), th.text),
        ]),
        Line::from(vec![
            key(Action::Quit),
            Span::styled(format!("  {}", t("welcome.quit")), th.text),
        ]),
    ];
    // As wide as the longest line (the tagline is one line whenever the
    // screen has room for it), and as tall as the lines once wrapped.
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) as u16;
    let width = (widest + 2).clamp(20, area.width.max(20));
    let inner = usize::from(width.max(1));
    let height: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let box_area = centered(area, width, height as u16 + 2);
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        box_area,
    );
}
