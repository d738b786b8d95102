//! What the UI learns of a command's changes when it takes its view back
//! (`Store::mark`, `Store::changed_since`): the store is closed, another
//! opener writes, the store is opened again.

mod common;

use std::collections::BTreeSet;

use common::store::{add, call, options_in};
use guanxi::store::{Changed, Store};

fn id_of(store: &Store, name: &str) -> guanxi::domain::CustomerId {
    store.resolve_customer(name).unwrap().customer.id
}

#[test]
fn the_customers_a_command_changed_are_told() {
    let root = tempfile::tempdir().unwrap();
    let mut ui = Store::open(options_in(root.path(), "Lan")).unwrap();
    add(&mut ui, "Hồ Xuân Hương");
    add(&mut ui, "Lý Thường Kiệt");
    let huong = id_of(&ui, "Hương");
    let options = ui.reopen_options();
    let mark = ui.mark();
    drop(ui);

    // The command, as this user: it logs a call and adds a customer.
    let mut command = Store::open(options.clone()).unwrap();
    command
        .log_interaction(huong, call("Gọi điện", chrono::Utc::now(), ""))
        .unwrap();
    add(&mut command, "Trần Văn Bình");
    let binh = id_of(&command, "Bình");
    drop(command);

    let mut ui = Store::open(options).unwrap();
    ui.take_touched();
    assert_eq!(ui.changed_since(&mark), Changed::Customers);
    assert_eq!(ui.take_touched(), BTreeSet::from([huong, binh]));
}

#[test]
fn a_command_that_only_read_changed_nothing() {
    let root = tempfile::tempdir().unwrap();
    let mut ui = Store::open(options_in(root.path(), "Lan")).unwrap();
    add(&mut ui, "Hồ Xuân Hương");
    let options = ui.reopen_options();
    let mark = ui.mark();
    drop(ui);
    let command = Store::open(options.clone()).unwrap();
    assert_eq!(command.customers().unwrap().len(), 1);
    drop(command);
    let mut ui = Store::open(options).unwrap();
    assert_eq!(ui.changed_since(&mark), Changed::Nothing);
}

#[test]
fn teammates_changes_read_by_the_command_mean_reading_everything() {
    let root = tempfile::tempdir().unwrap();
    let mut ui = Store::open(options_in(root.path(), "Lan")).unwrap();
    add(&mut ui, "Hồ Xuân Hương");
    let options = ui.reopen_options();
    let mark = ui.mark();
    drop(ui);
    // A teammate writes; the command, opening, reads it in.
    let mut teammate = Store::open(options_in(root.path(), "Wei")).unwrap();
    add(&mut teammate, "王芳");
    drop(teammate);
    drop(Store::open(options.clone()).unwrap());
    let mut ui = Store::open(options).unwrap();
    assert_eq!(ui.changed_since(&mark), Changed::Unknown);
}

/// The UI opens its view again the moment a command closed it: sled's
/// own lock, let go a moment after the last handle (its writer threads
/// hold it while they finish), is waited for, never taken for a damaged
/// view (which would be made again from the journals).
#[test]
fn a_view_opened_again_at_once_is_not_rebuilt() {
    let root = tempfile::tempdir().unwrap();
    let options = options_in(root.path(), "Lan");
    let mut store = Store::open(options.clone()).unwrap();
    add(&mut store, "Hồ Xuân Hương");
    let view_dir = store.workspace().view_dir();
    drop(store);
    // sled's lock alone, as a closing process holds it.
    let closing = sled::Config::new().path(&view_dir).open().unwrap();
    let lets_go = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        drop(closing);
    });
    let store = Store::open(options).unwrap();
    lets_go.join().unwrap();
    assert!(!store.recovery().rebuilt_view);
    assert_eq!(common::store::names(&store), ["Hồ Xuân Hương"]);
}
