//! Days as a capture writes them: when it happened, and when to follow up.

use chrono::{Datelike, Days, NaiveDate};

use super::trim_punctuation;
use super::words::{VOCABULARY, WEEKDAYS_EN, Word};

/// `+3d`, `+2w`, `+1m` (30 days), or `+` and a day: `+friday` (the next
/// one), `+tomorrow`, `+2026-12-01`, `+20/11` (the next 20 November).
pub(super) fn follow_up_token(token: &str, today: NaiveDate) -> Option<NaiveDate> {
    let rest = trim_punctuation(token).strip_prefix('+')?.to_lowercase();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < rest.len() {
        let (number, unit) = rest.split_at(digits);
        let n: u64 = number.parse().ok()?;
        let days = match unit {
            "d" => n,
            "w" => n.checked_mul(7)?,
            "m" => n.checked_mul(30)?,
            _ => return date_token(&rest, today, Direction::Ahead),
        };
        if days > 36_500 {
            return None;
        }
        return today.checked_add_days(Days::new(days));
    }
    if let Some(day) = WEEKDAYS_EN.iter().position(|d| *d == rest) {
        let ahead = (day as i64 - today.weekday().num_days_from_monday() as i64 + 6).rem_euclid(7) + 1;
        return today.checked_add_days(Days::new(ahead as u64));
    }
    match VOCABULARY.get(&rest) {
        Some(Word::Ahead(days)) => today.checked_add_days(Days::new(*days)),
        Some(Word::NextWeekday(day)) => weekday_of_next_week(*day, today),
        _ => date_token(&rest, today, Direction::Ahead),
    }
}

/// Which way a date written without its year points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Direction {
    /// When something happened: today or before.
    Past,
    /// When to follow up: today or after.
    Ahead,
}

/// `2026-11-20`, `20/11/2026`, `20/11`, `11月20日`, `2026年11月20日`.
pub(super) fn date_token(token: &str, today: NaiveDate, direction: Direction) -> Option<NaiveDate> {
    if let Ok(d) = NaiveDate::parse_from_str(token, "%Y-%m-%d") {
        return Some(d);
    }
    let numbers = |s: &str, sep: &[char]| -> Option<Vec<u32>> {
        let parts: Vec<&str> = s.split(sep).collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()))
        {
            return None;
        }
        parts.iter().map(|p| p.parse().ok()).collect()
    };
    let (day, month, year) = if token.contains('/') {
        match numbers(token, &['/'])?.as_slice() {
            [d, m] => (*d, *m, None),
            [d, m, y] if *y >= 1000 => (*d, *m, Some(*y as i32)),
            _ => return None,
        }
    } else if token.contains('月') {
        let body = token.trim_end_matches(['日', '号']);
        let (year, md) = match body.split_once('年') {
            Some((y, md)) => (Some(numbers(y, &[])?.first().copied()? as i32), md),
            None => (None, body),
        };
        match numbers(md, &['月'])?.as_slice() {
            [m, d] => (*d, *m, year),
            _ => return None,
        }
    } else {
        return None;
    };
    if let Some(y) = year {
        return NaiveDate::from_ymd_opt(y, month, day);
    }
    let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
    match direction {
        Direction::Past => match this_year {
            Some(d) if d <= today => Some(d),
            _ => NaiveDate::from_ymd_opt(today.year() - 1, month, day).or_else(|| this_year.filter(|d| *d <= today)),
        },
        Direction::Ahead => match this_year {
            Some(d) if d >= today => Some(d),
            _ => NaiveDate::from_ymd_opt(today.year() + 1, month, day),
        },
    }
}

/// The latest `day` (0 = Monday) on or before today.
pub(super) fn latest_weekday(day: u32, today: NaiveDate) -> Option<NaiveDate> {
    let back = (today.weekday().num_days_from_monday() + 7 - day) % 7;
    today.checked_sub_days(Days::new(u64::from(back)))
}

/// `day` (0 = Monday) of the week after this one.
pub(super) fn weekday_of_next_week(day: u32, today: NaiveDate) -> Option<NaiveDate> {
    let ahead = 7 - today.weekday().num_days_from_monday() + day;
    today.checked_add_days(Days::new(u64::from(ahead)))
}
