//! The Reports pane's state: the scope (period, owner; the saved list is
//! the one the panes are narrowed to), the section in view, the chosen
//! at-risk customer, and the figures as last computed.
//!
//! The figures are gathered on another thread (`report::gather` reads
//! every customer of the scope), so the pane draws at once and says
//! "computing…" until they arrive. They are computed again when the scope
//! changes, and when the data changes while the pane is shown (or the
//! next time it is shown), never on keys typed elsewhere.

use std::sync::mpsc::{Receiver, TryRecvError};

use chrono::{Datelike, Months, NaiveDate};

use super::{App, Pane, step};
use crate::domain::CustomerId;
use crate::domain::list_filter::ListFilter;
use crate::domain::text::fold;
use crate::report::{Figures, Period, Scope};
use crate::store::StoreError;

/// The periods the period key cycles through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodChoice {
    Days30,
    Quarter,
    #[default]
    Months12,
    Year,
    All,
}

impl PeriodChoice {
    const CYCLE: [PeriodChoice; 5] = [
        PeriodChoice::Days30,
        PeriodChoice::Quarter,
        PeriodChoice::Months12,
        PeriodChoice::Year,
        PeriodChoice::All,
    ];

    /// The catalogue key naming it (`reports.period.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            PeriodChoice::Days30 => "days30",
            PeriodChoice::Quarter => "quarter",
            PeriodChoice::Months12 => "months12",
            PeriodChoice::Year => "year",
            PeriodChoice::All => "all",
        }
    }

    fn next(self) -> PeriodChoice {
        let i = Self::CYCLE.iter().position(|p| *p == self).unwrap_or(0);
        Self::CYCLE[(i + 1) % Self::CYCLE.len()]
    }

    /// The days it covers, up to and including `today`.
    pub fn period(self, today: NaiveDate) -> Period {
        let from = match self {
            PeriodChoice::Days30 => today.checked_sub_days(chrono::Days::new(29)),
            // The calendar quarter today is in.
            PeriodChoice::Quarter => NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1),
            PeriodChoice::Months12 => today.checked_sub_months(Months::new(12)).and_then(|d| d.succ_opt()),
            PeriodChoice::Year => NaiveDate::from_ymd_opt(today.year(), 1, 1),
            // Earlier than anything a workspace holds.
            PeriodChoice::All => NaiveDate::from_ymd_opt(1970, 1, 1),
        };
        Period {
            from: from.unwrap_or(today).min(today),
            to: today,
        }
    }
}

/// Whose customers the report counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum OwnerChoice {
    #[default]
    Everyone,
    Me,
    /// A teammate, by the name their customers carry.
    Person(String),
}

/// The parts of the dashboard, in the order the section keys go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    #[default]
    Funnel,
    Revenue,
    AtRisk,
    Touchpoints,
    Forecast,
    Health,
    Activity,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Funnel,
        Section::Revenue,
        Section::AtRisk,
        Section::Touchpoints,
        Section::Forecast,
        Section::Health,
        Section::Activity,
    ];

    /// The catalogue key naming it (`reports.section.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Section::Funnel => "funnel",
            Section::Revenue => "revenue",
            Section::AtRisk => "at_risk",
            Section::Touchpoints => "touchpoints",
            Section::Forecast => "forecast",
            Section::Health => "health",
            Section::Activity => "activity",
        }
    }

    pub fn index(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// What a computation was asked for: the figures are shown only for the
/// scope they were gathered for.
#[derive(Debug, Clone, PartialEq)]
pub struct Asked {
    pub period: Period,
    pub owner: OwnerChoice,
    pub list: Option<String>,
}

type Delivery = (Asked, Result<Figures, StoreError>);

#[derive(Default)]
pub struct Reports {
    pub period: PeriodChoice,
    pub owner: OwnerChoice,
    pub section: Section,
    /// The first line shown of each section (the at-risk list follows its
    /// cursor instead).
    pub scroll: [usize; Section::ALL.len()],
    /// The chosen row of the at-risk list.
    pub at_risk: usize,
    /// The figures and the scope they are of.
    pub figures: Option<(Asked, Figures)>,
    pending: Option<Receiver<Delivery>>,
    /// Asked for while a computation ran: started when it ends.
    again: Option<Asked>,
    /// The scope whose figures could not be gathered (said in the status
    /// bar), not tried again until the data changes.
    pub failed: Option<Asked>,
    /// The data changed since the figures were gathered.
    stale: bool,
}

impl Reports {
    /// True while figures are being gathered.
    pub fn computing(&self) -> bool {
        self.pending.is_some()
    }

    /// The figures of `asked`, if they are in.
    pub fn figures_for(&self, asked: &Asked) -> Option<&Figures> {
        self.figures.as_ref().filter(|(a, _)| a == asked).map(|(_, f)| f)
    }

    /// The customer chosen in the at-risk list.
    pub fn chosen_at_risk(&self) -> Option<CustomerId> {
        let (_, f) = self.figures.as_ref()?;
        f.at_risk.get(self.at_risk).map(|r| r.id)
    }

    /// Moves to the next section (`right`) or the previous one, round.
    pub fn move_section(&mut self, right: bool) {
        let i = self.section.index();
        let n = Section::ALL.len();
        self.section = Section::ALL[if right { (i + 1) % n } else { (i + n - 1) % n }];
    }

    /// Moves the at-risk cursor, or scrolls the section in view.
    pub fn step(&mut self, by: isize) {
        let i = self.section.index();
        match self.section {
            Section::AtRisk => {
                let n = self.figures.as_ref().map_or(0, |(_, f)| f.at_risk.len());
                self.at_risk = step(self.at_risk, by, n);
            }
            section => {
                let n = self.figures.as_ref().map_or(0, |(_, f)| lines_of(section, f));
                self.scroll[i] = step(self.scroll[i], by, n);
            }
        }
    }

    /// Shows `figures` as those of `asked` (what a computation delivers;
    /// tests and snapshots hand them in directly).
    pub fn install(&mut self, asked: Asked, figures: Figures) {
        // The same customer stays chosen when it is still at risk.
        let chosen = self.chosen_at_risk();
        let n = figures.at_risk.len();
        self.at_risk = match chosen.and_then(|id| figures.at_risk.iter().position(|r| r.id == id)) {
            Some(i) => i,
            None => self.at_risk.min(n.saturating_sub(1)),
        };
        self.figures = Some((asked, figures));
    }
}

/// How many lines a section's scrolled part has (what the view lists
/// under its chart or header), so scrolling stops at the last.
fn lines_of(section: Section, f: &Figures) -> usize {
    match section {
        Section::Funnel => f.stages.len().max(crate::domain::Stage::ALL.len()),
        Section::Revenue | Section::Forecast => 0,
        Section::AtRisk => f.at_risk.len(),
        // Channels, a heading, then stages.
        Section::Touchpoints => f.touchpoints.len() + 1 + f.touchpoints_by_stage.len(),
        Section::Health => f.health_falling.len(),
        Section::Activity => f.activity.len(),
    }
}

impl App {
    /// The scope the pane shows now.
    pub fn report_asked(&self) -> Asked {
        Asked {
            period: self.reports.period.period(self.today),
            owner: self.reports.owner.clone(),
            list: self.list.as_ref().map(|l| l.name.clone()),
        }
    }

    fn report_scope(&self, asked: &Asked) -> Scope {
        Scope {
            period: Some(asked.period),
            owner: match &asked.owner {
                OwnerChoice::Everyone => None,
                OwnerChoice::Me => Some("me".into()),
                OwnerChoice::Person(name) => Some(fold(name)),
            },
            list: self
                .list
                .as_ref()
                .map(|l| l.filter.clone())
                .filter(|f| *f != ListFilter::default()),
            org: None,
        }
    }

    /// Starts gathering the figures of the scope in view, unless they are
    /// in and still true, or being gathered.
    pub(crate) fn want_report(&mut self) {
        let asked = self.report_asked();
        let r = &self.reports;
        if !r.stale && (r.figures_for(&asked).is_some() || r.failed.as_ref() == Some(&asked)) {
            return;
        }
        if r.computing() {
            self.reports.again = Some(asked);
            return;
        }
        self.start_report(asked);
    }

    fn start_report(&mut self, asked: Asked) {
        let scope = self.report_scope(&asked);
        let view = self.store.view();
        let me = self.store.author().to_string();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let figures = crate::report::gather(&view, &scope, &me);
            // Let go of the view before saying so (see `Loader::start`).
            drop(view);
            let _ = tx.send((asked, figures));
        });
        self.reports.stale = false;
        self.reports.again = None;
        self.reports.pending = Some(rx);
    }

    /// After the data changed: the figures are gathered again now if the
    /// pane shows them, else when it is shown next.
    pub(crate) fn report_data_changed(&mut self) {
        self.reports.stale = true;
        self.reports.failed = None;
        if self.pane == Pane::Reports {
            self.want_report();
        }
    }

    /// Takes the figures when the thread is done; true when the screen
    /// must be redrawn.
    pub(crate) fn take_report(&mut self) -> bool {
        let Some(rx) = &self.reports.pending else {
            return false;
        };
        let delivered = match rx.try_recv() {
            Ok(d) => Some(d),
            Err(TryRecvError::Empty) => return false,
            Err(TryRecvError::Disconnected) => None,
        };
        self.reports.pending = None;
        self.deliver_report(delivered);
        true
    }

    fn deliver_report(&mut self, delivered: Option<Delivery>) {
        match delivered {
            Some((asked, Ok(figures))) => {
                self.reports.failed = None;
                self.reports.install(asked, figures);
            }
            Some((asked, Err(e))) => {
                self.reports.failed = Some(asked);
                self.fail(e);
            }
            // The thread died: say so rather than compute forever.
            None => {
                self.reports.failed = Some(self.report_asked());
                self.fail(crate::i18n::t("reports.failed"));
            }
        }
        if let Some(asked) = self.reports.again.take() {
            self.start_report(asked);
        } else if self.reports.stale && self.pane == Pane::Reports {
            self.want_report();
        }
        if self.pane == Pane::Reports {
            self.sync_current();
        }
    }

    /// Between keys: the pane in view with no figures for its scope (a
    /// new day moved the period) gathers them.
    pub(crate) fn tick_report(&mut self) -> bool {
        let changed = self.take_report();
        if self.pane == Pane::Reports && !self.reports.computing() {
            self.want_report();
        }
        changed
    }

    /// Waits for the figures being gathered and starts no other, so that
    /// no thread holds the view (before it is lent to a command). What
    /// was asked meanwhile is gathered when the view is back.
    pub fn finish_report(&mut self) {
        let Some(rx) = self.reports.pending.take() else {
            return;
        };
        match rx.recv() {
            Ok((asked, Ok(figures))) => self.reports.install(asked, figures),
            Ok((_, Err(e))) => self.fail(e),
            Err(_) => {}
        }
        if self.reports.again.take().is_some() {
            self.reports.stale = true;
        }
    }

    /// Waits for the figures being gathered (tests and benchmarks).
    pub fn wait_report(&mut self) {
        while let Some(rx) = self.reports.pending.take() {
            let delivered = rx.recv().ok();
            self.deliver_report(delivered);
        }
    }

    /// The period key: the next period (the caller gathers its figures).
    pub(crate) fn next_report_period(&mut self) {
        self.reports.period = self.reports.period.next();
    }

    /// The owner key: everyone, me, then each teammate who owns customers
    /// (the caller gathers the figures).
    pub(crate) fn next_report_owner(&mut self) {
        let me = fold(self.store.author());
        // Owners are few: each distinct one is folded once.
        let owners: std::collections::BTreeSet<&str> = self.roster.rows().iter().map(|r| r.owner.as_str()).collect();
        let mut others: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for owner in owners {
            let folded = fold(owner);
            if !owner.trim().is_empty() && folded != me && seen.insert(folded) {
                others.push(owner.to_string());
            }
        }
        others.sort_by_key(|o| fold(o));
        self.reports.owner = match &self.reports.owner {
            OwnerChoice::Everyone => OwnerChoice::Me,
            OwnerChoice::Me => others
                .first()
                .cloned()
                .map_or(OwnerChoice::Everyone, OwnerChoice::Person),
            OwnerChoice::Person(p) => {
                let at = others.iter().position(|o| fold(o) == fold(p));
                match at.and_then(|i| others.get(i + 1)) {
                    Some(next) => OwnerChoice::Person(next.clone()),
                    None => OwnerChoice::Everyone,
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Stage;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_end_today_and_start_where_their_names_say() {
        let today = day("2026-11-26");
        let from = |p: PeriodChoice| p.period(today).from;
        assert_eq!(from(PeriodChoice::Days30), day("2026-10-28"));
        assert_eq!(from(PeriodChoice::Quarter), day("2026-10-01"));
        assert_eq!(from(PeriodChoice::Months12), day("2025-11-27"));
        assert_eq!(from(PeriodChoice::Year), day("2026-01-01"));
        assert_eq!(from(PeriodChoice::All), day("1970-01-01"));
        assert!(PeriodChoice::CYCLE.iter().all(|p| p.period(today).to == today));
        assert_eq!(
            PeriodChoice::Months12.period(today),
            Scope::default().period_or_default(today),
            "the default is the CLI's"
        );
    }

    fn at_risk(ids: &[u64]) -> Figures {
        Figures {
            at_risk: ids
                .iter()
                .map(|n| crate::report::figures::AtRisk {
                    id: CustomerId(*n),
                    name: format!("c{n}"),
                    clv: crate::domain::Money::ZERO,
                    reasons: Vec::new(),
                })
                .collect(),
            ..Figures::default()
        }
    }

    fn asked() -> Asked {
        Asked {
            period: PeriodChoice::default().period(day("2026-11-26")),
            owner: OwnerChoice::Everyone,
            list: None,
        }
    }

    #[test]
    fn the_chosen_customer_at_risk_stays_chosen_when_the_figures_come_again() {
        let mut r = Reports::default();
        r.install(asked(), at_risk(&[1, 2, 3]));
        r.section = Section::AtRisk;
        r.step(1);
        assert_eq!(r.chosen_at_risk(), Some(CustomerId(2)));
        r.install(asked(), at_risk(&[2, 5, 1]));
        assert_eq!(r.chosen_at_risk(), Some(CustomerId(2)), "moved with its row");
        r.install(asked(), at_risk(&[7]));
        assert_eq!(
            r.chosen_at_risk(),
            Some(CustomerId(7)),
            "gone: the cursor stays in range"
        );
        r.install(asked(), at_risk(&[]));
        assert_eq!(r.chosen_at_risk(), None);
    }

    #[test]
    fn scrolling_stops_at_a_sections_last_line() {
        let mut r = Reports::default();
        r.install(asked(), Figures::default());
        r.step(isize::MAX);
        assert_eq!(r.scroll[Section::Funnel.index()], Stage::ALL.len() - 1);
        r.move_section(false);
        assert_eq!(r.section, Section::Activity);
        r.step(5);
        assert_eq!(r.scroll[Section::Activity.index()], 0, "nothing to scroll");
    }

    #[test]
    fn the_period_key_goes_round() {
        let mut p = PeriodChoice::default();
        for _ in 0..PeriodChoice::CYCLE.len() {
            p = p.next();
        }
        assert_eq!(p, PeriodChoice::default());
    }
}
