//! Groups of customers that look like the same person: pick one, confirm,
//! and the group is merged into its first customer.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Changed, Flow, Hint, Layer, Prompt, Then};
use crate::domain::duplicates;
use crate::i18n::{t, tf};
use crate::store::StoreError;
use crate::tui::action::Action;
use crate::tui::app::{App, Tone};
use crate::tui::keymap::Mode;

#[derive(Debug, Clone, Default)]
pub struct Dupes {
    pub groups: Vec<duplicates::Group>,
    pub selected: usize,
}

impl Layer for Dupes {
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Input, Mode::Navigation]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        vec![
            Hint::of(Mode::Navigation, Action::Down),
            Hint::of(Mode::Navigation, Action::Up),
            Hint::saying(Mode::Input, Action::Accept, "hint.merge"),
            Hint::saying(Mode::Input, Action::Clear, "hint.close"),
        ]
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        let last = self.groups.len().saturating_sub(1);
        match action {
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::PageDown => self.selected = (self.selected + 10).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(10),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = last,
            Action::Clear => return Flow::Close,
            Action::Accept => {
                let Some(group) = self.groups.get(self.selected) else {
                    return Flow::Stay;
                };
                let Some((keep, others)) = group.ids.split_first() else {
                    return Flow::Stay;
                };
                let name = app.roster.get(*keep).map(|r| r.name.clone()).unwrap_or_default();
                let key = if group.certain {
                    "prompt.merge"
                } else {
                    "prompt.merge_possible"
                };
                app.open(Prompt {
                    question: tf(key, &[("count", &group.ids.len()), ("name", &name)]),
                    then: Then::Merge {
                        keep: *keep,
                        others: others.to_vec(),
                    },
                });
            }
            _ => return Flow::Ignored,
        }
        Flow::Stay
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::dupes::draw(frame, area, app, self);
    }

    /// A merged (or deleted) customer's group is gone from the list; with
    /// no group left, so is the list.
    fn refreshed(&mut self, changed: &Changed) -> Result<bool, StoreError> {
        self.groups
            .retain(|g| g.ids.iter().all(|id| changed.roster.get(*id).is_some()));
        self.selected = self.selected.min(self.groups.len().saturating_sub(1));
        Ok(!self.groups.is_empty())
    }
}

impl App {
    /// Looks for customers that may be the same person.
    pub(crate) fn open_dupes(&mut self) {
        match self.store.customers() {
            Ok(all) => {
                let customers: Vec<_> = all.into_iter().map(|r| r.customer).collect();
                let groups = duplicates::groups(&customers, self.store.rules().region);
                if groups.is_empty() {
                    self.say(Tone::Info, t("dupes.none"));
                } else {
                    self.open(Dupes { groups, selected: 0 });
                }
            }
            Err(e) => self.fail(e),
        }
    }
}
