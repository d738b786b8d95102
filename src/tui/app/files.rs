//! Importing a file and merging duplicates, from the UI.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Dupes, ImportJob, ImportState, Layer, Prompt, Then, Tone};
use crate::domain::duplicates;
use crate::i18n::{t, tf};
use crate::interop::import;
use crate::tui::action::Action;
use crate::tui::input::LineInput;
use crate::tui::keymap::Mode;

impl App {
    pub(super) fn start_import(&mut self) {
        self.layers.push(Layer::Import(Box::new(ImportState::Path {
            input: LineInput::default(),
            error: None,
        })));
    }

    pub(super) fn open_dupes(&mut self) {
        match self.store.customers() {
            Ok(all) => {
                let customers: Vec<_> = all.into_iter().map(|r| r.customer).collect();
                let groups = duplicates::groups(&customers, self.store.rules().region);
                if groups.is_empty() {
                    self.say(Tone::Info, t("dupes.none"));
                } else {
                    self.layers.push(Layer::Dupes(Dupes { groups, selected: 0 }));
                }
            }
            Err(e) => self.fail(e),
        }
    }

    pub(super) fn import_key(&mut self, key: KeyEvent) {
        let action = self.keymap.action(&[Mode::Input], &key);
        let Some(Layer::Import(state)) = self.layers.last_mut() else {
            return;
        };
        match state.as_mut() {
            ImportState::Path { input, .. } => match action {
                Some(Action::Accept) => {
                    let path = input.text().to_string();
                    self.read_import(path);
                }
                Some(Action::Clear) => {
                    self.layers.pop();
                }
                _ => {
                    input.handle(&key);
                }
            },
            ImportState::Preview(job) => match (action, key.code) {
                (Some(Action::Accept), _) => {
                    if let Some(Layer::Import(state)) = self.layers.pop()
                        && let ImportState::Preview(job) = *state
                    {
                        self.layers.push(Layer::Import(Box::new(ImportState::Running(job))));
                    }
                }
                (Some(Action::Clear), _) => {
                    self.layers.pop();
                }
                (_, KeyCode::Down | KeyCode::Char('j')) => job.scroll = job.scroll.saturating_add(1),
                (_, KeyCode::Up | KeyCode::Char('k')) => job.scroll = job.scroll.saturating_sub(1),
                (_, KeyCode::PageDown) => job.scroll = job.scroll.saturating_add(10),
                (_, KeyCode::PageUp) => job.scroll = job.scroll.saturating_sub(10),
                _ => {}
            },
            ImportState::Running(_) => {
                if action == Some(Action::Clear)
                    && let Some(Layer::Import(state)) = self.layers.pop()
                    && let ImportState::Running(job) = *state
                {
                    self.finish_import(job, true);
                }
            }
        }
    }

    /// Reads and plans the file at `path`, or says why it cannot.
    fn read_import(&mut self, path: String) {
        let expanded = expand_home(&path);
        let outcome = (|| -> Result<ImportJob, String> {
            let bytes = std::fs::read(&expanded).map_err(|e| tf("import.cannot_read", &[("error", &e)]))?;
            let read = import::read(&bytes, import::Format::from_path(&expanded), &[]).map_err(|e| e.to_string())?;
            let resume = import::resume_file(&self.store, &bytes);
            let skip = import::resume_point(&self.store, &resume).map_err(|e| e.to_string())?;
            let plan = import::plan(&mut self.store, read.records, skip).map_err(|e| e.to_string())?;
            Ok(ImportJob {
                path: path.clone(),
                format: read.format,
                mapping: read.mapping,
                plan,
                resume,
                done: 0,
                report: import::Report::default(),
                scroll: 0,
            })
        })();
        let Some(Layer::Import(state)) = self.layers.last_mut() else {
            return;
        };
        match outcome {
            Ok(job) => **state = ImportState::Preview(job),
            Err(message) => {
                if let ImportState::Path { error, .. } = state.as_mut() {
                    *error = Some(message);
                }
            }
        }
    }

    /// Saves the next chunk of a running import; true when the screen changed.
    pub(super) fn import_tick(&mut self) -> bool {
        let Some(Layer::Import(state)) = self.layers.last_mut() else {
            return false;
        };
        let ImportState::Running(job) = state.as_mut() else {
            return false;
        };
        let from = job.done;
        match import::apply_chunk(&mut self.store, &mut job.plan, from, Some(&job.resume), &mut job.report) {
            Ok(next) => job.done = next,
            Err(e) => {
                let failed = import::interrupted(&job.plan, from, e);
                self.layers.pop();
                self.fail(format!("{failed}: {}", failed.error));
                return true;
            }
        }
        if job.done >= job.plan.steps.len()
            && let Some(Layer::Import(state)) = self.layers.pop()
            && let ImportState::Running(job) = *state
        {
            self.finish_import(job, false);
        }
        true
    }

    pub(super) fn importing(&self) -> bool {
        matches!(self.layers.last(), Some(Layer::Import(s)) if matches!(**s, ImportState::Running(_)))
    }

    fn finish_import(&mut self, mut job: ImportJob, stopped: bool) {
        // What the import saved becomes one change `u` takes back.
        if let Err(e) = import::finish(&mut self.store, &mut job.plan, Some(&job.resume), stopped) {
            self.fail(e);
            return;
        }
        if let Err(e) = self.store.flush() {
            self.fail(e);
            return;
        }
        self.reload_all();
        let r = &job.report;
        let key = if stopped { "import.stopped" } else { "import.done" };
        self.say(
            if stopped { Tone::Info } else { Tone::Success },
            tf(
                key,
                &[
                    ("created", &r.created),
                    ("merged", &r.merged),
                    ("unchanged", &r.unchanged),
                    ("skipped", &job.plan.skipped.len()),
                ],
            ),
        );
    }

    pub(super) fn dupes_key(&mut self, key: KeyEvent) {
        let action = self.keymap.action(&[Mode::Input, Mode::Navigation], &key);
        let Some(Layer::Dupes(d)) = self.layers.last_mut() else {
            return;
        };
        match action {
            Some(Action::Down) => d.selected = (d.selected + 1).min(d.groups.len().saturating_sub(1)),
            Some(Action::Up) => d.selected = d.selected.saturating_sub(1),
            Some(Action::Clear) => {
                self.layers.pop();
            }
            Some(Action::Accept) => {
                let Some(group) = d.groups.get(d.selected).cloned() else {
                    return;
                };
                let Some((keep, others)) = group.ids.split_first() else {
                    return;
                };
                let name = self.roster.get(*keep).map(|r| r.name.clone()).unwrap_or_default();
                let key = if group.certain {
                    "prompt.merge"
                } else {
                    "prompt.merge_possible"
                };
                self.layers.push(Layer::Prompt(Prompt {
                    question: tf(key, &[("count", &group.ids.len()), ("name", &name)]),
                    then: Then::Merge {
                        keep: *keep,
                        others: others.to_vec(),
                    },
                }));
            }
            _ => {}
        }
    }

    /// After a merge: the group is gone from the list.
    pub(super) fn merged(&mut self, keep: crate::domain::CustomerId, others: &[crate::domain::CustomerId]) {
        match self.store.merge_customers(keep, others) {
            Ok(_) => {
                self.refresh();
                self.say(Tone::Success, t("status.merged"));
                if let Some(Layer::Dupes(d)) = self.layers.last_mut() {
                    d.groups.retain(|g| g.ids.first() != Some(&keep));
                    d.selected = d.selected.min(d.groups.len().saturating_sub(1));
                    if d.groups.is_empty() {
                        self.layers.pop();
                    }
                }
            }
            Err(e) => self.fail(e),
        }
    }
}

/// `~/contacts.vcf` → the home folder's.
fn expand_home(path: &str) -> std::path::PathBuf {
    let trimmed = path.trim();
    match (trimmed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(trimmed),
    }
}
