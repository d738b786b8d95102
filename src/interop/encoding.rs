//! Bytes to text for every imported file: which character encoding the
//! bytes are in, and their text. CSV decodes whole files here, vCard its
//! files and each property's `CHARSET`; both agree on every byte.
//!
//! - A BOM says it: UTF-8, UTF-16LE or UTF-16BE (the BOM is dropped).
//! - UTF-16 without a BOM shows by its zero bytes (desktop Outlook).
//! - Valid UTF-8 is UTF-8. So is text that is UTF-8 but for a few stray
//!   bytes (Android vCards and pasted-together CSVs mix UTF-8 and
//!   windows-1252): the stray bytes are read as windows-1252.
//! - Anything else is in a legacy code page, guessed by `chardetng` (what
//!   Firefox uses for unlabelled pages) from the whole text: GBK and Big5
//!   from Chinese Excel, windows-1258 from Vietnamese Excel, Shift_JIS,
//!   KOI8, windows-1252... Text guessed to be windows-1252 is still read as
//!   UTF-8 where it is valid UTF-8 (the two are mixed more often than
//!   windows-1252 forms UTF-8 by chance).
//! - A label (vCard's `CHARSET=`) is looked up as the WHATWG Encoding
//!   Standard says (`encoding_rs`), so `ISO-8859-1` is read as windows-1252
//!   as browsers do and `GB2312` as GBK.
//!
//! The legacy code pages are decoded by `encoding_rs` (the WHATWG tables):
//! a byte a code page leaves undefined (0x81 in windows-1252) becomes the C1
//! control of the same number, never U+FFFD. Their text is composed (NFC):
//! windows-1258 writes Vietnamese tone marks as combining characters.

use std::borrow::Cow;

pub use encoding_rs::{Encoding, UTF_8};
use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// A file's text and the encoding it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// The name an encoding is shown by: "UTF-8", "UTF-16LE", "GBK", "Big5",
/// "windows-1258" (the WHATWG names).
pub fn name(encoding: &'static Encoding) -> &'static str {
    encoding.name()
}

/// A whole file's text: by its BOM, as UTF-16 by its zero bytes, as UTF-8,
/// else in the legacy code page [`detect`] guesses.
pub fn decode_file(bytes: &[u8]) -> Decoded {
    let (unicode, found) = unicode(bytes);
    let encoding = match found {
        Some(e) => e,
        None => detect(bytes),
    };
    let text = match (found, unicode) {
        (Some(_), Cow::Owned(utf8)) => String::from_utf8(utf8).unwrap_or_else(|e| utf8_lenient(e.as_bytes())),
        (Some(e), Cow::Borrowed(bytes)) => decode_as(bytes, e),
        (None, _) => decode_unlabelled(bytes, encoding),
    };
    Decoded { text, encoding }
}

/// The bytes as UTF-8 where a BOM or the zero bytes of UTF-16 say the file
/// is Unicode (a UTF-8 BOM dropped, UTF-16 transcoded; its encoding is
/// returned), else the bytes as they are and `None`.
pub fn unicode(bytes: &[u8]) -> (Cow<'_, [u8]>, Option<&'static Encoding>) {
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return (Cow::Borrowed(rest), Some(UTF_8));
    }
    let utf16 = |body: &[u8], encoding: &'static Encoding| {
        let (text, _) = encoding.decode_without_bom_handling(body);
        (Cow::Owned(text.into_owned().into_bytes()), Some(encoding))
    };
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(rest, UTF_16LE);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(rest, UTF_16BE);
    }
    match utf16_without_bom(bytes) {
        Some(encoding) => utf16(bytes, encoding),
        None => (Cow::Borrowed(bytes), None),
    }
}

/// UTF-16 without a BOM shows as text whose every other byte is zero (for
/// the ASCII of a CSV header or vCard property names at least); text files
/// never contain zero bytes otherwise.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.contains(&0) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    let zero_even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let zero_odd = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if zero_odd * 2 >= pairs && zero_even * 10 < pairs {
        Some(UTF_16LE)
    } else if zero_even * 2 >= pairs && zero_odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The encoding of text that no BOM or label names: UTF-8 when it is UTF-8
/// (a few stray bytes allowed, see [`mostly_utf8`]), else the legacy code
/// page `chardetng` finds likeliest over all of it. Feeding the whole text
/// matters: a dozen short names are little to go by.
pub fn detect(bytes: &[u8]) -> &'static Encoding {
    if mostly_utf8(bytes) {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // No top-level domain to hint with: a file has none.
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// Valid UTF-8, or UTF-8 with a few stray bytes: at least eight well-formed
/// multi-byte characters for each stray byte. Legacy text rarely forms
/// UTF-8 by chance (GBK and windows-1258 names do about once in ten
/// characters), so it falls well short.
fn mostly_utf8(bytes: &[u8]) -> bool {
    if std::str::from_utf8(bytes).is_ok() {
        return true;
    }
    let (mut multi_byte, mut stray) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multi_byte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        stray += chunk.invalid().len();
    }
    stray * 8 <= multi_byte
}

/// The encoding a label names (`CHARSET=GB2312`, `cp1252`, `UTF8`), as the
/// WHATWG Encoding Standard maps labels; `None` for a label it does not
/// know or whose text cannot be decoded (ISO-2022-KR, HZ).
pub fn for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim();
    // "US-ASCII" is windows-1252 on the Web; text labelled so is in
    // practice UTF-8 (or plain ASCII, the same thing).
    if ["us-ascii", "ascii", "utf8", "utf_8"]
        .iter()
        .any(|a| label.eq_ignore_ascii_case(a))
    {
        return Some(UTF_8);
    }
    let encoding = Encoding::for_label_no_replacement(label.as_bytes())
        .or_else(|| Encoding::for_label_no_replacement(label.replace('_', "-").as_bytes()))?;
    Some(encoding)
}

/// Bytes in `encoding` to text, without BOM handling. UTF-8 keeps its
/// valid parts and reads the stray bytes as windows-1252; legacy text is
/// composed (NFC).
pub fn decode_as(bytes: &[u8], encoding: &'static Encoding) -> String {
    if encoding == UTF_8 {
        return utf8_lenient(bytes);
    }
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    if encoding == UTF_16LE || encoding == UTF_16BE {
        return text.into_owned();
    }
    composed(text)
}

/// Text whose encoding nothing named, in the one [`detect`] found. UTF-8
/// and windows-1252 are read alike: UTF-8 where valid, windows-1252 for
/// the other bytes, as files mix the two (Android vCards, CSVs pasted
/// together) and windows-1252 text seldom forms UTF-8 by chance. Any other
/// code page is read as itself.
pub fn decode_unlabelled(bytes: &[u8], encoding: &'static Encoding) -> String {
    if encoding == WINDOWS_1252 {
        return utf8_lenient(bytes);
    }
    decode_as(bytes, encoding)
}

/// UTF-8 where valid, windows-1252 for the bytes that are not.
pub fn utf8_lenient(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.push_str(&WINDOWS_1252.decode_without_bom_handling(chunk.invalid()).0);
    }
    out
}

fn composed(text: Cow<'_, str>) -> String {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.into_owned()
    } else {
        text.nfc().collect()
    }
}

/// Fixtures shared with tests/import_encodings.rs.
#[cfg(test)]
pub(crate) mod fixtures {
    include!("../../tests/fixtures/encodings.rs");
}

#[cfg(test)]
mod tests {
    use super::fixtures::{SIMPLIFIED, TRADITIONAL, VIETNAMESE, encoded, sheet, tones_apart};
    use super::*;
    use encoding_rs::{BIG5, GBK, WINDOWS_1258};

    #[test]
    fn boms_and_utf16_without_one() {
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
        let bare_be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        for (bytes, name) in [
            (le, "UTF-16LE"),
            (be, "UTF-16BE"),
            (bare, "UTF-16LE"),
            (bare_be, "UTF-16BE"),
        ] {
            let d = decode_file(&bytes);
            assert_eq!((d.text.as_str(), d.encoding.name()), (text, name));
        }
        let d = decode_file("\u{feff}Tên".as_bytes());
        assert_eq!((d.text.as_str(), d.encoding.name()), ("Tên", "UTF-8"));
        // A UTF-8 BOM is believed: a stray byte after it is windows-1252.
        assert_eq!(decode_file(b"\xef\xbb\xbfT\xc3\xaan \x80").text, "Tên €");
        let d = decode_file("Nguyễn,陈美玲".as_bytes());
        assert_eq!((d.text.as_str(), d.encoding.name()), ("Nguyễn,陈美玲", "UTF-8"));
    }

    #[test]
    fn windows_1252_with_the_webs_undefined_bytes() {
        let d = decode_file(b"Name\r\nJos\xe9 Garc\xeda, Caf\xe9 \x80 \x93quoted\x94 \x81\x8d\r\n");
        assert_eq!(d.encoding, WINDOWS_1252);
        assert_eq!(
            d.text,
            "Name\r\nJosé García, Café € \u{201c}quoted\u{201d} \u{81}\u{8d}\r\n"
        );
    }

    #[test]
    fn utf8_with_a_few_stray_bytes_stays_utf8() {
        let mut bytes = "Nguyễn Thị Hương, Trần Văn Đức, 王小明\r\n".repeat(3).into_bytes();
        bytes.extend_from_slice(b"Caf\xe9 \x80\r\n");
        let d = decode_file(&bytes);
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.ends_with("Café €\r\n"), "{}", d.text);
        assert!(d.text.starts_with("Nguyễn Thị Hương"), "{}", d.text);
    }

    #[test]
    fn guesses_gbk_big5_and_windows_1258() {
        let cases = [
            (sheet(&SIMPLIFIED, "深圳华信科技有限公司"), GBK, "GBK"),
            (sheet(&TRADITIONAL, "台北華信科技股份有限公司"), BIG5, "Big5"),
            (
                sheet(&VIETNAMESE, "Công ty Điện lực Miền Nam"),
                WINDOWS_1258,
                "windows-1258",
            ),
        ];
        for (text, encoding, shown) in cases {
            let source = if encoding == WINDOWS_1258 {
                tones_apart(&text)
            } else {
                text.clone()
            };
            let bytes = encoded(&source, encoding);
            assert!(!mostly_utf8(&bytes), "{shown} is not taken for UTF-8");
            let d = decode_file(&bytes);
            assert_eq!(name(d.encoding), shown);
            // Composed: equal to the NFC literals.
            assert_eq!(d.text, text, "{shown}");
        }
    }

    #[test]
    fn labels() {
        let e = |l| for_label(l).map(name);
        assert_eq!(e("GB2312"), Some("GBK"));
        assert_eq!(e(" big5 "), Some("Big5"));
        assert_eq!(e("ISO-8859-1"), Some("windows-1252"));
        assert_eq!(e("iso_8859-15"), Some("ISO-8859-15"));
        assert_eq!(e("Shift_JIS"), Some("Shift_JIS"));
        assert_eq!(e("windows-1258"), Some("windows-1258"));
        assert_eq!(e("KOI8-R"), Some("KOI8-R"));
        assert_eq!(e("US-ASCII"), Some("UTF-8"));
        assert_eq!(e("x-unknown"), None);
        assert_eq!(e("ISO-2022-KR"), None);
        // windows-1258's combining tone mark composes: Đi + ề.
        assert_eq!(decode_as(b"\xd0i\xea\xccn", WINDOWS_1258), "Điền");
        assert_eq!(decode_as("Nguyễn".as_bytes(), UTF_8), "Nguyễn");
        assert_eq!(decode_as(b"\xd5\xc5", GBK), "张");
    }
}
