//! Every live customer as one small row: what lists, the board and search
//! need, kept in memory so no key press reads the database for them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::mpsc;

use chrono::NaiveDate;

use crate::domain::{Customer, CustomerId, Level, Money, Rules, Stage, Summary};
use crate::i18n::collate::name_key;
use crate::store::{AgendaItem, AgendaWhat, CustomerRecord, Priority, StoreError, View};

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: CustomerId,
    pub name: String,
    pub company: String,
    pub stage: Stage,
    pub level: Level,
    pub health: Option<u8>,
    pub last_contact: Option<i64>,
    /// The next contact: when the stay-in-touch cadence runs out, or the
    /// earliest open follow-up if that comes first.
    pub next_due: NaiveDate,
    /// When the stay-in-touch cadence alone runs out (the agenda's reminder).
    pub touch_due: NaiveDate,
    pub cadence_days: u16,
    /// When the cadence clock last reset (last contact, or creation).
    pub last_touch: i64,
    pub clv: Money,
    /// In the priority segment (`View::priority`: the saved list marked
    /// priority, else the config's segment).
    pub priority: bool,
    /// The loyalty tier's name (`Rules::tier_of`), if any.
    pub tier: Option<String>,
    pub owner: String,
    /// What search matches (`Customer::search_text`), shared with the
    /// search worker's copy of the rows.
    pub search: std::sync::Arc<str>,
    /// How much of `search` is the name (with its pinyin).
    pub search_name_len: usize,
}

impl Row {
    /// `earliest_follow_up`: the due day of the customer's earliest open
    /// follow-up (`View::earliest_follow_up`).
    pub fn of(rec: &CustomerRecord, view: &View, earliest_follow_up: Option<NaiveDate>) -> Row {
        match view.priority() {
            Ok(priority) => Row::of_in(rec, view, earliest_follow_up, &priority),
            Err(_) => Row::of_in(rec, view, earliest_follow_up, &Priority::Nobody),
        }
    }

    /// `of`, with the priority segment read once for many rows.
    pub fn of_in(rec: &CustomerRecord, view: &View, earliest_follow_up: Option<NaiveDate>, priority: &Priority) -> Row {
        let mut row = Row::of_customer(&rec.customer, view.rules(), view.clock().now_ms(), earliest_follow_up);
        row.priority = priority.holds(&rec.customer);
        row
    }

    pub fn of_customer(c: &Customer, rules: &Rules, now_ms: i64, earliest_follow_up: Option<NaiveDate>) -> Row {
        let s = Summary::of(c, rules, now_ms, earliest_follow_up);
        let (search, search_name_len) = c.search_text_and_name_len();
        Row {
            id: c.id,
            name: c.name.clone(),
            company: c.company.clone(),
            stage: c.stage,
            level: c.level,
            health: s.health,
            last_contact: c.activity.last_contact,
            next_due: s.next_contact_due,
            touch_due: rules.cadence.next_contact_due(c),
            cadence_days: s.cadence_days,
            last_touch: crate::domain::cadence::last_touch(c),
            clv: s.clv,
            priority: rules.is_priority(c),
            tier: rules.tier_of(c, s.clv).map(|t| t.name),
            owner: c.owner.clone(),
            search_name_len,
            search: search.into(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Roster {
    rows: Vec<Row>,
    by_id: HashMap<CustomerId, usize, BuildHasherDefault<IdHasher>>,
    /// Row positions in name order, and each row's place in it: sorting
    /// by name (the default, on every key typed in search) then compares
    /// numbers, not strings. Rebuilt only after names change.
    by_name: Vec<u32>,
    name_rank: Vec<u32>,
    ranked: bool,
}

/// Looking rows up by id happens for every match on every key typed:
/// ids need no protection from crafted collisions, so one multiply
/// (the Fx hash) spreads them instead of SipHash's rounds.
#[derive(Debug, Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Customers decoded per message between the two loading threads.
const LOAD_CHUNK: usize = 2048;

impl Roster {
    /// Reads every live customer. One thread reads and decodes the
    /// records while this one builds the rows: the two halves of the work
    /// take about as long as each other.
    pub fn load(view: &View) -> Result<Roster, StoreError> {
        let (tx, rx) = mpsc::sync_channel::<Vec<CustomerRecord>>(4);
        let reader_view = view.clone();
        let reader = std::thread::spawn(move || {
            let mut chunk = Vec::with_capacity(LOAD_CHUNK);
            let result = reader_view.for_each_customer(|rec| {
                chunk.push(rec);
                if chunk.len() == LOAD_CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(LOAD_CHUNK));
                    return tx.send(full).is_ok();
                }
                true
            });
            if !chunk.is_empty() {
                let _ = tx.send(chunk);
            }
            result
        });
        // Open follow-ups come from their due-date index, read once.
        let follow_ups = view.earliest_follow_ups()?;
        let priority = view.priority()?;
        let mut roster = Roster::default();
        // Row::of sorts names by this thread's language; the reader only decodes.
        for chunk in rx {
            for rec in &chunk {
                roster.insert(Row::of_in(
                    rec,
                    view,
                    follow_ups.get(&rec.customer.id).copied(),
                    &priority,
                ));
            }
        }
        match reader.join() {
            Ok(result) => result?,
            Err(panic) => std::panic::resume_unwind(panic),
        }
        roster.rank();
        Ok(roster)
    }

    /// Puts the rows in name order (by the name's sort key in the user's
    /// language) when names changed since the last time. The keys are made
    /// here and dropped, not kept in every row.
    pub fn rank(&mut self) {
        if self.ranked {
            return;
        }
        let rows = &self.rows;
        let mut order: Vec<u32> = (0..rows.len() as u32).collect();
        order.sort_by_cached_key(|&i| {
            let r = &rows[i as usize];
            (name_key(&r.name), r.id)
        });
        let mut rank = vec![0; rows.len()];
        for (place, &row) in order.iter().enumerate() {
            rank[row as usize] = place as u32;
        }
        self.by_name = order;
        self.name_rank = rank;
        self.ranked = true;
    }

    /// Where the customer comes in name order (call `rank` first after
    /// changes); unknown customers come last.
    pub fn name_rank(&self, id: CustomerId) -> u32 {
        self.by_id
            .get(&id)
            .and_then(|&i| self.name_rank.get(i).copied())
            .unwrap_or(u32::MAX)
    }

    /// The rows in name order, keeping those `keep` accepts, which is
    /// given each row's position (call `rank` first after changes).
    pub fn in_name_order(&self, mut keep: impl FnMut(usize) -> bool) -> Vec<CustomerId> {
        self.by_name
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| keep(i))
            .filter_map(|i| self.rows.get(i).map(|r| r.id))
            .collect()
    }

    /// The position of each customer's row, for marking a subset of rows.
    pub fn index_of(&self, id: CustomerId) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    fn insert(&mut self, row: Row) {
        self.by_id.insert(row.id, self.rows.len());
        self.rows.push(row);
        self.ranked = false;
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
            .filter(|r| r.touch_due <= until)
            .map(|r| AgendaItem {
                due: r.touch_due,
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
                if self.rows[i].name != row.name {
                    self.ranked = false;
                }
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
        self.ranked = false;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u64, name: &str) -> Row {
        let mut c = Customer::empty(CustomerId(id));
        c.name = name.into();
        Row::of_customer(&c, &Rules::default(), 0, None)
    }

    fn names(r: &Roster) -> Vec<String> {
        r.in_name_order(|_| true)
            .into_iter()
            .filter_map(|id| r.get(id).map(|row| row.name.clone()))
            .collect()
    }

    #[test]
    fn name_order_follows_adds_renames_and_removals() {
        let mut r = Roster::default();
        for (id, name) in [(1, "Trần Hưng"), (2, "Bùi Lan"), (3, "Đặng Văn Lâm")] {
            r.upsert(row(id, name));
        }
        r.rank();
        assert_eq!(names(&r), ["Bùi Lan", "Đặng Văn Lâm", "Trần Hưng"]);
        assert!(r.name_rank(CustomerId(2)) < r.name_rank(CustomerId(1)));
        r.upsert(row(1, "An Trần"));
        r.remove(CustomerId(2));
        r.rank();
        assert_eq!(names(&r), ["An Trần", "Đặng Văn Lâm"]);
        assert_eq!(r.name_rank(CustomerId(2)), u32::MAX);
        assert_eq!(r.index_of(CustomerId(3)).map(|i| r.rows()[i].id), Some(CustomerId(3)));
    }
}
