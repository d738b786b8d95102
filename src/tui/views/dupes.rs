//! Customers that look like the same person, group by group.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::centered;
use super::widgets::{accept_clear, fit, fit_escaped};
use crate::i18n::{t, tn};
use crate::tui::app::App;
use crate::tui::layers::Dupes;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, d: &Dupes) {
    let th = &app.theme;
    let popup = centered(area, 90, area.height);
    super::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(
            format!(" {} ", tn("dupes.title", d.groups.len(), &[])),
            th.title,
        ));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let width = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    for (n, group) in d.groups.iter().enumerate() {
        if n == d.selected {
            selected_line = lines.len();
        }
        for (i, id) in group.ids.iter().enumerate() {
            let Some(r) = app.roster.get(*id) else { continue };
            let marker = if i == 0 {
                format!("{:>3}. ", n + 1)
            } else {
                "     ".to_string()
            };
            let keep = if i == 0 {
                format!(" ({})", t("dupes.keeps"))
            } else {
                String::new()
            };
            let text = format!(
                "{marker}{}{}{keep}",
                r.name,
                if r.company.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", r.company)
                }
            );
            let mut line = Line::from(Span::styled(fit_escaped(&text, width), th.text));
            if n == d.selected {
                line = line.style(th.selected);
            }
            lines.push(line);
        }
        if !group.certain {
            // Only a phone holds this group together: say so before a merge.
            lines.push(Line::from(Span::styled(
                fit(&format!("     {}", t("dupes.possible")), width),
                th.warning,
            )));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(accept_clear(app, "dupes.hint"), th.muted)));
    let height = inner.height as usize;
    let scroll = selected_line
        .saturating_sub(height / 2)
        .min(lines.len().saturating_sub(height));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}
