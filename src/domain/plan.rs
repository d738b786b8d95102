//! MOST account plans (seed 003): a mission, objectives under it,
//! strategies under each objective (one of the five relationship
//! strategies of seed 001, or another), tactics under each strategy. A
//! plan belongs to a customer, an organization or a saved list; a tactic
//! with a due date is a follow-up in the agenda. Pure data: the outline
//! (`outline`) is how it is written and read.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::{date_to_days, days_to_date};
use super::ids::{CustomerId, OrganizationId, TacticId};
use super::names::closed_enum;
use super::text::fold;

closed_enum! {
    /// What a strategy works on: the five relationship strategies of seed
    /// 001, or something else.
    pub enum StrategyKind in "strategy_kind" {
        CoreService = "core_service",
        Customization = "customization",
        Augmentation = "augmentation",
        Pricing = "pricing",
        Internal = "internal",
        Other = "other",
    }
}

impl StrategyKind {
    /// The kind named by its key or its name in any catalogue (accents,
    /// case and spacing aside; `core service` is `core_service`).
    pub fn parse(s: &str) -> Option<StrategyKind> {
        Self::named(s).or_else(|| Self::named(&s.replace([' ', '-'], "_")))
    }
}

/// What a plan is for. Stored by position: never reorder the variants.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PlanTarget {
    Customer(CustomerId),
    /// A saved list, by its folded name (the key lists are kept under).
    List(String),
    Organization(OrganizationId),
}

impl PlanTarget {
    /// The target of a saved list's plan, by the list's name as typed.
    pub fn list(name: &str) -> PlanTarget {
        PlanTarget::List(fold(name.trim()))
    }

    /// The target as `plan show --json` says it: `customer:ID`,
    /// `list:NAME`, `org:ID`.
    pub fn reference(&self) -> String {
        match self {
            PlanTarget::Customer(id) => format!("customer:{id}"),
            PlanTarget::List(name) => format!("list:{name}"),
            PlanTarget::Organization(id) => format!("org:{id}"),
        }
    }

    pub fn customer(&self) -> Option<CustomerId> {
        match self {
            PlanTarget::Customer(id) => Some(*id),
            _ => None,
        }
    }
}

/// One account or segment plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Plan {
    pub mission: String,
    pub objectives: Vec<Objective>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    pub text: String,
    pub strategies: Vec<Strategy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strategy {
    pub kind: StrategyKind,
    pub text: String,
    pub tactics: Vec<Tactic>,
}

/// One thing to do. Stored by position: never reorder the fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tactic {
    /// Given by the store when the plan is saved (an outline carries no
    /// ids): kept while the tactic's text under its strategy stays the same.
    pub id: TacticId,
    pub text: String,
    /// Days since 0001-01-01 (`dates::date_to_days`).
    pub due: Option<i32>,
    pub owner: Option<String>,
    /// In a saved plan, what the tactic's own done register says (see
    /// `store::plans`); in an outline, what the outline says.
    pub done: bool,
}

impl Tactic {
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.due.map(days_to_date)
    }

    pub fn set_due_date(&mut self, day: Option<NaiveDate>) {
        self.due = day.map(date_to_days);
    }
}

/// A tactic with where it sits: objective and strategy positions.
#[derive(Debug, Clone, Copy)]
pub struct Placed<'a> {
    pub objective: usize,
    pub strategy: usize,
    pub kind: StrategyKind,
    pub tactic: &'a Tactic,
}

impl Plan {
    /// Every tactic, in outline order.
    /// The due day of the earliest tactic not done yet, if one is dated:
    /// a customer's plan counts toward its next contact with it.
    pub fn earliest_open(&self) -> Option<chrono::NaiveDate> {
        self.tactics()
            .filter(|p| !p.tactic.done)
            .filter_map(|p| p.tactic.due_date())
            .min()
    }

    pub fn tactics(&self) -> impl Iterator<Item = Placed<'_>> {
        self.objectives.iter().enumerate().flat_map(|(o, obj)| {
            obj.strategies.iter().enumerate().flat_map(move |(s, st)| {
                st.tactics.iter().map(move |t| Placed {
                    objective: o,
                    strategy: s,
                    kind: st.kind,
                    tactic: t,
                })
            })
        })
    }

    pub fn tactics_mut(&mut self) -> impl Iterator<Item = &mut Tactic> {
        self.objectives
            .iter_mut()
            .flat_map(|o| o.strategies.iter_mut())
            .flat_map(|s| s.tactics.iter_mut())
    }

    pub fn tactic(&self, id: TacticId) -> Option<&Tactic> {
        self.tactics().map(|p| p.tactic).find(|t| t.id == id)
    }

    /// (done, total) tactics.
    pub fn progress(&self) -> (usize, usize) {
        self.tactics()
            .fold((0, 0), |(d, n), p| (d + usize::from(p.tactic.done), n + 1))
    }

    /// Gives every tactic an id: the id of the tactic of `before` with the
    /// same folded text under the same objective and strategy (same
    /// position and kind), else a new one from `new_id`. A text that
    /// appears twice keeps its ids in order.
    pub fn assign_ids(&mut self, before: Option<&Plan>, mut new_id: impl FnMut() -> TacticId) {
        let mut old: Vec<(usize, usize, StrategyKind, String, TacticId)> = before
            .map(|b| {
                b.tactics()
                    .map(|p| (p.objective, p.strategy, p.kind, fold(&p.tactic.text), p.tactic.id))
                    .collect()
            })
            .unwrap_or_default();
        for (o, obj) in self.objectives.iter_mut().enumerate() {
            for (s, st) in obj.strategies.iter_mut().enumerate() {
                for t in &mut st.tactics {
                    let text = fold(&t.text);
                    let found = old
                        .iter()
                        .position(|(oo, ss, k, tt, _)| *oo == o && *ss == s && *k == st.kind && *tt == text);
                    t.id = match found {
                        Some(i) => old.remove(i).4,
                        None => new_id(),
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tactic(text: &str) -> Tactic {
        Tactic {
            id: TacticId(0),
            text: text.into(),
            due: None,
            owner: None,
            done: false,
        }
    }

    fn plan(texts: &[&str]) -> Plan {
        Plan {
            mission: "m".into(),
            objectives: vec![Objective {
                text: "o".into(),
                strategies: vec![Strategy {
                    kind: StrategyKind::Pricing,
                    text: "s".into(),
                    tactics: texts.iter().map(|t| tactic(t)).collect(),
                }],
            }],
        }
    }

    #[test]
    fn ids_are_kept_for_unchanged_text_and_new_otherwise() {
        let mut n = 0;
        let mut next = || {
            n += 1;
            TacticId(n)
        };
        let mut first = plan(&["Gọi điện", "Gửi báo giá"]);
        first.assign_ids(None, &mut next);
        let ids: Vec<_> = first.tactics().map(|p| p.tactic.id).collect();
        assert_eq!(ids, vec![TacticId(1), TacticId(2)]);
        // Reordered, one renamed (case and accents do not count), one new.
        let mut second = plan(&["gui bao gia", "Gọi điện lại", "Gọi điện"]);
        second.assign_ids(Some(&first), &mut next);
        let ids: Vec<_> = second.tactics().map(|p| p.tactic.id).collect();
        assert_eq!(ids, vec![TacticId(2), TacticId(3), TacticId(1)]);
        // Under another strategy kind, the same text is a new tactic.
        let mut third = second.clone();
        third.objectives[0].strategies[0].kind = StrategyKind::Internal;
        third.assign_ids(Some(&second), &mut next);
        assert!(third.tactics().all(|p| p.tactic.id.0 > 3));
    }

    #[test]
    fn progress_counts_done_tactics() {
        let mut p = plan(&["a", "b", "c"]);
        p.objectives[0].strategies[0].tactics[1].done = true;
        assert_eq!(p.progress(), (1, 3));
    }

    #[test]
    fn strategy_kinds_parse_from_keys_and_spaced_words() {
        assert_eq!(StrategyKind::parse("core_service"), Some(StrategyKind::CoreService));
        assert_eq!(StrategyKind::parse("Core Service"), Some(StrategyKind::CoreService));
        assert_eq!(StrategyKind::parse("dịch vụ lõi"), Some(StrategyKind::CoreService));
        assert_eq!(StrategyKind::parse("关系定价"), Some(StrategyKind::Pricing));
        assert_eq!(StrategyKind::parse("nope"), None);
        // Every catalogue's name of every kind, as shown and folded.
        for k in StrategyKind::ALL {
            let names: Vec<_> = crate::lexicon::texts(&format!("strategy_kind.{}", k.key())).collect();
            assert_eq!(names.len(), 3, "{k} is missing from a catalogue");
            for name in names {
                assert_eq!(StrategyKind::parse(name), Some(k), "{name}");
                assert_eq!(StrategyKind::parse(&fold(name)), Some(k), "{name}");
            }
        }
    }
}
