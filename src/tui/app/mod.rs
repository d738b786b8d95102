//! The terminal UI's state. Keys become actions (`keys`), actions change
//! the state and the store (`update`, `submit`), and the screen is drawn
//! from the state alone (`views`).

mod files;
mod keys;
mod refresh;
mod submit;
mod update;

use std::time::Instant;

use chrono::NaiveDate;

use super::forms::Form;
use super::input::LineInput;
use super::keymap::Keymap;
use super::roster::Roster;
use super::search::Search;
use super::theme::Theme;
use crate::domain::{CustomerId, FollowUp, Interaction, Money, Stage, StageChange};
use crate::store::{AgendaItem, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Customers,
    Pipeline,
    Log,
    Agenda,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Customers, Pane::Pipeline, Pane::Log, Pane::Agenda];

    pub fn key(self) -> &'static str {
        match self {
            Pane::Customers => "customers",
            Pane::Pipeline => "pipeline",
            Pane::Log => "log",
            Pane::Agenda => "agenda",
        }
    }
}

/// What the customer table is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// Best search match first (only while a search is active).
    Relevance,
    Name,
    Company,
    Stage,
    Health,
    LastContact,
    NextContact,
    Clv,
}

impl SortColumn {
    pub fn key(self) -> &'static str {
        match self {
            SortColumn::Relevance => "relevance",
            SortColumn::Name => "name",
            SortColumn::Company => "company",
            SortColumn::Stage => "stage",
            SortColumn::Health => "health",
            SortColumn::LastContact => "last_contact",
            SortColumn::NextContact => "next_contact",
            SortColumn::Clv => "clv",
        }
    }

    const CYCLE: [SortColumn; 8] = [
        SortColumn::Relevance,
        SortColumn::Name,
        SortColumn::Company,
        SortColumn::Stage,
        SortColumn::Health,
        SortColumn::LastContact,
        SortColumn::NextContact,
        SortColumn::Clv,
    ];
}

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

/// A customer opened full-screen.
#[derive(Debug, Clone)]
pub struct Detail {
    pub customer: CustomerId,
    pub record: crate::store::CustomerRecord,
    pub follow_ups: Vec<FollowUp>,
    /// Newest first.
    pub interactions: Vec<Interaction>,
    pub history: Vec<StageChange>,
    /// Index into the open follow-ups.
    pub selected: usize,
    pub scroll: u16,
}

impl Detail {
    pub fn open_follow_ups(&self) -> Vec<&FollowUp> {
        self.follow_ups.iter().filter(|f| f.is_open()).collect()
    }
}

/// The customer the panes are about, read once when it changes (not on
/// every frame).
#[derive(Debug, Clone)]
pub struct Focused {
    pub record: crate::store::CustomerRecord,
    pub follow_ups: Vec<FollowUp>,
    pub history: Vec<StageChange>,
}

/// What answering "yes" to a question does.
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    Delete(CustomerId),
    /// After logging: schedule the next follow-up, then maybe offer a stage.
    ScheduleNext {
        customer: CustomerId,
        then_stage: Option<Stage>,
    },
    MoveStage {
        customer: CustomerId,
        to: Stage,
    },
    /// Merge duplicates into the first.
    Merge {
        keep: CustomerId,
        others: Vec<CustomerId>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub question: String,
    pub then: Then,
}

#[derive(Debug, Clone, Default)]
pub struct Palette {
    pub input: LineInput,
    pub selected: usize,
}

/// Popups and full-screen views over the panes; the top one gets each key
/// first.
#[derive(Debug)]
pub enum Layer {
    Detail(Box<Detail>),
    Form(Box<Form>),
    Prompt(Prompt),
    Help { scroll: u16 },
    Palette(Palette),
    Import(Box<ImportState>),
    Dupes(Dupes),
}

/// Importing a file: asking where it is, showing what it will do, doing it.
#[derive(Debug)]
pub enum ImportState {
    Path { input: LineInput, error: Option<String> },
    Preview(ImportJob),
    Running(ImportJob),
}

/// A read and planned import.
#[derive(Debug)]
pub struct ImportJob {
    pub path: String,
    pub format: crate::interop::import::Format,
    pub mapping: Vec<(String, String)>,
    pub plan: crate::interop::import::Plan,
    pub resume: std::path::PathBuf,
    /// Steps saved so far.
    pub done: usize,
    pub report: crate::interop::import::Report,
    /// First line of the preview shown.
    pub scroll: usize,
}

/// Groups of customers that look like the same person.
#[derive(Debug, Clone, Default)]
pub struct Dupes {
    pub groups: Vec<crate::domain::duplicates::Group>,
    pub selected: usize,
}

/// The editor the event loop should open (it owns the terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorRequest {
    pub field: usize,
    pub text: String,
}

pub struct App {
    pub store: Store,
    pub keymap: Keymap,
    pub theme: Theme,
    pub pane: Pane,
    pub roster: Roster,
    search: Search,
    /// The search box's text, and whether it has the keyboard.
    pub query: LineInput,
    pub searching: bool,
    pub sort: SortColumn,
    pub descending: bool,
    pub mine_only: bool,
    /// Customers shown, in order, after search and filters.
    pub visible: Vec<CustomerId>,
    pub table_cursor: usize,
    /// The pipeline: `visible` grouped by stage.
    pub board: [Vec<CustomerId>; 7],
    /// Each column's lifetime-value total, made with the board.
    pub board_totals: [Money; 7],
    pub board_column: usize,
    pub board_rows: [usize; 7],
    /// The customer the panes are about, and what is shown of it.
    pub current: Option<CustomerId>,
    pub focus: Option<Box<Focused>>,
    pub log_everyone: bool,
    pub log: Vec<Interaction>,
    pub log_cursor: usize,
    pub agenda: Vec<AgendaItem>,
    pub agenda_cursor: usize,
    pub layers: Vec<Layer>,
    pub message: Option<Message>,
    /// Changes that arrived from teammates since the UI opened.
    pub arrived: u64,
    /// Changes kept on this machine while the workspace folder is away.
    pub kept_locally: usize,
    pub today: NaiveDate,
    pub quit: bool,
    pub editor: Option<EditorRequest>,
    /// The sample workspace the UI moved to, to name when it closes.
    pub sample_workspace: Option<std::path::PathBuf>,
    last_ingest: Instant,
    watcher: crate::sync::watch::Watcher,
    /// The customers being read on another thread at start.
    loading: Option<std::sync::mpsc::Receiver<Result<Roster, StoreError>>>,
}

/// How often teammates' journals are read when no notification came (some
/// sync clients and network shares send none).
const INGEST_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
/// After a notification, how long to let a burst of file writes settle.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(150);

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
        let view = store.view();
        let (tx, rx) = std::sync::mpsc::channel();
        // Names sort by the language of the thread that opened the UI.
        let lang = crate::i18n::language();
        std::thread::spawn(move || {
            crate::i18n::set_thread_language(lang);
            let loaded = Roster::load(&view);
            // Let go of the view before saying so: whoever waits may close
            // the store next (and reopening needs every handle gone).
            drop(view);
            let _ = tx.send(loaded);
        });
        let mut app = App::empty(store, keymap, theme);
        app.loading = Some(rx);
        app
    }

    /// Waits for the customers being loaded and shows them.
    pub fn wait_loaded(&mut self) -> Result<(), StoreError> {
        if let Some(rx) = self.loading.take() {
            match rx.recv() {
                Ok(loaded) => self.install(loaded?),
                Err(_) => self.install(Roster::load(&self.store.view())?),
            }
        }
        Ok(())
    }

    /// True until the customers are loaded.
    pub fn loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Shows the loaded customers, then catches up with what changed while
    /// they were read.
    pub(super) fn install(&mut self, roster: Roster) {
        self.roster = roster;
        self.reindex();
        self.recompute_visible();
        self.reload_agenda();
        self.reload_log();
        self.refresh();
    }

    /// Takes the loaded customers when the loading thread is done.
    fn take_loaded(&mut self) -> bool {
        let Some(rx) = &self.loading else {
            return false;
        };
        match rx.try_recv() {
            Ok(Ok(roster)) => {
                self.loading = None;
                self.install(roster);
            }
            Ok(Err(e)) => {
                self.loading = None;
                self.fail(e);
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => return false,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.loading = None;
                match Roster::load(&self.store.view()) {
                    Ok(roster) => self.install(roster),
                    Err(e) => self.fail(e),
                }
            }
        }
        true
    }

    /// After rows were added, removed or renamed: the name order and
    /// search's copy of the rows follow.
    pub(super) fn reindex(&mut self) {
        self.roster.rank();
        self.search.rebuild(&self.roster);
        if self.search.is_active() {
            self.search.tick(10);
        }
    }

    /// No customers yet: every list is empty until `install`.
    fn empty(store: Store, keymap: Keymap, theme: Theme) -> App {
        let watcher = crate::sync::watch::Watcher::new(&store.workspace().root);
        let today = store.clock().today();
        App {
            store,
            keymap,
            theme,
            pane: Pane::Customers,
            roster: Roster::default(),
            search: Search::new(),
            query: LineInput::default(),
            searching: false,
            sort: SortColumn::Name,
            descending: false,
            mine_only: false,
            visible: Vec::new(),
            table_cursor: 0,
            board: Default::default(),
            board_totals: Default::default(),
            board_column: 0,
            board_rows: [0; 7],
            current: None,
            focus: None,
            log_everyone: false,
            log: Vec::new(),
            log_cursor: 0,
            agenda: Vec::new(),
            agenda_cursor: 0,
            layers: Vec::new(),
            message: None,
            arrived: 0,
            kept_locally: 0,
            today,
            quit: false,
            editor: None,
            sample_workspace: None,
            last_ingest: Instant::now(),
            watcher,
            loading: None,
        }
    }

    /// Leaves the open workspace for `store`'s (after making sample data):
    /// the old one is saved and let go, and everything is read again.
    pub(super) fn move_to(&mut self, store: Store) {
        let mut old = std::mem::replace(&mut self.store, store);
        let _ = old.flush();
        let _ = old.publish_seen();
        drop(old);
        self.watcher = crate::sync::watch::Watcher::new(&self.store.workspace().root);
        self.arrived = 0;
        self.last_ingest = Instant::now();
        self.reload_all();
    }

    /// True while a search narrows the customers shown.
    pub fn filtering(&self) -> bool {
        self.search.is_active()
    }

    /// The workspace has no customers yet: show the welcome screen.
    pub fn welcome(&self) -> bool {
        self.roster.is_empty() && self.layers.is_empty() && !self.loading()
    }

    pub fn say(&mut self, tone: Tone, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            tone,
        });
    }

    /// Reports a failure from the store without losing the UI.
    pub fn fail(&mut self, err: impl std::fmt::Display) {
        self.say(Tone::Error, err.to_string());
    }

    /// Work done between keys: new search results, teammates' changes, a
    /// new day. Returns true when the screen must be redrawn.
    pub fn tick(&mut self) -> bool {
        let mut changed = self.take_loaded();
        if self.importing() {
            // One chunk per turn of the loop: keys (Esc) still get through.
            return self.import_tick();
        }
        if self.search.is_active() && self.search.tick(0) {
            self.recompute_visible();
            changed = true;
        }
        let since = self.last_ingest.elapsed();
        if since >= INGEST_EVERY || (since >= SETTLE && self.watcher.take_changed()) {
            self.last_ingest = Instant::now();
            match self.store.ingest_others() {
                Ok(report) => {
                    let n = report.arrived_count();
                    if n > 0 {
                        self.arrived += n;
                        self.refresh();
                        changed = true;
                    }
                    if let Some(w) = report.clock_warnings.first() {
                        self.say(
                            Tone::Error,
                            crate::i18n::tf(
                                "status.clock_ahead",
                                &[("replica", &w.replica), ("minutes", &(w.ahead_ms / 60_000))],
                            ),
                        );
                        changed = true;
                    }
                    if let Some((_, new)) = report.new_identity {
                        self.say(Tone::Info, crate::i18n::tf("status.new_identity", &[("replica", &new)]));
                        changed = true;
                    }
                    if let Some(d) = report.damaged.first() {
                        self.say(
                            Tone::Error,
                            crate::i18n::tf("status.journal_damage", &[("what", &d.describe())]),
                        );
                        changed = true;
                    }
                    if report.restored.is_some() {
                        self.store.note_restored(report.restored);
                    }
                }
                Err(e) => {
                    self.fail(e);
                    changed = true;
                }
            }
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

    /// After anything that may have written: says when the workspace
    /// folder went away (changes are kept on this machine) or came back,
    /// and when this replica's journal had to be mended. Returns true when
    /// the screen must be redrawn.
    pub fn note_saving(&mut self) -> bool {
        let news = self.store.take_news();
        let kept = self.store.kept_locally();
        let mut changed = kept != self.kept_locally;
        if kept > self.kept_locally {
            self.say(Tone::Error, crate::i18n::t("status.workspace_gone"));
        }
        if let Some(r) = news.restored {
            if r.kept > 0 {
                self.say(
                    Tone::Success,
                    crate::i18n::tf("status.workspace_back", &[("count", &r.kept)]),
                );
            } else {
                self.say(
                    Tone::Info,
                    crate::i18n::tf("status.journal_restored", &[("count", &r.remade)]),
                );
            }
            changed = true;
        }
        self.kept_locally = kept;
        changed
    }

    /// True while search workers are busy (the loop then polls faster).
    pub fn busy(&mut self) -> bool {
        self.loading() || self.importing() || (self.search.is_active() && self.search.running())
    }
}
