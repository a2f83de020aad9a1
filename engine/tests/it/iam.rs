//! IAM checks through the real SDK path against moto.

use super::*;

const ADMIN_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const READ_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::reports/*"}]}"#;

#[tokio::test]
async fn console_user_without_mfa_fails_and_with_mfa_passes() {
    let acct = account().await;
    let iam = acct.iam();
    for u in ["no-mfa", "with-mfa"] {
        iam.create_user().user_name(u).send().await.unwrap();
        iam.create_login_profile()
            .user_name(u)
            .password("Correct-Horse-42!")
            .send()
            .await
            .unwrap();
    }
    let dev = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("with-mfa")
        .send()
        .await
        .unwrap();
    let serial = dev.virtual_mfa_device().unwrap().serial_number().to_owned();
    iam.enable_mfa_device()
        .user_name("with-mfa")
        .serial_number(&serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status(&inv, "iam_console_users_have_mfa", ":user/no-mfa"),
        Status::Fail
    );
    assert_eq!(
        status(&inv, "iam_console_users_have_mfa", ":user/with-mfa"),
        Status::Pass
    );
}

#[tokio::test]
async fn two_active_keys_fail_the_single_key_check() {
    let acct = account().await;
    let iam = acct.iam();
    iam.create_user()
        .user_name("two-keys")
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("one-key").send().await.unwrap();
    for _ in 0..2 {
        iam.create_access_key()
            .user_name("two-keys")
            .send()
            .await
            .unwrap();
    }
    iam.create_access_key()
        .user_name("one-key")
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status(&inv, "iam_single_active_access_key", ":user/two-keys"),
        Status::Fail
    );
    assert_eq!(
        status(&inv, "iam_single_active_access_key", ":user/one-key"),
        Status::Pass
    );
}

#[tokio::test]
async fn password_policy_length_and_reuse_are_judged() {
    let acct = account().await;
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "iam_password_policy_min_length", None),
        Status::Fail,
        "no policy at all"
    );
    acct.iam()
        .update_account_password_policy()
        .minimum_password_length(14)
        .password_reuse_prevention(24)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "iam_password_policy_min_length", None),
        Status::Pass
    );
    assert_eq!(
        status_in(&inv, "iam_password_policy_reuse", None),
        Status::Pass
    );
    acct.iam()
        .update_account_password_policy()
        .minimum_password_length(8)
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "iam_password_policy_min_length", None),
        Status::Fail
    );
    assert_eq!(
        status_in(&inv, "iam_password_policy_reuse", None),
        Status::Fail
    );
}

#[tokio::test]
async fn attached_full_admin_policy_fails_and_scoped_policy_passes() {
    let acct = account().await;
    let iam = acct.iam();
    let admin = iam
        .create_policy()
        .policy_name("everything")
        .policy_document(ADMIN_POLICY)
        .send()
        .await
        .unwrap();
    let read = iam
        .create_policy()
        .policy_name("read-reports")
        .policy_document(READ_POLICY)
        .send()
        .await
        .unwrap();
    iam.create_group().group_name("ops").send().await.unwrap();
    for p in [&admin, &read] {
        iam.attach_group_policy()
            .group_name("ops")
            .policy_arn(p.policy().unwrap().arn().unwrap())
            .send()
            .await
            .unwrap();
    }
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status(&inv, "iam_no_full_admin_policies", ":policy/everything"),
        Status::Fail
    );
    assert_eq!(
        status(&inv, "iam_no_full_admin_policies", ":policy/read-reports"),
        Status::Pass
    );
}

#[tokio::test]
async fn inline_admin_policy_on_a_role_fails() {
    let acct = account().await;
    let iam = acct.iam();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name("app")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("app")
        .policy_name("god-mode")
        .policy_document(ADMIN_POLICY)
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    let f = findings(&inv, "iam_no_full_admin_inline_policies");
    let god = f
        .iter()
        .find(|f| f.resource_arn.contains("god-mode"))
        .expect("finding for god-mode");
    assert_eq!(god.status, Status::Fail);
}

#[tokio::test]
async fn users_with_directly_attached_policies_fail_the_groups_only_check() {
    let acct = account().await;
    let iam = acct.iam();
    let p = iam
        .create_policy()
        .policy_name("read-reports")
        .policy_document(READ_POLICY)
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("direct").send().await.unwrap();
    iam.create_user().user_name("grouped").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("direct")
        .policy_arn(p.policy().unwrap().arn().unwrap())
        .send()
        .await
        .unwrap();
    iam.create_group()
        .group_name("readers")
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("readers")
        .user_name("grouped")
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status(&inv, "iam_user_permissions_through_groups", ":user/direct"),
        Status::Fail
    );
    assert_eq!(
        status(&inv, "iam_user_permissions_through_groups", ":user/grouped"),
        Status::Pass
    );
}

#[tokio::test]
async fn support_role_is_found_through_the_managed_policy() {
    let acct = account().await;
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "iam_support_role_exists", None),
        Status::Fail
    );
    let iam = acct.iam();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":"sts:AssumeRole"}}]}}"#,
        acct.account_id
    );
    iam.create_role()
        .role_name("aws-support")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("aws-support")
        .policy_arn("arn:aws:iam::aws:policy/AWSSupportAccess")
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "iam_support_role_exists", None),
        Status::Pass
    );
}

#[tokio::test]
async fn root_checks_use_the_account_summary() {
    let acct = account().await;
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    // A fresh moto account has no root MFA and no root keys.
    assert_eq!(status_in(&inv, "iam_root_mfa_enabled", None), Status::Fail);
    assert_eq!(
        status_in(&inv, "iam_root_access_keys_absent", None),
        Status::Pass
    );
    // moto's credential report has no root row: the root-use check must say so, not pass.
    assert_eq!(
        status_in(&inv, "iam_root_not_used_recently", None),
        Status::Error
    );
}

#[tokio::test]
async fn expired_server_certificate_fails() {
    let acct = account().await;
    let iam = acct.iam();
    iam.upload_server_certificate()
        .server_certificate_name("legacy-elb")
        .certificate_body(include_str!("../fixtures/expired-cert.pem"))
        .private_key(include_str!("../fixtures/expired-key.pem"))
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status(
            &inv,
            "iam_expired_server_certificates_removed",
            ":server-certificate/legacy-elb"
        ),
        Status::Fail
    );
}

#[tokio::test]
async fn access_analyzer_is_not_served_by_moto_and_reports_error_per_region() {
    let acct = account().await;
    let inv = scan(&acct, &[Service::Iam], &["us-east-1", "eu-west-1"]).await;
    let f = findings(&inv, "iam_access_analyzer_enabled");
    assert_eq!(f.len(), 2);
    assert!(f.iter().all(|f| f.status == Status::Error), "{f:#?}");
    assert!(
        inv.errors
            .iter()
            .any(|e| e.api == "accessanalyzer:ListAnalyzers")
    );
}

#[tokio::test]
async fn fresh_credentials_pass_unused_checks_and_keys_made_with_a_console_user_fail_setup_check() {
    let acct = account().await;
    let iam = acct.iam();
    iam.create_user()
        .user_name("new-hire")
        .send()
        .await
        .unwrap();
    iam.create_login_profile()
        .user_name("new-hire")
        .password("Correct-Horse-42!")
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name("new-hire")
        .send()
        .await
        .unwrap();
    iam.create_user()
        .user_name("api-only")
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status(
            &inv,
            "iam_no_access_keys_at_initial_setup",
            ":user/new-hire"
        ),
        Status::Fail
    );
    assert_eq!(
        status(
            &inv,
            "iam_unused_credentials_disabled_45_days",
            ":user/new-hire"
        ),
        Status::Pass
    );
    assert_eq!(
        status(&inv, "iam_unused_credentials_90_days", ":user/api-only"),
        Status::Pass
    );
    assert_eq!(
        status(&inv, "iam_access_keys_rotated_90_days", ":user/new-hire"),
        Status::Pass
    );
    assert_eq!(
        status(&inv, "iam_users_have_mfa", ":user/api-only"),
        Status::Fail
    );
}

#[tokio::test]
async fn cloudshell_full_access_attached_to_a_role_fails() {
    let acct = account().await;
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "iam_cloudshell_full_access_restricted", None),
        Status::Pass
    );
    let iam = acct.iam();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name("devops")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("devops")
        .policy_arn("arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "iam_cloudshell_full_access_restricted", None),
        Status::Fail
    );
}

#[tokio::test]
async fn strong_password_policy_and_service_wildcards_are_judged() {
    let acct = account().await;
    let iam = acct.iam();
    iam.update_account_password_policy()
        .minimum_password_length(16)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .send()
        .await
        .unwrap();
    let wild = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    iam.create_policy()
        .policy_name("s3-everything")
        .policy_document(wild)
        .send()
        .await
        .unwrap();
    iam.create_policy()
        .policy_name("read-reports")
        .policy_document(READ_POLICY)
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "iam_password_policy_strong", None),
        Status::Pass
    );
    assert_eq!(
        status(
            &inv,
            "iam_customer_policies_no_wildcard_service_actions",
            ":policy/s3-everything"
        ),
        Status::Fail
    );
    assert_eq!(
        status(
            &inv,
            "iam_customer_policies_no_wildcard_service_actions",
            ":policy/read-reports"
        ),
        Status::Pass
    );
    iam.update_account_password_policy()
        .minimum_password_length(16)
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Iam], &["us-east-1"]).await;
    assert_eq!(
        status_in(&inv, "iam_password_policy_strong", None),
        Status::Fail
    );
}
