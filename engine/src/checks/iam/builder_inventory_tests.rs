//! IAM check cases on inventories built in tests: what moto cannot serve (root rows,
//! hardware MFA, Access Analyzer, dates in the past) and every PASS/FAIL/ERROR edge.
//! The same checks run through moto in `tests/it/iam.rs`.

use crate::checks::{Outcome, Status, find};
use crate::inventory::{
    AccessKey, InlinePolicy, Inventory, ManagedPolicy, ServerCertificate, VirtualMfaDevice,
};
use crate::testing::{InventoryBuilder, access_denied, now};
use chrono::Duration;
use serde_json::json;

fn run(id: &str, inv: &Inventory) -> Vec<Outcome> {
    (find(id).unwrap_or_else(|| panic!("no check {id}")).eval)(inv, now())
}

fn one(id: &str, inv: &Inventory) -> Outcome {
    let mut out = run(id, inv);
    assert_eq!(out.len(), 1, "{id}: {out:#?}");
    out.remove(0)
}

fn for_user(id: &str, inv: &Inventory, user: &str) -> Outcome {
    run(id, inv)
        .into_iter()
        .find(|o| o.resource_arn.ends_with(&format!(":user/{user}")))
        .unwrap_or_else(|| panic!("{id}: no finding for {user}"))
}

const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn policy(name: &str, doc: &str, attachments: i32) -> ManagedPolicy {
    ManagedPolicy {
        name: name.into(),
        arn: format!("arn:aws:iam::123456789012:policy/{name}"),
        aws_managed: false,
        attachment_count: attachments,
        default_version_id: Some("v1".into()),
        document: Ok(serde_json::from_str(doc).unwrap()),
    }
}

#[test]
fn compliant_account_passes_every_iam_check() {
    let inv = InventoryBuilder::new().build();
    for c in super::CHECKS {
        let out = run(c.meta.id, &inv);
        assert!(
            out.iter().all(|o| o.status == Status::Pass),
            "{}: {out:#?}",
            c.meta.id
        );
    }
}

#[test]
fn root_access_keys_present_fail() {
    let mut b = InventoryBuilder::new();
    b.iam()
        .account_summary
        .as_mut()
        .unwrap()
        .insert("AccountAccessKeysPresent".into(), 1);
    let o = one("iam_root_access_keys_absent", &b.build());
    assert_eq!(o.status, Status::Fail);
    assert_eq!(o.evidence["AccountAccessKeysPresent"], 1);
}

#[test]
fn root_key_in_the_credential_report_fails_even_if_the_summary_disagrees() {
    let mut b = InventoryBuilder::new();
    b.report_row("<root_account>").access_key_2_active = true;
    assert_eq!(
        one("iam_root_access_keys_absent", &b.build()).status,
        Status::Fail
    );
}

#[test]
fn root_without_mfa_fails_and_denied_summary_errors() {
    let mut b = InventoryBuilder::new();
    b.iam()
        .account_summary
        .as_mut()
        .unwrap()
        .insert("AccountMFAEnabled".into(), 0);
    assert_eq!(
        one("iam_root_mfa_enabled", &b.clone().build()).status,
        Status::Fail
    );
    assert_eq!(
        one("iam_root_hardware_mfa", &b.build()).status,
        Status::Fail
    );
    let mut b = InventoryBuilder::new();
    b.iam().account_summary = Err(access_denied());
    assert_eq!(
        one("iam_root_mfa_enabled", &b.build()).status,
        Status::Error
    );
}

#[test]
fn virtual_mfa_on_root_is_not_hardware_mfa() {
    let mut b = InventoryBuilder::new();
    b.iam().virtual_mfa_devices = Ok(vec![VirtualMfaDevice {
        serial_number: "arn:aws:iam::123456789012:mfa/root-account-mfa-device".into(),
        user_arn: Some("arn:aws:iam::123456789012:root".into()),
    }]);
    let o = one("iam_root_hardware_mfa", &b.build());
    assert_eq!(o.status, Status::Fail);
    assert!(o.message.contains("virtual"));
}

#[test]
fn virtual_mfa_of_other_users_does_not_affect_root() {
    let mut b = InventoryBuilder::new();
    b.iam().virtual_mfa_devices = Ok(vec![VirtualMfaDevice {
        serial_number: "arn:aws:iam::123456789012:mfa/alice".into(),
        user_arn: Some("arn:aws:iam::123456789012:user/alice".into()),
    }]);
    assert_eq!(
        one("iam_root_hardware_mfa", &b.build()).status,
        Status::Pass
    );
}

#[test]
fn recent_root_use_fails_with_the_date_and_old_use_passes() {
    let mut b = InventoryBuilder::new();
    b.report_row("<root_account>").password_last_used = Some(now() - Duration::days(3));
    let o = one("iam_root_not_used_recently", &b.clone().build());
    assert_eq!(o.status, Status::Fail);
    assert!(o.message.contains("2026-05-29"), "{}", o.message);
    b.report_row("<root_account>").password_last_used = Some(now() - Duration::days(400));
    assert_eq!(
        one("iam_root_not_used_recently", &b.build()).status,
        Status::Pass
    );
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
    assert_eq!(o.status, Status::Error);
    assert!(o.message.contains("<root_account>"));
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
        assert_eq!(one(id, &inv).status, Status::Fail, "{id}");
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
    assert_eq!(
        one("iam_password_policy_min_length", &inv).status,
        Status::Fail
    );
    assert_eq!(one("iam_password_policy_reuse", &inv).status, Status::Fail);
    assert_eq!(one("iam_password_policy_strong", &inv).status, Status::Pass);
}

#[test]
fn password_policy_without_symbols_is_not_strong_and_says_why() {
    let mut b = InventoryBuilder::new();
    if let Ok(Some(p)) = &mut b.iam().password_policy {
        p.require_symbols = false;
    }
    let o = one("iam_password_policy_strong", &b.build());
    assert_eq!(o.status, Status::Fail);
    assert!(o.message.contains("symbols"));
}

#[test]
fn unreadable_password_policy_is_an_error() {
    let mut b = InventoryBuilder::new();
    b.iam().password_policy = Err(access_denied());
    assert_eq!(
        one("iam_password_policy_min_length", &b.build()).status,
        Status::Error
    );
}

#[test]
fn console_user_without_mfa_fails_and_api_only_user_is_not_judged() {
    let mut b = InventoryBuilder::new();
    b.user("bob").mfa_devices = Ok(vec![]);
    b.report_row("bob").mfa_active = false;
    b.user("robot").mfa_devices = Ok(vec![]);
    b.report_row("robot").mfa_active = false;
    b.report_row("robot").password_enabled = false;
    let inv = b.build();
    assert_eq!(
        for_user("iam_console_users_have_mfa", &inv, "bob").status,
        Status::Fail
    );
    assert_eq!(
        for_user("iam_console_users_have_mfa", &inv, "alice").status,
        Status::Pass
    );
    assert!(
        !run("iam_console_users_have_mfa", &inv)
            .iter()
            .any(|o| o.resource_arn.ends_with("/robot"))
    );
    assert_eq!(
        for_user("iam_users_have_mfa", &inv, "robot").status,
        Status::Fail
    );
}

#[test]
fn unreadable_mfa_devices_are_an_error() {
    let mut b = InventoryBuilder::new();
    b.user("bob").mfa_devices = Err(access_denied());
    b.report_row("bob").mfa_active = false;
    assert_eq!(
        for_user("iam_users_have_mfa", &b.build(), "bob").status,
        Status::Error
    );
}

#[test]
fn unused_key_created_with_a_console_user_fails() {
    let mut b = InventoryBuilder::new();
    let u = b.user("carol");
    let created = u.create_date;
    u.access_keys = Ok(vec![AccessKey {
        id: "AKIACAROL".into(),
        active: true,
        create_date: created,
        last_used: Ok(None),
    }]);
    let inv = b.build();
    assert_eq!(
        for_user("iam_no_access_keys_at_initial_setup", &inv, "carol").status,
        Status::Fail
    );
    assert_eq!(
        for_user("iam_no_access_keys_at_initial_setup", &inv, "alice").status,
        Status::Pass
    );
}

#[test]
fn password_unused_for_60_days_fails_45_but_passes_90() {
    let mut b = InventoryBuilder::new();
    b.report_row("alice").password_last_used = Some(now() - Duration::days(60));
    let inv = b.build();
    let o = for_user("iam_unused_credentials_disabled_45_days", &inv, "alice");
    assert_eq!(o.status, Status::Fail);
    assert_eq!(
        o.evidence["unused_credentials"][0]["credential"],
        "console password"
    );
    assert_eq!(
        for_user("iam_unused_credentials_90_days", &inv, "alice").status,
        Status::Pass
    );
}

#[test]
fn never_used_key_older_than_90_days_fails_both_unused_checks() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys = Ok(vec![AccessKey {
        id: "AKIAOLDNEVERUSED".into(),
        active: true,
        create_date: Some(now() - Duration::days(120)),
        last_used: Ok(None),
    }]);
    let inv = b.build();
    assert_eq!(
        for_user("iam_unused_credentials_disabled_45_days", &inv, "alice").status,
        Status::Fail
    );
    assert_eq!(
        for_user("iam_unused_credentials_90_days", &inv, "alice").status,
        Status::Fail
    );
}

#[test]
fn inactive_old_keys_do_not_count_as_unused_credentials() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys = Ok(vec![AccessKey {
        id: "AKIAINACTIVE".into(),
        active: false,
        create_date: Some(now() - Duration::days(500)),
        last_used: Ok(None),
    }]);
    let inv = b.build();
    assert_eq!(
        for_user("iam_unused_credentials_90_days", &inv, "alice").status,
        Status::Pass
    );
    assert!(
        !run("iam_access_keys_rotated_90_days", &inv)
            .iter()
            .any(|o| o.resource_arn.ends_with("/alice"))
    );
}

#[test]
fn key_last_use_denied_is_an_error() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys.as_mut().unwrap()[0].last_used = Err(access_denied());
    assert_eq!(
        for_user("iam_unused_credentials_90_days", &b.build(), "alice").status,
        Status::Error
    );
}

#[test]
fn two_active_keys_fail_and_list_them() {
    let mut b = InventoryBuilder::new();
    b.user("alice")
        .access_keys
        .as_mut()
        .unwrap()
        .push(AccessKey {
            id: "AKIASECOND".into(),
            active: true,
            create_date: Some(now() - Duration::days(2)),
            last_used: Ok(None),
        });
    let o = for_user("iam_single_active_access_key", &b.build(), "alice");
    assert_eq!(o.status, Status::Fail);
    assert_eq!(
        o.evidence["active_access_keys"].as_array().unwrap().len(),
        2
    );
}

#[test]
fn key_older_than_90_days_fails_rotation_with_its_age() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys.as_mut().unwrap()[0].create_date =
        Some(now() - Duration::days(200));
    let o = for_user("iam_access_keys_rotated_90_days", &b.build(), "alice");
    assert_eq!(o.status, Status::Fail);
    assert_eq!(o.evidence["active_keys_age_days"][0]["age_days"], 200);
}

#[test]
fn denied_access_key_listing_is_an_error() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys = Err(access_denied());
    let inv = b.build();
    assert_eq!(
        for_user("iam_single_active_access_key", &inv, "alice").status,
        Status::Error
    );
    assert_eq!(
        for_user("iam_access_keys_rotated_90_days", &inv, "alice").status,
        Status::Error
    );
}

#[test]
fn user_with_attached_or_inline_policy_fails_groups_only() {
    let mut b = InventoryBuilder::new();
    b.user("dave").inline_policies.push(InlinePolicy {
        name: "extra".into(),
        document: Ok(json!({})),
    });
    let inv = b.build();
    assert_eq!(
        for_user("iam_user_permissions_through_groups", &inv, "dave").status,
        Status::Fail
    );
    assert_eq!(
        for_user("iam_user_permissions_through_groups", &inv, "alice").status,
        Status::Pass
    );
}

#[test]
fn denied_user_listing_is_one_error() {
    let mut b = InventoryBuilder::new();
    b.iam().users = Err(access_denied());
    let out = run("iam_user_permissions_through_groups", &b.build());
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].status, Status::Error);
}

#[test]
fn attached_admin_policy_fails_and_unattached_one_is_not_judged() {
    let mut b = InventoryBuilder::new();
    b.iam().policies = Ok(vec![
        policy("admin", ADMIN, 1),
        policy("unused-admin", ADMIN, 0),
    ]);
    let out = run("iam_no_full_admin_policies", &b.build());
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].status, Status::Fail);
    assert_eq!(out[0].evidence["statement"]["Action"], "*");
}

#[test]
fn admin_policy_with_star_colon_star_and_statement_object_fails() {
    let mut b = InventoryBuilder::new();
    b.iam().policies = Ok(vec![policy(
        "admin2",
        r#"{"Statement":{"Effect":"Allow","Action":["*:*"],"Resource":["*"]}}"#,
        2,
    )]);
    assert_eq!(
        one("iam_no_full_admin_policies", &b.build()).status,
        Status::Fail
    );
}

#[test]
fn malformed_policy_document_is_an_error() {
    let mut b = InventoryBuilder::new();
    let mut p = policy("broken", "{}", 1);
    p.document = Err(crate::inventory::FetchError::new(
        "MalformedPolicyDocument",
        "not valid JSON",
    ));
    b.iam().policies = Ok(vec![p]);
    assert_eq!(
        one("iam_no_full_admin_policies", &b.build()).status,
        Status::Error
    );
}

#[test]
fn inline_admin_policy_fails_and_scoped_one_passes() {
    let mut b = InventoryBuilder::new();
    b.user("alice").inline_policies.push(InlinePolicy {
        name: "god".into(),
        document: Ok(serde_json::from_str(ADMIN).unwrap()),
    });
    b.user("alice").inline_policies.push(InlinePolicy {
        name: "scoped".into(),
        document: Ok(
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
        ),
    });
    let out = run("iam_no_full_admin_inline_policies", &b.build());
    let by_name = |n: &str| {
        out.iter()
            .find(|o| o.resource_arn.ends_with(n))
            .unwrap()
            .status
    };
    assert_eq!(by_name("/inline/god"), Status::Fail);
    assert_eq!(by_name("/inline/scoped"), Status::Pass);
}

#[test]
fn no_support_role_fails() {
    let mut b = InventoryBuilder::new();
    b.iam().support_access_entities = Ok(Default::default());
    assert_eq!(
        one("iam_support_role_exists", &b.build()).status,
        Status::Fail
    );
}

#[test]
fn expired_certificate_fails_and_valid_one_passes() {
    let mut b = InventoryBuilder::new();
    b.iam().server_certificates = Ok(vec![
        ServerCertificate {
            name: "old".into(),
            arn: "arn:aws:iam::123456789012:server-certificate/old".into(),
            expiration: Some(now() - Duration::days(1)),
            upload_date: None,
        },
        ServerCertificate {
            name: "new".into(),
            arn: "arn:aws:iam::123456789012:server-certificate/new".into(),
            expiration: Some(now() + Duration::days(100)),
            upload_date: None,
        },
    ]);
    let out = run("iam_expired_server_certificates_removed", &b.build());
    assert_eq!(
        out.iter()
            .find(|o| o.resource_arn.ends_with("/old"))
            .unwrap()
            .status,
        Status::Fail
    );
    assert_eq!(
        out.iter()
            .find(|o| o.resource_arn.ends_with("/new"))
            .unwrap()
            .status,
        Status::Pass
    );
}

#[test]
fn region_without_active_analyzer_fails_there_only() {
    let mut b = InventoryBuilder::new();
    let eu = crate::types::Region::parse("eu-west-1").unwrap();
    b.iam().access_analyzers.insert(eu.clone(), Ok(vec![]));
    let out = run("iam_access_analyzer_enabled", &b.build());
    assert_eq!(out.len(), 2);
    assert_eq!(
        out.iter()
            .find(|o| o.region.as_ref() == Some(&eu))
            .unwrap()
            .status,
        Status::Fail
    );
    assert_eq!(out.iter().filter(|o| o.status == Status::Pass).count(), 1);
}

#[test]
fn unused_access_analyzer_type_does_not_count_as_external_access_analyzer() {
    let mut b = InventoryBuilder::new();
    for v in b.iam().access_analyzers.values_mut() {
        v.as_mut().unwrap()[0].analyzer_type = "ACCOUNT_UNUSED_ACCESS".into();
    }
    assert!(
        run("iam_access_analyzer_enabled", &b.build())
            .iter()
            .all(|o| o.status == Status::Fail)
    );
}

#[test]
fn cloudshell_full_access_attached_fails() {
    let mut b = InventoryBuilder::new();
    b.iam()
        .cloudshell_full_access_entities
        .as_mut()
        .unwrap()
        .roles
        .push("devops".into());
    assert_eq!(
        one("iam_cloudshell_full_access_restricted", &b.build()).status,
        Status::Fail
    );
}

#[test]
fn service_wildcard_in_customer_policy_fails() {
    let mut b = InventoryBuilder::new();
    b.iam().policies = Ok(vec![
        policy(
            "s3-all",
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:*","ec2:Describe*"],"Resource":"*"}]}"#,
            1,
        ),
        policy(
            "specific",
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}"#,
            1,
        ),
    ]);
    let out = run(
        "iam_customer_policies_no_wildcard_service_actions",
        &b.build(),
    );
    assert_eq!(
        out.iter()
            .find(|o| o.resource_arn.ends_with("/s3-all"))
            .unwrap()
            .status,
        Status::Fail
    );
    assert_eq!(
        out.iter()
            .find(|o| o.resource_arn.ends_with("/specific"))
            .unwrap()
            .status,
        Status::Pass
    );
}
