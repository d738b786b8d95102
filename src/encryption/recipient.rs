//! Wrapping a keyring for an age recipient (`age1...`, X25519) and
//! unwrapping it with the matching identity (`AGE-SECRET-KEY-1...`).
//!
//! Every teammate's key-file entry wraps the keyring for an age
//! recipient. A teammate who unlocks by passphrase has one too, made by
//! guanxi, whose identity is wrapped by the passphrase
//! (`passphrase.rs`): so whoever rotates the team key can wrap the new
//! keyring for every remaining teammate without knowing their
//! passphrases, and a removed teammate, who never had their identities,
//! cannot open it.

use std::str::FromStr;

use age::secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::EncryptionError;
use super::team_key::Keyring;

pub fn parse_recipient(text: &str) -> Result<age::x25519::Recipient, EncryptionError> {
    age::x25519::Recipient::from_str(text.trim()).map_err(|_| EncryptionError::BadRecipient(text.trim().to_string()))
}

/// The first identity in an identity file's text (comments and blank
/// lines aside).
pub fn parse_identity(text: &str) -> Result<age::x25519::Identity, EncryptionError> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(|l| age::x25519::Identity::from_str(l).ok())
        .ok_or(EncryptionError::BadIdentity)
}

/// A new identity, as its secret text, with its recipient.
pub fn new_identity() -> (Zeroizing<String>, age::x25519::Recipient) {
    let identity = age::x25519::Identity::generate();
    let text = Zeroizing::new(identity.to_string().expose_secret().to_string());
    (text, identity.to_public())
}

pub fn wrap(recipient: &age::x25519::Recipient, ring: &Keyring) -> Result<Vec<u8>, EncryptionError> {
    age::encrypt(recipient, &ring.to_bytes()).map_err(|e| EncryptionError::BadKeyFile(e.to_string()))
}

/// The keyring, or `None` when it was not wrapped for this identity.
pub fn unwrap(identity: &age::x25519::Identity, wrapped: &[u8]) -> Result<Option<Keyring>, EncryptionError> {
    match age::decrypt(identity, wrapped) {
        Ok(bytes) => Keyring::from_bytes(&Zeroizing::new(bytes)).map(Some),
        Err(age::DecryptError::NoMatchingKeys) => Ok(None),
        Err(e) => Err(EncryptionError::BadKeyFile(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_and_unwrap_round_trip() {
        let (secret, recipient) = new_identity();
        let identity = parse_identity(&format!("# created: today\n{}\n", secret.as_str())).unwrap();
        assert_eq!(
            parse_recipient(&recipient.to_string()).unwrap().to_string(),
            recipient.to_string()
        );
        let ring = Keyring::new_team().rotated();
        let wrapped = wrap(&recipient, &ring).unwrap();
        let back = unwrap(&identity, &wrapped).unwrap().unwrap();
        assert_eq!(back.newest_generation(), 2);
        assert_eq!(back.get(1).unwrap().bytes(), ring.get(1).unwrap().bytes());
        let (other, _) = new_identity();
        assert!(unwrap(&parse_identity(&other).unwrap(), &wrapped).unwrap().is_none());
        assert!(parse_identity("# nothing here\n").is_err());
        assert!(parse_recipient("age1notarecipient").is_err());
    }
}
