//! Noticing teammates' changes as their files arrive: file-system
//! notifications where the platform has them, with the caller's periodic
//! rescan as the fallback (network shares and some sync clients do not
//! send events).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

pub struct Watcher {
    _inner: Option<RecommendedWatcher>,
    changed: Arc<AtomicBool>,
}

impl Watcher {
    /// Watches the workspace folder; never fails (without notifications,
    /// only the rescan finds changes).
    pub fn new(root: &Path) -> Watcher {
        let changed = Arc::new(AtomicBool::new(false));
        let flag = changed.clone();
        let inner = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|e| !e.kind.is_access()) {
                flag.store(true, Ordering::Relaxed);
            }
        })
        .ok()
        .and_then(|mut w| w.watch(root, RecursiveMode::Recursive).ok().map(|()| w));
        Watcher { _inner: inner, changed }
    }

    /// True when something changed since the last call.
    pub fn take_changed(&self) -> bool {
        self.changed.swap(false, Ordering::Relaxed)
    }

    /// True when notifications work here.
    pub fn is_live(&self) -> bool {
        self._inner.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn a_new_file_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let w = Watcher::new(dir.path());
        if !w.is_live() {
            return; // No notifications on this system: the rescan covers it.
        }
        std::fs::create_dir_all(dir.path().join("replicas/abc")).unwrap();
        std::fs::write(dir.path().join("replicas/abc/000001.journal"), b"x").unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !w.take_changed() {
            assert!(Instant::now() < deadline, "no notification");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
