//! Drafts: what a user typed, as text, before it is checked. The command
//! line and the forms of the terminal UI fill the same drafts, so both
//! accept and refuse exactly the same input, and a refusal names the field
//! it is about.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::customer::{Customer, SpinPart};
use super::dates::{parse_date, parse_datetime};
use super::error::InputError;
use super::factors::{Factor, parse_score};
use super::interaction::parse_satisfaction;
use super::text::{clean, clean_nonempty};
use super::validate::{self, Size};
use super::{Channel, Direction, Level, Money, Stage, cadence::MAX_CADENCE_DAYS};

/// The fields of a customer draft, in form order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CustomerInput {
    Name,
    Company,
    Title,
    Emails,
    Phones,
    Tags,
    Stage,
    Level,
    Segment,
    Source,
    Owner,
    Tier,
    Address,
    Cadence,
    Factor(Factor),
    Spin(SpinPart),
    Notes,
}

impl CustomerInput {
    pub const ALL: [CustomerInput; 24] = [
        CustomerInput::Name,
        CustomerInput::Company,
        CustomerInput::Title,
        CustomerInput::Emails,
        CustomerInput::Phones,
        CustomerInput::Tags,
        CustomerInput::Stage,
        CustomerInput::Level,
        CustomerInput::Segment,
        CustomerInput::Source,
        CustomerInput::Owner,
        CustomerInput::Tier,
        CustomerInput::Address,
        CustomerInput::Cadence,
        CustomerInput::Factor(Factor::Trust),
        CustomerInput::Factor(Factor::Satisfaction),
        CustomerInput::Factor(Factor::Value),
        CustomerInput::Factor(Factor::Communication),
        CustomerInput::Factor(Factor::SocialBond),
        CustomerInput::Spin(SpinPart::Situation),
        CustomerInput::Spin(SpinPart::Problem),
        CustomerInput::Spin(SpinPart::Implication),
        CustomerInput::Spin(SpinPart::Need),
        CustomerInput::Notes,
    ];

    /// The name `edit --set` and the catalogue use for the field.
    pub fn key(self) -> &'static str {
        match self {
            CustomerInput::Name => "name",
            CustomerInput::Company => "company",
            CustomerInput::Title => "title",
            CustomerInput::Emails => "emails",
            CustomerInput::Phones => "phones",
            CustomerInput::Tags => "tags",
            CustomerInput::Stage => "stage",
            CustomerInput::Level => "level",
            CustomerInput::Segment => "segment",
            CustomerInput::Source => "source",
            CustomerInput::Owner => "owner",
            CustomerInput::Tier => "tier",
            CustomerInput::Address => "address",
            CustomerInput::Cadence => "cadence",
            CustomerInput::Factor(f) => f.key(),
            CustomerInput::Spin(p) => p.key(),
            CustomerInput::Notes => "notes",
        }
    }

    /// The field a user names (`edit --set NAME=...`), with common aliases.
    pub fn parse(name: &str) -> Option<CustomerInput> {
        let n = name.trim().to_lowercase().replace('-', "_");
        let field = match n.as_str() {
            "name" => CustomerInput::Name,
            "company" => CustomerInput::Company,
            "title" => CustomerInput::Title,
            "email" | "emails" => CustomerInput::Emails,
            "phone" | "phones" => CustomerInput::Phones,
            "tag" | "tags" => CustomerInput::Tags,
            "stage" => CustomerInput::Stage,
            "level" => CustomerInput::Level,
            "segment" => CustomerInput::Segment,
            "source" => CustomerInput::Source,
            "owner" => CustomerInput::Owner,
            "tier" | "loyalty_tier" => CustomerInput::Tier,
            "address" => CustomerInput::Address,
            "cadence" => CustomerInput::Cadence,
            "notes" | "note" => CustomerInput::Notes,
            "situation" => CustomerInput::Spin(SpinPart::Situation),
            "problem" => CustomerInput::Spin(SpinPart::Problem),
            "implication" => CustomerInput::Spin(SpinPart::Implication),
            "need" => CustomerInput::Spin(SpinPart::Need),
            other => CustomerInput::Factor(Factor::parse(other)?),
        };
        Some(field)
    }

    /// Fields whose text is long enough to want an editor.
    pub fn is_long(self) -> bool {
        matches!(self, CustomerInput::Notes | CustomerInput::Spin(_))
    }

    /// How much text the field may hold (`None`: a choice or a number,
    /// checked by its parser).
    pub fn size(self) -> Option<Size> {
        match self {
            CustomerInput::Name
            | CustomerInput::Company
            | CustomerInput::Title
            | CustomerInput::Segment
            | CustomerInput::Source
            | CustomerInput::Owner
            | CustomerInput::Tier
            | CustomerInput::Address => Some(Size::Line),
            CustomerInput::Emails | CustomerInput::Phones | CustomerInput::Tags => Some(Size::List),
            CustomerInput::Notes | CustomerInput::Spin(_) => Some(Size::Text),
            CustomerInput::Stage | CustomerInput::Level | CustomerInput::Cadence | CustomerInput::Factor(_) => None,
        }
    }
}

/// A customer as text, one string per [`CustomerInput`]. Lists (emails,
/// phones, tags) are comma-separated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerDraft {
    values: Vec<(CustomerInput, String)>,
}

impl CustomerDraft {
    /// A blank draft, with the defaults a new customer starts from.
    pub fn new() -> CustomerDraft {
        let mut d = CustomerDraft::default();
        d.set(CustomerInput::Stage, Stage::Attract.key());
        d.set(CustomerInput::Level, super::Level::Basic.key());
        d
    }

    /// The draft that shows `c` as it is.
    pub fn of(c: &Customer) -> CustomerDraft {
        let mut d = CustomerDraft::default();
        for input in CustomerInput::ALL {
            let value = match input {
                CustomerInput::Name => c.name.clone(),
                CustomerInput::Company => c.company.clone(),
                CustomerInput::Title => c.title.clone(),
                CustomerInput::Emails => c.emails.join(", "),
                CustomerInput::Phones => c.phones.join(", "),
                CustomerInput::Tags => c.tags.iter().cloned().collect::<Vec<_>>().join(", "),
                CustomerInput::Stage => c.stage.key().to_string(),
                CustomerInput::Level => c.level.key().to_string(),
                CustomerInput::Segment => c.segment.clone(),
                CustomerInput::Source => c.source.clone(),
                CustomerInput::Owner => c.owner.clone(),
                CustomerInput::Tier => c.loyalty_tier.clone(),
                CustomerInput::Address => c.address.clone(),
                CustomerInput::Cadence => c.cadence_days.map(|d| d.to_string()).unwrap_or_default(),
                CustomerInput::Factor(f) => c.factors.get(f).map(|s| s.to_string()).unwrap_or_default(),
                CustomerInput::Spin(p) => c.spin.get(p).to_string(),
                CustomerInput::Notes => c.notes.clone(),
            };
            d.set(input, &value);
        }
        d
    }

    pub fn get(&self, input: CustomerInput) -> &str {
        self.values
            .iter()
            .find(|(i, _)| *i == input)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn set(&mut self, input: CustomerInput, value: &str) {
        match self.values.iter_mut().find(|(i, _)| *i == input) {
            Some(slot) => slot.1 = value.to_string(),
            None => self.values.push((input, value.to_string())),
        }
    }

    /// `base` with this draft's values, or every field that is wrong.
    pub fn apply_to(&self, base: &Customer) -> Result<Customer, Vec<(CustomerInput, InputError)>> {
        let mut c = base.clone();
        let mut errors = Vec::new();
        let mut check = |input: CustomerInput, r: Result<(), InputError>| {
            if let Err(e) = r {
                errors.push((input, e));
            }
        };
        // Drawn up only when a value is long enough to be over a limit.
        let mut before: Option<CustomerDraft> = None;
        for input in CustomerInput::ALL {
            let raw = self.get(input);
            if let Some(size) = input.size()
                && raw.len() > validate::LINE_LIMIT
            {
                // A value that came over a limit from elsewhere (a teammate's
                // older guanxi) is left as it is, not a reason to refuse an
                // edit of another field.
                let unchanged = clean(before.get_or_insert_with(|| CustomerDraft::of(base)).get(input)) == clean(raw);
                if !unchanged && let Err(e) = size.check(&format!("field.customer.{}", input.key()), raw.trim()) {
                    check(input, Err(e));
                    continue;
                }
            }
            let text = clean(raw);
            let result = (|| -> Result<(), InputError> {
                match input {
                    CustomerInput::Name => c.name = validate::name(raw)?,
                    CustomerInput::Company => c.company = text,
                    CustomerInput::Title => c.title = text,
                    CustomerInput::Emails => c.emails = validate::list(raw, validate::email)?,
                    CustomerInput::Phones => c.phones = validate::list(raw, validate::phone)?,
                    CustomerInput::Tags => c.tags = validate::list(raw, validate::tag)?.into_iter().collect(),
                    CustomerInput::Stage => c.stage = Stage::parse(raw)?,
                    CustomerInput::Level => c.level = Level::parse(raw)?,
                    CustomerInput::Segment => c.segment = text,
                    CustomerInput::Source => c.source = text,
                    CustomerInput::Owner => c.owner = text,
                    CustomerInput::Tier => c.loyalty_tier = text,
                    CustomerInput::Address => c.address = text,
                    CustomerInput::Cadence => c.cadence_days = parse_cadence(raw)?,
                    CustomerInput::Factor(f) => c.factors.set(f, parse_score(f, raw)?),
                    CustomerInput::Spin(p) => c.spin.set(p, text),
                    CustomerInput::Notes => c.notes = text,
                }
                Ok(())
            })();
            check(input, result);
        }
        if errors.is_empty() { Ok(c) } else { Err(errors) }
    }
}

/// Days between contacts, or `default` (or nothing) for the stage's default.
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

/// The fields of an interaction draft, in form order: summary first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InteractionInput {
    Summary,
    Channel,
    At,
    Amount,
    Satisfaction,
    Outcome,
    Direction,
    Body,
}

impl InteractionInput {
    pub const ALL: [InteractionInput; 8] = [
        InteractionInput::Summary,
        InteractionInput::Channel,
        InteractionInput::At,
        InteractionInput::Amount,
        InteractionInput::Satisfaction,
        InteractionInput::Outcome,
        InteractionInput::Direction,
        InteractionInput::Body,
    ];

    pub fn key(self) -> &'static str {
        match self {
            InteractionInput::Summary => "summary",
            InteractionInput::Channel => "channel",
            InteractionInput::At => "at",
            InteractionInput::Amount => "amount",
            InteractionInput::Satisfaction => "satisfaction",
            InteractionInput::Outcome => "outcome",
            InteractionInput::Direction => "direction",
            InteractionInput::Body => "body",
        }
    }
}

/// An interaction as typed. Empty channel means call (or purchase when an
/// amount is given); empty time means now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InteractionDraft {
    pub summary: String,
    pub channel: String,
    pub at: String,
    pub amount: String,
    pub satisfaction: String,
    pub outcome: String,
    pub direction: String,
    pub body: String,
}

/// A checked interaction, ready to be logged.
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionValues {
    pub summary: String,
    pub channel: Channel,
    pub at: DateTime<Utc>,
    pub amount: Option<Money>,
    pub satisfaction: Option<u8>,
    pub outcome: String,
    pub direction: Direction,
    pub body: String,
}

impl InteractionDraft {
    pub fn get(&self, input: InteractionInput) -> &str {
        match input {
            InteractionInput::Summary => &self.summary,
            InteractionInput::Channel => &self.channel,
            InteractionInput::At => &self.at,
            InteractionInput::Amount => &self.amount,
            InteractionInput::Satisfaction => &self.satisfaction,
            InteractionInput::Outcome => &self.outcome,
            InteractionInput::Direction => &self.direction,
            InteractionInput::Body => &self.body,
        }
    }

    pub fn set(&mut self, input: InteractionInput, value: &str) {
        let slot = match input {
            InteractionInput::Summary => &mut self.summary,
            InteractionInput::Channel => &mut self.channel,
            InteractionInput::At => &mut self.at,
            InteractionInput::Amount => &mut self.amount,
            InteractionInput::Satisfaction => &mut self.satisfaction,
            InteractionInput::Outcome => &mut self.outcome,
            InteractionInput::Direction => &mut self.direction,
            InteractionInput::Body => &mut self.body,
        };
        *slot = value.to_string();
    }

    pub fn check<Tz: TimeZone>(
        &self,
        now: DateTime<Utc>,
        zone: &Tz,
    ) -> Result<InteractionValues, Vec<(InteractionInput, InputError)>> {
        let mut errors = Vec::new();
        let mut keep = |input, e| errors.push((input, e));
        for input in [
            InteractionInput::Summary,
            InteractionInput::Outcome,
            InteractionInput::Body,
        ] {
            if let Err(e) = Size::Text.check(&format!("field.interaction.{}", input.key()), self.get(input).trim()) {
                keep(input, e);
            }
        }
        let summary = clean_nonempty(&self.summary);
        if summary.is_none() {
            keep(InteractionInput::Summary, InputError::Empty { field: "summary" });
        }
        let blank = |s: &str| s.trim().is_empty();
        let amount = if blank(&self.amount) {
            None
        } else {
            Money::parse(&self.amount)
                .map_err(|e| keep(InteractionInput::Amount, e))
                .ok()
        };
        let channel = if blank(&self.channel) {
            Some(if amount.is_some() {
                Channel::Purchase
            } else {
                Channel::Call
            })
        } else {
            Channel::parse(&self.channel)
                .map_err(|e| keep(InteractionInput::Channel, e))
                .ok()
        };
        let at = if blank(&self.at) {
            Some(now)
        } else {
            parse_datetime(&self.at, now, zone)
                .map_err(|e| keep(InteractionInput::At, e))
                .ok()
        };
        let satisfaction = if blank(&self.satisfaction) || self.satisfaction.trim() == "-" {
            Some(None)
        } else {
            parse_satisfaction(&self.satisfaction)
                .map(Some)
                .map_err(|e| keep(InteractionInput::Satisfaction, e))
                .ok()
        };
        let direction = if blank(&self.direction) {
            Some(Direction::Outbound)
        } else {
            Direction::parse(&self.direction)
                .map_err(|e| keep(InteractionInput::Direction, e))
                .ok()
        };
        match (summary, channel, at, satisfaction, direction) {
            (Some(summary), Some(channel), Some(at), Some(satisfaction), Some(direction)) if errors.is_empty() => {
                Ok(InteractionValues {
                    summary,
                    channel,
                    at,
                    amount,
                    satisfaction,
                    outcome: clean(&self.outcome),
                    direction,
                    body: clean(&self.body),
                })
            }
            _ => Err(errors),
        }
    }
}

/// A follow-up as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FollowUpDraft {
    pub what: String,
    pub due: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FollowUpInput {
    What,
    Due,
}

impl InteractionValues {
    /// Whether the date is almost certainly a mistake: after `today` in
    /// `zone` (a meeting cannot have happened tomorrow). Asked about, or
    /// needs `--force`, rather than refused: clocks and zones do differ.
    pub fn doubt<Tz: TimeZone>(&self, today: NaiveDate, zone: &Tz) -> Option<InputError> {
        let day = self.at.with_timezone(zone).date_naive();
        (day > today).then_some(InputError::FutureInteraction { day })
    }
}

/// Whether a follow-up's due day is almost certainly a mistake: before
/// `today` (a promise made for yesterday is late the moment it is made).
pub fn follow_up_doubt(due: NaiveDate, today: NaiveDate) -> Option<InputError> {
    (due < today).then_some(InputError::PastFollowUp { day: due })
}

impl FollowUpDraft {
    pub fn check(&self, today: NaiveDate) -> Result<(String, NaiveDate), Vec<(FollowUpInput, InputError)>> {
        let mut errors = Vec::new();
        if let Err(e) = Size::Text.check("field.follow_up.what", self.what.trim()) {
            errors.push((FollowUpInput::What, e));
        }
        let what = clean_nonempty(&self.what);
        if what.is_none() {
            errors.push((FollowUpInput::What, InputError::Empty { field: "what" }));
        }
        let due = parse_date(&self.due, today)
            .map_err(|e| errors.push((FollowUpInput::Due, e)))
            .ok();
        match (what, due) {
            (Some(w), Some(d)) if errors.is_empty() => Ok((w, d)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerId;
    use chrono::FixedOffset;

    #[test]
    fn dates_that_are_almost_certainly_mistakes_are_doubted() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let hanoi = FixedOffset::east_opt(7 * 3600).unwrap();
        let today = now.with_timezone(&hanoi).date_naive();
        let logged = |at: &str| {
            InteractionDraft {
                summary: "Gọi điện".into(),
                at: at.into(),
                ..Default::default()
            }
            .check(now, &hanoi)
            .unwrap()
        };
        // Later today is fine; tomorrow is not.
        assert_eq!(logged("2026-11-22 23:00").doubt(today, &hanoi), None);
        assert_eq!(logged("yesterday").doubt(today, &hanoi), None);
        let tomorrow = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            logged("2026-11-23 09:00").doubt(today, &hanoi),
            Some(InputError::FutureInteraction { day: tomorrow })
        );
        assert_eq!(follow_up_doubt(today, today), None);
        assert_eq!(follow_up_doubt(tomorrow, today), None);
        let yesterday = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(
            follow_up_doubt(yesterday, today),
            Some(InputError::PastFollowUp { day: yesterday })
        );
    }

    #[test]
    fn a_customer_round_trips_through_its_draft() {
        let mut c = Customer::empty(CustomerId(3));
        c.name = "Lâm Thị Mỹ Dung".into();
        c.emails = vec!["dung@example.vn".into(), "d@x.vn".into()];
        c.tags.insert("vip".into());
        c.factors.set(Factor::Trust, Some(4));
        c.cadence_days = Some(10);
        c.stage = Stage::Maintain;
        let draft = CustomerDraft::of(&c);
        assert_eq!(draft.apply_to(&Customer::empty(CustomerId(3))).unwrap(), c);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut d = CustomerDraft::new();
        d.set(CustomerInput::Name, "  ");
        d.set(CustomerInput::Emails, "ok@x.vn, nope");
        d.set(CustomerInput::Factor(Factor::Trust), "9");
        d.set(CustomerInput::Stage, "winning");
        let errors = d.apply_to(&Customer::empty(CustomerId(1))).unwrap_err();
        let fields: Vec<CustomerInput> = errors.iter().map(|e| e.0).collect();
        assert_eq!(
            fields,
            [
                CustomerInput::Name,
                CustomerInput::Emails,
                CustomerInput::Stage,
                CustomerInput::Factor(Factor::Trust)
            ]
        );
    }

    #[test]
    fn oversized_fields_are_refused_by_name() {
        let mut d = CustomerDraft::new();
        d.set(CustomerInput::Name, "Lan");
        d.set(CustomerInput::Notes, &"chú".repeat(50_000));
        d.set(CustomerInput::Company, &"C".repeat(validate::LINE_LIMIT + 1));
        let errors = d.apply_to(&Customer::empty(CustomerId(1))).unwrap_err();
        let fields: Vec<CustomerInput> = errors.iter().map(|e| e.0).collect();
        assert_eq!(fields, [CustomerInput::Company, CustomerInput::Notes]);
        assert!(
            matches!(&errors[1].1, InputError::TooLong { field, limit: 100_000, length: 150_000 } if field == "field.customer.notes")
        );
    }

    #[test]
    fn a_value_already_over_a_limit_does_not_block_other_edits() {
        let mut c = Customer::empty(CustomerId(1));
        c.name = "Lan".into();
        c.notes = "n".repeat(validate::TEXT_LIMIT + 5);
        let mut d = CustomerDraft::of(&c);
        d.set(CustomerInput::Company, "Minh Phát");
        assert_eq!(d.apply_to(&c).unwrap().company, "Minh Phát");
        d.set(CustomerInput::Notes, &"m".repeat(validate::TEXT_LIMIT + 5));
        assert!(d.apply_to(&c).is_err());
    }

    #[test]
    fn oversized_interactions_and_follow_ups_are_refused() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let zone = FixedOffset::east_opt(0).unwrap();
        let d = InteractionDraft {
            summary: "Gọi".into(),
            body: "b".repeat(validate::TEXT_LIMIT + 1),
            ..Default::default()
        };
        let fields: Vec<InteractionInput> = d.check(now, &zone).unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(fields, [InteractionInput::Body]);
        let f = FollowUpDraft {
            what: "w".repeat(validate::TEXT_LIMIT + 1),
            due: "today".into(),
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert!(matches!(f.check(today).unwrap_err()[0].1, InputError::TooLong { .. }));
    }

    #[test]
    fn field_names_parse() {
        assert_eq!(CustomerInput::parse("loyalty-tier"), Some(CustomerInput::Tier));
        assert_eq!(
            CustomerInput::parse("bond"),
            Some(CustomerInput::Factor(Factor::SocialBond))
        );
        assert_eq!(CustomerInput::parse("need"), Some(CustomerInput::Spin(SpinPart::Need)));
        assert_eq!(CustomerInput::parse("colour"), None);
        for input in CustomerInput::ALL {
            assert_eq!(CustomerInput::parse(input.key()), Some(input));
        }
    }

    #[test]
    fn interaction_defaults_and_errors() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let zone = FixedOffset::east_opt(0).unwrap();
        let mut d = InteractionDraft {
            summary: "Gọi điện".into(),
            ..Default::default()
        };
        let v = d.check(now, &zone).unwrap();
        assert_eq!((v.channel, v.at, v.amount), (Channel::Call, now, None));
        d.amount = "250".into();
        assert_eq!(d.check(now, &zone).unwrap().channel, Channel::Purchase);
        let bad = InteractionDraft {
            summary: " ".into(),
            satisfaction: "7".into(),
            at: "soon".into(),
            ..Default::default()
        };
        let fields: Vec<InteractionInput> = bad.check(now, &zone).unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(
            fields,
            [
                InteractionInput::Summary,
                InteractionInput::At,
                InteractionInput::Satisfaction
            ]
        );
    }

    #[test]
    fn follow_up_checks() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let ok = FollowUpDraft {
            what: "Gửi báo giá".into(),
            due: "+2d".into(),
        };
        assert_eq!(
            ok.check(today).unwrap().1,
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
        let bad = FollowUpDraft::default();
        assert_eq!(bad.check(today).unwrap_err().len(), 2);
    }
}
