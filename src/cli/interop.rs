//! `import`, `export` and `dupes`: other programs' files in and out, and
//! the same person twice.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::Args;

use super::context::Context;
use super::filter::{CustomerFilter, Matcher, sort_by_name};
use super::output::escape;
use crate::domain::duplicates;
use crate::domain::escape::neutralize;
use crate::domain::phone::Region;
use crate::domain::{Customer, CustomerId, InputError};
use crate::i18n::collate::name_key;
use crate::i18n::{t, tf, tn};
use crate::interop::export::{self, FileFormat};
use crate::interop::import::{self, Format, Outcome};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file: a CSV (Google Contacts, Outlook, other CRMs), vCard (.vcf) or guanxi JSON export
    file: PathBuf,
    /// csv, vcard or json [default: the file's extension (.csv, .vcf, .json), else recognised from the content]
    #[arg(long)]
    format: Option<String>,
    /// Show what would happen; save nothing
    #[arg(long)]
    dry_run: bool,
    /// Feed a CSV column into a field (repeat): name, given, family, company, title, email, phone,
    /// address, notes, tags, ignore, or a guanxi field such as stage, segment, source, owner
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// The country the file's national phone numbers are from (VN, CN, US...) [default: the config's `region`]
    #[arg(long, value_name = "CODE")]
    region: Option<String>,
}

pub fn import(ctx: &Context, a: ImportArgs) -> Result<String> {
    // A folder is a vdir: one card per file, as `export --format vdir` writes.
    if a.file.is_dir() {
        return super::vdir::import_folder(ctx, &a.file, a.dry_run);
    }
    let format = a
        .format
        .as_deref()
        .map(|f| Format::parse(f).ok_or_else(|| InputError::UnknownFormat(f.to_string())))
        .transpose()?;
    let region = a
        .region
        .as_deref()
        .map(|r| Region::parse(r).ok_or_else(|| InputError::UnknownRegion(r.to_string())))
        .transpose()?;
    let overrides = a
        .map
        .iter()
        .map(|m| {
            m.split_once('=')
                .map(|(c, f)| (c.trim().to_string(), f.trim().to_string()))
                .ok_or_else(|| InputError::BadAssignment(m.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let bytes = std::fs::read(&a.file).map_err(|e| InputError::CannotRead {
        path: a.file.display().to_string(),
        reason: e.to_string(),
    })?;
    // A format named with --format wins; else the file's extension claims one.
    let claimed = format.or_else(|| Format::from_path(&a.file));
    let read = import::read(&bytes, claimed, &overrides).map_err(|e| match e {
        import::ImportError::Store(s) => anyhow::Error::from(s),
        other => anyhow::Error::from(InputError::Invalid(tf(
            "import.error.in_file",
            &[("path", &a.file.display()), ("message", &other)],
        ))),
    })?;
    // A dry run only reads: it makes no workspace.
    let mut store = if a.dry_run { ctx.open()? } else { ctx.open_or_create()? };
    let resume = import::resume_file(&store, &bytes);
    let skip = if a.dry_run {
        0
    } else {
        import::resume_point(&store, &resume)?
    };
    let (format, encoding) = (read.format, read.encoding);
    let mapping = read.mapping.clone();
    let region = region.or(store.rules().region);
    let mut plan = import::plan_with(&mut store, read.records, read.organizations, skip, region)?;
    import::plan_lists(&store, read.lists, read.plans, &mut plan)?;
    let mut out = tf(
        "cli.import.file",
        &[("path", &a.file.display()), ("format", &format.key())],
    ) + "\n";
    // JSON is always UTF-8; a CSV or vCard may be in a legacy code page,
    // guessed: say which, so a wrong guess is seen.
    if format != Format::Json {
        out.push_str(&tf("cli.import.encoding", &[("name", &encoding)]));
        out.push('\n');
    }
    if !mapping.is_empty() {
        let mapped = mapping
            .iter()
            .map(|(c, t)| format!("{} → {}", escape(c), escape(t)))
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&tf("cli.import.columns", &[("columns", &mapped)]));
        out.push('\n');
    }
    if skip > 0 {
        out.push_str(&tn("import.resuming", skip, &[]));
        out.push('\n');
    }
    let skipped = plan.skipped.len();
    let summary = |created, merged, unchanged| import_summary(created, merged, unchanged, skipped);
    if a.dry_run {
        out.push_str(t("cli.import.dry_run"));
        out.push(' ');
        out.push_str(&summary(
            plan.count(Outcome::Create),
            plan.count(Outcome::Merge),
            plan.count(Outcome::Unchanged),
        ));
        for s in plan.steps.iter().take(20) {
            let what = match s.outcome {
                Outcome::Create => t("import.create"),
                Outcome::Merge => t("import.merge"),
                Outcome::Unchanged => t("import.unchanged"),
            };
            out.push_str(&format!("  {}: {} ({what})\n", s.place, escape(&s.name)));
        }
        if plan.steps.len() > 20 {
            out.push_str(&tf("cli.import.more", &[("count", &(plan.steps.len() - 20))]));
            out.push('\n');
        }
        if plan.lists_changed > 0 {
            out.push_str(&tn("cli.import.lists", plan.lists_changed, &[]));
            out.push('\n');
        }
        if plan.plans_added > 0 {
            out.push_str(&tn("cli.import.plans", plan.plans_added, &[]));
            out.push('\n');
        }
    } else {
        let bar = (std::io::stderr().is_terminal() && plan.steps.len() > 1000).then(|| {
            let bar = indicatif::ProgressBar::new(plan.steps.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(&format!("{{bar:40}} {}", t("cli.import.progress")))
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let report = import::apply(&mut store, &mut plan, Some(&resume), |done, _| {
            if let Some(b) = &bar {
                b.set_position(done as u64);
            }
            true
        })?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        store.compact_if_wasteful()?;
        out.push_str(t("cli.import.imported"));
        out.push(' ');
        out.push_str(&summary(report.created, report.merged, report.unchanged));
        if plan.lists_changed > 0 && report.stopped_after.is_none() {
            out.push_str(&tn("cli.import.lists", plan.lists_changed, &[]));
            out.push('\n');
        }
        if plan.plans_added > 0 && report.stopped_after.is_none() {
            out.push_str(&tn("cli.import.plans", plan.plans_added, &[]));
            out.push('\n');
        }
    }
    out.push_str(&plan_notes(&plan));
    Ok(out)
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// json (everything, for guanxi), csv, vcard (for phones and address books) or ics (follow-ups and meetings, for calendars)
    #[arg(long, default_value = "json")]
    format: String,
    /// Write to FILE instead of the screen
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Where to write (as --output); with --format vdir, the folder
    #[arg(value_name = "PATH", conflicts_with = "output")]
    path: Option<PathBuf>,
    #[command(flatten)]
    filter: CustomerFilter,
}

impl ExportArgs {
    /// True when the export goes to stdout rather than a file.
    pub(super) fn to_stdout(&self) -> bool {
        self.output.is_none() && self.path.is_none()
    }
}

pub fn export(ctx: &Context, mut a: ExportArgs) -> Result<String> {
    let format = a.format.trim().to_lowercase();
    if !["json", "csv", "vcard", "vcf", "ics", "vdir"].contains(&format.as_str()) {
        return Err(InputError::UnknownFormat(a.format.clone()).into());
    }
    if let Some(path) = a.path.take() {
        a.output = Some(path);
    }
    if format == "vdir" && a.output.is_none() {
        return Err(InputError::Invalid(t("cli.export.vdir_needs_folder").to_string()).into());
    }
    let store = ctx.open()?;
    let matcher = a.filter.matcher(&store, store.author())?;
    if format == "vdir" {
        let dir = a.output.unwrap_or_default();
        let chosen: Vec<Customer> = matcher.customers(&store)?.into_iter().map(|r| r.customer).collect();
        return super::vdir::export_folder(&dir, &chosen);
    }
    if format == "json" {
        return export_json(&store, &matcher, a.output.as_deref());
    }
    let format = FileFormat::parse(&format).unwrap_or(FileFormat::Vcard);
    let mut chosen: Vec<Customer> = matcher.customers(&store)?.into_iter().map(|r| r.customer).collect();
    sort_by_name(&mut chosen, |c| c);
    match a.output {
        Some(path) => {
            let count = export::to_file(&store, &chosen, format, &path)
                .with_context(|| tf("cli.export.cannot_write", &[("path", &path.display())]))?;
            Ok(tn("cli.export.wrote", count, &[("path", &path.display())]) + "\n")
        }
        // On a terminal CSV, vCard and iCalendar are for reading: control
        // characters escaped, line breaks kept, and backslashes left as
        // they are (vCard and iCalendar escape with them). Into a pipe or a
        // file they are data, written exactly; so is JSON everywhere (it
        // escapes control characters itself).
        None => {
            let text = export::text(&store, &chosen, format)?;
            if std::io::stdout().is_terminal() {
                Ok(neutralize(&text).into_owned())
            } else {
                Ok(text)
            }
        }
    }
}

/// A guanxi JSON export, written as it is read (see `export::json_to`), in
/// name order.
fn export_json(store: &Store, matcher: &Matcher, output: Option<&Path>) -> Result<String> {
    let mut order: Vec<(String, CustomerId)> = Vec::new();
    matcher.for_each(store, |rec| order.push((name_key(&rec.customer.name), rec.customer.id)))?;
    order.sort_unstable();
    let ids: Vec<CustomerId> = order.into_iter().map(|(_, id)| id).collect();
    match output {
        Some(path) => {
            let count = export::atomically(path, |out| export::json_to(store, &ids, out))
                .with_context(|| tf("cli.export.cannot_write", &[("path", &path.display())]))?;
            Ok(tn("cli.export.wrote", count, &[("path", &path.display())]) + "\n")
        }
        None => match export::json_to(store, &ids, std::io::BufWriter::new(std::io::stdout().lock())) {
            // A closed pipe (`guanxi export | head`) is not an error.
            Err(export::ExportError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(String::new()),
            other => other.map(|_| String::new()).map_err(Into::into),
        },
    }
}

#[derive(Debug, Args)]
pub struct DupesArgs {
    /// Merge every certain group: the oldest record keeps everything (undo takes each merge back)
    #[arg(long)]
    merge: bool,
    /// With --merge: merge only group N as listed, certain or possible
    #[arg(long, value_name = "N", requires = "merge")]
    group: Option<usize>,
    /// With --merge: the record that keeps everything (id, id prefix or name); merges only its group
    #[arg(long, value_name = "CUSTOMER", requires = "merge")]
    keep: Option<String>,
    /// These records are not duplicates (two or more ids or names): they are never grouped together again
    #[arg(long = "not", value_name = "CUSTOMER", num_args = 2.., conflicts_with = "merge")]
    not: Vec<String>,
    /// Print the groups as JSON
    #[arg(long, conflicts_with_all = ["merge", "not"])]
    json: bool,
}

pub fn dupes(ctx: &Context, a: DupesArgs) -> Result<String> {
    let mut store = ctx.open()?;
    if !a.not.is_empty() {
        return not_duplicates(&mut store, &a.not);
    }
    let customers: Vec<Customer> = store.customers()?.into_iter().map(|r| r.customer).collect();
    let groups = duplicates::groups(&customers, store.rules().region, &store.apart()?);
    let by_id: std::collections::HashMap<_, _> = customers.iter().map(|c| (c.id, c)).collect();
    if a.json {
        super::json::print_array(
            groups
                .iter()
                .enumerate()
                .map(|(n, g)| Ok(super::json::DupesGroupJson::new(n + 1, g, &by_id))),
        )?;
        return Ok(String::new());
    }
    let keep = match &a.keep {
        Some(reference) => Some(store.resolve_customer(reference)?.customer),
        None => None,
    };
    if groups.is_empty() {
        if let Some(keep) = keep {
            return Err(InputError::Invalid(tf("cli.dupes.no_group_of", &[("name", &keep.display_name())])).into());
        }
        return Ok(format!("{}\n", t("dupes.none")));
    }
    if let Some(n) = a.group
        && (n == 0 || n > groups.len())
    {
        return Err(InputError::Invalid(tn("cli.dupes.no_group", groups.len(), &[("value", &n)])).into());
    }
    // The group to merge into the chosen record: its own, which must be
    // the one --group names when both are given.
    let kept_in = match &keep {
        Some(keep) => {
            let found = groups.iter().position(|g| g.ids.contains(&keep.id));
            match found {
                Some(n) if a.group.is_none_or(|g| g == n + 1) => Some((keep.id, n)),
                _ => {
                    let key = match a.group {
                        Some(_) if found.is_some() => "cli.dupes.not_in_group",
                        _ => "cli.dupes.no_group_of",
                    };
                    let n = a.group.unwrap_or_default();
                    return Err(InputError::Invalid(tf(key, &[("name", &keep.display_name()), ("value", &n)])).into());
                }
            }
        }
        None => None,
    };
    let mut out = list_groups(&groups, &by_id);
    let possible = groups.iter().filter(|g| !g.certain).count();
    if a.merge {
        let merged = match kept_in {
            Some((keep, n)) => usize::from(store.merge_customers(keep, &groups[n].ids)?),
            None => {
                let chosen: Vec<&duplicates::Group> = match a.group {
                    Some(n) => groups.get(n - 1).into_iter().collect(),
                    None => groups.iter().filter(|g| g.certain).collect(),
                };
                merge_all(&mut store, &chosen)?
            }
        };
        out.push_str(&tn("cli.dupes.merged", merged, &[]));
        if a.group.is_none() && kept_in.is_none() && possible > 0 {
            out.push('\n');
            out.push_str(&tn("cli.dupes.left", possible, &[]));
        }
    } else {
        let certain = groups.len() - possible;
        let mut said = Vec::new();
        if certain > 0 {
            said.push(tn("cli.dupes.found", certain, &[]));
        }
        if possible > 0 {
            said.push(tn("cli.dupes.left", possible, &[]));
        }
        said.push(t("cli.dupes.how_to_choose").to_string());
        out.push_str(&said.join("\n"));
    }
    out.push('\n');
    Ok(out)
}

/// The groups as the user reads them: each numbered, with why its records
/// matched, then one line per record with its id, name, company, emails
/// and phones.
fn list_groups(groups: &[duplicates::Group], by_id: &std::collections::HashMap<CustomerId, &Customer>) -> String {
    let mut out = String::new();
    for (n, group) in groups.iter().enumerate() {
        out.push_str(&format!("{}. {}", n + 1, reasons_text(group)));
        if !group.certain {
            out.push_str(" · ");
            out.push_str(t("dupes.possible"));
        }
        out.push('\n');
        for id in &group.ids {
            if let Some(c) = by_id.get(id) {
                // The name with its company: "Trần Minh (Sao Mai)".
                let who = c.display_name();
                let contact = [c.emails.join(", "), c.phones.join(", ")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("; ");
                let line = format!("   {}  {}  {}", c.id, escape(&who), escape(&contact));
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
    }
    out
}

/// Why a group's records matched, in words: "same email, same phone".
fn reasons_text(group: &duplicates::Group) -> String {
    let words: Vec<&str> = group
        .reasons
        .iter()
        .map(|r| t(&format!("dupes.reason.{}", r.key())))
        .collect();
    crate::i18n::list(&words)
}

/// `dupes --not`: the named records are different people.
fn not_duplicates(store: &mut Store, references: &[String]) -> Result<String> {
    let mut ids = Vec::new();
    for r in references {
        let id = store.resolve_customer(r)?.customer.id;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() < 2 {
        return Err(InputError::Invalid(t("cli.dupes.not_two").to_string()).into());
    }
    let key = if store.set_apart(&ids, true)? {
        "cli.dupes.kept_apart"
    } else {
        "cli.dupes.already_apart"
    };
    Ok(tf(key, &[("count", &ids.len())]) + "\n")
}

fn merge_all(store: &mut Store, groups: &[&duplicates::Group]) -> Result<usize> {
    let mut n = 0;
    for g in groups {
        if let Some((keep, rest)) = g.ids.split_first()
            && store.merge_customers(*keep, rest)?
        {
            n += 1;
        }
    }
    Ok(n)
}

/// The line that sums up an import (a file's or a vdir folder's).
pub(super) fn import_summary(created: usize, merged: usize, unchanged: usize, skipped: usize) -> String {
    tf(
        "import.summary",
        &[
            ("created", &created),
            ("merged", &merged),
            ("unchanged", &unchanged),
            ("skipped", &skipped),
        ],
    ) + "\n"
}

/// What an import's plan says about its records, a line each: possible
/// duplicates, records skipped and why, and notes (a file's or a vdir
/// folder's).
pub(super) fn plan_notes(plan: &import::Plan) -> String {
    let mut out = String::new();
    for (step, other) in plan.possible_duplicates() {
        out.push_str(&tf(
            "cli.import.possible",
            &[("place", &step.place), ("name", &step.name), ("other", &other.name)],
        ));
        out.push('\n');
    }
    for n in &plan.skipped {
        out.push_str(&tf(
            "cli.import.skipped",
            &[("place", &escape(&n.place)), ("why", &escape(&n.message))],
        ));
        out.push('\n');
    }
    for n in &plan.warnings {
        out.push_str(&tf(
            "cli.import.note",
            &[("place", &escape(&n.place)), ("note", &escape(&n.message))],
        ));
        out.push('\n');
    }
    out
}
