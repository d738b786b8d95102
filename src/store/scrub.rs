//! Erasing forgotten people from the files that still hold them, once the
//! view has forgotten them (see `forget`): this replica's own journal
//! segments, its snapshots, the copies kept in the local state, and the
//! view's own files (sled and the pack keep deleted bytes until they
//! compact).
//!
//! A replica only ever writes its own folder of the workspace, so each
//! replica scrubs its own files: the one that forgets at the end of
//! `forget`, each teammate when the forget has reached it and it runs
//! `guanxi sync` or `guanxi snapshot` (see `needed`).
//!
//! Segments are rewritten by a transform over each op ([`rewrite_segment`]),
//! kept generic so other rewrites (re-sealing after a key change) reuse it:
//! an op keeps its stamp and number, so counts, `seen.toml` and teammates'
//! places stay right; a teammate's file cursor into a rewritten segment no
//! longer finds its frame (`journal::frame_still_at`) and reads the file
//! again from the start, where every op it holds is one it has (held seqs).

use std::fs;
use std::path::{Path, PathBuf};

use super::error::{StoreError, io_at as io};
use super::forget::edit_names;
use super::op::{Edit, Op};
use super::{Store, codec, journal_frame, keys};
use crate::encryption::{Keys, Kind};
use crate::sync::frame;
use crate::sync::journal::{self, SEGMENT_HEADER};

/// What one rewrite of a segment did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rewritten {
    /// Whole frames (ops) in the file, before and after.
    pub ops: usize,
    /// Ops the transform changed.
    pub changed: usize,
    /// Whether the file was written again (something changed, or bytes
    /// that are no whole frame were left out).
    pub written: bool,
}

/// Rewrites the journal segment at `path` with `transform` applied to
/// each op: the new file is written under a temporary name beside it,
/// fsynced and renamed over the old one. An op that fails to decode, and
/// bytes that are no whole frame (damage, a torn tail), are left out: a
/// rewrite is only run on a replica's own segments, whose ops the view
/// holds, and damage may hold anything. Nothing is written when nothing
/// changes.
pub fn rewrite_segment(path: &Path, keys: &Keys, transform: &mut dyn FnMut(Op) -> Op) -> Result<Rewritten, StoreError> {
    rewrite_segment_with(path, keys, transform, false)
}

/// [`rewrite_segment`], writing the file again even when no op changes
/// when `always` (to seal it with a newer key).
fn rewrite_segment_with(
    path: &Path,
    keys: &Keys,
    transform: &mut dyn FnMut(Op) -> Op,
    always: bool,
) -> Result<Rewritten, StoreError> {
    let frames = journal::read_segment(path, 0, keys)?;
    // The segment's header (replica and number) is kept as it is.
    let mut header = vec![0u8; SEGMENT_HEADER as usize];
    let read = fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header));
    if read.is_err() {
        return Ok(Rewritten::default());
    }
    let mut out = header;
    let mut done = Rewritten {
        written: always || !frames.damaged.is_empty() || frames.scan.end != frames.scan.len,
        ..Rewritten::default()
    };
    for (payload, _) in frames.iter() {
        let Ok(op) = codec::decode::<Op>(payload) else {
            done.written = true;
            continue;
        };
        let before = op.clone();
        let after = transform(op);
        done.ops += 1;
        if after != before {
            done.changed += 1;
            done.written = true;
        }
        // Framed (and sealed, with the newest key) anew either way: the
        // payload read is the opened one, never to be written as it is.
        journal_frame(keys, &after, &mut out)?;
    }
    if done.written {
        replace_file(path, &out)?;
    }
    Ok(done)
}

/// Rewrites a file of frames with no header (the outbox, salvaged
/// tails) the same way; a file left with no whole frame is removed.
fn rewrite_frames_file(path: &Path, keys: &Keys, transform: &mut dyn FnMut(Op) -> Op) -> Result<(), StoreError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(path)(e)),
    };
    let mut out = Vec::new();
    let mut pos = 0;
    let mut changed = false;
    while let frame::Read::Frame { payload, next } = frame::read(&bytes, pos) {
        // A frame sealed with a key this replica lacks is kept as it is:
        // it cannot be read, so it cannot be judged.
        let Ok(opened) = keys.open(Kind::Journal, payload) else {
            frame::encode(payload, &mut out);
            pos = next;
            continue;
        };
        match codec::decode::<Op>(&opened) {
            Ok(op) => {
                let before = op.clone();
                let after = transform(op);
                changed |= after != before;
                journal_frame(keys, &after, &mut out)?;
            }
            Err(_) => changed = true,
        }
        pos = next;
    }
    if out.is_empty() {
        return fs::remove_file(path).map_err(io(path));
    }
    if changed || pos != bytes.len() {
        replace_file(path, &out)?;
    }
    Ok(())
}

/// Writes `bytes` under a temporary name beside `path`, syncs it and
/// renames it over `path`, then syncs the folder.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.rewrite"));
    let mut file = crate::workspace::private::options()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&temp)
        .map_err(io(&temp))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io(&temp))?;
    drop(file);
    fs::rename(&temp, path).map_err(io(path))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The op with no way back if one edit that takes it back names
/// something forgotten, and, of its own edits, those naming it cut down to the ids it
/// names ([`stripped`]) or left out; an op left with nothing of its own
/// keeps only its stamp, number and origin (a tombstone: no text, not
/// even its author). The origin stays so a replay keeps the undo and redo
/// stacks as the view that saw the op did: a change ends the redo chain,
/// an undo takes its entry off the undo stack.
pub fn tombstone(mut op: Op, forgotten: &dyn Fn(u8, u64) -> bool) -> Op {
    let before = op.clone();
    op.edits = std::mem::take(&mut op.edits)
        .into_iter()
        .filter_map(|e| {
            if edit_names(&e, forgotten) {
                stripped(&e)
            } else {
                Some(e)
            }
        })
        .collect();
    // An undo entry that named the person was purged whole (see
    // `forget`): so is the inverse, or a replay would bring part of it back.
    if op.inverse.iter().any(|e| edit_names(e, forgotten)) {
        op.inverse.clear();
    }
    if op != before && op.edits.iter().all(|e| edit_names(e, forgotten)) {
        op.author = String::new();
        op.inverse.clear();
    }
    op
}

/// What is kept of an edit about something forgotten: for an
/// interaction, follow-up or deal, its id and where it lives (the
/// customer it names), no field of text; nothing for any other edit.
/// A view made again from the journals then still drops, and remembers
/// as forgotten, what a view that saw the whole edit forgot with the
/// person (see `forget`).
fn stripped(edit: &Edit) -> Option<Edit> {
    use crate::domain::{DealField, FollowUpField, InteractionField};
    fn only<F: Clone>(fields: &[F], keep: fn(&F) -> bool) -> Vec<F> {
        fields.iter().filter(|f| keep(f)).cloned().collect()
    }
    let interaction = |f: &InteractionField| matches!(f, InteractionField::Customer(_));
    let follow_up = |f: &FollowUpField| matches!(f, FollowUpField::Customer(_));
    let deal = |f: &DealField| matches!(f, DealField::Customer(_));
    Some(match edit {
        Edit::LogInteraction { id, fields } => Edit::LogInteraction {
            id: *id,
            fields: only(fields, interaction),
        },
        Edit::UpdateInteraction { id, home, fields } => Edit::UpdateInteraction {
            id: *id,
            home: *home,
            fields: only(fields, interaction),
        },
        Edit::AddFollowUp { id, fields } => Edit::AddFollowUp {
            id: *id,
            fields: only(fields, follow_up),
        },
        Edit::UpdateFollowUp { id, home, fields } => Edit::UpdateFollowUp {
            id: *id,
            home: *home,
            fields: only(fields, follow_up),
        },
        Edit::AddDeal { id, fields } => Edit::AddDeal {
            id: *id,
            fields: only(fields, deal),
        },
        Edit::UpdateDeal { id, fields } => Edit::UpdateDeal {
            id: *id,
            fields: only(fields, deal),
        },
        _ => return None,
    })
}

/// What a scrub did, for the user to hear about.
#[derive(Debug, Clone, Default)]
pub struct Scrubbed {
    /// Ops of this replica's journal turned into tombstones (or cut down).
    pub ops: usize,
    pub segments: usize,
    /// The snapshot written in place of this replica's older ones.
    pub snapshot: Option<PathBuf>,
}

impl Store {
    /// The forgotten ids the view holds, by kind.
    fn forgotten_ids(&self) -> Result<std::collections::HashSet<(u8, u64)>, StoreError> {
        let mut out = std::collections::HashSet::new();
        for entry in self.view.storage.tree.scan_prefix([keys::FORGOTTEN]) {
            let (k, _) = entry?;
            if let (Some(kind), Some(id)) = (k.get(1), k.get(2..10)) {
                let id = u64::from_be_bytes(id.try_into().unwrap_or([0; 8]));
                out.insert((*kind, id));
            }
        }
        Ok(out)
    }

    fn forgotten_customers(&self) -> Result<u64, StoreError> {
        Ok(self
            .view
            .storage
            .tree
            .scan_prefix([keys::FORGOTTEN, keys::FORGOTTEN_CUSTOMER])
            .count() as u64)
    }

    /// Whether a forget reached this view since its files were last
    /// scrubbed (see `scrub_forgotten`).
    pub fn scrub_needed(&self) -> Result<bool, StoreError> {
        let scrubbed = self
            .view
            .storage
            .tree
            .get(keys::META_SCRUBBED)?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0);
        Ok(self.forgotten_customers()? > scrubbed)
    }

    /// Erases what the view forgot from this replica's own files: each op
    /// of its journal that names it becomes a tombstone, its snapshots
    /// are replaced by a fresh one, the outbox and salvaged tails are
    /// rewritten, kept import progress and old copies of the view are
    /// removed. The view's own files are made again by [`Store::scrub_view`].
    pub fn scrub_forgotten(&mut self) -> Result<Scrubbed, StoreError> {
        let ids = self.forgotten_ids()?;
        let seal = self.keys().clone();
        let forgotten = |kind: u8, id: u64| ids.contains(&(kind, id));
        let mut transform = |op: Op| tombstone(op, &forgotten);
        let mut done = Scrubbed::default();
        // The writer lets go of its segment, which is then rewritten; the
        // next write opens it again at its new end.
        self.journal = None;
        if self.workspace_present() {
            let dir = journal::replica_dir(&self.ws.root, self.ws.replica);
            let numbers = journal::segments(&dir)?;
            for n in &numbers {
                let path = journal::segment_path(&dir, *n);
                let r = rewrite_segment(&path, &seal, &mut transform)?;
                if r.written {
                    done.segments += 1;
                }
                done.ops += r.changed;
            }
            self.after_rewrite(numbers.last().copied())?;
            let had_snapshot = crate::sync::snapshot::list(&self.ws.root)?
                .iter()
                .any(|s| s.writer == self.ws.replica);
            if had_snapshot {
                let path = self.write_snapshot()?;
                crate::sync::snapshot::prune(&self.ws.root, self.ws.replica, 1)?;
                done.snapshot = Some(path);
            }
        }
        rewrite_frames_file(&self.ws.state_dir.join("outbox"), &seal, &mut transform)?;
        self.outbox = super::outbox::Outbox::open(&self.ws.state_dir, seal.clone())?;
        let salvage = self.ws.salvage_dir();
        if let Ok(entries) = fs::read_dir(&salvage) {
            for entry in entries.flatten() {
                rewrite_frames_file(&entry.path(), &seal, &mut transform)?;
            }
        }
        // Kept copies that may hold the person: an import's progress and
        // undo (small, rebuildable: the import starts over), the views
        // set aside by a rebuild or for a bug report.
        for name in ["imports", "view.damaged", "doctor-replay"] {
            let path = self.ws.state_dir.join(name);
            if path.exists() {
                fs::remove_dir_all(&path).map_err(io(&path))?;
            }
        }
        Ok(done)
    }

    /// Seals this replica's own segments again with the newest team key
    /// (`team remove-key` made one): what they held under the old key is
    /// then readable only by the teammates still in the team. Returns how
    /// many segments were written again.
    pub fn reseal_segments(&mut self) -> Result<usize, StoreError> {
        let stale = self.needs_reseal()?;
        if stale.is_empty() {
            return Ok(0);
        }
        let seal = self.keys().clone();
        // As for a scrub: the writer lets go of its segment first.
        self.journal = None;
        for path in &stale {
            rewrite_segment_with(path, &seal, &mut |op| op, true)?;
        }
        let dir = journal::replica_dir(&self.ws.root, self.ws.replica);
        self.after_rewrite(journal::segments(&dir)?.last().copied())?;
        Ok(stale.len())
    }

    /// After this replica's segments were rewritten: the next write goes
    /// on at the end of the last one, and the segments are recorded as
    /// they are now, so the next write does not take them for files a
    /// sync client put back.
    fn after_rewrite(&mut self, last: Option<u32>) -> Result<(), StoreError> {
        if let Some(last) = last {
            let dir = journal::replica_dir(&self.ws.root, self.ws.replica);
            let path = journal::segment_path(&dir, last);
            let len = fs::metadata(&path).map_err(io(&path))?.len();
            self.journal_end = journal::Position {
                segment: last,
                offset: len,
            };
        }
        let storage = self.view.storage.clone();
        let mut tx = super::txn::Txn::new(&storage);
        self.record_own_segments(&mut tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Makes the view's files again holding only what is live, so no
    /// deleted byte of a forgotten person is left in them: the pack is
    /// compacted into a new file, and sled's entries are copied into a
    /// fresh database that takes the old one's place. Consumes the store
    /// (sled's files are replaced) and opens the view again.
    pub fn scrub_view(mut self, options: super::OpenOptions) -> Result<Store, StoreError> {
        self.compact()?;
        // Done only once the journal could be rewritten too: with the
        // workspace folder away, the next scrub does it all again.
        if self.workspace_present() {
            let count = self.forgotten_customers()?;
            self.view
                .storage
                .tree
                .insert(keys::META_SCRUBBED, count.to_be_bytes().to_vec())?;
        }
        self.flush()?;
        let view = self.ws.view_dir();
        let fresh = self.ws.state_dir.join("view.fresh");
        if fresh.exists() {
            fs::remove_dir_all(&fresh).map_err(io(&fresh))?;
        }
        super::view_files::copy_sled(&self.db, &fresh)?;
        let pack_files: Vec<PathBuf> = fs::read_dir(&view)
            .map_err(io(&view))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "pack"))
            .collect();
        // sled is closed fully here: its files are about to go.
        self.quick_close = false;
        drop(self);
        for p in pack_files {
            if let Some(name) = p.file_name() {
                fs::rename(&p, fresh.join(name)).map_err(io(&p))?;
            }
        }
        let old = view.with_extension("scrubbed");
        if old.exists() {
            fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        fs::rename(&view, &old).map_err(io(&view))?;
        fs::rename(&fresh, &view).map_err(io(&fresh))?;
        fs::remove_dir_all(&old).map_err(io(&old))?;
        Store::open(options)
    }
}
