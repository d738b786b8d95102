//! The tab row at the top, the status bar and the key hints at the bottom.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::i18n::{t, tf, tn};
use crate::tui::app::{App, Pane, Tone};
use crate::tui::keymap::Mode;

/// The tab row. When the panes' names do not fit the width (Vietnamese
/// at 80 columns), the panes not in view show their key alone, so every
/// pane keeps a tab.
pub fn tabs(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let brand = " 关系 guanxi ";
    let mut tabs: Vec<(bool, String, String)> = Vec::new();
    for pane in Pane::ALL.iter() {
        let active = *pane == app.pane && !app.welcome();
        let mut label = format!(" {} {} ", pane.number(), t(&format!("pane.{}", pane.key())));
        // The pipeline has no title of its own: its tab counts the cards.
        if *pane == Pane::Pipeline && app.pane == Pane::Pipeline && !app.welcome() {
            let shown = app.table.visible.len();
            let count = if app.filtering() || app.mine_only || app.list.is_some() {
                tf("pane.shown_of", &[("shown", &shown), ("total", &app.roster.len())])
            } else {
                shown.to_string()
            };
            // The saved list in force names itself on the board's tab.
            let count = match &app.list {
                Some(list) => tf(
                    "pane.with_list",
                    &[("name", &crate::domain::escape::escape(&list.name)), ("count", &count)],
                ),
                None => count,
            };
            label = format!("{}· {count} ", label);
        }
        tabs.push((active, label, format!(" {} ", pane.number())));
    }
    let width = |short: bool| -> usize {
        brand.width()
            + tabs
                .iter()
                .map(|(active, label, key)| 1 + if short && !active { key.width() } else { label.width() })
                .sum::<usize>()
    };
    let short = width(false) > usize::from(area.width);
    let mut spans = vec![Span::styled(brand, th.title)];
    let mut x = area.x.saturating_add(brand.width() as u16);
    for (pane, (active, label, key)) in Pane::ALL.into_iter().zip(tabs) {
        spans.push(Span::styled("│", th.border));
        let style = if active { th.tab_active } else { th.tab };
        let shown = if short && !active { key } else { label };
        // A click on the tab shows its pane (`crate::tui::mouse`).
        let x0 = x.saturating_add(1);
        x = x0.saturating_add(shown.width() as u16);
        let right = x.min(area.right());
        app.hit(
            Rect::new(x0.min(right), area.y, right - x0.min(right), 1),
            crate::tui::mouse::Spot::Tab(pane),
        );
        spans.push(Span::styled(shown, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn status_bar(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    frame.render_widget(Paragraph::new("").style(th.status_bar), area);
    let ws = &app.store.workspace().meta.name;
    let mut left = format!(
        " {} · {} · {}",
        ws,
        app.store.author(),
        tn("status.customers", app.roster.len(), &[])
    );
    if app.mine_only {
        left.push_str(&format!(" · {}", t("status.mine_filter")));
    }
    if let Some(list) = &app.list {
        left.push_str(&format!(" · {}", tf("status.list_filter", &[("name", &list.name)])));
    }
    if app.kept_locally > 0 {
        left.push_str(&format!(" · {}", tn("status.kept_locally", app.kept_locally, &[])));
    } else {
        left.push_str(&format!(" · {}", t("status.saved")));
    }
    if app.teammates.arrived > 0 {
        left.push_str(&format!(" · {}", tn("status.arrived", app.teammates.arrived, &[])));
    }
    left.push(' ');
    let mut room = area.width as usize;
    if let Some(m) = &app.message {
        let style = match m.tone {
            Tone::Info => th.status_bar,
            Tone::Success => th.status_bar.patch(th.success),
            Tone::Error => th.status_bar.patch(th.error),
        };
        // The message gets what it needs, up to two thirds of the row.
        let most = (area.width as usize * 2 / 3).max(1);
        let whole = crate::domain::escape::escape(&m.text);
        let text = if unicode_width::UnicodeWidthStr::width(whole.as_ref()) + 2 <= most {
            format!(" {whole} ")
        } else {
            // Cut: the key that shows it whole follows.
            let key = app
                .keymap
                .label_for(crate::tui::keymap::Mode::Global, crate::tui::action::Action::Messages);
            let more = crate::i18n::tf("status.more", &[("key", &key)]);
            let room = most.saturating_sub(3 + unicode_width::UnicodeWidthStr::width(more.as_str()));
            format!(" {} {more} ", crate::domain::text::fit(&whole, room))
        };
        room = room.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
        frame.render_widget(Paragraph::new(text).style(style).alignment(Alignment::Right), area);
    }
    let left = crate::domain::text::fit_escaped(&left, room);
    frame.render_widget(
        Paragraph::new(left).style(th.status_bar),
        Rect {
            width: room as u16,
            ..area
        },
    );
}

pub fn footer(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let mut hints: Vec<(String, String, bool)> = app
        .hints()
        .into_iter()
        .filter_map(|hint| {
            let keys = app.keymap.label_for(hint.mode, hint.action);
            let always = hint.mode == Mode::Global;
            (!keys.is_empty()).then(|| (keys, hint.text(), always))
        })
        .collect();
    // Drop hints from the end of the contextual ones until all fit; the
    // global ones (help, commands, quit) always stay.
    let width = |h: &[(String, String, bool)]| -> usize {
        1 + h
            .iter()
            .map(|(k, d, _)| {
                unicode_width::UnicodeWidthStr::width(k.as_str())
                    + 1
                    + unicode_width::UnicodeWidthStr::width(d.as_str())
                    + 2
            })
            .sum::<usize>()
    };
    while width(&hints) > area.width as usize {
        match hints.iter().rposition(|h| !h.2) {
            Some(i) => {
                hints.remove(i);
            }
            None => break,
        }
    }
    let mut spans = vec![Span::raw(" ")];
    for (keys, text, _) in hints {
        spans.push(Span::styled(keys, th.footer_key));
        spans.push(Span::styled(format!(" {text}  "), th.footer_text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
