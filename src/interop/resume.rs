//! What an import keeps in local state while it runs, so that running the
//! same import again after a stop carries on where it ended, and one undo
//! still takes back all of it:
//!
//! - `imports/<hash of the file>`: how many records of the file are saved,
//!   and one customer the saved part created (`2000 5f3a…`). When that
//!   customer is gone (the saved part was undone), the import starts over.
//! - `imports/<hash>.undo`: what takes back each saved chunk, appended as
//!   the chunks are saved (length, CRC, encoded edits). A run that stops
//!   makes what it saved undoable; a run that is killed cannot. Either way
//!   the run that finishes the import includes all of it in its own undo,
//!   so one undo takes back the whole import.
//!
//! Both are small, local and rebuildable: a damaged or missing file only
//! costs an import started over or an undo that takes back less.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::CustomerId;
use crate::store::{Edit, Store, StoreError, codec};

/// Where the progress of importing these bytes is kept (in local state).
pub fn resume_file(store: &Store, bytes: &[u8]) -> PathBuf {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    store.workspace().state_dir.join("imports").join(format!("{hash:016x}"))
}

fn read(path: &Path) -> Option<(usize, Option<CustomerId>)> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut words = text.split_whitespace();
    let saved = words.next()?.parse().ok()?;
    let created = words
        .next()
        .and_then(|w| u64::from_str_radix(w, 16).ok())
        .map(CustomerId);
    Some((saved, created))
}

/// Records an interrupted earlier run of the same import saved.
pub fn already_saved(path: &Path) -> usize {
    read(path).map_or(0, |(saved, _)| saved)
}

/// [`already_saved`], or 0 when what that run saved has been taken back
/// since (undo): then the import starts over, and the stale progress is
/// forgotten.
pub fn resume_point(store: &Store, path: &Path) -> Result<usize, StoreError> {
    let Some((saved, created)) = read(path) else {
        return Ok(0);
    };
    if let Some(id) = created
        && store.live_customer(id)?.is_none()
    {
        forget(path);
        return Ok(0);
    }
    Ok(saved)
}

/// Remembers that `saved` records are saved, `created` among the
/// customers they made.
pub fn save_progress(path: &Path, saved: usize, created: Option<CustomerId>) {
    let text = match created {
        Some(id) => format!("{saved} {:016x}", id.0),
        None => saved.to_string(),
    };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(path, text);
}

/// The import is done (or was taken back): nothing to resume.
pub fn forget(path: &Path) {
    let _ = std::fs::remove_file(path);
    forget_undo(path);
}

fn undo_path(path: &Path) -> PathBuf {
    path.with_extension("undo")
}

/// Keeps what takes back one saved chunk.
pub fn append_undo(path: &Path, inverse: &[Edit]) {
    let Ok(payload) = codec::encode(&inverse) else {
        return;
    };
    let Ok(len) = u32::try_from(payload.len()) else {
        return;
    };
    let mut frame = Vec::with_capacity(payload.len() + 8);
    frame.extend_from_slice(&len.to_le_bytes());
    frame.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    frame.extend_from_slice(&payload);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(undo_path(path));
    if let Ok(mut f) = file {
        let _ = f.write_all(&frame);
    }
}

/// What takes back each chunk earlier runs saved, in the order saved; a
/// damaged end (the run was killed while writing it) is left out.
pub fn read_undo(path: &Path) -> Vec<Vec<Edit>> {
    let bytes = std::fs::read(undo_path(path)).unwrap_or_default();
    let mut out = Vec::new();
    let mut rest = bytes.as_slice();
    while rest.len() >= 8 {
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
        let Some(payload) = rest.get(8..8 + len) else { break };
        if crc32fast::hash(payload) != crc {
            break;
        }
        match codec::decode::<Vec<Edit>>(payload) {
            Ok(edits) => out.push(edits),
            Err(_) => break,
        }
        rest = &rest[8 + len..];
    }
    out
}

fn forget_undo(path: &Path) {
    let _ = std::fs::remove_file(undo_path(path));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerField;

    #[test]
    fn undo_chunks_come_back_and_a_torn_end_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imports").join("0123");
        let chunk = |id| {
            vec![Edit::UpdateCustomer {
                id: CustomerId(id),
                fields: vec![CustomerField::Deleted(true)],
            }]
        };
        append_undo(&path, &chunk(1));
        append_undo(&path, &chunk(2));
        assert_eq!(read_undo(&path), vec![chunk(1), chunk(2)]);
        let mut bytes = std::fs::read(undo_path(&path)).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(undo_path(&path), bytes).unwrap();
        assert_eq!(read_undo(&path), vec![chunk(1)]);
        save_progress(&path, 2000, Some(CustomerId(0xabc)));
        assert_eq!(read(&path), Some((2000, Some(CustomerId(0xabc)))));
        save_progress(&path, 7, None);
        assert_eq!(already_saved(&path), 7);
        forget(&path);
        assert!(read_undo(&path).is_empty() && already_saved(&path) == 0);
    }
}
