//! `plan set`, `plan edit`, `plan show`, `plan delete`: MOST account
//! plans (seed 003), written and read as their outline
//! (`domain::outline`).

use std::io::{IsTerminal, Read, Write};

use anyhow::Result;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::context::Context;
use super::output::{day, escape};
use crate::domain::{InputError, Plan, PlanTarget, outline};
use crate::i18n::{t, tf};
use crate::store::{Store, View};

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Set a plan from an outline file (`-` for stdin)
    Set(SetArgs),
    /// Edit a plan's outline in $EDITOR
    Edit(TargetArgs),
    /// Show a plan with its progress
    Show(ShowArgs),
    /// Delete a plan (undo brings it back)
    Delete(TargetArgs),
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(subcommand)]
    pub command: PlanCommand,
}

impl PlanArgs {
    /// Whether the output is data to be used as it is (JSON).
    pub fn writes_data(&self) -> bool {
        matches!(&self.command, PlanCommand::Show(s) if s.json)
    }
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// A customer (id, id prefix, or part of the name or email), list:NAME or org:NAME
    target: String,
    /// The outline to read; `-` reads stdin
    #[arg(long, value_name = "FILE")]
    file: String,
}

#[derive(Debug, Args)]
pub struct TargetArgs {
    /// A customer (id, id prefix, or part of the name or email), list:NAME or org:NAME
    target: String,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A customer (id, id prefix, or part of the name or email), list:NAME or org:NAME
    target: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, a: PlanArgs) -> Result<String> {
    match a.command {
        PlanCommand::Set(a) => set(ctx, a),
        PlanCommand::Edit(a) => edit(ctx, a),
        PlanCommand::Show(a) => show(ctx, a),
        PlanCommand::Delete(a) => delete(ctx, a),
    }
}

/// The target a user means, with its name: `list:NAME` a saved list,
/// `org:NAME` an organization, anything else a customer.
fn resolve_target(view: &View, reference: &str) -> Result<(PlanTarget, String)> {
    let r = reference.trim();
    if let Some(name) = r.strip_prefix("list:") {
        let list = view.saved_list(name)?;
        return Ok((PlanTarget::list(&list.name), list.name));
    }
    if let Some(name) = r.strip_prefix("org:") {
        return resolve_organization(view, name);
    }
    let c = view.resolve_customer(r)?;
    Ok((PlanTarget::Customer(c.customer.id), c.customer.name))
}

/// An organization by reference, found as `org show` finds it.
fn resolve_organization(view: &View, name: &str) -> Result<(PlanTarget, String)> {
    let o = view.resolve_organization(name)?;
    Ok((PlanTarget::Organization(o.id), o.name))
}

fn read_outline(file: &str) -> Result<String> {
    let cannot = |e: std::io::Error| InputError::CannotRead {
        path: file.to_string(),
        reason: e.to_string(),
    };
    if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(cannot)?;
        Ok(text)
    } else {
        Ok(std::fs::read_to_string(file).map_err(cannot)?)
    }
}

fn saved(store: &Store, name: &str, target: &PlanTarget) -> Result<String> {
    let plan = store.plan(target)?.unwrap_or_default();
    let (done, total) = plan.progress();
    Ok(tf(
        "cli.plan.saved",
        &[("name", &escape(name)), ("progress", &progress(done, total))],
    ) + "\n")
}

fn progress(done: usize, total: usize) -> String {
    crate::i18n::tn("plan.progress", total, &[("done", &done), ("total", &total)])
}

fn set(ctx: &Context, a: SetArgs) -> Result<String> {
    let text = read_outline(&a.file)?;
    // Read whole before anything is opened: a mistake saves nothing.
    let plan = outline::parse(&text)?;
    let mut store = ctx.open()?;
    let (target, name) = resolve_target(&store, &a.target)?;
    store.set_plan(&target, plan)?;
    saved(&store, &name, &target)
}

/// What the editor opens when the target has no plan yet.
fn template(name: &str) -> String {
    outline::template(&tf("cli.plan.template", &[("name", &escape(name))]))
}

fn edit(ctx: &Context, a: TargetArgs) -> Result<String> {
    let mut store = ctx.open()?;
    let (target, name) = resolve_target(&store, &a.target)?;
    let before = match store.plan(&target)? {
        Some(p) => outline::print(&p),
        None => template(&name),
    };
    let mut text = before.clone();
    loop {
        let Some(edited) = crate::tui::terminal::edit_in_editor(&text) else {
            return Ok(t("cli.plan.editor_failed").to_string() + "\n");
        };
        if edited == before {
            return Ok(t("cli.plan.unchanged").to_string() + "\n");
        }
        match outline::parse(&edited) {
            Ok(plan) => {
                store.set_plan(&target, plan)?;
                return saved(&store, &name, &target);
            }
            Err(e) => {
                // Say the line; offer to go back to it, or keep nothing.
                if !(std::io::stdin().is_terminal() && ask_again(&e)?) {
                    return Err(e.into());
                }
                text = edited;
            }
        }
    }
}

/// Shows `e` and asks whether to edit again; false keeps nothing.
fn ask_again(e: &InputError) -> Result<bool> {
    let mut err = std::io::stderr().lock();
    write!(
        err,
        "{}\n{} ",
        crate::domain::escape::neutralize(&e.to_string()),
        t("cli.plan.edit_again")
    )?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    let a = crate::domain::text::fold(answer.trim());
    Ok(a.is_empty() || ["y", "yes", "c", "co", "是", "好"].contains(&a.as_str()))
}

fn delete(ctx: &Context, a: TargetArgs) -> Result<String> {
    let mut store = ctx.open()?;
    let (target, name) = resolve_target(&store, &a.target)?;
    if !store.delete_plan(&target)? {
        return Err(InputError::NoPlan(name).into());
    }
    Ok(tf("cli.plan.deleted", &[("name", &escape(&name))]) + "\n")
}

fn show(ctx: &Context, a: ShowArgs) -> Result<String> {
    let store = ctx.open()?;
    let (target, name) = resolve_target(&store, &a.target)?;
    let plan = store.plan(&target)?.ok_or_else(|| InputError::NoPlan(name.clone()))?;
    if a.json {
        let json = PlanJson::new(&target, &plan);
        return Ok(serde_json::to_string_pretty(&json)? + "\n");
    }
    Ok(show_text(&name, &plan))
}

/// The plan as its outline's parts, labelled in the user's language, with
/// its progress and each tactic's id (what `done` takes).
fn show_text(name: &str, plan: &Plan) -> String {
    let (done, total) = plan.progress();
    let mut out = format!(
        "{} · {}\n{}: {}\n",
        tf("plan.title", &[("name", &escape(name))]),
        progress(done, total),
        t("plan.mission"),
        escape(&plan.mission)
    );
    for o in &plan.objectives {
        out.push_str(&format!("{}: {}\n", t("plan.objective"), escape(&o.text)));
        for s in &o.strategies {
            out.push_str(&format!(
                "  {} ({}): {}\n",
                t("plan.strategy"),
                t(&format!("strategy_kind.{}", s.kind.key())),
                escape(&s.text)
            ));
            for tc in &s.tactics {
                let mut line = format!("    [{}] {}", if tc.done { "x" } else { " " }, escape(&tc.text));
                if let Some(d) = tc.due_date() {
                    line.push_str(&format!(" · {} {}", t("plan.due"), day(d)));
                }
                if let Some(o) = &tc.owner {
                    line.push_str(&format!(" · {} {}", t("plan.owner"), escape(o)));
                }
                line.push_str(&format!("  {}\n", &tc.id.to_string()[..8]));
                out.push_str(&line);
            }
        }
    }
    out
}

#[derive(Serialize)]
pub struct PlanJson {
    target: String,
    mission: String,
    objectives: Vec<ObjectiveJson>,
    tactics_total: usize,
    tactics_done: usize,
}

#[derive(Serialize)]
struct ObjectiveJson {
    text: String,
    strategies: Vec<StrategyJson>,
}

#[derive(Serialize)]
struct StrategyJson {
    kind: &'static str,
    text: String,
    tactics: Vec<TacticJson>,
}

#[derive(Serialize)]
struct TacticJson {
    text: String,
    due: Option<String>,
    owner: Option<String>,
    /// The id `done` takes; null when the tactic has no due date.
    follow_up: Option<String>,
    done: bool,
}

impl PlanJson {
    pub fn new(target: &PlanTarget, plan: &Plan) -> PlanJson {
        let (done, total) = plan.progress();
        PlanJson {
            target: target.reference(),
            mission: plan.mission.clone(),
            objectives: plan
                .objectives
                .iter()
                .map(|o| ObjectiveJson {
                    text: o.text.clone(),
                    strategies: o
                        .strategies
                        .iter()
                        .map(|s| StrategyJson {
                            kind: s.kind.key(),
                            text: s.text.clone(),
                            tactics: s
                                .tactics
                                .iter()
                                .map(|tc| TacticJson {
                                    text: tc.text.clone(),
                                    due: tc.due_date().map(day),
                                    owner: tc.owner.clone(),
                                    follow_up: tc.due.map(|_| tc.id.to_string()),
                                    done: tc.done,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            tactics_total: total,
            tactics_done: done,
        }
    }
}
