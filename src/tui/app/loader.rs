//! Reading every customer on another thread at start, so the first frame
//! does not wait for them.

use std::sync::mpsc::{Receiver, TryRecvError};

use crate::store::{Store, StoreError};
use crate::tui::roster::Roster;

#[derive(Default)]
pub struct Loader {
    pending: Option<Receiver<Result<Roster, StoreError>>>,
}

impl Loader {
    /// Starts reading the customers of `store`'s view.
    pub fn start(store: &Store) -> Loader {
        let view = store.view();
        let (tx, rx) = std::sync::mpsc::channel();
        // Names sort by the language of the thread that opened the UI.
        let lang = crate::i18n::language();
        std::thread::spawn(move || {
            crate::i18n::set_thread_language(lang);
            let loaded = Roster::load(&view);
            // Let go of the view before saying so: whoever waits may close
            // the store next (and reopening needs every handle gone).
            drop(view);
            let _ = tx.send(loaded);
        });
        Loader { pending: Some(rx) }
    }

    /// True until the customers are in.
    pub fn loading(&self) -> bool {
        self.pending.is_some()
    }

    /// The customers when the thread is done; `None` while it is not.
    /// A thread that died is made up for by reading here.
    pub fn take(&mut self, store: &Store) -> Option<Result<Roster, StoreError>> {
        let rx = self.pending.as_ref()?;
        let loaded = match rx.try_recv() {
            Ok(loaded) => loaded,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Roster::load(&store.view()),
        };
        self.pending = None;
        Some(loaded)
    }

    /// Waits for the customers.
    pub fn wait(&mut self, store: &Store) -> Option<Result<Roster, StoreError>> {
        let rx = self.pending.take()?;
        Some(rx.recv().unwrap_or_else(|_| Roster::load(&store.view())))
    }
}
