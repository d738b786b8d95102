//! A content line's parts: `[group.]name;param=value,...:value` parsed
//! into a [`Prop`], and parameters written back.

use super::lines::trim_start;
use crate::interop::encoding::utf8_lenient;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Plain,
    QuotedPrintable,
    Base64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Param {
    /// Upper-cased.
    pub(super) name: String,
    pub(super) values: Vec<String>,
}

#[derive(Debug, Clone)]
pub(super) struct Prop {
    pub(super) group: Option<String>,
    pub(super) name: String,
    pub(super) params: Vec<Param>,
    pub(super) value: Vec<u8>,
}

impl Prop {
    pub(super) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .filter(|p| p.name == name)
            .flat_map(|p| p.values.iter())
            .map(String::as_str)
            .next()
    }

    pub(super) fn has_param_value(&self, name: &str, value: &str) -> bool {
        self.params
            .iter()
            .filter(|p| p.name == name)
            .flat_map(|p| p.values.iter())
            .any(|v| v.eq_ignore_ascii_case(value))
    }

    pub(super) fn encoding(&self) -> Encoding {
        match self.param("ENCODING").map(str::to_ascii_uppercase).as_deref() {
            Some("QUOTED-PRINTABLE" | "Q") => Encoding::QuotedPrintable,
            Some("BASE64" | "B") => Encoding::Base64,
            _ => Encoding::Plain,
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// Parses `[group.]name *(;param[=value *(,value)]) : value`, or None when
/// the line is not a content line.
pub(super) fn parse_line(text: &[u8]) -> Option<Prop> {
    let text = trim_start(text);
    let name_len = text.iter().take_while(|&&b| is_name_byte(b) || b == b'.').count();
    let full_name = std::str::from_utf8(&text[..name_len]).ok()?;
    let (group, name) = match full_name.rsplit_once('.') {
        Some((g, n)) => (Some(g), n),
        None => (None, full_name),
    };
    if name.is_empty() || group.is_some_and(|g| g.is_empty() || g.starts_with('.') || g.ends_with('.')) {
        return None;
    }
    let mut params = Vec::new();
    let mut i = name_len;
    loop {
        match text.get(i) {
            Some(b':') => break,
            Some(b';') => i = parse_param(text, i + 1, &mut params)?,
            _ => return None,
        }
    }
    Some(Prop {
        group: group.map(str::to_string),
        name: name.to_string(),
        params,
        value: text.get(i + 1..).unwrap_or_default().to_vec(),
    })
}

/// Parses one parameter starting at `i`; returns the index of the `;` or
/// `:` after it.
fn parse_param(text: &[u8], mut i: usize, params: &mut Vec<Param>) -> Option<usize> {
    let start = i;
    while let Some(&b) = text.get(i) {
        if matches!(b, b'=' | b';' | b':') {
            break;
        }
        i += 1;
    }
    let name = std::str::from_utf8(&text[start..i]).ok()?.trim();
    if name.is_empty() {
        // `TEL;;WORK:` or `TEL;:`: an empty parameter, ignored.
        return (text.get(i) != Some(&b'=')).then_some(i);
    }
    if !name.bytes().all(is_name_byte) {
        return None;
    }
    if text.get(i) != Some(&b'=') {
        // vCard 2.1: a bare value whose parameter name is implied.
        let upper = name.to_ascii_uppercase();
        let pname = match upper.as_str() {
            "QUOTED-PRINTABLE" | "BASE64" | "8BIT" | "7BIT" => "ENCODING",
            _ => "TYPE",
        };
        push_param(params, pname, vec![name.to_string()]);
        return Some(i);
    }
    i += 1;
    let mut values = Vec::new();
    loop {
        let mut value = Vec::new();
        while let Some(&b) = text.get(i) {
            match b {
                b'"' => {
                    let close = text.get(i + 1..)?.iter().position(|&c| c == b'"')?;
                    value.extend_from_slice(&text[i + 1..i + 1 + close]);
                    i += close + 2;
                }
                b',' | b';' | b':' => break,
                _ => {
                    value.push(b);
                    i += 1;
                }
            }
        }
        values.push(param_text(&value));
        if text.get(i) == Some(&b',') {
            i += 1;
        } else {
            break;
        }
    }
    push_param(params, &name.to_ascii_uppercase(), values);
    Some(i)
}

fn push_param(params: &mut Vec<Param>, name: &str, values: Vec<String>) {
    params.push(Param {
        name: name.to_string(),
        values,
    });
}

/// A parameter value as text that can be written back: no quotes, no
/// control characters.
fn param_text(bytes: &[u8]) -> String {
    utf8_lenient(bytes)
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Parameters as written back: names upper-cased, all `TYPE` values in one
/// `TYPE`, `ENCODING` and `CHARSET` left out (the value is decoded).
pub(super) fn params_out(params: &[Param]) -> String {
    let mut merged: Vec<Param> = Vec::new();
    for p in params {
        if (p.name == "ENCODING" && p.values.iter().all(|v| is_transfer_encoding(v))) || p.name == "CHARSET" {
            continue;
        }
        match merged.iter_mut().find(|m| m.name == "TYPE" && p.name == "TYPE") {
            Some(m) => m.values.extend(p.values.iter().cloned()),
            None => merged.push(p.clone()),
        }
    }
    let mut out = String::new();
    for p in merged {
        out.push(';');
        out.push_str(&p.name);
        out.push('=');
        let values: Vec<String> = p.values.iter().map(|v| param_out(v)).collect();
        out.push_str(&values.join(","));
    }
    out
}

fn is_transfer_encoding(v: &str) -> bool {
    ["QUOTED-PRINTABLE", "Q", "BASE64", "B", "8BIT", "7BIT"]
        .iter()
        .any(|e| v.eq_ignore_ascii_case(e))
}

/// A parameter value, quoted when it holds `,` `;` or `:`.
pub(super) fn param_out(v: &str) -> String {
    let v: String = v
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect();
    if v.contains([',', ';', ':']) {
        format!("\"{v}\"")
    } else {
        v
    }
}
