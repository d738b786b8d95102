//! The floors `benches/cli.rs` measures guanxi's commands against: each is
//! the least a fresh process can do for that kind of work. Built by the
//! benchmark itself (`cargo build --profile bench --example cli_floor`).
//!
//! - `cli_floor`: a bare Rust process that starts and exits.
//! - `cli_floor sled VIEW_DIR CUSTOMER_ID`: opens the sled view as guanxi
//!   does for one command (same cache size, mode, no background flusher)
//!   and reads that customer's key.
//! - `cli_floor fsync FILE`: appends 200 bytes to FILE and fsyncs it once.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = match args.as_slice() {
        [] => Ok(()),
        ["sled", dir, id] => sled_read(dir, id),
        ["fsync", file] => append_and_sync(file),
        _ => Err("usage: cli_floor [sled VIEW_DIR CUSTOMER_ID | fsync FILE]".to_string()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The key layout of guanxi's view (src/store/places.rs): a customer's
/// place is in the group `C` and the top 11 bits of its id (2 bytes,
/// big-endian), with those of the other customers that share them.
fn sled_read(dir: &str, id: &str) -> Result<(), String> {
    let id = u64::from_str_radix(id, 16).map_err(|e| format!("customer id {id}: {e}"))?;
    // As guanxi opens it for one command (src/store/view_files.rs,
    // `for_one_command`): an 8 MiB cache, no background flusher.
    let db = sled::Config::new()
        .path(dir)
        .cache_capacity(8 << 20)
        .mode(sled::Mode::HighThroughput)
        .flush_every_ms(None)
        .open()
        .map_err(|e| format!("open {dir}: {e}"))?;
    let tree = db.open_tree("view").map_err(|e| e.to_string())?;
    let mut key = vec![b'C'];
    key.extend_from_slice(&((id >> 53) as u16).to_be_bytes());
    let found = matches!(tree.get(&key).map_err(|e| e.to_string())?, Some(v) if !v.is_empty());
    if !found {
        return Err(format!("no customer {id:016x} in {dir}"));
    }
    // Nothing was written: a reader need not flush on the way out.
    std::mem::forget(tree);
    std::mem::forget(db);
    Ok(())
}

fn append_and_sync(file: &str) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .map_err(|e| format!("{file}: {e}"))?;
    f.write_all(&[b'x'; 200]).map_err(|e| e.to_string())?;
    f.sync_all().map_err(|e| e.to_string())
}
