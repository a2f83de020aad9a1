//! Linked accounts.

use super::{Result, Scope, Store, StoreError, ts};
use rampart_app::model::AccountInfo;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A linked account as stored (from the configuration file, an import or the demo).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountRecord {
    pub id: String,
    pub name: String,
    pub environment: String,
    pub owner_team: String,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    /// Empty: every enabled region.
    pub regions: Vec<String>,
    /// `config`, `import` or `demo`.
    pub source: String,
}

impl AccountRecord {
    pub fn info(&self, scannable: bool) -> AccountInfo {
        AccountInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            environment: self.environment.clone(),
            owner_team: self.owner_team.clone(),
            role_arn: self.role_arn.clone(),
            regions: self.regions.clone(),
            source: self.source.clone(),
            scannable,
        }
    }
}

pub(super) const ACCOUNT_COLUMNS: &str =
    "id, name, environment, owner_team, role_arn, external_id, regions, source";

pub(super) fn account_from_row(row: &AnyRow) -> Result<AccountRecord> {
    let regions: String = row.try_get("regions")?;
    Ok(AccountRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        environment: row.try_get("environment")?,
        owner_team: row.try_get("owner_team")?,
        role_arn: row.try_get("role_arn")?,
        external_id: row.try_get("external_id")?,
        regions: regions
            .split(',')
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect(),
        source: row.try_get("source")?,
    })
}

impl Store {
    /// Creates the account or updates its description (never its scans).
    pub async fn upsert_account(&self, a: &AccountRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO accounts (id, name, environment, owner_team, role_arn, external_id, regions, source, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, environment = excluded.environment,
                 owner_team = excluded.owner_team, role_arn = excluded.role_arn,
                 external_id = excluded.external_id, regions = excluded.regions, source = excluded.source",
        )
        .bind(&a.id)
        .bind(&a.name)
        .bind(&a.environment)
        .bind(&a.owner_team)
        .bind(&a.role_arn)
        .bind(&a.external_id)
        .bind(a.regions.join(","))
        .bind(&a.source)
        .bind(ts(chrono::Utc::now()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Writes an account of the configuration and, when that changes what is stored, records
    /// the change (before and after) in the audit log as `actor`; `false` when unchanged.
    /// The external id itself is not logged, only whether one is set.
    pub async fn configure_account(&self, a: &AccountRecord, actor: &str) -> Result<bool> {
        let before = match self.account(&a.id).await {
            Ok(b) => Some(b),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        if before.as_ref() == Some(a) {
            return Ok(false);
        }
        self.upsert_account(a).await?;
        let describe = |r: &AccountRecord| {
            serde_json::json!({
                "name": r.name,
                "environment": r.environment,
                "owner_team": r.owner_team,
                "role_arn": r.role_arn,
                "external_id_set": r.external_id.is_some(),
                "regions": r.regions,
                "source": r.source,
            })
        };
        let entry = super::AuditEntry {
            actor: actor.to_owned(),
            source: None,
            action: super::AuditAction::AccountChanged,
            target: a.id.clone(),
            detail: serde_json::json!({
                "before": before.as_ref().map(describe),
                "after": describe(a),
            }),
            outcome: super::AuditOutcome::Success,
        };
        self.audit(&entry).await?;
        Ok(true)
    }

    /// Makes sure an account row exists (for imports of accounts not in the configuration).
    pub async fn ensure_account(&self, id: &str, source: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO accounts (id, name, source, created_at) VALUES ($1, $1, $2, $3)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(source)
        .bind(ts(chrono::Utc::now()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn account(&self, id: &str) -> Result<AccountRecord> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "account",
            id: id.to_owned(),
        })?;
        account_from_row(&row)
    }

    /// The account, if `scope` may see it: another team's account is `NotFound`, exactly
    /// like an id that does not exist, so its existence is not revealed.
    pub async fn visible_account(&self, id: &str, scope: &Scope) -> Result<AccountRecord> {
        match self.account(id).await {
            Ok(a) if scope.allows_team(&a.owner_team) => Ok(a),
            Ok(_) => Err(StoreError::NotFound {
                what: "account",
                id: id.to_owned(),
            }),
            Err(e) => Err(e),
        }
    }

    /// The id of the account's latest finished scan, if any.
    pub async fn latest_scan_id(&self, id: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar::<_, Option<i64>>(
            "SELECT latest_scan_id FROM accounts WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }

    pub async fn accounts(&self) -> Result<Vec<AccountRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY name, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account_from_row).collect()
    }
}

/// Why a filter of accounts (ids, a team) chooses nothing the user may see. An account or
/// team outside the user's scope is unknown, exactly like one that does not exist.
#[derive(Debug, thiserror::Error)]
pub enum ChoiceError {
    #[error("account `{0}` is not linked (or not visible to you)")]
    UnknownAccount(String),
    #[error("no account of team `{0}` is linked (or visible to you)")]
    UnknownTeam(String),
    #[error(
        "account `{account}` is not an account of team `{team}`: choose all teams, or the account's own team"
    )]
    NotInTeam { account: String, team: String },
}

/// The accounts of `visible` (the user's) that `ids` (empty: every one) and `team` choose,
/// in their order. The compliance page and the reports choose their accounts with it.
pub fn choose_accounts<'a>(
    visible: &'a [AccountRecord],
    ids: &[String],
    team: Option<&str>,
) -> std::result::Result<Vec<&'a AccountRecord>, ChoiceError> {
    if let Some(id) = ids.iter().find(|id| !visible.iter().any(|a| &a.id == *id)) {
        return Err(ChoiceError::UnknownAccount(id.clone()));
    }
    if let Some(team) = team
        && !visible.iter().any(|a| a.owner_team == team)
    {
        return Err(ChoiceError::UnknownTeam(team.to_owned()));
    }
    let chosen: Vec<&AccountRecord> = visible
        .iter()
        .filter(|a| ids.is_empty() || ids.contains(&a.id))
        .filter(|a| team.is_none_or(|t| a.owner_team == t))
        .collect();
    match (ids.first(), team) {
        (Some(account), Some(team)) if chosen.is_empty() => Err(ChoiceError::NotInTeam {
            account: account.clone(),
            team: team.to_owned(),
        }),
        _ => Ok(chosen),
    }
}

impl Store {
    /// The accounts of `scope`, by name.
    pub async fn accounts_in(&self, scope: &Scope) -> Result<Vec<AccountRecord>> {
        Ok(self
            .accounts()
            .await?
            .into_iter()
            .filter(|a| scope.allows_team(&a.owner_team))
            .collect())
    }
}
