//! Turning an inventory into a stored scan: evaluate the checks, compute the CloudTrail /
//! CloudWatch / Config coverage, write everything in one transaction. Shared by "Scan now",
//! imports and the demo.

use crate::store::{ScanInput, Store, StoreError};
use chrono::{DateTime, Utc};
use rampart_app::model::ImportResult;
use rampart_engine::coverage::coverage;
use rampart_engine::inventory::{Inventory, SnapshotError};
use rampart_engine::report::ScanReport;

/// The largest snapshot accepted for import.
pub const MAX_SNAPSHOT_BYTES: usize = 256 * 1024 * 1024;

/// An import was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {} MiB", MAX_SNAPSHOT_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("not a Rampart inventory snapshot: {0}")]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Evaluates `inventory` as of its collection time and stores it as a scan.
/// Returns the scan id and the number of findings.
pub async fn ingest(
    store: &Store,
    inventory: &Inventory,
    source: &str,
    scan_id: Option<i64>,
    started_at: DateTime<Utc>,
) -> Result<(i64, usize), StoreError> {
    let report = ScanReport::evaluate(inventory, inventory.collected_at);
    let coverage = coverage(inventory);
    let id = store
        .record_scan(
            scan_id,
            ScanInput {
                account_id: inventory.account_id.as_str(),
                source,
                started_at,
                finished_at: Utc::now(),
                inventory,
                report: &report,
                coverage: &coverage,
            },
        )
        .await?;
    Ok((id, report.findings.len()))
}

/// Validates a snapshot file and stores it as a scan of its account (created if unknown).
pub async fn import_snapshot(store: &Store, bytes: &[u8]) -> Result<ImportResult, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.len() > MAX_SNAPSHOT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let inventory = Inventory::from_json(bytes)?;
    store
        .ensure_account(inventory.account_id.as_str(), "import")
        .await?;
    let (scan_id, findings) = ingest(store, &inventory, "import", None, Utc::now()).await?;
    Ok(ImportResult {
        account_id: inventory.account_id.as_str().to_owned(),
        scan_id,
        findings: i64::try_from(findings).unwrap_or(i64::MAX),
    })
}

/// Loads the demo organisation: `history + 1` weekly scans per account, oldest first.
pub async fn load_demo(
    store: &Store,
    now: DateTime<Utc>,
    history: usize,
) -> Result<usize, StoreError> {
    let mut scans = 0;
    for account in rampart_engine::demo::organisation() {
        store
            .upsert_account(&crate::store::AccountRecord {
                id: account.id.to_owned(),
                name: account.name.to_owned(),
                environment: account.environment.to_owned(),
                owner_team: account.owner_team.to_owned(),
                role_arn: None,
                external_id: None,
                regions: account.regions.iter().map(|r| (*r).to_owned()).collect(),
                source: "demo".to_owned(),
            })
            .await?;
        for ago in (0..=history).rev() {
            let inventory = account.inventory(now, ago);
            ingest(store, &inventory, "demo", None, inventory.collected_at).await?;
            scans += 1;
        }
    }
    Ok(scans)
}
