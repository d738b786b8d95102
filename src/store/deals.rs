//! Deals: hoped-for purchases, each a record of its own under `keys::deal`
//! merged field by field like a follow-up, found from its customer
//! through a link kept beside it (`links`), so a customer's deals cost
//! what they return. A deal follows its customer
//! when duplicates are merged (`merge_customers` moves it), and winning
//! one logs the purchase in the same op, so one undo takes back both.

use chrono::{DateTime, NaiveDate, Utc};

use super::error::StoreError;
use super::keys;
use super::op::Edit;
use super::records::DealRecord;
use super::resolve::MAX_CANDIDATES;
use super::storage::Storage;
use super::txn::Txn;
use super::{Store, View};
use crate::domain::dates::{date_to_days, to_millis};
use crate::domain::ids::prefix_range;
use crate::domain::{
    Channel, CustomerId, Deal, DealField, DealId, DealStatus, Direction, InputError, Interaction, InteractionId, Money,
};
use crate::sync::Stamp;

/// Applies one `Edit::AddDeal` (`create`) or `Edit::UpdateDeal`.
pub(super) fn apply(
    tx: &mut Txn,
    stamp: Stamp,
    id: DealId,
    fields: &[DealField],
    create: bool,
) -> Result<(), StoreError> {
    // Who the deal was ever with, whether or not this write wins: a
    // forget of any of them erases it (see `forget`).
    for f in fields {
        if let DealField::Customer(c) = f {
            tx.put(keys::deal_named(*c, id), Vec::new());
        }
    }
    let before = current(tx, id)?;
    let mut rec = before.clone();
    // The creation's customer is a register like any other: an update seen
    // first that moved the deal (a teammate's merge) keeps its later
    // customer, and one that did not leaves the creation's to win.
    if !rec
        .registers
        .merge(&mut rec.deal, fields.iter().cloned(), stamp, create)
    {
        return Ok(());
    }
    tx.touch(before.deal.customer);
    tx.touch(rec.deal.customer);
    let (old, new) = (links(&before), links(&rec));
    for k in old.iter().filter(|k| !new.contains(k)) {
        tx.delete(k.clone());
    }
    for k in new.iter().filter(|k| !old.contains(k)) {
        tx.put(k.clone(), Vec::new());
    }
    tx.put_encoded(keys::deal(id), &rec)
}

/// The key that finds a live deal from its customer (none for a deal not
/// live). Derived from the record: kept by apply and made again from the
/// records with the indexes (`relink`).
fn links(rec: &DealRecord) -> Vec<Vec<u8>> {
    if !rec.is_live() {
        return Vec::new();
    }
    vec![keys::deal_of_customer(rec.deal.customer, rec.deal.id)]
}

/// How many deal links differ from what the deal records say (missing
/// or left over): for `doctor`, beside the indexes'.
pub(super) fn link_mismatches(storage: &Storage) -> Result<usize, StoreError> {
    let mut wanted = std::collections::BTreeSet::new();
    for rec in records(storage)? {
        wanted.extend(links(&rec));
    }
    let mut stored = std::collections::BTreeSet::new();
    for entry in storage.scan_prefix(&[keys::DEAL_OF_CUSTOMER]) {
        stored.insert(entry?.0.to_vec());
    }
    Ok(wanted.symmetric_difference(&stored).count())
}

/// Makes every deal's links again from the deal records: for a view whose
/// indexes are made from its records (an older view, a snapshot's load).
pub(super) fn relink(tx: &mut Txn, storage: &Storage) -> Result<(), StoreError> {
    for entry in storage.scan_prefix(&[keys::DEAL_OF_CUSTOMER]) {
        tx.delete(entry?.0.to_vec());
    }
    for rec in records(storage)? {
        for k in links(&rec) {
            tx.put(k, Vec::new());
        }
    }
    Ok(())
}

/// The deal as the batch sees it (a blank record if unknown).
pub(super) fn current(tx: &Txn, id: DealId) -> Result<DealRecord, StoreError> {
    Ok(tx
        .get_decoded::<DealRecord>(&keys::deal(id))?
        .unwrap_or_else(|| DealRecord::new(id)))
}

/// Every deal record, live or not, in id order.
pub(super) fn records(storage: &Storage) -> Result<Vec<DealRecord>, StoreError> {
    let mut out = Vec::new();
    for entry in storage.scan_prefix(&[keys::DEAL]) {
        let (_, v) = entry?;
        out.push(super::codec::decode(&v).map_err(StoreError::codec("deal record"))?);
    }
    Ok(out)
}

impl View {
    /// Every live deal, any status, in id order.
    pub fn deals(&self) -> Result<Vec<Deal>, StoreError> {
        Ok(records(&self.storage)?
            .into_iter()
            .filter(DealRecord::is_live)
            .map(|r| r.deal)
            .collect())
    }

    /// The live deals of one status, in id order. Read from every deal:
    /// most deals are open, and a link per deal by status cost more disk
    /// than the won and lost lists it would spare.
    pub fn deals_with_status(&self, status: DealStatus) -> Result<Vec<Deal>, StoreError> {
        Ok(self.deals()?.into_iter().filter(|d| d.status == status).collect())
    }

    /// The live deals whose links start with `prefix`.
    fn linked_deals(&self, prefix: &[u8]) -> Result<Vec<Deal>, StoreError> {
        let mut out = Vec::new();
        for entry in self.storage.scan_prefix(prefix) {
            let (k, _) = entry?;
            let Some(id) = keys::deal_of_link(&k) else { continue };
            if let Some(rec) = self.deal(id)?.filter(DealRecord::is_live) {
                out.push(rec.deal);
            }
        }
        Ok(out)
    }

    /// A customer's live deals: open ones first by close day (undated
    /// last), then the closed ones, latest first.
    pub fn deals_of(&self, customer: CustomerId) -> Result<Vec<Deal>, StoreError> {
        let mut out: Vec<Deal> = self
            .linked_deals(&keys::deals_of_customer(customer))?
            .into_iter()
            .filter(|d| d.customer == customer)
            .collect();
        out.sort_by_key(|d| {
            (
                !d.is_open(),
                d.close.is_none(),
                if d.is_open() { d.close.unwrap_or(0) } else { 0 },
                std::cmp::Reverse(d.closed_at),
                d.id,
            )
        });
        Ok(out)
    }

    /// A deal, live or not.
    pub fn deal(&self, id: DealId) -> Result<Option<DealRecord>, StoreError> {
        match self.storage.get(&keys::deal(id))? {
            Some(v) => Ok(Some(
                super::codec::decode(&v).map_err(StoreError::codec("deal record"))?,
            )),
            None => Ok(None),
        }
    }

    /// Finds a live deal by id or unique id prefix.
    pub fn resolve_deal(&self, reference: &str) -> Result<Deal, StoreError> {
        let r = reference.trim().to_lowercase();
        let none = || StoreError::from(InputError::NoSuchDeal(reference.trim().to_string()));
        let (low, high) = prefix_range(&r).ok_or_else(none)?;
        let mut found = Vec::new();
        for entry in self.storage.range(keys::deal(DealId(low))..=keys::deal(DealId(high))) {
            let (_, v) = entry?;
            let rec: DealRecord = super::codec::decode(&v).map_err(StoreError::codec("deal record"))?;
            if rec.is_live() {
                found.push(rec.deal);
            }
        }
        match found.len() {
            0 => Err(none()),
            1 => found.pop().ok_or_else(none),
            n => Err(InputError::AmbiguousDeal {
                reference: reference.trim().to_string(),
                count: n,
                candidates: found
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|d| format!("{}  {}  {}", d.id, d.amount, d.title))
                    .chain(
                        (n > MAX_CANDIDATES)
                            .then(|| crate::i18n::tf("error.and_more", &[("count", &(n - MAX_CANDIDATES))])),
                    )
                    .collect(),
            }
            .into()),
        }
    }
}

/// What a new deal is: its customer, title and amount, and optionally
/// its close day and probability (else the customer's stage default).
#[derive(Debug, Clone, PartialEq)]
pub struct NewDeal {
    pub customer: CustomerId,
    pub title: String,
    pub amount: Money,
    pub close: Option<NaiveDate>,
    pub probability: Option<u8>,
}

impl Store {
    pub fn new_deal_id(&mut self) -> DealId {
        DealId(self.new_id())
    }

    /// Adds an open deal owned by the current user. Without a probability
    /// it takes its customer's stage default (`Rules::deal_probability`).
    pub fn add_deal(&mut self, new: NewDeal) -> Result<DealId, StoreError> {
        let stage = self
            .live_customer(new.customer)?
            .map(|r| r.customer.stage)
            .unwrap_or(crate::domain::Stage::Attract);
        let mut d = Deal::empty(self.new_deal_id(), new.customer);
        d.title = new.title;
        d.amount = new.amount;
        d.close = new.close.map(date_to_days);
        d.probability = new
            .probability
            .unwrap_or_else(|| self.rules().deal_probability.for_stage(stage))
            .min(100);
        d.owner = self.author().to_string();
        d.created_at = self.clock().now_ms();
        let id = d.id;
        self.commit(vec![Edit::AddDeal {
            id,
            fields: d.to_fields(),
        }])?;
        Ok(id)
    }

    /// Marks a deal won and logs its purchase, dated `at`, of its amount,
    /// in one op (one undo takes both back). Returns the purchase's id;
    /// `None` when the deal was already won.
    pub fn win_deal(&mut self, deal: &Deal, at: DateTime<Utc>) -> Result<Option<InteractionId>, StoreError> {
        if deal.status == DealStatus::Won {
            return Ok(None);
        }
        let mut i = Interaction::empty(self.new_interaction_id(), deal.customer);
        i.at = to_millis(at);
        i.channel = Channel::Purchase;
        i.direction = Direction::Inbound;
        i.summary = deal.title.clone();
        i.amount = Some(deal.amount);
        i.author = self.author().to_string();
        let purchase = i.id;
        let now = self.clock().now_ms();
        self.commit(vec![
            Edit::UpdateDeal {
                id: deal.id,
                fields: vec![
                    DealField::Status(DealStatus::Won),
                    DealField::Reason(String::new()),
                    DealField::ClosedAt(Some(now)),
                ],
            },
            Edit::LogInteraction {
                id: purchase,
                fields: i.to_fields(),
            },
        ])?;
        Ok(Some(purchase))
    }

    /// Marks a deal lost, saying why; false when it already was, for the
    /// same reason. A won deal is refused: its purchase is logged, and
    /// calling it lost would leave that revenue behind (undo takes a win
    /// back).
    pub fn lose_deal(&mut self, deal: &Deal, reason: String) -> Result<bool, StoreError> {
        if deal.status == DealStatus::Won {
            return Err(InputError::Invalid(crate::i18n::tf("error.deal_won", &[("title", &deal.title)])).into());
        }
        if deal.status == DealStatus::Lost && deal.reason == reason {
            return Ok(false);
        }
        let now = self.clock().now_ms();
        self.commit(vec![Edit::UpdateDeal {
            id: deal.id,
            fields: vec![
                DealField::Status(DealStatus::Lost),
                DealField::Reason(reason),
                DealField::ClosedAt(Some(now)),
            ],
        }])?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::ReplicaId;
    use crate::workspace::Workspace;

    /// The deal as a fresh view has it after applying `writes` in order.
    fn applied(writes: &[&(Stamp, Vec<DealField>, bool)], id: DealId) -> DealRecord {
        let root = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        crate::workspace::init(root.path(), Some("deals")).unwrap();
        let ws = Workspace::open(root.path(), state.path()).unwrap();
        let (_db, storage) = super::super::view_files::open_view_when_free(&ws).unwrap();
        for (stamp, fields, create) in writes {
            let mut tx = Txn::new(&storage);
            apply(&mut tx, *stamp, id, fields, *create).unwrap();
            tx.commit().unwrap();
        }
        current(&Txn::new(&storage), id).unwrap()
    }

    /// A teammate's merge moves a deal to the customer kept; a third
    /// machine that reads the merge before the deal's creation (journals
    /// travel in any order) must end where the others do. The creation
    /// used to name its customer over the later move.
    #[test]
    fn a_deal_moved_by_a_merge_keeps_the_customer_it_moved_to_whichever_arrives_first() {
        let id = DealId(9);
        let mut deal = Deal::empty(id, CustomerId(1));
        deal.title = "Máy lạnh".into();
        let created = (Stamp::new(100, ReplicaId(1)), deal.to_fields(), true);
        let moved = (
            Stamp::new(200, ReplicaId(2)),
            vec![DealField::Customer(CustomerId(2))],
            false,
        );
        let in_order = applied(&[&created, &moved], id);
        let moved_first = applied(&[&moved, &created], id);
        assert_eq!(in_order.deal.customer, CustomerId(2));
        assert_eq!(moved_first.deal, in_order.deal);
        assert_eq!(moved_first.registers, in_order.registers);
    }
}
