//! `L`: the saved lists. Typing narrows them by name; Enter shows the
//! one under the cursor in the customer table, the pipeline and the
//! agenda (the first row shows every customer again); the save key keeps
//! what the panes show now (the chosen list, the search words, "only
//! mine") as a list under the name typed.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Flow, Hint, Layer};
use crate::domain::text::fold;
use crate::store::SavedList;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::input::LineInput;
use crate::tui::keymap::Mode;

#[derive(Debug, Clone, Default)]
pub struct ListPicker {
    pub input: LineInput,
    /// Row 0 is "every customer"; the lists follow.
    pub selected: usize,
    pub lists: Vec<SavedList>,
}

impl ListPicker {
    pub fn open(app: &App) -> Result<ListPicker, crate::store::StoreError> {
        let lists = app.store.saved_lists()?;
        // The cursor starts on the list in force.
        let selected = app
            .list
            .as_ref()
            .and_then(|l| lists.iter().position(|s| s.name == l.name))
            .map_or(0, |i| i + 1);
        Ok(ListPicker {
            input: LineInput::default(),
            selected,
            lists,
        })
    }

    /// The lists whose names hold the words typed, in name order.
    pub fn shown(&self) -> Vec<&SavedList> {
        let typed = fold(self.input.text());
        self.lists
            .iter()
            .filter(|l| crate::domain::text::matches_words(&fold(&l.name), &typed))
            .collect()
    }
}

impl Layer for ListPicker {
    /// Text-box keys first, then `save` from the form keys.
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Input, Mode::Form]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        vec![
            Hint::saying(Mode::Input, Action::Accept, "hint.show_list"),
            Hint::saying(Mode::Form, Action::Save, "hint.save_view"),
            Hint::saying(Mode::Input, Action::Clear, "hint.close"),
        ]
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        let rows = self.shown().len() + 1;
        match action {
            Action::Down => self.selected = (self.selected + 1).min(rows - 1),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::PageDown => self.selected = (self.selected + 10).min(rows - 1),
            Action::PageUp => self.selected = self.selected.saturating_sub(10),
            Action::Accept => {
                let name = self
                    .selected
                    .checked_sub(1)
                    .and_then(|i| self.shown().get(i).map(|l| l.name.clone()));
                app.choose_list(name.as_deref());
                return Flow::Close;
            }
            Action::Save => {
                let name = self.input.text().trim().to_string();
                if name.is_empty() {
                    app.say(crate::tui::app::Tone::Error, crate::i18n::t("lists.name_needed"));
                    return Flow::Stay;
                }
                app.save_view_as(&name);
                return Flow::Close;
            }
            Action::Clear | Action::Cancel => return Flow::Close,
            _ => return Flow::Ignored,
        }
        Flow::Stay
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::lists::draw(frame, area, app, self);
    }

    fn text_box<'a>(&'a mut self, _app: &'a mut App) -> Option<&'a mut LineInput> {
        Some(&mut self.input)
    }

    fn text_changed(&mut self, _app: &mut App) {
        self.selected = usize::from(!self.shown().is_empty());
    }
}
