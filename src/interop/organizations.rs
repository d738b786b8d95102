//! Organizations in guanxi JSON: the top-level `organizations` list, each
//! with its fields and its account plan; customers name theirs by id.

use serde::{Deserialize, Serialize};

use super::account_plans::PlanOut;
use super::json::{id_of, instant, parse_instant};
use crate::domain::{OrgKind, Organization, OrganizationId, Plan};

/// One organization as the export writes it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganizationOut {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub industry: String,
    pub website: String,
    pub address: String,
    pub notes: String,
    pub tags: Vec<String>,
    pub owner: String,
    pub created_at: String,
    pub created_by: String,
    /// Its account plan, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanOut>,
}

impl OrganizationOut {
    pub fn new(o: &Organization) -> OrganizationOut {
        OrganizationOut {
            id: o.id.to_string(),
            name: o.name.clone(),
            kind: o.kind.key().to_string(),
            industry: o.industry.clone(),
            website: o.website.clone(),
            address: o.address.clone(),
            notes: o.notes.clone(),
            tags: o.tags.clone(),
            owner: o.owner.clone(),
            created_at: instant(o.created_at),
            created_by: o.created_by.clone(),
            plan: None,
        }
    }

    /// With the organization's account plan.
    pub fn with_plan(mut self, plan: Option<&Plan>) -> OrganizationOut {
        self.plan = plan.map(PlanOut::new);
        self
    }

    /// The organization written, checked.
    pub fn parse(self) -> Result<Organization, String> {
        let mut o = Organization::empty(OrganizationId(id_of(&self.id, "organizations.id")?));
        o.name = crate::domain::organization::check_name(&self.name).map_err(|e| e.to_string())?;
        o.kind = if self.kind.is_empty() {
            OrgKind::Customer
        } else {
            OrgKind::parse(&self.kind).map_err(|e| e.to_string())?
        };
        o.industry = self.industry;
        o.website = self.website;
        o.address = self.address;
        o.notes = self.notes;
        o.tags =
            crate::domain::organization::tags_of(self.tags.iter().map(String::as_str)).map_err(|e| e.to_string())?;
        o.owner = self.owner;
        if !self.created_at.is_empty() {
            o.created_at = parse_instant(&self.created_at, "organizations.created_at")?;
        }
        o.created_by = self.created_by;
        Ok(o)
    }
}
