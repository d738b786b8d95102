//! Saved lists in guanxi JSON: each list's name, its criteria named as the
//! `list` flags are, and whether it is the priority segment. `lists
//! --json` shows criteria the same way, so a script reads one shape.

use serde::{Deserialize, Serialize};

use crate::domain::list_filter::ListFilter;
use crate::domain::{Level, Money, OrganizationId, Stage};
use crate::i18n::tf;

/// One saved list, as exported.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ListOut {
    pub name: String,
    pub filter: FilterOut,
    pub priority: bool,
    /// The list's account plan, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<super::json::PlanOut>,
}

/// The criteria of a list, the ones set only, named as the flags are.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FilterOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_below: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clv_above: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quiet_days: Option<u16>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub overdue: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The organization's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

impl FilterOut {
    pub fn new(f: &ListFilter) -> FilterOut {
        FilterOut {
            stage: f.stage.map(|s| s.key().to_string()),
            level: f.level.map(|l| l.key().to_string()),
            segment: f.segment.clone(),
            tag: f.tag.clone(),
            owner: f.owner.clone(),
            tier: f.tier.clone(),
            health_below: f.health_below,
            clv_above: f.clv_above.map(|m| m.as_f64()),
            quiet_days: f.quiet_days,
            overdue: f.overdue,
            query: f.query.clone(),
            org: f.org.map(|o| o.to_string()),
        }
    }

    /// The filter these criteria make, folded the way typed flags are; a
    /// stage or level that is none of guanxi's is refused.
    pub fn to_filter(&self) -> Result<ListFilter, String> {
        let stage = self
            .stage
            .as_deref()
            .map(Stage::parse)
            .transpose()
            .map_err(|e| e.to_string())?;
        let level = self
            .level
            .as_deref()
            .map(Level::parse)
            .transpose()
            .map_err(|e| e.to_string())?;
        let clv_above = match self.clv_above {
            Some(v) if !v.is_finite() || v < 0.0 => {
                return Err(tf("import.error.json_list_clv", &[("value", &v)]));
            }
            other => other.map(Money::from_f64),
        };
        let org = self
            .org
            .as_deref()
            .map(|o| o.trim().parse::<OrganizationId>())
            .transpose()
            .map_err(|e| e.to_string())?;
        Ok(ListFilter {
            org,
            stage,
            level,
            segment: self.segment.as_deref().and_then(ListFilter::segment_of),
            tag: self
                .tag
                .as_deref()
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty()),
            owner: self.owner.as_deref().and_then(ListFilter::owner_of),
            tier: self.tier.as_deref().and_then(ListFilter::tier_of),
            health_below: self.health_below.map(|h| h.min(100)),
            clv_above,
            quiet_days: self.quiet_days,
            overdue: self.overdue,
            query: self.query.as_deref().and_then(ListFilter::query_of),
        })
    }
}

impl ListOut {
    pub fn new(name: &str, filter: &ListFilter, priority: bool) -> ListOut {
        ListOut {
            name: name.to_string(),
            filter: FilterOut::new(filter),
            priority,
            plan: None,
        }
    }

    /// With the list's account plan.
    pub fn with_plan(mut self, plan: Option<&crate::domain::Plan>) -> ListOut {
        self.plan = plan.map(super::json::PlanOut::new);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_criterion_round_trips() {
        let f = ListFilter {
            stage: Some(Stage::Loyalty),
            level: Some(Level::Reactive),
            segment: ListFilter::segment_of("Đại lý"),
            tag: Some("vip".into()),
            owner: ListFilter::owner_of("me"),
            tier: ListFilter::tier_of("Gold"),
            health_below: Some(40),
            clv_above: Some(Money::from_units(1_000_000)),
            quiet_days: Some(30),
            overdue: true,
            query: ListFilter::query_of("Phú Thịnh"),
            org: Some(OrganizationId(0x1234)),
        };
        let text = serde_json::to_string(&FilterOut::new(&f)).unwrap();
        let back: FilterOut = serde_json::from_str(&text).unwrap();
        assert_eq!(back.to_filter().unwrap(), f);
        let none: FilterOut = serde_json::from_str("{}").unwrap();
        assert_eq!(none.to_filter().unwrap(), ListFilter::default());
        assert_eq!(serde_json::to_string(&FilterOut::default()).unwrap(), "{}");
    }

    #[test]
    fn a_stage_in_any_language_is_read_and_a_wrong_one_refused() {
        let vi = FilterOut {
            stage: Some("trung thành".into()),
            ..FilterOut::default()
        };
        assert_eq!(vi.to_filter().unwrap().stage, Some(Stage::Loyalty));
        let wrong = FilterOut {
            stage: Some("forever".into()),
            ..FilterOut::default()
        };
        assert!(wrong.to_filter().is_err());
        let negative = FilterOut {
            clv_above: Some(-1.0),
            ..FilterOut::default()
        };
        assert!(negative.to_filter().is_err());
    }
}
