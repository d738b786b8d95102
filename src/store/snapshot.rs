//! Writing the view as a snapshot in the workspace, and starting a new
//! view from the newest one.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::codec;
use super::error::StoreError;
use super::keys;
use super::records::{Body, Cursor, FileCursor};
use super::storage::Storage;
use super::txn::Txn;
use super::{MAX_PENDING, Store, read_cursor};
use crate::domain::CustomerId;
use crate::encryption::Keys;
use crate::sync::ReplicaId;
use crate::sync::journal;
use crate::sync::snapshot::{self as file, SnapshotFile};
use crate::sync::sources::sources;

/// Entries per frame of a snapshot file.
const ENTRIES_PER_FRAME: usize = 2000;
/// How many of its own snapshots a replica keeps in the workspace.
const KEEP: usize = 2;

/// Stored by position: never reorder.
#[derive(Debug, Serialize, Deserialize)]
enum Chunk {
    Head {
        writer: ReplicaId,
        at: i64,
        clock: u64,
        /// Every replica's ops in the snapshot: all up to this number.
        cursors: Vec<(ReplicaId, u64)>,
        /// How far each segment file had been read.
        files: Vec<(ReplicaId, String, FileCursor)>,
    },
    Entries(Vec<(Vec<u8>, Vec<u8>)>),
    End {
        entries: u64,
    },
}

/// True for keys a snapshot carries: shared state, not this replica's own
/// bookkeeping (read positions, undo history) nor what is derived from
/// the records (indexes, made again when a snapshot is loaded).
fn shared(key: &[u8]) -> bool {
    !keys::is_derived(key) && !matches!(key.first(), Some(&keys::META) | Some(&keys::UNDO) | Some(&keys::REDO))
}

/// How far a view (or snapshot) holds each replica's changes.
pub type Coverage = BTreeMap<ReplicaId, u64>;

/// Each replica says what its view holds in its own folder, so anyone can
/// tell which old segments everybody has read.
const SEEN_FILE: &str = "seen.toml";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Seen {
    #[serde(default)]
    seen: BTreeMap<String, u64>,
}

impl Store {
    /// Writes the view to a snapshot file in the workspace; keeps this
    /// replica's two newest snapshots.
    pub fn write_snapshot(&mut self) -> Result<PathBuf, StoreError> {
        if !self.workspace_present() {
            return Err(crate::workspace::WorkspaceError::Gone(self.ws.root.clone()).into());
        }
        self.flush()?;
        let tree = &self.view.storage.tree;
        let mut cursors = Vec::new();
        let mut files = Vec::new();
        for replica in journal::replicas(&self.ws.root)? {
            let held = super::held::read(tree, replica)?;
            if held.prefix == 0 && held.max() == 0 {
                continue;
            }
            if held.prefix > 0 {
                cursors.push((replica, held.prefix));
            }
            // Ops held beyond a gap are in the snapshot's entries but not in
            // its cursors: a view starting from it reads that replica's
            // files again from the start (applying them again is harmless)
            // so it knows it holds them.
            if held.max() > held.prefix {
                continue;
            }
            for src in sources(&journal::replica_dir(&self.ws.root, replica), replica)? {
                if src.is_copy() {
                    continue;
                }
                if let Some(v) = tree.get(keys::file_cursor(replica, &src.name))? {
                    let fc: FileCursor = codec::decode(&v).map_err(StoreError::codec("file cursor"))?;
                    files.push((replica, src.name, fc));
                }
            }
        }
        let head = Chunk::Head {
            writer: self.ws.replica,
            at: self.view.clock.now_ms(),
            clock: self.hlc.last(),
            cursors,
            files,
        };
        let mut frames = vec![codec::encode(&head).map_err(StoreError::codec("snapshot"))?];
        let mut batch = Vec::with_capacity(ENTRIES_PER_FRAME);
        let mut count = 0u64;
        self.view.for_each_shared_entry(|k, v| {
            // Indexes are made again from the records by whoever loads it.
            if !shared(&k) {
                return Ok(());
            }
            batch.push((k, v));
            count += 1;
            if batch.len() == ENTRIES_PER_FRAME {
                let chunk = Chunk::Entries(std::mem::take(&mut batch));
                frames.push(codec::encode(&chunk).map_err(StoreError::codec("snapshot"))?);
            }
            Ok(())
        })?;
        if !batch.is_empty() {
            frames.push(codec::encode(&Chunk::Entries(batch)).map_err(StoreError::codec("snapshot"))?);
        }
        frames.push(codec::encode(&Chunk::End { entries: count }).map_err(StoreError::codec("snapshot"))?);
        let at = self.view.clock.now_ms();
        let path = file::write(&self.ws.root, self.ws.replica, at, frames, &self.keys)?;
        file::prune(&self.ws.root, self.ws.replica, KEEP)?;
        Ok(path)
    }

    /// A view with nothing in it starts from the newest whole snapshot in
    /// the workspace, if there is one. Returns the snapshot used.
    pub(super) fn start_from_snapshot(&mut self) -> Result<Option<SnapshotFile>, StoreError> {
        let storage = self.view.storage.clone();
        let tree = &storage.tree;
        let empty = tree.scan_prefix(keys::cursor_prefix()).next().is_none() && !storage.holds_any(keys::CUSTOMER)?;
        if !empty {
            return Ok(None);
        }
        for candidate in file::list(&self.ws.root)? {
            let whole = match load(&storage, &candidate, &self.keys) {
                Ok(whole) => whole,
                // A snapshot whose content cannot be read is not used.
                Err(StoreError::Codec { .. }) => false,
                Err(e) => return Err(e),
            };
            if whole {
                tree.insert(
                    keys::META_SNAPSHOT,
                    candidate
                        .path
                        .file_name()
                        .map(|n| n.as_encoded_bytes().to_vec())
                        .unwrap_or_default(),
                )?;
                return Ok(Some(candidate));
            }
            // A partial or damaged snapshot: whatever was loaded goes.
            clear(tree)?;
        }
        Ok(None)
    }

    /// The snapshot this view started from, when it still exists.
    pub(super) fn origin_snapshot(&self) -> Result<Option<SnapshotFile>, StoreError> {
        let Some(name) = self.view.storage.tree.get(keys::META_SNAPSHOT)? else {
            return Ok(None);
        };
        let name = String::from_utf8_lossy(&name).to_string();
        Ok(file::list(&self.ws.root)?
            .into_iter()
            .find(|s| s.path.file_name().is_some_and(|n| n.to_string_lossy() == name)))
    }
}

impl Store {
    /// Writes `replicas/<this replica>/seen.toml`: how far this view holds
    /// every replica's changes.
    pub fn publish_seen(&self) -> Result<(), StoreError> {
        // Never make the workspace again where it vanished.
        if !self.workspace_present() {
            return Ok(());
        }
        let mut seen = Seen::default();
        for replica in journal::replicas(&self.ws.root)? {
            let c = read_cursor(&self.view.storage.tree, replica)?;
            if c.seq > 0 {
                seen.seen.insert(replica.to_string(), c.seq);
            }
        }
        let dir = journal::replica_dir(&self.ws.root, self.ws.replica);
        let text = format!(
            "# What replica {}'s view holds of each replica's changes. Written by guanxi.\n{}",
            self.ws.replica,
            toml::to_string(&seen).unwrap_or_default()
        );
        let io = |path: &std::path::Path| {
            let path = path.to_path_buf();
            move |source| StoreError::Workspace(crate::workspace::WorkspaceError::Io { path, source })
        };
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let tmp = dir.join(format!(".{SEEN_FILE}.tmp"));
        std::fs::write(&tmp, text).map_err(io(&tmp))?;
        std::fs::rename(&tmp, dir.join(SEEN_FILE)).map_err(io(&dir))?;
        Ok(())
    }

    /// Old journal segments that may be removed: see the rule in README.md
    /// ("Removing old journal segments"). Nothing is removed here.
    pub fn removable_segments(&self) -> Result<Vec<PathBuf>, StoreError> {
        let root = &self.ws.root;
        let replicas = journal::replicas(root)?;
        // (1) What the newest whole snapshot covers.
        let mut covered = Coverage::new();
        for candidate in file::list(root)? {
            if let Some(c) = coverage(&candidate, &self.keys)? {
                covered = c;
                break;
            }
        }
        // (2) What every replica's view holds; a replica that never said
        // blocks all removals.
        let mut everyone: Option<Coverage> = None;
        for reader in &replicas {
            let path = journal::replica_dir(root, *reader).join(SEEN_FILE);
            let Ok(text) = std::fs::read_to_string(&path) else {
                return Ok(Vec::new());
            };
            let Ok(seen) = toml::from_str::<Seen>(&text) else {
                return Ok(Vec::new());
            };
            let this: Coverage = seen
                .seen
                .iter()
                .filter_map(|(r, n)| ReplicaId::parse(r).map(|r| (r, *n)))
                .collect();
            everyone = Some(match everyone {
                None => this,
                Some(all) => all
                    .into_iter()
                    .map(|(r, n)| (r, n.min(this.get(&r).copied().unwrap_or(0))))
                    .collect(),
            });
        }
        let everyone = everyone.unwrap_or_default();
        let mut out = Vec::new();
        for replica in replicas {
            let safe = covered
                .get(&replica)
                .copied()
                .unwrap_or(0)
                .min(everyone.get(&replica).copied().unwrap_or(0));
            let segments: Vec<_> = sources(&journal::replica_dir(root, replica), replica)?
                .into_iter()
                .filter(|s| !s.is_copy())
                .collect();
            // The newest segment is never removed: its replica appends to it.
            for src in segments.iter().take(segments.len().saturating_sub(1)) {
                let last = journal::read_segment(&src.path, 0, &self.keys)?
                    .iter()
                    .filter_map(|(p, _)| codec::decode::<super::op::Op>(p).ok())
                    .map(|op| op.seq)
                    .max();
                if last.is_some_and(|l| l <= safe) {
                    out.push(src.path.clone());
                }
            }
        }
        Ok(out)
    }
}

/// What a snapshot covers, from its first frame; `None` if it is not whole.
fn coverage(snapshot: &SnapshotFile, keys: &Keys) -> Result<Option<Coverage>, StoreError> {
    let mut cov = None;
    let whole = file::read(&snapshot.path, keys, |payload| {
        if cov.is_none()
            && let Ok(Chunk::Head { cursors, .. }) = codec::decode::<Chunk>(payload)
        {
            cov = Some(cursors.into_iter().collect());
        }
        true
    })?;
    Ok(if whole { cov } else { None })
}

/// Loads a snapshot into an empty view; false when it is not whole.
pub(super) fn load(storage: &Storage, snapshot: &SnapshotFile, keys: &Keys) -> Result<bool, StoreError> {
    // Indexes are not in snapshots, and the records are put as they are:
    // the indexes are made from them once open has brought everything in.
    super::index::make_from_records_later(storage)?;
    // The snapshot may bring forgotten ids: look again.
    storage.forgets.store(0, std::sync::atomic::Ordering::Relaxed);
    let mut tx = Txn::new(storage);
    let mut loaded = 0u64;
    let mut ended = false;
    let mut error = None;
    let whole = file::read(&snapshot.path, keys, |payload| {
        let step = (|| -> Result<bool, StoreError> {
            let chunk: Chunk = codec::decode(payload).map_err(StoreError::codec("snapshot"))?;
            match chunk {
                Chunk::Head {
                    clock, cursors, files, ..
                } => {
                    for (replica, seq) in cursors {
                        tx.put_encoded(keys::cursor(replica), &Cursor { seq })?;
                    }
                    for (replica, name, fc) in files {
                        tx.put_encoded(keys::file_cursor(replica, &name), &fc)?;
                    }
                    tx.put(keys::META_CLOCK.to_vec(), clock.to_be_bytes().to_vec());
                }
                Chunk::Entries(entries) => {
                    for (k, v) in entries {
                        if k.first() == Some(&keys::BODY) {
                            let id = keys::customer_of_key(&k).unwrap_or(CustomerId(0));
                            let body = decode_body(&v).map_err(StoreError::codec("snapshot body"))?;
                            tx.set_body(id, body)?;
                            loaded += 1;
                        } else if shared(&k) {
                            check_entry(&k, &v)?;
                            tx.put(k, v);
                            loaded += 1;
                        }
                    }
                    if tx.pending() >= MAX_PENDING {
                        std::mem::replace(&mut tx, Txn::new(storage)).commit()?;
                    }
                }
                Chunk::End { entries } => {
                    ended = entries == loaded;
                    return Ok(ended);
                }
            }
            Ok(true)
        })();
        match step {
            Ok(go_on) => go_on,
            Err(e) => {
                error = Some(e);
                false
            }
        }
    })?;
    if let Some(e) = error {
        return Err(e);
    }
    if !(whole && ended) {
        return Ok(false);
    }
    tx.commit()?;
    Ok(true)
}

/// A body as guanxi wrote it before it kept factor scores (view format 5):
/// a snapshot of then stays usable, its bodies starting with no scores
/// (the customers' scores themselves are in their records).
#[derive(Serialize, Deserialize)]
struct BodyBeforeScores {
    interactions: BTreeMap<crate::domain::InteractionId, super::records::InteractionRecord>,
    guest_interactions: BTreeMap<crate::domain::InteractionId, CustomerId>,
    follow_ups: BTreeMap<crate::domain::FollowUpId, super::records::FollowUpRecord>,
    guest_follow_ups: BTreeMap<crate::domain::FollowUpId, CustomerId>,
    history: BTreeMap<super::records::HistoryKey, crate::domain::StageChange>,
}

/// A snapshot's body, in today's layout or the one before scores. Never
/// ambiguous: an older body is a whole value too short for today's, and
/// today's has bytes after what the older layout reads.
fn decode_body(bytes: &[u8]) -> Result<Body, codec::CodecError> {
    codec::decode::<Body>(bytes).or_else(|today| {
        codec::decode::<BodyBeforeScores>(bytes)
            .map(|b| Body {
                interactions: b.interactions,
                guest_interactions: b.guest_interactions,
                follow_ups: b.follow_ups,
                guest_follow_ups: b.guest_follow_ups,
                history: b.history,
                scores: BTreeMap::new(),
            })
            .map_err(|_| today)
    })
}

/// A snapshot's entry must be what its key says, or the view made from it
/// would fail at the first read (and a rebuild would load it again): one
/// that is not makes the snapshot unusable.
fn check_entry(key: &[u8], value: &[u8]) -> Result<(), StoreError> {
    match key.first() {
        Some(&keys::CUSTOMER) => {
            codec::decode::<super::records::CustomerRecord>(value).map_err(StoreError::codec("snapshot customer"))?;
        }
        Some(&keys::DUE) => {
            codec::decode::<crate::domain::FollowUp>(value).map_err(StoreError::codec("snapshot follow-up"))?;
        }
        Some(&keys::APART) => {
            codec::decode::<super::apart::ApartRecord>(value).map_err(StoreError::codec("snapshot pair"))?;
        }
        Some(&keys::DEAL) => {
            codec::decode::<super::records::DealRecord>(value).map_err(StoreError::codec("snapshot deal"))?;
        }
        Some(&keys::ORGANIZATION) => {
            codec::decode::<super::records::OrganizationRecord>(value)
                .map_err(StoreError::codec("snapshot organization"))?;
        }
        Some(&keys::LIST) => {
            codec::decode::<super::lists::ListRecord>(value).map_err(StoreError::codec("snapshot list"))?;
        }
        Some(&keys::PLAN) => match key.get(1) {
            Some(&keys::PLAN_RECORD) => {
                codec::decode::<super::plans::PlanRecord>(value).map_err(StoreError::codec("snapshot plan"))?;
            }
            Some(&keys::PLAN_DUE) => {
                codec::decode::<super::plans::DueTactic>(value).map_err(StoreError::codec("snapshot tactic"))?;
            }
            _ => {
                codec::decode::<crate::domain::PlanTarget>(value).map_err(StoreError::codec("snapshot tactic"))?;
            }
        },
        Some(&keys::FOLLOW_UP) if value.len() != 8 => {
            return Err(StoreError::Codec {
                what: "snapshot follow-up".into(),
                error: codec::CodecError::Decode(format!("{} bytes for a customer id", value.len())),
            });
        }
        _ => {}
    }
    Ok(())
}

fn clear(tree: &sled::Tree) -> Result<(), StoreError> {
    let kept: Vec<(&[u8], Option<sled::IVec>)> = [keys::META_FORMAT]
        .into_iter()
        .map(|k| tree.get(k).map(|v| (k, v)))
        .collect::<Result<_, _>>()?;
    tree.clear()?;
    for (k, v) in kept {
        if let Some(v) = v {
            tree.insert(k, v)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Factor, FactorScore, Stage, StageChange};
    use crate::store::records::{HistoryKey, ScoreKey};
    use crate::sync::Stamp;

    #[test]
    fn a_snapshot_body_from_before_scores_is_read_and_today_s_as_it_is() {
        let stamp = Stamp::new(1 << 20, ReplicaId(7));
        let change = StageChange {
            at: 1_700_000_000_000,
            by: "Lan".into(),
            from: Stage::Attract,
            to: Stage::Build,
        };
        let key = HistoryKey { stamp, index: 0 };
        let old = BodyBeforeScores {
            interactions: BTreeMap::new(),
            guest_interactions: BTreeMap::new(),
            follow_ups: BTreeMap::new(),
            guest_follow_ups: BTreeMap::from([(crate::domain::FollowUpId(3), CustomerId(4))]),
            history: BTreeMap::from([(key, change.clone())]),
        };
        let body = decode_body(&codec::encode(&old).unwrap()).unwrap();
        assert_eq!(body.history[&key], change);
        assert_eq!(body.guest_follow_ups.len(), 1);
        assert!(body.scores.is_empty());
        let mut today = body.clone();
        let score = FactorScore {
            at: 1_700_000_000_000,
            factor: Factor::Trust,
            score: Some(4),
        };
        today.scores.insert(
            ScoreKey {
                stamp,
                factor: Factor::Trust,
            },
            score,
        );
        assert_eq!(decode_body(&codec::encode(&today).unwrap()).unwrap(), today);
        assert!(decode_body(&[codec::FORMAT, 1, 2]).is_err());
    }
}
