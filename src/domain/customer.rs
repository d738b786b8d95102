//! A customer: who they are, where the relationship stands, and what the
//! seller knows about their situation.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::activity::Activity;
use super::factors::{Factor, Factors};
use super::ids::{CustomerId, OrganizationId};
use super::level::Level;
use super::names::closed_enum;
use super::stage::Stage;

closed_enum! {
    /// The four SPIN discovery notes (seed 002).
    pub enum SpinPart in "spin" {
        Situation = "situation",
        Problem = "problem",
        Implication = "implication",
        Need = "need",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Spin(pub [String; 4]);

impl Spin {
    pub fn get(&self, part: SpinPart) -> &str {
        &self.0[part as usize]
    }

    pub fn set(&mut self, part: SpinPart, text: String) {
        self.0[part as usize] = text;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub company: String,
    pub title: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub address: String,
    pub tags: BTreeSet<String>,
    pub segment: String,
    /// The channel the customer came from (referral, trade show...).
    pub source: String,
    /// The team member responsible for the relationship.
    pub owner: String,
    pub loyalty_tier: String,
    pub notes: String,
    pub stage: Stage,
    pub level: Level,
    pub factors: Factors,
    pub spin: Spin,
    /// Days between contacts; `None` follows the stage's default.
    pub cadence_days: Option<u16>,
    pub deleted: bool,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    pub created_by: String,
    /// Properties from imported files that guanxi has no field for (vCard
    /// content lines such as `BDAY:1980-01-02`), written back on export.
    pub extra: Vec<String>,
    /// Derived from the interaction log by the store.
    pub activity: Activity,
    /// The organization this person belongs to, if any; `company` keeps
    /// its name (written with the link) for display, search and exports.
    pub organization: Option<OrganizationId>,
    /// The partner organization that referred this customer, if any.
    pub referred_by: Option<OrganizationId>,
}

impl Customer {
    /// A customer with nothing but an id: the starting point of a record,
    /// before its creation (or an edit that overtook it) arrives.
    pub fn empty(id: CustomerId) -> Customer {
        Customer {
            id,
            name: String::new(),
            company: String::new(),
            title: String::new(),
            emails: Vec::new(),
            phones: Vec::new(),
            address: String::new(),
            tags: BTreeSet::new(),
            segment: String::new(),
            source: String::new(),
            owner: String::new(),
            loyalty_tier: String::new(),
            notes: String::new(),
            stage: Stage::Attract,
            level: Level::Basic,
            factors: Factors::default(),
            spin: Spin::default(),
            cadence_days: None,
            deleted: false,
            created_at: 0,
            created_by: String::new(),
            extra: Vec::new(),
            activity: Activity::default(),
            organization: None,
            referred_by: None,
        }
    }

    /// Every field of this customer, as a creation writes them.
    pub fn to_fields(&self) -> Vec<CustomerField> {
        let mut fields = vec![
            CustomerField::Name(self.name.clone()),
            CustomerField::Company(self.company.clone()),
            CustomerField::Title(self.title.clone()),
            CustomerField::Emails(self.emails.clone()),
            CustomerField::Phones(self.phones.clone()),
            CustomerField::Address(self.address.clone()),
            CustomerField::Segment(self.segment.clone()),
            CustomerField::Source(self.source.clone()),
            CustomerField::Owner(self.owner.clone()),
            CustomerField::LoyaltyTier(self.loyalty_tier.clone()),
            CustomerField::Notes(self.notes.clone()),
            CustomerField::Stage(self.stage),
            CustomerField::Level(self.level),
            CustomerField::Cadence(self.cadence_days),
            CustomerField::Deleted(self.deleted),
            CustomerField::CreatedAt(self.created_at),
            CustomerField::CreatedBy(self.created_by.clone()),
            CustomerField::Extra(self.extra.clone()),
            CustomerField::Organization(self.organization),
            CustomerField::ReferredBy(self.referred_by),
        ];
        fields.extend(
            Factor::ALL
                .iter()
                .map(|&f| CustomerField::Factor(f, self.factors.get(f))),
        );
        fields.extend(
            SpinPart::ALL
                .iter()
                .map(|&p| CustomerField::Spin(p, self.spin.get(p).to_string())),
        );
        fields.extend(self.tags.iter().map(|t| CustomerField::Tag(t.clone(), true)));
        fields
    }

    /// What search looks in: name, company, emails, phones and tags,
    /// and the other names and companies a merge kept (`kept`), folded (no
    /// accents, no case), plus the pinyin of Chinese names.
    pub fn search_text(&self) -> String {
        self.search_text_and_name_len().0
    }

    /// `search_text`, and how many of its bytes are the name: the name
    /// comes first, with its pinyin, so search can rank a match in the
    /// name (by any of its readings) above one in the rest.
    pub fn search_text_and_name_len(&self) -> (String, usize) {
        let others: Vec<String> = crate::domain::kept::other_names(&self.extra)
            .into_iter()
            .chain(crate::domain::kept::other_companies(&self.extra))
            .collect();
        let mut parts = vec![self.company.as_str()];
        parts.extend(self.emails.iter().map(String::as_str));
        parts.extend(self.phones.iter().map(String::as_str));
        parts.extend(self.tags.iter().map(String::as_str));
        parts.extend(others.iter().map(String::as_str));
        // Pinyin for the name only: it is what people type for a Chinese
        // contact, and a company's pinyin would double what every key
        // typed in search has to scan.
        let mut text = crate::domain::text::searchable(&self.name);
        let name_len = text.len();
        let rest = crate::domain::text::fold(&parts.join(" "));
        if !rest.is_empty() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&rest);
        }
        (text, name_len)
    }

    /// Name and company together, as lists show them.
    pub fn display_name(&self) -> String {
        if self.company.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.company)
        }
    }
}

/// One changeable part of a customer: the unit of last-writer-wins merging.
/// Stored by position in the journal: never reorder, only append.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CustomerField {
    Name(String),
    Company(String),
    Title(String),
    Emails(Vec<String>),
    Phones(Vec<String>),
    Address(String),
    /// Each tag is its own register, so two teammates tagging at once both win.
    Tag(String, bool),
    Segment(String),
    Source(String),
    Owner(String),
    LoyaltyTier(String),
    Notes(String),
    Stage(Stage),
    Level(Level),
    Factor(Factor, Option<u8>),
    Spin(SpinPart, String),
    Cadence(Option<u16>),
    Deleted(bool),
    CreatedAt(i64),
    CreatedBy(String),
    Extra(Vec<String>),
    Organization(Option<OrganizationId>),
    ReferredBy(Option<OrganizationId>),
}

/// Which register a [`CustomerField`] writes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CustomerKey {
    Name,
    Company,
    Title,
    Emails,
    Phones,
    Address,
    Tag(String),
    Segment,
    Source,
    Owner,
    LoyaltyTier,
    Notes,
    Stage,
    Level,
    Factor(Factor),
    Spin(SpinPart),
    Cadence,
    Deleted,
    CreatedAt,
    CreatedBy,
    Extra,
    Organization,
    ReferredBy,
}

impl CustomerField {
    pub fn key(&self) -> CustomerKey {
        match self {
            CustomerField::Name(_) => CustomerKey::Name,
            CustomerField::Company(_) => CustomerKey::Company,
            CustomerField::Title(_) => CustomerKey::Title,
            CustomerField::Emails(_) => CustomerKey::Emails,
            CustomerField::Phones(_) => CustomerKey::Phones,
            CustomerField::Address(_) => CustomerKey::Address,
            CustomerField::Tag(t, _) => CustomerKey::Tag(t.clone()),
            CustomerField::Segment(_) => CustomerKey::Segment,
            CustomerField::Source(_) => CustomerKey::Source,
            CustomerField::Owner(_) => CustomerKey::Owner,
            CustomerField::LoyaltyTier(_) => CustomerKey::LoyaltyTier,
            CustomerField::Notes(_) => CustomerKey::Notes,
            CustomerField::Stage(_) => CustomerKey::Stage,
            CustomerField::Level(_) => CustomerKey::Level,
            CustomerField::Factor(f, _) => CustomerKey::Factor(*f),
            CustomerField::Spin(p, _) => CustomerKey::Spin(*p),
            CustomerField::Cadence(_) => CustomerKey::Cadence,
            CustomerField::Deleted(_) => CustomerKey::Deleted,
            CustomerField::CreatedAt(_) => CustomerKey::CreatedAt,
            CustomerField::CreatedBy(_) => CustomerKey::CreatedBy,
            CustomerField::Extra(_) => CustomerKey::Extra,
            CustomerField::Organization(_) => CustomerKey::Organization,
            CustomerField::ReferredBy(_) => CustomerKey::ReferredBy,
        }
    }

    pub fn apply_to(self, c: &mut Customer) {
        match self {
            CustomerField::Name(v) => c.name = v,
            CustomerField::Company(v) => c.company = v,
            CustomerField::Title(v) => c.title = v,
            CustomerField::Emails(v) => c.emails = v,
            CustomerField::Phones(v) => c.phones = v,
            CustomerField::Address(v) => c.address = v,
            CustomerField::Tag(t, true) => {
                c.tags.insert(t);
            }
            CustomerField::Tag(t, false) => {
                c.tags.remove(&t);
            }
            CustomerField::Segment(v) => c.segment = v,
            CustomerField::Source(v) => c.source = v,
            CustomerField::Owner(v) => c.owner = v,
            CustomerField::LoyaltyTier(v) => c.loyalty_tier = v,
            CustomerField::Notes(v) => c.notes = v,
            CustomerField::Stage(v) => c.stage = v,
            CustomerField::Level(v) => c.level = v,
            CustomerField::Factor(f, v) => c.factors.set(f, v),
            CustomerField::Spin(p, v) => c.spin.set(p, v),
            CustomerField::Cadence(v) => c.cadence_days = v,
            CustomerField::Deleted(v) => c.deleted = v,
            CustomerField::CreatedAt(v) => c.created_at = v,
            CustomerField::CreatedBy(v) => c.created_by = v,
            CustomerField::Extra(v) => c.extra = v,
            CustomerField::Organization(v) => c.organization = v,
            CustomerField::ReferredBy(v) => c.referred_by = v,
        }
    }
}

impl CustomerKey {
    /// The current value of this register, as a field that would restore it.
    pub fn read(&self, c: &Customer) -> CustomerField {
        match self {
            CustomerKey::Name => CustomerField::Name(c.name.clone()),
            CustomerKey::Company => CustomerField::Company(c.company.clone()),
            CustomerKey::Title => CustomerField::Title(c.title.clone()),
            CustomerKey::Emails => CustomerField::Emails(c.emails.clone()),
            CustomerKey::Phones => CustomerField::Phones(c.phones.clone()),
            CustomerKey::Address => CustomerField::Address(c.address.clone()),
            CustomerKey::Tag(t) => CustomerField::Tag(t.clone(), c.tags.contains(t)),
            CustomerKey::Segment => CustomerField::Segment(c.segment.clone()),
            CustomerKey::Source => CustomerField::Source(c.source.clone()),
            CustomerKey::Owner => CustomerField::Owner(c.owner.clone()),
            CustomerKey::LoyaltyTier => CustomerField::LoyaltyTier(c.loyalty_tier.clone()),
            CustomerKey::Notes => CustomerField::Notes(c.notes.clone()),
            CustomerKey::Stage => CustomerField::Stage(c.stage),
            CustomerKey::Level => CustomerField::Level(c.level),
            CustomerKey::Factor(f) => CustomerField::Factor(*f, c.factors.get(*f)),
            CustomerKey::Spin(p) => CustomerField::Spin(*p, c.spin.get(*p).to_string()),
            CustomerKey::Cadence => CustomerField::Cadence(c.cadence_days),
            CustomerKey::Deleted => CustomerField::Deleted(c.deleted),
            CustomerKey::CreatedAt => CustomerField::CreatedAt(c.created_at),
            CustomerKey::CreatedBy => CustomerField::CreatedBy(c.created_by.clone()),
            CustomerKey::Extra => CustomerField::Extra(c.extra.clone()),
            CustomerKey::Organization => CustomerField::Organization(c.organization),
            CustomerKey::ReferredBy => CustomerField::ReferredBy(c.referred_by),
        }
    }

    /// Tags come and go; a creation writes only the tags it has, so its
    /// stamp must not stand in for tags it never mentioned. Nor for the
    /// organization links: customers created before organizations existed
    /// never wrote them, and the upgrade that links their companies
    /// (`store::organizations`) tells them apart by the register's own
    /// entry, which every later creation writes.
    pub fn written_by_creation(&self) -> bool {
        !matches!(
            self,
            CustomerKey::Tag(_) | CustomerKey::Organization | CustomerKey::ReferredBy
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_through_keys() {
        let mut c = Customer::empty(CustomerId(7));
        c.name = "Trần Văn Bình".into();
        c.tags.insert("vip".into());
        c.factors.set(Factor::Trust, Some(4));
        c.spin.set(SpinPart::Need, "faster delivery".into());
        let mut copy = Customer::empty(CustomerId(7));
        for f in c.to_fields() {
            let key = f.key();
            f.clone().apply_to(&mut copy);
            assert_eq!(key.read(&copy), f);
        }
        assert_eq!(copy, c);
    }

    #[test]
    fn tag_fields_add_and_remove() {
        let mut c = Customer::empty(CustomerId(1));
        CustomerField::Tag("vip".into(), true).apply_to(&mut c);
        assert!(c.tags.contains("vip"));
        assert_eq!(
            CustomerKey::Tag("vip".into()).read(&c),
            CustomerField::Tag("vip".into(), true)
        );
        CustomerField::Tag("vip".into(), false).apply_to(&mut c);
        assert!(c.tags.is_empty());
        assert!(!CustomerKey::Tag("vip".into()).written_by_creation());
        assert!(CustomerKey::Name.written_by_creation());
    }
}
