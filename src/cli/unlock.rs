//! Unlocking an encrypted workspace from the command line: the passphrase
//! from `--passphrase-file` or `GUANXI_PASSPHRASE`, an age identity from
//! `--identity` or `GUANXI_IDENTITY`, else a prompt without echo when
//! stdin is a terminal. What was unlocked is cached in the workspace's
//! owner-only local state, so later commands ask nothing until the team
//! key is rotated.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::encryption::unlock::{self, Secret};
use crate::encryption::{EncryptionError, recipient};
use crate::i18n::t;
use crate::workspace;

/// The global options that give a key.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub passphrase_file: Option<PathBuf>,
    pub identity: Option<PathBuf>,
}

fn read_secret_file(path: &Path) -> Result<Zeroizing<String>, EncryptionError> {
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(EncryptionError::io(path))?);
    // One line: the newline an editor or `echo` adds is not part of it.
    let line = text.strip_suffix('\n').unwrap_or(&text);
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.is_empty() {
        return Err(EncryptionError::EmptyPassphrase);
    }
    Ok(Zeroizing::new(line.to_string()))
}

fn env_passphrase() -> Option<Zeroizing<String>> {
    std::env::var("GUANXI_PASSPHRASE")
        .ok()
        .filter(|p| !p.is_empty())
        .map(Zeroizing::new)
}

fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

fn prompt(text: &str) -> Result<Zeroizing<String>, EncryptionError> {
    let pass = Zeroizing::new(
        rpassword::prompt_password(format!("{text} ")).map_err(EncryptionError::io(Path::new("/dev/tty")))?,
    );
    if pass.is_empty() {
        return Err(EncryptionError::EmptyPassphrase);
    }
    Ok(pass)
}

/// The key the user gave to unlock a workspace, if any: a prompt when
/// nothing was given and stdin is a terminal.
fn secret(given: &Secrets) -> Result<Option<Secret>, EncryptionError> {
    if let Some(file) = &given.passphrase_file {
        return Ok(Some(Secret::Passphrase(read_secret_file(file)?)));
    }
    if let Some(file) = &given.identity {
        let text = Zeroizing::new(std::fs::read_to_string(file).map_err(EncryptionError::io(file))?);
        return Ok(Some(Secret::Identity(recipient::parse_identity(&text)?)));
    }
    if let Some(pass) = env_passphrase() {
        return Ok(Some(Secret::Passphrase(pass)));
    }
    if interactive() {
        return Ok(Some(Secret::Passphrase(prompt(t("cli.unlock.prompt"))?)));
    }
    Ok(None)
}

/// A passphrase for a new key given without asking: from `file`, else
/// (for `init` only) `GUANXI_PASSPHRASE`.
pub fn given_passphrase(file: Option<&Path>, from_env: bool) -> Result<Option<Zeroizing<String>>, EncryptionError> {
    if let Some(file) = file {
        return read_secret_file(file).map(Some);
    }
    Ok(if from_env { env_passphrase() } else { None })
}

/// True when a passphrase can be typed (stdin is a terminal).
pub fn can_ask() -> bool {
    interactive()
}

/// A passphrase for a new key (`init --encrypt`, `team add-key`): as
/// [`given_passphrase`], else typed twice. `None` when none was given and
/// nobody can be asked.
pub fn new_passphrase(file: Option<&Path>, from_env: bool) -> Result<Option<Zeroizing<String>>, EncryptionError> {
    if let Some(pass) = given_passphrase(file, from_env)? {
        return Ok(Some(pass));
    }
    if !interactive() {
        return Ok(None);
    }
    let first = prompt(t("cli.unlock.new_prompt"))?;
    let again = prompt(t("cli.unlock.again_prompt"))?;
    if first != again {
        return Err(EncryptionError::PassphraseMismatch);
    }
    Ok(Some(first))
}

/// Makes sure the workspace at `root` can be opened: nothing to do for a
/// plain one or one whose key is cached; else the key is asked for (or
/// read from where the options say), checked against the workspace's key
/// files, and cached. Nothing is written unless the key opens. Returns
/// true when a key was unlocked now.
pub fn ensure_unlocked(root: &Path, state_root: &Path, given: &Secrets) -> anyhow::Result<bool> {
    let state_dir = workspace::state_dir_of(root, state_root)?;
    if !unlock::needs_key(root, state_dir.as_deref())? {
        return Ok(false);
    }
    let Some(state_dir) = state_dir else {
        return Ok(false);
    };
    let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let secret = secret(given)?.ok_or(EncryptionError::Locked(absolute))?;
    let ring = unlock::unlock(root, &secret)?;
    unlock::cache(&state_dir, &ring)?;
    Ok(true)
}
