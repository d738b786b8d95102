//! A batch of writes to the view, applied at the end: changed bodies are
//! appended to the pack, then everything else goes to sled in one atomic
//! batch that also points at the new bodies.
//!
//! Reads see the batch's own writes first, so applying many ops in one
//! batch behaves exactly like applying them one at a time. Customer records
//! and bodies are kept decoded while the batch runs, because every logged
//! interaction changes both; a customer's activity is settled once, at
//! commit.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::bundles;
use super::chain::{self, Chain};
use super::codec;
use super::error::StoreError;
use super::index;
use super::keys::{self, describe_key, prefix_end};
use super::pack::{Loc, PackState};
use super::places::{self, Group};
use super::records::{Body, CustomerRecord};
use super::storage::{Storage, loc_of};
use crate::domain::{Activity, CustomerId};

/// A key and its value.
pub type Entry = (Vec<u8>, Vec<u8>);
/// A key and what a batch writes there (`None`: removed).
type Write = (Vec<u8>, Option<Vec<u8>>);

struct Slot {
    record: CustomerRecord,
    /// The index entries of the record as stored, replaced at commit; made
    /// when the record is first changed (most records a batch reads it
    /// does not change).
    indexed: Option<BTreeSet<Vec<u8>>>,
    /// Whether the record as stored was live, noted with `indexed`.
    was_live: bool,
    dirty: bool,
    activity_stale: bool,
    /// Forgotten: the record is deleted at commit, its index entries with it.
    removed: bool,
}

impl Slot {
    /// Marks the record for writing, noting its index entries first.
    fn change(&mut self) -> &mut CustomerRecord {
        if self.indexed.is_none() {
            self.indexed = Some(index::entries_of(&self.record));
            self.was_live = self.record.is_live();
        }
        self.dirty = true;
        &mut self.record
    }

    fn new(id: CustomerId, stored: Option<CustomerRecord>) -> Slot {
        let record = stored.unwrap_or_else(|| CustomerRecord::new(id));
        Slot {
            indexed: None,
            was_live: false,
            record,
            dirty: false,
            activity_stale: false,
            removed: false,
        }
    }
}

struct BodySlot {
    /// Where the body was before this batch: a change is added to the
    /// chain, or the body is written whole and the chain's frames become
    /// garbage.
    stored: Option<Chain>,
    /// The body as stored, kept when the batch first changes it: what the
    /// change is made against.
    before: Option<Body>,
    body: Body,
    dirty: bool,
}

pub(crate) struct Txn<'t> {
    storage: &'t Storage,
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// Boxed: a record is large, and a batch of thousands of customers
    /// moved every slot each time the map grew (8% of an import).
    customers: HashMap<CustomerId, Box<Slot>>,
    /// Boxed, like the records.
    bodies: HashMap<CustomerId, Box<BodySlot>>,
    /// Index groups this batch changes.
    groups: index::Changes,
    /// Write `groups` even while the indexes are deferred.
    index_now: bool,
    /// Bytes of pack frames this batch leaves unused besides those it
    /// replaces.
    freed: u64,
    /// Customers whose record, timeline or follow-ups this batch changed.
    touched: BTreeSet<CustomerId>,
    /// Where each packed record read by the batch was (none: there was
    /// none): what its write leaves as garbage, known without asking
    /// sled again.
    stored_at: std::cell::RefCell<HashMap<Vec<u8>, Option<Loc>>>,
}

impl<'t> Txn<'t> {
    /// The storage the batch is for.
    pub fn storage(&self) -> &Storage {
        self.storage
    }

    pub fn new(storage: &'t Storage) -> Txn<'t> {
        Txn {
            storage,
            writes: BTreeMap::new(),
            customers: HashMap::new(),
            bodies: HashMap::new(),
            groups: index::Changes::default(),
            index_now: false,
            freed: 0,
            touched: BTreeSet::new(),
            stored_at: Default::default(),
        }
    }

    /// Writes waiting for commit; callers bound batches by it.
    pub fn pending(&self) -> usize {
        self.writes.len() + self.customers.len() + self.bodies.len() + self.groups.len()
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(v) = self.writes.get(key) {
            return Ok(v.clone());
        }
        if !keys::packed_record(key) {
            return self.storage.get(key);
        }
        let loc = self.storage.place(key)?;
        self.stored_at.borrow_mut().insert(key.to_vec(), loc);
        Ok(match loc {
            Some(loc) => Some(self.storage.pack.read(loc)?),
            None => None,
        })
    }

    pub fn get_decoded<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.get(key)? {
            Some(bytes) => codec::decode(&bytes)
                .map(Some)
                .map_err(|e| StoreError::codec(format!("stored value {}", describe_key(key)))(e)),
            None => Ok(None),
        }
    }

    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.writes.insert(key, Some(value));
    }

    pub fn put_encoded<T: Serialize>(&mut self, key: Vec<u8>, value: &T) -> Result<(), StoreError> {
        // The key is described only on failure: formatting it for every
        // write was a few percent of a large import.
        let bytes = codec::encode(value).map_err(|e| StoreError::codec(format!("value {}", describe_key(&key)))(e))?;
        self.put(key, bytes);
        Ok(())
    }

    pub fn delete(&mut self, key: Vec<u8>) {
        self.writes.insert(key, None);
    }

    /// Entries with keys in `[from, to)`, merging stored ones with this batch's.
    pub fn range(&self, from: &[u8], to: &[u8]) -> Result<Vec<Entry>, StoreError> {
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for entry in self.storage.range(from.to_vec()..to.to_vec()) {
            let (k, v) = entry?;
            merged.insert(k.to_vec(), v);
        }
        let bounds = (Bound::Included(from.to_vec()), Bound::Excluded(to.to_vec()));
        for (k, v) in self.writes.range(bounds) {
            match v {
                Some(v) => merged.insert(k.clone(), v.clone()),
                None => merged.remove(k),
            };
        }
        Ok(merged.into_iter().collect())
    }

    pub fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        match prefix_end(prefix) {
            Some(end) => self.range(prefix, &end),
            None => self.range(prefix, &[0xff; 32]),
        }
    }

    fn slot(&mut self, id: CustomerId) -> Result<&mut Slot, StoreError> {
        let loaded = if self.customers.contains_key(&id) {
            None
        } else {
            let stored: Option<CustomerRecord> = self.get_decoded(&keys::customer(id))?;
            Some(Box::new(Slot::new(id, stored)))
        };
        let entry = self.customers.entry(id);
        Ok(match loaded {
            Some(slot) => entry.insert_entry(slot).into_mut(),
            None => entry.or_insert_with(|| Box::new(Slot::new(id, None))),
        })
    }

    /// The customer as this batch sees it (a blank record if unknown).
    pub fn customer(&mut self, id: CustomerId) -> Result<&CustomerRecord, StoreError> {
        Ok(&self.slot(id)?.record)
    }

    /// Notes that something shown with this customer changed.
    pub fn touch(&mut self, id: CustomerId) {
        self.touched.insert(id);
    }

    /// The customer, to change; it is written back at commit.
    pub fn customer_mut(&mut self, id: CustomerId) -> Result<&mut CustomerRecord, StoreError> {
        self.touched.insert(id);
        Ok(self.slot(id)?.change())
    }

    /// Deletes the customer's record and its index entries at commit (a
    /// forget); reads in this batch see a blank record.
    pub fn remove_customer(&mut self, id: CustomerId) -> Result<(), StoreError> {
        self.touched.insert(id);
        let slot = self.slot(id)?;
        slot.change();
        slot.record = CustomerRecord::new(id);
        slot.removed = true;
        Ok(())
    }

    /// Asks for the customer's activity to be recounted from its timeline
    /// at commit: removing or moving an interaction cannot be undone
    /// incrementally (what was the previous latest contact?).
    pub fn recount_activity(&mut self, id: CustomerId) -> Result<(), StoreError> {
        self.touched.insert(id);
        let slot = self.slot(id)?;
        slot.change();
        slot.activity_stale = true;
        Ok(())
    }

    fn body_slot(&mut self, id: CustomerId) -> Result<&mut BodySlot, StoreError> {
        if !self.bodies.contains_key(&id) {
            let stored = self.storage.body_chain(id)?;
            let body = match &stored {
                Some(chain) => self.storage.read_body(chain)?,
                None => Body::default(),
            };
            self.bodies.insert(
                id,
                Box::new(BodySlot {
                    stored,
                    before: None,
                    body,
                    dirty: false,
                }),
            );
        }
        match self.bodies.get_mut(&id) {
            Some(slot) => Ok(slot),
            None => unreachable!("inserted above"),
        }
    }

    /// The customer's body as this batch sees it (empty if it has none).
    pub fn body(&mut self, id: CustomerId) -> Result<&Body, StoreError> {
        Ok(&self.body_slot(id)?.body)
    }

    /// The customer's body, to change; it is written back at commit.
    pub fn body_mut(&mut self, id: CustomerId) -> Result<&mut Body, StoreError> {
        self.touched.insert(id);
        let slot = self.body_slot(id)?;
        if !slot.dirty && slot.stored.is_some() {
            slot.before = Some(slot.body.clone());
        }
        slot.dirty = true;
        Ok(&mut slot.body)
    }

    /// Replaces the customer's body (a snapshot being loaded).
    pub fn set_body(&mut self, id: CustomerId, body: Body) -> Result<(), StoreError> {
        *self.body_mut(id)? = body;
        Ok(())
    }

    /// The customer's activity, from the live interactions that belong to
    /// it: those in its own body and its guests in others'.
    fn count_activity(&mut self, id: CustomerId) -> Result<Activity, StoreError> {
        let mut activity = Activity::default();
        let body = self.body(id)?;
        for rec in body.interactions.values() {
            if rec.is_live() && rec.interaction.customer == id {
                activity.add(&rec.interaction);
            }
        }
        let guests: Vec<_> = body.guest_interactions.iter().map(|(i, h)| (*i, *h)).collect();
        for (iid, home) in guests {
            if let Some(rec) = self.body(home)?.interactions.get(&iid)
                && rec.is_live()
                && rec.interaction.customer == id
            {
                activity.add(&rec.interaction);
            }
        }
        Ok(activity)
    }

    /// Appends the changed bodies to the pack, then writes everything else
    /// in one atomic sled batch; returns the customers it touched.
    pub fn commit(mut self) -> Result<BTreeSet<CustomerId>, StoreError> {
        let stale: Vec<CustomerId> = self
            .customers
            .iter()
            .filter(|(_, s)| s.dirty && s.activity_stale && !s.removed)
            .map(|(id, _)| *id)
            .collect();
        for id in stale {
            let activity = self.count_activity(id)?;
            if let Some(slot) = self.customers.get_mut(&id) {
                slot.record.customer.activity = activity;
            }
        }
        let slots: Vec<(CustomerId, Box<Slot>)> = self.customers.drain().filter(|(_, s)| s.dirty).collect();
        let mut reindexed = Vec::with_capacity(slots.len());
        let mut live_changes = Vec::new();
        for (id, slot) in slots {
            let live = !slot.removed && slot.record.is_live();
            if live != slot.was_live {
                live_changes.push((id, live));
            }
            if slot.removed {
                self.delete(keys::customer(id));
                reindexed.push((slot.indexed.unwrap_or_default(), BTreeSet::new()));
                continue;
            }
            self.put_encoded(keys::customer(id), &slot.record)?;
            reindexed.push((slot.indexed.unwrap_or_default(), index::entries_of(&slot.record)));
        }
        // While a bulk load gathers the index changes, they are made
        // straight into what it gathered rather than into this batch's
        // own and then merged (a tenth of a large import).
        let gathered = if self.index_now {
            None
        } else {
            index::take_gathered(self.storage)
        };
        if let Some(all) = gathered {
            let own = std::mem::replace(&mut self.groups, all);
            for (old, new) in &reindexed {
                self.reindex(old, new);
            }
            let all = std::mem::replace(&mut self.groups, own);
            index::put_gathered(self.storage, all);
        } else {
            for (old, new) in &reindexed {
                self.reindex(old, new);
            }
            if !self.index_now {
                index::defer_changes(self.storage, &mut self.groups);
            }
        }
        let packs_records = self.writes.keys().any(|k| keys::packed_record(k));
        if packs_records || !self.groups.is_empty() || self.bodies.values().any(|b| b.dirty) || self.freed > 0 {
            let mut state = self.storage.pack_state()?;
            state.garbage += self.freed;
            self.write_groups(&mut state)?;
            self.write_bodies(&mut state)?;
            self.write_records(&mut state)?;
            state.generation = self.storage.pack.generation();
            state.len = self.storage.pack.size();
            self.put_encoded(keys::META_PACK.to_vec(), &state)?;
        }
        self.write_bundles()?;
        let mut batch = sled::Batch::default();
        let batch_is_empty = self.writes.is_empty();
        for (k, v) in std::mem::take(&mut self.writes) {
            match v {
                Some(v) => batch.insert(k, v),
                None => batch.remove(k),
            }
        }
        if !batch_is_empty {
            self.storage.written.store(true, std::sync::atomic::Ordering::Relaxed);
            self.storage.tree.apply_batch(batch)?;
        }
        if !live_changes.is_empty() {
            self.storage.note_live_changes(live_changes);
        }
        Ok(std::mem::take(&mut self.touched))
    }

    /// Replaces a record's index entries `old` with `new`, in the groups
    /// written at commit.
    pub fn reindex(&mut self, old: &BTreeSet<Vec<u8>>, new: &BTreeSet<Vec<u8>>) {
        for gone in old.difference(new) {
            self.groups.remove(gone);
        }
        for added in new.difference(old) {
            self.groups.add(added);
        }
    }

    /// Writes `changes` to the index at commit, deferred or not (what a
    /// deferral gathered, or indexes made from the records).
    pub fn write_index(&mut self, changes: index::Changes) {
        self.groups = changes;
        self.index_now = true;
    }

    /// Deletes every index group; their frames become garbage.
    pub fn drop_index(&mut self) -> Result<(), StoreError> {
        for entry in self.storage.tree.scan_prefix([keys::INDEX]) {
            let (k, v) = entry?;
            self.freed += loc_of(&k, &v)?.framed_len();
            self.delete(k.to_vec());
        }
        Ok(())
    }

    /// Each group the batch changes, written anew to the pack; the frame
    /// it replaces becomes garbage.
    fn write_groups(&mut self, state: &mut PackState) -> Result<(), StoreError> {
        let changes = std::mem::take(&mut self.groups);
        let fresh = changes.fresh;
        let mut groups = Vec::new();
        let mut payloads = Vec::new();
        for (group, adds, removes) in changes.into_groups() {
            let mut stored = Vec::new();
            if !fresh && let Some(v) = self.get(&group)? {
                let loc = loc_of(&group, &v)?;
                state.garbage += loc.framed_len();
                stored = self.storage.pack.read(loc)?;
            }
            let edited = index::edit_group(&stored, &adds, &removes);
            if edited.is_empty() {
                self.delete(group);
            } else {
                payloads.push(edited);
                groups.push(group);
            }
        }
        for (group, loc) in groups.into_iter().zip(self.storage.pack.append(&payloads)?) {
            self.put(group, loc.to_bytes().to_vec());
        }
        Ok(())
    }

    /// Each record kept in the pack that the batch writes, appended as a
    /// frame of its own, the groups of places (`places`) holding them
    /// written anew; the frame a record replaces (or a deleted record's)
    /// becomes garbage.
    fn write_records(&mut self, state: &mut PackState) -> Result<(), StoreError> {
        let records: Vec<(Vec<u8>, Option<Vec<u8>>)> = {
            let keys: Vec<Vec<u8>> = self.writes.keys().filter(|k| keys::packed_record(k)).cloned().collect();
            keys.into_iter()
                .filter_map(|k| self.writes.remove(&k).map(|v| (k, v)))
                .collect()
        };
        if records.is_empty() {
            return Ok(());
        }
        let stored_at = self.stored_at.take();
        let mut groups: BTreeMap<Vec<u8>, Group> = BTreeMap::new();
        let mut payloads = Vec::new();
        let mut placed = Vec::new();
        for (k, v) in records {
            let group = places::group_of(&k)?;
            let group = match groups.entry(group) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    let stored = self.storage.group_holding(&k)?.1;
                    e.insert(stored)
                }
            };
            let old = match stored_at.get(&k) {
                Some(loc) => *loc,
                None => group.get(&k),
            };
            if let Some(old) = old {
                state.garbage += old.framed_len();
            }
            match v {
                Some(v) => {
                    payloads.push(v);
                    placed.push(k);
                }
                None => group.set(&k, None)?,
            }
        }
        for (k, loc) in placed.into_iter().zip(self.storage.pack.append(&payloads)?) {
            if let Some(group) = groups.get_mut(&places::group_of(&k)?) {
                group.set(&k, Some(loc))?;
            }
        }
        for (key, group) in groups {
            if !self.storage.keep_group(&key, &group)? {
                let value = (!group.is_empty()).then(|| group.bytes().to_vec());
                self.writes.insert(key, value);
            }
        }
        Ok(())
    }

    /// Each entry of a bundled kind the batch writes, put in its bundle
    /// (`bundles`), and each bundle changed written whole, or held during
    /// bulk work.
    fn write_bundles(&mut self) -> Result<(), StoreError> {
        let mut by_bundle: BTreeMap<Vec<u8>, Vec<Write>> = BTreeMap::new();
        for kind in bundles::KINDS {
            let wanted: Vec<Vec<u8>> = self
                .writes
                .range(vec![kind]..vec![kind + 1])
                .map(|(k, _)| k.clone())
                .filter(|k| bundles::is_bundled(k))
                .collect();
            for k in wanted {
                if let Some(v) = self.writes.remove(&k) {
                    by_bundle.entry(bundles::bundle_of(&k)).or_default().push((k, v));
                }
            }
        }
        for (key, changes) in by_bundle {
            let changed = self.storage.change_bundle(&key, |bundle| {
                for (k, v) in changes {
                    bundle.set(&k, v);
                }
            })?;
            if let Some(bundle) = changed {
                let value = (!bundle.is_empty()).then(|| bundle.encode());
                self.writes.insert(key, value);
            }
        }
        Ok(())
    }

    fn write_bodies(&mut self, state: &mut PackState) -> Result<(), StoreError> {
        let mut dirty: Vec<(CustomerId, Box<BodySlot>)> = self.bodies.drain().filter(|(_, s)| s.dirty).collect();
        // Customer order: the file is then in the order the view reads it.
        dirty.sort_by_key(|(id, _)| *id);
        let mut payloads = Vec::new();
        // Each payload's customer, and the chain it is added to (none when
        // the body is written whole).
        let mut written: Vec<(CustomerId, Option<Chain>)> = Vec::new();
        for (id, slot) in dirty {
            // A change to a chain with room for it, unless the body lost
            // an entry (which laying changes over cannot express).
            let extend = match (slot.stored, &slot.before) {
                (Some(chain), Some(before))
                    if chain.has_room()
                        && !chain::lost_entries(before, &slot.body)
                        && !chain.locs().iter().any(|l| self.storage.pack.in_older(*l)) =>
                {
                    Ok((chain, chain::changes(before, &slot.body)))
                }
                (stored, _) => Err(stored),
            };
            match extend {
                Ok((_, change)) if change.is_empty() => {}
                Ok((chain, change)) => {
                    payloads.push(codec::encode(&change).map_err(StoreError::codec("customer body"))?);
                    written.push((id, Some(chain)));
                }
                Err(stored) => {
                    if let Some(old) = stored {
                        state.garbage += old.framed_len();
                    }
                    if slot.body.is_empty() {
                        self.delete(keys::body(id));
                    } else {
                        payloads.push(codec::encode(&slot.body).map_err(StoreError::codec("customer body"))?);
                        written.push((id, None));
                    }
                }
            }
        }
        let locs = self.storage.pack.append(&payloads)?;
        for ((id, chain), loc) in written.into_iter().zip(locs) {
            let chain = match chain {
                Some(chain) => chain.then(loc),
                None => Chain::whole(loc),
            };
            self.put(keys::body(id), chain.to_bytes());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A view's storage over `tree`, its pack in `dir`.
    fn storage_on(tree: &sled::Tree, dir: &std::path::Path) -> Storage {
        Storage {
            deferred: Default::default(),
            written: Default::default(),
            org_changes: Default::default(),
            live_changes: Default::default(),
            forgets: Default::default(),
            held: Default::default(),
            tree: tree.clone(),
            pack: std::sync::Arc::new(super::super::pack::Pack::open(dir, 0).unwrap()),
        }
    }

    #[test]
    fn reads_see_the_batch() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("t").unwrap();
        let storage = storage_on(&tree, dir.path());
        tree.insert(b"a1", b"stored".to_vec()).unwrap();
        tree.insert(b"a2", b"gone".to_vec()).unwrap();
        let mut tx = Txn::new(&storage);
        tx.put(b"a3".to_vec(), b"new".to_vec());
        tx.delete(b"a2".to_vec());
        assert_eq!(tx.get(b"a2").unwrap(), None);
        let keys: Vec<Vec<u8>> = tx.scan_prefix(b"a").unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec![b"a1".to_vec(), b"a3".to_vec()]);
        assert!(tree.get(b"a3").unwrap().is_none(), "nothing is written before commit");
        tx.commit().unwrap();
        assert!(tree.get(b"a3").unwrap().is_some());
        assert!(tree.get(b"a2").unwrap().is_none());
    }

    /// Bulk work holds the groups of places in memory: what a commit put
    /// is read back before it is written, the marker stands in sled
    /// whenever sled's groups are behind, and a scan or the end of the
    /// holding writes them.
    #[test]
    fn held_groups_are_read_before_they_are_written_and_marked_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("t").unwrap();
        let storage = storage_on(&tree, dir.path());
        let key = keys::customer(CustomerId(42));
        let group = places::group_of(&key).unwrap();
        let marked = || tree.get(keys::META_PLACES_HELD).unwrap().is_some();
        let commit = |value: Option<&[u8]>| {
            let mut tx = Txn::new(&storage);
            match value {
                Some(v) => tx.put(key.clone(), v.to_vec()),
                None => tx.delete(key.clone()),
            }
            tx.commit().unwrap();
        };

        storage.hold_places();
        commit(Some(b"record"));
        assert!(tree.get(&group).unwrap().is_none(), "held, not written");
        assert!(marked(), "sled's group is behind");
        assert_eq!(storage.get(&key).unwrap().as_deref(), Some(&b"record"[..]));
        let scanned: Vec<Vec<u8>> = storage
            .scan_prefix(&[keys::CUSTOMER])
            .map(|e| e.unwrap().0.to_vec())
            .collect();
        assert_eq!(scanned, vec![key.clone()], "a scan writes what is held first");
        assert!(tree.get(&group).unwrap().is_some() && !marked());

        commit(None);
        assert!(marked());
        assert_eq!(storage.get(&key).unwrap(), None, "the held deletion is read");
        storage.stop_holding().unwrap();
        assert!(tree.get(&group).unwrap().is_none(), "an emptied group is removed");
        assert!(!marked());

        commit(Some(b"again"));
        assert!(tree.get(&group).unwrap().is_some(), "no longer held: written at commit");
        assert!(!marked());
    }
}
