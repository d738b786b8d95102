use thiserror::Error;

use super::codec::CodecError;
use crate::domain::InputError;
use crate::i18n::tf;
use crate::sync::journal::JournalError;
use crate::workspace::WorkspaceError;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error("{}", tf("error.store.journal", &[("detail", .0)]))]
    Journal(JournalError),
    /// sled's error is not given as the source: its text (a debug print of
    /// an OS error) is said in our words by `database_message`.
    #[error("{}", database_message(.0))]
    Db(sled::Error),
    /// Not a `source`: the text is said here once, not again by a chain.
    #[error("{what}: {error}")]
    Codec { what: String, error: CodecError },
    #[error("{}", tf("error.store.damaged_journal", &[("replica", replica), ("detail", detail)]))]
    DamagedJournal { replica: String, detail: String },
    #[error("{}", tf("error.store.newer_view", &[("format", .0)]))]
    NewerView(u8),
    #[error("{}", pack_message(.0))]
    Pack(#[from] super::pack::PackError),
    /// The workspace is encrypted and this replica lacks the key (or a
    /// frame's generation of it), or a key file is damaged.
    #[error(transparent)]
    Encryption(#[from] crate::encryption::EncryptionError),
    /// The view must be made again from the journals (`Store::open` does).
    #[error("{}", crate::i18n::t("error.store.stale_view"))]
    StaleView,
}

fn database_message(e: &sled::Error) -> String {
    match e {
        sled::Error::Io(io) if io.kind() == std::io::ErrorKind::StorageFull => {
            crate::i18n::t("error.store.local_disk_full").to_string()
        }
        other => tf("error.store.database", &[("detail", other)]),
    }
}

/// A full disk is said the same way whichever part of the view met it,
/// and is not called damage (a rebuild would meet the same wall).
fn pack_message(e: &super::pack::PackError) -> String {
    match e {
        super::pack::PackError::Io { source, .. } if source.kind() == std::io::ErrorKind::StorageFull => {
            crate::i18n::t("error.store.local_disk_full").to_string()
        }
        other => tf("error.store.pack", &[("detail", other)]),
    }
}

/// Errors that come from the machine's state rather than from the bytes.
pub fn is_environmental(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        StorageFull | QuotaExceeded | PermissionDenied | ReadOnlyFilesystem | OutOfMemory | Interrupted
    )
}

impl From<JournalError> for StoreError {
    fn from(e: JournalError) -> StoreError {
        // A frame sealed with a key generation this replica lacks is no
        // fault of the journal: the key is missing (see `journal::Locked`).
        if let Some(locked) = e
            .error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<crate::sync::journal::Locked>())
        {
            return StoreError::Encryption(crate::encryption::EncryptionError::FrameLocked(locked.generation));
        }
        StoreError::Journal(e)
    }
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> StoreError {
        StoreError::Db(e)
    }
}

impl StoreError {
    pub(crate) fn codec(what: impl Into<String>) -> impl FnOnce(CodecError) -> StoreError {
        let what = what.into();
        move |error| StoreError::Codec { what, error }
    }

    /// The local view (not a journal, not the workspace) is damaged or out
    /// of date: it can be made again from the journals.
    pub fn is_view_damage(&self) -> bool {
        match self {
            // A full disk or a refused file is not damage: making the view
            // again would meet the same wall.
            StoreError::Db(sled::Error::Io(e)) | StoreError::Pack(super::pack::PackError::Io { source: e, .. }) => {
                !is_environmental(e)
            }
            StoreError::Db(_) | StoreError::Pack(_) | StoreError::Codec { .. } | StoreError::StaleView => true,
            _ => false,
        }
    }

    /// The user's input was at fault (as opposed to the machine or the files).
    pub fn is_input(&self) -> bool {
        match self {
            StoreError::Input(_) => true,
            StoreError::Workspace(w) => w.is_input(),
            StoreError::Encryption(e) => e.is_input(),
            _ => false,
        }
    }
}

/// An I/O error at `path` in the view or the state folder, as a store
/// error.
pub(crate) fn io_at(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> StoreError + use<> {
    let path = path.to_path_buf();
    move |source| StoreError::Workspace(WorkspaceError::Io { path, source })
}
