//! Files in legacy code pages through the real binary: Chinese and
//! Vietnamese Excel exports (GBK, Big5, windows-1258) and an old phone's
//! vCard import with the right names, the import says which encoding it
//! read, and CSV and vCard read the same bytes the same way.

mod common;

use common::{Sandbox, sorted_names};
use encoding_rs::{BIG5, GBK, WINDOWS_1258};
use guanxi::interop::{csv, vcard};
use unicode_normalization::UnicodeNormalization;

include!("fixtures/encodings.rs");

/// Imports `bytes` as `file` (a dry run first): both say the encoding,
/// and the names listed are `names`.
fn imports(bytes: &[u8], file: &str, encoding: &str, names: &[&str]) {
    let s = Sandbox::new();
    let path = s.dir.path().join(file);
    std::fs::write(&path, bytes).expect("fixture written");
    let path = path.to_str().expect("a UTF-8 path");
    let line = format!("\nencoding: {encoding}\n");
    // A dry run only reads: it needs a workspace that is one already.
    s.ok(&["init", s.workspace().to_str().expect("a UTF-8 path")]);
    let dry = s.ok(&["import", "--dry-run", path]);
    assert!(dry.contains(&line), "{dry}");
    let out = s.ok(&["import", path]);
    assert!(out.contains(&line), "{out}");
    assert!(out.contains(&format!("{} new", names.len())), "{out}");
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    expected.sort();
    assert_eq!(sorted_names(&s.json(&["list", "--json"])), expected);
}

#[test]
fn gbk_csv_from_chinese_excel() {
    let bytes = encoded(&sheet(&SIMPLIFIED, "深圳华信科技有限公司"), GBK);
    imports(&bytes, "客户.csv", "GBK", &SIMPLIFIED);
}

#[test]
fn big5_csv_from_taiwanese_excel() {
    let bytes = encoded(&sheet(&TRADITIONAL, "台北華信科技股份有限公司"), BIG5);
    imports(&bytes, "客戶.csv", "Big5", &TRADITIONAL);
}

#[test]
fn windows_1258_csv_from_vietnamese_excel() {
    let text = sheet(&VIETNAMESE, "Công ty Điện lực Miền Nam");
    let decomposed = tones_apart(&text);
    assert_ne!(decomposed, text, "the fixture has combining tone marks");
    let bytes = encoded(&decomposed, WINDOWS_1258);
    // The names listed are the composed (NFC) literals above.
    assert!(VIETNAMESE.iter().all(|n| n.nfc().collect::<String>() == *n));
    imports(&bytes, "khach-hang.csv", "windows-1258", &VIETNAMESE);
}

#[test]
fn gbk_vcard_from_an_old_phone_without_charset() {
    // vCard 2.1 as Chinese feature phones wrote it: the phone's code page,
    // named nowhere; names raw, notes quoted-printable.
    let mut bytes = Vec::new();
    for (i, n) in SIMPLIFIED.iter().enumerate() {
        let note: String = encoded("老客户，喜欢喝茶", GBK)
            .iter()
            .map(|b| format!("={b:02X}"))
            .collect();
        bytes.extend_from_slice(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:");
        bytes.extend(encoded(n, GBK));
        bytes.extend_from_slice(
            format!("\r\nTEL;CELL:1390000{i:04}\r\nNOTE;ENCODING=QUOTED-PRINTABLE:{note}\r\n").as_bytes(),
        );
        bytes.extend_from_slice(b"END:VCARD\r\n");
    }
    imports(&bytes, "phone.vcf", "GBK", &SIMPLIFIED);
}

/// The hand-written decoders disagreed: 0x81 (undefined in windows-1252)
/// was U+0081 in a CSV and U+FFFD in a vCard. Both now read through
/// `interop::encoding`.
#[test]
fn csv_and_vcard_read_the_same_legacy_bytes_the_same_way() {
    let names: [&[u8]; 3] = [
        b"Jos\xe9 Garc\xeda \x80\x81\x8d\x8f\x90\x9d",
        b"Fran\xe7ois M\xfcller \x93Ltd\x94",
        b"\x81\x81 Caf\xe9",
    ];
    for name in names {
        let mut file = b"Name,Phone\r\n".to_vec();
        file.extend_from_slice(name);
        file.extend_from_slice(b",123\r\n");
        let from_csv = csv::read(&file, &[])
            .expect("a CSV")
            .rows
            .remove(0)
            .expect("a row")
            .name;

        let mut card = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:".to_vec();
        card.extend_from_slice(name);
        card.extend_from_slice(b"\r\nEND:VCARD\r\n");
        let from_vcard = vcard::read(&card).remove(0).expect("a card").name;

        // vCard leaves control characters out of what it reads (its own
        // rule); the rest is the same text.
        let shown: String = from_csv.chars().filter(|c| !c.is_control()).collect();
        assert_eq!(from_vcard, shown.trim(), "{from_csv:?}");
        assert!(!from_vcard.contains('\u{fffd}'), "{from_vcard:?}");
    }
}
