//! The report's figures, gathered one customer at a time (`Gather::add`)
//! and one deal at a time (`Gather::add_deal`), so a report over the whole
//! workspace holds its totals, not its customers. Every figure is computed
//! from what is stored; nothing in a report is kept by hand.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use super::stays::{Stay, stage_at, stays};
use crate::domain::dates::{days_to_date, local_day};
use crate::domain::factors::replay;
use crate::domain::{
    CadenceRules, Channel, Customer, CustomerId, Deal, DealStatus, FactorScore, FollowUp, Interaction, Money, Stage,
    StageChange,
};

/// What a report covers: the period (whole days, local time), and the
/// customers kept by the caller (owner, saved list, organization).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    fn holds(&self, at: i64) -> bool {
        let day = local_day(at);
        self.from <= day && day <= self.to
    }

    /// The period as instants, for stays: from its first to its last
    /// millisecond.
    fn bounds(&self) -> (i64, i64) {
        let start = crate::domain::dates::local_midnight(self.from);
        let end = self
            .to
            .succ_opt()
            .map_or(i64::MAX, crate::domain::dates::local_midnight)
            - 1;
        (start, end)
    }
}

/// Where an instant falls in the period's local calendar: judged against
/// local midnights worked out once, and by `local_day` only within
/// `MARGIN` of one of them. Why: reading the local UTC offset of each of a
/// million interactions was a third of a report's time. Exact, since no
/// two UTC offsets differ by as much as the margin (they lie within
/// -12 h..+14 h), so an instant that far from a local midnight is on the
/// same side of it whatever the offsets.
#[derive(Debug, Clone)]
struct Calendar {
    period: Period,
    /// The period's first and last millisecond (`Period::bounds`).
    start: i64,
    end: i64,
    /// The first instant of each month the period touches, and of the
    /// month after, with the month (its first day); ascending.
    months: Vec<(i64, NaiveDate)>,
    /// The last instant each month of the period is judged at for health:
    /// its end, or the period's end in the last month.
    month_ends: Vec<(NaiveDate, i64)>,
}

/// How far from a local midnight an instant's local day is certain.
const MARGIN: i64 = 72 * 3_600_000;

impl Calendar {
    fn new(period: Period) -> Calendar {
        let (start, end) = period.bounds();
        let mut months = Vec::new();
        let mut month_ends = Vec::new();
        let mut month = month_of(period.from);
        loop {
            months.push((crate::domain::dates::local_midnight(month), month));
            if month > period.to {
                break;
            }
            let Some(next) = month.checked_add_months(chrono::Months::new(1)) else {
                month_ends.push((month, end));
                break;
            };
            let month_end = crate::domain::dates::local_midnight(next).saturating_sub(1).min(end);
            month_ends.push((month, month_end));
            month = next;
        }
        Calendar {
            period,
            start,
            end,
            months,
            month_ends,
        }
    }

    /// `Period::holds`, mostly without reading the local offset.
    fn holds(&self, at: i64) -> bool {
        let first = self.start.saturating_add(MARGIN);
        let last = self.end.saturating_sub(MARGIN);
        if first <= at && at <= last {
            true
        } else if at < self.start.saturating_sub(MARGIN) || at > self.end.saturating_add(MARGIN) {
            false
        } else {
            self.period.holds(at)
        }
    }

    /// The month (its first day) of an instant of the period: that of
    /// `local_day`.
    fn month_of(&self, at: i64) -> NaiveDate {
        let k = self.months.partition_point(|(m, _)| *m <= at);
        if k > 0
            && k < self.months.len()
            && at.saturating_sub(self.months[k - 1].0) >= MARGIN
            && self.months[k].0.saturating_sub(at) >= MARGIN
        {
            self.months[k - 1].1
        } else {
            month_of(local_day(at))
        }
    }
}

/// One row of the funnel: customers now in the stage, their revenue in
/// the period and their lifetime value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StageRow {
    pub customers: usize,
    pub revenue: Money,
    pub clv: Money,
}

/// Of those ever in a stage during the period, how many later reached
/// the next stage or beyond.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Conversion {
    pub reached_from: usize,
    pub reached_to: usize,
}

impl Conversion {
    /// The share, 0-1; none when nobody was in the stage.
    pub fn rate(&self) -> Option<f64> {
        (self.reached_from > 0).then(|| self.reached_to as f64 / self.reached_from as f64)
    }
}

/// What `Gather::add` reads about one customer besides its record: its
/// lifetime value, organization, body and next promised contact.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    pub clv: Money,
    /// The name of its organization, if it has one.
    pub org: Option<&'a str>,
    pub interactions: &'a [Interaction],
    pub follow_ups: &'a [FollowUp],
    pub history: &'a [StageChange],
    /// Its factor scores, oldest first (health over time).
    pub scores: &'a [FactorScore],
    /// The earliest open follow-up or dated tactic, whichever comes first
    /// (`store::earliest`).
    pub earliest_follow_up: Option<NaiveDate>,
}

/// Revenue of one month.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonthRevenue {
    pub amount: Money,
    pub purchases: usize,
}

/// Lifetime value and revenue of a group of customers (a segment, an
/// organization).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupValue {
    pub customers: usize,
    pub clv: Money,
    pub revenue: Money,
}

/// What was experienced against what was promised (seed 002), from the
/// ratings (1-5) of interactions: 1-2 worse, 3 as promised, 4-5 better.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Touchpoint {
    pub worse: usize,
    pub as_promised: usize,
    pub better: usize,
    sum: u64,
}

impl Touchpoint {
    fn add(&mut self, rating: u8) {
        match rating {
            1 | 2 => self.worse += 1,
            3 => self.as_promised += 1,
            _ => self.better += 1,
        }
        self.sum += u64::from(rating);
    }

    pub fn rated(&self) -> usize {
        self.worse + self.as_promised + self.better
    }

    pub fn mean(&self) -> Option<f64> {
        let n = self.rated();
        (n > 0).then(|| self.sum as f64 / n as f64)
    }

    /// The mean less 3 (as promised): below zero, worse than promised.
    pub fn gap(&self) -> Option<f64> {
        self.mean().map(|m| m - 3.0)
    }
}

/// Open deals expected to close in a month, weighted, beside those won.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonthForecast {
    pub open: Money,
    pub weighted: Money,
    pub won: Money,
}

/// What one person did in the period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonActivity {
    pub interactions: usize,
    pub customers_touched: usize,
    pub follow_ups_done: usize,
    pub follow_ups_overdue: usize,
}

/// Why a customer is at risk (seed 001: keeping a customer costs a fifth
/// of winning one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskReason {
    /// Overdue for contact by more than half the cadence: days late.
    Overdue { days: i64 },
    /// Health fell during the period, from one figure (0-100) to another.
    HealthFell { from: u8, to: u8 },
    /// No purchase for more than twice the usual interval: days since the
    /// last one.
    PurchasesStopped { days: i64 },
}

/// A customer at risk, with its lifetime value and every reason.
#[derive(Debug, Clone, PartialEq)]
pub struct AtRisk {
    pub id: CustomerId,
    pub name: String,
    pub clv: Money,
    pub reasons: Vec<RiskReason>,
}

/// A customer whose health fell during the period.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthFall {
    pub id: CustomerId,
    pub name: String,
    pub from: u8,
    pub to: u8,
}

/// The figures of a report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub stages: BTreeMap<Stage, StageRow>,
    /// By the stage converted from (every stage but the last).
    pub conversion: BTreeMap<Stage, Conversion>,
    /// Lengths in days of completed stays, by stage (for medians).
    pub stays: BTreeMap<Stage, Vec<f64>>,
    /// By the first day of the month.
    pub revenue_by_month: BTreeMap<NaiveDate, MonthRevenue>,
    pub clv_by_segment: BTreeMap<String, GroupValue>,
    /// By organization name; people without one are left out.
    pub clv_by_org: BTreeMap<String, GroupValue>,
    pub touchpoints: BTreeMap<Channel, Touchpoint>,
    /// By the stage the customer was in when the interaction happened.
    pub touchpoints_by_stage: BTreeMap<Stage, Touchpoint>,
    /// By the first day of the expected close month; undated open deals
    /// are left out.
    pub forecast: BTreeMap<NaiveDate, MonthForecast>,
    /// By person (interaction author, follow-up author).
    pub activity: BTreeMap<String, PersonActivity>,
    /// Mean health (0-100) of the assessed customers at the end of each
    /// month, by the first day of the month.
    pub health_by_month: BTreeMap<NaiveDate, f64>,
    /// Those whose health fell most, the largest fall first.
    pub health_falling: Vec<HealthFall>,
    /// The largest lifetime value first.
    pub at_risk: Vec<AtRisk>,
    /// The sum of the lifetime values of those at risk.
    pub value_at_risk: Money,
}

impl Figures {
    /// The median length of the completed stays in `stage`, in days, with
    /// how many there were.
    pub fn days_in_stage(&self, stage: Stage) -> (Option<f64>, usize) {
        let Some(days) = self.stays.get(&stage) else {
            return (None, 0);
        };
        (median(days), days.len())
    }
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

/// The entry of `map` under `key`, made when missing: a key is only
/// copied the first time it is seen.
/// The group named `key`, made when new. Hashed while gathering (a
/// million interactions each find their author's row; ten thousand
/// organizations their own), sorted by name once at the end.
fn entry<'m, V: Default>(map: &'m mut HashMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

const DAY_MS: f64 = 86_400_000.0;

/// How many of those whose health fell most a report lists.
pub const HEALTH_FALLING_MAX: usize = 20;

/// Gathers the figures over a period.
#[derive(Debug)]
pub struct Gather {
    period: Period,
    calendar: Calendar,
    today: NaiveDate,
    cadence: CadenceRules,
    /// Health summed and counted at the end of each month of the period.
    health: BTreeMap<NaiveDate, (u64, usize)>,
    /// `Figures::clv_by_segment`, `clv_by_org` and `activity` while gathering.
    segments: HashMap<String, GroupValue>,
    orgs: HashMap<String, GroupValue>,
    activity: HashMap<String, PersonActivity>,
    figures: Figures,
}

impl Gather {
    pub fn new(period: Period, today: NaiveDate) -> Gather {
        Gather {
            period,
            calendar: Calendar::new(period),
            today,
            cadence: CadenceRules::default(),
            health: BTreeMap::new(),
            segments: HashMap::new(),
            orgs: HashMap::new(),
            activity: HashMap::new(),
            figures: Figures::default(),
        }
    }

    /// The stay-in-touch cadences that say who is overdue (the default
    /// ones otherwise).
    pub fn with_cadence(mut self, cadence: CadenceRules) -> Gather {
        self.cadence = cadence;
        self
    }

    /// Counts one customer in: its stage, lifetime value, organization,
    /// timeline, stage history, health over time and standing.
    pub fn add(&mut self, c: &Customer, facts: &Facts) {
        let Facts {
            clv,
            org,
            interactions,
            follow_ups,
            history,
            scores,
            earliest_follow_up,
        } = *facts;
        self.add_health(c, clv, scores, interactions, earliest_follow_up);
        let period = &self.calendar;
        let f = &mut self.figures;
        let revenue: Money = interactions
            .iter()
            .filter(|i| !i.deleted && period.holds(i.at))
            .filter_map(|i| i.amount)
            .sum();
        let row = f.stages.entry(c.stage).or_default();
        row.customers += 1;
        row.revenue += revenue;
        row.clv += clv;
        let segment = entry(&mut self.segments, c.segment.trim());
        segment.customers += 1;
        segment.clv += clv;
        segment.revenue += revenue;
        if let Some(name) = org.map(str::trim).filter(|n| !n.is_empty()) {
            let group = entry(&mut self.orgs, name);
            group.customers += 1;
            group.clv += clv;
            group.revenue += revenue;
        }

        let stays = stays(c.created_at, c.stage, history);
        self::convert(f, &stays, (period.start, period.end));
        for s in &stays {
            if let Some(left) = s.left
                && left > s.entered
                && period.holds(left)
            {
                f.stays
                    .entry(s.stage)
                    .or_default()
                    .push((left - s.entered) as f64 / DAY_MS);
            }
        }

        let mut touched_by: Vec<&str> = Vec::new();
        for i in interactions.iter().filter(|i| !i.deleted && period.holds(i.at)) {
            if let Some(amount) = i.amount {
                let m = f.revenue_by_month.entry(period.month_of(i.at)).or_default();
                m.amount += amount;
                m.purchases += 1;
            }
            if let Some(rating) = i.satisfaction.filter(|r| (1..=5).contains(r)) {
                f.touchpoints.entry(i.channel).or_default().add(rating);
                if let Some(stage) = stage_at(&stays, i.at) {
                    f.touchpoints_by_stage.entry(stage).or_default().add(rating);
                }
            }
            let person = entry(&mut self.activity, &i.author);
            person.interactions += 1;
            if !touched_by.contains(&i.author.as_str()) {
                person.customers_touched += 1;
                touched_by.push(&i.author);
            }
        }
        for fu in follow_ups.iter().filter(|f| !f.deleted) {
            match fu.done_at {
                Some(done) if period.holds(done) => {
                    entry(&mut self.activity, &fu.author).follow_ups_done += 1;
                }
                None if fu.due_date() < self.today => {
                    entry(&mut self.activity, &fu.author).follow_ups_overdue += 1;
                }
                _ => {}
            }
        }
    }

    /// Counts one deal in the forecast: open ones by expected close month
    /// (in the period or after it), won ones by the month they were won.
    pub fn add_deal(&mut self, d: &Deal) {
        if d.deleted {
            return;
        }
        match d.status {
            DealStatus::Open => {
                let Some(close) = d.close.map(days_to_date) else {
                    return;
                };
                if close < self.period.from {
                    return;
                }
                let m = self.figures.forecast.entry(month_of(close)).or_default();
                m.open += d.amount;
                m.weighted += d.weighted();
            }
            DealStatus::Won => {
                let Some(at) = d.closed_at.filter(|at| self.calendar.holds(*at)) else {
                    return;
                };
                self.figures.forecast.entry(month_of(local_day(at))).or_default().won += d.amount;
            }
            DealStatus::Lost => {}
        }
    }

    /// Health over the period and whether the customer is at risk.
    fn add_health(
        &mut self,
        c: &Customer,
        clv: Money,
        scores: &[FactorScore],
        interactions: &[Interaction],
        earliest_follow_up: Option<NaiveDate>,
    ) {
        let (start, end) = (self.calendar.start, self.calendar.end);
        let health = HealthPoints::of(scores);
        for &(month, month_end) in &self.calendar.month_ends {
            if let Some(h) = health.at(month_end) {
                let m = self.health.entry(month).or_insert((0, 0));
                m.0 += u64::from(h);
                m.1 += 1;
            }
        }
        let mut reasons = Vec::new();
        let cadence = i64::from(self.cadence.cadence_of(c));
        let next_contact = self.cadence.next_contact(c, earliest_follow_up);
        let late = (self.today - next_contact).num_days();
        if late * 2 > cadence {
            reasons.push(RiskReason::Overdue { days: late });
        }
        if let Some((from, to)) = health.fall(start, end) {
            reasons.push(RiskReason::HealthFell { from, to });
            self.figures.health_falling.push(HealthFall {
                id: c.id,
                name: c.name.clone(),
                from,
                to,
            });
        }
        if let Some(days) = purchases_stopped(interactions, self.today) {
            reasons.push(RiskReason::PurchasesStopped { days });
        }
        if !reasons.is_empty() {
            self.figures.value_at_risk += clv;
            self.figures.at_risk.push(AtRisk {
                id: c.id,
                name: c.name.clone(),
                clv,
                reasons,
            });
        }
    }

    pub fn finish(mut self) -> Figures {
        let f = &mut self.figures;
        f.clv_by_segment = self.segments.into_iter().collect();
        f.clv_by_org = self.orgs.into_iter().collect();
        f.activity = self.activity.into_iter().collect();
        f.health_by_month = self
            .health
            .into_iter()
            .map(|(month, (sum, n))| (month, sum as f64 / n as f64))
            .collect();
        f.health_falling.sort_by(|a, b| {
            (b.from - b.to)
                .cmp(&(a.from - a.to))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.id.cmp(&b.id))
        });
        f.health_falling.truncate(HEALTH_FALLING_MAX);
        f.at_risk.sort_by(|a, b| {
            b.clv
                .cmp(&a.clv)
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.id.cmp(&b.id))
        });
        self.figures
    }

    /// The period counted, for whoever prints the figures.
    pub fn period(&self) -> Period {
        self.period
    }
}

/// A customer's health after each moment its factors changed, oldest
/// first (none where no factor was scored then): replayed once, read
/// at every month's end.
struct HealthPoints(Vec<(i64, Option<u8>)>);

impl HealthPoints {
    fn of(scores: &[FactorScore]) -> HealthPoints {
        HealthPoints(replay(scores).into_iter().map(|(at, f)| (at, f.health())).collect())
    }

    /// Health as it was at `at` (`factors::health_at`).
    fn at(&self, at: i64) -> Option<u8> {
        let after = self.0.partition_point(|(t, _)| *t <= at);
        after.checked_sub(1).and_then(|n| self.0[n].1)
    }

    /// Health at the period's start (or, for a customer first assessed
    /// during it, at that first assessment) against health at its end,
    /// when lower.
    fn fall(&self, start: i64, end: i64) -> Option<(u8, u8)> {
        let from = self.at(start).or_else(|| {
            self.0
                .iter()
                .filter(|(at, _)| (start..=end).contains(at))
                .find_map(|(_, h)| *h)
        })?;
        let to = self.at(end)?;
        (to < from).then_some((from, to))
    }
}

/// Days since the last purchase, when that is more than twice the usual
/// interval between purchases (the mean; at least two purchases, and an
/// interval of at least a day, so two bought at once set no clock).
fn purchases_stopped(interactions: &[Interaction], today: NaiveDate) -> Option<i64> {
    let mut times = interactions
        .iter()
        .filter(|i| !i.deleted && i.amount.is_some())
        .map(|i| i.at);
    let first = times.next()?;
    let (mut lo, mut hi, mut n) = (first, first, 1u32);
    for t in times {
        lo = lo.min(t);
        hi = hi.max(t);
        n += 1;
    }
    if n < 2 {
        return None;
    }
    let interval_days = ((hi - lo) as f64 / DAY_MS / f64::from(n - 1)).max(1.0);
    let days = (today - local_day(hi)).num_days();
    (days as f64 > 2.0 * interval_days).then_some(days)
}

/// Counts a customer in the conversion of every stage it was in during
/// the period (`bounds`): converted when a later stay is in a further
/// stage.
fn convert(f: &mut Figures, stays: &[Stay], (from, to): (i64, i64)) {
    let mut counted: Vec<Stage> = Vec::new();
    for (n, s) in stays.iter().enumerate() {
        if s.stage.next().is_none() || counted.contains(&s.stage) || !s.overlaps(from, to) {
            continue;
        }
        counted.push(s.stage);
        let row = f.conversion.entry(s.stage).or_default();
        row.reached_from += 1;
        if stays[n + 1..].iter().any(|later| later.stage > s.stage) {
            row.reached_to += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::local_midnight;
    use crate::domain::{CustomerId, DealId, FollowUpId, InteractionId};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> i64 {
        local_midnight(day(s)) + 10 * 3600 * 1000
    }

    fn year_2026() -> Gather {
        Gather::new(
            Period {
                from: day("2026-01-01"),
                to: day("2026-12-31"),
            },
            day("2026-11-26"),
        )
    }

    fn customer(n: u64, stage: Stage, created: &str, segment: &str) -> Customer {
        let mut c = Customer::empty(CustomerId(n));
        c.stage = stage;
        c.created_at = at(created);
        c.segment = segment.into();
        c
    }

    fn interaction(
        n: u64,
        when: &str,
        channel: Channel,
        amount: Option<i64>,
        rating: Option<u8>,
        by: &str,
    ) -> Interaction {
        let mut i = Interaction::empty(InteractionId(n), CustomerId(0));
        i.at = at(when);
        i.channel = channel;
        i.amount = amount.map(Money::from_units);
        i.satisfaction = rating;
        i.author = by.into();
        i
    }

    fn moved(when: &str, from: Stage, to: Stage) -> StageChange {
        StageChange {
            at: at(when),
            by: "An".into(),
            from,
            to,
        }
    }

    #[test]
    fn the_calendar_places_instants_as_local_day_does() {
        let period = Period {
            from: day("2026-01-15"),
            to: day("2026-03-29"),
        };
        let cal = Calendar::new(period);
        let mut at = at("2025-12-01");
        let mut held = 0;
        while at < local_midnight(day("2026-05-01")) {
            assert_eq!(cal.holds(at), period.holds(at), "{at}");
            if period.holds(at) {
                held += 1;
                assert_eq!(cal.month_of(at), month_of(local_day(at)), "{at}");
            }
            at += 7 * 3_600_000 + 13 * 60_000 + 1;
        }
        assert!(held > 200);
        let (start, end) = period.bounds();
        for edge in [start - 1, start, end, end + 1] {
            assert_eq!(cal.holds(edge), period.holds(edge), "{edge}");
        }
        assert_eq!(cal.month_of(start), day("2026-01-01"));
        assert_eq!(cal.month_of(end), day("2026-03-01"));
        assert_eq!(cal.month_ends.len(), 3);
        assert_eq!(cal.month_ends[2], (day("2026-03-01"), end));
    }

    #[test]
    fn an_empty_scope_has_no_figures() {
        let f = year_2026().finish();
        assert_eq!(f, Figures::default());
        assert_eq!(f.days_in_stage(Stage::Build), (None, 0));
    }

    #[test]
    fn stages_revenue_and_segments_count_the_period_only() {
        let mut g = year_2026();
        let lan = customer(1, Stage::Loyalty, "2025-06-01", "Doanh nghiệp");
        let log = [
            interaction(1, "2025-12-31", Channel::Purchase, Some(900), None, "An"),
            interaction(2, "2026-03-05", Channel::Purchase, Some(100), Some(5), "An"),
            interaction(3, "2026-03-20", Channel::Purchase, Some(50), None, "An"),
            interaction(4, "2026-07-01", Channel::Call, None, Some(2), "Wei"),
        ];
        g.add(
            &lan,
            &Facts {
                clv: Money::from_units(5_000),
                interactions: &log,
                ..Facts::default()
            },
        );
        g.add(
            &customer(2, Stage::Loyalty, "2026-02-01", ""),
            &Facts {
                clv: Money::from_units(10),
                ..Facts::default()
            },
        );
        let f = g.finish();
        let loyalty = &f.stages[&Stage::Loyalty];
        assert_eq!(loyalty.customers, 2);
        assert_eq!(
            loyalty.revenue,
            Money::from_units(150),
            "2025's purchase is out of scope"
        );
        assert_eq!(loyalty.clv, Money::from_units(5_010));
        let march = &f.revenue_by_month[&day("2026-03-01")];
        assert_eq!((march.amount, march.purchases), (Money::from_units(150), 2));
        assert_eq!(f.revenue_by_month.len(), 1);
        assert_eq!(f.clv_by_segment["Doanh nghiệp"].clv, Money::from_units(5_000));
        assert_eq!(f.clv_by_segment[""].customers, 1);
        assert_eq!(f.activity["An"].interactions, 2);
        assert_eq!(f.activity["An"].customers_touched, 1);
        assert_eq!(f.activity["Wei"].interactions, 1);
    }

    #[test]
    fn touchpoints_compare_ratings_with_the_promise_per_channel_and_stage() {
        let mut g = year_2026();
        let c = customer(1, Stage::Build, "2026-01-01", "");
        let history = [moved("2026-05-01", Stage::Attract, Stage::Build)];
        let log = [
            interaction(1, "2026-02-01", Channel::Call, None, Some(1), "An"),
            interaction(2, "2026-03-01", Channel::Call, None, Some(3), "An"),
            interaction(3, "2026-06-01", Channel::Call, None, Some(5), "An"),
            interaction(4, "2026-06-02", Channel::Meeting, None, Some(4), "An"),
            interaction(5, "2026-06-03", Channel::Meeting, None, None, "An"),
        ];
        g.add(
            &c,
            &Facts {
                clv: Money::ZERO,
                interactions: &log,
                history: &history,
                ..Facts::default()
            },
        );
        let f = g.finish();
        let call = &f.touchpoints[&Channel::Call];
        assert_eq!((call.worse, call.as_promised, call.better, call.rated()), (1, 1, 1, 3));
        assert_eq!(call.mean(), Some(3.0));
        assert_eq!(call.gap(), Some(0.0));
        assert_eq!(f.touchpoints[&Channel::Meeting].gap(), Some(1.0), "unrated left out");
        let attract = &f.touchpoints_by_stage[&Stage::Attract];
        assert_eq!(attract.rated(), 2, "before the move");
        assert_eq!(f.touchpoints_by_stage[&Stage::Build].rated(), 2, "after it");
    }

    #[test]
    fn conversion_and_days_in_stage_come_from_the_stage_history() {
        let mut g = year_2026();
        // Reached build from establish, then fell back to establish.
        let a = [
            moved("2026-02-01", Stage::Attract, Stage::Establish),
            moved("2026-02-11", Stage::Establish, Stage::Build),
            moved("2026-03-01", Stage::Build, Stage::Establish),
        ];
        g.add(
            &customer(1, Stage::Establish, "2026-01-01", ""),
            &Facts {
                clv: Money::ZERO,
                history: &a,
                ..Facts::default()
            },
        );
        // Still in establish since 2026-04-01: in it, not converted.
        let b = [moved("2026-04-01", Stage::Attract, Stage::Establish)];
        g.add(
            &customer(2, Stage::Establish, "2026-03-22", ""),
            &Facts {
                clv: Money::ZERO,
                history: &b,
                ..Facts::default()
            },
        );
        // Left attract in 2025: not in the period's conversion.
        let c = [moved("2025-05-01", Stage::Attract, Stage::Build)];
        g.add(
            &customer(3, Stage::Build, "2025-04-01", ""),
            &Facts {
                clv: Money::ZERO,
                history: &c,
                ..Facts::default()
            },
        );
        let f = g.finish();
        let est = &f.conversion[&Stage::Establish];
        assert_eq!((est.reached_from, est.reached_to), (2, 1), "counted once each");
        assert_eq!(est.rate(), Some(0.5));
        let attract = &f.conversion[&Stage::Attract];
        assert_eq!((attract.reached_from, attract.reached_to), (2, 2));
        let build = &f.conversion[&Stage::Build];
        assert_eq!((build.reached_from, build.reached_to), (2, 0));
        assert!(
            !f.conversion.contains_key(&Stage::Loyalty),
            "nothing beyond the last stage"
        );
        // Completed stays ending in 2026: attract 31 and 10 days,
        // establish 10, build 18.
        assert_eq!(f.days_in_stage(Stage::Attract), (Some(20.5), 2));
        assert_eq!(f.days_in_stage(Stage::Establish), (Some(10.0), 1));
        assert_eq!(f.days_in_stage(Stage::Build), (Some(18.0), 1));
        assert_eq!(f.days_in_stage(Stage::Loyalty), (None, 0));
    }

    #[test]
    fn the_forecast_weights_open_deals_by_close_month_beside_what_was_won() {
        let mut g = year_2026();
        let deal = |n: u64, close: Option<&str>, amount: i64, p: u8, status: DealStatus| {
            let mut d = Deal::empty(DealId(n), CustomerId(1));
            d.close = close.map(|c| crate::domain::dates::date_to_days(day(c)));
            d.amount = Money::from_units(amount);
            d.probability = p;
            d.status = status;
            if status != DealStatus::Open {
                d.closed_at = Some(at("2026-11-03"));
            }
            d
        };
        g.add_deal(&deal(1, Some("2026-12-05"), 1_000, 30, DealStatus::Open));
        g.add_deal(&deal(2, Some("2026-12-20"), 500, 50, DealStatus::Open));
        g.add_deal(&deal(3, None, 700, 50, DealStatus::Open));
        g.add_deal(&deal(4, Some("2025-01-01"), 700, 50, DealStatus::Open));
        g.add_deal(&deal(5, Some("2026-11-30"), 400, 90, DealStatus::Won));
        g.add_deal(&deal(6, Some("2026-11-30"), 400, 90, DealStatus::Lost));
        let f = g.finish();
        let dec = &f.forecast[&day("2026-12-01")];
        assert_eq!(
            (dec.open, dec.weighted),
            (Money::from_units(1_500), Money::from_units(550))
        );
        assert_eq!(f.forecast[&day("2026-11-01")].won, Money::from_units(400));
        assert_eq!(f.forecast.len(), 2, "undated, long past and lost deals left out");
    }

    #[test]
    fn follow_ups_done_in_the_period_and_overdue_today_count_per_person() {
        let mut g = year_2026();
        let fu = |n: u64, due: &str, done: Option<&str>, by: &str| {
            let mut f = FollowUp::empty(FollowUpId(n), CustomerId(1));
            f.due = crate::domain::dates::date_to_days(day(due));
            f.done_at = done.map(at);
            f.author = by.into();
            f
        };
        let fus = [
            fu(1, "2026-03-01", Some("2026-03-02"), "Lan"),
            fu(2, "2025-03-01", Some("2025-03-02"), "Lan"),
            fu(3, "2026-11-20", None, "Lan"),
            fu(4, "2026-12-20", None, "Lan"),
        ];
        g.add(
            &customer(1, Stage::Build, "2025-01-01", ""),
            &Facts {
                clv: Money::ZERO,
                follow_ups: &fus,
                ..Facts::default()
            },
        );
        let lan = &g.finish().activity["Lan"];
        assert_eq!((lan.follow_ups_done, lan.follow_ups_overdue), (1, 1));
    }

    fn score(when: &str, factor: crate::domain::Factor, score: u8) -> FactorScore {
        FactorScore {
            at: at(when),
            factor,
            score: Some(score),
        }
    }

    /// Contacted the day before `today`, with a long cadence: never
    /// overdue, so only the reason under test puts it at risk.
    fn looked_after(n: u64, name: &str) -> Customer {
        let mut c = customer(n, Stage::Build, "2025-01-01", "");
        c.name = name.into();
        c.cadence_days = Some(365);
        c.activity.last_contact = Some(at("2026-11-25"));
        c
    }

    #[test]
    fn value_by_organization_leaves_out_people_without_one() {
        let mut g = year_2026();
        let log = [interaction(1, "2026-05-01", Channel::Purchase, Some(300), None, "An")];
        let sao_mai = Facts {
            clv: Money::from_units(1_000),
            org: Some("Sao Mai"),
            ..Facts::default()
        };
        g.add(&looked_after(1, "Lan"), &sao_mai);
        g.add(
            &looked_after(2, "Minh"),
            &Facts {
                interactions: &log,
                ..sao_mai
            },
        );
        g.add(
            &looked_after(3, "Wei"),
            &Facts {
                clv: Money::from_units(70),
                org: Some("华信"),
                ..Facts::default()
            },
        );
        g.add(
            &looked_after(4, "Ann"),
            &Facts {
                clv: Money::from_units(5),
                ..Facts::default()
            },
        );
        let f = g.finish();
        assert_eq!(
            f.clv_by_org["Sao Mai"],
            GroupValue {
                customers: 2,
                clv: Money::from_units(2_000),
                revenue: Money::from_units(300),
            }
        );
        assert_eq!(f.clv_by_org["华信"].customers, 1);
        assert_eq!(f.clv_by_org.len(), 2, "no group for people without one");
    }

    #[test]
    fn health_by_month_is_the_mean_at_each_month_end_of_those_assessed_then() {
        use crate::domain::Factor::{Trust, Value};
        let mut g = year_2026();
        // Lan: first assessed in February at 100, down to 60 in April.
        let lan = [score("2026-02-10", Trust, 5), score("2026-04-15", Trust, 3)];
        // Minh: 40 since 2025, up to 80 in March.
        let minh = [score("2025-12-01", Value, 2), score("2026-03-01", Value, 4)];
        g.add(
            &looked_after(1, "Lan"),
            &Facts {
                scores: &lan,
                ..Facts::default()
            },
        );
        g.add(
            &looked_after(2, "Minh"),
            &Facts {
                scores: &minh,
                ..Facts::default()
            },
        );
        // Never assessed: in no month's mean.
        g.add(&looked_after(3, "Wei"), &Facts::default());
        let f = g.finish();
        let month = |m: &str| f.health_by_month[&day(m)];
        assert_eq!(month("2026-01-01"), 40.0, "Minh alone");
        assert_eq!(month("2026-02-01"), 70.0);
        assert_eq!(month("2026-03-01"), 90.0);
        assert_eq!(month("2026-04-01"), 70.0);
        assert_eq!(month("2026-12-01"), 70.0);
        assert_eq!(f.health_by_month.len(), 12);
    }

    #[test]
    fn a_single_score_gives_health_from_its_month_on_and_no_fall() {
        let mut g = year_2026();
        let one = [score("2026-10-05", crate::domain::Factor::Trust, 2)];
        g.add(
            &looked_after(1, "Lan"),
            &Facts {
                scores: &one,
                ..Facts::default()
            },
        );
        let f = g.finish();
        let months: Vec<_> = f.health_by_month.iter().map(|(m, h)| (*m, *h)).collect();
        assert_eq!(
            months,
            vec![
                (day("2026-10-01"), 40.0),
                (day("2026-11-01"), 40.0),
                (day("2026-12-01"), 40.0)
            ]
        );
        assert!(f.health_falling.is_empty());
        assert!(f.at_risk.is_empty());
    }

    #[test]
    fn health_falling_compares_the_period_start_with_its_end_largest_fall_first() {
        use crate::domain::Factor::Trust;
        let mut g = year_2026();
        let fell_in_period = [score("2026-02-10", Trust, 5), score("2026-04-15", Trust, 3)];
        let fell_from_before = [score("2025-06-01", Trust, 4), score("2026-06-01", Trust, 1)];
        let rose = [score("2025-06-01", Trust, 2), score("2026-06-01", Trust, 4)];
        let back_again = [
            score("2025-06-01", Trust, 4),
            score("2026-03-01", Trust, 1),
            score("2026-09-01", Trust, 4),
        ];
        let fell_after = [score("2025-06-01", Trust, 4), score("2027-01-10", Trust, 1)];
        for (n, (name, scores)) in [
            ("Lan", &fell_in_period[..]),
            ("Minh", &fell_from_before[..]),
            ("Wei", &rose[..]),
            ("Ann", &back_again[..]),
            ("Hoa", &fell_after[..]),
        ]
        .into_iter()
        .enumerate()
        {
            g.add(
                &looked_after(n as u64, name),
                &Facts {
                    scores,
                    ..Facts::default()
                },
            );
        }
        let f = g.finish();
        let falls: Vec<_> = f
            .health_falling
            .iter()
            .map(|h| (h.name.as_str(), h.from, h.to))
            .collect();
        assert_eq!(falls, vec![("Minh", 80, 20), ("Lan", 100, 60)]);
    }

    #[test]
    fn health_falling_lists_the_twenty_largest_falls() {
        use crate::domain::Factor::Trust;
        let mut g = year_2026();
        for n in 0..25u64 {
            // From 100 down to 0, 20, 40, 60 or 80: five of each.
            let scores = [score("2025-06-01", Trust, 5), score("2026-06-01", Trust, (n % 5) as u8)];
            g.add(
                &looked_after(n, &format!("Khách {n:02}")),
                &Facts {
                    scores: &scores,
                    ..Facts::default()
                },
            );
        }
        let f = g.finish();
        assert_eq!(f.health_falling.len(), HEALTH_FALLING_MAX);
        assert_eq!((f.health_falling[0].from, f.health_falling[0].to), (100, 0));
        assert_eq!(f.health_falling[0].name, "Khách 00", "equal falls by name");
        assert_eq!(f.health_falling[19].to, 60, "the five smallest falls left out");
        assert_eq!(f.at_risk.len(), 25, "but every one is at risk");
    }

    #[test]
    fn at_risk_with_every_reason_largest_value_first() {
        use crate::domain::Factor::Trust;
        let mut g = year_2026();
        // Cadence 10, last contact 2026-11-06: due 11-16, ten days late on
        // 11-26, more than half the cadence.
        let mut late = looked_after(1, "Lan");
        late.cadence_days = Some(10);
        late.activity.last_contact = Some(at("2026-11-06"));
        g.add(
            &late,
            &Facts {
                clv: Money::from_units(100),
                ..Facts::default()
            },
        );
        // Cadence 30, due 11-19: seven days late, not half the cadence.
        let mut a_little_late = looked_after(2, "Minh");
        a_little_late.cadence_days = Some(30);
        a_little_late.activity.last_contact = Some(at("2026-10-20"));
        g.add(&a_little_late, &Facts::default());
        // Contacted lately, but a follow-up promised for 11-01: 25 days
        // late, more than half of 40.
        let mut promised = looked_after(3, "Wei");
        promised.cadence_days = Some(40);
        g.add(
            &promised,
            &Facts {
                clv: Money::from_units(300),
                earliest_follow_up: Some(day("2026-11-01")),
                ..Facts::default()
            },
        );
        // Bought every 30.5 days (01-01, 02-01, 03-03), nothing for 268
        // days since; and health fell from 80 to 40.
        let bought = [
            interaction(1, "2026-01-01", Channel::Purchase, Some(10), None, "An"),
            interaction(2, "2026-02-01", Channel::Purchase, Some(10), None, "An"),
            interaction(3, "2026-03-03", Channel::Purchase, Some(10), None, "An"),
        ];
        let fell = [score("2025-01-01", Trust, 4), score("2026-07-01", Trust, 2)];
        g.add(
            &looked_after(4, "Ann"),
            &Facts {
                clv: Money::from_units(200),
                interactions: &bought,
                scores: &fell,
                ..Facts::default()
            },
        );
        // Bought twice lately: its usual interval is not over twice.
        let lately = [
            interaction(4, "2026-09-01", Channel::Purchase, Some(10), None, "An"),
            interaction(5, "2026-10-01", Channel::Purchase, Some(10), None, "An"),
        ];
        g.add(
            &looked_after(5, "Hoa"),
            &Facts {
                interactions: &lately,
                ..Facts::default()
            },
        );
        // Bought once, long ago: no usual interval to judge by.
        let once = [interaction(6, "2025-01-01", Channel::Purchase, Some(10), None, "An")];
        g.add(
            &looked_after(6, "Tú"),
            &Facts {
                interactions: &once,
                ..Facts::default()
            },
        );
        let f = g.finish();
        let risk: Vec<_> = f
            .at_risk
            .iter()
            .map(|r| (r.name.as_str(), r.clv, r.reasons.clone()))
            .collect();
        assert_eq!(
            risk,
            vec![
                ("Wei", Money::from_units(300), vec![RiskReason::Overdue { days: 25 }]),
                (
                    "Ann",
                    Money::from_units(200),
                    vec![
                        RiskReason::HealthFell { from: 80, to: 40 },
                        RiskReason::PurchasesStopped { days: 268 },
                    ]
                ),
                ("Lan", Money::from_units(100), vec![RiskReason::Overdue { days: 10 }]),
            ]
        );
        assert_eq!(f.value_at_risk, Money::from_units(600));
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[4.0]), Some(4.0));
        assert_eq!(median(&[9.0, 1.0, 4.0]), Some(4.0));
        assert_eq!(median(&[1.0, 2.0, 3.0, 10.0]), Some(2.5));
    }
}
