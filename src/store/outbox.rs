//! Changes made while the workspace folder is away (an unmounted share, a
//! folder deleted or renamed under a running guanxi): kept in the local
//! state, framed like a journal and on disk before anyone is told, and
//! written to the journal when the folder is back. guanxi never makes the
//! workspace again itself: an empty folder in its place would split the
//! team's history in two.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::codec;
use super::error::StoreError;
use super::op::Op;
use crate::encryption::{Keys, Kind};
use crate::sync::frame;
use crate::workspace::WorkspaceError;

pub(super) struct Outbox {
    path: PathBuf,
    /// Kept frames are journal frames, sealed like them.
    keys: Keys,
    /// Ops kept in it.
    count: usize,
}

impl Outbox {
    /// Opens the outbox in `state_dir`. A frame a crash cut short was never
    /// reported saved: it is dropped, so later ones are not buried behind it.
    pub fn open(state_dir: &std::path::Path, keys: Keys) -> Result<Outbox, StoreError> {
        let mut outbox = Outbox {
            path: state_dir.join("outbox"),
            keys,
            count: 0,
        };
        let (ops, whole) = outbox.read()?;
        outbox.count = ops.len();
        if let Ok(meta) = fs::metadata(&outbox.path)
            && meta.len() > whole as u64
        {
            OpenOptions::new()
                .write(true)
                .open(&outbox.path)
                .and_then(|f| f.set_len(whole as u64))
                .map_err(outbox.io())?;
        }
        Ok(outbox)
    }

    fn io(&self) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
        |source| {
            StoreError::Workspace(WorkspaceError::Io {
                path: self.path.clone(),
                source,
            })
        }
    }

    pub fn set_keys(&mut self, keys: Keys) {
        self.keys = keys;
    }

    pub fn has_changes(&self) -> bool {
        self.count > 0
    }

    /// How many changes are kept.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Adds `ops` already-framed ops and waits until they are on disk.
    pub fn append(&mut self, frames: &[u8], ops: usize) -> Result<(), StoreError> {
        let new = !self.path.exists();
        // Local state: private, like the view it stands in for.
        let mut file = crate::workspace::private::options()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(self.io())?;
        file.write_all(frames)
            .and_then(|()| file.sync_data())
            .map_err(self.io())?;
        if new && let Some(dir) = self.path.parent() {
            File::open(dir).and_then(|d| d.sync_all()).map_err(self.io())?;
        }
        self.count += ops;
        Ok(())
    }

    /// The ops kept, in the order they were made.
    pub fn ops(&self) -> Result<Vec<Op>, StoreError> {
        Ok(self.read()?.0)
    }

    /// The ops kept, and how many bytes of whole frames hold them.
    fn read(&self) -> Result<(Vec<Op>, usize), StoreError> {
        read_frames(&self.path, &self.keys)
    }

    pub fn clear(&mut self) -> Result<(), StoreError> {
        self.count = 0;
        match fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.io()(e)),
        }
    }
}

/// The ops framed in a local file (the outbox, or the copy of what a `log`
/// wrote ahead of the view), and how many bytes of whole frames hold them.
pub(super) fn read_frames(path: &Path, keys: &Keys) -> Result<(Vec<Op>, usize), StoreError> {
    let io = |source| {
        StoreError::Workspace(WorkspaceError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(io(e)),
    };
    let mut out = Vec::new();
    let mut pos = 0;
    while let frame::Read::Frame { payload, next } = frame::read(&bytes, pos) {
        let payload = keys
            .open(Kind::Journal, payload)
            .map_err(|_| StoreError::codec("kept change")(codec::CodecError::Decode("sealed".into())))?;
        out.push(codec::decode(&payload).map_err(StoreError::codec("kept change"))?);
        pos = next;
    }
    Ok((out, pos))
}
