//! guanxi at scale: `cargo bench --bench scale` builds a workspace of
//! 100,000 customers, 1,000,000 interactions, 50,000 deals and some
//! 10,000 organizations (sample data: a deal for every other customer, an
//! organization for about every ten) with the real binary, then
//! measures what a salesperson waits on. `-- --quick` does the same with
//! 10,000 and 100,000 (what `.ci/run` runs).
//!
//! Prints one line per figure: `name value unit target baseline ratio
//! verdict`. The baseline is the floor for the same work: the same data in
//! a bare sled tree (customers, and interactions keyed by customer and
//! time), bincode-encoded, read or written by a minimal program. A figure
//! fails when it is over its target (over twice its target in quick mode,
//! where the machine is busy with CI); the process then exits with 1.

#[global_allocator]
static ALLOCATOR: guanxi::allocator::Allocator = guanxi::allocator::Allocator;

#[path = "common/contacts.rs"]
mod contacts;
#[path = "common/figures.rs"]
mod figures;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portable_pty::{CommandBuilder, PtySize};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use guanxi::domain::draft::InteractionValues;
use guanxi::domain::text::fold;
use guanxi::domain::{Channel, CustomerId, DealStatus, Direction, Rules};
use guanxi::store::codec;
use guanxi::store::{OpenOptions, Store};
use guanxi::tui::app::App;
use guanxi::tui::keymap::Keymap;
use guanxi::tui::theme::Theme;
use guanxi::workspace::Clock;

use figures::{Figure, median, percentile};

const BIN: &str = env!("CARGO_BIN_EXE_guanxi");
const SEED: &str = "7";
/// Start-ups of the real binary measured (the median is reported).
const UI_RUNS: usize = 5;
/// Imports measured, each in a process and a workspace of its own.
const IMPORT_RUNS: usize = 3;
const KEYSTROKES: usize = 200;
const SAMPLES: usize = 200;
const COLS: u16 = 120;
const ROWS: u16 = 40;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--import-child") {
        import_child(&args[i + 1..]);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let (customers, interactions) = if quick { (10_000, 100_000) } else { (100_000, 1_000_000) };
    let tolerance = if quick { 2.0 } else { 1.0 };
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let bench = Bench::new(dir.path());
    let mut figures = Vec::new();

    eprintln!("building {customers} customers and {interactions} interactions…");
    let t = Instant::now();
    // `demo` writes only where its flag says (never GUANXI_WORKSPACE).
    let workspace = bench.workspace();
    bench.guanxi(&[
        "demo",
        "--workspace",
        workspace.to_str().expect("a UTF-8 temporary path"),
        "--customers",
        &customers.to_string(),
        "--interactions",
        &interactions.to_string(),
        "--seed",
        SEED,
        "--no-tui",
    ]);
    figures.push(Figure::new("build_workspace", t.elapsed().as_secs_f64(), "s", None));

    let probe = bench.probe();
    eprintln!("starting the UI {UI_RUNS} times…");
    let mut first = Vec::new();
    let mut ready = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..UI_RUNS {
        let run = bench.ui_session(&probe.query, customers);
        first.push(run.first_frame_ms);
        ready.push(run.search_ready_ms);
        rss.push(run.rss_mb);
    }
    figures.push(Figure::new(
        "start_to_first_frame",
        median(&mut first),
        "ms",
        Some(150.0),
    ));
    figures
        .push(Figure::new("start_to_search_ready", median(&mut ready), "ms", Some(1000.0)).against(probe.bare_load_ms));
    figures.push(Figure::new("ui_steady_rss", max(&rss), "MB", Some(250.0)));

    eprintln!("reporting…");
    figures.push(bench.report_json());

    eprintln!("measuring in process…");
    let inproc = bench.in_process(&probe);
    figures.extend(inproc);

    eprintln!("importing contacts…");
    figures.extend(bench.import(customers));

    println!(
        "# guanxi scale benchmark{}: {customers} customers, {interactions} interactions, {:.0} s",
        if quick { " (quick)" } else { "" },
        started.elapsed().as_secs_f64()
    );
    let failed = figures::report(&figures, tolerance);
    if failed {
        std::process::exit(1);
    }
}

struct Bench {
    root: PathBuf,
}

/// What the in-process part learns first: a query to type, and the bare
/// baseline's time to read every customer.
struct Probe {
    query: String,
    bare_load_ms: f64,
}

struct UiRun {
    first_frame_ms: f64,
    search_ready_ms: f64,
    rss_mb: f64,
}

impl Bench {
    fn new(root: &Path) -> Bench {
        Bench {
            root: root.to_path_buf(),
        }
    }

    fn workspace(&self) -> PathBuf {
        self.root.join("ws")
    }

    fn env(&self) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("HOME", self.root.join("home")),
            ("XDG_DATA_HOME", self.root.join("data")),
            ("XDG_CONFIG_HOME", self.root.join("config")),
            ("GUANXI_WORKSPACE", self.workspace()),
            ("GUANXI_USER", PathBuf::from("bench")),
            ("TZ", PathBuf::from("UTC")),
            ("PATH", std::env::var_os("PATH").unwrap_or_default().into()),
        ]
    }

    fn options(&self) -> OpenOptions {
        OpenOptions {
            workspace: self.workspace(),
            state_root: self.root.join("data").join("guanxi").join("workspaces"),
            author: "bench".into(),
            clock: Clock::system(),
            rules: Rules::default(),
        }
    }

    fn guanxi(&self, args: &[&str]) -> String {
        let out = Command::new(BIN)
            .args(args)
            .env_clear()
            .envs(self.env())
            .output()
            .expect("run guanxi");
        assert!(
            out.status.success(),
            "guanxi {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A name to search for (one customer's surname-and-given start), and
    /// how long a bare sled scan takes to decode every customer.
    fn probe(&self) -> Probe {
        let store = Store::open(self.options()).expect("open the workspace");
        let customers = store.customers().expect("customers");
        let pick = &customers[customers.len() / 3].customer;
        let query: String = fold(&pick.name).chars().take(6).collect();
        drop(store);
        let bare = self.bare();
        let mut times = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let mut n = 0;
            for entry in bare.scan_prefix(b"C") {
                let (_, v) = entry.expect("bare read");
                let c: guanxi::domain::Customer = codec::decode(&v).expect("bare decode");
                n += c.name.len();
            }
            assert!(n > 0);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        Probe {
            query,
            bare_load_ms: median(&mut times),
        }
    }

    /// `guanxi report --json` over the whole workspace (the default
    /// period), the real binary's median of three, against a minimal
    /// program computing like figures over the bare tree: customers
    /// counted by stage, every interaction decoded and its amount summed
    /// by month.
    fn report_json(&self) -> Figure {
        let mut ours = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let out = self.guanxi(&["report", "--json"]);
            ours.push(ms(t));
            assert!(out.contains("\"stages\""), "a report: {out}");
        }
        let bare = self.bare();
        let mut floor = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let mut stages = std::collections::BTreeMap::new();
            for entry in bare.scan_prefix(b"C") {
                let (_, v) = entry.expect("bare read");
                let c: guanxi::domain::Customer = codec::decode(&v).expect("bare decode");
                *stages.entry(c.stage).or_insert(0usize) += 1;
            }
            let mut months: std::collections::BTreeMap<(i32, u32), i64> = std::collections::BTreeMap::new();
            for entry in bare.scan_prefix(b"I") {
                let (_, v) = entry.expect("bare read");
                let i: guanxi::domain::Interaction = codec::decode(&v).expect("bare decode");
                if let (Some(amount), Some(at)) = (i.amount, chrono::DateTime::from_timestamp_millis(i.at)) {
                    use chrono::Datelike;
                    *months.entry((at.year(), at.month())).or_default() += amount.0;
                }
            }
            assert!(!stages.is_empty() && !months.is_empty());
            floor.push(ms(t));
        }
        Figure::new("report_json", median(&mut ours), "ms", Some(1000.0)).against(median(&mut floor))
    }

    /// The bare baseline: the same customers and interactions, encoded
    /// with bincode, in a plain sled tree. Built on first use.
    fn bare(&self) -> sled::Db {
        let path = self.root.join("bare");
        let fresh = !path.exists();
        let db = sled::Config::new()
            .path(&path)
            .cache_capacity(64 << 20)
            .mode(sled::Mode::HighThroughput)
            .open()
            .expect("bare sled");
        if fresh {
            let store = Store::open(self.options()).expect("open the workspace");
            let mut batch = sled::Batch::default();
            let mut pending = 0;
            store
                .for_each_customer(|rec| {
                    let c = &rec.customer;
                    batch.insert(bare_customer_key(c.id), codec::encode(c).expect("encode"));
                    for i in store.interactions_of(c.id).expect("timeline") {
                        batch.insert(
                            bare_interaction_key(c.id, i.at, i.id.0),
                            codec::encode(&i).expect("encode"),
                        );
                        pending += 1;
                    }
                    for f in store.follow_ups_of(c.id).expect("follow-ups") {
                        let mut k = vec![b'F'];
                        k.extend_from_slice(&f.id.0.to_be_bytes());
                        batch.insert(k, codec::encode(&f).expect("encode"));
                    }
                    pending += 1;
                    if pending >= 10_000 {
                        db.apply_batch(std::mem::take(&mut batch)).expect("bare batch");
                        pending = 0;
                    }
                    true
                })
                .expect("customers");
            db.apply_batch(batch).expect("bare batch");
            db.flush().expect("bare flush");
        }
        db
    }

    fn ui_session(&self, query: &str, total: usize) -> UiRun {
        let pair = portable_pty::native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.env_clear();
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(&self.root);
        let started = Instant::now();
        let mut child = pair.slave.spawn_command(cmd).expect("start guanxi");
        drop(pair.slave);
        let pid = child.process_id().expect("pid");
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = Arc::new(Mutex::new(pair.master.take_writer().expect("pty writer")));
        let marks = Arc::new(Mutex::new(Marks::default()));
        {
            let (marks, writer) = (marks.clone(), writer.clone());
            let wanted = format!("of {total}");
            std::thread::spawn(move || {
                let size = |n: u16| std::num::NonZeroU16::new(n).expect("a size");
                let mut parser = vt100::Parser::new(size(ROWS), size(COLS), 0);
                let mut buf = [0u8; 65536];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let chunk = &buf[..n];
                    answer_queries(chunk, &writer);
                    parser.process(chunk);
                    let at = started.elapsed().as_secs_f64() * 1000.0;
                    let screen = parser.screen().contents();
                    let mut m = marks.lock().expect("marks");
                    if m.first_frame.is_none() && !screen.trim().is_empty() {
                        m.first_frame = Some(at);
                    }
                    if m.typed && m.search_ready.is_none() && filtered(&screen, &wanted) {
                        m.search_ready = Some(at);
                    }
                    m.screen = screen;
                }
            });
        }
        let deadline = Duration::from_secs(60);
        wait(&marks, deadline, |m| m.first_frame.is_some());
        {
            let mut w = writer.lock().expect("writer");
            marks.lock().expect("marks").typed = true;
            w.write_all(format!("/{query}").as_bytes()).expect("type");
            w.flush().expect("flush");
        }
        wait(&marks, deadline, |m| m.search_ready.is_some());
        // Settled: what the UI holds while a person works.
        std::thread::sleep(Duration::from_millis(1500));
        let rss_mb = contacts::status_kb(&format!("/proc/{pid}/status"), "VmRSS:") / 1024.0;
        {
            let mut w = writer.lock().expect("writer");
            w.write_all(b"\x1b").expect("esc");
            w.flush().expect("flush");
        }
        std::thread::sleep(Duration::from_millis(200));
        {
            let mut w = writer.lock().expect("writer");
            w.write_all(b"q").expect("quit");
            w.flush().expect("flush");
        }
        let stop = Instant::now();
        loop {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            if stop.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("guanxi did not quit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let m = marks.lock().expect("marks");
        UiRun {
            first_frame_ms: m.first_frame.unwrap_or(f64::MAX),
            search_ready_ms: m.search_ready.unwrap_or(f64::MAX),
            rss_mb,
        }
    }

    fn in_process(&self, probe: &Probe) -> Vec<Figure> {
        let mut figures = Vec::new();
        let bare = self.bare();

        // Disk: what guanxi keeps against the data itself.
        let store = Store::open(self.options()).expect("open the workspace");
        let mut raw = 0u64;
        let mut ids = Vec::new();
        store
            .for_each_customer(|rec| {
                let c = &rec.customer;
                raw += codec::encode(c).expect("encode").len() as u64;
                ids.push(c.id);
                true
            })
            .expect("customers");
        for id in &ids {
            for i in store.interactions_of(*id).expect("timeline") {
                raw += codec::encode(&i).expect("encode").len() as u64;
            }
            for f in store.follow_ups_of(*id).expect("follow-ups") {
                raw += codec::encode(&f).expect("encode").len() as u64;
            }
            for d in store.deals_of(*id).expect("deals") {
                raw += codec::encode(&d).expect("encode").len() as u64;
            }
        }
        for o in store.organizations().expect("organizations") {
            raw += codec::encode(&o).expect("encode").len() as u64;
        }
        let ours = dir_size(&self.workspace()) + dir_size(&self.root.join("data"));
        let bare_size = dir_size(&self.root.join("bare"));
        figures.push(
            Figure::new("disk_journal_and_view_vs_raw", ours as f64 / raw as f64, "x", Some(3.5))
                .against(bare_size as f64 / raw as f64),
        );

        // Opening one customer's timeline, guanxi against a bare prefix scan.
        let step = (ids.len() / SAMPLES).max(1);
        let sample: Vec<CustomerId> = ids.iter().step_by(step).take(SAMPLES).copied().collect();
        let mut ours = Vec::new();
        let mut floor = Vec::new();
        for id in &sample {
            let t = Instant::now();
            let n = store.interactions_of(*id).expect("timeline").len();
            ours.push(ms(t));
            let t = Instant::now();
            let mut m = 0;
            for entry in bare.scan_prefix(bare_customer_prefix(*id)) {
                let (_, v) = entry.expect("bare read");
                let _: guanxi::domain::Interaction = codec::decode(&v).expect("bare decode");
                m += 1;
            }
            floor.push(ms(t));
            assert_eq!(n, m, "the baseline holds the same timeline");
        }
        figures.push(Figure::new("timeline_open_p95", p95(&mut ours), "ms", Some(5.0)).against(p95(&mut floor)));

        // Deals: one customer's (read through its links, whatever the
        // number of deals), and every open one for the deals pipeline.
        let mut ours = Vec::new();
        for id in &sample {
            let t = Instant::now();
            std::hint::black_box(store.deals_of(*id).expect("deals"));
            ours.push(ms(t));
        }
        figures.push(Figure::new("customer_deals_p95", p95(&mut ours), "ms", Some(5.0)));
        let mut ours = Vec::new();
        let mut open = 0;
        for _ in 0..3 {
            let t = Instant::now();
            open = store.deals_with_status(DealStatus::Open).expect("open deals").len();
            ours.push(ms(t));
        }
        assert!(open > 0, "the sample workspace has open deals");
        figures.push(Figure::new("open_deals_all", median(&mut ours), "ms", Some(500.0)));

        // Organizations (one for about every ten customers): one with its
        // people and what they brought (`org show`), and the table of
        // them all (`org list`, the Organizations pane).
        let orgs = store.organizations().expect("organizations");
        assert!(
            orgs.len() >= ids.len() / 12,
            "{} organizations for {} customers",
            orgs.len(),
            ids.len()
        );
        let mut ours = Vec::new();
        for o in orgs.iter().step_by((orgs.len() / SAMPLES).max(1)).take(SAMPLES) {
            let t = Instant::now();
            std::hint::black_box(store.people_of(o.id).expect("people"));
            std::hint::black_box(store.org_figures(o.id).expect("figures"));
            ours.push(ms(t));
        }
        figures.push(Figure::new("org_show_p95", p95(&mut ours), "ms", Some(50.0)));
        let mut ours = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let all = store.organizations().expect("organizations");
            let by_org = store.all_org_figures().expect("figures");
            std::hint::black_box((all.len(), by_org.len()));
            ours.push(ms(t));
        }
        figures.push(Figure::new("org_table_all", median(&mut ours), "ms", Some(1000.0)).against(probe.bare_load_ms));

        // Filtering as you type, through the UI's own state and drawing.
        let names: Vec<String> = sample
            .iter()
            .filter_map(|id| store.live_customer(*id).ok().flatten())
            .map(|c| fold(&c.customer.name))
            .collect();
        drop(store);
        let store = Store::open(self.options()).expect("open the workspace");
        let mut app = App::new(
            store,
            Keymap::defaults().expect("keys"),
            Theme::defaults().expect("theme"),
        )
        .expect("the UI state");
        let mut term = Terminal::new(TestBackend::new(COLS, ROWS)).expect("terminal");
        let draw = |term: &mut Terminal<TestBackend>, app: &App| {
            term.draw(|f| guanxi::tui::views::draw(f, app)).expect("draw");
        };
        draw(&mut term, &app);
        app.on_key(key(KeyCode::Char('/')));
        draw(&mut term, &app);
        let keys = keystrokes(&names, &probe.query);
        let haystack: Vec<String> = app.roster.rows().iter().map(|r| r.search.to_string()).collect();
        let mut echo = Vec::new();
        let mut results = Vec::new();
        let mut floor = Vec::new();
        let mut typed = String::new();
        for k in keys {
            let t = Instant::now();
            app.on_key(k);
            draw(&mut term, &app);
            echo.push(ms(t));
            loop {
                if app.tick() {
                    draw(&mut term, &app);
                }
                if !app.busy() {
                    if app.tick() {
                        draw(&mut term, &app);
                    }
                    break;
                }
                std::thread::sleep(Duration::from_micros(500));
            }
            results.push(ms(t));
            match k.code {
                KeyCode::Char(c) => typed.push(c),
                _ => {
                    typed.pop();
                }
            }
            // The floor: a plain substring test over every customer.
            let t = Instant::now();
            let n = haystack.iter().filter(|h| h.contains(typed.as_str())).count();
            std::hint::black_box(n);
            floor.push(ms(t));
        }
        let floor_p50 = median(&mut floor.clone());
        figures.push(Figure::new("keystroke_to_results_p50", median(&mut results), "ms", None).against(floor_p50));
        figures.push(
            Figure::new("keystroke_to_results_p95", p95(&mut results), "ms", Some(50.0)).against(p95(&mut floor)),
        );
        figures.push(Figure::new("keystroke_echo_p95", p95(&mut echo), "ms", Some(16.0)));

        // The Reports pane: drawn at once, saying the figures are being
        // computed; they fill in behind it (`report::gather` on a thread).
        while !app.layers.is_empty() {
            app.on_key(key(KeyCode::Esc));
        }
        let t = Instant::now();
        app.on_key(key(KeyCode::Char('5')));
        draw(&mut term, &app);
        let first = ms(t);
        assert_eq!(app.pane, guanxi::tui::app::Pane::Reports);
        app.wait_report();
        draw(&mut term, &app);
        let filled = ms(t);
        assert!(
            app.reports.figures_for(&app.report_asked()).is_some(),
            "the figures came"
        );
        figures.push(Figure::new("reports_pane_first_draw", first, "ms", Some(300.0)));
        figures.push(Figure::new("reports_pane_filled", filled, "ms", None));

        // Durable changes: each one is in the journal, fsync'd, on return.
        // Then the same changes sealed with a team key, as in an encrypted
        // workspace (this journal is not read again in this run, so its
        // mix of plain and sealed frames harms nothing).
        let mut store = app.store;
        let (moves, logs) = durable_changes(&mut store, sample.iter().take(SAMPLES / 2));
        store.set_keys(guanxi::encryption::Keys::sealed(guanxi::encryption::Keyring::new_team()));
        let (sealed_moves, sealed_logs) =
            durable_changes(&mut store, sample.iter().skip(SAMPLES / 2).take(SAMPLES / 2));
        drop(store);
        let mut floor = Vec::new();
        for (n, id) in sample.iter().take(SAMPLES).enumerate() {
            let t = Instant::now();
            bare.insert(bare_interaction_key(*id, 0, n as u64), vec![0u8; 120])
                .expect("bare write");
            bare.flush().expect("bare flush");
            floor.push(ms(t));
        }
        let floor = p95(&mut floor);
        let (mut moves, mut logs, mut sealed_moves, mut sealed_logs) = (moves, logs, sealed_moves, sealed_logs);
        let (plain_move, plain_log) = (p95(&mut moves), p95(&mut logs));
        figures.push(Figure::new("durable_move_stage_p95", plain_move, "ms", Some(5.0)).against(floor));
        figures.push(Figure::new("durable_log_interaction_p95", plain_log, "ms", Some(5.0)).against(floor));
        // Beside the plain figures, which are their baselines; within 1 ms.
        figures.push(
            Figure::new(
                "durable_move_stage_encrypted_p95",
                p95(&mut sealed_moves),
                "ms",
                Some(plain_move + 1.0),
            )
            .against(plain_move),
        );
        figures.push(
            Figure::new(
                "durable_log_interaction_encrypted_p95",
                p95(&mut sealed_logs),
                "ms",
                Some(plain_log + 1.0),
            )
            .against(plain_log),
        );
        figures
    }

    /// Imports from CSV in a child process of its own, so that its peak
    /// memory is the import's alone.
    fn import(&self, customers: usize) -> Vec<Figure> {
        // Three runs, each into a workspace of its own, the median kept:
        // one run of a second or less swung by half from run to run here
        // (0.6 to 1.1 s at 10,000 contacts on the same commit).
        let mut secs = Vec::new();
        let mut floors = Vec::new();
        let mut rss = Vec::new();
        for run in 0..IMPORT_RUNS {
            let out = Command::new(std::env::current_exe().expect("this program"))
                .args(["--import-child", &customers.to_string()])
                .arg(self.root.join(format!("import-{run}")))
                .output()
                .expect("run the import child");
            assert!(out.status.success(), "import: {}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8_lossy(&out.stdout);
            let v: Vec<f64> = text.split_whitespace().filter_map(|s| s.parse().ok()).collect();
            assert_eq!(v.len(), 3, "import child said {text}");
            secs.push(v[0]);
            floors.push(v[1]);
            rss.push(v[2]);
        }
        vec![
            Figure::new(
                format!("csv_import_{customers}_contacts"),
                median(&mut secs),
                "s",
                Some(5.0 * customers as f64 / 100_000.0),
            )
            .against(median(&mut floors)),
            Figure::new("csv_import_peak_rss", max(&rss), "MB", Some(400.0)),
        ]
    }
}

#[derive(Default)]
struct Marks {
    first_frame: Option<f64>,
    typed: bool,
    search_ready: Option<f64>,
    /// The screen as last drawn, for a failure's message.
    screen: String,
}

/// The customer table's title reads "Customers · N of TOTAL" once a search
/// narrowed the full list.
fn filtered(screen: &str, wanted: &str) -> bool {
    screen.lines().any(|line| {
        line.find(wanted).is_some_and(|at| {
            let before = line[..at].trim_end();
            let shown: String = before.chars().rev().take_while(char::is_ascii_digit).collect();
            !shown.is_empty() && line[at + wanted.len()..].starts_with(|c: char| !c.is_ascii_digit())
        })
    })
}

/// Plays the terminal's part in the queries a crossterm program may send.
fn answer_queries(chunk: &[u8], writer: &Mutex<Box<dyn Write + Send>>) {
    let has = |needle: &[u8]| chunk.windows(needle.len()).any(|w| w == needle);
    let mut reply = Vec::new();
    if has(b"\x1b[6n") {
        reply.extend_from_slice(b"\x1b[1;1R");
    }
    if has(b"\x1b[c") {
        reply.extend_from_slice(b"\x1b[?1;2c");
    }
    if !reply.is_empty()
        && let Ok(mut w) = writer.lock()
    {
        let _ = w.write_all(&reply);
        let _ = w.flush();
    }
}

fn wait(marks: &Mutex<Marks>, deadline: Duration, done: impl Fn(&Marks) -> bool) {
    let started = Instant::now();
    while !done(&marks.lock().expect("marks")) {
        assert!(
            started.elapsed() < deadline,
            "the UI did not get there in {deadline:?}; its screen:\n{}",
            marks.lock().expect("marks").screen
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// 200 keys as people type them: the start of a name, a slip corrected
/// with Backspace, then the field cleared for the next name.
fn keystrokes(names: &[String], first: &str) -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    let words = std::iter::once(first.to_string()).chain(names.iter().cycle().cloned());
    for name in words {
        let typed: Vec<char> = name.trim().chars().take(6).collect();
        for c in &typed {
            keys.push(key(KeyCode::Char(*c)));
        }
        keys.push(key(KeyCode::Backspace));
        for _ in 1..typed.len() {
            keys.push(key(KeyCode::Backspace));
        }
        if keys.len() >= KEYSTROKES || names.is_empty() {
            break;
        }
    }
    keys.truncate(KEYSTROKES);
    keys
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn bare_customer_key(id: CustomerId) -> Vec<u8> {
    let mut k = vec![b'C'];
    k.extend_from_slice(&id.0.to_be_bytes());
    k
}

fn bare_customer_prefix(id: CustomerId) -> Vec<u8> {
    let mut k = vec![b'I'];
    k.extend_from_slice(&id.0.to_be_bytes());
    k
}

fn bare_interaction_key(id: CustomerId, at: i64, n: u64) -> Vec<u8> {
    let mut k = bare_customer_prefix(id);
    k.extend_from_slice(&((at as u64) ^ (1 << 63)).to_be_bytes());
    k.extend_from_slice(&n.to_be_bytes());
    k
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn p95(v: &mut [f64]) -> f64 {
    percentile(v, 0.95)
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

/// The child side of `Bench::import`: prints seconds, the bare floor's
/// seconds and peak RSS in MB.
fn import_child(args: &[String]) {
    let n: usize = args.first().and_then(|s| s.parse().ok()).expect("how many contacts");
    let dir = PathBuf::from(args.get(1).expect("where"));
    let run = contacts::import_google_csv(&dir, n);
    eprintln!("{}", run.phases());
    let (secs, rss) = (run.secs, run.peak_rss_mb);
    let floor = contacts::bare_import_floor(&dir.join("bare"), n);
    println!("{secs} {floor} {rss}");
}

/// Moves a stage and logs a call for each customer, each durable on
/// return: how long each took, in ms.
fn durable_changes<'a>(store: &mut Store, ids: impl Iterator<Item = &'a CustomerId>) -> (Vec<f64>, Vec<f64>) {
    let mut moves = Vec::new();
    let mut logs = Vec::new();
    for id in ids {
        let Some(rec) = store.live_customer(*id).expect("customer") else {
            continue;
        };
        let c = rec.customer;
        let to = c.stage.next().or(c.stage.previous()).expect("another stage");
        let t = Instant::now();
        store.move_stage(&c, to).expect("move stage");
        moves.push(ms(t));
        let t = Instant::now();
        store
            .log_interaction(
                c.id,
                InteractionValues {
                    summary: "Gọi điện hỏi thăm".into(),
                    channel: Channel::Call,
                    at: chrono::Utc::now(),
                    amount: None,
                    satisfaction: None,
                    outcome: String::new(),
                    direction: Direction::Outbound,
                    body: String::new(),
                },
            )
            .expect("log");
        logs.push(ms(t));
    }
    (moves, logs)
}
