//! Lending the view. sled lets one process at a time open a workspace's
//! view, and the UI holds it for as long as it is open; so the UI listens
//! on a socket in the workspace's local state (the user's alone, like the
//! folder), and a command that finds the view taken borrows it there:
//!
//! ```text
//! command ── borrow ──► UI: flushes and closes its store
//! command ◄── ready ─── UI waits
//! command opens the store, runs as it always does, closes it
//! command ── done ────► UI opens the store again, shows what changed
//! ```
//!
//! The command runs exactly as it would alone (its output, exit status
//! and `--json` are its own), through the one write path, so nothing is
//! written twice or lost whichever process is killed: a killed command's
//! socket closes and the UI opens the store again (replaying what the
//! command's journal holds past the view, as after any crash); a killed
//! UI lets go of its lock, and the command opens the store itself.
//!
//! Only on Unix; elsewhere a second process is told the workspace is open.

use std::path::{Path, PathBuf};

/// The socket's name in the workspace's local state folder.
pub const SOCKET: &str = "ui.sock";

pub fn socket_path(state_dir: &Path) -> PathBuf {
    state_dir.join(SOCKET)
}

#[cfg(unix)]
mod imp {
    use std::io::{Read, Write};
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    use super::socket_path;

    /// What is said on the socket.
    const BORROW: &[u8] = b"borrow 1\n";
    const READY: &[u8] = b"ready\n";
    const DONE: &[u8] = b"done\n";
    /// How long a command waits for the UI to let go: the UI lends between
    /// keys, once its customers are loaded and no import is running, and not
    /// while an editor it opened is in front.
    const WAIT_FOR_READY: Duration = Duration::from_secs(10);
    /// How long the UI waits for a borrower to say what it wants.
    const WAIT_FOR_ASK: Duration = Duration::from_secs(1);

    /// The UI's side: asked for the view on its socket.
    pub struct Lender {
        listener: UnixListener,
        path: PathBuf,
    }

    /// A command asking for the view, not answered yet.
    pub struct Request {
        stream: UnixStream,
    }

    /// The view lent to a command, until it gives it back.
    pub struct Lent {
        stream: UnixStream,
    }

    /// The command's side: the view borrowed until this is dropped.
    pub struct Loan {
        stream: UnixStream,
    }

    impl Lender {
        /// Listens in `state_dir`; the holder of the workspace's lock calls
        /// this, so a socket file already there was left by a process that
        /// ended without removing it. `None` when listening fails (a path
        /// too long for a socket): commands are then told the workspace is
        /// open, as before.
        pub fn listen(state_dir: &Path) -> Option<Lender> {
            let path = socket_path(state_dir);
            let _ = std::fs::remove_file(&path);
            let listener = UnixListener::bind(&path).ok()?;
            // The folder is the user's alone already; the socket is too.
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
            listener.set_nonblocking(true).ok()?;
            Some(Lender { listener, path })
        }

        /// A command asking for the view, if one is.
        pub fn asked(&self) -> Option<Request> {
            loop {
                let (mut stream, _) = self.listener.accept().ok()?;
                if stream.set_nonblocking(false).is_err() || stream.set_read_timeout(Some(WAIT_FOR_ASK)).is_err() {
                    continue;
                }
                let mut asked = [0u8; BORROW.len()];
                if stream.read_exact(&mut asked).is_ok() && asked == BORROW {
                    return Some(Request { stream });
                }
            }
        }
    }

    impl Drop for Lender {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    impl Request {
        /// Tells the command the view is free (the store is closed by
        /// now); `None` when the command went away meanwhile.
        pub fn ready(mut self) -> Option<Lent> {
            self.stream.write_all(READY).ok()?;
            Some(Lent { stream: self.stream })
        }
    }

    impl Lent {
        /// Waits until the command is done with the view or has ended.
        pub fn wait_back(mut self) {
            let _ = self.stream.set_read_timeout(None);
            let mut said = [0u8; 64];
            // `done`, or end of file when the command was killed; either
            // way it holds nothing any more.
            while let Ok(n) = self.stream.read(&mut said) {
                if n == 0 || said[..n].ends_with(DONE) {
                    break;
                }
            }
        }
    }

    /// Asks the UI holding the view in `state_dir` to lend it; `None`
    /// when no UI answers (none runs, or a socket file was left by one
    /// that crashed) or it does not let go in time.
    pub fn borrow(state_dir: &Path) -> Option<Loan> {
        let mut stream = UnixStream::connect(socket_path(state_dir)).ok()?;
        stream.write_all(BORROW).ok()?;
        stream.set_read_timeout(Some(WAIT_FOR_READY)).ok()?;
        let mut answer = [0u8; READY.len()];
        stream.read_exact(&mut answer).ok()?;
        (answer == READY).then_some(Loan { stream })
    }

    impl Drop for Loan {
        fn drop(&mut self) {
            let _ = self.stream.write_all(DONE);
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use std::path::Path;

    pub struct Lender;
    pub struct Request;
    pub struct Lent;
    pub struct Loan;

    impl Lender {
        pub fn listen(_state_dir: &Path) -> Option<Lender> {
            None
        }

        pub fn asked(&self) -> Option<Request> {
            None
        }
    }

    impl Request {
        pub fn ready(self) -> Option<Lent> {
            None
        }
    }

    impl Lent {
        pub fn wait_back(self) {}
    }

    pub fn borrow(_state_dir: &Path) -> Option<Loan> {
        None
    }
}

pub use imp::{Lender, Lent, Loan, Request, borrow};

#[cfg(all(test, unix))]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_borrower_waits_for_ready_and_gives_back_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let lender = Lender::listen(dir.path()).unwrap();
        assert!(lender.asked().is_none());
        let borrower = std::thread::spawn({
            let dir = dir.path().to_path_buf();
            move || borrow(&dir).map(drop).is_some()
        });
        let request = loop {
            if let Some(r) = lender.asked() {
                break r;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        request.ready().unwrap().wait_back();
        assert!(borrower.join().unwrap());
    }

    #[test]
    fn a_socket_left_behind_is_no_lender() {
        let dir = tempfile::tempdir().unwrap();
        drop(std::os::unix::net::UnixListener::bind(socket_path(dir.path())).unwrap());
        assert!(socket_path(dir.path()).exists());
        assert!(borrow(dir.path()).is_none());
        // A new lender takes the place of the old socket.
        let _lender = Lender::listen(dir.path()).unwrap();
    }
}
