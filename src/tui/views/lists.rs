//! `L`: the saved lists, each with its filters, the priority one marked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::centered;
use super::customers::{pad, scroll_offset};
use super::widgets::{fit, fit_escaped, priority_name};
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::Mode;
use crate::tui::layers::ListPicker;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, picker: &ListPicker) {
    let th = &app.theme;
    let shown = picker.shown();
    let popup = centered(area, 70, (shown.len() as u16 + 6).clamp(8, 22));
    super::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(format!(" {} ", t("lists.title")), th.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [input_row, rows, help] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    let (typed, col) = picker.input.view((input_row.width as usize).saturating_sub(2));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("> ", th.highlight),
            Span::styled(typed, th.input_focused),
        ])),
        input_row,
    );
    frame.set_cursor_position((input_row.x + 2 + col, input_row.y));
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(
                &tf(
                    "lists.save_help",
                    &[("key", &app.keymap.label_for(Mode::Form, Action::Save))],
                ),
                help.width as usize,
            ),
            th.muted,
        )),
        help,
    );
    let width = rows.width as usize;
    let name_width = (width / 2).max(1);
    let mut lines: Vec<(String, String)> = vec![(t("lists.every_customer").to_string(), String::new())];
    lines.extend(shown.iter().map(|l| {
        (
            priority_name(&l.name, l.priority),
            match l.filter.as_flags() {
                f if f.is_empty() => t("lists.every_customer").to_string(),
                f => f,
            },
        )
    }));
    let height = rows.height as usize;
    let offset = scroll_offset(picker.selected, height, lines.len());
    for (n, (name, filter)) in lines.iter().enumerate().skip(offset).take(height) {
        let mut line = Line::from(vec![
            Span::styled(
                pad(&fit_escaped(name, name_width.saturating_sub(1)), name_width),
                th.text,
            ),
            Span::styled(fit_escaped(filter, width.saturating_sub(name_width)), th.muted),
        ]);
        if n == picker.selected {
            line = line.style(th.selected);
        }
        let y = rows.y + (n - offset) as u16;
        app.hit(
            Rect { y, height: 1, ..rows },
            crate::tui::mouse::Spot::Row(n as isize - picker.selected as isize),
        );
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..rows });
    }
}
