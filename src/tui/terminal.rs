//! The terminal, borrowed for the UI and always given back: raw mode and
//! the alternate screen are undone when the guard drops, when the program
//! panics (a hook that then hands over to the previous hook), and around
//! `$EDITOR`.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::Command;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};

pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
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
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)
}

/// Restores the terminal; safe to call more than once.
fn give_back() {
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
    let path: PathBuf = std::env::temp_dir().join(format!("guanxi-{:016x}.txt", crate::workspace::random_u64()));
    std::fs::write(&path, text).ok()?;
    let mut words = editor.split_whitespace();
    let program = words.next()?;
    let status = Command::new(program).args(words).arg(&path).status();
    let result = match status {
        Ok(s) if s.success() => std::fs::read_to_string(&path).ok(),
        _ => None,
    };
    let _ = std::fs::remove_file(&path);
    result
}
