//! Drawing: state in, frame out. Nothing here changes the app. The layout
//! is taken from `frame.area()` on every draw, so resizes just work.

mod agenda;
pub(crate) mod capture;
mod customers;
pub(crate) mod detail;
pub(crate) mod dupes;
pub(crate) mod export;
pub(crate) mod form;
pub(crate) mod help;
pub(crate) mod import;
pub(crate) mod lists;
mod log;
pub(crate) mod messages;
mod organizations;
pub(crate) mod palette;
mod pipeline;
pub(crate) mod prompt;
mod reports;
mod status;
pub(crate) mod trend;
mod welcome;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::app::{App, Pane};

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    app.mouse.hits.borrow_mut().clear();
    let [tabs, main, status_row, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    status::tabs(frame, tabs, app);
    if app.welcome() {
        welcome::draw(frame, main, app);
    } else {
        match app.pane {
            Pane::Customers => customers::draw(frame, main, app),
            Pane::Pipeline => pipeline::draw(frame, main, app),
            Pane::Log => log::draw(frame, main, app),
            Pane::Agenda => agenda::draw(frame, main, app),
            Pane::Reports => reports::draw(frame, main, app),
            Pane::Organizations => organizations::draw(frame, main, app),
        }
    }
    for (n, layer) in app.layers.iter().enumerate() {
        app.mouse.hits.borrow_mut().drawing_layer(n + 1);
        layer.draw(frame, main, app);
    }
    app.mouse.hits.borrow_mut().drawing_layer(0);
    status::status_bar(frame, status_row, app);
    status::footer(frame, footer, app);
    scrub(frame.buffer_mut());
}

/// The last guard before the terminal: no cell may carry a character the
/// terminal would act on instead of show. The views escape data where
/// they draw it (`widgets::escape`); ratatui drops control characters but
/// lets zero-width ones (a bidi override, U+202E) ride along with the cell
/// before them. Whatever is left here is taken out of its cell.
pub fn scrub(buf: &mut ratatui::buffer::Buffer) {
    use crate::domain::escape::is_hidden;
    for cell in &mut buf.content {
        if cell.symbol().chars().any(is_hidden) {
            let kept: String = cell.symbol().chars().filter(|c| !is_hidden(*c)).collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
    }
}

/// Clears the area a popup is drawn in. A double-width character just left
/// of it would spill into its border (the terminal draws it two cells
/// wide whatever is in the next cell), so it is blanked too.
pub fn clear(frame: &mut Frame, area: Rect) {
    use unicode_width::UnicodeWidthStr;
    frame.render_widget(ratatui::widgets::Clear, area);
    if area.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        if let Some(cell) = buf.cell_mut((area.x - 1, y))
            && cell.symbol().width() > 1
        {
            cell.set_symbol(" ");
        }
    }
}

/// A centered rectangle `width` x `height`, clamped to `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
