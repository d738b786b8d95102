//! Contacts to vCard 4.0 cards.
//!
//! Writing ([`write`]): `BEGIN`, `VERSION:4.0`, `FN` (always, empty when there
//! is no full name: RFC 6350 requires it and an empty one reads back as
//! none), `N` when a part is set, `ORG`, `TITLE`, `EMAIL`s, `TEL`s
//! (`TEL;VALUE=text` when the number itself starts with `tel:`), `ADR`s (the
//! line as the street part), `NOTE`, `CATEGORIES`, `more` as
//! `X-GUANXI-FIELD;KEY=...`, then `extra`, `END`. An `extra` line is written
//! as it is when reading it there gives it back unchanged, and as
//! `X-GUANXI-UNPARSED:...` otherwise (not a content line, `END:VCARD`,
//! `EMAIL:x` that would become an email, a second `ORG` when `company` is
//! empty, ...). Lines end in CRLF and are folded at 75 octets between
//! characters. `read(write(cs))` gives `cs` back (but `line`) for contacts
//! whose strings are NFC and trimmed, without control characters but tab,
//! with line breaks (LF) only in `notes` and `more` values, no empty emails,
//! phones, addresses or tags, and `more` keys without `"`.
//!
//! [`write`]: super::write()

use super::lines::starts_with_ci;
use super::property::{param_out, parse_line};
use super::read::apply;
use super::text::{escape, escape_line_breaks};
use super::{FIELD, UNPARSED};
use crate::domain::text::clean;
use crate::interop::Contact;

pub(super) fn write_card(out: &mut String, c: &Contact) {
    let mut line = |s: &str| push_folded(out, s);
    line("BEGIN:VCARD");
    line("VERSION:4.0");
    line(&format!("FN:{}", escape(&c.name)));
    if [&c.family, &c.given, &c.middle].iter().any(|s| !s.is_empty()) {
        line(&format!(
            "N:{};{};{};;",
            escape(&c.family),
            escape(&c.given),
            escape(&c.middle)
        ));
    }
    if !c.company.is_empty() {
        let units: Vec<&str> = c.company.split(" / ").collect();
        let splittable = units.len() > 1 && units.iter().all(|u| !u.is_empty() && clean(u) == *u);
        let org = if splittable {
            units.iter().map(|u| escape(u)).collect::<Vec<_>>().join(";")
        } else {
            escape(&c.company)
        };
        line(&format!("ORG:{org}"));
    }
    if !c.title.is_empty() {
        line(&format!("TITLE:{}", escape(&c.title)));
    }
    for email in c.emails.iter().filter(|e| !e.is_empty()) {
        line(&format!("EMAIL:{}", escape(email)));
    }
    for phone in c.phones.iter().filter(|p| !p.is_empty()) {
        let value_text = if starts_with_ci(phone.as_bytes(), b"tel:") {
            ";VALUE=text"
        } else {
            ""
        };
        line(&format!("TEL{value_text}:{}", escape(phone)));
    }
    for address in c.addresses.iter().filter(|a| !a.is_empty()) {
        line(&format!("ADR:;;{};;;;", escape(address)));
    }
    if !c.notes.is_empty() {
        line(&format!("NOTE:{}", escape(&c.notes)));
    }
    let tags: Vec<String> = c.tags.iter().filter(|t| !t.is_empty()).map(|t| escape(t)).collect();
    if !tags.is_empty() {
        line(&format!("CATEGORIES:{}", tags.join(",")));
    }
    for (key, value) in &c.more {
        line(&format!("{FIELD};KEY={}:{}", param_out(key), escape(value)));
    }
    for extra in &c.extra {
        let single = escape_line_breaks(extra);
        if single.trim().is_empty() {
            continue;
        }
        if writable_as_is(&single, c) {
            line(&single);
        } else {
            line(&format!("{UNPARSED}:{single}"));
        }
    }
    line("END:VCARD");
}

/// True when [`read`] gives an `extra` line of `c` back as itself if it is
/// written as it is, after the fields the writer puts before it: a content
/// line already in the normalised form, not dropped (`BEGIN`, `END`,
/// `VERSION`, `PRODID`, `REV`), not read into a field (`EMAIL:x`; `ORG:x`
/// while `company` is empty) or into `more`, not unwrapped. Other lines are
/// written as `X-GUANXI-UNPARSED:...`.
///
/// [`read`]: super::read()
fn writable_as_is(line: &str, c: &Contact) -> bool {
    if line.starts_with([' ', '\t']) {
        return false;
    }
    let Some(p) = parse_line(line.as_bytes()) else {
        return false;
    };
    let before = Contact {
        name: c.name.clone(),
        given: c.given.clone(),
        middle: c.middle.clone(),
        family: c.family.clone(),
        company: c.company.clone(),
        title: c.title.clone(),
        ..Contact::default()
    };
    let mut probe = before.clone();
    // What guanxi writes is UTF-8.
    apply(&mut probe, p, crate::interop::encoding::UTF_8);
    let extra = std::mem::take(&mut probe.extra);
    extra == [line] && probe == before
}

/// Appends a content line folded at 75 octets (the continuation's leading
/// space counts), never inside a UTF-8 character, and CRLF.
fn push_folded(out: &mut String, line: &str) {
    let mut budget = 75;
    let mut used = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if used + len > budget {
            out.push_str("\r\n ");
            budget = 74;
            used = 0;
        }
        out.push(ch);
        used += len;
    }
    out.push_str("\r\n");
}
