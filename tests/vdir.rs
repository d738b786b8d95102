//! `export --format vdir DIR` and `import DIR`: a folder of cards, one per
//! customer, for vdirsyncer; unchanged customers keep byte-identical
//! files, and the folder's edits come back merged into their customers.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::Sandbox;
use serde_json::Value;

/// The `.vcf` files of a folder and their bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_str().unwrap().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// Every customer as `show --json` gives it, by id.
fn everyone(s: &Sandbox) -> BTreeMap<String, Value> {
    s.json(&["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let id = c["id"].as_str().unwrap().to_string();
            (id.clone(), s.json(&["show", &id, "--json"]))
        })
        .collect()
}

/// The bytes of the workspace's journals: what changes when an op is saved.
fn journal_bytes(s: &Sandbox) -> u64 {
    fn walk(p: &Path) -> u64 {
        std::fs::read_dir(p)
            .map(|rd| {
                rd.map(|e| e.unwrap().path())
                    .map(|p| {
                        if p.is_dir() {
                            walk(&p)
                        } else {
                            p.metadata().unwrap().len()
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&s.workspace().join("replicas"))
}

fn three(s: &Sandbox) -> [String; 3] {
    let add = |args: &[&str]| s.ok(args).trim().to_string();
    [
        add(&[
            "add",
            "--name",
            "Nguyễn Văn An",
            "--company",
            "Phú Thịnh",
            "--phone",
            "+84 90 111 2222",
            "--email",
            "an@phuthinh.vn",
            "--tag",
            "vip",
        ]),
        add(&["add", "--name", "张伟", "--email", "wei@huaxin.cn", "--stage", "build"]),
        add(&["add", "--name", "Amelia White", "--title", "Office Manager"]),
    ]
}

fn folder(s: &Sandbox) -> PathBuf {
    s.dir.path().join("contacts")
}

#[test]
fn unchanged_customers_keep_byte_identical_files_and_an_edit_changes_one_file() {
    let s = Sandbox::new();
    let [an, wei, amelia] = three(&s);
    let dir = folder(&s);
    let out = s.ok(&["export", "--format", "vdir", dir.to_str().unwrap()]);
    assert!(out.contains("3 written"), "{out}");
    let first = files(&dir);
    assert_eq!(
        first.keys().cloned().collect::<Vec<_>>(),
        [format!("{an}.vcf"), format!("{wei}.vcf"), format!("{amelia}.vcf")]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    let card = String::from_utf8(first[&format!("{an}.vcf")].clone()).unwrap();
    assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{card}");
    assert!(card.contains(&format!("\r\nUID:guanxi-{an}\r\n")), "{card}");
    assert!(card.contains(&format!("\r\nX-GUANXI-ID:{an}\r\n")), "{card}");
    assert!(card.contains("TEL:+84 90 111 2222\r\n"), "{card}");

    // Exported again, with time passing and the clock moving on: the same bytes, none written.
    let mtimes = |d: &Path| -> BTreeMap<String, std::time::SystemTime> {
        files(d)
            .keys()
            .map(|n| (n.clone(), d.join(n).metadata().unwrap().modified().unwrap()))
            .collect()
    };
    let before = mtimes(&dir);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = s.ok(&["export", "--format", "vdir", dir.to_str().unwrap()]);
    assert!(out.contains("0 written, 3 unchanged"), "{out}");
    assert_eq!(files(&dir), first);
    assert_eq!(mtimes(&dir), before, "unchanged files are not written again");

    // One customer edited: only its file changes.
    s.ok(&["edit", &wei, "--set", "title=总经理"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = s.ok(&["export", "--format", "vdir", dir.to_str().unwrap()]);
    assert!(out.contains("1 written, 2 unchanged"), "{out}");
    let second = files(&dir);
    for (name, bytes) in &second {
        if name == &format!("{wei}.vcf") {
            assert_ne!(bytes, &first[name]);
            assert!(String::from_utf8_lossy(bytes).contains("TITLE:总经理"));
        } else {
            assert_eq!(bytes, &first[name], "{name} changed");
        }
    }
    let after = mtimes(&dir);
    assert_eq!(after[&format!("{an}.vcf")], before[&format!("{an}.vcf")]);
    // No temporary file left behind.
    assert!(
        std::fs::read_dir(&dir)
            .unwrap()
            .all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
    );
}

#[test]
fn only_guanxis_cards_of_customers_gone_are_removed() {
    let s = Sandbox::new();
    let [an, wei, _] = three(&s);
    let dir = folder(&s);
    s.ok(&["export", "--format", "vdir", dir.to_str().unwrap()]);
    let foreign = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Someone Else\r\nUID:abc-123\r\nEND:VCARD\r\n";
    std::fs::write(dir.join("abc-123.vcf"), foreign).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    s.ok(&["delete", &wei]);
    let out = s.ok(&["export", "--format", "vdir", dir.to_str().unwrap()]);
    assert!(out.contains("1 removed"), "{out}");
    let now = files(&dir);
    assert!(!now.contains_key(&format!("{wei}.vcf")));
    assert!(now.contains_key(&format!("{an}.vcf")));
    assert_eq!(now["abc-123.vcf"], foreign.as_bytes());
    assert_eq!(now["notes.txt"], b"mine");
}

#[test]
fn an_edited_number_comes_back_with_nothing_else_changed_and_again_changes_nothing() {
    let s = Sandbox::new();
    let [an, _, _] = three(&s);
    let dir = folder(&s);
    s.ok(&["export", "--format", "vdir", dir.to_str().unwrap()]);
    let before = everyone(&s);
    // Unchanged folder: nothing saved at all.
    let journal = journal_bytes(&s);
    let out = s.ok(&["import", dir.to_str().unwrap()]);
    assert!(out.contains("0 new · 0 merged"), "{out}");
    assert_eq!(journal_bytes(&s), journal, "no op for an unchanged folder");

    // The phone edits the number (and reorders and re-folds the card, as servers do).
    let path = dir.join(format!("{an}.vcf"));
    let card = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = card.lines().collect();
    lines.sort_by_key(|l| l.starts_with("TEL"));
    let edited = lines.join("\n").replace("+84 90 111 2222", "+84 90 999 8888");
    let edited = edited.replace(
        "END:VCARD\nTEL:+84 90 999 8888",
        "TEL;TYPE=cell:+84 90 999 8888\nEND:VCARD",
    );
    std::fs::write(&path, edited + "\n").unwrap();
    let out = s.ok(&["import", dir.to_str().unwrap()]);
    assert!(out.contains("1 merged"), "{out}");
    let after = everyone(&s);
    let mut expected = before.clone();
    expected.get_mut(&an).unwrap()["phones"] = serde_json::json!(["+84 90 999 8888"]);
    for (id, shown) in &after {
        let mut shown = shown.clone();
        let mut want = expected[id].clone();
        for v in [&mut shown, &mut want] {
            v.as_object_mut().unwrap().remove("updated_at");
        }
        assert_eq!(shown, want, "{id}");
    }
    // Again: nothing.
    let journal = journal_bytes(&s);
    let out = s.ok(&["import", dir.to_str().unwrap()]);
    assert!(out.contains("0 merged"), "{out}");
    assert_eq!(journal_bytes(&s), journal);
    // One undo takes the import back.
    s.ok(&["undo"]);
    assert_eq!(
        s.json(&["show", &an, "--json"])["phones"],
        serde_json::json!(["+84 90 111 2222"])
    );
}

#[test]
fn guanxi_edits_since_the_export_survive_and_missing_fields_are_not_deletions() {
    let s = Sandbox::new();
    let [an, wei, _] = three(&s);
    let dir = folder(&s);
    s.ok(&["export", "--format", "vdir", dir.to_str().unwrap()]);
    // In guanxi meanwhile: a new company and a second number.
    s.ok(&[
        "edit",
        &an,
        "--set",
        "company=Công ty Phú Thịnh",
        "--set",
        "phones=+84 90 111 2222, +84 28 3822 1234",
    ]);
    // On the phone: the title set, the email and the guanxi fields dropped.
    let path = dir.join(format!("{an}.vcf"));
    let card = std::fs::read_to_string(&path).unwrap();
    let edited: String = card
        .split("\r\n")
        .filter(|l| !l.starts_with("EMAIL") && !l.starts_with("X-GUANXI-FIELD") && !l.starts_with("CATEGORIES"))
        .map(|l| {
            if l == "END:VCARD" {
                "TITLE:Giám đốc\r\nEND:VCARD\r\n".to_string()
            } else if l.is_empty() {
                String::new()
            } else {
                format!("{l}\r\n")
            }
        })
        .collect();
    std::fs::write(&path, edited).unwrap();
    // 张伟's card lost its stage on the phone: not a move back to attract.
    let path = dir.join(format!("{wei}.vcf"));
    let card = std::fs::read_to_string(&path)
        .unwrap()
        .replace("X-GUANXI-FIELD;KEY=stage:build\r\n", "");
    std::fs::write(&path, card).unwrap();
    s.ok(&["import", dir.to_str().unwrap()]);
    let shown = s.json(&["show", &an, "--json"]);
    assert_eq!(shown["title"], "Giám đốc");
    assert_eq!(shown["company"], "Công ty Phú Thịnh");
    assert_eq!(
        shown["phones"],
        serde_json::json!(["+84 90 111 2222", "+84 28 3822 1234"])
    );
    assert_eq!(shown["emails"], serde_json::json!(["an@phuthinh.vn"]));
    assert_eq!(shown["tags"], serde_json::json!(["vip"]));
    assert_eq!(s.json(&["show", &wei, "--json"])["stage"], "build");
}

#[test]
fn a_card_made_on_the_phone_becomes_a_customer_and_guanxis_card_takes_its_file() {
    let s = Sandbox::new();
    three(&s);
    let dir = folder(&s);
    s.ok(&["export", "--format", "vdir", dir.to_str().unwrap()]);
    let phone_card = "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Phone//EN\r\nUID:7f9c-phone\r\nFN:Trần Thị Bích\r\nTEL;TYPE=CELL:+84 91 222 3333\r\nEND:VCARD\r\n";
    std::fs::write(dir.join("7f9c-phone.vcf"), phone_card).unwrap();
    let out = s.ok(&["import", dir.to_str().unwrap()]);
    assert!(out.contains("1 new"), "{out}");
    let bich = s.json(&["show", "Trần Thị Bích", "--json"]);
    assert_eq!(bich["phones"], serde_json::json!(["+84 91 222 3333"]));
    let id = bich["id"].as_str().unwrap().to_string();
    // Exported: guanxi's card replaces the phone's file, so the phone has it once.
    let out = s.ok(&["export", "--format", "vdir", dir.to_str().unwrap()]);
    assert!(out.contains("4 cards"), "{out}");
    let now = files(&dir);
    assert_eq!(now.len(), 4, "{:?}", now.keys());
    let card = String::from_utf8(now["7f9c-phone.vcf"].clone()).unwrap();
    assert!(card.contains(&format!("X-GUANXI-ID:{id}\r\n")), "{card}");
    assert!(card.contains("UID:7f9c-phone\r\n"), "{card}");
    assert_eq!(card.matches("UID:").count(), 1, "{card}");
    // And the folder imported again changes nothing.
    let journal = journal_bytes(&s);
    let out = s.ok(&["import", dir.to_str().unwrap()]);
    assert!(out.contains("0 new · 0 merged"), "{out}");
    assert_eq!(journal_bytes(&s), journal);
}

#[test]
fn a_card_of_a_customer_deleted_here_is_skipped() {
    let s = Sandbox::new();
    let [_, wei, _] = three(&s);
    let dir = folder(&s);
    s.ok(&["export", "--format", "vdir", dir.to_str().unwrap()]);
    s.ok(&["delete", &wei]);
    let out = s.ok(&["import", dir.to_str().unwrap()]);
    assert!(out.contains(&format!("skipped {wei}.vcf")), "{out}");
    assert!(out.contains("0 new"), "{out}");
    assert_eq!(s.json(&["list", "--json"]).as_array().unwrap().len(), 2);
}

#[test]
fn vdir_needs_a_folder() {
    let s = Sandbox::new();
    three(&s);
    let err = s.rejected(&["export", "--format", "vdir"]);
    assert!(err.contains("folder"), "{err}");
}
