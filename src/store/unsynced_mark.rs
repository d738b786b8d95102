//! A view written without syncing it, and how a later boot knows.
//!
//! A process that runs one command and exits (`log`, `show`…) writes the
//! view (sled's file, the pack) and the pending-write note without syncing
//! them: the journal, synced before the view is touched, is the record,
//! and the view only spares the next process a replay. Every later process
//! of the same boot reads those writes from the page cache, and a process
//! killed in the middle of a command leaves them to the kernel's writeback,
//! as any write is. Only the machine going down can lose them, and then in
//! any order, so the view may be torn anywhere.
//!
//! So before its first such write in a boot, a process writes the boot's id
//! to this mark beside the view and syncs it. A process that finds an
//! earlier boot's id here cannot trust the view and makes it again from the
//! journals; one that syncs the view whole (the UI, an import, `doctor` as
//! they open) takes the mark away. Where the boot cannot be told (no
//! `/proc`, or not Linux), every process syncs the view as before.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::error::{StoreError, io_at as io};
use super::{OpenOptions, Store, view_files};

/// Beside the view (which a rebuild moves aside), in local state.
const FILE: &str = "view-unsynced";

/// What the mark says about the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Left {
    /// No mark: every write to the view was synced.
    Synced,
    /// Writes of this boot may not be synced: the page cache has them.
    ThisBoot,
    /// Writes of an earlier boot may not have reached the disk.
    EarlierBoot,
}

/// This boot's id, when the system says it.
pub(crate) fn this_boot() -> Option<&'static str> {
    static BOOT: OnceLock<Option<String>> = OnceLock::new();
    BOOT.get_or_init(read_boot_id).as_deref()
}

#[cfg(target_os = "linux")]
fn read_boot_id() -> Option<String> {
    let text = fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    valid_boot_id(text.trim()).then(|| text.trim().to_string())
}

#[cfg(not(target_os = "linux"))]
fn read_boot_id() -> Option<String> {
    None
}

/// A UUID as the kernel prints it; anything else is not trusted to change
/// at every boot.
fn valid_boot_id(id: &str) -> bool {
    id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

fn path(state_dir: &Path) -> PathBuf {
    state_dir.join(FILE)
}

/// What the mark in `state_dir` says, against this boot.
pub(crate) fn read(state_dir: &Path) -> Result<Left, StoreError> {
    let path = path(state_dir);
    match fs::read(&path) {
        Ok(id) if this_boot().is_some_and(|boot| boot.as_bytes() == id.trim_ascii()) => Ok(Left::ThisBoot),
        // Another boot's id, a mark cut short or garbled, or a boot that
        // cannot be told now: nothing vouches for the view.
        Ok(_) => Ok(Left::EarlierBoot),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Left::Synced),
        Err(e) => Err(io(&path)(e)),
    }
}

/// Marks the view as written unsynced in this boot (`boot`), durably,
/// unless it already is.
pub(crate) fn set(state_dir: &Path, boot: &str) -> Result<(), StoreError> {
    if read(state_dir)? == Left::ThisBoot {
        return Ok(());
    }
    let path = path(state_dir);
    let mut file = crate::workspace::private::create(&path).map_err(io(&path))?;
    file.write_all(boot.as_bytes())
        .and_then(|()| file.sync_data())
        .map_err(io(&path))?;
    sync_dir(state_dir)
}

/// Syncs everything in the view and the pending-write note, then takes the
/// mark away. Nothing to do without a mark.
pub(crate) fn clear(state_dir: &Path, view_dir: &Path) -> Result<(), StoreError> {
    let path = path(state_dir);
    if !path.exists() {
        return Ok(());
    }
    sync_tree(view_dir)?;
    let pending = state_dir.join("pending");
    if pending.exists() {
        File::open(&pending).and_then(|f| f.sync_all()).map_err(io(&pending))?;
    }
    fs::remove_file(&path).map_err(io(&path))?;
    sync_dir(state_dir)
}

impl Store {
    /// True when opening will make the view again before anything else,
    /// since the machine restarted after writes to it that were not synced.
    pub fn remakes_view_first(options: &OpenOptions) -> bool {
        crate::workspace::state_dir_of(&options.workspace, &options.state_root)
            .ok()
            .flatten()
            .is_some_and(|dir| read(&dir).is_ok_and(|left| left == Left::EarlierBoot))
    }

    /// The machine went down (or restarted) after writes to the view that
    /// were not synced: some may never have reached the disk, in any order,
    /// so the view is made again. A clean shutdown wrote it out whole,
    /// though, so it first mends this replica's journal if it can
    /// (`mend_from_old_view`).
    pub(super) fn remake_after_restart(options: OpenOptions) -> Result<Store, StoreError> {
        let restored = Store::mend_from_old_view(&options);
        let mut store = Store::rebuild_view(options, false)?;
        store.recovery.rebuilt_view = true;
        store.recovery.rebuilt_after_restart = true;
        store.recovery.restored = restored;
        Ok(store)
    }

    /// Once the view is whole: a process that leaves it unsynced marks this
    /// boot (over an earlier boot's mark, now that the view is made again);
    /// one that syncs what it writes syncs the view whole if a process left
    /// it unsynced, so that a restart need not rebuild it.
    pub(super) fn settle_unsynced_mark(&self) -> Result<(), StoreError> {
        match this_boot() {
            Some(boot) if view_files::leaves_view_unsynced() => set(&self.ws.state_dir, boot),
            _ => clear(&self.ws.state_dir, &self.ws.view_dir()),
        }
    }
}

/// Every file under `dir`, and `dir` itself with every folder in it.
fn sync_tree(dir: &Path) -> Result<(), StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            sync_tree(&path)?;
        } else if kind.is_file() {
            File::open(&path).and_then(|f| f.sync_all()).map_err(io(&path))?;
        }
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_boot_id_is_a_uuid_as_the_kernel_prints_it() {
        assert!(valid_boot_id("0f2c6f4e-8d0b-4b8e-9f57-4c1f5d9e2a31"));
        assert!(!valid_boot_id(""));
        assert!(!valid_boot_id("0f2c6f4e-8d0b-4b8e-9f57"));
        assert!(!valid_boot_id("0f2c6f4e-8d0b-4b8e-9f57-4c1f5d9e2a3/"));
    }

    #[test]
    fn a_mark_says_this_boot_until_cleared_and_an_earlier_boot_after_a_restart() {
        let Some(boot) = this_boot() else {
            eprintln!("skipped: this system does not say its boot id");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let (state, view) = (dir.path(), dir.path().join("view"));
        fs::create_dir_all(view.join("blobs")).unwrap();
        fs::write(view.join("db"), b"bytes").unwrap();
        fs::write(view.join("blobs").join("1"), b"blob").unwrap();
        assert_eq!(read(state).unwrap(), Left::Synced);
        set(state, boot).unwrap();
        assert_eq!(read(state).unwrap(), Left::ThisBoot);
        // Set again in the same boot: the mark is left as it is.
        set(state, boot).unwrap();
        assert_eq!(read(state).unwrap(), Left::ThisBoot);
        // The machine restarted: its id changed.
        fs::write(path(state), "00000000-0000-0000-0000-000000000000").unwrap();
        assert_eq!(read(state).unwrap(), Left::EarlierBoot);
        // A mark cut short or garbled vouches for nothing either.
        fs::write(path(state), "").unwrap();
        assert_eq!(read(state).unwrap(), Left::EarlierBoot);
        fs::write(path(state), b"\xff\xfe\x00garbled").unwrap();
        assert_eq!(read(state).unwrap(), Left::EarlierBoot);
        clear(state, &view).unwrap();
        assert_eq!(read(state).unwrap(), Left::Synced);
        assert_eq!(fs::read(view.join("db")).unwrap(), b"bytes");
        // Nothing to clear: nothing done.
        clear(state, &view).unwrap();
    }
}
