//! Groups of customers that look like the same person, with why each
//! matched: move to the record to keep and confirm, and the group is
//! merged into it; or say the group is different people, and it stops
//! coming back (for teammates too: it is an op like any other).

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Changed, Flow, Hint, Layer, Prompt, Then};
use crate::domain::{Customer, CustomerId, duplicates};
use crate::i18n::{t, tf};
use crate::store::StoreError;
use crate::tui::action::Action;
use crate::tui::app::{App, Tone};
use crate::tui::keymap::Mode;

#[derive(Debug, Clone, Default)]
pub struct Dupes {
    pub groups: Vec<duplicates::Group>,
    /// The group under the cursor.
    pub selected: usize,
    /// The record under the cursor in that group: the one a merge keeps.
    pub record: usize,
    /// The grouped customers as found, for their emails and phones (the
    /// roster keeps neither).
    pub people: HashMap<CustomerId, Customer>,
}

impl Dupes {
    fn group_len(&self, n: usize) -> usize {
        self.groups.get(n).map_or(0, |g| g.ids.len())
    }

    /// Moves to group `n` (kept in range), at its first record.
    fn select_group(&mut self, n: usize) {
        self.selected = n.min(self.groups.len().saturating_sub(1));
        self.record = 0;
    }

    fn down(&mut self) {
        if self.record + 1 < self.group_len(self.selected) {
            self.record += 1;
        } else if self.selected + 1 < self.groups.len() {
            self.select_group(self.selected + 1);
        }
    }

    fn up(&mut self) {
        if self.record > 0 {
            self.record -= 1;
        } else if self.selected > 0 {
            self.selected -= 1;
            self.record = self.group_len(self.selected).saturating_sub(1);
        }
    }

    /// After the list changed: the cursor back inside it.
    fn clamp(&mut self) {
        self.selected = self.selected.min(self.groups.len().saturating_sub(1));
        self.record = self.record.min(self.group_len(self.selected).saturating_sub(1));
    }
}

impl Layer for Dupes {
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Duplicates, Mode::Input, Mode::Navigation]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        vec![
            Hint::of(Mode::Navigation, Action::Down),
            Hint::of(Mode::Navigation, Action::Up),
            Hint::saying(Mode::Input, Action::Accept, "hint.merge"),
            Hint::of(Mode::Duplicates, Action::NotDuplicates),
            Hint::saying(Mode::Input, Action::Clear, "hint.close"),
        ]
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        match action {
            Action::Down => self.down(),
            Action::Up => self.up(),
            Action::PageDown => self.select_group(self.selected + 10),
            Action::PageUp => self.select_group(self.selected.saturating_sub(10)),
            Action::Top => self.select_group(0),
            Action::Bottom => self.select_group(self.groups.len()),
            Action::Clear => return Flow::Close,
            Action::Accept => {
                let Some(group) = self.groups.get(self.selected) else {
                    return Flow::Stay;
                };
                let Some(&keep) = group.ids.get(self.record) else {
                    return Flow::Stay;
                };
                let others: Vec<_> = group.ids.iter().copied().filter(|id| *id != keep).collect();
                let name = app.roster.get(keep).map(|r| r.name.clone()).unwrap_or_default();
                let key = if group.certain {
                    "prompt.merge"
                } else {
                    "prompt.merge_possible"
                };
                app.open(Prompt {
                    question: tf(key, &[("count", &group.ids.len()), ("name", &name)]),
                    then: Then::Merge { keep, others },
                });
            }
            Action::NotDuplicates => {
                let Some(group) = self.groups.get(self.selected) else {
                    return Flow::Stay;
                };
                let marked = app.store.set_apart(&group.ids, true);
                if app.report(marked, |_| t("status.kept_apart").to_string()).is_some() {
                    self.groups.remove(self.selected);
                    self.select_group(self.selected);
                    if self.groups.is_empty() {
                        return Flow::Close;
                    }
                }
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
        self.clamp();
        Ok(!self.groups.is_empty())
    }
}

impl App {
    /// Looks for customers that may be the same person, leaving out pairs
    /// said to be different people.
    pub(crate) fn open_dupes(&mut self) {
        let found = self.store.customers().and_then(|all| {
            let customers: Vec<_> = all.into_iter().map(|r| r.customer).collect();
            let apart = self.store.apart()?;
            let groups = duplicates::groups(&customers, self.store.rules().region, &apart);
            let grouped: std::collections::HashSet<CustomerId> = groups.iter().flat_map(|g| g.ids.clone()).collect();
            let people = customers
                .into_iter()
                .filter(|c| grouped.contains(&c.id))
                .map(|c| (c.id, c))
                .collect();
            Ok((groups, people))
        });
        match found {
            Ok((groups, _)) if groups.is_empty() => self.say(Tone::Info, t("dupes.none")),
            Ok((groups, people)) => self.open(Dupes {
                groups,
                people,
                ..Dupes::default()
            }),
            Err(e) => self.fail(e),
        }
    }
}
