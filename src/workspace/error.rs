use std::io;
use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum WorkspaceError {
    #[error("cannot find a home directory for guanxi's data; set HOME (or XDG_DATA_HOME) or pass --workspace")]
    NoHome,
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("config file {}: {message}", path.display())]
    Config { path: PathBuf, message: String },
    #[error("{} is not a guanxi workspace: it holds other files (use an empty or new folder)", .0.display())]
    NotAWorkspace(PathBuf),
    #[error("{} is already the guanxi workspace '{name}'", path.display())]
    AlreadyAWorkspace { path: PathBuf, name: String },
    #[error("workspace file {}: {message}", path.display())]
    BadMeta { path: PathBuf, message: String },
    #[error("workspace {} was written by a newer guanxi (format {found}, this one reads up to {supported}); update guanxi", path.display())]
    NewerFormat { path: PathBuf, found: u32, supported: u32 },
    #[error("guanxi is already open on workspace {}{}; close it there first", workspace.display(), pid.map(|p| format!(" (process {p})")).unwrap_or_default())]
    AlreadyOpen { workspace: PathBuf, pid: Option<u32> },
}

pub(crate) fn io_at(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> WorkspaceError {
    let path = path.into();
    move |source| WorkspaceError::Io { path, source }
}
