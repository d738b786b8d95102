//! Which phone numbers are the same number.
//!
//! A number is compared as a whole international number, E.164-like: its
//! country calling code and the digits after it. A number written with
//! `+84…` (or an international call prefix, `00 84…`) says its country
//! itself; a national one (`0903 111 222`, `(903) 111-222`) takes the
//! country of the region it was written in — the import's `--region`, or
//! `region` in the config file. With no region known, a national number
//! can only be the same as one written the same national way: digits are
//! never matched from the end, so `+86 903 111 222` and `+84 903 111 222`
//! are two numbers.
//!
//! The calling codes are a small table of the countries guanxi's users
//! mostly deal with, below. Why not the `phonenumber` crate (libphonenumber's
//! metadata for every country): it is well kept, but it validates numbers
//! against each country's numbering plan, compiles regular expressions for
//! it, and adds regex, nom, quick-xml and postcard to the build; guanxi only
//! needs to know a number's country code and trunk prefix, and must compare
//! numbers a strict parser rejects (short, old or mistyped ones) just the
//! same.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One country: ISO 3166 alpha-2 code, calling code, the trunk prefix a
/// national number starts with (`0` in most countries, `1` in North
/// America, `8` in Russia, none in Italy or Singapore), the prefixes for
/// calling abroad other than `00`, and the longest national number (a
/// number longer than that, starting with the calling code, is taken as
/// written without its `+`: `84912345678`).
struct Country {
    code: &'static str,
    calling: &'static str,
    trunk: &'static str,
    abroad: &'static [&'static str],
    longest: usize,
}

const fn c(
    code: &'static str,
    calling: &'static str,
    trunk: &'static str,
    abroad: &'static [&'static str],
    longest: usize,
) -> Country {
    Country {
        code,
        calling,
        trunk,
        abroad,
        longest,
    }
}

/// Sorted by code.
const COUNTRIES: &[Country] = &[
    c("AE", "971", "0", &[], 9),
    c("AT", "43", "0", &[], 13),
    c("AU", "61", "0", &["0011"], 9),
    c("BD", "880", "0", &[], 10),
    c("BE", "32", "0", &[], 9),
    c("BR", "55", "0", &[], 11),
    c("CA", "1", "1", &["011"], 10),
    c("CH", "41", "0", &[], 9),
    c("CN", "86", "0", &[], 12),
    c("DE", "49", "0", &[], 13),
    c("DK", "45", "", &[], 8),
    c("ES", "34", "", &[], 9),
    c("FR", "33", "0", &[], 9),
    c("GB", "44", "0", &[], 10),
    c("HK", "852", "", &[], 8),
    c("ID", "62", "0", &["001", "007", "008", "009"], 12),
    c("IN", "91", "0", &[], 10),
    c("IT", "39", "", &[], 11),
    c("JP", "81", "0", &["010"], 10),
    c("KH", "855", "0", &["001"], 9),
    c("KR", "82", "0", &["001", "002", "005", "006", "008"], 10),
    c("LA", "856", "0", &[], 10),
    c("MM", "95", "0", &[], 10),
    c("MO", "853", "", &[], 8),
    c("MX", "52", "", &[], 10),
    c("MY", "60", "0", &[], 10),
    c("NL", "31", "0", &[], 9),
    c("NZ", "64", "0", &[], 10),
    c("PH", "63", "0", &[], 10),
    c("PL", "48", "", &[], 9),
    c("RU", "7", "8", &["810"], 10),
    c("SE", "46", "0", &[], 9),
    c("SG", "65", "", &["000", "001", "002", "008"], 8),
    c("TH", "66", "0", &["001"], 9),
    c("TW", "886", "0", &["002", "005", "006", "007", "009", "019"], 9),
    c("US", "1", "1", &["011"], 10),
    c("VN", "84", "0", &[], 10),
];

/// Where national numbers were written: a country of the table above.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region(u8);

impl Region {
    /// `VN`, `vn`: the region of that ISO 3166 alpha-2 code, when the table
    /// knows its calling code.
    pub fn parse(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_uppercase();
        COUNTRIES
            .iter()
            .position(|c| c.code == code)
            .and_then(|i| u8::try_from(i).ok())
            .map(Region)
    }

    pub fn code(self) -> &'static str {
        self.country().code
    }

    /// The country calling code, without `+`.
    pub fn calling_code(self) -> &'static str {
        self.country().calling
    }

    /// Every code `parse` accepts, for messages.
    pub fn known() -> String {
        COUNTRIES.iter().map(|c| c.code).collect::<Vec<_>>().join(", ")
    }

    fn country(self) -> &'static Country {
        &COUNTRIES[usize::from(self.0) % COUNTRIES.len()]
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Region {
    type Error = String;
    fn try_from(s: String) -> Result<Region, String> {
        Region::parse(&s).ok_or(s)
    }
}

impl From<Region> for String {
    fn from(r: Region) -> String {
        r.code().to_string()
    }
}

/// Numbers with fewer digits than this (an extension, a typo, a short code)
/// are never matched.
const SHORTEST: usize = 7;

/// A number as read: international (calling code and number, the digits of
/// E.164), or national in an unknown region (its digits as written).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reading {
    International(String),
    National(String),
}

/// The digits of a number up to its extension (`x12`, `ext. 12`, `#12`,
/// `;ext=12`, a `,` or `;` pause), whether it starts with `+`, and where
/// (in bytes) its first digit is.
fn digits(raw: &str) -> (bool, String, usize) {
    let mut offset = raw.len() - raw.trim_start().len();
    let mut s = &raw[offset..];
    if s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tel:")) {
        s = &s[4..];
        offset += 4;
    }
    let mut plus = false;
    let mut out = String::new();
    let mut first_digit = None;
    for (i, ch) in s.char_indices() {
        match ch {
            '0'..='9' => {
                first_digit.get_or_insert(offset + i);
                out.push(ch);
            }
            '+' if out.is_empty() => plus = true,
            c if c.is_alphabetic() || matches!(c, '#' | ';' | ',' | '*') => break,
            _ => {}
        }
    }
    (plus, out, first_digit.unwrap_or(offset))
}

fn read(raw: &str, region: Option<Region>) -> Option<Reading> {
    let (plus, digits, _) = digits(raw);
    if plus {
        return Some(Reading::International(digits));
    }
    let Some(region) = region else {
        if let Some(rest) = digits.strip_prefix("00") {
            return Some(Reading::International(rest.to_string()));
        }
        return Some(Reading::National(digits));
    };
    let country = region.country();
    let mut abroad: Vec<&str> = country.abroad.iter().copied().chain(["00"]).collect();
    abroad.sort_by_key(|p| std::cmp::Reverse(p.len()));
    if let Some(rest) = abroad.iter().find_map(|p| digits.strip_prefix(p)) {
        return Some(Reading::International(rest.to_string()));
    }
    let national = match digits.strip_prefix(country.trunk) {
        // North America's trunk `1` only comes before a whole number.
        Some(rest) if !country.trunk.is_empty() && (country.trunk != "1" || rest.len() == country.longest) => rest,
        _ if digits.len() > country.longest && digits.starts_with(country.calling) => {
            return Some(Reading::International(digits));
        }
        _ => digits.as_str(),
    };
    Some(Reading::International(format!("{}{national}", country.calling)))
}

/// The identity of a phone number, for finding the same number again:
/// `+84903111222` for an international number, `0903111222` for a
/// national one when no region is known. `None` for too few digits.
pub fn identity(raw: &str, region: Option<Region>) -> Option<String> {
    let (key, digits) = match read(raw, region)? {
        Reading::International(d) => (format!("+{d}"), d.len()),
        Reading::National(d) => {
            let n = d.len();
            (d, n)
        }
    };
    (digits >= SHORTEST).then_some(key)
}

/// A national number written as an international one, keeping how it was
/// spaced: `0903 111 222` in `VN` → `+84 903 111 222`. Numbers that already
/// say their country, and numbers too short to match, are returned as they
/// are. Used when an import names a region other than the workspace's, so
/// the number still reads right where it is kept.
pub fn international(raw: &str, region: Region) -> String {
    let (plus, all, first) = digits(raw);
    if plus || all.len() < SHORTEST {
        return raw.to_string();
    }
    let Some(Reading::International(whole)) = read(raw, Some(region)) else {
        return raw.to_string();
    };
    let calling = region.calling_code();
    let Some(national) = whole.strip_prefix(calling) else {
        return raw.to_string();
    };
    // Where the national number starts in the text: after as many digits
    // as were dropped (a trunk prefix) or were the calling code.
    if !all.ends_with(national) {
        return raw.to_string();
    }
    let skip = all.len() - national.len();
    if skip == 0 {
        return format!("+{calling} {}", raw.trim());
    }
    // The text after the last digit dropped.
    let mut seen = 0;
    let mut rest = raw;
    for (i, ch) in raw.char_indices().skip_while(|(i, _)| *i < first) {
        if ch.is_ascii_digit() {
            seen += 1;
            if seen == skip {
                rest = &raw[i + 1..];
                break;
            }
        }
    }
    let rest = rest.trim().trim_start_matches(['-', '.', '/']).trim_start();
    format!("+{calling} {rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(code: &str) -> Option<Region> {
        Some(Region::parse(code).unwrap())
    }

    #[test]
    fn the_table_is_sorted_and_codes_parse() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].code < w[1].code));
        assert_eq!(Region::parse("vn").map(Region::code), Some("VN"));
        assert_eq!(Region::parse(" CN ").map(Region::calling_code), Some("86"));
        assert_eq!(Region::parse("XX"), None);
        assert_eq!(Region::parse(""), None);
    }

    #[test]
    fn international_numbers_carry_their_country() {
        assert_eq!(identity("+84 903 111 222", None).as_deref(), Some("+84903111222"));
        assert_eq!(identity("0084 903 111 222", None).as_deref(), Some("+84903111222"));
        assert_eq!(identity("+84 903 111 222", r("US")).as_deref(), Some("+84903111222"));
        assert_ne!(identity("+86 903 111 222", None), identity("+84 903 111 222", None));
        assert_eq!(
            identity("tel:+1-555-555-1234;ext=5", None).as_deref(),
            Some("+15555551234")
        );
        assert_eq!(identity("+1 555 555 1234 x 12", None).as_deref(), Some("+15555551234"));
    }

    #[test]
    fn national_numbers_take_the_region() {
        assert_eq!(identity("0903 111 222", r("VN")).as_deref(), Some("+84903111222"));
        assert_eq!(identity("903111222", r("VN")).as_deref(), Some("+84903111222"));
        assert_eq!(identity("84903111222", r("VN")).as_deref(), Some("+84903111222"));
        assert_eq!(identity("(903) 111-222", r("US")).as_deref(), Some("+1903111222"));
        assert_eq!(identity("1 (903) 555-1234", r("US")).as_deref(), Some("+19035551234"));
        assert_eq!(identity("011 84 903 111 222", r("US")).as_deref(), Some("+84903111222"));
        assert_eq!(identity("138 0013 8000", r("CN")).as_deref(), Some("+8613800138000"));
        assert_eq!(identity("03-1234-5678", r("JP")).as_deref(), Some("+81312345678"));
        assert_eq!(identity("002 84 903 111 222", r("TW")).as_deref(), Some("+84903111222"));
        assert_eq!(identity("8 495 123 45 67", r("RU")).as_deref(), Some("+74951234567"));
        assert_eq!(identity("9123 4567", r("SG")).as_deref(), Some("+6591234567"));
    }

    #[test]
    fn without_a_region_national_numbers_match_only_as_written() {
        assert_eq!(identity("(903) 111-222", None).as_deref(), Some("903111222"));
        assert_eq!(identity("0903.111.222", None).as_deref(), Some("0903111222"));
        assert_ne!(identity("0903111222", None), identity("+84 903 111 222", None));
        assert_ne!(identity("903111222", None), identity("0903111222", None));
        assert_eq!(identity("123", None), None);
        assert_eq!(identity("+84 12", r("VN")), None);
    }

    #[test]
    fn national_numbers_are_rewritten_with_their_country() {
        let vn = Region::parse("VN").unwrap();
        assert_eq!(international("0903 111 222", vn), "+84 903 111 222");
        assert_eq!(international("903-111-222", vn), "+84 903-111-222");
        assert_eq!(international("+84 903 111 222", vn), "+84 903 111 222");
        assert_eq!(international("84 903 111 222", vn), "+84 903 111 222");
        assert_eq!(international("12", vn), "12");
        let us = Region::parse("US").unwrap();
        assert_eq!(international("(903) 555-1234", us), "+1 (903) 555-1234");
        assert_eq!(international("1 (903) 555-1234", us), "+1 (903) 555-1234");
        let cn = Region::parse("CN").unwrap();
        assert_eq!(international("0086 138 0013 8000", cn), "+86 138 0013 8000");
        assert_eq!(international("0138-0013-8000", cn), "+86 138-0013-8000");
    }
}
