//! A one-line text box: cursor movement by grapheme, so a Vietnamese
//! letter with two marks or a Chinese character is one step, and text kept
//! in NFC whatever form the keyboard sends.
//!
//! The keys are a shell's (readline's): Ctrl-A / Home and Ctrl-E / End to
//! the ends, Alt-B / Alt-F (and Ctrl-Left / Ctrl-Right) a word back and
//! forward, Ctrl-W and Alt-Backspace delete the word before the cursor,
//! Alt-D the word after it, Ctrl-U to the start, Ctrl-K to the end.
//!
//! A word is a run of letters and digits (a letter with its marks is one
//! grapheme, so `Nguyễn` is one word) or a run of Chinese, Japanese or
//! Korean characters: Chinese is written without spaces, so a run of
//! ideographs is taken as one word (`深圳华信` goes whole) and a change of
//! script is a boundary (`iPhone手机` is two words). Whitespace and
//! punctuation separate words and go with the word they precede.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::domain::escape::escape_typed;

/// How a line break in a note shows in its one-line box.
const NEWLINE_MARK: &str = "↵";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Byte offset of the cursor, always on a grapheme boundary.
    cursor: usize,
}

impl LineInput {
    pub fn new(text: &str) -> LineInput {
        let text: String = text.nfc().collect();
        let cursor = text.len();
        LineInput { text, cursor }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn set(&mut self, text: &str) {
        *self = LineInput::new(text);
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Inserts typed or pasted text at the cursor. Newlines become spaces:
    /// this is a single line.
    pub fn insert(&mut self, s: &str) {
        let s: String = s
            .chars()
            .map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c })
            .collect();
        let before = format!("{}{}", &self.text[..self.cursor], s);
        let after = &self.text[self.cursor..];
        // A combining mark typed on its own joins the letter before it.
        let before: String = before.nfc().collect();
        self.text = format!("{before}{after}").nfc().collect();
        self.cursor = before.len().min(self.text.len());
        while !self.text.is_char_boundary(self.cursor) {
            self.cursor -= 1;
        }
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .grapheme_indices(true)
            .next_back()
            .map(|(i, _)| i)
            .unwrap_or(0)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map(|g| self.cursor + g.len())
            .unwrap_or(self.cursor)
    }

    /// Where the word before the cursor starts: back over separators,
    /// then over one run of a kind (see the module's note).
    fn word_start(&self) -> usize {
        let mut at = self.cursor;
        let mut run = None;
        for (i, g) in self.text[..self.cursor].grapheme_indices(true).rev() {
            match (run, WordKind::of(g)) {
                (None, None) => {}
                (None, Some(kind)) => run = Some(kind),
                (Some(kind), Some(k)) if k == kind => {}
                _ => break,
            }
            at = i;
        }
        at
    }

    /// Where the word after the cursor ends: over separators, then over
    /// one run of a kind.
    fn word_end(&self) -> usize {
        let mut at = self.cursor;
        let mut run = None;
        for g in self.text[self.cursor..].graphemes(true) {
            match (run, WordKind::of(g)) {
                (None, None) => {}
                (None, Some(kind)) => run = Some(kind),
                (Some(kind), Some(k)) if k == kind => {}
                _ => break,
            }
            at += g.len();
        }
        at
    }

    /// Applies an editing key; false when the key is not for text editing.
    pub fn handle(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt => self.insert(&c.to_string()),
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.len(),
            KeyCode::Char('u') if ctrl => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => self.text.truncate(self.cursor),
            KeyCode::Char('w') if ctrl => self.delete_word_before(),
            KeyCode::Backspace if alt || ctrl => self.delete_word_before(),
            KeyCode::Char('b') if alt => self.cursor = self.word_start(),
            KeyCode::Char('f') if alt => self.cursor = self.word_end(),
            KeyCode::Left if alt || ctrl => self.cursor = self.word_start(),
            KeyCode::Right if alt || ctrl => self.cursor = self.word_end(),
            KeyCode::Char('d') if alt => {
                let end = self.word_end();
                self.text.replace_range(self.cursor..end, "");
            }
            KeyCode::Backspace => {
                let start = self.prev_boundary();
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            KeyCode::Delete => {
                let end = self.next_boundary();
                self.text.replace_range(self.cursor..end, "");
            }
            KeyCode::Left => self.cursor = self.prev_boundary(),
            KeyCode::Right => self.cursor = self.next_boundary(),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.len(),
            _ => return false,
        }
        true
    }

    fn delete_word_before(&mut self) {
        let start = self.word_start();
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    /// Puts the cursor after the last character (Ctrl-E where a form
    /// binds that key to the editor and the field is a short one).
    pub fn to_end(&mut self) {
        self.cursor = self.text.len();
    }

    /// Where the cursor is, as a byte offset into `text()`.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// What fits in `width` columns, scrolled so the cursor shows, and the
    /// cursor's column within it. A control character (pasted, or in a
    /// value from a file) shows as its escape (`\e`), one step of the
    /// cursor; the text itself is unchanged.
    pub fn view(&self, width: usize) -> (String, u16) {
        if width == 0 {
            return (String::new(), 0);
        }
        let graphemes: Vec<(usize, std::borrow::Cow<str>)> = self
            .text
            .grapheme_indices(true)
            .map(|(i, g)| {
                // A note's line break (from the editor) shows as a mark,
                // one step of the cursor like any character.
                if g == "\n" || g == "\r\n" {
                    (i, std::borrow::Cow::Borrowed(NEWLINE_MARK))
                } else {
                    (i, escape_typed(g))
                }
            })
            .collect();
        let cursor_index = graphemes
            .iter()
            .position(|(i, _)| *i >= self.cursor)
            .unwrap_or(graphemes.len());
        // Scroll right until the text up to the cursor (plus the cursor
        // cell) fits: walk back from the cursor while it does (one pass, so
        // a pasted note of 100,000 characters draws as fast as a name).
        let mut start = cursor_index;
        let mut used = 1;
        while start > 0 && used + graphemes[start - 1].1.width() <= width {
            start -= 1;
            used += graphemes[start].1.width();
        }
        let mut shown = String::new();
        let mut used = 0;
        let mut cursor_col = 0;
        for (n, (_, g)) in graphemes.iter().enumerate().skip(start) {
            if n == cursor_index {
                cursor_col = used;
            }
            let w = g.width();
            if used + w > width {
                break;
            }
            shown.push_str(g);
            used += w;
        }
        if cursor_index >= graphemes.len() {
            cursor_col = used;
        }
        (shown, cursor_col.min(width.saturating_sub(1)) as u16)
    }
}

/// What a grapheme is to word moves: part of a word of some kind, or a
/// separator (`None`: whitespace, punctuation, symbols).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordKind {
    /// Letters and digits of alphabetic scripts (Vietnamese, English).
    Alphabetic,
    /// Chinese, Japanese and Korean characters.
    Cjk,
}

impl WordKind {
    fn of(grapheme: &str) -> Option<WordKind> {
        let c = grapheme.chars().next()?;
        if is_cjk(c) {
            Some(WordKind::Cjk)
        } else if c.is_alphanumeric() {
            Some(WordKind::Alphabetic)
        } else {
            None
        }
    }
}

/// Han ideographs, kana, hangul and the CJK compatibility blocks (not the
/// CJK punctuation: `，` and `。` separate words).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3040..=0x30FF    // hiragana, katakana
        | 0x3100..=0x312F    // bopomofo
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xAC00..=0xD7AF    // hangul syllables
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0x20000..=0x3134F  // extensions B to G
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(s: &str) -> LineInput {
        let mut i = LineInput::default();
        for c in s.chars() {
            i.handle(&key(KeyCode::Char(c)));
        }
        i
    }

    #[test]
    fn decomposed_typing_is_stored_composed() {
        let decomposed: String = "Nguyễn".nfd().collect();
        let i = typed(&decomposed);
        assert_eq!(i.text(), "Nguyễn");
        assert_eq!(i.text().chars().count(), 6);
    }

    #[test]
    fn cursor_moves_by_grapheme() {
        let mut i = typed("Hồng");
        i.handle(&key(KeyCode::Left));
        i.handle(&key(KeyCode::Left));
        i.handle(&key(KeyCode::Backspace));
        assert_eq!(i.text(), "Hng");
        i.handle(&key(KeyCode::Char('ô')));
        assert_eq!(i.text(), "Hông");
        i.handle(&key(KeyCode::Home));
        i.handle(&key(KeyCode::Delete));
        assert_eq!(i.text(), "ông");
    }

    #[test]
    fn word_and_line_deletion() {
        let mut i = typed("Gọi điện tư vấn");
        i.handle(&KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(i.text(), "Gọi điện tư ");
        i.handle(&KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(i.text(), "");
        assert!(!i.handle(&key(KeyCode::Tab)));
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn alt(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::ALT)
    }

    /// The text with `|` where the cursor is.
    fn marked(i: &LineInput) -> String {
        format!("{}|{}", &i.text()[..i.cursor()], &i.text()[i.cursor()..])
    }

    /// A box holding `s`, the cursor where `|` is.
    fn at(s: &str) -> LineInput {
        let (head, tail) = s.split_once('|').unwrap();
        let mut i = LineInput::new(&format!("{head}{tail}"));
        i.cursor = head.nfc().collect::<String>().len();
        i
    }

    fn after(s: &str, keys: &[KeyEvent]) -> String {
        let mut i = at(s);
        for k in keys {
            assert!(i.handle(k), "{k:?} is a text box key");
        }
        marked(&i)
    }

    #[test]
    fn ctrl_w_and_alt_backspace_delete_the_word_before_the_cursor() {
        for k in [ctrl('w'), alt(KeyCode::Backspace)] {
            assert_eq!(after("Gọi điện tư vấn|", &[k]), "Gọi điện tư |");
            assert_eq!(after("Gọi điện tư |", &[k]), "Gọi điện |");
            // Punctuation separates words and goes with the word after it.
            assert_eq!(after("Trần Thị Ánh, Phú Thịnh.|", &[k]), "Trần Thị Ánh, Phú |");
            assert_eq!(after("anh.nguyen@phuthinh|", &[k]), "anh.nguyen@|");
            // A run of Chinese characters is one word; a change of script
            // is a boundary.
            assert_eq!(after("联系人：张伟|", &[k]), "联系人：|");
            assert_eq!(after("买了iPhone手机|", &[k]), "买了iPhone|");
            assert_eq!(after("买了iPhone|手机", &[k]), "买了|手机");
            assert_eq!(after("|Nguyễn", &[k]), "|Nguyễn");
        }
        // Letters with their marks go whole, typed composed or not.
        let decomposed: String = "Nguyễn Văn".nfd().collect();
        let mut i = typed(&decomposed);
        i.handle(&ctrl('w'));
        assert_eq!(i.text(), "Nguyễn ");
    }

    #[test]
    fn ctrl_u_and_ctrl_k_delete_to_the_start_and_to_the_end() {
        assert_eq!(after("Nguyễn Văn| An", &[ctrl('u')]), "| An");
        assert_eq!(after("Nguyễn Văn| An", &[ctrl('k')]), "Nguyễn Văn|");
        assert_eq!(after("深圳华信|科技有限公司", &[ctrl('u')]), "|科技有限公司");
        assert_eq!(after("深圳华信|科技有限公司", &[ctrl('k')]), "深圳华信|");
    }

    #[test]
    fn alt_b_and_alt_f_move_by_word() {
        let b = alt(KeyCode::Char('b'));
        let f = alt(KeyCode::Char('f'));
        assert_eq!(after("Gặp anh Đặng Thành|", &[b]), "Gặp anh Đặng |Thành");
        assert_eq!(after("Gặp anh Đặng Thành|", &[b, b]), "Gặp anh |Đặng Thành");
        assert_eq!(after("|Gặp anh Đặng", &[f]), "Gặp| anh Đặng");
        assert_eq!(after("|Gặp anh Đặng", &[f, f]), "Gặp anh| Đặng");
        assert_eq!(after("|Gặp anh Đặng", &[f, f, f, f]), "Gặp anh Đặng|");
        assert_eq!(after("|Gặp anh", &[b]), "|Gặp anh");
        assert_eq!(after("和张伟见面，谈报价|", &[b]), "和张伟见面，|谈报价");
        assert_eq!(after("|和张伟见面，谈报价", &[f]), "和张伟见面|，谈报价");
        assert_eq!(after("|和张伟见面，谈报价", &[f, f]), "和张伟见面，谈报价|");
        // Ctrl-Left / Ctrl-Right, as many terminals send them.
        let cl = KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL);
        let cr = KeyEvent::new(KeyCode::Right, KeyModifiers::CONTROL);
        assert_eq!(after("Gặp anh|", &[cl]), "Gặp |anh");
        assert_eq!(after("|Gặp anh", &[cr]), "Gặp| anh");
    }

    #[test]
    fn alt_d_deletes_the_word_after_the_cursor() {
        let d = alt(KeyCode::Char('d'));
        assert_eq!(after("Gặp |anh Đặng", &[d]), "Gặp | Đặng");
        assert_eq!(after("张伟|，深圳华信", &[d]), "张伟|");
    }

    #[test]
    fn home_end_ctrl_a_and_ctrl_e_go_to_the_ends() {
        assert_eq!(after("Phú Th|ịnh", &[key(KeyCode::Home)]), "|Phú Thịnh");
        assert_eq!(after("Phú Th|ịnh", &[ctrl('a')]), "|Phú Thịnh");
        assert_eq!(after("Phú| Thịnh", &[key(KeyCode::End)]), "Phú Thịnh|");
        assert_eq!(after("Phú| Thịnh", &[ctrl('e')]), "Phú Thịnh|");
        assert_eq!(after("深圳|华信", &[ctrl('e')]), "深圳华信|");
        assert_eq!(after("深圳|华信", &[ctrl('a')]), "|深圳华信");
    }

    #[test]
    fn left_right_backspace_and_delete_step_one_character() {
        assert_eq!(after("Ánh|", &[key(KeyCode::Left)]), "Án|h");
        assert_eq!(after("Ánh|", &[key(KeyCode::Left), key(KeyCode::Left)]), "Á|nh");
        assert_eq!(after("Ánh|", &[key(KeyCode::Backspace), key(KeyCode::Backspace)]), "Á|");
        assert_eq!(after("|深圳", &[key(KeyCode::Right)]), "深|圳");
        assert_eq!(after("|深圳", &[key(KeyCode::Delete)]), "|圳");
        // A letter decomposed with two marks is one step.
        let decomposed: String = "ệ".nfd().collect();
        let mut i = LineInput::default();
        i.insert(&decomposed);
        i.handle(&key(KeyCode::Backspace));
        assert_eq!(i.text(), "");
    }

    #[test]
    fn other_modified_keys_are_not_for_the_box() {
        let mut i = typed("An");
        assert!(!i.handle(&ctrl('s')));
        assert!(!i.handle(&alt(KeyCode::Char('x'))));
        assert_eq!(i.text(), "An");
    }

    #[test]
    fn view_scrolls_to_the_cursor_and_counts_wide_characters() {
        let i = typed("深圳华信科技有限公司");
        let (shown, col) = i.view(9);
        assert!(shown.width() <= 9);
        assert!(shown.ends_with('司'));
        assert_eq!(col as usize, shown.width().min(8));
        let short = typed("abc");
        assert_eq!(short.view(10), ("abc".to_string(), 3));
    }

    #[test]
    fn control_characters_show_as_escapes_but_stay_in_the_text() {
        let mut i = LineInput::default();
        i.insert("a\u{1b}[2J\u{202E}b\\c");
        assert_eq!(i.text(), "a\u{1b}[2J\u{202E}b\\c");
        let (shown, col) = i.view(40);
        assert_eq!(shown, "a\\e[2J\\u{202E}b\\c");
        assert_eq!(col as usize, shown.width());
        i.handle(&key(KeyCode::Left));
        i.handle(&key(KeyCode::Left));
        i.handle(&key(KeyCode::Left));
        i.handle(&key(KeyCode::Backspace));
        assert_eq!(i.text(), "a\u{1b}[2Jb\\c");
    }

    #[test]
    fn a_notes_line_breaks_show_as_marks_and_stay_in_the_text() {
        let i = LineInput::new("Gặp anh An.\n\nBáo giá tuần sau");
        assert_eq!(i.text(), "Gặp anh An.\n\nBáo giá tuần sau");
        assert_eq!(i.view(40).0, "Gặp anh An.↵↵Báo giá tuần sau");
    }

    #[test]
    fn pasted_newlines_become_spaces() {
        let mut i = LineInput::default();
        i.insert("a\nb");
        assert_eq!(i.text(), "a b");
    }
}
