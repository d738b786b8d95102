//! Everything the user can ask the terminal UI to do. Keys map to actions
//! (see `keymap`), actions go to `App::update`, and the screen is drawn
//! from the state that results: one direction, no shortcuts.

use serde::{Deserialize, Serialize};

/// Declares the actions once: the enum, and `Action::ALL` in the same
/// order, so a list of every action can never miss one.
macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Names in `assets/keymap.toml` are the snake_case forms of these.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $($(#[$doc])* $name,)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$name,)*];
        }
    };
}

actions! {
    // Anywhere outside text input.
    Quit,
    Help,
    Palette,
    /// The status bar's messages, whole.
    Messages,
    NextPane,
    PrevPane,
    ShowCustomers,
    ShowPipeline,
    ShowLog,
    ShowAgenda,
    // Moving around a list or board.
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    Left,
    Right,
    // Work on customers.
    Search,
    Open,
    Back,
    Add,
    Edit,
    LogInteraction,
    FollowUp,
    /// Quick capture: one line read into its pieces, saved with Enter.
    Capture,
    Done,
    NextStage,
    PrevStage,
    Delete,
    Undo,
    Redo,
    Sort,
    ReverseSort,
    ToggleTimeline,
    ToggleMine,
    /// The picker of saved lists.
    SavedLists,
    // Forms.
    NextField,
    PrevField,
    Save,
    Cancel,
    OpenEditor,
    /// Enter in a form: the next field, or save from the last one.
    Submit,
    // Text boxes (search, palette).
    Accept,
    Clear,
    // Questions.
    Yes,
    No,
    // The welcome screen.
    LoadSample,
    // Files and duplicates.
    Import,
    /// Write what the pane shows to a file: the customers listed, or the
    /// agenda as iCalendar.
    Export,
    Duplicates,
    /// In the duplicates list: the group is different people.
    NotDuplicates,
    /// The pipeline: relationship stages, or open deals by close month.
    ToggleDeals,
    /// The customer's account plan, as its outline, in `$EDITOR`.
    EditPlan,
    ShowOrganizations,
    /// The organization of the customer in view (or the partner that
    /// referred it), in the Organizations pane.
    OpenOrganization,
    ShowReports,
    /// In the Reports pane: the next period (30 days, quarter, 12
    /// months, this year, all).
    ReportPeriod,
    /// In the Reports pane: everyone's customers, mine, then each
    /// teammate's.
    ReportOwner,
}

impl Action {
    /// The snake_case name used in keymap files and the catalogue
    /// (`action.<name>` describes it).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case() {
        assert_eq!(Action::LogInteraction.name(), "log_interaction");
        assert_eq!(Action::Quit.name(), "quit");
        let back: Action = serde_json::from_str("\"toggle_mine\"").unwrap();
        assert_eq!(back, Action::ToggleMine);
    }
}
