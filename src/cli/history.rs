//! `undo` and `redo`: this replica's own changes, newest first. They work
//! across restarts, because the undo stack is rebuilt from the journal.

use anyhow::Result;

use super::context::Context;
use crate::i18n::tf;

pub fn undo(ctx: &Context) -> Result<String> {
    let mut store = ctx.open()?;
    // Said first, on stderr: it holds whether or not anything is undone.
    if store.forget_above_undo()?.is_some() {
        eprintln!("{}", crate::i18n::t("cli.forget.not_undoable"));
    }
    let label = store.undo()?;
    Ok(tf("cli.undid", &[("what", &crate::store::op::label_text(&label))]) + "\n")
}

pub fn redo(ctx: &Context) -> Result<String> {
    let mut store = ctx.open()?;
    let label = store.redo()?;
    Ok(tf("cli.redid", &[("what", &crate::store::op::label_text(&label))]) + "\n")
}
