//! Rebuilding the view from the journals, and checking the two against
//! each other.

use std::fs;

use super::codec;
use super::error::{StoreError, io_at as io};
use super::ingest::ingest_replica;
use super::keys::{self, describe_key};
use super::op::{Op, OpHead};
use super::storage::Storage;
use super::txn::Txn;
use super::{OpenOptions, Store, TREE};
use crate::i18n::{t, tf, tn};
use crate::sync::Hlc;
use crate::sync::journal::{self, Tail};
use crate::sync::sources::sources;
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

thread_local! {
    /// Set while this thread runs something whose panic is caught and
    /// expected (`quietly`).
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, catching a panic without printing it. The panic hook is
/// process-wide, so swapping it for a silent one would also silence, for
/// that moment, a panic on any other thread (a test's failing assertion,
/// the UI's own): instead a filter is put in front of whatever hook there
/// is, once, and it stays quiet only on a thread inside `quietly`.
fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    static FILTER: std::sync::Once = std::sync::Once::new();
    FILTER.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET_PANICS.with(|quiet| quiet.set(true));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET_PANICS.with(|quiet| quiet.set(false));
    outcome
}

/// Where a rebuild keeps the view it replaces until the new one is whole.
pub(super) fn old_view_dir(ws: &Workspace) -> std::path::PathBuf {
    ws.state_dir.join("view.old")
}

/// A rebuild that was cut short (killed, or the machine went down) left
/// the view it was replacing in `view.old` and a partial view in `view`:
/// the old one is put back, so nothing (undo history, this replica's id)
/// depends on how far the rebuild got.
pub(super) fn undo_unfinished_rebuild(ws: &Workspace) -> Result<(), StoreError> {
    let old = old_view_dir(ws);
    if !old.exists() {
        return Ok(());
    }
    let view = ws.view_dir();
    if view.exists() {
        fs::remove_dir_all(&view).map_err(io(&view))?;
    }
    fs::rename(&old, &view).map_err(io(&old))
}

impl Store {
    /// Throws the view away and rebuilds it from every journal in the
    /// workspace. The old view first mends this replica's journal (it may
    /// hold changes the journal lost), and is kept aside until the new one
    /// is complete.
    pub fn rebuild(options: OpenOptions) -> Result<Store, StoreError> {
        let restored = Store::mend_from_old_view(&options);
        let mut store = Store::rebuild_view(options, false)?;
        store.recovery.restored = restored;
        store.settle_unsynced_mark()?;
        Ok(store)
    }

    /// Lets the view about to be thrown away mend this replica's journal
    /// first, since it may hold changes the journal lost (a sync client or
    /// a restore put an older journal back); returns what it wrote again.
    /// A view that cannot open, or fails as it mends, cannot help, and the
    /// rebuild goes on without it. One that an earlier boot left unsynced
    /// is tried too: a clean shutdown wrote it out whole, and one torn by
    /// a power cut almost always fails sled's checks; sled may also panic
    /// on a file torn where it does not check, which is caught here
    /// (`quietly`), so the rebuild still runs.
    ///
    /// Every op of this replica in its journal counts as this install's, as
    /// in the rebuild that follows: after a power cut the pending-write note
    /// may be older than the journal, and ops past it would otherwise be
    /// taken for another install's, and this one given a new replica id.
    pub(super) fn mend_from_old_view(options: &OpenOptions) -> Option<super::ingest::Restored> {
        let ws = Workspace::open(&options.workspace, &options.state_root).ok()?;
        undo_unfinished_rebuild(&ws).ok()?;
        let open = || {
            Store::open_in(ws, options.author.clone(), options.clock, options.rules.clone(), true)
                .ok()
                .and_then(|store| store.recovery.restored.clone())
        };
        quietly(open).ok().flatten()
    }

    /// Makes the view again from the journals. A `damaged` view is moved
    /// aside to `view.damaged` (the last one is kept, for a bug report)
    /// rather than trusted for anything.
    pub(super) fn rebuild_view(options: OpenOptions, damaged: bool) -> Result<Store, StoreError> {
        let ws = Workspace::open(&options.workspace, &options.state_root)?;
        undo_unfinished_rebuild(&ws)?;
        let view = ws.view_dir();
        let aside = if damaged {
            ws.state_dir.join("view.damaged")
        } else {
            old_view_dir(&ws)
        };
        if aside.exists() {
            fs::remove_dir_all(&aside).map_err(io(&aside))?;
        }
        if view.exists() {
            fs::rename(&view, &aside).map_err(io(&view))?;
        }
        let old = old_view_dir(&ws);
        let mut store = Store::open_in(ws, options.author, options.clock, options.rules, true)?;
        store.flush()?;
        if old.exists() {
            fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        Ok(store)
    }

    /// After a view was loaded from a snapshot (which carries no undo
    /// history), re-reads this replica's last ops so undo still reaches
    /// back as far as it did. Applying an op again changes nothing else.
    pub(super) fn replay_undo_window(&mut self) -> Result<(), StoreError> {
        let replica = self.ws.replica;
        let held = super::held::read(&self.view.storage.tree, replica)?;
        if held.prefix == 0 {
            return Ok(());
        }
        let from = held.prefix.saturating_sub(super::apply::UNDO_DEPTH) + 1;
        let mut ops: Vec<Op> = Vec::new();
        for src in sources(&journal::replica_dir(&self.ws.root, replica), replica)? {
            for (payload, _) in journal::read_segment(&src.path, 0, &self.keys)?.iter() {
                let Ok(head) = codec::decode_head::<OpHead>(payload) else {
                    continue;
                };
                if head.stamp.replica() == replica
                    && (from..=held.prefix).contains(&head.seq)
                    && let Ok(op) = codec::decode::<Op>(payload)
                {
                    ops.push(op);
                }
            }
        }
        ops.sort_by_key(|op| op.seq);
        ops.dedup_by_key(|op| op.seq);
        let storage = self.view.storage.clone();
        let mut tx = Txn::new(&storage);
        for op in &ops {
            super::apply::apply_op(&mut tx, op, replica)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Checks every journal frame, the order of every replica's changes,
    /// and that the view holds exactly what replaying the journals gives.
    pub fn doctor(&self) -> Result<DoctorReport, StoreError> {
        let mut report = DoctorReport::default();
        let recovery = &self.recovery;
        if recovery.replayed > 0 {
            report.notes.push(tn("doctor.replayed", recovery.replayed, &[]));
        }
        for s in &recovery.salvaged {
            report.notes.push(tn(
                "doctor.salvaged",
                s.bytes,
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
        if let Some(r) = &recovery.restored {
            report.notes.push(tn(
                "doctor.restored",
                r.kept + r.remade,
                &[
                    ("seqs", &super::describe_runs(&r.seqs)),
                    ("segment", &r.segment.display()),
                ],
            ));
        }
        if recovery.rebuilt_view {
            report.notes.push(match &recovery.rebuilt_because {
                _ if recovery.rebuilt_after_restart => crate::i18n::t("doctor.rebuilt_after_restart").to_string(),
                Some(why) => tf("doctor.rebuilt_damaged_view", &[("why", why)]),
                None => crate::i18n::t("doctor.rebuilt_view").to_string(),
            });
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
        let files = sources(&dir, replica)?;
        let last_segment = files.iter().filter_map(|f| f.segment).max();
        // (seq, clock) of every intact op, in every file.
        let mut present: Vec<(u64, u64)> = Vec::new();
        let mut damaged_parts = 0usize;
        let mut first_segment = None;
        for src in &files {
            let path = &src.path;
            if let Some(segment) = src.segment {
                first_segment = Some(first_segment.map_or(segment, |f: u32| f.min(segment)));
                let header = fs::read(path).ok().and_then(|bytes| journal::parse_header(&bytes));
                match header {
                    Some((r, n)) if r == replica && n == segment => {}
                    Some((r, n)) => report.problems.push(tf(
                        "doctor.bad_header",
                        &[("path", &path.display()), ("replica", &r), ("segment", &n)],
                    )),
                    None => {}
                }
            }
            let frames = journal::read_segment(path, 0, &self.keys)?;
            for d in &frames.damaged {
                damaged_parts += 1;
                report.notes.push(tn(
                    "doctor.damaged_frame",
                    d.bytes(),
                    &[("path", &path.display()), ("at", &d.start), ("bytes", &d.bytes())],
                ));
            }
            for f in frames.frames() {
                match codec::decode_head::<OpHead>(f.payload) {
                    Ok(head) if head.stamp.replica() == replica => present.push((head.seq, head.stamp.clock)),
                    Ok(head) => {
                        damaged_parts += 1;
                        report.problems.push(tf(
                            "doctor.foreign_frame",
                            &[
                                ("path", &path.display()),
                                ("at", &f.start),
                                ("replica", &head.stamp.replica()),
                            ],
                        ));
                    }
                    Err(e) => {
                        damaged_parts += 1;
                        report.notes.push(tf(
                            "doctor.undecodable",
                            &[("path", &path.display()), ("at", &f.start), ("error", &e)],
                        ));
                    }
                }
            }
            let last = src.segment.is_some() && src.segment == last_segment;
            match frames.scan.tail {
                Tail::Clean => {}
                // Made, and killed before its first change: holds nothing.
                _ if frames.scan.len == 0 => {}
                // A teammate's file may still be arriving, written in place.
                _ if last && !own => report.notes.push(tf(
                    "doctor.arriving",
                    &[
                        ("path", &path.display()),
                        ("read", &frames.scan.end),
                        ("len", &frames.scan.len),
                    ],
                )),
                _ => {
                    damaged_parts += 1;
                    report.notes.push(tn(
                        "doctor.unfinished_tail",
                        frames.scan.len - frames.scan.end,
                        &[
                            ("path", &path.display()),
                            ("at", &frames.scan.end),
                            ("bytes", &(frames.scan.len - frames.scan.end)),
                        ],
                    ));
                }
            }
        }
        present.sort_unstable();
        present.dedup();
        for pair in present.windows(2) {
            if pair[0].0 == pair[1].0 {
                report
                    .problems
                    .push(tf("doctor.two_writers", &[("who", &who), ("seq", &pair[0].0)]));
            }
        }
        present.dedup_by_key(|p| p.0);
        // Older segments may have been removed after a snapshot.
        let start = match (first_segment, present.first()) {
            (Some(n), Some(&(seq, _))) if n > 1 => {
                report
                    .notes
                    .push(tf("doctor.starts_at", &[("who", &who), ("seq", &seq)]));
                seq
            }
            _ => 1,
        };
        let mut missing = super::held::Held::default();
        let mut expected = start;
        for &(seq, _) in present.iter().filter(|p| p.0 >= start) {
            if seq > expected {
                for m in expected..seq {
                    missing.insert(m);
                }
            }
            expected = seq + 1;
        }
        let missing = missing.runs_from(1);
        if !missing.is_empty() {
            report.problems.push(tf(
                if own { "doctor.own_missing" } else { "doctor.missing" },
                &[("who", &who), ("seqs", &super::describe_runs(&missing))],
            ));
        }
        let held = super::held::read(&self.storage.tree, replica)?;
        let lacking = present.iter().filter(|p| p.0 >= start && !held.contains(p.0)).count();
        if lacking > 0 {
            report.problems.push(tn(
                "doctor.behind",
                present.len(),
                &[("who", &who), ("lacking", &lacking), ("journaled", &present.len())],
            ));
        }
        report.notes.push(if damaged_parts == 0 {
            tf(
                "doctor.journal_ok",
                &[
                    ("who", &who),
                    ("files", &tn("doctor.files", files.len(), &[])),
                    ("changes", &tn("doctor.changes", present.len(), &[])),
                ],
            )
        } else {
            tf(
                "doctor.journal_damaged",
                &[
                    ("who", &who),
                    ("files", &tn("doctor.files", files.len(), &[])),
                    ("changes", &tn("doctor.changes", present.len(), &[])),
                    ("damaged", &tn("doctor.damaged_parts", damaged_parts, &[])),
                ],
            )
        });
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
            // The replay is compared without its indexes (the live view's
            // are checked against its own records): none are made.
            deferred: std::sync::Arc::new(super::index::Deferral::FromRecords.into()),
            written: Default::default(),
            org_changes: Default::default(),
            live_changes: Default::default(),
            forgets: Default::default(),
            held: Default::default(),
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
        let undo_mended = tree.get(keys::META_UNDO_MENDED)?.is_some();
        if undo_mended {
            report.notes.push(t("doctor.undo_mended").to_string());
        }
        if let Some(s) = &origin {
            super::snapshot::load(&fresh, s, &self.keys)?;
            report
                .notes
                .push(tf("doctor.from_snapshot", &[("path", &s.path.display())]));
        } else if started_from_snapshot {
            report.notes.push(t("doctor.snapshot_gone").to_string());
        }
        for replica in journal::replicas(&self.ws.root)? {
            ingest_replica(
                &fresh,
                super::ingest::Journals {
                    root: &self.ws.root,
                    keys: &self.keys,
                },
                replica,
                self.ws.replica,
                1..=u64::MAX,
                &mut hlc,
                now,
            )?;
        }
        let mut differences = Vec::new();
        let mut count = 0usize;
        // Local bookkeeping that replaying need not reproduce (read
        // positions depend on when a file was read: before damage or after,
        // while it was still arriving); bodies are compared by content,
        // wherever each pack keeps them.
        let local_only = |k: &[u8]| {
            k == keys::META_CLOCK
                || k.starts_with(keys::file_cursor_prefix())
                || k.starts_with(keys::own_segment_prefix())
                || k == keys::META_SNAPSHOT
                || k == keys::META_PACK
                || k == keys::META_PACK_LAYOUT
                || k == keys::META_UNDO_MENDED
                || k == keys::META_ORGS_MADE
                || k == keys::META_INDEXED
                || k == keys::META_SCRUBBED
                || k == keys::META_TIDY
                // Derived: index groups hold their entries in the order
                // they were added, compared by what they hold below; deal
                // links are checked against the deals there too.
                || keys::is_derived(k)
                || ((started_from_snapshot || undo_mended)
                    && matches!(k.first(), Some(&keys::UNDO) | Some(&keys::REDO)))
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
        let index = self.index_mismatches()?;
        if index > 0 {
            report.problems.push(tn("doctor.index_differs", index, &[]));
        }
        if count == 0 {
            report
                .notes
                .push(tn("doctor.matches", tree.len(), &[("keys", &tree.len())]));
        } else {
            report.problems.push(tn("doctor.differs", count, &[]));
            report
                .problems
                .extend(differences.into_iter().map(|d| format!("  {d}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_panic_is_caught_and_the_thread_goes_on() {
        assert!(quietly(|| panic!("sled met a torn page")).is_err());
        assert_eq!(quietly(|| 7).ok(), Some(7));
        // The thread is loud again: a panic after it still reaches the hook.
        assert!(!QUIET_PANICS.with(std::cell::Cell::get));
    }
}
