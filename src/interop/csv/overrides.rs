//! `--map COLUMN=FIELD`: the user's say over what a column feeds.

use super::columns::{BASE_FIELDS, Column, guanxi_field, norm};
use super::{CsvError, Target};
use crate::domain::draft::CustomerInput;
use crate::domain::text::squash;

/// A `--map` FIELD: a target name, or a guanxi field name.
fn parse_target(field: &str) -> Option<Target> {
    let t = match field.trim().to_lowercase().replace('-', "_").as_str() {
        "name" | "full_name" => Target::Name,
        "given" | "first" | "first_name" | "given_name" => Target::Given,
        "middle" | "middle_name" => Target::Middle,
        "family" | "last" | "last_name" | "family_name" => Target::Family,
        "company" | "organization" => Target::Company,
        "title" | "job_title" => Target::Title,
        "email" | "emails" => Target::Email,
        "phone" | "phones" => Target::Phone,
        "address" => Target::Address,
        "notes" | "note" => Target::Notes,
        "tags" | "tag" => Target::Tags,
        "ignore" | "skip" | "none" => Target::Ignore,
        _ => return guanxi_field(field).map(Target::Field),
    };
    Some(t)
}

pub(super) fn apply_overrides(columns: &mut [Column], overrides: &[(String, String)]) -> Result<(), CsvError> {
    for (column, field) in overrides {
        let target = parse_target(field).ok_or_else(|| {
            let fields: Vec<&str> = CustomerInput::ALL
                .iter()
                .map(|i| i.key())
                .filter(|k| !BASE_FIELDS.contains(k))
                .collect();
            CsvError::BadMapping(crate::i18n::tf(
                "import.error.unknown_target",
                &[
                    ("column", &column),
                    ("field", &field.trim()),
                    ("fields", &fields.join(", ")),
                ],
            ))
        })?;
        let wanted = norm(column);
        let wanted_compact = squash(column);
        let mut exact: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| norm(&c.header) == wanted)
            .map(|(i, _)| i)
            .collect();
        if exact.is_empty() {
            exact = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| !wanted_compact.is_empty() && squash(&c.header) == wanted_compact)
                .map(|(i, _)| i)
                .collect();
        }
        if exact.is_empty() {
            let names: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
            return Err(CsvError::BadMapping(crate::i18n::tf(
                "import.error.unknown_column",
                &[
                    ("column", &column.trim()),
                    ("field", &field),
                    ("columns", &names.join(", ")),
                ],
            )));
        }
        for i in exact {
            let header = std::mem::take(&mut columns[i].header);
            columns[i] = Column::new(&header, target.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_targets_and_fields() {
        assert_eq!(parse_target("Stage"), Some(Target::Field("stage".into())));
        assert_eq!(parse_target("social-bond"), Some(Target::Field("social_bond".into())));
        assert_eq!(parse_target("emails"), Some(Target::Email));
        assert_eq!(parse_target("ignore"), Some(Target::Ignore));
        assert_eq!(parse_target("telefon"), None);
    }
}
