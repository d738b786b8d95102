//! Sorting names the way each language's readers expect.
//!
//! A sort key is compared as a plain string. Its first part orders letters
//! (the primary order); accents, tones and case only decide between names
//! that are otherwise equal, as in a dictionary.
//!
//! - Vietnamese has its own alphabet: a ă â b c d đ e ê g h i … o ô ơ … u ư
//!   … y, with the tones (ngang, huyền, hỏi, ngã, sắc, nặng) second. A
//!   Vietnamese list is ordered by the given name, which comes last
//!   ("Nguyễn Thị Hồng Nhung" files under N for Nhung), then the rest.
//! - Chinese characters sort by their pinyin syllable, then tone, so
//!   "张伟" files under Z in every language, next to "Zhang".
//! - Otherwise accents and case are ignored first ("Élodie" beside
//!   "Elodie").

use pinyin::ToPinyin;
use unicode_normalization::UnicodeNormalization;

use super::{Lang, language};

/// The key that sorts `name` among names in the current language.
pub fn name_key(name: &str) -> String {
    name_key_in(name, language())
}

pub fn name_key_in(name: &str, lang: Lang) -> String {
    let clean: String = name.nfc().collect();
    let ordered = match lang {
        Lang::Vi => given_name_first(&clean),
        Lang::En | Lang::Zh => clean,
    };
    sort_key(&ordered, lang == Lang::Vi)
}

/// "Nguyễn Thị Hồng Nhung" → "Nhung Nguyễn Thị Hồng".
fn given_name_first(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.split_last() {
        Some((given, rest)) if !rest.is_empty() => format!("{given} {}", rest.join(" ")),
        _ => words.join(" "),
    }
}

/// Primary letters, then (after a separator below every letter) the
/// marks, then the text itself so that equal keys mean equal names.
fn sort_key(text: &str, vietnamese_alphabet: bool) -> String {
    let mut primary = String::with_capacity(text.len() * 2);
    let mut secondary = String::new();
    let mut space = false;
    // A surname read otherwise than its characters usually are (曾 Zēng):
    // its syllables stand for its first characters.
    let (mut surname_chars, mut surname) = match crate::domain::text::surname_reading(text) {
        Some((chars, readings)) => (chars, readings.iter()),
        None => (0, [].iter()),
    };
    for c in text.chars() {
        if c.is_whitespace() {
            space = !primary.is_empty();
            continue;
        }
        if space {
            primary.push(' ');
            space = false;
        }
        if surname_chars > 0 {
            surname_chars -= 1;
            if let Some((plain, tone)) = surname.next() {
                primary.push_str(plain);
                primary.push(' ');
                secondary.push(*tone);
                continue;
            }
        }
        if let Some(p) = c.to_pinyin() {
            // A syllable is a unit: 詹 (zhan) comes before 张 (zhang).
            primary.push_str(p.plain());
            primary.push(' ');
            secondary.push(tone_digit(p.with_tone_num_end()));
            continue;
        }
        let letter = Letter::of(c);
        primary.extend(letter.base.to_lowercase());
        if vietnamese_alphabet {
            primary.push(letter.vowel_mark);
            secondary.push(letter.tone);
        } else {
            secondary.push(letter.vowel_mark);
            secondary.push(letter.tone);
        }
    }
    let mut key = primary;
    key.push('\u{1}');
    key.push_str(&secondary);
    key.push('\u{1}');
    key.push_str(text);
    key
}

/// "zhang1" → '1'; the neutral tone sorts after the four tones.
fn tone_digit(with_tone: &str) -> char {
    with_tone.chars().last().filter(char::is_ascii_digit).unwrap_or('5')
}

/// One written letter split into what the Vietnamese alphabet orders by.
struct Letter {
    base: char,
    /// '0' plain; in Vietnamese '1' for ă ê ô ư đ, '2' for â ơ. Other marks
    /// (ü, ç, ñ...) '9', so they follow the plain letter.
    vowel_mark: char,
    /// '0' none, then huyền, hỏi, ngã, sắc, nặng as '1'..'5'; other marks
    /// count as none.
    tone: char,
}

impl Letter {
    fn of(c: char) -> Letter {
        if c == 'đ' || c == 'Đ' {
            return Letter {
                base: 'd',
                vowel_mark: '1',
                tone: '0',
            };
        }
        let mut parts = std::iter::once(c).nfd();
        let base = parts.next().unwrap_or(c);
        let mut letter = Letter {
            base,
            vowel_mark: '0',
            tone: '0',
        };
        for mark in parts {
            match mark {
                '\u{0300}' => letter.tone = '1',
                '\u{0309}' => letter.tone = '2',
                '\u{0303}' => letter.tone = '3',
                '\u{0301}' => letter.tone = '4',
                '\u{0323}' => letter.tone = '5',
                '\u{0306}' => letter.vowel_mark = '1',
                '\u{0302}' => letter.vowel_mark = if base.eq_ignore_ascii_case(&'a') { '2' } else { '1' },
                '\u{031B}' => letter.vowel_mark = if base.eq_ignore_ascii_case(&'o') { '2' } else { '1' },
                _ => letter.vowel_mark = '9',
            }
        }
        letter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str], lang: Lang) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by_cached_key(|n| name_key_in(n, lang));
        v
    }

    #[test]
    fn vietnamese_alphabet_orders_letters_before_tones() {
        // a < ă < â, d < đ, o < ô < ơ, u < ư; tones only break ties.
        let names = ["Ân", "Ăn", "An", "Đào", "Dung", "Ơn", "Ôn", "On", "Ưng", "Uyên"];
        let expected = ["An", "Ăn", "Ân", "Dung", "Đào", "On", "Ôn", "Ơn", "Uyên", "Ưng"];
        assert_eq!(sorted(&names, Lang::Vi), expected);
        // Same letters: ngang, huyền, hỏi, ngã, sắc, nặng.
        let tones = ["Mạ", "Má", "Mã", "Mả", "Mà", "Ma"];
        assert_eq!(sorted(&tones, Lang::Vi), ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]);
    }

    #[test]
    fn vietnamese_names_file_under_the_given_name() {
        let names = ["Nguyễn Thị Hồng Nhung", "Trần Văn An", "Lê Bảo", "Đặng Minh Anh"];
        assert_eq!(
            sorted(&names, Lang::Vi),
            ["Trần Văn An", "Đặng Minh Anh", "Lê Bảo", "Nguyễn Thị Hồng Nhung"]
        );
    }

    #[test]
    fn decomposed_and_precomposed_sort_together() {
        let decomposed: String = "Nguyễn Thị Hồng Nhung".nfd().collect();
        assert_eq!(
            name_key_in(&decomposed, Lang::Vi),
            name_key_in("Nguyễn Thị Hồng Nhung", Lang::Vi)
        );
    }

    #[test]
    fn chinese_sorts_by_pinyin_among_latin_names() {
        let names = ["张伟", "Zara", "李娜", "Lily", "王芳", "詹明"];
        assert_eq!(
            sorted(&names, Lang::Zh),
            ["李娜", "Lily", "王芳", "Zara", "詹明", "张伟"]
        );
    }

    #[test]
    fn chinese_surnames_sort_by_their_surname_reading() {
        // 曾 is Zēng as a surname (céng elsewhere), 单 Shàn (dān), 区 Ōu
        // (qū), 解 Xiè (jiě): they file under Z, S, O and X, not C, D, Q
        // and J.
        let names = [
            "曾小贤",
            "陈伟",
            "张伟",
            "单田芳",
            "丁力",
            "区志明",
            "钱明",
            "解缙",
            "江华",
            "徐静",
        ];
        let expected = [
            "陈伟",
            "丁力",
            "江华",
            "区志明",
            "钱明",
            "单田芳",
            "解缙",
            "徐静",
            "曾小贤",
            "张伟",
        ];
        for lang in Lang::ALL {
            assert_eq!(sorted(&names, lang), expected, "{lang:?}");
        }
    }

    #[test]
    fn english_ignores_accents_first() {
        let names = ["Zoë", "Élodie", "Emma", "elodie"];
        assert_eq!(sorted(&names, Lang::En), ["elodie", "Élodie", "Emma", "Zoë"]);
    }
}
