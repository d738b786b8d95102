//! End-to-end encryption of a shared workspace: with it, every journal and
//! snapshot frame written to the workspace is sealed with the team key, so
//! the folder (and whoever hosts it) sees only sizes and replica ids.
//!
//! ```text
//! WORKSPACE/keys/<id>.toml        one per teammate: the team keyring, wrapped
//!                                 for their age recipient (key_file.rs)
//! STATE_ROOT/<workspace>/team-key this machine's unlocked keyring (owner-only)
//! ```
//!
//! `seal.rs` seals a payload, `team_key.rs` holds the keys,
//! `passphrase.rs` and `recipient.rs` wrap them for a teammate,
//! `unlock.rs` opens them, `membership.rs` adds and removes teammates.
//! The store seals in one place (`Store::journal_frame`, and the snapshot
//! writer) and opens in one place (`sync::journal::read_segment`, and the
//! snapshot reader), through [`Keys`].

pub mod hex;
pub mod key_file;
pub mod membership;
pub mod passphrase;
pub mod recipient;
pub mod seal;
pub mod team_key;
pub mod unlock;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use crate::i18n::{t, tf};
pub use seal::{Kind, Unopened};
pub use team_key::Keyring;

#[derive(Debug, Error)]
pub enum EncryptionError {
    /// The workspace is encrypted and no key was given or cached.
    #[error("{}", tf("error.encryption.locked", &[("path", &.0.display())]))]
    Locked(PathBuf),
    /// A frame sealed with a generation this replica does not hold.
    #[error("{}", tf("error.encryption.frame_locked", &[("generation", .0)]))]
    FrameLocked(u32),
    #[error("{}", t("error.encryption.wrong_passphrase"))]
    WrongPassphrase,
    #[error("{}", t("error.encryption.no_key_for_identity"))]
    NoKeyForIdentity,
    #[error("{}", tf("error.encryption.damaged_key_file", &[("path", &path.display()), ("detail", detail)]))]
    DamagedKeyFile { path: PathBuf, detail: String },
    #[error("{}", tf("error.encryption.bad_key_file", &[("detail", .0)]))]
    BadKeyFile(String),
    #[error("{}", t("error.encryption.bad_keyring"))]
    BadKeyring,
    #[error("{}", tf("error.encryption.bad_recipient", &[("value", .0)]))]
    BadRecipient(String),
    #[error("{}", t("error.encryption.bad_identity"))]
    BadIdentity,
    #[error("{}", t("error.encryption.not_encrypted"))]
    NotEncrypted,
    #[error("{}", tf("error.encryption.no_such_key", &[("label", .0)]))]
    NoSuchKey(String),
    #[error("{}", tf("error.encryption.last_key", &[("label", .0)]))]
    LastKey(String),
    #[error("{}", tf("error.encryption.label_taken", &[("label", .0)]))]
    LabelTaken(String),
    #[error("{}", t("error.encryption.mismatch"))]
    PassphraseMismatch,
    #[error("{}", t("error.encryption.empty_passphrase"))]
    EmptyPassphrase,
    /// A new encrypted workspace or key, and no passphrase given.
    #[error("{}", t("error.encryption.no_passphrase"))]
    NoPassphrase,
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl EncryptionError {
    pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EncryptionError + '_ {
        move |source| EncryptionError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Errors in what the user gave (a passphrase, a label, a recipient,
    /// or no key at all): exit status 2, like other input errors.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            EncryptionError::Locked(_)
                | EncryptionError::WrongPassphrase
                | EncryptionError::NoKeyForIdentity
                | EncryptionError::BadRecipient(_)
                | EncryptionError::BadIdentity
                | EncryptionError::NotEncrypted
                | EncryptionError::NoSuchKey(_)
                | EncryptionError::LastKey(_)
                | EncryptionError::LabelTaken(_)
                | EncryptionError::PassphraseMismatch
                | EncryptionError::EmptyPassphrase
                | EncryptionError::NoPassphrase
        )
    }
}

/// How frames written to and read from a workspace are treated: plain, or
/// sealed with a keyring. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Keys(Option<Arc<Keyring>>);

impl Keys {
    pub fn plain() -> Keys {
        Keys(None)
    }

    pub fn sealed(ring: Keyring) -> Keys {
        Keys(Some(Arc::new(ring)))
    }

    pub fn is_sealed(&self) -> bool {
        self.0.is_some()
    }

    pub fn keyring(&self) -> Option<&Keyring> {
        self.0.as_deref()
    }

    /// The newest key generation frames are sealed with (0: plain).
    pub fn generation(&self) -> u32 {
        self.0.as_ref().map_or(0, |r| r.newest_generation())
    }

    /// The payload as it goes into a frame of `kind`: sealed, or as it is.
    pub fn seal(&self, kind: Kind, plain: Vec<u8>) -> Vec<u8> {
        match &self.0 {
            None => plain,
            Some(ring) => {
                let mut out = Vec::with_capacity(plain.len() + seal::OVERHEAD);
                seal::seal(ring, kind, &plain, &mut out);
                out
            }
        }
    }

    /// A frame's payload as it was before [`Keys::seal`]. A sealed payload
    /// read without a key (or with an older keyring) is locked; in an
    /// encrypted workspace, a plain payload is not the team's (anyone who
    /// can write to the folder could have put it there): damage.
    pub fn open<'a>(&self, kind: Kind, payload: &'a [u8]) -> Result<Cow<'a, [u8]>, Unopened> {
        match &self.0 {
            None => match seal::generation_of(payload) {
                Some(generation) => Err(Unopened::Locked { generation }),
                None => Ok(Cow::Borrowed(payload)),
            },
            Some(ring) => seal::open(ring, kind, payload).map(Cow::Owned),
        }
    }

    /// [`Keys::open`], appending the opened payload to `out` (for many
    /// frames into one buffer, without a copy each).
    pub fn open_into(&self, kind: Kind, payload: &[u8], out: &mut Vec<u8>) -> Result<(), Unopened> {
        match &self.0 {
            None => match seal::generation_of(payload) {
                Some(generation) => Err(Unopened::Locked { generation }),
                None => {
                    out.extend_from_slice(payload);
                    Ok(())
                }
            },
            Some(ring) => seal::open_into(ring, kind, payload, out),
        }
    }

    /// The keys for a workspace opened on this machine: plain when it is
    /// not encrypted, else the keyring cached when it was last unlocked.
    pub fn for_workspace(root: &Path, state_dir: &Path) -> Result<Keys, EncryptionError> {
        match unlock::cached(state_dir)? {
            Some(ring) => Ok(Keys::sealed(ring)),
            None if is_encrypted(root) => Err(EncryptionError::Locked(root.to_path_buf())),
            None => Ok(Keys::plain()),
        }
    }
}

/// True when the workspace at `root` is an encrypted one: its metadata
/// says so, or it has key files.
pub fn is_encrypted(root: &Path) -> bool {
    key_file::present(root) || crate::workspace::read_encrypted(root)
}
