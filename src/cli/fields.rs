//! `guanxi edit --set FIELD=VALUE`: turning assignments into field writes.

use crate::domain::factors::parse_score;
use crate::domain::text::clean;
use crate::domain::{
    Customer, CustomerField, Factor, InputError, Level, SpinPart, Stage, cadence::MAX_CADENCE_DAYS, validate,
};

/// The names `--set` accepts, for help texts.
pub const FIELD_NAMES: &str = "name, company, title, emails, phones, address, tags, segment, source, owner, tier, \
     notes, stage, level, trust, satisfaction, value, communication, social_bond, situation, problem, implication, \
     need, cadence";

/// The changes an edit makes: field writes, and a stage move (which is
/// recorded in the stage history, so it is not a plain field).
#[derive(Debug, Default)]
pub struct Changes {
    pub fields: Vec<CustomerField>,
    pub stage: Option<Stage>,
}

pub fn parse_assignments(assignments: &[String], current: &Customer) -> Result<Changes, InputError> {
    let mut changes = Changes::default();
    for a in assignments {
        let (field, value) = a.split_once('=').ok_or_else(|| InputError::BadAssignment(a.clone()))?;
        let name = field.trim().to_lowercase().replace('-', "_");
        let text = clean(value);
        let write = match name.as_str() {
            "name" => CustomerField::Name(validate::name(value)?),
            "company" => CustomerField::Company(text),
            "title" => CustomerField::Title(text),
            "email" | "emails" => CustomerField::Emails(validate::list(value, validate::email)?),
            "phone" | "phones" => CustomerField::Phones(validate::list(value, validate::phone)?),
            "address" => CustomerField::Address(text),
            "tag" | "tags" => {
                let wanted = validate::list(value, validate::tag)?;
                for t in &current.tags {
                    if !wanted.contains(t) {
                        changes.fields.push(CustomerField::Tag(t.clone(), false));
                    }
                }
                for t in wanted {
                    if !current.tags.contains(&t) {
                        changes.fields.push(CustomerField::Tag(t, true));
                    }
                }
                continue;
            }
            "segment" => CustomerField::Segment(text),
            "source" => CustomerField::Source(text),
            "owner" => CustomerField::Owner(text),
            "tier" | "loyalty_tier" => CustomerField::LoyaltyTier(text),
            "notes" | "note" => CustomerField::Notes(text),
            "stage" => {
                changes.stage = Some(Stage::parse(value)?);
                continue;
            }
            "level" => CustomerField::Level(Level::parse(value)?),
            "situation" => CustomerField::Spin(SpinPart::Situation, text),
            "problem" => CustomerField::Spin(SpinPart::Problem, text),
            "implication" => CustomerField::Spin(SpinPart::Implication, text),
            "need" => CustomerField::Spin(SpinPart::Need, text),
            "cadence" => CustomerField::Cadence(parse_cadence(value)?),
            other => match Factor::parse(other) {
                Some(f) => CustomerField::Factor(f, parse_score(f, value)?),
                None => return Err(InputError::UnknownField(field.trim().to_string())),
            },
        };
        changes.fields.push(write);
    }
    Ok(changes)
}

/// Days between contacts, or `default` (or empty) for the stage's default.
pub fn parse_cadence(s: &str) -> Result<Option<u16>, InputError> {
    let t = s.trim().to_lowercase();
    if t.is_empty() || t == "default" {
        return Ok(None);
    }
    let days = t.strip_suffix('d').unwrap_or(&t);
    match days.parse::<u16>() {
        Ok(n) if (1..=MAX_CADENCE_DAYS).contains(&n) => Ok(Some(n)),
        _ => Err(InputError::BadCadence(s.trim().to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerId;

    fn parse(a: &[&str]) -> Result<Changes, InputError> {
        let mut c = Customer::empty(CustomerId(1));
        c.tags.insert("old".into());
        c.tags.insert("keep".into());
        parse_assignments(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>(), &c)
    }

    #[test]
    fn assignments_become_fields() {
        let ch = parse(&["company=Công ty Minh Phát", "trust=4", "stage=phát triển", "cadence=10"]).unwrap();
        assert_eq!(ch.stage, Some(Stage::Develop));
        assert!(ch.fields.contains(&CustomerField::Company("Công ty Minh Phát".into())));
        assert!(ch.fields.contains(&CustomerField::Factor(Factor::Trust, Some(4))));
        assert!(ch.fields.contains(&CustomerField::Cadence(Some(10))));
    }

    #[test]
    fn tags_are_diffed() {
        let ch = parse(&["tags=keep,new"]).unwrap();
        assert_eq!(
            ch.fields,
            vec![
                CustomerField::Tag("old".into(), false),
                CustomerField::Tag("new".into(), true)
            ]
        );
    }

    #[test]
    fn bad_assignments_are_refused() {
        assert!(matches!(parse(&["name="]), Err(InputError::EmptyName)));
        assert!(matches!(parse(&["colour=red"]), Err(InputError::UnknownField(_))));
        assert!(matches!(parse(&["trust=9"]), Err(InputError::BadFactor { .. })));
        assert!(matches!(parse(&["noequals"]), Err(InputError::BadAssignment(_))));
        assert!(matches!(parse(&["stage=done"]), Err(InputError::UnknownStage(_))));
        assert!(matches!(parse(&["emails=a@b.c,bad"]), Err(InputError::BadEmail(_))));
        assert!(parse_cadence("0").is_err());
        assert_eq!(parse_cadence("default").unwrap(), None);
        assert_eq!(parse_cadence("14d").unwrap(), Some(14));
    }
}
