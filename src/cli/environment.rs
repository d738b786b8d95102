//! The environment variables guanxi reads, listed once: `--help` shows
//! them after the options, and guanxi(1) and guanxi-config(5) in their
//! ENVIRONMENT sections.

use std::fmt::Write as _;

use crate::i18n::t;

/// One variable (or a group read together) and the catalogue key of what
/// it does.
pub struct Variable {
    pub names: &'static str,
    pub key: &'static str,
}

/// What a user sets.
pub const VARIABLES: &[Variable] = &[
    Variable {
        names: "GUANXI_WORKSPACE",
        key: "cli.env.workspace",
    },
    Variable {
        names: "GUANXI_CONFIG",
        key: "cli.env.config",
    },
    Variable {
        names: "GUANXI_PASSPHRASE",
        key: "cli.env.passphrase",
    },
    Variable {
        names: "GUANXI_IDENTITY",
        key: "cli.env.identity",
    },
    Variable {
        names: "GUANXI_USER",
        key: "cli.env.user",
    },
    Variable {
        names: "LC_ALL, LC_MESSAGES, LANG",
        key: "cli.env.lang",
    },
    Variable {
        names: "NO_COLOR",
        key: "cli.env.no_color",
    },
    Variable {
        names: "VISUAL, EDITOR",
        key: "cli.env.editor",
    },
    Variable {
        names: "HOME, XDG_CONFIG_HOME, XDG_DATA_HOME",
        key: "cli.env.home",
    },
];

/// Settings for tests and benchmarks: they pin what would otherwise vary
/// from run to run. They work in every build (CI and the benchmarks run
/// release builds too), so they are documented rather than hidden.
pub const TEST_VARIABLES: &[Variable] = &[
    Variable {
        names: "GUANXI_NOW",
        key: "cli.env.now",
    },
    Variable {
        names: "GUANXI_SEGMENT_BYTES",
        key: "cli.env.segment_bytes",
    },
];

/// The list for the end of `guanxi --help`, with headings drawn as the
/// help's own (`heading` makes them bold and underlined). Each variable
/// is on a line of its own, what it does on the next, wrapped here so
/// that every line keeps its indent in an 80-column terminal.
pub fn help_text(heading: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for (title, list) in [
        ("cli.env.heading", VARIABLES),
        ("cli.env.tests_heading", TEST_VARIABLES),
    ] {
        let _ = write!(out, "\n{}:\n", heading(title));
        for v in list {
            let _ = writeln!(out, "  {}", v.names);
            for line in wrap(t(v.key), HELP_WIDTH) {
                let _ = writeln!(out, "          {line}");
            }
        }
    }
    out.trim().to_string()
}

/// Columns for a variable's description after its indent of 10, as
/// clap indents an option's long help.
const HELP_WIDTH: usize = 68;

/// `text` in lines at most `width` columns wide (a wide character takes
/// two), broken between words or next to a wide character (Chinese has
/// no spaces); only a word longer than a line is cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    // Pieces that stay together, each with whether a space came before it.
    let mut pieces: Vec<(bool, String)> = Vec::new();
    let mut spaced = false;
    for c in text.chars() {
        if c == ' ' {
            spaced = true;
            continue;
        }
        let wide = c.width().unwrap_or(0) > 1;
        // A wide character stands alone; narrow ones join the word before.
        let joins = |word: &String| !spaced && !wide && word.chars().last().is_none_or(|l| l.width().unwrap_or(0) <= 1);
        match pieces.last_mut() {
            Some((_, word)) if joins(word) => word.push(c),
            _ => pieces.push((spaced, c.to_string())),
        }
        spaced = false;
    }
    let mut lines = Vec::new();
    let (mut line, mut used) = (String::new(), 0);
    for (spaced, piece) in pieces {
        let piece_width: usize = piece.chars().map(|c| c.width().unwrap_or(0)).sum();
        let gap = usize::from(spaced && used > 0);
        if used > 0 && used + gap + piece_width > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        } else if gap == 1 {
            line.push(' ');
            used += 1;
        }
        for c in piece.chars() {
            let w = c.width().unwrap_or(0);
            if used > 0 && used + w > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_wrap_between_words_or_wide_characters() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("short", 40), ["short"]);
        assert_eq!(wrap("工作区文件夹", 6), ["工作区", "文件夹"]);
        assert_eq!(wrap("位置（~/.config）", 12), ["位置（", "~/.config）"]);
        assert_eq!(wrap("a verylongword", 5), ["a", "veryl", "ongwo", "rd"]);
        assert!(wrap("", 10).is_empty());
    }

    /// Every variable the code reads by name (with `std::env::var`,
    /// `var_os` or clap's `env =`) is listed.
    #[test]
    fn every_variable_read_is_listed() {
        let mut found = Vec::new();
        for (path, text) in crate::source_scan::rust_sources() {
            for call in ["env::var(\"", "var_os(\"", "env = \""] {
                for (at, _) in text.match_indices(call) {
                    // A cfg such as `target_env` is not clap's attribute.
                    let joined = text[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_');
                    if joined {
                        continue;
                    }
                    let rest = &text[at + call.len()..];
                    if let Some(end) = rest.find('"') {
                        found.push((rest[..end].to_string(), path.clone()));
                    }
                }
            }
        }
        assert!(found.iter().any(|(name, _)| name == "GUANXI_NOW"), "the scan works");
        let listed: Vec<&str> = VARIABLES
            .iter()
            .chain(TEST_VARIABLES)
            .flat_map(|v| v.names.split(", "))
            .collect();
        // Read by this file's test, not by guanxi.
        let missing: Vec<_> = found
            .iter()
            .filter(|(name, _)| !listed.contains(&name.as_str()) && name != "CARGO_MANIFEST_DIR")
            .collect();
        assert!(missing.is_empty(), "not listed in cli/environment.rs: {missing:?}");
    }
}
