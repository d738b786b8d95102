//! The terminal UI's state, split by concern: the panes' lists and
//! cursors (`lists`), the pane-level keys (`panes`), keeping them in step
//! with the store (`refresh`), the customers loading at start (`loader`)
//! and teammates' changes (`teammates`). Popups and forms are layers
//! (`crate::tui::layers`); the screen is drawn from the state alone
//! (`crate::tui::views`).

mod deal_board;
mod lists;
mod loader;
mod organizations;
mod panes;
mod plans;
mod refresh;
mod reports;
mod saved;
mod teammates;

pub use deal_board::{DealBoard, DealColumn, by_close_month};
pub use lists::{AgendaLine, AgendaList, Board, LogList, Table, step};
pub use organizations::{OrgList, OrgPerson, OrgRow};
pub use panes::{Pane, SortColumn};
pub use refresh::AGENDA_DAYS;
pub use reports::{Asked, OwnerChoice, PeriodChoice, Reports, Section};
pub use saved::ChosenList;

use chrono::NaiveDate;

use super::input::LineInput;
use super::keymap::Keymap;
use super::layers::Layer;
use super::roster::Roster;
use super::search::Search;
use super::theme::Theme;
use crate::domain::{CustomerId, FollowUp, Interaction, StageChange};
use crate::store::{Store, StoreError};
use loader::Loader;
use teammates::Teammates;

/// How many of the status bar's messages can be read again.
const MESSAGES_KEPT: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub tone: Tone,
}

/// The customer the panes are about, read once when it changes (not on
/// every frame).
#[derive(Debug, Clone)]
pub struct Focused {
    pub record: crate::store::CustomerRecord,
    pub follow_ups: Vec<FollowUp>,
    pub history: Vec<StageChange>,
    /// What was said last time.
    pub latest: Option<Interaction>,
    /// The due day of the earliest dated tactic of its plan not done yet.
    pub earliest_tactic: Option<chrono::NaiveDate>,
}

/// The editor the event loop should open (it owns the terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorRequest {
    pub field: usize,
    pub text: String,
    /// Set when the text is this target's plan outline, not a form's field.
    pub plan: Option<crate::domain::PlanTarget>,
}

pub struct App {
    pub store: Store,
    pub keymap: Keymap,
    pub theme: Theme,
    pub pane: Pane,
    pub roster: Roster,
    search: Search,
    /// The search box's text (it has the keyboard while `Searching` is the
    /// top layer).
    pub query: LineInput,
    pub sort: SortColumn,
    pub descending: bool,
    pub mine_only: bool,
    /// The saved list the panes are narrowed to, if any.
    pub list: Option<ChosenList>,
    /// The priority list the rows' marks were made with.
    priority_seen: Option<crate::store::SavedList>,
    pub table: Table,
    pub board: Board,
    /// The open deals by close month: the pipeline's other face.
    pub deal_board: DealBoard,
    pub log: LogList,
    pub agenda: AgendaList,
    /// The Organizations pane.
    pub orgs: OrgList,
    /// The Reports pane.
    pub reports: Reports,
    /// The customer the panes are about, and what is shown of it.
    pub current: Option<CustomerId>,
    pub focus: Option<Box<Focused>>,
    /// Popups and full-screen views over the panes, the top one last.
    pub layers: Vec<Box<dyn Layer>>,
    pub message: Option<Message>,
    /// The latest messages, oldest first (the bar shows only the last).
    pub messages: Vec<Message>,
    pub teammates: Teammates,
    /// Changes kept on this machine while the workspace folder is away.
    pub kept_locally: usize,
    pub today: NaiveDate,
    pub quit: bool,
    pub editor: Option<EditorRequest>,
    /// The sample workspace the UI moved to, to name when it closes.
    pub sample_workspace: Option<std::path::PathBuf>,
    /// Whether the UI takes the mouse, and where the last frame drew what
    /// a click can choose.
    pub mouse: crate::tui::mouse::Mouse,
    loader: Loader,
}

impl App {
    /// The UI with every customer loaded (tests and snapshots).
    pub fn new(store: Store, keymap: Keymap, theme: Theme) -> Result<App, StoreError> {
        let mut app = App::start(store, keymap, theme);
        app.wait_loaded()?;
        Ok(app)
    }

    /// The UI at once, with the customers loading on another thread: the
    /// first frame does not wait for them, and `tick` shows them when ready.
    pub fn start(mut store: Store, keymap: Keymap, theme: Theme) -> App {
        // What changed before this point is in what the thread reads.
        store.take_touched();
        let loader = Loader::start(&store);
        let mut app = App::empty(store, keymap, theme);
        app.loader = loader;
        app
    }

    /// Waits for the customers being loaded and shows them.
    pub fn wait_loaded(&mut self) -> Result<(), StoreError> {
        if let Some(loaded) = self.loader.wait(&self.store) {
            self.install(loaded?);
        }
        Ok(())
    }

    /// True until the customers are loaded.
    pub fn loading(&self) -> bool {
        self.loader.loading()
    }

    /// Shows the loaded customers, then catches up with what changed while
    /// they were read.
    fn install(&mut self, roster: Roster) {
        self.roster = roster;
        self.note_priority();
        self.reindex();
        self.recompute_visible();
        self.reload_agenda();
        self.reload_log();
        self.refresh();
    }

    /// Takes the loaded customers when the loading thread is done.
    fn take_loaded(&mut self) -> bool {
        match self.loader.take(&self.store) {
            Some(Ok(roster)) => self.install(roster),
            Some(Err(e)) => self.fail(e),
            None => return false,
        }
        true
    }

    /// After rows were added, removed or renamed: the name order and
    /// search's copy of the rows follow.
    fn reindex(&mut self) {
        self.roster.rank();
        self.search.rebuild(&self.roster);
        if self.search.is_active() {
            self.search.tick(10);
        }
    }

    /// No customers yet: every list is empty until `install`.
    fn empty(store: Store, keymap: Keymap, theme: Theme) -> App {
        let teammates = Teammates::watch(&store.workspace().root);
        let today = store.clock().today();
        App {
            store,
            keymap,
            theme,
            pane: Pane::Customers,
            roster: Roster::default(),
            search: Search::new(),
            query: LineInput::default(),
            sort: SortColumn::Name,
            descending: false,
            mine_only: false,
            list: None,
            priority_seen: None,
            table: Table::default(),
            board: Board::default(),
            deal_board: DealBoard::default(),
            log: LogList::default(),
            agenda: AgendaList::default(),
            orgs: OrgList::default(),
            reports: Reports::default(),
            current: None,
            focus: None,
            layers: Vec::new(),
            message: None,
            messages: Vec::new(),
            teammates,
            kept_locally: 0,
            today,
            quit: false,
            editor: None,
            sample_workspace: None,
            mouse: Default::default(),
            loader: Loader::default(),
        }
    }

    /// Leaves the open workspace for `store`'s (after making sample data):
    /// the old one is saved and let go, and everything is read again.
    fn move_to(&mut self, store: Store) {
        let mut old = std::mem::replace(&mut self.store, store);
        let _ = old.flush();
        let _ = old.publish_seen();
        drop(old);
        self.teammates = Teammates::watch(&self.store.workspace().root);
        self.reload_all();
    }

    /// True while a search narrows the customers shown.
    pub fn filtering(&self) -> bool {
        self.search.is_active()
    }

    /// True while the search box has the keyboard.
    pub fn searching(&self) -> bool {
        self.top::<super::layers::Searching>().is_some()
    }

    /// The workspace has no customers yet: show the welcome screen.
    pub fn welcome(&self) -> bool {
        self.roster.is_empty() && self.layers.is_empty() && !self.loading()
    }

    pub fn say(&mut self, tone: Tone, text: impl Into<String>) {
        let m = Message {
            text: text.into(),
            tone,
        };
        if self.messages.len() >= MESSAGES_KEPT {
            self.messages.remove(0);
        }
        self.messages.push(m.clone());
        self.message = Some(m);
    }

    /// Reports a failure from the store without losing the UI.
    pub fn fail(&mut self, err: impl std::fmt::Display) {
        self.say(Tone::Error, err.to_string());
    }

    /// After a change to the store: on success the panes catch up and
    /// `said` tells what was done; on failure the error shows.
    pub fn report<T, E: std::fmt::Display>(
        &mut self,
        result: Result<T, E>,
        said: impl FnOnce(&T) -> String,
    ) -> Option<T> {
        match result {
            Ok(value) => {
                self.refresh();
                self.say(Tone::Success, said(&value));
                Some(value)
            }
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    /// Work done between keys: new search results, teammates' changes, a
    /// new day. Returns true when the screen must be redrawn.
    pub fn tick(&mut self) -> bool {
        let mut changed = self.take_loaded();
        changed |= self.tick_report();
        if self.top_working() {
            return self.tick_top();
        }
        if self.search.is_active() && self.search.tick(0) {
            self.recompute_visible();
            changed = true;
        }
        if self.teammates.due() {
            changed |= self.read_teammates();
            // Keeps what a crash could make us replay short.
            if self.store.unflushed()
                && let Err(e) = self.store.flush()
            {
                self.fail(e);
            }
            let today = self.store.clock().today();
            if today != self.today {
                self.today = today;
                self.reload_agenda();
                changed = true;
            }
        }
        changed
    }

    /// Reads what teammates wrote; true when the screen must be redrawn.
    fn read_teammates(&mut self) -> bool {
        use crate::i18n::tf;
        let report = match self.store.ingest_others() {
            Ok(report) => report,
            Err(e) => {
                self.fail(e);
                return true;
            }
        };
        let mut changed = false;
        let n = report.arrived_count();
        if n > 0 {
            self.teammates.arrived += n;
            self.refresh();
            changed = true;
        }
        if let Some(w) = report.clock_warnings.first() {
            let minutes = w.ahead_ms / 60_000;
            let said = crate::i18n::tn(
                "status.clock_ahead",
                minutes,
                &[("replica", &w.replica), ("minutes", &minutes)],
            );
            self.say(Tone::Error, said);
            changed = true;
        }
        if let Some((_, new)) = report.new_identity {
            self.say(Tone::Info, tf("status.new_identity", &[("replica", &new)]));
            changed = true;
        }
        if let Some(d) = report.damaged.first() {
            self.say(Tone::Error, tf("status.journal_damage", &[("what", &d.describe())]));
            changed = true;
        }
        if report.restored.is_some() {
            self.store.note_restored(report.restored);
        }
        changed
    }

    /// After anything that may have written: says when the workspace
    /// folder went away (changes are kept on this machine) or came back,
    /// and when this replica's journal had to be mended. Returns true when
    /// the screen must be redrawn.
    pub fn note_saving(&mut self) -> bool {
        use crate::i18n::{t, tn};
        let news = self.store.take_news();
        let kept = self.store.kept_locally();
        let mut changed = kept != self.kept_locally;
        if kept > self.kept_locally {
            self.say(Tone::Error, t("status.workspace_gone"));
        }
        if let Some(r) = news.restored {
            if r.kept > 0 {
                self.say(Tone::Success, tn("status.workspace_back", r.kept, &[]));
            } else {
                self.say(Tone::Info, tn("status.journal_restored", r.remade, &[]));
            }
            changed = true;
        }
        self.kept_locally = kept;
        changed
    }

    /// True when the view can be lent to a command (`crate::tui::lend`):
    /// no thread reads it (but the report's, which `lend` waits for) and
    /// no import is under way.
    pub fn can_lend(&self) -> bool {
        !self.loading() && !self.top_working()
    }

    /// After the view was lent to a command: shows what the command
    /// changed, and says so.
    pub fn view_returned(&mut self, mark: &crate::store::Mark) {
        use crate::store::Changed;
        match self.store.changed_since(mark) {
            Changed::Nothing => {
                // What opening again replayed, if anything.
                self.refresh();
                return;
            }
            Changed::Customers => self.refresh(),
            Changed::Unknown => {
                // Read again behind the screen, as at start.
                self.store.take_touched();
                self.report_data_changed();
                self.loader = Loader::start(&self.store);
            }
        }
        self.say(Tone::Info, crate::i18n::t("status.changed_from_command_line"));
    }

    /// True while search workers are busy (the loop then polls faster).
    pub fn busy(&mut self) -> bool {
        self.loading()
            || self.top_working()
            || self.reports.computing()
            || (self.search.is_active() && self.search.running())
    }
}
