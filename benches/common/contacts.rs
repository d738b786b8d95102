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
