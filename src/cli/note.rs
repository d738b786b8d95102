//! `note`: quick capture, one line (`domain::capture` reads it,
//! `Store::save_capture` saves it, as the UI's capture line does).

use anyhow::Result;
use clap::Args;
use unicode_width::UnicodeWidthStr;

use super::context::Context;
use crate::domain::capture;
use crate::i18n::t;
use crate::store::{capture_pieces, capture_who};

#[derive(Debug, Args)]
pub struct NoteArgs {
    /// The line: who, kind, date, +follow-up, #tags, amount, and after a colon the note
    #[arg(required = true, num_args = 1.., value_name = "LINE")]
    line: Vec<String>,
    /// Save it even when dated after today, or with the follow-up before today
    #[arg(long)]
    force: bool,
}

/// Saves the line; prints each piece saved, one a line.
pub fn note(ctx: &Context, a: NoteArgs) -> Result<String> {
    let mut store = ctx.open()?;
    let today = store.clock().today();
    let c = capture::parse(&a.line.join(" "), today);
    let saved = store.save_capture(&c, a.force)?;
    let pieces: Vec<(&str, String)> = capture_pieces(&c, capture_who(&saved.customer), today)
        .into_iter()
        .filter_map(|(label, value)| value.map(|v| (t(label), v)))
        .collect();
    let width = pieces.iter().map(|(label, _)| label.width()).max().unwrap_or(0);
    let mut out = String::new();
    for (label, value) in pieces {
        let pad = " ".repeat(width - label.width());
        out += &format!("{label}:{pad} {value}\n");
    }
    Ok(out)
}
