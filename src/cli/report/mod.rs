//! `guanxi report`: how the relationships are going, over a period and a
//! scope (owner, saved list, organization), as aligned tables or as JSON
//! for scripts. The figures are `report::gather`'s, which the Reports pane
//! reads too, so the two never disagree.

mod json;
mod text;

use anyhow::Result;
use chrono::{Datelike, Months, NaiveDate};
use clap::Args;

use super::context::Context;
use super::output::day;
use crate::domain::dates::parse_date;
use crate::domain::list_filter::ListFilter;
use crate::domain::{InputError, Money, Stage};
use crate::i18n::tf;
use crate::report::figures::{Conversion, GroupValue, MonthRevenue, StageRow};
use crate::report::{Figures, Period, Scope, gather};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day of the period: YYYY-MM-DD, today, yesterday... [default: a year before --to]
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last day of the period [default: today]
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Only customers owned by this team member (`me` for you)
    #[arg(long)]
    owner: Option<String>,
    /// Only the customers of this saved list
    #[arg(long, value_name = "NAME")]
    list: Option<String>,
    /// Only the people of this organization (id, id prefix, or part of its name)
    #[arg(long, value_name = "ORG")]
    org: Option<String>,
    /// Print JSON instead of tables
    #[arg(long)]
    pub(super) json: bool,
}

/// The period asked for: both ends, one end (the other a year away), or
/// neither (the year up to today).
fn period_of(a: &ReportArgs, today: NaiveDate) -> Result<Option<Period>, InputError> {
    let from = a.from.as_deref().map(|d| parse_date(d, today)).transpose()?;
    let to = a.to.as_deref().map(|d| parse_date(d, today)).transpose()?;
    let year_before = |to: NaiveDate| {
        to.checked_sub_months(Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(to)
    };
    let period = match (from, to) {
        (None, None) => return Ok(None),
        (Some(from), None) => Period {
            from,
            to: today.max(from),
        },
        (None, Some(to)) => Period {
            from: year_before(to),
            to,
        },
        (Some(from), Some(to)) => Period { from, to },
    };
    if period.from > period.to {
        return Err(InputError::Invalid(tf(
            "error.report_period",
            &[("from", &day(period.from)), ("to", &day(period.to))],
        )));
    }
    Ok(Some(period))
}

pub fn report(ctx: &Context, a: ReportArgs) -> Result<String> {
    // What was typed is checked before the workspace is read.
    let today = ctx.clock.today();
    let period = period_of(&a, today)?;
    let store = ctx.open()?;
    let scope = Scope {
        period,
        owner: a.owner.as_deref().and_then(ListFilter::owner_of),
        list: match &a.list {
            Some(name) => Some(store.saved_list(name)?.filter),
            None => None,
        },
        org: match &a.org {
            Some(o) => Some(store.resolve_organization(o)?.id),
            None => None,
        },
    };
    let period = scope.period_or_default(store.clock().today());
    let figures = gather(&store.view(), &scope, store.author())?;
    if a.json {
        return Ok(serde_json::to_string_pretty(&json::ReportJson::new(&figures, period))? + "\n");
    }
    Ok(text::render(&figures, period))
}

pub(super) fn month_key(m: NaiveDate) -> String {
    format!("{:04}-{:02}", m.year(), m.month())
}

/// The first day of each month the period touches.
pub(super) fn months_of(period: Period) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = period.from.with_day(1).unwrap_or(period.from);
    while m <= period.to {
        out.push(m);
        match m.checked_add_months(Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    out
}

/// Revenue for every month of the period, months without a purchase too.
pub(super) fn revenue_months(f: &Figures, period: Period) -> Vec<(NaiveDate, MonthRevenue)> {
    months_of(period)
        .into_iter()
        .map(|m| (m, f.revenue_by_month.get(&m).cloned().unwrap_or_default()))
        .collect()
}

/// Every stage, in pipeline order, zeros for the empty ones.
pub(super) fn stage_rows(f: &Figures) -> impl Iterator<Item = (Stage, StageRow)> + '_ {
    Stage::ALL
        .into_iter()
        .map(|s| (s, f.stages.get(&s).cloned().unwrap_or_default()))
}

/// Every stage but the last with the next one, zeros when nobody was in it.
pub(super) fn conversions(f: &Figures) -> impl Iterator<Item = (Stage, Stage, Conversion)> + '_ {
    Stage::ALL.into_iter().filter_map(|s| {
        s.next()
            .map(|next| (s, next, f.conversion.get(&s).cloned().unwrap_or_default()))
    })
}

/// Groups by lifetime value, the largest first.
pub(super) fn by_value(groups: &std::collections::BTreeMap<String, GroupValue>) -> Vec<(&String, &GroupValue)> {
    let mut v: Vec<_> = groups.iter().collect();
    v.sort_by(|a, b| b.1.clv.cmp(&a.1.clv).then_with(|| a.0.cmp(b.0)));
    v
}

pub(super) fn amount(m: Money) -> f64 {
    m.as_f64()
}

/// A figure to two decimals, for JSON.
pub(super) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months_of_a_period_include_both_ends() {
        let p = Period {
            from: d("2025-11-27"),
            to: d("2026-02-01"),
        };
        let months: Vec<String> = months_of(p).into_iter().map(month_key).collect();
        assert_eq!(months, ["2025-11", "2025-12", "2026-01", "2026-02"]);
    }
}
