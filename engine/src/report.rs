//! The scan report: the documented, stable JSON schema of `rampart scan --format json`
//! (see `docs/scan-schema.md`). Additive changes keep `schema_version`; others bump it.

use crate::checks::Finding;
use crate::inventory::{CollectionError, Inventory};
use crate::score::{Summary, summarize};
use crate::types::AccountId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    pub schema_version: u32,
    pub account_id: AccountId,
    pub scanned_at: DateTime<Utc>,
    pub score: Option<f64>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub errors: Vec<CollectionError>,
}

impl ScanReport {
    /// Evaluates every check on `inventory` as of `now` and builds the report.
    pub fn evaluate(inventory: &Inventory, now: DateTime<Utc>) -> Self {
        let findings = crate::checks::evaluate(inventory, now);
        Self::from_findings(inventory, findings)
    }

    pub fn from_findings(inventory: &Inventory, findings: Vec<Finding>) -> Self {
        let summary = summarize(&findings);
        Self {
            schema_version: SCHEMA_VERSION,
            account_id: inventory.account_id.clone(),
            scanned_at: inventory.collected_at,
            score: summary.score,
            summary,
            findings,
            errors: inventory.errors.clone(),
        }
    }
}
