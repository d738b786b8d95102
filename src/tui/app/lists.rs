//! What each pane lists and where its cursor is: the customer table, the
//! pipeline board, the log and the agenda, each with its own moves.

use chrono::NaiveDate;

use crate::domain::agenda::Group;
use crate::domain::{CustomerId, Interaction, InteractionId, Money, Stage};
use crate::store::AgendaItem;
use crate::tui::roster::Roster;

/// The customers shown, in order, after search and filters.
#[derive(Debug, Default)]
pub struct Table {
    pub visible: Vec<CustomerId>,
    pub cursor: usize,
}

impl Table {
    pub fn selected(&self) -> Option<CustomerId> {
        self.visible.get(self.cursor).copied()
    }

    pub fn position(&self, id: CustomerId) -> Option<usize> {
        self.visible.iter().position(|v| *v == id)
    }

    pub fn step(&mut self, by: isize) {
        self.cursor = step(self.cursor, by, self.visible.len());
    }

    /// Keeps `keep` selected when it is still shown, else the cursor in range.
    pub fn keep(&mut self, keep: Option<CustomerId>) {
        match keep.and_then(|c| self.position(c)) {
            Some(i) => self.cursor = i,
            None => self.cursor = self.cursor.min(self.visible.len().saturating_sub(1)),
        }
    }
}

/// The pipeline: the shown customers grouped by stage, one column each.
#[derive(Debug, Default)]
pub struct Board {
    pub columns: [Vec<CustomerId>; 7],
    /// Each column's lifetime-value total, made with the columns.
    pub totals: [Money; 7],
    /// The column in focus, and the cursor of each column.
    pub column: usize,
    pub rows: [usize; 7],
}

impl Board {
    /// Regroups `visible` by stage, keeping `keep` selected where it is.
    pub fn rebuild(&mut self, visible: &[CustomerId], roster: &Roster, keep: Option<CustomerId>) {
        let mut columns: [Vec<CustomerId>; 7] = Default::default();
        let mut totals = [Money::default(); 7];
        for id in visible {
            if let Some(r) = roster.get(*id) {
                columns[r.stage.index()].push(*id);
                totals[r.stage.index()] += r.clv;
            }
        }
        self.columns = columns;
        self.totals = totals;
        for (col, rows) in self.columns.iter().enumerate() {
            let at = keep.and_then(|c| rows.iter().position(|v| *v == c));
            self.rows[col] = at.unwrap_or(self.rows[col].min(rows.len().saturating_sub(1)));
        }
    }

    pub fn selected(&self) -> Option<CustomerId> {
        self.columns[self.column].get(self.rows[self.column]).copied()
    }

    pub fn step(&mut self, by: isize) {
        let col = self.column;
        self.rows[col] = step(self.rows[col], by, self.columns[col].len());
    }

    pub fn move_column(&mut self, right: bool) {
        let last = Stage::ALL.len() - 1;
        self.column = if right {
            (self.column + 1).min(last)
        } else {
            self.column.saturating_sub(1)
        };
    }

    /// Puts the focus on `id` in the column of `stage`, when it is there.
    pub fn focus(&mut self, id: CustomerId, stage: Stage) {
        let col = stage.index();
        self.column = col;
        if let Some(i) = self.columns[col].iter().position(|v| *v == id) {
            self.rows[col] = i;
        }
    }

    /// Puts the row cursor on `id` without moving the focus.
    pub fn select(&mut self, id: CustomerId, stage: Stage) {
        let col = stage.index();
        if let Some(i) = self.columns[col].iter().position(|v| *v == id) {
            self.rows[col] = i;
        }
    }
}

/// The interactions pane: one customer's, or everyone's latest.
#[derive(Debug, Default)]
pub struct LogList {
    pub everyone: bool,
    pub items: Vec<Interaction>,
    pub cursor: usize,
    /// The row opened to show its whole note.
    pub expanded: Option<InteractionId>,
}

impl LogList {
    pub fn step(&mut self, by: isize) {
        self.cursor = step(self.cursor, by, self.items.len());
    }

    pub fn set(&mut self, items: Vec<Interaction>) {
        self.items = items;
        self.cursor = self.cursor.min(self.items.len().saturating_sub(1));
        if self.expanded.is_some_and(|id| !self.items.iter().any(|i| i.id == id)) {
            self.expanded = None;
        }
    }

    pub fn selected(&self) -> Option<&Interaction> {
        self.items.get(self.cursor)
    }

    /// True when the row under the cursor shows its whole note.
    pub fn selected_is_expanded(&self) -> bool {
        self.selected().is_some_and(|i| Some(i.id) == self.expanded)
    }
}

/// What is due in the coming days, in the agenda's groups.
#[derive(Debug, Default)]
pub struct AgendaList {
    pub items: Vec<AgendaItem>,
    pub cursor: usize,
    /// Each group shown, with where it starts in `items` and how many
    /// items it holds: a heading is drawn above its first item.
    pub groups: Vec<(Group, usize, usize)>,
}

/// One line of the agenda pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgendaLine {
    Heading(Group, usize),
    Item(usize),
}

impl AgendaList {
    pub fn step(&mut self, by: isize) {
        self.cursor = step(self.cursor, by, self.items.len());
    }

    pub fn selected(&self) -> Option<&AgendaItem> {
        self.items.get(self.cursor)
    }

    /// Takes `items`, already in the agenda's order (grouped), and notes
    /// where each group starts on `today`.
    pub fn set(&mut self, items: Vec<AgendaItem>, today: NaiveDate) {
        self.groups.clear();
        for (n, item) in items.iter().enumerate() {
            let group = item.group(today);
            match self.groups.last_mut() {
                Some((g, _, count)) if *g == group => *count += 1,
                _ => self.groups.push((group, n, 1)),
            }
        }
        // The row under the cursor stays under it when it is still there
        // (a reload after a change elsewhere), else the cursor stays put.
        let kept = self.selected().map(AgendaItem::identity);
        self.items = items;
        self.cursor = kept
            .and_then(|k| self.items.iter().position(|i| i.identity() == k))
            .unwrap_or(self.cursor)
            .min(self.items.len().saturating_sub(1));
    }

    /// How many lines the pane has: the items and a heading per group.
    pub fn line_count(&self) -> usize {
        self.items.len() + self.groups.len()
    }

    /// The line an item is drawn on.
    pub fn line_of(&self, item: usize) -> usize {
        item + self.groups.iter().filter(|g| g.1 <= item).count()
    }

    /// What is drawn on a line: cheap, so only the lines in view are made.
    pub fn at_line(&self, line: usize) -> Option<AgendaLine> {
        let mut headings_before = 0;
        for (k, &(group, start, count)) in self.groups.iter().enumerate() {
            let heading = start + k;
            match line.cmp(&heading) {
                std::cmp::Ordering::Equal => return Some(AgendaLine::Heading(group, count)),
                std::cmp::Ordering::Greater => headings_before = k + 1,
                std::cmp::Ordering::Less => break,
            }
        }
        let item = line.checked_sub(headings_before)?;
        (item < self.items.len()).then_some(AgendaLine::Item(item))
    }
}

/// Moves an index by `by` within `0..len`, clamped; `isize::MIN` and
/// `isize::MAX` go to the ends.
pub fn step(at: usize, by: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let max = len - 1;
    if by == isize::MIN {
        return 0;
    }
    if by == isize::MAX {
        return max;
    }
    let moved = at as isize + by;
    moved.clamp(0, max as isize) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::AgendaWhat;

    #[test]
    fn agenda_lines_put_a_heading_above_each_group() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let item = |days: i64| AgendaItem {
            due: today + chrono::Duration::days(days),
            customer: CustomerId(days.unsigned_abs()),
            what: AgendaWhat::StayInTouch {
                cadence_days: 7,
                last_touch: 0,
            },
        };
        let mut list = AgendaList::default();
        list.set(vec![item(-3), item(-2), item(0), item(3)], today);
        assert_eq!(list.line_count(), 7);
        let lines: Vec<_> = (0..8).map(|l| list.at_line(l)).collect();
        assert_eq!(
            lines,
            [
                Some(AgendaLine::Heading(Group::Overdue, 2)),
                Some(AgendaLine::Item(0)),
                Some(AgendaLine::Item(1)),
                Some(AgendaLine::Heading(Group::Today, 1)),
                Some(AgendaLine::Item(2)),
                Some(AgendaLine::Heading(Group::ThisWeek, 1)),
                Some(AgendaLine::Item(3)),
                None,
            ]
        );
        for n in 0..4 {
            assert_eq!(list.at_line(list.line_of(n)), Some(AgendaLine::Item(n)));
        }
    }

    #[test]
    fn steps_stay_in_range() {
        assert_eq!(step(0, -1, 5), 0);
        assert_eq!(step(4, 1, 5), 4);
        assert_eq!(step(2, 10, 5), 4);
        assert_eq!(step(3, isize::MIN, 5), 0);
        assert_eq!(step(0, isize::MAX, 5), 4);
        assert_eq!(step(0, 1, 0), 0);
    }
}
