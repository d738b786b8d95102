//! Forms: moving between fields, the editor, and saving.

use chrono::Local;

use super::{App, EditorRequest, Layer, Prompt, Then, Tone};
use crate::domain::draft::{CustomerInput, InteractionValues};
use crate::domain::{Channel, Customer, CustomerId, Stage};
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::forms::{FieldId, Form, FormKind};

impl App {
    pub(super) fn form_action(&mut self, action: Action) {
        let Some(Layer::Form(form)) = self.layers.last_mut() else {
            return;
        };
        match action {
            Action::NextField => form.next_field(),
            Action::PrevField => form.prev_field(),
            Action::Cancel => {
                self.layers.pop();
            }
            Action::OpenEditor => {
                if let Some(field) = form.focused()
                    && field.id.is_long()
                {
                    self.editor = Some(EditorRequest {
                        field: form.focus,
                        text: field.input.text().to_string(),
                    });
                }
            }
            Action::Save => self.save_form(),
            _ => {}
        }
    }

    /// The editor returned: put its text in the field it was opened for.
    pub fn editor_done(&mut self, request: EditorRequest, text: Option<String>) {
        match text {
            Some(text) => {
                if let Some(Layer::Form(form)) = self.layers.last_mut() {
                    form.set_text(request.field, &text);
                }
            }
            None => self.say(Tone::Error, t("status.editor_failed")),
        }
    }

    fn save_form(&mut self) {
        let Some(Layer::Form(form)) = self.layers.last() else {
            return;
        };
        let form = form.as_ref().clone();
        let result = match &form.kind {
            FormKind::NewCustomer | FormKind::EditCustomer(_) => self.save_customer(&form),
            FormKind::Interaction { customer, .. } => self.save_interaction(&form, *customer),
            FormKind::FollowUp {
                customer, then_stage, ..
            } => self.save_follow_up(&form, *customer, *then_stage),
        };
        match result {
            Ok(()) => {}
            Err(errors) => {
                if let Some(Layer::Form(open)) = self.layers.last_mut() {
                    open.show_errors(errors);
                }
                self.say(Tone::Error, t("status.form_invalid"));
            }
        }
    }

    /// Closes the form that was saved.
    fn close_form(&mut self) {
        if matches!(self.layers.last(), Some(Layer::Form(_))) {
            self.layers.pop();
        }
    }

    fn save_customer(&mut self, form: &Form) -> Result<(), Vec<(FieldId, String)>> {
        let draft = form.customer_draft();
        let base = match &form.kind {
            FormKind::EditCustomer(c) => c.as_ref().clone(),
            _ => Customer::empty(CustomerId(0)),
        };
        let after = draft.apply_to(&base).map_err(|errors| {
            errors
                .into_iter()
                .map(|(input, e)| (FieldId::Customer(input), e.to_string()))
                .collect::<Vec<_>>()
        })?;
        self.close_form();
        let result = match &form.kind {
            FormKind::EditCustomer(before) => self.store.update_customer(before, &after).map(|_| after.id),
            _ => {
                let mut new = after;
                new.id = self.store.new_customer_id();
                self.store.add_customer(new)
            }
        };
        match result {
            Ok(id) => {
                self.refresh();
                self.select(id);
                let name = draft.get(CustomerInput::Name).trim().to_string();
                self.say(Tone::Success, tf("status.saved_customer", &[("name", &name)]));
            }
            Err(e) => self.fail(e),
        }
        Ok(())
    }

    fn save_interaction(&mut self, form: &Form, customer: CustomerId) -> Result<(), Vec<(FieldId, String)>> {
        let values: InteractionValues = form
            .interaction_draft()
            .check(self.store.clock().now(), &Local)
            .map_err(|errors| {
                errors
                    .into_iter()
                    .map(|(input, e)| (FieldId::Interaction(input), e.to_string()))
                    .collect::<Vec<_>>()
            })?;
        self.close_form();
        let before = match self.store.live_customer(customer) {
            Ok(Some(rec)) => rec.customer,
            Ok(None) => return Ok(()),
            Err(e) => {
                self.fail(e);
                return Ok(());
            }
        };
        let channel = values.channel;
        match self.store.log_interaction(customer, values) {
            Ok(_) => {
                self.refresh();
                self.say(Tone::Success, tf("status.logged", &[("name", &before.name)]));
                // Offer the next step while the conversation is fresh.
                self.layers.push(Layer::Prompt(Prompt {
                    question: tf("prompt.schedule_next", &[("name", &before.name)]),
                    then: Then::ScheduleNext {
                        customer,
                        then_stage: suggest_stage(before.stage, channel),
                    },
                }));
            }
            Err(e) => self.fail(e),
        }
        Ok(())
    }

    fn save_follow_up(
        &mut self,
        form: &Form,
        customer: CustomerId,
        then_stage: Option<Stage>,
    ) -> Result<(), Vec<(FieldId, String)>> {
        let (what, due) = form.follow_up_draft().check(self.today).map_err(|errors| {
            errors
                .into_iter()
                .map(|(input, e)| (FieldId::FollowUp(input), e.to_string()))
                .collect::<Vec<_>>()
        })?;
        self.close_form();
        match self.store.schedule_follow_up(customer, what.clone(), due) {
            Ok(_) => {
                self.refresh();
                self.say(
                    Tone::Success,
                    tf("status.scheduled", &[("what", &what), ("due", &due.format("%Y-%m-%d"))]),
                );
                if let Some(to) = then_stage {
                    self.offer_stage(customer, to);
                }
            }
            Err(e) => self.fail(e),
        }
        Ok(())
    }

    /// Puts the cursor on `id` in whatever pane is showing.
    fn select(&mut self, id: CustomerId) {
        self.current = Some(id);
        if let Some(i) = self.visible.iter().position(|v| *v == id) {
            self.table_cursor = i;
        }
        if let Some(r) = self.roster.get(id) {
            let col = r.stage.index();
            if let Some(i) = self.board[col].iter().position(|v| *v == id) {
                self.board_rows[col] = i;
            }
        }
        self.reload_log();
    }
}

/// Where logging an interaction suggests moving a relationship: a first
/// contact establishes a lead; a purchase takes an early relationship to
/// the next stage. Otherwise nothing is suggested.
pub fn suggest_stage(stage: Stage, channel: Channel) -> Option<Stage> {
    match (stage, channel) {
        (Stage::Attract, _) => Some(Stage::Establish),
        (Stage::Establish | Stage::Build, Channel::Purchase) => stage.next(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_fit_the_stage() {
        assert_eq!(suggest_stage(Stage::Attract, Channel::Call), Some(Stage::Establish));
        assert_eq!(suggest_stage(Stage::Build, Channel::Purchase), Some(Stage::Develop));
        assert_eq!(suggest_stage(Stage::Build, Channel::Call), None);
        assert_eq!(suggest_stage(Stage::Loyalty, Channel::Purchase), None);
    }
}
