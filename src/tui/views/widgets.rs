//! Small pieces the views share: labels from the catalogue, dates, money,
//! text cut to fit, gauges.

use chrono::NaiveDate;
use ratatui::style::Style;
use ratatui::text::Span;

use crate::domain::dates::from_millis;
use crate::domain::{Channel, Level, Money, Stage};
use crate::i18n::{t, tf};
use crate::tui::theme::Theme;

pub use crate::domain::text::fit;

pub fn stage_label(s: Stage) -> &'static str {
    t(&format!("stage.{}", s.key()))
}

pub fn level_label(l: Level) -> &'static str {
    t(&format!("level.{}", l.key()))
}

pub fn channel_label(c: Channel) -> &'static str {
    t(&format!("channel.{}", c.key()))
}

pub fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn local_time(ms: i64) -> String {
    from_millis(ms)
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn local_day(ms: i64) -> String {
    from_millis(ms)
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%d")
        .to_string()
}

/// "today", "tomorrow", "in 3 days", "2 days overdue".
pub fn relative(due: NaiveDate, today: NaiveDate) -> String {
    let days = (due - today).num_days();
    match days {
        0 => t("when.today").to_string(),
        1 => t("when.tomorrow").to_string(),
        d if d < 0 => tf("when.overdue", &[("days", &-d)]),
        d => tf("when.in_days", &[("days", &d)]),
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

/// Money with thousands grouped: `1,500,000`, `12.50`.
pub fn money(m: Money) -> String {
    let plain = m.to_string();
    let (sign, rest) = plain
        .strip_prefix('-')
        .map(|r| ("-", r))
        .unwrap_or(("", plain.as_str()));
    let (whole, fraction) = rest.split_once('.').map(|(w, f)| (w, Some(f))).unwrap_or((rest, None));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped() {
        assert_eq!(money(Money::from_units(1_500_000)), "1,500,000");
        assert_eq!(money(Money(123_456_789)), "1,234,567.89");
        assert_eq!(money(Money(-100_000)), "-1,000");
        assert_eq!(money(Money(5)), "0.05");
    }
}
