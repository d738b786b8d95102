//! English, Vietnamese and Chinese through the real binary: choosing the
//! language, names found however they were typed, stage names in all three
//! languages, and names sorted the way each language's readers expect.

mod common;

use std::fs;

use common::Sandbox;
use unicode_normalization::UnicodeNormalization;

const NHUNG: &str = "Nguyễn Thị Hồng Nhung";

fn names(list: &serde_json::Value) -> Vec<String> {
    common::names_in(list)
}

fn write_config(s: &Sandbox, text: &str) {
    let dir = s.home().join(".config/guanxi");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("config.toml"), text).unwrap();
}

fn output_with(s: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = s.command(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn vietnamese_names_are_found_without_accents_whether_typed_precomposed_or_decomposed() {
    let decomposed: String = NHUNG.nfd().collect();
    assert_ne!(decomposed, NHUNG, "the test needs two different encodings");
    for typed in [NHUNG.to_string(), decomposed.clone()] {
        let s = Sandbox::new();
        s.ok(&["add", "--name", &typed, "--company", "Minh Phát"]);
        s.ok(&["add", "--name", "Đặng Văn Lâm"]);
        s.ok(&["add", "--name", "张伟"]);
        let found = s.json(&["list", "--query", "nguyen thi hong", "--json"]);
        // Stored as NFC however it was typed.
        assert_eq!(names(&found), [NHUNG], "typed as {typed:?}");
        // A query typed decomposed, or with other case, finds it too.
        let found = s.json(&["list", "--query", &decomposed.to_uppercase(), "--json"]);
        assert_eq!(names(&found), [NHUNG]);
        // And so does naming the customer in a command.
        assert_eq!(s.json(&["show", "hong nhung", "--json"])["name"], NHUNG);
    }
}

#[test]
fn dang_finds_dang_with_the_crossed_d() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Đặng Văn Lâm"]);
    s.ok(&["add", "--name", "Nguyễn Văn Dũng"]);
    assert_eq!(names(&s.json(&["list", "-q", "dang", "--json"])), ["Đặng Văn Lâm"]);
    assert_eq!(names(&s.json(&["list", "-q", "ĐẶNG", "--json"])), ["Đặng Văn Lâm"]);
    assert_eq!(s.json(&["show", "dang", "--json"])["name"], "Đặng Văn Lâm");
}

#[test]
fn chinese_names_are_found_by_characters_and_by_pinyin() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "张伟", "--company", "深圳华信科技有限公司"]);
    s.ok(&["add", "--name", "李娜"]);
    s.ok(&["add", "--name", "Zhao Min"]);
    assert_eq!(names(&s.json(&["list", "-q", "张", "--json"])), ["张伟"]);
    assert_eq!(names(&s.json(&["list", "-q", "华信", "--json"])), ["张伟"]);
    assert_eq!(names(&s.json(&["list", "-q", "zhang", "--json"])), ["张伟"]);
    assert_eq!(names(&s.json(&["list", "-q", "li na", "--json"])), ["李娜"]);
    assert_eq!(s.json(&["show", "张", "--json"])["name"], "张伟");
}

#[test]
fn every_stage_name_in_english_vietnamese_and_chinese_is_accepted() {
    // The glossary (GUIDE.md section 1), written out rather than taken
    // from the code under test.
    let stages = [
        ("attract", "thu hút", "吸引"),
        ("establish", "thiết lập", "建立"),
        ("build", "tạo dựng", "构建"),
        ("develop", "phát triển", "发展"),
        ("maintain", "duy trì", "维持"),
        ("consolidate", "củng cố", "巩固"),
        ("loyalty", "trung thành", "忠诚"),
    ];
    let s = Sandbox::new();
    s.ok(&["add", "--name", "王芳", "--stage", "loyalty"]);
    for language in 0..3 {
        for (en, vi, zh) in stages {
            let name = [en, vi, zh][language];
            s.ok(&["stage", "王芳", name]);
            assert_eq!(s.json(&["show", "王芳", "--json"])["stage"], en, "{name}");
        }
    }
    // Vietnamese typed without accents, or decomposed, is the same stage.
    s.ok(&["stage", "王芳", "phat trien"]);
    assert_eq!(s.json(&["show", "王芳", "--json"])["stage"], "develop");
    let decomposed: String = "củng cố".nfd().collect();
    s.ok(&["stage", "王芳", &decomposed]);
    assert_eq!(s.json(&["show", "王芳", "--json"])["stage"], "consolidate");
}

#[test]
fn the_language_comes_from_the_flag_the_config_or_the_environment() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Trần Văn An", "--stage", "develop"]);
    let stage_word = |out: &str| {
        let line = out.lines().nth(1).unwrap_or_default().to_string();
        if line.contains("Phát triển") {
            "vi"
        } else if line.contains("发展") {
            "zh"
        } else if line.contains("Develop") {
            "en"
        } else {
            panic!("no stage name in {out}")
        }
    };
    assert_eq!(stage_word(&s.ok(&["list"])), "en", "English without any setting");
    let lang = |env: &[(&str, &str)], args: &[&str]| {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        stage_word(&output_with(&s, &all, env))
    };
    assert_eq!(lang(&[("LANG", "vi_VN.UTF-8")], &[]), "vi");
    assert_eq!(lang(&[("LANG", "vi_VN.UTF-8"), ("LC_ALL", "zh_CN.UTF-8")], &[]), "zh");
    assert_eq!(
        lang(&[("LANG", "fr_FR.UTF-8")], &[]),
        "en",
        "unknown languages fall back to English"
    );
    assert_eq!(lang(&[("LANG", "vi_VN.UTF-8")], &["--lang", "zh"]), "zh");
    assert_eq!(lang(&[], &["--lang=vi"]), "vi");

    write_config(&s, "lang = \"zh\"\n");
    assert_eq!(
        lang(&[("LANG", "vi_VN.UTF-8")], &[]),
        "zh",
        "the config beats the environment"
    );
    assert_eq!(lang(&[], &["--lang", "en"]), "en", "the flag beats the config");

    write_config(&s, "lang = \"klingon\"\n");
    let out = s.run(&["list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.starts_with("error: ") && stderr.contains("klingon"), "{stderr}");
    let rejected = s.rejected(&["--lang", "klingon", "list"]);
    assert!(rejected.contains("klingon"), "{rejected}");
}

#[test]
fn dates_numbers_and_money_follow_the_language_and_currency() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Nguyễn Thị Hồng Nhung"]);
    let log = [
        "log",
        "nhung",
        "--summary",
        "Đơn hàng",
        "--amount",
        "1500000",
        "--at",
        "2026-11-02 10:00",
    ];
    s.ok(&log);
    // A fixed date, in the past once the calendar passes it.
    s.ok(&[
        "follow-up",
        "nhung",
        "--due",
        "2026-12-03",
        "--what",
        "Gửi báo giá",
        "--force",
    ]);
    let env = [("GUANXI_NOW", "2026-11-22T08:00:00Z")];
    let vi = output_with(&s, &["--lang", "vi", "show", "nhung"], &env);
    assert!(vi.contains("03/12/2026"), "{vi}");
    assert!(vi.contains("1.500.000"), "{vi}");
    let en = output_with(&s, &["--lang", "en", "show", "nhung"], &env);
    assert!(en.contains("2026-12-03"), "{en}");
    assert!(en.contains("1,500,000"), "{en}");

    write_config(&s, "currency = \"VND\"\n");
    let vi = output_with(&s, &["--lang", "vi", "show", "nhung"], &env);
    assert!(vi.contains("1.500.000 ₫"), "{vi}");
    write_config(&s, "currency = \"CNY\"\n");
    let zh = output_with(&s, &["--lang", "zh", "show", "nhung"], &env);
    assert!(zh.contains("¥1,500,000.00"), "{zh}");
}

#[test]
fn help_and_command_line_mistakes_speak_the_language() {
    let s = Sandbox::new();
    let help = |lang: &str| output_with(&s, &["--lang", lang, "add", "--help"], &[]);
    let (en, vi, zh) = (help("en"), help("vi"), help("zh"));
    assert!(en.contains("Add a customer"), "{en}");
    assert_ne!(vi, en);
    assert_ne!(zh, en);
    assert!(vi.contains("khách hàng"), "{vi}");
    assert!(zh.contains("客户"), "{zh}");
    // The flags themselves stay as typed.
    for text in [&vi, &zh] {
        assert!(text.contains("--name <NAME>"), "{text}");
        assert!(text.contains("--lang <LANG>"), "{text}");
    }
    let mistake = s.rejected(&["--lang", "zh", "lisst"]);
    assert!(mistake.contains("lisst") && mistake.contains("list"), "{mistake}");
    assert!(
        mistake.lines().next().unwrap().chars().any(|c| c > '\u{2e80}'),
        "{mistake}"
    );
}

#[test]
fn names_sort_as_each_language_reads_them() {
    let s = Sandbox::new();
    for name in [
        "Nguyễn Thị Hồng Nhung",
        "Trần Văn An",
        "Đặng Minh Anh",
        "张伟",
        "Lê Bảo",
        "李娜",
    ] {
        s.ok(&["add", "--name", name]);
    }
    let sorted = |lang: &str| names(&s.json(&["--lang", lang, "list", "--json"]));
    // Vietnamese: by the given name, last in the name (An, Anh, Bảo, Nhung),
    // with the Chinese names by pinyin (li na, zhang wei) among them.
    assert_eq!(
        sorted("vi"),
        [
            "Trần Văn An",
            "Đặng Minh Anh",
            "Lê Bảo",
            "李娜",
            "Nguyễn Thị Hồng Nhung",
            "张伟"
        ]
    );
    // Otherwise by the whole name as written, Chinese by pinyin.
    assert_eq!(
        sorted("zh"),
        [
            "Đặng Minh Anh",
            "Lê Bảo",
            "李娜",
            "Nguyễn Thị Hồng Nhung",
            "Trần Văn An",
            "张伟"
        ]
    );
}

/// A count takes the form its language gives it: "1 day" and "2 days" in
/// English; Vietnamese and Chinese nouns do not change.
#[test]
fn counts_are_said_as_each_language_says_them() {
    let s = Sandbox::new();
    let today = chrono::Utc::now().date_naive();
    // A one-day cadence from a contact two (three) days ago fell due one
    // (two) days ago.
    for (name, days_ago) in [("Lan", 2), ("Hùng", 3)] {
        s.ok(&["add", "--name", name, "--email", &format!("{days_ago}@example.vn")]);
        s.ok(&["edit", name, "--set", "cadence=1"]);
        let at = (today - chrono::Days::new(days_ago)).to_string();
        s.ok(&["log", name, "--summary", "Gọi điện", "--at", &at]);
    }
    // The same person twice: one group of duplicates.
    s.ok(&["add", "--name", "Mai", "--email", "mai@example.vn"]);
    s.ok(&["add", "--name", "Mai", "--email", "mai@example.vn"]);
    let said = |lang: &str, args: &[&str]| {
        let mut all = vec!["--lang", lang];
        all.extend_from_slice(args);
        s.ok(&all)
    };
    let list = said("en", &["list"]);
    assert!(
        list.contains("(1 day overdue)") && list.contains("(2 days overdue)"),
        "{list}"
    );
    assert!(list.ends_with("4 customers\n"), "{list}");
    assert!(said("en", &["list", "-q", "hung"]).ends_with("\n1 customer\n"));
    assert!(said("en", &["dupes"]).contains("1 group; `guanxi dupes --merge` merges it"));

    let list = said("vi", &["list"]);
    assert!(
        list.contains("(quá hạn 1 ngày)") && list.contains("(quá hạn 2 ngày)"),
        "{list}"
    );
    assert!(said("vi", &["list", "-q", "hung"]).ends_with("\n1 khách hàng\n"));
    assert!(said("vi", &["dupes"]).contains("1 nhóm;"));

    let list = said("zh", &["list"]);
    assert!(list.contains("(逾期 1 天)") && list.contains("(逾期 2 天)"), "{list}");
    assert!(said("zh", &["list", "-q", "hung"]).ends_with("\n1 位客户\n"));
    assert!(said("zh", &["dupes"]).contains("1 组；"));
}
