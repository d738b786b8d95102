//! The mouse, through the same road as the keys: a click or a turn of the
//! wheel becomes the moves the keyboard makes, and the same code runs.
//!
//! ```text
//! wheel ──► Down / Up, as the list keys (top layer, or the pane)
//! click ──► hit map of the last frame ──► tab: show_<pane>
//!                                       ├► row: Down / Up N times (the pane's own step)
//!                                       ├► card: Left / Right, then Down / Up
//!                                       └► field: NextField / PrevField
//! double-click on a row ──► what Enter does there (open, accept)
//! ```
//!
//! Where things are is not worked out again from the layout: the views
//! note the places they drew that a click can mean something (`App::hit`)
//! while they draw, in a hit map the next click reads. Each place says how
//! far it is from the cursor as drawn, so a click is a number of steps.
//! After a click the map is stale until the next frame: the event loop
//! draws before it reads another mouse event.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Pane};

/// Rows (or lines) one notch of the wheel moves.
pub const WHEEL_STEPS: usize = 3;
/// Two clicks on the same cell within this are a double-click.
const DOUBLE_CLICK: Duration = Duration::from_millis(500);

/// What a click on a place drawn in the last frame means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spot {
    /// A pane's tab.
    Tab(Pane),
    /// A row of a list, this many rows below the cursor (above: negative).
    Row(isize),
    /// A card of the pipeline: columns right of the focused one, and rows
    /// below that column's cursor.
    Card { right: isize, down: isize },
    /// A form's field, this many fields after the focused one.
    Field(isize),
}

/// The places of the last frame a click can mean something, with the
/// layer each was drawn for (0: the pane, n: the n-th layer).
#[derive(Debug, Default)]
pub struct HitMap {
    spots: Vec<(Rect, Spot, usize)>,
    layer: usize,
}

impl HitMap {
    /// A new frame: the places of the last one are gone.
    pub fn clear(&mut self) {
        self.spots.clear();
        self.layer = 0;
    }

    /// What is drawn from now on belongs to the `n`-th layer (0: the pane).
    pub fn drawing_layer(&mut self, n: usize) {
        self.layer = n;
    }

    fn add(&mut self, area: Rect, spot: Spot) {
        if area.width > 0 && area.height > 0 {
            self.spots.push((area, spot, self.layer));
        }
    }

    /// The place at a cell, the one drawn last (on top) first.
    fn at(&self, column: u16, row: u16) -> Option<(Spot, usize)> {
        self.spots
            .iter()
            .rev()
            .find(|(area, _, _)| area.contains(Position::new(column, row)))
            .map(|(_, spot, layer)| (*spot, *layer))
    }
}

/// The UI's mouse: whether it takes it, the places of the last frame and
/// the last click (for double-clicks).
#[derive(Debug)]
pub struct Mouse {
    /// False when the config says `mouse = false`: the terminal keeps it.
    pub on: bool,
    pub hits: RefCell<HitMap>,
    last_click: Option<(u16, u16, Instant)>,
}

impl Default for Mouse {
    fn default() -> Mouse {
        Mouse {
            on: true,
            hits: RefCell::new(HitMap::default()),
            last_click: None,
        }
    }
}

impl App {
    /// Notes, while drawing, a place a click can mean something.
    pub fn hit(&self, area: Rect, spot: Spot) {
        self.mouse.hits.borrow_mut().add(area, spot);
    }

    /// A mouse event from the terminal; true when it did something (the
    /// screen must be drawn again before the next one is read).
    pub fn on_mouse(&mut self, event: MouseEvent) -> bool {
        // Turned off, the terminal keeps the mouse; a report that comes
        // anyway (typed, or from a terminal left in mouse mode) is ignored.
        if !self.mouse.on {
            return false;
        }
        let acted = match event.kind {
            MouseEventKind::ScrollDown => self.wheel(true),
            MouseEventKind::ScrollUp => self.wheel(false),
            MouseEventKind::Down(MouseButton::Left) => self.click(event.column, event.row),
            _ => false,
        };
        if acted {
            // Rows moved: the places drawn are no longer where they were.
            self.mouse.hits.borrow_mut().clear();
        }
        acted
    }

    /// The wheel moves what the list keys move: the top layer's list or
    /// text (as the layer says, `Layer::wheel`), else the pane's.
    fn wheel(&mut self, down: bool) -> bool {
        self.message = None;
        let (action, times) = match self.layers.last() {
            Some(top) => top.wheel(down),
            None => (if down { Action::Down } else { Action::Up }, WHEEL_STEPS),
        };
        for _ in 0..times {
            self.update(action);
        }
        true
    }

    fn click(&mut self, column: u16, row: u16) -> bool {
        let now = Instant::now();
        let double = self
            .mouse
            .last_click
            .is_some_and(|(c, r, at)| c == column && r == row && now.duration_since(at) <= DOUBLE_CLICK);
        // A third click starts again.
        self.mouse.last_click = if double { None } else { Some((column, row, now)) };
        let found = self.mouse.hits.borrow().at(column, row);
        let Some((spot, layer)) = found else {
            return false;
        };
        if !self.reaches(spot, layer) {
            return false;
        }
        self.message = None;
        if double {
            // The first click chose the row; the second is Enter on it.
            // (Not again by its place: the list may have scrolled since.)
            if matches!(spot, Spot::Row(_) | Spot::Card { .. }) {
                self.enter(layer);
            }
            return true;
        }
        match spot {
            Spot::Tab(pane) => {
                self.update(show(pane));
            }
            Spot::Row(by) => self.walk(layer, by, Action::Down, Action::Up),
            Spot::Card { right, down } => {
                self.walk(layer, right, Action::Right, Action::Left);
                self.walk(layer, down, Action::Down, Action::Up);
            }
            Spot::Field(by) => self.walk(layer, by, Action::NextField, Action::PrevField),
        }
        true
    }

    /// True when a click on `spot`, drawn for `layer`, reaches it: nothing
    /// that covers it was drawn over it. A tab is always reached; what a
    /// tab does under a popup is the popup's to say, as for its key.
    fn reaches(&self, spot: Spot, layer: usize) -> bool {
        matches!(spot, Spot::Tab(_)) || self.layers.iter().skip(layer).all(|l| !l.covers_pane())
    }

    /// `by` steps of `forward` (back: of `back`). A pane's rows move in
    /// one step, by the code its Down, Up and page keys run (under a
    /// search box too); anything else by its own keys' actions, one at a
    /// time.
    fn walk(&mut self, layer: usize, by: isize, forward: Action, back: Action) {
        if layer == 0 && forward == Action::Down {
            self.move_cursor(by);
            return;
        }
        let action = if by < 0 { back } else { forward };
        for _ in 0..by.unsigned_abs() {
            if layer == 0 {
                self.pane_action(action);
            } else {
                self.update(action);
            }
        }
    }

    /// A double-click: in a pane, open; in a layer, what Enter does there.
    fn enter(&mut self, layer: usize) {
        if layer == 0 {
            self.pane_action(Action::Open);
            return;
        }
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        let action = self.keymap.action(self.modes(), &enter).unwrap_or(Action::Open);
        self.update(action);
    }
}

/// The action the pane's number key runs.
fn show(pane: Pane) -> Action {
    match pane {
        Pane::Customers => Action::ShowCustomers,
        Pane::Pipeline => Action::ShowPipeline,
        Pane::Log => Action::ShowLog,
        Pane::Agenda => Action::ShowAgenda,
        Pane::Reports => Action::ShowReports,
        Pane::Organizations => Action::ShowOrganizations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_drawn_last_is_the_one_clicked() {
        let mut map = HitMap::default();
        map.add(Rect::new(0, 0, 10, 5), Spot::Row(1));
        map.drawing_layer(1);
        map.add(Rect::new(2, 2, 3, 1), Spot::Field(2));
        map.add(Rect::new(0, 9, 0, 1), Spot::Row(9));
        assert_eq!(map.at(3, 2), Some((Spot::Field(2), 1)));
        assert_eq!(map.at(0, 0), Some((Spot::Row(1), 0)));
        assert_eq!(map.at(10, 0), None);
        assert_eq!(map.at(0, 9), None, "an empty area is never hit");
        map.clear();
        assert_eq!(map.at(0, 0), None);
    }
}
