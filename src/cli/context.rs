//! What every command needs: where the workspace is, who the user is, the
//! team's rules and the time.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::domain::draft::InteractionValues;
use crate::domain::{CustomerId, InteractionId};
use crate::i18n::tf;
use crate::store::{OpenOptions, Store, StoreError};
use crate::workspace::{self, Clock, Config, Locations, WorkspaceError, loan};

/// How long a process that let go of the view may still hold its locks.
const LOCK_RELEASE: std::time::Duration = std::time::Duration::from_secs(2);

pub struct Context {
    pub locations: Locations,
    pub config: Config,
    /// `--workspace` or `GUANXI_WORKSPACE`, when given.
    pub chosen_workspace: Option<PathBuf>,
    /// True when `chosen_workspace` came from the `--workspace` flag itself,
    /// not the environment.
    pub workspace_from_flag: bool,
    pub clock: Clock,
    /// The local state folders opened by this command, made private again
    /// when it ends (sled makes files of its own as it goes).
    opened: RefCell<Vec<PathBuf>>,
    /// False in the UI: it keeps the view, so it never borrows it.
    may_borrow: Cell<bool>,
    /// Views borrowed from a UI open on the same workspace, given back
    /// when the command ends (its stores are closed by then).
    loans: RefCell<Vec<loan::Loan>>,
    /// What unlocks an encrypted workspace (`--passphrase-file`,
    /// `--identity`).
    pub secrets: super::unlock::Secrets,
}

impl Context {
    /// `config_file` is the one named by `--config` or `GUANXI_CONFIG`
    /// (see [`named_config`]), else the default one is read.
    pub fn new(
        chosen_workspace: Option<PathBuf>,
        workspace_from_flag: bool,
        config_file: Option<&Path>,
    ) -> Result<Context> {
        let locations = Locations::from_env()?;
        let locations = match config_file {
            Some(file) => locations.with_config_file(file),
            None => locations,
        };
        let config = Config::load(&locations.config_file)?;
        Ok(Context {
            locations,
            config,
            chosen_workspace,
            workspace_from_flag,
            clock: Clock::from_env(),
            opened: RefCell::new(Vec::new()),
            may_borrow: Cell::new(true),
            loans: RefCell::new(Vec::new()),
            secrets: super::unlock::Secrets::default(),
        })
    }

    /// The `--workspace` flag's folder, when the flag (not the environment)
    /// named one.
    pub fn workspace_flag(&self) -> Option<&Path> {
        self.chosen_workspace.as_deref().filter(|_| self.workspace_from_flag)
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
        self.locations.config_dir()
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

    /// Opens the workspace for a command that has nothing to do in a new
    /// one (reading, or changing what is there): a folder that is not a
    /// workspace yet is refused, not made one.
    pub fn open(&self) -> Result<Store> {
        self.require_workspace()?;
        self.open_at(self.workspace())
    }

    /// Opens the workspace for a command that can start one (`add`,
    /// `import`, the UI): a missing or empty folder becomes a workspace,
    /// and the user is told, in case the folder was mistyped.
    pub fn open_or_create(&self) -> Result<Store> {
        let store = self.open_at(self.workspace())?;
        if store.workspace().created {
            note(&tf(
                "cli.note.created_workspace",
                &[("path", &store.workspace().root.display())],
            ));
        }
        Ok(store)
    }

    /// Refuses a workspace folder that is not one yet.
    pub fn require_workspace(&self) -> Result<(), WorkspaceError> {
        let path = self.workspace();
        match workspace::require_existing(&path) {
            Err(WorkspaceError::NoWorkspace(p)) if self.is_default_workspace() => {
                Err(WorkspaceError::NoWorkspaceYet(p))
            }
            other => other,
        }
    }

    /// No workspace was named: the default one in the data directory.
    fn is_default_workspace(&self) -> bool {
        self.chosen_workspace.is_none() && self.config.workspace.is_none()
    }

    /// For the UI, which holds the view for long: it never borrows one
    /// (a second UI is told the workspace is open).
    pub fn keep_view(&self) {
        self.may_borrow.set(false);
    }

    /// Logs with a customer named by its whole id without opening the
    /// view, when that is safe (`store::quick_log`); None when the command
    /// must open the workspace and log the long way.
    pub fn log_ahead(&self, customer: CustomerId, values: InteractionValues) -> Result<Option<InteractionId>> {
        self.require_workspace()?;
        Ok(crate::store::quick_log::log_ahead(
            &self.options(self.workspace()),
            customer,
            values,
        )?)
    }

    /// Opens (or creates) the workspace at `path`, says what opening
    /// repaired, and keeps its local state private. A view held by a UI
    /// open on the workspace is borrowed from it until the command ends.
    pub fn open_at(&self, path: PathBuf) -> Result<Store> {
        // An encrypted workspace is unlocked first: without its key,
        // nothing is opened or written.
        super::unlock::ensure_unlocked(&path, &self.locations.state_root, &self.secrets)?;
        let options = self.options(path.clone());
        // Said before the work: at 100,000 customers it takes seconds.
        if Store::remakes_view_first(&options) {
            note(crate::i18n::t("cli.note.remaking_view"));
        }
        let store = match Store::open(options) {
            Err(e) => match held_in(&e).filter(|_| self.may_borrow.get()) {
                Some(state_dir) => self.borrow(&state_dir, path)?,
                None => return Err(e.into()),
            },
            Ok(store) => store,
        };
        warn_about_recovery(&store);
        self.opened_state(&store.workspace().state_dir);
        Ok(store)
    }

    /// Opens the workspace whose view a UI holds in `state_dir`, borrowed
    /// from it (`workspace::loan`). Opened once more even when no UI
    /// lends it (one that was closing may have let go meanwhile): then
    /// the error says the workspace is open elsewhere.
    fn borrow(&self, state_dir: &Path, path: PathBuf) -> Result<Store, StoreError> {
        let Some(loan) = loan::borrow(state_dir) else {
            // No UI lent it: one that was closing, or was killed while
            // asked, lets go of its lock a moment after its socket.
            return self.open_once_free(path);
        };
        // The UI opens the view again when the command lets go: sled is
        // closed with the store, not at the end of the process.
        crate::store::close_views_fully();
        // The UI closed its store before saying so; a moment more is
        // allowed for the operating system to see its locks go.
        let store = self.open_once_free(path)?;
        self.loans.borrow_mut().push(loan);
        Ok(store)
    }

    /// Opens the workspace, allowing its lock a moment to be let go.
    fn open_once_free(&self, path: PathBuf) -> Result<Store, StoreError> {
        let deadline = std::time::Instant::now() + LOCK_RELEASE;
        loop {
            match Store::open(self.options(path.clone())) {
                Err(e) if held_in(&e).is_some() && std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                other => return other,
            }
        }
    }

    /// Notes a workspace's local state folder, and takes others' access to
    /// what is in it away (sled makes its files as the umask says).
    pub fn opened_state(&self, state_dir: &Path) {
        workspace::private::tighten(state_dir);
        self.opened.borrow_mut().push(state_dir.to_path_buf());
    }
}

/// The config file named by `--config` or `GUANXI_CONFIG`, which must be
/// there: the default file may be missing (all defaults), but one asked for
/// by name that is not there is a mistake to say, not to pass over.
pub fn named_config(file: Option<&Path>) -> Result<Option<&Path>, WorkspaceError> {
    let Some(file) = file else {
        return Ok(None);
    };
    match file.try_exists() {
        Ok(true) => Ok(Some(file)),
        Ok(false) => Err(WorkspaceError::NoConfig(file.to_path_buf())),
        Err(source) => Err(WorkspaceError::Io {
            path: file.to_path_buf(),
            source,
        }),
    }
}

/// At the end of a command (the stores it opened are closed by then): the
/// files sled made in the local state since opening are private too, and
/// a borrowed view goes back to the UI.
impl Drop for Context {
    fn drop(&mut self) {
        for dir in self.opened.get_mut().iter() {
            workspace::private::tighten(dir);
        }
        self.loans.get_mut().clear();
    }
}

/// The local state folder of a workspace another process has open.
fn held_in(e: &StoreError) -> Option<PathBuf> {
    match e {
        StoreError::Workspace(WorkspaceError::AlreadyOpen { state_dir, .. }) => Some(state_dir.clone()),
        _ => None,
    }
}

/// Tells the user, on stderr, about anything opening had to repair.
pub fn warn_about_recovery(store: &Store) {
    warn_about(store.recovery());
}

/// One line on stderr. File names in a shared folder, and what a damaged
/// journal says, are anyone's text: made safe like all data.
fn note(text: &str) {
    eprintln!("{}", crate::domain::escape::neutralize(text));
}

/// Says on stderr what opening (or a later read of the journals) found.
pub fn warn_about(r: &crate::store::Recovery) {
    for s in &r.salvaged {
        note(&crate::i18n::tn(
            "cli.note.salvaged",
            s.bytes,
            &[
                ("bytes", &s.bytes),
                ("segment", &s.segment.display()),
                ("saved_to", &s.saved_to.display()),
            ],
        ));
    }
    if r.rebuilt_view {
        note(&match &r.rebuilt_because {
            _ if r.rebuilt_after_restart => crate::i18n::t("cli.note.rebuilt_after_restart").to_string(),
            Some(why) => tf("cli.note.rebuilt_damaged_view", &[("why", why)]),
            None => crate::i18n::t("cli.note.rebuilt_view").to_string(),
        });
    }
    for d in &r.damaged {
        note(&tf("cli.note.damaged", &[("what", &d.describe())]));
    }
    if let Some(why) = &r.unmended {
        note(&tf("cli.note.unmended", &[("why", why)]));
    }
    if let Some(restored) = &r.restored {
        note(&crate::i18n::tn(
            "cli.note.restored",
            restored.kept + restored.remade,
            &[
                ("seqs", &crate::store::describe_runs(&restored.seqs)),
                ("segment", &restored.segment.display()),
            ],
        ));
    }
    if let Some((old, new)) = r.new_identity {
        note(&tf("cli.note.new_identity", &[("old", &old), ("new", &new)]));
    }
    for w in &r.clock_warnings {
        note(&crate::i18n::tn(
            "cli.note.clock_ahead",
            w.ahead_ms / 60_000,
            &[("replica", &w.replica), ("minutes", &(w.ahead_ms / 60_000))],
        ));
    }
}
