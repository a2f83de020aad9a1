//! The audit log (`migrations/*/0003_audit.sql`): an append-only record of who did what,
//! from where, to what, and how it ended. Written by the web layer after each audited
//! action; read by admins on `/admin/audit`.

use super::{Result, Store, StoreError, ts};
use rampart_app::model::AuditRow;
use sqlx::Row;

/// What was done. Stored as the snake-case name ([`AuditAction::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    ScanStarted,
    Import,
    Export,
    MuteCreated,
    MuteUpdated,
    MuteRemoved,
    AccountChanged,
    SettingsChanged,
}

impl AuditAction {
    pub const ALL: [AuditAction; 11] = [
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::ScanStarted,
        AuditAction::Import,
        AuditAction::Export,
        AuditAction::MuteCreated,
        AuditAction::MuteUpdated,
        AuditAction::MuteRemoved,
        AuditAction::AccountChanged,
        AuditAction::SettingsChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignOut => "sign_out",
            AuditAction::ScanStarted => "scan_started",
            AuditAction::Import => "import",
            AuditAction::Export => "export",
            AuditAction::MuteCreated => "mute_created",
            AuditAction::MuteUpdated => "mute_updated",
            AuditAction::MuteRemoved => "mute_removed",
            AuditAction::AccountChanged => "account_changed",
            AuditAction::SettingsChanged => "settings_changed",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// How the action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOutcome {
    Success,
    Failure,
    /// Refused for lack of permission.
    Denied,
}

impl AuditOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Success => "success",
            AuditOutcome::Failure => "failure",
            AuditOutcome::Denied => "denied",
        }
    }
}

/// One event to append. `target` names what was acted on (an account id, a file name);
/// `detail` is free-form JSON (never credentials or tokens).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub actor: String,
    pub source: Option<String>,
    pub action: AuditAction,
    pub target: String,
    pub detail: serde_json::Value,
    pub outcome: AuditOutcome,
}

/// Which rows to read; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<AuditAction>,
}

/// A read row (the page's model).
pub type AuditRecord = AuditRow;

/// The most rows one read returns (the CSV export reads this many, newest first).
pub const MAX_AUDIT_ROWS: i64 = 10_000;

impl Store {
    /// Appends one event; returns its id.
    #[tracing::instrument(skip_all, fields(action = entry.action.as_str()))]
    pub async fn audit(&self, entry: &AuditEntry) -> Result<i64> {
        append(&self.pool, entry).await
    }

    /// A page (from 1) of the rows matching `filter`, newest first, and how many match.
    /// `per_page` is clamped to 1..=[`MAX_AUDIT_ROWS`].
    pub async fn audit_log(
        &self,
        filter: &AuditFilter,
        page: i64,
        per_page: i64,
    ) -> Result<(Vec<AuditRecord>, i64)> {
        let per_page = per_page.clamp(1, MAX_AUDIT_ROWS);
        let offset = (page.max(1) - 1).saturating_mul(per_page);
        let mut conds = vec!["1 = 1".to_owned()];
        let mut args = Vec::new();
        if let Some(actor) = &filter.actor {
            args.push(actor.clone());
            conds.push(format!("actor = ${}", args.len()));
        }
        if let Some(action) = filter.action {
            args.push(action.as_str().to_owned());
            conds.push(format!("action = ${}", args.len()));
        }
        let cond = conds.join(" AND ");
        let list_sql = format!(
            "SELECT id, at, actor, source, action, target, detail, outcome FROM audit_log WHERE {cond} ORDER BY id DESC LIMIT {per_page} OFFSET {offset}"
        );
        let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {cond}");
        let mut list = sqlx::query(&list_sql);
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for a in &args {
            list = list.bind(a.clone());
            count = count.bind(a.clone());
        }
        let (rows, total) =
            futures::try_join!(list.fetch_all(&self.pool), count.fetch_one(&self.pool))?;
        let rows = rows
            .iter()
            .map(|r| {
                let detail: String = r.try_get("detail")?;
                Ok(AuditRow {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    source: r.try_get("source")?,
                    action: r.try_get("action")?,
                    target: r.try_get("target")?,
                    detail: serde_json::from_str(&detail)
                        .map_err(|e| StoreError::Corrupt(format!("audit detail: {e}")))?,
                    outcome: r.try_get("outcome")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((rows, total))
    }
}

/// Appends one event through `exec` (the pool, or the transaction of the change it records).
pub(super) async fn append<'e, E>(exec: E, entry: &AuditEntry) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar::<_, i64>(
        "INSERT INTO audit_log (at, actor, source, action, target, detail, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(ts(chrono::Utc::now()))
    .bind(&entry.actor)
    .bind(&entry.source)
    .bind(entry.action.as_str())
    .bind(&entry.target)
    .bind(entry.detail.to_string())
    .bind(entry.outcome.as_str())
    .fetch_one(exec)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    #[test]
    fn every_action_parses_back_from_its_stored_name() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(AuditAction::parse("ScanStarted"), None);
    }
}
