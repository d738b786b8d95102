//! Saved lists: a filter kept under a name, shared with the team like any
//! change (seeds 002, 003: target customer lists, the priority segment).
//! The view keeps one record per folded name with two registers, the
//! criteria (none: deleted) and whether the list is the priority segment,
//! each the latest write by stamp, so teammates' saves merge like fields
//! and undo is the earlier value written again. A list holds no customers:
//! its filter is judged when it is used (`Matcher`).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::StoreError;
use super::index::Kind;
use super::keys;
use super::op::{Edit, ListChange};
use super::records::CustomerRecord;
use super::txn::Txn;
use super::{Store, View};
use crate::domain::list_filter::{Criterion, Judged, ListFilter};
use crate::domain::text::fold;
use crate::domain::{Customer, CustomerId, InputError, Rules};
use crate::i18n::collate::name_key;
use crate::sync::Stamp;

/// Longest list name, in characters.
pub const MAX_NAME: usize = 80;

/// What the view keeps for a list name. Stored by position: never reorder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListRecord {
    /// The name as last saved.
    pub name: String,
    /// `None`: deleted, or only marked so far.
    pub criteria: Option<Vec<Criterion>>,
    pub criteria_stamp: Option<Stamp>,
    pub priority: bool,
    pub priority_stamp: Option<Stamp>,
}

impl ListRecord {
    fn new(name: &str) -> ListRecord {
        ListRecord {
            name: name.to_string(),
            criteria: None,
            criteria_stamp: None,
            priority: false,
            priority_stamp: None,
        }
    }

    /// Each register's last write as the edit that made it, by stamp: what
    /// restating lost ops writes again.
    pub(super) fn writes(&self) -> Vec<(Stamp, Edit)> {
        let mut out = Vec::new();
        if let Some(s) = self.criteria_stamp {
            out.push((
                s,
                Edit::SetList {
                    name: self.name.clone(),
                    change: ListChange::Criteria(self.criteria.clone()),
                },
            ));
        }
        if let Some(s) = self.priority_stamp {
            out.push((
                s,
                Edit::SetList {
                    name: self.name.clone(),
                    change: ListChange::Priority(self.priority),
                },
            ));
        }
        out
    }
}

/// The key of a list name: accents, case and outer spaces ignored.
fn key_of(name: &str) -> Vec<u8> {
    keys::list(&fold(name.trim()))
}

/// Applies one `Edit::SetList`: a later stamp replaces an earlier one in
/// the register it writes; within one op, the later edit wins.
pub(super) fn apply(tx: &mut Txn, stamp: Stamp, name: &str, change: &ListChange) -> Result<(), StoreError> {
    let key = key_of(name);
    let mut rec: ListRecord = tx.get_decoded(&key)?.unwrap_or_else(|| ListRecord::new(name));
    match change {
        ListChange::Criteria(criteria) => {
            if rec.criteria_stamp.is_some_and(|s| stamp < s) {
                return Ok(());
            }
            rec.name = name.to_string();
            rec.criteria = criteria.clone();
            rec.criteria_stamp = Some(stamp);
        }
        ListChange::Priority(on) => {
            if rec.priority_stamp.is_some_and(|s| stamp < s) {
                return Ok(());
            }
            rec.priority = *on;
            rec.priority_stamp = Some(stamp);
        }
    }
    tx.put_encoded(key, &rec)
}

/// The edit that takes `change` back: the register's value now.
pub(super) fn inverse(tx: &Txn, name: &str, change: &ListChange) -> Result<Edit, StoreError> {
    let rec: Option<ListRecord> = tx.get_decoded(&key_of(name))?;
    let change = match change {
        ListChange::Criteria(_) => ListChange::Criteria(rec.as_ref().and_then(|r| r.criteria.clone())),
        ListChange::Priority(_) => ListChange::Priority(rec.as_ref().is_some_and(|r| r.priority)),
    };
    let name = rec.map(|r| r.name).unwrap_or_else(|| name.to_string());
    Ok(Edit::SetList { name, change })
}

/// Every list's record, deleted or not, for restating lost ops.
pub(super) fn records(tree: &sled::Tree) -> Result<Vec<ListRecord>, StoreError> {
    let mut out = Vec::new();
    for entry in tree.scan_prefix([keys::LIST]) {
        let (_, v) = entry?;
        out.push(super::codec::decode(&v).map_err(StoreError::codec("list record"))?);
    }
    Ok(out)
}

/// A name fit for a list: trimmed, not blank, no control characters, not
/// too long.
pub fn list_name(s: &str) -> Result<String, InputError> {
    let name = s.trim();
    if fold(name).is_empty() || name.chars().any(char::is_control) || name.chars().count() > MAX_NAME {
        return Err(InputError::BadListName(name.to_string()));
    }
    Ok(name.to_string())
}

/// A saved list as it is used.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedList {
    pub name: String,
    pub filter: ListFilter,
    pub priority: bool,
    /// When it was marked the priority segment.
    priority_stamp: Option<Stamp>,
}

impl View {
    /// The saved lists, by name.
    pub fn saved_lists(&self) -> Result<Vec<SavedList>, StoreError> {
        let mut out: Vec<SavedList> = records(&self.storage.tree)?
            .into_iter()
            .filter_map(|r| {
                Some(SavedList {
                    filter: ListFilter::of_criteria(r.criteria.as_deref()?),
                    name: r.name,
                    priority: r.priority,
                    priority_stamp: r.priority_stamp,
                })
            })
            .collect();
        out.sort_by_cached_key(|l| name_key(&l.name));
        // Two lists marked at once on two machines: the later mark is the
        // priority segment, on every machine alike.
        let first = self::priority_of(&out).map(|l| l.name.clone());
        for l in &mut out {
            l.priority = Some(&l.name) == first.as_ref();
        }
        Ok(out)
    }

    /// The saved list called `name` (accents and case ignored).
    pub fn saved_list(&self, name: &str) -> Result<SavedList, StoreError> {
        let folded = fold(name.trim());
        self.saved_lists()?
            .into_iter()
            .find(|l| fold(l.name.trim()) == folded)
            .ok_or_else(|| InputError::NoSuchList(name.trim().to_string()).into())
    }

    /// The saved list marked the priority segment, if any.
    pub fn priority_list(&self) -> Result<Option<SavedList>, StoreError> {
        Ok(self.saved_lists()?.into_iter().find(|l| l.priority))
    }

    /// Who is in the priority segment now: the customers of the saved list
    /// marked priority, else (no list marked) the config's
    /// `priority_segment`.
    pub fn priority(&self) -> Result<Priority, StoreError> {
        Ok(match self.priority_list()? {
            Some(l) => Priority::List(Box::new(Matcher::new(l.filter, self, &self.me)?)),
            None if !self.rules.priority_segment.is_empty() => Priority::Segment(self.rules.clone()),
            None => Priority::Nobody,
        })
    }
}

/// The latest marked of the lists marked priority.
fn priority_of(lists: &[SavedList]) -> Option<&SavedList> {
    lists
        .iter()
        .filter(|l| l.priority)
        .max_by_key(|l| (l.priority_stamp, fold(&l.name)))
}

/// Who the priority segment holds (`View::priority`).
pub enum Priority {
    Nobody,
    /// The config's `priority_segment`.
    Segment(Rules),
    /// A saved list marked priority.
    List(Box<Matcher>),
}

impl Priority {
    pub fn holds(&self, c: &Customer) -> bool {
        match self {
            Priority::Nobody => false,
            Priority::Segment(rules) => rules.is_priority(c),
            Priority::List(m) => m.keeps(c),
        }
    }
}

/// A filter with what judging it needs: the rules, the moment, the user
/// and, when the filter asks about follow-ups, each customer's earliest.
pub struct Matcher {
    filter: ListFilter,
    rules: Rules,
    now_ms: i64,
    today: NaiveDate,
    me: String,
    follow_ups: HashMap<CustomerId, NaiveDate>,
}

impl Matcher {
    /// `me`: the user, what the owner `me` means.
    pub fn new(filter: ListFilter, view: &View, me: &str) -> Result<Matcher, StoreError> {
        let follow_ups = if filter.needs_follow_ups() {
            view.earliest_follow_ups()?
        } else {
            HashMap::new()
        };
        Ok(Matcher {
            filter,
            rules: view.rules().clone(),
            now_ms: view.clock().now_ms(),
            today: view.clock().today(),
            me: me.to_string(),
            follow_ups,
        })
    }

    fn judged(&self) -> Judged<'_> {
        Judged {
            rules: &self.rules,
            now_ms: self.now_ms,
            today: self.today,
            me: &self.me,
        }
    }

    /// The customers the filter keeps, in id order.
    pub fn customers(&self, view: &View) -> Result<Vec<CustomerRecord>, StoreError> {
        let mut found = Vec::new();
        self.for_each(view, |rec| found.push(rec))?;
        Ok(found)
    }

    /// How many customers the filter keeps.
    pub fn count(&self, view: &View) -> Result<usize, StoreError> {
        let mut n = 0;
        self.for_each(view, |_| n += 1)?;
        Ok(n)
    }

    /// Calls `f` with each customer the filter keeps, in id order: read
    /// through the indexes of stage, tag, level, segment, owner and
    /// organization when one is given (so the cost is what is returned),
    /// else by reading every customer.
    pub fn for_each(&self, view: &View, f: impl FnMut(CustomerRecord)) -> Result<(), StoreError> {
        self.for_each_read(view, false, f)
    }

    /// `for_each`, each customer read lean (`View::for_each_customer_read`):
    /// what a report reads.
    pub fn for_each_lean(&self, view: &View, f: impl FnMut(CustomerRecord)) -> Result<(), StoreError> {
        self.for_each_read(view, true, f)
    }

    fn for_each_read(&self, view: &View, lean: bool, mut f: impl FnMut(CustomerRecord)) -> Result<(), StoreError> {
        let mut sets = Vec::new();
        if let Some(s) = self.filter.stage {
            sets.push(view.ids_in_stage(s)?);
        }
        if let Some(t) = &self.filter.tag {
            sets.push(view.ids_with(Kind::Tag, fold(t).as_bytes())?);
        }
        if let Some(l) = self.filter.level {
            sets.push(view.ids_with(Kind::Level, l.key().as_bytes())?);
        }
        if let Some(s) = &self.filter.segment {
            sets.push(view.ids_with(Kind::Segment, s.as_bytes())?);
        }
        if let Some(o) = &self.filter.owner {
            let owner = self.filter.owner_meant(o, &self.judged());
            sets.push(view.ids_with(Kind::Owner, owner.as_bytes())?);
        }
        if let Some(o) = self.filter.org {
            sets.push(view.ids_with(Kind::Organization, o.to_string().as_bytes())?);
        }
        match sets.into_iter().reduce(|a, b| a.intersection(&b).copied().collect()) {
            Some(ids) => {
                for id in ids {
                    if let Some(rec) = view.live_customer_read(id, lean)?
                        && self.keeps(&rec.customer)
                    {
                        f(rec);
                    }
                }
            }
            None => view.for_each_customer_read(lean, |rec| {
                if self.keeps(&rec.customer) {
                    f(rec);
                }
                true
            })?,
        }
        Ok(())
    }

    pub fn keeps(&self, c: &Customer) -> bool {
        self.filter
            .keeps(c, self.follow_ups.get(&c.id).copied(), &self.judged())
    }
}

impl Store {
    /// Saves `filter` under `name`, replacing a list of that name, and
    /// marks it the priority segment when `priority` (unmarking the one
    /// marked before), as one undoable change.
    pub fn save_list(&mut self, name: &str, filter: &ListFilter, priority: bool) -> Result<(), StoreError> {
        let edits = self.list_edits(name, filter, priority)?;
        if !edits.is_empty() {
            self.commit(edits)?;
        }
        Ok(())
    }

    /// The edits that save `filter` as `name`, and mark it the priority
    /// segment when `priority` (a list not marked keeps its mark): none
    /// when it is saved so already.
    pub fn list_edits(&self, name: &str, filter: &ListFilter, priority: bool) -> Result<Vec<Edit>, StoreError> {
        let name = list_name(name)?;
        let current = self.saved_list(&name).ok();
        let mut edits = Vec::new();
        if current.as_ref().is_none_or(|l| l.filter != *filter) {
            edits.push(Edit::SetList {
                name: name.clone(),
                change: ListChange::Criteria(Some(filter.criteria())),
            });
        }
        if priority {
            edits.extend(self.priority_edits(Some(&name))?);
        }
        Ok(edits)
    }

    /// Deletes the list called `name`; an error when there is none.
    pub fn delete_list(&mut self, name: &str) -> Result<SavedList, StoreError> {
        let list = self.saved_list(name)?;
        let mut edits = vec![Edit::SetList {
            name: list.name.clone(),
            change: ListChange::Criteria(None),
        }];
        if list.priority {
            edits.push(Edit::SetList {
                name: list.name.clone(),
                change: ListChange::Priority(false),
            });
        }
        self.commit(edits)?;
        Ok(list)
    }

    /// Makes the list called `name` the priority segment, or (`None`) no
    /// list; false when nothing changes.
    pub fn set_priority_list(&mut self, name: Option<&str>) -> Result<bool, StoreError> {
        let name = match name {
            Some(n) => Some(self.saved_list(n)?.name),
            None => None,
        };
        let edits = self.priority_edits(name.as_deref())?;
        if edits.is_empty() {
            return Ok(false);
        }
        self.commit(edits)?;
        Ok(true)
    }

    /// The edits that leave `name` (or none) the one list marked priority.
    fn priority_edits(&self, name: Option<&str>) -> Result<Vec<Edit>, StoreError> {
        let folded = name.map(|n| fold(n.trim()));
        let mut edits: Vec<Edit> = records(&self.storage.tree)?
            .into_iter()
            .filter(|r| r.priority && Some(fold(r.name.trim())) != folded)
            .map(|r| Edit::SetList {
                name: r.name,
                change: ListChange::Priority(false),
            })
            .collect();
        if let Some(n) = name
            && self
                .priority_list()?
                .is_none_or(|l| fold(l.name.trim()) != fold(n.trim()))
        {
            edits.push(Edit::SetList {
                name: n.to_string(),
                change: ListChange::Priority(true),
            });
        }
        Ok(edits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_names() {
        assert_eq!(list_name("  Khách VIP ").unwrap(), "Khách VIP");
        assert!(list_name("  ").is_err());
        assert!(list_name("a\nb").is_err());
        assert!(list_name(&"x".repeat(MAX_NAME + 1)).is_err());
        assert_eq!(key_of("Khách VIP"), key_of(" khach vip"));
    }
}
