//! Finding what a user means by a reference: a customer (by id, id
//! prefix, name, email or phone number) or a follow-up (by id prefix).

use std::collections::HashMap;

use super::codec;
use super::error::StoreError;
use super::keys;
use super::query::{View, customer_in};
use super::records::{CustomerRecord, FollowUpRecord};
use crate::domain::ids::{is_id_prefix, prefix_range};
use crate::domain::text::{fold, matches_words, searchable, words};
use crate::domain::{Customer, CustomerId, FollowUpId, InputError};
use crate::i18n::collate::name_key;

/// At most this many candidates are listed when a reference is ambiguous.
pub(super) const MAX_CANDIDATES: usize = 10;

impl View {
    /// Finds the one customer a user means: an id, a unique id prefix (four
    /// digits or more), or a unique accent- and case-insensitive match on
    /// name, email or phone number. Exact matches (a whole name or email)
    /// beat partial ones; then words typed that are whole words of a name
    /// (or its pinyin) or a phone number's digits ("an" is "Nguyễn Văn
    /// An", not "Lan Anh"); then words that start a word of the name (or
    /// an email, or a phone number's digits); last a part from inside a
    /// word.
    pub fn resolve_customer(&self, reference: &str) -> Result<CustomerRecord, StoreError> {
        self.resolve_customer_reading(reference, Reading::Everyone)
    }

    /// `resolve_customer` by the indexes alone: a part from inside a word
    /// is not looked for (that reads every customer), so it costs the same
    /// at 100,000 customers as at 1,000. What a preview shown at each key
    /// typed reads; the change itself resolves the customer whole.
    pub fn resolve_customer_by_index(&self, reference: &str) -> Result<CustomerRecord, StoreError> {
        self.resolve_customer_reading(reference, Reading::IndexOnly)
    }

    fn resolve_customer_reading(&self, reference: &str, reading: Reading) -> Result<CustomerRecord, StoreError> {
        let r = reference.trim();
        if let Ok(id) = r.parse::<CustomerId>()
            && let Some(c) = self.live_customer(id)?
        {
            return Ok(c);
        }
        let mut strong = Vec::new();
        if r.len() >= 4 && is_id_prefix(r) {
            let (low, high) = prefix_range(&r.to_lowercase()).unwrap_or((1, 0));
            for entry in self
                .storage
                .range(keys::customer(CustomerId(low))..=keys::customer(CustomerId(high)))
            {
                let (_, v) = entry?;
                let rec: CustomerRecord = codec::decode(&v).map_err(StoreError::codec("customer record"))?;
                if rec.is_live() {
                    strong.push(rec);
                }
            }
        }
        let folded = fold(r);
        let mut partial = Vec::new();
        if !folded.is_empty() {
            // By the index: names, emails and phone numbers with words that
            // start with each word typed; a whole name or email among them
            // is an exact match.
            let mut whole = Vec::new();
            for rec in self.records(&self.named(&folded)?)? {
                let c = &rec.customer;
                if fold(&c.name) == folded || c.emails.iter().any(|e| fold(e) == folded) {
                    if !strong.iter().any(|s: &CustomerRecord| s.customer.id == c.id) {
                        strong.push(rec);
                    }
                } else if has_whole_words(c, &folded) {
                    whole.push(rec);
                } else {
                    partial.push(rec);
                }
            }
            if !whole.is_empty() {
                partial = whole;
            }
            // A part from inside a word ("uyen", "example.vn") is found
            // only by reading every customer, as before the indexes.
            if strong.is_empty() && partial.is_empty() && reading == Reading::Everyone {
                self.for_each_customer(|c| {
                    let emails = || c.customer.emails.iter().map(|e| fold(e));
                    if matches_words(&searchable(&c.customer.name), &folded) || emails().any(|e| e.contains(&folded)) {
                        partial.push(c);
                    }
                    true
                })?;
            }
        }
        let mut pool = if strong.is_empty() { partial } else { strong };
        match pool.len() {
            0 => Err(InputError::NoSuchCustomer(r.to_string()).into()),
            1 => Ok(pool
                .into_iter()
                .next()
                .ok_or_else(|| InputError::NoSuchCustomer(r.to_string()))?),
            n => {
                // Listed by name, as the user looks for one among them.
                pool.sort_by_cached_key(|c| name_key(&c.customer.name));
                let mut candidates: Vec<String> = pool
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|c| format!("{}  {}", c.customer.id, c.customer.display_name()))
                    .collect();
                if n > MAX_CANDIDATES {
                    candidates.push(crate::i18n::tf("error.and_more", &[("count", &(n - MAX_CANDIDATES))]));
                }
                Err(InputError::AmbiguousCustomer {
                    reference: r.to_string(),
                    count: n,
                    candidates,
                }
                .into())
            }
        }
    }

    /// Finds a follow-up by id or unique id prefix.
    pub fn resolve_follow_up(&self, reference: &str) -> Result<FollowUpRecord, StoreError> {
        let r = reference.trim().to_lowercase();
        let none = || StoreError::from(InputError::NoSuchFollowUp(reference.trim().to_string()));
        let (low, high) = prefix_range(&r).ok_or_else(none)?;
        let mut found = Vec::new();
        let mut homes = HashMap::new();
        for entry in self
            .storage
            .range(keys::follow_up(FollowUpId(low))..=keys::follow_up(FollowUpId(high)))
        {
            let (k, v) = entry?;
            let Some(fid) = keys::follow_up_of_key(&k) else {
                continue;
            };
            if let Some(rec) = self.home_body(customer_in(&v), &mut homes)?.follow_ups.get(&fid)
                && rec.is_live()
            {
                found.push(rec.clone());
            }
        }
        match found.len() {
            0 => Err(none()),
            1 => found.pop().ok_or_else(none),
            n => Err(InputError::AmbiguousFollowUp {
                reference: reference.trim().to_string(),
                count: n,
                candidates: found
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|f| format!("{}  {}  {}", f.follow_up.id, f.follow_up.due_date(), f.follow_up.what))
                    .chain(
                        (n > MAX_CANDIDATES)
                            .then(|| crate::i18n::tf("error.and_more", &[("count", &(n - MAX_CANDIDATES))])),
                    )
                    .collect(),
            }
            .into()),
        }
    }
}

/// True when every word of a folded reference is a whole word of the
/// customer's name (or of its pinyin), or a phone number's digits. Words
/// are runs of letters and digits, as search in the UI reads them:
/// "Nguyen-Van-An" has the word "an".
fn has_whole_words(c: &Customer, folded: &str) -> bool {
    let searchable = searchable(&c.name);
    let mut name: Vec<String> = words(&searchable).map(str::to_string).collect();
    name.extend(
        c.phones
            .iter()
            .map(|p| p.chars().filter(char::is_ascii_digit).collect()),
    );
    let mut typed = words(folded).peekable();
    typed.peek().is_some() && typed.all(|w| name.iter().any(|n| n == w))
}

/// How far a customer reference is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Every customer, for a part from inside a word.
    Everyone,
    /// The indexes of names, emails and phone numbers only.
    IndexOnly,
}
