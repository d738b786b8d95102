//! `guanxi completions SHELL`: a completion script for the shell, made by
//! clap_complete from the same localized command tree the parser uses, so
//! the descriptions a shell shows beside each flag are in the user's
//! language and never drift from `--help`.

use clap::Args;
use clap_complete::Shell;

use super::localize;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    shell: Shell,
}

/// The script, to be sourced by the shell (the README says where).
pub fn completions(args: &CompletionsArgs) -> String {
    script(args.shell)
}

pub fn script(shell: Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut localize::command(), "guanxi", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
