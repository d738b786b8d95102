//! Opening the store in-process, for tests of what the library does with
//! journals and views: a workspace under `root`, one local state per user.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use guanxi::domain::draft::InteractionValues;
use guanxi::domain::{Channel, Customer, Direction, Rules};
use guanxi::store::{Edit, OpenOptions, Store};
use guanxi::workspace::Clock;

/// An outbound call at `at`, with its summary and notes: what tests log.
pub fn call(summary: &str, at: DateTime<Utc>, body: &str) -> InteractionValues {
    InteractionValues {
        summary: summary.into(),
        channel: Channel::Call,
        at,
        amount: None,
        satisfaction: None,
        outcome: String::new(),
        direction: Direction::Outbound,
        body: body.into(),
    }
}

/// `user`'s view of the workspace `root/ws`, with local state in
/// `root/state-<user>`.
pub fn options_in(root: &Path, user: &str) -> OpenOptions {
    OpenOptions {
        workspace: root.join("ws"),
        state_root: root.join(format!("state-{user}")),
        author: user.into(),
        clock: Clock::system(),
        rules: Rules::default(),
    }
}

pub fn add(store: &mut Store, name: &str) {
    let mut c = Customer::empty(store.new_customer_id());
    c.name = name.into();
    store
        .commit(vec![Edit::CreateCustomer {
            id: c.id,
            fields: c.to_fields(),
        }])
        .unwrap();
}

/// The names of the customers shown in lists, sorted.
pub fn names(store: &Store) -> Vec<String> {
    let mut n: Vec<String> = store
        .customers()
        .unwrap()
        .into_iter()
        .filter(|c| c.is_live())
        .map(|c| c.customer.name)
        .collect();
    n.sort();
    n
}

pub fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// `user`'s local state folder for the one workspace.
pub fn state_dir(root: &Path, user: &str) -> PathBuf {
    fs::read_dir(root.join(format!("state-{user}")))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}
