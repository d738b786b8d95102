//! Bytes to cards: physical lines (whatever their line ends), the lines of
//! each card between its `BEGIN` and `END`, and content lines unfolded from
//! them.

use super::property::{Encoding, parse_line};

/// Splits at CRLF, LF, CR and CR CR LF (one line end, as some iPhone exports
/// write it). The line numbered n is at index n - 1.
pub(super) fn physical_lines(b: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                out.push(&b[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                let mut j = i;
                while j < b.len() && b[j] == b'\r' {
                    j += 1;
                }
                out.push(&b[start..i]);
                i = if b.get(j) == Some(&b'\n') { j + 1 } else { i + 1 };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < b.len() {
        out.push(&b[start..]);
    }
    out
}

/// The physical lines of one card, between its `BEGIN` and `END`.
pub(super) struct RawCard<'a> {
    pub(super) line: usize,
    pub(super) lines: Vec<(usize, &'a [u8])>,
}

fn is_marker(line: &[u8], marker: &[u8]) -> bool {
    let t = trim_end(line);
    t.eq_ignore_ascii_case(marker)
}

pub(super) fn split_cards<'a>(lines: &[&'a [u8]]) -> Vec<RawCard<'a>> {
    let mut cards = Vec::new();
    let mut current: Option<RawCard<'a>> = None;
    let mut nested = 0usize;
    let mut after_agent = false;
    for (i, &l) in lines.iter().enumerate() {
        let n = i + 1;
        let Some(card) = current.as_mut() else {
            if is_marker(trim_start(l), b"BEGIN:VCARD") {
                current = Some(RawCard {
                    line: n,
                    lines: Vec::new(),
                });
                nested = 0;
                after_agent = false;
            }
            continue;
        };
        if nested > 0 {
            if is_marker(trim_start(l), b"END:VCARD") {
                nested -= 1;
            } else if is_marker(trim_start(l), b"BEGIN:VCARD") {
                nested += 1;
            }
            continue;
        }
        if is_marker(l, b"END:VCARD") {
            cards.extend(current.take());
            continue;
        }
        if is_marker(l, b"BEGIN:VCARD") {
            if after_agent {
                // vCard 2.1: `AGENT:` followed by the agent's own card.
                nested = 1;
                after_agent = false;
            } else {
                cards.extend(current.take());
                current = Some(RawCard {
                    line: n,
                    lines: Vec::new(),
                });
            }
            continue;
        }
        if !l.is_empty() && !matches!(l[0], b' ' | b'\t') {
            after_agent = starts_with_ci(l, b"AGENT") && trim_end(l).ends_with(b":");
        }
        card.lines.push((n, l));
    }
    cards.extend(current);
    cards
}

/// One unfolded content line and where it starts.
pub(super) struct Logical {
    pub(super) line: usize,
    pub(super) text: Vec<u8>,
    /// Known once the name and parameters (up to the first `:`) are read.
    encoding: Option<Encoding>,
    /// The last physical line ended with `=`: a quoted-printable soft break.
    soft_break: bool,
    /// A blank line was seen since: only vCard folding may continue it.
    closed: bool,
}

impl Logical {
    fn new(line: usize, l: &[u8]) -> Logical {
        let mut lg = Logical {
            line,
            text: l.to_vec(),
            encoding: None,
            soft_break: false,
            closed: false,
        };
        lg.update(l);
        lg
    }

    fn update(&mut self, appended: &[u8]) {
        self.soft_break = trim_end(appended).ends_with(b"=");
        if self.encoding.is_none() {
            self.encoding = match parse_line(&self.text) {
                Some(p) => Some(p.encoding()),
                None if self.text.len() > 8192 => Some(Encoding::Plain),
                None => None,
            };
        }
    }
}

/// Unfolds the physical lines of a card into content lines: CRLF + space or
/// tab (folding), quoted-printable soft line breaks, and 2.1 base64 data
/// continued on unindented lines.
pub(super) fn unfold(lines: &[(usize, &[u8])]) -> Vec<Logical> {
    let mut out: Vec<Logical> = Vec::new();
    for &(n, l) in lines {
        if let Some(cur) = out.last_mut() {
            if let [b' ' | b'\t', rest @ ..] = l {
                cur.text.extend_from_slice(rest);
                cur.update(rest);
                continue;
            }
            if !cur.closed && cur.soft_break && cur.encoding == Some(Encoding::QuotedPrintable) {
                let keep = trim_end(&cur.text).len().saturating_sub(1);
                cur.text.truncate(keep);
                cur.text.extend_from_slice(l);
                cur.update(l);
                continue;
            }
            if !cur.closed && cur.encoding == Some(Encoding::Base64) && !l.is_empty() && is_base64_text(l) {
                cur.text.extend_from_slice(l);
                continue;
            }
        }
        if trim_end(l).is_empty() {
            if let Some(cur) = out.last_mut() {
                cur.closed = true;
            }
            continue;
        }
        out.push(Logical::new(n, l));
    }
    out
}

fn is_base64_text(l: &[u8]) -> bool {
    l.iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b' ' | b'\t'))
}

pub(super) fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn trim_end(b: &[u8]) -> &[u8] {
    let n = b.iter().rev().take_while(|c| c.is_ascii_whitespace()).count();
    &b[..b.len() - n]
}

pub(super) fn starts_with_ci(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}
