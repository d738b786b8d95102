//! The Organizations pane's state: the table of organizations with what
//! each brought, and the selected one's people, referred customers and
//! account plan.
//! Enter moves into its people (the organization's detail), where Enter
//! opens a person; Esc comes back to the table.

use super::{App, Pane, step};
use crate::domain::{CustomerId, Organization, OrganizationId, Plan, PlanTarget, Stage};
use crate::i18n::t;
use crate::store::{OrgFigures, StoreError, View};

#[derive(Debug, Clone)]
pub struct OrgRow {
    pub org: Organization,
    pub figures: OrgFigures,
}

/// A person of the selected organization, or a customer it referred.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgPerson {
    pub id: CustomerId,
    pub name: String,
    pub stage: Stage,
}

#[derive(Debug, Clone, Default)]
pub struct OrgList {
    pub rows: Vec<OrgRow>,
    pub cursor: usize,
    pub people: Vec<OrgPerson>,
    pub referred: Vec<OrgPerson>,
    /// In the organization's detail: which of its people (then the
    /// customers it referred) is chosen; `None` in the table.
    pub person: Option<usize>,
    /// The selected organization's account plan.
    pub plan: Option<Plan>,
}

impl OrgList {
    pub fn selected(&self) -> Option<&OrgRow> {
        self.rows.get(self.cursor)
    }

    /// Everyone the detail lists, people first.
    fn everyone(&self) -> impl Iterator<Item = &OrgPerson> {
        self.people.iter().chain(&self.referred)
    }

    pub fn chosen_person(&self) -> Option<CustomerId> {
        self.person.and_then(|i| self.everyone().nth(i)).map(|p| p.id)
    }

    /// Reads every organization and the selected one's people again,
    /// keeping the selection on the same organization.
    pub fn reload(&mut self, view: &View) -> Result<(), StoreError> {
        let keep = self.selected().map(|r| r.org.id);
        let figures = view.all_org_figures()?;
        self.rows = view
            .organizations()?
            .into_iter()
            .map(|org| OrgRow {
                figures: figures.get(&org.id).copied().unwrap_or_default(),
                org,
            })
            .collect();
        if let Some(id) = keep {
            self.cursor = self.rows.iter().position(|r| r.org.id == id).unwrap_or(self.cursor);
        }
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
        self.load_people(view)
    }

    fn load_people(&mut self, view: &View) -> Result<(), StoreError> {
        let of = |recs: Vec<crate::store::CustomerRecord>| -> Vec<OrgPerson> {
            recs.into_iter()
                .map(|r| OrgPerson {
                    id: r.customer.id,
                    name: r.customer.name,
                    stage: r.customer.stage,
                })
                .collect()
        };
        match self.selected().map(|r| r.org.id) {
            Some(id) => {
                self.people = of(view.people_of(id)?);
                self.referred = of(view.referred_by(id)?);
                self.plan = view.plan(&PlanTarget::Organization(id))?;
            }
            None => {
                self.people.clear();
                self.referred.clear();
                self.plan = None;
            }
        }
        let n = self.people.len() + self.referred.len();
        self.person = self.person.filter(|_| n > 0).map(|i| i.min(n - 1));
        Ok(())
    }

    /// Moves in the table, or among the people in the detail.
    pub fn step(&mut self, by: isize, view: &View) -> Result<(), StoreError> {
        match self.person {
            Some(i) => {
                let n = self.people.len() + self.referred.len();
                self.person = Some(step(i, by, n));
                Ok(())
            }
            None => {
                self.cursor = step(self.cursor, by, self.rows.len());
                self.load_people(view)
            }
        }
    }

    /// Puts the cursor on `id`.
    pub fn select(&mut self, id: OrganizationId, view: &View) -> Result<(), StoreError> {
        if let Some(i) = self.rows.iter().position(|r| r.org.id == id) {
            self.cursor = i;
            self.person = None;
        }
        self.load_people(view)
    }
}

impl App {
    /// Reads the organizations again, saying why not when it fails.
    pub(crate) fn reload_orgs(&mut self) {
        if let Err(e) = self.orgs.reload(&self.store.view()) {
            self.fail(e);
        }
    }

    /// Enter in the pane: into the organization's people, then a person.
    pub(crate) fn open_in_orgs(&mut self) -> bool {
        match self.orgs.person {
            None if self.orgs.people.len() + self.orgs.referred.len() > 0 => {
                self.orgs.person = Some(0);
                true
            }
            None => false,
            Some(_) => match self.orgs.chosen_person() {
                Some(id) => {
                    self.current = Some(id);
                    self.open_detail(id);
                    true
                }
                None => false,
            },
        }
    }

    /// The Organizations pane on the organization of the customer an
    /// action is about.
    pub(crate) fn open_organization_of(&mut self, customer: CustomerId) {
        // Its own organization, else the partner that referred it.
        let org = self
            .store
            .live_customer(customer)
            .ok()
            .flatten()
            .and_then(|r| r.customer.organization.or(r.customer.referred_by));
        match org {
            Some(id) => {
                self.layers.clear();
                self.pane = Pane::Organizations;
                self.reload_orgs();
                if let Err(e) = self.orgs.select(id, &self.store.view()) {
                    self.fail(e);
                }
            }
            None => self.say(super::Tone::Info, t("status.no_organization")),
        }
    }
}
