//! A customer, opened full-screen: everything about them, the open
//! follow-ups to tick off, their deals, their account plan as a tree, the
//! interaction log and the stage history.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::customers::pad;
use super::trend;
use super::widgets::{
    channel_label, channel_width, day, escape, escape_lines, field_label_width, gauge, interaction_notes, level_label,
    local_time, money, relative, stage_label,
};
use crate::domain::dates::local_day;
use crate::domain::factors::{MAX_SCORE, factor_series, health_series, replay};
use crate::domain::{Factor, Factors, SpinPart, Summary, kept};
use crate::i18n::{t, tf, tn};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::Mode;
use crate::tui::layers::Detail;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, d: &Detail) {
    let th = &app.theme;
    super::clear(frame, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border_focused)
        .title(Span::styled(format!(" {} ", escape(&d.record.customer.name)), th.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let c = &d.record.customer;
    let s = Summary::of(
        c,
        app.store.rules(),
        app.store.clock().now_ms(),
        crate::store::earliest(
            crate::domain::FollowUp::earliest_open(&d.follow_ups),
            d.plan.as_ref().and_then(|p| p.earliest_open()),
        ),
    );
    let label_width = field_label_width();
    let label = |k: &str| Span::styled(pad(t(k), label_width), th.muted);
    let mut lines: Vec<Line> = Vec::new();
    // Values are data, escaped; one of several lines (notes, SPIN) goes on
    // under its first, each line escaped.
    let text_lines = |key: &str, value: &str| -> Vec<Line<'static>> {
        if value.is_empty() {
            return Vec::new();
        }
        escape_lines(value)
            .enumerate()
            .map(|(n, line)| {
                let head = if n == 0 {
                    label(key)
                } else {
                    Span::raw(" ".repeat(label_width))
                };
                Line::from(vec![head, Span::styled(line.into_owned(), th.text)])
            })
            .collect()
    };
    let mut field = |key: &str, value: String| {
        if !value.is_empty() {
            lines.push(Line::from(vec![
                label(key),
                Span::styled(escape(&value).into_owned(), th.text),
            ]));
        }
    };
    field("detail.other_names", kept::other_names(&c.extra).join(", "));
    field("field.customer.company", c.company.clone());
    field("detail.other_companies", kept::other_companies(&c.extra).join(", "));
    field("field.customer.title", c.title.clone());
    field("field.customer.emails", c.emails.join(", "));
    field("field.customer.phones", c.phones.join(", "));
    field("field.customer.address", c.address.clone());
    field(
        "field.customer.tags",
        c.tags.iter().cloned().collect::<Vec<_>>().join(", "),
    );
    field("field.customer.segment", c.segment.clone());
    field("field.customer.source", c.source.clone());
    field(
        "detail.referred_by",
        d.referred_by.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
    );
    field("field.customer.owner", c.owner.clone());
    // The tier in force (set by hand, else by the rules) and its price.
    let tier = app.store.rules().tier_of(c, s.clv);
    field(
        "field.customer.tier",
        tier.as_ref().map(crate::i18n::tier_line).unwrap_or_default(),
    );
    lines.push(Line::from(vec![
        label("detail.stage"),
        Span::styled(stage_label(c.stage), th.stage(c.stage.index())),
        Span::styled(format!(" · {}", level_label(c.level)), th.text),
        Span::styled(
            s.health
                .map(|h| format!(" · {}", tf("detail.health", &[("health", &h)])))
                .unwrap_or_default(),
            th.text,
        ),
    ]));
    lines.push(Line::from(vec![
        label("detail.next_contact"),
        Span::styled(
            format!(
                "{} ({}) · {}",
                day(s.next_contact_due),
                relative(s.next_contact_due, app.today),
                tn("detail.every", s.cadence_days, &[("days", &s.cadence_days)])
            ),
            super::widgets::due_style(th, s.next_contact_due, app.today),
        ),
    ]));
    lines.push(Line::from(vec![
        label("detail.value"),
        Span::styled(
            tf(
                "detail.value_line",
                &[("revenue", &money(s.revenue)), ("clv", &money(s.clv))],
            ),
            th.money,
        ),
    ]));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(t("detail.follow_ups"), th.header)));
    // The line of the picked row, to keep in sight when the cursor moved.
    let mut picked_line = None;
    let open = d.open_follow_ups();
    if open.is_empty() {
        lines.push(Line::from(Span::styled(t("detail.no_follow_ups"), th.muted)));
    }
    for (i, f) in open.iter().enumerate() {
        let due = f.due_date();
        let mut line = Line::from(vec![
            Span::styled(
                format!("{} ({}) ", day(due), relative(due, app.today)),
                super::widgets::due_style(th, due, app.today),
            ),
            Span::styled(escape(&f.what).into_owned(), th.text),
        ]);
        if i == d.selected {
            line = line.style(th.selected);
            picked_line = Some(lines.len());
        }
        lines.push(line);
    }
    if !d.deals.is_empty() {
        lines.push(Line::default());
        lines.extend(deal_lines(app, d));
    }
    lines.push(Line::default());
    let (plan, picked_in_plan) = plan_lines(app, d, open.len());
    picked_line = picked_line.or(picked_in_plan.map(|n| lines.len() + n));
    lines.extend(plan);
    lines.push(Line::default());
    // Each factor's trend beside its gauge, and health's under them, from
    // the scores kept with their dates; a trend needs two points.
    let states = replay(&d.scores);
    let (from, to) = match (states.first(), states.last()) {
        (Some((first, _)), Some((last, _))) => (*first, app.store.clock().now_ms().max(*last)),
        _ => (0, 0),
    };
    let trend = |value: &dyn Fn(&Factors) -> Option<u64>, max: u64| {
        let points: Vec<(i64, Option<u64>)> = states.iter().map(|(at, f)| (*at, value(f))).collect();
        trend::spans(&trend::sample(&points, from, to, trend::WIDTH), max, th.gauge_filled)
    };
    for f in Factor::ALL {
        let mut spans = vec![label(&format!("factor.{}", f.key()))];
        spans.extend(gauge(th, c.factors.get(f), 10));
        if factor_series(&d.scores, f).len() >= 2 {
            spans.push(Span::raw("  "));
            spans.extend(trend(&|s: &Factors| s.get(f).map(u64::from), u64::from(MAX_SCORE)));
        }
        lines.push(Line::from(spans));
    }
    let health = health_series(&d.scores);
    if let (Some((since, first)), Some((_, last)), true) = (health.first(), health.last(), health.len() >= 2) {
        let mut spans = vec![label("detail.health_over_time")];
        spans.extend(trend(&|s: &Factors| s.health().map(u64::from), 100));
        spans.push(Span::styled(
            format!(
                "  {}",
                tf(
                    "detail.health_trend",
                    &[("from", first), ("to", last), ("since", &day(local_day(*since)))]
                )
            ),
            th.muted,
        ));
        lines.push(Line::from(spans));
    }
    for part in SpinPart::ALL {
        lines.extend(text_lines(&format!("spin.{}", part.key()), c.spin.get(part)));
    }
    lines.extend(text_lines("field.customer.notes", &c.notes));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        tf("detail.interactions", &[("count", &d.interactions.len())]),
        th.header,
    )));
    for i in d.interactions.iter().take(50) {
        let mut spans = vec![
            Span::styled(format!("{} ", local_time(i.at)), th.muted),
            Span::styled(pad(channel_label(i.channel), channel_width() + 1), th.channel),
            Span::styled(escape(&i.summary).into_owned(), th.text),
        ];
        if let Some(a) = i.amount {
            spans.push(Span::styled(format!("  {}", money(a)), th.money));
        }
        spans.push(Span::styled(format!("  {}", escape(&i.author)), th.author));
        lines.push(Line::from(spans));
        lines.extend(interaction_notes(th, i, inner.width as usize, 2, usize::MAX));
    }
    if !d.history.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(t("detail.history"), th.header)));
        for h in d.history.iter().rev() {
            lines.push(Line::from(Span::styled(
                format!(
                    "{} {} → {} · {}",
                    local_time(h.at),
                    stage_label(h.from),
                    stage_label(h.to),
                    escape(&h.by)
                ),
                th.muted,
            )));
        }
    }
    let max = (lines.len() as u16).saturating_sub(inner.height);
    let mut scroll = d.scroll;
    if d.follow
        && let Some(n) = picked_line.map(|n| n as u16)
    {
        let from = d.drawn_scroll.get();
        scroll = if n < from {
            n
        } else if n >= from.saturating_add(inner.height) {
            n.saturating_sub(inner.height.saturating_sub(1))
        } else {
            from
        };
    }
    let scroll = scroll.min(max);
    d.drawn_scroll.set(scroll);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

/// The customer's account plan as a tree under a heading with its
/// progress: the mission, each objective (▾ open, ▸ folded), its
/// strategies with their kind, and their tactics with done, due day and
/// owner. `first` is the pick index of the plan's first row; also says
/// which of the lines is the picked row, if one is.
fn plan_lines(app: &App, d: &Detail, first: usize) -> (Vec<Line<'static>>, Option<usize>) {
    let th = &app.theme;
    let Some(plan) = &d.plan else {
        let key = app.keymap.label_for(Mode::Customer, Action::EditPlan);
        let lines = vec![
            Line::from(Span::styled(t("detail.plan"), th.header)),
            Line::from(Span::styled(tf("detail.no_plan", &[("key", &key)]), th.muted)),
        ];
        return (lines, None);
    };
    plan_tree(app, plan, &d.folded, Some(d.selected), first)
}

/// A plan as a tree under a heading with its progress; objectives in
/// `folded` (by position) show without their strategies. Rows that can
/// be picked count from `first`; the one numbered `selected` is drawn
/// selected, and its line is returned.
pub(super) fn plan_tree(
    app: &App,
    plan: &crate::domain::Plan,
    folded: &std::collections::BTreeSet<usize>,
    selected: Option<usize>,
    first: usize,
) -> (Vec<Line<'static>>, Option<usize>) {
    let th = &app.theme;
    let (done, total) = plan.progress();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(t("detail.plan"), th.header),
            Span::styled(
                format!(
                    " · {}",
                    tn("plan.progress", total, &[("done", &done), ("total", &total)])
                ),
                th.muted,
            ),
        ]),
        Line::from(vec![
            Span::styled(format!("{}: ", t("plan.mission")), th.muted),
            Span::styled(escape(&plan.mission).into_owned(), th.text),
        ]),
    ];
    let mut pick = first;
    let mut picked_line = None;
    let mut picked = |line: Line<'static>, pick: &mut usize, at: usize| {
        let line = if Some(*pick) == selected {
            picked_line = Some(at);
            line.style(th.selected)
        } else {
            line
        };
        *pick += 1;
        line
    };
    for (o, obj) in plan.objectives.iter().enumerate() {
        let folded = folded.contains(&o);
        let line = Line::from(vec![
            Span::styled(if folded { "▸ " } else { "▾ " }, th.muted),
            Span::styled(format!("{}: ", t("plan.objective")), th.muted),
            Span::styled(escape(&obj.text).into_owned(), th.text),
        ]);
        let at = lines.len();
        lines.push(picked(line, &mut pick, at));
        if folded {
            continue;
        }
        for s in &obj.strategies {
            lines.push(Line::from(vec![
                Span::raw("    "),
                Span::styled(
                    format!("{}: ", t(&format!("strategy_kind.{}", s.kind.key()))),
                    th.channel,
                ),
                Span::styled(escape(&s.text).into_owned(), th.text),
            ]));
            for x in &s.tactics {
                let mut spans = vec![
                    Span::styled(if x.done { "      [x] " } else { "      [ ] " }, th.muted),
                    Span::styled(escape(&x.text).into_owned(), if x.done { th.muted } else { th.text }),
                ];
                if let Some(due) = x.due_date() {
                    let style = if x.done {
                        th.muted
                    } else {
                        super::widgets::due_style(th, due, app.today)
                    };
                    spans.push(Span::styled(
                        format!("  {} ({})", day(due), relative(due, app.today)),
                        style,
                    ));
                }
                if let Some(owner) = &x.owner {
                    spans.push(Span::styled(format!("  {}", escape(owner)), th.author));
                }
                let at = lines.len();
                lines.push(picked(Line::from(spans), &mut pick, at));
            }
        }
    }
    (lines, picked_line)
}

/// The customer's deals under a heading with the open ones' amount and
/// weighted amount: close day (marked `!` when open past it), title,
/// amount, probability and status, and why a lost one was lost.
fn deal_lines(app: &App, d: &Detail) -> Vec<Line<'static>> {
    let th = &app.theme;
    let open: Vec<&crate::domain::Deal> = d.deals.iter().filter(|x| x.is_open()).collect();
    let mut heading = vec![Span::styled(t("detail.deals"), th.header)];
    if !open.is_empty() {
        let amount: crate::domain::Money = open.iter().map(|x| x.amount).sum();
        let weighted: crate::domain::Money = open.iter().map(|x| x.weighted()).sum();
        heading.push(Span::styled(
            format!(
                " · {}",
                tf(
                    "detail.deal_weighted",
                    &[("amount", &money(amount)), ("weighted", &money(weighted))]
                )
            ),
            th.money,
        ));
    }
    let mut lines = vec![Line::from(heading)];
    for x in &d.deals {
        let close = match x.close_date() {
            Some(c) if x.is_overdue(app.today) => Span::styled(format!("! {} ", day(c)), th.overdue),
            Some(c) if x.is_open() => Span::styled(format!("{} ", day(c)), super::widgets::due_style(th, c, app.today)),
            Some(c) => Span::styled(format!("{} ", day(c)), th.muted),
            None => Span::styled("— ".to_string(), th.muted),
        };
        let mut spans = vec![
            close,
            Span::styled(escape(&x.title).into_owned(), th.text),
            Span::styled(format!("  {}", money(x.amount)), th.money),
            Span::styled(
                format!(
                    " · {}% · {}",
                    x.probability,
                    t(&format!("deal_status.{}", x.status.key()))
                ),
                if x.is_open() { th.text } else { th.muted },
            ),
        ];
        if !x.reason.is_empty() {
            spans.push(Span::styled(format!(" · {}", escape(&x.reason)), th.muted));
        }
        lines.push(Line::from(spans));
    }
    lines
}
