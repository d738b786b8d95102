//! A customer opened full-screen: its own keys pick a follow-up and
//! scroll; the customer actions (edit, log, stage...) pass to the pane,
//! about this customer.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Changed, Flow, Hint, Layer};
use std::collections::BTreeSet;

use crate::domain::{CustomerId, Deal, FactorScore, FollowUp, Interaction, Plan, PlanTarget, StageChange, Tactic};
use crate::store::{CustomerRecord, StoreError, View};
use crate::tui::action::Action;
use crate::tui::app::{App, step};
use crate::tui::keymap::Mode;

const MODES: &[Mode] = &[Mode::Customer, Mode::Navigation, Mode::Global];

/// Lines a page key scrolls.
const PAGE: u16 = 10;

#[derive(Debug, Clone)]
pub struct Detail {
    pub customer: CustomerId,
    pub record: CustomerRecord,
    pub follow_ups: Vec<FollowUp>,
    /// Newest first.
    pub interactions: Vec<Interaction>,
    pub history: Vec<StageChange>,
    /// Every factor score set or cleared, oldest first: the trends.
    pub scores: Vec<FactorScore>,
    /// Open ones first, by close day (see `View::deals_of`).
    pub deals: Vec<Deal>,
    /// The customer's account plan, drawn as a tree.
    pub plan: Option<Plan>,
    /// The plan's objectives folded (by position): their tactics hidden.
    pub folded: BTreeSet<usize>,
    /// The partner that referred the customer, if any (its own
    /// organization is its company).
    pub referred_by: Option<crate::domain::Organization>,
    /// Index into the rows that can be picked (`picks`).
    pub selected: usize,
    pub scroll: u16,
    /// Set when the cursor last moved (not the page keys): the view then
    /// scrolls to keep the picked row in sight.
    pub follow: bool,
    /// How far the view was scrolled when last drawn: what the page keys
    /// start from.
    pub drawn_scroll: std::cell::Cell<u16>,
}

/// A row of the detail that can be picked: an open follow-up, or, in the
/// plan's tree, an objective (to fold) or a tactic.
#[derive(Debug, Clone, Copy)]
pub enum Pick<'a> {
    FollowUp(&'a FollowUp),
    Objective(usize),
    Tactic(usize, &'a Tactic),
}

impl Detail {
    /// The customer as the view has it now; `None` when deleted.
    pub fn load(view: &View, id: CustomerId) -> Result<Option<Detail>, StoreError> {
        let Some(record) = view.live_customer(id)? else {
            return Ok(None);
        };
        let mut timeline = view.timeline(id)?;
        let scores = std::mem::take(&mut timeline.scores);
        let (mut interactions, follow_ups, history) = timeline.into_items();
        interactions.reverse();
        let deals = view.deals_of(id)?;
        let plan = view.plan(&PlanTarget::Customer(id))?;
        let referred_by = match record.customer.referred_by {
            Some(o) => view.live_organization(o)?,
            None => None,
        };
        Ok(Some(Detail {
            customer: id,
            record,
            follow_ups,
            interactions,
            history,
            scores,
            deals,
            plan,
            folded: BTreeSet::new(),
            referred_by,
            selected: 0,
            scroll: 0,
            follow: false,
            drawn_scroll: std::cell::Cell::new(0),
        }))
    }

    pub fn open_follow_ups(&self) -> Vec<&FollowUp> {
        self.follow_ups.iter().filter(|f| f.is_open()).collect()
    }

    /// The rows the cursor moves over, in the order drawn: the open
    /// follow-ups, then the plan's objectives and the tactics of those
    /// not folded.
    pub fn picks(&self) -> Vec<Pick<'_>> {
        let mut out: Vec<Pick> = self.open_follow_ups().into_iter().map(Pick::FollowUp).collect();
        if let Some(plan) = &self.plan {
            for (o, obj) in plan.objectives.iter().enumerate() {
                out.push(Pick::Objective(o));
                if !self.folded.contains(&o) {
                    out.extend(
                        obj.strategies
                            .iter()
                            .flat_map(|s| s.tactics.iter())
                            .map(|t| Pick::Tactic(o, t)),
                    );
                }
            }
        }
        out
    }

    /// Scrolls by page from where the view was drawn.
    fn page(&mut self, to: impl FnOnce(u16) -> u16) {
        let from = if self.follow {
            self.drawn_scroll.get()
        } else {
            self.scroll
        };
        self.scroll = to(from);
        self.follow = false;
    }

    fn picked(&self) -> Option<Pick<'_>> {
        self.picks().get(self.selected).copied()
    }

    fn target(&self) -> PlanTarget {
        PlanTarget::Customer(self.customer)
    }

    /// Reads the customer again, keeping the selection and scroll; false
    /// when the customer is gone.
    fn reload(&mut self, view: &View) -> Result<bool, StoreError> {
        match Detail::load(view, self.customer)? {
            Some(mut fresh) => {
                fresh.folded = std::mem::take(&mut self.folded);
                fresh.selected = self.selected.min(fresh.picks().len().saturating_sub(1));
                fresh.scroll = self.scroll;
                fresh.follow = self.follow;
                fresh.drawn_scroll = self.drawn_scroll.clone();
                *self = fresh;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

impl Layer for Detail {
    fn modes(&self) -> &'static [Mode] {
        MODES
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        use Action::*;
        let c = &self.record.customer;
        let mut h: Vec<Hint> = [Done, Edit, LogInteraction, FollowUp, NextStage, EditPlan]
            .map(|a| Hint::of(Mode::Customer, a))
            .to_vec();
        // The organization it belongs to, or the partner that referred it.
        if c.organization.is_some() || c.referred_by.is_some() {
            h.push(Hint::of(Mode::Customer, OpenOrganization));
        }
        h.push(Hint::of(Mode::Customer, Back));
        h
    }

    /// The wheel scrolls the view (the list keys pick follow-ups).
    fn wheel(&self, down: bool) -> (Action, usize) {
        (if down { Action::PageDown } else { Action::PageUp }, 1)
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        match action {
            // Single steps pick a follow-up; pages and ends scroll the view.
            Action::Down | Action::Up => {
                let by = if action == Action::Down { 1 } else { -1 };
                self.selected = step(self.selected, by, self.picks().len());
                self.follow = true;
            }
            // The plan's tree: ← folds the objective under the cursor, → opens it.
            Action::Left | Action::Right => {
                let objective = match self.picked() {
                    Some(Pick::Objective(o)) | Some(Pick::Tactic(o, _)) => o,
                    _ => return Flow::Ignored,
                };
                if action == Action::Left {
                    self.folded.insert(objective);
                } else {
                    self.folded.remove(&objective);
                }
                // The cursor stays on the objective.
                self.selected = self
                    .picks()
                    .iter()
                    .position(|p| matches!(p, Pick::Objective(o) if *o == objective))
                    .unwrap_or(0);
            }
            // `f` on a tactic gives it a due date: a follow-up on the agenda.
            Action::FollowUp => match self.picked() {
                Some(Pick::Tactic(_, t)) => {
                    let due = t.due_date().unwrap_or(app.today);
                    app.open(crate::tui::forms::Form::tactic_due(self.target(), t, due));
                }
                _ => return Flow::Pass,
            },
            Action::PageDown => self.page(|s| s.saturating_add(PAGE)),
            Action::PageUp => self.page(|s| s.saturating_sub(PAGE)),
            Action::Top => self.page(|_| 0),
            // Roughly the detail's length; the view clamps it exactly.
            Action::Bottom => {
                self.follow = false;
                self.scroll = (self.interactions.len().min(50)
                    + self.history.len()
                    + self.follow_ups.len()
                    + self.deals.len()
                    + self
                        .plan
                        .as_ref()
                        .map_or(0, |p| p.tactics().count() * 2 + p.objectives.len())
                    + 30) as u16
            }
            Action::Done => {
                match self.picked() {
                    Some(Pick::Tactic(_, t)) => {
                        let t = t.clone();
                        app.toggle_tactic(&self.target(), &t);
                    }
                    Some(Pick::FollowUp(f)) => {
                        let f = f.clone();
                        app.complete_follow_up(Some(f));
                    }
                    _ => app.complete_follow_up(None),
                }
                // This layer is off the stack while it handles the key, so
                // the refresh that followed did not reach it.
                if let Err(e) = self.reload(&app.store.view()) {
                    app.fail(e);
                }
            }
            Action::Back => return Flow::Close,
            Action::Open => return Flow::Ignored,
            _ => return Flow::Pass,
        }
        Flow::Stay
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::detail::draw(frame, area, app, self);
    }

    fn customer(&self) -> Option<CustomerId> {
        Some(self.customer)
    }

    fn closes_with_pane(&self) -> bool {
        true
    }

    fn refreshed(&mut self, changed: &Changed) -> Result<bool, StoreError> {
        if changed.roster.get(self.customer).is_none() {
            return Ok(false);
        }
        if !changed.touched.contains(&self.customer) {
            return Ok(true);
        }
        self.reload(changed.view)
    }
}
