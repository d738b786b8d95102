//! How the process runs a command that reads or changes a few records and
//! exits (`show`, `log`, `list`…), as against the UI and bulk work.

/// Lightens the process for one short command: a small sled cache (it
/// reads each record once) and no closing flush when nothing was written.
/// Transparent huge pages are already off (`allocator::no_huge_pages`,
/// before the first allocation).
pub fn one_short_command() {
    crate::store::for_one_command();
}

/// For the UI, imports, sample data and the other long work: transparent
/// huge pages back on. They allocate a great deal for longer, and huge
/// pages made a 10,000-contact import faster.
pub fn long_work() {
    crate::allocator::huge_pages_again();
}

/// The commands that name one customer (or say the version or where
/// files are): each reads or changes a handful of records, so its
/// process is best off without mimalloc (see `allocator`).
const ONE_CUSTOMER: &[&str] = &[
    "add",
    "show",
    "edit",
    "log",
    "stage",
    "follow-up",
    "done",
    "note",
    "delete",
    "paths",
];

/// The global options that take a value as the next argument.
const VALUED_OPTIONS: &[&str] = &[
    "--workspace",
    "-w",
    "--lang",
    "--config",
    "--passphrase-file",
    "--identity",
];

/// Whether the command line (without the program's name) asks for a
/// command that names one customer, or only for the version. Read as the
/// program is loaded, before anything is allocated, so it allocates
/// nothing and only looks for the command's name: a line it misreads
/// costs time, never correctness.
pub fn names_one_customer<'a>(args: impl IntoIterator<Item = &'a [u8]>) -> bool {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == b"--version" || arg == b"-V" {
            return true;
        }
        if VALUED_OPTIONS.iter().any(|o| o.as_bytes() == arg) {
            args.next();
        } else if !arg.starts_with(b"-") {
            return ONE_CUSTOMER.iter().any(|c| c.as_bytes() == arg);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> bool {
        names_one_customer(line.split_whitespace().map(str::as_bytes))
    }

    #[test]
    fn the_command_is_found_after_global_options_and_their_values() {
        assert!(names("show 1a2b"));
        assert!(names("--workspace list log 1a2b --summary x"));
        assert!(names("-w /tmp/ws --lang vi follow-up an --due tomorrow"));
        assert!(names("--version"));
        assert!(!names("list --stage loyalty"));
        assert!(!names("--lang zh agenda"));
        assert!(!names("--workspace show"));
        assert!(!names(""));
        assert!(!names("--lang vi"));
        assert!(!names("import contacts.vcf"));
    }

    /// Every name in the lists is a real command or global option, so a
    /// command renamed in the CLI cannot silently leave it.
    #[test]
    fn the_lists_name_real_commands_and_options() {
        let cli = <crate::cli::Cli as clap::CommandFactory>::command();
        for name in ONE_CUSTOMER {
            assert!(cli.find_subcommand(name).is_some(), "{name} is not a command");
        }
        for option in VALUED_OPTIONS {
            let found = cli.get_arguments().any(|a| {
                a.get_long().is_some_and(|l| format!("--{l}") == *option)
                    || a.get_short().is_some_and(|s| format!("-{s}") == *option)
            });
            assert!(found, "{option} is not an option");
        }
    }
}
