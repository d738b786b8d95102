//! What a user can do, as ops: the command line and the terminal UI both
//! come through here, so a change made either way is the same change.

use chrono::NaiveDate;

use super::Store;
use super::error::StoreError;
use super::op::Edit;
use crate::domain::dates::{date_to_days, to_millis};
use crate::domain::draft::InteractionValues;
use crate::domain::{
    Customer, CustomerField, CustomerId, FollowUp, FollowUpField, FollowUpId, Interaction, InteractionId, Stage,
};

impl Store {
    /// Adds `c` (made with an id from `new_customer_id`). An empty owner
    /// becomes the current user; the creation time and author are set here.
    pub fn add_customer(&mut self, mut c: Customer) -> Result<CustomerId, StoreError> {
        if c.owner.is_empty() {
            c.owner = self.author().to_string();
        }
        c.created_at = self.clock().now_ms();
        c.created_by = self.author().to_string();
        c.deleted = false;
        let id = c.id;
        self.commit(vec![Edit::CreateCustomer {
            id,
            fields: c.to_fields(),
        }])?;
        Ok(id)
    }

    /// Saves `after` over the stored customer: only the fields that differ
    /// are written, and a stage change goes into the stage history.
    /// Returns false when nothing differed.
    pub fn update_customer(&mut self, before: &Customer, after: &Customer) -> Result<bool, StoreError> {
        let edits = customer_changes(before, after);
        if edits.is_empty() {
            return Ok(false);
        }
        self.commit(edits)?;
        Ok(true)
    }

    /// Moves a customer to `to`, recording who moved it and when; false
    /// when it is already there.
    pub fn move_stage(&mut self, c: &Customer, to: Stage) -> Result<bool, StoreError> {
        if c.stage == to {
            return Ok(false);
        }
        self.commit(vec![Edit::MoveStage {
            id: c.id,
            from: c.stage,
            to,
            at: None,
        }])?;
        Ok(true)
    }

    pub fn delete_customer(&mut self, id: CustomerId) -> Result<(), StoreError> {
        self.commit(vec![Edit::UpdateCustomer {
            id,
            fields: vec![CustomerField::Deleted(true)],
        }])?;
        Ok(())
    }

    pub fn log_interaction(&mut self, customer: CustomerId, v: InteractionValues) -> Result<InteractionId, StoreError> {
        let (id, edit) = self.interaction_edit(customer, v);
        self.commit(vec![edit])?;
        Ok(id)
    }

    pub fn schedule_follow_up(
        &mut self,
        customer: CustomerId,
        what: String,
        due: NaiveDate,
    ) -> Result<FollowUpId, StoreError> {
        let (id, edit) = self.follow_up_edit(customer, what, due);
        self.commit(vec![edit])?;
        Ok(id)
    }

    /// The edit that logs `v` with `customer`, by the user, and the new
    /// interaction's id: what `log_interaction` commits, and what a quick
    /// capture commits with more.
    pub(super) fn interaction_edit(&mut self, customer: CustomerId, v: InteractionValues) -> (InteractionId, Edit) {
        let id = self.new_interaction_id();
        (id, log_edit(id, customer, v, self.author()))
    }

    /// The edit that schedules `what` with `customer` on `due`, by the
    /// user, and the new follow-up's id (`schedule_follow_up`).
    pub(super) fn follow_up_edit(&mut self, customer: CustomerId, what: String, due: NaiveDate) -> (FollowUpId, Edit) {
        let mut f = FollowUp::empty(self.new_follow_up_id(), customer);
        f.due = date_to_days(due);
        f.what = what;
        f.author = self.author().to_string();
        f.created_at = self.clock().now_ms();
        let id = f.id;
        let edit = Edit::AddFollowUp {
            id,
            fields: f.to_fields(),
        };
        (id, edit)
    }

    /// Marks a follow-up done now; false when it already was.
    pub fn complete_follow_up(&mut self, f: &FollowUp) -> Result<bool, StoreError> {
        if f.done_at.is_some() {
            return Ok(false);
        }
        let now = self.clock().now_ms();
        let home = self.follow_up_home(f.id)?.unwrap_or(f.customer);
        self.commit(vec![Edit::UpdateFollowUp {
            id: f.id,
            home,
            fields: vec![FollowUpField::Done(Some(now))],
        }])?;
        Ok(true)
    }
}

impl Store {
    /// Merges duplicates into `keep`: its record gains what the others add
    /// (see `domain::duplicates::merged`), their interactions, follow-ups,
    /// deals and stage history move to it (and the first one's account
    /// plan, when `keep` has none), and they are deleted. One change, so one
    /// undo takes it all back.
    pub fn merge_customers(&mut self, keep: CustomerId, others: &[CustomerId]) -> Result<bool, StoreError> {
        let Some(kept) = self.live_customer(keep)? else {
            return Ok(false);
        };
        let mut merged = kept.customer.clone();
        let mut edits = Vec::new();
        let mut plan_moved = self.plan(&crate::domain::PlanTarget::Customer(keep))?.is_some();
        for &other in others.iter().filter(|o| **o != keep) {
            let Some(rec) = self.live_customer(other)? else {
                continue;
            };
            merged = crate::domain::duplicates::merged(&merged, &rec.customer, self.rules().region);
            let timeline = self.timeline(other)?;
            for i in timeline.interactions {
                edits.push(Edit::UpdateInteraction {
                    id: i.item.id,
                    home: i.home,
                    fields: vec![crate::domain::InteractionField::Customer(keep)],
                });
            }
            for f in timeline.follow_ups {
                edits.push(Edit::UpdateFollowUp {
                    id: f.item.id,
                    home: f.home,
                    fields: vec![FollowUpField::Customer(keep)],
                });
            }
            for d in self.deals_of(other)? {
                edits.push(Edit::UpdateDeal {
                    id: d.id,
                    fields: vec![crate::domain::DealField::Customer(keep)],
                });
            }
            for change in timeline.history {
                edits.push(Edit::RecordStageChange { id: keep, change });
            }
            // The other's plan comes along when the kept one has none.
            if !plan_moved {
                let moved = self.plan_moving(other, keep)?;
                plan_moved = !moved.is_empty();
                edits.extend(moved);
            }
            edits.push(Edit::UpdateCustomer {
                id: other,
                fields: vec![CustomerField::Deleted(true)],
            });
        }
        if edits.is_empty() {
            return Ok(false);
        }
        let mut all = customer_changes(&kept.customer, &merged);
        all.extend(edits);
        self.commit(all)?;
        Ok(true)
    }
}

/// The edits that turn `before` into `after`: the fields that differ, and
/// a stage move (so the history records it).
pub fn customer_changes(before: &Customer, after: &Customer) -> Vec<Edit> {
    let mut fields: Vec<CustomerField> = after
        .to_fields()
        .into_iter()
        .filter(|f| !matches!(f, CustomerField::Stage(_) | CustomerField::Tag(..)))
        .filter(|f| f.key().read(before) != *f)
        .collect();
    fields.extend(
        before
            .tags
            .difference(&after.tags)
            .map(|t| CustomerField::Tag(t.clone(), false)),
    );
    fields.extend(
        after
            .tags
            .difference(&before.tags)
            .map(|t| CustomerField::Tag(t.clone(), true)),
    );
    let mut edits = Vec::new();
    if !fields.is_empty() {
        edits.push(Edit::UpdateCustomer { id: before.id, fields });
    }
    if before.stage != after.stage {
        edits.push(Edit::MoveStage {
            id: before.id,
            from: before.stage,
            to: after.stage,
            at: None,
        });
    }
    edits
}

/// The edit that logs `v` as interaction `id` with `customer`, by `author`:
/// the same whether the view is open or the log goes ahead of it
/// (`quick_log`).
pub(super) fn log_edit(id: InteractionId, customer: CustomerId, v: InteractionValues, author: &str) -> Edit {
    let mut i = Interaction::empty(id, customer);
    i.at = to_millis(v.at);
    i.channel = v.channel;
    i.direction = v.direction;
    i.summary = v.summary;
    i.body = v.body;
    i.outcome = v.outcome;
    i.satisfaction = v.satisfaction;
    i.amount = v.amount;
    i.author = author.to_string();
    Edit::LogInteraction {
        id,
        fields: i.to_fields(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_only_what_differs() {
        let mut a = Customer::empty(CustomerId(1));
        a.name = "Hà Anh Tuấn".into();
        a.tags.insert("old".into());
        a.tags.insert("keep".into());
        let mut b = a.clone();
        assert!(customer_changes(&a, &b).is_empty());
        b.company = "Sao Mai".into();
        b.tags.remove("old");
        b.tags.insert("new".into());
        b.stage = Stage::Build;
        let edits = customer_changes(&a, &b);
        assert_eq!(
            edits,
            vec![
                Edit::UpdateCustomer {
                    id: a.id,
                    fields: vec![
                        CustomerField::Company("Sao Mai".into()),
                        CustomerField::Tag("old".into(), false),
                        CustomerField::Tag("new".into(), true),
                    ],
                },
                Edit::MoveStage {
                    id: a.id,
                    from: Stage::Attract,
                    to: Stage::Build,
                    at: None,
                },
            ]
        );
    }
}
