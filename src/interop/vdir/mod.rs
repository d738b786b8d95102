//! Customers as a *vdir*: a folder with one vCard file per customer, the
//! form vdirsyncer (and khard, and other tools) keep address books in, so
//! customers can travel to a CardDAV server and a phone and edits come back.
//!
//! Writing ([`export`]): one card per customer, in `<id>.vcf` (the
//! guanxi id, so the name never changes), vCard 4.0 from the vCard writer
//! with a `UID` and an `X-GUANXI-ID` line added. A card holds nothing that
//! changes between exports, so an unchanged customer keeps a byte-identical
//! file (and the server's ETag): such files are not written again. Each
//! file is written beside its place (`.<name>.tmp`, a name vdirsyncer
//! ignores) and renamed into it. Cards guanxi wrote (they carry
//! `X-GUANXI-ID`) of customers no longer exported are removed; any other
//! file is left alone. Every card written is also kept in the folder's
//! `.guanxi/` (which vdirsyncer does not read): the *base* that tells an
//! import what the phone changed.
//!
//! Reading ([`plan_import`]): every `.vcf` of the folder. A card with the
//! `X-GUANXI-ID` of a customer here merges into it by the rules of
//! [`merge`]; one without (made on the phone) is imported like a card of a
//! `.vcf` file, and on the next export guanxi's card takes the place of
//! the phone's file (found by the `UID` the customer keeps), so the phone
//! does not see the contact twice. A card of a customer deleted here is
//! skipped: the deletion was deliberate, and a restore brings it back.

pub mod merge;
mod plan;
mod write;

pub use plan::{FolderImport, plan_import};
pub use write::{Written, card, export};

use std::path::Path;

use crate::domain::CustomerId;
use crate::interop::Contact;
use crate::interop::vcard::{self, CardError};

/// The property that names a card's customer.
pub const ID_PROPERTY: &str = "X-GUANXI-ID";
/// The folder (inside the vdir) where the cards as last written are kept.
pub const BASE_FOLDER: &str = ".guanxi";

/// The `UID` of a customer's card, when its record brings none of its own.
pub fn uid_of(id: CustomerId) -> String {
    format!("guanxi-{id}")
}

/// One card of a folder, read.
#[derive(Debug, Clone)]
pub struct FolderCard {
    /// The file's name in the folder.
    pub file: String,
    /// The customer its `X-GUANXI-ID` names, taken out of `extra`.
    pub id: Option<CustomerId>,
    pub contact: Result<Contact, CardError>,
}

/// True for a content line of property `name` (any case, any parameters).
fn is_property(line: &str, name: &str) -> bool {
    let n = name.len();
    line.len() > n && line[..n].eq_ignore_ascii_case(name) && matches!(line.as_bytes()[n], b':' | b';')
}

/// The value of a content line (after the first `:` outside quotes is
/// enough here: guanxi's own lines have no parameters).
fn value_of(line: &str) -> &str {
    line.split_once(':').map_or("", |(_, v)| v.trim())
}

/// The cards of one file, with guanxi's `X-GUANXI-ID` and the `UID` made
/// from it taken out of `extra` (they are the card's, not the customer's).
pub fn cards_of(file: &str, bytes: &[u8]) -> Vec<FolderCard> {
    vcard::read(bytes)
        .into_iter()
        .map(|card| {
            let mut id = None;
            let contact = card.map(|mut c| {
                id = c
                    .extra
                    .iter()
                    .filter(|l| is_property(l, ID_PROPERTY))
                    .find_map(|l| value_of(l).parse::<CustomerId>().ok());
                c.extra.retain(|l| !is_property(l, ID_PROPERTY));
                if let Some(id) = id {
                    let ours = format!("UID:{}", uid_of(id));
                    if let Some(at) = c.extra.iter().position(|l| l.eq_ignore_ascii_case(&ours)) {
                        c.extra.remove(at);
                    }
                }
                c
            });
            FolderCard {
                file: file.to_string(),
                id,
                contact,
            }
        })
        .collect()
}

/// The `.vcf` files of a folder (not hidden, not folders), by name.
pub fn card_files(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let is_card = name.to_ascii_lowercase().ends_with(".vcf") && !name.starts_with('.');
        if is_card && entry.file_type()?.is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// A folder's cards as read.
#[derive(Debug, Default)]
pub struct Folder {
    /// Every card, file by file in name order.
    pub cards: Vec<FolderCard>,
    /// Each file's bytes as read, by name: a merged file's become its base.
    pub bytes: std::collections::HashMap<String, Vec<u8>>,
}

/// Reads every card of the folder `dir`.
pub fn read_folder(dir: &Path) -> std::io::Result<Folder> {
    let mut folder = Folder::default();
    for name in card_files(dir)? {
        let bytes = std::fs::read(dir.join(&name))?;
        folder.cards.extend(cards_of(&name, &bytes));
        folder.bytes.insert(name, bytes);
    }
    Ok(folder)
}

/// The card of customer `id` in the base guanxi kept for `file`, if any.
pub fn base_card(dir: &Path, file: &str, id: CustomerId) -> Option<Contact> {
    let bytes = std::fs::read(dir.join(BASE_FOLDER).join(file)).ok()?;
    cards_of(file, &bytes)
        .into_iter()
        .find(|c| c.id == Some(id))
        .and_then(|c| c.contact.ok())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;
    use crate::domain::{Customer, Factor, Stage};
    use crate::interop::import::customer_from;

    fn a_customer() -> impl Strategy<Value = Customer> {
        let word = prop::sample::select(vec![
            "Nguyễn", "Thị", "Hồng", "张伟", "Lê", "Amelia", "Đặng", "王芳", "O'Neil",
        ]);
        (
            prop::collection::vec(word.clone(), 1..4),
            prop::option::of(prop::collection::vec(word.clone(), 1..3)),
            prop::collection::vec(0u32..1000, 0..3),
            prop::collection::vec(prop::sample::select(vec!["vip", "tết", "khách-quen", "大客户"]), 0..3),
            prop::option::of("[a-zăâđ ,;\\\\]{1,20}(\n[a-z 中文]{1,10})?"),
            0usize..7,
            prop::option::of(1u8..=5),
            prop::collection::vec(
                prop::sample::select(vec![
                    "BDAY:1980-03-22",
                    "NICKNAME:An",
                    "item1.X-ABLabel:Office",
                    "UID:phone-1",
                ]),
                0..3,
            ),
        )
            .prop_map(|(name, company, phones, tags, notes, stage, trust, extra)| {
                let mut c = Customer::empty(CustomerId(0x1234_5678_9abc_def0));
                c.name = name.join(" ");
                c.company = company.map(|w| w.join(" ")).unwrap_or_default();
                c.phones = phones.iter().map(|n| format!("+84 90 {n:03} 1234")).collect();
                c.emails = phones.iter().map(|n| format!("a{n}@phuthinh.vn")).collect();
                c.tags = tags.into_iter().map(str::to_string).collect();
                c.notes = notes.unwrap_or_default().trim().to_string();
                c.stage = Stage::ALL[stage];
                c.factors.set(Factor::Trust, trust);
                c.owner = "An".into();
                let mut seen = HashSet::new();
                c.extra = extra
                    .into_iter()
                    .filter(|l| seen.insert(*l))
                    .map(str::to_string)
                    .collect();
                c
            })
    }

    proptest! {
        /// A card guanxi wrote, read back, is its customer: merged into it
        /// even without a base (as a folder guanxi did not keep one for),
        /// it changes nothing; and the card carries its id.
        #[test]
        fn a_written_card_reads_back_as_its_customer(c in a_customer()) {
            let text = card(&c, &mut HashSet::new());
            let cards = cards_of("x.vcf", text.as_bytes());
            prop_assert_eq!(cards.len(), 1);
            prop_assert_eq!(cards[0].id, Some(c.id));
            let contact = cards[0].contact.clone().expect("a card");
            let (phone, warnings) = customer_from(&contact, "An", 0, None).expect("a customer");
            prop_assert!(warnings.is_empty(), "{:?}", warnings);
            let carried = merge::carried(&contact, &phone);
            let after = merge::merge(&c, None, &phone, &carried, None);
            prop_assert_eq!(&after, &c, "{}", text);
            let after = merge::merge(&c, Some(&phone), &phone, &carried, None);
            prop_assert_eq!(&after, &c);
        }
    }
}
