//! The key road. Keys, pasted text and the mouse (`crate::tui::mouse`,
//! which turns clicks and the wheel into these actions) go one way: the
//! top layer — a customer's detail, a form, a question, help, the
//! palette, an import, the duplicates, the search box — gets each event
//! first and answers for itself: which key modes it reads, which actions
//! it hints in the footer, which text box has the keyboard, what an action
//! does, and how it draws. With no layer open, the pane does the same
//! (`app/panes.rs`).
//!
//! ```text
//! key ──► keymap (the top layer's modes) ──► Action ──► top layer ──► Flow
//!   └──► not bound: the top layer's text box (typing)        └─► Pass ──► pane
//! paste ──► the top layer's text box
//! ```
//!
//! A layer is taken off the stack while it handles an action (so it can
//! change the rest of the app), and put back where it was unless it
//! closed; layers it opened meanwhile stay above it. Adding a popup is one
//! file here implementing [`Layer`], plus its view.

mod capture;
mod detail;
mod dupes;
mod export;
mod form;
mod help;
mod import;
mod lists;
mod messages;
mod palette;
mod prompt;
mod search;

pub use capture::CaptureLine;
pub use detail::Detail;
pub use dupes::Dupes;
pub use export::Export;
pub use help::Help;
pub use import::{Import, ImportJob};
pub use lists::ListPicker;
pub use messages::Messages;
pub use palette::{Palette, palette_entries};
pub use prompt::{Prompt, Then};
pub use search::Searching;

use std::any::Any;
use std::collections::BTreeSet;
use std::fmt::Debug;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::Action;
use super::app::App;
use super::input::LineInput;
use super::keymap::Mode;
use crate::domain::CustomerId;
use crate::store::{StoreError, View};

/// What a layer did with an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Not an action this layer has a use for: nothing happened.
    Ignored,
    /// Handled; the layer stays open.
    Stay,
    /// Handled; the layer closes.
    Close,
    /// The pane handles it, about this layer's customer; the layer stays.
    Pass,
    /// The layer closes, then the action runs as if its key was pressed.
    CloseThen(Action),
}

/// A key worth showing in the footer: the action, the mode whose keys
/// are shown, and what the action does here when that is more than its
/// usual name (`hint.<action>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub mode: Mode,
    pub action: Action,
    pub says: Option<&'static str>,
}

impl Hint {
    pub fn of(mode: Mode, action: Action) -> Hint {
        Hint {
            mode,
            action,
            says: None,
        }
    }

    /// The same action described by the catalogue entry `says`.
    pub fn saying(mode: Mode, action: Action, says: &'static str) -> Hint {
        Hint {
            mode,
            action,
            says: Some(says),
        }
    }

    /// The words shown after the keys.
    pub fn text(&self) -> String {
        match self.says {
            Some(key) => crate::i18n::t(key).to_string(),
            None => crate::i18n::t(&format!("hint.{}", self.action.name())).to_string(),
        }
    }
}

/// What changed in the store, for layers to bring themselves up to date.
pub struct Changed<'a> {
    pub view: &'a View,
    pub touched: &'a BTreeSet<CustomerId>,
    pub roster: &'a crate::tui::roster::Roster,
}

/// Lets the app find a layer of a known type (`App::top`, `App::find`).
pub trait AsAny {
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A popup or full-screen view over the panes.
pub trait Layer: AsAny + Debug {
    /// The key modes read while this layer is on top, first match wins.
    fn modes(&self) -> &'static [Mode];

    /// The actions the footer hints at while this layer is on top.
    fn hints(&self, app: &App) -> Vec<Hint>;

    /// What `action` does here.
    fn handle(&mut self, action: Action, app: &mut App) -> Flow;

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App);

    /// The text box that has the keyboard: typed and pasted text go there.
    fn text_box<'a>(&'a mut self, _app: &'a mut App) -> Option<&'a mut LineInput> {
        None
    }

    /// Called after typing or pasting changed the text box.
    fn text_changed(&mut self, _app: &mut App) {}

    /// A key no binding took: typing, given to the text box.
    fn type_key(&mut self, key: &KeyEvent, app: &mut App) {
        if self.text_box(app).is_some_and(|input| input.handle(key)) {
            self.text_changed(app);
        }
    }

    /// Pasted text, given to the text box.
    fn paste(&mut self, text: &str, app: &mut App) {
        if let Some(input) = self.text_box(app) {
            input.insert(text);
            self.text_changed(app);
        }
    }

    /// One notch of the mouse wheel: the action it runs here and how many
    /// times (`crate::tui::mouse`). The list keys by default.
    fn wheel(&self, down: bool) -> (Action, usize) {
        let action = if down { Action::Down } else { Action::Up };
        (action, crate::tui::mouse::WHEEL_STEPS)
    }

    /// The customer this layer shows: actions it passes to the pane act
    /// on this customer.
    fn customer(&self) -> Option<CustomerId> {
        None
    }

    /// False for a layer the pane stays focused under (the search box).
    fn covers_pane(&self) -> bool {
        true
    }

    /// True for a layer that moving to another pane closes.
    fn closes_with_pane(&self) -> bool {
        false
    }

    /// Brings what the layer shows up to date after customers changed;
    /// `Ok(false)` closes it (what it showed is gone).
    fn refreshed(&mut self, _changed: &Changed) -> Result<bool, StoreError> {
        Ok(true)
    }

    /// Work done between keys (a running import): `None` when there is
    /// none, else what became of the layer.
    fn tick(&mut self, _app: &mut App) -> Option<Flow> {
        None
    }
}

/// Lines a page key scrolls in a popup that is only read.
const PAGE: u16 = 10;

/// Moves a popup that is only read (help, the messages): lines, pages,
/// the top.
fn read_on(scroll: &mut u16, action: Action) -> Flow {
    match action {
        Action::Down => *scroll = scroll.saturating_add(1),
        Action::Up => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll = scroll.saturating_add(PAGE),
        Action::PageUp => *scroll = scroll.saturating_sub(PAGE),
        Action::Top => *scroll = 0,
        _ => return Flow::Ignored,
    }
    Flow::Stay
}

/// What the footer hints in a popup that is only read.
fn reading_hints() -> Vec<Hint> {
    vec![
        Hint::of(Mode::Navigation, Action::Down),
        Hint::of(Mode::Navigation, Action::Up),
        Hint::of(Mode::Customer, Action::Back),
    ]
}

impl App {
    /// A key from the terminal. The top layer's (or else the pane's) modes
    /// turn it into an action; a key they do not bind is typing, for the
    /// top layer's text box.
    pub fn on_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        // Ctrl-C always quits, whatever has the keyboard: the way out of any
        // terminal program (the keymap names it under `quit`).
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        self.message = None;
        match self.keymap.action(self.modes(), &key) {
            Some(action) => {
                self.update(action);
            }
            None => self.with_top(|top, app| {
                top.type_key(&key, app);
                Flow::Stay
            }),
        }
    }

    /// Pasted text goes to whatever text box has the keyboard.
    pub fn on_paste(&mut self, text: &str) {
        self.with_top(|top, app| {
            top.paste(text, app);
            Flow::Stay
        });
    }

    /// Runs an action on the top layer, or the pane. True when something
    /// had a use for it.
    pub fn update(&mut self, action: Action) -> bool {
        let Some(mut top) = self.layers.pop() else {
            return self.pane_action(action);
        };
        let at = self.layers.len();
        let flow = top.handle(action, self);
        self.settle(at, top, flow, action)
    }

    /// The key modes read now.
    pub fn modes(&self) -> &'static [Mode] {
        match self.layers.last() {
            Some(top) => top.modes(),
            None => self.pane_modes(),
        }
    }

    /// The footer's hints now.
    pub fn hints(&self) -> Vec<Hint> {
        match self.layers.last() {
            Some(top) => top.hints(self),
            None => self.pane_hints(),
        }
    }

    /// Lets the top layer work between keys (a running import). True when
    /// the screen must be redrawn.
    pub(crate) fn tick_top(&mut self) -> bool {
        let Some(mut top) = self.layers.pop() else {
            return false;
        };
        let at = self.layers.len();
        match top.tick(self) {
            Some(flow) => {
                self.settle(at, top, flow, Action::Back);
                true
            }
            None => {
                self.put_back(at, top);
                false
            }
        }
    }

    /// True while the top layer has work of its own between keys.
    pub fn top_working(&self) -> bool {
        self.top::<Import>().is_some_and(Import::running)
    }

    /// Lends the top layer, off the stack, to `f`.
    fn with_top(&mut self, f: impl FnOnce(&mut dyn Layer, &mut App) -> Flow) {
        if let Some(mut top) = self.layers.pop() {
            let at = self.layers.len();
            let flow = f(top.as_mut(), self);
            self.settle(at, top, flow, Action::Back);
        }
    }

    /// Puts a layer that handled `action` back, or not, as `flow` says.
    fn settle(&mut self, at: usize, top: Box<dyn Layer>, flow: Flow, action: Action) -> bool {
        match flow {
            Flow::Ignored => {
                self.put_back(at, top);
                false
            }
            Flow::Stay => {
                self.put_back(at, top);
                true
            }
            Flow::Close => true,
            Flow::Pass => {
                self.put_back(at, top);
                self.pane_action(action)
            }
            Flow::CloseThen(next) => {
                self.update(next);
                true
            }
        }
    }

    /// Back where it was: under any layer it opened meanwhile.
    fn put_back(&mut self, at: usize, layer: Box<dyn Layer>) {
        let at = at.min(self.layers.len());
        self.layers.insert(at, layer);
    }

    /// Opens a layer on top.
    pub fn open(&mut self, layer: impl Layer + 'static) {
        self.layers.push(Box::new(layer));
    }

    /// The top layer, when it is a `T`.
    pub fn top<T: Layer + 'static>(&self) -> Option<&T> {
        self.layers.last().and_then(|l| (**l).as_any().downcast_ref())
    }

    pub fn top_mut<T: Layer + 'static>(&mut self) -> Option<&mut T> {
        self.layers.last_mut().and_then(|l| (**l).as_any_mut().downcast_mut())
    }

    /// True while a layer that covers the pane is open.
    pub fn covered(&self) -> bool {
        self.layers.iter().any(|l| l.covers_pane())
    }
}
