//! S3 checks: transport security, public access (policy, ACL, Block Public Access),
//! cross-account grants, encryption, versioning, MFA delete, logging, ACLs, Object Lock,
//! tags, and the buckets that hold CloudTrail logs.
//!
//! `access` judges who can reach a bucket, `protection` how its data is kept; both read
//! policies and ACLs through the pure functions of `analysis`.

mod access;
mod analysis;
mod protection;

use super::{Check, Outcome, Status, account_arn};
use crate::inventory::{Bucket, Fetched, Inventory, PublicAccessBlock};

pub(super) const CHECKS: &[Check] = &[
    check!(
        S3,
        "s3_bucket_policy_denies_http",
        "Bucket policies deny requests over plain HTTP",
        Medium,
        "Without a deny on `aws:SecureTransport = false`, clients can read and write objects over unencrypted HTTP, exposing data and credentials on the wire.",
        "S3 → the bucket → Permissions → Bucket policy → add a Deny statement for all principals and `s3:*` on the bucket and its objects when `aws:SecureTransport` is false.",
        "aws s3api put-bucket-policy --bucket <bucket> --policy '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyHTTP\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::<bucket>\",\"arn:aws:s3:::<bucket>/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}'",
        access::denies_http
    ),
    check!(
        S3,
        "s3_mfa_delete_enabled",
        "Versioned buckets require MFA to delete versions",
        Low,
        "MFA delete stops a stolen access key from permanently deleting object versions or suspending versioning, a common ransomware step.",
        "The console cannot enable MFA delete: sign in as the root user with its MFA device and use the CLI or API (versioning must be enabled).",
        "(as root, with the root user's MFA device) aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa 'arn:aws:iam::<account>:mfa/root-account-mfa-device <code>'",
        protection::mfa_delete
    ),
    check!(
        S3,
        "s3_bucket_public_access_block",
        "Block Public Access is on for the bucket",
        Medium,
        "Block Public Access overrides any policy or ACL that would make the bucket public, a safety net against one wrong statement.",
        "S3 → the bucket → Permissions → Block public access → Edit → turn on all four settings (or turn them on for the whole account).",
        "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        access::bucket_pab
    ),
    check!(
        S3,
        "s3_account_public_access_block",
        "Block Public Access is on for the whole account",
        Medium,
        "Account-level Block Public Access protects every current and future bucket at once, including buckets created by automation that forgets its own settings.",
        "S3 → Block Public Access settings for this account → Edit → turn on all four settings.",
        "aws s3control put-public-access-block --account-id <account> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        access::account_pab
    ),
    check!(
        S3,
        "s3_bucket_not_publicly_readable",
        "Buckets are not publicly readable",
        Critical,
        "A bucket readable by anyone on the internet is the most common cause of cloud data leaks.",
        "S3 → the bucket → Permissions: remove `Principal: *` read grants from the policy and AllUsers/AuthenticatedUsers grants from the ACL, then turn on Block Public Access.",
        "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true && aws s3api put-bucket-acl --bucket <bucket> --acl private",
        access::not_public_read
    ),
    check!(
        S3,
        "s3_bucket_not_publicly_writable",
        "Buckets are not publicly writable",
        Critical,
        "A bucket anyone can write to can be used to host malware, overwrite your data or run up your bill.",
        "S3 → the bucket → Permissions: remove `Principal: *` write grants from the policy and AllUsers/AuthenticatedUsers write grants from the ACL, then turn on Block Public Access.",
        "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true && aws s3api put-bucket-acl --bucket <bucket> --acl private",
        access::not_public_write
    ),
    check!(
        S3,
        "s3_bucket_policy_no_other_account_full_access",
        "Bucket policies do not let other accounts change policies, ACLs or encryption",
        High,
        "Granting another account `s3:*` or permission-changing actions lets it take the bucket over: rewrite its policy, its ACLs or its encryption.",
        "S3 → the bucket → Permissions → Bucket policy: limit other accounts to the object actions they need.",
        "aws s3api get-bucket-policy --bucket <bucket> --query Policy --output text > policy.json  # remove the other accounts' s3:*, s3:Put*Acl, s3:PutBucketPolicy, s3:DeleteBucketPolicy and s3:PutEncryptionConfiguration, then: aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json",
        access::no_other_account_full_access
    ),
    check!(
        S3,
        "s3_default_encryption_enabled",
        "Buckets have default encryption",
        Medium,
        "Since January 2023 AWS applies SSE-S3 default encryption to every bucket, so a bucket without any default encryption configuration only exists on emulators or S3-compatible stores (or in a legacy export); there, objects are stored unencrypted unless each writer asks.",
        "S3 → the bucket → Properties → Default encryption → Edit → SSE-S3 or SSE-KMS.",
        "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"}}]}'",
        protection::default_encryption
    ),
    check!(
        S3,
        "s3_default_encryption_kms",
        "Buckets encrypt with KMS keys by default",
        Low,
        "SSE-KMS adds a key policy and CloudTrail record to every decryption, so reading the data needs both S3 and KMS permissions.",
        "S3 → the bucket → Properties → Default encryption → Edit → SSE-KMS with a customer managed key, bucket key enabled.",
        "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"<key-arn>\"},\"BucketKeyEnabled\":true}]}'",
        protection::default_encryption_kms
    ),
    check!(
        S3,
        "s3_versioning_enabled",
        "Bucket versioning is enabled",
        Low,
        "Versioning keeps every version of every object, so deletions and overwrites (by mistake or by ransomware) can be undone.",
        "S3 → the bucket → Properties → Bucket Versioning → Edit → Enable.",
        "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled",
        protection::versioning
    ),
    check!(
        S3,
        "s3_server_access_logging_enabled",
        "Server access logging is enabled",
        Low,
        "Access logs record every request to the bucket, including those that CloudTrail data events do not, for security and access audits.",
        "S3 → the bucket → Properties → Server access logging → Edit → Enable, choose a target bucket.",
        "aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status '{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\",\"TargetPrefix\":\"<bucket>/\"}}'",
        protection::access_logging
    ),
    check!(
        S3,
        "s3_cloudtrail_bucket_access_logging",
        "The CloudTrail bucket has server access logging",
        Medium,
        "Logging access to the bucket that holds CloudTrail logs shows who read or tried to tamper with the audit trail itself.",
        "S3 → the trail's bucket → Properties → Server access logging → Edit → Enable, target a separate bucket.",
        "aws s3api put-bucket-logging --bucket <trail-bucket> --bucket-logging-status '{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\",\"TargetPrefix\":\"cloudtrail/\"}}'",
        protection::trail_bucket_logging
    ),
    check!(
        S3,
        "s3_cloudtrail_bucket_not_public",
        "The CloudTrail bucket is not public",
        High,
        "A public trail bucket exposes a detailed map of the account's activity and resources to anyone.",
        "S3 → the trail's bucket → Permissions: remove public grants and turn on Block Public Access.",
        "aws s3api put-public-access-block --bucket <trail-bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        access::trail_bucket_not_public
    ),
    check!(
        S3,
        "s3_acls_disabled",
        "Bucket ACLs are disabled (bucket owner enforced)",
        Low,
        "With ACLs disabled, only policies decide access, which is simpler to review and removes a whole class of accidental public grants.",
        "S3 → the bucket → Permissions → Object Ownership → Edit → ACLs disabled (Bucket owner enforced).",
        "aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
        protection::acls_disabled
    ),
    check!(
        S3,
        "s3_object_lock_enabled",
        "Object Lock is enabled",
        Informational,
        "Object Lock stores objects write-once-read-many, protecting backups and logs from deletion for their retention period.",
        "Object Lock is chosen when a bucket is created (or enabled on versioned buckets): S3 → the bucket → Properties → Object Lock.",
        "aws s3api put-object-lock-configuration --bucket <bucket> --object-lock-configuration 'ObjectLockEnabled=Enabled,Rule={DefaultRetention={Mode=GOVERNANCE,Days=30}}'",
        protection::object_lock
    ),
    check!(
        S3,
        "s3_buckets_tagged",
        "Buckets carry tags",
        Informational,
        "Tags tell the security team who owns a bucket and what it holds, which decides how fast a finding on it gets fixed.",
        "S3 → the bucket → Properties → Tags → Edit → add at least an owner tag.",
        "aws s3api put-bucket-tagging --bucket <bucket> --tagging 'TagSet=[{Key=owner,Value=<team>}]'",
        protection::tagged
    ),
];

const BUCKET: &str = "AwsS3Bucket";
const ACCOUNT: &str = "AwsAccount";

/// The account-level Block Public Access settings as collected (`Ok(None)`: never set).
type AccountPab<'a> = &'a Fetched<Option<PublicAccessBlock>>;

/// Runs `f` on every bucket and tags each outcome with the bucket's region. A failed
/// bucket listing is one account-level ERROR; S3 not collected gives nothing.
fn per_bucket(inv: &Inventory, f: impl Fn(&Bucket, AccountPab<'_>) -> Outcome) -> Vec<Outcome> {
    let Some(s3) = &inv.s3 else { return vec![] };
    match &s3.buckets {
        Err(e) => vec![Outcome::error(
            ACCOUNT,
            account_arn(inv),
            "the bucket list",
            e,
        )],
        Ok(buckets) => buckets
            .iter()
            .map(|b| in_bucket_region(b, f(b, &s3.account_public_access_block)))
            .collect(),
    }
}

/// Runs `f` on every bucket that receives a CloudTrail trail's log files. Nothing when
/// CloudTrail or S3 was not collected; a trail bucket that is not among this account's
/// buckets (a central logging account) is an ERROR pointing at the account that owns it.
fn per_trail_bucket(
    inv: &Inventory,
    f: impl Fn(&Bucket, AccountPab<'_>) -> Outcome,
) -> Vec<Outcome> {
    let (Some(ct), Some(s3)) = (&inv.cloudtrail, &inv.s3) else {
        return vec![];
    };
    let buckets = match &s3.buckets {
        Err(e) => {
            return vec![Outcome::error(
                ACCOUNT,
                account_arn(inv),
                "the bucket list",
                e,
            )];
        }
        Ok(b) => b,
    };
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
            Some(b) => in_bucket_region(b, f(b, &s3.account_public_access_block)),
            None => {
                let trails: Vec<&str> = ct
                    .trails
                    .iter()
                    .filter(|t| t.s3_bucket.as_deref() == Some(name))
                    .map(|t| t.arn.as_str())
                    .collect();
                Outcome::new(
                    Status::Error,
                    BUCKET,
                    format!("arn:{}:s3:::{name}", inv.partition),
                    format!("bucket `{name}` is not in this account; check it in the account that owns it"),
                )
                .with_evidence(serde_json::json!({"bucket": name, "trails": trails}))
            }
        })
        .collect()
}

fn in_bucket_region(b: &Bucket, o: Outcome) -> Outcome {
    match &b.region {
        Ok(r) => o.in_region(r),
        Err(_) => o,
    }
}

/// `Fetched` data of a bucket, or the ERROR outcome saying it could not be read.
fn need<'a, T>(b: &Bucket, what: &str, data: &'a Fetched<T>) -> Result<&'a T, Outcome> {
    data.as_ref()
        .map_err(|e| Outcome::error(BUCKET, &b.arn, &format!("{what} of `{}`", b.name), e))
}

#[cfg(test)]
mod builder_inventory_tests;
