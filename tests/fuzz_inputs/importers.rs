//! The three importers (CSV, vCard, guanxi JSON) and format detection, fed
//! random bytes and damaged real files: each read gives records or errors
//! that can be shown, never a panic; and a damaged file imported into a
//! real store leaves a store `doctor` calls healthy.

use guanxi::domain::Rules;
use guanxi::interop::import::{self, Format};
use guanxi::interop::{csv, json, vcard};
use guanxi::store::{OpenOptions, Store};
use guanxi::workspace::Clock;
use proptest::prelude::*;

use super::budget::within;
use super::mutate::{damaged, input};
use super::{CASES, STORE_CASES, cases, fixtures_in};

const CSV_TOKENS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b",",
    b";",
    b"\t",
    b"|",
    b"\r\n",
    b"\n",
    b"\r",
    b" ::: ",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"sep=;\n",
    b"Name",
    b"E-mail 1 - Value",
    b"Phone 1 - Value",
    b"Stage",
    b"Tags",
    b"Extra",
    b"=",
    b"Giai \xc4\x91o\xe1\xba\xa1n",
    b"\xe5\xa7\x93\xe5\x90\x8d",
];

const VCARD_TOKENS: &[&[u8]] = &[
    b"BEGIN:VCARD\r\n",
    b"END:VCARD\r\n",
    b"VERSION:2.1\r\n",
    b"\r\n ",
    b"\r\n\t",
    b"=\r\n",
    b"=C3=A9",
    b"=",
    b";",
    b":",
    b",",
    b"\\",
    b"\\n",
    b"ENCODING=QUOTED-PRINTABLE",
    b"CHARSET=windows-1258",
    b"CHARSET=GB2312",
    b"ENCODING=b",
    b"item1.",
    b"FN:",
    b"N:",
    b"EMAIL;TYPE=work:",
    b"TEL;CELL:",
    b"X-GUANXI-FIELD;KEY=stage:",
    b"PHOTO;ENCODING=BASE64:",
    b"\xef\xbb\xbf",
];

const JSON_TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b":",
    b"null",
    b"true",
    b"-1",
    b"1e308",
    b"-1e308",
    b"18446744073709551616",
    b"\"\\u0000\"",
    b"\"\\ud800\"",
    b"\"2026-13-45T99:99:99Z\"",
    b"\"+275760-09-13T00:00:00Z\"",
    b"\"9999-12-31\"",
    b"\"id\":",
    b"\"stage\":",
    b"\"amount\":",
    b"\"at\":",
    b"\"due\":",
    b"\"cadence_days\":",
    b"\"satisfaction\":",
    b"\"interactions\":[]",
    b"\"extra\":[\"X-K:v\"]",
    b"\"loyalty\"",
    b"\"purchase\"",
];

/// A guanxi export with everything a customer can hold.
const EXPORT: &str = r#"{
  "format": "guanxi",
  "version": 1,
  "customers": [
    {
      "id": "23a7570c55727f9e", "name": "Nguyễn Thị Lan", "company": "Công ty A", "title": "",
      "emails": ["lan@a.vn"], "phones": ["+84 90 123 4567"], "address": "", "tags": ["vip"],
      "segment": "", "source": "", "owner": "An", "loyalty_tier": "", "notes": "",
      "stage": "develop", "level": "basic",
      "factors": {"trust": 4, "satisfaction": null, "value": null, "communication": null, "social_bond": null},
      "spin": {"situation": "đang dùng X", "problem": "", "implication": "", "need": ""},
      "cadence_days": 10, "created_at": "2026-11-26T08:38:47.656Z", "created_by": "An", "extra": [],
      "interactions": [
        {"id": "0d00db0fa38f4186", "at": "2026-11-26T08:38:47.741Z", "channel": "purchase", "direction": "out",
         "summary": "gọi điện", "body": "", "outcome": "", "satisfaction": 4, "amount": 1500000.0, "author": "An"}
      ],
      "follow_ups": [
        {"id": "7962c301ec48d21b", "due": "2026-12-01", "what": "gửi báo giá", "done_at": null, "author": "An",
         "created_at": "2026-11-26T08:38:47.997Z"}
      ],
      "stage_history": [
        {"at": "2026-11-26T08:38:48.152Z", "by": "An", "from": "attract", "to": "develop"}
      ]
    },
    {
      "id": "5c1d9e0a77b2e401", "name": "张伟", "company": "深圳华信科技有限公司", "title": "经理",
      "emails": ["zhang.wei@huaxin.cn"], "phones": [], "address": "深圳", "tags": [],
      "segment": "", "source": "", "owner": "Binh", "loyalty_tier": "gold", "notes": "多次采购",
      "stage": "loyalty", "level": "partnership",
      "factors": {"trust": 5, "satisfaction": 4, "value": 3, "communication": 2, "social_bond": 1},
      "spin": {"situation": "", "problem": "", "implication": "", "need": ""},
      "cadence_days": null, "created_at": "2025-01-02T03:04:05Z", "created_by": "Binh",
      "extra": ["BDAY:1980-02-29"],
      "interactions": [], "follow_ups": [], "stage_history": []
    }
  ]
}"#;

pub fn export_seed() -> Vec<u8> {
    EXPORT.as_bytes().to_vec()
}

fn csv_seeds() -> Vec<Vec<u8>> {
    fixtures_in("tests/fixtures/csv", "csv")
}

fn vcard_seeds() -> Vec<Vec<u8>> {
    fixtures_in("tests/fixtures/corpus/vcard", "vcf")
}

/// A read that worked shows its notes; one that did not says why.
fn shown(read: Result<import::Read, import::ImportError>) {
    match read {
        Ok(r) => {
            for rec in r.records {
                if let Err(note) = rec {
                    assert!(!note.place.is_empty());
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

fn open(dir: &std::path::Path) -> Store {
    Store::open(OpenOptions {
        workspace: dir.join("workspace"),
        state_root: dir.join("state"),
        author: "An".into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
    .expect("open a new store")
}

/// A damaged file of any of the three formats (each as likely), with
/// every format's tokens: a CSV may grow vCard lines and the like.
fn any_file() -> impl Strategy<Value = Vec<u8>> {
    let tokens: &'static [&'static [u8]] =
        Box::leak([CSV_TOKENS, VCARD_TOKENS, JSON_TOKENS].concat().into_boxed_slice());
    prop_oneof![
        damaged(csv_seeds(), tokens),
        damaged(vcard_seeds(), tokens),
        damaged(vec![export_seed()], tokens),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(CASES), ..ProptestConfig::default() })]

    #[test]
    fn csv_reads_or_says_why(bytes in input(csv_seeds(), CSV_TOKENS)) {
        within("csv", || {
            let _ = csv::looks_like(&bytes);
            if let Ok(read) = csv::read(&bytes, &[]) {
                for row in read.rows.iter().filter_map(|r| r.as_ref().err()) {
                    assert!(!row.to_string().is_empty());
                }
            }
            let _ = csv::read(&bytes, &[("Name".into(), "stage".into()), ("E-mail 1 - Value".into(), "tags".into())]);
            shown(import::read(&bytes, Some(Format::Csv), &[]));
        })?;
    }

    #[test]
    fn vcard_reads_or_says_why(bytes in input(vcard_seeds(), VCARD_TOKENS)) {
        within("vcard", || {
            let _ = vcard::looks_like(&bytes);
            for card in vcard::read(&bytes) {
                if let Err(e) = card {
                    assert!(!e.to_string().is_empty());
                }
            }
            shown(import::read(&bytes, Some(Format::Vcard), &[]));
        })?;
    }

    #[test]
    fn json_reads_or_says_why(bytes in input(vec![export_seed()], JSON_TOKENS)) {
        within("json", || {
            let _ = json::looks_like(&bytes);
            match json::read(&bytes) {
                Ok(export) => {
                    for e in export.customers.into_iter().filter_map(Result::err) {
                        assert!(!e.to_string().is_empty());
                    }
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
            shown(import::read(&bytes, Some(Format::Json), &[]));
        })?;
    }

    #[test]
    fn any_format_is_recognised_or_refused(bytes in any_file()) {
        within("detect", || {
            let _ = Format::detect(&bytes);
            shown(import::read(&bytes, None, &[]));
        })?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(STORE_CASES), ..ProptestConfig::default() })]

    /// Whatever a damaged file brings in, the store stays whole.
    #[test]
    fn a_damaged_file_imports_into_a_healthy_store(bytes in any_file()) {
        let Ok(read) = import::read(&bytes, None, &[]) else {
            return Ok(());
        };
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        let mut plan = import::plan(&mut store, read.records, 0).expect("plan");
        import::apply(&mut store, &mut plan, None, |_, _| true).expect("apply");
        for c in store.customers().expect("customers") {
            store.timeline(c.customer.id).expect("timeline");
        }
        let report = store.doctor().expect("doctor");
        prop_assert!(report.healthy(), "{:?}", report.problems);
    }
}

#[test]
fn seeds_read_whole() {
    let read = import::read(&export_seed(), None, &[]).unwrap();
    assert_eq!(read.format, Format::Json);
    assert!(read.records.iter().all(Result::is_ok), "{:?}", read.records);
    assert_eq!(read.records.len(), 2);
    assert!(csv_seeds().len() >= 5 && vcard_seeds().len() >= 10);
}
