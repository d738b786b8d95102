//! Small pieces the views share: labels from the catalogue, dates, money,
//! text cut to fit, gauges.
//!
//! Every text from data (names, notes, what a file held, messages quoting
//! them) is escaped for the terminal before it is drawn: `escape` for a
//! whole text, `fit_escaped` to escape and cut to a width (never through an
//! escape). Text boxes show the value being edited with `escape_typed`.

use chrono::NaiveDate;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::domain::{Channel, Factor, Interaction, Level, SpinPart, Stage};
use crate::i18n::{t, tf};
use crate::tui::theme::Theme;

pub use crate::domain::escape::{escape, escape_lines};
pub use crate::domain::text::{fit, fit_escaped};

pub fn stage_label(s: Stage) -> &'static str {
    t(&format!("stage.{}", s.key()))
}

pub fn level_label(l: Level) -> &'static str {
    t(&format!("level.{}", l.key()))
}

pub fn channel_label(c: Channel) -> &'static str {
    t(&format!("channel.{}", c.key()))
}

/// The width of the longest channel label in the user's language, so a
/// column of channels lines up ("Mạng xã hội" is longer than "Call").
pub fn channel_width() -> usize {
    Channel::ALL
        .iter()
        .map(|c| channel_label(*c).width())
        .max()
        .unwrap_or(0)
}

pub fn day(d: NaiveDate) -> String {
    crate::i18n::date(d)
}

pub fn local_time(ms: i64) -> String {
    crate::i18n::datetime(ms)
}

pub fn local_day(ms: i64) -> String {
    crate::i18n::date(crate::domain::dates::local_day(ms))
}

pub use crate::i18n::{money, money_short, relative};

/// The priority segment's mark before a name (`★ Lan`).
pub use crate::domain::list_filter::priority_name;

/// The mark of a late contact, so it shows without colour (`NO_COLOR`):
/// `!` when `due` is overdue on `today`, else nothing.
pub fn overdue_mark(due: NaiveDate, today: NaiveDate) -> &'static str {
    if crate::domain::cadence::is_overdue(due, today) {
        "!"
    } else {
        ""
    }
}

/// The style that says how urgent a due date is.
pub fn due_style(theme: &Theme, due: NaiveDate, today: NaiveDate) -> Style {
    match (due - today).num_days() {
        d if d < 0 => theme.overdue,
        0 => theme.due_today,
        _ => theme.upcoming,
    }
}

/// What an interaction said beyond its one-line summary: the outcome,
/// how the experience compared with the promise, and the notes with their
/// own line breaks, wrapped to `width` columns under `indent` spaces. At
/// most `max` lines (the last one marked `…` when more were left out).
pub fn interaction_notes(
    theme: &Theme,
    i: &Interaction,
    width: usize,
    indent: usize,
    max: usize,
) -> Vec<Line<'static>> {
    let room = width.saturating_sub(indent).max(10);
    let pad = " ".repeat(indent);
    let mut lines: Vec<Line<'static>> = Vec::new();
    if !i.outcome.trim().is_empty() {
        for text in crate::domain::text::wrap(&tf("detail.outcome", &[("outcome", &i.outcome)]), room) {
            lines.push(Line::from(vec![Span::raw(pad.clone()), Span::styled(text, theme.text)]));
        }
    }
    if let Some(s) = i.satisfaction {
        let rating = t(&format!("satisfaction.{s}"));
        lines.push(Line::from(vec![
            Span::raw(pad.clone()),
            Span::styled(tf("detail.rated", &[("rating", &rating)]), theme.muted),
        ]));
    }
    for text in crate::domain::text::wrap(&i.body, room) {
        lines.push(Line::from(vec![Span::raw(pad.clone()), Span::styled(text, theme.text)]));
    }
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            last.spans.push(Span::styled(" …", theme.muted));
        }
    }
    lines
}

/// A 0-5 score as a small bar.
pub fn gauge<'a>(theme: &Theme, score: Option<u8>, width: usize) -> Vec<Span<'a>> {
    match score {
        Some(s) => {
            let filled = (usize::from(s.min(5)) * width).div_ceil(5);
            vec![
                Span::styled("━".repeat(filled), theme.gauge_filled),
                Span::styled("─".repeat(width - filled), theme.gauge_empty),
                Span::styled(format!(" {s}"), theme.text),
            ]
        }
        None => vec![
            Span::styled("─".repeat(width), theme.gauge_empty),
            Span::styled(" -", theme.muted),
        ],
    }
}

/// A popup's own line about its keys (`{accept}`, `{clear}`), with the
/// keys the keymap gives them, so a rebound key is the one it names.
pub fn accept_clear(app: &crate::tui::app::App, key: &str) -> String {
    use crate::tui::action::Action;
    use crate::tui::keymap::Mode;
    let accept = app.keymap.label_for(Mode::Input, Action::Accept);
    let clear = app.keymap.label_for(Mode::Input, Action::Clear);
    crate::i18n::tf(key, &[("accept", &accept), ("clear", &clear)])
}

/// A customer's field labels line up in one column as wide as the
/// longest of them in the user's language, within reason.
pub fn field_label_width() -> usize {
    const FIELDS: [&str; 17] = [
        "detail.stage",
        "detail.other_names",
        "detail.other_companies",
        "detail.next_contact",
        "detail.value",
        "field.customer.company",
        "field.customer.title",
        "field.customer.emails",
        "field.customer.phones",
        "field.customer.address",
        "field.customer.tags",
        "field.customer.segment",
        "field.customer.source",
        "detail.referred_by",
        "field.customer.owner",
        "field.customer.tier",
        "field.customer.notes",
    ];
    let factors = Factor::ALL.map(|f| format!("factor.{}", f.key()));
    let spin = SpinPart::ALL.map(|p| format!("spin.{}", p.key()));
    FIELDS
        .iter()
        .copied()
        .chain(factors.iter().map(String::as_str))
        .chain(spin.iter().map(String::as_str))
        .map(|k| t(k).width())
        .max()
        .unwrap_or(0)
        .clamp(12, 20)
        + 2
}
