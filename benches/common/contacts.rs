//! What the benchmarks import: a Google Contacts CSV with Vietnamese and
//! Chinese names, and the process's peak memory.

const VI_FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ"];
const VI_GIVEN: [&str; 8] = ["An", "Bình", "Hồng Nhung", "Minh", "Thảo", "Dũng", "Lan", "Quân"];
const ZH: [&str; 6] = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊"];

/// `n` contacts in the newer Google Contacts layout, CRLF line ends.
pub fn google_csv(n: usize) -> String {
    let mut s = String::from(
        "First Name,Middle Name,Last Name,Organization Name,Organization Title,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\r\n",
    );
    for i in 0..n {
        let (given, family) = if i % 3 == 0 {
            (ZH[i % ZH.len()].to_string(), String::new())
        } else {
            (
                VI_GIVEN[i % VI_GIVEN.len()].to_string(),
                VI_FAMILY[(i / 8) % VI_FAMILY.len()].to_string(),
            )
        };
        s.push_str(&format!(
            "{given},,{family},Công ty {i},Giám đốc,\"Ghi chú {i}\",* myContacts ::: Khách,Work,kh{i}@example.vn,Mobile,+84 9{:08}\r\n",
            i
        ));
    }
    s
}

/// The most memory this process has held, from `/proc/self/status`.
pub fn peak_rss_mb() -> f64 {
    status_kb("/proc/self/status", "VmHWM:") / 1024.0
}

/// A `/proc/<pid>/status` figure in kB (0 when unknown).
pub fn status_kb(path: &str, field: &str) -> f64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        })
        .unwrap_or(0.0)
}

/// The floor for importing `n` contacts: the same number of encoded
/// customer records written to a bare sled tree at `path` in the
/// importer's batch sizes, flushed. Returns seconds.
pub fn bare_import_floor(path: &std::path::Path, n: usize) -> f64 {
    let bare = sled::Config::new()
        .path(path)
        .cache_capacity(64 << 20)
        .mode(sled::Mode::HighThroughput)
        .open()
        .expect("bare sled");
    let t = std::time::Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(guanxi::interop::import::CHUNK) {
        let mut batch = sled::Batch::default();
        for &i in chunk {
            let mut c = guanxi::domain::Customer::empty(guanxi::domain::CustomerId(i as u64 + 1));
            c.name = format!("Khách {i}");
            c.company = format!("Công ty {i}");
            c.emails = vec![format!("kh{i}@example.vn")];
            c.phones = vec![format!("+84 9{i:08}")];
            let bytes = guanxi::store::codec::encode(&c).expect("encode");
            batch.insert(&(i as u64).to_be_bytes(), bytes);
        }
        bare.apply_batch(batch).expect("batch");
    }
    bare.flush().expect("flush");
    t.elapsed().as_secs_f64()
}

/// One import of `n` Google Contacts rows into a new workspace in `dir`,
/// timed (from opening the store to the last chunk saved) by phase.
pub struct ImportRun {
    pub secs: f64,
    pub read_secs: f64,
    pub plan_secs: f64,
    pub read_rss_mb: f64,
    pub plan_rss_mb: f64,
    /// This process's peak memory once the import is done.
    pub peak_rss_mb: f64,
}

impl ImportRun {
    /// Where the time and memory went, for stderr.
    pub fn phases(&self) -> String {
        format!(
            "phases: read {:.2}s ({:.0} MB), plan {:.2}s ({:.0} MB), apply {:.2}s",
            self.read_secs,
            self.read_rss_mb,
            self.plan_secs,
            self.plan_rss_mb,
            self.secs - self.read_secs - self.plan_secs
        )
    }
}

pub fn import_google_csv(dir: &std::path::Path, n: usize) -> ImportRun {
    use guanxi::interop::import;
    std::fs::create_dir_all(dir).expect("import dir");
    let file = dir.join("contacts.csv");
    std::fs::write(&file, google_csv(n)).expect("write csv");
    let t = std::time::Instant::now();
    let mut store = guanxi::store::Store::open(guanxi::store::OpenOptions {
        workspace: dir.join("ws"),
        state_root: dir.join("state"),
        author: "bench".into(),
        clock: guanxi::workspace::Clock::system(),
        rules: guanxi::domain::Rules::default(),
    })
    .expect("open");
    let bytes = std::fs::read(&file).expect("read csv");
    let read = import::read(&bytes, None, &[]).expect("parse");
    let read_secs = t.elapsed().as_secs_f64();
    let read_rss_mb = peak_rss_mb();
    let mut plan = import::plan(&mut store, read.records, 0).expect("plan");
    let plan_secs = t.elapsed().as_secs_f64() - read_secs;
    let plan_rss_mb = peak_rss_mb();
    let report = import::apply(&mut store, &mut plan, None, |_, _| true).expect("apply");
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(report.created, n, "every contact created");
    drop(store);
    ImportRun {
        secs,
        read_secs,
        plan_secs,
        read_rss_mb,
        plan_rss_mb,
        peak_rss_mb: peak_rss_mb(),
    }
}
