//! Importing a file: where is it, what will happen, how far it got.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph};

use super::centered;
use super::customers::pad;
use super::widgets::{accept_clear, fit, fit_escaped};
use crate::i18n::{t, tf, tn};
use crate::interop::import::Outcome;
use crate::tui::app::App;
use crate::tui::layers::{Import as ImportState, ImportJob};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &ImportState) {
    let th = &app.theme;
    let height = match state {
        ImportState::Path { .. } => 6,
        ImportState::Preview(_) => area.height,
        ImportState::Running(_) => 6,
    };
    let popup = centered(area, 80, height);
    super::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(format!(" {} ", t("import.title")), th.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    match state {
        ImportState::Path { input, error, choices } => {
            let [ask, field, problem] =
                Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(1)]).areas(inner);
            frame.render_widget(Paragraph::new(Span::styled(t("import.ask"), th.text)), ask);
            let (shown, col) = input.view(field.width.saturating_sub(2) as usize);
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled("> ", th.highlight),
                    Span::styled(shown, th.input_focused),
                ])),
                field,
            );
            frame.set_cursor_position((field.x + 2 + col, field.y));
            if let Some(e) = error {
                frame.render_widget(
                    Paragraph::new(Span::styled(fit_escaped(e, problem.width as usize), th.error)),
                    problem,
                );
            } else if !choices.is_empty() {
                // File names are data: escaped, and cut to the line.
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        fit_escaped(&choices.join("  "), problem.width as usize),
                        th.muted,
                    )),
                    problem,
                );
            }
        }
        ImportState::Preview(job) => preview(frame, inner, app, job),
        ImportState::Running(job) => {
            let total = job.plan.steps.len().max(1);
            let [label, bar] = Layout::vertical([Constraint::Length(2), Constraint::Length(1)]).areas(inner);
            frame.render_widget(
                Paragraph::new(Span::styled(
                    tf(
                        "import.running",
                        &[("done", &job.done), ("total", &job.plan.steps.len())],
                    ),
                    th.text,
                )),
                label,
            );
            frame.render_widget(
                Gauge::default()
                    .gauge_style(th.gauge_filled)
                    .ratio((job.done as f64 / total as f64).clamp(0.0, 1.0)),
                bar,
            );
        }
    }
}

fn preview(frame: &mut Frame, area: Rect, app: &App, job: &ImportJob) {
    let th = &app.theme;
    let plan = &job.plan;
    let width = area.width as usize;
    let mut lines = vec![
        Line::from(Span::styled(
            fit_escaped(
                &tf("import.file", &[("path", &job.path), ("format", &job.format.key())]),
                width,
            ),
            th.header,
        )),
        Line::from(Span::styled(
            fit(&tf("import.encoding", &[("name", &job.encoding)]), width),
            th.muted,
        )),
        Line::from(Span::styled(
            tf(
                "import.summary",
                &[
                    ("created", &plan.count(Outcome::Create)),
                    ("merged", &plan.count(Outcome::Merge)),
                    ("unchanged", &plan.count(Outcome::Unchanged)),
                    ("skipped", &plan.skipped.len()),
                ],
            ),
            th.text,
        )),
    ];
    let possible = plan.possible_duplicates().count();
    if possible > 0 {
        lines.push(Line::from(Span::styled(
            fit(&tn("import.possible_count", possible, &[]), width),
            th.warning,
        )));
    }
    if plan.resumed_from > 0 {
        lines.push(Line::from(Span::styled(
            tn("import.resuming", plan.resumed_from, &[]),
            th.warning,
        )));
    }
    if !job.mapping.is_empty() {
        let mapped = job
            .mapping
            .iter()
            .map(|(c, target)| format!("{c} → {target}"))
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(Line::from(Span::styled(
            fit_escaped(&format!("{} {mapped}", t("import.columns")), width),
            th.muted,
        )));
    }
    lines.push(Line::default());
    let mut rows: Vec<Line> = Vec::new();
    for n in &plan.skipped {
        rows.push(Line::from(vec![
            Span::styled(pad(&n.place, 14), th.muted),
            Span::styled(
                fit_escaped(&tf("import.skipped", &[("why", &n.message)]), width.saturating_sub(14)),
                th.error,
            ),
        ]));
    }
    for s in &plan.steps {
        let (label, style) = match (s.outcome, &s.possible_duplicate) {
            (Outcome::Create, Some(_)) => (t("import.create_possible"), th.warning),
            (Outcome::Create, None) => (t("import.create"), th.success),
            (Outcome::Merge, _) => (t("import.merge"), th.warning),
            (Outcome::Unchanged, _) => (t("import.unchanged"), th.muted),
        };
        let name = match &s.possible_duplicate {
            Some(other) => tf("import.possible_of", &[("name", &s.name), ("other", &other.name)]),
            None => s.name.clone(),
        };
        rows.push(Line::from(vec![
            Span::styled(pad(&s.place, 14), th.muted),
            Span::styled(pad(&fit(label, 16), 17), style),
            Span::styled(fit_escaped(&name, width.saturating_sub(31)), th.text),
        ]));
    }
    for n in &plan.warnings {
        rows.push(Line::from(vec![
            Span::styled(pad(&n.place, 14), th.muted),
            Span::styled(fit_escaped(&n.message, width.saturating_sub(14)), th.warning),
        ]));
    }
    let room = (area.height as usize).saturating_sub(lines.len() + 1);
    let start = job.scroll.min(rows.len().saturating_sub(room));
    lines.extend(rows.into_iter().skip(start).take(room));
    let hint_row = Rect {
        y: area.y + area.height.saturating_sub(1),
        height: 1,
        ..area
    };
    frame.render_widget(Paragraph::new(lines), area);
    frame.render_widget(
        Paragraph::new(Span::styled(accept_clear(app, "import.confirm"), th.footer_key)),
        hint_row,
    );
}
