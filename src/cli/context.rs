//! What every command needs: where the workspace is, who the user is, the
//! team's rules and the time.

use std::path::PathBuf;

use anyhow::Result;

use crate::i18n::tf;
use crate::store::{OpenOptions, Store};
use crate::workspace::{Clock, Config, Locations};

pub struct Context {
    pub locations: Locations,
    pub config: Config,
    /// `--workspace` or `GUANXI_WORKSPACE`, when given.
    pub chosen_workspace: Option<PathBuf>,
    pub clock: Clock,
}

impl Context {
    pub fn new(chosen_workspace: Option<PathBuf>) -> Result<Context> {
        let locations = Locations::from_env()?;
        let config = Config::load(&locations.config_file)?;
        Ok(Context {
            locations,
            config,
            chosen_workspace,
            clock: Clock::from_env(),
        })
    }

    /// The workspace to use: the flag (or environment), else the config's,
    /// else the default one in the data directory.
    pub fn workspace(&self) -> PathBuf {
        self.chosen_workspace
            .clone()
            .or_else(|| self.config.workspace.clone())
            .unwrap_or_else(|| self.locations.default_workspace.clone())
    }

    /// Where the user's keymap.toml and theme.toml overrides live.
    pub fn config_dir(&self) -> PathBuf {
        self.locations
            .config_file
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default()
    }

    pub fn options(&self, workspace: PathBuf) -> OpenOptions {
        OpenOptions {
            workspace,
            state_root: self.locations.state_root.clone(),
            author: self.config.user_name(),
            clock: self.clock,
            rules: self.config.rules(),
        }
    }

    pub fn open(&self) -> Result<Store> {
        let store = Store::open(self.options(self.workspace()))?;
        warn_about_recovery(&store);
        Ok(store)
    }
}

/// Tells the user, on stderr, about anything opening had to repair.
pub fn warn_about_recovery(store: &Store) {
    warn_about(store.recovery());
}

/// Says on stderr what opening (or a later read of the journals) found.
pub fn warn_about(r: &crate::store::Recovery) {
    for s in &r.salvaged {
        // File names in a shared folder are anyone's: no control characters.
        let text = tf(
            "cli.note.salvaged",
            &[
                ("bytes", &s.bytes),
                ("segment", &s.segment.display()),
                ("saved_to", &s.saved_to.display()),
            ],
        );
        eprintln!("{}", crate::domain::escape::neutralize(&text));
    }
    if r.rebuilt_view {
        eprintln!("{}", crate::i18n::t("cli.note.rebuilt_view"));
    }
    if let Some((old, new)) = r.new_identity {
        eprintln!("{}", tf("cli.note.new_identity", &[("old", &old), ("new", &new)]));
    }
    for w in &r.clock_warnings {
        eprintln!(
            "{}",
            tf(
                "cli.note.clock_ahead",
                &[("replica", &w.replica), ("minutes", &(w.ahead_ms / 60_000))]
            )
        );
    }
}
