//! `add`, `list`, `show`, `edit`, `delete`.

use anyhow::Result;
use clap::Args;

use super::context::Context;
use super::filter::{CustomerFilter, Matcher, sort_by_name};
use super::json::{CustomerDetailJson, CustomerJson};
use super::output::{Table, day, escape, escape_lines, money, overdue_mark, relative, when};
use crate::domain::draft::{CustomerDraft, CustomerInput};
use crate::domain::{Customer, CustomerId, Factor, FollowUp, InputError, SpinPart, Summary, kept};
use crate::i18n::collate::name_key;
use crate::i18n::{t, tf};
use crate::store::{CustomerRecord, Store};

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
    let mut draft = CustomerDraft::new();
    draft.set(CustomerInput::Name, &a.name);
    let mut put = |input, value: &Option<String>| {
        if let Some(v) = value {
            draft.set(input, v);
        }
    };
    put(CustomerInput::Company, &a.company);
    put(CustomerInput::Title, &a.title);
    put(CustomerInput::Stage, &a.stage);
    put(CustomerInput::Level, &a.level);
    put(CustomerInput::Segment, &a.segment);
    put(CustomerInput::Source, &a.source);
    put(CustomerInput::Owner, &a.owner);
    put(CustomerInput::Tier, &a.tier);
    put(CustomerInput::Address, &a.address);
    put(CustomerInput::Notes, &a.notes);
    put(CustomerInput::Cadence, &a.cadence);
    draft.set(CustomerInput::Emails, &a.emails.join(","));
    draft.set(CustomerInput::Phones, &a.phones.join(","));
    draft.set(CustomerInput::Tags, &a.tags.join(","));
    // Everything is checked before the workspace is touched; the id comes
    // after, from the store.
    let mut customer = draft.apply_to(&Customer::empty(CustomerId(0))).map_err(first_error)?;
    let mut store = ctx.open_or_create()?;
    customer.id = store.new_customer_id();
    let id = store.add_customer(customer)?;
    Ok(format!("{id}\n"))
}

/// The command line reports the first thing wrong, as one line.
pub fn first_error<F>(errors: Vec<(F, InputError)>) -> InputError {
    errors.into_iter().next().map(|e| e.1).unwrap_or(InputError::EmptyName)
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    filter: CustomerFilter,
    /// Save these filters as a list under NAME (replacing a list of that name)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["saved", "json"])]
    save: Option<String>,
    /// With --save: make the list the priority segment
    #[arg(long, requires = "save")]
    priority: bool,
    /// The customers of the saved list NAME, as they are now (other filters narrow it)
    #[arg(long, value_name = "NAME")]
    saved: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub(super) json: bool,
}

pub fn list(ctx: &Context, a: ListArgs) -> Result<String> {
    if let Some(name) = &a.save {
        return super::lists::save(ctx, name, &a.filter, a.priority);
    }
    let store = ctx.open()?;
    let mut filter = a.filter.to_filter(&store)?;
    if let Some(name) = &a.saved {
        // The saved criteria, then the flags: a flag replaces the saved
        // criterion of its kind.
        let saved = store.saved_list(name)?.filter;
        let mut criteria = saved.criteria();
        criteria.extend(filter.criteria());
        filter = crate::domain::list_filter::ListFilter::of_criteria(&criteria);
    }
    let matcher = Matcher::new(filter, &store, store.author())?;
    if a.json {
        list_json(&store, &matcher)?;
        return Ok(String::new());
    }
    let mut found = matcher.customers(&store)?;
    sort_by_name(&mut found, |r| &r.customer);
    let now = store.clock().now_ms();
    let rules = store.rules().clone();
    let follow_ups = store.earliest_follow_ups()?;
    if found.is_empty() {
        return Ok(format!("{}\n", t("cli.no_customers")));
    }
    let today = store.clock().today();
    let priority = store.priority()?;
    let rows: Vec<_> = found
        .iter()
        .map(|r| {
            let c = &r.customer;
            let s = Summary::of(c, &rules, now, follow_ups.get(&c.id).copied());
            let tier = rules.tier_of(c, s.clv);
            (c, s, tier)
        })
        .collect();
    // The tier column only when someone listed has a tier: a workspace
    // without tiers keeps its table as it was.
    let tiers = rows.iter().any(|(_, _, tier)| tier.is_some());
    let mut columns = vec![
        ("ID", 8),
        (t("column.name"), 28),
        (t("column.company"), 28),
        (t("column.stage"), 11),
        (t("column.health"), 6),
    ];
    if tiers {
        columns.push((t("column.tier"), 16));
    }
    columns.push((t("detail.next_contact"), 32));
    let mut table = Table::new(&columns);
    for (c, s, tier) in &rows {
        let mut cells = vec![
            c.id.to_string()[..8].to_string(),
            super::lists::marked(&c.name, priority.holds(c)),
            c.company.clone(),
            t(&format!("stage.{}", c.stage.key())).to_string(),
            s.health.map(|h| format!("{h}%")).unwrap_or_else(|| "-".into()),
        ];
        if tiers {
            cells.push(tier.as_ref().map_or_else(|| "-".into(), |tier| tier.name.clone()));
        }
        cells.push(format!(
            "{}{} ({})",
            overdue_mark(s.next_contact_due, today),
            day(s.next_contact_due),
            relative(s.next_contact_due, today)
        ));
        table.row(cells);
    }
    Ok(table.render() + &crate::i18n::tn("cli.customer_count", found.len(), &[]) + "\n")
}

/// `list --json`, written to stdout as it is read: only the name order is
/// kept in memory (a sort key per customer), and each record is read
/// again when its turn comes, so memory stays flat whatever the size.
fn list_json(store: &Store, matcher: &Matcher) -> Result<()> {
    let mut order: Vec<(String, CustomerId)> = Vec::new();
    matcher.for_each(store, |rec| order.push((name_key(&rec.customer.name), rec.customer.id)))?;
    order.sort_unstable();
    let now = store.clock().now_ms();
    let rules = store.rules().clone();
    let follow_ups = store.earliest_follow_ups()?;
    let priority = store.priority()?;
    let records = order
        .into_iter()
        .filter_map(|(_, id)| store.live_customer(id).transpose());
    super::json::print_array(records.map(|rec| {
        let rec = rec?;
        let earliest = follow_ups.get(&rec.customer.id).copied();
        let summary = Summary::of(&rec.customer, &rules, now, earliest);
        let tier = rules.tier_of(&rec.customer, summary.clv);
        Ok(CustomerJson::new(&rec, &summary, tier.as_ref()).in_priority(priority.holds(&rec.customer)))
    }))
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub(super) json: bool,
}

pub fn show(ctx: &Context, a: ShowArgs) -> Result<String> {
    let store = ctx.open()?;
    let rec = store.resolve_customer(&a.customer)?;
    let id = rec.customer.id;
    let (interactions, follow_ups, history) = store.timeline(id)?.into_items();
    let earliest = crate::store::earliest(FollowUp::earliest_open(&follow_ups), store.earliest_tactic(id)?);
    let summary = Summary::of(&rec.customer, store.rules(), store.clock().now_ms(), earliest);
    let tier = store.rules().tier_of(&rec.customer, summary.clv);
    let deals = store.deals_of(id)?;
    if a.json {
        let detail = CustomerDetailJson::new(&rec, &summary, tier.as_ref(), &interactions, &follow_ups, &history)
            .in_priority(store.priority()?.holds(&rec.customer))
            .with_deals(&deals);
        return Ok(serde_json::to_string_pretty(&detail)? + "\n");
    }
    Ok(render_detail(
        &store,
        &rec,
        &summary,
        &interactions,
        &follow_ups,
        &history,
        &deals,
    ))
}

/// The customer's deals under a heading with the open ones' amount and
/// weighted amount, as the UI's detail shows them: id, close day (`!`
/// when open past it), title, amount, probability and status, and why a
/// lost one was lost. Nothing when there are none.
fn render_deals(deals: &[crate::domain::Deal], today: chrono::NaiveDate) -> String {
    if deals.is_empty() {
        return String::new();
    }
    let open: Vec<_> = deals.iter().filter(|d| d.is_open()).collect();
    let mut out = format!("\n{}", t("detail.deals"));
    if !open.is_empty() {
        let amount: crate::domain::Money = open.iter().map(|d| d.amount).sum();
        let weighted: crate::domain::Money = open.iter().map(|d| d.weighted()).sum();
        out.push_str(&format!(
            " · {}",
            tf(
                "detail.deal_weighted",
                &[("amount", &money(amount)), ("weighted", &money(weighted))]
            )
        ));
    }
    out.push('\n');
    for d in deals {
        let close = match d.close_date() {
            Some(c) if d.is_overdue(today) => format!("! {}", day(c)),
            Some(c) => day(c),
            None => "—".to_string(),
        };
        let mut line = format!(
            "  {}  {}  {}  {} · {}% · {}",
            &d.id.to_string()[..8],
            pad_to(&close, 12),
            escape(&d.title),
            money(d.amount),
            d.probability,
            t(&format!("deal_status.{}", d.status.key()))
        );
        if !d.reason.is_empty() {
            line.push_str(&format!(" · {}", escape(&d.reason)));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn render_detail(
    store: &Store,
    rec: &CustomerRecord,
    s: &Summary,
    interactions: &[crate::domain::Interaction],
    follow_ups: &[crate::domain::FollowUp],
    history: &[crate::domain::StageChange],
    deals: &[crate::domain::Deal],
) -> String {
    let c = &rec.customer;
    let today = store.clock().today();
    let tier = store.rules().tier_of(c, s.clv);
    let mut out = String::new();
    // Values are data, escaped for the terminal (a line break in a name
    // shows as `\n`); a text of several lines (notes, SPIN) goes on under
    // its first line, each line escaped.
    const ONE_LINE: bool = false;
    const LINES: bool = true;
    let mut field = |label: &str, value: &str, lines: bool| {
        if value.is_empty() {
            return;
        }
        if !lines {
            out.push_str(&format!("{}{}\n", pad_to(label, LABEL_WIDTH), escape(value)));
            return;
        }
        for (n, line) in escape_lines(value).enumerate() {
            let label = if n == 0 { label } else { "" };
            out.push_str(&format!("{}{line}\n", pad_to(label, LABEL_WIDTH)));
        }
    };
    let label = |k: &str| t(k);
    let priority = store.priority().is_ok_and(|p| p.holds(c));
    field(
        label("field.customer.name"),
        &super::lists::marked(&c.name, priority),
        ONE_LINE,
    );
    field(
        label("detail.other_names"),
        &kept::other_names(&c.extra).join(", "),
        ONE_LINE,
    );
    field("id", &c.id.to_string(), ONE_LINE);
    field(label("field.customer.company"), &c.company, ONE_LINE);
    field(
        label("detail.other_companies"),
        &kept::other_companies(&c.extra).join(", "),
        ONE_LINE,
    );
    field(label("field.customer.title"), &c.title, ONE_LINE);
    field(label("field.customer.emails"), &c.emails.join(", "), ONE_LINE);
    field(label("field.customer.phones"), &c.phones.join(", "), ONE_LINE);
    field(label("field.customer.address"), &c.address, ONE_LINE);
    field(
        label("field.customer.tags"),
        &c.tags.iter().cloned().collect::<Vec<_>>().join(", "),
        ONE_LINE,
    );
    field(label("field.customer.segment"), &c.segment, ONE_LINE);
    field(label("field.customer.source"), &c.source, ONE_LINE);
    field(label("field.customer.owner"), &c.owner, ONE_LINE);
    field(
        label("field.customer.tier"),
        &tier.as_ref().map(crate::i18n::tier_line).unwrap_or_default(),
        ONE_LINE,
    );
    field(
        label("detail.stage"),
        &format!(
            "{} · {}",
            t(&format!("stage.{}", c.stage.key())),
            t(&format!("level.{}", c.level.key()))
        ),
        ONE_LINE,
    );
    field(
        label("column.health"),
        &s.health
            .map(|h| format!("{h}%"))
            .unwrap_or_else(|| t("cli.not_assessed").to_string()),
        ONE_LINE,
    );
    field(
        label("cli.factors"),
        &Factor::ALL
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    t(&format!("factor.{}", f.key())),
                    c.factors.get(*f).map(|v| v.to_string()).unwrap_or_else(|| "-".into())
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        ONE_LINE,
    );
    field(
        label("detail.value"),
        &tf(
            "detail.value_line",
            &[("revenue", &money(s.revenue)), ("clv", &money(s.clv))],
        ),
        ONE_LINE,
    );
    field(
        label("cli.last_contact"),
        &c.activity
            .last_contact
            .map(when)
            .unwrap_or_else(|| t("cli.never").to_string()),
        ONE_LINE,
    );
    field(
        label("detail.next_contact"),
        &format!(
            "{}{} ({}) · {}",
            overdue_mark(s.next_contact_due, today),
            day(s.next_contact_due),
            relative(s.next_contact_due, today),
            crate::i18n::tn("detail.every", s.cadence_days, &[("days", &s.cadence_days)])
        ),
        ONE_LINE,
    );
    field(label("field.customer.notes"), &c.notes, LINES);
    for part in SpinPart::ALL {
        field(label(&format!("spin.{}", part.key())), c.spin.get(part), LINES);
    }
    field(
        label("cli.created"),
        &tf(
            "cli.created_by",
            &[("when", &when(c.created_at)), ("who", &c.created_by)],
        ),
        ONE_LINE,
    );
    let open: Vec<_> = follow_ups.iter().filter(|f| f.is_open()).collect();
    if !open.is_empty() {
        out.push_str(&format!("\n{}\n", t("detail.follow_ups")));
        for f in open {
            out.push_str(&format!(
                "  {}  {}  {}  ({})\n",
                &f.id.to_string()[..8],
                day(f.due_date()),
                escape(&f.what),
                relative(f.due_date(), today)
            ));
        }
    }
    out.push_str(&render_deals(deals, today));
    if !interactions.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            tf("detail.interactions", &[("count", &interactions.len())])
        ));
        for i in interactions.iter().rev() {
            let amount = i.amount.map(|a| format!("  [{}]", money(a))).unwrap_or_default();
            out.push_str(&format!(
                "  {}  {}  {}{}  — {}\n",
                when(i.at),
                pad_to(t(&format!("channel.{}", i.channel.key())), 10),
                escape(&i.summary),
                amount,
                escape(&i.author)
            ));
            // What was said: the outcome, the rating and the notes, each
            // note line as written, under the interaction.
            let indent = " ".repeat(6);
            if !i.outcome.trim().is_empty() {
                out.push_str(&format!(
                    "{indent}{}\n",
                    escape(&tf("detail.outcome", &[("outcome", &i.outcome)]))
                ));
            }
            if let Some(s) = i.satisfaction {
                let rating = t(&format!("satisfaction.{s}"));
                out.push_str(&format!("{indent}{}\n", tf("detail.rated", &[("rating", &rating)])));
            }
            if !i.body.trim().is_empty() {
                for line in escape_lines(i.body.trim_end()) {
                    out.push_str(&format!("{indent}{}\n", line.trim_end()));
                }
            }
        }
    }
    if !history.is_empty() {
        out.push_str(&format!("\n{}\n", t("detail.history")));
        for h in history {
            out.push_str(&format!(
                "  {}  {} → {}  · {}\n",
                when(h.at),
                t(&format!("stage.{}", h.from.key())),
                t(&format!("stage.{}", h.to.key())),
                escape(&h.by)
            ));
        }
    }
    out
}

/// The column where `show` starts its values.
const LABEL_WIDTH: usize = 18;

/// `s` padded with spaces to `width` terminal columns.
fn pad_to(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width()).max(1)))
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
    /// FIELD=VALUE to change (repeat for several). Lists (emails, phones,
    /// tags) are comma-separated and replace the old list; factors take 0-5
    /// or nothing to clear.
    #[arg(long = "set", value_name = "FIELD=VALUE", required = true, long_help = format!(
        "FIELD=VALUE to change (repeat for several). Fields: {}. Lists (emails, phones, tags) are \
         comma-separated and replace the old list; factors take 0-5, or nothing to clear; cadence takes days or `default`.",
        CustomerInput::ALL.map(CustomerInput::key).join(", ")
    ))]
    set: Vec<String>,
}

pub fn edit(ctx: &Context, a: EditArgs) -> Result<String> {
    let mut store = ctx.open()?;
    let rec = store.resolve_customer(&a.customer)?;
    let before = rec.customer;
    let mut draft = CustomerDraft::of(&before);
    // The organization links name an organization, not text: resolved
    // here, empty to unlink.
    let mut links: Vec<(&str, Option<crate::domain::Organization>)> = Vec::new();
    for assignment in &a.set {
        let (field, value) = assignment
            .split_once('=')
            .ok_or_else(|| InputError::BadAssignment(assignment.clone()))?;
        let link = field.trim().to_lowercase().replace('-', "_");
        if matches!(link.as_str(), "organization" | "org" | "referred_by") {
            let org = match value.trim() {
                "" => None,
                v => Some(store.resolve_organization(v)?),
            };
            links.push((
                if link == "referred_by" {
                    "referred_by"
                } else {
                    "organization"
                },
                org,
            ));
            continue;
        }
        let input = CustomerInput::parse(field).ok_or_else(|| InputError::UnknownField(field.trim().to_string()))?;
        draft.set(input, value);
    }
    let mut after = draft.apply_to(&before).map_err(first_error)?;
    for (link, org) in links {
        if link == "referred_by" {
            after.referred_by = org.map(|o| o.id);
        } else {
            // The company shown is the organization's name; unlinking
            // keeps the text.
            if let Some(o) = &org {
                after.company = o.name.clone();
            }
            after.organization = org.map(|o| o.id);
        }
    }
    if store.update_customer(&before, &after)? {
        Ok(tf("cli.updated", &[("name", &escape(&after.name))]) + "\n")
    } else {
        Ok(tf("cli.unchanged", &[("name", &escape(&before.name))]) + "\n")
    }
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
}

pub fn delete(ctx: &Context, a: DeleteArgs) -> Result<String> {
    let mut store = ctx.open()?;
    let rec = store.resolve_customer(&a.customer)?;
    store.delete_customer(rec.customer.id)?;
    Ok(tf("cli.deleted", &[("name", &escape(&rec.customer.display_name()))]) + "\n")
}
