//! Every live customer as one small row: what lists, the board and search
//! need, kept in memory so no key press reads the database for them.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::{CustomerId, Level, Money, Stage, Summary};
use crate::i18n::collate::name_key;
use crate::store::{AgendaItem, AgendaWhat, CustomerRecord, StoreError, View};

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: CustomerId,
    pub name: String,
    pub company: String,
    pub stage: Stage,
    pub level: Level,
    pub health: Option<u8>,
    pub last_contact: Option<i64>,
    /// When the stay-in-touch cadence runs out.
    pub next_due: NaiveDate,
    pub cadence_days: u16,
    /// When the cadence clock last reset (last contact, or creation).
    pub last_touch: i64,
    pub clv: Money,
    pub owner: String,
    /// The name's sort key in the user's language.
    pub sort_name: String,
    /// What search matches (`Customer::search_text`).
    pub search: String,
}

impl Row {
    pub fn of(rec: &CustomerRecord, view: &View) -> Row {
        let c = &rec.customer;
        let s = Summary::of(c, view.rules(), view.clock().now_ms());
        Row {
            id: c.id,
            name: c.name.clone(),
            company: c.company.clone(),
            stage: c.stage,
            level: c.level,
            health: s.health,
            last_contact: c.activity.last_contact,
            next_due: s.next_contact_due,
            cadence_days: s.cadence_days,
            last_touch: crate::domain::cadence::last_touch(c),
            clv: s.clv,
            owner: c.owner.clone(),
            sort_name: name_key(&c.name),
            search: c.search_text(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Roster {
    rows: Vec<Row>,
    by_id: HashMap<CustomerId, usize>,
}

impl Roster {
    pub fn load(view: &View) -> Result<Roster, StoreError> {
        let mut roster = Roster::default();
        view.for_each_customer(|rec| {
            roster.insert(Row::of(&rec, view));
            true
        })?;
        Ok(roster)
    }

    fn insert(&mut self, row: Row) {
        self.by_id.insert(row.id, self.rows.len());
        self.rows.push(row);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Stay-in-touch reminders due on or before `until`.
    pub fn reminders(&self, until: NaiveDate) -> Vec<AgendaItem> {
        self.rows
            .iter()
            .filter(|r| r.next_due <= until)
            .map(|r| AgendaItem {
                due: r.next_due,
                customer: r.id,
                what: AgendaWhat::StayInTouch {
                    cadence_days: r.cadence_days,
                    last_touch: r.last_touch,
                },
            })
            .collect()
    }

    /// Customers with any contact, most recent first, with its time: what
    /// the workspace-wide log reads from.
    pub fn by_recent_contact(&self) -> Vec<(CustomerId, i64)> {
        let mut out: Vec<(CustomerId, i64)> = self
            .rows
            .iter()
            .filter_map(|r| r.last_contact.map(|t| (r.id, t)))
            .collect();
        out.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    pub fn get(&self, id: CustomerId) -> Option<&Row> {
        self.by_id.get(&id).map(|&i| &self.rows[i])
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Puts a fresh row in; true when what search sees changed (a new row
    /// or a different search text).
    pub fn upsert(&mut self, row: Row) -> bool {
        match self.by_id.get(&row.id) {
            Some(&i) => {
                let searchable_changed = self.rows[i].search != row.search;
                self.rows[i] = row;
                searchable_changed
            }
            None => {
                self.insert(row);
                true
            }
        }
    }

    /// Takes a row out; true when there was one.
    pub fn remove(&mut self, id: CustomerId) -> bool {
        let Some(i) = self.by_id.remove(&id) else {
            return false;
        };
        self.rows.swap_remove(i);
        if let Some(moved) = self.rows.get(i) {
            self.by_id.insert(moved.id, i);
        }
        true
    }
}
