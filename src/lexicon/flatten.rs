//! A catalogue's TOML table as flat `(dotted key, text)` pairs: used by
//! the program (`Catalogue::parse`) and by `build.rs`, which flattens the
//! embedded catalogues once, when guanxi is built.

/// Adds the pairs of `table` to `out`, each key under `prefix`; a value
/// that is not a string (none should be) as its TOML text.
pub fn flatten(prefix: &str, table: &toml::Table, out: &mut impl Extend<(String, String)>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => out.extend([(key, s.clone())]),
            toml::Value::Table(t) => flatten(&key, t, out),
            other => out.extend([(key, other.to_string())]),
        }
    }
}
