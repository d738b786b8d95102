//! A property's value from bytes to text: quoted-printable and base64
//! transfer encodings, the charsets vCard files name (windows-1252,
//! windows-1258, ISO-8859-15, ...), and control characters left out.

use super::property::{Encoding, Prop};

/// UTF-8 where valid, windows-1252 for the bytes that are not.
pub(super) fn decode_utf8_lossy(bytes: &[u8]) -> String {
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

/// A property's value as text (escapes still in), decoded from its
/// transfer encoding and charset; the charset's name when it was unknown.
pub(super) fn value_text(p: &Prop) -> (String, Option<String>) {
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
