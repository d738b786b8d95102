//! An organization: a company, partner, supplier, distributor or referrer
//! that people (customers) belong to, or that referred customers (seed
//! 004: partner relationship management). A record of its own, merged
//! field by field like a deal.

use serde::{Deserialize, Serialize};

use super::error::InputError;
use super::ids::{OrganizationId, scramble};
use super::names::closed_enum;
use super::text::fold;

closed_enum! {
    /// What an organization is to the seller.
    pub enum OrgKind in "org_kind" {
        Customer = "customer",
        Partner = "partner",
        Supplier = "supplier",
        Distributor = "distributor",
        Referrer = "referrer",
    }
}

impl OrgKind {
    /// A kind as typed: its key or its name in any language.
    pub fn parse(s: &str) -> Result<OrgKind, InputError> {
        Self::named(s).ok_or_else(|| InputError::UnknownOrgKind(s.trim().to_string()))
    }
}

/// Asks a change that writes a customer's company to leave it without an
/// organization (a person unlinked on purpose, brought back by an
/// import): the link is written as none, and the company is not linked
/// by its name. Never the id of a real organization (ids are hashes).
pub const UNLINKED: OrganizationId = OrganizationId(0);

/// The id of the organization made from a company name: the same folded
/// name gives the same id on every replica, so two teammates who turn the
/// same company into an organization at once make one record, not two.
pub fn id_for_name(name: &str) -> OrganizationId {
    let folded = fold(name.trim());
    let hash = format!("org:{folded}").bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    OrganizationId(scramble(hash))
}

/// An organization's name as typed: trimmed, not empty, one line at most.
pub fn check_name(s: &str) -> Result<String, InputError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(InputError::Empty { field: "org_name" });
    }
    super::validate::within("field.org.name", t, super::validate::LINE_LIMIT)?;
    Ok(t.to_string())
}

/// A one-line field of an organization (industry, website, address,
/// owner) as typed: trimmed, one line's length at most.
pub fn check_line(label: &'static str, s: &str) -> Result<String, InputError> {
    let t = s.trim();
    super::validate::within(label, t, super::validate::LINE_LIMIT)?;
    Ok(t.to_string())
}

/// Tags as typed (comma-separated or repeated): trimmed, without empty
/// ones or repeats, sorted.
pub fn tags_of<'a>(typed: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, InputError> {
    let mut out: Vec<String> = Vec::new();
    for part in typed.into_iter().flat_map(|t| t.split(',')) {
        let tag = part.trim();
        if tag.is_empty() {
            continue;
        }
        super::validate::within("field.org.tags", tag, super::validate::LINE_LIMIT)?;
        if !out.iter().any(|t| t == tag) {
            out.push(tag.to_string());
        }
    }
    out.sort();
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub kind: OrgKind,
    pub industry: String,
    pub website: String,
    pub address: String,
    pub notes: String,
    /// Sorted, without repeats.
    pub tags: Vec<String>,
    /// The team member responsible for it.
    pub owner: String,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    pub created_by: String,
    pub deleted: bool,
}

impl Organization {
    pub fn empty(id: OrganizationId) -> Organization {
        Organization {
            id,
            name: String::new(),
            kind: OrgKind::Customer,
            industry: String::new(),
            website: String::new(),
            address: String::new(),
            notes: String::new(),
            tags: Vec::new(),
            owner: String::new(),
            created_at: 0,
            created_by: String::new(),
            deleted: false,
        }
    }

    /// Every field, as a creation writes them.
    pub fn to_fields(&self) -> Vec<OrgField> {
        vec![
            OrgField::Name(self.name.clone()),
            OrgField::Kind(self.kind),
            OrgField::Industry(self.industry.clone()),
            OrgField::Website(self.website.clone()),
            OrgField::Address(self.address.clone()),
            OrgField::Notes(self.notes.clone()),
            OrgField::Tags(self.tags.clone()),
            OrgField::Owner(self.owner.clone()),
            OrgField::CreatedAt(self.created_at),
            OrgField::CreatedBy(self.created_by.clone()),
            OrgField::Deleted(self.deleted),
        ]
    }
}

/// Stored by position in the journal: never reorder, only append.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OrgField {
    Name(String),
    Kind(OrgKind),
    Industry(String),
    Website(String),
    Address(String),
    Notes(String),
    /// The whole set: one register.
    Tags(Vec<String>),
    Owner(String),
    CreatedAt(i64),
    CreatedBy(String),
    Deleted(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum OrgKey {
    Name,
    Kind,
    Industry,
    Website,
    Address,
    Notes,
    Tags,
    Owner,
    CreatedAt,
    CreatedBy,
    Deleted,
}

impl OrgField {
    pub fn key(&self) -> OrgKey {
        match self {
            OrgField::Name(_) => OrgKey::Name,
            OrgField::Kind(_) => OrgKey::Kind,
            OrgField::Industry(_) => OrgKey::Industry,
            OrgField::Website(_) => OrgKey::Website,
            OrgField::Address(_) => OrgKey::Address,
            OrgField::Notes(_) => OrgKey::Notes,
            OrgField::Tags(_) => OrgKey::Tags,
            OrgField::Owner(_) => OrgKey::Owner,
            OrgField::CreatedAt(_) => OrgKey::CreatedAt,
            OrgField::CreatedBy(_) => OrgKey::CreatedBy,
            OrgField::Deleted(_) => OrgKey::Deleted,
        }
    }

    pub fn apply_to(self, o: &mut Organization) {
        match self {
            OrgField::Name(v) => o.name = v,
            OrgField::Kind(v) => o.kind = v,
            OrgField::Industry(v) => o.industry = v,
            OrgField::Website(v) => o.website = v,
            OrgField::Address(v) => o.address = v,
            OrgField::Notes(v) => o.notes = v,
            OrgField::Tags(v) => o.tags = v,
            OrgField::Owner(v) => o.owner = v,
            OrgField::CreatedAt(v) => o.created_at = v,
            OrgField::CreatedBy(v) => o.created_by = v,
            OrgField::Deleted(v) => o.deleted = v,
        }
    }
}

impl OrgKey {
    pub fn read(&self, o: &Organization) -> OrgField {
        match self {
            OrgKey::Name => OrgField::Name(o.name.clone()),
            OrgKey::Kind => OrgField::Kind(o.kind),
            OrgKey::Industry => OrgField::Industry(o.industry.clone()),
            OrgKey::Website => OrgField::Website(o.website.clone()),
            OrgKey::Address => OrgField::Address(o.address.clone()),
            OrgKey::Notes => OrgField::Notes(o.notes.clone()),
            OrgKey::Tags => OrgField::Tags(o.tags.clone()),
            OrgKey::Owner => OrgField::Owner(o.owner.clone()),
            OrgKey::CreatedAt => OrgField::CreatedAt(o.created_at),
            OrgKey::CreatedBy => OrgField::CreatedBy(o.created_by.clone()),
            OrgKey::Deleted => OrgField::Deleted(o.deleted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_company_name_gives_one_id_whatever_its_accents_and_case() {
        let a = id_for_name("Công ty Phú Thịnh");
        assert_eq!(a, id_for_name("  cong ty PHU THINH "));
        assert_ne!(a, id_for_name("Công ty Phú Thịnh 2"));
        assert_ne!(id_for_name("acme"), id_for_name("acne"));
    }

    #[test]
    fn kinds_parse_in_every_language() {
        assert_eq!(OrgKind::parse("partner"), Ok(OrgKind::Partner));
        assert_eq!(OrgKind::parse("Đối tác"), Ok(OrgKind::Partner));
        assert_eq!(OrgKind::parse("合作伙伴"), Ok(OrgKind::Partner));
        assert_eq!(OrgKind::parse("nha cung cap"), Ok(OrgKind::Supplier));
        assert!(OrgKind::parse("friend").is_err());
    }

    #[test]
    fn typed_values_are_checked() {
        assert_eq!(check_name("  Acme "), Ok("Acme".to_string()));
        assert!(check_name(" ").is_err());
        assert_eq!(
            tags_of(["b, a", "a", " "]).unwrap(),
            vec!["a".to_string(), "b".to_string()]
        );
    }

    #[test]
    fn fields_round_trip_through_keys() {
        let mut o = Organization::empty(OrganizationId(9));
        o.name = "Acme".into();
        o.kind = OrgKind::Referrer;
        o.tags = vec!["vip".into()];
        let mut copy = Organization::empty(OrganizationId(9));
        for f in o.to_fields() {
            assert_eq!(f.key().read(&o), f);
            f.apply_to(&mut copy);
        }
        assert_eq!(copy, o);
    }
}
