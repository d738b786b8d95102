//! From a key to an action: the top layer is offered the key first, then
//! the pane. Text boxes take printable keys before any binding does.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{App, Layer};
use crate::tui::action::Action;
use crate::tui::keymap::Mode;

/// The modes consulted, in order, when no layer or text box has the key.
const PANE_MODES: [Mode; 3] = [Mode::Customer, Mode::Navigation, Mode::Global];

impl App {
    pub fn on_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        // Ctrl-C always quits, whatever has the keyboard: the way out of any
        // terminal program.
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        self.message = None;
        match self.layers.last() {
            Some(Layer::Form(_)) => self.form_key(key),
            Some(Layer::Palette(_)) => self.palette_key(key),
            Some(Layer::Import(_)) => self.import_key(key),
            Some(Layer::Dupes(_)) => self.dupes_key(key),
            Some(Layer::Prompt(_)) => {
                if let Some(a) = self.keymap.action(&[Mode::Prompt], &key) {
                    self.update(a);
                }
            }
            Some(Layer::Help { .. }) => {
                if let Some(a) = self
                    .keymap
                    .action(&[Mode::Navigation, Mode::Customer, Mode::Global], &key)
                {
                    self.help_action(a);
                }
            }
            Some(Layer::Detail(_)) => {
                if let Some(a) = self.keymap.action(&PANE_MODES, &key) {
                    self.update(a);
                }
            }
            None if self.searching => self.search_key(key),
            None if self.roster.is_empty() && !self.loading() => {
                if let Some(a) = self.keymap.action(&[Mode::Welcome, Mode::Global], &key) {
                    self.update(a);
                }
            }
            None => {
                if let Some(a) = self.keymap.action(&PANE_MODES, &key) {
                    self.update(a);
                }
            }
        }
    }

    fn form_key(&mut self, key: KeyEvent) {
        if let Some(a) = self.keymap.action(&[Mode::Form], &key) {
            self.update(a);
            return;
        }
        if key.code == KeyCode::Enter {
            let last = matches!(self.layers.last(), Some(Layer::Form(f)) if f.on_last_field());
            self.update(if last { Action::Save } else { Action::NextField });
            return;
        }
        if let Some(Layer::Form(form)) = self.layers.last_mut() {
            form.edit(&key);
        }
    }

    fn palette_key(&mut self, key: KeyEvent) {
        if let Some(a) = self.keymap.action(&[Mode::Input], &key) {
            self.update(a);
            return;
        }
        let count = self.palette_entries().len();
        let Some(Layer::Palette(p)) = self.layers.last_mut() else {
            return;
        };
        match key.code {
            KeyCode::Down => p.selected = (p.selected + 1).min(count.saturating_sub(1)),
            KeyCode::Up => p.selected = p.selected.saturating_sub(1),
            _ => {
                if p.input.handle(&key) {
                    p.selected = 0;
                }
            }
        }
    }

    fn search_key(&mut self, key: KeyEvent) {
        if let Some(a) = self.keymap.action(&[Mode::Input], &key) {
            self.update(a);
            return;
        }
        match key.code {
            KeyCode::Down => self.update(Action::Down),
            KeyCode::Up => self.update(Action::Up),
            KeyCode::PageDown => self.update(Action::PageDown),
            KeyCode::PageUp => self.update(Action::PageUp),
            _ => {
                if self.query.handle(&key) {
                    self.apply_query();
                }
            }
        }
    }

    fn help_action(&mut self, a: Action) {
        let Some(Layer::Help { scroll }) = self.layers.last_mut() else {
            return;
        };
        match a {
            Action::Down => *scroll = scroll.saturating_add(1),
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::PageDown => *scroll = scroll.saturating_add(10),
            Action::PageUp => *scroll = scroll.saturating_sub(10),
            Action::Top => *scroll = 0,
            Action::Help | Action::Back | Action::Quit => {
                self.layers.pop();
            }
            _ => {}
        }
    }

    /// Every action with its keys, for the palette: the bindings that apply
    /// outside forms, fuzzy-filtered by what is typed, best match first.
    pub fn palette_entries(&self) -> Vec<(Action, String)> {
        use nucleo::pattern::{CaseMatching, Normalization, Pattern};
        let typed = match self.layers.last() {
            Some(Layer::Palette(p)) => crate::domain::text::fold(p.input.text()),
            _ => String::new(),
        };
        let mut all: Vec<(Action, String)> = Vec::new();
        for mode in [Mode::Customer, Mode::Navigation, Mode::Global] {
            for b in self.keymap.bindings(mode) {
                if b.action != Action::Palette && !all.iter().any(|(a, _)| *a == b.action) {
                    all.push((b.action, self.keymap.label_for(mode, b.action)));
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
}
