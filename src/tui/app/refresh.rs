//! Keeping what the panes show in step with the store.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::Days;

use super::{App, Pane, SortColumn};
use crate::domain::agenda::rank;
use crate::domain::text::fold;
use crate::domain::{CustomerId, Money};
use crate::tui::layers::Detail;
use crate::tui::roster::{Roster, Row};

/// How far ahead the agenda pane looks.
pub const AGENDA_DAYS: u64 = 7;
/// How many interactions the workspace-wide log shows.
const LOG_LIMIT: usize = 500;

impl App {
    /// Brings rows, lists, the agenda, the log and any open detail up to
    /// date with the customers the store says changed.
    pub fn refresh(&mut self) {
        if self.loading() {
            // Left for when the customers are in (`install`).
            return;
        }
        if self.check_lists() {
            // Everything was read again.
            return;
        }
        let touched = self.store.take_touched();
        if touched.is_empty() {
            return;
        }
        // People joined, left or brought revenue: the pane's figures follow.
        if self.pane == Pane::Organizations {
            self.reload_orgs();
        }
        self.report_data_changed();
        let view = self.store.view();
        let mut searchable_changed = false;
        // Read once for all the rows (a teammate's sync may touch many).
        let priority = match view.priority() {
            Ok(p) => p,
            Err(e) => {
                self.fail(e);
                crate::store::Priority::Nobody
            }
        };
        for id in &touched {
            let read = view
                .live_customer(*id)
                .and_then(|rec| rec.map(|r| Ok((view.earliest_follow_up(*id)?, r))).transpose());
            match read {
                Ok(Some((follow_up, rec))) => {
                    searchable_changed |= self.roster.upsert(Row::of_in(&rec, &view, follow_up, &priority))
                }
                Ok(None) => searchable_changed |= self.roster.remove(*id),
                Err(e) => self.fail(e),
            }
        }
        if searchable_changed {
            self.reindex();
        }
        self.rejudge_list(&touched);
        self.recompute_visible();
        self.reload_agenda();
        if self.current.is_some_and(|c| touched.contains(&c)) {
            self.reload_focus();
        }
        if self.log.everyone || self.current.is_some_and(|c| touched.contains(&c)) {
            self.reload_log();
        }
        // Layers bring themselves up to date (a customer's detail reads it
        // again, the duplicates drop merged groups); one with nothing left
        // to show closes.
        let changed = crate::tui::layers::Changed {
            view: &view,
            touched: &touched,
            roster: &self.roster,
        };
        let mut errors = Vec::new();
        self.layers.retain_mut(|layer| match layer.refreshed(&changed) {
            Ok(keep) => keep,
            Err(e) => {
                errors.push(e);
                true
            }
        });
        if let Some(e) = errors.pop() {
            self.fail(e);
        }
    }

    /// Recomputes which customers show, in which order, and the board.
    pub fn recompute_visible(&mut self) {
        let keep_current = self.current;
        self.roster.rank();
        let roster = &self.roster;
        // Whether each row is the user's: owners are few, so each is folded once.
        let mine: Option<Vec<bool>> = self.mine_only.then(|| {
            let me = fold(self.store.author());
            let mut owners: HashMap<&str, bool> = HashMap::new();
            roster
                .rows()
                .iter()
                .map(|r| *owners.entry(r.owner.as_str()).or_insert_with(|| fold(&r.owner) == me))
                .collect()
        });
        // And whether it is in the chosen saved list.
        let list = self.list.as_ref().map(|l| &l.members);
        let is_mine = |i: usize| {
            mine.as_ref().is_none_or(|m| m.get(i).copied().unwrap_or(false))
                && list.is_none_or(|l| roster.rows().get(i).is_some_and(|r| l.contains(&r.id)))
        };
        let sort = if self.sort == SortColumn::Relevance && !self.search.is_active() {
            SortColumn::Name
        } else {
            self.sort
        };
        let mut ids: Vec<CustomerId> = match (self.search.is_active(), sort) {
            // Name order is kept by the roster: no sorting on each key typed.
            (false, SortColumn::Name) => roster.in_name_order(is_mine),
            (true, SortColumn::Name) => {
                let mut matched = vec![false; roster.len()];
                for id in self.search.matches() {
                    if let Some(i) = roster.index_of(*id) {
                        matched[i] = true;
                    }
                }
                roster.in_name_order(|i| matched[i] && is_mine(i))
            }
            (searching, _) => {
                let mut ids: Vec<CustomerId> = if searching {
                    self.search.matches().to_vec()
                } else {
                    roster.rows().iter().map(|r| r.id).collect()
                };
                if mine.is_some() || list.is_some() {
                    ids.retain(|id| roster.index_of(*id).is_some_and(is_mine));
                }
                if sort == SortColumn::Company {
                    // Each company folded once, not at every comparison.
                    ids.sort_by_cached_key(|id| {
                        let company = roster.get(*id).map(|r| fold(&r.company)).unwrap_or_default();
                        (company, roster.name_rank(*id))
                    });
                } else if sort != SortColumn::Relevance {
                    ids.sort_by(|a, b| match (roster.get(*a), roster.get(*b)) {
                        (Some(x), Some(y)) => compare(x, y, sort, roster),
                        _ => Ordering::Equal,
                    });
                }
                ids
            }
        };
        if self.descending {
            ids.reverse();
        }
        self.table.visible = ids;
        self.board.rebuild(&self.table.visible, &self.roster, keep_current);
        self.rebuild_deals();
        // Keep the same customer selected when it is still there.
        self.table.keep(keep_current);
        if let Some(c) = keep_current
            && let Some(r) = self.roster.get(c)
            && self.pane == Pane::Pipeline
            && self.board.columns[r.stage.index()].contains(&c)
        {
            self.board.column = r.stage.index();
        }
        self.sync_current();
    }

    /// Regroups the open deals of the customers shown (search and "mine"
    /// apply), while the pipeline shows deals: read only then.
    pub fn rebuild_deals(&mut self) {
        if !self.deal_board.on {
            return;
        }
        match self.store.deals_with_status(crate::domain::DealStatus::Open) {
            Ok(deals) => {
                let shown: std::collections::HashSet<CustomerId> = self.table.visible.iter().copied().collect();
                self.deal_board.rebuild(deals, |c| shown.contains(&c));
            }
            Err(e) => self.fail(e),
        }
    }

    /// Sets `current` from the cursor of the pane in view.
    pub fn sync_current(&mut self) {
        let before = self.current;
        self.current = match self.pane {
            Pane::Customers => self.table.selected(),
            Pane::Pipeline if self.deal_board.on => self.deal_board.selected().map(|d| d.customer),
            Pane::Pipeline => self.board.selected(),
            Pane::Agenda => self.agenda.selected().map(|i| i.customer).or(self.current),
            // Everyone's log is about the customer of the row in view.
            Pane::Log if self.log.everyone => self
                .log
                .selected()
                .map(|i| i.customer)
                .filter(|c| self.roster.get(*c).is_some())
                .or(self.current),
            Pane::Log => self.current.filter(|c| self.roster.get(*c).is_some()),
            Pane::Organizations => self.orgs.chosen_person().or(self.current),
            Pane::Reports => self.reports.chosen_at_risk().or(self.current),
        };
        if self.current.is_none() {
            self.current = self.table.visible.first().copied();
        }
        if before != self.current || self.focus.is_none() {
            self.reload_focus();
            if !self.log.everyone {
                self.reload_log();
            }
        }
    }

    /// Reads the current customer's summary data.
    pub fn reload_focus(&mut self) {
        let Some(id) = self.current else {
            self.focus = None;
            return;
        };
        let view = self.store.view();
        let loaded = (|| -> Result<Option<super::Focused>, crate::store::StoreError> {
            let Some(record) = view.live_customer(id)? else {
                return Ok(None);
            };
            let (interactions, follow_ups, history) = view.timeline(id)?.into_items();
            Ok(Some(super::Focused {
                record,
                follow_ups,
                history,
                latest: interactions.into_iter().filter(|i| !i.deleted).max_by_key(|i| i.at),
                earliest_tactic: view.earliest_tactic(id)?,
            }))
        })();
        match loaded {
            Ok(f) => self.focus = f.map(Box::new),
            Err(e) => self.fail(e),
        }
    }

    pub fn reload_agenda(&mut self) {
        let until = self
            .today
            .checked_add_days(Days::new(AGENDA_DAYS))
            .unwrap_or(self.today);
        // Reminders come from the rows in memory; only the follow-ups are
        // read, from their index.
        self.roster.rank();
        let roster = &self.roster;
        let me = fold(self.store.author());
        let mine_only = self.mine_only;
        let list = self.list.as_ref().map(|l| &l.members);
        let shown = |c: CustomerId| {
            roster.get(c).is_some_and(|r| !mine_only || fold(&r.owner) == me) && list.is_none_or(|l| l.contains(&c))
        };
        match self.store.due_follow_ups_of(until, shown) {
            Ok(mut items) => {
                items.extend(self.roster.reminders(until).into_iter().filter(|i| shown(i.customer)));
                let roster = &self.roster;
                let today = self.today;
                items.sort_by_cached_key(|i| {
                    let standing = match roster.get(i.customer) {
                        Some(r) => i.standing(r.clv, r.cadence_days, r.priority),
                        None => i.standing(Money::ZERO, 1, false),
                    };
                    (rank(&standing, today), roster.name_rank(i.customer), i.customer)
                });
                self.agenda.set(items, today);
                if self.pane == Pane::Agenda {
                    // The panel and the actions follow the row under the cursor.
                    self.sync_current();
                }
            }
            Err(e) => self.fail(e),
        }
    }

    pub fn reload_log(&mut self) {
        let result = if self.log.everyone {
            let mut customers = self.roster.by_recent_contact();
            if self.mine_only {
                customers.retain(|(id, _)| self.is_mine(*id));
            }
            self.store.recent_interactions(customers, LOG_LIMIT)
        } else if let Some(c) = self.current {
            self.store.interactions_of(c).map(|mut v| {
                v.reverse();
                v
            })
        } else {
            Ok(Vec::new())
        };
        match result {
            Ok(items) => self.log.set(items),
            Err(e) => self.fail(e),
        }
    }

    /// True when the user owns `id` (what "only mine" keeps).
    pub fn is_mine(&self, id: CustomerId) -> bool {
        self.roster
            .get(id)
            .is_some_and(|r| fold(&r.owner) == fold(self.store.author()))
    }

    pub fn open_detail(&mut self, id: CustomerId) {
        match Detail::load(&self.store.view(), id) {
            Ok(Some(d)) => self.open(d),
            Ok(None) => {}
            Err(e) => self.fail(e),
        }
    }

    /// The customer an action is about: the open detail's, else the pane's.
    pub fn target(&self) -> Option<CustomerId> {
        self.layers.iter().rev().find_map(|l| l.customer()).or(self.current)
    }

    /// Reads everything again (after bulk changes).
    pub fn reload_all(&mut self) {
        let _ = self.store.take_touched();
        self.report_data_changed();
        match Roster::load(&self.store.view()) {
            Ok(r) => self.install(r),
            Err(e) => self.fail(e),
        }
    }
}

fn compare(a: &Row, b: &Row, sort: SortColumn, roster: &Roster) -> Ordering {
    let by_name = || roster.name_rank(a.id).cmp(&roster.name_rank(b.id));
    match sort {
        // Name and company orders are made without comparisons (see
        // `recompute_visible`); relevance keeps the matcher's order.
        SortColumn::Relevance | SortColumn::Name | SortColumn::Company => by_name(),
        SortColumn::Stage => a.stage.cmp(&b.stage).then_with(by_name),
        // Healthiest and most valuable first; unscored last.
        SortColumn::Health => b.health.cmp(&a.health).then_with(by_name),
        SortColumn::Clv => b.clv.cmp(&a.clv).then_with(by_name),
        // Most recent contact first; never contacted last.
        SortColumn::LastContact => b.last_contact.cmp(&a.last_contact).then_with(by_name),
        // Most urgent first.
        SortColumn::NextContact => a.next_due.cmp(&b.next_due).then_with(by_name),
    }
}
