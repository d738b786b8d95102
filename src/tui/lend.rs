//! Lending the view to a command run beside the UI (see
//! `crate::workspace::loan`): the store is closed, the command runs, and
//! the store is opened again with what the command changed shown.

use std::time::{Duration, Instant};

use anyhow::Result;

use super::app::App;
use crate::store::{Store, StoreError};
use crate::workspace::WorkspaceError;
use crate::workspace::loan::Request;

/// How long a command that gave the view back may still hold its locks
/// (it closes its store before saying `done`; one that was killed lets
/// go as it ends).
const LOCK_RELEASE: Duration = Duration::from_secs(10);

/// Lends the view for `request` and takes it back. Keys typed meanwhile
/// wait in the terminal and are handled after. An error only when the
/// workspace cannot be opened again.
pub fn lend(mut app: App, request: Request) -> Result<App> {
    let options = app.store.reopen_options();
    let mark = app.store.mark();
    // Every handle on the view goes with the store: the customers'
    // loader is done (`App::can_lend`), the report's figures are waited
    // for, and nothing else keeps one.
    app.finish_report();
    if let Err(e) = app.store.flush() {
        // The journal holds every change; a view not flushed is replayed.
        app.fail(e);
    }
    let store = app.store;
    drop(store);
    if let Some(lent) = request.ready() {
        lent.wait_back();
    }
    app.store = reopen(options)?;
    app.view_returned(&mark);
    Ok(app)
}

fn reopen(options: crate::store::OpenOptions) -> Result<Store> {
    let deadline = Instant::now() + LOCK_RELEASE;
    loop {
        match Store::open(options.clone()) {
            Err(StoreError::Workspace(WorkspaceError::AlreadyOpen { .. })) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return Ok(other?),
        }
    }
}
