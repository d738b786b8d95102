//! Killing guanxi mid-write loses nothing that was reported saved, and
//! leaves a workspace that opens and passes `doctor`.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::Sandbox;

/// Parses "saved C of N customers, I of M interactions".
fn saved_counts(line: &str) -> Option<(u64, u64)> {
    let rest = line.strip_prefix("saved ")?;
    let mut words = rest.split_whitespace();
    let customers = words.next()?.parse().ok()?;
    let interactions = words.nth(3)?.parse().ok()?;
    Some((customers, interactions))
}

#[test]
fn sigkill_during_a_long_demo_keeps_everything_reported_saved() {
    for round in 0..3 {
        let s = Sandbox::new();
        // `demo` fills only the folder its flag names (GUANXI_WORKSPACE,
        // which the later commands use, is never filled with samples).
        let workspace = s.workspace();
        let mut child = s
            .command(&[
                "demo",
                "--workspace",
                workspace.to_str().unwrap(),
                "--customers",
                "20000",
                "--interactions",
                "200000",
                "--seed",
                "5",
                "--no-tui",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start demo");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut reported = (0, 0);
        let mut saved_lines = 0;
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("demo output");
            if let Some(counts) = saved_counts(&line) {
                reported = counts;
                saved_lines += 1;
                // Kill at a different point each round.
                if saved_lines == 2 + round {
                    child.kill().expect("SIGKILL");
                    break;
                }
            }
        }
        child.wait().expect("reap");
        assert!(reported.0 > 0, "the demo reported progress before it was killed");

        let doctor = s.run(&["doctor"]);
        let text = String::from_utf8_lossy(&doctor.stdout);
        assert!(
            doctor.status.success(),
            "doctor after SIGKILL:\n{text}{}",
            String::from_utf8_lossy(&doctor.stderr)
        );
        assert!(text.contains("healthy"), "{text}");

        let list = s.json(&["list", "--json"]);
        let customers = list.as_array().unwrap();
        let interactions: u64 = customers.iter().map(|c| c["interaction_count"].as_u64().unwrap()).sum();
        assert!(
            customers.len() as u64 >= reported.0,
            "{} customers kept, {} reported saved",
            customers.len(),
            reported.0
        );
        assert!(
            interactions >= reported.1,
            "{interactions} interactions kept, {} reported saved",
            reported.1
        );

        // The workspace keeps working: a new change lands after the recovered ones.
        s.ok(&["add", "--name", "Võ Thị Sáu"]);
        assert!(s.ok(&["doctor"]).contains("healthy"));
    }
}
