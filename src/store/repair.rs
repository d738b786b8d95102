//! Keeping this replica's journal whole. The journal in the workspace is
//! what teammates read, but the workspace can lose things without guanxi
//! doing anything: a byte flipped or a sector lost, a sync client or a
//! restored backup putting back an older version of a file, the folder
//! deleted or unmounted. The view still holds every change this replica
//! made, so the journal is checked against it (cheaply at every start, by
//! the size and time of each segment as guanxi last left it; fully when
//! something looks different) and whatever it lost is written again into
//! a new segment: changes kept in the outbox exactly as made, others made
//! again from the view (`restate`). Nothing already in the journal is
//! ever cut, except a torn tail that an interrupted write left, whose
//! bytes are kept.

use std::collections::BTreeMap;
use std::fs;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::Store;
use super::codec::{self, CodecError};
use super::error::StoreError;
use super::held::{self, Held};
use super::ingest::{Damage, DamageKind, Restored, Salvage};
use super::keys;
use super::op::{Op, OpHead};
use super::records::FileCursor;
use super::restate::{self, LostRun};
use super::txn::Txn;
use crate::sync::ReplicaId;
use crate::sync::journal::{self, JournalWriter, Position, Scan, Tail};
use crate::sync::sources::{Source, sources};
use crate::workspace::WorkspaceError;

/// Bytes of ops written per append while restoring.
const CHUNK_BYTES: usize = 8 << 20;

/// What a full read of this replica's journal found.
#[derive(Debug, Default)]
pub(super) struct OwnJournal {
    /// (seq, clock) of every intact op, in any file, sorted by seq.
    present: Vec<(u64, u64)>,
    pub damage: Vec<Damage>,
    /// The highest segment number.
    highest_segment: u32,
    /// Older segments were removed after a snapshot: ops before the first
    /// one found are not lost.
    first_segment: u32,
}

impl OwnJournal {
    fn clock_of(&self, seq: u64) -> Option<u64> {
        self.present
            .binary_search_by_key(&seq, |p| p.0)
            .ok()
            .map(|i| self.present[i].1)
    }

    pub fn contains(&self, seq: u64) -> bool {
        self.clock_of(seq).is_some()
    }

    pub fn max_seq(&self) -> u64 {
        self.present.last().map_or(0, |p| p.0)
    }

    /// The first op the journal must have.
    fn start(&self) -> u64 {
        if self.first_segment > 1 {
            self.present.first().map_or(u64::MAX, |p| p.0)
        } else {
            1
        }
    }

    /// The ops the view holds that the journal does not, as runs.
    pub fn lost(&self, held: &Held) -> Vec<RangeInclusive<u64>> {
        let mut out: Vec<RangeInclusive<u64>> = Vec::new();
        let mut present = self.present.iter().map(|p| p.0).peekable();
        for run in held.runs_from(self.start()) {
            for seq in run {
                while present.next_if(|&p| p < seq).is_some() {}
                if present.peek() == Some(&seq) {
                    continue;
                }
                extend_runs(&mut out, seq);
            }
        }
        out
    }
}

/// Reads every file of this replica's journal, segments and copies alike.
pub(super) fn check_own_journal(
    root: &std::path::Path,
    replica: ReplicaId,
    keys: &crate::encryption::Keys,
) -> Result<OwnJournal, StoreError> {
    let files = sources(&journal::replica_dir(root, replica), replica)?;
    let mut out = OwnJournal::default();
    for src in &files {
        if let Some(n) = src.segment {
            out.highest_segment = out.highest_segment.max(n);
            out.first_segment = if out.first_segment == 0 {
                n
            } else {
                out.first_segment.min(n)
            };
        }
        let frames = journal::read_segment(&src.path, 0, keys)?;
        out.damage.extend(frames.damaged.iter().map(|d| Damage {
            replica,
            file: src.path.clone(),
            start: d.start,
            end: d.end,
            kind: DamageKind::Bytes,
        }));
        for f in frames.frames() {
            match codec::decode_head::<OpHead>(f.payload) {
                Ok(head) if head.stamp.replica() == replica => out.present.push((head.seq, head.stamp.clock)),
                Ok(head) => out.damage.push(Damage {
                    replica,
                    file: src.path.clone(),
                    start: f.start,
                    end: f.end,
                    kind: DamageKind::Foreign(head.stamp.replica()),
                }),
                // A newer guanxi's op is not damage, and not lost.
                Err(CodecError::NewerFormat(_)) => {}
                Err(e) => out.damage.push(Damage {
                    replica,
                    file: src.path.clone(),
                    start: f.start,
                    end: f.end,
                    kind: DamageKind::Undecodable(e.to_string()),
                }),
            }
        }
    }
    out.present.sort_unstable();
    out.present.dedup_by_key(|p| p.0);
    Ok(out)
}

/// How this replica last left one of its segment files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct SegmentStat {
    len: u64,
    modified_secs: i64,
    modified_nanos: u32,
}

impl SegmentStat {
    pub fn of(meta: &fs::Metadata) -> SegmentStat {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        SegmentStat {
            len: meta.len(),
            modified_secs: i64::try_from(modified.as_secs()).unwrap_or(i64::MAX),
            modified_nanos: modified.subsec_nanos(),
        }
    }

    /// Size, and time in seconds and nanoseconds (for `closing_note`).
    pub fn parts(self) -> (u64, i64, u32) {
        (self.len, self.modified_secs, self.modified_nanos)
    }

    pub fn from_parts(len: u64, modified_secs: i64, modified_nanos: u32) -> SegmentStat {
        SegmentStat {
            len,
            modified_secs,
            modified_nanos,
        }
    }
}

impl Store {
    /// The workspace folder is there, and is still this workspace (not
    /// another one put in its place).
    pub(super) fn workspace_present(&self) -> bool {
        crate::workspace::read_id(&self.ws.root).is_some_and(|id| id == self.ws.meta.id)
    }

    /// True when a segment of this replica's journal is not as this
    /// install last left it (or one is missing, or none is there while
    /// the view holds changes of this replica). A segment as the closing
    /// note found at open says it was left (`vouched`) counts as unchanged:
    /// changes were appended to it ahead of the view (`quick_log`).
    pub(super) fn own_segments_changed(&self) -> Result<bool, StoreError> {
        let dir = journal::replica_dir(&self.ws.root, self.ws.replica);
        let numbers = journal::segments(&dir)?;
        let tree = &self.view.storage.tree;
        let recorded = tree.scan_prefix(keys::own_segment_prefix()).count();
        if numbers.is_empty() {
            return Ok(recorded > 0 || self.own_held.max() > 0);
        }
        let vouched = |n: u32| self.closing.as_ref().and_then(|note| note.vouches(n));
        let mut still_there = 0;
        for n in numbers {
            let name = journal::segment_file_name(n);
            let Ok(meta) = fs::metadata(dir.join(&name)) else {
                return Ok(true);
            };
            let stored: Option<SegmentStat> = match tree.get(keys::own_segment(&name))? {
                Some(v) => codec::decode(&v).ok(),
                None => None,
            };
            still_there += usize::from(stored.is_some());
            let now = SegmentStat::of(&meta);
            if stored != Some(now) && vouched(n) != Some(now) {
                return Ok(true);
            }
        }
        // A segment recorded but no longer there.
        Ok(recorded != still_there)
    }

    /// Notes how every segment of this replica's journal is now.
    pub(super) fn record_own_segments(&self, tx: &mut Txn) -> Result<(), StoreError> {
        for (k, _) in tx.scan_prefix(keys::own_segment_prefix())? {
            tx.delete(k);
        }
        let dir = journal::replica_dir(&self.ws.root, self.ws.replica);
        for n in journal::segments(&dir)? {
            let name = journal::segment_file_name(n);
            if let Ok(meta) = fs::metadata(dir.join(&name)) {
                tx.put_encoded(keys::own_segment(&name), &SegmentStat::of(&meta))?;
            }
        }
        Ok(())
    }

    /// Where the next write goes, and whether the journal needs mending:
    /// after reading this replica's journal at start-up.
    pub(super) fn settle_own_journal(&mut self, last: Option<(Source, Scan)>, damaged: bool) -> Result<(), StoreError> {
        self.journal_end = match &last {
            Some((src, scan)) => Position {
                segment: src.segment.unwrap_or(1),
                offset: scan.end,
            },
            None => Position { segment: 1, offset: 0 },
        };
        let tail_clean = last.as_ref().is_none_or(|(_, scan)| scan.tail == Tail::Clean);
        if !damaged && tail_clean && !self.outbox.has_changes() && !self.own_segments_changed()? {
            // Segments the closing note vouched for are recorded as they
            // are now, so the vouching ends with this open.
            if self.closing.as_ref().is_some_and(|note| note.ahead() > 0) {
                let storage = self.view.storage.clone();
                let mut tx = Txn::new(&storage);
                self.record_own_segments(&mut tx)?;
                tx.commit()?;
            }
            return Ok(());
        }
        let check = check_own_journal(&self.ws.root, self.ws.replica, &self.keys)?;
        let own = self.ws.replica;
        self.recovery.damaged.retain(|d| d.replica != own);
        self.recovery.damaged.extend(check.damage.iter().cloned());
        if let Some((src, scan)) = last.filter(|(_, scan)| scan.tail != Tail::Clean) {
            let number = src.segment.unwrap_or(1);
            // Only bytes newer than anything the view holds (a write that
            // never finished) may be cut, and they are kept; anything else
            // stays where it is and writing goes on in a new segment.
            if check.lost(&self.own_held).is_empty() {
                self.cut_torn_tail(&src, scan)?;
            } else {
                self.journal_end = Position {
                    segment: number + 1,
                    offset: 0,
                };
            }
        }
        let storage = self.view.storage.clone();
        let mut tx = Txn::new(&storage);
        match self.restore_with(&check) {
            Ok(restored) => {
                self.recovery.restored = restored;
                self.record_own_segments(&mut tx)?;
            }
            // The workspace cannot be written now (read-only, full): the
            // view is whole, so reading goes on. With no note of how the
            // segments were left, the next write checks them again.
            Err(StoreError::Journal(e)) => {
                self.recovery.unmended = Some(e.to_string());
                for (k, _) in tx.scan_prefix(keys::own_segment_prefix())? {
                    tx.delete(k);
                }
            }
            Err(e) => return Err(e),
        }
        tx.commit()?;
        Ok(())
    }

    fn cut_torn_tail(&mut self, src: &Source, scan: Scan) -> Result<(), StoreError> {
        let replica = self.ws.replica;
        let number = src.segment.unwrap_or(1);
        let removed = journal::truncate(&src.path, scan.end)?;
        if removed.is_empty() {
            // A segment made but never written to (killed in between).
            return Ok(());
        }
        let salvage_dir = self.ws.salvage_dir();
        let saved_to = salvage_dir.join(format!("{replica}-{number:06}-{}.bin", scan.end));
        crate::workspace::private::dir(&salvage_dir)
            .and_then(|()| crate::workspace::private::write(&saved_to, &removed))
            .map_err(|e| WorkspaceError::Io {
                path: saved_to.clone(),
                source: e,
            })?;
        self.recovery.salvaged.push(Salvage {
            segment: src.path.clone(),
            bytes: removed.len(),
            saved_to,
        });
        Ok(())
    }

    /// Reads this replica's whole journal, byte by byte, and writes again
    /// whatever it lost (damage that left its size and time alone is only
    /// found this way); what `sync` does besides reading.
    pub fn mend_journal(&mut self) -> Result<Option<Restored>, StoreError> {
        if !self.workspace_present() {
            return Ok(None);
        }
        let restored = self.restore_journal()?;
        if restored.is_some() {
            self.recovery.restored = restored.clone();
        }
        Ok(restored)
    }

    /// Reads this replica's whole journal and writes again whatever it
    /// lost; returns what was written, if anything.
    pub(super) fn restore_journal(&mut self) -> Result<Option<Restored>, StoreError> {
        let check = check_own_journal(&self.ws.root, self.ws.replica, &self.keys)?;
        let restored = self.restore_with(&check)?;
        let storage = self.view.storage.clone();
        let mut tx = Txn::new(&storage);
        self.record_own_segments(&mut tx)?;
        tx.commit()?;
        Ok(restored)
    }

    fn restore_with(&mut self, check: &OwnJournal) -> Result<Option<Restored>, StoreError> {
        let replica = self.ws.replica;
        let kept: Vec<Op> = self
            .outbox
            .ops()?
            .into_iter()
            .filter(|op| !check.contains(op.seq))
            .collect();
        let kept_clocks: BTreeMap<u64, u64> = kept.iter().map(|op| (op.seq, op.stamp.clock)).collect();
        let mut lost = Vec::new();
        for seq in check.lost(&self.own_held).into_iter().flatten() {
            if !kept_clocks.contains_key(&seq) {
                extend_runs(&mut lost, seq);
            }
        }
        let mut runs: Vec<LostRun> = lost
            .into_iter()
            .map(|seqs| LostRun {
                seqs,
                after_clock: 0,
                before_clock: u64::MAX,
            })
            .collect();
        if kept.is_empty() && runs.is_empty() {
            self.outbox.clear()?;
            return Ok(None);
        }
        // The clocks of the nearest ops on either side that are not lost.
        let known_below = |seq: u64| {
            let i = check.present.partition_point(|p| p.0 < seq);
            let in_journal = i.checked_sub(1).map(|i| check.present[i]);
            let in_outbox = kept_clocks.range(..seq).next_back().map(|(s, c)| (*s, *c));
            in_journal.max(in_outbox).map_or(0, |p| p.1)
        };
        let known_above = |seq: u64| {
            let i = check.present.partition_point(|p| p.0 <= seq);
            let in_journal = check.present.get(i).copied();
            let in_outbox = kept_clocks.range(seq + 1..).next().map(|(s, c)| (*s, *c));
            match (in_journal, in_outbox) {
                (Some(a), Some(b)) => a.min(b).1,
                (a, b) => a.or(b).map_or(u64::MAX, |p| p.1),
            }
        };
        for run in &mut runs {
            run.after_clock = known_below(*run.seqs.start());
            run.before_clock = known_above(*run.seqs.end());
        }
        let remade = restate::remake(
            &self.view.storage,
            replica,
            &runs,
            &self.author,
            self.seq.max(check.max_seq()),
        )?;
        let remade_count = remade.len();
        let kept_count = kept.len();
        let mut ops = kept;
        ops.extend(remade);
        ops.sort_by_key(|op| op.seq);
        let highest = ops.last().map_or(0, |op| op.seq);
        let pending_end = self.ws.pending_write().map_or(0, |r| *r.end());
        self.ws.note_pending_write(
            ops.first().map_or(1, |op| op.seq)..=pending_end.max(highest).max(self.seq),
            !super::view_files::leaves_view_unsynced(),
        )?;

        let dir = journal::replica_dir(&self.ws.root, replica);
        let segment = check.highest_segment.max(self.journal_end.segment.saturating_sub(1)) + 1;
        let mut writer = JournalWriter::open(&dir, replica, segment, 0)?;
        let first_path = journal::segment_path(&dir, segment);
        let storage = self.view.storage.clone();
        let mut tx = Txn::new(&storage);
        let mut frames = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            let last_frame = self.journal_frame(op, &mut frames)?;
            if frames.len() >= CHUNK_BYTES || i + 1 == ops.len() {
                let position = writer.append(&frames)?;
                frames.clear();
                tx.put_encoded(
                    keys::file_cursor(replica, &journal::segment_file_name(position.segment)),
                    &FileCursor {
                        offset: position.offset,
                        last_start: position.offset - last_frame.0,
                        last_crc: last_frame.1,
                    },
                )?;
            }
        }
        for op in &ops {
            self.own_held.insert(op.seq);
        }
        held::put(&mut tx, replica, &self.own_held)?;
        // Made-again ops carry no undo history: the view keeps its own undo
        // stack (its entries still take their changes back), which a replay
        // of the journal can no longer make.
        if remade_count > 0 {
            tx.put(keys::META_UNDO_MENDED.to_vec(), vec![1]);
        }
        self.touched.extend(tx.commit()?);
        self.seq = self.seq.max(highest);
        self.journal_end = writer.position();
        self.journal = Some(writer);
        self.outbox.clear()?;
        let mut seqs = Vec::new();
        for op in &ops {
            extend_runs(&mut seqs, op.seq);
        }
        Ok(Some(Restored {
            kept: kept_count,
            remade: remade_count,
            seqs,
            segment: first_path,
        }))
    }
}

/// Adds `seq` to runs kept in ascending order: it joins the last run when it
/// follows it.
fn extend_runs(runs: &mut Vec<RangeInclusive<u64>>, seq: u64) {
    match runs.last_mut() {
        Some(last) if *last.end() + 1 == seq => *last = *last.start()..=seq,
        _ => runs.push(seq..=seq),
    }
}

/// Where the view's copy of this replica's segment stat lives after an
/// append: called by the write path.
pub(super) fn note_segment(tx: &mut Txn, writer: &JournalWriter) -> Result<(), StoreError> {
    if let Ok(meta) = writer.metadata() {
        let name = journal::segment_file_name(writer.position().segment);
        tx.put_encoded(keys::own_segment(&name), &SegmentStat::of(&meta))?;
    }
    Ok(())
}
