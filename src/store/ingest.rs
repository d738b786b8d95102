//! Bringing the view up to date with journals: this replica's own after a
//! crash, and everyone else's as their files arrive through the shared
//! folder.
//!
//! Every journal file (a replica's segments, and the copies sync clients
//! make of them) is read from where reading last stopped. A frame that is
//! not complete yet is left for later. Damage is skipped and reported,
//! never a reason to stop: the frames after it are read, and the ops they
//! hold are applied even when an earlier op of the same replica is
//! missing, since merging gives the same view in any order (`held`
//! remembers which ops are in). Reading an op twice changes nothing, so
//! copies that repeat what a segment holds are harmless, and copies that
//! hold something else (a copied install writing as the same replica)
//! lose nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::RangeInclusive;
use std::path::PathBuf;

use super::apply::apply_op;
use super::codec::{self, CodecError};
use super::error::StoreError;
use super::held::{self, Held};
use super::keys;
use super::op::Op;
use super::records::FileCursor;
use super::storage::Storage;
use super::txn::Txn;
use super::{MAX_PENDING, Store};
use crate::domain::CustomerId;
use crate::i18n::tf;
use crate::sync::hlc::ClockAhead;
use crate::sync::journal::{self, Scan};
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

/// What was wrong with part of a journal file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DamageKind {
    /// Bytes that are not whole frames, with whole frames after them.
    Bytes,
    /// A whole frame whose content is not an op this guanxi can read.
    Undecodable(String),
    /// A whole frame holding another replica's op.
    Foreign(ReplicaId),
}

/// Part of a journal file that was skipped, so that what follows it could
/// be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub replica: ReplicaId,
    pub file: PathBuf,
    pub start: u64,
    pub end: u64,
    pub kind: DamageKind,
}

impl Damage {
    /// One line for the user, in their language.
    pub fn describe(&self) -> String {
        let file = self.file.display();
        match &self.kind {
            DamageKind::Bytes => crate::i18n::tn(
                "sync.damaged_bytes",
                self.end - self.start,
                &[
                    ("file", &file),
                    ("at", &self.start),
                    ("bytes", &(self.end - self.start)),
                ],
            ),
            DamageKind::Undecodable(e) => tf(
                "sync.undecodable",
                &[("file", &file), ("at", &self.start), ("error", e)],
            ),
            DamageKind::Foreign(r) => tf(
                "sync.foreign_ops",
                &[("file", &file), ("at", &self.start), ("replica", r)],
            ),
        }
    }
}

/// Changes that arrived from one replica, and who made them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    pub replica: ReplicaId,
    pub count: u64,
    /// Changes per author.
    pub authors: BTreeMap<String, u64>,
}

/// What bringing this replica's journal back in line with its view did:
/// changes the journal had lost (to damage, a rolled-back file, a folder
/// that was gone) written again, in a new segment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restored {
    /// Changes kept locally while the workspace was away, written as made.
    pub kept: usize,
    /// Changes the journal had lost, made again from the view.
    pub remade: usize,
    /// Their numbers.
    pub seqs: Vec<RangeInclusive<u64>>,
    pub segment: PathBuf,
}

/// What opening the store, or a sync, did besides reading.
#[derive(Debug, Clone, Default)]
pub struct Recovery {
    /// This replica's own ops that were journaled but not yet in the view.
    pub replayed: u64,
    pub salvaged: Vec<Salvage>,
    /// Ops that arrived from other replicas.
    pub arrived: Vec<Arrival>,
    /// Replicas whose journals could not all be read, and why: ops still
    /// missing (later ones were read), or a newer format.
    pub waiting: Vec<(ReplicaId, String)>,
    /// Damage skipped while reading journals.
    pub damaged: Vec<Damage>,
    /// Changes this replica's journal had lost, written again.
    pub restored: Option<Restored>,
    /// Why changes this replica's journal lost could not be written again
    /// yet (the workspace is read-only or full); the next write retries.
    pub unmended: Option<String>,
    pub clock_warnings: Vec<ClockAhead>,
    /// Set when this install found another writing as its replica (it was
    /// copied or restored from a backup) and took a new id: (old, new).
    pub new_identity: Option<(ReplicaId, ReplicaId)>,
    /// Set when the view had to be made again from the journals: it was
    /// from an older guanxi, had lost the end of its body file, or could
    /// not be opened or read (the reason).
    pub rebuilt_view: bool,
    pub rebuilt_because: Option<String>,
    /// Set when the view was made again because the machine restarted
    /// after writes to it that were not synced (`unsynced_mark`).
    pub rebuilt_after_restart: bool,
}

impl Recovery {
    pub fn arrived_count(&self) -> u64 {
        self.arrived.iter().map(|a| a.count).sum()
    }

    /// Takes in what a later read found.
    pub fn absorb(&mut self, later: Recovery) {
        self.arrived.extend(later.arrived);
        self.waiting.extend(later.waiting);
        self.damaged.extend(later.damaged);
        self.clock_warnings.extend(later.clock_warnings);
        self.salvaged.extend(later.salvaged);
        if later.restored.is_some() {
            self.restored = later.restored;
        }
        if later.unmended.is_some() {
            self.unmended = later.unmended;
        }
        if later.new_identity.is_some() {
            self.new_identity = later.new_identity;
        }
    }
}

/// How far one replica's journal was read.
#[derive(Debug, Default)]
pub(super) struct Progress {
    /// Ops the view did not have.
    pub applied: u64,
    pub authors: BTreeMap<String, u64>,
    pub touched: BTreeSet<CustomerId>,
    pub held: Held,
    /// The highest-numbered segment and how reading it ended.
    pub last_segment: Option<(Source, Scan)>,
    pub damage: Vec<Damage>,
    /// Why some file could not be read to its end (a newer format).
    pub stopped: Option<String>,
    pub warnings: Vec<ClockAhead>,
    /// Reading this replica's own journal met ops this install did not
    /// write: someone else writes as this replica.
    pub foreign: bool,
}

impl Progress {
    /// Why not everything of this replica could be read, if so.
    pub fn waiting(&self) -> Option<String> {
        let gaps = self.held.gaps();
        let missing = (!gaps.is_empty()).then(|| {
            tf(
                "sync.missing",
                &[("seqs", &describe_runs(&gaps)), ("next", &(self.held.max()))],
            )
        });
        match (missing, &self.stopped) {
            (Some(m), Some(s)) => Some(format!("{m}; {s}")),
            (m, s) => m.or_else(|| s.clone()),
        }
    }
}

/// "4", "4-6, 9": runs of op numbers for the user.
pub fn describe_runs(runs: &[RangeInclusive<u64>]) -> String {
    runs.iter()
        .map(|r| {
            if r.start() == r.end() {
                r.start().to_string()
            } else {
                format!("{}-{}", r.start(), r.end())
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads `replica`'s journal files as far as they go. For this replica's
/// own journal (`replica == local`), ops the view lacks are replayed only
/// when `ours` covers their sequence numbers (this install wrote them);
/// any other new op means another install writes as this replica, and
/// reading stops with `foreign` set.
/// Where the journals are, and the keys that open their frames.
pub(super) struct Journals<'a> {
    pub root: &'a std::path::Path,
    pub keys: &'a crate::encryption::Keys,
}

pub(super) fn ingest_replica(
    storage: &Storage,
    journals: Journals<'_>,
    replica: ReplicaId,
    local: ReplicaId,
    ours: RangeInclusive<u64>,
    hlc: &mut Hlc,
    now_ms: i64,
) -> Result<Progress, StoreError> {
    let own = replica == local;
    let keys = journals.keys;
    let files = sources(&journal::replica_dir(journals.root, replica), replica)?;
    let mut progress = Progress {
        held: held::read(&storage.tree, replica)?,
        ..Progress::default()
    };
    let mut tx = Txn::new(storage);
    // Own ops in copies are compared with the segments by sequence number.
    let mut own_clocks: Option<HashMap<u64, u64>> = None;
    'files: for src in &files {
        let key = keys::file_cursor(replica, &src.name);
        let mut fc: FileCursor = tx.get_decoded(&key)?.unwrap_or_default();
        if fc.offset > 0 && !journal::frame_still_at(&src.path, fc.last_start, fc.offset, fc.last_crc) {
            // Replaced by a sync client: read it again from the start.
            fc = FileCursor::default();
        }
        let frames = journal::read_segment(&src.path, fc.offset, keys)?;
        let before = fc;
        progress.damage.extend(frames.damaged.iter().map(|d| Damage {
            replica,
            file: src.path.clone(),
            start: d.start,
            end: d.end,
            kind: DamageKind::Bytes,
        }));
        for frame in frames.frames() {
            let skip = |kind| Damage {
                replica,
                file: src.path.clone(),
                start: frame.start,
                end: frame.end,
                kind,
            };
            let past = FileCursor {
                offset: frame.end,
                last_start: frame.start,
                last_crc: frame.crc,
            };
            let op: Op = match codec::decode(frame.payload) {
                Ok(op) => op,
                Err(CodecError::NewerFormat(v)) => {
                    // Everything after it is newer too: wait for an update.
                    progress.stopped = Some(tf("sync.newer_format", &[("format", &v)]));
                    break;
                }
                Err(e) => {
                    progress.damage.push(skip(DamageKind::Undecodable(e.to_string())));
                    fc = past;
                    continue;
                }
            };
            if op.stamp.replica() != replica {
                progress.damage.push(skip(DamageKind::Foreign(op.stamp.replica())));
                fc = past;
                continue;
            }
            let new = !progress.held.contains(op.seq);
            if own {
                let known = if new {
                    ours.contains(&op.seq)
                } else if src.is_copy() {
                    let clocks = match &own_clocks {
                        Some(c) => c,
                        None => own_clocks.insert(segment_clocks(&files, keys)?),
                    };
                    clocks.get(&op.seq) == Some(&op.stamp.clock)
                } else {
                    true
                };
                if !known {
                    progress.foreign = true;
                    break 'files;
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
                progress.held.insert(op.seq);
                progress.applied += 1;
                *progress.authors.entry(op.author.clone()).or_default() += 1;
            }
            fc = past;
            if tx.pending() >= MAX_PENDING {
                tx.put_encoded(key.clone(), &fc)?;
                let full = std::mem::replace(&mut tx, Txn::new(storage));
                progress
                    .touched
                    .extend(commit_progress(full, replica, &progress.held, hlc)?);
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
    if tx.pending() > 0 {
        progress
            .touched
            .extend(commit_progress(tx, replica, &progress.held, hlc)?);
    }
    Ok(progress)
}

/// Sequence number → clock of every op in a replica's own segments.
fn segment_clocks(files: &[Source], keys: &crate::encryption::Keys) -> Result<HashMap<u64, u64>, StoreError> {
    let mut out = HashMap::new();
    for src in files.iter().filter(|s| !s.is_copy()) {
        for (payload, _) in journal::read_segment(&src.path, 0, keys)?.iter() {
            if let Ok(head) = codec::decode_head::<super::op::OpHead>(payload) {
                out.insert(head.seq, head.stamp.clock);
            }
        }
    }
    Ok(out)
}

/// No sequence numbers: when reading others' journals, or when this
/// install never wrote.
fn nothing_ours() -> RangeInclusive<u64> {
    RangeInclusive::new(1, 0)
}

fn commit_progress(
    mut tx: Txn,
    replica: ReplicaId,
    held: &Held,
    hlc: &Hlc,
) -> Result<BTreeSet<CustomerId>, StoreError> {
    held::put(&mut tx, replica, held)?;
    tx.put(keys::META_CLOCK.to_vec(), hlc.last().to_be_bytes().to_vec());
    tx.commit()
}

impl Store {
    /// Replays this replica's journaled ops the view lacks (a crash between
    /// the journal write and the view update, a view rebuilt or deleted),
    /// notices when another install has been writing as this replica, and
    /// brings the journal back in line with the view (see `repair`).
    pub(super) fn recover_own_journal(&mut self, trust_all: bool) -> Result<(), StoreError> {
        let replica = self.ws.replica;
        let now = self.view.clock.now_ms();
        // Every op this install ever wrote is its own: the pending note
        // keeps the highest number it wrote.
        let ours = if trust_all {
            1..=u64::MAX
        } else {
            self.ws.pending_write().map_or_else(nothing_ours, |r| 1..=*r.end())
        };
        let progress = ingest_replica(
            &self.view.storage,
            Journals {
                root: &self.ws.root,
                keys: &self.keys,
            },
            replica,
            replica,
            ours,
            &mut self.hlc,
            now,
        )?;
        self.touched.extend(progress.touched.iter().copied());
        self.recovery.replayed = progress.applied;
        if progress.foreign {
            return self.take_new_identity();
        }
        if let Some(reason) = progress.stopped {
            return Err(StoreError::DamagedJournal {
                replica: replica.to_string(),
                detail: reason,
            });
        }
        self.seq = progress.held.max();
        self.own_held = progress.held;
        let damaged = !progress.damage.is_empty();
        self.recovery.damaged.extend(progress.damage);
        self.settle_own_journal(progress.last_segment, damaged)?;
        // Ops a `log` appended ahead of the view were replayed as a matter
        // of course, not after a crash; and the note has vouched for the
        // segments they changed.
        if let Some(note) = self.closing.take() {
            if note.replica == replica && note.ahead() > 0 {
                self.recovery.replayed = self.recovery.replayed.saturating_sub(note.ahead());
                self.keep_what_went_ahead(&note)?;
            }
            self.live_ids_kept = true;
        }
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
        for (k, _) in tx.scan_prefix(keys::own_segment_prefix())? {
            tx.delete(k);
        }
        tx.commit()?;
        self.seq = 0;
        self.flushed_seq = 0;
        self.own_held = Held::default();
        self.journal = None;
        self.journal_end = journal::Position { segment: 1, offset: 0 };
        self.recovery.new_identity = Some((old, new));
        Ok(())
    }

    /// Applies what has arrived from the other replicas in the workspace,
    /// checks that nobody else writes as this one, and mends this
    /// replica's journal when it lost something (or changes kept locally
    /// while the workspace was away can now be written).
    pub fn ingest_others(&mut self) -> Result<Recovery, StoreError> {
        let now = self.view.clock.now_ms();
        let mut report = Recovery::default();
        let own = self.ws.replica;
        let mine = ingest_replica(
            &self.view.storage,
            Journals {
                root: &self.ws.root,
                keys: &self.keys,
            },
            own,
            own,
            nothing_ours(),
            &mut self.hlc,
            now,
        )?;
        if mine.foreign {
            self.take_new_identity()?;
            report.new_identity = self.recovery.new_identity;
        } else if self.workspace_present()
            && (!mine.damage.is_empty() || self.outbox.has_changes() || self.own_segments_changed()?)
        {
            report.damaged.extend(mine.damage);
            match self.restore_journal() {
                Ok(restored) => report.restored = restored,
                // Reading goes on; the next write (or read) tries again.
                Err(StoreError::Journal(e)) => report.unmended = Some(e.to_string()),
                Err(e) => return Err(e),
            }
        }
        self.ingest_teammates(&mut report, now)?;
        Ok(report)
    }

    /// Applies what has arrived from the other replicas only: what opening
    /// does once this replica's own journal has been read and settled.
    pub(super) fn ingest_teammates_at_open(&mut self) -> Result<Recovery, StoreError> {
        let mut report = Recovery::default();
        let now = self.view.clock.now_ms();
        self.ingest_teammates(&mut report, now)?;
        Ok(report)
    }

    fn ingest_teammates(&mut self, report: &mut Recovery, now: i64) -> Result<(), StoreError> {
        let local = self.ws.replica;
        // Before reading: what arrives meanwhile is seen as a change.
        self.teammates_seen = Some(super::closing_note::teammates_as_they_stand(&self.ws.root, local));
        for replica in journal::replicas(&self.ws.root)? {
            if replica == local {
                continue;
            }
            let progress = ingest_replica(
                &self.view.storage,
                Journals {
                    root: &self.ws.root,
                    keys: &self.keys,
                },
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
                    authors: progress.authors.clone(),
                });
            }
            if let Some(reason) = progress.waiting() {
                report.waiting.push((replica, reason));
            }
            report.damaged.extend(progress.damage);
            report.clock_warnings.extend(progress.warnings);
        }
        Ok(())
    }
}
