//! Sample data: a realistic workspace of Vietnamese, Chinese and English
//! customers in every stage, with purchases, interactions and follow-ups.
//! The same seed (on the same day) always gives the same data.

mod data;
mod deals;
mod rng;

use chrono::{Days, NaiveDate};
use thiserror::Error;

use crate::domain::dates::{date_to_days, local_midnight};
use crate::domain::organization::id_for_name;
use crate::domain::text::fold;
use crate::domain::{
    CadenceRules, Channel, Customer, CustomerId, Direction, Factor, FollowUp, FollowUpId, Interaction, InteractionId,
    Level, Money, OrgKind, Organization, SpinPart, Stage,
};
use crate::store::{Edit, OpenOptions, Store, StoreError};
use data::{Lang, Lists};
pub use rng::Rng;

const DAY_MS: i64 = 24 * 3600 * 1000;
/// Ops per journal write and view batch.
const CHUNK_OPS: usize = 4000;
/// Teammates who own some of the sample customers.
const TEAMMATES: [&str; 4] = ["Lan", "Minh", "Wei", "Sarah"];

#[derive(Debug, Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("embedded sample data is unreadable: {0}")]
    Data(#[from] toml::de::Error),
}

#[derive(Debug, Clone, Copy)]
pub struct DemoSpec {
    pub customers: usize,
    pub interactions: usize,
    pub seed: u64,
}

/// How much has been saved so far (journaled and in the view).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoProgress {
    pub customers: usize,
    pub interactions: usize,
    pub follow_ups: usize,
    pub deals: usize,
}

/// A folder for a new sample workspace in the system's temporary folder,
/// one that does not exist yet.
pub fn temporary_workspace() -> std::path::PathBuf {
    loop {
        let name = format!("guanxi-demo-{:08x}", crate::workspace::random_u64() as u32);
        let path = std::env::temp_dir().join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            return path;
        }
    }
}

/// A new temporary workspace filled with sample data, opened as `like` is
/// (same local state folder, author, clock and rules). Sample data never
/// goes into a workspace already in use: it may be a team's shared folder,
/// and `undo` there must take back the user's own changes.
pub fn sample_workspace_like(like: &Store, spec: &DemoSpec) -> Result<(Store, DemoProgress), DemoError> {
    let state_root = like
        .workspace()
        .state_dir
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let mut store = Store::open(OpenOptions {
        workspace: temporary_workspace(),
        state_root,
        author: like.author().to_string(),
        clock: *like.clock(),
        rules: like.rules().clone(),
    })?;
    let saved = generate(&mut store, spec, |_| {})?;
    store.compact_if_wasteful()?;
    crate::workspace::private::tighten(&store.workspace().state_dir);
    Ok((store, saved))
}

/// Fills `store` with sample data, calling `on_saved` after each durable
/// chunk so a caller can report progress that is true even if the process
/// is killed a moment later.
pub fn generate(
    store: &mut Store,
    spec: &DemoSpec,
    mut on_saved: impl FnMut(&DemoProgress),
) -> Result<DemoProgress, DemoError> {
    let lists = Lists::load()?;
    let today = store.clock().today();
    let anchor = local_midnight(today);
    let author = store.author().to_string();
    let counts = interaction_counts(spec);
    let mut saved = DemoProgress::default();
    let mut pending = DemoProgress::default();
    let mut changes: Vec<(Vec<Edit>, Option<i64>)> = Vec::with_capacity(CHUNK_OPS + 64);
    store.defer_indexes()?;
    // The partners first: customers name the one that referred them. (The
    // companies become organizations as the customers are saved.)
    let partners = partners(&lists, anchor, &author);
    changes.push((
        partners
            .iter()
            .map(|o| Edit::AddOrganization {
                id: o.id,
                fields: o.to_fields(),
            })
            .collect(),
        Some(anchor - 400 * DAY_MS),
    ));
    let branches = branches_per_company(&lists, spec.customers);
    for (index, &(stage, count)) in counts.iter().enumerate() {
        let mut plan = plan_customer(&lists, spec.seed, index as u64, stage, count, anchor, today, &author);
        // A large sample has an organization for about every ten
        // customers: its companies' branches, drawn apart like referrals.
        if branches > 1 && !plan.customer.company.is_empty() {
            let mut branch = Rng::for_item(spec.seed, 10, index as u64);
            let n = 1 + branch.below(branches);
            if n > 1 {
                let pattern = pick(&mut branch, lists.people.branches.get(plan.lang));
                plan.customer.company = pattern
                    .replace("{company}", &plan.customer.company)
                    .replace("{n}", &n.to_string());
            }
        }
        // One in eight came through a partner; drawn apart from the
        // customer's own numbers, so these stay what they were.
        let mut referral = Rng::for_item(spec.seed, 9, index as u64);
        if !partners.is_empty() && referral.chance(0.125) {
            let p = &partners[referral.below(partners.len() as u64) as usize];
            plan.customer.referred_by = Some(p.id);
        }
        let id = plan.customer.id;
        changes.push((
            vec![Edit::CreateCustomer {
                id,
                fields: plan.customer.to_fields(),
            }],
            Some(plan.customer.created_at),
        ));
        for (at, from, to) in plan.moves {
            changes.push((
                vec![Edit::MoveStage {
                    id,
                    from,
                    to,
                    at: Some(at),
                }],
                Some(at),
            ));
        }
        for i in &plan.interactions {
            changes.push((
                vec![Edit::LogInteraction {
                    id: i.id,
                    fields: i.to_fields(),
                }],
                Some(i.at),
            ));
        }
        for f in &plan.follow_ups {
            changes.push((
                vec![Edit::AddFollowUp {
                    id: f.id,
                    fields: f.to_fields(),
                }],
                Some(f.created_at),
            ));
        }
        let probabilities = &store.rules().deal_probability;
        if let Some(d) = deals::for_customer(
            &lists,
            spec.seed,
            index as u64,
            &plan.customer,
            stage,
            plan.lang,
            anchor,
            today,
            probabilities,
        ) {
            changes.push((
                vec![Edit::AddDeal {
                    id: d.id,
                    fields: d.to_fields(),
                }],
                Some(d.created_at),
            ));
            pending.deals += 1;
        }
        pending.customers += 1;
        pending.interactions += plan.interactions.len();
        pending.follow_ups += plan.follow_ups.len();
        if changes.len() >= CHUNK_OPS || index + 1 == counts.len() {
            store.commit_bulk(std::mem::take(&mut changes))?;
            saved = pending;
            on_saved(&saved);
        }
    }
    store.make_indexes()?;
    store.flush()?;
    Ok(saved)
}

/// How many branches each sample company has, so that there is an
/// organization for about every ten customers (the 100,000-customer
/// sample has some 10,000): one in a small sample.
fn branches_per_company(lists: &Lists, customers: usize) -> u64 {
    let c = &lists.people.companies;
    let companies = (c.vi.len() + c.zh.len() + c.en.len()).max(1);
    // Four customers in five name a company: some eight people each.
    (customers / 10 / companies).max(1) as u64
}

/// The sample partner organizations, in every language, with ids from
/// their names.
fn partners(lists: &Lists, anchor: i64, author: &str) -> Vec<Organization> {
    let p = &lists.people.partners;
    p.vi.iter()
        .chain(&p.zh)
        .chain(&p.en)
        .enumerate()
        .map(|(n, name)| {
            let mut o = Organization::empty(id_for_name(name));
            o.name = name.clone();
            o.kind = if n % 3 == 0 {
                OrgKind::Referrer
            } else {
                OrgKind::Partner
            };
            o.owner = author.to_string();
            o.created_at = anchor - 400 * DAY_MS;
            o.created_by = author.to_string();
            o
        })
        .collect()
}

/// Each customer's stage and number of interactions. Later stages get
/// more history; the counts add up to exactly `spec.interactions`.
fn interaction_counts(spec: &DemoSpec) -> Vec<(Stage, usize)> {
    // Many leads, fewer loyal customers: the shape of a real pipeline.
    const STAGE_WEIGHTS: [u32; 7] = [22, 18, 16, 14, 12, 10, 8];
    let mut drawn = Vec::with_capacity(spec.customers);
    let mut total_weight = 0.0;
    for i in 0..spec.customers {
        let mut rng = Rng::for_item(spec.seed, 1, i as u64);
        let stage = Stage::ALL[rng.weighted(&STAGE_WEIGHTS)];
        let weight = (1.0 + stage.index() as f64) * (0.4 + rng.unit() * 1.2);
        total_weight += weight;
        drawn.push((stage, weight));
    }
    let mut counts: Vec<(Stage, usize)> = drawn
        .iter()
        .map(|&(stage, w)| (stage, (spec.interactions as f64 * w / total_weight.max(1e-9)) as usize))
        .collect();
    let assigned: usize = counts.iter().map(|c| c.1).sum();
    let remainder = spec.interactions.saturating_sub(assigned);
    let n = counts.len();
    if n > 0 {
        for k in 0..remainder {
            counts[k % n].1 += 1;
        }
    }
    counts
}

struct Plan {
    customer: Customer,
    /// The language the customer's data is drawn in.
    lang: Lang,
    moves: Vec<(i64, Stage, Stage)>,
    interactions: Vec<Interaction>,
    follow_ups: Vec<FollowUp>,
}

fn pick(rng: &mut Rng, items: &[String]) -> String {
    rng.pick(items).cloned().unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn plan_customer(
    lists: &Lists,
    seed: u64,
    index: u64,
    stage: Stage,
    interactions: usize,
    anchor: i64,
    today: NaiveDate,
    author: &str,
) -> Plan {
    let mut rng = Rng::for_item(seed, 2, index);
    let people = &lists.people;
    let act = &lists.activity;
    let lang = [Lang::Vi, Lang::Zh, Lang::En][rng.weighted(&[45, 30, 25])];
    let (name, email_local) = person_name(&mut rng, lists, lang);
    let mut c = Customer::empty(CustomerId(rng.next_u64()));
    c.name = name;
    if rng.chance(0.8) {
        c.company = pick(&mut rng, people.companies.get(lang));
    }
    c.title = pick(&mut rng, people.titles.get(lang));
    let domain = pick(&mut rng, people.email_domains.get(lang));
    c.emails.push(format!("{email_local}@{domain}"));
    c.phones.push(phone(&mut rng, lang));
    if rng.chance(0.2) {
        c.phones.push(phone(&mut rng, lang));
    }
    if rng.chance(0.7) {
        c.address = pick(&mut rng, people.addresses.get(lang));
    }
    for _ in 0..rng.below(4) {
        c.tags.insert(pick(&mut rng, &act.tags.list));
    }
    c.segment = pick(&mut rng, &act.segments.list);
    c.source = pick(&mut rng, &act.sources.list);
    c.owner = if rng.chance(0.7) {
        author.to_string()
    } else {
        TEAMMATES[rng.below(TEAMMATES.len() as u64) as usize].to_string()
    };
    if stage >= Stage::Consolidate {
        c.loyalty_tier = act
            .loyalty_tiers
            .list
            .iter()
            .filter(|t| !t.is_empty())
            .nth(rng.below(3) as usize)
            .cloned()
            .unwrap_or_default();
    }
    if rng.chance(0.5) {
        c.notes = pick(&mut rng, act.notes.get(lang));
    }
    c.level = match stage.index() {
        0 | 1 => [Level::Basic, Level::Reactive][rng.below(2) as usize],
        2 | 3 => [Level::Reactive, Level::Accountable, Level::Proactive][rng.below(3) as usize],
        _ => [Level::Accountable, Level::Proactive, Level::Partnership][rng.below(3) as usize],
    };
    if rng.chance(0.85) {
        let base = 1.0 + stage.index() as f64 * 0.55;
        for f in Factor::ALL {
            let score = (base + rng.unit() * 2.0 - 1.0).round().clamp(0.0, 5.0) as u8;
            c.factors.set(f, Some(score));
        }
    }
    if stage >= Stage::Establish && rng.chance(0.4) {
        let s = &act.spin;
        for (part, list) in [
            (SpinPart::Situation, &s.situation),
            (SpinPart::Problem, &s.problem),
            (SpinPart::Implication, &s.implication),
            (SpinPart::Need, &s.need),
        ] {
            c.spin.set(part, pick(&mut rng, list.get(lang)));
        }
    }
    if rng.chance(0.05) {
        c.cadence_days = Some([3, 10, 21, 45, 90][rng.below(5) as usize]);
    }
    let age_days = rng.between(20 + 60 * stage.index() as i64, 200 + 150 * stage.index() as i64);
    c.created_at = anchor - age_days * DAY_MS - rng.between(0, DAY_MS - 1);
    c.created_by = c.owner.clone();

    // Where the relationship stands today: a working salesperson's book,
    // mostly looked after, a few contacts due today, some a little late
    // and a handful badly so. Either the stay-in-touch clock or an open
    // follow-up carries a customer's lateness, not both.
    let cadence = i64::from(
        c.cadence_days
            .unwrap_or_else(|| CadenceRules::default().for_stage(stage)),
    );
    let standing = Standing::draw(&mut rng, cadence);
    let follow_up_carries = matches!(standing, Standing::Due(_)) && rng.chance(0.35);
    // Days from the last touch to today: due in 1 to `cadence` - 1 days
    // when looked after, today when due today, else as late as drawn.
    let touch_days = match standing {
        Standing::Due(late) if !follow_up_carries => cadence + late,
        _ => rng.between(1, (cadence - 1).max(1)),
    };
    // Some time during that day's working hours: always before today.
    let touch_at = anchor - touch_days * DAY_MS + rng.between(8 * 3600 * 1000, 18 * 3600 * 1000);
    if interactions == 0 || c.created_at > touch_at {
        // A customer never contacted was added on its last "touch" day.
        c.created_at = if interactions == 0 {
            touch_at
        } else {
            touch_at - rng.between(1, 30) * DAY_MS
        };
    }

    // Stage moves, attract → stage, spread over the customer's life.
    let mut move_times: Vec<i64> = (0..stage.index())
        .map(|_| rng.between(c.created_at, anchor - DAY_MS))
        .collect();
    move_times.sort_unstable();
    let moves = move_times
        .iter()
        .enumerate()
        .map(|(k, &at)| (at, Stage::ALL[k], Stage::ALL[k + 1]))
        .collect();

    // The interactions run up to the last touch, which is the latest.
    let mut times: Vec<i64> = (0..interactions).map(|_| rng.between(c.created_at, touch_at)).collect();
    times.sort_unstable();
    if let Some(last) = times.last_mut() {
        *last = touch_at;
    }
    let purchase_weight = 2 + 4 * stage.index() as u32;
    let weights = [25, 20, 12, 15, 3, 5, 3, purchase_weight, 6, 2];
    let log = times
        .into_iter()
        .map(|at| {
            let channel = Channel::ALL[rng.weighted(&weights)];
            let mut i = Interaction::empty(InteractionId(rng.next_u64()), c.id);
            i.at = at;
            i.channel = channel;
            i.direction = if channel == Channel::Support || rng.chance(0.25) {
                Direction::Inbound
            } else {
                Direction::Outbound
            };
            i.summary = act
                .summaries
                .get(channel.key())
                .map(|s| pick(&mut rng, s.get(lang)))
                .unwrap_or_default();
            if rng.chance(0.6) {
                i.outcome = pick(&mut rng, act.outcomes.get(lang));
            }
            if rng.chance(0.2) {
                i.body = pick(&mut rng, act.bodies.get(lang));
            }
            if rng.chance(0.7) {
                // Experience differs by touchpoint (seed 002), so the
                // report's gaps have something to show: support calls
                // fall short of the promise more often, meetings exceed it.
                let weights: &[u32] = match channel {
                    Channel::Support => &[5, 7, 8, 6, 3],
                    Channel::Email | Channel::Mail => &[2, 4, 10, 9, 4],
                    Channel::Meeting | Channel::Event => &[1, 1, 4, 12, 14],
                    _ => &[1, 2, 6, 14, 10],
                };
                i.satisfaction = Some(1 + rng.weighted(weights) as u8);
            }
            if channel == Channel::Purchase {
                i.amount = Some(Money::from_units(rng.between(5, 500) * 100));
            }
            i.author = c.owner.clone();
            i
        })
        .collect();

    // Follow-ups: past ones done, open ones ahead; the one that is late
    // or due today when the customer's standing is carried by a promise.
    let mut follow_ups = Vec::new();
    let mut follow_up = |rng: &mut Rng, due: NaiveDate, done: bool| {
        let mut f = FollowUp::empty(FollowUpId(rng.next_u64()), c.id);
        f.due = date_to_days(due);
        f.what = pick(rng, act.follow_ups.get(lang));
        f.author = c.owner.clone();
        f.created_at = (local_midnight(due) - rng.between(1, 14) * DAY_MS)
            .min(anchor - DAY_MS)
            .max(c.created_at);
        if done {
            f.done_at = Some(local_midnight(due) + 10 * 3600 * 1000);
        }
        follow_ups.push(f);
    };
    let ago = |days: i64| today.checked_sub_days(Days::new(days.unsigned_abs())).unwrap_or(today);
    if rng.chance(0.3) {
        let due = ago(rng.between(1, 60));
        follow_up(&mut rng, due, true);
    }
    if follow_up_carries {
        follow_up(&mut rng, ago(standing.late_days()), false);
    } else if rng.chance(0.5) {
        let ahead = rng.between(1, 28);
        let due = today.checked_add_days(Days::new(ahead.unsigned_abs())).unwrap_or(today);
        follow_up(&mut rng, due, false);
    }
    Plan {
        customer: c,
        lang,
        moves,
        interactions: log,
        follow_ups,
    }
}

/// How a sample relationship stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// Contacted within its cadence: nothing due yet.
    LookedAfter,
    /// Due this many days ago (0: due today).
    Due(i64),
}

impl Standing {
    /// Of every 1,000 relationships: 20 due today, 35 a little late (up to
    /// half a cadence, two weeks at most), 4 badly late (one to five
    /// months), the rest looked after.
    fn draw(rng: &mut Rng, cadence: i64) -> Standing {
        match rng.weighted(&[941, 20, 35, 4]) {
            0 => Standing::LookedAfter,
            1 => Standing::Due(0),
            2 => Standing::Due(rng.between(1, (cadence / 2).clamp(1, 14))),
            _ => Standing::Due(rng.between(30, 150)),
        }
    }

    /// Days late: 0 when due today (or looked after).
    fn late_days(self) -> i64 {
        match self {
            Standing::LookedAfter => 0,
            Standing::Due(days) => days,
        }
    }
}

/// A full name in the language's order, and an email local part for it.
fn person_name(rng: &mut Rng, lists: &Lists, lang: Lang) -> (String, String) {
    let p = &lists.people;
    match lang {
        Lang::Vi => {
            let family = rng.pick_skewed(&p.vi.family).cloned().unwrap_or_default();
            let female = rng.chance(0.5);
            let (middles, givens) = if female {
                (&p.vi.middle_female, &p.vi.given_female)
            } else {
                (&p.vi.middle_male, &p.vi.given_male)
            };
            let given = pick(rng, givens);
            let middle = pick(rng, middles);
            let name = if given.split(' ').any(|g| middle.split(' ').any(|m| m == g)) || given.contains(' ') {
                format!("{family} {given}")
            } else {
                format!("{family} {middle} {given}")
            };
            let local = format!("{}.{}{}", ascii(&given), ascii(&family), rng.below(100));
            (name, local)
        }
        Lang::Zh => {
            let family = rng.pick_skewed(&p.zh.family).cloned().unwrap_or_default();
            let given = pick(rng, &p.zh.given);
            // QQ-style numeric mailboxes are the common case.
            (
                format!("{family}{given}"),
                rng.between(10_000_000, 3_999_999_999).to_string(),
            )
        }
        Lang::En => {
            let first = pick(rng, &p.en.first);
            let last = pick(rng, &p.en.last);
            let local = format!("{}.{}", ascii(&first), ascii(&last));
            (format!("{first} {last}"), local)
        }
    }
}

fn ascii(s: &str) -> String {
    fold(s).chars().filter(char::is_ascii_alphanumeric).collect()
}

fn phone(rng: &mut Rng, lang: Lang) -> String {
    let d = |rng: &mut Rng, n: u32| format!("{:0width$}", rng.below(10u64.pow(n)), width = n as usize);
    match lang {
        Lang::Vi => format!("+84 9{} {} {}", d(rng, 1), d(rng, 3), d(rng, 3)),
        Lang::Zh => format!("+86 13{} {} {}", d(rng, 1), d(rng, 4), d(rng, 4)),
        Lang::En => format!("+1 ({}) {}-{}", 200 + rng.below(800), d(rng, 3), d(rng, 4)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_exactly() {
        for (customers, interactions) in [(0, 0), (1, 5), (7, 3), (120, 1200), (1000, 9999)] {
            let spec = DemoSpec {
                customers,
                interactions: if customers == 0 { 0 } else { interactions },
                seed: 3,
            };
            let counts = interaction_counts(&spec);
            assert_eq!(counts.len(), customers);
            assert_eq!(counts.iter().map(|c| c.1).sum::<usize>(), spec.interactions);
        }
    }

    #[test]
    fn the_book_is_mostly_looked_after_with_a_few_due_and_a_handful_badly_late() {
        let lists = Lists::load().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let anchor = local_midnight(today);
        let rules = CadenceRules::default();
        let (mut looked_after, mut due_today, mut late, mut badly_late) = (0, 0, 0, 0);
        for index in 0..2000 {
            let stage = Stage::ALL[index % 7];
            let mut plan = plan_customer(&lists, 1, index as u64, stage, index % 12, anchor, today, "me");
            assert!(plan.interactions.iter().all(|i| i.at < anchor), "nothing in the future");
            plan.customer.activity = crate::domain::Activity::from_interactions(&plan.interactions);
            // The stage comes with the moves the store applies.
            plan.customer.stage = stage;
            let next = rules.next_contact(&plan.customer, FollowUp::earliest_open(&plan.follow_ups));
            match (today - next).num_days() {
                d if d < 0 => looked_after += 1,
                0 => due_today += 1,
                d if d < 30 => late += 1,
                _ => badly_late += 1,
            }
        }
        assert!(
            looked_after > 1800,
            "{looked_after} looked after, {due_today} today, {late} late, {badly_late} badly"
        );
        assert!((20..=60).contains(&due_today), "{due_today} due today");
        assert!((30..=120).contains(&late), "{late} late");
        assert!((2..=20).contains(&badly_late), "{badly_late} badly late");
    }

    #[test]
    fn plans_are_deterministic_and_plausible() {
        let lists = Lists::load().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let anchor = local_midnight(today);
        let a = plan_customer(&lists, 9, 4, Stage::Develop, 12, anchor, today, "me");
        let b = plan_customer(&lists, 9, 4, Stage::Develop, 12, anchor, today, "me");
        assert_eq!(a.customer, b.customer);
        assert_eq!(a.interactions, b.interactions);
        assert_eq!(a.moves.len(), 3);
        assert_eq!(a.interactions.len(), 12);
        assert!(a.interactions.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(
            a.interactions
                .iter()
                .all(|i| i.at >= a.customer.created_at && i.at < anchor)
        );
        assert!(!a.customer.name.is_empty());
        assert!(crate::domain::validate::email(&a.customer.emails[0]).is_ok());
        assert!(crate::domain::validate::phone(&a.customer.phones[0]).is_ok());
    }
}
