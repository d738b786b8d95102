//! Planning the import of a vdir: the cards guanxi wrote merge into their
//! customers (three-way, see `merge`), the others go the way of any
//! imported contact.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{BASE_FOLDER, Folder, base_card, merge, write::replace};
use crate::domain::{Customer, CustomerId};
use crate::interop::import::{self, Change, Incoming, Note, Outcome, Plan, Step, customer_from};
use crate::store::actions::customer_changes;
use crate::store::{Store, StoreError};

/// A planned folder import.
#[derive(Debug)]
pub struct FolderImport {
    pub plan: Plan,
    /// The files whose cards merged into their customers: once saved,
    /// each becomes its file's base, so importing it again finds nothing
    /// new in it.
    bases: Vec<(String, Vec<u8>)>,
}

impl FolderImport {
    /// Keeps the merged cards as the folder's bases (after the plan is saved).
    pub fn keep_bases(&self, dir: &Path) -> std::io::Result<()> {
        let base = dir.join(BASE_FOLDER);
        if self.bases.is_empty() {
            return Ok(());
        }
        crate::workspace::private::dir(&base)?;
        for (name, bytes) in &self.bases {
            if std::fs::read(base.join(name)).ok().as_ref() != Some(bytes) {
                replace(&base, name, bytes)?;
            }
        }
        Ok(())
    }
}

/// Works out what the cards of `folder` (read from `dir`) change, without
/// changing anything.
pub fn plan_import(store: &mut Store, dir: &Path, folder: Folder) -> Result<FolderImport, StoreError> {
    let region = store.rules().region;
    let author = store.author().to_string();
    let now = store.clock().now_ms();
    let mut records = Vec::new();
    let mut record_files = Vec::new();
    let mut skipped = Vec::new();
    let mut matched = Vec::new();
    for card in folder.cards {
        let contact = match card.contact {
            Ok(c) => c,
            Err(e) => {
                skipped.push(Note {
                    place: card.file,
                    message: e.to_string(),
                });
                continue;
            }
        };
        match card.id {
            Some(id) if store.live_customer(id)?.is_some() => matched.push((card.file, id, contact)),
            Some(id) if store.customer(id)?.is_some() => skipped.push(Note {
                place: card.file,
                message: crate::i18n::t("import.vdir.deleted").to_string(),
            }),
            // Made on the phone, or by another workspace.
            _ => {
                records.push(Ok(Incoming::Contact(Box::new(contact))));
                record_files.push(card.file);
            }
        }
    }
    let first_matched = records.len();
    let mut plan = import::plan_with(store, records, Vec::new(), 0, region)?;
    for step in &mut plan.steps {
        if let Some(file) = record_files.get(step.record) {
            step.place.clone_from(file);
        }
    }
    plan.skipped.extend(skipped);
    plan.total_records += matched.len();
    let mut touched: HashMap<CustomerId, Customer> = HashMap::new();
    let mut merged_files: HashSet<String> = HashSet::new();
    let mut unmerged_files: HashSet<String> = HashSet::new();
    for (n, (file, id, contact)) in matched.into_iter().enumerate() {
        let (phone, warnings) = match customer_from(&contact, &author, now, None) {
            Ok(p) => p,
            Err(message) => {
                plan.skipped.push(Note {
                    place: file.clone(),
                    message,
                });
                unmerged_files.insert(file);
                continue;
            }
        };
        for message in warnings {
            plan.warnings.push(Note {
                place: file.clone(),
                message,
            });
        }
        let current = match touched.remove(&id) {
            Some(c) => c,
            None => match store.live_customer(id)? {
                Some(r) => r.customer,
                None => continue,
            },
        };
        let base = base_card(dir, &file, id).and_then(|b| customer_from(&b, &author, now, None).ok().map(|(c, _)| c));
        let carried = merge::carried(&contact, &phone);
        let after = merge::merge(&current, base.as_ref(), &phone, &carried, region);
        let edits = customer_changes(&current, &after);
        plan.steps.push(Step {
            record: first_matched + n,
            outcome: if edits.is_empty() {
                Outcome::Unchanged
            } else {
                Outcome::Merge
            },
            name: after.name.clone(),
            place: file.clone(),
            customer: id,
            change: (!edits.is_empty()).then_some(Change::Edits(edits)),
            possible_duplicate: None,
        });
        touched.insert(id, after);
        merged_files.insert(file);
    }
    let mut bytes = folder.bytes;
    let bases = merged_files
        .into_iter()
        .filter(|f| !unmerged_files.contains(f))
        .filter_map(|f| bytes.remove(&f).map(|b| (f, b)))
        .collect();
    Ok(FolderImport { plan, bases })
}
