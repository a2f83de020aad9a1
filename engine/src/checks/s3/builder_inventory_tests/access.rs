//! Cases of the access checks: TLS, Block Public Access, public and cross-account grants.

use super::*;
use crate::checks::Status;
use crate::testing::{InventoryBuilder, TRAIL_BUCKET, access_denied};
use serde_json::json;

#[test]
fn bucket_without_policy_or_tls_deny_fails_http_check() {
    let mut b = InventoryBuilder::new();
    b.bucket("a").policy = Ok(None);
    b.bucket("c").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::c"}]}),
    ));
    assert_eq!(
        status("s3_bucket_policy_denies_http", &b, "a"),
        Status::Fail
    );
    assert_eq!(
        status("s3_bucket_policy_denies_http", &b, "c"),
        Status::Fail
    );
}

#[test]
fn tls_deny_with_boolean_false_and_tls_version_forms_pass() {
    let mut b = InventoryBuilder::new();
    b.bucket("d").policy = Ok(Some(
        json!({"Statement": {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["s3:*"], "Resource": "arn:aws:s3:::d/*",
        "Condition": {"Bool": {"aws:SecureTransport": false}}}}),
    ));
    b.bucket("t").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::t", "arn:aws:s3:::t/*"],
        "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}]}),
    ));
    assert_eq!(
        status("s3_bucket_policy_denies_http", &b, "d"),
        Status::Pass
    );
    assert_eq!(
        status("s3_bucket_policy_denies_http", &b, "t"),
        Status::Pass
    );
}

#[test]
fn tls_deny_for_another_bucket_does_not_count() {
    let mut b = InventoryBuilder::new();
    b.bucket("mine").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::other/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}),
    ));
    assert_eq!(
        status("s3_bucket_policy_denies_http", &b, "mine"),
        Status::Fail
    );
}

#[test]
fn bucket_block_public_access_partial_fails_unless_account_covers_it() {
    let mut b = InventoryBuilder::new();
    b.bucket("x")
        .public_access_block
        .as_mut()
        .unwrap()
        .as_mut()
        .unwrap()
        .restrict_public_buckets = false;
    let o = for_bucket("s3_bucket_public_access_block", &b.clone().build(), "x");
    assert_eq!(o.status, Status::Pass);
    assert!(o.message.contains("account-level"), "{}", o.message);
    b.s3().account_public_access_block = Ok(None);
    assert_eq!(
        status("s3_bucket_public_access_block", &b, "x"),
        Status::Fail
    );
}

#[test]
fn unreadable_bucket_settings_are_an_error_without_account_coverage() {
    let mut b = InventoryBuilder::new();
    b.s3().account_public_access_block = Ok(None);
    b.bucket("x").public_access_block = Err(access_denied());
    assert_eq!(
        status("s3_bucket_public_access_block", &b, "x"),
        Status::Error
    );
}

#[test]
fn account_block_public_access_missing_or_partial_fails() {
    let mut b = InventoryBuilder::new();
    b.s3().account_public_access_block = Ok(None);
    assert_eq!(
        run("s3_account_public_access_block", &b.clone().build())[0].status,
        Status::Fail
    );
    b.s3().account_public_access_block = Err(access_denied());
    assert_eq!(
        run("s3_account_public_access_block", &b.build())[0].status,
        Status::Error
    );
}

#[test]
fn public_read_policy_fails_and_is_neutralised_by_block_public_access() {
    let mut b = InventoryBuilder::new();
    b.bucket("site").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}]}),
    ));
    b.bucket("site").public_access_block = Ok(None);
    let o = for_bucket(
        "s3_bucket_not_publicly_readable",
        &b.clone().build(),
        "site",
    );
    assert_eq!(o.status, Status::Pass, "account-level BPA blocks it");
    assert!(
        o.message.contains("account-level") && o.message.contains("RestrictPublicBuckets"),
        "{}",
        o.message
    );
    open_pab(&mut b, "site");
    let o = for_bucket("s3_bucket_not_publicly_readable", &b.build(), "site");
    assert_eq!(o.status, Status::Fail);
    assert_eq!(o.evidence["public_statements"][0]["Action"], "s3:GetObject");
}

#[test]
fn vpce_restricted_policy_is_not_public_but_user_agent_condition_is() {
    let mut b = InventoryBuilder::new();
    open_pab(&mut b, "v");
    b.bucket("v").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::v/*",
        "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0abc"}}}]}),
    ));
    assert_eq!(
        status("s3_bucket_not_publicly_readable", &b, "v"),
        Status::Pass
    );
    b.bucket("v").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::v/*",
        "Condition": {"StringLike": {"aws:UserAgent": "Mozilla*"}}}]}),
    ));
    assert_eq!(
        status("s3_bucket_not_publicly_readable", &b, "v"),
        Status::Fail
    );
}

#[test]
fn public_acl_grants_fail_unless_acls_are_disabled_or_ignored() {
    let mut b = InventoryBuilder::new();
    open_pab(&mut b, "acl");
    b.bucket("acl").object_ownership = Ok(Some("ObjectWriter".into()));
    b.bucket("acl")
        .acl
        .as_mut()
        .unwrap()
        .push(public_acl("READ"));
    assert_eq!(
        status("s3_bucket_not_publicly_readable", &b, "acl"),
        Status::Fail
    );
    assert_eq!(
        status("s3_bucket_not_publicly_writable", &b, "acl"),
        Status::Pass
    );
    b.bucket("acl")
        .acl
        .as_mut()
        .unwrap()
        .push(public_acl("WRITE"));
    assert_eq!(
        status("s3_bucket_not_publicly_writable", &b, "acl"),
        Status::Fail
    );
    b.bucket("acl").object_ownership = Ok(Some("BucketOwnerEnforced".into()));
    assert_eq!(
        status("s3_bucket_not_publicly_readable", &b, "acl"),
        Status::Pass
    );
}

#[test]
fn public_write_policy_fails() {
    let mut b = InventoryBuilder::new();
    open_pab(&mut b, "drop");
    b.bucket("drop").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::drop/*"}]}),
    ));
    assert_eq!(
        status("s3_bucket_not_publicly_writable", &b, "drop"),
        Status::Fail
    );
    assert_eq!(
        status("s3_bucket_not_publicly_readable", &b, "drop"),
        Status::Pass
    );
}

#[test]
fn other_account_with_policy_rights_fails_and_own_account_passes() {
    let mut b = InventoryBuilder::new();
    b.bucket("shared").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "s3:*", "Resource": "arn:aws:s3:::shared"}]}),
    ));
    assert_eq!(
        status(
            "s3_bucket_policy_no_other_account_full_access",
            &b,
            "shared"
        ),
        Status::Fail
    );
    b.bucket("own").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/admin"}, "Action": "s3:*", "Resource": "arn:aws:s3:::own"}]}),
    ));
    assert_eq!(
        status("s3_bucket_policy_no_other_account_full_access", &b, "own"),
        Status::Pass
    );
    b.bucket("read-only").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "999988887777"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::read-only/*"}]}),
    ));
    assert_eq!(
        status(
            "s3_bucket_policy_no_other_account_full_access",
            &b,
            "read-only"
        ),
        Status::Pass
    );
}

#[test]
fn public_trail_bucket_fails() {
    let mut b = InventoryBuilder::new();
    open_pab(&mut b, TRAIL_BUCKET);
    b.bucket(TRAIL_BUCKET).policy = Ok(Some(
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{TRAIL_BUCKET}/*")}]}),
    ));
    assert_eq!(
        run("s3_cloudtrail_bucket_not_public", &b.build())[0].status,
        Status::Fail
    );
}

#[test]
fn bucket_covered_only_by_its_own_settings_says_so() {
    let mut b = InventoryBuilder::new();
    b.s3().account_public_access_block = Ok(None);
    b.bucket("x");
    let o = for_bucket("s3_bucket_public_access_block", &b.build(), "x");
    assert!(o.message.contains("own settings"), "{}", o.message);
}

#[test]
fn unreadable_bucket_settings_still_pass_when_the_account_blocks_everything() {
    let mut b = InventoryBuilder::new();
    b.bucket("x").public_access_block = Err(access_denied());
    let o = for_bucket("s3_bucket_public_access_block", &b.build(), "x");
    assert_eq!(o.status, Status::Pass);
    assert!(o.message.contains("could not be read"), "{}", o.message);
}

#[test]
fn unreadable_account_settings_are_an_error_when_the_bucket_is_not_fully_blocked() {
    let mut b = InventoryBuilder::new();
    b.s3().account_public_access_block = Err(access_denied());
    b.bucket("x").public_access_block = Ok(None);
    assert_eq!(
        status("s3_bucket_public_access_block", &b, "x"),
        Status::Error
    );
    assert_eq!(
        status("s3_bucket_public_access_block", &b, TRAIL_BUCKET),
        Status::Pass,
        "a bucket with all four settings of its own needs no account settings"
    );
}

#[test]
fn every_principal_form_makes_a_policy_public() {
    for principal in [json!("*"), json!({"AWS": "*"}), json!({"AWS": ["*"]})] {
        let mut b = InventoryBuilder::new();
        open_pab(&mut b, "p");
        b.bucket("p").policy = Ok(Some(json!({"Statement": [{"Effect": "Allow",
            "Principal": principal, "Action": "s3:*", "Resource": ["arn:aws:s3:::p", "arn:aws:s3:::p/*"]}]})));
        for id in [
            "s3_bucket_not_publicly_readable",
            "s3_bucket_not_publicly_writable",
        ] {
            assert_eq!(status(id, &b, "p"), Status::Fail, "{id} {principal}");
        }
    }
}

#[test]
fn public_policy_with_unreadable_block_public_access_is_an_error_not_a_guess() {
    let mut b = InventoryBuilder::new();
    b.s3().account_public_access_block = Err(access_denied());
    b.bucket("p").public_access_block = Ok(None);
    b.bucket("p").policy = Ok(Some(
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::p/*"}]}),
    ));
    assert_eq!(
        status("s3_bucket_not_publicly_readable", &b, "p"),
        Status::Error
    );
    b.bucket("p").public_access_block = Err(access_denied());
    b.s3().account_public_access_block = Ok(None);
    assert_eq!(
        status("s3_bucket_not_publicly_readable", &b, "p"),
        Status::Error
    );
}

#[test]
fn s3_policy_status_public_without_a_matching_statement_fails_both_checks() {
    let mut b = InventoryBuilder::new();
    open_pab(&mut b, "odd");
    b.bucket("odd").policy_is_public = Ok(Some(true));
    for id in [
        "s3_bucket_not_publicly_readable",
        "s3_bucket_not_publicly_writable",
    ] {
        let o = for_bucket(id, &b.clone().build(), "odd");
        assert_eq!(o.status, Status::Fail, "{id}");
        assert!(o.message.contains("S3 reports"), "{}", o.message);
    }
}

#[test]
fn s3_policy_status_public_explained_by_a_write_statement_does_not_fail_the_read_check() {
    let mut b = InventoryBuilder::new();
    open_pab(&mut b, "drop");
    b.bucket("drop").policy_is_public = Ok(Some(true));
    b.bucket("drop").policy = Ok(Some(
        json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::drop/*"}}),
    ));
    assert_eq!(
        status("s3_bucket_not_publicly_readable", &b, "drop"),
        Status::Pass
    );
    assert_eq!(
        status("s3_bucket_not_publicly_writable", &b, "drop"),
        Status::Fail
    );
}

#[test]
fn unreadable_policy_status_is_an_error_only_when_nothing_else_decides() {
    let mut b = InventoryBuilder::new();
    b.bucket("x").policy_is_public = Err(access_denied());
    assert_eq!(
        status("s3_bucket_not_publicly_readable", &b, "x"),
        Status::Pass,
        "RestrictPublicBuckets makes S3's judgement irrelevant"
    );
    open_pab(&mut b, "x");
    let o = for_bucket("s3_bucket_not_publicly_readable", &b.clone().build(), "x");
    assert_eq!(o.status, Status::Error);
    assert_eq!(o.evidence["error_code"], "AccessDenied");
    assert!(o.evidence["context"]["public_statements"].is_array());
    b.bucket("x").policy = Ok(None);
    assert_eq!(
        status("s3_bucket_not_publicly_readable", &b, "x"),
        Status::Pass,
        "without a policy there is nothing for S3 to judge"
    );
}

#[test]
fn public_acl_ignored_by_account_block_public_access_passes_and_says_why() {
    let mut b = InventoryBuilder::new();
    b.bucket("acl").public_access_block = Ok(None);
    b.bucket("acl").object_ownership = Ok(Some("ObjectWriter".into()));
    b.bucket("acl")
        .acl
        .as_mut()
        .unwrap()
        .push(public_acl("FULL_CONTROL"));
    let o = for_bucket("s3_bucket_not_publicly_writable", &b.build(), "acl");
    assert_eq!(o.status, Status::Pass);
    assert!(o.message.contains("IgnorePublicAcls"), "{}", o.message);
}

#[test]
fn malformed_policies_do_not_panic_any_check() {
    for policy in [
        json!({"Statement": "Allow everything"}),
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": 42, "Resource": "*"}]}),
        json!({"Statement": [{"Effect": "Deny", "Principal": ["*"], "Action": "s3:*", "Resource": {"x": 1},
            "Condition": {"Bool": 7}}]}),
        json!({"Statement": [null, 3, "x"]}),
        json!([]),
    ] {
        let mut b = InventoryBuilder::new();
        open_pab(&mut b, "m");
        b.bucket("m").policy = Ok(Some(policy.clone()));
        let inv = b.build();
        for c in super::super::CHECKS {
            let _ = run(c.meta.id, &inv);
        }
        assert_eq!(
            for_bucket("s3_bucket_policy_denies_http", &inv, "m").status,
            Status::Fail,
            "{policy}"
        );
        assert_eq!(
            for_bucket("s3_bucket_not_publicly_readable", &inv, "m").status,
            Status::Pass,
            "{policy}"
        );
    }
}

#[test]
fn publicly_writable_trail_bucket_acl_fails() {
    let mut b = InventoryBuilder::new();
    open_pab(&mut b, TRAIL_BUCKET);
    b.bucket(TRAIL_BUCKET).object_ownership = Ok(None);
    b.bucket(TRAIL_BUCKET)
        .acl
        .as_mut()
        .unwrap()
        .push(public_acl("WRITE"));
    let out = run("s3_cloudtrail_bucket_not_public", &b.build());
    assert_eq!(out[0].status, Status::Fail);
    assert!(out[0].message.contains("writable"), "{}", out[0].message);
}

#[test]
fn cross_account_grants_count_in_every_principal_and_action_form() {
    let mut b = InventoryBuilder::new();
    b.bucket("shared").policy = Ok(Some(json!({"Statement": [{"Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "999988887777"]},
        "Action": ["s3:GetObject", "s3:PutBucket*"], "Resource": "arn:aws:s3:::shared"}]})));
    let o = for_bucket(
        "s3_bucket_policy_no_other_account_full_access",
        &b.clone().build(),
        "shared",
    );
    assert_eq!(o.status, Status::Fail);
    assert_eq!(o.evidence["statements"][0]["Action"][1], "s3:PutBucket*");
    b.bucket("nopolicy").policy = Ok(None);
    assert_eq!(
        status(
            "s3_bucket_policy_no_other_account_full_access",
            &b,
            "nopolicy"
        ),
        Status::Pass
    );
}
