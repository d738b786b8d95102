//! `log`, `stage`, `follow-up`, `done`, `agenda`: the working day.

use anyhow::Result;
use chrono::{Days, Local};
use clap::Args;

use super::context::Context;
use super::customers::first_error;
use super::json::AgendaJson;
use super::output::{Table, day, escape, money, overdue_mark, relative, when};
use crate::domain::agenda::Group;
use crate::domain::draft::{FollowUpDraft, InteractionDraft, follow_up_doubt};
use crate::domain::value::lifetime_value;
use crate::domain::{Customer, CustomerId};
use crate::domain::{InputError, Stage};
use crate::i18n::{t, tf};
use crate::store::{AgendaItem, AgendaWhat, DueTactic, StoreError, agenda_text};

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
    /// One line on what happened
    #[arg(long)]
    summary: String,
    /// call, email, meeting, message, mail, social, event, purchase, support, other [default: call, or purchase with --amount]
    #[arg(long)]
    channel: Option<String>,
    /// When it happened: YYYY-MM-DD HH:MM, YYYY-MM-DD, RFC 3339, yesterday [default: now]
    #[arg(long, value_name = "DATETIME")]
    at: Option<String>,
    /// What the customer paid (for purchases)
    #[arg(long)]
    amount: Option<String>,
    /// How the experience compared with what was promised, 1-5
    #[arg(long)]
    satisfaction: Option<String>,
    /// What came of it
    #[arg(long)]
    outcome: Option<String>,
    /// Longer notes
    #[arg(long)]
    body: Option<String>,
    /// `out` when you reached out, `in` when they did [default: out]
    #[arg(long)]
    direction: Option<String>,
    /// Log it even when dated after today
    #[arg(long)]
    force: bool,
}

pub fn log(ctx: &Context, a: LogArgs) -> Result<String> {
    let text = |v: Option<String>| v.unwrap_or_default();
    let draft = InteractionDraft {
        summary: a.summary,
        channel: text(a.channel),
        at: text(a.at),
        amount: text(a.amount),
        satisfaction: text(a.satisfaction),
        outcome: text(a.outcome),
        direction: text(a.direction),
        body: text(a.body),
    };
    let values = draft.check(ctx.clock.now(), &Local).map_err(first_error)?;
    if let Some(doubt) = values.doubt(ctx.clock.today(), &Local).filter(|_| !a.force) {
        return Err(doubt.into());
    }
    // The command run most: by a whole id, written to the journal alone
    // when it can be.
    if let Ok(whole_id) = a.customer.trim().parse::<CustomerId>()
        && let Some(id) = ctx.log_ahead(whole_id, values.clone())?
    {
        return Ok(format!("{id}\n"));
    }
    let mut store = ctx.open()?;
    let customer = store.resolve_customer(&a.customer)?;
    let id = store.log_interaction(customer.customer.id, values)?;
    Ok(format!("{id}\n"))
}

#[derive(Debug, Args)]
pub struct StageArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
    /// The new stage (English, Vietnamese or Chinese name), or `next` / `prev`
    stage: String,
}

pub fn stage(ctx: &Context, a: StageArgs) -> Result<String> {
    let wanted = a.stage.trim().to_lowercase();
    let named = match wanted.as_str() {
        "next" | "prev" | "previous" => None,
        _ => Some(Stage::parse(&a.stage)?),
    };
    let mut store = ctx.open()?;
    let rec = store.resolve_customer(&a.customer)?;
    let c = &rec.customer;
    let to = match (named, wanted.as_str()) {
        (Some(s), _) => s,
        (None, "next") => c.stage.next().ok_or_else(|| InputError::NoNextStage(c.name.clone()))?,
        (None, _) => c
            .stage
            .previous()
            .ok_or_else(|| InputError::NoPreviousStage(c.name.clone()))?,
    };
    if !store.move_stage(c, to)? {
        return Ok(tf(
            "cli.already_at",
            &[("name", &escape(&c.name)), ("stage", &stage_label(to))],
        ) + "\n");
    }
    Ok(tf(
        "status.moved",
        &[
            ("name", &escape(&c.name)),
            ("from", &stage_label(c.stage)),
            ("to", &stage_label(to)),
        ],
    ) + "\n")
}

#[derive(Debug, Args)]
pub struct FollowUpArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
    /// When: YYYY-MM-DD, today, tomorrow, +3d, +2w, or a weekday
    #[arg(long)]
    due: String,
    /// What was promised
    #[arg(long)]
    what: String,
    /// Schedule it even when due before today
    #[arg(long)]
    force: bool,
}

pub fn follow_up(ctx: &Context, a: FollowUpArgs) -> Result<String> {
    let draft = FollowUpDraft {
        what: a.what,
        due: a.due,
    };
    let (what, due) = draft.check(ctx.clock.today()).map_err(first_error)?;
    if let Some(doubt) = follow_up_doubt(due, ctx.clock.today()).filter(|_| !a.force) {
        return Err(doubt.into());
    }
    let mut store = ctx.open()?;
    let customer = store.resolve_customer(&a.customer)?;
    let id = store.schedule_follow_up(customer.customer.id, what, due)?;
    Ok(format!("{id}\n"))
}

#[derive(Debug, Args)]
pub struct DoneArgs {
    /// The follow-up's id or id prefix (shown by `agenda` and `show`)
    follow_up: String,
}

pub fn done(ctx: &Context, a: DoneArgs) -> Result<String> {
    let mut store = ctx.open()?;
    let rec = match store.resolve_follow_up(&a.follow_up) {
        Ok(rec) => rec,
        // Not a follow-up: a plan's tactic, perhaps.
        Err(StoreError::Input(InputError::NoSuchFollowUp(_))) => {
            let (target, tactic) = match store.resolve_tactic(&a.follow_up) {
                Ok(found) => found,
                Err(StoreError::Input(InputError::NoSuchTactic(_))) => {
                    return Err(InputError::NoSuchFollowUp(a.follow_up.trim().to_string()).into());
                }
                Err(e) => return Err(e.into()),
            };
            if !store.set_tactic_done(&target, tactic.id, true)? {
                return Ok(tf("cli.already_done", &[("what", &escape(&tactic.text))]) + "\n");
            }
            return Ok(tf("status.done", &[("what", &escape(&tactic.text))]) + "\n");
        }
        Err(e) => return Err(e.into()),
    };
    let f = &rec.follow_up;
    if !store.complete_follow_up(f)? {
        return Ok(tf("cli.already_done", &[("what", &escape(&f.what))]) + "\n");
    }
    Ok(tf("status.done", &[("what", &escape(&f.what))]) + "\n")
}

#[derive(Debug, Args)]
pub struct AgendaArgs {
    /// Also list what falls due in the next DAYS days
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    days: u16,
    /// Print JSON instead of a table
    #[arg(long)]
    pub(super) json: bool,
}

pub fn agenda(ctx: &Context, a: AgendaArgs) -> Result<String> {
    let store = ctx.open()?;
    let today = store.clock().today();
    let until = today.checked_add_days(Days::new(u64::from(a.days))).unwrap_or(today);
    let items = store.agenda(until)?;
    // Dated tactics of the plans of lists and organizations: no customer
    // to rank them by, so each goes last in its group.
    let mut tasks = Vec::new();
    for t in store.due_tactics(until)? {
        if t.target.customer().is_none() {
            let plan = store.target_name(&t.target)?;
            tasks.push((t, plan));
        }
    }
    let now = store.clock().now_ms();
    let clv = |c: &Customer| lifetime_value(&c.activity, now, &store.rules().clv);
    let mut rows: Vec<Row> = items.iter().map(|(i, c)| Row::Item(i, c)).collect();
    for (t, plan) in &tasks {
        let group = Group::of(t.due_date(), today);
        let at = rows.iter().position(|r| r.group(today) > group).unwrap_or(rows.len());
        rows.insert(at, Row::Task(t, plan));
    }
    if a.json {
        super::json::print_array(rows.iter().map(|r| {
            Ok(match r {
                Row::Item(i, c) => AgendaJson::new(i, c, today, what(i, c), clv(c)),
                Row::Task(t, plan) => AgendaJson::plan_task(t, today, agenda_text(t, plan), plan.to_string()),
            })
        }))?;
        return Ok(String::new());
    }
    if rows.is_empty() {
        return Ok(format!("{}\n", t("agenda.empty")));
    }
    let mut table = Table::new(&[
        (t("cli.due"), 32),
        (t("cli.customer"), 26),
        (t("column.company"), 22),
        (t("column.stage"), 12),
        (t("column.clv"), 16),
        (t("cli.to_do"), 50),
        ("ID", 8),
    ]);
    let mut group = None;
    for (n, r) in rows.iter().enumerate() {
        let this = r.group(today);
        if group != Some(this) {
            let count = rows[n..].iter().take_while(|j| j.group(today) == this).count();
            table.heading(tf(&format!("agenda.group.{}", this.key()), &[("count", &count)]));
            group = Some(this);
        }
        let due = r.due();
        let when = format!("{}{} ({})", overdue_mark(due, today), day(due), relative(due, today));
        match r {
            Row::Item(i, c) => {
                let id = match &i.what {
                    AgendaWhat::FollowUp(f) => f.id.to_string()[..8].to_string(),
                    AgendaWhat::StayInTouch { .. } => String::new(),
                    AgendaWhat::Tactic(t) => t.tactic.to_string()[..8].to_string(),
                };
                table.row(vec![
                    when,
                    c.name.clone(),
                    c.company.clone(),
                    stage_label(c.stage).to_string(),
                    money(clv(c)),
                    what(i, c),
                    id,
                ]);
            }
            Row::Task(t, plan) => table.row(vec![
                when,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                agenda_text(t, plan),
                t.tactic.to_string()[..8].to_string(),
            ]),
        }
    }
    Ok(table.render())
}

/// One row of the agenda: an item of a customer, or a dated tactic of a
/// plan with no customer, with its plan's name.
enum Row<'a> {
    Item(&'a AgendaItem, &'a Customer),
    Task(&'a DueTactic, &'a str),
}

impl Row<'_> {
    fn due(&self) -> chrono::NaiveDate {
        match self {
            Row::Item(i, _) => i.due,
            Row::Task(t, _) => t.due_date(),
        }
    }

    fn group(&self, today: chrono::NaiveDate) -> Group {
        Group::of(self.due(), today)
    }
}

/// What an agenda item asks for, in words.
fn what(item: &AgendaItem, customer: &Customer) -> String {
    match &item.what {
        AgendaWhat::FollowUp(f) => f.what.clone(),
        AgendaWhat::Tactic(t) => agenda_text(t, &customer.name),
        AgendaWhat::StayInTouch {
            cadence_days,
            last_touch,
        } => {
            let since = if customer.activity.last_contact.is_some() {
                tf("cli.last_contact_at", &[("when", &when(*last_touch))])
            } else {
                t("cli.no_contact_yet").to_string()
            };
            format!(
                "{} · {since}",
                crate::i18n::tn("agenda.stay_in_touch", *cadence_days, &[("days", cadence_days)])
            )
        }
    }
}

fn stage_label(s: Stage) -> &'static str {
    t(&format!("stage.{}", s.key()))
}
