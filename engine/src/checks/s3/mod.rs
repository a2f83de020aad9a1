//! S3 checks: transport security, public access (policy, ACL, Block Public Access),
//! cross-account grants, encryption, versioning, MFA delete, logging, ACLs, object lock.

mod public;

use super::{Check, CheckMeta, Framework::*, Outcome, Remediation, Severity, account_arn, policy};
use crate::inventory::{Bucket, FetchError, Fetched, Inventory, PublicAccessBlock, Service};
use chrono::{DateTime, Utc};
use public::{READ_ACTIONS, WRITE_ACTIONS};
use serde_json::json;

macro_rules! check {
    ($id:literal, $title:literal, $sev:ident, $rationale:literal, $console:literal, $cli:literal, [$($fw:ident: [$($c:literal),*]),*], $eval:path) => {
        Check {
            meta: CheckMeta {
                id: $id,
                title: $title,
                service: Service::S3,
                severity: Severity::$sev,
                rationale: $rationale,
                remediation: Remediation { console: $console, cli: $cli },
                compliance: &[$(($fw, &[$($c),*])),*],
            },
            eval: $eval,
        }
    };
}

pub(super) const CHECKS: &[Check] = &[
    check!("s3_bucket_policy_denies_http", "Bucket policies deny requests over plain HTTP", Medium,
        "Without a deny on `aws:SecureTransport = false`, clients can read and write objects over unencrypted HTTP, exposing data and credentials on the wire.",
        "S3 → the bucket → Permissions → Bucket policy → add a Deny statement for all principals and `s3:*` on the bucket and its objects when `aws:SecureTransport` is false.",
        "aws s3api put-bucket-policy --bucket <bucket> --policy '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyHTTP\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::<bucket>\",\"arn:aws:s3:::<bucket>/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}'",
        [CisAws3: ["2.1.1"], AwsFsbp: ["S3.5"]], denies_http),
    check!("s3_mfa_delete_enabled", "Versioned buckets require MFA to delete versions", Low,
        "MFA delete stops a stolen access key from permanently deleting object versions or suspending versioning, a common ransomware step.",
        "MFA delete can only be enabled by the root user with the CLI or API.",
        "(as root) aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa '<serial> <code>'",
        [CisAws3: ["2.1.2"], AwsFsbp: ["S3.20"]], mfa_delete),
    check!("s3_bucket_public_access_block", "Block Public Access is on for the bucket", Medium,
        "Block Public Access overrides any policy or ACL that would make the bucket public, a safety net against one wrong statement.",
        "S3 → the bucket → Permissions → Block public access → Edit → turn on all four settings (or turn them on for the whole account).",
        "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        [CisAws3: ["2.1.4"], AwsFsbp: ["S3.8"]], bucket_pab),
    check!("s3_account_public_access_block", "Block Public Access is on for the whole account", Medium,
        "Account-level Block Public Access protects every current and future bucket at once, including buckets created by automation that forgets its own settings.",
        "S3 → Block Public Access settings for this account → Edit → turn on all four settings.",
        "aws s3control put-public-access-block --account-id <account> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        [CisAws3: ["2.1.4"], AwsFsbp: ["S3.1"]], account_pab),
    check!("s3_bucket_not_publicly_readable", "Buckets are not publicly readable", Critical,
        "A bucket readable by anyone on the internet is the most common cause of cloud data leaks.",
        "S3 → the bucket → Permissions: remove `Principal: *` read grants from the policy and AllUsers/AuthenticatedUsers grants from the ACL, then turn on Block Public Access.",
        "aws s3api delete-bucket-policy --bucket <bucket>; aws s3api put-bucket-acl --bucket <bucket> --acl private; aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        [AwsFsbp: ["S3.2"]], not_public_read),
    check!("s3_bucket_not_publicly_writable", "Buckets are not publicly writable", Critical,
        "A bucket anyone can write to can be used to host malware, overwrite your data or run up your bill.",
        "S3 → the bucket → Permissions: remove `Principal: *` write grants from the policy and AllUsers/AuthenticatedUsers write grants from the ACL, then turn on Block Public Access.",
        "aws s3api put-bucket-acl --bucket <bucket> --acl private; aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        [AwsFsbp: ["S3.3"]], not_public_write),
    check!("s3_bucket_policy_no_other_account_full_access", "Bucket policies do not let other accounts change policies, ACLs or encryption", High,
        "Granting another account `s3:*` or permission-changing actions lets it take the bucket over: rewrite its policy, its ACLs or its encryption.",
        "S3 → the bucket → Permissions → Bucket policy: limit other accounts to the object actions they need.",
        "aws s3api put-bucket-policy --bucket <bucket> --policy file://scoped-policy.json",
        [AwsFsbp: ["S3.6"]], no_other_account_full_access),
    check!(
        "s3_default_encryption_enabled",
        "Buckets have default encryption",
        Medium,
        "Since January 2023 AWS encrypts every new object with SSE-S3 by default; a bucket without any default encryption configuration is a legacy or non-AWS (emulated) setup and stores objects unencrypted unless each writer asks.",
        "S3 → the bucket → Properties → Default encryption → Edit → SSE-S3 or SSE-KMS.",
        "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"}}]}'",
        [],
        default_encryption
    ),
    check!("s3_default_encryption_kms", "Buckets encrypt with KMS keys by default", Low,
        "SSE-KMS adds a key policy and CloudTrail record to every decryption, so reading the data needs both S3 and KMS permissions.",
        "S3 → the bucket → Properties → Default encryption → Edit → SSE-KMS with a customer managed key, bucket key enabled.",
        "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"<key-arn>\"},\"BucketKeyEnabled\":true}]}'",
        [AwsFsbp: ["S3.17"]], default_encryption_kms),
    check!("s3_versioning_enabled", "Bucket versioning is enabled", Low,
        "Versioning keeps every version of every object, so deletions and overwrites (by mistake or by ransomware) can be undone.",
        "S3 → the bucket → Properties → Bucket Versioning → Edit → Enable.",
        "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled",
        [AwsFsbp: ["S3.14"]], versioning),
    check!("s3_server_access_logging_enabled", "Server access logging is enabled", Low,
        "Access logs record every request to the bucket, including those that CloudTrail data events do not, for security and access audits.",
        "S3 → the bucket → Properties → Server access logging → Edit → Enable, choose a target bucket.",
        "aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status '{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\",\"TargetPrefix\":\"<bucket>/\"}}'",
        [AwsFsbp: ["S3.9"]], access_logging),
    check!("s3_cloudtrail_bucket_access_logging", "The CloudTrail bucket has server access logging", Medium,
        "Logging access to the bucket that holds CloudTrail logs shows who read or tried to tamper with the audit trail itself.",
        "S3 → the trail's bucket → Properties → Server access logging → Edit → Enable, target a separate bucket.",
        "aws s3api put-bucket-logging --bucket <trail-bucket> --bucket-logging-status '{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\",\"TargetPrefix\":\"cloudtrail/\"}}'",
        [CisAws3: ["3.4"], AwsFsbp: ["CloudTrail.7"]], trail_bucket_logging),
    check!("s3_cloudtrail_bucket_not_public", "The CloudTrail bucket is not public", High,
        "A public trail bucket exposes a detailed map of the account's activity and resources to anyone.",
        "S3 → the trail's bucket → Permissions: remove public grants and turn on Block Public Access.",
        "aws s3api put-public-access-block --bucket <trail-bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        [AwsFsbp: ["CloudTrail.6"]], trail_bucket_not_public),
    check!("s3_acls_disabled", "Bucket ACLs are disabled (bucket owner enforced)", Low,
        "With ACLs disabled, only policies decide access, which is simpler to review and removes a whole class of accidental public grants.",
        "S3 → the bucket → Permissions → Object Ownership → Edit → ACLs disabled (Bucket owner enforced).",
        "aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
        [AwsFsbp: ["S3.12"]], acls_disabled),
    check!("s3_object_lock_enabled", "Object Lock is enabled", Informational,
        "Object Lock stores objects write-once-read-many, protecting backups and logs from deletion for their retention period.",
        "Object Lock is chosen when a bucket is created (or enabled on versioned buckets): S3 → the bucket → Properties → Object Lock.",
        "aws s3api put-object-lock-configuration --bucket <bucket> --object-lock-configuration 'ObjectLockEnabled=Enabled,Rule={DefaultRetention={Mode=GOVERNANCE,Days=30}}'",
        [AwsFsbp: ["S3.15"]], object_lock),
    check!(
        "s3_buckets_tagged",
        "Buckets carry tags",
        Informational,
        "Tags tell the security team who owns a bucket and what it holds, which decides how fast a finding on it gets fixed.",
        "S3 → the bucket → Properties → Tags → Edit → add at least an owner tag.",
        "aws s3api put-bucket-tagging --bucket <bucket> --tagging 'TagSet=[{Key=owner,Value=<team>}]'",
        [],
        tagged
    ),
];

const BUCKET: &str = "AwsS3Bucket";

/// Runs `f` on every bucket; a failed listing becomes one ERROR, and the bucket's region is set.
fn per_bucket(
    inv: &Inventory,
    f: impl Fn(&Bucket, Option<&PublicAccessBlock>) -> Outcome,
) -> Vec<Outcome> {
    let Some(s3) = &inv.s3 else { return vec![] };
    let buckets = match &s3.buckets {
        Err(e) => {
            return vec![Outcome::error(
                BUCKET,
                account_arn(inv),
                "the bucket list",
                e,
            )];
        }
        Ok(b) => b,
    };
    let account_pab = s3
        .account_public_access_block
        .as_ref()
        .ok()
        .and_then(Option::as_ref);
    buckets
        .iter()
        .map(|b| {
            let o = f(b, account_pab);
            match &b.region {
                Ok(r) => o.in_region(r),
                Err(_) => o,
            }
        })
        .collect()
}

/// `Fetched` data of a bucket, or its ERROR outcome.
fn need<'a, T>(b: &Bucket, what: &str, data: &'a Fetched<T>) -> Result<&'a T, Outcome> {
    data.as_ref().map_err(|e: &FetchError| {
        Outcome::error(BUCKET, &b.arn, &format!("{what} of `{}`", b.name), e)
    })
}

fn denies_http(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        let doc = match need(b, "the bucket policy", &b.policy) {
            Ok(Some(doc)) => doc,
            Ok(None) => {
                return Outcome::fail(
                    BUCKET,
                    &b.arn,
                    format!(
                        "bucket `{}` has no policy, so plain HTTP requests are allowed",
                        b.name
                    ),
                );
            }
            Err(o) => return o,
        };
        let covers = |st: &serde_json::Value| {
            policy::values(st.get("Resource")).any(|r| {
                r == "*"
                    || r == format!("arn:aws:s3:::{}", b.name)
                    || r.starts_with(&format!("arn:aws:s3:::{}/", b.name))
            })
        };
        let deny = policy::statements(doc).find(|st| {
            let insecure = policy::condition_values(st, "Bool", "aws:SecureTransport")
                .iter()
                .any(|v| *v == &json!("false") || *v == &json!(false));
            let old_tls = policy::condition_values(st, "NumericLessThan", "s3:TlsVersion")
                .iter()
                .any(|v| {
                    v.as_str()
                        .and_then(|s| s.parse::<f64>().ok())
                        .or(v.as_f64())
                        .is_some_and(|n| n >= 1.2)
                });
            policy::is_deny(st)
                && policy::principal_is_everyone(st)
                && policy::values(st.get("Action"))
                    .any(|a| a == "*" || a == "s3:*" || policy::action_matches(a, "s3:GetObject"))
                && covers(st)
                && (insecure || old_tls)
        });
        match deny {
            Some(st) => Outcome::pass(
                BUCKET,
                &b.arn,
                format!("bucket `{}` denies requests without TLS", b.name),
            )
            .with_evidence(json!({"statement": st})),
            None => Outcome::fail(
                BUCKET,
                &b.arn,
                format!(
                    "the policy of `{}` does not deny plain HTTP requests",
                    b.name
                ),
            )
            .with_evidence(json!({"policy": doc})),
        }
    })
}

fn mfa_delete(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| match need(b, "versioning", &b.versioning) {
        Err(o) => o,
        Ok(v) => {
            let on = v.mfa_delete.as_deref() == Some("Enabled");
            Outcome::pass_if(
                on,
                BUCKET,
                &b.arn,
                format!(
                    "MFA delete is {} on `{}`",
                    if on { "enabled" } else { "not enabled" },
                    b.name
                ),
            )
            .with_evidence(json!({"versioning": v.status, "mfa_delete": v.mfa_delete}))
        }
    })
}

fn bucket_pab(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, account| {
        let own = match &b.public_access_block {
            Ok(p) => *p,
            // Account-wide blocking still protects a bucket whose own settings are unreadable.
            Err(_) if account.is_some_and(PublicAccessBlock::all_on) => None,
            Err(e) => {
                return Outcome::error(
                    BUCKET,
                    &b.arn,
                    &format!("Block Public Access settings of `{}`", b.name),
                    e,
                );
            }
        };
        let evidence = json!({"bucket": own, "account": account});
        if own.is_some_and(|p| p.all_on()) {
            Outcome::pass(
                BUCKET,
                &b.arn,
                format!("`{}` blocks all public access", b.name),
            )
            .with_evidence(evidence)
        } else if account.is_some_and(PublicAccessBlock::all_on) {
            Outcome::pass(
                BUCKET,
                &b.arn,
                format!(
                    "`{}` is covered by the account-level Block Public Access",
                    b.name
                ),
            )
            .with_evidence(evidence)
        } else {
            Outcome::fail(
                BUCKET,
                &b.arn,
                format!(
                    "neither `{}` nor the account blocks all public access",
                    b.name
                ),
            )
            .with_evidence(evidence)
        }
    })
}

fn account_pab(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(s3) = &inv.s3 else { return vec![] };
    let arn = account_arn(inv);
    vec![match &s3.account_public_access_block {
        Err(e) => Outcome::error("AwsAccount", arn, "account-level Block Public Access", e),
        Ok(p) => {
            let on = p.is_some_and(|p| p.all_on());
            Outcome::pass_if(
                on,
                "AwsAccount",
                arn,
                if on {
                    "all four account-level Block Public Access settings are on"
                } else {
                    "account-level Block Public Access is not fully on"
                },
            )
            .with_evidence(json!({"account_public_access_block": p}))
        }
    }]
}

/// Public exposure of a bucket for `actions` / ACL `permissions`, after Block Public Access.
fn exposure(
    b: &Bucket,
    account: Option<&PublicAccessBlock>,
    actions: &[&str],
    permissions: &[&str],
    kind: &str,
) -> Outcome {
    let policy = match need(b, "the bucket policy", &b.policy) {
        Ok(p) => p.as_ref(),
        Err(o) => return o,
    };
    let grants = match need(b, "the ACL", &b.acl) {
        Ok(g) => g,
        Err(o) => return o,
    };
    let pab = public::effective_pab(b, account);
    let statements = policy
        .map(|d| public::public_statements(d, actions))
        .unwrap_or_default();
    let s3_says_public =
        b.policy_is_public.as_ref().ok().copied().flatten() == Some(true) && !statements.is_empty();
    let acl = public::acl_public_grants(grants, permissions);
    let acls_disabled =
        b.object_ownership.as_ref().ok().and_then(|o| o.as_deref()) == Some("BucketOwnerEnforced");
    let policy_public = (!statements.is_empty() || s3_says_public) && !pab.restrict_public_buckets;
    let acl_public = !acl.is_empty() && !pab.ignore_public_acls && !acls_disabled;
    let evidence = json!({"public_statements": statements, "public_acl_grants": acl, "effective_public_access_block": pab});
    if policy_public || acl_public {
        let via = match (policy_public, acl_public) {
            (true, true) => "its policy and its ACL",
            (true, false) => "its policy",
            _ => "its ACL",
        };
        Outcome::fail(
            BUCKET,
            &b.arn,
            format!("`{}` is publicly {kind} through {via}", b.name),
        )
        .with_evidence(evidence)
    } else if !statements.is_empty() || !acl.is_empty() {
        Outcome::pass(
            BUCKET,
            &b.arn,
            format!(
                "`{}` has public {kind} grants, but Block Public Access neutralises them",
                b.name
            ),
        )
        .with_evidence(evidence)
    } else {
        Outcome::pass(
            BUCKET,
            &b.arn,
            format!("`{}` is not publicly {kind}", b.name),
        )
        .with_evidence(evidence)
    }
}

fn not_public_read(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, a| {
        exposure(b, a, READ_ACTIONS, &["READ", "FULL_CONTROL"], "readable")
    })
}

fn not_public_write(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, a| {
        exposure(
            b,
            a,
            WRITE_ACTIONS,
            &["WRITE", "WRITE_ACP", "FULL_CONTROL"],
            "writable",
        )
    })
}

const DANGEROUS: &[&str] = &[
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

fn no_other_account_full_access(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let own = inv.account_id.to_string();
    per_bucket(inv, |b, _| {
        let doc = match need(b, "the bucket policy", &b.policy) {
            Ok(Some(d)) => d,
            Ok(None) => {
                return Outcome::pass(
                    BUCKET,
                    &b.arn,
                    format!(
                        "`{}` has no policy granting other accounts anything",
                        b.name
                    ),
                );
            }
            Err(o) => return o,
        };
        let foreign = |p: &str| {
            let account = if p.starts_with("arn:") {
                p.split(':').nth(4).unwrap_or("")
            } else {
                p
            };
            p != "*" && account != own
        };
        let grants: Vec<&serde_json::Value> = policy::statements(doc)
            .filter(|st| policy::is_allow(st) && policy::aws_principals(st).any(foreign))
            .filter(|st| {
                policy::values(st.get("Action"))
                    .any(|a| DANGEROUS.iter().any(|d| policy::action_matches(a, d)))
            })
            .collect();
        Outcome::pass_if(
            grants.is_empty(),
            BUCKET,
            &b.arn,
            if grants.is_empty() {
                format!(
                    "`{}` grants other accounts no policy, ACL or encryption changes",
                    b.name
                )
            } else {
                format!(
                    "the policy of `{}` lets another account change its policy, ACLs or encryption",
                    b.name
                )
            },
        )
        .with_evidence(json!({"statements": grants}))
    })
}

fn default_encryption(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        match need(b, "default encryption", &b.encryption) {
            Err(o) => o,
            Ok(rules) => {
                let on = rules.as_ref().is_some_and(|r| !r.is_empty());
                Outcome::pass_if(
                    on,
                    BUCKET,
                    &b.arn,
                    if on {
                        format!("`{}` encrypts new objects by default", b.name)
                    } else {
                        format!("`{}` has no default encryption", b.name)
                    },
                )
                .with_evidence(json!({"rules": rules}))
            }
        }
    })
}

fn default_encryption_kms(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        match need(b, "default encryption", &b.encryption) {
            Err(o) => o,
            Ok(rules) => {
                let kms = rules
                    .iter()
                    .flatten()
                    .any(|r| r.algorithm.starts_with("aws:kms"));
                let algo: Vec<&str> = rules
                    .iter()
                    .flatten()
                    .map(|r| r.algorithm.as_str())
                    .collect();
                Outcome::pass_if(
                    kms,
                    BUCKET,
                    &b.arn,
                    if kms {
                        format!("`{}` encrypts with KMS by default", b.name)
                    } else {
                        format!(
                            "`{}` does not use SSE-KMS by default ({})",
                            b.name,
                            if algo.is_empty() {
                                "none".to_owned()
                            } else {
                                algo.join(", ")
                            }
                        )
                    },
                )
                .with_evidence(json!({"rules": rules}))
            }
        }
    })
}

fn versioning(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| match need(b, "versioning", &b.versioning) {
        Err(o) => o,
        Ok(v) => {
            let on = v.status.as_deref() == Some("Enabled");
            Outcome::pass_if(
                on,
                BUCKET,
                &b.arn,
                format!(
                    "versioning of `{}` is {}",
                    b.name,
                    v.status.as_deref().unwrap_or("never enabled")
                ),
            )
            .with_evidence(json!({"status": v.status}))
        }
    })
}

fn logging_outcome(b: &Bucket) -> Outcome {
    match need(b, "server access logging", &b.logging) {
        Err(o) => o,
        Ok(l) => Outcome::pass_if(
            l.is_some(),
            BUCKET,
            &b.arn,
            match l {
                Some(t) => format!("`{}` logs access to `{}`", b.name, t.target_bucket),
                None => format!("`{}` has no server access logging", b.name),
            },
        )
        .with_evidence(json!({"logging": l})),
    }
}

fn access_logging(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| logging_outcome(b))
}

/// Outcomes for the buckets that receive this account's trails.
fn trail_buckets(
    inv: &Inventory,
    f: impl Fn(&Bucket, Option<&PublicAccessBlock>) -> Outcome,
) -> Vec<Outcome> {
    let (Some(ct), Some(s3)) = (&inv.cloudtrail, &inv.s3) else {
        return vec![];
    };
    let buckets = match &s3.buckets {
        Err(e) => {
            return vec![Outcome::error(
                BUCKET,
                account_arn(inv),
                "the bucket list",
                e,
            )];
        }
        Ok(b) => b,
    };
    let account_pab = s3
        .account_public_access_block
        .as_ref()
        .ok()
        .and_then(Option::as_ref);
    let mut names: Vec<&str> = ct
        .trails
        .iter()
        .filter_map(|t| t.s3_bucket.as_deref())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| match buckets.iter().find(|b| b.name == name) {
            Some(b) => {
                let o = f(b, account_pab);
                match &b.region {
                    Ok(r) => o.in_region(r),
                    Err(_) => o,
                }
            }
            None => Outcome::new(
                crate::checks::Status::Error,
                BUCKET,
                format!("arn:{}:s3:::{name}", inv.partition),
                format!("trail bucket `{name}` is not in this account; check it in the account that owns it"),
            ),
        })
        .collect()
}

fn trail_bucket_logging(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    trail_buckets(inv, |b, _| logging_outcome(b))
}

fn trail_bucket_not_public(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    trail_buckets(inv, |b, a| {
        let read = exposure(b, a, READ_ACTIONS, &["READ", "FULL_CONTROL"], "readable");
        if read.status != crate::checks::Status::Pass {
            return read;
        }
        exposure(
            b,
            a,
            WRITE_ACTIONS,
            &["WRITE", "WRITE_ACP", "FULL_CONTROL"],
            "writable",
        )
    })
}

fn acls_disabled(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        match need(b, "object ownership", &b.object_ownership) {
            Err(o) => o,
            Ok(own) => {
                let off = own.as_deref() == Some("BucketOwnerEnforced");
                Outcome::pass_if(
                    off,
                    BUCKET,
                    &b.arn,
                    format!(
                        "object ownership of `{}` is {}",
                        b.name,
                        own.as_deref().unwrap_or("not set (ACLs in use)")
                    ),
                )
                .with_evidence(json!({"object_ownership": own}))
            }
        }
    })
}

fn object_lock(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| {
        match need(b, "Object Lock configuration", &b.object_lock) {
            Err(o) => o,
            Ok(l) => {
                let on = l.as_ref().is_some_and(|l| l.enabled);
                Outcome::pass_if(
                    on,
                    BUCKET,
                    &b.arn,
                    format!(
                        "Object Lock is {} on `{}`",
                        if on { "enabled" } else { "not enabled" },
                        b.name
                    ),
                )
                .with_evidence(json!({"object_lock": l}))
            }
        }
    })
}

fn tagged(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_bucket(inv, |b, _| match need(b, "tags", &b.tags) {
        Err(o) => o,
        Ok(t) => Outcome::pass_if(
            !t.is_empty(),
            BUCKET,
            &b.arn,
            format!("`{}` has {} tag(s)", b.name, t.len()),
        )
        .with_evidence(json!({"tags": t})),
    })
}

#[cfg(test)]
mod builder_inventory_tests;
