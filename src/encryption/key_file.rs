//! The workspace's key files: one per teammate, under `WORKSPACE/keys/`,
//! each saying who (a label), how they unlock (passphrase or age), and the
//! team keyring wrapped for them. Nothing about customers.
//!
//! One file per teammate, not one shared file: two teammates adding keys
//! at once each write their own file, so a sync client never sees two
//! writers of one file (a conflict copy would lose one of the keys).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::EncryptionError;
use super::hex;
use super::passphrase::Wrapped;

pub const DIR: &str = "keys";
const EXTENSION: &str = "toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    Passphrase,
    Age,
}

/// One teammate's key file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEntry {
    pub label: String,
    pub kind: KeyKind,
    /// The age recipient the keyring is wrapped for (for a passphrase, one
    /// guanxi made, whose identity `identity` holds).
    pub recipient: String,
    /// The newest key generation in the wrapped keyring.
    pub generation: u32,
    /// Hex of the age-encrypted keyring.
    pub keyring: String,
    /// For a passphrase: the age identity, wrapped by the passphrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Wrapped>,
}

impl KeyEntry {
    pub fn wrapped_keyring(&self) -> Result<Vec<u8>, EncryptionError> {
        hex::decode(&self.keyring)
            .ok_or_else(|| EncryptionError::BadKeyFile(format!("{}: keyring is not hex", self.label)))
    }
}

/// A key file found in the workspace, with its name (its id).
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub entry: KeyEntry,
}

pub fn dir(root: &Path) -> PathBuf {
    root.join(DIR)
}

/// Reads one key file's text.
pub fn parse(text: &str) -> Result<KeyEntry, EncryptionError> {
    let entry: KeyEntry = toml::from_str(text).map_err(|e| EncryptionError::BadKeyFile(e.message().to_string()))?;
    if entry.kind == KeyKind::Passphrase && entry.identity.is_none() {
        return Err(EncryptionError::BadKeyFile(
            "a passphrase key without its identity".into(),
        ));
    }
    Ok(entry)
}

/// True when the workspace has a keys folder: it is encrypted.
pub fn present(root: &Path) -> bool {
    dir(root).is_dir()
}

/// Every teammate's key file, in name order. Files a sync client made
/// (conflict copies, temporary files) are not key files.
pub fn read_all(root: &Path) -> Result<Vec<Found>, EncryptionError> {
    let dir = dir(root);
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(EncryptionError::io(&dir)(e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(EncryptionError::io(&dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(&format!(".{EXTENSION}")) else {
            continue;
        };
        if stem.len() != 16 || !stem.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let path = entry.path();
        let text = fs::read_to_string(&path).map_err(|_| EncryptionError::DamagedKeyFile {
            path: path.clone(),
            detail: "not text".into(),
        })?;
        let parsed = parse(&text).map_err(|e| EncryptionError::DamagedKeyFile {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        out.push(Found { path, entry: parsed });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Writes a teammate's key file (a new one when `path` is `None`),
/// completing it atomically so a sync client never copies half of one.
pub fn write(root: &Path, path: Option<&Path>, entry: &KeyEntry) -> Result<PathBuf, EncryptionError> {
    let dir = dir(root);
    fs::create_dir_all(&dir).map_err(EncryptionError::io(&dir))?;
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => dir.join(format!("{:016x}.{EXTENSION}", crate::workspace::random_u64())),
    };
    let text = format!(
        "# A guanxi teammate's key: the team key, wrapped so only they can open it.\n# Holds nothing about customers; do not edit.\n{}",
        toml::to_string(entry).map_err(|e| EncryptionError::BadKeyFile(e.to_string()))?
    );
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    fs::write(&tmp, text).map_err(EncryptionError::io(&tmp))?;
    fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(EncryptionError::io(&tmp))?;
    fs::rename(&tmp, &path).map_err(EncryptionError::io(&path))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry() -> KeyEntry {
        KeyEntry {
            label: "Lan 兰".into(),
            kind: KeyKind::Age,
            recipient: "age1xyz".into(),
            generation: 3,
            keyring: "00ff".into(),
            identity: None,
        }
    }

    #[test]
    fn written_files_read_back_and_others_are_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let path = write(tmp.path(), None, &entry()).unwrap();
        fs::write(dir(tmp.path()).join("notes.txt"), "x").unwrap();
        fs::write(dir(tmp.path()).join("0123456789abcdef.sync-conflict-1.toml"), "x").unwrap();
        let all = read_all(tmp.path()).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].path, path);
        assert_eq!(all[0].entry, entry());
        assert!(present(tmp.path()));
    }

    #[test]
    fn damaged_files_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        let path = write(tmp.path(), None, &entry()).unwrap();
        fs::write(&path, "label = 3\n").unwrap();
        assert!(matches!(
            read_all(tmp.path()),
            Err(EncryptionError::DamagedKeyFile { .. })
        ));
        let passphrase_without_identity =
            "label = \"a\"\nkind = \"passphrase\"\nrecipient = \"r\"\ngeneration = 1\nkeyring = \"00\"\n";
        assert!(parse(passphrase_without_identity).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "[a-z =\"\\[\\]0-9\\n.]{0,200}") {
            let _ = parse(&text);
        }
    }
}
