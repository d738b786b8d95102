//! Every field guanxi has survives a trip out through vCard or CSV and
//! back in through the importer.

use guanxi::domain::{Customer, CustomerId, Factor, Level, Rules, SpinPart, Stage};
use guanxi::interop::{Contact, csv, import, vcard};
use guanxi::store::{OpenOptions, Store};
use guanxi::workspace::Clock;
use proptest::prelude::*;

const TEXT: &str =
    "[a-zA-Z0-9àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ张伟李娜深圳华信公司 ,;:'\"/-]{0,20}";

fn text() -> impl Strategy<Value = String> {
    TEXT.prop_map(|s| guanxi::domain::text::clean(&s))
}

prop_compose! {
    fn customer()(name in "[A-Za-zĐđàáảãạÂâấầ张伟李][a-zàáảãạđ伟娜 ]{0,12}[a-z伟娜]", company in text(), title in text(),
        emails in proptest::collection::vec("[a-z0-9]{1,8}@[a-z]{1,8}\\.vn", 0..3),
        phones in proptest::collection::vec("\\+84 9[0-9]{2} [0-9]{3} [0-9]{3}", 0..3),
        address in text(), tags in proptest::collection::btree_set("[a-z]{1,6}", 0..4),
        segment in text(), source in text(), owner in "[A-Za-z]{1,8}", tier in text(), notes in text(),
        stage in 0..7usize, level in 0..5usize, factors in proptest::collection::vec(proptest::option::of(0..=5u8), 5),
        spin in proptest::collection::vec(text(), 4), cadence in proptest::option::of(1..=365u16),
        extra in proptest::collection::vec("X-[A-Z]{1,6}:[a-z0-9]{1,10}", 0..3)) -> Customer {
        let mut c = Customer::empty(CustomerId(1));
        c.name = guanxi::domain::text::clean(&name);
        c.company = company; c.title = title; c.emails = emails; c.phones = phones;
        c.address = address; c.tags = tags; c.segment = segment; c.source = source; c.owner = owner;
        c.loyalty_tier = tier; c.notes = notes; c.stage = Stage::ALL[stage]; c.level = Level::ALL[level];
        for (i, f) in Factor::ALL.iter().enumerate() { c.factors.set(*f, factors[i]); }
        for (i, p) in SpinPart::ALL.iter().enumerate() { c.spin.set(*p, spin[i].clone()); }
        c.cadence_days = cadence; c.extra = extra;
        // Phones and emails are written once each.
        c.emails.dedup(); c.phones.dedup();
        c
    }
}

/// Imports `bytes` into a new workspace and returns its one customer.
fn import_one(bytes: &[u8]) -> Customer {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(OpenOptions {
        workspace: dir.path().join("ws"),
        state_root: dir.path().join("state"),
        author: "An".into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
    .unwrap();
    let read = import::read(bytes, None, &[]).unwrap();
    let mut plan = import::plan(&mut store, read.records, 0).unwrap();
    assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    import::apply(&mut store, &mut plan, None, |_, _| true).unwrap();
    let all = store.customers().unwrap();
    assert_eq!(all.len(), 1);
    all.into_iter().next().unwrap().customer
}

/// The fields a person sees and edits (not ids, times or derived figures).
fn fields(c: &Customer) -> Customer {
    let mut x = Customer::empty(CustomerId(0));
    x.name = c.name.clone();
    x.company = c.company.clone();
    x.title = c.title.clone();
    x.emails = c.emails.clone();
    x.phones = c.phones.clone();
    x.address = c.address.clone();
    x.tags = c.tags.clone();
    x.segment = c.segment.clone();
    x.source = c.source.clone();
    x.owner = c.owner.clone();
    x.loyalty_tier = c.loyalty_tier.clone();
    x.notes = c.notes.clone();
    x.stage = c.stage;
    x.level = c.level;
    x.factors = c.factors;
    x.spin = c.spin.clone();
    x.cadence_days = c.cadence_days;
    x.extra = c.extra.clone();
    x
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn vcard_export_then_import_keeps_every_field(c in customer()) {
        let card = vcard::write(&[Contact::of(&c)]);
        let back = import_one(card.as_bytes());
        prop_assert_eq!(fields(&back), fields(&c), "via:\n{}", card);
    }

    #[test]
    fn csv_export_then_import_keeps_every_field(c in customer()) {
        let file = csv::write(&[Contact::of(&c)]);
        let back = import_one(file.as_bytes());
        prop_assert_eq!(fields(&back), fields(&c), "via:\n{}", file);
    }
}
