//! A record to a [`Contact`]: each cell into the field its column feeds,
//! several values in one cell split, address parts joined into addresses,
//! and what has no field kept in `extra`.

use super::columns::Column;
use super::records::Record;
use super::{Layout, MULTI, RowError, Target};
use crate::domain::text::{clean, squash};
use crate::interop::Contact;

/// One line of text: line breaks inside become spaces; NFC, trimmed.
pub(super) fn one_line(s: &str) -> String {
    if !s.contains(['\r', '\n']) {
        return clean(s);
    }
    let parts: Vec<String> = s.split(['\r', '\n']).map(clean).filter(|p| !p.is_empty()).collect();
    clean(&parts.join(" "))
}

/// Text that may span lines (notes, SPIN notes): line breaks become `\n`;
/// NFC, trimmed.
fn text(s: &str) -> String {
    if !s.contains('\r') {
        return clean(s);
    }
    clean(&s.replace("\r\n", "\n").replace('\r', "\n"))
}

/// An address: its lines (Google writes formatted addresses on several)
/// joined with ", ".
fn address(s: &str) -> String {
    let parts: Vec<String> = s.split(['\r', '\n']).map(clean).filter(|p| !p.is_empty()).collect();
    parts.join(", ")
}

fn push_unique(list: &mut Vec<String>, value: String, same: impl Fn(&str, &str) -> bool) {
    if !value.is_empty() && !list.iter().any(|v| same(v, &value)) {
        list.push(value);
    }
}

fn separators(layout: Layout, target: &Target) -> &'static [&'static str] {
    match (layout, target) {
        (Layout::Outlook, Target::Tags) => &[MULTI, ";"],
        (Layout::Generic, Target::Tags | Target::Email | Target::Phone) => &[MULTI, ";", ","],
        _ => &[MULTI],
    }
}

fn split_values<'a>(s: &'a str, seps: &[&str]) -> Vec<&'a str> {
    let mut parts = vec![s];
    for sep in seps {
        parts = parts.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    parts
}

/// Google's system groups: `* myContacts` and `* starred` are dropped;
/// the user-assigned ones (`* Friends`, `* Family`, `* Coworkers`) are kept
/// without the star.
fn google_tag(tag: String) -> Option<String> {
    let Some(rest) = tag.strip_prefix("* ") else {
        return Some(tag);
    };
    let rest = rest.trim();
    matches!(squash(rest).as_str(), "friends" | "family" | "coworkers").then(|| rest.to_string())
}

/// Parts of one address group, and whether a formatted address was found.
#[derive(Default)]
struct Group {
    formatted: bool,
    parts: Vec<(u8, usize, String)>,
}

pub(super) fn contact(layout: Layout, columns: &[Column], record: Record) -> Result<Option<Contact>, RowError> {
    let line = record.line;
    if record.cells.iter().all(|c| c.trim().is_empty()) {
        return Ok(None);
    }
    let google = matches!(layout, Layout::GoogleOld | Layout::GoogleNew);
    let mut c = Contact {
        line,
        ..Contact::default()
    };
    let mut groups: Vec<(String, Group)> = Vec::new();
    for (i, raw) in record.cells.iter().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let Some(col) = columns.get(i) else {
            c.extra.push(format!("Column {}: {}", i + 1, text(raw)));
            continue;
        };
        let slot = match col.target {
            Target::Name => Some(&mut c.name),
            Target::Given => Some(&mut c.given),
            Target::Middle => Some(&mut c.middle),
            Target::Family => Some(&mut c.family),
            Target::Company => Some(&mut c.company),
            Target::Title => Some(&mut c.title),
            _ => None,
        };
        if let Some(slot) = slot {
            let v = one_line(raw);
            if slot.is_empty() {
                *slot = v;
            } else if *slot != v {
                c.extra.push(format!("{}: {v}", col.header));
            }
            continue;
        }
        match &col.target {
            Target::Email => {
                for v in split_values(raw, separators(layout, &col.target)) {
                    push_unique(&mut c.emails, one_line(v), |a, b| a.to_lowercase() == b.to_lowercase());
                }
            }
            Target::Phone => {
                for v in split_values(raw, separators(layout, &col.target)) {
                    push_unique(&mut c.phones, one_line(v), |a, b| a == b);
                }
            }
            Target::Tags => {
                for v in split_values(raw, separators(layout, &col.target)) {
                    let v = one_line(v);
                    let v = if google { google_tag(v) } else { Some(v) };
                    if let Some(v) = v {
                        push_unique(&mut c.tags, v, |a, b| a == b);
                    }
                }
            }
            Target::Address => {
                for v in raw.split(MULTI) {
                    push_unique(&mut c.addresses, address(v), |a, b| a == b);
                }
                if let Some(g) = &col.group {
                    group(&mut groups, g).formatted = true;
                }
            }
            Target::AddressPart => {
                let v = one_line(raw);
                let key = col.group.clone().unwrap_or_default();
                group(&mut groups, &key).parts.push((col.rank, i, v));
            }
            Target::Notes => {
                let v = text(raw);
                if c.notes.is_empty() {
                    c.notes = v;
                } else if !v.is_empty() {
                    c.notes = format!("{}\n{v}", c.notes);
                }
            }
            Target::Field(key) => {
                let v = text(raw);
                match c.more.get(key) {
                    None => {
                        c.more.insert(key.clone(), v);
                    }
                    Some(old) if *old == v => {}
                    Some(_) => c.extra.push(format!("{}: {v}", col.header)),
                }
            }
            Target::Ignore if col.raw_extra => {
                for v in raw.split(MULTI) {
                    let v = text(v);
                    if !v.is_empty() {
                        c.extra.push(v);
                    }
                }
            }
            Target::Ignore => {
                let v = text(raw);
                let placeholder = col.placeholders.iter().any(|p| *p == "*" || p.eq_ignore_ascii_case(&v));
                if !placeholder {
                    c.extra.push(format!("{}: {v}", col.header));
                }
            }
            _ => {}
        }
    }
    for (_, g) in groups {
        if g.formatted {
            continue;
        }
        let mut parts = g.parts;
        parts.sort_by_key(|(rank, i, _)| (*rank, *i));
        let joined: Vec<String> = parts.into_iter().map(|(_, _, v)| v).filter(|v| !v.is_empty()).collect();
        push_unique(&mut c.addresses, joined.join(", "), |a, b| a == b);
    }

    let named = [&c.name, &c.given, &c.middle, &c.family, &c.company]
        .iter()
        .any(|s| !s.is_empty())
        || !c.emails.is_empty()
        || !c.phones.is_empty();
    if named {
        return Ok(Some(c));
    }
    let empty = c.notes.is_empty()
        && c.tags.is_empty()
        && c.addresses.is_empty()
        && c.more.is_empty()
        && c.extra.is_empty()
        && c.title.is_empty();
    if empty {
        // Only placeholders: nothing to import, nothing to report.
        return Ok(None);
    }
    Err(RowError {
        line,
        message: crate::i18n::t("import.error.no_name").to_string(),
    })
}

fn group<'a>(groups: &'a mut Vec<(String, Group)>, key: &str) -> &'a mut Group {
    let i = match groups.iter().position(|(k, _)| k == key) {
        Some(i) => i,
        None => {
            groups.push((key.to_string(), Group::default()));
            groups.len() - 1
        }
    };
    &mut groups[i].1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_cleaning() {
        assert_eq!(one_line(" Nguyễn\r\n Văn A "), "Nguyễn Văn A");
        assert_eq!(text("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(address("12 Lê Lợi\nQuận 1\n\nTP HCM"), "12 Lê Lợi, Quận 1, TP HCM");
        assert_eq!(google_tag("* myContacts".into()), None);
        assert_eq!(google_tag("* Friends".into()), Some("Friends".into()));
        assert_eq!(google_tag("VIP".into()), Some("VIP".into()));
    }
}
