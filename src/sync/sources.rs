//! Which files in a replica's folder hold its ops: its numbered segments,
//! and the copies that sync clients make when they see two versions of one
//! file. Copies are read for their valid frames and never written:
//!
//! | client    | name of a copy of `000001.journal`                         |
//! |-----------|------------------------------------------------------------|
//! | Syncthing | `000001.sync-conflict-20250102-150405-ABCDEFG.journal`     |
//! | Dropbox   | `000001 (Lan's conflicted copy 2025-01-02).journal`        |
//! | Nextcloud | `000001 (conflicted copy 2025-01-02 150405).journal`       |
//!
//! Any other `*.journal` file whose header names this replica is read the
//! same way. Hidden files (`.syncthing.*.tmp`, `~*`) are files still being
//! written by a client and are left alone.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::hlc::ReplicaId;
use super::journal::{JournalError, parse_header, segment_number};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    /// The file name, which identifies the file in read positions.
    pub name: String,
    /// `Some(n)` for the replica's own segment `n`; `None` for a copy.
    pub segment: Option<u32>,
}

impl Source {
    pub fn is_copy(&self) -> bool {
        self.segment.is_none()
    }
}

/// True for names sync clients give to conflicting copies of a file.
pub fn is_conflict_copy(name: &str) -> bool {
    name.ends_with(".journal")
        && (name.contains(".sync-conflict-") || name.contains("conflicted copy") || name.contains("Conflicted copy"))
}

/// The replica's segments in order, then any copies, sorted by name.
pub fn sources(dir: &Path, replica: ReplicaId) -> Result<Vec<Source>, JournalError> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(JournalError {
                path: dir.to_path_buf(),
                error: e,
            });
        }
    };
    let mut segments = Vec::new();
    let mut copies = Vec::new();
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with('.') || name.starts_with('~') || !name.ends_with(".journal") {
            continue;
        }
        let path = entry.path();
        match segment_number(&name) {
            Some(n) => segments.push(Source {
                path,
                name,
                segment: Some(n),
            }),
            None if header_names(&path, replica) => copies.push(Source {
                path,
                name,
                segment: None,
            }),
            None => {}
        }
    }
    segments.sort_by_key(|s| s.segment);
    copies.sort_by(|a, b| a.name.cmp(&b.name));
    segments.extend(copies);
    Ok(segments)
}

fn header_names(path: &Path, replica: ReplicaId) -> bool {
    let mut head = [0u8; super::journal::SEGMENT_HEADER as usize];
    let read = fs::File::open(path).and_then(|mut f| io::Read::read_exact(&mut f, &mut head));
    read.is_ok() && parse_header(&head).is_some_and(|(r, _)| r == replica)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::journal::JournalWriter;

    #[test]
    fn recognises_the_copies_of_three_clients() {
        assert!(is_conflict_copy("000001.sync-conflict-20250102-150405-ABCDEFG.journal"));
        assert!(is_conflict_copy("000001 (Lan's conflicted copy 2025-01-02).journal"));
        assert!(is_conflict_copy("000001 (conflicted copy 2025-01-02 150405).journal"));
        assert!(!is_conflict_copy("000001.journal"));
        assert!(!is_conflict_copy(
            "000001.sync-conflict-20250102-150405-ABCDEFG.journal.tmp"
        ));
    }

    #[test]
    fn lists_segments_then_copies_and_skips_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let me = ReplicaId(0xabc);
        JournalWriter::open(dir.path(), me, 1, 0).unwrap();
        JournalWriter::open(dir.path(), me, 2, 0).unwrap();
        let seg1 = dir.path().join("000001.journal");
        fs::copy(
            &seg1,
            dir.path().join("000001.sync-conflict-20250102-150405-ABCDEFG.journal"),
        )
        .unwrap();
        fs::copy(
            &seg1,
            dir.path().join("000001 (Lan's conflicted copy 2025-01-02).journal"),
        )
        .unwrap();
        fs::copy(&seg1, dir.path().join(".syncthing.000003.journal.tmp")).unwrap();
        fs::write(dir.path().join("notes.journal"), b"not a journal at all").unwrap();
        fs::write(dir.path().join("README.txt"), b"hello").unwrap();
        // A copy whose header names someone else is not this replica's.
        let other = tempfile::tempdir().unwrap();
        JournalWriter::open(other.path(), ReplicaId(9), 1, 0).unwrap();
        fs::copy(
            other.path().join("000001.journal"),
            dir.path().join("x (conflicted copy).journal"),
        )
        .unwrap();
        let names: Vec<String> = sources(dir.path(), me).unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "000001.journal",
                "000002.journal",
                "000001 (Lan's conflicted copy 2025-01-02).journal",
                "000001.sync-conflict-20250102-150405-ABCDEFG.journal",
            ]
        );
        assert!(sources(&dir.path().join("missing"), me).unwrap().is_empty());
    }
}
