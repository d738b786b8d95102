//! Opening the team keyring: with a passphrase or an age identity against
//! the workspace's key files, or from the copy this machine cached in its
//! owner-only state folder when it last unlocked (so the salesperson is
//! not asked on every command).

use std::fs;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::key_file::{self, KeyKind};
use super::team_key::Keyring;
use super::{EncryptionError, hex, passphrase, recipient};

/// The cached keyring, in the workspace's local state folder.
pub const CACHE_FILE: &str = "team-key";

/// What unlocks a teammate's key.
pub enum Secret {
    Passphrase(Zeroizing<String>),
    Identity(age::x25519::Identity),
}

/// The keyring of the first key file `secret` opens.
pub fn unlock(root: &Path, secret: &Secret) -> Result<Keyring, EncryptionError> {
    let files = key_file::read_all(root)?;
    if files.is_empty() {
        return Err(EncryptionError::DamagedKeyFile {
            path: key_file::dir(root),
            detail: "no key files".into(),
        });
    }
    for found in &files {
        let entry = &found.entry;
        let identity = match (secret, entry.kind) {
            (Secret::Passphrase(pass), KeyKind::Passphrase) => {
                let Some(wrapped) = &entry.identity else { continue };
                match passphrase::unwrap(pass, wrapped) {
                    Ok(text) => {
                        let text = String::from_utf8(text.to_vec()).map_err(|_| damaged(found))?;
                        recipient::parse_identity(&Zeroizing::new(text)).map_err(|_| damaged(found))?
                    }
                    Err(EncryptionError::WrongPassphrase) => continue,
                    Err(e) => return Err(in_file(found, e)),
                }
            }
            (Secret::Identity(identity), KeyKind::Age) => identity.clone(),
            _ => continue,
        };
        let wrapped = entry.wrapped_keyring().map_err(|e| in_file(found, e))?;
        if let Some(ring) = recipient::unwrap(&identity, &wrapped).map_err(|e| in_file(found, e))? {
            return Ok(ring);
        }
    }
    Err(match secret {
        Secret::Passphrase(_) => EncryptionError::WrongPassphrase,
        Secret::Identity(_) => EncryptionError::NoKeyForIdentity,
    })
}

fn damaged(found: &key_file::Found) -> EncryptionError {
    EncryptionError::DamagedKeyFile {
        path: found.path.clone(),
        detail: "the wrapped key does not open".into(),
    }
}

fn in_file(found: &key_file::Found, e: EncryptionError) -> EncryptionError {
    match e {
        EncryptionError::BadKeyFile(detail) | EncryptionError::DamagedKeyFile { detail, .. } => {
            EncryptionError::DamagedKeyFile {
                path: found.path.clone(),
                detail,
            }
        }
        EncryptionError::BadKeyring => damaged(found),
        other => other,
    }
}

#[derive(Serialize, Deserialize)]
struct Cached {
    keyring: String,
}

/// The keyring cached on this machine for the workspace, if any.
pub fn cached(state_dir: &Path) -> Result<Option<Keyring>, EncryptionError> {
    let path = state_dir.join(CACHE_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(t) => Zeroizing::new(t),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(EncryptionError::io(&path)(e)),
    };
    let cached: Cached = toml::from_str(&text).map_err(|_| EncryptionError::BadKeyring)?;
    let bytes = Zeroizing::new(hex::decode(&cached.keyring).ok_or(EncryptionError::BadKeyring)?);
    Keyring::from_bytes(&bytes).map(Some)
}

/// Keeps the unlocked keyring in the owner-only state folder.
pub fn cache(state_dir: &Path, ring: &Keyring) -> Result<(), EncryptionError> {
    crate::workspace::private::dir(state_dir).map_err(EncryptionError::io(state_dir))?;
    let text = Zeroizing::new(format!(
        "# The unlocked team key of this workspace. Private to you; never share it.\nkeyring = \"{}\"\n",
        hex::encode(&ring.to_bytes())
    ));
    let path = state_dir.join(CACHE_FILE);
    let tmp = state_dir.join(format!(".{CACHE_FILE}.tmp"));
    crate::workspace::private::write(&tmp, text.as_bytes()).map_err(EncryptionError::io(&tmp))?;
    fs::rename(&tmp, &path).map_err(EncryptionError::io(&path))
}

/// True when the workspace at `root` is encrypted and this machine must
/// be given a key before opening it: none is cached, or the key files
/// hold a newer generation than the cached keyring (the team key was
/// rotated).
pub fn needs_key(root: &Path, state_dir: Option<&Path>) -> Result<bool, EncryptionError> {
    let cached = match state_dir {
        Some(dir) => cached(dir)?,
        None => None,
    };
    let Some(ring) = cached else {
        return Ok(super::is_encrypted(root));
    };
    let newest = key_file::read_all(root)?
        .iter()
        .map(|f| f.entry.generation)
        .max()
        .unwrap_or(0);
    Ok(newest > ring.newest_generation())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encryption::membership;

    #[test]
    fn passphrase_and_identity_unlock_and_the_cache_round_trips() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        let (secret, recipient) = recipient::new_identity();
        let ring = membership::create(&root, "Lan", Some("đúng rồi"), &[recipient]).unwrap();
        let by_pass = unlock(&root, &Secret::Passphrase(Zeroizing::new("đúng rồi".into()))).unwrap();
        assert_eq!(by_pass.get(1).unwrap().bytes(), ring.get(1).unwrap().bytes());
        let identity = recipient::parse_identity(&secret).unwrap();
        let by_identity = unlock(&root, &Secret::Identity(identity)).unwrap();
        assert_eq!(by_identity.get(1).unwrap().bytes(), ring.get(1).unwrap().bytes());
        assert!(matches!(
            unlock(&root, &Secret::Passphrase(Zeroizing::new("sai".into()))),
            Err(EncryptionError::WrongPassphrase)
        ));
        let state = tmp.path().join("state");
        assert!(needs_key(&root, Some(&state)).unwrap());
        cache(&state, &ring).unwrap();
        assert!(!needs_key(&root, Some(&state)).unwrap());
        assert_eq!(cached(&state).unwrap().unwrap().newest_generation(), 1);
    }
}
