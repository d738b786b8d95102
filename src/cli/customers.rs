//! `add`, `list`, `show`, `edit`, `delete`.

use anyhow::Result;
use clap::Args;

use super::context::Context;
use super::fields::{FIELD_NAMES, parse_assignments, parse_cadence};
use super::json::{CustomerDetailJson, CustomerJson};
use super::output::{Table, day, fit, relative, when};
use crate::domain::text::{clean, fold, matches_words};
use crate::domain::{Customer, CustomerField, Factor, Level, SpinPart, Stage, Summary, validate};
use crate::store::{CustomerRecord, Edit, Store};

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Full name, as the customer writes it
    #[arg(long)]
    name: String,
    #[arg(long)]
    company: Option<String>,
    /// Job title
    #[arg(long)]
    title: Option<String>,
    /// Email address (repeat for several)
    #[arg(long = "email", value_name = "EMAIL")]
    emails: Vec<String>,
    /// Phone number (repeat for several)
    #[arg(long = "phone", value_name = "PHONE")]
    phones: Vec<String>,
    /// Tag (repeat for several)
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Relationship stage (English, Vietnamese or Chinese name) [default: attract]
    #[arg(long)]
    stage: Option<String>,
    /// Relationship level: basic, reactive, accountable, proactive, partnership [default: basic]
    #[arg(long)]
    level: Option<String>,
    /// Segment or target list
    #[arg(long)]
    segment: Option<String>,
    /// Where the customer came from (referral, trade-show...)
    #[arg(long)]
    source: Option<String>,
    /// Team member responsible [default: you]
    #[arg(long)]
    owner: Option<String>,
    /// Loyalty tier
    #[arg(long)]
    tier: Option<String>,
    #[arg(long)]
    address: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// Days between contacts, overriding the stage's default
    #[arg(long, value_name = "DAYS")]
    cadence: Option<String>,
}

pub fn add(ctx: &Context, a: AddArgs) -> Result<String> {
    // Everything is checked before the workspace is touched.
    let name = validate::name(&a.name)?;
    let emails = a
        .emails
        .iter()
        .map(|e| validate::email(e))
        .collect::<Result<Vec<_>, _>>()?;
    let phones = a
        .phones
        .iter()
        .map(|p| validate::phone(p))
        .collect::<Result<Vec<_>, _>>()?;
    let tags = a.tags.iter().map(|t| validate::tag(t)).collect::<Result<Vec<_>, _>>()?;
    let stage = a
        .stage
        .as_deref()
        .map(Stage::parse)
        .transpose()?
        .unwrap_or(Stage::Attract);
    let level = a
        .level
        .as_deref()
        .map(Level::parse)
        .transpose()?
        .unwrap_or(Level::Basic);
    let cadence = a.cadence.as_deref().map(parse_cadence).transpose()?.flatten();
    let mut store = ctx.open()?;
    let mut c = Customer::empty(store.new_customer_id());
    let text = |s: &Option<String>| s.as_deref().map(clean).unwrap_or_default();
    c.name = name;
    c.company = text(&a.company);
    c.title = text(&a.title);
    c.emails = emails;
    c.phones = phones;
    c.tags = tags.into_iter().collect();
    c.stage = stage;
    c.level = level;
    c.segment = text(&a.segment);
    c.source = text(&a.source);
    c.owner = a
        .owner
        .as_deref()
        .map(clean)
        .filter(|o| !o.is_empty())
        .unwrap_or_else(|| store.author().to_string());
    c.loyalty_tier = text(&a.tier);
    c.address = text(&a.address);
    c.notes = text(&a.notes);
    c.cadence_days = cadence;
    c.created_at = store.clock().now_ms();
    c.created_by = store.author().to_string();
    let id = c.id;
    store.commit(vec![Edit::CreateCustomer {
        id,
        fields: c.to_fields(),
    }])?;
    Ok(format!("{id}\n"))
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only customers in this stage
    #[arg(long)]
    stage: Option<String>,
    /// Only customers with this tag
    #[arg(long)]
    tag: Option<String>,
    /// Only customers owned by this team member (`me` for you)
    #[arg(long)]
    owner: Option<String>,
    /// Words to find in name, company, email, phone or tags (accents and case ignored)
    #[arg(long, short)]
    query: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
}

pub fn list(ctx: &Context, a: ListArgs) -> Result<String> {
    let stage = a.stage.as_deref().map(Stage::parse).transpose()?;
    let tag = a.tag.as_deref().map(validate::tag).transpose()?;
    let query = a.query.as_deref().map(fold).filter(|q| !q.is_empty());
    let store = ctx.open()?;
    let owner = a
        .owner
        .as_deref()
        .map(|o| if o == "me" { fold(store.author()) } else { fold(o) });
    let mut found = Vec::new();
    store.for_each_customer(|rec| {
        let c = &rec.customer;
        let keep = stage.is_none_or(|s| c.stage == s)
            && tag.as_ref().is_none_or(|t| c.tags.contains(t))
            && owner.as_ref().is_none_or(|o| fold(&c.owner) == *o)
            && query.as_ref().is_none_or(|q| matches_words(&search_text(c), q));
        if keep {
            found.push(rec);
        }
        true
    })?;
    found.sort_by_cached_key(|r| (fold(&r.customer.name), r.customer.id));
    let now = store.clock().now_ms();
    let rules = *store.rules();
    if a.json {
        let items: Vec<CustomerJson> = found
            .iter()
            .map(|r| CustomerJson::new(r, &Summary::of(&r.customer, &rules, now)))
            .collect();
        return Ok(serde_json::to_string_pretty(&items)? + "\n");
    }
    if found.is_empty() {
        return Ok("no customers\n".to_string());
    }
    let today = store.clock().today();
    let mut table = Table::new(&[
        ("ID", 8),
        ("NAME", 28),
        ("COMPANY", 28),
        ("STAGE", 11),
        ("HEALTH", 6),
        ("NEXT CONTACT", 28),
    ]);
    for r in &found {
        let c = &r.customer;
        let s = Summary::of(c, &rules, now);
        table.row(vec![
            c.id.to_string()[..8].to_string(),
            c.name.clone(),
            c.company.clone(),
            c.stage.key().to_string(),
            s.health.map(|h| format!("{h}%")).unwrap_or_else(|| "-".into()),
            format!("{} ({})", day(s.next_contact_due), relative(s.next_contact_due, today)),
        ]);
    }
    Ok(table.render() + &format!("{} customer(s)\n", found.len()))
}

/// Everything `list --query` looks in, folded.
fn search_text(c: &Customer) -> String {
    let mut parts = vec![c.name.as_str(), c.company.as_str()];
    parts.extend(c.emails.iter().map(String::as_str));
    parts.extend(c.phones.iter().map(String::as_str));
    parts.extend(c.tags.iter().map(String::as_str));
    fold(&parts.join(" "))
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

pub fn show(ctx: &Context, a: ShowArgs) -> Result<String> {
    let store = ctx.open()?;
    let rec = store.resolve_customer(&a.customer)?;
    let id = rec.customer.id;
    let interactions = store.interactions_of(id)?;
    let follow_ups = store.follow_ups_of(id)?;
    let history = store.stage_history(id)?;
    let summary = Summary::of(&rec.customer, store.rules(), store.clock().now_ms());
    if a.json {
        let detail = CustomerDetailJson::new(&rec, &summary, &interactions, &follow_ups, &history);
        return Ok(serde_json::to_string_pretty(&detail)? + "\n");
    }
    Ok(render_detail(
        &store,
        &rec,
        &summary,
        &interactions,
        &follow_ups,
        &history,
    ))
}

fn render_detail(
    store: &Store,
    rec: &CustomerRecord,
    s: &Summary,
    interactions: &[crate::domain::Interaction],
    follow_ups: &[crate::domain::FollowUp],
    history: &[crate::domain::StageChange],
) -> String {
    let c = &rec.customer;
    let today = store.clock().today();
    let mut out = String::new();
    let mut field = |label: &str, value: String| {
        if !value.is_empty() {
            out.push_str(&format!("{label:<16}{value}\n"));
        }
    };
    field("name", c.name.clone());
    field("id", c.id.to_string());
    field("company", c.company.clone());
    field("title", c.title.clone());
    field("emails", c.emails.join(", "));
    field("phones", c.phones.join(", "));
    field("address", c.address.clone());
    field("tags", c.tags.iter().cloned().collect::<Vec<_>>().join(", "));
    field("segment", c.segment.clone());
    field("source", c.source.clone());
    field("owner", c.owner.clone());
    field("loyalty tier", c.loyalty_tier.clone());
    field(
        "stage",
        format!("{} ({} / {})", c.stage.key(), c.stage.vietnamese(), c.stage.chinese()),
    );
    field("level", c.level.key().to_string());
    field(
        "health",
        s.health
            .map(|h| format!("{h}%"))
            .unwrap_or_else(|| "not assessed".into()),
    );
    field(
        "factors",
        Factor::ALL
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f.key(),
                    c.factors.get(*f).map(|v| v.to_string()).unwrap_or_else(|| "-".into())
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    );
    field(
        "revenue",
        format!("{} from {} purchase(s)", s.revenue, c.activity.purchases),
    );
    field("lifetime value", format!("{} (estimate)", s.clv));
    field(
        "last contact",
        c.activity.last_contact.map(when).unwrap_or_else(|| "never".into()),
    );
    field(
        "next contact",
        format!(
            "{} ({}, every {} days)",
            day(s.next_contact_due),
            relative(s.next_contact_due, today),
            s.cadence_days
        ),
    );
    field("notes", c.notes.clone());
    for part in SpinPart::ALL {
        field(part.key(), c.spin.get(part).to_string());
    }
    field("created", format!("{} by {}", when(c.created_at), c.created_by));
    let open: Vec<_> = follow_ups.iter().filter(|f| f.is_open()).collect();
    if !open.is_empty() {
        out.push_str("\nfollow-ups\n");
        for f in open {
            out.push_str(&format!(
                "  {}  {}  {}  ({})\n",
                &f.id.to_string()[..8],
                day(f.due_date()),
                f.what,
                relative(f.due_date(), today)
            ));
        }
    }
    if !interactions.is_empty() {
        out.push_str(&format!("\ninteractions ({})\n", interactions.len()));
        for i in interactions.iter().rev() {
            let amount = i.amount.map(|a| format!("  [{a}]")).unwrap_or_default();
            out.push_str(&format!(
                "  {}  {:<8}  {}{}  — {}\n",
                when(i.at),
                i.channel.key(),
                fit(&i.summary, 60),
                amount,
                i.author
            ));
        }
    }
    if !history.is_empty() {
        out.push_str("\nstage history\n");
        for h in history {
            out.push_str(&format!(
                "  {}  {} → {}  by {}\n",
                when(h.at),
                h.from.key(),
                h.to.key(),
                h.by
            ));
        }
    }
    out
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
    /// FIELD=VALUE to change (repeat for several). Lists (emails, phones,
    /// tags) are comma-separated and replace the old list; factors take 0-5
    /// or nothing to clear.
    #[arg(long = "set", value_name = "FIELD=VALUE", required = true, long_help = format!(
        "FIELD=VALUE to change (repeat for several). Fields: {FIELD_NAMES}. Lists (emails, phones, tags) are \
         comma-separated and replace the old list; factors take 0-5, or nothing to clear; cadence takes days or `default`."
    ))]
    set: Vec<String>,
}

pub fn edit(ctx: &Context, a: EditArgs) -> Result<String> {
    let mut store = ctx.open()?;
    let rec = store.resolve_customer(&a.customer)?;
    let c = &rec.customer;
    let changes = parse_assignments(&a.set, c)?;
    let mut edits = Vec::new();
    let fields: Vec<CustomerField> = changes.fields.into_iter().filter(|f| f.key().read(c) != *f).collect();
    if !fields.is_empty() {
        edits.push(Edit::UpdateCustomer { id: c.id, fields });
    }
    if let Some(to) = changes.stage.filter(|s| *s != c.stage) {
        edits.push(Edit::MoveStage {
            id: c.id,
            from: c.stage,
            to,
        });
    }
    if edits.is_empty() {
        return Ok(format!("{}: nothing changed\n", c.name));
    }
    let name = c.name.clone();
    store.commit(edits)?;
    Ok(format!("updated {name}\n"))
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
}

pub fn delete(ctx: &Context, a: DeleteArgs) -> Result<String> {
    let mut store = ctx.open()?;
    let rec = store.resolve_customer(&a.customer)?;
    store.commit(vec![Edit::UpdateCustomer {
        id: rec.customer.id,
        fields: vec![CustomerField::Deleted(true)],
    }])?;
    Ok(format!(
        "deleted {} (`guanxi undo` brings it back)\n",
        rec.customer.display_name()
    ))
}
