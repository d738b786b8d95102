//! `?`: every binding, by mode, generated from the keymap so it can never
//! disagree with the keys that work.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::centered;
use super::customers::pad;
use crate::i18n::t;
use crate::tui::app::App;
use crate::tui::keymap::Mode;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, scroll: u16) {
    let th = &app.theme;
    let popup = centered(area, 72, area.height);
    super::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(format!(" {} ", t("help.title")), th.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut lines = Vec::new();
    for mode in Mode::ALL {
        let bindings = app.keymap.bindings(mode);
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(t(&format!("mode.{}", mode.name())), th.header)));
        for b in bindings {
            let keys = app.keymap.label_for(mode, b.action);
            lines.push(Line::from(vec![
                Span::styled(pad(&format!("  {keys}"), 22), th.footer_key),
                Span::styled(t(&format!("action.{}", b.action.name())), th.text),
            ]));
        }
    }
    lines.push(Line::default());
    // Said in sentences, so wrapped to the popup rather than cut.
    let mut notes = vec![t("help.text_keys")];
    if app.mouse.on {
        notes.push(t("help.mouse_keys"));
    }
    for note in notes {
        for text in crate::domain::text::wrap(note, inner.width as usize) {
            lines.push(Line::from(Span::styled(text, th.muted)));
        }
    }
    let max = (lines.len() as u16).saturating_sub(inner.height);
    frame.render_widget(Paragraph::new(lines).scroll((scroll.min(max), 0)), inner);
}
