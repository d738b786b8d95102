//! CSV import and export: real layouts from Google Contacts (old and new),
//! Outlook (Outlook.com / Google's "Outlook CSV", and desktop Outlook saved
//! as UTF-16), another CRM's Vietnamese semicolon export, and guanxi's own
//! layout, round-tripped.
//!
//! Fixtures are in tests/fixtures/csv/. The Google and Outlook ones are
//! UTF-8 with a BOM and CRLF line ends, as those programs write them, and
//! each holds a quoted note spanning several lines, so the line numbers of
//! the rows after it are checked against the physical lines of the file.

use std::collections::BTreeMap;

use guanxi::interop::Contact;
use guanxi::interop::csv::{self as gcsv, CsvError, CsvRead, Layout, RowError, Target};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/csv/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn more(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn read(bytes: &[u8]) -> CsvRead {
    gcsv::read(bytes, &[]).expect("readable CSV")
}

fn contacts(r: &CsvRead) -> Vec<Contact> {
    r.rows
        .iter()
        .map(|row| row.clone().unwrap_or_else(|e| panic!("unexpected row error: {e}")))
        .collect()
}

fn target_of(r: &CsvRead, column: &str) -> Target {
    r.mapping
        .iter()
        .find(|(c, _)| c == column)
        .unwrap_or_else(|| panic!("no column {column}"))
        .1
        .clone()
}

/// The file is as the program writes it: BOM, CRLF between records.
fn assert_bom_and_crlf(bytes: &[u8]) {
    assert!(bytes.starts_with(&[0xef, 0xbb, 0xbf]), "fixture has a UTF-8 BOM");
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "fixture has CRLF line ends");
}

#[test]
fn google_old_layout() {
    let bytes = fixture("google_old.csv");
    assert_bom_and_crlf(&bytes);
    let r = read(&bytes);
    assert_eq!(r.layout, Layout::GoogleOld);
    assert_eq!(r.delimiter, b',');
    assert_eq!(r.mapping.len(), 56);
    assert_eq!(r.mapping[0], ("Name".to_string(), Target::Name));
    assert_eq!(target_of(&r, "Given Name"), Target::Given);
    assert_eq!(target_of(&r, "Additional Name"), Target::Middle);
    assert_eq!(target_of(&r, "Family Name"), Target::Family);
    assert_eq!(target_of(&r, "E-mail 2 - Value"), Target::Email);
    assert_eq!(target_of(&r, "E-mail 2 - Type"), Target::Ignore);
    assert_eq!(target_of(&r, "Phone 1 - Value"), Target::Phone);
    assert_eq!(target_of(&r, "Address 1 - Formatted"), Target::Address);
    assert_eq!(target_of(&r, "Address 1 - Postal Code"), Target::AddressPart);
    assert_eq!(target_of(&r, "Organization 1 - Name"), Target::Company);
    assert_eq!(target_of(&r, "Organization 1 - Title"), Target::Title);
    assert_eq!(target_of(&r, "Group Membership"), Target::Tags);
    assert_eq!(target_of(&r, "Notes"), Target::Notes);
    assert_eq!(target_of(&r, "Yomi Name"), Target::Ignore);

    let got = contacts(&r);
    let expected = vec![
        Contact {
            name: "Nguyễn Thị Hồng Nhung".into(),
            given: "Hồng Nhung".into(),
            middle: "Thị".into(),
            family: "Nguyễn".into(),
            company: "Công ty TNHH Saigon Soft".into(),
            title: "Giám đốc kinh doanh".into(),
            emails: strings(&[
                "nhung.nguyen@saigonsoft.vn",
                "nhung.kd@saigonsoft.vn",
                "hongnhung85@gmail.com",
            ]),
            phones: strings(&["+84 903 123 456", "028 3823 4567"]),
            // The formatted address wins over its parts; its lines are joined.
            addresses: strings(&["12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"]),
            notes: "Gặp tại hội chợ Vietbuild 2024.\nThích trà sen, không uống cà phê.\nGọi lại trước Tết.".into(),
            // "* myContacts" and "* starred" are Google's, not the user's.
            tags: strings(&["Khách hàng VIP"]),
            more: BTreeMap::new(),
            extra: strings(&[
                "Birthday: 1985-03-12",
                "E-mail 1 - Type: * Work",
                "E-mail 2 - Type: Home",
                "Phone 1 - Type: Mobile",
                "Phone 2 - Type: Work",
                "Address 1 - Type: Work",
            ]),
            line: 2,
        },
        Contact {
            name: "张伟".into(),
            given: "伟".into(),
            family: "张".into(),
            company: "深圳华信科技有限公司".into(),
            title: "采购经理".into(),
            emails: strings(&["zhang.wei@huaxin-tech.cn"]),
            phones: strings(&["+86 138 0013 8000", "+86 139 2233 4455", "+86 755 8888 6666"]),
            // No formatted address: the parts, street first, country last.
            addresses: strings(&["南山区科技园南区 8 栋, 深圳, 广东省, 518057, 中国"]),
            notes: "喜欢喝普洱茶".into(),
            // A group the user chose, though Google stars it.
            tags: strings(&["潜在客户", "Friends"]),
            extra: strings(&[
                "E-mail 1 - Type: * Work",
                "Phone 1 - Type: Mobile",
                "Phone 2 - Type: Work",
                "Address 1 - Type: Work",
            ]),
            // The first note spans lines 2-4 and its address 4-6.
            line: 7,
            ..Contact::default()
        },
        Contact {
            company: "Trần Gia Logistics".into(),
            emails: strings(&["info@trangia.vn"]),
            extra: strings(&["E-mail 1 - Type: * Work"]),
            line: 8,
            ..Contact::default()
        },
        Contact {
            name: "John Smith".into(),
            given: "John".into(),
            family: "Smith".into(),
            phones: strings(&["+1 415 555 0100"]),
            notes: "Met at \"Vietnam Expo\", booth 12".into(),
            tags: strings(&["Partners"]),
            extra: strings(&[
                "Phone 1 - Type: Mobile",
                "Website 1 - Type: Work",
                "Website 1 - Value: https://example.com",
            ]),
            line: 9,
            ..Contact::default()
        },
    ];
    assert_eq!(got, expected);
}

#[test]
fn google_new_layout() {
    let bytes = fixture("google_new.csv");
    assert_bom_and_crlf(&bytes);
    let r = read(&bytes);
    assert_eq!(r.layout, Layout::GoogleNew);
    assert_eq!(target_of(&r, "First Name"), Target::Given);
    assert_eq!(target_of(&r, "Middle Name"), Target::Middle);
    assert_eq!(target_of(&r, "Last Name"), Target::Family);
    assert_eq!(target_of(&r, "Organization Name"), Target::Company);
    assert_eq!(target_of(&r, "Organization Title"), Target::Title);
    assert_eq!(target_of(&r, "Labels"), Target::Tags);
    assert_eq!(target_of(&r, "E-mail 1 - Label"), Target::Ignore);
    assert_eq!(target_of(&r, "E-mail 1 - Value"), Target::Email);
    assert_eq!(target_of(&r, "Address 1 - Formatted"), Target::Address);

    let got = contacts(&r);
    let expected = vec![
        Contact {
            given: "Minh".into(),
            middle: "Văn".into(),
            // Written decomposed (NFD) in the file: read as NFC.
            family: "Lê".into(),
            company: "Ngân hàng TMCP Á Châu".into(),
            title: "Trưởng phòng".into(),
            emails: strings(&["minh.le@acb.com.vn", "levanminh@gmail.com"]),
            phones: strings(&["0912 345 678", "0987 654 321"]),
            addresses: strings(&["Tầng 5, 442 Nguyễn Thị Minh Khai, Quận 3, TP. Hồ Chí Minh"]),
            // CRLF inside the quoted note: line breaks are kept as \n.
            notes: "Cần báo giá trước 15/7.\nƯu tiên gói Doanh nghiệp.\nVợ: chị Lan".into(),
            tags: strings(&["Ngân hàng"]),
            extra: strings(&[
                "Organization Department: Khách hàng doanh nghiệp",
                "E-mail 1 - Label: * Work",
                "E-mail 2 - Label: Home",
                "Phone 1 - Label: Mobile",
                "Address 1 - Label: Work",
            ]),
            line: 2,
            ..Contact::default()
        },
        Contact {
            given: "芳".into(),
            family: "王".into(),
            company: "上海东方贸易有限公司".into(),
            title: "总经理".into(),
            emails: strings(&["wangfang@dongfang-trade.com"]),
            phones: strings(&["+86 21 6888 1234"]),
            tags: strings(&["重要客户", "上海"]),
            extra: strings(&[
                "E-mail 1 - Label: * Work",
                "Phone 1 - Label: Work",
                "Custom Field 1 - Label: WeChat",
                "Custom Field 1 - Value: wangfang_sh",
            ]),
            // The note spans lines 2-4, the address 4-5.
            line: 6,
            ..Contact::default()
        },
        Contact {
            phones: strings(&["+84 28 3999 0000"]),
            extra: strings(&["Phone 1 - Label: Work"]),
            line: 7,
            ..Contact::default()
        },
    ];
    assert_eq!(got, expected);
    assert_eq!(got[1].display_name(), "王芳");
}

#[test]
fn outlook_layout() {
    let bytes = fixture("outlook.csv");
    assert_bom_and_crlf(&bytes);
    let r = read(&bytes);
    assert_eq!(r.layout, Layout::Outlook);
    assert_eq!(r.mapping.len(), 88);
    assert_eq!(target_of(&r, "First Name"), Target::Given);
    assert_eq!(target_of(&r, "Last Name"), Target::Family);
    // Outlook's "Title" is Mr./Ms., not the job title.
    assert_eq!(target_of(&r, "Title"), Target::Ignore);
    assert_eq!(target_of(&r, "Job Title"), Target::Title);
    assert_eq!(target_of(&r, "Company"), Target::Company);
    assert_eq!(target_of(&r, "E-mail 3 Address"), Target::Email);
    for phone in [
        "Primary Phone",
        "Home Phone 2",
        "Mobile Phone",
        "Company Main Phone",
        "Business Phone 2",
        "Car Phone",
    ] {
        assert_eq!(target_of(&r, phone), Target::Phone, "{phone}");
    }
    assert_eq!(target_of(&r, "Assistant's Phone"), Target::Ignore);
    assert_eq!(target_of(&r, "Home Address"), Target::Address);
    assert_eq!(target_of(&r, "Business Street"), Target::AddressPart);
    assert_eq!(target_of(&r, "Other Postal Code"), Target::AddressPart);
    assert_eq!(target_of(&r, "Categories"), Target::Tags);

    let got = contacts(&r);
    let expected = vec![
        Contact {
            given: "Bảo".into(),
            middle: "Quốc".into(),
            family: "Phạm".into(),
            company: "Tập đoàn Hòa Phát".into(),
            title: "Giám đốc mua hàng".into(),
            emails: strings(&["bao.pham@hoaphat.com.vn", "baopq@yahoo.com"]),
            // Primary Phone repeats Mobile Phone: kept once.
            phones: strings(&["0903 111 222", "024 6274 7777"]),
            addresses: strings(&["15 Trần Hưng Đạo, Hà Nội", "39 Nguyễn Đình Chiểu, Hà Nội, Việt Nam"]),
            notes: "Quyết định mua vào quý 4.\nCần gặp trực tiếp, không thích email dài.".into(),
            tags: strings(&["Khách VIP", "Thép"]),
            extra: strings(&["Title: Ông", "Department: Mua hàng"]),
            line: 2,
            ..Contact::default()
        },
        Contact {
            given: "娜".into(),
            family: "李".into(),
            company: "北京新华科技有限公司".into(),
            title: "市场总监".into(),
            emails: strings(&["lina@xinhua-tech.cn"]),
            phones: strings(&["+86 139 1000 2000"]),
            // The formatted Business Address wins over Business City.
            addresses: strings(&["北京市海淀区中关村大街 1 号"]),
            tags: strings(&["潜在客户"]),
            line: 4,
            ..Contact::default()
        },
        Contact {
            given: "Thành Trung".into(),
            family: "Đỗ".into(),
            phones: strings(&["0913 555 666"]),
            notes: "Nói: \"sẽ ký hợp đồng\", nhưng chưa chắc.".into(),
            tags: strings(&["Đối tác"]),
            extra: strings(&["Assistant's Phone: 0913 000 111"]),
            line: 5,
            ..Contact::default()
        },
    ];
    assert_eq!(got, expected);
    assert_eq!(got[1].display_name(), "李娜");
    assert_eq!(got[2].display_name(), "Đỗ Thành Trung");
}

#[test]
fn outlook_desktop_utf16() {
    let bytes = fixture("outlook_utf16.csv");
    assert!(bytes.starts_with(&[0xff, 0xfe]), "UTF-16LE with BOM");
    assert!(std::str::from_utf8(&bytes).is_err());
    let r = read(&bytes);
    assert_eq!(r.layout, Layout::Outlook);
    assert_eq!(r.mapping[0], ("Title".to_string(), Target::Ignore));
    assert_eq!(target_of(&r, "Business Country/Region"), Target::AddressPart);
    assert_eq!(target_of(&r, "E-mail Type"), Target::Ignore);

    let got = contacts(&r);
    let expected = vec![
        Contact {
            given: "Thu Trang".into(),
            family: "Đặng".into(),
            company: "Vinamilk".into(),
            title: "Trưởng phòng thu mua".into(),
            emails: strings(&["trang.dang@vinamilk.com.vn"]),
            phones: strings(&["028 5415 5555", "0909 000 111"]),
            addresses: strings(&["10 Tân Trào, TP. Hồ Chí Minh, Việt Nam"]),
            notes: "Hợp đồng năm 2025 đã ký.\nNhắc gửi mẫu mới vào tháng 9.".into(),
            tags: strings(&["Khách VIP", "Sữa"]),
            // Outlook's placeholders (0/0/00, Normal, False, Unspecified,
            // SMTP) and derived values (initials, "Name (email)") are not data.
            extra: strings(&["Title: Bà"]),
            line: 2,
            ..Contact::default()
        },
        Contact {
            given: "静".into(),
            family: "陈".into(),
            company: "广州南方物流".into(),
            title: "副总裁".into(),
            emails: strings(&["chenjing@nanfang-logistics.cn"]),
            phones: strings(&["+86 20 8765 4321"]),
            tags: strings(&["物流"]),
            extra: strings(&["Assistant's Phone: +86 20 3888 0002", "Business Fax: +86 20 3888 0001"]),
            line: 4,
            ..Contact::default()
        },
    ];
    assert_eq!(got, expected);
    assert_eq!(got[0].display_name(), "Đặng Thu Trang");
    assert_eq!(got[1].display_name(), "陈静");
}

#[test]
fn generic_vietnamese_semicolon_export() {
    let bytes = fixture("generic_vi.csv");
    let r = read(&bytes);
    assert_eq!(r.layout, Layout::Generic);
    assert_eq!(r.delimiter, b';');
    let mapping: Vec<(&str, Target)> = r.mapping.iter().map(|(c, t)| (c.as_str(), t.clone())).collect();
    assert_eq!(
        mapping,
        vec![
            ("Mã KH", Target::Ignore),
            ("Họ tên", Target::Name),
            ("Công ty", Target::Company),
            ("Chức vụ", Target::Title),
            ("Điện thoại", Target::Phone),
            ("Email", Target::Email),
            ("Địa chỉ", Target::Address),
            ("Ghi chú", Target::Notes),
            ("Nhãn", Target::Tags),
            ("Giai đoạn", Target::Field("stage".into())),
            ("Nguồn", Target::Field("source".into())),
            ("Người phụ trách", Target::Field("owner".into())),
            ("Sinh nhật", Target::Ignore),
        ]
    );
    let expected = vec![
        Ok(Contact {
            name: "Võ Thị Thu Hà".into(),
            company: "Công ty CP Thực phẩm Sài Gòn".into(),
            title: "Trưởng phòng mua hàng".into(),
            emails: strings(&["thuha.vo@sgfood.vn"]),
            phones: strings(&["0908 765 432", "028 3930 1234"]),
            addresses: strings(&["25 Hai Bà Trưng, Quận 1, TP. HCM"]),
            notes: "Khách quen; thanh toán đúng hạn.\nThích được gọi buổi sáng.".into(),
            tags: strings(&["VIP", "Thực phẩm"]),
            more: more(&[("stage", "develop"), ("source", "Hội chợ"), ("owner", "Lan")]),
            extra: strings(&["Mã KH: KH001", "Sinh nhật: 12/05"]),
            line: 2,
            ..Contact::default()
        }),
        // A row with nothing to name it by is reported, with its line, and
        // the rows around it are read.
        Err(RowError {
            line: 4,
            message: "no name, company, email or phone".into(),
        }),
        Ok(Contact {
            name: "Hoàng Minh Tuấn".into(),
            phones: strings(&["0977 888 999"]),
            more: more(&[("source", "Giới thiệu")]),
            extra: strings(&["Mã KH: KH003"]),
            line: 5,
            ..Contact::default()
        }),
        // Line 6 is a row of empty cells: skipped without a word.
        Ok(Contact {
            name: "刘洋".into(),
            company: "刘氏茶业".into(),
            emails: strings(&["liu.yang@liutea.cn", "yang@liutea.cn"]),
            more: more(&[("stage", "attract")]),
            extra: strings(&["Mã KH: KH004"]),
            line: 7,
            ..Contact::default()
        }),
    ];
    assert_eq!(r.rows, expected);
}

#[test]
fn generic_names_in_english_and_chinese() {
    let csv = "Full Name,Organization,Job Title,E-mail,Mobile,Tel 2,地址,备注,Categories,Segment,Trust\n\
               张伟,华信,经理,zw@hx.cn,138 0000 0000,0755 1234,深圳南山,老客户,A;B,enterprise,4\n";
    let r = read(csv.as_bytes());
    assert_eq!(r.layout, Layout::Generic);
    let c = contacts(&r).remove(0);
    assert_eq!(c.name, "张伟");
    assert_eq!(c.company, "华信");
    assert_eq!(c.title, "经理");
    assert_eq!(c.emails, strings(&["zw@hx.cn"]));
    assert_eq!(c.phones, strings(&["138 0000 0000", "0755 1234"]));
    assert_eq!(c.addresses, strings(&["深圳南山"]));
    assert_eq!(c.notes, "老客户");
    assert_eq!(c.tags, strings(&["A", "B"]));
    assert_eq!(c.more, more(&[("segment", "enterprise"), ("trust", "4")]));

    // "Họ" and "Tên" side by side: family and given names; address parts
    // make one address.
    let csv = "Họ,Tên,Địa chỉ,Thành phố,Quốc gia\nNguyễn,Văn An,1 Lý Thái Tổ,Hà Nội,Việt Nam\n";
    let c = contacts(&read(csv.as_bytes())).remove(0);
    assert_eq!((c.family.as_str(), c.given.as_str()), ("Nguyễn", "Văn An"));
    assert_eq!(c.display_name(), "Nguyễn Văn An");
    assert_eq!(c.addresses, strings(&["1 Lý Thái Tổ, Hà Nội, Việt Nam"]));
}

#[test]
fn overrides_replace_the_detected_mapping() {
    let bytes = fixture("generic_vi.csv");
    let overrides = vec![
        // Accents and case need not match.
        ("ma kh".to_string(), "segment".to_string()),
        ("Nhãn".to_string(), "ignore".to_string()),
        ("Sinh nhật".to_string(), "notes".to_string()),
        ("Chức vụ".to_string(), "Social-Bond".to_string()),
    ];
    let r = gcsv::read(&bytes, &overrides).expect("mapped");
    assert_eq!(target_of(&r, "Mã KH"), Target::Field("segment".into()));
    assert_eq!(target_of(&r, "Nhãn"), Target::Ignore);
    assert_eq!(target_of(&r, "Sinh nhật"), Target::Notes);
    assert_eq!(target_of(&r, "Chức vụ"), Target::Field("social_bond".into()));
    let first = r.rows[0].clone().expect("first row");
    assert_eq!(first.more.get("segment").map(String::as_str), Some("KH001"));
    assert_eq!(
        first.more.get("social_bond").map(String::as_str),
        Some("Trưởng phòng mua hàng")
    );
    assert_eq!(first.title, "");
    assert!(first.tags.is_empty());
    assert_eq!(first.extra, strings(&["Nhãn: VIP, Thực phẩm"]));
    assert_eq!(
        first.notes,
        "Khách quen; thanh toán đúng hạn.\nThích được gọi buổi sáng.\n12/05"
    );

    // Columns nothing recognises, mapped by hand.
    let csv = "Customer,Phase,Rep,Cell\r\nACME Corp,develop,Lan,0903 000 000\r\n";
    let plain = read(csv.as_bytes());
    assert_eq!(target_of(&plain, "Phase"), Target::Ignore);
    let map = |c: &str, f: &str| (c.to_string(), f.to_string());
    let r = gcsv::read(
        csv.as_bytes(),
        &[
            map("Phase", "stage"),
            map("Rep", "owner"),
            map("Customer", "company"),
            map("Cell", "phone"),
        ],
    )
    .expect("mapped");
    let c = contacts(&r).remove(0);
    assert_eq!(c.company, "ACME Corp");
    assert_eq!(c.phones, strings(&["0903 000 000"]));
    assert_eq!(c.more, more(&[("owner", "Lan"), ("stage", "develop")]));
    assert!(c.extra.is_empty());
}

#[test]
fn bad_mappings_say_what_was_expected() {
    let bytes = fixture("outlook.csv");
    let map = |c: &str, f: &str| vec![(c.to_string(), f.to_string())];

    let Err(CsvError::BadMapping(msg)) = gcsv::read(&bytes, &map("Fax", "phone")) else {
        panic!("unknown column accepted");
    };
    assert!(msg.contains("\"Fax\""), "{msg}");
    assert!(msg.contains("First Name, Middle Name"), "lists the columns: {msg}");

    let err = gcsv::read(&bytes, &map("Categories", "telefon")).expect_err("unknown field");
    let CsvError::BadMapping(msg) = &err else {
        panic!("{err:?}")
    };
    assert!(msg.contains("\"telefon\""), "{msg}");
    for expected in [
        "email",
        "phone",
        "tags",
        "ignore",
        "stage",
        "segment",
        "social_bond",
        "need",
    ] {
        assert!(msg.contains(expected), "{expected} missing from {msg}");
    }
    assert!(err.to_string().starts_with("--map Categories=telefon"), "{err}");
}

#[test]
fn malformed_rows_do_not_stop_the_others() {
    // Line 4 opens a quote it never closes: a plain reader would pair it
    // with the quote on line 6 and read lines 4-6 as one row.
    let csv = "Name,Email,Notes\r\n\
               An,an@x.vn,\"two\r\nlines\"\r\n\
               Bình,binh@x.vn,\"stray quote\r\n\
               Chi,chi@x.vn,fine\r\n\
               Dũng,dung@x.vn,\"quoted, fine\"\r\n\
               Em,em@x.vn,\"never closed\r\n\
               Giang,giang@x.vn,last\r\n";
    let r = read(csv.as_bytes());
    let lines: Vec<Result<(String, usize), usize>> = r
        .rows
        .iter()
        .map(|row| row.as_ref().map(|c| (c.name.clone(), c.line)).map_err(|e| e.line))
        .collect();
    assert_eq!(
        lines,
        vec![
            Ok(("An".to_string(), 2)),
            Err(4),
            Ok(("Chi".to_string(), 5)),
            Ok(("Dũng".to_string(), 6)),
            Err(7),
            Ok(("Giang".to_string(), 8)),
        ]
    );
    assert_eq!(r.rows[0].as_ref().map(|c| c.notes.as_str()), Ok("two\nlines"));
    assert_eq!(r.rows[3].as_ref().map(|c| c.notes.as_str()), Ok("quoted, fine"));
    let err = r.rows[1].clone().expect_err("stray quote");
    assert!(err.message.contains("not closed where it should be"), "{}", err.message);
    let err = r.rows[4].clone().expect_err("unclosed quote");
    assert!(err.message.contains("never closed"), "{}", err.message);
    assert_eq!(err.to_string(), format!("line 7: {}", err.message));

    // Short and long rows are read as far as they go; cells past the
    // header are kept.
    let csv = "Name,Phone,Company\nAn,0903\nBình,0904,ACME,spare,\"x\"\n";
    let got = contacts(&read(csv.as_bytes()));
    assert_eq!(got[0].phones, strings(&["0903"]));
    assert_eq!(got[1].company, "ACME");
    assert_eq!(got[1].extra, strings(&["Column 4: spare", "Column 5: x"]));
}

#[test]
fn files_without_a_header_or_content() {
    assert_eq!(gcsv::read(b"", &[]), Err(CsvError::Empty));
    assert_eq!(gcsv::read(b"\xef\xbb\xbf\r\n  \r\n", &[]), Err(CsvError::Empty));
    assert!(matches!(
        gcsv::read(b",,,\nAn,0903,,\n", &[]),
        Err(CsvError::Malformed { line: 1, .. })
    ));
    assert!(matches!(
        gcsv::read(b"\"Name,Email\nAn,a@b\n", &[]),
        Err(CsvError::Malformed { line: 1, .. })
    ));
    let r = read(b"Name,Email\r\n");
    assert_eq!(r.layout, Layout::Generic);
    assert!(r.rows.is_empty());
}

#[test]
fn encodings() {
    // Windows-1252, as an old Excel saves it: never replacement characters.
    let r = read(b"Name,Company\r\nJos\xe9 Garc\xeda,Caf\xe9 \x80 \x93Ltd\x94\r\n");
    let c = contacts(&r).remove(0);
    assert_eq!(c.name, "José García");
    assert_eq!(c.company, "Café € \u{201c}Ltd\u{201d}");

    // UTF-16 big-endian with BOM, and little-endian without one.
    let text = "Name,Phone\r\nTrần Văn Bình,0903 123 456\r\n";
    let be: Vec<u8> = [0xfe, 0xff]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for bytes in [be, le] {
        let c = contacts(&read(&bytes)).remove(0);
        assert_eq!(
            (c.name.as_str(), c.phones[0].as_str()),
            ("Trần Văn Bình", "0903 123 456")
        );
    }

    // Excel's "sep=" line names the delimiter and takes a line.
    let r = read(b"sep=;\r\nName;Email\r\nAn;an@x.vn\r\n");
    assert_eq!(r.delimiter, b';');
    assert_eq!(contacts(&r)[0].line, 3);
    let r = read(b"Name\tEmail\nAn\tan@x.vn\n");
    assert_eq!(r.delimiter, b'\t');
    assert_eq!(contacts(&r)[0].emails, strings(&["an@x.vn"]));
}

#[test]
fn looks_like_csv() {
    for f in [
        "google_old.csv",
        "google_new.csv",
        "outlook.csv",
        "outlook_utf16.csv",
        "generic_vi.csv",
    ] {
        assert!(gcsv::looks_like(&fixture(f)), "{f}");
    }
    assert!(gcsv::looks_like(b"a|b\n1|2"));
    assert!(gcsv::looks_like(b"sep=,\r\nName\r\n"));
    assert!(!gcsv::looks_like(b""));
    assert!(!gcsv::looks_like(b"just one column\nof text"));
    assert!(!gcsv::looks_like(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:An\r\nEND:VCARD\r\n"
    ));
}

#[test]
fn writes_guanxi_layout() {
    let contacts = vec![
        Contact {
            name: "Nguyễn Thị Hồng Nhung".into(),
            company: "Saigon Soft, JSC".into(),
            emails: strings(&["nhung@saigonsoft.vn", "hongnhung85@gmail.com"]),
            tags: strings(&["VIP"]),
            notes: "Line one,\n\"quoted\" line two".into(),
            more: more(&[("stage", "develop")]),
            extra: strings(&["BDAY:1985-03-12"]),
            ..Contact::default()
        },
        Contact {
            given: "伟".into(),
            family: "张".into(),
            more: more(&[("segment", "enterprise")]),
            ..Contact::default()
        },
    ];
    let out = gcsv::write(&contacts);
    assert_eq!(
        out,
        "Name,Company,Title,Emails,Phones,Address,Tags,Notes,segment,stage,Extra\r\n\
         Nguyễn Thị Hồng Nhung,\"Saigon Soft, JSC\",,nhung@saigonsoft.vn ::: hongnhung85@gmail.com,,,VIP,\
         \"Line one,\n\"\"quoted\"\" line two\",,develop,BDAY:1985-03-12\r\n\
         张伟,,,,,,,,enterprise,,\r\n"
    );
    let r = read(out.as_bytes());
    assert_eq!(r.layout, Layout::Guanxi);
    assert_eq!(target_of(&r, "stage"), Target::Field("stage".into()));
    let back = self::contacts(&r);
    assert_eq!(
        back[0],
        Contact {
            line: 2,
            ..contacts[0].clone()
        }
    );
    // Name parts are written as the name shown.
    assert_eq!(back[1].name, "张伟");
    assert_eq!(back[1].line, 4);
}

// ---------------------------------------------------------------------------
// Properties

/// One line of arbitrary text, CSV's special characters included, as
/// guanxi stores it (NFC, trimmed).
fn line_text() -> impl Strategy<Value = String> {
    "[\\PC\t,;|\"']{0,24}".prop_map(|s| guanxi::domain::text::clean(&s))
}

/// Text that may span lines (notes, SPIN notes, extra).
fn multiline_text() -> impl Strategy<Value = String> {
    prop::collection::vec("[\\PC\t,;\"]{0,16}", 0..4).prop_map(|lines| guanxi::domain::text::clean(&lines.join("\n")))
}

/// Values listed in one cell. Limitation of the layout: " ::: " separates
/// values, so a value must not contain ":::" itself.
fn list(value: impl Strategy<Value = String>, case_insensitive: bool) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(value, 0..4).prop_map(move |values| {
        let mut out: Vec<String> = Vec::new();
        for v in values {
            let key = |s: &str| {
                if case_insensitive {
                    s.to_lowercase()
                } else {
                    s.to_string()
                }
            };
            if !v.is_empty() && !v.contains(":::") && !out.iter().any(|o| key(o) == key(&v)) {
                out.push(v);
            }
        }
        out
    })
}

const FIELDS: [&str; 8] = [
    "stage",
    "segment",
    "source",
    "owner",
    "trust",
    "cadence",
    "situation",
    "need",
];

fn contact() -> impl Strategy<Value = Contact> {
    (
        line_text().prop_filter("a name", |s| !s.is_empty()),
        line_text(),
        line_text(),
        list(line_text(), true),
        list(line_text(), false),
        list(line_text(), false),
        multiline_text(),
        list(line_text(), false),
        prop::collection::btree_map(prop::sample::select(FIELDS.to_vec()), multiline_text(), 0..4),
        list(multiline_text(), false),
    )
        .prop_map(
            |(name, company, title, emails, phones, addresses, notes, tags, more, extra)| Contact {
                name,
                company,
                title,
                emails,
                phones,
                addresses,
                notes,
                tags,
                more: more
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
                extra,
                ..Contact::default()
            },
        )
}

proptest! {
    /// write → read gives the same contacts back (all but `line`).
    #[test]
    fn round_trip(contacts in prop::collection::vec(contact(), 0..6)) {
        let out = gcsv::write(&contacts);
        prop_assert!(!out.as_bytes().starts_with(&[0xef, 0xbb, 0xbf]));
        let r = gcsv::read(out.as_bytes(), &[]).expect("own output reads");
        prop_assert_eq!(r.layout, Layout::Guanxi);
        let back: Vec<Contact> = r
            .rows
            .into_iter()
            .map(|row| row.map(|c| Contact { line: 0, ..c }))
            .collect::<Result<_, _>>()
            .expect("no row errors");
        prop_assert_eq!(back, contacts);
    }

    /// Whatever the bytes, `read` and `looks_like` return.
    #[test]
    fn never_panics(
        bytes in prop::collection::vec(
            prop_oneof![any::<u8>(), prop::sample::select(b"\",;\t|\r\n :\xef\xbb\xbf\xff\xfe\x00a".to_vec())],
            0..600,
        ),
        column in "[\\PC]{0,8}",
        field in prop::sample::select(vec!["name", "stage", "tags", "nonsense", ""]),
    ) {
        let _ = gcsv::looks_like(&bytes);
        let _ = gcsv::read(&bytes, &[]);
        let _ = gcsv::read(&bytes, &[(column, field.to_string())]);
        let mut with_bom = vec![0xff, 0xfe];
        with_bom.extend_from_slice(&bytes);
        let _ = gcsv::read(&with_bom, &[]);
    }

    /// Row lines point at the physical line each row starts on, whatever
    /// the number of line breaks inside quoted notes before it.
    #[test]
    fn lines_count_breaks_inside_quotes(breaks in prop::collection::vec(0usize..4, 1..6), crlf in any::<bool>()) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut csv = format!("Name,Notes{nl}");
        let mut line = 2;
        let mut expected = Vec::new();
        for (i, n) in breaks.iter().enumerate() {
            expected.push(line);
            let note = vec!["x"; n + 1].join(nl);
            csv.push_str(&format!("P{i},\"{note}\"{nl}"));
            line += n + 1;
        }
        let r = gcsv::read(csv.as_bytes(), &[]).expect("reads");
        let lines: Vec<usize> = r.rows.iter().map(|row| row.as_ref().map(|c| c.line).unwrap_or(0)).collect();
        prop_assert_eq!(lines, expected);
    }
}
