//! Server configuration: a TOML file (`--config FILE`) overlaid by `RAMPART_*` environment
//! variables, overlaid by command-line flags.
//!
//! ```toml
//! listen = "127.0.0.1:3000"
//! database_url = "rampart.db"          # or postgres://user@host/db
//! trusted_proxies = ["10.0.0.0/8"]     # TLS-terminating proxies whose X-Forwarded-For/-Proto
//!                                      # are believed (client address, HSTS); default none
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
//!
//! [cognito]                            # sign-in with an Amazon Cognito user pool
//! region = "eu-west-1"
//! user_pool_id = "eu-west-1_AbCdEf123"
//! client_id = "1example23456789"
//! client_secret = "..."                # optional (confidential app clients)
//! issuer = "..."                       # default https://cognito-idp.<region>.amazonaws.com/<pool id>
//! jwks_url = "..."                     # default <issuer>/.well-known/jwks.json
//!
//! [session]                            # dashboard sign-in sessions (with [cognito])
//! idle_timeout_minutes = 30
//! absolute_timeout_hours = 12
//! cookie_secure = true                 # false only on a loopback address over plain HTTP
//! ```

use crate::auth::SessionPolicy;
use crate::store::AccountRecord;
use crate::web::client::{Cidr, TrustedProxies};
use rampart_engine::types::{AccountId, Region};
use secrecy::SecretString;
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
    #[serde(default)]
    pub cognito: CognitoFile,
    #[serde(default)]
    pub session: SessionFile,
    /// Proxies (addresses or blocks such as `10.0.0.0/8`) whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are believed; see `web::client`.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
}

/// The `[session]` section as written; [`SessionPolicy`] is the checked form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFile {
    pub idle_timeout_minutes: Option<u32>,
    pub absolute_timeout_hours: Option<u32>,
    pub cookie_secure: Option<bool>,
}

impl SessionFile {
    fn check(self, listen: SocketAddr) -> Result<SessionPolicy, ConfigError> {
        let mut p = SessionPolicy::default();
        let invalid = |m: &str| ConfigError::Invalid(format!("session: {m}"));
        if let Some(m) = self.idle_timeout_minutes {
            if m == 0 {
                return Err(invalid("idle_timeout_minutes must be at least 1"));
            }
            p.idle = chrono::TimeDelta::minutes(m.into());
        }
        if let Some(h) = self.absolute_timeout_hours {
            if h == 0 || h > 24 * 30 {
                return Err(invalid("absolute_timeout_hours must be between 1 and 720"));
            }
            p.absolute = chrono::TimeDelta::hours(h.into());
        }
        if self.cookie_secure == Some(false) {
            if !listen.ip().is_loopback() {
                return Err(invalid(
                    "cookie_secure = false is only allowed on a loopback listen address \
                     (browsers reach other addresses through HTTPS)",
                ));
            }
            p.secure_cookie = false;
        }
        Ok(p)
    }
}

/// The `[cognito]` section as written; [`CognitoConfig`] is the checked form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CognitoFile {
    pub region: Option<String>,
    pub user_pool_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub issuer: Option<String>,
    pub jwks_url: Option<String>,
}

/// The Amazon Cognito user pool whose tokens the server accepts.
#[derive(Debug, Clone)]
pub struct CognitoConfig {
    pub region: String,
    pub user_pool_id: String,
    /// The app client: the `aud` of ID tokens and the `client_id` of access tokens.
    pub client_id: String,
    /// Only for confidential app clients (the sign-in flow computes `SECRET_HASH` with it).
    pub client_secret: Option<SecretString>,
    /// The exact `iss` claim expected in tokens.
    pub issuer: String,
    /// Where the pool's signing keys are published.
    pub jwks_url: String,
}

impl CognitoFile {
    fn is_empty(&self) -> bool {
        self.region.is_none()
            && self.user_pool_id.is_none()
            && self.client_id.is_none()
            && self.client_secret.is_none()
            && self.issuer.is_none()
            && self.jwks_url.is_none()
    }

    /// `None` when nothing is configured; an error for a partial or inconsistent section.
    fn check(self) -> Result<Option<CognitoConfig>, ConfigError> {
        if self.is_empty() {
            return Ok(None);
        }
        let invalid = |m: String| ConfigError::Invalid(format!("cognito: {m}"));
        let missing: Vec<&str> = [
            ("region", self.region.is_none()),
            ("user_pool_id", self.user_pool_id.is_none()),
            ("client_id", self.client_id.is_none()),
        ]
        .into_iter()
        .filter_map(|(k, absent)| absent.then_some(k))
        .collect();
        let (Some(region), Some(user_pool_id), Some(client_id)) =
            (self.region, self.user_pool_id, self.client_id)
        else {
            return Err(invalid(format!(
                "{} must be set as well (RAMPART_COGNITO_REGION, RAMPART_COGNITO_USER_POOL_ID, \
                 RAMPART_COGNITO_CLIENT_ID)",
                missing.join(", ")
            )));
        };
        Region::parse(&region).map_err(|e| invalid(e.to_string()))?;
        if user_pool_id
            .strip_prefix(&format!("{region}_"))
            .is_none_or(|rest| rest.is_empty() || !rest.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(invalid(format!(
                "user pool id `{user_pool_id}` is not a pool of region `{region}` \
                 (expected `{region}_` followed by letters and digits)"
            )));
        }
        if client_id.is_empty() || !client_id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(invalid(format!(
                "client id `{client_id}` is not a Cognito app client id (letters and digits)"
            )));
        }
        let issuer = self.issuer.unwrap_or_else(|| {
            format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}")
        });
        if !issuer.starts_with("https://") {
            return Err(invalid(format!(
                "issuer `{issuer}` must be an https:// URL"
            )));
        }
        let jwks_url = self
            .jwks_url
            .unwrap_or_else(|| format!("{}/.well-known/jwks.json", issuer.trim_end_matches('/')));
        if !(jwks_url.starts_with("https://") || is_loopback_http(&jwks_url)) {
            return Err(invalid(format!(
                "jwks_url `{jwks_url}` must be an https:// URL (plain http only on loopback)"
            )));
        }
        Ok(Some(CognitoConfig {
            region,
            user_pool_id,
            client_id,
            client_secret: self.client_secret,
            issuer,
            jwks_url,
        }))
    }
}

/// `http://127.0.0.1…`, `http://[::1]…` or `http://localhost…` (test servers such as moto).
fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
    /// `None`: no sign-in configured (`rampart serve` then needs `--insecure-no-auth`).
    pub cognito: Option<CognitoConfig>,
    /// Timeouts and cookie of dashboard sessions (used when `cognito` is set).
    pub session: SessionPolicy,
    /// Whose forwarding headers name the client and its scheme (none by default).
    pub trusted_proxies: TrustedProxies,
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
        let cognito_env = |var: &str| env(var).filter(|v| !v.trim().is_empty());
        let c = &mut fc.cognito;
        for (var, slot) in [
            ("RAMPART_COGNITO_REGION", &mut c.region),
            ("RAMPART_COGNITO_USER_POOL_ID", &mut c.user_pool_id),
            ("RAMPART_COGNITO_CLIENT_ID", &mut c.client_id),
            ("RAMPART_COGNITO_ISSUER", &mut c.issuer),
            ("RAMPART_COGNITO_JWKS_URL", &mut c.jwks_url),
        ] {
            if let Some(v) = cognito_env(var) {
                *slot = Some(v.trim().to_owned());
            }
        }
        if let Some(v) = cognito_env("RAMPART_COGNITO_CLIENT_SECRET") {
            c.client_secret = Some(SecretString::from(v));
        }
        for (var, slot) in [
            (
                "RAMPART_SESSION_IDLE_TIMEOUT_MINUTES",
                &mut fc.session.idle_timeout_minutes,
            ),
            (
                "RAMPART_SESSION_ABSOLUTE_TIMEOUT_HOURS",
                &mut fc.session.absolute_timeout_hours,
            ),
        ] {
            if let Some(v) = env(var) {
                *slot = Some(v.trim().parse().map_err(|_| ConfigError::Env {
                    var,
                    message: format!("`{v}` is not a whole number"),
                })?);
            }
        }
        if let Some(v) = env("RAMPART_SESSION_COOKIE_SECURE") {
            fc.session.cookie_secure = Some(v.trim().parse().map_err(|_| ConfigError::Env {
                var: "RAMPART_SESSION_COOKIE_SECURE",
                message: format!("`{v}` is not true or false"),
            })?);
        }
        if let Some(v) = env("RAMPART_TRUSTED_PROXIES") {
            fc.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
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
            cognito: fc.cognito.check()?,
            session: fc.session.check(listen)?,
            trusted_proxies: TrustedProxies(
                fc.trusted_proxies
                    .iter()
                    .map(|c| c.parse::<Cidr>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| ConfigError::Invalid(format!("trusted_proxies: {e}")))?,
            ),
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

    const POOL_ENV: [(&str, &str); 3] = [
        ("RAMPART_COGNITO_REGION", "eu-west-1"),
        ("RAMPART_COGNITO_USER_POOL_ID", "eu-west-1_AbC123"),
        ("RAMPART_COGNITO_CLIENT_ID", "client123"),
    ];

    #[test]
    fn trusted_proxies_come_from_the_file_or_environment_and_bad_blocks_are_refused() {
        let c = Config::load(None, env(&[]), &Overrides::default()).unwrap();
        assert!(c.trusted_proxies.0.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rampart.toml");
        std::fs::write(&path, "trusted_proxies = [\"10.0.0.0/8\", \"fd00::/8\"]\n").unwrap();
        let c = Config::load(Some(&path), env(&[]), &Overrides::default()).unwrap();
        assert!(c.trusted_proxies.trusts("10.9.8.7".parse().unwrap()));
        assert!(c.trusted_proxies.trusts("fd00::1".parse().unwrap()));
        assert!(!c.trusted_proxies.trusts("192.0.2.1".parse().unwrap()));
        let c = Config::load(
            Some(&path),
            env(&[("RAMPART_TRUSTED_PROXIES", "192.0.2.0/24, 198.51.100.7")]),
            &Overrides::default(),
        )
        .unwrap();
        assert!(c.trusted_proxies.trusts("192.0.2.1".parse().unwrap()));
        assert!(!c.trusted_proxies.trusts("10.9.8.7".parse().unwrap()));
        let e = Config::load(
            None,
            env(&[("RAMPART_TRUSTED_PROXIES", "10.0.0.0/40")]),
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("trusted_proxies") && e.contains("10.0.0.0/40"),
            "{e}"
        );
    }

    #[test]
    fn session_timeouts_come_from_the_environment_and_insecure_cookies_need_loopback() {
        let c = Config::load(None, env(&[]), &Overrides::default()).unwrap();
        assert_eq!(c.session.idle, chrono::TimeDelta::minutes(30));
        assert_eq!(c.session.absolute, chrono::TimeDelta::hours(12));
        assert!(c.session.secure_cookie);
        let vars = [
            ("RAMPART_SESSION_IDLE_TIMEOUT_MINUTES", "5"),
            ("RAMPART_SESSION_ABSOLUTE_TIMEOUT_HOURS", "2"),
            ("RAMPART_SESSION_COOKIE_SECURE", "false"),
        ];
        let c = Config::load(None, env(&vars), &Overrides::default()).unwrap();
        assert_eq!(c.session.idle, chrono::TimeDelta::minutes(5));
        assert_eq!(c.session.absolute, chrono::TimeDelta::hours(2));
        assert!(!c.session.secure_cookie);
        let public = Overrides {
            listen: Some("0.0.0.0:3000".into()),
            ..Default::default()
        };
        let e = Config::load(None, env(&vars), &public)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cookie_secure") && e.contains("loopback"), "{e}");
        let e = Config::load(
            None,
            env(&[("RAMPART_SESSION_IDLE_TIMEOUT_MINUTES", "0")]),
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("idle_timeout_minutes"), "{e}");
    }

    #[test]
    fn cognito_is_off_unless_configured() {
        let c = Config::load(None, env(&[]), &Overrides::default()).unwrap();
        assert!(c.cognito.is_none());
        let c = Config::load(
            None,
            env(&[("RAMPART_COGNITO_REGION", "")]),
            &Overrides::default(),
        )
        .unwrap();
        assert!(c.cognito.is_none(), "empty variables count as unset");
    }

    #[test]
    fn cognito_issuer_and_jwks_url_default_to_the_pool_of_the_region() {
        let c = Config::load(None, env(&POOL_ENV), &Overrides::default())
            .unwrap()
            .cognito
            .unwrap();
        assert_eq!(c.region, "eu-west-1");
        assert_eq!(c.user_pool_id, "eu-west-1_AbC123");
        assert_eq!(c.client_id, "client123");
        assert!(c.client_secret.is_none());
        assert_eq!(
            c.issuer,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
        );
        assert_eq!(
            c.jwks_url,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json"
        );
    }

    #[test]
    fn cognito_settings_come_from_the_file_and_the_environment_overrides_them() {
        use secrecy::ExposeSecret;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rampart.toml");
        std::fs::write(
            &path,
            r#"
[cognito]
region = "us-east-1"
user_pool_id = "us-east-1_File1"
client_id = "fileclient"
client_secret = "file-secret"
issuer = "https://issuer.example/pool"
"#,
        )
        .unwrap();
        let c = Config::load(Some(&path), env(&[]), &Overrides::default())
            .unwrap()
            .cognito
            .unwrap();
        assert_eq!(c.user_pool_id, "us-east-1_File1");
        assert_eq!(c.client_secret.unwrap().expose_secret(), "file-secret");
        assert_eq!(c.issuer, "https://issuer.example/pool");
        assert_eq!(
            c.jwks_url,
            "https://issuer.example/pool/.well-known/jwks.json"
        );

        let c = Config::load(
            Some(&path),
            env(&[
                ("RAMPART_COGNITO_CLIENT_ID", "envclient"),
                ("RAMPART_COGNITO_CLIENT_SECRET", "env-secret"),
                (
                    "RAMPART_COGNITO_ISSUER",
                    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_File1",
                ),
                (
                    "RAMPART_COGNITO_JWKS_URL",
                    "http://127.0.0.1:5000/us-east-1_File1/.well-known/jwks.json",
                ),
            ]),
            &Overrides::default(),
        )
        .unwrap()
        .cognito
        .unwrap();
        assert_eq!(c.client_id, "envclient");
        assert_eq!(
            c.client_secret.as_ref().unwrap().expose_secret(),
            "env-secret"
        );
        assert_eq!(
            c.issuer,
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_File1"
        );
        assert_eq!(
            c.jwks_url,
            "http://127.0.0.1:5000/us-east-1_File1/.well-known/jwks.json"
        );
        assert!(
            !format!("{c:?}").contains("env-secret"),
            "the client secret must not be printed"
        );
    }

    #[test]
    fn invalid_cognito_settings_are_refused_with_the_reason() {
        let bad = |vars: &[(&str, &str)]| {
            Config::load(None, env(vars), &Overrides::default())
                .unwrap_err()
                .to_string()
        };
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut v = POOL_ENV.to_vec();
            v.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
            v.extend_from_slice(extra);
            v
        };
        let e = bad(&[("RAMPART_COGNITO_USER_POOL_ID", "eu-west-1_AbC123")]);
        assert!(e.contains("region, client_id must be set"), "{e}");
        let e = bad(&[("RAMPART_COGNITO_CLIENT_SECRET", "s")]);
        assert!(e.contains("region, user_pool_id, client_id"), "{e}");
        let e = bad(&with(&[("RAMPART_COGNITO_REGION", "us-east-1")]));
        assert!(e.contains("is not a pool of region `us-east-1`"), "{e}");
        let e = bad(&with(&[("RAMPART_COGNITO_REGION", "mars-1")]));
        assert!(e.starts_with("cognito:"), "{e}");
        let e = bad(&with(&[("RAMPART_COGNITO_CLIENT_ID", "a b")]));
        assert!(e.contains("client id"), "{e}");
        let e = bad(&with(&[(
            "RAMPART_COGNITO_ISSUER",
            "http://issuer.example",
        )]));
        assert!(e.contains("issuer") && e.contains("https://"), "{e}");
        let e = bad(&with(&[(
            "RAMPART_COGNITO_JWKS_URL",
            "http://evil.example/jwks.json",
        )]));
        assert!(e.contains("jwks_url") && e.contains("loopback"), "{e}");
        let e = bad(&with(&[(
            "RAMPART_COGNITO_JWKS_URL",
            "http://127.0.0.1.evil.example/jwks.json",
        )]));
        assert!(e.contains("jwks_url"), "{e}");
    }
}
