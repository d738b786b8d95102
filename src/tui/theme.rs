//! Colours and text attributes of the terminal interface.
//!
//! The default theme lives in `assets/theme.toml` and is embedded in the binary. A user may override any
//! subset of its styles with a `theme.toml` of the same shape in their config directory: each style given
//! there replaces the default style entirely (foreground, background and modifiers), the others stay.
//! Unknown style names, keys, colours and modifiers are reported as errors instead of being ignored, so a
//! typo never silently does nothing.
//!
//! When `NO_COLOR` is set (<https://no-color.org>) every colour is removed but modifiers are kept, so the
//! selection (reversed) and headers (bold/underlined) stay visible.

use std::io;
use std::path::{Path, PathBuf};

use crate::i18n::tf;
use ratatui::style::{Color, Modifier, Style};
use thiserror::Error;

/// The embedded default theme.
const DEFAULT_THEME: &str = include_str!("../../assets/theme.toml");

/// Declares the styles once: the [`Theme`] struct, [`STYLE_NAMES`] and the name → field lookup.
macro_rules! theme_styles {
    ($( $(#[doc = $doc:literal])* $name:ident ),+ $(,)?) => {
        /// Every style of the interface. Build it with [`Theme::load`] (or [`Theme::defaults`]).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Theme {
            $( $(#[doc = $doc])* pub $name: Style, )+
        }

        /// The names of all styles, as written in `theme.toml`, in declaration order.
        pub const STYLE_NAMES: &[&str] = &[$( stringify!($name) ),+];

        impl Theme {
            /// A theme where every style is the terminal's default (no colour, no modifier).
            fn blank() -> Theme {
                Theme { $( $name: Style::new(), )+ }
            }

            /// The style called `name` in `theme.toml`, if there is one.
            fn style_mut(&mut self, name: &str) -> Option<&mut Style> {
                match name {
                    $( stringify!($name) => Some(&mut self.$name), )+
                    _ => None,
                }
            }

            /// Every style with its name, in declaration order.
            #[cfg(test)]
            fn named_styles(&self) -> Vec<(&'static str, Style)> {
                vec![$( (stringify!($name), self.$name), )+]
            }

            /// Applies `f` to every style.
            fn map_styles(mut self, f: impl Fn(Style) -> Style) -> Theme {
                $( self.$name = f(self.$name); )+
                self
            }
        }
    };
}

theme_styles! {
    /// Ordinary text.
    text,
    /// Secondary text: hints, placeholders, empty states.
    muted,
    /// Titles of panes and dialogs.
    title,
    /// Borders of unfocused panes.
    border,
    /// Border of the focused pane.
    border_focused,
    /// Table header row.
    header,
    /// The selected row; must stay visible without colour.
    selected,
    /// An inactive tab.
    tab,
    /// The active tab.
    tab_active,
    /// The status bar.
    status_bar,
    /// Key names in the footer's key hints.
    footer_key,
    /// Descriptions in the footer's key hints.
    footer_text,
    /// Error messages.
    error,
    /// Warnings.
    warning,
    /// Confirmations of successful actions.
    success,
    /// Follow-ups past their due date.
    overdue,
    /// Follow-ups due today.
    due_today,
    /// Follow-ups due later.
    upcoming,
    /// An unfocused input field.
    input,
    /// The focused input field.
    input_focused,
    /// An input field holding an invalid value.
    input_invalid,
    /// The filled part of a gauge.
    gauge_filled,
    /// The empty part of a gauge.
    gauge_empty,
    /// Money amounts.
    money,
    /// Relationship stage 1: attract.
    stage_attract,
    /// Relationship stage 2: establish.
    stage_establish,
    /// Relationship stage 3: build.
    stage_build,
    /// Relationship stage 4: develop.
    stage_develop,
    /// Relationship stage 5: maintain.
    stage_maintain,
    /// Relationship stage 6: consolidate.
    stage_consolidate,
    /// Relationship stage 7: loyalty.
    stage_loyalty,
    /// The channel label of an interaction (call, email, meeting...).
    channel,
    /// The author of a note or interaction.
    author,
    /// Matched characters of a search, and keys in the command palette.
    highlight,
}

/// Why a theme could not be built.
#[derive(Debug, Error)]
pub enum ThemeError {
    /// The text is not valid TOML.
    #[error("{}", tf("theme.error.syntax", &[("error", _0)]))]
    Syntax(#[from] toml::de::Error),
    /// A style name that the interface does not know (probably a typo).
    #[error("{}", tf("theme.error.unknown_style", &[("style", style)]))]
    UnknownStyle { style: String },
    /// A style that is not a table (`title = "red"` instead of `title = { fg = "red" }`).
    #[error("{}", tf("theme.error.not_a_table", &[("style", style)]))]
    NotATable { style: String },
    /// A key other than `fg`, `bg` and `modifiers` inside a style.
    #[error("{}", tf("theme.error.unknown_key", &[("style", style), ("key", key)]))]
    UnknownKey { style: String, key: String },
    /// A colour that is neither a known name, `#rrggbb`, nor an index 0-255.
    #[error("{}", tf("theme.error.unknown_colour", &[("style", style), ("value", value)]))]
    UnknownColour { style: String, value: String },
    /// `modifiers` is not an array of strings.
    #[error("{}", tf("theme.error.modifiers_not_an_array", &[("style", style)]))]
    ModifiersNotAnArray { style: String },
    /// A modifier that is not one of bold, dim, italic, underlined, reversed, crossed_out.
    #[error("{}", tf("theme.error.unknown_modifier", &[("style", style), ("value", value)]))]
    UnknownModifier { style: String, value: String },
    /// The user's theme file exists but cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The user's theme file is invalid.
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: Box<ThemeError>,
    },
}

impl Theme {
    /// The embedded default theme (`assets/theme.toml`).
    pub fn defaults() -> Result<Theme, ThemeError> {
        Theme::blank().with_overrides(DEFAULT_THEME)
    }

    /// Applies a user's partial theme: every style given in `text` replaces that style entirely
    /// (fg, bg and modifiers); styles not mentioned stay as they are.
    pub fn with_overrides(mut self, text: &str) -> Result<Theme, ThemeError> {
        let table: toml::Table = toml::from_str(text)?;
        for (name, value) in &table {
            let slot = self
                .style_mut(name)
                .ok_or_else(|| ThemeError::UnknownStyle { style: name.clone() })?;
            *slot = parse_style(name, value)?;
        }
        Ok(self)
    }

    /// The default theme, overridden by `user_file` if it exists, then stripped of colours if `no_color`.
    pub fn load(user_file: &Path, no_color: bool) -> Result<Theme, ThemeError> {
        let mut theme = Theme::defaults()?;
        match std::fs::read_to_string(user_file) {
            Ok(text) => {
                theme = theme.with_overrides(&text).map_err(|source| ThemeError::File {
                    path: user_file.to_path_buf(),
                    source: Box::new(source),
                })?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(ThemeError::Io {
                    path: user_file.to_path_buf(),
                    source,
                });
            }
        }
        Ok(if no_color { theme.without_color() } else { theme })
    }

    /// The same theme with every foreground, background and underline colour removed; modifiers are kept.
    pub fn without_color(self) -> Theme {
        self.map_styles(|style| {
            let mut plain = Style::new();
            plain.add_modifier = style.add_modifier;
            plain.sub_modifier = style.sub_modifier;
            plain
        })
    }

    /// The style of relationship stage `index` (0 = attract ... 6 = loyalty); [`Theme::text`] when out of range.
    pub fn stage(&self, index: usize) -> Style {
        match index {
            0 => self.stage_attract,
            1 => self.stage_establish,
            2 => self.stage_build,
            3 => self.stage_develop,
            4 => self.stage_maintain,
            5 => self.stage_consolidate,
            6 => self.stage_loyalty,
            _ => self.text,
        }
    }

    /// Whether the `NO_COLOR` environment variable is present and non-empty (<https://no-color.org>).
    pub fn no_color_requested() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
    }
}

/// Parses one style table into a complete style; `name` is only used in error messages.
fn parse_style(name: &str, value: &toml::Value) -> Result<Style, ThemeError> {
    let toml::Value::Table(spec) = value else {
        return Err(ThemeError::NotATable { style: name.to_owned() });
    };
    let mut style = Style::new();
    for (key, value) in spec {
        match key.as_str() {
            "fg" => style.fg = Some(parse_colour(name, value)?),
            "bg" => style.bg = Some(parse_colour(name, value)?),
            "modifiers" => style.add_modifier = parse_modifiers(name, value)?,
            _ => {
                return Err(ThemeError::UnknownKey {
                    style: name.to_owned(),
                    key: key.clone(),
                });
            }
        }
    }
    Ok(style)
}

/// A colour name, `#rrggbb`, or an ANSI index 0-255 given as an integer.
fn parse_colour(style: &str, value: &toml::Value) -> Result<Color, ThemeError> {
    let colour = match value {
        toml::Value::String(text) => colour_from_str(text),
        toml::Value::Integer(index) => u8::try_from(*index).ok().map(Color::Indexed),
        _ => None,
    };
    colour.ok_or_else(|| ThemeError::UnknownColour {
        style: style.to_owned(),
        value: match value {
            toml::Value::String(text) => text.clone(),
            other => other.to_string(),
        },
    })
}

fn colour_from_str(text: &str) -> Option<Color> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix('#') {
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        return Some(Color::Rgb(channel(0)?, channel(2)?, channel(4)?));
    }
    // Case-insensitive, and tolerant of "dark_gray", "light-blue" and the British "grey".
    let name: String = text
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Some(match name.replace("grey", "gray").as_str() {
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" => Color::Gray,
        "darkgray" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        "reset" => Color::Reset,
        _ => return None,
    })
}

fn parse_modifiers(style: &str, value: &toml::Value) -> Result<Modifier, ThemeError> {
    let toml::Value::Array(items) = value else {
        return Err(ThemeError::ModifiersNotAnArray {
            style: style.to_owned(),
        });
    };
    let mut modifiers = Modifier::empty();
    for item in items {
        let toml::Value::String(text) = item else {
            return Err(ThemeError::ModifiersNotAnArray {
                style: style.to_owned(),
            });
        };
        modifiers |= match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underlined" => Modifier::UNDERLINED,
            "reversed" => Modifier::REVERSED,
            "crossed_out" => Modifier::CROSSED_OUT,
            _ => {
                return Err(ThemeError::UnknownModifier {
                    style: style.to_owned(),
                    value: text.clone(),
                });
            }
        };
    }
    Ok(modifiers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Theme {
        Theme::defaults().expect("embedded theme parses")
    }

    #[test]
    fn defaults_parse_and_name_every_style() {
        let table: toml::Table = toml::from_str(DEFAULT_THEME).unwrap();
        for name in STYLE_NAMES {
            assert!(table.contains_key(*name), "assets/theme.toml lacks style '{name}'");
        }
        assert_eq!(table.len(), STYLE_NAMES.len());
        defaults();
    }

    #[test]
    fn defaults_match_the_file() {
        let theme = defaults();
        assert_eq!(theme.text, Style::new());
        assert_eq!(theme.muted, Style::new().fg(Color::DarkGray));
        assert_eq!(theme.title, Style::new().add_modifier(Modifier::BOLD));
        assert_eq!(
            theme.header,
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        );
        assert_eq!(theme.error, Style::new().fg(Color::Red).add_modifier(Modifier::BOLD));
        assert_eq!(theme.money, Style::new().fg(Color::Green));
        assert_eq!(theme.stage_attract, Style::new().fg(Color::Blue));
    }

    #[test]
    fn defaults_set_no_background() {
        // Backgrounds clash with either dark or light terminals; emphasis uses bold and reversed instead.
        for (name, style) in defaults().named_styles() {
            assert_eq!(style.bg, None, "style '{name}' sets a background");
        }
    }

    #[test]
    fn selected_is_reversed_even_without_colour() {
        assert!(defaults().selected.add_modifier.contains(Modifier::REVERSED));
        assert!(
            defaults()
                .without_color()
                .selected
                .add_modifier
                .contains(Modifier::REVERSED)
        );
    }

    #[test]
    fn partial_override_replaces_only_that_style() {
        let before = defaults();
        let after = before.clone().with_overrides("title = { fg = \"magenta\" }\n").unwrap();
        // Replaced entirely: the default bold is gone.
        assert_eq!(after.title, Style::new().fg(Color::Magenta));
        let mut expected = before;
        expected.title = after.title;
        assert_eq!(after, expected);
    }

    #[test]
    fn empty_table_resets_a_style() {
        let theme = defaults().with_overrides("[error]\n").unwrap();
        assert_eq!(theme.error, Style::new());
    }

    #[test]
    fn empty_override_changes_nothing() {
        assert_eq!(defaults().with_overrides("# nothing\n").unwrap(), defaults());
    }

    #[test]
    fn no_color_strips_colours_and_keeps_modifiers() {
        let theme = defaults()
            .with_overrides("error = { fg = \"red\", bg = \"#102030\", modifiers = [\"bold\", \"underlined\"] }")
            .unwrap()
            .without_color();
        assert_eq!(
            theme.error,
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        );
        for (name, style) in theme.named_styles() {
            assert_eq!((style.fg, style.bg), (None, None), "style '{name}' keeps a colour");
        }
        assert!(theme.header.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn hex_and_indexed_colours_parse() {
        let theme = defaults()
            .with_overrides(
                "title = { fg = \"#FF8000\", bg = 236 }\nmoney = { fg = 0 }\nauthor = { fg = \"Dark_Grey\" }\n",
            )
            .unwrap();
        assert_eq!(
            theme.title,
            Style::new().fg(Color::Rgb(0xff, 0x80, 0)).bg(Color::Indexed(236))
        );
        assert_eq!(theme.money, Style::new().fg(Color::Indexed(0)));
        assert_eq!(theme.author, Style::new().fg(Color::DarkGray));
    }

    #[test]
    fn all_colour_names_and_modifiers_parse() {
        for name in [
            "black",
            "red",
            "green",
            "yellow",
            "blue",
            "magenta",
            "cyan",
            "gray",
            "darkgray",
            "lightred",
            "lightgreen",
            "lightyellow",
            "lightblue",
            "lightmagenta",
            "lightcyan",
            "white",
            "reset",
        ] {
            assert!(colour_from_str(name).is_some(), "{name}");
        }
        let theme = defaults()
            .with_overrides(
                "text = { modifiers = [\"bold\", \"dim\", \"italic\", \"underlined\", \"reversed\", \"crossed_out\"] }",
            )
            .unwrap();
        assert_eq!(
            theme.text.add_modifier,
            Modifier::BOLD
                | Modifier::DIM
                | Modifier::ITALIC
                | Modifier::UNDERLINED
                | Modifier::REVERSED
                | Modifier::CROSSED_OUT
        );
    }

    fn error_of(text: &str) -> String {
        defaults().with_overrides(text).unwrap_err().to_string()
    }

    #[test]
    fn bad_colour_names_the_style_and_value() {
        assert_eq!(
            error_of("title = { fg = \"blu\" }"),
            "unknown colour 'blu' for style 'title'"
        );
        assert_eq!(
            error_of("title = { bg = 256 }"),
            "unknown colour '256' for style 'title'"
        );
        assert_eq!(error_of("title = { bg = -1 }"), "unknown colour '-1' for style 'title'");
        assert_eq!(
            error_of("title = { fg = \"#12345\" }"),
            "unknown colour '#12345' for style 'title'"
        );
        assert_eq!(
            error_of("title = { fg = \"#12345g\" }"),
            "unknown colour '#12345g' for style 'title'"
        );
        assert_eq!(
            error_of("title = { fg = true }"),
            "unknown colour 'true' for style 'title'"
        );
    }

    #[test]
    fn unknown_style_is_named() {
        assert_eq!(error_of("titel = { fg = \"red\" }"), "unknown style 'titel'");
        assert!(matches!(
            defaults().with_overrides("[titel]"),
            Err(ThemeError::UnknownStyle { style }) if style == "titel"
        ));
    }

    #[test]
    fn unknown_modifier_is_named() {
        assert_eq!(
            error_of("title = { modifiers = [\"bold\", \"blink2\"] }"),
            "unknown modifier 'blink2' for style 'title'"
        );
        assert!(error_of("title = { modifiers = \"bold\" }").contains("'title'"));
    }

    #[test]
    fn unknown_key_and_non_table_are_errors() {
        assert_eq!(
            error_of("title = { foreground = \"red\" }"),
            "unknown key 'foreground' for style 'title' (expected fg, bg or modifiers)"
        );
        assert!(error_of("title = \"red\"").starts_with("style 'title' must be a table"));
    }

    #[test]
    fn toml_syntax_errors_are_reported() {
        let err = defaults().with_overrides("title = { fg = ").unwrap_err();
        assert!(matches!(err, ThemeError::Syntax(_)), "{err:?}");
    }

    #[test]
    fn stage_indexes_in_order() {
        let theme = defaults()
            .with_overrides(
                "stage_attract = { fg = 1 }\nstage_establish = { fg = 2 }\nstage_build = { fg = 3 }\n\
                 stage_develop = { fg = 4 }\nstage_maintain = { fg = 5 }\nstage_consolidate = { fg = 6 }\n\
                 stage_loyalty = { fg = 7 }\ntext = { fg = 8 }\n",
            )
            .unwrap();
        for index in 0..=7 {
            assert_eq!(theme.stage(index).fg, Some(Color::Indexed(index as u8 + 1)));
        }
        assert_eq!(theme.stage(usize::MAX), theme.text);
    }

    #[test]
    fn load_uses_defaults_without_a_user_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("theme.toml");
        assert_eq!(Theme::load(&path, false).unwrap(), defaults());
        assert_eq!(Theme::load(&path, true).unwrap(), defaults().without_color());
    }

    #[test]
    fn load_applies_the_user_file_then_no_color() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("theme.toml");
        std::fs::write(&path, "title = { fg = \"red\", modifiers = [\"italic\"] }\n").unwrap();
        assert_eq!(
            Theme::load(&path, false).unwrap().title,
            Style::new().fg(Color::Red).add_modifier(Modifier::ITALIC)
        );
        assert_eq!(
            Theme::load(&path, true).unwrap().title,
            Style::new().add_modifier(Modifier::ITALIC)
        );
    }

    #[test]
    fn load_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("theme.toml");
        std::fs::write(&path, "titel = {}\n").unwrap();
        let message = Theme::load(&path, false).unwrap_err().to_string();
        assert!(message.contains("theme.toml"), "{message}");
        assert!(message.ends_with("unknown style 'titel'"), "{message}");
        // A directory exists but cannot be read as a file.
        assert!(matches!(Theme::load(dir.path(), false), Err(ThemeError::Io { .. })));
    }
}
