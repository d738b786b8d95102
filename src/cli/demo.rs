//! `demo`: a sample workspace to try guanxi on.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use super::context::Context;
use crate::demo::{DemoSpec, generate, temporary_workspace};
use crate::i18n::{tf, tn};
use crate::workspace::{self, WorkspaceError};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of customers
    #[arg(long, default_value_t = 120)]
    customers: usize,
    /// Number of interactions, spread over the customers
    #[arg(long, default_value_t = 1200)]
    interactions: usize,
    /// The same seed gives the same sample data
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only create the data; do not open the terminal UI on it
    #[arg(long)]
    no_tui: bool,
}

pub fn demo(ctx: &Context, a: DemoArgs) -> Result<String> {
    // Never the user's workspace (GUANXI_WORKSPACE, the config's): a
    // folder named with the flag, if new or empty, else a temporary one.
    let workspace = match ctx.workspace_flag() {
        Some(dir) => new_folder(dir)?,
        None => temporary_workspace(),
    };
    let mut store = ctx.open_at(workspace.clone())?;
    let spec = DemoSpec {
        customers: a.customers,
        interactions: if a.customers == 0 { 0 } else { a.interactions },
        seed: a.seed,
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{}", tf("cli.demo.creating", &[("path", &workspace.display())]));
    let saved = generate(&mut store, &spec, |p| {
        // Written only after the chunk is on disk, so the count is true even
        // if the process dies right after.
        let _ = writeln!(
            stdout,
            "{}",
            tf(
                "cli.demo.saved",
                &[
                    (
                        "customers",
                        &tn("cli.demo.customers_of", spec.customers, &[("done", &p.customers)]),
                    ),
                    (
                        "interactions",
                        &tn(
                            "cli.demo.interactions_of",
                            spec.interactions,
                            &[("done", &p.interactions)]
                        ),
                    ),
                ],
            )
        );
        let _ = stdout.flush();
    })?;
    // Bulk work leaves superseded bodies behind, and every kind of record
    // interleaved in the order written: copy them now, while nothing else
    // holds the view, each kind together in key order, so a scan reads
    // each kind as a few large runs (a report over 100,000 customers made
    // 50,000 small reads otherwise).
    store.compact()?;
    let shown: PathBuf = store.workspace().root.clone();
    if !a.no_tui && std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        let mut app = crate::tui::build_app(store, &ctx.config_dir())?;
        app.mouse.on = ctx.config.mouse();
        crate::tui::run(app)?;
        return Ok(tf("cli.demo.stays", &[("path", &shown.display())]) + "\n");
    }
    Ok(tf(
        "cli.demo.done",
        &[
            ("customers", &tn("cli.demo.customers", saved.customers, &[])),
            ("interactions", &tn("cli.demo.interactions", saved.interactions, &[])),
            ("follow_ups", &tn("cli.demo.follow_ups", saved.follow_ups, &[])),
            ("deals", &tn("cli.demo.deals", saved.deals, &[])),
            ("path", &shown.display()),
        ],
    ) + "\n")
}

/// `dir`, when sample data may go there: it is missing or empty (hidden
/// files such as a sync client's `.stfolder` aside).
fn new_folder(dir: &Path) -> Result<PathBuf, WorkspaceError> {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let is_folder_or_nothing = std::fs::metadata(dir).map_or(true, |m| m.is_dir());
    if is_folder_or_nothing && workspace::is_missing_or_empty(dir)? {
        Ok(dir.to_path_buf())
    } else {
        Err(WorkspaceError::DemoNeedsEmptyFolder(absolute))
    }
}
