//! `:`: every action with its keys, filtered as you type; Enter runs it.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Flow, Hint, Layer};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::input::LineInput;
use crate::tui::keymap::{Keymap, Mode};

#[derive(Debug, Clone, Default)]
pub struct Palette {
    pub input: LineInput,
    pub selected: usize,
}

impl Layer for Palette {
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Input]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        vec![
            Hint::saying(Mode::Input, Action::Accept, "hint.run"),
            Hint::saying(Mode::Input, Action::Clear, "hint.close"),
        ]
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        let count = palette_entries(&app.keymap, self.input.text()).len();
        match action {
            Action::Down => self.selected = (self.selected + 1).min(count.saturating_sub(1)),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::PageDown => self.selected = (self.selected + 10).min(count.saturating_sub(1)),
            Action::PageUp => self.selected = self.selected.saturating_sub(10),
            Action::Accept => {
                let chosen = palette_entries(&app.keymap, self.input.text())
                    .get(self.selected)
                    .map(|e| e.0);
                return match chosen {
                    Some(a) => Flow::CloseThen(a),
                    None => Flow::Close,
                };
            }
            Action::Clear => return Flow::Close,
            _ => return Flow::Ignored,
        }
        Flow::Stay
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::palette::draw(frame, area, app, self);
    }

    fn text_box<'a>(&'a mut self, _app: &'a mut App) -> Option<&'a mut LineInput> {
        Some(&mut self.input)
    }

    fn text_changed(&mut self, _app: &mut App) {
        self.selected = 0;
    }
}

/// Every action with its keys, for the palette: the bindings that apply
/// outside forms, fuzzy-filtered by what is typed, best match first.
pub fn palette_entries(keymap: &Keymap, typed: &str) -> Vec<(Action, String)> {
    use nucleo::pattern::{CaseMatching, Normalization, Pattern};
    let typed = crate::domain::text::fold(typed);
    let mut all: Vec<(Action, String)> = Vec::new();
    for mode in [Mode::Customer, Mode::Navigation, Mode::Global] {
        for b in keymap.bindings(mode) {
            if b.action != Action::Palette && !all.iter().any(|(a, _)| *a == b.action) {
                all.push((b.action, keymap.label_for(mode, b.action)));
            }
        }
    }
    if typed.is_empty() {
        return all;
    }
    let pattern = Pattern::parse(&typed, CaseMatching::Ignore, Normalization::Never);
    let mut matcher = nucleo::Matcher::new(nucleo::Config::DEFAULT);
    let mut scored: Vec<(u32, (Action, String))> = all
        .into_iter()
        .filter_map(|entry| {
            let text = crate::domain::text::fold(&format!(
                "{} {}",
                crate::i18n::t(&format!("action.{}", entry.0.name())),
                entry.0.name()
            ));
            let mut buf = Vec::new();
            let score = pattern.score(nucleo::Utf32Str::new(&text, &mut buf), &mut matcher)?;
            Some((score, entry))
        })
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored.into_iter().map(|(_, e)| e).collect()
}
