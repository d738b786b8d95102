//! The other values a customer is known by: a second name or company that
//! a merge brought and the record has no second field for. They are kept
//! in `extra` as the vCard lines a second value is in a vCard (`FN:`,
//! `ORG:`, `TITLE:`), so a vCard, CSV or JSON export writes them and an
//! import reads them back, and a vCard with two names keeps both the same
//! way. `NICKNAME:` lines count as other names too.

use super::text::squash;

/// A content line's property name (without a group prefix such as
/// `item1.`, upper case) and its value, still escaped.
fn property(line: &str) -> Option<(String, &str)> {
    let (head, value) = line.split_once(':')?;
    let name = head.split(';').next()?;
    let name = name.rsplit('.').next()?;
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then(|| (name.to_ascii_uppercase(), value))
}

/// A vCard text value as written: `\,` `\;` `\\` unescaped, `\n` a space;
/// unescaped `;` (between an `ORG`'s units) shown as ` / `.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.push(' '),
                Some(other) => out.push(other),
                None => {}
            },
            ';' => out.push_str(" / "),
            _ => out.push(ch),
        }
    }
    out.trim().to_string()
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' | ',' | ';' => {
                out.push('\\');
                out.push(ch);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

fn values<'a>(extra: &'a [String], names: &'a [&'a str]) -> impl Iterator<Item = String> + 'a {
    extra.iter().filter_map(move |line| {
        let (name, value) = property(line)?;
        names.contains(&name.as_str()).then(|| unescape(value))
    })
}

/// The other names in `extra` (`FN:` and `NICKNAME:` lines).
pub fn other_names(extra: &[String]) -> Vec<String> {
    values(extra, &["FN", "NICKNAME"]).filter(|v| !v.is_empty()).collect()
}

/// The other companies in `extra` (`ORG:` lines).
pub fn other_companies(extra: &[String]) -> Vec<String> {
    values(extra, &["ORG"]).filter(|v| !v.is_empty()).collect()
}

/// The other job titles in `extra` (`TITLE:` lines).
pub fn other_titles(extra: &[String]) -> Vec<String> {
    values(extra, &["TITLE"]).filter(|v| !v.is_empty()).collect()
}

/// Keeps `value` as another `property` (`FN`, `ORG`, `TITLE`) of a record
/// whose own field holds `current`, unless it is the same (accents, case,
/// spacing and punctuation aside) as that or as one already kept.
/// Returns whether it was added.
pub fn keep(extra: &mut Vec<String>, property: &str, current: &str, value: &str) -> bool {
    let wanted = squash(value);
    if wanted.is_empty() || wanted == squash(current) {
        return false;
    }
    let names: Vec<&str> = if property == "FN" {
        vec!["FN", "NICKNAME"]
    } else {
        vec![property]
    };
    if values(extra, &names).any(|v| squash(&v) == wanted) {
        return false;
    }
    extra.push(format!("{property}:{}", escape(value.trim())));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_values_are_read_back_and_not_doubled() {
        let mut extra = vec!["BDAY:1980-01-02".to_string(), "item1.NICKNAME:Tí".to_string()];
        assert!(keep(&mut extra, "FN", "Lê Văn Tám", "Smith, John"));
        assert!(!keep(&mut extra, "FN", "Lê Văn Tám", "le van tam"), "the same name");
        assert!(!keep(&mut extra, "FN", "Lê Văn Tám", "SMITH JOHN"), "already kept");
        assert!(!keep(&mut extra, "FN", "Lê Văn Tám", "ti"), "a nickname already kept");
        assert!(keep(&mut extra, "ORG", "Thép Việt", "Acme; Inc."));
        assert!(!keep(&mut extra, "ORG", "Thép Việt", " "));
        assert_eq!(extra[2], "FN:Smith\\, John");
        assert_eq!(other_names(&extra), ["Tí", "Smith, John"]);
        assert_eq!(other_companies(&extra), ["Acme; Inc."]);
        assert_eq!(
            other_companies(&["ORG:IBM;Accounting".to_string()]),
            ["IBM / Accounting"]
        );
        assert!(other_titles(&extra).is_empty());
        assert!(other_names(&["Column 3: FN:x".to_string(), "stray".to_string()]).is_empty());
    }
}
