//! Human-readable output: aligned tables that respect double-width
//! characters, and local dates. Every text from data is escaped for the
//! terminal (`domain::escape`) before it is measured or cut.

use unicode_width::UnicodeWidthStr;

pub use crate::domain::escape::{escape, escape_lines};
pub use crate::domain::text::fit;
pub use crate::i18n::{date as day, datetime as when, money, relative};

/// `! ` before a late date, so it shows without colour; else nothing.
pub fn overdue_mark(due: chrono::NaiveDate, today: chrono::NaiveDate) -> &'static str {
    if crate::domain::cadence::is_overdue(due, today) {
        "! "
    } else {
        ""
    }
}

fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// A plain table: a header row (in capitals, where the script has them)
/// and columns as wide as their content, each capped at its maximum.
/// Cells are taken as data: escaped when added, so that the widths are
/// those of what is shown and a cut never falls inside an escape.
pub struct Table {
    headers: Vec<String>,
    max: Vec<usize>,
    rows: Vec<Vec<String>>,
    /// Lines drawn across the table before the row at each position.
    headings: Vec<(usize, String)>,
}

impl Table {
    pub fn new(columns: &[(&'static str, usize)]) -> Table {
        Table {
            headers: columns.iter().map(|c| c.0.to_uppercase()).collect(),
            max: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
            headings: Vec::new(),
        }
    }

    /// A line of its own before the next row (a group's title); it does
    /// not widen the columns.
    pub fn heading(&mut self, text: String) {
        self.headings.push((self.rows.len(), escape(&text).into_owned()));
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| match escape(&c) {
                    std::borrow::Cow::Borrowed(_) => c,
                    std::borrow::Cow::Owned(e) => e,
                })
                .collect(),
        );
    }

    pub fn render(&self) -> String {
        let cols = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(cols) {
                widths[i] = widths[i].max(cell.width().min(self.max[i]));
            }
        }
        let line = |cells: Vec<String>| {
            let last = cells.len().saturating_sub(1);
            let mut s = cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == last {
                        fit(c, widths[i])
                    } else {
                        pad(&fit(c, widths[i]), widths[i])
                    }
                })
                .collect::<Vec<_>>()
                .join("  ");
            s.truncate(s.trim_end().len());
            s.push('\n');
            s
        };
        let mut out = line(self.headers.clone());
        let mut headings = self.headings.iter().peekable();
        for (n, row) in self.rows.iter().enumerate() {
            while let Some((_, h)) = headings.next_if(|(at, _)| *at == n) {
                out.push_str(&format!("\n{h}\n"));
            }
            out.push_str(&line(row.clone()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_columns_line_up() {
        let mut t = Table::new(&[("NAME", 20), ("STAGE", 12)]);
        t.row(vec!["张伟".into(), "build".into()]);
        t.row(vec!["Nguyễn Văn An".into(), "loyalty".into()]);
        let text = t.render();
        let stage_columns: Vec<usize> = text
            .lines()
            .zip(["STAGE", "build", "loyalty"])
            .map(|(l, word)| l[..l.find(word).unwrap()].width())
            .collect();
        assert!(stage_columns.windows(2).all(|w| w[0] == w[1]), "{text}");
    }

    #[test]
    fn cells_are_escaped_before_they_are_cut() {
        let mut t = Table::new(&[("NAME", 12), ("STAGE", 8)]);
        t.row(vec!["Evil\u{1b}[2J\u{202E}xyz".into(), "build".into()]);
        t.row(vec!["Lan".into(), "loyalty".into()]);
        let text = t.render();
        assert!(
            !text.chars().any(|c| crate::domain::escape::is_hidden(c) && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("Evil\\e[2J…"), "{text}");
        assert!(!text.contains("\\u{20"), "an escape cut in half: {text}");
    }
}
