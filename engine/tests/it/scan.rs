//! Whole-scan behaviour: identity, partial scans, snapshots, call counting.

use super::*;
use rampart_engine::report::ScanReport;

#[tokio::test]
async fn scan_identifies_the_assumed_account_and_counts_calls() {
    let acct = account().await;
    let opts = ScanOptions {
        regions: Some(vec![Region::parse("us-east-1").unwrap()]),
        services: [Service::Kms].into_iter().collect(),
        concurrency: 4,
        last_accessed: false,
    };
    let result = collect::scan(&acct.sdk, &opts, Arc::new(NoProgress))
        .await
        .unwrap();
    assert_eq!(result.inventory.account_id.as_str(), acct.account_id);
    assert!(result.inventory.kms.is_some());
    assert!(
        result.inventory.iam.is_none(),
        "services not asked for are not collected"
    );
    // GetCallerIdentity + ListKeys + ListAliases at least.
    assert!(result.api_calls >= 3, "{}", result.api_calls);
}

#[tokio::test]
async fn services_not_scanned_produce_no_findings() {
    let acct = account().await;
    let inv = scan(&acct, &[Service::Kms], &["us-east-1"]).await;
    let report = ScanReport::evaluate(&inv, chrono::Utc::now());
    assert!(
        report.findings.iter().all(|f| f.service == Service::Kms),
        "{:#?}",
        report.findings
    );
}

#[tokio::test]
async fn snapshot_round_trips_and_evaluates_the_same() {
    let acct = account().await;
    acct.kms("us-east-1").create_key().send().await.unwrap();
    let inv = scan(&acct, &[Service::Kms, Service::Config], &["us-east-1"]).await;
    let bytes = inv.to_json().unwrap();
    let back = Inventory::from_json(&bytes).unwrap();
    assert_eq!(back, inv);
    let now = chrono::Utc::now();
    assert_eq!(
        ScanReport::evaluate(&back, now),
        ScanReport::evaluate(&inv, now)
    );
}

#[tokio::test]
async fn malformed_or_foreign_snapshots_are_rejected_with_a_clear_error() {
    let err = Inventory::from_json(b"{not json").unwrap_err();
    assert!(err.to_string().contains("not valid JSON"), "{err}");
    let err = Inventory::from_json(br#"{"format_version": 99}"#).unwrap_err();
    assert!(err.to_string().contains("format version 99"), "{err}");
}

#[tokio::test]
async fn unreachable_endpoint_fails_the_scan_with_the_identity_error() {
    let sdk = MotoServer::shared()
        .base_config()
        .await
        .into_builder()
        .endpoint_url("http://127.0.0.1:9")
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
        .build();
    let err = collect::scan(&sdk, &ScanOptions::default(), Arc::new(NoProgress))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sts:GetCallerIdentity"), "{err}");
}
