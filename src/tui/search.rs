//! Search as you type: fuzzy matching on nucleo's worker threads, over
//! folded text (no accents, no case), so "nguyen" finds "Nguyễn" and
//! "dang" finds "Đặng". The UI thread only asks for the latest results and
//! keeps showing the previous ones until new ones are ready.

use std::sync::Arc;

use nucleo::pattern::{CaseMatching, Normalization};
use nucleo::{Config, Nucleo};

use super::roster::Roster;
use crate::domain::CustomerId;
use crate::domain::text::fold;

pub struct Search {
    matcher: Nucleo<CustomerId>,
    query: String,
}

impl Search {
    pub fn new() -> Search {
        Search {
            matcher: Nucleo::new(Config::DEFAULT, Arc::new(|| {}), None, 1),
            query: String::new(),
        }
    }

    /// Feeds every row to the matcher again (after rows were added,
    /// removed or renamed).
    pub fn rebuild(&mut self, roster: &Roster) {
        self.matcher.restart(false);
        let injector = self.matcher.injector();
        for row in roster.rows() {
            injector.push(row.id, |_, columns| columns[0] = row.search.as_str().into());
        }
    }

    /// The folded query now in force.
    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn is_active(&self) -> bool {
        !self.query.is_empty()
    }

    /// Sets what to look for.
    pub fn set_query(&mut self, typed: &str) {
        let folded = fold(typed);
        if folded == self.query {
            return;
        }
        let append = folded.starts_with(&self.query) && !self.query.is_empty();
        self.matcher
            .pattern
            .reparse(0, &folded, CaseMatching::Ignore, Normalization::Never, append);
        self.query = folded;
    }

    /// Collects what the workers finished; true when results changed.
    /// Waits at most `wait_ms`.
    pub fn tick(&mut self, wait_ms: u64) -> bool {
        self.matcher.tick(wait_ms).changed
    }

    /// True while the workers are still matching.
    pub fn running(&mut self) -> bool {
        self.matcher.tick(0).running
    }

    /// The current matches, best first.
    pub fn matches(&self) -> Vec<CustomerId> {
        let snapshot = self.matcher.snapshot();
        snapshot.matched_items(..).map(|item| *item.data).collect()
    }
}

impl Default for Search {
    fn default() -> Self {
        Search::new()
    }
}
