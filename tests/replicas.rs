//! Two replicas of one workspace (two local states, as on two machines)
//! converge after reading each other's journals.

use std::path::Path;

use guanxi::domain::{Customer, CustomerField, Rules, Stage};
use guanxi::store::{Edit, OpenOptions, Store};
use guanxi::workspace::Clock;

fn open(root: &Path, who: &str) -> Store {
    Store::open(OpenOptions {
        workspace: root.join("shared"),
        state_root: root.join(format!("state-{who}")),
        author: who.into(),
        clock: Clock::system(),
        rules: Rules::default(),
    })
    .unwrap()
}

fn snapshot(store: &Store) -> Vec<(String, String, String, Stage, Vec<String>, u32)> {
    let mut out: Vec<_> = store
        .customers()
        .unwrap()
        .into_iter()
        .map(|r| {
            let c = r.customer;
            (
                c.id.to_string(),
                c.name,
                c.company,
                c.stage,
                c.tags.into_iter().collect(),
                c.activity.interactions,
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn concurrent_edits_merge_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut lan = open(dir.path(), "Lan");
    let mut c = Customer::empty(lan.new_customer_id());
    c.name = "Trịnh Công Sơn".into();
    let id = c.id;
    lan.commit(vec![Edit::CreateCustomer {
        id,
        fields: c.to_fields(),
    }])
    .unwrap();

    let mut wei = open(dir.path(), "Wei");
    assert_eq!(
        wei.recovery().arrived.len(),
        1,
        "Wei's replica reads Lan's journal on open"
    );
    // Offline edits on both sides: different fields, one shared field, tags.
    let lan_op = lan
        .commit(vec![Edit::UpdateCustomer {
            id,
            fields: vec![
                CustomerField::Company("Nhạc Việt".into()),
                CustomerField::Title("Giám đốc".into()),
                CustomerField::Tag("vip".into(), true),
            ],
        }])
        .unwrap();
    let wei_op = wei
        .commit(vec![
            Edit::UpdateCustomer {
                id,
                fields: vec![
                    CustomerField::Title("总经理".into()),
                    CustomerField::Tag("export".into(), true),
                ],
            },
            Edit::MoveStage {
                id,
                from: Stage::Attract,
                to: Stage::Build,
                at: None,
            },
        ])
        .unwrap();

    lan.ingest_others().unwrap();
    wei.ingest_others().unwrap();
    assert_eq!(snapshot(&lan), snapshot(&wei));
    let merged = lan.customer(id).unwrap().unwrap().customer;
    assert_eq!(merged.company, "Nhạc Việt", "Lan's field survives");
    assert_eq!(merged.stage, Stage::Build, "Wei's stage move survives");
    let later = if wei_op.stamp > lan_op.stamp {
        "总经理"
    } else {
        "Giám đốc"
    };
    assert_eq!(merged.title, later, "the later write to the same field wins on both");
    assert_eq!(merged.tags.len(), 2, "both tags survive");
    assert_eq!(lan.stage_history(id).unwrap().len(), 1);
    assert!(lan.doctor().unwrap().healthy());
    assert!(wei.doctor().unwrap().healthy());
}

#[test]
fn undo_is_per_replica() {
    let dir = tempfile::tempdir().unwrap();
    let mut lan = open(dir.path(), "Lan");
    let mut c = Customer::empty(lan.new_customer_id());
    c.name = "Mai Phương".into();
    lan.commit(vec![Edit::CreateCustomer {
        id: c.id,
        fields: c.to_fields(),
    }])
    .unwrap();
    let mut wei = open(dir.path(), "Wei");
    assert!(wei.undo().is_err(), "Wei cannot undo Lan's change");
    assert_eq!(guanxi::store::op::label_text(&lan.undo().unwrap()), "add customer");
    wei.ingest_others().unwrap();
    assert!(wei.customers().unwrap().is_empty());
}
