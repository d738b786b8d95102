//! A replica's journal: numbered segment files of framed ops, in a folder
//! of the workspace that only this replica writes.
//!
//! ```text
//! WORKSPACE/replicas/<replica id>/000001.journal, 000002.journal, ...
//! ```
//!
//! Each segment starts with a header naming its replica and number, so a
//! file is recognised even after a sync client renames it (conflict copies).
//! Writers append whole batches of frames and fsync before anyone is told a
//! change is saved; readers stop at the first incomplete or damaged frame.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::frame;
use super::hlc::ReplicaId;
use crate::encryption::{Keys, Kind, Unopened};

pub const REPLICAS_DIR: &str = "replicas";
const MAGIC: &[u8; 8] = b"GUANXIJ\x01";
pub const SEGMENT_HEADER: u64 = 24;
/// A new segment is started once the current one passes this size, so no
/// file grows without bound and old ones can be retired after a snapshot.
pub const SEGMENT_TARGET: u64 = 32 << 20;

/// The segment size in force: `SEGMENT_TARGET`, unless `GUANXI_SEGMENT_BYTES`
/// asks for smaller segments (tests use it to see rotation and removal
/// without writing 32 MiB).
fn segment_target() -> u64 {
    static TARGET: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TARGET.get_or_init(|| {
        std::env::var("GUANXI_SEGMENT_BYTES")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|&n| n >= 1024)
            .unwrap_or(SEGMENT_TARGET)
    })
}
const EXTENSION: &str = "journal";

/// The OS error is said in the message, not given as a source, so an error
/// chain prints it once.
#[derive(Debug, Error)]
#[error("{}: {error}", path.display())]
pub struct JournalError {
    pub path: PathBuf,
    pub error: io::Error,
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> JournalError + '_ {
    move |error| JournalError {
        path: path.to_path_buf(),
        error,
    }
}

/// A place in a replica's journal: the byte `offset` of segment `segment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Position {
    pub segment: u32,
    pub offset: u64,
}

pub fn replica_dir(workspace: &Path, replica: ReplicaId) -> PathBuf {
    workspace.join(REPLICAS_DIR).join(replica.to_string())
}

pub fn segment_path(dir: &Path, number: u32) -> PathBuf {
    dir.join(segment_file_name(number))
}

pub fn segment_file_name(number: u32) -> String {
    format!("{number:06}.{EXTENSION}")
}

/// The segment number of a file named the way this module names them.
pub fn segment_number(file_name: &str) -> Option<u32> {
    let stem = file_name.strip_suffix(&format!(".{EXTENSION}"))?;
    (stem.len() == 6 && stem.bytes().all(|b| b.is_ascii_digit()))
        .then(|| stem.parse().ok())
        .flatten()
}

/// The replicas that have a folder in the workspace.
pub fn replicas(workspace: &Path) -> Result<Vec<ReplicaId>, JournalError> {
    let root = workspace.join(REPLICAS_DIR);
    let entries = match fs::read_dir(&root) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(at(&root)(e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(at(&root))?;
        if let Some(id) = entry.file_name().to_str().and_then(ReplicaId::parse) {
            out.push(id);
        }
    }
    out.sort();
    Ok(out)
}

/// The segments of one replica, in order.
pub fn segments(dir: &Path) -> Result<Vec<u32>, JournalError> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(at(dir)(e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(at(dir))?;
        if let Some(n) = entry.file_name().to_str().and_then(segment_number) {
            out.push(n);
        }
    }
    out.sort_unstable();
    Ok(out)
}

fn header(replica: ReplicaId, number: u32) -> [u8; SEGMENT_HEADER as usize] {
    let mut h = [0u8; SEGMENT_HEADER as usize];
    h[..8].copy_from_slice(MAGIC);
    h[8..16].copy_from_slice(&replica.0.to_le_bytes());
    h[16..20].copy_from_slice(&number.to_le_bytes());
    h
}

/// The replica and number a segment's header names, if it is one.
pub fn parse_header(bytes: &[u8]) -> Option<(ReplicaId, u32)> {
    let h = bytes.get(..SEGMENT_HEADER as usize)?;
    if &h[..8] != MAGIC {
        return None;
    }
    let replica = u64::from_le_bytes(h[8..16].try_into().ok()?);
    let number = u32::from_le_bytes(h[16..20].try_into().ok()?);
    Some((ReplicaId(replica), number))
}

/// How a scan of a segment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// Every byte belonged to a whole frame (or to damage with whole
    /// frames after it).
    Clean,
    /// The file ends inside a frame (still being written, or cut short).
    Incomplete,
    /// The file ends in bytes that are not a frame, or the header is wrong
    /// and no frame follows.
    Corrupt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scan {
    /// Where the last whole frame ended: where reading resumes.
    pub end: u64,
    pub len: u64,
    pub tail: Tail,
}

/// Bytes of a journal file that are not whole frames but have whole frames
/// after them: damage, skipped by every reader and reported, never a
/// reason to stop reading or to cut what follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Damaged {
    pub start: u64,
    pub end: u64,
}

impl Damaged {
    pub fn bytes(&self) -> u64 {
        self.end - self.start
    }
}

/// One frame of a journal file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameAt<'a> {
    pub payload: &'a [u8],
    pub start: u64,
    pub end: u64,
    pub crc: u32,
}

/// True when the frame said to start at `start` with checksum `crc` is
/// still there and ends at `end`: the file was only appended to since.
pub fn frame_still_at(path: &Path, start: u64, end: u64, crc: u32) -> bool {
    let check = || -> io::Result<bool> {
        let mut file = File::open(path)?;
        if file.metadata()?.len() < end {
            return Ok(false);
        }
        file.seek(SeekFrom::Start(start))?;
        let mut header = [0u8; frame::FRAME_HEADER];
        file.read_exact(&mut header)?;
        let len = u64::from(u32::from_le_bytes([header[0], header[1], header[2], header[3]]));
        let stored = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        Ok(start + frame::FRAME_HEADER as u64 + len == end && stored == crc)
    };
    check().unwrap_or(false)
}

/// The whole frames of a segment from some offset on.
#[derive(Debug)]
pub struct Frames {
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    base: u64,
    /// Payloads in `buf`, and where their frames are in the file.
    spans: Vec<Span>,
    /// Damage skipped on the way, in file order.
    pub damaged: Vec<Damaged>,
    pub scan: Scan,
}

/// Where one frame's payload is in `Frames::buf`, and the frame in the file.
#[derive(Debug, Clone, Copy)]
struct Span {
    a: usize,
    b: usize,
    start: u64,
    end: u64,
    /// The checksum in the frame's header (of the bytes in the file, which
    /// for a sealed frame are not the payload given out).
    crc: u32,
}

impl Frames {
    /// Each payload with the offset where the next frame starts.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], u64)> {
        self.spans.iter().map(|s| (&self.buf[s.a..s.b], s.end))
    }

    /// Each frame: its payload, where it starts and ends in the file, and
    /// its checksum.
    pub fn frames(&self) -> impl Iterator<Item = FrameAt<'_>> {
        self.spans.iter().map(|s| FrameAt {
            payload: &self.buf[s.a..s.b],
            start: s.start,
            end: s.end,
            crc: s.crc,
        })
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Where reading started.
    pub fn start(&self) -> u64 {
        self.base
    }
}

/// Reads the frames of a segment from offset `from` to the end of the
/// file. Damage with whole frames after it is skipped (and listed in
/// `damaged`); reading stops only at a tail that holds no whole frame,
/// which may still be arriving. A damaged header is damage like any other:
/// the frames after it are still read.
///
/// Payloads come out opened with `keys` (see `encryption::Keys::open`): a
/// frame that does not open is damage, skipped and listed like a bad
/// checksum; a frame sealed with a key generation `keys` lacks is
/// `Locked`, an error (see [`Locked`]), never damage.
pub fn read_segment(path: &Path, from: u64, keys: &Keys) -> Result<Frames, JournalError> {
    let mut frames = read_sealed_segment(path, from)?;
    open_frames(&mut frames, keys).map_err(|locked| JournalError {
        path: path.to_path_buf(),
        error: io::Error::other(locked),
    })?;
    Ok(frames)
}

/// A frame sealed with a key generation this replica does not hold: the
/// journal cannot be read until the key is given (`guanxi join`). Carried
/// inside a `JournalError` so every reader's error path stays as it is;
/// `StoreError` turns it back into its own variant.
#[derive(Debug, Error)]
#[error("sealed with key generation {generation}")]
pub struct Locked {
    pub generation: u32,
}

/// Replaces each payload of `frames` by what it holds when opened.
fn open_frames(frames: &mut Frames, keys: &Keys) -> Result<(), Locked> {
    if !keys.is_sealed()
        && !frames
            .spans
            .iter()
            .any(|s| crate::encryption::seal::generation_of(&frames.buf[s.a..s.b]).is_some())
    {
        // A plain workspace: the payloads are as they are in the file.
        return Ok(());
    }
    let mut opened = Vec::with_capacity(frames.buf.len());
    let mut spans = Vec::with_capacity(frames.spans.len());
    let mut newly_damaged = false;
    for span in &frames.spans {
        let a = opened.len();
        match keys.open_into(Kind::Journal, &frames.buf[span.a..span.b], &mut opened) {
            Ok(()) => {
                spans.push(Span {
                    a,
                    b: opened.len(),
                    ..*span
                });
            }
            Err(Unopened::Locked { generation }) => return Err(Locked { generation }),
            Err(Unopened::Damaged) => {
                frames.damaged.push(Damaged {
                    start: span.start,
                    end: span.end,
                });
                newly_damaged = true;
            }
        }
    }
    if newly_damaged {
        frames.damaged.sort_by_key(|d| d.start);
    }
    frames.buf = opened;
    frames.spans = spans;
    Ok(())
}

/// The key generations a segment's frames are sealed with (0 for a plain
/// frame), read without opening them.
pub fn generations(path: &Path) -> Result<std::collections::BTreeSet<u32>, JournalError> {
    let frames = read_sealed_segment(path, 0)?;
    Ok(frames
        .spans
        .iter()
        .map(|s| crate::encryption::seal::generation_of(&frames.buf[s.a..s.b]).unwrap_or(0))
        .collect())
}

/// [`read_segment`] without opening: the payloads as they are in the file.
fn read_sealed_segment(path: &Path, from: u64) -> Result<Frames, JournalError> {
    let mut file = File::open(path).map_err(at(path))?;
    let len = file.metadata().map_err(at(path))?.len();
    if len < SEGMENT_HEADER {
        let tail = if len == 0 {
            Tail::Incomplete
        } else {
            header_prefix_tail(&mut file, len, path)?
        };
        return Ok(Frames {
            buf: Vec::new(),
            base: 0,
            spans: Vec::new(),
            damaged: Vec::new(),
            scan: Scan { end: 0, len, tail },
        });
    }
    let mut head = [0u8; SEGMENT_HEADER as usize];
    file.read_exact(&mut head).map_err(at(path))?;
    let header_ok = parse_header(&head).is_some();
    // A damaged header's bytes are searched like any damage, from the start.
    let start = if header_ok { from.max(SEGMENT_HEADER) } else { from };
    file.seek(SeekFrom::Start(start)).map_err(at(path))?;
    let mut buf = Vec::with_capacity(len.saturating_sub(start) as usize);
    file.read_to_end(&mut buf).map_err(at(path))?;
    let mut spans = Vec::new();
    let mut damaged = Vec::new();
    let mut pos = 0usize;
    if start == 0 {
        // The header is damaged: its bytes are not a frame either.
        match frame::find_next(&buf, 0) {
            Some(next) => {
                damaged.push(Damaged {
                    start: 0,
                    end: next as u64,
                });
                pos = next;
            }
            None => {
                return Ok(Frames {
                    buf: Vec::new(),
                    base: 0,
                    spans: Vec::new(),
                    damaged: Vec::new(),
                    scan: Scan {
                        end: 0,
                        len,
                        tail: Tail::Corrupt,
                    },
                });
            }
        }
    }
    let tail = loop {
        if pos == buf.len() {
            break Tail::Clean;
        }
        match frame::read(&buf, pos) {
            frame::Read::Frame { payload, next } => {
                let payload_start = next - payload.len();
                let header = payload_start - frame::FRAME_HEADER;
                spans.push(Span {
                    a: payload_start,
                    b: next,
                    start: start + header as u64,
                    end: start + next as u64,
                    crc: u32::from_le_bytes([buf[header + 4], buf[header + 5], buf[header + 6], buf[header + 7]]),
                });
                pos = next;
            }
            bad => match frame::find_next(&buf, pos + 1) {
                Some(next) => {
                    damaged.push(Damaged {
                        start: start + pos as u64,
                        end: start + next as u64,
                    });
                    pos = next;
                }
                None => {
                    break if bad == frame::Read::Incomplete {
                        Tail::Incomplete
                    } else {
                        Tail::Corrupt
                    };
                }
            },
        }
    };
    Ok(Frames {
        buf,
        base: start,
        spans,
        damaged,
        scan: Scan {
            end: start + pos as u64,
            len,
            tail,
        },
    })
}

/// A file shorter than a header is incomplete when what is there matches
/// the magic so far, corrupt otherwise.
fn header_prefix_tail(file: &mut File, len: u64, path: &Path) -> Result<Tail, JournalError> {
    let mut bytes = vec![0u8; len as usize];
    file.read_exact(&mut bytes).map_err(at(path))?;
    let n = bytes.len().min(MAGIC.len());
    Ok(if bytes[..n] == MAGIC[..n] {
        Tail::Incomplete
    } else {
        Tail::Corrupt
    })
}

/// Cuts a segment back to `end`, returning the bytes removed so the caller
/// can keep them. Used only on this replica's own journal, whose torn tail
/// can only be a write a crash interrupted before it was reported saved.
pub fn truncate(path: &Path, end: u64) -> Result<Vec<u8>, JournalError> {
    let mut file = OpenOptions::new().read(true).write(true).open(path).map_err(at(path))?;
    file.seek(SeekFrom::Start(end)).map_err(at(path))?;
    let mut removed = Vec::new();
    file.read_to_end(&mut removed).map_err(at(path))?;
    file.set_len(end).map_err(at(path))?;
    file.sync_all().map_err(at(path))?;
    Ok(removed)
}

/// Appends to this replica's journal.
pub struct JournalWriter {
    dir: PathBuf,
    replica: ReplicaId,
    segment: u32,
    file: File,
    len: u64,
}

/// Whether the file a writer appends to is still the journal's segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InPlace {
    Yes,
    /// The file is gone from the workspace (its folder vanished, or the
    /// file was removed).
    Gone,
    /// Another file stands in its place, or it is shorter than what was
    /// written: a sync client or a restored backup put an older version
    /// back. What is missing must be written again.
    Replaced,
}

impl JournalWriter {
    /// Opens the journal to append after `end` of segment `segment`, which
    /// must be its last segment and hold nothing after `end`. `end` 0 (or a
    /// missing file) starts the segment afresh with a header. The replica's
    /// folder is made when missing, but never the workspace above it.
    pub fn open(dir: &Path, replica: ReplicaId, segment: u32, end: u64) -> Result<JournalWriter, JournalError> {
        create_below_existing(dir, 2)?;
        let path = segment_path(dir, segment.max(1));
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(at(&path))?;
        // Appends land at the end of the file whatever `end` says; keep the
        // count true to it (a file put back by a sync client may differ).
        let mut len = if end < SEGMENT_HEADER {
            end
        } else {
            file.metadata().map_err(at(&path))?.len().max(SEGMENT_HEADER)
        };
        if end < SEGMENT_HEADER {
            // A segment is only ever started afresh when it holds nothing
            // (or less than a header, left by a crash while starting it).
            if file.metadata().map_err(at(&path))?.len() >= SEGMENT_HEADER {
                return Err(at(&path)(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "a journal segment with changes in it is never started again",
                )));
            }
            file.set_len(0).map_err(at(&path))?;
            file.write_all(&header(replica, segment.max(1))).map_err(at(&path))?;
            file.sync_all().map_err(at(&path))?;
            sync_dir(dir)?;
            len = SEGMENT_HEADER;
        }
        Ok(JournalWriter {
            dir: dir.to_path_buf(),
            replica,
            segment: segment.max(1),
            file,
            len,
        })
    }

    /// Where the next frame will go.
    pub fn position(&self) -> Position {
        Position {
            segment: self.segment,
            offset: self.len,
        }
    }

    /// The open segment's size and times, as the file system has them.
    pub fn metadata(&self) -> io::Result<fs::Metadata> {
        self.file.metadata()
    }

    /// Checks that the segment being appended to is still in the workspace
    /// as this writer left it: one `stat` of the path against the open file.
    pub fn in_place(&self) -> InPlace {
        let path = segment_path(&self.dir, self.segment);
        let on_disk = match fs::metadata(&path) {
            Ok(m) => m,
            Err(_) => return InPlace::Gone,
        };
        let Ok(open) = self.file.metadata() else {
            return InPlace::Gone;
        };
        if !same_file(&on_disk, &open) || on_disk.len() < self.len {
            return InPlace::Replaced;
        }
        InPlace::Yes
    }

    /// Appends already-framed bytes and waits until they are on disk.
    /// Returns the position just after them.
    pub fn append(&mut self, frames: &[u8]) -> Result<Position, JournalError> {
        if self.len >= segment_target() {
            self.rotate()?;
        }
        let path = segment_path(&self.dir, self.segment);
        if let Err(e) = self.file.write_all(frames).and_then(|()| self.file.sync_data()) {
            // Leave no half-written frame behind for the next append to bury.
            let _ = self.file.set_len(self.len);
            return Err(at(&path)(e));
        }
        self.len += frames.len() as u64;
        Ok(self.position())
    }

    fn rotate(&mut self) -> Result<(), JournalError> {
        let next = JournalWriter::open(&self.dir, self.replica, self.segment + 1, 0)?;
        *self = next;
        Ok(())
    }
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    a.len() == b.len()
}

/// Makes `dir` and up to `levels - 1` folders above it, but nothing above
/// those: a folder that vanished (an unmounted share, a deleted workspace)
/// is an error, never made again empty.
fn create_below_existing(dir: &Path, levels: usize) -> Result<(), JournalError> {
    match fs::create_dir(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound && levels > 1 => {
            let parent = dir.parent().ok_or_else(|| at(dir)(e))?;
            create_below_existing(parent, levels - 1)?;
            create_below_existing(dir, 1)
        }
        Err(e) => Err(at(dir)(e)),
    }
}

fn sync_dir(dir: &Path) -> Result<(), JournalError> {
    // Makes a new file's name durable, not just its contents.
    File::open(dir).and_then(|d| d.sync_all()).map_err(at(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(payloads: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in payloads {
            frame::encode(p, &mut out);
        }
        out
    }

    fn collect(path: &Path, from: u64) -> (Vec<Vec<u8>>, Scan) {
        let frames = read_segment(path, from, &Keys::plain()).unwrap();
        (frames.iter().map(|(p, _)| p.to_vec()).collect(), frames.scan)
    }

    #[test]
    fn append_and_scan() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = JournalWriter::open(dir.path(), ReplicaId(7), 1, 0).unwrap();
        let after_first = w.append(&framed(&[b"one"])).unwrap();
        w.append(&framed(&[b"two", b"three"])).unwrap();
        let path = segment_path(dir.path(), 1);
        let (seen, scan) = collect(&path, 0);
        assert_eq!(seen, vec![b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]);
        assert_eq!(scan.tail, Tail::Clean);
        assert_eq!(scan.end, scan.len);
        let (rest, _) = collect(&path, after_first.offset);
        assert_eq!(rest.len(), 2);
        assert_eq!(segments(dir.path()).unwrap(), vec![1]);
        let bytes = fs::read(&path).unwrap();
        assert_eq!(parse_header(&bytes), Some((ReplicaId(7), 1)));
    }

    #[test]
    fn torn_tail_is_found_and_cut() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = JournalWriter::open(dir.path(), ReplicaId(1), 1, 0).unwrap();
        let good = w.append(&framed(&[b"kept"])).unwrap();
        let mut torn = framed(&[b"lost in a crash"]);
        torn.truncate(torn.len() - 3);
        w.file.write_all(&torn).unwrap();
        let path = segment_path(dir.path(), 1);
        let (seen, scan) = collect(&path, 0);
        assert_eq!(seen.len(), 1);
        assert_eq!(scan.tail, Tail::Incomplete);
        assert_eq!(scan.end, good.offset);
        let removed = truncate(&path, scan.end).unwrap();
        assert_eq!(removed, torn);
        let mut w = JournalWriter::open(dir.path(), ReplicaId(1), 1, scan.end).unwrap();
        w.append(&framed(&[b"next"])).unwrap();
        let (seen, scan) = collect(&path, 0);
        assert_eq!(seen, vec![b"kept".to_vec(), b"next".to_vec()]);
        assert_eq!(scan.tail, Tail::Clean);
    }

    #[test]
    fn damaged_header_and_short_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("000001.journal");
        fs::write(&path, b"GUAN").unwrap();
        assert_eq!(collect(&path, 0).1.tail, Tail::Incomplete);
        fs::write(&path, b"nonsense").unwrap();
        assert_eq!(collect(&path, 0).1.tail, Tail::Corrupt);
        fs::write(&path, [0u8; 64]).unwrap();
        assert_eq!(collect(&path, 0).1.tail, Tail::Corrupt);
    }

    /// Payloads start with a format byte, as every op does.
    fn ops(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("\x02op number {i}").into_bytes()).collect()
    }

    fn write_ops(dir: &Path, payloads: &[Vec<u8>]) -> (PathBuf, Vec<u64>) {
        let mut w = JournalWriter::open(dir, ReplicaId(3), 1, 0).unwrap();
        let mut ends = Vec::new();
        for p in payloads {
            ends.push(w.append(&framed(&[p])).unwrap().offset);
        }
        (segment_path(dir, 1), ends)
    }

    #[test]
    fn reading_goes_on_past_a_damaged_frame_and_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let payloads = ops(6);
        let (path, ends) = write_ops(dir.path(), &payloads);
        let clean = fs::read(&path).unwrap();
        // Every byte of the third frame, header included.
        for at in ends[1]..ends[2] {
            let mut bytes = clean.clone();
            bytes[at as usize] ^= 0x24;
            fs::write(&path, &bytes).unwrap();
            let frames = read_segment(&path, 0, &Keys::plain()).unwrap();
            let seen: Vec<Vec<u8>> = frames.iter().map(|(p, _)| p.to_vec()).collect();
            let mut expected = payloads.clone();
            expected.remove(2);
            assert_eq!(seen, expected, "flip at {at}");
            assert_eq!(
                frames.damaged,
                vec![Damaged {
                    start: ends[1],
                    end: ends[2]
                }],
                "flip at {at}"
            );
            assert_eq!(frames.scan.tail, Tail::Clean);
            assert_eq!(frames.scan.end, frames.scan.len);
        }
    }

    #[test]
    fn sealed_frames_open_and_damage_is_found_again_after_them() {
        use crate::encryption::Keyring;
        let ring = Keyring::new_team();
        let keys = Keys::sealed(Keyring::from_bytes(&ring.to_bytes()).unwrap());
        let payloads = ops(5);
        let sealed: Vec<Vec<u8>> = payloads.iter().map(|p| keys.seal(Kind::Journal, p.clone())).collect();
        let dir = tempfile::tempdir().unwrap();
        let (path, ends) = write_ops(dir.path(), &sealed);
        let frames = read_segment(&path, 0, &keys).unwrap();
        let seen: Vec<Vec<u8>> = frames.iter().map(|(p, _)| p.to_vec()).collect();
        assert_eq!(seen, payloads);
        // The checksums given out are the file's, for `frame_still_at`.
        for f in frames.frames() {
            assert!(frame_still_at(&path, f.start, f.end, f.crc));
        }
        // Unreadable without the key: locked, not damage.
        assert!(read_segment(&path, 0, &Keys::plain()).is_err());
        // Any flipped bit, anywhere in the second frame: skipped and said,
        // the others read; a changed ciphertext whose checksum was made
        // again is damage too.
        let clean = fs::read(&path).unwrap();
        for at in (ends[0]..ends[1]).step_by(7) {
            let mut bytes = clean.clone();
            bytes[at as usize] ^= 0x10;
            fs::write(&path, &bytes).unwrap();
            let frames = read_segment(&path, 0, &keys).unwrap();
            assert_eq!(frames.len(), 4, "flip at {at}");
            assert_eq!(
                frames.damaged,
                vec![Damaged {
                    start: ends[0],
                    end: ends[1]
                }],
                "flip at {at}"
            );
        }
        let mut bytes = clean.clone();
        let payload_start = ends[0] as usize + frame::FRAME_HEADER;
        bytes[ends[1] as usize - 1] ^= 1;
        let crc = crc32fast::hash(&bytes[payload_start..ends[1] as usize]);
        bytes[ends[0] as usize + 4..ends[0] as usize + 8].copy_from_slice(&crc.to_le_bytes());
        fs::write(&path, &bytes).unwrap();
        let frames = read_segment(&path, 0, &keys).unwrap();
        assert_eq!(frames.len(), 4);
        assert_eq!(
            frames.damaged,
            vec![Damaged {
                start: ends[0],
                end: ends[1]
            }]
        );
        // A plain frame in an encrypted workspace is no teammate's: damage.
        fs::write(&path, &clean).unwrap();
        let mut w = JournalWriter::open(dir.path(), ReplicaId(3), 1, ends[4]).unwrap();
        w.append(&framed(&[b"\x02forged op"])).unwrap();
        let frames = read_segment(&path, 0, &keys).unwrap();
        assert_eq!(frames.len(), 5);
        assert_eq!(frames.damaged.len(), 1);
        assert_eq!(generations(&path).unwrap(), [0, 1].into_iter().collect());
    }

    #[test]
    fn a_length_that_runs_past_the_end_in_the_middle_is_damage_not_a_tail() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ends) = write_ops(dir.path(), &ops(4));
        let mut bytes = fs::read(&path).unwrap();
        bytes[ends[0] as usize + 2] = 0x01;
        fs::write(&path, &bytes).unwrap();
        let frames = read_segment(&path, 0, &Keys::plain()).unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames.damaged.len(), 1);
        assert_eq!(frames.scan.tail, Tail::Clean);
        // At the very end the same length is a frame still arriving.
        let mut bytes = fs::read(&path).unwrap();
        bytes[ends[2] as usize + 2] = 0x01;
        fs::write(&path, &bytes).unwrap();
        let frames = read_segment(&path, 0, &Keys::plain()).unwrap();
        assert_eq!(frames.scan.tail, Tail::Incomplete);
        assert_eq!(frames.scan.end, ends[2]);
    }

    #[test]
    fn a_damaged_header_hides_no_frame() {
        let dir = tempfile::tempdir().unwrap();
        let payloads = ops(3);
        let (path, _) = write_ops(dir.path(), &payloads);
        let mut bytes = fs::read(&path).unwrap();
        bytes[2] = b'?';
        fs::write(&path, &bytes).unwrap();
        let frames = read_segment(&path, 0, &Keys::plain()).unwrap();
        let seen: Vec<Vec<u8>> = frames.iter().map(|(p, _)| p.to_vec()).collect();
        assert_eq!(seen, payloads);
        assert_eq!(frames.damaged[0].start, 0);
        assert_eq!(frames.damaged[0].end, SEGMENT_HEADER);
    }

    #[test]
    fn reading_on_from_inside_a_damaged_header_finds_nothing_twice() {
        // Found by cargo fuzz: a frame within the first 24 bytes of a file
        // whose header is damaged was read again from its end.
        let bytes: &[u8] = b"G\x00\x03\x00\x00\x00g\x06\x09\x13\x03\x00\x02\x00\x00\x00\xa7\x01\x00\x03\x00\x00\x00g\x06\x09\xff\x00\x00\x00\x00\x00&";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("000001.journal");
        fs::write(&path, bytes).unwrap();
        let frames = read_segment(&path, 0, &Keys::plain()).unwrap();
        if frames.scan.end > 0 {
            assert!(read_segment(&path, frames.scan.end, &Keys::plain()).unwrap().is_empty());
        }
    }

    #[test]
    fn a_writer_sees_its_file_replaced_or_gone() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = JournalWriter::open(dir.path(), ReplicaId(3), 1, 0).unwrap();
        w.append(&framed(&[b"\x02one"])).unwrap();
        let path = segment_path(dir.path(), 1);
        let older = fs::read(&path).unwrap();
        w.append(&framed(&[b"\x02two"])).unwrap();
        assert_eq!(w.in_place(), InPlace::Yes);
        fs::write(&path, &older).unwrap();
        assert_eq!(w.in_place(), InPlace::Replaced, "put back shorter");
        let tmp = dir.path().join("tmp");
        fs::write(&tmp, fs::read(&path).unwrap()).unwrap();
        fs::rename(&tmp, &path).unwrap();
        assert_eq!(w.in_place(), InPlace::Replaced, "another file in its place");
        fs::remove_file(&path).unwrap();
        assert_eq!(w.in_place(), InPlace::Gone);
        // A segment with changes in it is never started afresh.
        fs::write(&path, &older).unwrap();
        assert!(JournalWriter::open(dir.path(), ReplicaId(3), 1, 0).is_err());
        assert_eq!(fs::read(&path).unwrap(), older);
    }

    #[test]
    fn the_workspace_above_a_replica_folder_is_never_made() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("workspace");
        let replica = gone.join(REPLICAS_DIR).join("0000000000000003");
        assert!(JournalWriter::open(&replica, ReplicaId(3), 1, 0).is_err());
        assert!(!gone.exists());
        fs::create_dir(&gone).unwrap();
        JournalWriter::open(&replica, ReplicaId(3), 1, 0).unwrap();
        assert!(segment_path(&replica, 1).exists());
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            /// Any bytes at all: no panic, every frame returned is whole
            /// (its checksum holds), frames and damage tile the file in
            /// order, and reading resumes where the scan says.
            #[test]
            fn any_bytes_read_safely(body in proptest::collection::vec(any::<u8>(), 0..2048), header in any::<bool>()) {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("000001.journal");
                let mut bytes = if header { super::super::header(ReplicaId(1), 1).to_vec() } else { Vec::new() };
                bytes.extend_from_slice(&body);
                fs::write(&path, &bytes).unwrap();
                let frames = read_segment(&path, 0, &Keys::plain()).unwrap();
                let mut parts: Vec<(u64, u64)> = frames.frames().map(|f| (f.start, f.end)).collect();
                for f in frames.frames() {
                    prop_assert_eq!(crc32fast::hash(f.payload), f.crc);
                    let stored = u32::from_le_bytes(bytes[f.start as usize + 4..f.start as usize + 8].try_into().unwrap());
                    prop_assert_eq!(stored, f.crc);
                }
                parts.extend(frames.damaged.iter().map(|d| (d.start, d.end)));
                parts.sort_unstable();
                for w in parts.windows(2) {
                    prop_assert!(w[0].1 <= w[1].0, "overlap: {:?}", parts);
                }
                prop_assert!(frames.scan.end <= frames.scan.len);
                if let Some(last) = parts.last() {
                    prop_assert!(last.1 <= frames.scan.end || frames.scan.end == 0);
                }
                // Reading again from where the scan stopped finds nothing new.
                let again = read_segment(&path, frames.scan.end, &Keys::plain()).unwrap();
                prop_assert!(again.is_empty() || frames.scan.end == 0);
            }

            /// Whole journals with random damage: every frame outside the
            /// damage is still read.
            #[test]
            fn frames_outside_the_damage_are_all_read(
                n in 2usize..12,
                flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
            ) {
                let dir = tempfile::tempdir().unwrap();
                let payloads = ops(n);
                let (path, ends) = write_ops(dir.path(), &payloads);
                let mut bytes = fs::read(&path).unwrap();
                let mut hit = std::collections::BTreeSet::new();
                for (at, mask) in flips {
                    let at = SEGMENT_HEADER as usize + at.index(bytes.len() - SEGMENT_HEADER as usize);
                    bytes[at] ^= mask;
                    hit.insert(ends.iter().position(|&e| (at as u64) < e).unwrap());
                }
                fs::write(&path, &bytes).unwrap();
                let frames = read_segment(&path, 0, &Keys::plain()).unwrap();
                let seen: Vec<Vec<u8>> = frames.iter().map(|(p, _)| p.to_vec()).collect();
                for (i, p) in payloads.iter().enumerate() {
                    if !hit.contains(&i) {
                        prop_assert!(seen.contains(p), "frame {} lost; hit {:?}", i, hit);
                    }
                }
            }
        }
    }

    #[test]
    fn segment_names() {
        assert_eq!(segment_number("000012.journal"), Some(12));
        assert_eq!(segment_number("12.journal"), None);
        assert_eq!(segment_number("000012.journal.tmp"), None);
        assert_eq!(segment_number("000012.sync-conflict-20240101-000000-ABC.journal"), None);
    }
}
