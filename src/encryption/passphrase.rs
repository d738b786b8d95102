//! Wrapping a secret with a passphrase: Argon2id turns the passphrase and
//! a random salt into a key, which seals the secret (XChaCha20-Poly1305).
//! The salt and Argon2 parameters are stored beside what they wrap, so
//! stronger parameters later still open what was wrapped before.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::EncryptionError;
use super::hex;

/// OWASP's Argon2id recommendation: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;
/// Bounds on parameters read from a key file: a damaged or hostile file
/// must not make guanxi spend gigabytes or hours.
const MAX_MEMORY_KIB: u32 = 1 << 20;
const MAX_PASSES: u32 = 16;
const AD: &[u8] = b"guanxi passphrase wrap";

/// A secret sealed by a passphrase, as stored in a key file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapped {
    pub kdf: String,
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
    /// Hex.
    pub salt: String,
    /// Hex: the 24-byte nonce, then the sealed secret.
    pub sealed: String,
}

fn derive(
    passphrase: &[u8],
    salt: &[u8],
    memory: u32,
    passes: u32,
    lanes: u32,
) -> Result<Zeroizing<[u8; 32]>, EncryptionError> {
    if memory > MAX_MEMORY_KIB || passes > MAX_PASSES || lanes > 16 {
        return Err(EncryptionError::BadKeyFile("Argon2 parameters out of range".into()));
    }
    let params = Params::new(memory, passes, lanes, Some(32))
        .map_err(|e| EncryptionError::BadKeyFile(format!("Argon2 parameters: {e}")))?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase, salt, key.as_mut())
        .map_err(|e| EncryptionError::BadKeyFile(format!("Argon2: {e}")))?;
    Ok(key)
}

/// Wraps `secret` for `passphrase`.
pub fn wrap(passphrase: &str, secret: &[u8]) -> Result<Wrapped, EncryptionError> {
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let key = derive(passphrase.as_bytes(), &salt, MEMORY_KIB, PASSES, LANES)?;
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret, aad: AD })
        .map_err(|_| EncryptionError::BadKeyFile("sealing failed".into()))?;
    let mut stored = nonce.to_vec();
    stored.extend_from_slice(&sealed);
    Ok(Wrapped {
        kdf: "argon2id".into(),
        memory_kib: MEMORY_KIB,
        passes: PASSES,
        lanes: LANES,
        salt: hex::encode(&salt),
        sealed: hex::encode(&stored),
    })
}

/// The secret `wrapped` holds, or `WrongPassphrase`.
pub fn unwrap(passphrase: &str, wrapped: &Wrapped) -> Result<Zeroizing<Vec<u8>>, EncryptionError> {
    if wrapped.kdf != "argon2id" {
        return Err(EncryptionError::BadKeyFile(format!(
            "unknown key derivation '{}'",
            wrapped.kdf
        )));
    }
    let salt = hex::decode(&wrapped.salt).ok_or_else(|| EncryptionError::BadKeyFile("salt is not hex".into()))?;
    let stored =
        hex::decode(&wrapped.sealed).ok_or_else(|| EncryptionError::BadKeyFile("sealed key is not hex".into()))?;
    if stored.len() < 24 + 16 {
        return Err(EncryptionError::BadKeyFile("sealed key too short".into()));
    }
    let key = derive(
        passphrase.as_bytes(),
        &salt,
        wrapped.memory_kib,
        wrapped.passes,
        wrapped.lanes,
    )?;
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    cipher
        .decrypt(
            XNonce::from_slice(&stored[..24]),
            Payload {
                msg: &stored[24..],
                aad: AD,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| EncryptionError::WrongPassphrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_and_unwrap_round_trip() {
        let w = wrap("mật khẩu 密码", b"the secret").unwrap();
        assert_eq!(unwrap("mật khẩu 密码", &w).unwrap().as_slice(), b"the secret");
        assert!(matches!(unwrap("wrong", &w), Err(EncryptionError::WrongPassphrase)));
        let mut greedy = w.clone();
        greedy.memory_kib = u32::MAX;
        assert!(matches!(
            unwrap("mật khẩu 密码", &greedy),
            Err(EncryptionError::BadKeyFile(_))
        ));
        let mut bad = w.clone();
        bad.salt = "zz".into();
        assert!(matches!(
            unwrap("mật khẩu 密码", &bad),
            Err(EncryptionError::BadKeyFile(_))
        ));
    }
}
