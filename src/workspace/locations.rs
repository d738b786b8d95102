//! Where guanxi keeps things on this machine. `directories` follows each
//! platform's conventions (and the XDG variables on Linux, which is how
//! tests isolate themselves with a temporary HOME).

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use super::error::WorkspaceError;

#[derive(Debug, Clone)]
pub struct Locations {
    /// `config.toml`: user name, default workspace, CLV and cadence rules.
    pub config_file: PathBuf,
    /// The workspace used when none is named.
    pub default_workspace: PathBuf,
    /// Per-workspace local state: replica id, lock, and the sled view.
    /// Never inside a workspace, which may be a shared folder.
    pub state_root: PathBuf,
}

impl Locations {
    pub fn from_env() -> Result<Locations, WorkspaceError> {
        let dirs = ProjectDirs::from("", "", "guanxi").ok_or(WorkspaceError::NoHome)?;
        Ok(Locations {
            config_file: dirs.config_dir().join("config.toml"),
            default_workspace: dirs.data_dir().join("workspace"),
            state_root: dirs.data_local_dir().join("workspaces"),
        })
    }

    /// The same places with `config_file` as the config file (`--config`,
    /// `GUANXI_CONFIG`). The keymap and theme are read beside it, so one
    /// folder holds a whole setup.
    pub fn with_config_file(self, config_file: &Path) -> Locations {
        Locations {
            config_file: std::path::absolute(config_file).unwrap_or_else(|_| config_file.to_path_buf()),
            ..self
        }
    }

    /// Where the user's keymap.toml and theme.toml overrides live: beside
    /// the config file.
    pub fn config_dir(&self) -> PathBuf {
        self.config_file.parent().map(PathBuf::from).unwrap_or_default()
    }

    pub fn keymap_file(&self) -> PathBuf {
        self.config_dir().join("keymap.toml")
    }

    pub fn theme_file(&self) -> PathBuf {
        self.config_dir().join("theme.toml")
    }
}
