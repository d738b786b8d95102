//! Sealing one frame's payload with the team key (XChaCha20-Poly1305):
//!
//! ```text
//! [SEALED][key generation u32 LE][24-byte nonce][ciphertext + 16-byte tag]
//! ```
//!
//! The first byte stands where a plain payload has its codec format byte,
//! so frame resynchronisation after damage (`sync::frame::find_next`, which
//! looks for a format byte in 1..=15) finds sealed frames too. The kind of
//! frame (journal or snapshot) and the generation are authenticated as
//! associated data: a sealed snapshot frame cannot be passed off as a
//! journal op, nor a frame's generation changed.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{AeadInPlace, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::team_key::Keyring;

/// Marks a sealed payload. Inside `sync::frame`'s format bytes (1..=15),
/// far from the codec's format (2) and the next few it may take.
pub const SEALED: u8 = 13;
// Checked when building: a frame format byte, and not the codec's (nor
// the next few formats it may take).
const _: () = assert!(SEALED >= 1 && SEALED <= 15 && SEALED > crate::store::codec::FORMAT + 5);
const NONCE_BYTES: usize = 24;
const TAG_BYTES: usize = 16;
/// Bytes a sealed payload adds to the plain one.
pub const OVERHEAD: usize = 1 + 4 + NONCE_BYTES + TAG_BYTES;

/// What a sealed payload is part of: authenticated, so one kind is never
/// read as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Journal,
    Snapshot,
}

impl Kind {
    fn label(self) -> &'static [u8] {
        match self {
            Kind::Journal => b"guanxi journal frame",
            Kind::Snapshot => b"guanxi snapshot frame",
        }
    }
}

/// Why a sealed payload could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unopened {
    /// Sealed with a key generation this keyring does not hold.
    Locked { generation: u32 },
    /// Not a sealed payload, or its bytes were changed: damage.
    Damaged,
}

/// A nonce never used before by this process: 16 random bytes drawn once,
/// then a counter. XChaCha's 192-bit nonces make random prefixes safe
/// across processes, and a frame costs no system call for randomness.
fn next_nonce() -> XNonce {
    static PREFIX: OnceLock<[u8; 16]> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        let mut p = [0u8; 16];
        OsRng.fill_bytes(&mut p);
        p
    });
    let mut nonce = [0u8; NONCE_BYTES];
    nonce[..16].copy_from_slice(prefix);
    nonce[16..].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    XNonce::from(nonce)
}

/// The associated data: the kind's label, the marker and the generation
/// (on the stack: this runs for every frame).
fn associated(kind: Kind, generation: u32) -> ([u8; 32], usize) {
    let mut ad = [0u8; 32];
    let label = kind.label();
    ad[..label.len()].copy_from_slice(label);
    ad[label.len()] = SEALED;
    ad[label.len() + 1..label.len() + 5].copy_from_slice(&generation.to_le_bytes());
    (ad, label.len() + 5)
}

/// Seals `plain` with the keyring's newest key, appending to `out`.
pub fn seal(ring: &Keyring, kind: Kind, plain: &[u8], out: &mut Vec<u8>) {
    // A keyring always holds a key: the constructors make one.
    let Some(key) = ring.current() else {
        unreachable!("a keyring without a key")
    };
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let nonce = next_nonce();
    let (ad, ad_len) = associated(kind, key.generation);
    out.reserve(OVERHEAD + plain.len());
    out.push(SEALED);
    out.extend_from_slice(&key.generation.to_le_bytes());
    out.extend_from_slice(&nonce);
    // Encrypted where it lies in `out`: no copy of the payload.
    let start = out.len();
    out.extend_from_slice(plain);
    // Encryption fails only for payloads past 256 GiB; no frame comes near.
    match cipher.encrypt_in_place_detached(&nonce, &ad[..ad_len], &mut out[start..]) {
        Ok(tag) => out.extend_from_slice(&tag),
        Err(_) => out.truncate(start),
    }
}

/// The key generation a sealed payload names, if it is one.
pub fn generation_of(payload: &[u8]) -> Option<u32> {
    match payload {
        [SEALED, a, b, c, d, ..] => Some(u32::from_le_bytes([*a, *b, *c, *d])),
        _ => None,
    }
}

/// Opens a payload made by [`seal`].
pub fn open(ring: &Keyring, kind: Kind, payload: &[u8]) -> Result<Vec<u8>, Unopened> {
    let mut out = Vec::with_capacity(payload.len());
    open_into(ring, kind, payload, &mut out)?;
    Ok(out)
}

/// Opens a payload made by [`seal`], appending what it holds to `out`
/// (left as it was when the payload does not open).
pub fn open_into(ring: &Keyring, kind: Kind, payload: &[u8], out: &mut Vec<u8>) -> Result<(), Unopened> {
    let generation = generation_of(payload).ok_or(Unopened::Damaged)?;
    if payload.len() < OVERHEAD {
        return Err(Unopened::Damaged);
    }
    let key = ring.get(generation).ok_or(Unopened::Locked { generation })?;
    let nonce = XNonce::from_slice(&payload[5..5 + NONCE_BYTES]);
    let (body, tag) = payload[5 + NONCE_BYTES..].split_at(payload.len() - OVERHEAD);
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let (ad, ad_len) = associated(kind, generation);
    // Decrypted where it lands in `out`: no copy of the payload.
    let start = out.len();
    out.extend_from_slice(body);
    let opened = cipher.decrypt_in_place_detached(nonce, &ad[..ad_len], &mut out[start..], tag.into());
    if opened.is_err() {
        out.truncate(start);
        return Err(Unopened::Damaged);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip_and_layout() {
        let ring = Keyring::new_team();
        let mut out = Vec::new();
        seal(&ring, Kind::Journal, b"Nguy\xe1\xbb\x85n", &mut out);
        assert_eq!(out[0], SEALED);
        assert_eq!(generation_of(&out), Some(1));
        assert_eq!(out.len(), OVERHEAD + 8);
        assert_eq!(open(&ring, Kind::Journal, &out).unwrap(), b"Nguy\xe1\xbb\x85n");
        let mut again = Vec::new();
        seal(&ring, Kind::Journal, b"Nguy\xe1\xbb\x85n", &mut again);
        assert_ne!(out, again, "every seal has its own nonce");
    }

    #[test]
    fn tampering_and_the_wrong_kind_are_caught() {
        let ring = Keyring::new_team();
        let mut out = Vec::new();
        seal(&ring, Kind::Snapshot, b"a customer's note", &mut out);
        assert_eq!(open(&ring, Kind::Journal, &out), Err(Unopened::Damaged));
        for i in 5..out.len() {
            let mut bad = out.clone();
            bad[i] ^= 1;
            assert_eq!(open(&ring, Kind::Snapshot, &bad), Err(Unopened::Damaged), "flip at {i}");
        }
        assert_eq!(
            open(&ring, Kind::Snapshot, &out[..OVERHEAD - 1]),
            Err(Unopened::Damaged)
        );
        assert_eq!(open(&ring, Kind::Snapshot, b"\x02plain"), Err(Unopened::Damaged));
    }

    #[test]
    fn another_generation_is_locked_and_another_key_fails() {
        let old = Keyring::new_team();
        let new = old.rotated();
        let mut sealed_new = Vec::new();
        seal(&new, Kind::Journal, b"after rotation", &mut sealed_new);
        assert_eq!(generation_of(&sealed_new), Some(2));
        assert_eq!(
            open(&old, Kind::Journal, &sealed_new),
            Err(Unopened::Locked { generation: 2 })
        );
        let mut sealed_old = Vec::new();
        seal(&old, Kind::Journal, b"before", &mut sealed_old);
        assert_eq!(open(&new, Kind::Journal, &sealed_old).unwrap(), b"before");
        // A generation number changed to one the reader holds: not opened.
        let mut forged = sealed_old.clone();
        forged[1] = 2;
        assert_eq!(open(&new, Kind::Journal, &forged), Err(Unopened::Damaged));
        let other = Keyring::new_team();
        assert_eq!(open(&other, Kind::Journal, &sealed_old), Err(Unopened::Damaged));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
            let ring = Keyring::new_team();
            let _ = open(&ring, Kind::Journal, &bytes);
        }
    }
}
