//! KMS checks through the real SDK path against moto.

use super::*;
use aws_sdk_kms::types::{KeySpec, KeyUsageType};

#[tokio::test]
async fn rotation_is_required_for_customer_symmetric_keys_only() {
    let acct = account().await;
    let kms = acct.kms("us-east-1");
    let rotating = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    kms.enable_key_rotation()
        .key_id(&rotating)
        .send()
        .await
        .unwrap();
    let stale = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let signing = kms
        .create_key()
        .key_spec(KeySpec::Rsa2048)
        .key_usage(KeyUsageType::SignVerify)
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let inv = scan(&acct, &[Service::Kms], &["us-east-1"]).await;
    assert_eq!(
        status(&inv, "kms_symmetric_key_rotation", &rotating),
        Status::Pass
    );
    assert_eq!(
        status(&inv, "kms_symmetric_key_rotation", &stale),
        Status::Fail
    );
    let f = findings(&inv, "kms_symmetric_key_rotation");
    assert!(
        !f.iter().any(|f| f.resource_arn.ends_with(&signing)),
        "asymmetric key must not be judged"
    );
}

#[tokio::test]
async fn key_scheduled_for_deletion_fails() {
    let acct = account().await;
    let kms = acct.kms("eu-west-1");
    let doomed = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let kept = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    kms.schedule_key_deletion()
        .key_id(&doomed)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Kms], &["eu-west-1"]).await;
    assert_eq!(
        status(&inv, "kms_key_not_pending_deletion", &doomed),
        Status::Fail
    );
    assert_eq!(
        status(&inv, "kms_key_not_pending_deletion", &kept),
        Status::Pass
    );
    // A key pending deletion is not judged for rotation.
    assert!(
        !findings(&inv, "kms_symmetric_key_rotation")
            .iter()
            .any(|f| f.resource_arn.ends_with(&doomed))
    );
}

#[tokio::test]
async fn public_key_policy_fails() {
    let acct = account().await;
    let kms = acct.kms("us-east-1");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}"#;
    let open = kms
        .create_key()
        .policy(policy)
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let default = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let inv = scan(&acct, &[Service::Kms], &["us-east-1"]).await;
    assert_eq!(
        status(&inv, "kms_key_policy_not_public", &open),
        Status::Fail
    );
    assert_eq!(
        status(&inv, "kms_key_policy_not_public", &default),
        Status::Pass
    );
}

#[tokio::test]
async fn iam_policies_that_decrypt_with_every_key_fail() {
    let acct = account().await;
    let iam = acct.iam();
    let all = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt"],"Resource":"*"}]}"#;
    let one = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/abc"}]}"#;
    iam.create_policy()
        .policy_name("decrypt-all")
        .policy_document(all)
        .send()
        .await
        .unwrap();
    iam.create_policy()
        .policy_name("decrypt-one")
        .policy_document(one)
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("etl").send().await.unwrap();
    iam.put_user_policy()
        .user_name("etl")
        .policy_name("decrypt-everything")
        .policy_document(all)
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Kms, Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status(
            &inv,
            "kms_managed_policies_no_decrypt_all_keys",
            ":policy/decrypt-all"
        ),
        Status::Fail
    );
    assert_eq!(
        status(
            &inv,
            "kms_managed_policies_no_decrypt_all_keys",
            ":policy/decrypt-one"
        ),
        Status::Pass
    );
    assert_eq!(
        status(
            &inv,
            "kms_inline_policies_no_decrypt_all_keys",
            "/inline/decrypt-everything"
        ),
        Status::Fail
    );
}
