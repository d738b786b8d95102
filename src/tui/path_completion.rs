//! Tab in a box that asks for a file: the path typed so far is completed
//! as a shell completes it. One match is taken whole (a folder with its
//! `/`, ready for the next Tab); several are completed to what they have
//! in common and listed, so the user sees what to type next.

use std::path::{Path, PathBuf};

use super::input::LineInput;

/// How many matches are listed at most: the box has one line for them.
const LISTED: usize = 50;

/// What a Tab did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completed {
    /// The names that match when more than one does (folders end in `/`),
    /// sorted; empty when the path was completed whole or nothing matched.
    pub choices: Vec<String>,
}

/// Completes the path in `input` (the whole text is the path). `~/` is
/// the home folder; a relative path is from the current folder.
pub fn complete(input: &mut LineInput) -> Completed {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let cwd = std::env::current_dir().unwrap_or_default();
    let (text, choices) = complete_in(input.text(), home.as_deref(), &cwd);
    if text != input.text() {
        input.set(&text);
    }
    Completed { choices }
}

/// The completed text and, when several names match, those names.
fn complete_in(typed: &str, home: Option<&Path>, cwd: &Path) -> (String, Vec<String>) {
    let (dir_part, prefix) = match typed.rfind('/') {
        Some(i) => typed.split_at(i + 1),
        None => ("", typed),
    };
    let dir = folder_of(dir_part, home, cwd);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (typed.to_string(), Vec::new());
    };
    let mut matches: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            // A name that is not UTF-8 cannot be typed in the box.
            let name = e.file_name().into_string().ok()?;
            let hidden = name.starts_with('.') && !prefix.starts_with('.');
            if hidden || !name.starts_with(prefix) {
                return None;
            }
            // Through a link, as opening it will go.
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some((name, is_dir))
        })
        .collect();
    matches.sort();
    match matches.as_slice() {
        [] => (typed.to_string(), Vec::new()),
        [(name, is_dir)] => {
            let slash = if *is_dir { "/" } else { "" };
            (format!("{dir_part}{name}{slash}"), Vec::new())
        }
        _ => {
            let common = common_prefix(matches.iter().map(|(n, _)| n.as_str()));
            let shown = matches
                .iter()
                .take(LISTED)
                .map(|(n, d)| if *d { format!("{n}/") } else { n.clone() })
                .collect();
            (format!("{dir_part}{common}"), shown)
        }
    }
}

/// The folder `dir_part` (as typed, ending in `/` or empty) names.
fn folder_of(dir_part: &str, home: Option<&Path>, cwd: &Path) -> PathBuf {
    if dir_part.is_empty() {
        return cwd.to_path_buf();
    }
    if let (Some(rest), Some(home)) = (dir_part.strip_prefix("~/"), home) {
        return home.join(rest);
    }
    let path = Path::new(dir_part);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    }
}

/// The longest start all `names` share, cut on a character boundary.
fn common_prefix<'a>(mut names: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = names.next() else {
        return String::new();
    };
    let mut len = first.len();
    for name in names {
        len = first
            .char_indices()
            .zip(name.chars())
            .take_while(|((_, a), b)| a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
            .min(len);
    }
    first[..len].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(p.join("khách hàng.csv"), "").unwrap();
        std::fs::write(p.join("khách hàng.vcf"), "").unwrap();
        std::fs::write(p.join("客户名单.csv"), "").unwrap();
        std::fs::write(p.join(".hidden.csv"), "").unwrap();
        std::fs::create_dir(p.join("danh bạ")).unwrap();
        std::fs::write(p.join("danh bạ").join("Lan.vcf"), "").unwrap();
        dir
    }

    #[test]
    fn one_match_is_taken_whole_and_a_folder_gets_its_slash() {
        let dir = folder();
        let cwd = dir.path();
        assert_eq!(complete_in("客", None, cwd), ("客户名单.csv".to_string(), vec![]));
        assert_eq!(complete_in("d", None, cwd), ("danh bạ/".to_string(), vec![]));
        assert_eq!(
            complete_in("danh bạ/L", None, cwd),
            ("danh bạ/Lan.vcf".to_string(), vec![])
        );
    }

    #[test]
    fn several_matches_complete_to_their_common_start_and_are_listed() {
        let dir = folder();
        let (text, choices) = complete_in("k", None, dir.path());
        assert_eq!(text, "khách hàng.");
        assert_eq!(choices, ["khách hàng.csv", "khách hàng.vcf"]);
        // Hidden files only when asked for.
        let (text, choices) = complete_in("", None, dir.path());
        assert_eq!(text, "");
        assert_eq!(
            choices,
            ["danh bạ/", "khách hàng.csv", "khách hàng.vcf", "客户名单.csv"]
        );
        assert_eq!(complete_in(".h", None, dir.path()).0, ".hidden.csv");
    }

    #[test]
    fn home_and_absolute_paths_keep_their_form() {
        let dir = folder();
        let home = dir.path();
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(complete_in("~/客", Some(home), elsewhere.path()).0, "~/客户名单.csv");
        let absolute = format!("{}/danh", home.display());
        assert_eq!(
            complete_in(&absolute, None, elsewhere.path()).0,
            format!("{}/danh bạ/", home.display())
        );
    }

    #[test]
    fn nothing_matching_or_no_folder_changes_nothing() {
        let dir = folder();
        assert_eq!(complete_in("zzz", None, dir.path()), ("zzz".to_string(), vec![]));
        assert_eq!(
            complete_in("missing/a", None, dir.path()),
            ("missing/a".to_string(), vec![])
        );
    }

    #[test]
    fn common_prefixes_cut_on_characters() {
        assert_eq!(common_prefix(["khách", "khánh"].into_iter()), "khá");
        assert_eq!(common_prefix(["客户", "客人"].into_iter()), "客");
        assert_eq!(common_prefix(["a"].into_iter()), "a");
    }
}
