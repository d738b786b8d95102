//! What the store keeps per customer, interaction and follow-up: the value
//! plus the merge registers; and the body that gathers a customer's
//! interactions, follow-ups and stage history.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::keys;
use super::op::Edit;
use crate::domain::{
    Customer, CustomerField, CustomerId, CustomerKey, Deal, DealField, DealId, DealKey, Factor, FactorScore, FollowUp,
    FollowUpField, FollowUpId, FollowUpKey, Interaction, InteractionField, InteractionId, InteractionKey, OrgField,
    OrgKey, Organization, OrganizationId, StageChange,
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

impl Registered for Deal {
    type Key = DealKey;
    type Field = DealField;
    fn key_of(f: &DealField) -> DealKey {
        f.key()
    }
    fn apply(&mut self, f: DealField) {
        f.apply_to(self)
    }
    fn read(&self, k: &DealKey) -> DealField {
        k.read(self)
    }
}

/// A deal and its merge registers, kept under its own key (see `keys`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealRecord {
    pub deal: Deal,
    pub registers: Registers<DealKey>,
}

impl DealRecord {
    pub fn new(id: DealId) -> DealRecord {
        DealRecord {
            deal: Deal::empty(id, CustomerId(0)),
            registers: Registers::default(),
        }
    }

    pub fn is_live(&self) -> bool {
        self.registers.created.is_some() && !self.deal.deleted
    }
}

impl Registered for Organization {
    type Key = OrgKey;
    type Field = OrgField;
    fn key_of(f: &OrgField) -> OrgKey {
        f.key()
    }
    fn apply(&mut self, f: OrgField) {
        f.apply_to(self)
    }
    fn read(&self, k: &OrgKey) -> OrgField {
        k.read(self)
    }
}

/// An organization and its merge registers, kept under its own key (see
/// `keys`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationRecord {
    pub organization: Organization,
    pub registers: Registers<OrgKey>,
}

impl OrganizationRecord {
    pub fn new(id: OrganizationId) -> OrganizationRecord {
        OrganizationRecord {
            organization: Organization::empty(id),
            registers: Registers::default(),
        }
    }

    pub fn is_live(&self) -> bool {
        self.registers.created.is_some() && !self.organization.deleted
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InteractionRecord {
    pub interaction: Interaction,
    pub registers: Registers<InteractionKey>,
}

impl InteractionRecord {
    /// A record not written yet, in the body of `home`: until an edit says
    /// otherwise it belongs there.
    pub fn new(id: InteractionId, home: CustomerId) -> InteractionRecord {
        InteractionRecord {
            interaction: Interaction::empty(id, home),
            registers: Registers::default(),
        }
    }

    pub fn is_live(&self) -> bool {
        self.registers.created.is_some() && !self.interaction.deleted
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpRecord {
    pub follow_up: FollowUp,
    pub registers: Registers<FollowUpKey>,
}

impl FollowUpRecord {
    /// A record not written yet, in the body of `home`.
    pub fn new(id: FollowUpId, home: CustomerId) -> FollowUpRecord {
        FollowUpRecord {
            follow_up: FollowUp::empty(id, home),
            registers: Registers::default(),
        }
    }

    pub fn is_live(&self) -> bool {
        self.registers.created.is_some() && !self.follow_up.deleted
    }

    /// The agenda entry: open follow-ups only.
    pub fn due_key(&self) -> Option<Vec<u8>> {
        let f = &self.follow_up;
        (self.is_live() && f.is_open()).then(|| keys::due(f.due, f.id))
    }
}

/// Orders a customer's stage history: by the op that made each entry,
/// then by the entry's place in the op.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HistoryKey {
    pub stamp: crate::sync::Stamp,
    pub index: u16,
}

/// Orders a customer's factor scores: by the op that set each, then by
/// factor. Not by the edit's place in the op, so an op made again from
/// the view (`restate`) lands on the same entries whatever its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScoreKey {
    pub stamp: crate::sync::Stamp,
    pub factor: Factor,
}

impl ScoreKey {
    /// The first key of the op stamped `stamp`.
    pub fn first_of(stamp: crate::sync::Stamp) -> ScoreKey {
        ScoreKey {
            stamp,
            factor: Factor::ALL[0],
        }
    }
}

/// Everything about a customer besides its record, read and written as
/// one: the interactions and follow-ups first logged with it (its *home*
/// records, whoever they belong to now), those that belong to it now but
/// live in another customer's body (guests, after a merge), and its stage
/// history and factor scores (set or cleared, add-only like the stage
/// history). Maps keep a stable order, so equal bodies encode equally.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Body {
    pub interactions: BTreeMap<InteractionId, InteractionRecord>,
    pub guest_interactions: BTreeMap<InteractionId, CustomerId>,
    pub follow_ups: BTreeMap<FollowUpId, FollowUpRecord>,
    pub guest_follow_ups: BTreeMap<FollowUpId, CustomerId>,
    pub history: BTreeMap<HistoryKey, StageChange>,
    pub scores: BTreeMap<ScoreKey, FactorScore>,
}

impl Body {
    /// Every factor score set or cleared, oldest first.
    pub fn factor_scores(&self) -> Vec<FactorScore> {
        self.scores.values().copied().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.interactions.is_empty()
            && self.guest_interactions.is_empty()
            && self.follow_ups.is_empty()
            && self.guest_follow_ups.is_empty()
            && self.history.is_empty()
            && self.scores.is_empty()
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
