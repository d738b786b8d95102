//! The user's config file. Every key is optional; unknown keys are an error
//! so that a typo does not silently change nothing.
//!
//! ```toml
//! user = "Lan"                       # name recorded as author and owner
//! workspace = "/home/lan/Sync/team"  # default workspace
//! lang = "vi"                        # en, vi or zh (else LC_ALL / LANG)
//! currency = "VND"                   # how amounts are shown
//! region = "VN"                      # where national phone numbers are from
//! priority_segment = "enterprise"    # first on the agenda at equal stakes
//! mouse = false                      # the UI leaves the mouse to the terminal
//!
//! [clv]
//! remaining_years = 3.0
//! min_observed_years = 1.0
//!
//! [cadence]                          # days between contacts, per stage
//! attract = 7
//! loyalty = 60
//!
//! [[tiers]]                          # loyalty tiers, lowest first
//! name = "Gold"
//! min_clv = 100000
//! min_stage = "maintain"
//! discount = 5
//! [deal_probability]                 # percent a new deal gets, per stage
//! attract = 10
//! loyalty = 90
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::WorkspaceError;
use crate::domain::cadence::MAX_CADENCE_DAYS;
use crate::domain::phone::Region;
use crate::domain::{CadenceRules, ClvAssumptions, DealProbability, Money, Rules, Stage, TierRule};
use crate::i18n::{Lang, tf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub user: Option<String>,
    pub workspace: Option<PathBuf>,
    pub lang: Option<String>,
    pub currency: Option<String>,
    /// ISO 3166 alpha-2 code of the country national phone numbers are
    /// written in (`VN`, `CN`, `US`): how `0903 111 222` is compared with
    /// `+84 903 111 222`.
    pub region: Option<String>,
    /// The segment whose customers come first on the agenda at equal stakes.
    pub priority_segment: Option<String>,
    /// False: the UI does not take the mouse, so the terminal keeps it
    /// (selecting text without Shift). Unset: the UI takes it.
    pub mouse: Option<bool>,
    pub clv: ClvAssumptions,
    pub cadence: CadenceRules,
    /// Loyalty tiers, lowest first: a customer is in the last one whose
    /// conditions it meets (`domain::tier`).
    pub tiers: Vec<TierConfig>,
    pub deal_probability: DealProbability,
}

/// One `[[tiers]]` table as written. Only `name` is required; a tier with
/// no condition is met by everyone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierConfig {
    pub name: String,
    /// Lifetime value to reach, in units of the workspace currency.
    #[serde(default)]
    pub min_clv: f64,
    /// A stage key or name (`maintain`, `duy trì`, `维持`).
    #[serde(default)]
    pub min_stage: Option<String>,
    /// Health score to reach, 0-100.
    #[serde(default)]
    pub min_health: Option<i64>,
    /// The relationship price: percent off, 0-100.
    #[serde(default)]
    pub discount: f64,
}

impl Config {
    /// Reads the config file; a missing file means all defaults. A file
    /// that cannot be used is refused with the line it went wrong on.
    pub fn load(path: &Path) -> Result<Config, WorkspaceError> {
        let text = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(WorkspaceError::Io {
                    path: path.to_path_buf(),
                    source: e,
                });
            }
        };
        Config::parse(&text).map_err(|message| WorkspaceError::Config {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses and checks config text. The error names the line and column
    /// at fault, for a value guanxi cannot use as for a typo.
    fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| located(text, e.span(), e.message()))?;
        if let Some((key, message)) = config.problem() {
            return Err(located(text, value_span(text, key), &message));
        }
        if let Some((index, key, message)) = config.tier_problem() {
            return Err(located(text, tier_span(text, index, key), &message));
        }
        Ok(config)
    }

    /// The first `[[tiers]]` value that cannot be used: the tier's place,
    /// the key (`name` for the whole tier) and what is wrong, naming it.
    fn tier_problem(&self) -> Option<(usize, &'static str, String)> {
        let mut seen: Vec<String> = Vec::new();
        for (index, tier) in self.tiers.iter().enumerate() {
            let name = tier.name.trim();
            let said = |key: &str, args: &[(&str, &dyn std::fmt::Display)]| {
                let mut all: Vec<(&str, &dyn std::fmt::Display)> = vec![("tier", &name)];
                all.extend_from_slice(args);
                tf(key, &all)
            };
            if name.is_empty() {
                return Some((index, "name", tf("error.config.tier_name", &[("number", &(index + 1))])));
            }
            let folded = crate::domain::text::fold(name);
            if seen.contains(&folded) {
                return Some((index, "name", said("error.config.tier_twice", &[])));
            }
            seen.push(folded);
            if !(tier.min_clv >= 0.0 && tier.min_clv <= MAX_AMOUNT) {
                let args: [(&str, &dyn std::fmt::Display); 1] = [("value", &tier.min_clv)];
                return Some((index, "min_clv", said("error.config.tier_clv", &args)));
            }
            if let Some(stage) = &tier.min_stage
                && let Err(e) = Stage::parse(stage)
            {
                return Some((index, "min_stage", said("error.config.tier_stage", &[("error", &e)])));
            }
            if let Some(health) = tier.min_health.filter(|h| !(0..=100).contains(h)) {
                let args: [(&str, &dyn std::fmt::Display); 1] = [("value", &health)];
                return Some((index, "min_health", said("error.config.tier_health", &args)));
            }
            if !(0.0..=100.0).contains(&tier.discount) {
                let args: [(&str, &dyn std::fmt::Display); 1] = [("value", &tier.discount)];
                return Some((index, "discount", said("error.config.tier_discount", &args)));
            }
        }
        None
    }

    /// The first value that parses but cannot be used, with its key.
    fn problem(&self) -> Option<(&'static [&'static str], String)> {
        if let Some(lang) = self.lang.as_deref().filter(|l| Lang::parse(l).is_none()) {
            return Some((&["lang"], tf("error.unknown_lang", &[("value", &lang)])));
        }
        if let Some(region) = self.region.as_deref().filter(|r| Region::parse(r).is_none()) {
            return Some((
                &["region"],
                tf(
                    "error.unknown_region",
                    &[("value", &region), ("known", &Region::known())],
                ),
            ));
        }
        if let Some(code) = self.currency.as_deref().filter(|c| !known_currency(c)) {
            return Some((&["currency"], tf("error.config.currency", &[("value", &code)])));
        }
        let years: [(&'static [&'static str], f64, bool); 2] = [
            (&["clv", "remaining_years"], self.clv.remaining_years, true),
            (&["clv", "min_observed_years"], self.clv.min_observed_years, false),
        ];
        for (key, value, zero_ok) in years {
            let low_ok = if zero_ok { value >= 0.0 } else { value > 0.0 };
            // NaN fails both comparisons.
            if !(low_ok && value <= MAX_YEARS) {
                let message = if zero_ok {
                    "error.config.years"
                } else {
                    "error.config.positive_years"
                };
                let args: [(&str, &dyn std::fmt::Display); 3] =
                    [("key", &key.join(".")), ("value", &value), ("max", &MAX_YEARS)];
                return Some((key, tf(message, &args)));
            }
        }
        let c = &self.cadence;
        let cadence: [(&'static [&'static str], u16); 7] = [
            (&["cadence", "attract"], c.attract),
            (&["cadence", "establish"], c.establish),
            (&["cadence", "build"], c.build),
            (&["cadence", "develop"], c.develop),
            (&["cadence", "maintain"], c.maintain),
            (&["cadence", "consolidate"], c.consolidate),
            (&["cadence", "loyalty"], c.loyalty),
        ];
        for (key, days) in cadence {
            if !(1..=MAX_CADENCE_DAYS).contains(&days) {
                let args: [(&str, &dyn std::fmt::Display); 3] =
                    [("key", &key.join(".")), ("value", &days), ("max", &MAX_CADENCE_DAYS)];
                return Some((key, tf("error.config.cadence", &args)));
            }
        }
        for (stage, percent) in self.deal_probability.entries() {
            if percent > 100 {
                let key = probability_key(stage);
                let args: [(&str, &dyn std::fmt::Display); 2] = [("key", &key.join(".")), ("value", &percent)];
                return Some((key, tf("error.config.probability", &args)));
            }
        }
        None
    }

    /// True when the UI takes the mouse (the default).
    pub fn mouse(&self) -> bool {
        self.mouse.unwrap_or(true)
    }

    /// The language the config file asks for, if any.
    pub fn language(&self) -> Option<Lang> {
        self.lang.as_deref().and_then(Lang::parse)
    }

    pub fn rules(&self) -> Rules {
        Rules {
            clv: self.clv,
            cadence: self.cadence,
            deal_probability: self.deal_probability,
            region: self.region.as_deref().and_then(Region::parse),
            priority_segment: self
                .priority_segment
                .as_deref()
                .map(|s| crate::domain::text::fold(s.trim()))
                .unwrap_or_default(),
            tiers: self
                .tiers
                .iter()
                .map(|t| TierRule {
                    name: t.name.trim().to_string(),
                    min_clv: Money::from_f64(t.min_clv),
                    min_stage: t.min_stage.as_deref().and_then(|s| Stage::parse(s).ok()),
                    min_health: t.min_health.and_then(|h| u8::try_from(h).ok()),
                    discount: t.discount,
                })
                .collect(),
        }
    }

    /// Who is making changes: `GUANXI_USER`, else the config's `user`, else
    /// the login name. The environment wins so that one person can act as a
    /// teammate in a script or test without editing files.
    pub fn user_name(&self) -> String {
        let env = |k: &str| {
            std::env::var(k)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        env("GUANXI_USER")
            .or_else(|| {
                self.user
                    .clone()
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty())
            })
            .or_else(|| env("USER"))
            .or_else(|| env("USERNAME"))
            .or_else(|| env("LOGNAME"))
            .unwrap_or_else(|| "me".to_string())
    }
}

/// Longest a customer relationship can be expected to last, or its
/// purchases measured over, in years.
const MAX_YEARS: f64 = 100.0;

/// `message`, said at the line and column where `span` starts, with that
/// line's text so the user sees what is meant.
fn located(text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> String {
    let Some(start) = span.map(|s| s.start.min(text.len())) else {
        return message.to_string();
    };
    let before = text.get(..start).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    let source = text[line_start..].lines().next().unwrap_or_default().trim();
    tf(
        "error.workspace.config_at",
        &[
            ("line", &line),
            ("column", &column),
            ("text", &source),
            ("message", &message.trim_end()),
        ],
    )
}

/// Where the value of `key` (a path of table names, then the key) is in
/// `text`.
fn value_span(text: &str, key: &[&str]) -> Option<std::ops::Range<usize>> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let (last, tables) = key.split_last()?;
    let mut table = document.get_ref();
    for name in tables {
        match table.get(*name)?.get_ref() {
            toml::de::DeValue::Table(t) => table = t,
            _ => return None,
        }
    }
    Some(table.get(*last)?.span())
}

/// Where the value of `key` in the `index`th `[[tiers]]` table is in
/// `text`, or the table itself when the key is not written there.
fn tier_span(text: &str, index: usize, key: &str) -> Option<std::ops::Range<usize>> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let toml::de::DeValue::Array(tiers) = document.get_ref().get("tiers")?.get_ref() else {
        return None;
    };
    let tier = tiers.get(index)?;
    match tier.get_ref() {
        toml::de::DeValue::Table(t) => Some(t.get(key).map_or_else(|| tier.span(), |v| v.span())),
        _ => Some(tier.span()),
    }
}

/// The largest lifetime value a tier can ask for, in currency units: far
/// above any real one, and well inside what `Money` holds.
const MAX_AMOUNT: f64 = 1e15;

/// An ISO 4217 currency code (or RMB, the common name for CNY).
fn known_currency(code: &str) -> bool {
    let code = code.trim().to_ascii_uppercase();
    code.len() == 3 && (code == "RMB" || ISO_4217.split_whitespace().any(|c| c == code))
}

/// The ISO 4217 codes of money in use (not precious metals or test codes).
const ISO_4217: &str = "
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV
    BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE
    CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
    HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
    KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV
    MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB
    RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF
    XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
";

/// The config key of a stage's default deal probability.
fn probability_key(stage: crate::domain::Stage) -> &'static [&'static str] {
    use crate::domain::Stage;
    match stage {
        Stage::Attract => &["deal_probability", "attract"],
        Stage::Establish => &["deal_probability", "establish"],
        Stage::Build => &["deal_probability", "build"],
        Stage::Develop => &["deal_probability", "develop"],
        Stage::Maintain => &["deal_probability", "maintain"],
        Stage::Consolidate => &["deal_probability", "consolidate"],
        Stage::Loyalty => &["deal_probability", "loyalty"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_defaults() {
        let c = Config::load(Path::new("/nonexistent/guanxi/config.toml")).unwrap();
        assert_eq!(c.rules(), Rules::default());
    }

    #[test]
    fn reads_rules_and_rejects_typos() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(
            &path,
            "user = \"Lan\"\n[cadence]\nloyalty = 90\n[clv]\nremaining_years = 5.0\n",
        )
        .unwrap();
        let c = Config::load(&path).unwrap();
        assert_eq!(c.user.as_deref(), Some("Lan"));
        assert_eq!(c.cadence.loyalty, 90);
        assert_eq!(c.cadence.attract, 7);
        assert_eq!(c.clv.remaining_years, 5.0);
        fs::write(&path, "[deal_probability]\nbuild = 45\n").unwrap();
        let rules = Config::load(&path).unwrap().rules();
        assert_eq!(rules.deal_probability.for_stage(crate::domain::Stage::Build), 45);
        assert_eq!(rules.deal_probability.for_stage(crate::domain::Stage::Loyalty), 90);
        fs::write(&path, "[cadense]\nloyalty = 90\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("cadense"), "{err}");
    }

    #[test]
    fn the_mouse_is_on_unless_turned_off() {
        assert!(Config::parse("").unwrap().mouse());
        assert!(Config::parse("mouse = true").unwrap().mouse());
        assert!(!Config::parse("mouse = false").unwrap().mouse());
        assert!(Config::parse("mouse = \"no\"").is_err());
    }

    fn refusal(text: &str) -> String {
        crate::i18n::set_thread_language(crate::i18n::Lang::En);
        Config::parse(text).expect_err(text)
    }

    #[test]
    fn syntax_errors_name_the_line_and_column() {
        let err = refusal("user = \"Lan\"\n\n[clv\nremaining_years = 3.0\n");
        assert!(err.starts_with("line 3, column "), "{err}");
        let err = refusal("user = \"Lan\"\n[cadense]\nloyalty = 90\n");
        assert!(err.starts_with("line 2, column 2"), "{err}");
        assert!(err.contains("cadense"), "{err}");
    }

    #[test]
    fn impossible_values_are_refused_with_key_value_and_line() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "user = \"Lan\"\n[clv]\nremaining_years = -5\n",
                3,
                "clv.remaining_years = -5",
            ),
            ("[clv]\nremaining_years = nan\n", 2, "clv.remaining_years = NaN"),
            ("[clv]\nremaining_years = 250.0\n", 2, "clv.remaining_years = 250"),
            ("[clv]\nmin_observed_years = 0\n", 2, "clv.min_observed_years = 0"),
            ("[clv]\nmin_observed_years = -1.5\n", 2, "clv.min_observed_years = -1.5"),
            ("[cadence]\nattract = 7\nloyalty = 0\n", 3, "cadence.loyalty = 0"),
            ("[cadence]\nbuild = 4000\n", 2, "cadence.build = 4000"),
            ("[cadence]\nbuild = -3\n", 2, "-3"),
            (
                "[deal_probability]\nbuild = 40\nloyalty = 120\n",
                3,
                "deal_probability.loyalty = 120",
            ),
            ("[deal_probability]\nbuild = -1\n", 2, "-1"),
            ("currency = \"dollars\"\n", 1, "dollars"),
            ("currency = \"\"\n", 1, "currency"),
            ("\nlang = \"klingon\"\n", 2, "klingon"),
        ];
        for (text, line, says) in cases {
            let err = refusal(text);
            assert!(err.starts_with(&format!("line {line}, ")), "{text:?}: {err}");
            assert!(err.contains(says), "{text:?}: {err}");
        }
    }

    #[test]
    fn usable_values_are_kept() {
        let c = Config::parse(
            "currency = \"chf\"\n[clv]\nremaining_years = 0\nmin_observed_years = 0.5\n[cadence]\nloyalty = 3650\nattract = 1\n",
        )
        .unwrap();
        assert_eq!(c.currency.as_deref(), Some("chf"));
        assert_eq!(c.clv.remaining_years, 0.0);
        assert_eq!(c.cadence.loyalty, 3650);
        for code in ["VND", "CNY", "RMB", "usd", "EUR"] {
            assert!(known_currency(code), "{code}");
        }
    }

    #[test]
    fn region_is_a_known_country_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "region = \"vn\"\n").unwrap();
        let c = Config::load(&path).unwrap();
        assert_eq!(c.rules().region.map(Region::code), Some("VN"));
        fs::write(&path, "region = \"Vietnam\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("Vietnam") && err.contains("VN"), "{err}");
    }

    #[test]
    fn tiers_are_read_lowest_first() {
        let c = Config::parse(
            "[[tiers]]\nname = \"Silver\"\nmin_clv = 10000\ndiscount = 2\n\n[[tiers]]\nname = \" Gold \"\nmin_clv = 100000.5\nmin_stage = \"duy trì\"\nmin_health = 60\ndiscount = 5\n[[tiers]]\nname = \"Everyone\"\n",
        )
        .unwrap();
        let tiers = c.rules().tiers;
        assert_eq!(tiers.len(), 3);
        assert_eq!(tiers[0].name, "Silver");
        assert_eq!(tiers[0].min_clv, Money::from_units(10_000));
        assert_eq!(
            (tiers[0].min_stage, tiers[0].min_health, tiers[0].discount),
            (None, None, 2.0)
        );
        assert_eq!(tiers[1].name, "Gold");
        assert_eq!(tiers[1].min_clv, Money(10_000_050));
        assert_eq!(tiers[1].min_stage, Some(Stage::Maintain));
        assert_eq!((tiers[1].min_health, tiers[1].discount), (Some(60), 5.0));
        assert_eq!(tiers[2].min_clv, Money::ZERO);
        assert_eq!(tiers[2].discount, 0.0);
    }

    #[test]
    fn unusable_tiers_are_refused_naming_the_tier_and_line() {
        let gold = "[[tiers]]\nname = \"Gold\"\n";
        let cases: Vec<(String, usize, &str)> = vec![
            (format!("{gold}discount = 150\n"), 3, "tier \"Gold\": discount = 150"),
            (format!("{gold}discount = -1\n"), 3, "tier \"Gold\": discount = -1"),
            (format!("{gold}discount = nan\n"), 3, "tier \"Gold\": discount = NaN"),
            (format!("{gold}min_clv = -5\n"), 3, "tier \"Gold\": min_clv = -5"),
            (
                format!("{gold}min_stage = \"vip\"\n"),
                3,
                "tier \"Gold\": min_stage: unknown stage 'vip'",
            ),
            (
                format!("{gold}min_health = 101\n"),
                3,
                "tier \"Gold\": min_health = 101",
            ),
            (format!("{gold}min_health = -1\n"), 3, "tier \"Gold\": min_health = -1"),
            (
                format!("{gold}\n[[tiers]]\nname = \"gold\"\n"),
                5,
                "tier \"gold\" is listed twice",
            ),
            ("[[tiers]]\nname = \"  \"\n".to_string(), 2, "tier 1 in [[tiers]]"),
            (format!("{gold}colour = \"gold\"\n"), 3, "colour"),
            ("[[tiers]]\ndiscount = 5\n".to_string(), 1, "name"),
        ];
        for (text, line, says) in cases {
            let err = refusal(&text);
            assert!(err.starts_with(&format!("line {line}, ")), "{text:?}: {err}");
            assert!(err.contains(says), "{text:?}: {err}");
        }
    }
}
