//! Shield Advanced through the real SDK path against moto.

use super::*;

const CHECKS: [&str; 5] = [
    "shield_advanced_subscribed",
    "shield_advanced_resources_protected",
    "shield_advanced_proactive_engagement",
    "shield_advanced_srt_access",
    "shield_advanced_auto_renew",
];

#[tokio::test]
async fn an_unsubscribed_account_gets_one_informational_note_and_no_failures() {
    let acct = account().await;
    let inv = scan(&acct, &[Service::Shield], &["us-east-1", "eu-west-1"]).await;
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let all: Vec<Finding> = CHECKS.iter().flat_map(|c| findings(&inv, c)).collect();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].check_id, "shield_advanced_subscribed");
    assert_eq!(all[0].status, Status::Fail);
    assert_eq!(all[0].severity, checks::Severity::Informational);
    assert_eq!(all[0].region, None);
    assert!(
        all[0].message.contains("Shield Response Team"),
        "{}",
        all[0].message
    );
}

/// moto answers `DescribeSubscription` with `StartTime` / `EndTime` as "dd/mm/YYYY, HH:MM:SS"
/// strings where AWS sends epoch seconds, so the SDK rejects the body (an `Unknown` error). A subscription that
/// cannot be read must be an ERROR in every check, never a pass nor "not subscribed"; the
/// subscribed verdicts are tested on AWS-documented responses in the collector's tests.
#[tokio::test]
async fn a_subscription_that_cannot_be_read_is_an_error_in_every_check() {
    let acct = account().await;
    acct.shield("us-east-1")
        .create_subscription()
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Shield], &["us-east-1"]).await;
    assert!(
        inv.errors
            .iter()
            .any(|e| e.api == "DescribeSubscription" && e.message.contains("failed to parse JSON")),
        "{:?}",
        inv.errors
    );
    for check in CHECKS {
        assert_eq!(status_in(&inv, check, None), Status::Error, "{check}");
    }
}
