//! A property's value from bytes to text: quoted-printable and base64
//! transfer encodings, the charset its `CHARSET` names or else the one the
//! file's unlabelled text is in (both through the shared
//! [`crate::interop::encoding`]), and control characters left out.

use super::property::{Encoding, Prop};
use super::read::{Item, ParsedCard};
use crate::interop::encoding::{self, UTF_8};

/// The encoding of the text no `CHARSET` names: the values without one
/// (quoted-printable decoded) and the lines that are not properties, all
/// together, are UTF-8 (a few stray bytes allowed) or else in the legacy
/// code page guessed from all of them (vCard 2.1 from old phones wrote the
/// phone's code page: GBK, Big5, windows-1258...). One guess for the whole
/// file: a dozen names are enough to go by, one rarely is.
pub(super) fn unlabelled_encoding(cards: &[ParsedCard]) -> &'static encoding::Encoding {
    let mut evidence = Vec::new();
    for item in cards.iter().flat_map(|c| c.items.iter()) {
        match item {
            Item::Prop(p) if p.param("CHARSET").is_none() && p.encoding() != Encoding::Base64 => {
                evidence.extend(transfer_decoded(p).iter());
            }
            Item::Prop(_) => continue,
            Item::Stray { text, .. } => evidence.extend_from_slice(text),
        }
        evidence.push(b'\n');
    }
    if evidence.is_ascii() {
        return UTF_8;
    }
    encoding::detect(&evidence)
}

/// Decodes text in the given charset, or in the file's `unlabelled`
/// encoding when there is none. The flag is false when the charset is one
/// the WHATWG Encoding Standard does not know (the text is then read as
/// unlabelled text is).
fn decode_charset(bytes: &[u8], charset: Option<&str>, unlabelled: &'static encoding::Encoding) -> (String, bool) {
    match charset.filter(|c| !c.trim().is_empty()) {
        None => (encoding::decode_unlabelled(bytes, unlabelled), true),
        Some(label) => match encoding::for_label(label) {
            Some(e) => (encoding::decode_as(bytes, e), true),
            None => (encoding::decode_unlabelled(bytes, unlabelled), false),
        },
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
pub(super) fn without_controls(s: String) -> String {
    if s.chars().any(is_stray_control) {
        s.chars().filter(|&c| !is_stray_control(c)).collect()
    } else {
        s
    }
}

pub(super) fn is_stray_control(c: char) -> bool {
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

/// A property's value as bytes, decoded from its transfer encoding.
fn transfer_decoded(p: &Prop) -> std::borrow::Cow<'_, [u8]> {
    match p.encoding() {
        Encoding::QuotedPrintable => decode_qp(&p.value).into(),
        Encoding::Base64 => decode_base64(&p.value).into(),
        Encoding::Plain => (&p.value[..]).into(),
    }
}

/// A property's value as text (escapes still in), decoded from its
/// transfer encoding and charset (`unlabelled` when it names none); the
/// charset's name when it was unknown.
pub(super) fn value_text(p: &Prop, unlabelled: &'static encoding::Encoding) -> (String, Option<String>) {
    let bytes = transfer_decoded(p);
    let charset = p.param("CHARSET");
    let (text, known) = decode_charset(&bytes, charset, unlabelled);
    (
        without_controls(text),
        (!known).then(|| charset.unwrap_or_default().to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::super::read_file;
    use crate::interop::encoding::fixtures::tones_apart;
    use encoding_rs::{BIG5, Encoding, WINDOWS_1258};

    fn bytes(text: &str, encoding: &'static Encoding) -> Vec<u8> {
        encoding.encode(text).0.into_owned()
    }

    fn quoted_printable(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("={b:02X}")).collect()
    }

    const PEOPLE: [&str; 6] = [
        "Nguyễn Thị Hương",
        "Trần Văn Đức",
        "Lê Thị Mỹ Linh",
        "Phạm Quốc Bảo",
        "Đặng Văn Hùng",
        "Bùi Thị Ngọc Ánh",
    ];

    #[test]
    fn text_without_charset_is_in_the_code_page_guessed_for_the_whole_file() {
        // Quoted-printable windows-1258 (tones as combining marks) in one
        // file, raw Big5 in another; no CHARSET anywhere.
        let mut vietnamese = Vec::new();
        let mut chinese = Vec::new();
        let han = ["陳美玲", "張偉", "黃麗華", "周傑倫", "吳敏", "徐建國"];
        for (name, han) in PEOPLE.iter().zip(han) {
            let qp = quoted_printable(&bytes(&tones_apart(name), WINDOWS_1258));
            let note = quoted_printable(&bytes(&tones_apart("Khách quen, thích uống trà"), WINDOWS_1258));
            vietnamese.extend_from_slice(
                format!("BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:{qp}\r\nNOTE;QUOTED-PRINTABLE:{note}\r\nEND:VCARD\r\n").as_bytes(),
            );
            chinese.extend_from_slice(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:");
            chinese.extend(bytes(han, BIG5));
            chinese.extend_from_slice(b"\r\nORG:");
            chinese.extend(bytes("台北華信科技股份有限公司", BIG5));
            chinese.extend_from_slice(b"\r\nEND:VCARD\r\n");
        }
        let read = read_file(&vietnamese);
        assert_eq!(read.encoding, "windows-1258");
        let names: Vec<String> = read.cards.into_iter().map(|c| c.expect("card").name).collect();
        // Composed: equal to the NFC literals.
        assert_eq!(names, PEOPLE);
        let read = read_file(&chinese);
        assert_eq!(read.encoding, "Big5");
        let cards: Vec<_> = read.cards.into_iter().map(|c| c.expect("card")).collect();
        assert_eq!(cards.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), han);
        assert_eq!(cards[0].company, "台北華信科技股份有限公司");
    }

    #[test]
    fn a_charset_names_any_whatwg_encoding() {
        let mut card = b"BEGIN:VCARD\r\nFN;CHARSET=Big5:".to_vec();
        card.extend(bytes("張偉", BIG5));
        card.extend_from_slice(b"\r\nORG;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:");
        card.extend(quoted_printable(&bytes("株式会社", encoding_rs::SHIFT_JIS)).bytes());
        card.extend_from_slice(b"\r\nTITLE;CHARSET=koi8-r:");
        card.extend(bytes("Директор", encoding_rs::KOI8_R));
        card.extend_from_slice(b"\r\nEND:VCARD\r\n");
        let read = read_file(&card);
        assert_eq!(read.encoding, "UTF-8");
        let c = read.cards.into_iter().next().expect("a card").expect("card");
        assert_eq!(
            (c.name.as_str(), c.company.as_str(), c.title.as_str()),
            ("張偉", "株式会社", "Директор")
        );
        assert!(c.extra.is_empty(), "{:?}", c.extra);
    }
}
