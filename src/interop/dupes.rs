//! Who is the same person twice: the same email, the same phone number,
//! or the same name (accents, case, spacing and punctuation aside) at the
//! same company.

use std::collections::HashMap;

use crate::domain::text::squash;
use crate::domain::{Customer, CustomerId};

/// The keys under which a customer can be found again.
pub fn keys(name: &str, company: &str, emails: &[String], phones: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for e in emails {
        let e = e.trim().to_lowercase();
        if !e.is_empty() {
            out.push(format!("e:{e}"));
        }
    }
    for p in phones {
        if let Some(k) = phone_key(p) {
            out.push(format!("p:{k}"));
        }
    }
    let (n, c) = (squash(name), squash(company));
    if !n.is_empty() && !c.is_empty() {
        out.push(format!("n:{n}|{c}"));
    }
    out
}

pub fn customer_keys(c: &Customer) -> Vec<String> {
    keys(&c.name, &c.company, &c.emails, &c.phones)
}

/// The last nine digits of a number: "+84 912 345 678", "0912 345 678" and
/// "84912345678" are one phone. Numbers of fewer than seven digits (an
/// extension, a typo) are never matched.
pub fn phone_key(p: &str) -> Option<String> {
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 7 {
        return None;
    }
    Some(digits[digits.len().saturating_sub(9)..].to_string())
}

/// Customers found by key.
#[derive(Debug, Default)]
pub struct Index {
    by_key: HashMap<String, CustomerId>,
}

impl Index {
    pub fn add(&mut self, id: CustomerId, keys: &[String]) {
        for k in keys {
            self.by_key.entry(k.clone()).or_insert(id);
        }
    }

    /// The first customer sharing a key with `keys`.
    pub fn find(&self, keys: &[String]) -> Option<CustomerId> {
        keys.iter().find_map(|k| self.by_key.get(k).copied())
    }
}

/// Groups of customers that are the same person, each group oldest first
/// (the one a merge keeps). Customers are linked when they share any key.
pub fn groups(customers: &[Customer]) -> Vec<Vec<CustomerId>> {
    let n = customers.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut first_with: HashMap<String, usize> = HashMap::new();
    for (i, c) in customers.iter().enumerate() {
        for k in customer_keys(c) {
            match first_with.get(&k) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    if a != b {
                        parent[a] = b;
                    }
                }
                None => {
                    first_with.insert(k, i);
                }
            }
        }
    }
    let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = root(&mut parent, i);
        by_root.entry(r).or_default().push(i);
    }
    let mut out: Vec<Vec<CustomerId>> = by_root
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort_by_key(|&i| (customers[i].created_at, customers[i].id));
            g.into_iter().map(|i| customers[i].id).collect()
        })
        .collect();
    out.sort();
    out
}

/// `into` with what `other` adds: every email, phone, tag and kept
/// property of both; the fields `into` leaves empty taken from `other`;
/// notes of both; the later stage and the higher level.
pub fn merged(into: &Customer, other: &Customer) -> Customer {
    let mut c = into.clone();
    let union = |a: &mut Vec<String>, b: &[String]| {
        for v in b {
            if !a.iter().any(|x| x.eq_ignore_ascii_case(v)) {
                a.push(v.clone());
            }
        }
    };
    union(&mut c.emails, &other.emails);
    let phones: Vec<Option<String>> = c.phones.iter().map(|p| phone_key(p)).collect();
    for p in &other.phones {
        let k = phone_key(p);
        if (k.is_none() || !phones.contains(&k)) && !c.phones.contains(p) {
            c.phones.push(p.clone());
        }
    }
    union(&mut c.extra, &other.extra);
    c.tags.extend(other.tags.iter().cloned());
    for (mine, theirs) in [
        (&mut c.company, &other.company),
        (&mut c.title, &other.title),
        (&mut c.address, &other.address),
        (&mut c.segment, &other.segment),
        (&mut c.source, &other.source),
        (&mut c.loyalty_tier, &other.loyalty_tier),
    ] {
        if mine.is_empty() {
            mine.clone_from(theirs);
        }
    }
    if !other.notes.is_empty() && !c.notes.contains(other.notes.as_str()) {
        c.notes = if c.notes.is_empty() {
            other.notes.clone()
        } else {
            format!("{}\n\n{}", c.notes, other.notes)
        };
    }
    for (i, theirs) in other.spin.0.iter().enumerate() {
        if c.spin.0[i].is_empty() {
            c.spin.0[i].clone_from(theirs);
        }
    }
    for (i, theirs) in other.factors.0.iter().enumerate() {
        if c.factors.0[i].is_none() {
            c.factors.0[i] = *theirs;
        }
    }
    c.stage = c.stage.max(other.stage);
    c.level = c.level.max(other.level);
    if c.cadence_days.is_none() {
        c.cadence_days = other.cadence_days;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: u64, name: &str, company: &str, email: &str, phone: &str, created: i64) -> Customer {
        let mut c = Customer::empty(CustomerId(id));
        c.name = name.into();
        c.company = company.into();
        if !email.is_empty() {
            c.emails.push(email.into());
        }
        if !phone.is_empty() {
            c.phones.push(phone.into());
        }
        c.created_at = created;
        c
    }

    #[test]
    fn same_email_phone_or_name_and_company() {
        let all = [
            person(1, "Nguyễn Văn An", "Minh Phát", "an@minhphat.vn", "", 5),
            person(2, "nguyen van an", "MINH PHÁT", "", "", 3),
            person(3, "An Nguyen", "", "AN@minhphat.vn", "", 9),
            person(4, "张伟", "", "", "+86 138 0013 8000", 1),
            person(5, "Zhang Wei", "", "", "138-0013-8000", 2),
            person(6, "Nguyễn Văn An", "", "", "", 1),
            person(7, "Nguyễn Văn An", "Thép Hòa Bình", "", "", 1),
        ];
        let g = groups(&all);
        assert_eq!(
            g,
            vec![
                vec![CustomerId(2), CustomerId(1), CustomerId(3)],
                vec![CustomerId(4), CustomerId(5)]
            ]
        );
    }

    #[test]
    fn phone_keys() {
        assert_eq!(phone_key("+84 912 345 678"), phone_key("0912345678"));
        assert_eq!(phone_key("123"), None);
    }

    #[test]
    fn merging_keeps_the_union() {
        let mut a = person(1, "Lê Lan", "", "lan@a.vn", "0912345678", 1);
        a.tags.insert("vip".into());
        a.notes = "Thích trà".into();
        let mut b = person(2, "Lan Le", "Sao Mai", "lan@b.vn", "+84 912 345 678", 2);
        b.tags.insert("b2b".into());
        b.notes = "Prefers email".into();
        b.stage = crate::domain::Stage::Build;
        let m = merged(&a, &b);
        assert_eq!(m.name, "Lê Lan");
        assert_eq!(m.company, "Sao Mai");
        assert_eq!(m.emails, ["lan@a.vn", "lan@b.vn"]);
        assert_eq!(m.phones, ["0912345678"], "the same number is not added twice");
        assert_eq!(m.tags.len(), 2);
        assert_eq!(m.notes, "Thích trà\n\nPrefers email");
        assert_eq!(m.stage, crate::domain::Stage::Build);
    }
}
