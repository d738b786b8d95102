//! Customer bodies (interactions, follow-ups, stage history) in one
//! append-only local file beside the sled database.
//!
//! Why not in sled: sled 0.34 keeps several times the live size of small
//! entries on disk, and its start-up time and memory grow with the number
//! of entries and with every rewrite of them. A million interactions as
//! sled entries made a 1.4 GB view that took a quarter of a second and
//! 150 MB just to open. Here a body is one frame, written whole; sled
//! keeps only where it is.
//!
//! A changed body is appended and its old frame becomes garbage. When the
//! garbage outweighs what is live, the live bodies are copied into a new
//! file (the next *generation*) and the old one is removed. Frames are the
//! journal's (length, CRC, payload), so reading a torn or stale region is
//! caught rather than decoded.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::sync::frame::{self, FRAME_HEADER};

/// Where a body is: the start of its frame and the length of its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub offset: u64,
    pub len: u32,
}

impl Loc {
    pub fn to_bytes(self) -> [u8; 12] {
        let mut out = [0u8; 12];
        out[..8].copy_from_slice(&self.offset.to_be_bytes());
        out[8..].copy_from_slice(&self.len.to_be_bytes());
        out
    }

    pub fn from_bytes(b: &[u8]) -> Option<Loc> {
        Some(Loc {
            offset: u64::from_be_bytes(b.get(..8)?.try_into().ok()?),
            len: u32::from_be_bytes(b.get(8..12)?.try_into().ok()?),
        })
    }

    /// Bytes the frame takes in the file.
    pub fn framed_len(self) -> u64 {
        u64::from(self.len) + FRAME_HEADER as u64
    }
}

/// The pack as the view last committed it (kept in sled's meta).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PackState {
    pub generation: u32,
    /// Bytes of the file that committed locations may point into.
    pub len: u64,
    /// Bytes of frames no location points to any more.
    pub garbage: u64,
}

impl PackState {
    /// Worth copying the live bodies to a new file: more dead than live,
    /// and enough of it to matter.
    pub fn wasteful(&self) -> bool {
        const MIN_GARBAGE: u64 = 16 << 20;
        self.garbage > MIN_GARBAGE && self.garbage > self.len.saturating_sub(self.garbage)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: no intact body at byte {offset}", path.display())]
    Damaged { path: PathBuf, offset: u64 },
    /// A frame this large could never be read back.
    #[error("{}: a customer record of {len} bytes is over the limit of {} bytes", path.display(), frame::MAX_PAYLOAD)]
    TooLarge { path: PathBuf, len: usize },
}

pub struct Pack {
    path: PathBuf,
    generation: u32,
    file: File,
    /// The end of the file: where the next frame goes.
    end: Mutex<u64>,
    /// Frames were written since the last `sync`: a command that only
    /// reads has nothing to make durable.
    unsynced: std::sync::atomic::AtomicBool,
}

impl Pack {
    pub fn path_of(dir: &Path, generation: u32) -> PathBuf {
        dir.join(format!("bodies-{generation}.pack"))
    }

    /// Opens (or creates) the pack of `generation` in `dir`.
    pub fn open(dir: &Path, generation: u32) -> Result<Pack, PackError> {
        let path = Pack::path_of(dir, generation);
        let io = |source| PackError::Io {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let end = file.metadata().map_err(io)?.len();
        Ok(Pack {
            path,
            generation,
            file,
            end: Mutex::new(end),
            unsynced: std::sync::atomic::AtomicBool::new(false),
        })
    }

    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// Bytes in the file.
    pub fn size(&self) -> u64 {
        *self.end.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn io(&self) -> impl FnOnce(io::Error) -> PackError + '_ {
        move |source| PackError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Appends each payload as a frame, in one write; returns where each is.
    pub fn append(&self, payloads: &[Vec<u8>]) -> Result<Vec<Loc>, PackError> {
        if payloads.is_empty() {
            return Ok(Vec::new());
        }
        let mut end = self.end.lock().unwrap_or_else(|e| e.into_inner());
        let mut buf = Vec::with_capacity(payloads.iter().map(|p| p.len() + FRAME_HEADER).sum());
        let mut locs = Vec::with_capacity(payloads.len());
        for p in payloads {
            let too_large = || PackError::TooLarge {
                path: self.path.clone(),
                len: p.len(),
            };
            if p.len() > frame::MAX_PAYLOAD {
                return Err(too_large());
            }
            let len = u32::try_from(p.len()).map_err(|_| too_large())?;
            locs.push(Loc {
                offset: *end + buf.len() as u64,
                len,
            });
            frame::encode(p, &mut buf);
        }
        self.unsynced.store(true, std::sync::atomic::Ordering::SeqCst);
        positional::write_all_at(&self.file, &buf, *end).map_err(self.io())?;
        *end += buf.len() as u64;
        Ok(locs)
    }

    /// The payload at `loc`, checked against its frame.
    pub fn read(&self, loc: Loc) -> Result<Vec<u8>, PackError> {
        let damaged = || PackError::Damaged {
            path: self.path.clone(),
            offset: loc.offset,
        };
        // The location comes from sled: check it before allocating for it.
        if loc.len as usize > frame::MAX_PAYLOAD || loc.offset.saturating_add(loc.framed_len()) > self.size() {
            return Err(damaged());
        }
        let mut buf = vec![0u8; loc.framed_len() as usize];
        positional::read_exact_at(&self.file, &mut buf, loc.offset).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                damaged()
            } else {
                PackError::Io {
                    path: self.path.clone(),
                    source: e,
                }
            }
        })?;
        match frame::read(&buf, 0) {
            frame::Read::Frame { payload, next } if next == buf.len() => Ok(payload.to_vec()),
            _ => Err(damaged()),
        }
    }

    /// Makes everything appended so far durable.
    pub fn sync(&self) -> Result<(), PackError> {
        if self.unsynced.swap(false, std::sync::atomic::Ordering::SeqCst)
            && let Err(e) = self.file.sync_data()
        {
            // Still to do: the next sync tries again.
            self.unsynced.store(true, std::sync::atomic::Ordering::SeqCst);
            return Err(self.io()(e));
        }
        Ok(())
    }

    /// Removes the files of every other generation in `dir` (left behind
    /// by a compaction that was interrupted, or finished).
    pub fn remove_others(&self) -> Result<(), PackError> {
        let Some(dir) = self.path.parent() else {
            return Ok(());
        };
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(source) => {
                return Err(PackError::Io {
                    path: dir.to_path_buf(),
                    source,
                });
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("bodies-") && name.ends_with(".pack") && path != self.path {
                fs::remove_file(&path).map_err(|source| PackError::Io { path, source })?;
            }
        }
        Ok(())
    }
}

/// Reads and writes at an offset without moving a shared cursor, so the
/// UI's reader threads and the writer never disturb each other.
mod positional {
    use std::fs::File;
    use std::io;

    #[cfg(unix)]
    pub fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }

    #[cfg(unix)]
    pub fn write_all_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
    }

    #[cfg(windows)]
    pub fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
        use std::os::windows::fs::FileExt;
        while !buf.is_empty() {
            match file.seek_read(buf, offset)? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => {
                    buf = &mut buf[n..];
                    offset += n as u64;
                }
            }
        }
        Ok(())
    }

    #[cfg(windows)]
    pub fn write_all_at(file: &File, mut buf: &[u8], mut offset: u64) -> io::Result<()> {
        use std::os::windows::fs::FileExt;
        while !buf.is_empty() {
            match file.seek_write(buf, offset)? {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n => {
                    buf = &buf[n..];
                    offset += n as u64;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_bodies_read_back_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let pack = Pack::open(dir.path(), 0).unwrap();
        let locs = pack.append(&[b"first".to_vec(), vec![7u8; 3000]]).unwrap();
        let more = pack.append(&[b"third".to_vec()]).unwrap();
        assert_eq!(pack.read(locs[0]).unwrap(), b"first");
        assert_eq!(pack.read(locs[1]).unwrap(), vec![7u8; 3000]);
        pack.sync().unwrap();
        drop(pack);
        let pack = Pack::open(dir.path(), 0).unwrap();
        assert_eq!(pack.read(more[0]).unwrap(), b"third");
        assert_eq!(pack.size(), more[0].offset + more[0].framed_len());
        assert_eq!(Loc::from_bytes(&more[0].to_bytes()), Some(more[0]));
    }

    #[test]
    fn a_wrong_or_missing_location_is_damage_not_data() {
        let dir = tempfile::tempdir().unwrap();
        let pack = Pack::open(dir.path(), 3).unwrap();
        let locs = pack.append(&[b"payload".to_vec(), b"other".to_vec()]).unwrap();
        let shifted = Loc {
            offset: locs[0].offset + 1,
            len: locs[0].len,
        };
        assert!(matches!(pack.read(shifted), Err(PackError::Damaged { .. })));
        let beyond = Loc {
            offset: pack.size() + 100,
            len: 4,
        };
        assert!(matches!(pack.read(beyond), Err(PackError::Damaged { .. })));
        let wrong_len = Loc {
            offset: locs[0].offset,
            len: locs[0].len + 2,
        };
        assert!(matches!(pack.read(wrong_len), Err(PackError::Damaged { .. })));
    }

    #[test]
    fn other_generations_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let old = Pack::open(dir.path(), 1).unwrap();
        old.append(&[b"x".to_vec()]).unwrap();
        let new = Pack::open(dir.path(), 2).unwrap();
        new.remove_others().unwrap();
        assert!(!Pack::path_of(dir.path(), 1).exists());
        assert!(Pack::path_of(dir.path(), 2).exists());
    }

    #[test]
    fn waste_is_judged_against_what_is_live() {
        let mb = 1 << 20;
        let s = |len, garbage| PackState {
            generation: 0,
            len,
            garbage,
        };
        assert!(!s(10 * mb, 9 * mb).wasteful(), "small packs are left alone");
        assert!(!s(100 * mb, 40 * mb).wasteful());
        assert!(s(100 * mb, 60 * mb).wasteful());
    }
}
