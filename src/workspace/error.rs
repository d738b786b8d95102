use std::io;
use std::path::PathBuf;

use thiserror::Error;

use crate::i18n::{t, tf};

#[derive(Debug, Error)]
pub enum WorkspaceError {
    #[error("{}", t("error.workspace.no_home"))]
    NoHome,
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}", tf("error.workspace.config", &[("path", &path.display()), ("message", message)]))]
    Config { path: PathBuf, message: String },
    /// A config file named by `--config` or `GUANXI_CONFIG` that is not
    /// there: unlike the default one, which may be missing, it was asked for.
    #[error("{}", tf("error.workspace.no_config", &[("path", &.0.display())]))]
    NoConfig(PathBuf),
    #[error("{}", tf("error.workspace.not_a_workspace", &[("path", &.0.display())]))]
    NotAWorkspace(PathBuf),
    /// A missing or empty folder named for a command that needs a workspace.
    #[error("{}", tf("error.workspace.no_workspace", &[("path", &.0.display())]))]
    NoWorkspace(PathBuf),
    /// The same, for the default workspace, which nothing has made yet.
    #[error("{}", tf("error.workspace.no_workspace_yet", &[("path", &.0.display())]))]
    NoWorkspaceYet(PathBuf),
    /// Sample data goes only into a new or empty folder.
    #[error("{}", tf("error.workspace.demo_not_empty", &[("path", &.0.display())]))]
    DemoNeedsEmptyFolder(PathBuf),
    #[error("{}", tf("error.workspace.already_a_workspace", &[("path", &path.display()), ("name", name)]))]
    AlreadyAWorkspace { path: PathBuf, name: String },
    #[error("{}", tf("error.workspace.bad_meta", &[("path", &path.display()), ("message", message)]))]
    BadMeta { path: PathBuf, message: String },
    #[error("{}", tf("error.workspace.newer_format", &[("path", &path.display()), ("found", found), ("supported", supported)]))]
    NewerFormat { path: PathBuf, found: u32, supported: u32 },
    #[error("{}", match pid {
        Some(p) => tf("error.workspace.already_open_pid", &[("path", &workspace.display()), ("pid", p)]),
        None => tf("error.workspace.already_open", &[("path", &workspace.display())]),
    })]
    AlreadyOpen {
        workspace: PathBuf,
        pid: Option<u32>,
        /// The workspace's local state, where the holder may lend the view
        /// (`crate::workspace::loan`).
        state_dir: PathBuf,
    },
    /// A folder this machine opened as a workspace is missing or empty now.
    #[error("{}", tf("error.workspace.vanished", &[("path", &path.display()), ("name", name)]))]
    Vanished { path: PathBuf, name: String },
    /// The workspace folder vanished while guanxi had it open.
    #[error("{}", tf("error.workspace.gone", &[("path", &.0.display())]))]
    Gone(PathBuf),
}

impl WorkspaceError {
    /// What the user named or wrote was at fault (exit status 2), not the
    /// machine or the files.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            WorkspaceError::Config { .. }
                | WorkspaceError::NoConfig(_)
                | WorkspaceError::NotAWorkspace(_)
                | WorkspaceError::NoWorkspace(_)
                | WorkspaceError::NoWorkspaceYet(_)
                | WorkspaceError::DemoNeedsEmptyFolder(_)
                | WorkspaceError::AlreadyAWorkspace { .. }
                | WorkspaceError::Vanished { .. }
        )
    }
}

pub(crate) fn io_at(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> WorkspaceError {
    let path = path.into();
    move |source| WorkspaceError::Io { path, source }
}
