//! Background scans started from the dashboard ("Scan now"): collect with the engine,
//! report progress to the database, store the result in one transaction.

use crate::config::ScanDefaults;
use crate::ingest::ingest;
use crate::store::{AccountRecord, Store, StoreError};
use chrono::Utc;
use rampart_engine::collect::{self, Progress, ScanOptions, Target};
use rampart_engine::inventory::Service;
use rampart_engine::types::Region;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A scan could not be started.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("a scan of account {0} is already running")]
    AlreadyRunning(String),
    #[error("account {0} cannot be scanned from here (demo or imported account without a role)")]
    NotScannable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Accounts with a scan in flight in this process.
#[derive(Debug, Default)]
pub struct Jobs {
    running: Mutex<HashSet<String>>,
}

/// Whether "Scan now" applies to an account: configured accounts are scanned through their
/// role, or with the server's own credentials when no role is given.
pub fn scannable(a: &AccountRecord) -> bool {
    a.source == "config"
}

#[derive(Default)]
struct Counter {
    done: AtomicU64,
    total: AtomicU64,
    label: Mutex<String>,
}

impl Progress for Counter {
    fn add_tasks(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }
    fn task_done(&self, label: &str) {
        self.done.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut l) = self.label.lock() {
            label.clone_into(&mut l);
        }
    }
}

impl Jobs {
    fn claim(&self, account: &str) -> bool {
        self.running
            .lock()
            .map(|mut r| r.insert(account.to_owned()))
            .unwrap_or(false)
    }

    fn release(&self, account: &str) {
        if let Ok(mut r) = self.running.lock() {
            r.remove(account);
        }
    }

    /// Starts a scan of `account` in the background; returns the scan id at once.
    pub async fn start(
        self: &Arc<Self>,
        store: &Store,
        defaults: &ScanDefaults,
        account: AccountRecord,
    ) -> Result<i64, JobError> {
        if !scannable(&account) {
            return Err(JobError::NotScannable(account.id));
        }
        if store.running_scan(&account.id).await?.is_some() || !self.claim(&account.id) {
            return Err(JobError::AlreadyRunning(account.id));
        }
        let started_at = Utc::now();
        let scan_id = match store.begin_scan(&account.id, "scan", started_at).await {
            Ok(id) => id,
            Err(e) => {
                self.release(&account.id);
                return Err(e.into());
            }
        };
        let jobs = Arc::clone(self);
        let store = store.clone();
        let defaults = defaults.clone();
        tokio::spawn(async move {
            let outcome = run(&store, &defaults, &account, scan_id, started_at).await;
            if let Err(message) = outcome {
                tracing::warn!(account = %account.id, scan_id, %message, "scan failed");
                if let Err(e) = store.fail_scan(scan_id, &message).await {
                    tracing::error!(scan_id, error = %e, "recording the failed scan");
                }
            }
            jobs.release(&account.id);
        });
        Ok(scan_id)
    }
}

async fn run(
    store: &Store,
    defaults: &ScanDefaults,
    account: &AccountRecord,
    scan_id: i64,
    started_at: chrono::DateTime<Utc>,
) -> Result<(), String> {
    let target = Target {
        profile: None,
        role_arn: account.role_arn.clone(),
        external_id: account.external_id.clone(),
    };
    let sdk = collect::load_sdk_config(&target).await;
    let regions = if account.regions.is_empty() {
        &defaults.regions
    } else {
        &account.regions
    };
    let regions = if regions.is_empty() {
        None
    } else {
        Some(
            regions
                .iter()
                .map(|r| Region::parse(r).map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()?,
        )
    };
    let opts = ScanOptions {
        regions,
        services: Service::ALL.into_iter().collect(),
        concurrency: defaults.concurrency,
        last_accessed: false,
    };
    let counter = Arc::new(Counter::default());
    let ticker = {
        let counter = Arc::clone(&counter);
        let store = store.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_millis(700));
            loop {
                interval.tick().await;
                let label = counter.label.lock().map(|l| l.clone()).unwrap_or_default();
                let _ = store
                    .update_progress(
                        scan_id,
                        counter.done.load(Ordering::Relaxed),
                        counter.total.load(Ordering::Relaxed),
                        &label,
                    )
                    .await;
            }
        })
    };
    let result = collect::scan(&sdk, &opts, counter.clone()).await;
    ticker.abort();
    let result = result.map_err(|e| e.to_string())?;
    if result.inventory.account_id.as_str() != account.id {
        return Err(format!(
            "the credentials reach account {}, not {}: check the role ARN",
            result.inventory.account_id.as_str(),
            account.id
        ));
    }
    ingest(store, &result.inventory, "scan", Some(scan_id), started_at)
        .await
        .map_err(|e| format!("storing the scan: {e}"))?;
    Ok(())
}
