//! Engine integration tests: real aws-sdk-rust calls against a real moto server.
//!
//! Each test works in an account of its own (AssumeRole into a fresh account id), so the
//! tests share one emulator and still run in parallel.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod apigateway;
mod cloudtrail;
mod cloudwatch;
mod cognito;
mod config;
mod glacier;
mod iam;
mod kms;
mod s3;
mod scan;
mod shield;
mod sns;
mod wafv2;

use rampart_engine::checks::{self, Finding, Status};
use rampart_engine::collect::{self, NoProgress, ScanOptions};
use rampart_engine::inventory::{Inventory, Service};
use rampart_engine::testing::moto::{MotoAccount, MotoServer};
use rampart_engine::types::Region;
use std::sync::Arc;

pub async fn account() -> MotoAccount {
    MotoServer::shared().new_account().await
}

pub async fn scan(acct: &MotoAccount, services: &[Service], regions: &[&str]) -> Inventory {
    let opts = ScanOptions {
        regions: Some(regions.iter().map(|r| Region::parse(r).unwrap()).collect()),
        services: services.iter().copied().collect(),
        concurrency: 16,
        last_accessed: false,
    };
    collect::scan(&acct.sdk, &opts, Arc::new(NoProgress))
        .await
        .expect("scan")
        .inventory
}

pub fn findings(inv: &Inventory, check_id: &str) -> Vec<Finding> {
    let check = checks::find(check_id).unwrap_or_else(|| panic!("no check {check_id}"));
    checks::evaluate_checks(&[check], inv, chrono::Utc::now())
}

/// The status of `check_id` for the one resource whose ARN ends with `suffix`.
pub fn status(inv: &Inventory, check_id: &str, suffix: &str) -> Status {
    let f = findings(inv, check_id);
    let matching: Vec<&Finding> = f
        .iter()
        .filter(|f| f.resource_arn.ends_with(suffix))
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "{check_id}: expected one finding for `{suffix}`, got {f:#?}"
    );
    matching[0].status
}

/// The status of an account-level check, or of the finding in `region`.
pub fn status_in(inv: &Inventory, check_id: &str, region: Option<&str>) -> Status {
    let f = findings(inv, check_id);
    let matching: Vec<&Finding> = f
        .iter()
        .filter(|f| f.region.as_ref().map(|r| r.as_str()) == region)
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "{check_id}: expected one finding in {region:?}, got {f:#?}"
    );
    matching[0].status
}
