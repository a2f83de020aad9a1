//! Cases of the data protection checks: MFA delete, encryption, versioning, logging,
//! ACLs, Object Lock, tags and the CloudTrail bucket.

use super::*;
use crate::checks::Status;
use crate::testing::{InventoryBuilder, TRAIL_BUCKET, access_denied};

#[test]
fn mfa_delete_off_fails() {
    let mut b = InventoryBuilder::new();
    b.bucket("x").versioning.as_mut().unwrap().mfa_delete = Some("Disabled".into());
    assert_eq!(status("s3_mfa_delete_enabled", &b, "x"), Status::Fail);
    b.bucket("y").versioning = Err(access_denied());
    assert_eq!(status("s3_mfa_delete_enabled", &b, "y"), Status::Error);
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
fn unreadable_bucket_data_is_an_error_for_every_check_that_needs_it() {
    type Break = fn(&mut crate::inventory::Bucket);
    let cases: &[(&str, Break)] = &[
        ("s3_bucket_not_publicly_writable", |b| {
            b.acl = Err(access_denied())
        }),
        ("s3_default_encryption_enabled", |b| {
            b.encryption = Err(access_denied())
        }),
        ("s3_versioning_enabled", |b| {
            b.versioning = Err(access_denied())
        }),
        ("s3_server_access_logging_enabled", |b| {
            b.logging = Err(access_denied())
        }),
        ("s3_acls_disabled", |b| {
            b.object_ownership = Err(access_denied())
        }),
        ("s3_object_lock_enabled", |b| {
            b.object_lock = Err(access_denied())
        }),
        ("s3_buckets_tagged", |b| b.tags = Err(access_denied())),
    ];
    for (id, break_it) in cases {
        let mut b = InventoryBuilder::new();
        break_it(b.bucket("x"));
        let o = for_bucket(id, &b.build(), "x");
        assert_eq!(o.status, Status::Error, "{id}");
        assert_eq!(o.evidence["error_code"], "AccessDenied", "{id}");
    }
}

#[test]
fn trail_bucket_checks_say_nothing_without_cloudtrail() {
    let mut b = InventoryBuilder::new();
    b.inventory().cloudtrail = None;
    let inv = b.build();
    assert!(run("s3_cloudtrail_bucket_access_logging", &inv).is_empty());
    assert!(run("s3_cloudtrail_bucket_not_public", &inv).is_empty());
}

#[test]
fn kms_dsse_counts_as_kms_encryption() {
    let mut b = InventoryBuilder::new();
    b.bucket("dsse")
        .encryption
        .as_mut()
        .unwrap()
        .as_mut()
        .unwrap()[0]
        .algorithm = "aws:kms:dsse".into();
    assert_eq!(
        status("s3_default_encryption_kms", &b, "dsse"),
        Status::Pass
    );
}
