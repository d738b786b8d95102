//! The store: the one write path and the read queries.
//!
//! ```text
//! edits ──► Store::commit ──► Op (clock stamp, replica, seq, inverse)
//!                              ├─► journal in the workspace (append, fsync)  = the record
//!                              └─► apply::apply_op ──► view: sled (records, indexes, undo)
//!                                                            + pack (customer bodies)
//! teammates' journals ──► ingest ──► apply::apply_op
//! ```
//!
//! The view lives in local state, never in the (possibly shared)
//! workspace, and can always be rebuilt from the journals.

pub mod actions;
mod agenda_item;
mod apart;
pub mod apply;
mod bundles;
mod capture;
mod chain;
mod closing_note;
pub mod codec;
mod commit;
mod compaction;
mod deals;
pub mod error;
pub mod forget;
mod held;
pub mod index;
mod ingest;
pub mod keys;
mod lean;
mod lent;
mod lists;
mod live_ids;
mod lookup;
mod maintenance;
pub mod op;
mod organizations;
mod outbox;
mod pack;
mod places;
mod plans;
mod query;
pub mod quick_log;
pub mod records;
mod repair;
mod resolve;
mod restate;
pub mod scrub;
mod sealing;
pub use sealing::journal_frame;
mod snapshot;
mod storage;
mod txn;
mod unsynced_mark;
mod view_files;

use std::collections::BTreeSet;
use std::path::PathBuf;

pub use agenda_item::{AgendaItem, AgendaWhat};
pub use capture::{Captured, described as capture_pieces, who as capture_who};
pub use deals::NewDeal;
pub use error::StoreError;
pub use forget::Forgotten;
pub use ingest::{Damage, DamageKind, Recovery, Restored, Salvage, describe_runs};
pub use lent::{Changed, Mark};
pub use lists::{Matcher, Priority, SavedList, list_name};
pub use maintenance::DoctorReport;
pub use op::{Edit, ListChange, Op, Origin};
pub use organizations::OrgFigures;
pub use plans::{DueTactic, PlanRecord, agenda_text, brought_in as plan_brought_in};
pub use query::{Homed, Timeline, View, earliest};
pub use records::{Body, CustomerRecord, DealRecord, FollowUpRecord, InteractionRecord, OrganizationRecord};
pub use scrub::Scrubbed;
pub use txn::Entry;
pub(crate) use view_files::CACHE_BYTES;
use view_files::{SKIP_SLED_CLOSE, open_view_when_free};
pub use view_files::{close_views_fully, for_one_command};

use crate::domain::ids::scramble;
use crate::domain::{CustomerId, FollowUpId, InteractionId, Rules};
use crate::encryption::Keys;
use crate::sync::journal::{self, JournalWriter};
use crate::sync::{Hlc, ReplicaId};
use crate::workspace::{Clock, Workspace};
use held::Held;
use outbox::Outbox;
use records::{Cursor, UndoEntry};
use txn::Txn;

const TREE: &str = "view";
/// Layout of the view; an older one is rebuilt from the journals.
/// 4: bodies are chains of frames and the indexes are kept (a guanxi
/// that knows neither must not write to such a view).
/// 5: a customer record names its organization and who referred it.
/// 6: customers, deals and organizations are kept in the pack, and a
/// customer's body keeps its factor scores with their dates (made again
/// from the journals, so older workspaces have health history).
/// 7: forgotten people (`X`) and every customer a deal was named with
/// (`W`), which only a replay of the journals can make.
/// 8: the places of packed customers, deals and organizations are kept
/// many to a sled entry (`places`); a format-7
/// view is regrouped in place when it opens.
/// 9: bodies' places, follow-ups' homes, the due-date index and deal
/// links are kept many to a sled entry (`bundles`); a format-7 or 8 view
/// is bundled in place when it opens.
const VIEW_FORMAT: u8 = 9;
/// Bounded sled batches: huge ones blow up memory.
const MAX_PENDING: usize = 20_000;

/// What `Store::open` needs to know.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub workspace: PathBuf,
    pub state_root: PathBuf,
    /// Recorded as the author of every change.
    pub author: String,
    pub clock: Clock,
    pub rules: Rules,
}

pub struct Store {
    ws: Workspace,
    /// How frames written to the workspace are sealed and read ones opened
    /// (plain for a workspace that is not encrypted).
    keys: Keys,
    db: sled::Db,
    view: View,
    /// Opened on the first write, so reading never touches the workspace.
    journal: Option<JournalWriter>,
    journal_end: journal::Position,
    /// Changes made while the workspace folder was away.
    outbox: Outbox,
    hlc: Hlc,
    /// The highest op number this replica has used.
    seq: u64,
    /// Which of this replica's ops the view holds.
    own_held: Held,
    /// This replica's ops known to be on disk in the view (as of the last
    /// explicit flush); later ones may need replaying after a crash.
    flushed_seq: u64,
    author: String,
    recovery: Recovery,
    /// What writing found and mended since `take_news` was last called.
    news: Recovery,
    /// Customers changed since `take_touched` was last called.
    touched: BTreeSet<CustomerId>,
    /// Close without sled's own close (see `for_one_command`): set once
    /// the store is fully open, so a store dropped on an error while
    /// opening closes sled as usual.
    quick_close: bool,
    /// Whether this process has seen to `make_organizations` (done before
    /// the first write).
    orgs_made: bool,
    /// The organizations' names as a commit left them, with the count of
    /// organization changes they are true at.
    org_names: Option<(u64, organizations::Names)>,
    /// The note the last process to close the view left (taken away as
    /// this one opened it), until the open has read this replica's journal.
    closing: Option<closing_note::ClosingNote>,
    /// The same note, kept to the end: one the close would write the same
    /// is put back as it was.
    note_taken: Option<closing_note::ClosingNote>,
    /// The live-ids table was exact for the view as it opened: closing
    /// brings it up to date rather than writing it whole.
    live_ids_kept: bool,
    /// Teammates' journals as they stood before the view last read them,
    /// for the closing note.
    teammates_seen: Option<Vec<String>>,
}

impl Store {
    /// Opens (or creates) the workspace, locks it, and brings the view up
    /// to date with every journal in it. The view is only a cache of the
    /// journals: one that is from an older guanxi, cut short, or will not
    /// open or read is moved aside and made again, and `recovery` says so.
    pub fn open(options: OpenOptions) -> Result<Store, StoreError> {
        let ws = Workspace::open(&options.workspace, &options.state_root)?;
        maintenance::undo_unfinished_rebuild(&ws)?;
        if unsynced_mark::read(&ws.state_dir)? == unsynced_mark::Left::EarlierBoot {
            drop(ws);
            return Store::remake_after_restart(options)?.fully_open();
        }
        let opened = match Store::open_in(ws, options.author.clone(), options.clock, options.rules.clone(), false) {
            Err(e) if e.is_view_damage() => {
                let reason = match &e {
                    StoreError::StaleView => None,
                    // sled's own words ("Read corrupted data at file offset
                    // None backtrace ()") help nobody.
                    StoreError::Db(sled::Error::Corruption { .. }) => {
                        Some(crate::i18n::t("error.store.view_corrupted").to_string())
                    }
                    other => Some(other.to_string()),
                };
                let mut store = Store::rebuild_view(options, reason.is_some())?;
                store.recovery.rebuilt_view = true;
                store.recovery.rebuilt_because = reason;
                Ok(store)
            }
            other => other,
        };
        opened.and_then(Store::fully_open)
    }

    /// The last of opening: how the store will close, and the mark set
    /// right (`settle_unsynced_mark`).
    fn fully_open(mut self) -> Result<Store, StoreError> {
        self.quick_close = SKIP_SLED_CLOSE.load(std::sync::atomic::Ordering::Relaxed);
        self.settle_unsynced_mark()?;
        Ok(self)
    }

    /// `trust_own_journal`: every op of this replica found in its journal is
    /// its own (a rebuild), not only those of the last interrupted write.
    fn open_in(
        ws: Workspace,
        author: String,
        clock: Clock,
        rules: Rules,
        trust_own_journal: bool,
    ) -> Result<Store, StoreError> {
        // Before the view is touched: a replica without the key changes
        // nothing.
        let keys = Keys::for_workspace(&ws.root, &ws.state_dir)?;
        // Before the first write this process leaves unsynced (sled may
        // write as it opens). An earlier boot's mark stays until the view
        // it condemns is made again: a rebuild cut short then starts over.
        if view_files::leaves_view_unsynced()
            && let Some(boot) = unsynced_mark::this_boot()
            && unsynced_mark::read(&ws.state_dir)? != unsynced_mark::Left::EarlierBoot
        {
            unsynced_mark::set(&ws.state_dir, boot)?;
        }
        // Before anything can change the view: a note found later must be
        // from a process that closed it after this one.
        let view_dir = ws.view_dir();
        let closing = closing_note::take(&view_dir).map_err(error::io_at(&view_dir))?;
        let (db, storage) = open_view_when_free(&ws)?;
        let stored_clock = read_clock(&storage.tree)?;
        let outbox = Outbox::open(&ws.state_dir, keys.clone())?;
        let mut store = Store {
            ws,
            keys,
            db,
            view: View {
                storage,
                rules,
                clock,
                me: author.as_str().into(),
            },
            journal: None,
            journal_end: journal::Position::default(),
            outbox,
            hlc: Hlc::starting_after(stored_clock),
            seq: 0,
            own_held: Held::default(),
            flushed_seq: 0,
            author,
            recovery: Recovery::default(),
            news: Recovery::default(),
            touched: BTreeSet::new(),
            quick_close: false,
            orgs_made: false,
            org_names: None,
            note_taken: closing.clone(),
            closing,
            live_ids_kept: false,
            teammates_seen: None,
        };
        if store.start_from_snapshot()?.is_some() {
            // Customers loaded around the commits: the table misses them.
            store.closing = None;
            store.note_taken = None;
            let clock = read_clock(&store.view.storage.tree)?;
            store.hlc = Hlc::starting_after(clock);
            store.replay_undo_window()?;
        }
        store.recover_own_journal(trust_own_journal)?;
        store.closing = None;
        store.flush()?;
        // What arrived while opening is part of what opening found; later
        // reads report to their callers only (the UI reads every few seconds).
        // This replica's own journal was read and settled just above.
        let arrived = store.ingest_teammates_at_open()?;
        store.recovery.absorb(arrived);
        index::make_missing(&store.view.storage)?;
        store.compact_a_step()?;
        Ok(store)
    }

    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    pub fn replica(&self) -> ReplicaId {
        self.ws.replica
    }

    pub fn author(&self) -> &str {
        &self.author
    }

    /// A read-only handle for other threads.
    pub fn view(&self) -> View {
        self.view.clone()
    }

    /// The customers changed (by this process or by arriving journals)
    /// since the last call: what a screen showing them must refresh.
    pub fn take_touched(&mut self) -> BTreeSet<CustomerId> {
        std::mem::take(&mut self.touched)
    }

    /// What opening had to repair or bring in.
    pub fn recovery(&self) -> &Recovery {
        &self.recovery
    }

    /// A fresh id for something about to be created. Ids mix this replica
    /// with a clock tick, so they are unique and look unrelated.
    fn new_id(&mut self) -> u64 {
        new_id(&mut self.hlc, self.view.clock.now_ms(), self.ws.replica)
    }

    pub fn new_customer_id(&mut self) -> CustomerId {
        CustomerId(self.new_id())
    }

    pub fn new_interaction_id(&mut self) -> InteractionId {
        InteractionId(self.new_id())
    }

    pub fn new_follow_up_id(&mut self) -> FollowUpId {
        FollowUpId(self.new_id())
    }

    /// Makes a user's change: journaled and on disk when this returns, then
    /// applied to the view. Undoable.
    pub fn commit(&mut self, edits: Vec<Edit>) -> Result<Op, StoreError> {
        let mut ops = self.commit_ops(vec![(edits, Origin::Direct, None)])?;
        Ok(ops.remove(0))
    }

    /// Makes many changes at once (sample data, imports), with one fsync and
    /// one view batch. Each entry may carry the wall time to stamp it with,
    /// so generated history reads as if it happened then. Not undoable.
    pub fn commit_bulk(&mut self, changes: Vec<(Vec<Edit>, Option<i64>)>) -> Result<usize, StoreError> {
        let n = changes.len();
        self.commit_ops(changes.into_iter().map(|(e, at)| (e, Origin::Bulk, at)).collect())?;
        Ok(n)
    }

    /// Before many `commit_bulk` calls into a view that holds few customers
    /// yet: the indexes are left until `make_indexes`, which makes them in
    /// one pass instead of rewriting their common groups with every batch.
    /// Lookups and filters are wrong in between; a process killed in
    /// between makes them when the view next opens.
    pub fn defer_indexes(&mut self) -> Result<(), StoreError> {
        index::defer(&self.view.storage)
    }

    /// Defers the indexes (see `defer_indexes`) when `adding` new
    /// customers is more than the view holds: making them all once then
    /// costs less than keeping them batch by batch.
    pub fn defer_indexes_for(&mut self, adding: usize) -> Result<(), StoreError> {
        let holds = self.view.storage.count_records(keys::CUSTOMER, adding)?;
        if holds < adding {
            self.defer_indexes()?;
        }
        Ok(())
    }

    /// Makes the indexes deferred by `defer_indexes`.
    pub fn make_indexes(&mut self) -> Result<(), StoreError> {
        index::make_missing(&self.view.storage)
    }

    /// The edits that would take `edits` back, read against the view as it
    /// is now (before they are made): what bulk work keeps to become one
    /// undoable change with [`Store::commit_undo_point`].
    pub fn inverse_of(&self, edits: &[Edit]) -> Result<Vec<Edit>, StoreError> {
        apply::inverse(&mut Txn::new(&self.view.storage), edits)
    }

    /// Makes work already saved in bulk (an import, chunk by chunk) one
    /// change that `undo` takes back: an op with no edits of its own whose
    /// inverse is `inverse`. Nothing is written when `inverse` is empty.
    pub fn commit_undo_point(&mut self, inverse: Vec<Edit>) -> Result<Option<Op>, StoreError> {
        if inverse.is_empty() {
            return Ok(None);
        }
        let mut ops = self.commit_ops_with(vec![(Vec::new(), Origin::Direct, None)], Some(inverse))?;
        Ok(ops.pop())
    }

    /// What writing found and mended since the last call (a journal
    /// written again), for the user to hear about.
    pub fn take_news(&mut self) -> Recovery {
        std::mem::take(&mut self.news)
    }

    /// Passes on what a read of the journals mended, for `take_news`.
    pub fn note_restored(&mut self, restored: Option<Restored>) {
        if restored.is_some() {
            self.news.restored = restored;
        }
    }

    /// Changes kept in the local state because the workspace folder is
    /// away; written to it when it is back.
    pub fn kept_locally(&self) -> usize {
        self.outbox.count()
    }

    /// False while the workspace folder (its metadata file) is missing.
    pub fn workspace_available(&self) -> bool {
        self.workspace_present()
    }

    /// Takes back this replica's latest change; returns what it was.
    pub fn undo(&mut self) -> Result<String, StoreError> {
        let (seq, entry) = self
            .top_of(keys::UNDO)?
            .ok_or(crate::domain::InputError::NothingToUndo)?;
        self.commit_ops(vec![(entry.edits, Origin::Undo { seq }, None)])?;
        Ok(entry.label)
    }

    /// Re-does the latest undone change; returns what it was.
    pub fn redo(&mut self) -> Result<String, StoreError> {
        let (seq, entry) = self
            .top_of(keys::REDO)?
            .ok_or(crate::domain::InputError::NothingToRedo)?;
        self.commit_ops(vec![(entry.edits, Origin::Redo { seq }, None)])?;
        Ok(entry.label)
    }

    /// What `undo` would take back, if anything.
    pub fn undo_label(&self) -> Result<Option<String>, StoreError> {
        Ok(self.top_of(keys::UNDO)?.map(|(_, e)| e.label))
    }

    pub fn redo_label(&self) -> Result<Option<String>, StoreError> {
        Ok(self.top_of(keys::REDO)?.map(|(_, e)| e.label))
    }

    fn top_of(&self, tag: u8) -> Result<Option<(u64, UndoEntry)>, StoreError> {
        let Some(entry) = self.view.storage.tree.scan_prefix([tag]).next_back() else {
            return Ok(None);
        };
        let (k, v) = entry?;
        let seq = keys::seq_of_stack_key(&k).unwrap_or(0);
        let entry = codec::decode(&v).map_err(StoreError::codec("undo entry"))?;
        Ok(Some((seq, entry)))
    }

    /// Writes the view to disk. Changes are safe in the journal as soon as
    /// they are made; this only spares the next start a replay.
    pub fn flush(&mut self) -> Result<(), StoreError> {
        // Nothing written since the last flush (a command that only
        // reads): nothing to sync.
        // Groups held in bulk work are written with the rest.
        self.view.storage.settle_places()?;
        let written = &self.view.storage.written;
        if written.load(std::sync::atomic::Ordering::Relaxed) {
            // Bodies first: what sled points to must be on disk before it
            // does. (Left to the page cache by a process that leaves the
            // view unsynced: sled does not sync its flush either.)
            if !view_files::leaves_view_unsynced() {
                self.view.storage.pack.sync()?;
            }
            self.db.flush()?;
            written.store(false, std::sync::atomic::Ordering::Relaxed);
        }
        self.flushed_seq = self.seq;
        Ok(())
    }

    /// True when changes were made since the last `flush`.
    pub fn unflushed(&self) -> bool {
        self.flushed_seq != self.seq
    }
}

impl std::ops::Deref for Store {
    type Target = View;
    fn deref(&self) -> &View {
        &self.view
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // A command that only read has nothing to make durable.
        if self.flush().is_ok() {
            // Only spares the next `log <id>` opening the view.
            let _ = self.leave_closing_note();
            if self.quick_close {
                std::mem::forget(self.db.clone());
            }
        }
    }
}

/// A fresh id, from a tick of `hlc` mixed with `replica`.
fn new_id(hlc: &mut Hlc, now_ms: i64, replica: ReplicaId) -> u64 {
    scramble(hlc.tick(now_ms) ^ replica.0.rotate_left(29))
}

fn read_clock(tree: &sled::Tree) -> Result<u64, StoreError> {
    Ok(tree
        .get(keys::META_CLOCK)?
        .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
        .unwrap_or(0))
}

fn read_cursor(tree: &sled::Tree, replica: ReplicaId) -> Result<Cursor, StoreError> {
    match tree.get(keys::cursor(replica))? {
        Some(v) => codec::decode(&v).map_err(StoreError::codec("journal cursor")),
        None => Ok(Cursor::default()),
    }
}
