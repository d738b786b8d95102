//! Text values: splitting at unescaped separators, unescaping what is
//! read, escaping what is written, and line breaks.

use super::decode::is_stray_control;
use crate::domain::text::clean;

/// Splits at `sep` where it is not escaped by a backslash.
pub(super) fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            out.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&s[start..]);
    out
}

/// `\\` `\n` `\N` `\,` `\;` to what they stand for, and `\:` `\"` (which
/// Gmail and Apple write) too; any other backslash is kept.
pub(super) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(e @ ('\\' | ',' | ';' | ':' | '"')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// CRLF and CR to LF.
pub(super) fn lf_only(s: &str) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    }
}

/// A single-line field: line breaks become spaces, then `clean`.
pub(super) fn single_line(s: &str) -> String {
    if !s.contains(['\n', '\r']) {
        return clean(s);
    }
    let lf = lf_only(s);
    let joined: Vec<&str> = lf.split('\n').map(str::trim).filter(|p| !p.is_empty()).collect();
    clean(&joined.join(" "))
}

/// A multi-line field (notes): LF line ends, then `clean`.
pub(super) fn multi_line(s: &str) -> String {
    clean(&lf_only(s))
}

/// RFC 6350 text escaping: `\` `,` `;` and line breaks; other control
/// characters but tab are left out.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if is_stray_control(c) => {}
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Line breaks as `\n`, other control characters but tab left out: what
/// an `extra` value or line can hold.
pub(super) fn escape_line_breaks(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    lf_only(s)
        .chars()
        .filter(|&c| !is_stray_control(c))
        .collect::<String>()
        .replace('\n', "\\n")
}
