//! The note a process leaves as it closes the view cleanly, and what a
//! `log` written ahead of the view adds to it.
//!
//! It says what a process needs to append to this replica's journal
//! without opening sled (`quick_log`): the last op the view holds, the last
//! one written to the journal, the clock, and how the journal's segments
//! were left (their size and time, as the view records them). While it is
//! there, the live-ids table beside it is exact for the view.
//!
//! Every process that opens the view takes the note away first, so a note
//! is only ever found when the last process to hold the view closed it,
//! and nothing has changed the view since but appends made through it. A
//! process killed while holding the view leaves none, and the next one
//! goes the long way.
//!
//! At open, the note also vouches for the segments the quick appends
//! changed: a segment whose size and time are the note's is not a journal
//! put back by a sync client, so it is not read through again.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::error::{StoreError, io_at};
use super::repair::SegmentStat;
use super::{Store, codec, index, journal, keys, live_ids, unsynced_mark};
use crate::sync::ReplicaId;

const FILE: &str = "closed";
const FIRST_LINE: &str = "guanxi closing note 1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ClosingNote {
    pub replica: ReplicaId,
    /// The highest of this replica's ops that the view holds.
    pub view_seq: u64,
    /// The highest written to the journal: those after `view_seq` were
    /// appended ahead of the view, and the next open applies them.
    pub journal_seq: u64,
    /// The clock's last reading (`Hlc::last`).
    pub clock: u64,
    /// The segments as they were left, by number; the last is the one the
    /// next change is appended to.
    pub segments: Vec<(u32, SegmentStat)>,
    /// Teammates' journals as they stood when the view last read them
    /// (`teammates_as_they_stand`): a change to them since (a teammate
    /// deleted the customer, say) sends the next log the long way, which
    /// reads it first.
    pub teammates: Vec<String>,
}

fn path(view_dir: &Path) -> PathBuf {
    view_dir.join(FILE)
}

impl ClosingNote {
    /// The ops appended ahead of the view: replayed by the next open as a
    /// matter of course, not after a crash.
    pub fn ahead(&self) -> u64 {
        self.journal_seq.saturating_sub(self.view_seq)
    }

    /// The last segment and how it was left.
    pub fn last_segment(&self) -> Option<(u32, SegmentStat)> {
        self.segments.last().copied()
    }

    /// How `segment` was left, if the note says.
    pub fn vouches(&self, segment: u32) -> Option<SegmentStat> {
        self.segments.iter().find(|(n, _)| *n == segment).map(|(_, s)| *s)
    }

    /// Notes `segment` as left now (after an append to it).
    pub fn set_segment(&mut self, segment: u32, stat: SegmentStat) {
        self.segments.retain(|(n, _)| *n != segment);
        self.segments.push((segment, stat));
        self.segments.sort_by_key(|(n, _)| *n);
    }

    fn encode(&self) -> String {
        let mut text = format!(
            "{FIRST_LINE}\nreplica {}\nview {}\njournal {}\nclock {}\n",
            self.replica, self.view_seq, self.journal_seq, self.clock
        );
        for (n, s) in &self.segments {
            let (len, secs, nanos) = s.parts();
            text.push_str(&format!("segment {n} {len} {secs} {nanos}\n"));
        }
        for line in &self.teammates {
            text.push_str(&format!("mate {line}\n"));
        }
        let check = crc32fast::hash(text.as_bytes());
        text.push_str(&format!("check {check}\n"));
        text
    }

    fn decode(text: &str) -> Option<ClosingNote> {
        let (body, check) = text.strip_suffix('\n')?.rsplit_once('\n')?;
        let body = format!("{body}\n");
        if check.strip_prefix("check ")?.parse::<u32>().ok()? != crc32fast::hash(body.as_bytes()) {
            return None;
        }
        let mut lines = body.lines();
        if lines.next()? != FIRST_LINE {
            return None;
        }
        let mut field = |name: &str| lines.next()?.strip_prefix(name)?.strip_prefix(' ').map(str::to_string);
        let replica = ReplicaId::parse(&field("replica")?)?;
        let view_seq = field("view")?.parse().ok()?;
        let journal_seq = field("journal")?.parse().ok()?;
        let clock = field("clock")?.parse().ok()?;
        let mut segments = Vec::new();
        let mut teammates = Vec::new();
        for line in lines {
            if let Some(mate) = line.strip_prefix("mate ") {
                teammates.push(mate.to_string());
                continue;
            }
            let mut words = line.strip_prefix("segment ")?.split(' ').map(str::parse::<i64>);
            let mut next = || words.next()?.ok();
            let n = u32::try_from(next()?).ok()?;
            let len = u64::try_from(next()?).ok()?;
            let secs = next()?;
            let nanos = u32::try_from(next()?).ok()?;
            segments.push((n, SegmentStat::from_parts(len, secs, nanos)));
        }
        (view_seq <= journal_seq && !segments.is_empty()).then_some(ClosingNote {
            replica,
            view_seq,
            journal_seq,
            clock,
            segments,
            teammates,
        })
    }

    /// Writes the note beside the view, over the one there if any (not
    /// synced: it goes with the view, which a later boot makes again; a
    /// write torn by a killed process fails the check).
    pub fn write(&self, view_dir: &Path) -> io::Result<()> {
        crate::workspace::private::overwrite(&path(view_dir), self.encode().as_bytes()).map(drop)
    }
}

/// Teammates' journals as they stand now: the replicas' folder, and each
/// teammate's folder and last segment, by size and time (one line each).
/// What a process about to read them notes, and what a log ahead of the
/// view compares with that note.
pub(super) fn teammates_as_they_stand(root: &Path, own: ReplicaId) -> Vec<String> {
    let own_dir = journal::replica_dir(root, own);
    let Some(replicas) = own_dir.parent() else {
        return Vec::new();
    };
    let stat = |name: String, path: &Path| {
        let (len, secs, nanos) = fs::metadata(path)
            .map(|m| SegmentStat::of(&m).parts())
            .unwrap_or_default();
        format!("{name} {len} {secs} {nanos}")
    };
    let mut lines = vec![stat("replicas".to_string(), replicas)];
    for mate in journal::replicas(root).unwrap_or_default() {
        if mate == own {
            continue;
        }
        let dir = journal::replica_dir(root, mate);
        lines.push(stat(format!("{mate}"), &dir));
        if let Some(last) = journal::segments(&dir).unwrap_or_default().last() {
            lines.push(stat(format!("{mate}/{last}"), &journal::segment_path(&dir, *last)));
        }
    }
    lines
}

/// The note, left where it is: for a process that appends ahead of the view
/// and writes the note again. None when there is none or it cannot be read.
pub(super) fn read(view_dir: &Path) -> Option<ClosingNote> {
    ClosingNote::decode(&fs::read_to_string(path(view_dir)).ok()?)
}

/// The note, taken away: what a process that opens the view does before
/// anything else. It is kept aside (`closed.taken`) rather than removed,
/// so that a process that changed nothing can put it back as it was
/// (`put_back`) and a command that only reads leaves the view's files as
/// they were. An error only when a note is there and stays.
pub(super) fn take(view_dir: &Path) -> io::Result<Option<ClosingNote>> {
    let taken = taken_path(view_dir);
    match fs::rename(path(view_dir), &taken) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    }
    Ok(fs::read_to_string(&taken).ok().as_deref().and_then(ClosingNote::decode))
}

/// Puts back the note `take` kept aside, unchanged (its file's time too).
fn put_back(view_dir: &Path) -> io::Result<()> {
    fs::rename(taken_path(view_dir), path(view_dir))
}

/// Drops the note `take` kept aside, if any.
fn drop_taken(view_dir: &Path) {
    let _ = fs::remove_file(taken_path(view_dir));
}

fn taken_path(view_dir: &Path) -> PathBuf {
    view_dir.join(format!("{FILE}.taken"))
}

impl Store {
    /// As the view closes, after it is flushed: brings the live-ids table
    /// up to date and leaves the note. Left out whenever something is not
    /// as a note would say (the workspace away, the indexes not whole, the
    /// journal's last segment not as the view recorded it); the next
    /// `log <id>` then opens the view.
    pub(super) fn leave_closing_note(&mut self) -> Result<(), StoreError> {
        let changes = self.view.storage.take_live_changes();
        // Only where a process can leave the view unsynced (`quick_log`).
        let view_dir = self.ws.view_dir();
        let taken = self.note_taken.take();
        let Some(teammates) = self.teammates_seen.clone() else {
            drop_taken(&view_dir);
            return Ok(());
        };
        if unsynced_mark::this_boot().is_none()
            || self.outbox.has_changes()
            || self.journal_end.offset == 0
            || !index::whole(&self.view.storage)?
        {
            drop_taken(&view_dir);
            return Ok(());
        }
        // A table exact as the view opened (its note was there) is brought
        // up to date, or left alone when no customer came or went; one
        // that is not there or not whole is written again.
        let kept = self.live_ids_kept
            && live_ids::LiveIds::open(&view_dir, !changes.is_empty())
                .is_some_and(|mut table| changes.is_empty() || table.change(&changes).unwrap_or(false));
        if !kept {
            let ids: Vec<_> = self.view.live_ids()?.into_iter().collect();
            live_ids::write_whole(&view_dir, &ids).map_err(io_at(&view_dir))?;
            self.live_ids_kept = true;
        }
        let segment = self.journal_end.segment;
        let name = journal::segment_file_name(segment);
        let file = journal::replica_dir(&self.ws.root, self.ws.replica).join(&name);
        let Ok(meta) = fs::metadata(&file) else {
            return Ok(());
        };
        let now = SegmentStat::of(&meta);
        let recorded: Option<SegmentStat> = match self.view.storage.tree.get(keys::own_segment(&name))? {
            Some(v) => codec::decode(&v).ok(),
            None => None,
        };
        if recorded != Some(now) || now.parts().0 != self.journal_end.offset {
            drop_taken(&view_dir);
            return Ok(());
        }
        let note = ClosingNote {
            replica: self.ws.replica,
            view_seq: self.seq,
            journal_seq: self.seq,
            clock: self.hlc.last(),
            segments: vec![(segment, now)],
            teammates,
        };
        // The note taken at open goes back in its place: as it was when
        // nothing changed (a command that only read writes nothing), else
        // written over (a file replaced costs more than one rewritten).
        let back = taken.is_some() && put_back(&view_dir).is_ok();
        if back && kept && changes.is_empty() && taken.as_ref() == Some(&note) {
            return Ok(());
        }
        note.write(&view_dir).map_err(io_at(&view_dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note() -> ClosingNote {
        ClosingNote {
            replica: ReplicaId(0x1234_5678_9abc_def0),
            view_seq: 40,
            journal_seq: 42,
            clock: 7_000_000,
            segments: vec![
                (1, SegmentStat::from_parts(4096, 1_700_000_000, 5)),
                (2, SegmentStat::from_parts(120, 1_700_000_001, 999_999_999)),
            ],
            teammates: vec![
                "replicas 4096 1700000000 1".into(),
                "00000000000000ab/3 880 1700000002 7".into(),
            ],
        }
    }

    #[test]
    fn a_note_reads_back_as_written_and_is_gone_once_taken() {
        let d = tempfile::tempdir().expect("dir");
        note().write(d.path()).expect("write");
        assert_eq!(read(d.path()), Some(note()));
        assert_eq!(take(d.path()).expect("take"), Some(note()));
        assert_eq!(read(d.path()), None);
        assert_eq!(take(d.path()).expect("take"), None);
    }

    #[test]
    fn a_note_put_back_is_the_same_file_and_a_dropped_one_is_gone() {
        let d = tempfile::tempdir().expect("dir");
        note().write(d.path()).expect("write");
        let written = fs::metadata(path(d.path())).expect("note").modified().expect("time");
        take(d.path()).expect("take");
        put_back(d.path()).expect("put back");
        assert_eq!(read(d.path()), Some(note()));
        let back = fs::metadata(path(d.path())).expect("note").modified().expect("time");
        assert_eq!(back, written, "put back as it was, time and all");
        take(d.path()).expect("take");
        drop_taken(d.path());
        assert!(put_back(d.path()).is_err());
        assert_eq!(read(d.path()), None);
    }

    #[test]
    fn a_garbled_note_is_not_trusted_and_is_still_taken_away() {
        let d = tempfile::tempdir().expect("dir");
        note().write(d.path()).expect("write");
        let p = path(d.path());
        let text = fs::read_to_string(&p).expect("read");
        fs::write(&p, text.replace("view 40", "view 41")).expect("change");
        assert_eq!(read(d.path()), None, "the check no longer agrees");
        fs::write(&p, &text[..text.len() - 3]).expect("cut");
        assert_eq!(read(d.path()), None);
        fs::write(&p, [0xff, 0xfe, 0x00]).expect("garble");
        assert_eq!(take(d.path()).expect("take"), None);
        assert!(!p.exists(), "taken away all the same");
    }

    #[test]
    fn a_segment_noted_again_replaces_its_old_stat() {
        let mut n = note();
        assert_eq!(n.ahead(), 2);
        n.set_segment(2, SegmentStat::from_parts(300, 1_700_000_002, 0));
        n.set_segment(3, SegmentStat::from_parts(64, 1_700_000_003, 0));
        assert_eq!(n.segments.len(), 3);
        assert_eq!(n.vouches(2), Some(SegmentStat::from_parts(300, 1_700_000_002, 0)));
        assert_eq!(n.last_segment().map(|(s, _)| s), Some(3));
        assert_eq!(n.vouches(4), None);
    }
}
