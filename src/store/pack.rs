//! Customer bodies (interactions, follow-ups, stage history) and index
//! groups in an append-only local file beside the sled database.
//!
//! Why not in sled: sled 0.34 keeps several times the live size of small
//! entries on disk, and its start-up time and memory grow with the number
//! of entries and with every rewrite of them. A million interactions as
//! sled entries made a 1.4 GB view that took a quarter of a second and
//! 150 MB just to open. Here a body is a chain of frames (`chain`) and an
//! index group one frame; sled keeps only where they are.
//!
//! What replaces a frame is appended and the old frame becomes garbage.
//! When the garbage outweighs what is live, new frames go to a new file
//! (the next *generation*) and the old one is drained into it in bounded
//! steps (`compaction`), then removed. Offsets run on from one file to the
//! next, so a location says which file it is in. Frames are the journal's
//! (length, CRC, payload), so reading a torn or stale region is caught
//! rather than decoded.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

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

/// Frames further apart than this are read separately by `read_many`.
const SPAN_GAP: u64 = 16 << 10;
/// The most `read_many` reads at once.
const SPAN: u64 = 1 << 20;

/// The pack: the file new frames go to and, while a compaction drains
/// it, the file before it. Offsets are the pack's own (each file starts
/// at the offset where the one before it ended), so a location names its
/// file and stays valid whichever file the pack is in.
pub struct Pack {
    current: PackFile,
    /// The previous generation, while its live frames are being copied
    /// into the current one; nothing is written to it.
    older: RwLock<Option<PackFile>>,
}

/// One file of the pack.
struct PackFile {
    path: PathBuf,
    generation: u32,
    /// The pack offset of the file's first byte.
    base: u64,
    file: File,
    /// The pack offset of the file's end: where the next frame goes.
    end: Mutex<u64>,
    /// Frames were written since the last `sync`: a command that only
    /// reads has nothing to make durable.
    unsynced: std::sync::atomic::AtomicBool,
}

impl PackFile {
    fn open(dir: &Path, generation: u32, base: u64) -> Result<PackFile, PackError> {
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
        let len = file.metadata().map_err(io)?.len();
        Ok(PackFile {
            path,
            generation,
            base,
            file,
            end: Mutex::new(base + len),
            unsynced: std::sync::atomic::AtomicBool::new(false),
        })
    }

    fn size(&self) -> u64 {
        *self.end.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn io(&self) -> impl FnOnce(io::Error) -> PackError + '_ {
        move |source| PackError::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn append(&self, payloads: &[Vec<u8>]) -> Result<Vec<Loc>, PackError> {
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
        positional::write_all_at(&self.file, &buf, *end - self.base).map_err(self.io())?;
        *end += buf.len() as u64;
        Ok(locs)
    }

    fn read(&self, loc: Loc) -> Result<Vec<u8>, PackError> {
        let damaged = || PackError::Damaged {
            path: self.path.clone(),
            offset: loc.offset,
        };
        // The location comes from sled: check it before allocating for it.
        if loc.len as usize > frame::MAX_PAYLOAD
            || loc.offset < self.base
            || loc.offset.saturating_add(loc.framed_len()) > self.size()
        {
            return Err(damaged());
        }
        let mut buf = vec![0u8; loc.framed_len() as usize];
        positional::read_exact_at(&self.file, &mut buf, loc.offset - self.base).map_err(|e| {
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

    /// Calls `f` with the payload at each of `locs` (all in this file and
    /// in offset order) and its place in `locs`, read as few spans as the
    /// gaps between them allow: what a scan of many small records costs.
    /// The spans are read into one buffer, kept by the thread for its next
    /// scan: a fresh one each time had the kernel zero its pages again.
    fn visit_sorted<E: From<PackError>>(
        &self,
        locs: &[Loc],
        f: &mut impl FnMut(usize, &[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        thread_local! {
            static SPANS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        SPANS.with(|spans| match spans.try_borrow_mut() {
            Ok(mut buf) => self.visit_sorted_in(locs, &mut buf, f),
            // Only when `f` itself reads the pack: that read has a buffer of its own.
            Err(_) => self.visit_sorted_in(locs, &mut Vec::new(), f),
        })
    }

    fn visit_sorted_in<E: From<PackError>>(
        &self,
        locs: &[Loc],
        buf: &mut Vec<u8>,
        f: &mut impl FnMut(usize, &[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let damaged = |offset| PackError::Damaged {
            path: self.path.clone(),
            offset,
        };
        let size = self.size();
        let mut i = 0;
        while i < locs.len() {
            let start = locs[i].offset;
            let mut end = start;
            let mut j = i;
            while j < locs.len() {
                let loc = locs[j];
                if loc.len as usize > frame::MAX_PAYLOAD
                    || loc.offset < self.base
                    || loc.offset.saturating_add(loc.framed_len()) > size
                {
                    return Err(damaged(loc.offset).into());
                }
                let loc_end = loc.offset + loc.framed_len();
                if j > i && (loc.offset > end + SPAN_GAP || loc_end - start > SPAN) {
                    break;
                }
                end = end.max(loc_end);
                j += 1;
            }
            let span_len = (end - start) as usize;
            if buf.len() < span_len {
                buf.resize(span_len, 0);
            }
            let span = &mut buf[..span_len];
            positional::read_exact_at(&self.file, span, start - self.base).map_err(|e| {
                if e.kind() == io::ErrorKind::UnexpectedEof {
                    damaged(start)
                } else {
                    PackError::Io {
                        path: self.path.clone(),
                        source: e,
                    }
                }
            })?;
            for (n, loc) in locs[i..j].iter().enumerate() {
                let at = (loc.offset - start) as usize;
                match frame::read(span, at) {
                    frame::Read::Frame { payload, next } if next == at + loc.framed_len() as usize => {
                        f(i + n, payload)?
                    }
                    _ => return Err(damaged(loc.offset).into()),
                }
            }
            i = j;
        }
        Ok(())
    }

    fn sync(&self) -> Result<(), PackError> {
        if self.unsynced.swap(false, std::sync::atomic::Ordering::SeqCst)
            && let Err(e) = self.file.sync_data()
        {
            // Still to do: the next sync tries again.
            self.unsynced.store(true, std::sync::atomic::Ordering::SeqCst);
            return Err(self.io()(e));
        }
        Ok(())
    }
}

impl Pack {
    pub fn path_of(dir: &Path, generation: u32) -> PathBuf {
        dir.join(format!("bodies-{generation}.pack"))
    }

    /// Opens (or creates) the pack of `generation` in `dir`, a single file
    /// starting at offset 0.
    pub fn open(dir: &Path, generation: u32) -> Result<Pack, PackError> {
        Pack::open_layout(dir, generation, &Layout::default())
    }

    /// Opens the pack as `layout` says: the current file's base, and the
    /// older file still being drained, if any.
    pub fn open_layout(dir: &Path, generation: u32, layout: &Layout) -> Result<Pack, PackError> {
        let older = match &layout.older {
            Some(o) => Some(PackFile::open(dir, o.generation, o.base)?),
            None => None,
        };
        Ok(Pack {
            current: PackFile::open(dir, generation, layout.base)?,
            older: RwLock::new(older),
        })
    }

    /// A pack whose new frames go to a new file (the next generation),
    /// this one's current file becoming the older one to drain. Only for
    /// a pack with nothing left to drain.
    pub fn successor(&self) -> Result<Pack, PackError> {
        let dir = self.current.path.parent().unwrap_or(Path::new("."));
        let next = self.current.generation + 1;
        let path = Pack::path_of(dir, next);
        if path.exists() {
            // Left by a compaction that was cut short before it began.
            fs::remove_file(&path).map_err(|source| PackError::Io { path, source })?;
        }
        Ok(Pack {
            current: PackFile::open(dir, next, self.size())?,
            older: RwLock::new(Some(PackFile::open(dir, self.current.generation, self.current.base)?)),
        })
    }

    pub fn generation(&self) -> u32 {
        self.current.generation
    }

    /// The offset of the current file's first byte.
    pub fn base(&self) -> u64 {
        self.current.base
    }

    /// The end of the pack: where the next frame goes.
    pub fn size(&self) -> u64 {
        self.current.size()
    }

    /// Whether `loc` is in the older file, still to be copied.
    pub fn in_older(&self, loc: Loc) -> bool {
        loc.offset < self.current.base
    }

    /// The older file's generation and its length, while there is one.
    pub fn older(&self) -> Option<(u32, u64)> {
        let older = self.older.read().unwrap_or_else(|e| e.into_inner());
        older.as_ref().map(|f| (f.generation, f.size() - f.base))
    }

    /// Appends each payload as a frame, in one write; returns where each is.
    pub fn append(&self, payloads: &[Vec<u8>]) -> Result<Vec<Loc>, PackError> {
        self.current.append(payloads)
    }

    /// The payload at `loc`, checked against its frame.
    pub fn read(&self, loc: Loc) -> Result<Vec<u8>, PackError> {
        if self.in_older(loc) {
            let older = self.older.read().unwrap_or_else(|e| e.into_inner());
            if let Some(file) = older.as_ref() {
                return file.read(loc);
            }
            return Err(PackError::Damaged {
                path: self.current.path.clone(),
                offset: loc.offset,
            });
        }
        self.current.read(loc)
    }

    /// The payloads at `locs`, in the order given: read in offset order,
    /// neighbouring frames in one read.
    pub fn read_many(&self, locs: &[Loc]) -> Result<Vec<Vec<u8>>, PackError> {
        self.read_many_with(locs, |payload| Ok(payload.to_vec()))
    }

    /// `read_many`, each payload made into a `T` by `make` straight from
    /// the bytes read (no copy of its own), in the order of `locs`.
    pub fn read_many_with<T, E: From<PackError>>(
        &self,
        locs: &[Loc],
        mut make: impl FnMut(&[u8]) -> Result<T, E>,
    ) -> Result<Vec<T>, E> {
        let mut order: Vec<usize> = (0..locs.len()).collect();
        order.sort_by_key(|&i| locs[i].offset);
        let sorted: Vec<Loc> = order.iter().map(|&i| locs[i]).collect();
        let split = sorted.partition_point(|l| self.in_older(*l));
        let mut made: Vec<Option<T>> = std::iter::repeat_with(|| None).take(locs.len()).collect();
        let mut keep = |n: usize, payload: &[u8]| -> Result<(), E> {
            made[order[n]] = Some(make(payload)?);
            Ok(())
        };
        if split > 0 {
            let older = self.older.read().unwrap_or_else(|e| e.into_inner());
            let Some(file) = older.as_ref() else {
                return Err(PackError::Damaged {
                    path: self.current.path.clone(),
                    offset: sorted[0].offset,
                }
                .into());
            };
            file.visit_sorted(&sorted[..split], &mut keep)?;
        }
        self.current
            .visit_sorted(&sorted[split..], &mut |n, payload| keep(split + n, payload))?;
        // Every place was visited once, or an error returned above.
        made.into_iter()
            .zip(locs)
            .map(|(m, loc)| {
                m.ok_or_else(|| {
                    PackError::Damaged {
                        path: self.current.path.clone(),
                        offset: loc.offset,
                    }
                    .into()
                })
            })
            .collect()
    }

    /// Makes everything appended so far durable.
    pub fn sync(&self) -> Result<(), PackError> {
        self.current.sync()
    }

    /// Forgets the older file once nothing points into it any more (the
    /// view that says so is on disk) and removes it.
    pub fn drop_older(&self) -> Result<(), PackError> {
        let gone = self.older.write().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(file) = gone {
            let path = file.path.clone();
            drop(file);
            fs::remove_file(&path).map_err(|source| PackError::Io { path, source })?;
        }
        Ok(())
    }

    /// Removes the files of every other generation in `dir` (left behind
    /// by a compaction that was interrupted, or finished); the current
    /// file and the older one being drained stay.
    pub fn remove_others(&self) -> Result<(), PackError> {
        let Some(dir) = self.current.path.parent() else {
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
        let older = self.older().map(|(g, _)| Pack::path_of(dir, g));
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("bodies-")
                && name.ends_with(".pack")
                && path != self.current.path
                && Some(&path) != older.as_ref()
            {
                fs::remove_file(&path).map_err(|source| PackError::Io { path, source })?;
            }
        }
        Ok(())
    }
}

/// Where the pack's files start, and the compaction under way (kept in
/// sled's meta beside `PackState`; none in a view from before it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Layout {
    /// The pack offset of the current file's first byte.
    pub base: u64,
    pub older: Option<Older>,
}

/// The file a compaction is draining.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Older {
    pub generation: u32,
    pub base: u64,
    /// The last key whose frames were copied: the next step goes on after
    /// it.
    pub cursor: Vec<u8>,
}

/// Reads and writes at an offset without moving a shared cursor, so the
/// UI's reader threads and the writer never disturb each other.
pub(super) mod positional {
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
    fn many_read_at_once_come_back_in_the_order_asked_and_damage_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let pack = Pack::open(dir.path(), 0).unwrap();
        let mut locs = pack.append(&[b"a".to_vec(), vec![1u8; 40_000], b"c".to_vec()]).unwrap();
        // Far from the others: a read of its own.
        pack.append(&[vec![0u8; (SPAN_GAP * 2) as usize]]).unwrap();
        locs.extend(pack.append(&[b"d".to_vec()]).unwrap());
        let asked = [locs[3], locs[0], locs[2], locs[1], locs[0]];
        let got = pack.read_many(&asked).unwrap();
        let want: Vec<Vec<u8>> = asked.iter().map(|l| pack.read(*l).unwrap()).collect();
        assert_eq!(got, want);
        assert_eq!(got[0], b"d");
        let shifted = Loc {
            offset: locs[2].offset + 1,
            len: locs[2].len,
        };
        assert!(matches!(
            pack.read_many(&[locs[0], shifted]),
            Err(PackError::Damaged { .. })
        ));
        assert!(pack.read_many(&[]).unwrap().is_empty());
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
