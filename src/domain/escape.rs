//! Text from data, made safe to show on a terminal.
//!
//! A name, a note or a column of an imported file can hold characters a
//! terminal obeys instead of showing: ESC starts sequences that clear the
//! screen (`ESC [2J`), set the window title (OSC 0) or write the clipboard
//! (OSC 52); C1 controls (U+0080-U+009F) do the same on some terminals; CR
//! and BS overwrite what was printed; bidi overrides (U+202E) show the rest
//! of a line backwards; zero-width characters hide text or make two names
//! look alike. Before data reaches a terminal, each such character becomes
//! a visible escape:
//!
//! | character                                                  | shown as                     |
//! |------------------------------------------------------------|------------------------------|
//! | ESC                                                        | `\e`                         |
//! | TAB, LF, CR                                                | `\t`, `\n`, `\r`             |
//! | other C0 controls (U+0000-U+001F) and DEL                  | `\x07`, `\x7F` (2 hex digits) |
//! | C1 controls, bidi controls, zero-width and other invisible format characters (Unicode category Cf), line and paragraph separators | `\u{202E}` (4 or more hex digits) |
//! | `\` itself                                                 | `\\`                         |
//!
//! The backslash is doubled so that the form is unambiguous: `\e` on screen
//! is always an ESC in the data, and a name typed with a real backslash
//! and `e` shows as `\\e`. Ordinary text (Vietnamese, Chinese, English,
//! emoji) is shown unchanged, and with nothing to escape the text is
//! returned borrowed: this runs on every cell of every list.
//!
//! Where the user edits the real value (a text box of the UI), and in the
//! last pass over everything written to a terminal, [`escape_typed`] and
//! [`neutralize`] escape the same characters but leave a backslash as it
//! is: what was typed is shown as typed, and text escaped once before is
//! not escaped again.
//!
//! JSON output needs none of this: JSON escapes control characters itself
//! and is written byte for byte.

use std::borrow::Cow;

/// True for a character a terminal may act on or not show: controls (C0,
/// DEL, C1), bidi controls, zero-width characters, the other invisible
/// format characters of Unicode (category Cf) and the line and paragraph
/// separators.
pub fn is_hidden(c: char) -> bool {
    match c {
        ' '..='~' => false,
        '\0'..='\u{1F}' | '\u{7F}'..='\u{9F}' => true,
        _ => is_format(c),
    }
}

/// Unicode's format characters (Cf, as of Unicode 16), plus U+2028 and
/// U+2029 (Zl, Zp), which some programs take for line breaks.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{600}'..='\u{605}'
            | '\u{61C}'
            | '\u{6DD}'
            | '\u{70F}'
            | '\u{890}'..='\u{891}'
            | '\u{8E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

#[derive(Clone, Copy)]
struct Mode {
    /// LF (and CR just before it) stay line breaks.
    lines: bool,
    /// A backslash is shown doubled.
    backslash: bool,
}

const LINE: Mode = Mode {
    lines: false,
    backslash: true,
};
const TEXT: Mode = Mode {
    lines: true,
    backslash: true,
};
const TYPED: Mode = Mode {
    lines: false,
    backslash: false,
};
const NEUTRAL: Mode = Mode {
    lines: true,
    backslash: false,
};

/// One line of data as a terminal may show it: every hidden character
/// (line breaks and tabs too) as a visible escape, backslashes doubled.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_as(s, LINE)
}

/// Text of several lines (a note, an exported file): as [`escape`], but
/// line breaks (LF, or CR LF) stay line breaks.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape_as(s, TEXT)
}

/// Each line of a text, escaped; a CR ending a line goes with its LF.
pub fn escape_lines(s: &str) -> impl Iterator<Item = Cow<'_, str>> {
    s.split('\n')
        .map(|line| escape(line.strip_suffix('\r').unwrap_or(line)))
}

/// A value being edited: hidden characters escaped, a backslash left as
/// typed.
pub fn escape_typed(s: &str) -> Cow<'_, str> {
    escape_as(s, TYPED)
}

/// The last pass over text on its way to a terminal: hidden characters
/// escaped, line breaks kept, and a backslash left alone, so text escaped
/// before passes unchanged.
pub fn neutralize(s: &str) -> Cow<'_, str> {
    escape_as(s, NEUTRAL)
}

fn escape_as(s: &str, mode: Mode) -> Cow<'_, str> {
    // Most text is printable ASCII without a backslash: one pass over the
    // bytes, no allocation.
    if s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && (b != b'\\' || !mode.backslash))
    {
        return Cow::Borrowed(s);
    }
    let needs = |(i, c): (usize, char)| match c {
        '\\' => mode.backslash,
        '\n' => !mode.lines,
        '\r' => !(mode.lines && s[i + 1..].starts_with('\n')),
        c => is_hidden(c),
    };
    let Some(first) = s.char_indices().find(|&ic| needs(ic)).map(|(i, _)| i) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..first]);
    for (i, c) in s[first..].char_indices() {
        if needs((first + i, c)) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn push_escape(out: &mut String, c: char) {
    use std::fmt::Write as _;
    match c {
        '\\' => out.push_str("\\\\"),
        '\u{1B}' => out.push_str("\\e"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\0'..='\u{1F}' | '\u{7F}' => {
            let _ = write!(out, "\\x{:02X}", u32::from(c));
        }
        _ => {
            let _ = write!(out, "\\u{{{:04X}}}", u32::from(c));
        }
    }
}

/// The length in bytes of the escape that `s` starts with, if it starts
/// with one this module writes (`\\`, `\e`, `\t`, `\n`, `\r`, `\xHH`,
/// `\u{HHHH}`): text is cut to a width around escapes, never through one.
pub fn escape_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'\\') {
        return None;
    }
    match b.get(1)? {
        b'\\' | b'e' | b't' | b'n' | b'r' => Some(2),
        b'x' if b.len() >= 4 && b[2].is_ascii_hexdigit() && b[3].is_ascii_hexdigit() => Some(4),
        b'u' if b.get(2) == Some(&b'{') => {
            let digits = b[3..].iter().take_while(|d| d.is_ascii_hexdigit()).count();
            ((1..=6).contains(&digits) && b.get(3 + digits) == Some(&b'}')).then_some(4 + digits)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for s in [
            "",
            "Emily Clark",
            "Nguyễn Thị Hồng Nhung",
            "Công ty TNHH Minh Phát, Quận 1",
            "深圳华信科技有限公司",
            "张伟 (Zhang Wei) <zhangwei@huaxin.cn>",
            "👍 đã gửi báo giá",
        ] {
            assert!(matches!(escape(s), Cow::Borrowed(_)), "{s}");
            assert!(matches!(escape_text(s), Cow::Borrowed(_)), "{s}");
            assert!(matches!(neutralize(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn terminal_sequences_become_visible() {
        assert_eq!(escape("Evil\u{1b}[2J"), "Evil\\e[2J");
        assert_eq!(escape("\u{1b}]0;pwned\u{7}"), "\\e]0;pwned\\x07");
        assert_eq!(escape("\u{1b}]52;c;ZXZpbA==\u{7}"), "\\e]52;c;ZXZpbA==\\x07");
        assert_eq!(escape("abc\u{202E}fed"), "abc\\u{202E}fed");
        assert_eq!(escape("a\u{9B}31m"), "a\\u{009B}31m");
        assert_eq!(escape("x\u{7F}\u{0}"), "x\\x7F\\x00");
        assert_eq!(escape("a\tb\r\nc"), "a\\tb\\r\\nc");
        assert_eq!(escape("zero\u{200B}width\u{FEFF}"), "zero\\u{200B}width\\u{FEFF}");
        assert_eq!(escape("tag\u{E0041}"), "tag\\u{E0041}");
    }

    #[test]
    fn a_backslash_is_doubled_so_escapes_are_unambiguous() {
        assert_eq!(escape("C:\\e"), "C:\\\\e");
        assert_ne!(escape("\\e"), escape("\u{1b}"));
        assert_eq!(escape_typed("C:\\e\u{1b}"), "C:\\e\\e");
        assert_eq!(neutralize("a\\e"), "a\\e");
    }

    #[test]
    fn text_keeps_its_line_breaks() {
        assert_eq!(escape_text("one\ntwo\r\nthree\rfour"), "one\ntwo\r\nthree\\rfour");
        assert_eq!(neutralize("one\n\u{1b}[2J"), "one\n\\e[2J");
        let lines: Vec<_> = escape_lines("a\r\n\u{1b}b\n").collect();
        assert_eq!(lines, ["a", "\\eb", ""]);
    }

    #[test]
    fn escape_lengths() {
        assert_eq!(escape_len("\\e[2J"), Some(2));
        assert_eq!(escape_len("\\x07rest"), Some(4));
        assert_eq!(escape_len("\\u{202E}x"), Some(8));
        assert_eq!(escape_len("\\u{E0041}"), Some(9));
        assert_eq!(escape_len("\\u{20"), None);
        assert_eq!(escape_len("\\q"), None);
        assert_eq!(escape_len("e"), None);
    }

    proptest::proptest! {
        #[test]
        fn nothing_hidden_survives(s in "(\\PC|[\u{0}-\u{1F}\u{7F}-\u{9F}\u{200B}-\u{200F}\u{202A}-\u{202E}\u{2060}\u{2066}-\u{2069}\u{FEFF}\u{61C}\\\\])*") {
            for out in [escape(&s), escape_typed(&s)] {
                proptest::prop_assert!(!out.chars().any(is_hidden), "{out:?}");
            }
            for out in [escape_text(&s), neutralize(&s)] {
                proptest::prop_assert!(!out.chars().any(|c| is_hidden(c) && c != '\n' && c != '\r'), "{out:?}");
                proptest::prop_assert!(!out.replace("\r\n", "").contains('\r'), "{out:?}");
            }
            // What was escaped once passes the last pass unchanged.
            let once = escape(&s);
            proptest::prop_assert_eq!(neutralize(&once), once.clone());
        }

        #[test]
        fn ordinary_text_is_unchanged(s in "[a-zA-Z0-9 .,;:!?@#()'\"/&+*=_-]*[ạ-ỹàáâãèéêìíòóôõùúýăơưđĐ张伟深圳华信科技有限公司李娜王芳😀👍]*[a-zA-Z ạ-ỹ\u{0300}-\u{0323}]*") {
            proptest::prop_assert!(matches!(escape(&s), Cow::Borrowed(_)));
            proptest::prop_assert!(matches!(escape_text(&s), Cow::Borrowed(_)));
        }

        #[test]
        fn escaping_can_be_undone(s in "(\\PC|[\u{0}-\u{1F}\u{7F}-\u{9F}\u{202E}\u{200D}\\\\e{}x])*") {
            proptest::prop_assert_eq!(unescape(&escape(&s)), s);
        }
    }

    /// The reverse of `escape`, to show it loses nothing.
    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            match escape_len(rest) {
                Some(n) => {
                    let e = &rest[..n];
                    out.push(match e {
                        "\\\\" => '\\',
                        "\\e" => '\u{1b}',
                        "\\t" => '\t',
                        "\\n" => '\n',
                        "\\r" => '\r',
                        _ => {
                            let hex = e
                                .trim_start_matches("\\x")
                                .trim_start_matches("\\u{")
                                .trim_end_matches('}');
                            char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap()
                        }
                    });
                    rest = &rest[n..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out
    }
}
