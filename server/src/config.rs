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
//! # Optional: sign-in through the pool's hosted pages (OAuth 2.0 code flow with PKCE)
//! hosted_ui = "https://<domain>.auth.<region>.amazoncognito.com"   # or a custom domain
//! redirect_uri = "https://rampart.example.com/signin/oauth/callback"
//! scopes = "openid email profile"      # the default
//! identity_provider = "Okta"           # optional: skip the hosted UI's chooser
//! logout_uri = "https://rampart.example.com/signin"   # optional: end the hosted UI's session too
//! password_sign_in = true              # false: only the hosted UI
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
    pub hosted_ui: Option<String>,
    pub redirect_uri: Option<String>,
    pub scopes: Option<String>,
    pub identity_provider: Option<String>,
    pub logout_uri: Option<String>,
    pub password_sign_in: Option<bool>,
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
    /// Sign-in through the pool's hosted pages, when configured.
    pub hosted_ui: Option<HostedUiConfig>,
}

/// Sign-in through the user pool's hosted pages (managed login): OAuth 2.0 authorization
/// code with PKCE (`auth::oauth`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedUiConfig {
    /// `https://<domain>.auth.<region>.amazoncognito.com` or a custom domain, without a
    /// trailing slash.
    pub url: String,
    /// This server's `/signin/oauth/callback`, exactly as listed in the app client's
    /// allowed callback URLs.
    pub redirect_uri: String,
    /// Space-separated; always includes `openid` (no ID token without it).
    pub scopes: String,
    /// An identity provider of the pool (a SAML or OIDC provider's name) to go to directly,
    /// skipping the hosted UI's chooser.
    pub identity_provider: Option<String>,
    /// After sign-out, the browser visits the hosted UI's `/logout`, which ends the hosted
    /// UI's own session and sends it here (an allowed sign-out URL of the app client).
    pub logout_uri: Option<String>,
    /// Whether the username-and-password form is offered too.
    pub password_sign_in: bool,
}

pub const DEFAULT_SCOPES: &str = "openid email profile";
/// The path of the OAuth callback, which `redirect_uri` must name.
pub const OAUTH_CALLBACK_PATH: &str = "/signin/oauth/callback";

impl CognitoFile {
    fn is_empty(&self) -> bool {
        self.region.is_none()
            && self.user_pool_id.is_none()
            && self.client_id.is_none()
            && self.client_secret.is_none()
            && self.issuer.is_none()
            && self.jwks_url.is_none()
            && self.hosted_ui.is_none()
            && self.redirect_uri.is_none()
            && self.scopes.is_none()
            && self.identity_provider.is_none()
            && self.logout_uri.is_none()
            && self.password_sign_in.is_none()
    }

    /// The hosted-UI settings, checked; `None` without `hosted_ui`.
    fn check_hosted_ui(&self) -> Result<Option<HostedUiConfig>, String> {
        let Some(url) = &self.hosted_ui else {
            let stray = [
                ("redirect_uri", self.redirect_uri.is_some()),
                ("scopes", self.scopes.is_some()),
                ("identity_provider", self.identity_provider.is_some()),
                ("logout_uri", self.logout_uri.is_some()),
                (
                    "password_sign_in = false",
                    self.password_sign_in == Some(false),
                ),
            ]
            .into_iter()
            .filter_map(|(k, set)| set.then_some(k))
            .collect::<Vec<_>>();
            if stray.is_empty() {
                return Ok(None);
            }
            return Err(format!(
                "{} only apply with hosted_ui (RAMPART_COGNITO_HOSTED_UI), which is not set",
                stray.join(", ")
            ));
        };
        let base = web_url("hosted_ui", url)?;
        if base.path() != "/" || base.query().is_some() {
            return Err(format!(
                "hosted_ui `{url}` must be the domain alone, such as \
                 https://<domain>.auth.<region>.amazoncognito.com (no path or query)"
            ));
        }
        let Some(redirect_uri) = &self.redirect_uri else {
            return Err(
                "hosted_ui needs redirect_uri (RAMPART_COGNITO_REDIRECT_URI): this server's \
                 https://<host>/signin/oauth/callback, as listed in the app client's callback URLs"
                    .into(),
            );
        };
        let redirect = web_url("redirect_uri", redirect_uri)?;
        if redirect.path() != OAUTH_CALLBACK_PATH || redirect.query().is_some() {
            return Err(format!(
                "redirect_uri `{redirect_uri}` must be this server's {OAUTH_CALLBACK_PATH} \
                 (no query)"
            ));
        }
        if let Some(logout) = &self.logout_uri {
            web_url("logout_uri", logout)?;
        }
        let scopes = self.scopes.as_deref().unwrap_or(DEFAULT_SCOPES);
        let tokens: Vec<&str> = scopes.split_whitespace().collect();
        if let Some(bad) = tokens.iter().find(|t| {
            !t.bytes()
                .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
        }) {
            return Err(format!("scope `{bad}` has characters a scope cannot have"));
        }
        if !tokens.contains(&"openid") {
            return Err(format!(
                "scopes `{scopes}` must include openid (Cognito issues no ID token without it)"
            ));
        }
        let identity_provider = match self.identity_provider.as_deref().map(str::trim) {
            Some(p) if p.is_empty() || p.len() > 32 || p.chars().any(char::is_whitespace) => {
                return Err(format!(
                    "identity_provider `{p}` is not an identity provider name of the pool \
                     (1 to 32 characters, no spaces)"
                ));
            }
            p => p.map(str::to_owned),
        };
        Ok(Some(HostedUiConfig {
            url: url.trim_end_matches('/').to_owned(),
            redirect_uri: redirect_uri.clone(),
            scopes: tokens.join(" "),
            identity_provider,
            logout_uri: self.logout_uri.clone(),
            password_sign_in: self.password_sign_in.unwrap_or(true),
        }))
    }

    /// `None` when nothing is configured; an error for a partial or inconsistent section.
    fn check(self) -> Result<Option<CognitoConfig>, ConfigError> {
        if self.is_empty() {
            return Ok(None);
        }
        let invalid = |m: String| ConfigError::Invalid(format!("cognito: {m}"));
        // Checked before the fields move; reported after the pool's own settings.
        let hosted_ui = self.check_hosted_ui();
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
        let hosted_ui = hosted_ui.map_err(invalid)?;
        Ok(Some(CognitoConfig {
            region,
            user_pool_id,
            client_id,
            client_secret: self.client_secret,
            issuer,
            jwks_url,
            hosted_ui,
        }))
    }
}

/// `value` as an absolute https:// URL (plain http only on loopback), without credentials
/// or fragment.
fn web_url(name: &str, value: &str) -> Result<reqwest::Url, String> {
    let url = reqwest::Url::parse(value)
        .map_err(|e| format!("{name} `{value}` is not an absolute URL: {e}"))?;
    let secure = url.scheme() == "https" || is_loopback_http(value);
    if !secure || url.host().is_none() {
        return Err(format!(
            "{name} `{value}` must be an https:// URL (plain http only on loopback)"
        ));
    }
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{name} `{value}` must not carry a fragment or credentials"
        ));
    }
    Ok(url)
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

/// The non-empty, trimmed items of a comma-separated environment value.
fn comma_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
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
            fc.scan.regions = comma_list(&v);
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
            ("RAMPART_COGNITO_HOSTED_UI", &mut c.hosted_ui),
            ("RAMPART_COGNITO_REDIRECT_URI", &mut c.redirect_uri),
            ("RAMPART_COGNITO_SCOPES", &mut c.scopes),
            (
                "RAMPART_COGNITO_IDENTITY_PROVIDER",
                &mut c.identity_provider,
            ),
            ("RAMPART_COGNITO_LOGOUT_URI", &mut c.logout_uri),
        ] {
            if let Some(v) = cognito_env(var) {
                *slot = Some(v.trim().to_owned());
            }
        }
        if let Some(v) = cognito_env("RAMPART_COGNITO_CLIENT_SECRET") {
            c.client_secret = Some(SecretString::from(v));
        }
        if let Some(v) = cognito_env("RAMPART_COGNITO_PASSWORD_SIGN_IN") {
            c.password_sign_in = Some(v.trim().parse().map_err(|_| ConfigError::Env {
                var: "RAMPART_COGNITO_PASSWORD_SIGN_IN",
                message: format!("`{v}` is not true or false"),
            })?);
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
            fc.trusted_proxies = comma_list(&v);
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

    const HOSTED_ENV: [(&str, &str); 5] = [
        ("RAMPART_COGNITO_REGION", "eu-west-1"),
        ("RAMPART_COGNITO_USER_POOL_ID", "eu-west-1_AbC123"),
        ("RAMPART_COGNITO_CLIENT_ID", "client123"),
        (
            "RAMPART_COGNITO_HOSTED_UI",
            "https://rampart.auth.eu-west-1.amazoncognito.com/",
        ),
        (
            "RAMPART_COGNITO_REDIRECT_URI",
            "https://rampart.example.com/signin/oauth/callback",
        ),
    ];

    #[test]
    fn the_hosted_ui_is_off_unless_configured() {
        let c = Config::load(None, env(&POOL_ENV), &Overrides::default())
            .unwrap()
            .cognito
            .unwrap();
        assert_eq!(c.hosted_ui, None);
    }

    #[test]
    fn hosted_ui_settings_come_from_the_environment_with_default_scopes() {
        let c = Config::load(None, env(&HOSTED_ENV), &Overrides::default())
            .unwrap()
            .cognito
            .unwrap()
            .hosted_ui
            .unwrap();
        assert_eq!(
            c,
            HostedUiConfig {
                url: "https://rampart.auth.eu-west-1.amazoncognito.com".into(),
                redirect_uri: "https://rampart.example.com/signin/oauth/callback".into(),
                scopes: "openid email profile".into(),
                identity_provider: None,
                logout_uri: None,
                password_sign_in: true,
            }
        );
        let mut vars = HOSTED_ENV.to_vec();
        vars.extend([
            ("RAMPART_COGNITO_SCOPES", "openid  email"),
            ("RAMPART_COGNITO_IDENTITY_PROVIDER", "Okta"),
            (
                "RAMPART_COGNITO_LOGOUT_URI",
                "https://rampart.example.com/signin",
            ),
            ("RAMPART_COGNITO_PASSWORD_SIGN_IN", "false"),
        ]);
        let c = Config::load(None, env(&vars), &Overrides::default())
            .unwrap()
            .cognito
            .unwrap()
            .hosted_ui
            .unwrap();
        assert_eq!(c.scopes, "openid email");
        assert_eq!(c.identity_provider.as_deref(), Some("Okta"));
        assert_eq!(
            c.logout_uri.as_deref(),
            Some("https://rampart.example.com/signin")
        );
        assert!(!c.password_sign_in);
    }

    #[test]
    fn hosted_ui_settings_come_from_the_file_and_a_loopback_redirect_may_be_plain_http() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rampart.toml");
        std::fs::write(
            &path,
            r#"
[cognito]
region = "eu-west-1"
user_pool_id = "eu-west-1_AbC123"
client_id = "client123"
hosted_ui = "https://login.example.com"
redirect_uri = "http://127.0.0.1:3000/signin/oauth/callback"
scopes = "openid aws.cognito.signin.user.admin"
identity_provider = "AzureAD"
password_sign_in = false
"#,
        )
        .unwrap();
        let c = Config::load(Some(&path), env(&[]), &Overrides::default())
            .unwrap()
            .cognito
            .unwrap()
            .hosted_ui
            .unwrap();
        assert_eq!(c.url, "https://login.example.com");
        assert_eq!(
            c.redirect_uri,
            "http://127.0.0.1:3000/signin/oauth/callback"
        );
        assert_eq!(c.scopes, "openid aws.cognito.signin.user.admin");
        assert_eq!(c.identity_provider.as_deref(), Some("AzureAD"));
        assert!(!c.password_sign_in);
    }

    #[test]
    fn invalid_hosted_ui_settings_are_refused_with_the_reason() {
        let bad = |extra: &[(&'static str, &'static str)]| {
            let mut v = HOSTED_ENV.to_vec();
            v.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
            v.extend_from_slice(extra);
            v.retain(|(_, value)| !value.is_empty());
            Config::load(None, env(&v), &Overrides::default())
                .unwrap_err()
                .to_string()
        };
        let e = bad(&[(
            "RAMPART_COGNITO_REDIRECT_URI",
            "http://rampart.example.com/signin/oauth/callback",
        )]);
        assert!(
            e.contains("redirect_uri") && e.contains("https://") && e.contains("loopback"),
            "{e}"
        );
        let e = bad(&[(
            "RAMPART_COGNITO_REDIRECT_URI",
            "https://rampart.example.com/callback",
        )]);
        assert!(e.contains("/signin/oauth/callback"), "{e}");
        let e = bad(&[("RAMPART_COGNITO_REDIRECT_URI", "")]);
        assert!(e.contains("hosted_ui needs redirect_uri"), "{e}");
        let e = bad(&[("RAMPART_COGNITO_REDIRECT_URI", "/signin/oauth/callback")]);
        assert!(e.contains("not an absolute URL"), "{e}");
        let e = bad(&[(
            "RAMPART_COGNITO_HOSTED_UI",
            "http://rampart.auth.eu-west-1.amazoncognito.com",
        )]);
        assert!(e.contains("hosted_ui") && e.contains("https://"), "{e}");
        let e = bad(&[(
            "RAMPART_COGNITO_HOSTED_UI",
            "https://rampart.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
        )]);
        assert!(e.contains("the domain alone"), "{e}");
        let e = bad(&[("RAMPART_COGNITO_SCOPES", "email profile")]);
        assert!(e.contains("must include openid"), "{e}");
        let e = bad(&[("RAMPART_COGNITO_SCOPES", "openid \"quoted\"")]);
        assert!(e.contains("scope"), "{e}");
        let e = bad(&[("RAMPART_COGNITO_LOGOUT_URI", "http://rampart.example.com/")]);
        assert!(e.contains("logout_uri"), "{e}");
        let e = bad(&[("RAMPART_COGNITO_IDENTITY_PROVIDER", "Okta SSO")]);
        assert!(e.contains("identity_provider"), "{e}");
        let e = bad(&[("RAMPART_COGNITO_PASSWORD_SIGN_IN", "no")]);
        assert!(e.contains("RAMPART_COGNITO_PASSWORD_SIGN_IN"), "{e}");
        // Hosted-UI settings without the hosted UI say so instead of being ignored.
        let e = bad(&[
            ("RAMPART_COGNITO_HOSTED_UI", ""),
            ("RAMPART_COGNITO_PASSWORD_SIGN_IN", "false"),
        ]);
        assert!(
            e.contains("redirect_uri, password_sign_in = false only apply with hosted_ui"),
            "{e}"
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
