//! Rebuilding the view from the journals, and checking the two against
//! each other.

use std::fs;
use std::sync::Arc;

use super::codec;
use super::error::StoreError;
use super::ingest::ingest_replica;
use super::keys;
use super::op::Op;
use super::pack::{Pack, PackState};
use super::storage::Storage;
use super::txn::describe_key;
use super::{OpenOptions, Store, TREE, read_cursor};
use crate::i18n::{t, tf};
use crate::sync::Hlc;
use crate::sync::journal::{self, Tail};
use crate::workspace::{Workspace, WorkspaceError};

/// At most this many differing keys are named in a report.
const SHOWN_DIFFERENCES: usize = 5;

#[derive(Debug, Default)]
pub struct DoctorReport {
    /// What was checked and found in order.
    pub notes: Vec<String>,
    /// What is wrong.
    pub problems: Vec<String>,
}

impl DoctorReport {
    pub fn healthy(&self) -> bool {
        self.problems.is_empty()
    }
}

impl Store {
    /// Throws the view away and rebuilds it from every journal in the
    /// workspace. The old view is kept aside until the new one is complete.
    pub fn rebuild(options: OpenOptions) -> Result<Store, StoreError> {
        let ws = Workspace::open(&options.workspace, &options.state_root)?;
        let view = ws.view_dir();
        let old = ws.state_dir.join("view.old");
        let io = |path: &std::path::Path| {
            let path = path.to_path_buf();
            move |source| StoreError::Workspace(WorkspaceError::Io { path, source })
        };
        if old.exists() {
            fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        if view.exists() {
            fs::rename(&view, &old).map_err(io(&view))?;
        }
        let mut store = Store::open_in(ws, options.author, options.clock, options.rules, true)?;
        store.flush()?;
        if old.exists() {
            fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        Ok(store)
    }

    /// Checks every journal frame, the order of every replica's changes,
    /// and that the view holds exactly what replaying the journals gives.
    pub fn doctor(&self) -> Result<DoctorReport, StoreError> {
        let mut report = DoctorReport::default();
        let recovery = &self.recovery;
        if recovery.replayed > 0 {
            report
                .notes
                .push(tf("doctor.replayed", &[("count", &recovery.replayed)]));
        }
        for s in &recovery.salvaged {
            report.notes.push(tf(
                "doctor.salvaged",
                &[
                    ("bytes", &s.bytes),
                    ("segment", &s.segment.display()),
                    ("saved_to", &s.saved_to.display()),
                ],
            ));
        }
        if let Some((old, new)) = recovery.new_identity {
            report
                .notes
                .push(tf("doctor.new_identity", &[("old", &old), ("new", &new)]));
        }
        for replica in journal::replicas(&self.ws.root)? {
            self.check_journal(replica, &mut report)?;
        }
        self.compare_with_replay(&mut report)?;
        Ok(report)
    }

    fn check_journal(&self, replica: crate::sync::ReplicaId, report: &mut DoctorReport) -> Result<(), StoreError> {
        let own = replica == self.ws.replica;
        let who = if own {
            tf("doctor.this_replica", &[("replica", &replica)])
        } else {
            replica.to_string()
        };
        let dir = journal::replica_dir(&self.ws.root, replica);
        let segments = journal::segments(&dir)?;
        let mut expected_seq = 0u64;
        let mut frames_total = 0usize;
        for (i, &segment) in segments.iter().enumerate() {
            let path = journal::segment_path(&dir, segment);
            let header = fs::read(&path).ok().and_then(|bytes| journal::parse_header(&bytes));
            match header {
                Some((r, n)) if r == replica && n == segment => {}
                Some((r, n)) => report.problems.push(tf(
                    "doctor.bad_header",
                    &[("path", &path.display()), ("replica", &r), ("segment", &n)],
                )),
                None => {}
            }
            let frames = journal::read_segment(&path, 0)?;
            frames_total += frames.len();
            for (payload, _) in frames.iter() {
                match codec::decode::<Op>(payload) {
                    // Older segments may have been removed after a snapshot.
                    Ok(op) if expected_seq == 0 => {
                        if op.seq > 1 {
                            report
                                .notes
                                .push(tf("doctor.starts_at", &[("who", &who), ("seq", &op.seq)]));
                        }
                        expected_seq = op.seq.saturating_add(1);
                    }
                    Ok(op) if op.seq == expected_seq => expected_seq += 1,
                    Ok(op) => {
                        report.problems.push(tf(
                            "doctor.out_of_order",
                            &[
                                ("path", &path.display()),
                                ("seq", &op.seq),
                                ("previous", &(expected_seq - 1)),
                            ],
                        ));
                        expected_seq = op.seq.saturating_add(1);
                    }
                    Err(e) => report
                        .problems
                        .push(tf("doctor.undecodable", &[("path", &path.display()), ("error", &e)])),
                }
            }
            let last = i + 1 == segments.len();
            match frames.scan.tail {
                Tail::Clean => {}
                // A teammate's file may still be arriving, written in place.
                _ if last && !own => report.notes.push(tf(
                    "doctor.arriving",
                    &[
                        ("path", &path.display()),
                        ("read", &frames.scan.end),
                        ("len", &frames.scan.len),
                    ],
                )),
                tail => report.problems.push(tf(
                    if tail == Tail::Corrupt {
                        "doctor.damaged_frame"
                    } else {
                        "doctor.incomplete_frame"
                    },
                    &[("path", &path.display()), ("at", &frames.scan.end)],
                )),
            }
        }
        let cursor = read_cursor(&self.storage.tree, replica)?;
        let journaled = expected_seq.saturating_sub(1);
        if cursor.seq != journaled {
            report.problems.push(tf(
                "doctor.behind",
                &[("who", &who), ("have", &cursor.seq), ("journaled", &journaled)],
            ));
        }
        report.notes.push(tf(
            "doctor.journal_ok",
            &[("who", &who), ("segments", &segments.len()), ("changes", &frames_total)],
        ));
        Ok(())
    }

    /// Replays all journals into a scratch view and compares it, key by
    /// key, with the real one.
    fn compare_with_replay(&self, report: &mut DoctorReport) -> Result<(), StoreError> {
        let dir = self.ws.state_dir.join("doctor-replay");
        let io = |source| {
            StoreError::Workspace(WorkspaceError::Io {
                path: dir.clone(),
                source,
            })
        };
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(io)?;
        }
        fs::create_dir_all(&dir).map_err(io)?;
        let result = self.compare_with_replay_in(&dir, report);
        let _ = fs::remove_dir_all(&dir);
        result
    }

    fn compare_with_replay_in(&self, dir: &std::path::Path, report: &mut DoctorReport) -> Result<(), StoreError> {
        let scratch = sled::Config::new()
            .temporary(true)
            .cache_capacity(super::CACHE_BYTES)
            .open()?;
        let fresh = Storage {
            tree: scratch.open_tree(TREE)?,
            pack: std::sync::Arc::new(super::pack::Pack::open(dir, 0)?),
        };
        let tree = &self.storage.tree;
        fresh
            .tree
            .insert(keys::META_FORMAT, tree.get(keys::META_FORMAT)?.unwrap_or_default())?;
        let mut hlc = Hlc::default();
        let now = self.clock.now_ms();
        // Replay the way the view was built: from its snapshot, if it
        // started from one and that is still there.
        let origin = self.origin_snapshot()?;
        let started_from_snapshot = tree.get(keys::META_SNAPSHOT)?.is_some();
        if let Some(s) = &origin {
            super::snapshot::load(&fresh, s)?;
            report
                .notes
                .push(tf("doctor.from_snapshot", &[("path", &s.path.display())]));
        } else if started_from_snapshot {
            report.notes.push(t("doctor.snapshot_gone").to_string());
        }
        for replica in journal::replicas(&self.ws.root)? {
            ingest_replica(
                &fresh,
                &self.ws.root,
                replica,
                self.ws.replica,
                1..=u64::MAX,
                &mut hlc,
                now,
            )?;
        }
        let mut differences = Vec::new();
        let mut count = 0usize;
        // Local bookkeeping that replaying need not reproduce; bodies are
        // compared by content, wherever each pack keeps them.
        let local_only = |k: &[u8]| {
            k == keys::META_CLOCK
                || k == keys::META_SNAPSHOT
                || k == keys::META_PACK
                || (started_from_snapshot && matches!(k.first(), Some(&keys::UNDO) | Some(&keys::REDO)))
        };
        let mut live = self
            .storage
            .entries()
            .filter(|e| !matches!(e, Ok((k, _)) if local_only(k)));
        let mut replayed = fresh.entries().filter(|e| !matches!(e, Ok((k, _)) if local_only(k)));
        let (mut a, mut b) = (live.next().transpose()?, replayed.next().transpose()?);
        loop {
            let differ = match (&a, &b) {
                (None, None) => break,
                (Some((ka, va)), Some((kb, vb))) if ka == kb => {
                    let key = ka.clone();
                    let same = va == vb;
                    a = live.next().transpose()?;
                    b = replayed.next().transpose()?;
                    (!same).then(|| tf("doctor.key_differs", &[("key", &describe_key(&key))]))
                }
                (Some((ka, _)), Some((kb, _))) if ka < kb => {
                    let key = ka.clone();
                    a = live.next().transpose()?;
                    Some(tf("doctor.key_extra", &[("key", &describe_key(&key))]))
                }
                (Some((ka, _)), None) => {
                    let key = ka.clone();
                    a = live.next().transpose()?;
                    Some(tf("doctor.key_extra", &[("key", &describe_key(&key))]))
                }
                (_, Some((kb, _))) => {
                    let key = kb.clone();
                    b = replayed.next().transpose()?;
                    Some(tf("doctor.key_missing", &[("key", &describe_key(&key))]))
                }
            };
            if let Some(d) = differ {
                count += 1;
                if differences.len() < SHOWN_DIFFERENCES {
                    differences.push(d);
                }
            }
        }
        if count == 0 {
            report.notes.push(tf("doctor.matches", &[("keys", &tree.len())]));
        } else {
            report.problems.push(tf("doctor.differs", &[("count", &count)]));
            report
                .problems
                .extend(differences.into_iter().map(|d| format!("  {d}")));
        }
        Ok(())
    }
}

impl Store {
    /// Copies every live body into the pack of the next generation and
    /// points sled at the copies in one batch; the old file goes after.
    /// Interrupted anywhere, the view still points into one whole file.
    pub(super) fn compact_bodies(&mut self, state: PackState) -> Result<(), StoreError> {
        /// Bodies copied per write.
        const CHUNK_BYTES: usize = 16 << 20;
        let dir = self.ws.view_dir();
        let next = state.generation + 1;
        let path = Pack::path_of(&dir, next);
        if path.exists() {
            // Left by a compaction that was cut short.
            fs::remove_file(&path).map_err(|source| StoreError::Workspace(WorkspaceError::Io { path, source }))?;
        }
        let new = Pack::open(&dir, next)?;
        let old = self.view.storage.pack.clone();
        let tree = self.view.storage.tree.clone();
        let mut batch = sled::Batch::default();
        let mut keys_waiting = Vec::new();
        let mut payloads = Vec::new();
        let mut bytes = 0usize;
        let mut copy = |keys_waiting: &mut Vec<sled::IVec>, payloads: &mut Vec<Vec<u8>>| -> Result<(), StoreError> {
            for (k, loc) in keys_waiting.drain(..).zip(new.append(payloads)?) {
                batch.insert(k, loc.to_bytes().to_vec());
            }
            payloads.clear();
            Ok(())
        };
        for entry in tree.scan_prefix([keys::BODY]) {
            let (k, v) = entry?;
            let loc = super::storage::loc_of(&k, &v)?;
            let payload = old.read(loc)?;
            bytes += payload.len();
            keys_waiting.push(k);
            payloads.push(payload);
            if bytes >= CHUNK_BYTES {
                copy(&mut keys_waiting, &mut payloads)?;
                bytes = 0;
            }
        }
        copy(&mut keys_waiting, &mut payloads)?;
        new.sync()?;
        let fresh = PackState {
            generation: next,
            len: new.size(),
            garbage: 0,
        };
        batch.insert(
            keys::META_PACK,
            codec::encode(&fresh).map_err(StoreError::codec("pack state"))?,
        );
        tree.apply_batch(batch)?;
        self.db.flush()?;
        self.view.storage.pack = Arc::new(new);
        self.view.storage.pack.remove_others()?;
        Ok(())
    }
}
