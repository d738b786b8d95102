//! When to read teammates' journals: on a change notification from the
//! workspace folder (after a burst of writes settles), and every few
//! seconds anyway, since some sync clients and network shares send none.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::sync::watch::Watcher;

/// How often teammates' journals are read when no notification came.
const INGEST_EVERY: Duration = Duration::from_secs(5);
/// After a notification, how long to let a burst of file writes settle.
const SETTLE: Duration = Duration::from_millis(150);

pub struct Teammates {
    watcher: Watcher,
    last_read: Instant,
    /// Changes that arrived from teammates since the UI opened.
    pub arrived: u64,
}

impl Teammates {
    pub fn watch(root: &Path) -> Teammates {
        Teammates {
            watcher: Watcher::new(root),
            last_read: Instant::now(),
            arrived: 0,
        }
    }

    /// True when it is time to read their journals (and the clock restarts).
    pub fn due(&mut self) -> bool {
        let since = self.last_read.elapsed();
        if since >= INGEST_EVERY || (since >= SETTLE && self.watcher.take_changed()) {
            self.last_read = Instant::now();
            return true;
        }
        false
    }
}
