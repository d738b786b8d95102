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

mod amount;
mod dates;
#[cfg(test)]
mod tests;
mod words;

use chrono::{Days, NaiveDate};

use super::channel::Channel;
use super::money::Money;
use super::text::clean;
use amount::{amount, is_unit};
use dates::{Direction, date_token, follow_up_token, latest_weekday, weekday_of_next_week};
use words::{Word, is_han, peel, phrase_at};

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
        .flat_map(with_apart)
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

/// `w/An` as `w/ An`.
fn with_apart(token: &str) -> Vec<&str> {
    match token.strip_prefix("w/") {
        Some(rest) if !rest.is_empty() => vec!["w/", rest],
        _ => vec![token],
    }
}

/// Punctuation that may follow a word without being part of it.
pub(super) fn trim_punctuation(word: &str) -> &str {
    word.trim_end_matches([',', ';', '，', '；', '、', '。', '!', '?', '！', '？'])
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

/// `#vip`: a tag starts with a letter.
fn tag(token: &str) -> Option<String> {
    let rest = trim_punctuation(token).strip_prefix('#')?;
    if !rest.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    super::validate::tag(rest).ok()
}
