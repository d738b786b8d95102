//! A plan's outline: the plain text a plan is edited and exchanged in, the
//! same in `$EDITOR`, in a file and in the UI.
//!
//! ```text
//! mission: Be Phú Thịnh's only logistics partner in the south
//! objective: Win the Cần Thơ warehouse contract by June
//!   strategy customization: A cold-chain offer built around their routes
//!     tactic: Site visit with their operations lead | due 2026-12-10 | owner lan
//!     tactic: Send the draft proposal | due 2026-12-20 | done
//! ```
//!
//! Each line starts with its keyword; indentation is for the eye and is not
//! read. A strategy's kind is its key or its name in any language
//! (`dịch vụ lõi`, `核心服务`); the key is printed. Blank lines and lines
//! starting with `#` are skipped. In any text, `\|` is a `|` and `\\` a
//! `\` (a bare `|` in a tactic line starts its next part); a `\` before
//! anything else is kept as typed. Texts are kept exactly, apart from the
//! spaces around them. A mistake is an [`InputError::BadOutline`] naming
//! the line (from 1) and what was expected there; nothing is half-read.

use chrono::NaiveDate;

use super::dates::date_to_days;
use super::error::InputError;
use super::ids::TacticId;
use super::plan::{Objective, Plan, Strategy, StrategyKind, Tactic};

/// Reads an outline into a plan whose tactics have no ids yet (`TacticId(0)`;
/// the store gives them, see `Plan::assign_ids`).
pub fn parse(text: &str) -> Result<Plan, InputError> {
    let mut plan: Option<Plan> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let bad = |expected: &'static str| InputError::BadOutline { line, expected };
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((head, rest)) = trimmed.split_once(':') else {
            return Err(bad("line_start"));
        };
        let head = head.trim().to_lowercase();
        let Some(plan) = plan.as_mut() else {
            if head != "mission" {
                return Err(bad("mission"));
            }
            plan = Some(Plan {
                mission: text_of(rest, line)?,
                objectives: Vec::new(),
            });
            continue;
        };
        match head.as_str() {
            "mission" => return Err(bad("one_mission")),
            "objective" => plan.objectives.push(Objective {
                text: text_of(rest, line)?,
                strategies: Vec::new(),
            }),
            "tactic" => {
                let strategy = plan
                    .objectives
                    .last_mut()
                    .and_then(|o| o.strategies.last_mut())
                    .ok_or_else(|| bad("strategy_first"))?;
                strategy.tactics.push(tactic_of(rest, line)?);
            }
            _ => {
                let Some(kind) = head
                    .strip_prefix("strategy")
                    .filter(|k| k.starts_with(char::is_whitespace))
                else {
                    return Err(bad("line_start"));
                };
                let kind = StrategyKind::parse(kind.trim()).ok_or_else(|| bad("kind"))?;
                let objective = plan.objectives.last_mut().ok_or_else(|| bad("objective_first"))?;
                objective.strategies.push(Strategy {
                    kind,
                    text: text_of(rest, line)?,
                    tactics: Vec::new(),
                });
            }
        }
    }
    plan.ok_or(InputError::BadOutline {
        line: text.lines().count().max(1),
        expected: "mission",
    })
}

/// Writes a plan as its outline (what [`parse`] reads back).
pub fn print(plan: &Plan) -> String {
    let mut out = format!("mission: {}\n", escape(&plan.mission));
    for o in &plan.objectives {
        out.push_str(&format!("objective: {}\n", escape(&o.text)));
        for s in &o.strategies {
            out.push_str(&format!("  strategy {}: {}\n", s.kind.key(), escape(&s.text)));
            for t in &s.tactics {
                out.push_str(&format!("    tactic: {}\n", tactic_line(t)));
            }
        }
    }
    out
}

/// What an editor opens for a target with no plan yet: `about` (a line
/// in the user's language) and the outline's lines as comments, then an
/// empty mission. Saved unchanged, it is a mistake (no mission text).
pub fn template(about: &str) -> String {
    let comments: String = std::iter::once(about)
        .chain(SYNTAX.lines())
        .map(|l| format!("# {}\n", l.replace(['\n', '\r'], " ")))
        .collect();
    format!("{comments}mission: \n")
}

/// The outline's lines: the keywords are the same in every language.
const SYNTAX: &str = "mission: TEXT
objective: TEXT
  strategy KIND: TEXT    (KIND: core_service, customization, augmentation, pricing, internal, other)
    tactic: TEXT | due YYYY-MM-DD | owner NAME | done";

/// A tactic's line after `tactic: `.
pub fn tactic_line(t: &Tactic) -> String {
    let mut line = escape(&t.text);
    if let Some(d) = t.due_date() {
        line.push_str(&format!(" | due {}", d.format("%Y-%m-%d")));
    }
    if let Some(o) = &t.owner {
        line.push_str(&format!(" | owner {}", escape(o)));
    }
    if t.done {
        line.push_str(" | done");
    }
    line
}

/// `\` and `|` escaped, so a text survives a tactic line's `|`s.
pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|")
}

/// Splits at each bare `|`, unescaping `\|` and `\\`.
fn split_parts(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('\\') | Some('|')) => part.extend(chars.next()),
            '|' => parts.push(std::mem::take(&mut part)),
            _ => part.push(c),
        }
    }
    parts.push(part);
    parts
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some('\\') | Some('|')) {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// A line's text: unescaped, trimmed, not blank, no control characters.
fn text_of(raw: &str, line: usize) -> Result<String, InputError> {
    checked(unescape(raw).trim(), line, "text")
}

fn checked(text: &str, line: usize, expected: &'static str) -> Result<String, InputError> {
    if text.is_empty() {
        return Err(InputError::BadOutline { line, expected });
    }
    if text.chars().any(char::is_control) {
        return Err(InputError::BadOutline {
            line,
            expected: "no_control",
        });
    }
    Ok(text.to_string())
}

fn tactic_of(raw: &str, line: usize) -> Result<Tactic, InputError> {
    let bad = |expected: &'static str| InputError::BadOutline { line, expected };
    let parts = split_parts(raw);
    let mut tactic = Tactic {
        id: TacticId(0),
        text: checked(parts[0].trim(), line, "text")?,
        due: None,
        owner: None,
        done: false,
    };
    for part in &parts[1..] {
        let part = part.trim();
        let (word, value) = part.split_once(char::is_whitespace).unwrap_or((part, ""));
        let value = value.trim();
        match word.to_lowercase().as_str() {
            "due" if tactic.due.is_none() => {
                let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad("date"))?;
                tactic.due = Some(date_to_days(day));
            }
            "owner" if tactic.owner.is_none() => tactic.owner = Some(checked(value, line, "owner")?),
            "done" if !tactic.done && value.is_empty() => tactic.done = true,
            _ => return Err(bad("attribute")),
        }
    }
    Ok(tactic)
}

#[cfg(test)]
mod tests {
    use super::{InputError, NaiveDate, Objective, Plan, StrategyKind, Tactic, TacticId, parse, print, template};
    use crate::domain::plan::Strategy as PlanStrategy;
    use proptest::prelude::*;

    const EXAMPLE: &str = "mission: Be Phú Thịnh's only logistics partner in the south
objective: Win the Cần Thơ warehouse contract by June
  strategy customization: A cold-chain offer built around their routes
    tactic: Site visit with their operations lead | due 2026-12-10 | owner lan
    tactic: Send the draft proposal | due 2026-12-20
";

    fn error_of(text: &str) -> (usize, &'static str) {
        match parse(text) {
            Err(InputError::BadOutline { line, expected }) => (line, expected),
            other => panic!("expected an outline error, got {other:?}"),
        }
    }

    #[test]
    fn the_issues_example_reads_and_prints_back() {
        let plan = parse(EXAMPLE).unwrap();
        assert_eq!(plan.mission, "Be Phú Thịnh's only logistics partner in the south");
        let s = &plan.objectives[0].strategies[0];
        assert_eq!(s.kind, StrategyKind::Customization);
        assert_eq!(s.tactics.len(), 2);
        assert_eq!(s.tactics[0].owner.as_deref(), Some("lan"));
        assert_eq!(s.tactics[0].due_date(), NaiveDate::from_ymd_opt(2026, 12, 10));
        assert_eq!(s.tactics[1].owner, None);
        assert_eq!(print(&plan), EXAMPLE);
    }

    #[test]
    fn localized_kinds_comments_and_escapes() {
        let text = "# a comment\n\nmission: A \\| B\nobjective: 目标\n  strategy 核心服务: x\n    tactic: a\\|b \\\\ c | done | OWNER Lan Anh\n  strategy dịch vụ lõi: y\n";
        let plan = parse(text).unwrap();
        assert_eq!(plan.mission, "A | B");
        let st = &plan.objectives[0].strategies;
        assert_eq!(st[0].kind, StrategyKind::CoreService);
        assert_eq!(st[1].kind, StrategyKind::CoreService);
        let t = &st[0].tactics[0];
        assert_eq!(t.text, "a|b \\ c");
        assert!(t.done);
        assert_eq!(t.owner.as_deref(), Some("Lan Anh"));
        assert!(print(&plan).contains("strategy core_service: x"));
        assert!(print(&plan).contains("tactic: a\\|b \\\\ c | owner Lan Anh | done"));
        // A backslash before anything else is kept as typed.
        assert_eq!(parse("mission: C:\\path").unwrap().mission, "C:\\path");
    }

    #[test]
    fn the_template_is_comments_and_an_empty_mission() {
        let text = template("The plan of X\ninjected: line");
        assert!(text.lines().all(|l| l.starts_with('#') || l == "mission: "), "{text}");
        assert_eq!(
            parse(&text),
            Err(InputError::BadOutline {
                line: 6,
                expected: "text"
            })
        );
        // Filled in, it reads.
        assert!(parse(&text.replace("mission: ", "mission: M")).is_ok());
    }

    #[test]
    fn each_mistake_names_its_line_and_what_was_expected() {
        assert_eq!(error_of(""), (1, "mission"));
        assert_eq!(error_of("objective: x"), (1, "mission"));
        assert_eq!(error_of("mission: m\nmission: n"), (2, "one_mission"));
        assert_eq!(error_of("mission:   "), (1, "text"));
        assert_eq!(error_of("mission: m\nhello"), (2, "line_start"));
        assert_eq!(error_of("mission: m\nnote: x"), (2, "line_start"));
        assert_eq!(error_of("mission: m\n  strategy pricing: p"), (2, "objective_first"));
        assert_eq!(error_of("mission: m\nobjective: o\n  tactic: t"), (3, "strategy_first"));
        assert_eq!(error_of("mission: m\nobjective: o\n  strategy nope: p"), (3, "kind"));
        assert_eq!(error_of("mission: m\nobjective: o\n  strategy: p"), (3, "line_start"));
        let base = "mission: m\nobjective: o\n  strategy pricing: p\n";
        assert_eq!(error_of(&format!("{base}    tactic: t | due 2026-13-01")), (4, "date"));
        assert_eq!(error_of(&format!("{base}    tactic: t | due tomorrow")), (4, "date"));
        assert_eq!(error_of(&format!("{base}    tactic: t | owner ")), (4, "owner"));
        assert_eq!(error_of(&format!("{base}    tactic: t | soon")), (4, "attribute"));
        assert_eq!(
            error_of(&format!("{base}    tactic: t | done | done")),
            (4, "attribute")
        );
        assert_eq!(
            error_of(&format!("{base}    tactic: t | due 2026-01-01 | due 2026-01-02")),
            (4, "attribute")
        );
        assert_eq!(error_of(&format!("{base}    tactic:  | due 2026-01-01")), (4, "text"));
        assert_eq!(error_of(&format!("{base}    tactic: a\u{7}b")), (4, "no_control"));
    }

    fn text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 àáạảãăắđêếịọơưữ中文关系:#|\\\\]{1,16}"
            .prop_map(|s| s.trim().to_string())
            .prop_filter("not blank", |s| !s.is_empty())
    }

    fn tactic() -> impl Strategy<Value = Tactic> {
        (
            text(),
            proptest::option::of(700_000i32..800_000),
            proptest::option::of(text()),
            any::<bool>(),
        )
            .prop_map(|(text, due, owner, done)| Tactic {
                id: TacticId(0),
                text,
                due,
                owner,
                done,
            })
    }

    fn plan() -> impl Strategy<Value = Plan> {
        let strategy = (
            proptest::sample::select(StrategyKind::ALL.to_vec()),
            text(),
            proptest::collection::vec(tactic(), 0..4),
        )
            .prop_map(|(kind, text, tactics)| PlanStrategy { kind, text, tactics });
        let objective = (text(), proptest::collection::vec(strategy, 0..3))
            .prop_map(|(text, strategies)| Objective { text, strategies });
        (text(), proptest::collection::vec(objective, 0..3))
            .prop_map(|(mission, objectives)| Plan { mission, objectives })
    }

    proptest! {
        #[test]
        fn print_then_parse_gives_the_plan_back(p in plan()) {
            let printed = print(&p);
            let read = parse(&printed).unwrap();
            prop_assert_eq!(&read, &p);
            prop_assert_eq!(print(&read), printed);
        }
    }
}
