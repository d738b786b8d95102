//! Saving a plan: chunk by chunk, each on disk before the next, with what
//! takes it back kept so the whole import is one undoable change, and
//! progress remembered so an import that stopped carries on when run again.

use std::path::PathBuf;

use thiserror::Error;

use super::{Outcome, Plan};
use crate::interop::resume;
use crate::store::{Edit, Store, StoreError};

/// How an import went.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub created: usize,
    pub merged: usize,
    pub unchanged: usize,
    /// Set when the import stopped before the end: records saved so far.
    pub stopped_after: Option<usize>,
}

/// Records per saved chunk.
pub const CHUNK: usize = 5_000;

/// Applies the steps `from..from + CHUNK` of a plan and saves them;
/// returns where the next chunk starts (`plan.steps.len()` when done).
/// What takes the chunk back is kept for [`finish`], which makes the whole
/// import one undoable change. Progress is remembered in `resume_file`, so
/// running the same import again after a stop carries on where it ended.
pub fn apply_chunk(
    store: &mut Store,
    plan: &mut Plan,
    from: usize,
    resume_file: Option<&PathBuf>,
    report: &mut Report,
) -> Result<usize, StoreError> {
    if from == 0
        && let Some(path) = resume_file
    {
        plan.undo_before = resume::read_undo(path);
    }
    if from == 0 && !plan.organizations.is_empty() {
        store.import_organizations(&std::mem::take(&mut plan.organizations))?;
    }
    let end = (from + CHUNK).min(plan.steps.len());
    let chunk = &mut plan.steps[from.min(end)..end];
    let changes: Vec<(Vec<Edit>, Option<i64>)> = chunk
        .iter_mut()
        .filter_map(|s| s.change.take())
        .map(|c| (c.into_edits(), None))
        .collect();
    if !changes.is_empty() {
        // Read before the chunk is applied, last change first.
        let mut inverse = Vec::new();
        for (edits, _) in changes.iter().rev() {
            inverse.extend(store.inverse_of(edits)?);
        }
        store.commit_bulk(changes)?;
        if let Some(path) = resume_file {
            resume::append_undo(path, &inverse);
        }
        plan.undo.push(inverse);
    }
    for s in chunk.iter() {
        match s.outcome {
            Outcome::Create => report.created += 1,
            Outcome::Merge => report.merged += 1,
            Outcome::Unchanged => report.unchanged += 1,
        }
    }
    if let Some(path) = resume_file {
        let created = plan.steps[..end]
            .iter()
            .rev()
            .find(|s| s.outcome == Outcome::Create)
            .map(|s| s.customer);
        let saved = records_saved(plan, end).min(plan.total_records);
        resume::save_progress(path, saved, created);
    }
    Ok(end)
}

/// Records of the file behind the first `steps` steps: up to the last
/// saved step's record (skipped ones before it will be skipped again; those
/// after it are read again).
fn records_saved(plan: &Plan, steps: usize) -> usize {
    match steps.checked_sub(1).and_then(|last| plan.steps.get(last)) {
        Some(step) => step.record + 1,
        None => plan.resumed_from,
    }
}

/// Ends an import, finished or `stopped`: what its chunks saved (and what
/// earlier runs of it, stopped or killed, saved) becomes one change that
/// one `undo` takes back and `redo` brings back. A finished import leaves
/// nothing to resume; a stopped one can be run again to carry on, and the
/// run that finishes it is undone whole.
pub fn finish(
    store: &mut Store,
    plan: &mut Plan,
    resume_file: Option<&PathBuf>,
    stopped: bool,
) -> Result<(), StoreError> {
    // A file whose customers are all here already may still bring
    // organizations: saved now, when no chunk took them.
    if !stopped && !plan.organizations.is_empty() {
        store.import_organizations(&std::mem::take(&mut plan.organizations))?;
    }
    // The file's saved lists and plans of organizations and lists, once
    // its customers and organizations are all in.
    if !stopped && !plan.shared.is_empty() {
        let shared = std::mem::take(&mut plan.shared);
        let inverse = store.inverse_of(&shared)?;
        store.commit_bulk(vec![(shared, None)])?;
        plan.undo.push(inverse);
    }
    let chunks: Vec<Vec<Edit>> = plan
        .undo
        .drain(..)
        .rev()
        .chain(plan.undo_before.drain(..).rev())
        .collect();
    store.commit_undo_point(chunks.into_iter().flatten().collect())?;
    // Deferred for a large import into a small workspace (`apply`).
    store.make_indexes()?;
    if let Some(path) = resume_file
        && !stopped
    {
        resume::forget(path);
    }
    Ok(())
}

/// Applies a whole plan, chunk by chunk; `progress(done, total)` is told
/// after each saved chunk and stops the import by returning false. Either
/// way, what was saved is one undoable change (see [`finish`]).
pub fn apply(
    store: &mut Store,
    plan: &mut Plan,
    resume_file: Option<&PathBuf>,
    mut progress: impl FnMut(usize, usize) -> bool,
) -> Result<Report, Interrupted> {
    let mut report = Report::default();
    let total = plan.steps.len();
    let creates = plan.steps.iter().filter(|s| s.outcome == Outcome::Create).count();
    store.defer_indexes_for(creates).map_err(|e| interrupted(plan, 0, e))?;
    let mut done = 0;
    while done < total {
        done = apply_chunk(store, plan, done, resume_file, &mut report).map_err(|e| interrupted(plan, done, e))?;
        if done < total && !progress(done, total) {
            report.stopped_after = Some(records_saved(plan, done));
            break;
        }
    }
    if report.stopped_after.is_none() {
        progress(total, total);
    }
    finish(store, plan, resume_file, report.stopped_after.is_some()).map_err(|e| interrupted(plan, done, e))?;
    store.flush().map_err(|e| interrupted(plan, done, e))?;
    Ok(report)
}

/// An import that could not go on (a full disk, a workspace gone): what it
/// saved before, which running it again keeps and carries on from.
#[derive(Debug, Error)]
#[error("{}", crate::i18n::tn("import.interrupted", *total, &[("saved", &crate::i18n::number(*saved as i64)), ("total", &crate::i18n::number(*total as i64))]))]
pub struct Interrupted {
    /// Records of the file saved, counting those of earlier runs.
    pub saved: usize,
    pub total: usize,
    #[source]
    pub error: StoreError,
}

/// What an import that failed after `done` steps had saved.
pub fn interrupted(plan: &Plan, done: usize, error: StoreError) -> Interrupted {
    Interrupted {
        saved: records_saved(plan, done),
        total: plan.total_records,
        error,
    }
}
