//! Per-user credentials: MFA, keys at setup, unused credentials, key count and age.

use super::*;
use crate::inventory::AccessKey;
use crate::testing::access_denied;
use chrono::Duration;
use serde_json::json;

fn key(id: &str, active: bool, age_days: i64, last_used_days: Option<i64>) -> AccessKey {
    AccessKey {
        id: id.into(),
        active,
        create_date: Some(now() - Duration::days(age_days)),
        last_used: Ok(last_used_days.map(|d| now() - Duration::days(d))),
    }
}

/// A console user `name` without any MFA device.
fn user_without_mfa(b: &mut InventoryBuilder, name: &str) {
    b.user(name).mfa_devices = Ok(vec![]);
    b.report_row(name).mfa_active = false;
}

// --- iam_console_users_have_mfa ---

#[test]
fn console_user_with_mfa_passes() {
    let o = for_user(
        "iam_console_users_have_mfa",
        &InventoryBuilder::new().build(),
        "alice",
    );
    assert_eq!(o.status, Status::Pass);
    assert_eq!(o.resource_arn, user_arn("alice"));
    assert_eq!(o.resource_type, "AwsIamUser");
    assert_eq!(o.evidence["password_enabled"], true);
    assert_eq!(
        o.evidence["mfa_devices"],
        json!([format!("arn:aws:iam::{ACCOUNT}:mfa/alice")])
    );
}

#[test]
fn console_user_without_mfa_fails_and_api_only_user_is_not_judged() {
    let mut b = InventoryBuilder::new();
    user_without_mfa(&mut b, "bob");
    user_without_mfa(&mut b, "robot");
    b.report_row("robot").password_enabled = false;
    let inv = b.build();
    let o = for_user("iam_console_users_have_mfa", &inv, "bob");
    assert_eq!(o.status, Status::Fail);
    assert_eq!(o.evidence["mfa_devices"], json!([]));
    assert_eq!(o.evidence["mfa_active"], false);
    assert!(o.message.contains("`bob`"), "{}", o.message);
    assert!(
        !run("iam_console_users_have_mfa", &inv)
            .iter()
            .any(|o| o.resource_arn.ends_with("/robot"))
    );
}

#[test]
fn denied_credential_report_is_an_error_for_console_mfa() {
    let mut b = InventoryBuilder::new();
    b.iam().credential_report = Err(access_denied());
    assert_denied(&for_user("iam_console_users_have_mfa", &b.build(), "alice"));
}

#[test]
fn user_missing_from_the_credential_report_is_an_error() {
    let mut b = InventoryBuilder::new();
    b.iam()
        .credential_report
        .as_mut()
        .unwrap()
        .retain(|r| r.user != "alice");
    let o = for_user("iam_console_users_have_mfa", &b.build(), "alice");
    assert_eq!(o.status, Status::Error);
    assert!(o.message.contains("credential report"), "{}", o.message);
}

#[test]
fn denied_mfa_listing_of_a_console_user_is_an_error() {
    let mut b = InventoryBuilder::new();
    b.user("bob").mfa_devices = Err(access_denied());
    b.report_row("bob").mfa_active = false;
    assert_denied(&for_user("iam_console_users_have_mfa", &b.build(), "bob"));
}

// --- iam_users_have_mfa ---

#[test]
fn user_with_mfa_passes_the_all_users_check() {
    let o = for_user(
        "iam_users_have_mfa",
        &InventoryBuilder::new().build(),
        "alice",
    );
    assert_eq!(o.status, Status::Pass);
    assert_eq!(o.evidence["mfa_active"], true);
}

#[test]
fn api_only_user_without_mfa_fails_the_all_users_check() {
    let mut b = InventoryBuilder::new();
    user_without_mfa(&mut b, "robot");
    b.report_row("robot").password_enabled = false;
    let o = for_user("iam_users_have_mfa", &b.build(), "robot");
    assert_eq!(o.status, Status::Fail);
    assert_eq!(o.evidence["mfa_devices"], json!([]));
}

#[test]
fn unreadable_mfa_devices_are_an_error() {
    let mut b = InventoryBuilder::new();
    b.user("bob").mfa_devices = Err(access_denied());
    b.report_row("bob").mfa_active = false;
    assert_denied(&for_user("iam_users_have_mfa", &b.build(), "bob"));
}

#[test]
fn report_mfa_flag_answers_when_the_device_listing_is_denied() {
    let mut b = InventoryBuilder::new();
    b.user("alice").mfa_devices = Err(access_denied());
    assert_eq!(
        for_user("iam_users_have_mfa", &b.build(), "alice").status,
        Status::Pass
    );
}

#[test]
fn denied_user_listing_is_one_account_error() {
    let mut b = InventoryBuilder::new();
    b.iam().users = Err(access_denied());
    let inv = b.build();
    for id in [
        "iam_console_users_have_mfa",
        "iam_users_have_mfa",
        "iam_no_access_keys_at_initial_setup",
        "iam_unused_credentials_disabled_45_days",
        "iam_unused_credentials_90_days",
        "iam_single_active_access_key",
        "iam_access_keys_rotated_90_days",
    ] {
        let o = one(id, &inv);
        assert_denied(&o);
        assert_eq!(o.resource_arn, account_arn(), "{id}");
        assert_eq!(o.resource_type, "AwsAccount", "{id}");
    }
}

// --- iam_no_access_keys_at_initial_setup ---

/// Gives `name` one active key created a minute after the user, never used.
fn key_created_with_user(b: &mut InventoryBuilder, name: &str) {
    let u = b.user(name);
    let created = u.create_date.map(|c| c + Duration::minutes(1));
    u.access_keys = Ok(vec![AccessKey {
        id: "AKIASETUPKEY".into(),
        active: true,
        create_date: created,
        last_used: Ok(None),
    }]);
}

#[test]
fn unused_key_created_with_a_console_user_fails() {
    let mut b = InventoryBuilder::new();
    key_created_with_user(&mut b, "carol");
    let o = for_user("iam_no_access_keys_at_initial_setup", &b.build(), "carol");
    assert_eq!(o.status, Status::Fail);
    assert_eq!(
        o.evidence["unused_keys_created_with_user"][0]["access_key_id"],
        "AKIASETUPKEY"
    );
}

#[test]
fn key_created_later_or_used_passes_the_initial_setup_check() {
    let mut b = InventoryBuilder::new();
    key_created_with_user(&mut b, "carol");
    b.user("carol").access_keys.as_mut().unwrap()[0].last_used = Ok(Some(now()));
    let inv = b.build();
    let o = for_user("iam_no_access_keys_at_initial_setup", &inv, "carol");
    assert_eq!(o.status, Status::Pass);
    assert_eq!(o.evidence["unused_keys_created_with_user"], json!([]));
    // alice's key was created long after the user.
    assert_eq!(
        for_user("iam_no_access_keys_at_initial_setup", &inv, "alice").status,
        Status::Pass
    );
}

#[test]
fn unused_setup_key_of_an_api_only_user_is_not_judged() {
    let mut b = InventoryBuilder::new();
    key_created_with_user(&mut b, "robot");
    b.report_row("robot").password_enabled = false;
    assert!(
        !run("iam_no_access_keys_at_initial_setup", &b.build())
            .iter()
            .any(|o| o.resource_arn.ends_with("/robot"))
    );
}

#[test]
fn denied_key_data_is_an_error_for_the_initial_setup_check() {
    let mut b = InventoryBuilder::new();
    key_created_with_user(&mut b, "carol");
    b.user("carol").access_keys.as_mut().unwrap()[0].last_used = Err(access_denied());
    b.user("dave").access_keys = Err(access_denied());
    let inv = b.build();
    assert_denied(&for_user(
        "iam_no_access_keys_at_initial_setup",
        &inv,
        "carol",
    ));
    assert_denied(&for_user(
        "iam_no_access_keys_at_initial_setup",
        &inv,
        "dave",
    ));
}

// --- iam_unused_credentials_disabled_45_days / iam_unused_credentials_90_days ---

#[test]
fn recently_used_credentials_pass_both_unused_checks() {
    let inv = InventoryBuilder::new().build();
    for (id, days) in [
        ("iam_unused_credentials_disabled_45_days", 45),
        ("iam_unused_credentials_90_days", 90),
    ] {
        let o = for_user(id, &inv, "alice");
        assert_eq!(o.status, Status::Pass, "{id}");
        assert_eq!(o.evidence["unused_credentials"], json!([]));
        assert_eq!(o.evidence["threshold_days"], days);
    }
}

#[test]
fn password_unused_for_60_days_fails_45_but_passes_90() {
    let mut b = InventoryBuilder::new();
    b.report_row("alice").password_last_used = Some(now() - Duration::days(60));
    let inv = b.build();
    let o = for_user("iam_unused_credentials_disabled_45_days", &inv, "alice");
    assert_eq!(o.status, Status::Fail);
    assert_eq!(
        o.evidence["unused_credentials"],
        json!([{"credential": "console password", "last_used": "2026-04-02T12:00:00Z", "set": "2026-05-02T12:00:00Z"}])
    );
    assert_eq!(
        for_user("iam_unused_credentials_90_days", &inv, "alice").status,
        Status::Pass
    );
}

#[test]
fn never_used_password_is_measured_from_when_it_was_set() {
    let mut b = InventoryBuilder::new();
    // User created 200 days ago, password set 30 days ago, never used: not stale yet.
    b.report_row("alice").password_last_used = None;
    let inv = b.clone().build();
    assert_eq!(
        for_user("iam_unused_credentials_disabled_45_days", &inv, "alice").status,
        Status::Pass
    );
    b.report_row("alice").password_last_changed = Some(now() - Duration::days(50));
    assert_eq!(
        for_user(
            "iam_unused_credentials_disabled_45_days",
            &b.build(),
            "alice"
        )
        .status,
        Status::Fail
    );
}

#[test]
fn never_used_key_older_than_90_days_fails_both_unused_checks() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys = Ok(vec![key("AKIAOLDNEVERUSED", true, 120, None)]);
    let inv = b.build();
    for id in [
        "iam_unused_credentials_disabled_45_days",
        "iam_unused_credentials_90_days",
    ] {
        let o = for_user(id, &inv, "alice");
        assert_eq!(o.status, Status::Fail, "{id}");
        assert_eq!(
            o.evidence["unused_credentials"][0]["access_key_id"],
            "AKIAOLDNEVERUSED"
        );
        assert_eq!(
            o.evidence["unused_credentials"][0]["last_used"],
            json!(null)
        );
    }
}

#[test]
fn inactive_old_keys_do_not_count_as_unused_credentials() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys = Ok(vec![key("AKIAINACTIVE", false, 500, None)]);
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
fn key_last_use_denied_is_an_error_unless_another_credential_already_fails() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys.as_mut().unwrap()[0].last_used = Err(access_denied());
    assert_denied(&for_user(
        "iam_unused_credentials_90_days",
        &b.clone().build(),
        "alice",
    ));
    b.report_row("alice").password_last_used = Some(now() - Duration::days(100));
    assert_eq!(
        for_user("iam_unused_credentials_90_days", &b.build(), "alice").status,
        Status::Fail
    );
}

#[test]
fn denied_key_listing_is_an_error_for_unused_credentials() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys = Err(access_denied());
    assert_denied(&for_user(
        "iam_unused_credentials_disabled_45_days",
        &b.build(),
        "alice",
    ));
}

// --- iam_single_active_access_key ---

#[test]
fn one_active_key_passes_and_inactive_keys_do_not_count() {
    let mut b = InventoryBuilder::new();
    b.user("alice")
        .access_keys
        .as_mut()
        .unwrap()
        .push(key("AKIAOLDINACTIVE", false, 300, None));
    let o = for_user("iam_single_active_access_key", &b.build(), "alice");
    assert_eq!(o.status, Status::Pass);
    assert_eq!(
        o.evidence["active_access_keys"],
        json!(["AKIA00000000000ALICE"])
    );
}

#[test]
fn two_active_keys_fail_and_list_them() {
    let mut b = InventoryBuilder::new();
    b.user("alice")
        .access_keys
        .as_mut()
        .unwrap()
        .push(key("AKIASECOND", true, 2, None));
    let o = for_user("iam_single_active_access_key", &b.build(), "alice");
    assert_eq!(o.status, Status::Fail);
    assert_eq!(
        o.evidence["active_access_keys"],
        json!(["AKIA00000000000ALICE", "AKIASECOND"])
    );
}

#[test]
fn denied_key_listing_is_an_error_for_key_count_and_age() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys = Err(access_denied());
    let inv = b.build();
    assert_denied(&for_user("iam_single_active_access_key", &inv, "alice"));
    assert_denied(&for_user("iam_access_keys_rotated_90_days", &inv, "alice"));
}

// --- iam_access_keys_rotated_90_days ---

#[test]
fn young_key_passes_rotation_with_its_age() {
    let o = for_user(
        "iam_access_keys_rotated_90_days",
        &InventoryBuilder::new().build(),
        "alice",
    );
    assert_eq!(o.status, Status::Pass);
    assert_eq!(o.evidence["age_days"], 20);
}

#[test]
fn key_older_than_90_days_fails_rotation_with_its_id_and_age() {
    let mut b = InventoryBuilder::new();
    b.user("alice")
        .access_keys
        .as_mut()
        .unwrap()
        .push(key("AKIAOLD", true, 200, Some(1)));
    let out: Vec<Outcome> = run("iam_access_keys_rotated_90_days", &b.build())
        .into_iter()
        .filter(|o| o.resource_arn == user_arn("alice"))
        .collect();
    assert_eq!(out.len(), 2, "one outcome per active key: {out:#?}");
    let old = out
        .iter()
        .find(|o| o.evidence["access_key_id"] == "AKIAOLD")
        .unwrap();
    assert_eq!(old.status, Status::Fail);
    assert_eq!(old.evidence["age_days"], 200);
    assert!(old.message.contains("200 days"), "{}", old.message);
    let young = out
        .iter()
        .find(|o| o.evidence["access_key_id"] == "AKIA00000000000ALICE")
        .unwrap();
    assert_eq!(young.status, Status::Pass);
}

#[test]
fn key_without_creation_date_is_an_error_for_rotation() {
    let mut b = InventoryBuilder::new();
    b.user("alice").access_keys.as_mut().unwrap()[0].create_date = None;
    assert_eq!(
        for_user("iam_access_keys_rotated_90_days", &b.build(), "alice").status,
        Status::Error
    );
}
