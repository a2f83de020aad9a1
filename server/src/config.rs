//! Server configuration: a TOML file (`--config FILE`) overlaid by `RAMPART_*` environment
//! variables, overlaid by command-line flags.
//!
//! ```toml
//! listen = "127.0.0.1:3000"
//! database_url = "rampart.db"          # or postgres://user@host/db
//!
//! [scan]
//! concurrency = 32
//! regions = ["us-east-1", "eu-west-1"] # default: every enabled region
//!
//! [[accounts]]
//! id = "111122223333"
//! name = "production"
//! environment = "production"
//! owner_team = "platform"
//! role_arn = "arn:aws:iam::111122223333:role/RampartAudit"
//! external_id = "rampart-7f3c"
//! regions = ["us-east-1"]
//! ```

use crate::store::AccountRecord;
use rampart_engine::types::{AccountId, Region};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::Path;

/// Configuration could not be read or is invalid.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("`{path}` is not valid configuration: {message}")]
    Parse { path: String, message: String },
    #[error("environment variable {var}: {message}")]
    Env { var: &'static str, message: String },
    #[error("{0}")]
    Invalid(String),
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";
pub const DEFAULT_DATABASE: &str = "rampart.db";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    #[serde(default)]
    pub scan: ScanDefaults,
    #[serde(default)]
    pub accounts: Vec<LinkedAccount>,
}

/// Defaults for scans started from the dashboard.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ScanDefaults {
    pub concurrency: usize,
    /// Empty: every enabled region.
    pub regions: Vec<String>,
}

impl Default for ScanDefaults {
    fn default() -> Self {
        Self {
            concurrency: 32,
            regions: Vec::new(),
        }
    }
}

/// A linked account as configured.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LinkedAccount {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub owner_team: String,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    #[serde(default)]
    pub regions: Vec<String>,
}

impl LinkedAccount {
    pub fn record(&self) -> AccountRecord {
        AccountRecord {
            id: self.id.clone(),
            name: self.name.clone(),
            environment: self.environment.clone(),
            owner_team: self.owner_team.clone(),
            role_arn: self.role_arn.clone(),
            external_id: self.external_id.clone(),
            regions: self.regions.clone(),
            source: "config".to_owned(),
        }
    }
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub scan: ScanDefaults,
    pub accounts: Vec<LinkedAccount>,
}

/// Values from the command line (highest precedence).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub listen: Option<String>,
    pub database_url: Option<String>,
}

impl Config {
    /// File, then environment (`env` is a lookup so tests need not touch the process
    /// environment), then flags.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
        overrides: &Overrides,
    ) -> Result<Config, ConfigError> {
        let mut fc = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                toml::from_str::<FileConfig>(&text).map_err(|e| ConfigError::Parse {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?
            }
            None => FileConfig::default(),
        };
        if let Some(v) = env("RAMPART_LISTEN") {
            fc.listen = Some(v);
        }
        if let Some(v) = env("RAMPART_DATABASE_URL").or_else(|| env("DATABASE_URL")) {
            fc.database_url = Some(v);
        }
        if let Some(v) = env("RAMPART_SCAN_CONCURRENCY") {
            fc.scan.concurrency = v.trim().parse().map_err(|_| ConfigError::Env {
                var: "RAMPART_SCAN_CONCURRENCY",
                message: format!("`{v}` is not a number"),
            })?;
        }
        if let Some(v) = env("RAMPART_SCAN_REGIONS") {
            fc.scan.regions = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
        }
        if let Some(v) = env("RAMPART_ACCOUNTS") {
            fc.accounts = serde_json::from_str(&v).map_err(|e| ConfigError::Env {
                var: "RAMPART_ACCOUNTS",
                message: format!("expected a JSON array of accounts: {e}"),
            })?;
        }
        if let Some(v) = &overrides.listen {
            fc.listen = Some(v.clone());
        }
        if let Some(v) = &overrides.database_url {
            fc.database_url = Some(v.clone());
        }
        let listen_text = fc.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            ConfigError::Invalid(format!(
                "listen address `{listen_text}` is not ADDR:PORT (e.g. 127.0.0.1:3000)"
            ))
        })?;
        if fc.scan.concurrency == 0 {
            return Err(ConfigError::Invalid(
                "scan.concurrency must be at least 1".into(),
            ));
        }
        for r in &fc.scan.regions {
            Region::parse(r).map_err(|e| ConfigError::Invalid(format!("scan.regions: {e}")))?;
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in &fc.accounts {
            AccountId::parse(&a.id)
                .map_err(|e| ConfigError::Invalid(format!("account `{}`: {e}", a.name)))?;
            if !seen.insert(a.id.clone()) {
                return Err(ConfigError::Invalid(format!(
                    "account {} is listed twice",
                    a.id
                )));
            }
            for r in &a.regions {
                Region::parse(r)
                    .map_err(|e| ConfigError::Invalid(format!("account {}: {e}", a.id)))?;
            }
            if a.external_id.is_some() && a.role_arn.is_none() {
                return Err(ConfigError::Invalid(format!(
                    "account {}: external_id without role_arn",
                    a.id
                )));
            }
        }
        Ok(Config {
            listen,
            database_url: fc
                .database_url
                .unwrap_or_else(|| DEFAULT_DATABASE.to_owned()),
            scan: fc.scan,
            accounts: fc.accounts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn file_then_environment_then_flags_take_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rampart.toml");
        std::fs::write(
            &path,
            r#"
listen = "127.0.0.1:4000"
database_url = "file.db"
[scan]
concurrency = 8
[[accounts]]
id = "111122223333"
name = "prod"
role_arn = "arn:aws:iam::111122223333:role/Audit"
external_id = "x"
regions = ["eu-west-1"]
"#,
        )
        .unwrap();
        let c = Config::load(Some(&path), env(&[]), &Overrides::default()).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:4000");
        assert_eq!(c.database_url, "file.db");
        assert_eq!(c.scan.concurrency, 8);
        assert_eq!(c.accounts[0].regions, ["eu-west-1"]);

        let c = Config::load(
            Some(&path),
            env(&[
                ("RAMPART_DATABASE_URL", "env.db"),
                ("RAMPART_LISTEN", "127.0.0.1:5000"),
            ]),
            &Overrides {
                listen: Some("127.0.0.1:6000".into()),
                database_url: None,
            },
        )
        .unwrap();
        assert_eq!(c.database_url, "env.db");
        assert_eq!(c.listen.to_string(), "127.0.0.1:6000");
    }

    #[test]
    fn accounts_can_come_from_the_environment_as_json() {
        let c = Config::load(
            None,
            env(&[(
                "RAMPART_ACCOUNTS",
                r#"[{"id":"444455556666","name":"dev"}]"#,
            )]),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.accounts.len(), 1);
        assert_eq!(c.accounts[0].name, "dev");
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
    }

    #[test]
    fn invalid_configuration_is_refused_with_the_reason() {
        let bad = |vars: &[(&str, &str)]| {
            Config::load(None, env(vars), &Overrides::default())
                .unwrap_err()
                .to_string()
        };
        assert!(bad(&[("RAMPART_LISTEN", "localhost")]).contains("ADDR:PORT"));
        assert!(bad(&[("RAMPART_ACCOUNTS", r#"[{"id":"12","name":"x"}]"#)]).contains("account"));
        assert!(bad(&[("RAMPART_ACCOUNTS", "not json")]).contains("RAMPART_ACCOUNTS"));
        assert!(bad(&[("RAMPART_SCAN_CONCURRENCY", "many")]).contains("not a number"));
        assert!(
            bad(&[(
                "RAMPART_ACCOUNTS",
                r#"[{"id":"111122223333","name":"a"},{"id":"111122223333","name":"b"}]"#
            )])
            .contains("twice")
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "listen = 3\nunknown = true\n").unwrap();
        let e = Config::load(Some(&path), env(&[]), &Overrides::default()).unwrap_err();
        assert!(matches!(e, ConfigError::Parse { .. }), "{e}");
    }
}
