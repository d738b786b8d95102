//! The team key: 32 random bytes shared by every teammate, numbered by
//! generation (a rotation makes the next one). A keyring holds every
//! generation a teammate may still need to read old segments.

use std::collections::BTreeMap;

use chacha20poly1305::aead::OsRng;
use chacha20poly1305::aead::rand_core::RngCore;
use zeroize::Zeroizing;

use super::EncryptionError;

pub const KEY_BYTES: usize = 32;
/// The layout of a serialized keyring.
const KEYRING_FORMAT: u8 = 1;

/// One generation of the team key; wiped from memory when dropped.
pub struct TeamKey {
    pub generation: u32,
    bytes: Zeroizing<[u8; KEY_BYTES]>,
}

impl TeamKey {
    pub fn random(generation: u32) -> TeamKey {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        OsRng.fill_bytes(bytes.as_mut());
        TeamKey { generation, bytes }
    }

    pub fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.bytes
    }
}

impl std::fmt::Debug for TeamKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TeamKey(generation {})", self.generation)
    }
}

/// Every generation of the team key a teammate holds; new frames are
/// sealed with the newest.
#[derive(Debug, Default)]
pub struct Keyring {
    keys: BTreeMap<u32, TeamKey>,
}

impl Keyring {
    /// A keyring with one new random key, generation 1.
    pub fn new_team() -> Keyring {
        let mut ring = Keyring::default();
        ring.insert(TeamKey::random(1));
        ring
    }

    pub fn insert(&mut self, key: TeamKey) {
        self.keys.insert(key.generation, key);
    }

    /// The key new frames are sealed with.
    pub fn current(&self) -> Option<&TeamKey> {
        self.keys.values().next_back()
    }

    pub fn newest_generation(&self) -> u32 {
        self.current().map_or(0, |k| k.generation)
    }

    pub fn get(&self, generation: u32) -> Option<&TeamKey> {
        self.keys.get(&generation)
    }

    /// This keyring with a new random key one generation past the newest.
    pub fn rotated(&self) -> Keyring {
        let mut ring = Keyring::default();
        for key in self.keys.values() {
            ring.insert(TeamKey {
                generation: key.generation,
                bytes: key.bytes.clone(),
            });
        }
        ring.insert(TeamKey::random(self.newest_generation() + 1));
        ring
    }

    /// `[format][count u32][generation u32, key 32 bytes]...`, little endian.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(5 + self.keys.len() * (4 + KEY_BYTES)));
        out.push(KEYRING_FORMAT);
        out.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        for key in self.keys.values() {
            out.extend_from_slice(&key.generation.to_le_bytes());
            out.extend_from_slice(key.bytes.as_ref());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Keyring, EncryptionError> {
        let bad = || EncryptionError::BadKeyring;
        let (&format, rest) = bytes.split_first().ok_or_else(bad)?;
        if format != KEYRING_FORMAT || rest.len() < 4 {
            return Err(bad());
        }
        let count = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let body = &rest[4..];
        if count == 0 || body.len() != count.checked_mul(4 + KEY_BYTES).ok_or_else(bad)? {
            return Err(bad());
        }
        let mut ring = Keyring::default();
        for entry in body.chunks_exact(4 + KEY_BYTES) {
            let generation = u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]);
            let mut key = Zeroizing::new([0u8; KEY_BYTES]);
            key.copy_from_slice(&entry[4..]);
            ring.insert(TeamKey { generation, bytes: key });
        }
        Ok(ring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keyring_bytes_round_trip_and_rotation_keeps_old_keys() {
        let ring = Keyring::new_team();
        let back = Keyring::from_bytes(&ring.to_bytes()).unwrap();
        assert_eq!(back.newest_generation(), 1);
        assert_eq!(back.get(1).unwrap().bytes(), ring.get(1).unwrap().bytes());
        let next = ring.rotated();
        assert_eq!(next.newest_generation(), 2);
        assert_eq!(next.get(1).unwrap().bytes(), ring.get(1).unwrap().bytes());
        assert_ne!(next.get(2).unwrap().bytes(), ring.get(1).unwrap().bytes());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = Keyring::from_bytes(&bytes);
        }
    }
}
