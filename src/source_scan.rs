//! For tests that check the source against a list kept elsewhere (the
//! catalogue's keys, the environment variables on `--help`): every Rust
//! file under `src/`, with its text.

use std::path::Path;

/// Each `.rs` file under `src/`: its path (as shown in a failure) and text.
pub fn rust_sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, found: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("src readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source readable");
                found.push((path.display().to_string(), text));
            }
        }
    }
    let mut found = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    found
}
