//! A customer's account plan from the UI: its outline written in
//! `$EDITOR` (a mistake names its line, nothing is saved), a tactic ticked
//! off, a tactic given a due date.

use chrono::NaiveDate;

use super::{App, EditorRequest, Tone};
use crate::domain::{CustomerId, PlanTarget, Tactic, outline};
use crate::i18n::{date, t, tf, tn};

impl App {
    /// Opens the editor on the customer's plan (a template when it has none).
    pub(crate) fn edit_plan(&mut self, customer: CustomerId, name: &str) {
        let target = PlanTarget::Customer(customer);
        match self.store.plan(&target) {
            Ok(plan) => {
                let text = match plan {
                    Some(p) => outline::print(&p),
                    None => outline::template(&tf("cli.plan.template", &[("name", &name)])),
                };
                self.editor = Some(EditorRequest {
                    field: 0,
                    text,
                    plan: Some(target),
                });
            }
            Err(e) => self.fail(e),
        }
    }

    /// The editor returned with the plan's outline (`None`: it failed).
    pub(crate) fn plan_edited(&mut self, target: &PlanTarget, before: &str, text: Option<String>) {
        let Some(text) = text else {
            return self.say(Tone::Error, t("cli.plan.editor_failed"));
        };
        if text == before {
            return self.say(Tone::Info, t("cli.plan.unchanged"));
        }
        match outline::parse(&text) {
            // Where and what, as a form marks a field: nothing is saved.
            Err(e) => self.say(Tone::Error, e.to_string()),
            Ok(plan) => {
                let saved = self.store.set_plan(target, plan);
                self.report(saved, |ids| {
                    tn("status.plan_saved", ids.len(), &[("count", &ids.len())])
                });
            }
        }
    }

    /// Ticks a tactic off, or reopens a done one.
    pub(crate) fn toggle_tactic(&mut self, target: &PlanTarget, tactic: &Tactic) {
        let done = !tactic.done;
        let changed = self.store.set_tactic_done(target, tactic.id, done);
        let key = if done { "status.done" } else { "status.tactic_reopened" };
        self.report(changed, |_| tf(key, &[("what", &tactic.text)]));
    }

    /// Gives a tactic a due date (a follow-up on the agenda), or none.
    pub(crate) fn set_tactic_due(&mut self, target: &PlanTarget, tactic: &Tactic, due: Option<NaiveDate>) {
        let set = self.store.set_tactic_due(target, tactic.id, due);
        self.report(set, |_| match due {
            Some(d) => tf("status.tactic_due", &[("what", &tactic.text), ("day", &date(d))]),
            None => tf("status.tactic_undated", &[("what", &tactic.text)]),
        });
    }
}
