//! Import, export and duplicates through the real binary: the corpus of
//! real vCards, CSV files from Google and Outlook, and merging.

mod common;

use std::path::PathBuf;

use common::Sandbox;
use serde_json::Value;

fn corpus() -> Vec<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus/vcard"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "vcf"))
        .collect();
    files.sort();
    files
}

/// One file of the corpus, by name.
fn corpus_file(name: &str) -> PathBuf {
    corpus()
        .into_iter()
        .find(|p| p.ends_with(name))
        .unwrap_or_else(|| panic!("{name} in the corpus"))
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/csv/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// What a person sees of every customer: sorted, without ids and times.
fn people(s: &Sandbox) -> Vec<Value> {
    let list = s.json(&["list", "--json"]);
    let mut out: Vec<Value> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let full = s.json(&["show", c["id"].as_str().unwrap(), "--json"]);
            serde_json::json!({
                "name": full["name"], "company": full["company"], "title": full["title"],
                "emails": full["emails"], "phones": full["phones"], "address": full["address"],
                "notes": full["notes"], "tags": full["tags"],
            })
        })
        .collect();
    out.sort_by_key(|v| v.to_string());
    out
}

#[test]
fn every_corpus_vcard_imports_and_round_trips() {
    for file in corpus() {
        let a = Sandbox::new();
        let out = a.ok(&["import", file.to_str().unwrap()]);
        assert!(out.contains("0 skipped"), "{}: {out}", file.display());
        assert!(!out.contains("skipped line"), "{}: {out}", file.display());
        let before = people(&a);
        assert!(!before.is_empty(), "{}", file.display());
        let exported = a.dir.path().join("out.vcf");
        a.ok(&["export", "--format", "vcard", "-o", exported.to_str().unwrap()]);
        let b = Sandbox::new();
        b.ok(&["import", exported.to_str().unwrap()]);
        assert_eq!(
            people(&b),
            before,
            "{} changed on its way out and back in",
            file.display()
        );
    }
}

#[test]
fn the_corpus_keeps_what_a_person_sees() {
    let s = Sandbox::new();
    // Per-file expectations for every card are in tests/interop_vcard.rs;
    // here, the same through the whole import, for two files.
    let file = corpus_file("John_Doe_IPHONE.vcf");
    s.ok(&["import", file.to_str().unwrap()]);
    let john = s.json(&["show", "john", "--json"]);
    assert_eq!(john["name"], "Mr. John Richter James Doe Sr.");
    assert_eq!(john["company"], "IBM / Accounting");
    assert_eq!(john["title"], "Money Counter");
    assert_eq!(john["emails"], serde_json::json!(["john.doe@ibm.com"]));
    assert_eq!(john["phones"].as_array().unwrap().len(), 7);
    let gmail = Sandbox::new();
    let file = corpus_file("John_Doe_GMAIL.vcf");
    gmail.ok(&["import", file.to_str().unwrap()]);
    let john = gmail.json(&["show", "john", "--json"]);
    assert!(
        john["notes"].as_str().unwrap().starts_with("THIS SOFTWARE IS PROVIDED"),
        "{john}"
    );
}

/// RFC 6350's own example writes an extension as a `tel:` URI's `;ext=`:
/// a phone number like any other, not a note that something was wrong.
#[test]
fn a_vcard_4_extension_is_a_phone_number() {
    let s = Sandbox::new();
    let file = corpus_file("rfc6350-example.vcf");
    let out = s.ok(&["import", file.to_str().unwrap()]);
    assert!(!out.contains("not a phone number"), "{out}");
    let simon = s.json(&["show", "perreault", "--json"]);
    assert_eq!(
        simon["phones"],
        serde_json::json!(["+1-418-656-9254;ext=102", "+1-418-262-6501"])
    );
}

#[test]
fn google_and_outlook_csv_with_vietnamese_and_chinese_names() {
    let s = Sandbox::new();
    for f in ["google_old.csv", "google_new.csv", "outlook.csv"] {
        let out = s.ok(&["import", &fixture(f)]);
        assert!(out.contains("as csv"), "{out}");
    }
    let minh = s.json(&["show", "le van minh", "--json"]);
    assert_eq!(minh["name"], "Lê Văn Minh");
    assert_eq!(minh["company"], "Ngân hàng TMCP Á Châu");
    assert_eq!(
        minh["notes"],
        "Cần báo giá trước 15/7.\nƯu tiên gói Doanh nghiệp.\nVợ: chị Lan"
    );
    assert!(
        minh["emails"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "minh.le@acb.com.vn")
    );
    let list = s.json(&["list", "--json"]);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))),
        "{names:?}"
    );
    // Importing the same files again finds everyone already there.
    let again = s.ok(&["import", &fixture("google_new.csv")]);
    assert!(again.contains("0 new"), "{again}");
}

#[test]
fn bad_rows_are_reported_with_their_lines_and_the_rest_imported() {
    let s = Sandbox::new();
    let file = s.dir.path().join("crm.csv");
    std::fs::write(
        &file,
        "Name,Email,Phone,Stage\r\nTrần Văn An,an@x.vn,0912345678,build\r\n,,,\r\n\"Lý Thị Bé\",not-an-email,,winning\r\n,,,develop\r\n",
    )
    .unwrap();
    // A dry run only reads: it needs a workspace that is one already.
    s.ok(&["init", s.workspace().to_str().unwrap()]);
    let dry = s.ok(&["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(dry.contains("dry run, nothing saved"), "{dry}");
    assert!(s.json(&["list", "--json"]).as_array().unwrap().is_empty());
    let out = s.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("2 new"), "{out}");
    assert!(out.contains("skipped line 5"), "{out}");
    assert!(out.contains("line 4") && out.contains("not an email"), "{out}");
    let an = s.json(&["show", "tran van an", "--json"]);
    assert_eq!(an["stage"], "build");
    let be = s.json(&["show", "ly thi be", "--json"]);
    assert_eq!(be["stage"], "attract", "an unknown stage is not applied");
}

#[test]
fn columns_can_be_mapped_by_hand() {
    let s = Sandbox::new();
    let file = s.dir.path().join("crm.csv");
    std::fs::write(&file, "Khách,Giai đoạn khách\nĐỗ Mười,phát triển\n").unwrap();
    let out = s.run(&["import", file.to_str().unwrap(), "--map", "Nowhere=stage"]);
    assert_eq!(out.status.code(), Some(2));
    s.ok(&[
        "import",
        file.to_str().unwrap(),
        "--map",
        "Khách=name",
        "--map",
        "Giai đoạn khách=stage",
    ]);
    assert_eq!(s.json(&["show", "do muoi", "--json"])["stage"], "develop");
}

#[test]
fn duplicates_are_found_merged_and_unmerged() {
    let s = Sandbox::new();
    s.ok(&[
        "add",
        "--name",
        "Nguyễn Văn An",
        "--company",
        "Minh Phát",
        "--email",
        "an@minhphat.vn",
    ]);
    s.ok(&[
        "add",
        "--name",
        "nguyen van an",
        "--company",
        "MINH PHÁT",
        "--phone",
        "0912 345 678",
    ]);
    s.ok(&[
        "add",
        "--name",
        "An Nguyen",
        "--email",
        "AN@minhphat.vn",
        "--tag",
        "vip",
    ]);
    s.ok(&["log", "An Nguyen", "--summary", "Mua hàng", "--amount", "500"]);
    s.ok(&["add", "--name", "张伟", "--phone", "+86 138 0013 8000"]);
    let listed = s.ok(&["dupes"]);
    assert!(listed.contains("1 group;"), "{listed}");
    let merged = s.ok(&["dupes", "--merge"]);
    assert!(merged.contains("merged 1 group;"), "{merged}");
    let list = s.json(&["list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let an = s.json(&["show", "nguyen van an", "--json"]);
    assert_eq!(an["phones"], serde_json::json!(["0912 345 678"]));
    assert_eq!(an["tags"], serde_json::json!(["vip"]));
    assert_eq!(
        an["interactions"].as_array().unwrap().len(),
        1,
        "interactions move to the kept record"
    );
    assert_eq!(an["revenue"], 500.0);
    s.ok(&["undo"]);
    assert_eq!(s.json(&["list", "--json"]).as_array().unwrap().len(), 4);
    assert_eq!(
        s.json(&["show", "an nguyen", "--json"])["interactions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn duplicates_say_why_keep_the_chosen_record_and_stay_apart_when_told() {
    let s = Sandbox::new();
    let older = s.ok(&[
        "add",
        "--name",
        "Trần Minh",
        "--company",
        "Sao Mai",
        "--email",
        "minh@saomai.vn",
    ]);
    let newer = s.ok(&[
        "add",
        "--name",
        "Tran Minh",
        "--company",
        "SAO MAI",
        "--email",
        "MINH@saomai.vn",
        "--phone",
        "0903 111 222",
    ]);
    let (older, newer) = (older.trim(), newer.trim());
    let lan = s
        .ok(&["add", "--name", "Lê Lan", "--phone", "+84 912 345 678"])
        .trim()
        .to_string();
    let lan_too = s
        .ok(&["add", "--name", "Le Lan", "--phone", "+84 912-345-678"])
        .trim()
        .to_string();

    // Why each group matched, and each record's company, email and phone.
    let listed = s.ok(&["dupes"]);
    assert!(listed.contains("same email, same name and company"), "{listed}");
    assert!(listed.contains("same phone\n"), "{listed}");
    // "SAO MAI" typed links to the organization "Sao Mai" made by the
    // first: its name is the company shown.
    assert!(
        listed.contains(&format!("{newer}  Tran Minh (Sao Mai)  MINH@saomai.vn; 0903 111 222")),
        "{listed}"
    );
    let json = s.json(&["dupes", "--json"]);
    let groups = json.as_array().unwrap();
    assert_eq!(groups.len(), 2);
    let record = |id: &str| {
        groups
            .iter()
            .find_map(|g| {
                g["records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["id"] == id)
                    .map(|r| (g, r))
            })
            .unwrap_or_else(|| panic!("{id} in no group: {json}"))
    };
    let (minh, newer_one) = record(newer);
    assert_eq!(minh["reasons"], serde_json::json!(["email", "name_company"]));
    assert_eq!(minh["certain"], true);
    assert_eq!(newer_one["company"], "Sao Mai");
    assert_eq!(newer_one["phones"], serde_json::json!(["0903 111 222"]));
    assert_eq!(record(older).1["emails"], serde_json::json!(["minh@saomai.vn"]));
    assert_eq!(record(&lan).0["reasons"], serde_json::json!(["phone"]));

    // The newer record is the one kept: its id lives on, with both emails.
    let merged = s.ok(&["dupes", "--merge", "--keep", newer]);
    assert!(merged.contains("merged 1 group;"), "{merged}");
    let kept = s.json(&["show", newer, "--json"]);
    assert_eq!(kept["name"], "Tran Minh");
    assert_eq!(
        kept["emails"],
        serde_json::json!(["MINH@saomai.vn"]),
        "one email, in either case"
    );
    assert!(
        s.run(&["show", older]).status.code() != Some(0),
        "the older one merged away"
    );
    assert_eq!(
        s.json(&["dupes", "--json"]).as_array().unwrap().len(),
        1,
        "Lan's group is left"
    );

    // Not duplicates: the group stops coming back, and undo brings it back.
    let said = s.ok(&["dupes", "--not", &lan, &lan_too]);
    assert!(said.contains("marked 2 records as different people"), "{said}");
    assert!(s.ok(&["dupes"]).contains("No duplicates found."));
    assert!(s.ok(&["dupes", "--not", &lan_too, &lan]).contains("already marked"));
    s.ok(&["undo"]);
    assert!(s.ok(&["dupes"]).contains("Lê Lan"));
    s.ok(&["redo"]);
    assert!(s.ok(&["dupes"]).contains("No duplicates found."));
    // A newcomer matching one of them still groups with it.
    let third = s.ok(&[
        "add",
        "--name",
        "Lan",
        "--phone",
        "+84 (912) 345678",
        "--email",
        "lan@x.vn",
    ]);
    let json = s.json(&["dupes", "--json"]);
    let ids: Vec<&str> = json[0]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(json.as_array().unwrap().len(), 1, "{json}");
    assert!(ids.contains(&third.trim()), "{json}");

    // Mistakes are rejected with one line.
    assert!(s.rejected(&["dupes", "--not", &lan, &lan]).contains("at least two"));
    assert!(
        s.rejected(&["dupes", "--merge", "--keep", newer])
            .contains("in no group")
    );
    s.rejected(&["dupes", "--keep", newer]);
}

#[test]
fn json_export_and_import_move_a_whole_workspace() {
    let a = Sandbox::new();
    a.demo(&["--customers", "15", "--interactions", "80"]);
    let file = a.dir.path().join("all.json");
    a.ok(&["export", "-o", file.to_str().unwrap()]);
    let b = Sandbox::new();
    b.ok(&["import", file.to_str().unwrap()]);
    let again = b.dir.path().join("again.json");
    b.ok(&["export", "-o", again.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        std::fs::read_to_string(&again).unwrap()
    );
}

#[test]
fn not_duplicates_travel_in_a_json_export() {
    let a = Sandbox::new();
    let minh = a.ok(&[
        "add",
        "--name",
        "Trần Minh",
        "--company",
        "Sao Mai",
        "--email",
        "minh@saomai.vn",
    ]);
    let other = a.ok(&[
        "add",
        "--name",
        "Tran Minh",
        "--company",
        "Sao Mai",
        "--email",
        "minh@saomai.vn",
    ]);
    let (minh, other) = (minh.trim(), other.trim());
    a.ok(&["add", "--name", "Lê Lan", "--email", "lan@x.vn"]);
    a.ok(&["dupes", "--not", minh, other]);
    let file = a.dir.path().join("all.json");
    a.ok(&["export", "-o", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(&format!("\"not_duplicates_of\": [\n        \"{other}\"")),
        "{text}"
    );
    assert_eq!(
        text.matches("not_duplicates_of").count(),
        2,
        "only on the two kept apart"
    );
    // Imported elsewhere, the two stay two, still kept apart.
    let b = Sandbox::new();
    let said = b.ok(&["import", file.to_str().unwrap()]);
    assert!(said.contains("3 new"), "{said}");
    assert!(b.ok(&["dupes"]).contains("No duplicates found."));
    let again = b.dir.path().join("again.json");
    b.ok(&["export", "-o", again.to_str().unwrap()]);
    assert_eq!(text, std::fs::read_to_string(&again).unwrap());
    // Importing it again changes nothing.
    assert!(b.ok(&["import", file.to_str().unwrap()]).contains("3 already here"));
}

#[test]
fn calendars_get_follow_ups_and_meetings() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Hoàng Yến"]);
    s.ok(&[
        "follow-up",
        "hoang yen",
        "--due",
        "2026-12-01",
        "--what",
        "Gửi hợp đồng",
        // A fixed date: in the past once the calendar passes it.
        "--force",
    ]);
    s.ok(&[
        "log",
        "hoang yen",
        "--summary",
        "Gặp ở quán cà phê",
        "--channel",
        "meeting",
        "--at",
        "2026-11-20 10:00",
    ]);
    let ics = s.ok(&["export", "--format", "ics"]);
    assert!(
        ics.contains("BEGIN:VTODO") && ics.contains("DUE;VALUE=DATE:20261201"),
        "{ics}"
    );
    assert!(
        ics.contains("BEGIN:VEVENT") && ics.contains("DTSTART:20261120T100000Z"),
        "{ics}"
    );
    let csv = s.ok(&["export", "--format", "csv"]);
    assert!(csv.starts_with("Name,"), "{csv}");
    assert!(csv.contains("Hoàng Yến"));
}
