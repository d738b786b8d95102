//! A one-line text box: cursor movement by grapheme, so a Vietnamese
//! letter with two marks or a Chinese character is one step, and text kept
//! in NFC whatever form the keyboard sends.

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

    fn word_start(&self) -> usize {
        let head = &self.text[..self.cursor];
        let trimmed = head.trim_end();
        trimmed.rfind(char::is_whitespace).map(|i| i + 1).unwrap_or(0)
    }

    /// Applies an editing key; false when the key is not for text editing.
    pub fn handle(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt => self.insert(&c.to_string()),
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('u') if ctrl => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => self.text.truncate(self.cursor),
            KeyCode::Char('w') if ctrl => {
                let start = self.word_start();
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
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
