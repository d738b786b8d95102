//! Organizations: records of their own under `keys::organization`, merged
//! field by field like deals. People link to one through their
//! `organization` field (indexed, so an organization's people cost what
//! they are), and partners to the customers they referred through
//! `referred_by`.
//!
//! A company typed on a customer (`--company`, a form, an import) links
//! to the organization of that name, made in the same op when there is
//! none ([`link_companies`], run on every change a user makes). The
//! organization made from a name has an id derived from it, so teammates
//! who make it at once make one record. Workspaces from before
//! organizations are brought along once per view, on the first write
//! ([`Store::make_organizations`]): their free-text companies become
//! organizations and their people are linked, the text itself kept.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::error::StoreError;
use super::index::Kind;
use super::keys;
use super::op::Edit;
use super::records::{CustomerRecord, OrganizationRecord};
use super::resolve::MAX_CANDIDATES;
use super::storage::Storage;
use super::txn::Txn;
use super::{Store, View};
use crate::domain::ids::{is_id_prefix, prefix_range};
use crate::domain::organization::{UNLINKED, id_for_name};
use crate::domain::text::fold;
use crate::domain::value::lifetime_value;
use crate::domain::{CustomerField, CustomerKey, InputError, Money, OrgField, OrgKind, Organization, OrganizationId};
use crate::i18n::collate::name_key;
use crate::sync::Stamp;

/// Applies one `Edit::AddOrganization` (`create`) or `Edit::UpdateOrganization`.
pub(super) fn apply(
    tx: &mut Txn,
    stamp: Stamp,
    id: OrganizationId,
    fields: &[OrgField],
    create: bool,
) -> Result<(), StoreError> {
    let mut rec = current(tx, id)?;
    if !rec
        .registers
        .merge(&mut rec.organization, fields.iter().cloned(), stamp, create)
    {
        return Ok(());
    }
    tx.storage()
        .org_changes
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tx.put_encoded(keys::organization(id), &rec)
}

/// The organization as the batch sees it (a blank record if unknown).
pub(super) fn current(tx: &Txn, id: OrganizationId) -> Result<OrganizationRecord, StoreError> {
    Ok(tx
        .get_decoded::<OrganizationRecord>(&keys::organization(id))?
        .unwrap_or_else(|| OrganizationRecord::new(id)))
}

/// Every organization record, live or not, in id order.
pub(super) fn records(storage: &Storage) -> Result<Vec<OrganizationRecord>, StoreError> {
    let mut out = Vec::new();
    for entry in storage.scan_prefix(&[keys::ORGANIZATION]) {
        let (_, v) = entry?;
        out.push(super::codec::decode(&v).map_err(StoreError::codec("organization record"))?);
    }
    Ok(out)
}

/// What an organization brought: its people's revenue and lifetime
/// value, and the same for the customers it referred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrgFigures {
    pub people: usize,
    pub revenue: Money,
    pub clv: Money,
    pub referred: usize,
    pub referred_revenue: Money,
    pub referred_clv: Money,
}

impl View {
    /// Every live organization, by name.
    pub fn organizations(&self) -> Result<Vec<Organization>, StoreError> {
        let mut out: Vec<Organization> = records(&self.storage)?
            .into_iter()
            .filter(OrganizationRecord::is_live)
            .map(|r| r.organization)
            .collect();
        out.sort_by_cached_key(|o| (name_key(&o.name), o.id));
        Ok(out)
    }

    /// An organization, live or not.
    pub fn organization(&self, id: OrganizationId) -> Result<Option<OrganizationRecord>, StoreError> {
        match self.storage.get(&keys::organization(id))? {
            Some(v) => Ok(Some(
                super::codec::decode(&v).map_err(StoreError::codec("organization record"))?,
            )),
            None => Ok(None),
        }
    }

    /// A live organization.
    pub fn live_organization(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError> {
        Ok(self
            .organization(id)?
            .filter(OrganizationRecord::is_live)
            .map(|r| r.organization))
    }

    /// The people of an organization, by name.
    pub fn people_of(&self, org: OrganizationId) -> Result<Vec<CustomerRecord>, StoreError> {
        self.linked(Kind::Organization, org)
    }

    /// The customers an organization referred, by name.
    pub fn referred_by(&self, org: OrganizationId) -> Result<Vec<CustomerRecord>, StoreError> {
        self.linked(Kind::ReferredBy, org)
    }

    fn linked(&self, kind: Kind, org: OrganizationId) -> Result<Vec<CustomerRecord>, StoreError> {
        let ids = self.ids_with(kind, org.to_string().as_bytes())?;
        let mut out = self.records(&ids)?;
        out.sort_by_cached_key(|r| (name_key(&r.customer.name), r.customer.id));
        Ok(out)
    }

    /// The revenue and lifetime value of an organization's people and of
    /// the customers it referred.
    pub fn org_figures(&self, org: OrganizationId) -> Result<OrgFigures, StoreError> {
        let now = self.clock.now_ms();
        let mut f = OrgFigures::default();
        for r in self.people_of(org)? {
            f.people += 1;
            f.revenue += r.customer.activity.revenue;
            f.clv += lifetime_value(&r.customer.activity, now, &self.rules.clv);
        }
        for r in self.referred_by(org)? {
            f.referred += 1;
            f.referred_revenue += r.customer.activity.revenue;
            f.referred_clv += lifetime_value(&r.customer.activity, now, &self.rules.clv);
        }
        Ok(f)
    }

    /// What every organization brought, in one pass over the customers:
    /// for a table of them all, where reading each one's people through
    /// the index would read most customers once per organization.
    pub fn all_org_figures(&self) -> Result<HashMap<OrganizationId, OrgFigures>, StoreError> {
        let now = self.clock.now_ms();
        let mut out: HashMap<OrganizationId, OrgFigures> = HashMap::new();
        self.for_each_customer(|r| {
            let c = &r.customer;
            if c.organization.is_none() && c.referred_by.is_none() {
                return true;
            }
            let clv = lifetime_value(&c.activity, now, &self.rules.clv);
            if let Some(o) = c.organization {
                let f = out.entry(o).or_default();
                f.people += 1;
                f.revenue += c.activity.revenue;
                f.clv += clv;
            }
            if let Some(o) = c.referred_by {
                let f = out.entry(o).or_default();
                f.referred += 1;
                f.referred_revenue += c.activity.revenue;
                f.referred_clv += clv;
            }
            true
        })?;
        Ok(out)
    }

    /// Finds the one organization a user means: its id, a unique id
    /// prefix (four digits or more), its whole name, or a unique accent-
    /// and case-insensitive part of its name.
    pub fn resolve_organization(&self, reference: &str) -> Result<Organization, StoreError> {
        let r = reference.trim();
        if let Ok(id) = r.parse::<OrganizationId>()
            && let Some(o) = self.live_organization(id)?
        {
            return Ok(o);
        }
        let all = self.organizations()?;
        let mut strong: Vec<&Organization> = Vec::new();
        if r.len() >= 4 && is_id_prefix(r) {
            let (low, high) = prefix_range(&r.to_lowercase()).unwrap_or((1, 0));
            strong.extend(all.iter().filter(|o| (low..=high).contains(&o.id.0)));
        }
        let folded = fold(r);
        if !folded.is_empty() {
            for o in all.iter().filter(|o| fold(&o.name) == folded) {
                if !strong.iter().any(|s| s.id == o.id) {
                    strong.push(o);
                }
            }
        }
        let pool: Vec<&Organization> = if strong.is_empty() && !folded.is_empty() {
            all.iter().filter(|o| fold(&o.name).contains(&folded)).collect()
        } else {
            strong
        };
        match pool.as_slice() {
            [] => Err(InputError::NoSuchOrganization(r.to_string()).into()),
            [one] => Ok((*one).clone()),
            many => {
                let n = many.len();
                let mut candidates: Vec<String> = many
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|o| format!("{}  {}", o.id, o.name))
                    .collect();
                if n > MAX_CANDIDATES {
                    candidates.push(crate::i18n::tf("error.and_more", &[("count", &(n - MAX_CANDIDATES))]));
                }
                Err(InputError::AmbiguousOrganization {
                    reference: r.to_string(),
                    count: n,
                    candidates,
                }
                .into())
            }
        }
    }
}

/// The live organizations by folded name: what a typed company links to.
/// Where two share a folded name, the one whose id the name gives wins,
/// then the lowest id, so every replica picks the same.
pub(super) struct Names {
    by_name: HashMap<String, (OrganizationId, String)>,
    /// Every live organization's id, those made since included: a name's
    /// own id not among them has no live record, so none is read.
    live: HashSet<OrganizationId>,
}

impl Names {
    pub(super) fn read(storage: &Storage) -> Result<Names, StoreError> {
        let mut by_name: HashMap<String, (OrganizationId, String)> = HashMap::new();
        let mut live = HashSet::new();
        for rec in records(storage)?.into_iter().filter(OrganizationRecord::is_live) {
            let o = rec.organization;
            live.insert(o.id);
            let folded = fold(o.name.trim());
            let derived = id_for_name(&o.name);
            let better = match by_name.get(&folded) {
                None => true,
                Some((have, _)) => (o.id != derived, o.id) < (*have != derived, *have),
            };
            if better {
                by_name.insert(folded, (o.id, o.name));
            }
        }
        Ok(Names { by_name, live })
    }

    /// The organization named `company`, and the edit that makes it when
    /// there is none yet.
    fn find_or_make(
        &mut self,
        tx: &Txn,
        company: &str,
        author: &str,
        now: i64,
    ) -> Result<(OrganizationId, String, Option<Edit>), StoreError> {
        let name = company.trim();
        let folded = fold(name);
        if let Some((id, name)) = self.by_name.get(&folded) {
            return Ok((*id, name.clone(), None));
        }
        let id = id_for_name(name);
        // An organization made from this name and renamed since is still
        // the one the name means.
        if self.live.contains(&id) {
            let rec = current(tx, id)?;
            if rec.is_live() {
                let name = rec.organization.name.clone();
                self.by_name.insert(folded, (id, name.clone()));
                return Ok((id, name, None));
            }
        }
        let mut o = Organization::empty(id);
        o.name = name.to_string();
        o.kind = OrgKind::Customer;
        o.created_at = now;
        o.created_by = author.to_string();
        self.by_name.insert(folded, (id, o.name.clone()));
        self.live.insert(id);
        Ok((
            id,
            o.name.clone(),
            Some(Edit::AddOrganization {
                id,
                fields: o.to_fields(),
            }),
        ))
    }
}

/// Links the companies a change types to their organizations: a customer
/// created or updated with a company (and no organization of its own
/// choosing) gets the organization of that name, made first when there is
/// none, and the company shown is that organization's name; a company
/// cleared unlinks. Edits naming an organization are left as they are;
/// one naming [`UNLINKED`] is written with none.
pub(super) fn link_companies(
    tx: &Txn,
    names: &mut Option<Names>,
    edits: Vec<Edit>,
    author: &str,
    now: i64,
) -> Result<Vec<Edit>, StoreError> {
    let mut out = Vec::with_capacity(edits.len());
    let mut made_orgs = Vec::new();
    for edit in edits {
        let (id, mut fields, create) = match edit {
            Edit::CreateCustomer { id, fields } => (id, fields, true),
            Edit::UpdateCustomer { id, fields } => (id, fields, false),
            other => {
                out.push(other);
                continue;
            }
        };
        let company = fields.iter().find_map(|f| match f {
            CustomerField::Company(c) => Some(c.clone()),
            _ => None,
        });
        let mut chosen = false;
        for f in fields.iter_mut() {
            match f {
                CustomerField::Organization(Some(o)) if *o == UNLINKED => {
                    *f = CustomerField::Organization(None);
                    chosen = true;
                }
                CustomerField::Organization(Some(_)) => chosen = true,
                _ => {}
            }
        }
        if let (Some(company), false) = (company, chosen) {
            fields.retain(|f| !matches!(f, CustomerField::Organization(_)));
            if company.trim().is_empty() {
                fields.push(CustomerField::Organization(None));
            } else {
                // Read only when a company is named: a new customer's
                // edit carries an empty one, and reading every
                // organization's name was a fifth of an `add` at 100,000.
                let names = match names {
                    Some(n) => n,
                    None => names.insert(Names::read(tx.storage())?),
                };
                let (org, name, made) = names.find_or_make(tx, &company, author, now)?;
                // After the customer's edit, which names the change.
                made_orgs.extend(made);
                for f in fields.iter_mut() {
                    if let CustomerField::Company(c) = f {
                        *c = name.clone();
                    }
                }
                fields.push(CustomerField::Organization(Some(org)));
            }
        }
        out.push(if create {
            Edit::CreateCustomer { id, fields }
        } else {
            Edit::UpdateCustomer { id, fields }
        });
    }
    out.extend(made_orgs);
    Ok(out)
}

/// Whether a change has a company for [`link_companies`] to look at.
pub(super) fn types_a_company(edits: &[Edit]) -> bool {
    edits.iter().any(|e| match e {
        Edit::CreateCustomer { fields, .. } | Edit::UpdateCustomer { fields, .. } => fields.iter().any(|f| {
            matches!(
                f,
                CustomerField::Company(_) | CustomerField::Organization(Some(UNLINKED))
            )
        }),
        _ => false,
    })
}

impl Store {
    /// A fresh id for an organization not made from a company name.
    pub fn new_organization_id(&mut self) -> OrganizationId {
        OrganizationId(self.new_id())
    }

    /// Adds an organization; refused when one of that name exists. Its id
    /// is the one its name gives (see `organization::id_for_name`), so a
    /// teammate's `--company` of that name links to it.
    pub fn add_organization(&mut self, mut o: Organization) -> Result<OrganizationId, StoreError> {
        o.name = crate::domain::organization::check_name(&o.name)?;
        let folded = fold(&o.name);
        if let Some(same) = self.organizations()?.into_iter().find(|x| fold(&x.name) == folded) {
            return Err(InputError::Invalid(crate::i18n::tf(
                "error.org_exists",
                &[("name", &crate::domain::escape::escape(&same.name)), ("id", &same.id)],
            ))
            .into());
        }
        let derived = id_for_name(&o.name);
        o.id = if self.live_organization(derived)?.is_some() {
            self.new_organization_id()
        } else {
            derived
        };
        o.deleted = false;
        o.created_at = self.clock().now_ms();
        o.created_by = self.author().to_string();
        let id = o.id;
        self.commit(vec![Edit::AddOrganization {
            id,
            fields: o.to_fields(),
        }])?;
        Ok(id)
    }

    /// Changes an organization's fields; a new name is written on its
    /// people too (the company they show), in the same op. Returns false
    /// when nothing changes.
    pub fn update_organization(&mut self, id: OrganizationId, fields: Vec<OrgField>) -> Result<bool, StoreError> {
        let Some(before) = self.live_organization(id)? else {
            return Err(InputError::NoSuchOrganization(id.to_string()).into());
        };
        let fields: Vec<OrgField> = fields.into_iter().filter(|f| f.key().read(&before) != *f).collect();
        if fields.is_empty() {
            return Ok(false);
        }
        let mut edits = vec![Edit::UpdateOrganization {
            id,
            fields: fields.clone(),
        }];
        if let Some(name) = fields.iter().find_map(|f| match f {
            OrgField::Name(n) => Some(n.clone()),
            _ => None,
        }) {
            for p in self.people_of(id)? {
                edits.push(Edit::UpdateCustomer {
                    id: p.customer.id,
                    fields: vec![
                        CustomerField::Company(name.clone()),
                        CustomerField::Organization(Some(id)),
                    ],
                });
            }
        }
        self.commit(edits)?;
        Ok(true)
    }

    /// Saves the organizations of an imported file that the workspace
    /// does not have, in one bulk change; one it has is left as it is
    /// (an import never overwrites). Returns how many were added.
    pub fn import_organizations(&mut self, orgs: &[Organization]) -> Result<usize, StoreError> {
        let mut edits = Vec::new();
        for o in orgs {
            if self.live_organization(o.id)?.is_none() {
                let mut o = o.clone();
                o.deleted = false;
                edits.push(Edit::AddOrganization {
                    id: o.id,
                    fields: o.to_fields(),
                });
            }
        }
        let n = edits.len();
        if n > 0 {
            self.commit_bulk(vec![(edits, None)])?;
        }
        Ok(n)
    }

    /// Brings a workspace from before organizations along, once per view:
    /// every distinct folded company not linked yet becomes an
    /// organization (or links to the one of that name) and its people are
    /// linked, as bulk ops on the one write path; the company text stays.
    /// Ids come from the names, so replicas doing this at once converge.
    /// A customer whose organization was ever written (linked, or
    /// unlinked on purpose) is left alone. Returns the people linked.
    pub fn make_organizations(&mut self) -> Result<usize, StoreError> {
        self.orgs_made = true;
        if self.view.storage.tree.get(keys::META_ORGS_MADE)?.is_some() {
            return Ok(0);
        }
        let mut groups: BTreeMap<String, Vec<(crate::domain::CustomerId, String)>> = BTreeMap::new();
        self.for_each_customer(|r| {
            let c = &r.customer;
            if !c.company.trim().is_empty()
                && c.organization.is_none()
                && !r.registers.written.contains_key(&CustomerKey::Organization)
            {
                groups
                    .entry(fold(c.company.trim()))
                    .or_default()
                    .push((c.id, c.company.trim().to_string()));
            }
            true
        })?;
        let mut names = Names::read(&self.view.storage)?;
        let tx = Txn::new(&self.view.storage);
        let now = self.clock().now_ms();
        let author = self.author().to_string();
        let mut changes = Vec::new();
        let mut linked = 0;
        for people in groups.into_values() {
            // The same name on every replica: the least of the spellings.
            let spelled = people.iter().map(|(_, n)| n.as_str()).min().unwrap_or_default();
            let (org, _, made) = names.find_or_make(&tx, spelled, &author, now)?;
            let mut edits: Vec<Edit> = made.into_iter().collect();
            linked += people.len();
            edits.extend(people.into_iter().map(|(id, _)| Edit::UpdateCustomer {
                id,
                fields: vec![CustomerField::Organization(Some(org))],
            }));
            changes.push((edits, None));
        }
        drop(tx);
        if !changes.is_empty() {
            self.commit_bulk(changes)?;
        }
        self.view.storage.tree.insert(keys::META_ORGS_MADE, &[1])?;
        Ok(linked)
    }
}
