//! The search box with the keyboard: typing narrows the customers, the
//! list keys move in the results, Enter keeps the filter, Esc clears it.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Flow, Hint, Layer};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::input::LineInput;
use crate::tui::keymap::Mode;

#[derive(Debug, Clone, Default)]
pub struct Searching;

impl Layer for Searching {
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Input]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        vec![
            Hint::of(Mode::Input, Action::Accept),
            Hint::of(Mode::Input, Action::Clear),
        ]
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        match action {
            Action::Accept => Flow::Close,
            Action::Clear => {
                app.clear_search();
                Flow::Close
            }
            Action::Down | Action::Up | Action::PageDown | Action::PageUp => Flow::Pass,
            _ => Flow::Ignored,
        }
    }

    /// The box is drawn by the customer list, which it filters.
    fn draw(&self, _frame: &mut Frame, _area: Rect, _app: &App) {}

    fn text_box<'a>(&'a mut self, app: &'a mut App) -> Option<&'a mut LineInput> {
        Some(&mut app.query)
    }

    fn text_changed(&mut self, app: &mut App) {
        app.apply_query();
    }

    fn covers_pane(&self) -> bool {
        false
    }
}
