//! The terminal, borrowed for the UI and always given back: raw mode, the
//! alternate screen and the mouse are undone when the guard drops, when
//! the program panics (a hook that then hands over to the previous hook),
//! and around `$EDITOR`.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};

/// True while the UI wants the mouse: the panic hook reads it, so it is
/// kept where the hook can see it.
static MOUSE: AtomicBool = AtomicBool::new(false);

pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Takes the terminal; with `mouse`, its mouse too (`mouse = false` in
    /// the config leaves it to the terminal).
    pub fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        MOUSE.store(mouse, Ordering::SeqCst);
        install_panic_hook();
        take()?;
        Ok(TerminalGuard { _private: () })
    }

    /// Hands the terminal back for a while (to an editor).
    pub fn suspend(&self) {
        give_back();
    }

    pub fn resume(&self) -> io::Result<()> {
        take()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        give_back();
    }
}

fn take() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    if MOUSE.load(Ordering::SeqCst) {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    Ok(())
}

/// Restores the terminal; safe to call more than once.
fn give_back() {
    if MOUSE.load(Ordering::SeqCst) {
        let _ = execute!(io::stdout(), DisableMouseCapture);
    }
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    let _ = io::stdout().flush();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        give_back();
        previous(info);
    }));
}

/// Edits `text` in the user's `$VISUAL` or `$EDITOR` (or `vi`); `None` when
/// the editor could not run or failed. The caller suspends the terminal.
pub fn edit_in_editor(text: &str) -> Option<String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| std::env::var("EDITOR").ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    edit_with(&editor, text)
}

/// Edits `text` with the `editor` command line, in a temporary file only
/// the user can read.
fn edit_with(editor: &str, text: &str) -> Option<String> {
    let mut words = editor.split_whitespace();
    let program = words.next()?;
    let path: PathBuf = std::env::temp_dir().join(format!("guanxi-{:016x}.txt", crate::workspace::random_u64()));
    // Private (the note may be about a customer), and new: a name someone
    // else prepared in the shared temporary folder is not written through.
    let mut file = crate::workspace::private::create_new(&path).ok()?;
    if file.write_all(text.as_bytes()).is_err() {
        let _ = std::fs::remove_file(&path);
        return None;
    }
    drop(file);
    let status = Command::new(program).args(words).arg(&path).status();
    let result = match status {
        Ok(s) if s.success() => std::fs::read_to_string(&path).ok(),
        _ => None,
    };
    let _ = std::fs::remove_file(&path);
    result
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn the_editors_file_is_private() {
        // An "editor" that replaces the text with the file's permissions.
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("editor.sh");
        std::fs::write(&script, "#!/bin/sh\nls -l \"$1\" | cut -c1-10 > \"$1\"\n").unwrap();
        let editor = format!("sh {}", script.display());
        assert_eq!(super::edit_with(&editor, "a note").as_deref(), Some("-rw-------\n"));
    }
}
