//! Pane 4: today's work, most urgent first: overdue and due follow-ups,
//! and customers nobody has been in touch with for too long.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::customers::{pad, scroll_offset};
use super::widgets::{due_style, fit, fit_escaped, relative};
use crate::i18n::{t, tf, tn};
use crate::store::AgendaWhat;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let due_now = app.agenda.items.iter().filter(|i| i.due <= app.today).count();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if !app.covered() { th.border_focused } else { th.border })
        .title(Span::styled(
            format!(
                " {} ",
                tf("agenda.title", &[("due", &due_now), ("total", &app.agenda.items.len())])
            ),
            th.title,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.agenda.items.is_empty() {
        frame.render_widget(Paragraph::new(Span::styled(t("agenda.empty"), th.muted)), inner);
        return;
    }
    let height = inner.height as usize;
    let offset = scroll_offset(app.agenda.cursor, height, app.agenda.items.len());
    let width = inner.width as usize;
    let when_width = 18.min(width / 3);
    let who_width = 24.min(width / 3);
    for (n, item) in app.agenda.items.iter().enumerate().skip(offset).take(height) {
        let what = match &item.what {
            AgendaWhat::FollowUp(f) => f.what.clone(),
            AgendaWhat::StayInTouch { cadence_days, .. } => {
                tn("agenda.stay_in_touch", *cadence_days, &[("days", cadence_days)])
            }
        };
        let kind_style = match item.what {
            AgendaWhat::FollowUp(_) => th.text,
            AgendaWhat::StayInTouch { .. } => th.muted,
        };
        let room = width.saturating_sub(when_width + who_width + 2);
        let mut line = Line::from(vec![
            Span::styled(
                pad(&fit(&relative(item.due, app.today), when_width), when_width + 1),
                due_style(th, item.due, app.today),
            ),
            Span::styled(
                pad(
                    &fit_escaped(
                        app.roster.get(item.customer).map(|r| r.name.as_str()).unwrap_or(""),
                        who_width,
                    ),
                    who_width + 1,
                ),
                th.text,
            ),
            Span::styled(fit_escaped(&what, room), kind_style),
        ]);
        if n == app.agenda.cursor {
            line = line.style(th.selected);
        }
        let y = inner.y + (n - offset) as u16;
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..inner });
    }
}
