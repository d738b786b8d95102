//! `org add`, `org list`, `org show`, `org edit`: the organizations people
//! belong to and the partners that referred customers (seed 004).

use anyhow::Result;
use clap::{Args, Subcommand};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::context::Context;
use super::output::{Table, escape, escape_lines, money};
use crate::domain::organization::{check_line, check_name, tags_of};
use crate::domain::{InputError, OrgField, OrgKind, Organization, OrganizationId};
use crate::i18n::{t, tf};
use crate::store::{CustomerRecord, OrgFigures};

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an organization; prints its id
    Add(AddArgs),
    /// List organizations with their people, revenue and lifetime value
    List(ListArgs),
    /// Show an organization: its people, revenue, and the customers it referred
    Show(ShowArgs),
    /// Change an organization's fields
    Edit(EditArgs),
}

#[derive(Debug, Args)]
pub struct OrgArgs {
    #[command(subcommand)]
    pub command: OrgCommand,
}

impl OrgArgs {
    /// Whether the output is data to be used as it is (JSON).
    pub fn writes_data(&self) -> bool {
        match &self.command {
            OrgCommand::List(l) => l.json,
            OrgCommand::Show(s) => s.json,
            _ => false,
        }
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The organization's name
    name: String,
    /// customer, partner, supplier, distributor or referrer [default: customer]
    #[arg(long)]
    kind: Option<String>,
    #[arg(long)]
    industry: Option<String>,
    #[arg(long)]
    website: Option<String>,
    #[arg(long)]
    address: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// A tag (repeat for several)
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// The team member responsible for it [default: you]
    #[arg(long)]
    owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only organizations of this kind
    #[arg(long)]
    kind: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Id, id prefix, or (part of) the name
    org: String,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Id, id prefix, or (part of) the name
    org: String,
    /// FIELD=VALUE to change (repeat for several): name, kind, industry,
    /// website, address, notes, tags (comma-separated), owner
    #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
    set: Vec<String>,
}

pub fn run(ctx: &Context, a: OrgArgs) -> Result<String> {
    match a.command {
        OrgCommand::Add(a) => add(ctx, a),
        OrgCommand::List(a) => list(ctx, a),
        OrgCommand::Show(a) => show(ctx, a),
        OrgCommand::Edit(a) => edit(ctx, a),
    }
}

fn add(ctx: &Context, a: AddArgs) -> Result<String> {
    // Everything is checked before the workspace is touched.
    let mut o = Organization::empty(OrganizationId(0));
    o.name = check_name(&a.name)?;
    if let Some(k) = &a.kind {
        o.kind = OrgKind::parse(k)?;
    }
    let line = |label, v: &Option<String>| check_line(label, v.as_deref().unwrap_or_default());
    o.industry = line("field.org.industry", &a.industry)?;
    o.website = line("field.org.website", &a.website)?;
    o.address = line("field.org.address", &a.address)?;
    o.owner = line("field.org.owner", &a.owner)?;
    o.notes = a.notes.as_deref().unwrap_or_default().trim().to_string();
    crate::domain::validate::within("field.org.notes", &o.notes, crate::domain::validate::TEXT_LIMIT)?;
    o.tags = tags_of(a.tags.iter().map(String::as_str))?;
    let mut store = ctx.open_or_create()?;
    if o.owner.is_empty() {
        o.owner = store.author().to_string();
    }
    let id = store.add_organization(o)?;
    Ok(format!("{id}\n"))
}

/// An `org edit --set FIELD=VALUE`, checked.
fn field_of(assignment: &str) -> Result<OrgField, InputError> {
    let (field, value) = assignment
        .split_once('=')
        .ok_or_else(|| InputError::BadAssignment(assignment.to_string()))?;
    let name = field.trim().to_lowercase();
    Ok(match name.as_str() {
        "name" => OrgField::Name(check_name(value)?),
        "kind" => OrgField::Kind(OrgKind::parse(value)?),
        "industry" => OrgField::Industry(check_line("field.org.industry", value)?),
        "website" => OrgField::Website(check_line("field.org.website", value)?),
        "address" => OrgField::Address(check_line("field.org.address", value)?),
        "owner" => OrgField::Owner(check_line("field.org.owner", value)?),
        "notes" | "note" => {
            crate::domain::validate::within("field.org.notes", value.trim(), crate::domain::validate::TEXT_LIMIT)?;
            OrgField::Notes(value.trim().to_string())
        }
        "tags" | "tag" => OrgField::Tags(tags_of([value])?),
        _ => {
            return Err(InputError::Invalid(tf(
                "error.unknown_org_field",
                &[("value", &field.trim())],
            )));
        }
    })
}

fn edit(ctx: &Context, a: EditArgs) -> Result<String> {
    let fields = a.set.iter().map(|s| field_of(s)).collect::<Result<Vec<_>, _>>()?;
    let mut store = ctx.open()?;
    let org = store.resolve_organization(&a.org)?;
    if let Some(OrgField::Name(new)) = fields.iter().find(|f| matches!(f, OrgField::Name(_))) {
        let folded = crate::domain::text::fold(new);
        if let Some(other) = store
            .organizations()?
            .into_iter()
            .find(|o| o.id != org.id && crate::domain::text::fold(&o.name) == folded)
        {
            return Err(InputError::Invalid(tf(
                "error.org_exists",
                &[("name", &escape(&other.name)), ("id", &other.id)],
            ))
            .into());
        }
    }
    if store.update_organization(org.id, fields)? {
        let name = store.live_organization(org.id)?.map(|o| o.name).unwrap_or(org.name);
        Ok(tf("cli.updated", &[("name", &escape(&name))]) + "\n")
    } else {
        Ok(tf("cli.unchanged", &[("name", &escape(&org.name))]) + "\n")
    }
}

/// The localized name of a kind.
pub fn kind_name(kind: OrgKind) -> &'static str {
    t(&format!("org_kind.{}", kind.key()))
}

/// One organization, as `org list --json` prints it.
#[derive(Serialize)]
struct OrgRowJson {
    id: String,
    name: String,
    kind: &'static str,
    industry: String,
    website: String,
    tags: Vec<String>,
    owner: String,
    people: usize,
    revenue: f64,
    clv: f64,
    referred: usize,
    referred_revenue: f64,
}

fn list(ctx: &Context, a: ListArgs) -> Result<String> {
    let kind = a.kind.as_deref().map(OrgKind::parse).transpose()?;
    let store = ctx.open()?;
    let orgs: Vec<Organization> = store
        .organizations()?
        .into_iter()
        .filter(|o| kind.is_none_or(|k| o.kind == k))
        .collect();
    let all = store.all_org_figures()?;
    let figures = |o: &Organization| -> Result<OrgFigures> { Ok(all.get(&o.id).copied().unwrap_or_default()) };
    if a.json {
        super::json::print_array(orgs.iter().map(|o| {
            let f = figures(o)?;
            Ok(OrgRowJson {
                id: o.id.to_string(),
                name: o.name.clone(),
                kind: o.kind.key(),
                industry: o.industry.clone(),
                website: o.website.clone(),
                tags: o.tags.clone(),
                owner: o.owner.clone(),
                people: f.people,
                revenue: f.revenue.as_f64(),
                clv: f.clv.as_f64(),
                referred: f.referred,
                referred_revenue: f.referred_revenue.as_f64(),
            })
        }))?;
        return Ok(String::new());
    }
    if orgs.is_empty() {
        return Ok(format!("{}\n", t("cli.org.none")));
    }
    let mut table = Table::new(&[
        (t("cli.org.name"), 32),
        (t("cli.org.kind"), 14),
        (t("cli.org.people"), 8),
        (t("cli.org.revenue"), 18),
        (t("cli.org.clv"), 18),
        (t("cli.org.referred"), 10),
        ("ID", 8),
    ]);
    for o in &orgs {
        let f = figures(o)?;
        table.row(vec![
            o.name.clone(),
            kind_name(o.kind).to_string(),
            f.people.to_string(),
            money(f.revenue),
            money(f.clv),
            f.referred.to_string(),
            o.id.to_string()[..8].to_string(),
        ]);
    }
    Ok(table.render())
}

#[derive(Serialize)]
struct PersonJson {
    id: String,
    name: String,
    stage: &'static str,
}

#[derive(Serialize)]
struct ReferredJson {
    id: String,
    name: String,
}

/// One organization, as `org show --json` prints it.
#[derive(Serialize)]
struct OrgJson {
    id: String,
    name: String,
    kind: &'static str,
    industry: String,
    website: String,
    address: String,
    notes: String,
    tags: Vec<String>,
    owner: String,
    people: Vec<PersonJson>,
    revenue: f64,
    clv: f64,
    referred: Vec<ReferredJson>,
    referred_revenue: f64,
    referred_clv: f64,
}

fn show(ctx: &Context, a: ShowArgs) -> Result<String> {
    let store = ctx.open()?;
    let o = store.resolve_organization(&a.org)?;
    let people = store.people_of(o.id)?;
    let referred = store.referred_by(o.id)?;
    let f = store.org_figures(o.id)?;
    if a.json {
        let json = OrgJson {
            id: o.id.to_string(),
            name: o.name.clone(),
            kind: o.kind.key(),
            industry: o.industry.clone(),
            website: o.website.clone(),
            address: o.address.clone(),
            notes: o.notes.clone(),
            tags: o.tags.clone(),
            owner: o.owner.clone(),
            people: people
                .iter()
                .map(|r| PersonJson {
                    id: r.customer.id.to_string(),
                    name: r.customer.name.clone(),
                    stage: r.customer.stage.key(),
                })
                .collect(),
            revenue: f.revenue.as_f64(),
            clv: f.clv.as_f64(),
            referred: referred
                .iter()
                .map(|r| ReferredJson {
                    id: r.customer.id.to_string(),
                    name: r.customer.name.clone(),
                })
                .collect(),
            referred_revenue: f.referred_revenue.as_f64(),
            referred_clv: f.referred_clv.as_f64(),
        };
        return Ok(serde_json::to_string_pretty(&json)? + "\n");
    }
    let mut out = render(&o, &people, &referred, &f);
    // The account plan, in one line: `plan show` gives the whole of it.
    let plan = store.plan(&crate::domain::PlanTarget::Organization(o.id))?;
    out.push_str(&match plan {
        Some(p) => {
            let (done, total) = p.progress();
            tf(
                "cli.org.plan",
                &[
                    (
                        "progress",
                        &crate::i18n::tn("plan.progress", total, &[("done", &done), ("total", &total)]),
                    ),
                    ("name", &escape(&o.name)),
                ],
            )
        }
        None => tf("orgs.plan_none", &[("name", &escape(&o.name))]),
    });
    out.push('\n');
    Ok(out)
}

/// The column where `org show` starts its values.
const LABEL_WIDTH: usize = 18;

fn pad_to(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width()).max(1)))
}

fn render(o: &Organization, people: &[CustomerRecord], referred: &[CustomerRecord], f: &OrgFigures) -> String {
    let mut out = String::new();
    let mut field = |label: &str, value: &str| {
        if value.is_empty() {
            return;
        }
        for (n, line) in escape_lines(value).enumerate() {
            let label = if n == 0 { label } else { "" };
            out.push_str(&format!("{}{line}\n", pad_to(label, LABEL_WIDTH)));
        }
    };
    field(t("field.org.name"), &o.name);
    field("id", &o.id.to_string());
    field(t("field.org.kind"), kind_name(o.kind));
    field(t("field.org.industry"), &o.industry);
    field(t("field.org.website"), &o.website);
    field(t("field.org.address"), &o.address);
    field(t("field.org.tags"), &o.tags.join(", "));
    field(t("field.org.owner"), &o.owner);
    field(
        t("cli.org.value"),
        &tf(
            "cli.org.value_line",
            &[("revenue", &money(f.revenue)), ("clv", &money(f.clv))],
        ),
    );
    field(t("field.org.notes"), &o.notes);
    out.push('\n');
    out.push_str(&format!(
        "{}\n",
        crate::i18n::tn("cli.org.people_heading", people.len(), &[])
    ));
    for r in people {
        out.push_str(&format!(
            "  {}  {}  {}\n",
            &r.customer.id.to_string()[..8],
            escape(&r.customer.name),
            t(&format!("stage.{}", r.customer.stage.key()))
        ));
    }
    if !referred.is_empty() {
        out.push('\n');
        out.push_str(&format!(
            "{}\n",
            tf(
                "cli.org.referred_heading",
                &[
                    ("count", &referred.len()),
                    ("revenue", &money(f.referred_revenue)),
                    ("clv", &money(f.referred_clv)),
                ],
            )
        ));
        for r in referred {
            out.push_str(&format!(
                "  {}  {}\n",
                &r.customer.id.to_string()[..8],
                escape(&r.customer.name)
            ));
        }
    }
    out.push('\n');
    out
}
