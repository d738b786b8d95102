//! The header row: which program wrote the file (its [`Layout`]) and what
//! each column feeds (its [`Target`]), by the column's name.
//!
//! The layouts, as the programs write them:
//! - Google, old ("Google CSV" before 2020): `Name,Given Name,Additional
//!   Name,Family Name,Yomi Name,...,Notes,Group Membership,E-mail 1 - Type,
//!   E-mail 1 - Value,...,Phone 1 - Type,Phone 1 - Value,...,Address 1 -
//!   Type,Address 1 - Formatted,Address 1 - Street,...,Organization 1 -
//!   Type,Organization 1 - Name,Organization 1 - Yomi Name,Organization 1 -
//!   Title,...,Website 1 - Type,Website 1 - Value`.
//! - Google, new: `First Name,Middle Name,Last Name,Phonetic First Name,...,
//!   File As,Organization Name,Organization Title,Organization Department,
//!   Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,...,
//!   Phone 1 - Label,Phone 1 - Value,...,Address 1 - Label,Address 1 -
//!   Formatted,Address 1 - Street,...`.
//!
//!   Both put several values of one kind in one cell, separated by ` ::: `,
//!   and mark system groups with `* ` (`* myContacts`, `* starred`).
//! - Outlook: Outlook.com and Google's "Outlook CSV" write `First Name,
//!   Middle Name,Last Name,Title,Suffix,...,Notes,E-mail Address,E-mail 2
//!   Address,...,Home Address,Home Street,...,Company,Job Title,...,
//!   Categories`; desktop Outlook's export wizard writes `"Title","First
//!   Name",...,"Business Street",...,"Business Country/Region",...,"E-mail
//!   Address","E-mail Type","E-mail Display Name",...,"Web Page"`, often as
//!   UTF-16. Both are read by column name, so their order does not matter.
//!   Outlook's `Title` is the courtesy title (Mr., Dr.), not the job title.

use super::{GUANXI_HEADER, Layout, Target};
use crate::domain::draft::CustomerInput;
use crate::domain::text::squash;

/// What each column feeds, and how its values are treated.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub(super) header: String,
    pub(super) target: Target,
    /// The address a part or a formatted address belongs to.
    pub(super) group: Option<String>,
    /// Where a part goes in its address: street, PO box, city, region,
    /// postal code, country.
    pub(super) rank: u8,
    /// Values that are a program's placeholders, not data (Outlook's
    /// `Sensitivity: Normal`): not kept in `extra`. `["*"]`: none kept.
    pub(super) placeholders: &'static [&'static str],
    /// guanxi's `Extra` column: values go to `extra` as they are.
    pub(super) raw_extra: bool,
}

impl Column {
    pub(super) fn new(header: &str, target: Target) -> Column {
        Column {
            header: header.to_string(),
            target,
            group: None,
            rank: 0,
            placeholders: &[],
            raw_extra: false,
        }
    }

    fn part(mut self, group: String, rank: u8) -> Column {
        self.group = Some(group);
        self.rank = rank;
        self
    }
}

/// A header for matching: lower case, single spaces.
pub(super) fn norm(h: &str) -> String {
    h.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

pub(super) fn detect_layout(headers: &[String]) -> Layout {
    let norms: Vec<String> = headers.iter().map(|h| norm(h)).collect();
    let has = |name: &str| norms.iter().any(|n| n == name);
    let guanxi = norms.len() > GUANXI_HEADER.len()
        && GUANXI_HEADER.iter().zip(&norms).all(|(g, n)| g.to_lowercase() == *n)
        && norms.last().is_some_and(|n| n == "extra");
    if guanxi {
        return Layout::Guanxi;
    }
    let numbered = |part: &str| norms.iter().any(|n| numbered(n).is_some_and(|(_, p)| p == part));
    if has("given name")
        && has("family name")
        && (has("additional name") || has("group membership") || numbered("type"))
    {
        return Layout::GoogleOld;
    }
    if has("first name")
        && has("last name")
        && (has("labels")
            || has("organization name")
            || has("file as")
            || has("phonetic first name")
            || numbered("label"))
    {
        return Layout::GoogleNew;
    }
    const OUTLOOK: [&str; 12] = [
        "e-mail address",
        "e-mail 2 address",
        "business phone",
        "home phone",
        "mobile phone",
        "primary phone",
        "business street",
        "home street",
        "business fax",
        "job title",
        "categories",
        "internet free busy",
    ];
    if has("first name") && OUTLOOK.iter().filter(|o| has(o)).count() >= 3 {
        return Layout::Outlook;
    }
    Layout::Generic
}

/// Google's numbered columns, `E-mail 2 - Value`: ("e-mail", "value"),
/// tolerant of spacing.
fn numbered(n: &str) -> Option<(String, String)> {
    let (left, part) = n.rsplit_once('-')?;
    let (kind, number) = left.trim().rsplit_once(' ')?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((kind.trim().to_string(), part.trim().to_string()))
}

pub(super) fn plan(layout: Layout, headers: &[String]) -> Vec<Column> {
    match layout {
        Layout::Guanxi => plan_guanxi(headers),
        Layout::GoogleOld | Layout::GoogleNew => headers.iter().map(|h| google_column(h)).collect(),
        Layout::Outlook => headers.iter().map(|h| outlook_column(h)).collect(),
        Layout::Generic => plan_generic(headers),
    }
}

fn plan_guanxi(headers: &[String]) -> Vec<Column> {
    let last = headers.len().saturating_sub(1);
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let target = match i {
                0 => Target::Name,
                1 => Target::Company,
                2 => Target::Title,
                3 => Target::Email,
                4 => Target::Phone,
                5 => Target::Address,
                6 => Target::Tags,
                7 => Target::Notes,
                _ if i == last => Target::Ignore,
                _ => Target::Field(h.clone()),
            };
            let mut c = Column::new(h, target);
            c.raw_extra = i == last;
            c
        })
        .collect()
}

/// Where an address part goes: street first, country last.
fn part_rank(part: &str) -> Option<u8> {
    Some(match part {
        "street" | "street address" | "address line 1" => 1,
        "street 2" | "address line 2" => 2,
        "street 3" | "address line 3" => 3,
        "extended address" => 4,
        "po box" | "address po box" => 5,
        "city" | "town" => 6,
        "region" | "state" | "province" => 7,
        "postal code" | "zip" | "zip code" | "postcode" => 8,
        "country" | "country/region" => 9,
        _ => return None,
    })
}

fn google_column(h: &str) -> Column {
    let n = norm(h);
    let target = match n.as_str() {
        "name" => Target::Name,
        "given name" | "first name" => Target::Given,
        "additional name" | "middle name" => Target::Middle,
        "family name" | "last name" => Target::Family,
        "organization name" => Target::Company,
        "organization title" => Target::Title,
        "notes" => Target::Notes,
        "group membership" | "labels" => Target::Tags,
        _ => match numbered(&n) {
            Some((kind, part)) => match (kind.as_str(), part.as_str()) {
                ("e-mail" | "email", "value") => Target::Email,
                ("phone", "value") => Target::Phone,
                ("organization", "name") => Target::Company,
                ("organization", "title") => Target::Title,
                ("address", "formatted") => return Column::new(h, Target::Address).part(left_of_dash(&n), 0),
                ("address", p) => match part_rank(p) {
                    Some(rank) => return Column::new(h, Target::AddressPart).part(left_of_dash(&n), rank),
                    None => Target::Ignore,
                },
                _ => Target::Ignore,
            },
            None => Target::Ignore,
        },
    };
    Column::new(h, target)
}

fn left_of_dash(n: &str) -> String {
    n.rsplit_once('-')
        .map(|(l, _)| l.trim().to_string())
        .unwrap_or_default()
}

fn outlook_column(h: &str) -> Column {
    let n = norm(h);
    let target = match n.as_str() {
        "first name" => Target::Given,
        "middle name" => Target::Middle,
        "last name" => Target::Family,
        "company" => Target::Company,
        "job title" => Target::Title,
        "notes" => Target::Notes,
        "categories" => Target::Tags,
        "callback" => Target::Phone,
        _ if n.starts_with("e-mail") && n.ends_with(" address") => Target::Email,
        // The assistant's number is not the contact's: kept in `extra`.
        _ if n.contains("phone") && !n.starts_with("assistant") => Target::Phone,
        _ => {
            for group in ["business", "home", "other"] {
                if let Some(rest) = n.strip_prefix(group).and_then(|r| r.strip_prefix(' ')) {
                    if rest == "address" {
                        return Column::new(h, Target::Address).part(group.to_string(), 0);
                    }
                    if let Some(rank) = part_rank(rest) {
                        return Column::new(h, Target::AddressPart).part(group.to_string(), rank);
                    }
                }
            }
            Target::Ignore
        }
    };
    let mut c = Column::new(h, target);
    // What desktop Outlook fills in for every contact: placeholders, or
    // values derived from fields read elsewhere (initials, "Name (email)").
    c.placeholders = match n.as_str() {
        "sensitivity" | "priority" => &["normal"],
        "private" => &["false"],
        "gender" => &["unspecified"],
        "birthday" | "anniversary" => &["0/0/00", "00/00/00", "0/0/0000", "00/00/0000"],
        "initials" => &["*"],
        _ if n.starts_with("e-mail") && n.ends_with(" type") => &["smtp"],
        _ if n.starts_with("e-mail") && n.ends_with(" display name") => &["*"],
        _ => &[],
    };
    c
}

fn plan_generic(headers: &[String]) -> Vec<Column> {
    let compacts: Vec<String> = headers.iter().map(|h| strip_number(&squash(h)).to_string()).collect();
    let targets: Vec<Option<(Target, u8)>> = compacts.iter().map(|c| generic_target(c)).collect();
    let has_family = targets.iter().any(|t| matches!(t, Some((Target::Family, _))));
    let has_parts = targets.iter().any(|t| matches!(t, Some((Target::AddressPart, _))));
    headers
        .iter()
        .zip(compacts.iter().zip(targets))
        .map(|(h, (c, t))| match t {
            // Vietnamese "Họ" + "Tên": "Tên" is then the given name.
            Some((Target::Name, _)) if has_family && c == "ten" => Column::new(h, Target::Given),
            // "Address" beside "City", "Country": the street of one address.
            Some((Target::Address, _)) if has_parts => Column::new(h, Target::AddressPart).part(String::new(), 1),
            Some((Target::AddressPart, rank)) => Column::new(h, Target::AddressPart).part(String::new(), rank),
            Some((target, _)) => Column::new(h, target),
            None => match guanxi_field(h) {
                Some(key) => Column::new(h, Target::Field(key)),
                None => Column::new(h, Target::Ignore),
            },
        })
        .collect()
}

/// "email2" → "email", "phone 3" → "phone"; numbers alone stay.
fn strip_number(c: &str) -> &str {
    let s = c.trim_end_matches(|ch: char| ch.is_ascii_digit());
    if s.is_empty() { c } else { s }
}

/// Other CRMs' column names (compacted), in English, Vietnamese and Chinese.
fn generic_target(c: &str) -> Option<(Target, u8)> {
    let t = match c {
        "name" | "fullname" | "contact" | "contactname" | "displayname" | "customer" | "customername" | "client"
        | "clientname" | "person" | "hoten" | "hovaten" | "ten" | "tendaydu" | "tenkhachhang" | "khachhang"
        | "nguoilienhe" | "姓名" | "名字" | "客户" | "客户名称" | "客户姓名" | "联系人" | "联系人姓名" => {
            Target::Name
        }
        "firstname" | "givenname" | "first" | "given" | "forename" | "名" => Target::Given,
        "middlename" | "middle" | "additionalname" | "tendem" | "tenlot" => Target::Middle,
        "lastname" | "familyname" | "surname" | "last" | "family" | "ho" | "姓" => Target::Family,
        "company" | "companyname" | "organization" | "organisation" | "organizationname" | "org" | "account"
        | "accountname" | "business" | "employer" | "congty" | "tencongty" | "donvi" | "tochuc" | "doanhnghiep"
        | "公司" | "公司名称" | "单位" | "企业" | "企业名称" | "机构" => Target::Company,
        "title" | "jobtitle" | "position" | "role" | "chucvu" | "chucdanh" | "vitri" | "职位" | "职务" | "头衔"
        | "职称" => Target::Title,
        "email" | "emails" | "mail" | "emailaddress" | "emailaddresses" | "thudientu" | "邮箱" | "电子邮件"
        | "电子邮箱" | "邮件" | "邮箱地址" => Target::Email,
        "phone" | "phones" | "phonenumber" | "telephone" | "tel" | "mobile" | "mobilephone" | "mobilenumber"
        | "cell" | "cellphone" | "dienthoai" | "sodienthoai" | "sdt" | "didong" | "dtdd" | "电话" | "手机"
        | "手机号" | "手机号码" | "电话号码" | "联系电话" | "座机" => Target::Phone,
        "address" | "addresses" | "fulladdress" | "mailingaddress" | "diachi" | "地址" | "联系地址" => {
            Target::Address
        }
        "notes" | "note" | "comment" | "comments" | "description" | "remarks" | "ghichu" | "mota" | "备注" | "说明"
        | "描述" => Target::Notes,
        "tags" | "tag" | "labels" | "label" | "categories" | "category" | "groups" | "group" | "nhan" | "nhom"
        | "phanloai" | "标签" | "分类" | "分组" => Target::Tags,
        "giaidoan" | "阶段" => Target::Field("stage".into()),
        "nguon" | "来源" => Target::Field("source".into()),
        "phankhuc" | "细分" => Target::Field("segment".into()),
        "nguoiphutrach" | "phutrach" | "负责人" => Target::Field("owner".into()),
        _ => {
            let rank = match c {
                "street" | "streetaddress" | "duong" | "街道" => 1,
                "phuong" | "phuongxa" => 4,
                "quan" | "quanhuyen" | "区" => 5,
                "city" | "town" | "thanhpho" | "城市" | "市" => 6,
                "state" | "province" | "region" | "tinh" | "tinhthanh" | "tinhthanhpho" | "省" | "省份" => 7,
                "zip" | "zipcode" | "postalcode" | "postcode" | "邮编" | "邮政编码" => 8,
                "country" | "quocgia" | "国家" => 9,
                _ if c.ends_with("phone") || c.ends_with("mobile") => return Some((Target::Phone, 0)),
                _ if c.ends_with("email") || c.ends_with("emailaddress") => return Some((Target::Email, 0)),
                _ => return None,
            };
            return Some((Target::AddressPart, rank));
        }
    };
    Some((t, 0))
}

/// The guanxi field a name stands for, by `CustomerInput::parse` (English
/// keys and the factors' Vietnamese and Chinese names): its key, unless it
/// is one of the fields a [`Target`] of its own feeds.
pub(super) fn guanxi_field(name: &str) -> Option<String> {
    let trimmed = name.trim();
    let input = CustomerInput::parse(trimmed).or_else(|| CustomerInput::parse(&trimmed.replace(' ', "_")))?;
    let key = input.key();
    (!BASE_FIELDS.contains(&key)).then(|| key.to_string())
}

/// guanxi's fields that have a [`Target`] of their own.
pub(super) const BASE_FIELDS: [&str; 8] = [
    "name", "company", "title", "emails", "phones", "tags", "address", "notes",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn google_numbered_columns() {
        assert_eq!(numbered("e-mail 2 - value"), Some(("e-mail".into(), "value".into())));
        assert_eq!(
            numbered("address 1 -formatted"),
            Some(("address".into(), "formatted".into()))
        );
        assert_eq!(numbered("e-mail address"), None);
    }
}
