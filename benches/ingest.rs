//! How fast a replica takes in a teammate's journal: `cargo bench --bench ingest`.
//!
//! One replica writes sample data (customers, interactions, stage moves,
//! follow-ups); a second replica, on another local state, then opens the
//! workspace and applies every op. The bare baseline reads and decodes the
//! same frames without applying them: the floor for any ingest.
//!
//! The same is done in an encrypted workspace (every frame sealed with the
//! team key): its rate is printed beside the plain one, which is its
//! baseline, and must stay over 50,000 ops/s.
//!
//! Prints `name value unit target baseline ratio`, medians of three runs.

use std::time::Instant;

use guanxi::demo::{DemoSpec, generate};
use guanxi::domain::Rules;
use guanxi::encryption::{Keyring, Keys, membership, recipient, unlock};
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

/// The state folders a run uses: the writer's and three readers'.
const STATES: [&str; 4] = ["writer", "reader0", "reader1", "reader2"];

/// Makes `root/ws` an encrypted workspace whose key every state folder
/// already holds (as after `guanxi join`). Returns the keys.
fn encrypted(root: &std::path::Path) -> Keys {
    let ws = root.join("ws");
    let meta = guanxi::workspace::init_with(&ws, None, true).expect("workspace");
    let (_, to) = recipient::new_identity();
    let ring = membership::create(&ws, "bench", None, &[to]).expect("team key");
    for state in STATES {
        unlock::cache(&root.join(state).join(&meta.id), &ring).expect("cache");
    }
    Keys::sealed(Keyring::from_bytes(&ring.to_bytes()).expect("keyring"))
}

struct Rates {
    ops: u64,
    rate: f64,
    floor: f64,
}

fn measure(customers: usize, interactions: usize, sealed: bool) -> Rates {
    let dir = tempfile::tempdir().expect("temp dir");
    let keys = if sealed { encrypted(dir.path()) } else { Keys::plain() };
    let ops = {
        let mut writer = Store::open(options(dir.path(), "writer")).expect("open writer");
        let spec = DemoSpec {
            customers,
            interactions,
            seed: 7,
        };
        generate(&mut writer, &spec, |_| {}).expect("sample data");
        let replica = writer.replica();
        count_ops(&dir.path().join("ws"), replica, &keys)
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
        let decoded = decode_all(&dir.path().join("ws"), &keys);
        bare.push(decoded as f64 / t.elapsed().as_secs_f64());
    }
    Rates {
        ops,
        rate: median(rates),
        floor: median(bare),
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (customers, interactions) = if quick { (2_000, 20_000) } else { (10_000, 100_000) };
    let plain = measure(customers, interactions, false);
    let sealed = measure(customers, interactions, true);
    println!(
        "# {} ops ({customers} customers, {interactions} interactions), median of 3",
        plain.ops
    );
    println!("name value unit target baseline ratio");
    println!(
        "ingest_rate {:.0} ops/s >=10000 {:.0} {:.2}",
        plain.rate,
        plain.floor,
        plain.floor / plain.rate
    );
    // Beside the plain rate, which is its baseline.
    println!(
        "ingest_rate_encrypted {:.0} ops/s >=50000 {:.0} {:.2}",
        sealed.rate,
        plain.rate,
        plain.rate / sealed.rate
    );
    println!(
        "decode_rate_encrypted {:.0} ops/s - {:.0} {:.2}",
        sealed.floor,
        plain.floor,
        plain.floor / sealed.floor
    );
    let mut failed = false;
    if plain.rate < 10_000.0 {
        eprintln!("ingest_rate below target");
        failed = true;
    }
    if sealed.rate < 50_000.0 {
        eprintln!("ingest_rate_encrypted below target");
        failed = true;
    }
    if failed {
        std::process::exit(1);
    }
}

fn count_ops(ws: &std::path::Path, replica: guanxi::sync::ReplicaId, keys: &Keys) -> u64 {
    let dir = journal::replica_dir(ws, replica);
    journal::segments(&dir)
        .expect("segments")
        .into_iter()
        .map(|n| {
            journal::read_segment(&journal::segment_path(&dir, n), 0, keys)
                .expect("read")
                .len() as u64
        })
        .sum()
}

/// Reads and decodes every op of every replica, applying nothing.
fn decode_all(ws: &std::path::Path, keys: &Keys) -> u64 {
    let mut n = 0;
    for replica in journal::replicas(ws).expect("replicas") {
        let dir = journal::replica_dir(ws, replica);
        for seg in journal::segments(&dir).expect("segments") {
            let frames = journal::read_segment(&journal::segment_path(&dir, seg), 0, keys).expect("read");
            for (payload, _) in frames.iter() {
                let op: guanxi::store::Op = guanxi::store::codec::decode(payload).expect("decode");
                std::hint::black_box(&op);
                n += 1;
            }
        }
    }
    n
}
