//! The panes under the layers: which keys they read, what the footer
//! hints, and what each action does when no layer is open (or a layer
//! passes it on, about its customer).

use super::{App, Tone};
use crate::domain::{Customer, CustomerId, Stage};
use crate::i18n::{t, tf};
use crate::store::{AgendaWhat, CustomerRecord};
use crate::tui::action::Action;
use crate::tui::forms::Form;
use crate::tui::keymap::Mode;
use crate::tui::layers::{CaptureLine, Export, Help, Hint, Import, Messages, Palette, Prompt, Searching, Then};

/// Rows a page key moves.
const PAGE: isize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Customers,
    Pipeline,
    Log,
    Agenda,
    Reports,
    Organizations,
}

impl Pane {
    pub const ALL: [Pane; 6] = [
        Pane::Customers,
        Pane::Pipeline,
        Pane::Log,
        Pane::Agenda,
        Pane::Reports,
        Pane::Organizations,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Pane::Customers => "customers",
            Pane::Pipeline => "pipeline",
            Pane::Log => "log",
            Pane::Agenda => "agenda",
            Pane::Reports => "reports",
            Pane::Organizations => "organizations",
        }
    }

    /// The number key that shows the pane.
    pub fn number(self) -> u8 {
        match self {
            Pane::Customers => 1,
            Pane::Pipeline => 2,
            Pane::Log => 3,
            Pane::Agenda => 4,
            Pane::Reports => 5,
            Pane::Organizations => 6,
        }
    }

    /// The customer actions worth hinting at in this pane.
    fn hints(self) -> &'static [Action] {
        use Action::*;
        match self {
            Pane::Customers | Pane::Pipeline => &[Search, Open, Add, LogInteraction, FollowUp, NextStage],
            Pane::Log => &[ToggleTimeline, LogInteraction, Open],
            Pane::Agenda => &[Done, Open, LogInteraction, FollowUp],
            Pane::Organizations => &[Open, Back, LogInteraction, FollowUp],
            Pane::Reports => &[Open, Left, ReportPeriod, ReportOwner, SavedLists],
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

    /// True when the column's first order runs from low to high (names
    /// A→Z, earliest date first); health, value and the last contact start
    /// from the highest.
    pub fn starts_ascending(self) -> bool {
        !matches!(self, SortColumn::Health | SortColumn::Clv | SortColumn::LastContact)
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

const PANE_MODES: &[Mode] = &[Mode::Customer, Mode::Navigation, Mode::Global];
/// The Reports pane reads its scope keys first.
const REPORT_MODES: &[Mode] = &[Mode::Reports, Mode::Customer, Mode::Navigation, Mode::Global];
const WELCOME_MODES: &[Mode] = &[Mode::Welcome, Mode::Global];

impl App {
    /// True when an empty workspace shows the welcome screen under no layer.
    fn at_welcome(&self) -> bool {
        self.roster.is_empty() && !self.loading()
    }

    pub(crate) fn pane_modes(&self) -> &'static [Mode] {
        if self.at_welcome() {
            WELCOME_MODES
        } else if self.pane == Pane::Reports {
            REPORT_MODES
        } else {
            PANE_MODES
        }
    }

    pub(crate) fn pane_hints(&self) -> Vec<Hint> {
        use Action::*;
        if self.at_welcome() {
            return [Add, LoadSample, Quit].map(|a| Hint::of(Mode::Welcome, a)).to_vec();
        }
        // On a stay-in-touch row the done key logs a touch: say so.
        let touch_row = self.pane == Pane::Agenda
            && matches!(
                self.agenda.selected().map(|i| &i.what),
                Some(AgendaWhat::StayInTouch { .. })
            );
        let mut h: Vec<Hint> = self
            .pane
            .hints()
            .iter()
            .map(|a| match a {
                Done if touch_row => Hint::saying(Mode::Customer, Done, "hint.log_touch"),
                Left => Hint::saying(Mode::Navigation, Left, "hint.report_section"),
                ReportPeriod | ReportOwner => Hint::of(Mode::Reports, *a),
                _ => Hint::of(Mode::Customer, *a),
            })
            .collect();
        h.extend([Help, Palette, Quit].map(|a| Hint::of(Mode::Global, a)));
        h
    }

    /// What an action does in the pane; false when it has no use here.
    pub(crate) fn pane_action(&mut self, action: Action) -> bool {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.open(Help::default()),
            Action::Palette => self.open(Palette::default()),
            Action::Messages => self.open(Messages::default()),
            Action::NextPane | Action::PrevPane => {
                let i = Pane::ALL.iter().position(|p| *p == self.pane).unwrap_or(0);
                let n = Pane::ALL.len();
                let next = if action == Action::NextPane {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.show(Pane::ALL[next]);
            }
            Action::ShowCustomers => self.show(Pane::Customers),
            Action::ShowPipeline => self.show(Pane::Pipeline),
            Action::ShowLog => self.show(Pane::Log),
            Action::ShowAgenda => self.show(Pane::Agenda),
            Action::ShowOrganizations => self.show(Pane::Organizations),
            Action::ShowReports => self.show(Pane::Reports),
            // From the palette in another pane they show the report too.
            Action::ReportPeriod | Action::ReportOwner => {
                if action == Action::ReportPeriod {
                    self.next_report_period();
                } else {
                    self.next_report_owner();
                }
                if self.pane == Pane::Reports {
                    self.want_report();
                } else {
                    self.show(Pane::Reports);
                }
            }
            Action::Left | Action::Right if self.pane == Pane::Reports => {
                self.reports.move_section(action == Action::Right);
                self.sync_current();
            }
            Action::Open if self.pane == Pane::Reports => match self.reports.chosen_at_risk() {
                Some(id) if self.reports.section == crate::tui::app::Section::AtRisk => {
                    self.select(id);
                    self.open_detail(id);
                }
                _ => return false,
            },
            Action::OpenOrganization => match self.target() {
                Some(id) => self.open_organization_of(id),
                None => self.say(Tone::Info, t("status.no_customer")),
            },
            Action::Open if self.pane == Pane::Organizations => return self.open_in_orgs(),
            Action::Back if self.pane == Pane::Organizations && self.orgs.person.is_some() => {
                self.orgs.person = None;
                self.sync_current();
            }
            Action::Down => self.move_cursor(1),
            Action::Up => self.move_cursor(-1),
            Action::PageDown => self.move_cursor(PAGE),
            Action::PageUp => self.move_cursor(-PAGE),
            Action::Top => self.move_cursor(isize::MIN),
            Action::Bottom => self.move_cursor(isize::MAX),
            Action::Left | Action::Right if self.pane == Pane::Pipeline && self.deal_board.on => {
                self.deal_board.move_column(action == Action::Right);
                self.sync_current();
            }
            Action::Left | Action::Right if self.pane == Pane::Pipeline => {
                self.board.move_column(action == Action::Right);
                self.sync_current();
            }
            // From another pane it shows the deals; on the pipeline it
            // switches between deals and stages.
            Action::EditPlan => self.with_target(|app, rec| app.edit_plan(rec.customer.id, &rec.customer.name)),
            Action::ToggleDeals => {
                self.deal_board.on = self.pane != Pane::Pipeline || !self.deal_board.on;
                self.rebuild_deals();
                self.show(Pane::Pipeline);
            }
            Action::Search => {
                if !matches!(self.pane, Pane::Customers | Pane::Pipeline) {
                    self.show(Pane::Customers);
                }
                self.layers.retain(|l| !l.closes_with_pane());
                self.open(Searching);
            }
            // In the log, the first Enter opens the row to its whole note,
            // the second opens the customer it is about.
            Action::Open if self.pane == Pane::Log && self.log.selected().is_some() => {
                match self.log.selected().map(|i| (i.id, i.customer)) {
                    Some((row, _)) if self.log.expanded != Some(row) => self.log.expanded = Some(row),
                    Some((_, id)) => {
                        self.select(id);
                        self.open_detail(id);
                    }
                    None => return false,
                }
            }
            Action::Open => match self.current {
                Some(id) => self.open_detail(id),
                None => return false,
            },
            Action::Back if self.pane == Pane::Log && self.log.expanded.is_some() => self.log.expanded = None,
            Action::Back if !self.query.is_empty() => self.clear_search(),
            Action::Add => self.open(Form::new_customer()),
            Action::Edit => self.with_target(|app, rec| app.open(Form::edit_customer(&rec.customer))),
            Action::LogInteraction => {
                self.with_target(|app, rec| app.open(Form::interaction(rec.customer.id, &rec.customer.name)))
            }
            Action::FollowUp => self.with_target(|app, rec| {
                let due = app.follow_up_due(&rec.customer);
                app.open(Form::follow_up(rec.customer.id, &rec.customer.name, due, None));
            }),
            Action::Capture => {
                let line = CaptureLine::new(self);
                self.open(line);
            }
            Action::Done => {
                let selected = self.agenda.selected().filter(|_| self.pane == Pane::Agenda);
                match selected.map(|i| (&i.what, i.customer)) {
                    Some((AgendaWhat::FollowUp(f), _)) => {
                        let f = (**f).clone();
                        self.complete_follow_up(Some(f));
                    }
                    // A stay-in-touch reminder is done by getting in
                    // touch: the key logs the interaction that resets it.
                    Some((AgendaWhat::StayInTouch { .. }, customer)) => {
                        let name = self.roster.get(customer).map(|r| r.name.clone()).unwrap_or_default();
                        self.open(Form::interaction(customer, &name));
                    }
                    Some((AgendaWhat::Tactic(t), _)) => {
                        let t = (**t).clone();
                        self.complete_tactic(&t);
                    }
                    None => self.complete_follow_up(None),
                }
            }
            Action::NextStage | Action::PrevStage => self.with_target(|app, rec| {
                let c = &rec.customer;
                let to = if action == Action::NextStage {
                    c.stage.next()
                } else {
                    c.stage.previous()
                };
                match to {
                    Some(to) => app.move_stage(c, to),
                    None => app.say(Tone::Info, tf("status.no_more_stages", &[("name", &c.name)])),
                }
            }),
            Action::Delete => self.with_target(|app, rec| {
                app.open(Prompt {
                    question: tf("prompt.delete", &[("name", &rec.customer.display_name())]),
                    then: Then::Delete(rec.customer.id),
                });
            }),
            Action::Undo => {
                let undone = self.store.undo();
                self.report(undone, |label| {
                    tf("status.undid", &[("what", &crate::store::op::label_text(label))])
                });
            }
            Action::Redo => {
                let redone = self.store.redo();
                self.report(redone, |label| {
                    tf("status.redid", &[("what", &crate::store::op::label_text(label))])
                });
            }
            Action::Sort => self.next_sort(),
            Action::ReverseSort => {
                self.descending = !self.descending;
                self.recompute_visible();
            }
            Action::ToggleTimeline => {
                self.log.everyone = !self.log.everyone;
                self.log.cursor = 0;
                self.reload_log();
                if self.pane != Pane::Log {
                    self.show(Pane::Log);
                }
            }
            Action::ToggleMine => {
                self.mine_only = !self.mine_only;
                self.recompute_visible();
                // Every pane: the log and the agenda too.
                self.reload_agenda();
                if self.log.everyone {
                    self.reload_log();
                }
                let key = if self.mine_only {
                    "status.mine_on"
                } else {
                    "status.mine_off"
                };
                self.say(Tone::Info, t(key));
            }
            Action::SavedLists => match crate::tui::layers::ListPicker::open(self) {
                Ok(picker) => self.open(picker),
                Err(e) => self.fail(e),
            },
            Action::LoadSample => self.load_sample(),
            Action::Import => self.open(Import::ask()),
            Action::Export => self.open(Export::ask(self)),
            Action::Duplicates => self.open_dupes(),
            _ => return false,
        }
        true
    }

    fn show(&mut self, pane: Pane) {
        self.layers.retain(|l| !l.closes_with_pane());
        self.pane = pane;
        if pane == Pane::Pipeline
            && let Some(id) = self.current
            && let Some(r) = self.roster.get(id)
        {
            self.board.focus(id, r.stage);
        }
        if pane == Pane::Customers
            && let Some(i) = self.current.and_then(|c| self.table.position(c))
        {
            self.table.cursor = i;
        }
        if pane == Pane::Organizations {
            self.reload_orgs();
        }
        if pane == Pane::Reports {
            self.want_report();
        }
        self.sync_current();
    }

    pub(crate) fn move_cursor(&mut self, by: isize) {
        match self.pane {
            Pane::Customers => self.table.step(by),
            Pane::Pipeline if self.deal_board.on => self.deal_board.step(by),
            Pane::Pipeline => self.board.step(by),
            Pane::Log => self.log.step(by),
            Pane::Agenda => self.agenda.step(by),
            Pane::Organizations => {
                if let Err(e) = self.orgs.step(by, &self.store.view()) {
                    self.fail(e);
                }
            }
            Pane::Reports => self.reports.step(by),
        }
        self.sync_current();
    }

    fn next_sort(&mut self) {
        let cycle = &SortColumn::CYCLE;
        let i = cycle.iter().position(|c| *c == self.sort).unwrap_or(0);
        let mut next = cycle[(i + 1) % cycle.len()];
        if next == SortColumn::Relevance && !self.filtering() {
            next = SortColumn::Name;
        }
        self.sort = next;
        self.descending = false;
        self.recompute_visible();
        self.say(
            Tone::Info,
            tf("status.sorted", &[("column", &t(&format!("sort.{}", next.key())))]),
        );
    }

    pub(crate) fn clear_search(&mut self) {
        self.query.set("");
        self.apply_query();
    }

    /// Hands the search box's text to the matcher.
    pub fn apply_query(&mut self) {
        let was_active = self.search.is_active();
        self.search.set_query(self.query.text());
        if self.search.is_active() && !was_active {
            self.sort = SortColumn::Relevance;
        } else if !self.search.is_active() && self.sort == SortColumn::Relevance {
            self.sort = SortColumn::Name;
        }
        // Never waits for the matcher: the typed character shows at once,
        // with the previous results until `tick` brings the new ones.
        let changed = self.search.tick(0);
        self.table.cursor = 0;
        if changed || !self.search.is_active() {
            self.recompute_visible();
        } else {
            // The cursor moved to the top row: the panel follows it, so it
            // never shows a customer other than the one marked.
            self.sync_current();
        }
    }

    /// Waits until the search workers are done and shows their results
    /// (for tests and benchmarks, which look right after typing).
    pub fn settle_search(&mut self) {
        let mut changed = false;
        while self.search.running() {
            changed |= self.search.tick(5);
        }
        if changed | self.search.tick(0) {
            self.recompute_visible();
        }
    }

    /// Runs `f` with the customer the action is about, or says there is none.
    fn with_target(&mut self, f: impl FnOnce(&mut App, CustomerRecord)) {
        match self.target().map(|id| self.store.live_customer(id)) {
            Some(Ok(Some(rec))) => f(self, rec),
            Some(Err(e)) => self.fail(e),
            _ => self.say(Tone::Info, t("status.no_customer")),
        }
    }

    pub(crate) fn move_stage(&mut self, c: &Customer, to: Stage) {
        let moved = self.store.move_stage(c, to);
        let from = t(&format!("stage.{}", c.stage.key()));
        let to = t(&format!("stage.{}", to.key()));
        self.report(moved, |_| {
            tf("status.moved", &[("name", &c.name), ("from", &from), ("to", &to)])
        });
    }

    /// Ticks off a follow-up, or says there is none to tick off.
    pub(crate) fn complete_follow_up(&mut self, follow_up: Option<crate::domain::FollowUp>) {
        let Some(f) = follow_up else {
            self.say(Tone::Info, t("status.no_follow_up"));
            return;
        };
        let completed = self.store.complete_follow_up(&f);
        self.report(completed, |_| tf("status.done", &[("what", &f.what)]));
    }

    /// Marks a plan's tactic done (`x` on its agenda row).
    pub(crate) fn complete_tactic(&mut self, t: &crate::store::DueTactic) {
        let done = self.store.set_tactic_done(&t.target, t.tactic, true);
        self.report(done, |_| tf("status.done", &[("what", &t.text)]));
    }

    /// When the next follow-up with `c` is due by default.
    pub(crate) fn follow_up_due(&self, c: &Customer) -> chrono::NaiveDate {
        crate::domain::next_step::follow_up_due(&self.store.rules().cadence, c, self.today)
    }

    /// Sample data goes into a new temporary workspace, and the UI moves
    /// there: the workspace open may be a team's (empty) shared folder.
    fn load_sample(&mut self) {
        let spec = crate::demo::DemoSpec {
            customers: 120,
            interactions: 1200,
            seed: 1,
        };
        match crate::demo::sample_workspace_like(&self.store, &spec) {
            Ok((store, p)) => {
                let path = store.workspace().root.clone();
                self.move_to(store);
                self.say(
                    Tone::Success,
                    tf(
                        "status.sample_loaded",
                        &[
                            ("customers", &p.customers),
                            ("interactions", &p.interactions),
                            ("path", &path.display()),
                        ],
                    ),
                );
                self.sample_workspace = Some(path);
            }
            Err(e) => self.fail(e),
        }
    }

    /// Puts the cursor on `id` in whatever pane is showing.
    pub(crate) fn select(&mut self, id: CustomerId) {
        self.current = Some(id);
        if let Some(i) = self.table.position(id) {
            self.table.cursor = i;
        }
        if let Some(r) = self.roster.get(id) {
            self.board.select(id, r.stage);
        }
        self.reload_log();
    }
}
