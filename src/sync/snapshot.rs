//! Snapshot files: the whole view at one point in every replica's history,
//! so a new teammate starts from it instead of replaying years of
//! journals.
//!
//! ```text
//! WORKSPACE/snapshots/<writer replica>-<unix ms>.snapshot
//! ```
//!
//! A snapshot is framed like a journal (length + CRC per frame) after an
//! 8-byte magic. It is written under a hidden temporary name and renamed
//! when complete, and its last frame says how many entries came before it,
//! so a snapshot cut short by a sync client is recognised and not used.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::frame;
use super::hlc::ReplicaId;
use super::journal::JournalError;
use crate::encryption::{Keys, Kind};

pub const DIR: &str = "snapshots";
const MAGIC: &[u8; 8] = b"GUANXIS\x01";
const EXTENSION: &str = "snapshot";

fn at(path: &Path) -> impl FnOnce(io::Error) -> JournalError + '_ {
    move |error| JournalError {
        path: path.to_path_buf(),
        error,
    }
}

/// A snapshot file in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotFile {
    pub path: PathBuf,
    pub writer: ReplicaId,
    /// When it was written, milliseconds since the epoch.
    pub at: i64,
}

pub fn snapshot_dir(workspace: &Path) -> PathBuf {
    workspace.join(DIR)
}

/// The snapshots in the workspace, newest first.
pub fn list(workspace: &Path) -> Result<Vec<SnapshotFile>, JournalError> {
    let dir = snapshot_dir(workspace);
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(at(&dir)(e)),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Some(stem) = name.strip_suffix(&format!(".{EXTENSION}")) else {
            continue;
        };
        let Some((writer, time)) = stem.split_once('-') else {
            continue;
        };
        let (Some(writer), Ok(at)) = (ReplicaId::parse(writer), time.parse::<i64>()) else {
            continue;
        };
        out.push(SnapshotFile {
            path: entry.path(),
            writer,
            at,
        });
    }
    out.sort_by(|a, b| b.at.cmp(&a.at).then(b.writer.cmp(&a.writer)));
    Ok(out)
}

/// Writes a snapshot from `frames` (already encoded payloads, sealed here
/// with `keys` in an encrypted workspace), completing it atomically.
/// Returns its path.
pub fn write(
    workspace: &Path,
    writer: ReplicaId,
    at_ms: i64,
    frames: impl IntoIterator<Item = Vec<u8>>,
    keys: &Keys,
) -> Result<PathBuf, JournalError> {
    let dir = snapshot_dir(workspace);
    fs::create_dir_all(&dir).map_err(at(&dir))?;
    let name = format!("{writer}-{at_ms}.{EXTENSION}");
    let tmp = dir.join(format!(".{name}.tmp"));
    let path = dir.join(&name);
    let mut file = io::BufWriter::new(File::create(&tmp).map_err(at(&tmp))?);
    file.write_all(MAGIC).map_err(at(&tmp))?;
    let mut buf = Vec::new();
    for payload in frames {
        buf.clear();
        frame::encode(&keys.seal(Kind::Snapshot, payload), &mut buf);
        file.write_all(&buf).map_err(at(&tmp))?;
    }
    let file = file.into_inner().map_err(|e| at(&tmp)(e.into_error()))?;
    file.sync_all().map_err(at(&tmp))?;
    fs::rename(&tmp, &path).map_err(at(&path))?;
    Ok(path)
}

/// The bytes [`write`] puts in a snapshot file for these payloads, built
/// in memory (for tests and fuzzing).
pub fn encode(frames: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    for payload in frames {
        frame::encode(&payload, &mut out);
    }
    out
}

/// Reads a snapshot's frames; false when the file is not a whole snapshot
/// (cut short, damaged, or not a snapshot at all). The file is read whole;
/// its frames go to `each` one by one, so what they decode to is never all
/// in memory at once. Payloads are opened with `keys`; a snapshot with a
/// frame that does not open (sealed with a key this replica lacks, or
/// changed) is not used, as one cut short is not.
pub fn read(path: &Path, keys: &Keys, mut each: impl FnMut(&[u8]) -> bool) -> Result<bool, JournalError> {
    let bytes = fs::read(path).map_err(at(path))?;
    Ok(read_bytes(&bytes, |sealed| match keys.open(Kind::Snapshot, sealed) {
        Ok(payload) => each(&payload),
        Err(_) => false,
    }))
}

/// [`read`] on a snapshot's bytes already in memory (also what the fuzz
/// tests feed): true when they are a whole snapshot and `each` took every
/// frame.
pub fn read_bytes(bytes: &[u8], mut each: impl FnMut(&[u8]) -> bool) -> bool {
    if bytes.get(..MAGIC.len()) != Some(&MAGIC[..]) {
        return false;
    }
    let mut pos = MAGIC.len();
    while pos < bytes.len() {
        match frame::read(bytes, pos) {
            frame::Read::Frame { payload, next } => {
                if !each(payload) {
                    return false;
                }
                pos = next;
            }
            _ => return false,
        }
    }
    true
}

/// Removes this writer's older snapshots, keeping its newest `keep`.
/// Only the writer removes its own files: nobody deletes a teammate's.
pub fn prune(workspace: &Path, writer: ReplicaId, keep: usize) -> Result<(), JournalError> {
    for old in list(workspace)?.into_iter().filter(|s| s.writer == writer).skip(keep) {
        fs::remove_file(&old.path).map_err(at(&old.path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_whole_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            ReplicaId(5),
            1000,
            vec![b"a".to_vec(), b"bc".to_vec()],
            &Keys::plain(),
        )
        .unwrap();
        let mut seen = Vec::new();
        assert!(
            read(&path, &Keys::plain(), |p| {
                seen.push(p.to_vec());
                true
            })
            .unwrap()
        );
        assert_eq!(seen, vec![b"a".to_vec(), b"bc".to_vec()]);
        assert_eq!(fs::read(&path).unwrap(), encode(vec![b"a".to_vec(), b"bc".to_vec()]));
        let listed = list(dir.path()).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].writer, listed[0].at), (ReplicaId(5), 1000));
        // Cut short: not whole.
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(!read(&path, &Keys::plain(), |_| true).unwrap());
    }

    #[test]
    fn newest_first_and_pruned_per_writer() {
        let dir = tempfile::tempdir().unwrap();
        for t in [1, 3, 2] {
            write(dir.path(), ReplicaId(1), t, vec![], &Keys::plain()).unwrap();
        }
        write(dir.path(), ReplicaId(2), 0, vec![], &Keys::plain()).unwrap();
        let times: Vec<i64> = list(dir.path()).unwrap().iter().map(|s| s.at).collect();
        assert_eq!(times, [3, 2, 1, 0]);
        prune(dir.path(), ReplicaId(1), 1).unwrap();
        let left: Vec<(ReplicaId, i64)> = list(dir.path()).unwrap().iter().map(|s| (s.writer, s.at)).collect();
        assert_eq!(left, [(ReplicaId(1), 3), (ReplicaId(2), 0)]);
    }
}
