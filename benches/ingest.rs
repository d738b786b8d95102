//! How fast a replica takes in a teammate's journal: `cargo bench --bench ingest`.
//!
//! One replica writes sample data (customers, interactions, stage moves,
//! follow-ups); a second replica, on another local state, then opens the
//! workspace and applies every op. The bare baseline reads and decodes the
//! same frames without applying them: the floor for any ingest.
//!
//! Prints `name value unit target baseline ratio`, medians of three runs.

use std::time::Instant;

use guanxi::demo::{DemoSpec, generate};
use guanxi::domain::Rules;
use guanxi::store::{OpenOptions, Store};
use guanxi::sync::journal;
use guanxi::workspace::Clock;

fn options(root: &std::path::Path, state: &str) -> OpenOptions {
    OpenOptions {
        workspace: root.join("ws"),
        state_root: root.join(state),
        author: state.to_string(),
        clock: Clock::system(),
        rules: Rules::default(),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (customers, interactions) = if quick { (2_000, 20_000) } else { (10_000, 100_000) };
    let dir = tempfile::tempdir().expect("temp dir");
    let ops = {
        let mut writer = Store::open(options(dir.path(), "writer")).expect("open writer");
        let spec = DemoSpec {
            customers,
            interactions,
            seed: 7,
        };
        generate(&mut writer, &spec, |_| {}).expect("sample data");
        let replica = writer.replica();
        count_ops(&dir.path().join("ws"), replica)
    };
    let mut rates = Vec::new();
    let mut bare = Vec::new();
    for run in 0..3 {
        let t = Instant::now();
        let reader = Store::open(options(dir.path(), &format!("reader{run}"))).expect("open reader");
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(reader.recovery().arrived_count(), ops, "every op arrived");
        rates.push(ops as f64 / secs);
        drop(reader);
        let t = Instant::now();
        let decoded = decode_all(&dir.path().join("ws"));
        bare.push(decoded as f64 / t.elapsed().as_secs_f64());
    }
    let rate = median(rates);
    let floor = median(bare);
    println!("# {ops} ops ({customers} customers, {interactions} interactions), median of 3");
    println!("name value unit target baseline ratio");
    println!("ingest_rate {:.0} ops/s >=10000 {:.0} {:.2}", rate, floor, floor / rate);
    if rate < 10_000.0 {
        eprintln!("ingest_rate below target");
        std::process::exit(1);
    }
}

fn count_ops(ws: &std::path::Path, replica: guanxi::sync::ReplicaId) -> u64 {
    let dir = journal::replica_dir(ws, replica);
    journal::segments(&dir)
        .expect("segments")
        .into_iter()
        .map(|n| {
            journal::read_segment(&journal::segment_path(&dir, n), 0, &guanxi::encryption::Keys::plain())
                .expect("read")
                .len() as u64
        })
        .sum()
}

/// Reads and decodes every op of every replica, applying nothing.
fn decode_all(ws: &std::path::Path) -> u64 {
    let mut n = 0;
    for replica in journal::replicas(ws).expect("replicas") {
        let dir = journal::replica_dir(ws, replica);
        for seg in journal::segments(&dir).expect("segments") {
            let frames =
                journal::read_segment(&journal::segment_path(&dir, seg), 0, &guanxi::encryption::Keys::plain())
                    .expect("read");
            for (payload, _) in frames.iter() {
                let op: guanxi::store::Op = guanxi::store::codec::decode(payload).expect("decode");
                std::hint::black_box(&op);
                n += 1;
            }
        }
    }
    n
}
