//! Is a file what it claims to be? Before anything is read into records,
//! the bytes are checked against the format named (`--format`, or the
//! file's extension) or, when none is, recognised: an empty file, binary
//! data, a JSON file named as CSV or a `.vcf` without a card is refused
//! as a whole, with one line saying what was expected, instead of being
//! read as hundreds of unusable rows.

use super::import::{Format, ImportError};
use super::{csv, encoding, vcard};

/// How much of the start of a file is looked at.
const SAMPLE: usize = 64 << 10;

/// The format to read `bytes` as, given the one claimed for them.
pub fn check(bytes: &[u8], claimed: Option<Format>) -> Result<Format, ImportError> {
    let sample = &bytes[..bytes.len().min(SAMPLE) & !1];
    let text = encoding::decode_file(if bytes.len() <= SAMPLE { bytes } else { sample }).text;
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    if binary(text) {
        return Err(ImportError::Binary);
    }
    let found = recognise(bytes, text);
    match (claimed, found) {
        (Some(Format::Vcard), _) if has_card(text) => Ok(Format::Vcard),
        (Some(Format::Vcard), Some(Format::Json)) => Err(ImportError::LooksLike {
            expected: Format::Vcard,
            found: Format::Json,
        }),
        (Some(Format::Vcard), _) => Err(ImportError::NoCard),
        (Some(expected), Some(found)) if found != expected && found != Format::Csv => {
            Err(ImportError::LooksLike { expected, found })
        }
        (Some(claimed), _) => Ok(claimed),
        (None, Some(found)) => Ok(found),
        (None, None) => Err(ImportError::UnknownFormat),
    }
}

/// The format the content shows: a vCard starts with `BEGIN:VCARD`, JSON
/// with `{` or `[`; CSV is anything whose first line splits into columns.
fn recognise(bytes: &[u8], text: &str) -> Option<Format> {
    if vcard::looks_like(bytes) {
        Some(Format::Vcard)
    } else if text.trim_start().starts_with(['{', '[']) {
        Some(Format::Json)
    } else if csv::looks_like(bytes) {
        Some(Format::Csv)
    } else {
        None
    }
}

/// A `BEGIN:VCARD` at the start of a line, anywhere in the sample (some
/// programs write a line or two before the first card).
fn has_card(text: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start()
            .get(..11)
            .is_some_and(|b| b.eq_ignore_ascii_case("BEGIN:VCARD"))
    })
}

/// Text has no NUL and almost no other control characters, whatever its
/// encoding (a legacy one read as windows-1252 included): more than one
/// in a hundred characters (and more than a few: a short file with one
/// stray bell in a name is still text) means the bytes are not text. Tab,
/// line ends, form feed, the DOS end-of-file mark and ESC (ISO-2022-JP)
/// are text.
fn binary(text: &str) -> bool {
    let text = text.trim_end_matches('\0');
    if text.contains('\0') {
        return true;
    }
    let (mut total, mut control) = (0usize, 0usize);
    for ch in text.chars() {
        total += 1;
        if (ch < ' ' && !matches!(ch, '\t' | '\n' | '\r' | '\x0c' | '\x1a' | '\x1b')) || ch == '\x7f' {
            control += 1;
        }
    }
    control > 4 && control * 100 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random(n: usize) -> Vec<u8> {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    fn err(bytes: &[u8], claimed: Option<Format>) -> String {
        match check(bytes, claimed) {
            Ok(f) => panic!("read as {f:?}"),
            Err(e) => format!("{e:?}"),
        }
    }

    #[test]
    fn text_in_any_encoding_is_not_binary() {
        assert!(!binary("Tên,Điện thoại\r\nNguyễn,0912\r\n"));
        // A short file with a stray bell in one name is still text.
        assert!(!binary("Name,Email\nLan\u{1b}]0;x\u{7},a@b.c\n"));
        assert!(!binary("Caf\u{e9}\u{81}\u{8d}\u{2019}"));
        assert!(!binary("\u{1b}$B%F%9%H\u{1b}(B,x\n"));
        assert!(!binary("a,b\n\0\0\0"), "NUL padding at the end");
        assert!(binary("a,b\n\0c,d\n"));
        assert!(binary(&encoding::decode_file(&random(4096)).text));
    }

    #[test]
    fn files_that_are_not_what_they_claim() {
        assert_eq!(err(b"", None), "Empty");
        assert_eq!(err(b" \r\n\t", Some(Format::Csv)), "Empty");
        assert_eq!(err(&random(3000), None), "Binary");
        assert_eq!(err(&random(3000), Some(Format::Vcard)), "Binary");
        let json = br#"{"customers":[]}"#;
        assert_eq!(err(json, Some(Format::Csv)), "LooksLike { expected: Csv, found: Json }");
        assert_eq!(err(b"hello, world\n", Some(Format::Vcard)), "NoCard");
        assert_eq!(err(b"hello world\n", None), "UnknownFormat");
        assert_eq!(
            err(b"BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n", Some(Format::Csv)),
            "LooksLike { expected: Csv, found: Vcard }"
        );
        assert_eq!(
            err(b"BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n", Some(Format::Json)),
            "LooksLike { expected: Json, found: Vcard }"
        );
    }

    #[test]
    fn files_that_are() {
        let card = b"\xef\xbb\xbfBEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n";
        assert_eq!(check(card, None).unwrap(), Format::Vcard);
        assert_eq!(check(card, Some(Format::Vcard)).unwrap(), Format::Vcard);
        let late = b"Exported by X\r\nBEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n";
        assert_eq!(check(late, Some(Format::Vcard)).unwrap(), Format::Vcard);
        assert_eq!(check(b"Name,Phone\nA,1\n", None).unwrap(), Format::Csv);
        assert_eq!(check(b"Name,Phone\nA,1\n", Some(Format::Csv)).unwrap(), Format::Csv);
        assert_eq!(check(br#"{"customers":[]}"#, None).unwrap(), Format::Json);
        let utf16: Vec<u8> = "Name,Phone\r\nLê,1\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(check(&utf16, None).unwrap(), Format::Csv);
    }
}
