//! Bytes to text: the encodings CSV files come in (UTF-8 with or without
//! BOM, UTF-16 as desktop Outlook writes it, Windows-1252).

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
}
