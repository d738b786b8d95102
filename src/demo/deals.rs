//! Sample deals: every other customer is hoped to buy something more, at
//! the probability its stage gives (the workspace's `[deal_probability]`),
//! closing from a few weeks ago to four months ahead; about one in seven
//! was lost, with its reason. None is won: a won deal logs its purchase,
//! and the sample purchases are already in the customers' histories.
//! Drawn from a stream of its own, so adding deals left the customers and
//! their histories as the same seed made them before.

use chrono::{Days, NaiveDate};

use super::data::{Lang, Lists};
use super::{DAY_MS, Rng, pick};
use crate::domain::dates::date_to_days;
use crate::domain::{Customer, Deal, DealId, DealProbability, DealStatus, Money, Stage};

/// The stream deals are drawn from (customers use 2).
const STREAM: u64 = 3;

/// The deal of the customer made `index`th, in `stage` (where its moves
/// take it), if it has one: half of them do.
#[allow(clippy::too_many_arguments)]
pub fn for_customer(
    lists: &Lists,
    seed: u64,
    index: u64,
    c: &Customer,
    stage: Stage,
    lang: Lang,
    anchor: i64,
    today: NaiveDate,
    probabilities: &DealProbability,
) -> Option<Deal> {
    if index % 2 == 1 {
        return None;
    }
    let mut rng = Rng::for_item(seed, STREAM, index);
    let words = &lists.activity.deals;
    let mut d = Deal::empty(DealId(rng.next_u64()), c.id);
    d.title = pick(&mut rng, words.titles.get(lang));
    let scale = 1 + stage.index() as i64;
    d.amount = Money::from_units(rng.between(10, 200 * scale) * 100);
    d.probability = probabilities.for_stage(stage);
    d.owner = c.owner.clone();
    d.created_at = rng.between(c.created_at, anchor - DAY_MS).max(c.created_at);
    let ahead = rng.between(-20, 120);
    let close = if ahead < 0 {
        today.checked_sub_days(Days::new(ahead.unsigned_abs()))
    } else {
        today.checked_add_days(Days::new(ahead.unsigned_abs()))
    };
    d.close = close.map(date_to_days);
    if stage > Stage::Attract && rng.chance(0.15) {
        d.status = DealStatus::Lost;
        d.reason = pick(&mut rng, words.lost_reasons.get(lang));
        d.closed_at = Some(rng.between(d.created_at, anchor - 1));
    }
    Some(d)
}
