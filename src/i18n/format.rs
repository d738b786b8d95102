//! Dates, numbers and money as each language writes them. The patterns
//! live in the catalogues (`format.*`), so a language is a file, not code.

use std::sync::OnceLock;

use chrono::{Local, NaiveDate};

use super::t;
use crate::domain::Money;
use crate::domain::dates::from_millis;

/// The workspace's currency, from the config file (`currency = "VND"`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Currency {
    symbol: String,
    /// The symbol goes before the amount ($12), else after (12 ₫).
    before: bool,
    /// Digits after the decimal mark.
    decimals: u8,
}

impl Currency {
    /// A currency by ISO code; unknown codes are written after the amount.
    pub fn from_code(code: &str) -> Currency {
        let code = code.trim().to_uppercase();
        let (symbol, before, decimals) = match code.as_str() {
            "" => ("", false, 2),
            "VND" => ("₫", false, 0),
            "CNY" | "RMB" => ("¥", true, 2),
            "JPY" => ("¥", true, 0),
            "USD" => ("$", true, 2),
            "EUR" => ("€", false, 2),
            "GBP" => ("£", true, 2),
            "SGD" => ("S$", true, 2),
            "HKD" => ("HK$", true, 2),
            "TWD" => ("NT$", true, 0),
            "THB" => ("฿", true, 2),
            "KRW" => ("₩", true, 0),
            other => {
                return Currency {
                    symbol: other.to_string(),
                    before: false,
                    decimals: 2,
                };
            }
        };
        Currency {
            symbol: symbol.to_string(),
            before,
            decimals,
        }
    }
}

static CURRENCY: OnceLock<Currency> = OnceLock::new();

/// Sets the currency money is shown in (call once, at start).
pub fn set_currency(c: Currency) {
    let _ = CURRENCY.set(c);
}

fn currency() -> &'static Currency {
    CURRENCY.get_or_init(Currency::default)
}

/// A whole number with the language's thousands separator.
pub fn number(n: i64) -> String {
    group(&n.unsigned_abs().to_string(), if n < 0 { "-" } else { "" })
}

fn group(digits: &str, sign: &str) -> String {
    let sep = t("format.thousands");
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// Money in the workspace currency, grouped the language's way:
/// `1,500,000 ₫` in English, `1.500.000 ₫` in Vietnamese, `¥1,250.50`.
pub fn money(m: Money) -> String {
    let c = currency();
    let hundredths = m.hundredths().unsigned_abs();
    let sign = if m.hundredths() < 0 { "-" } else { "" };
    let units = hundredths / 100;
    let cents = hundredths % 100;
    let mut out = group(&units.to_string(), sign);
    let decimals = if c.symbol.is_empty() {
        u8::from(cents != 0) * 2
    } else {
        c.decimals
    };
    if decimals > 0 {
        out.push_str(t("format.decimal"));
        out.push_str(&format!("{cents:02}"));
    }
    match (c.symbol.as_str(), c.before) {
        ("", _) => out,
        (s, true) => format!("{s}{out}"),
        (s, false) => format!("{out} {s}"),
    }
}

/// How far `due` is from `today`, in words: "today", "in 3 days",
/// "2 days overdue".
pub fn relative(due: NaiveDate, today: NaiveDate) -> String {
    match (due - today).num_days() {
        0 => t("when.today").to_string(),
        1 => t("when.tomorrow").to_string(),
        d if d < 0 => super::tn("when.overdue", -d, &[("days", &-d)]),
        d => super::tn("when.in_days", d, &[("days", &d)]),
    }
}

/// A day, short (tables): `2026-11-22`, `22/11/2026`.
pub fn date(d: NaiveDate) -> String {
    d.format(t("format.date")).to_string()
}

/// A moment in the user's time zone: `2026-11-22 09:30`, `22/11/2026 09:30`.
pub fn datetime(ms: i64) -> String {
    from_millis(ms)
        .with_timezone(&Local)
        .format(t("format.datetime"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, set_thread_language};

    #[test]
    fn numbers_and_dates_per_language() {
        set_thread_language(Lang::Vi);
        assert_eq!(number(1_500_000), "1.500.000");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()), "02/11/2026");
        set_thread_language(Lang::En);
        assert_eq!(number(-1_500_000), "-1,500,000");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()), "2026-11-02");
        set_thread_language(Lang::Zh);
        assert_eq!(number(12_345), "12,345");
    }

    #[test]
    fn currencies() {
        let vnd = Currency::from_code("vnd");
        assert_eq!((vnd.symbol.as_str(), vnd.before, vnd.decimals), ("₫", false, 0));
        let cny = Currency::from_code("CNY");
        assert_eq!((cny.symbol.as_str(), cny.before, cny.decimals), ("¥", true, 2));
        assert_eq!(Currency::from_code("XAU").symbol, "XAU");
    }
}
