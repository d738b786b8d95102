//! What changed in the view while it was lent: the UI closes its store for
//! a command run beside it (`crate::workspace::loan`) and opens it again
//! after. The command wrote as this replica, through the one write path,
//! so its ops are in this replica's journal after where the UI's store
//! left it; their customers are what the UI must show again. When that
//! cannot be told exactly (teammates' ops were read in meanwhile, ops
//! went to the outbox, an op moved an interaction), everything is read
//! again.

use std::collections::BTreeSet;

use super::codec;
use super::held::{self, Held};
use super::op::{Edit, Op};
use super::{OpenOptions, Store};
use crate::domain::{CustomerId, FollowUpField, InteractionField};
use crate::sync::{ReplicaId, journal};

/// Where the store was when it was let go.
#[derive(Debug, Clone)]
pub struct Mark {
    seq: u64,
    end: journal::Position,
    /// Which ops of every other replica the view held.
    others: Vec<(ReplicaId, Held)>,
}

/// What changed since a [`Mark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    Nothing,
    /// These customers (now in `take_touched`).
    Customers,
    /// Something, but not which customers: read everything again.
    Unknown,
}

impl Store {
    /// How to open this store again, as it is open now.
    pub fn reopen_options(&self) -> OpenOptions {
        OpenOptions {
            workspace: self.ws.root.clone(),
            state_root: self.ws.state_dir.parent().map(Into::into).unwrap_or_default(),
            author: self.author.clone(),
            clock: self.view.clock,
            rules: self.view.rules.clone(),
        }
    }

    /// Where the store is now, to ask later what changed since.
    pub fn mark(&self) -> Mark {
        Mark {
            seq: self.seq,
            end: self.journal_end,
            others: self.others_held(),
        }
    }

    /// Notes as touched (see `take_touched`) the customers changed since
    /// `mark` was taken of this workspace's store by another process.
    pub fn changed_since(&mut self, mark: &Mark) -> Changed {
        if self.others_held() != mark.others || self.seq < mark.seq {
            return Changed::Unknown;
        }
        if self.seq == mark.seq {
            return Changed::Nothing;
        }
        match self.customers_of_own_ops(mark) {
            Some(customers) => {
                self.touched.extend(customers);
                Changed::Customers
            }
            None => Changed::Unknown,
        }
    }

    fn others_held(&self) -> Vec<(ReplicaId, Held)> {
        let own = self.ws.replica;
        let replicas = journal::replicas(&self.ws.root).unwrap_or_default();
        replicas
            .into_iter()
            .filter(|r| *r != own)
            .map(|r| (r, held::read(&self.view.storage.tree, r).unwrap_or_default()))
            .collect()
    }

    /// The customers of this replica's ops after `mark`, read from its
    /// journal; `None` unless every one of them was found there.
    fn customers_of_own_ops(&self, mark: &Mark) -> Option<BTreeSet<CustomerId>> {
        let own = self.ws.replica;
        let dir = journal::replica_dir(&self.ws.root, own);
        let wanted = mark.seq + 1..=self.seq;
        let mut found = BTreeSet::new();
        let mut customers = BTreeSet::new();
        for segment in journal::segments(&dir).ok()? {
            if segment < mark.end.segment {
                continue;
            }
            let from = if segment == mark.end.segment {
                mark.end.offset
            } else {
                0
            };
            let frames = journal::read_segment(&journal::segment_path(&dir, segment), from, &self.keys).ok()?;
            for (payload, _) in frames.iter() {
                let op: Op = codec::decode(payload).ok()?;
                if op.stamp.replica() != own || !wanted.contains(&op.seq) {
                    continue;
                }
                for edit in &op.edits {
                    customers.insert(customer_of(edit)?);
                }
                found.insert(op.seq);
            }
        }
        (found.len() as u64 == self.seq - mark.seq).then_some(customers)
    }
}

/// The one customer an edit changes; `None` for an edit that moves an
/// interaction or a follow-up to another customer (the one it leaves is
/// not named).
fn customer_of(edit: &Edit) -> Option<CustomerId> {
    match edit {
        Edit::UpdateInteraction { fields, .. } if fields.iter().any(|f| matches!(f, InteractionField::Customer(_))) => {
            None
        }
        Edit::UpdateFollowUp { fields, .. } if fields.iter().any(|f| matches!(f, FollowUpField::Customer(_))) => None,
        Edit::UpdateDeal { fields, .. }
            if fields
                .iter()
                .any(|f| matches!(f, crate::domain::DealField::Customer(_))) =>
        {
            None
        }
        other => other.customer(),
    }
}
