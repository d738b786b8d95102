//! Customers that look like the same person, group by group: why each
//! group matched, and each record's name, company, emails and phones.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::centered;
use super::widgets::{fit, fit_escaped};
use crate::i18n::{t, tf, tn};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::Mode;
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
        // Why they matched, and, when only a phone under different names
        // holds some of them together, a warning before a merge.
        let why = format!("{:>3}. {}", n + 1, reasons(group));
        lines.push(Line::from(Span::styled(fit(&why, width), th.header)));
        if !group.certain {
            lines.push(Line::from(Span::styled(
                fit(&format!("     {}", t("dupes.possible")), width),
                th.warning,
            )));
        }
        for (i, id) in group.ids.iter().enumerate() {
            let Some(r) = app.roster.get(*id) else { continue };
            let here = n == d.selected && i == d.record;
            if here {
                selected_line = lines.len();
            }
            let mut who = format!("{}{}", if here { "   ▸ " } else { "     " }, r.name);
            if !r.company.is_empty() {
                who.push_str(" · ");
                who.push_str(&r.company);
            }
            if here {
                who.push_str(&format!(" ({})", t("dupes.keeps")));
            }
            let mut line = Line::from(Span::styled(fit_escaped(&who, width), th.text));
            if here {
                line = line.style(th.selected);
            }
            lines.push(line);
            if let Some(c) = d.people.get(id) {
                let contact: Vec<String> = c.emails.iter().chain(&c.phones).cloned().collect();
                if !contact.is_empty() {
                    let text = format!("       {}", contact.join(" · "));
                    lines.push(Line::from(Span::styled(fit_escaped(&text, width), th.muted)));
                }
            }
        }
    }
    lines.push(Line::default());
    let key = |mode, action| app.keymap.label_for(mode, action);
    let hint = tf(
        "dupes.hint",
        &[
            ("accept", &key(Mode::Input, Action::Accept)),
            ("not", &key(Mode::Duplicates, Action::NotDuplicates)),
            ("clear", &key(Mode::Input, Action::Clear)),
        ],
    );
    // One line when it fits, else one line per key.
    let parts: Vec<&str> = if hint.width() <= width {
        vec![hint.as_str()]
    } else {
        hint.split(" · ").collect()
    };
    for part in parts {
        lines.push(Line::from(Span::styled(fit(part, width), th.muted)));
    }
    let height = inner.height as usize;
    let scroll = selected_line
        .saturating_sub(height / 2)
        .min(lines.len().saturating_sub(height));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}

/// Why a group's records matched: "same email, same phone".
fn reasons(group: &crate::domain::duplicates::Group) -> String {
    let words: Vec<&str> = group
        .reasons
        .iter()
        .map(|r| t(&format!("dupes.reason.{}", r.key())))
        .collect();
    crate::i18n::list(&words)
}
