//! A workspace is a folder holding the journals of everyone who shares it
//! (and nothing else that changes). Each machine keeps its own local state
//! for it elsewhere: its replica id, a lock, and the sled view.
//!
//! ```text
//! WORKSPACE/guanxi-workspace.toml        id and name, written once
//! WORKSPACE/replicas/<replica>/*.journal  one folder per replica
//! STATE_ROOT/<workspace id>/replica      this machine's replica id
//! STATE_ROOT/<workspace id>/lock
//! STATE_ROOT/<workspace id>/ui.sock       where an open UI lends the view (`loan`)
//! STATE_ROOT/<workspace id>/view/        sled database (rebuildable)
//! ```

pub mod clock;
pub mod config;
pub mod error;
pub mod loan;
pub mod locations;
pub mod lock;
pub mod private;

use std::fs;
use std::io;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use clock::Clock;
pub use config::Config;
pub use error::WorkspaceError;
use error::io_at;
pub use locations::Locations;

use crate::sync::ReplicaId;

pub const META_FILE: &str = "guanxi-workspace.toml";
/// The newest workspace layout this build understands.
/// 2: an encrypted workspace (`encryption`): a guanxi that cannot seal
/// must not write plain frames into it. Plain workspaces stay format 1.
pub const FORMAT: u32 = 2;
const PLAIN_FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub id: String,
    pub name: String,
    pub format: u32,
    /// Every journal and snapshot frame is sealed with the team key.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
}

#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub meta: Meta,
    /// Local state for this workspace on this machine.
    pub state_dir: PathBuf,
    pub replica: ReplicaId,
    /// True when this call made the folder a workspace.
    pub created: bool,
    pub lock: lock::Lock,
}

impl Workspace {
    /// Opens the workspace at `root`, making it one first when the folder is
    /// missing or empty, and locks it for this process.
    pub fn open(root: &Path, state_root: &Path) -> Result<Workspace, WorkspaceError> {
        let root = absolute(root)?;
        let (meta, created) = match read_meta(&root)? {
            Some(meta) => (meta, false),
            None => {
                // An unmounted share or a deleted folder is not a place for a
                // new, empty workspace: its team's history would split in two.
                if let Some(name) = once_here(&root, state_root) {
                    return Err(WorkspaceError::Vanished { path: root, name });
                }
                (init(&root, None)?, true)
            }
        };
        let state_dir = state_root.join(&meta.id);
        // Local state holds every customer: the owner's alone.
        private::dir(state_root).map_err(io_at(state_root))?;
        private::dir(&state_dir).map_err(io_at(&state_dir))?;
        remember_place(&state_dir, &root, &meta.name);
        let lock = lock::acquire(&state_dir.join("lock"), &root)?;
        let replica = replica_id(&state_dir)?;
        Ok(Workspace {
            root,
            meta,
            state_dir,
            replica,
            created,
            lock,
        })
    }

    pub fn view_dir(&self) -> PathBuf {
        view_dir_in(&self.state_dir)
    }

    /// Where bytes cut from a damaged journal tail are kept, locally.
    pub fn salvage_dir(&self) -> PathBuf {
        self.state_dir.join("salvage")
    }

    /// Notes which of this replica's changes are about to be written to
    /// its journal. After a crash, those found in the journal but not in
    /// the view are this install's to replay; any others were written by
    /// another install using the same replica id. Synced unless `sync` is
    /// false: a process that leaves the view unsynced leaves this note with
    /// it, since after the machine goes down the view is made again from
    /// the journals, which needs no note.
    pub fn note_pending_write(&self, seqs: RangeInclusive<u64>, sync: bool) -> Result<(), WorkspaceError> {
        let path = self.state_dir.join("pending");
        let text = format!("{} {}", seqs.start(), seqs.end());
        private::overwrite(&path, text.as_bytes())
            .and_then(|file| if sync { file.sync_data() } else { Ok(()) })
            .map_err(io_at(&path))
    }

    /// The changes last noted as about to be written, if any.
    pub fn pending_write(&self) -> Option<RangeInclusive<u64>> {
        let text = fs::read_to_string(self.state_dir.join("pending")).ok()?;
        let mut parts = text.split_whitespace().map(|p| p.parse::<u64>().ok());
        Some(parts.next()??..=parts.next()??)
    }

    /// Gives this install a new replica id (it was found to share its id
    /// with another install) and returns it.
    pub fn take_new_replica_id(&mut self) -> Result<ReplicaId, WorkspaceError> {
        let id = ReplicaId(random_u64());
        write_atomically(&self.state_dir.join("replica"), id.to_string().as_bytes(), true)?;
        let _ = fs::remove_file(self.state_dir.join("pending"));
        self.replica = id;
        Ok(id)
    }
}

fn absolute(p: &Path) -> Result<PathBuf, WorkspaceError> {
    std::path::absolute(p).map_err(io_at(p))
}

/// The workspace's metadata, `None` when the folder is missing or empty
/// (hidden files such as a sync client's `.stfolder` do not count).
fn read_meta(root: &Path) -> Result<Option<Meta>, WorkspaceError> {
    let path = root.join(META_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => {
            let meta: Meta = toml::from_str(&text).map_err(|e| WorkspaceError::BadMeta {
                path: path.clone(),
                message: e.message().to_string(),
            })?;
            // The id names a local folder: only plain hex is acceptable.
            if meta.id.is_empty() || meta.id.len() > 64 || !meta.id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(WorkspaceError::BadMeta {
                    path,
                    message: format!("'{}' is not a workspace id", meta.id),
                });
            }
            if meta.format > FORMAT {
                return Err(WorkspaceError::NewerFormat {
                    path,
                    found: meta.format,
                    supported: FORMAT,
                });
            }
            Ok(Some(meta))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if has_visible_entries(root)? {
                Err(WorkspaceError::NotAWorkspace(root.to_path_buf()))
            } else {
                Ok(None)
            }
        }
        Err(e) => Err(io_at(path)(e)),
    }
}

/// The local state this machine keeps (or would keep) for the workspace at
/// `root`, found without opening it; `None` when no workspace is there yet.
pub fn state_dir_of(root: &Path, state_root: &Path) -> Result<Option<PathBuf>, WorkspaceError> {
    Ok(read_meta(&absolute(root)?)?.map(|meta| state_root.join(meta.id)))
}

/// The view (sled and its pack) in a workspace's local state folder.
pub fn view_dir_in(state_dir: &Path) -> PathBuf {
    state_dir.join("view")
}

/// The id of the workspace at `root`, if one is there and readable: how a
/// running guanxi tells its workspace is still in place.
pub fn read_id(root: &Path) -> Option<String> {
    let text = fs::read_to_string(root.join(META_FILE)).ok()?;
    toml::from_str::<Meta>(&text).ok().map(|m| m.id)
}

fn has_visible_entries(root: &Path) -> Result<bool, WorkspaceError> {
    let entries = match fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_at(root)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io_at(root))?;
        if !entry.file_name().to_string_lossy().starts_with('.') {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `guanxi init`: makes a missing or empty folder a workspace named `name`.
/// A folder that already is one, or holds other files, is refused.
pub fn create(root: &Path, name: Option<&str>) -> Result<Meta, WorkspaceError> {
    create_with(root, name, false)
}

/// [`create`], saying whether the workspace is an encrypted one.
pub fn create_with(root: &Path, name: Option<&str>, encrypted: bool) -> Result<Meta, WorkspaceError> {
    let root = absolute(root)?;
    match read_meta(&root)? {
        Some(meta) => Err(WorkspaceError::AlreadyAWorkspace {
            path: root,
            name: meta.name,
        }),
        None => init_with(&root, name, encrypted),
    }
}

/// True when the workspace at `root` says it is encrypted.
pub fn read_encrypted(root: &Path) -> bool {
    read_meta(root).ok().flatten().is_some_and(|m| m.encrypted)
}

/// For commands that have nothing to do in a new workspace (reading,
/// changing what is there): `root` must already be a workspace. A missing
/// or empty folder is not made one (a mistyped `--workspace` must not
/// leave a new workspace behind); a folder of other files is refused as
/// `Workspace::open` refuses it.
pub fn require_existing(root: &Path) -> Result<(), WorkspaceError> {
    let root = absolute(root)?;
    match read_meta(&root)? {
        Some(_) => Ok(()),
        None => Err(WorkspaceError::NoWorkspace(root)),
    }
}

/// True when `root` is missing or empty (hidden files such as a sync
/// client's `.stfolder` aside): a folder nothing would be mixed into.
pub fn is_missing_or_empty(root: &Path) -> Result<bool, WorkspaceError> {
    Ok(!has_visible_entries(root)?)
}

/// Makes `root` a workspace. Written to a temporary name and renamed, so a
/// sync client never copies half a metadata file.
pub fn init(root: &Path, name: Option<&str>) -> Result<Meta, WorkspaceError> {
    init_with(root, name, false)
}

/// [`init`], for an encrypted workspace when `encrypted`.
pub fn init_with(root: &Path, name: Option<&str>, encrypted: bool) -> Result<Meta, WorkspaceError> {
    fs::create_dir_all(root).map_err(io_at(root))?;
    let meta = Meta {
        id: format!("{:016x}", random_u64()),
        name: name
            .map(str::to_string)
            .or_else(|| root.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "guanxi".to_string()),
        format: if encrypted { FORMAT } else { PLAIN_FORMAT },
        encrypted,
    };
    let text = format!(
        "# A guanxi workspace: share this whole folder with your team; do not edit.\n{}",
        toml::to_string(&meta).map_err(|e| WorkspaceError::BadMeta {
            path: root.join(META_FILE),
            message: e.to_string(),
        })?
    );
    write_atomically(&root.join(META_FILE), text.as_bytes(), false)?;
    Ok(meta)
}

/// Where this machine last opened the workspace whose local state is in
/// `state_dir`, and its name: two lines of a private file.
const PLACE_FILE: &str = "place";

fn remember_place(state_dir: &Path, root: &Path, name: &str) {
    let text = format!("{}\n{name}\n", root.display());
    let path = state_dir.join(PLACE_FILE);
    if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        // Only a help for a later message: failing to write it is no error.
        let _ = private::write(&path, text.as_bytes());
    }
}

/// The name of the workspace this machine last opened at `root`, if any.
fn once_here(root: &Path, state_root: &Path) -> Option<String> {
    let wanted = root.display().to_string();
    fs::read_dir(state_root).ok()?.flatten().find_map(|entry| {
        let text = fs::read_to_string(entry.path().join(PLACE_FILE)).ok()?;
        let mut lines = text.lines();
        (lines.next()? == wanted).then(|| lines.next().unwrap_or_default().to_string())
    })
}

fn replica_id(state_dir: &Path) -> Result<ReplicaId, WorkspaceError> {
    let path = state_dir.join("replica");
    match fs::read_to_string(&path) {
        Ok(text) => ReplicaId::parse(text.trim()).ok_or_else(|| WorkspaceError::BadMeta {
            path: path.clone(),
            message: "not a replica id".to_string(),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let id = ReplicaId(random_u64());
            write_atomically(&path, id.to_string().as_bytes(), true)?;
            Ok(id)
        }
        Err(e) => Err(io_at(path)(e)),
    }
}

/// `private`: readable by the owner only (local state), else as the umask
/// says (workspace files, which teammates read).
fn write_atomically(path: &Path, bytes: &[u8], private: bool) -> Result<(), WorkspaceError> {
    // Hidden, so sync clients that skip dotfiles never see it half-written.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    if private {
        private::write(&tmp, bytes)
    } else {
        fs::write(&tmp, bytes)
    }
    .map_err(io_at(&tmp))?;
    fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io_at(&tmp))?;
    fs::rename(&tmp, path).map_err(io_at(path))
}

/// 64 random bits from the operating system's per-process hash keys, mixed
/// with the time and process id; enough to tell replicas and workspaces
/// apart without another dependency.
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_or_missing_folders_become_workspaces() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("state");
        let root = tmp.path().join("team");
        let ws = Workspace::open(&root, &state).unwrap();
        assert!(ws.created);
        assert!(root.join(META_FILE).exists());
        let replica = ws.replica;
        let id = ws.meta.id.clone();
        drop(ws);
        let again = Workspace::open(&root, &state).unwrap();
        assert!(!again.created);
        assert_eq!(again.replica, replica);
        assert_eq!(again.meta.id, id);
        assert!(
            !again.state_dir.starts_with(&root),
            "local state must stay out of the workspace"
        );
    }

    #[test]
    fn hidden_files_do_not_count_but_others_do() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("state");
        let synced = tmp.path().join("synced");
        fs::create_dir_all(synced.join(".stfolder")).unwrap();
        Workspace::open(&synced, &state).unwrap();
        let busy = tmp.path().join("busy");
        fs::create_dir_all(&busy).unwrap();
        fs::write(busy.join("taxes.xlsx"), b"x").unwrap();
        assert!(matches!(
            Workspace::open(&busy, &state),
            Err(WorkspaceError::NotAWorkspace(_))
        ));
    }

    #[test]
    fn a_second_opener_is_told_clearly() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("state");
        let root = tmp.path().join("ws");
        let _first = Workspace::open(&root, &state).unwrap();
        let err = Workspace::open(&root, &state).unwrap_err();
        assert!(matches!(err, WorkspaceError::AlreadyOpen { .. }), "{err}");
    }

    #[test]
    fn newer_formats_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join(META_FILE), "id = \"ab\"\nname = \"x\"\nformat = 99\n").unwrap();
        let err = Workspace::open(&root, &tmp.path().join("s")).unwrap_err();
        assert!(matches!(err, WorkspaceError::NewerFormat { found: 99, .. }), "{err}");
    }
}
