//! `log <id>` written to the journal ahead of the view.
//!
//! Logging a call is the command a salesperson runs most, and it changes
//! nothing a command needs the view for but the customer's existence. Its
//! record is the journal; the view is only a cache that the next process
//! to open it brings up to date, as it does after a crash. So when the
//! last process to close the view left its note (`closing_note`), a log to
//! a customer the live-ids table holds is framed, appended to this
//! replica's journal and synced, the one write that must reach the disk,
//! without opening sled, which alone costs four times that write.
//!
//! The op is the one the long way makes: the same edit, undo, clock and
//! numbering. The pending-write note says it is this install's, so the next
//! open replays it into the view as its own (undo then takes it back); the
//! closing note is written again with the journal's new end, vouching for
//! the segment the append changed.
//!
//! Anything not exactly as the note says (no note, another process holding
//! the workspace, a view to make again, changes waiting in the outbox, a
//! segment changed since, a locked workspace) and nothing is written: the
//! caller opens the view and logs the long way, which also says why.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::closing_note::{self, ClosingNote};
use super::error::{self, StoreError};
use super::live_ids::LiveIds;
use super::op::{Edit, Op, Origin};
use super::repair::SegmentStat;
use super::txn::Txn;
use super::{OpenOptions, Store, actions, apply, held, maintenance, outbox, unsynced_mark, view_files};
use crate::domain::draft::InteractionValues;
use crate::domain::{CustomerId, InteractionId};
use crate::encryption::Keys;
use crate::sync::journal::{self, JournalWriter};
use crate::sync::{Hlc, Stamp};
use crate::workspace::Workspace;

/// The local copy of what was written ahead of the view.
const AHEAD: &str = "ahead";

/// Logs `values` with `customer` ahead of the view, when that is safe;
/// None when the view must be opened to log it (nothing is written then).
/// The workspace must exist (a missing one would be made here).
pub fn log_ahead(
    options: &OpenOptions,
    customer: CustomerId,
    values: InteractionValues,
) -> Result<Option<InteractionId>, StoreError> {
    if !view_files::leaves_view_unsynced() {
        return Ok(None);
    }
    // Held by the UI or another command: the long way waits or borrows.
    let Ok(ws) = Workspace::open(&options.workspace, &options.state_root) else {
        return Ok(None);
    };
    let Some(mut ahead) = Ahead::check(&ws, customer)? else {
        return Ok(None);
    };
    let now = options.clock.now_ms();
    let mut hlc = Hlc::starting_after(ahead.note.clock);
    let id = InteractionId(super::new_id(&mut hlc, now, ws.replica));
    let edit = actions::log_edit(id, customer, values, &options.author);
    let inverse = match &edit {
        Edit::LogInteraction { id, fields } => vec![apply::undo_log(*id, fields)],
        _ => Vec::new(),
    };
    let op = Op {
        stamp: Stamp::new(hlc.tick(now), ws.replica),
        seq: ahead.note.journal_seq + 1,
        author: options.author.clone(),
        origin: Origin::Direct,
        edits: vec![edit],
        inverse,
    };
    if !ahead.append(&ws, &op)? {
        return Ok(None);
    }
    ahead.note.journal_seq = op.seq;
    ahead.note.clock = hlc.last();
    // A note not written again no longer matches the segment: the next
    // log opens the view, which reads the segment through. Nothing lost.
    let _ = ahead.note.write(&ws.view_dir());
    Ok(Some(id))
}

/// What was checked, ready to append.
struct Ahead {
    note: ClosingNote,
    keys: Keys,
    segment: u32,
    end: u64,
    /// What the unsynced-view mark said when checked.
    mark: unsynced_mark::Left,
}

impl Ahead {
    /// Everything the append relies on, or None.
    fn check(ws: &Workspace, customer: CustomerId) -> Result<Option<Ahead>, StoreError> {
        let mark = unsynced_mark::read(&ws.state_dir)?;
        if maintenance::old_view_dir(ws).exists()
            || mark == unsynced_mark::Left::EarlierBoot
            || std::fs::metadata(ws.state_dir.join("outbox")).is_ok_and(|m| m.len() > 0)
        {
            return Ok(None);
        }
        let view_dir = ws.view_dir();
        let Some(note) = closing_note::read(&view_dir).filter(|n| n.replica == ws.replica) else {
            return Ok(None);
        };
        if LiveIds::open(&view_dir, false).and_then(|t| t.holds(customer)) != Some(true) {
            return Ok(None);
        }
        if note.teammates != closing_note::teammates_as_they_stand(&ws.root, ws.replica) {
            return Ok(None);
        }
        let Some((segment, left)) = note.last_segment() else {
            return Ok(None);
        };
        let dir = journal::replica_dir(&ws.root, ws.replica);
        let now = std::fs::metadata(journal::segment_path(&dir, segment)).map(|m| SegmentStat::of(&m));
        if now.ok() != Some(left) || journal::segment_path(&dir, segment + 1).exists() {
            return Ok(None);
        }
        let Ok(keys) = Keys::for_workspace(&ws.root, &ws.state_dir) else {
            return Ok(None);
        };
        Ok(Some(Ahead {
            note,
            keys,
            segment,
            end: left.parts().0,
            mark,
        }))
    }

    /// Frames `op` and appends it, the pending-write note first; false
    /// when nothing could be written (the long way then says why).
    fn append(&mut self, ws: &Workspace, op: &Op) -> Result<bool, StoreError> {
        if self.mark == unsynced_mark::Left::Synced
            && let Some(boot) = unsynced_mark::this_boot()
        {
            unsynced_mark::set(&ws.state_dir, boot)?;
        }
        let mut frames = Vec::new();
        super::journal_frame(&self.keys, op, &mut frames)?;
        if ws.note_pending_write(self.note.view_seq + 1..=op.seq, false).is_err() {
            return Ok(false);
        }
        let dir = journal::replica_dir(&ws.root, ws.replica);
        let Ok(mut writer) = JournalWriter::open(&dir, ws.replica, self.segment, self.end) else {
            return Ok(false);
        };
        // A failed append leaves the segment as it was.
        let Ok(position) = writer.append(&frames) else {
            return Ok(false);
        };
        if let Ok(meta) = writer.metadata() {
            self.note.set_segment(position.segment, SegmentStat::of(&meta));
        }
        // A copy in local state, until the view holds it: a journal put
        // back by a sync client before the next open would lose it
        // otherwise, as the view cannot write again what it never held.
        // Not synced: a restart makes the view again from the journal.
        let copy = ahead_path(&ws.state_dir);
        let _ = crate::workspace::private::options()
            .create(true)
            .append(true)
            .open(&copy)
            .and_then(|mut f| f.write_all(&frames));
        Ok(true)
    }
}

fn ahead_path(state_dir: &Path) -> PathBuf {
    state_dir.join(AHEAD)
}

impl Store {
    /// At open, once this replica's journal is read: the ops a `log` wrote
    /// ahead of the view (the closing note says which) that the journal no
    /// longer has (a sync client or a backup put an older one back) are
    /// applied from the local copy and written to the journal again.
    pub(super) fn keep_what_went_ahead(&mut self, note: &ClosingNote) -> Result<(), StoreError> {
        let copy = ahead_path(&self.ws.state_dir);
        let missing: Vec<u64> = (note.view_seq + 1..=note.journal_seq)
            .filter(|seq| !self.own_held.contains(*seq))
            .collect();
        if !missing.is_empty() {
            let (ops, _) = outbox::read_frames(&copy, &self.keys)?;
            // A copy left from before this install took a new replica id
            // numbers its ops as another replica: never taken for these.
            let ops: Vec<Op> = ops
                .into_iter()
                .filter(|op| op.stamp.replica() == self.ws.replica && missing.contains(&op.seq))
                .collect();
            if !ops.is_empty() {
                let replica = self.ws.replica;
                let storage = self.view.storage.clone();
                let mut tx = Txn::new(&storage);
                let mut frames = Vec::new();
                for op in &ops {
                    apply::apply_op(&mut tx, op, replica)?;
                    self.own_held.insert(op.seq);
                    self.seq = self.seq.max(op.seq);
                    self.journal_frame(op, &mut frames)?;
                }
                held::put(&mut tx, replica, &self.own_held)?;
                self.touched.extend(tx.commit()?);
                // Kept as changes made while the journal was away: the
                // mend writes them to it again, and says so.
                self.outbox.append(&frames, ops.len())?;
                match self.restore_journal() {
                    Ok(Some(restored)) => self.recovery.restored = Some(restored),
                    Ok(None) => {}
                    // The workspace cannot be written now: the outbox keeps
                    // them until it can, as any change made meanwhile.
                    Err(StoreError::Journal(e)) => self.recovery.unmended = Some(e.to_string()),
                    Err(e) => return Err(e),
                }
            }
        }
        match std::fs::remove_file(&copy) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(error::io_at(&copy)(e)),
            _ => Ok(()),
        }
    }
}
