//! Dates and times as users type them, resolved against a given "now" so
//! the rules stay pure and testable.

use chrono::{DateTime, Datelike, Days, Local, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use super::error::InputError;

/// Parses a due date: `2026-03-01`, `today`, `tomorrow`, `yesterday`,
/// `+3d`, `+2w`, `+1m` (30 days), or a weekday name meaning the next one.
pub fn parse_date(s: &str, today: NaiveDate) -> Result<NaiveDate, InputError> {
    let t = s.trim().to_lowercase();
    let bad = || InputError::BadDate {
        value: s.trim().to_string(),
    };
    let add = |days: u64| today.checked_add_days(Days::new(days)).ok_or_else(bad);
    match t.as_str() {
        "today" => return Ok(today),
        "tomorrow" => return add(1),
        "yesterday" => return today.checked_sub_days(Days::new(1)).ok_or_else(bad),
        _ => {}
    }
    if let Some(rest) = t.strip_prefix('+') {
        let (number, unit) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len()));
        let n: u64 = number.parse().map_err(|_| bad())?;
        let days = match unit {
            "" | "d" => n,
            "w" => n.checked_mul(7).ok_or_else(bad)?,
            "m" => n.checked_mul(30).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        if days > 36_500 {
            return Err(bad());
        }
        return add(days);
    }
    if let Some(weekday) = parse_weekday(&t) {
        let ahead = (7 + weekday - today.weekday().num_days_from_monday() as i64 - 1) % 7 + 1;
        return add(ahead as u64);
    }
    NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| bad())
}

/// The days of the week in English, from Monday.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn parse_weekday(s: &str) -> Option<i64> {
    if s.len() < 3 {
        return None;
    }
    WEEKDAYS.iter().position(|d| d.starts_with(s)).map(|i| i as i64)
}

/// Parses when something happened: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` or
/// `YYYY-MM-DDTHH:MM` in the given time zone, `YYYY-MM-DD` (noon, so the
/// day survives any time-zone shift), `now`, `today` (now), `yesterday`
/// (same time a day earlier).
pub fn parse_datetime<Tz: TimeZone>(s: &str, now: DateTime<Utc>, zone: &Tz) -> Result<DateTime<Utc>, InputError> {
    let t = s.trim();
    let bad = || InputError::BadDateTime { value: t.to_string() };
    match t.to_lowercase().as_str() {
        "now" | "today" => return Ok(now),
        "yesterday" => return now.checked_sub_days(Days::new(1)).ok_or_else(bad),
        _ => {}
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&Utc));
    }
    let naive = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .map(|d| d.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()))
    })
    .ok_or_else(bad)?;
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(dt) => Ok(dt.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        // In a daylight-saving gap the wall time does not exist; an hour later does.
        LocalResult::None => zone
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .map(|dt| dt.with_timezone(&Utc))
            .ok_or_else(bad),
    }
}

/// Milliseconds since the Unix epoch, the form instants take in the store.
pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The calendar day an instant falls on, in the user's time zone.
pub fn local_day(ms: i64) -> NaiveDate {
    from_millis(ms).with_timezone(&Local).date_naive()
}

/// The first instant of a local calendar day, milliseconds since the epoch.
pub fn local_midnight(day: NaiveDate) -> i64 {
    let midnight = day.and_time(NaiveTime::MIN);
    Local
        .from_local_datetime(&midnight)
        .earliest()
        // Where a daylight-saving change skips midnight, the day starts an hour later.
        .or_else(|| {
            Local
                .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.timestamp_millis())
        .unwrap_or_else(|| midnight.and_utc().timestamp_millis())
}

/// Days since 0001-01-01, the form dates take in the store.
pub fn date_to_days(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

pub fn days_to_date(days: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn relative_dates() {
        let today = day("2026-11-22"); // a Sunday
        assert_eq!(parse_date("today", today).unwrap(), today);
        assert_eq!(parse_date("Tomorrow", today).unwrap(), day("2026-11-23"));
        assert_eq!(parse_date("+3d", today).unwrap(), day("2026-11-25"));
        assert_eq!(parse_date("+2w", today).unwrap(), day("2026-12-06"));
        assert_eq!(parse_date("+10", today).unwrap(), day("2026-12-02"));
        assert_eq!(parse_date("2027-01-05", today).unwrap(), day("2027-01-05"));
        assert_eq!(parse_date("monday", today).unwrap(), day("2026-11-23"));
        assert_eq!(parse_date("sun", today).unwrap(), day("2026-11-29"));
    }

    #[test]
    fn bad_dates() {
        let today = day("2026-11-22");
        for s in [
            "",
            "2026-13-01",
            "2026-02-30",
            "next week",
            "+",
            "+3x",
            "+999999999999d",
            "mo",
        ] {
            assert!(parse_date(s, today).is_err(), "{s}");
        }
    }

    #[test]
    fn datetimes_in_a_zone() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let hanoi = FixedOffset::east_opt(7 * 3600).unwrap();
        let t = parse_datetime("2026-11-20 09:30", now, &hanoi).unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 11, 20, 2, 30, 0).unwrap());
        let t = parse_datetime("2026-11-20T09:30:00Z", now, &hanoi).unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap());
        let t = parse_datetime("2026-11-20", now, &hanoi).unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 11, 20, 5, 0, 0).unwrap());
        assert_eq!(parse_datetime("now", now, &hanoi).unwrap(), now);
        assert!(parse_datetime("yesterday-ish", now, &hanoi).is_err());
        assert!(parse_datetime("2026-11-20 25:00", now, &hanoi).is_err());
    }

    #[test]
    fn local_midnight_starts_the_day() {
        let d = day("2026-06-15");
        assert_eq!(local_day(local_midnight(d)), d);
        assert_eq!(local_day(local_midnight(d) - 1), day("2026-06-14"));
    }

    #[test]
    fn day_numbers_round_trip() {
        let d = day("2026-11-22");
        assert_eq!(days_to_date(date_to_days(d)), d);
        assert_eq!(
            from_millis(to_millis(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap())).timestamp(),
            1_767_323_045
        );
    }
}
