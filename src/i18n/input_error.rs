//! How an input error is said: the `Display` of [`InputError`], one line
//! in the user's language. The error itself is domain data
//! (`domain::error`); the words for it live here, with the catalogues.

use std::fmt;

use super::{number, t, tf};
use crate::domain::escape::escape_typed;
use crate::domain::phone::Region;
use crate::domain::{Channel, InputError, Level, Stage};

fn list<T: Copy>(all: &[T], label: impl Fn(T) -> String) -> String {
    all.iter().map(|x| label(*x)).collect::<Vec<_>>().join(", ")
}

/// One line per candidate: a name with a line break in it stays on its line.
fn candidates(c: &[String]) -> String {
    c.iter().map(|c| format!("\n  {}", escape_typed(c))).collect()
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            InputError::EmptyName => t("error.empty_name").to_string(),
            InputError::Empty { field } => tf("error.empty", &[("field", &t(&format!("error.field.{field}")))]),
            InputError::UnknownStage(v) => tf(
                "error.unknown_stage",
                &[("value", v), ("expected", &list(&Stage::ALL, |s| s.key().to_string()))],
            ),
            InputError::UnknownLevel(v) => tf(
                "error.unknown_level",
                &[("value", v), ("expected", &list(&Level::ALL, |l| l.key().to_string()))],
            ),
            InputError::UnknownChannel(v) => tf(
                "error.unknown_channel",
                &[
                    ("value", v),
                    ("expected", &list(&Channel::ALL, |c| c.key().to_string())),
                ],
            ),
            InputError::UnknownDirection(v) => tf("error.unknown_direction", &[("value", v)]),
            InputError::BadDate { value } => tf("error.bad_date", &[("value", value)]),
            InputError::BadDateTime { value } => tf("error.bad_datetime", &[("value", value)]),
            InputError::FutureInteraction { day } => tf("error.future_interaction", &[("day", &super::date(*day))]),
            InputError::PastFollowUp { day } => tf("error.past_follow_up", &[("day", &super::date(*day))]),
            InputError::BadSatisfaction(v) => tf("error.bad_satisfaction", &[("value", v)]),
            InputError::BadFactor { factor, value } => tf(
                "error.bad_factor",
                &[("factor", &t(&format!("factor.{factor}"))), ("value", value)],
            ),
            InputError::BadAmount(v) => tf("error.bad_amount", &[("value", v)]),
            InputError::BadEmail(v) => tf("error.bad_email", &[("value", v)]),
            InputError::BadPhone(v) => tf("error.bad_phone", &[("value", v)]),
            InputError::BadTag(v) => tf("error.bad_tag", &[("value", v)]),
            InputError::BadListName(v) => tf("error.bad_list_name", &[("value", &escape_typed(v))]),
            InputError::NoSuchList(v) => tf("error.no_such_list", &[("value", &escape_typed(v))]),
            InputError::BadOutline { line, expected } => tf(
                "error.bad_outline",
                &[
                    ("line", line),
                    ("expected", &t(&format!("outline.expected.{expected}"))),
                ],
            ),
            InputError::NoPlan(v) => tf("error.no_plan", &[("value", &escape_typed(v))]),
            InputError::NoSuchTactic(v) => tf("error.no_such_tactic", &[("value", &escape_typed(v))]),
            InputError::BadCadence(v) => tf("error.bad_cadence", &[("value", v)]),
            InputError::BadId { what, value } => tf(
                "error.bad_id",
                &[("value", value), ("what", &t(&format!("error.what.{what}")))],
            ),
            InputError::UnknownField(v) => tf("error.unknown_field", &[("value", v)]),
            InputError::BadAssignment(v) => tf("error.bad_assignment", &[("value", v)]),
            InputError::NoSuchCustomer(v) => tf("error.no_such_customer", &[("value", v)]),
            InputError::AmbiguousCustomer {
                reference,
                count,
                candidates: c,
            } => tf(
                "error.ambiguous_customer",
                &[("value", reference), ("count", count), ("candidates", &candidates(c))],
            ),
            InputError::NoSuchFollowUp(v) => tf("error.no_such_follow_up", &[("value", v)]),
            InputError::AmbiguousFollowUp {
                reference,
                count,
                candidates: c,
            } => tf(
                "error.ambiguous_follow_up",
                &[("value", reference), ("count", count), ("candidates", &candidates(c))],
            ),
            InputError::BadProbability(v) => tf("error.bad_probability", &[("value", v)]),
            InputError::NoSuchDeal(v) => tf("error.no_such_deal", &[("value", v)]),
            InputError::AmbiguousDeal {
                reference,
                count,
                candidates: c,
            } => tf(
                "error.ambiguous_deal",
                &[("value", reference), ("count", count), ("candidates", &candidates(c))],
            ),
            InputError::NoSuchOrganization(v) => tf("error.no_such_org", &[("value", v)]),
            InputError::UnknownOrgKind(v) => tf("error.unknown_org_kind", &[("value", v)]),
            InputError::AmbiguousOrganization {
                reference,
                count,
                candidates: c,
            } => tf(
                "error.ambiguous_org",
                &[("value", reference), ("count", count), ("candidates", &candidates(c))],
            ),
            InputError::NoPreviousStage(name) => tf("error.no_previous_stage", &[("name", name)]),
            InputError::NoNextStage(name) => tf("error.no_next_stage", &[("name", name)]),
            InputError::NothingToUndo => t("error.nothing_to_undo").to_string(),
            InputError::NothingToRedo => t("error.nothing_to_redo").to_string(),
            InputError::UnknownFormat(v) => tf("error.unknown_format", &[("value", v)]),
            InputError::UnknownRegion(v) => tf("error.unknown_region", &[("value", v), ("known", &Region::known())]),
            InputError::CannotRead { path, reason } => tf("error.cannot_read", &[("path", path), ("reason", reason)]),
            InputError::TooLong { field, limit, length } => {
                let count = |n: &usize| number(i64::try_from(*n).unwrap_or(i64::MAX));
                tf(
                    "error.too_long",
                    &[
                        ("field", &t(field)),
                        ("limit", &count(limit)),
                        ("length", &count(length)),
                    ],
                )
            }
            InputError::Invalid(text) => text.clone(),
        };
        f.write_str(&text)
    }
}
