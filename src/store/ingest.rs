//! Bringing the view up to date with journals: this replica's own after a
//! crash, and everyone else's as their files arrive.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use super::apply::apply_op;
use super::codec::{self, CodecError};
use super::error::StoreError;
use super::keys;
use super::op::Op;
use super::records::Cursor;
use super::txn::Txn;
use super::{MAX_PENDING, Store, put_cursor, read_cursor};
use crate::domain::CustomerId;
use crate::sync::hlc::ClockAhead;
use crate::sync::journal::{self, Position, Scan, Tail};
use crate::sync::{Hlc, ReplicaId};

/// Bytes cut from the end of this replica's journal: a write a crash
/// interrupted, which was never reported saved. Kept, not thrown away.
#[derive(Debug, Clone)]
pub struct Salvage {
    pub segment: PathBuf,
    pub bytes: usize,
    pub saved_to: PathBuf,
}

/// What opening the store (or a sync) did besides opening.
#[derive(Debug, Clone, Default)]
pub struct Recovery {
    /// This replica's own ops that were journaled but not yet in the view.
    pub replayed: u64,
    pub salvaged: Vec<Salvage>,
    /// Ops applied from other replicas, per replica.
    pub arrived: Vec<(ReplicaId, u64)>,
    /// Replicas whose journals cannot be read further yet, and why.
    pub waiting: Vec<(ReplicaId, String)>,
    pub clock_warnings: Vec<ClockAhead>,
}

/// How far one replica's journal was read.
pub(super) struct Progress {
    applied: u64,
    pub(super) touched: BTreeSet<CustomerId>,
    cursor: Cursor,
    /// The last segment read and how its scan ended.
    last: Option<(u32, Scan)>,
    stopped: Option<String>,
    warnings: Vec<ClockAhead>,
}

/// Applies every op of `replica`'s journal the view does not have yet, in
/// sequence order, stopping at a gap, an incomplete frame or a damaged one.
pub(super) fn ingest_replica(
    tree: &sled::Tree,
    root: &std::path::Path,
    replica: ReplicaId,
    local: ReplicaId,
    hlc: &mut Hlc,
    now_ms: i64,
) -> Result<Progress, StoreError> {
    let dir = journal::replica_dir(root, replica);
    let mut cursor = read_cursor(tree, replica)?;
    let mut progress = Progress {
        applied: 0,
        touched: BTreeSet::new(),
        cursor,
        last: None,
        stopped: None,
        warnings: Vec::new(),
    };
    let mut tx = Txn::new(tree);
    'segments: for segment in journal::segments(&dir)? {
        if segment < cursor.position.segment {
            continue;
        }
        let from = if segment == cursor.position.segment {
            cursor.position.offset
        } else {
            0
        };
        let frames = journal::read_segment(&journal::segment_path(&dir, segment), from)?;
        for (payload, end) in frames.iter() {
            let op: Op = match codec::decode(payload) {
                Ok(op) => op,
                Err(CodecError::NewerFormat(v)) => {
                    progress.stopped = Some(format!("written by a newer guanxi (format {v})"));
                    break 'segments;
                }
                Err(e) => {
                    progress.stopped = Some(format!("undecodable op in segment {segment}: {e}"));
                    break 'segments;
                }
            };
            if op.stamp.replica() != replica {
                progress.stopped = Some(format!("segment {segment} holds ops of replica {}", op.stamp.replica()));
                break 'segments;
            }
            if op.seq <= cursor.seq {
                continue;
            }
            if op.seq != cursor.seq + 1 {
                progress.stopped = Some(format!("waiting for change {} (found {})", cursor.seq + 1, op.seq));
                break 'segments;
            }
            if let Some(w) = hlc.observe(op.stamp, now_ms)
                && replica != local
            {
                progress.warnings.push(w);
            }
            apply_op(&mut tx, &op, local)?;
            cursor = Cursor {
                seq: op.seq,
                position: Position { segment, offset: end },
            };
            progress.applied += 1;
            if tx.pending() >= MAX_PENDING {
                let full = std::mem::replace(&mut tx, Txn::new(tree));
                progress.touched.extend(commit_progress(full, replica, cursor, hlc)?);
            }
        }
        progress.last = Some((segment, frames.scan));
        if frames.scan.tail != Tail::Clean {
            break;
        }
    }
    if progress.applied > 0 {
        progress.touched.extend(commit_progress(tx, replica, cursor, hlc)?);
    }
    progress.cursor = cursor;
    Ok(progress)
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
    /// the journal write and the view update), and cuts off a torn tail.
    pub(super) fn recover_own_journal(&mut self) -> Result<(), StoreError> {
        let replica = self.ws.replica;
        let now = self.view.clock.now_ms();
        let progress = ingest_replica(&self.view.tree, &self.ws.root, replica, replica, &mut self.hlc, now)?;
        if let Some(reason) = progress.stopped {
            return Err(StoreError::DamagedJournal {
                replica: replica.to_string(),
                detail: reason,
            });
        }
        self.recovery.replayed = progress.applied;
        self.seq = progress.cursor.seq;
        let dir = journal::replica_dir(&self.ws.root, replica);
        let Some((segment, scan)) = progress.last else {
            if progress.cursor.seq > 0 {
                return Err(StoreError::OwnJournalMissing {
                    seq: progress.cursor.seq,
                });
            }
            self.journal_end = Position { segment: 1, offset: 0 };
            return Ok(());
        };
        if scan.tail != Tail::Clean {
            let newest = journal::segments(&dir)?.last().copied().unwrap_or(segment);
            if newest != segment {
                return Err(StoreError::DamagedJournal {
                    replica: replica.to_string(),
                    detail: format!(
                        "segment {segment} is damaged at byte {} but later segments exist",
                        scan.end
                    ),
                });
            }
            let path = journal::segment_path(&dir, segment);
            let removed = journal::truncate(&path, scan.end)?;
            let salvage_dir = self.ws.salvage_dir();
            let saved_to = salvage_dir.join(format!("{replica}-{segment:06}-{}.bin", scan.end));
            fs::create_dir_all(&salvage_dir)
                .and_then(|()| fs::write(&saved_to, &removed))
                .map_err(|e| crate::workspace::WorkspaceError::Io {
                    path: saved_to.clone(),
                    source: e,
                })?;
            self.recovery.salvaged.push(Salvage {
                segment: path,
                bytes: removed.len(),
                saved_to,
            });
        }
        self.journal_end = Position {
            segment,
            offset: scan.end,
        };
        Ok(())
    }

    /// Applies what has arrived from the other replicas in the workspace.
    pub fn ingest_others(&mut self) -> Result<Recovery, StoreError> {
        let local = self.ws.replica;
        let now = self.view.clock.now_ms();
        let mut report = Recovery::default();
        for replica in journal::replicas(&self.ws.root)? {
            if replica == local {
                continue;
            }
            let progress = ingest_replica(&self.view.tree, &self.ws.root, replica, local, &mut self.hlc, now)?;
            self.touched.extend(progress.touched.iter().copied());
            if progress.applied > 0 {
                report.arrived.push((replica, progress.applied));
            }
            if let Some(reason) = progress.stopped {
                report.waiting.push((replica, reason));
            }
            report.clock_warnings.extend(progress.warnings);
        }
        self.recovery.arrived.extend(report.arrived.iter().copied());
        self.recovery.waiting.extend(report.waiting.iter().cloned());
        self.recovery
            .clock_warnings
            .extend(report.clock_warnings.iter().copied());
        Ok(report)
    }
}
