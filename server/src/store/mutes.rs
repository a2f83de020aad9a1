//! Mutes (risk acceptance, `migrations/*/0005_mutes.sql`): written together with their audit
//! rows in one transaction, and applied to findings whenever findings are read.
//!
//! The rules of what a mute covers are the engine's ([`rampart_engine::mute`]); [`Muting`]
//! states the same rules in SQL for a query's findings `f` at one instant, so that the
//! explorer can filter, count and page by the status a finding has *now* (`MUTED` while an
//! unexpired mute covers a failure) and an expired mute needs no job to undo it. Resource
//! patterns hold only `*` as a wildcard (the engine refuses `?`, `[`, `]`, `%`, `\`), so they
//! run as SQLite `GLOB` patterns as they are, and as PostgreSQL `LIKE` patterns once `_` is
//! escaped and `*` becomes `%`; both compare case-sensitively, as ARNs are.

use super::audit::{AuditAction, AuditEntry, AuditOutcome};
use super::{Backend, Result, Scope, Store, StoreError, scope_condition, ts};
use chrono::{DateTime, Utc};
use rampart_app::model::{MuteInfo, ScanBrief, SeverityCounts};
use rampart_engine::Severity;
use rampart_engine::mute::MuteTarget;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, HashMap};

/// A validated mute to store (see `crate::mutes` for validation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMute {
    pub target: MuteTarget,
    pub reason: String,
    pub owner: String,
    pub expires_at: DateTime<Utc>,
}

/// Where a mute was made. `rampart mutes apply` only ever changes [`MuteSource::File`] mutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MuteSource {
    Ui,
    File,
}

impl MuteSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MuteSource::Ui => "ui",
            MuteSource::File => "file",
        }
    }
}

/// Who changes mutes, as the audit log records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    /// The client's address, when known.
    pub source: Option<String>,
}

/// What `apply_file_mutes` changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplyReport {
    pub added: Vec<MuteInfo>,
    /// Before and after.
    pub updated: Vec<(MuteInfo, MuteInfo)>,
    pub removed: Vec<MuteInfo>,
    pub unchanged: usize,
}

const MUTE_COLUMNS: &str = "id, account_id, check_id, resource_pattern, reason, owner, expires_at, created_by, created_at, source";

fn mute_from_row(row: &AnyRow, now: &str) -> Result<MuteInfo> {
    let expires_at: String = row.try_get("expires_at")?;
    Ok(MuteInfo {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        check_id: row.try_get("check_id")?,
        resource: row.try_get("resource_pattern")?,
        reason: row.try_get("reason")?,
        owner: row.try_get("owner")?,
        active: expires_at.as_str() > now,
        expires_at,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        source: row.try_get("source")?,
    })
}

/// The audit detail of a mute: every field of it.
fn detail(m: &MuteInfo) -> serde_json::Value {
    serde_json::json!({
        "id": m.id,
        "account_id": m.account_id,
        "check_id": m.check_id,
        "resource": m.resource,
        "reason": m.reason,
        "owner": m.owner,
        "expires_at": m.expires_at,
        "source": m.source,
        "created_by": m.created_by,
    })
}

/// A time as an SQL literal. INVARIANT: [`ts`] writes only digits, `-`, `:`, `.`, `T` and `Z`,
/// so the literal cannot break out of its quotes.
fn time_literal(t: DateTime<Utc>) -> String {
    format!("'{}'", ts(t))
}

/// The mutes in force at one instant and the SQL that applies them to the findings `f` of a
/// query. Built by [`Store::muting`]; without any mute in force every piece is the plain
/// column, so queries stay as they were.
#[derive(Debug, Clone)]
pub struct Muting {
    now: DateTime<Utc>,
    backend: Backend,
    active: HashMap<i64, MuteInfo>,
    /// When the first of them expires (a read model built now is stale from then on).
    next_expiry: Option<String>,
}

impl Muting {
    pub fn is_empty(&self) -> bool {
        self.active.is_empty()
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub(super) fn next_expiry(&self) -> Option<&str> {
        self.next_expiry.as_deref()
    }

    /// The condition "mute `m` is in force and covers finding `f`" (status aside).
    fn covers(&self) -> String {
        let resource = match self.backend {
            Backend::Sqlite => "f.resource_arn GLOB m.resource_pattern",
            Backend::Postgres => {
                r"f.resource_arn LIKE REPLACE(REPLACE(m.resource_pattern, '_', '\_'), '*', '%') ESCAPE '\'"
            }
        };
        format!(
            "m.account_id = f.account_id AND m.check_id = f.check_id AND m.expires_at > {} AND (m.resource_pattern IS NULL OR {resource})",
            time_literal(self.now)
        )
    }

    /// Whether finding `f` is muted now (a boolean SQL expression).
    pub(super) fn muted_sql(&self) -> String {
        if self.is_empty() {
            return "1 = 0".to_owned();
        }
        format!(
            "(f.status = 'FAIL' AND EXISTS (SELECT 1 FROM mutes m WHERE {}))",
            self.covers()
        )
    }

    /// Finding `f`'s status now: its stored status, or `MUTED`.
    pub(super) fn status_sql(&self) -> String {
        if self.is_empty() {
            return "f.status".to_owned();
        }
        format!(
            "CASE WHEN {} THEN 'MUTED' ELSE f.status END",
            self.muted_sql()
        )
    }

    /// The id of the mute behind finding `f`'s `MUTED` status (the one expiring last), or NULL.
    pub(super) fn mute_id_sql(&self) -> String {
        if self.is_empty() {
            return "CAST(NULL AS BIGINT)".to_owned();
        }
        format!(
            "CASE WHEN f.status = 'FAIL' THEN (SELECT m.id FROM mutes m WHERE {} ORDER BY m.expires_at DESC, m.id DESC LIMIT 1) END",
            self.covers()
        )
    }

    /// The filter of a status asked for (`FAIL` means failures not muted).
    pub(super) fn status_filter(&self, status: &str) -> Option<String> {
        match status {
            "MUTED" => Some(self.muted_sql()),
            "FAIL" if !self.is_empty() => {
                Some(format!("f.status = 'FAIL' AND NOT {}", self.muted_sql()))
            }
            _ => None,
        }
    }

    /// The record of a mute in force, by id.
    pub(super) fn get(&self, id: Option<i64>) -> Option<MuteInfo> {
        id.and_then(|id| self.active.get(&id).cloned())
    }
}

/// A scan's figures without the findings muted now.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Rescore {
    pub score: Option<f64>,
    pub failed: SeverityCounts,
    pub muted: i64,
}

impl Rescore {
    /// Puts these figures on the scan as the pages show it.
    pub fn apply(&self, scan: &mut ScanBrief) {
        scan.score = self.score;
        scan.failed = self.failed.total();
        scan.failed_by_severity = self.failed;
        scan.muted = self.muted;
    }
}

impl Store {
    /// The mutes in force now (every account: the queries using them are scoped already).
    pub async fn muting(&self) -> Result<Muting> {
        let now = self.now();
        let now_text = ts(now);
        let rows = sqlx::query(&format!(
            "SELECT {MUTE_COLUMNS} FROM mutes WHERE expires_at > $1 ORDER BY expires_at"
        ))
        .bind(&now_text)
        .fetch_all(&self.pool)
        .await?;
        let mut active = HashMap::with_capacity(rows.len());
        let mut next_expiry = None;
        for row in &rows {
            let m = mute_from_row(row, &now_text)?;
            if next_expiry.is_none() {
                next_expiry = Some(m.expires_at.clone());
            }
            active.insert(m.id, m);
        }
        Ok(Muting {
            now,
            backend: self.backend,
            active,
            next_expiry,
        })
    }

    /// Every mute of the accounts of `scope` (in force or expired), soonest expiry first.
    pub async fn mutes(&self, scope: &Scope) -> Result<Vec<MuteInfo>> {
        let now = ts(self.now());
        let (visible, teams) = scope_condition(scope, "account_id", 1);
        let sql = format!(
            "SELECT {MUTE_COLUMNS} FROM mutes WHERE {visible} ORDER BY expires_at, id LIMIT 10000"
        );
        let mut query = sqlx::query(&sql);
        for t in teams {
            query = query.bind(t);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|r| mute_from_row(r, &now)).collect()
    }

    /// One mute; `NotFound` when absent or its account is outside `scope`.
    pub async fn mute(&self, id: i64, scope: &Scope) -> Result<MuteInfo> {
        let (visible, teams) = scope_condition(scope, "account_id", 2);
        let sql = format!("SELECT {MUTE_COLUMNS} FROM mutes WHERE id = $1 AND {visible}");
        let mut query = sqlx::query(&sql).bind(id);
        for t in teams {
            query = query.bind(t);
        }
        let row = query
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "mute",
                id: id.to_string(),
            })?;
        mute_from_row(&row, &ts(self.now()))
    }

    /// Stores a mute and its `mute_created` audit row, in one transaction.
    #[tracing::instrument(skip_all, fields(account_id = %m.target.account_id, check_id = %m.target.check_id))]
    pub async fn create_mute(
        &self,
        m: &NewMute,
        source: MuteSource,
        actor: &Actor,
    ) -> Result<MuteInfo> {
        let mut tx = self.pool.begin().await?;
        let created = insert(&mut tx, m, source, &actor.name, self.now()).await?;
        audit(&mut tx, actor, AuditAction::MuteCreated, &created, None).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Deletes a mute (in force or expired) and writes its `mute_removed` audit row, in one
    /// transaction; `NotFound` when absent or outside `scope`.
    #[tracing::instrument(skip_all, fields(mute_id = id))]
    pub async fn remove_mute(&self, id: i64, scope: &Scope, actor: &Actor) -> Result<MuteInfo> {
        let m = self.mute(id, scope).await?;
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query("DELETE FROM mutes WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound {
                what: "mute",
                id: id.to_string(),
            });
        }
        audit(&mut tx, actor, AuditAction::MuteRemoved, &m, None).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// Makes the file-sourced mutes equal to `wanted` (each target at most once): adds the
    /// missing, updates those whose reason, owner or expiry changed, removes those no longer
    /// wanted; mutes made in the dashboard are never touched. One transaction with an audit
    /// row per change, so a failure changes nothing.
    #[tracing::instrument(skip_all, fields(wanted = wanted.len()))]
    pub async fn apply_file_mutes(&self, wanted: &[NewMute], actor: &Actor) -> Result<ApplyReport> {
        let now = self.now();
        let now_text = ts(now);
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(&format!(
            "SELECT {MUTE_COLUMNS} FROM mutes WHERE source = 'file' ORDER BY id"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let mut existing: BTreeMap<(String, String, Option<String>), MuteInfo> = BTreeMap::new();
        for row in &rows {
            let m = mute_from_row(row, &now_text)?;
            existing.insert(
                (m.account_id.clone(), m.check_id.clone(), m.resource.clone()),
                m,
            );
        }
        let mut report = ApplyReport::default();
        for w in wanted {
            let key = (
                w.target.account_id.clone(),
                w.target.check_id.clone(),
                w.target.resource.as_ref().map(|p| p.as_str().to_owned()),
            );
            match existing.remove(&key) {
                None => {
                    let created = insert(&mut tx, w, MuteSource::File, &actor.name, now).await?;
                    audit(&mut tx, actor, AuditAction::MuteCreated, &created, None).await?;
                    report.added.push(created);
                }
                Some(old)
                    if old.reason == w.reason
                        && old.owner == w.owner
                        && old.expires_at == ts(w.expires_at) =>
                {
                    report.unchanged += 1;
                }
                Some(old) => {
                    sqlx::query("UPDATE mutes SET reason = $1, owner = $2, expires_at = $3, created_by = $4 WHERE id = $5")
                        .bind(&w.reason)
                        .bind(&w.owner)
                        .bind(ts(w.expires_at))
                        .bind(&actor.name)
                        .bind(old.id)
                        .execute(&mut *tx)
                        .await?;
                    let new = MuteInfo {
                        reason: w.reason.clone(),
                        owner: w.owner.clone(),
                        expires_at: ts(w.expires_at),
                        created_by: actor.name.clone(),
                        active: w.expires_at > now,
                        ..old.clone()
                    };
                    audit(&mut tx, actor, AuditAction::MuteUpdated, &new, Some(&old)).await?;
                    report.updated.push((old, new));
                }
            }
        }
        for old in existing.into_values() {
            sqlx::query("DELETE FROM mutes WHERE id = $1")
                .bind(old.id)
                .execute(&mut *tx)
                .await?;
            audit(&mut tx, actor, AuditAction::MuteRemoved, &old, None).await?;
            report.removed.push(old);
        }
        tx.commit().await?;
        Ok(report)
    }

    /// The figures of the latest scans of accounts with a mute in force (or of `account`
    /// only), re-scored without the findings muted now; accounts where nothing is muted are
    /// left out. One grouped query over those scans.
    pub(super) async fn rescore_latest(
        &self,
        muting: &Muting,
        account: Option<&str>,
    ) -> Result<HashMap<String, Rescore>> {
        if muting.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT account_id, check_id, severity, st, COUNT(*) AS n FROM (
                 SELECT f.account_id, f.check_id, f.severity, {} AS st FROM findings f
                 WHERE f.scan_id IN (SELECT latest_scan_id FROM accounts WHERE latest_scan_id IS NOT NULL{}
                     AND id IN (SELECT account_id FROM mutes WHERE expires_at > {}))
                   AND f.status IN ('PASS', 'FAIL')
             ) t GROUP BY account_id, check_id, severity, st",
            muting.status_sql(),
            if account.is_some() { " AND id = $1" } else { "" },
            time_literal(muting.now()),
        );
        let mut q = sqlx::query(&sql);
        if let Some(a) = account {
            q = q.bind(a.to_owned());
        }
        let rows = q.fetch_all(&self.pool).await?;
        // Per account: per check (severity, passed, unmuted failures), and the muted count.
        type Checks = BTreeMap<String, (Severity, usize, usize)>;
        let mut per: HashMap<String, (Checks, SeverityCounts, i64)> = HashMap::new();
        for r in &rows {
            let account: String = r.try_get("account_id")?;
            let check: String = r.try_get("check_id")?;
            let severity: String = r.try_get("severity")?;
            let status: String = r.try_get("st")?;
            let n: i64 = r.try_get("n")?;
            let count = usize::try_from(n).unwrap_or(0);
            let (checks, failed, muted) = per.entry(account).or_default();
            let sev = Severity::parse(&severity).unwrap_or(Severity::Informational);
            let e = checks.entry(check).or_insert((sev, 0, 0));
            match status.as_str() {
                "PASS" => e.1 += count,
                "FAIL" => {
                    e.2 += count;
                    failed.add(&severity, n);
                }
                _ => *muted += n,
            }
        }
        Ok(per
            .into_iter()
            .filter(|(_, (_, _, muted))| *muted > 0)
            .map(|(account, (checks, failed, muted))| {
                let score = rampart_engine::score::score_of_checks(checks.into_values());
                (
                    account,
                    Rescore {
                        score,
                        failed,
                        muted,
                    },
                )
            })
            .collect())
    }
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    m: &NewMute,
    source: MuteSource,
    by: &str,
    now: DateTime<Utc>,
) -> Result<MuteInfo> {
    let resource = m.target.resource.as_ref().map(|p| p.as_str().to_owned());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO mutes (account_id, check_id, resource_pattern, reason, owner, expires_at, created_by, created_at, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&m.target.account_id)
    .bind(&m.target.check_id)
    .bind(&resource)
    .bind(&m.reason)
    .bind(&m.owner)
    .bind(ts(m.expires_at))
    .bind(by)
    .bind(ts(now))
    .bind(source.as_str())
    .fetch_one(&mut **tx)
    .await?;
    Ok(MuteInfo {
        id,
        account_id: m.target.account_id.clone(),
        check_id: m.target.check_id.clone(),
        resource,
        reason: m.reason.clone(),
        owner: m.owner.clone(),
        expires_at: ts(m.expires_at),
        created_by: by.to_owned(),
        created_at: ts(now),
        source: source.as_str().to_owned(),
        active: m.expires_at > now,
    })
}

async fn audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &Actor,
    action: AuditAction,
    m: &MuteInfo,
    previous: Option<&MuteInfo>,
) -> Result<i64> {
    let mut detail = detail(m);
    if let (Some(prev), serde_json::Value::Object(map)) = (previous, &mut detail) {
        map.insert("previous".to_owned(), self::detail(prev));
    }
    let entry = AuditEntry {
        actor: actor.name.clone(),
        source: actor.source.clone(),
        action,
        target: m.account_id.clone(),
        detail,
        outcome: AuditOutcome::Success,
    };
    super::audit::append(&mut **tx, &entry).await
}
