//! Checks on contact data typed by a user or read from a file. Each returns
//! the cleaned value (NFC, trimmed) or says what is wrong with it.

use super::error::InputError;
use super::text::{clean, clean_nonempty};

pub fn name(s: &str) -> Result<String, InputError> {
    clean_nonempty(s).ok_or(InputError::EmptyName)
}

/// Deliberately loose: one `@` with something on both sides and no spaces.
/// Real addresses are too varied for anything stricter to be safe.
pub fn email(s: &str) -> Result<String, InputError> {
    let e = clean(s);
    let valid = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !e.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(e)
    } else {
        Err(InputError::BadEmail(s.trim().to_string()))
    }
}

/// Digits with the usual decoration (`+84 912 345 678`, `(028) 3823-1234`,
/// `ext. 12`); at least three digits.
pub fn phone(s: &str) -> Result<String, InputError> {
    let p = clean(s);
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " +-().,/#*xXext.".contains(c);
    if digits >= 3 && p.chars().all(allowed) {
        Ok(p)
    } else {
        Err(InputError::BadPhone(s.trim().to_string()))
    }
}

/// Tags are single words, kept as typed except for case: `VIP` and `vip`
/// are one tag.
pub fn tag(s: &str) -> Result<String, InputError> {
    let t = clean(s).to_lowercase();
    if t.is_empty() || t.chars().any(|c| c.is_whitespace() || c == ',') {
        Err(InputError::BadTag(s.trim().to_string()))
    } else {
        Ok(t)
    }
}

/// Splits a comma-separated list and validates each item; empty items are
/// skipped so `a,,b` and a trailing comma are harmless.
pub fn list(s: &str, item: fn(&str) -> Result<String, InputError>) -> Result<Vec<String>, InputError> {
    s.split(',').filter(|p| !p.trim().is_empty()).map(item).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name("  Lý Tiểu Long ").unwrap(), "Lý Tiểu Long");
        assert_eq!(name("   "), Err(InputError::EmptyName));
    }

    #[test]
    fn emails() {
        assert_eq!(email(" an@minhphat.vn ").unwrap(), "an@minhphat.vn");
        for bad in ["", "an", "@x", "an@", "a b@x.vn", "a@b@c"] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert!(phone("+84 912 345 678").is_ok());
        assert!(phone("(028) 3823-1234 ext. 12").is_ok());
        for bad in ["", "12", "call me", "0912;drop"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_and_lists() {
        assert_eq!(tag("VIP").unwrap(), "vip");
        assert_eq!(tag("tết").unwrap(), "tết");
        assert!(tag("two words").is_err());
        assert_eq!(list("a@x.vn, b@y.cn,", email).unwrap(), vec!["a@x.vn", "b@y.cn"]);
        assert!(list("a@x.vn, nope", email).is_err());
    }
}
