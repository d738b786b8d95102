//! `forget`: erasing a person for a privacy request. Irreversible, so it
//! asks the user to type the person's name (or takes `--yes` from a
//! script); without a terminal and without `--yes` it refuses and changes
//! nothing. After the forget op, this replica's own files are scrubbed
//! and its view made again (`store::scrub`); teammates do the same when
//! the op reaches them and they run `guanxi sync` or `guanxi snapshot`.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use clap::Args;

use super::context::Context;
use super::output::escape;
use crate::domain::text::fold;
use crate::domain::{CustomerId, InputError};
use crate::i18n::{t, tf};
use crate::store::{CustomerRecord, Scrubbed, Store, StoreError};

#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
    /// Do not ask for confirmation (for scripts)
    #[arg(long)]
    yes: bool,
}

/// The customer named: matched like every other command, or, by its whole
/// id, one that was deleted (a privacy request may come after a delete).
fn resolve(store: &Store, reference: &str) -> Result<CustomerRecord, StoreError> {
    match store.resolve_customer(reference) {
        Err(e) => match reference.trim().parse::<CustomerId>() {
            Ok(id) => store.customer(id)?.ok_or(e),
            Err(_) => Err(e),
        },
        found => found,
    }
}

/// Asks for the person's name on the terminal; true when it was typed.
fn confirmed(name: &str) -> Result<bool> {
    let mut err = std::io::stderr().lock();
    write!(err, "{} ", tf("cli.forget.confirm", &[("name", &escape(name))]))?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(!answer.trim().is_empty() && fold(answer.trim()) == fold(name.trim()))
}

pub fn forget(ctx: &Context, a: ForgetArgs) -> Result<String> {
    let mut store = ctx.open()?;
    let rec = resolve(&store, &a.customer)?;
    let name = rec.customer.display_name();
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            return Err(InputError::Invalid(tf("cli.forget.needs_yes", &[("name", &escape(&name))])).into());
        }
        if !confirmed(&name)? {
            return Ok(tf("cli.forget.kept", &[("name", &escape(&name))]) + "\n");
        }
    }
    let done = store.forget(rec.customer.id)?;
    let mut out = tf(
        "cli.forget.forgot",
        &[
            ("name", &escape(&name)),
            ("interactions", &done.interactions),
            ("follow_ups", &done.follow_ups),
            ("deals", &done.deals),
            ("plans", &done.plans),
            ("history", &done.stage_changes),
            ("undo", &done.undo_entries),
        ],
    ) + "\n";
    let (_, scrubbed) = scrub(ctx, store)?;
    out.push_str(&scrubbed);
    out.push_str(t("cli.forget.teammates"));
    out.push('\n');
    Ok(out)
}

/// Scrubs this replica's files of what its view forgot and makes the view
/// again; returns the store opened anew and what to tell the user.
pub fn scrub(ctx: &Context, mut store: Store) -> Result<(Store, String)> {
    let scrubbed: Scrubbed = store.scrub_forgotten()?;
    let root = store.workspace().root.clone();
    let store = store.scrub_view(ctx.options(root))?;
    let mut out = tf(
        "cli.forget.scrubbed",
        &[("ops", &scrubbed.ops), ("segments", &scrubbed.segments)],
    ) + "\n";
    if let Some(path) = &scrubbed.snapshot {
        out.push_str(&tf("cli.forget.new_snapshot", &[("path", &path.display())]));
        out.push('\n');
    }
    Ok((store, out))
}
