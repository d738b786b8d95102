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
    Journal(#[from] JournalError),
    #[error("{}", tf("error.store.database", &[("detail", .0)]))]
    Db(#[from] sled::Error),
    #[error("{what}: {source}")]
    Codec {
        what: String,
        #[source]
        source: CodecError,
    },
    #[error("{}", tf("error.store.own_journal_missing", &[("count", seq)]))]
    OwnJournalMissing { seq: u64 },
    #[error("{}", tf("error.store.damaged_journal", &[("replica", replica), ("detail", detail)]))]
    DamagedJournal { replica: String, detail: String },
    #[error("{}", tf("error.store.newer_view", &[("format", .0)]))]
    NewerView(u8),
    #[error("{}", tf("error.store.pack", &[("detail", .0)]))]
    Pack(#[from] super::pack::PackError),
    /// The view must be made again from the journals (`Store::open` does).
    #[error("{}", crate::i18n::t("error.store.stale_view"))]
    StaleView,
}

impl StoreError {
    pub(crate) fn codec(what: impl Into<String>) -> impl FnOnce(CodecError) -> StoreError {
        let what = what.into();
        move |source| StoreError::Codec { what, source }
    }

    /// The user's input was at fault (as opposed to the machine or the files).
    pub fn is_input(&self) -> bool {
        match self {
            StoreError::Input(_) => true,
            StoreError::Workspace(w) => w.is_input(),
            _ => false,
        }
    }
}
