//! What the store keeps per customer, interaction and follow-up: the value
//! plus the merge registers, and the index keys each value implies.

use serde::{Deserialize, Serialize};

use super::keys;
use super::op::Edit;
use crate::domain::cadence::last_touch;
use crate::domain::{
    Customer, CustomerField, CustomerId, CustomerKey, FollowUp, FollowUpField, FollowUpId, FollowUpKey, Interaction,
    InteractionField, InteractionId, InteractionKey,
};
use crate::sync::Stamp;
use crate::sync::merge::{Registered, Registers};

impl Registered for Customer {
    type Key = CustomerKey;
    type Field = CustomerField;
    fn key_of(f: &CustomerField) -> CustomerKey {
        f.key()
    }
    fn apply(&mut self, f: CustomerField) {
        f.apply_to(self)
    }
    fn read(&self, k: &CustomerKey) -> CustomerField {
        k.read(self)
    }
    fn written_by_creation(k: &CustomerKey) -> bool {
        k.written_by_creation()
    }
}

impl Registered for Interaction {
    type Key = InteractionKey;
    type Field = InteractionField;
    fn key_of(f: &InteractionField) -> InteractionKey {
        f.key()
    }
    fn apply(&mut self, f: InteractionField) {
        f.apply_to(self)
    }
    fn read(&self, k: &InteractionKey) -> InteractionField {
        k.read(self)
    }
}

impl Registered for FollowUp {
    type Key = FollowUpKey;
    type Field = FollowUpField;
    fn key_of(f: &FollowUpField) -> FollowUpKey {
        f.key()
    }
    fn apply(&mut self, f: FollowUpField) {
        f.apply_to(self)
    }
    fn read(&self, k: &FollowUpKey) -> FollowUpField {
        k.read(self)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRecord {
    pub customer: Customer,
    pub registers: Registers<CustomerKey>,
}

impl CustomerRecord {
    pub fn new(id: CustomerId) -> CustomerRecord {
        CustomerRecord {
            customer: Customer::empty(id),
            registers: Registers::default(),
        }
    }

    /// Created, and not deleted: shown in lists.
    pub fn is_live(&self) -> bool {
        self.registers.created.is_some() && !self.customer.deleted
    }

    /// When anything about it last changed, milliseconds since the epoch.
    pub fn updated_at(&self) -> i64 {
        self.registers.latest().millis()
    }

    /// The stay-in-touch index entry this customer belongs under.
    pub fn touch_key(&self) -> Option<Vec<u8>> {
        if !self.is_live() {
            return None;
        }
        let c = &self.customer;
        Some(match c.cadence_days {
            Some(days) => keys::touch_by_cadence(days, last_touch(c), c.id),
            None => keys::touch_by_stage(c.stage, last_touch(c), c.id),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InteractionRecord {
    pub interaction: Interaction,
    pub registers: Registers<InteractionKey>,
}

impl InteractionRecord {
    pub fn new(id: InteractionId) -> InteractionRecord {
        InteractionRecord {
            interaction: Interaction::empty(id, CustomerId(0)),
            registers: Registers::default(),
        }
    }

    pub fn is_live(&self) -> bool {
        self.registers.created.is_some() && !self.interaction.deleted
    }

    /// The timeline entries: the customer's, and the workspace's.
    pub fn index_keys(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        let i = &self.interaction;
        self.is_live()
            .then(|| (keys::customer_log(i.customer, i.at, i.id), keys::timeline(i.at, i.id)))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpRecord {
    pub follow_up: FollowUp,
    pub registers: Registers<FollowUpKey>,
}

impl FollowUpRecord {
    pub fn new(id: FollowUpId) -> FollowUpRecord {
        FollowUpRecord {
            follow_up: FollowUp::empty(id, CustomerId(0)),
            registers: Registers::default(),
        }
    }

    pub fn is_live(&self) -> bool {
        self.registers.created.is_some() && !self.follow_up.deleted
    }

    /// The customer's list entry (open or done), and the agenda entry (open only).
    pub fn index_keys(&self) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
        let f = &self.follow_up;
        let listed = self.is_live().then(|| keys::customer_follow_up(f.customer, f.id));
        let due = (self.is_live() && f.is_open()).then(|| keys::due(f.due, f.id));
        (listed, due)
    }
}

/// One entry of the undo or redo stack: the edits that would take back
/// (or redo) the op with this stamp.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndoEntry {
    pub stamp: Stamp,
    pub label: String,
    pub edits: Vec<Edit>,
}

/// How much of one replica's history the view holds: every op up to
/// `seq`, with none missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cursor {
    pub seq: u64,
}

/// How far one journal file has been read: up to `offset`, where the last
/// frame read started at `last_start` with checksum `last_crc`. The frame
/// is checked again before reading on, so a file a sync client replaced
/// with other content is read again from the start rather than from the
/// middle of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FileCursor {
    pub offset: u64,
    pub last_start: u64,
    pub last_crc: u32,
}
