//! Framing of journal records: `[length u32 LE][crc32 u32 LE][payload]`.
//!
//! A reader can always tell a complete record from one still being written
//! (or cut short by a crash, or half-copied by a sync client): the length
//! says how much must be there and the checksum says whether it is right.
//!
//! After damage (a flipped byte, a bad sector, a sync client's bad write)
//! the next whole frame is found again by [`find_next`]: the first place
//! where a length, a checksum and the payload behind them agree. Every
//! payload guanxi frames starts with its codec's format byte, a small
//! number, which turns away nearly every wrong place before a checksum is
//! computed, so the search stays cheap even through megabytes of garbage.

/// Bytes before each payload.
pub const FRAME_HEADER: usize = 8;

/// No single op comes near this; a larger length means the bytes are not a
/// frame at all.
pub const MAX_PAYLOAD: usize = 64 << 20;

pub fn encode(payload: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
}

/// Format bytes a payload can start with (see `store::codec`): wider than
/// today's format, so frames a newer guanxi writes are still found.
const FORMAT_BYTES: std::ops::RangeInclusive<u8> = 1..=15;

#[derive(Debug, PartialEq, Eq)]
pub enum Read<'a> {
    /// A whole, intact frame; the next one starts at `next`.
    Frame { payload: &'a [u8], next: usize },
    /// The buffer ends inside a frame: more bytes may still arrive.
    Incomplete,
    /// The bytes here are not a valid frame.
    Corrupt,
}

/// Reads the frame starting at `pos`.
pub fn read(buf: &[u8], pos: usize) -> Read<'_> {
    let Some(header) = buf.get(pos..pos + FRAME_HEADER) else {
        return Read::Incomplete;
    };
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
    let crc = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    // No op is empty, and zeroed space (which a crash can leave at the end
    // of a file) would otherwise read as endless valid empty frames.
    if len == 0 || len > MAX_PAYLOAD {
        return Read::Corrupt;
    }
    let start = pos + FRAME_HEADER;
    let Some(payload) = buf.get(start..start + len) else {
        return Read::Incomplete;
    };
    if crc32fast::hash(payload) != crc {
        return Read::Corrupt;
    }
    Read::Frame {
        payload,
        next: start + len,
    }
}

/// The start of the first whole frame at or after `from`, if any: where
/// reading resumes after bytes that are not a frame.
pub fn find_next(buf: &[u8], from: usize) -> Option<usize> {
    let last_start = buf.len().checked_sub(FRAME_HEADER + 1)?;
    (from..=last_start).find(|&pos| is_frame_at(buf, pos))
}

fn is_frame_at(buf: &[u8], pos: usize) -> bool {
    let header = &buf[pos..pos + FRAME_HEADER];
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
    let start = pos + FRAME_HEADER;
    if len == 0 || len > MAX_PAYLOAD || len > buf.len() - start || !FORMAT_BYTES.contains(&buf[start]) {
        return false;
    }
    let crc = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    crc32fast::hash(&buf[start..start + len]) == crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(payloads: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in payloads {
            encode(p, &mut out);
        }
        out
    }

    #[test]
    fn reads_back_what_was_written() {
        let buf = framed(&[b"hello", b"big", b"world"]);
        let mut pos = 0;
        let mut seen = Vec::new();
        while let Read::Frame { payload, next } = read(&buf, pos) {
            seen.push(payload.to_vec());
            pos = next;
        }
        assert_eq!(seen, vec![b"hello".to_vec(), b"big".to_vec(), b"world".to_vec()]);
        assert_eq!(pos, buf.len());
        assert_eq!(read(&buf, pos), Read::Incomplete);
    }

    #[test]
    fn the_next_frame_is_found_after_damage() {
        let buf = framed(&[b"\x02first", b"\x02second", b"\x02third"]);
        let second = FRAME_HEADER + 6;
        let third = second + FRAME_HEADER + 7;
        assert_eq!(find_next(&buf, 0), Some(0));
        assert_eq!(find_next(&buf, 1), Some(second));
        // Damage anywhere in the second frame: the third is found again.
        for i in second..third {
            let mut bad = buf.clone();
            bad[i] ^= 0x41;
            assert_ne!(
                read(&bad, second),
                Read::Frame {
                    payload: b"\x02second",
                    next: third
                }
            );
            assert_eq!(find_next(&bad, second + 1), Some(third), "flip at {i}");
        }
        assert_eq!(find_next(&buf, third + 1), None);
        assert_eq!(find_next(&buf[..3], 0), None);
        assert_eq!(find_next(&[0u8; 4096], 0), None, "zeroed space holds no frame");
    }

    #[test]
    fn every_cut_is_incomplete_not_corrupt() {
        let buf = framed(&[b"some payload"]);
        for cut in 0..buf.len() {
            assert_eq!(read(&buf[..cut], 0), Read::Incomplete, "cut at {cut}");
        }
    }

    #[test]
    fn flipped_bits_are_caught() {
        let buf = framed(&[b"some payload"]);
        for i in FRAME_HEADER..buf.len() {
            let mut bad = buf.clone();
            bad[i] ^= 0x10;
            assert_eq!(read(&bad, 0), Read::Corrupt, "flip at {i}");
        }
        assert_eq!(read(&[0u8; 32], 0), Read::Corrupt, "zeroed space is not a frame");
        let mut huge = buf.clone();
        huge[3] = 0xff;
        assert_eq!(read(&huge, 0), Read::Corrupt);
    }
}
