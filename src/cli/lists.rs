//! Saved lists: `list ... --save NAME` and `lists` (show, delete, mark
//! the priority segment). A list keeps its filter, never its customers:
//! counts and members are worked out when asked.

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::context::Context;
use super::filter::CustomerFilter;
use super::output::{Table, escape};
use crate::domain::list_filter::ListFilter;
use crate::i18n::{t, tf, tn};
use crate::interop::saved_lists::FilterOut;
use crate::store::{Matcher, SavedList};

/// A name with the priority mark (★) before it when `priority`, as the UI shows it.
pub use crate::domain::list_filter::priority_name as marked;

/// `list [FILTERS] --save NAME [--priority]`.
pub fn save(ctx: &Context, name: &str, flags: &CustomerFilter, priority: bool) -> Result<String> {
    let mut store = ctx.open_or_create()?;
    let filter = flags.to_filter(&store)?;
    store.save_list(name, &filter, priority)?;
    let list = store.saved_list(name)?;
    let count = Matcher::new(list.filter.clone(), &store, store.author())?.count(&store)?;
    let mut out = tn(
        "cli.lists.saved",
        count,
        &[("name", &escape(&list.name)), ("count", &count)],
    ) + "\n";
    if priority {
        out += &(tf("cli.lists.priority_set", &[("name", &escape(&list.name))]) + "\n");
    }
    Ok(out)
}

#[derive(Debug, Args)]
pub struct ListsArgs {
    /// Delete the saved list NAME (undo brings it back)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["priority", "no_priority"])]
    delete: Option<String>,
    /// Make the saved list NAME the priority segment
    #[arg(long, value_name = "NAME", conflicts_with = "no_priority")]
    priority: Option<String>,
    /// Make no saved list the priority segment (the config's `priority_segment` applies again)
    #[arg(long)]
    no_priority: bool,
    /// Print JSON instead of a table
    #[arg(long)]
    pub(super) json: bool,
}

pub fn lists(ctx: &Context, a: ListsArgs) -> Result<String> {
    if let Some(name) = &a.delete {
        let mut store = ctx.open()?;
        let list = store.delete_list(name)?;
        return Ok(tf("cli.lists.deleted", &[("name", &escape(&list.name))]) + "\n");
    }
    if a.priority.is_some() || a.no_priority {
        let mut store = ctx.open()?;
        store.set_priority_list(a.priority.as_deref())?;
        return Ok(match store.priority_list()? {
            Some(l) => tf("cli.lists.priority_set", &[("name", &escape(&l.name))]),
            None => t("cli.lists.priority_cleared").to_string(),
        } + "\n");
    }
    let store = ctx.open()?;
    let lists = store.saved_lists()?;
    let counted = lists
        .into_iter()
        .map(|l| {
            let n = Matcher::new(l.filter.clone(), &store, store.author())?.count(&store)?;
            Ok((l, n))
        })
        .collect::<Result<Vec<(SavedList, usize)>>>()?;
    if a.json {
        let items: Vec<ListJson> = counted.iter().map(|(l, n)| ListJson::new(l, *n)).collect();
        return Ok(serde_json::to_string_pretty(&items)? + "\n");
    }
    if counted.is_empty() {
        return Ok(t("cli.lists.none").to_string() + "\n");
    }
    let mut table = Table::new(&[
        (t("cli.lists.column.name"), 28),
        (t("cli.lists.column.count"), 10),
        (t("cli.lists.column.filter"), 60),
    ]);
    for (l, n) in &counted {
        table.row(vec![marked(&l.name, l.priority), n.to_string(), describe(&l.filter)]);
    }
    let mut out = table.render();
    if let Some((l, _)) = counted.iter().find(|(l, _)| l.priority) {
        out += &(tf("cli.lists.priority_is", &[("name", &escape(&l.name))]) + "\n");
    } else if !store.rules().priority_segment.is_empty() {
        out += &(tf(
            "cli.lists.priority_segment_is",
            &[("segment", &escape(&store.rules().priority_segment))],
        ) + "\n");
    }
    Ok(out)
}

/// A filter as the flags that make it again, or "every customer".
pub fn describe(f: &ListFilter) -> String {
    let flags = f.as_flags();
    if flags.is_empty() {
        t("cli.lists.everyone").to_string()
    } else {
        flags
    }
}

/// One saved list in `lists --json`.
#[derive(Serialize)]
pub struct ListJson {
    name: String,
    filter: FilterOut,
    priority: bool,
    count: usize,
}

impl ListJson {
    pub fn new(l: &SavedList, count: usize) -> ListJson {
        ListJson {
            name: l.name.clone(),
            filter: FilterOut::new(&l.filter),
            priority: l.priority,
            count,
        }
    }
}
