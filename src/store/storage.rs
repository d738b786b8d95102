//! The view's two parts: the sled tree (records and indexes) and the pack
//! file (customer bodies and index groups), and how a body is found from a
//! customer.

use std::ops::Bound;
use std::sync::Arc;

use super::bundles::{self, Bundle};
use super::chain::{self, Chain};
use super::codec;
use super::error::StoreError;
use super::keys;
use super::lean::LeanBody;
use super::pack::{Layout, Loc, Pack, PackState};
use super::places::{self, Group};
use super::records::Body;
use crate::domain::CustomerId;

/// Cheap to clone: the reader threads of the UI each hold one. The pack is
/// only ever replaced (by compaction) while no clone is out.
#[derive(Clone)]
pub(crate) struct Storage {
    pub tree: sled::Tree,
    pub pack: Arc<Pack>,
    /// How commits keep the indexes (deferred while a view is filled in
    /// bulk).
    pub deferred: super::index::Deferred,
    /// Something was written to the view since it opened: closing it
    /// then makes it durable.
    pub written: Arc<std::sync::atomic::AtomicBool>,
    /// Counts changes to organization records (whatever their source):
    /// what the organizations' names were read at is still true while it
    /// has not moved (see `organizations::Names`).
    pub org_changes: Arc<std::sync::atomic::AtomicU64>,
    /// Whether the view holds forgotten ids (see `forget::any`): 0 not
    /// looked yet, 1 none, 2 some. Checked for every edit applied, so
    /// a view that never forgot anyone pays one lookup, not one per edit.
    pub forgets: Arc<std::sync::atomic::AtomicU8>,
    /// Groups of places held in memory during bulk work (`places::Held`).
    pub held: places::Held,
    /// Customers that became live or stopped being live since the view
    /// opened, in the order committed: what the live-ids table is brought
    /// up to date with as the view closes (`live_ids`).
    pub live_changes: Arc<std::sync::Mutex<Vec<(CustomerId, bool)>>>,
}

impl Storage {
    pub fn note_live_changes(&self, changes: Vec<(CustomerId, bool)>) {
        self.live_changes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(changes);
    }

    pub fn take_live_changes(&self) -> Vec<(CustomerId, bool)> {
        std::mem::take(&mut *self.live_changes.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Where the customer's body is; an entry that is not a chain of
    /// locations is damage, never "no body" (a write would then replace
    /// the body).
    pub fn body_chain(&self, id: CustomerId) -> Result<Option<Chain>, StoreError> {
        let key = keys::body(id);
        self.get(&key)?.map(|v| chain_of(&key, &v)).transpose()
    }

    /// The body a chain holds: its whole frame with each change laid over.
    pub fn read_body(&self, chain: &Chain) -> Result<Body, StoreError> {
        let mut parts = Vec::with_capacity(chain.locs().len());
        for loc in chain.locs() {
            parts.push(decode_body(&self.pack.read(*loc)?)?);
        }
        Ok(chain::assemble(parts))
    }

    /// The bodies of `ids`, in the order given (empty for a customer with
    /// none). Every frame of every chain is read in one batch, in pack
    /// order, neighbouring frames in one read: what reading the bodies of
    /// a whole scan of customers costs a few large reads rather than one
    /// or more per customer.
    pub fn bodies(&self, ids: &[CustomerId]) -> Result<Vec<Body>, StoreError> {
        Ok(self
            .chains_decoded(ids, decode_body)?
            .into_iter()
            .map(chain::assemble)
            .collect())
    }

    /// The frames of the bodies of `ids` as `bodies` reads them, each
    /// decoded lean (`lean`: without each interaction's text or its
    /// fields' stamps), in chain order: what a report reads, at a fraction
    /// of the cost.
    pub(crate) fn lean_bodies(&self, ids: &[CustomerId]) -> Result<Vec<Vec<LeanBody>>, StoreError> {
        self.chains_decoded(ids, |bytes| {
            codec::decode::<LeanBody>(bytes).map_err(StoreError::codec("customer body"))
        })
    }

    /// The frames of the chains of `ids`, decoded, in chain order (none
    /// for a customer with no body).
    fn chains_decoded<T>(
        &self,
        ids: &[CustomerId],
        decode: impl FnMut(&[u8]) -> Result<T, StoreError>,
    ) -> Result<Vec<Vec<T>>, StoreError> {
        let mut lengths = Vec::with_capacity(ids.len());
        let mut locs = Vec::with_capacity(ids.len());
        // Each bundle of places read once, not once per customer in it.
        let mut read: std::collections::HashMap<Vec<u8>, Bundle> = std::collections::HashMap::new();
        for id in ids {
            let key = keys::body(*id);
            let bundle = match read.entry(bundles::bundle_of(&key)) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let stands = self.bundle(e.key())?;
                    e.insert(stands)
                }
            };
            match bundle.get(&key).map(|v| chain_of(&key, v)).transpose()? {
                Some(chain) => {
                    lengths.push(chain.locs().len());
                    locs.extend_from_slice(chain.locs());
                }
                None => lengths.push(0),
            }
        }
        let mut parts = self.pack.read_many_with(&locs, decode)?.into_iter();
        Ok(lengths.into_iter().map(|n| parts.by_ref().take(n).collect()).collect())
    }

    /// The customer's body; empty when it has none.
    pub fn body(&self, id: CustomerId) -> Result<Body, StoreError> {
        match self.body_chain(id)? {
            Some(chain) => self.read_body(&chain),
            None => Ok(Body::default()),
        }
    }

    /// The value under `key`: a packed record read from the pack, a
    /// bundled entry from its bundle.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        if keys::packed_record(key) {
            return match self.place(key)? {
                Some(loc) => Ok(Some(self.pack.read(loc)?)),
                None => Ok(None),
            };
        }
        if bundles::is_bundled(key) {
            let bundle = bundles::bundle_of(key);
            return Ok(self.on_bundle(&bundle, |b| b.get(key).map(<[u8]>::to_vec))?.flatten());
        }
        Ok(self.tree.get(key)?.map(|v| v.to_vec()))
    }

    /// Where the packed record under `key` is in the pack, if it exists.
    pub fn place(&self, key: &[u8]) -> Result<Option<Loc>, StoreError> {
        let group = places::group_of(key)?;
        Ok(self.on_group(&group, |g| g.get(key))?.flatten())
    }

    /// The group of packed records that holds `key`'s, as it stands (empty
    /// when there is none yet), with its sled key.
    pub fn group_holding(&self, key: &[u8]) -> Result<(Vec<u8>, Group), StoreError> {
        let group = places::group_of(key)?;
        let stands = self.on_group(&group, Group::clone)?.unwrap_or_default();
        Ok((group, stands))
    }

    /// `f` of the group under the sled key `group` as it stands: held in
    /// memory, else as sled has it; `None` when there is no such group.
    fn on_group<T>(&self, group: &[u8], f: impl FnOnce(&Group) -> T) -> Result<Option<T>, StoreError> {
        if let Some(held) = places::lock(&self.held).as_ref().and_then(|h| h.places.get(group)) {
            return Ok(Some(f(held)));
        }
        match self.tree.get(group)? {
            Some(v) => Ok(Some(f(&Group::decode(group, &v)?))),
            None => Ok(None),
        }
    }

    /// The bundle under the sled key `bundle` as it stands (empty when
    /// there is none yet).
    pub fn bundle(&self, bundle: &[u8]) -> Result<Bundle, StoreError> {
        Ok(self.on_bundle(bundle, Bundle::clone)?.unwrap_or_default())
    }

    /// `f` of the bundle under the sled key `bundle` as it stands, held
    /// or sled's; `None` when there is no such bundle.
    fn on_bundle<T>(&self, bundle: &[u8], f: impl FnOnce(&Bundle) -> T) -> Result<Option<T>, StoreError> {
        if let Some(held) = places::lock(&self.held).as_ref().and_then(|h| h.bundles.get(bundle)) {
            return Ok(Some(f(held)));
        }
        match self.tree.get(bundle)? {
            Some(v) => Ok(Some(f(&Bundle::decode(bundle, &v)?))),
            None => Ok(None),
        }
    }

    /// Holds the groups commits change in memory from now on, until
    /// `stop_holding` (bulk work).
    pub fn hold_places(&self) {
        places::lock(&self.held).get_or_insert_with(Default::default);
    }

    /// Keeps a group a commit changed in memory, when holding; false when
    /// the commit is to write it. The marker goes to sled before the first
    /// group held, so it is there whenever a batch that needs it is.
    pub fn keep_group(&self, key: &[u8], group: &Group) -> Result<bool, StoreError> {
        let mut held = places::lock(&self.held);
        let Some(held) = held.as_mut() else {
            return Ok(false);
        };
        if held.is_empty() {
            self.tree.insert(keys::META_PLACES_HELD, &[])?;
        }
        held.places.insert(key.to_vec(), group.clone());
        Ok(true)
    }

    /// Changes the bundle under the sled key `key` by `change`: in memory
    /// when holding (`None` back; the marker as for `keep_group`), else
    /// as sled has it, given back for the commit to write. Changed where
    /// it is held, not copied: bulk work changes most bundles with every
    /// commit.
    pub fn change_bundle(&self, key: &[u8], change: impl FnOnce(&mut Bundle)) -> Result<Option<Bundle>, StoreError> {
        {
            let mut held = places::lock(&self.held);
            if let Some(held) = held.as_mut() {
                if held.is_empty() {
                    self.tree.insert(keys::META_PLACES_HELD, &[])?;
                }
                let bundle = match held.bundles.entry(key.to_vec()) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        let stored = match self.tree.get(key)? {
                            Some(v) => Bundle::decode(key, &v)?,
                            None => Bundle::default(),
                        };
                        e.insert(stored)
                    }
                };
                change(bundle);
                return Ok(None);
            }
        }
        let mut bundle = self.bundle(key)?;
        change(&mut bundle);
        Ok(Some(bundle))
    }

    /// Writes the groups held so far to sled, with the marker removed in
    /// the same batch; goes on holding. Done before anything reads sled's
    /// groups in order (scans, compaction) and before a flush.
    pub fn settle_places(&self) -> Result<(), StoreError> {
        let mut held = places::lock(&self.held);
        let Some(held) = held.as_mut().filter(|h| !h.is_empty()) else {
            return Ok(());
        };
        let mut batch = sled::Batch::default();
        let held = std::mem::take(held);
        if held.places.len() + held.bundles.len() >= TIDY_AFTER {
            batch.insert(keys::META_TIDY, &[]);
        }
        for (key, group) in held.places {
            if group.is_empty() {
                batch.remove(key);
            } else {
                batch.insert(key, group.bytes());
            }
        }
        for (key, bundle) in held.bundles {
            if bundle.is_empty() {
                batch.remove(key);
            } else {
                batch.insert(key, bundle.encode());
            }
        }
        batch.remove(keys::META_PLACES_HELD);
        self.tree.apply_batch(batch)?;
        self.written.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Writes what is held and stops holding.
    pub fn stop_holding(&self) -> Result<(), StoreError> {
        self.settle_places()?;
        *places::lock(&self.held) = None;
        Ok(())
    }

    /// Whether the view holds any record of `kind` (customers, deals,
    /// organizations).
    pub fn holds_any(&self, kind: u8) -> Result<bool, StoreError> {
        self.settle_places()?;
        Ok(self.tree.scan_prefix([kind]).next().is_some())
    }

    /// How many records of `kind` the view holds, counting no further
    /// than `up_to`.
    pub fn count_records(&self, kind: u8, up_to: usize) -> Result<usize, StoreError> {
        self.settle_places()?;
        let mut n = 0;
        for entry in self.tree.scan_prefix([kind]) {
            let (k, v) = entry?;
            if places::is_group(&k) {
                n += Group::decode(&k, &v)?.len();
            }
            if n >= up_to {
                break;
            }
        }
        Ok(n.min(up_to))
    }

    /// Entries with keys starting with `prefix`, in key order, with their
    /// values (packed records read from the pack, many at a time).
    pub fn scan_prefix(&self, prefix: &[u8]) -> Values<'_> {
        let end = match keys::prefix_end(prefix) {
            Some(end) => Bound::Excluded(end),
            None => Bound::Unbounded,
        };
        self.range((Bound::Included(prefix.to_vec()), end))
    }

    /// Entries with keys in `range`, in key order, with their values.
    pub fn range<R: std::ops::RangeBounds<Vec<u8>>>(&self, range: R) -> Values<'_> {
        // Held groups are written first: the scan reads sled's.
        let settled = self.settle_places();
        let wanted = (range.start_bound().cloned(), range.end_bound().cloned());
        let widen = |b: Bound<&Vec<u8>>| bundles::widen(b).unwrap_or_else(|| places::widen(b));
        let stored = (widen(range.start_bound()), widen(range.end_bound()));
        let mut values = Values::new(self, self.tree.range(stored), wanted);
        if let Err(e) = settled {
            values.ready.push_back(Err(e));
        }
        values
    }

    pub fn pack_state(&self) -> Result<PackState, StoreError> {
        read_pack_state(&self.tree)
    }

    /// Every entry in key order, each body as its content rather than its
    /// place in the pack: what two views holding the same thing agree on.
    pub fn entries(&self) -> impl Iterator<Item = Result<Entry, StoreError>> + '_ {
        let settled = self.settle_places().err().map(Err);
        settled
            .into_iter()
            .chain(self.tree.iter().flat_map(|entry| -> Vec<Result<Entry, StoreError>> {
                let entry = || -> Result<Vec<Entry>, StoreError> {
                    let (k, v) = entry?;
                    if places::is_group(&k) {
                        let group = Group::decode(&k, &v)?;
                        return group
                            .members(k[0])
                            .map(|(key, loc)| Ok((key, self.pack.read(loc)?)))
                            .collect();
                    }
                    let stored: Vec<Entry> = if bundles::is_bundle(&k) {
                        Bundle::decode(&k, &v)?.into_members().collect()
                    } else {
                        vec![(k.to_vec(), v.to_vec())]
                    };
                    stored
                        .into_iter()
                        .map(|(k, v)| {
                            if k.first() == Some(&keys::BODY) {
                                let body = self.read_body(&chain_of(&k, &v)?)?;
                                let body = codec::encode(&body).map_err(StoreError::codec("customer body"))?;
                                Ok((k, body))
                            } else if keys::in_pack(&k) {
                                let loc = loc_of(&k, &v)?;
                                Ok((k, self.pack.read(loc)?))
                            } else {
                                Ok((k, v))
                            }
                        })
                        .collect()
                };
                match entry() {
                    Ok(entries) => entries.into_iter().map(Ok).collect(),
                    Err(e) => vec![Err(e)],
                }
            }))
    }
}

/// Groups and bundles written at once by bulk work from which sled's
/// file is tidied at the next open (`keys::META_TIDY`): a few hundred
/// is bulk, a command's own changes touch a handful.
const TIDY_AFTER: usize = 512;

/// A key and the value it stands for (see `Storage::entries`).
pub type Entry = (Vec<u8>, Vec<u8>);

fn decode_body(bytes: &[u8]) -> Result<Body, StoreError> {
    codec::decode(bytes).map_err(StoreError::codec("customer body"))
}

/// A packed entry's value as a place in the pack.
pub(crate) fn loc_of(key: &[u8], value: &[u8]) -> Result<Loc, StoreError> {
    Loc::from_bytes(value)
        .ok_or_else(|| StoreError::codec("body location")(codec::CodecError::Decode(keys::describe_key(key))))
}

/// A `B` entry's value as the chain of its body's frames.
pub(crate) fn chain_of(key: &[u8], value: &[u8]) -> Result<Chain, StoreError> {
    Chain::from_bytes(value)
        .ok_or_else(|| StoreError::codec("body location")(codec::CodecError::Decode(keys::describe_key(key))))
}

/// The pack's layout; a view from before it has one file from offset 0.
pub(crate) fn read_layout(tree: &sled::Tree) -> Result<Layout, StoreError> {
    match tree.get(keys::META_PACK_LAYOUT)? {
        Some(v) => codec::decode(&v).map_err(StoreError::codec("pack layout")),
        None => Ok(Layout::default()),
    }
}

pub(crate) fn read_pack_state(tree: &sled::Tree) -> Result<PackState, StoreError> {
    match tree.get(keys::META_PACK)? {
        Some(v) => codec::decode(&v).map_err(StoreError::codec("pack state")),
        None => Ok(PackState::default()),
    }
}

/// How many packed records a scan reads from the pack at once.
const SCAN_BATCH: usize = 512;

/// A scan's entries with their values: packed records are read from the
/// pack a batch at a time, neighbouring frames in one read, so reading
/// every customer costs a few large reads rather than one per customer.
pub(crate) struct Values<'s> {
    storage: &'s Storage,
    entries: sled::Iter,
    /// The keys asked for: sled's range may take in a few more members of
    /// the groups at its ends.
    wanted: (Bound<Vec<u8>>, Bound<Vec<u8>>),
    ready: std::collections::VecDeque<Result<(sled::IVec, Vec<u8>), StoreError>>,
}

impl<'s> Values<'s> {
    fn new(storage: &'s Storage, entries: sled::Iter, wanted: (Bound<Vec<u8>>, Bound<Vec<u8>>)) -> Values<'s> {
        Values {
            storage,
            entries,
            wanted,
            ready: std::collections::VecDeque::new(),
        }
    }

    /// Reads the next batch of entries into `ready`.
    fn fill(&mut self) -> Result<(), StoreError> {
        let mut packed: Vec<(sled::IVec, Loc)> = Vec::new();
        while packed.len() < SCAN_BATCH {
            let Some(entry) = self.entries.next() else { break };
            let (k, v) = entry?;
            if places::is_group(&k) {
                let group = Group::decode(&k, &v)?;
                packed.extend(
                    group
                        .members(k[0])
                        .filter(|(key, _)| within(&self.wanted, key))
                        .map(|(key, loc)| (sled::IVec::from(key), loc)),
                );
                continue;
            }
            let mut stored: Vec<(sled::IVec, Vec<u8>)> = if bundles::is_bundle(&k) {
                Bundle::decode(&k, &v)?
                    .into_members()
                    .map(|(key, value)| (sled::IVec::from(key), value))
                    .collect()
            } else {
                vec![(k, v.to_vec())]
            };
            stored.retain(|(key, _)| within(&self.wanted, key));
            if stored.is_empty() {
                continue;
            }
            // Kept after the batch read before it, in key order.
            if !packed.is_empty() {
                let payloads = self.read(&packed)?;
                self.ready
                    .extend(packed.into_iter().map(|(k, _)| k).zip(payloads).map(Ok));
            }
            self.ready.extend(stored.into_iter().map(Ok));
            return Ok(());
        }
        let payloads = self.read(&packed)?;
        self.ready
            .extend(packed.into_iter().map(|(k, _)| k).zip(payloads).map(Ok));
        Ok(())
    }

    fn read(&self, packed: &[(sled::IVec, Loc)]) -> Result<Vec<Vec<u8>>, StoreError> {
        let locs: Vec<Loc> = packed.iter().map(|(_, l)| *l).collect();
        Ok(self.storage.pack.read_many(&locs)?)
    }
}

/// Whether `key` lies within `bounds`.
fn within(bounds: &(Bound<Vec<u8>>, Bound<Vec<u8>>), key: &[u8]) -> bool {
    let above = match &bounds.0 {
        Bound::Included(b) => key >= b.as_slice(),
        Bound::Excluded(b) => key > b.as_slice(),
        Bound::Unbounded => true,
    };
    let below = match &bounds.1 {
        Bound::Included(b) => key <= b.as_slice(),
        Bound::Excluded(b) => key < b.as_slice(),
        Bound::Unbounded => true,
    };
    above && below
}

impl Iterator for Values<'_> {
    type Item = Result<(sled::IVec, Vec<u8>), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ready.is_empty()
            && let Err(e) = self.fill()
        {
            return Some(Err(e));
        }
        self.ready.pop_front()
    }
}
