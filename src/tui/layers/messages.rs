//! The messages the status bar showed, newest first, whole: a message too
//! long for the bar is read here.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Flow, Hint, Layer};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::Mode;

/// Lines a page key scrolls.
const PAGE: u16 = 10;

#[derive(Debug, Clone, Default)]
pub struct Messages {
    pub scroll: u16,
}

impl Layer for Messages {
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Navigation, Mode::Customer, Mode::Global]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        vec![
            Hint::of(Mode::Navigation, Action::Down),
            Hint::of(Mode::Navigation, Action::Up),
            Hint::of(Mode::Customer, Action::Back),
        ]
    }

    fn handle(&mut self, action: Action, _app: &mut App) -> Flow {
        match action {
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll = self.scroll.saturating_add(PAGE),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(PAGE),
            Action::Top => self.scroll = 0,
            Action::Messages | Action::Back | Action::Quit => return Flow::Close,
            _ => return Flow::Ignored,
        }
        Flow::Stay
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::messages::draw(frame, area, app, self.scroll);
    }

    fn closes_with_pane(&self) -> bool {
        true
    }
}
