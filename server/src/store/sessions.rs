//! Dashboard sign-in sessions (`migrations/*/0004_sessions.sql`). Rows are keyed by the
//! SHA-256 hash of the session id the browser holds; the id itself is never stored. The
//! rules (timeouts, refresh) live in `auth::session`; this module only reads and writes.

use super::{Result, Store, StoreError, ts};
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hex SHA-256 of the session id.
    pub id_hash: String,
    pub sub: String,
    pub username: String,
    pub email: Option<String>,
    pub groups: Vec<String>,
    pub refresh_token: String,
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

const COLUMNS: &str = "id_hash, sub, username, email, groups, refresh_token, access_token, \
                       access_expires_at, created_at, last_seen_at";

fn time(row: &AnyRow, column: &str) -> Result<DateTime<Utc>> {
    let text: String = row.try_get(column)?;
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("sessions.{column} `{text}`: {e}")))
}

fn from_row(row: &AnyRow) -> Result<SessionRecord> {
    let groups: String = row.try_get("groups")?;
    Ok(SessionRecord {
        id_hash: row.try_get("id_hash")?,
        sub: row.try_get("sub")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        groups: serde_json::from_str(&groups)
            .map_err(|e| StoreError::Corrupt(format!("sessions.groups: {e}")))?,
        refresh_token: row.try_get("refresh_token")?,
        access_token: row.try_get("access_token")?,
        access_expires_at: time(row, "access_expires_at")?,
        created_at: time(row, "created_at")?,
        last_seen_at: time(row, "last_seen_at")?,
    })
}

impl Store {
    #[tracing::instrument(skip_all)]
    pub async fn create_session(&self, s: &SessionRecord) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO sessions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(&s.id_hash)
        .bind(&s.sub)
        .bind(&s.username)
        .bind(&s.email)
        .bind(serde_json::Value::from(s.groups.clone()).to_string())
        .bind(&s.refresh_token)
        .bind(&s.access_token)
        .bind(ts(s.access_expires_at))
        .bind(ts(s.created_at))
        .bind(ts(s.last_seen_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session whose id hashes to `id_hash`, if any.
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM sessions WHERE id_hash = $1"
        ))
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
    }

    /// Records activity (the idle timeout counts from here).
    #[tracing::instrument(skip_all)]
    pub async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(ts(at))
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores the tokens of a refresh (and the groups the new ID token names).
    #[tracing::instrument(skip_all)]
    pub async fn refresh_session(
        &self,
        id_hash: &str,
        access_token: &str,
        access_expires_at: DateTime<Utc>,
        groups: &[String],
    ) -> Result<()> {
        sqlx::query(
            "UPDATE sessions SET access_token = $1, access_expires_at = $2, groups = $3 \
             WHERE id_hash = $4",
        )
        .bind(access_token)
        .bind(ts(access_expires_at))
        .bind(serde_json::Value::from(groups.to_vec()).to_string())
        .bind(id_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends a session; `false` when there was none.
    #[tracing::instrument(skip_all)]
    pub async fn delete_session(&self, id_hash: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Deletes sessions idle since before `idle_before` or created before
    /// `created_before`; returns how many.
    #[tracing::instrument(skip_all)]
    pub async fn delete_expired_sessions(
        &self,
        idle_before: DateTime<Utc>,
        created_before: DateTime<Utc>,
    ) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(ts(idle_before))
            .bind(ts(created_before))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
