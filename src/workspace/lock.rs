//! One guanxi process per workspace and machine account: sled allows only
//! one opener, and a clear message beats its raw lock error.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::error::{WorkspaceError, io_at};

/// Held while the workspace is open; the OS releases it when the process
/// ends, however it ends.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// How long a lock this process itself last held may stay taken.
const OWN_LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

pub fn acquire(path: &Path, workspace: &Path) -> Result<Lock, WorkspaceError> {
    // Private, like all local state (it only holds a process id).
    let mut file = super::private::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io_at(path))?;
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file
                    .seek(SeekFrom::Start(0))
                    .and_then(|_| file.read_to_string(&mut text));
                let pid: Option<u32> = text.trim().parse().ok();
                // This process let the lock go a moment ago (a rebuild opens
                // the workspace again; so does the UI after lending its
                // view): a child another thread was starting then holds a
                // copy of the lock until it runs its program.
                if pid == Some(std::process::id()) && started.elapsed() < OWN_LOCK_WAIT {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                }
                return Err(WorkspaceError::AlreadyOpen {
                    workspace: workspace.to_path_buf(),
                    pid,
                    state_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io_at(path)(e)),
        }
    }
    // The pid is only for the message another process shows. Written over
    // the last one rather than after emptying the file (see
    // `private::overwrite`).
    let pid = std::process::id().to_string();
    let _ = file
        .seek(SeekFrom::Start(0))
        .and_then(|_| file.write_all(pid.as_bytes()))
        .and_then(|()| file.metadata())
        .and_then(|m| {
            if m.len() > pid.len() as u64 {
                file.set_len(pid.len() as u64)
            } else {
                Ok(())
            }
        });
    Ok(Lock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let first = acquire(&path, dir.path()).unwrap();
        let err = acquire(&path, dir.path()).unwrap_err();
        match &err {
            WorkspaceError::AlreadyOpen { pid, .. } => assert_eq!(*pid, Some(std::process::id())),
            other => panic!("unexpected {other}"),
        }
        assert!(err.to_string().contains("already open"));
        drop(first);
        acquire(&path, dir.path()).unwrap();
    }

    /// A forked child holds a copy of every descriptor of its parent until
    /// it runs its program: a lock the parent lets go of meanwhile is still
    /// taken, and the parent opening the workspace again waits for it.
    #[test]
    fn a_lock_this_process_let_go_is_waited_for_while_a_copy_still_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let first = acquire(&path, dir.path()).unwrap();
        // The copy a child would hold: another open file description would
        // not share the lock, a duplicated descriptor does.
        let copy = first._file.try_clone().unwrap();
        drop(first);
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            drop(copy);
        });
        let started = std::time::Instant::now();
        acquire(&path, dir.path()).unwrap();
        assert!(started.elapsed() >= std::time::Duration::from_millis(90));
        release.join().unwrap();
    }
}
