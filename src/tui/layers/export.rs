//! Writing what the pane shows to a file: asks for the path (`~/` is the
//! home folder), then writes the customers listed (after search, `m` and
//! the saved list) as CSV, vCard or guanxi JSON by the file's extension,
//! or, from the Agenda pane, the agenda's follow-ups and meetings as
//! iCalendar. The writing is `interop::export`'s, the command line's road.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Flow, Hint, Layer};
use crate::domain::{Customer, CustomerId};
use crate::i18n::{t, tf, tn};
use crate::interop::export::{self, FileFormat};
use crate::tui::action::Action;
use crate::tui::app::{App, Pane, Tone};
use crate::tui::input::LineInput;
use crate::tui::keymap::Mode;

#[derive(Debug)]
pub struct Export {
    pub input: LineInput,
    pub error: Option<String>,
    /// Writing the agenda (from the Agenda pane) rather than the customers.
    pub agenda: bool,
    /// How many customers the file will hold.
    pub count: usize,
}

impl Export {
    /// The path question for what `app` shows now.
    pub fn ask(app: &App) -> Export {
        let agenda = app.pane == Pane::Agenda;
        Export {
            input: LineInput::default(),
            error: None,
            agenda,
            count: chosen(app, agenda).len(),
        }
    }

    /// The question above the path.
    pub fn question(&self) -> String {
        if self.agenda {
            tn("export.ask_agenda", self.count, &[])
        } else {
            tn("export.ask", self.count, &[])
        }
    }
}

impl Layer for Export {
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Input]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        vec![
            Hint::saying(Mode::Input, Action::Accept, "hint.write_file"),
            Hint::saying(Mode::Input, Action::Clear, "hint.close"),
        ]
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        match action {
            Action::Accept => match write(self.input.text(), self.agenda, app) {
                Ok(message) => {
                    app.say(Tone::Success, message);
                    Flow::Close
                }
                Err(message) => {
                    self.error = Some(message);
                    Flow::Stay
                }
            },
            Action::Clear => Flow::Close,
            _ => Flow::Ignored,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::export::draw(frame, area, app, self);
    }

    fn text_box<'a>(&'a mut self, _app: &'a mut App) -> Option<&'a mut LineInput> {
        Some(&mut self.input)
    }
}

/// The customers the file is about, in the order shown: the table's rows,
/// or each customer of the agenda once.
fn chosen(app: &App, agenda: bool) -> Vec<CustomerId> {
    if agenda {
        let mut seen = std::collections::HashSet::new();
        app.agenda
            .items
            .iter()
            .map(|i| i.customer)
            .filter(|id| seen.insert(*id))
            .collect()
    } else {
        app.table.visible.clone()
    }
}

/// Writes the file; the message to show, or why it could not.
fn write(typed: &str, agenda: bool, app: &mut App) -> Result<String, String> {
    if typed.trim().is_empty() {
        return Err(t("export.no_path").to_string());
    }
    let path = super::import::expand_home(typed);
    let format = match FileFormat::from_path(&path) {
        Some(f) if agenda == (f == FileFormat::Ics) => f,
        _ if agenda => return Err(t("export.agenda_is_ics").to_string()),
        _ => return Err(t("export.which_format").to_string()),
    };
    let mut customers: Vec<Customer> = Vec::new();
    for id in chosen(app, agenda) {
        if let Some(rec) = app.store.live_customer(id).map_err(|e| e.to_string())? {
            customers.push(rec.customer);
        }
    }
    let count = export::to_file(&app.store, &customers, format, &path)
        .map_err(|e| tf("export.failed", &[("path", &path.display()), ("error", &e)]))?;
    let wrote = if agenda { "export.wrote_agenda" } else { "export.wrote" };
    Ok(tn(wrote, count, &[("path", &path.display())]))
}
