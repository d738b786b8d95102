//! Pane 6: the organizations (name, kind, people, revenue, lifetime
//! value), and the selected one's detail: its people with their stage,
//! what they brought, the customers it referred, and its plan.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::customers::{pad, scroll_offset};
use super::widgets::{escape, fit_escaped, money, stage_label};
use crate::domain::OrgKind;
use crate::i18n::{t, tf, tn};
use crate::tui::app::{App, OrgPerson};

/// `s` cut to `width` terminal columns and put at their right end (wide
/// characters count twice).
fn right(s: &str, width: usize) -> String {
    let s = fit_escaped(s, width);
    format!("{}{s}", " ".repeat(width.saturating_sub(s.width())))
}

fn kind_label(k: OrgKind) -> &'static str {
    t(&format!("org_kind.{}", k.key()))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    // Side by side where there is room, else the detail below.
    let [table, detail] = if area.width >= 110 {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area)
    } else {
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area)
    };
    draw_table(frame, table, app);
    draw_detail(frame, detail, app);
}

fn draw_table(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let orgs = &app.orgs;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if !app.covered() && orgs.person.is_none() {
            th.border_focused
        } else {
            th.border
        })
        .title(Span::styled(
            format!(" {} ", tf("orgs.title", &[("count", &orgs.rows.len())])),
            th.title,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if orgs.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(t("orgs.empty"), th.muted)).wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    // Numbers keep their width; the name takes what is left.
    let w = inner.width as usize;
    let kind_w = OrgKind::ALL
        .iter()
        .map(|k| kind_label(*k).width())
        .max()
        .unwrap_or(8)
        .max(t("orgs.kind").width());
    let people_w = t("orgs.people").width().max(3);
    let money_w = 12;
    let fixed = kind_w + people_w + 2 * money_w + 4;
    let (name_w, show_clv) = if w >= fixed + 12 {
        (w - fixed, true)
    } else {
        (w.saturating_sub(fixed - money_w - 1).max(6), false)
    };
    let mut head = vec![
        pad(&fit_escaped(t("orgs.name"), name_w), name_w),
        pad(&fit_escaped(t("orgs.kind"), kind_w), kind_w),
        right(t("orgs.people"), people_w),
        right(t("orgs.revenue"), money_w),
    ];
    if show_clv {
        head.push(right(t("orgs.clv"), money_w));
    }
    let height = inner.height as usize;
    frame.render_widget(
        Paragraph::new(Span::styled(head.join(" "), th.header)),
        Rect { height: 1, ..inner },
    );
    let rows = height.saturating_sub(1);
    let offset = scroll_offset(orgs.cursor, rows, orgs.rows.len());
    for (y, (i, row)) in orgs.rows.iter().enumerate().skip(offset).take(rows).enumerate() {
        let mut cells = vec![
            pad(&fit_escaped(&row.org.name, name_w), name_w),
            pad(kind_label(row.org.kind), kind_w),
            right(&row.figures.people.to_string(), people_w),
            right(&money(row.figures.revenue), money_w),
        ];
        if show_clv {
            cells.push(right(&money(row.figures.clv), money_w));
        }
        let style = if i == orgs.cursor { th.selected } else { th.text };
        let row_area = Rect {
            y: inner.y + 1 + y as u16,
            height: 1,
            ..inner
        };
        // While a person is chosen the list keys move among the people.
        if orgs.person.is_none() {
            app.hit(
                row_area,
                crate::tui::mouse::Spot::Row(i as isize - orgs.cursor as isize),
            );
        }
        frame.render_widget(Paragraph::new(Span::styled(cells.join(" "), style)), row_area);
    }
}

fn draw_detail(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let orgs = &app.orgs;
    let Some(row) = orgs.selected() else {
        frame.render_widget(Block::default().borders(Borders::ALL).border_style(th.border), area);
        return;
    };
    let o = &row.org;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if !app.covered() && orgs.person.is_some() {
            th.border_focused
        } else {
            th.border
        })
        .title(Span::styled(format!(" {} ", escape(&o.name)), th.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    let about: Vec<String> = [kind_label(o.kind).to_string(), o.industry.clone(), o.website.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| escape(&s).into_owned())
        .collect();
    lines.push(Line::from(Span::styled(about.join(" · "), th.muted)));
    lines.push(Line::from(Span::styled(
        tf(
            "orgs.value",
            &[
                ("revenue", &money(row.figures.revenue)),
                ("clv", &money(row.figures.clv)),
            ],
        ),
        th.text,
    )));
    let width = inner.width as usize;
    let person_line = |n: usize, p: &OrgPerson, stage: bool| -> Line<'static> {
        let name_w = width.saturating_sub(16).max(8);
        let mut text = format!("  {}", pad(&fit_escaped(&p.name, name_w), name_w));
        if stage {
            text.push(' ');
            text.push_str(stage_label(p.stage));
        }
        let style = if orgs.person == Some(n) { th.selected } else { th.text };
        Line::from(Span::styled(text, style))
    };
    lines.push(Line::from(Span::styled(
        tn("orgs.people_heading", orgs.people.len(), &[]),
        th.header,
    )));
    for (n, p) in orgs.people.iter().enumerate() {
        lines.push(person_line(n, p, true));
    }
    if !orgs.referred.is_empty() {
        lines.push(Line::from(Span::styled(
            tf(
                "orgs.referred_heading",
                &[
                    ("count", &orgs.referred.len()),
                    ("revenue", &money(row.figures.referred_revenue)),
                    ("clv", &money(row.figures.referred_clv)),
                ],
            ),
            th.header,
        )));
        for (n, p) in orgs.referred.iter().enumerate() {
            lines.push(person_line(orgs.people.len() + n, p, true));
        }
    }
    // The account plan, read here; written with `guanxi plan edit org:NAME`.
    match &orgs.plan {
        Some(plan) => {
            let (tree, _) = super::detail::plan_tree(app, plan, &Default::default(), None, 0);
            lines.extend(tree);
        }
        None => lines.push(Line::from(Span::styled(
            tf("orgs.plan_none", &[("name", &escape(&o.name))]),
            th.muted,
        ))),
    }
    // The chosen person stays in view.
    let chosen_line = orgs
        .person
        .map(|n| 3 + n + usize::from(n >= orgs.people.len() && !orgs.referred.is_empty()));
    let offset = chosen_line
        .map(|l| scroll_offset(l, inner.height as usize, lines.len()))
        .unwrap_or(0);
    frame.render_widget(Paragraph::new(lines).scroll((offset as u16, 0)), inner);
}
