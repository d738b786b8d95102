//! What a card brought back from the phone changes in its customer: a
//! three-way merge of guanxi's customer as it is now (`current`), the card
//! as guanxi last wrote it into the folder (`base`) and the card as it came
//! back (`phone`).
//!
//! The rules, chosen so that an import can never cost data:
//!
//! - A field the phone did not change (same as the base) changes nothing,
//!   so a customer edited in guanxi since the export keeps its edit.
//! - A field the card does not carry at all (no `TEL`, no `NOTE`, no
//!   `X-GUANXI-FIELD;KEY=stage`) is **not** a deletion: phones and servers
//!   drop properties they do not know, and a value emptied on the phone is
//!   emptied in guanxi by hand. Only a list the card still has is edited
//!   item by item: numbers added on the phone are added, numbers removed
//!   there while others remain are removed (that is how an edited number
//!   arrives: one removed, one added), whatever guanxi added meanwhile kept.
//! - A field changed on both sides keeps guanxi's value; the phone's is kept
//!   the way a merge of duplicates keeps a second one (another name, company
//!   or title among the record's other values, notes appended, an address
//!   added after ` / `).
//! - Lines guanxi has no field for (`BDAY`, `X-…`) are added, never removed.
//! - Without a base (a folder guanxi did not write, or its `.guanxi` folder
//!   gone), the card merges like any imported contact: nothing is replaced.

use crate::domain::Customer;
use crate::domain::draft::{CustomerDraft, CustomerInput};
use crate::domain::duplicates;
use crate::domain::phone::Region;
use crate::interop::Contact;

/// The fields a card carries: those the phone could have changed.
pub fn carried(contact: &Contact, phone: &Customer) -> Vec<CustomerInput> {
    CustomerInput::ALL
        .into_iter()
        .filter(|&i| match i {
            CustomerInput::Name => !contact.display_name().trim().is_empty(),
            CustomerInput::Company => !phone.company.is_empty(),
            CustomerInput::Title => !phone.title.is_empty(),
            CustomerInput::Emails => !phone.emails.is_empty(),
            CustomerInput::Phones => !phone.phones.is_empty(),
            CustomerInput::Tags => !phone.tags.is_empty(),
            CustomerInput::Address => !phone.address.is_empty(),
            CustomerInput::Notes => !phone.notes.is_empty(),
            other => contact.more.keys().any(|k| CustomerInput::parse(k) == Some(other)),
        })
        .collect()
}

/// `current` with what the phone changed (see the module's rules).
/// `carried` lists the fields the phone's card has (see [`carried`]).
pub fn merge(
    current: &Customer,
    base: Option<&Customer>,
    phone: &Customer,
    carried: &[CustomerInput],
    region: Option<Region>,
) -> Customer {
    let Some(base) = base else {
        let mut theirs = phone.clone();
        theirs.id = current.id;
        return duplicates::merged(current, &theirs, region);
    };
    let (b, p, c) = (
        CustomerDraft::of(base),
        CustomerDraft::of(phone),
        CustomerDraft::of(current),
    );
    let mut draft = c.clone();
    let mut after = current.clone();
    // The phone's values of fields guanxi changed too.
    let mut theirs = Customer::empty(current.id);
    let mut both_changed = false;
    for &input in carried {
        let (bv, pv, cv) = (b.get(input), p.get(input), c.get(input));
        if pv == bv || pv == cv {
            continue;
        }
        match input {
            CustomerInput::Emails => after.emails = list(&current.emails, &base.emails, &phone.emails),
            CustomerInput::Phones => after.phones = list(&current.phones, &base.phones, &phone.phones),
            CustomerInput::Tags => {
                let merged = list(
                    &current.tags.iter().cloned().collect::<Vec<_>>(),
                    &base.tags.iter().cloned().collect::<Vec<_>>(),
                    &phone.tags.iter().cloned().collect::<Vec<_>>(),
                );
                after.tags = merged.into_iter().collect();
            }
            _ if cv == bv => draft.set(input, pv),
            CustomerInput::Name => {
                theirs.name.clone_from(&phone.name);
                both_changed = true;
            }
            CustomerInput::Company => {
                theirs.company.clone_from(&phone.company);
                both_changed = true;
            }
            CustomerInput::Title => {
                theirs.title.clone_from(&phone.title);
                both_changed = true;
            }
            CustomerInput::Address => {
                theirs.address.clone_from(&phone.address);
                both_changed = true;
            }
            CustomerInput::Notes => {
                theirs.notes.clone_from(&phone.notes);
                both_changed = true;
            }
            // Stage, factors and the like: guanxi's value stays.
            _ => {}
        }
    }
    if draft != c {
        // The values come from customers already checked; a field that
        // still fails is left as guanxi has it.
        let mut tried = after.clone();
        for &input in carried {
            if draft.get(input) == c.get(input) {
                continue;
            }
            let mut one = CustomerDraft::of(&tried);
            one.set(input, draft.get(input));
            if let Ok(next) = one.apply_to(&tried) {
                tried = next;
            }
        }
        after = tried;
    }
    if both_changed {
        after = duplicates::merged(&after, &theirs, region);
    }
    for line in &phone.extra {
        if !base.extra.contains(line) && !after.extra.contains(line) {
            after.extra.push(line.clone());
        }
    }
    after
}

/// A list as guanxi has it, with the items the phone added to the base's
/// and without those it removed.
fn list(current: &[String], base: &[String], phone: &[String]) -> Vec<String> {
    let mut out: Vec<String> = current
        .iter()
        // Kept unless the phone removed it.
        .filter(|v| !base.contains(v) || phone.contains(v))
        .cloned()
        .collect();
    for v in phone {
        if !base.contains(v) && !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CustomerId, Stage};

    fn person() -> Customer {
        let mut c = Customer::empty(CustomerId(7));
        c.name = "Nguyễn Văn An".into();
        c.company = "Phú Thịnh".into();
        c.phones = vec!["+84 90 111 2222".into(), "+84 28 3822 1234".into()];
        c.emails = vec!["an@phuthinh.vn".into()];
        c.notes = "thích trà".into();
        c.stage = Stage::Build;
        c
    }

    fn all() -> Vec<CustomerInput> {
        CustomerInput::ALL.to_vec()
    }

    #[test]
    fn an_edited_number_replaces_the_old_one_and_nothing_else_moves() {
        let base = person();
        let mut phone = base.clone();
        phone.phones[0] = "+84 90 999 8888".into();
        let after = merge(&base, Some(&base), &phone, &all(), None);
        assert_eq!(after.phones, ["+84 28 3822 1234", "+84 90 999 8888"]);
        assert_eq!(
            Customer {
                phones: base.phones.clone(),
                ..after
            },
            base
        );
    }

    #[test]
    fn guanxi_edits_since_the_export_are_kept() {
        let base = person();
        let mut current = base.clone();
        current.company = "Công ty Phú Thịnh".into();
        current.phones.push("+84 91 000 0000".into());
        current.stage = Stage::Develop;
        // The phone changed nothing: its card is the base.
        assert_eq!(merge(&current, Some(&base), &base, &all(), None), current);
        // The phone changed the title; the guanxi side's changes stay.
        let mut phone = base.clone();
        phone.title = "Giám đốc".into();
        let after = merge(&current, Some(&base), &phone, &all(), None);
        assert_eq!(after.title, "Giám đốc");
        assert_eq!(after.company, "Công ty Phú Thịnh");
        assert_eq!(after.phones.len(), 3);
        assert_eq!(after.stage, Stage::Develop);
    }

    #[test]
    fn what_the_card_lacks_is_not_deleted() {
        let base = person();
        let mut phone = base.clone();
        phone.notes.clear();
        phone.phones.clear();
        phone.company.clear();
        phone.stage = Stage::Attract;
        let contact = Contact {
            name: base.name.clone(),
            ..Contact::default()
        };
        let carried = carried(&contact, &phone);
        assert_eq!(carried, [CustomerInput::Name, CustomerInput::Emails]);
        assert_eq!(merge(&base, Some(&base), &phone, &carried, None), base);
    }

    #[test]
    fn both_sides_changed_keeps_guanxis_and_the_phones_as_another_value() {
        let base = person();
        let mut current = base.clone();
        current.company = "Sao Mai".into();
        current.notes = "gọi sáng".into();
        let mut phone = base.clone();
        phone.company = "Minh Phát".into();
        phone.notes = "uống cà phê".into();
        let after = merge(&current, Some(&base), &phone, &all(), None);
        assert_eq!(after.company, "Sao Mai");
        assert!(after.extra.iter().any(|l| l.contains("Minh Phát")), "{:?}", after.extra);
        assert!(after.notes.contains("gọi sáng") && after.notes.contains("uống cà phê"));
    }

    #[test]
    fn without_a_base_nothing_is_replaced() {
        let current = person();
        let mut phone = current.clone();
        phone.phones = vec!["+84 90 999 8888".into()];
        let after = merge(&current, None, &phone, &all(), None);
        assert_eq!(after.phones.len(), 3);
        assert_eq!(after.name, current.name);
    }

    #[test]
    fn extra_lines_are_added_never_removed() {
        let mut base = person();
        base.extra = vec!["BDAY:1980-03-22".into()];
        let mut phone = base.clone();
        phone.extra = vec!["NICKNAME:An".into()];
        let after = merge(&base, Some(&base), &phone, &all(), None);
        assert_eq!(after.extra, ["BDAY:1980-03-22", "NICKNAME:An"]);
    }
}
