//! S3 check cases on inventories built in tests: every PASS/FAIL/ERROR edge, including
//! what moto cannot show (AccessDenied on one call, buckets owned by another account).
//! The same checks run through moto in `tests/it/s3.rs`.

use crate::checks::{Outcome, Status, find};
use crate::inventory::{Grant, Inventory};
use crate::testing::{InventoryBuilder, TRAIL_BUCKET, access_denied, now};
use serde_json::json;

fn run(id: &str, inv: &Inventory) -> Vec<Outcome> {
    (find(id).unwrap_or_else(|| panic!("no check {id}")).eval)(inv, now())
}

fn for_bucket(id: &str, inv: &Inventory, bucket: &str) -> Outcome {
    run(id, inv)
        .into_iter()
        .find(|o| o.resource_arn == format!("arn:aws:s3:::{bucket}"))
        .unwrap_or_else(|| panic!("{id}: no finding for {bucket}"))
}

fn status(id: &str, b: &InventoryBuilder, bucket: &str) -> Status {
    for_bucket(id, &b.clone().build(), bucket).status
}

fn public_acl(permission: &str) -> Grant {
    Grant {
        grantee_type: "Group".into(),
        grantee_id: None,
        grantee_uri: Some("http://acs.amazonaws.com/groups/global/AllUsers".into()),
        permission: permission.into(),
    }
}

fn open_pab(b: &mut InventoryBuilder, bucket: &str) {
    b.s3().account_public_access_block = Ok(None);
    b.bucket(bucket).public_access_block = Ok(None);
}

#[test]
fn compliant_account_passes_every_s3_check() {
    let inv = InventoryBuilder::new().build();
    for c in super::CHECKS {
        let out = run(c.meta.id, &inv);
        assert!(!out.is_empty(), "{}", c.meta.id);
        assert!(
            out.iter().all(|o| o.status == Status::Pass),
            "{}: {out:#?}",
            c.meta.id
        );
    }
}

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
fn denied_policy_read_is_an_error() {
    let mut b = InventoryBuilder::new();
    b.bucket("x").policy = Err(access_denied());
    for id in [
        "s3_bucket_policy_denies_http",
        "s3_bucket_not_publicly_readable",
        "s3_bucket_policy_no_other_account_full_access",
    ] {
        assert_eq!(status(id, &b, "x"), Status::Error, "{id}");
    }
}

#[test]
fn mfa_delete_off_fails() {
    let mut b = InventoryBuilder::new();
    b.bucket("x").versioning.as_mut().unwrap().mfa_delete = Some("Disabled".into());
    assert_eq!(status("s3_mfa_delete_enabled", &b, "x"), Status::Fail);
    b.bucket("y").versioning = Err(access_denied());
    assert_eq!(status("s3_mfa_delete_enabled", &b, "y"), Status::Error);
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
    let o = for_bucket(
        "s3_bucket_not_publicly_readable",
        &b.clone().build(),
        "site",
    );
    assert_eq!(o.status, Status::Pass, "account-level BPA blocks it");
    assert!(o.message.contains("neutralises"));
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
fn unencrypted_bucket_fails_and_sse_s3_is_not_kms() {
    let mut b = InventoryBuilder::new();
    b.bucket("plain").encryption = Ok(None);
    assert_eq!(
        status("s3_default_encryption_enabled", &b, "plain"),
        Status::Fail
    );
    assert_eq!(
        status("s3_default_encryption_kms", &b, "plain"),
        Status::Fail
    );
    b.bucket("sse")
        .encryption
        .as_mut()
        .unwrap()
        .as_mut()
        .unwrap()[0]
        .algorithm = "AES256".into();
    assert_eq!(
        status("s3_default_encryption_enabled", &b, "sse"),
        Status::Pass
    );
    assert_eq!(status("s3_default_encryption_kms", &b, "sse"), Status::Fail);
    b.bucket("deny").encryption = Err(access_denied());
    assert_eq!(
        status("s3_default_encryption_kms", &b, "deny"),
        Status::Error
    );
}

#[test]
fn suspended_versioning_fails() {
    let mut b = InventoryBuilder::new();
    b.bucket("x").versioning.as_mut().unwrap().status = Some("Suspended".into());
    assert_eq!(status("s3_versioning_enabled", &b, "x"), Status::Fail);
}

#[test]
fn bucket_without_access_logging_fails() {
    let mut b = InventoryBuilder::new();
    b.bucket("x").logging = Ok(None);
    assert_eq!(
        status("s3_server_access_logging_enabled", &b, "x"),
        Status::Fail
    );
}

#[test]
fn trail_bucket_without_logging_fails_the_cis_check() {
    let mut b = InventoryBuilder::new();
    b.bucket(TRAIL_BUCKET).logging = Ok(None);
    let out = run("s3_cloudtrail_bucket_access_logging", &b.build());
    assert_eq!(out.len(), 1, "only trail buckets are judged: {out:#?}");
    assert_eq!(out[0].status, Status::Fail);
}

#[test]
fn trail_bucket_in_another_account_is_reported_not_passed() {
    let mut b = InventoryBuilder::new();
    b.trail().s3_bucket = Some("central-log-archive".into());
    let out = run("s3_cloudtrail_bucket_access_logging", &b.build());
    assert_eq!(out[0].status, Status::Error);
    assert!(out[0].message.contains("not in this account"));
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
fn acls_enabled_fails() {
    let mut b = InventoryBuilder::new();
    b.bucket("x").object_ownership = Ok(None);
    assert_eq!(status("s3_acls_disabled", &b, "x"), Status::Fail);
}

#[test]
fn object_lock_off_and_missing_tags_fail() {
    let mut b = InventoryBuilder::new();
    b.bucket("x").object_lock = Ok(None);
    b.bucket("x").tags = Ok(Default::default());
    assert_eq!(status("s3_object_lock_enabled", &b, "x"), Status::Fail);
    assert_eq!(status("s3_buckets_tagged", &b, "x"), Status::Fail);
}

#[test]
fn denied_bucket_listing_is_one_error_per_check() {
    let mut b = InventoryBuilder::new();
    b.s3().buckets = Err(access_denied());
    let out = run("s3_versioning_enabled", &b.build());
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].status, Status::Error);
}

#[test]
fn findings_carry_the_bucket_region() {
    let mut b = InventoryBuilder::new();
    b.bucket("eu").region = Ok(crate::types::Region::parse("eu-west-1").unwrap());
    let o = for_bucket("s3_versioning_enabled", &b.build(), "eu");
    assert_eq!(o.region.unwrap().as_str(), "eu-west-1");
}
