//! Opening the view's files: sled with the cache this process wants, the
//! view's format checked, the pack beside it, and a wait while another
//! process that is closing still holds sled's lock.

use std::fs;
use std::sync::Arc;

use super::error::{StoreError, io_at as io};
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
/// Views opened from now on are for one command: no background flusher,
/// and sled's file synced once per flush (see `for_one_command`).
static ONE_COMMAND: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// For a process that runs one command over the view and exits:
/// - a small cache: a command reads each record once or a handful of
///   records, and a cache the size of the UI's only adds to its memory
///   (`list --json` at 100,000 customers filled 64 MiB of it);
/// - a view is left, after its own flush (which syncs what was written,
///   if anything), without sled's close, which flushes and fsyncs again
///   even when there is nothing left to write: sled's handle is kept to
///   the end of the process (an exit is a crash to sled, and sled
///   recovers from one at every open);
/// - no background flusher: its first round runs as the view opens and
///   fsyncs sled's file, even for a command that only reads; a command
///   that writes flushes the view itself when it ends (`Store::flush`);
/// - no thread pool in sled (the vendored sled's `set_waiting_threads(0)`):
///   its few tasks (writing a buffer, cutting the file) run on the thread
///   that asks, as upstream runs them where it has no pool. Seven idle
///   threads were a tenth of a command's time (`show` 8.0 -> 7.4 ms, `log`
///   10.9 -> 9.9 ms at 10k, medians of 40 alternating runs); the one kept
///   after that, and the second the pool started when the flush queued
///   behind it, were still two thread starts and a handover in every
///   command that writes;
/// - sled's file synced once per flush, not once per buffer written
///   (sled's `sync_on_flush`, in the vendored copy): a `log` wrote three
///   buffers and synced each, then the flush returned. The open syncs
///   only what it wrote, since every flush before it synced;
/// - or, where the system says which boot this is, the view not synced at
///   all (`leaves_view_unsynced`).
pub fn for_one_command() {
    sled::set_waiting_threads(0);
    VIEW_CACHE.store(8 << 20, std::sync::atomic::Ordering::Relaxed);
    SKIP_SLED_CLOSE.store(true, std::sync::atomic::Ordering::Relaxed);
    ONE_COMMAND.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// True when this process writes the view without syncing it: it runs one
/// command, and the boot it writes in is marked beside the view, so that
/// a later boot makes the view again rather than trust writes that may
/// never have reached the disk (`unsynced_mark`). A `log` then syncs its
/// journal only, where it synced the pending-write note, the journal, the
/// pack and sled's file, and the next command sled's snapshot.
pub(crate) fn leaves_view_unsynced() -> bool {
    ONE_COMMAND.load(std::sync::atomic::Ordering::Relaxed) && super::unsynced_mark::this_boot().is_some()
}

/// For a command run on a view lent by the UI: views closed from now on
/// are closed by sled too, so its lock is free for the UI to open the
/// view again as soon as the command has let go.
pub fn close_views_fully() {
    SKIP_SLED_CLOSE.store(false, std::sync::atomic::Ordering::Relaxed);
}
fn open_view(dir: &std::path::Path) -> Result<(sled::Db, Storage), StoreError> {
    fs::create_dir_all(dir).map_err(io(dir))?;
    let one_command = ONE_COMMAND.load(std::sync::atomic::Ordering::Relaxed);
    // sled's own default, unless one command.
    let flush_every = (!one_command).then_some(500);
    let db = sled::Config::new()
        .path(dir)
        .cache_capacity(VIEW_CACHE.load(std::sync::atomic::Ordering::Relaxed))
        .mode(sled::Mode::HighThroughput)
        .flush_every_ms(flush_every)
        .sync_on_flush(one_command)
        .never_sync(leaves_view_unsynced())
        .open()?;
    let tree = db.open_tree(TREE)?;
    match tree.get(keys::META_FORMAT)?.and_then(|v| v.first().copied()) {
        None => {
            tree.insert(keys::META_FORMAT, &[VIEW_FORMAT])?;
        }
        Some(VIEW_FORMAT) => {}
        Some(7) => {
            super::places::regroup(&tree, 8)?;
            super::bundles::regroup(&tree, VIEW_FORMAT)?;
        }
        Some(8) => super::bundles::regroup(&tree, VIEW_FORMAT)?,
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
        live_changes: Default::default(),
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
/// elsewhere, which is no damage to rebuild. A view that bulk work left
/// with a large sled file (`keys::META_TIDY`) is tidied first.
pub(super) fn open_view_when_free(ws: &Workspace) -> Result<(sled::Db, Storage), StoreError> {
    let (db, storage) = open_view_waiting(ws)?;
    tidy_if_asked(ws, db, storage, TIDY_ABOVE)
}

/// The view as it opened, or tidied and opened again when bulk work asked
/// for it (`keys::META_TIDY`) and sled's file is above `above` bytes. A
/// tidy that cannot be made leaves the view as it is: it only saves time.
fn tidy_if_asked(
    ws: &Workspace,
    db: sled::Db,
    storage: Storage,
    above: u64,
) -> Result<(sled::Db, Storage), StoreError> {
    if storage.tree.get(keys::META_TIDY)?.is_none() {
        return Ok((db, storage));
    }
    let dir = ws.view_dir();
    let sled_len = fs::metadata(dir.join("db")).map(|m| m.len()).unwrap_or(0);
    let fresh = if sled_len < above { None } else { tidy(ws, &db).ok() };
    let Some(fresh) = fresh else {
        let _ = fs::remove_dir_all(ws.state_dir.join(TIDY_DIR));
        storage.tree.remove(keys::META_TIDY)?;
        return Ok((db, storage));
    };
    // sled is closed fully: its files are about to be set aside.
    drop(storage);
    drop(db);
    let aside = super::maintenance::old_view_dir(ws);
    if aside.exists() {
        fs::remove_dir_all(&aside).map_err(io(&aside))?;
    }
    if fs::rename(&dir, &aside).is_err() {
        let _ = fs::remove_dir_all(&fresh);
        let (db, storage) = open_view_waiting(ws)?;
        storage.tree.remove(keys::META_TIDY)?;
        return Ok((db, storage));
    }
    // A stop here leaves `view.old`, which the next open puts back
    // (`undo_unfinished_rebuild`), to be tidied again.
    if let Err(e) = fs::rename(&fresh, &dir) {
        let _ = fs::rename(&aside, &dir);
        return Err(io(&fresh)(e));
    }
    fs::remove_dir_all(&aside).map_err(io(&aside))?;
    open_view_waiting(ws)
}

/// Where a tidy copies sled's entries, in the workspace's state folder.
const TIDY_DIR: &str = "view.tidy";

/// sled's file above which a view left by bulk work is tidied: below it,
/// what sled writes over at open costs less than a copy.
const TIDY_ABOVE: u64 = 8 << 20;

/// Copies sled's entries, every tree, into a fresh database beside the
/// view (sled's file then holds them and little else), and links the
/// view's other files (the pack) into it; gives its folder. The view
/// itself is left as it was.
fn tidy(ws: &Workspace, db: &sled::Db) -> Result<std::path::PathBuf, StoreError> {
    let dir = ws.view_dir();
    let fresh = ws.state_dir.join(TIDY_DIR);
    if fresh.exists() {
        fs::remove_dir_all(&fresh).map_err(io(&fresh))?;
    }
    copy_sled(db, &fresh)?;
    for entry in fs::read_dir(&dir).map_err(io(&dir))? {
        let path = entry.map_err(io(&dir))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let sleds = matches!(name, "db" | "conf" | "blobs") || name.starts_with("snap.");
        if !sleds {
            let to = fresh.join(name);
            fs::hard_link(&path, &to).map_err(io(&path))?;
        }
    }
    Ok(fresh)
}

/// Copies every tree of `db` into a fresh database at `to` and syncs it,
/// leaving out the tidy marker: sled's file then holds the entries and
/// little else (a tidy, and a scrub after a forget).
pub(super) fn copy_sled(db: &sled::Db, to: &std::path::Path) -> Result<(), StoreError> {
    let copy = sled::Config::new()
        .path(to)
        .cache_capacity(VIEW_CACHE.load(std::sync::atomic::Ordering::Relaxed))
        .mode(sled::Mode::HighThroughput)
        .open()?;
    for name in db.tree_names() {
        let from = db.open_tree(&name)?;
        let into = copy.open_tree(&name)?;
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for entry in from.iter() {
            let (k, v) = entry?;
            if k.as_ref() != keys::META_TIDY {
                batch.insert(k, v);
                n += 1;
            }
            // Batches of a thousand: one batch of everything made a file
            // half as large again.
            if n == COPY_BATCH {
                into.apply_batch(std::mem::take(&mut batch))?;
                n = 0;
            }
        }
        into.apply_batch(batch)?;
    }
    copy.flush()?;
    Ok(())
}

const COPY_BATCH: usize = 1000;

/// sled's lock on its file is held: by another process, or by this one's
/// last handle, whose threads let go of the file a moment after it closes.
fn lock_held(e: &StoreError) -> bool {
    matches!(e, StoreError::Db(sled::Error::Io(io))
        if io.kind() == std::io::ErrorKind::Other && io.to_string().starts_with("could not acquire lock"))
}

fn open_view_waiting(ws: &Workspace) -> Result<(sled::Db, Storage), StoreError> {
    let deadline = std::time::Instant::now() + SLED_LOCK_WAIT;
    loop {
        match open_view(&ws.view_dir()) {
            Err(e) if lock_held(&e) => {
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
        // As `open_view_waiting` does: the closed handle's threads may hold
        // sled's lock a moment longer.
        let deadline = std::time::Instant::now() + SLED_LOCK_WAIT;
        let reopened = loop {
            match open_view(dir.path()) {
                Err(e) if lock_held(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(5))
                }
                other => break other,
            }
        };
        assert!(matches!(reopened, Err(StoreError::StaleView)), "{:?}", reopened.err());
    }

    /// Bulk work's marker has the next open copy sled's entries into a
    /// fresh file: the same entries (but the marker), the pack still
    /// there, and sled's file smaller than the one churned by rewrites.
    #[test]
    fn a_view_left_by_bulk_work_is_tidied_into_a_smaller_file_holding_the_same() {
        let root = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        crate::workspace::init(root.path(), Some("tidy")).unwrap();
        let ws = Workspace::open(root.path(), state.path()).unwrap();
        let entries = {
            let (_db, storage) = open_view_waiting(&ws).unwrap();
            // Each value written ten times: sled's file keeps what the
            // rewrites replaced for a while.
            for round in 0..10u8 {
                for n in 0..2_000u32 {
                    let mut key = b"Zentry".to_vec();
                    key.extend_from_slice(&n.to_be_bytes());
                    storage.tree.insert(key, vec![round; 200]).unwrap();
                }
            }
            let pack = storage.pack.append(&[b"frame".to_vec()]).unwrap()[0];
            storage.tree.insert(b"Zpack", pack.to_bytes().to_vec()).unwrap();
            storage.tree.insert(keys::META_TIDY, &[]).unwrap();
            storage.tree.flush().unwrap();
            let entries: Vec<(sled::IVec, sled::IVec)> = storage.tree.iter().map(Result::unwrap).collect();
            entries
        };
        let churned = fs::metadata(ws.view_dir().join("db")).unwrap().len();
        let (db, storage) = open_view_waiting(&ws).unwrap();
        let (db, storage) = tidy_if_asked(&ws, db, storage, 0).unwrap();
        let now: Vec<(sled::IVec, sled::IVec)> = storage.tree.iter().map(Result::unwrap).collect();
        let wanted: Vec<_> = entries
            .into_iter()
            .filter(|(k, _)| k.as_ref() != keys::META_TIDY)
            .collect();
        assert_eq!(now, wanted, "the same entries, without the marker");
        let pack = storage::loc_of(b"Zpack", &storage.tree.get(b"Zpack").unwrap().unwrap()).unwrap();
        assert_eq!(storage.pack.read(pack).unwrap(), b"frame", "the pack came along");
        let tidied = fs::metadata(ws.view_dir().join("db")).unwrap().len();
        assert!(tidied < churned, "sled's file {tidied} bytes, was {churned}");
        assert!(!ws.state_dir.join(TIDY_DIR).exists() && !super::super::maintenance::old_view_dir(&ws).exists());
        drop((db, storage));
        // Without the marker, nothing is done again.
        let (db, storage) = open_view_waiting(&ws).unwrap();
        let (_db, storage) = tidy_if_asked(&ws, db, storage, 0).unwrap();
        assert_eq!(storage.tree.iter().count(), now.len());
    }
}
