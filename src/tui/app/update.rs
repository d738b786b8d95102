//! What each action does.

use chrono::Days;

use super::{App, Layer, Palette, Pane, Prompt, SortColumn, Then, Tone};
use crate::domain::Stage;
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::forms::Form;

/// Rows a page key moves.
const PAGE: usize = 10;

impl App {
    pub fn update(&mut self, action: Action) {
        // Layers first: forms, questions and the palette own some actions.
        match self.layers.last() {
            Some(Layer::Form(_)) => return self.form_action(action),
            Some(Layer::Prompt(_)) => return self.prompt_action(action),
            Some(Layer::Palette(_)) => return self.palette_action(action),
            _ => {}
        }
        if self.searching {
            match action {
                Action::Accept => {
                    self.searching = false;
                    return;
                }
                Action::Clear => {
                    self.searching = false;
                    self.clear_search();
                    return;
                }
                _ => {}
            }
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.layers.push(Layer::Help { scroll: 0 }),
            Action::Palette => self.layers.push(Layer::Palette(Palette::default())),
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
            Action::Down => self.move_cursor(1),
            Action::Up => self.move_cursor(-1),
            Action::PageDown => self.move_cursor(PAGE as isize),
            Action::PageUp => self.move_cursor(-(PAGE as isize)),
            Action::Top => self.move_cursor(isize::MIN),
            Action::Bottom => self.move_cursor(isize::MAX),
            Action::Left | Action::Right => self.move_column(action == Action::Right),
            Action::Search => {
                if !matches!(self.pane, Pane::Customers | Pane::Pipeline) {
                    self.show(Pane::Customers);
                }
                self.layers.retain(|l| !matches!(l, Layer::Detail(_)));
                self.searching = true;
            }
            Action::Open => {
                if let Some(id) = self.current
                    && !matches!(self.layers.last(), Some(Layer::Detail(_)))
                {
                    self.open_detail(id);
                }
            }
            Action::Back => {
                if matches!(self.layers.last(), Some(Layer::Detail(_))) {
                    self.layers.pop();
                } else if !self.query.is_empty() {
                    self.clear_search();
                }
            }
            Action::Add => self.layers.push(Layer::Form(Box::new(Form::new_customer()))),
            Action::Edit => self.with_target(|app, rec| {
                app.layers
                    .push(Layer::Form(Box::new(Form::edit_customer(&rec.customer))));
            }),
            Action::LogInteraction => self.with_target(|app, rec| {
                let form = Form::interaction(rec.customer.id, &rec.customer.name);
                app.layers.push(Layer::Form(Box::new(form)));
            }),
            Action::FollowUp => self.with_target(|app, rec| {
                let due = app.default_follow_up_due(&rec.customer);
                let form = Form::follow_up(rec.customer.id, &rec.customer.name, due, None);
                app.layers.push(Layer::Form(Box::new(form)));
            }),
            Action::Done => self.mark_done(),
            Action::NextStage | Action::PrevStage => self.with_target(|app, rec| {
                let c = &rec.customer;
                let to = if action == Action::NextStage {
                    c.stage.next()
                } else {
                    c.stage.previous()
                };
                match to {
                    Some(to) => app.move_stage(&rec.customer, to),
                    None => app.say(Tone::Info, tf("status.no_more_stages", &[("name", &c.name)])),
                }
            }),
            Action::Delete => self.with_target(|app, rec| {
                app.layers.push(Layer::Prompt(Prompt {
                    question: tf("prompt.delete", &[("name", &rec.customer.display_name())]),
                    then: Then::Delete(rec.customer.id),
                }));
            }),
            Action::Undo => match self.store.undo() {
                Ok(label) => {
                    self.refresh();
                    self.say(
                        Tone::Success,
                        tf("status.undid", &[("what", &crate::store::op::label_text(&label))]),
                    );
                }
                Err(e) => self.fail(e),
            },
            Action::Redo => match self.store.redo() {
                Ok(label) => {
                    self.refresh();
                    self.say(
                        Tone::Success,
                        tf("status.redid", &[("what", &crate::store::op::label_text(&label))]),
                    );
                }
                Err(e) => self.fail(e),
            },
            Action::Sort => {
                let cycle = &SortColumn::CYCLE;
                let i = cycle.iter().position(|c| *c == self.sort).unwrap_or(0);
                let mut next = cycle[(i + 1) % cycle.len()];
                if next == SortColumn::Relevance && !self.search.is_active() {
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
            Action::ReverseSort => {
                self.descending = !self.descending;
                self.recompute_visible();
            }
            Action::ToggleTimeline => {
                self.log_everyone = !self.log_everyone;
                self.log_cursor = 0;
                self.reload_log();
                if self.pane != Pane::Log {
                    self.show(Pane::Log);
                }
            }
            Action::ToggleMine => {
                self.mine_only = !self.mine_only;
                self.recompute_visible();
                let key = if self.mine_only {
                    "status.mine_on"
                } else {
                    "status.mine_off"
                };
                self.say(Tone::Info, t(key));
            }
            Action::LoadSample => self.load_sample(),
            Action::Import => self.start_import(),
            Action::Duplicates => self.open_dupes(),
            Action::Yes
            | Action::No
            | Action::NextField
            | Action::PrevField
            | Action::Save
            | Action::Cancel
            | Action::OpenEditor
            | Action::Accept
            | Action::Clear => {}
        }
    }

    fn show(&mut self, pane: Pane) {
        self.layers
            .retain(|l| !matches!(l, Layer::Detail(_) | Layer::Help { .. }));
        self.pane = pane;
        if pane == Pane::Pipeline
            && let Some(r) = self.current.and_then(|c| self.roster.get(c))
        {
            let col = r.stage.index();
            self.board_column = col;
            if let Some(i) = self.board[col].iter().position(|id| Some(*id) == self.current) {
                self.board_rows[col] = i;
            }
        }
        if pane == Pane::Customers
            && let Some(i) = self.current.and_then(|c| self.visible.iter().position(|v| *v == c))
        {
            self.table_cursor = i;
        }
        self.sync_current();
    }

    fn move_cursor(&mut self, by: isize) {
        if let Some(Layer::Detail(d)) = self.layers.last_mut() {
            // Single steps pick a follow-up; pages and ends scroll the view.
            match by {
                1 | -1 => d.selected = step(d.selected, by, d.open_follow_ups().len()),
                isize::MIN => d.scroll = 0,
                // Roughly the detail's length; the view clamps it exactly.
                isize::MAX => {
                    d.scroll = (d.interactions.len().min(50) + d.history.len() + d.follow_ups.len() + 30) as u16
                }
                _ => d.scroll = (d.scroll as isize + by).clamp(0, u16::MAX as isize) as u16,
            }
            return;
        }
        match self.pane {
            Pane::Customers => self.table_cursor = step(self.table_cursor, by, self.visible.len()),
            Pane::Pipeline => {
                let col = self.board_column;
                self.board_rows[col] = step(self.board_rows[col], by, self.board[col].len());
            }
            Pane::Log => self.log_cursor = step(self.log_cursor, by, self.log.len()),
            Pane::Agenda => self.agenda_cursor = step(self.agenda_cursor, by, self.agenda.len()),
        }
        self.sync_current();
    }

    fn move_column(&mut self, right: bool) {
        if self.pane != Pane::Pipeline || !self.layers.is_empty() {
            return;
        }
        self.board_column = if right {
            (self.board_column + 1).min(6)
        } else {
            self.board_column.saturating_sub(1)
        };
        self.sync_current();
    }

    fn clear_search(&mut self) {
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
        self.table_cursor = 0;
        if changed || !self.search.is_active() {
            self.recompute_visible();
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
    fn with_target(&mut self, f: impl FnOnce(&mut App, crate::store::CustomerRecord)) {
        match self.target().map(|id| self.store.live_customer(id)) {
            Some(Ok(Some(rec))) => f(self, rec),
            Some(Err(e)) => self.fail(e),
            _ => self.say(Tone::Info, t("status.no_customer")),
        }
    }

    pub(super) fn move_stage(&mut self, c: &crate::domain::Customer, to: Stage) {
        match self.store.move_stage(c, to) {
            Ok(_) => {
                self.refresh();
                let (from, to) = (
                    t(&format!("stage.{}", c.stage.key())),
                    t(&format!("stage.{}", to.key())),
                );
                self.say(
                    Tone::Success,
                    tf("status.moved", &[("name", &c.name), ("from", &from), ("to", &to)]),
                );
            }
            Err(e) => self.fail(e),
        }
    }

    fn mark_done(&mut self) {
        let follow_up = match self.layers.last() {
            Some(Layer::Detail(d)) => d.open_follow_ups().get(d.selected).map(|f| (*f).clone()),
            None if self.pane == Pane::Agenda => match self.agenda.get(self.agenda_cursor).map(|i| &i.what) {
                Some(crate::store::AgendaWhat::FollowUp(f)) => Some((**f).clone()),
                _ => None,
            },
            _ => None,
        };
        let Some(f) = follow_up else {
            self.say(Tone::Info, t("status.no_follow_up"));
            return;
        };
        match self.store.complete_follow_up(&f) {
            Ok(_) => {
                self.refresh();
                self.say(Tone::Success, tf("status.done", &[("what", &f.what)]));
            }
            Err(e) => self.fail(e),
        }
    }

    /// The next contact for this customer: the end of its stay-in-touch
    /// cadence from today.
    pub(super) fn default_follow_up_due(&self, c: &crate::domain::Customer) -> chrono::NaiveDate {
        let days = self.store.rules().cadence.cadence_of(c);
        self.today
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(self.today)
    }

    fn prompt_action(&mut self, action: Action) {
        let Some(Layer::Prompt(prompt)) = self.layers.last() else {
            return;
        };
        let prompt = prompt.clone();
        match action {
            Action::Yes => {
                self.layers.pop();
                match prompt.then {
                    Then::Delete(id) => match self.store.delete_customer(id) {
                        Ok(()) => {
                            self.refresh();
                            self.say(Tone::Success, t("status.deleted"));
                        }
                        Err(e) => self.fail(e),
                    },
                    Then::ScheduleNext { customer, then_stage } => {
                        if let Ok(Some(rec)) = self.store.live_customer(customer) {
                            let due = self.default_follow_up_due(&rec.customer);
                            let form = Form::follow_up(customer, &rec.customer.name, due, then_stage);
                            self.layers.push(Layer::Form(Box::new(form)));
                        }
                    }
                    Then::Merge { keep, others } => self.merged(keep, &others),
                    Then::MoveStage { customer, to } => {
                        if let Ok(Some(rec)) = self.store.live_customer(customer) {
                            self.move_stage(&rec.customer, to);
                        }
                    }
                }
            }
            Action::No => {
                self.layers.pop();
                // Declining the follow-up still leaves the stage question.
                if let Then::ScheduleNext {
                    customer,
                    then_stage: Some(to),
                } = prompt.then
                {
                    self.offer_stage(customer, to);
                }
            }
            _ => {}
        }
    }

    /// Asks whether to move `customer` to `to`.
    pub(super) fn offer_stage(&mut self, customer: crate::domain::CustomerId, to: Stage) {
        let Ok(Some(rec)) = self.store.live_customer(customer) else {
            return;
        };
        let from = t(&format!("stage.{}", rec.customer.stage.key()));
        let to_label = t(&format!("stage.{}", to.key()));
        self.layers.push(Layer::Prompt(Prompt {
            question: tf(
                "prompt.advance",
                &[("name", &rec.customer.name), ("from", &from), ("to", &to_label)],
            ),
            then: Then::MoveStage { customer, to },
        }));
    }

    fn palette_action(&mut self, action: Action) {
        match action {
            Action::Accept => {
                let chosen = match self.layers.last() {
                    Some(Layer::Palette(p)) => self.palette_entries().get(p.selected).map(|e| e.0),
                    _ => None,
                };
                self.layers.pop();
                if let Some(a) = chosen {
                    self.update(a);
                }
            }
            Action::Clear => {
                self.layers.pop();
            }
            _ => {}
        }
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

    /// Reads everything again (after bulk changes).
    pub fn reload_all(&mut self) {
        let _ = self.store.take_touched();
        match crate::tui::roster::Roster::load(&self.store.view()) {
            Ok(r) => self.install(r),
            Err(e) => self.fail(e),
        }
    }
}

/// Moves an index by `by` within `0..len`, clamped.
fn step(at: usize, by: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let max = len - 1;
    if by == isize::MIN {
        return 0;
    }
    if by == isize::MAX {
        return max;
    }
    let moved = at as isize + by;
    moved.clamp(0, max as isize) as usize
}

#[cfg(test)]
mod tests {
    use super::step;

    #[test]
    fn steps_stay_in_range() {
        assert_eq!(step(0, -1, 5), 0);
        assert_eq!(step(4, 1, 5), 4);
        assert_eq!(step(2, 10, 5), 4);
        assert_eq!(step(3, isize::MIN, 5), 0);
        assert_eq!(step(0, isize::MAX, 5), 4);
        assert_eq!(step(0, 1, 0), 0);
    }
}
