//! Text to records: the delimiter (detected, or named by Excel's `sep=`
//! line), RFC 4180 quoting, and the physical line each record starts on;
//! a record whose quote goes wrong is reported and reading goes on.

use super::RowError;

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Excel writes `sep=;` as a first line to name the delimiter: the text
/// after it, the number of lines it took, and the delimiter it names.
pub(super) fn split_sep_line(text: &str) -> (&str, usize, Option<u8>) {
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
pub(super) fn first_record(text: &str) -> &str {
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

pub(super) fn count_outside_quotes(s: &str, delimiter: u8) -> usize {
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
pub(super) fn detect_delimiter(text: &str) -> u8 {
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

pub(super) struct Record {
    pub(super) line: usize,
    pub(super) cells: Vec<String>,
}

/// Every record of `text`, with the physical line each starts on
/// (`lines_before` lines precede `text` in the file).
///
/// A stray or missing quote makes a plain CSV reader pair every later
/// quote wrongly, or swallow the rest of the file into one cell. Here the
/// record whose quote goes wrong is reported and reading resumes on the
/// line after that quote. What is read again holds no quote that still
/// counts, so each byte is looked at about twice at most.
pub(super) fn parse(text: &str, delimiter: u8, lines_before: usize) -> Vec<Result<Record, RowError>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
