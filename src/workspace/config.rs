//! The user's config file. Every key is optional; unknown keys are an error
//! so that a typo does not silently change nothing.
//!
//! ```toml
//! user = "Lan"                       # name recorded as author and owner
//! workspace = "/home/lan/Sync/team"  # default workspace
//! lang = "vi"                        # en, vi or zh (else LC_ALL / LANG)
//! currency = "VND"                   # how amounts are shown
//! region = "VN"                      # where national phone numbers are from
//!
//! [clv]
//! remaining_years = 3.0
//! min_observed_years = 1.0
//!
//! [cadence]                          # days between contacts, per stage
//! attract = 7
//! loyalty = 60
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::WorkspaceError;
use crate::domain::phone::Region;
use crate::domain::{CadenceRules, ClvAssumptions, Rules};
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
    pub clv: ClvAssumptions,
    pub cadence: CadenceRules,
}

impl Config {
    /// Reads the config file; a missing file means all defaults.
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
        let config: Config = toml::from_str(&text).map_err(|e| WorkspaceError::Config {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        if let Some(lang) = config.lang.as_deref().filter(|l| Lang::parse(l).is_none()) {
            return Err(WorkspaceError::Config {
                path: path.to_path_buf(),
                message: tf("error.unknown_lang", &[("value", &lang)]),
            });
        }
        if let Some(region) = config.region.as_deref().filter(|r| Region::parse(r).is_none()) {
            return Err(WorkspaceError::Config {
                path: path.to_path_buf(),
                message: tf(
                    "error.unknown_region",
                    &[("value", &region), ("known", &Region::known())],
                ),
            });
        }
        Ok(config)
    }

    /// The language the config file asks for, if any.
    pub fn language(&self) -> Option<Lang> {
        self.lang.as_deref().and_then(Lang::parse)
    }

    pub fn rules(&self) -> Rules {
        Rules {
            clv: self.clv,
            cadence: self.cadence,
            region: self.region.as_deref().and_then(Region::parse),
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
        fs::write(&path, "[cadense]\nloyalty = 90\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("cadense"), "{err}");
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
}
