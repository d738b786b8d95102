//! `rebuild` and `doctor`.

use anyhow::Result;

use super::context::{Context, warn_about_recovery};
use crate::i18n::{t, tf, tn};
use crate::store::Store;

pub fn rebuild(ctx: &Context) -> Result<String> {
    ctx.require_workspace()?;
    let store = Store::rebuild(ctx.options(ctx.workspace()))?;
    warn_about_recovery(&store);
    ctx.opened_state(&store.workspace().state_dir);
    let customers = store.customers()?.len();
    Ok(tn("cli.rebuilt", customers, &[("path", &store.workspace().root.display())]) + "\n")
}

/// Prints what was checked; fails (status 1) when something is wrong.
pub fn doctor(ctx: &Context) -> Result<(String, bool)> {
    let store = ctx.open()?;
    let report = store.doctor()?;
    let mut out = tf("cli.doctor.workspace", &[("path", &store.workspace().root.display())]) + "\n";
    for n in &report.notes {
        out.push_str(&tf("cli.doctor.ok", &[("note", n)]));
        out.push('\n');
    }
    for p in &report.problems {
        out.push_str(&tf("cli.doctor.problem", &[("problem", p)]));
        out.push('\n');
    }
    out.push_str(t(if report.healthy() {
        "cli.doctor.healthy"
    } else {
        "cli.doctor.unhealthy"
    }));
    out.push('\n');
    Ok((out, report.healthy()))
}
