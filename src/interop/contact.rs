//! A contact as another program keeps it: what import formats are read
//! into and export formats are written from. Values are kept as found
//! (NFC-normalised text); checking them is the import's job, so a reader
//! never has to decide what to drop.

use std::collections::BTreeMap;

use crate::domain::Customer;
use crate::domain::draft::{CustomerDraft, CustomerInput};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// The full name as displayed (vCard FN, "Name" column).
    pub name: String,
    /// Name parts, used when there is no full name.
    pub given: String,
    pub middle: String,
    pub family: String,
    pub company: String,
    pub title: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    /// One line per address, parts joined with ", ".
    pub addresses: Vec<String>,
    pub notes: String,
    /// Categories, groups, labels.
    pub tags: Vec<String>,
    /// guanxi fields a file may carry (its own CSV export, another CRM's
    /// columns mapped with `--map`): key as in `edit --set` (stage, level,
    /// segment, source, owner, tier, cadence, trust, ..., situation, ...).
    pub more: BTreeMap<String, String>,
    /// What guanxi has no field for, kept so an export can write it back:
    /// vCard content lines (unfolded, e.g. `BDAY:1980-01-02`,
    /// `item1.X-ABLabel:Office`), or `Column: value` for CSV.
    pub extra: Vec<String>,
    /// The line in the file where this contact starts (1-based).
    pub line: usize,
}

impl Contact {
    /// The name to show: the full name, or the parts in the order their
    /// script writes them (Chinese family name first without a space;
    /// Vietnamese family name first; otherwise given name first).
    pub fn display_name(&self) -> String {
        let full = self.name.trim();
        if !full.is_empty() {
            return full.to_string();
        }
        let (given, middle, family) = (self.given.trim(), self.middle.trim(), self.family.trim());
        let join = |parts: &[&str], sep: &str| {
            parts
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(sep)
        };
        if family.is_empty() || given.is_empty() {
            return join(&[family, middle, given], " ");
        }
        if is_cjk(family) && is_cjk(given) && (middle.is_empty() || is_cjk(middle)) {
            join(&[family, middle, given], "")
        } else if looks_vietnamese(family) {
            join(&[family, middle, given], " ")
        } else {
            join(&[given, middle, family], " ")
        }
    }
}

impl Contact {
    /// A customer as a contact, with guanxi's own fields (stage, segment,
    /// factors...) in `more` where they differ from a new customer's, so
    /// formats without a place for them can still carry them.
    pub fn of(c: &Customer) -> Contact {
        let draft = CustomerDraft::of(c);
        let blank = CustomerDraft::new();
        let more = CustomerInput::ALL
            .into_iter()
            .filter(|i| {
                !matches!(
                    i,
                    CustomerInput::Name
                        | CustomerInput::Company
                        | CustomerInput::Title
                        | CustomerInput::Emails
                        | CustomerInput::Phones
                        | CustomerInput::Tags
                        | CustomerInput::Address
                        | CustomerInput::Notes
                )
            })
            .filter(|i| draft.get(*i) != blank.get(*i))
            .map(|i| (i.key().to_string(), draft.get(i).to_string()))
            .collect();
        Contact {
            name: c.name.clone(),
            company: c.company.clone(),
            title: c.title.clone(),
            emails: c.emails.clone(),
            phones: c.phones.clone(),
            addresses: if c.address.is_empty() {
                Vec::new()
            } else {
                vec![c.address.clone()]
            },
            notes: c.notes.clone(),
            tags: c.tags.iter().cloned().collect(),
            more,
            extra: c.extra.clone(),
            ..Contact::default()
        }
    }
}

fn is_cjk(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c as u32, 0x3400..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x2ffff))
}

/// Common Vietnamese family names (folded): their owners write the family
/// name first.
fn looks_vietnamese(family: &str) -> bool {
    const FAMILIES: [&str; 24] = [
        "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
        "duong", "ly", "dao", "doan", "trinh", "truong", "dinh", "lam", "mai", "cao",
    ];
    let folded = crate::domain::text::fold(family);
    (FAMILIES.contains(&folded.as_str()) && !family.is_ascii()) || folded == "nguyen"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(given: &str, family: &str) -> Contact {
        Contact {
            given: given.into(),
            family: family.into(),
            ..Default::default()
        }
    }

    #[test]
    fn names_from_parts_follow_the_script() {
        assert_eq!(named("伟", "张").display_name(), "张伟");
        assert_eq!(
            named("Thị Hồng Nhung", "Nguyễn").display_name(),
            "Nguyễn Thị Hồng Nhung"
        );
        assert_eq!(named("John", "Doe").display_name(), "John Doe");
        assert_eq!(named("", "Acme").display_name(), "Acme");
        let mut with_middle = named("Minh", "Lê");
        with_middle.middle = "Văn".into();
        assert_eq!(with_middle.display_name(), "Lê Văn Minh");
        let mut english = named("John", "Doe");
        english.middle = "Q.".into();
        assert_eq!(english.display_name(), "John Q. Doe");
        let full = Contact {
            name: " Lê Lợi ".into(),
            ..named("x", "y")
        };
        assert_eq!(full.display_name(), "Lê Lợi");
    }
}
