//! Read models of the pages: overview, account, scans, checks (compliance is in
//! `compliance.rs`).
//!
//! The overview and the account page show each account's latest scan as it stands now:
//! re-scored without the failures muted now, which are counted apart (`muted`). Older scans
//! keep the figures they were stored with.

use super::{AccountRecord, Result, Scope, Store, StoreError, scope_condition};
use rampart_app::model::{
    AccountData, AccountRow, CheckDetail, CheckInfo, OverviewData, OverviewQuery, Progress,
    ScanBrief, ScanData, ServiceBreakdown, SeverityCounts, TrendPoint,
};
use rampart_engine::coverage::Coverage;
use rampart_engine::inventory::CollectionError;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

const SCAN_COLUMNS: &str = "id, account_id, source, status, started_at, finished_at, collected_at, score, passed, failed, errored, failed_critical, failed_high, failed_medium, failed_low, failed_informational, collection_errors, message, progress_done, progress_total, progress_label";

/// How many scans the sparklines show.
pub const TREND_LEN: i64 = 12;

fn scan_brief(row: &AnyRow) -> Result<ScanBrief> {
    let status: String = row.try_get("status")?;
    let progress = (status == "running").then(|| -> Result<Progress> {
        Ok(Progress {
            done: row.try_get("progress_done")?,
            total: row.try_get("progress_total")?,
            label: row.try_get("progress_label")?,
        })
    });
    Ok(ScanBrief {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        source: row.try_get("source")?,
        status,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        collected_at: row.try_get("collected_at")?,
        score: row.try_get("score")?,
        passed: row.try_get("passed")?,
        failed: row.try_get("failed")?,
        errored: row.try_get("errored")?,
        failed_by_severity: SeverityCounts {
            critical: row.try_get("failed_critical")?,
            high: row.try_get("failed_high")?,
            medium: row.try_get("failed_medium")?,
            low: row.try_get("failed_low")?,
            informational: row.try_get("failed_informational")?,
        },
        collection_errors: row.try_get("collection_errors")?,
        message: row.try_get("message")?,
        progress: progress.transpose()?,
        muted: 0,
    })
}

/// A check's description from the registry (`None` for ids this build does not know,
/// e.g. from an imported snapshot of another version).
pub fn check_info(id: &str) -> Option<CheckInfo> {
    let c = rampart_engine::checks::find(id)?;
    Some(CheckInfo {
        id: c.meta.id.to_owned(),
        title: c.meta.title.to_owned(),
        service: c.meta.service.as_str().to_owned(),
        severity: c.meta.severity.as_str().to_owned(),
        rationale: c.meta.rationale.to_owned(),
        remediation_console: c.meta.remediation.console.to_owned(),
        remediation_cli: c.meta.remediation.cli.to_owned(),
        compliance: c
            .meta
            .compliance_map()
            .into_iter()
            .map(|(f, ids)| (f.key().to_owned(), ids))
            .collect(),
    })
}

fn score_of(counts: &[(Option<f64>, f64)]) -> Option<f64> {
    // Organisation score: mean of account scores weighted by evaluated findings.
    let (mut w, mut s) = (0.0, 0.0);
    for (score, weight) in counts {
        if let Some(score) = score {
            w += weight;
            s += score * weight;
        }
    }
    (w > 0.0).then(|| (10.0 * s / w).round() / 10.0)
}

/// What the overview reads from the database, whatever the query: shared by every overview
/// request until the data revision changes.
#[derive(Debug)]
pub(super) struct OverviewBase {
    accounts: Vec<AccountRecord>,
    latest: BTreeMap<String, ScanBrief>,
    running: BTreeMap<String, ScanBrief>,
    trends: BTreeMap<String, Vec<TrendPoint>>,
    coverage: BTreeMap<String, rampart_engine::coverage::CoverageSummary>,
}

/// Read models kept between requests, each tagged with the revision it was read at and the
/// time it goes stale by itself (the first expiry of a mute in force then), if any.
#[derive(Debug, Default)]
pub(super) struct ReadCache {
    overview: Mutex<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    revision: i64,
    stale_at: Option<String>,
    base: Arc<OverviewBase>,
}

impl Store {
    /// The overview's data at the current revision: from the cache when nothing changed
    /// since it was read (and no mute in force then has expired since), else read afresh.
    /// The revision is read *before* the data, so a write landing in between can only make
    /// the cached copy newer than its tag (and be read again next time), never older.
    /// Creating or removing a mute bumps the revision too (`0005_mutes.sql`).
    async fn overview_base(&self) -> Result<Arc<OverviewBase>> {
        let revision = self.revision().await?;
        let now = super::ts(self.now());
        if let Ok(guard) = self.cache.overview.lock()
            && let Some(c) = guard.as_ref()
            && c.revision == revision
            && c.stale_at.as_ref().is_none_or(|t| now < *t)
        {
            return Ok(c.base.clone());
        }
        let muting = self.muting().await?;
        let (accounts, mut latest, running, mut trends, coverage, rescored) = futures::try_join!(
            self.accounts(),
            self.latest_scans(),
            self.running_scans(),
            self.trends(None),
            self.coverage_summaries(),
            self.rescore_latest(&muting, None)
        )?;
        for (account, r) in &rescored {
            if let Some(scan) = latest.get_mut(account) {
                r.apply(scan);
                retrend(trends.get_mut(account), scan);
            }
        }
        let base = Arc::new(OverviewBase {
            accounts,
            latest,
            running,
            trends,
            coverage,
        });
        if let Ok(mut guard) = self.cache.overview.lock()
            && guard.as_ref().is_none_or(|c| c.revision <= revision)
        {
            *guard = Some(Cached {
                revision,
                stale_at: muting.next_expiry().map(str::to_owned),
                base: base.clone(),
            });
        }
        Ok(base)
    }

    async fn latest_scans(&self) -> Result<BTreeMap<String, ScanBrief>> {
        let rows = sqlx::query(&format!(
            "SELECT {SCAN_COLUMNS} FROM scans WHERE id IN (SELECT latest_scan_id FROM accounts WHERE latest_scan_id IS NOT NULL)"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| scan_brief(r).map(|s| (s.account_id.clone(), s)))
            .collect()
    }

    async fn running_scans(&self) -> Result<BTreeMap<String, ScanBrief>> {
        let rows = sqlx::query(&format!(
            "SELECT {SCAN_COLUMNS} FROM scans WHERE status = 'running' ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| scan_brief(r).map(|s| (s.account_id.clone(), s)))
            .collect()
    }

    async fn trends(&self, account: Option<&str>) -> Result<BTreeMap<String, Vec<TrendPoint>>> {
        // The last TREND_LEN finished scans of each account, oldest first.
        let sql = format!(
            "SELECT id, account_id, collected_at, score FROM (
                 SELECT id, account_id, collected_at, score,
                        ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY collected_at DESC, id DESC) AS rn
                 FROM scans WHERE status IN ('succeeded', 'partial'){}
             ) t WHERE rn <= {TREND_LEN} ORDER BY account_id, collected_at, id",
            if account.is_some() { " AND account_id = $1" } else { "" }
        );
        let mut q = sqlx::query(&sql);
        if let Some(a) = account {
            q = q.bind(a.to_owned());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out: BTreeMap<String, Vec<TrendPoint>> = BTreeMap::new();
        for r in &rows {
            out.entry(r.try_get("account_id")?)
                .or_default()
                .push(TrendPoint {
                    scan_id: r.try_get("id")?,
                    at: r
                        .try_get::<Option<String>, _>("collected_at")?
                        .unwrap_or_default(),
                    score: r.try_get("score")?,
                });
        }
        Ok(out)
    }

    async fn coverage_summaries(
        &self,
    ) -> Result<BTreeMap<String, rampart_engine::coverage::CoverageSummary>> {
        let rows = sqlx::query(
            "SELECT account_id, coverage_summary FROM scans WHERE id IN (SELECT latest_scan_id FROM accounts WHERE latest_scan_id IS NOT NULL)",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = BTreeMap::new();
        for r in &rows {
            if let Some(json) = r.try_get::<Option<String>, _>("coverage_summary")?
                && let Ok(summary) = serde_json::from_str(&json)
            {
                out.insert(r.try_get("account_id")?, summary);
            }
        }
        Ok(out)
    }

    /// The overview: every account of `scope` with score, trend, failures, last scan and
    /// coverage; the organisation's totals count only those accounts. The cached base holds
    /// every account; the scope filters it here, after the cache, so no scope ever sees
    /// another's data.
    pub async fn overview(
        &self,
        query: &OverviewQuery,
        scope: &Scope,
        scannable: impl Fn(&AccountRecord) -> bool,
    ) -> Result<OverviewData> {
        let base = self.overview_base().await?;
        let OverviewBase {
            accounts,
            latest,
            running,
            trends,
            coverage,
        } = &*base;
        let mut environments: Vec<String> = accounts
            .iter()
            .filter(|a| scope.allows_team(&a.owner_team))
            .map(|a| a.environment.clone())
            .filter(|e| !e.is_empty())
            .collect();
        environments.sort();
        environments.dedup();
        let needle = query
            .q
            .as_deref()
            .map(str::to_lowercase)
            .filter(|s| !s.is_empty());
        let env = query.environment.as_deref().filter(|s| !s.is_empty());
        let mut rows: Vec<AccountRow> = accounts
            .iter()
            .filter(|a| scope.allows_team(&a.owner_team))
            .filter(|a| env.is_none_or(|e| a.environment == e))
            .filter(|a| {
                needle.as_ref().is_none_or(|n| {
                    a.name.to_lowercase().contains(n)
                        || a.id.contains(n.as_str())
                        || a.owner_team.to_lowercase().contains(n)
                })
            })
            .map(|a| {
                let last = latest.get(&a.id).cloned();
                AccountRow {
                    account: a.info(scannable(a)),
                    score: last.as_ref().and_then(|s| s.score),
                    trend: trends.get(&a.id).cloned().unwrap_or_default(),
                    failed: last
                        .as_ref()
                        .map(|s| s.failed_by_severity)
                        .unwrap_or_default(),
                    muted: last.as_ref().map(|s| s.muted).unwrap_or_default(),
                    last_scan: last,
                    running: running.get(&a.id).cloned(),
                    coverage: coverage.get(&a.id).cloned(),
                }
            })
            .collect();
        let descending = query.dir.as_deref() == Some("desc");
        match query.sort.as_deref().unwrap_or("score") {
            "name" => rows.sort_by(|a, b| a.account.name.cmp(&b.account.name)),
            "failed" => rows.sort_by(|a, b| {
                (a.failed.critical, a.failed.high, a.failed.total()).cmp(&(
                    b.failed.critical,
                    b.failed.high,
                    b.failed.total(),
                ))
            }),
            "last_scan" => rows.sort_by(|a, b| {
                let t = |r: &AccountRow| r.last_scan.as_ref().and_then(|s| s.collected_at.clone());
                t(a).cmp(&t(b))
            }),
            _ => rows.sort_by(|a, b| {
                a.score
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.score.unwrap_or(f64::INFINITY))
            }),
        }
        if descending {
            rows.reverse();
        }
        let mut failed = SeverityCounts::default();
        let mut muted = 0;
        let mut weights = Vec::new();
        for r in &rows {
            muted += r.muted;
            for s in ["critical", "high", "medium", "low", "informational"] {
                failed.add(s, r.failed.get(s));
            }
            if let Some(s) = &r.last_scan {
                weights.push((s.score, (s.passed + s.failed) as f64));
            }
        }
        let per_page = query.per_page.unwrap_or(100).clamp(1, 1000);
        let page = query.page.unwrap_or(1).max(1);
        let total_accounts = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        let skip = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
        let rows: Vec<AccountRow> = rows
            .into_iter()
            .skip(skip)
            .take(usize::try_from(per_page).unwrap_or(100))
            .collect();
        Ok(OverviewData {
            org_score: score_of(&weights),
            failed,
            muted,
            total_accounts,
            page,
            per_page,
            accounts: rows,
            environments,
            query: query.clone(),
        })
    }

    /// An account's page; `NotFound` outside `scope`.
    pub async fn account_page(
        &self,
        id: &str,
        scope: &Scope,
        scannable: impl Fn(&AccountRecord) -> bool,
    ) -> Result<AccountData> {
        let account = self.visible_account(id, scope).await?;
        let latest_row = sqlx::query(&format!(
            "SELECT {SCAN_COLUMNS}, coverage_json, errors_json FROM scans WHERE id = (SELECT latest_scan_id FROM accounts WHERE id = $1)"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let (latest, coverage, collection_errors) = match &latest_row {
            Some(r) => {
                let coverage = r
                    .try_get::<Option<String>, _>("coverage_json")?
                    .and_then(|j| serde_json::from_str::<Coverage>(&j).ok());
                let errors: String = r.try_get("errors_json")?;
                let errors: Vec<CollectionError> = serde_json::from_str(&errors)
                    .map_err(|e| StoreError::Corrupt(format!("collection errors: {e}")))?;
                (Some(scan_brief(r)?), coverage, errors)
            }
            None => (None, None, Vec::new()),
        };
        let muting = self.muting().await?;
        let mut latest = latest;
        let mut trend = self.trends(Some(id)).await?.remove(id).unwrap_or_default();
        if let Some(scan) = latest.as_mut()
            && let Some(r) = self.rescore_latest(&muting, Some(id)).await?.get(id)
        {
            r.apply(scan);
            retrend(Some(&mut trend), scan);
        }
        let by_service = match &latest {
            Some(scan) => {
                let rows = sqlx::query(&format!(
                    "SELECT service, status, severity, COUNT(*) AS n FROM (
                         SELECT f.service, {} AS status, f.severity FROM findings f WHERE f.scan_id = $1
                     ) t GROUP BY service, status, severity ORDER BY service",
                    muting.status_sql()
                ))
                .bind(scan.id)
                .fetch_all(&self.pool)
                .await?;
                let mut map: BTreeMap<String, ServiceBreakdown> = BTreeMap::new();
                for r in &rows {
                    let service: String = r.try_get("service")?;
                    let status: String = r.try_get("status")?;
                    let severity: String = r.try_get("severity")?;
                    let n: i64 = r.try_get("n")?;
                    let e = map
                        .entry(service.clone())
                        .or_insert_with(|| ServiceBreakdown {
                            service,
                            passed: 0,
                            failed: 0,
                            errored: 0,
                            failed_by_severity: SeverityCounts::default(),
                            muted: 0,
                        });
                    match status.as_str() {
                        "PASS" => e.passed += n,
                        "FAIL" => {
                            e.failed += n;
                            e.failed_by_severity.add(&severity, n);
                        }
                        "MUTED" => e.muted += n,
                        _ => e.errored += n,
                    }
                }
                map.into_values().collect()
            }
            None => Vec::new(),
        };
        let running = self.running_scans().await?.remove(id);
        Ok(AccountData {
            account: account.info(scannable(&account)),
            latest,
            running,
            trend,
            by_service,
            coverage,
            collection_errors,
        })
    }

    /// Every scan of an account, newest first (none outside `scope`).
    pub async fn scans(&self, account_id: &str, scope: &Scope) -> Result<Vec<ScanBrief>> {
        let (visible, teams) = scope_condition(scope, "account_id", 2);
        let sql = format!(
            "SELECT {SCAN_COLUMNS} FROM scans WHERE account_id = $1 AND {visible} ORDER BY COALESCE(collected_at, started_at) DESC, id DESC LIMIT 500"
        );
        let mut q = sqlx::query(&sql).bind(account_id);
        for t in teams {
            q = q.bind(t);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(scan_brief).collect()
    }

    /// A scan; `NotFound` when its account is outside `scope`.
    pub async fn scan(&self, scan_id: i64, scope: &Scope) -> Result<ScanData> {
        let row = sqlx::query(&format!(
            "SELECT {SCAN_COLUMNS}, errors_json FROM scans WHERE id = $1"
        ))
        .bind(scan_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "scan",
            id: scan_id.to_string(),
        })?;
        let scan = scan_brief(&row)?;
        let errors: String = row.try_get("errors_json")?;
        let account = self.account(&scan.account_id).await?;
        if !scope.allows_team(&account.owner_team) {
            return Err(StoreError::NotFound {
                what: "scan",
                id: scan_id.to_string(),
            });
        }
        Ok(ScanData {
            account: account.info(false),
            scan,
            collection_errors: serde_json::from_str(&errors)
                .map_err(|e| StoreError::Corrupt(format!("collection errors: {e}")))?,
        })
    }

    /// A check and its latest results per account of `scope`.
    pub async fn check_detail(&self, id: &str, scope: &Scope) -> Result<CheckDetail> {
        let check = check_info(id).ok_or_else(|| StoreError::NotFound {
            what: "check",
            id: id.to_owned(),
        })?;
        let muting = self.muting().await?;
        let (visible, teams) = scope_condition(scope, "f.account_id", 2);
        let sql = format!(
            "SELECT account_id, name, status, COUNT(*) AS n FROM (
                 SELECT f.account_id, a.name, {} AS status FROM findings f JOIN accounts a ON a.id = f.account_id
                 WHERE f.check_id = $1 AND {visible} AND f.scan_id IN (SELECT latest_scan_id FROM accounts WHERE latest_scan_id IS NOT NULL)
             ) t GROUP BY account_id, name, status ORDER BY name",
            muting.status_sql()
        );
        let mut q = sqlx::query(&sql).bind(id);
        for t in teams {
            q = q.bind(t);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut per: BTreeMap<(String, String), (i64, i64, i64)> = BTreeMap::new();
        let mut muted: BTreeMap<String, i64> = BTreeMap::new();
        for r in &rows {
            let account: String = r.try_get("account_id")?;
            let n: i64 = r.try_get("n")?;
            let status: String = r.try_get("status")?;
            if status == "MUTED" {
                *muted.entry(account.clone()).or_default() += n;
            }
            let e = per.entry((r.try_get("name")?, account)).or_default();
            match status.as_str() {
                "PASS" => e.0 += n,
                "FAIL" => e.1 += n,
                "MUTED" => {}
                _ => e.2 += n,
            }
        }
        Ok(CheckDetail {
            check,
            accounts: per
                .into_iter()
                .map(|((name, id), (p, f, e))| (id, name, p, f, e))
                .collect(),
            muted,
        })
    }

    /// The id and name of every account of `scope`, for filters (from the revision-tagged
    /// cache the overview keeps, filtered after it).
    pub async fn account_names(&self, scope: &Scope) -> Result<Vec<(String, String)>> {
        Ok(self
            .overview_base()
            .await?
            .accounts
            .iter()
            .filter(|a| scope.allows_team(&a.owner_team))
            .map(|a| (a.id.clone(), a.name.clone()))
            .collect())
    }
}

/// Gives the trend point of `scan` (an account's latest scan, re-scored) its current score.
fn retrend(trend: Option<&mut Vec<TrendPoint>>, scan: &ScanBrief) {
    if let Some(point) = trend
        .into_iter()
        .flat_map(|t| t.iter_mut())
        .find(|p| p.scan_id == scan.id)
    {
        point.score = scan.score;
    }
}
