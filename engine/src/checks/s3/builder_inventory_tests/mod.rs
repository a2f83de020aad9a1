//! S3 check cases on inventories built in tests: every PASS/FAIL/ERROR edge, including
//! what moto cannot show (AccessDenied on one call, buckets owned by another account,
//! S3's own policy status). The same checks run through moto in `tests/it/s3.rs`.
//!
//! `access` holds the cases of the access checks, `protection` those of the data
//! protection checks; this module the shared helpers and the cases of every check.

mod access;
mod protection;

use crate::checks::{Outcome, Status, find};
use crate::inventory::{Grant, Inventory};
use crate::testing::{InventoryBuilder, TRAIL_BUCKET, access_denied, now};

pub(super) fn run(id: &str, inv: &Inventory) -> Vec<Outcome> {
    (find(id).unwrap_or_else(|| panic!("no check {id}")).eval)(inv, now())
}

pub(super) fn for_bucket(id: &str, inv: &Inventory, bucket: &str) -> Outcome {
    run(id, inv)
        .into_iter()
        .find(|o| o.resource_arn == format!("arn:aws:s3:::{bucket}"))
        .unwrap_or_else(|| panic!("{id}: no finding for {bucket}"))
}

pub(super) fn status(id: &str, b: &InventoryBuilder, bucket: &str) -> Status {
    for_bucket(id, &b.clone().build(), bucket).status
}

pub(super) fn public_acl(permission: &str) -> Grant {
    Grant {
        grantee_type: "Group".into(),
        grantee_id: None,
        grantee_uri: Some("http://acs.amazonaws.com/groups/global/AllUsers".into()),
        permission: permission.into(),
    }
}

pub(super) fn open_pab(b: &mut InventoryBuilder, bucket: &str) {
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

#[test]
fn unreadable_trail_bucket_data_is_an_error() {
    let mut b = InventoryBuilder::new();
    b.bucket(TRAIL_BUCKET).logging = Err(access_denied());
    b.bucket(TRAIL_BUCKET).acl = Err(access_denied());
    let inv = b.build();
    for id in [
        "s3_cloudtrail_bucket_access_logging",
        "s3_cloudtrail_bucket_not_public",
    ] {
        assert_eq!(run(id, &inv)[0].status, Status::Error, "{id}");
    }
}

#[test]
fn failed_bucket_listing_is_an_account_level_error() {
    let mut b = InventoryBuilder::new();
    b.s3().buckets = Err(access_denied());
    let out = run("s3_cloudtrail_bucket_access_logging", &b.build());
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].status, Status::Error);
    assert_eq!(out[0].resource_type, "AwsAccount");
}
