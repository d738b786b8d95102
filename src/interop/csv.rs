//! Contacts as CSV: read from Google Contacts (both export layouts),
//! Outlook, other CRMs and guanxi itself; written in guanxi's own layout.
//!
//! Reading never stops at a bad row: every data row gives a [`Contact`] or a
//! [`RowError`] with the physical line the row starts on, and only a file
//! without a usable header row is refused as a whole.
//!
//! The layouts, as the programs write them:
//! - Google, old ("Google CSV" before 2020): `Name,Given Name,Additional
//!   Name,Family Name,Yomi Name,...,Notes,Group Membership,E-mail 1 - Type,
//!   E-mail 1 - Value,...,Phone 1 - Type,Phone 1 - Value,...,Address 1 -
//!   Type,Address 1 - Formatted,Address 1 - Street,...,Organization 1 -
//!   Type,Organization 1 - Name,Organization 1 - Yomi Name,Organization 1 -
//!   Title,...,Website 1 - Type,Website 1 - Value`.
//! - Google, new: `First Name,Middle Name,Last Name,Phonetic First Name,...,
//!   File As,Organization Name,Organization Title,Organization Department,
//!   Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,...,
//!   Phone 1 - Label,Phone 1 - Value,...,Address 1 - Label,Address 1 -
//!   Formatted,Address 1 - Street,...`.
//!
//!   Both put several values of one kind in one cell, separated by ` ::: `,
//!   and mark system groups with `* ` (`* myContacts`, `* starred`).
//! - Outlook: Outlook.com and Google's "Outlook CSV" write `First Name,
//!   Middle Name,Last Name,Title,Suffix,...,Notes,E-mail Address,E-mail 2
//!   Address,...,Home Address,Home Street,...,Company,Job Title,...,
//!   Categories`; desktop Outlook's export wizard writes `"Title","First
//!   Name",...,"Business Street",...,"Business Country/Region",...,"E-mail
//!   Address","E-mail Type","E-mail Display Name",...,"Web Page"`, often as
//!   UTF-16. Both are read by column name, so their order does not matter.
//!   Outlook's `Title` is the courtesy title (Mr., Dr.), not the job title.

use std::collections::BTreeSet;

use super::Contact;
use crate::domain::draft::CustomerInput;
use crate::domain::text::{clean, squash};

/// Which program a CSV came from, as recognised from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    GoogleOld,
    GoogleNew,
    Outlook,
    Guanxi,
    Generic,
}

/// What a column feeds. Keys for `Field` are guanxi's own field names (as
/// in `CustomerInput::key()`: "stage", "segment", "trust", ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Name,
    Given,
    Middle,
    Family,
    Company,
    Title,
    Email,
    Phone,
    /// A whole address (one per value).
    Address,
    /// One part of an address (street, city, ...): the parts of one group
    /// (Outlook's Business/Home/Other, Google's Address N) make one address.
    AddressPart,
    Notes,
    Tags,
    Field(String),
    /// Not read into a field; non-empty values are kept in `extra` as
    /// `Column: value`.
    Ignore,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("{}", crate::i18n::t("import.error.empty"))]
    Empty,
    /// A problem that stops the whole file (no header row).
    #[error("{}", crate::i18n::tf("import.error.at_line", &[("line", line), ("message", message)]))]
    Malformed { line: usize, message: String },
    /// An override names a column the file lacks, or a field guanxi lacks.
    #[error("{0}")]
    BadMapping(String),
    /// No column can name a customer (name, company, email or phone): the
    /// columns, for the message.
    #[error("{}", crate::i18n::tf("import.error.no_name_column", &[("columns", .0)]))]
    NoNameColumn(String),
    /// No column is one guanxi knows and the rows do not line up with the
    /// header: not a CSV file at all.
    #[error("{}", crate::i18n::t("import.error.not_csv"))]
    NotCsv,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::i18n::tf("import.error.at_line", &[("line", line), ("message", message)]))]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRead {
    pub layout: Layout,
    pub delimiter: u8,
    /// Each header column and what it was mapped to, for the import preview.
    pub mapping: Vec<(String, Target)>,
    /// One entry per data row: the contact, or why the row could not be
    /// read. A bad row never stops the others.
    pub rows: Vec<Result<Contact, RowError>>,
}

/// Separates several values in one cell (Google's convention, and ours).
const MULTI: &str = " ::: ";

/// The columns guanxi's own layout starts with; `more` keys and `Extra` follow.
const GUANXI_HEADER: [&str; 8] = [
    "Name", "Company", "Title", "Emails", "Phones", "Address", "Tags", "Notes",
];
const GUANXI_EXTRA: &str = "Extra";

/// Reads a CSV file. `overrides` come from `--map COLUMN=FIELD`. Never
/// panics, whatever the bytes.
pub fn read(bytes: &[u8], overrides: &[(String, String)]) -> Result<CsvRead, CsvError> {
    let text = decode(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.trim().is_empty() {
        return Err(CsvError::Empty);
    }
    let (body, lines_before, forced) = split_sep_line(text);
    let delimiter = forced.unwrap_or_else(|| detect_delimiter(body));

    let mut records = parse(body, delimiter, lines_before).into_iter();
    let header = match records.next() {
        None => return Err(CsvError::Empty),
        Some(Err(e)) => {
            return Err(CsvError::Malformed {
                line: e.line,
                message: crate::i18n::tf("import.error.bad_header", &[("message", &e.message)]),
            });
        }
        Some(Ok(r)) if r.cells.iter().all(|c| c.trim().is_empty()) => {
            return Err(CsvError::Malformed {
                line: r.line,
                message: crate::i18n::t("import.error.no_header").to_string(),
            });
        }
        Some(Ok(r)) => r,
    };

    let headers: Vec<String> = header
        .cells
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = one_line(h);
            if h.is_empty() { format!("Column {}", i + 1) } else { h }
        })
        .collect();
    let layout = detect_layout(&headers);
    let mut columns = plan(layout, &headers);
    apply_overrides(&mut columns, overrides)?;
    let names = |t: &Target| {
        matches!(
            t,
            Target::Name
                | Target::Given
                | Target::Middle
                | Target::Family
                | Target::Company
                | Target::Email
                | Target::Phone
        )
    };
    if !columns.iter().any(|c| names(&c.target)) {
        // Every row would be skipped: say why once, instead of once a row.
        let known = columns.iter().any(|c| c.target != Target::Ignore);
        let rows: Vec<_> = records.take(200).collect();
        let uneven = rows
            .iter()
            .filter(|r| r.as_ref().map_or(true, |r| r.cells.len() != headers.len()))
            .count();
        return Err(if !known && uneven * 5 > rows.len() {
            CsvError::NotCsv
        } else {
            CsvError::NoNameColumn(headers.join(", "))
        });
    }

    let rows = records
        .filter_map(|r| match r {
            Ok(r) => contact(layout, &columns, r).transpose(),
            Err(e) => Some(Err(e)),
        })
        .collect();
    Ok(CsvRead {
        layout,
        delimiter,
        mapping: columns.into_iter().map(|c| (c.header, c.target)).collect(),
        rows,
    })
}

/// True when the bytes look like a CSV with a header row (for format
/// detection, after vCard and JSON were ruled out): the first line splits
/// on the detected delimiter into 2+ columns.
pub fn looks_like(bytes: &[u8]) -> bool {
    let text = decode(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = text.trim_start_matches(['\r', '\n']);
    if text.is_empty() {
        return false;
    }
    if split_sep_line(text).2.is_some() {
        return true;
    }
    count_outside_quotes(first_record(text), detect_delimiter(text)) >= 1
}

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

// ---------------------------------------------------------------------------
// Decoding

/// The text of a file: UTF-8 (with or without BOM), UTF-16 (with a BOM, or
/// without one when the zero bytes say so), else Windows-1252, which maps
/// every byte to a character, so nothing turns into replacement characters
/// when a real decoding exists.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return match std::str::from_utf8(rest) {
            Ok(s) => s.to_string(),
            Err(_) => windows_1252(rest),
        };
    }
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(rest, false);
    }
    if let Some(little_endian) = utf16_without_bom(bytes) {
        return utf16(bytes, little_endian);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => windows_1252(bytes),
    }
}

fn utf16(bytes: &[u8], little_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|p| {
        if little_endian {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// UTF-16 without a BOM shows as text whose every other byte is zero (for
/// the ASCII of a CSV header at least); text files never contain zero bytes
/// otherwise. `Some(true)` for little-endian.
fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    if bytes.len() < 4 || !bytes.contains(&0) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    let zero_even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let zero_odd = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if zero_odd * 2 >= pairs && zero_even * 10 < pairs {
        Some(true)
    } else if zero_even * 2 >= pairs && zero_odd * 10 < pairs {
        Some(false)
    } else {
        None
    }
}

fn windows_1252(bytes: &[u8]) -> String {
    // 0x80..=0x9F; the five undefined bytes map to the C1 control of the
    // same number, as the WHATWG encoding standard does.
    const HIGH: [char; 32] = [
        '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2c6}',
        '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}', '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}',
        '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}',
        '\u{153}', '\u{9d}', '\u{17e}', '\u{178}',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Splitting into records

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Excel writes `sep=;` as a first line to name the delimiter: the text
/// after it, the number of lines it took, and the delimiter it names.
fn split_sep_line(text: &str) -> (&str, usize, Option<u8>) {
    let (first, rest) = match text.find('\n') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    let first = first.strip_suffix('\r').unwrap_or(first);
    if let Some(sep) = first.strip_prefix("sep=").or_else(|| first.strip_prefix("SEP="))
        && let [b] = sep.as_bytes()
        && (DELIMITERS.contains(b) || b.is_ascii_punctuation())
    {
        return (rest, 1, Some(*b));
    }
    (text, 0, None)
}

/// The text of the first record: up to the first line end outside quotes.
fn first_record(text: &str) -> &str {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '\r' | '\n' if !quoted => return &text[..i],
            _ => {}
        }
    }
    text
}

fn count_outside_quotes(s: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    s.bytes()
        .filter(|&b| {
            if b == b'"' {
                quoted = !quoted;
            }
            !quoted && b == delimiter
        })
        .count()
}

/// The candidate that occurs most often in the header line, outside
/// quotes; `,` when none does (a file with one column).
fn detect_delimiter(text: &str) -> u8 {
    let header = first_record(text.trim_start_matches(['\r', '\n']));
    let mut best = (0, b',');
    for d in DELIMITERS {
        let n = count_outside_quotes(header, d);
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

struct Record {
    line: usize,
    cells: Vec<String>,
}

/// Every record of `text`, with the physical line each starts on
/// (`lines_before` lines precede `text` in the file).
///
/// A stray or missing quote makes a plain CSV reader pair every later
/// quote wrongly, or swallow the rest of the file into one cell. Here the
/// record whose quote goes wrong is reported and reading resumes on the
/// line after that quote. What is read again holds no quote that still
/// counts, so each byte is looked at about twice at most.
fn parse(text: &str, delimiter: u8, lines_before: usize) -> Vec<Result<Record, RowError>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut before = lines_before;
    loop {
        let bad = find_bad_quote(rest, delimiter);
        let end = bad.as_ref().map(|b| b.record_start).unwrap_or(rest.len());
        parse_clean(&rest[..end], delimiter, before, &mut out);
        let Some(b) = bad else { break };
        let key = match (b.quote_line == b.record_line, b.never_closed) {
            (true, true) => "import.error.quote_never_closed",
            (true, false) => "import.error.quote_misplaced",
            (false, true) => "import.error.quote_never_closed_from",
            (false, false) => "import.error.quote_misplaced_from",
        };
        out.push(Err(RowError {
            line: before + b.record_line,
            message: crate::i18n::tf(key, &[("line", &(before + b.quote_line))]),
        }));
        rest = &rest[b.resume..];
        before += b.quote_line;
    }
    out
}

fn parse_clean(text: &str, delimiter: u8, lines_before: usize, out: &mut Vec<Result<Record, RowError>>) {
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    // The record's position is where the reader started looking for it,
    // which may be before blank lines or the `\n` of a CRLF: skip those.
    let line_at = |byte: usize| {
        let start = text.as_bytes()[byte.min(text.len())..]
            .iter()
            .position(|b| *b != b'\r' && *b != b'\n')
            .map(|p| byte + p)
            .unwrap_or(text.len());
        lines_before + 1 + newlines.partition_point(|&n| n < start)
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let byte = record.position().map(|p| p.byte()).unwrap_or(0);
                out.push(Ok(Record {
                    line: line_at(usize::try_from(byte).unwrap_or(usize::MAX)),
                    cells: record.iter().map(str::to_string).collect(),
                }));
            }
            Ok(false) => break,
            Err(e) => {
                let byte = e.position().map(|p| p.byte()).unwrap_or(0);
                out.push(Err(RowError {
                    line: line_at(usize::try_from(byte).unwrap_or(usize::MAX)),
                    message: e.to_string(),
                }));
                // A reader error other than I/O does not stop the reader,
                // but guard against one that would repeat forever.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
}

struct BadQuote {
    /// Byte where the record holding the quote starts.
    record_start: usize,
    /// Lines (1-based, within the text) of the record and of the quote.
    record_line: usize,
    quote_line: usize,
    /// Byte where the line after the quote's starts.
    resume: usize,
    /// The quote is still open at the end of the text (else it closed on a
    /// later line, followed by more text).
    never_closed: bool,
}

/// Finds the first quote that goes wrong, following the csv crate's rules
/// (RFC 4180 with doubled quotes; a quote is special only at the start of
/// a field): one that opens a value and is never closed, or one whose value
/// runs over a line end and whose closing quote is followed by more text,
/// which RFC 4180 forbids and which, in practice, means an earlier quote
/// was missing or extra.
fn find_bad_quote(text: &str, delimiter: u8) -> Option<BadQuote> {
    #[derive(PartialEq)]
    enum S {
        StartRecord,
        StartField,
        Field,
        Quoted,
        QuoteInQuoted,
    }
    let bytes = text.as_bytes();
    let (mut state, mut line) = (S::StartRecord, 1);
    let (mut record_start, mut record_line, mut quote_at, mut quote_line) = (0, 1, 0, 1);
    let bad = |record_start, record_line, quote_at: usize, quote_line, never_closed| {
        let resume = bytes[quote_at..]
            .iter()
            .position(|b| *b == b'\n')
            .map(|p| quote_at + p + 1)
            .unwrap_or(bytes.len());
        Some(BadQuote {
            record_start,
            record_line,
            quote_line,
            resume,
            never_closed,
        })
    };
    for (i, &b) in bytes.iter().enumerate() {
        let end_of_line = b == b'\r' || b == b'\n';
        if state == S::StartRecord && !end_of_line {
            record_start = i;
            record_line = line;
        }
        state = match state {
            S::StartRecord | S::StartField => {
                if b == b'"' {
                    quote_at = i;
                    quote_line = line;
                    S::Quoted
                } else if b == delimiter {
                    S::StartField
                } else if end_of_line {
                    S::StartRecord
                } else {
                    S::Field
                }
            }
            S::Field => {
                if b == delimiter {
                    S::StartField
                } else if end_of_line {
                    S::StartRecord
                } else {
                    S::Field
                }
            }
            S::Quoted => {
                if b == b'"' {
                    S::QuoteInQuoted
                } else {
                    S::Quoted
                }
            }
            S::QuoteInQuoted => {
                if b == b'"' {
                    S::Quoted
                } else if b == delimiter {
                    S::StartField
                } else if end_of_line {
                    S::StartRecord
                } else if line > quote_line {
                    return bad(record_start, record_line, quote_at, quote_line, false);
                } else {
                    S::Field
                }
            }
        };
        if b == b'\n' {
            line += 1;
        }
    }
    if state != S::Quoted {
        return None;
    }
    bad(record_start, record_line, quote_at, quote_line, true)
}

// ---------------------------------------------------------------------------
// Header mapping

/// What each column feeds, and how its values are treated.
#[derive(Debug, Clone)]
struct Column {
    header: String,
    target: Target,
    /// The address a part or a formatted address belongs to.
    group: Option<String>,
    /// Where a part goes in its address: street, PO box, city, region,
    /// postal code, country.
    rank: u8,
    /// Values that are a program's placeholders, not data (Outlook's
    /// `Sensitivity: Normal`): not kept in `extra`. `["*"]`: none kept.
    placeholders: &'static [&'static str],
    /// guanxi's `Extra` column: values go to `extra` as they are.
    raw_extra: bool,
}

impl Column {
    fn new(header: &str, target: Target) -> Column {
        Column {
            header: header.to_string(),
            target,
            group: None,
            rank: 0,
            placeholders: &[],
            raw_extra: false,
        }
    }

    fn part(mut self, group: String, rank: u8) -> Column {
        self.group = Some(group);
        self.rank = rank;
        self
    }
}

/// A header for matching: lower case, single spaces.
fn norm(h: &str) -> String {
    h.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn detect_layout(headers: &[String]) -> Layout {
    let norms: Vec<String> = headers.iter().map(|h| norm(h)).collect();
    let has = |name: &str| norms.iter().any(|n| n == name);
    let guanxi = norms.len() > GUANXI_HEADER.len()
        && GUANXI_HEADER.iter().zip(&norms).all(|(g, n)| g.to_lowercase() == *n)
        && norms.last().is_some_and(|n| n == "extra");
    if guanxi {
        return Layout::Guanxi;
    }
    let numbered = |part: &str| norms.iter().any(|n| numbered(n).is_some_and(|(_, p)| p == part));
    if has("given name")
        && has("family name")
        && (has("additional name") || has("group membership") || numbered("type"))
    {
        return Layout::GoogleOld;
    }
    if has("first name")
        && has("last name")
        && (has("labels")
            || has("organization name")
            || has("file as")
            || has("phonetic first name")
            || numbered("label"))
    {
        return Layout::GoogleNew;
    }
    const OUTLOOK: [&str; 12] = [
        "e-mail address",
        "e-mail 2 address",
        "business phone",
        "home phone",
        "mobile phone",
        "primary phone",
        "business street",
        "home street",
        "business fax",
        "job title",
        "categories",
        "internet free busy",
    ];
    if has("first name") && OUTLOOK.iter().filter(|o| has(o)).count() >= 3 {
        return Layout::Outlook;
    }
    Layout::Generic
}

/// Google's numbered columns, `E-mail 2 - Value`: ("e-mail", "value"),
/// tolerant of spacing.
fn numbered(n: &str) -> Option<(String, String)> {
    let (left, part) = n.rsplit_once('-')?;
    let (kind, number) = left.trim().rsplit_once(' ')?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((kind.trim().to_string(), part.trim().to_string()))
}

fn plan(layout: Layout, headers: &[String]) -> Vec<Column> {
    match layout {
        Layout::Guanxi => plan_guanxi(headers),
        Layout::GoogleOld | Layout::GoogleNew => headers.iter().map(|h| google_column(h)).collect(),
        Layout::Outlook => headers.iter().map(|h| outlook_column(h)).collect(),
        Layout::Generic => plan_generic(headers),
    }
}

fn plan_guanxi(headers: &[String]) -> Vec<Column> {
    let last = headers.len().saturating_sub(1);
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let target = match i {
                0 => Target::Name,
                1 => Target::Company,
                2 => Target::Title,
                3 => Target::Email,
                4 => Target::Phone,
                5 => Target::Address,
                6 => Target::Tags,
                7 => Target::Notes,
                _ if i == last => Target::Ignore,
                _ => Target::Field(h.clone()),
            };
            let mut c = Column::new(h, target);
            c.raw_extra = i == last;
            c
        })
        .collect()
}

/// Where an address part goes: street first, country last.
fn part_rank(part: &str) -> Option<u8> {
    Some(match part {
        "street" | "street address" | "address line 1" => 1,
        "street 2" | "address line 2" => 2,
        "street 3" | "address line 3" => 3,
        "extended address" => 4,
        "po box" | "address po box" => 5,
        "city" | "town" => 6,
        "region" | "state" | "province" => 7,
        "postal code" | "zip" | "zip code" | "postcode" => 8,
        "country" | "country/region" => 9,
        _ => return None,
    })
}

fn google_column(h: &str) -> Column {
    let n = norm(h);
    let target = match n.as_str() {
        "name" => Target::Name,
        "given name" | "first name" => Target::Given,
        "additional name" | "middle name" => Target::Middle,
        "family name" | "last name" => Target::Family,
        "organization name" => Target::Company,
        "organization title" => Target::Title,
        "notes" => Target::Notes,
        "group membership" | "labels" => Target::Tags,
        _ => match numbered(&n) {
            Some((kind, part)) => match (kind.as_str(), part.as_str()) {
                ("e-mail" | "email", "value") => Target::Email,
                ("phone", "value") => Target::Phone,
                ("organization", "name") => Target::Company,
                ("organization", "title") => Target::Title,
                ("address", "formatted") => return Column::new(h, Target::Address).part(left_of_dash(&n), 0),
                ("address", p) => match part_rank(p) {
                    Some(rank) => return Column::new(h, Target::AddressPart).part(left_of_dash(&n), rank),
                    None => Target::Ignore,
                },
                _ => Target::Ignore,
            },
            None => Target::Ignore,
        },
    };
    Column::new(h, target)
}

fn left_of_dash(n: &str) -> String {
    n.rsplit_once('-')
        .map(|(l, _)| l.trim().to_string())
        .unwrap_or_default()
}

fn outlook_column(h: &str) -> Column {
    let n = norm(h);
    let target = match n.as_str() {
        "first name" => Target::Given,
        "middle name" => Target::Middle,
        "last name" => Target::Family,
        "company" => Target::Company,
        "job title" => Target::Title,
        "notes" => Target::Notes,
        "categories" => Target::Tags,
        "callback" => Target::Phone,
        _ if n.starts_with("e-mail") && n.ends_with(" address") => Target::Email,
        // The assistant's number is not the contact's: kept in `extra`.
        _ if n.contains("phone") && !n.starts_with("assistant") => Target::Phone,
        _ => {
            for group in ["business", "home", "other"] {
                if let Some(rest) = n.strip_prefix(group).and_then(|r| r.strip_prefix(' ')) {
                    if rest == "address" {
                        return Column::new(h, Target::Address).part(group.to_string(), 0);
                    }
                    if let Some(rank) = part_rank(rest) {
                        return Column::new(h, Target::AddressPart).part(group.to_string(), rank);
                    }
                }
            }
            Target::Ignore
        }
    };
    let mut c = Column::new(h, target);
    // What desktop Outlook fills in for every contact: placeholders, or
    // values derived from fields read elsewhere (initials, "Name (email)").
    c.placeholders = match n.as_str() {
        "sensitivity" | "priority" => &["normal"],
        "private" => &["false"],
        "gender" => &["unspecified"],
        "birthday" | "anniversary" => &["0/0/00", "00/00/00", "0/0/0000", "00/00/0000"],
        "initials" => &["*"],
        _ if n.starts_with("e-mail") && n.ends_with(" type") => &["smtp"],
        _ if n.starts_with("e-mail") && n.ends_with(" display name") => &["*"],
        _ => &[],
    };
    c
}

fn plan_generic(headers: &[String]) -> Vec<Column> {
    let compacts: Vec<String> = headers.iter().map(|h| strip_number(&squash(h)).to_string()).collect();
    let targets: Vec<Option<(Target, u8)>> = compacts.iter().map(|c| generic_target(c)).collect();
    let has_family = targets.iter().any(|t| matches!(t, Some((Target::Family, _))));
    let has_parts = targets.iter().any(|t| matches!(t, Some((Target::AddressPart, _))));
    headers
        .iter()
        .zip(compacts.iter().zip(targets))
        .map(|(h, (c, t))| match t {
            // Vietnamese "Họ" + "Tên": "Tên" is then the given name.
            Some((Target::Name, _)) if has_family && c == "ten" => Column::new(h, Target::Given),
            // "Address" beside "City", "Country": the street of one address.
            Some((Target::Address, _)) if has_parts => Column::new(h, Target::AddressPart).part(String::new(), 1),
            Some((Target::AddressPart, rank)) => Column::new(h, Target::AddressPart).part(String::new(), rank),
            Some((target, _)) => Column::new(h, target),
            None => match guanxi_field(h) {
                Some(key) => Column::new(h, Target::Field(key)),
                None => Column::new(h, Target::Ignore),
            },
        })
        .collect()
}

/// "email2" → "email", "phone 3" → "phone"; numbers alone stay.
fn strip_number(c: &str) -> &str {
    let s = c.trim_end_matches(|ch: char| ch.is_ascii_digit());
    if s.is_empty() { c } else { s }
}

/// Other CRMs' column names (compacted), in English, Vietnamese and Chinese.
fn generic_target(c: &str) -> Option<(Target, u8)> {
    let t = match c {
        "name" | "fullname" | "contact" | "contactname" | "displayname" | "customer" | "customername" | "client"
        | "clientname" | "person" | "hoten" | "hovaten" | "ten" | "tendaydu" | "tenkhachhang" | "khachhang"
        | "nguoilienhe" | "姓名" | "名字" | "客户" | "客户名称" | "客户姓名" | "联系人" | "联系人姓名" => {
            Target::Name
        }
        "firstname" | "givenname" | "first" | "given" | "forename" | "名" => Target::Given,
        "middlename" | "middle" | "additionalname" | "tendem" | "tenlot" => Target::Middle,
        "lastname" | "familyname" | "surname" | "last" | "family" | "ho" | "姓" => Target::Family,
        "company" | "companyname" | "organization" | "organisation" | "organizationname" | "org" | "account"
        | "accountname" | "business" | "employer" | "congty" | "tencongty" | "donvi" | "tochuc" | "doanhnghiep"
        | "公司" | "公司名称" | "单位" | "企业" | "企业名称" | "机构" => Target::Company,
        "title" | "jobtitle" | "position" | "role" | "chucvu" | "chucdanh" | "vitri" | "职位" | "职务" | "头衔"
        | "职称" => Target::Title,
        "email" | "emails" | "mail" | "emailaddress" | "emailaddresses" | "thudientu" | "邮箱" | "电子邮件"
        | "电子邮箱" | "邮件" | "邮箱地址" => Target::Email,
        "phone" | "phones" | "phonenumber" | "telephone" | "tel" | "mobile" | "mobilephone" | "mobilenumber"
        | "cell" | "cellphone" | "dienthoai" | "sodienthoai" | "sdt" | "didong" | "dtdd" | "电话" | "手机"
        | "手机号" | "手机号码" | "电话号码" | "联系电话" | "座机" => Target::Phone,
        "address" | "addresses" | "fulladdress" | "mailingaddress" | "diachi" | "地址" | "联系地址" => {
            Target::Address
        }
        "notes" | "note" | "comment" | "comments" | "description" | "remarks" | "ghichu" | "mota" | "备注" | "说明"
        | "描述" => Target::Notes,
        "tags" | "tag" | "labels" | "label" | "categories" | "category" | "groups" | "group" | "nhan" | "nhom"
        | "phanloai" | "标签" | "分类" | "分组" => Target::Tags,
        "giaidoan" | "阶段" => Target::Field("stage".into()),
        "nguon" | "来源" => Target::Field("source".into()),
        "phankhuc" | "细分" => Target::Field("segment".into()),
        "nguoiphutrach" | "phutrach" | "负责人" => Target::Field("owner".into()),
        _ => {
            let rank = match c {
                "street" | "streetaddress" | "duong" | "街道" => 1,
                "phuong" | "phuongxa" => 4,
                "quan" | "quanhuyen" | "区" => 5,
                "city" | "town" | "thanhpho" | "城市" | "市" => 6,
                "state" | "province" | "region" | "tinh" | "tinhthanh" | "tinhthanhpho" | "省" | "省份" => 7,
                "zip" | "zipcode" | "postalcode" | "postcode" | "邮编" | "邮政编码" => 8,
                "country" | "quocgia" | "国家" => 9,
                _ if c.ends_with("phone") || c.ends_with("mobile") => return Some((Target::Phone, 0)),
                _ if c.ends_with("email") || c.ends_with("emailaddress") => return Some((Target::Email, 0)),
                _ => return None,
            };
            return Some((Target::AddressPart, rank));
        }
    };
    Some((t, 0))
}

/// The guanxi field a name stands for, by `CustomerInput::parse` (English
/// keys and the factors' Vietnamese and Chinese names): its key, unless it
/// is one of the fields a [`Target`] of its own feeds.
fn guanxi_field(name: &str) -> Option<String> {
    let trimmed = name.trim();
    let input = CustomerInput::parse(trimmed).or_else(|| CustomerInput::parse(&trimmed.replace(' ', "_")))?;
    let key = input.key();
    (!BASE_FIELDS.contains(&key)).then(|| key.to_string())
}

/// guanxi's fields that have a [`Target`] of their own.
const BASE_FIELDS: [&str; 8] = [
    "name", "company", "title", "emails", "phones", "tags", "address", "notes",
];

/// A `--map` FIELD: a target name, or a guanxi field name.
fn parse_target(field: &str) -> Option<Target> {
    let t = match field.trim().to_lowercase().replace('-', "_").as_str() {
        "name" | "full_name" => Target::Name,
        "given" | "first" | "first_name" | "given_name" => Target::Given,
        "middle" | "middle_name" => Target::Middle,
        "family" | "last" | "last_name" | "family_name" => Target::Family,
        "company" | "organization" => Target::Company,
        "title" | "job_title" => Target::Title,
        "email" | "emails" => Target::Email,
        "phone" | "phones" => Target::Phone,
        "address" => Target::Address,
        "notes" | "note" => Target::Notes,
        "tags" | "tag" => Target::Tags,
        "ignore" | "skip" | "none" => Target::Ignore,
        _ => return guanxi_field(field).map(Target::Field),
    };
    Some(t)
}

fn apply_overrides(columns: &mut [Column], overrides: &[(String, String)]) -> Result<(), CsvError> {
    for (column, field) in overrides {
        let target = parse_target(field).ok_or_else(|| {
            let fields: Vec<&str> = CustomerInput::ALL
                .iter()
                .map(|i| i.key())
                .filter(|k| !BASE_FIELDS.contains(k))
                .collect();
            CsvError::BadMapping(crate::i18n::tf(
                "import.error.unknown_target",
                &[
                    ("column", &column),
                    ("field", &field.trim()),
                    ("fields", &fields.join(", ")),
                ],
            ))
        })?;
        let wanted = norm(column);
        let wanted_compact = squash(column);
        let mut exact: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| norm(&c.header) == wanted)
            .map(|(i, _)| i)
            .collect();
        if exact.is_empty() {
            exact = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| !wanted_compact.is_empty() && squash(&c.header) == wanted_compact)
                .map(|(i, _)| i)
                .collect();
        }
        if exact.is_empty() {
            let names: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
            return Err(CsvError::BadMapping(crate::i18n::tf(
                "import.error.unknown_column",
                &[
                    ("column", &column.trim()),
                    ("field", &field),
                    ("columns", &names.join(", ")),
                ],
            )));
        }
        for i in exact {
            let header = std::mem::take(&mut columns[i].header);
            columns[i] = Column::new(&header, target.clone());
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Rows

/// One line of text: line breaks inside become spaces; NFC, trimmed.
fn one_line(s: &str) -> String {
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

fn contact(layout: Layout, columns: &[Column], record: Record) -> Result<Option<Contact>, RowError> {
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
    fn decodes_utf16_with_and_without_bom_and_windows_1252() {
        let text = "Tên,Email\r\nNguyễn,a@b.vn\r\n";
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain(text.encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        let bare: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&le), text);
        assert_eq!(decode(&be), text);
        assert_eq!(decode(&bare), text);
        assert_eq!(decode(b"Caf\xe9 \x80 \x93quoted\x94"), "Café € \u{201c}quoted\u{201d}");
        assert_eq!(decode("\u{feff}Tên".as_bytes()), "Tên");
    }

    #[test]
    fn delimiter_is_the_most_frequent_outside_quotes() {
        assert_eq!(detect_delimiter("a;b;c\n1,2;3"), b';');
        assert_eq!(detect_delimiter("\"a,b,c\";d\n"), b';');
        assert_eq!(detect_delimiter("a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter("a|b"), b'|');
        assert_eq!(detect_delimiter("name"), b',');
        assert_eq!(split_sep_line("sep=;\r\na;b"), ("a;b", 1, Some(b';')));
    }

    #[test]
    fn bad_quotes_are_found_with_their_lines() {
        let text = "h1,h2\na,\"b\nc,d\n";
        let b = find_bad_quote(text, b',').expect("unclosed");
        assert_eq!((b.record_line, b.quote_line, b.never_closed), (2, 2, true));
        assert_eq!(&text[b.resume..], "c,d\n");
        // A stray quote pairs with the next row's opening quote.
        let text = "h1,h2\na,\"b\nc,d\ne,\"f\"\n";
        let b = find_bad_quote(text, b',').expect("closed late");
        assert_eq!((b.record_line, b.quote_line, b.never_closed), (2, 2, false));
        assert!(find_bad_quote("a,\"b\"\"c\"\n\"x\ny\",z", b',').is_none());
        assert!(find_bad_quote("a,b\"c\n", b',').is_none());
        // Sloppy but harmless: closed on its own line, then text.
        assert!(find_bad_quote("a,\"b\"c\n", b',').is_none());
    }

    #[test]
    fn many_bad_rows_are_each_reported_once() {
        let text = "h1,h2\n".to_string() + &"ok,1\nbad,\"x\nok,\"q\"\n".repeat(5000);
        let records = parse(&text, b',', 0);
        assert_eq!(records.len(), 1 + 15_000);
        let bad: Vec<usize> = records
            .iter()
            .filter_map(|r| r.as_ref().err().map(|e| e.line))
            .collect();
        assert_eq!(bad.len(), 5000);
        assert_eq!(&bad[..2], &[3, 6]);
        let ok = records
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .nth(2)
            .expect("third record");
        assert_eq!(
            (ok.line, ok.cells.as_slice()),
            (4, &["ok".to_string(), "q".to_string()][..])
        );
    }

    #[test]
    fn google_numbered_columns() {
        assert_eq!(numbered("e-mail 2 - value"), Some(("e-mail".into(), "value".into())));
        assert_eq!(
            numbered("address 1 -formatted"),
            Some(("address".into(), "formatted".into()))
        );
        assert_eq!(numbered("e-mail address"), None);
    }

    #[test]
    fn map_targets_and_fields() {
        assert_eq!(parse_target("Stage"), Some(Target::Field("stage".into())));
        assert_eq!(parse_target("social-bond"), Some(Target::Field("social_bond".into())));
        assert_eq!(parse_target("emails"), Some(Target::Email));
        assert_eq!(parse_target("ignore"), Some(Target::Ignore));
        assert_eq!(parse_target("telefon"), None);
    }

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
