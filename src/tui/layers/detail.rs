//! A customer opened full-screen: its own keys pick a follow-up and
//! scroll; the customer actions (edit, log, stage...) pass to the pane,
//! about this customer.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Changed, Flow, Hint, Layer};
use crate::domain::{CustomerId, Deal, FollowUp, Interaction, StageChange};
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
    /// Open ones first, by close day (see `View::deals_of`).
    pub deals: Vec<Deal>,
    /// The partner that referred the customer, if any (its own
    /// organization is its company).
    pub referred_by: Option<crate::domain::Organization>,
    /// Index into the open follow-ups.
    pub selected: usize,
    pub scroll: u16,
}

impl Detail {
    /// The customer as the view has it now; `None` when deleted.
    pub fn load(view: &View, id: CustomerId) -> Result<Option<Detail>, StoreError> {
        let Some(record) = view.live_customer(id)? else {
            return Ok(None);
        };
        let (mut interactions, follow_ups, history) = view.timeline(id)?.into_items();
        interactions.reverse();
        let deals = view.deals_of(id)?;
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
            deals,
            referred_by,
            selected: 0,
            scroll: 0,
        }))
    }

    pub fn open_follow_ups(&self) -> Vec<&FollowUp> {
        self.follow_ups.iter().filter(|f| f.is_open()).collect()
    }

    /// Reads the customer again, keeping the selection and scroll; false
    /// when the customer is gone.
    fn reload(&mut self, view: &View) -> Result<bool, StoreError> {
        match Detail::load(view, self.customer)? {
            Some(mut fresh) => {
                fresh.selected = self.selected.min(fresh.open_follow_ups().len().saturating_sub(1));
                fresh.scroll = self.scroll;
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
        let mut h: Vec<Hint> = [Done, Edit, LogInteraction, FollowUp, NextStage]
            .map(|a| Hint::of(Mode::Customer, a))
            .to_vec();
        // The organization it belongs to, or the partner that referred it.
        if c.organization.is_some() || c.referred_by.is_some() {
            h.push(Hint::of(Mode::Customer, OpenOrganization));
        }
        h.push(Hint::of(Mode::Customer, Back));
        h
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        match action {
            // Single steps pick a follow-up; pages and ends scroll the view.
            Action::Down | Action::Up => {
                let by = if action == Action::Down { 1 } else { -1 };
                self.selected = step(self.selected, by, self.open_follow_ups().len());
            }
            Action::PageDown => self.scroll = self.scroll.saturating_add(PAGE),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(PAGE),
            Action::Top => self.scroll = 0,
            // Roughly the detail's length; the view clamps it exactly.
            Action::Bottom => {
                self.scroll = (self.interactions.len().min(50)
                    + self.history.len()
                    + self.follow_ups.len()
                    + self.deals.len()
                    + 30) as u16
            }
            Action::Done => {
                let chosen = self.open_follow_ups().get(self.selected).map(|f| (*f).clone());
                app.complete_follow_up(chosen);
                // This layer is off the stack while it handles the key, so
                // the refresh that followed did not reach it.
                if let Err(e) = self.reload(&app.store.view()) {
                    app.fail(e);
                }
            }
            Action::Back => return Flow::Close,
            Action::Open | Action::Left | Action::Right => return Flow::Ignored,
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
