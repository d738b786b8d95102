use thiserror::Error;

use super::codec::CodecError;
use crate::domain::InputError;
use crate::sync::journal::JournalError;
use crate::workspace::WorkspaceError;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error("journal {0}")]
    Journal(#[from] JournalError),
    #[error("local database: {0}")]
    Db(#[from] sled::Error),
    #[error("{what}: {source}")]
    Codec {
        what: String,
        #[source]
        source: CodecError,
    },
    #[error(
        "this replica's journal is missing from the workspace, but the local view holds {seq} changes from it; \
         run `guanxi rebuild` to rebuild the view from the journals that are there"
    )]
    OwnJournalMissing { seq: u64 },
    #[error("journal of replica {replica} is damaged: {detail}; run `guanxi doctor`")]
    DamagedJournal { replica: String, detail: String },
    #[error("the local view was written by a newer guanxi (format {0}); update guanxi or run `guanxi rebuild`")]
    NewerView(u8),
}

impl StoreError {
    pub(crate) fn codec(what: impl Into<String>) -> impl FnOnce(CodecError) -> StoreError {
        let what = what.into();
        move |source| StoreError::Codec { what, source }
    }

    /// The user's input was at fault (as opposed to the machine or the files).
    pub fn is_input(&self) -> bool {
        matches!(self, StoreError::Input(_))
    }
}
