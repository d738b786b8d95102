//! Checks on contact data typed by a user or read from a file. Each returns
//! the cleaned value (NFC, trimmed) or says what is wrong with it.
//!
//! Every text field has a size limit. A field is copied to every
//! teammate's journal and read on every start, so a value pasted or
//! imported by mistake (a 50 MB note) is refused rather than synced; the
//! limits are far above anything typed on purpose. Values arriving in a
//! teammate's journal are applied as they are: the limits are checked
//! where text comes in (the command line, the forms, imports).

use super::customer::{Customer, SpinPart};
use super::error::InputError;
use super::follow_up::FollowUp;
use super::interaction::Interaction;
use super::text::{clean, clean_nonempty};

/// Characters of a field that names or classifies: name, company, title,
/// one email, phone or tag, address, segment, source, owner, loyalty tier.
pub const LINE_LIMIT: usize = 1_000;
/// Characters of a list field (emails, phones, tags) altogether.
pub const LIST_LIMIT: usize = 10_000;
/// Characters of free text: notes, each SPIN note, an interaction's
/// summary, outcome and notes, what a follow-up promises.
pub const TEXT_LIMIT: usize = 100_000;
/// Characters of everything an import kept with a customer for lack of a
/// field (birthdays, photos as data URIs, unknown columns), together.
pub const EXTRA_LIMIT: usize = 1_000_000;

/// How much a field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Line,
    /// Comma-separated items, each a line.
    List,
    Text,
}

impl Size {
    /// `Ok` when `s` fits; else the error names `field` (the catalogue key
    /// of its label, `field.customer.notes`) and the limit.
    pub fn check(self, field: &str, s: &str) -> Result<(), InputError> {
        match self {
            Size::Line => within(field, s, LINE_LIMIT),
            Size::Text => within(field, s, TEXT_LIMIT),
            Size::List => {
                within(field, s, LIST_LIMIT)?;
                s.split(',').try_for_each(|item| within(field, item.trim(), LINE_LIMIT))
            }
        }
    }
}

/// `Ok` when `s` has at most `limit` characters.
pub fn within(field: &str, s: &str, limit: usize) -> Result<(), InputError> {
    // A character is at least a byte: most values need no counting.
    if s.len() <= limit {
        return Ok(());
    }
    let length = s.chars().count();
    if length <= limit {
        Ok(())
    } else {
        Err(InputError::TooLong {
            field: field.to_string(),
            limit,
            length,
        })
    }
}

/// Every text field of a customer read from a file within its limit.
pub fn customer_sizes(c: &Customer) -> Result<(), InputError> {
    let line = |key: &str, s: &str| within(&format!("field.customer.{key}"), s, LINE_LIMIT);
    line("name", &c.name)?;
    line("company", &c.company)?;
    line("title", &c.title)?;
    line("address", &c.address)?;
    line("segment", &c.segment)?;
    line("source", &c.source)?;
    line("owner", &c.owner)?;
    line("tier", &c.loyalty_tier)?;
    for (key, items) in [
        ("emails", c.emails.iter().collect::<Vec<_>>()),
        ("phones", c.phones.iter().collect()),
        ("tags", c.tags.iter().collect()),
    ] {
        for item in &items {
            line(key, item)?;
        }
        let total: usize = items.iter().map(|i| i.chars().count() + 2).sum();
        if total > LIST_LIMIT + 2 {
            within(&format!("field.customer.{key}"), &join(&items), LIST_LIMIT)?;
        }
    }
    within("field.customer.notes", &c.notes, TEXT_LIMIT)?;
    for part in SpinPart::ALL {
        within(&format!("field.customer.{}", part.key()), c.spin.get(part), TEXT_LIMIT)?;
    }
    let extra: usize = c.extra.iter().map(String::len).sum();
    if extra > EXTRA_LIMIT {
        within("field.customer.extra", &c.extra.concat(), EXTRA_LIMIT)?;
    }
    Ok(())
}

fn join(items: &[&String]) -> String {
    items.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// An interaction read from a file within its limits.
pub fn interaction_sizes(i: &Interaction) -> Result<(), InputError> {
    within("field.interaction.summary", &i.summary, TEXT_LIMIT)?;
    within("field.interaction.outcome", &i.outcome, TEXT_LIMIT)?;
    within("field.interaction.body", &i.body, TEXT_LIMIT)?;
    within("field.interaction.author", &i.author, LINE_LIMIT)
}

/// A follow-up read from a file within its limits.
pub fn follow_up_sizes(f: &FollowUp) -> Result<(), InputError> {
    within("field.follow_up.what", &f.what, TEXT_LIMIT)?;
    within("field.interaction.author", &f.author, LINE_LIMIT)
}

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
/// `ext. 12`, and the `;ext=12` of a vCard 4 `tel:` URI); at least three
/// digits.
pub fn phone(s: &str) -> Result<String, InputError> {
    let p = clean(s);
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " +-().,/#*xXext.".contains(c);
    // RFC 3966's extension parameter, and no other use of `;`.
    let (number, extension) = match p.to_ascii_lowercase().rfind(";ext=") {
        Some(at) => (&p[..at], &p[at + ";ext=".len()..]),
        None => (p.as_str(), ""),
    };
    if digits >= 3 && number.chars().all(allowed) && extension.chars().all(|c| c.is_ascii_digit()) {
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
        // vCard 4 (RFC 6350's own example) writes extensions as tel: URIs.
        assert!(phone("+1-418-656-9254;ext=102").is_ok());
        assert!(phone("+1-418-656-9254;EXT=102").is_ok());
        for bad in ["", "12", "call me", "0912;drop", "0912;ext=drop", "0912;ext=1;ext=2"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes() {
        let key = "field.customer.notes";
        assert!(Size::Text.check(key, &"ế".repeat(TEXT_LIMIT)).is_ok());
        assert_eq!(
            Size::Text.check(key, &"a".repeat(TEXT_LIMIT + 1)),
            Err(InputError::TooLong {
                field: key.into(),
                limit: TEXT_LIMIT,
                length: TEXT_LIMIT + 1
            })
        );
        assert!(
            Size::Line
                .check("field.customer.name", &"张".repeat(LINE_LIMIT + 1))
                .is_err()
        );
        let long_item = format!("a@x.vn, {}@x.vn", "b".repeat(LINE_LIMIT));
        assert!(Size::List.check("field.customer.emails", &long_item).is_err());
        assert!(Size::List.check("field.customer.emails", "a@x.vn, b@y.cn").is_ok());
        // 50 MB is refused without trouble.
        let huge = "x".repeat(50 * 1024 * 1024);
        assert!(Size::Text.check(key, &huge).is_err());
    }

    #[test]
    fn customer_sizes_name_the_field() {
        let mut c = Customer::empty(super::super::CustomerId(1));
        c.name = "Lan".into();
        assert!(customer_sizes(&c).is_ok());
        c.spin.set(SpinPart::Need, "n".repeat(TEXT_LIMIT + 1));
        assert!(matches!(customer_sizes(&c), Err(InputError::TooLong { field, .. }) if field == "field.customer.need"));
        c.spin.set(SpinPart::Need, String::new());
        c.tags = (0..2000).map(|n| format!("tag{n}")).collect();
        assert!(matches!(customer_sizes(&c), Err(InputError::TooLong { field, .. }) if field == "field.customer.tags"));
        c.tags.clear();
        c.extra = vec!["PHOTO:data:image/jpeg;base64,".to_string() + &"A".repeat(200_000)];
        assert!(customer_sizes(&c).is_ok(), "a photo is kept");
        c.extra.push("X".repeat(EXTRA_LIMIT));
        assert!(customer_sizes(&c).is_err());
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
