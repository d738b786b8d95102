//! The pipeline's other face: the open deals of the shown customers in
//! one column per expected close month (those without a close day last),
//! each column with its weighted total, the forecast for that month.

use chrono::{Datelike, NaiveDate};

use super::lists::step;
use crate::domain::{CustomerId, Deal, DealId, Money};

/// One month's open deals, soonest close first.
#[derive(Debug, Clone, PartialEq)]
pub struct DealColumn {
    /// The month's first day; `None` for deals with no close day.
    pub month: Option<NaiveDate>,
    pub deals: Vec<Deal>,
    pub amount: Money,
    /// Σ amount × probability / 100: what the month is expected to bring.
    pub weighted: Money,
}

/// The open deals in month columns, in month order (undated last).
pub fn by_close_month(deals: impl IntoIterator<Item = Deal>) -> Vec<DealColumn> {
    let mut open: Vec<Deal> = deals.into_iter().filter(Deal::is_open).collect();
    open.sort_by(|a, b| {
        (a.close.is_none(), a.close, &a.title, a.id).cmp(&(b.close.is_none(), b.close, &b.title, b.id))
    });
    let mut columns: Vec<DealColumn> = Vec::new();
    for d in open {
        let month = d.close_date().and_then(|c| c.with_day(1));
        if columns.last().is_none_or(|c| c.month != month) {
            columns.push(DealColumn {
                month,
                deals: Vec::new(),
                amount: Money::ZERO,
                weighted: Money::ZERO,
            });
        }
        if let Some(col) = columns.last_mut() {
            col.amount += d.amount;
            col.weighted += d.weighted();
            col.deals.push(d);
        }
    }
    columns
}

/// The deals board and its cursors; shown instead of the stages while `on`.
#[derive(Debug, Default)]
pub struct DealBoard {
    pub on: bool,
    pub columns: Vec<DealColumn>,
    /// The column in focus, and the cursor of each column.
    pub column: usize,
    pub rows: Vec<usize>,
}

impl DealBoard {
    /// Regroups the open deals of the customers `shown` keeps, keeping
    /// the deal under the cursor under it when it is still there.
    pub fn rebuild(&mut self, deals: Vec<Deal>, shown: impl Fn(CustomerId) -> bool) {
        let keep: Option<DealId> = self.selected().map(|d| d.id);
        self.columns = by_close_month(deals.into_iter().filter(|d| shown(d.customer)));
        self.rows = self.columns.iter().map(|_| 0).collect();
        self.column = self.column.min(self.columns.len().saturating_sub(1));
        if let Some(id) = keep {
            for (c, col) in self.columns.iter().enumerate() {
                if let Some(r) = col.deals.iter().position(|d| d.id == id) {
                    self.column = c;
                    self.rows[c] = r;
                }
            }
        }
    }

    pub fn selected(&self) -> Option<&Deal> {
        let col = self.columns.get(self.column)?;
        col.deals.get(self.rows.get(self.column).copied().unwrap_or(0))
    }

    pub fn step(&mut self, by: isize) {
        if let (Some(row), Some(col)) = (self.rows.get_mut(self.column), self.columns.get(self.column)) {
            *row = step(*row, by, col.deals.len());
        }
    }

    pub fn move_column(&mut self, right: bool) {
        let last = self.columns.len().saturating_sub(1);
        self.column = if right {
            (self.column + 1).min(last)
        } else {
            self.column.saturating_sub(1)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DealStatus;
    use crate::domain::dates::date_to_days;

    fn deal(id: u64, close: Option<&str>, amount: i64, probability: u8) -> Deal {
        let mut d = Deal::empty(DealId(id), CustomerId(id % 3));
        d.title = format!("deal {id}");
        d.close = close.map(|c| date_to_days(NaiveDate::parse_from_str(c, "%Y-%m-%d").unwrap()));
        d.amount = Money::from_units(amount);
        d.probability = probability;
        d
    }

    #[test]
    fn open_deals_group_by_close_month_with_weighted_totals() {
        let mut won = deal(9, Some("2026-11-03"), 1_000, 100);
        won.status = DealStatus::Won;
        let columns = by_close_month(vec![
            deal(1, Some("2026-12-20"), 1_000, 50),
            deal(2, None, 400, 25),
            deal(3, Some("2026-11-30"), 200, 10),
            deal(4, Some("2026-12-01"), 3_000, 30),
            deal(5, Some("2026-11-02"), 100, 90),
            won,
        ]);
        let months: Vec<Option<String>> = columns
            .iter()
            .map(|c| c.month.map(|m| m.format("%Y-%m").to_string()))
            .collect();
        assert_eq!(months, [Some("2026-11".into()), Some("2026-12".into()), None]);
        let ids: Vec<Vec<u64>> = columns
            .iter()
            .map(|c| c.deals.iter().map(|d| d.id.0).collect())
            .collect();
        assert_eq!(
            ids,
            [vec![5, 3], vec![4, 1], vec![2]],
            "won deals left out, soonest first"
        );
        assert_eq!(columns[0].weighted, Money::from_units(90 + 20));
        assert_eq!(columns[1].weighted, Money::from_units(900 + 500));
        assert_eq!(columns[1].amount, Money::from_units(4_000));
        assert_eq!(columns[2].weighted, Money::from_units(100));
    }

    #[test]
    fn the_cursor_follows_its_deal_through_a_rebuild() {
        let all = vec![
            deal(1, Some("2026-12-20"), 1_000, 50),
            deal(3, Some("2026-11-30"), 200, 10),
            deal(4, Some("2026-12-01"), 3_000, 30),
        ];
        let mut board = DealBoard::default();
        board.rebuild(all.clone(), |_| true);
        board.move_column(true);
        board.step(1);
        assert_eq!(board.selected().map(|d| d.id), Some(DealId(1)));
        let mut fewer = all.clone();
        fewer.retain(|d| d.id != DealId(4));
        board.rebuild(fewer, |_| true);
        assert_eq!(board.selected().map(|d| d.id), Some(DealId(1)));
        board.rebuild(all, |c| c != CustomerId(1));
        assert!(
            board
                .columns
                .iter()
                .all(|c| c.deals.iter().all(|d| d.customer != CustomerId(1)))
        );
        board.move_column(true);
        board.move_column(true);
        assert!(board.column < board.columns.len());
    }
}
