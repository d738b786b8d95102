//! A customer's stays in each relationship stage, read from its stage
//! history: where it started (the first change's `from`, else the stage
//! it is in), then one stay per change. The reports' funnel, conversion
//! and days in stage are all counted from these.

use crate::domain::{Stage, StageChange};

/// One stay in a stage: from `entered` until `left` (`None`: still there).
/// Milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stay {
    pub stage: Stage,
    pub entered: i64,
    pub left: Option<i64>,
}

impl Stay {
    /// Whether any part of the stay falls in `[from, to]`.
    pub fn overlaps(&self, from: i64, to: i64) -> bool {
        self.entered <= to && self.left.is_none_or(|l| l >= from)
    }
}

/// The stays of a customer created at `created_at`, now in `current`,
/// with its stage `history` (any order; ties keep their order).
pub fn stays(created_at: i64, current: Stage, history: &[StageChange]) -> Vec<Stay> {
    let mut changes: Vec<&StageChange> = history.iter().collect();
    changes.sort_by_key(|c| c.at);
    let first = changes.first().map_or(current, |c| c.from);
    let mut out = Vec::with_capacity(changes.len() + 1);
    let mut stage = first;
    let mut since = created_at.min(changes.first().map_or(created_at, |c| c.at));
    for c in changes {
        out.push(Stay {
            stage,
            entered: since,
            left: Some(c.at),
        });
        stage = c.to;
        since = c.at;
    }
    out.push(Stay {
        stage,
        entered: since,
        left: None,
    });
    out
}

/// The stage the customer was in at `at`: that of the stay holding it
/// (the first stay for an instant before the first one).
pub fn stage_at(stays: &[Stay], at: i64) -> Option<Stage> {
    stays
        .iter()
        .rev()
        .find(|s| s.entered <= at)
        .or(stays.first())
        .map(|s| s.stage)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(at: i64, from: Stage, to: Stage) -> StageChange {
        StageChange {
            at,
            by: "An".into(),
            from,
            to,
        }
    }

    #[test]
    fn no_history_is_one_stay_since_creation() {
        assert_eq!(
            stays(10, Stage::Build, &[]),
            [Stay {
                stage: Stage::Build,
                entered: 10,
                left: None
            }]
        );
    }

    #[test]
    fn each_change_ends_a_stay_and_starts_the_next() {
        let h = [
            change(300, Stage::Establish, Stage::Build),
            change(100, Stage::Attract, Stage::Establish),
        ];
        let s = stays(50, Stage::Build, &h);
        assert_eq!(s.len(), 3);
        assert_eq!((s[0].stage, s[0].entered, s[0].left), (Stage::Attract, 50, Some(100)));
        assert_eq!(
            (s[1].stage, s[1].entered, s[1].left),
            (Stage::Establish, 100, Some(300))
        );
        assert_eq!((s[2].stage, s[2].entered, s[2].left), (Stage::Build, 300, None));
        assert_eq!(stage_at(&s, 99), Some(Stage::Attract));
        assert_eq!(stage_at(&s, 100), Some(Stage::Establish));
        assert_eq!(stage_at(&s, 10), Some(Stage::Attract), "before creation: the first");
        assert!(s[1].overlaps(250, 400));
        assert!(!s[1].overlaps(301, 400));
        assert!(s[2].overlaps(1_000, 2_000), "still there");
    }

    #[test]
    fn history_brought_in_from_before_creation_starts_the_first_stay() {
        let s = stays(500, Stage::Develop, &[change(100, Stage::Build, Stage::Develop)]);
        assert_eq!((s[0].stage, s[0].entered), (Stage::Build, 100));
    }
}
