//! The terminal UI: panes for customers, the pipeline, the log and the
//! agenda; forms and popups as layers; everything from the keyboard.
//!
//! ```text
//! key, paste, mouse ──► top layer or pane (`layers`, `mouse`) ──► Action ──► Store
//!                                                   │
//!                                                   ▼
//!                                             state ──► views::draw
//! ```

pub mod action;
pub mod app;
pub mod forms;
pub mod input;
pub mod keymap;
pub mod layers;
mod lend;
pub mod mouse;
pub mod path_completion;
pub mod roster;
pub mod search;
pub mod terminal;
pub mod theme;
pub mod views;

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{self, Event};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::store::Store;
use crate::workspace::loan::Lender;
use app::{App, Tone};
use keymap::Keymap;
use terminal::TerminalGuard;
use theme::Theme;

/// How long to wait for a key when nothing else is going on.
const IDLE_POLL: Duration = Duration::from_millis(250);
/// ...and while search results or the customers are still coming: the
/// results show within a few milliseconds of being ready.
const BUSY_POLL: Duration = Duration::from_millis(4);
/// ...and while listening for a command asking for the view: how long
/// the command may wait for the UI to notice.
const LEND_POLL: Duration = Duration::from_millis(40);

/// Loads the keymap and theme with the user's overrides from `config_dir`;
/// a broken override file falls back to the defaults and says why.
pub fn build_app(store: Store, config_dir: &Path) -> Result<App> {
    let mut problems = Vec::new();
    let keymap = match Keymap::load(&config_dir.join("keymap.toml")) {
        Ok(k) => k,
        Err(e) => {
            problems.push(e.to_string());
            Keymap::defaults()?
        }
    };
    let no_color = Theme::no_color_requested();
    let theme = match Theme::load(&config_dir.join("theme.toml"), no_color) {
        Ok(t) => t,
        Err(e) => {
            problems.push(e.to_string());
            let t = Theme::defaults()?;
            if no_color { t.without_color() } else { t }
        }
    };
    let mut app = App::start(store, keymap, theme);
    if !problems.is_empty() {
        app.say(
            Tone::Error,
            crate::i18n::tf("status.config_problem", &[("problem", &problems.join("; "))]),
        );
    }
    Ok(app)
}

/// Runs the UI until the user quits.
pub fn run(mut app: App) -> Result<()> {
    let guard = TerminalGuard::enter(app.mouse.on)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.clear()?;
    let mut lender = Listening::at(&app.store);
    let mut dirty = true;
    while !app.quit {
        if dirty {
            draw(&mut terminal, &app)?;
            dirty = false;
        }
        let wait = if app.busy() {
            BUSY_POLL
        } else if lender.lender.is_some() {
            LEND_POLL
        } else {
            IDLE_POLL
        };
        if event::poll(wait)? {
            // Take every key already typed, then draw once. A mouse event
            // that did something is drawn before the next is read: the
            // next click is read against the rows as they now stand.
            loop {
                let handled = handle(&mut app, event::read()?);
                dirty |= handled != Handled::Nothing;
                if app.quit || app.editor.is_some() || handled == Handled::Mouse || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        if app.tick() {
            dirty = true;
        }
        if app.note_saving() {
            dirty = true;
        }
        if let Some(request) = app.editor.take() {
            guard.suspend();
            let edited = terminal::edit_in_editor(&request.text);
            guard.resume()?;
            terminal.clear()?;
            app.editor_done(request, edited);
            dirty = true;
        }
        lender.follow(&app.store);
        if app.can_lend()
            && let Some(request) = lender.lender.as_ref().and_then(Lender::asked)
        {
            app = lend::lend(app, request)?;
            dirty = true;
        }
    }
    drop(guard);
    app.store.flush()?;
    // Teammates learn how far this view got (for removing old segments);
    // a failure here is not worth an error on the way out.
    let _ = app.store.publish_seen();
    let sample_workspace = app.sample_workspace.take();
    // The view goes before the socket: a command that was waiting to
    // borrow it then opens it itself.
    drop(app);
    drop(lender);
    if let Some(path) = &sample_workspace {
        println!("{}", crate::i18n::tf("cli.demo.stays", &[("path", &path.display())]));
    }
    Ok(())
}

/// Where the UI listens for commands asking for the view: in the local
/// state of the workspace it shows (which changes when it moves to sample
/// data).
struct Listening {
    state_dir: PathBuf,
    lender: Option<Lender>,
}

impl Listening {
    fn at(store: &Store) -> Listening {
        let state_dir = store.workspace().state_dir.clone();
        let lender = Lender::listen(&state_dir);
        Listening { state_dir, lender }
    }

    fn follow(&mut self, store: &Store) {
        if store.workspace().state_dir != self.state_dir {
            self.lender = None;
            *self = Listening::at(store);
        }
    }
}

fn draw(terminal: &mut Terminal<CrosstermBackend<io::Stdout>>, app: &App) -> Result<()> {
    crossterm::execute!(io::stdout(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| views::draw(frame, app))?;
    crossterm::execute!(io::stdout(), EndSynchronizedUpdate)?;
    Ok(())
}

/// What an event from the terminal came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handled {
    /// Nothing to draw (the mouse moving over the screen).
    Nothing,
    Key,
    /// The mouse did something: draw before reading another.
    Mouse,
}

fn handle(app: &mut App, event: Event) -> Handled {
    match event {
        Event::Key(key) => app.on_key(key),
        Event::Paste(text) => app.on_paste(&text),
        Event::Mouse(m) => {
            return if app.on_mouse(m) {
                Handled::Mouse
            } else {
                Handled::Nothing
            };
        }
        // A resize, focus: drawn again, as before.
        _ => {}
    }
    Handled::Key
}
