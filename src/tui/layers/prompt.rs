//! A yes/no question, and what answering it does.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Flow, Hint, Layer};
use crate::domain::{CustomerId, FollowUp, Stage};
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::forms::Form;
use crate::tui::keymap::Mode;

/// What answering "yes" does.
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    Delete(CustomerId),
    /// After logging: schedule the next follow-up, then maybe offer a stage.
    ScheduleNext {
        customer: CustomerId,
        then_stage: Option<Stage>,
    },
    MoveStage {
        customer: CustomerId,
        to: Stage,
    },
    /// After logging: tick off the follow-up the interaction answered,
    /// then ask `next`.
    CompleteAnswered {
        follow_up: Box<FollowUp>,
        next: Box<Then>,
    },
    /// Close the form under the question without saving it.
    DiscardForm,
    /// Merge duplicates into the first.
    Merge {
        keep: CustomerId,
        others: Vec<CustomerId>,
    },
    /// Save the form under the question with the date it questioned (an
    /// interaction after today, a follow-up before it); no leaves the form
    /// open to correct it.
    SaveAnyway,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub question: String,
    pub then: Then,
}

impl Layer for Prompt {
    fn modes(&self) -> &'static [Mode] {
        &[Mode::Prompt]
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        vec![Hint::of(Mode::Prompt, Action::Yes), Hint::of(Mode::Prompt, Action::No)]
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        match action {
            Action::Yes if self.then == Then::SaveAnyway => {
                if let Some(form) = app.top_mut::<Form>() {
                    form.date_confirmed = true;
                }
                return Flow::CloseThen(Action::Save);
            }
            Action::Yes => yes(self.then.clone(), app),
            // Declining the follow-up still leaves the stage question.
            Action::No => match &self.then {
                Then::ScheduleNext {
                    customer,
                    then_stage: Some(to),
                } => app.offer_stage(*customer, *to),
                Then::CompleteAnswered { next, .. } => app.ask((**next).clone()),
                _ => {}
            },
            _ => return Flow::Ignored,
        }
        Flow::Close
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::prompt::draw(frame, area, app, self);
    }
}

fn yes(then: Then, app: &mut App) {
    match then {
        Then::Delete(id) => {
            let deleted = app.store.delete_customer(id);
            app.report(deleted, |_| t("status.deleted").to_string());
        }
        Then::ScheduleNext { customer, then_stage } => {
            if let Ok(Some(rec)) = app.store.live_customer(customer) {
                let due = app.follow_up_due(&rec.customer);
                app.open(Form::follow_up(customer, &rec.customer.name, due, then_stage));
            }
        }
        Then::CompleteAnswered { follow_up, next } => {
            app.complete_follow_up(Some(*follow_up));
            app.ask(*next);
        }
        Then::DiscardForm => {
            if app.top::<Form>().is_some() {
                app.layers.pop();
            }
        }
        Then::Merge { keep, others } => {
            let merged = app.store.merge_customers(keep, &others);
            app.report(merged, |_| t("status.merged").to_string());
        }
        Then::MoveStage { customer, to } => {
            if let Ok(Some(rec)) = app.store.live_customer(customer) {
                app.move_stage(&rec.customer, to);
            }
        }
        // Answered in `handle`: it saves the form below.
        Then::SaveAnyway => {}
    }
}

impl App {
    /// After an interaction was logged with `customer`: offers to tick off
    /// the open follow-up it most likely answered (the earliest one due
    /// within the agenda's week), then to schedule the next one.
    pub(crate) fn offer_next_steps(&mut self, customer: CustomerId, then_stage: Option<Stage>) {
        let Ok(Some(rec)) = self.store.live_customer(customer) else {
            return;
        };
        let next = Then::ScheduleNext { customer, then_stage };
        let horizon = self.today + chrono::Days::new(crate::tui::app::AGENDA_DAYS);
        let answered = self.store.timeline(customer).ok().and_then(|t| {
            let (_, follow_ups, _) = t.into_items();
            follow_ups
                .into_iter()
                .filter(|f| f.is_open() && f.due_date() <= horizon)
                .min_by_key(|f| f.due)
        });
        match answered {
            Some(f) => {
                let due = crate::i18n::date(f.due_date());
                let when = crate::i18n::relative(f.due_date(), self.today);
                self.open(Prompt {
                    question: tf(
                        "prompt.complete_answered",
                        &[
                            ("name", &rec.customer.name),
                            ("what", &f.what),
                            ("due", &due),
                            ("when", &when),
                        ],
                    ),
                    then: Then::CompleteAnswered {
                        follow_up: Box::new(f),
                        next: Box::new(next),
                    },
                });
            }
            None => self.ask(next),
        }
    }

    /// Opens the question whose "yes" does `then`.
    pub(crate) fn ask(&mut self, then: Then) {
        match then {
            Then::ScheduleNext { customer, .. } => {
                let Ok(Some(rec)) = self.store.live_customer(customer) else {
                    return;
                };
                self.open(Prompt {
                    question: tf("prompt.schedule_next", &[("name", &rec.customer.name)]),
                    then,
                });
            }
            Then::MoveStage { customer, to } => self.offer_stage(customer, to),
            other => yes(other, self),
        }
    }

    /// Asks whether to move `customer` to `to`.
    pub(crate) fn offer_stage(&mut self, customer: CustomerId, to: Stage) {
        let Ok(Some(rec)) = self.store.live_customer(customer) else {
            return;
        };
        let from = t(&format!("stage.{}", rec.customer.stage.key()));
        let to_label = t(&format!("stage.{}", to.key()));
        self.open(Prompt {
            question: tf(
                "prompt.advance",
                &[("name", &rec.customer.name), ("from", &from), ("to", &to_label)],
            ),
            then: Then::MoveStage { customer, to },
        });
    }
}
