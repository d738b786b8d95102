//! The grammar's fixed words and phrases in English, Vietnamese and
//! Chinese, what each means, and Chinese written without spaces taken
//! apart at them.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::trim_punctuation;
use crate::domain::channel::Channel;
use crate::domain::text::fold;

/// What the grammar's words and phrases mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Word {
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
pub(super) use crate::domain::dates::WEEKDAYS as WEEKDAYS_EN;
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
pub(super) static VOCABULARY: LazyLock<HashMap<String, Word>> = LazyLock::new(|| {
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

pub(super) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Takes the grammar's Chinese words off either end of a token written
/// without spaces (`昨天和王伟吃饭` → `昨天 和 王伟 吃饭`). A word is taken
/// only when what is left is empty or two characters or more, so a name
/// that starts like a word (周一鸣) stays whole.
pub(super) fn peel(token: &str) -> Vec<String> {
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

/// The longest phrase of the grammar the tokens start with: its meaning,
/// how many tokens it takes, and the words as typed.
pub(super) fn phrase_at(tokens: &[String]) -> Option<(Word, usize, String)> {
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
