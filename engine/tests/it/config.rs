//! AWS Config checks through the real SDK path against moto.

use super::*;
use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};

#[tokio::test]
async fn recorder_in_one_region_passes_there_and_fails_elsewhere() {
    let acct = account().await;
    let bucket = format!("config-{}", acct.account_id);
    acct.s3("us-east-1")
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let cfg = acct.config("us-east-1");
    cfg.put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(format!("arn:aws:iam::{}:role/config", acct.account_id))
                .recording_group(
                    RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    cfg.put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name(&bucket)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Config], &["us-east-1", "eu-west-1"]).await;
    assert_eq!(
        status_in(&inv, "config_recorder_all_regions", Some("us-east-1")),
        Status::Fail,
        "not started yet"
    );
    cfg.start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Config], &["us-east-1", "eu-west-1"]).await;
    assert_eq!(
        status_in(&inv, "config_recorder_all_regions", Some("us-east-1")),
        Status::Pass
    );
    assert_eq!(
        status_in(&inv, "config_recorder_all_regions", Some("eu-west-1")),
        Status::Fail
    );
}
