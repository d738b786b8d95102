//! The saved list the panes are narrowed to: chosen in the picker (`L`),
//! it filters the customer table, the pipeline and the agenda, and the
//! titles name it. Its members are judged once when it is chosen and again
//! for each customer that changes, never read for every key.

use std::collections::{BTreeSet, HashSet};

use super::App;
use crate::domain::CustomerId;
use crate::domain::list_filter::ListFilter;
use crate::i18n::tf;
use crate::store::{Matcher, StoreError};
use crate::tui::app::Tone;

/// The list in force and who is in it now.
#[derive(Debug, Clone)]
pub struct ChosenList {
    pub name: String,
    pub filter: ListFilter,
    pub members: HashSet<CustomerId>,
}

impl App {
    /// Narrows the panes to the saved list `name`, or (`None`) shows
    /// every customer again.
    pub fn choose_list(&mut self, name: Option<&str>) {
        let chosen = match name {
            None => Ok(None),
            Some(n) => self.judge_list(n).map(Some),
        };
        match chosen {
            Ok(list) => {
                let said = match &list {
                    Some(l) => tf("lists.chosen", &[("name", &l.name), ("count", &l.members.len())]),
                    None => crate::i18n::t("lists.all_shown").to_string(),
                };
                self.list = list;
                self.recompute_visible();
                self.reload_agenda();
                // The report's scope names the list: its figures follow.
                if self.pane == super::Pane::Reports {
                    self.want_report();
                }
                self.say(Tone::Info, said);
            }
            Err(e) => self.fail(e),
        }
    }

    fn judge_list(&self, name: &str) -> Result<ChosenList, StoreError> {
        let list = self.store.saved_list(name)?;
        let matcher = Matcher::new(list.filter.clone(), &self.store, self.store.author())?;
        let mut members = HashSet::new();
        matcher.for_each(&self.store, |rec| {
            members.insert(rec.customer.id);
        })?;
        Ok(ChosenList {
            name: list.name,
            filter: list.filter,
            members,
        })
    }

    /// Judges again the customers that changed.
    pub(crate) fn rejudge_list(&mut self, touched: &BTreeSet<CustomerId>) {
        let Some(list) = &self.list else { return };
        let result = (|| -> Result<Vec<(CustomerId, bool)>, StoreError> {
            let matcher = Matcher::new(list.filter.clone(), &self.store, self.store.author())?;
            let mut out = Vec::new();
            for id in touched {
                let keeps = self
                    .store
                    .live_customer(*id)?
                    .is_some_and(|r| matcher.keeps(&r.customer));
                out.push((*id, keeps));
            }
            Ok(out)
        })();
        match result {
            Ok(judged) => {
                if let Some(list) = &mut self.list {
                    for (id, keeps) in judged {
                        if keeps {
                            list.members.insert(id);
                        } else {
                            list.members.remove(&id);
                        }
                    }
                }
            }
            Err(e) => self.fail(e),
        }
    }

    /// Notes the priority list the rows were just marked by.
    pub(crate) fn note_priority(&mut self) {
        self.priority_seen = self.store.priority_list().ok().flatten();
    }

    /// Saved lists change without touching a customer (here, from the
    /// command line, from a teammate): a new or changed priority list
    /// marks other rows, so everything is read again (true), and a changed
    /// or deleted chosen list is judged again or let go.
    pub(crate) fn check_lists(&mut self) -> bool {
        let Ok(lists) = self.store.saved_lists() else {
            return false;
        };
        let priority = lists.iter().find(|l| l.priority).cloned();
        if priority != self.priority_seen {
            self.reload_all();
            return true;
        }
        if let Some(chosen) = &self.list {
            let name = chosen.name.clone();
            match lists.iter().find(|l| l.name == name) {
                Some(l) if l.filter == chosen.filter => {}
                Some(_) => {
                    if let Ok(list) = self.judge_list(&name) {
                        self.list = Some(list);
                        self.recompute_visible();
                        self.reload_agenda();
                    }
                }
                None => {
                    self.list = None;
                    self.recompute_visible();
                    self.reload_agenda();
                }
            }
        }
        false
    }

    /// Whether `id` is shown under the chosen list (always, with none).
    pub fn in_list(&self, id: CustomerId) -> bool {
        self.list.as_ref().is_none_or(|l| l.members.contains(&id))
    }

    /// What the panes show now, as a filter: the chosen list's criteria,
    /// the search words and, with "only mine", the owner `me`.
    pub fn view_filter(&self) -> ListFilter {
        let mut f = self.list.as_ref().map(|l| l.filter.clone()).unwrap_or_default();
        if let Some(q) = ListFilter::query_of(self.query.text()) {
            f.query = Some(q);
        }
        if self.mine_only {
            f.owner = Some(crate::domain::list_filter::ME.to_string());
        }
        f
    }

    /// Saves what the panes show as the list `name`, and shows it.
    pub fn save_view_as(&mut self, name: &str) {
        let filter = self.view_filter();
        match self.store.save_list(name, &filter, false) {
            Ok(()) => {
                let name = crate::store::list_name(name).unwrap_or_else(|_| name.to_string());
                self.choose_list(Some(&name));
                self.say(Tone::Success, tf("lists.saved", &[("name", &name)]));
            }
            Err(e) => self.fail(e),
        }
    }
}
