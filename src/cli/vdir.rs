//! `export --format vdir DIR` and `import DIR`: customers as a folder of
//! cards for vdirsyncer, and the folder's edits back (see `interop::vdir`).

use std::path::Path;

use anyhow::{Context as _, Result};

use super::context::Context;
use super::interop::{import_summary, plan_notes};
use super::output::escape;
use crate::domain::{Customer, InputError};
use crate::i18n::{t, tf};
use crate::interop::import::{self, Outcome};
use crate::interop::vdir;

/// Writes the chosen customers into the folder `dir`.
pub fn export_folder(dir: &Path, customers: &[Customer]) -> Result<String> {
    let done =
        vdir::export(dir, customers).with_context(|| tf("cli.export.cannot_write", &[("path", &dir.display())]))?;
    Ok(tf(
        "cli.export.vdir",
        &[
            ("path", &dir.display()),
            ("count", &done.total()),
            ("written", &done.written),
            ("unchanged", &done.unchanged),
            ("removed", &done.removed),
        ],
    ) + "\n")
}

/// Imports the cards of the folder `dir`.
pub fn import_folder(ctx: &Context, dir: &Path, dry_run: bool) -> Result<String> {
    let folder = vdir::read_folder(dir).map_err(|e| InputError::CannotRead {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut store = if dry_run { ctx.open()? } else { ctx.open_or_create()? };
    let mut planned = vdir::plan_import(&mut store, dir, folder)?;
    let plan = &mut planned.plan;
    let mut out = tf("cli.import.file", &[("path", &dir.display()), ("format", &"vdir")]) + "\n";
    let skipped = plan.skipped.len();
    let summary = |created, merged, unchanged| import_summary(created, merged, unchanged, skipped);
    if dry_run {
        out.push_str(t("cli.import.dry_run"));
        out.push(' ');
        out.push_str(&summary(
            plan.count(Outcome::Create),
            plan.count(Outcome::Merge),
            plan.count(Outcome::Unchanged),
        ));
        for s in plan.steps.iter().filter(|s| s.outcome != Outcome::Unchanged).take(20) {
            let what = match s.outcome {
                Outcome::Create => t("import.create"),
                _ => t("import.merge"),
            };
            out.push_str(&format!("  {}: {} ({what})\n", escape(&s.place), escape(&s.name)));
        }
    } else {
        let report = import::apply(&mut store, plan, None, |_, _| true)?;
        store.compact_if_wasteful()?;
        planned
            .keep_bases(dir)
            .with_context(|| tf("cli.export.cannot_write", &[("path", &dir.display())]))?;
        out.push_str(t("cli.import.imported"));
        out.push(' ');
        out.push_str(&summary(report.created, report.merged, report.unchanged));
    }
    let plan = &planned.plan;
    out.push_str(&plan_notes(plan));
    Ok(out)
}
