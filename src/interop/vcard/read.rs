//! A card to a [`Contact`]: each property into its field, or kept in
//! `extra`.
//!
//! What is read into which field:
//! - `FN` → `name`; `N` (family;given;additional;prefix;suffix) → `family`,
//!   `given`, `middle`, kept even when `FN` is there. Several values in one
//!   part (`N:Doe;John;Richter,James;;`, as iPhone and Outlook write two
//!   middle names) are joined with a space. Prefix and suffix have no field
//!   and are dropped (`FN` usually carries them).
//! - `ORG` → `company`: the organisation, then its units joined with
//!   `" / "` (`ORG:IBM;Accounting` → `IBM / Accounting`), so no part is lost;
//!   the writer splits it back into components.
//! - `TITLE` → `title`; `EMAIL` → `emails`; `TEL` → `phones` as written
//!   (`tel:` stripped from URI values); `ADR` → `addresses`, one line with
//!   the non-empty parts joined by `", "` (line breaks inside a part too);
//!   `NOTE` → `notes` (several joined by a blank line, line breaks kept);
//!   `CATEGORIES` → `tags` (split at unescaped commas: Thunderbird's
//!   `category1\, category2` is one tag, as the standard says).
//! - `X-GUANXI-FIELD;KEY=stage:...` (written by [`write`] for `more`) → `more`.
//! - The first non-empty `FN`, `N`, `ORG` and `TITLE` fill their field; any
//!   further one goes to `extra`, like everything else: `BDAY`, `URL`,
//!   `PHOTO`, `UID`, `NICKNAME`, `X-…`, grouped `item1.X-ABLabel`, ... as one
//!   unfolded content line `group.NAME;PARAM=v,v:value`. Property names are
//!   kept as written; parameter names are upper-cased; 2.1's bare types
//!   (`TEL;WORK;VOICE`) become `TYPE=WORK,VOICE`; `ENCODING` and `CHARSET`
//!   are dropped once decoded; inline BASE64 data (`PHOTO;ENCODING=b;
//!   TYPE=JPEG:...`) becomes a 4.0 `data:` URI (`PHOTO:data:image/jpeg;
//!   base64,...`); the value keeps its escapes, except Gmail's stray `\:`.
//!   Values with line breaks (decoded quoted-printable) get `\n`.
//! - Dropped: `BEGIN`, `END`, `VERSION`, and `PRODID` and `REV`: they name
//!   the program that wrote the file and when it last changed the card,
//!   neither of which is true of a file guanxi writes later.
//! - Group prefixes are stripped from the properties read into fields
//!   (`item1.EMAIL`), so their `item1.X-ABLabel` stays in `extra`, orphaned
//!   but harmless.
//! - Empty values are skipped; values are unescaped (`\\`, `\n`, `\,`, `\;`,
//!   and the `\:` and `\"` Gmail and Apple write) then NFC-normalised and
//!   trimmed; single-line fields get line breaks turned into spaces; control
//!   characters other than tab and line breaks are dropped (a NUL decoded
//!   from quoted-printable would make the written file binary).
//! - A line inside a card that is not a property (and not a continuation) is
//!   kept in `extra` as it is; the writer wraps such lines as
//!   `X-GUANXI-UNPARSED:...` so the file stays valid and reading it back
//!   gives the same line.
//!
//! [`write`]: super::write()

use super::decode::{value_text, without_controls};
use super::extra::push_extra;
use super::lines::{RawCard, starts_with_ci, unfold};
use super::property::{Prop, param_out, parse_line};
use super::text::{escape_line_breaks, lf_only, multi_line, single_line, split_unescaped, unescape};
use super::{CardError, FIELD, UNDECODED, UNPARSED};
use crate::domain::text::clean;
use crate::interop::Contact;
use crate::interop::encoding;

/// A card's content lines, unfolded and parsed; not yet decoded (which
/// charset text without a `CHARSET` is in is decided for the whole file).
pub(super) struct ParsedCard {
    line: usize,
    /// The first line holding a NUL byte: binary data, not a text card.
    binary: Option<usize>,
    pub(super) items: Vec<Item>,
}

pub(super) enum Item {
    Prop(Prop),
    /// A line that is not a property (nor a continuation), and where it starts.
    Stray {
        line: usize,
        text: Vec<u8>,
    },
}

pub(super) fn parse_card(card: RawCard<'_>) -> ParsedCard {
    let binary = card.lines.iter().find(|(_, l)| l.contains(&0)).map(|(n, _)| *n);
    let items = match binary {
        Some(_) => Vec::new(),
        None => unfold(&card.lines)
            .into_iter()
            .map(|logical| match parse_line(&logical.text) {
                Some(p) => Item::Prop(p),
                None => Item::Stray {
                    line: logical.line,
                    text: logical.text,
                },
            })
            .collect(),
    };
    ParsedCard {
        line: card.line,
        binary,
        items,
    }
}

/// A parsed card to a [`Contact`]; `unlabelled` is the encoding of text
/// that names no `CHARSET`.
pub(super) fn read_card(card: ParsedCard, unlabelled: &'static encoding::Encoding) -> Result<Contact, CardError> {
    let error = |message: &str| CardError {
        line: card.line,
        message: message.to_string(),
    };
    if let Some(n) = card.binary {
        return Err(error(&crate::i18n::tf("import.error.binary_card", &[("line", &n)])));
    }
    let mut contact = Contact {
        line: card.line,
        ..Contact::default()
    };
    let mut properties = 0;
    let mut first_stray = None;
    for item in card.items {
        match item {
            Item::Prop(p) => {
                if !p.name.eq_ignore_ascii_case("VERSION") {
                    properties += 1;
                }
                apply(&mut contact, p, unlabelled);
            }
            Item::Stray { line, text } => {
                first_stray.get_or_insert(line);
                let text = without_controls(encoding::decode_unlabelled(&text, unlabelled));
                let text = clean(&text);
                if !text.is_empty() {
                    contact.extra.push(text);
                }
            }
        }
    }
    match (properties, first_stray) {
        (0, None) => Err(error(crate::i18n::t("import.error.empty_card"))),
        (0, Some(n)) => Err(error(&crate::i18n::tf("import.error.no_property", &[("line", &n)]))),
        _ => Ok(contact),
    }
}

pub(super) fn apply(c: &mut Contact, p: Prop, unlabelled: &'static encoding::Encoding) {
    let upper = p.name.to_ascii_uppercase();
    match upper.as_str() {
        "BEGIN" | "END" | "VERSION" | "PRODID" | "REV" => return,
        "FN" | "N" | "ORG" | "TITLE" | "EMAIL" | "TEL" | "ADR" | "NOTE" | "CATEGORIES" => {}
        UNPARSED => {
            let (text, _) = value_text(&p, unlabelled);
            let text = clean(&escape_line_breaks(lf_only(&text).trim()));
            if !text.is_empty() {
                c.extra.push(text);
            }
            return;
        }
        FIELD => {
            if let Some(key) = p.param("KEY").map(str::to_string) {
                let (text, _) = value_text(&p, unlabelled);
                c.more.insert(key, multi_line(&unescape(&text)));
                return;
            }
            return push_extra(c, p, unlabelled);
        }
        _ => return push_extra(c, p, unlabelled),
    }
    let (text, unknown_charset) = value_text(&p, unlabelled);
    if let Some(charset) = unknown_charset {
        c.extra
            .push(format!("{UNDECODED};X-CHARSET={}:{}", param_out(&charset), p.name));
    }
    let used = match upper.as_str() {
        "FN" => fill(&mut c.name, single_line(&unescape(&text))),
        "TITLE" => fill(&mut c.title, single_line(&unescape(&text))),
        "ORG" => {
            let units: Vec<String> = split_unescaped(&text, ';')
                .into_iter()
                .map(|u| single_line(&unescape(u)))
                .filter(|u| !u.is_empty())
                .collect();
            fill(&mut c.company, units.join(" / "))
        }
        "N" => {
            let parts: Vec<String> = split_unescaped(&text, ';')
                .into_iter()
                .take(3)
                .map(|part| {
                    let values: Vec<String> = split_unescaped(part, ',')
                        .into_iter()
                        .map(|v| single_line(&unescape(v)))
                        .filter(|v| !v.is_empty())
                        .collect();
                    values.join(" ")
                })
                .collect();
            let get = |i: usize| parts.get(i).cloned().unwrap_or_default();
            let (family, given, middle) = (get(0), get(1), get(2));
            if family.is_empty() && given.is_empty() && middle.is_empty() {
                Used::Empty
            } else if c.family.is_empty() && c.given.is_empty() && c.middle.is_empty() {
                (c.family, c.given, c.middle) = (family, given, middle);
                Used::Yes
            } else {
                Used::Taken
            }
        }
        "EMAIL" => push_nonempty(&mut c.emails, single_line(&unescape(&text))),
        "TEL" => {
            let uri = p.has_param_value("VALUE", "uri");
            let is_text = p.has_param_value("VALUE", "text");
            let trimmed = text.trim();
            let phone = if uri || (!is_text && starts_with_ci(trimmed.as_bytes(), b"tel:")) {
                let rest = if starts_with_ci(trimmed.as_bytes(), b"tel:") {
                    &trimmed[4..]
                } else {
                    trimmed
                };
                single_line(rest)
            } else {
                single_line(&unescape(&text))
            };
            push_nonempty(&mut c.phones, phone)
        }
        "ADR" => {
            let mut pieces = Vec::new();
            for component in split_unescaped(&text, ';') {
                for value in split_unescaped(component, ',') {
                    let value = lf_only(&unescape(value));
                    pieces.extend(value.split('\n').map(clean).filter(|s| !s.is_empty()));
                }
            }
            push_nonempty(&mut c.addresses, join_address(&pieces))
        }
        "NOTE" => {
            let note = multi_line(&unescape(&text));
            if note.is_empty() {
                Used::Empty
            } else {
                if !c.notes.is_empty() {
                    c.notes.push_str("\n\n");
                }
                c.notes.push_str(&note);
                Used::Yes
            }
        }
        "CATEGORIES" => {
            for tag in split_unescaped(&text, ',') {
                push_nonempty(&mut c.tags, single_line(&unescape(tag)));
            }
            Used::Yes
        }
        _ => Used::Taken,
    };
    if used == Used::Taken {
        push_extra(c, p, unlabelled);
    }
}

#[derive(PartialEq, Eq)]
enum Used {
    Yes,
    Empty,
    /// The field already has a value: the property goes to `extra`.
    Taken,
}

/// Address parts joined with `", "`; a part that already ends with a comma
/// (Apple's `Silicon Alley 5\,`) does not get a second one.
fn join_address(pieces: &[String]) -> String {
    let mut parts: Vec<&str> = Vec::with_capacity(pieces.len());
    for (i, piece) in pieces.iter().enumerate() {
        let part = if i + 1 < pieces.len() {
            piece.trim_end_matches(',').trim_end()
        } else {
            piece
        };
        if !part.is_empty() {
            parts.push(part);
        }
    }
    parts.join(", ")
}

fn fill(field: &mut String, value: String) -> Used {
    if value.is_empty() {
        Used::Empty
    } else if field.is_empty() {
        *field = value;
        Used::Yes
    } else {
        Used::Taken
    }
}

fn push_nonempty(list: &mut Vec<String>, value: String) -> Used {
    if value.is_empty() {
        Used::Empty
    } else {
        list.push(value);
        Used::Yes
    }
}
