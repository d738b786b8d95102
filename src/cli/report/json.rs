//! `guanxi report --json`: the figures as the issue names them, amounts
//! as numbers, months as `YYYY-MM`.

use serde::Serialize;

use super::{amount, by_value, conversions, month_key, revenue_months, round2, stage_rows};
use crate::domain::{Channel, Stage};
use crate::report::figures::*;
use crate::report::{Figures, Period};
use chrono::NaiveDate;

#[derive(Serialize)]
struct StageJson {
    stage: &'static str,
    customers: usize,
    revenue: f64,
    clv: f64,
}

#[derive(Serialize)]
struct ConversionJson {
    from: &'static str,
    to: &'static str,
    reached_from: usize,
    reached_to: usize,
    rate: Option<f64>,
}

#[derive(Serialize)]
struct DaysJson {
    stage: &'static str,
    median_days: Option<f64>,
    stays: usize,
}

#[derive(Serialize)]
struct MonthRevenueJson {
    month: String,
    amount: f64,
    purchases: usize,
}

#[derive(Serialize)]
struct GroupJson {
    name: String,
    customers: usize,
    clv: f64,
    revenue: f64,
}

#[derive(Serialize)]
struct TouchpointJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'static str>,
    rated: usize,
    worse: usize,
    as_promised: usize,
    better: usize,
    mean: Option<f64>,
    gap: Option<f64>,
}

impl TouchpointJson {
    fn new(channel: Option<Channel>, stage: Option<Stage>, t: &Touchpoint) -> TouchpointJson {
        TouchpointJson {
            channel: channel.map(Channel::key),
            stage: stage.map(Stage::key),
            rated: t.rated(),
            worse: t.worse,
            as_promised: t.as_promised,
            better: t.better,
            mean: t.mean().map(round2),
            gap: t.gap().map(round2),
        }
    }
}

#[derive(Serialize)]
struct HealthMonthJson {
    month: String,
    mean: f64,
}

#[derive(Serialize)]
struct HealthFallJson {
    id: String,
    name: String,
    from: u8,
    to: u8,
}

impl HealthFallJson {
    fn new(h: &HealthFall) -> HealthFallJson {
        HealthFallJson {
            id: h.id.to_string(),
            name: h.name.clone(),
            from: h.from,
            to: h.to,
        }
    }
}

/// A reason as a small object: `{"kind": "overdue", "days": 12}`.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ReasonJson {
    Overdue { days: i64 },
    HealthFell { from: u8, to: u8 },
    PurchasesStopped { days: i64 },
}

impl From<RiskReason> for ReasonJson {
    fn from(r: RiskReason) -> ReasonJson {
        match r {
            RiskReason::Overdue { days } => ReasonJson::Overdue { days },
            RiskReason::HealthFell { from, to } => ReasonJson::HealthFell { from, to },
            RiskReason::PurchasesStopped { days } => ReasonJson::PurchasesStopped { days },
        }
    }
}

#[derive(Serialize)]
struct AtRiskJson {
    id: String,
    name: String,
    clv: f64,
    reasons: Vec<ReasonJson>,
}

impl AtRiskJson {
    fn new(r: &AtRisk) -> AtRiskJson {
        AtRiskJson {
            id: r.id.to_string(),
            name: r.name.clone(),
            clv: amount(r.clv),
            reasons: r.reasons.iter().map(|x| ReasonJson::from(*x)).collect(),
        }
    }
}

#[derive(Serialize)]
struct ForecastJson {
    month: String,
    open: f64,
    weighted: f64,
    won: f64,
}

#[derive(Serialize)]
struct ActivityJson {
    owner: String,
    interactions: usize,
    customers_touched: usize,
    follow_ups_done: usize,
    follow_ups_overdue: usize,
}

/// The whole report, as `report --json` prints it.
#[derive(Serialize)]
pub(super) struct ReportJson {
    from: String,
    to: String,
    stages: Vec<StageJson>,
    conversion: Vec<ConversionJson>,
    days_in_stage: Vec<DaysJson>,
    revenue_by_month: Vec<MonthRevenueJson>,
    clv_by_segment: Vec<GroupJson>,
    clv_by_org: Vec<GroupJson>,
    touchpoints: Vec<TouchpointJson>,
    touchpoints_by_stage: Vec<TouchpointJson>,
    health_by_month: Vec<HealthMonthJson>,
    health_falling: Vec<HealthFallJson>,
    at_risk: Vec<AtRiskJson>,
    value_at_risk: f64,
    forecast: Vec<ForecastJson>,
    activity: Vec<ActivityJson>,
}

impl ReportJson {
    pub(super) fn new(f: &Figures, period: Period) -> ReportJson {
        let groups = |g| {
            by_value(g)
                .into_iter()
                .map(|(name, v)| GroupJson {
                    name: name.clone(),
                    customers: v.customers,
                    clv: amount(v.clv),
                    revenue: amount(v.revenue),
                })
                .collect()
        };
        ReportJson {
            from: period.from.to_string(),
            to: period.to.to_string(),
            stages: stage_rows(f)
                .map(|(s, r)| StageJson {
                    stage: s.key(),
                    customers: r.customers,
                    revenue: amount(r.revenue),
                    clv: amount(r.clv),
                })
                .collect(),
            conversion: conversions(f)
                .map(|(from, to, c)| ConversionJson {
                    from: from.key(),
                    to: to.key(),
                    reached_from: c.reached_from,
                    reached_to: c.reached_to,
                    rate: c.rate().map(|r| (r * 10_000.0).round() / 10_000.0),
                })
                .collect(),
            days_in_stage: Stage::ALL
                .into_iter()
                .map(|s| {
                    let (median, stays) = f.days_in_stage(s);
                    DaysJson {
                        stage: s.key(),
                        median_days: median.map(round2),
                        stays,
                    }
                })
                .collect(),
            revenue_by_month: revenue_months(f, period)
                .into_iter()
                .map(|(m, r)| MonthRevenueJson {
                    month: month_key(m),
                    amount: amount(r.amount),
                    purchases: r.purchases,
                })
                .collect(),
            clv_by_segment: groups(&f.clv_by_segment),
            clv_by_org: groups(&f.clv_by_org),
            touchpoints: f
                .touchpoints
                .iter()
                .map(|(c, t)| TouchpointJson::new(Some(*c), None, t))
                .collect(),
            touchpoints_by_stage: f
                .touchpoints_by_stage
                .iter()
                .map(|(s, t)| TouchpointJson::new(None, Some(*s), t))
                .collect(),
            health_by_month: f
                .health_by_month
                .iter()
                .map(|(m, mean)| HealthMonthJson {
                    month: month_key(*m),
                    mean: round2(*mean),
                })
                .collect(),
            health_falling: f.health_falling.iter().map(HealthFallJson::new).collect(),
            at_risk: f.at_risk.iter().map(AtRiskJson::new).collect(),
            value_at_risk: amount(f.value_at_risk),
            forecast: f
                .forecast
                .iter()
                .map(|(m, x): (&NaiveDate, &MonthForecast)| ForecastJson {
                    month: month_key(*m),
                    open: amount(x.open),
                    weighted: amount(x.weighted),
                    won: amount(x.won),
                })
                .collect(),
            activity: f
                .activity
                .iter()
                .map(|(owner, a): (&String, &PersonActivity)| ActivityJson {
                    owner: owner.clone(),
                    interactions: a.interactions,
                    customers_touched: a.customers_touched,
                    follow_ups_done: a.follow_ups_done,
                    follow_ups_overdue: a.follow_ups_overdue,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_small_objects_named_by_kind() {
        let json = serde_json::to_value(
            [
                RiskReason::Overdue { days: 12 },
                RiskReason::HealthFell { from: 80, to: 40 },
                RiskReason::PurchasesStopped { days: 90 },
            ]
            .map(ReasonJson::from),
        )
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"kind": "overdue", "days": 12},
                {"kind": "health_fell", "from": 80, "to": 40},
                {"kind": "purchases_stopped", "days": 90},
            ])
        );
    }
}
