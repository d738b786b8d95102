//! The command line: one file per family of subcommands. Each command
//! returns the text to print; errors are printed once, here, as
//! `error: ...`, with status 2 when the input was at fault and 1 otherwise.

mod activity;
mod completions;
mod config_page;
mod context;
mod customers;
mod deals;
mod demo;
mod environment;
mod filter;
mod forget;
mod history;
mod interop;
mod json;
mod keys;
mod lists;
mod localize;
mod maintenance;
mod man;
mod note;
mod organizations;
mod output;
mod paths;
mod plans;
mod process;
pub use process::names_one_customer;
mod report;
mod team;
mod unlock;
mod vdir;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{FromArgMatches, Parser, Subcommand};

use crate::domain::InputError;
use crate::domain::escape::neutralize;
use crate::i18n::{self, Currency, Lang, tn};
use crate::store::StoreError;
use crate::workspace::WorkspaceError;
use context::Context;

#[derive(Debug, Parser)]
// Help texts come from the catalogues (`cli.help.*`, see localize.rs); the
// doc comments here are for readers of the code.
#[command(name = "guanxi", version)]
pub struct Cli {
    /// The workspace folder (a missing or empty folder becomes one)
    #[arg(long, short, global = true, env = "GUANXI_WORKSPACE", value_name = "DIR")]
    workspace: Option<PathBuf>,
    /// Language of messages and the UI: en, vi or zh
    #[arg(long, global = true, value_name = "LANG", value_parser = localize::parse_lang)]
    lang: Option<Lang>,
    /// The config file to use instead of the default one (it must exist)
    #[arg(long, global = true, env = "GUANXI_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The passphrase of an encrypted workspace, read from the first line of this file
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// An age identity file (AGE-SECRET-KEY-1...) that unlocks an encrypted workspace
    #[arg(long, global = true, env = "GUANXI_IDENTITY", value_name = "FILE")]
    identity: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Add a customer; prints its id
    Add(customers::AddArgs),
    /// List customers
    List(customers::ListArgs),
    /// Saved lists: show them with their counts, delete one, mark the priority segment
    Lists(lists::ListsArgs),
    /// Show everything about one customer
    Show(customers::ShowArgs),
    /// Change a customer's fields
    Edit(customers::EditArgs),
    /// Log an interaction (call, meeting, purchase...); prints its id
    Log(activity::LogArgs),
    /// Move a customer to another relationship stage
    Stage(activity::StageArgs),
    /// Schedule a follow-up; prints its id
    #[command(name = "follow-up")]
    FollowUp(activity::FollowUpArgs),
    /// Mark a follow-up, or a plan's tactic, done
    Done(activity::DoneArgs),
    /// Quick capture: log an interaction, a follow-up, tags and an amount from one line
    Note(note::NoteArgs),
    /// Overdue and due follow-ups and stay-in-touch reminders, most urgent first
    Agenda(activity::AgendaArgs),
    /// How the relationships are going: stages, conversion, revenue, health, who is at risk, forecast
    Report(report::ReportArgs),
    /// Delete a customer (undo brings it back)
    Delete(customers::DeleteArgs),
    /// Erase a person everywhere, for a privacy request (cannot be undone)
    Forget(forget::ForgetArgs),
    /// Take back your latest change
    Undo,
    /// Redo the latest change you took back
    Redo,
    /// Rebuild the local view from the workspace's journals
    Rebuild,
    /// Check the journals and the local view against each other
    Doctor,
    /// Where guanxi's files are: config, keymap, theme, workspace, local state, view
    Paths(paths::PathsArgs),
    /// Print a completion script for bash, zsh, fish, elvish or powershell
    Completions(completions::CompletionsArgs),
    /// Write the manual pages: guanxi(1), one per command, guanxi-config(5)
    Man(man::ManArgs),
    /// Create a workspace with realistic sample data
    Demo(demo::DemoArgs),
    /// Make a folder a workspace to share with a team
    Init(team::InitArgs),
    /// Unlock and open a teammate's workspace as this machine's replica
    Join(keys::JoinArgs),
    /// The keys of an encrypted workspace: add, list, remove (rotates the team key)
    #[command(disable_help_subcommand = true)]
    Team(keys::TeamArgs),
    /// Read what teammates' journals brought, and say from whom
    Sync,
    /// Write a snapshot of the workspace for new teammates to start from
    Snapshot,
    /// Import contacts: CSV (Google, Outlook, other CRMs), vCard, or a guanxi JSON export
    Import(interop::ImportArgs),
    /// Export customers as JSON, CSV, vCard, or follow-ups and meetings as iCalendar
    Export(interop::ExportArgs),
    /// Find customers that look like the same person, and merge them
    Dupes(interop::DupesArgs),
    /// Deals: hoped-for purchases and the weighted forecast
    #[command(disable_help_subcommand = true)]
    Deal(deals::DealArgs),
    /// Organizations: the companies people belong to, and partners
    #[command(disable_help_subcommand = true)]
    Org(organizations::OrgArgs),
    /// Account plans (mission, objectives, strategies, tactics) of a customer or a saved list
    #[command(disable_help_subcommand = true)]
    Plan(plans::PlanArgs),
}

/// The command tree the CLI parses, with its help in the current language:
/// what completions and manual pages are made from (and tests walk).
pub fn command() -> clap::Command {
    localize::command()
}

pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Scripts ask for the version to check what is installed: answered
    // before the config, the catalogues and the localized help are read.
    if let [_, flag] = args.as_slice()
        && (flag == "--version" || flag == "-V")
    {
        print(concat!("guanxi ", env!("CARGO_PKG_VERSION"), "\n"));
        return ExitCode::SUCCESS;
    }
    let config = localize::early_config(&args);
    i18n::set_language(localize::choose_language(&args, config.as_ref()));
    if let Some(code) = config.as_ref().and_then(|c| c.currency.as_deref()) {
        i18n::set_currency(Currency::from_code(code));
    }
    let parse = |command: clap::Command| {
        command.try_get_matches_from(&args).and_then(|matches| {
            // `demo` takes a folder from the flag only, never the environment.
            let from_flag = matches.value_source("workspace") == Some(ValueSource::CommandLine);
            Cli::from_arg_matches(&matches).map(|cli| (cli, from_flag))
        })
    };
    // The plain tree parses the same arguments the same way; the tree with
    // every command's help in the user's language (a fifth of a short
    // command to make) is made only to show help or say what is wrong.
    let parsed = parse(<Cli as clap::CommandFactory>::command()).or_else(|_| parse(localize::command()));
    let (cli, workspace_from_flag) = match parsed {
        Ok(parsed) => parsed,
        Err(err) => return parse_failure(&err),
    };
    let exact = writes_data(&cli);
    match run(cli, workspace_from_flag) {
        Ok((text, ok)) => {
            if exact {
                print(&text);
            } else {
                // Data in human output was escaped where it was put; this
                // pass only makes sure nothing a terminal would obey is left.
                print(&neutralize(&text));
            }
            if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(err) => {
            let input = err.chain().any(|e| {
                e.downcast_ref::<InputError>().is_some()
                    || e.downcast_ref::<StoreError>().is_some_and(StoreError::is_input)
                    || e.downcast_ref::<WorkspaceError>().is_some_and(WorkspaceError::is_input)
                    || e.downcast_ref::<crate::encryption::EncryptionError>()
                        .is_some_and(crate::encryption::EncryptionError::is_input)
            });
            // Errors quote what was typed or read (a name, a line of a
            // file): shown with control characters escaped.
            eprintln!("error: {}", neutralize(&error_text(&err)));
            ExitCode::from(if input { 2 } else { 1 })
        }
    }
}

/// An error and its causes, joined as anyhow's `{:#}` does, less a cause
/// the message before it already quotes: `WorkspaceError::Io` says its
/// path and its OS error, and printed the OS error twice.
fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// True when the command prints data to be used as it is: JSON, and an
/// export to stdout (which escapes itself when stdout is a terminal).
fn writes_data(cli: &Cli) -> bool {
    match &cli.command {
        Some(Command::List(a)) => a.json,
        Some(Command::Lists(a)) => a.json,
        Some(Command::Show(a)) => a.json,
        Some(Command::Agenda(a)) => a.json,
        Some(Command::Report(a)) => a.json,
        Some(Command::Export(a)) => a.to_stdout(),
        Some(Command::Deal(a)) => a.writes_data(),
        Some(Command::Org(a)) => a.writes_data(),
        Some(Command::Plan(a)) => a.writes_data(),
        Some(Command::Paths(a)) => a.json,
        Some(Command::Completions(_)) => true,
        Some(Command::Man(a)) => a.out.is_none(),
        _ => false,
    }
}

/// `--help` and `--version` go to stdout with success; mistakes to stderr
/// with status 2, like every other input error.
fn parse_failure(err: &clap::Error) -> ExitCode {
    if err.use_stderr() {
        eprint!("{}", localize::explain(err));
        ExitCode::from(2)
    } else {
        let _ = err.print();
        ExitCode::SUCCESS
    }
}

/// Writes to stdout; a closed pipe (`guanxi list | head`) is not an error.
fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn run(cli: Cli, workspace_from_flag: bool) -> anyhow::Result<(String, bool)> {
    let config_file = context::named_config(cli.config.as_deref())?;
    // Scripts and manual pages need neither the config nor a home.
    match &cli.command {
        Some(Command::Completions(a)) => return Ok((completions::completions(a), true)),
        Some(Command::Man(a)) => return Ok((man::man(a)?, true)),
        _ => {}
    }
    let mut ctx = Context::new(cli.workspace, workspace_from_flag, config_file)?;
    ctx.secrets = unlock::Secrets {
        passphrase_file: cli.passphrase_file,
        identity: cli.identity,
    };
    if matches!(
        cli.command,
        Some(
            Command::Add(_)
                | Command::List(_)
                | Command::Lists(_)
                | Command::Show(_)
                | Command::Edit(_)
                | Command::Delete(_)
                | Command::Log(_)
                | Command::Stage(_)
                | Command::FollowUp(_)
                | Command::Done(_)
                | Command::Note(_)
                | Command::Agenda(_)
                | Command::Report(_)
                | Command::Export(_)
                | Command::Deal(_)
                | Command::Org(_)
                | Command::Plan(_)
        )
    ) {
        process::one_short_command();
    } else {
        process::long_work();
    }
    let text = match cli.command {
        None => return Ok((overview(&ctx)?, true)),
        Some(Command::Add(a)) => customers::add(&ctx, a)?,
        Some(Command::List(a)) => customers::list(&ctx, a)?,
        Some(Command::Lists(a)) => lists::lists(&ctx, a)?,
        Some(Command::Show(a)) => customers::show(&ctx, a)?,
        Some(Command::Edit(a)) => customers::edit(&ctx, a)?,
        Some(Command::Delete(a)) => customers::delete(&ctx, a)?,
        Some(Command::Forget(a)) => forget::forget(&ctx, a)?,
        Some(Command::Log(a)) => activity::log(&ctx, a)?,
        Some(Command::Stage(a)) => activity::stage(&ctx, a)?,
        Some(Command::FollowUp(a)) => activity::follow_up(&ctx, a)?,
        Some(Command::Done(a)) => activity::done(&ctx, a)?,
        Some(Command::Note(a)) => note::note(&ctx, a)?,
        Some(Command::Agenda(a)) => activity::agenda(&ctx, a)?,
        Some(Command::Report(a)) => report::report(&ctx, a)?,
        Some(Command::Undo) => history::undo(&ctx)?,
        Some(Command::Redo) => history::redo(&ctx)?,
        Some(Command::Rebuild) => maintenance::rebuild(&ctx)?,
        Some(Command::Doctor) => return maintenance::doctor(&ctx),
        Some(Command::Paths(a)) => paths::paths(&ctx, &a)?,
        // Answered above, before the context.
        Some(Command::Completions(_) | Command::Man(_)) => String::new(),
        Some(Command::Demo(a)) => demo::demo(&ctx, a)?,
        Some(Command::Init(a)) => team::init(&ctx, a)?,
        Some(Command::Join(a)) => keys::join(&ctx, a)?,
        Some(Command::Team(a)) => keys::team(&ctx, a)?,
        Some(Command::Sync) => team::sync(&ctx)?,
        Some(Command::Snapshot) => team::snapshot(&ctx)?,
        Some(Command::Import(a)) => interop::import(&ctx, a)?,
        Some(Command::Export(a)) => interop::export(&ctx, a)?,
        Some(Command::Dupes(a)) => interop::dupes(&ctx, a)?,
        Some(Command::Deal(a)) => deals::run(&ctx, a)?,
        Some(Command::Org(a)) => organizations::run(&ctx, a)?,
        Some(Command::Plan(a)) => plans::run(&ctx, a)?,
    };
    Ok((text, true))
}

/// Without a subcommand: the terminal UI, or, when output is not a
/// terminal (a script, a pipe), where things are and what to do next.
fn overview(ctx: &Context) -> anyhow::Result<String> {
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        ctx.keep_view();
        let mut store = ctx.open_or_create()?;
        // Opening the UI is opening for writing: a workspace from before
        // organizations gets them now (`Store::make_organizations`).
        store.make_organizations()?;
        let mut app = crate::tui::build_app(store, &ctx.config_dir())?;
        app.mouse.on = ctx.config.mouse();
        crate::tui::run(app)?;
        return Ok(String::new());
    }
    // Not in a terminal, this only reports: it makes no workspace.
    let store = ctx.open()?;
    let customers = store.customers()?.len();
    Ok(tn(
        "cli.overview",
        customers,
        &[("path", &store.workspace().root.display()), ("user", &store.author())],
    ) + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_names_each_cause_once() {
        let io = std::io::Error::from_raw_os_error(21);
        let path = std::path::PathBuf::from("/tmp/ws/view-unsynced");
        let err = anyhow::Error::new(WorkspaceError::Io { path, source: io }).context("cannot open the workspace");
        let text = error_text(&err);
        assert_eq!(text.matches("os error 21").count(), 1, "{text}");
        assert!(
            text.starts_with("cannot open the workspace: /tmp/ws/view-unsynced: "),
            "{text}"
        );
        // Causes the message does not quote are kept, as `{:#}` keeps them.
        let err = anyhow::anyhow!("inner").context("outer");
        assert_eq!(error_text(&err), format!("{err:#}"));
    }
}
