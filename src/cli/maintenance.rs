//! `rebuild` and `doctor`.

use anyhow::Result;

use super::context::{Context, warn_about_recovery};
use crate::store::Store;

pub fn rebuild(ctx: &Context) -> Result<String> {
    let store = Store::rebuild(ctx.options(ctx.workspace()))?;
    warn_about_recovery(&store);
    let customers = store.customers()?.len();
    Ok(format!(
        "rebuilt the view of {} from its journals: {customers} customer(s)\n",
        store.workspace().root.display()
    ))
}

/// Prints what was checked; fails (status 1) when something is wrong.
pub fn doctor(ctx: &Context) -> Result<(String, bool)> {
    let store = ctx.open()?;
    let report = store.doctor()?;
    let mut out = format!("workspace {}\n", store.workspace().root.display());
    for n in &report.notes {
        out.push_str(&format!("ok: {n}\n"));
    }
    for p in &report.problems {
        out.push_str(&format!("problem: {p}\n"));
    }
    out.push_str(if report.healthy() {
        "healthy\n"
    } else {
        "problems found\n"
    });
    Ok((out, report.healthy()))
}
