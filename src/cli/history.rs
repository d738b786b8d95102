//! `undo` and `redo`: this replica's own changes, newest first. They work
//! across restarts, because the undo stack is rebuilt from the journal.

use anyhow::Result;

use super::context::Context;

pub fn undo(ctx: &Context) -> Result<String> {
    let mut store = ctx.open()?;
    let label = store.undo()?;
    Ok(format!("undid: {label}\n"))
}

pub fn redo(ctx: &Context) -> Result<String> {
    let mut store = ctx.open()?;
    let label = store.redo()?;
    Ok(format!("redid: {label}\n"))
}
