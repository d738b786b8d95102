//! The command line in the user's language. clap builds the parser from
//! the derive in `mod.rs`; here its help texts are replaced by the
//! catalogue's (`cli.help.<command>.<argument>`), and its complaints about
//! mistyped command lines are worded from `cli.parse.*`.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory};

use crate::i18n::{self, Lang, lookup, t, tf};
use crate::workspace::{Config, Locations};

/// The language for this run: `--lang`, else the config file's `lang`,
/// else the environment (`LC_ALL`, `LC_MESSAGES`, `LANG`). Read before
/// clap parses, because clap's own messages must already be localized.
pub fn choose_language(args: &[OsString], config: Option<&Config>) -> Lang {
    flag_value(args, "--lang")
        .and_then(|v| Lang::parse(&v))
        .or_else(|| config.and_then(Config::language))
        .unwrap_or_else(Lang::from_env)
}

/// The config file, if it can be read; a broken one is reported later,
/// by the command that needs it, in the chosen language. The file is the
/// one `--config` or `GUANXI_CONFIG` names, as clap will find it.
pub fn early_config(args: &[OsString]) -> Option<Config> {
    let locations = Locations::from_env().ok()?;
    let named = flag_value(args, "--config").map(PathBuf::from).or_else(|| {
        std::env::var_os("GUANXI_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let locations = match named {
        Some(file) => locations.with_config_file(&file),
        None => locations,
    };
    Config::load(&locations.config_file).ok()
}

fn flag_value(args: &[OsString], flag: &str) -> Option<String> {
    let mut iter = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if arg == flag {
            return iter.next().map(|v| v.into_owned());
        }
        if let Some(value) = arg.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
            return Some(value.to_string());
        }
    }
    None
}

/// `--lang`'s value.
pub fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| tf("error.unknown_lang", &[("value", &s)]))
}

/// The whole command tree with every help text in the current language.
pub fn command() -> Command {
    let mut cmd = localize(super::Cli::command(), "cli.help")
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .display_order(991)
                .help(t("cli.help.version")),
        )
        .after_help(super::environment::help_text(heading));
    // `help` as a subcommand only exists once clap has built the tree.
    cmd.build();
    cmd.mut_subcommand("help", |help| {
        help.about(t("cli.help.help_command"))
            .help_template(template(false, true))
    })
}

fn localize(cmd: Command, prefix: &str) -> Command {
    let has_subcommands = cmd.has_subcommands();
    let has_positionals = cmd.get_positionals().next().is_some();
    let mut cmd = cmd
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .display_order(990)
                .help(t("cli.help.help")),
        )
        .mut_args(|arg| localize_arg(arg, prefix))
        .help_template(template(has_subcommands, has_positionals));
    if let Some(about) = lookup(&format!("{prefix}.about")) {
        cmd = cmd.about(about);
    }
    cmd = match lookup(&format!("{prefix}.long_about")) {
        Some(long) => cmd.long_about(long),
        None => cmd.long_about(None),
    };
    cmd.mut_subcommands(|sub| {
        let name = sub.get_name().to_string();
        localize(sub, &format!("{prefix}.{name}"))
    })
}

fn localize_arg(arg: Arg, prefix: &str) -> Arg {
    // Options every command shares come after the command's own.
    let arg = if arg.is_global_set() {
        arg.display_order(900)
    } else {
        arg
    };
    let key = format!("{prefix}.{}", arg.get_id());
    let arg = match lookup(&key).or_else(|| lookup(&format!("cli.help.{}", arg.get_id()))) {
        Some(help) => arg.help(help),
        None => arg,
    };
    match lookup(&format!("{key}_long")) {
        Some(long) => arg.long_help(long),
        None => arg.long_help(None),
    }
}

/// clap's default layout, with headings from the catalogue. Headings are
/// bold and underlined as clap draws them; the escapes are dropped when
/// the output is not a terminal.
fn template(has_subcommands: bool, has_positionals: bool) -> String {
    let mut out = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n",
        heading("cli.help.usage")
    );
    if has_subcommands {
        let _ = write!(out, "\n{}:\n{{subcommands}}\n", heading("cli.help.commands"));
    }
    if has_positionals {
        let _ = write!(out, "\n{}:\n{{positionals}}\n", heading("cli.help.arguments"));
    }
    let _ = write!(out, "\n{}:\n{{options}}{{after-help}}", heading("cli.help.options"));
    out
}

/// A heading of the help, from the catalogue, drawn as clap draws its own.
fn heading(key: &str) -> String {
    format!("\x1b[1m\x1b[4m{}\x1b[0m", t(key))
}

/// What to print for a command line clap could not make sense of. English
/// keeps clap's own wording, which names the mistake precisely; the other
/// languages get the catalogue's, with clap's suggestions and usage.
pub fn explain(err: &clap::Error) -> String {
    if i18n::language() == Lang::En || err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return err.render().to_string();
    }
    let text = |kind: ContextKind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = text(ContextKind::InvalidArg);
    let mut out = String::from("error: ");
    match err.kind() {
        ErrorKind::UnknownArgument => out += &tf("cli.parse.unknown_argument", &[("arg", &arg)]),
        ErrorKind::InvalidSubcommand => {
            let command = text(ContextKind::InvalidSubcommand);
            out += &tf("cli.parse.unknown_command", &[("arg", &command)]);
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = text(ContextKind::InvalidValue);
            out += &tf("cli.parse.invalid_value", &[("value", &value), ("arg", &arg)]);
            if let Some(reason) = std::error::Error::source(err) {
                let _ = write!(out, ": {reason}");
            }
            let possible = text(ContextKind::ValidValue);
            if !possible.is_empty() {
                let _ = write!(out, "\n  {}", tf("cli.parse.possible_values", &[("values", &possible)]));
            }
        }
        ErrorKind::MissingRequiredArgument => out += &tf("cli.parse.missing_required", &[("args", &arg)]),
        ErrorKind::MissingSubcommand => {
            out += t("cli.parse.missing_command");
        }
        ErrorKind::ArgumentConflict => {
            let other = text(ContextKind::PriorArg);
            out += &tf("cli.parse.conflict", &[("arg", &arg), ("other", &other)]);
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            let value = text(ContextKind::InvalidValue);
            out += &tf("cli.parse.extra_value", &[("value", &value)]);
        }
        ErrorKind::NoEquals | ErrorKind::TooFewValues => out += &tf("cli.parse.missing_value", &[("arg", &arg)]),
        _ => out += err.kind().as_str().unwrap_or_default(),
    }
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        let suggestion = text(kind);
        if !suggestion.is_empty() {
            let _ = write!(
                out,
                "\n  {}",
                tf("cli.parse.did_you_mean", &[("suggestion", &suggestion)])
            );
        }
    }
    let usage = text(ContextKind::Usage);
    if let Some(usage) = usage.trim().split_once(' ').map(|(_, rest)| rest.trim()) {
        let _ = write!(out, "\n\n{}", tf("cli.parse.usage", &[("usage", &usage)]));
    }
    let _ = write!(out, "\n{}\n", t("cli.parse.more_help"));
    out
}
