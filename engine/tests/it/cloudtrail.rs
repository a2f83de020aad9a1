//! CloudTrail checks through the real SDK path against moto.

use super::*;
use aws_sdk_cloudtrail::types::{DataResource, EventSelector, ReadWriteType};

/// A trail bucket, and a trail named `name` writing to it.
pub async fn trail(
    acct: &MotoAccount,
    name: &str,
    multi_region: bool,
    log_group_arn: Option<&str>,
) -> String {
    let bucket = format!("{name}-logs-{}", acct.account_id);
    acct.s3("us-east-1")
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let mut req = acct
        .cloudtrail("us-east-1")
        .create_trail()
        .name(name)
        .s3_bucket_name(&bucket)
        .is_multi_region_trail(multi_region)
        .enable_log_file_validation(multi_region);
    if let Some(arn) = log_group_arn {
        req = req
            .cloud_watch_logs_log_group_arn(arn)
            .cloud_watch_logs_role_arn(format!(
                "arn:aws:iam::{}:role/trail-to-logs",
                acct.account_id
            ));
    }
    req.send().await.unwrap();
    acct.cloudtrail("us-east-1")
        .start_logging()
        .name(name)
        .send()
        .await
        .unwrap();
    bucket
}

#[tokio::test]
async fn multi_region_trail_with_management_events_passes() {
    let acct = account().await;
    let inv = scan(&acct, &[Service::CloudTrail], &["us-east-1", "eu-west-1"]).await;
    assert_eq!(
        status_in(&inv, "cloudtrail_multi_region_management_events", None),
        Status::Fail,
        "no trail yet"
    );
    trail(&acct, "org-trail", true, None).await;
    let inv = scan(&acct, &[Service::CloudTrail], &["us-east-1", "eu-west-1"]).await;
    assert_eq!(
        status_in(&inv, "cloudtrail_multi_region_management_events", None),
        Status::Pass
    );
    // The trail is seen from both regions but judged once, from its home region.
    assert_eq!(inv.cloudtrail.as_ref().unwrap().trails.len(), 1);
    assert_eq!(
        status(&inv, "cloudtrail_log_file_validation", ":trail/org-trail"),
        Status::Pass
    );
    assert_eq!(
        status(&inv, "cloudtrail_kms_encryption", ":trail/org-trail"),
        Status::Fail
    );
    assert_eq!(
        status(
            &inv,
            "cloudtrail_cloudwatch_logs_delivery",
            ":trail/org-trail"
        ),
        Status::Fail
    );
}

#[tokio::test]
async fn single_region_trail_does_not_satisfy_multi_region_logging() {
    let acct = account().await;
    trail(&acct, "local-trail", false, None).await;
    let inv = scan(&acct, &[Service::CloudTrail], &["us-east-1", "eu-west-1"]).await;
    assert_eq!(
        status_in(&inv, "cloudtrail_multi_region_management_events", None),
        Status::Fail
    );
    assert_eq!(
        status(&inv, "cloudtrail_log_file_validation", ":trail/local-trail"),
        Status::Fail
    );
}

#[tokio::test]
async fn s3_data_events_are_read_from_event_selectors() {
    let acct = account().await;
    trail(&acct, "data-trail", true, None).await;
    acct.cloudtrail("us-east-1")
        .put_event_selectors()
        .trail_name("data-trail")
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::WriteOnly)
                .include_management_events(true)
                .data_resources(
                    DataResource::builder()
                        .r#type("AWS::S3::Object")
                        .values("arn:aws:s3")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::CloudTrail], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "cloudtrail_s3_object_write_events", None),
        Status::Pass
    );
    assert_eq!(
        status_in(&inv, "cloudtrail_s3_object_read_events", None),
        Status::Fail
    );
    // Write-only management events no longer satisfy CIS 3.1.
    assert_eq!(
        status_in(&inv, "cloudtrail_multi_region_management_events", None),
        Status::Fail
    );
}
