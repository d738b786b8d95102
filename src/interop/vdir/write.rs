//! Writing a vdir: one card per customer, unchanged files left alone,
//! guanxi's cards of customers no longer exported removed.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::Path;

use super::{BASE_FOLDER, ID_PROPERTY, card_files, cards_of, is_property, uid_of, value_of};
use crate::domain::{Customer, CustomerId};
use crate::interop::{Contact, vcard};
use crate::workspace::private;

/// What an export did to the folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    /// Cards written (new or changed).
    pub written: usize,
    /// Cards already there as they are.
    pub unchanged: usize,
    /// guanxi's cards of customers no longer exported, removed.
    pub removed: usize,
}

impl Written {
    pub fn total(&self) -> usize {
        self.written + self.unchanged
    }
}

/// A customer's card. Its `UID` is the one the customer brought from a
/// phone or address book (a `UID` line of its other details) unless
/// `taken` already holds it, else `guanxi-<id>`; a `UID` of its own that
/// cannot be the card's is written as `X-GUANXI-UID`, so a card never has
/// two. Nothing in it depends on when it is written.
pub fn card(c: &Customer, taken: &mut HashSet<String>) -> String {
    let mut contact = Contact::of(c);
    contact.extra.retain(|l| !is_property(l, ID_PROPERTY));
    let own = contact
        .extra
        .iter()
        .find(|l| is_property(l, "UID"))
        .map(|l| value_of(l).to_string())
        .filter(|u| !u.is_empty() && !taken.contains(u));
    let uid = match own {
        Some(u) => u,
        None => {
            for line in contact.extra.iter_mut().filter(|l| is_property(l, "UID")) {
                *line = format!("X-GUANXI-{line}");
            }
            contact.extra.push(format!("UID:{}", uid_of(c.id)));
            uid_of(c.id)
        }
    };
    taken.insert(uid);
    contact.extra.push(format!("{ID_PROPERTY}:{}", c.id));
    vcard::write(std::slice::from_ref(&contact))
}

/// Writes `customers` into the folder `dir` (made if missing), as the
/// module says.
pub fn export(dir: &Path, customers: &[Customer]) -> std::io::Result<Written> {
    private::dir(dir)?;
    let base = dir.join(BASE_FOLDER);
    private::dir(&base)?;
    // Who is in which file now: guanxi's cards by their id, a phone's by
    // their UID.
    let mut file_of: HashMap<CustomerId, String> = HashMap::new();
    let mut phone_file_of: HashMap<String, String> = HashMap::new();
    let mut ours: Vec<(String, Vec<CustomerId>)> = Vec::new();
    for name in card_files(dir)? {
        let bytes = std::fs::read(dir.join(&name))?;
        let cards = cards_of(&name, &bytes);
        let ids: Vec<CustomerId> = cards.iter().filter_map(|c| c.id).collect();
        if ids.is_empty() {
            for card in cards.iter().filter_map(|c| c.contact.as_ref().ok()) {
                if let Some(uid) = card.extra.iter().find(|l| is_property(l, "UID")) {
                    phone_file_of.insert(value_of(uid).to_string(), name.clone());
                }
            }
        } else {
            for &id in &ids {
                file_of.entry(id).or_insert_with(|| name.clone());
            }
            ours.push((name, ids));
        }
    }
    let mut done = Written::default();
    let mut taken = HashSet::new();
    let mut kept: HashSet<String> = HashSet::new();
    let mut sorted: Vec<&Customer> = customers.iter().collect();
    sorted.sort_by_key(|c| c.id);
    for c in sorted {
        let text = card(c, &mut taken);
        let adopted = c
            .extra
            .iter()
            .find(|l| is_property(l, "UID"))
            .and_then(|l| phone_file_of.get(value_of(l)));
        let name = file_of
            .get(&c.id)
            .or(adopted)
            .cloned()
            .unwrap_or_else(|| format!("{}.vcf", c.id));
        if std::fs::read(dir.join(&name)).is_ok_and(|b| b == text.as_bytes()) {
            done.unchanged += 1;
        } else {
            replace(dir, &name, text.as_bytes())?;
            done.written += 1;
        }
        if std::fs::read(base.join(&name)).is_ok_and(|b| b != text.as_bytes()) || !base.join(&name).exists() {
            replace(&base, &name, text.as_bytes())?;
        }
        kept.insert(name);
    }
    let exported: HashSet<CustomerId> = customers.iter().map(|c| c.id).collect();
    for (name, ids) in ours {
        if !kept.contains(&name) && ids.iter().all(|id| !exported.contains(id)) {
            std::fs::remove_file(dir.join(&name))?;
            let _ = std::fs::remove_file(base.join(&name));
            done.removed += 1;
        }
    }
    Ok(done)
}

/// Puts `bytes` in `dir/name` whole or not at all: written to
/// `.<name>.tmp` (a name vdirsyncer skips), flushed, renamed over it.
pub(super) fn replace(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let written = (|| {
        let mut file = private::create(&tmp)?;
        private::tighten_file(&tmp);
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, dir.join(name))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
