//! Root user, password policy, support role, certificates, Access Analyzer, CloudShell.

use super::*;
use crate::inventory::{Analyzer, FetchError, ServerCertificate, VirtualMfaDevice};
use crate::testing::access_denied;
use crate::types::Region;
use chrono::Duration;
use serde_json::json;

fn set_summary(b: &mut InventoryBuilder, key: &str, value: i64) {
    b.iam()
        .account_summary
        .as_mut()
        .unwrap()
        .insert(key.into(), value);
}

fn root_virtual_mfa() -> VirtualMfaDevice {
    VirtualMfaDevice {
        serial_number: format!("arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device"),
        user_arn: Some(format!("arn:aws:iam::{ACCOUNT}:root")),
    }
}

// --- iam_root_access_keys_absent ---

#[test]
fn root_without_access_keys_passes() {
    let o = one(
        "iam_root_access_keys_absent",
        &InventoryBuilder::new().build(),
    );
    assert_account(&o, Status::Pass, "AccountAccessKeysPresent", json!(0));
}

#[test]
fn root_access_keys_present_fail() {
    let mut b = InventoryBuilder::new();
    set_summary(&mut b, "AccountAccessKeysPresent", 1);
    let o = one("iam_root_access_keys_absent", &b.build());
    assert_account(&o, Status::Fail, "AccountAccessKeysPresent", json!(1));
}

#[test]
fn root_key_in_the_credential_report_fails_even_if_the_summary_disagrees() {
    let mut b = InventoryBuilder::new();
    b.report_row("<root_account>").access_key_2_active = true;
    let o = one("iam_root_access_keys_absent", &b.build());
    assert_account(&o, Status::Fail, "AccountAccessKeysPresent", json!(0));
    assert_eq!(
        o.evidence["credential_report_root_row"]["access_key_2_active"],
        true
    );
}

#[test]
fn root_key_in_the_report_fails_even_when_the_summary_is_denied() {
    let mut b = InventoryBuilder::new();
    b.iam().account_summary = Err(access_denied());
    b.report_row("<root_account>").access_key_1_active = true;
    assert_eq!(
        one("iam_root_access_keys_absent", &b.build()).status,
        Status::Fail
    );
}

#[test]
fn denied_account_summary_is_an_error_for_root_keys() {
    let mut b = InventoryBuilder::new();
    b.iam().account_summary = Err(access_denied());
    assert_denied(&one("iam_root_access_keys_absent", &b.build()));
}

#[test]
fn summary_without_the_key_is_an_error_not_a_pass() {
    let mut b = InventoryBuilder::new();
    b.iam().account_summary.as_mut().unwrap().clear();
    let inv = b.build();
    for id in [
        "iam_root_access_keys_absent",
        "iam_root_mfa_enabled",
        "iam_root_hardware_mfa",
    ] {
        let o = one(id, &inv);
        assert_eq!(o.status, Status::Error, "{id}: {o:#?}");
        assert!(o.message.contains("no `"), "{}", o.message);
    }
}

// --- iam_root_mfa_enabled ---

#[test]
fn root_with_mfa_passes() {
    let o = one("iam_root_mfa_enabled", &InventoryBuilder::new().build());
    assert_account(&o, Status::Pass, "AccountMFAEnabled", json!(1));
}

#[test]
fn root_without_mfa_fails_both_mfa_checks() {
    let mut b = InventoryBuilder::new();
    set_summary(&mut b, "AccountMFAEnabled", 0);
    let inv = b.build();
    let o = one("iam_root_mfa_enabled", &inv);
    assert_account(&o, Status::Fail, "AccountMFAEnabled", json!(0));
    let o = one("iam_root_hardware_mfa", &inv);
    assert_account(&o, Status::Fail, "AccountMFAEnabled", json!(0));
}

#[test]
fn denied_account_summary_is_an_error_for_root_mfa() {
    let mut b = InventoryBuilder::new();
    b.iam().account_summary = Err(access_denied());
    let inv = b.build();
    assert_denied(&one("iam_root_mfa_enabled", &inv));
    assert_denied(&one("iam_root_hardware_mfa", &inv));
}

// --- iam_root_hardware_mfa ---

#[test]
fn virtual_mfa_on_root_is_not_hardware_mfa() {
    let mut b = InventoryBuilder::new();
    b.iam().virtual_mfa_devices = Ok(vec![root_virtual_mfa()]);
    let o = one("iam_root_hardware_mfa", &b.build());
    assert_account(
        &o,
        Status::Fail,
        "root_virtual_mfa_devices",
        json!([format!(
            "arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device"
        )]),
    );
    assert!(o.message.contains("virtual"), "{}", o.message);
}

#[test]
fn virtual_mfa_assigned_to_root_by_arn_only_is_still_virtual() {
    let mut b = InventoryBuilder::new();
    b.iam().virtual_mfa_devices = Ok(vec![VirtualMfaDevice {
        serial_number: format!("arn:aws:iam::{ACCOUNT}:mfa/my-phone"),
        user_arn: Some(format!("arn:aws:iam::{ACCOUNT}:root")),
    }]);
    assert_eq!(
        one("iam_root_hardware_mfa", &b.build()).status,
        Status::Fail
    );
}

#[test]
fn virtual_mfa_of_other_users_does_not_affect_root() {
    let mut b = InventoryBuilder::new();
    b.iam().virtual_mfa_devices = Ok(vec![VirtualMfaDevice {
        serial_number: format!("arn:aws:iam::{ACCOUNT}:mfa/alice"),
        user_arn: Some(user_arn("alice")),
    }]);
    let o = one("iam_root_hardware_mfa", &b.build());
    assert_account(&o, Status::Pass, "root_virtual_mfa_devices", json!([]));
}

#[test]
fn denied_virtual_mfa_listing_is_an_error_for_hardware_mfa() {
    let mut b = InventoryBuilder::new();
    b.iam().virtual_mfa_devices = Err(access_denied());
    assert_denied(&one("iam_root_hardware_mfa", &b.build()));
}

// --- iam_root_not_used_recently ---

#[test]
fn recent_root_use_fails_with_the_date_and_old_use_passes() {
    let mut b = InventoryBuilder::new();
    b.report_row("<root_account>").password_last_used = Some(now() - Duration::days(3));
    let o = one("iam_root_not_used_recently", &b.clone().build());
    assert_eq!(o.status, Status::Fail);
    assert!(o.message.contains("2026-05-29"), "{}", o.message);
    assert_eq!(o.evidence["password_last_used"], "2026-05-29T12:00:00Z");
    b.report_row("<root_account>").password_last_used = Some(now() - Duration::days(400));
    let o = one("iam_root_not_used_recently", &b.build());
    assert_eq!(o.status, Status::Pass);
    assert!(o.message.contains("2025-04-27"), "{}", o.message);
}

#[test]
fn recent_root_access_key_use_fails() {
    let mut b = InventoryBuilder::new();
    b.report_row("<root_account>").access_key_1_last_used = Some(now() - Duration::days(89));
    let o = one("iam_root_not_used_recently", &b.build());
    assert_eq!(o.status, Status::Fail);
    assert!(o.message.contains("access key 1"), "{}", o.message);
}

#[test]
fn root_never_used_passes() {
    let o = one(
        "iam_root_not_used_recently",
        &InventoryBuilder::new().build(),
    );
    assert_account(&o, Status::Pass, "password_last_used", json!(null));
}

#[test]
fn credential_report_without_root_row_is_an_error_not_a_pass() {
    let mut b = InventoryBuilder::new();
    b.iam()
        .credential_report
        .as_mut()
        .unwrap()
        .retain(|r| !r.is_root());
    let o = one("iam_root_not_used_recently", &b.build());
    assert_account(&o, Status::Error, "root_row", json!(null));
    assert!(o.message.contains("<root_account>"), "{}", o.message);
}

#[test]
fn denied_credential_report_is_an_error_for_root_use() {
    let mut b = InventoryBuilder::new();
    b.iam().credential_report = Err(access_denied());
    assert_denied(&one("iam_root_not_used_recently", &b.build()));
}

// --- password policy ---

#[test]
fn compliant_password_policy_passes_with_its_values_as_evidence() {
    let inv = InventoryBuilder::new().build();
    let o = one("iam_password_policy_min_length", &inv);
    assert_account(&o, Status::Pass, "MinimumPasswordLength", json!(14));
    let o = one("iam_password_policy_reuse", &inv);
    assert_account(&o, Status::Pass, "PasswordReusePrevention", json!(24));
    let o = one("iam_password_policy_strong", &inv);
    assert_account(&o, Status::Pass, "missing", json!([]));
}

#[test]
fn missing_password_policy_fails_every_password_check() {
    let mut b = InventoryBuilder::new();
    b.iam().password_policy = Ok(None);
    let inv = b.build();
    for id in [
        "iam_password_policy_min_length",
        "iam_password_policy_reuse",
        "iam_password_policy_strong",
    ] {
        assert_account(&one(id, &inv), Status::Fail, "password_policy", json!(null));
    }
}

#[test]
fn short_password_length_and_small_reuse_memory_fail() {
    let mut b = InventoryBuilder::new();
    if let Ok(Some(p)) = &mut b.iam().password_policy {
        p.minimum_length = Some(12);
        p.reuse_prevention = Some(5);
    }
    let inv = b.build();
    let o = one("iam_password_policy_min_length", &inv);
    assert_account(&o, Status::Fail, "MinimumPasswordLength", json!(12));
    let o = one("iam_password_policy_reuse", &inv);
    assert_account(&o, Status::Fail, "PasswordReusePrevention", json!(5));
    // 12 characters with every character class is still FSBP-strong.
    assert_eq!(one("iam_password_policy_strong", &inv).status, Status::Pass);
}

#[test]
fn password_policy_without_reuse_prevention_fails() {
    let mut b = InventoryBuilder::new();
    if let Ok(Some(p)) = &mut b.iam().password_policy {
        p.reuse_prevention = None;
    }
    let o = one("iam_password_policy_reuse", &b.build());
    assert_account(&o, Status::Fail, "PasswordReusePrevention", json!(null));
}

#[test]
fn password_policy_without_symbols_is_not_strong_and_says_why() {
    let mut b = InventoryBuilder::new();
    if let Ok(Some(p)) = &mut b.iam().password_policy {
        p.require_symbols = false;
        p.minimum_length = Some(7);
    }
    let o = one("iam_password_policy_strong", &b.build());
    assert_account(
        &o,
        Status::Fail,
        "missing",
        json!(["RequireSymbols", "MinimumPasswordLength"]),
    );
    assert!(o.message.contains("RequireSymbols"), "{}", o.message);
}

#[test]
fn denied_password_policy_is_an_error_for_every_password_check() {
    let mut b = InventoryBuilder::new();
    b.iam().password_policy = Err(access_denied());
    let inv = b.build();
    for id in [
        "iam_password_policy_min_length",
        "iam_password_policy_reuse",
        "iam_password_policy_strong",
    ] {
        assert_denied(&one(id, &inv));
    }
}

// --- iam_support_role_exists ---

#[test]
fn support_role_passes_and_is_named_in_evidence() {
    let o = one("iam_support_role_exists", &InventoryBuilder::new().build());
    assert_eq!(o.status, Status::Pass);
    assert_eq!(o.evidence["AWSSupportAccess"]["roles"], json!(["support"]));
}

#[test]
fn no_support_role_fails() {
    let mut b = InventoryBuilder::new();
    b.iam().support_access_entities = Ok(Default::default());
    let o = one("iam_support_role_exists", &b.build());
    assert_account(
        &o,
        Status::Fail,
        "AWSSupportAccess",
        json!({"users": [], "groups": [], "roles": []}),
    );
}

#[test]
fn denied_support_policy_entities_are_an_error() {
    let mut b = InventoryBuilder::new();
    b.iam().support_access_entities = Err(access_denied());
    assert_denied(&one("iam_support_role_exists", &b.build()));
}

// --- iam_expired_server_certificates_removed ---

fn cert(name: &str, expires_in_days: i64) -> ServerCertificate {
    ServerCertificate {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:server-certificate/{name}"),
        expiration: Some(now() + Duration::days(expires_in_days)),
        upload_date: Some(now() - Duration::days(400)),
    }
}

#[test]
fn no_server_certificates_is_one_account_pass() {
    let o = one(
        "iam_expired_server_certificates_removed",
        &InventoryBuilder::new().build(),
    );
    assert_account(&o, Status::Pass, "server_certificates", json!([]));
}

#[test]
fn expired_certificate_fails_and_valid_one_passes() {
    let mut b = InventoryBuilder::new();
    b.iam().server_certificates = Ok(vec![cert("old", -1), cert("new", 100)]);
    let inv = b.build();
    let old = only("iam_expired_server_certificates_removed", &inv, "/old");
    assert_eq!(old.status, Status::Fail);
    assert_eq!(old.resource_type, "AwsIamServerCertificate");
    assert_eq!(old.evidence["expiration"], "2026-05-31T12:00:00Z");
    assert!(old.message.contains("2026-05-31"), "{}", old.message);
    let new = only("iam_expired_server_certificates_removed", &inv, "/new");
    assert_eq!(new.status, Status::Pass);
}

#[test]
fn certificate_without_expiration_is_an_error() {
    let mut b = InventoryBuilder::new();
    let mut c = cert("odd", 1);
    c.expiration = None;
    b.iam().server_certificates = Ok(vec![c]);
    assert_eq!(
        one("iam_expired_server_certificates_removed", &b.build()).status,
        Status::Error
    );
}

#[test]
fn denied_certificate_listing_is_an_error() {
    let mut b = InventoryBuilder::new();
    b.iam().server_certificates = Err(access_denied());
    let o = one("iam_expired_server_certificates_removed", &b.build());
    assert_denied(&o);
    assert_eq!(o.resource_arn, account_arn());
}

// --- iam_access_analyzer_enabled ---

fn eu() -> Region {
    Region::parse("eu-west-1").unwrap()
}

#[test]
fn active_account_analyzer_passes_in_each_region() {
    let out = run(
        "iam_access_analyzer_enabled",
        &InventoryBuilder::new().build(),
    );
    assert_eq!(out.len(), 2);
    for o in &out {
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.resource_type, "AwsAccessAnalyzer");
        assert_eq!(o.resource_arn, account_arn());
        assert!(o.region.is_some());
        assert_eq!(o.evidence["analyzers"][0]["type"], "ACCOUNT");
    }
}

#[test]
fn region_without_active_analyzer_fails_there_only() {
    let mut b = InventoryBuilder::new();
    b.iam().access_analyzers.insert(eu(), Ok(vec![]));
    let out = run("iam_access_analyzer_enabled", &b.build());
    assert_eq!(out.len(), 2);
    let in_eu = out.iter().find(|o| o.region == Some(eu())).unwrap();
    assert_eq!(in_eu.status, Status::Fail);
    assert_eq!(in_eu.evidence["analyzers"], json!([]));
    assert!(in_eu.message.contains("eu-west-1"), "{}", in_eu.message);
    assert_eq!(out.iter().filter(|o| o.status == Status::Pass).count(), 1);
}

#[test]
fn disabled_or_unused_access_analyzers_do_not_count() {
    let mut b = InventoryBuilder::new();
    let analyzer = |t: &str, s: &str| Analyzer {
        name: format!("{t}-{s}").to_lowercase(),
        arn: format!("arn:aws:access-analyzer:eu-west-1:{ACCOUNT}:analyzer/x"),
        analyzer_type: t.into(),
        status: s.into(),
    };
    b.iam().access_analyzers.insert(
        eu(),
        Ok(vec![
            analyzer("ACCOUNT_UNUSED_ACCESS", "ACTIVE"),
            analyzer("ORGANIZATION", "DISABLED"),
        ]),
    );
    let out = run("iam_access_analyzer_enabled", &b.build());
    let in_eu = out.iter().find(|o| o.region == Some(eu())).unwrap();
    assert_eq!(in_eu.status, Status::Fail);
}

#[test]
fn organization_analyzer_counts() {
    let mut b = InventoryBuilder::new();
    for v in b.iam().access_analyzers.values_mut() {
        v.as_mut().unwrap()[0].analyzer_type = "ORGANIZATION".into();
    }
    assert!(
        run("iam_access_analyzer_enabled", &b.build())
            .iter()
            .all(|o| o.status == Status::Pass)
    );
}

#[test]
fn denied_analyzer_listing_is_an_error_in_that_region() {
    let mut b = InventoryBuilder::new();
    b.iam().access_analyzers.insert(eu(), Err(access_denied()));
    let out = run("iam_access_analyzer_enabled", &b.build());
    let in_eu = out.iter().find(|o| o.region == Some(eu())).unwrap();
    assert_denied(in_eu);
    assert_eq!(out.iter().filter(|o| o.status == Status::Pass).count(), 1);
}

#[test]
fn scanned_region_missing_from_the_analyzer_data_is_an_error() {
    let mut b = InventoryBuilder::new();
    b.iam().access_analyzers.remove(&eu());
    let out = run("iam_access_analyzer_enabled", &b.build());
    assert_eq!(out.len(), 2);
    let in_eu = out.iter().find(|o| o.region == Some(eu())).unwrap();
    assert_eq!(in_eu.status, Status::Error);
}

// --- iam_cloudshell_full_access_restricted ---

#[test]
fn cloudshell_full_access_attached_to_nobody_passes() {
    let o = one(
        "iam_cloudshell_full_access_restricted",
        &InventoryBuilder::new().build(),
    );
    assert_account(
        &o,
        Status::Pass,
        "AWSCloudShellFullAccess",
        json!({"users": [], "groups": [], "roles": []}),
    );
}

#[test]
fn cloudshell_full_access_attached_fails_and_names_the_holder() {
    let mut b = InventoryBuilder::new();
    b.iam()
        .cloudshell_full_access_entities
        .as_mut()
        .unwrap()
        .roles
        .push("devops".into());
    let o = one("iam_cloudshell_full_access_restricted", &b.build());
    assert_eq!(o.status, Status::Fail);
    assert!(o.message.contains("role `devops`"), "{}", o.message);
    assert_eq!(
        o.evidence["AWSCloudShellFullAccess"]["roles"],
        json!(["devops"])
    );
}

#[test]
fn denied_cloudshell_policy_entities_are_an_error() {
    let mut b = InventoryBuilder::new();
    b.iam().cloudshell_full_access_entities = Err(FetchError::new("Throttling", "Rate exceeded"));
    let o = one("iam_cloudshell_full_access_restricted", &b.build());
    assert_eq!(o.status, Status::Error);
    assert_eq!(o.evidence["error_code"], "Throttling");
}
