//! How a bucket keeps its data: MFA delete, default encryption, versioning, server access
//! logging (also for the buckets that receive CloudTrail logs), ACLs disabled, Object Lock
//! and ownership tags.

use super::{BUCKET, need, per_bucket, per_trail_bucket};
use crate::checks::Outcome;
use crate::inventory::{Bucket, Inventory};
use chrono::{DateTime, Utc};
use serde_json::json;

pub(super) fn mfa_delete(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        match need(b, "the versioning configuration", &b.versioning) {
            Err(o) => o,
            Ok(v) => {
                let on = v.mfa_delete.as_deref() == Some("Enabled");
                let message = if on {
                    format!("`{}` requires MFA to delete object versions", b.name)
                } else {
                    format!(
                        "MFA delete is {} on `{}`",
                        v.mfa_delete.as_deref().unwrap_or("not configured"),
                        b.name
                    )
                };
                Outcome::pass_if(on, BUCKET, &b.arn, message)
                    .with_evidence(json!({"versioning": v.status, "mfa_delete": v.mfa_delete}))
            }
        }
    })
}

pub(super) fn default_encryption(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        match need(b, "the default encryption", &b.encryption) {
            Err(o) => o,
            Ok(rules) => {
                let on = rules.as_ref().is_some_and(|r| !r.is_empty());
                let message = if on {
                    format!("`{}` encrypts new objects by default", b.name)
                } else {
                    format!(
                        "`{}` has no default encryption; AWS has applied SSE-S3 to every bucket since January 2023, so this is an emulated, S3-compatible or legacy bucket",
                        b.name
                    )
                };
                Outcome::pass_if(on, BUCKET, &b.arn, message).with_evidence(json!({"rules": rules}))
            }
        }
    })
}

pub(super) fn default_encryption_kms(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        match need(b, "the default encryption", &b.encryption) {
            Err(o) => o,
            Ok(rules) => {
                let algorithms: Vec<&str> = rules
                    .iter()
                    .flatten()
                    .map(|r| r.algorithm.as_str())
                    .collect();
                let kms = algorithms
                    .iter()
                    .any(|a| matches!(*a, "aws:kms" | "aws:kms:dsse"));
                let message = if kms {
                    format!("`{}` encrypts new objects with KMS by default", b.name)
                } else if algorithms.is_empty() {
                    format!("`{}` has no default encryption", b.name)
                } else {
                    format!(
                        "`{}` encrypts by default with {}, not SSE-KMS",
                        b.name,
                        algorithms.join(", ")
                    )
                };
                Outcome::pass_if(kms, BUCKET, &b.arn, message)
                    .with_evidence(json!({"rules": rules}))
            }
        }
    })
}

pub(super) fn versioning(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        match need(b, "the versioning configuration", &b.versioning) {
            Err(o) => o,
            Ok(v) => {
                let on = v.status.as_deref() == Some("Enabled");
                let status = v.status.as_deref().unwrap_or("never enabled");
                Outcome::pass_if(
                    on,
                    BUCKET,
                    &b.arn,
                    format!("versioning of `{}` is {status}", b.name),
                )
                .with_evidence(json!({"status": v.status}))
            }
        }
    })
}

fn logging_outcome(b: &Bucket) -> Outcome {
    match need(b, "the server access logging configuration", &b.logging) {
        Err(o) => o,
        Ok(l) => {
            let message = match l {
                Some(t) => format!("`{}` logs access to `{}`", b.name, t.target_bucket),
                None => format!("`{}` has no server access logging", b.name),
            };
            Outcome::pass_if(l.is_some(), BUCKET, &b.arn, message)
                .with_evidence(json!({"logging": l}))
        }
    }
}

pub(super) fn access_logging(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| logging_outcome(b))
}

pub(super) fn trail_bucket_logging(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_trail_bucket(inv, |b, _| {
        let mut o = logging_outcome(b);
        o.message = format!("trail bucket {}", o.message);
        o
    })
}

pub(super) fn acls_disabled(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        match need(b, "the object ownership controls", &b.object_ownership) {
            Err(o) => o,
            Ok(own) => {
                let off = own.as_deref() == Some("BucketOwnerEnforced");
                let message = match own.as_deref() {
                    _ if off => format!("ACLs are disabled on `{}` (BucketOwnerEnforced)", b.name),
                    Some(o) => format!(
                        "object ownership of `{}` is {o}, so ACLs still grant access",
                        b.name
                    ),
                    None => format!(
                        "`{}` has no object ownership controls, so ACLs still grant access",
                        b.name
                    ),
                };
                Outcome::pass_if(off, BUCKET, &b.arn, message)
                    .with_evidence(json!({"object_ownership": own}))
            }
        }
    })
}

pub(super) fn object_lock(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        match need(b, "the Object Lock configuration", &b.object_lock) {
            Err(o) => o,
            Ok(l) => {
                let on = l.as_ref().is_some_and(|l| l.enabled);
                let message = if on {
                    format!("Object Lock is enabled on `{}`", b.name)
                } else {
                    format!("Object Lock is not enabled on `{}`", b.name)
                };
                Outcome::pass_if(on, BUCKET, &b.arn, message)
                    .with_evidence(json!({"object_lock": l}))
            }
        }
    })
}

pub(super) fn tagged(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| match need(b, "the tags", &b.tags) {
        Err(o) => o,
        Ok(t) => {
            let message = if t.is_empty() {
                format!(
                    "`{}` has no tags, so nobody is recorded as its owner",
                    b.name
                )
            } else {
                let keys: Vec<&str> = t.keys().map(String::as_str).collect();
                format!("`{}` is tagged ({})", b.name, keys.join(", "))
            };
            Outcome::pass_if(!t.is_empty(), BUCKET, &b.arn, message)
                .with_evidence(json!({"tags": t}))
        }
    })
}
