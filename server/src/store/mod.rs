//! Storage: SQLite (embedded default, one file in WAL mode) or PostgreSQL, through sqlx.
//!
//! Both databases run the same SQL (`$1` placeholders, `ON CONFLICT`, `RETURNING`): queries go
//! through sqlx's `Any` driver; each database has its own migration folder under
//! `migrations/` for the few types that differ. Times are stored as UTC RFC 3339 text.

mod accounts;
mod audit;
mod compliance;
mod findings;
mod mutes;
mod scans;
mod sessions;
mod views;

pub use crate::access::Scope;
pub use accounts::{AccountRecord, ChoiceError, choose_accounts};
pub use audit::{AuditAction, AuditEntry, AuditFilter, AuditOutcome, AuditRecord, MAX_AUDIT_ROWS};
pub use compliance::{ComplianceError, ComplianceFilter};
pub use findings::{ExportRow, FindingFilter};
pub use mutes::{Actor, ApplyReport, MuteSource, Muting, NewMute};
pub use scans::ScanInput;
pub use sessions::SessionRecord;
pub use views::check_info;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL `{0}` (expected sqlite://FILE or postgres://...)")]
    Url(String),
    #[error("{what} `{id}` not found")]
    NotFound { what: &'static str, id: String },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database, shared by handlers and background jobs (cheap to clone).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    cache: std::sync::Arc<views::ReadCache>,
    clock: Clock,
}

/// The time source of the store: whether a mute is in force is judged against it on every
/// read. The system clock, unless a test sets another ([`Store::with_clock`]).
#[derive(Clone)]
pub struct Clock(std::sync::Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Default for Clock {
    fn default() -> Self {
        Clock(std::sync::Arc::new(Utc::now))
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Store {
    /// Opens (creating if needed) the database at `url` and applies pending migrations.
    /// A bare path is taken as an SQLite file.
    pub async fn open(url: &str) -> Result<Store> {
        install_default_drivers();
        let (url, backend) = normalise_url(url)?;
        match backend {
            Backend::Sqlite => {
                let opts = sqlx::sqlite::SqliteConnectOptions::from_str(&url)?
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(true);
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(opts)
                    .await?;
                SQLITE_MIGRATIONS.run(&pool).await?;
                pool.close().await;
            }
            Backend::Postgres => {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&url)
                    .await?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                pool.close().await;
            }
        }
        let max = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        Ok(Store {
            pool,
            backend,
            cache: Default::default(),
            clock: Clock::default(),
        })
    }

    /// The same database read with another clock (tests move time forward with it).
    pub fn with_clock(self, now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Store {
        Store {
            clock: Clock(std::sync::Arc::new(now)),
            // Read models cached at one clock's time are not valid at another's.
            cache: Default::default(),
            ..self
        }
    }

    /// The store's current time.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock.0)()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The data revision (see `migrations/*/0002_revision.sql`): it changes whenever an
    /// account or a scan does, in the same transaction.
    pub async fn revision(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT n FROM revision WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `sqlite:` / `postgres:` URLs pass through; a bare path becomes `sqlite://PATH`.
fn normalise_url(url: &str) -> Result<(String, Backend)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((url.to_owned(), Backend::Postgres))
    } else if url.starts_with("sqlite:") {
        Ok((url.to_owned(), Backend::Sqlite))
    } else if url.contains("://") {
        Err(StoreError::Url(url.to_owned()))
    } else {
        Ok((format!("sqlite://{url}"), Backend::Sqlite))
    }
}

/// The SQL condition "`column` holds the id of an account `scope` may see", its team names as
/// `$first_param`, `$first_param + 1`, ... (returned, to bind in order). The one way every
/// query of the store restricts itself to a user's accounts.
pub(crate) fn scope_condition(
    scope: &Scope,
    column: &str,
    first_param: usize,
) -> (String, Vec<String>) {
    match scope {
        Scope::All => ("1 = 1".to_owned(), Vec::new()),
        Scope::Teams(teams) if teams.is_empty() => ("1 = 0".to_owned(), Vec::new()),
        Scope::Teams(teams) => {
            let params: Vec<String> = (0..teams.len())
                .map(|i| format!("${}", first_param + i))
                .collect();
            (
                format!(
                    "{column} IN (SELECT id FROM accounts WHERE owner_team IN ({}))",
                    params.join(", ")
                ),
                teams.iter().cloned().collect(),
            )
        }
    }
}

/// The stored form of a time: UTC, milliseconds, `Z`.
pub fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_paths_are_sqlite_files_and_other_schemes_are_refused() {
        assert_eq!(
            normalise_url("/tmp/r.db").ok(),
            Some(("sqlite:///tmp/r.db".to_owned(), Backend::Sqlite))
        );
        assert_eq!(
            normalise_url("postgres://u@h/db").ok().map(|x| x.1),
            Some(Backend::Postgres)
        );
        assert!(matches!(
            normalise_url("mysql://h/db"),
            Err(StoreError::Url(_))
        ));
    }

    #[test]
    fn scopes_become_one_condition_with_numbered_team_parameters() {
        assert_eq!(scope_condition(&Scope::All, "f.account_id", 1).0, "1 = 1");
        assert_eq!(
            scope_condition(&Scope::Teams(Default::default()), "x", 1).0,
            "1 = 0"
        );
        let (sql, args) = scope_condition(
            &Scope::Teams(["web".to_owned(), "payments".to_owned()].into()),
            "s.account_id",
            3,
        );
        assert_eq!(
            sql,
            "s.account_id IN (SELECT id FROM accounts WHERE owner_team IN ($3, $4))"
        );
        assert_eq!(args, ["payments", "web"]);
    }

    #[test]
    fn stored_times_sort_as_text() {
        let a = ts(DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default());
        let b = ts(DateTime::from_timestamp(1_700_000_001, 5_000_000).unwrap_or_default());
        assert_eq!(a, "2023-11-14T22:13:20.000Z");
        assert!(a < b);
    }
}
