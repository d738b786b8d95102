//! `guanxi man [--out DIR]`: the manual pages. guanxi(1) and a page per
//! subcommand (guanxi-add(1), guanxi-deal-add(1), ...) come from the same
//! localized command tree as `--help` (clap_mangen), so they say what it
//! says in the user's language; guanxi-config(5), the files and the
//! environment, is written in `config_page`.

use std::fs;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::{Args, Command};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use super::{config_page, environment, localize};
use crate::i18n::{t, tn};

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The folder to write every page into (made when missing); without it, guanxi(1) is printed
    #[arg(long, value_name = "DIR")]
    pub(super) out: Option<PathBuf>,
}

/// One manual page: its file name (`guanxi-add.1`) and its roff text.
pub struct Page {
    pub file_name: String,
    pub text: String,
}

pub fn man(args: &ManArgs) -> Result<String> {
    let pages = pages()?;
    let Some(dir) = &args.out else {
        return Ok(pages.into_iter().next().map(|p| p.text).unwrap_or_default());
    };
    fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    for page in &pages {
        let path = dir.join(&page.file_name);
        fs::write(&path, &page.text).with_context(|| path.display().to_string())?;
    }
    Ok(tn("cli.man.wrote", pages.len(), &[("path", &dir.display())]) + "\n")
}

/// Every page, guanxi(1) first and guanxi-config(5) last.
pub fn pages() -> Result<Vec<Page>> {
    let root = without_help_command(localize::command());
    let mut pages = Vec::new();
    command_pages(&root, true, &mut pages)?;
    pages.push(Page {
        file_name: "guanxi-config.5".to_string(),
        text: config_page::page(),
    });
    for page in &mut pages {
        page.text = breakable(&page.text);
    }
    Ok(pages)
}

/// groff breaks lines only at spaces, and Chinese has none: a break point
/// (`\:`) after each wide character lets it wrap a Chinese sentence, and
/// Chinese pages are set ragged-right, as lines without spaces cannot be
/// stretched to the margin. Either way groff has nothing to warn about.
fn breakable(text: &str) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for line in text.split_inclusive('\n') {
        if line.starts_with('.') || line.starts_with('\'') {
            out.push_str(line);
            if line.starts_with(".TH ") && crate::i18n::language() == crate::i18n::Lang::Zh {
                out.push_str(".ad l\n");
            }
            continue;
        }
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            if c.width().unwrap_or(0) > 1 && chars.peek().is_some_and(|next| *next != '\n') {
                out.push_str("\\:");
            }
        }
    }
    out
}

/// The `help` subcommand clap adds only repeats `--help`: no page of its
/// own, and not listed on its parent's.
fn without_help_command(cmd: Command) -> Command {
    let cmd = if cmd.find_subcommand("help").is_some() {
        cmd.mut_subcommand("help", |help| help.hide(true))
    } else {
        cmd
    };
    cmd.mut_subcommands(without_help_command)
}

fn command_pages(cmd: &Command, is_root: bool, pages: &mut Vec<Page>) -> Result<()> {
    // The environment is said in its own section, not as `--help` ends.
    let man = Man::new(cmd.clone().after_help(None::<&str>))
        .source(format!("guanxi {}", env!("CARGO_PKG_VERSION")))
        .manual(t("cli.man.manual"));
    let mut text = Vec::new();
    man.render(&mut text)?;
    let mut text = localize_headings(&String::from_utf8_lossy(&text));
    let mut roff = Roff::new();
    if is_root {
        environment_section(&mut roff);
        files_section(&mut roff);
        see_also(&mut roff, &["guanxi-config(5)"]);
    } else {
        see_also(&mut roff, &["guanxi(1)", "guanxi-config(5)"]);
    }
    text.push_str(&roff.to_roff());
    pages.push(Page {
        file_name: man.get_filename(),
        text,
    });
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        command_pages(sub, false, pages)?;
    }
    Ok(())
}

/// clap_mangen heads its sections in English; they are said in the
/// user's language like the rest of the page.
fn localize_headings(text: &str) -> String {
    const HEADINGS: [(&str, &str); 6] = [
        ("NAME", "cli.man.heading.name"),
        ("SYNOPSIS", "cli.man.heading.synopsis"),
        ("DESCRIPTION", "cli.man.heading.description"),
        ("OPTIONS", "cli.man.heading.options"),
        ("SUBCOMMANDS", "cli.man.heading.subcommands"),
        ("VERSION", "cli.man.heading.version"),
    ];
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let heading = line.trim_end().strip_prefix(".SH ");
        match heading.and_then(|h| HEADINGS.iter().find(|(english, _)| *english == h)) {
            Some((_, key)) => out.push_str(&Roff::new().control("SH", [t(key)]).to_roff()),
            None => out.push_str(line),
        }
    }
    out
}

/// A section heading in the user's language.
pub fn heading(roff: &mut Roff, key: &str) {
    roff.control("SH", [t(key)]);
}

/// A tagged paragraph: `term` in bold, then what it is.
pub fn entry(roff: &mut Roff, term: &str, text: &str) {
    roff.control("TP", []);
    roff.text([bold(term)]);
    roff.text([roman(text)]);
}

/// The environment variables, those for tests after the others.
pub fn environment_section(roff: &mut Roff) {
    heading(roff, "cli.man.heading.environment");
    for v in environment::VARIABLES {
        entry(roff, v.names, t(v.key));
    }
    roff.control("SS", [t("cli.env.tests_heading")]);
    for v in environment::TEST_VARIABLES {
        entry(roff, v.names, t(v.key));
    }
}

/// Where the files are on Linux; `guanxi paths` says where they are here.
pub fn files_section(roff: &mut Roff) {
    heading(roff, "cli.man.heading.files");
    let files: [(&str, &str); 5] = [
        ("~/.config/guanxi/config.toml", "cli.man.files.config"),
        ("~/.config/guanxi/keymap.toml", "cli.man.files.keymap"),
        ("~/.config/guanxi/theme.toml", "cli.man.files.theme"),
        ("~/.local/share/guanxi/workspace/", "cli.man.files.workspace"),
        ("~/.local/share/guanxi/workspaces/ID/", "cli.man.files.state"),
    ];
    for (path, key) in files {
        entry(roff, path, t(key));
    }
    roff.control("PP", []);
    roff.text([roman(t("cli.man.files.where"))]);
}

pub fn see_also(roff: &mut Roff, pages: &[&str]) {
    heading(roff, "cli.man.heading.see_also");
    roff.text([roman(pages.join(", "))]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_may_break_between_characters() {
        let text = breakable(".TH x 1\n.SH 名称\n关系 guanxi：工具\n");
        assert_eq!(text, ".TH x 1\n.SH 名称\n关\\:系\\: guanxi：\\:工\\:具\n");
    }

    #[test]
    fn headings_are_said_in_the_language() {
        crate::i18n::set_thread_language(crate::i18n::Lang::Vi);
        let text = localize_headings(".TH x 1\n.SH NAME\nguanxi\n.SH OPTIONS\n.SH OTHER\n");
        crate::i18n::set_thread_language(crate::i18n::Lang::En);
        assert!(!text.contains(".SH NAME") && !text.contains(".SH OPTIONS"), "{text}");
        assert!(text.contains(".SH OTHER\n") && text.starts_with(".TH x 1\n"), "{text}");
    }
}
