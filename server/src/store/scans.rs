//! Scans: started, progressing, and written with their findings in one transaction.

use super::{Result, Store, StoreError, ts};
use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use rampart_engine::checks::{registry, service_collected};
use rampart_engine::coverage::Coverage;
use rampart_engine::inventory::Inventory;
use rampart_engine::report::ScanReport;
use rampart_engine::{Severity, Status};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};

/// Everything written for one finished scan.
pub struct ScanInput<'a> {
    pub account_id: &'a str,
    /// `scan`, `import` or `demo`.
    pub source: &'a str,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub inventory: &'a Inventory,
    pub report: &'a ScanReport,
    pub coverage: &'a Coverage,
}

/// The rank of a severity, for sorting in SQL (critical highest).
pub fn severity_rank(s: Severity) -> i64 {
    match s {
        Severity::Critical => 4,
        Severity::High => 3,
        Severity::Medium => 2,
        Severity::Low => 1,
        Severity::Informational => 0,
    }
}

/// `framework:control` tokens, space separated with spaces around: the mappings a finding
/// had when it was stored, kept as a record. Pages, filters and exports read today's
/// mappings from the framework files instead (`findings::controls_of`).
pub fn controls_text(
    compliance: &BTreeMap<rampart_engine::checks::Framework, Vec<String>>,
) -> String {
    let mut s = String::from(" ");
    for (framework, ids) in compliance {
        for id in ids {
            s.push_str(framework.key());
            s.push(':');
            s.push_str(id);
            s.push(' ');
        }
    }
    s
}

pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::with_capacity(bytes.len() / 8), Compression::default());
    enc.write_all(bytes)?;
    enc.finish()
}

pub fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() * 8);
    GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

impl Store {
    /// Records that a scan of `account_id` started; returns its id.
    pub async fn begin_scan(
        &self,
        account_id: &str,
        source: &str,
        started_at: DateTime<Utc>,
    ) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO scans (account_id, source, status, started_at) VALUES ($1, $2, 'running', $3) RETURNING id",
        )
        .bind(account_id)
        .bind(source)
        .bind(ts(started_at))
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    pub async fn update_progress(
        &self,
        scan_id: i64,
        done: u64,
        total: u64,
        label: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE scans SET progress_done = $1, progress_total = $2, progress_label = $3 WHERE id = $4 AND status = 'running'",
        )
        .bind(i64::try_from(done).unwrap_or(i64::MAX))
        .bind(i64::try_from(total).unwrap_or(i64::MAX))
        .bind(label)
        .bind(scan_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a running scan failed with a reason; its account's data is unchanged.
    pub async fn fail_scan(&self, scan_id: i64, message: &str) -> Result<()> {
        sqlx::query(
            "UPDATE scans SET status = 'failed', finished_at = $1, message = $2 WHERE id = $3 AND status = 'running'",
        )
        .bind(ts(Utc::now()))
        .bind(message)
        .bind(scan_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// At start-up: scans left `running` by a stopped server are failed, not resumed.
    pub async fn fail_interrupted_scans(&self) -> Result<u64> {
        let r = sqlx::query(
            "UPDATE scans SET status = 'failed', finished_at = $1, message = 'interrupted: the server stopped during the scan' WHERE status = 'running'",
        )
        .bind(ts(Utc::now()))
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected())
    }

    /// Whether the account has a scan running now.
    pub async fn running_scan(&self, account_id: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM scans WHERE account_id = $1 AND status = 'running' ORDER BY id DESC LIMIT 1",
        )
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Writes a finished scan, its findings, the findings' identities across scans and the
    /// compliance roll-up, all in one transaction. With `scan_id` the running scan row is
    /// completed; otherwise a new row is made. Returns the scan id.
    pub async fn record_scan(&self, scan_id: Option<i64>, input: ScanInput<'_>) -> Result<i64> {
        let report = input.report;
        let summary = &report.summary;
        let status = if input.inventory.errors.is_empty() {
            "succeeded"
        } else {
            "partial"
        };
        let inventory_json = input
            .inventory
            .to_json()
            .map_err(|e| StoreError::Corrupt(format!("serialising the inventory: {e}")))?;
        let inventory_gz = gzip(&inventory_json)
            .map_err(|e| StoreError::Corrupt(format!("compressing the inventory: {e}")))?;
        let errors_json = serde_json::to_string(&input.inventory.errors)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let coverage_json = serde_json::to_string(input.coverage)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let coverage_summary = serde_json::to_string(&input.coverage.summary())
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let count = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
        let sev = |s: Severity| count(summary.failed_by_severity.get(&s).copied().unwrap_or(0));
        let collected_at = ts(input.inventory.collected_at);

        let mut tx = self.pool.begin().await?;
        let scan_id = match scan_id {
            Some(id) => id,
            None => sqlx::query_scalar(
                "INSERT INTO scans (account_id, source, status, started_at) VALUES ($1, $2, 'running', $3) RETURNING id",
            )
            .bind(input.account_id)
            .bind(input.source)
            .bind(ts(input.started_at))
            .fetch_one(&mut *tx)
            .await?,
        };
        sqlx::query(
            "UPDATE scans SET status = $1, finished_at = $2, collected_at = $3, score = $4, passed = $5,
                 failed = $6, errored = $7, failed_critical = $8, failed_high = $9, failed_medium = $10,
                 failed_low = $11, failed_informational = $12, collection_errors = $13,
                 errors_json = $14, coverage_json = $15, inventory_gz = $16, message = '',
                 coverage_summary = $18
             WHERE id = $17",
        )
        .bind(status)
        .bind(ts(input.finished_at))
        .bind(&collected_at)
        .bind(summary.score)
        .bind(count(summary.passed))
        .bind(count(summary.failed))
        .bind(count(summary.errors))
        .bind(sev(Severity::Critical))
        .bind(sev(Severity::High))
        .bind(sev(Severity::Medium))
        .bind(sev(Severity::Low))
        .bind(sev(Severity::Informational))
        .bind(count(input.inventory.errors.len()))
        .bind(errors_json)
        .bind(coverage_json)
        .bind(inventory_gz)
        .bind(scan_id)
        .bind(coverage_summary)
        .execute(&mut *tx)
        .await?;

        for f in &report.findings {
            let region = f.region.as_ref().map(|r| r.as_str()).unwrap_or("");
            let status = f.status.as_str();
            let failed_at = (f.status == Status::Fail).then(|| collected_at.clone());
            let key_id: i64 = sqlx::query_scalar(
                "INSERT INTO finding_keys (account_id, check_id, region, resource_arn, first_seen_at, last_seen_at, last_status, first_failed_at)
                 VALUES ($1, $2, $3, $4, $5, $5, $6, $7)
                 ON CONFLICT (account_id, check_id, region, resource_arn) DO UPDATE SET
                   first_seen_at = CASE WHEN excluded.first_seen_at < finding_keys.first_seen_at THEN excluded.first_seen_at ELSE finding_keys.first_seen_at END,
                   first_failed_at = CASE WHEN finding_keys.first_failed_at IS NULL OR excluded.first_failed_at < finding_keys.first_failed_at THEN COALESCE(excluded.first_failed_at, finding_keys.first_failed_at) ELSE finding_keys.first_failed_at END,
                   resolved_at = CASE
                     WHEN excluded.last_seen_at < finding_keys.last_seen_at THEN finding_keys.resolved_at
                     WHEN excluded.last_status = 'FAIL' THEN NULL
                     WHEN excluded.last_status = 'PASS' AND finding_keys.last_status = 'FAIL' THEN excluded.last_seen_at
                     ELSE finding_keys.resolved_at END,
                   last_status = CASE WHEN excluded.last_seen_at >= finding_keys.last_seen_at THEN excluded.last_status ELSE finding_keys.last_status END,
                   last_seen_at = CASE WHEN excluded.last_seen_at > finding_keys.last_seen_at THEN excluded.last_seen_at ELSE finding_keys.last_seen_at END
                 RETURNING id",
            )
            .bind(input.account_id)
            .bind(&f.check_id)
            .bind(region)
            .bind(&f.resource_arn)
            .bind(&collected_at)
            .bind(status)
            .bind(failed_at)
            .fetch_one(&mut *tx)
            .await?;
            let evidence = serde_json::to_string(&f.evidence)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO findings (scan_id, key_id, account_id, check_id, title, service, severity, severity_rank,
                     status, region, resource_arn, resource_type, message, evidence, controls)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                 ON CONFLICT (scan_id, key_id) DO NOTHING",
            )
            .bind(scan_id)
            .bind(key_id)
            .bind(input.account_id)
            .bind(&f.check_id)
            .bind(&f.title)
            .bind(f.service.as_str())
            .bind(f.severity.as_str())
            .bind(severity_rank(f.severity))
            .bind(status)
            .bind(region)
            .bind(&f.resource_arn)
            .bind(&f.resource_type)
            .bind(&f.message)
            .bind(evidence)
            .bind(controls_text(&f.compliance))
            .execute(&mut *tx)
            .await?;
        }

        // Failing findings of collected services that this scan no longer reports (the
        // resource is gone) are resolved too; services not collected tell nothing.
        let collected: BTreeSet<&str> = registry()
            .iter()
            .filter(|c| service_collected(input.inventory, c.meta.service))
            .map(|c| c.meta.id)
            .collect();
        if !collected.is_empty() {
            let placeholders: Vec<String> = (0..collected.len())
                .map(|i| format!("${}", i + 3))
                .collect();
            let sql = format!(
                "UPDATE finding_keys SET resolved_at = $1 WHERE account_id = $2 AND last_status = 'FAIL'
                   AND resolved_at IS NULL AND last_seen_at < $1 AND check_id IN ({})",
                placeholders.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(&collected_at).bind(input.account_id);
            for id in &collected {
                q = q.bind(*id);
            }
            q.execute(&mut *tx).await?;
        }

        // The account's latest scan is the one with the newest collection time.
        sqlx::query(
            "UPDATE accounts SET latest_scan_id = (
                 SELECT id FROM scans WHERE account_id = $1 AND status IN ('succeeded', 'partial')
                 ORDER BY collected_at DESC, id DESC LIMIT 1)
             WHERE id = $1",
        )
        .bind(input.account_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(scan_id)
    }

    /// The inventory snapshot stored with a scan.
    pub async fn scan_inventory(&self, scan_id: i64) -> Result<Inventory> {
        let blob: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT inventory_gz FROM scans WHERE id = $1")
                .bind(scan_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::NotFound {
                    what: "scan",
                    id: scan_id.to_string(),
                })?;
        let blob = blob.ok_or_else(|| StoreError::NotFound {
            what: "snapshot of scan",
            id: scan_id.to_string(),
        })?;
        let json = gunzip(&blob)
            .map_err(|e| StoreError::Corrupt(format!("snapshot of scan {scan_id}: {e}")))?;
        Inventory::from_json(&json)
            .map_err(|e| StoreError::Corrupt(format!("snapshot of scan {scan_id}: {e}")))
    }
}
