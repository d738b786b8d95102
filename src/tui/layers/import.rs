//! Importing a file: asking where it is, showing what it will do, doing
//! it a chunk at a time between keys (Esc stops it; what was saved stays
//! and `u` takes it all back).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Flow, Hint, Layer};
use crate::i18n::tf;
use crate::interop::import;
use crate::tui::action::Action;
use crate::tui::app::{App, Tone};
use crate::tui::input::LineInput;
use crate::tui::keymap::Mode;

/// Lines a page key scrolls the preview.
const PAGE: usize = 10;

#[derive(Debug)]
pub enum Import {
    Path {
        input: LineInput,
        error: Option<String>,
        /// The files a Tab found when several matched what was typed.
        choices: Vec<String>,
    },
    Preview(ImportJob),
    Running(ImportJob),
}

/// A read and planned import.
#[derive(Debug)]
pub struct ImportJob {
    pub path: String,
    pub format: import::Format,
    /// The text encoding the file was read in (UTF-8, GBK, windows-1258...).
    pub encoding: &'static str,
    pub mapping: Vec<(String, String)>,
    pub plan: import::Plan,
    pub resume: std::path::PathBuf,
    /// Steps saved so far.
    pub done: usize,
    pub report: import::Report,
    /// First line of the preview shown.
    pub scroll: usize,
}

impl Import {
    pub fn ask() -> Import {
        Import::Path {
            input: LineInput::default(),
            error: None,
            choices: Vec::new(),
        }
    }

    pub fn running(&self) -> bool {
        matches!(self, Import::Running(_))
    }
}

impl Layer for Import {
    fn modes(&self) -> &'static [Mode] {
        match self {
            Import::Path { .. } | Import::Running(_) => &[Mode::Input],
            Import::Preview(_) => &[Mode::Input, Mode::Navigation],
        }
    }

    fn hints(&self, _app: &App) -> Vec<Hint> {
        let (accept, clear) = (Action::Accept, Action::Clear);
        match self {
            Import::Path { .. } => vec![
                Hint::saying(Mode::Input, accept, "hint.read_file"),
                Hint::saying(Mode::Input, clear, "hint.close"),
            ],
            Import::Preview(_) => vec![
                Hint::saying(Mode::Input, accept, "hint.import"),
                Hint::saying(Mode::Input, clear, "hint.cancel"),
                Hint::of(Mode::Navigation, Action::Down),
                Hint::of(Mode::Navigation, Action::Up),
            ],
            Import::Running(_) => vec![Hint::saying(Mode::Input, clear, "hint.stop")],
        }
    }

    fn handle(&mut self, action: Action, app: &mut App) -> Flow {
        match self {
            Import::Path { input, error, .. } => match action {
                Action::Accept => match read(input.text(), app) {
                    Ok(job) => *self = Import::Preview(job),
                    Err(message) => *error = Some(message),
                },
                Action::Clear => return Flow::Close,
                _ => return Flow::Ignored,
            },
            Import::Preview(job) => match action {
                Action::Accept => {
                    if let Import::Preview(job) = std::mem::replace(self, Import::ask()) {
                        *self = Import::Running(job);
                    }
                }
                Action::Clear => return Flow::Close,
                Action::Down => job.scroll = job.scroll.saturating_add(1),
                Action::Up => job.scroll = job.scroll.saturating_sub(1),
                Action::PageDown => job.scroll = job.scroll.saturating_add(PAGE),
                Action::PageUp => job.scroll = job.scroll.saturating_sub(PAGE),
                Action::Top => job.scroll = 0,
                Action::Bottom => job.scroll = job.plan.steps.len() + job.plan.skipped.len(),
                _ => return Flow::Ignored,
            },
            Import::Running(job) => match action {
                Action::Clear => {
                    finish(job, true, app);
                    return Flow::Close;
                }
                _ => return Flow::Ignored,
            },
        }
        Flow::Stay
    }

    fn draw(&self, frame: &mut Frame, area: Rect, app: &App) {
        crate::tui::views::import::draw(frame, area, app, self);
    }

    fn text_box<'a>(&'a mut self, _app: &'a mut App) -> Option<&'a mut LineInput> {
        match self {
            Import::Path { input, .. } => Some(input),
            _ => None,
        }
    }

    /// Tab completes the path; any other key edits it (and the list of
    /// matches goes: it was about the text before).
    fn type_key(&mut self, key: &KeyEvent, _app: &mut App) {
        if let Import::Path { input, choices, error } = self {
            if key.code == KeyCode::Tab && key.modifiers.is_empty() {
                *choices = crate::tui::path_completion::complete(input).choices;
                *error = None;
            } else if input.handle(key) {
                choices.clear();
            }
        }
    }

    /// Saves the next chunk of a running import: one per turn of the loop,
    /// so keys (Esc) still get through.
    fn tick(&mut self, app: &mut App) -> Option<Flow> {
        let Import::Running(job) = self else {
            return None;
        };
        let from = job.done;
        match import::apply_chunk(&mut app.store, &mut job.plan, from, Some(&job.resume), &mut job.report) {
            Ok(next) => job.done = next,
            Err(e) => {
                let failed = import::interrupted(&job.plan, from, e);
                app.fail(format!("{failed}: {}", failed.error));
                return Some(Flow::Close);
            }
        }
        if job.done >= job.plan.steps.len() {
            finish(job, false, app);
            return Some(Flow::Close);
        }
        Some(Flow::Stay)
    }
}

/// Reads and plans the file at `path`, or says why it cannot.
fn read(path: &str, app: &mut App) -> Result<ImportJob, String> {
    let expanded = expand_home(path);
    let bytes = std::fs::read(&expanded).map_err(|e| tf("import.cannot_read", &[("error", &e)]))?;
    let read = import::read(&bytes, import::Format::from_path(&expanded), &[]).map_err(|e| e.to_string())?;
    let resume = import::resume_file(&app.store, &bytes);
    let skip = import::resume_point(&app.store, &resume).map_err(|e| e.to_string())?;
    let region = app.store.rules().region;
    let mut plan =
        import::plan_with(&mut app.store, read.records, read.organizations, skip, region).map_err(|e| e.to_string())?;
    import::plan_lists(&app.store, read.lists, read.plans, &mut plan).map_err(|e| e.to_string())?;
    Ok(ImportJob {
        path: path.to_string(),
        format: read.format,
        encoding: read.encoding,
        mapping: read.mapping,
        plan,
        resume,
        done: 0,
        report: import::Report::default(),
        scroll: 0,
    })
}

/// Ends an import, done or stopped: what it saved becomes one change `u`
/// takes back.
fn finish(job: &mut ImportJob, stopped: bool, app: &mut App) {
    if let Err(e) = import::finish(&mut app.store, &mut job.plan, Some(&job.resume), stopped) {
        app.fail(e);
        return;
    }
    if let Err(e) = app.store.flush() {
        app.fail(e);
        return;
    }
    app.reload_all();
    let r = &job.report;
    let key = if stopped { "import.stopped" } else { "import.done" };
    app.say(
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

/// `~/contacts.vcf` → the home folder's.
pub(super) fn expand_home(path: &str) -> std::path::PathBuf {
    let trimmed = path.trim();
    match (trimmed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(trimmed),
    }
}
