//! Who can reach a bucket: TLS enforcement, Block Public Access, public policies and ACLs,
//! and other accounts' rights over the bucket's policy, ACLs and encryption.

use super::analysis::{self, Blocked, READ_ACTIONS, TAKEOVER_ACTIONS, WRITE_ACTIONS};
use super::{ACCOUNT, AccountPab, BUCKET, need, per_bucket, per_trail_bucket};
use crate::checks::{Outcome, Status, account_arn};
use crate::inventory::{Bucket, FetchError, Fetched, Inventory, PublicAccessBlock};
use chrono::{DateTime, Utc};
use serde_json::json;

pub(super) fn denies_http(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        let doc = match need(b, "the bucket policy", &b.policy) {
            Ok(Some(doc)) => doc,
            Ok(None) => {
                return Outcome::fail(
                    BUCKET,
                    &b.arn,
                    format!(
                        "`{}` has no bucket policy, so plain HTTP requests are allowed",
                        b.name
                    ),
                )
                .with_evidence(json!({"policy": null}));
            }
            Err(o) => return o,
        };
        match analysis::tls_deny_statement(doc, &b.arn) {
            Some(st) => Outcome::pass(
                BUCKET,
                &b.arn,
                format!("the policy of `{}` denies requests without TLS", b.name),
            )
            .with_evidence(json!({"statement": st})),
            None => Outcome::fail(
                BUCKET,
                &b.arn,
                format!(
                    "the policy of `{}` has no Deny for everyone on `s3:*` when `aws:SecureTransport` is false",
                    b.name
                ),
            )
            .with_evidence(json!({"policy": doc})),
        }
    })
}

pub(super) fn bucket_pab(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, account| {
        let evidence = json!({
            "bucket_public_access_block": b.public_access_block.as_ref().ok(),
            "account_public_access_block": account.as_ref().ok(),
        });
        let all_on = |p: &Fetched<Option<PublicAccessBlock>>| {
            p.as_ref()
                .ok()
                .copied()
                .flatten()
                .is_some_and(|p| p.all_on())
        };
        if all_on(&b.public_access_block) {
            return Outcome::pass(
                BUCKET,
                &b.arn,
                format!("`{}` blocks all public access in its own settings", b.name),
            )
            .with_evidence(evidence);
        }
        if all_on(account) {
            let own = if b.public_access_block.is_err() {
                " (its own settings could not be read)"
            } else {
                ""
            };
            return Outcome::pass(
                BUCKET,
                &b.arn,
                format!(
                    "`{}` is protected by the account-level Block Public Access settings{own}",
                    b.name
                ),
            )
            .with_evidence(evidence);
        }
        if let Err(e) = &b.public_access_block {
            let what = format!("the Block Public Access settings of `{}`", b.name);
            return Outcome::error(BUCKET, &b.arn, &what, e);
        }
        if let Err(e) = account {
            return Outcome::error(
                BUCKET,
                &b.arn,
                "the account-level Block Public Access settings",
                e,
            );
        }
        Outcome::fail(
            BUCKET,
            &b.arn,
            format!(
                "neither `{}` nor the account turns on all four Block Public Access settings",
                b.name
            ),
        )
        .with_evidence(evidence)
    })
}

pub(super) fn account_pab(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(s3) = &inv.s3 else { return vec![] };
    let arn = account_arn(inv);
    vec![match &s3.account_public_access_block {
        Err(e) => Outcome::error(
            ACCOUNT,
            arn,
            "the account-level Block Public Access settings",
            e,
        ),
        Ok(p) => {
            let on = p.is_some_and(|p| p.all_on());
            let message = match p {
                _ if on => "all four account-level Block Public Access settings are on",
                Some(_) => "some account-level Block Public Access settings are off",
                None => "account-level Block Public Access has never been configured",
            };
            Outcome::pass_if(on, ACCOUNT, arn, message)
                .with_evidence(json!({"account_public_access_block": p}))
        }
    }]
}

/// Public read or public write: the policy actions and ACL permissions that make it so.
struct Kind {
    adjective: &'static str,
    actions: &'static [&'static str],
    acl_permissions: &'static [&'static str],
}

const READ: Kind = Kind {
    adjective: "readable",
    actions: READ_ACTIONS,
    acl_permissions: &["READ", "FULL_CONTROL"],
};

const WRITE: Kind = Kind {
    adjective: "writable",
    actions: WRITE_ACTIONS,
    acl_permissions: &["WRITE", "WRITE_ACP", "FULL_CONTROL"],
};

/// How one access path (policy or ACL) exposes the bucket.
enum Path<'a> {
    Closed,
    Open,
    /// Public grants that do not apply, and why.
    Neutralised(String),
    /// Public grants; whether they apply is unknown because these settings were unreadable.
    Unknown(&'a FetchError),
}

fn through<'a>(exposed: bool, block: Blocked<'a>, setting: &str) -> Path<'a> {
    match (exposed, block) {
        (false, _) => Path::Closed,
        (true, Blocked::No) => Path::Open,
        (true, Blocked::By(level)) => Path::Neutralised(format!(
            "blocked by the {level}-level Block Public Access setting {setting}"
        )),
        (true, Blocked::Unknown(e)) => Path::Unknown(e),
    }
}

/// Whether the bucket is public for `kind`, after Block Public Access and disabled ACLs.
///
/// The policy is public when one of its statements is (see [`analysis::statement_is_public`])
/// or when S3's own policy status says so and no statement explains it for either kind (an
/// evaluation this reading does not model). `RestrictPublicBuckets` neutralises a public
/// policy; `IgnorePublicAcls`, or ACLs disabled, a public ACL.
fn exposure(b: &Bucket, account: AccountPab<'_>, kind: &Kind) -> Outcome {
    let policy = match need(b, "the bucket policy", &b.policy) {
        Ok(p) => p.as_ref(),
        Err(o) => return o,
    };
    let grants = match need(b, "the ACL", &b.acl) {
        Ok(g) => g,
        Err(o) => return o,
    };
    let pab = &b.public_access_block;
    let statements = policy
        .map(|d| analysis::public_statements(d, kind.actions))
        .unwrap_or_default();
    let unexplained = policy.is_some_and(|d| {
        b.policy_is_public == Ok(Some(true))
            && analysis::public_statements(d, READ_ACTIONS).is_empty()
            && analysis::public_statements(d, WRITE_ACTIONS).is_empty()
    });
    let restrict = analysis::blocked(pab, account, |p| p.restrict_public_buckets);
    let policy_path = through(
        !statements.is_empty() || unexplained,
        restrict,
        "RestrictPublicBuckets",
    );
    let acl = analysis::acl_public_grants(grants, kind.acl_permissions);
    let acls_disabled =
        b.object_ownership.as_ref().ok().and_then(Option::as_deref) == Some("BucketOwnerEnforced");
    let acl_path = if acls_disabled && !acl.is_empty() {
        Path::Neutralised("ignored because ACLs are disabled (BucketOwnerEnforced)".to_owned())
    } else {
        through(
            !acl.is_empty(),
            analysis::blocked(pab, account, |p| p.ignore_public_acls),
            "IgnorePublicAcls",
        )
    };
    let evidence = json!({
        "public_statements": statements,
        "policy_status_is_public": b.policy_is_public.as_ref().ok(),
        "public_acl_grants": acl,
        "object_ownership": b.object_ownership.as_ref().ok(),
        "effective_public_access_block": analysis::effective_pab(pab, account),
    });
    let (name, adjective) = (&b.name, kind.adjective);
    let via = match (&policy_path, &acl_path) {
        (Path::Open, Path::Open) => Some("its policy and its ACL"),
        (Path::Open, _) if unexplained => Some("its policy (S3 reports the policy as public)"),
        (Path::Open, _) => Some("its policy"),
        (_, Path::Open) => Some("its ACL"),
        _ => None,
    };
    if let Some(via) = via {
        let message = format!("`{name}` is publicly {adjective} through {via}");
        return Outcome::fail(BUCKET, &b.arn, message).with_evidence(evidence);
    }
    for path in [&policy_path, &acl_path] {
        if let Path::Unknown(e) = path {
            let what = format!(
                "the Block Public Access settings that decide whether the public grants of `{name}` apply"
            );
            return error_with_context(Outcome::error(BUCKET, &b.arn, &what, e), evidence);
        }
    }
    // A policy S3 could not judge, no statement this reading finds public, nothing blocking.
    if let (Some(_), Err(e), Path::Closed) = (policy, &b.policy_is_public, &policy_path)
        && !matches!(restrict, Blocked::By(_))
    {
        let what = format!("S3's public status of the policy of `{name}`");
        return error_with_context(Outcome::error(BUCKET, &b.arn, &what, e), evidence);
    }
    let neutralised: Vec<String> = [
        (&policy_path, "policy statements"),
        (&acl_path, "ACL grants"),
    ]
    .into_iter()
    .filter_map(|(p, what)| match p {
        Path::Neutralised(why) => Some(format!("its public {what} are {why}")),
        _ => None,
    })
    .collect();
    let message = if neutralised.is_empty() {
        format!("`{name}` is not publicly {adjective}")
    } else {
        format!(
            "`{name}` is not publicly {adjective}: {}",
            neutralised.join("; ")
        )
    };
    Outcome::pass(BUCKET, &b.arn, message).with_evidence(evidence)
}

/// An ERROR outcome keeps its error code and message and gains what was already known.
fn error_with_context(mut o: Outcome, context: serde_json::Value) -> Outcome {
    if let Some(map) = o.evidence.as_object_mut() {
        map.insert("context".to_owned(), context);
    }
    o
}

pub(super) fn not_public_read(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, account| exposure(b, account, &READ))
}

pub(super) fn not_public_write(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, account| exposure(b, account, &WRITE))
}

/// Trail buckets must be neither publicly readable nor publicly writable: the worse of the
/// two verdicts (FAIL, then ERROR, then PASS).
pub(super) fn trail_bucket_not_public(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_trail_bucket(inv, |b, account| {
        let read = exposure(b, account, &READ);
        let write = exposure(b, account, &WRITE);
        let rank = |o: &Outcome| match o.status {
            Status::Fail => 2,
            Status::Error => 1,
            Status::Pass => 0,
        };
        let mut worst = if rank(&write) > rank(&read) {
            write
        } else {
            read
        };
        worst.message = format!("trail bucket {}", worst.message);
        worst
    })
}

pub(super) fn no_other_account_full_access(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let own = inv.account_id.to_string();
    per_bucket(inv, |b, _| {
        let doc = match need(b, "the bucket policy", &b.policy) {
            Ok(Some(d)) => d,
            Ok(None) => {
                return Outcome::pass(
                    BUCKET,
                    &b.arn,
                    format!(
                        "`{}` has no bucket policy, so it grants other accounts nothing",
                        b.name
                    ),
                );
            }
            Err(o) => return o,
        };
        let grants = analysis::foreign_grants(doc, &own, TAKEOVER_ACTIONS);
        let message = if grants.is_empty() {
            format!(
                "the policy of `{}` lets no other account change its policy, ACLs or encryption",
                b.name
            )
        } else {
            format!(
                "the policy of `{}` lets another account change its policy, ACLs or encryption",
                b.name
            )
        };
        Outcome::pass_if(grants.is_empty(), BUCKET, &b.arn, message)
            .with_evidence(json!({"statements": grants, "dangerous_actions": TAKEOVER_ACTIONS}))
    })
}
