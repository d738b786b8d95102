//! Contacts as vCard: read from versions 2.1, 3.0 and 4.0 as phones, mail
//! programs and address books write them; written as vCard 4.0 (RFC 6350).
//!
//! Reading never stops at a bad card: every `BEGIN:VCARD` gives a
//! [`Contact`] or a [`CardError`] with the line the card starts on, and
//! whatever stands between cards is skipped. The parser is this module's own
//! (see "Why not a library" below).
//!
//! One file per step: `lines` (bytes to physical lines, cards and unfolded
//! content lines), `property` (a content line's group, name and
//! parameters), `decode` (transfer encodings and charsets), `text` (escapes
//! and line breaks in text values), `read` (a card to a [`Contact`]; what is
//! read into which field is listed there), `extra` (a property kept in
//! `extra`) and `write` (contacts to vCard 4.0, and what is written how).
//!
//! Encodings (bytes to text is the shared [`crate::interop::encoding`]):
//! lines end in CRLF, LF, CR or the CR CR LF some iPhone exports have; a
//! UTF-8 BOM is skipped and UTF-16 files are transcoded. Folded lines are
//! unfolded; vCard 2.1 quoted-printable values follow their `=` soft line
//! breaks. Values are decoded with their `CHARSET`, any the WHATWG Encoding
//! Standard names (UTF-8, ISO-8859-1 read as windows-1252 as browsers do,
//! windows-1258, GBK and GB2312, Big5, Shift_JIS, KOI8-R, ...); declared
//! UTF-8 with stray bytes reads them as windows-1252. Text in a charset it
//! does not know is read as text without a charset, and the card gets an
//! `X-GUANXI-UNDECODED;X-CHARSET=X-FOO:FN` line in `extra` saying which
//! property it was. Text without a charset (values and stray lines) is
//! UTF-8 unless, taken all together, it is not: then it is in the legacy
//! code page guessed from all of it, as old phones wrote vCard 2.1 in
//! theirs (GBK, Big5, windows-1258); a windows-1252 guess still reads
//! valid UTF-8 as UTF-8 (Android files mix the two). [`read_file`] says
//! which encoding that was. 2.1's base64 values may continue on unindented
//! lines until a blank line.
//!
//! A card is an error only when nothing in it can be read: no property at
//! all (`BEGIN:VCARD` straight to `END:VCARD`, or only lines that are not
//! properties), or NUL bytes (binary data, not text). A missing `END:VCARD`
//! ends the card at the next `BEGIN:VCARD` or at the end of the file; a
//! vCard 2.1 `AGENT:` followed by a nested card skips the nested card.
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

mod decode;
mod extra;
mod lines;
mod property;
mod read;
mod text;
mod write;

use super::Contact;
use super::encoding;
use decode::unlabelled_encoding;
use lines::{physical_lines, split_cards, trim_start};
use read::{parse_card, read_card};
use write::write_card;

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
    let (text, _) = encoding::unicode(head);
    let rest = trim_start(&text);
    rest.len() >= 11 && rest[..11].eq_ignore_ascii_case(b"BEGIN:VCARD")
}

/// The cards of a file, and the encoding it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VcardRead {
    /// The file's encoding ("UTF-8", "UTF-16LE") or, when text without a
    /// `CHARSET` is in a legacy code page, that one ("GBK", "Big5"...): see
    /// [`encoding::name`].
    pub encoding: &'static str,
    /// Each card: `Ok(Contact)` or the error that made it unreadable.
    pub cards: Vec<Result<Contact, CardError>>,
}

/// Reads every card in a file (vCard 2.1, 3.0 and 4.0). Each card is
/// `Ok(Contact)` or the error that made it unreadable; a bad card never
/// stops the others. Never panics, whatever the bytes.
pub fn read(bytes: &[u8]) -> Vec<Result<Contact, CardError>> {
    read_file(bytes).cards
}

/// [`read`], and which encoding the file was read in.
pub fn read_file(bytes: &[u8]) -> VcardRead {
    let (text, unicode) = encoding::unicode(bytes);
    let lines = physical_lines(&text);
    let cards: Vec<_> = split_cards(&lines).into_iter().map(parse_card).collect();
    // A file in UTF-16 (or with a UTF-8 BOM) is Unicode throughout.
    let unlabelled = match unicode {
        Some(_) => encoding::UTF_8,
        None => unlabelled_encoding(&cards),
    };
    VcardRead {
        encoding: encoding::name(unicode.unwrap_or(unlabelled)),
        cards: cards.into_iter().map(|c| read_card(c, unlabelled)).collect(),
    }
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

/// guanxi's own properties, read and written by the files here.
const UNPARSED: &str = "X-GUANXI-UNPARSED";
const UNDECODED: &str = "X-GUANXI-UNDECODED";
const FIELD: &str = "X-GUANXI-FIELD";

#[cfg(test)]
mod tests {
    use super::text::escape;
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
        bytes.extend_from_slice(b"TITLE;CHARSET=GBK:\xD5\xC5\r\nORG;CHARSET=X-NOWHERE:Caf\xE9\r\nEND:VCARD\r\n");
        let read = read_file(&bytes);
        assert_eq!(read.encoding, "windows-1252");
        let c = read.cards.into_iter().next().expect("a card").expect("card");
        assert_eq!(c.name, "Müller");
        // UTF-8 mixed with windows-1252, as Android writes it.
        assert_eq!(c.notes, "café €");
        assert_eq!(c.title, "张");
        assert_eq!(c.company, "Café");
        assert_eq!(c.extra, ["X-GUANXI-UNDECODED;X-CHARSET=X-NOWHERE:ORG"]);
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
