//! How a store seals what it writes to the workspace: every journal frame
//! is made by [`journal_frame`], sealed with the team key in an encrypted
//! workspace, and a key rotation's older segments are found here to be
//! sealed again (`scrub.rs` rewrites them).

use std::path::PathBuf;

use super::Store;
use super::codec;
use super::error::StoreError;
use super::op::Op;
use crate::encryption::{Keys, Kind};
use crate::sync::{frame, journal};

impl Store {
    /// Appends `op` to `frames` as its journal frame: encoded, sealed with
    /// the team key in an encrypted workspace, framed. Every journal frame
    /// is made here. Returns the frame's length and its header's checksum.
    pub(crate) fn journal_frame(&self, op: &Op, frames: &mut Vec<u8>) -> Result<(u64, u32), StoreError> {
        journal_frame(&self.keys, op, frames)
    }

    /// How this store seals and opens the workspace's frames.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// Uses `keys` for what is written from now on (after the team key was
    /// rotated: new frames are sealed with the new generation).
    pub fn set_keys(&mut self, keys: Keys) {
        self.outbox.set_keys(keys.clone());
        self.keys = keys;
    }

    /// This replica's own journal segments that hold frames sealed with an
    /// older key generation than the newest (or plain frames in an
    /// encrypted workspace): what must be sealed again after a teammate's
    /// key was removed, when a compaction rewrites this replica's segments.
    /// Reading them needs no key, so this is cheap and safe to call often.
    pub fn needs_reseal(&self) -> Result<Vec<PathBuf>, StoreError> {
        let newest = self.keys.generation();
        if newest == 0 {
            return Ok(Vec::new());
        }
        let dir = journal::replica_dir(&self.ws.root, self.ws.replica);
        let mut out = Vec::new();
        for segment in journal::segments(&dir)? {
            let path = journal::segment_path(&dir, segment);
            if journal::generations(&path)?.iter().any(|&g| g < newest) {
                out.push(path);
            }
        }
        Ok(out)
    }
}

/// Appends `op` to `out` as one journal frame; returns the frame's length
/// with its header and its checksum (what a file cursor keeps). Every op
/// written to a journal, the outbox or a rewritten segment is framed here
/// and only here, so a change to how frames are made (sealing them for an
/// encrypted workspace) is made in one place.
pub fn journal_frame(keys: &Keys, op: &Op, out: &mut Vec<u8>) -> Result<(u64, u32), StoreError> {
    let payload = keys.seal(Kind::Journal, codec::encode(op).map_err(StoreError::codec("op"))?);
    let framed = (
        frame::FRAME_HEADER as u64 + payload.len() as u64,
        crc32fast::hash(&payload),
    );
    frame::encode(&payload, out);
    Ok(framed)
}
