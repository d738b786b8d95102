//! Making changes: each becomes an op, framed and synced to the journal
//! (or the outbox while the workspace is away) before it is applied to the
//! view, in one batch.

use super::error::StoreError;
use super::op::{Edit, Op, Origin};
use super::records::FileCursor;
use super::txn::Txn;
use super::{Store, apply, held, keys, organizations, repair, view_files};
use crate::sync::Stamp;
use crate::sync::journal::{self, InPlace, JournalWriter};

impl Store {
    pub(super) fn commit_ops(&mut self, changes: Vec<(Vec<Edit>, Origin, Option<i64>)>) -> Result<Vec<Op>, StoreError> {
        self.commit_ops_with(changes, None)
    }

    /// `given_inverse`: the inverse of the first undoable change, when it
    /// is known already (see `commit_undo_point`).
    pub(super) fn commit_ops_with(
        &mut self,
        changes: Vec<(Vec<Edit>, Origin, Option<i64>)>,
        mut given_inverse: Option<Vec<Edit>>,
    ) -> Result<Vec<Op>, StoreError> {
        if !self.orgs_made {
            self.make_organizations()?;
        }
        let replica = self.ws.replica;
        let storage = self.view.storage.clone();
        let mut tx = Txn::new(&storage);
        // The organizations' names, as read for an earlier commit when no
        // organization changed since (an import links every contact's
        // company: reading them all again for each chunk grew with the
        // square of the file).
        let org_changes = storage.org_changes.load(std::sync::atomic::Ordering::Relaxed);
        let mut org_names = self
            .org_names
            .take()
            .filter(|(at, _)| *at == org_changes)
            .map(|(_, n)| n);
        let mut names_kept = true;
        let mut frames = Vec::new();
        let mut ops = Vec::with_capacity(changes.len());
        let mut seq = self.seq;
        let mut last_frame = (0u64, 0u32);
        for (mut edits, origin, at) in changes {
            // An organization added or changed by name here: its name is
            // read again next time.
            names_kept &= !edits
                .iter()
                .any(|e| matches!(e, Edit::AddOrganization { .. } | Edit::UpdateOrganization { .. }));
            if matches!(origin, Origin::Direct | Origin::Bulk) && organizations::types_a_company(&edits) {
                let now = at.unwrap_or_else(|| self.view.clock.now_ms());
                edits = organizations::link_companies(&tx, &mut org_names, edits, &self.author, now)?;
            }
            let inverse = match (origin, given_inverse.take()) {
                (Origin::Bulk, _) => Vec::new(),
                (_, Some(given)) => given,
                _ => apply::inverse(&mut tx, &edits)?,
            };
            seq += 1;
            let op = Op {
                stamp: Stamp::new(self.hlc.tick(at.unwrap_or_else(|| self.view.clock.now_ms())), replica),
                seq,
                author: self.author.clone(),
                origin,
                edits,
                inverse,
            };
            // Applied to the batch now, so later changes see earlier ones;
            // the batch reaches sled only after the journal is on disk.
            apply::apply_op(&mut tx, &op, replica)?;
            last_frame = self.journal_frame(&op, &mut frames)?;
            ops.push(op);
        }
        // Everything since the view was last flushed may have to be
        // replayed after a crash; a later op found in the journal is not
        // this install's (see `ingest`).
        self.ws
            .note_pending_write(self.flushed_seq + 1..=seq, !view_files::leaves_view_unsynced())?;
        let written = self.write_frames(&frames, ops.len())?;
        self.seq = seq;
        for op in &ops {
            self.own_held.insert(op.seq);
        }
        held::put(&mut tx, replica, &self.own_held)?;
        if let Some(position) = written {
            self.journal_end = position;
            let segment_name = journal::segment_file_name(position.segment);
            tx.put_encoded(
                keys::file_cursor(replica, &segment_name),
                &FileCursor {
                    offset: position.offset,
                    last_start: position.offset - last_frame.0,
                    last_crc: last_frame.1,
                },
            )?;
            if let Some(writer) = &self.journal {
                repair::note_segment(&mut tx, writer)?;
            }
        }
        tx.put(keys::META_CLOCK.to_vec(), self.hlc.last().to_be_bytes().to_vec());
        self.touched.extend(tx.commit()?);
        if names_kept {
            let at = storage.org_changes.load(std::sync::atomic::Ordering::Relaxed);
            self.org_names = org_names.map(|n| (at, n));
        }
        // The change is saved; a compaction step that fails now is tried
        // again with the next change or the next start.
        let _ = self.drain_a_step();
        Ok(ops)
    }

    /// Puts framed ops where they are safe before anyone is told: the
    /// journal, or, while the workspace folder is away, the outbox in the
    /// local state. Returns the journal position after them, if written
    /// there. A journal that lost something since it was last written (a
    /// file put back to an older version, a folder deleted) is mended
    /// first, so what follows never leaves a hole behind it.
    pub(super) fn write_frames(
        &mut self,
        frames: &[u8],
        frame_count: usize,
    ) -> Result<Option<journal::Position>, StoreError> {
        if !self.workspace_present() {
            self.journal = None;
            self.outbox.append(frames, frame_count)?;
            return Ok(None);
        }
        let moved = match &self.journal {
            Some(writer) => writer.in_place() != InPlace::Yes,
            None => self.own_segments_changed()?,
        };
        if moved || self.outbox.has_changes() {
            self.journal = None;
            let restored = self.restore_journal()?;
            if restored.is_some() {
                self.news.restored = restored;
            }
        }
        let position = self.journal_writer()?.append(frames)?;
        Ok(Some(position))
    }

    pub(super) fn journal_writer(&mut self) -> Result<&mut JournalWriter, StoreError> {
        let writer = match self.journal.take() {
            Some(w) => w,
            None => {
                let dir = journal::replica_dir(&self.ws.root, self.ws.replica);
                let end = self.journal_end;
                JournalWriter::open(&dir, self.ws.replica, end.segment.max(1), end.offset)?
            }
        };
        Ok(self.journal.insert(writer))
    }
}
