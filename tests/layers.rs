//! The crate's layers (see `src/lib.rs`) point one way: a module uses only
//! the modules below it, tests included, so there is no back-arrow to
//! untangle later.

use std::path::Path;

/// Bottom to top.
const LAYERS: [&str; 10] = [
    "lexicon",
    "domain",
    "i18n",
    "sync",
    "workspace",
    "store",
    "interop",
    "demo",
    "tui",
    "cli",
];

/// Every `crate::<layer>` a file names, with the line it is on.
fn uses(text: &str) -> Vec<(&'static str, usize)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for (at, _) in line.match_indices("crate::") {
            let before = line[..at].chars().next_back().unwrap_or(' ');
            let rest = &line[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            // `$crate::` in a macro names this crate as `crate::` does.
            if before.is_alphanumeric() || before == '_' {
                continue;
            }
            if let Some(layer) = LAYERS.iter().find(|l| **l == name) {
                found.push((*layer, n + 1));
            }
        }
    }
    found
}

fn files(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("src readable").flatten() {
            files(&entry.path(), out);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn no_layer_uses_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut back_arrows = Vec::new();
    let mut checked = 0;
    for (level, layer) in LAYERS.iter().enumerate() {
        let mut found = Vec::new();
        files(&src.join(layer), &mut found);
        files(&src.join(format!("{layer}.rs")), &mut found);
        assert!(!found.is_empty(), "no source for {layer}");
        for file in found {
            let text = std::fs::read_to_string(&file).expect("source readable");
            for (used, line) in uses(&text) {
                checked += 1;
                let above = LAYERS.iter().position(|l| *l == used).is_some_and(|u| u > level);
                if above {
                    back_arrows.push(format!("{}:{line} uses crate::{used}", file.display()));
                }
            }
        }
    }
    assert!(checked > 100, "the scan found only {checked} uses");
    assert!(back_arrows.is_empty(), "back-arrows:\n{}", back_arrows.join("\n"));
}

#[test]
fn the_scan_sees_uses() {
    assert_eq!(uses("use crate::i18n::{t, tf};"), [("i18n", 1)]);
    assert_eq!(uses("x\n  $crate::domain::names::Names::new()"), [("domain", 2)]);
    assert_eq!(uses("let a = crate::store::Store::open();"), [("store", 1)]);
    assert!(uses("use crate::domainx; mycrate::tui").is_empty());
}
