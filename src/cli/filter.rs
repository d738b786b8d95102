//! Which customers `list` and `export` take: by stage, tag, owner and
//! words, in the order a reader of the user's language expects.

use clap::Args;

use crate::domain::text::{fold, matches_words};
use crate::domain::{Customer, InputError, Stage, validate};
use crate::i18n::collate::name_key;
use crate::store::records::CustomerRecord;
use crate::store::{StoreError, View};

#[derive(Debug, Args)]
pub struct CustomerFilter {
    /// Only customers in this stage
    #[arg(long)]
    stage: Option<String>,
    /// Only customers with this tag
    #[arg(long)]
    tag: Option<String>,
    /// Only customers owned by this team member (`me` for you)
    #[arg(long)]
    owner: Option<String>,
    /// Words to find in name, company, email, phone or tags (accents and case ignored)
    #[arg(long, short)]
    query: Option<String>,
}

/// A filter with its input checked and folded once.
pub struct Matcher {
    stage: Option<Stage>,
    tag: Option<String>,
    owner: Option<String>,
    query: Option<String>,
}

impl CustomerFilter {
    /// `me` as owner means `author`.
    pub fn matcher(&self, author: &str) -> Result<Matcher, InputError> {
        Ok(Matcher {
            stage: self.stage.as_deref().map(Stage::parse).transpose()?,
            tag: self.tag.as_deref().map(validate::tag).transpose()?,
            owner: self
                .owner
                .as_deref()
                .map(|o| if o == "me" { fold(author) } else { fold(o) }),
            query: self.query.as_deref().map(fold).filter(|q| !q.is_empty()),
        })
    }
}

impl Matcher {
    /// Calls `f` with each customer the filter keeps, in id order.
    pub fn for_each(&self, view: &View, mut f: impl FnMut(CustomerRecord)) -> Result<(), StoreError> {
        view.for_each_customer(|rec| {
            if self.keeps(&rec.customer) {
                f(rec);
            }
            true
        })
    }

    /// The customers the filter keeps, in id order.
    pub fn customers(&self, view: &View) -> Result<Vec<CustomerRecord>, StoreError> {
        let mut found = Vec::new();
        self.for_each(view, |rec| found.push(rec))?;
        Ok(found)
    }

    pub fn keeps(&self, c: &Customer) -> bool {
        self.stage.is_none_or(|s| c.stage == s)
            && self.tag.as_ref().is_none_or(|t| c.tags.contains(t))
            && self.owner.as_ref().is_none_or(|o| fold(&c.owner) == *o)
            && self.query.as_ref().is_none_or(|q| matches_words(&c.search_text(), q))
    }
}

/// Sorts by name as the user's language orders names.
pub fn sort_by_name<T>(items: &mut [T], customer: impl Fn(&T) -> &Customer) {
    items.sort_by_cached_key(|item| {
        let c = customer(item);
        (name_key(&c.name), c.id)
    });
}
