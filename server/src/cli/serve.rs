//! `rampart serve`, `rampart demo` (the dashboard) and `rampart import`.

use super::EXIT_OK;
use anyhow::Context;
use rampart::auth::oauth::HostedUi;
use rampart::auth::{Auth, Cognito, IdentityProvider, Verifier};
use rampart::config::{CognitoConfig, Config, Overrides, ScanDefaults};
use rampart::ingest::{import_snapshot, load_demo};
use rampart::store::Store;
use rampart::web::{AppState, serve};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Configuration: a TOML file (--config) with `listen`, `database_url`, \
[scan] (concurrency, regions) and [[accounts]] (id, name, environment, owner_team, role_arn, \
external_id, regions); see the README.\n\
Environment (overrides the file): RAMPART_LISTEN, RAMPART_DATABASE_URL (or DATABASE_URL), \
RAMPART_SCAN_CONCURRENCY, RAMPART_SCAN_REGIONS (comma separated), RAMPART_ACCOUNTS (JSON array \
of accounts). Flags override both.\n\
Sign-in: an Amazon Cognito user pool, [cognito] (region, user_pool_id, client_id, client_secret, \
issuer, jwks_url) or RAMPART_COGNITO_REGION, RAMPART_COGNITO_USER_POOL_ID, \
RAMPART_COGNITO_CLIENT_ID, RAMPART_COGNITO_CLIENT_SECRET, RAMPART_COGNITO_ISSUER, \
RAMPART_COGNITO_JWKS_URL. The JSON API (/api/*) then requires `Authorization: Bearer <access \
token>` and every page a session from the sign-in form (/signin). Sessions: [session] \
(idle_timeout_minutes, absolute_timeout_hours, cookie_secure) or RAMPART_SESSION_IDLE_TIMEOUT_MINUTES, \
RAMPART_SESSION_ABSOLUTE_TIMEOUT_HOURS, RAMPART_SESSION_COOKIE_SECURE. Without it the server refuses to start unless --insecure-no-auth is given on a \
loopback address.\n\
Databases: a file path or sqlite://FILE (default rampart.db, WAL mode), or postgres://USER@HOST/DB."
)]
pub struct ServeArgs {
    /// Configuration file (TOML).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:3000].
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// Database URL or SQLite file [default: rampart.db].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Serve without authentication (no Cognito configured); loopback addresses only.
    #[arg(long)]
    pub insecure_no_auth: bool,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Address to listen on; loopback only, since demo mode has no authentication.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// Keep the demo database in this SQLite file (default: a fresh temporary file).
    #[arg(long, value_name = "FILE")]
    pub database: Option<PathBuf>,
    /// Weekly scans back in time per account, for trends and diffs.
    #[arg(long, default_value_t = 6)]
    pub history: usize,
    /// Print the organisation in the terminal instead of serving the dashboard.
    #[arg(long)]
    pub terminal: bool,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Inventory snapshot saved by `rampart scan --snapshot`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Configuration file (for the database URL).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL or SQLite file [default: rampart.db].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

pub(super) fn load_config(
    file: Option<&std::path::Path>,
    listen: Option<String>,
    database_url: Option<String>,
) -> anyhow::Result<Config> {
    Ok(Config::load(
        file,
        |k| std::env::var(k).ok(),
        &Overrides {
            listen,
            database_url,
        },
    )?)
}

/// How `rampart serve` authenticates, or why it must not start.
fn auth_mode(
    cognito: Option<&CognitoConfig>,
    insecure_no_auth: bool,
    listen: SocketAddr,
) -> anyhow::Result<Option<&CognitoConfig>> {
    match (cognito, insecure_no_auth) {
        (Some(_), true) => anyhow::bail!(
            "--insecure-no-auth was given but Cognito sign-in is configured; remove one of them"
        ),
        (Some(c), false) => Ok(Some(c)),
        (None, true) if listen.ip().is_loopback() => Ok(None),
        (None, true) => anyhow::bail!(
            "--insecure-no-auth serves without authentication on loopback only; `{listen}` is \
             not a loopback address"
        ),
        (None, false) => anyhow::bail!(
            "no authentication configured: set the [cognito] section (or RAMPART_COGNITO_REGION, \
             RAMPART_COGNITO_USER_POOL_ID and RAMPART_COGNITO_CLIENT_ID), or pass \
             --insecure-no-auth to serve on a loopback address without authentication"
        ),
    }
}

pub async fn serve_cmd(args: ServeArgs) -> anyhow::Result<u8> {
    let config = load_config(args.config.as_deref(), args.listen, args.database_url)?;
    let auth = match auth_mode(
        config.cognito.as_ref(),
        args.insecure_no_auth,
        config.listen,
    )? {
        Some(c) => {
            let http = reqwest::Client::builder()
                .build()
                .context("building the HTTP client for the user pool's keys")?;
            // The sign-in calls need no AWS credentials; the endpoint follows
            // AWS_ENDPOINT_URL like every other AWS client.
            let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new(c.region.clone()))
                .load()
                .await;
            let idp = IdentityProvider::new(
                aws_sdk_cognitoidentityprovider::Client::new(&sdk),
                c.client_id.clone(),
                c.client_secret.clone(),
            );
            let mut cognito =
                Cognito::new(Verifier::new(c, http.clone()), idp, config.session.clone());
            if let Some(h) = &c.hosted_ui {
                cognito = cognito.with_hosted_ui(HostedUi::new(
                    h.clone(),
                    c.client_id.clone(),
                    c.client_secret.clone(),
                    http,
                ));
            }
            Auth::Cognito(Arc::new(cognito))
        }
        None => Auth::Disabled,
    };
    let store = Store::open(&config.database_url)
        .await
        .with_context(|| format!("opening the database `{}`", redact(&config.database_url)))?;
    // Account changes made through the configuration are audited under its name.
    let actor = match &args.config {
        Some(path) => format!("config:{}", path.display()),
        None => "config:environment".to_owned(),
    };
    for account in &config.accounts {
        store.configure_account(&account.record(), &actor).await?;
    }
    let interrupted = store.fail_interrupted_scans().await?;
    if interrupted > 0 {
        tracing::warn!(
            interrupted,
            "scans left running by a previous server were marked failed"
        );
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    eprintln!(
        "Rampart dashboard on http://{} ({} linked accounts, database {}, {})",
        listener.local_addr()?,
        config.accounts.len(),
        redact(&config.database_url),
        match &config.cognito {
            Some(c) => format!("sign-in with Cognito pool {}", c.user_pool_id),
            None => "authentication off".to_owned(),
        }
    );
    // Expired sessions are deleted every five minutes.
    let sweeper = matches!(auth, Auth::Cognito(_)).then(|| {
        rampart::web::spawn_sweeper(
            store.clone(),
            config.session.clone(),
            std::time::Duration::from_secs(300),
        )
    });
    let state = AppState::with_auth(store.clone(), false, config.scan, auth)
        .with_trusted_proxies(config.trusted_proxies);
    serve(listener, state).await?;
    if let Some(s) = sweeper {
        s.abort();
    }
    store.close().await;
    Ok(EXIT_OK)
}

pub async fn demo_cmd(args: DemoArgs) -> anyhow::Result<u8> {
    if args.terminal {
        return super::demo::run(args.history);
    }
    if !args.listen.ip().is_loopback() {
        anyhow::bail!(
            "demo mode has no authentication and listens on loopback only; `{}` is not a loopback address",
            args.listen
        );
    }
    let tmp;
    let path = match &args.database {
        Some(p) => p.clone(),
        None => {
            tmp = tempfile::tempdir().context("creating a temporary directory")?;
            tmp.path().join("rampart-demo.db")
        }
    };
    let store = Store::open(&path.display().to_string())
        .await
        .with_context(|| format!("opening the demo database `{}`", path.display()))?;
    let started = std::time::Instant::now();
    let scans = load_demo(&store, chrono::Utc::now(), args.history).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    eprintln!(
        "Rampart demo: {scans} scans of 6 fictional accounts loaded in {:.1} s into {}\n\
         Dashboard on http://{} (authentication off, loopback only). Ctrl-C stops it.",
        started.elapsed().as_secs_f64(),
        path.display(),
        listener.local_addr()?
    );
    serve(
        listener,
        AppState::new(store.clone(), true, ScanDefaults::default()),
    )
    .await?;
    store.close().await;
    Ok(EXIT_OK)
}

pub async fn import_cmd(args: ImportArgs) -> anyhow::Result<u8> {
    let config = load_config(args.config.as_deref(), None, args.database_url)?;
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading `{}`", args.file.display()))?;
    let store = Store::open(&config.database_url)
        .await
        .with_context(|| format!("opening the database `{}`", redact(&config.database_url)))?;
    let result = import_snapshot(&store, &bytes)
        .await
        .with_context(|| format!("importing `{}`", args.file.display()));
    store.close().await;
    let result = result?;
    println!(
        "Imported {} as scan #{} of account {} ({} findings).",
        args.file.display(),
        result.scan_id,
        result.account_id,
        result.findings
    );
    Ok(EXIT_OK)
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cognito() -> CognitoConfig {
        CognitoConfig {
            region: "eu-west-1".into(),
            user_pool_id: "eu-west-1_AbC".into(),
            client_id: "abc".into(),
            client_secret: None,
            issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC".into(),
            jwks_url:
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC/.well-known/jwks.json"
                    .into(),
            hosted_ui: None,
        }
    }

    #[test]
    fn serve_requires_cognito_unless_insecure_no_auth_on_loopback() {
        let lo: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let lo6: SocketAddr = "[::1]:3000".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let c = cognito();
        assert!(auth_mode(Some(&c), false, any).unwrap().is_some());
        assert!(auth_mode(None, true, lo).unwrap().is_none());
        assert!(auth_mode(None, true, lo6).unwrap().is_none());
        let e = auth_mode(None, true, any).unwrap_err().to_string();
        assert!(e.contains("loopback") && e.contains("0.0.0.0:3000"), "{e}");
        let e = auth_mode(None, false, lo).unwrap_err().to_string();
        assert!(e.contains("no authentication configured"), "{e}");
        let e = auth_mode(Some(&c), true, lo).unwrap_err().to_string();
        assert!(e.contains("remove one"), "{e}");
    }

    #[test]
    fn passwords_are_not_shown_in_database_urls() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("rampart.db"), "rampart.db");
    }
}
