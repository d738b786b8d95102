//! A batch of writes to the sled tree, applied atomically at the end.
//!
//! Reads see the batch's own writes first, so applying many ops in one
//! batch behaves exactly like applying them one at a time. Customer records
//! are kept decoded while the batch runs, because every logged interaction
//! updates its customer; their derived parts (activity, stay-in-touch
//! index) are settled once, at commit.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::codec;
use super::error::StoreError;
use super::keys;
use super::records::{CustomerRecord, InteractionRecord};
use crate::domain::{Activity, CustomerId};

/// A key and its value.
pub type Entry = (Vec<u8>, Vec<u8>);

struct Slot {
    /// As stored before this batch, to know which index entries to drop.
    stored: Option<CustomerRecord>,
    record: CustomerRecord,
    dirty: bool,
    activity_stale: bool,
}

impl Slot {
    fn new(id: CustomerId, stored: Option<CustomerRecord>) -> Slot {
        let record = stored.clone().unwrap_or_else(|| CustomerRecord::new(id));
        Slot {
            stored,
            record,
            dirty: false,
            activity_stale: false,
        }
    }
}

pub(crate) struct Txn<'t> {
    tree: &'t sled::Tree,
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    customers: HashMap<CustomerId, Slot>,
    /// Customers whose record, timeline or follow-ups this batch changed.
    touched: BTreeSet<CustomerId>,
}

impl<'t> Txn<'t> {
    pub fn new(tree: &'t sled::Tree) -> Txn<'t> {
        Txn {
            tree,
            writes: BTreeMap::new(),
            customers: HashMap::new(),
            touched: BTreeSet::new(),
        }
    }

    /// Writes waiting for commit; callers bound batches by it.
    pub fn pending(&self) -> usize {
        self.writes.len() + self.customers.len()
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(v) = self.writes.get(key) {
            return Ok(v.clone());
        }
        Ok(self.tree.get(key)?.map(|v| v.to_vec()))
    }

    pub fn get_decoded<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.get(key)? {
            Some(bytes) => codec::decode(&bytes)
                .map(Some)
                .map_err(StoreError::codec(format!("stored value {}", describe_key(key)))),
            None => Ok(None),
        }
    }

    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.writes.insert(key, Some(value));
    }

    pub fn put_encoded<T: Serialize>(&mut self, key: Vec<u8>, value: &T) -> Result<(), StoreError> {
        let bytes = codec::encode(value).map_err(StoreError::codec(format!("value {}", describe_key(&key))))?;
        self.put(key, bytes);
        Ok(())
    }

    pub fn delete(&mut self, key: Vec<u8>) {
        self.writes.insert(key, None);
    }

    /// Entries with keys in `[from, to)`, merging stored ones with this batch's.
    pub fn range(&self, from: &[u8], to: &[u8]) -> Result<Vec<Entry>, StoreError> {
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for entry in self.tree.range(from..to) {
            let (k, v) = entry?;
            merged.insert(k.to_vec(), v.to_vec());
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
            Some(Slot::new(id, stored))
        };
        let entry = self.customers.entry(id);
        Ok(match loaded {
            Some(slot) => entry.insert_entry(slot).into_mut(),
            None => entry.or_insert_with(|| Slot::new(id, None)),
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
        let slot = self.slot(id)?;
        slot.dirty = true;
        Ok(&mut slot.record)
    }

    /// Asks for the customer's activity to be recounted from its timeline
    /// at commit: removing or moving an interaction cannot be undone
    /// incrementally (what was the previous latest contact?).
    pub fn recount_activity(&mut self, id: CustomerId) -> Result<(), StoreError> {
        self.touched.insert(id);
        let slot = self.slot(id)?;
        slot.dirty = true;
        slot.activity_stale = true;
        Ok(())
    }

    fn count_activity(&self, id: CustomerId) -> Result<Activity, StoreError> {
        let mut activity = Activity::default();
        for (k, _) in self.scan_prefix(&keys::customer_log_prefix(id))? {
            let Some(iid) = keys::interaction_of_log_key(&k) else {
                continue;
            };
            if let Some(rec) = self.get_decoded::<InteractionRecord>(&keys::interaction(iid))?
                && rec.is_live()
            {
                activity.add(&rec.interaction);
            }
        }
        Ok(activity)
    }

    /// Writes everything in one atomic sled batch; returns the customers
    /// it touched.
    pub fn commit(mut self) -> Result<BTreeSet<CustomerId>, StoreError> {
        let slots: Vec<(CustomerId, Slot)> = self.customers.drain().filter(|(_, s)| s.dirty).collect();
        for (id, mut slot) in slots {
            if slot.activity_stale {
                slot.record.customer.activity = self.count_activity(id)?;
            }
            let old = slot.stored.as_ref().and_then(CustomerRecord::touch_key);
            let new = slot.record.touch_key();
            if old != new {
                if let Some(k) = old {
                    self.delete(k);
                }
                if let Some(k) = new {
                    self.put(k, Vec::new());
                }
            }
            self.put_encoded(keys::customer(id), &slot.record)?;
        }
        let mut batch = sled::Batch::default();
        for (k, v) in std::mem::take(&mut self.writes) {
            match v {
                Some(v) => batch.insert(k, v),
                None => batch.remove(k),
            }
        }
        self.tree.apply_batch(batch)?;
        Ok(std::mem::take(&mut self.touched))
    }
}

/// The first key after every key starting with `prefix`.
pub(crate) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// A key in a form fit for an error message.
pub(crate) fn describe_key(key: &[u8]) -> String {
    let (tag, rest) = key.split_first().map(|(t, r)| (*t as char, r)).unwrap_or(('?', &[]));
    let hex: String = rest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{tag}:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_ends() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[1, 0xff]), Some(vec![2]));
        assert_eq!(prefix_end(&[0xff, 0xff]), None);
    }

    #[test]
    fn reads_see_the_batch() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("t").unwrap();
        tree.insert(b"a1", b"stored".to_vec()).unwrap();
        tree.insert(b"a2", b"gone".to_vec()).unwrap();
        let mut tx = Txn::new(&tree);
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
}
