//! Errors in what a user typed or a file supplied. Each is reported as one
//! line (in the user's language) and rejects the whole command before
//! anything is written. What the line says is the business of the layer
//! that makes messages: `Display` is implemented in `i18n::input_error`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    EmptyName,
    /// `field` names the field: `summary`, `what`.
    Empty {
        field: &'static str,
    },
    UnknownStage(String),
    UnknownLevel(String),
    UnknownChannel(String),
    UnknownDirection(String),
    BadDate {
        value: String,
    },
    BadDateTime {
        value: String,
    },
    BadSatisfaction(String),
    /// `factor` is the factor's key (`trust`...).
    BadFactor {
        factor: &'static str,
        value: String,
    },
    BadAmount(String),
    /// Not a whole percent from 0 to 100.
    BadProbability(String),
    BadEmail(String),
    BadPhone(String),
    BadTag(String),
    BadCadence(String),
    /// `what`: `customer`, `interaction` or `follow-up`.
    BadId {
        what: &'static str,
        value: String,
    },
    UnknownField(String),
    /// A saved list's name that is blank, too long or has control characters.
    BadListName(String),
    NoSuchList(String),
    /// A mistake in a plan's outline (`domain::outline`): the line, from
    /// 1, and what was expected there (a key under `outline.expected`).
    BadOutline {
        line: usize,
        expected: &'static str,
    },
    /// No plan for this target (`what` names it as typed).
    NoPlan(String),
    NoSuchTactic(String),
    BadAssignment(String),
    NoSuchCustomer(String),
    /// `count` customers match; `candidates` shows the first of them.
    AmbiguousCustomer {
        reference: String,
        count: usize,
        candidates: Vec<String>,
    },
    NoSuchFollowUp(String),
    AmbiguousFollowUp {
        reference: String,
        count: usize,
        candidates: Vec<String>,
    },
    NoSuchDeal(String),
    AmbiguousDeal {
        reference: String,
        count: usize,
        candidates: Vec<String>,
    },
    NoSuchOrganization(String),
    UnknownOrgKind(String),
    AmbiguousOrganization {
        reference: String,
        count: usize,
        candidates: Vec<String>,
    },
    NoPreviousStage(String),
    NoNextStage(String),
    NothingToUndo,
    NothingToRedo,
    UnknownFormat(String),
    /// Not an ISO 3166 code guanxi knows the calling code of.
    UnknownRegion(String),
    CannotRead {
        path: String,
        reason: String,
    },
    /// A value over its size limit (`validate`). `field` is the catalogue
    /// key of the field's label (`field.customer.notes`).
    TooLong {
        field: String,
        limit: usize,
        length: usize,
    },
    /// Already in the user's language.
    Invalid(String),
    /// An interaction dated after today: almost certainly a mistake, so
    /// the command line needs `--force` and the UI asks.
    FutureInteraction {
        day: chrono::NaiveDate,
    },
    /// A follow-up due before today: likewise.
    PastFollowUp {
        day: chrono::NaiveDate,
    },
}

/// Its `Display` is in `i18n::input_error`.
impl std::error::Error for InputError {}
