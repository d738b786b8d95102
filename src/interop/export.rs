//! Customers out to a file in another program's format: the one road both
//! `guanxi export` and the terminal UI's export take (the vdir folder has
//! its own, `vdir`).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Contact, csv, ics, json, vcard};
use crate::domain::{Customer, CustomerId, PlanTarget};
use crate::store::{Store, StoreError};

/// A file format customers are exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// guanxi JSON: everything, for guanxi.
    Json,
    Csv,
    /// vCard 4.0, for phones and address books.
    Vcard,
    /// iCalendar: follow-ups as to-dos, logged meetings as events.
    Ics,
}

impl FileFormat {
    /// `json`, `csv`, `vcard` (or `vcf`), `ics`.
    pub fn parse(name: &str) -> Option<FileFormat> {
        match name.trim().to_lowercase().as_str() {
            "json" => Some(FileFormat::Json),
            "csv" => Some(FileFormat::Csv),
            "vcard" | "vcf" => Some(FileFormat::Vcard),
            "ics" => Some(FileFormat::Ics),
            _ => None,
        }
    }

    /// The format a file's name asks for: `.json`, `.csv`, `.vcf` (or
    /// `.vcard`), `.ics`.
    pub fn from_path(path: &Path) -> Option<FileFormat> {
        let ext = path.extension()?.to_str()?;
        if ext.eq_ignore_ascii_case("vcard") {
            return Some(FileFormat::Vcard);
        }
        FileFormat::parse(ext)
    }
}

/// The CSV, vCard or iCalendar text of `customers`, in the order given
/// (JSON is written as it is read: [`json_to`]).
pub fn text(store: &Store, customers: &[Customer], format: FileFormat) -> Result<String, StoreError> {
    Ok(match format {
        FileFormat::Csv => csv::write(&customers.iter().map(Contact::of).collect::<Vec<_>>()),
        FileFormat::Ics => {
            let mut items = Vec::new();
            for c in customers {
                let (interactions, follow_ups, _) = store.timeline(c.id)?.into_items();
                items.push((c.clone(), follow_ups, interactions));
            }
            ics::write(&items, store.clock().now_ms())
        }
        // vCard has no place for stages and the like: the writer puts them
        // in X-GUANXI-FIELD properties, which an import reads back.
        FileFormat::Vcard | FileFormat::Json => vcard::write(&customers.iter().map(Contact::of).collect::<Vec<_>>()),
    })
}

/// A guanxi JSON export of the customers `ids` in that order, written as it
/// is read: each customer with its timeline is read and written in turn,
/// so only the order is held in memory whatever the size. Returns how
/// many customers were written.
pub fn json_to(store: &Store, ids: &[CustomerId], out: impl Write) -> Result<usize, ExportError> {
    // The team's saved lists go with any export: they are definitions,
    // evaluated where they are used.
    let lists: Vec<json::ListOut> = store
        .saved_lists()?
        .iter()
        .map(|l| {
            let plan = store.plan(&PlanTarget::list(&l.name))?;
            Ok(json::ListOut::new(&l.name, &l.filter, l.priority).with_plan(plan.as_ref()))
        })
        .collect::<Result<_, StoreError>>()?;
    // Who is said not to be whose duplicate, by customer: few, if any.
    let mut apart: HashMap<CustomerId, Vec<String>> = HashMap::new();
    for (a, b) in store.apart()? {
        apart.entry(a).or_default().push(b.to_string());
        apart.entry(b).or_default().push(a.to_string());
    }
    // Every organization: few, and a filtered export keeps the ones its
    // customers name.
    let organizations: Vec<json::OrganizationOut> = store
        .organizations()?
        .iter()
        .map(|o| {
            let plan = store.plan(&PlanTarget::Organization(o.id))?;
            Ok(json::OrganizationOut::new(o).with_plan(plan.as_ref()))
        })
        .collect::<Result<_, StoreError>>()?;
    let customers = ids.iter().filter_map(|&id| {
        let read = || -> Result<Option<json::CustomerOut>, StoreError> {
            let Some(rec) = store.live_customer(id)? else {
                return Ok(None);
            };
            let (interactions, follow_ups, history) = store.timeline(id)?.into_items();
            let mut out = json::customer_out(&rec.customer, &interactions, &follow_ups, &history);
            let mut deals = store.deals_of(id)?;
            deals.sort_by_key(|d| d.id);
            out.deals = deals.iter().map(json::DealOut::new).collect();
            out.plan = store.plan(&PlanTarget::Customer(id))?.as_ref().map(json::PlanOut::new);
            if let Some(others) = apart.get(&id) {
                out.not_duplicates_of = others.clone();
                out.not_duplicates_of.sort();
            }
            Ok(Some(out))
        };
        read().map_err(|e| e.to_string()).transpose()
    });
    Ok(json::write_all_to(out, &organizations, customers, &lists)?)
}

/// Writes `customers` (in that order) to the file `path` in `format` (see
/// [`atomically`]). Returns how many customers were written.
pub fn to_file(store: &Store, customers: &[Customer], format: FileFormat, path: &Path) -> Result<usize, ExportError> {
    atomically(path, |out| match format {
        FileFormat::Json => {
            let ids: Vec<CustomerId> = customers.iter().map(|c| c.id).collect();
            json_to(store, &ids, out)
        }
        other => {
            out.write_all(text(store, customers, other)?.as_bytes())?;
            Ok(customers.len())
        }
    })
}

/// Writes the file `path` with `write`: beside it first, then put in its
/// place, so a failure halfway leaves whatever was at `path` as it was.
/// Customer data: the file is readable by the user alone.
pub fn atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<usize, ExportError>,
) -> Result<usize, ExportError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = (|| -> Result<usize, ExportError> {
        let file = crate::workspace::private::create(&partial)?;
        crate::workspace::private::tighten_file(&partial);
        let mut out = std::io::BufWriter::new(file);
        let count = write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&partial, path)?;
        Ok(count)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}
