//! Account plans in guanxi JSON: a plan as `plan show --json` has it,
//! with each tactic's id and done mark, written and read back.

use serde::{Deserialize, Serialize};

use super::json::id_of;
use crate::domain::dates::date_to_days;
use crate::domain::{Objective, Plan, Strategy, StrategyKind, Tactic, TacticId, outline};
use crate::i18n::tf;

/// An account plan, as `plan show --json` has it, with each tactic's id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanOut {
    pub mission: String,
    pub objectives: Vec<ObjectiveOut>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectiveOut {
    pub text: String,
    pub strategies: Vec<StrategyOut>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StrategyOut {
    pub kind: String,
    pub text: String,
    pub tactics: Vec<TacticOut>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TacticOut {
    pub id: String,
    pub text: String,
    pub due: Option<String>,
    pub owner: Option<String>,
    pub done: bool,
}

impl PlanOut {
    pub fn new(p: &Plan) -> PlanOut {
        PlanOut {
            mission: p.mission.clone(),
            objectives: p
                .objectives
                .iter()
                .map(|o| ObjectiveOut {
                    text: o.text.clone(),
                    strategies: o
                        .strategies
                        .iter()
                        .map(|s| StrategyOut {
                            kind: s.kind.key().into(),
                            text: s.text.clone(),
                            tactics: s
                                .tactics
                                .iter()
                                .map(|t| TacticOut {
                                    id: t.id.to_string(),
                                    text: t.text.clone(),
                                    due: t.due_date().map(|d| d.format("%Y-%m-%d").to_string()),
                                    owner: t.owner.clone(),
                                    done: t.done,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A plan read back: each text checked as an outline's would be (the
/// plan is written out as one and read again), the ids kept.
pub fn plan_of(p: PlanOut) -> Result<Plan, String> {
    let mut plan = Plan {
        mission: p.mission,
        objectives: Vec::new(),
    };
    let mut ids = Vec::new();
    for o in p.objectives {
        let mut strategies = Vec::new();
        for s in o.strategies {
            let kind =
                StrategyKind::parse(&s.kind).ok_or_else(|| tf("import.error.json_plan_kind", &[("value", &s.kind)]))?;
            let mut tactics = Vec::new();
            for x in s.tactics {
                ids.push(TacticId(id_of(&x.id, "plan.tactics.id")?));
                let due = x
                    .due
                    .as_deref()
                    .map(|d| {
                        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                            .map(date_to_days)
                            .map_err(|_| tf("import.error.json_due", &[("value", &d)]))
                    })
                    .transpose()?;
                tactics.push(Tactic {
                    id: TacticId(0),
                    text: x.text,
                    due,
                    owner: x.owner,
                    done: x.done,
                });
            }
            strategies.push(Strategy {
                kind,
                text: s.text,
                tactics,
            });
        }
        plan.objectives.push(Objective {
            text: o.text,
            strategies,
        });
    }
    let mut plan = outline::parse(&outline::print(&plan)).map_err(|e| e.to_string())?;
    for (t, id) in plan.tactics_mut().zip(ids) {
        t.id = id;
    }
    Ok(plan)
}
