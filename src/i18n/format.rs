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

/// A figure to one decimal, with the language's decimal mark; `signed`
/// shows its sign (a gap against a promise).
pub fn one_decimal(x: f64, signed: bool) -> String {
    let text = if signed { format!("{x:+.1}") } else { format!("{x:.1}") };
    text.replace('.', t("format.decimal"))
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

/// Items as the language lists them: "same email, same phone" in
/// English, "邮箱相同、电话相同" in Chinese.
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    items.join(t("format.list"))
}

/// A customer's loyalty tier as the detail shows it: `Gold (by rule) ·
/// relationship price: 5% off`; no price when the tier gives none.
pub fn tier_line(tier: &crate::domain::Tier) -> String {
    let source = match tier.source {
        crate::domain::TierSource::Rule => t("detail.tier_rule"),
        crate::domain::TierSource::Manual => t("detail.tier_manual"),
    };
    let mut out = super::tf("detail.tier_named", &[("tier", &tier.name), ("source", &source)]);
    if let Some(d) = tier.discount.filter(|d| *d > 0.0) {
        let percent = crate::domain::tier::percent(d).replace('.', t("format.decimal"));
        out.push_str(" · ");
        out.push_str(&super::tf("detail.tier_price", &[("discount", &percent)]));
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

/// Money cut short to fit a narrow column: `273k`, `1.2M` in English,
/// `1,2 tr` in Vietnamese, `1.2万` in Chinese (each language's own
/// steps, from `format.compact`), the currency sign where `money` puts
/// it. Amounts under the first step are shown whole, without cents.
pub fn money_short(m: Money) -> String {
    let c = currency();
    let units = m.hundredths() / 100;
    let sign = if units < 0 { "-" } else { "" };
    let whole = units.unsigned_abs();
    // "1000=k;1000000=M": the largest step not above the amount.
    let step = t("format.compact")
        .split(';')
        .filter_map(|s| s.split_once('='))
        .filter_map(|(n, suffix)| n.parse::<u64>().ok().map(|n| (n, suffix)))
        .filter(|(n, _)| *n > 1 && whole >= *n)
        .max_by_key(|(n, _)| *n);
    let out = match step {
        None => group(&whole.to_string(), sign),
        Some((n, suffix)) => {
            // One decimal under ten of a step (1.2M), none above (273k).
            let tenths = (whole * 10 + n / 2) / n;
            let number = if tenths < 100 && !tenths.is_multiple_of(10) {
                format!("{}{}{}", tenths / 10, t("format.decimal"), tenths % 10)
            } else {
                group(&((whole + n / 2) / n).to_string(), "")
            };
            format!("{sign}{number}{suffix}")
        }
    };
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
    fn short_money_fits_a_column() {
        // The currency is the process's (unset in tests: no sign).
        set_thread_language(Lang::En);
        assert_eq!(money_short(Money::from_units(950)), "950");
        assert_eq!(money_short(Money::from_units(273_400)), "273k");
        assert_eq!(money_short(Money::from_units(2_990_147)), "3M");
        assert_eq!(money_short(Money::from_units(1_249_000)), "1.2M");
        assert_eq!(money_short(Money::from_units(12_450_000_000)), "12B");
        assert_eq!(money_short(Money::from_units(-45_600)), "-46k");
        set_thread_language(Lang::Vi);
        assert_eq!(money_short(Money::from_units(1_249_000)), "1,2 tr");
        assert_eq!(money_short(Money::from_units(3_500_000_000)), "3,5 tỷ");
        set_thread_language(Lang::Zh);
        assert_eq!(money_short(Money::from_units(12_345)), "1.2万");
        assert_eq!(money_short(Money::from_units(273_400_000)), "2.7亿");
        assert_eq!(money_short(Money::from_units(5_300_000)), "530万");
        set_thread_language(Lang::En);
    }

    #[test]
    fn currencies() {
        let vnd = Currency::from_code("vnd");
        assert_eq!((vnd.symbol.as_str(), vnd.before, vnd.decimals), ("₫", false, 0));
        let cny = Currency::from_code("CNY");
        assert_eq!((cny.symbol.as_str(), cny.before, cny.decimals), ("¥", true, 2));
        assert_eq!(Currency::from_code("XAU").symbol, "XAU");
    }

    #[test]
    fn a_tier_says_where_it_comes_from_and_its_price_the_languages_way() {
        use crate::domain::{Tier, TierSource};
        let gold = Tier {
            name: "Gold".into(),
            source: TierSource::Rule,
            discount: Some(2.5),
        };
        set_thread_language(Lang::En);
        assert_eq!(tier_line(&gold), "Gold (by rule) · relationship price: 2.5% off");
        set_thread_language(Lang::Vi);
        assert_eq!(tier_line(&gold), "Gold (theo quy tắc) · giá quan hệ: giảm 2,5%");
        set_thread_language(Lang::Zh);
        let partner = Tier {
            name: "Partner".into(),
            source: TierSource::Manual,
            discount: None,
        };
        assert_eq!(tier_line(&partner), "Partner（手动设定）");
        let free = Tier {
            discount: Some(0.0),
            ..partner
        };
        assert_eq!(tier_line(&free), "Partner（手动设定）", "no price when nothing is off");
    }
}
