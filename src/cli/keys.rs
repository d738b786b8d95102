//! An encrypted workspace's keys: `init --encrypt`, `join`, and
//! `team add-key | keys | remove-key`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};

use super::context::Context;
use super::output::escape;
use super::unlock::{can_ask, ensure_unlocked, given_passphrase, new_passphrase};
use crate::encryption::key_file::{self, KeyKind};
use crate::encryption::{self, EncryptionError, Keyring, membership, recipient, unlock};
use crate::i18n::{t, tf, tn};
use crate::workspace;

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// The shared workspace folder
    dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct TeamArgs {
    #[command(subcommand)]
    command: TeamCommand,
}

#[derive(Debug, Subcommand)]
enum TeamCommand {
    /// Let a teammate unlock the workspace, by their passphrase or age recipient
    #[command(name = "add-key")]
    AddKey(AddKeyArgs),
    /// List who can unlock the workspace: label, kind, key generation
    Keys,
    /// Remove a teammate's key and rotate the team key
    #[command(name = "remove-key")]
    RemoveKey(RemoveKeyArgs),
}

#[derive(Debug, Args)]
struct AddKeyArgs {
    /// Who the key is for [default: key N]
    #[arg(long)]
    label: Option<String>,
    /// The teammate's age recipient (age1...), instead of a passphrase
    #[arg(long, value_name = "AGE1...")]
    recipient: Option<String>,
    /// The teammate's passphrase, from the first line of this file [default: asked twice]
    #[arg(long, value_name = "FILE", conflicts_with = "recipient")]
    new_passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct RemoveKeyArgs {
    /// The key's label (see `guanxi team keys`)
    label: String,
}

/// `guanxi init DIR --encrypt`: the warning first, then the passphrase,
/// then the workspace and its first keys. Nothing is made when the
/// passphrase or a recipient is refused.
pub fn init_encrypted(ctx: &Context, dir: &Path, name: Option<&str>, recipients: &[String]) -> Result<String> {
    let recipients = recipients
        .iter()
        .map(|r| recipient::parse_recipient(r))
        .collect::<Result<Vec<_>, _>>()?;
    if !workspace::is_missing_or_empty(dir)? {
        // Says why the folder is refused (already a workspace, or other files).
        workspace::create_with(dir, name, true)?;
    }
    // With age recipients, a passphrase is used when given, never asked.
    let given = given_passphrase(ctx.secrets.passphrase_file.as_deref(), true)?;
    if given.is_none() && recipients.is_empty() && !can_ask() {
        return Err(EncryptionError::NoPassphrase.into());
    }
    // Said before anything is encrypted, and before the passphrase is chosen.
    eprintln!("{}", t("cli.init_encrypted.warning"));
    let pass = match given {
        Some(p) => Some(p),
        None if recipients.is_empty() => new_passphrase(None, false)?,
        None => None,
    };
    if pass.is_none() && recipients.is_empty() {
        return Err(EncryptionError::NoPassphrase.into());
    }
    let meta = workspace::create_with(dir, name, true)?;
    let root = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let label = ctx.config.user_name();
    let made = membership::create(&root, &label, pass.as_deref().map(String::as_str), &recipients)
        .and_then(|ring| unlock::cache(&ctx.locations.state_root.join(&meta.id), &ring));
    if let Err(e) = made {
        // No half-made encrypted workspace is left behind.
        let _ = std::fs::remove_dir_all(key_file::dir(&root));
        let _ = std::fs::remove_file(root.join(workspace::META_FILE));
        return Err(e.into());
    }
    let keys = key_file::read_all(&root)?
        .iter()
        .map(|f| escape(&f.entry.label))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(tf(
        "cli.init_encrypted.made",
        &[
            ("path", &root.display()),
            ("name", &escape(&meta.name)),
            ("keys", &keys),
        ],
    ) + "\n")
}

/// `guanxi join DIR`: unlocks the workspace (asking when needed) and opens
/// it as this machine's replica.
pub fn join(ctx: &Context, a: JoinArgs) -> Result<String> {
    workspace::require_existing(&a.dir)?;
    let encrypted = encryption::is_encrypted(&a.dir);
    let store = ctx.open_at(a.dir)?;
    let path = store.workspace().root.display().to_string();
    let replica = store.replica().to_string();
    let key = if encrypted {
        "cli.join.encrypted"
    } else {
        "cli.join.plain"
    };
    Ok(tf(
        key,
        &[
            ("path", &path),
            ("replica", &replica),
            ("generation", &store.keys().generation()),
        ],
    ) + "\n")
}

pub fn team(ctx: &Context, a: TeamArgs) -> Result<String> {
    ctx.require_workspace()?;
    let root = std::path::absolute(ctx.workspace())?;
    if !encryption::is_encrypted(&root) {
        return Err(EncryptionError::NotEncrypted.into());
    }
    match a.command {
        TeamCommand::Keys => list(&root),
        TeamCommand::AddKey(args) => add_key(ctx, &root, args),
        TeamCommand::RemoveKey(args) => remove_key(ctx, &root, &args.label),
    }
}

fn list(root: &Path) -> Result<String> {
    let mut out = String::new();
    for found in key_file::read_all(root)? {
        let kind = match found.entry.kind {
            KeyKind::Passphrase => t("cli.team.kind_passphrase"),
            KeyKind::Age => t("cli.team.kind_age"),
        };
        out.push_str(&tf(
            "cli.team.key_line",
            &[
                ("label", &escape(&found.entry.label)),
                ("kind", &kind),
                ("generation", &found.entry.generation),
            ],
        ));
        out.push('\n');
    }
    Ok(out)
}

/// The team keyring, unlocked (asked for when it is not cached).
fn keyring(ctx: &Context, root: &Path) -> Result<(Keyring, PathBuf)> {
    ensure_unlocked(root, &ctx.locations.state_root, &ctx.secrets)?;
    let state_dir = workspace::state_dir_of(root, &ctx.locations.state_root)?
        .ok_or_else(|| EncryptionError::Locked(root.to_path_buf()))?;
    let ring = unlock::cached(&state_dir)?.ok_or_else(|| EncryptionError::Locked(root.to_path_buf()))?;
    Ok((ring, state_dir))
}

fn add_key(ctx: &Context, root: &Path, a: AddKeyArgs) -> Result<String> {
    let recipient = a.recipient.as_deref().map(recipient::parse_recipient).transpose()?;
    let label = match a.label {
        Some(l) if !l.trim().is_empty() => l.trim().to_string(),
        _ => tf(
            "cli.team.default_label",
            &[("n", &(key_file::read_all(root)?.len() + 1))],
        ),
    };
    if key_file::read_all(root)?.iter().any(|f| f.entry.label == label) {
        return Err(EncryptionError::LabelTaken(label).into());
    }
    let (ring, _) = keyring(ctx, root)?;
    match recipient {
        Some(to) => membership::add_recipient(root, &ring, &label, &to)?,
        None => {
            let pass = new_passphrase(a.new_passphrase_file.as_deref(), false)?.ok_or(EncryptionError::NoPassphrase)?;
            membership::add_passphrase(root, &ring, &label, &pass)?;
        }
    }
    Ok(tf(
        "cli.team.added",
        &[("label", &escape(&label)), ("path", &root.display())],
    ) + "\n")
}

fn remove_key(ctx: &Context, root: &Path, label: &str) -> Result<String> {
    if !key_file::read_all(root)?.iter().any(|f| f.entry.label == label) {
        return Err(EncryptionError::NoSuchKey(label.to_string()).into());
    }
    let (ring, state_dir) = keyring(ctx, root)?;
    let next = membership::remove(root, &ring, label)?;
    unlock::cache(&state_dir, &next)?;
    let mut out = tf(
        "cli.team.removed",
        &[("label", &escape(label)), ("generation", &next.newest_generation())],
    ) + "\n";
    // This replica's journal is sealed with the new key at once; a
    // teammate's, at their next `guanxi snapshot`.
    let resealed = ctx.open_at(root.to_path_buf())?.reseal_segments()?;
    if resealed > 0 {
        out.push_str(&tn("cli.team.resealed", resealed, &[]));
        out.push('\n');
    }
    Ok(out)
}
