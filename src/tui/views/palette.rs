//! `:`: every action with its key, filtered as you type; Enter runs it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::centered;
use super::customers::{pad, scroll_offset};
use super::widgets::fit;
use crate::i18n::t;
use crate::tui::app::App;
use crate::tui::layers::{Palette, palette_entries};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, palette: &Palette) {
    let th = &app.theme;
    let entries = palette_entries(&app.keymap, palette.input.text());
    let popup = centered(area, 60, (entries.len() as u16 + 4).clamp(6, 20));
    super::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(format!(" {} ", t("palette.title")), th.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [input_row, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let (shown, col) = palette.input.view((input_row.width as usize).saturating_sub(2));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(": ", th.highlight),
            Span::styled(shown, th.input_focused),
        ])),
        input_row,
    );
    frame.set_cursor_position((input_row.x + 2 + col, input_row.y));
    if entries.is_empty() {
        frame.render_widget(Paragraph::new(Span::styled(t("palette.none"), th.muted)), list);
        return;
    }
    let height = list.height as usize;
    let offset = scroll_offset(palette.selected, height, entries.len());
    let width = list.width as usize;
    for (n, (action, keys)) in entries.iter().enumerate().skip(offset).take(height) {
        let name = t(&format!("action.{}", action.name()));
        let mut line = Line::from(vec![
            Span::styled(
                pad(&fit(name, width.saturating_sub(14)), width.saturating_sub(13)),
                th.text,
            ),
            Span::styled(fit(keys, 12), th.footer_key),
        ]);
        if n == palette.selected {
            line = line.style(th.selected);
        }
        let y = list.y + (n - offset) as u16;
        app.hit(
            Rect { y, height: 1, ..list },
            crate::tui::mouse::Spot::Row(n as isize - palette.selected as isize),
        );
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..list });
    }
}
