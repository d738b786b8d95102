//! The messages the status bar showed, newest first, whole: a message too
//! long for the bar is read here.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Flow, Hint, Layer};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::Mode;

#[derive(Debug, Clone, Default)]
pub struct Messages {
    pub scroll: u16,
}

impl Layer for Messages {
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Navigation, Mode::Customer, Mode::Global]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        super::reading_hints()
    }

    fn handle(&mut self, action: Action, _app: &mut App) -> Flow {
        match action {
            Action::Messages | Action::Back | Action::Quit => Flow::Close,
            _ => super::read_on(&mut self.scroll, action),
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::messages::draw(frame, area, app, self.scroll);
    }

    fn closes_with_pane(&self) -> bool {
        true
    }
}
