//! Compacting the pack in bounded steps.
//!
//! When most of the pack is superseded frames, new frames start going to a
//! new file (the next generation) and the old one is *drained*: each step
//! copies a bounded share of the frames still pointed to in it (a body's
//! chain as one whole frame) and points sled at the copies, in one batch
//! with the step's place in the key order. A step runs when a view opens
//! and after each change, so no command waits for the whole pack to be
//! copied (copying 200 MB at 100,000 customers took over a second); bulk
//! work and `compact` drain it all at once. When no key points into the
//! old file any more, the view is flushed and the file removed.
//!
//! Changes made while a file drains go to the new file, and a body still
//! in the old one is written whole rather than extended, so nothing left
//! behind the step's place can point into the old file.

use std::sync::Arc;

use super::Store;
use super::bundles::{self, Bundle};
use super::chain::Chain;
use super::codec;
use super::error::StoreError;
use super::keys;
use super::pack::{Layout, Loc, Older, PackState};
use super::places::{self, Group};
use super::storage::{chain_of, loc_of, read_layout};

/// Bytes copied per step, and keys looked at: a few milliseconds.
const STEP_BYTES: usize = 1 << 20;
const STEP_KEYS: usize = 2_000;

impl Store {
    /// Starts compacting when the pack is mostly garbage, and takes one
    /// step of a compaction under way. Starting needs no other handle on
    /// the view out (readers hold the current file).
    pub(super) fn compact_a_step(&mut self) -> Result<(), StoreError> {
        let draining = self.view.storage.pack.older().is_some();
        if !draining {
            let state = self.view.storage.pack_state()?;
            if !state.wasteful() || Arc::strong_count(&self.view.storage.pack) > 1 {
                return Ok(());
            }
            self.begin_compaction()?;
        }
        self.compaction_step(STEP_BYTES, STEP_KEYS)?;
        Ok(())
    }

    /// Starts compacting if no compaction is under way, whatever the waste,
    /// and takes one bounded step; true when the compaction is done (for
    /// idle moments, and for tests).
    pub fn compact_step(&mut self) -> Result<bool, StoreError> {
        if self.view.storage.pack.older().is_none() {
            if Arc::strong_count(&self.view.storage.pack) > 1 {
                return Ok(false);
            }
            self.begin_compaction()?;
        }
        self.compaction_step(STEP_BYTES, STEP_KEYS)
    }

    /// One step of a compaction under way, if any (after a change: the
    /// readers of a running UI may hold the pack, so none is started).
    pub(super) fn drain_a_step(&mut self) -> Result<(), StoreError> {
        if self.view.storage.pack.older().is_some() {
            self.compaction_step(STEP_BYTES, STEP_KEYS)?;
        }
        Ok(())
    }

    /// Compacts the pack whole when it is mostly garbage (after bulk work,
    /// when a wait is expected); on the same terms as `compact_a_step`.
    pub fn compact_if_wasteful(&mut self) -> Result<bool, StoreError> {
        let state = self.view.storage.pack_state()?;
        let draining = self.view.storage.pack.older().is_some();
        if !draining && (!state.wasteful() || Arc::strong_count(&self.view.storage.pack) > 1) {
            return Ok(false);
        }
        self.compact()?;
        Ok(true)
    }

    /// Copies every live frame into a new file whatever the waste, and
    /// removes the old one; nothing new is started while another handle
    /// on the view is out (readers hold the current file).
    pub fn compact(&mut self) -> Result<(), StoreError> {
        if self.view.storage.pack.older().is_none() {
            if Arc::strong_count(&self.view.storage.pack) > 1 {
                return Ok(());
            }
            self.begin_compaction()?;
        }
        while !self.compaction_step(usize::MAX, usize::MAX)? {}
        Ok(())
    }

    /// Bytes of the pack's files and how many of them nothing uses any more.
    pub fn pack_usage(&self) -> Result<(u64, u64), StoreError> {
        let pack = &self.view.storage.pack;
        let state = self.view.storage.pack_state()?;
        let older = pack.older().map_or(0, |(_, len)| len);
        Ok((pack.size() - pack.base() + older, state.garbage))
    }

    /// New frames go to a new file from now on; the current one is to be
    /// drained.
    fn begin_compaction(&mut self) -> Result<(), StoreError> {
        let storage = &self.view.storage;
        let old = &storage.pack;
        let new = old.successor()?;
        let mut state = storage.pack_state()?;
        state.generation = new.generation();
        state.len = new.size();
        let layout = Layout {
            base: new.base(),
            older: Some(Older {
                generation: old.generation(),
                base: old.base(),
                cursor: Vec::new(),
            }),
        };
        let mut batch = sled::Batch::default();
        batch.insert(keys::META_PACK, encode_state(&state)?);
        batch.insert(
            keys::META_PACK_LAYOUT,
            codec::encode(&layout).map_err(StoreError::codec("pack layout"))?,
        );
        storage.tree.apply_batch(batch)?;
        storage.written.store(true, std::sync::atomic::Ordering::Relaxed);
        self.view.storage.pack = Arc::new(new);
        Ok(())
    }

    /// Copies the frames still in the older file that come next in key
    /// order, up to `bytes` of them or `keys` keys looked at; ends the
    /// compaction when none are left. True when no compaction is under way
    /// after it.
    fn compaction_step(&mut self, bytes: usize, keys_at_most: usize) -> Result<bool, StoreError> {
        let storage = self.view.storage.clone();
        let tree = &storage.tree;
        let mut layout = read_layout(tree)?;
        let Some(older) = layout.older.as_mut() else {
            return Ok(true);
        };
        let Some((_, older_len)) = storage.pack.older() else {
            return Ok(true);
        };
        // The step reads sled's groups of places in order.
        storage.settle_places()?;
        let pack = &storage.pack;
        let mut moved: Vec<sled::IVec> = Vec::new();
        let mut regrouped: Vec<(sled::IVec, Group)> = Vec::new();
        let mut rebundled: Vec<(sled::IVec, Bundle)> = Vec::new();
        let mut payloads = Vec::new();
        let mut copied = 0usize;
        let mut looked = 0usize;
        let mut freed = 0u64;
        let mut finished = true;
        // Every kind of key whose frames are in the pack, in key order,
        // from after the last key copied.
        let cursor = older.cursor.clone();
        let after = |prefix: u8| -> Vec<u8> {
            if cursor.first() == Some(&prefix) {
                let mut from = cursor.clone();
                from.push(0);
                from
            } else {
                vec![prefix]
            }
        };
        'scan: for prefix in keys::IN_PACK {
            if cursor.first().is_some_and(|c| *c > prefix) {
                continue;
            }
            let from = after(prefix);
            let end = keys::prefix_end(&[prefix]).unwrap_or_else(|| vec![u8::MAX]);
            for entry in tree.range(from..end) {
                if copied >= bytes || looked >= keys_at_most {
                    finished = false;
                    break 'scan;
                }
                let (k, v) = entry?;
                looked += 1;
                older.cursor = k.to_vec();
                if bundles::is_bundle(&k) {
                    // A bundle of bodies' places moves whole, as a group
                    // of records' places: each body with a frame still in
                    // the older file is written anew, whole.
                    let mut bundle = Bundle::decode(&k, &v)?;
                    let mut members = Vec::new();
                    let mut bodies = Vec::new();
                    for (member, value) in bundle.members() {
                        let chain = chain_of(member, value)?;
                        if !chain.locs().iter().any(|l| pack.in_older(*l)) {
                            continue;
                        }
                        let body = storage.read_body(&chain)?;
                        let payload = codec::encode(&body).map_err(StoreError::codec("customer body"))?;
                        freed += chain.framed_len();
                        copied += payload.len();
                        members.push(member.clone());
                        bodies.push(payload);
                    }
                    looked += bundle.len();
                    if members.is_empty() {
                        continue;
                    }
                    for (member, loc) in members.iter().zip(pack.append(&bodies)?) {
                        bundle.set(member, Some(Chain::whole(loc).to_bytes()));
                    }
                    rebundled.push((k, bundle));
                } else if places::is_group(&k) {
                    // A group of records' places moves whole: its members
                    // still in the older file are copied, and the group
                    // written with their new places.
                    let mut group = Group::decode(&k, &v)?;
                    let members: Vec<(Vec<u8>, Loc)> =
                        group.members(k[0]).filter(|(_, loc)| pack.in_older(*loc)).collect();
                    looked += members.len();
                    if members.is_empty() {
                        continue;
                    }
                    let locs: Vec<Loc> = members.iter().map(|(_, loc)| *loc).collect();
                    let read = pack.read_many(&locs)?;
                    freed += locs.iter().map(|l| l.framed_len()).sum::<u64>();
                    copied += read.iter().map(Vec::len).sum::<usize>();
                    for ((member, _), new) in members.iter().zip(pack.append(&read)?) {
                        group.set(member, Some(new))?;
                    }
                    regrouped.push((k, group));
                } else {
                    let loc = loc_of(&k, &v)?;
                    if !pack.in_older(loc) {
                        continue;
                    }
                    let payload = pack.read(loc)?;
                    freed += loc.framed_len();
                    copied += payload.len();
                    payloads.push(payload);
                    moved.push(k);
                }
            }
        }
        let mut batch = sled::Batch::default();
        for (k, loc) in moved.into_iter().zip(pack.append(&payloads)?) {
            batch.insert(k, loc.to_bytes().to_vec());
        }
        for (k, group) in regrouped {
            batch.insert(k, group.bytes().to_vec());
        }
        for (k, bundle) in rebundled {
            batch.insert(k, bundle.encode());
        }
        let mut state: PackState = storage.pack_state()?;
        state.garbage += freed;
        state.len = pack.size();
        if finished {
            // Every byte of the older file is now dead: it goes.
            state.garbage = state.garbage.saturating_sub(older_len);
            layout.older = None;
        }
        batch.insert(keys::META_PACK, encode_state(&state)?);
        batch.insert(
            keys::META_PACK_LAYOUT,
            codec::encode(&layout).map_err(StoreError::codec("pack layout"))?,
        );
        tree.apply_batch(batch)?;
        storage.written.store(true, std::sync::atomic::Ordering::Relaxed);
        if finished {
            // On disk before the file the old view pointed into goes.
            self.flush()?;
            storage.pack.drop_older()?;
        }
        Ok(finished)
    }
}

fn encode_state(state: &PackState) -> Result<Vec<u8>, StoreError> {
    codec::encode(state).map_err(StoreError::codec("pack state"))
}
