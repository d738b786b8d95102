//! Which customers a list holds: a filter of optional criteria, each
//! narrowing the list (seeds 002, 003: the target customer list). `list`
//! with flags, a saved list and the priority segment all read the one
//! [`ListFilter::keeps`], so a list means the same however it is reached.
//! A filter is a description, never a copy of its customers: it is judged
//! against the customers as they are when it is used.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Rules;
use super::cadence::{is_overdue, last_touch};
use super::customer::Customer;
use super::dates::local_day;
use super::ids::OrganizationId;
use super::level::Level;
use super::money::Money;
use super::stage::Stage;
use super::text::{fold, matches_words};
use super::value::lifetime_value;

/// The owner that means whoever uses the list: a saved "my customers"
/// list shows each teammate their own.
pub const ME: &str = "me";

/// One criterion, as a saved list stores it in the journal. Stored by
/// position: never reorder, only append variants (an organization
/// criterion comes when organizations do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Criterion {
    Stage(Stage),
    Level(Level),
    /// Folded.
    Segment(String),
    /// As tags are stored (lower case).
    Tag(String),
    /// Folded; [`ME`] for whoever uses the list.
    Owner(String),
    /// The customer's loyalty tier as stored, folded.
    Tier(String),
    /// Health (0-100) under this; a customer not yet assessed has none
    /// and is not kept.
    HealthBelow(u8),
    /// Lifetime value over this.
    ClvAbove(Money),
    /// No interaction for this many days (since the last one, or since
    /// the customer was added when none was logged).
    QuietDays(u16),
    /// The next contact is late (`cadence::is_overdue`).
    Overdue,
    /// Folded words found in name, company, emails, phones or tags.
    Query(String),
    /// People of this organization.
    Organization(OrganizationId),
}

/// The criteria of a list; none set keeps everyone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListFilter {
    pub stage: Option<Stage>,
    pub level: Option<Level>,
    pub segment: Option<String>,
    pub tag: Option<String>,
    pub owner: Option<String>,
    pub tier: Option<String>,
    pub health_below: Option<u8>,
    pub clv_above: Option<Money>,
    pub quiet_days: Option<u16>,
    pub overdue: bool,
    pub query: Option<String>,
    pub org: Option<OrganizationId>,
}

/// What a filter is judged against besides the customer: the team's
/// rules, the moment, and who is using the list.
#[derive(Debug, Clone, Copy)]
pub struct Judged<'a> {
    pub rules: &'a Rules,
    pub now_ms: i64,
    pub today: NaiveDate,
    /// The user: what the owner [`ME`] means.
    pub me: &'a str,
}

/// The mark before the name of a customer in the priority segment, in
/// every table, card and agenda row.
pub const PRIORITY_MARK: &str = "★";

/// A name with the priority mark before it when `priority`.
pub fn priority_name(name: &str, priority: bool) -> String {
    if priority {
        format!("{PRIORITY_MARK} {name}")
    } else {
        name.to_string()
    }
}

/// Folds a typed value; blank is no criterion.
fn folded(s: &str) -> Option<String> {
    Some(fold(s.trim())).filter(|f| !f.is_empty())
}

impl ListFilter {
    /// A segment criterion from what was typed (accents and case ignored).
    pub fn segment_of(s: &str) -> Option<String> {
        folded(s)
    }

    /// A tier criterion from what was typed (accents and case ignored).
    pub fn tier_of(s: &str) -> Option<String> {
        folded(s)
    }

    /// An owner criterion: `me` stays `me`, to be read when used.
    pub fn owner_of(s: &str) -> Option<String> {
        folded(s)
    }

    /// A query criterion from what was typed.
    pub fn query_of(s: &str) -> Option<String> {
        folded(s)
    }

    /// Whether the filter keeps `c`, whose earliest open follow-up is due
    /// on `earliest_follow_up`.
    pub fn keeps(&self, c: &Customer, earliest_follow_up: Option<NaiveDate>, at: &Judged) -> bool {
        self.stage.is_none_or(|s| c.stage == s)
            && self.level.is_none_or(|l| c.level == l)
            && self.segment.as_ref().is_none_or(|s| fold(c.segment.trim()) == *s)
            && self.tag.as_ref().is_none_or(|t| c.tags.contains(t))
            && self
                .owner
                .as_ref()
                .is_none_or(|o| fold(c.owner.trim()) == self.owner_meant(o, at))
            && self.tier.as_ref().is_none_or(|t| fold(c.loyalty_tier.trim()) == *t)
            && self
                .health_below
                .is_none_or(|n| c.factors.health().is_some_and(|h| h < n))
            && self
                .clv_above
                .is_none_or(|n| lifetime_value(&c.activity, at.now_ms, &at.rules.clv) > n)
            && self.quiet_days.is_none_or(|n| quiet_for(c, at.today) >= i64::from(n))
            && (!self.overdue || is_overdue(at.rules.cadence.next_contact(c, earliest_follow_up), at.today))
            && self.query.as_ref().is_none_or(|q| matches_words(&c.search_text(), q))
            && self.org.is_none_or(|o| c.organization == Some(o))
    }

    /// The folded owner a criterion means for the user of the list.
    pub fn owner_meant(&self, owner: &str, at: &Judged) -> String {
        if owner == ME {
            fold(at.me.trim())
        } else {
            owner.to_string()
        }
    }

    /// Whether judging needs the customers' follow-ups.
    pub fn needs_follow_ups(&self) -> bool {
        self.overdue
    }

    pub fn is_empty(&self) -> bool {
        *self == ListFilter::default()
    }

    /// The filter as the `list` flags that make it again
    /// (`--stage build --overdue`); empty for no criteria.
    pub fn as_flags(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut flag = |name: &str, value: Option<String>| {
            if let Some(v) = value {
                if v.is_empty() || v.contains(char::is_whitespace) {
                    parts.push(format!("--{name} \"{v}\""));
                } else {
                    parts.push(format!("--{name} {v}"));
                }
            }
        };
        flag("stage", self.stage.map(|s| s.key().to_string()));
        flag("level", self.level.map(|l| l.key().to_string()));
        flag("segment", self.segment.clone());
        flag("tag", self.tag.clone());
        flag("owner", self.owner.clone());
        flag("tier", self.tier.clone());
        flag("health-below", self.health_below.map(|n| n.to_string()));
        flag("clv-above", self.clv_above.map(|m| m.as_f64().to_string()));
        flag("quiet-days", self.quiet_days.map(|n| n.to_string()));
        flag("query", self.query.clone());
        flag("org", self.org.map(|o| o.to_string()));
        if self.overdue {
            parts.push("--overdue".into());
        }
        parts.join(" ")
    }

    /// The criteria set, in a fixed order.
    pub fn criteria(&self) -> Vec<Criterion> {
        let mut out = Vec::new();
        out.extend(self.stage.map(Criterion::Stage));
        out.extend(self.level.map(Criterion::Level));
        out.extend(self.segment.clone().map(Criterion::Segment));
        out.extend(self.tag.clone().map(Criterion::Tag));
        out.extend(self.owner.clone().map(Criterion::Owner));
        out.extend(self.tier.clone().map(Criterion::Tier));
        out.extend(self.health_below.map(Criterion::HealthBelow));
        out.extend(self.clv_above.map(Criterion::ClvAbove));
        out.extend(self.quiet_days.map(Criterion::QuietDays));
        if self.overdue {
            out.push(Criterion::Overdue);
        }
        out.extend(self.query.clone().map(Criterion::Query));
        out.extend(self.org.map(Criterion::Organization));
        out
    }

    /// The filter of stored criteria; a later one of a kind wins.
    pub fn of_criteria(criteria: &[Criterion]) -> ListFilter {
        let mut f = ListFilter::default();
        for c in criteria.iter().cloned() {
            match c {
                Criterion::Stage(s) => f.stage = Some(s),
                Criterion::Level(l) => f.level = Some(l),
                Criterion::Segment(s) => f.segment = Some(s),
                Criterion::Tag(t) => f.tag = Some(t),
                Criterion::Owner(o) => f.owner = Some(o),
                Criterion::Tier(t) => f.tier = Some(t),
                Criterion::HealthBelow(n) => f.health_below = Some(n),
                Criterion::ClvAbove(m) => f.clv_above = Some(m),
                Criterion::QuietDays(n) => f.quiet_days = Some(n),
                Criterion::Overdue => f.overdue = true,
                Criterion::Query(q) => f.query = Some(q),
                Criterion::Organization(o) => f.org = Some(o),
            }
        }
        f
    }
}

/// Whole days since the customer's last interaction (or creation).
fn quiet_for(c: &Customer, today: NaiveDate) -> i64 {
    (today - local_day(last_touch(c))).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::to_millis;
    use crate::domain::{CustomerId, Factor, Interaction};
    use chrono::{Local, TimeZone};

    fn noon(y: i32, m: u32, d: u32) -> i64 {
        to_millis(Local.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap().to_utc())
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn judged(rules: &Rules) -> Judged<'_> {
        Judged {
            rules,
            now_ms: noon(2026, 11, 26),
            today: today(),
            me: "Lan",
        }
    }

    /// A customer added on 2026-11-01 (25 days ago), in the attract stage
    /// (7-day cadence).
    fn customer() -> Customer {
        let mut c = Customer::empty(CustomerId(1));
        c.name = "Nguyễn Văn An".into();
        c.created_at = noon(2026, 11, 1);
        c
    }

    /// Whether `f` keeps the customer `before` rejects and `after` changes to keep.
    fn splits(f: ListFilter, change: impl Fn(&mut Customer)) {
        let rules = Rules::default();
        let at = judged(&rules);
        let mut c = customer();
        assert!(!f.keeps(&c, None, &at), "{f:?} kept the plain customer");
        change(&mut c);
        assert!(f.keeps(&c, None, &at), "{f:?} dropped the changed customer");
    }

    #[test]
    fn empty_filter_keeps_everyone() {
        let rules = Rules::default();
        assert!(ListFilter::default().keeps(&customer(), None, &judged(&rules)));
        assert!(ListFilter::default().is_empty());
    }

    #[test]
    fn by_stage() {
        let f = ListFilter {
            stage: Some(Stage::Build),
            ..Default::default()
        };
        splits(f, |c| c.stage = Stage::Build);
    }

    #[test]
    fn by_level() {
        let f = ListFilter {
            level: Some(Level::Partnership),
            ..Default::default()
        };
        splits(f, |c| c.level = Level::Partnership);
    }

    #[test]
    fn by_segment_ignoring_accents_and_case() {
        let f = ListFilter {
            segment: ListFilter::segment_of(" Doanh nghiệp "),
            ..Default::default()
        };
        splits(f, |c| c.segment = "DOANH NGHIEP".into());
    }

    #[test]
    fn by_organization() {
        let f = ListFilter {
            org: Some(OrganizationId(7)),
            ..Default::default()
        };
        splits(f.clone(), |c| c.organization = Some(OrganizationId(7)));
        let rules = Rules::default();
        let mut other = customer();
        other.organization = Some(OrganizationId(8));
        assert!(!f.keeps(&other, None, &judged(&rules)));
        assert_eq!(ListFilter::of_criteria(&f.criteria()), f);
        assert_eq!(f.as_flags(), "--org 0000000000000007");
    }

    #[test]
    fn by_tag() {
        let f = ListFilter {
            tag: Some("vip".into()),
            ..Default::default()
        };
        splits(f, |c| {
            c.tags.insert("vip".into());
        });
    }

    #[test]
    fn by_owner_and_me_is_whoever_uses_the_list() {
        let f = ListFilter {
            owner: ListFilter::owner_of("Wei"),
            ..Default::default()
        };
        splits(f, |c| c.owner = "wei".into());
        let mine = ListFilter {
            owner: ListFilter::owner_of("me"),
            ..Default::default()
        };
        splits(mine.clone(), |c| c.owner = "Lan".into());
        let rules = Rules::default();
        let mut c = customer();
        c.owner = "Lan".into();
        let wei = Judged {
            me: "Wei",
            ..judged(&rules)
        };
        assert!(!mine.keeps(&c, None, &wei), "Lan's customer is not Wei's");
    }

    #[test]
    fn by_tier_as_stored() {
        let f = ListFilter {
            tier: ListFilter::tier_of("Vàng"),
            ..Default::default()
        };
        splits(f, |c| c.loyalty_tier = "vang".into());
    }

    #[test]
    fn by_health_below_and_not_assessed_is_not_below() {
        let f = ListFilter {
            health_below: Some(50),
            ..Default::default()
        };
        // Not assessed: no health, not kept.
        splits(f.clone(), |c| c.factors.set(Factor::Trust, Some(1)));
        let rules = Rules::default();
        let mut c = customer();
        c.factors.set(Factor::Trust, Some(5));
        assert!(!f.keeps(&c, None, &judged(&rules)), "100% is not below 50");
    }

    #[test]
    fn by_clv_above() {
        let f = ListFilter {
            clv_above: Some(Money::from_units(1000)),
            ..Default::default()
        };
        splits(f, |c| {
            let mut i = Interaction::empty(crate::domain::InteractionId(1), c.id);
            i.channel = crate::domain::Channel::Purchase;
            i.at = noon(2025, 6, 1);
            i.amount = Some(Money::from_units(5000));
            c.activity.add(&i);
        });
    }

    #[test]
    fn by_quiet_days() {
        let f = ListFilter {
            quiet_days: Some(10),
            ..Default::default()
        };
        let rules = Rules::default();
        let at = judged(&rules);
        // Added 25 days ago, nothing logged: quiet.
        let mut c = customer();
        assert!(f.keeps(&c, None, &at));
        // Talked to 3 days ago: not quiet.
        c.activity.last_contact = Some(noon(2026, 11, 23));
        assert!(!f.keeps(&c, None, &at));
        // Exactly 10 days ago: quiet for 10 days.
        c.activity.last_contact = Some(noon(2026, 11, 16));
        assert!(f.keeps(&c, None, &at));
    }

    #[test]
    fn by_overdue_with_the_one_rule() {
        let f = ListFilter {
            overdue: true,
            ..Default::default()
        };
        let rules = Rules::default();
        let at = judged(&rules);
        let mut c = customer();
        // Last touched 2 days ago on a 7-day cadence: not late...
        c.activity.last_contact = Some(noon(2026, 11, 24));
        assert!(!f.keeps(&c, None, &at));
        // ...unless a follow-up promised for yesterday is open.
        assert!(f.keeps(&c, today().pred_opt(), &at));
        // Due today is not late.
        assert!(!f.keeps(&c, Some(today()), &at));
        // The cadence alone: 25 days since creation on 7 days.
        assert!(f.keeps(&customer(), None, &at));
        assert!(f.needs_follow_ups());
    }

    #[test]
    fn by_query_words() {
        let f = ListFilter {
            query: ListFilter::query_of("nguyen thi"),
            ..Default::default()
        };
        splits(f, |c| c.name = "Nguyễn Thị An".into());
    }

    #[test]
    fn criteria_together_all_must_hold() {
        let f = ListFilter {
            stage: Some(Stage::Build),
            tag: Some("vip".into()),
            ..Default::default()
        };
        let rules = Rules::default();
        let mut c = customer();
        c.stage = Stage::Build;
        assert!(!f.keeps(&c, None, &judged(&rules)));
        c.tags.insert("vip".into());
        assert!(f.keeps(&c, None, &judged(&rules)));
    }

    #[test]
    fn criteria_round_trip() {
        let f = ListFilter {
            stage: Some(Stage::Build),
            level: Some(Level::Reactive),
            segment: Some("smb".into()),
            tag: Some("vip".into()),
            owner: Some(ME.into()),
            tier: Some("gold".into()),
            health_below: Some(40),
            clv_above: Some(Money::from_units(10)),
            quiet_days: Some(30),
            overdue: true,
            query: Some("an".into()),
            org: Some(OrganizationId(0xab)),
        };
        assert_eq!(ListFilter::of_criteria(&f.criteria()), f);
        assert_eq!(f.criteria().len(), 12);
        assert_eq!(
            f.as_flags(),
            "--stage build --level reactive --segment smb --tag vip --owner me --tier gold \
             --health-below 40 --clv-above 10 --quiet-days 30 --query an --org 00000000000000ab --overdue"
        );
        assert_eq!(ListFilter::default().as_flags(), "");
    }
}
