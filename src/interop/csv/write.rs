//! Writing contacts as CSV in guanxi's own layout.

use std::collections::BTreeSet;

use super::{GUANXI_EXTRA, GUANXI_HEADER, MULTI};
use crate::interop::Contact;

/// Writes contacts as CSV in guanxi's own layout: `Name,Company,Title,
/// Emails,Phones,Address,Tags,Notes`, one column per `more` key present in
/// any contact (sorted), then `Extra`. UTF-8 without BOM, CRLF line ends,
/// RFC 4180 quoting; several values in one cell are separated by ` ::: `.
///
/// The name written is [`Contact::display_name`], so a contact known only
/// by its name parts gets a full name; `line` is not written.
///
/// Limitation: a single value (an email, a tag, an `extra` entry, ...) that
/// itself contains `:::` may come back split, since ` ::: ` separates values.
pub fn write(contacts: &[Contact]) -> String {
    let keys: BTreeSet<&str> = contacts
        .iter()
        .flat_map(|c| c.more.keys().map(String::as_str))
        .collect();
    let mut out = String::new();
    let header: Vec<&str> = GUANXI_HEADER
        .iter()
        .copied()
        .chain(keys.iter().copied())
        .chain([GUANXI_EXTRA])
        .collect();
    write_record(&mut out, header.iter().copied());
    for c in contacts {
        let name = c.display_name();
        let emails = c.emails.join(MULTI);
        let phones = c.phones.join(MULTI);
        let addresses = c.addresses.join(MULTI);
        let tags = c.tags.join(MULTI);
        let extra = c.extra.join(MULTI);
        let fixed = [
            name.as_str(),
            &c.company,
            &c.title,
            &emails,
            &phones,
            &addresses,
            &tags,
            &c.notes,
        ];
        let more = keys.iter().map(|k| c.more.get(*k).map(String::as_str).unwrap_or(""));
        write_record(&mut out, fixed.into_iter().chain(more).chain([extra.as_str()]));
    }
    out
}

fn write_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
}
