//! Reading the indexes of `index`: the customers with a term, the ones a
//! reference may mean, and the stay-in-touch reminders due by a day. Each
//! reads the keys it needs and the records they name, so it costs what it
//! returns, not what the workspace holds.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::agenda_item::AgendaItem;
use super::error::StoreError;
use super::index::{self, DAY_MS, Kind};
use super::query::View;
use super::records::CustomerRecord;
use super::storage::loc_of;
use crate::domain::dates::date_to_days;
use crate::domain::{CustomerId, Stage};

/// Days from 0001-01-01 (chrono's day numbers) to 1970-01-01.
const EPOCH_DAYS: i64 = 719_163;

impl View {
    /// The customers with an entry of `kind` whose term is exactly `term`.
    pub fn ids_with(&self, kind: Kind, term: &[u8]) -> Result<BTreeSet<CustomerId>, StoreError> {
        let (from, to) = index::group_range(kind, term);
        self.ids_in(from, to, |t, _| t == term)
    }

    /// The customers with an entry of `kind` whose term starts with `start`.
    pub fn ids_starting(&self, kind: Kind, start: &[u8]) -> Result<BTreeSet<CustomerId>, StoreError> {
        let (from, to) = index::group_range(kind, start);
        self.ids_in(from, to, |t, _| t.starts_with(start))
    }

    /// The customers of the entries in the groups from `from` to `to`
    /// that `keep` keeps (by term and customer).
    fn ids_in(
        &self,
        from: Vec<u8>,
        to: Vec<u8>,
        keep: impl Fn(&[u8], CustomerId) -> bool,
    ) -> Result<BTreeSet<CustomerId>, StoreError> {
        let mut ids = BTreeSet::new();
        self.each_entry_in(from, to, |term, id| {
            if keep(term, CustomerId(id)) {
                ids.insert(CustomerId(id));
            }
        })?;
        Ok(ids)
    }

    /// Calls `f` with the term and customer of every entry in the groups
    /// from `from` to `to`.
    fn each_entry_in(&self, from: Vec<u8>, to: Vec<u8>, mut f: impl FnMut(&[u8], u64)) -> Result<(), StoreError> {
        for entry in self.storage.tree.range(from..to) {
            let (k, v) = entry?;
            let loc = loc_of(&k, &v)?;
            index::each_member(&self.storage.pack.read(loc)?, &mut f);
        }
        Ok(())
    }

    /// The live records of `ids`, in id order.
    pub fn records(&self, ids: &BTreeSet<CustomerId>) -> Result<Vec<CustomerRecord>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.live_customer(*id)?);
        }
        Ok(out)
    }

    /// The customers in a stage.
    pub fn ids_in_stage(&self, stage: Stage) -> Result<BTreeSet<CustomerId>, StoreError> {
        let term = index::stage_term(stage);
        let mut ids = self.ids_starting(Kind::Touch, &term)?;
        ids.extend(self.ids_starting(Kind::OwnCadence, &term)?);
        Ok(ids)
    }

    /// Every live customer, by the index: each has one entry of when to be
    /// in touch next, by the stage's cadence or its own.
    pub fn live_ids(&self) -> Result<BTreeSet<CustomerId>, StoreError> {
        let mut ids = self.ids_starting(Kind::Touch, &[])?;
        ids.extend(self.ids_starting(Kind::OwnCadence, &[])?);
        Ok(ids)
    }

    /// The customers whose name words, emails or phone numbers start with
    /// each word of a folded reference.
    ///
    /// A common word start ("ngo" also starts every "ngoc") holds tens of
    /// thousands of entries at 100k customers, so each word's customers
    /// are gathered in a plain sorted list, and the lists are intersected
    /// smallest first: a tree set per word cost a millisecond per command.
    pub fn named(&self, folded: &str) -> Result<BTreeSet<CustomerId>, StoreError> {
        let mut lists: Vec<Vec<u64>> = Vec::new();
        for word in folded.split_whitespace() {
            let start = word.as_bytes();
            let (from, to) = index::group_range(Kind::Word, start);
            let mut ids = Vec::new();
            self.each_entry_in(from, to, |term, id| {
                if term.starts_with(start) {
                    ids.push(id);
                }
            })?;
            if ids.is_empty() {
                return Ok(BTreeSet::new());
            }
            ids.sort_unstable();
            ids.dedup();
            lists.push(ids);
        }
        lists.sort_by_key(Vec::len);
        let mut lists = lists.into_iter();
        let mut found = lists.next().unwrap_or_default();
        for other in lists {
            found.retain(|id| other.binary_search(id).is_ok());
        }
        Ok(found.into_iter().map(CustomerId).collect())
    }

    /// The customers of a stage with a dated entry of `kind` before the
    /// day of `before` (milliseconds).
    fn ids_dated(&self, kind: Kind, stage: Stage, before: i64) -> Result<BTreeSet<CustomerId>, StoreError> {
        let from = index::dated_key(kind, &index::dated_term(stage, i64::MIN));
        let to = index::dated_key(kind, &index::dated_term(stage, before));
        self.ids_in(from, to, |_, _| true)
    }

    /// The stay-in-touch reminders due on or before `until`, with their
    /// customers: each stage's customers whose last touch is a cadence or
    /// more before it, and those with a cadence of their own due by then.
    pub fn reminders_due(&self, until: NaiveDate) -> Result<Vec<(AgendaItem, CustomerRecord)>, StoreError> {
        let mut ids = BTreeSet::new();
        for stage in Stage::ALL {
            let cadence = i64::from(self.rules.cadence.for_stage(stage));
            // The last touch's local day must be `cadence` days before
            // `until` or earlier; a day more covers every time zone, and
            // `reminder` below decides exactly.
            let last_day = i64::from(date_to_days(until)) - EPOCH_DAYS - cadence;
            let bound = (last_day + 2).saturating_mul(DAY_MS);
            ids.extend(self.ids_dated(Kind::Touch, stage, bound)?);
            let bound = (i64::from(date_to_days(until)) - EPOCH_DAYS + 2).saturating_mul(DAY_MS);
            ids.extend(self.ids_dated(Kind::OwnCadence, stage, bound)?);
        }
        let mut out = Vec::new();
        for rec in self.records(&ids)? {
            if let Some(item) = self.reminder(&rec, until) {
                out.push((item, rec));
            }
        }
        Ok(out)
    }
}

impl View {
    /// Index entries that are not what the records make, and entries the
    /// records make that are missing: zero in a healthy view (checked by
    /// `doctor` and the tests).
    pub fn index_mismatches(&self) -> Result<usize, StoreError> {
        let mut wanted: BTreeSet<(Vec<u8>, index::Member)> = BTreeSet::new();
        for entry in self.storage.scan_prefix(&[super::keys::CUSTOMER]) {
            let (_, v) = entry?;
            let rec: CustomerRecord = super::codec::decode(&v).map_err(StoreError::codec("customer record"))?;
            for e in index::entries_of(&rec) {
                wanted.insert((index::group_key(&e), index::member_of(&e)));
            }
        }
        let mut stored: BTreeMap<Vec<u8>, BTreeSet<index::Member>> = BTreeMap::new();
        for entry in self.storage.tree.scan_prefix([super::keys::INDEX]) {
            let (k, v) = entry?;
            let loc = loc_of(&k, &v)?;
            index::decode_group(&self.storage.pack.read(loc)?, stored.entry(k.to_vec()).or_default());
        }
        let stored: BTreeSet<(Vec<u8>, index::Member)> = stored
            .into_iter()
            .flat_map(|(g, ms)| ms.into_iter().map(move |m| (g.clone(), m)))
            .collect();
        Ok(wanted.symmetric_difference(&stored).count() + super::deals::link_mismatches(&self.storage)?)
    }
}
