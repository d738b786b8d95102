//! Which customers `list` and `export` take: the flags of a
//! `domain::list_filter::ListFilter`, judged through the indexes where
//! one fits, in the order a reader of the user's language expects.

use clap::Args;

use crate::domain::list_filter::ListFilter;
use crate::domain::{Customer, Level, Money, Stage, validate};
use crate::i18n::collate::name_key;
pub use crate::store::Matcher;
use crate::store::View;

#[derive(Debug, Args, Default)]
pub struct CustomerFilter {
    /// Only customers in this stage
    #[arg(long)]
    stage: Option<String>,
    /// Only customers at this relationship level
    #[arg(long)]
    level: Option<String>,
    /// Only customers in this segment (accents and case ignored)
    #[arg(long)]
    segment: Option<String>,
    /// Only customers with this tag
    #[arg(long)]
    tag: Option<String>,
    /// Only customers owned by this team member (`me` for you)
    #[arg(long)]
    owner: Option<String>,
    /// Only customers with this loyalty tier, as stored on the customer
    #[arg(long)]
    tier: Option<String>,
    /// Only customers whose health (0-100) is below this; not yet assessed is not below
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    health_below: Option<u8>,
    /// Only customers whose lifetime value is above this amount
    #[arg(long, value_name = "AMOUNT")]
    clv_above: Option<String>,
    /// Only customers with no interaction for this many days
    #[arg(long, value_name = "DAYS")]
    quiet_days: Option<u16>,
    /// Only customers whose next contact is late
    #[arg(long)]
    overdue: bool,
    /// Words to find in name, company, email, phone or tags (accents and case ignored)
    #[arg(long, short)]
    query: Option<String>,
    /// Only the people of this organization (id, id prefix, or part of its name)
    #[arg(long, value_name = "ORG")]
    org: Option<String>,
}

impl CustomerFilter {
    /// The filter the flags describe, checked and folded once. `me` as
    /// owner stays `me`: it means whoever uses the filter. An
    /// organization is found in `view`.
    pub fn to_filter(&self, view: &View) -> anyhow::Result<ListFilter> {
        Ok(ListFilter {
            org: match &self.org {
                Some(o) => Some(view.resolve_organization(o)?.id),
                None => None,
            },
            stage: self.stage.as_deref().map(Stage::parse).transpose()?,
            level: self.level.as_deref().map(Level::parse).transpose()?,
            segment: self.segment.as_deref().and_then(ListFilter::segment_of),
            tag: self.tag.as_deref().map(validate::tag).transpose()?,
            owner: self.owner.as_deref().and_then(ListFilter::owner_of),
            tier: self.tier.as_deref().and_then(ListFilter::tier_of),
            health_below: self.health_below,
            clv_above: self.clv_above.as_deref().map(Money::parse).transpose()?,
            quiet_days: self.quiet_days,
            overdue: self.overdue,
            query: self.query.as_deref().and_then(ListFilter::query_of),
        })
    }

    /// The flags' filter, ready to judge customers for `author`.
    pub fn matcher(&self, view: &View, author: &str) -> anyhow::Result<Matcher> {
        Ok(Matcher::new(self.to_filter(view)?, view, author)?)
    }
}

/// Sorts by name as the user's language orders names.
pub fn sort_by_name<T>(items: &mut [T], customer: impl Fn(&T) -> &Customer) {
    items.sort_by_cached_key(|item| {
        let c = customer(item);
        (name_key(&c.name), c.id)
    });
}
