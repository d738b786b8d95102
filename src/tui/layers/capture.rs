//! Quick capture: one line, read into its pieces as it is typed
//! (`domain::capture`) and shown piece by piece under it; Enter saves it
//! the way `guanxi note` does (`Store::save_capture`), Esc closes it.
//! Nothing is saved while the line does not name one customer.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Flow, Hint, Layer};
use crate::domain::InputError;
use crate::domain::capture::{self, Capture};
use crate::domain::escape::escape;
use crate::i18n::{date, tf};
use crate::store::{StoreError, capture_pieces, capture_who};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::input::LineInput;
use crate::tui::keymap::Mode;

#[derive(Debug, Clone, Default)]
pub struct CaptureLine {
    pub input: LineInput,
    /// What the line says now.
    pub capture: Capture,
    /// Each piece's label (a catalogue key) and what was understood.
    pub pieces: Vec<(&'static str, Option<String>)>,
    /// False while the line names no one customer: its line says why.
    pub found: bool,
    /// Why Enter saved nothing.
    pub error: Option<String>,
    /// The customer last looked up, and what was found: typing the rest
    /// of the line does not look again.
    looked_up: Option<(Reference, Result<String, String>)>,
}

/// A capture's customer reference and `@org`.
type Reference = (String, Option<String>);

impl CaptureLine {
    pub fn new(app: &App) -> CaptureLine {
        let mut line = CaptureLine::default();
        line.understand(app);
        line
    }

    /// Reads the line again, and who it means.
    fn understand(&mut self, app: &App) {
        self.capture = capture::parse(self.input.text(), app.today);
        let key = (self.capture.customer.clone(), self.capture.organization.clone());
        let who = match &self.looked_up {
            Some((looked, who)) if *looked == key => who.clone(),
            _ => {
                // By the indexes only, at each key: reading every customer
                // for a part inside a word took half a second a key at
                // 100,000 customers. Enter looks there too.
                let who = match app.store.capture_customer_preview(&self.capture) {
                    Ok(rec) => Ok(capture_who(&rec.customer)),
                    Err(StoreError::Input(InputError::NoSuchCustomer(reference))) => {
                        Err(tf("capture.not_by_start", &[("reference", &escape(&reference))]))
                    }
                    Err(e) => Err(why_not(&e)),
                };
                self.looked_up = Some((key, who.clone()));
                who
            }
        };
        self.found = who.is_ok();
        let who = who.unwrap_or_else(|why| why);
        self.pieces = capture_pieces(&self.capture, who, app.today);
    }

    fn save(&mut self, app: &mut App) -> Flow {
        if self.capture.is_empty() {
            return Flow::Close;
        }
        match app.store.save_capture(&self.capture, false) {
            Ok(saved) => {
                let name = saved.customer.name.clone();
                app.report(Ok::<_, StoreError>(saved), |s| {
                    tf("capture.saved", &[("name", &name), ("summary", &s.values.summary)])
                });
                Flow::Close
            }
            Err(e) => {
                self.error = Some(match &e {
                    StoreError::Input(InputError::FutureInteraction { day }) => {
                        tf("capture.future", &[("day", &date(*day))])
                    }
                    StoreError::Input(InputError::PastFollowUp { day }) => {
                        tf("capture.past_follow_up", &[("day", &date(*day))])
                    }
                    other => tf("capture.nothing_saved", &[("why", &why_not(other))]),
                });
                Flow::Stay
            }
        }
    }
}

/// Why a line names no one customer, on one line: the candidates of an
/// ambiguous reference by name.
fn why_not(e: &StoreError) -> String {
    match e {
        StoreError::Input(InputError::AmbiguousCustomer { count, candidates, .. }) => {
            let names: Vec<&str> = candidates
                .iter()
                .map(|c| c.split_once("  ").map_or(c.as_str(), |(_, name)| name))
                .collect();
            format!(
                "{} · {}",
                tf("capture.ambiguous", &[("count", count)]),
                names.join(", ")
            )
        }
        other => other.to_string().lines().next().unwrap_or_default().to_string(),
    }
}

impl Layer for CaptureLine {
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Input]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        vec![
            Hint::saying(Mode::Input, Action::Accept, "hint.save"),
            Hint::saying(Mode::Input, Action::Clear, "hint.cancel"),
        ]
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        match action {
            Action::Accept => self.save(app),
            Action::Clear => Flow::Close,
            _ => Flow::Ignored,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::capture::draw(frame, area, app, self);
    }

    fn text_box<'a>(&'a mut self, _app: &'a mut App) -> Option<&'a mut LineInput> {
        Some(&mut self.input)
    }

    fn text_changed(&mut self, app: &mut App) {
        self.error = None;
        self.understand(app);
    }
}
