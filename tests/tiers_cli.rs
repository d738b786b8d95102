//! Loyalty tiers from `[[tiers]]` in the config file, as `show` and `list`
//! say them: the tier, where it comes from and its relationship price.

mod common;

use common::Sandbox;
use serde_json::Value;

/// Silver for anyone worth 1,000; Gold from 100,000 once the relationship
/// is maintained. One remaining year makes a customer's lifetime value
/// exactly what it bought this year.
const TIERS: &str = "[clv]\nremaining_years = 1.0\n\n\
    [[tiers]]\nname = \"Silver\"\nmin_clv = 1000\ndiscount = 2\n\n\
    [[tiers]]\nname = \"Gold\"\nmin_clv = 100000\nmin_stage = \"maintain\"\ndiscount = 5\n";

fn with_config(text: &str) -> Sandbox {
    let s = Sandbox::new();
    let config = s.home().join(".config/guanxi/config.toml");
    std::fs::create_dir_all(config.parent().expect("a folder")).expect("config folder");
    std::fs::write(&config, text).expect("config");
    s
}

fn buys(s: &Sandbox, who: &str, amount: &str) {
    s.ok(&[
        "log",
        who,
        "--summary",
        "Order",
        "--channel",
        "purchase",
        "--amount",
        amount,
    ]);
}

fn tier_of(v: &Value) -> (String, Value, Value) {
    (
        v["loyalty_tier"]
            .as_str()
            .expect("loyalty_tier is a string")
            .to_string(),
        v["tier_source"].clone(),
        v["discount"].clone(),
    )
}

#[test]
fn show_and_list_say_the_tier_its_source_and_price() {
    let s = with_config(TIERS);
    s.ok(&["add", "--name", "Anh Gold", "--stage", "maintain"]);
    buys(&s, "Anh Gold", "150000");
    // Worth as much, but the relationship is young: the stage holds it back.
    s.ok(&["add", "--name", "Bình Silver", "--stage", "attract"]);
    buys(&s, "Bình Silver", "150000");
    // Set by hand: wins over the rules, and takes its namesake's price.
    s.ok(&["add", "--name", "Chi Hand", "--tier", "gold"]);
    s.ok(&["add", "--name", "Dũng None"]);

    let rule = Value::from("rule");
    let manual = Value::from("manual");
    let cases = [
        ("Anh Gold", ("Gold", rule.clone(), Value::from(5.0))),
        ("Bình Silver", ("Silver", rule, Value::from(2.0))),
        ("Chi Hand", ("gold", manual, Value::from(5.0))),
        ("Dũng None", ("", Value::Null, Value::Null)),
    ];
    let list = s.json(&["list", "--json"]);
    let list = list.as_array().expect("an array");
    for (name, (tier, source, discount)) in &cases {
        let want = (tier.to_string(), source.clone(), discount.clone());
        assert_eq!(tier_of(&s.json(&["show", name, "--json"])), want, "show {name}");
        let row = list.iter().find(|c| c["name"] == *name).expect(name);
        assert_eq!(tier_of(row), want, "list {name}");
    }

    let shown = s.ok(&["show", "Anh Gold"]);
    assert!(shown.contains("Gold (by rule) · relationship price: 5% off"), "{shown}");
    let shown = s.ok(&["show", "Chi Hand"]);
    assert!(
        shown.contains("gold (set by hand) · relationship price: 5% off"),
        "{shown}"
    );
    assert!(!s.ok(&["show", "Dũng None"]).contains("Loyalty tier"));

    let table = s.ok(&["list"]);
    let header = table.lines().next().expect("a header");
    assert!(header.contains("TIER"), "{table}");
    let line = |name: &str| table.lines().find(|l| l.contains(name)).expect(name).to_string();
    assert!(line("Anh Gold").contains(" Gold "), "{table}");
    assert!(line("Bình Silver").contains(" Silver "), "{table}");
    assert!(line("Dũng None").contains(" - "), "{table}");
}

#[test]
fn the_tier_follows_the_rules_live() {
    let s = with_config(TIERS);
    s.ok(&["add", "--name", "Lan", "--stage", "develop"]);
    buys(&s, "Lan", "150000");
    assert_eq!(s.json(&["show", "Lan", "--json"])["loyalty_tier"], "Silver");
    s.ok(&["stage", "Lan", "maintain"]);
    assert_eq!(s.json(&["show", "Lan", "--json"])["loyalty_tier"], "Gold");
    // Clearing the hand-set tier gives the customer back to the rules.
    s.ok(&["edit", "Lan", "--set", "tier=Bronze"]);
    let v = s.json(&["show", "Lan", "--json"]);
    assert_eq!(
        (v["loyalty_tier"].clone(), v["tier_source"].clone()),
        ("Bronze".into(), "manual".into())
    );
    assert_eq!(v["discount"], Value::Null, "no rule is named Bronze");
    s.ok(&["edit", "Lan", "--set", "tier="]);
    assert_eq!(s.json(&["show", "Lan", "--json"])["tier_source"], "rule");
}

#[test]
fn without_tiers_the_list_is_as_it_was() {
    let s = Sandbox::new();
    s.ok(&["add", "--name", "Lan"]);
    assert!(!s.ok(&["list"]).contains("TIER"));
    let v = s.json(&["show", "Lan", "--json"]);
    assert_eq!(tier_of(&v), (String::new(), Value::Null, Value::Null));
}

#[test]
fn a_tier_that_cannot_be_used_stops_commands_naming_it() {
    let s = with_config("[[tiers]]\nname = \"Gold\"\ndiscount = 150\n");
    let err = s.rejected(&["list"]);
    assert!(
        err.contains("line 3") && err.contains("tier \"Gold\": discount = 150"),
        "{err}"
    );
    let s = with_config("[[tiers]]\nname = \"Gold\"\nmin_stage = \"vip\"\n");
    let err = s.rejected(&["list"]);
    assert!(err.contains("tier \"Gold\"") && err.contains("vip"), "{err}");
}
