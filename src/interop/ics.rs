//! iCalendar (RFC 5545) for calendar apps: follow-ups as to-dos (VTODO)
//! and logged meetings as events (VEVENT).

use crate::domain::dates::from_millis;
use crate::domain::{Channel, Customer, FollowUp, Interaction};

/// How long a logged meeting shows in a calendar.
const MEETING_MINUTES: i64 = 60;

fn stamp(ms: i64) -> String {
    from_millis(ms).format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

/// The calendar: every follow-up of `items` as a to-do, and every meeting
/// as an event. `now_ms` stamps the file.
pub fn write(items: &[(Customer, Vec<FollowUp>, Vec<Interaction>)], now_ms: i64) -> String {
    let mut out = String::new();
    let mut line = |s: String| fold(&s, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//guanxi//guanxi//EN".into());
    line("CALSCALE:GREGORIAN".into());
    for (c, follow_ups, interactions) in items {
        let who = c.display_name();
        for f in follow_ups.iter().filter(|f| !f.deleted) {
            line("BEGIN:VTODO".into());
            line(format!("UID:follow-up-{}@guanxi", f.id));
            line(format!("DTSTAMP:{}", stamp(now_ms)));
            line(format!("CREATED:{}", stamp(f.created_at)));
            line(format!("DUE;VALUE=DATE:{}", f.due_date().format("%Y%m%d")));
            line(format!("SUMMARY:{}", text(&format!("{} — {}", f.what, who))));
            line(format!(
                "DESCRIPTION:{}",
                text(&format!("{who}\n{}", c.emails.join(", ")))
            ));
            match f.done_at {
                Some(done) => {
                    line("STATUS:COMPLETED".into());
                    line(format!("COMPLETED:{}", stamp(done)));
                }
                None => line("STATUS:NEEDS-ACTION".into()),
            }
            line("END:VTODO".into());
        }
        for i in interactions
            .iter()
            .filter(|i| i.channel == Channel::Meeting && !i.deleted)
        {
            line("BEGIN:VEVENT".into());
            line(format!("UID:meeting-{}@guanxi", i.id));
            line(format!("DTSTAMP:{}", stamp(now_ms)));
            line(format!("DTSTART:{}", stamp(i.at)));
            line(format!("DTEND:{}", stamp(i.at + MEETING_MINUTES * 60_000)));
            line(format!("SUMMARY:{}", text(&format!("{} — {}", i.summary, who))));
            let details: Vec<&str> = [i.outcome.as_str(), i.body.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            if !details.is_empty() {
                line(format!("DESCRIPTION:{}", text(&details.join("\n"))));
            }
            line("END:VEVENT".into());
        }
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::date_to_days;
    use crate::domain::{CustomerId, FollowUpId, InteractionId};

    #[test]
    fn follow_ups_become_todos_and_meetings_events() {
        let mut c = Customer::empty(CustomerId(1));
        c.name = "Nguyễn Thị Hồng Nhung".into();
        let mut f = FollowUp::empty(FollowUpId(2), c.id);
        f.due = date_to_days(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        f.what = "Gửi báo giá; kèm catalogue, bản mới".into();
        let mut m = Interaction::empty(InteractionId(3), c.id);
        m.channel = Channel::Meeting;
        m.at = 1_790_000_000_000;
        m.summary = "Gặp tại văn phòng".into();
        let mut call = m.clone();
        call.channel = Channel::Call;
        let ics = write(&[(c, vec![f], vec![m, call])], 1_790_000_000_000);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.contains("BEGIN:VTODO\r\n"));
        assert!(ics.contains("DUE;VALUE=DATE:20261201\r\n"));
        assert!(ics.contains("Gửi báo giá\\; kèm catalogue\\, bản mới"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "only meetings are events");
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
    }
}
