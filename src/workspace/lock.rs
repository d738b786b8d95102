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

pub fn acquire(path: &Path, workspace: &Path) -> Result<Lock, WorkspaceError> {
    // Private, like all local state (it only holds a process id).
    let mut file = super::private::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io_at(path))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            return Err(WorkspaceError::AlreadyOpen {
                workspace: workspace.to_path_buf(),
                pid: text.trim().parse().ok(),
                state_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            });
        }
        Err(TryLockError::Error(e)) => return Err(io_at(path)(e)),
    }
    // The pid is only for the message another process shows.
    let _ = file
        .set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| write!(file, "{}", std::process::id()));
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
}
