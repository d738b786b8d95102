//! Text as users type it: normalised on the way in, folded for matching.
//!
//! Vietnamese arrives both precomposed ("ễ" as one code point) and
//! decomposed ("e" + circumflex + tilde), depending on the keyboard, the
//! operating system and the program that wrote a file. Everything stored is
//! NFC; everything compared is folded: decomposed, stripped of combining
//! marks, lower-cased, with đ/Đ mapped to d. Chinese characters pass through
//! folding unchanged, so "张" still matches "张伟"; search also compares
//! their pinyin ([`searchable`]), so "zhang" finds 张伟 too.

use pinyin::ToPinyin;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::escape;

/// The canonical stored form: NFC, surrounding whitespace removed.
pub fn clean(s: &str) -> String {
    let t = s.trim();
    // Most text is already NFC (always so for ASCII): skip the rewrite.
    if t.is_ascii() || unicode_normalization::is_nfc_quick(t.chars()) == unicode_normalization::IsNormalized::Yes {
        return t.to_string();
    }
    t.nfc().collect()
}

/// Only the letters and digits of `fold(s)`: "Nguyễn Văn An", "nguyen van
/// an" and "Nguyen-Van-An" are one name (duplicates); "E-mail", "email"
/// and "Điện thoại" / "dien thoai" one column header (CSV mapping).
pub fn squash(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// `clean`, and `None` when nothing is left.
pub fn clean_nonempty(s: &str) -> Option<String> {
    let c = clean(s);
    (!c.is_empty()).then_some(c)
}

/// The search key of a text: no accents, no case, single spaces.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return fold_ascii(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            // Letters whose stroke is not a combining mark in Unicode.
            'ł' | 'Ł' => out.push('l'),
            'ø' | 'Ø' => out.push('o'),
            'ß' => out.push_str("ss"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// `fold` for ASCII text, which has no marks to strip.
fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_ascii_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// True when every word of `query` occurs in `haystack`, both folded.
/// "nguyen hong" matches "Nguyễn Thị Hồng Nhung".
pub fn matches_words(folded_haystack: &str, folded_query: &str) -> bool {
    folded_query
        .split(' ')
        .filter(|w| !w.is_empty())
        .all(|w| folded_haystack.contains(w))
}

/// The words of a folded text as search compares them whole: its runs of
/// letters and digits, so "nguyen-van-an" and "nguyen van an" have the
/// same words.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// The pinyin of the Chinese characters in `text`, syllables separated by
/// spaces ("张伟" → "zhang wei"), or `None` when it has none. Added to
/// what search looks in, so "zhang" finds 张伟.
pub fn pinyin(text: &str) -> Option<String> {
    let mut out = String::new();
    for p in text.to_pinyin().flatten() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(p.plain());
    }
    (!out.is_empty()).then_some(out)
}

/// Surnames read otherwise than the characters usually are (曾 is Zēng
/// as a surname, céng elsewhere): the syllables, each with its tone.
const SURNAME_READINGS: [(&str, &[(&str, char)]); 26] = [
    ("尉迟", &[("yu", '4'), ("chi", '2')]),
    ("万俟", &[("mo", '4'), ("qi", '2')]),
    ("单于", &[("chan", '2'), ("yu", '2')]),
    ("长孙", &[("zhang", '3'), ("sun", '1')]),
    ("澹台", &[("tan", '2'), ("tai", '2')]),
    ("曾", &[("zeng", '1')]),
    ("单", &[("shan", '4')]),
    ("解", &[("xie", '4')]),
    ("区", &[("ou", '1')]),
    ("仇", &[("qiu", '2')]),
    ("朴", &[("piao", '2')]),
    ("查", &[("zha", '1')]),
    ("盖", &[("ge", '3')]),
    ("缪", &[("miao", '4')]),
    ("乐", &[("yue", '4')]),
    ("覃", &[("qin", '2')]),
    ("翟", &[("zhai", '2')]),
    ("曲", &[("qu", '1')]),
    ("员", &[("yun", '4')]),
    ("召", &[("shao", '4')]),
    ("宓", &[("fu", '2')]),
    ("秘", &[("bi", '4')]),
    ("种", &[("chong", '2')]),
    ("句", &[("gou", '1')]),
    ("能", &[("nai", '4')]),
    ("祭", &[("zhai", '4')]),
];

/// The surname reading of a Chinese name that starts with a surname read
/// otherwise than its characters usually are: how many characters it
/// covers, and its syllables with their tones.
pub fn surname_reading(name: &str) -> Option<(usize, &'static [(&'static str, char)])> {
    let name = name.trim_start();
    SURNAME_READINGS
        .iter()
        .find(|(surname, _)| name.starts_with(surname))
        .map(|(surname, readings)| (surname.chars().count(), *readings))
}

/// Surnames of two characters: the given name starts after them.
const COMPOUND_SURNAMES: [&str; 20] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯",
    "端木", "独孤", "南宫", "西门", "澹台", "歐陽",
];

/// A Chinese name's pinyin as people type it: each syllable ("cai chen
/// yang"), the given name written together ("chenyang", as in "Cai
/// Chenyang") and the whole name together ("caichenyang"); `None` when
/// the name has no Chinese characters.
pub fn name_pinyin(name: &str) -> Option<String> {
    let mut syllables: Vec<String> = name.to_pinyin().flatten().map(|p| p.plain().to_string()).collect();
    if syllables.is_empty() {
        return None;
    }
    if let Some((chars, readings)) = surname_reading(name)
        && syllables.len() >= chars
    {
        for (s, (reading, _)) in syllables.iter_mut().zip(readings) {
            *s = (*reading).to_string();
        }
    }
    let mut out = syllables.join(" ");
    if syllables.len() >= 2 {
        let han: String = name.chars().filter(|c| c.to_pinyin().is_some()).collect();
        let surname = if COMPOUND_SURNAMES.iter().any(|s| han.starts_with(s)) {
            2
        } else {
            1
        };
        if syllables.len() >= surname + 2 {
            out.push(' ');
            out.push_str(&syllables[surname..].concat());
        }
        if surname == 2 {
            out.push(' ');
            out.push_str(&syllables[..2].concat());
        }
        out.push(' ');
        out.push_str(&syllables.concat());
    }
    Some(out)
}

/// Folded text plus, for Chinese, its pinyin as people type it: what
/// search and name lookups compare with.
pub fn searchable(text: &str) -> String {
    let folded = fold(text);
    match name_pinyin(text) {
        Some(p) => format!("{folded} {p}"),
        None => folded,
    }
}

/// Cuts `s` to at most `width` terminal columns, marking the cut with `…`.
/// Cuts only between whole characters as the user sees them (grapheme
/// clusters), so a double-width character is dropped whole and a letter
/// never loses its accent; and never through an escape such as `\u{202E}`
/// (see [`escape`]), which is kept or dropped whole.
pub fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    let mut graphemes = s.grapheme_indices(true).peekable();
    while let Some((start, g)) = graphemes.next() {
        let mut end = start + g.len();
        // An escape and any grapheme it reaches into are one piece, also
        // when it starts inside a grapheme (after a prepended mark, which
        // joins the character that follows).
        let mut at = start;
        while at < end {
            match escape::escape_len(&s[at..]) {
                Some(n) => {
                    while end < at + n {
                        match graphemes.next() {
                            Some((i, g)) => end = i + g.len(),
                            None => break,
                        }
                    }
                    at += n;
                }
                None => at += s[at..].chars().next().map_or(1, char::len_utf8),
            }
        }
        let piece = &s[start..end];
        let w = piece.width();
        if used + w + 1 > width {
            break;
        }
        out.push_str(piece);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Data cut to `width` columns, made safe for a terminal first: the
/// escapes count in the width and are never cut through.
pub fn fit_escaped(s: &str, width: usize) -> String {
    fit(&escape::escape(s), width)
}

/// A text of several lines (a note) made safe for a terminal and broken
/// into lines of at most `width` columns: its own line breaks are kept,
/// long lines break at a space where there is one (Vietnamese, English)
/// and between characters where there is none (Chinese), never inside an
/// escape or a grapheme. Blank lines (paragraph breaks) stay.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    if s.trim().is_empty() {
        return out;
    }
    for line in escape::escape_lines(s.trim_end()) {
        let line = line.trim_end();
        if line.width() <= width {
            out.push(line.to_string());
            continue;
        }
        let mut current = String::new();
        let mut used = 0;
        for piece in wrap_pieces(line) {
            let w = piece.width();
            if used + w > width && !current.is_empty() {
                out.push(current.trim_end().to_string());
                current = String::new();
                used = 0;
            }
            if current.is_empty() && piece.trim().is_empty() {
                // A line never starts with the space it broke at.
                continue;
            }
            if w > width {
                // A word longer than the line: cut between characters.
                for g in piece.graphemes(true) {
                    let gw = g.width();
                    if used + gw > width && !current.is_empty() {
                        out.push(std::mem::take(&mut current));
                        used = 0;
                    }
                    current.push_str(g);
                    used += gw;
                }
                continue;
            }
            current.push_str(piece);
            used += w;
        }
        if !current.trim().is_empty() {
            out.push(current.trim_end().to_string());
        }
    }
    out
}

/// Where a line may break: words with the spaces after them, and wide
/// characters (Chinese, Japanese) one by one. An escape such as `\u{202E}`
/// stays inside its word.
fn wrap_pieces(line: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut after_space = false;
    for (i, g) in line.grapheme_indices(true) {
        let space = g.chars().all(char::is_whitespace);
        let wide = g.width() > 1;
        if i > start && ((after_space && !space) || wide) {
            pieces.push(&line[start..i]);
            start = i;
        }
        if wide {
            pieces.push(&line[i..i + g.len()]);
            start = i + g.len();
            after_space = false;
            continue;
        }
        after_space = space;
    }
    if start < line.len() {
        pieces.push(&line[start..]);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_strips_vietnamese_marks_in_both_forms() {
        let precomposed = "Nguyễn Thị Hồng Nhung";
        let decomposed: String = precomposed.nfd().collect();
        assert_ne!(precomposed, decomposed);
        assert_eq!(fold(precomposed), "nguyen thi hong nhung");
        assert_eq!(fold(&decomposed), "nguyen thi hong nhung");
    }

    #[test]
    fn fold_maps_d_with_stroke() {
        assert_eq!(fold("Đặng Văn Đức"), "dang van duc");
        assert_eq!(fold("đường"), "duong");
    }

    #[test]
    fn fold_keeps_chinese_and_collapses_space() {
        assert_eq!(fold("  张伟  "), "张伟");
        assert_eq!(fold("Lê   Lợi\tQuận 1"), "le loi quan 1");
    }

    #[test]
    fn ascii_fast_path_agrees() {
        for s in ["  Hello   World ", "A\tB\nc", "", "x"] {
            let slow: String = {
                let mut out = String::new();
                let mut pending = false;
                for c in s.chars() {
                    if c.is_whitespace() {
                        pending = !out.is_empty();
                        continue;
                    }
                    if pending {
                        out.push(' ');
                        pending = false;
                    }
                    out.extend(c.to_lowercase());
                }
                out
            };
            assert_eq!(fold(s), slow, "{s:?}");
        }
    }

    #[test]
    fn clean_composes() {
        let decomposed: String = "Hồng".nfd().collect();
        assert_eq!(clean(&format!(" {decomposed} ")), "Hồng");
        assert_eq!(clean_nonempty("   "), None);
    }

    #[test]
    fn fit_respects_double_width() {
        assert_eq!(fit("张伟伟伟", 5), "张伟…");
        assert_eq!(fit("张伟", 4), "张伟");
        assert_eq!(fit("Nguyễn Thị Hồng Nhung", 10), "Nguyễn Th…");
        assert!(fit("深圳华信科技有限公司", 9).width() <= 9);
    }

    proptest::proptest! {
        #[test]
        fn fit_never_overflows_nor_splits_a_character(
            s in "[a-zA-Z ạ-ỹ\u{0300}-\u{0323}张伟深圳华信😀]{0,30}",
            width in 0usize..24,
        ) {
            let cut = fit(&s, width);
            proptest::prop_assert!(cut.width() <= width.max(1), "{cut:?} wider than {width}");
            let kept = cut.strip_suffix('…').unwrap_or(&cut);
            proptest::prop_assert!(s.starts_with(kept));
            // The cut falls on a boundary between whole characters.
            let boundaries: Vec<usize> = s.grapheme_indices(true).map(|(i, _)| i).chain([s.len()]).collect();
            proptest::prop_assert!(boundaries.contains(&kept.len()), "{s:?} cut inside a character at {}", kept.len());
        }
    }

    #[test]
    fn fit_never_cuts_an_escape() {
        let name = format!("{}\u{202E}B", "A".repeat(26));
        let cut = fit_escaped(&name, 28);
        assert_eq!(cut, format!("{}…", "A".repeat(26)));
        assert_eq!(fit_escaped("ab\u{1b}[2J", 5), "ab\\e…");
        assert_eq!(fit_escaped("ab\u{1b}[2J", 4), "ab…");
        assert_eq!(fit_escaped("\u{202E}", 9), "\\u{202E}");
        // A prepended mark (Soyombo) joins the escape after it into one
        // grapheme: the escape is still kept whole or left out.
        let cut = fit_escaped("a\u{11A84}\u{0}bcdefgh", 6);
        assert!(!cut.contains('\\') || cut.contains("\\x00"), "{cut:?}");
        // Raw text is cut as before.
        assert_eq!(fit("Nguyễn Thị Hồng Nhung", 10), "Nguyễn Th…");
    }

    proptest::proptest! {
        #[test]
        fn fitted_data_is_safe_and_whole(
            s in "(\\PC|[\u{0}-\u{1F}\u{7F}-\u{9F}\u{202E}\u{200D}\\\\])*",
            width in 0usize..40,
        ) {
            let cut = fit_escaped(&s, width);
            proptest::prop_assert!(cut.width() <= width.max(1));
            proptest::prop_assert!(!cut.chars().any(escape::is_hidden), "{cut:?}");
            // What is kept is a whole prefix of the escaped text.
            let full = escape::escape(&s);
            let kept = cut.strip_suffix('…').unwrap_or(&cut);
            proptest::prop_assert!(full.starts_with(kept), "{kept:?} of {full:?}");
            // Every backslash of escaped text starts an escape: step over
            // them whole to find where a cut may fall.
            let mut boundaries = vec![0];
            let mut at = 0;
            while let Some(c) = full[at..].chars().next() {
                at += escape::escape_len(&full[at..]).unwrap_or(c.len_utf8());
                boundaries.push(at);
            }
            proptest::prop_assert!(boundaries.contains(&kept.len()), "cut inside an escape: {kept:?}");
        }
    }

    #[test]
    fn pinyin_for_search() {
        assert_eq!(pinyin("张伟").as_deref(), Some("zhang wei"));
        assert_eq!(pinyin("Lan"), None);
        assert!(searchable("张伟").contains("zhang"));
        assert!(searchable("张伟").contains("张"));
        // The given name and the whole name written together, as pinyin
        // names are.
        assert_eq!(
            name_pinyin("蔡晨阳").as_deref(),
            Some("cai chen yang chenyang caichenyang")
        );
        assert_eq!(
            name_pinyin("欧阳娜娜").as_deref(),
            Some("ou yang na na nana ouyang ouyangnana")
        );
        assert_eq!(name_pinyin("张伟").as_deref(), Some("zhang wei zhangwei"));
        assert_eq!(name_pinyin("Lan"), None);
        // Surnames by their surname reading.
        assert_eq!(name_pinyin("曾国藩").as_deref(), Some("zeng guo fan guofan zengguofan"));
        assert!(name_pinyin("单田芳").unwrap().starts_with("shan "));
        assert!(name_pinyin("解缙").unwrap().starts_with("xie "));
        assert!(name_pinyin("区志明").unwrap().starts_with("ou "));
        assert!(name_pinyin("尉迟恭").unwrap().starts_with("yu chi "));
        // Elsewhere in a name the usual reading stays: 张曾 is zhang ceng.
        assert_eq!(name_pinyin("张曾").as_deref(), Some("zhang ceng zhangceng"));
    }

    #[test]
    fn word_matching() {
        let hay = fold("Nguyễn Thị Hồng Nhung");
        assert!(matches_words(&hay, &fold("nguyen hong")));
        assert!(matches_words(&hay, "nhung"));
        assert!(!matches_words(&hay, "tran"));
        assert!(matches_words(&fold("张伟"), &fold("张")));
    }

    #[test]
    fn wrap_keeps_paragraphs_and_breaks_at_spaces_or_between_wide_characters() {
        let note = "Gặp anh An ở văn phòng.\n\nAnh muốn báo giá cho 30 máy\r\nvà hợp đồng bảo trì";
        assert_eq!(
            wrap(note, 14),
            [
                "Gặp anh An ở",
                "văn phòng.",
                "",
                "Anh muốn báo",
                "giá cho 30 máy",
                "và hợp đồng",
                "bảo trì"
            ]
        );
        assert_eq!(
            wrap("客户希望下周安排演示会议", 8),
            ["客户希望", "下周安排", "演示会议"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert!(wrap(" \n ", 10).is_empty());
        assert!(wrap("a\u{1b}[2J b", 80)[0].contains("\\e"));
        for line in wrap(&"Trần Thị Hồng ".repeat(30), 17) {
            assert!(line.width() <= 17, "{line}");
        }
    }
}
