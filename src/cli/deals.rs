//! `deal add`, `deal won`, `deal lost`, `deal list`: the sales pipeline's
//! hoped-for purchases and their weighted forecast.

use anyhow::Result;
use chrono::Local;
use clap::{Args, Subcommand};

use super::context::Context;
use super::json::DealJson;
use super::output::{Table, day, escape, money};
use crate::domain::dates::{parse_date, parse_datetime};
use crate::domain::deal::{check_reason, check_title, parse_probability};
use crate::domain::{Deal, DealStatus, Money};
use crate::i18n::{t, tf};
use crate::store::NewDeal;

#[derive(Debug, Subcommand)]
pub enum DealCommand {
    /// Add an open deal; prints its id
    Add(AddArgs),
    /// Mark a deal won and log its purchase
    Won(WonArgs),
    /// Mark a deal lost, saying why
    Lost(LostArgs),
    /// List deals with their weighted totals
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct DealArgs {
    #[command(subcommand)]
    pub command: DealCommand,
}

impl DealArgs {
    /// Whether the output is data to be used as it is (JSON).
    pub fn writes_data(&self) -> bool {
        matches!(&self.command, DealCommand::List(l) if l.json)
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Id, id prefix, or (part of) the name or email
    customer: String,
    /// What is being sold
    #[arg(long)]
    title: String,
    /// What it would bring
    #[arg(long)]
    amount: String,
    /// Expected close date: YYYY-MM-DD, today, +2w...
    #[arg(long, value_name = "DATE")]
    close: Option<String>,
    /// Chance of winning it, 0-100 [default: by the customer's stage]
    #[arg(long, value_name = "0-100")]
    probability: Option<String>,
}

#[derive(Debug, Args)]
pub struct WonArgs {
    /// The deal's id or id prefix (shown by `deal list`)
    deal: String,
    /// When it was won: the purchase's date [default: now]
    #[arg(long, value_name = "DATE")]
    at: Option<String>,
}

#[derive(Debug, Args)]
pub struct LostArgs {
    /// The deal's id or id prefix (shown by `deal list`)
    deal: String,
    /// Why it was lost
    #[arg(long)]
    reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// open, won or lost [default: open]
    #[arg(long)]
    status: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, a: DealArgs) -> Result<String> {
    match a.command {
        DealCommand::Add(a) => add(ctx, a),
        DealCommand::Won(a) => won(ctx, a),
        DealCommand::Lost(a) => lost(ctx, a),
        DealCommand::List(a) => list(ctx, a),
    }
}

fn add(ctx: &Context, a: AddArgs) -> Result<String> {
    let title = check_title(&a.title)?;
    let amount = Money::parse(&a.amount)?;
    let close = a
        .close
        .as_deref()
        .map(|c| parse_date(c, ctx.clock.today()))
        .transpose()?;
    let probability = a.probability.as_deref().map(parse_probability).transpose()?;
    let mut store = ctx.open()?;
    let customer = store.resolve_customer(&a.customer)?;
    let id = store.add_deal(NewDeal {
        customer: customer.customer.id,
        title,
        amount,
        close,
        probability,
    })?;
    Ok(format!("{id}\n"))
}

fn won(ctx: &Context, a: WonArgs) -> Result<String> {
    let at = match a.at.as_deref() {
        Some(at) => parse_datetime(at, ctx.clock.now(), &Local)?,
        None => ctx.clock.now(),
    };
    let mut store = ctx.open()?;
    let deal = store.resolve_deal(&a.deal)?;
    if store.win_deal(&deal, at)?.is_none() {
        return Ok(tf("cli.deal.already_won", &[("title", &escape(&deal.title))]) + "\n");
    }
    Ok(tf(
        "cli.deal.won",
        &[("title", &escape(&deal.title)), ("amount", &money(deal.amount))],
    ) + "\n")
}

fn lost(ctx: &Context, a: LostArgs) -> Result<String> {
    let reason = check_reason(a.reason.as_deref().unwrap_or_default())?;
    let mut store = ctx.open()?;
    let deal = store.resolve_deal(&a.deal)?;
    if !store.lose_deal(&deal, reason)? {
        return Ok(tf("cli.deal.already_lost", &[("title", &escape(&deal.title))]) + "\n");
    }
    Ok(tf("cli.deal.lost", &[("title", &escape(&deal.title))]) + "\n")
}

fn list(ctx: &Context, a: ListArgs) -> Result<String> {
    let status = match a.status.as_deref() {
        None => DealStatus::Open,
        Some(s) => DealStatus::parse(s).ok_or_else(|| {
            crate::domain::InputError::Invalid(tf("error.unknown_deal_status", &[("value", &s.trim())]))
        })?,
    };
    let store = ctx.open()?;
    let today = store.clock().today();
    let mut deals: Vec<Deal> = store.deals_with_status(status)?;
    // Soonest close first; undated last; then by title.
    deals.sort_by(|x, y| {
        (x.close.is_none(), x.close, &x.title, x.id).cmp(&(y.close.is_none(), y.close, &y.title, y.id))
    });
    let name_of =
        |d: &Deal| -> Result<String> { Ok(store.customer(d.customer)?.map(|r| r.customer.name).unwrap_or_default()) };
    if a.json {
        super::json::print_array(deals.iter().map(|d| Ok(DealJson::new(d, name_of(d)?))))?;
        return Ok(String::new());
    }
    if deals.is_empty() {
        return Ok(format!("{}\n", t(&format!("cli.deal.none_{}", status.key()))));
    }
    let mut columns = vec![
        (t("cli.deal.close"), 14),
        (t("cli.customer"), 26),
        (t("cli.deal.title"), 36),
        (t("cli.deal.amount"), 18),
        (t("cli.deal.probability"), 6),
        (t("cli.deal.weighted"), 18),
        ("ID", 8),
    ];
    // Why each was lost, when that is what is listed.
    let lost = status == DealStatus::Lost;
    if lost {
        columns.push((t("cli.deal.reason"), 60));
    }
    let mut table = Table::new(&columns);
    let mut amount = Money::ZERO;
    let mut weighted = Money::ZERO;
    for d in &deals {
        amount += d.amount;
        weighted += d.weighted();
        let close = match d.close_date() {
            Some(c) if d.is_overdue(today) => format!("! {}", day(c)),
            Some(c) => day(c),
            None => String::new(),
        };
        let mut row = vec![
            close,
            name_of(d)?,
            d.title.clone(),
            money(d.amount),
            format!("{}%", d.probability),
            money(d.weighted()),
            d.id.to_string()[..8].to_string(),
        ];
        if lost {
            row.push(d.reason.clone());
        }
        table.row(row);
    }
    table.row(vec![
        String::new(),
        t("cli.deal.total").to_string(),
        String::new(),
        money(amount),
        String::new(),
        money(weighted),
        String::new(),
    ]);
    Ok(table.render())
}
