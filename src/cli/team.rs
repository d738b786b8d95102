//! `init` and `sync`: sharing a workspace with a team.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::context::{Context, warn_about};
use super::output::escape;
use crate::i18n::{t, tf};
use crate::workspace;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to share (missing or empty; created when missing)
    dir: PathBuf,
    /// The team's name for the workspace [default: the folder's name]
    #[arg(long)]
    name: Option<String>,
    /// Seal everything written to the folder with a team key (asks for a passphrase)
    #[arg(long)]
    encrypt: bool,
    /// Also wrap the team key for this age recipient (age1...); repeat for more
    #[arg(long, value_name = "AGE1...", requires = "encrypt")]
    recipient: Vec<String>,
}

pub fn init(ctx: &Context, a: InitArgs) -> Result<String> {
    if a.encrypt {
        return super::keys::init_encrypted(ctx, &a.dir, a.name.as_deref(), &a.recipient);
    }
    let meta = workspace::create(&a.dir, a.name.as_deref())?;
    let dir = std::path::absolute(&a.dir).unwrap_or(a.dir);
    Ok(tf("cli.init", &[("path", &dir.display()), ("name", &escape(&meta.name))]) + "\n")
}

pub fn sync(ctx: &Context) -> Result<String> {
    // Opening already read what had arrived (and warned of what it found);
    // report that and anything newer.
    let mut store = ctx.open()?;
    let mut report = store.ingest_others()?;
    if report.restored.is_none() {
        report.restored = store.mend_journal()?;
    }
    warn_about(&report);
    report.arrived.splice(0..0, store.recovery().arrived.iter().cloned());
    store.publish_seen()?;
    let mut out = String::new();
    // A forget that arrived: this replica's copies of the person go too.
    if store.scrub_needed()? {
        let (_, scrubbed) = super::forget::scrub(ctx, store)?;
        out.push_str(&scrubbed);
    }
    if report.arrived.is_empty() {
        out.push_str(t("cli.sync.up_to_date"));
        out.push('\n');
    }
    for a in &report.arrived {
        let who = a
            .authors
            .iter()
            .map(|(name, n)| tf("cli.sync.by", &[("count", n), ("who", &escape(name))]))
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&crate::i18n::tn(
            "cli.sync.arrived",
            a.count,
            &[("replica", &a.replica), ("who", &who)],
        ));
        out.push('\n');
    }
    for (replica, why) in &report.waiting {
        out.push_str(&tf("cli.sync.waiting", &[("replica", replica), ("why", &escape(why))]));
        out.push('\n');
    }
    Ok(out)
}

pub fn snapshot(ctx: &Context) -> Result<String> {
    let mut store = ctx.open()?;
    let mut scrubbed = String::new();
    if store.scrub_needed()? {
        let (fresh, said) = super::forget::scrub(ctx, store)?;
        store = fresh;
        scrubbed = said;
    }
    // After a teammate's key was removed: this replica's segments sealed
    // with the old key are sealed again with the new one.
    let resealed = store.reseal_segments()?;
    let path = store.write_snapshot()?;
    store.publish_seen()?;
    let mut out = scrubbed + &tf("cli.snapshot.wrote", &[("path", &path.display())]) + "\n";
    if resealed > 0 {
        out.push_str(&crate::i18n::tn("cli.snapshot.resealed", resealed, &[]));
        out.push('\n');
    }
    let removable = store.removable_segments()?;
    if removable.is_empty() {
        out.push_str(t("cli.snapshot.none_removable"));
        out.push('\n');
    } else {
        out.push_str(t("cli.snapshot.removable"));
        out.push('\n');
        for p in removable {
            out.push_str(&format!("  {}\n", p.display()));
        }
    }
    Ok(out)
}
