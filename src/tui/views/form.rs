//! A form as a popup: one row per field, label and value; the focused
//! field shows the cursor; a field that failed shows why, beneath it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::centered;
use super::customers::pad;
use super::widgets::{escape, fit, fit_escaped};
use crate::domain::escape::escape_typed;
use crate::i18n::{t, tf};
use crate::tui::app::App;
use crate::tui::forms::Form;

/// Labels take the width of the longest in the user's language, between
/// these bounds, so that values line up and stay wide enough to type in.
const LABEL_MIN: usize = 12;
const LABEL_MAX: usize = 24;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &Form) {
    let th = &app.theme;
    let rows: u16 = form.fields.iter().map(|f| 1 + u16::from(f.error.is_some())).sum();
    let popup = centered(area, 76, rows + 2);
    super::clear(frame, popup);
    let (title_key, name) = form.title();
    let title = if name.is_empty() {
        t(title_key).to_string()
    } else {
        tf(title_key, &[("name", &name)])
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(
            format!(" {} ", fit_escaped(&title, popup.width.saturating_sub(4) as usize)),
            th.title,
        ));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let label_width = form
        .fields
        .iter()
        .map(|f| t(&f.id.label_key()).width())
        .max()
        .unwrap_or(0)
        .clamp(LABEL_MIN, LABEL_MAX);
    let value_width = (inner.width as usize).saturating_sub(label_width + 1);
    // Lines of each field, to scroll the focused one into view.
    let mut lines: Vec<(usize, Line)> = Vec::new();
    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label_style = if field.error.is_some() {
            th.error
        } else if focused {
            th.title
        } else {
            th.muted
        };
        let value_style = if field.error.is_some() {
            th.input_invalid
        } else if focused {
            th.input_focused
        } else {
            th.input
        };
        let label = pad(&fit(t(&field.id.label_key()), label_width), label_width + 1);
        let value = if field.choices.is_some() {
            let arrows = if focused {
                format!("◀ {} ▶", field.shown())
            } else {
                field.shown()
            };
            fit(&arrows, value_width)
        } else if focused {
            let (shown, col) = field.input.view(value_width);
            cursor = Some((lines.len(), label_width as u16 + 1 + col));
            shown
        } else {
            fit(&escape_typed(field.input.text()), value_width)
        };
        let mut spans = vec![Span::styled(label, label_style), Span::styled(value, value_style)];
        if focused && field.id.is_long() && field.input.is_empty() {
            spans.push(Span::styled(
                format!(
                    " {}",
                    tf(
                        "form.editor_hint",
                        &[(
                            "key",
                            &app.keymap
                                .label_for(crate::tui::keymap::Mode::Form, crate::tui::action::Action::OpenEditor)
                        )]
                    )
                ),
                th.muted,
            ));
        }
        lines.push((i, Line::from(spans)));
        if let Some(e) = &field.error {
            lines.push((
                i,
                Line::from(Span::styled(
                    format!("{}↳ {}", " ".repeat(label_width + 1), escape(e)),
                    th.error,
                )),
            ));
        }
    }
    let height = inner.height as usize;
    let focus_line = lines.iter().position(|(i, _)| *i == form.focus).unwrap_or(0);
    let offset = if focus_line >= height {
        focus_line + 1 - height
    } else {
        0
    };
    let shown: Vec<Line> = lines.into_iter().skip(offset).take(height).map(|(_, l)| l).collect();
    frame.render_widget(Paragraph::new(shown), inner);
    if let Some((line, col)) = cursor
        && line >= offset
        && line - offset < height
        && app.top::<Form>().is_some()
    {
        frame.set_cursor_position((inner.x + col, inner.y + (line - offset) as u16));
    }
}
