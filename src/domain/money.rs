//! Amounts of money, kept exactly as hundredths of the workspace currency.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Serialize};

use super::error::InputError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash, Serialize, Deserialize)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_units(units: i64) -> Money {
        Money(units.saturating_mul(100))
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    pub fn from_f64(v: f64) -> Money {
        Money((v * 100.0).round() as i64)
    }

    /// Parses what a user types: `1500000`, `12.5`, `1,500,000.50`,
    /// `1.500.000` or `1.500.000,50` (Vietnamese grouping), `-20` for a
    /// refund. A separator followed by one or two digits is the decimal
    /// point; one followed by groups of three digits groups thousands.
    pub fn parse(s: &str) -> Result<Money, InputError> {
        let bad = || InputError::BadAmount(s.trim().to_string());
        let compact: String = s.chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
        let (negative, body) = match compact.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, compact.as_str()),
        };
        if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
            return Err(bad());
        }
        let (whole, fraction) = match body.rfind(['.', ',']) {
            Some(pos) if matches!(body.len() - pos - 1, 1 | 2) => (&body[..pos], &body[pos + 1..]),
            _ => (body, ""),
        };
        let mut groups = whole.split(['.', ',']);
        let first = groups.next().unwrap_or("");
        if first.is_empty() {
            return Err(bad());
        }
        let mut digits = first.to_string();
        let mut separators = whole.chars().filter(|c| !c.is_ascii_digit());
        if let Some(sep) = separators.next()
            && (separators.any(|c| c != sep) || fraction_separator_clashes(body, sep, fraction))
        {
            return Err(bad());
        }
        for g in groups {
            if g.len() != 3 {
                return Err(bad());
            }
            digits.push_str(g);
        }
        let whole_value: i64 = digits.parse().map_err(|_| bad())?;
        let cents: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| bad())? * 10,
            _ => fraction.parse().map_err(|_| bad())?,
        };
        let total = whole_value
            .checked_mul(100)
            .and_then(|v| v.checked_add(cents))
            .ok_or_else(bad)?;
        Ok(Money(if negative { -total } else { total }))
    }
}

/// `1,500.50` and `1.500,50` are fine; `1.500.50` (same mark for both) is not.
fn fraction_separator_clashes(body: &str, group_sep: char, fraction: &str) -> bool {
    !fraction.is_empty() && body[..body.len() - fraction.len() - 1].contains(group_sep) && {
        let decimal = body.as_bytes()[body.len() - fraction.len() - 1] as char;
        decimal == group_sep
    }
}

impl fmt::Display for Money {
    /// Plain and unambiguous: `1500000`, `12.50`, `-3.05`. Grouping and the
    /// currency symbol belong to the locale layer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (units, cents) = (abs / 100, abs % 100);
        if cents == 0 {
            write!(f, "{sign}{units}")
        } else {
            write!(f, "{sign}{units}.{cents:02}")
        }
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<i64> {
        Money::parse(s).ok().map(|m| m.0)
    }

    #[test]
    fn parses_common_forms() {
        assert_eq!(p("1500000"), Some(150_000_000));
        assert_eq!(p("12.5"), Some(1250));
        assert_eq!(p("12.50"), Some(1250));
        assert_eq!(p("12,50"), Some(1250));
        assert_eq!(p("1,500,000.50"), Some(150_000_050));
        assert_eq!(p("1.500.000"), Some(150_000_000));
        assert_eq!(p("1.500.000,50"), Some(150_000_050));
        assert_eq!(p("1 500 000"), Some(150_000_000));
        assert_eq!(p("-20"), Some(-2000));
        assert_eq!(p("0"), Some(0));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "abc",
            "12.3.4",
            "1,50,000",
            ".5",
            "1.500.50",
            "--1",
            "1e6",
            "99999999999999999999",
        ] {
            assert_eq!(p(bad), None, "{bad} should be rejected");
        }
    }

    #[test]
    fn displays_plainly() {
        assert_eq!(Money(150_000_000).to_string(), "1500000");
        assert_eq!(Money(1250).to_string(), "12.50");
        assert_eq!(Money(-305).to_string(), "-3.05");
    }
}
