//! Flattens the locale catalogues (`assets/locales/*.toml`) into sorted
//! tables of `(dotted key, text)` compiled into the program: parsing
//! en.toml at run time was a tenth of a `show`. `lexicon::tests` checks
//! the tables against a parse of the same files.

use std::fmt::Write;
use std::path::Path;

#[path = "src/lexicon/flatten.rs"]
mod flatten;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/lexicon/flatten.rs");
    let mut code = String::new();
    for lang in ["en", "vi", "zh"] {
        let path = format!("assets/locales/{lang}.toml");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // One that does not parse is left empty here: the program then
        // shows English, and the tests (which parse it) say why.
        let table: toml::Table = toml::from_str(&text).unwrap_or_default();
        let mut entries: Vec<(String, String)> = Vec::new();
        flatten::flatten("", &table, &mut entries);
        entries.sort();
        let _ = writeln!(code, "pub static {}: &[(&str, &str)] = &[", lang.to_uppercase());
        for (key, value) in entries {
            let _ = writeln!(code, "    ({key:?}, {value:?}),");
        }
        let _ = writeln!(code, "];");
    }
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(e) = std::fs::write(Path::new(&out).join("catalogues.rs"), code) {
        panic!("writing the flattened catalogues to {out}: {e}");
    }
}
