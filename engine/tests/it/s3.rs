//! S3 checks through the real SDK path against moto (path-style addressing, S3 Control).

use super::*;
use aws_sdk_s3::types::{
    BucketVersioningStatus, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    VersioningConfiguration,
};

fn deny_http(bucket: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"DenyHTTP","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{bucket}","arn:aws:s3:::{bucket}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    )
}

#[tokio::test]
async fn bucket_settings_are_collected_and_judged() {
    let acct = account().await;
    let s3 = acct.s3("us-east-1");
    let good = format!("good-{}", acct.account_id);
    let bare = format!("bare-{}", acct.account_id);
    for b in [&good, &bare] {
        s3.create_bucket().bucket(b).send().await.unwrap();
    }
    s3.put_bucket_policy()
        .bucket(&good)
        .policy(deny_http(&good))
        .send()
        .await
        .unwrap();
    s3.put_bucket_versioning()
        .bucket(&good)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_encryption()
        .bucket(&good)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_public_access_block()
        .bucket(&good)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::S3], &["us-east-1"]).await;
    let good_sfx = format!(":::{good}");
    let bare_sfx = format!(":::{bare}");
    assert_eq!(
        status(&inv, "s3_bucket_policy_denies_http", &good_sfx),
        Status::Pass
    );
    assert_eq!(
        status(&inv, "s3_bucket_policy_denies_http", &bare_sfx),
        Status::Fail
    );
    // moto answers GetBucketVersioning with a `GetBucketVersioningResponse` root element
    // instead of S3's `VersioningConfiguration`, which the SDK rightly refuses: the check
    // must say ERROR (never PASS) and the scan must list the malformed response.
    assert_eq!(
        status(&inv, "s3_versioning_enabled", &good_sfx),
        Status::Error
    );
    assert!(inv.errors.iter().any(|e| e.api == "GetBucketVersioning" && e.resource.as_deref() == Some(good.as_str())));
    assert_eq!(
        status(&inv, "s3_default_encryption_kms", &good_sfx),
        Status::Pass
    );
    // moto leaves new buckets unencrypted (real AWS applies SSE-S3 since 2023).
    assert_eq!(
        status(&inv, "s3_default_encryption_enabled", &bare_sfx),
        Status::Fail
    );
    assert_eq!(
        status(&inv, "s3_bucket_public_access_block", &good_sfx),
        Status::Pass
    );
    assert_eq!(
        status(&inv, "s3_bucket_public_access_block", &bare_sfx),
        Status::Fail
    );
    assert_eq!(
        status(&inv, "s3_mfa_delete_enabled", &good_sfx),
        Status::Error
    );
}

#[tokio::test]
async fn account_public_access_block_is_read_through_s3_control() {
    let acct = account().await;
    let bucket = format!("covered-{}", acct.account_id);
    acct.s3("us-east-1")
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::S3], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "s3_account_public_access_block", None),
        Status::Fail
    );
    acct.s3control()
        .put_public_access_block()
        .account_id(&acct.account_id)
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::S3], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "s3_account_public_access_block", None),
        Status::Pass
    );
    // The account-level block protects a bucket that has none of its own.
    assert_eq!(
        status(
            &inv,
            "s3_bucket_public_access_block",
            &format!(":::{bucket}")
        ),
        Status::Pass
    );
}

#[tokio::test]
async fn public_read_acl_and_public_policy_are_found() {
    let acct = account().await;
    let s3 = acct.s3("us-east-1");
    let acl = format!("acl-public-{}", acct.account_id);
    let pol = format!("policy-public-{}", acct.account_id);
    let private = format!("private-{}", acct.account_id);
    for b in [&acl, &pol, &private] {
        s3.create_bucket().bucket(b).send().await.unwrap();
    }
    s3.put_bucket_acl()
        .bucket(&acl)
        .acl(aws_sdk_s3::types::BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{pol}/*"}}]}}"#
    );
    s3.put_bucket_policy()
        .bucket(&pol)
        .policy(policy)
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::S3], &["us-east-1"]).await;
    assert_eq!(
        status(
            &inv,
            "s3_bucket_not_publicly_readable",
            &format!(":::{acl}")
        ),
        Status::Fail
    );
    assert_eq!(
        status(
            &inv,
            "s3_bucket_not_publicly_readable",
            &format!(":::{pol}")
        ),
        Status::Fail
    );
    assert_eq!(
        status(
            &inv,
            "s3_bucket_not_publicly_readable",
            &format!(":::{private}")
        ),
        Status::Pass
    );
}

#[tokio::test]
async fn buckets_in_other_regions_are_read_from_their_region() {
    let acct = account().await;
    let s3 = acct.s3("eu-west-1");
    let b = format!("eu-bucket-{}", acct.account_id);
    s3.create_bucket()
        .bucket(&b)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::S3], &["us-east-1"]).await;
    let buckets = inv.s3.as_ref().unwrap().buckets.as_ref().unwrap();
    let bucket = buckets.iter().find(|x| x.name == b).unwrap();
    assert_eq!(bucket.region.as_ref().unwrap().as_str(), "eu-west-1");
    let f = findings(&inv, "s3_versioning_enabled");
    let f = f.iter().find(|f| f.resource_arn.ends_with(&b)).unwrap();
    assert_eq!(f.region.as_ref().unwrap().as_str(), "eu-west-1");
}

#[tokio::test]
async fn logging_ownership_object_lock_tags_and_foreign_grants_are_judged() {
    use aws_sdk_s3::types::{
        BucketLoggingStatus, LoggingEnabled, ObjectOwnership, OwnershipControls,
        OwnershipControlsRule, Tag, Tagging,
    };
    let acct = account().await;
    let s3 = acct.s3("us-east-1");
    let kept = format!("kept-{}", acct.account_id);
    let loose = format!("loose-{}", acct.account_id);
    let logs = format!("access-logs-{}", acct.account_id);
    s3.create_bucket()
        .bucket(&kept)
        .object_lock_enabled_for_bucket(true)
        .send()
        .await
        .unwrap();
    for b in [&loose, &logs] {
        s3.create_bucket().bucket(b).send().await.unwrap();
    }
    s3.put_bucket_acl()
        .bucket(&logs)
        .grant_write("uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
        .grant_read_acp("uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
        .send()
        .await
        .unwrap();
    s3.put_bucket_logging()
        .bucket(&kept)
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket(&logs)
                        .target_prefix("kept/")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_ownership_controls()
        .bucket(&kept)
        .ownership_controls(
            OwnershipControls::builder()
                .rules(
                    OwnershipControlsRule::builder()
                        .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_tagging()
        .bucket(&kept)
        .tagging(
            Tagging::builder()
                .tag_set(
                    Tag::builder()
                        .key("owner")
                        .value("security")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let foreign = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::999988887777:root"}},"Action":"s3:*","Resource":"arn:aws:s3:::{loose}"}}]}}"#
    );
    s3.put_bucket_policy()
        .bucket(&loose)
        .policy(foreign)
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::S3], &["us-east-1"]).await;
    let (k, l) = (format!(":::{kept}"), format!(":::{loose}"));
    for (check, good, bad) in [
        ("s3_server_access_logging_enabled", &k, &l),
        ("s3_acls_disabled", &k, &l),
        ("s3_object_lock_enabled", &k, &l),
        ("s3_buckets_tagged", &k, &l),
        ("s3_bucket_policy_no_other_account_full_access", &k, &l),
    ] {
        assert_eq!(status(&inv, check, good), Status::Pass, "{check} on {kept}");
        assert_eq!(status(&inv, check, bad), Status::Fail, "{check} on {loose}");
    }
}
