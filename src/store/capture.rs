//! Quick capture's one road, for `guanxi note` and the UI's capture line
//! alike: the customer a line means, and all it said (the interaction,
//! the follow-up, the tags) saved as one change, so one undo takes it back.

use chrono::{Local, NaiveDate};

use super::Store;
use super::error::StoreError;
use super::op::Edit;
use super::query::View;
use super::records::CustomerRecord;
use super::resolve::MAX_CANDIDATES;
use crate::domain::capture::{Capture, without_title};
use crate::domain::draft::{FollowUpDraft, InteractionDraft, InteractionValues, follow_up_doubt};
use crate::domain::text::{fold, matches_words, searchable, squash, words};
use crate::domain::{Customer, CustomerField, FollowUpId, InputError, InteractionId, Organization};
use crate::i18n::{t, tf};

/// What a capture saved.
#[derive(Debug, Clone)]
pub struct Captured {
    pub customer: Customer,
    pub interaction: InteractionId,
    pub values: InteractionValues,
    /// The follow-up scheduled: its id, due day and what it says.
    pub follow_up: Option<(FollowUpId, NaiveDate, String)>,
    /// The tags the customer did not have yet.
    pub tags_added: Vec<String>,
}

impl View {
    /// The one customer a capture means: its reference resolved as every
    /// command resolves one (`resolve_customer`), among the people of its
    /// `@org` when it names one. A reference that matches no one is tried
    /// again without a word of address (`chị Nhung`, `王总`).
    pub fn capture_customer(&self, c: &Capture) -> Result<CustomerRecord, StoreError> {
        self.capture_customer_reading(c, false)
    }

    /// `capture_customer` as a preview at each key typed reads it: by the
    /// indexes alone (`resolve_customer_by_index`), so a reference that
    /// matches nothing yet does not read every customer at every key.
    pub fn capture_customer_preview(&self, c: &Capture) -> Result<CustomerRecord, StoreError> {
        self.capture_customer_reading(c, true)
    }

    fn capture_customer_reading(&self, c: &Capture, by_index: bool) -> Result<CustomerRecord, StoreError> {
        let org = match &c.organization {
            Some(o) => Some(self.capture_organization(o)?),
            None => None,
        };
        let reference = c.customer.trim();
        if reference.is_empty() && org.is_none() {
            return Err(InputError::Invalid(t("capture.who").to_string()).into());
        }
        let first = self.customer_in(reference, org.as_ref(), by_index);
        match (&first, without_title(reference)) {
            (Err(StoreError::Input(InputError::NoSuchCustomer(_))), Some(bare)) => {
                match self.customer_in(&bare, org.as_ref(), by_index) {
                    Err(StoreError::Input(InputError::NoSuchCustomer(_))) => first,
                    other => other,
                }
            }
            _ => first,
        }
    }

    /// `@org`: as `resolve_organization` finds it, or else by its letters
    /// and digits alone (`@phuthinh` is Phú Thịnh).
    fn capture_organization(&self, reference: &str) -> Result<Organization, StoreError> {
        let first = self.resolve_organization(reference);
        if !matches!(first, Err(StoreError::Input(InputError::NoSuchOrganization(_)))) {
            return first;
        }
        let wanted = squash(reference);
        if wanted.is_empty() {
            return first;
        }
        let mut found: Vec<Organization> = self
            .organizations()?
            .into_iter()
            .filter(|o| squash(&o.name).contains(&wanted))
            .collect();
        match found.len() {
            0 => first,
            1 => Ok(found.swap_remove(0)),
            n => Err(InputError::AmbiguousOrganization {
                reference: reference.trim().to_string(),
                count: n,
                candidates: found
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|o| format!("{}  {}", o.id, o.name))
                    .collect(),
            }
            .into()),
        }
    }

    /// The customer `reference` means, among `org`'s people when given.
    fn customer_in(
        &self,
        reference: &str,
        org: Option<&Organization>,
        by_index: bool,
    ) -> Result<CustomerRecord, StoreError> {
        let resolve = |r: &str| {
            if by_index {
                self.resolve_customer_by_index(r)
            } else {
                self.resolve_customer(r)
            }
        };
        let Some(org) = org else {
            return resolve(reference);
        };
        // The one every command would find, when it is one of them.
        match resolve(reference) {
            Ok(rec) if rec.customer.organization == Some(org.id) => return Ok(rec),
            Ok(_) | Err(StoreError::Input(InputError::NoSuchCustomer(_) | InputError::AmbiguousCustomer { .. })) => {}
            Err(e) => return Err(e),
        }
        let people = self.people_of(org.id)?;
        let named = format!("{reference} @{}", org.name).trim().to_string();
        one_of(named, narrowed(people, reference))
    }
}

/// The people a reference means, by the same steps as `resolve_customer`:
/// a whole name, email or id prefix; else every word typed a whole word of
/// the name (or a phone number's digits); else the start of one (or of an
/// email); else a part of the name or an email.
fn narrowed(people: Vec<CustomerRecord>, reference: &str) -> Vec<CustomerRecord> {
    let folded = fold(reference);
    if folded.is_empty() {
        return people;
    }
    let typed: Vec<&str> = words(&folded).collect();
    let id_prefix = reference.len() >= 4 && reference.chars().all(|c| c.is_ascii_hexdigit());
    let tiers: [&dyn Fn(&Customer) -> bool; 4] = [
        &|c| {
            fold(&c.name) == folded
                || c.emails.iter().any(|e| fold(e) == folded)
                || (id_prefix && c.id.to_string().starts_with(&reference.to_lowercase()))
        },
        &|c| {
            let name = searchable(&c.name);
            let mut have: Vec<String> = words(&name).map(str::to_string).collect();
            have.extend(
                c.phones
                    .iter()
                    .map(|p| p.chars().filter(char::is_ascii_digit).collect()),
            );
            !typed.is_empty() && typed.iter().all(|w| have.iter().any(|h| h == w))
        },
        &|c| {
            let name = searchable(&c.name);
            let emails: Vec<String> = c.emails.iter().map(|e| fold(e)).collect();
            !typed.is_empty()
                && typed
                    .iter()
                    .all(|w| words(&name).any(|n| n.starts_with(w)) || emails.iter().any(|e| e.starts_with(w)))
        },
        &|c| matches_words(&searchable(&c.name), &folded) || c.emails.iter().any(|e| fold(e).contains(&folded)),
    ];
    for tier in tiers {
        let found: Vec<CustomerRecord> = people.iter().filter(|r| tier(&r.customer)).cloned().collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// The only record of `pool`, or the error that says there is none or
/// which ones are meant.
fn one_of(reference: String, mut pool: Vec<CustomerRecord>) -> Result<CustomerRecord, StoreError> {
    match pool.len() {
        0 => Err(InputError::NoSuchCustomer(reference).into()),
        1 => pool.pop().ok_or_else(|| InputError::NoSuchCustomer(reference).into()),
        n => {
            let mut candidates: Vec<String> = pool
                .iter()
                .take(MAX_CANDIDATES)
                .map(|r| format!("{}  {}", r.customer.id, r.customer.display_name()))
                .collect();
            if n > MAX_CANDIDATES {
                candidates.push(tf("error.and_more", &[("count", &(n - MAX_CANDIDATES))]));
            }
            Err(InputError::AmbiguousCustomer {
                reference,
                count: n,
                candidates,
            }
            .into())
        }
    }
}

impl Store {
    /// Saves what a capture said about the customer it means, in one
    /// change: the interaction (its channel and summary as
    /// `Capture::channel` and `Capture::summary` say, the kind's name when
    /// there is neither note nor kind; dated noon of the day given, else
    /// now), the follow-up, and the tags the customer lacks. A date after
    /// today, or a follow-up before it, is refused unless `force`.
    /// Nothing is saved when the customer is not found or not one.
    pub fn save_capture(&mut self, c: &Capture, force: bool) -> Result<Captured, StoreError> {
        let rec = self.capture_customer(c)?;
        let customer = rec.customer;
        let clock = *self.clock();
        let today = clock.today();
        let channel = c.channel();
        let summary = c
            .summary()
            .unwrap_or_else(|| t(&format!("channel.{}", channel.key())).to_string());
        let draft = InteractionDraft {
            summary: summary.clone(),
            channel: channel.key().to_string(),
            at: c
                .date
                .filter(|d| *d != today)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            amount: c.amount.map(|m| m.to_string()).unwrap_or_default(),
            ..InteractionDraft::default()
        };
        let values = draft.check(clock.now(), &Local).map_err(first)?;
        if let Some(doubt) = values.doubt(today, &Local).filter(|_| !force) {
            return Err(doubt.into());
        }
        let follow_up = match c.follow_up {
            Some(due) => {
                let what = tf("capture.follow_up_what", &[("summary", &summary)]);
                let draft = FollowUpDraft {
                    what,
                    due: due.format("%Y-%m-%d").to_string(),
                };
                let checked = draft.check(today).map_err(first)?;
                if let Some(doubt) = follow_up_doubt(due, today).filter(|_| !force) {
                    return Err(doubt.into());
                }
                Some(checked)
            }
            None => None,
        };
        let tags_added: Vec<String> = c.tags.iter().filter(|t| !customer.tags.contains(*t)).cloned().collect();

        // As `log_interaction` and `schedule_follow_up` make them, in one commit.
        let (interaction, logged) = self.interaction_edit(customer.id, values.clone());
        let mut edits = vec![logged];
        let follow_up = follow_up.map(|(what, due)| {
            let (id, scheduled) = self.follow_up_edit(customer.id, what.clone(), due);
            edits.push(scheduled);
            (id, due, what)
        });
        if !tags_added.is_empty() {
            edits.push(Edit::UpdateCustomer {
                id: customer.id,
                fields: tags_added.iter().map(|t| CustomerField::Tag(t.clone(), true)).collect(),
            });
        }
        self.commit(edits)?;
        Ok(Captured {
            customer,
            interaction,
            values,
            follow_up,
            tags_added,
        })
    }
}

/// The first of a draft's errors.
fn first<F>(errors: Vec<(F, InputError)>) -> InputError {
    errors
        .into_iter()
        .next()
        .map(|(_, e)| e)
        .unwrap_or_else(|| InputError::Invalid(t("capture.who").to_string()))
}

/// What a capture says, piece by piece, in the user's language: each
/// piece's label (a catalogue key) and what was said, `None` for a piece
/// not given. The UI's capture line shows these under the line;
/// `guanxi note` prints those given. `who` describes the customer.
pub fn described(c: &Capture, who: String, today: NaiveDate) -> Vec<(&'static str, Option<String>)> {
    use crate::domain::escape::escape;
    use crate::i18n::{date, money, relative};
    let channel = t(&format!("channel.{}", c.channel().key())).to_string();
    let kind = match &c.kind {
        Some(_) => channel,
        None => tf("capture.default", &[("value", &channel)]),
    };
    let when = match c.date {
        Some(d) => date(d),
        None => tf("capture.default", &[("value", &t("capture.now"))]),
    };
    let tags = c.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ");
    vec![
        ("capture.customer", Some(who)),
        ("capture.kind", Some(kind)),
        ("capture.date", Some(when)),
        (
            "capture.follow_up",
            c.follow_up.map(|d| format!("{} ({})", date(d), relative(d, today))),
        ),
        ("capture.tags", (!tags.is_empty()).then(|| escape(&tags).into_owned())),
        ("capture.amount", c.amount.map(money)),
        ("capture.note", c.summary().map(|s| escape(&s).into_owned())),
    ]
}

/// A customer as the capture names it: the name, and the company.
pub fn who(c: &Customer) -> String {
    crate::domain::escape::escape(&c.display_name()).into_owned()
}
