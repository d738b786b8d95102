//! Key bindings: which key asks for which [`Action`], per input mode.
//!
//! The defaults live in `assets/keymap.toml` (embedded at build time); a user
//! file of the same shape overrides them action by action. Keys are
//! normalized on both sides (the spec in the file and the event from the
//! terminal) so that the quirks of terminals do not leak into matching:
//! `G` matches whether or not SHIFT is reported, SHIFT is ignored on
//! characters that have no case (`?`, `>`, `:`), and shift-tab is `BackTab`.

use std::fmt;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;
use serde::de::value::{Error as ValueError, StrDeserializer};
use toml::de::{DeTable, DeValue};

use super::action::Action;
use crate::i18n::tf;

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// A set of bindings that applies while the UI is in some state. The caller
/// decides which modes are active and in what order (see [`Keymap::action`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Global,
    Navigation,
    Customer,
    Form,
    Input,
    Prompt,
    Welcome,
    /// The duplicates list's own keys.
    Duplicates,
    /// The Reports pane's scope keys.
    Reports,
}

impl Mode {
    pub const ALL: [Mode; 9] = [
        Mode::Global,
        Mode::Navigation,
        Mode::Customer,
        Mode::Form,
        Mode::Input,
        Mode::Prompt,
        Mode::Welcome,
        Mode::Duplicates,
        Mode::Reports,
    ];

    /// The table name in keymap files: `[global]`, `[navigation]`, ...
    pub fn name(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::Navigation => "navigation",
            Mode::Customer => "customer",
            Mode::Form => "form",
            Mode::Input => "input",
            Mode::Prompt => "prompt",
            Mode::Welcome => "welcome",
            Mode::Duplicates => "duplicates",
            Mode::Reports => "reports",
        }
    }

    fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A key with its modifiers, normalized (see [`Key::new`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    /// Builds a key in normal form, so that equal keys compare equal however
    /// the terminal reported them:
    /// - a lower-case letter with SHIFT becomes the upper-case letter, and an
    ///   upper-case letter drops SHIFT (`G`, `shift-g` and `G`+SHIFT are one key);
    /// - characters without case (`?`, `>`, `1`, space) drop SHIFT, since
    ///   terminals disagree on whether to report it;
    /// - `Tab`+SHIFT becomes `BackTab`, and `BackTab` drops SHIFT.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Key {
        let mut code = code;
        let mut modifiers = modifiers;
        match code {
            KeyCode::Char(c) if c.is_lowercase() => {
                if modifiers.contains(KeyModifiers::SHIFT)
                    && let Some(upper) = single_upper(c)
                {
                    code = KeyCode::Char(upper);
                    modifiers.remove(KeyModifiers::SHIFT);
                }
            }
            KeyCode::Char(_) | KeyCode::BackTab => modifiers.remove(KeyModifiers::SHIFT),
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                code = KeyCode::BackTab;
                modifiers.remove(KeyModifiers::SHIFT);
            }
            _ => {}
        }
        Key { code, modifiers }
    }

    /// Parses a key spec: `ctrl-`, `alt-`, `shift-` prefixes (lower case, any
    /// order), then one character or a key name (`enter`, `pgdn`, `f5`, ...).
    pub fn parse(spec: &str) -> Result<Key, KeymapError> {
        parse_spec(spec).ok_or_else(|| KeymapError::UnknownKey {
            spec: spec.to_string(),
            hint: case_hint(spec),
        })
    }

    /// The key of a terminal event, normalized like parsed keys. Does not look
    /// at the event kind; [`Keymap::action`] does.
    pub fn from_event(e: &KeyEvent) -> Key {
        Key::new(e.code, e.modifiers)
    }

    /// A short label for help screens and footers: `j`, `G`, `ctrl-r`,
    /// `shift-tab`, `↓`, `enter`, `pgdn`.
    pub fn label(&self) -> String {
        let mut out = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            out.push_str("ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            out.push_str("alt-");
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) || self.code == KeyCode::BackTab {
            out.push_str("shift-");
        }
        match self.code {
            KeyCode::Char(' ') => out.push_str("space"),
            KeyCode::Char(c) => out.push(c),
            KeyCode::Enter => out.push_str("enter"),
            KeyCode::Esc => out.push_str("esc"),
            KeyCode::Tab | KeyCode::BackTab => out.push_str("tab"),
            KeyCode::Backspace => out.push_str("backspace"),
            KeyCode::Delete => out.push_str("del"),
            KeyCode::Insert => out.push_str("insert"),
            KeyCode::Home => out.push_str("home"),
            KeyCode::End => out.push_str("end"),
            KeyCode::PageUp => out.push_str("pgup"),
            KeyCode::PageDown => out.push_str("pgdn"),
            KeyCode::Up => out.push('↑'),
            KeyCode::Down => out.push('↓'),
            KeyCode::Left => out.push('←'),
            KeyCode::Right => out.push('→'),
            KeyCode::F(n) => out.push_str(&format!("f{n}")),
            other => out.push_str(&format!("{other:?}").to_lowercase()),
        }
        out
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The upper-case form of `c` when it is exactly one character.
fn single_upper(c: char) -> Option<char> {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) if u != c => Some(u),
        _ => None,
    }
}

fn parse_spec(spec: &str) -> Option<Key> {
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = spec;
    loop {
        let (modifier, tail) = if let Some(tail) = rest.strip_prefix("ctrl-") {
            (KeyModifiers::CONTROL, tail)
        } else if let Some(tail) = rest.strip_prefix("alt-") {
            (KeyModifiers::ALT, tail)
        } else if let Some(tail) = rest.strip_prefix("shift-") {
            (KeyModifiers::SHIFT, tail)
        } else {
            break;
        };
        // "ctrl-" alone is not a key; "ctrl--" is ctrl and the '-' key.
        if tail.is_empty() {
            break;
        }
        if modifiers.contains(modifier) {
            return None;
        }
        modifiers |= modifier;
        rest = tail;
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(c),
        _ => named_key(rest)?,
    };
    Some(Key::new(code, modifiers))
}

fn named_key(name: &str) -> Option<KeyCode> {
    let code = match name {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" => KeyCode::Insert,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "space" => KeyCode::Char(' '),
        _ => {
            let digits = name.strip_prefix('f')?;
            let n: u8 = digits.parse().ok()?;
            // Reject "f01", "f+1" and the like: only the plain spelling.
            if !(1..=12).contains(&n) || n.to_string() != digits {
                return None;
            }
            KeyCode::F(n)
        }
    };
    Some(code)
}

/// A hint for specs that would parse in lower case ("Enter", "Ctrl-x").
fn case_hint(spec: &str) -> String {
    let lower = spec.to_lowercase();
    if spec.chars().count() > 1 && lower != spec && parse_spec(&lower).is_some() {
        tf("keymap.error.case_hint", &[("lower", &lower)])
    } else {
        String::new()
    }
}

fn parse_action(name: &str) -> Option<Action> {
    Action::deserialize(StrDeserializer::<ValueError>::new(name)).ok()
}

/// An action and the keys that trigger it in one mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub action: Action,
    pub keys: Vec<Key>,
}

/// All bindings, per mode, in the order of the files that defined them
/// (defaults first, actions added by the user file after them).
#[derive(Debug, Clone)]
pub struct Keymap {
    modes: [Vec<Binding>; Mode::ALL.len()],
}

impl Keymap {
    /// The embedded default bindings (`assets/keymap.toml`).
    pub fn defaults() -> Result<Keymap, KeymapError> {
        Keymap {
            modes: Default::default(),
        }
        .with_overrides(DEFAULT_KEYMAP)
    }

    /// Merges the text of a keymap file: each action it lists replaces that
    /// action's keys in that mode (or adds the action to the mode), and an
    /// empty list unbinds it. Fails on unknown modes, actions or keys, and
    /// when two actions of one mode end up sharing a key.
    pub fn with_overrides(mut self, text: &str) -> Result<Keymap, KeymapError> {
        let root = DeTable::parse(text).map_err(|e| KeymapError::Toml(Box::new(e)))?;
        let mut tables: Vec<_> = root.get_ref().iter().collect();
        tables.sort_by_key(|(name, _)| name.span().start);
        for (mode_name, table) in tables {
            let mode_name: &str = mode_name.get_ref();
            let mode = Mode::from_name(mode_name).ok_or_else(|| KeymapError::UnknownMode {
                mode: mode_name.to_string(),
            })?;
            let DeValue::Table(table) = table.get_ref() else {
                return Err(KeymapError::NotATable { mode: mode.name() });
            };
            let mut entries: Vec<_> = table.iter().collect();
            entries.sort_by_key(|(name, _)| name.span().start);
            for (action_name, value) in entries {
                let action_name: &str = action_name.get_ref();
                let action = parse_action(action_name).ok_or_else(|| KeymapError::UnknownAction {
                    mode: mode.name(),
                    action: action_name.to_string(),
                })?;
                let keys = parse_key_list(mode, action, value.get_ref())?;
                self.set(mode, action, keys);
            }
        }
        self.check_conflicts()?;
        Ok(self)
    }

    /// The defaults merged with `user_file`; a missing file means defaults.
    /// Errors from the file name it.
    pub fn load(user_file: &Path) -> Result<Keymap, KeymapError> {
        let defaults = Keymap::defaults()?;
        let text = match std::fs::read_to_string(user_file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(defaults),
            Err(error) => {
                return Err(KeymapError::Read {
                    path: user_file.to_path_buf(),
                    error,
                });
            }
        };
        defaults.with_overrides(&text).map_err(|e| KeymapError::File {
            path: user_file.to_path_buf(),
            error: Box::new(e),
        })
    }

    /// The action bound to a key press in the first of `modes` that binds it.
    /// Key releases never trigger anything; repeats do.
    pub fn action(&self, modes: &[Mode], event: &KeyEvent) -> Option<Action> {
        if !matches!(event.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
            return None;
        }
        let key = Key::from_event(event);
        modes.iter().find_map(|&mode| {
            self.bindings(mode)
                .iter()
                .find(|b| b.keys.contains(&key))
                .map(|b| b.action)
        })
    }

    /// The bindings of one mode, in file order.
    pub fn bindings(&self, mode: Mode) -> &[Binding] {
        &self.modes[mode.index()]
    }

    /// The keys bound to `action` in `mode`; empty when unbound.
    pub fn keys_for(&self, mode: Mode, action: Action) -> &[Key] {
        self.bindings(mode)
            .iter()
            .find(|b| b.action == action)
            .map_or(&[], |b| b.keys.as_slice())
    }

    /// The keys of `action` in `mode` as one label, like `j/↓`; `""` when unbound.
    pub fn label_for(&self, mode: Mode, action: Action) -> String {
        self.keys_for(mode, action)
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join("/")
    }

    fn set(&mut self, mode: Mode, action: Action, keys: Vec<Key>) {
        let bindings = &mut self.modes[mode.index()];
        match bindings.iter().position(|b| b.action == action) {
            Some(i) if keys.is_empty() => {
                bindings.remove(i);
            }
            Some(i) => bindings[i].keys = keys,
            None if keys.is_empty() => {}
            None => bindings.push(Binding { action, keys }),
        }
    }

    fn check_conflicts(&self) -> Result<(), KeymapError> {
        for mode in Mode::ALL {
            let bindings = self.bindings(mode);
            for (i, first) in bindings.iter().enumerate() {
                for second in &bindings[i + 1..] {
                    if let Some(key) = first.keys.iter().find(|k| second.keys.contains(k)) {
                        return Err(KeymapError::Conflict {
                            mode: mode.name(),
                            key: key.label(),
                            first: first.action.name(),
                            second: second.action.name(),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

fn parse_key_list(mode: Mode, action: Action, value: &DeValue<'_>) -> Result<Vec<Key>, KeymapError> {
    let not_a_list = || KeymapError::NotAKeyList {
        mode: mode.name(),
        action: action.name(),
    };
    let DeValue::Array(items) = value else {
        return Err(not_a_list());
    };
    let mut keys = Vec::with_capacity(items.len());
    for item in items {
        let DeValue::String(spec) = item.get_ref() else {
            return Err(not_a_list());
        };
        let key = parse_spec(spec).ok_or_else(|| KeymapError::BadKey {
            mode: mode.name(),
            action: action.name(),
            spec: spec.to_string(),
            hint: case_hint(spec),
        })?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

/// What is wrong with a keymap file; the message names the culprit.
#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    #[error("{}", tf("keymap.error.read", &[("path", &path.display()), ("error", error)]))]
    Read { path: PathBuf, error: std::io::Error },
    #[error("{}: {error}", path.display())]
    File { path: PathBuf, error: Box<KeymapError> },
    #[error("{}", tf("keymap.error.toml", &[("error", _0)]))]
    Toml(Box<toml::de::Error>),
    #[error("{}", tf("keymap.error.unknown_mode", &[("mode", mode)]))]
    UnknownMode { mode: String },
    #[error("{}", tf("keymap.error.not_a_table", &[("mode", mode)]))]
    NotATable { mode: &'static str },
    #[error("{}", tf("keymap.error.unknown_action", &[("mode", mode), ("action", action)]))]
    UnknownAction { mode: &'static str, action: String },
    #[error("{}", tf("keymap.error.not_a_key_list", &[("mode", mode), ("action", action)]))]
    NotAKeyList { mode: &'static str, action: String },
    #[error("{}", tf("keymap.error.unknown_key", &[("spec", spec), ("hint", hint)]))]
    UnknownKey { spec: String, hint: String },
    #[error("{}", tf("keymap.error.bad_key", &[("spec", spec), ("action", action), ("mode", mode), ("hint", hint)]))]
    BadKey {
        mode: &'static str,
        action: String,
        spec: String,
        hint: String,
    },
    #[error("{}", tf("keymap.error.conflict", &[("key", key), ("first", first), ("second", second), ("mode", mode)]))]
    Conflict {
        mode: &'static str,
        key: String,
        first: String,
        second: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn key(spec: &str) -> Key {
        Key::parse(spec).unwrap_or_else(|e| panic!("{spec}: {e}"))
    }

    fn k(code: KeyCode, modifiers: KeyModifiers) -> Key {
        Key { code, modifiers }
    }

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn event(code: KeyCode, modifiers: KeyModifiers, kind: KeyEventKind) -> KeyEvent {
        KeyEvent {
            code,
            modifiers,
            kind,
            state: KeyEventState::NONE,
        }
    }

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;
    const ALT: KeyModifiers = KeyModifiers::ALT;

    #[test]
    fn parses_named_keys() {
        let cases = [
            ("enter", KeyCode::Enter),
            ("esc", KeyCode::Esc),
            ("tab", KeyCode::Tab),
            ("backtab", KeyCode::BackTab),
            ("backspace", KeyCode::Backspace),
            ("delete", KeyCode::Delete),
            ("del", KeyCode::Delete),
            ("insert", KeyCode::Insert),
            ("home", KeyCode::Home),
            ("end", KeyCode::End),
            ("pageup", KeyCode::PageUp),
            ("pgup", KeyCode::PageUp),
            ("pagedown", KeyCode::PageDown),
            ("pgdn", KeyCode::PageDown),
            ("up", KeyCode::Up),
            ("down", KeyCode::Down),
            ("left", KeyCode::Left),
            ("right", KeyCode::Right),
            ("space", KeyCode::Char(' ')),
        ];
        for (spec, code) in cases {
            assert_eq!(key(spec), k(code, NONE), "{spec}");
        }
        for n in 1..=12u8 {
            assert_eq!(key(&format!("f{n}")), k(KeyCode::F(n), NONE));
        }
    }

    #[test]
    fn parses_characters() {
        for c in ['j', '?', '>', '<', '/', ':', '1', '-', 'đ', '关', '↓'] {
            assert_eq!(key(&c.to_string()), k(KeyCode::Char(c), NONE), "{c}");
        }
    }

    #[test]
    fn uppercase_means_shifted() {
        assert_eq!(key("G"), k(KeyCode::Char('G'), NONE));
        assert_eq!(key("shift-g"), key("G"));
        assert_eq!(key("shift-G"), key("G"));
        assert_ne!(key("g"), key("G"));
        assert_eq!(key("shift-đ"), k(KeyCode::Char('Đ'), NONE));
        assert_eq!(key("Đ"), key("shift-đ"));
        // No case: shift means nothing.
        assert_eq!(key("shift-?"), key("?"));
        assert_eq!(key("shift-1"), key("1"));
    }

    #[test]
    fn parses_modifiers() {
        assert_eq!(key("ctrl-r"), k(KeyCode::Char('r'), CTRL));
        assert_eq!(key("alt-x"), k(KeyCode::Char('x'), ALT));
        assert_eq!(key("ctrl-alt-x"), key("alt-ctrl-x"));
        assert_eq!(key("ctrl-alt-x"), k(KeyCode::Char('x'), CTRL | ALT));
        assert_eq!(key("ctrl-shift-r"), k(KeyCode::Char('R'), CTRL));
        assert_eq!(key("shift-ctrl-r"), key("ctrl-R"));
        assert_eq!(key("shift-up"), k(KeyCode::Up, SHIFT));
        assert_eq!(key("ctrl-enter"), k(KeyCode::Enter, CTRL));
        assert_eq!(key("alt-f4"), k(KeyCode::F(4), ALT));
        assert_eq!(key("ctrl--"), k(KeyCode::Char('-'), CTRL));
        assert_eq!(key("shift-tab"), k(KeyCode::BackTab, NONE));
        assert_eq!(key("shift-tab"), key("backtab"));
        assert_eq!(key("shift-backtab"), key("backtab"));
        assert_eq!(key("ctrl-shift-tab"), k(KeyCode::BackTab, CTRL));
    }

    #[test]
    fn rejects_bad_specs() {
        for spec in [
            "",
            "ctlr-x",
            "ctrl-",
            "shift-",
            "ctrl-ctrl-x",
            "Enter",
            "Ctrl-x",
            "CTRL-X",
            "pagedwn",
            "f0",
            "f13",
            "f01",
            "fx",
            "jk",
            "super-x",
            " j",
            "enter ",
        ] {
            assert!(Key::parse(spec).is_err(), "{spec:?} should not parse");
        }
        assert_eq!(Key::parse("ctlr-x").unwrap_err().to_string(), "unknown key 'ctlr-x'");
        assert_eq!(
            Key::parse("Enter").unwrap_err().to_string(),
            "unknown key 'Enter' (key names and modifiers are lower case: 'enter')"
        );
    }

    #[test]
    fn from_event_normalizes() {
        let g = key("G");
        assert_eq!(Key::from_event(&press(KeyCode::Char('G'), SHIFT)), g);
        assert_eq!(Key::from_event(&press(KeyCode::Char('G'), NONE)), g);
        assert_eq!(Key::from_event(&press(KeyCode::Char('g'), SHIFT)), g);
        assert_eq!(Key::from_event(&press(KeyCode::Char('g'), NONE)), key("g"));
        assert_eq!(Key::from_event(&press(KeyCode::Char('?'), SHIFT)), key("?"));
        assert_eq!(Key::from_event(&press(KeyCode::Char('>'), SHIFT)), key(">"));
        assert_eq!(Key::from_event(&press(KeyCode::BackTab, SHIFT)), key("shift-tab"));
        assert_eq!(Key::from_event(&press(KeyCode::BackTab, NONE)), key("shift-tab"));
        assert_eq!(Key::from_event(&press(KeyCode::Tab, SHIFT)), key("shift-tab"));
        assert_eq!(Key::from_event(&press(KeyCode::Char('r'), CTRL)), key("ctrl-r"));
        assert_eq!(Key::from_event(&press(KeyCode::Down, NONE)), key("down"));
    }

    #[test]
    fn releases_never_trigger() {
        let map = Keymap::defaults().unwrap();
        let modes = [Mode::Navigation, Mode::Global];
        let j = |kind| event(KeyCode::Char('j'), NONE, kind);
        assert_eq!(map.action(&modes, &j(KeyEventKind::Press)), Some(Action::Down));
        assert_eq!(map.action(&modes, &j(KeyEventKind::Repeat)), Some(Action::Down));
        assert_eq!(map.action(&modes, &j(KeyEventKind::Release)), None);
    }

    #[test]
    fn defaults_parse_and_cover_every_action() {
        let map = Keymap::defaults().unwrap();
        for &action in Action::ALL {
            let bound = Mode::ALL.iter().any(|&m| !map.keys_for(m, action).is_empty());
            assert!(bound, "{} has no default key", action.name());
        }
        // The form, input and prompt actions live in their own modes.
        for (mode, actions) in [
            (
                Mode::Form,
                &[
                    Action::NextField,
                    Action::PrevField,
                    Action::Save,
                    Action::Cancel,
                    Action::OpenEditor,
                    Action::Submit,
                ][..],
            ),
            (
                Mode::Input,
                &[
                    Action::Accept,
                    Action::Clear,
                    Action::Down,
                    Action::Up,
                    Action::PageDown,
                    Action::PageUp,
                ][..],
            ),
            (Mode::Prompt, &[Action::Yes, Action::No][..]),
        ] {
            let got: Vec<Action> = map.bindings(mode).iter().map(|b| b.action).collect();
            assert_eq!(got, actions, "{}", mode.name());
        }
    }

    /// The defaults are documented elsewhere: keep them exactly.
    #[test]
    fn defaults_are_the_documented_ones() {
        type ModeBindings = &'static [(&'static str, &'static [&'static str])];
        let expected: &[(Mode, ModeBindings)] = &[
            (
                Mode::Global,
                &[
                    ("quit", &["q", "ctrl-c"]),
                    ("help", &["?"]),
                    ("palette", &[":"]),
                    ("messages", &["M"]),
                    ("next_pane", &["tab"]),
                    ("prev_pane", &["shift-tab"]),
                    ("show_customers", &["1"]),
                    ("show_pipeline", &["2"]),
                    ("show_log", &["3"]),
                    ("show_agenda", &["4"]),
                    ("show_reports", &["5"]),
                    ("show_organizations", &["6"]),
                ],
            ),
            (
                Mode::Navigation,
                &[
                    ("down", &["j", "down"]),
                    ("up", &["k", "up"]),
                    ("top", &["g", "home"]),
                    ("bottom", &["G", "end"]),
                    ("page_down", &["pagedown"]),
                    ("page_up", &["pageup"]),
                    ("left", &["h", "left"]),
                    ("right", &["l", "right"]),
                ],
            ),
            (
                Mode::Customer,
                &[
                    ("search", &["/"]),
                    ("open", &["enter"]),
                    ("back", &["esc"]),
                    ("add", &["a"]),
                    ("edit", &["e"]),
                    ("log_interaction", &["i"]),
                    ("follow_up", &["f"]),
                    ("capture", &["n"]),
                    ("done", &["x"]),
                    ("next_stage", &[">"]),
                    ("prev_stage", &["<"]),
                    ("delete", &["d"]),
                    ("undo", &["u"]),
                    ("redo", &["ctrl-r"]),
                    ("sort", &["s"]),
                    ("reverse_sort", &["S"]),
                    ("toggle_timeline", &["t"]),
                    ("toggle_mine", &["m"]),
                    ("saved_lists", &["L"]),
                    ("import", &["I"]),
                    ("export", &["X"]),
                    ("duplicates", &["D"]),
                    ("toggle_deals", &["$"]),
                    ("edit_plan", &["P"]),
                    ("open_organization", &["o"]),
                ],
            ),
            (
                Mode::Form,
                &[
                    ("next_field", &["tab", "down"]),
                    ("prev_field", &["shift-tab", "up"]),
                    ("save", &["ctrl-s"]),
                    ("cancel", &["esc"]),
                    ("open_editor", &["ctrl-e"]),
                    ("submit", &["enter"]),
                ],
            ),
            (
                Mode::Input,
                &[
                    ("accept", &["enter"]),
                    ("clear", &["esc"]),
                    ("down", &["down"]),
                    ("up", &["up"]),
                    ("page_down", &["pagedown"]),
                    ("page_up", &["pageup"]),
                ],
            ),
            (Mode::Prompt, &[("yes", &["y"]), ("no", &["n", "esc"])]),
            (
                Mode::Welcome,
                &[("add", &["a"]), ("load_sample", &["s"]), ("quit", &["q", "ctrl-c"])],
            ),
            (Mode::Duplicates, &[("not_duplicates", &["n"])]),
            (Mode::Reports, &[("report_period", &["p"]), ("report_owner", &["w"])]),
        ];
        let map = Keymap::defaults().unwrap();
        assert_eq!(expected.len(), Mode::ALL.len());
        for (mode, bindings) in expected {
            let want: Vec<Binding> = bindings
                .iter()
                .map(|(action, specs)| Binding {
                    action: parse_action(action).unwrap(),
                    keys: specs.iter().map(|s| key(s)).collect(),
                })
                .collect();
            // Same bindings, and in file order.
            assert_eq!(map.bindings(*mode), want.as_slice(), "[{}]", mode.name());
        }
    }

    #[test]
    fn first_mode_that_binds_the_key_wins() {
        let map = Keymap::defaults().unwrap();
        let tab = press(KeyCode::Tab, NONE);
        assert_eq!(map.action(&[Mode::Form, Mode::Global], &tab), Some(Action::NextField));
        assert_eq!(map.action(&[Mode::Global, Mode::Form], &tab), Some(Action::NextPane));
        // Falls through modes that do not bind the key.
        let q = press(KeyCode::Char('q'), NONE);
        assert_eq!(
            map.action(&[Mode::Customer, Mode::Navigation, Mode::Global], &q),
            Some(Action::Quit)
        );
        let esc = press(KeyCode::Esc, NONE);
        assert_eq!(map.action(&[Mode::Prompt, Mode::Customer], &esc), Some(Action::No));
        assert_eq!(map.action(&[Mode::Customer, Mode::Prompt], &esc), Some(Action::Back));
        // Unbound anywhere, or no modes at all.
        assert_eq!(map.action(&Mode::ALL, &press(KeyCode::Char('z'), NONE)), None);
        assert_eq!(map.action(&[], &q), None);
        // Terminal quirks go through normalization.
        let shifted_g = press(KeyCode::Char('G'), SHIFT);
        assert_eq!(map.action(&[Mode::Navigation], &shifted_g), Some(Action::Bottom));
        let shifted_question = press(KeyCode::Char('?'), SHIFT);
        assert_eq!(map.action(&[Mode::Global], &shifted_question), Some(Action::Help));
        let backtab = press(KeyCode::BackTab, SHIFT);
        assert_eq!(map.action(&[Mode::Global], &backtab), Some(Action::PrevPane));
        let ctrl_r = press(KeyCode::Char('r'), CTRL);
        assert_eq!(map.action(&[Mode::Customer], &ctrl_r), Some(Action::Redo));
        assert_eq!(map.action(&[Mode::Customer], &press(KeyCode::Char('r'), NONE)), None);
    }

    #[test]
    fn override_replaces_keys() {
        let map = Keymap::defaults()
            .unwrap()
            .with_overrides("[navigation]\ndown = [\"n\"]\n")
            .unwrap();
        assert_eq!(map.keys_for(Mode::Navigation, Action::Down), &[key("n")]);
        // Position in the list is kept; other actions untouched.
        assert_eq!(map.bindings(Mode::Navigation)[0].action, Action::Down);
        assert_eq!(map.label_for(Mode::Navigation, Action::Up), "k/↑");
        assert_eq!(map.action(&[Mode::Navigation], &press(KeyCode::Char('j'), NONE)), None);
        assert_eq!(
            map.action(&[Mode::Navigation], &press(KeyCode::Char('n'), NONE)),
            Some(Action::Down)
        );
        // Other modes keep their own bindings of the same action.
        assert_eq!(map.label_for(Mode::Form, Action::NextField), "tab/↓");
    }

    #[test]
    fn override_adds_action_to_a_mode() {
        let map = Keymap::defaults()
            .unwrap()
            .with_overrides("[customer]\nquit = [\"Q\"]\nhelp = [\"f1\"]\n")
            .unwrap();
        let bindings = map.bindings(Mode::Customer);
        let n = bindings.len();
        assert_eq!(bindings[n - 2].action, Action::Quit);
        assert_eq!(bindings[n - 1].action, Action::Help);
        assert_eq!(
            map.action(&[Mode::Customer], &press(KeyCode::Char('Q'), SHIFT)),
            Some(Action::Quit)
        );
        assert_eq!(map.label_for(Mode::Customer, Action::Help), "f1");
    }

    #[test]
    fn override_with_empty_list_unbinds() {
        let map = Keymap::defaults()
            .unwrap()
            .with_overrides("[global]\nhelp = []\n[input]\nyes = []\n")
            .unwrap();
        assert!(map.keys_for(Mode::Global, Action::Help).is_empty());
        assert_eq!(map.label_for(Mode::Global, Action::Help), "");
        assert!(map.bindings(Mode::Global).iter().all(|b| b.action != Action::Help));
        assert_eq!(map.action(&[Mode::Global], &press(KeyCode::Char('?'), NONE)), None);
        assert!(map.bindings(Mode::Input).iter().all(|b| b.action != Action::Yes));
    }

    #[test]
    fn override_can_move_a_key_between_actions() {
        // Unbinding the old owner in the same file avoids the conflict.
        let map = Keymap::defaults()
            .unwrap()
            .with_overrides("[customer]\nadd = [\"e\"]\nedit = [\"E\"]\n")
            .unwrap();
        assert_eq!(
            map.action(&[Mode::Customer], &press(KeyCode::Char('e'), NONE)),
            Some(Action::Add)
        );
        assert_eq!(
            map.action(&[Mode::Customer], &press(KeyCode::Char('E'), NONE)),
            Some(Action::Edit)
        );
    }

    #[test]
    fn override_conflict_is_an_error() {
        let err = Keymap::defaults()
            .unwrap()
            .with_overrides("[customer]\nadd = [\"e\"]\n")
            .unwrap_err();
        assert!(matches!(err, KeymapError::Conflict { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "key 'e' is bound to both 'add' and 'edit' in [customer]"
        );
        // Normalization applies: "shift-g" is "G".
        let err = Keymap::defaults()
            .unwrap()
            .with_overrides("[navigation]\ntop = [\"shift-g\"]\n")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "key 'G' is bound to both 'top' and 'bottom' in [navigation]"
        );
        // The same key in different modes is fine (precedence decides).
        Keymap::defaults()
            .unwrap()
            .with_overrides("[customer]\nsearch = [\"q\"]\n")
            .unwrap();
        // Repeating a key within one action is not a conflict.
        let map = Keymap::defaults()
            .unwrap()
            .with_overrides("[global]\nhelp = [\"?\", \"shift-?\"]\n")
            .unwrap();
        assert_eq!(map.label_for(Mode::Global, Action::Help), "?");
    }

    #[test]
    fn override_errors_name_the_culprit() {
        let err = |text: &str| Keymap::defaults().unwrap().with_overrides(text).unwrap_err();
        assert_eq!(
            err("[global]\nfly = [\"x\"]\n").to_string(),
            "unknown action 'fly' in [global]"
        );
        assert_eq!(err("[foo]\nquit = [\"x\"]\n").to_string(), "unknown mode [foo]");
        assert_eq!(
            err("[global]\nquit = [\"ctlr-x\"]\n").to_string(),
            "unknown key 'ctlr-x' for action 'quit' in [global]"
        );
        assert_eq!(
            err("[customer]\nopen = [\"Enter\"]\n").to_string(),
            "unknown key 'Enter' for action 'open' in [customer] (key names and modifiers are lower case: 'enter')"
        );
        assert!(matches!(
            err("[global]\nquit = \"q\"\n"),
            KeymapError::NotAKeyList { .. }
        ));
        assert!(matches!(err("[global]\nquit = [1]\n"), KeymapError::NotAKeyList { .. }));
        assert!(matches!(err("global = 1\n"), KeymapError::NotATable { .. }));
        assert!(matches!(err("[global\n"), KeymapError::Toml(_)));
        assert!(matches!(
            err("[global]\nquit = [\"q\"]\nquit = [\"x\"]\n"),
            KeymapError::Toml(_)
        ));
    }

    #[test]
    fn empty_override_keeps_defaults() {
        let defaults = Keymap::defaults().unwrap();
        let merged = defaults.clone().with_overrides("# nothing\n").unwrap();
        for mode in Mode::ALL {
            assert_eq!(merged.bindings(mode), defaults.bindings(mode));
        }
    }

    #[test]
    fn load_reads_the_user_file() {
        let dir = std::env::temp_dir().join(format!("guanxi-keymap-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.toml");
        let map = Keymap::load(&missing).unwrap();
        assert_eq!(map.label_for(Mode::Global, Action::Quit), "q/ctrl-c");

        let file = dir.join("keymap.toml");
        std::fs::write(&file, "[global]\nquit = [\"ctrl-q\"]\n").unwrap();
        let map = Keymap::load(&file).unwrap();
        assert_eq!(map.label_for(Mode::Global, Action::Quit), "ctrl-q");

        std::fs::write(&file, "[global]\nfly = [\"x\"]\n").unwrap();
        let err = Keymap::load(&file).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: unknown action 'fly' in [global]", file.display())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn labels() {
        let map = Keymap::defaults().unwrap();
        assert_eq!(map.label_for(Mode::Navigation, Action::Down), "j/↓");
        assert_eq!(map.label_for(Mode::Navigation, Action::Bottom), "G/end");
        assert_eq!(map.label_for(Mode::Navigation, Action::PageDown), "pgdn");
        assert_eq!(map.label_for(Mode::Customer, Action::Redo), "ctrl-r");
        assert_eq!(map.label_for(Mode::Global, Action::PrevPane), "shift-tab");
        assert_eq!(map.label_for(Mode::Global, Action::Quit), "q/ctrl-c");
        assert_eq!(map.label_for(Mode::Customer, Action::NextStage), ">");
        assert_eq!(map.label_for(Mode::Global, Action::Help), "?");
        assert_eq!(map.label_for(Mode::Customer, Action::Back), "esc");
        assert_eq!(map.label_for(Mode::Global, Action::Down), "");
        assert_eq!(key("shift-g").to_string(), "G");
        assert_eq!(key("ctrl-alt-shift-up").label(), "ctrl-alt-shift-↑");
        assert_eq!(key("ctrl-shift-tab").label(), "ctrl-shift-tab");
        assert_eq!(key("space").label(), "space");
        assert_eq!(key("del").label(), "del");
        assert_eq!(key("f5").label(), "f5");
    }

    #[test]
    fn mode_names_round_trip() {
        for mode in Mode::ALL {
            assert_eq!(Mode::from_name(mode.name()), Some(mode));
            assert_eq!(Mode::ALL[mode.index()], mode);
        }
    }
}
