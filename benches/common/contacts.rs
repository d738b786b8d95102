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
