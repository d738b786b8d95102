//! Ops: the only way anything changes. A key press, a CLI command, an import
//! or a teammate's journal all become ops applied by `apply::apply_op`.

use serde::{Deserialize, Serialize};

use crate::domain::list_filter::Criterion;
use crate::domain::{
    CustomerField, CustomerId, DealField, DealId, FollowUpField, FollowUpId, InteractionField, InteractionId, OrgField,
    OrganizationId, Plan, PlanTarget, Stage, StageChange, TacticId,
};
use crate::sync::Stamp;

/// One atomic change, as written to the journal. Stored by position:
/// never reorder fields or variants, only append variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    /// Clock and replica: the op's identity and its place in the merge order.
    pub stamp: Stamp,
    /// 1, 2, 3... per replica, so a reader notices a missing op.
    pub seq: u64,
    pub author: String,
    pub origin: Origin,
    pub edits: Vec<Edit>,
    /// Edits that take this op back, worked out when it was made, so undo
    /// works after a restart and after the view is rebuilt.
    pub inverse: Vec<Edit>,
}

/// The first fields of an op, read without decoding its edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct OpHead {
    pub stamp: Stamp,
    pub seq: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// A user's change: it goes on the undo stack.
    Direct,
    /// Takes back this replica's op number `seq`.
    Undo { seq: u64 },
    /// Re-does what the undo op number `seq` took back.
    Redo { seq: u64 },
    /// Generated in bulk (sample data, imports): not undoable one by one.
    Bulk,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Edit {
    /// Creates a customer; carries every field.
    CreateCustomer {
        id: CustomerId,
        fields: Vec<CustomerField>,
    },
    UpdateCustomer {
        id: CustomerId,
        fields: Vec<CustomerField>,
    },
    /// Sets the stage and adds an entry to the stage history, dated `at`
    /// (milliseconds since the epoch) or, when `None`, when the op was made.
    MoveStage {
        id: CustomerId,
        from: Stage,
        to: Stage,
        at: Option<i64>,
    },
    /// Logs an interaction; carries every field.
    LogInteraction {
        id: InteractionId,
        fields: Vec<InteractionField>,
    },
    /// Changes an interaction kept in the body of `home`, the customer it
    /// was first logged with (see `keys`).
    UpdateInteraction {
        id: InteractionId,
        home: CustomerId,
        fields: Vec<InteractionField>,
    },
    /// Schedules a follow-up; carries every field.
    AddFollowUp {
        id: FollowUpId,
        fields: Vec<FollowUpField>,
    },
    /// Changes a follow-up kept in the body of `home`.
    UpdateFollowUp {
        id: FollowUpId,
        home: CustomerId,
        fields: Vec<FollowUpField>,
    },
    /// Adds an entry to a customer's stage history without moving its
    /// stage: history brought in by an import or a merge.
    RecordStageChange {
        id: CustomerId,
        change: StageChange,
    },
    /// Says two customers are different people (`apart`), or takes that
    /// back: the duplicates finder does not link a pair kept apart. Per
    /// pair, the latest write wins (see `apart`).
    SetApart {
        a: CustomerId,
        b: CustomerId,
        apart: bool,
    },
    /// Adds a deal; carries every field.
    AddDeal {
        id: DealId,
        fields: Vec<DealField>,
    },
    /// Changes a deal.
    UpdateDeal {
        id: DealId,
        fields: Vec<DealField>,
    },
    /// Changes the saved list named `name` (its folded name is its key):
    /// its criteria (none deletes it) or whether it is the priority
    /// segment. Each of the two is its own register, the latest write
    /// winning (see `lists`).
    SetList {
        name: String,
        change: ListChange,
    },
    /// Adds an organization; carries every field. Its id may be derived
    /// from a company name (`organization::id_for_name`), so two replicas
    /// may add the same one: the fields merge like any other writes.
    AddOrganization {
        id: OrganizationId,
        fields: Vec<OrgField>,
    },
    /// Changes an organization.
    UpdateOrganization {
        id: OrganizationId,
        fields: Vec<OrgField>,
    },
    /// Sets the whole plan of `target` (none deletes it); the latest
    /// write wins (see `plans`).
    SetPlan {
        target: PlanTarget,
        plan: Option<Plan>,
    },
    /// Marks one tactic of `target`'s plan done or not: its own register,
    /// the latest write winning, apart from the plan's text.
    SetTacticDone {
        target: PlanTarget,
        tactic: TacticId,
        done: bool,
    },
    /// Erases a person for a privacy request (see `forget`): not undoable,
    /// and every edit naming them, before or after, is dropped.
    Forget {
        customer: CustomerId,
    },
}

/// What an `Edit::SetList` changes. Stored by position: never reorder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ListChange {
    /// The list's criteria; `None` deletes the list (a tombstone a later
    /// save beats).
    Criteria(Option<Vec<Criterion>>),
    /// Whether the list is the priority segment.
    Priority(bool),
}

impl Edit {
    /// The customer an edit is about, when the edit itself names it.
    pub fn customer(&self) -> Option<CustomerId> {
        match self {
            Edit::CreateCustomer { id, .. }
            | Edit::UpdateCustomer { id, .. }
            | Edit::MoveStage { id, .. }
            | Edit::RecordStageChange { id, .. } => Some(*id),
            Edit::LogInteraction { fields, .. } => interaction_customer(fields),
            Edit::UpdateInteraction { fields, home, .. } => interaction_customer(fields).or(Some(*home)),
            Edit::AddFollowUp { fields, .. } => follow_up_customer(fields),
            Edit::UpdateFollowUp { fields, home, .. } => follow_up_customer(fields).or(Some(*home)),
            // About a pair, not one customer.
            Edit::SetApart { .. } => None,
            Edit::AddDeal { fields, .. } | Edit::UpdateDeal { fields, .. } => deal_customer(fields),
            // About the workspace's lists, or an organization.
            Edit::SetList { .. } | Edit::AddOrganization { .. } | Edit::UpdateOrganization { .. } => None,
            Edit::SetPlan { target, .. } | Edit::SetTacticDone { target, .. } => target.customer(),
            Edit::Forget { customer } => Some(*customer),
        }
    }
}

/// The customer named in an interaction's fields.
pub fn interaction_customer(fields: &[InteractionField]) -> Option<CustomerId> {
    fields.iter().find_map(|f| match f {
        InteractionField::Customer(c) => Some(*c),
        _ => None,
    })
}

/// The customer named in a follow-up's fields.
pub fn follow_up_customer(fields: &[FollowUpField]) -> Option<CustomerId> {
    fields.iter().find_map(|f| match f {
        FollowUpField::Customer(c) => Some(*c),
        _ => None,
    })
}

/// The customer named in a deal's fields.
pub fn deal_customer(fields: &[DealField]) -> Option<CustomerId> {
    fields.iter().find_map(|f| match f {
        DealField::Customer(c) => Some(*c),
        _ => None,
    })
}

/// What a list of edits does, as a key for undo and redo messages
/// (`add_customer`, `log_interaction+2` for three edits); shown with
/// [`label_text`]. Keys, not text, are stored, so the message follows the
/// user's language.
pub fn describe(edits: &[Edit]) -> String {
    let Some(first) = edits.first() else {
        return "nothing".to_string();
    };
    let what = match first {
        Edit::CreateCustomer { .. } => "add_customer",
        Edit::UpdateCustomer { fields, .. } => match fields.as_slice() {
            [CustomerField::Deleted(true)] => "delete_customer",
            [CustomerField::Deleted(false)] => "restore_customer",
            _ => "edit_customer",
        },
        Edit::MoveStage { .. } => "move_stage",
        Edit::RecordStageChange { .. } => "add_stage_history",
        Edit::LogInteraction { .. } => "log_interaction",
        Edit::UpdateInteraction { fields, .. } => match fields.as_slice() {
            [InteractionField::Deleted(true)] => "remove_interaction",
            [InteractionField::Deleted(false)] => "restore_interaction",
            _ => "edit_interaction",
        },
        Edit::AddFollowUp { .. } => "schedule_follow_up",
        Edit::UpdateFollowUp { fields, .. } => match fields.as_slice() {
            [FollowUpField::Done(Some(_))] => "complete_follow_up",
            [FollowUpField::Done(None)] => "reopen_follow_up",
            [FollowUpField::Deleted(true)] => "remove_follow_up",
            [FollowUpField::Deleted(false)] => "restore_follow_up",
            _ => "edit_follow_up",
        },
        Edit::SetApart { apart: true, .. } => "mark_apart",
        Edit::SetApart { apart: false, .. } => "unmark_apart",
        Edit::AddDeal { .. } => "add_deal",
        Edit::UpdateDeal { fields, .. } => match fields.iter().find_map(|f| match f {
            DealField::Status(s) => Some(*s),
            _ => None,
        }) {
            Some(crate::domain::DealStatus::Won) => "win_deal",
            Some(crate::domain::DealStatus::Lost) => "lose_deal",
            Some(crate::domain::DealStatus::Open) => "reopen_deal",
            None => match fields.as_slice() {
                [DealField::Deleted(true)] => "remove_deal",
                [DealField::Deleted(false)] => "restore_deal",
                _ => "edit_deal",
            },
        },
        Edit::SetList { change, .. } => match change {
            ListChange::Criteria(Some(_)) => "save_list",
            ListChange::Criteria(None) => "delete_list",
            ListChange::Priority(true) => "mark_priority",
            ListChange::Priority(false) => "unmark_priority",
        },
        Edit::AddOrganization { .. } => "add_organization",
        Edit::UpdateOrganization { fields, .. } => match fields.as_slice() {
            [OrgField::Deleted(true)] => "remove_organization",
            [OrgField::Deleted(false)] => "restore_organization",
            _ => "edit_organization",
        },
        Edit::SetPlan { plan: Some(_), .. } => "set_plan",
        Edit::SetPlan { plan: None, .. } => "delete_plan",
        Edit::SetTacticDone { done: true, .. } => "complete_tactic",
        Edit::SetTacticDone { done: false, .. } => "reopen_tactic",
        Edit::Forget { .. } => "forget_customer",
    };
    // An organization made for a company typed on a customer goes with
    // the customer's change, unnamed.
    let more = if matches!(first, Edit::AddOrganization { .. }) {
        edits.len() - 1
    } else {
        edits[1..]
            .iter()
            .filter(|e| !matches!(e, Edit::AddOrganization { .. }))
            .count()
    };
    if more > 0 {
        format!("{what}+{more}")
    } else {
        what.to_string()
    }
}

/// The undo label of an op: [`describe`] of its edits, or, for an op with
/// no edits of its own that takes back bulk work (an import, see
/// `Store::commit_undo_point`), `import:N` for the N customers it touches.
pub fn describe_op(op: &Op) -> String {
    if !op.edits.is_empty() || op.inverse.is_empty() {
        return describe(&op.edits);
    }
    let customers: std::collections::BTreeSet<CustomerId> = op
        .inverse
        .iter()
        .filter(|e| matches!(e, Edit::UpdateCustomer { .. } | Edit::MoveStage { .. }))
        .filter_map(Edit::customer)
        .collect();
    format!("import:{}", customers.len())
}

/// The words for a label made by [`describe`] or [`describe_op`].
pub fn label_text(label: &str) -> String {
    if let Some((key, count)) = label.split_once(':')
        && let Ok(n) = count.parse::<usize>()
    {
        return crate::i18n::tn(&format!("op.{key}"), n, &[]);
    }
    let (key, more) = label.split_once('+').unwrap_or((label, ""));
    let text = crate::i18n::t(&format!("op.{key}")).to_string();
    match more.parse::<usize>() {
        Ok(n) => crate::i18n::tn("op.more", n, &[("what", &text)]),
        Err(_) => text,
    }
}
