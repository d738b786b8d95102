//! Who is the same person twice: the same email, or the same name
//! (accents, case, spacing and punctuation aside) at the same company, or
//! the same phone number under names that agree (see [`names_agree`]).
//!
//! The same phone number under clearly different names is only a
//! *possible* duplicate: a shared office line, a number passed on to
//! someone else, or a national number read in the wrong country. The
//! import keeps such a contact apart and says so, and the `dupes` command
//! lists the pair for the user to merge deliberately.
//!
//! Phones are compared as whole international numbers (`domain::phone`):
//! `region` is where national numbers were written, when known.

use std::collections::{HashMap, HashSet};

use super::phone::{self, Region};
use super::text::{fold, pinyin, squash};
use super::{Customer, CustomerId, kept};

/// The keys under which a customer can be found again: `e:` email, `p:`
/// phone, `n:` name and company.
pub fn keys(name: &str, company: &str, emails: &[String], phones: &[String], region: Option<Region>) -> Vec<String> {
    let mut out = Vec::new();
    for e in emails {
        let e = e.trim().to_lowercase();
        if !e.is_empty() {
            out.push(format!("e:{e}"));
        }
    }
    for p in phones {
        if let Some(k) = phone_key(p, region) {
            out.push(format!("p:{k}"));
        }
    }
    let (n, c) = (squash(name), squash(company));
    if !n.is_empty() && !c.is_empty() {
        out.push(format!("n:{n}|{c}"));
    }
    out
}

pub fn customer_keys(c: &Customer, region: Option<Region>) -> Vec<String> {
    keys(&c.name, &c.company, &c.emails, &c.phones, region)
}

/// A phone number as a whole international number (`+84903111222`), or
/// as written when it is national and no region is known; `None` for
/// fewer than seven digits.
pub fn phone_key(p: &str, region: Option<Region>) -> Option<String> {
    phone::identity(p, region)
}

/// True when the record's name only stands in for one: a copy of its
/// company, email or phone (what an import names a contact without a
/// name by).
fn stands_in(c: &Customer) -> bool {
    let name = c.name.trim();
    name.eq_ignore_ascii_case(c.company.trim())
        || c.emails.iter().any(|e| e.trim().eq_ignore_ascii_case(name))
        || c.phones.iter().any(|p| p.trim() == name)
}

/// The name to compare, or "" when the record has none of its own (see
/// `stands_in`) or it has no letters.
pub fn real_name(c: &Customer) -> &str {
    let name = c.name.trim();
    if stands_in(c) || !name.chars().any(char::is_alphabetic) {
        ""
    } else {
        name
    }
}

/// The words of a name for comparing: folded (no accents, no case), split
/// at anything not a letter or digit, Chinese characters as their pinyin.
fn words(name: &str) -> Vec<String> {
    let mut text = String::new();
    for ch in name.chars() {
        match pinyin(ch.encode_utf8(&mut [0; 4])) {
            Some(p) => {
                text.push(' ');
                text.push_str(&p);
                text.push(' ');
            }
            None => text.push(ch),
        }
    }
    fold(&text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether two names can be one person's. They agree when either is
/// empty, or when every word of the one with fewer words is a word of the
/// other or its initial (order, accents, case and punctuation aside;
/// Chinese characters compared by pinyin). So "Nguyễn Văn An" agrees with
/// "An Nguyen", "nguyen van an", "An" and "N. V. An"; "张伟" with "Zhang
/// Wei"; "John Smith" with "J. Smith". "Wang Lei" and "Lê Văn Tám" are
/// clearly different. Nicknames ("Bob" for "Robert") are not known, so
/// they read as different: the safe side, since that only means a
/// question instead of a merge.
pub fn names_agree(a: &str, b: &str) -> bool {
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() || a.concat() == b.concat() {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut free: Vec<&str> = long.iter().map(String::as_str).collect();
    // Whole words first, so an initial does not take a word a whole word needs.
    let mut initials = Vec::new();
    for w in &short {
        match free.iter().position(|l| l == w) {
            Some(i) => {
                free.remove(i);
            }
            None => initials.push(w.as_str()),
        }
    }
    initials.into_iter().all(|w| {
        let found = free.iter().position(|l| {
            let (wc, lc) = (w.chars().count(), l.chars().count());
            (wc == 1 && l.starts_with(w)) || (lc == 1 && w.starts_with(l))
        });
        found.map(|i| free.remove(i)).is_some()
    })
}

/// What the index knows a key by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// The same person.
    Same(CustomerId),
    /// Only the same phone, under a clearly different name.
    Possible(CustomerId),
}

/// Customers found by key.
#[derive(Debug, Default)]
pub struct Index {
    by_key: HashMap<String, CustomerId>,
    /// Further customers under a phone key (most keys have one).
    more_by_phone: HashMap<String, Vec<CustomerId>>,
    /// Names to compare when only a phone matches.
    names: HashMap<CustomerId, String>,
}

impl Index {
    /// Adds a customer under its keys; `name` is its [`real_name`].
    pub fn add(&mut self, id: CustomerId, name: &str, keys: &[String]) {
        let mut by_phone = false;
        for k in keys {
            match self.by_key.get(k) {
                None => {
                    self.by_key.insert(k.clone(), id);
                }
                Some(first) if *first != id && k.starts_with("p:") => {
                    let more = self.more_by_phone.entry(k.clone()).or_default();
                    if !more.contains(&id) {
                        more.push(id);
                    }
                }
                Some(_) => {}
            }
            by_phone |= k.starts_with("p:");
        }
        if by_phone && !name.is_empty() {
            self.names.entry(id).or_insert_with(|| name.to_string());
        }
    }

    /// The name a customer added under a phone key was compared by.
    pub fn name(&self, id: CustomerId) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    /// The customer that `keys` (of someone called `name`, their
    /// [`real_name`]) belong to: by email or name and company first, then
    /// by a phone under a name that agrees; else, when a phone is shared
    /// under a clearly different name, that customer as a possible duplicate.
    pub fn find(&self, name: &str, keys: &[String]) -> Option<Found> {
        if let Some(id) = keys
            .iter()
            .filter(|k| !k.starts_with("p:"))
            .find_map(|k| self.by_key.get(k).copied())
        {
            return Some(Found::Same(id));
        }
        let mut possible = None;
        for k in keys.iter().filter(|k| k.starts_with("p:")) {
            let Some(first) = self.by_key.get(k) else { continue };
            let more = self.more_by_phone.get(k).map(Vec::as_slice).unwrap_or_default();
            for id in std::iter::once(first).chain(more) {
                let theirs = self.names.get(id).map(String::as_str).unwrap_or_default();
                if names_agree(name, theirs) {
                    return Some(Found::Same(*id));
                }
                possible.get_or_insert(*id);
            }
        }
        possible.map(Found::Possible)
    }
}

/// Why records were grouped: the kind of key they share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    Email,
    Phone,
    /// The same name at the same company.
    NameCompany,
}

impl Reason {
    /// The reason a key (`e:`, `p:`, `n:`, see [`keys`]) stands for.
    fn of(key: &str) -> Reason {
        match key.as_bytes().first() {
            Some(b'e') => Reason::Email,
            Some(b'p') => Reason::Phone,
            _ => Reason::NameCompany,
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }

    /// Its name in messages (`dupes.reason.<key>`) and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Reason::Email => "email",
            Reason::Phone => "phone",
            Reason::NameCompany => "name_company",
        }
    }
}

/// Customers that look like one person, oldest first (the one a merge
/// keeps unless the user picks another).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Group {
    pub ids: Vec<CustomerId>,
    /// False when some of them are linked only by a phone shared under
    /// clearly different names: a question for the user, never merged
    /// without being asked.
    pub certain: bool,
    /// Why they were grouped: every kind of key that links two of them,
    /// in [`Reason`] order.
    pub reasons: Vec<Reason>,
}

/// Pairs of customers the user said are different people, each as
/// [`pair`] writes it.
pub type Apart = HashSet<(CustomerId, CustomerId)>;

/// Two customers as one unordered pair: the lower id first.
pub fn pair(a: CustomerId, b: CustomerId) -> (CustomerId, CustomerId) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Every pair of `ids`, as [`pair`] writes them: what "not duplicates"
/// records for a group.
pub fn pairs_of(ids: &[CustomerId]) -> Vec<(CustomerId, CustomerId)> {
    let mut out = Vec::new();
    for (n, a) in ids.iter().enumerate() {
        for b in &ids[n + 1..] {
            if a != b {
                out.push(pair(*a, *b));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Groups of customers that are the same person. Customers are linked
/// when they share any key, unless `apart` says the two are different
/// people; a group is certain when its links by email, name and company,
/// or phone under agreeing names hold it together. A pair kept apart can
/// still meet in one group through a third customer that matches both.
pub fn groups(customers: &[Customer], region: Option<Region>, apart: &Apart) -> Vec<Group> {
    let n = customers.len();
    let mut any = Links::new(n);
    let mut sure = Links::new(n);
    // Everyone under each key, in order: each newcomer is compared with
    // all of them, since a pair kept apart leaves a key's holders in
    // different groups.
    let mut holders: HashMap<String, Vec<usize>> = HashMap::new();
    // Which kinds of keys linked each customer to another.
    let mut reasons = vec![0u8; n];
    let at: HashMap<CustomerId, usize> = if apart.is_empty() {
        HashMap::new()
    } else {
        customers.iter().enumerate().map(|(i, c)| (c.id, i)).collect()
    };
    let apart: HashSet<(usize, usize)> = apart
        .iter()
        .filter_map(|(a, b)| Some((*at.get(a)?, *at.get(b)?)))
        .flat_map(|(a, b)| [(a, b), (b, a)])
        .collect();
    for (i, c) in customers.iter().enumerate() {
        let name = real_name(c);
        for k in customer_keys(c, region) {
            let reason = Reason::of(&k);
            let list = holders.entry(k).or_default();
            if list.last() == Some(&i) {
                continue;
            }
            for &j in list.iter() {
                if apart.contains(&(i, j)) {
                    continue;
                }
                reasons[i] |= reason.bit();
                reasons[j] |= reason.bit();
                if any.root(i) == any.root(j) && sure.root(i) == sure.root(j) {
                    continue;
                }
                let agree = reason != Reason::Phone || names_agree(name, real_name(&customers[j]));
                if agree {
                    sure.join(i, j);
                }
                any.join(i, j);
            }
            list.push(i);
        }
    }
    let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = any.root(i);
        by_root.entry(r).or_default().push(i);
    }
    let mut out: Vec<Group> = by_root
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            let one = sure.root(g[0]);
            let certain = g.iter().all(|&i| sure.root(i) == one);
            let bits = g.iter().fold(0, |b, &i| b | reasons[i]);
            g.sort_by_key(|&i| (customers[i].created_at, customers[i].id));
            Group {
                ids: g.into_iter().map(|i| customers[i].id).collect(),
                certain,
                reasons: [Reason::Email, Reason::Phone, Reason::NameCompany]
                    .into_iter()
                    .filter(|r| bits & r.bit() != 0)
                    .collect(),
            }
        })
        .collect();
    out.sort();
    out
}

/// Union-find over customer positions.
struct Links(Vec<usize>);

impl Links {
    fn new(n: usize) -> Links {
        Links((0..n).collect())
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.0[a] = b;
        }
    }
}

/// `into` with what `other` adds, losing nothing of either: every email,
/// phone (one of each number, compared as in [`phone_key`]), tag and kept
/// property of both; a name, company or title that differs from `into`'s
/// kept as another value ([`kept`], shown with the record and written on
/// export); both addresses; the fields `into` leaves empty taken from
/// `other`; notes of both; the later stage and the higher level. A name
/// that only stands in for one ([`real_name`]) gives way to a real one.
pub fn merged(into: &Customer, other: &Customer, region: Option<Region>) -> Customer {
    let mut c = into.clone();
    let union = |a: &mut Vec<String>, b: &[String]| {
        for v in b {
            if !a.iter().any(|x| x.eq_ignore_ascii_case(v)) {
                a.push(v.clone());
            }
        }
    };
    union(&mut c.emails, &other.emails);
    let phones: Vec<Option<String>> = c.phones.iter().map(|p| phone_key(p, region)).collect();
    for p in &other.phones {
        let k = phone_key(p, region);
        if (k.is_none() || !phones.contains(&k)) && !c.phones.contains(p) {
            c.phones.push(p.clone());
        }
    }
    union(&mut c.extra, &other.extra);
    c.tags.extend(other.tags.iter().cloned());
    let (mine, theirs) = (real_name(into).to_string(), real_name(other));
    if mine.is_empty() && !theirs.is_empty() {
        c.name = theirs.to_string();
        if !stands_in(into) {
            kept::keep(&mut c.extra, "FN", &c.name, &into.name);
        }
    } else if !theirs.is_empty() {
        kept::keep(&mut c.extra, "FN", &c.name, theirs);
    }
    for (property, mine, theirs) in [
        ("ORG", &mut c.company, &other.company),
        ("TITLE", &mut c.title, &other.title),
    ] {
        if mine.is_empty() {
            mine.clone_from(theirs);
        } else {
            kept::keep(&mut c.extra, property, mine, theirs);
        }
    }
    if c.address.is_empty() {
        c.address.clone_from(&other.address);
    } else if !other.address.is_empty() && !squash(&c.address).contains(&squash(&other.address)) {
        c.address = format!("{} / {}", c.address, other.address);
    }
    for (mine, theirs) in [
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
    use proptest::prelude::*;

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

    fn vn() -> Option<Region> {
        Region::parse("VN")
    }

    fn certain(ids: &[u64], reasons: &[Reason]) -> Group {
        Group {
            ids: ids.iter().map(|i| CustomerId(*i)).collect(),
            certain: true,
            reasons: reasons.to_vec(),
        }
    }

    fn grouped(customers: &[Customer], region: Option<Region>) -> Vec<Group> {
        groups(customers, region, &Apart::new())
    }

    #[test]
    fn same_email_phone_or_name_and_company() {
        let all = [
            person(1, "Nguyễn Văn An", "Minh Phát", "an@minhphat.vn", "", 5),
            person(2, "nguyen van an", "MINH PHÁT", "", "", 3),
            person(3, "An Nguyen", "", "AN@minhphat.vn", "", 9),
            person(4, "张伟", "", "", "+86 138 0013 8000", 1),
            person(5, "Zhang Wei", "", "", "0086 138-0013-8000", 2),
            person(6, "Nguyễn Văn An", "", "", "", 1),
            person(7, "Nguyễn Văn An", "Thép Hòa Bình", "", "", 1),
        ];
        assert_eq!(
            grouped(&all, None),
            vec![
                certain(&[2, 1, 3], &[Reason::Email, Reason::NameCompany]),
                certain(&[4, 5], &[Reason::Phone])
            ]
        );
    }

    #[test]
    fn every_reason_a_group_holds_is_named() {
        let all = [
            person(1, "Lê Lan", "Sao Mai", "lan@saomai.vn", "0912 345 678", 1),
            person(2, "Le Lan", "SAO MAI", "LAN@saomai.vn", "+84 912 345 678", 2),
        ];
        let both = grouped(&all, vn());
        assert_eq!(
            both,
            vec![certain(&[1, 2], &[Reason::Email, Reason::Phone, Reason::NameCompany])]
        );
        assert_eq!(
            grouped(&all, None)[0].reasons,
            [Reason::Email, Reason::NameCompany],
            "without a region the national number is not the international one"
        );
        let keys: Vec<&str> = both[0].reasons.iter().map(|r| r.key()).collect();
        assert_eq!(keys, ["email", "phone", "name_company"]);
    }

    #[test]
    fn a_pair_kept_apart_is_not_grouped_but_a_newcomer_still_is() {
        let a = person(1, "Trần Minh", "Sao Mai", "minh@saomai.vn", "", 1);
        let b = person(2, "Tran Minh", "Sao Mai", "minh@saomai.vn", "0912 345 678", 2);
        let apart: Apart = pairs_of(&[b.id, a.id]).into_iter().collect();
        assert_eq!(apart, Apart::from([(CustomerId(1), CustomerId(2))]));
        assert!(groups(&[a.clone(), b.clone()], vn(), &apart).is_empty());
        // A third record sharing only B's phone groups with B alone.
        let c = person(3, "Minh Tran", "", "", "+84 912 345 678", 3);
        assert_eq!(
            groups(&[a.clone(), b.clone(), c.clone()], vn(), &apart),
            vec![certain(&[2, 3], &[Reason::Phone])]
        );
        // One matching both brings both, though the pair itself stays unlinked.
        let d = person(4, "Trần Minh", "", "MINH@saomai.vn", "", 4);
        let found = groups(&[a.clone(), b.clone(), d], None, &apart);
        assert_eq!(found, vec![certain(&[1, 2, 4], &[Reason::Email])]);
        // Apart from one another, and each from the newcomer: nothing left.
        let d_too: Apart = pairs_of(&[a.id, b.id, CustomerId(4)]).into_iter().collect();
        let d = person(4, "Trần Minh", "", "MINH@saomai.vn", "", 4);
        assert!(groups(&[a, b, d], None, &d_too).is_empty());
    }

    #[test]
    fn a_phone_under_different_names_is_only_a_possible_duplicate() {
        let all = [
            person(1, "Lê Văn Tám", "Thép Việt", "", "+84 903 111 222", 1),
            person(2, "John Smith", "", "", "(903) 111-222", 2),
            person(3, "Wang Lei", "", "", "+86 903 111 222", 3),
        ];
        assert!(
            grouped(&all, None).is_empty(),
            "no region: (903) 111-222 is no known country's"
        );
        assert_eq!(
            grouped(&all, vn()),
            vec![Group {
                ids: vec![CustomerId(1), CustomerId(2)],
                certain: false,
                reasons: vec![Reason::Phone],
            }]
        );
        let us = Region::parse("US");
        assert!(grouped(&all, us).is_empty(), "+1 903 111 222 is nobody's");
        // A third record that agrees with both names does not make it certain.
        let mut more = all.to_vec();
        more.push(person(4, "Tám", "", "", "0903111222", 4));
        assert!(!grouped(&more, vn())[0].certain);
        more.truncate(1);
        more.push(person(4, "L. V. Tám", "", "", "0903111222", 4));
        assert_eq!(grouped(&more, vn()), vec![certain(&[1, 4], &[Reason::Phone])]);
    }

    #[test]
    fn names_that_agree_and_names_that_do_not() {
        for (a, b) in [
            ("Nguyễn Văn An", "An Nguyen"),
            ("Nguyễn Văn An", "nguyen van an"),
            ("Nguyễn Văn An", "An"),
            ("Nguyễn Văn An", "N. V. An"),
            ("Nguyễn-Văn-An", "NguyenVanAn"),
            ("张伟", "Zhang Wei"),
            ("John Smith", "J. Smith"),
            ("John Smith", "Smith, John"),
            ("Lê Văn Tám", ""),
        ] {
            assert!(names_agree(a, b), "{a} / {b}");
            assert!(names_agree(b, a), "{b} / {a}");
        }
        for (a, b) in [
            ("Wang Lei", "Lê Văn Tám"),
            ("John Smith", "Lê Văn Tám"),
            ("John Smith", "Jane Smith"),
            ("张伟", "王磊"),
            ("Robert Brown", "Bob Brown"),
            ("J. Smith", "K. Smith"),
        ] {
            assert!(!names_agree(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn the_index_merges_agreeing_names_and_questions_the_others() {
        let mut index = Index::default();
        let tam = person(1, "Lê Văn Tám", "Thép Việt", "tam@thep.vn", "+84 903 111 222", 1);
        index.add(tam.id, real_name(&tam), &customer_keys(&tam, vn()));
        let find = |index: &Index, c: &Customer| index.find(real_name(c), &customer_keys(c, vn()));
        let john = person(2, "John Smith", "", "", "(903) 111-222", 2);
        assert_eq!(find(&index, &john), Some(Found::Possible(CustomerId(1))));
        let tam_again = person(3, "Tám Lê", "", "", "0903 111 222", 2);
        assert_eq!(find(&index, &tam_again), Some(Found::Same(CustomerId(1))));
        let nameless = person(4, "0903 111 222", "", "", "0903 111 222", 2);
        assert_eq!(
            find(&index, &nameless),
            Some(Found::Same(CustomerId(1))),
            "no name to disagree"
        );
        let by_email = person(5, "Someone Else", "", "TAM@thep.vn", "", 2);
        assert_eq!(
            find(&index, &by_email),
            Some(Found::Same(CustomerId(1))),
            "an email is one person"
        );
        let wang = person(6, "Wang Lei", "", "", "+86 903 111 222", 2);
        assert_eq!(find(&index, &wang), None);
        // John, once added, is found by his own name under the shared number.
        index.add(john.id, real_name(&john), &customer_keys(&john, vn()));
        let john_again = person(7, "John Smith", "", "", "+84 903 111 222", 2);
        assert_eq!(find(&index, &john_again), Some(Found::Same(CustomerId(2))));
    }

    #[test]
    fn phone_keys() {
        assert_eq!(phone_key("+84 912 345 678", None), phone_key("0912345678", vn()));
        assert_ne!(phone_key("+84 912 345 678", None), phone_key("0912345678", None));
        assert_ne!(phone_key("+84 903 111 222", vn()), phone_key("+86 903 111 222", vn()));
        assert_eq!(phone_key("123", vn()), None);
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
        let m = merged(&a, &b, vn());
        assert_eq!(m.name, "Lê Lan");
        assert_eq!(kept::other_names(&m.extra), ["Lan Le"]);
        assert_eq!(m.company, "Sao Mai");
        assert_eq!(m.emails, ["lan@a.vn", "lan@b.vn"]);
        assert_eq!(m.phones, ["0912345678"], "the same number is not added twice");
        assert_eq!(m.tags.len(), 2);
        assert_eq!(m.notes, "Thích trà\n\nPrefers email");
        assert_eq!(m.stage, crate::domain::Stage::Build);
        let without_region = merged(&a, &b, None);
        assert_eq!(without_region.phones, ["0912345678", "+84 912 345 678"]);
    }

    #[test]
    fn merging_keeps_a_second_name_company_title_and_address() {
        let mut tam = person(1, "Lê Văn Tám", "Thép Việt", "", "+84 903 111 222", 1);
        tam.title = "Giám đốc".into();
        tam.address = "12 Lê Lợi, Huế".into();
        let mut john = person(2, "John Smith", "Acme", "john@acme.com", "(903) 111-222", 2);
        john.title = "CEO".into();
        john.address = "1 Main St".into();
        let m = merged(&tam, &john, None);
        assert_eq!((m.name.as_str(), m.company.as_str()), ("Lê Văn Tám", "Thép Việt"));
        assert_eq!(kept::other_names(&m.extra), ["John Smith"]);
        assert_eq!(kept::other_companies(&m.extra), ["Acme"]);
        assert_eq!(kept::other_titles(&m.extra), ["CEO"]);
        assert_eq!(m.address, "12 Lê Lợi, Huế / 1 Main St");
        assert_eq!(m.phones, ["+84 903 111 222", "(903) 111-222"]);
        assert_eq!(merged(&m, &john, None), m, "merging again adds nothing");
        // A name that only stood in for one gives way, and is not kept twice.
        let nameless = person(3, "an@x.vn", "", "an@x.vn", "", 1);
        let named = person(4, "Trần An", "", "an@x.vn", "", 2);
        let m = merged(&nameless, &named, None);
        assert_eq!(m.name, "Trần An");
        assert!(kept::other_names(&m.extra).is_empty());
    }

    fn any_customer(id: u64) -> impl Strategy<Value = Customer> {
        let name = prop::sample::select(vec![
            "Lê Văn Tám",
            "Wang Lei",
            "John Smith",
            "张伟",
            "Zhang Wei",
            "an@x.vn",
            "Smith, John",
            "",
        ]);
        let company = prop::sample::select(vec!["", "Thép Việt", "Acme; Inc.", "IBM / Accounting", "acme inc"]);
        let title = prop::sample::select(vec!["", "CEO", "Giám đốc"]);
        let emails = prop::collection::vec(prop::sample::select(vec!["an@x.vn", "AN@x.vn", "john@acme.com"]), 0..3);
        let phones = prop::collection::vec(
            prop::sample::select(vec![
                "+84 903 111 222",
                "0903 111 222",
                "(903) 111-222",
                "+86 903 111 222",
                "12",
            ]),
            0..3,
        );
        let extra = prop::collection::vec(
            prop::sample::select(vec!["FN:Tí", "ORG:Sao Mai", "BDAY:1980-01-02"]),
            0..2,
        );
        (name, company, title, emails, phones, extra).prop_map(move |(n, co, ti, e, p, x)| {
            let mut c = Customer::empty(CustomerId(id));
            c.name = if n.is_empty() { "Khách".into() } else { n.into() };
            c.company = co.into();
            c.title = ti.into();
            c.emails = e.into_iter().map(String::from).collect();
            c.phones = p.into_iter().map(String::from).collect();
            c.extra = x.into_iter().map(String::from).collect();
            c
        })
    }

    proptest! {
        /// Every name, email, phone, company and title of both records is
        /// findable in the merged one.
        #[test]
        fn a_merge_loses_nothing(a in any_customer(1), b in any_customer(2), region in prop::option::of(Just("VN"))) {
            let region = region.and_then(Region::parse);
            let m = merged(&a, &b, region);
            let names: Vec<String> = std::iter::once(m.name.clone()).chain(kept::other_names(&m.extra)).map(|n| squash(&n)).collect();
            let companies: Vec<String> = std::iter::once(m.company.clone()).chain(kept::other_companies(&m.extra)).map(|n| squash(&n)).collect();
            let titles: Vec<String> = std::iter::once(m.title.clone()).chain(kept::other_titles(&m.extra)).map(|n| squash(&n)).collect();
            for c in [&a, &b] {
                let stands_in = real_name(c).is_empty();
                prop_assert!(stands_in || names.contains(&squash(&c.name)), "name {} lost: {:?}", c.name, m);
                for n in kept::other_names(&c.extra) {
                    prop_assert!(names.contains(&squash(&n)), "other name {} lost: {:?}", n, m);
                }
                prop_assert!(c.company.is_empty() || companies.contains(&squash(&c.company)), "company {} lost: {:?}", c.company, m);
                prop_assert!(c.title.is_empty() || titles.contains(&squash(&c.title)), "title {} lost: {:?}", c.title, m);
                for e in &c.emails {
                    prop_assert!(m.emails.iter().any(|x| x.eq_ignore_ascii_case(e)), "email {} lost", e);
                }
                for p in &c.phones {
                    let k = phone_key(p, region);
                    prop_assert!(
                        m.phones.contains(p) || (k.is_some() && m.phones.iter().any(|x| phone_key(x, region) == k)),
                        "phone {} lost: {:?}", p, m.phones
                    );
                }
            }
        }
    }
}
