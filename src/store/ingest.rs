//! Bringing the view up to date with journals: this replica's own after a
//! crash, and everyone else's as their files arrive through the shared
//! folder.
//!
//! Every journal file (a replica's segments, and the copies sync clients
//! make of them) is read from where reading last stopped. A frame that is
//! not complete yet is left for later; an op that would skip one of its
//! replica's sequence numbers waits until the missing one arrives (from
//! this or another file). Reading an op twice changes nothing, so copies
//! that repeat what a segment holds are harmless, and copies that hold
//! something else (a copied install writing as the same replica) lose
//! nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::ops::RangeInclusive;
use std::path::PathBuf;

use super::apply::apply_op;
use super::codec::{self, CodecError};
use super::error::StoreError;
use super::keys;
use super::op::Op;
use super::records::{Cursor, FileCursor};
use super::storage::Storage;
use super::txn::Txn;
use super::{MAX_PENDING, Store, put_cursor, read_cursor};
use crate::domain::CustomerId;
use crate::i18n::tf;
use crate::sync::hlc::ClockAhead;
use crate::sync::journal::{self, Position, Scan, Tail};
use crate::sync::sources::{Source, sources};
use crate::sync::{Hlc, ReplicaId};

/// Bytes cut from the end of this replica's journal: a write a crash
/// interrupted, which was never reported saved. Kept, not thrown away.
#[derive(Debug, Clone)]
pub struct Salvage {
    pub segment: PathBuf,
    pub bytes: usize,
    pub saved_to: PathBuf,
}

/// Changes that arrived from one replica, and who made them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    pub replica: ReplicaId,
    pub count: u64,
    /// Changes per author.
    pub authors: BTreeMap<String, u64>,
}

/// What opening the store, or a sync, did besides reading.
#[derive(Debug, Clone, Default)]
pub struct Recovery {
    /// This replica's own ops that were journaled but not yet in the view.
    pub replayed: u64,
    pub salvaged: Vec<Salvage>,
    /// Ops that arrived from other replicas.
    pub arrived: Vec<Arrival>,
    /// Replicas whose journals cannot be read further yet, and why.
    pub waiting: Vec<(ReplicaId, String)>,
    pub clock_warnings: Vec<ClockAhead>,
    /// Set when this install found another writing as its replica (it was
    /// copied or restored from a backup) and took a new id: (old, new).
    pub new_identity: Option<(ReplicaId, ReplicaId)>,
    /// Set when the view was from an older guanxi or had lost the end of
    /// its body file, and was made again from the journals.
    pub rebuilt_view: bool,
}

impl Recovery {
    pub fn arrived_count(&self) -> u64 {
        self.arrived.iter().map(|a| a.count).sum()
    }
}

/// How far one replica's journal was read.
#[derive(Debug, Default)]
pub(super) struct Progress {
    /// Ops with sequence numbers the view did not have.
    pub applied: u64,
    pub authors: BTreeMap<String, u64>,
    pub touched: BTreeSet<CustomerId>,
    pub cursor: Cursor,
    /// The highest-numbered segment and how reading it ended.
    pub last_segment: Option<(Source, Scan)>,
    pub stopped: Option<String>,
    pub warnings: Vec<ClockAhead>,
    /// Reading this replica's own journal met ops this install did not
    /// write: someone else writes as this replica.
    pub foreign: bool,
}

/// Reads `replica`'s journal files as far as they go. For this replica's
/// own journal (`replica == local`), ops past the view are replayed only
/// when `ours` covers their sequence numbers (the write that was under way
/// when the last run stopped); any other new op means another install
/// writes as this replica, and reading stops with `foreign` set.
pub(super) fn ingest_replica(
    storage: &Storage,
    root: &std::path::Path,
    replica: ReplicaId,
    local: ReplicaId,
    ours: RangeInclusive<u64>,
    hlc: &mut Hlc,
    now_ms: i64,
) -> Result<Progress, StoreError> {
    let own = replica == local;
    let files = sources(&journal::replica_dir(root, replica), replica)?;
    let mut cursor = read_cursor(&storage.tree, replica)?;
    let mut progress = Progress::default();
    let mut tx = Txn::new(storage);
    // Own ops in copies are compared with the segments by sequence number.
    let mut own_clocks: Option<HashMap<u64, u64>> = None;
    'passes: loop {
        let mut moved = false;
        let mut gap = false;
        for src in &files {
            let key = keys::file_cursor(replica, &src.name);
            let mut fc: FileCursor = tx.get_decoded(&key)?.unwrap_or_default();
            if fc.offset > 0 && !journal::frame_still_at(&src.path, fc.last_start, fc.offset, fc.last_crc) {
                // Replaced by a sync client: read it again from the start.
                fc = FileCursor::default();
            }
            let frames = journal::read_segment(&src.path, fc.offset)?;
            let before = fc;
            for frame in frames.frames() {
                let op: Op = match codec::decode(frame.payload) {
                    Ok(op) => op,
                    Err(CodecError::NewerFormat(v)) => {
                        progress.stopped = Some(tf("sync.newer_format", &[("format", &v)]));
                        break;
                    }
                    Err(e) => {
                        progress.stopped = Some(tf("sync.undecodable", &[("file", &src.name), ("error", &e)]));
                        break;
                    }
                };
                if op.stamp.replica() != replica {
                    progress.stopped = Some(tf(
                        "sync.foreign_ops",
                        &[("file", &src.name), ("replica", &op.stamp.replica())],
                    ));
                    break;
                }
                if op.seq > cursor.seq.saturating_add(1) {
                    // A gap: wait for the missing op.
                    gap = true;
                    break;
                }
                let new = op.seq == cursor.seq.saturating_add(1);
                if own {
                    let known = if new {
                        ours.contains(&op.seq)
                    } else if src.is_copy() {
                        let clocks = match &own_clocks {
                            Some(c) => c,
                            None => own_clocks.insert(segment_clocks(&files)?),
                        };
                        clocks.get(&op.seq) == Some(&op.stamp.clock)
                    } else {
                        true
                    };
                    if !known {
                        progress.foreign = true;
                        break 'passes;
                    }
                }
                if new || !own {
                    if let Some(w) = hlc.observe(op.stamp, now_ms)
                        && !own
                    {
                        progress.warnings.push(w);
                    }
                    // Re-reading a remote op is harmless (and keeps what a
                    // copied install wrote under the same number).
                    apply_op(&mut tx, &op, local)?;
                }
                if new {
                    cursor.seq = op.seq;
                    progress.applied += 1;
                    *progress.authors.entry(op.author.clone()).or_default() += 1;
                }
                fc = FileCursor {
                    offset: frame.end,
                    last_start: frame.start,
                    last_crc: frame.crc,
                };
                moved = true;
                if tx.pending() >= MAX_PENDING {
                    tx.put_encoded(key.clone(), &fc)?;
                    let full = std::mem::replace(&mut tx, Txn::new(storage));
                    progress.touched.extend(commit_progress(full, replica, cursor, hlc)?);
                }
            }
            if fc != before {
                tx.put_encoded(key, &fc)?;
            }
            if src.segment.is_some()
                && progress
                    .last_segment
                    .as_ref()
                    .is_none_or(|(s, _)| s.segment <= src.segment)
            {
                progress.last_segment = Some((src.clone(), frames.scan));
            }
        }
        if !moved {
            if gap && progress.stopped.is_none() {
                progress.stopped = Some(tf("sync.waiting_for", &[("seq", &(cursor.seq.saturating_add(1)))]));
            }
            break;
        }
    }
    if tx.pending() > 0 {
        progress.touched.extend(commit_progress(tx, replica, cursor, hlc)?);
    }
    progress.cursor = cursor;
    Ok(progress)
}

/// Sequence number → clock of every op in a replica's own segments.
fn segment_clocks(files: &[Source]) -> Result<HashMap<u64, u64>, StoreError> {
    let mut out = HashMap::new();
    for src in files.iter().filter(|s| !s.is_copy()) {
        for (payload, _) in journal::read_segment(&src.path, 0)?.iter() {
            if let Ok(op) = codec::decode::<Op>(payload) {
                out.insert(op.seq, op.stamp.clock);
            }
        }
    }
    Ok(out)
}

/// No sequence numbers: when reading others' journals, or when no write
/// was under way.
fn nothing_ours() -> RangeInclusive<u64> {
    RangeInclusive::new(1, 0)
}

fn commit_progress(
    mut tx: Txn,
    replica: ReplicaId,
    cursor: Cursor,
    hlc: &Hlc,
) -> Result<BTreeSet<CustomerId>, StoreError> {
    put_cursor(&mut tx, replica, cursor)?;
    tx.put(keys::META_CLOCK.to_vec(), hlc.last().to_be_bytes().to_vec());
    tx.commit()
}

impl Store {
    /// Replays this replica's journaled ops the view lacks (a crash between
    /// the journal write and the view update), cuts off a torn tail, and
    /// notices when another install has been writing as this replica.
    pub(super) fn recover_own_journal(&mut self, trust_all: bool) -> Result<(), StoreError> {
        let replica = self.ws.replica;
        let now = self.view.clock.now_ms();
        let ours = if trust_all {
            1..=u64::MAX
        } else {
            self.ws.pending_write().unwrap_or_else(nothing_ours)
        };
        let progress = ingest_replica(
            &self.view.storage,
            &self.ws.root,
            replica,
            replica,
            ours,
            &mut self.hlc,
            now,
        )?;
        self.touched.extend(progress.touched.iter().copied());
        self.recovery.replayed = progress.applied;
        self.seq = progress.cursor.seq;
        if progress.foreign {
            return self.take_new_identity();
        }
        if let Some(reason) = progress.stopped {
            return Err(StoreError::DamagedJournal {
                replica: replica.to_string(),
                detail: reason,
            });
        }
        let Some((segment, scan)) = progress.last_segment else {
            if progress.cursor.seq > 0 {
                return Err(StoreError::OwnJournalMissing {
                    seq: progress.cursor.seq,
                });
            }
            self.journal_end = Position { segment: 1, offset: 0 };
            return Ok(());
        };
        let number = segment.segment.unwrap_or(1);
        if scan.tail != Tail::Clean {
            let removed = journal::truncate(&segment.path, scan.end)?;
            let salvage_dir = self.ws.salvage_dir();
            let saved_to = salvage_dir.join(format!("{replica}-{number:06}-{}.bin", scan.end));
            fs::create_dir_all(&salvage_dir)
                .and_then(|()| fs::write(&saved_to, &removed))
                .map_err(|e| crate::workspace::WorkspaceError::Io {
                    path: saved_to.clone(),
                    source: e,
                })?;
            self.recovery.salvaged.push(Salvage {
                segment: segment.path,
                bytes: removed.len(),
                saved_to,
            });
        }
        self.journal_end = Position {
            segment: number,
            offset: scan.end,
        };
        Ok(())
    }

    /// Someone else writes as this replica (this install was copied, or
    /// restored from a backup): from now on this install writes as a new
    /// replica, and reads the old one like any teammate's.
    fn take_new_identity(&mut self) -> Result<(), StoreError> {
        let old = self.ws.replica;
        let new = self.ws.take_new_replica_id()?;
        // The undo history belongs to the old identity.
        let storage = self.view.storage.clone();
        let mut tx = Txn::new(&storage);
        for tag in [keys::UNDO, keys::REDO] {
            for (k, _) in tx.scan_prefix(&[tag])? {
                tx.delete(k);
            }
        }
        tx.commit()?;
        self.seq = 0;
        self.flushed_seq = 0;
        self.journal = None;
        self.journal_end = Position { segment: 1, offset: 0 };
        self.recovery.new_identity = Some((old, new));
        Ok(())
    }

    /// Applies what has arrived from the other replicas in the workspace,
    /// and checks that nobody else writes as this one.
    pub fn ingest_others(&mut self) -> Result<Recovery, StoreError> {
        let now = self.view.clock.now_ms();
        let mut report = Recovery::default();
        let own = self.ws.replica;
        let mine = ingest_replica(
            &self.view.storage,
            &self.ws.root,
            own,
            own,
            nothing_ours(),
            &mut self.hlc,
            now,
        )?;
        if mine.foreign {
            self.take_new_identity()?;
            report.new_identity = self.recovery.new_identity;
        }
        let local = self.ws.replica;
        for replica in journal::replicas(&self.ws.root)? {
            if replica == local {
                continue;
            }
            let progress = ingest_replica(
                &self.view.storage,
                &self.ws.root,
                replica,
                local,
                nothing_ours(),
                &mut self.hlc,
                now,
            )?;
            self.touched.extend(progress.touched.iter().copied());
            if progress.applied > 0 {
                report.arrived.push(Arrival {
                    replica,
                    count: progress.applied,
                    authors: progress.authors,
                });
            }
            if let Some(reason) = progress.stopped {
                report.waiting.push((replica, reason));
            }
            report.clock_warnings.extend(progress.warnings);
        }
        Ok(report)
    }
}
