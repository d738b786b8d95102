//! Who holds the team key: making it for a new encrypted workspace,
//! adding a teammate, and removing one, which rotates the key.

use std::path::Path;

use super::key_file::{self, KeyEntry, KeyKind};
use super::team_key::Keyring;
use super::{EncryptionError, hex, passphrase, recipient};

/// Makes a new team key and its first key files: one for `passphrase`
/// (labelled `label`), one per age recipient. Returns the keyring.
pub fn create(
    root: &Path,
    label: &str,
    passphrase: Option<&str>,
    recipients: &[age::x25519::Recipient],
) -> Result<Keyring, EncryptionError> {
    let ring = Keyring::new_team();
    if let Some(pass) = passphrase {
        add_passphrase(root, &ring, label, pass)?;
    }
    for (i, r) in recipients.iter().enumerate() {
        let name = if passphrase.is_none() && i == 0 {
            label.to_string()
        } else {
            format!("{label} (age {})", i + 1)
        };
        add_recipient(root, &ring, &name, r)?;
    }
    Ok(ring)
}

fn check_label(root: &Path, label: &str) -> Result<(), EncryptionError> {
    if key_file::read_all(root)?.iter().any(|f| f.entry.label == label) {
        return Err(EncryptionError::LabelTaken(label.to_string()));
    }
    Ok(())
}

/// Adds a teammate who unlocks with `pass`. Their key file wraps the
/// keyring for an age identity made here, itself wrapped by the
/// passphrase (see `recipient.rs` for why).
pub fn add_passphrase(root: &Path, ring: &Keyring, label: &str, pass: &str) -> Result<(), EncryptionError> {
    if pass.is_empty() {
        return Err(EncryptionError::EmptyPassphrase);
    }
    check_label(root, label)?;
    let (secret, to) = recipient::new_identity();
    let entry = KeyEntry {
        label: label.to_string(),
        kind: KeyKind::Passphrase,
        recipient: to.to_string(),
        generation: ring.newest_generation(),
        keyring: hex::encode(&recipient::wrap(&to, ring)?),
        identity: Some(passphrase::wrap(pass, secret.as_bytes())?),
    };
    key_file::write(root, None, &entry).map(|_| ())
}

/// Adds a teammate who unlocks with the age identity of `to`.
pub fn add_recipient(
    root: &Path,
    ring: &Keyring,
    label: &str,
    to: &age::x25519::Recipient,
) -> Result<(), EncryptionError> {
    check_label(root, label)?;
    let entry = KeyEntry {
        label: label.to_string(),
        kind: KeyKind::Age,
        recipient: to.to_string(),
        generation: ring.newest_generation(),
        keyring: hex::encode(&recipient::wrap(to, ring)?),
        identity: None,
    };
    key_file::write(root, None, &entry).map(|_| ())
}

/// Removes the teammate labelled `label` and rotates the team key: a new
/// generation, wrapped with every older one for the remaining teammates
/// only. Returns the new keyring, which new frames are sealed with. The
/// remaining key files are rewritten before the removed one goes, so an
/// interruption never leaves a teammate without the new key.
pub fn remove(root: &Path, ring: &Keyring, label: &str) -> Result<Keyring, EncryptionError> {
    let files = key_file::read_all(root)?;
    let Some(gone) = files.iter().find(|f| f.entry.label == label) else {
        return Err(EncryptionError::NoSuchKey(label.to_string()));
    };
    if files.len() == 1 {
        return Err(EncryptionError::LastKey(label.to_string()));
    }
    let next = ring.rotated();
    // Every recipient is checked before anything is written.
    let mut rewritten = Vec::new();
    for found in files.iter().filter(|f| f.path != gone.path) {
        let to = recipient::parse_recipient(&found.entry.recipient).map_err(|_| EncryptionError::DamagedKeyFile {
            path: found.path.clone(),
            detail: "not an age recipient".into(),
        })?;
        let mut entry = found.entry.clone();
        entry.generation = next.newest_generation();
        entry.keyring = hex::encode(&recipient::wrap(&to, &next)?);
        rewritten.push((found.path.clone(), entry));
    }
    for (path, entry) in &rewritten {
        key_file::write(root, Some(path), entry)?;
    }
    std::fs::remove_file(&gone.path).map_err(EncryptionError::io(&gone.path))?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encryption::unlock::{Secret, unlock};
    use zeroize::Zeroizing;

    fn pass(p: &str) -> Secret {
        Secret::Passphrase(Zeroizing::new(p.to_string()))
    }

    #[test]
    fn removing_a_teammate_rotates_for_the_others_only() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let ring = create(root, "An", Some("an pass"), &[]).unwrap();
        add_passphrase(root, &ring, "Bình", "binh pass").unwrap();
        assert!(matches!(
            add_passphrase(root, &ring, "Bình", "x"),
            Err(EncryptionError::LabelTaken(_))
        ));
        let next = remove(root, &ring, "Bình").unwrap();
        assert_eq!(next.newest_generation(), 2);
        let an = unlock(root, &pass("an pass")).unwrap();
        assert_eq!(an.newest_generation(), 2);
        assert_eq!(an.get(1).unwrap().bytes(), ring.get(1).unwrap().bytes());
        assert!(matches!(
            unlock(root, &pass("binh pass")),
            Err(EncryptionError::WrongPassphrase)
        ));
        assert!(matches!(remove(root, &next, "An"), Err(EncryptionError::LastKey(_))));
        assert!(matches!(
            remove(root, &next, "nobody"),
            Err(EncryptionError::NoSuchKey(_))
        ));
    }
}
