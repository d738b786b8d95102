//! The relationship-management domain: customers, stages, levels, factors,
//! interactions, follow-ups, and the rules that derive health, lifetime
//! value and stay-in-touch dates from them. Pure: no I/O here.

pub mod activity;
pub mod agenda;
pub mod cadence;
pub mod capture;
pub mod channel;
pub mod customer;
pub mod dates;
pub mod deal;
pub mod draft;
pub mod duplicates;
pub mod error;
pub mod escape;
pub mod factors;
pub mod follow_up;
pub mod ids;
pub mod interaction;
pub mod kept;
pub mod level;
pub mod list_filter;
pub mod money;
pub mod names;
pub mod next_step;
pub mod organization;
pub mod outline;
pub mod phone;
pub mod plan;
pub mod stage;
pub mod summary;
pub mod text;
pub mod tier;
pub mod validate;
pub mod value;

pub use activity::Activity;
pub use cadence::CadenceRules;
pub use channel::{Channel, Direction};
pub use customer::{Customer, CustomerField, CustomerKey, Spin, SpinPart};
pub use deal::{Deal, DealField, DealKey, DealProbability, DealStatus};
pub use error::InputError;
pub use factors::{Factor, FactorScore, Factors};
pub use follow_up::{FollowUp, FollowUpField, FollowUpKey};
pub use ids::{CustomerId, DealId, FollowUpId, InteractionId, OrganizationId, TacticId};
pub use interaction::{Interaction, InteractionField, InteractionKey};
pub use level::Level;
pub use money::Money;
pub use organization::{OrgField, OrgKey, OrgKind, Organization};
pub use plan::{Objective, Plan, PlanTarget, Strategy, StrategyKind, Tactic};
pub use stage::{Stage, StageChange};
pub use summary::Summary;
pub use tier::{Tier, TierRule, TierSource};
pub use value::ClvAssumptions;

use serde::{Deserialize, Serialize};

/// The team's assumptions, from the config file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    pub clv: ClvAssumptions,
    pub cadence: CadenceRules,
    /// Where national phone numbers were written, when known (see `phone`).
    pub region: Option<phone::Region>,
    /// The segment a plan aims at first (seeds 002, 003), folded; empty
    /// for none. Its customers come first on the agenda at equal stakes.
    pub priority_segment: String,
    /// Loyalty tiers, lowest first (`tier`).
    pub tiers: Vec<TierRule>,
    /// Default deal probabilities per stage (see `deal`).
    pub deal_probability: DealProbability,
}

impl Rules {
    /// Whether `c` is in the priority segment.
    pub fn is_priority(&self, c: &Customer) -> bool {
        !self.priority_segment.is_empty() && text::fold(c.segment.trim()) == self.priority_segment
    }

    /// `c`'s loyalty tier, given its lifetime value (`Summary::clv`).
    pub fn tier_of(&self, c: &Customer, clv: Money) -> Option<Tier> {
        tier::tier_of(c, clv, &self.tiers)
    }
}
