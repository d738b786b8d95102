//! Amounts as a capture writes them: `1.2tr`, `500k`, `$300`, `2万`.

use crate::domain::money::Money;

/// Words that multiply the number before them.
const MULTIPLIERS: &[(&str, i128)] = &[
    ("triệu", 1_000_000),
    ("nghìn", 1_000),
    ("ngàn", 1_000),
    ("tr", 1_000_000),
    ("tỷ", 1_000_000_000),
    ("tỉ", 1_000_000_000),
    ("k", 1_000),
    ("千", 1_000),
    ("万", 10_000),
    ("萬", 10_000),
    ("亿", 100_000_000),
];

/// Currency written after an amount (the amount is in the workspace's
/// currency whatever is written: these only say it is money).
const CURRENCY_AFTER: &[&str] = &["đồng", "vnđ", "vnd", "usd", "đ", "₫", "元", "块"];
const CURRENCY_BEFORE: &[char] = &['$', '¥', '￥', '€', '£', '₫'];

pub(super) fn is_unit(word: &str) -> bool {
    MULTIPLIERS.iter().any(|(m, _)| *m == word) || CURRENCY_AFTER.contains(&word)
}

/// An amount marked as one: a currency sign or word, or a multiplier
/// (`1.2tr`, `1tr5`, `500k`, `$300`, `2万`, `3.5万`, `1.200.000đ`). A bare
/// number is not one.
pub(super) fn amount(token: &str) -> Option<Money> {
    let lower = token.to_lowercase();
    let mut s = lower.as_str();
    let mut marked = false;
    if let Some(rest) = s.strip_prefix(CURRENCY_BEFORE) {
        s = rest;
        marked = true;
    }
    if let Some(rest) = CURRENCY_AFTER.iter().find_map(|c| s.strip_suffix(c)) {
        s = rest;
        marked = true;
    }
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    for (word, factor) in MULTIPLIERS {
        // `1.2tr`, or `1tr5` (1.5 million).
        if let Some((number, after)) = s.split_once(word)
            && after.chars().all(|c| c.is_ascii_digit())
        {
            let number = if after.is_empty() {
                number.to_string()
            } else if number.chars().all(|c| c.is_ascii_digit()) {
                format!("{number}.{after}")
            } else {
                return None;
            };
            return times(&number, *factor);
        }
    }
    if !marked {
        return None;
    }
    Money::parse(s).ok().filter(|m| m.0 >= 0)
}

/// `number` (digits, maybe one `.` or `,` and decimals) times `factor`,
/// exactly, in hundredths.
fn times(number: &str, factor: i128) -> Option<Money> {
    let (whole, fraction) = match number.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || whole.len() > 15 || fraction.len() > 6 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let scale = 10i128.pow(fraction.len() as u32);
    let value = whole.parse::<i128>().ok()? * scale + fraction.parse::<i128>().unwrap_or(0);
    let hundredths = (value * factor * 100 + scale / 2) / scale;
    i64::try_from(hundredths).ok().map(Money)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        let a = |s: &str| amount(s).map(|m| m.0);
        assert_eq!(a("1.2tr"), Some(120_000_000));
        assert_eq!(a("1,2tr"), Some(120_000_000));
        assert_eq!(a("0.5k"), Some(50_000));
        assert_eq!(a("$12.5"), Some(1_250));
        assert_eq!(a("1.5万元"), Some(1_500_000));
        assert_eq!(a("300"), None);
        assert_eq!(a("k"), None);
        assert_eq!(a("$"), None);
        assert_eq!(a("$-5"), None);
        assert_eq!(a("1.2.3tr"), None);
        assert_eq!(a("99999999999999999tr"), None);
    }
}
