//! A form as a popup: one row per field, label and value; the focused
//! field shows the cursor; a field that failed shows why, beneath it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::centered;
use super::customers::pad;
use super::widgets::{fit, fit_escaped};
use crate::domain::escape::escape_typed;
use crate::domain::text::wrap;
use crate::i18n::{t, tf};
use crate::tui::app::App;
use crate::tui::forms::Form;

/// Labels take the width of the longest in the user's language, between
/// these bounds, so that values line up and stay wide enough to type in.
const LABEL_MIN: usize = 12;
const LABEL_MAX: usize = 24;
/// The popup's width, when the screen has it.
const WIDTH: u16 = 76;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &Form) {
    let th = &app.theme;
    let label_width = form
        .fields
        .iter()
        .map(|f| t(&f.id.label_key()).width())
        .max()
        .unwrap_or(0)
        .clamp(LABEL_MIN, LABEL_MAX);
    // A reason wraps under its field rather than being cut at the border.
    let reason_width = (WIDTH.min(area.width) as usize)
        .saturating_sub(2 + label_width + 2)
        .max(10);
    let reasons: Vec<Vec<String>> = form
        .fields
        .iter()
        .map(|f| f.error.as_deref().map(|e| wrap(e, reason_width)).unwrap_or_default())
        .collect();
    let rows: u16 = reasons.iter().map(|r| 1 + r.len() as u16).sum();
    let popup = centered(area, WIDTH, rows + 2);
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
        for (n, reason) in reasons[i].iter().enumerate() {
            let mark = if n == 0 { "↳ " } else { "  " };
            lines.push((
                i,
                Line::from(Span::styled(
                    format!("{}{mark}{reason}", " ".repeat(label_width + 1)),
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
    // A click on a field's line (or its reason) focuses the field.
    for (y, (i, _)) in lines.iter().skip(offset).take(height).enumerate() {
        app.hit(
            Rect {
                y: inner.y + y as u16,
                height: 1,
                ..inner
            },
            crate::tui::mouse::Spot::Field(*i as isize - form.focus as isize),
        );
    }
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
