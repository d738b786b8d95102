//! Opening the view's files: sled with the cache this process wants, the
//! view's format checked, the pack beside it, and a wait while another
//! process that is closing still holds sled's lock.

use std::fs;
use std::sync::Arc;

use super::error::StoreError;
use super::pack::Pack;
use super::storage::{self, Storage};
use super::{TREE, VIEW_FORMAT, index, keys};
use crate::workspace::Workspace;

/// sled's default cache is 1 GiB; the view needs far less to stay fast.
pub(crate) const CACHE_BYTES: u64 = 64 << 20;
/// The cache of views opened from now on (see `for_one_command`).
static VIEW_CACHE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(CACHE_BYTES);
/// Views closed from now on skip sled's own close (see `for_one_command`).
pub(super) static SKIP_SLED_CLOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// For a process that runs one command over the view and exits:
/// - a small cache: a command reads each record once or a handful of
///   records, and a cache the size of the UI's only adds to its memory
///   (`list --json` at 100,000 customers filled 64 MiB of it);
/// - a view is left, after its own flush (which syncs what was written,
///   if anything), without sled's close, which flushes and fsyncs again
///   even when there is nothing left to write: sled's handle is kept to
///   the end of the process (an exit is a crash to sled, and sled
///   recovers from one at every open).
pub fn for_one_command() {
    VIEW_CACHE.store(8 << 20, std::sync::atomic::Ordering::Relaxed);
    SKIP_SLED_CLOSE.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// For a command run on a view lent by the UI: views closed from now on
/// are closed by sled too, so its lock is free for the UI to open the
/// view again as soon as the command has let go.
pub fn close_views_fully() {
    SKIP_SLED_CLOSE.store(false, std::sync::atomic::Ordering::Relaxed);
}
fn open_view(dir: &std::path::Path) -> Result<(sled::Db, Storage), StoreError> {
    fs::create_dir_all(dir).map_err(|e| crate::workspace::WorkspaceError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let db = sled::Config::new()
        .path(dir)
        .cache_capacity(VIEW_CACHE.load(std::sync::atomic::Ordering::Relaxed))
        .mode(sled::Mode::HighThroughput)
        .open()?;
    let tree = db.open_tree(TREE)?;
    match tree.get(keys::META_FORMAT)?.and_then(|v| v.first().copied()) {
        None => {
            tree.insert(keys::META_FORMAT, &[VIEW_FORMAT])?;
        }
        Some(VIEW_FORMAT) => {}
        Some(7) => super::places::regroup(&tree, VIEW_FORMAT)?,
        Some(v) if v < VIEW_FORMAT => return Err(StoreError::StaleView),
        Some(v) => return Err(StoreError::NewerView(v)),
    }
    // Killed while groups of places were held in memory: some of sled's
    // are behind the pack.
    if tree.get(keys::META_PLACES_HELD)?.is_some() {
        return Err(StoreError::StaleView);
    }
    let state = storage::read_pack_state(&tree)?;
    let layout = storage::read_layout(&tree)?;
    let pack = Arc::new(Pack::open_layout(dir, state.generation, &layout)?);
    // A pack shorter than what sled points into lost its end (the machine
    // went down before it reached the disk): the view must be made again.
    if pack.size() < state.len {
        return Err(StoreError::StaleView);
    }
    // So did a file still being drained that is shorter than where the
    // current one starts.
    if let (Some(older), Some((_, len))) = (&layout.older, pack.older())
        && older.base + len < layout.base
    {
        return Err(StoreError::StaleView);
    }
    pack.remove_others()?;
    let storage = Storage {
        tree,
        pack,
        deferred: Default::default(),
        written: Default::default(),
        org_changes: Default::default(),
        forgets: Default::default(),
        held: Default::default(),
    };
    // A new view, or one from before the indexes (or killed while they
    // were left for later), gets them in one pass over its records once
    // open has brought everything in: far quicker than keeping them op by
    // op through a replay of every journal.
    index::defer_if_missing(&storage)?;
    Ok((db, storage))
}

/// How long sled's own lock on the view may stay taken once the
/// workspace's lock is free: the process that had it is closing (sled's
/// writer threads let go of its files a moment after the last handle, and
/// a short command keeps sled's handle until it exits).
const SLED_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Opens the view, waiting for sled's lock while the process that
/// held it closes. A lock still held then is the workspace being open
/// elsewhere, which is no damage to rebuild.
pub(super) fn open_view_when_free(ws: &Workspace) -> Result<(sled::Db, Storage), StoreError> {
    let deadline = std::time::Instant::now() + SLED_LOCK_WAIT;
    loop {
        match open_view(&ws.view_dir()) {
            Err(StoreError::Db(sled::Error::Io(io)))
                if io.kind() == std::io::ErrorKind::Other && io.to_string().starts_with("could not acquire lock") =>
            {
                if std::time::Instant::now() >= deadline {
                    return Err(crate::workspace::WorkspaceError::AlreadyOpen {
                        workspace: ws.root.clone(),
                        pid: None,
                        state_dir: ws.state_dir.clone(),
                    }
                    .into());
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_left_with_groups_of_places_held_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (_db, storage) = open_view(dir.path()).unwrap();
            storage.tree.insert(keys::META_PLACES_HELD, &[]).unwrap();
        }
        assert!(matches!(open_view(dir.path()), Err(StoreError::StaleView)));
    }
}
