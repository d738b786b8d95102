//! A form as a layer: moving between fields, the editor, and saving a
//! customer, an interaction or a follow-up.

use chrono::Local;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Flow, Hint, Layer, Prompt, Then};
use crate::domain::draft::{CustomerInput, InteractionValues, follow_up_doubt};
use crate::domain::next_step::suggest_stage;
use crate::domain::{Customer, CustomerId, InputError, Stage};
use crate::i18n::{date, t, tf};
use crate::tui::action::Action;
use crate::tui::app::{App, EditorRequest, Tone};
use crate::tui::forms::{FieldId, Form, FormKind};
use crate::tui::input::LineInput;
use crate::tui::keymap::Mode;

/// A form's problems, field by field.
type Problems = Vec<(FieldId, String)>;

impl Layer for Form {
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Form]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        use Action::*;
        let mut h = [NextField, PrevField, Save, Cancel]
            .map(|a| Hint::of(Mode::Form, a))
            .to_vec();
        if self.focused().is_some_and(|field| field.id.is_long()) {
            h.push(Hint::of(Mode::Form, OpenEditor));
        }
        h
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        match action {
            Action::NextField => self.next_field(),
            Action::PrevField => self.prev_field(),
            Action::Submit if !self.on_last_field() => self.next_field(),
            Action::Submit | Action::Save => return save(self, app),
            // What was typed is not thrown away on one key.
            Action::Cancel if self.is_changed() => app.open(super::Prompt {
                question: t("prompt.discard").to_string(),
                then: super::Then::DiscardForm,
            }),
            Action::Cancel => return Flow::Close,
            Action::OpenEditor => match self.fields.get_mut(self.focus) {
                Some(field) if field.id.is_long() => {
                    app.editor = Some(EditorRequest {
                        field: self.focus,
                        text: field.input.text().to_string(),
                        plan: None,
                    });
                }
                // In a short field the key (Ctrl-E) is what it is in a
                // shell: the end of the line.
                Some(field) => field.input.to_end(),
                None => {}
            },
            _ => return Flow::Ignored,
        }
        Flow::Stay
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::form::draw(frame, area, app, self);
    }

    /// A text field's box; a field of choices has none (nothing to paste).
    fn text_box<'a>(&'a mut self, _app: &'a mut App) -> Option<&'a mut LineInput> {
        let focus = self.focus;
        self.fields
            .get_mut(focus)
            .filter(|f| f.choices.is_none())
            .map(|f| &mut f.input)
    }

    /// Typing in a field of choices picks one.
    fn type_key(&mut self, key: &KeyEvent, _app: &mut App) {
        self.edit(key);
    }
}

impl App {
    /// The editor returned: its text goes in the field it was opened for.
    pub fn editor_done(&mut self, request: EditorRequest, text: Option<String>) {
        if let Some(target) = &request.plan {
            return self.plan_edited(target, &request.text, text);
        }
        match text {
            Some(text) => {
                if let Some(form) = self.top_mut::<Form>() {
                    form.set_text(request.field, &text);
                }
            }
            None => self.say(Tone::Error, t("status.editor_failed")),
        }
    }
}

/// Saves what the form holds: it closes when saved and stays, marked,
/// when a field is wrong, or under a question when a date looks like a
/// mistake.
fn save(form: &mut Form, app: &mut App) -> Flow {
    let result = match &form.kind {
        FormKind::NewCustomer | FormKind::EditCustomer(_) => save_customer(form, app),
        FormKind::Interaction { customer, .. } => save_interaction(form, *customer, app),
        FormKind::FollowUp {
            customer, then_stage, ..
        } => save_follow_up(form, *customer, *then_stage, app),
        FormKind::TacticDue { target, tactic } => match form.tactic_due_value(app.today) {
            Ok(due) => {
                app.set_tactic_due(target, tactic, due);
                Ok(Saved::Yes)
            }
            Err(e) => Err(vec![(FieldId::FollowUp(crate::domain::draft::FollowUpInput::Due), e)]),
        },
    };
    match result {
        Ok(Saved::Yes) => Flow::Close,
        Ok(Saved::Asking) => Flow::Stay,
        Err(problems) => {
            form.show_errors(problems);
            app.say(Tone::Error, t("status.form_invalid"));
            Flow::Stay
        }
    }
}

/// What a save did, when nothing was wrong.
enum Saved {
    Yes,
    /// A date looks like a mistake: a question is open, the form stays.
    Asking,
}

/// Asks whether a date that is almost certainly a mistake is meant;
/// `Then::SaveAnyway` saves the form again, with the date confirmed.
fn ask_about(doubt: &InputError, app: &mut App) -> Saved {
    let question = match doubt {
        InputError::FutureInteraction { day } => tf("prompt.future_interaction", &[("day", &date(*day))]),
        InputError::PastFollowUp { day } => tf("prompt.past_follow_up", &[("day", &date(*day))]),
        other => other.to_string(),
    };
    app.open(Prompt {
        question,
        then: Then::SaveAnyway,
    });
    Saved::Asking
}

fn save_customer(form: &Form, app: &mut App) -> Result<Saved, Problems> {
    let draft = form.customer_draft();
    let base = match &form.kind {
        FormKind::EditCustomer(c) => c.as_ref().clone(),
        _ => Customer::empty(CustomerId(0)),
    };
    let after = draft
        .apply_to(&base)
        .map_err(|errors| problems(errors, FieldId::Customer))?;
    let result = match &form.kind {
        FormKind::EditCustomer(before) => app.store.update_customer(before, &after).map(|_| after.id),
        _ => {
            let mut new = after;
            new.id = app.store.new_customer_id();
            app.store.add_customer(new)
        }
    };
    let name = draft.get(CustomerInput::Name).trim().to_string();
    if let Some(id) = app.report(result, |_| tf("status.saved_customer", &[("name", &name)])) {
        app.select(id);
    }
    Ok(Saved::Yes)
}

fn save_interaction(form: &Form, customer: CustomerId, app: &mut App) -> Result<Saved, Problems> {
    let values: InteractionValues = form
        .interaction_draft()
        .check(app.store.clock().now(), &Local)
        .map_err(|errors| problems(errors, FieldId::Interaction))?;
    if !form.date_confirmed
        && let Some(doubt) = values.doubt(app.today, &Local)
    {
        return Ok(ask_about(&doubt, app));
    }
    let before = match app.store.live_customer(customer) {
        Ok(Some(rec)) => rec.customer,
        Ok(None) => return Ok(Saved::Yes),
        Err(e) => {
            app.fail(e);
            return Ok(Saved::Yes);
        }
    };
    let channel = values.channel;
    let logged = app.store.log_interaction(customer, values);
    if app
        .report(logged, |_| tf("status.logged", &[("name", &before.name)]))
        .is_some()
    {
        // Offer the next steps while the conversation is fresh.
        app.offer_next_steps(customer, suggest_stage(before.stage, channel));
    }
    Ok(Saved::Yes)
}

fn save_follow_up(
    form: &Form,
    customer: CustomerId,
    then_stage: Option<Stage>,
    app: &mut App,
) -> Result<Saved, Problems> {
    let (what, due) = form
        .follow_up_draft()
        .check(app.today)
        .map_err(|errors| problems(errors, FieldId::FollowUp))?;
    if !form.date_confirmed
        && let Some(doubt) = follow_up_doubt(due, app.today)
    {
        return Ok(ask_about(&doubt, app));
    }
    let scheduled = app.store.schedule_follow_up(customer, what.clone(), due);
    let said = tf("status.scheduled", &[("what", &what), ("due", &due.format("%Y-%m-%d"))]);
    if app.report(scheduled, |_| said).is_some()
        && let Some(to) = then_stage
    {
        app.offer_stage(customer, to);
    }
    Ok(Saved::Yes)
}

/// A draft's errors as the form's problems.
fn problems<I, E: std::fmt::Display>(errors: Vec<(I, E)>, field: impl Fn(I) -> FieldId) -> Problems {
    errors
        .into_iter()
        .map(|(input, e)| (field(input), e.to_string()))
        .collect()
}
