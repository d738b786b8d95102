//! The current time, which tests and demos may pin with `GUANXI_NOW`
//! (RFC 3339) so that dates in their output are reproducible.

use chrono::{DateTime, Local, NaiveDate, Utc};

#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    fixed: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock { fixed: Some(at) }
    }

    /// `GUANXI_NOW` when set and valid, the system clock otherwise.
    pub fn from_env() -> Clock {
        std::env::var("GUANXI_NOW")
            .ok()
            .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
            .map(|t| Clock::fixed(t.with_timezone(&Utc)))
            .unwrap_or_default()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }

    pub fn now_ms(&self) -> i64 {
        self.now().timestamp_millis()
    }

    /// Today in the user's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Local).date_naive()
    }
}
