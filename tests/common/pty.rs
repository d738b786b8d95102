//! Running the real `guanxi` binary in a pseudo-terminal, the way a person
//! at a terminal would: type, press keys, read the screen.
//!
//! A [`Tui`] owns a pty pair sized `cols` x `rows`, the child process, and a
//! background thread that reads everything the program draws into a
//! [`vt100::Parser`]. Tests poll that parsed screen with [`Tui::wait_for`]
//! and friends — never with fixed sleeps.
//!
//! The reader thread also plays the terminal's part in the two queries a
//! crossterm program may send: the cursor position report (`ESC [ 6 n`) and
//! the primary device attributes (`ESC [ c`).

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize};

use super::{BIN, Sandbox};

/// How long the `wait_*` methods wait unless told otherwise.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);

/// How often the screen is looked at while waiting.
const POLL: Duration = Duration::from_millis(20);

/// How long to let the reader drain the last output once the program exits.
const DRAIN_DEADLINE: Duration = Duration::from_secs(2);

const ESC: u8 = 0x1b;

type SharedWriter = Arc<Mutex<Box<dyn Write + Send>>>;

/// A program running in a pseudo-terminal, with its screen.
pub struct Tui {
    /// How the program was started, for messages (`guanxi list`).
    label: String,
    master: Box<dyn MasterPty + Send>,
    child: Mutex<Box<dyn Child + Send + Sync>>,
    exit: Mutex<Option<ExitStatus>>,
    writer: SharedWriter,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote to the terminal, as written.
    output: Arc<Mutex<Vec<u8>>>,
    /// Set by the reader thread once the terminal is closed on the far side
    /// (the program and everything it started are gone) and all output is in
    /// the parser: the screen can no longer change.
    closed: Arc<AtomicBool>,
    /// (cols, rows)
    size: (u16, u16),
}

impl Tui {
    /// Starts `guanxi ARGS` in a `cols` x `rows` pty, on the sandbox's own
    /// workspace, with the sandbox's environment.
    pub fn start(sandbox: &Sandbox, args: &[&str], cols: u16, rows: u16) -> Tui {
        Tui::start_in(sandbox, &sandbox.workspace(), args, cols, rows)
    }

    /// Starts `guanxi ARGS` on `workspace`, with the same environment as
    /// [`Sandbox::command_in`] plus `TERM=xterm-256color`. The working
    /// directory is the sandbox's temporary directory.
    pub fn start_in(sandbox: &Sandbox, workspace: &Path, args: &[&str], cols: u16, rows: u16) -> Tui {
        Tui::spawn(Tui::command(sandbox, workspace, args), cols, rows)
    }

    /// The command `start_in` runs, for a test that adds to its environment.
    pub fn command(sandbox: &Sandbox, workspace: &Path, args: &[&str]) -> CommandBuilder {
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("HOME", sandbox.home());
        cmd.env("GUANXI_USER", &sandbox.user);
        cmd.env("GUANXI_WORKSPACE", workspace);
        cmd.env("TZ", "UTC");
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(sandbox.dir.path());
        cmd
    }

    /// Starts any program in a `cols` x `rows` pty (the harness's own tests
    /// use `cat` and `sh`). The command's environment is used as given.
    pub fn spawn(cmd: CommandBuilder, cols: u16, rows: u16) -> Tui {
        let label = label_of(&cmd);
        let size = pty_size(cols, rows);
        let pair = portable_pty::native_pty_system()
            .openpty(size)
            .unwrap_or_else(|e| panic!("`{label}`: cannot open a pty: {e}"));
        let child = pair
            .slave
            .spawn_command(cmd)
            .unwrap_or_else(|e| panic!("`{label}`: cannot start: {e}"));
        // Only the child may hold the slave side, so that the reader sees
        // end-of-file once the child is gone.
        drop(pair.slave);

        let reader = pair
            .master
            .try_clone_reader()
            .unwrap_or_else(|e| panic!("`{label}`: no pty reader: {e}"));
        let writer: SharedWriter = Arc::new(Mutex::new(
            pair.master
                .take_writer()
                .unwrap_or_else(|e| panic!("`{label}`: no pty writer: {e}")),
        ));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(non_zero(rows), non_zero(cols), 0)));
        let closed = Arc::new(AtomicBool::new(false));
        let output = Arc::new(Mutex::new(Vec::new()));
        {
            let (parser, writer, closed, output) = (parser.clone(), writer.clone(), closed.clone(), output.clone());
            thread::Builder::new()
                .name(format!("pty reader: {label}"))
                .spawn(move || read_screen(reader, &parser, &writer, &closed, &output))
                .expect("start the pty reader thread");
        }

        Tui {
            label,
            master: pair.master,
            child: Mutex::new(child),
            exit: Mutex::new(None),
            writer,
            parser,
            output,
            closed,
            size: (cols, rows),
        }
    }

    /// Sends `text` as typed: its UTF-8 bytes, unchanged (so `"\r"` is Enter).
    pub fn type_text(&mut self, text: &str) {
        self.send(text.as_bytes());
    }

    /// Sends one key by name; see [`key_bytes`] for the names. Cursor keys
    /// follow the program's cursor-key mode, as a real terminal's do.
    pub fn key(&mut self, name: &str) {
        let mut bytes = key_bytes(name);
        if lock(&self.parser).screen().application_cursor() {
            bytes = application_cursor(bytes);
        }
        self.send(&bytes);
        // A lone Esc followed at once by another key reaches the program
        // as one read, which a terminal reads as Alt and that key (a user
        // cannot type that fast): the next key waits a moment.
        if bytes == [ESC] {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// A click of the left button on the cell at `col`, `row` (0-based, as
    /// [`Tui::position_of`] gives them), as an xterm in SGR mouse mode
    /// reports it: the press, then the release.
    pub fn click(&mut self, col: u16, row: u16) {
        self.send(&sgr_mouse(0, col, row, 'M'));
        self.send(&sgr_mouse(0, col, row, 'm'));
    }

    /// Two clicks on one cell, as quickly as a hand makes them.
    pub fn double_click(&mut self, col: u16, row: u16) {
        self.click(col, row);
        self.click(col, row);
    }

    /// One notch of the wheel over the cell at `col`, `row`: down (button
    /// 65) or up (64). A wheel has no release.
    pub fn wheel(&mut self, col: u16, row: u16, down: bool) {
        self.send(&sgr_mouse(if down { 65 } else { 64 }, col, row, 'M'));
    }

    /// Where `needle` first shows on the screen, as (col, row), 0-based:
    /// a wide character before it counts its two columns.
    pub fn position_of(&self, needle: &str) -> Option<(u16, u16)> {
        let parser = lock(&self.parser);
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        for row in 0..rows.get() {
            // The row's text, and the column each byte of it came from.
            let mut text = String::new();
            let mut columns = Vec::new();
            for col in 0..cols.get() {
                let Some(cell) = screen.cell(row, col) else { continue };
                if cell.is_wide_continuation() {
                    continue;
                }
                let contents = if cell.has_contents() { cell.contents() } else { " " };
                columns.extend(std::iter::repeat_n(col, contents.len()));
                text.push_str(contents);
            }
            if let Some(at) = text.find(needle) {
                return Some((columns[at], row));
            }
        }
        None
    }

    /// Waits until `needle` is on screen and the screen is still, then
    /// clicks its first cell. A frame reaches the terminal in pieces (a
    /// large one fills the pty's buffer), so the needle can show while
    /// rows below it are still the last frame's: a place taken from such a
    /// screen is where the needle was, not where it is.
    pub fn click_on(&mut self, needle: &str) {
        self.wait_for(needle);
        self.wait_until_still();
        let (col, row) = self
            .position_of(needle)
            .unwrap_or_else(|| panic!("\"{needle}\" left the screen before the click"));
        self.click(col, row);
    }

    /// The screen as text: one line per row, trailing blanks trimmed. Wide
    /// characters appear once (their continuation cell is skipped).
    pub fn screen(&self) -> String {
        let parser = lock(&self.parser);
        screen_text(parser.screen())
    }

    /// Runs `f` on the parsed screen, for cell-level checks (wide cells,
    /// colours, cursor).
    pub fn with_screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(lock(&self.parser).screen())
    }

    /// Every byte the program has written to the terminal so far, escape
    /// sequences and all, for checks the parsed screen cannot make (what
    /// reached the terminal, not what it drew).
    pub fn output(&self) -> Vec<u8> {
        lock(&self.output).clone()
    }

    /// The terminal size as (cols, rows).
    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// Waits up to [`DEFAULT_DEADLINE`] until the screen contains `needle`,
    /// and returns that screen.
    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_for_within(needle, DEFAULT_DEADLINE)
    }

    /// Waits up to `deadline` until the screen contains `needle`, and returns
    /// that screen.
    pub fn wait_for_within(&self, needle: &str, deadline: Duration) -> String {
        self.wait_until(&format!("\"{needle}\" to appear on screen"), deadline, |screen| {
            screen.contains(needle)
        })
    }

    /// Waits up to [`DEFAULT_DEADLINE`] until `needle` is no longer on screen.
    pub fn wait_until_gone(&self, needle: &str) -> String {
        self.wait_until_gone_within(needle, DEFAULT_DEADLINE)
    }

    /// Waits up to `deadline` until `needle` is no longer on screen.
    pub fn wait_until_gone_within(&self, needle: &str, deadline: Duration) -> String {
        self.wait_until(&format!("\"{needle}\" to leave the screen"), deadline, |screen| {
            !screen.contains(needle)
        })
    }

    /// Polls the screen every ~20 ms until `done(screen)` holds and returns
    /// that screen. Panics, with `what` and the last screen, after `deadline`
    /// — or as soon as the program has exited and its screen can no longer
    /// change.
    pub fn wait_until(&self, what: &str, deadline: Duration, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            // Read the flag before the screen: once closed, this screen is final.
            let closed = self.closed.load(Ordering::Acquire);
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if closed {
                let state = match self.status_within(DRAIN_DEADLINE) {
                    Some(status) => format!("has exited ({})", describe(&status)),
                    None => "has closed its terminal".to_string(),
                };
                panic!(
                    "gave up waiting for {what}: `{}` {state} and its screen will not change\n{}",
                    self.label,
                    self.framed(&screen)
                );
            }
            if started.elapsed() >= deadline {
                let state = match self.status() {
                    Some(status) => format!("has exited ({})", describe(&status)),
                    None => "is still running".to_string(),
                };
                panic!(
                    "timed out after {} ms waiting for {what}; `{}` {state}\n{}",
                    deadline.as_millis(),
                    self.label,
                    self.framed(&screen)
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Waits until two looks at the screen a poll apart agree, and returns
    /// it: the frame being drawn has arrived whole.
    pub fn wait_until_still(&self) -> String {
        let started = Instant::now();
        let mut last = self.screen();
        loop {
            thread::sleep(POLL);
            let now = self.screen();
            if now == last || started.elapsed() >= DEFAULT_DEADLINE {
                return now;
            }
            last = now;
        }
    }

    /// Resizes the terminal (the parser first, then the pty, which signals
    /// the program with SIGWINCH).
    pub fn resize(&mut self, cols: u16, rows: u16) {
        lock(&self.parser).set_size(non_zero(rows), non_zero(cols));
        self.master
            .resize(pty_size(cols, rows))
            .unwrap_or_else(|e| panic!("`{}`: cannot resize the pty: {e}", self.label));
        self.size = (cols, rows);
    }

    /// Waits up to [`DEFAULT_DEADLINE`] for the program to exit, then (briefly)
    /// for its last output to reach the screen, and returns its exit code
    /// (1 if a signal ended it).
    pub fn wait_exit(&mut self) -> u32 {
        let Some(status) = self.status_within(DEFAULT_DEADLINE) else {
            panic!(
                "`{}` still running after {} s\n{}",
                self.label,
                DEFAULT_DEADLINE.as_secs(),
                self.framed(&self.screen())
            );
        };
        let started = Instant::now();
        while !self.closed.load(Ordering::Acquire) && started.elapsed() < DRAIN_DEADLINE {
            thread::sleep(POLL);
        }
        status.exit_code()
    }

    /// The program's process id.
    pub fn process_id(&self) -> Option<u32> {
        lock(&self.child).process_id()
    }

    /// True while the program runs.
    pub fn is_running(&mut self) -> bool {
        self.status().is_none()
    }

    fn send(&mut self, bytes: &[u8]) {
        let result = {
            let mut writer = lock(&self.writer);
            writer.write_all(bytes).and_then(|()| writer.flush())
        };
        if let Err(e) = result {
            panic!(
                "`{}`: cannot send {:?}: {e}\n{}",
                self.label,
                String::from_utf8_lossy(bytes),
                self.framed(&self.screen())
            );
        }
    }

    /// The exit status, if the program has exited.
    fn status(&self) -> Option<ExitStatus> {
        let mut exit = lock(&self.exit);
        if exit.is_none() {
            *exit = lock(&self.child).try_wait().ok().flatten();
        }
        exit.clone()
    }

    fn status_within(&self, deadline: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.status() {
                return Some(status);
            }
            if started.elapsed() >= deadline {
                return None;
            }
            thread::sleep(POLL);
        }
    }

    /// The screen, numbered by row and fenced, for failure messages.
    fn framed(&self, screen: &str) -> String {
        let (cols, rows) = self.size;
        let mut out = format!("--- screen ({cols}x{rows}) ---\n");
        for (n, line) in screen.lines().enumerate() {
            out.push_str(&format!("{n:>3}|{line}\n"));
        }
        out.push_str("--- end of screen ---");
        out
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.status().is_some() {
            return;
        }
        let mut child = lock(&self.child);
        // SIGHUP, a short grace period, then SIGKILL; then reap it. Once the
        // child is gone the reader thread reads end-of-file and stops.
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// An SGR (mode 1006) mouse report: `ESC [ < button ; x ; y M` for a
/// press (`m` for a release), x and y counted from 1.
pub fn sgr_mouse(button: u16, col: u16, row: u16, end: char) -> Vec<u8> {
    format!("\x1b[<{button};{};{}{end}", col + 1, row + 1).into_bytes()
}

/// The bytes an xterm sends for the named key (normal cursor-key mode).
///
/// Names: `enter`, `esc`, `tab`, `backtab` / `shift-tab`, `backspace`,
/// `space`, `up`, `down`, `left`, `right`, `home`, `end`, `pageup`,
/// `pagedown`, `insert`, `delete`, `f1`–`f12`, `ctrl-X` (X a letter or one
/// of `@[\]^_`, or `space`), `alt-NAME` (ESC, then NAME's bytes), or any
/// single character, sent as UTF-8. Names other than single characters are
/// case-insensitive. Panics on an unknown name.
pub fn key_bytes(name: &str) -> Vec<u8> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.to_string().into_bytes();
    }
    if let Some(rest) = strip_prefix_ignore_case(name, "alt-") {
        let mut bytes = vec![ESC];
        bytes.extend(key_bytes(rest));
        return bytes;
    }
    if let Some(rest) = strip_prefix_ignore_case(name, "ctrl-") {
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if ('@'..='_').contains(&c.to_ascii_uppercase()) => c.to_ascii_uppercase() as u8 & 0x1f,
            _ if rest.eq_ignore_ascii_case("space") => 0,
            _ => panic!("key(\"{name}\"): no control code for \"{rest}\""),
        };
        return vec![code];
    }
    let bytes: &[u8] = match name.to_ascii_lowercase().as_str() {
        "enter" | "return" => b"\r",
        "esc" | "escape" => b"\x1b",
        "tab" => b"\t",
        "backtab" | "shift-tab" => b"\x1b[Z",
        "backspace" => b"\x7f",
        "space" => b" ",
        "up" => b"\x1b[A",
        "down" => b"\x1b[B",
        "right" => b"\x1b[C",
        "left" => b"\x1b[D",
        "home" => b"\x1b[H",
        "end" => b"\x1b[F",
        "pageup" | "pgup" => b"\x1b[5~",
        "pagedown" | "pgdn" => b"\x1b[6~",
        "insert" => b"\x1b[2~",
        "delete" | "del" => b"\x1b[3~",
        "f1" => b"\x1bOP",
        "f2" => b"\x1bOQ",
        "f3" => b"\x1bOR",
        "f4" => b"\x1bOS",
        "f5" => b"\x1b[15~",
        "f6" => b"\x1b[17~",
        "f7" => b"\x1b[18~",
        "f8" => b"\x1b[19~",
        "f9" => b"\x1b[20~",
        "f10" => b"\x1b[21~",
        "f11" => b"\x1b[23~",
        "f12" => b"\x1b[24~",
        _ => panic!("key(\"{name}\"): unknown key name"),
    };
    bytes.to_vec()
}

/// A query a program sends to its terminal, which the harness answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Query {
    /// `ESC [ 6 n`: where is the cursor?
    CursorPosition,
    /// `ESC [ c`: what kind of terminal is this?
    DeviceAttributes,
}

impl Query {
    const PATTERNS: [(&'static [u8], Query); 3] = [
        (b"\x1b[6n", Query::CursorPosition),
        (b"\x1b[c", Query::DeviceAttributes),
        (b"\x1b[0c", Query::DeviceAttributes),
    ];

    /// The terminal's reply, given the screen as it was when the query came.
    pub fn reply(self, screen: &vt100::Screen) -> Vec<u8> {
        match self {
            Query::CursorPosition => {
                let (row, col) = screen.cursor_position();
                format!("\x1b[{};{}R", row + 1, col + 1).into_bytes()
            }
            // A VT100 with advanced video: nothing fancy to negotiate.
            Query::DeviceAttributes => b"\x1b[?1;2c".to_vec(),
        }
    }
}

/// Finds terminal queries in a stream of output chunks, including queries
/// split across chunks.
#[derive(Debug, Default)]
pub struct QueryScanner {
    partial: Vec<u8>,
}

impl QueryScanner {
    /// The queries completed within `chunk`, each with the index just past
    /// its last byte.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<(usize, Query)> {
        let mut found = Vec::new();
        for (i, &byte) in chunk.iter().enumerate() {
            if self.partial.is_empty() && byte != ESC {
                continue;
            }
            self.partial.push(byte);
            if let Some(&(_, query)) = Query::PATTERNS.iter().find(|(p, _)| *p == self.partial.as_slice()) {
                found.push((i + 1, query));
                self.partial.clear();
            } else if !Query::PATTERNS.iter().any(|(p, _)| p.starts_with(&self.partial)) {
                self.partial.clear();
                if byte == ESC {
                    self.partial.push(byte);
                }
            }
        }
        found
    }
}

/// The reader thread: feeds the program's output to the parser, answering
/// queries with the screen as it stands at that point of the stream, until
/// the terminal closes.
fn read_screen(
    mut reader: Box<dyn Read + Send>,
    parser: &Mutex<vt100::Parser>,
    writer: &Mutex<Box<dyn Write + Send>>,
    closed: &AtomicBool,
    output: &Mutex<Vec<u8>>,
) {
    let mut scanner = QueryScanner::default();
    let mut buf = [0u8; 8192];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let chunk = &buf[..n];
        lock(output).extend_from_slice(chunk);
        let mut start = 0;
        for (end, query) in scanner.feed(chunk) {
            let reply = {
                let mut parser = lock(parser);
                parser.process(&chunk[start..end]);
                query.reply(parser.screen())
            };
            start = end;
            let mut writer = lock(writer);
            let _ = writer.write_all(&reply).and_then(|()| writer.flush());
        }
        lock(parser).process(&chunk[start..]);
    }
    closed.store(true, Ordering::Release);
}

fn screen_text(screen: &vt100::Screen) -> String {
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .map(|row| row.trim_end_matches(' ').to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cursor keys as sent in application cursor-key mode (DECCKM): `ESC O x`.
fn application_cursor(bytes: Vec<u8>) -> Vec<u8> {
    match bytes.as_slice() {
        [ESC, b'[', last @ (b'A' | b'B' | b'C' | b'D' | b'H' | b'F')] => vec![ESC, b'O', *last],
        _ => bytes,
    }
}

fn strip_prefix_ignore_case<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let head = name.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &name[prefix.len()..])
}

fn label_of(cmd: &CommandBuilder) -> String {
    cmd.get_argv()
        .iter()
        .enumerate()
        .map(|(i, arg)| {
            let arg = Path::new(arg);
            let shown = if i == 0 {
                arg.file_name().unwrap_or(arg.as_os_str())
            } else {
                arg.as_os_str()
            };
            shown.to_string_lossy().into_owned()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn describe(status: &ExitStatus) -> String {
    match status.signal() {
        Some(signal) => format!("killed by {signal}"),
        None => format!("exit code {}", status.exit_code()),
    }
}

fn pty_size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

fn non_zero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal is at least 1x1")
}

/// Locks, ignoring poisoning: a panicking test must still be able to clean up.
fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
