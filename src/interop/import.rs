//! Importing: read a file into contacts (or full customers), plan what
//! each becomes — a new customer, a merge into one already there, or
//! nothing new — and apply the plan in chunks that are each saved before
//! the next starts.
//!
//! Nothing a file holds is dropped silently: a value guanxi cannot use as
//! such (an email that is not one, a column it does not know) is kept
//! with the customer (`extra`) and reported; a record that cannot become
//! a customer at all is skipped and reported with its line.
//!
//! An import that stops part-way (cancelled, or the process killed) is
//! resumed by running it again: the records already saved are skipped.
//! However many chunks and runs it took, the import is one change that
//! one undo takes back (see [`finish`]).
//!
//! Who is the same person is `domain::duplicates`'s rule: a contact that shares only a
//! phone with a customer under a clearly different name is added apart and
//! reported as a possible duplicate ([`Step::possible_duplicate`]), never
//! merged.

use std::collections::{HashMap, HashSet};

use thiserror::Error;

use super::contact::Contact;
use super::json::FullCustomer;
use super::{csv, encoding, json, sniff, vcard};
use crate::domain::duplicates::{self, Found, Index};
use crate::domain::phone::Region;
use crate::domain::{Customer, CustomerId};
use crate::store::actions::customer_changes;
use crate::store::{Edit, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Vcard,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "vcard" | "vcf" => Some(Format::Vcard),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The format the bytes are in: vCard and guanxi JSON by their first
    /// characters, CSV when a header row splits into columns.
    pub fn detect(bytes: &[u8]) -> Option<Format> {
        sniff::check(bytes, None).ok()
    }

    /// The format a file's name claims: `.csv` (and `.tsv`), `.vcf` (and
    /// `.vcard`), `.json`; `None` for any other name.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" => Some(Format::Csv),
            "vcf" | "vcard" => Some(Format::Vcard),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The format's name in messages.
    pub fn label(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Vcard => "vCard",
            Format::Json => "JSON",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Vcard => "vcard",
            Format::Json => "json",
        }
    }
}

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{}", crate::i18n::t("import.error.unknown_format"))]
    UnknownFormat,
    #[error("{}", crate::i18n::t("import.error.empty"))]
    Empty,
    #[error("{}", crate::i18n::t("import.error.binary"))]
    Binary,
    /// Named a vCard, but there is no `BEGIN:VCARD` in it.
    #[error("{}", crate::i18n::t("import.error.no_card"))]
    NoCard,
    #[error("{}", crate::i18n::tf("import.error.looks_like", &[("expected", &expected.label()), ("found", &found.label()), ("key", &found.key())]))]
    LooksLike { expected: Format, found: Format },
    /// Every record of the file is unusable: how many, and the first.
    #[error("{}", crate::i18n::tn("import.error.unreadable", *count, &[("place", &first.place), ("message", &first.message)]))]
    Unreadable { count: usize, first: Note },
    #[error(transparent)]
    Csv(#[from] csv::CsvError),
    #[error("{}", crate::i18n::tf("import.error.not_json", &[("detail", .0)]))]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One record of the file, read.
#[derive(Debug, Clone)]
pub enum Incoming {
    Contact(Box<Contact>),
    Full(Box<FullCustomer>),
}

/// A record that could not be used, or a value that could not be used as
/// such, with where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// "line 12" for text formats, "customer 3" for JSON.
    pub place: String,
    pub message: String,
}

/// What a file holds, read.
#[derive(Debug)]
pub struct Read {
    pub format: Format,
    /// The encoding the file was read in, by its WHATWG name: "UTF-8",
    /// "UTF-16LE", "GBK", "Big5", "windows-1258"... (JSON is UTF-8).
    pub encoding: &'static str,
    /// CSV: each column and what it feeds.
    pub mapping: Vec<(String, String)>,
    pub records: Vec<Result<Incoming, Note>>,
    /// guanxi JSON: the team's saved lists (see [`plan_lists`]).
    pub lists: Vec<json::ListOut>,
    /// guanxi JSON: the plans of its organizations and saved lists.
    pub plans: Vec<Result<(crate::domain::PlanTarget, crate::domain::Plan), Note>>,
    /// JSON: the organizations of the file, to be saved (with
    /// `Store::import_organizations`) before its customers, who name them.
    pub organizations: Vec<crate::domain::Organization>,
}

/// A CSV or vCard reader's contacts as records, each problem noted at
/// its line.
fn contacts(rows: impl Iterator<Item = Result<Contact, (usize, String)>>) -> Vec<Result<Incoming, Note>> {
    rows.map(|r| {
        r.map(|c| Incoming::Contact(Box::new(c)))
            .map_err(|(line, message)| Note {
                place: crate::i18n::tf("import.place.line", &[("line", &line)]),
                message,
            })
    })
    .collect()
}

/// Reads a file: `claimed` is the format named for it (`--format`, or its
/// extension, see [`Format::from_path`]), else it is recognised. A file
/// that is not what it claims, or none of whose records can be used, is
/// refused as a whole (see `sniff`).
pub fn read(bytes: &[u8], claimed: Option<Format>, overrides: &[(String, String)]) -> Result<Read, ImportError> {
    let format = sniff::check(bytes, claimed)?;
    let read = match format {
        Format::Vcard => {
            let read = vcard::read_file(bytes);
            Read {
                format,
                encoding: read.encoding,
                mapping: Vec::new(),
                records: contacts(read.cards.into_iter().map(|r| r.map_err(|e| (e.line, e.message)))),
                lists: Vec::new(),
                plans: Vec::new(),
                organizations: Vec::new(),
            }
        }
        Format::Csv => {
            let read = csv::read(bytes, overrides)?;
            Read {
                format,
                encoding: read.encoding,
                mapping: read
                    .mapping
                    .iter()
                    .map(|(c, t)| (c.clone(), format!("{t:?}")))
                    .collect(),
                records: contacts(read.rows.into_iter().map(|r| r.map_err(|e| (e.line, e.message)))),
                lists: Vec::new(),
                plans: Vec::new(),
                organizations: Vec::new(),
            }
        }
        Format::Json => {
            let export = json::read(bytes)?;
            let mut records: Vec<Result<Incoming, Note>> = export
                .customers
                .into_iter()
                .map(|r| {
                    r.map(|c| Incoming::Full(Box::new(c))).map_err(|e| Note {
                        place: crate::i18n::tf("import.place.customer", &[("index", &e.index)]),
                        message: e.message,
                    })
                })
                .collect();
            let mut good = Vec::new();
            for o in export.organizations {
                match o {
                    Ok(o) => good.push(o),
                    // Reported where the skipped customers are.
                    Err(e) => records.push(Err(Note {
                        place: crate::i18n::tf("import.place.organization", &[("index", &e.index)]),
                        message: e.message,
                    })),
                }
            }
            Read {
                format,
                encoding: encoding::name(encoding::UTF_8),
                mapping: Vec::new(),
                records,
                lists: export.lists,
                plans: export
                    .plans
                    .into_iter()
                    .map(|r| {
                        r.map_err(|e| Note {
                            place: crate::i18n::tf("import.place.plan", &[("name", &e.name)]),
                            message: e.message,
                        })
                    })
                    .collect(),
                organizations: good,
            }
        }
    };
    if !read.records.is_empty() && read.records.iter().all(Result::is_err) {
        let first = read.records.iter().find_map(|r| r.as_ref().err()).cloned();
        if let Some(first) = first {
            return Err(ImportError::Unreadable {
                count: read.records.len(),
                first,
            });
        }
    }
    Ok(read)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Create,
    Merge,
    /// Everything in the record is already there.
    Unchanged,
}

/// What one record of the file becomes.
#[derive(Debug, Clone)]
pub struct Step {
    /// The record of the file it comes from, counting from 0.
    pub record: usize,
    pub outcome: Outcome,
    pub name: String,
    pub place: String,
    /// The customer it creates or merges into.
    pub customer: CustomerId,
    /// The change to make; taken out when it is applied.
    pub change: Option<Change>,
    /// A new customer with the phone of another under a clearly different
    /// name: kept apart, and reported so the user can merge deliberately.
    pub possible_duplicate: Option<Possible>,
}

/// The customer a new one shares a phone with, under another name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Possible {
    pub customer: CustomerId,
    pub name: String,
}

/// A step's change, kept compact until it is applied.
#[derive(Debug, Clone)]
pub enum Change {
    /// A new customer (and, from JSON, its interactions, follow-ups and history).
    Create {
        customer: Box<Customer>,
        children: Vec<Edit>,
    },
    /// Edits to a customer already in the workspace.
    Edits(Vec<Edit>),
}

impl Change {
    fn into_edits(self) -> Vec<Edit> {
        match self {
            Change::Create { customer, children } => {
                let mut edits = vec![Edit::CreateCustomer {
                    id: customer.id,
                    fields: customer.to_fields(),
                }];
                edits.extend(children);
                edits
            }
            Change::Edits(edits) => edits,
        }
    }
}

#[derive(Debug, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub skipped: Vec<Note>,
    pub warnings: Vec<Note>,
    /// Records already saved by an earlier run of the same import.
    pub resumed_from: usize,
    /// The file's organizations the workspace does not have: saved with
    /// the first chunk, before the customers that name them.
    pub organizations: Vec<crate::domain::Organization>,
    pub total_records: usize,
    /// Saved lists the file brings that differ from the workspace's, and
    /// the plans of its organizations and lists: saved by [`finish`] when
    /// the customers are, in the same undoable change.
    pub shared: Vec<Edit>,
    /// How many lists of the file `shared` saves.
    pub lists_changed: usize,
    /// How many plans of organizations and lists `shared` adds.
    pub plans_added: usize,
    /// What takes back each chunk saved so far (this run's, in the order
    /// saved), made one undoable change by [`finish`].
    undo: Vec<Vec<Edit>>,
    /// The same for chunks earlier runs of the same import saved (stopped,
    /// or killed before they could finish): read back from local state.
    undo_before: Vec<Vec<Edit>>,
}

impl Plan {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.steps.iter().filter(|s| s.outcome == outcome).count()
    }

    /// The new customers that share a phone with another under a clearly
    /// different name.
    pub fn possible_duplicates(&self) -> impl Iterator<Item = (&Step, &Possible)> {
        self.steps
            .iter()
            .filter_map(|s| s.possible_duplicate.as_ref().map(|p| (s, p)))
    }
}

/// Adds to `plan` the saved lists of the file that the workspace does not
/// hold as they are, and the plans of its organizations and lists whose
/// target has none yet; a list whose name or criteria cannot be used, or
/// a plan that cannot be read, is noted as skipped. A list marked priority in the file becomes the
/// workspace's priority segment, as when it is saved here.
pub fn plan_lists(
    store: &Store,
    lists: Vec<json::ListOut>,
    plans: Vec<Result<(crate::domain::PlanTarget, crate::domain::Plan), Note>>,
    plan: &mut Plan,
) -> Result<(), StoreError> {
    for (n, list) in lists.into_iter().enumerate() {
        let place = crate::i18n::tf("import.place.list", &[("index", &(n + 1))]);
        let filter = match list.filter.to_filter() {
            Ok(f) => f,
            Err(message) => {
                plan.skipped.push(Note { place, message });
                continue;
            }
        };
        match store.list_edits(&list.name, &filter, list.priority) {
            Ok(edits) if edits.is_empty() => {}
            Ok(edits) => {
                plan.shared.extend(edits);
                plan.lists_changed += 1;
            }
            Err(StoreError::Input(e)) => plan.skipped.push(Note {
                place,
                message: e.to_string(),
            }),
            Err(e) => return Err(e),
        }
    }
    // The plans of organizations and saved lists, as a customer's: added
    // where the target has none yet.
    for p in plans {
        match p {
            Ok((target, p)) => {
                if store.plan(&target)?.is_none() {
                    plan.shared.extend(crate::store::plan_brought_in(&target, &p));
                    plan.plans_added += 1;
                }
            }
            Err(note) => plan.skipped.push(note),
        }
    }
    Ok(())
}

/// Where a record goes: a customer already in the workspace (with its
/// state as this plan leaves it), or an earlier step of this plan.
enum Target {
    Existing(Box<Customer>),
    Planned(usize),
}

/// Works out what every record becomes, without changing anything.
/// Records `0..skip` are left out (saved by an interrupted earlier run).
/// National phone numbers are read in the workspace's region.
pub fn plan(store: &mut Store, records: Vec<Result<Incoming, Note>>, skip: usize) -> Result<Plan, StoreError> {
    let region = store.rules().region;
    plan_in(store, records, skip, region)
}

/// [`plan`] for a file whose national phone numbers were written in
/// `file_region` (`--region`). When that is not the workspace's region,
/// they are kept written with their country code (`+84 903 111 222`), so
/// they read right in the workspace.
pub fn plan_in(
    store: &mut Store,
    records: Vec<Result<Incoming, Note>>,
    skip: usize,
    file_region: Option<Region>,
) -> Result<Plan, StoreError> {
    plan_with(store, records, Vec::new(), skip, file_region)
}

/// [`plan_in`] for a file that brings organizations too (`Read::organizations`):
/// its customers may name them.
pub fn plan_with(
    store: &mut Store,
    records: Vec<Result<Incoming, Note>>,
    organizations: Vec<crate::domain::Organization>,
    skip: usize,
    file_region: Option<Region>,
) -> Result<Plan, StoreError> {
    let mut organizations = organizations;
    organizations.retain(|o| store.live_organization(o.id).ok().flatten().is_none());
    let home = store.rules().region;
    let rewrite = file_region.filter(|r| Some(*r) != home);
    let mut index = Index::default();
    let mut existing: HashSet<CustomerId> = HashSet::new();
    store.for_each_customer(|rec| {
        let c = &rec.customer;
        index.add(c.id, duplicates::real_name(c), &duplicates::customer_keys(c, home));
        existing.insert(c.id);
        true
    })?;
    let author = store.author().to_string();
    let now = store.clock().now_ms();
    let in_file: HashSet<crate::domain::OrganizationId> = organizations.iter().map(|o| o.id).collect();
    let mut plan = Plan {
        organizations,
        resumed_from: skip,
        total_records: records.len(),
        ..Plan::default()
    };
    // Customers already here that this plan merges into, as it leaves them;
    // and new customers, by the step that creates them.
    let mut touched: HashMap<CustomerId, Box<Customer>> = HashMap::new();
    let mut created: HashMap<CustomerId, usize> = HashMap::new();
    let mut planned_children: HashSet<u64> = HashSet::new();
    for (n, record) in records.into_iter().enumerate().skip(skip) {
        let incoming = match record {
            Ok(i) => i,
            Err(note) => {
                plan.skipped.push(note);
                continue;
            }
        };
        let (candidate, place, children_of) = match incoming {
            Incoming::Contact(contact) => {
                let place = crate::i18n::tf("import.place.line", &[("line", &contact.line)]);
                match customer_from(&contact, &author, now, rewrite) {
                    Ok((c, warnings)) => {
                        for message in warnings {
                            plan.warnings.push(Note {
                                place: place.clone(),
                                message,
                            });
                        }
                        (c, place, None)
                    }
                    Err(reason) => {
                        plan.skipped.push(Note { place, message: reason });
                        continue;
                    }
                }
            }
            Incoming::Full(full) => {
                let place = crate::i18n::tf("import.place.customer", &[("index", &(n + 1))]);
                if full.customer.name.trim().is_empty() {
                    plan.skipped.push(Note {
                        place,
                        message: crate::i18n::t("import.error.no_name").to_string(),
                    });
                    continue;
                }
                if let Err(e) = full_sizes(&full) {
                    plan.skipped.push(Note {
                        place,
                        message: e.to_string(),
                    });
                    continue;
                }
                let mut c = full.customer.clone();
                // A link to an organization neither here nor in the file
                // is let go: the company then links by its name.
                for link in [&mut c.organization, &mut c.referred_by] {
                    if let Some(o) = *link
                        && o != crate::domain::organization::UNLINKED
                        && !in_file.contains(&o)
                        && store.live_organization(o)?.is_none()
                    {
                        *link = None;
                    }
                }
                (c, place, Some(full))
            }
        };
        let keys = duplicates::customer_keys(&candidate, file_region.or(home));
        let name = duplicates::real_name(&candidate).to_string();
        // A JSON customer is first looked for by its id.
        let by_id = children_of
            .as_ref()
            .map(|_| candidate.id)
            .filter(|id| id.0 != 0 && (existing.contains(id) || created.contains_key(id)));
        // Never into one the file says is someone else (`dupes --not`).
        let apart_from = children_of
            .as_ref()
            .map(|full| full.apart_from.as_slice())
            .unwrap_or_default();
        let found = by_id.map(Found::Same).or_else(|| index.find(&name, &keys));
        let found = found.filter(|f| match f {
            Found::Same(id) | Found::Possible(id) => !apart_from.contains(id),
        });
        let (found, possible) = match found {
            Some(Found::Same(id)) => (Some(id), None),
            Some(Found::Possible(id)) => {
                let theirs = match created.get(&id) {
                    Some(&i) => plan.steps[i].name.clone(),
                    None => index.name(id).unwrap_or_default().to_string(),
                };
                (
                    None,
                    Some(Possible {
                        customer: id,
                        name: theirs,
                    }),
                )
            }
            None => (None, None),
        };
        let target = match found {
            Some(id) if created.contains_key(&id) => Some(Target::Planned(created[&id])),
            Some(id) => match touched.remove(&id) {
                Some(c) => Some(Target::Existing(c)),
                None => store.live_customer(id)?.map(|r| Target::Existing(Box::new(r.customer))),
            },
            None => None,
        };
        let step = match target {
            None => {
                let mut c = candidate;
                if children_of.is_none() || c.id.0 == 0 || existing.contains(&c.id) {
                    c.id = store.new_customer_id();
                }
                let children = match &children_of {
                    Some(full) => children_edits(store, full, c.id, &mut planned_children)?,
                    None => Vec::new(),
                };
                created.insert(c.id, plan.steps.len());
                Step {
                    record: n,
                    outcome: Outcome::Create,
                    name: c.name.clone(),
                    place,
                    customer: c.id,
                    change: Some(Change::Create {
                        customer: Box::new(c),
                        children,
                    }),
                    possible_duplicate: possible,
                }
            }
            Some(Target::Planned(i)) => {
                // The same person twice in one file: fold into the new customer.
                let id = plan.steps[i].customer;
                let extra_children = match &children_of {
                    Some(full) => children_edits(store, full, id, &mut planned_children)?,
                    None => Vec::new(),
                };
                let planned = &mut plan.steps[i];
                if let Some(Change::Create { customer, children }) = planned.change.as_mut() {
                    **customer = duplicates::merged(customer, &candidate, home);
                    children.extend(extra_children);
                    planned.name.clone_from(&customer.name);
                }
                Step {
                    record: n,
                    outcome: Outcome::Merge,
                    name: plan.steps[i].name.clone(),
                    place,
                    customer: id,
                    change: None,
                    possible_duplicate: None,
                }
            }
            Some(Target::Existing(before)) => {
                let id = before.id;
                let after = duplicates::merged(&before, &candidate, home);
                let mut edits = customer_changes(&before, &after);
                if let Some(full) = &children_of {
                    edits.extend(children_edits(store, full, id, &mut planned_children)?);
                }
                let name = after.name.clone();
                touched.insert(id, Box::new(after));
                Step {
                    record: n,
                    outcome: if edits.is_empty() {
                        Outcome::Unchanged
                    } else {
                        Outcome::Merge
                    },
                    name,
                    place,
                    customer: id,
                    change: (!edits.is_empty()).then_some(Change::Edits(edits)),
                    possible_duplicate: None,
                }
            }
        };
        index.add(step.customer, &name, &keys);
        plan.steps.push(step);
    }
    Ok(plan)
}

pub use super::resume::{already_saved, resume_file, resume_point};

mod convert;
mod save;
pub(crate) use convert::customer_from;
use convert::{children_edits, full_sizes};
pub use save::{CHUNK, Interrupted, Report, apply, apply_chunk, finish, interrupted};
