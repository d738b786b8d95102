//! Contacts as CSV: read from Google Contacts (both export layouts),
//! Outlook, other CRMs and guanxi itself; written in guanxi's own layout.
//!
//! Reading never stops at a bad row: every data row gives a [`Contact`] or a
//! [`RowError`] with the physical line the row starts on, and only a file
//! without a usable header row is refused as a whole.
//!
//! Reading goes through one file per step: bytes to text in the shared
//! [`crate::interop::encoding`] (BOM, UTF-16, UTF-8, else a guessed legacy
//! code page such as GBK, Big5 or windows-1258), `records` (the delimiter, quoting, records with the line each starts
//! on), `columns` (which program wrote the header and what each column
//! feeds; the layouts are described there), `overrides` (`--map
//! COLUMN=FIELD`) and `contact` (a record to a [`Contact`]); `write` writes
//! guanxi's own layout.

mod columns;
mod contact;
mod overrides;
mod records;
mod write;

use super::Contact;
use super::encoding;
use columns::{detect_layout, plan};
use contact::{contact, one_line};
use overrides::apply_overrides;
use records::{count_outside_quotes, detect_delimiter, first_record, parse, split_sep_line};
pub use write::write;

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
    /// The encoding the file was read in ("UTF-8", "GBK", ...): see
    /// [`encoding::name`].
    pub encoding: &'static str,
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
    let decoded = encoding::decode_file(bytes);
    let text = decoded.text.strip_prefix('\u{feff}').unwrap_or(&decoded.text);
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
        encoding: encoding::name(decoded.encoding),
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
    // The first lines are enough (and guessing a code page costs time on
    // the whole of a large file); an even length keeps UTF-16 whole.
    let head = bytes.get(..64 << 10).unwrap_or(bytes);
    let text = encoding::decode_file(head).text;
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
