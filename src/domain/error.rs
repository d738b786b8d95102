//! Errors in what a user typed or a file supplied. Each is reported as one
//! line and rejects the whole command before anything is written.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("the name must not be empty")]
    EmptyName,
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("unknown stage '{0}' (expected one of: {stages})", stages = crate::domain::Stage::english_list())]
    UnknownStage(String),
    #[error("unknown relationship level '{0}' (expected one of: basic, reactive, accountable, proactive, partnership)")]
    UnknownLevel(String),
    #[error("unknown channel '{0}' (expected one of: {channels})", channels = crate::domain::Channel::english_list())]
    UnknownChannel(String),
    #[error("unknown direction '{0}' (expected 'in' or 'out')")]
    UnknownDirection(String),
    #[error("'{value}' is not a date (use YYYY-MM-DD, today, tomorrow, yesterday, +3d or +2w)")]
    BadDate { value: String },
    #[error("'{value}' is not a date and time (use YYYY-MM-DD HH:MM, YYYY-MM-DD, RFC 3339, now, today or yesterday)")]
    BadDateTime { value: String },
    #[error("satisfaction must be a whole number from 1 to 5, not '{0}'")]
    BadSatisfaction(String),
    #[error("{factor} must be a whole number from 0 to 5 (or empty to clear), not '{value}'")]
    BadFactor { factor: &'static str, value: String },
    #[error("'{0}' is not an amount (use digits with an optional decimal point, e.g. 1500000 or 12.50)")]
    BadAmount(String),
    #[error("'{0}' is not an email address")]
    BadEmail(String),
    #[error("'{0}' is not a phone number")]
    BadPhone(String),
    #[error("'{0}' is not a tag (tags are single words without spaces or commas)")]
    BadTag(String),
    #[error("the stay-in-touch cadence must be a number of days from 1 to 3650 (or 'default'), not '{0}'")]
    BadCadence(String),
    #[error("'{value}' is not a {what} id (16 hex digits)")]
    BadId { what: &'static str, value: String },
    #[error("unknown field '{0}' (see `guanxi edit --help` for the list)")]
    UnknownField(String),
    #[error("expected FIELD=VALUE, got '{0}'")]
    BadAssignment(String),
    #[error("no customer matches '{0}'")]
    NoSuchCustomer(String),
    #[error("'{reference}' matches {} customers; use more of the name or the id:{}", candidates.len(), candidates.iter().map(|c| format!("\n  {c}")).collect::<String>())]
    AmbiguousCustomer { reference: String, candidates: Vec<String> },
    #[error("no follow-up matches '{0}'")]
    NoSuchFollowUp(String),
    #[error("'{reference}' matches {} follow-ups; use more of the id:{}", candidates.len(), candidates.iter().map(|c| format!("\n  {c}")).collect::<String>())]
    AmbiguousFollowUp { reference: String, candidates: Vec<String> },
    #[error("{0} is already at the first stage")]
    NoPreviousStage(String),
    #[error("{0} is already at the last stage")]
    NoNextStage(String),
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("nothing to redo")]
    NothingToRedo,
    #[error("{0}")]
    Invalid(String),
}
