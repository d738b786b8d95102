//! Forms: a list of labelled fields filled into a draft (see
//! `domain::draft`), so the UI accepts and refuses exactly what the command
//! line does. A field that fails is marked with the reason; nothing is
//! saved until every field passes.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::input::LineInput;
use crate::domain::draft::{
    CustomerDraft, CustomerInput, FollowUpDraft, FollowUpInput, InteractionDraft, InteractionInput,
};
use crate::domain::{Channel, Customer, CustomerId, Level, PlanTarget, Stage, Tactic};
use crate::i18n::t;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    Customer(CustomerInput),
    Interaction(InteractionInput),
    FollowUp(FollowUpInput),
}

impl FieldId {
    /// The catalogue key of the field's label.
    pub fn label_key(self) -> String {
        match self {
            FieldId::Customer(i) => format!("field.customer.{}", i.key()),
            FieldId::Interaction(i) => format!("field.interaction.{}", i.key()),
            FieldId::FollowUp(FollowUpInput::What) => "field.follow_up.what".into(),
            FieldId::FollowUp(FollowUpInput::Due) => "field.follow_up.due".into(),
        }
    }

    /// Long texts are better written in an editor.
    pub fn is_long(self) -> bool {
        match self {
            FieldId::Customer(i) => i.is_long(),
            FieldId::Interaction(i) => i == InteractionInput::Body,
            FieldId::FollowUp(_) => false,
        }
    }
}

/// How a choice's values are shown: the catalogue key prefix for labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    pub values: Vec<String>,
    pub label_prefix: &'static str,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub id: FieldId,
    pub input: LineInput,
    /// A fixed set of values, cycled with ←/→ or space.
    pub choices: Option<Choices>,
    pub error: Option<String>,
}

impl Field {
    fn text(id: FieldId, value: &str) -> Field {
        Field {
            id,
            input: LineInput::new(value),
            choices: None,
            error: None,
        }
    }

    fn choice(id: FieldId, value: &str, values: Vec<String>, label_prefix: &'static str) -> Field {
        Field {
            choices: Some(Choices { values, label_prefix }),
            ..Field::text(id, value)
        }
    }

    /// What the field shows: for a choice, the label of its value.
    pub fn shown(&self) -> String {
        match &self.choices {
            // An empty choice has a label of its own where the catalogue
            // gives one (the channel's "call, or purchase with an amount").
            Some(c) => {
                let key = format!("{}.{}", c.label_prefix, self.input.text());
                match crate::i18n::lookup(&key) {
                    Some(label) => label.to_string(),
                    None => "-".to_string(),
                }
            }
            None => self.input.text().to_string(),
        }
    }

    fn cycle(&mut self, forward: bool) {
        let Some(c) = &self.choices else { return };
        let n = c.values.len();
        if n == 0 {
            return;
        }
        let now = c.values.iter().position(|v| v == self.input.text()).unwrap_or(0);
        let next = if forward { (now + 1) % n } else { (now + n - 1) % n };
        let value = c.values[next].clone();
        self.input.set(&value);
    }

    /// Jumps to the next choice whose label starts with `ch`.
    fn jump(&mut self, ch: char) {
        let Some(c) = &self.choices else { return };
        let wanted = crate::domain::text::fold(&ch.to_string());
        let now = c.values.iter().position(|v| v == self.input.text()).unwrap_or(0);
        let n = c.values.len();
        for step in 1..=n {
            let v = &c.values[(now + step) % n];
            let label = crate::domain::text::fold(t(&format!("{}.{}", c.label_prefix, v)));
            if label.starts_with(&wanted) || v.starts_with(&wanted) {
                let v = v.clone();
                self.input.set(&v);
                return;
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    NewCustomer,
    EditCustomer(Box<Customer>),
    Interaction {
        customer: CustomerId,
        name: String,
    },
    /// `then_stage`: a stage move to offer once the follow-up is saved
    /// (after logging an interaction).
    FollowUp {
        customer: CustomerId,
        name: String,
        then_stage: Option<Stage>,
    },
    /// A due date for a plan's tactic (`text`): a follow-up on the agenda.
    TacticDue {
        target: PlanTarget,
        tactic: Box<Tactic>,
    },
}

#[derive(Debug, Clone)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// First field shown, for forms taller than the screen.
    pub scroll: usize,
    /// What the fields held when the form opened: leaving a changed form
    /// asks first.
    pristine: Vec<String>,
    /// The user said yes to saving a date that looks like a mistake (an
    /// interaction after today, a follow-up before it).
    pub date_confirmed: bool,
}

fn keys_of<T: Copy>(all: &[T], key: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| key(*v).to_string()).collect()
}

impl Form {
    pub fn new_customer() -> Form {
        Form::customer(FormKind::NewCustomer, &CustomerDraft::new())
    }

    pub fn edit_customer(c: &Customer) -> Form {
        Form::customer(FormKind::EditCustomer(Box::new(c.clone())), &CustomerDraft::of(c))
    }

    fn customer(kind: FormKind, draft: &CustomerDraft) -> Form {
        let fields = CustomerInput::ALL
            .iter()
            .map(|&input| {
                let id = FieldId::Customer(input);
                let value = draft.get(input);
                match input {
                    CustomerInput::Stage => Field::choice(id, value, keys_of(&Stage::ALL, Stage::key), "stage"),
                    CustomerInput::Level => Field::choice(id, value, keys_of(&Level::ALL, Level::key), "level"),
                    _ => Field::text(id, value),
                }
            })
            .collect();
        Form::build(kind, fields)
    }

    pub fn interaction(customer: CustomerId, name: &str) -> Form {
        let fields = InteractionInput::ALL
            .iter()
            .map(|&input| {
                let id = FieldId::Interaction(input);
                match input {
                    // Left as it is, the channel is a call, or a purchase
                    // when an amount is given (as on the command line).
                    InteractionInput::Channel => {
                        let mut values = vec![String::new()];
                        values.extend(keys_of(&Channel::ALL, Channel::key));
                        Field::choice(id, "", values, "channel")
                    }
                    InteractionInput::Direction => {
                        Field::choice(id, "out", vec!["out".into(), "in".into()], "direction")
                    }
                    InteractionInput::Satisfaction => Field::choice(
                        id,
                        "",
                        ["", "1", "2", "3", "4", "5"].map(String::from).to_vec(),
                        "satisfaction",
                    ),
                    InteractionInput::At => Field::text(id, ""),
                    _ => Field::text(id, ""),
                }
            })
            .collect();
        Form::build(
            FormKind::Interaction {
                customer,
                name: name.to_string(),
            },
            fields,
        )
    }

    pub fn follow_up(customer: CustomerId, name: &str, due: NaiveDate, then_stage: Option<Stage>) -> Form {
        Form::build(
            FormKind::FollowUp {
                customer,
                name: name.to_string(),
                then_stage,
            },
            vec![
                Field::text(FieldId::FollowUp(FollowUpInput::What), ""),
                Field::text(
                    FieldId::FollowUp(FollowUpInput::Due),
                    &due.format("%Y-%m-%d").to_string(),
                ),
            ],
        )
    }

    /// One field, the day (blank: no due date).
    pub fn tactic_due(target: PlanTarget, tactic: &Tactic, due: NaiveDate) -> Form {
        Form::build(
            FormKind::TacticDue {
                target,
                tactic: Box::new(tactic.clone()),
            },
            vec![Field::text(
                FieldId::FollowUp(FollowUpInput::Due),
                &due.format("%Y-%m-%d").to_string(),
            )],
        )
    }

    /// The tactic form's day: `None` when left blank.
    pub fn tactic_due_value(&self, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
        let v = self.value(FieldId::FollowUp(FollowUpInput::Due)).trim();
        if v.is_empty() {
            return Ok(None);
        }
        crate::domain::dates::parse_date(v, today)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    fn build(kind: FormKind, fields: Vec<Field>) -> Form {
        let pristine = fields.iter().map(|f| f.input.text().to_string()).collect();
        Form {
            kind,
            fields,
            focus: 0,
            scroll: 0,
            pristine,
            date_confirmed: false,
        }
    }

    /// True when a field holds something other than what it opened with.
    pub fn is_changed(&self) -> bool {
        self.fields
            .iter()
            .zip(&self.pristine)
            .any(|(f, before)| f.input.text() != before)
    }

    /// The catalogue key of the form's title, and the name it is about.
    pub fn title(&self) -> (&'static str, String) {
        match &self.kind {
            FormKind::NewCustomer => ("form.new_customer", String::new()),
            FormKind::EditCustomer(c) => ("form.edit_customer", c.name.clone()),
            FormKind::Interaction { name, .. } => ("form.interaction", name.clone()),
            FormKind::FollowUp { name, .. } => ("form.follow_up", name.clone()),
            FormKind::TacticDue { tactic, .. } => ("form.tactic_due", tactic.text.clone()),
        }
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn next_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn prev_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    pub fn on_last_field(&self) -> bool {
        self.focus + 1 >= self.fields.len()
    }

    /// Gives a key to the focused field; false when the field has no use for it.
    pub fn edit(&mut self, key: &KeyEvent) -> bool {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        if field.choices.is_some() {
            let plain = !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            match key.code {
                KeyCode::Right => field.cycle(true),
                KeyCode::Char(' ') if plain => field.cycle(true),
                KeyCode::Left => field.cycle(false),
                KeyCode::Char(c) if plain => field.jump(c),
                _ => return false,
            }
            return true;
        }
        field.input.handle(key)
    }

    /// Replaces a field's text (after the editor returns). A long text
    /// (notes) keeps its line breaks, so paragraphs stay paragraphs; a
    /// one-line field takes the lines joined.
    pub fn set_text(&mut self, index: usize, text: &str) {
        if let Some(f) = self.fields.get_mut(index) {
            let text = text.replace("\r\n", "\n");
            if f.id.is_long() {
                f.input.set(text.trim_end());
            } else {
                f.input.set(text.replace(['\n', '\r'], " ").trim_end());
            }
        }
    }

    fn value(&self, id: FieldId) -> &str {
        self.fields
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.input.text())
            .unwrap_or("")
    }

    pub fn customer_draft(&self) -> CustomerDraft {
        let mut d = CustomerDraft::new();
        for input in CustomerInput::ALL {
            d.set(input, self.value(FieldId::Customer(input)));
        }
        d
    }

    pub fn interaction_draft(&self) -> InteractionDraft {
        let mut d = InteractionDraft::default();
        for input in InteractionInput::ALL {
            d.set(input, self.value(FieldId::Interaction(input)));
        }
        d
    }

    pub fn follow_up_draft(&self) -> FollowUpDraft {
        FollowUpDraft {
            what: self.value(FieldId::FollowUp(FollowUpInput::What)).to_string(),
            due: self.value(FieldId::FollowUp(FollowUpInput::Due)).to_string(),
        }
    }

    /// Marks the fields at fault (clearing the others) and moves to the first.
    pub fn show_errors(&mut self, errors: Vec<(FieldId, String)>) {
        for f in &mut self.fields {
            f.error = None;
        }
        let mut first = None;
        for (id, message) in errors {
            if let Some(i) = self.fields.iter().position(|f| f.id == id) {
                self.fields[i].error = Some(message);
                first = Some(first.map_or(i, |f: usize| f.min(i)));
            }
        }
        if let Some(i) = first {
            self.focus = i;
        }
    }

    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(form: &mut Form, code: KeyCode) -> bool {
        form.edit(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn name_is_the_first_customer_field_and_summary_the_first_interaction_field() {
        assert_eq!(
            Form::new_customer().fields[0].id,
            FieldId::Customer(CustomerInput::Name)
        );
        assert_eq!(
            Form::interaction(CustomerId(1), "x").fields[0].id,
            FieldId::Interaction(InteractionInput::Summary)
        );
    }

    #[test]
    fn channel_left_as_it_is_is_a_call_or_a_purchase_with_an_amount() {
        let mut f = Form::interaction(CustomerId(1), "x");
        f.focus = 1;
        assert_eq!(f.fields[1].input.text(), "");
        assert_eq!(f.fields[1].shown(), "Call (Purchase with an amount)");
        press(&mut f, KeyCode::Right);
        assert_eq!(f.fields[1].input.text(), "call");
        press(&mut f, KeyCode::Right);
        assert_eq!(f.fields[1].input.text(), "email");
        press(&mut f, KeyCode::Left);
        press(&mut f, KeyCode::Left);
        press(&mut f, KeyCode::Left);
        assert_eq!(f.fields[1].input.text(), "other");
        press(&mut f, KeyCode::Char('p'));
        assert_eq!(f.fields[1].input.text(), "purchase");

        let now = chrono::Utc::now();
        let mut f = Form::interaction(CustomerId(1), "x");
        f.set_text(0, "Ký hợp đồng");
        assert_eq!(
            f.interaction_draft().check(now, &chrono::Utc).unwrap().channel,
            Channel::Call
        );
        f.set_text(3, "1200000");
        assert_eq!(
            f.interaction_draft().check(now, &chrono::Utc).unwrap().channel,
            Channel::Purchase
        );
    }

    #[test]
    fn drafts_collect_the_fields() {
        let mut f = Form::new_customer();
        for c in "Đặng Thu Thảo".chars() {
            press(&mut f, KeyCode::Char(c));
        }
        let d = f.customer_draft();
        assert_eq!(d.get(CustomerInput::Name), "Đặng Thu Thảo");
        assert_eq!(d.get(CustomerInput::Stage), "attract");
    }

    #[test]
    fn errors_mark_fields_and_focus_the_first() {
        let mut f = Form::new_customer();
        f.focus = 5;
        f.show_errors(vec![
            (FieldId::Customer(CustomerInput::Emails), "bad".into()),
            (FieldId::Customer(CustomerInput::Name), "empty".into()),
        ]);
        assert_eq!(f.focus, 0);
        assert!(f.has_errors());
        f.show_errors(vec![]);
        assert!(!f.has_errors());
    }
}
