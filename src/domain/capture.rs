//! Quick capture: one line, the way a salesperson writes in a notebook
//! (`lunch w/ An @phuthinh yesterday +2w #vip 1.2tr`), read into its
//! pieces: who it was with, what kind of interaction, when, the follow-up,
//! tags, an amount, and the note. Every piece is optional and reading
//! never fails: a word that is no piece is a word of the customer
//! reference or of the note. Pure: "today" is given.
//!
//! The grammar (the README and `guanxi note --help` say the same):
//!
//! - The line is split on whitespace. Phrases of several words (`hôm qua`,
//!   `next week`, `ăn trưa`) are tried before single words; case does not
//!   matter, and phrases of several words may be typed without
//!   Vietnamese marks (`hom qua`). Chinese words written together
//!   (`昨天和王伟吃饭`) are taken apart where a word of the grammar starts
//!   or ends them.
//! - A colon ends the pieces (`:` at the end of a word, or `：`): what
//!   follows is the note word for word, except follow-ups written with
//!   `+` and `#tags`.
//! - Before it, the first run of words that are no piece is the customer
//!   reference; later such words go to the note.
//! - Pieces: `@org` (the customer is one of that organization's people);
//!   a kind (call, meet, lunch, email, gọi, gặp, ăn trưa, 电话, 见面, 吃饭,
//!   邮件...); a date (today, yesterday, a weekday: the latest one,
//!   `2026-11-20`, `20/11`; hôm nay, hôm qua, thứ hai; 今天, 昨天, 前天,
//!   周一, `11月20日`); a follow-up (`+3d`, `+2w`, `+1m`, `+friday`,
//!   `+2026-12-01`, tomorrow, next week, next friday; ngày mai, tuần sau;
//!   明天, 下周, 下周五); `#tags`; an amount (`1.2tr`, `1tr5`, `500k`,
//!   `$300`, `2万`, `3.5万`, `1.200.000đ`, `300元`; a bare number is a
//!   word). The first of each kind counts; a second is a word.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate};

use super::channel::Channel;
use super::money::Money;
use super::text::{clean, fold};

/// What a line said, piece by piece.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capture {
    /// Who it was with, as typed: an id, or (part of) a name or email.
    pub customer: String,
    /// `@org` as typed, without the `@`: the customer is one of its people.
    pub organization: Option<String>,
    pub kind: Option<Kind>,
    /// When it happened; `None` is now.
    pub date: Option<NaiveDate>,
    /// When to follow up, if at all.
    pub follow_up: Option<NaiveDate>,
    /// Lower-case, without the `#`, in the order written.
    pub tags: Vec<String>,
    pub amount: Option<Money>,
    pub note: String,
}

/// The kind of interaction a word named, and the words as typed (`lunch`
/// says more than "meeting" when there is no note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kind {
    pub channel: Channel,
    pub said: String,
}

impl Capture {
    /// The channel to log: the kind named, else a purchase when an amount
    /// is given, else other (a note).
    pub fn channel(&self) -> Channel {
        match (&self.kind, self.amount) {
            (Some(k), _) => k.channel,
            (None, Some(_)) => Channel::Purchase,
            (None, None) => Channel::Other,
        }
    }

    /// The interaction's one line: the note, else the kind as typed;
    /// `None` when the line had neither.
    pub fn summary(&self) -> Option<String> {
        if !self.note.is_empty() {
            return Some(self.note.clone());
        }
        self.kind.as_ref().map(|k| k.said.clone())
    }

    /// True when the line held nothing at all.
    pub fn is_empty(&self) -> bool {
        *self == Capture::default()
    }
}

/// Words of address said with a name: `chị Nhung`, `Mr Clark`, `王总`.
const TITLES_BEFORE: &[&str] = &[
    "anh", "chị", "em", "cô", "chú", "bác", "ông", "bà", "dì", "thầy", "cậu", "sếp", "mr", "mr.", "mrs", "mrs.", "ms",
    "ms.", "miss", "dr", "dr.",
];
const TITLES_AFTER: &[&str] = &["总", "经理", "老板", "老师", "先生", "小姐", "女士", "姐", "哥"];
const TITLES_BEFORE_HAN: &[&str] = &["老", "小"];

/// The reference without the word of address it starts (or, in Chinese,
/// ends) with, when it has one and more is left: `chị Nhung` → `Nhung`,
/// `王总` → `王`. Tried when the reference as written matches no one.
pub fn without_title(reference: &str) -> Option<String> {
    let r = reference.trim();
    if let Some((first, rest)) = r.split_once(char::is_whitespace)
        && TITLES_BEFORE.contains(&first.to_lowercase().as_str())
        && !rest.trim().is_empty()
    {
        return Some(rest.trim().to_string());
    }
    let han = TITLES_AFTER
        .iter()
        .find_map(|t| r.strip_suffix(t))
        .or_else(|| TITLES_BEFORE_HAN.iter().find_map(|t| r.strip_prefix(t)))
        .filter(|rest| !rest.is_empty() && rest.chars().all(is_han));
    han.map(str::to_string)
}

/// Reads a line. `today` resolves relative dates.
pub fn parse(line: &str, today: NaiveDate) -> Capture {
    let line = clean(line);
    let (head, tail) = split_at_colon(&line);
    let mut c = Capture::default();
    let tokens: Vec<String> = head
        .split_whitespace()
        .flat_map(|t| t.split(CHINESE_PUNCTUATION))
        .filter(|t| !t.is_empty())
        .flat_map(peel)
        .collect();
    let mut customer: Vec<&str> = Vec::new();
    let mut note: Vec<&str> = Vec::new();
    // 0: no customer word yet; 1: in the customer's run; 2: after it.
    let mut run = 0;
    let mut i = 0;
    while i < tokens.len() {
        if let Some((piece, used)) = piece_at(&tokens[i..], today)
            && c.take(piece)
        {
            i += used;
            if run == 1 {
                run = 2;
            }
            continue;
        }
        let word = trim_punctuation(&tokens[i]);
        if !word.is_empty() {
            if run < 2 {
                customer.push(word);
                run = 1;
            } else {
                note.push(word);
            }
        }
        i += 1;
    }
    for token in tail.split_whitespace() {
        let piece = follow_up_token(token, today)
            .map(Piece::FollowUp)
            .or_else(|| tag(token).map(Piece::Tag));
        if piece.is_some_and(|p| c.take(p)) {
            continue;
        }
        note.push(token);
    }
    c.customer = customer.join(" ");
    c.note = note.join(" ");
    c
}

/// One piece of a line.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Kind(Kind),
    Date(NaiveDate),
    FollowUp(NaiveDate),
    Tag(String),
    Amount(Money),
    Organization(String),
    /// `w/`, `với`, `和`: said, then dropped.
    With,
}

impl Capture {
    /// Keeps `piece`; false when one of its kind was already given (the
    /// second is then a word).
    fn take(&mut self, piece: Piece) -> bool {
        fn first<T>(slot: &mut Option<T>, v: T) -> bool {
            let empty = slot.is_none();
            if empty {
                *slot = Some(v);
            }
            empty
        }
        match piece {
            Piece::Kind(k) => first(&mut self.kind, k),
            Piece::Date(d) => first(&mut self.date, d),
            Piece::FollowUp(d) => first(&mut self.follow_up, d),
            Piece::Amount(m) => first(&mut self.amount, m),
            Piece::Organization(o) => first(&mut self.organization, o),
            Piece::Tag(t) => {
                if !self.tags.contains(&t) {
                    self.tags.push(t);
                }
                true
            }
            Piece::With => true,
        }
    }
}

/// The part before the first colon that ends a word (`An:`, `An :`) or
/// the first full-width colon, and the part after it.
fn split_at_colon(line: &str) -> (&str, &str) {
    let mut at = None;
    for (i, ch) in line.char_indices() {
        let ends_word = line[i + ch.len_utf8()..].chars().next().is_none_or(char::is_whitespace);
        if ch == '：' || (ch == ':' && ends_word) {
            at = Some((i, i + ch.len_utf8()));
            break;
        }
    }
    match at {
        Some((from, to)) => (&line[..from], &line[to..]),
        None => (line, ""),
    }
}

/// Chinese punctuation, written without a space after it: it parts
/// words before the colon as a space does.
const CHINESE_PUNCTUATION: [char; 4] = ['，', '、', '；', '。'];

/// Punctuation that may follow a word without being part of it.
fn trim_punctuation(word: &str) -> &str {
    word.trim_end_matches([',', ';', '，', '；', '、', '。', '!', '?', '！', '？'])
}

/// What the grammar's words and phrases mean.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Word {
    Kind(Channel),
    /// So many days before today.
    Ago(u64),
    /// So many days after today: a follow-up.
    Ahead(u64),
    /// The latest such day (0 = Monday), today included.
    Weekday(u32),
    /// That day of next week: a follow-up.
    NextWeekday(u32),
    /// Dropped before the customer (`with`).
    With,
    /// Said before a date (`on`, `ngày`): taken with it, else a word.
    On,
}

/// Weekdays from Monday, as each language writes them.
const WEEKDAYS_EN: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const WEEKDAYS_VI: [&[&str]; 7] = [
    &["thứ hai", "thứ 2", "t2"],
    &["thứ ba", "thứ 3", "t3"],
    &["thứ tư", "thứ 4", "t4"],
    &["thứ năm", "thứ 5", "t5"],
    &["thứ sáu", "thứ 6", "t6"],
    &["thứ bảy", "thứ 7", "t7"],
    &["chủ nhật"],
];
const WEEKDAYS_ZH: [&[&str]; 7] = [&["一"], &["二"], &["三"], &["四"], &["五"], &["六"], &["日", "天"]];

/// The grammar's fixed words, in English, Vietnamese and Chinese (the
/// weekdays are added by `vocabulary`). A Vietnamese word is given
/// without its marks too only where that cannot be a name (`gap` yes,
/// `mai`, `thu` never).
const WORDS: &[(&str, Word)] = &[
    // Calls.
    ("call", Word::Kind(Channel::Call)),
    ("called", Word::Kind(Channel::Call)),
    ("phone", Word::Kind(Channel::Call)),
    ("phoned", Word::Kind(Channel::Call)),
    ("rang", Word::Kind(Channel::Call)),
    ("gọi", Word::Kind(Channel::Call)),
    ("goi", Word::Kind(Channel::Call)),
    ("gọi điện", Word::Kind(Channel::Call)),
    ("gọi điện thoại", Word::Kind(Channel::Call)),
    ("điện thoại", Word::Kind(Channel::Call)),
    ("电话", Word::Kind(Channel::Call)),
    ("打电话", Word::Kind(Channel::Call)),
    ("通话", Word::Kind(Channel::Call)),
    ("来电", Word::Kind(Channel::Call)),
    // Meetings.
    ("meet", Word::Kind(Channel::Meeting)),
    ("met", Word::Kind(Channel::Meeting)),
    ("meeting", Word::Kind(Channel::Meeting)),
    ("lunch", Word::Kind(Channel::Meeting)),
    ("dinner", Word::Kind(Channel::Meeting)),
    ("breakfast", Word::Kind(Channel::Meeting)),
    ("coffee", Word::Kind(Channel::Meeting)),
    ("visit", Word::Kind(Channel::Meeting)),
    ("visited", Word::Kind(Channel::Meeting)),
    ("gặp", Word::Kind(Channel::Meeting)),
    ("gap", Word::Kind(Channel::Meeting)),
    ("gặp mặt", Word::Kind(Channel::Meeting)),
    ("họp", Word::Kind(Channel::Meeting)),
    ("ăn trưa", Word::Kind(Channel::Meeting)),
    ("ăn tối", Word::Kind(Channel::Meeting)),
    ("ăn sáng", Word::Kind(Channel::Meeting)),
    ("cà phê", Word::Kind(Channel::Meeting)),
    ("cafe", Word::Kind(Channel::Meeting)),
    ("thăm", Word::Kind(Channel::Meeting)),
    ("见面", Word::Kind(Channel::Meeting)),
    ("会面", Word::Kind(Channel::Meeting)),
    ("拜访", Word::Kind(Channel::Meeting)),
    ("开会", Word::Kind(Channel::Meeting)),
    ("吃饭", Word::Kind(Channel::Meeting)),
    ("午饭", Word::Kind(Channel::Meeting)),
    ("午餐", Word::Kind(Channel::Meeting)),
    ("晚饭", Word::Kind(Channel::Meeting)),
    ("晚餐", Word::Kind(Channel::Meeting)),
    ("喝茶", Word::Kind(Channel::Meeting)),
    ("喝咖啡", Word::Kind(Channel::Meeting)),
    // Email and messages.
    ("email", Word::Kind(Channel::Email)),
    ("emailed", Word::Kind(Channel::Email)),
    ("e-mail", Word::Kind(Channel::Email)),
    ("gửi email", Word::Kind(Channel::Email)),
    ("gửi mail", Word::Kind(Channel::Email)),
    ("邮件", Word::Kind(Channel::Email)),
    ("发邮件", Word::Kind(Channel::Email)),
    ("电邮", Word::Kind(Channel::Email)),
    ("message", Word::Kind(Channel::Message)),
    ("messaged", Word::Kind(Channel::Message)),
    ("texted", Word::Kind(Channel::Message)),
    ("sms", Word::Kind(Channel::Message)),
    ("zalo", Word::Kind(Channel::Message)),
    ("wechat", Word::Kind(Channel::Message)),
    ("whatsapp", Word::Kind(Channel::Message)),
    ("nhắn tin", Word::Kind(Channel::Message)),
    ("nhắn", Word::Kind(Channel::Message)),
    ("微信", Word::Kind(Channel::Message)),
    ("短信", Word::Kind(Channel::Message)),
    ("发消息", Word::Kind(Channel::Message)),
    // Purchases and support.
    ("bought", Word::Kind(Channel::Purchase)),
    ("purchase", Word::Kind(Channel::Purchase)),
    ("purchased", Word::Kind(Channel::Purchase)),
    ("ordered", Word::Kind(Channel::Purchase)),
    ("mua", Word::Kind(Channel::Purchase)),
    ("mua hàng", Word::Kind(Channel::Purchase)),
    ("đặt hàng", Word::Kind(Channel::Purchase)),
    ("chốt đơn", Word::Kind(Channel::Purchase)),
    ("购买", Word::Kind(Channel::Purchase)),
    ("下单", Word::Kind(Channel::Purchase)),
    ("成交", Word::Kind(Channel::Purchase)),
    ("support", Word::Kind(Channel::Support)),
    ("hỗ trợ", Word::Kind(Channel::Support)),
    ("售后", Word::Kind(Channel::Support)),
    // When it happened.
    ("today", Word::Ago(0)),
    ("yesterday", Word::Ago(1)),
    ("hôm nay", Word::Ago(0)),
    ("hôm qua", Word::Ago(1)),
    ("hôm kia", Word::Ago(2)),
    ("今天", Word::Ago(0)),
    ("昨天", Word::Ago(1)),
    ("前天", Word::Ago(2)),
    // When to follow up.
    ("tomorrow", Word::Ahead(1)),
    ("next week", Word::Ahead(7)),
    ("next month", Word::Ahead(30)),
    ("ngày mai", Word::Ahead(1)),
    ("tuần sau", Word::Ahead(7)),
    ("tuần tới", Word::Ahead(7)),
    ("tháng sau", Word::Ahead(30)),
    ("tháng tới", Word::Ahead(30)),
    ("明天", Word::Ahead(1)),
    ("后天", Word::Ahead(2)),
    ("下周", Word::Ahead(7)),
    ("下星期", Word::Ahead(7)),
    ("下个星期", Word::Ahead(7)),
    ("下个月", Word::Ahead(30)),
    ("下月", Word::Ahead(30)),
    // Dropped before the customer; said before a date.
    ("w/", Word::With),
    ("with", Word::With),
    ("với", Word::With),
    ("cùng", Word::With),
    ("和", Word::With),
    ("跟", Word::With),
    ("与", Word::With),
    ("同", Word::With),
    ("on", Word::On),
    ("last", Word::On),
    ("ngày", Word::On),
    ("hôm", Word::On),
];

/// The most words a phrase of the grammar has (`thứ sáu tuần sau`).
const LONGEST_PHRASE: usize = 4;

/// Every word and phrase by its lower-case form, and phrases of several
/// words by their folded form too (typed without marks).
static VOCABULARY: LazyLock<HashMap<String, Word>> = LazyLock::new(|| {
    let mut all: Vec<(String, Word)> = WORDS.iter().map(|(w, m)| (w.to_string(), *m)).collect();
    for (day, name) in WEEKDAYS_EN.iter().enumerate() {
        let day = day as u32;
        all.push((name.to_string(), Word::Weekday(day)));
        all.push((format!("next {name}"), Word::NextWeekday(day)));
    }
    for (day, names) in WEEKDAYS_VI.iter().enumerate() {
        for name in *names {
            all.push((name.to_string(), Word::Weekday(day as u32)));
            for next in ["tuần sau", "tuần tới"] {
                all.push((format!("{name} {next}"), Word::NextWeekday(day as u32)));
            }
        }
    }
    for (day, names) in WEEKDAYS_ZH.iter().enumerate() {
        for name in *names {
            for week in ["周", "星期", "礼拜"] {
                all.push((format!("{week}{name}"), Word::Weekday(day as u32)));
                all.push((format!("下{week}{name}"), Word::NextWeekday(day as u32)));
            }
        }
    }
    let mut map = HashMap::new();
    for (phrase, meaning) in all {
        if phrase.contains(' ') {
            map.entry(fold(&phrase)).or_insert(meaning);
        }
        map.insert(phrase, meaning);
    }
    map
});

/// The Chinese words of the grammar, longest first: where a run of
/// Chinese characters is taken apart.
static CHINESE_WORDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut words: Vec<String> = VOCABULARY.keys().filter(|w| w.chars().all(is_han)).cloned().collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words
});

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Takes the grammar's Chinese words off either end of a token written
/// without spaces (`昨天和王伟吃饭` → `昨天 和 王伟 吃饭`). A word is taken
/// only when what is left is empty or two characters or more, so a name
/// that starts like a word (周一鸣) stays whole.
fn peel(token: &str) -> Vec<String> {
    if !token.chars().any(is_han) {
        return vec![token.to_string()];
    }
    let mut front = Vec::new();
    let mut back = Vec::new();
    let mut rest = token;
    let leaves_enough = |left: &str| left.is_empty() || left.chars().count() >= 2;
    while !rest.is_empty() {
        if let Some(w) = CHINESE_WORDS
            .iter()
            .find(|w| rest.strip_prefix(w.as_str()).is_some_and(leaves_enough))
        {
            front.push(w.clone());
            rest = &rest[w.len()..];
        } else if let Some(w) = CHINESE_WORDS
            .iter()
            .find(|w| rest.strip_suffix(w.as_str()).is_some_and(leaves_enough))
        {
            back.push(w.clone());
            rest = &rest[..rest.len() - w.len()];
        } else {
            break;
        }
    }
    if !rest.is_empty() {
        front.push(rest.to_string());
    }
    front.extend(back.into_iter().rev());
    front
}

/// The piece the tokens start with, and how many tokens it takes.
fn piece_at(tokens: &[String], today: NaiveDate) -> Option<(Piece, usize)> {
    if let Some((word, used, said)) = phrase_at(tokens) {
        let piece = match word {
            Word::Kind(channel) => Piece::Kind(Kind { channel, said }),
            Word::Ago(days) => Piece::Date(today.checked_sub_days(Days::new(days))?),
            Word::Ahead(days) => Piece::FollowUp(today.checked_add_days(Days::new(days))?),
            Word::Weekday(day) => Piece::Date(latest_weekday(day, today)?),
            Word::NextWeekday(day) => Piece::FollowUp(weekday_of_next_week(day, today)?),
            Word::With => Piece::With,
            Word::On => {
                // Only before a date: `on monday`, `ngày 20/11`.
                return match piece_at(&tokens[used..], today) {
                    Some((Piece::Date(d), more)) => Some((Piece::Date(d), used + more)),
                    _ => None,
                };
            }
        };
        return Some((piece, used));
    }
    let token = trim_punctuation(tokens.first()?);
    if let Some(org) = token.strip_prefix('@').filter(|o| !o.is_empty()) {
        return Some((Piece::Organization(org.to_string()), 1));
    }
    if let Some(t) = tag(token) {
        return Some((Piece::Tag(t), 1));
    }
    if let Some(d) = follow_up_token(token, today) {
        return Some((Piece::FollowUp(d), 1));
    }
    if let Some(d) = date_token(token, today, Direction::Past) {
        return Some((Piece::Date(d), 1));
    }
    if let Some(m) = amount(token) {
        return Some((Piece::Amount(m), 1));
    }
    // `1.2 triệu`, `300 元`: a number and its unit apart.
    let unit = tokens.get(1).map(|u| trim_punctuation(u).to_lowercase())?;
    if token.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') && is_unit(&unit) {
        return amount(&format!("{token}{unit}")).map(|m| (Piece::Amount(m), 2));
    }
    None
}

/// The longest phrase of the grammar the tokens start with: its meaning,
/// how many tokens it takes, and the words as typed.
fn phrase_at(tokens: &[String]) -> Option<(Word, usize, String)> {
    for n in (1..=LONGEST_PHRASE.min(tokens.len())).rev() {
        let words: Vec<&str> = tokens[..n].iter().map(|t| trim_punctuation(t)).collect();
        // Only the last word of a phrase may carry punctuation.
        if tokens[..n - 1].iter().any(|t| trim_punctuation(t) != t.as_str()) {
            continue;
        }
        let said = words.join(" ");
        let lower = said.to_lowercase();
        let found = VOCABULARY
            .get(&lower)
            .or_else(|| (n > 1).then(|| VOCABULARY.get(&fold(&lower))).flatten());
        if let Some(word) = found {
            return Some((*word, n, said));
        }
    }
    None
}

/// `#vip`: a tag starts with a letter.
fn tag(token: &str) -> Option<String> {
    let rest = trim_punctuation(token).strip_prefix('#')?;
    if !rest.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    super::validate::tag(rest).ok()
}

/// `+3d`, `+2w`, `+1m` (30 days), or `+` and a day: `+friday` (the next
/// one), `+tomorrow`, `+2026-12-01`, `+20/11` (the next 20 November).
fn follow_up_token(token: &str, today: NaiveDate) -> Option<NaiveDate> {
    let rest = trim_punctuation(token).strip_prefix('+')?.to_lowercase();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < rest.len() {
        let (number, unit) = rest.split_at(digits);
        let n: u64 = number.parse().ok()?;
        let days = match unit {
            "d" => n,
            "w" => n.checked_mul(7)?,
            "m" => n.checked_mul(30)?,
            _ => return date_token(&rest, today, Direction::Ahead),
        };
        if days > 36_500 {
            return None;
        }
        return today.checked_add_days(Days::new(days));
    }
    if let Some(day) = WEEKDAYS_EN.iter().position(|d| *d == rest) {
        let ahead = (day as i64 - today.weekday().num_days_from_monday() as i64 + 6).rem_euclid(7) + 1;
        return today.checked_add_days(Days::new(ahead as u64));
    }
    match VOCABULARY.get(&rest) {
        Some(Word::Ahead(days)) => today.checked_add_days(Days::new(*days)),
        Some(Word::NextWeekday(day)) => weekday_of_next_week(*day, today),
        _ => date_token(&rest, today, Direction::Ahead),
    }
}

/// Which way a date written without its year points.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Direction {
    /// When something happened: today or before.
    Past,
    /// When to follow up: today or after.
    Ahead,
}

/// `2026-11-20`, `20/11/2026`, `20/11`, `11月20日`, `2026年11月20日`.
fn date_token(token: &str, today: NaiveDate, direction: Direction) -> Option<NaiveDate> {
    if let Ok(d) = NaiveDate::parse_from_str(token, "%Y-%m-%d") {
        return Some(d);
    }
    let numbers = |s: &str, sep: &[char]| -> Option<Vec<u32>> {
        let parts: Vec<&str> = s.split(sep).collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()))
        {
            return None;
        }
        parts.iter().map(|p| p.parse().ok()).collect()
    };
    let (day, month, year) = if token.contains('/') {
        match numbers(token, &['/'])?.as_slice() {
            [d, m] => (*d, *m, None),
            [d, m, y] if *y >= 1000 => (*d, *m, Some(*y as i32)),
            _ => return None,
        }
    } else if token.contains('月') {
        let body = token.trim_end_matches(['日', '号']);
        let (year, md) = match body.split_once('年') {
            Some((y, md)) => (Some(numbers(y, &[])?.first().copied()? as i32), md),
            None => (None, body),
        };
        match numbers(md, &['月'])?.as_slice() {
            [m, d] => (*d, *m, year),
            _ => return None,
        }
    } else {
        return None;
    };
    if let Some(y) = year {
        return NaiveDate::from_ymd_opt(y, month, day);
    }
    let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
    match direction {
        Direction::Past => match this_year {
            Some(d) if d <= today => Some(d),
            _ => NaiveDate::from_ymd_opt(today.year() - 1, month, day).or_else(|| this_year.filter(|d| *d <= today)),
        },
        Direction::Ahead => match this_year {
            Some(d) if d >= today => Some(d),
            _ => NaiveDate::from_ymd_opt(today.year() + 1, month, day),
        },
    }
}

/// The latest `day` (0 = Monday) on or before today.
fn latest_weekday(day: u32, today: NaiveDate) -> Option<NaiveDate> {
    let back = (today.weekday().num_days_from_monday() + 7 - day) % 7;
    today.checked_sub_days(Days::new(u64::from(back)))
}

/// `day` (0 = Monday) of the week after this one.
fn weekday_of_next_week(day: u32, today: NaiveDate) -> Option<NaiveDate> {
    let ahead = 7 - today.weekday().num_days_from_monday() + day;
    today.checked_add_days(Days::new(u64::from(ahead)))
}

/// Words that multiply the number before them.
const MULTIPLIERS: &[(&str, i128)] = &[
    ("triệu", 1_000_000),
    ("nghìn", 1_000),
    ("ngàn", 1_000),
    ("tr", 1_000_000),
    ("tỷ", 1_000_000_000),
    ("tỉ", 1_000_000_000),
    ("k", 1_000),
    ("千", 1_000),
    ("万", 10_000),
    ("萬", 10_000),
    ("亿", 100_000_000),
];

/// Currency written after an amount (the amount is in the workspace's
/// currency whatever is written: these only say it is money).
const CURRENCY_AFTER: &[&str] = &["đồng", "vnđ", "vnd", "usd", "đ", "₫", "元", "块"];
const CURRENCY_BEFORE: &[char] = &['$', '¥', '￥', '€', '£', '₫'];

fn is_unit(word: &str) -> bool {
    MULTIPLIERS.iter().any(|(m, _)| *m == word) || CURRENCY_AFTER.contains(&word)
}

/// An amount marked as one: a currency sign or word, or a multiplier
/// (`1.2tr`, `1tr5`, `500k`, `$300`, `2万`, `3.5万`, `1.200.000đ`). A bare
/// number is not one.
fn amount(token: &str) -> Option<Money> {
    let lower = token.to_lowercase();
    let mut s = lower.as_str();
    let mut marked = false;
    if let Some(rest) = s.strip_prefix(CURRENCY_BEFORE) {
        s = rest;
        marked = true;
    }
    if let Some(rest) = CURRENCY_AFTER.iter().find_map(|c| s.strip_suffix(c)) {
        s = rest;
        marked = true;
    }
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    for (word, factor) in MULTIPLIERS {
        // `1.2tr`, or `1tr5` (1.5 million).
        if let Some((number, after)) = s.split_once(word)
            && after.chars().all(|c| c.is_ascii_digit())
        {
            let number = if after.is_empty() {
                number.to_string()
            } else if number.chars().all(|c| c.is_ascii_digit()) {
                format!("{number}.{after}")
            } else {
                return None;
            };
            return times(&number, *factor);
        }
    }
    if !marked {
        return None;
    }
    Money::parse(s).ok().filter(|m| m.0 >= 0)
}

/// `number` (digits, maybe one `.` or `,` and decimals) times `factor`,
/// exactly, in hundredths.
fn times(number: &str, factor: i128) -> Option<Money> {
    let (whole, fraction) = match number.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || whole.len() > 15 || fraction.len() > 6 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let scale = 10i128.pow(fraction.len() as u32);
    let value = whole.parse::<i128>().ok()? * scale + fraction.parse::<i128>().unwrap_or(0);
    let hundredths = (value * factor * 100 + scale / 2) / scale;
    i64::try_from(hundredths).ok().map(Money)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Sunday 22 November 2026.
    fn today() -> NaiveDate {
        day("2026-11-22")
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn kind(channel: Channel, said: &str) -> Option<Kind> {
        Some(Kind {
            channel,
            said: said.into(),
        })
    }

    fn units(n: i64) -> Option<Money> {
        Some(Money::from_units(n))
    }

    /// What a row expects: every piece, the rest empty.
    fn expect(customer: &str) -> Capture {
        Capture {
            customer: customer.into(),
            ..Capture::default()
        }
    }

    fn check(rows: Vec<(&str, Capture)>) {
        for (line, want) in rows {
            assert_eq!(parse(line, today()), want, "{line}");
        }
    }

    #[test]
    fn english_lines() {
        check(vec![
            (
                "lunch w/ An @phuthinh yesterday +2w #vip 1.2tr",
                Capture {
                    organization: Some("phuthinh".into()),
                    kind: kind(Channel::Meeting, "lunch"),
                    date: Some(day("2026-11-21")),
                    follow_up: Some(day("2026-12-06")),
                    tags: vec!["vip".into()],
                    amount: units(1_200_000),
                    ..expect("An")
                },
            ),
            ("Emily Clark", expect("Emily Clark")),
            (
                "call Emily Clark today: renewal offer, wants 10% off",
                Capture {
                    kind: kind(Channel::Call, "call"),
                    date: Some(today()),
                    note: "renewal offer, wants 10% off".into(),
                    ..expect("Emily Clark")
                },
            ),
            (
                "Emily met monday sent the deck",
                Capture {
                    kind: kind(Channel::Meeting, "met"),
                    date: Some(day("2026-11-16")),
                    note: "sent the deck".into(),
                    ..expect("Emily")
                },
            ),
            (
                "email emily@northwind.com +3d",
                Capture {
                    kind: kind(Channel::Email, "email"),
                    follow_up: Some(day("2026-11-25")),
                    ..expect("emily@northwind.com")
                },
            ),
            (
                "Bob $300 on 2026-11-20 #Repeat #vip",
                Capture {
                    date: Some(day("2026-11-20")),
                    tags: vec!["repeat".into(), "vip".into()],
                    amount: units(300),
                    ..expect("Bob")
                },
            ),
            (
                "Bob 500k 20/11 next week",
                Capture {
                    date: Some(day("2026-11-20")),
                    follow_up: Some(day("2026-11-29")),
                    amount: units(500_000),
                    ..expect("Bob")
                },
            ),
            (
                "Bob next friday +1m 23/12",
                Capture {
                    // 23 December is after today: last year's.
                    date: Some(day("2025-12-23")),
                    follow_up: Some(day("2026-11-27")),
                    note: "+1m".into(),
                    ..expect("Bob")
                },
            ),
            (
                "phoned Sam: call back +friday about 2 units #hot",
                Capture {
                    kind: kind(Channel::Call, "phoned"),
                    follow_up: Some(day("2026-11-27")),
                    tags: vec!["hot".into()],
                    note: "call back about 2 units".into(),
                    ..expect("Sam")
                },
            ),
            (
                "@Northwind tomorrow",
                Capture {
                    organization: Some("Northwind".into()),
                    follow_up: Some(day("2026-11-23")),
                    ..expect("")
                },
            ),
            (
                "Sam lunch dinner 300 #1",
                Capture {
                    kind: kind(Channel::Meeting, "lunch"),
                    note: "dinner 300 #1".into(),
                    ..expect("Sam")
                },
            ),
            ("", Capture::default()),
            (
                "a4f09c12 bought $1,250.50",
                Capture {
                    kind: kind(Channel::Purchase, "bought"),
                    amount: Some(Money(125_050)),
                    ..expect("a4f09c12")
                },
            ),
        ]);
    }

    #[test]
    fn vietnamese_lines() {
        check(vec![
            (
                "ăn trưa với An @phuthinh hôm qua tuần sau #vip 1.2tr",
                Capture {
                    organization: Some("phuthinh".into()),
                    kind: kind(Channel::Meeting, "ăn trưa"),
                    date: Some(day("2026-11-21")),
                    follow_up: Some(day("2026-11-29")),
                    tags: vec!["vip".into()],
                    amount: units(1_200_000),
                    ..expect("An")
                },
            ),
            (
                "gọi chị Nhung hôm nay: hẹn gửi báo giá +3d",
                Capture {
                    kind: kind(Channel::Call, "gọi"),
                    date: Some(today()),
                    follow_up: Some(day("2026-11-25")),
                    note: "hẹn gửi báo giá".into(),
                    ..expect("chị Nhung")
                },
            ),
            (
                "Gặp Nguyễn Thị Hồng Nhung thứ hai",
                Capture {
                    kind: kind(Channel::Meeting, "Gặp"),
                    date: Some(day("2026-11-16")),
                    ..expect("Nguyễn Thị Hồng Nhung")
                },
            ),
            (
                // Typed decomposed (NFD), as some keyboards send it.
                "Ga\u{306}\u{323}p Lâm ho\u{302}m qua",
                Capture {
                    kind: kind(Channel::Meeting, "Gặp"),
                    date: Some(day("2026-11-21")),
                    ..expect("Lâm")
                },
            ),
            (
                "goi Lam hom qua tuan sau",
                Capture {
                    kind: kind(Channel::Call, "goi"),
                    date: Some(day("2026-11-21")),
                    follow_up: Some(day("2026-11-29")),
                    ..expect("Lam")
                },
            ),
            (
                "Lâm mua hàng 1tr5 ngày 20/11",
                Capture {
                    kind: kind(Channel::Purchase, "mua hàng"),
                    date: Some(day("2026-11-20")),
                    amount: units(1_500_000),
                    ..expect("Lâm")
                },
            ),
            (
                "Lâm 1.200.000đ thứ sáu tuần sau",
                Capture {
                    // Next week starts tomorrow, a Monday.
                    follow_up: Some(day("2026-11-27")),
                    amount: units(1_200_000),
                    ..expect("Lâm")
                },
            ),
            (
                "nhắn tin Mai ngày mai",
                Capture {
                    kind: kind(Channel::Message, "nhắn tin"),
                    follow_up: Some(day("2026-11-23")),
                    ..expect("Mai")
                },
            ),
            (
                "Thu 2tr hôm kia",
                Capture {
                    date: Some(day("2026-11-20")),
                    amount: units(2_000_000),
                    ..expect("Thu")
                },
            ),
            (
                "Lan 2 triệu",
                Capture {
                    amount: units(2_000_000),
                    ..expect("Lan")
                },
            ),
            (
                "cà phê với anh Bình chủ nhật, bàn hợp đồng #tiềm-năng",
                Capture {
                    kind: kind(Channel::Meeting, "cà phê"),
                    date: Some(today()),
                    tags: vec!["tiềm-năng".into()],
                    note: "bàn hợp đồng".into(),
                    ..expect("anh Bình")
                },
            ),
            (
                "gửi email Lan Anh 500 nghìn",
                Capture {
                    kind: kind(Channel::Email, "gửi email"),
                    amount: units(500_000),
                    ..expect("Lan Anh")
                },
            ),
        ]);
    }

    #[test]
    fn chinese_lines() {
        check(vec![
            (
                "昨天 和 王伟 吃饭 下周 #vip 2万",
                Capture {
                    kind: kind(Channel::Meeting, "吃饭"),
                    date: Some(day("2026-11-21")),
                    follow_up: Some(day("2026-11-29")),
                    tags: vec!["vip".into()],
                    amount: units(20_000),
                    ..expect("王伟")
                },
            ),
            (
                "昨天和王伟吃饭",
                Capture {
                    kind: kind(Channel::Meeting, "吃饭"),
                    date: Some(day("2026-11-21")),
                    ..expect("王伟")
                },
            ),
            (
                "电话 张伟 今天：讨论样品 明天",
                Capture {
                    kind: kind(Channel::Call, "电话"),
                    date: Some(today()),
                    note: "讨论样品 明天".into(),
                    ..expect("张伟")
                },
            ),
            (
                "张伟：讨论样品 +2w",
                Capture {
                    follow_up: Some(day("2026-12-06")),
                    note: "讨论样品".into(),
                    ..expect("张伟")
                },
            ),
            (
                "见面 李娜 前天 3.5万",
                Capture {
                    kind: kind(Channel::Meeting, "见面"),
                    date: Some(day("2026-11-20")),
                    amount: units(35_000),
                    ..expect("李娜")
                },
            ),
            (
                "邮件 李娜 @华信 下周五",
                Capture {
                    organization: Some("华信".into()),
                    kind: kind(Channel::Email, "邮件"),
                    follow_up: Some(day("2026-11-27")),
                    ..expect("李娜")
                },
            ),
            (
                "周一鸣 周三 300元",
                Capture {
                    date: Some(day("2026-11-18")),
                    amount: units(300),
                    ..expect("周一鸣")
                },
            ),
            (
                "李娜 11月20日 购买 ￥1,200",
                Capture {
                    kind: kind(Channel::Purchase, "购买"),
                    date: Some(day("2026-11-20")),
                    amount: units(1_200),
                    ..expect("李娜")
                },
            ),
            (
                "微信 王伟 星期天 下个月",
                Capture {
                    kind: kind(Channel::Message, "微信"),
                    date: Some(today()),
                    follow_up: Some(day("2026-12-22")),
                    ..expect("王伟")
                },
            ),
            (
                "跟王伟见面，谈价格",
                Capture {
                    kind: kind(Channel::Meeting, "见面"),
                    note: "谈价格".into(),
                    ..expect("王伟")
                },
            ),
            (
                "王伟 2 万 2026年11月19日",
                Capture {
                    date: Some(day("2026-11-19")),
                    amount: units(20_000),
                    ..expect("王伟")
                },
            ),
        ]);
    }

    #[test]
    fn defaults_for_what_was_not_said() {
        let c = parse("An 500k", today());
        assert_eq!(c.channel(), Channel::Purchase);
        assert_eq!(c.summary(), None);
        let c = parse("lunch An 500k", today());
        assert_eq!(c.channel(), Channel::Meeting);
        assert_eq!(c.summary().as_deref(), Some("lunch"));
        let c = parse("An: quote sent", today());
        assert_eq!(c.channel(), Channel::Other);
        assert_eq!(c.summary().as_deref(), Some("quote sent"));
        assert!(parse("   ", today()).is_empty());
    }

    #[test]
    fn words_of_address() {
        assert_eq!(without_title("chị Nhung").as_deref(), Some("Nhung"));
        assert_eq!(without_title("Anh Bình").as_deref(), Some("Bình"));
        assert_eq!(without_title("Mr Clark").as_deref(), Some("Clark"));
        assert_eq!(without_title("王总").as_deref(), Some("王"));
        assert_eq!(without_title("小李").as_deref(), Some("李"));
        assert_eq!(without_title("Anh"), None);
        assert_eq!(without_title("总"), None);
        assert_eq!(without_title("Lan Anh"), None);
    }

    #[test]
    fn amounts() {
        let a = |s: &str| amount(s).map(|m| m.0);
        assert_eq!(a("1.2tr"), Some(120_000_000));
        assert_eq!(a("1,2tr"), Some(120_000_000));
        assert_eq!(a("0.5k"), Some(50_000));
        assert_eq!(a("$12.5"), Some(1_250));
        assert_eq!(a("1.5万元"), Some(1_500_000));
        assert_eq!(a("300"), None);
        assert_eq!(a("k"), None);
        assert_eq!(a("$"), None);
        assert_eq!(a("$-5"), None);
        assert_eq!(a("1.2.3tr"), None);
        assert_eq!(a("99999999999999999tr"), None);
    }

    proptest! {
        #[test]
        fn any_line_is_read_without_panicking(line in any::<String>(), days in 0i32..800_000) {
            let today = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MIN);
            let c = parse(&line, today);
            let _ = (c.channel(), c.summary());
        }

        #[test]
        fn lines_of_grammar_words_are_read_without_panicking(
            words in proptest::collection::vec(
                prop_oneof![
                    Just("+".to_string()), Just("#".to_string()), Just("@".to_string()),
                    Just("：".to_string()), Just(":".to_string()), Just("tr".to_string()),
                    Just("万".to_string()), Just("周一".to_string()), Just("thứ".to_string()),
                    Just("+99999999999999999999w".to_string()), Just("29/2".to_string()),
                    Just("31/4/2026".to_string()), Just("0月0日".to_string()),
                    "[0-9.,]{0,6}(k|tr|万|đ)?", "\\PC{0,6}",
                ],
                0..12,
            ),
            days in 0i32..800_000,
        ) {
            let today = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MIN);
            let _ = parse(&words.join(" "), today);
            let _ = parse(&words.concat(), today);
        }
    }
}
