//! Contacts as vCard: read from versions 2.1, 3.0 and 4.0 as phones, mail
//! programs and address books write them; written as vCard 4.0 (RFC 6350).
//!
//! Reading never stops at a bad card: every `BEGIN:VCARD` gives a
//! [`Contact`] or a [`CardError`] with the line the card starts on, and
//! whatever stands between cards is skipped. The parser is this module's own
//! (see "Why not a library" below).
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
//! Encodings: lines end in CRLF, LF, CR or the CR CR LF some iPhone exports
//! have; a UTF-8 BOM is skipped and UTF-16 files are transcoded. Folded lines
//! are unfolded; vCard 2.1 quoted-printable values follow their `=` soft line
//! breaks and are decoded with their `CHARSET`: UTF-8, US-ASCII, ISO-8859-1
//! and windows-1252 (read as windows-1252, as browsers do), ISO-8859-15 and
//! windows-1258 (Vietnamese). Text in any other charset (GBK, Big5,
//! Shift_JIS, ...) is read as UTF-8 where valid and windows-1252 elsewhere,
//! and the card gets an `X-GUANXI-UNDECODED;X-CHARSET=GBK:FN` line in `extra`
//! saying which property it was. Without a charset, bytes that are not valid
//! UTF-8 are read as windows-1252 (Android files mix the two). 2.1's base64
//! values may continue on unindented lines until a blank line.
//!
//! A card is an error only when nothing in it can be read: no property at
//! all (`BEGIN:VCARD` straight to `END:VCARD`, or only lines that are not
//! properties), or NUL bytes (binary data, not text). A missing `END:VCARD`
//! ends the card at the next `BEGIN:VCARD` or at the end of the file; a
//! vCard 2.1 `AGENT:` followed by a nested card skips the nested card.
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
//! Why not a library: the `calcard` crate (0.3.14, Stalwart Labs) parses the
//! whole corpus well, but it takes `&str` (so a raw ISO-8859-1 or
//! windows-1258 value is lost before it sees it), gives no line numbers for
//! `line`, turns unknown properties into typed values that can only be
//! written back through its writer, and that writer escapes the comma of
//! `data:` URIs (`data:image/jpeg;base64\,...`, which other programs do not
//! read) and writes text it could not decode as a `data:` URI
//! (`ORG:data:;base64\,...` for one Android card). Keeping `extra` as
//! content lines is simpler with a parser of our own.

use super::Contact;
use crate::domain::text::clean;

/// A card that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::i18n::tf("import.error.at_line", &[("line", line), ("message", message)]))]
pub struct CardError {
    /// The line of the card's `BEGIN:VCARD` (1-based).
    pub line: usize,
    pub message: String,
}

/// True when the bytes look like vCard (for format detection): after an
/// optional BOM and whitespace, they start with `BEGIN:VCARD` in any case.
pub fn looks_like(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = to_utf8(head);
    let rest = trim_start(&text);
    rest.len() >= 11 && rest[..11].eq_ignore_ascii_case(b"BEGIN:VCARD")
}

/// Reads every card in a file (vCard 2.1, 3.0 and 4.0). Each card is
/// `Ok(Contact)` or the error that made it unreadable; a bad card never
/// stops the others. Never panics, whatever the bytes.
pub fn read(bytes: &[u8]) -> Vec<Result<Contact, CardError>> {
    let text = to_utf8(bytes);
    let lines = physical_lines(&text);
    split_cards(&lines).into_iter().map(read_card).collect()
}

/// Writes contacts as vCard 4.0 (RFC 6350): CRLF line ends, lines folded at
/// 75 octets without splitting a UTF-8 character, text values escaped
/// (`\\`, `\,`, `\;`, `\n`), one card per contact.
pub fn write(contacts: &[Contact]) -> String {
    let mut out = String::new();
    for c in contacts {
        write_card(&mut out, c);
    }
    out
}

// ---------------------------------------------------------------------------
// Bytes to lines to cards

/// The text as UTF-8 bytes as far as possible: a UTF-8 BOM dropped, UTF-16
/// (with a BOM, or recognised by its zero bytes) transcoded. Other bytes
/// are left for each property's charset.
fn to_utf8(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    let utf16 = |little: bool, body: &[u8]| -> Cow<'_, [u8]> {
        let units = body.chunks_exact(2).map(|p| {
            let pair = [p[0], p.get(1).copied().unwrap_or(0)];
            if little {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        let s: String = char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect();
        Cow::Owned(s.into_bytes())
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => Cow::Borrowed(rest),
        [0xFF, 0xFE, rest @ ..] => utf16(true, rest),
        [0xFE, 0xFF, rest @ ..] => utf16(false, rest),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => utf16(true, bytes),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => utf16(false, bytes),
        _ => Cow::Borrowed(bytes),
    }
}

/// Splits at CRLF, LF, CR and CR CR LF (one line end, as some iPhone exports
/// write it). The line numbered n is at index n - 1.
fn physical_lines(b: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                out.push(&b[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                let mut j = i;
                while j < b.len() && b[j] == b'\r' {
                    j += 1;
                }
                out.push(&b[start..i]);
                i = if b.get(j) == Some(&b'\n') { j + 1 } else { i + 1 };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < b.len() {
        out.push(&b[start..]);
    }
    out
}

/// The physical lines of one card, between its `BEGIN` and `END`.
struct RawCard<'a> {
    line: usize,
    lines: Vec<(usize, &'a [u8])>,
}

fn is_marker(line: &[u8], marker: &[u8]) -> bool {
    let t = trim_end(line);
    t.eq_ignore_ascii_case(marker)
}

fn split_cards<'a>(lines: &[&'a [u8]]) -> Vec<RawCard<'a>> {
    let mut cards = Vec::new();
    let mut current: Option<RawCard<'a>> = None;
    let mut nested = 0usize;
    let mut after_agent = false;
    for (i, &l) in lines.iter().enumerate() {
        let n = i + 1;
        let Some(card) = current.as_mut() else {
            if is_marker(trim_start(l), b"BEGIN:VCARD") {
                current = Some(RawCard {
                    line: n,
                    lines: Vec::new(),
                });
                nested = 0;
                after_agent = false;
            }
            continue;
        };
        if nested > 0 {
            if is_marker(trim_start(l), b"END:VCARD") {
                nested -= 1;
            } else if is_marker(trim_start(l), b"BEGIN:VCARD") {
                nested += 1;
            }
            continue;
        }
        if is_marker(l, b"END:VCARD") {
            cards.extend(current.take());
            continue;
        }
        if is_marker(l, b"BEGIN:VCARD") {
            if after_agent {
                // vCard 2.1: `AGENT:` followed by the agent's own card.
                nested = 1;
                after_agent = false;
            } else {
                cards.extend(current.take());
                current = Some(RawCard {
                    line: n,
                    lines: Vec::new(),
                });
            }
            continue;
        }
        if !l.is_empty() && !matches!(l[0], b' ' | b'\t') {
            after_agent = starts_with_ci(l, b"AGENT") && trim_end(l).ends_with(b":");
        }
        card.lines.push((n, l));
    }
    cards.extend(current);
    cards
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Plain,
    QuotedPrintable,
    Base64,
}

/// One unfolded content line and where it starts.
struct Logical {
    line: usize,
    text: Vec<u8>,
    /// Known once the name and parameters (up to the first `:`) are read.
    encoding: Option<Encoding>,
    /// The last physical line ended with `=`: a quoted-printable soft break.
    soft_break: bool,
    /// A blank line was seen since: only vCard folding may continue it.
    closed: bool,
}

impl Logical {
    fn new(line: usize, l: &[u8]) -> Logical {
        let mut lg = Logical {
            line,
            text: l.to_vec(),
            encoding: None,
            soft_break: false,
            closed: false,
        };
        lg.update(l);
        lg
    }

    fn update(&mut self, appended: &[u8]) {
        self.soft_break = trim_end(appended).ends_with(b"=");
        if self.encoding.is_none() {
            self.encoding = match parse_line(&self.text) {
                Some(p) => Some(p.encoding()),
                None if self.text.len() > 8192 => Some(Encoding::Plain),
                None => None,
            };
        }
    }
}

/// Unfolds the physical lines of a card into content lines: CRLF + space or
/// tab (folding), quoted-printable soft line breaks, and 2.1 base64 data
/// continued on unindented lines.
fn unfold(lines: &[(usize, &[u8])]) -> Vec<Logical> {
    let mut out: Vec<Logical> = Vec::new();
    for &(n, l) in lines {
        if let Some(cur) = out.last_mut() {
            if let [b' ' | b'\t', rest @ ..] = l {
                cur.text.extend_from_slice(rest);
                cur.update(rest);
                continue;
            }
            if !cur.closed && cur.soft_break && cur.encoding == Some(Encoding::QuotedPrintable) {
                let keep = trim_end(&cur.text).len().saturating_sub(1);
                cur.text.truncate(keep);
                cur.text.extend_from_slice(l);
                cur.update(l);
                continue;
            }
            if !cur.closed && cur.encoding == Some(Encoding::Base64) && !l.is_empty() && is_base64_text(l) {
                cur.text.extend_from_slice(l);
                continue;
            }
        }
        if trim_end(l).is_empty() {
            if let Some(cur) = out.last_mut() {
                cur.closed = true;
            }
            continue;
        }
        out.push(Logical::new(n, l));
    }
    out
}

fn is_base64_text(l: &[u8]) -> bool {
    l.iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b' ' | b'\t'))
}

// ---------------------------------------------------------------------------
// Content lines

#[derive(Debug, Clone, PartialEq, Eq)]
struct Param {
    /// Upper-cased.
    name: String,
    values: Vec<String>,
}

#[derive(Debug, Clone)]
struct Prop {
    group: Option<String>,
    name: String,
    params: Vec<Param>,
    value: Vec<u8>,
}

impl Prop {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .filter(|p| p.name == name)
            .flat_map(|p| p.values.iter())
            .map(String::as_str)
            .next()
    }

    fn has_param_value(&self, name: &str, value: &str) -> bool {
        self.params
            .iter()
            .filter(|p| p.name == name)
            .flat_map(|p| p.values.iter())
            .any(|v| v.eq_ignore_ascii_case(value))
    }

    fn encoding(&self) -> Encoding {
        match self.param("ENCODING").map(str::to_ascii_uppercase).as_deref() {
            Some("QUOTED-PRINTABLE" | "Q") => Encoding::QuotedPrintable,
            Some("BASE64" | "B") => Encoding::Base64,
            _ => Encoding::Plain,
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// Parses `[group.]name *(;param[=value *(,value)]) : value`, or None when
/// the line is not a content line.
fn parse_line(text: &[u8]) -> Option<Prop> {
    let text = trim_start(text);
    let name_len = text.iter().take_while(|&&b| is_name_byte(b) || b == b'.').count();
    let full_name = std::str::from_utf8(&text[..name_len]).ok()?;
    let (group, name) = match full_name.rsplit_once('.') {
        Some((g, n)) => (Some(g), n),
        None => (None, full_name),
    };
    if name.is_empty() || group.is_some_and(|g| g.is_empty() || g.starts_with('.') || g.ends_with('.')) {
        return None;
    }
    let mut params = Vec::new();
    let mut i = name_len;
    loop {
        match text.get(i) {
            Some(b':') => break,
            Some(b';') => i = parse_param(text, i + 1, &mut params)?,
            _ => return None,
        }
    }
    Some(Prop {
        group: group.map(str::to_string),
        name: name.to_string(),
        params,
        value: text.get(i + 1..).unwrap_or_default().to_vec(),
    })
}

/// Parses one parameter starting at `i`; returns the index of the `;` or
/// `:` after it.
fn parse_param(text: &[u8], mut i: usize, params: &mut Vec<Param>) -> Option<usize> {
    let start = i;
    while let Some(&b) = text.get(i) {
        if matches!(b, b'=' | b';' | b':') {
            break;
        }
        i += 1;
    }
    let name = std::str::from_utf8(&text[start..i]).ok()?.trim();
    if name.is_empty() {
        // `TEL;;WORK:` or `TEL;:`: an empty parameter, ignored.
        return (text.get(i) != Some(&b'=')).then_some(i);
    }
    if !name.bytes().all(is_name_byte) {
        return None;
    }
    if text.get(i) != Some(&b'=') {
        // vCard 2.1: a bare value whose parameter name is implied.
        let upper = name.to_ascii_uppercase();
        let pname = match upper.as_str() {
            "QUOTED-PRINTABLE" | "BASE64" | "8BIT" | "7BIT" => "ENCODING",
            _ => "TYPE",
        };
        push_param(params, pname, vec![name.to_string()]);
        return Some(i);
    }
    i += 1;
    let mut values = Vec::new();
    loop {
        let mut value = Vec::new();
        while let Some(&b) = text.get(i) {
            match b {
                b'"' => {
                    let close = text.get(i + 1..)?.iter().position(|&c| c == b'"')?;
                    value.extend_from_slice(&text[i + 1..i + 1 + close]);
                    i += close + 2;
                }
                b',' | b';' | b':' => break,
                _ => {
                    value.push(b);
                    i += 1;
                }
            }
        }
        values.push(param_text(&value));
        if text.get(i) == Some(&b',') {
            i += 1;
        } else {
            break;
        }
    }
    push_param(params, &name.to_ascii_uppercase(), values);
    Some(i)
}

fn push_param(params: &mut Vec<Param>, name: &str, values: Vec<String>) {
    params.push(Param {
        name: name.to_string(),
        values,
    });
}

/// A parameter value as text that can be written back: no quotes, no
/// control characters.
fn param_text(bytes: &[u8]) -> String {
    decode_utf8_lossy(bytes)
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

// ---------------------------------------------------------------------------
// Decoding values

/// UTF-8 where valid, windows-1252 for the bytes that are not.
fn decode_utf8_lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().map(|&b| cp1252(b)));
    }
    out
}

const CP1252_80_9F: [u16; 32] = [
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
    0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0xFFFD, 0x017E, 0x0178,
];

fn cp1252(b: u8) -> char {
    match b {
        0x80..=0x9F => char::from_u32(u32::from(CP1252_80_9F[usize::from(b - 0x80)])).unwrap_or('\u{FFFD}'),
        _ => char::from(b),
    }
}

fn cp1258(b: u8) -> char {
    let code: u32 = match b {
        0x8A | 0x8E | 0x9A | 0x9E => 0xFFFD,
        0xC3 => 0x0102,
        0xCC => 0x0300,
        0xD0 => 0x0110,
        0xD2 => 0x0309,
        0xD5 => 0x01A0,
        0xDD => 0x01AF,
        0xDE => 0x0303,
        0xE3 => 0x0103,
        0xEC => 0x0301,
        0xF0 => 0x0111,
        0xF2 => 0x0323,
        0xF5 => 0x01A1,
        0xFD => 0x01B0,
        0xFE => 0x20AB,
        _ => return cp1252(b),
    };
    char::from_u32(code).unwrap_or('\u{FFFD}')
}

fn iso8859_15(b: u8) -> char {
    match b {
        0xA4 => '€',
        0xA6 => 'Š',
        0xA8 => 'š',
        0xB4 => 'Ž',
        0xB8 => 'ž',
        0xBC => 'Œ',
        0xBD => 'œ',
        0xBE => 'Ÿ',
        _ => char::from(b),
    }
}

/// Decodes text in the given charset. The flag is false when the charset
/// is not one this module knows (the text is then read as UTF-8 where
/// valid, windows-1252 elsewhere).
fn decode_charset(bytes: &[u8], charset: Option<&str>) -> (String, bool) {
    let label = charset.map(|c| c.trim().to_ascii_lowercase().replace('_', "-"));
    let single = |f: fn(u8) -> char| bytes.iter().map(|&b| f(b)).collect::<String>();
    match label.as_deref() {
        None | Some("" | "utf-8" | "utf8" | "us-ascii" | "ascii") => (decode_utf8_lossy(bytes), true),
        Some("iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" | "windows-1252" | "cp1252" | "x-cp1252") => {
            (single(cp1252), true)
        }
        Some("iso-8859-15" | "iso8859-15" | "latin9" | "latin-9") => (single(iso8859_15), true),
        Some("windows-1258" | "cp1258" | "x-cp1258") => (single(cp1258), true),
        Some(_) => (decode_utf8_lossy(bytes), false),
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Control characters (NUL, form feed, ...) other than tab and line breaks
/// carry nothing in a contact and would make a written file binary.
fn without_controls(s: String) -> String {
    if s.chars().any(is_stray_control) {
        s.chars().filter(|&c| !is_stray_control(c)).collect()
    } else {
        s
    }
}

fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Quoted-printable to bytes (soft line breaks are already joined); a `=`
/// not followed by two hex digits is kept, a trailing one dropped.
fn decode_qp(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while let Some(&b) = v.get(i) {
        if b == b'=' {
            match (v.get(i + 1).copied().and_then(hex), v.get(i + 2).copied().and_then(hex)) {
                (Some(h), Some(l)) => {
                    out.push((h << 4) | l);
                    i += 3;
                    continue;
                }
                _ if i + 1 == v.len() => break,
                _ => {}
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

fn decode_base64(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for &b in v {
        let d = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(d);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// A property's value as text (escapes still in), decoded from its
/// transfer encoding and charset; the charset's name when it was unknown.
fn value_text(p: &Prop) -> (String, Option<String>) {
    let bytes = match p.encoding() {
        Encoding::QuotedPrintable => decode_qp(&p.value),
        Encoding::Base64 => decode_base64(&p.value),
        Encoding::Plain => p.value.clone(),
    };
    let charset = p.param("CHARSET");
    let (text, known) = decode_charset(&bytes, charset);
    (
        without_controls(text),
        (!known).then(|| charset.unwrap_or_default().to_string()),
    )
}

// ---------------------------------------------------------------------------
// Text values

/// Splits at `sep` where it is not escaped by a backslash.
fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            out.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&s[start..]);
    out
}

/// `\\` `\n` `\N` `\,` `\;` to what they stand for, and `\:` `\"` (which
/// Gmail and Apple write) too; any other backslash is kept.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(e @ ('\\' | ',' | ';' | ':' | '"')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// CRLF and CR to LF.
fn lf_only(s: &str) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    }
}

/// A single-line field: line breaks become spaces, then `clean`.
fn single_line(s: &str) -> String {
    if !s.contains(['\n', '\r']) {
        return clean(s);
    }
    let lf = lf_only(s);
    let joined: Vec<&str> = lf.split('\n').map(str::trim).filter(|p| !p.is_empty()).collect();
    clean(&joined.join(" "))
}

/// A multi-line field (notes): LF line ends, then `clean`.
fn multi_line(s: &str) -> String {
    clean(&lf_only(s))
}

/// RFC 6350 text escaping: `\` `,` `;` and line breaks; other control
/// characters but tab are left out.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if is_stray_control(c) => {}
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Cards to contacts

const UNPARSED: &str = "X-GUANXI-UNPARSED";
const UNDECODED: &str = "X-GUANXI-UNDECODED";
const FIELD: &str = "X-GUANXI-FIELD";

fn read_card(card: RawCard<'_>) -> Result<Contact, CardError> {
    let error = |message: &str| CardError {
        line: card.line,
        message: message.to_string(),
    };
    if let Some((n, _)) = card.lines.iter().find(|(_, l)| l.contains(&0)) {
        return Err(error(&crate::i18n::tf("import.error.binary_card", &[("line", n)])));
    }
    let mut contact = Contact {
        line: card.line,
        ..Contact::default()
    };
    let mut properties = 0;
    let mut first_stray = None;
    for logical in unfold(&card.lines) {
        match parse_line(&logical.text) {
            Some(p) => {
                if !p.name.eq_ignore_ascii_case("VERSION") {
                    properties += 1;
                }
                apply(&mut contact, p);
            }
            None => {
                first_stray.get_or_insert(logical.line);
                let text = without_controls(decode_utf8_lossy(&logical.text));
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

fn apply(c: &mut Contact, p: Prop) {
    let upper = p.name.to_ascii_uppercase();
    match upper.as_str() {
        "BEGIN" | "END" | "VERSION" | "PRODID" | "REV" => return,
        "FN" | "N" | "ORG" | "TITLE" | "EMAIL" | "TEL" | "ADR" | "NOTE" | "CATEGORIES" => {}
        UNPARSED => {
            let (text, _) = value_text(&p);
            let text = clean(&escape_line_breaks(lf_only(&text).trim()));
            if !text.is_empty() {
                c.extra.push(text);
            }
            return;
        }
        FIELD => {
            if let Some(key) = p.param("KEY").map(str::to_string) {
                let (text, _) = value_text(&p);
                c.more.insert(key, multi_line(&unescape(&text)));
                return;
            }
            return push_extra(c, p);
        }
        _ => return push_extra(c, p),
    }
    let (text, unknown_charset) = value_text(&p);
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
        push_extra(c, p);
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

/// Keeps a property in `extra` as a normalised content line.
fn push_extra(c: &mut Contact, p: Prop) {
    let (line, note) = extra_line(p);
    c.extra.extend(note);
    c.extra.extend(line);
}

/// A property as the normalised content line kept in `extra` (None when its
/// value is empty), and the note to keep beside it when its charset was
/// unknown.
fn extra_line(mut p: Prop) -> (Option<String>, Option<String>) {
    let mut note = None;
    let value = if p.encoding() == Encoding::Base64 {
        let data: String = p
            .value
            .iter()
            .filter(|b| b.is_ascii_graphic())
            .map(|&b| char::from(b))
            .collect();
        let media = media_type(&mut p, &data);
        format!("data:{media};base64,{data}")
    } else {
        let (text, unknown_charset) = value_text(&p);
        if let Some(charset) = unknown_charset {
            note = Some(format!("{UNDECODED};X-CHARSET={}:{}", param_out(&charset), p.name));
        }
        drop_colon_escapes(&escape_line_breaks(lf_only(&text).trim()))
    };
    let value = clean(&value);
    if value.is_empty() || value.ends_with(";base64,") {
        return (None, note);
    }
    let mut line = String::new();
    if let Some(g) = &p.group {
        line.push_str(g);
        line.push('.');
    }
    line.push_str(&p.name);
    line.push_str(&params_out(&p.params));
    line.push(':');
    line.push_str(&value);
    (Some(line), note)
}

/// Line breaks as `\n`, other control characters but tab left out: what
/// an `extra` value or line can hold.
fn escape_line_breaks(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    lf_only(s)
        .chars()
        .filter(|&c| !is_stray_control(c))
        .collect::<String>()
        .replace('\n', "\\n")
}

/// Gmail escapes the colon of URLs (`http\://`): not an escape in any
/// version, so it is dropped; `\\:` (an escaped backslash) is kept.
fn drop_colon_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(':') => out.push(':'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The media type of inline base64 data, from its `TYPE` (removed from the
/// parameters) or from the data's first bytes.
fn media_type(p: &mut Prop, data: &str) -> String {
    let kind = p.name.to_ascii_uppercase();
    let media_for = |t: &str| -> Option<String> {
        let t = t.to_ascii_lowercase();
        if t.contains('/') {
            return Some(t);
        }
        let image = matches!(
            t.as_str(),
            "jpeg" | "jpg" | "png" | "gif" | "bmp" | "tiff" | "webp" | "heic"
        );
        let audio = matches!(
            t.as_str(),
            "wave" | "wav" | "pcm" | "aiff" | "mp3" | "mpeg" | "ogg" | "basic"
        );
        match (kind.as_str(), t.as_str()) {
            ("PHOTO" | "LOGO", "jpg") => Some("image/jpeg".into()),
            ("PHOTO" | "LOGO", _) if image => Some(format!("image/{t}")),
            ("SOUND", "wave" | "wav" | "pcm") => Some("audio/wav".into()),
            ("SOUND", _) if audio => Some(format!("audio/{t}")),
            ("KEY", "x509") => Some("application/pkix-cert".into()),
            ("KEY", "pgp") => Some("application/pgp-keys".into()),
            _ => None,
        }
    };
    let mut found = None;
    for param in p
        .params
        .iter_mut()
        .filter(|q| q.name == "TYPE" || q.name == "MEDIATYPE")
    {
        if let Some(pos) = param.values.iter().position(|v| media_for(v).is_some()) {
            found = media_for(&param.values.remove(pos));
            break;
        }
    }
    p.params.retain(|q| !q.values.is_empty() && q.name != "ENCODING");
    found.unwrap_or_else(|| {
        let sniffed = [
            ("/9j/", "image/jpeg"),
            ("iVBORw0KGgo", "image/png"),
            ("R0lGOD", "image/gif"),
        ];
        sniffed
            .iter()
            .find(|(prefix, _)| data.starts_with(prefix))
            .map_or("application/octet-stream", |(_, m)| m)
            .to_string()
    })
}

/// Parameters as written back: names upper-cased, all `TYPE` values in one
/// `TYPE`, `ENCODING` and `CHARSET` left out (the value is decoded).
fn params_out(params: &[Param]) -> String {
    let mut merged: Vec<Param> = Vec::new();
    for p in params {
        if (p.name == "ENCODING" && p.values.iter().all(|v| is_transfer_encoding(v))) || p.name == "CHARSET" {
            continue;
        }
        match merged.iter_mut().find(|m| m.name == "TYPE" && p.name == "TYPE") {
            Some(m) => m.values.extend(p.values.iter().cloned()),
            None => merged.push(p.clone()),
        }
    }
    let mut out = String::new();
    for p in merged {
        out.push(';');
        out.push_str(&p.name);
        out.push('=');
        let values: Vec<String> = p.values.iter().map(|v| param_out(v)).collect();
        out.push_str(&values.join(","));
    }
    out
}

fn is_transfer_encoding(v: &str) -> bool {
    ["QUOTED-PRINTABLE", "Q", "BASE64", "B", "8BIT", "7BIT"]
        .iter()
        .any(|e| v.eq_ignore_ascii_case(e))
}

/// A parameter value, quoted when it holds `,` `;` or `:`.
fn param_out(v: &str) -> String {
    let v: String = v
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect();
    if v.contains([',', ';', ':']) {
        format!("\"{v}\"")
    } else {
        v
    }
}

// ---------------------------------------------------------------------------
// Writing

fn write_card(out: &mut String, c: &Contact) {
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
    apply(&mut probe, p);
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

// ---------------------------------------------------------------------------
// Small helpers

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn trim_end(b: &[u8]) -> &[u8] {
    let n = b.iter().rev().take_while(|c| c.is_ascii_whitespace()).count();
    &b[..b.len() - n]
}

fn starts_with_ci(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Contact {
        let mut cards = read(text.as_bytes());
        assert_eq!(cards.len(), 1, "{cards:?}");
        match cards.remove(0) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn unfolds_folded_lines_with_space_or_tab() {
        let c = one(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nguyễn Thị\r\n  Hồng Nhung\r\nNOTE:line one\\nli\r\n\tne two\r\nEND:VCARD\r\n",
        );
        assert_eq!(c.name, "Nguyễn Thị Hồng Nhung");
        assert_eq!(c.notes, "line one\nline two");
    }

    #[test]
    fn line_ends_lf_cr_and_cr_cr_lf() {
        for sep in ["\n", "\r", "\r\r\n", "\r\n"] {
            let text = [
                "BEGIN:VCARD",
                "FN:A",
                " B",
                "EMAIL:a@b.c",
                "END:VCARD",
                "BEGIN:VCARD",
                "FN:C",
                "END:VCARD",
            ]
            .join(sep);
            let cards = read(text.as_bytes());
            let cards: Vec<Contact> = cards.into_iter().map(|c| c.expect("card")).collect();
            assert_eq!(cards[0].name, "AB", "{sep:?}");
            assert_eq!(cards[0].emails, ["a@b.c"]);
            assert_eq!((cards[0].line, cards[1].line), (1, 6), "{sep:?}");
        }
    }

    #[test]
    fn quoted_printable_soft_breaks_and_charsets() {
        let c = one(concat!(
            "BEGIN:VCARD\r\nVERSION:2.1\r\n",
            "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Nguy=E1=BB=85n;Th=E1=BB=8B =\r\n",
            "H=E1=BB=93ng;;;\r\n",
            "FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Fran=E7ois M=FCller\r\n",
            "ORG;CHARSET=windows-1258;QUOTED-PRINTABLE:C=F4ng ty =D0i=EA=CCn\r\n",
            "NOTE;ENCODING=QUOTED-PRINTABLE:first=0D=0A=\r\n",
            "second=\r\n",
            "\r\n",
            "TITLE:Boss\r\n",
            "END:VCARD\r\n"
        ));
        assert_eq!(c.family, "Nguyễn");
        assert_eq!(c.given, "Thị Hồng");
        assert_eq!(c.name, "François Müller");
        // windows-1258 writes the tone mark as a combining character: NFC composes it.
        assert_eq!(c.company, "Công ty Điền");
        assert_eq!(c.notes, "first\nsecond");
        assert_eq!(c.title, "Boss");
    }

    #[test]
    fn raw_8bit_values_follow_their_charset_or_fall_back_to_windows_1252() {
        let mut bytes = b"BEGIN:VCARD\r\nFN;CHARSET=ISO-8859-1:M\xFCller\r\nNOTE:caf\xE9 \xE2\x82\xAC\r\n".to_vec();
        bytes.extend_from_slice(b"TITLE;CHARSET=GBK:\xD5\xC5\r\nEND:VCARD\r\n");
        let c = read(&bytes).remove(0).expect("card");
        assert_eq!(c.name, "Müller");
        assert_eq!(c.notes, "café €");
        assert!(
            c.extra.contains(&"X-GUANXI-UNDECODED;X-CHARSET=GBK:TITLE".to_string()),
            "{:?}",
            c.extra
        );
    }

    #[test]
    fn bare_and_repeated_types_and_quoted_params() {
        let c = one(concat!(
            "BEGIN:VCARD\r\nVERSION:2.1\r\nTEL;WORK;VOICE:(111) 555-1111\r\n",
            "TEL;TYPE=work;TYPE=voice:222\r\nTEL;type=WORK,VOICE:333\r\n",
            "TEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+1-418-656-9254;ext=102\r\n",
            "X-MS-TEL;VOICE;CALLBACK:444\r\nURL;TYPE=work;X-UUID=\"a:b;c\":http://x\r\nEND:VCARD\r\n"
        ));
        assert_eq!(c.phones, ["(111) 555-1111", "222", "333", "+1-418-656-9254;ext=102"]);
        assert_eq!(
            c.extra,
            [
                "X-MS-TEL;TYPE=VOICE,CALLBACK:444",
                "URL;TYPE=work;X-UUID=\"a:b;c\":http://x"
            ]
        );
    }

    #[test]
    fn grouped_items_strip_known_and_keep_labels() {
        let c = one(concat!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nitem1.EMAIL;type=INTERNET:a@b.c\r\n",
            "item1.X-ABLabel:Office\r\nitem2.URL:http\\://x.com\r\nEND:VCARD\r\n"
        ));
        assert_eq!(c.emails, ["a@b.c"]);
        assert_eq!(c.extra, ["item1.X-ABLabel:Office", "item2.URL:http://x.com"]);
    }

    #[test]
    fn unescapes_text_and_structured_values() {
        let c = one(concat!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Doe\\, John \\\\ Co\\; Ltd\r\n",
            "N:Doe;John;Richter,James;Mr.;Sr.\r\nORG:IBM;Accounting\\; Tax;;\r\n",
            "ADR;TYPE=HOME:;;123 Home St\\nHome City\\, HM 12345;;;;\r\n",
            "ADR:;;Silicon Alley 5,;New York;;12345;USA\r\nCATEGORIES:a\\,b,c , ,d\r\nEND:VCARD\r\n"
        ));
        assert_eq!(c.name, "Doe, John \\ Co; Ltd");
        assert_eq!(
            (c.family.as_str(), c.given.as_str(), c.middle.as_str()),
            ("Doe", "John", "Richter James")
        );
        assert_eq!(c.company, "IBM / Accounting; Tax");
        assert_eq!(
            c.addresses,
            [
                "123 Home St, Home City, HM 12345",
                "Silicon Alley 5, New York, 12345, USA"
            ]
        );
        assert_eq!(c.tags, ["a,b", "c", "d"]);
    }

    #[test]
    fn escapes_what_it_writes() {
        assert_eq!(escape("a\\b,c;d\ne\r\nf"), "a\\\\b\\,c\\;d\\ne\\nf");
        let c = Contact {
            name: "Doe, John; \\ Jr.".into(),
            notes: "one\ntwo, three".into(),
            ..Contact::default()
        };
        let text = write(std::slice::from_ref(&c));
        assert!(text.contains("FN:Doe\\, John\\; \\\\ Jr.\r\n"), "{text}");
        assert!(text.contains("NOTE:one\\ntwo\\, three\r\n"), "{text}");
        assert_eq!(one(&text), Contact { line: 1, ..c });
    }

    #[test]
    fn folds_at_75_octets_between_characters() {
        let name = "Nguyễn Thị Hồng Nhung 阮氏红绒 深圳华信科技有限公司 ".repeat(6);
        let name = name.trim().to_string();
        let c = Contact {
            name: name.clone(),
            notes: "张伟".repeat(80),
            ..Contact::default()
        };
        let text = write(std::slice::from_ref(&c));
        assert!(text.ends_with("\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        assert!(text.split("\r\n").any(|l| l.starts_with(' ')), "something was folded");
        // Folded as late as possible: a line followed by a continuation is
        // at least 72 octets (a character is at most 4).
        let lines: Vec<&str> = text.split("\r\n").collect();
        for pair in lines.windows(2) {
            if pair[1].starts_with(' ') {
                assert!(pair[0].len() >= 72, "folded early: {}", pair[0]);
            }
        }
        // Every line is whole UTF-8 (split on CRLF of a String), and unfolding gives the same contact.
        let back = one(&text);
        assert_eq!(back.name, name);
        assert_eq!(back.notes, c.notes);
    }

    #[test]
    fn writes_vcard_4() {
        let mut c = Contact {
            name: "Nguyễn Thị Hồng Nhung".into(),
            given: "Thị Hồng Nhung".into(),
            family: "Nguyễn".into(),
            company: "Công ty Điền / Phòng kinh doanh".into(),
            title: "Giám đốc".into(),
            emails: vec!["nhung@example.vn".into()],
            phones: vec!["+84 28 3822 1234".into()],
            addresses: vec!["12 Lê Lợi, Quận 1, TP. Hồ Chí Minh".into()],
            notes: "Gặp ở hội chợ; thích trà.\nGọi lại tháng 3".into(),
            tags: vec!["VIP".into(), "khách, quen".into()],
            extra: vec!["BDAY:1980-03-22".into(), "item1.X-ABLabel:Office".into()],
            ..Contact::default()
        };
        c.more.insert("stage".into(), "build".into());
        let expected = concat!(
            "BEGIN:VCARD\r\n",
            "VERSION:4.0\r\n",
            "FN:Nguyễn Thị Hồng Nhung\r\n",
            "N:Nguyễn;Thị Hồng Nhung;;;\r\n",
            "ORG:Công ty Điền;Phòng kinh doanh\r\n",
            "TITLE:Giám đốc\r\n",
            "EMAIL:nhung@example.vn\r\n",
            "TEL:+84 28 3822 1234\r\n",
            "ADR:;;12 Lê Lợi\\, Quận 1\\, TP. Hồ Chí Minh;;;;\r\n",
            "NOTE:Gặp ở hội chợ\\; thích trà.\\nGọi lại tháng 3\r\n",
            "CATEGORIES:VIP,khách\\, quen\r\n",
            "X-GUANXI-FIELD;KEY=stage:build\r\n",
            "BDAY:1980-03-22\r\n",
            "item1.X-ABLabel:Office\r\n",
            "END:VCARD\r\n",
        );
        assert_eq!(write(std::slice::from_ref(&c)), expected);
        assert_eq!(one(expected), Contact { line: 1, ..c });
    }

    #[test]
    fn name_parts_are_kept_beside_the_full_name() {
        let c = one("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Lê Lợi\r\nN:Lê;Lợi;;;\r\nEND:VCARD\r\n");
        assert_eq!(
            (c.name.as_str(), c.family.as_str(), c.given.as_str()),
            ("Lê Lợi", "Lê", "Lợi")
        );
        let parts_only = one("BEGIN:VCARD\r\nVERSION:3.0\r\nN:张;伟;;;\r\nEND:VCARD\r\n");
        assert_eq!(parts_only.name, "");
        assert_eq!(parts_only.display_name(), "张伟");
        let text = write(std::slice::from_ref(&parts_only));
        assert!(text.contains("FN:\r\nN:张;伟;;;\r\n"), "{text}");
        // A second FN or N is extra; an empty one is skipped.
        let two = one("BEGIN:VCARD\r\nFN:\r\nFN:A\r\nFN:B\r\nN:;;;;\r\nN:X;Y;;;\r\nN:Z;;;;\r\nEND:VCARD\r\n");
        assert_eq!((two.name.as_str(), two.family.as_str()), ("A", "X"));
        assert_eq!(two.extra, ["FN:B", "N:Z;;;;"]);
    }

    #[test]
    fn photos_become_data_uris_in_extra() {
        let c = one(concat!(
            "BEGIN:VCARD\r\nVERSION:2.1\r\nPHOTO;ENCODING=BASE64;JPEG:/9j/4AAQ\r\n",
            " SkZJRg==\r\n\r\nKEY;X509;ENCODING=BASE64:\r\n    MIID\r\n    ITCC\r\n\r\n",
            "LOGO;BASE64:\r\niVBORw0KGgoAAAA\r\nNSUhEUgAA\r\n\r\nFN:A\r\nEND:VCARD\r\n"
        ));
        assert_eq!(
            c.extra,
            [
                "PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRg==",
                "KEY:data:application/pkix-cert;base64,MIIDITCC",
                "LOGO:data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA",
            ]
        );
        assert_eq!(c.name, "A");
    }

    #[test]
    fn robust_card_boundaries() {
        let text = concat!(
            "garbage\r\nBEGIN:VCARD\r\nFN:One\r\nBEGIN:VCARD\r\nFN:Two\r\nEND:VCARD\r\nmore garbage\r\n",
            "BEGIN:VCARD\r\nEND:VCARD\r\nBEGIN:VCARD\r\nnot a property\r\nEND:VCARD\r\n",
            "BEGIN:VCARD\r\nFN:Boss\r\nAGENT:\r\nBEGIN:VCARD\r\nFN:Secretary\r\nEND:VCARD\r\nTEL:1\r\nEND:VCARD\r\n",
            "BEGIN:VCARD\r\nTEL:123\r\nstray line\r\nBEGIN:VCARD\r\nFN:Last"
        );
        let cards = read(text.as_bytes());
        let summary: Vec<String> = cards
            .iter()
            .map(|c| match c {
                Ok(c) => format!("{} {}", c.line, c.display_name()),
                Err(e) => format!("{} error", e.line),
            })
            .collect();
        assert_eq!(
            summary,
            ["2 One", "4 Two", "8 error", "10 error", "13 Boss", "21 ", "24 Last"]
        );
        let boss = cards[4].as_ref().expect("boss");
        assert_eq!(boss.phones, ["1"]);
        let nameless = cards[5].as_ref().expect("nameless");
        assert_eq!(nameless.phones, ["123"]);
        assert_eq!(nameless.extra, ["stray line"]);
        let err = read(b"BEGIN:VCARD\r\nFN:A\x00B\r\nEND:VCARD")
            .remove(0)
            .expect_err("binary");
        assert_eq!(err.line, 1);
        assert!(err.to_string().starts_with("line 1: binary data"), "{err}");
    }

    #[test]
    fn stray_and_structural_extras_are_wrapped_and_come_back() {
        let c = Contact {
            name: "A".into(),
            extra: vec![
                "Albaney, New York".into(),
                "END:VCARD".into(),
                " indented".into(),
                "BDAY:1980-03-22".into(),
            ],
            ..Contact::default()
        };
        let text = write(std::slice::from_ref(&c));
        assert!(text.contains("X-GUANXI-UNPARSED:END:VCARD\r\n"), "{text}");
        assert!(text.contains("\r\nBDAY:1980-03-22\r\n"), "{text}");
        let back = one(&text);
        assert_eq!(
            back.extra,
            ["Albaney, New York", "END:VCARD", "indented", "BDAY:1980-03-22"]
        );
    }

    #[test]
    fn more_fields_round_trip() {
        let mut c = Contact {
            name: "A".into(),
            ..Contact::default()
        };
        c.more.insert("stage".into(), "build".into());
        c.more.insert("situation".into(), "two lines\nhere; really".into());
        let back = one(&write(std::slice::from_ref(&c)));
        assert_eq!(back.more, c.more);
    }

    #[test]
    fn company_units_split_back_into_org_components() {
        let c = one("BEGIN:VCARD\r\nORG:IBM;Accounting;Dungeon\r\nEND:VCARD\r\n");
        assert_eq!(c.company, "IBM / Accounting / Dungeon");
        assert!(write(std::slice::from_ref(&c)).contains("ORG:IBM;Accounting;Dungeon\r\n"));
        let odd = Contact {
            company: "A /  / B".into(),
            ..Contact::default()
        };
        assert_eq!(one(&write(std::slice::from_ref(&odd))).company, "A /  / B");
    }

    #[test]
    fn tel_uris_and_text_numbers() {
        let c = one("BEGIN:VCARD\r\nTEL:tel:+84 28 1234\r\nTEL;VALUE=text:tel:not a uri\r\nEND:VCARD\r\n");
        assert_eq!(c.phones, ["+84 28 1234", "tel:not a uri"]);
        let back = one(&write(std::slice::from_ref(&c)));
        assert_eq!(back.phones, c.phones);
    }

    #[test]
    fn detects_vcard() {
        assert!(looks_like(b"\xEF\xBB\xBF \r\n\tbegin:vcard\r\n"));
        assert!(looks_like(b"BEGIN:VCARD"));
        assert!(looks_like(&[
            0xFF, 0xFE, b'B', 0, b'E', 0, b'G', 0, b'I', 0, b'N', 0, b':', 0, b'V', 0, b'C', 0, b'A', 0, b'R', 0, b'D',
            0
        ]));
        assert!(!looks_like(b"Name,Email\r\nBEGIN:VCARD"));
        assert!(!looks_like(b"BEGIN:VCALENDAR"));
        assert!(!looks_like(b""));
    }

    /// Cases proptest found: a NUL decoded from base64, an unwrapped line
    /// that names a field, a line break decoded into an unwrapped line.
    #[test]
    fn what_is_read_is_written_back_the_same() {
        let inputs: [&[u8]; 4] = [
            b"BEGIN:VCARD\r\nFN;BASE64:=0D=0A\r\n",
            b"begin:vcard\r\nX-GUANXI-UNPARSED:tel:+1\r\n",
            b"begin:vcard\r\nX-GUANXI-UNPARSED;BASE64:a;b;c\r\nADR=C3=91=20\r\n",
            b"BEGIN:VCARD\r\nN:;;;;\r\nFN:\r\nX-GUANXI-UNPARSED:N:;;;;\r\nX-GUANXI-UNPARSED:ORG:x\r\n",
        ];
        for input in inputs {
            let first = read(input).remove(0).expect("card");
            let text = write(std::slice::from_ref(&first));
            assert_eq!(one(&text), Contact { line: 1, ..first }, "{text}");
        }
    }

    #[test]
    fn reads_utf16() {
        let text = "BEGIN:VCARD\r\nFN:Trần Văn Đức\r\nEND:VCARD\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read(&bytes).remove(0).expect("card").name, "Trần Văn Đức");
    }
}
