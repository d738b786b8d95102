//! Which customers are live, in a file read without opening sled.
//!
//! A `log <id>` that appends to the journal ahead of the view
//! (`quick_log`) must still refuse a customer that does not exist. Opening
//! sled to ask costs four times a durable write, so the view keeps the ids
//! of its live customers here as well: a table of 64-bit slots, open
//! addressing with linear probing, read with one small `pread` per lookup
//! whatever the number of customers. The file is only trusted while the
//! closing note beside it (`tail_note`) says the view closed cleanly with
//! it; a process that closes the view brings it up to date, slot by slot,
//! or writes it again from the indexes.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use super::pack::positional::{read_exact_at, write_all_at};
use crate::domain::CustomerId;

pub(super) const FILE: &str = "live-ids";
const MAGIC: &[u8; 8] = b"GXLIVE01";
const HEADER: u64 = 32;
const EMPTY: u64 = 0;
/// A slot whose customer is no longer live; lookups probe past it.
const GONE: u64 = 1;
/// Slots read at once while probing: a cache line.
const PROBE: usize = 8;
/// The fewest slots a table is made with.
const MIN_SLOTS: u64 = 1024;

pub(super) fn path(view_dir: &Path) -> PathBuf {
    view_dir.join(FILE)
}

/// Ids 0 and 1 mark empty and gone slots, so they are never kept; a
/// customer with one of them (one in 2^63) is looked up in the view.
fn keepable(id: CustomerId) -> bool {
    id.0 > GONE
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    slots: u64,
    live: u64,
    gone: u64,
}

impl Header {
    fn encode(self) -> [u8; HEADER as usize] {
        let mut out = [0u8; HEADER as usize];
        out[..8].copy_from_slice(MAGIC);
        out[8..16].copy_from_slice(&self.slots.to_le_bytes());
        out[16..24].copy_from_slice(&self.live.to_le_bytes());
        out[24..32].copy_from_slice(&self.gone.to_le_bytes());
        out
    }

    fn decode(bytes: &[u8]) -> Option<Header> {
        if bytes.len() < HEADER as usize || &bytes[..8] != MAGIC {
            return None;
        }
        let word = |at: usize| bytes[at..at + 8].try_into().ok().map(u64::from_le_bytes);
        let h = Header {
            slots: word(8)?,
            live: word(16)?,
            gone: word(24)?,
        };
        (h.slots.is_power_of_two() && h.slots >= MIN_SLOTS && h.live + h.gone < h.slots).then_some(h)
    }

    fn home(self, id: CustomerId) -> u64 {
        // Ids are scrambled already; the multiply spreads any that are not.
        id.0.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.slots.trailing_zeros())
    }

    /// Too full to probe quickly: written again, larger.
    fn crowded(self) -> bool {
        (self.live + self.gone) * 2 > self.slots
    }
}

/// The table, open for lookups and changes.
pub(super) struct LiveIds {
    file: File,
    header: Header,
}

/// Where a probe for an id ended.
enum Probe {
    Found(u64),
    /// Not there; the first slot it could go in.
    Absent(u64),
}

impl LiveIds {
    /// The table in `view_dir`, or None when it is missing or not one.
    pub fn open(view_dir: &Path, write: bool) -> Option<LiveIds> {
        let file = OpenOptions::new().read(true).write(write).open(path(view_dir)).ok()?;
        let mut head = [0u8; HEADER as usize];
        read_exact_at(&file, &mut head, 0).ok()?;
        let header = Header::decode(&head)?;
        let len = file.metadata().ok()?.len();
        (len == HEADER + header.slots * 8).then_some(LiveIds { file, header })
    }

    /// Whether the customer is live; None when the table cannot say (an id
    /// it never keeps, or a read that failed).
    pub fn holds(&self, id: CustomerId) -> Option<bool> {
        if !keepable(id) {
            return None;
        }
        match self.probe(id).ok()? {
            Probe::Found(_) => Some(true),
            Probe::Absent(_) => Some(false),
        }
    }

    fn probe(&self, id: CustomerId) -> io::Result<Probe> {
        let slots = self.header.slots;
        let mut at = self.header.home(id);
        let mut first_gone = None;
        let mut seen = 0u64;
        let mut buf = [0u8; PROBE * 8];
        while seen < slots {
            let run = (PROBE as u64).min(slots - at);
            let bytes = &mut buf[..run as usize * 8];
            read_exact_at(&self.file, bytes, HEADER + at * 8)?;
            for (i, word) in bytes.chunks_exact(8).enumerate() {
                let slot = at + i as u64;
                let value = u64::from_le_bytes(word.try_into().unwrap_or_default());
                if value == id.0 {
                    return Ok(Probe::Found(slot));
                }
                if value == GONE {
                    first_gone.get_or_insert(slot);
                } else if value == EMPTY {
                    return Ok(Probe::Absent(first_gone.unwrap_or(slot)));
                }
            }
            seen += run;
            at = (at + run) % slots;
        }
        // Full of gone slots (never left so: `crowded` writes it again).
        first_gone
            .map(Probe::Absent)
            .ok_or_else(|| io::Error::other("the live-ids table has no free slot"))
    }

    fn put_slot(&self, slot: u64, value: u64) -> io::Result<()> {
        write_all_at(&self.file, &value.to_le_bytes(), HEADER + slot * 8)
    }

    /// Brings the table up to date with customers that became live or
    /// stopped being live. Returns false when it should be written again
    /// whole instead (too full); nothing is changed then.
    pub fn change(&mut self, changes: &[(CustomerId, bool)]) -> io::Result<bool> {
        let mut h = self.header;
        let adding = changes.iter().filter(|(_, live)| *live).count() as u64;
        if (Header {
            live: h.live + adding,
            ..h
        })
        .crowded()
        {
            return Ok(false);
        }
        for &(id, live) in changes {
            if !keepable(id) {
                continue;
            }
            match (self.probe(id)?, live) {
                (Probe::Absent(slot), true) => {
                    if self.slot_is_gone(slot)? {
                        h.gone -= 1;
                    }
                    self.put_slot(slot, id.0)?;
                    h.live += 1;
                }
                (Probe::Found(slot), false) => {
                    self.put_slot(slot, GONE)?;
                    h.live -= 1;
                    h.gone += 1;
                }
                _ => {}
            }
        }
        self.header = h;
        write_all_at(&self.file, &h.encode(), 0)?;
        Ok(true)
    }

    fn slot_is_gone(&self, slot: u64) -> io::Result<bool> {
        let mut word = [0u8; 8];
        read_exact_at(&self.file, &mut word, HEADER + slot * 8)?;
        Ok(u64::from_le_bytes(word) == GONE)
    }
}

/// Writes the table of `ids` whole, in place of any other.
pub(super) fn write_whole(view_dir: &Path, ids: &[CustomerId]) -> io::Result<()> {
    let kept: Vec<u64> = ids.iter().filter(|id| keepable(**id)).map(|id| id.0).collect();
    let slots = (kept.len() as u64 * 4).next_power_of_two().max(MIN_SLOTS);
    let header = Header {
        slots,
        live: 0,
        gone: 0,
    };
    let mut table = vec![EMPTY; slots as usize];
    let mut live = 0;
    for id in kept {
        let mut at = header.home(CustomerId(id));
        loop {
            let slot = &mut table[at as usize];
            if *slot == id {
                break;
            }
            if *slot == EMPTY {
                *slot = id;
                live += 1;
                break;
            }
            at = (at + 1) % slots;
        }
    }
    let mut bytes = Vec::with_capacity((HEADER + slots * 8) as usize);
    bytes.extend_from_slice(&Header { live, ..header }.encode());
    for slot in table {
        bytes.extend_from_slice(&slot.to_le_bytes());
    }
    // Written beside and renamed: a reader never sees half a table.
    let path = path(view_dir);
    let fresh = view_dir.join(format!("{FILE}.new"));
    crate::workspace::private::write(&fresh, &bytes)?;
    fs::rename(&fresh, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }

    #[test]
    fn a_table_holds_what_it_was_written_with_and_nothing_else() {
        let d = dir();
        let ids: Vec<CustomerId> = (10..3000).map(|i| CustomerId(i * 7919)).collect();
        write_whole(d.path(), &ids).expect("write");
        let t = LiveIds::open(d.path(), false).expect("open");
        for id in &ids {
            assert_eq!(t.holds(*id), Some(true), "{id}");
        }
        for i in 3000..3500 {
            assert_eq!(t.holds(CustomerId(i * 7919 + 1)), Some(false));
        }
        assert_eq!(t.holds(CustomerId(0)), None);
        assert_eq!(t.holds(CustomerId(1)), None);
    }

    #[test]
    fn changes_add_and_remove_and_a_removed_slot_is_probed_past() {
        let d = dir();
        // Ids that all want the same home slot, so they probe past each other.
        let header = Header {
            slots: MIN_SLOTS,
            live: 0,
            gone: 0,
        };
        let mut crowd = Vec::new();
        let mut n = 2u64;
        while crowd.len() < 5 {
            if header.home(CustomerId(n)) == 7 {
                crowd.push(CustomerId(n));
            }
            n += 1;
        }
        write_whole(d.path(), &crowd[..3]).expect("write");
        let mut t = LiveIds::open(d.path(), true).expect("open");
        assert!(t.change(&[(crowd[0], false), (crowd[3], true)]).expect("change"));
        assert_eq!(t.holds(crowd[0]), Some(false));
        assert_eq!(t.holds(crowd[1]), Some(true), "found past a removed slot");
        assert_eq!(t.holds(crowd[3]), Some(true));
        assert_eq!(t.holds(crowd[4]), Some(false));
        // Adding again reuses the removed slot; the counts stay true.
        assert!(t.change(&[(crowd[0], true), (crowd[1], true)]).expect("change"));
        drop(t);
        let t = LiveIds::open(d.path(), false).expect("open again");
        assert_eq!(t.header.live, 4);
        assert_eq!(t.header.gone, 0);
        for id in &crowd[..4] {
            assert_eq!(t.holds(*id), Some(true));
        }
    }

    #[test]
    fn a_table_too_full_asks_to_be_written_again() {
        let d = dir();
        write_whole(d.path(), &[CustomerId(5)]).expect("write");
        let mut t = LiveIds::open(d.path(), true).expect("open");
        let many: Vec<(CustomerId, bool)> = (0..MIN_SLOTS).map(|i| (CustomerId(i + 100), true)).collect();
        assert!(!t.change(&many).expect("change"));
        assert_eq!(t.holds(CustomerId(100)), Some(false), "nothing changed");
    }

    #[test]
    fn a_damaged_or_cut_table_is_not_read() {
        let d = dir();
        write_whole(d.path(), &[CustomerId(5)]).expect("write");
        let p = path(d.path());
        let whole = fs::read(&p).expect("read");
        fs::write(&p, &whole[..whole.len() - 8]).expect("cut");
        assert!(LiveIds::open(d.path(), false).is_none());
        let mut bad = whole.clone();
        bad[0] = b'X';
        fs::write(&p, &bad).expect("garble");
        assert!(LiveIds::open(d.path(), false).is_none());
        fs::write(&p, b"").expect("empty");
        assert!(LiveIds::open(d.path(), false).is_none());
    }
}
