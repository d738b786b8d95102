//! Framing of journal records: `[length u32 LE][crc32 u32 LE][payload]`.
//!
//! A reader can always tell a complete record from one still being written
//! (or cut short by a crash, or half-copied by a sync client): the length
//! says how much must be there and the checksum says whether it is right.

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
