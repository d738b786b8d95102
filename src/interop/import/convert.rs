//! What a record of a file becomes: a customer from a contact (what cannot
//! be used as such kept in `extra`), and the interactions, follow-ups and
//! stage history a guanxi JSON customer brings with it.

use std::collections::HashSet;

use crate::domain::draft::{CustomerDraft, CustomerInput};
use crate::domain::phone::{self, Region};
use crate::domain::text::clean;
use crate::domain::{Customer, CustomerId, validate};
use crate::interop::contact::Contact;
use crate::interop::json::FullCustomer;
use crate::store::{Edit, Store, StoreError};

/// Marks a customer's plan in `planned` (which holds ids of records):
/// two file customers joining one target bring one plan.
const PLAN_SALT: u64 = 0x706c_616e_706c_616e;

/// The interactions, follow-ups and stage history of a JSON customer that
/// the workspace does not have yet, for the customer `target`.
pub(super) fn children_edits(
    store: &Store,
    full: &FullCustomer,
    target: CustomerId,
    planned: &mut HashSet<u64>,
) -> Result<Vec<Edit>, StoreError> {
    let mut edits = Vec::new();
    // An interaction is kept with the customer it was logged for: look for
    // it with the one it joins here and with the customer in the file (each
    // body read once), own or merged in from elsewhere.
    let target_body = store.body(target)?;
    let file_body = if full.customer.id == target {
        None
    } else {
        Some(store.body(full.customer.id)?)
    };
    let known = |id| -> Result<bool, StoreError> {
        for body in std::iter::once(&target_body).chain(file_body.as_ref()) {
            if body.interactions.contains_key(&id) {
                return Ok(true);
            }
            if let Some(home) = body.guest_interactions.get(&id)
                && store.body(*home)?.interactions.contains_key(&id)
            {
                return Ok(true);
            }
        }
        Ok(false)
    };
    for i in &full.interactions {
        if planned.insert(i.id.0) && !known(i.id)? {
            let mut i = i.clone();
            i.customer = target;
            edits.push(Edit::LogInteraction {
                id: i.id,
                fields: i.to_fields(),
            });
        }
    }
    for f in &full.follow_ups {
        if planned.insert(f.id.0) && store.follow_up(f.id)?.is_none() {
            let mut f = f.clone();
            f.customer = target;
            edits.push(Edit::AddFollowUp {
                id: f.id,
                fields: f.to_fields(),
            });
        }
    }
    for h in &full.history {
        if !target_body.history.values().any(|have| have == h) {
            edits.push(Edit::RecordStageChange {
                id: target,
                change: h.clone(),
            });
        }
    }
    for d in &full.deals {
        if planned.insert(d.id.0) && store.deal(d.id)?.is_none() {
            let mut d = d.clone();
            d.customer = target;
            edits.push(Edit::AddDeal {
                id: d.id,
                fields: d.to_fields(),
            });
        }
    }
    // A plan comes with its customer when the workspace has none for it;
    // a plan already there is the workspace's.
    let target_plan = crate::domain::PlanTarget::Customer(target);
    if let Some(plan) = &full.plan
        && planned.insert(target.0 ^ PLAN_SALT)
        && store.plan(&target_plan)?.is_none()
    {
        edits.extend(crate::store::plan_brought_in(&target_plan, plan));
    }
    for &other in &full.apart_from {
        if other != target && !store.is_apart(target, other)? {
            edits.push(Edit::SetApart {
                a: target,
                b: other,
                apart: true,
            });
        }
    }
    Ok(edits)
}

/// A customer of a guanxi JSON file, with everything logged for it, within
/// the size limits of `validate`.
pub(super) fn full_sizes(full: &FullCustomer) -> Result<(), crate::domain::InputError> {
    validate::customer_sizes(&full.customer)?;
    full.interactions.iter().try_for_each(validate::interaction_sizes)?;
    full.follow_ups.iter().try_for_each(validate::follow_up_sizes)?;
    full.deals.iter().try_for_each(|d| {
        validate::within("field.deal.title", &d.title, validate::LINE_LIMIT)?;
        validate::within("field.deal.reason", &d.reason, validate::LINE_LIMIT)
    })
}

/// A customer from a contact, and what could not be used as such (kept in
/// `extra`). Fails when there is nothing to call the customer, or when a
/// value is over its size limit (`validate`): a 50 MB note is not kept, and
/// the rest of the file is imported. National phone numbers are written
/// with their country when `rewrite` names the region they are from.
pub(crate) fn customer_from(
    contact: &Contact,
    author: &str,
    now: i64,
    rewrite: Option<Region>,
) -> Result<(Customer, Vec<String>), String> {
    let mut warnings = Vec::new();
    let more = &contact.more;
    let mut extra = contact.extra.clone();
    let emails: Vec<String> = contact
        .emails
        .iter()
        .filter_map(|e| match validate::email(e) {
            Ok(v) => Some(v),
            Err(err) => {
                warnings.push(crate::i18n::tf("import.kept", &[("problem", &err)]));
                extra.push(format!("EMAIL:{}", clean(e)));
                None
            }
        })
        .collect();
    let phones: Vec<String> = contact
        .phones
        .iter()
        .filter_map(|p| match validate::phone(p) {
            Ok(v) => Some(match rewrite {
                Some(region) => phone::international(&v, region),
                None => v,
            }),
            Err(err) => {
                warnings.push(crate::i18n::tf("import.kept", &[("problem", &err)]));
                extra.push(format!("TEL:{}", clean(p)));
                None
            }
        })
        .collect();
    let tags: Vec<String> = contact
        .tags
        .iter()
        .filter_map(|t| {
            let joined: String = clean(t)
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            validate::tag(&joined).ok()
        })
        .collect();
    let name = [contact.display_name(), clean(&contact.company)]
        .into_iter()
        .chain(emails.first().cloned())
        .chain(phones.first().cloned())
        .find(|n| !n.trim().is_empty())
        .ok_or_else(|| crate::i18n::t("import.error.no_name").to_string())?;
    let mut c = Customer::empty(CustomerId(0));
    c.name = validate::name(&name).map_err(|e| e.to_string())?;
    c.company = clean(&contact.company);
    c.title = clean(&contact.title);
    c.address = clean(&contact.addresses.join(" / "));
    // Notes keep their line breaks.
    c.notes = contact.notes.trim().to_string();
    if !more.is_empty() {
        // guanxi's own fields (stage, segment...): each checked on its own,
        // so one bad value does not cost the others.
        let mut draft = CustomerDraft::of(&c);
        let mut too_long = None;
        for (key, value) in more {
            let accepted = CustomerInput::parse(key).and_then(|input| {
                let mut tried = draft.clone();
                tried.set(input, value);
                match tried.apply_to(&c) {
                    Ok(_) => Some(tried),
                    Err(errors) => {
                        for (_, e) in errors {
                            if matches!(e, crate::domain::InputError::TooLong { .. }) {
                                too_long.get_or_insert(e.to_string());
                            }
                            warnings.push(crate::i18n::tf("import.kept", &[("problem", &format!("{key}: {e}"))]));
                        }
                        None
                    }
                }
            });
            match accepted {
                Some(d) => draft = d,
                None => extra.push(format!("X-GUANXI-{}:{}", key.to_uppercase(), clean(value))),
            }
        }
        if let Some(reason) = too_long {
            return Err(reason);
        }
        let notes = std::mem::take(&mut c.notes);
        c = draft.apply_to(&c).map_err(|errors| {
            errors
                .into_iter()
                .map(|(_, e)| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        c.notes = notes;
    }
    c.emails = emails;
    c.phones = phones;
    c.tags = tags.into_iter().collect();
    c.extra = extra;
    if c.owner.is_empty() {
        c.owner = author.to_string();
    }
    c.created_at = now;
    c.created_by = author.to_string();
    validate::customer_sizes(&c).map_err(|e| e.to_string())?;
    Ok((c, warnings))
}
