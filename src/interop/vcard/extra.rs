//! A property kept in `extra`: written as one normalised content line
//! (parameters merged, inline base64 data as a `data:` URI), with a note
//! beside it when its charset was unknown.

use super::UNDECODED;
use super::decode::value_text;
use super::property::{Encoding, Prop, param_out, params_out};
use super::text::{escape_line_breaks, lf_only};
use crate::domain::text::clean;
use crate::interop::Contact;
use crate::interop::encoding;

/// Keeps a property in `extra` as a normalised content line.
pub(super) fn push_extra(c: &mut Contact, p: Prop, unlabelled: &'static encoding::Encoding) {
    let (line, note) = extra_line(p, unlabelled);
    c.extra.extend(note);
    c.extra.extend(line);
}

/// A property as the normalised content line kept in `extra` (None when its
/// value is empty), and the note to keep beside it when its charset was
/// unknown.
fn extra_line(mut p: Prop, unlabelled: &'static encoding::Encoding) -> (Option<String>, Option<String>) {
    let mut note = None;
    let value = if p.encoding() == Encoding::Base64 {
        let data: String = p
            .value
            .iter()
            .filter(|b| b.is_ascii_graphic())
            .map(|&b| char::from(b))
            .collect();
        let media = media_type(&mut p, &data);
        format!("data:{media};base64,{data}")
    } else {
        let (text, unknown_charset) = value_text(&p, unlabelled);
        if let Some(charset) = unknown_charset {
            note = Some(format!("{UNDECODED};X-CHARSET={}:{}", param_out(&charset), p.name));
        }
        drop_colon_escapes(&escape_line_breaks(lf_only(&text).trim()))
    };
    let value = clean(&value);
    if value.is_empty() || value.ends_with(";base64,") {
        return (None, note);
    }
    let mut line = String::new();
    if let Some(g) = &p.group {
        line.push_str(g);
        line.push('.');
    }
    line.push_str(&p.name);
    line.push_str(&params_out(&p.params));
    line.push(':');
    line.push_str(&value);
    (Some(line), note)
}

/// Gmail escapes the colon of URLs (`http\://`): not an escape in any
/// version, so it is dropped; `\\:` (an escaped backslash) is kept.
fn drop_colon_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(':') => out.push(':'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The media type of inline base64 data, from its `TYPE` (removed from the
/// parameters) or from the data's first bytes.
fn media_type(p: &mut Prop, data: &str) -> String {
    let kind = p.name.to_ascii_uppercase();
    let media_for = |t: &str| -> Option<String> {
        let t = t.to_ascii_lowercase();
        if t.contains('/') {
            return Some(t);
        }
        let image = matches!(
            t.as_str(),
            "jpeg" | "jpg" | "png" | "gif" | "bmp" | "tiff" | "webp" | "heic"
        );
        let audio = matches!(
            t.as_str(),
            "wave" | "wav" | "pcm" | "aiff" | "mp3" | "mpeg" | "ogg" | "basic"
        );
        match (kind.as_str(), t.as_str()) {
            ("PHOTO" | "LOGO", "jpg") => Some("image/jpeg".into()),
            ("PHOTO" | "LOGO", _) if image => Some(format!("image/{t}")),
            ("SOUND", "wave" | "wav" | "pcm") => Some("audio/wav".into()),
            ("SOUND", _) if audio => Some(format!("audio/{t}")),
            ("KEY", "x509") => Some("application/pkix-cert".into()),
            ("KEY", "pgp") => Some("application/pgp-keys".into()),
            _ => None,
        }
    };
    let mut found = None;
    for param in p
        .params
        .iter_mut()
        .filter(|q| q.name == "TYPE" || q.name == "MEDIATYPE")
    {
        if let Some(pos) = param.values.iter().position(|v| media_for(v).is_some()) {
            found = media_for(&param.values.remove(pos));
            break;
        }
    }
    p.params.retain(|q| !q.values.is_empty() && q.name != "ENCODING");
    found.unwrap_or_else(|| {
        let sniffed = [
            ("/9j/", "image/jpeg"),
            ("iVBORw0KGgo", "image/png"),
            ("R0lGOD", "image/gif"),
        ];
        sniffed
            .iter()
            .find(|(prefix, _)| data.starts_with(prefix))
            .map_or("application/octet-stream", |(_, m)| m)
            .to_string()
    })
}
